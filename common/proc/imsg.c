/*
 * Framed messages with file descriptor passing; see imsg.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"

#define IMSG_RBUF_INITIAL	(16 * 1024)
#define IMSG_WRITE_IOV		64

void
imsgbuf_init(struct imsgbuf *ib, int fd)
{
	memset(ib, 0, sizeof(*ib));
	ib->fd = fd;
	ib->pid = getpid();
	ib->maxsize = IMSG_MAXSIZE_DEFAULT;
	TAILQ_INIT(&ib->outq);
}

void
imsgbuf_set_maxsize(struct imsgbuf *ib, size_t max)
{
	if (max < IMSG_HEADER_SIZE)
		max = IMSG_HEADER_SIZE;
	if (max > IMSG_MAXSIZE_LIMIT)
		max = IMSG_MAXSIZE_LIMIT;
	ib->maxsize = max;
}

static void
imsg_out_free(struct imsg_out *o)
{
	if (o->fd != -1)
		close(o->fd);
	free(o->buf);
	free(o);
}

void
imsgbuf_clear(struct imsgbuf *ib)
{
	struct imsg_out	*o;
	int		 i;

	while ((o = TAILQ_FIRST(&ib->outq)) != NULL) {
		TAILQ_REMOVE(&ib->outq, o, entry);
		imsg_out_free(o);
	}
	ib->outbytes = 0;
	for (i = 0; i < ib->nrfds; i++)
		close(ib->rfds[i]);
	ib->nrfds = 0;
	free(ib->rbuf);
	ib->rbuf = NULL;
	ib->rlen = ib->rcap = 0;
}

int
imsg_compose_iov(struct imsgbuf *ib, uint32_t type, uint32_t peerid,
    uint32_t pid, int fd, const struct iovec *iov, int iovcnt)
{
	struct imsg_out	*o;
	struct imsg_hdr	 hdr;
	size_t		 len = IMSG_HEADER_SIZE, off;
	int		 i;

	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > ib->maxsize)
			goto toobig;
		len += iov[i].iov_len;
	}
	if (len > ib->maxsize)
		goto toobig;
	if (ib->outbytes + len > IMSG_QUEUE_MAX) {
		if (fd != -1)
			close(fd);
		errno = ENOBUFS;
		return -1;
	}

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return -1;
	if ((o->buf = malloc(len)) == NULL) {
		free(o);
		return -1;
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.len = len;
	hdr.peerid = peerid;
	hdr.pid = pid ? pid : (uint32_t)ib->pid;
	hdr.flags = fd != -1 ? IMSGF_HASFD : 0;
	memcpy(o->buf, &hdr, sizeof(hdr));
	off = sizeof(hdr);
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len == 0)
			continue;
		memcpy(o->buf + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	o->len = len;
	o->fd = fd;
	TAILQ_INSERT_TAIL(&ib->outq, o, entry);
	ib->outbytes += len;
	return 0;

toobig:
	/* The descriptor is ours to dispose of, as on success. */
	if (fd != -1)
		close(fd);
	errno = EMSGSIZE;
	return -1;
}

int
imsg_compose(struct imsgbuf *ib, uint32_t type, uint32_t peerid,
    uint32_t pid, int fd, const void *data, size_t len)
{
	struct iovec	iov;

	iov.iov_base = (void *)(uintptr_t)data;
	iov.iov_len = len;
	return imsg_compose_iov(ib, type, peerid, pid, fd, &iov,
	    len ? 1 : 0);
}

size_t
imsgbuf_queued(const struct imsgbuf *ib)
{
	return ib->outbytes;
}

/*
 * A passed descriptor travels with the first byte of its message, so a
 * sendmsg() carries at most one descriptor and stops before the next
 * message that has one.
 */
