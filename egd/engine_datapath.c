/*
 * The data path: frames from the interface into the overlay, datagrams
 * from the overlay to the interface or on to the next hop.  It owns the
 * L2 FIB, the forwarding table and the interface's read buffers; the
 * host (wghost/) owns the sessions and the UDP sockets.
 *
 * Costs are per batch, not per packet: the host hands over a batch of
 * decrypted datagrams at a time, a relayed frame is re-encrypted where
 * it was decrypted, frames read from the interface are encrypted in the
 * buffer they were read into, and nothing is allocated or sent to
 * another process.
 *
 * A frame is checked against the neighbour it came from before it is
 * delivered or relayed (engine_rpf.h): its source must be that
 * neighbour, or one the neighbour relays to us on the table in force,
 * or on the table before it for ENG_RPF_GRACE_S after a change (tables
 * change at different moments on different nodes).  Its TTL is lowered
 * to our DefaultTTL, so that no hop can give a frame more hops than a
 * source may; broadcasts are rationed per source (engine_storm.h).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "egd.h"
#include "engine.h"
#include "engine_fwdtable.h"
#include "engine_gro.h"
#include "engine_l2fib.h"
#include "engine_storm.h"
#include "util/log.h"

static struct {
	struct wghost		*host;
	struct ifio		*io;
	uint16_t		 me;
	int			 ttl;
	datapath_control_fn	 control;
	struct fwd_table	*fwd;
	struct fwd_table	*prev;		/* the table before fwd */
	uint64_t		 prev_until;	/* ns: prev's upstreams end */
	struct l2fib		 fib;
	struct storm		 storm;
	uint8_t			*ifbufs[WGH_BATCH];
	struct gro		 gro;		/* TCP segments for the TAP */
} dp;

static uint8_t *
buf_alloc(size_t size)
{
	void	*p;

	/* Aligned, so that the AEAD works on aligned words. */
	if (posix_memalign(&p, 64, size) != 0)
		fatal("packet buffers");
	return p;
}

size_t
datapath_bufsize(size_t maxframe)
{
	/*
	 * Header room, the frame and one byte (to see a longer one: see
	 * ifio_read()), padding to 16 and the tag.
	 */
	return (ENG_HEADROOM + maxframe + 1 + 2 * WG_PAD_MULTIPLE +
	    WG_TAG_LEN + 63) & ~(size_t)63;
}

void
datapath_init(struct wghost *host, const struct edge_conf *conf)
{
	int	i;

	dp.host = host;
	dp.io = iface_io();
	dp.me = conf->node_id;
	if (l2fib_init(&dp.fib, conf->l2fib_timeout, 0) == -1)
		fatal("L2 FIB");
	if (storm_init(&dp.storm) == -1)
		fatal("broadcast buckets");
	for (i = 0; i < WGH_BATCH; i++)
		dp.ifbufs[i] = buf_alloc(host->h_bufsize);
	if (gro_init(&dp.gro, dp.io, &eng_drops[ED_IFACE_WRITE]) == -1)
		fatal("packet buffers");
}

void
datapath_configure(const struct edge_conf *conf)
{
	dp.ttl = conf->default_ttl;
	l2fib_set_lifetime(&dp.fib, conf->l2fib_timeout);
	l2fib_set_node_limit(&dp.fib, (size_t)conf->l2fib_node_limit);
	storm_configure(&dp.storm, conf->bcast_rate, conf->bcast_burst);
}

void
datapath_set_control(datapath_control_fn fn)
{
	dp.control = fn;
}

/*
 * The broadcast trees depend on the neighbours: the host's peers.  A
 * table whose upstreams differ from the one in force leaves that one
 * accepted for ENG_RPF_GRACE_S; the same upstreams again (a new peer,
 * the same table resent) keep the grace of the table before.
 */
void
datapath_routes(const struct conf_nhtable *nh)
{
	struct fwd_table	*t;
	struct wg_time		 now;
	uint16_t		*nbr;
	size_t			 i, n = dp.host->h_nset;

	if ((nbr = calloc(n + 1, sizeof(*nbr))) == NULL)
		fatal("forwarding table");
	for (i = 0; i < n; i++)
		nbr[i] = dp.host->h_set[i]->p_node_id;
	if ((t = fwd_table_build(nh, dp.me, nbr, n)) == NULL)
		fatal("forwarding table");
	free(nbr);
	if (dp.fwd != NULL && !rpf_equal(&dp.fwd->rpf, &t->rpf)) {
		wgh_now(dp.host, &now);
		fwd_table_free(dp.prev);
		dp.prev = dp.fwd;
		dp.prev_until = now.mono + ENG_RPF_GRACE_S * 1000000000ULL;
	} else
		fwd_table_free(dp.fwd);
	dp.fwd = t;
}

