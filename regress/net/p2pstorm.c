/*
 * p2pstorm: a hostile member of a P2P-mode network.  It holds a
 * member's private key, makes a WireGuard session with one egd (as the
 * initiator, on common/wg) and sends that egd flooded control messages
 * (overlay dst NODEID_SPREAD, src its own NodeID) of one kind, as fast
 * as it can or at a given interval.  What egd sends back is decrypted
 * (so that the session's timers see it) and otherwise ignored.
 *
 * usage: p2pstorm -k privkey-file -p peer-pubkey -n nodeid [-c count]
 *	  [-d seconds] [-i usec] [-m ms] [-N [min-]max] [-q seq] [-s src]
 *	  [-t ttl] kind host port
 *   same	one Pong, every time the same: the link src -> nodeid
 *		(-s, 1) measured at -m ms (12.5), seq -q (1)
 *   pong	a Pong of a fresh seq, from a random node, random latency
 *   query	a QueryPeer of a fresh nonce
 *   bcast	a BroadcastPeer of a random NodeID and key, no endpoint
 *   random	any of pong, query and bcast, at random
 *   garbage	usage Pong, QueryPeer or BroadcastPeer with random bytes
 *   spoof	a Pong of the link nodeid -> src (-s) as if src had
 *		measured it: its measurer is not the header's src
 *   super	a Pong of the link src (-s) -> nodeid of the next seq
 *		(from -q) and a random latency, to a supernode (overlay
 *		dst 65533; host and port are eg-supd's): a super-mode
 *		member storming the supernode's route process
 * -c messages to send (0: no limit; 1), -d stop after this many
 * seconds (0: no limit), -i microseconds between messages (0 floods;
 * 1000), -N the random NodeIDs, MAX or MIN-MAX (1-65531), -t the
 * header's TTL (8).
 * Prints "sent=N ..." when done; exits 1 if no session came up.
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
#include "overlay/ovlmsg.h"
#include "wg/wg.h"

#define PLAIN_MAX	256	/* the largest message we make, and more */
#define PKT_BUF		(WG_SEND_BUFLEN(PLAIN_MAX))
#define HANDSHAKE_WAIT	(10 * WG_SEC)

enum kind {
	K_SAME,
	K_PONG,
	K_QUERY,
	K_BCAST,
	K_RANDOM,
	K_GARBAGE,
	K_SPOOF,
	K_SUPER
};

static const char *kind_names[] = {
	[K_SAME] = "same",
	[K_PONG] = "pong",
	[K_QUERY] = "query",
	[K_BCAST] = "bcast",
	[K_RANDOM] = "random",
	[K_GARBAGE] = "garbage",
	[K_SPOOF] = "spoof",
	[K_SUPER] = "super",
};

struct opts {
	enum kind	kind;
	uint16_t	me;
	uint16_t	src;		/* -s */
	uint16_t	minid;		/* -N: the random NodeIDs */
	uint16_t	maxid;
	uint32_t	seq;		/* -q */
	double		ms;		/* -m */
	uint8_t		ttl;
};

