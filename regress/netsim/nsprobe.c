/*
 * nsprobe: UDP traffic for the netsim tests, run inside node namespaces.
 *
 *	send	stamped probes (CLOCK_REALTIME, which namespaces share)
 *	recv	receives probes; one-way delay = kernel receive time minus
 *		send stamp, so that its own scheduling does not count
 *	echo	a rendezvous server: answers every datagram with the source
 *		address it saw, and pairs up clients that register
 *	whoami	asks an echo server for our mapped address
 *	punch	registers with an echo server, learns the peer's mapped
 *		address and sends to it while counting what the peer sends
 *
 * Results go to stdout as "key=value" words, one summary line first.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <endian.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROBE_MAGIC	0x4e535052U	/* "NSPR" */
#define PROBE_HDR	20		/* magic, seq, sec, nsec */
#define PROBE_MAX	9000
#define MAX_SOURCES	16
#define MAX_NAMES	64
#define MAX_HELLO	8

struct source {
	struct sockaddr_storage	ss;
	socklen_t		len;
	unsigned long		count;
};

static noreturn void
usage(void)
{
	fprintf(stderr,
	    "usage: nsprobe send [-c count] [-i interval_ms] [-l lport] "
	    "[-s size] host port\n"
	    "       nsprobe recv [-v] [-c count] [-H host:port] [-p port] "
	    "[-r readyfile]\n"
	    "                    [-T total_ms] [-t idle_ms]\n"
	    "       nsprobe echo [-p port]\n"
	    "       nsprobe whoami [-l lport] [-t timeout_ms] host port\n"
	    "       nsprobe punch -n name -P peer [-i interval_ms] "
	    "[-l lport] [-t ms]\n"
	    "                     [-w wait_ms] host port\n");
	exit(2);
}

static long
number(const char *s, long min, long max, const char *what)
{
	const char	*errstr;
	long long	 v;

	v = strtonum(s, min, max, &errstr);
	if (errstr != NULL)
		errx(2, "%s %s: %s", what, s, errstr);
	return (long)v;
}

static double
millis(const char *s, const char *what)
{
	char	*end;
	double	 v;

	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || !(v >= 0 && v <= 3600000))
		errx(2, "%s %s: not a number of ms", what, s);
	return v;
}

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec	ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t
mono_ms(void)
{
	return clock_ns(CLOCK_MONOTONIC) / 1000000;
}

static void
parse_addr(const char *host, const char *port, struct sockaddr_storage *ss,
    socklen_t *lenp)
{
	struct addrinfo	 hints, *res;
	int		 e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_DGRAM;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0)
		errx(2, "%s port %s: %s", host, port, gai_strerror(e));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*lenp = res->ai_addrlen;
	freeaddrinfo(res);
}

/* "a.b.c.d:port" or "[v6]:port" split at the last colon. */
static void
parse_hostport(const char *s, struct sockaddr_storage *ss, socklen_t *lenp)
{
	char	 buf[128], *colon, *host;

	if (strlcpy(buf, s, sizeof(buf)) >= sizeof(buf) ||
	    (colon = strrchr(buf, ':')) == NULL)
		errx(2, "%s: expected host:port", s);
	*colon = '\0';
	host = buf;
	if (host[0] == '[' && colon > host + 1 && colon[-1] == ']') {
		host++;
		colon[-1] = '\0';
	}
	parse_addr(host, colon + 1, ss, lenp);
}

/* v4-mapped IPv6 addresses print as IPv4, so that tests compare. */
static const char *
addr_str(const struct sockaddr_storage *ss)
{
	static char	 out[2][80];
	static int	 which;
	char		 host[INET6_ADDRSTRLEN];
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	char		*o = out[which++ & 1];

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		snprintf(o, 80, "%s:%u", host, ntohs(s4->sin_port));
	} else if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], host,
		    sizeof(host));
		snprintf(o, 80, "%s:%u", host, ntohs(s6->sin6_port));
	} else {
		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		snprintf(o, 80, "[%s]:%u", host, ntohs(s6->sin6_port));
	}
	return o;
}

static int
same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return strcmp(addr_str(a), addr_str(b)) == 0;
}

