/*
 * libFuzzer target for what eg-supd's engine does with a packet an edge
 * sent, once WireGuard has authenticated it (eg-supd/engine_edges.c,
 * edges_rx(): the overlay header, Register, Pong, the ServerUpdates and
 * keepalives they bring about, the edge's liveness).  The supernode's
 * two hosts (IPv4 and IPv6 identities) run on a fake network
 * (fuzz_wgnet.h) with the edges of a small config, three of which are
 * fake hosts with sessions to both; the fourth never made one.  Each
 * input starts the edges' state afresh (the sessions stay) and hands the
 * engine batches of arbitrary plaintexts as from an edge on one family.
 *
 * What must hold:
 * - everything the supernode sends an edge decrypts at the edge to a
 *   well-formed ServerUpdate from the supernode to that edge;
 * - every message to route and control is one the engine may send
 *   them (supd_imsg.c), of its size, and a sample is what route takes
 *   without stopping: of a link into the edge that reported it, with
 *   an age;
 * - nothing stops the engine (fatal() exits: libFuzzer reports it).
 *
 * Input: byte 0, seconds on the clock; byte 1, the states' hashes (0:
 * none yet).  Then records: an op byte (bits 0-1 the edge, bit 2 the
 * family, bit 3 the batch ends before it, bit 4 the per-second tick
 * runs first, bits 5-6 the clock moves 0, 1, 10 or 100 s first), a
 * 2-byte length and the plaintext.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <event.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <sodium.h>

#include "eg-supd/engine.h"
#include "overlay/overlay.h"
#include "proc/imsgacl.h"
#include "proc/proc_imsg.h"
#include "util/log.h"
#include "fuzz_wgnet.h"

#define NEDGES		4		/* the last without a host */
#define T0		(1000 * 1000000000ULL)
#define WALL0		(1700000000ULL * 1000000000ULL)
#define SEC		1000000000ULL
#define MAXPLAIN	(SE_BUFSIZE - WG_TRANSPORT_MIN)

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint16_t	 ids[NEDGES] = { 1, 2, 7, 300 };

static struct {
	struct fnet		 net;
	struct fnet_node	*sn[SE_NAF];
	struct fnet_node	*edge[NEDGES - 1];
	struct super_conf	 conf;
	struct conf_super_peer	 peers[NEDGES];
	struct proc_chan	 chans[PROC_MAX];
	uint8_t			*bufs[SE_NAF][WGH_BATCH];
	struct wgh_rx		 rx[SE_NAF][WGH_BATCH];
	size_t			 nrx[SE_NAF];
} f;

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

/* A fake edge gets the supernode's plaintext: a ServerUpdate to it. */
static void
edge_rx(void *arg, struct wgh_rx *rx, size_t n, struct wg_time now)
{
	struct fnet_node	*node = arg;
	struct ovlmsg_update	 u;
	struct ovl_hdr		 h;
	uint16_t		 id = ids[(int)(intptr_t)node->arg];
	size_t			 i;

	for (i = 0; i < n; i++)
		if (ovl_parse(rx[i].data, rx[i].len, &h) != OVL_OK ||
		    h.usage != OVL_SERVER_UPDATE ||
		    h.src != NODEID_SUPERNODE || h.dst != id ||
		    ovlmsg_update_decode(rx[i].data + OVL_HDR_LEN, h.len,
		    &u) == -1)
			abort();
}

static int
sn_output(void *arg, int af, struct mmsghdr *msgs, int n)
{
	return fnet_queue(f.sn[(int)(intptr_t)arg], af, msgs, n);
}

static void
sn_clock(void *arg, struct wg_time *t)
{
	*t = f.net.now;
}

