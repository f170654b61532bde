/*
 * libFuzzer target for eg-supd's HTTP side end to end: the input is
 * what a client sends, over a real loopback connection, to the server
 * that serves both APIs (control_http_*.c, control_manage_*.c) with a
 * test config, keys and a "parent" that checks every Manage call's
 * credential and change with the parent's code (parent_manage_auth.c)
 * and answers at once.  A byte 0xff splits the input into chunks, between which the
 * loop runs, so requests also come in pieces.  Then the client shuts its
 * side and reads until the server closes.
 *
 * Each input comes from another source address of 127.0.0.0/8, so that
 * one input's failed passwords do not throttle the next (the table of
 * sources fills and is evicted from instead).  Checked: the server
 * closes within a bounded number of loop runs; whatever it sends starts
 * with a status line (evhttp echoes the request's version, whatever it
 * is); and once it has closed, no connection is counted open any more.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>

#include "regress/supd/http_test.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	port;

static void
init(void)
{
	int	fd;

	signal(SIGPIPE, SIG_IGN);
	setup("ManageAPI:\n  DelPeerByPrivKey: true\n");
	rec.answer = 200;
	edge_online(1, "198.51.100.1:3001", NULL);
	hstate_recompute();
	fd = listen_socket(&port);
	if (http_listen(fd, SUPD_HTTP_BOTH) == -1)
		bail("http_listen");
}

static int
dial(uint32_t n)
{
	struct sockaddr_in	sin;
	int			fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		bail("socket");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	/* 127.1.0.1 and up: never the server's 127.0.0.1. */
	sin.sin_addr.s_addr = htonl(0x7f010001 + n % 0xfff0);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		bail("bind");
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		bail("connect");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

/*
 * Runs the loop (blocking: until something happens, at the latest the
 * server's deadline) or just what is due; what the server sent is
 * appended to buf.  1 once the server has closed.
 */
static int
pump(int fd, int block, char *buf, size_t bufsz, size_t *have)
{
	struct pollfd	pfd;
	ssize_t		n;
	char		sink[4096];
	int		i;

	for (i = 0; i < 4; i++) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 0) == 1) {
			if (*have < bufsz)
				n = read(fd, buf + *have, bufsz - *have);
			else
				n = read(fd, sink, sizeof(sink));
			if (n == 0 || (n == -1 && errno != EAGAIN))
				return 1;	/* closed */
			if (n > 0 && *have < bufsz)
				*have += (size_t)n;
			continue;
		}
		event_base_loop(base, block ? EVLOOP_ONCE : EVLOOP_ONCE |
		    EVLOOP_NONBLOCK);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint32_t	 inputs;
	static char	 buf[65536];
	int		 status;
	const uint8_t	*p = data, *end = data + size, *cut;
	size_t		 have = 0;
	int		 fd, i, closed = 0;

	if (base == NULL)
		init();
	/* The "parent" answers the newest call it recorded: keep room. */
	rec.nmanage = 0;
	fd = dial(inputs++);
	while (p < end && !closed) {
		if ((cut = memchr(p, 0xff, (size_t)(end - p))) == NULL)
			cut = end;
		if (cut > p && write(fd, p, (size_t)(cut - p)) == -1 &&
		    errno != EAGAIN)
			break;
		closed = pump(fd, 0, buf, sizeof(buf), &have);
		p = cut + 1;
	}
	shutdown(fd, SHUT_WR);
	/* The server must close: it has the client's end (or a deadline). */
	for (i = 0; i < 2000 && !closed; i++)
		closed = pump(fd, 1, buf, sizeof(buf), &have);
	if (!closed)
		abort();	/* the server kept a closed client */
	close(fd);
	if (have > 0) {
		buf[have < sizeof(buf) ? have : sizeof(buf) - 1] = '\0';
		if (sscanf(buf, "HTTP/%*u.%*u %3d ", &status) != 1 ||
		    status < 100 || status > 599)
			abort();
	}
	for (i = 0; i < 200 && http_conns() > 0; i++)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	if (http_conns() != 0)
		abort();	/* counted open, though closed */
	return 0;
}
