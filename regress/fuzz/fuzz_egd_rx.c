/*
 * libFuzzer target for what egd's engine does with a packet a peer sent,
 * once WireGuard has authenticated it: datapath_rx() and what it calls
 * (egd/engine_datapath.c: the overlay header, frames delivered, relayed
 * and broadcast along the trees; control messages to super mode,
 * P2P mode or the fallback between them, egd/engine_super.c,
 * engine_p2p.c, engine_fallback.c, and what they send).
 *
 * The engine's host runs on a fake network (fuzz_wgnet.h) with three
 * fake edges, NodeIDs 2, 3 and 4, whose sessions are made once at
 * start, and the supernode's two identities; NodeID 5 is behind 2.  An
 * input picks the mode, static, super, super fallen back to P2P, or
 * P2P, which is set up afresh as the engine sets it up from a config
 * and from what control and route pass on (the peers and the next-hop
 * table), and the interface (none, a TAP, a TAP with offloads writing
 * to /dev/null); then batches of arbitrary plaintexts from the peers.
 *
 * What must hold:
 * - everything the engine sends a peer decrypts there to a well-formed
 *   overlay message it may send: a frame it relays (TTL left, not its
 *   own), a Ping from it, a flood that decodes; to the supernode only a
 *   Register or a Pong of its own;
 * - every message to the other processes is one the ACL allows the
 *   engine, of its size, and one its receiver takes without stopping
 *   (route's checks of a P2P Pong, the parent's of a learned peer,
 *   control's of a FETCH);
 * - nothing stops the engine (fatal() exits: libFuzzer reports it).
 *
 * Built with -DTRACE, it prints what the peers and the other processes
 * get.
 *
 * Input: byte 0: bits 0-1 the mode, bits 2-3 the interface; byte 1:
 * seconds on the clock.  Then records: an op byte (bits 0-1 the peer:
 * 2, 3, 4, or the supernode in super mode; bit 2 the batch ends before
 * it; bit 3 the clock moves a second first), a 2-byte length and the
 * plaintext.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <event.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <sodium.h>

#include "egd/egd.h"
#include "egd/engine.h"
#include "overlay/ovlmsg.h"
#include "wg/wg_guard.h"
#include "proc/imsgacl.h"
#include "util/log.h"
#include "fuzz_wgnet.h"

#define ME		1
#define NPEERS		3		/* fake edges 2, 3, 4 */
#define FAR		5		/* behind 2, no host */
#define MTU		1420
#define T0		(1000 * 1000000000ULL)
#define WALL0		(1700000000ULL * 1000000000ULL)
#define SEC		1000000000ULL

enum mode { M_STATIC, M_SUPER, M_FALLBACK, M_P2P };

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct {
	struct fnet		 net;
	struct fnet_node	*me;
	struct fnet_node	*peer[NPEERS];
	struct fnet_node	*sn[WGH_NAF];
	struct wghost		*host;
	struct edge_conf	*conf[4];	/* by mode */
	uint8_t			 pub[NPEERS][WG_KEY_LEN];
	uint8_t			 snpub[WGH_NAF][WG_KEY_LEN];
	struct proc_chan	 chans[PROC_MAX];
	uint8_t			*bufs[WGH_BATCH];
	struct wgh_rx		 rx[WGH_BATCH];
	size_t			 nrx;
	int			 mode;		/* -1: none yet */
} f = { .mode = -1 };

/* The next-hop table every mode ends up with: 1..4 a mesh, 5 behind 2. */
static const struct conf_nexthop nh[] = {
	{ 1, 2, 2 }, { 1, 3, 3 }, { 1, 4, 4 }, { 1, 5, 2 },
	{ 2, 1, 1 }, { 2, 3, 3 }, { 2, 4, 4 }, { 2, 5, 5 },
	{ 3, 1, 1 }, { 3, 2, 2 }, { 3, 4, 4 }, { 3, 5, 2 },
	{ 4, 1, 1 }, { 4, 2, 2 }, { 4, 3, 3 }, { 4, 5, 2 },
	{ 5, 1, 2 }, { 5, 2, 2 }, { 5, 3, 2 }, { 5, 4, 2 },
};

static void
quiet(int pri, const char *line)
{
}

static void
key_of(uint8_t key[WG_KEY_LEN], const char *label)
{
	crypto_generichash(key, WG_KEY_LEN, (const uint8_t *)label,
	    strlen(label), NULL, 0);
}

