/*
 * Super mode in the engine: sessions with the supernode (one per address
 * family), Register with the state hashes held, Ping to every peer and
 * Pong to the supernode with the one-way latency measured, ServerUpdate
 * turned into fetches by control, and the peers, table and parameters
 * that control brings back.  Peers' endpoints are tried in the order
 * the supernode ranks them; a peer silent for PeerAliveTimeout moves to
 * its next endpoint every ConnNextTry.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "egd.h"
#include "engine.h"
#include "proc/proc_imsg.h"
#include "util/log.h"

#define SEC		1000000000ULL
#define FETCH_AGAIN	(10 * SEC)	/* ask again for a missing state */

int
super_is_supernode(const struct epeer *ep)
{
	return ep != NULL && (ep == eng->super[0] || ep == eng->super[1]);
}

/* Interval in ns from a parameter in seconds, at least 100 ms. */
static uint64_t
interval(double s)
{
	if (!(s > 0.1))
		s = 0.1;
	return (uint64_t)(s * SEC);
}

/*
 * A handshake initiation to ep's endpoint (force: even within WireGuard's
 * 5 s between initiations); 1 if one went out.
 */
static int
super_initiate(struct epeer *ep, struct wg_time now, int force)
{
	struct wg_result	res;

	memset(&res, 0, sizeof(res));
	if (wg_peer_initiate(ep->wg, now, force, &res) == -1 ||
	    res.msg_len == 0)
		return 0;
	datapath_sendmsg(ep, res.msg, res.msg_len);
	engine_peer_touched(ep);
	return 1;
}

/*
 * A control message to one peer or the supernode, sent at once; without
 * a session the handshake starts and the message is not kept (they are
 * all repeated).
 */
static void
super_send(struct epeer *ep, uint8_t usage, uint16_t dst, const uint8_t *msg,
    size_t len, struct wg_time now)
{
	struct ovl_hdr	 h;
	uint8_t		*buf = datapath_copybuf();

	memset(&h, 0, sizeof(h));
	h.version = OVL_VERSION;
	h.usage = usage;
	h.dst = dst;
	h.src = eng->me;
	h.len = len;
	ovl_write(buf + WG_TRANSPORT_HEADER, &h);
	memcpy(buf + ENG_HEADROOM, msg, len);
	if (!wg_peer_has_session(ep->wg, now)) {
		/* Start the handshake; do not queue what is repeated. */
		if (ep->eplen > 0)
			super_initiate(ep, now, 0);
		engine_peer_touched(ep);
		return;
	}
	datapath_send(ep, buf, OVL_HDR_LEN + len, now);
}

/*
 * The supernode answers every Register.  Two left unanswered while our
 * session stands mean it restarted (and lost the session) or went: a
 * new handshake finds out at once, instead of WireGuard's 15 s rule
 * for a session that sends and hears nothing.  WireGuard's own rate
 * limit keeps this to one initiation per 5 s.
 */
static void
super_check_alive(struct epeer *ep, struct wg_time now)
{
	if (ep->eplen == 0 || ep->last_rx == 0 ||
	    !wg_peer_has_session(ep->wg, now) ||
	    now.mono - ep->last_rx <= 2 *
	    interval(eng->params.send_ping_interval) + SEC)
		return;
	if (super_initiate(ep, now, 0))
		log_cat(LOGC_CONTROL, "%s: no answer to Register for %.0f s, "
		    "new handshake", ep->name,
		    (double)(now.mono - ep->last_rx) / SEC);
}

static void
super_register(struct wg_time now)
{
	struct ovlmsg_register	reg;
	uint8_t			buf[256];
	ssize_t			n;
	int			af;

	memset(&reg, 0, sizeof(reg));
	reg.node_id = eng->me;
	strlcpy(reg.swver, EG_SWVER, sizeof(reg.swver));
	memcpy(reg.hash, eng->held, sizeof(reg.hash));
	if ((n = ovlmsg_register_encode(&reg, buf, sizeof(buf))) == -1)
		fatalx("Register encoding");
	/* Over both families, so that the supernode learns both. */
	for (af = 0; af < 2; af++)
		if (eng->super[af] != NULL) {
			super_check_alive(eng->super[af], now);
			super_send(eng->super[af], OVL_REGISTER,
			    NODEID_SUPERNODE, buf, n, now);
		}
}

