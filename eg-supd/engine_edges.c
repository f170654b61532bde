/*
 * What the supernode does with each edge: its two sessions (one per
 * address family), Register and Pong in, ServerUpdate out until the edge
 * holds the current state, and whether it is alive.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "eg-supd.h"
#include "engine.h"
#include "overlay/overlay.h"
#include "proc/proc_imsg.h"
#include "util/log.h"

#define SEC	1000000000ULL

static const char *se_drop_names[SED_MAX] = {
	[SED_SRC_MISMATCH] = "source not the session's node",
	[SED_NOT_FOR_US] = "not for the supernode",
	[SED_USAGE] = "not a control message",
	[SED_BAD_MESSAGE] = "bad control message",
	[SED_BAD_PONG] = "pong about another node's link",
	[SED_NO_SESSION] = "no session",
	[SED_SEND] = "send failed",
};

const char *
se_drop_name(enum se_drop d)
{
	return d < SED_MAX ? se_drop_names[d] : "?";
}

struct sedge *
edge_by_id(uint16_t id)
{
	uint16_t	i = se->idx[id];

	return i == SE_NO_EDGE ? NULL : se->edges[i];
}

struct sedge *
edge_by_wg(struct wg_peer *wp, int *af)
{
	struct sedge	*e;

	if (wp == NULL || (e = wg_peer_arg(wp)) == NULL)
		return NULL;
	*af = e->wg[SE_V4] == wp ? SE_V4 : SE_V6;
	return e;
}

static int
hash_zero(const uint8_t *h)
{
	static const uint8_t	zero[OVLMSG_HASH_LEN];

	return memcmp(h, zero, OVLMSG_HASH_LEN) == 0;
}

/* Tell control and route what changed about an edge. */
void
edge_report(struct sedge *e)
{
	struct supd_edge	msg;

	memset(&msg, 0, sizeof(msg));
	msg.node_id = e->node_id;
	msg.online = e->online;
	msg.last_seen = e->last_seen_ms;
	if (e->eplen[SE_V4] > 0)
		memcpy(&msg.ep4, &e->ep[SE_V4], e->eplen[SE_V4]);
	if (e->eplen[SE_V6] > 0)
		memcpy(&msg.ep6, &e->ep[SE_V6], e->eplen[SE_V6]);
	proc_compose(&se->chans[PROC_CONTROL], IMSG_SUPD_EDGE, 0, 0, -1, &msg,
	    sizeof(msg));
}

static void
edge_set_online(struct sedge *e, int online)
{
	struct supd_online	msg;

	if (e->online == online)
		return;
	e->online = online;
	log_cat(LOGC_INTERNAL, "edge %u %s", e->node_id,
	    online ? "online" : "offline");
	msg.node_id = e->node_id;
	msg.online = online;
	proc_compose(&se->chans[PROC_ROUTE], IMSG_SUPD_ONLINE, 0, 0, -1, &msg,
	    sizeof(msg));
	edge_report(e);
}

/* Encrypts len bytes at buf (0: a keepalive) to the edge, and sends. */
static void
edge_transmit(struct sedge *e, int af, uint8_t *buf, size_t len, size_t cap,
    struct wg_time now)
{
	struct wg_result	 res;

	res.msg_len = 0;
	if (wg_send(e->wg[af], now, buf, len, cap, &res) == WG_TX_OK) {
		se_sendmsg(af, &e->ep[af], e->eplen[af], buf, res.wire_len);
		e->tx_pkts++;
		e->tx_bytes += res.wire_len;
	} else
		se->drops[SED_NO_SESSION]++;
	if (res.msg_len > 0)
		se_sendmsg(af, &e->ep[af], e->eplen[af], res.msg, res.msg_len);
	se_touch(e);
}

/*
 * Send a control message to the edge over the session it used last, or
 * the other one.  Without a session it is dropped: Register comes again
 * and the push with it.
 */
void
edge_send(struct sedge *e, uint8_t usage, const uint8_t *payload, size_t len,
    struct wg_time now)
{
	uint8_t			 buf[SE_BUFSIZE];
	struct ovl_hdr		 h;
	int			 af = e->last_af, i;

	if (len > SE_BUFSIZE - WG_SEND_BUFLEN(OVL_HDR_LEN))
		fatalx("edge_send: message too long");
	for (i = 0; i < SE_NAF; i++) {
		if (e->wg[af] != NULL && e->eplen[af] > 0 &&
		    wg_peer_has_session(e->wg[af], now))
			break;
		af = !af;
	}
	if (i == SE_NAF) {
		se->drops[SED_NO_SESSION]++;
		return;
	}
	memset(&h, 0, sizeof(h));
	h.version = OVL_VERSION;
	h.usage = usage;
	h.dst = e->node_id;
	h.src = NODEID_SUPERNODE;
	h.len = len;
	ovl_write(buf + WG_TRANSPORT_HEADER, &h);
	memcpy(buf + WG_TRANSPORT_HEADER + OVL_HDR_LEN, payload, len);
	edge_transmit(e, af, buf, OVL_HDR_LEN + len, sizeof(buf), now);
}

