/*
 * libFuzzer target for imsg framing (common/proc/imsg.c), as the control
 * socket and every channel between processes read it: arbitrary bytes,
 * some with a descriptor attached, are written into one end of a stream
 * socket pair in chunks; the other end is read with imsgbuf_read() and
 * taken apart with imsg_get() after every read, as ctlsrv.c and proc.c
 * do.  A model of the framing (a header, its length, flags and reserved
 * field, the maximum size) says what each imsg_get() must return: the
 * same messages, byte for byte, with the descriptors in the order they
 * came, and EBADMSG for the first bad header, after which the reader
 * is dropped.  Every message taken is sent back with imsg_compose() and
 * imsgbuf_write() over a second pair and must arrive the same.  No
 * descriptor may be left open at the end.
 *
 * Input: byte 0 picks the reader's maximum size; then chunks, each a
 * byte c and its bytes: c & 0x3f bytes, or with c & 0x80 a 2-byte
 * length; c & 0x40 attaches a descriptor.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/imsg.h"

#define MAXFDPOS	256	/* descriptors sent per input, at most */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);


static struct {
	const uint8_t	*sent;		/* the stream, as written */
	size_t		 nread;		/* bytes the reader took */
	size_t		 off;		/* the next message's offset */
	size_t		 fdpos[MAXFDPOS]; /* stream offsets of descriptors */
	size_t		 nfdpos;
	size_t		 fdarrived;	/* of fdpos, received */
	int		 nfds;		/* the reader holds */
	size_t		 maxsize;
} m;

/* Descriptors open: a leak anywhere shows, not only below the rest. */
static int
open_fds(void)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		abort();
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* What the reader now holds: the bytes read, the descriptors with them. */
static void
model_read(size_t n)
{
	m.nread += n;
	while (m.fdarrived < m.nfdpos && m.fdpos[m.fdarrived] < m.nread) {
		m.fdarrived++;
		if (m.nfds < IMSG_MAXFDS_QUEUED)
			m.nfds++;	/* else the reader closed it */
	}
}

static void
check_echo(struct imsgbuf *w, struct imsgbuf *r, const struct imsg *in,
    int hadfd)
{
	struct imsg	out;
	ssize_t		n;
	int		got, tries;

	if (imsg_compose(w, in->hdr.type, in->hdr.peerid, in->hdr.pid,
	    in->fd, in->data, in->datalen) == -1)
		abort();
	/* Write and read in turns: the message may not fit the socket. */
	for (tries = 0;; tries++) {
		if (imsgbuf_write(w) == -1 && errno != EAGAIN)
			abort();
		n = imsgbuf_read(r);
		if (n == 0 || (n == -1 && errno != EAGAIN))
			abort();
		if ((got = imsg_get(r, &out)) == 1)
			break;
		/* Written, read, and still not whole: lost. */
		if (got == -1 || tries > 100000 ||
		    (imsgbuf_queued(w) == 0 && n == -1))
			abort();
	}
	/* pid 0 is stamped with the sender's; the rest comes back. */
	if (out.hdr.type != in->hdr.type || out.hdr.len != in->hdr.len ||
	    out.hdr.peerid != in->hdr.peerid ||
	    (in->hdr.pid != 0 && out.hdr.pid != in->hdr.pid) ||
	    out.datalen != in->datalen || (out.fd != -1) != hadfd ||
	    (out.datalen > 0 && memcmp(out.data, in->data, out.datalen)))
		abort();
	if (out.fd != -1)
		close(out.fd);
	imsg_free(&out);
}