/* A Ping carrying our clock to one peer, or to all when ep is NULL. */
static void
super_ping(struct epeer *ep, struct wg_time now)
{
	struct ovlmsg_ping	ping;
	uint8_t			buf[64];
	ssize_t			n;
	size_t			i;

	ping.src = eng->me;
	ping.seq = ++eng->ping_seq;
	ping.sent_ns = (int64_t)now.wall;
	if ((n = ovlmsg_ping_encode(&ping, buf, sizeof(buf))) == -1)
		fatalx("Ping encoding");
	if (ep != NULL) {
		super_send(ep, OVL_PING, ep->node_id, buf, n, now);
		return;
	}
	for (i = 0; i < eng->npeers; i++)
		if (eng->peers[i]->eplen > 0)
			super_send(eng->peers[i], OVL_PING,
			    eng->peers[i]->node_id, buf, n, now);
}

/*
 * A session with ep just came up.  super_send() drops the Register or
 * Ping that started the handshake, so send it again now instead of one
 * SendPingInterval later: otherwise every edge registered only one
 * interval after it started (16 s with the default) and measured a new
 * peer only one interval after it first pinged it.  A Ping gets a fresh
 * clock, so the handshake's time is not taken for latency.
 */
void
super_session_up(struct epeer *ep, struct wg_time now)
{
	if (!eng->super_mode)
		return;
	if (super_is_supernode(ep))
		eng->next_register = now.mono;	/* at the next tick */
	else if (ep->eplen > 0)
		super_ping(ep, now);
}

/* A peer sent us its clock: the difference is the link's latency. */
static void
super_pong(struct epeer *from, const uint8_t *p, size_t len,
    struct wg_time now)
{
	struct ovlmsg_ping	ping;
	struct ovlmsg_pong	pong;
	uint8_t			buf[64];
	ssize_t			n;
	int			af;

	if (ovlmsg_ping_decode(p, len, &ping) == -1 ||
	    ping.src != from->node_id) {
		eng->drops[ED_BAD_CONTROL]++;
		return;
	}
	memset(&pong, 0, sizeof(pong));
	pong.src = from->node_id;
	pong.dst = eng->me;
	pong.seq = ping.seq;
	pong.latency_ms = ((int64_t)now.wall - ping.sent_ns) / 1e6;
	pong.lifetime_s = eng->params.peer_alive_timeout;
	pong.additional_cost = eng->conf->dynroute.additional_cost;
	if (!isfinite(pong.latency_ms) || fabs(pong.latency_ms) > 86400e3) {
		eng->drops[ED_BAD_CONTROL]++;
		return;
	}
	from->latency_ms = pong.latency_ms;
	log_cat(LOGC_CONTROL, "Ping from %u: %.3f ms", from->node_id,
	    pong.latency_ms);
	if ((n = ovlmsg_pong_encode(&pong, buf, sizeof(buf))) == -1)
		fatalx("Pong encoding");
	for (af = 0; af < 2; af++) {
		if (eng->super[af] != NULL &&
		    wg_peer_has_session(eng->super[af]->wg, now)) {
			super_send(eng->super[af], OVL_PONG, NODEID_SUPERNODE,
			    buf, n, now);
			break;
		}
	}
	/* And in the state report, in case UDP loses it. */
	if (eng->npongs == (int)(sizeof(eng->pongs) / sizeof(eng->pongs[0])))
		eng->npongs = 0;
	eng->pongs[eng->npongs++] = pong;
}

