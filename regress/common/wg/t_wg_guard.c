/*
 * The handshake guard (wg_guard.h) on a fake clock: when a process goes
 * under load and when it comes out, the budgets of cookie replies and of
 * Diffie-Hellman work, and through wg_receive() floods of one
 * initiation replayed from thousands of sources, spoofed or answering
 * cookies, with a real peer still getting its handshake; and one guard
 * for two locals.
 */
#include <stdio.h>

#include "regress/lib/tap.h"
#include "wg/wg_cookie.h"
#include "wg/wg_guard.h"
#include "wg_test.h"

#define MS	1000000ULL
#define NSRC	2000

/* A key B does not know: its initiations cost B one X25519 each. */
static const uint8_t test_priv_c[WG_KEY_LEN] = {
	0x20, 0x31, 0x42, 0x53, 0x64, 0x75, 0x86, 0x97,
	0xa8, 0xb9, 0xca, 0xdb, 0xec, 0xfd, 0x0e, 0x1f,
	0x2f, 0x3e, 0x4d, 0x5c, 0x6b, 0x7a, 0x89, 0x98,
	0xa7, 0xb6, 0xc5, 0xd4, 0xe3, 0xf2, 0x01, 0x50,
};
/* B's other identity. */
static const uint8_t test_priv_d[WG_KEY_LEN] = {
	0x30, 0x41, 0x52, 0x63, 0x74, 0x85, 0x96, 0xa7,
	0xb8, 0xc9, 0xda, 0xeb, 0xfc, 0x0d, 0x1e, 0x2f,
	0x3f, 0x4e, 0x5d, 0x6c, 0x7b, 0x8a, 0x99, 0xa8,
	0xb7, 0xc6, 0xd5, 0xe4, 0xf3, 0x02, 0x11, 0x60,
};

static void
test_detector(void)
{
	struct wg_guard	g;
	uint64_t	t = TEST_MONO0, last;
	int		i, under = 0;

	wg_guard_init(&g);
	for (i = 0; i < WG_LOAD_RATE; i++)
		under |= wg_guard_arrival(&g, t);
	ok(!under, "%d handshake messages at once: not under load",
	    WG_LOAD_RATE);
	ok(wg_guard_arrival(&g, t) && g.loaded == 1,
	    "one more: under load, counted once");
	/* 100 a second for 3 s: under load all along. */
	for (i = 0, under = 1; i < 300; i++) {
		t += 10 * MS;
		under &= wg_guard_arrival(&g, t);
	}
	last = t;
	ok(under && g.loaded == 1, "100 a second for 3 s: under load "
	    "throughout, one episode");
	ok(wg_guard_under_load(&g, last + WG_LOAD_HOLD / 2),
	    "the flood stops: still under load %llu ms later",
	    (unsigned long long)(WG_LOAD_HOLD / 2 / MS));
	ok(!wg_guard_under_load(&g, last + WG_LOAD_HOLD),
	    "and no longer a second after the last one over the rate");
	ok(!wg_guard_arrival(&g, last + WG_LOAD_HOLD + 10 * MS),
	    "the next handshake message finds the process calm");
	/* At the rate, never. */
	wg_guard_init(&g);
	for (i = 0, under = 0; i < 10 * WG_LOAD_RATE; i++) {
		t += WG_SEC / WG_LOAD_RATE;
		under |= wg_guard_arrival(&g, t);
	}
	ok(!under && g.seen == 10 * WG_LOAD_RATE,
	    "%d a second for 10 s: never under load", WG_LOAD_RATE);
}

static void
test_budgets(void)
{
	struct wg_guard	g;
	uint64_t	t = TEST_MONO0;
	int		i, n;

	wg_guard_init(&g);
	for (i = n = 0; i < 2 * WG_DH_RATE; i++)
		n += wg_guard_dh(&g, t);
	ok(n == WG_DH_RATE && g.dh_done == WG_DH_RATE,
	    "Diffie-Hellman: %d of %d at once, a second's budget", n,
	    2 * WG_DH_RATE);
	ok(!wg_guard_dh(&g, t + WG_SEC / WG_DH_RATE - 1) &&
	    wg_guard_dh(&g, t + WG_SEC / WG_DH_RATE),
	    "one more 1/%d s later, not before", WG_DH_RATE);
	for (i = n = 0; i < 30 * WG_DH_RATE; i++)
		n += wg_guard_dh(&g, t + WG_SEC + i * (WG_SEC /
		    (10 * WG_DH_RATE)));
	ok(n <= 4 * WG_DH_RATE && n >= 3 * WG_DH_RATE,
	    "%d a second offered for 3 s: %d given, the full bucket and 3 s "
	    "of its rate", 10 * WG_DH_RATE, n);
	for (i = n = 0; i < 2 * WG_COOKIE_RATE; i++)
		n += wg_guard_cookie(&g, t);
	ok(n == WG_COOKIE_RATE, "cookie replies: %d of %d at once", n,
	    2 * WG_COOKIE_RATE);
	ok(wg_guard_cookie(&g, t + 10 * WG_SEC) && !wg_guard_dh(&g, t),
	    "buckets refill; a clock that went back refills nothing");
}

