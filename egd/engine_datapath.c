/*
 * The data path: frames from the interface into the overlay, datagrams
 * from the overlay to the interface or on to the next hop.
 *
 * Costs are per batch, not per packet: up to ENG_BATCH datagrams per
 * recvmmsg() and sendmmsg(), decryption and encryption in place in the
 * receive buffers (a relayed frame is re-encrypted where it was
 * decrypted), no allocation, no message to another process.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "egd.h"
#include "engine.h"
#include "util/log.h"

#define HANDSHAKES_PER_SEC_LOAD	64	/* above this: under load */

static const char *eng_drop_names[ED_MAX] = {
	[ED_OVL_HEADER] = "bad overlay header",
	[ED_TTL] = "ttl expired",
	[ED_NO_ROUTE] = "no route",
	[ED_NO_PEER] = "next hop not a peer",
	[ED_NO_ENDPOINT] = "no endpoint",
	[ED_STAGED_FULL] = "waiting queue full",
	[ED_HANDSHAKE_GAVE_UP] = "handshake gave up",
	[ED_OVER_MTU] = "over mtu",
	[ED_SHORT_FRAME] = "short frame",
	[ED_LOOPED] = "looped",
	[ED_IFACE_WRITE] = "interface write",
	[ED_IFACE_READ] = "interface read",
	[ED_SEND] = "send failed",
	[ED_CONTROL] = "control message",
	[ED_BAD_CONTROL] = "bad control message",
	[ED_SPOOFED] = "control message from elsewhere",
};

const char *
eng_drop_name(enum eng_drop d)
{
	return d < ED_MAX ? eng_drop_names[d] : "?";
}

static uint8_t *
buf_alloc(size_t size)
{
	uint8_t	*p;

	/* Aligned, so that the AEAD works on aligned words. */
	if (posix_memalign((void **)&p, 64, size) != 0)
		fatal("packet buffers");
	return p;
}

void
datapath_init(size_t maxframe)
{
	int	i;

	/*
	 * Header room, the frame and one byte (to see a longer one: see
	 * ifio_read()), padding to 16 and the tag.
	 */
	eng->bufsize = (ENG_HEADROOM + maxframe + 1 + 2 * WG_PAD_MULTIPLE +
	    WG_TAG_LEN + 63) & ~(size_t)63;
	for (i = 0; i < ENG_BATCH; i++) {
		eng->rxbufs[i] = buf_alloc(eng->bufsize);
		eng->ifbufs[i] = buf_alloc(eng->bufsize);
	}
	for (i = 0; i < ENG_COPIES; i++)
		eng->copybufs[i] = buf_alloc(eng->bufsize);
	eng->tx4.fd = eng->tx6.fd = -1;
	eng->gro.cap = 65536;
	eng->gro.buf = buf_alloc(eng->gro.cap);
}

void
datapath_free(void)
{
	int	i;

	for (i = 0; i < ENG_BATCH; i++) {
		free(eng->rxbufs[i]);
		free(eng->ifbufs[i]);
	}
	for (i = 0; i < ENG_COPIES; i++)
		free(eng->copybufs[i]);
	free(eng->gro.buf);
}

/* Write what the TAP is owed from the merged TCP segments. */
static void
gro_flush(void)
{
	struct gso_vnet_hdr	vh;
	size_t			len;

	if (eng->gro.nseg == 0)
		return;
	len = gso_merge_finish(&eng->gro, &vh);
	if (ifio_write_vnet(&eng->io, &vh, eng->gro.buf, len) == -1)
		eng->drops[ED_IFACE_WRITE] += eng->gro.nseg;
	eng->gro.nseg = 0;
}

/*
 * A frame for a TAP with offloads: consecutive segments of a TCP flow
 * go to the kernel as one superframe, the rest as they are, in order.
 */
static void
gro_offer(uint8_t *frame, size_t len)
{
	if (eng->gro.nseg > 0 && gso_merge_add(&eng->gro, frame, len))
		return;
	gro_flush();
	if (gso_merge_start(&eng->gro, frame, len))
		return;
	if (ifio_write(&eng->io, frame, len) == -1)
		eng->drops[ED_IFACE_WRITE]++;
}

static void
txq_flush(struct eng_txq *q)
{
	int	sent = 0, r;

	while (sent < q->n) {
		r = sendmmsg(q->fd, q->msgs + sent, q->n - sent, MSG_DONTWAIT);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			/* Socket buffer full or a route gone: drop the rest. */
			eng->drops[ED_SEND] += q->n - sent;
			break;
		}
		sent += r;
	}
	q->n = 0;
}

