/*
 * ovlforge: a member of a static-mode network that lies in the frames
 * it sends.  It holds a member's private key, makes a WireGuard session
 * with one egd (as the initiator, on common/wg, the way p2pstorm does)
 * and sends it overlay frames (usage 0) with the source NodeID, the
 * destination NodeID and the TTL it is told, the Ethernet frame inside
 * from dstmac to srcmac (EtherType 0x88b5, local experimental).
 *
 * usage: ovlforge -k privkey-file -p peer-pubkey -n nodeid [-c count]
 *	  [-d seconds] [-i usec] [-s src] [-D dst] [-t ttl] [-e dstmac]
 *	  [-E srcmac] [-R] [-r] host port
 * -s the header's source NodeID (default: ours, -n), -D its destination
 * (default 65535, broadcast), -t its TTL (255), -c frames to send (1),
 * -i microseconds between them (0: as fast as possible; 1000), -e and -E
 * the Ethernet destination (ff:ff:ff:ff:ff:ff) and source
 * (02:00:00:00:00:01) addresses, -R a random source address per frame
 * (a MAC flood), -r reflect: every frame egd sends us goes back to it
 * at once with its TTL reset to -t, as a member that keeps a frame
 * looping would, until -d seconds (default 3) have passed.
 * Prints "sent=N received=M reflected=R session=up|lost"; exits 1 if no
 * session came up.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "config/config.h"
#include "overlay/overlay.h"
#include "wg/wg.h"

#define FRAME_LEN	64
#define PLAIN_MAX	2048
#define PKT_BUF		(WG_SEND_BUFLEN(PLAIN_MAX))
#define HANDSHAKE_WAIT	(10 * WG_SEC)

struct forge {
	int			 s;
	struct sockaddr_storage	 to;
	socklen_t		 tolen;
	struct wg_local		*local;
	struct wg_peer		*peer;
	int			 up;
	int			 reflect;
	uint8_t			 ttl;
	unsigned long		 received;	/* frames egd sent us */
	unsigned long		 reflected;
	unsigned long		 errors;
};

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: ovlforge -k privkey-file -p peer-pubkey "
	    "-n nodeid [-c count] [-d seconds]\n\t[-i usec] [-s src] "
	    "[-D dst] [-t ttl] [-e dstmac] [-E srcmac] [-R] [-r]\n\t"
	    "host port\n");
	exit(2);
}

static struct wg_time
now_time(void)
{
	struct timespec	m, w;
	struct wg_time	t;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_REALTIME, &w);
	t.mono = (uint64_t)m.tv_sec * WG_SEC + (uint64_t)m.tv_nsec;
	t.wall = (uint64_t)w.tv_sec * WG_SEC + (uint64_t)w.tv_nsec;
	return t;
}

static void
key_decode(uint8_t key[WG_KEY_LEN], const char *b64, const char *what)
{
	char	buf[128];
	size_t	len;

	snprintf(buf, sizeof(buf), "%s", b64);
	buf[strcspn(buf, " \t\r\n")] = '\0';
	if (sodium_base642bin(key, WG_KEY_LEN, buf, strlen(buf), NULL, &len,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || len != WG_KEY_LEN)
		errx(2, "%s: not a base64 32-byte key", what);
	sodium_memzero(buf, sizeof(buf));
}

static void
key_file(uint8_t key[WG_KEY_LEN], const char *path)
{
	FILE	*f;
	char	 line[128];

	if ((f = fopen(path, "r")) == NULL)
		err(2, "%s", path);
	if (fgets(line, sizeof(line), f) == NULL)
		errx(2, "%s: empty", path);
	fclose(f);
	key_decode(key, line, path);
	sodium_memzero(line, sizeof(line));
}

static unsigned long
number(const char *s, unsigned long max, const char *what)
{
	unsigned long	 v;
	char		*end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v > max)
		errx(2, "%s: %s: a number up to %lu", what, s, max);
	return v;
}

static void
mac_parse(uint8_t mac[6], const char *s, const char *what)
{
	unsigned int	b[6];
	int		i, n;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%n", &b[0], &b[1], &b[2], &b[3],
	    &b[4], &b[5], &n) != 6 || s[n] != '\0')
		errx(2, "%s: %s: not a MAC address", what, s);
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			errx(2, "%s: %s: not a MAC address", what, s);
		mac[i] = (uint8_t)b[i];
	}
}

