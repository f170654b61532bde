/*
 * The supernode config (eg-supd): loading, the checks that span several
 * keys, freeing.  The keys themselves are in config_schema.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config_int.h"

static const struct ynode *
at(struct cparse *cp, const char *path)
{
	return ynode_locate(cp->root, path);
}

/* Required for an enabled address family, unless secrets were blanked. */
static void
check_privkey(struct cparse *cp, const struct conf_key *k, const char *key,
    int disabled)
{
	const struct ynode	*n;

	if (k->set || disabled || (cp->flags & CONF_PARSE_NO_SECRETS))
		return;
	if ((n = ynode_get(cp->root, key)) == NULL)
		cp_error(cp, cp->root, key, "required key missing (or disable "
		    "the address family in DisabledAf)");
	else if (n->type == YN_NULL ||
	    (n->type == YN_SCALAR && n->str[0] == '\0'))
		cp_error(cp, n, key, "must not be empty");
}

static void
check_peers(struct cparse *cp, struct super_conf *c)
{
	struct peer_ref	*refs;
	char		 path[CONF_PATH_MAX];
	size_t		 i;
	double		 cost;

	if (c->npeers == 0)
		return;
	refs = conf_reallocarray(NULL, c->npeers, sizeof(*refs));
	for (i = 0; i < c->npeers; i++) {
		refs[i].id = c->peers[i].node_id;
		refs[i].pubkey = &c->peers[i].pubkey;
		refs[i].idx = i;
		cost = c->peers[i].additional_cost;
		if (cost < 0 && cost != -1) {
			snprintf(path, sizeof(path),
			    "Peers[%zu].AdditionalCost", i);
			cp_error(cp, cp_peer_key(cp, i, "AdditionalCost"),
			    path, "%g: must be -1 (the "
			    "edge's own) or >= 0", cost);
		}
	}
	conf_check_peers(cp, refs, c->npeers, -1, NULL);
	free(refs);
}

static void
super_check(struct cparse *cp, struct super_conf *c)
{
	char	*p;

	check_privkey(cp, &c->privkey_v4, "PrivKeyV4", c->disabled_af.ipv4);
	check_privkey(cp, &c->privkey_v6, "PrivKeyV6", c->disabled_af.ipv6);
	if (c->disabled_af.ipv4 && c->disabled_af.ipv6)
		cp_error(cp, at(cp, "DisabledAf"), "DisabledAf", "both IPv4 "
		    "and IPv6 disabled");
	/* Both HTTP APIs listen on the UDP port number unless told. */
	if (c->listen_port_edge_api == NULL &&
	    asprintf(&c->listen_port_edge_api, "%d", c->listen_port) == -1)
		fatal("asprintf");
	if (c->listen_port_manage_api == NULL &&
	    asprintf(&c->listen_port_manage_api, "%d", c->listen_port) == -1)
		fatal("asprintf");
	/* As EtherGuard-Go: a prefix without its leading '/' gets one. */
	if (c->api_prefix[0] != '\0' && c->api_prefix[0] != '/') {
		if (asprintf(&p, "/%s", c->api_prefix) == -1)
			fatal("asprintf");
		free(c->api_prefix);
		c->api_prefix = p;
	}
	check_peers(cp, c);
}

struct super_conf *
conf_parse_super(const char *name, const char *buf, size_t len,
    struct conf_diags *diags, int flags)
{
	struct cparse		 cp;
	struct super_conf	*c;

	cp_start(&cp, name, diags, flags);
	c = conf_calloc(1, sizeof(*c));
	c->path = conf_strdup(name);
	conf_super_defaults(c);
	conf_walk_text(&cp, super_keys, c, buf, len);
	if (cp.root != NULL)
		super_check(&cp, c);
	ynode_free((struct ynode *)cp.root);
	cp_finish(&cp);
	if (cp.nerrors > 0) {
		conf_free_super(c);
		return NULL;
	}
	return c;
}

struct super_conf *
conf_load_super(const char *path, struct conf_diags *diags, int flags)
{
	struct super_conf	*c;
	char			*buf;
	size_t			 len;

	if (conf_read_file(path, diags, flags, &buf, &len) != 0)
		return NULL;
	c = conf_parse_super(path, buf, len, diags, flags);
	conf_read_free(buf, len);
	return c;
}

void
conf_free_super(struct super_conf *c)
{
	if (c == NULL)
		return;
	cw_free_block(super_keys, c);
	free(c->path);
	sodium_memzero(c, sizeof(*c));
	free(c);
}
