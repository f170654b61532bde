/*
 * The engine process of egd: the data path.  It owns the interface and
 * the UDP sockets (descriptors passed by the parent), one WireGuard
 * session per peer, the L2 FIB and the forwarding table; frames never
 * cross a process boundary.  It is also the authority on peer state,
 * which it reports to control for egctl.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "egd.h"
#include "engine.h"
#include "proc/ctl.h"
#include "proc/proc_imsg.h"
#include "proc/sandbox.h"
#include "util/addr.h"
#include "util/log.h"
#include "wghost/wghost.h"

#define ENG_HOUSEKEEPING_SEC	10

static struct engine	 engine_state;
struct engine		*eng = &engine_state;

void
engine_now(struct wg_time *t)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	t->mono = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	clock_gettime(CLOCK_REALTIME, &ts);
	t->wall = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void
engine_peer_touched(struct epeer *ep)
{
	ep->touched = 1;
	eng->any_touched = 1;
}

/* After a batch: move each touched peer's timer to its new deadline. */
void
engine_rearm_timers(void)
{
	struct wg_time	 now;
	struct timeval	 tv;
	struct epeer	*ep;
	uint64_t	 at, wait;
	size_t		 i;

	if (!eng->any_touched)
		return;
	eng->any_touched = 0;
	engine_now(&now);
	for (i = 0; i < eng->npeers + 2; i++) {
		ep = i < eng->npeers ? eng->peers[i] : eng->super[i - eng->npeers];
		if (ep == NULL || !ep->touched)
			continue;
		ep->touched = 0;
		at = wg_peer_next_deadline(ep->wg);
		if (at == ep->timer_at)
			continue;
		if (ep->timer_at != 0)
			evtimer_del(&ep->timer);
		ep->timer_at = 0;
		if (at == UINT64_MAX)
			continue;
		wait = at > now.mono ? at - now.mono : 0;
		tv.tv_sec = wait / 1000000000ULL;
		tv.tv_usec = (wait % 1000000000ULL) / 1000 + 1;
		evtimer_add(&ep->timer, &tv);
		ep->timer_at = at;
	}
}

static void
engine_housekeeping(int fd, short event, void *arg)
{
	struct wg_time	now;
	struct timeval	tv = { ENG_HOUSEKEEPING_SEC, 0 };

	engine_now(&now);
	l2fib_expire(&eng->fib, now.mono);
	evtimer_add(&eng->ev_tick, &tv);
}

/* The config's peers, as the engine takes peers from anywhere. */
static void
engine_static_peers(const struct edge_conf *conf)
{
	struct peer_spec	*specs;
	size_t			 i;

	if ((specs = calloc(conf->npeers + 1, sizeof(*specs))) == NULL)
		fatal("peers");
	for (i = 0; i < conf->npeers; i++) {
		const struct conf_edge_peer *cp = &conf->peers[i];

		specs[i].node_id = cp->node_id;
		specs[i].pubkey = cp->pubkey.key;
		specs[i].psk = cp->psk.set ? cp->psk.key : NULL;
		specs[i].is_static = cp->is_static;
		specs[i].keepalive = cp->persistent_keepalive;
	}
	peers_set(specs, conf->npeers);
	free(specs);
}

/* Whether a session with pub can ever be made (X25519 not all zero). */
static int
engine_key_usable(const struct edge_conf *conf, const uint8_t *pub)
{
	uint8_t	ss[crypto_scalarmult_BYTES];
	int	r;

	r = crypto_scalarmult(ss, conf->privkey.key, pub);
	sodium_memzero(ss, sizeof(ss));
	return r == 0;
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
	size_t				 i;

	if (sn->use_supernode) {
		if (sn->pubkey_v4.set && !conf->disabled_af.ipv4 &&
		    !engine_key_usable(conf, sn->pubkey_v4.key)) {
			snprintf(why, len, "DynamicRoute.SuperNode.PubKeyV4: "
			    "no session can be made with this key");
			return -1;
		}
		if (sn->pubkey_v6.set && !conf->disabled_af.ipv6 &&
		    !engine_key_usable(conf, sn->pubkey_v6.key)) {
			snprintf(why, len, "DynamicRoute.SuperNode.PubKeyV6: "
			    "no session can be made with this key");
			return -1;
		}
		return 0;
	}
	for (i = 0; i < conf->npeers; i++)
		if (!engine_key_usable(conf, conf->peers[i].pubkey.key)) {
			snprintf(why, len, "Peers[%zu].PubKey: no session can "
			    "be made with this key (NodeID %u)", i,
			    conf->peers[i].node_id);
			return -1;
		}
	return 0;
}

