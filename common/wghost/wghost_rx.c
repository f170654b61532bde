/*
 * The host's receive side: batches of datagrams from recvmmsg(),
 * decrypted in place in the host's buffers, what the core said acted
 * upon, and the plaintext of the batch handed to the engine at once.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <string.h>

#include "util/addr.h"
#include "util/log.h"
#include "wghost.h"
#include "wghost_int.h"

#define WGH_ROUNDS		4	/* batches per wakeup */

/* The source of an authenticated datagram is where the peer is now. */
static void
wgh_roam(struct wgh_peer *p, const struct sockaddr *src, socklen_t len)
{
	if (p->p_is_static || len > sizeof(p->p_ep) ||
	    (p->p_eplen == len && sockaddr_eq((struct sockaddr *)&p->p_ep,
	    src)))
		return;
	wgh_peer_set_endpoint(p, src, len);
	if (p->p_host->h_ops.roamed != NULL)
		p->p_host->h_ops.roamed(p->p_host->h_arg, p);
}

void
wgh_result(struct wgh_peer *p, struct wg_result *res,
    const struct sockaddr *src, socklen_t srclen, struct wg_time now)
{
	struct wghost	*h = p->p_host;

	if ((res->events & WG_EV_ENDPOINT) && src != NULL)
		wgh_roam(p, src, srclen);
	if (res->events & (WG_EV_SESSION_INITIATOR | WG_EV_SESSION_RESPONDER)) {
		log_cat(LOGC_WG, "%s %u: session established (%s)",
		    h->h_label, p->p_node_id,
		    res->events & WG_EV_SESSION_INITIATOR ? "initiator" :
		    "responder");
		if (h->h_ops.session_up != NULL)
			h->h_ops.session_up(h->h_arg, p, now);
	}
	if (res->events & WG_EV_KEYPAIR_ROTATED)
		log_cat(LOGC_WG, "%s %u: new keypair", h->h_label,
		    p->p_node_id);
	if (res->events & WG_EV_GAVE_UP) {
		log_cat(LOGC_WG, "%s %u: handshake did not complete, "
		    "dropping %d waiting packets", h->h_label, p->p_node_id,
		    p->p_nstaged);
		wgh_staged_drop(p, 1);
	}
	if (res->events & WG_EV_KEYS_ZEROED)
		log_cat(LOGC_WG, "%s %u: session keys erased", h->h_label,
		    p->p_node_id);
	if (res->events & (WG_EV_FLUSH | WG_EV_KEEPALIVE)) {
		if (p->p_nstaged > 0)
			wgh_staged_flush(p, now);
		else if (res->events & WG_EV_KEEPALIVE)
			wgh_send(p, wgh_copybuf(h), 0, now);
	}
	wgh_touch(p);
}

/*
 * The n datagrams of msgs, in the host's receive buffers, from the
 * socket of family af: the core's verdict on each, then their
 * plaintext to the engine in one call.
 */
static void
wgh_rx_batch(struct wghost *h, struct mmsghdr *msgs, int n)
{
	struct wgh_rx		 rx[WGH_BATCH];
	struct wg_result	 res;
	struct wg_addr		 wa;
	struct wg_time		 now;
	struct wgh_peer		*p;
	struct sockaddr		*src;
	socklen_t		 srclen;
	enum wg_rx		 v;
	size_t			 nrx = 0;
	int			 i;

	wgh_now(h, &now);
	for (i = 0; i < n; i++) {
		uint8_t	*buf = h->h_rxbufs[i];
		size_t	 len = msgs[i].msg_len;

		src = msgs[i].msg_hdr.msg_name;
		srclen = msgs[i].msg_hdr.msg_namelen;
		if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
			WGH_COUNT_DROP(h, WGH_DROP_OVER_MTU, 1);
			continue;
		}
		if (wg_addr_from_sockaddr(&wa, src) == -1)
			continue;
		res.msg_len = 0;
		res.events = 0;
		v = wg_receive(h->h_wg, now, &wa, buf, len, &res);
		p = res.peer != NULL ? wg_peer_arg(res.peer) : NULL;
		if (res.msg_len > 0)
			wgh_queue_msg(h, res.msg, res.msg_len, src, srclen);
		if (p == NULL)
			continue;
		if (res.events != 0)
			wgh_result(p, &res, src, srclen, now);
		if (v != WG_RX_DATA && v != WG_RX_KEEPALIVE)
			continue;
		p->p_rx_pkts++;
		p->p_rx_bytes += len;
		p->p_last_rx = now.mono;
		wgh_touch(p);
		if (v == WG_RX_DATA) {
			rx[nrx].peer = p;
			rx[nrx].buf = buf;
			rx[nrx].data = res.data;
			rx[nrx].len = res.data_len;
			nrx++;
		}
	}
	if (nrx > 0)
		h->h_ops.rx(h->h_arg, rx, nrx, now);
	wgh_txq_flush(h);
}

static void
wgh_rx_prepare(struct wghost *h, struct mmsghdr *msgs, struct iovec *iov,
    struct sockaddr_storage *src, int n)
{
	int	i;

	for (i = 0; i < n; i++) {
		iov[i].iov_base = h->h_rxbufs[i];
		iov[i].iov_len = h->h_bufsize;
		memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
		msgs[i].msg_hdr.msg_name = &src[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(src[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
}

void
wgh_udp(int fd, short event, void *arg)
{
	struct wghost		*h = arg;
	struct mmsghdr		 msgs[WGH_BATCH];
	struct iovec		 iov[WGH_BATCH];
	struct sockaddr_storage	 src[WGH_BATCH];
	int			 n, rounds;

	/* A few batches per wakeup, then let the other sockets run. */
	for (rounds = 0; rounds < WGH_ROUNDS; rounds++) {
		wgh_rx_prepare(h, msgs, iov, src, WGH_BATCH);
		n = recvmmsg(fd, msgs, WGH_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		wgh_rx_batch(h, msgs, n);
		if (n < WGH_BATCH)
			break;
	}
	wgh_flush(h);
}

void
wgh_input(struct wghost *h, const struct sockaddr *from,
    socklen_t fromlen, const uint8_t *data, size_t len)
{
	struct mmsghdr		msg;
	struct iovec		iov;
	struct sockaddr_storage	src;

	wgh_rx_prepare(h, &msg, &iov, &src, 1);
	memset(&src, 0, sizeof(src));
	if (fromlen > sizeof(src))
		fromlen = sizeof(src);
	memcpy(&src, from, fromlen);
	msg.msg_hdr.msg_namelen = fromlen;
	if (len > h->h_bufsize) {
		msg.msg_hdr.msg_flags = MSG_TRUNC;
		len = h->h_bufsize;
	}
	memcpy(h->h_rxbufs[0], data, len);
	msg.msg_len = len;
	wgh_rx_batch(h, &msg, 1);
	wgh_flush(h);
}
