/*
 * The engine process of eg-supd: one WireGuard host per address family
 * (PrivKeyV4 on the IPv4 socket, PrivKeyV6 on the IPv6 one, so that the
 * supernode learns both addresses of every edge: the seed's "V4 V6"
 * section), every edge a peer of both.  engine_edges.c says what the
 * supernode does with them.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <event.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "eg-supd.h"
#include "engine.h"
#include "proc/ctl.h"
#include "proc/proc_imsg.h"
#include "proc/sandbox.h"
#include "util/addr.h"
#include "util/log.h"
#include "wghost/wghost.h"

static struct {
	struct proc_chan	 chans[PROC_MAX];
	struct reconf_child	 reconf;
	struct super_conf	*conf;
	/* both hosts': a flood at one family puts both under load */
	struct wg_guard		*guard;
	int			 udp[SE_NAF];	/* until its host exists */
	struct event		 ev_tick;
} se;

static void
se_tick(int fd, short event, void *arg)
{
	struct wg_time	now;
	struct timeval	tv = { 1, 0 };

	wgh_now(NULL, &now);
	if (se.conf != NULL)
		edges_tick(now);
	edges_flush();
	evtimer_add(&se.ev_tick, &tv);
}

/* The host of family af, for this private key; for life. */
static void
se_host(int af, const struct conf_key *key)
{
	const struct wgh_ops ops = {
		.rx = edges_rx,
		.roamed = edges_roamed,
	};
	struct wghost	*h;

	h = wgh_new(key->key, SE_BUFSIZE, 0, &ops, (void *)(intptr_t)af,
	    af == SE_V4 ? "IPv4 edge" : "IPv6 edge");
	if (h == NULL)
		fatal("%s", af == SE_V4 ? "PrivKeyV4" : "PrivKeyV6");
	wg_local_set_guard(h->h_wg, se.guard);
	/* Held packets: none, a send without a session has none. */
	wgh_count_drops_at(h, WGH_DROP_STAGED_FULL,
	    &edg.drops[SED_NO_SESSION]);
	wgh_count_drops_at(h, WGH_DROP_GAVE_UP, &edg.drops[SED_NO_SESSION]);
	wgh_count_drops_at(h, WGH_DROP_SEND, &edg.drops[SED_SEND]);
	wgh_count_drops_at(h, WGH_DROP_NO_ENDPOINT, &edg.drops[SED_SEND]);
	wgh_count_drops_at(h, WGH_DROP_OVER_MTU, &edg.drops[SED_OVER_MTU]);
	if (se.udp[af] != -1 && proc_daemon.fds_are_done)
		wgh_set_socket(h, af, se.udp[af]);
	edg.host[af] = h;
}

/* The filter narrowed: packets from the network may come in now. */
static void
se_fds_done(void)
{
	int	af;

	for (af = 0; af < SE_NAF; af++)
		if (edg.host[af] != NULL && se.udp[af] != -1)
			wgh_set_socket(edg.host[af], af, se.udp[af]);
}

/*
 * Before a config is committed: every edge it names must be one a
 * session can be made with, or the reload would leave it unreachable.
 */
static int
se_check(const void *arg, char *why, size_t len)
{
	const struct super_conf	*conf = arg;
	const uint8_t		*priv;
	char			 path[48];
	size_t			 e;

	priv = conf->privkey_v4.set ? conf->privkey_v4.key :
	    conf->privkey_v6.key;
	for (e = 0; e < conf->npeers; e++) {
		snprintf(path, sizeof(path), "Peers[%zu].PubKey", e);
		if (wgh_key_check(priv, conf->peers[e].pubkey.key, path,
		    conf->peers[e].node_id, why, len) == -1)
			return -1;
	}
	return 0;
}

static void
se_configure(void *arg)
{
	struct super_conf	*conf = arg;

	if (se.conf == NULL) {
		/* The keys stay for the life of the process. */
		if (!conf->disabled_af.ipv4 && conf->privkey_v4.set)
			se_host(SE_V4, &conf->privkey_v4);
		if (!conf->disabled_af.ipv6 && conf->privkey_v6.set)
			se_host(SE_V6, &conf->privkey_v6);
	} else
		conf_free_super(se.conf);
	se.conf = conf;
	edg.conf = conf;
	edges_load(conf);
	edges_flush();
}

