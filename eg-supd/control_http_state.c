/*
 * The three EdgeAPI states (doc/super-internals.md "State hashes"): the
 * peers document, built from the config, the engine's view of each edge
 * and the local addresses edges report; the next-hop table from the
 * route process; superparams per edge from the config.  When a hash
 * changes the engine hears of it (IMSG_SUPD_HASH) and sends ServerUpdate.
 *
 * Changes are batched: whatever arrives marks the states dirty and one
 * deferred recompute follows, so a burst of IMSG_SUPD_EDGE costs one
 * rebuild.  A new peers hash makes every online edge refetch the peers
 * (and those with SaveNewPeers rewrite their config): a change of what
 * was known (an endpoint roaming, local addresses) is published at most
 * once per HTTP_PEERS_DAMP_S, the first at once and the rest at the end
 * of the interval, from the newest state, so one edge that keeps
 * changing its addresses costs the others one fetch per interval and
 * nothing is lost; news (the config, an edge online or offline, a first
 * endpoint) goes at once.  The peers document is served
 * from the snapshot its hash was taken over, so an edge always gets the
 * state its hash names.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <event.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "control_http.h"
#include "util/addr.h"
#include "util/log.h"

struct http_out	http_out;

static int
hnode_cmp(const struct hnode *a, const struct hnode *b)
{
	return (int)a->node_id - (int)b->node_id;
}

RB_HEAD(hnode_tree, hnode);
RB_PROTOTYPE(hnode_tree, hnode, entry, hnode_cmp)
RB_GENERATE(hnode_tree, hnode, entry, hnode_cmp)

/* One entry of the peers snapshot. */
struct hsnap {
	struct edgeapi_peer	p;		/* no PSK */
	uint32_t	nexternal;	/* p.endpoints[nexternal..] are local */
};

struct docstage {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};

static struct {
	const struct super_conf	*conf;
	struct hnode_tree	 nodes;
	struct hsnap		*snap;
	size_t			 nsnap;
	uint8_t			 peers_hash[EDGEAPI_HASH_LEN];
	char			*nh_doc;
	size_t			 nh_len;
	uint8_t			 nh_hash[EDGEAPI_HASH_LEN];
	char			*state_doc;
	size_t			 state_len;
	struct docstage		 stage[SUPD_DOC_NHTABLE + 1];
	struct event		 ev_recompute;
	int			 ev_ready;
	int			 have_pub;	/* a recompute ran at pub_s */
	double			 pub_s;
} hs = { .nodes = RB_INITIALIZER(&hs.nodes) };

static void	hstate_schedule(int);

void
hstate_init(const struct http_out *out)
{
	http_out = *out;
}

const struct super_conf *
hstate_getconf(void)
{
	return hs.conf;
}

struct hnode *
hstate_node(uint16_t node_id)
{
	struct hnode	key, *n;

	key.node_id = node_id;
	n = RB_FIND(hnode_tree, &hs.nodes, &key);
	return n != NULL && n->peer != NULL ? n : NULL;
}

static void
hnode_free(struct hnode *n)
{
	RB_REMOVE(hnode_tree, &hs.nodes, n);
	free(n->sp_doc);
	sodium_memzero(n, sizeof(*n));
	free(n);
}

void
hstate_conf(const struct super_conf *conf)
{
	struct hnode		*n, *next, key;
	const struct conf_super_peer *p;
	size_t			 i;

	/* Mark, then match each configured peer; drop the unmatched. */
	RB_FOREACH(n, hnode_tree, &hs.nodes)
		n->mark = 1;
	for (i = 0; i < conf->npeers; i++) {
		p = &conf->peers[i];
		key.node_id = p->node_id;
		if ((n = RB_FIND(hnode_tree, &hs.nodes, &key)) == NULL) {
			if ((n = calloc(1, sizeof(*n))) == NULL)
				fatal("http node");
			n->node_id = p->node_id;
			RB_INSERT(hnode_tree, &hs.nodes, n);
		}
		n->peer = p;
		n->mark = 0;
	}
	RB_FOREACH_SAFE(n, hnode_tree, &hs.nodes, next)
		if (n->mark)
			hnode_free(n);
	hs.conf = conf;
	manage_auth_conf(conf);
	hstate_schedule(1);
}

