/*
 * The edge config (egd): loading, the checks that span several keys,
 * freeing.  The keys themselves are in config_schema.c.
 */
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config_int.h"

/* Required unless the caller said secrets were blanked. */
static void
check_privkey(struct cparse *cp, const struct conf_key *k, const char *key)
{
	const struct ynode	*n;

	if (k->set || (cp->flags & CONF_PARSE_NO_SECRETS))
		return;
	if ((n = ynode_get(cp->root, key)) == NULL)
		cp_error(cp, cp->root, key, "required key missing");
	else if (n->type == YN_NULL ||
	    (n->type == YN_SCALAR && n->str[0] == '\0'))
		cp_error(cp, n, key, "must not be empty");
	/* otherwise the walk reported what is wrong with it */
}

static const struct ynode *
at(struct cparse *cp, const char *path)
{
	return ynode_locate(cp->root, path);
}

static void
check_sock_addr(struct cparse *cp, const char *path, const char *addr,
    int unixsock, int listen)
{
	char	why[128];

	if (*addr == '\0')
		return;
	if (unixsock) {
		if (strlen(addr) >= 108)
			cp_error(cp, at(cp, path), path, "socket path longer "
			    "than 107 bytes");
		return;
	}
	if (conf_check_endpoint(addr, listen, why, sizeof(why)) != 0)
		cp_error(cp, at(cp, path), path, "%s", why);
}

/* What each IType needs from the other Interface keys. */
static void
check_iface(struct cparse *cp, struct edge_conf *c)
{
	struct conf_iface	*i = &c->iface;
	int			 unixsock = 0;

	switch (i->itype) {
	case IFT_TAP:
		if (strlen(i->name) >= IFNAMSIZ)
			cp_error(cp, at(cp, "Interface.Name"),
			    "Interface.Name", "longer than %d bytes",
			    IFNAMSIZ - 1);
		else if (strpbrk(i->name, "/: \t\n") != NULL)
			cp_error(cp, at(cp, "Interface.Name"),
			    "Interface.Name", "not a valid interface name");
		break;
	case IFT_UNIXSOCK:
	case IFT_UNIXGRAMSOCK:
	case IFT_UNIXPACKETSOCK:
		unixsock = 1;
		/* FALLTHROUGH */
	case IFT_UDPSOCK:
	case IFT_TCPSOCK:
		if (*i->recv_addr == '\0' && *i->send_addr == '\0')
			cp_error(cp, at(cp, "Interface.IType"),
			    "Interface.IType", "%s needs RecvAddr or SendAddr",
			    conf_iface_type_name(i->itype));
		check_sock_addr(cp, "Interface.RecvAddr", i->recv_addr,
		    unixsock, 1);
		check_sock_addr(cp, "Interface.SendAddr", i->send_addr,
		    unixsock, 0);
		break;
	default:
		break;
	}

	/* Checked by the walk; the NodeID fills what the prefix leaves. */
	if (conf_parse_mac_prefix(i->macaddr_prefix, i->mac_prefix,
	    &i->mac_prefix_len) != 0) {
		i->mac_prefix_len = 0;	/* reported */
		return;
	}
	if (i->mac_prefix_len == 5 && c->node_id > 255)
		cp_error(cp, at(cp, "Interface.MacAddrPrefix"),
		    "Interface.MacAddrPrefix", "a 5-byte prefix leaves one "
		    "byte for the NodeID, but NodeID is %u", c->node_id);
}

static void
check_supernode(struct cparse *cp, struct edge_conf *c)
{
	struct conf_supernode	*s = &c->dynroute.supernode;
	const char		*p = "DynamicRoute.SuperNode";

	if (!s->use_supernode)
		return;
	if (*s->endpoint_v4 == '\0' && *s->endpoint_v6 == '\0')
		cp_error(cp, at(cp, p), p, "UseSuperNode needs EndpointV4 or "
		    "EndpointV6");
	if (*s->endpoint_v4 != '\0' && !s->pubkey_v4.set)
		cp_error(cp, at(cp, "DynamicRoute.SuperNode.PubKeyV4"),
		    "DynamicRoute.SuperNode.PubKeyV4", "required with "
		    "EndpointV4");
	if (*s->endpoint_v6 != '\0' && !s->pubkey_v6.set)
		cp_error(cp, at(cp, "DynamicRoute.SuperNode.PubKeyV6"),
		    "DynamicRoute.SuperNode.PubKeyV6", "required with "
		    "EndpointV6");
	p = "DynamicRoute.SuperNode.EndpointEdgeAPIUrl";
	if (*s->edge_api_url == '\0')
		cp_error(cp, at(cp, p), p, "required with UseSuperNode");
}

static void
check_peers(struct cparse *cp, struct edge_conf *c)
{
	struct peer_ref	*refs;
	uint8_t		 pub[EG_KEY_LEN];
	size_t		 i;

	if (c->npeers == 0)
		return;
	refs = conf_reallocarray(NULL, c->npeers, sizeof(*refs));
	for (i = 0; i < c->npeers; i++) {
		refs[i].id = c->peers[i].node_id;
		refs[i].pubkey = &c->peers[i].pubkey;
		refs[i].idx = i;
	}
	if (c->privkey.set)
		crypto_scalarmult_curve25519_base(pub, c->privkey.key);
	conf_check_peers(cp, refs, c->npeers, c->node_id,
	    c->privkey.set ? pub : NULL);
	sodium_memzero(pub, sizeof(pub));
	free(refs);
}

static void
edge_check(struct cparse *cp, struct edge_conf *c)
{
	check_privkey(cp, &c->privkey, "PrivKey");
	/* EtherGuard-Go writes 0 for "no preference" when a template has none. */
	if (c->af_prefer != 0 && c->af_prefer != 4 && c->af_prefer != 6)
		cp_error(cp, at(cp, "AfPrefer"), "AfPrefer", "%d is not 0, 4 "
		    "or 6", c->af_prefer);
	if (c->disabled_af.ipv4 && c->disabled_af.ipv6)
		cp_error(cp, at(cp, "DisabledAf"), "DisabledAf", "both IPv4 "
		    "and IPv6 disabled");
	check_iface(cp, c);
	check_supernode(cp, c);
	check_peers(cp, c);
}

struct edge_conf *
conf_parse_edge(const char *name, const char *buf, size_t len,
    struct conf_diags *diags, int flags)
{
	struct cparse		 cp;
	struct edge_conf	*c;

	cp_start(&cp, name, diags, flags);
	c = conf_calloc(1, sizeof(*c));
	c->path = conf_strdup(name);
	conf_edge_defaults(c);
	conf_walk_text(&cp, edge_keys, c, buf, len);
	if (cp.root != NULL)
		edge_check(&cp, c);
	ynode_free((struct ynode *)cp.root);
	cp_finish(&cp);
	if (cp.nerrors > 0) {
		conf_free_edge(c);
		return NULL;
	}
	return c;
}

struct edge_conf *
conf_load_edge(const char *path, struct conf_diags *diags, int flags)
{
	struct edge_conf	*c;
	char			*buf;
	size_t			 len;

	if (conf_read_file(path, diags, flags, &buf, &len) != 0)
		return NULL;
	c = conf_parse_edge(path, buf, len, diags, flags);
	conf_read_free(buf, len);
	return c;
}

void
conf_free_edge(struct edge_conf *c)
{
	if (c == NULL)
		return;
	cw_free_block(edge_keys, c);
	free(c->path);
	sodium_memzero(c, sizeof(*c));
	free(c);
}
