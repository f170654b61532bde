/*
 * The host's send side: one queue per socket sent with sendmmsg(), the
 * buffers copies are made in, and the packets a peer holds until its
 * handshake completes.  Datagrams are queued where they lie (encrypted
 * in place); only handshake messages and held packets are copied.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/log.h"
#include "wghost.h"
#include "wghost_int.h"

static void
wgh_txq_send(struct wghost *h, int af)
{
	struct wgh_txq	*q = &h->h_txq[af];
	int		 sent = 0, r;

	while (sent < q->n) {
		if (h->h_ops.output != NULL)
			r = h->h_ops.output(h->h_arg, af, q->msgs + sent,
			    q->n - sent);
		else if (h->h_fd[af] == -1) {
			errno = EBADF;
			r = -1;
		} else
			r = sendmmsg(h->h_fd[af], q->msgs + sent, q->n - sent,
			    MSG_DONTWAIT);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			/* Socket buffer full or a route gone: drop the rest. */
			WGH_COUNT_DROP(h, WGH_DROP_SEND, q->n - sent);
			break;
		}
		sent += r;
	}
	q->n = 0;
}

void
wgh_txq_flush(struct wghost *h)
{
	if (h->h_txq[WGH_V4].n > 0)
		wgh_txq_send(h, WGH_V4);
	if (h->h_txq[WGH_V6].n > 0)
		wgh_txq_send(h, WGH_V6);
	h->h_ncopies = 0;
}

uint8_t *
wgh_copybuf(struct wghost *h)
{
	if (h->h_ncopies == WGH_COPIES)
		wgh_txq_flush(h);
	return h->h_copybufs[h->h_ncopies++];
}

/* Queues len bytes at buf to dst; 0, or -1 when there is no socket. */
static int
wgh_txq_add(struct wghost *h, uint8_t *buf, size_t len,
    const struct sockaddr_storage *dst, socklen_t dstlen)
{
	struct wgh_txq	*q;
	struct msghdr	*mh;
	int		 af, i;

	af = dst->ss_family == AF_INET6 ? WGH_V6 : WGH_V4;
	if (h->h_fd[af] == -1 && h->h_ops.output == NULL)
		return -1;
	q = &h->h_txq[af];
	if (q->n == WGH_BATCH)
		wgh_txq_send(h, af);
	i = q->n++;
	q->iov[i].iov_base = buf;
	q->iov[i].iov_len = len;
	memcpy(&q->dst[i], dst, dstlen);
	mh = &q->msgs[i].msg_hdr;
	memset(mh, 0, sizeof(*mh));
	mh->msg_name = &q->dst[i];
	mh->msg_namelen = dstlen;
	mh->msg_iov = &q->iov[i];
	mh->msg_iovlen = 1;
	return 0;
}

void
wgh_queue_msg(struct wghost *h, const uint8_t *msg, size_t len,
    const struct sockaddr *dst, socklen_t dstlen)
{
	uint8_t	*buf;

	if (dstlen == 0 || dstlen > sizeof(struct sockaddr_storage) ||
	    len > h->h_bufsize) {
		WGH_COUNT_DROP(h, WGH_DROP_NO_ENDPOINT, 1);
		return;
	}
	buf = wgh_copybuf(h);
	memcpy(buf, msg, len);
	if (wgh_txq_add(h, buf, len, (const struct sockaddr_storage *)dst,
	    dstlen) == -1)
		WGH_COUNT_DROP(h, WGH_DROP_SEND, 1);
}

void
wgh_queue_to_peer(struct wgh_peer *p, const uint8_t *msg, size_t len)
{
	if (p->p_eplen == 0) {
		WGH_COUNT_DROP(p->p_host, WGH_DROP_NO_ENDPOINT, 1);
		return;
	}
	wgh_queue_msg(p->p_host, msg, len, (struct sockaddr *)&p->p_ep,
	    p->p_eplen);
}

