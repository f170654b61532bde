/*
 * Handshake: fixed vectors, PSK, wrong keys, replayed and flooding
 * initiations, the responder's "next" keypair, crossing initiations
 * (also between NATs, where the first initiation is lost).
 */
#include <errno.h>
#include <stdio.h>

#include "regress/lib/tap.h"
#include "wg_test.h"

/*
 * BLAKE2s-256 of the initiation, the response and A's first transport
 * message of pair_handshake() with the set-up of wg_test.h.  They were
 * computed once by regress/common/wg/wg_vectors.py, an independent model
 * of the whitepaper in Python (hashlib.blake2s, pyca/cryptography), and
 * the C code gave the same bytes; the construction itself is checked
 * against wireguard-go by regress/net/wg_interop.t.
 */
#define VEC_INITIATION \
	"42ced8660beec8acdb917decf759a6f45ef6d7247054f983cab389e97df5e7f6"
#define VEC_RESPONSE \
	"24251d5d14681b750fb7c4d254bc57b4a5d765a86f50853ee1a6bcce38568c64"
#define VEC_TRANSPORT \
	"38dd3122fab8332fe8a97a41bebef7fe6d724047cc1143a94d0c6e27016c6a60"

static void
test_vectors(void)
{
	struct pair		pr;
	struct wg_result	r1, r2, r3, r4;
	uint8_t			buf[WG_SEND_BUFLEN(64)];
	char			h[65];
	int			run;

	for (run = 1; run <= 2; run++) {
		pair_init(&pr, NULL, NULL);
		memset(buf, 0x5a, sizeof(buf));
		ok(wg_send(pr.pa, pr.now, buf, 64, sizeof(buf), &r1) ==
		    WG_TX_NEED_HANDSHAKE && r1.msg_len == WG_INITIATION_LEN &&
		    (r1.events & WG_EV_HANDSHAKE_SENT),
		    "run %d: send without session asks for a handshake", run);
		hexhash(h, r1.msg, r1.msg_len);
		ok(strcmp(h, VEC_INITIATION) == 0,
		    "run %d: initiation bytes match the vector", run);
		ok(pair_deliver_msg(&pr, 1, &r1, &r2) == WG_RX_HANDSHAKE &&
		    r2.msg_len == WG_RESPONSE_LEN && r2.peer == pr.pb,
		    "run %d: B answers", run);
		hexhash(h, r2.msg, r2.msg_len);
		ok(strcmp(h, VEC_RESPONSE) == 0,
		    "run %d: response bytes match the vector", run);
		ok(pair_deliver_msg(&pr, 0, &r2, &r3) == WG_RX_HANDSHAKE &&
		    (r3.events & WG_EV_SESSION_INITIATOR) &&
		    (r3.events & WG_EV_KEEPALIVE),
		    "run %d: A has a session and is told to confirm it", run);
		memset(buf, 0x5a, sizeof(buf));
		ok(wg_send(pr.pa, pr.now, buf, 64, sizeof(buf), &r4) ==
		    WG_TX_OK && r4.wire_len == 96, "run %d: A encrypts", run);
		hexhash(h, buf, r4.wire_len);
		ok(strcmp(h, VEC_TRANSPORT) == 0,
		    "run %d: transport bytes match the vector", run);
		pair_free(&pr);
	}
}

static void
test_preshared(void)
{
	struct pair		pr;
	struct wg_result	r1, r2, r3;

	pair_init(&pr, test_psk, test_psk);
	ok(pair_handshake(&pr, NULL, NULL) == 0, "same PSK on both sides");
	pair_free(&pr);

	pair_init(&pr, test_psk, NULL);
	wg_peer_initiate(pr.pa, pr.now, 0, &r1);
	ok(pair_deliver_msg(&pr, 1, &r1, &r2) == WG_RX_HANDSHAKE,
	    "PSK mismatch: B cannot tell and answers");
	ok(pair_deliver_msg(&pr, 0, &r2, &r3) == WG_RX_DROP &&
	    r3.drop == WG_DROP_BAD_HANDSHAKE,
	    "but A rejects the response");
	ok(!wg_peer_has_session(pr.pa, pr.now), "A has no session");
	ok(peer_stat(pr.pa, "drop_bad_handshake") == 1,
	    "counted per peer as drop_bad_handshake");
	pair_free(&pr);
}