/* What a fake edge gets from the engine: something the engine may say. */
static void
peer_rx(void *arg, struct wgh_rx *rx, size_t n, struct wg_time now)
{
	struct fnet_node	*node = arg;
	uint16_t		 id = (uint16_t)(intptr_t)node->arg;
	struct ovlmsg_ping	 ping;
	struct ovlmsg_pong	 pong;
	struct ovlmsg_querypeer	 qp;
	struct ovlmsg_bcastpeer	 bp;
	struct ovl_hdr		 h;
	const uint8_t		*pl;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (ovl_parse(rx[i].data, rx[i].len, &h) != OVL_OK)
			abort();
		pl = rx[i].data + OVL_HDR_LEN;
#ifdef TRACE
		fprintf(stderr, "edge %u gets usage %u %u -> %u ttl %u, %u "
		    "bytes\n", id, h.usage, h.src, h.dst, h.ttl, h.len);
#endif
		switch (h.usage) {
		case OVL_FRAME:
			/* Relayed: TTL left, never one of ours. */
			if (h.ttl < 1 || h.src == ME)
				abort();
			break;
		case OVL_PING:
			if (h.src != ME || h.dst != id ||
			    ovlmsg_ping_decode(pl, h.len, &ping) == -1 ||
			    ping.src != ME)
				abort();
			break;
		case OVL_PONG:
			if (h.dst != NODEID_SPREAD || h.ttl < 1 ||
			    ovlmsg_pong_decode(pl, h.len, &pong) == -1 ||
			    pong.dst != h.src)
				abort();
			break;
		case OVL_QUERY_PEER:
			if (h.dst != NODEID_SPREAD || h.ttl < 1 ||
			    ovlmsg_querypeer_decode(pl, h.len, &qp) == -1 ||
			    qp.requester != h.src)
				abort();
			break;
		case OVL_BROADCAST_PEER:
			if (h.dst != NODEID_SPREAD || h.ttl < 1 ||
			    ovlmsg_bcastpeer_decode(pl, h.len, &bp) == -1)
				abort();
			break;
		default:
			abort();	/* Register, ServerUpdate: not to edges */
		}
	}
}

/* What the supernode gets: a Register or a Pong, from this edge. */
static void
sn_rx(void *arg, struct wgh_rx *rx, size_t n, struct wg_time now)
{
	struct ovlmsg_register	 reg;
	struct ovlmsg_pong	 pong;
	struct ovl_hdr		 h;
	const uint8_t		*pl;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (ovl_parse(rx[i].data, rx[i].len, &h) != OVL_OK ||
		    h.src != ME || h.dst != NODEID_SUPERNODE)
			abort();
		pl = rx[i].data + OVL_HDR_LEN;
#ifdef TRACE
		fprintf(stderr, "supernode gets usage %u\n", h.usage);
#endif
		if (h.usage == OVL_REGISTER) {
			if (ovlmsg_register_decode(pl, h.len, &reg) == -1 ||
			    reg.node_id != ME)
				abort();
		} else if (h.usage != OVL_PONG ||
		    ovlmsg_pong_decode(pl, h.len, &pong) == -1 ||
		    pong.dst != ME)
			abort();
	}
}

static void
eng_session_up(void *arg, struct wgh_peer *p, struct wg_time now)
{
	/* As engine.c wires it. */
	super_session_up(p, now);
	p2p_session_up(p, now);
}

static int
eng_output(void *arg, int af, struct mmsghdr *msgs, int n)
{
	return fnet_queue(f.me, af, msgs, n);
}

static void
eng_clock(void *arg, struct wg_time *t)
{
	*t = f.net.now;
}

