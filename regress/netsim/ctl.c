/*
 * The control socket, RUNDIR/ctl: a client connects, writes one request
 * line, and reads the reply until the emulator closes.  The reply's
 * first line is "ok" or "error MESSAGE"; any lines after it are the
 * answer (stats, show, nodes).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"
#include "netsim.h"
#include "ctl.h"

#define CTL_TIMEOUT_S	10	/* a client gives up on a silent emulator */

void
buf_printf(struct ns_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 need;
	char	*p;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("buf_printf: bad format");
	need = b->b_len + (size_t)n + 1;
	if (need > b->b_cap) {
		size_t cap = b->b_cap ? b->b_cap : 256;

		while (cap < need)
			cap *= 2;
		if ((p = realloc(b->b_data, cap)) == NULL)
			fatal("realloc");
		b->b_data = p;
		b->b_cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->b_data + b->b_len, b->b_cap - b->b_len, fmt, ap);
	va_end(ap);
	b->b_len += (size_t)n;
}

void
buf_free(struct ns_buf *b)
{
	free(b->b_data);
	b->b_data = NULL;
	b->b_len = b->b_cap = 0;
}

static int
ctl_addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlcpy(sun->sun_path, path, sizeof(sun->sun_path)) >=
	    sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Listens on path (mode 0600), non-blocking; -1 on error. */
int
ctl_listen(const char *path)
{
	struct sockaddr_un	sun;
	mode_t			old;
	int			fd;

	if (ctl_addr(path, &sun) == -1) {
		log_warn("%s", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("socket");
		return -1;
	}
	unlink(path);
	old = umask(0077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_warn("bind %s", path);
		umask(old);
		close(fd);
		return -1;
	}
	umask(old);
	if (listen(fd, 16) == -1) {
		log_warn("listen %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

struct ctl_conn *
ctl_accept(int lfd)
{
	struct ctl_conn	*c;
	int		 fd;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) ==
	    -1) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("accept");
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("calloc");
	c->c_fd = fd;
	return c;
}

/*
 * Reads what the client sent.  Returns 1 once c_in holds a whole line
 * (NUL-terminated, newline removed), 0 to wait for more, -1 when the
 * client is gone or sent too much.
 */
int
ctl_read(struct ctl_conn *c)
{
	ssize_t	 n;
	char	*nl;

	n = read(c->c_fd, c->c_in + c->c_inlen, sizeof(c->c_in) - 1 -
	    c->c_inlen);
	if (n == -1)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	c->c_inlen += (size_t)n;
	c->c_in[c->c_inlen] = '\0';
	if ((nl = memchr(c->c_in, '\n', c->c_inlen)) != NULL) {
		*nl = '\0';
		return 1;
	}
	return c->c_inlen == sizeof(c->c_in) - 1 ? -1 : 0;
}

/* Writes the reply on.  Returns 1 when all is written, 0, -1. */
int
ctl_flush(struct ctl_conn *c)
{
	ssize_t	n;

	while (c->c_outoff < c->c_out.b_len) {
		n = write(c->c_fd, c->c_out.b_data + c->c_outoff,
		    c->c_out.b_len - c->c_outoff);
		if (n == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->c_outoff += (size_t)n;
	}
	return 1;
}

void
ctl_close(struct ctl_conn *c)
{
	close(c->c_fd);
	buf_free(&c->c_out);
	free(c);
}

/*
 * Client side: sends line to the emulator at path and collects its
 * whole reply.  Returns -1 (errno set) when it cannot be reached.
 */
int
ctl_request(const char *path, const char *line, struct ns_buf *reply)
{
	struct sockaddr_un	sun;
	struct timeval		tv = { CTL_TIMEOUT_S, 0 };
	char			chunk[4096];
	ssize_t			n;
	size_t			len = strlen(line), off;
	int			fd, saved;

	if (ctl_addr(path, &sun) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		goto fail;
	for (off = 0; off < len; off += (size_t)n)
		if ((n = write(fd, line + off, len - off)) == -1)
			goto fail;
	if (write(fd, "\n", 1) != 1)
		goto fail;
	while ((n = read(fd, chunk, sizeof(chunk) - 1)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		chunk[n] = '\0';
		buf_printf(reply, "%s", chunk);
	}
	close(fd);
	return 0;
 fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
