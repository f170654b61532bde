/*
 * udpflow: a numbered UDP flow and its counting receiver, to check that
 * packets cross a tunnel once each.
 *
 *   udpflow send ip:port count pps [size]
 *   udpflow recv ip:port count idle-seconds
 * The receiver stops after count distinct packets or after idle-seconds
 * without any, prints what it saw and exits 0 only when every packet
 * arrived exactly once and none was reordered by more than 8128 places
 * (WireGuard's replay window).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAGIC		0x45474657U	/* "EGFW" */
#define WINDOW		8128

static void
parse_addr(struct sockaddr_in *sin, const char *s)
{
	char	buf[64], *colon;

	strncpy(buf, s, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	if ((colon = strrchr(buf, ':')) == NULL)
		errx(2, "%s: want ip:port", s);
	*colon = '\0';
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, buf, &sin->sin_addr) != 1)
		errx(2, "%s: bad address", s);
}

static uint64_t
mono_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int
flow_send(const struct sockaddr_in *to, uint32_t count, uint32_t pps,
    size_t size)
{
	uint8_t		buf[1400];
	uint64_t	start, due;
	uint32_t	seq, v;
	struct timespec	ts;
	int		s;

	if (size < 8 || size > sizeof(buf))
		errx(2, "size must be 8..%zu", sizeof(buf));
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	memset(buf, 0xa5, sizeof(buf));
	start = mono_ns();
	for (seq = 0; seq < count; seq++) {
		/* Paced from the start, so a late packet does not slow all. */
		due = start + (uint64_t)seq * 1000000000ULL / pps;
		while (mono_ns() < due) {
			ts.tv_sec = 0;
			ts.tv_nsec = (long)(due - mono_ns());
			if (ts.tv_nsec > 0)
				nanosleep(&ts, NULL);
		}
		v = htonl(MAGIC);
		memcpy(buf, &v, 4);
		v = htonl(seq);
		memcpy(buf + 4, &v, 4);
		while (sendto(s, buf, size, 0, (const struct sockaddr *)to,
		    sizeof(*to)) == -1) {
			if (errno != ENOBUFS && errno != EAGAIN)
				err(1, "sendto");
			usleep(1000);
		}
	}
	close(s);
	return 0;
}

static int
flow_recv(const struct sockaddr_in *at, uint32_t count, int idle)
{
	struct pollfd	pfd;
	uint8_t		buf[2048], *seen;
	uint32_t	seq, v, unique = 0, dup = 0, bad = 0, late = 0;
	uint32_t	highest = 0, maxback = 0;
	int		s, any = 0, bufsz = 4 << 20;
	ssize_t		n;

	if ((seen = calloc(count, 1)) == NULL)
		err(1, "calloc");
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	if (bind(s, (const struct sockaddr *)at, sizeof(*at)) == -1)
		err(1, "bind");
	printf("listening\n");
	fflush(stdout);
	pfd.fd = s;
	pfd.events = POLLIN;
	while (unique < count) {
		if (poll(&pfd, 1, idle * 1000) <= 0)
			break;
		if ((n = recv(s, buf, sizeof(buf), 0)) < 8)
			continue;
		memcpy(&v, buf, 4);
		if (ntohl(v) != MAGIC) {
			bad++;
			continue;
		}
		memcpy(&v, buf + 4, 4);
		seq = ntohl(v);
		if (seq >= count) {
			bad++;
			continue;
		}
		if (seen[seq]) {
			dup++;
			continue;
		}
		seen[seq] = 1;
		unique++;
		if (any && seq < highest) {
			late++;
			if (highest - seq > maxback)
				maxback = highest - seq;
		}
		if (!any || seq > highest)
			highest = seq;
		any = 1;
	}
	printf("received %u/%u duplicates %u foreign %u late %u "
	    "max-reorder %u\n", unique, count, dup, bad, late, maxback);
	free(seen);
	close(s);
	return unique == count && dup == 0 && maxback < WINDOW ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	addr;

	if (argc >= 5 && strcmp(argv[1], "send") == 0) {
		parse_addr(&addr, argv[2]);
		return flow_send(&addr, (uint32_t)atoi(argv[3]),
		    (uint32_t)atoi(argv[4]),
		    argc > 5 ? (size_t)atoi(argv[5]) : 64);
	}
	if (argc == 5 && strcmp(argv[1], "recv") == 0) {
		parse_addr(&addr, argv[2]);
		return flow_recv(&addr, (uint32_t)atoi(argv[3]), atoi(argv[4]));
	}
	fprintf(stderr, "usage: udpflow send ip:port count pps [size]\n"
	    "       udpflow recv ip:port count idle-seconds\n");
	return 2;
}