/* Both unset, or the same address and port. */
static int
ss_same(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	return a->ss_family == 0 || sockaddr_eq((const struct sockaddr *)a,
	    (const struct sockaddr *)b);
}

static in_port_t
ss_port(const struct sockaddr_storage *ss)
{
	switch (ss->ss_family) {
	case AF_INET:
		return ((const struct sockaddr_in *)ss)->sin_port;
	case AF_INET6:
		return ((const struct sockaddr_in6 *)ss)->sin6_port;
	default:
		return 0;
	}
}

void
hstate_edge(const struct supd_edge *e)
{
	struct hnode	*n;

	if ((e->ep4.ss_family != 0 && e->ep4.ss_family != AF_INET) ||
	    (e->ep6.ss_family != 0 && e->ep6.ss_family != AF_INET6))
		fatalx("IMSG_SUPD_EDGE %u: bad address family", e->node_id);
	if ((n = hstate_node(e->node_id)) == NULL) {
		log_debug("edge state for NodeID %u, not configured",
		    e->node_id);
		return;
	}
	if (n->edge.online != e->online || (n->edge.ep4.ss_family == 0 &&
	    e->ep4.ss_family != 0) || (n->edge.ep6.ss_family == 0 &&
	    e->ep6.ss_family != 0))
		hstate_schedule(1);
	else if (!ss_same(&n->edge.ep4, &e->ep4) ||
	    !ss_same(&n->edge.ep6, &e->ep6))
		hstate_schedule(0);
	n->edge = *e;
	n->edge.reserved = 0;
}

/* Appends ss to p unless it is there already or p is full. */
static void
snap_add(struct edgeapi_peer *p, const struct sockaddr_storage *ss)
{
	uint32_t	i;

	if (p->nendpoints == SUPER_MAX_ENDPOINTS)
		return;
	for (i = 0; i < p->nendpoints; i++)
		if (sockaddr_eq((const struct sockaddr *)&p->endpoints[i],
		    (const struct sockaddr *)ss))
			return;
	p->endpoints[p->nendpoints++] = *ss;
}

/*
 * The external endpoints of an online edge, IPv4 first.  ExternalIP
 * replaces the address of the endpoint of its family, keeping the port;
 * with no endpoint of that family it takes the other one's port.
 */
static void
snap_externals(struct edgeapi_peer *p, const struct hnode *n)
{
	struct sockaddr_storage	 ep[2], ext;
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;
	const char		*ip = n->peer->external_ip;
	in_port_t		 port;
	int			 fam = 0, i;

	ep[0] = n->edge.ep4;
	ep[1] = n->edge.ep6;
	memset(&ext, 0, sizeof(ext));
	sin = (struct sockaddr_in *)&ext;
	sin6 = (struct sockaddr_in6 *)&ext;
	if (ip != NULL && *ip != '\0') {
		if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1)
			fam = AF_INET;
		else if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1)
			fam = AF_INET6;
	}
	if (fam != 0) {
		i = fam == AF_INET ? 0 : 1;
		if ((port = ss_port(&ep[i])) == 0)
			port = ss_port(&ep[!i]);
		if (port != 0) {
			ext.ss_family = fam;
			if (fam == AF_INET)
				sin->sin_port = port;
			else
				sin6->sin6_port = port;
			ep[i] = ext;
		}
	}
	for (i = 0; i < 2; i++)
		if (ep[i].ss_family != 0)
			snap_add(p, &ep[i]);
}

static int
peer_index_cmp(const void *a, const void *b)
{
	const struct conf_super_peer	*x = *(const struct conf_super_peer *
	    const *)a, *y = *(const struct conf_super_peer *const *)b;

	return (int)x->node_id - (int)y->node_id;
}

