/*
 * Key lifecycle and timers on a fake clock: rekey after time and after
 * messages, reject after time and after messages, retransmission with
 * jitter, giving up, keepalives, persistent keepalive, zeroing of keys,
 * last-minute rekey on receive, keypair rotation, initiation rate limit.
 */
#include <stdio.h>

#include "regress/lib/tap.h"
#include "wg_test.h"

#define MS	1000000ULL
#define JITTER	(333 * MS)

/* What ticking one peer up to some time produced. */
struct ticks {
	unsigned int	events;		/* union of all events */
	int		initiations;
	int		keepalives;
	uint64_t	first_init;	/* mono of the first initiation */
	uint64_t	gave_up_at;
	uint64_t	zeroed_at;
	uint64_t	min_gap, max_gap; /* between initiations */
};

/* Ticks p at each of its deadlines up to end, moving the clock. */
static void
run_until(struct pair *pr, struct wg_peer *p, uint64_t end, struct ticks *t)
{
	struct wg_result	res;
	uint64_t		d, last_init = 0;

	memset(t, 0, sizeof(*t));
	t->min_gap = UINT64_MAX;
	while ((d = wg_peer_next_deadline(p)) <= end) {
		if (d > pr->now.mono)
			pair_advance(pr, d - pr->now.mono);
		wg_peer_tick(p, pr->now, &res);
		t->events |= res.events;
		if (res.events & WG_EV_HANDSHAKE_SENT) {
			if (t->initiations++ == 0)
				t->first_init = pr->now.mono;
			else {
				if (pr->now.mono - last_init < t->min_gap)
					t->min_gap = pr->now.mono - last_init;
				if (pr->now.mono - last_init > t->max_gap)
					t->max_gap = pr->now.mono - last_init;
			}
			last_init = pr->now.mono;
		}
		if (res.events & WG_EV_KEEPALIVE)
			t->keepalives++;
		if ((res.events & WG_EV_GAVE_UP) && t->gave_up_at == 0)
			t->gave_up_at = pr->now.mono;
		if ((res.events & WG_EV_KEYS_ZEROED) && t->zeroed_at == 0)
			t->zeroed_at = pr->now.mono;
	}
	if (end > pr->now.mono)
		pair_advance(pr, end - pr->now.mono);
}

static void
test_rekey_after_time(void)
{
	struct pair		pr;
	struct wg_result	tx, rx;
	uint8_t			buf[WG_SEND_BUFLEN(32)];
	uint64_t		t0;

	pair_init(&pr, NULL, NULL);
	pair_handshake(&pr, NULL, NULL);
	t0 = pr.now.mono;
	pair_advance(&pr, WG_REKEY_AFTER_TIME - WG_SEC);
	ok(wg_send(pr.pa, pr.now, buf, 32, sizeof(buf), &tx) == WG_TX_OK &&
	    tx.msg_len == 0, "initiator at 119 s: sends, no rekey");
	pair_advance(&pr, WG_SEC);
	ok(wg_send(pr.pa, pr.now, buf, 32, sizeof(buf), &tx) == WG_TX_OK &&
	    (tx.events & WG_EV_HANDSHAKE_SENT),
	    "initiator at REKEY_AFTER_TIME: sends and starts a rekey");
	ok(pair_send(&pr, 0, 32, &rx) == WG_RX_DATA,
	    "responder at 120 s still sends");
	ok(wg_send(pr.pb, pr.now, buf, 32, sizeof(buf), &tx) == WG_TX_OK &&
	    tx.msg_len == 0, "and the responder never rekeys by age");

	/* REJECT_AFTER_TIME: the session is dead both ways. */
	ok(wg_send(pr.pa, pr.now, buf, 32, sizeof(buf), &tx) == WG_TX_OK,
	    "a packet made at 120 s");
	pair_advance(&pr, WG_REJECT_AFTER_TIME - (pr.now.mono - t0));
	ok(wg_receive(pr.b, pr.now, &pr.addr_a, buf, tx.wire_len, &rx) ==
	    WG_RX_DROP && rx.drop == WG_DROP_EXPIRED_KEYPAIR,
	    "received at REJECT_AFTER_TIME: expired keypair");
	ok(wg_send(pr.pb, pr.now, buf, 32, sizeof(buf), &tx) ==
	    WG_TX_NEED_HANDSHAKE && (tx.events & WG_EV_HANDSHAKE_SENT),
	    "responder at 180 s: needs a handshake and starts one");
	ok(!wg_peer_has_session(pr.pa, pr.now), "initiator has none either");
	pair_free(&pr);
}

