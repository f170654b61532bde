/*
 * The engine process of eg-supd: one WireGuard identity per address
 * family (PrivKeyV4 on the IPv4 socket, PrivKeyV6 on the IPv6 one, so
 * that the supernode learns both addresses of every edge: the seed's
 * "V4 V6" section), every edge a peer of both.  engine_edges.c says what the
 * supernode does with them.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <event.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "eg-supd.h"
#include "engine.h"
#include "proc/ctl.h"
#include "proc/proc_imsg.h"
#include "proc/sandbox.h"
#include "util/addr.h"
#include "util/log.h"
#include "wghost/wghost.h"

static struct sengine	 sengine_state;
struct sengine		*se = &sengine_state;

void
se_now(struct wg_time *t)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	t->mono = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	clock_gettime(CLOCK_REALTIME, &ts);
	t->wall = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void
se_touch(struct sedge *e)
{
	e->touched = 1;
}

void
se_sendmsg(int af, const struct sockaddr_storage *ss, socklen_t len,
    const uint8_t *msg, size_t msglen)
{
	if (se->udp[af] == -1 || len == 0 || sendto(se->udp[af], msg, msglen,
	    MSG_DONTWAIT, (const struct sockaddr *)ss, len) == -1)
		se->drops[SED_SEND]++;
}

/* Move the WireGuard timers of the edges touched since the last time. */
void
se_rearm(void)
{
	struct wg_time	 now;
	struct timeval	 tv;
	uint64_t	 at, wait;
	size_t		 i;
	int		 af;

	se_now(&now);
	for (i = 0; i < se->nedges; i++) {
		struct sedge *e = se->edges[i];

		if (!e->touched)
			continue;
		e->touched = 0;
		for (af = 0; af < SE_NAF; af++) {
			if (e->wg[af] == NULL)
				continue;
			at = wg_peer_next_deadline(e->wg[af]);
			if (at == e->timer_at[af])
				continue;
			if (e->timer_at[af] != 0)
				evtimer_del(&e->timer[af]);
			e->timer_at[af] = 0;
			if (at == UINT64_MAX)
				continue;
			wait = at > now.mono ? at - now.mono : 0;
			tv.tv_sec = wait / 1000000000ULL;
			tv.tv_usec = (wait % 1000000000ULL) / 1000 + 1;
			evtimer_add(&e->timer[af], &tv);
			e->timer_at[af] = at;
		}
	}
}

/* Act on a WireGuard result for edge e on family af. */
static void
se_result(struct sedge *e, int af, struct wg_result *res,
    const struct sockaddr_storage *src, socklen_t srclen)
{
	if ((res->events & WG_EV_ENDPOINT) && src != NULL &&
	    srclen <= sizeof(e->ep[af])) {
		if (e->eplen[af] != srclen || !sockaddr_eq(
		    (const struct sockaddr *)&e->ep[af],
		    (const struct sockaddr *)src)) {
			memcpy(&e->ep[af], src, srclen);
			e->eplen[af] = srclen;
			edge_report(e);
		}
	}
	if (res->events & (WG_EV_SESSION_INITIATOR | WG_EV_SESSION_RESPONDER))
		log_cat(LOGC_WG, "edge %u: %s session established", e->node_id,
		    af == SE_V4 ? "IPv4" : "IPv6");
	se_touch(e);
}

void
edge_wg_timer(int fd, short event, void *arg)
{
	struct sedge		*e = arg;
	struct wg_result	 res;
	struct wg_time		 now;
	int			 af;

	se_now(&now);
	for (af = 0; af < SE_NAF; af++) {
		if (e->wg[af] == NULL || e->timer_at[af] == 0 ||
		    e->timer_at[af] > now.mono)
			continue;
		e->timer_at[af] = 0;
		memset(&res, 0, sizeof(res));
		wg_peer_tick(e->wg[af], now, &res);
		if (res.msg_len > 0)
			se_sendmsg(af, &e->ep[af], e->eplen[af], res.msg,
			    res.msg_len);
		if (res.events & WG_EV_KEEPALIVE) {
			uint8_t buf[WG_SEND_BUFLEN(0)];

			res.msg_len = 0;
			if (wg_send(e->wg[af], now, buf, 0, sizeof(buf),
			    &res) == WG_TX_OK)
				se_sendmsg(af, &e->ep[af], e->eplen[af], buf,
				    res.wire_len);
		}
		se_result(e, af, &res, NULL, 0);
	}
	se_touch(e);
	se_rearm();
}

