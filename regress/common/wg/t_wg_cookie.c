/*
 * Under load: cookie replies, mac2, cookie lifetime, secret rotation,
 * per-source rate limiting and its bounded table.
 */
#include <stdio.h>

#include "regress/lib/tap.h"
#include "wg/wg_crypto.h"
#include "wg/wg_ratelimit.h"
#include "wg_test.h"

#define MS	1000000ULL

static int
mac2_is_zero(const struct wg_result *r)
{
	return sodium_is_zero(r->msg + WG_MAC2_OFF(r->msg_len), WG_MAC_LEN);
}

static void
test_cookie_round(void)
{
	struct pair		pr;
	struct wg_result	r1, r2, r3, r4;
	uint64_t		d;

	pair_init(&pr, NULL, NULL);
	wg_local_set_under_load(pr.b, 1);
	wg_peer_initiate(pr.pa, pr.now, 0, &r1);
	ok(mac2_is_zero(&r1), "first initiation: mac2 is zero (no cookie)");
	ok(pair_deliver_msg(&pr, 1, &r1, &r2) == WG_RX_DROP &&
	    r2.drop == WG_DROP_COOKIE_REQUIRED &&
	    r2.msg_len == WG_COOKIE_REPLY_LEN && r2.msg[0] == WG_MSG_COOKIE,
	    "responder under load answers with a cookie reply");
	ok(local_stat(pr.b, "cookie_sent") == 1 &&
	    local_stat(pr.b, "drop_cookie_required") == 1, "counted");
	ok(memcmp(r2.msg + 4, r1.msg + 4, 4) == 0,
	    "the reply goes to the initiation's sender index");
	ok(pair_deliver_msg(&pr, 0, &r2, &r3) == WG_RX_COOKIE &&
	    r3.peer == pr.pa, "initiator stores the cookie");
	ok(pair_deliver_msg(&pr, 0, &r2, &r3) == WG_RX_DROP &&
	    r3.drop == WG_DROP_UNEXPECTED, "the same reply again: unexpected");

	/* The retransmission timer retries, now with mac2. */
	d = wg_peer_next_deadline(pr.pa);
	pair_advance(&pr, d - pr.now.mono);
	wg_peer_tick(pr.pa, pr.now, &r1);
	ok((r1.events & WG_EV_HANDSHAKE_SENT) && !mac2_is_zero(&r1),
	    "retransmitted initiation carries mac2");
	ok(pair_deliver_msg(&pr, 1, &r1, &r2) == WG_RX_HANDSHAKE &&
	    r2.msg_len == WG_RESPONSE_LEN, "responder accepts it and answers");
	ok(pair_deliver_msg(&pr, 0, &r2, &r3) == WG_RX_HANDSHAKE &&
	    (r3.events & WG_EV_SESSION_INITIATOR),
	    "the handshake completes under load");

	/* The same cookie from another source address is worthless. */
	pair_advance(&pr, WG_REKEY_TIMEOUT);
	wg_peer_initiate(pr.pa, pr.now, 0, &r1);
	pr.addr_a.bytes[5] ^= 1;	/* another port */
	ok(pair_deliver_msg(&pr, 1, &r1, &r4) == WG_RX_DROP &&
	    r4.drop == WG_DROP_COOKIE_REQUIRED,
	    "mac2 from another source port: cookie required again");
	pr.addr_a.bytes[5] ^= 1;

	/* B answers with mac2 too, once A under load gave it a cookie. */
	wg_local_set_under_load(pr.b, 0);
	wg_local_set_under_load(pr.a, 1);
	pair_deliver_msg(&pr, 1, &r1, &r2);
	ok(pair_deliver_msg(&pr, 0, &r2, &r3) == WG_RX_DROP &&
	    r3.drop == WG_DROP_COOKIE_REQUIRED && r3.msg_len > 0,
	    "a response without mac2 to a loaded initiator: cookie reply");
	ok(pair_deliver_msg(&pr, 1, &r3, &r4) == WG_RX_COOKIE,
	    "the responder takes the cookie (index of its response)");
	pair_free(&pr);
}

static void
test_cookie_ad(void)
{
	struct pair		pr;
	struct wg_result	r1, r2, r3;

	pair_init(&pr, NULL, NULL);
	wg_local_set_under_load(pr.b, 1);
	wg_peer_initiate(pr.pa, pr.now, 0, &r1);
	pair_deliver_msg(&pr, 1, &r1, &r2);
	wg_peer_initiate(pr.pa, pr.now, 1, &r1);	/* a new mac1 */
	/* The forced initiation took a new index: aim at it. */
	memcpy(r2.msg + 4, r1.msg + 4, 4);
	ok(pair_deliver_msg(&pr, 0, &r2, &r3) == WG_RX_DROP &&
	    r3.drop == WG_DROP_BAD_COOKIE,
	    "a cookie reply made for an older mac1 fails to decrypt");
	pair_free(&pr);
}