/* What the engine queued for the other processes, checked and dropped. */
static void
check_chans(void)
{
	struct ovlmsg_pong	 pong;
	struct edgeapi_peer	 ep;
	struct egd_fetch	 fe;
	struct imsg_out		*o;
	struct imsg_hdr		 hdr;
	const uint8_t		*d;
	const char		*name;
	size_t			 len;
	int			 p;

	for (p = 0; p < PROC_MAX; p++) {
		if (p == PROC_ENGINE)
			continue;
		TAILQ_FOREACH(o, &f.chans[p].ibuf.outq, entry) {
			memcpy(&hdr, o->buf, sizeof(hdr));
			d = o->buf + sizeof(hdr);
			len = hdr.len - sizeof(hdr);
			if (imsgacl_check(&egd_imsgacl, hdr.type, PROC_ENGINE,
			    p, &name) != IMSGACL_OK || o->fd != -1)
				abort();
#ifdef TRACE
			fprintf(stderr, "to %s: %s, %zu bytes\n", proc_names[p],
			    name, len);
#endif
			switch (hdr.type) {
			case IMSG_EGD_FETCH:
				memcpy(&fe, d, sizeof(fe));
				if (len != sizeof(fe) ||
				    fe.state >= OVLMSG_NSTATES)
					abort();
				break;
			case IMSG_EGD_PONGS:
				if (len == 0 || len % sizeof(pong) != 0)
					abort();
				break;
			case IMSG_EGD_SHUTDOWN:
				if (len > OVLMSG_REASON_MAX)
					abort();
				break;
			case IMSG_EGD_P2P_PONG:
				/* route_p2p.c stops egd on anything else. */
				memcpy(&pong, d, sizeof(pong));
				if (len != sizeof(pong) ||
				    pong.src > NODEID_MAX_VALID ||
				    pong.dst > NODEID_MAX_VALID ||
				    pong.src == pong.dst ||
				    !isfinite(pong.latency_ms) ||
				    !(pong.lifetime_s > 0) ||
				    !isfinite(pong.additional_cost))
					abort();
				break;
			case IMSG_EGD_P2P_LEARNED:
				/* And parent_p2p.c on this. */
				memcpy(&ep, d, sizeof(ep));
				if (len != sizeof(ep) ||
				    ep.node_id > NODEID_MAX_VALID ||
				    ep.nendpoints > 1 || ep.has_psk)
					abort();
				break;
			case IMSG_EGD_FALLBACK:
				if (len != 1)
					abort();
				break;
			default:
				abort();
			}
		}
		imsgbuf_clear(&f.chans[p].ibuf);
	}
}

/* An edge config for a mode, with the fake edges as its peers. */
static struct edge_conf *
conf_of(int mode)
{
	struct edge_conf	*c;
	char			*y, b64[45];
	uint8_t			 key[WG_KEY_LEN];
	size_t			 len, cap = 8192, i;
	int			 n;

	if ((y = malloc(cap)) == NULL)
		abort();
	key_of(key, "edge 1");
	conf_key_to_base64(key, b64);
	len = snprintf(y, cap, "Interface:\n  IType: dummy\n  MTU: %d\n"
	    "NodeID: %d\nPrivKey: %s\nDefaultTTL: 8\n", MTU, ME, b64);
	len += snprintf(y + len, cap - len, "DynamicRoute:\n"
	    "  SaveNewPeers: true\n  SuperNode:\n    UseSuperNode: %s\n",
	    mode == M_SUPER || mode == M_FALLBACK ? "true" : "false");
	conf_key_to_base64(f.snpub[WGH_V4], b64);
	len += snprintf(y + len, cap - len, "    PubKeyV4: %s\n", b64);
	conf_key_to_base64(f.snpub[WGH_V6], b64);
	len += snprintf(y + len, cap - len, "    PubKeyV6: %s\n", b64);
	len += snprintf(y + len, cap - len,
	    "    EndpointV4: 10.99.0.100:3000\n"
	    "    EndpointEdgeAPIUrl: http://10.99.0.100:3456/api\n"
	    "  P2P:\n    UseP2P: %s\n",
	    mode == M_STATIC ? "false" : "true");
	if (mode == M_STATIC) {
		len += snprintf(y + len, cap - len, "NextHopTable:\n");
		for (i = 0; i < sizeof(nh) / sizeof(nh[0]); i++) {
			if (i == 0 || nh[i].src != nh[i - 1].src)
				len += snprintf(y + len, cap - len, "  %u:\n",
				    nh[i].src);
			len += snprintf(y + len, cap - len, "    %u: %u\n",
			    nh[i].dst, nh[i].nexthop);
		}
	}
	if (mode == M_STATIC || mode == M_P2P) {
		len += snprintf(y + len, cap - len, "Peers:\n");
		for (n = 0; n < NPEERS; n++) {
			conf_key_to_base64(f.pub[n], b64);
			len += snprintf(y + len, cap - len, "- NodeID: %d\n"
			    "  PubKey: %s\n  EndPoint: 10.99.0.%d:3000\n",
			    n + 2, b64, n + 2);
		}
	}
	if (len >= cap)
		abort();
	if ((c = conf_parse_edge("fuzz", y, len, NULL, 0)) == NULL)
		abort();
	free(y);
	return c;
}