/* A forwarding table from table, over the peers the engine has now. */
static void
engine_fwd_rebuild(const struct conf_nhtable *table)
{
	uint16_t	*nbr;
	size_t		 i;

	if ((nbr = calloc(eng->npeers ? eng->npeers : 1, sizeof(*nbr))) ==
	    NULL)
		fatal("forwarding table");
	for (i = 0; i < eng->npeers; i++)
		nbr[i] = eng->peers[i]->node_id;
	fwd_table_free(eng->fwd);
	if ((eng->fwd = fwd_table_build(table, eng->me, nbr,
	    eng->npeers)) == NULL)
		fatal("forwarding table");
	free(nbr);
}

/*
 * The config changed: peers, forwarding table, timeouts, and the mode.
 * In super mode the config's Peers and NextHopTable are ignored: they
 * come from the supernode.
 */
static void
engine_configure(void *arg)
{
	struct edge_conf	*conf = arg, *old = eng->conf;
	int			 was_super = eng->super_mode;

	if (old == NULL) {
		eng->me = conf->node_id;
		if (l2fib_init(&eng->fib, conf->l2fib_timeout, 0) == -1)
			fatal("L2 FIB");
		datapath_init((size_t)conf->iface.mtu + 14);
		if ((eng->wg = wg_local_new(conf->privkey.key, NULL,
		    NULL)) == NULL)
			fatal("WireGuard: cannot use the private key");
	}
	eng->conf = conf;
	eng->ttl = conf->default_ttl;
	l2fib_set_lifetime(&eng->fib, conf->l2fib_timeout);
	if (conf->dynroute.supernode.use_supernode) {
		/* The config's peers go: the supernode lists its own. */
		if (old != NULL && !was_super) {
			peers_set(NULL, 0);
			engine_fwd_rebuild(&eng->nh);
		}
		super_start(old, conf);
		engine_rearm_timers();
		if (old != NULL)
			conf_free_edge(old);
		return;
	}
	if (was_super)
		super_stop();
	engine_static_peers(conf);
	engine_fwd_rebuild(&conf->nhtable);
	engine_rearm_timers();
	if (old != NULL)
		conf_free_edge(old);
	log_debug("config: node %u, %zu peers, %zu next hops", eng->me,
	    eng->npeers, conf->nhtable.count);
}

static void
engine_show_peers(struct proc_chan *pc, uint32_t client)
{
	struct ctl_peer		 cp;
	struct wg_time		 now;
	struct epeer		*ep;
	size_t			 i;
	uint64_t		 hs;

	engine_now(&now);
	for (i = 0; i < eng->npeers + 2; i++) {
		ep = i < eng->npeers ? eng->peers[i] : eng->super[i - eng->npeers];
		if (ep == NULL)
			continue;
		memset(&cp, 0, sizeof(cp));
		cp.node_id = ep->node_id;
		strlcpy(cp.name, ep->name, sizeof(cp.name));
		cp.nexthop = eng->fwd != NULL && !super_is_supernode(ep) ?
		    fwd_nexthop(eng->fwd, ep->node_id) : NODEID_INVALID;
		if (eng->super_mode && ep->last_rx != 0 && now.mono -
		    ep->last_rx < (uint64_t)(eng->params.peer_alive_timeout *
		    1e9))
			cp.flags |= CTLP_ONLINE;
		if (ep->is_static)
			cp.flags |= CTLP_STATIC;
		if (ep->has_psk)
			cp.flags |= CTLP_HAS_PSK;
		if (wg_peer_has_session(ep->wg, now))
			cp.flags |= CTLP_SESSION;
		if (ep->eplen > 0)
			sockaddr_str((struct sockaddr *)&ep->ep, cp.endpoint,
			    sizeof(cp.endpoint));
		if ((hs = wg_peer_last_handshake(ep->wg)) != 0)
			cp.last_handshake = hs / 1000000000ULL;
		cp.rx_bytes = ep->rx_bytes;
		cp.tx_bytes = ep->tx_bytes;
		cp.rx_packets = ep->rx_pkts;
		cp.tx_packets = ep->tx_pkts;
		cp.latency_ms = ep->latency_ms;
		cp.persistent_keepalive = ep->keepalive;
		if (proc_compose(pc, IMSG_CTL_PEER, client, 0, -1, &cp,
		    sizeof(cp)) == -1)
			fatal("show peers");
	}
	for (i = 0; i < ED_MAX; i++)
		ctl_counter_compose(pc, client, CTLC_DROP, eng_drop_name(i),
		    eng->drops[i]);
	ctl_counter_compose(pc, client, CTLC_DROP, "interface frame too long",
	    eng->io.rx_truncated);
	ctl_counter_compose(pc, client, CTLC_DROP, "interface superframe refused",
	    eng->io.rx_gso_refused);
	ctl_counter_compose(pc, client, CTLC_COUNTER, "interface superframes",
	    eng->io.rx_superframes);
	ctl_counters_wg(pc, client, "wireguard", eng->wg);
	if (proc_compose(pc, IMSG_CTL_END, client, 0, -1, NULL, 0) == -1)
		fatal("show peers");
}