/* Source i: 10.1.i/16, port 51820. */
static void
source(struct wg_addr *a, unsigned int i)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->bytes, "\x0a\x01\x00\x00\xca\x6c", 6);
	a->bytes[2] = i >> 8;
	a->bytes[3] = i;
	a->len = 6;
	a->host_len = 4;
}

struct flood {
	struct wg_local		*to;
	struct wg_time		 now;
	uint8_t			 init[WG_INITIATION_LEN];
	struct cookie_maker	*cm;	/* per source: it answers cookies */
	unsigned long		 replies;
};

/* C's one initiation to B, made once, replayed. */
static void
flood_init(struct flood *f, struct wg_local *to, struct wg_time now,
    int cookies)
{
	struct test_rng		 r;
	struct wg_result	 res;
	struct wg_local		*c;
	struct wg_peer		*p;
	uint8_t			 pub[WG_KEY_LEN];
	unsigned int		 i;

	memset(f, 0, sizeof(*f));
	f->to = to;
	f->now = now;
	test_rng_init(&r, "flooder-C");
	wg_local_pubkey(to, pub);
	if ((c = wg_local_new(test_priv_c, test_rng_fn, &r)) == NULL ||
	    (p = wg_peer_new(c, pub, NULL, NULL)) == NULL ||
	    wg_peer_initiate(p, now, 1, &res) != 0)
		abort();
	memcpy(f->init, res.msg, sizeof(f->init));
	wg_local_free(c);
	if (!cookies)
		return;
	if ((f->cm = calloc(NSRC, sizeof(*f->cm))) == NULL)
		abort();
	for (i = 0; i < NSRC; i++)
		cookie_maker_init(&f->cm[i], pub);
}

/* rate a second for secs s, from the NSRC sources in turn. */
static void
flood_run(struct flood *f, unsigned int rate, unsigned int secs)
{
	struct wg_result	res;
	struct wg_addr		a;
	uint8_t			buf[WG_INITIATION_LEN];
	unsigned int		i, n = rate * secs;

	for (i = 0; i < n; i++) {
		f->now.mono += WG_SEC / rate;
		f->now.wall += WG_SEC / rate;
		memcpy(buf, f->init, sizeof(buf));
		if (f->cm != NULL)
			cookie_maker_add_macs(&f->cm[i % NSRC], buf,
			    sizeof(buf), f->now.mono);
		source(&a, i % NSRC);
		wg_receive(f->to, f->now, &a, buf, sizeof(buf), &res);
		if (res.msg_len == WG_COOKIE_REPLY_LEN) {
			f->replies++;
			if (f->cm != NULL)
				cookie_maker_consume_reply(&f->cm[i % NSRC],
				    (const struct wg_msg_cookie *)res.msg,
				    f->now.mono);
		}
	}
}

/* A real peer's handshake with B: 0 at once, 1 after a cookie, -1 not. */
static int
peer_handshake(struct pair *pr)
{
	struct wg_result	r1, r2, r3;

	wg_peer_initiate(pr->pa, pr->now, 1, &r1);
	if (pair_deliver_msg(pr, 1, &r1, &r2) == WG_RX_HANDSHAKE)
		return 0;
	if (r2.drop != WG_DROP_COOKIE_REQUIRED ||
	    pair_deliver_msg(pr, 0, &r2, &r3) != WG_RX_COOKIE)
		return -1;
	pair_advance(pr, 10 * MS);
	wg_peer_initiate(pr->pa, pr->now, 1, &r1);
	return pair_deliver_msg(pr, 1, &r1, &r2) == WG_RX_HANDSHAKE ? 1 : -1;
}