struct state {
	int			 s;
	struct sockaddr_storage	 to;
	socklen_t		 tolen;
	struct wg_local		*local;
	struct wg_peer		*peer;
	int			 up;		/* our session is up */
	unsigned long		 received;	/* transport messages */
	unsigned long		 errors;	/* sends that failed */
};

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: p2pstorm -k privkey-file -p peer-pubkey "
	    "-n nodeid [-c count] [-d seconds]\n\t[-i usec] [-m ms] "
	    "[-N [min-]max] [-q seq] [-s src] [-t ttl] kind host port\n");
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

	strncpy(buf, b64, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
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

/* A NodeID in minid..maxid that is not ours. */
static uint16_t
random_id(const struct opts *o)
{
	uint16_t	id;

	do {
		id = (uint16_t)(o->minid +
		    randombytes_uniform(o->maxid - o->minid + 1));
	} while (id == o->me);
	return id;
}

/* -N: "MAX" (from 1) or "MIN-MAX", not only our own NodeID. */
static void
id_range(struct opts *o, const char *arg)
{
	char	buf[32], *dash;

	strlcpy(buf, arg, sizeof(buf));
	if ((dash = strchr(buf, '-')) != NULL) {
		*dash = '\0';
		o->minid = (uint16_t)number(buf, NODEID_MAX_VALID, "-N");
		o->maxid = (uint16_t)number(dash + 1, NODEID_MAX_VALID, "-N");
	} else {
		o->minid = 1;
		o->maxid = (uint16_t)number(buf, NODEID_MAX_VALID, "-N");
	}
	if (o->minid == 0 || o->minid > o->maxid ||
	    (o->minid == o->maxid && o->minid == o->me))
		errx(2, "-N %s: a range of NodeIDs from 1, not only ours", arg);
}

/* The link src -> dst measured by dst; fresh: a new one each time. */
static ssize_t
make_pong(const struct opts *o, uint16_t src, uint16_t dst, int fresh,
    uint8_t *buf, size_t cap)
{
	struct ovlmsg_pong	pong;

	memset(&pong, 0, sizeof(pong));
	pong.src = src;
	pong.dst = dst;
	pong.seq = o->seq;
	pong.latency_ms = o->ms;
	pong.lifetime_s = 3;
	pong.additional_cost = 0;
	if (fresh) {
		/* New content each time, so that the dup check keeps it. */
		pong.src = random_id(o);
		pong.seq = randombytes_random();
		pong.latency_ms = randombytes_uniform(100000) / 1000.0;
	}
	return ovlmsg_pong_encode(&pong, buf, cap);
}

/*
 * A member may announce a peer nobody has: a fresh NodeID and key with
 * no endpoint, so that no egd sends anything to a made-up address.
 */
static ssize_t
make_bcast(const struct opts *o, uint8_t *buf, size_t cap)
{
	struct ovlmsg_bcastpeer	bp;

	memset(&bp, 0, sizeof(bp));
	bp.node_id = random_id(o);
	bp.query_id = 0;
	randombytes_buf(bp.pubkey, sizeof(bp.pubkey));
	bp.af = OVLMSG_AF_NONE;
	return ovlmsg_bcastpeer_encode(&bp, buf, cap);
}

/* One message of the kind: its usage and payload. */
static ssize_t
make_msg(struct opts *o, enum kind k, uint8_t *usage, uint8_t *buf,
    size_t cap)
{
	static const uint8_t	 usages[] = { OVL_PONG, OVL_QUERY_PEER,
				    OVL_BROADCAST_PEER };
	struct ovlmsg_querypeer	 q;
	size_t			 len;

	switch (k) {
	case K_SAME:
		*usage = OVL_PONG;
		return make_pong(o, o->src, o->me, 0, buf, cap);
	case K_SPOOF:
		/* Our link to -s as -s measured it: only -s may say so. */
		*usage = OVL_PONG;
		return make_pong(o, o->me, o->src, 0, buf, cap);
	case K_PONG:
		*usage = OVL_PONG;
		return make_pong(o, 0, o->me, 1, buf, cap);
	case K_SUPER:
		*usage = OVL_PONG;
		o->seq++;
		o->ms = randombytes_uniform(100000) / 1000.0;
		return make_pong(o, o->src, o->me, 0, buf, cap);
	case K_QUERY:
		*usage = OVL_QUERY_PEER;
		q.requester = o->me;
		q.nonce = randombytes_random();
		return ovlmsg_querypeer_encode(&q, buf, cap);
	case K_BCAST:
		*usage = OVL_BROADCAST_PEER;
		return make_bcast(o, buf, cap);
	case K_RANDOM:
		return make_msg(o, K_PONG + randombytes_uniform(3), usage, buf,
		    cap);
	case K_GARBAGE:
		*usage = usages[randombytes_uniform(sizeof(usages))];
		len = 1 + randombytes_uniform(cap < 128 ? cap : 128);
		randombytes_buf(buf, len);
		/* A payload version we lack: bad whatever the rest says. */
		if (buf[0] == OVLMSG_VERSION)
			buf[0] ^= 0x80;
		return (ssize_t)len;
	}
	return -1;
}

static void
udp_send(struct state *st, const uint8_t *buf, size_t len)
{
	struct pollfd	pfd;

	/* Not connected: an ICMP error must not fail the next send. */
	while (sendto(st->s, buf, len, 0, (struct sockaddr *)&st->to,
	    st->tolen) == -1) {
		if (errno != EAGAIN && errno != ENOBUFS && errno != EINTR) {
			st->errors++;
			return;
		}
		pfd.fd = st->s;
		pfd.events = POLLOUT;
		poll(&pfd, 1, 1);
	}
}

/* What a call of common/wg asks for: a message to send, a session. */
static void
handle(struct state *st, const struct wg_result *res)
{
	if (res->msg_len > 0)
		udp_send(st, res->msg, res->msg_len);
	if (res->events & WG_EV_SESSION_INITIATOR)
		st->up = 1;
	if (res->events & (WG_EV_GAVE_UP | WG_EV_KEYS_ZEROED))
		st->up = 0;
}

/* Everything waiting on the socket, then the timers that are due. */
static void
drain(struct state *st)
{
	struct sockaddr_storage	 from;
	socklen_t		 fromlen = sizeof(from);
	struct wg_result	 res;
	struct wg_addr		 src;
	struct wg_time		 now;
	uint8_t			 buf[65536];
	ssize_t			 n;

	while ((n = recvfrom(st->s, buf, sizeof(buf), MSG_DONTWAIT,
	    (struct sockaddr *)&from, &fromlen)) >= 0) {
		fromlen = sizeof(from);
		if (wg_addr_from_sockaddr(&src, (struct sockaddr *)&from) != 0)
			continue;
		if (wg_receive(st->local, now_time(), &src, buf, (size_t)n,
		    &res) == WG_RX_DATA)
			st->received++;
		handle(st, &res);
	}
	now = now_time();
	if (wg_peer_next_deadline(st->peer) <= now.mono) {
		wg_peer_tick(st->peer, now, &res);
		handle(st, &res);
	}
}

/* Waits up to ms for the socket, then drains it. */
static void
wait_drain(struct state *st, int ms)
{
	struct pollfd	pfd;

	pfd.fd = st->s;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, ms) == -1 && errno != EINTR)
		err(1, "poll");
	drain(st);
}