void
datapath_flush(void)
{
	if (eng->tx4.n > 0)
		txq_flush(&eng->tx4);
	if (eng->tx6.n > 0)
		txq_flush(&eng->tx6);
	eng->ncopies = 0;
}

uint8_t *
datapath_copybuf(void)
{
	if (eng->ncopies == ENG_COPIES)
		datapath_flush();
	return eng->copybufs[eng->ncopies++];
}

static struct eng_txq *
txq_for(struct epeer *ep)
{
	if (ep->ep.ss_family == AF_INET6)
		return eng->udp6 != -1 ? &eng->tx6 : NULL;
	return eng->udp4 != -1 ? &eng->tx4 : NULL;
}

static void
txq_add(struct epeer *ep, uint8_t *buf, size_t len)
{
	struct eng_txq	*q;
	struct msghdr	*mh;
	int		 i;

	if ((q = txq_for(ep)) == NULL) {
		eng->drops[ED_NO_ENDPOINT]++;
		return;
	}
	if (q->n == ENG_BATCH)
		txq_flush(q);
	i = q->n++;
	q->fd = q == &eng->tx4 ? eng->udp4 : eng->udp6;
	q->iov[i].iov_base = buf;
	q->iov[i].iov_len = len;
	memcpy(&q->dst[i], &ep->ep, ep->eplen);
	mh = &q->msgs[i].msg_hdr;
	memset(mh, 0, sizeof(*mh));
	mh->msg_name = &q->dst[i];
	mh->msg_namelen = ep->eplen;
	mh->msg_iov = &q->iov[i];
	mh->msg_iovlen = 1;
	ep->tx_pkts++;
	ep->tx_bytes += len;
}

/* Handshake messages and cookie replies: rare, sent at once. */
static void
send_now(int fd, const uint8_t *msg, size_t len, const struct sockaddr *sa,
    socklen_t salen)
{
	if (fd == -1 || sendto(fd, msg, len, MSG_DONTWAIT, sa, salen) == -1)
		eng->drops[ED_SEND]++;
}

void
datapath_sendmsg(struct epeer *ep, const uint8_t *msg, size_t len)
{
	if (ep->eplen == 0) {
		eng->drops[ED_NO_ENDPOINT]++;
		return;
	}
	send_now(ep->ep.ss_family == AF_INET6 ? eng->udp6 : eng->udp4, msg,
	    len, (struct sockaddr *)&ep->ep, ep->eplen);
}

void
datapath_send(struct epeer *ep, uint8_t *buf, size_t plainlen,
    struct wg_time now)
{
	struct wg_result	res;

	res.msg_len = 0;
	res.events = 0;
	switch (wg_send(ep->wg, now, buf, plainlen, eng->bufsize, &res)) {
	case WG_TX_OK:
		if (ep->eplen == 0)
			eng->drops[ED_NO_ENDPOINT]++;
		else
			txq_add(ep, buf, res.wire_len);
		break;
	case WG_TX_NEED_HANDSHAKE:
		if (ep->eplen == 0 && plainlen > 0) {
			/* Nobody to ask: the peer must contact us first. */
			eng->drops[ED_NO_ENDPOINT]++;
			break;
		}
		if (plainlen > 0)
			peer_stage(ep, buf + WG_TRANSPORT_HEADER, plainlen);
		break;
	case WG_TX_ERROR:
		/* Counted by WireGuard, by reason. */
		break;
	}
	if (res.msg_len > 0)
		datapath_sendmsg(ep, res.msg, res.msg_len);
	if (res.events & ~(WG_EV_SEND_MSG | WG_EV_HANDSHAKE_SENT))
		peer_handle_result(ep, &res, NULL, 0);
	engine_peer_touched(ep);
}