static void
test_messages_limits(void)
{
	struct pair		pr;
	struct wg_result	tx, rx;
	uint8_t			buf[WG_SEND_BUFLEN(32)];

	pair_init(&pr, NULL, NULL);
	pair_handshake(&pr, NULL, NULL);
	pair_advance(&pr, WG_REKEY_TIMEOUT);
	ok(wg_test_set_send_counter(pr.pb, WG_REKEY_AFTER_MESSAGES - 1) == 0,
	    "hook: B's counter to REKEY_AFTER_MESSAGES - 1");
	ok(wg_send(pr.pb, pr.now, buf, 32, sizeof(buf), &tx) == WG_TX_OK &&
	    tx.msg_len == 0, "sending counter REKEY - 1: no rekey yet");
	ok(wg_receive(pr.a, pr.now, &pr.addr_b, buf, tx.wire_len, &rx) ==
	    WG_RX_DATA, "A accepts the jump ahead");
	ok(wg_send(pr.pb, pr.now, buf, 32, sizeof(buf), &tx) == WG_TX_OK &&
	    (tx.events & WG_EV_HANDSHAKE_SENT),
	    "after REKEY_AFTER_MESSAGES: the responder rekeys too");

	wg_test_set_send_counter(pr.pa, WG_REJECT_AFTER_MESSAGES - 1);
	ok(wg_send(pr.pa, pr.now, buf, 32, sizeof(buf), &tx) == WG_TX_OK,
	    "sending counter REJECT_AFTER_MESSAGES - 1");
	ok(wg_receive(pr.b, pr.now, &pr.addr_a, buf, tx.wire_len, &rx) ==
	    WG_RX_DATA, "the last counter is received");
	wg_le64enc(buf + 8, WG_REJECT_AFTER_MESSAGES);
	ok(wg_receive(pr.b, pr.now, &pr.addr_a, buf, tx.wire_len, &rx) ==
	    WG_RX_DROP && rx.drop == WG_DROP_EXPIRED_KEYPAIR,
	    "after it, the receiving keypair is spent");
	ok(wg_send(pr.pa, pr.now, buf, 32, sizeof(buf), &tx) ==
	    WG_TX_NEED_HANDSHAKE, "the sender's keypair is spent");
	ok(!wg_peer_has_session(pr.pa, pr.now), "no session left");
	pair_free(&pr);

	/* Counter >= REJECT on a fresh keypair: refused before the AEAD. */
	pair_init(&pr, NULL, NULL);
	pair_handshake(&pr, NULL, NULL);
	wg_send(pr.pa, pr.now, buf, 32, sizeof(buf), &tx);
	wg_le64enc(buf + 8, WG_REJECT_AFTER_MESSAGES);
	ok(wg_receive(pr.b, pr.now, &pr.addr_a, buf, tx.wire_len, &rx) ==
	    WG_RX_DROP && rx.drop == WG_DROP_COUNTER_LIMIT,
	    "counter REJECT_AFTER_MESSAGES: counter limit");
	wg_le64enc(buf + 8, UINT64_MAX);
	ok(wg_receive(pr.b, pr.now, &pr.addr_a, buf, tx.wire_len, &rx) ==
	    WG_RX_DROP && rx.drop == WG_DROP_COUNTER_LIMIT,
	    "counter 2^64 - 1: counter limit");
	pair_free(&pr);
}

