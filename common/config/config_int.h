/*
 * Internals of the config module, shared by common/config_*.c only.
 *
 * Loading is three steps:
 *  1. config_yaml.c turns the bytes into a tree of ynodes that keeps the
 *     line and column of every node (libyaml's event API);
 *  2. config_walk.c walks that tree along a schema (tables of struct
 *     ckey, in config_schema.c) and stores values into the C structs,
 *     reporting type, range and format errors and unknown keys;
 *  3. config_edge.c / config_super.c check what spans several keys
 *     (duplicate peers, keys required only in some cases) and finish.
 * config_print.c prints a struct back along the same schema tables, so
 * the key order of the output is the order of the tables.
 */
#ifndef EG_CONFIG_INT_H
#define EG_CONFIG_INT_H

#include <stdarg.h>
#include <stddef.h>

#include "config.h"
#include "util/log.h"

/* Deepest nesting of YAML collections accepted (hostile input). */
#define YNODE_MAX_DEPTH		64
/* Diagnostics kept per load; later ones are counted, not stored. */
#define CONF_MAX_DIAGS		1000
/* Longest key path shown in a diagnostic. */
#define CONF_PATH_MAX		256
/* Largest duration (s) or latency (ms): keeps conversions in range. */
#define CONF_TIME_MAX		1e9

enum ynode_type {
	YN_NULL,	/* plain "", "~" or "null": the key takes its default */
	YN_SCALAR,
	YN_MAP,		/* kids: key, value, key, value, ... */
	YN_SEQ
};

struct ynode {
	enum ynode_type	  type;
	int		  line;		/* from 1 */
	int		  col;		/* from 1 */
	int		  broken;	/* error already reported (alias) */
	char		 *str;		/* YN_SCALAR: NUL-terminated */
	size_t		  len;
	struct ynode	**kids;
	size_t		  nkids;
	size_t		  cap;
};

/* One parse in progress: where diagnostics go and the parse flags. */
struct cparse {
	const char		*file;
	struct conf_diags	*diags;
	int			 flags;
	size_t			 nerrors;	/* of this parse */
	size_t			 ndropped;	/* over CONF_MAX_DIAGS */
	size_t			 first;		/* diags of this parse */
	const struct ynode	*root;
	const struct ynode	*peers;		/* root's Peers value */
};

/* config_diag.c */
void	cp_start(struct cparse *, const char *file, struct conf_diags *,
	    int flags);
void	cp_error(struct cparse *, const struct ynode *, const char *path,
	    const char *, ...) __attribute__((format(printf, 4, 5)));
