/*
 * p2pstorm: a hostile member of a P2P-mode network.  It holds a
 * member's private key, makes a WireGuard session with one egd (as the
 * initiator, on common/wg: regress/lib/wgmember.c) and sends that egd flooded control messages
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

#include <err.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "config/config.h"
#include "overlay/overlay.h"
#include "overlay/ovlmsg.h"
#include "wg/wg.h"

#include "regress/lib/wgmember.h"

#define PLAIN_MAX	256	/* the largest message we make, and more */
#define PKT_BUF		(WG_SEND_BUFLEN(PLAIN_MAX))

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
	const char	*idarg;
	uint32_t	seq;		/* -q */
	double		ms;		/* -m */
	uint8_t		ttl;
};

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: p2pstorm -k privkey-file -p peer-pubkey "
	    "-n nodeid [-c count] [-d seconds]\n\t[-i usec] [-m ms] "
	    "[-N [min-]max] [-q seq] [-s src] [-t ttl] kind host port\n");
	exit(2);
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
		o->minid = (uint16_t)wgm_number(buf, NODEID_MAX_VALID, "-N");
		o->maxid = (uint16_t)wgm_number(dash + 1, NODEID_MAX_VALID, "-N");
	} else {
		o->minid = 1;
		o->maxid = (uint16_t)wgm_number(buf, NODEID_MAX_VALID, "-N");
	}
	if (o->minid == 0 || o->minid > o->maxid ||
	    (o->minid == o->maxid && o->minid == o->me))
		errx(2, "-N %s: a range of NodeIDs from 1, not only ours", arg);
}

/* p2pstorm's own options; -s, -t and the others are struct wgm_args'. */
static int
storm_opt(void *arg, int ch, const char *optarg)
{
	struct opts	*o = arg;
	char		*end;

	switch (ch) {
	case 'm':
		o->ms = strtod(optarg, &end);
		if (*optarg == '\0' || *end != '\0')
			errx(2, "-m: %s: a number", optarg);
		break;
	case 'N':
		o->idarg = optarg;
		break;
	case 'q':
		o->seq = (uint32_t)wgm_number(optarg, UINT32_MAX, "-q");
		break;
	default:
		return 0;
	}
	return 1;
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

/* Every transport message egd sends us, keepalives too. */
static void
count_data(void *arg, const uint8_t *data, size_t len)
{
	unsigned long	*received = arg;

	(*received)++;
}

int
main(int argc, char *argv[])
{
	struct opts		 o;
	struct wgm_args		 a = {
		.src = 1, .count = 1, .interval = 1000, .ttl = 8
	};
	struct wgm		 m;
	struct wg_time		 now, start;
	struct ovl_hdr		 h;
	uint8_t			 buf[PKT_BUF], *plain;
	unsigned long		 sent = 0, received = 0;
	uint64_t		 next, stop = UINT64_MAX;
	double			 elapsed;
	ssize_t			 len;
	size_t			 i;

	memset(&o, 0, sizeof(o));
	o.minid = 1;
	o.maxid = NODEID_MAX_VALID;
	o.seq = 1;
	o.ms = 12.5;
	argv = wgm_args_parse(&a, argc, argv, "c:d:i:k:m:N:n:p:q:s:t:", 3,
	    storm_opt, &o, usage);
	o.me = a.me;
	o.src = a.src;
	o.ttl = a.ttl;
	if (o.idarg != NULL)
		id_range(&o, o.idarg);
	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (strcmp(argv[0], kind_names[i]) == 0)
			break;
	if (i == sizeof(kind_names) / sizeof(kind_names[0]))
		usage();
	o.kind = (enum kind)i;
	if (o.src == o.me)
		errx(2, "-s: not our own NodeID");
	wgm_open(&m, &a, argv[1], argv[2]);
	m.on_data = count_data;
	m.on_data_arg = &received;

	if (!wgm_handshake(&m)) {
		printf("sent=0 error=no-session\n");
		return 1;
	}
	start = wgm_now();
	if (a.secs > 0)
		stop = start.mono + a.secs * WG_SEC;
	next = start.mono;
	memset(&h, 0, sizeof(h));
	h.version = OVL_VERSION;
	h.ttl = o.ttl;
	h.dst = o.kind == K_SUPER ? NODEID_SUPERNODE : NODEID_SPREAD;
	h.src = o.me;
	plain = buf + WG_TRANSPORT_HEADER;
	for (;;) {
		now = wgm_now();
		if ((a.count > 0 && sent >= a.count) || now.mono >= stop)
			break;
		/* Behind (a handshake): no burst to catch up. */
		if (next + WG_SEC < now.mono)
			next = now.mono;
		if (a.interval > 0 && now.mono < next) {
			wgm_wait(&m, (int)((next - now.mono) / 1000000));
			continue;
		}
		/* Flooding: read what came back now and then. */
		if (a.interval > 0 || sent % 64 == 0)
			wgm_drain(&m);
		if (!m.up && !wgm_handshake(&m))
			break;
		if ((len = make_msg(&o, o.kind, &h.usage, plain + OVL_HDR_LEN,
		    PLAIN_MAX - OVL_HDR_LEN)) == -1)
			errx(1, "%s: encoding failed", kind_names[o.kind]);
		h.len = (uint16_t)len;
		ovl_write(plain, &h);
		if (wgm_send(&m, buf, OVL_HDR_LEN + len, sizeof(buf)))
			sent++;
		next += a.interval * 1000ULL;
	}
	elapsed = (wgm_now().mono - start.mono) / 1e9;
	/* The last messages are not lost in our own unread socket. */
	wgm_wait(&m, 100);
	printf("sent=%lu errors=%lu received=%lu elapsed=%.3f rate=%.0f "
	    "session=%s\n", sent, m.errors, received, elapsed,
	    elapsed > 0 ? sent / elapsed : 0, m.up ? "up" : "lost");
	wgm_close(&m);
	return 0;
}