/*
 * A UDP socket of family af bound to port lport (0: any).  An AF_INET6
 * socket also takes IPv4, so that one receiver serves both.
 */
static int
udp_socket(int af, int lport)
{
	struct sockaddr_in6	s6;
	struct sockaddr_in	s4;
	int			fd, zero = 0, one = 1, big = 4 << 20;

	if ((fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) ==
	    -1)
		err(1, "SO_TIMESTAMPNS");
	if (af == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
		    sizeof(zero)) == -1)
			err(1, "IPV6_V6ONLY");
		memset(&s6, 0, sizeof(s6));
		s6.sin6_family = AF_INET6;
		s6.sin6_port = htons((uint16_t)lport);
		if (bind(fd, (struct sockaddr *)&s6, sizeof(s6)) == -1)
			err(1, "bind [::]:%d", lport);
	} else {
		memset(&s4, 0, sizeof(s4));
		s4.sin_family = AF_INET;
		s4.sin_port = htons((uint16_t)lport);
		if (bind(fd, (struct sockaddr *)&s4, sizeof(s4)) == -1)
			err(1, "bind 0.0.0.0:%d", lport);
	}
	return fd;
}

/*
 * Receives one datagram within timeout_ms (-1: forever) into buf.
 * Returns its length, or -1 on timeout; the kernel's receive time
 * (CLOCK_REALTIME) goes to *rx_ns when asked for.
 */
static ssize_t
recv_one(int fd, void *buf, size_t len, int timeout_ms,
    struct sockaddr_storage *from, socklen_t *fromlen, uint64_t *rx_ns)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	struct iovec	 iov = { buf, len };
	struct msghdr	 msg;
	struct cmsghdr	*cm;
	char		 cbuf[CMSG_SPACE(sizeof(struct timespec))];
	struct timespec	 ts;
	ssize_t		 n;

	for (;;) {
		if (poll(&pfd, 1, timeout_ms) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if ((pfd.revents & POLLIN) == 0)
			return -1;
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = from;
		msg.msg_namelen = sizeof(*from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		if ((n = recvmsg(fd, &msg, MSG_DONTWAIT)) == -1) {
			/* ICMP errors of earlier sends: not data. */
			if (errno == EAGAIN || errno == EINTR ||
			    errno == ECONNREFUSED || errno == EHOSTUNREACH)
				continue;
			err(1, "recvmsg");
		}
		*fromlen = msg.msg_namelen;
		if (rx_ns != NULL) {
			*rx_ns = clock_ns(CLOCK_REALTIME);
			for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
			    cm = CMSG_NXTHDR(&msg, cm))
				if (cm->cmsg_level == SOL_SOCKET &&
				    cm->cmsg_type == SCM_TIMESTAMPNS) {
					memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
					*rx_ns = (uint64_t)ts.tv_sec *
					    1000000000ULL +
					    (uint64_t)ts.tv_nsec;
				}
		}
		return n;
	}
}

static void
probe_fill(unsigned char *p, uint32_t seq)
{
	uint64_t	now = clock_ns(CLOCK_REALTIME);
	uint32_t	v32;
	uint64_t	v64;

	v32 = htobe32(PROBE_MAGIC);
	memcpy(p, &v32, 4);
	v32 = htobe32(seq);
	memcpy(p + 4, &v32, 4);
	v64 = htobe64(now / 1000000000ULL);
	memcpy(p + 8, &v64, 8);
	v32 = htobe32((uint32_t)(now % 1000000000ULL));
	memcpy(p + 16, &v32, 4);
}

/* A probe's sequence number and send time, or -1 if it is not one. */
static int
probe_parse(const unsigned char *p, size_t len, uint32_t *seq, uint64_t *tx)
{
	uint32_t	v32, nsec;
	uint64_t	sec;

	if (len < PROBE_HDR)
		return -1;
	memcpy(&v32, p, 4);
	if (be32toh(v32) != PROBE_MAGIC)
		return -1;
	memcpy(&v32, p + 4, 4);
	*seq = be32toh(v32);
	memcpy(&sec, p + 8, 8);
	memcpy(&nsec, p + 16, 4);
	nsec = be32toh(nsec);
	if (nsec >= 1000000000U)
		return -1;
	*tx = be64toh(sec) * 1000000000ULL + nsec;
	return 0;
}

