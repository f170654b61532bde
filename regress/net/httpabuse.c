/*
 * httpabuse: abusive HTTP clients for eg-supd's EdgeAPI and Manage API,
 * so that tests can measure what the server lets through.
 *
 * usage: httpabuse slow [-b addr] [-n conns] [-i secs] [-t secs]
 *            host port
 *	Opens conns (256) connections and, on each, sends a request that
 *	never ends, one byte every -i (2) seconds, for -t (30) seconds.
 *	Prints "connected= early= closed= open= maxlife=": how many
 *	connected, how many the server closed within 1 s of the connection
 *	being made, how many it closed later, how many were still open at
 *	the end, and the longest time a connection the server closed had
 *	lived (s).
 *
 *        httpabuse guess [-b addr] [-n requests] [-t secs] host port
 *            path
 *	Sends up to requests (3000) GETs of path, each with another wrong
 *	password in X-EG-Password, over keep-alive connections (a new one
 *	when the server closes), for at most -t (30) seconds.  Prints
 *	"sent= s401= s429= sother= conns= secs=".
 *
 * -b: the local address to send from (any 127.0.0.0/8 address works on
 * loopback).  IPv4 only: that is what the tests use.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLOW_MAX	4096
#define SLOW_REQ	"GET /eg/api/edge/peerinfo?NodeID=1 HTTP/1.1\r\n" \
			"Host: x\r\nX-Slow: "

static struct sockaddr_in	dst, src;
static int			have_src;

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: httpabuse slow [-b addr] [-n conns] "
	    "[-i secs] [-t secs] host port\n"
	    "       httpabuse guess [-b addr] [-n requests] [-t secs] "
	    "host port path\n");
	exit(2);
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
set_addr(struct sockaddr_in *sin, const char *host, int port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", host);
}

/* A blocking connection to dst from src; -1 if refused or reset. */
static int
dial(void)
{
	int	s;

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (have_src && bind(s, (struct sockaddr *)&src, sizeof(src)) == -1)
		err(1, "bind");
	if (connect(s, (struct sockaddr *)&dst, sizeof(dst)) == -1) {
		close(s);
		return -1;
	}
	return s;
}

struct slow {
	int	fd;
	int	up;		/* connected */
	double	born;
	size_t	sent;
};

/* Starts a non-blocking connection from src to dst; -1 if it failed. */
static int
dial_nb(void)
{
	int	s;

	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		err(1, "socket");
	if (have_src && bind(s, (struct sockaddr *)&src, sizeof(src)) == -1)
		err(1, "bind");
	if (connect(s, (struct sockaddr *)&dst, sizeof(dst)) == -1 &&
	    errno != EINPROGRESS) {
		close(s);
		return -1;
	}
	return s;
}

static int
slow_main(int n, double interval, double duration)
{
	static struct slow	c[SLOW_MAX];
	static struct pollfd	pfd[SLOW_MAX];
	static int		idx[SLOW_MAX];
	const char		*req = SLOW_REQ;
	double			 start, next, t, life, maxlife = 0;
	int			 i, j, np, connected = 0, early = 0;
	int			 closed = 0, open = 0, e;
	socklen_t		 elen;
	char			 b, buf[512];

	if (n > SLOW_MAX)
		n = SLOW_MAX;
	for (i = 0; i < n; i++) {
		c[i].born = now_s();
		c[i].fd = dial_nb();
	}
	start = now_s();
	next = start;
	while ((t = now_s()) < start + duration) {
		if (t >= next) {
			/* One more byte of the endless request on each. */
			for (i = 0; i < n; i++) {
				if (c[i].fd == -1 || !c[i].up)
					continue;
				b = c[i].sent < strlen(req) ? req[c[i].sent] :
				    'a';
				if (write(c[i].fd, &b, 1) == 1)
					c[i].sent++;
			}
			next += interval;
		}
		for (i = np = 0; i < n; i++)
			if (c[i].fd != -1) {
				pfd[np].fd = c[i].fd;
				pfd[np].events = c[i].up ? POLLIN : POLLOUT;
				idx[np++] = i;
			}
		if (poll(pfd, (nfds_t)np, 100) <= 0)
			continue;
		for (j = 0; j < np; j++) {
			i = idx[j];
			if (pfd[j].revents == 0)
				continue;
			if (!c[i].up && !(pfd[j].revents & (POLLERR |
			    POLLHUP))) {
				elen = sizeof(e);
				if (getsockopt(c[i].fd, SOL_SOCKET, SO_ERROR,
				    &e, &elen) == 0 && e == 0) {
					/* From here: SYNs may have waited. */
					c[i].born = now_s();
					c[i].up = 1;
					connected++;
					continue;
				}
			}
			/* An answer, the close or an error: it ends here. */
			if (c[i].up && recv(c[i].fd, buf, sizeof(buf),
			    MSG_DONTWAIT) == -1 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK))
				continue;
			life = now_s() - c[i].born;
			if (c[i].up) {
				if (life <= 1)
					early++;
				else
					closed++;
				if (life > maxlife)
					maxlife = life;
			}
			close(c[i].fd);
			c[i].fd = -1;
		}
	}
	for (i = 0; i < n; i++)
		if (c[i].fd != -1) {
			if (c[i].up)
				open++;
			close(c[i].fd);
		}
	printf("connected=%d early=%d closed=%d open=%d maxlife=%.1f\n",
	    connected, early, closed, open, maxlife);
	return 0;
}

