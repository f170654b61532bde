/*
 * The engine process of egd: the data path.  It owns the interface and
 * the UDP sockets (descriptors passed by the parent), one WireGuard
 * session per peer, the L2 FIB and the forwarding table; frames never
 * cross a process boundary.  It is also the authority on peer state,
 * which it reports to control for egctl.  This file is the process:
 * engine.h says which part owns what.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <event.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "egd.h"
#include "engine.h"
#include "proc/ctl.h"
#include "proc/proc_imsg.h"
#include "proc/sandbox.h"
#include "util/addr.h"
#include "util/log.h"

#define ENG_HOUSEKEEPING_SEC	10

static struct {
	struct proc_chan	 chans[PROC_MAX];
	struct reconf_child	 reconf;
	struct edge_conf	*conf;
	struct wghost		*host;
	int			 udp[WGH_NAF];	/* until the host exists */
	struct event		 ev_tick;	/* housekeeping */
} eng;

static void
engine_session_up(void *arg, struct wgh_peer *p, struct wg_time now)
{
	super_session_up(p, now);
	p2p_session_up(p, now);
}

static void
engine_housekeeping(int fd, short event, void *arg)
{
	struct wg_time	now;
	struct timeval	tv = { ENG_HOUSEKEEPING_SEC, 0 };

	wgh_now(eng.host, &now);
	datapath_housekeeping(now);
	evtimer_add(&eng.ev_tick, &tv);
}

/* The host and the data path, from the first config. */
static void
engine_start(const struct edge_conf *conf)
{
	static const struct wgh_ops ops = {
		.rx = datapath_rx,
		.session_up = engine_session_up,
	};
	int	af;

	eng.host = wgh_new(conf->privkey.key,
	    datapath_bufsize((size_t)conf->iface.mtu + 14), ENG_STAGED_MAX,
	    &ops, NULL, "peer");
	if (eng.host == NULL)
		fatal("WireGuard: cannot use the private key");
	eng_drops_host(eng.host);
	for (af = 0; af < WGH_NAF; af++)
		if (eng.udp[af] != -1 && proc_daemon.fds_are_done)
			wgh_set_socket(eng.host, af, eng.udp[af]);
	datapath_init(eng.host, conf);
}

/* The filter narrowed: packets from the network may come in now. */
static void
engine_fds_done(void)
{
	int	af;

	for (af = 0; eng.host != NULL && af < WGH_NAF; af++)
		if (eng.udp[af] != -1)
			wgh_set_socket(eng.host, af, eng.udp[af]);
}

/* The config's peers, as the host takes peers from anywhere. */
static void
engine_static_peers(const struct edge_conf *conf)
{
	struct wgh_spec	*specs;
	size_t		 i, n = 0;

	if ((specs = calloc(conf->npeers + 1, sizeof(*specs))) == NULL)
		fatal("peers");
	for (i = 0; i < conf->npeers; i++) {
		const struct conf_edge_peer *cp = &conf->peers[i];

		if (cp->node_id > NODEID_MAX_VALID ||
		    cp->node_id == conf->node_id)
			continue;
		specs[n].node_id = cp->node_id;
		specs[n].pubkey = cp->pubkey.key;
		specs[n].psk = cp->psk.set ? cp->psk.key : NULL;
		specs[n].is_static = cp->is_static;
		specs[n].keepalive = cp->persistent_keepalive;
		n++;
	}
	wgh_peers_replace(eng.host, specs, n);
	free(specs);
}

/*
 * Before a config is committed: every peer it names must be one the
 * engine can make a session with, or the reload would drop it.
 */
static int
engine_check(const void *arg, char *why, size_t len)
{
	const struct edge_conf		*conf = arg;
	const struct conf_supernode	*sn = &conf->dynroute.supernode;
	const uint8_t			*priv = conf->privkey.key;
	char				 path[48];
	size_t				 i;

	if (sn->use_supernode) {
		if (sn->pubkey_v4.set && !conf->disabled_af.ipv4 &&
		    wgh_key_check(priv, sn->pubkey_v4.key,
		    "DynamicRoute.SuperNode.PubKeyV4", -1, why, len) == -1)
			return -1;
		if (sn->pubkey_v6.set && !conf->disabled_af.ipv6 &&
		    wgh_key_check(priv, sn->pubkey_v6.key,
		    "DynamicRoute.SuperNode.PubKeyV6", -1, why, len) == -1)
			return -1;
		return 0;
	}
	for (i = 0; i < conf->npeers; i++) {
		snprintf(path, sizeof(path), "Peers[%zu].PubKey", i);
		if (wgh_key_check(priv, conf->peers[i].pubkey.key, path,
		    conf->peers[i].node_id, why, len) == -1)
			return -1;
	}
	return 0;
}

/*
 * The config changed: peers, forwarding table, timeouts, and the mode.
 * In super mode the config's Peers and NextHopTable are ignored: they
 * come from the supernode.
 */