static void
se_show_peers(struct proc_chan *pc, uint32_t client)
{
	struct ctl_peer		 cp;
	struct wg_time		 now;
	struct wgh_peer		*p;
	size_t			 i, j;
	uint64_t		 hs;
	int			 af;

	wgh_now(NULL, &now);
	for (i = 0; i < edg.nedges; i++) {
		struct sedge *e = edg.edges[i];

		memset(&cp, 0, sizeof(cp));
		cp.node_id = e->node_id;
		cp.nexthop = NODEID_INVALID;
		for (j = 0; se.conf != NULL && j < se.conf->npeers; j++) {
			if (se.conf->peers[j].node_id != e->node_id)
				continue;
			strlcpy(cp.name, se.conf->peers[j].name,
			    sizeof(cp.name));
			if (se.conf->peers[j].psk.set)
				cp.flags |= CTLP_HAS_PSK;
		}
		af = e->last_af;
		if (e->p[af] == NULL || e->p[af]->p_eplen == 0)
			af = !af;
		if ((p = e->p[af]) != NULL && p->p_eplen > 0)
			sockaddr_str((struct sockaddr *)&p->p_ep, cp.endpoint,
			    sizeof(cp.endpoint));
		for (af = 0; af < SE_NAF; af++) {
			if ((p = e->p[af]) == NULL)
				continue;
			hs = wg_peer_last_handshake(p->p_wg) / 1000000000ULL;
			if ((int64_t)hs > cp.last_handshake)
				cp.last_handshake = hs;
			if (wgh_peer_has_session(p, now))
				cp.flags |= CTLP_SESSION;
			cp.rx_bytes += p->p_rx_bytes;
			cp.tx_bytes += p->p_tx_bytes;
			cp.rx_packets += p->p_rx_pkts;
			cp.tx_packets += p->p_tx_pkts;
		}
		if (e->online)
			cp.flags |= CTLP_ONLINE;
		cp.latency_ms = NAN;
		if (proc_compose(pc, IMSG_CTL_PEER, client, 0, -1, &cp,
		    sizeof(cp)) == -1)
			fatal("show peers");
	}
	for (i = 0; i < SED_MAX; i++)
		ctl_counter_compose(pc, client, CTLC_DROP, se_drop_name(i),
		    edg.drops[i]);
	ctl_counters_wg(pc, client, "wireguard4", edg.host[SE_V4] != NULL ?
	    edg.host[SE_V4]->h_wg : NULL);
	ctl_counters_wg(pc, client, "wireguard6", edg.host[SE_V6] != NULL ?
	    edg.host[SE_V6]->h_wg : NULL);
	ctl_counters_guard(pc, client, "wireguard", se.guard, now);
	ctl_counters_held(pc, client, &se.chans[PROC_ROUTE]);
	if (proc_compose(pc, IMSG_CTL_END, client, 0, -1, NULL, 0) == -1)
		fatal("show peers");
}

static void
se_endpoint(struct imsg *imsg)
{
	struct peer_endpoint	 pe;
	struct wg_time		 now;
	struct wgh_peer		*p;
	struct sedge		*e;

	if (imsg->datalen != sizeof(pe))
		fatalx("IMSG_ENDPOINT: bad length");
	memcpy(&pe, imsg->data, sizeof(pe));
	if (pe.sslen > sizeof(pe.ss) || (e = edge_by_id(pe.node_id)) == NULL)
		return;
	p = e->p[pe.ss.ss_family == AF_INET6 ? SE_V6 : SE_V4];
	/* Once heard, an edge is where it is, unless its EndPoint changed. */
	if (p == NULL || (p->p_eplen > 0 && !pe.force))
		return;
	wgh_peer_set_endpoint(p, (struct sockaddr *)&pe.ss, pe.sslen);
	/* EndPoint in the config: the supernode calls the edge first. */
	wgh_now(p->p_host, &now);
	wgh_initiate(p, now, 0);
	wgh_flush(p->p_host);
}

