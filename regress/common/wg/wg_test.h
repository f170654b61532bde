/*
 * Helpers for the WireGuard unit tests: a deterministic random source,
 * a fake clock, fixed keys, and a pair of locals (A and B) that know
 * each other, with a function that carries messages between them.
 *
 * The random source: call number n yields, for each 32-byte block j,
 * BLAKE2s-256(seed || le32(n) || le32(j)), truncated to the length
 * asked.  regress/common/wg/wg_vectors.py implements the same source.
 */
#ifndef REGRESS_WG_TEST_H
#define REGRESS_WG_TEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <blake2.h>
#include <sodium.h>

#include "wg/wg.h"
#include "wg/wg_msg.h"

struct test_rng {
	uint8_t		seed[16];
	uint32_t	calls;
};

static inline void
test_rng_fn(void *ctx, void *buf, size_t len)
{
	struct test_rng	*r = ctx;
	uint8_t		 in[24], block[32], *out = buf;
	uint32_t	 j = 0;
	size_t		 n;

	memcpy(in, r->seed, 16);
	wg_le32enc(in + 16, r->calls++);
	while (len > 0) {
		wg_le32enc(in + 20, j++);
		blake2s(block, in, NULL, sizeof(block), sizeof(in), 0);
		n = len < sizeof(block) ? len : sizeof(block);
		memcpy(out, block, n);
		out += n;
		len -= n;
	}
}

static inline void
test_rng_init(struct test_rng *r, const char *seed)
{
	size_t	n = strlen(seed);

	memset(r, 0, sizeof(*r));
	memcpy(r->seed, seed, n < sizeof(r->seed) ? n : sizeof(r->seed));
}

/* Fixed private keys; their public keys follow from X25519. */
static const uint8_t test_priv_a[WG_KEY_LEN] __attribute__((unused)) = {
	0x08, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	0x01, 0x12, 0x23, 0x34, 0x45, 0x56, 0x67, 0x78,
	0x89, 0x9a, 0xab, 0xbc, 0xcd, 0xde, 0xef, 0x70,
};
static const uint8_t test_priv_b[WG_KEY_LEN] __attribute__((unused)) = {
	0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
	0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f,
	0x1f, 0x2e, 0x3d, 0x4c, 0x5b, 0x6a, 0x79, 0x88,
	0x97, 0xa6, 0xb5, 0xc4, 0xd3, 0xe2, 0xf1, 0x40,
};
static const uint8_t test_psk[WG_KEY_LEN] __attribute__((unused)) = {
	0x50, 0x53, 0x4b, 0x20, 0x66, 0x6f, 0x72, 0x20,
	0x72, 0x65, 0x67, 0x72, 0x65, 0x73, 0x73, 0x20,
	0x74, 0x65, 0x73, 0x74, 0x73, 0x20, 0x6f, 0x6e,
	0x6c, 0x79, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
};

/* Start of the fake clocks: 1000 s after boot, 2023-11-14 22:13:20. */
#define TEST_MONO0	(1000 * WG_SEC)
#define TEST_WALL0	(1700000000ULL * WG_SEC)

struct pair {
	struct test_rng	 ra, rb;
	struct wg_local	*a, *b;
	struct wg_peer	*pa;		/* A's peer: B */
	struct wg_peer	*pb;		/* B's peer: A */
	struct wg_addr	 addr_a, addr_b;
	struct wg_time	 now;
};

static inline void
pair_init(struct pair *pr, const uint8_t *psk_a, const uint8_t *psk_b)
{
	uint8_t	pub[WG_KEY_LEN];

	memset(pr, 0, sizeof(*pr));
	test_rng_init(&pr->ra, "initiator-A");
	test_rng_init(&pr->rb, "responder-B");
	pr->a = wg_local_new(test_priv_a, test_rng_fn, &pr->ra);
	pr->b = wg_local_new(test_priv_b, test_rng_fn, &pr->rb);
	if (pr->a == NULL || pr->b == NULL)
		abort();
	wg_local_pubkey(pr->b, pub);
	pr->pa = wg_peer_new(pr->a, pub, psk_a, NULL);
	wg_local_pubkey(pr->a, pub);
	pr->pb = wg_peer_new(pr->b, pub, psk_b, NULL);
	if (pr->pa == NULL || pr->pb == NULL)
		abort();
	pr->addr_a.len = 6;
	pr->addr_a.host_len = 4;
	memcpy(pr->addr_a.bytes, "\x0a\x00\x00\x01\xca\x6c", 6);
	pr->addr_b.len = 6;
	pr->addr_b.host_len = 4;
	memcpy(pr->addr_b.bytes, "\x0a\x00\x00\x02\xca\x6c", 6);
	pr->now.mono = TEST_MONO0;
	pr->now.wall = TEST_WALL0;
}

