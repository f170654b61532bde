/*
 * Malformed messages: every truncation of each type, longer handshake
 * messages, wrong type bytes, non-zero reserved bytes, broken mac1,
 * broken handshake contents under a valid mac1, broken tags, unknown
 * indices, stray cookie replies.  Each is rejected with its reason and
 * counted; none crashes (the fuzz target covers arbitrary bytes).
 */
#include <stdio.h>

#include "regress/lib/tap.h"
#include "wg/wg_cookie.h"
#include "wg/wg_crypto.h"
#include "wg_test.h"

static uint64_t	fed_drops;	/* rejections seen by feed() */

/*
 * Delivers a copy of msg (len bytes) to local l; returns the reason.
 * 50 a second, below the rate that puts a local under load (wg_guard.h):
 * what is tested here is each message, not a flood of them.
 */
static enum wg_drop
feed(struct pair *pr, struct wg_local *l, const uint8_t *msg, size_t len)
{
	struct wg_result	res;
	uint8_t			buf[256];

	pair_advance(pr, WG_SEC / 50);
	memcpy(buf, msg, len);
	if (wg_receive(l, pr->now, &pr->addr_a, buf, len, &res) != WG_RX_DROP)
		return WG_DROP_NONE;
	fed_drops++;
	return res.drop;
}

/* Recomputes mac1 of a handshake message addressed to local's key. */
static void
remac(uint8_t *msg, size_t len, const struct wg_local *to)
{
	uint8_t	pub[WG_KEY_LEN], key[WG_HASH_LEN];

	wg_local_pubkey(to, pub);
	wg_hash2(key, WG_LABEL_MAC1, 8, pub, sizeof(pub));
	wg_mac(msg + WG_MAC1_OFF(len), key, sizeof(key), msg,
	    WG_MAC1_OFF(len));
}

static void
test_truncations(struct pair *pr, const char *what, struct wg_local *l,
    const uint8_t *msg, size_t len, enum wg_drop beyond_min)
{
	size_t		n, min = len;
	int		good = 1;
	enum wg_drop	d;
	uint64_t	before;

	if (msg[0] == WG_MSG_TRANSPORT)
		min = WG_TRANSPORT_MIN;
	before = local_stat(l, "drop_truncated");
	for (n = 0; n < len; n++) {
		d = feed(pr, l, msg, n);
		if (n < min)
			good &= d == WG_DROP_TRUNCATED;
		else
			good &= d == beyond_min;
	}
	ok(good, "%s: each of its %zu truncations rejected", what, len);
	ok(local_stat(l, "drop_truncated") - before == min,
	    "%s: %zu counted as truncated", what, min);
}

static void
test_header(struct pair *pr, const char *what, struct wg_local *l,
    const uint8_t *msg, size_t len)
{
	uint8_t	buf[256];
	int	good = 1, i;
	unsigned int t;

	for (t = 0; t < 256; t++) {
		if (t >= WG_MSG_INITIATION && t <= WG_MSG_TRANSPORT)
			continue;
		memcpy(buf, msg, len);
		buf[0] = (uint8_t)t;
		good &= feed(pr, l, buf, len) == WG_DROP_BAD_TYPE;
	}
	ok(good, "%s: the 252 other type bytes are bad types", what);
	for (good = 1, i = 1; i < 4; i++) {
		memcpy(buf, msg, len);
		buf[i] = 0x01;
		good &= feed(pr, l, buf, len) == WG_DROP_BAD_RESERVED;
	}
	ok(good, "%s: a non-zero reserved byte is refused", what);
	if (msg[0] != WG_MSG_TRANSPORT) {
		memcpy(buf, msg, len);
		buf[len] = 0;
		ok(feed(pr, l, buf, len + 1) == WG_DROP_BAD_LENGTH,
		    "%s: one byte too long is a bad length", what);
	}
}

