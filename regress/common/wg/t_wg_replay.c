/*
 * Replay window: duplicates, reordering inside the window, counters
 * behind it, jumps far ahead, and the REJECT_AFTER_MESSAGES limit.
 */
#include <stdio.h>

#include "regress/lib/tap.h"
#include "wg/wg_msg.h"
#include "wg/wg_replay.h"

static struct wg_replay	r;

/* Accepts c (check then update); 1 when both said OK. */
static int
take(uint64_t c)
{
	return wg_replay_check(&r, c) == WG_REPLAY_OK &&
	    wg_replay_update(&r, c) == WG_REPLAY_OK;
}

int
main(void)
{
	uint64_t	c;
	int		good;

	wg_replay_init(&r);
	ok(take(0), "counter 0 is accepted first");
	ok(wg_replay_check(&r, 0) == WG_REPLAY_DUPLICATE, "0 again: duplicate");
	ok(wg_replay_update(&r, 0) == WG_REPLAY_DUPLICATE,
	    "update refuses the duplicate too");
	ok(take(1) && take(2), "1 and 2 in order");

	/* Reordering inside the window: 10, then 5..9 late. */
	ok(take(10), "jump to 10");
	for (good = 1, c = 5; c < 10; c++)
		good &= take(c);
	ok(good, "5..9 arrive late and are accepted");
	for (good = 1, c = 5; c <= 10; c++)
		good &= wg_replay_check(&r, c) == WG_REPLAY_DUPLICATE;
	ok(good, "5..10 again are duplicates");
	ok(take(3) && take(4), "3 and 4, later still, accepted");

	/* The window edge: top is now 11 (counter 10 plus one). */
	ok(take(20000), "far ahead: 20000");
	c = 20000 - WG_REPLAY_WINDOW;
	ok(wg_replay_check(&r, c) == WG_REPLAY_OK,
	    "20000 - WINDOW is still inside");
	ok(wg_replay_check(&r, c - 1) == WG_REPLAY_TOO_OLD,
	    "20000 - WINDOW - 1 is too old");
	ok(wg_replay_check(&r, 10) == WG_REPLAY_TOO_OLD,
	    "10, seen before the jump, is now too old");
	ok(take(c), "accept the oldest counter in the window");
	ok(wg_replay_check(&r, c) == WG_REPLAY_DUPLICATE,
	    "and it is then a duplicate");

	/* Every counter of a full window, in reverse, exactly once. */
	wg_replay_init(&r);
	ok(take(WG_REPLAY_WINDOW + 100), "top at WINDOW + 100");
	for (good = 1, c = WG_REPLAY_WINDOW + 99; c >= 100; c--)
		good &= take(c);
	ok(good, "the whole window, in reverse order, accepted once");
	for (good = 1, c = 100; c <= WG_REPLAY_WINDOW + 100; c++)
		good &= wg_replay_check(&r, c) == WG_REPLAY_DUPLICATE;
	ok(good, "the whole window is then duplicates");
	ok(wg_replay_check(&r, 99) == WG_REPLAY_TOO_OLD, "99 too old");

	/* Stale bits are cleared when the ring wraps. */
	wg_replay_init(&r);
	for (good = 1, c = 0; c < 3 * WG_REPLAY_BITS; c += 61)
		good &= take(c);
	ok(good, "a sparse climb over three ring turns");
	for (good = 1, c = 3 * WG_REPLAY_BITS - 1;
	    c > 3 * WG_REPLAY_BITS - WG_REPLAY_WINDOW; c--)
		if (c % 61 != 0)
			good &= wg_replay_check(&r, c) == WG_REPLAY_OK;
	ok(good, "counters never seen are not reported as seen");
	ok(take(1000000), "a jump of more than the ring");
	for (good = 1, c = 1000000 - WG_REPLAY_WINDOW; c < 1000000; c++)
		good &= wg_replay_check(&r, c) == WG_REPLAY_OK;
	ok(good, "after it, the whole window is fresh");

	/* The limit. */
	wg_replay_init(&r);
	ok(wg_replay_check(&r, WG_REJECT_AFTER_MESSAGES) == WG_REPLAY_LIMIT,
	    "REJECT_AFTER_MESSAGES refused");
	ok(wg_replay_check(&r, UINT64_MAX) == WG_REPLAY_LIMIT,
	    "UINT64_MAX refused");
	ok(take(WG_REJECT_AFTER_MESSAGES - 2), "REJECT - 2 accepted");
	ok(take(WG_REJECT_AFTER_MESSAGES - 1), "REJECT - 1 accepted");
	ok(wg_replay_check(&r, WG_REJECT_AFTER_MESSAGES - 3) == WG_REPLAY_OK,
	    "REJECT - 3, late, still accepted");
	ok(wg_replay_update(&r, WG_REJECT_AFTER_MESSAGES) == WG_REPLAY_LIMIT,
	    "REJECT_AFTER_MESSAGES refused by update");
	ok(r.top == WG_REJECT_AFTER_MESSAGES, "top reached the limit");
	return tap_done();
}