static void
test_wrong_keys(void)
{
	struct pair		pr;
	struct wg_local		*c;
	struct test_rng		rc;
	struct wg_result	r1, r2;
	uint8_t			priv_c[WG_KEY_LEN], pub[WG_KEY_LEN];

	pair_init(&pr, NULL, NULL);
	/* C knows B's key, but B does not know C. */
	memset(priv_c, 0x77, sizeof(priv_c));
	test_rng_init(&rc, "stranger-C");
	c = wg_local_new(priv_c, test_rng_fn, &rc);
	wg_local_pubkey(pr.b, pub);
	wg_peer_initiate(wg_peer_new(c, pub, NULL, NULL), pr.now, 0, &r1);
	ok(pair_deliver_msg(&pr, 1, &r1, &r2) == WG_RX_DROP &&
	    r2.drop == WG_DROP_UNKNOWN_PEER && r2.msg_len == 0,
	    "initiation from an unknown static key: dropped, no answer");
	ok(local_stat(pr.b, "drop_unknown_peer") == 1, "counted");
	wg_local_free(c);

	/* A addresses a key that is not B's: B fails mac1. */
	memset(pub, 0x42, sizeof(pub));
	c = wg_local_new(test_priv_a, test_rng_fn, &rc);
	wg_peer_initiate(wg_peer_new(c, pub, NULL, NULL), pr.now, 0, &r1);
	ok(pair_deliver_msg(&pr, 1, &r1, &r2) == WG_RX_DROP &&
	    r2.drop == WG_DROP_BAD_MAC1,
	    "initiation to the wrong key: bad mac1");
	wg_local_free(c);

	wg_local_pubkey(pr.a, pub);
	ok(wg_peer_new(pr.a, pub, NULL, NULL) == NULL && errno == EINVAL,
	    "our own key refused as a peer");
	wg_local_pubkey(pr.b, pub);
	ok(wg_peer_new(pr.a, pub, NULL, NULL) == NULL && errno == EEXIST,
	    "a peer added twice refused");
	memset(pub, 0, sizeof(pub));
	ok(wg_peer_new(pr.a, pub, NULL, NULL) == NULL && errno == EINVAL,
	    "a low-order (all-zero) peer key refused");
	pair_free(&pr);
}

static void
test_replayed_initiation(void)
{
	struct pair		pr;
	struct wg_result	r1, r2, r3, old;

	pair_init(&pr, NULL, NULL);
	wg_peer_initiate(pr.pa, pr.now, 0, &old);
	ok(pair_deliver_msg(&pr, 1, &old, &r2) == WG_RX_HANDSHAKE,
	    "first initiation consumed");
	pair_advance(&pr, WG_SEC);
	ok(pair_deliver_msg(&pr, 1, &old, &r2) == WG_RX_DROP &&
	    r2.drop == WG_DROP_OLD_TIMESTAMP && r2.msg_len == 0,
	    "the same initiation replayed: old timestamp");

	/* A newer one within 20 ms is a flood, even with a fresh stamp. */
	pair_advance(&pr, 5 * WG_SEC);
	wg_peer_initiate(pr.pa, pr.now, 1, &r1);
	ok(pair_deliver_msg(&pr, 1, &r1, &r2) == WG_RX_HANDSHAKE,
	    "a newer initiation consumed");
	pr.now.mono += 10 * 1000000ULL;
	pr.now.wall += 100 * 1000000ULL;
	wg_peer_initiate(pr.pa, pr.now, 1, &r3);
	ok(pair_deliver_msg(&pr, 1, &r3, &r2) == WG_RX_DROP &&
	    r2.drop == WG_DROP_FLOOD, "another 10 ms later: flood");
	pr.now.mono += 10 * 1000000ULL;
	ok(pair_deliver_msg(&pr, 1, &r3, &r2) == WG_RX_HANDSHAKE,
	    "the same one 20 ms after the last consumed: accepted");
	ok(peer_stat(pr.pb, "drop_old_timestamp") == 1 &&
	    peer_stat(pr.pb, "drop_initiation_flood") == 1,
	    "both counted on the peer");

	/* The old initiation's response must not complete anything. */
	ok(pair_deliver_msg(&pr, 0, &r2, &r3) == WG_RX_HANDSHAKE,
	    "A takes the response to its latest initiation");
	pair_free(&pr);
}