uint16_t
datapath_nexthop(uint16_t dst)
{
	return dp.fwd != NULL ? fwd_nexthop(dp.fwd, dst) : NODEID_INVALID;
}

void
datapath_housekeeping(struct wg_time now)
{
	l2fib_expire(&dp.fib, now.mono);
	if (dp.prev != NULL && now.mono >= dp.prev_until) {
		fwd_table_free(dp.prev);
		dp.prev = NULL;
	}
}

void
datapath_free(void)
{
	int	i;

	/* They held frames in the clear. */
	for (i = 0; i < WGH_BATCH; i++) {
		if (dp.ifbufs[i] != NULL && dp.host != NULL)
			sodium_memzero(dp.ifbufs[i], dp.host->h_bufsize);
		free(dp.ifbufs[i]);
		dp.ifbufs[i] = NULL;
	}
	gro_free(&dp.gro);
	fwd_table_free(dp.fwd);
	fwd_table_free(dp.prev);
	dp.fwd = dp.prev = NULL;
	l2fib_free(&dp.fib);
	storm_free(&dp.storm);
}

/* A frame for this node: learn where its source lives, hand it over. */
static void
deliver(uint8_t *frame, size_t len, uint16_t src, uint64_t now)
{
	if (len < 12) {
		eng_drops[ED_SHORT_FRAME]++;
		return;
	}
	if (len > dp.io->maxframe) {
		eng_drops[ED_OVER_MTU]++;
		return;
	}
	if ((frame[6] & 1) == 0 &&
	    l2fib_learn(&dp.fib, frame + 6, src, now) == -1)
		eng_drops[ED_FIB_SHARE]++;
	if (dp.io->kind == IFIO_NONE)
		return;
	if (dp.io->vnet) {
		gro_offer(&dp.gro, frame, len);
		return;
	}
	if (ifio_write(dp.io, frame, len) == -1)
		eng_drops[ED_IFACE_WRITE]++;
	else if (dp.io->kind == IFIO_STREAM)
		iface_out();
}

/*
 * Pass a broadcast from src on along src's tree.  plain is the overlay
 * header and payload (plainlen bytes), already with the TTL to send.
 */
static void
forward_broadcast(uint16_t src, uint16_t from, const uint8_t *plain,
    size_t plainlen, struct wg_time now)
{
	const uint16_t	*to;
	struct wgh_peer	*p;
	uint8_t		*buf;
	size_t		 n, i;

	if (dp.fwd == NULL)
		return;
	to = fwd_bcast_targets(dp.fwd, src, &n);
	for (i = 0; i < n; i++) {
		if (to[i] == from ||
		    (p = wgh_peer_by_id(dp.host, to[i])) == NULL)
			continue;
		buf = wgh_copybuf(dp.host);
		memcpy(buf + WG_TRANSPORT_HEADER, plain, plainlen);
		wgh_send(p, buf, plainlen, now);
	}
}

/*
 * May neighbour `from' pass us this frame of src?  Its own frames, and
 * those of the sources it relays to us by the table in force or, for a
 * while after a change, by the one before.
 */
static int
upstream_ok(uint16_t src, uint16_t from, int bcast, uint64_t now)
{
	return rpf_check(dp.fwd != NULL ? &dp.fwd->rpf : NULL,
	    dp.prev != NULL ? &dp.prev->rpf : NULL, dp.prev_until, src, from,
	    bcast, now);
}

/*
 * An authenticated datagram's plaintext, at buf + WG_TRANSPORT_HEADER,
 * from neighbour `from'.
 */
static void
overlay_input(struct wgh_peer *from, uint8_t *buf, size_t plainlen,
    struct wg_time now)
{
	uint8_t		*plain = buf + WG_TRANSPORT_HEADER;
	struct ovl_hdr	 h;
	struct wgh_peer	*next;
	uint16_t	 nh;