/* A frame for this node: learn where its source lives, hand it over. */
static void
deliver(uint8_t *frame, size_t len, uint16_t src, uint64_t now)
{
	if (len < 12) {
		eng->drops[ED_SHORT_FRAME]++;
		return;
	}
	if (len > eng->io.maxframe) {
		eng->drops[ED_OVER_MTU]++;
		return;
	}
	if ((frame[6] & 1) == 0)
		l2fib_learn(&eng->fib, frame + 6, src, now);
	if (eng->io.kind == IFIO_NONE)
		return;
	if (eng->io.vnet) {
		gro_offer(frame, len);
		return;
	}
	if (ifio_write(&eng->io, frame, len) == -1)
		eng->drops[ED_IFACE_WRITE]++;
	else if (eng->io.kind == IFIO_STREAM)
		engine_iface_out();
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
	struct epeer	*ep;
	uint8_t		*buf;
	size_t		 n, i;

	to = fwd_bcast_targets(eng->fwd, src, &n);
	for (i = 0; i < n; i++) {
		if (to[i] == from || (ep = peer_by_id(to[i])) == NULL)
			continue;
		buf = datapath_copybuf();
		memcpy(buf + WG_TRANSPORT_HEADER, plain, plainlen);
		datapath_send(ep, buf, plainlen, now);
	}
}

/*
 * An authenticated datagram's plaintext, at buf + WG_TRANSPORT_HEADER,
 * from neighbour `from'.
 */
static void
overlay_input(struct epeer *from, uint8_t *buf, size_t plainlen,
    struct wg_time now)
{
	uint8_t		*plain = buf + WG_TRANSPORT_HEADER;
	struct ovl_hdr	 h;
	struct epeer	*next;
	uint16_t	 nh;

	if (ovl_parse(plain, plainlen, &h) != OVL_OK) {
		eng->drops[ED_OVL_HEADER]++;
		return;
	}
	if (h.usage != OVL_FRAME) {
		/* Never forwarded: only for this node, in super mode. */
		if (eng->super_mode)
			super_control(from, &h, plain + OVL_HDR_LEN, now);
		else
			eng->drops[ED_CONTROL]++;
		return;
	}
	if (super_is_supernode(from)) {
		eng->drops[ED_CONTROL]++;
		return;
	}
	if (h.src == eng->me) {
		eng->drops[ED_LOOPED]++;
		return;
	}
	if (h.dst == eng->me) {
		log_cat(LOGC_NORMAL, "frame %u -> %u, %u bytes", h.src, h.dst,
		    h.len);
		deliver(plain + OVL_HDR_LEN, h.len, h.src, now.mono);
		return;
	}
	if (h.dst == NODEID_BROADCAST) {
		if (h.ttl > 1) {
			h.ttl--;
			ovl_write(plain, &h);
			forward_broadcast(h.src, from->node_id, plain,
			    OVL_HDR_LEN + h.len, now);
		}
		deliver(plain + OVL_HDR_LEN, h.len, h.src, now.mono);
		return;
	}

	/* Someone else's: pass it on, re-encrypted in place. */
	log_cat(LOGC_TRANSIT, "frame %u -> %u via %u, ttl %u", h.src, h.dst,
	    eng->me, h.ttl);
	if (h.ttl <= 1) {
		eng->drops[ED_TTL]++;
		return;
	}
	if ((nh = fwd_nexthop(eng->fwd, h.dst)) == NODEID_INVALID) {
		eng->drops[ED_NO_ROUTE]++;
		return;
	}
	if ((next = peer_by_id(nh)) == NULL) {
		eng->drops[ED_NO_PEER]++;
		return;
	}
	h.ttl--;
	ovl_write(plain, &h);
	datapath_send(next, buf, OVL_HDR_LEN + h.len, now);
}

/* Under load, WireGuard answers handshakes with cookies. */
static void
count_handshake(uint64_t mono)
{
	uint64_t	sec = mono / 1000000000ULL;

	if (sec != eng->hs_window) {
		wg_local_set_under_load(eng->wg,
		    eng->hs_count > HANDSHAKES_PER_SEC_LOAD);
		eng->hs_window = sec;
		eng->hs_count = 0;
	}
	if (++eng->hs_count == HANDSHAKES_PER_SEC_LOAD)
		wg_local_set_under_load(eng->wg, 1);
}