static void
test_next_keypair(void)
{
	struct pair		pr;
	struct wg_result	r1, r2, r3, rx;
	uint8_t			buf[WG_SEND_BUFLEN(16)];

	pair_init(&pr, NULL, NULL);
	wg_peer_initiate(pr.pa, pr.now, 0, &r1);
	pair_deliver_msg(&pr, 1, &r1, &r2);
	ok(!wg_peer_has_session(pr.pb, pr.now),
	    "responder cannot send before confirmation");
	ok(wg_send(pr.pb, pr.now, buf, 16, sizeof(buf), &r3) ==
	    WG_TX_NEED_HANDSHAKE && r3.msg_len == 0,
	    "responder's send waits, and sends no initiation of its own "
	    "(REKEY_TIMEOUT since its response)");
	pair_deliver_msg(&pr, 0, &r2, &r3);
	ok(pair_send(&pr, 1, 0, &rx) == WG_RX_KEEPALIVE &&
	    (rx.events & WG_EV_SESSION_RESPONDER) &&
	    (rx.events & WG_EV_FLUSH) && (rx.events & WG_EV_KEYPAIR_ROTATED),
	    "A's keepalive confirms: B rotates next to current, flushes");
	ok(wg_peer_has_session(pr.pb, pr.now), "B can send now");
	ok(pair_send(&pr, 0, 33, &rx) == WG_RX_DATA && rx.data_len == 48,
	    "B -> A: 33 bytes arrive padded to 48");
	ok(wg_peer_last_handshake(pr.pb) == pr.now.wall,
	    "B records the handshake time");

	/* A rekeys: old sessions keep working until the new one is used. */
	pair_advance(&pr, WG_SEC);
	wg_peer_initiate(pr.pa, pr.now, 1, &r1);
	pair_deliver_msg(&pr, 1, &r1, &r2);
	ok(pair_send(&pr, 0, 10, &rx) == WG_RX_DATA,
	    "B still sends on its current keypair while next waits");
	pair_deliver_msg(&pr, 0, &r2, &r3);
	ok(pair_send(&pr, 0, 10, &rx) == WG_RX_DATA,
	    "A receives B's old keypair as its previous one");
	ok(pair_send(&pr, 1, 10, &rx) == WG_RX_DATA &&
	    (rx.events & WG_EV_KEYPAIR_ROTATED), "A's data rotates B");
	ok(pair_send(&pr, 0, 10, &rx) == WG_RX_DATA, "B sends on the new one");
	ok(local_stat(pr.b, "sessions") == 2 && local_stat(pr.a, "sessions") ==
	    2, "two sessions each");
	pair_free(&pr);
}

/*
 * Both sides initiate at once.  The side with the greater public key
 * drops the other's initiation; its own is answered, and the session is
 * up in one round trip instead of after a 5 s retry.
 */