	if (ovl_parse(plain, plainlen, &h) != OVL_OK) {
		eng_drops[ED_OVL_HEADER]++;
		return;
	}
	if (h.usage != OVL_FRAME) {
		/* Never forwarded: only for this node, in super mode. */
		if (dp.control != NULL)
			dp.control(from, &h, plain + OVL_HDR_LEN, now);
		else
			eng_drops[ED_CONTROL]++;
		return;
	}
	/* The supernode's sessions carry no frames. */
	if (from->p_node_id == NODEID_SUPERNODE) {
		eng_drops[ED_CONTROL]++;
		return;
	}
	if (h.src == dp.me) {
		eng_drops[ED_LOOPED]++;
		return;
	}
	if (!upstream_ok(h.src, from->p_node_id, h.dst == NODEID_BROADCAST,
	    now.mono)) {
		log_cat(LOGC_TRANSIT, "frame %u -> %u from %u: not an "
		    "upstream of %u", h.src, h.dst, from->p_node_id, h.src);
		eng_drops[ED_WRONG_UPSTREAM]++;
		return;
	}
	if (h.ttl > dp.ttl) {
		h.ttl = dp.ttl;
		eng_drops[ED_TTL_CLAMPED]++;
	}
	if (h.dst == dp.me) {
		log_cat(LOGC_NORMAL, "frame %u -> %u, %u bytes", h.src, h.dst,
		    h.len);
		deliver(plain + OVL_HDR_LEN, h.len, h.src, now.mono);
		return;
	}
	if (h.dst == NODEID_BROADCAST) {
		if (!storm_pass(&dp.storm, h.src, now.mono)) {
			eng_drops[ED_BCAST_RATE]++;
			return;
		}
		if (h.ttl > 1) {
			h.ttl--;
			ovl_write(plain, &h);
			forward_broadcast(h.src, from->p_node_id, plain,
			    OVL_HDR_LEN + h.len, now);
		}
		deliver(plain + OVL_HDR_LEN, h.len, h.src, now.mono);
		return;
	}

	/* Someone else's: pass it on, re-encrypted in place. */
	log_cat(LOGC_TRANSIT, "frame %u -> %u via %u, ttl %u", h.src, h.dst,
	    dp.me, h.ttl);
	if (h.ttl <= 1) {
		eng_drops[ED_TTL]++;
		return;
	}
	if ((nh = datapath_nexthop(h.dst)) == NODEID_INVALID) {
		eng_drops[ED_NO_ROUTE]++;
		return;
	}
	if ((next = wgh_peer_by_id(dp.host, nh)) == NULL) {
		eng_drops[ED_NO_PEER]++;
		return;
	}
	h.ttl--;
	ovl_write(plain, &h);
	wgh_send(next, buf, OVL_HDR_LEN + h.len, now);
}

void
datapath_rx(void *arg, struct wgh_rx *rx, size_t n, struct wg_time now)
{
	size_t	i;

	for (i = 0; i < n; i++)
		overlay_input(rx[i].peer, rx[i].buf, rx[i].len, now);
	gro_flush(&dp.gro);
}

/* A frame read from the interface enters the overlay. */
static void
frame_input(uint8_t *buf, size_t flen, struct wg_time now)
{
	uint8_t		*plain = buf + WG_TRANSPORT_HEADER;
	uint8_t		*frame = plain + OVL_HDR_LEN;
	struct ovl_hdr	 h;
	struct wgh_peer	*p;
	uint16_t	 dst, nh;

	if (flen < 12) {
		eng_drops[ED_SHORT_FRAME]++;
		return;
	}
	if (frame[0] & 1)
		dst = NODEID_BROADCAST;
	else if ((dst = l2fib_lookup(&dp.fib, frame, now.mono)) ==
	    NODEID_INVALID)
		dst = NODEID_BROADCAST;
	memset(&h, 0, sizeof(h));
	h.version = OVL_VERSION;
	h.usage = OVL_FRAME;
	h.ttl = dp.ttl;
	h.dst = dst;
	h.src = dp.me;
	h.len = flen;
	ovl_write(plain, &h);

	if (dst == NODEID_BROADCAST) {
		if (!storm_pass(&dp.storm, STORM_LOCAL, now.mono)) {
			eng_drops[ED_BCAST_RATE]++;
			return;
		}
		forward_broadcast(dp.me, dp.me, plain, OVL_HDR_LEN + flen,
		    now);
		return;
	}
	if ((nh = fwd_nexthop(dp.fwd, dst)) == NODEID_INVALID) {
		eng_drops[ED_NO_ROUTE]++;
		return;
	}
	if ((p = wgh_peer_by_id(dp.host, nh)) == NULL) {
		eng_drops[ED_NO_PEER]++;
		return;
	}
	wgh_send(p, buf, OVL_HDR_LEN + flen, now);
}

void
datapath_iface(int fd, short event, void *arg)
{
	struct wg_time	now;
	size_t		flen;
	int		i, r;

	if (dp.host == NULL || dp.fwd == NULL)
		return;
	wgh_now(dp.host, &now);
	for (i = 0; i < WGH_BATCH; i++) {
		r = ifio_read(dp.io, fd, dp.ifbufs[i] + ENG_HEADROOM,
		    dp.host->h_bufsize - ENG_HEADROOM - 2 * WG_PAD_MULTIPLE -
		    WG_TAG_LEN, &flen);
		if (r == 0)
			break;
		if (r == -1) {
			iface_closed(fd);
			break;
		}
		frame_input(dp.ifbufs[i], flen, now);
	}
	wgh_flush(dp.host);
}
