/*
 * P2P mode in the engine: no supernode.  Every node pings its direct
 * peers (TTL 0) and floods the Pong it makes of each Ping, so that every
 * node hears every link; it floods a QueryPeer when a session first
 * comes up, a BroadcastPeer for each peer it has every SendPeerInterval
 * (queryID 0) and in answer to a QueryPeer (queryID the requester).  A
 * flooded message goes on to every other peer while its TTL lasts, and
 * once: the dup check (common/overlay/ovldup.h) drops the copies that
 * come back over other paths.  A peer a BroadcastPeer names that this
 * node lacks joins the peer set; an offline one it has moves to the
 * endpoint named.  Route computes the next-hop table on the Pongs
 * (egd/route_p2p.c) and hands it back.
 *
 * What P2P mode keeps per peer (its key, where it was learned, its
 * latency) is found by NodeID, not through the host peer's p_arg: when
 * super mode falls back to P2P mode (engine_fallback.c) the peers stay
 * super mode's, p_arg and all, and P2P mode borrows them.  Borrowed,
 * the peer set is the supernode's list: a BroadcastPeer may move an
 * offline peer's endpoint but not add a peer.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "egd.h"
#include "engine.h"
#include "overlay/ovldup.h"
#include "overlay/ovlmsg.h"
#include "util/log.h"

#define SEC		1000000000ULL
/*
 * Digests a node remembers: a network of 100 nodes sends some 10 000
 * flooded messages in 40 s (DupCheckTimeout's default); more is a storm,
 * refused and counted.
 */
#define P2P_DUP_MAX	16384
#define P2P_PEERS_MAX	1024	/* the config's and those learned */
/* QueryPeers answered: a burst, then one a second. */
#define P2P_QUERY_BURST	8

struct p2p_peer {	/* in p2p.peers, found through p2p.idx */
	uint16_t	node_id;
	uint8_t		pubkey[EG_KEY_LEN];
	const uint8_t	*psk;		/* the config's; NULL: none */
	int		is_static;
	uint32_t	keepalive;
	uint16_t	learned_from;	/* NODEID_INVALID: the config */
	double		latency_ms;	/* NAN: not measured */
	double		share;		/* dup check entries it may add */
	uint64_t	share_at;	/* 0: full */
};

static struct {
	int			 on;
	int			 borrowed;	/* super mode's peer set */
	int			 adopted;	/* borrowed: nh is in force */
	uint64_t		 borrowed_at;
	struct wghost		*host;
	struct proc_chan	*chans;
	const struct edge_conf	*conf;
	uint16_t		 me;
	struct ovldup		 dup;
	struct p2p_peer		*peers;
	size_t			 npeers;
	uint16_t		*idx;		/* [65536]: NodeID -> peers + 1 */
	uint64_t		 next_ping;
	uint64_t		 next_bcast;
	uint64_t		 last_query;	/* 0: none sent yet */
	uint32_t		 ping_seq;
	double			 query_tokens;
	uint64_t		 query_at;
	struct conf_nhtable	 newnh;		/* from route, coming in */
	struct conf_nhtable	 nh;		/* the table in use */
	struct event		 ev;
} p2p;

const struct conf_nhtable *
p2p_nhtable(void)
{
	return &p2p.nh;
}

/*
 * Whether P2P mode's table reaches from here every node the other
 * does.  Just fallen back, route has heard only the first Pongs, and
 * its first tables reach only some nodes: until one reaches them all,
 * or a PeerAliveTimeout has passed (every live link measured), the
 * supernode's last table is the better guess.
 */
static int
p2p_covers(const struct conf_nhtable *old)
{
	size_t	i, k;

	for (i = 0; i < old->count; i++) {
		if (old->entries[i].src != p2p.me)
			continue;
		for (k = 0; k < p2p.nh.count; k++)
			if (p2p.nh.entries[k].src == p2p.me &&
			    p2p.nh.entries[k].dst == old->entries[i].dst)
				break;
		if (k == p2p.nh.count)
			return 0;
	}
	return 1;
}

