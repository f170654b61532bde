/*
 * Super mode in the engine: sessions with the supernode (one per address
 * family), Register with the state hashes held, Ping to every peer and
 * Pong to the supernode with the one-way latency measured, ServerUpdate
 * turned into fetches by control, and the peers, table and parameters
 * that control brings back.  Peers' endpoints are tried in the order
 * the supernode ranks them; a peer silent for PeerAliveTimeout moves to
 * its next endpoint every ConnNextTry.  What super mode keeps per peer
 * (its candidate endpoints, its latency) hangs off the host's peer as
 * p_arg.
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
#include "proc/proc_imsg.h"
#include "util/log.h"

#define SEC		1000000000ULL
#define FETCH_AGAIN	(10 * SEC)	/* ask again for a missing state */

/* A peer's endpoints as the supernode ranks them, and its latency. */
struct super_peer {
	struct sockaddr_storage	 cand[SUPER_MAX_ENDPOINTS];
	int			 ncand;
	int			 curcand;
	uint64_t		 cand_since;	/* monotonic ns */
	double			 latency_ms;	/* NAN: not measured */
};

static struct {
	int			 on;
	struct wghost		*host;
	struct proc_chan	*chans;
	const struct edge_conf	*conf;
	uint16_t		 me;
	struct wgh_peer		*sn[2];	/* the supernode, v4 and v6 */
	struct super_peer	*peers;	/* p_arg of the host's set */
	uint8_t			 held[OVLMSG_NSTATES][OVLMSG_HASH_LEN];
	uint8_t			 asked[OVLMSG_NSTATES][OVLMSG_HASH_LEN];
	uint64_t		 asked_at[OVLMSG_NSTATES];
	struct edgeapi_superparams params;
	uint64_t		 next_register;
	uint64_t		 heard_at;	/* its last answer, or the start */
	uint64_t		 next_ping;
	uint32_t		 ping_seq;
	struct ovlmsg_pong	 pongs[64];
	int			 npongs;
	struct edgeapi_peer	*newpeers;	/* list being received */
	size_t			 nnewpeers;
	struct conf_nhtable	 newnh;	/* table being received */
	struct conf_nhtable	 nh;		/* the table in use */
	struct event		 ev;
} sup;

struct wgh_peer *
super_peer(int af)
{
	return af >= 0 && af < 2 ? sup.sn[af] : NULL;
}