static int
cmd_send(int argc, char **argv)
{
	struct sockaddr_storage	 to;
	struct mmsghdr		 mm[32];
	struct iovec		 iov[32];
	unsigned char		 bufs[32][PROBE_MAX];
	struct timespec		 ts;
	socklen_t		 tolen;
	uint64_t		 start, next;
	double			 interval = 10, elapsed;
	long			 count = 10, size = 64, sent = 0, errs = 0;
	int			 ch, fd, lport = 0, i, batch, n;

	while ((ch = getopt(argc, argv, "c:i:l:s:")) != -1) {
		switch (ch) {
		case 'c':
			count = number(optarg, 1, 100000000, "count");
			break;
		case 'i':
			interval = millis(optarg, "interval");
			break;
		case 'l':
			lport = (int)number(optarg, 1, 65535, "port");
			break;
		case 's':
			size = number(optarg, PROBE_HDR, PROBE_MAX, "size");
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	parse_addr(argv[optind], argv[optind + 1], &to, &tolen);
	fd = udp_socket(to.ss_family, lport);
	memset(bufs, 0, sizeof(bufs));
	start = clock_ns(CLOCK_MONOTONIC);
	while (sent + errs < count) {
		if (interval > 0) {
			next = start + (uint64_t)((double)(sent + errs) *
			    interval * 1e6);
			ts.tv_sec = (time_t)(next / 1000000000ULL);
			ts.tv_nsec = (long)(next % 1000000000ULL);
			while (clock_nanosleep(CLOCK_MONOTONIC,
			    TIMER_ABSTIME, &ts, NULL) == EINTR)
				;
			batch = 1;
		} else
			batch = count - sent - errs > 32 ? 32 :
			    (int)(count - sent - errs);
		for (i = 0; i < batch; i++) {
			probe_fill(bufs[i], (uint32_t)(sent + errs + i));
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = (size_t)size;
			memset(&mm[i], 0, sizeof(mm[i]));
			mm[i].msg_hdr.msg_name = &to;
			mm[i].msg_hdr.msg_namelen = tolen;
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		if ((n = sendmmsg(fd, mm, (unsigned int)batch, 0)) == -1) {
			if (errno != ENOBUFS && errno != ECONNREFUSED &&
			    errno != EHOSTUNREACH && errno != EAGAIN)
				err(1, "sendmmsg");
			errs++;
		} else
			sent += n;
	}
	elapsed = (double)(clock_ns(CLOCK_MONOTONIC) - start) / 1e9;
	printf("sent=%ld errors=%ld elapsed=%.6f rate=%.0f\n", sent, errs,
	    elapsed, elapsed > 0 ? (double)sent / elapsed : 0.0);
	close(fd);
	return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
count_source(struct source *src, int *nsrc, const struct sockaddr_storage *ss,
    socklen_t len)
{
	int	i;

	for (i = 0; i < *nsrc; i++)
		if (same_addr(&src[i].ss, ss)) {
			src[i].count++;
			return;
		}
	if (*nsrc == MAX_SOURCES)
		return;
	memcpy(&src[*nsrc].ss, ss, sizeof(*ss));
	src[*nsrc].len = len;
	src[(*nsrc)++].count = 1;
}

static void
make_ready(const char *path)
{
	int	fd;

	if (path == NULL)
		return;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == -1)
		err(1, "%s", path);
	close(fd);
}

static int
cmd_recv(int argc, char **argv)
{
	struct sockaddr_storage	 from, hello[MAX_HELLO];
	struct source		 src[MAX_SOURCES];
	socklen_t		 fromlen, hellolen[MAX_HELLO];
	unsigned char		 buf[PROBE_MAX + 1];
	const char		*ready = NULL;
	uint64_t		*delays = NULL, rx, tx, first = 0, last = 0;
	uint64_t		 start, now, lastpkt;
	uint32_t		 seq, maxseq = 0;
	long			 count = 0, total = 10000, idle = 2000;
	unsigned long		 n = 0, cap = 0, reordered = 0, other = 0;
	ssize_t			 len;
	int			 ch, fd, port = 9000, verbose = 0, nsrc = 0;
	int			 nhello = 0, i, wait_ms;

	while ((ch = getopt(argc, argv, "c:H:p:r:T:t:v")) != -1) {
		switch (ch) {
		case 'c':
			count = number(optarg, 1, 100000000, "count");
			break;
		case 'H':
			if (nhello == MAX_HELLO)
				errx(2, "too many -H");
			parse_hostport(optarg, &hello[nhello],
			    &hellolen[nhello]);
			nhello++;
			break;
		case 'p':
			port = (int)number(optarg, 1, 65535, "port");
			break;
		case 'r':
			ready = optarg;
			break;
		case 'T':
			total = number(optarg, 1, 3600000, "total ms");
			break;
		case 't':
			idle = number(optarg, 1, 3600000, "idle ms");
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (argc != optind)
		usage();
	fd = udp_socket(AF_INET6, port);
	/* A hello opens our NAT's mapping toward whoever should send. */
	for (i = 0; i < nhello; i++) {
		struct sockaddr_in6	m;
		struct sockaddr_in	*s4 = (struct sockaddr_in *)&hello[i];

		if (hello[i].ss_family == AF_INET) {
			memset(&m, 0, sizeof(m));
			m.sin6_family = AF_INET6;
			m.sin6_port = s4->sin_port;
			m.sin6_addr.s6_addr[10] = m.sin6_addr.s6_addr[11] =
			    0xff;
			memcpy(&m.sin6_addr.s6_addr[12], &s4->sin_addr, 4);
			memcpy(&hello[i], &m, sizeof(m));
			hellolen[i] = sizeof(m);
		}
		if (sendto(fd, "HELLO", 5, 0, (struct sockaddr *)&hello[i],
		    hellolen[i]) == -1)
			warn("hello to %s", addr_str(&hello[i]));
	}
	make_ready(ready);
	start = lastpkt = mono_ms();
	for (;;) {
		now = mono_ms();
		if (now - start >= (uint64_t)total ||
		    now - lastpkt >= (uint64_t)idle)
			break;
		wait_ms = (int)(idle - (long)(now - lastpkt));
		if (wait_ms > total - (long)(now - start))
			wait_ms = (int)(total - (long)(now - start));
		len = recv_one(fd, buf, sizeof(buf), wait_ms, &from, &fromlen,
		    &rx);
		if (len == -1)
			continue;
		lastpkt = mono_ms();
		count_source(src, &nsrc, &from, fromlen);
		if (probe_parse(buf, (size_t)len, &seq, &tx) == -1) {
			other++;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((delays = reallocarray(delays, cap,
			    sizeof(*delays))) == NULL)
				err(1, NULL);
		}
		/* Clocks are shared, but guard against a stepped clock. */
		delays[n] = rx > tx ? rx - tx : 0;
		if (n == 0)
			first = rx;
		last = rx;
		if (n > 0 && seq < maxseq)
			reordered++;
		if (seq > maxseq)
			maxseq = seq;
		if (verbose)
			printf("# seq=%u delay=%.3f\n", seq,
			    delays[n] / 1e6);
		n++;
		if (count > 0 && n >= (unsigned long)count)
			break;
	}
	printf("received=%lu reordered=%lu other=%lu", n, reordered, other);
	if (n > 0) {
		qsort(delays, n, sizeof(*delays), cmp_u64);
		printf(" min=%.3f median=%.3f p90=%.3f max=%.3f",
		    delays[0] / 1e6, delays[n / 2] / 1e6,
		    delays[n * 9 / 10] / 1e6, delays[n - 1] / 1e6);
		printf(" rate=%.0f", n > 1 && last > first ?
		    (double)(n - 1) * 1e9 / (double)(last - first) : 0.0);
	} else
		printf(" min=- median=- p90=- max=- rate=0");
	printf("\n");
	for (i = 0; i < nsrc; i++)
		printf("from=%s count=%lu\n", addr_str(&src[i].ss),
		    src[i].count);
	free(delays);
	close(fd);
	return 0;
}

struct name_entry {
	char			name[32];
	struct sockaddr_storage	ss;
};

static int
cmd_echo(int argc, char **argv)
{
	static struct name_entry names[MAX_NAMES];
	struct sockaddr_storage	 from;
	socklen_t		 fromlen;
	char			 buf[512], reply[256], name[32], peer[32];
	const char		*peeraddr;
	ssize_t			 len;
	int			 ch, fd, port = 7000, nnames = 0, i;

	while ((ch = getopt(argc, argv, "p:")) != -1) {
		switch (ch) {
		case 'p':
			port = (int)number(optarg, 1, 65535, "port");
			break;
		default:
			usage();
		}
	}
	if (argc != optind)
		usage();
	fd = udp_socket(AF_INET6, port);
	for (;;) {
		len = recv_one(fd, buf, sizeof(buf) - 1, -1, &from, &fromlen,
		    NULL);
		if (len < 0)
			continue;
		buf[len] = '\0';
		if (strncmp(buf, "YOU", 3) == 0)
			continue;		/* never answer an answer */
		snprintf(reply, sizeof(reply), "YOU %s", addr_str(&from));
		if (sscanf(buf, "REG %31s %31s", name, peer) == 2) {
			for (i = 0; i < nnames; i++)
				if (strcmp(names[i].name, name) == 0)
					break;
			if (i == nnames && nnames < MAX_NAMES)
				nnames++;
			if (i < nnames) {
				strlcpy(names[i].name, name,
				    sizeof(names[i].name));
				memcpy(&names[i].ss, &from, sizeof(from));
			}
			peeraddr = "-";
			for (i = 0; i < nnames; i++)
				if (strcmp(names[i].name, peer) == 0)
					peeraddr = addr_str(&names[i].ss);
			strlcat(reply, " PEER ", sizeof(reply));
			strlcat(reply, peeraddr, sizeof(reply));
		}
		if (sendto(fd, reply, strlen(reply), 0,
		    (struct sockaddr *)&from, fromlen) == -1)
			warn("sendto %s", addr_str(&from));
	}
}

/* Sends msg to the server until it answers "YOU addr ..."; 0 or -1. */
static int
ask_server(int fd, const struct sockaddr_storage *srv, socklen_t srvlen,
    const char *msg, long timeout_ms, char *answer, size_t anslen)
{
	struct sockaddr_storage	from;
	socklen_t		fromlen;
	uint64_t		start = mono_ms(), sent_at = 0, now;
	ssize_t			len;

	while ((now = mono_ms()) - start < (uint64_t)timeout_ms) {
		if (sent_at == 0 || now - sent_at >= 200) {
			if (sendto(fd, msg, strlen(msg), 0,
			    (const struct sockaddr *)srv, srvlen) == -1 &&
			    errno != ENOBUFS && errno != ECONNREFUSED)
				err(1, "sendto %s", addr_str(srv));
			sent_at = now;
		}
		len = recv_one(fd, answer, anslen - 1, 50, &from, &fromlen,
		    NULL);
		if (len <= 0)
			continue;
		answer[len] = '\0';
		if (same_addr(&from, srv) && strncmp(answer, "YOU ", 4) == 0)
			return 0;
	}
	return -1;
}

static int
cmd_whoami(int argc, char **argv)
{
	struct sockaddr_storage	srv;
	socklen_t		srvlen;
	char			answer[256], mapped[128];
	long			timeout = 3000;
	int			ch, fd, lport = 0;

	while ((ch = getopt(argc, argv, "l:t:")) != -1) {
		switch (ch) {
		case 'l':
			lport = (int)number(optarg, 1, 65535, "port");
			break;
		case 't':
			timeout = number(optarg, 1, 3600000, "timeout ms");
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	parse_addr(argv[optind], argv[optind + 1], &srv, &srvlen);
	fd = udp_socket(srv.ss_family, lport);
	if (ask_server(fd, &srv, srvlen, "WHO", timeout, answer,
	    sizeof(answer)) == -1)
		errx(1, "no answer from %s", addr_str(&srv));
	if (sscanf(answer, "YOU %127s", mapped) != 1)
		errx(1, "bad answer \"%s\"", answer);
	printf("%s\n", mapped);
	close(fd);
	return 0;
}

static int
cmd_punch(int argc, char **argv)
{
	struct sockaddr_storage	 srv, peer, from;
	socklen_t		 srvlen, peerlen, fromlen;
	char			 msg[128], answer[256], mapped[128];
	char			 peerstr[128], expect[64];
	const char		*name = NULL, *peername = NULL;
	uint64_t		 start, next, now;
	double			 interval = 50;
	long			 duration = 2000, wait = 5000;
	unsigned long		 sent = 0, received = 0, other = 0;
	ssize_t			 len;
	int			 ch, fd, lport = 0;

	while ((ch = getopt(argc, argv, "i:l:n:P:t:w:")) != -1) {
		switch (ch) {
		case 'i':
			interval = millis(optarg, "interval");
			break;
		case 'l':
			lport = (int)number(optarg, 1, 65535, "port");
			break;
		case 'n':
			name = optarg;
			break;
		case 'P':
			peername = optarg;
			break;
		case 't':
			duration = number(optarg, 1, 3600000, "ms");
			break;
		case 'w':
			wait = number(optarg, 1, 3600000, "wait ms");
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2 || name == NULL || peername == NULL ||
	    strlen(name) > 31 || strlen(peername) > 31 || interval <= 0)
		usage();
	parse_addr(argv[optind], argv[optind + 1], &srv, &srvlen);
	fd = udp_socket(srv.ss_family, lport);

	/* Register until the server knows where the peer is. */
	snprintf(msg, sizeof(msg), "REG %s %s", name, peername);
	start = mono_ms();
	peerstr[0] = '\0';
	while (mono_ms() - start < (uint64_t)wait) {
		if (ask_server(fd, &srv, srvlen, msg, wait, answer,
		    sizeof(answer)) == -1)
			break;
		if (sscanf(answer, "YOU %127s PEER %127s", mapped,
		    peerstr) == 2 && strcmp(peerstr, "-") != 0)
			break;
		peerstr[0] = '\0';
		usleep(100000);
	}
	if (peerstr[0] == '\0') {
		printf("mapped=- peer=- sent=0 received=0 other=0\n");
		errx(2, "%s never registered with %s", peername,
		    addr_str(&srv));
	}
	parse_hostport(peerstr, &peer, &peerlen);

	snprintf(expect, sizeof(expect), "PUNCH %s ", peername);
	start = mono_ms();
	next = start;
	while ((now = mono_ms()) - start < (uint64_t)duration) {
		if (now >= next) {
			snprintf(msg, sizeof(msg), "PUNCH %s %lu", name,
			    sent);
			if (sendto(fd, msg, strlen(msg), 0,
			    (struct sockaddr *)&peer, peerlen) == -1 &&
			    errno != ENOBUFS && errno != ECONNREFUSED &&
			    errno != EHOSTUNREACH)
				err(1, "sendto %s", peerstr);
			sent++;
			next = start + (uint64_t)((double)sent * interval);
		}
		len = recv_one(fd, answer, sizeof(answer) - 1,
		    (int)(next > now ? next - now : 0), &from, &fromlen,
		    NULL);
		if (len <= 0)
			continue;
		answer[len] = '\0';
		if (same_addr(&from, &peer) &&
		    strncmp(answer, expect, strlen(expect)) == 0)
			received++;
		else
			other++;
	}
	printf("mapped=%s peer=%s sent=%lu received=%lu other=%lu\n", mapped,
	    peerstr, sent, received, other);
	close(fd);
	return 0;
}

int
main(int argc, char *argv[])
{
	const char	*cmd;

	if (argc < 2)
		usage();
	cmd = argv[1];
	argc--;
	argv++;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(cmd, "send") == 0)
		return cmd_send(argc, argv);
	if (strcmp(cmd, "recv") == 0)
		return cmd_recv(argc, argv);
	if (strcmp(cmd, "echo") == 0)
		return cmd_echo(argc, argv);
	if (strcmp(cmd, "whoami") == 0)
		return cmd_whoami(argc, argv);
	if (strcmp(cmd, "punch") == 0)
		return cmd_punch(argc, argv);
	usage();
}