/* The table P2P mode has in force; NULL: super mode's, for now. */
const struct conf_nhtable *
p2p_routes(void)
{
	if (!p2p.on || (p2p.borrowed && !p2p.adopted))
		return NULL;
	return &p2p.nh;
}

/* The table route computed on the Pongs. */
void
p2p_dispatch_route(struct proc_chan *pc, struct imsg *imsg)
{
	if (!egd_nhtable_imsg(&p2p.newnh, imsg))
		return;
	free(p2p.nh.entries);
	p2p.nh = p2p.newnh;
	memset(&p2p.newnh, 0, sizeof(p2p.newnh));
	if (!p2p.on)
		return;		/* computed before P2P mode ended */
	if (p2p.borrowed && !p2p.adopted) {
		if (!p2p_covers(super_nhtable()))
			return;
		p2p.adopted = 1;
		log_cat(LOGC_INTERNAL, "next hops of P2P mode in force");
	}
	datapath_routes(&p2p.nh);
	log_cat(LOGC_INTERNAL, "next-hop table computed: %zu entries",
	    p2p.nh.count);
}

static struct p2p_peer *
p2p_of(const struct wgh_peer *p)
{
	uint16_t	i;

	if (!p2p.on || p->p_node_id > NODEID_MAX_VALID ||
	    (i = p2p.idx[p->p_node_id]) == 0)
		return NULL;
	return &p2p.peers[i - 1];
}

static void
p2p_index(void)
{
	size_t	i;

	memset(p2p.idx, 0, 65536 * sizeof(*p2p.idx));
	for (i = 0; i < p2p.npeers; i++)
		p2p.idx[p2p.peers[i].node_id] = (uint16_t)(i + 1);
}

/* Every Pong, ours and the others', is a sample for route. */
static void
p2p_to_route(const struct ovlmsg_pong *pong)
{
	if (proc_compose(&p2p.chans[PROC_ROUTE], IMSG_EGD_P2P_PONG, 0, 0, -1,
	    pong, sizeof(*pong)) == -1)
		fatal("Pong to route");
}

/* Interval in ns from a parameter in seconds, at least 100 ms. */
static uint64_t
interval(double s)
{
	if (!(s > 0.1))
		s = 0.1;
	return (uint64_t)(s * SEC);
}

int
p2p_learned_from(const struct wgh_peer *p)
{
	const struct p2p_peer	*pp = p2p_of(p);

	if (pp == NULL || pp->learned_from == NODEID_INVALID)
		return -1;
	return pp->learned_from;
}

double
p2p_latency(const struct wgh_peer *p)
{
	const struct p2p_peer	*pp = p2p_of(p);

	return pp != NULL ? pp->latency_ms : NAN;
}

int
p2p_online(const struct wgh_peer *p, struct wg_time now)
{
	return p2p.on && p->p_last_rx != 0 && now.mono - p->p_last_rx <
	    interval(p2p.conf->dynroute.peer_alive_timeout);
}

/* The peer set is p2p.peers: the host keeps sessions of peers kept. */
static void
p2p_apply(void)
{
	struct wgh_spec	*specs;
	size_t		 i;

	if (p2p.borrowed)
		fatalx("P2P mode: the supernode's peer set replaced");
	p2p_index();
	if ((specs = calloc(p2p.npeers + 1, sizeof(*specs))) == NULL)
		fatal("peers");
	for (i = 0; i < p2p.npeers; i++) {
		specs[i].node_id = p2p.peers[i].node_id;
		specs[i].pubkey = p2p.peers[i].pubkey;
		specs[i].psk = p2p.peers[i].psk;
		specs[i].is_static = p2p.peers[i].is_static;
		specs[i].keepalive = p2p.peers[i].keepalive;
	}
	wgh_peers_replace(p2p.host, specs, p2p.npeers);
	free(specs);
}

