/*
 * What the supernode does with each edge: its two sessions (one per
 * address family, a peer in each host), Register and Pong in,
 * ServerUpdate out until the edge holds the current state, and whether
 * it is alive.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eg-supd.h"
#include "engine.h"
#include "overlay/overlay.h"
#include "proc/proc_imsg.h"
#include "util/log.h"

#define SEC	1000000000ULL

struct edges	 edg;

static const char *se_drop_names[SED_MAX] = {
	[SED_SRC_MISMATCH] = "source not the session's node",
	[SED_NOT_FOR_US] = "not for the supernode",
	[SED_USAGE] = "not a control message",
	[SED_BAD_MESSAGE] = "bad control message",
	[SED_BAD_PONG] = "pong about another node's link",
	[SED_NO_SESSION] = "no session",
	[SED_SEND] = "send failed",
	[SED_OVER_MTU] = "over mtu",
	[SED_PONG_BUDGET] = "pong over the edge's budget",
};

const char *
se_drop_name(enum se_drop d)
{
	return d < SED_MAX ? se_drop_names[d] : "?";
}

struct sedge *
edge_by_id(uint16_t id)
{
	struct wgh_peer	*p;
	int		 af;

	for (af = 0; af < SE_NAF; af++)
		if (edg.host[af] != NULL &&
		    (p = wgh_peer_by_id(edg.host[af], id)) != NULL)
			return p->p_arg;
	return NULL;
}

static int
hash_zero(const uint8_t *h)
{
	static const uint8_t	zero[OVLMSG_HASH_LEN];

	return memcmp(h, zero, OVLMSG_HASH_LEN) == 0;
}

/* Tell control and route what changed about an edge. */
static void
edge_report(struct sedge *e)
{
	struct supd_edge	 msg;
	struct wgh_peer		*p;

	memset(&msg, 0, sizeof(msg));
	msg.node_id = e->node_id;
	msg.online = e->online;
	msg.last_seen = e->last_seen_ms;
	if ((p = e->p[SE_V4]) != NULL && p->p_eplen > 0)
		memcpy(&msg.ep4, &p->p_ep, p->p_eplen);
	if ((p = e->p[SE_V6]) != NULL && p->p_eplen > 0)
		memcpy(&msg.ep6, &p->p_ep, p->p_eplen);
	proc_compose(&edg.chans[PROC_CONTROL], IMSG_SUPD_EDGE, 0, 0, -1, &msg,
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
	proc_compose(&edg.chans[PROC_ROUTE], IMSG_SUPD_ONLINE, 0, 0, -1, &msg,
	    sizeof(msg));
	edge_report(e);
}

void
edges_roamed(void *arg, struct wgh_peer *p)
{
	if (p->p_arg != NULL)
		edge_report(p->p_arg);
}

/*
 * Send a control message to the edge over the session it used last, or
 * the other one.  Without a session it is dropped: Register comes again
 * and the push with it.
 */
static void
edge_send(struct sedge *e, uint8_t usage, const uint8_t *payload, size_t len,
    struct wg_time now)
{
	struct wgh_peer	*p = NULL;
	uint8_t		*buf;
	size_t		 n;
	int		 af = e->last_af, i;

	for (i = 0; i < SE_NAF; i++, af = !af) {
		p = e->p[af];
		if (p != NULL && p->p_eplen > 0 && wgh_peer_has_session(p, now))
			break;
	}
	if (i == SE_NAF) {
		edg.drops[SED_NO_SESSION]++;
		return;
	}
	if (len > p->p_host->h_bufsize - WG_SEND_BUFLEN(OVL_HDR_LEN))
		fatalx("edge_send: message too long");
	buf = wgh_copybuf(p->p_host);
	n = ovl_write_control(buf + WG_TRANSPORT_HEADER, usage,
	    NODEID_SUPERNODE, e->node_id, payload, len);
	wgh_send(p, buf, n, now);
}

/* The hash of state s the edge should hold. */
static const uint8_t *
edge_want(struct sedge *e, int s)
{
	return s == OVLMSG_SUPERPARAMS ? e->superparams : edg.global[s];
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
	every = (uint64_t)(edg.conf->repush_config_interval * SEC);
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
	struct wgh_peer	*p = e->p[af];

	if (p != NULL && p->p_eplen > 0)
		wgh_send(p, wgh_copybuf(p->p_host), 0, now);
}

static void
edge_register(struct sedge *e, int af, const uint8_t *p, size_t len,
    struct wg_time now)
{
	struct ovlmsg_register	reg;
	char			text[OVLMSG_REASON_MAX + 1];

	if (ovlmsg_register_decode(p, len, &reg) == -1) {
		edg.drops[SED_BAD_MESSAGE]++;
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
edge_pong(struct sedge *e, const uint8_t *p, size_t len, struct wg_time now)
{
	struct ovlmsg_pong	pong;
	struct supd_sample	s;
	double			interval = edg.conf->send_ping_interval;
	size_t			np = edg.conf->npeers;

	if (ovlmsg_pong_decode(p, len, &pong) == -1) {
		edg.drops[SED_BAD_MESSAGE]++;
		return;
	}
	/* An edge measures, so reports, only the links into itself. */
	if (pong.dst != e->node_id || edge_by_id(pong.src) == NULL) {
		edg.drops[SED_BAD_PONG]++;
		return;
	}
	/* Each Pong costs route a sample: a member must not pin it. */
	if (!tbucket_take(&e->pongs, SE_PONG_RATE(np, interval > 0 ?
	    interval : 1), SE_PONG_BURST(np), now.mono / 1e9)) {
		edg.drops[SED_PONG_BUDGET]++;
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
	proc_compose(&edg.chans[PROC_ROUTE], IMSG_SUPD_SAMPLE, 0, 0, -1, &s,
	    sizeof(s));
}

/* An authenticated plaintext from edge e on family af. */
static void
edge_control(struct sedge *e, int af, const uint8_t *plain, size_t len,
    struct wg_time now)
{
	struct ovl_hdr	h;
	struct timespec	ts;

	if (ovl_parse(plain, len, &h) != OVL_OK) {
		edg.drops[SED_BAD_MESSAGE]++;
		return;
	}
	if (h.src != e->node_id) {
		edg.drops[SED_SRC_MISMATCH]++;
		return;
	}
	if (h.dst != NODEID_SUPERNODE) {
		edg.drops[SED_NOT_FOR_US]++;
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
		edge_pong(e, plain + OVL_HDR_LEN, h.len, now);
		break;
	default:
		edg.drops[SED_USAGE]++;
		break;
	}
}

void
edges_rx(void *arg, struct wgh_rx *rx, size_t n, struct wg_time now)
{
	int	af = (int)(intptr_t)arg;
	size_t	i;

	for (i = 0; i < n; i++)
		if (rx[i].peer->p_arg != NULL)
			edge_control(rx[i].peer->p_arg, af, rx[i].data,
			    rx[i].len, now);
}

/* Once a second: liveness, and pushes that are due again. */
void
edges_tick(struct wg_time now)
{
	uint64_t	alive = (uint64_t)(edg.conf->peer_alive_timeout * SEC);
	size_t		i;

	for (i = 0; i < edg.nedges; i++) {
		struct sedge *e = edg.edges[i];

		if (e->online && now.mono - e->last_seen > alive)
			edge_set_online(e, 0);
		if (e->online)
			edge_push(e, 0, now);
	}
}

void
edges_flush(void)
{
	int	af;

	for (af = 0; af < SE_NAF; af++)
		wgh_flush(edg.host[af]);
}

/*
 * The edges of a config.  An edge whose NodeID, key and PSK stayed keeps
 * its sessions (the hosts see to that) and its state across a reload or
 * a Manage API change.
 */
void
edges_load(const struct super_conf *conf)
{
	struct sedge	**edges, *e;
	struct wgh_spec	 *specs;
	struct wgh_peer	 *p[SE_NAF];
	size_t		  i, n = 0;
	int		  af;

	if ((specs = calloc(conf->npeers + 1, sizeof(*specs))) == NULL ||
	    (edges = calloc(conf->npeers + 1, sizeof(*edges))) == NULL)
		fatal("edges");
	for (i = 0; i < conf->npeers; i++) {
		specs[i].node_id = conf->peers[i].node_id;
		specs[i].pubkey = conf->peers[i].pubkey.key;
		specs[i].psk = conf->peers[i].psk.set ?
		    conf->peers[i].psk.key : NULL;
		specs[i].name = conf->peers[i].name;
	}
	for (af = 0; af < SE_NAF; af++)
		if (edg.host[af] != NULL)
			wgh_peers_replace(edg.host[af], specs, conf->npeers);
	free(specs);
	edg.gen++;
	for (i = 0; i < conf->npeers; i++) {
		e = NULL;
		for (af = 0; af < SE_NAF; af++) {
			p[af] = edg.host[af] != NULL ? wgh_peer_by_id(
			    edg.host[af], conf->peers[i].node_id) : NULL;
			if (p[af] != NULL && p[af]->p_arg != NULL)
				e = p[af]->p_arg;
		}
		if (p[SE_V4] == NULL && p[SE_V6] == NULL)
			continue;
		if (e != NULL && e->gen == edg.gen)
			continue;	/* the NodeID twice: the first */
		if (e == NULL) {
			if ((e = calloc(1, sizeof(*e))) == NULL)
				fatal("edge");
			e->node_id = conf->peers[i].node_id;
		}
		for (af = 0; af < SE_NAF; af++) {
			e->p[af] = p[af];
			if (p[af] != NULL)
				p[af]->p_arg = e;
		}
		e->gen = edg.gen;
		edges[n++] = e;
	}
	for (i = 0; i < edg.nedges; i++)
		if (edg.edges[i]->gen != edg.gen)
			free(edg.edges[i]);
	free(edg.edges);
	edg.edges = edges;
	edg.nedges = n;
}

void
edges_free(void)
{
	size_t	i;

	for (i = 0; i < edg.nedges; i++)
		free(edg.edges[i]);
	free(edg.edges);
	edg.edges = NULL;
	edg.nedges = 0;
}