/* Rebuilds the peers snapshot; 1 if its hash changed. */
static int
recompute_peers(void)
{
	const struct conf_super_peer	**sorted;
	struct hsnap			 *snap;
	struct edgeapi_peer			 *flat;
	struct hnode			 *n;
	uint8_t				  hash[EDGEAPI_HASH_LEN];
	size_t				  i, np = hs.conf->npeers, len;
	uint32_t			  j;
	char				 *doc;
	int				  fam;

	if ((sorted = calloc(np + 1, sizeof(*sorted))) == NULL ||
	    (snap = calloc(np + 1, sizeof(*snap))) == NULL ||
	    (flat = calloc(np + 1, sizeof(*flat))) == NULL)
		fatal("peers snapshot");
	for (i = 0; i < np; i++)
		sorted[i] = &hs.conf->peers[i];
	qsort(sorted, np, sizeof(*sorted), peer_index_cmp);
	for (i = 0; i < np; i++) {
		snap[i].p.node_id = sorted[i]->node_id;
		edgeapi_name_copy(snap[i].p.name, sorted[i]->name != NULL ?
		    sorted[i]->name : "");
		memcpy(snap[i].p.pubkey, sorted[i]->pubkey.key, 32);
		n = hstate_node(sorted[i]->node_id);
		/* Not heard from within PeerAliveTimeout: no endpoints. */
		if (n == NULL || !n->edge.online)
			continue;
		snap_externals(&snap[i].p, n);
		snap[i].nexternal = snap[i].p.nendpoints;
		if (sorted[i]->skip_local_ip)
			continue;
		for (fam = AF_INET; fam != 0; fam = fam == AF_INET ?
		    AF_INET6 : 0)
			for (j = 0; j < n->local.count; j++)
				if (n->local.addrs[j].ss_family == fam)
					snap_add(&snap[i].p,
					    &n->local.addrs[j]);
	}
	for (i = 0; i < np; i++)
		flat[i] = snap[i].p;
	free(sorted);
	if (np > EDGEAPI_MAX_PEERS)
		fatalx("%zu peers: the EdgeAPI serves at most %d", np,
		    EDGEAPI_MAX_PEERS);
	if ((doc = edgeapi_peers_build(flat, np, 0, &len)) == NULL)
		fatal("peers document");
	free(flat);
	edgeapi_state_hash(hash, doc, len);
	free(doc);
	free(hs.snap);
	hs.snap = snap;
	hs.nsnap = np;
	if (memcmp(hash, hs.peers_hash, sizeof(hash)) == 0)
		return 0;
	memcpy(hs.peers_hash, hash, sizeof(hash));
	return 1;
}

static void
tell_hash(uint16_t node_id, enum ovlmsg_state state, const uint8_t *hash)
{
	struct supd_hash	h;
	char			hex[2 * EDGEAPI_HASH_LEN + 1];

	memset(&h, 0, sizeof(h));
	h.node_id = node_id;
	h.state = state;
	memcpy(h.hash, hash, sizeof(h.hash));
	edgeapi_hash_hex(hex, hash);
	log_debug("state %d of %s: %.16s", state, node_id == NODEID_BROADCAST ?
	    "every edge" : "one edge", hex);
	if (http_out.hash != NULL)
		http_out.hash(&h);
}

static void
recompute_superparams(struct hnode *n)
{
	struct edgeapi_superparams	 sp;
	uint8_t			 hash[EDGEAPI_HASH_LEN];
	char			*doc;
	size_t			 len;

	memset(&sp, 0, sizeof(sp));
	sp.send_ping_interval = hs.conf->send_ping_interval;
	sp.http_post_interval = hs.conf->http_post_interval;
	sp.peer_alive_timeout = hs.conf->peer_alive_timeout;
	sp.additional_cost = n->peer->additional_cost;
	sp.damping_resistance = hs.conf->graph.damping_resistance;
	if ((doc = edgeapi_superparams_build(&sp, &len)) == NULL) {
		log_warn("superparams of NodeID %u", n->node_id);
		return;
	}
	edgeapi_state_hash(hash, doc, len);
	if (n->sp_doc != NULL && memcmp(hash, n->sp_hash, sizeof(hash)) ==
	    0) {
		free(doc);
		return;
	}
	free(n->sp_doc);
	n->sp_doc = doc;
	n->sp_len = len;
	memcpy(n->sp_hash, hash, sizeof(hash));
	tell_hash(n->node_id, OVLMSG_SUPERPARAMS, hash);
}