/* Keep the newest packets: the oldest are the least useful by now. */
static void
wgh_stage(struct wgh_peer *p, const uint8_t *plain, size_t len)
{
	struct wghost	*h = p->p_host;
	struct wgh_staged *s;
	uint8_t		*buf;

	if (h->h_staged_max == 0 || (buf = malloc(len)) == NULL) {
		WGH_COUNT_DROP(h, WGH_DROP_STAGED_FULL, 1);
		return;
	}
	memcpy(buf, plain, len);
	if ((size_t)p->p_nstaged == h->h_staged_max) {
		sodium_memzero(p->p_staged[0].buf, p->p_staged[0].len);
		free(p->p_staged[0].buf);
		memmove(&p->p_staged[0], &p->p_staged[1],
		    (p->p_nstaged - 1) * sizeof(p->p_staged[0]));
		p->p_nstaged--;
		WGH_COUNT_DROP(h, WGH_DROP_STAGED_FULL, 1);
	}
	s = &p->p_staged[p->p_nstaged++];
	s->buf = buf;
	s->len = len;
}

void
wgh_staged_drop(struct wgh_peer *p, int count)
{
	int	i;

	for (i = 0; i < p->p_nstaged; i++) {
		sodium_memzero(p->p_staged[i].buf, p->p_staged[i].len);
		free(p->p_staged[i].buf);
	}
	if (count)
		WGH_COUNT_DROP(p->p_host, WGH_DROP_GAVE_UP, p->p_nstaged);
	p->p_nstaged = 0;
}

void
wgh_staged_flush(struct wgh_peer *p, struct wg_time now)
{
	struct wgh_staged	 s;
	uint8_t			*buf;

	while (p->p_nstaged > 0 && wgh_peer_has_session(p, now)) {
		s = p->p_staged[0];
		memmove(&p->p_staged[0], &p->p_staged[1],
		    (p->p_nstaged - 1) * sizeof(p->p_staged[0]));
		p->p_nstaged--;
		buf = wgh_copybuf(p->p_host);
		memcpy(buf + WG_TRANSPORT_HEADER, s.buf, s.len);
		sodium_memzero(s.buf, s.len);
		free(s.buf);
		wgh_send(p, buf, s.len, now);
	}
}

int
wgh_send(struct wgh_peer *p, uint8_t *buf, size_t len, struct wg_time now)
{
	struct wghost		*h = p->p_host;
	struct wg_result	 res;
	int			 rc = -1;

	res.msg_len = 0;
	res.events = 0;
	switch (wg_send(p->p_wg, now, buf, len, h->h_bufsize, &res)) {
	case WG_TX_OK:
		if (p->p_eplen == 0)
			WGH_COUNT_DROP(h, WGH_DROP_NO_ENDPOINT, 1);
		else if (wgh_txq_add(h, buf, res.wire_len, &p->p_ep,
		    p->p_eplen) == -1)
			WGH_COUNT_DROP(h, WGH_DROP_SEND, 1);
		else {
			p->p_tx_pkts++;
			p->p_tx_bytes += res.wire_len;
			rc = 0;
		}
		break;
	case WG_TX_NEED_HANDSHAKE:
		if (len == 0)
			break;
		if (p->p_eplen == 0) {
			/* Nobody to ask: the peer must contact us first. */
			WGH_COUNT_DROP(h, WGH_DROP_NO_ENDPOINT, 1);
			break;
		}
		wgh_stage(p, buf + WG_TRANSPORT_HEADER, len);
		break;
	case WG_TX_ERROR:
		/* Counted by WireGuard, by reason. */
		break;
	}
	if (res.msg_len > 0)
		wgh_queue_to_peer(p, res.msg, res.msg_len);
	if (res.events & ~(WG_EV_SEND_MSG | WG_EV_HANDSHAKE_SENT))
		wgh_result(p, &res, NULL, 0, now);
	wgh_touch(p);
	return rc;
}

int
wgh_initiate(struct wgh_peer *p, struct wg_time now, int force)
{
	struct wg_result	res;

	res.msg_len = 0;
	res.events = 0;
	if (wg_peer_initiate(p->p_wg, now, force, &res) == -1 ||
	    res.msg_len == 0)
		return 0;
	wgh_queue_to_peer(p, res.msg, res.msg_len);
	wgh_touch(p);
	return 1;
}
