/*
 * wgjunk's flood mode.  One unbound-address socket sends every datagram
 * with the source address in an IP_PKTINFO (IPV6_PKTINFO) message, so a
 * range of local addresses (127.0.0.0/8, or a range routed to lo as
 * local) can be spread over without a socket each; the replies to all
 * of them come back to the same socket, which tells from their
 * destination address whose they are.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "wg/wg_cookie.h"
#include "wgjunk.h"

#define FLOOD_BATCH	32
#define CMSG_ROOM	CMSG_SPACE(sizeof(struct in6_pktinfo))

struct flood_state {
	struct flood		*f;
	int			 s;
	int			 family;
	struct cookie_maker	*cm;		/* [nsrc], cookies on */
	uint8_t			*got;		/* [nsrc]: had a cookie */
	unsigned int		 next;		/* source of the next one */
};

static uint64_t
mono_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The low 32 bits of an address, where the range is counted. */
static uint32_t *
addr_low(struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return &((struct sockaddr_in *)ss)->sin_addr.s_addr;
	return &((struct sockaddr_in6 *)ss)->sin6_addr.s6_addr32[3];
}

/* Source i of the range, as its pktinfo control message. */
static void
src_cmsg(const struct flood_state *st, unsigned int i, void *room,
    struct msghdr *mh)
{
	struct sockaddr_storage	 a = st->f->src;
	struct cmsghdr		*c;
	struct in_pktinfo	 pi;
	struct in6_pktinfo	 pi6;
	uint32_t		*low = addr_low(&a);

	*low = htonl(ntohl(*low) + i);
	mh->msg_control = room;
	memset(room, 0, CMSG_ROOM);
	c = (struct cmsghdr *)room;
	if (st->family == AF_INET) {
		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = ((struct sockaddr_in *)&a)->sin_addr;
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		memset(&pi6, 0, sizeof(pi6));
		pi6.ipi6_addr = ((struct sockaddr_in6 *)&a)->sin6_addr;
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi6));
		memcpy(CMSG_DATA(c), &pi6, sizeof(pi6));
		mh->msg_controllen = CMSG_SPACE(sizeof(pi6));
	}
}

/* Which source a received datagram was sent to; -1: none of ours. */
static long
reply_source(const struct flood_state *st, struct msghdr *mh)
{
	struct sockaddr_storage	 a = st->f->src, b = st->f->src;
	struct cmsghdr		*c;
	struct in_pktinfo	 pi;
	struct in6_pktinfo	 pi6;
	uint32_t		 i;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			((struct sockaddr_in *)&b)->sin_addr = pi.ipi_addr;
			break;
		}
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			memcpy(&pi6, CMSG_DATA(c), sizeof(pi6));
			((struct sockaddr_in6 *)&b)->sin6_addr = pi6.ipi6_addr;
			break;
		}
	}
	if (c == NULL)
		return -1;
	i = ntohl(*addr_low(&b)) - ntohl(*addr_low(&a));
	*addr_low(&b) = *addr_low(&a);
	if (i >= st->f->nsrc || memcmp(&a, &b, sizeof(a)) != 0)
		return -1;
	return i;
}

static void
flood_reply(struct flood_state *st, const uint8_t *buf, size_t len,
    struct msghdr *mh)
{
	struct flood	*f = st->f;
	long		 i;

	f->replies++;
	if (len != WG_COOKIE_REPLY_LEN || buf[0] != WG_MSG_COOKIE)
		return;
	f->cookies++;
	if (st->cm == NULL)
		return;
	if (st->f->nsrc == 0)
		i = 0;
	else if ((i = reply_source(st, mh)) == -1)
		return;
	if (cookie_maker_consume_reply(&st->cm[i],
	    (const struct wg_msg_cookie *)buf, mono_ns()) != 0)
		return;
	f->taken++;
	if (!st->got[i]) {
		st->got[i] = 1;
		f->sources_with_cookie++;
	}
}