static void
test_cookie_lifetime(void)
{
	struct pair		pr;
	struct wg_result	r1, r2, r3;

	pair_init(&pr, NULL, NULL);
	wg_local_set_under_load(pr.b, 1);
	wg_peer_initiate(pr.pa, pr.now, 0, &r1);
	pair_deliver_msg(&pr, 1, &r1, &r2);
	pair_deliver_msg(&pr, 0, &r2, &r3);

	pair_advance(&pr, 119 * WG_SEC);
	wg_peer_initiate(pr.pa, pr.now, 0, &r1);
	ok(!mac2_is_zero(&r1), "cookie still used at 119 s");
	ok(pair_deliver_msg(&pr, 1, &r1, &r2) == WG_RX_HANDSHAKE,
	    "and still accepted: the secret is 119 s old");
	pair_advance(&pr, WG_SEC);
	wg_peer_initiate(pr.pa, pr.now, 1, &r1);
	ok(mac2_is_zero(&r1), "at 120 s the cookie has expired: mac2 zero");
	ok(pair_deliver_msg(&pr, 1, &r1, &r2) == WG_RX_DROP &&
	    r2.drop == WG_DROP_COOKIE_REQUIRED,
	    "so the responder asks for a new one");
	ok(pair_deliver_msg(&pr, 0, &r2, &r3) == WG_RX_COOKIE,
	    "cookie from the rotated secret stored");

	/* A cookie from the old secret no longer opens the door. */
	pair_advance(&pr, 120 * WG_SEC);
	pr.now.mono -= 1;	/* A's cookie is 120 s - 1 ns old: still used */
	wg_peer_initiate(pr.pa, pr.now, 1, &r1);
	pr.now.mono += 1;
	ok(!mac2_is_zero(&r1), "A still uses its cookie");
	ok(pair_deliver_msg(&pr, 1, &r1, &r2) == WG_RX_DROP &&
	    r2.drop == WG_DROP_COOKIE_REQUIRED,
	    "but B's secret rotated after 120 s: cookie required");
	pair_free(&pr);
}

static void
test_ratelimit_handshakes(void)
{
	struct pair		pr;
	struct wg_result	r1, r2, r3;
	int			i, limited = 0, passed = 0;

	pair_init(&pr, NULL, NULL);
	wg_local_set_under_load(pr.b, 1);
	wg_peer_initiate(pr.pa, pr.now, 0, &r1);
	pair_deliver_msg(&pr, 1, &r1, &r2);
	pair_deliver_msg(&pr, 0, &r2, &r3);
	for (i = 0; i < 10; i++) {
		pr.now.wall += 100 * MS;	/* fresh timestamps */
		wg_peer_initiate(pr.pa, pr.now, 1, &r1);
		if (pair_deliver_msg(&pr, 1, &r1, &r2) == WG_RX_DROP &&
		    r2.drop == WG_DROP_RATELIMITED)
			limited++;
		else
			passed++;
	}
	ok(passed == WG_RL_BURST && limited == 10 - WG_RL_BURST,
	    "10 at once from one source under load: %d pass, %d limited",
	    passed, limited);
	pair_advance(&pr, WG_SEC / WG_RL_PER_SECOND);
	wg_peer_initiate(pr.pa, pr.now, 1, &r1);
	ok(pair_deliver_msg(&pr, 1, &r1, &r2) != WG_RX_DROP ||
	    r2.drop != WG_DROP_RATELIMITED, "1/20 s later, one more passes");
	ok(local_stat(pr.b, "drop_ratelimited") == 10 - WG_RL_BURST,
	    "rate-limited drops counted");
	wg_local_set_under_load(pr.b, 0);
	for (i = 0, limited = 0; i < 10; i++) {
		pr.now.mono += 30 * MS;
		pr.now.wall += 30 * MS;
		wg_peer_initiate(pr.pa, pr.now, 1, &r1);
		if (pair_deliver_msg(&pr, 1, &r1, &r2) != WG_RX_HANDSHAKE)
			limited++;
	}
	ok(limited == 0, "not under load: no rate limit, mac2 ignored");
	pair_free(&pr);
}

static void
test_ratelimit_table(void)
{
	struct wg_ratelimit	rl;
	struct test_rng		r;
	struct wg_rng		rng;
	uint8_t			host[4];
	uint32_t		i, allowed = 0;
	uint64_t		now = TEST_MONO0;

	test_rng_init(&r, "ratelimit");
	rng.fn = test_rng_fn;
	rng.ctx = &r;
	ok(wg_ratelimit_init(&rl, WG_RL_SLOTS, &rng) == 0, "table of %d",
	    WG_RL_SLOTS);
	memcpy(host, "\xc0\x00\x02\x01", 4);
	ok(wg_ratelimit_allow(&rl, host, 4, now), "a known source first");
	for (i = 0; i < 200000; i++) {
		wg_le32enc(host, 0x0a000000 + i);
		allowed += wg_ratelimit_allow(&rl, host, 4, now);
	}
	ok(allowed <= WG_RL_SLOTS,
	    "200000 spoofed sources at once: %u admitted, at most the table",
	    allowed);
	memcpy(host, "\xc0\x00\x02\x01", 4);
	ok(wg_ratelimit_allow(&rl, host, 4, now + 50 * MS),
	    "the known source keeps its bucket");
	wg_le32enc(host, 0x0b000001);
	ok(wg_ratelimit_allow(&rl, host, 4, now + 2 * WG_SEC),
	    "2 s later a new source finds room");
	wg_ratelimit_free(&rl);
}

int
main(void)
{
	test_cookie_round();
	test_cookie_ad();
	test_cookie_lifetime();
	test_ratelimit_handshakes();
	test_ratelimit_table();
	return tap_done();
}