static const struct p2p_peer *
p2p_find(const struct p2p_peer *v, size_t n, uint16_t id)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (v[i].node_id == id)
			return &v[i];
	return NULL;
}

/*
 * The config's peers, then those learned before that the config does
 * not name; a peer kept with its key keeps its latency.  The config's
 * PSKs are used as configured: a peer learned has none.
 */
static void
p2p_peers_from(const struct edge_conf *conf)
{
	struct p2p_peer		*v, *np;
	const struct p2p_peer	*op;
	size_t			 i, n = 0;

	if ((v = calloc(P2P_PEERS_MAX, sizeof(*v))) == NULL)
		fatal("peers");
	for (i = 0; i < conf->npeers && n < P2P_PEERS_MAX; i++) {
		const struct conf_edge_peer *cp = &conf->peers[i];

		if (cp->node_id > NODEID_MAX_VALID ||
		    cp->node_id == conf->node_id ||
		    p2p_find(v, n, cp->node_id) != NULL)
			continue;
		np = &v[n++];
		np->node_id = cp->node_id;
		memcpy(np->pubkey, cp->pubkey.key, EG_KEY_LEN);
		np->psk = cp->psk.set ? cp->psk.key : NULL;
		np->is_static = cp->is_static;
		np->keepalive = cp->persistent_keepalive;
		np->learned_from = NODEID_INVALID;
		np->latency_ms = NAN;
		op = p2p_find(p2p.peers, p2p.npeers, np->node_id);
		if (op != NULL && memcmp(op->pubkey, np->pubkey,
		    EG_KEY_LEN) == 0)
			np->latency_ms = op->latency_ms;
	}
	for (i = 0; i < p2p.npeers && n < P2P_PEERS_MAX; i++) {
		op = &p2p.peers[i];
		if (op->learned_from == NODEID_INVALID ||
		    op->node_id == conf->node_id ||
		    p2p_find(v, n, op->node_id) != NULL)
			continue;
		v[n++] = *op;
	}
	free(p2p.peers);
	p2p.peers = v;
	p2p.npeers = n;
}

/*
 * A flooded message this node starts.  Its digest goes in the dup
 * check first, so the copies that come back are dropped; content that
 * is there already is travelling (another node announced the same
 * peer) and is not sent again, unless again is set: an answer to a
 * QueryPeer is the same as the answer to the requester's previous one,
 * which a requester that restarted since has not heard.  Nodes that
 * heard it still drop it, so it reaches the requester from its direct
 * peers only.
 */
static void
p2p_originate(uint8_t usage, const uint8_t *msg, size_t len, int again,
    struct wg_time now)
{
	switch (ovldup_check(&p2p.dup, ovldup_digest(usage, msg, len),
	    now.mono)) {
	case OVLDUP_SEEN:
		if (again)
			break;
		return;
	case OVLDUP_FULL:
		eng_drops[ED_DUP_FULL]++;
		return;
	case OVLDUP_NEW:
		break;
	}
	eng_flood_control(p2p.host, NULL, usage, p2p.me,
	    (uint8_t)p2p.conf->default_ttl, msg, len, now);
}

/* A Ping carrying our clock to one peer, or to all when p is NULL. */
static void
p2p_ping(struct wgh_peer *p, struct wg_time now)
{
	eng_send_ping(p2p.host, p, p2p.me, ++p2p.ping_seq, now);
}

static void
p2p_query(struct wg_time now)
{
	struct ovlmsg_querypeer	q;
	uint8_t			buf[16];
	ssize_t			n;

	q.requester = p2p.me;
	q.nonce = randombytes_random();
	if ((n = ovlmsg_querypeer_encode(&q, buf, sizeof(buf))) == -1)
		fatalx("QueryPeer encoding");
	log_cat(LOGC_CONTROL, "QueryPeer sent");
	p2p.last_query = now.mono;
	p2p_originate(OVL_QUERY_PEER, buf, n, 0, now);
}