static void
super_update(const uint8_t *p, size_t len, struct wg_time now)
{
	struct ovlmsg_update	u;
	struct egd_fetch	f;
	static const uint8_t	zero[OVLMSG_HASH_LEN];
	int			s;

	if (ovlmsg_update_decode(p, len, &u) == -1) {
		eng->drops[ED_BAD_CONTROL]++;
		return;
	}
	if (u.action == OVLMSG_SHUTDOWN) {
		log_warnx("the supernode tells this edge to stop: %s",
		    u.text[0] ? u.text : "no reason given");
		proc_compose(&eng->chans[PROC_PARENT], IMSG_EGD_SHUTDOWN, 0,
		    0, -1, u.text, strlen(u.text));
		return;
	}
	for (s = 0; s < OVLMSG_NSTATES; s++) {
		if (memcmp(u.hash[s], zero, OVLMSG_HASH_LEN) == 0 ||
		    memcmp(u.hash[s], eng->held[s], OVLMSG_HASH_LEN) == 0)
			continue;
		/* Already asked for: control retries by itself. */
		if (memcmp(u.hash[s], eng->asked[s], OVLMSG_HASH_LEN) == 0 &&
		    now.mono - eng->asked_at[s] < FETCH_AGAIN)
			continue;
		memcpy(eng->asked[s], u.hash[s], OVLMSG_HASH_LEN);
		eng->asked_at[s] = now.mono;
		memset(&f, 0, sizeof(f));
		f.state = s;
		memcpy(f.hash, u.hash[s], OVLMSG_HASH_LEN);
		log_cat(LOGC_CONTROL, "ServerUpdate: fetching state %d", s);
		proc_compose(&eng->chans[PROC_CONTROL], IMSG_EGD_FETCH, 0, 0,
		    -1, &f, sizeof(f));
	}
}

void
super_control(struct epeer *from, const struct ovl_hdr *h,
    const uint8_t *payload, struct wg_time now)
{
	/* Control messages travel one hop: the sender is the source. */
	if (h->src != from->node_id) {
		eng->drops[ED_SPOOFED]++;
		return;
	}
	if (h->dst != eng->me) {
		eng->drops[ED_CONTROL]++;
		return;
	}
	if (super_is_supernode(from)) {
		if (h->usage == OVL_SERVER_UPDATE)
			super_update(payload, h->len, now);
		else
			eng->drops[ED_CONTROL]++;
		return;
	}
	if (h->usage == OVL_PING)
		super_pong(from, payload, h->len, now);
	else
		eng->drops[ED_CONTROL]++;
}

/*
 * A silent peer tries its next endpoint every ConnNextTry, with a
 * handshake of its own: WireGuard's retries come every 5 s whatever
 * the endpoint, so they would keep hitting the same candidates, and
 * a NAT opens only to what was sent through it.
 */
static void
super_rotate(struct wg_time now)
{
	uint64_t	alive = interval(eng->params.peer_alive_timeout);
	uint64_t	next_try = interval(eng->conf->dynroute.conn_next_try);
	size_t		i;

	/* A handshake a second per peer at most, whatever the config. */
	if (next_try < SEC)
		next_try = SEC;
	for (i = 0; i < eng->npeers; i++) {
		struct epeer *ep = eng->peers[i];
		struct sockaddr_storage *c;

		if (ep->ncand < 2)
			continue;
		if (ep->last_rx != 0 && now.mono - ep->last_rx < alive)
			continue;
		if (now.mono - ep->cand_since < next_try)
			continue;
		ep->curcand = (ep->curcand + 1) % ep->ncand;
		ep->cand_since = now.mono;
		c = &ep->cand[ep->curcand];
		peer_set_endpoint(ep, (struct sockaddr *)c,
		    c->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
		    sizeof(struct sockaddr_in));
		log_cat(LOGC_INTERNAL, "peer %u: trying endpoint %d of %d",
		    ep->node_id, ep->curcand + 1, ep->ncand);
		super_initiate(ep, now, 1);
	}
}

static void
super_tick(int fd, short event, void *arg)
{
	struct timeval	tv = { 0, 250000 };
	struct wg_time	now;

	engine_now(&now);
	if (now.mono >= eng->next_register) {
		super_register(now);
		eng->next_register = now.mono +
		    interval(eng->params.send_ping_interval);
	}
	if (now.mono >= eng->next_ping) {
		super_ping(NULL, now);
		eng->next_ping = now.mono +
		    interval(eng->params.send_ping_interval);
	}
	super_rotate(now);
	if (eng->npongs > 0) {
		proc_compose(&eng->chans[PROC_CONTROL], IMSG_EGD_PONGS, 0, 0,
		    -1, eng->pongs, eng->npongs * sizeof(eng->pongs[0]));
		eng->npongs = 0;
	}
	datapath_flush();
	engine_rearm_timers();
	evtimer_add(&eng->ev_super, &tv);
}

