/*
 * egctl gencfg: EtherGuard-Go's config generator.  Its input (a gen*.yaml
 * file, eg.conf(5)'s keys spelled as EtherGuard-Go spells them, see
 * egctl.8) is read by gencfg_input.c, the configs of every node are built
 * by gencfg_build.c and written by gencfg.c.
 */
#ifndef EGCTL_GENCFG_H
#define EGCTL_GENCFG_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "route_matrix.h"

enum gen_mode {
	GEN_STATIC,
	GEN_P2P,
	GEN_SUPER
};

/* Most nodes one gen file may list (every valid NodeID). */
#define GEN_MAX_NODES	(NODEID_MAX_VALID + 1)

struct gen_node {
	uint16_t	 id;
	char		*endpoint;	/* host:port or "" */
};

/* "Super Node:" */
struct gen_super {
	int		 listen_port;
	char		*api_prefix;
	char		*endpoint_v4;	/* host or "" */
	char		*endpoint_v6;
	char		*edge_api_url;
};

/* "Edge Node:" */
struct gen_edge {
	char		*node_ids;	/* "[1~10,11]", super mode */
	char		*mac_prefix;
	char		*ipv4_range;
	char		*ipv6_range;
	char		*ipv6_ll_range;
};

struct gen_input {
	enum gen_mode	 mode;
	char		*output_dir;
	int		 overwrite;
	int		 nodeid_in_ifname;
	char		*super_template;
	char		*edge_template;
	char		*network_name;
	struct gen_super super;
	struct gen_edge	 edge;
	char		*matrix;	/* "Distance matrix for all nodes" */
	struct gen_node	*nodes;		/* ascending NodeID */
	size_t		 nnodes;
	struct route_matrix costs;	/* static mode: the parsed matrix */
};

/*
 * Parses a gen file of the given mode into *in (zeroed by the call).
 * Diagnostics ("name:line:col: Key: what") go to *diags; -1 on any
 * error, and *in is then freed.
 */
int	gen_parse(const char *name, const char *buf, size_t len,
	    enum gen_mode, struct gen_input *in, struct conf_diags *diags);
void	gen_free(struct gen_input *);

/*
 * A NodeID set as EtherGuard-Go writes it, "[1~10,11,19,55~66]":
 * ascending, no repeats, malloc'ed in *ids.  -1 and a reason in err.
 */
int	gen_parse_ids(const char *, uint16_t **ids, size_t *n, char *err,
	    size_t errlen);

/* One generated file: its name in the output directory and its text. */
struct gen_file {
	char		*name;
	char		*text;
	size_t		 len;
};

struct gen_files {
	struct gen_file	*files;
	size_t		 count;
};

/*
 * Builds every node's config (gencfg_build.c); templates are read
 * relative to basedir.  Each text is checked by parsing it back.  -1
 * with a message on stderr.
 */
int	gen_build(const struct gen_input *, const char *basedir,
	    struct gen_files *);
void	gen_files_free(struct gen_files *);

#endif /* EGCTL_GENCFG_H */