static void
p2p_endpoint_to(const struct wgh_peer *p, struct ovlmsg_bcastpeer *bp)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	if (p->p_eplen == 0)
		return;
	if (p->p_ep.ss_family == AF_INET) {
		sin = (const struct sockaddr_in *)&p->p_ep;
		bp->af = OVLMSG_AF_INET;
		memcpy(bp->addr, &sin->sin_addr, 4);
		bp->port = ntohs(sin->sin_port);
	} else if (p->p_ep.ss_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)&p->p_ep;
		bp->af = OVLMSG_AF_INET6;
		memcpy(bp->addr, &sin6->sin6_addr, 16);
		bp->port = ntohs(sin6->sin6_port);
	}
	if (bp->port == 0)
		bp->af = OVLMSG_AF_NONE;
}

static socklen_t
p2p_endpoint_from(const struct ovlmsg_bcastpeer *bp,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	switch (bp->af) {
	case OVLMSG_AF_INET:
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, bp->addr, 4);
		sin->sin_port = htons(bp->port);
		return sizeof(*sin);
	case OVLMSG_AF_INET6:
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, bp->addr, 16);
		sin6->sin6_port = htons(bp->port);
		return sizeof(*sin6);
	default:
		return 0;
	}
}

/* A BroadcastPeer for every peer we have. */
static void
p2p_bcast_peers(uint16_t query_id, struct wg_time now)
{
	struct ovlmsg_bcastpeer	 bp;
	const struct p2p_peer	*pp;
	uint8_t			 buf[128];
	ssize_t			 n;
	size_t			 i;

	for (i = 0; i < p2p.host->h_nset; i++) {
		struct wgh_peer *p = p2p.host->h_set[i];

		if ((pp = p2p_of(p)) == NULL)
			continue;
		memset(&bp, 0, sizeof(bp));
		bp.node_id = p->p_node_id;
		bp.query_id = query_id;
		memcpy(bp.pubkey, pp->pubkey, sizeof(bp.pubkey));
		p2p_endpoint_to(p, &bp);
		if ((n = ovlmsg_bcastpeer_encode(&bp, buf, sizeof(buf))) == -1)
			fatalx("BroadcastPeer encoding");
		p2p_originate(OVL_BROADCAST_PEER, buf, n, query_id != 0,
		    now);
	}
}

/*
 * A QueryPeer makes every node send all its peers, so answers are
 * rationed: a member that sends QueryPeers as fast as it can costs each
 * node one answer a second, not one each.
 */
static void
p2p_answer_query(uint16_t requester, struct wg_time now)
{
	p2p.query_tokens += (double)(now.mono - p2p.query_at) / SEC;
	if (p2p.query_tokens > P2P_QUERY_BURST)
		p2p.query_tokens = P2P_QUERY_BURST;
	p2p.query_at = now.mono;
	if (p2p.query_tokens < 1) {
		eng_drops[ED_QUERY_RATE]++;
		return;
	}
	p2p.query_tokens -= 1;
	log_cat(LOGC_CONTROL, "QueryPeer from %u: answering", requester);
	p2p_bcast_peers(requester, now);
}

/* SaveNewPeers: the parent writes the peer into the config file. */
static void
p2p_save(const struct p2p_peer *pp, const struct sockaddr_storage *ss,
    socklen_t sslen)
{
	struct edgeapi_peer	ep;

	memset(&ep, 0, sizeof(ep));
	ep.node_id = pp->node_id;
	memcpy(ep.pubkey, pp->pubkey, sizeof(ep.pubkey));
	if (sslen > 0) {
		memcpy(&ep.endpoints[0], ss, sslen);
		ep.nendpoints = 1;
	}
	if (proc_compose(&p2p.chans[PROC_PARENT], IMSG_EGD_P2P_LEARNED, 0, 0,
	    -1, &ep, sizeof(ep)) == -1)
		fatal("learned peer to the parent");
}