/*
 * Super mode from this config (on a reload: old is the one before): the
 * supernode's peers and the timers.
 */
void
super_start(const struct edge_conf *old, const struct edge_conf *conf)
{
	static const uint8_t	zero[OVLMSG_HASH_LEN];
	struct timeval		tv = { 0, 100000 };

	peers_set_supernode(old, conf);
	/* Until the supernode sends its parameters, the config's. */
	if (memcmp(eng->held[OVLMSG_SUPERPARAMS], zero, sizeof(zero)) == 0) {
		eng->params.send_ping_interval =
		    conf->dynroute.send_ping_interval;
		eng->params.peer_alive_timeout =
		    conf->dynroute.peer_alive_timeout;
		eng->params.additional_cost = conf->dynroute.additional_cost;
	}
	if (!eng->super_mode) {
		eng->super_mode = 1;
		evtimer_set(&eng->ev_super, super_tick, NULL);
		evtimer_add(&eng->ev_super, &tv);
	}
	/* A supernode that changed hears from this edge at once. */
	eng->next_register = 0;
}

/*
 * Static mode from now on: no supernode, and nothing it said is kept
 * (the config's peers and table take over).
 */
void
super_stop(void)
{
	evtimer_del(&eng->ev_super);
	peers_drop_supernode();
	eng->super_mode = 0;
	memset(eng->held, 0, sizeof(eng->held));
	memset(eng->asked, 0, sizeof(eng->asked));
	memset(eng->asked_at, 0, sizeof(eng->asked_at));
	memset(&eng->params, 0, sizeof(eng->params));
	eng->npongs = 0;
	sodium_memzero(eng->newpeers, eng->nnewpeers * sizeof(*eng->newpeers));
	free(eng->newpeers);
	eng->newpeers = NULL;
	eng->nnewpeers = 0;
	free(eng->newnh.entries);
	memset(&eng->newnh, 0, sizeof(eng->newnh));
	free(eng->nh.entries);
	memset(&eng->nh, 0, sizeof(eng->nh));
	log_info("super mode off: peers and next hops from the config");
}

/* The list of peers control fetched is complete: use it. */
static void
super_peers_done(const uint8_t hash[OVLMSG_HASH_LEN])
{
	struct peer_spec	*specs;
	uint16_t		*nbr;
	size_t			 i;

	if ((specs = calloc(eng->nnewpeers + 1, sizeof(*specs))) == NULL)
		fatal("peers");
	for (i = 0; i < eng->nnewpeers; i++) {
		struct edgeapi_peer *p = &eng->newpeers[i];

		specs[i].node_id = p->node_id;
		specs[i].pubkey = p->pubkey;
		specs[i].psk = p->has_psk ? p->psk : NULL;
		specs[i].name = p->name;
		specs[i].cand = p->endpoints;
		specs[i].ncand = p->nendpoints;
	}
	peers_set(specs, eng->nnewpeers);
	free(specs);
	sodium_memzero(eng->newpeers, eng->nnewpeers * sizeof(*eng->newpeers));
	free(eng->newpeers);
	eng->newpeers = NULL;
	eng->nnewpeers = 0;
	memcpy(eng->held[OVLMSG_PEERS], hash, OVLMSG_HASH_LEN);
	log_cat(LOGC_INTERNAL, "peers from the supernode: %zu", eng->npeers);

	/* The neighbours changed: the broadcast trees too. */
	if ((nbr = calloc(eng->npeers + 1, sizeof(*nbr))) == NULL)
		fatal("peers");
	for (i = 0; i < eng->npeers; i++)
		nbr[i] = eng->peers[i]->node_id;
	fwd_table_free(eng->fwd);
	if ((eng->fwd = fwd_table_build(&eng->nh, eng->me, nbr,
	    eng->npeers)) == NULL)
		fatal("forwarding table");
	free(nbr);
	eng->next_register = 0;		/* tell the supernode at once */
}

