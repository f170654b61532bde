/*
 * wgjunk: bad input for an egd UDP port, one kind of datagram per run,
 * each meant to be dropped for one reason that egctl shows.
 *
 * usage: wgjunk [-mr] [-c count] [-i usec] [-k pubkey] [-l len]
 *	[-n sources] [-R rate] [-s source] [-w ms] kind host port
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
 *
 * Flood mode (wgjunk.h), when any of these is given: -s the first of
 * -n local source addresses (1), taken in turn; -R datagrams a second
 * (0: flat out; -i is not used); -r the same initiation every time (a
 * replay: the receiver still does its Diffie-Hellman, the sender does
 * none); -m each source puts the cookie its last cookie reply carried
 * into the mac2 of its next initiation, as a peer that owns all those
 * addresses; -w milliseconds to wait for late replies (200).  It also
 * prints "replies=N cookies=N taken=N" (cookie replies received, and
 * those that gave a source a cookie, with -m) and "sources=N" (sources
 * that got a cookie).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

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
#include "wgjunk.h"

#include "regress/lib/wgmember.h"

#define JUNK_MAX	65507

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: wgjunk [-mr] [-c count] [-i usec] "
	    "[-k pubkey] [-l len]\n"
	    "\t[-n sources] [-R rate] [-s source] [-w ms] kind host port\n");
	exit(2);
}

static uint32_t
rnd_between(uint32_t lo, uint32_t hi)
{
	return lo + randombytes_uniform(hi - lo + 1);
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
	now = wgm_now();
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

/* What each datagram of a run is made from. */
struct junk {
	const char	*kind;
	size_t		 oversize;
	uint8_t		 pub[WG_KEY_LEN];
	int		 replay;
	uint8_t		 saved[WG_HANDSHAKE_MAX];
	size_t		 savedlen;
};

static size_t
junk_next(void *arg, uint8_t *buf)
{
	struct junk	*j = arg;

	if (!j->replay)
		return make_junk(j->kind, buf, j->oversize, j->pub);
	if (j->savedlen == 0)
		j->savedlen = make_junk(j->kind, j->saved, j->oversize,
		    j->pub);
	memcpy(buf, j->saved, j->savedlen);
	return j->savedlen;
}

static void
parse_source(struct sockaddr_storage *ss, const char *s)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &sin->sin_addr) == 1)
		ss->ss_family = AF_INET;
	else if (inet_pton(AF_INET6, s, &sin6->sin6_addr) == 1)
		ss->ss_family = AF_INET6;
	else
		errx(2, "-s %s: not an address", s);
}

static unsigned long
number(const char *s, unsigned long max)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v > max)
		errx(2, "%s: not a number up to %lu", s, max);
	return v;
}

int
main(int argc, char *argv[])
{
	struct addrinfo		*res;
	struct timespec		 ts;
	struct junk		 j;
	struct flood		 f;
	uint8_t			*buf;
	const char		*pubstr = NULL;
	unsigned long		 count = 100, sent = 0;
	long			 interval = 1000;
	size_t			 len, publen;
	int			 ch, s, flood = 0, cookies = 0;

	memset(&j, 0, sizeof(j));
	memset(&f, 0, sizeof(f));
	j.oversize = 4000;
	f.nsrc = 1;
	f.linger_ms = 200;
	while ((ch = getopt(argc, argv, "c:i:k:l:mn:R:rs:w:")) != -1) {
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
			j.oversize = strtoul(optarg, NULL, 10);
			if (j.oversize < 4 || j.oversize > JUNK_MAX)
				errx(2, "-l: 4 to %d", JUNK_MAX);
			break;
		case 'm':
			cookies = flood = 1;
			break;
		case 'n':
			f.nsrc = number(optarg, FLOOD_SRC_MAX);
			if (f.nsrc == 0)
				errx(2, "-n: at least 1");
			break;
		case 'R':
			f.rate = number(optarg, 10000000);
			flood = 1;
			break;
		case 'r':
			j.replay = flood = 1;
			break;
		case 's':
			parse_source(&f.src, optarg);
			flood = 1;
			break;
		case 'w':
			f.linger_ms = number(optarg, 60000);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3)
		usage();
	j.kind = argv[0];
	if (sodium_init() == -1)
		errx(1, "sodium_init");
	if (strcmp(j.kind, "init") == 0) {
		if (pubstr == NULL ||
		    sodium_base642bin(j.pub, sizeof(j.pub), pubstr,
		    strlen(pubstr), NULL, &publen, NULL,
		    sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    publen != sizeof(j.pub))
			errx(2, "init needs -k with a base64 public key");
	} else if (cookies)
		errx(2, "-m: for init only");
	res = wgm_resolve(argv[1], argv[2]);

	if (flood) {
		f.dst = res->ai_addr;
		f.dstlen = res->ai_addrlen;
		if (f.src.ss_family == AF_UNSPEC)
			f.nsrc = 0;	/* the socket's own address */
		f.count = count;
		f.cookie_pub = cookies ? j.pub : NULL;
		f.make = junk_next;
		f.make_arg = &j;
		flood_run(&f);
		printf("sent=%lu\nreplies=%lu cookies=%lu taken=%lu\n"
		    "sources=%u\n", f.sent, f.replies, f.cookies, f.taken,
		    f.sources_with_cookie);
		freeaddrinfo(res);
		return 0;
	}

	if ((s = socket(res->ai_family, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	if ((buf = malloc(JUNK_MAX)) == NULL)
		err(1, "malloc");
	while (sent < count) {
		len = make_junk(j.kind, buf, j.oversize, j.pub);
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