/*
 * A peer the network knows.  One we have keeps its key (a member may
 * not re-key another) and, if static, its endpoint; if it is offline it
 * tries the endpoint named.  One we lack joins with no PSK.
 */
static void
p2p_learn(uint16_t origin, const struct ovlmsg_bcastpeer *bp,
    struct wg_time now)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	struct wgh_peer		*p;
	struct p2p_peer		*pp;
	char			 why[160];

	if (bp->node_id == p2p.me)
		return;
	sslen = p2p_endpoint_from(bp, &ss);
	if ((p = wgh_peer_by_id(p2p.host, bp->node_id)) != NULL) {
		pp = p2p_of(p);
		if (pp == NULL || sodium_memcmp(pp->pubkey, bp->pubkey,
		    EG_KEY_LEN) != 0) {
			log_cat(LOGC_CONTROL, "BroadcastPeer from %u: peer "
			    "%u with another key, ignored", origin,
			    bp->node_id);
			return;
		}
		if (sslen == 0 || p->p_is_static || p2p_online(p, now) ||
		    (p->p_eplen == sslen && memcmp(&p->p_ep, &ss,
		    sslen) == 0))
			return;
		log_cat(LOGC_INTERNAL, "peer %u offline: trying the endpoint "
		    "%u names", bp->node_id, origin);
		wgh_peer_set_endpoint(p, (struct sockaddr *)&ss, sslen);
		wgh_initiate(p, now, 1);
		return;
	}
	if (p2p.borrowed) {
		log_cat(LOGC_CONTROL, "BroadcastPeer from %u: peer %u is not "
		    "in the supernode's list, ignored", origin, bp->node_id);
		eng_drops[ED_NOT_LISTED]++;
		return;
	}
	if (p2p.npeers == P2P_PEERS_MAX) {
		eng_drops[ED_PEERS_FULL]++;
		return;
	}
	if (wgh_key_check(p2p.conf->privkey.key, bp->pubkey, "BroadcastPeer",
	    bp->node_id, why, sizeof(why)) == -1) {
		log_cat(LOGC_CONTROL, "from %u: %s", origin, why);
		eng_drops[ED_BAD_CONTROL]++;
		return;
	}
	pp = &p2p.peers[p2p.npeers++];
	memset(pp, 0, sizeof(*pp));
	pp->node_id = bp->node_id;
	memcpy(pp->pubkey, bp->pubkey, EG_KEY_LEN);
	pp->learned_from = origin;
	pp->latency_ms = NAN;
	p2p_apply();
	datapath_routes(&p2p.nh);	/* built on the peer set */
	log_info("peer %u learned from %u", bp->node_id, origin);
	if (sslen > 0 && (p = wgh_peer_by_id(p2p.host, bp->node_id)) !=
	    NULL) {
		wgh_peer_set_endpoint(p, (struct sockaddr *)&ss, sslen);
		wgh_initiate(p, now, 0);
	}
	if (p2p.conf->dynroute.save_new_peers)
		p2p_save(pp, &ss, sslen);
}

/* A direct peer sent us its clock: the difference is the latency. */
static void
p2p_pong(struct wgh_peer *from, const uint8_t *payload, size_t len,
    struct wg_time now)
{
	struct p2p_peer		*pp = p2p_of(from);
	struct ovlmsg_ping	 ping;
	struct ovlmsg_pong	 pong;
	uint8_t			 buf[64];
	ssize_t			 n;