/* An initiation every second until the response comes. */
static int
handshake(struct state *st)
{
	struct wg_result	res;
	struct wg_time		now = now_time();
	uint64_t		end = now.mono + HANDSHAKE_WAIT, next = 0;

	while (!st->up && now.mono < end) {
		if (now.mono >= next) {
			if (wg_peer_initiate(st->peer, now, 1, &res) == 0)
				handle(st, &res);
			next = now.mono + WG_SEC;
		}
		wait_drain(st, 50);
		now = now_time();
	}
	return st->up;
}

int
main(int argc, char *argv[])
{
	struct addrinfo		 hints, *ai;
	struct opts		 o;
	struct state		 st;
	struct wg_result	 res;
	struct wg_time		 now, start;
	struct ovl_hdr		 h;
	uint8_t			 priv[WG_KEY_LEN], pub[WG_KEY_LEN];
	uint8_t			 buf[PKT_BUF], *plain;
	const char		*keyf = NULL, *pubs = NULL, *idarg = NULL;
	char			*end;
	unsigned long		 count = 1, sent = 0, interval = 1000;
	unsigned long		 secs = 0;
	uint64_t		 next, stop = UINT64_MAX;
	double			 elapsed;
	ssize_t			 len;
	size_t			 i;
	int			 ch, rv, have_me = 0, bufsz;

	memset(&o, 0, sizeof(o));
	o.src = 1;
	o.minid = 1;
	o.maxid = NODEID_MAX_VALID;
	o.seq = 1;
	o.ms = 12.5;
	o.ttl = 8;
	while ((ch = getopt(argc, argv, "c:d:i:k:m:N:n:p:q:s:t:")) != -1) {
		switch (ch) {
		case 'c':
			count = number(optarg, ULONG_MAX, "-c");
			break;
		case 'd':
			secs = number(optarg, 3600, "-d");
			break;
		case 'i':
			interval = number(optarg, 10000000, "-i");
			break;
		case 'k':
			keyf = optarg;
			break;
		case 'm':
			o.ms = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0')
				errx(2, "-m: %s: a number", optarg);
			break;
		case 'N':
			idarg = optarg;
			break;
		case 'n':
			o.me = (uint16_t)number(optarg, NODEID_MAX_VALID, "-n");
			have_me = 1;
			break;
		case 'p':
			pubs = optarg;
			break;
		case 'q':
			o.seq = (uint32_t)number(optarg, UINT32_MAX, "-q");
			break;
		case 's':
			o.src = (uint16_t)number(optarg, NODEID_MAX_VALID,
			    "-s");
			break;
		case 't':
			o.ttl = (uint8_t)number(optarg, 255, "-t");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3 || keyf == NULL || pubs == NULL || !have_me)
		usage();
	if (idarg != NULL)
		id_range(&o, idarg);
	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (strcmp(argv[0], kind_names[i]) == 0)
			break;
	if (i == sizeof(kind_names) / sizeof(kind_names[0]))
		usage();
	o.kind = (enum kind)i;
	if (o.src == o.me)
		errx(2, "-s: not our own NodeID");
	if (sodium_init() == -1)
		errx(1, "sodium_init");
	key_file(priv, keyf);
	key_decode(pub, pubs, "-p");

	memset(&st, 0, sizeof(st));
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rv = getaddrinfo(argv[1], argv[2], &hints, &ai)) != 0)
		errx(2, "%s %s: %s", argv[1], argv[2], gai_strerror(rv));
	memcpy(&st.to, ai->ai_addr, ai->ai_addrlen);
	st.tolen = ai->ai_addrlen;
	if ((st.s = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK, 0)) ==
	    -1)
		err(1, "socket");
	freeaddrinfo(ai);
	/* egd's floods come back to us while we flood: keep up with them. */
	bufsz = 4 << 20;
	setsockopt(st.s, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	if ((st.local = wg_local_new(priv, NULL, NULL)) == NULL)
		err(1, "wg_local_new");
	sodium_memzero(priv, sizeof(priv));
	if ((st.peer = wg_peer_new(st.local, pub, NULL, NULL)) == NULL)
		err(1, "wg_peer_new");

	if (!handshake(&st)) {
		printf("sent=0 error=no-session\n");
		return 1;
	}
	start = now_time();
	if (secs > 0)
		stop = start.mono + secs * WG_SEC;
	next = start.mono;
	memset(&h, 0, sizeof(h));
	h.version = OVL_VERSION;
	h.ttl = o.ttl;
	h.dst = o.kind == K_SUPER ? NODEID_SUPERNODE : NODEID_SPREAD;
	h.src = o.me;
	plain = buf + WG_TRANSPORT_HEADER;
	for (;;) {
		now = now_time();
		if ((count > 0 && sent >= count) || now.mono >= stop)
			break;
		/* Behind (a handshake): no burst to catch up. */
		if (next + WG_SEC < now.mono)
			next = now.mono;
		if (interval > 0 && now.mono < next) {
			wait_drain(&st, (int)((next - now.mono) / 1000000));
			continue;
		}
		/* Flooding: read what came back now and then. */
		if (interval > 0 || sent % 64 == 0)
			drain(&st);
		if (!st.up && !handshake(&st))
			break;
		if ((len = make_msg(&o, o.kind, &h.usage, plain + OVL_HDR_LEN,
		    PLAIN_MAX - OVL_HDR_LEN)) == -1)
			errx(1, "%s: encoding failed", kind_names[o.kind]);
		h.len = (uint16_t)len;
		ovl_write(plain, &h);
		switch (wg_send(st.peer, now_time(), buf, OVL_HDR_LEN + len,
		    sizeof(buf), &res)) {
		case WG_TX_OK:
			udp_send(&st, buf, res.wire_len);
			sent++;
			break;
		case WG_TX_NEED_HANDSHAKE:
			st.up = 0;
			break;
		case WG_TX_ERROR:
			errx(1, "send: %s", wg_drop_name(res.drop));
		}
		handle(&st, &res);
		next += interval * 1000ULL;
	}
	elapsed = (now_time().mono - start.mono) / 1e9;
	/* The last messages are not lost in our own unread socket. */
	wait_drain(&st, 100);
	printf("sent=%lu errors=%lu received=%lu elapsed=%.3f rate=%.0f "
	    "session=%s\n", sent, st.errors, st.received, elapsed,
	    elapsed > 0 ? sent / elapsed : 0, st.up ? "up" : "lost");
	wg_local_free(st.local);
	return 0;
}