/* The hash of state s the edge should hold. */
static const uint8_t *
edge_want(struct sedge *e, int s)
{
	return s == OVLMSG_SUPERPARAMS ? e->superparams : se->global[s];
}

/*
 * A ServerUpdate if the edge lacks a current state: at once when forced
 * (a state changed), else at most every RePushConfigInterval.
 */
void
edge_push(struct sedge *e, int force, struct wg_time now)
{
	struct ovlmsg_update	u;
	uint8_t			buf[256];
	ssize_t			n;
	uint64_t		every;
	int			s, need = 0;

	for (s = 0; s < OVLMSG_NSTATES; s++)
		if (!hash_zero(edge_want(e, s)) &&
		    memcmp(e->held[s], edge_want(e, s), OVLMSG_HASH_LEN) != 0)
			need = 1;
	if (!need) {
		e->pushed_at = 0;
		return;
	}
	every = (uint64_t)(se->conf->repush_config_interval * SEC);
	if (!force && e->pushed_at != 0 && now.mono - e->pushed_at < every)
		return;
	memset(&u, 0, sizeof(u));
	u.action = OVLMSG_UPDATE;
	for (s = 0; s < OVLMSG_NSTATES; s++)
		memcpy(u.hash[s], edge_want(e, s), OVLMSG_HASH_LEN);
	if ((n = ovlmsg_update_encode(&u, buf, sizeof(buf))) == -1)
		fatalx("ServerUpdate encoding");
	log_cat(LOGC_CONTROL, "ServerUpdate to edge %u", e->node_id);
	edge_send(e, OVL_SERVER_UPDATE, buf, n, now);
	e->pushed_at = now.mono ? now.mono : 1;
}

void
edge_shutdown(struct sedge *e, uint8_t reason, const char *text,
    struct wg_time now)
{
	struct ovlmsg_update	u;
	uint8_t			buf[256];
	ssize_t			n;

	memset(&u, 0, sizeof(u));
	u.action = OVLMSG_SHUTDOWN;
	u.reason = reason;
	strlcpy(u.text, text, sizeof(u.text));
	if ((n = ovlmsg_update_encode(&u, buf, sizeof(buf))) == -1)
		fatalx("ServerUpdate encoding");
	log_info("telling edge %u to shut down: %s", e->node_id, text);
	edge_send(e, OVL_SERVER_UPDATE, buf, n, now);
}

/*
 * Every Register gets at least a keepalive: the edge has nothing else
 * to tell the supernode is there while nothing changes.
 */
static void
edge_keepalive(struct sedge *e, int af, struct wg_time now)
{
	uint8_t	buf[WG_SEND_BUFLEN(0)];

	if (e->wg[af] != NULL && e->eplen[af] > 0)
		edge_transmit(e, af, buf, 0, sizeof(buf), now);
}

static void
edge_register(struct sedge *e, int af, const uint8_t *p, size_t len,
    struct wg_time now)
{
	struct ovlmsg_register	reg;
	char			text[OVLMSG_REASON_MAX + 1];

	if (ovlmsg_register_decode(p, len, &reg) == -1) {
		se->drops[SED_BAD_MESSAGE]++;
		return;
	}
	if (reg.node_id != e->node_id) {
		snprintf(text, sizeof(text), "NodeID %u is configured as %u "
		    "here", reg.node_id, e->node_id);
		edge_shutdown(e, OVLMSG_R_NODEID, text, now);
		return;
	}
	if (strncmp(reg.swver, EG_PROTO_NAME, strlen(EG_PROTO_NAME)) != 0) {
		snprintf(text, sizeof(text), "version %s: this supernode "
		    "speaks %s", reg.swver, EG_PROTO_NAME);
		edge_shutdown(e, OVLMSG_R_VERSION, text, now);
		return;
	}
	log_cat(LOGC_CONTROL, "Register from edge %u (%s)", e->node_id,
	    af == SE_V4 ? "IPv4" : "IPv6");
	e->last_af = af;
	memcpy(e->held, reg.hash, sizeof(e->held));
	edge_push(e, 0, now);
	edge_keepalive(e, af, now);
}

static void
edge_pong(struct sedge *e, const uint8_t *p, size_t len)
{
	struct ovlmsg_pong	pong;
	struct supd_sample	s;

	if (ovlmsg_pong_decode(p, len, &pong) == -1) {
		se->drops[SED_BAD_MESSAGE]++;
		return;
	}
	/* An edge measures, so reports, only the links into itself. */
	if (pong.dst != e->node_id || edge_by_id(pong.src) == NULL) {
		se->drops[SED_BAD_PONG]++;
		return;
	}
	log_cat(LOGC_CONTROL, "Pong %u -> %u: %.3f ms", pong.src, pong.dst,
	    pong.latency_ms);
	memset(&s, 0, sizeof(s));
	s.src = pong.src;
	s.dst = pong.dst;
	s.reporter = e->node_id;
	s.seq = pong.seq;
	s.age_s = 0;
	s.latency_ms = pong.latency_ms;
	s.lifetime_s = pong.lifetime_s;
	s.additional_cost = pong.additional_cost;
	proc_compose(&se->chans[PROC_ROUTE], IMSG_SUPD_SAMPLE, 0, 0, -1, &s,
	    sizeof(s));
}