double
super_latency(const struct wgh_peer *p)
{
	const struct super_peer	*sp = p->p_arg;

	return sup.on && sp != NULL ? sp->latency_ms : NAN;
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
super_online(const struct wgh_peer *p, struct wg_time now)
{
	return sup.on && p->p_last_rx != 0 && now.mono - p->p_last_rx <
	    (uint64_t)(sup.params.peer_alive_timeout * 1e9);
}

static socklen_t
sslen(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
}

/*
 * The supernode answers every Register.  Two left unanswered while our
 * session stands mean it restarted (and lost the session) or went: a
 * new handshake finds out at once, instead of WireGuard's 15 s rule
 * for a session that sends and hears nothing.  WireGuard's own rate
 * limit keeps this to one initiation per 5 s.
 */
static void
super_check_alive(struct wgh_peer *p, struct wg_time now)
{
	if (p->p_eplen == 0 || p->p_last_rx == 0 ||
	    !wgh_peer_has_session(p, now) ||
	    now.mono - p->p_last_rx <= 2 *
	    interval(sup.params.send_ping_interval) + SEC)
		return;
	if (wgh_initiate(p, now, 0))
		log_cat(LOGC_CONTROL, "%s: no answer to Register for %.0f s, "
		    "new handshake", p->p_name,
		    (double)(now.mono - p->p_last_rx) / SEC);
}

static void
super_register(struct wg_time now)
{
	struct ovlmsg_register	reg;
	uint8_t			buf[256];
	ssize_t			n;
	int			af;

	memset(&reg, 0, sizeof(reg));
	reg.node_id = sup.me;
	strlcpy(reg.swver, EG_SWVER, sizeof(reg.swver));
	memcpy(reg.hash, sup.held, sizeof(reg.hash));
	if ((n = ovlmsg_register_encode(&reg, buf, sizeof(buf))) == -1)
		fatalx("Register encoding");
	/* Over both families, so that the supernode learns both. */
	for (af = 0; af < 2; af++)
		if (sup.sn[af] != NULL) {
			super_check_alive(sup.sn[af], now);
			eng_send_control(sup.sn[af], OVL_REGISTER, sup.me,
			    NODEID_SUPERNODE, buf, n, now);
		}
}

/* A Ping carrying our clock to one peer, or to all when p is NULL. */
static void
super_ping(struct wgh_peer *p, struct wg_time now)
{
	eng_send_ping(sup.host, p, sup.me, ++sup.ping_seq, now);
}

/*
 * A session with p just came up.  eng_send_control() drops the
 * Register or Ping that started the handshake, so send it again now
 * instead of one SendPingInterval later: otherwise every edge
 * registered only one interval after it started (16 s with the
 * default) and measured a new peer only one interval after it first
 * pinged it.  A Ping gets a fresh clock, so the handshake's time is
 * not taken for latency.
 */
void
super_session_up(struct wgh_peer *p, struct wg_time now)
{
	if (!sup.on)
		return;
	if (p == sup.sn[0] || p == sup.sn[1])
		sup.next_register = now.mono;	/* at the next tick */
	else if (p->p_eplen > 0 && !fallback_on())
		super_ping(p, now);	/* falling back, P2P mode pings */
}

/* The Pongs measured since the last tick go to control for the report. */
static void
super_pongs_flush(void)
{
	if (sup.npongs == 0)
		return;
	if (proc_compose(&sup.chans[PROC_CONTROL], IMSG_EGD_PONGS, 0, 0, -1,
	    sup.pongs, sup.npongs * sizeof(sup.pongs[0])) == -1)
		fatal("Pongs to control");
	sup.npongs = 0;
}

/* A peer sent us its clock: the difference is the link's latency. */
static void
super_pong(struct wgh_peer *from, const uint8_t *p, size_t len,
    struct wg_time now)
{
	struct super_peer	*sp = from->p_arg;
	struct ovlmsg_ping	 ping;
	struct ovlmsg_pong	 pong;
	uint8_t			 buf[64];
	ssize_t			 n;
	int			 af;

	if (ovlmsg_ping_decode(p, len, &ping) == -1 ||
	    ping.src != from->p_node_id) {
		eng_drops[ED_BAD_CONTROL]++;
		return;
	}
	memset(&pong, 0, sizeof(pong));
	pong.src = from->p_node_id;
	pong.dst = sup.me;
	pong.seq = ping.seq;
	pong.lifetime_s = sup.params.peer_alive_timeout;
	pong.additional_cost = sup.conf->dynroute.additional_cost;
	if (eng_ping_latency(&ping, now, &pong.latency_ms) == -1) {
		eng_drops[ED_BAD_CONTROL]++;
		return;
	}
	if (sp != NULL)
		sp->latency_ms = pong.latency_ms;
	log_cat(LOGC_CONTROL, "Ping from %u: %.3f ms", from->p_node_id,
	    pong.latency_ms);
	if ((n = ovlmsg_pong_encode(&pong, buf, sizeof(buf))) == -1)
		fatalx("Pong encoding");
	for (af = 0; af < 2; af++) {
		if (sup.sn[af] != NULL &&
		    wgh_peer_has_session(sup.sn[af], now)) {
			eng_send_control(sup.sn[af], OVL_PONG, sup.me,
			    NODEID_SUPERNODE, buf, n, now);
			break;
		}
	}
	/* And in the state report, in case UDP loses it. */
	if (sup.npongs == (int)(sizeof(sup.pongs) / sizeof(sup.pongs[0])))
		super_pongs_flush();
	sup.pongs[sup.npongs++] = pong;
}

static void
super_update(const uint8_t *p, size_t len, struct wg_time now)
{
	struct ovlmsg_update	u;
	struct egd_fetch	f;
	static const uint8_t	zero[OVLMSG_HASH_LEN];
	int			s;

	if (ovlmsg_update_decode(p, len, &u) == -1) {
		eng_drops[ED_BAD_CONTROL]++;
		return;
	}
	if (u.action == OVLMSG_SHUTDOWN) {
		log_warnx("the supernode tells this edge to stop: %s",
		    u.text[0] ? u.text : "no reason given");
		proc_compose(&sup.chans[PROC_PARENT], IMSG_EGD_SHUTDOWN, 0,
		    0, -1, u.text, strlen(u.text));
		return;
	}
	for (s = 0; s < OVLMSG_NSTATES; s++) {
		if (memcmp(u.hash[s], zero, OVLMSG_HASH_LEN) == 0 ||
		    memcmp(u.hash[s], sup.held[s], OVLMSG_HASH_LEN) == 0)
			continue;
		/* Already asked for: control retries by itself. */
		if (memcmp(u.hash[s], sup.asked[s], OVLMSG_HASH_LEN) == 0 &&
		    now.mono - sup.asked_at[s] < FETCH_AGAIN)
			continue;
		memcpy(sup.asked[s], u.hash[s], OVLMSG_HASH_LEN);
		sup.asked_at[s] = now.mono;
		memset(&f, 0, sizeof(f));
		f.state = s;
		memcpy(f.hash, u.hash[s], OVLMSG_HASH_LEN);
		log_cat(LOGC_CONTROL, "ServerUpdate: fetching state %d", s);
		proc_compose(&sup.chans[PROC_CONTROL], IMSG_EGD_FETCH, 0, 0,
		    -1, &f, sizeof(f));
	}
}

void
super_control(struct wgh_peer *from, const struct ovl_hdr *h,
    const uint8_t *payload, struct wg_time now)
{
	/* Control messages travel one hop: the sender is the source. */
	if (h->src != from->p_node_id) {
		eng_drops[ED_SPOOFED]++;
		return;
	}
	if (h->dst != sup.me) {
		eng_drops[ED_CONTROL]++;
		return;
	}
	if (from == sup.sn[0] || from == sup.sn[1]) {
		if (h->usage != OVL_SERVER_UPDATE) {
			eng_drops[ED_CONTROL]++;
			return;
		}
		/* Every Register is answered: this one was. */
		sup.heard_at = now.mono;
		fallback_leave("the supernode answers again");
		super_update(payload, h->len, now);
		return;
	}
	if (h->usage == OVL_PING)
		super_pong(from, payload, h->len, now);
	else
		eng_drops[ED_CONTROL]++;
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
	uint64_t	alive = interval(sup.params.peer_alive_timeout);
	uint64_t	next_try = interval(sup.conf->dynroute.conn_next_try);
	size_t		i;

	/* A handshake a second per peer at most, whatever the config. */
	if (next_try < SEC)
		next_try = SEC;
	for (i = 0; i < sup.host->h_nset; i++) {
		struct wgh_peer *p = sup.host->h_set[i];
		struct super_peer *sp = p->p_arg;

		if (sp == NULL || sp->ncand < 2)
			continue;
		if (p->p_last_rx != 0 && now.mono - p->p_last_rx < alive)
			continue;
		if (now.mono - sp->cand_since < next_try)
			continue;
		sp->curcand = (sp->curcand + 1) % sp->ncand;
		sp->cand_since = now.mono;
		wgh_peer_set_endpoint(p,
		    (struct sockaddr *)&sp->cand[sp->curcand],
		    sslen(&sp->cand[sp->curcand]));
		log_cat(LOGC_INTERNAL, "peer %u: trying endpoint %d of %d",
		    p->p_node_id, sp->curcand + 1, sp->ncand);
		wgh_initiate(p, now, 1);
	}
}

static void
super_tick(int fd, short event, void *arg)
{
	struct timeval	tv = { 0, 250000 };
	struct wg_time	now;

	wgh_now(sup.host, &now);
	if (now.mono >= sup.next_register) {
		super_register(now);
		sup.next_register = now.mono +
		    interval(sup.params.send_ping_interval);
	}
	if (now.mono >= sup.next_ping && !fallback_on()) {
		super_ping(NULL, now);
		sup.next_ping = now.mono +
		    interval(sup.params.send_ping_interval);
	}
	if (sup.conf->dynroute.p2p.use_p2p && !fallback_on() &&
	    now.mono - sup.heard_at >
	    interval(sup.conf->dynroute.supernode.info_timeout))
		fallback_enter(sup.conf, sup.host, sup.chans,
		    (double)(now.mono - sup.heard_at) / SEC);
	super_rotate(now);
	super_pongs_flush();
	wgh_flush(sup.host);
	evtimer_add(&sup.ev, &tv);
}

/* Whether the supernode peer of this family must be made anew. */
static int
super_key_changed(const struct conf_supernode *a,
    const struct conf_supernode *b, int af)
{
	const struct conf_key	*ka = af == 0 ? &a->pubkey_v4 : &a->pubkey_v6;
	const struct conf_key	*kb = af == 0 ? &b->pubkey_v4 : &b->pubkey_v6;

	return ka->set != kb->set || sodium_memcmp(ka->key, kb->key,
	    sizeof(ka->key)) != 0 || a->psk.set != b->psk.set ||
	    sodium_memcmp(a->psk.key, b->psk.key, sizeof(a->psk.key)) != 0;
}

/*
 * The supernode's two peers (IPv4 and IPv6 keys), from the config; a key
 * or PSK changed since old (NULL: none) makes a new session, at the
 * address the old one had.
 */
static void
super_peers_supernode(const struct edge_conf *old,
    const struct edge_conf *conf)
{
	const struct conf_supernode	*sn = &conf->dynroute.supernode;
	const struct conf_key		*keys[2] = { &sn->pubkey_v4,
					    &sn->pubkey_v6 };
	struct wgh_spec			 spec;
	struct sockaddr_storage		 ep;
	socklen_t			 eplen;
	int				 af;

	for (af = 0; af < 2; af++) {
		eplen = 0;
		if (sup.sn[af] != NULL && (old == NULL ||
		    super_key_changed(&old->dynroute.supernode, sn, af))) {
			eplen = sup.sn[af]->p_eplen;
			memcpy(&ep, &sup.sn[af]->p_ep, sizeof(ep));
			wgh_peer_free(sup.sn[af]);
			sup.sn[af] = NULL;
		}
		if (sup.sn[af] != NULL || !keys[af]->set ||
		    (af == 0 && conf->disabled_af.ipv4) ||
		    (af == 1 && conf->disabled_af.ipv6))
			continue;
		memset(&spec, 0, sizeof(spec));
		spec.node_id = NODEID_SUPERNODE;
		spec.pubkey = keys[af]->key;
		spec.psk = sn->psk.set ? sn->psk.key : NULL;
		spec.name = af == 0 ? "supernode IPv4" : "supernode IPv6";
		sup.sn[af] = wgh_peer_add(sup.host, &spec);
		if (sup.sn[af] != NULL && eplen > 0)
			wgh_peer_set_endpoint(sup.sn[af],
			    (struct sockaddr *)&ep, eplen);
	}
}

/*
 * Super mode from this config (on a reload: old is the one before): the
 * supernode's peers and the timers.
 */
void
super_start(const struct edge_conf *old, const struct edge_conf *conf,
    struct wghost *host, struct proc_chan chans[PROC_MAX])
{
	static const uint8_t	zero[OVLMSG_HASH_LEN];
	struct timeval		tv = { 0, 100000 };
	struct wg_time		now;

	sup.host = host;
	sup.chans = chans;
	sup.conf = conf;
	sup.me = conf->node_id;
	super_peers_supernode(old, conf);
	/* Until the supernode sends its parameters, the config's. */
	if (memcmp(sup.held[OVLMSG_SUPERPARAMS], zero, sizeof(zero)) == 0) {
		sup.params.send_ping_interval =
		    conf->dynroute.send_ping_interval;
		sup.params.peer_alive_timeout =
		    conf->dynroute.peer_alive_timeout;
		sup.params.additional_cost = conf->dynroute.additional_cost;
	}
	if (!sup.on) {
		sup.on = 1;
		wgh_now(host, &now);
		sup.heard_at = now.mono;
		evtimer_set(&sup.ev, super_tick, NULL);
		evtimer_add(&sup.ev, &tv);
	}
	/* A supernode that changed hears from this edge at once. */
	sup.next_register = 0;
}

/*
 * Static mode from now on: no supernode, and nothing it said is kept
 * (the config's peers and table take over).
 */
void
super_stop(void)
{
	size_t	i;
	int	af;

	if (!sup.on)
		return;
	evtimer_del(&sup.ev);
	for (af = 0; af < 2; af++)
		if (sup.sn[af] != NULL) {
			wgh_peer_free(sup.sn[af]);
			sup.sn[af] = NULL;
		}
	/* What the peers that stay pointed to goes with super mode. */
	for (i = 0; i < sup.host->h_nset; i++)
		sup.host->h_set[i]->p_arg = NULL;
	free(sup.peers);
	sup.peers = NULL;
	sup.on = 0;
	sup.conf = NULL;	/* the engine frees the config it came with */
	memset(sup.held, 0, sizeof(sup.held));
	memset(sup.asked, 0, sizeof(sup.asked));
	memset(sup.asked_at, 0, sizeof(sup.asked_at));
	memset(&sup.params, 0, sizeof(sup.params));
	sup.npongs = 0;
	sodium_memzero(sup.newpeers, sup.nnewpeers * sizeof(*sup.newpeers));
	free(sup.newpeers);
	sup.newpeers = NULL;
	sup.nnewpeers = 0;
	free(sup.newnh.entries);
	memset(&sup.newnh, 0, sizeof(sup.newnh));
	free(sup.nh.entries);
	memset(&sup.nh, 0, sizeof(sup.nh));
	log_info("super mode off: peers and next hops from the config");
}

/* The table the supernode gave, empty before it did. */
const struct conf_nhtable *
super_nhtable(void)
{
	return &sup.nh;
}

/*
 * What super mode keeps of the peers the host now has: the endpoints
 * of the list, and what a peer that stayed had measured.  A peer we
 * hear from keeps the address it uses.
 */
static void
super_peers_attach(struct wg_time now)
{
	struct super_peer	*peers, *sp, *old;
	struct wgh_peer		*p;
	struct edgeapi_peer	*np;
	size_t			 i, k;

	if ((peers = calloc(sup.host->h_nset + 1, sizeof(*peers))) == NULL)
		fatal("peers");
	for (k = 0; k < sup.host->h_nset; k++)
		peers[k].latency_ms = NAN;
	for (i = 0; i < sup.nnewpeers; i++) {
		np = &sup.newpeers[i];
		if ((p = wgh_peer_by_id(sup.host, np->node_id)) == NULL)
			continue;
		sp = &peers[sup.host->h_idx[np->node_id]];
		if ((old = p->p_arg) == sp)
			continue;	/* the NodeID twice: the first */
		if (old != NULL)
			*sp = *old;	/* a peer that stayed */
		p->p_arg = sp;
		if (np->nendpoints == 0)
			continue;
		sp->ncand = np->nendpoints;
		memcpy(sp->cand, np->endpoints,
		    sp->ncand * sizeof(sp->cand[0]));
		if (p->p_eplen == 0 || p->p_last_rx == 0) {
			sp->curcand = 0;
			sp->cand_since = now.mono;
			wgh_peer_set_endpoint(p, (struct sockaddr *)&sp->cand[0],
			    sslen(&sp->cand[0]));
		}
	}
	free(sup.peers);
	sup.peers = peers;
}

/* The list of peers control fetched is complete: use it. */
static void
super_peers_done(const uint8_t hash[OVLMSG_HASH_LEN])
{
	struct wgh_spec	*specs;
	struct wg_time	 now;
	size_t		 i, n = 0;

	if ((specs = calloc(sup.nnewpeers + 1, sizeof(*specs))) == NULL)
		fatal("peers");
	for (i = 0; i < sup.nnewpeers; i++) {
		struct edgeapi_peer *p = &sup.newpeers[i];

		if (p->node_id > NODEID_MAX_VALID || p->node_id == sup.me)
			continue;
		specs[n].node_id = p->node_id;
		specs[n].pubkey = p->pubkey;
		specs[n].psk = p->has_psk ? p->psk : NULL;
		specs[n].name = p->name;
		n++;
	}
	wgh_peers_replace(sup.host, specs, n);
	free(specs);
	wgh_now(sup.host, &now);
	super_peers_attach(now);
	sodium_memzero(sup.newpeers, sup.nnewpeers * sizeof(*sup.newpeers));
	free(sup.newpeers);
	sup.newpeers = NULL;
	sup.nnewpeers = 0;
	memcpy(sup.held[OVLMSG_PEERS], hash, OVLMSG_HASH_LEN);
	log_cat(LOGC_INTERNAL, "peers from the supernode: %zu",
	    sup.host->h_nset);
	/* The neighbours changed: the broadcast trees too. */
	if (fallback_on())
		fallback_update(sup.conf);
	datapath_routes(p2p_routes() != NULL ? p2p_routes() : &sup.nh);
	sup.next_register = 0;		/* tell the supernode at once */
}

static void
super_nh_done(const uint8_t hash[OVLMSG_HASH_LEN])
{
	free(sup.nh.entries);
	sup.nh = sup.newnh;
	memset(&sup.newnh, 0, sizeof(sup.newnh));
	if (p2p_routes() == NULL)
		datapath_routes(&sup.nh);
	memcpy(sup.held[OVLMSG_NHTABLE], hash, OVLMSG_HASH_LEN);
	log_cat(LOGC_INTERNAL, "next-hop table from the supernode: %zu "
	    "entries", sup.nh.count);
	sup.next_register = 0;
}

/* What control brings back from the EdgeAPI. */
void
super_dispatch_control(struct proc_chan *pc, struct imsg *imsg)
{
	struct edgeapi_peer	*p;

	switch (imsg->hdr.type) {
	case IMSG_EGD_PEER:
		if (imsg->datalen != sizeof(*p) || sup.nnewpeers >= 65536)
			fatalx("IMSG_EGD_PEER: bad message");
		if ((p = reallocarray(sup.newpeers, sup.nnewpeers + 1,
		    sizeof(*p))) == NULL)
			fatal("peers");
		sup.newpeers = p;
		memcpy(&p[sup.nnewpeers], imsg->data, sizeof(*p));
		if (p[sup.nnewpeers].nendpoints > SUPER_MAX_ENDPOINTS)
			fatalx("IMSG_EGD_PEER: bad endpoint count");
		sup.nnewpeers++;
		break;
	case IMSG_EGD_PEERS_DONE:
		if (imsg->datalen != OVLMSG_HASH_LEN)
			fatalx("IMSG_EGD_PEERS_DONE: bad length");
		super_peers_done(imsg->data);
		break;
	case IMSG_EGD_NH:
	case IMSG_EGD_NH_DONE:
		if (egd_nhtable_imsg(&sup.newnh, imsg))
			super_nh_done(imsg->data);
		break;
	case IMSG_EGD_SUPERPARAMS:
		if (imsg->datalen != sizeof(sup.params))
			fatalx("IMSG_EGD_SUPERPARAMS: bad length");
		memcpy(&sup.params, imsg->data, sizeof(sup.params));
		if (sup.params.additional_cost < 0)
			sup.params.additional_cost =
			    sup.conf->dynroute.additional_cost;
		memcpy(sup.held[OVLMSG_SUPERPARAMS], sup.params.hash,
		    OVLMSG_HASH_LEN);
		sup.next_register = 0;
		break;
	default:
		proc_unexpected(pc, imsg);
	}
	wgh_flush(sup.host);
}

void
super_free(void)
{
	free(sup.peers);
	free(sup.nh.entries);
	free(sup.newnh.entries);
	free(sup.newpeers);
}