/* The engine's host of family af, as se_host() makes it. */
static void
sn_host(int af)
{
	struct wgh_ops	 ops;
	uint8_t		 priv[WG_KEY_LEN];
	struct wghost	*h;

	memset(&ops, 0, sizeof(ops));
	ops.rx = edges_rx;
	ops.roamed = edges_roamed;
	ops.output = sn_output;
	ops.clock = sn_clock;
	key_of(priv, af == SE_V4 ? "supernode v4" : "supernode v6");
	if ((h = wgh_new(priv, SE_BUFSIZE, 0, &ops, (void *)(intptr_t)af,
	    "edge")) == NULL)
		abort();
	wgh_count_drops_at(h, WGH_DROP_STAGED_FULL,
	    &edg.drops[SED_NO_SESSION]);
	wgh_count_drops_at(h, WGH_DROP_GAVE_UP, &edg.drops[SED_NO_SESSION]);
	wgh_count_drops_at(h, WGH_DROP_SEND, &edg.drops[SED_SEND]);
	wgh_count_drops_at(h, WGH_DROP_NO_ENDPOINT, &edg.drops[SED_SEND]);
	wgh_count_drops_at(h, WGH_DROP_OVER_MTU, &edg.drops[SED_OVER_MTU]);
	edg.host[af] = h;
	f.sn[af] = fnet_slot(&f.net);
	f.sn[af]->h = h;
	fnet_addr(f.sn[af], af, 1);
}