static void
to_engine(void (*fn)(struct proc_chan *, struct imsg *), enum eg_proc from,
    uint32_t type, const void *data, size_t len)
{
	struct imsg	imsg;

	memset(&imsg, 0, sizeof(imsg));
	imsg.hdr.type = type;
	imsg.hdr.len = IMSG_HEADER_SIZE + len;
	imsg.fd = -1;
	imsg.data = (void *)(uintptr_t)data;
	imsg.datalen = len;
	fn(&f.chans[from], &imsg);
}

/* Super mode's peers, table and parameters, as control brings them. */
static void
super_tables(void)
{
	struct edgeapi_superparams	 sp;
	struct edgeapi_peer		 ep;
	uint8_t				 hash[OVLMSG_HASH_LEN];
	int				 n;

	for (n = 0; n < NPEERS; n++) {
		memset(&ep, 0, sizeof(ep));
		ep.node_id = n + 2;
		strlcpy(ep.name, "edge", sizeof(ep.name));
		memcpy(ep.pubkey, f.pub[n], sizeof(ep.pubkey));
		ep.nendpoints = 1;
		memcpy(&ep.endpoints[0], &f.peer[n]->addr[WGH_V4],
		    f.peer[n]->addrlen[WGH_V4]);
		to_engine(super_dispatch_control, PROC_CONTROL, IMSG_EGD_PEER,
		    &ep, sizeof(ep));
	}
	memset(hash, 1, sizeof(hash));
	to_engine(super_dispatch_control, PROC_CONTROL, IMSG_EGD_PEERS_DONE,
	    hash, sizeof(hash));
	to_engine(super_dispatch_control, PROC_CONTROL, IMSG_EGD_NH, nh,
	    sizeof(nh));
	memset(hash, 2, sizeof(hash));
	to_engine(super_dispatch_control, PROC_CONTROL, IMSG_EGD_NH_DONE,
	    hash, sizeof(hash));
	memset(&sp, 0, sizeof(sp));
	sp.send_ping_interval = 16;
	sp.http_post_interval = 50;
	sp.peer_alive_timeout = 70;
	sp.additional_cost = -1;
	sp.damping_resistance = 0.9;
	memset(sp.hash, 3, sizeof(sp.hash));
	to_engine(super_dispatch_control, PROC_CONTROL, IMSG_EGD_SUPERPARAMS,
	    &sp, sizeof(sp));
}

/* The engine calls the supernode's IPv4 identity, as at its start. */
static void
super_handshake(void)
{
	struct wgh_peer	*p = super_peer(WGH_V4);
	struct wgh_spec	 spec;
	uint8_t		 mypub[WG_KEY_LEN];

	if (p == NULL)
		abort();
	/*
	 * The clock starts over with every input, and WireGuard refuses an
	 * initiation no newer than the last: the supernode forgets us.
	 */
	wg_local_pubkey(f.host->h_wg, mypub);
	memset(&spec, 0, sizeof(spec));
	spec.node_id = ME;
	spec.pubkey = mypub;
	wgh_peers_replace(f.sn[WGH_V4]->h, NULL, 0);
	wgh_peers_replace(f.sn[WGH_V4]->h, &spec, 1);
	/* Nor may a handshake an input count toward being under load. */
	wg_guard_init(wg_local_guard(f.sn[WGH_V4]->h->h_wg));
	wg_guard_init(wg_local_guard(f.host->h_wg));
	wg_local_set_under_load(f.sn[WGH_V4]->h->h_wg, 0);
	wg_local_set_under_load(f.host->h_wg, 0);
	wgh_peer_set_endpoint(p, (struct sockaddr *)&f.sn[WGH_V4]->addr[WGH_V4],
	    f.sn[WGH_V4]->addrlen[WGH_V4]);
	f.sn[WGH_V4]->mute = 0;
	wgh_initiate(p, f.net.now, 1);
	wgh_flush(f.host);
	fnet_pump(&f.net);
	f.sn[WGH_V4]->mute = 1;
	if (!wgh_peer_has_session(p, f.net.now))
		abort();
}