	if (ovlmsg_ping_decode(payload, len, &ping) == -1 ||
	    ping.src != from->p_node_id) {
		eng_drops[ED_BAD_CONTROL]++;
		return;
	}
	memset(&pong, 0, sizeof(pong));
	pong.src = from->p_node_id;
	pong.dst = p2p.me;
	pong.seq = ping.seq;
	pong.lifetime_s = p2p.conf->dynroute.peer_alive_timeout;
	pong.additional_cost = p2p.conf->dynroute.additional_cost;
	if (eng_ping_latency(&ping, now, &pong.latency_ms) == -1) {
		eng_drops[ED_BAD_CONTROL]++;
		return;
	}
	if (pp != NULL)
		pp->latency_ms = pong.latency_ms;
	log_cat(LOGC_CONTROL, "Ping from %u: %.3f ms", from->p_node_id,
	    pong.latency_ms);
	if ((n = ovlmsg_pong_encode(&pong, buf, sizeof(buf))) == -1)
		fatalx("Pong encoding");
	p2p_to_route(&pong);
	p2p_originate(OVL_PONG, buf, n, 0, now);
}

/*
 * What one neighbour may add to the dup check: half of it over a
 * DupCheckTimeout, at most.  A member flooding new content then fills
 * half the cache, not all of it, and the floods of the others still
 * find room.  A message refused here is not remembered, so its copy
 * over another neighbour is taken; a node with one neighbour has no
 * other path, and no share to keep.
 */
static int
p2p_share(const struct wgh_peer *from, struct wg_time now)
{
	struct p2p_peer	*pp = p2p_of(from);
	double		 max = P2P_DUP_MAX / 2.0, timeout;

	if (pp == NULL || p2p.host->h_nset < 2)
		return 1;
	timeout = p2p.conf->dynroute.dup_check_timeout;
	if (!(timeout > 0.1))
		timeout = 0.1;
	if (pp->share_at == 0)
		pp->share = max;
	else
		pp->share += (double)(now.mono - pp->share_at) / SEC * max /
		    timeout;
	if (pp->share > max)
		pp->share = max;
	pp->share_at = now.mono;
	if (pp->share < 1)
		return 0;
	pp->share -= 1;
	return 1;
}

/*
 * A flooded message: decoded and checked before the dup check, so
 * garbage takes no room in it; passed on before it is acted on.
 */
static void
p2p_flood_rx(struct wgh_peer *from, const struct ovl_hdr *h,
    const uint8_t *payload, struct wg_time now)
{
	struct ovlmsg_pong	pong;
	struct ovlmsg_querypeer	qp;
	struct ovlmsg_bcastpeer	bp;
	uint32_t		crc;
	int			bad, spoofed = 0;

	switch (h->usage) {
	case OVL_PONG:
		bad = ovlmsg_pong_decode(payload, h->len, &pong);
		/* The node that measured a link is the one that tells. */
		spoofed = pong.dst != h->src;
		break;
	case OVL_QUERY_PEER:
		bad = ovlmsg_querypeer_decode(payload, h->len, &qp);
		spoofed = qp.requester != h->src;
		break;
	case OVL_BROADCAST_PEER:
		bad = ovlmsg_bcastpeer_decode(payload, h->len, &bp);
		break;
	default:
		eng_drops[ED_CONTROL]++;
		return;
	}
	if (bad == -1) {
		eng_drops[ED_BAD_CONTROL]++;
		return;
	}
	if (spoofed || h->src > NODEID_MAX_VALID) {
		eng_drops[ED_SPOOFED]++;
		return;
	}
	crc = ovldup_digest(h->usage, payload, h->len);
	if (ovldup_seen(&p2p.dup, crc, now.mono)) {
		eng_drops[ED_DUP]++;
		return;
	}
	if (!p2p_share(from, now)) {
		eng_drops[ED_DUP_SHARE]++;
		return;
	}
	switch (ovldup_check(&p2p.dup, crc, now.mono)) {
	case OVLDUP_SEEN:
		eng_drops[ED_DUP]++;
		return;
	case OVLDUP_FULL:
		eng_drops[ED_DUP_FULL]++;
		return;
	case OVLDUP_NEW:
		break;
	}
	/* Ours, back after DupCheckTimeout: its TTL outlived the check. */
	if (h->src == p2p.me) {
		eng_drops[ED_LOOPED]++;
		return;
	}
	if (h->ttl > 1)
		eng_flood_control(p2p.host, from, h->usage, h->src,
		    h->ttl - 1, payload, h->len, now);
	else
		eng_drops[ED_TTL]++;
	switch (h->usage) {
	case OVL_PONG:
		log_cat(LOGC_CONTROL, "Pong from %u: %u -> %u %.3f ms",
		    h->src, pong.src, pong.dst, pong.latency_ms);
		p2p_to_route(&pong);
		break;
	case OVL_QUERY_PEER:
		p2p_answer_query(qp.requester, now);
		break;
	case OVL_BROADCAST_PEER:
		p2p_learn(h->src, &bp, now);
		break;
	}
}