static void
se_udp(int fd, short event, void *arg)
{
	int			 af = (int)(intptr_t)arg;
	static uint8_t		 bufs[SE_BATCH][SE_BUFSIZE];
	struct mmsghdr		 msgs[SE_BATCH];
	struct iovec		 iov[SE_BATCH];
	struct sockaddr_storage	 src[SE_BATCH];
	struct wg_result	 res;
	struct wg_addr		 wa;
	struct wg_time		 now;
	struct sedge		*e;
	enum wg_rx		 rx;
	int			 n, i, eaf;

	for (i = 0; i < SE_BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
		msgs[i].msg_hdr.msg_name = &src[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(src[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	if ((n = recvmmsg(fd, msgs, SE_BATCH, MSG_DONTWAIT, NULL)) <= 0)
		return;
	se_now(&now);
	for (i = 0; i < n; i++) {
		socklen_t slen = msgs[i].msg_hdr.msg_namelen;

		if ((msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ||
		    wg_addr_from_sockaddr(&wa, (struct sockaddr *)&src[i]) ==
		    -1)
			continue;
		memset(&res, 0, sizeof(res));
		rx = wg_receive(se->local[af], now, &wa, bufs[i],
		    msgs[i].msg_len, &res);
		if (res.msg_len > 0)
			se_sendmsg(af, &src[i], slen, res.msg, res.msg_len);
		if ((e = edge_by_wg(res.peer, &eaf)) == NULL)
			continue;
		se_result(e, af, &res, &src[i], slen);
		if (rx != WG_RX_DATA && rx != WG_RX_KEEPALIVE)
			continue;
		e->rx_pkts++;
		e->rx_bytes += msgs[i].msg_len;
		if (rx == WG_RX_DATA)
			edge_control(e, af, res.data, res.data_len, now);
	}
	se_rearm();
}

static void
se_tick(int fd, short event, void *arg)
{
	struct wg_time	now;
	struct timeval	tv = { 1, 0 };

	se_now(&now);
	if (se->conf != NULL)
		edges_tick(now);
	se_rearm();
	evtimer_add(&se->ev_tick, &tv);
}

/*
 * Before a config is committed: every edge it names must be one a
 * session can be made with (X25519 with its key not all zero).
 */
static int
se_check(const void *arg, char *why, size_t len)
{
	const struct super_conf	*conf = arg;
	const uint8_t		*priv;
	uint8_t			 ss[crypto_scalarmult_BYTES];
	size_t			 i;
	int			 r;

	priv = conf->privkey_v4.set ? conf->privkey_v4.key :
	    conf->privkey_v6.key;
	for (i = 0; i < conf->npeers; i++) {
		r = crypto_scalarmult(ss, priv, conf->peers[i].pubkey.key);
		sodium_memzero(ss, sizeof(ss));
		if (r != 0) {
			snprintf(why, len, "Peers[%zu].PubKey: no session can "
			    "be made with this key (NodeID %u)", i,
			    conf->peers[i].node_id);
			return -1;
		}
	}
	return 0;
}

static void
se_configure(void *arg)
{
	struct super_conf	*conf = arg;
	size_t			 i;

	if (se->conf == NULL) {
		/* The keys stay for the life of the process. */
		if (!conf->disabled_af.ipv4 && conf->privkey_v4.set &&
		    (se->local[SE_V4] = wg_local_new(conf->privkey_v4.key,
		    NULL, NULL)) == NULL)
			fatal("PrivKeyV4");
		if (!conf->disabled_af.ipv6 && conf->privkey_v6.set &&
		    (se->local[SE_V6] = wg_local_new(conf->privkey_v6.key,
		    NULL, NULL)) == NULL)
			fatal("PrivKeyV6");
	} else
		conf_free_super(se->conf);
	se->conf = conf;
	edges_load(conf);
	for (i = 0; i < se->nedges; i++)
		se_touch(se->edges[i]);
	se_rearm();
}

static void
se_show_peers(struct proc_chan *pc, uint32_t client)
{
	struct ctl_peer		 cp;
	struct wg_time		 now;
	size_t			 i, j;
	uint64_t		 hs;
	int			 af;

	se_now(&now);
	for (i = 0; i < se->nedges; i++) {
		struct sedge *e = se->edges[i];

		memset(&cp, 0, sizeof(cp));
		cp.node_id = e->node_id;
		cp.nexthop = NODEID_INVALID;
		for (j = 0; se->conf != NULL && j < se->conf->npeers; j++) {
			if (se->conf->peers[j].node_id != e->node_id)
				continue;
			strlcpy(cp.name, se->conf->peers[j].name,
			    sizeof(cp.name));
			if (se->conf->peers[j].psk.set)
				cp.flags |= CTLP_HAS_PSK;
		}
		af = e->last_af;
		if (e->eplen[af] == 0)
			af = !af;
		if (e->eplen[af] > 0)
			sockaddr_str((struct sockaddr *)&e->ep[af], cp.endpoint,
			    sizeof(cp.endpoint));
		for (af = 0; af < SE_NAF; af++) {
			if (e->wg[af] == NULL)
				continue;
			hs = wg_peer_last_handshake(e->wg[af]) / 1000000000ULL;
			if ((int64_t)hs > cp.last_handshake)
				cp.last_handshake = hs;
			if (wg_peer_has_session(e->wg[af], now))
				cp.flags |= CTLP_SESSION;
		}
		if (e->online)
			cp.flags |= CTLP_ONLINE;
		cp.rx_bytes = e->rx_bytes;
		cp.tx_bytes = e->tx_bytes;
		cp.rx_packets = e->rx_pkts;
		cp.tx_packets = e->tx_pkts;
		cp.latency_ms = NAN;
		if (proc_compose(pc, IMSG_CTL_PEER, client, 0, -1, &cp,
		    sizeof(cp)) == -1)
			fatal("show peers");
	}
	for (i = 0; i < SED_MAX; i++)
		ctl_counter_compose(pc, client, CTLC_DROP, se_drop_name(i),
		    se->drops[i]);
	ctl_counters_wg(pc, client, "wireguard4", se->local[SE_V4]);
	ctl_counters_wg(pc, client, "wireguard6", se->local[SE_V6]);
	if (proc_compose(pc, IMSG_CTL_END, client, 0, -1, NULL, 0) == -1)
		fatal("show peers");
}

static void
se_endpoint(struct imsg *imsg)
{
	struct peer_endpoint	 pe;
	struct wg_result	 res;
	struct wg_time		 now;
	struct sedge		*e;
	int			 af;

	if (imsg->datalen != sizeof(pe))
		fatalx("IMSG_ENDPOINT: bad length");
	memcpy(&pe, imsg->data, sizeof(pe));
	if (pe.sslen > sizeof(pe.ss) || (e = edge_by_id(pe.node_id)) == NULL)
		return;
	af = pe.ss.ss_family == AF_INET6 ? SE_V6 : SE_V4;
	/* Once heard, an edge is where it is, unless its EndPoint changed. */
	if (e->wg[af] == NULL || (e->eplen[af] > 0 && !pe.force))
		return;
	memcpy(&e->ep[af], &pe.ss, pe.sslen);
	e->eplen[af] = pe.sslen;
	/* EndPoint in the config: the supernode calls the edge first. */
	se_now(&now);
	memset(&res, 0, sizeof(res));
	if (wg_peer_initiate(e->wg[af], now, 0, &res) == 0 && res.msg_len > 0)
		se_sendmsg(af, &e->ep[af], e->eplen[af], res.msg, res.msg_len);
	se_touch(e);
	se_rearm();
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
	se_now(&now);
	if (fetched) {
		/* The edge has it now: no more pushes for it. */
		if ((e = edge_by_id(h.node_id)) != NULL) {
			memcpy(e->held[h.state], h.hash, OVLMSG_HASH_LEN);
			edge_push(e, 0, now);
		}
		return;
	}
	if (h.node_id != NODEID_BROADCAST) {
		if ((e = edge_by_id(h.node_id)) == NULL ||
		    h.state != OVLMSG_SUPERPARAMS)
			return;
		memcpy(e->superparams, h.hash, OVLMSG_HASH_LEN);
		if (e->online)
			edge_push(e, 1, now);
		return;
	}
	if (h.state == OVLMSG_SUPERPARAMS)
		fatalx("IMSG_SUPD_HASH: superparams are per edge");
	memcpy(se->global[h.state], h.hash, OVLMSG_HASH_LEN);
	for (i = 0; i < se->nedges; i++)
		if (se->edges[i]->online)
			edge_push(se->edges[i], 1, now);
	se_rearm();
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
	se_now(&now);
	edge_shutdown(e, OVLMSG_R_DELETED, "deleted from the supernode",
	    now);
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
	se->udp[af] = imsg->fd;
	event_set(&se->ev_udp[af], imsg->fd, EV_READ | EV_PERSIST, se_udp,
	    (void *)(intptr_t)af);
	event_add(&se->ev_udp[af], NULL);
}

static void
se_dispatch_parent(struct proc_chan *pc, struct imsg *imsg)
{
	if (reconf_child_dispatch(&se->reconf, pc, imsg))
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
	case IMSG_FDS_DONE:
		if (!se->narrowed) {
			sandbox_narrow(SB_ENGINE);
			se->narrowed = 1;
		}
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

	se->udp[SE_V4] = se->udp[SE_V6] = -1;
	memset(se->idx, 0xff, sizeof(se->idx));
	se->reconf.self = PROC_ENGINE;
	se->reconf.check = se_check;
	se->reconf.commit = se_configure;
	proc_child_start(PROC_ENGINE, SB_ENGINE_SETUP, se->chans, dispatch);
	evtimer_set(&se->ev_tick, se_tick, NULL);
	evtimer_add(&se->ev_tick, &tv);
	event_dispatch();

	edges_free();
	for (af = 0; af < SE_NAF; af++)
		if (se->local[af] != NULL)
			wg_local_free(se->local[af]);
	if (se->conf != NULL)
		conf_free_super(se->conf);
	exit(0);
}