static void
test_spoofed_flood(void)
{
	struct pair	pr;
	struct flood	f;
	uint64_t	dh, ck;

	pair_init(&pr, NULL, NULL);
	flood_init(&f, pr.b, pr.now, 0);
	flood_run(&f, 5000, 2);
	pr.now = f.now;
	dh = local_stat(pr.b, "drop_unknown_peer");
	ck = local_stat(pr.b, "cookie_sent");
	ok(dh == WG_LOAD_RATE && ck == 10000 - WG_LOAD_RATE &&
	    f.replies == ck,
	    "5000 a second for 2 s, spoofed: Diffie-Hellman on %llu, the "
	    "rest answered with cookies (%llu)", (unsigned long long)dh,
	    (unsigned long long)ck);
	ok(peer_handshake(&pr) == 1,
	    "meanwhile a real peer gets a cookie, and its handshake with it");
	ck = local_stat(pr.b, "cookie_sent");
	flood_run(&f, 20000, 2);
	pr.now = f.now;
	ck = local_stat(pr.b, "cookie_sent") - ck;
	ok(ck <= WG_COOKIE_RATE * 3 && ck >= WG_COOKIE_RATE * 2 &&
	    local_stat(pr.b, "drop_cookie_budget") == 40000 - ck,
	    "20000 a second for 2 s: %llu cookie replies, the others "
	    "dropped unanswered", (unsigned long long)ck);
	ok(local_stat(pr.b, "drop_unknown_peer") == dh,
	    "and no more Diffie-Hellman");
	pair_advance(&pr, WG_LOAD_HOLD);
	ok(peer_handshake(&pr) == 0,
	    "a second after the flood: the real peer's handshake at once");
	free(f.cm);
	pair_free(&pr);
}

static void
test_cookie_flood(void)
{
	struct pair	pr;
	struct flood	f;
	struct wg_stat	st[8];
	uint64_t	dh;
	size_t		n;

	pair_init(&pr, NULL, NULL);
	flood_init(&f, pr.b, pr.now, 1);
	flood_run(&f, 20000, 3);
	pr.now = f.now;
	dh = local_stat(pr.b, "drop_unknown_peer");
	ok(dh > 2 * WG_DH_RATE && dh <= WG_DH_RATE * 4,
	    "20000 a second for 3 s from %d sources with cookies: "
	    "Diffie-Hellman on %llu, within the budget", NSRC,
	    (unsigned long long)dh);
	ok(local_stat(pr.b, "drop_handshake_budget") > 40000,
	    "the others dropped over the budget (%llu)",
	    (unsigned long long)local_stat(pr.b, "drop_handshake_budget"));
	n = wg_guard_stats(wg_local_guard(pr.b), pr.now.mono, st, 8);
	ok(n == 4 && strcmp(st[1].name, "handshakes_dh") == 0 &&
	    st[1].value == dh && strcmp(st[3].name, "under_load") == 0 &&
	    st[3].value == 1,
	    "the guard's counters: %llu given Diffie-Hellman, under load",
	    (unsigned long long)st[1].value);
	free(f.cm);
	pair_free(&pr);
}

/* A second identity of B (eg-supd's other family), A its peer too. */
static void
pair_init_other(struct pair *pr, struct test_rng *r)
{
	uint8_t	pub[WG_KEY_LEN];

	pair_init(pr, NULL, NULL);
	wg_peer_free(pr->pa);
	wg_local_free(pr->b);
	test_rng_init(r, "responder-B6");
	if ((pr->b = wg_local_new(test_priv_d, test_rng_fn, r)) == NULL)
		abort();
	wg_local_pubkey(pr->b, pub);
	pr->pa = wg_peer_new(pr->a, pub, NULL, NULL);
	wg_local_pubkey(pr->a, pub);
	pr->pb = wg_peer_new(pr->b, pub, NULL, NULL);
	if (pr->pa == NULL || pr->pb == NULL)
		abort();
}

static void
test_shared(int share)
{
	struct test_rng		 r;
	struct pair		 pr, pr6;
	struct flood		 f;
	struct wg_guard		*g = NULL;
	int			 hs;

	pair_init(&pr, NULL, NULL);
	pair_init_other(&pr6, &r);
	if (share) {
		if ((g = wg_guard_new()) == NULL)
			abort();
		wg_local_set_guard(pr.b, g);
		wg_local_set_guard(pr6.b, g);
	}
	flood_init(&f, pr.b, pr.now, 0);
	flood_run(&f, 5000, 1);
	pr6.now = f.now;
	hs = peer_handshake(&pr6);
	if (share)
		ok(hs == 1, "one guard for B and B': after a flood at B, a "
		    "handshake with B' needs a cookie");
	else
		ok(hs == 0, "a guard each: a flood at B leaves B' calm");
	pair_free(&pr);
	pair_free(&pr6);
	wg_guard_free(g);
}

int
main(void)
{
	test_detector();
	test_budgets();
	test_spoofed_flood();
	test_cookie_flood();
	test_shared(1);
	test_shared(0);
	return tap_done();
}