void
p2p_control(struct wgh_peer *from, const struct ovl_hdr *h,
    const uint8_t *payload, struct wg_time now)
{
	if (!p2p.on) {
		eng_drops[ED_CONTROL]++;
		return;
	}
	if (h->dst == NODEID_SPREAD) {
		p2p_flood_rx(from, h, payload, now);
		return;
	}
	/* Anything else travels one hop: the sender is the source. */
	if (h->src != from->p_node_id) {
		eng_drops[ED_SPOOFED]++;
		return;
	}
	if (h->dst == p2p.me && h->usage == OVL_PING)
		p2p_pong(from, payload, h->len, now);
	else
		eng_drops[ED_CONTROL]++;
}

/*
 * A session came up: a Ping with a fresh clock at once (the one that
 * started the handshake was not sent), and the first session asks the
 * network for its peers; so does one after a silence of a
 * SendPeerInterval, as after a partition.
 */
void
p2p_session_up(struct wgh_peer *p, struct wg_time now)
{
	if (p2p_of(p) == NULL)
		return;
	p2p_ping(p, now);
	/* Borrowed, the set is the supernode's: nothing to ask for. */
	if (!p2p.borrowed && (p2p.last_query == 0 || now.mono - p2p.last_query >=
	    interval(p2p.conf->dynroute.p2p.send_peer_interval)))
		p2p_query(now);
}

static void
p2p_tick(int fd, short event, void *arg)
{
	struct timeval	tv = { 0, 250000 };
	struct wg_time	now;

	wgh_now(p2p.host, &now);
	if (p2p.borrowed && !p2p.adopted && now.mono - p2p.borrowed_at >=
	    interval(p2p.conf->dynroute.peer_alive_timeout)) {
		p2p.adopted = 1;
		log_cat(LOGC_INTERNAL, "next hops of P2P mode in force, "
		    "reaching %s", p2p_covers(super_nhtable()) ? "all nodes" :
		    "fewer nodes than the supernode's");
		datapath_routes(&p2p.nh);
	}
	if (now.mono >= p2p.next_ping) {
		p2p_ping(NULL, now);
		p2p.next_ping = now.mono +
		    interval(p2p.conf->dynroute.send_ping_interval);
	}
	if (now.mono >= p2p.next_bcast) {
		p2p_bcast_peers(0, now);
		p2p.next_bcast = now.mono +
		    interval(p2p.conf->dynroute.p2p.send_peer_interval);
	}
	wgh_flush(p2p.host);
	evtimer_add(&p2p.ev, &tv);
}

/* What starting P2P mode sets up, the peer set aside. */
static void
p2p_init(const struct edge_conf *conf, struct wghost *host,
    struct proc_chan chans[PROC_MAX])
{
	struct wg_time	now;