void
datapath_udp(int fd, short event, void *arg)
{
	struct mmsghdr		 msgs[ENG_BATCH];
	struct iovec		 iov[ENG_BATCH];
	struct sockaddr_storage	 src[ENG_BATCH];
	struct wg_result	 res;
	struct wg_addr		 wa;
	struct wg_time		 now;
	struct epeer		*ep;
	enum wg_rx		 rx;
	int			 n, i, rounds;

	if (eng->wg == NULL)
		return;
	/* A few batches per wakeup, then let the other sockets run. */
	for (rounds = 0; rounds < 4; rounds++) {
		for (i = 0; i < ENG_BATCH; i++) {
			iov[i].iov_base = eng->rxbufs[i];
			iov[i].iov_len = eng->bufsize;
			memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
			msgs[i].msg_hdr.msg_name = &src[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(src[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, msgs, ENG_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		engine_now(&now);
		for (i = 0; i < n; i++) {
			uint8_t	*buf = eng->rxbufs[i];
			size_t	 len = msgs[i].msg_len;

			if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
				eng->drops[ED_OVER_MTU]++;
				continue;
			}
			if (wg_addr_from_sockaddr(&wa,
			    (struct sockaddr *)&src[i]) == -1)
				continue;
			if (len > 0 && buf[0] != WG_MSG_TRANSPORT)
				count_handshake(now.mono);
			res.msg_len = 0;
			res.events = 0;
			rx = wg_receive(eng->wg, now, &wa, buf, len, &res);
			ep = peer_by_wg(res.peer);
			if (res.msg_len > 0)
				send_now(fd, res.msg, res.msg_len,
				    (struct sockaddr *)&src[i],
				    msgs[i].msg_hdr.msg_namelen);
			if (ep != NULL && res.events != 0)
				peer_handle_result(ep, &res,
				    (struct sockaddr *)&src[i],
				    msgs[i].msg_hdr.msg_namelen);
			switch (rx) {
			case WG_RX_DROP:
				/* Counted by WireGuard, by reason. */
				break;
			case WG_RX_DATA:
			case WG_RX_KEEPALIVE:
				if (ep == NULL)
					break;
				ep->rx_pkts++;
				ep->rx_bytes += len;
				ep->last_rx = now.mono;
				engine_peer_touched(ep);
				if (rx == WG_RX_DATA)
					overlay_input(ep, buf, res.data_len,
					    now);
				break;
			default:
				break;
			}
		}
		datapath_flush();
		gro_flush();
		if (n < ENG_BATCH)
			break;
	}
	engine_rearm_timers();
}

/* A frame read from the interface enters the overlay. */
static void
frame_input(uint8_t *buf, size_t flen, struct wg_time now)
{
	uint8_t		*plain = buf + WG_TRANSPORT_HEADER;
	uint8_t		*frame = plain + OVL_HDR_LEN;
	struct ovl_hdr	 h;
	struct epeer	*ep;
	uint16_t	 dst, nh;

	if (flen < 12) {
		eng->drops[ED_SHORT_FRAME]++;
		return;
	}
	if (frame[0] & 1)
		dst = NODEID_BROADCAST;
	else if ((dst = l2fib_lookup(&eng->fib, frame, now.mono)) ==
	    NODEID_INVALID)
		dst = NODEID_BROADCAST;
	memset(&h, 0, sizeof(h));
	h.version = OVL_VERSION;
	h.usage = OVL_FRAME;
	h.ttl = eng->ttl;
	h.dst = dst;
	h.src = eng->me;
	h.len = flen;
	ovl_write(plain, &h);

	if (dst == NODEID_BROADCAST) {
		forward_broadcast(eng->me, eng->me, plain, OVL_HDR_LEN + flen,
		    now);
		return;
	}
	if ((nh = fwd_nexthop(eng->fwd, dst)) == NODEID_INVALID) {
		eng->drops[ED_NO_ROUTE]++;
		return;
	}
	if ((ep = peer_by_id(nh)) == NULL) {
		eng->drops[ED_NO_PEER]++;
		return;
	}
	datapath_send(ep, buf, OVL_HDR_LEN + flen, now);
}

void
datapath_iface(int fd, short event, void *arg)
{
	struct wg_time	now;
	size_t		flen;
	int		i, r;

	if (eng->wg == NULL || eng->fwd == NULL)
		return;
	engine_now(&now);
	for (i = 0; i < ENG_BATCH; i++) {
		r = ifio_read(&eng->io, fd, eng->ifbufs[i] + ENG_HEADROOM,
		    eng->bufsize - ENG_HEADROOM - 2 * WG_PAD_MULTIPLE -
		    WG_TAG_LEN, &flen);
		if (r == 0)
			break;
		if (r == -1) {
			engine_iface_closed(fd);
			break;
		}
		frame_input(eng->ifbufs[i], flen, now);
	}
	datapath_flush();
	engine_rearm_timers();
}
