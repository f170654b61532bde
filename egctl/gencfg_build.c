/*
 * egctl gencfg: every node's config from a parsed gen file.  The configs
 * are filled in as the config module's structs (from the template, or
 * from the defaults) and printed by conf_dump_*(), so they are in this
 * project's schema; each is parsed back before it is kept, so a file
 * gencfg writes is one egd -n or eg-supd -n accepts.
 */
#include <arpa/inet.h>

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config/config_int.h"
#include "egctl.h"
#include "gencfg.h"
#include "route/route.h"

/* Static and p2p modes keep a key per pair of nodes: bounded. */
#define GEN_MAX_MESH	1024

/* What the edges of one network share, built once. */
struct gen_net {
	const struct gen_input	*in;
	const char		*basedir;
	int			 width;		/* digits of the NodeIDs */
	uint8_t			(*priv)[EG_KEY_LEN];	/* per node */
	uint8_t			(*pub)[EG_KEY_LEN];
	uint8_t			(*psk)[EG_KEY_LEN];	/* n x n, i < j */
	uint8_t			 super_priv[2][EG_KEY_LEN];
	uint8_t			 super_pub[2][EG_KEY_LEN];
	struct conf_nhtable	 nh;
};

static void
set_str(char **sp, const char *s)
{
	conf_free_str(*sp, 0);
	*sp = conf_strdup(s);
}

static void
set_key(struct conf_key *ck, const uint8_t k[EG_KEY_LEN])
{
	ck->set = 1;
	memcpy(ck->key, k, EG_KEY_LEN);
}

static const uint8_t *
pair_psk(const struct gen_net *net, size_t i, size_t j)
{
	size_t	n = net->in->nnodes;

	return i < j ? net->psk[i * n + j] : net->psk[j * n + i];
}

/* "relative to the gen file" unless absolute. */
static char *
gen_path(const char *basedir, const char *p)
{
	char	*s;

	if (p[0] == '/' || basedir[0] == '\0')
		return conf_strdup(p);
	if (asprintf(&s, "%s/%s", basedir, p) == -1)
		fatal("asprintf");
	return s;
}

static void
print_diags(const struct conf_diags *d)
{
	conf_diags_print(stderr, d);
}

/* A base edge config: the template's, or every default. */
static struct edge_conf *
edge_base(const struct gen_net *net)
{
	static const char	 minimal[] = "Interface:\n  IType: tap\n"
				    "NodeID: 0\n";
	struct conf_diags	 d;
	struct edge_conf	*e;
	char			*path;
	size_t			 i;

	memset(&d, 0, sizeof(d));
	if (net->in->edge_template[0] == '\0')
		e = conf_parse_edge("(defaults)", minimal, strlen(minimal), &d,
		    CONF_PARSE_NO_SECRETS);
	else {
		path = gen_path(net->basedir, net->in->edge_template);
		e = conf_load_edge(path, &d, CONF_PARSE_NO_SECRETS);
		free(path);
	}
	print_diags(&d);
	conf_diags_free(&d);
	if (e == NULL)
		return NULL;
	for (i = 0; i < e->npeers; i++) {
		conf_free_str(e->peers[i].endpoint, 0);
		sodium_memzero(&e->peers[i], sizeof(e->peers[i]));
	}
	free(e->peers);
	e->peers = NULL;
	e->npeers = 0;
	free(e->nhtable.entries);
	memset(&e->nhtable, 0, sizeof(e->nhtable));
	return e;
}

/*
 * egd puts node N at network + N (parent_tap.c): refuse a range too
 * small for a NodeID now rather than at the node's start.
 */
static int
range_fits(const char *what, const char *cidr, int af, uint16_t id)
{
	const char	*slash;
	unsigned long	 plen, hostbits;

	if (cidr[0] == '\0' || (slash = strchr(cidr, '/')) == NULL)
		return 0;
	plen = strtoul(slash + 1, NULL, 10);
	hostbits = (af == AF_INET ? 32 : 128) - plen;
	if (hostbits >= 17)
		return 0;
	if ((id == 0 && hostbits >= 2) ||
	    (id != 0 && id <= (1UL << hostbits) - (hostbits >= 2 ? 2 : 1)))
		return 0;
	fprintf(stderr, "egctl gencfg: Edge Node.%s %s has no address for "
	    "NodeID %u\n", what, cidr, id);
	return -1;
}

static void
mac_prefix(const struct gen_input *in, char out[12])
{
	uint8_t	b[4];

	if (in->edge.mac_prefix[0] != '\0') {
		snprintf(out, 12, "%s", in->edge.mac_prefix);
		return;
	}
	/* Random, unicast and locally administered, as EtherGuard-Go's. */
	randombytes_buf(b, sizeof(b));
	b[0] = (b[0] & 0xfe) | 0x02;
	snprintf(out, 12, "%02X:%02X:%02X:%02X", b[0], b[1], b[2], b[3]);
}