static void
udp_send(struct forge *f, const uint8_t *buf, size_t len)
{
	struct pollfd	pfd;

	while (sendto(f->s, buf, len, 0, (struct sockaddr *)&f->to,
	    f->tolen) == -1) {
		if (errno != EAGAIN && errno != ENOBUFS && errno != EINTR) {
			f->errors++;
			return;
		}
		pfd.fd = f->s;
		pfd.events = POLLOUT;
		poll(&pfd, 1, 1);
	}
}

static void
handle(struct forge *f, const struct wg_result *res)
{
	if (res->msg_len > 0)
		udp_send(f, res->msg, res->msg_len);
	if (res->events & WG_EV_SESSION_INITIATOR)
		f->up = 1;
	if (res->events & (WG_EV_GAVE_UP | WG_EV_KEYS_ZEROED))
		f->up = 0;
}

/* Encrypts plain (len bytes at buf + WG_TRANSPORT_HEADER) and sends it. */
static int
send_plain(struct forge *f, uint8_t *buf, size_t len, size_t cap)
{
	struct wg_result	res;
	int			rc = 0;

	res.msg_len = 0;
	res.events = 0;
	switch (wg_send(f->peer, now_time(), buf, len, cap, &res)) {
	case WG_TX_OK:
		udp_send(f, buf, res.wire_len);
		rc = 1;
		break;
	case WG_TX_NEED_HANDSHAKE:
		f->up = 0;
		break;
	case WG_TX_ERROR:
		errx(1, "send: %s", wg_drop_name(res.drop));
	}
	handle(f, &res);
	return rc;
}

/* A frame egd passed us: counted, and sent back with a fresh TTL. */
static void
frame_back(struct forge *f, const uint8_t *data, size_t len)
{
	struct ovl_hdr	h;
	uint8_t		buf[PKT_BUF];

	if (ovl_parse(data, len, &h) != OVL_OK || h.usage != OVL_FRAME)
		return;
	f->received++;
	if (!f->reflect || OVL_HDR_LEN + (size_t)h.len > PLAIN_MAX)
		return;
	h.ttl = f->ttl;
	memcpy(buf + WG_TRANSPORT_HEADER, data, OVL_HDR_LEN + h.len);
	ovl_write(buf + WG_TRANSPORT_HEADER, &h);
	if (send_plain(f, buf, OVL_HDR_LEN + h.len, sizeof(buf)))
		f->reflected++;
}

static void
drain(struct forge *f)
{
	struct sockaddr_storage	 from;
	socklen_t		 fromlen = sizeof(from);
	struct wg_result	 res;
	struct wg_addr		 src;
	struct wg_time		 now;
	uint8_t			 buf[65536];
	ssize_t			 n;

	while ((n = recvfrom(f->s, buf, sizeof(buf), MSG_DONTWAIT,
	    (struct sockaddr *)&from, &fromlen)) >= 0) {
		fromlen = sizeof(from);
		if (wg_addr_from_sockaddr(&src, (struct sockaddr *)&from) != 0)
			continue;
		res.msg_len = 0;
		res.events = 0;
		if (wg_receive(f->local, now_time(), &src, buf, (size_t)n,
		    &res) == WG_RX_DATA && res.data_len > 0) {
			handle(f, &res);
			frame_back(f, res.data, res.data_len);
			continue;
		}
		handle(f, &res);
	}
	now = now_time();
	if (wg_peer_next_deadline(f->peer) <= now.mono) {
		wg_peer_tick(f->peer, now, &res);
		handle(f, &res);
	}
}

static void
wait_drain(struct forge *f, int ms)
{
	struct pollfd	pfd;

	pfd.fd = f->s;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, ms) == -1 && errno != EINTR)
		err(1, "poll");
	drain(f);
}

static int
handshake(struct forge *f)
{
	struct wg_result	res;
	struct wg_time		now = now_time();
	uint64_t		end = now.mono + HANDSHAKE_WAIT, next = 0;

	while (!f->up && now.mono < end) {
		if (now.mono >= next) {
			if (wg_peer_initiate(f->peer, now, 1, &res) == 0)
				handle(f, &res);
			next = now.mono + WG_SEC;
		}
		wait_drain(f, 50);
		now = now_time();
	}
	return f->up;
}