static void
test_crossing(void)
{
	struct pair		pr;
	struct wg_result	ia, ib, ra, rb, x, again;
	uint8_t			puba[WG_KEY_LEN], pubb[WG_KEY_LEN];
	int			a_wins;

	pair_init(&pr, NULL, NULL);
	wg_local_pubkey(pr.a, puba);
	wg_local_pubkey(pr.b, pubb);
	a_wins = memcmp(puba, pubb, WG_KEY_LEN) > 0;
	wg_peer_initiate(pr.pa, pr.now, 0, &ia);
	wg_peer_initiate(pr.pb, pr.now, 0, &ib);
	if (a_wins) {
		ok(pair_deliver_msg(&pr, 0, &ib, &again) == WG_RX_DROP &&
		    again.drop == WG_DROP_CROSSING,
		    "crossing: A (greater key) drops B's initiation");
		ok(again.msg_len == WG_INITIATION_LEN &&
		    memcmp(again.msg, ia.msg, WG_INITIATION_LEN) == 0 &&
		    (again.events & WG_EV_ENDPOINT),
		    "and sends its own again, to where B's came from");
		ok(pair_deliver_msg(&pr, 1, &ia, &rb) == WG_RX_HANDSHAKE,
		    "B consumes A's, abandoning its own");
		ok(pair_deliver_msg(&pr, 0, &rb, &x) == WG_RX_HANDSHAKE,
		    "A takes B's response: session up");
		ok(pair_deliver_msg(&pr, 1, &again, &x) == WG_RX_DROP &&
		    x.drop == WG_DROP_OLD_TIMESTAMP,
		    "B drops the second copy as a replay");
	} else {
		ok(pair_deliver_msg(&pr, 1, &ia, &again) == WG_RX_DROP &&
		    again.drop == WG_DROP_CROSSING,
		    "crossing: B (greater key) drops A's initiation");
		ok(again.msg_len == WG_INITIATION_LEN &&
		    memcmp(again.msg, ib.msg, WG_INITIATION_LEN) == 0 &&
		    (again.events & WG_EV_ENDPOINT),
		    "and sends its own again, to where A's came from");
		ok(pair_deliver_msg(&pr, 0, &ib, &ra) == WG_RX_HANDSHAKE,
		    "A consumes B's, abandoning its own");
		ok(pair_deliver_msg(&pr, 1, &ra, &x) == WG_RX_HANDSHAKE,
		    "B takes A's response: session up");
		ok(pair_deliver_msg(&pr, 0, &again, &x) == WG_RX_DROP &&
		    x.drop == WG_DROP_OLD_TIMESTAMP,
		    "A drops the second copy as a replay");
	}
	ok(pair_send(&pr, a_wins, 10, &x) == WG_RX_DATA &&
	    pair_send(&pr, !a_wins, 10, &x) == WG_RX_DATA,
	    "data both ways at once, no retry needed");
	pair_free(&pr);

	/* An initiation a second old is abandoned for the peer's. */
	pair_init(&pr, NULL, NULL);
	wg_local_pubkey(pr.a, puba);
	wg_local_pubkey(pr.b, pubb);
	a_wins = memcmp(puba, pubb, WG_KEY_LEN) > 0;
	wg_peer_initiate(pr.pa, pr.now, 0, &ia);
	wg_peer_initiate(pr.pb, pr.now, 0, &ib);
	pair_advance(&pr, WG_SEC + 1);
	ok(pair_deliver_msg(&pr, !a_wins, a_wins ? &ib : &ia, &ra) ==
	    WG_RX_HANDSHAKE, "after a second the greater key yields too");
	ok(pair_deliver_msg(&pr, a_wins, &ra, &x) == WG_RX_HANDSHAKE,
	    "and the session comes up the WireGuard way");
	pair_free(&pr);
}

/*
 * Hole punching between two NATs: each side's first datagram is dropped
 * by the other's NAT, which opens only once its own side has sent.  The
 * winner's initiation is lost; the loser's crosses it and gets through.
 * The winner's second copy, sent back to where the loser's came from,
 * brings the session up at once instead of after a 5 s retry.
 */
static void
test_crossing_nat(void)
{
	struct pair		pr;
	struct wg_result	iw, il, again, r, x;
	uint8_t			puba[WG_KEY_LEN], pubb[WG_KEY_LEN];
	int			a_wins;

	pair_init(&pr, NULL, NULL);
	wg_local_pubkey(pr.a, puba);
	wg_local_pubkey(pr.b, pubb);
	a_wins = memcmp(puba, pubb, WG_KEY_LEN) > 0;
	/* The winner's initiation goes first and is lost. */
	wg_peer_initiate(a_wins ? pr.pa : pr.pb, pr.now, 0, &iw);
	pair_advance(&pr, 50 * 1000000ULL);
	wg_peer_initiate(a_wins ? pr.pb : pr.pa, pr.now, 0, &il);
	pair_advance(&pr, 10 * 1000000ULL);
	ok(pair_deliver_msg(&pr, !a_wins, &il, &again) == WG_RX_DROP &&
	    again.drop == WG_DROP_CROSSING &&
	    again.msg_len == WG_INITIATION_LEN &&
	    memcmp(again.msg, iw.msg, WG_INITIATION_LEN) == 0,
	    "NAT: the winner drops the loser's initiation, sends its own again");
	pair_advance(&pr, 10 * 1000000ULL);
	ok(pair_deliver_msg(&pr, a_wins, &again, &r) == WG_RX_HANDSHAKE &&
	    r.msg_len == WG_RESPONSE_LEN,
	    "the loser consumes the second copy and answers");
	ok(pair_deliver_msg(&pr, !a_wins, &r, &x) == WG_RX_HANDSHAKE &&
	    (x.events & WG_EV_SESSION_INITIATOR),
	    "the winner has a session, without a retry");
	ok(pair_send(&pr, a_wins, 10, &x) == WG_RX_DATA &&
	    pair_send(&pr, !a_wins, 10, &x) == WG_RX_DATA,
	    "data both ways");
	pair_free(&pr);
}

int
main(void)
{
	test_vectors();
	test_preshared();
	test_wrong_keys();
	test_replayed_initiation();
	test_next_keypair();
	test_crossing();
	test_crossing_nat();
	return tap_done();
}