void
hstate_recompute(void)
{
	struct hnode	*n;

	if (hs.ev_ready)
		evtimer_del(&hs.ev_recompute);
	if (hs.conf == NULL)
		return;
	hs.have_pub = 1;
	hs.pub_s = http_mono_s();
	if (recompute_peers()) {
		http_stats.peers_published++;
		tell_hash(NODEID_BROADCAST, OVLMSG_PEERS, hs.peers_hash);
	}
	RB_FOREACH(n, hnode_tree, &hs.nodes)
		if (n->peer != NULL)
			recompute_superparams(n);
}

static void
hstate_recompute_cb(int fd, short ev, void *arg)
{
	hstate_recompute();
}

/*
 * urgent: news the edges wait for (the config, an edge coming online or
 * going offline, an endpoint where there was none) goes out at once, with
 * whatever else is pending; a change of what was known (an endpoint
 * roaming, local addresses, which a member can churn) waits for the end
 * of the interval.
 */
static void
hstate_schedule(int urgent)
{
	struct timeval	tv = { 0, 0 };
	double		wait = 0;

	if (!hs.ev_ready) {
		evtimer_set(&hs.ev_recompute, hstate_recompute_cb, NULL);
		hs.ev_ready = 1;
	}
	if (urgent) {
		evtimer_del(&hs.ev_recompute);
		evtimer_add(&hs.ev_recompute, &tv);
		return;
	}
	if (evtimer_pending(&hs.ev_recompute, NULL))
		return;
	if (hs.have_pub)
		wait = hs.pub_s + HTTP_PEERS_DAMP_S - http_mono_s();
	if (wait > HTTP_PEERS_DAMP_S)
		wait = HTTP_PEERS_DAMP_S;	/* the clock cannot go back */
	if (wait > 0) {
		tv.tv_sec = (time_t)wait;
		tv.tv_usec = (suseconds_t)((wait - tv.tv_sec) * 1e6);
	}
	evtimer_add(&hs.ev_recompute, &tv);
}

const uint8_t *
hstate_hash(const struct hnode *n, enum ovlmsg_state state)
{
	switch (state) {
	case OVLMSG_PEERS:
		return hs.peers_hash;
	case OVLMSG_NHTABLE:
		return hs.nh_hash;
	default:
		return n->sp_hash;
	}
}