int
main(int argc, char *argv[])
{
	struct addrinfo	 hints, *ai;
	struct forge	 f;
	struct ovl_hdr	 h;
	uint8_t		 priv[WG_KEY_LEN], pub[WG_KEY_LEN];
	uint8_t		 dmac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t		 smac[6] = { 2, 0, 0, 0, 0, 1 };
	uint8_t		 buf[PKT_BUF], *plain, *eth;
	const char	*keyf = NULL, *pubs = NULL;
	unsigned long	 count = 1, sent = 0, interval = 1000, secs = 3;
	uint64_t	 next, stop;
	uint16_t	 me = 0, src = 0, dst = NODEID_BROADCAST;
	int		 ch, rv, have_me = 0, have_src = 0, randmac = 0;
	int		 bufsz;

	memset(&f, 0, sizeof(f));
	f.ttl = 255;
	while ((ch = getopt(argc, argv, "c:D:d:E:e:i:k:n:p:Rrs:t:")) != -1) {
		switch (ch) {
		case 'c':
			count = number(optarg, ULONG_MAX, "-c");
			break;
		case 'D':
			dst = (uint16_t)number(optarg, 65535, "-D");
			break;
		case 'd':
			secs = number(optarg, 3600, "-d");
			break;
		case 'E':
			mac_parse(smac, optarg, "-E");
			break;
		case 'e':
			mac_parse(dmac, optarg, "-e");
			break;
		case 'i':
			interval = number(optarg, 10000000, "-i");
			break;
		case 'k':
			keyf = optarg;
			break;
		case 'n':
			me = (uint16_t)number(optarg, NODEID_MAX_VALID, "-n");
			have_me = 1;
			break;
		case 'p':
			pubs = optarg;
			break;
		case 'R':
			randmac = 1;
			break;
		case 'r':
			f.reflect = 1;
			break;
		case 's':
			src = (uint16_t)number(optarg, NODEID_MAX_VALID, "-s");
			have_src = 1;
			break;
		case 't':
			f.ttl = (uint8_t)number(optarg, 255, "-t");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2 || keyf == NULL || pubs == NULL || !have_me)
		usage();
	if (!have_src)
		src = me;
	if (sodium_init() == -1)
		errx(1, "sodium_init");
	key_file(priv, keyf);
	key_decode(pub, pubs, "-p");

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rv = getaddrinfo(argv[0], argv[1], &hints, &ai)) != 0)
		errx(2, "%s %s: %s", argv[0], argv[1], gai_strerror(rv));
	memcpy(&f.to, ai->ai_addr, ai->ai_addrlen);
	f.tolen = ai->ai_addrlen;
	if ((f.s = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK, 0)) ==
	    -1)
		err(1, "socket");
	freeaddrinfo(ai);
	bufsz = 4 << 20;
	setsockopt(f.s, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	if ((f.local = wg_local_new(priv, NULL, NULL)) == NULL)
		err(1, "wg_local_new");
	sodium_memzero(priv, sizeof(priv));
	if ((f.peer = wg_peer_new(f.local, pub, NULL, NULL)) == NULL)
		err(1, "wg_peer_new");
	if (!handshake(&f)) {
		printf("sent=0 error=no-session\n");
		return 1;
	}

	memset(&h, 0, sizeof(h));
	h.version = OVL_VERSION;
	h.usage = OVL_FRAME;
	h.ttl = f.ttl;
	h.dst = dst;
	h.src = src;
	h.len = FRAME_LEN;
	next = now_time().mono;
	stop = next + secs * WG_SEC;
	while (sent < count) {
		if (interval > 0 && now_time().mono < next) {
			wait_drain(&f, (int)((next - now_time().mono) /
			    1000000));
			continue;
		}
		if (interval > 0 || sent % 64 == 0)
			drain(&f);
		if (!f.up && !handshake(&f))
			break;
		plain = buf + WG_TRANSPORT_HEADER;
		eth = plain + OVL_HDR_LEN;
		memset(eth, 0, FRAME_LEN);
		memcpy(eth, dmac, 6);
		memcpy(eth + 6, smac, 6);
		if (randmac) {
			randombytes_buf(eth + 7, 5);
			eth[6] = 0x06;	/* unicast, locally administered */
		}
		eth[12] = 0x88;
		eth[13] = 0xb5;
		ovl_write(plain, &h);
		if (send_plain(&f, buf, OVL_HDR_LEN + FRAME_LEN, sizeof(buf)))
			sent++;
		next += interval * 1000ULL;
	}
	/* What egd passes back (and, reflecting, what loops) until -d. */
	do
		wait_drain(&f, 20);
	while (f.reflect && now_time().mono < stop);
	wait_drain(&f, 200);
	printf("sent=%lu received=%lu reflected=%lu errors=%lu session=%s\n",
	    sent, f.received, f.reflected, f.errors, f.up ? "up" : "lost");
	wg_local_free(f.local);
	return 0;
}