	p2p.host = host;
	p2p.chans = chans;
	p2p.conf = conf;
	p2p.me = conf->node_id;
	if (ovldup_init(&p2p.dup, P2P_DUP_MAX,
	    interval(conf->dynroute.dup_check_timeout),
	    randombytes_random()) == -1)
		fatal("dup check");
	if ((p2p.idx = calloc(65536, sizeof(*p2p.idx))) == NULL)
		fatal("peers");
	wgh_now(host, &now);
	p2p.next_ping = 0;
	p2p.next_bcast = now.mono +
	    interval(conf->dynroute.p2p.send_peer_interval);
	p2p.last_query = 0;
	p2p.query_tokens = P2P_QUERY_BURST;
	p2p.query_at = now.mono;
	evtimer_set(&p2p.ev, p2p_tick, NULL);
	p2p.on = 1;
}

void
p2p_start(const struct edge_conf *old, const struct edge_conf *conf,
    struct wghost *host, struct proc_chan chans[PROC_MAX])
{
	struct timeval	tv = { 0, 0 };

	if (!p2p.on) {
		p2p_init(conf, host, chans);
		log_info("P2P mode%s", old != NULL ? ": a reload turned it on" :
		    "");
	} else {
		p2p.conf = conf;
		ovldup_set_timeout(&p2p.dup,
		    interval(conf->dynroute.dup_check_timeout));
		evtimer_del(&p2p.ev);
	}
	p2p_peers_from(conf);
	p2p_apply();
	evtimer_add(&p2p.ev, &tv);
}

/*
 * P2P mode on super mode's peers (the supernode's list): their keys and
 * what each link measured stay as they are.  Called again when the set
 * or the config changes.
 */
void
p2p_borrow(const struct edge_conf *conf, struct wghost *host,
    struct proc_chan chans[PROC_MAX])
{
	struct timeval		 tv = { 0, 0 };
	struct p2p_peer		*v, *np;
	const struct p2p_peer	*op;
	size_t			 i, n = 0;

	if (!p2p.on) {
		p2p_init(conf, host, chans);
		p2p.borrowed = 1;
		p2p.adopted = 0;
		p2p.borrowed_at = p2p.query_at;		/* now */
		evtimer_add(&p2p.ev, &tv);
	} else {
		p2p.conf = conf;
		ovldup_set_timeout(&p2p.dup,
		    interval(conf->dynroute.dup_check_timeout));
	}
	if ((v = calloc(host->h_nset + 1, sizeof(*v))) == NULL)
		fatal("peers");
	for (i = 0; i < host->h_nset; i++) {
		struct wgh_peer *p = host->h_set[i];

		if (p->p_node_id > NODEID_MAX_VALID)
			continue;
		np = &v[n++];
		np->node_id = p->p_node_id;
		wg_peer_pubkey(p->p_wg, np->pubkey);
		np->is_static = p->p_is_static;
		np->keepalive = p->p_keepalive;
		np->learned_from = NODEID_INVALID;
		np->latency_ms = NAN;
		if ((op = p2p_find(p2p.peers, p2p.npeers, np->node_id)) !=
		    NULL && memcmp(op->pubkey, np->pubkey, EG_KEY_LEN) == 0)
			np->latency_ms = op->latency_ms;
	}
	free(p2p.peers);
	p2p.peers = v;
	p2p.npeers = n;
	p2p_index();
}

int
p2p_is_on(void)
{
	return p2p.on;
}

void
p2p_stop(void)
{
	if (!p2p.on)
		return;
	evtimer_del(&p2p.ev);
	if (p2p.borrowed)
		log_info("P2P mode off: back to the supernode's tables");
	else
		log_info("P2P mode off: the peers learned are forgotten");
	p2p_free();
}

void
p2p_free(void)
{
	free(p2p.nh.entries);
	free(p2p.newnh.entries);
	memset(&p2p.nh, 0, sizeof(p2p.nh));
	memset(&p2p.newnh, 0, sizeof(p2p.newnh));
	free(p2p.peers);
	p2p.peers = NULL;
	p2p.npeers = 0;
	free(p2p.idx);
	p2p.idx = NULL;
	if (p2p.on)
		ovldup_free(&p2p.dup);
	p2p.on = 0;
	p2p.borrowed = 0;
	p2p.adopted = 0;
}