static char *
dup_doc(const char *doc, size_t len, size_t *lenp)
{
	char	*s;

	if ((s = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(s, doc, len);
	s[len] = '\0';
	*lenp = len;
	return s;
}

/* The peers document for one edge: its PSKs, its SkipLocalIP. */
static int
psk_cmp(const void *a, const void *b)
{
	const struct supd_pair_psk	*x = a, *y = b;

	return (int)x->node_id - (int)y->node_id;
}

static char *
peers_doc_for(const struct hnode *asker, const struct supd_pair_psk *psks,
    size_t npsks, size_t *lenp, const char **why)
{
	struct edgeapi_peer	*ps;
	struct supd_pair_psk	 k;
	const struct supd_pair_psk *pk;
	size_t		 i, psize;
	int		 use_psk = hs.conf->use_psk_for_inter_edge;
	char		*doc;

	psize = (hs.nsnap + 1) * sizeof(*ps);
	if ((ps = calloc(hs.nsnap + 1, sizeof(*ps))) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	for (i = 0; i < hs.nsnap; i++) {
		ps[i] = hs.snap[i].p;
		if (asker->peer->skip_local_ip)
			ps[i].nendpoints = hs.snap[i].nexternal;
		/* The parent gives them in NodeID order. */
		k.node_id = ps[i].node_id;
		if (!use_psk || ps[i].node_id == asker->node_id)
			continue;
		/* One edge without its PSK would not agree with the other. */
		if ((pk = bsearch(&k, psks, npsks, sizeof(*psks),
		    psk_cmp)) == NULL) {
			sodium_memzero(ps, psize);
			free(ps);
			*why = "the parent gave no PSK for a peer (a reload "
			    "in progress?)";
			return NULL;
		}
		memcpy(ps[i].psk, pk->psk, sizeof(ps[i].psk));
		ps[i].has_psk = 1;
	}
	doc = edgeapi_peers_build(ps, hs.nsnap, 1, lenp);
	sodium_memzero(ps, psize);
	free(ps);
	if (doc == NULL)
		*why = "cannot build the peers document";
	return doc;
}

char *
hstate_doc(const struct hnode *n, enum ovlmsg_state state,
    const struct supd_pair_psk *psks, size_t npsks, size_t *lenp,
    const char **why)
{
	char	*doc = NULL;

	*why = "out of memory";
	switch (state) {
	case OVLMSG_PEERS:
		return peers_doc_for(n, psks, npsks, lenp, why);
	case OVLMSG_NHTABLE:
		if (hs.nh_doc == NULL)
			*why = "no next-hop table yet";
		else
			doc = dup_doc(hs.nh_doc, hs.nh_len, lenp);
		break;
	default:
		if (n->sp_doc == NULL)
			*why = "no superparams yet";
		else
			doc = dup_doc(n->sp_doc, n->sp_len, lenp);
		break;
	}
	return doc;
}

void
hstate_fetched(const struct hnode *n, enum ovlmsg_state state,
    const uint8_t hash[EDGEAPI_HASH_LEN])
{
	struct supd_hash	h;

	memset(&h, 0, sizeof(h));
	h.node_id = n->node_id;
	h.state = state;
	memcpy(h.hash, hash, sizeof(h.hash));
	if (http_out.fetched != NULL)
		http_out.fetched(&h);
}

void
hstate_nodeinfo(struct hnode *n, const struct edgeapi_nodeinfo *ni,
    int64_t now_ms)
{
	struct edgeapi_localaddrs	 la;
	struct supd_sample	 s;
	const struct ovlmsg_pong *p;
	size_t			 i, j, ignored = 0;
	char			 ep[EDGEAPI_EP_STRLEN];

	memset(&la, 0, sizeof(la));
	for (i = 0; i < ni->local.count; i++) {
		if (!edgeapi_endpoint_usable(&ni->local.addrs[i])) {
			http_stats.local_refused++;
			edgeapi_endpoint_str(&ni->local.addrs[i], ep,
			    sizeof(ep));
			log_cat(LOGC_CONTROL, "nodeinfo of NodeID %u: local "
			    "address %s refused (loopback, unspecified, "
			    "multicast, broadcast or IPv6 link-local)",
			    n->node_id, ep);
			continue;
		}
		for (j = 0; j < la.count; j++)
			if (sockaddr_eq((const struct sockaddr *)
			    &la.addrs[j], (const struct sockaddr *)
			    &ni->local.addrs[i]))
				break;
		if (j == la.count)
			la.addrs[la.count++] = ni->local.addrs[i];
	}
	if (memcmp(&la, &n->local, sizeof(la)) != 0) {
		n->local = la;
		hstate_schedule(0);
	}
	n->last_post_ms = now_ms;
	for (i = 0; i < ni->npongs; i++) {
		p = &ni->pongs[i];
		/* An edge reports only the links into itself. */
		if (p->dst != n->node_id || p->src == p->dst ||
		    hstate_node(p->src) == NULL) {
			ignored++;
			continue;
		}
		memset(&s, 0, sizeof(s));
		s.src = p->src;
		s.dst = p->dst;
		s.reporter = n->node_id;
		s.seq = p->seq;
		s.age_s = ni->pong_age_s[i];
		s.latency_ms = p->latency_ms;
		s.lifetime_s = p->lifetime_s;
		s.additional_cost = p->additional_cost;
		if (http_out.sample != NULL)
			http_out.sample(&s);
	}
	if (ignored > 0)
		log_cat(LOGC_CONTROL, "nodeinfo of NodeID %u: %zu Pong%s "
		    "ignored (not into it, or unknown source)", n->node_id,
		    ignored, ignored == 1 ? "" : "s");
}

char *
hstate_state_doc(size_t *lenp)
{
	struct edgeapi_peerinfo	*pi;
	const struct conf_super_peer *p;
	struct hnode		*n;
	const char		*doc = hs.state_doc;
	size_t			 i, len = hs.state_len, np;
	char			*out;

	if (doc == NULL) {
		doc = edgeapi_state_empty();
		len = strlen(doc);
	}
	np = hs.conf != NULL ? hs.conf->npeers : 0;
	if ((pi = calloc(np + 1, sizeof(*pi))) == NULL)
		return NULL;
	for (i = 0; i < np; i++) {
		p = &hs.conf->peers[i];
		pi[i].node_id = p->node_id;
		pi[i].name = p->name != NULL ? p->name : "";
		if ((n = hstate_node(p->node_id)) != NULL)
			pi[i].last_seen_ms = n->edge.last_seen >
			    n->last_post_ms ? n->edge.last_seen :
			    n->last_post_ms;
	}
	out = edgeapi_state_merge(doc, len, pi, np, lenp);
	free(pi);
	return out;
}

int
hstate_doc_chunk(int doc, const void *data, size_t len)
{
	struct docstage	*st;
	char		*p;
	size_t		 cap;

	if (doc != SUPD_DOC_STATE && doc != SUPD_DOC_NHTABLE)
		return -1;
	st = &hs.stage[doc];
	if (len > EDGEAPI_DOC_MAX - st->len)
		return -1;
	if (st->len + len > st->cap) {
		cap = st->cap ? st->cap : 4096;
		while (cap < st->len + len)
			cap *= 2;
		if ((p = realloc(st->buf, cap)) == NULL)
			fatal("document");
		st->buf = p;
		st->cap = cap;
	}
	memcpy(st->buf + st->len, data, len);
	st->len += len;
	return 0;
}

int
hstate_doc_done(int doc)
{
	struct docstage		*st;
	struct conf_nexthop	*nh;
	uint8_t			 hash[EDGEAPI_HASH_LEN];
	char			 err[EDGEAPI_ERR_LEN], *buf;
	size_t			 n, len;
	int			 rc;

	if (doc != SUPD_DOC_STATE && doc != SUPD_DOC_NHTABLE)
		return -1;
	st = &hs.stage[doc];
	buf = st->buf;
	len = st->len;
	memset(st, 0, sizeof(*st));
	if (buf == NULL && (buf = strdup("")) == NULL)
		fatal("document");
	if (doc == SUPD_DOC_STATE) {
		if (edgeapi_state_check(buf, len, err, sizeof(err)) == -1) {
			log_warnx("state document from route refused: %s", err);
			free(buf);
			return 0;
		}
		free(hs.state_doc);
		hs.state_doc = buf;
		hs.state_len = len;
		return 0;
	}
	rc = edgeapi_nhtable_parse(buf, len, &nh, &n, err, sizeof(err));
	free(nh);
	if (rc == -1) {
		log_warnx("next-hop table from route refused: %s", err);
		free(buf);
		return 0;
	}
	edgeapi_state_hash(hash, buf, len);
	if (hs.nh_doc != NULL && memcmp(hash, hs.nh_hash, sizeof(hash)) ==
	    0) {
		free(buf);
		return 0;
	}
	free(hs.nh_doc);
	hs.nh_doc = buf;
	hs.nh_len = len;
	memcpy(hs.nh_hash, hash, sizeof(hash));
	tell_hash(NODEID_BROADCAST, OVLMSG_NHTABLE, hash);
	return 0;
}

void
hstate_shutdown(void)
{
	struct hnode	*n, *next;
	int		 i;

	if (hs.ev_ready)
		evtimer_del(&hs.ev_recompute);
	RB_FOREACH_SAFE(n, hnode_tree, &hs.nodes, next)
		hnode_free(n);
	free(hs.snap);
	free(hs.nh_doc);
	free(hs.state_doc);
	for (i = 0; i <= SUPD_DOC_NHTABLE; i++)
		free(hs.stage[i].buf);
	sodium_memzero(&hs, sizeof(hs));
	RB_INIT(&hs.nodes);
}