static void
super_nh_done(const uint8_t hash[OVLMSG_HASH_LEN])
{
	uint16_t	*nbr;
	size_t		 i;

	free(eng->nh.entries);
	eng->nh = eng->newnh;
	memset(&eng->newnh, 0, sizeof(eng->newnh));
	if ((nbr = calloc(eng->npeers + 1, sizeof(*nbr))) == NULL)
		fatal("next-hop table");
	for (i = 0; i < eng->npeers; i++)
		nbr[i] = eng->peers[i]->node_id;
	fwd_table_free(eng->fwd);
	if ((eng->fwd = fwd_table_build(&eng->nh, eng->me, nbr,
	    eng->npeers)) == NULL)
		fatal("forwarding table");
	free(nbr);
	memcpy(eng->held[OVLMSG_NHTABLE], hash, OVLMSG_HASH_LEN);
	log_cat(LOGC_INTERNAL, "next-hop table from the supernode: %zu "
	    "entries", eng->nh.count);
	eng->next_register = 0;
}

static int
cmp_nh(const void *a, const void *b)
{
	const struct conf_nexthop	*x = a, *y = b;

	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return (x->dst > y->dst) - (x->dst < y->dst);
}

/* What control brings back from the EdgeAPI. */
void
super_dispatch_control(struct proc_chan *pc, struct imsg *imsg)
{
	struct conf_nexthop	*e;
	struct edgeapi_peer		*p;
	size_t			 n;

	switch (imsg->hdr.type) {
	case IMSG_EGD_PEER:
		if (imsg->datalen != sizeof(*p) || eng->nnewpeers >= 65536)
			fatalx("IMSG_EGD_PEER: bad message");
		if ((p = reallocarray(eng->newpeers, eng->nnewpeers + 1,
		    sizeof(*p))) == NULL)
			fatal("peers");
		eng->newpeers = p;
		memcpy(&p[eng->nnewpeers], imsg->data, sizeof(*p));
		if (p[eng->nnewpeers].nendpoints > SUPER_MAX_ENDPOINTS)
			fatalx("IMSG_EGD_PEER: bad endpoint count");
		eng->nnewpeers++;
		break;
	case IMSG_EGD_PEERS_DONE:
		if (imsg->datalen != OVLMSG_HASH_LEN)
			fatalx("IMSG_EGD_PEERS_DONE: bad length");
		super_peers_done(imsg->data);
		break;
	case IMSG_EGD_NH:
		if (imsg->datalen % sizeof(*e) != 0)
			fatalx("IMSG_EGD_NH: bad length");
		n = imsg->datalen / sizeof(*e);
		if (eng->newnh.count + n > 65536 * 16)
			fatalx("IMSG_EGD_NH: too many entries");
		if ((e = reallocarray(eng->newnh.entries,
		    eng->newnh.count + n, sizeof(*e))) == NULL)
			fatal("next-hop table");
		memcpy(e + eng->newnh.count, imsg->data, imsg->datalen);
		eng->newnh.entries = e;
		eng->newnh.count += n;
		break;
	case IMSG_EGD_NH_DONE:
		if (imsg->datalen != OVLMSG_HASH_LEN)
			fatalx("IMSG_EGD_NH_DONE: bad length");
		/* conf_nexthop() looks entries up by binary search. */
		qsort(eng->newnh.entries, eng->newnh.count,
		    sizeof(*eng->newnh.entries), cmp_nh);
		super_nh_done(imsg->data);
		break;
	case IMSG_EGD_SUPERPARAMS:
		if (imsg->datalen != sizeof(eng->params))
			fatalx("IMSG_EGD_SUPERPARAMS: bad length");
		memcpy(&eng->params, imsg->data, sizeof(eng->params));
		if (eng->params.additional_cost < 0)
			eng->params.additional_cost =
			    eng->conf->dynroute.additional_cost;
		memcpy(eng->held[OVLMSG_SUPERPARAMS], eng->params.hash,
		    OVLMSG_HASH_LEN);
		eng->next_register = 0;
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}
