/*
 * Broadcast storm control (egd/engine_storm.c): a source gets its burst,
 * then its rate, whatever the others do; the local interface has its
 * own bucket; rate 0 is no limit; a reload's new limits apply.
 */
#include <stdint.h>
#include <stdlib.h>

#include "egd/engine_storm.h"
#include "regress/lib/tap.h"

#define SEC	1000000000ULL

/* How many of n frames of source src, spaced by gap ns from t0, pass. */
static int
passed(struct storm *s, uint32_t src, int n, uint64_t t0, uint64_t gap)
{
	int	i, p = 0;

	for (i = 0; i < n; i++)
		p += storm_pass(s, src, t0 + (uint64_t)i * gap);
	return p;
}

int
main(void)
{
	struct storm	s;
	uint64_t	t = 5 * SEC;
	int		p, q;

	ok(storm_init(&s) == 0, "init");
	storm_configure(&s, 0, 10);
	ok(passed(&s, 7, 100000, t, 0) == 100000, "rate 0: no limit");

	storm_configure(&s, 100, 20);
	p = passed(&s, 7, 1000, t, 0);
	ok(p == 20, "a storm at one instant: the burst passes (%d of 1000)",
	    p);
	/* 10 s at 10,000 frames a second: 100 a second pass. */
	p = passed(&s, 7, 100000, t + 1, 100000);
	ok(p >= 990 && p <= 1021, "10 s of 10,000/s: %d pass (rate 100/s)",
	    p);
	q = passed(&s, 8, 20, t + 10 * SEC, 0);
	ok(q == 20, "another source keeps its own burst (%d)", q);
	q = passed(&s, STORM_LOCAL, 20, t + 10 * SEC, 0);
	ok(q == 20, "so does the local interface (%d)", q);
	ok(passed(&s, 9, 100, t, SEC / 50) == 100,
	    "50 frames a second (ARP, ND, DHCP) never hit the limit");
	ok(passed(&s, 7, 1, t + 10 * SEC + SEC / 2, 0) == 1,
	    "after half a second of quiet a source sends again");
	ok(passed(&s, 7, 100, t + 100 * SEC, 0) == 20,
	    "the bucket holds no more than the burst");
	storm_configure(&s, 1000, 5);
	ok(passed(&s, 7, 100, t + 200 * SEC, 0) == 5,
	    "a reload's smaller burst applies at once");
	storm_free(&s);
	return tap_done();
}
