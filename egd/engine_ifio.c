/*
 * Frame I/O on the local interface: see engine_ifio.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_ifio.h"
#include "util/log.h"

#define ETH_ALEN	6
#define ETH_ADDRS	(2 * ETH_ALEN)

static const uint8_t	kbd_base[ETH_ALEN] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
			    0x00 };

void
ifio_init(struct ifio *io, const struct ifio_info *info)
{
	int	i;

	memset(io, 0, sizeof(*io));
	io->kind = info->kind;
	io->l2mode = info->l2mode;
	io->maxframe = (size_t)info->mtu + 14;
	memcpy(io->mac, info->mac, ETH_ALEN);
	io->rxfd = io->txfd = -1;
	for (i = 0; i < IFIO_MAXCONN; i++)
		io->conns[i].fd = -1;
	if (info->kind == IFIO_TAP && info->vnet) {
		io->vnet = 1;
		if ((io->sbuf = malloc(GSO_VNET_HDR_LEN + 65536)) == NULL)
			fatal("interface buffer");
	}
}

void
ifio_free(struct ifio *io)
{
	int	i;

	for (i = 0; i < IFIO_MAXCONN; i++) {
		if (io->conns[i].fd != -1)
			close(io->conns[i].fd);
		free(io->conns[i].buf);
		free(io->conns[i].out);
	}
	if (io->rxfd != -1)
		close(io->rxfd);
	if (io->txfd != -1 && io->txfd != io->rxfd)
		close(io->txfd);
	free(io->line);
	free(io->sbuf);
	memset(io, 0, sizeof(*io));
}

void
ifio_add_conn(struct ifio *io, int fd, int dialed)
{
	struct ifio_conn	*c = &io->conns[dialed ? 1 : 0];

	/* As in EtherGuard, the newest connection of each side wins. */
	if (c->fd != -1)
		close(c->fd);
	c->fd = fd;
	c->dialed = dialed;
	c->len = 0;
	c->outoff = c->outlen = 0;
	if (io->kind == IFIO_STREAM && (c->buf == NULL || c->out == NULL)) {
		if ((c->buf == NULL &&
		    (c->buf = malloc(IFIO_STREAM_BUF)) == NULL) ||
		    (c->out == NULL &&
		    (c->out = malloc(IFIO_STREAM_BUF)) == NULL))
			fatal("interface stream buffer");
	}
}

void
ifio_drop_conn(struct ifio *io, int fd)
{
	int	i;

	for (i = 0; i < IFIO_MAXCONN; i++) {
		if (io->conns[i].fd == fd) {
			close(fd);
			io->conns[i].fd = -1;
			io->conns[i].len = 0;
			io->conns[i].outoff = io->conns[i].outlen = 0;
		}
	}
}

static struct ifio_conn *
ifio_conn_byfd(struct ifio *io, int fd)
{
	int	i;

	for (i = 0; i < IFIO_MAXCONN; i++)
		if (io->conns[i].fd == fd)
			return &io->conns[i];
	return NULL;
}

static void
kbd_mac(uint8_t mac[ETH_ALEN], uint8_t c)
{
	if (c == 'b')
		memset(mac, 0xff, ETH_ALEN);
	else {
		memcpy(mac, kbd_base, ETH_ALEN);
		mac[5] = (uint8_t)(c - '0');
	}
}

static uint8_t
kbd_char(const uint8_t mac[ETH_ALEN])
{
	return (mac[0] & 1) ? 'b' : (uint8_t)(mac[5] + '0');
}

/* A text line becomes a frame, as the stdio mode says. */
static int
ifio_line_frame(struct ifio *io, const uint8_t *line, size_t n,
    uint8_t *frame, size_t cap, size_t *len)
{
	if (io->l2mode == L2H_KBDBG) {
		/* Two address characters, then the payload. */
		if (n < 2 || n - 2 + ETH_ADDRS > cap)
			goto bad;
		kbd_mac(frame, line[0]);
		kbd_mac(frame + ETH_ALEN, line[1]);
		memcpy(frame + ETH_ADDRS, line + 2, n - 2);
		*len = n - 2 + ETH_ADDRS;
		return 1;
	}
	/* noL2: a broadcast from our own address. */
	if (n + ETH_ADDRS > cap)
		goto bad;
	memset(frame, 0xff, ETH_ALEN);
	memcpy(frame + ETH_ALEN, io->mac, ETH_ALEN);
	memcpy(frame + ETH_ADDRS, line, n);
	*len = n + ETH_ADDRS;
	return 1;

bad:
	io->rx_truncated++;
	return 0;
}