static void
se_hash(struct imsg *imsg, int fetched)
{
	struct supd_hash	 h;
	struct wg_time		 now;
	struct sedge		*e;
	size_t			 i;

	if (imsg->datalen != sizeof(h))
		fatalx("IMSG_SUPD_HASH: bad length");
	memcpy(&h, imsg->data, sizeof(h));
	if (h.state >= OVLMSG_NSTATES)
		fatalx("IMSG_SUPD_HASH: bad state %u", h.state);
	wgh_now(NULL, &now);
	if (fetched) {
		/* The edge has it now: no more pushes for it. */
		if ((e = edge_by_id(h.node_id)) != NULL) {
			memcpy(e->held[h.state], h.hash, OVLMSG_HASH_LEN);
			edge_push(e, 0, now);
		}
		edges_flush();
		return;
	}
	if (h.node_id != NODEID_BROADCAST) {
		if ((e = edge_by_id(h.node_id)) == NULL ||
		    h.state != OVLMSG_SUPERPARAMS)
			return;
		memcpy(e->superparams, h.hash, OVLMSG_HASH_LEN);
		if (e->online)
			edge_push(e, 1, now);
		edges_flush();
		return;
	}
	if (h.state == OVLMSG_SUPERPARAMS)
		fatalx("IMSG_SUPD_HASH: superparams are per edge");
	memcpy(edg.global[h.state], h.hash, OVLMSG_HASH_LEN);
	for (i = 0; i < edg.nedges; i++)
		if (edg.edges[i]->online)
			edge_push(edg.edges[i], 1, now);
	edges_flush();
}

static void
se_deleted(struct imsg *imsg)
{
	struct wg_time	 now;
	struct sedge	*e;
	uint16_t	 id;

	if (imsg->datalen != sizeof(id))
		fatalx("IMSG_SUPD_DELETED: bad length");
	memcpy(&id, imsg->data, sizeof(id));
	if ((e = edge_by_id(id)) == NULL)
		return;
	wgh_now(NULL, &now);
	edge_shutdown(e, OVLMSG_R_DELETED, "deleted from the supernode",
	    now);
	edges_flush();
}

static void
se_udp_fd(struct imsg *imsg)
{
	int	family, af;

	if (imsg->datalen != sizeof(family) || imsg->fd == -1)
		fatalx("IMSG_SUPD_UDP: bad message");
	memcpy(&family, imsg->data, sizeof(family));
	if (family != AF_INET && family != AF_INET6)
		fatalx("IMSG_SUPD_UDP: bad family");
	af = family == AF_INET ? SE_V4 : SE_V6;
	se.udp[af] = imsg->fd;
	if (edg.host[af] != NULL && proc_daemon.fds_are_done)
		wgh_set_socket(edg.host[af], af, imsg->fd);
}

static void
se_dispatch_parent(struct proc_chan *pc, struct imsg *imsg)
{
	if (reconf_child_dispatch(&se.reconf, pc, imsg))
		return;
	switch (imsg->hdr.type) {
	case IMSG_SUPD_UDP:
		se_udp_fd(imsg);
		break;
	case IMSG_ENDPOINT:
		se_endpoint(imsg);
		break;
	case IMSG_SUPD_DELETED:
		se_deleted(imsg);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

static void
se_dispatch_control(struct proc_chan *pc, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_CTL_SHOW_PEERS:
		se_show_peers(pc, imsg->hdr.peerid);
		break;
	case IMSG_SUPD_HASH:
		se_hash(imsg, 0);
		break;
	case IMSG_SUPD_FETCHED:
		se_hash(imsg, 1);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

void
supd_engine_main(void)
{
	static const proc_dispatch_cb dispatch[PROC_MAX] = {
		[PROC_PARENT] = se_dispatch_parent,
		[PROC_ROUTE] = proc_unexpected,
		[PROC_CONTROL] = se_dispatch_control,
	};
	struct timeval	tv = { 1, 0 };
	int		af;

	se.reconf.self = PROC_ENGINE;
	se.reconf.check = se_check;
	se.reconf.commit = se_configure;
	se.udp[SE_V4] = se.udp[SE_V6] = -1;
	proc_daemon.fds_done = se_fds_done;
	if ((se.guard = wg_guard_new()) == NULL)
		fatal("handshake guard");
	edg.chans = se.chans;
	proc_child_start(PROC_ENGINE, SB_ENGINE_SETUP, se.chans, dispatch);
	proc_chan_samples(&se.chans[PROC_ROUTE], supd_sample_key);
	evtimer_set(&se.ev_tick, se_tick, NULL);
	evtimer_add(&se.ev_tick, &tv);
	event_dispatch();

	edges_free();
	for (af = 0; af < SE_NAF; af++)
		wgh_free(edg.host[af]);
	wg_guard_free(se.guard);
	if (se.conf != NULL)
		conf_free_super(se.conf);
	exit(0);
}