int
imsgbuf_write(struct imsgbuf *ib)
{
	struct iovec	 iov[IMSG_WRITE_IOV];
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct imsg_out	*o, *next;
	ssize_t		 n;
	int		 iovcnt, passfd;

	while ((o = TAILQ_FIRST(&ib->outq)) != NULL) {
		memset(&msg, 0, sizeof(msg));
		passfd = o->pos == 0 && o->fd != -1;
		iovcnt = 0;
		TAILQ_FOREACH(next, &ib->outq, entry) {
			if (iovcnt == IMSG_WRITE_IOV)
				break;
			if (next != o && next->fd != -1)
				break;
			iov[iovcnt].iov_base = next->buf + next->pos;
			iov[iovcnt].iov_len = next->len - next->pos;
			iovcnt++;
		}
		msg.msg_iov = iov;
		msg.msg_iovlen = iovcnt;
		if (passfd) {
			memset(&cmsgbuf, 0, sizeof(cmsgbuf));
			msg.msg_control = cmsgbuf.buf;
			msg.msg_controllen = sizeof(cmsgbuf.buf);
			cmsg = CMSG_FIRSTHDR(&msg);
			cmsg->cmsg_len = CMSG_LEN(sizeof(int));
			cmsg->cmsg_level = SOL_SOCKET;
			cmsg->cmsg_type = SCM_RIGHTS;
			memcpy(CMSG_DATA(cmsg), &o->fd, sizeof(int));
		}
		do {
			n = sendmsg(ib->fd, &msg, MSG_NOSIGNAL);
		} while (n == -1 && errno == EINTR);
		if (n == -1)
			return -1;
		if (passfd) {
			close(o->fd);
			o->fd = -1;
		}
		ib->outbytes -= n;
		while (n > 0 && (o = TAILQ_FIRST(&ib->outq)) != NULL) {
			size_t left = o->len - o->pos;

			if ((size_t)n < left) {
				o->pos += n;
				break;
			}
			n -= left;
			TAILQ_REMOVE(&ib->outq, o, entry);
			imsg_out_free(o);
		}
	}
	return 0;
}

int
imsgbuf_flush(struct imsgbuf *ib)
{
	struct pollfd	pfd;

	while (!TAILQ_EMPTY(&ib->outq)) {
		if (imsgbuf_write(ib) == 0)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		pfd.fd = ib->fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
			return -1;
	}
	return 0;
}

static int
imsgbuf_reserve(struct imsgbuf *ib, size_t want)
{
	uint8_t	*p;
	size_t	 cap;

	if (ib->rcap >= want)
		return 0;
	cap = ib->rcap ? ib->rcap : IMSG_RBUF_INITIAL;
	while (cap < want)
		cap *= 2;
	if ((p = realloc(ib->rbuf, cap)) == NULL)
		return -1;
	ib->rbuf = p;
	ib->rcap = cap;
	return 0;
}

ssize_t
imsgbuf_read(struct imsgbuf *ib)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int) * 8)];
	} cmsgbuf;
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct iovec	 iov;
	ssize_t		 n;
	size_t		 i, nfds;
	int		 fd;

	if (imsgbuf_reserve(ib, ib->rlen + IMSG_RBUF_INITIAL) == -1)
		return -1;
	iov.iov_base = ib->rbuf + ib->rlen;
	iov.iov_len = ib->rcap - ib->rlen;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsgbuf.buf;
	msg.msg_controllen = sizeof(cmsgbuf.buf);

	do {
		n = recvmsg(ib->fd, &msg, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;

	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfds; i++) {
			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			    sizeof(int));
			/* A peer flooding us with descriptors loses them. */
			if (ib->nrfds < IMSG_MAXFDS_QUEUED)
				ib->rfds[ib->nrfds++] = fd;
			else
				close(fd);
		}
	}
	if (msg.msg_flags & MSG_CTRUNC) {
		errno = EBADMSG;
		return -1;
	}
	ib->rlen += n;
	return n;
}

int
imsg_get(struct imsgbuf *ib, struct imsg *imsg)
{
	struct imsg_hdr	hdr;
	size_t		datalen;

	if (ib->rlen < IMSG_HEADER_SIZE)
		return 0;
	memcpy(&hdr, ib->rbuf, sizeof(hdr));
	if (hdr.len < IMSG_HEADER_SIZE || hdr.len > ib->maxsize ||
	    (hdr.flags & ~IMSGF_HASFD) != 0 || hdr.reserved != 0) {
		errno = EBADMSG;
		return -1;
	}
	if (ib->rlen < hdr.len) {
		/* Make room for the rest of this message. */
		if (imsgbuf_reserve(ib, hdr.len) == -1)
			return -1;
		return 0;
	}

	memset(imsg, 0, sizeof(*imsg));
	imsg->hdr = hdr;
	imsg->fd = -1;
	datalen = hdr.len - IMSG_HEADER_SIZE;
	if (datalen > 0) {
		if ((imsg->data = malloc(datalen)) == NULL)
			return -1;
		memcpy(imsg->data, ib->rbuf + IMSG_HEADER_SIZE, datalen);
	}
	imsg->datalen = datalen;
	if (hdr.flags & IMSGF_HASFD) {
		if (ib->nrfds > 0) {
			imsg->fd = ib->rfds[0];
			memmove(ib->rfds, ib->rfds + 1,
			    (ib->nrfds - 1) * sizeof(int));
			ib->nrfds--;
		}
	}
	ib->rlen -= hdr.len;
	memmove(ib->rbuf, ib->rbuf + hdr.len, ib->rlen);
	return 1;
}

void
imsg_free(struct imsg *imsg)
{
	free(imsg->data);
	imsg->data = NULL;
	imsg->datalen = 0;
}