static inline void
pair_free(struct pair *pr)
{
	wg_local_free(pr->a);
	wg_local_free(pr->b);
}

static inline void
pair_advance(struct pair *pr, uint64_t ns)
{
	pr->now.mono += ns;
	pr->now.wall += ns;
}

/*
 * Delivers res->msg (sent by A when to_b, else by B) to the other side;
 * the answer, if any, lands in out.
 */
static inline enum wg_rx
pair_deliver_msg(struct pair *pr, int to_b, const struct wg_result *res,
    struct wg_result *out)
{
	uint8_t	buf[WG_HANDSHAKE_MAX];

	memcpy(buf, res->msg, res->msg_len);
	if (to_b)
		return wg_receive(pr->b, pr->now, &pr->addr_a, buf,
		    res->msg_len, out);
	return wg_receive(pr->a, pr->now, &pr->addr_b, buf, res->msg_len,
	    out);
}

/*
 * A full handshake started by A: initiation, response, then A's first
 * transport message (len bytes of 0x5a) confirming it to B.  Returns 0
 * when both sides ended with a session; the messages are kept in init
 * and resp when not NULL.
 */
static inline int
pair_handshake(struct pair *pr, struct wg_result *init, struct wg_result *resp)
{
	struct wg_result	r1, r2, r3, r4;
	uint8_t			buf[WG_SEND_BUFLEN(64)];

	memset(buf, 0x5a, sizeof(buf));
	if (wg_peer_initiate(pr->pa, pr->now, 1, &r1) != 0)
		return -1;
	if (pair_deliver_msg(pr, 1, &r1, &r2) != WG_RX_HANDSHAKE ||
	    r2.msg_len != WG_RESPONSE_LEN)
		return -1;
	if (pair_deliver_msg(pr, 0, &r2, &r3) != WG_RX_HANDSHAKE ||
	    !(r3.events & WG_EV_SESSION_INITIATOR))
		return -1;
	if (wg_send(pr->pa, pr->now, buf, 64, sizeof(buf), &r4) != WG_TX_OK)
		return -1;
	if (wg_receive(pr->b, pr->now, &pr->addr_a, buf, r4.wire_len, &r3) !=
	    WG_RX_DATA || !(r3.events & WG_EV_SESSION_RESPONDER))
		return -1;
	if (init != NULL)
		*init = r1;
	if (resp != NULL)
		*resp = r2;
	return 0;
}

/* Sends len bytes from one side to the other; returns the rx verdict. */
static inline enum wg_rx
pair_send(struct pair *pr, int from_a, size_t len, struct wg_result *rx)
{
	struct wg_result	tx;
	uint8_t			buf[WG_SEND_BUFLEN(1500)];
	size_t			i;

	for (i = 0; i < len; i++)
		buf[WG_TRANSPORT_HEADER + i] = (uint8_t)i;
	if (wg_send(from_a ? pr->pa : pr->pb, pr->now, buf, len, sizeof(buf),
	    &tx) != WG_TX_OK) {
		rx->drop = WG_DROP_NONE;
		return (enum wg_rx)-1;
	}
	return wg_receive(from_a ? pr->b : pr->a, pr->now,
	    from_a ? &pr->addr_a : &pr->addr_b, buf, tx.wire_len, rx);
}

/* Value of the named counter of a local or peer stats list. */
static inline uint64_t
stat_of(const struct wg_stat *st, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(st[i].name, name) == 0)
			return st[i].value;
	return UINT64_MAX;
}

static inline uint64_t
local_stat(const struct wg_local *l, const char *name)
{
	struct wg_stat	st[WG_STATS_MAX];

	return stat_of(st, wg_local_stats(l, st, WG_STATS_MAX), name);
}

static inline uint64_t
peer_stat(const struct wg_peer *p, const char *name)
{
	struct wg_stat	st[WG_STATS_MAX];

	return stat_of(st, wg_peer_stats(p, st, WG_STATS_MAX), name);
}

static inline void
hexhash(char out[65], const void *buf, size_t len)
{
	uint8_t	h[32];
	size_t	i;

	blake2s(h, buf, NULL, sizeof(h), len, 0);
	for (i = 0; i < sizeof(h); i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

#endif /* REGRESS_WG_TEST_H */