/* stdio kbdbg and noL2: frames are lines. */
static int
ifio_read_line(struct ifio *io, int fd, uint8_t *frame, size_t cap,
    size_t *len)
{
	uint8_t	*nl, *p;
	size_t	 n;
	ssize_t	 r;

	for (;;) {
		nl = io->linelen ? memchr(io->line, '\n', io->linelen) : NULL;
		if (nl != NULL) {
			n = nl - io->line + 1;
			r = ifio_line_frame(io, io->line, n, frame, cap, len);
			memmove(io->line, io->line + n, io->linelen - n);
			io->linelen -= n;
			if (r == 1)
				return 1;
			continue;
		}
		if (io->linecap - io->linelen < 512) {
			/* A line longer than a frame can never be sent. */
			if (io->linecap >= cap + 512) {
				io->rx_truncated++;
				io->linelen = 0;
			} else {
				p = realloc(io->line, io->linecap + 4096);
				if (p == NULL)
					fatal("stdio line buffer");
				io->line = p;
				io->linecap += 4096;
			}
		}
		r = read(fd, io->line + io->linelen, io->linecap - io->linelen);
		if (r == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (r == 0)
			return -1;
		io->linelen += r;
	}
}

/* tcpsock, unixsock: two bytes of length, then the frame. */
static int
ifio_read_stream(struct ifio *io, struct ifio_conn *c, uint8_t *frame,
    size_t cap, size_t *len)
{
	size_t	flen;
	ssize_t	r;

	for (;;) {
		if (c->len >= 2) {
			flen = (size_t)c->buf[0] << 8 | c->buf[1];
			if (c->len >= 2 + flen) {
				r = flen <= cap && flen > 0;
				if (r) {
					memcpy(frame, c->buf + 2, flen);
					*len = flen;
				} else
					io->rx_truncated++;
				memmove(c->buf, c->buf + 2 + flen,
				    c->len - 2 - flen);
				c->len -= 2 + flen;
				if (r)
					return 1;
				continue;
			}
		}
		r = read(c->fd, c->buf + c->len, IFIO_STREAM_BUF - c->len);
		if (r == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (r == 0)
			return -1;
		c->len += r;
	}
}

/*
 * A TAP with offloads: one read gives a virtio_net header and a frame
 * of up to 64 KiB, which comes out as segments, one per call.
 */
static int
ifio_read_vnet(struct ifio *io, int fd, uint8_t *frame, size_t cap,
    size_t *len)
{
	struct gso_vnet_hdr	 vh;
	uint8_t			*f = io->sbuf + GSO_VNET_HDR_LEN;
	ssize_t			 r;

	for (;;) {
		if (io->cutting) {
			r = gso_next(&io->git, frame, cap);
			if (r > 0) {
				*len = r;
				return 1;
			}
			io->cutting = 0;
			if (r == -1)
				io->rx_truncated++;
		}
		r = read(fd, io->sbuf, GSO_VNET_HDR_LEN + 65536);
		if (r == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (r == 0)
			return -1;
		if (r < GSO_VNET_HDR_LEN)
			continue;
		memcpy(&vh, io->sbuf, sizeof(vh));
		r -= GSO_VNET_HDR_LEN;
		if ((vh.gso_type & ~GSO_TYPE_ECN) != GSO_TYPE_NONE) {
			io->rx_superframes++;
			if (gso_start(&io->git, &vh, f, r) == 0)
				io->cutting = 1;
			else
				io->rx_gso_refused++;
			continue;
		}
		if (gso_finish_csum(&vh, f, r) == -1 || (size_t)r > cap) {
			io->rx_truncated++;
			continue;
		}
		memcpy(frame, f, r);
		*len = r;
		return 1;
	}
}

int
ifio_read(struct ifio *io, int fd, uint8_t *frame, size_t cap, size_t *len)
{
	struct ifio_conn	*c;
	struct sockaddr_storage	 from;
	socklen_t		 fromlen;
	size_t			 rcap;
	ssize_t			 r;

	/*
	 * Given room for it, read one byte more than a frame may have, so
	 * that a longer one shows even where read() cannot say it was cut
	 * (a datagram descriptor behind fd, a TAP whose MTU was raised).
	 */
	rcap = cap > io->maxframe ? io->maxframe + 1 : cap;
	if (cap > io->maxframe)
		cap = io->maxframe;
	switch (io->kind) {
	case IFIO_TAP:
		if (io->vnet)
			return ifio_read_vnet(io, fd, frame, cap, len);
		break;
	case IFIO_STDIO:
		if (io->l2mode != L2H_NOCHG)
			return ifio_read_line(io, fd, frame, cap, len);
		break;
	case IFIO_STREAM:
		if ((c = ifio_conn_byfd(io, fd)) == NULL)
			return -1;
		return ifio_read_stream(io, c, frame, cap, len);
	default:
		break;
	}
	for (;;) {
		switch (io->kind) {
		case IFIO_DGRAM:
			/* The last sender is answered: keep it over a miss. */
			fromlen = sizeof(from);
			r = recvfrom(fd, frame, rcap, MSG_TRUNC,
			    (struct sockaddr *)&from, &fromlen);
			if (r >= 0 && fromlen > 0 && fromlen <= sizeof(from)) {
				memcpy(&io->peer, &from, fromlen);
				io->peerlen = fromlen;
			}
			break;
		case IFIO_SEQPACKET:
			r = recv(fd, frame, rcap, MSG_TRUNC);
			break;
		default:
			r = read(fd, frame, rcap);
			break;
		}
		if (r == 0 && io->kind != IFIO_DGRAM)
			return -1;
		if (r == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			/* A datagram socket survives a bad datagram. */
			return io->kind == IFIO_DGRAM ? 0 : -1;
		}
		if ((size_t)r <= cap)
			break;
		/* Too long for the interface: count it, take the next. */
		io->rx_truncated++;
	}
	*len = r;
	return 1;
}

/* The rest of a cut frame: 1 if some still waits, 0 if none, -1 on error. */
static int
ifio_conn_flush(struct ifio_conn *c)
{
	ssize_t	r;

	if (c->outlen == 0)
		return 0;
	r = send(c->fd, c->out + c->outoff, c->outlen,
	    MSG_DONTWAIT | MSG_NOSIGNAL);
	if (r == -1)
		return errno == EAGAIN || errno == EINTR ? 1 : -1;
	c->outoff += r;
	c->outlen -= r;
	if (c->outlen == 0)
		c->outoff = 0;
	return c->outlen > 0;
}

static int
ifio_stream_write(struct ifio_conn *c, const uint8_t *frame, size_t len)
{
	struct msghdr	mh;
	struct iovec	iov[2];
	uint8_t		hdr[2] = { len >> 8, len & 0xff };
	size_t		sent;
	ssize_t		r;

	/* Never start a frame before the last one is complete. */
	if (ifio_conn_flush(c) != 0)
		return -1;
	iov[0].iov_base = hdr;
	iov[0].iov_len = 2;
	iov[1].iov_base = (void *)(uintptr_t)frame;
	iov[1].iov_len = len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	if ((r = sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL)) == -1)
		return -1;
	/* A full socket took part of it: keep the rest, to go first. */
	if ((sent = r) < len + 2) {
		if (sent < 2) {
			memcpy(c->out, hdr + sent, 2 - sent);
			memcpy(c->out + 2 - sent, frame, len);
		} else
			memcpy(c->out, frame + sent - 2, len + 2 - sent);
		c->outoff = 0;
		c->outlen = len + 2 - sent;
	}
	return 0;
}

int
ifio_flush(struct ifio *io, int fd)
{
	struct ifio_conn	*c;

	if ((c = ifio_conn_byfd(io, fd)) == NULL)
		return 0;
	/* An error shows again on the read side, which closes it. */
	return ifio_conn_flush(c) == 1;
}

int
ifio_write_vnet(struct ifio *io, const struct gso_vnet_hdr *vh,
    const uint8_t *frame, size_t len)
{
	struct iovec	iov[2];

	iov[0].iov_base = (void *)(uintptr_t)vh;
	iov[0].iov_len = GSO_VNET_HDR_LEN;
	iov[1].iov_base = (void *)(uintptr_t)frame;
	iov[1].iov_len = len;
	if (writev(io->rxfd, iov, 2) == -1) {
		io->tx_errors++;
		return -1;
	}
	return 0;
}

int
ifio_write(struct ifio *io, uint8_t *frame, size_t len)
{
	struct ifio_conn	*c;
	const uint8_t		*out = frame;
	size_t			 outlen = len;
	ssize_t			 r;
	int			 fd = io->txfd != -1 ? io->txfd : io->rxfd;

	if (len > io->maxframe)
		goto drop;
	switch (io->kind) {
	case IFIO_NONE:
		return 0;
	case IFIO_TAP:
		if (io->vnet) {
			/*
			 * The frame crossed WireGuard, which authenticated
			 * every byte: the kernel need not verify checksums.
			 */
			static const struct gso_vnet_hdr vh = {
				.flags = GSO_F_DATA_VALID,
			};

			return ifio_write_vnet(io, &vh, frame, len);
		}
		break;
	case IFIO_STDIO:
		if (io->l2mode == L2H_KBDBG) {
			if (len < ETH_ADDRS)
				goto drop;
			frame[ETH_ADDRS - 2] = kbd_char(frame);
			frame[ETH_ADDRS - 1] = kbd_char(frame + ETH_ALEN);
			out = frame + ETH_ADDRS - 2;
			outlen = len - ETH_ADDRS + 2;
		} else if (io->l2mode == L2H_NOL2) {
			if (len < ETH_ADDRS)
				goto drop;
			out = frame + ETH_ADDRS;
			outlen = len - ETH_ADDRS;
		}
		break;
	case IFIO_STREAM:
	case IFIO_SEQPACKET:
		/* The dialed connection sends, else the accepted one. */
		c = io->conns[1].fd != -1 ? &io->conns[1] : &io->conns[0];
		if (c->fd == -1)
			goto drop;
		if (io->kind == IFIO_STREAM) {
			if (ifio_stream_write(c, frame, len) == -1)
				goto drop;
			return 0;
		}
		fd = c->fd;
		break;
	case IFIO_DGRAM:
		if (io->txfd == -1 && io->peerlen > 0) {
			r = sendto(io->rxfd, frame, len, MSG_DONTWAIT,
			    (struct sockaddr *)&io->peer, io->peerlen);
			if (r == -1)
				goto drop;
			return 0;
		}
		break;
	default:
		break;
	}
	if (fd == -1)
		goto drop;
	if (write(fd, out, outlen) == -1)
		goto drop;
	return 0;

drop:
	io->tx_errors++;
	return -1;
}