/* What the engine queued for route and control, checked and dropped. */
static void
check_chans(void)
{
	struct supd_sample	 s;
	struct imsg_out		*o;
	struct imsg_hdr		 hdr;
	const char		*name;
	size_t			 want;
	int			 p;

	for (p = 0; p < PROC_MAX; p++) {
		if (p == PROC_ENGINE)
			continue;
		TAILQ_FOREACH(o, &f.chans[p].ibuf.outq, entry) {
			memcpy(&hdr, o->buf, sizeof(hdr));
			if (imsgacl_check(&supd_imsgacl, hdr.type,
			    PROC_ENGINE, p, &name) != IMSGACL_OK ||
			    o->fd != -1)
				abort();
			switch (hdr.type) {
			case IMSG_SUPD_EDGE:
				want = sizeof(struct supd_edge);
				break;
			case IMSG_SUPD_ONLINE:
				want = sizeof(struct supd_online);
				break;
			case IMSG_SUPD_SAMPLE:
				want = sizeof(s);
				memcpy(&s, o->buf + sizeof(hdr), sizeof(s));
				if (hdr.len == sizeof(hdr) + want &&
				    (s.reporter != s.dst ||
				    !isfinite(s.age_s) || s.age_s < 0))
					abort();
				break;
			default:
				abort();
			}
			if (hdr.len != sizeof(hdr) + want)
				abort();
		}
		imsgbuf_clear(&f.chans[p].ibuf);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct wgh_spec	 spec;
	uint8_t		 priv[WG_KEY_LEN], pub[SE_NAF][WG_KEY_LEN];
	char		 label[32];
	int		 sp[2], i, af, p;

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
	edg.chans = f.chans;
	for (af = 0; af < SE_NAF; af++) {
		sn_host(af);
		wg_local_pubkey(edg.host[af]->h_wg, pub[af]);
		for (i = 0; i < WGH_BATCH; i++)
			if ((f.bufs[af][i] = malloc(SE_BUFSIZE)) == NULL)
				abort();
	}
	f.conf.repush_config_interval = 30;
	f.conf.peer_alive_timeout = 70;
	f.conf.peers = f.peers;
	f.conf.npeers = NEDGES;
	for (i = 0; i < NEDGES; i++) {
		snprintf(label, sizeof(label), "edge %d", i);
		key_of(priv, label);
		f.peers[i].node_id = ids[i];
		f.peers[i].name = "edge";
		f.peers[i].pubkey.set = 1;
		if (i == NEDGES - 1) {
			/* An edge no host speaks for: never a session. */
			key_of(f.peers[i].pubkey.key, "nobody");
			continue;
		}
		f.edge[i] = fnet_node(&f.net, priv, edge_rx,
		    (void *)(intptr_t)i);
		wg_local_pubkey(f.edge[i]->h->h_wg, f.peers[i].pubkey.key);
		fnet_addr(f.edge[i], WGH_V4, 10 + i);
		fnet_addr(f.edge[i], WGH_V6, 10 + i);
	}
	edg.conf = &f.conf;
	edges_load(&f.conf);
	/* Each edge calls both identities of the supernode, once. */
	for (i = 0; i < NEDGES - 1; i++)
		for (af = 0; af < SE_NAF; af++) {
			struct wgh_peer *pe;

			memset(&spec, 0, sizeof(spec));
			spec.node_id = NODEID_SUPERNODE;
			spec.pubkey = pub[af];
			if ((pe = wgh_peer_add(f.edge[i]->h, &spec)) == NULL)
				abort();
			wgh_peer_set_endpoint(pe,
			    (struct sockaddr *)&f.sn[af]->addr[af],
			    f.sn[af]->addrlen[af]);
			wgh_initiate(pe, f.net.now, 1);
			wgh_flush(f.edge[i]->h);
			fnet_pump(&f.net);
			edges_flush();
			fnet_pump(&f.net);
		}
	for (i = 0; i < NEDGES - 1; i++) {
		if (f.edge[i]->sessions != SE_NAF)
			abort();
		/* From now on only what the supernode sends travels. */
		f.edge[i]->mute = 1;
	}
	check_chans();
	return 0;
}

static void
batch_end(int af)
{
	if (f.nrx[af] > 0)
		edges_rx((void *)(intptr_t)af, f.rx[af], f.nrx[af],
		    f.net.now);
	f.nrx[af] = 0;
}

/* The end of the engine's event: what it queued goes out. */
static void
settle(void)
{
	int	af;

	for (af = 0; af < SE_NAF; af++)
		batch_end(af);
	edges_flush();
	fnet_pump(&f.net);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t	 steps[4] = { 0, SEC, 10 * SEC, 100 * SEC };
	struct wgh_rx		*rx;
	size_t			 i = 2, len, k;
	int			 af, e, s;
	uint8_t			 op;

	if (size < 2)
		return 0;
	/* The edges' state afresh: the hosts' peers forget theirs. */
	edges_free();
	for (af = 0; af < SE_NAF; af++)
		for (k = 0; k < edg.host[af]->h_nset; k++)
			edg.host[af]->h_set[k]->p_arg = NULL;
	memset(edg.drops, 0, sizeof(edg.drops));
	for (s = 0; s < OVLMSG_NSTATES; s++)
		memset(edg.global[s], data[1], OVLMSG_HASH_LEN);
	memset(edg.global[OVLMSG_SUPERPARAMS], 0, OVLMSG_HASH_LEN);
	edges_load(&f.conf);
	for (k = 0; k < edg.nedges; k++)
		memset(edg.edges[k]->superparams, data[1], OVLMSG_HASH_LEN);
	f.net.lost = 0;
	f.net.now.mono = T0 + data[0] * SEC;
	f.net.now.wall = WALL0 + data[0] * SEC;

	while (size - i >= 3) {
		op = data[i];
		len = (data[i + 1] | data[i + 2] << 8) % (MAXPLAIN + 1);
		i += 3;
		if (len > size - i)
			len = size - i;
		e = op & 3;
		af = (op >> 2) & 1;
		if (op & 8)
			settle();
		if (op & 0x10) {
			settle();
			edges_tick(f.net.now);
			settle();
		}
		if ((op >> 5) & 3) {
			settle();
			f.net.now.mono += steps[(op >> 5) & 3];
			f.net.now.wall += steps[(op >> 5) & 3];
		}
		if (f.nrx[af] == WGH_BATCH)
			settle();
		rx = &f.rx[af][f.nrx[af]];
		rx->buf = f.bufs[af][f.nrx[af]];
		rx->data = rx->buf + WG_TRANSPORT_HEADER;
		rx->len = len;
		if ((rx->peer = wgh_peer_by_id(edg.host[af], ids[e])) == NULL)
			abort();
		memcpy(rx->data, data + i, len);
		i += len;
		f.nrx[af]++;
	}
	settle();
	check_chans();
	if (f.net.lost > 0)
		abort();	/* the harness's queue is too short */
	return 0;
}
