/*
 * wgjunk: bad input for an egd UDP port, one kind of datagram per run,
 * each meant to be dropped for one reason that egctl shows.
 *
 * usage: wgjunk [-c count] [-i usec] [-l len] [-k pubkey] kind host port
 *   random	first byte 5..255, 4..1400 bytes	(wireguard bad_type)
 *   reserved	type 1..4, reserved bytes not zero	(bad_reserved)
 *   short	type 1..4, shorter than the type needs	(truncated)
 *   badlen	type 1..3, longer than the type's size	(bad_length)
 *   index	transport data to a random index	(unknown_index)
 *   badmac	an initiation of random bytes		(bad_mac1)
 *   oversize	transport-shaped, -l bytes (4000)	(egd: over mtu)
 *   init	a well-formed initiation to -k from a fresh random key
 *		every time (unknown_peer; cookie_required or ratelimited
 *		when the receiver is under load)
 * -c datagrams to send (100), -i microseconds between them (1000; 0
 * floods).  Prints "sent=N" when done.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "wg/wg.h"

#define JUNK_MAX	65507

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: wgjunk [-c count] [-i usec] [-l len] "
	    "[-k pubkey] kind host port\n");
	exit(2);
}

static uint32_t
rnd_between(uint32_t lo, uint32_t hi)
{
	return lo + randombytes_uniform(hi - lo + 1);
}

static void
now_time(struct wg_time *t)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	t->mono = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	clock_gettime(CLOCK_REALTIME, &ts);
	t->wall = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* An initiation to pub from a key pair made up for this one message. */
static size_t
make_init(const uint8_t pub[WG_KEY_LEN], uint8_t *buf)
{
	struct wg_result	 res;
	struct wg_local		*l;
	struct wg_peer		*p;
	struct wg_time		 now;
	uint8_t			 priv[WG_KEY_LEN];
	size_t			 len;

	randombytes_buf(priv, sizeof(priv));
	if ((l = wg_local_new(priv, NULL, NULL)) == NULL)
		err(1, "wg_local_new");
	sodium_memzero(priv, sizeof(priv));
	if ((p = wg_peer_new(l, pub, NULL, NULL)) == NULL)
		err(1, "wg_peer_new");
	now_time(&now);
	memset(&res, 0, sizeof(res));
	if (wg_peer_initiate(p, now, 1, &res) != 0 || res.msg_len == 0)
		errx(1, "no initiation produced");
	memcpy(buf, res.msg, res.msg_len);
	len = res.msg_len;
	wg_local_free(l);
	return len;
}

/* One datagram of the kind; its length. */
static size_t
make_junk(const char *kind, uint8_t *buf, size_t oversize,
    const uint8_t *pub)
{
	static const size_t	need[] = { 0, WG_INITIATION_LEN,
				    WG_RESPONSE_LEN, WG_COOKIE_REPLY_LEN,
				    WG_TRANSPORT_MIN };
	size_t			len;
	uint8_t			type;

	if (strcmp(kind, "init") == 0)
		return make_init(pub, buf);
	if (strcmp(kind, "oversize") == 0) {
		randombytes_buf(buf, oversize);
		buf[0] = WG_MSG_TRANSPORT;
		buf[1] = buf[2] = buf[3] = 0;
		return oversize;
	}
	len = rnd_between(4, 1400);
	randombytes_buf(buf, len);
	if (strcmp(kind, "random") == 0) {
		buf[0] = (uint8_t)rnd_between(5, 255);
		return len;
	}
	if (strcmp(kind, "reserved") == 0) {
		buf[0] = (uint8_t)rnd_between(1, 4);
		if (buf[1] == 0 && buf[2] == 0 && buf[3] == 0)
			buf[3] = 1;
		return len;
	}
	type = (uint8_t)rnd_between(1, 4);
	buf[1] = buf[2] = buf[3] = 0;
	if (strcmp(kind, "short") == 0) {
		buf[0] = type;
		return rnd_between(4, need[type] - 1);
	}
	if (strcmp(kind, "badlen") == 0) {
		buf[0] = type = (uint8_t)rnd_between(1, 3);
		return rnd_between(need[type] + 1, 400);
	}
	if (strcmp(kind, "index") == 0) {
		buf[0] = WG_MSG_TRANSPORT;
		return len < WG_TRANSPORT_MIN ? WG_TRANSPORT_MIN : len;
	}
	if (strcmp(kind, "badmac") == 0) {
		buf[0] = WG_MSG_INITIATION;
		return WG_INITIATION_LEN;
	}
	usage();
}

int
main(int argc, char *argv[])
{
	struct addrinfo		 hints, *res;
	struct timespec		 ts;
	uint8_t			*buf, pub[WG_KEY_LEN];
	const char		*kind, *pubstr = NULL;
	unsigned long		 count = 100, sent = 0;
	long			 interval = 1000;
	size_t			 oversize = 4000, len, publen;
	int			 ch, s, rv;

	while ((ch = getopt(argc, argv, "c:i:k:l:")) != -1) {
		switch (ch) {
		case 'c':
			count = strtoul(optarg, NULL, 10);
			break;
		case 'i':
			interval = strtol(optarg, NULL, 10);
			break;
		case 'k':
			pubstr = optarg;
			break;
		case 'l':
			oversize = strtoul(optarg, NULL, 10);
			if (oversize < 4 || oversize > JUNK_MAX)
				errx(2, "-l: 4 to %d", JUNK_MAX);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3)
		usage();
	kind = argv[0];
	if (sodium_init() == -1)
		errx(1, "sodium_init");
	if (strcmp(kind, "init") == 0) {
		if (pubstr == NULL ||
		    sodium_base642bin(pub, sizeof(pub), pubstr,
		    strlen(pubstr), NULL, &publen, NULL,
		    sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    publen != sizeof(pub))
			errx(2, "init needs -k with a base64 public key");
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rv = getaddrinfo(argv[1], argv[2], &hints, &res)) != 0)
		errx(2, "%s %s: %s", argv[1], argv[2], gai_strerror(rv));
	if ((s = socket(res->ai_family, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	if ((buf = malloc(JUNK_MAX)) == NULL)
		err(1, "malloc");

	while (sent < count) {
		len = make_junk(kind, buf, oversize, pub);
		/* Not connected: an ICMP error must not eat a datagram. */
		if (sendto(s, buf, len, 0, res->ai_addr, res->ai_addrlen) ==
		    -1) {
			if (errno != ENOBUFS && errno != EAGAIN)
				err(1, "sendto");
			usleep(200);
			continue;
		}
		sent++;
		if (interval > 0) {
			ts.tv_sec = interval / 1000000;
			ts.tv_nsec = (interval % 1000000) * 1000;
			nanosleep(&ts, NULL);
		}
	}
	printf("sent=%lu\n", sent);
	freeaddrinfo(res);
	free(buf);
	return 0;
}