/*
 * The data path reads an interface until it has nothing more: a
 * blocking descriptor (a socket, stdin, EG_FD_RX) would stall the
 * whole engine on the read after the last frame.
 */
static void
engine_iface_nonblock(int fd)
{
	int	flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		fatal("interface descriptor: O_NONBLOCK");
}

static void
engine_watch_fd(struct event *ev, int fd, void (*cb)(int, short, void *))
{
	event_set(ev, fd, EV_READ | EV_PERSIST, cb, NULL);
	event_add(ev, NULL);
}

static void
engine_iface_out_stop(int slot)
{
	struct event	*ev = &eng->ev_conn_out[slot];

	if (event_initialized(ev) && event_pending(ev, EV_WRITE, NULL))
		event_del(ev);
}

static void
engine_iface_writable(int fd, short event, void *arg)
{
	if (ifio_flush(&eng->io, fd))
		engine_iface_out();
}

void
engine_iface_out(void)
{
	struct ifio_conn	*c;
	struct event		*ev;
	int			 i;

	for (i = 0; i < IFIO_MAXCONN; i++) {
		c = &eng->io.conns[i];
		ev = &eng->ev_conn_out[i];
		if (c->fd == -1 || c->outlen == 0 || (event_initialized(ev) &&
		    event_pending(ev, EV_WRITE, NULL)))
			continue;
		event_set(ev, c->fd, EV_WRITE, engine_iface_writable, NULL);
		event_add(ev, NULL);
	}
}

/* The interface's descriptor `fd' is finished (EOF or error). */
void
engine_iface_closed(int fd)
{
	int	i, dialed;

	for (i = 0; i < IFIO_MAXCONN; i++) {
		if (eng->io.conns[i].fd != fd)
			continue;
		event_del(&eng->ev_conn[i]);
		engine_iface_out_stop(i);
		dialed = eng->io.conns[i].dialed;
		ifio_drop_conn(&eng->io, fd);
		/* The parent dials again, or waits for the next client. */
		proc_compose(&eng->chans[PROC_PARENT], IMSG_EGD_IFACE_DOWN, 0,
		    0, -1, &dialed, sizeof(dialed));
		return;
	}
	if (fd == eng->io.rxfd) {
		log_warnx("interface %s: end of input", eng->conf != NULL ?
		    eng->conf->iface.name : "");
		event_del(&eng->ev_iface);
	}
}

static void
engine_iface_fd(struct imsg *imsg)
{
	int	role, i;

	if (imsg->datalen != sizeof(role) || imsg->fd == -1)
		fatalx("IMSG_EGD_IFACE_FD: bad message");
	memcpy(&role, imsg->data, sizeof(role));
	engine_iface_nonblock(imsg->fd);
	switch (role) {
	case IFIO_RX:
	case IFIO_RXTX:
		eng->io.rxfd = imsg->fd;
		engine_watch_fd(&eng->ev_iface, imsg->fd, datapath_iface);
		break;
	case IFIO_TX:
		eng->io.txfd = imsg->fd;
		break;
	case IFIO_CONN:
	default:
		fatalx("IMSG_EGD_IFACE_FD: bad role %d", role);
	}
	(void)i;
}