void	cp_warn(struct cparse *, const struct ynode *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	cp_error_at(struct cparse *, int line, int col, const char *path,
	    const char *, ...) __attribute__((format(printf, 5, 6)));
void	cp_finish(struct cparse *);
void	cp_quote(char *, size_t, const char *);

/* config_yaml.c */
struct ynode	*ynode_parse(struct cparse *, const char *, size_t);
void		 ynode_free(struct ynode *);
const struct ynode *ynode_get(const struct ynode *map, const char *key);
const struct ynode *ynode_locate(const struct ynode *root, const char *path);
const char	*ynode_type_name(const struct ynode *);

/* config_util.c: checks of string values (0 = fine, else why[] says). */
enum strcheck {
	SC_ANY,
	SC_ENDPOINT,		/* host:port, "" allowed */
	SC_CIDR4,		/* a.b.c.d/len, "" allowed */
	SC_CIDR6,		/* v6/len, "" allowed */
	SC_MACPREFIX,		/* 0..6 hex bytes, unicast */
	SC_IP4,			/* IPv4 address, "" allowed */
	SC_IP6,			/* IPv6 address, "" allowed */
	SC_IP,			/* either, "" allowed */
	SC_URL,			/* http(s)://..., "" allowed */
	SC_HTTP_LISTEN,		/* "port", ":port" or "host:port" */
	SC_API_PREFIX,		/* "" or /path */
	SC_NODENAME,		/* at most 32 bytes */
	SC_HOST,		/* DNS name or IP address, not "" */
	SC_ENDPOINT_REQ,	/* host:port, not "" */
	SC_NETWORK		/* address[/len], either family, not "" */
};

int	conf_check_str(enum strcheck, const char *, char *why, size_t);
int	conf_check_endpoint(const char *, int allow_empty_host, char *why,
	    size_t);
int	conf_parse_mac_prefix(const char *, uint8_t mac[6], int *lenp);

/* config_schema.c: the schema, one table per YAML mapping. */
enum ckind {
	CK_END,
	CK_STR,		/* char * */
	CK_INT,		/* int in [min, max] */
	CK_U32,		/* uint32_t in [min, max] */
	CK_NODEID,	/* uint16_t, 0..NODEID_MAX_VALID */
	CK_FLOAT,	/* double in [min, max], see CF_MIN/MAX_OPEN */
	CK_BOOL,	/* int */
	CK_KEY,		/* struct conf_key */
	CK_ENUM,	/* int-sized enum, spelled by enames */
	CK_BLOCK,	/* nested mapping described by sub */
	CK_LIST,	/* list of mappings: array at off, count at cnt_off */
	CK_STRLIST,	/* struct conf_strlist */
	CK_NHTABLE,	/* struct conf_nhtable */
	CK_LATENCY	/* conf_latency array at off, count at cnt_off */
};

#define CF_REQUIRED	0x01	/* error if the mapping lacks the key */
#define CF_SECRET	0x02	/* redacted in print, wiped on free */
#define CF_PRIVATE	0x10	/* a private key or a password: CF_SECRET,
				   and kept back even by CONF_PRINT_SHARED */
#define CF_MIN_OPEN	0x04	/* CK_FLOAT: value must be > min */
#define CF_MAX_OPEN	0x08	/* CK_FLOAT: value must be < max */
#define CF_LIVE		0x20	/* a reload applies it; without: restart */

struct cenum {
	const char	*name;
	int		 value;	/* the first name of a value prints */
};

struct ckey {
	const char		*name;	/* EtherGuard's spelling */
	enum ckind		 kind;
	size_t			 off;	/* of the field in the block */
	unsigned int		 flags;
	double			 min, max;
	enum strcheck		 check;	/* CK_STR and CK_STRLIST items */
	const struct cenum	*enames;
	const struct ckey	*sub;	/* CK_BLOCK, CK_LIST elements */
	size_t			 cnt_off;
	size_t			 elem_size;
	void			(*elem_init)(void *);
	const char		*alias;	/* older name (with a warning) */
};

extern const struct ckey edge_keys[];
extern const struct ckey super_keys[];
extern const struct cenum iface_type_names[];

/* config_defaults.c */
void	conf_edge_defaults(struct edge_conf *);
void	conf_super_defaults(struct super_conf *);
void	conf_edge_peer_init(void *);
void	conf_super_peer_init(void *);

/* config_walk.c */
void	cw_block(struct cparse *, const struct ckey *, void *base,
	    const struct ynode *, const char *path);
void	cw_free_block(const struct ckey *, void *base);
int	conf_parse_int(const char *, long long *);

/* config_load.c */
int	conf_read_file(const char *, struct conf_diags *, int flags, char **,
	    size_t *);
void	conf_read_free(char *, size_t);
void	conf_walk_text(struct cparse *, const struct ckey *, void *,
	    const char *, size_t);

/* One Peers entry, for the checks across entries. */
struct peer_ref {
	uint16_t		 id;
	const struct conf_key	*pubkey;
	size_t			 idx;	/* in Peers */
};

const struct ynode *cp_peer_key(struct cparse *, size_t, const char *);
void	conf_check_peers(struct cparse *, struct peer_ref *, size_t,
	    int own_id, const uint8_t *own_pubkey);

/* config_diff.c: 1 and the path of the first restart key changed. */
int	cdiff_block(const struct ckey *, const void *a, const void *b,
	    const char *path, char *out, size_t outlen);

/* config_print.c */
int	cpr_block(FILE *, const struct ckey *, const void *base, int indent,
	    int flags);

/* Allocation that cannot fail (fatal on ENOMEM). */
void	*conf_calloc(size_t, size_t);
void	*conf_reallocarray(void *, size_t, size_t);
char	*conf_strdup(const char *);
void	 conf_free_str(char *, int wipe);

#endif /* EG_CONFIG_INT_H */