/* An authenticated plaintext from edge e on family af. */
void
edge_control(struct sedge *e, int af, const uint8_t *plain, size_t len,
    struct wg_time now)
{
	struct ovl_hdr	h;
	struct timespec	ts;

	if (ovl_parse(plain, len, &h) != OVL_OK) {
		se->drops[SED_BAD_MESSAGE]++;
		return;
	}
	if (h.src != e->node_id) {
		se->drops[SED_SRC_MISMATCH]++;
		return;
	}
	if (h.dst != NODEID_SUPERNODE) {
		se->drops[SED_NOT_FOR_US]++;
		return;
	}
	e->last_seen = now.mono;
	clock_gettime(CLOCK_REALTIME, &ts);
	e->last_seen_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (!e->online)
		edge_set_online(e, 1);
	switch (h.usage) {
	case OVL_REGISTER:
		edge_register(e, af, plain + OVL_HDR_LEN, h.len, now);
		break;
	case OVL_PONG:
		edge_pong(e, plain + OVL_HDR_LEN, h.len);
		break;
	default:
		se->drops[SED_USAGE]++;
		break;
	}
}

/* Once a second: liveness, and pushes that are due again. */
void
edges_tick(struct wg_time now)
{
	uint64_t	alive = (uint64_t)(se->conf->peer_alive_timeout * SEC);
	size_t		i;

	for (i = 0; i < se->nedges; i++) {
		struct sedge *e = se->edges[i];

		if (e->online && now.mono - e->last_seen > alive)
			edge_set_online(e, 0);
		if (e->online)
			edge_push(e, 0, now);
	}
}

static struct sedge *
edge_find_old(struct sedge **old, size_t nold, const struct conf_super_peer *p)
{
	uint8_t	pub[WG_KEY_LEN];
	size_t	i;

	for (i = 0; i < nold; i++) {
		if (old[i] == NULL || old[i]->node_id != p->node_id)
			continue;
		wg_peer_pubkey(old[i]->wg[old[i]->wg[SE_V4] ? SE_V4 : SE_V6],
		    pub);
		if (sodium_memcmp(pub, p->pubkey.key, WG_KEY_LEN) == 0)
			return old[i];
	}
	return NULL;
}

static void
edge_free(struct sedge *e)
{
	int	af;

	for (af = 0; af < SE_NAF; af++) {
		if (e->timer_at[af] != 0)
			evtimer_del(&e->timer[af]);
		if (e->wg[af] != NULL)
			wg_peer_free(e->wg[af]);
	}
	free(e);
}

/*
 * The edges of a config.  An edge whose NodeID and key stayed keeps its
 * sessions and state across a reload or a Manage API change.
 */
int
edges_load(const struct super_conf *conf)
{
	struct sedge	**old = se->edges, **edges, *e;
	size_t		 nold = se->nedges, i, j, n = 0;
	int		 af;

	if ((edges = calloc(conf->npeers ? conf->npeers : 1,
	    sizeof(*edges))) == NULL)
		fatal("edges");
	for (i = 0; i < conf->npeers; i++) {
		const struct conf_super_peer *p = &conf->peers[i];
		const uint8_t *psk = p->psk.set ? p->psk.key : NULL;

		if ((e = edge_find_old(old, nold, p)) != NULL) {
			for (j = 0; j < nold; j++)
				if (old[j] == e)
					old[j] = NULL;
		} else {
			if ((e = calloc(1, sizeof(*e))) == NULL)
				fatal("edge");
			e->node_id = p->node_id;
			for (af = 0; af < SE_NAF; af++) {
				evtimer_set(&e->timer[af], edge_wg_timer, e);
				if (se->local[af] == NULL)
					continue;
				e->wg[af] = wg_peer_new(se->local[af],
				    p->pubkey.key, psk, e);
				if (e->wg[af] == NULL)
					log_warn("edge %u: cannot add",
					    p->node_id);
			}
			if (e->wg[SE_V4] == NULL && e->wg[SE_V6] == NULL) {
				edge_free(e);
				continue;
			}
		}
		for (af = 0; af < SE_NAF; af++)
			if (e->wg[af] != NULL)
				wg_peer_set_psk(e->wg[af], psk);
		edges[n++] = e;
	}
	for (j = 0; j < nold; j++)
		if (old[j] != NULL)
			edge_free(old[j]);
	free(old);
	se->edges = edges;
	se->nedges = n;
	memset(se->idx, 0xff, sizeof(se->idx));
	for (i = 0; i < n; i++)
		se->idx[edges[i]->node_id] = i;
	return 0;
}

void
edges_free(void)
{
	size_t	i;

	for (i = 0; i < se->nedges; i++)
		edge_free(se->edges[i]);
	free(se->edges);
	se->edges = NULL;
	se->nedges = 0;
}