static void
engine_configure(void *arg)
{
	struct edge_conf	*conf = arg, *old = eng.conf;
	int			 was_super = old != NULL &&
				    old->dynroute.supernode.use_supernode;
	int			 was_p2p = old != NULL && !was_super &&
				    old->dynroute.p2p.use_p2p;

	if (old == NULL)
		engine_start(conf);
	eng.conf = conf;
	datapath_configure(conf);
	if (conf->dynroute.supernode.use_supernode) {
		if (was_p2p)
			p2p_stop();
		/* The config's peers go: the supernode lists its own. */
		if (old != NULL && !was_super) {
			wgh_peers_replace(eng.host, NULL, 0);
			datapath_routes(super_nhtable());
		}
		if (!fallback_on())
			datapath_set_control(super_control);
		super_start(old, conf, eng.host, eng.chans);
		fallback_update(conf);
		wgh_flush(eng.host);
		if (old != NULL)
			conf_free_edge(old);
		return;
	}
	if (was_super) {
		fallback_end();
		super_stop();
		datapath_set_control(NULL);
	}
	if (conf->dynroute.p2p.use_p2p) {
		datapath_set_control(p2p_control);
		p2p_start(old, conf, eng.host, eng.chans);
		datapath_routes(p2p_nhtable());
	} else {
		if (was_p2p) {
			p2p_stop();
			datapath_set_control(NULL);
		}
		engine_static_peers(conf);
		datapath_routes(&conf->nhtable);
	}
	wgh_flush(eng.host);
	if (old != NULL)
		conf_free_edge(old);
	log_debug("config: node %u, %zu peers, %zu next hops", conf->node_id,
	    eng.host->h_nset, conf->nhtable.count);
}

static void
engine_show_peer(struct proc_chan *pc, uint32_t client, struct wgh_peer *p,
    struct wg_time now)
{
	struct ctl_peer	cp;
	uint64_t	hs;
	int		from;

	memset(&cp, 0, sizeof(cp));
	cp.node_id = p->p_node_id;
	strlcpy(cp.name, p->p_name, sizeof(cp.name));
	cp.nexthop = p->p_node_id == NODEID_SUPERNODE ? NODEID_INVALID :
	    datapath_nexthop(p->p_node_id);
	if (super_online(p, now) || p2p_online(p, now))
		cp.flags |= CTLP_ONLINE;
	if (p->p_is_static)
		cp.flags |= CTLP_STATIC;
	if (p->p_has_psk)
		cp.flags |= CTLP_HAS_PSK;
	if (wgh_peer_has_session(p, now))
		cp.flags |= CTLP_SESSION;
	if (p->p_eplen > 0)
		sockaddr_str((struct sockaddr *)&p->p_ep, cp.endpoint,
		    sizeof(cp.endpoint));
	if ((hs = wg_peer_last_handshake(p->p_wg)) != 0)
		cp.last_handshake = hs / 1000000000ULL;
	cp.rx_bytes = p->p_rx_bytes;
	cp.tx_bytes = p->p_tx_bytes;
	cp.rx_packets = p->p_rx_pkts;
	cp.tx_packets = p->p_tx_pkts;
	/* Falling back, the Pings are P2P mode's. */
	cp.latency_ms = p2p_latency(p);
	if (isnan(cp.latency_ms))
		cp.latency_ms = super_latency(p);
	cp.persistent_keepalive = p->p_keepalive;
	if ((from = p2p_learned_from(p)) != -1) {
		cp.flags |= CTLP_LEARNED;
		cp.learned_from = (uint16_t)from;
	}
	if (proc_compose(pc, IMSG_CTL_PEER, client, 0, -1, &cp,
	    sizeof(cp)) == -1)
		fatal("show peers");
}

static void
engine_show_peers(struct proc_chan *pc, uint32_t client)
{
	struct ifio	*io = iface_io();
	struct wg_time	 now;
	size_t		 i;
	int		 af;

	wgh_now(eng.host, &now);
	for (i = 0; eng.host != NULL && i < eng.host->h_nset; i++)
		engine_show_peer(pc, client, eng.host->h_set[i], now);
	for (af = 0; af < 2; af++)
		if (super_peer(af) != NULL)
			engine_show_peer(pc, client, super_peer(af), now);
	for (i = 0; i < ED_MAX; i++)
		ctl_counter_compose(pc, client, CTLC_DROP, eng_drop_name(i),
		    eng_drops[i]);
	ctl_counter_compose(pc, client, CTLC_DROP, "interface frame too long",
	    io->rx_truncated);
	ctl_counter_compose(pc, client, CTLC_DROP, "interface superframe refused",
	    io->rx_gso_refused);
	ctl_counter_compose(pc, client, CTLC_COUNTER, "interface superframes",
	    io->rx_superframes);
	ctl_counters_wg(pc, client, "wireguard",
	    eng.host != NULL ? eng.host->h_wg : NULL);
	/* One identity: its own guard is the process's. */
	ctl_counters_guard(pc, client, "wireguard",
	    eng.host != NULL ? wg_local_guard(eng.host->h_wg) : NULL, now);
	ctl_counters_held(pc, client, &eng.chans[PROC_ROUTE]);
	if (proc_compose(pc, IMSG_CTL_END, client, 0, -1, NULL, 0) == -1)
		fatal("show peers");
}