/* Takes every whole message; -1 once the model says the frame is bad. */
static int
drain(struct imsgbuf *ib, struct imsgbuf *ew, struct imsgbuf *er)
{
	struct imsg_hdr	hdr;
	struct imsg	imsg;
	int		r, hadfd;

	for (;;) {
		r = imsg_get(ib, &imsg);
		if (m.nread - m.off < IMSG_HEADER_SIZE) {
			if (r != 0)
				abort();
			return 0;
		}
		memcpy(&hdr, m.sent + m.off, sizeof(hdr));
		if (hdr.len < IMSG_HEADER_SIZE || hdr.len > m.maxsize ||
		    (hdr.flags & ~IMSGF_HASFD) != 0 || hdr.reserved != 0) {
			if (r != -1 || errno != EBADMSG)
				abort();
			return -1;
		}
		if (m.nread - m.off < hdr.len) {
			if (r != 0)
				abort();
			return 0;
		}
		if (r != 1 || memcmp(&imsg.hdr, &hdr, sizeof(hdr)) != 0 ||
		    imsg.datalen != hdr.len - IMSG_HEADER_SIZE ||
		    (imsg.datalen > 0 && memcmp(imsg.data, m.sent + m.off +
		    IMSG_HEADER_SIZE, imsg.datalen) != 0))
			abort();
		hadfd = (hdr.flags & IMSGF_HASFD) && m.nfds > 0;
		if (hadfd != (imsg.fd != -1) ||
		    (hadfd && fcntl(imsg.fd, F_GETFD) == -1))
			abort();
		if (hadfd)
			m.nfds--;
		m.off += hdr.len;
		/* The descriptor goes with the echo, which closes it. */
		check_echo(ew, er, &imsg, hadfd);
		imsg_free(&imsg);
	}
}

/* Writes part of a chunk (the descriptor with its first byte). */
static ssize_t
send_some(int fd, const uint8_t *p, size_t len, int pass)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct iovec	 iov;
	ssize_t		 n;
	int		 nullfd = -1;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)(uintptr_t)p;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (pass) {
		if ((nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
			abort();
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = sizeof(cmsgbuf.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cmsg), &nullfd, sizeof(int));
	}
	n = sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (nullfd != -1)
		close(nullfd);
	if (n == -1 && errno != EAGAIN)
		abort();
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t	 maxsizes[] = {
		IMSG_HEADER_SIZE, IMSG_HEADER_SIZE + 1, 64, 4096,
		64 * 1024, IMSG_MAXSIZE_DEFAULT
	};
	struct imsgbuf		 rd, ew, er;
	uint8_t			*stream;
	size_t			 i, len, done, slen = 0;
	ssize_t			 n;
	int			 sp[2], ep[2], pass, bad = 0, nfds;
	uint8_t			 c;

	if (size < 1)
		return 0;
	nfds = open_fds();
	if ((stream = malloc(size)) == NULL)
		abort();
	memset(&m, 0, sizeof(m));
	m.sent = stream;
	m.maxsize = maxsizes[data[0] % (sizeof(maxsizes) /
	    sizeof(maxsizes[0]))];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, ep) == -1)
		abort();
	fcntl(sp[0], F_SETFL, O_NONBLOCK);
	fcntl(ep[0], F_SETFL, O_NONBLOCK);
	fcntl(ep[1], F_SETFL, O_NONBLOCK);
	imsgbuf_init(&rd, sp[0]);
	imsgbuf_set_maxsize(&rd, m.maxsize);
	if (rd.maxsize != m.maxsize)
		abort();
	imsgbuf_init(&ew, ep[1]);
	imsgbuf_set_maxsize(&ew, m.maxsize);
	imsgbuf_init(&er, ep[0]);
	imsgbuf_set_maxsize(&er, m.maxsize);

	for (i = 1; i < size && !bad; ) {
		c = data[i++];
		len = c & 0x3f;
		if (c & 0x80) {
			if (size - i < 2)
				break;
			len = data[i] | data[i + 1] << 8;
			i += 2;
		}
		if (len > size - i)
			len = size - i;
		pass = (c & 0x40) && len > 0 && m.nfdpos < MAXFDPOS;
		if (pass)
			m.fdpos[m.nfdpos++] = slen;
		memcpy(stream + slen, data + i, len);
		slen += len;
		i += len;
		/* Write it all, reading whenever the socket is full. */
		for (done = 0; done < len || m.nread < slen; ) {
			if (done < len && (n = send_some(sp[1], data + i -
			    len + done, len - done, pass && done == 0)) > 0) {
				done += n;
			}
			n = imsgbuf_read(&rd);
			if (n == 0 || (n == -1 && errno != EAGAIN))
				abort();
			if (n > 0)
				model_read(n);
			if (drain(&rd, &ew, &er) == -1) {
				bad = 1;
				break;
			}
		}
	}
	imsgbuf_clear(&rd);
	imsgbuf_clear(&ew);
	imsgbuf_clear(&er);
	close(sp[0]);
	close(sp[1]);
	close(ep[0]);
	close(ep[1]);
	free(stream);
	if (open_fds() != nfds)
		abort();	/* a descriptor leaked */
	return 0;
}