/* The interface: none, a TAP, a TAP with offloads; writes go nowhere. */
static void
iface(int kind)
{
	struct ifio_info	 info;
	struct ifio		*io = iface_io();

	ifio_free(io);
	memset(&info, 0, sizeof(info));
	info.kind = kind == 1 || kind == 2 ? IFIO_TAP : IFIO_NONE;
	info.vnet = kind == 2;
	info.mtu = MTU;
	ifio_init(io, &info);
	if (info.kind == IFIO_TAP &&
	    (io->rxfd = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		abort();
}

static void
teardown(void)
{
	switch (f.mode) {
	case M_SUPER:
	case M_FALLBACK:
		fallback_end();
		super_stop();
		break;
	case M_P2P:
		p2p_stop();
		break;
	}
	if (f.mode != -1) {
		datapath_set_control(NULL);
		datapath_free();
	}
	f.mode = -1;
}

/* A mode set up afresh, as the engine does from the config and the rest. */
static void
setup(int mode, int ifkind)
{
	struct edge_conf	*c = f.conf[mode];
	struct wgh_spec		 specs[NPEERS];
	size_t			 i;

	iface(ifkind);
	datapath_init(f.host, c);
	datapath_configure(c);
	memset(eng_drops, 0, sizeof(eng_drops));
	switch (mode) {
	case M_STATIC:
		/* engine_static_peers() */
		memset(specs, 0, sizeof(specs));
		for (i = 0; i < c->npeers && i < NPEERS; i++) {
			specs[i].node_id = c->peers[i].node_id;
			specs[i].pubkey = c->peers[i].pubkey.key;
			specs[i].keepalive = c->peers[i].persistent_keepalive;
		}
		wgh_peers_replace(f.host, specs, i);
		datapath_routes(&c->nhtable);
		break;
	case M_SUPER:
	case M_FALLBACK:
		super_start(NULL, c, f.host, f.chans);
		datapath_set_control(super_control);
		super_tables();
		super_handshake();
		if (mode == M_FALLBACK)
			fallback_enter(c, f.host, f.chans, 60);
		break;
	case M_P2P:
		p2p_start(NULL, c, f.host, f.chans);
		datapath_set_control(p2p_control);
		datapath_routes(p2p_nhtable());
		to_engine(p2p_dispatch_route, PROC_ROUTE, IMSG_EGD_P2P_NH, nh,
		    sizeof(nh));
		to_engine(p2p_dispatch_route, PROC_ROUTE, IMSG_EGD_P2P_NH_DONE,
		    NULL, 0);
		break;
	}
	if (f.host->h_nset != NPEERS)
		abort();
	wgh_flush(f.host);
	fnet_pump(&f.net);
	f.mode = mode;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const struct wgh_ops ops = {
		.rx = datapath_rx,
		.session_up = eng_session_up,
		.output = eng_output,
		.clock = eng_clock,
	};
	struct wgh_spec	 spec, specs[NPEERS];
	uint8_t		 priv[WG_KEY_LEN], mypub[WG_KEY_LEN];
	char		 label[32];
	int		 sp[2], n, af, p;

	log_init(0, LOG_USER);
	log_setsink(quiet);
	event_init();
	if (sodium_init() == -1)
		abort();
	fnet_init(&f.net, T0, WALL0);
	for (p = 0; p < PROC_MAX; p++) {
		if (p == PROC_ENGINE)
			continue;
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1)
			abort();
		proc_chan_init(&f.chans[p], sp[0], p, proc_unexpected, NULL);
	}
	for (n = 0; n < NPEERS; n++) {
		snprintf(label, sizeof(label), "edge %d", n + 2);
		key_of(priv, label);
		f.peer[n] = fnet_node(&f.net, priv, peer_rx,
		    (void *)(intptr_t)(n + 2));
		wg_local_pubkey(f.peer[n]->h->h_wg, f.pub[n]);
		fnet_addr(f.peer[n], WGH_V4, n + 2);
	}
	for (af = 0; af < WGH_NAF; af++) {
		key_of(priv, af == WGH_V4 ? "supernode v4" : "supernode v6");
		f.sn[af] = fnet_node(&f.net, priv, sn_rx, NULL);
		wg_local_pubkey(f.sn[af]->h->h_wg, f.snpub[af]);
		fnet_addr(f.sn[af], af, 100);
		f.sn[af]->mute = 1;
	}
	for (n = 0; n < 4; n++)
		f.conf[n] = conf_of(n);

	/* The engine's host, as engine_start() makes it. */
	f.me = fnet_slot(&f.net);
	fnet_addr(f.me, WGH_V4, 1);
	fnet_addr(f.me, WGH_V6, 1);
	if ((f.host = wgh_new(f.conf[0]->privkey.key,
	    datapath_bufsize((size_t)MTU + 14), ENG_STAGED_MAX, &ops, NULL,
	    "peer")) == NULL)
		abort();
	f.me->h = f.host;
	eng_drops_host(f.host);
	iface_init(&f.chans[PROC_PARENT], datapath_iface);
	for (n = 0; n < WGH_BATCH; n++) {
		void	*b;

		if (posix_memalign(&b, 64, f.host->h_bufsize) != 0)
			abort();
		f.bufs[n] = b;
	}

	/* Every fake node knows the engine; the edges call it once. */
	wg_local_pubkey(f.host->h_wg, mypub);
	memset(&spec, 0, sizeof(spec));
	spec.node_id = ME;
	spec.pubkey = mypub;
	for (af = 0; af < WGH_NAF; af++)
		wgh_peers_replace(f.sn[af]->h, &spec, 1);
	memset(specs, 0, sizeof(specs));
	for (n = 0; n < NPEERS; n++) {
		specs[n].node_id = n + 2;
		specs[n].pubkey = f.pub[n];
	}
	wgh_peers_replace(f.host, specs, NPEERS);
	for (n = 0; n < NPEERS; n++) {
		struct wgh_peer *pe;

		wgh_peers_replace(f.peer[n]->h, &spec, 1);
		pe = wgh_peer_by_id(f.peer[n]->h, ME);
		wgh_peer_set_endpoint(pe, (struct sockaddr *)&f.me->addr[WGH_V4],
		    f.me->addrlen[WGH_V4]);
		wgh_initiate(pe, f.net.now, 1);
		wgh_flush(f.peer[n]->h);
		fnet_pump(&f.net);
		if (f.peer[n]->sessions != 1 || !wgh_peer_has_session(
		    wgh_peer_by_id(f.host, n + 2), f.net.now))
			abort();
		/* From now on only what the engine sends travels. */
		f.peer[n]->mute = 1;
	}
	check_chans();
	return 0;
}

static void
batch_end(void)
{
	if (f.nrx > 0)
		datapath_rx(NULL, f.rx, f.nrx, f.net.now);
	f.nrx = 0;
	/* The host's receive event ends with a flush. */
	wgh_flush(f.host);
	fnet_pump(&f.net);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wgh_rx	*rx;
	struct wgh_peer	*from;
	size_t		 i = 2, len, max;
	int		 who;
	uint8_t		 op;

	if (size < 2)
		return 0;
	teardown();
	/* Within a session's lifetime (180 s) for the whole input. */
	f.net.now.mono = T0 + (data[1] % 64) * SEC;
	f.net.now.wall = WALL0 + (data[1] % 64) * SEC;
	f.net.lost = 0;
	setup(data[0] & 3, (data[0] >> 2) & 3);
	max = f.host->h_bufsize - WG_TRANSPORT_MIN;
	while (size - i >= 3) {
		op = data[i];
		len = (data[i + 1] | data[i + 2] << 8) % (max + 1);
		i += 3;
		if (len > size - i)
			len = size - i;
		if ((op & 4) || f.nrx == WGH_BATCH)
			batch_end();
		if ((op & 8) && f.net.now.mono < T0 + 150 * SEC) {
			batch_end();
			f.net.now.mono += SEC;
			f.net.now.wall += SEC;
		}
		who = op & 3;
		if (who == 3 && (f.mode == M_SUPER || f.mode == M_FALLBACK))
			from = super_peer(WGH_V4);
		else
			from = wgh_peer_by_id(f.host, (who % NPEERS) + 2);
		if (from == NULL)
			abort();
		rx = &f.rx[f.nrx++];
		rx->peer = from;
		rx->buf = f.bufs[f.nrx - 1];
		rx->data = rx->buf + WG_TRANSPORT_HEADER;
		rx->len = len;
		memcpy(rx->data, data + i, len);
		i += len;
	}
	batch_end();
	check_chans();
	if (f.net.lost > 0)
		abort();	/* the harness's queue is too short */
	return 0;
}