static void
test_retransmit_give_up(void)
{
	struct pair		pr;
	struct wg_result	tx;
	struct ticks		t;
	uint8_t			buf[WG_SEND_BUFLEN(32)];
	uint64_t		t0, d;

	pair_init(&pr, NULL, NULL);
	t0 = pr.now.mono;
	wg_send(pr.pa, pr.now, buf, 32, sizeof(buf), &tx);
	d = wg_peer_next_deadline(pr.pa);
	ok(d >= t0 + WG_REKEY_TIMEOUT && d <= t0 + WG_REKEY_TIMEOUT + JITTER,
	    "first retransmission due in REKEY_TIMEOUT + 0..333 ms");
	run_until(&pr, pr.pa, t0 + 200 * WG_SEC, &t);
	/* As WireGuard: attempts 0..MAX_TIMER_HANDSHAKES are retried. */
	ok(t.initiations == WG_MAX_TIMER_HANDSHAKES + 1,
	    "%d retransmissions (MAX_TIMER_HANDSHAKES + 1)", t.initiations);
	ok(t.min_gap >= WG_REKEY_TIMEOUT &&
	    t.max_gap <= WG_REKEY_TIMEOUT + JITTER,
	    "every gap within REKEY_TIMEOUT + jitter");
	ok(t.max_gap > t.min_gap, "the jitter varies");
	ok(t.gave_up_at >= t0 + WG_REKEY_ATTEMPT_TIME + 2 * WG_REKEY_TIMEOUT &&
	    t.gave_up_at <= t0 + (WG_MAX_TIMER_HANDSHAKES + 2) *
	    (WG_REKEY_TIMEOUT + JITTER),
	    "gave up after REKEY_ATTEMPT_TIME, at the 20th timeout: %.3f s",
	    (double)(t.gave_up_at - t0) / WG_SEC);
	ok(peer_stat(pr.pa, "handshake_gave_up") == 1, "counted");
	run_until(&pr, pr.pa, t.gave_up_at + 3 * WG_REJECT_AFTER_TIME, &t);
	ok(t.zeroed_at == pr.now.mono, "residue zeroed 3 * REJECT_AFTER_TIME "
	    "after giving up");
	ok(wg_peer_next_deadline(pr.pa) == UINT64_MAX, "then nothing is armed");

	/* Data keeps the attempts going: every send resets the count. */
	ok(wg_send(pr.pa, pr.now, buf, 32, sizeof(buf), &tx) ==
	    WG_TX_NEED_HANDSHAKE && (tx.events & WG_EV_HANDSHAKE_SENT),
	    "a new packet starts over");
	pair_free(&pr);
}

static void
test_initiation_rate_limit(void)
{
	struct pair		pr;
	struct wg_result	tx;
	uint8_t			buf[WG_SEND_BUFLEN(32)];

	pair_init(&pr, NULL, NULL);
	wg_send(pr.pa, pr.now, buf, 32, sizeof(buf), &tx);
	ok(tx.msg_len == WG_INITIATION_LEN, "first packet: initiation");
	pair_advance(&pr, WG_REKEY_TIMEOUT - 1);
	ok(wg_send(pr.pa, pr.now, buf, 32, sizeof(buf), &tx) ==
	    WG_TX_NEED_HANDSHAKE && tx.msg_len == 0,
	    "another before REKEY_TIMEOUT: none");
	ok(wg_peer_initiate(pr.pa, pr.now, 0, &tx) != 0,
	    "wg_peer_initiate honours the limit");
	pair_advance(&pr, 1);
	ok(wg_send(pr.pa, pr.now, buf, 32, sizeof(buf), &tx) ==
	    WG_TX_NEED_HANDSHAKE && tx.msg_len == WG_INITIATION_LEN,
	    "at REKEY_TIMEOUT: a new initiation");
	ok(peer_stat(pr.pa, "initiation_sent") == 2, "two initiations in all");
	pair_free(&pr);
}