/* The port of "host:port", or 0. */
static int
endpoint_port(const char *ep)
{
	const char	*c = strrchr(ep, ':');

	return c != NULL ? atoi(c + 1) : 0;
}

static int
add_file(struct gen_files *out, char *name, char *text, size_t len)
{
	out->files = conf_reallocarray(out->files, out->count + 1,
	    sizeof(*out->files));
	out->files[out->count].name = name;
	out->files[out->count].text = text;
	out->files[out->count].len = len;
	out->count++;
	return 0;
}

static struct conf_edge_peer *
peer_add(struct edge_conf *e, const struct gen_net *net, size_t i, size_t j)
{
	struct conf_edge_peer	*p;

	e->peers = conf_reallocarray(e->peers, e->npeers + 1,
	    sizeof(*e->peers));
	p = &e->peers[e->npeers++];
	memset(p, 0, sizeof(*p));
	conf_edge_peer_init(p);
	p->node_id = net->in->nodes[j].id;
	set_key(&p->pubkey, net->pub[j]);
	set_key(&p->psk, pair_psk(net, i, j));
	set_str(&p->endpoint, net->in->nodes[j].endpoint);
	/*
	 * A peer with no endpoint is reached where its packets come from:
	 * not Static, which would never follow it (eg.conf(5)).
	 */
	p->is_static = p->endpoint[0] != '\0';
	return p;
}

/* Node i's peers: its neighbours in the matrix, or whom it can reach. */
static void
edge_peers(struct edge_conf *e, const struct gen_net *net, size_t i)
{
	const struct gen_input	*in = net->in;
	const struct route_matrix *m = &in->costs;
	struct conf_edge_peer	*p;
	size_t			 j, n = in->nnodes;

	for (j = 0; j < n; j++) {
		if (j == i)
			continue;
		if (in->mode == GEN_STATIC) {
			/* Same order as in->nodes: gen_parse checked it. */
			if (m->ms[i * n + j] == HUGE_VAL &&
			    m->ms[j * n + i] == HUGE_VAL)
				continue;
			peer_add(e, net, i, j);
		} else if (in->nodes[j].endpoint[0] != '\0' ||
		    in->nodes[i].endpoint[0] != '\0') {
			/*
			 * P2P: a pair where one side can dial the other, as
			 * EtherGuard-Go pairs them; the rest are learnt.
			 */
			p = peer_add(e, net, i, j);
			if (p->is_static)
				p->persistent_keepalive = 30;
		}
	}
}

static int
edge_build(const struct gen_net *net, size_t i, struct gen_files *out)
{
	const struct gen_input	*in = net->in;
	const struct gen_node	*node = &in->nodes[i];
	struct conf_dynroute	*dr;
	struct edge_conf	*e, *check;
	struct conf_diags	 d;
	char			 name[64], mac[12], *fname, *text, ep[300];
	size_t			 len;

	if (range_fits("IPv4 range", in->edge.ipv4_range, AF_INET,
	    node->id) == -1 || range_fits("IPv6 range", in->edge.ipv6_range,
	    AF_INET6, node->id) == -1 || range_fits("IPv6 LL range",
	    in->edge.ipv6_ll_range, AF_INET6, node->id) == -1)
		return -1;
	if ((e = edge_base(net)) == NULL)
		return -1;
	dr = &e->dynroute;
	snprintf(name, sizeof(name), "%s%0*u", in->network_name, net->width,
	    node->id);
	set_str(&e->iface.name, in->nodeid_in_ifname ? name :
	    in->network_name);
	mac_prefix(in, mac);
	set_str(&e->iface.macaddr_prefix, mac);
	set_str(&e->iface.ipv4_cidr, in->edge.ipv4_range);
	set_str(&e->iface.ipv6_cidr, in->edge.ipv6_range);
	set_str(&e->iface.ipv6_ll_prefix, in->edge.ipv6_ll_range);
	e->node_id = node->id;
	set_str(&e->node_name, name);
	set_key(&e->privkey, net->priv[i]);
	e->listen_port = endpoint_port(node->endpoint);
	dr->supernode.use_supernode = in->mode == GEN_SUPER;
	dr->p2p.use_p2p = in->mode == GEN_P2P;
	if (in->mode == GEN_SUPER) {
		set_key(&dr->supernode.psk, net->psk[i]);
		ep[0] = '\0';
		if (in->super.endpoint_v4[0] != '\0')
			snprintf(ep, sizeof(ep), "%s:%d", in->super.endpoint_v4,
			    in->super.listen_port);
		set_str(&dr->supernode.endpoint_v4, ep);
		ep[0] = '\0';
		if (in->super.endpoint_v6[0] != '\0')
			snprintf(ep, sizeof(ep), "[%s]:%d",
			    in->super.endpoint_v6, in->super.listen_port);
		set_str(&dr->supernode.endpoint_v6, ep);
		set_key(&dr->supernode.pubkey_v4, net->super_pub[0]);
		set_key(&dr->supernode.pubkey_v6, net->super_pub[1]);
		set_str(&dr->supernode.edge_api_url, in->super.edge_api_url);
	} else
		edge_peers(e, net, i);
	if (in->mode == GEN_STATIC && net->nh.count > 0) {
		e->nhtable.entries = conf_reallocarray(NULL, net->nh.count,
		    sizeof(*e->nhtable.entries));
		memcpy(e->nhtable.entries, net->nh.entries,
		    net->nh.count * sizeof(*e->nhtable.entries));
		e->nhtable.count = net->nh.count;
	}
	text = conf_dump_edge(e, CONF_PRINT_SECRETS, &len);
	conf_free_edge(e);
	if (text == NULL)
		fatal("conf_dump_edge");
	if (asprintf(&fname, "%s_edge%0*u.yaml", in->network_name,
	    net->width, node->id) == -1)
		fatal("asprintf");
	memset(&d, 0, sizeof(d));
	if ((check = conf_parse_edge(fname, text, len, &d, 0)) == NULL) {
		print_diags(&d);
		conf_diags_free(&d);
		fprintf(stderr, "egctl gencfg: %s: the generated config does "
		    "not load\n", fname);
		sodium_memzero(text, len);
		free(text);
		free(fname);
		return -1;
	}
	conf_diags_free(&d);
	conf_free_edge(check);
	return add_file(out, fname, text, len);
}