static void
engine_udp(struct imsg *imsg)
{
	int	family, af;

	if (imsg->datalen != sizeof(family) || imsg->fd == -1)
		fatalx("IMSG_EGD_UDP: bad message");
	memcpy(&family, imsg->data, sizeof(family));
	if (family != AF_INET && family != AF_INET6)
		fatalx("IMSG_EGD_UDP: bad family");
	af = family == AF_INET ? WGH_V4 : WGH_V6;
	eng.udp[af] = imsg->fd;
	if (eng.host != NULL && proc_daemon.fds_are_done)
		wgh_set_socket(eng.host, af, imsg->fd);
}

static void
engine_endpoint(struct imsg *imsg)
{
	struct peer_endpoint	 e;
	struct wgh_peer		*p;

	if (imsg->datalen != sizeof(e))
		fatalx("IMSG_ENDPOINT: bad length");
	memcpy(&e, imsg->data, sizeof(e));
	if (e.sslen > sizeof(e.ss))
		fatalx("IMSG_ENDPOINT: bad address length");
	if (eng.host == NULL)
		return;
	if (e.node_id == NODEID_SUPERNODE) {
		/* One session per family: the address says which. */
		p = super_peer(e.ss.ss_family == AF_INET6 ? 1 : 0);
		if (p != NULL)
			wgh_peer_set_endpoint(p, (struct sockaddr *)&e.ss,
			    e.sslen);
		return;
	}
	if ((p = wgh_peer_by_id(eng.host, e.node_id)) == NULL)
		return;
	/* Roaming decides for a dynamic peer once it has been heard. */
	if (!p->p_is_static && p->p_eplen > 0 && !e.force)
		return;
	wgh_peer_set_endpoint(p, (struct sockaddr *)&e.ss, e.sslen);
}

static void
engine_dispatch_parent(struct proc_chan *pc, struct imsg *imsg)
{
	if (reconf_child_dispatch(&eng.reconf, pc, imsg))
		return;
	switch (imsg->hdr.type) {
	case IMSG_EGD_UDP:
		engine_udp(imsg);
		break;
	case IMSG_EGD_IFACE:
		iface_set_info(imsg);
		break;
	case IMSG_EGD_IFACE_FD:
		iface_fd(imsg);
		break;
	case IMSG_EGD_IFACE_CONN:
		iface_conn(imsg);
		break;
	case IMSG_ENDPOINT:
		engine_endpoint(imsg);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

static void
engine_dispatch_route(struct proc_chan *pc, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_EGD_P2P_NH:
	case IMSG_EGD_P2P_NH_DONE:
		p2p_dispatch_route(pc, imsg);
		wgh_flush(eng.host);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

static void
engine_dispatch_control(struct proc_chan *pc, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_CTL_SHOW_PEERS:
		engine_show_peers(pc, imsg->hdr.peerid);
		break;
	case IMSG_EGD_PEER:
	case IMSG_EGD_PEERS_DONE:
	case IMSG_EGD_NH:
	case IMSG_EGD_NH_DONE:
	case IMSG_EGD_SUPERPARAMS:
		/* Sent before a reload ended super mode in both: late. */
		if (eng.conf != NULL &&
		    eng.conf->dynroute.supernode.use_supernode)
			super_dispatch_control(pc, imsg);
		else
			log_debug("message %u ignored: not in super mode",
			    imsg->hdr.type);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

void
engine_main(void)
{
	static const proc_dispatch_cb dispatch[PROC_MAX] = {
		[PROC_PARENT] = engine_dispatch_parent,
		[PROC_ROUTE] = engine_dispatch_route,
		[PROC_CONTROL] = engine_dispatch_control,
	};
	struct timeval	tv = { ENG_HOUSEKEEPING_SEC, 0 };

	eng.reconf.self = PROC_ENGINE;
	eng.reconf.check = engine_check;
	eng.reconf.commit = engine_configure;
	eng.udp[WGH_V4] = eng.udp[WGH_V6] = -1;
	proc_daemon.fds_done = engine_fds_done;
	iface_init(&eng.chans[PROC_PARENT], datapath_iface);
	proc_child_start(PROC_ENGINE, SB_ENGINE_SETUP, eng.chans, dispatch);
	proc_chan_samples(&eng.chans[PROC_ROUTE], egd_sample_key);
	evtimer_set(&eng.ev_tick, engine_housekeeping, NULL);
	evtimer_add(&eng.ev_tick, &tv);
	event_dispatch();

	super_free();
	p2p_free();
	datapath_free();
	wgh_free(eng.host);
	iface_free();
	if (eng.conf != NULL)
		conf_free_edge(eng.conf);
	exit(0);
}