/* Everything waiting on the socket, without blocking. */
static void
flood_drain(struct flood_state *st)
{
	static uint8_t		 bufs[FLOOD_BATCH][256];
	static uint8_t		 ctl[FLOOD_BATCH][CMSG_ROOM];
	struct mmsghdr		 msgs[FLOOD_BATCH];
	struct iovec		 iov[FLOOD_BATCH];
	int			 i, n;

	for (;;) {
		memset(msgs, 0, sizeof(msgs));
		for (i = 0; i < FLOOD_BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_control = ctl[i];
			msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
		if ((n = recvmmsg(st->s, msgs, FLOOD_BATCH, MSG_DONTWAIT,
		    NULL)) <= 0)
			return;
		for (i = 0; i < n; i++)
			flood_reply(st, bufs[i], msgs[i].msg_len,
			    &msgs[i].msg_hdr);
	}
}

/* Until the monotonic clock reads until, replies counted meanwhile. */
static void
flood_wait(struct flood_state *st, uint64_t until)
{
	struct pollfd	pfd = { .fd = st->s, .events = POLLIN };
	struct timespec	ts;
	uint64_t	now;

	while ((now = mono_ns()) < until) {
		ts.tv_sec = (until - now) / 1000000000ULL;
		ts.tv_nsec = (until - now) % 1000000000ULL;
		if (ppoll(&pfd, 1, &ts, NULL) > 0)
			flood_drain(st);
	}
	flood_drain(st);
}

static void
flood_batch(struct flood_state *st, int n)
{
	static uint8_t		 bufs[FLOOD_BATCH][WG_HANDSHAKE_MAX + 1500];
	static uint8_t		 ctl[FLOOD_BATCH][CMSG_ROOM];
	struct flood		*f = st->f;
	struct mmsghdr		 msgs[FLOOD_BATCH];
	struct iovec		 iov[FLOOD_BATCH];
	unsigned int		 src;
	int			 i, done, r;

	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < n; i++) {
		src = st->next;
		st->next = (st->next + 1) % (f->nsrc > 0 ? f->nsrc : 1);
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = f->make(f->make_arg, bufs[i]);
		if (st->cm != NULL && iov[i].iov_len == WG_INITIATION_LEN)
			cookie_maker_add_macs(&st->cm[src], bufs[i],
			    iov[i].iov_len, mono_ns());
		msgs[i].msg_hdr.msg_name = (void *)f->dst;
		msgs[i].msg_hdr.msg_namelen = f->dstlen;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		if (f->nsrc > 0)
			src_cmsg(st, src, ctl[i], &msgs[i].msg_hdr);
	}
	for (done = 0; done < n; done += r) {
		if ((r = sendmmsg(st->s, msgs + done, n - done, 0)) == -1) {
			if (errno != EAGAIN && errno != ENOBUFS &&
			    errno != EINTR)
				err(1, "sendmmsg");
			flood_wait(st, mono_ns() + 200000);
			r = 0;
		}
	}
	f->sent += n;
}

static void
flood_socket(struct flood_state *st)
{
	struct sockaddr_storage	ss;
	int			one = 1;

	st->family = st->f->dst->sa_family;
	if ((st->s = socket(st->family, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1)
		err(1, "socket");
	/* The wildcard address: the replies to every source arrive here. */
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = st->family;
	if (bind(st->s, (struct sockaddr *)&ss, st->family == AF_INET ?
	    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) == -1)
		err(1, "bind");
	if ((st->family == AF_INET ?
	    setsockopt(st->s, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) :
	    setsockopt(st->s, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
	    sizeof(one))) == -1)
		err(1, "pktinfo");
}

void
flood_run(struct flood *f)
{
	struct flood_state	st;
	uint64_t		t0;
	unsigned int		i;
	int			n;

	memset(&st, 0, sizeof(st));
	st.f = f;
	if (f->nsrc > FLOOD_SRC_MAX)
		errx(2, "at most %d sources", FLOOD_SRC_MAX);
	if (f->nsrc > 0 && f->src.ss_family != f->dst->sa_family)
		errx(2, "sources and destination of different families");
	flood_socket(&st);
	if (f->cookie_pub != NULL) {
		n = f->nsrc > 0 ? f->nsrc : 1;
		if ((st.cm = calloc(n, sizeof(*st.cm))) == NULL ||
		    (st.got = calloc(n, 1)) == NULL)
			err(1, "calloc");
		for (i = 0; i < (unsigned int)n; i++)
			cookie_maker_init(&st.cm[i], f->cookie_pub);
	}
	t0 = mono_ns();
	while (f->sent < f->count) {
		n = f->count - f->sent < FLOOD_BATCH ?
		    (int)(f->count - f->sent) : FLOOD_BATCH;
		flood_batch(&st, n);
		if (f->rate > 0)
			flood_wait(&st, t0 + f->sent * 1000000000ULL /
			    f->rate);
		else
			flood_drain(&st);
	}
	flood_wait(&st, mono_ns() + f->linger_ms * 1000000ULL);
	free(st.cm);
	free(st.got);
}