static struct super_conf *
super_base(const struct gen_net *net)
{
	static const char	 minimal[] = "ListenPort: 3456\n";
	struct conf_diags	 d;
	struct super_conf	*s;
	char			*path;
	size_t			 i;

	memset(&d, 0, sizeof(d));
	if (net->in->super_template[0] == '\0')
		s = conf_parse_super("(defaults)", minimal, strlen(minimal),
		    &d, CONF_PARSE_NO_SECRETS);
	else {
		path = gen_path(net->basedir, net->in->super_template);
		s = conf_load_super(path, &d, CONF_PARSE_NO_SECRETS);
		free(path);
	}
	print_diags(&d);
	conf_diags_free(&d);
	if (s == NULL)
		return NULL;
	for (i = 0; i < s->npeers; i++) {
		conf_free_str(s->peers[i].name, 0);
		conf_free_str(s->peers[i].endpoint, 0);
		conf_free_str(s->peers[i].external_ip, 0);
		sodium_memzero(&s->peers[i], sizeof(s->peers[i]));
	}
	free(s->peers);
	s->peers = NULL;
	s->npeers = 0;
	return s;
}

static int
super_build(const struct gen_net *net, struct gen_files *out)
{
	const struct gen_input	*in = net->in;
	struct super_conf	*s, *check;
	struct conf_super_peer	*p;
	struct conf_passwords	*pw;
	struct conf_diags	 d;
	char			 buf[64], *fname, *text;
	size_t			 i, len;

	if ((s = super_base(net)) == NULL)
		return -1;
	snprintf(buf, sizeof(buf), "%sSN", in->network_name);
	set_str(&s->node_name, buf);
	set_key(&s->privkey_v4, net->super_priv[0]);
	set_key(&s->privkey_v6, net->super_priv[1]);
	s->listen_port = in->super.listen_port;
	snprintf(buf, sizeof(buf), "%d", in->super.listen_port);
	set_str(&s->listen_port_edge_api, buf);
	set_str(&s->listen_port_manage_api, buf);
	set_str(&s->api_prefix, in->super.api_prefix);
	pw = &s->passwords;
	keys_password(buf);
	set_str(&pw->show_state, buf);
	keys_password(buf);
	set_str(&pw->add_peer, buf);
	keys_password(buf);
	set_str(&pw->del_peer, buf);
	keys_password(buf);
	set_str(&pw->update_peer, buf);
	keys_password(buf);
	set_str(&pw->update_super, buf);
	sodium_memzero(buf, sizeof(buf));
	s->use_psk_for_inter_edge = 1;
	s->peers = conf_reallocarray(NULL, in->nnodes, sizeof(*s->peers));
	for (i = 0; i < in->nnodes; i++) {
		p = &s->peers[i];
		memset(p, 0, sizeof(*p));
		conf_super_peer_init(p);
		p->node_id = in->nodes[i].id;
		snprintf(buf, sizeof(buf), "%s%0*u", in->network_name,
		    net->width, p->node_id);
		set_str(&p->name, buf);
		set_key(&p->pubkey, net->pub[i]);
		set_key(&p->psk, net->psk[i]);
	}
	s->npeers = in->nnodes;
	text = conf_dump_super(s, CONF_PRINT_SECRETS, &len);
	conf_free_super(s);
	if (text == NULL)
		fatal("conf_dump_super");
	if (asprintf(&fname, "%s_super.yaml", in->network_name) == -1)
		fatal("asprintf");
	memset(&d, 0, sizeof(d));
	if ((check = conf_parse_super(fname, text, len, &d, 0)) == NULL) {
		print_diags(&d);
		conf_diags_free(&d);
		fprintf(stderr, "egctl gencfg: %s: the generated config does "
		    "not load\n", fname);
		sodium_memzero(text, len);
		free(text);
		free(fname);
		return -1;
	}
	conf_diags_free(&d);
	conf_free_super(check);
	return add_file(out, fname, text, len);
}