int
main(void)
{
	struct pair		pr;
	struct wg_result	r1, r2, r3, tx;
	uint8_t			init[WG_INITIATION_LEN], resp[WG_RESPONSE_LEN];
	uint8_t			data[WG_SEND_BUFLEN(40)], buf[256];
	uint8_t			cookie[WG_COOKIE_REPLY_LEN];
	size_t			i, dlen;
	int			good;
	uint64_t		total;

	pair_init(&pr, NULL, NULL);
	wg_peer_initiate(pr.pa, pr.now, 0, &r1);
	memcpy(init, r1.msg, sizeof(init));
	pair_deliver_msg(&pr, 1, &r1, &r2);
	memcpy(resp, r2.msg, sizeof(resp));
	pair_deliver_msg(&pr, 0, &r2, &r3);
	wg_send(pr.pa, pr.now, data, 40, sizeof(data), &tx);
	dlen = tx.wire_len;
	memset(cookie, 0, sizeof(cookie));
	wg_le32enc(cookie, WG_MSG_COOKIE);
	memcpy(cookie + 4, init + 4, 4);	/* A's handshake index */

	test_truncations(&pr, "initiation", pr.b, init, sizeof(init),
	    WG_DROP_NONE);
	test_truncations(&pr, "response", pr.a, resp, sizeof(resp),
	    WG_DROP_NONE);
	test_truncations(&pr, "cookie reply", pr.a, cookie, sizeof(cookie),
	    WG_DROP_NONE);
	test_truncations(&pr, "transport", pr.b, data, dlen, WG_DROP_BAD_TAG);
	test_header(&pr, "initiation", pr.b, init, sizeof(init));
	test_header(&pr, "response", pr.a, resp, sizeof(resp));
	test_header(&pr, "cookie reply", pr.a, cookie, sizeof(cookie));
	test_header(&pr, "transport", pr.b, data, dlen);

	/* mac1 covers everything before it, and mac1 itself. */
	for (good = 1, i = 4; i < WG_MAC2_OFF(sizeof(init)); i++) {
		memcpy(buf, init, sizeof(init));
		buf[i] ^= 0x80;
		good &= feed(&pr, pr.b, buf, sizeof(init)) == WG_DROP_BAD_MAC1;
	}
	ok(good, "initiation: any flipped bit before mac2 fails mac1");
	for (good = 1, i = 4; i < WG_MAC2_OFF(sizeof(resp)); i++) {
		memcpy(buf, resp, sizeof(resp));
		buf[i] ^= 0x01;
		good &= feed(&pr, pr.a, buf, sizeof(resp)) == WG_DROP_BAD_MAC1;
	}
	ok(good, "response: any flipped bit before mac2 fails mac1");
	ok(feed(&pr, pr.a, init, sizeof(init)) == WG_DROP_BAD_MAC1,
	    "an initiation sent to the wrong local fails mac1");

	/* Valid mac1 over broken contents. */
	for (good = 1, i = 40; i < WG_MAC1_OFF(sizeof(init)); i++) {
		memcpy(buf, init, sizeof(init));
		buf[i] ^= 0x04;
		remac(buf, sizeof(init), pr.b);
		good &= feed(&pr, pr.b, buf, sizeof(init)) ==
		    WG_DROP_BAD_HANDSHAKE;
	}
	ok(good, "initiation: broken static or timestamp under a good mac1");
	memcpy(buf, init, sizeof(init));
	memset(buf + 8, 0, WG_KEY_LEN);
	remac(buf, sizeof(init), pr.b);
	ok(feed(&pr, pr.b, buf, sizeof(init)) == WG_DROP_BAD_HANDSHAKE,
	    "initiation: all-zero ephemeral (zero DH) rejected");
	ok(feed(&pr, pr.b, init, sizeof(init)) == WG_DROP_OLD_TIMESTAMP,
	    "initiation replayed: old timestamp");
	ok(feed(&pr, pr.a, resp, sizeof(resp)) == WG_DROP_UNEXPECTED,
	    "response replayed: its index is a keypair's now, unexpected");

	/* Transport: every flipped bit fails the tag or the index. */
	for (good = 1, i = 8; i < dlen; i++) {
		memcpy(buf, data, dlen);
		buf[i] ^= 0x20;
		good &= feed(&pr, pr.b, buf, dlen) == WG_DROP_BAD_TAG;
	}
	ok(good, "transport: any flipped counter/ciphertext/tag bit: bad tag");
	memcpy(buf, data, dlen);
	buf[4] ^= 0x01;
	ok(feed(&pr, pr.b, buf, dlen) == WG_DROP_UNKNOWN_INDEX,
	    "transport to an unknown index");
	memcpy(buf, data, dlen);
	ok(wg_receive(pr.b, pr.now, &pr.addr_a, buf, dlen, &r3) == WG_RX_DATA,
	    "the genuine transport message is still accepted");
	ok(feed(&pr, pr.b, data, dlen) == WG_DROP_REPLAY,
	    "and then it is a replay");

	/* A fresh handshake state to aim broken responses at. */
	pair_advance(&pr, WG_REKEY_TIMEOUT);
	wg_peer_initiate(pr.pa, pr.now, 0, &r1);
	pair_deliver_msg(&pr, 1, &r1, &r2);
	for (good = 1, i = 12; i < 12 + WG_KEY_LEN + WG_TAG_LEN; i++) {
		memcpy(buf, r2.msg, WG_RESPONSE_LEN);
		buf[i] ^= 0x10;
		remac(buf, WG_RESPONSE_LEN, pr.a);
		good &= feed(&pr, pr.a, buf, WG_RESPONSE_LEN) ==
		    WG_DROP_BAD_HANDSHAKE;
	}
	ok(good, "response: broken ephemeral or empty under a good mac1");
	memcpy(buf, r2.msg, WG_RESPONSE_LEN);
	buf[8] ^= 0x01;
	remac(buf, WG_RESPONSE_LEN, pr.a);
	ok(feed(&pr, pr.a, buf, WG_RESPONSE_LEN) == WG_DROP_UNKNOWN_INDEX,
	    "response to an unknown index");
	ok(pair_deliver_msg(&pr, 0, &r2, &r3) == WG_RX_HANDSHAKE,
	    "the genuine response still completes after all that");

	/* Cookie replies nobody asked for, or forged. */
	cookie[4] ^= 0x55;
	ok(feed(&pr, pr.a, cookie, sizeof(cookie)) == WG_DROP_UNKNOWN_INDEX,
	    "cookie reply to an index not in use");
	memcpy(cookie + 4, r1.msg + 4, 4);
	ok(feed(&pr, pr.a, cookie, sizeof(cookie)) == WG_DROP_BAD_COOKIE,
	    "forged cookie reply to a live index: bad cookie");

	total = 0;
	for (i = 1; i < WG_DROP__COUNT; i++)
		total += local_stat(pr.a, wg_drop_name(i)) +
		    local_stat(pr.b, wg_drop_name(i));
	diag("%llu rejections counted", (unsigned long long)total);
	ok(total == fed_drops, "every rejection was counted exactly once");
	ok(local_stat(pr.a, "drop_bad_type") == 2 * 252 &&
	    local_stat(pr.b, "drop_bad_type") == 2 * 252,
	    "bad types counted exactly");
	pair_free(&pr);
	return tap_done();
}