static void
test_keepalives(void)
{
	struct pair		pr;
	struct wg_result	rx, tx;
	struct ticks		t;
	uint8_t			buf[WG_SEND_BUFLEN(0)];
	uint64_t		t0;

	pair_init(&pr, NULL, NULL);
	pair_handshake(&pr, NULL, NULL);
	t0 = pr.now.mono;
	ok(wg_peer_next_deadline(pr.pb) == t0 + WG_KEEPALIVE_TIMEOUT,
	    "B got data: keepalive due in KEEPALIVE_TIMEOUT");
	run_until(&pr, pr.pb, t0 + WG_KEEPALIVE_TIMEOUT, &t);
	ok(t.keepalives == 1, "B is told to send a keepalive at 10 s");
	ok(wg_send(pr.pb, pr.now, buf, 0, sizeof(buf), &tx) == WG_TX_OK &&
	    tx.wire_len == WG_TRANSPORT_MIN, "a keepalive is 32 bytes");
	ok(wg_receive(pr.a, pr.now, &pr.addr_b, buf, tx.wire_len, &rx) ==
	    WG_RX_KEEPALIVE && rx.data_len == 0, "A takes it as a keepalive");
	ok(wg_peer_next_deadline(pr.pa) > pr.now.mono + 100 * WG_SEC,
	    "a keepalive received arms no keepalive back");

	/* Sending data in time cancels the keepalive. */
	pair_send(&pr, 1, 10, &rx);
	pair_advance(&pr, 5 * WG_SEC);
	pair_send(&pr, 0, 10, &rx);
	run_until(&pr, pr.pb, pr.now.mono + 3 * WG_KEEPALIVE_TIMEOUT, &t);
	ok(t.keepalives == 0, "B answered with data: no keepalive");
	pair_free(&pr);

	/* Sent data, nothing heard: new handshake after 15 s + jitter. */
	pair_init(&pr, NULL, NULL);
	pair_handshake(&pr, NULL, NULL);
	t0 = pr.now.mono;
	run_until(&pr, pr.pa, t0 + 30 * WG_SEC, &t);
	ok(t.initiations >= 1 && t.first_init >= t0 + WG_KEEPALIVE_TIMEOUT +
	    WG_REKEY_TIMEOUT && t.first_init <= t0 + WG_KEEPALIVE_TIMEOUT +
	    WG_REKEY_TIMEOUT + JITTER,
	    "A heard nothing after its data: initiation at %.3f s",
	    (double)(t.first_init - t0) / WG_SEC);
	pair_free(&pr);

	/* Persistent keepalive. */
	pair_init(&pr, NULL, NULL);
	wg_peer_set_keepalive(pr.pa, pr.now, 25);
	pair_handshake(&pr, NULL, NULL);
	/* B's keepalive stops A's "heard nothing" timer. */
	pair_send(&pr, 0, 0, &rx);
	t0 = pr.now.mono;
	wg_send(pr.pa, pr.now, buf, 0, sizeof(buf), &tx);
	run_until(&pr, pr.pa, t0 + 25 * WG_SEC, &t);
	ok(t.keepalives == 1, "persistent keepalive after 25 s of silence");
	wg_send(pr.pa, pr.now, buf, 0, sizeof(buf), &tx);
	ok(wg_peer_next_deadline(pr.pa) == pr.now.mono + 25 * WG_SEC,
	    "re-armed by the keepalive sent");
	wg_peer_set_keepalive(pr.pa, pr.now, 0);
	run_until(&pr, pr.pa, pr.now.mono + 60 * WG_SEC, &t);
	ok(t.keepalives == 0, "disabled: no more");
	pair_free(&pr);
}