/* The supernode's endpoints and EdgeAPI address, which every edge needs. */
static int
super_check(const struct gen_input *in)
{
	if (in->super.endpoint_v4[0] == '\0' &&
	    in->super.endpoint_v6[0] == '\0') {
		fprintf(stderr, "egctl gencfg: Super Node: give "
		    "Endpoint(IPv4)(optional) or Endpoint(IPv6)(optional)\n");
		return -1;
	}
	if (in->super.edge_api_url[0] == '\0') {
		fprintf(stderr, "egctl gencfg: Super Node.Endpoint(EdgeAPI) "
		    "is required\n");
		return -1;
	}
	return 0;
}

int
gen_build(const struct gen_input *in, const char *basedir,
    struct gen_files *out)
{
	struct gen_net	 net;
	size_t		 i, j, n = in->nnodes, npsk;
	int		 status = 0, rv = -1;

	memset(out, 0, sizeof(*out));
	memset(&net, 0, sizeof(net));
	if (sodium_init() == -1) {
		fprintf(stderr, "egctl: libsodium does not start\n");
		return -1;
	}
	if (in->mode != GEN_SUPER && n > GEN_MAX_MESH) {
		fprintf(stderr, "egctl gencfg: %zu nodes: at most %d in static "
		    "or p2p mode\n", n, GEN_MAX_MESH);
		return -1;
	}
	if (in->mode == GEN_SUPER && super_check(in) == -1)
		return -1;
	net.in = in;
	net.basedir = basedir;
	net.width = snprintf(NULL, 0, "%u", in->nodes[n - 1].id);
	npsk = in->mode == GEN_SUPER ? n : n * n;
	net.priv = sodium_allocarray(n, EG_KEY_LEN);
	net.pub = sodium_allocarray(n, EG_KEY_LEN);
	net.psk = sodium_allocarray(npsk, EG_KEY_LEN);
	if (net.priv == NULL || net.pub == NULL || net.psk == NULL)
		fatal("sodium_allocarray");
	for (i = 0; i < n; i++) {
		keys_fresh(net.priv[i], 1);
		crypto_scalarmult_base(net.pub[i], net.priv[i]);
	}
	if (in->mode == GEN_SUPER)
		for (i = 0; i < n; i++)
			keys_fresh(net.psk[i], 0);
	else
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				keys_fresh(net.psk[i * n + j], 0);
	for (i = 0; i < 2; i++) {
		keys_fresh(net.super_priv[i], 1);
		crypto_scalarmult_base(net.super_pub[i], net.super_priv[i]);
	}
	if (in->mode == GEN_STATIC) {
		if (route_matrix_solve(&in->costs, &net.nh, &status) == -1)
			fatal("route_matrix_solve");
		if (status & ROUTE_NEGCYCLE)
			fprintf(stderr, "egctl gencfg: warning: a cycle of "
			    "negative cost; negative costs were taken as 0\n");
		if (status & ROUTE_COARSE)
			fprintf(stderr, "egctl gencfg: warning: costs too large "
			    "for microsecond precision were rounded\n");
	}
	if (in->mode == GEN_SUPER && super_build(&net, out) == -1)
		goto done;
	for (i = 0; i < n; i++)
		if (edge_build(&net, i, out) == -1)
			goto done;
	rv = 0;
done:
	sodium_free(net.priv);
	sodium_free(net.pub);
	sodium_free(net.psk);
	sodium_memzero(net.super_priv, sizeof(net.super_priv));
	free(net.nh.entries);
	if (rv == -1)
		gen_files_free(out);
	return rv;
}

void
gen_files_free(struct gen_files *f)
{
	size_t	i;

	for (i = 0; i < f->count; i++) {
		sodium_memzero(f->files[i].text, f->files[i].len);
		free(f->files[i].text);
		free(f->files[i].name);
	}
	free(f->files);
	memset(f, 0, sizeof(*f));
}