/* Reads one answer's status; skips its body.  0: the server closed. */
static int
read_answer(int s, char *buf, size_t bufsz, size_t *have)
{
	char	*end, *cl;
	size_t	 head, blen = 0;
	ssize_t	 r;
	int	 status;

	for (;;) {
		buf[*have] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL) {
			head = (size_t)(end - buf) + 4;
			if ((cl = strcasestr(buf, "\r\nContent-Length:")) !=
			    NULL && cl < end)
				blen = strtoul(cl + 17, NULL, 10);
			if (*have >= head + blen)
				break;
		}
		if (*have + 1 >= bufsz)
			return 0;
		if ((r = read(s, buf + *have, bufsz - *have - 1)) <= 0)
			return 0;
		*have += (size_t)r;
	}
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		return 0;
	memmove(buf, buf + head + blen, *have - head - blen);
	*have -= head + blen;
	return status;
}

static int
guess_main(int n, double duration, const char *path)
{
	char	req[1024], buf[16384];
	double	start = now_s();
	size_t	have = 0;
	int	s = -1, i, st, len, conns = 0;
	int	s401 = 0, s429 = 0, sother = 0;

	for (i = 0; i < n && now_s() < start + duration; i++) {
		if (s == -1) {
			if ((s = dial()) == -1)
				errx(1, "cannot connect");
			conns++;
			have = 0;
		}
		len = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\n"
		    "Host: x\r\nX-EG-Password: guess%d\r\n\r\n", path, i);
		if (write(s, req, (size_t)len) != len ||
		    (st = read_answer(s, buf, sizeof(buf), &have)) == 0) {
			close(s);
			s = -1;
			i--;	/* not answered: send it again */
			if (conns > n)
				break;
			continue;
		}
		if (st == 401)
			s401++;
		else if (st == 429)
			s429++;
		else
			sother++;
	}
	if (s != -1)
		close(s);
	printf("sent=%d s401=%d s429=%d sother=%d conns=%d secs=%.3f\n", i,
	    s401, s429, sother, conns, now_s() - start);
	return 0;
}

int
main(int argc, char *argv[])
{
	const char	*mode;
	double		 interval = 2, duration = 30;
	int		 ch, n = -1;

	if (argc < 2)
		usage();
	mode = argv[1];
	argc--;
	argv++;
	signal(SIGPIPE, SIG_IGN);
	while ((ch = getopt(argc, argv, "b:i:n:t:")) != -1) {
		switch (ch) {
		case 'b':
			set_addr(&src, optarg, 0);
			have_src = 1;
			break;
		case 'i':
			interval = atof(optarg);
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 't':
			duration = atof(optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (strcmp(mode, "slow") == 0 && argc == 2) {
		set_addr(&dst, argv[0], atoi(argv[1]));
		return slow_main(n < 0 ? 256 : n, interval, duration);
	}
	if (strcmp(mode, "guess") == 0 && argc == 3) {
		set_addr(&dst, argv[0], atoi(argv[1]));
		return guess_main(n < 0 ? 3000 : n, duration, argv[2]);
	}
	usage();
}