static void
test_zeroing(void)
{
	struct pair		pr;
	struct wg_result	tx, rx;
	struct ticks		t;
	uint8_t			buf[WG_SEND_BUFLEN(16)];
	uint64_t		t0;

	pair_init(&pr, NULL, NULL);
	pair_handshake(&pr, NULL, NULL);
	t0 = pr.now.mono;
	wg_send(pr.pa, pr.now, buf, 16, sizeof(buf), &tx);
	run_until(&pr, pr.pb, t0 + 3 * WG_REJECT_AFTER_TIME - 1, &t);
	ok(!(t.events & WG_EV_KEYS_ZEROED), "keys kept until 540 s");
	run_until(&pr, pr.pb, t0 + 3 * WG_REJECT_AFTER_TIME, &t);
	ok(t.events & WG_EV_KEYS_ZEROED, "zeroed at 3 * REJECT_AFTER_TIME");
	ok(wg_receive(pr.b, pr.now, &pr.addr_a, buf, tx.wire_len, &rx) ==
	    WG_RX_DROP && rx.drop == WG_DROP_UNKNOWN_INDEX,
	    "its index is gone");
	ok(peer_stat(pr.pb, "keys_zeroed") == 1, "counted");
	pair_free(&pr);
}

static void
test_lastminute_rekey(void)
{
	struct pair		pr;
	struct wg_result	rx;
	uint64_t		t0, age;

	pair_init(&pr, NULL, NULL);
	pair_handshake(&pr, NULL, NULL);
	t0 = pr.now.mono;
	age = WG_REJECT_AFTER_TIME - WG_KEEPALIVE_TIMEOUT - WG_REKEY_TIMEOUT;
	pair_advance(&pr, age - WG_SEC);
	ok(pair_send(&pr, 0, 16, &rx) == WG_RX_DATA && rx.msg_len == 0,
	    "initiator receiving at 164 s: no rekey");
	pair_advance(&pr, WG_SEC);
	ok(pair_send(&pr, 0, 16, &rx) == WG_RX_DATA &&
	    (rx.events & WG_EV_HANDSHAKE_SENT),
	    "at REJECT - KEEPALIVE - REKEY_TIMEOUT: rekey on receive");
	pair_advance(&pr, WG_REKEY_TIMEOUT);
	ok(pair_send(&pr, 0, 16, &rx) == WG_RX_DATA && rx.msg_len == 0,
	    "only once per session");
	ok(pair_send(&pr, 1, 16, &rx) == WG_RX_DATA && rx.msg_len == 0,
	    "the responder never rekeys on receive");
	(void)t0;
	pair_free(&pr);
}

static void
test_rotation(void)
{
	struct pair		pr;
	struct wg_result	tx[3], rx;
	uint8_t			buf[3][WG_SEND_BUFLEN(16)];
	int			i;

	pair_init(&pr, NULL, NULL);
	for (i = 0; i < 3; i++) {
		pair_handshake(&pr, NULL, NULL);
		wg_send(pr.pa, pr.now, buf[i], 16, sizeof(buf[i]), &tx[i]);
		pair_advance(&pr, WG_SEC);
	}
	ok(wg_receive(pr.b, pr.now, &pr.addr_a, buf[2], tx[2].wire_len, &rx) ==
	    WG_RX_DATA, "current keypair decrypts");
	ok(wg_receive(pr.b, pr.now, &pr.addr_a, buf[1], tx[1].wire_len, &rx) ==
	    WG_RX_DATA, "previous keypair still decrypts (late packet)");
	ok(wg_receive(pr.b, pr.now, &pr.addr_a, buf[0], tx[0].wire_len, &rx) ==
	    WG_RX_DROP && rx.drop == WG_DROP_UNKNOWN_INDEX,
	    "the one before is gone");
	ok(local_stat(pr.a, "sessions") == 3, "three sessions");
	pair_free(&pr);
}

int
main(void)
{
	test_rekey_after_time();
	test_messages_limits();
	test_retransmit_give_up();
	test_initiation_rate_limit();
	test_keepalives();
	test_zeroing();
	test_lastminute_rekey();
	test_rotation();
	return tap_done();
}