static void
engine_iface_conn(struct imsg *imsg)
{
	int	dialed, slot;

	if (imsg->datalen != sizeof(dialed) || imsg->fd == -1)
		fatalx("IMSG_EGD_IFACE_CONN: bad message");
	memcpy(&dialed, imsg->data, sizeof(dialed));
	engine_iface_nonblock(imsg->fd);
	slot = dialed ? 1 : 0;
	if (eng->io.conns[slot].fd != -1)
		event_del(&eng->ev_conn[slot]);
	engine_iface_out_stop(slot);
	ifio_add_conn(&eng->io, imsg->fd, dialed);
	engine_watch_fd(&eng->ev_conn[slot], imsg->fd, datapath_iface);
}

static void
engine_udp(struct imsg *imsg)
{
	int	family;

	if (imsg->datalen != sizeof(family) || imsg->fd == -1)
		fatalx("IMSG_EGD_UDP: bad message");
	memcpy(&family, imsg->data, sizeof(family));
	if (family == AF_INET) {
		eng->udp4 = imsg->fd;
		engine_watch_fd(&eng->ev_udp4, imsg->fd, datapath_udp);
	} else if (family == AF_INET6) {
		eng->udp6 = imsg->fd;
		engine_watch_fd(&eng->ev_udp6, imsg->fd, datapath_udp);
	} else
		fatalx("IMSG_EGD_UDP: bad family");
}

static void
engine_endpoint(struct imsg *imsg)
{
	struct peer_endpoint	 e;
	struct epeer		*ep;

	if (imsg->datalen != sizeof(e))
		fatalx("IMSG_ENDPOINT: bad length");
	memcpy(&e, imsg->data, sizeof(e));
	if (e.sslen > sizeof(e.ss))
		fatalx("IMSG_ENDPOINT: bad address length");
	if (e.node_id == NODEID_SUPERNODE) {
		/* One session per family: the address says which. */
		ep = eng->super[e.ss.ss_family == AF_INET6 ? 1 : 0];
		if (ep != NULL)
			peer_set_endpoint(ep, (struct sockaddr *)&e.ss,
			    e.sslen);
		return;
	}
	if ((ep = peer_by_id(e.node_id)) == NULL)
		return;
	/* Roaming decides for a dynamic peer once it has been heard. */
	if (!ep->is_static && ep->eplen > 0 && !e.force)
		return;
	peer_set_endpoint(ep, (struct sockaddr *)&e.ss, e.sslen);
}

static void
engine_dispatch_parent(struct proc_chan *pc, struct imsg *imsg)
{
	struct ifio_info	info;

	if (reconf_child_dispatch(&eng->reconf, pc, imsg))
		return;
	switch (imsg->hdr.type) {
	case IMSG_EGD_UDP:
		engine_udp(imsg);
		break;
	case IMSG_EGD_IFACE:
		if (imsg->datalen != sizeof(info))
			fatalx("IMSG_EGD_IFACE: bad length");
		memcpy(&info, imsg->data, sizeof(info));
		ifio_init(&eng->io, &info);
		break;
	case IMSG_EGD_IFACE_FD:
		engine_iface_fd(imsg);
		break;
	case IMSG_EGD_IFACE_CONN:
		engine_iface_conn(imsg);
		break;
	case IMSG_ENDPOINT:
		engine_endpoint(imsg);
		break;
	case IMSG_FDS_DONE:
		/* Everything that needed more is here: narrow for good. */
		if (!eng->narrowed) {
			sandbox_narrow(SB_ENGINE);
			eng->narrowed = 1;
		}
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
		if (eng->super_mode)
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
		[PROC_ROUTE] = proc_unexpected,
		[PROC_CONTROL] = engine_dispatch_control,
	};
	struct timeval	tv = { ENG_HOUSEKEEPING_SEC, 0 };

	eng->reconf.self = PROC_ENGINE;
	eng->reconf.check = engine_check;
	eng->reconf.commit = engine_configure;
	eng->udp4 = eng->udp6 = -1;
	eng->io.rxfd = eng->io.txfd = -1;
	eng->io.conns[0].fd = eng->io.conns[1].fd = -1;
	memset(eng->peer_idx, 0xff, sizeof(eng->peer_idx));
	proc_child_start(PROC_ENGINE, SB_ENGINE_SETUP, eng->chans, dispatch);
	evtimer_set(&eng->ev_tick, engine_housekeeping, NULL);
	evtimer_add(&eng->ev_tick, &tv);
	event_dispatch();

	peers_free();
	fwd_table_free(eng->fwd);
	free(eng->nh.entries);
	l2fib_free(&eng->fib);
	datapath_free();
	ifio_free(&eng->io);
	if (eng->conf != NULL)
		conf_free_edge(eng->conf);
	exit(0);
}
