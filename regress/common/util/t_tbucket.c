/*
 * Token buckets (common/util/tbucket.c): the burst, the refill rate, the
 * cap on what an idle bucket saves, a clock that goes back, a rate of 0,
 * and the long-run rate under a flood.
 */
#include <math.h>
#include <stdio.h>

#include "util/tbucket.h"
#include "regress/lib/tap.h"

int
main(void)
{
	struct tbucket	 tb;
	int		 i, n;
	double		 t;

	tbucket_init(&tb, 5, 100);
	for (n = 0, i = 0; i < 20; i++)
		n += tbucket_take(&tb, 2, 5, 100);
	ok(n == 5, "a full bucket passes its burst at once (%d)", n);
	ok(tbucket_take(&tb, 2, 5, 100.4) == 0 &&
	    fabs(tbucket_wait(&tb, 2, 5, 100.4) - 0.1) < 1e-9,
	    "empty: 0.8 token after 0.4 s at 2/s, the next in 0.1 s");
	ok(tbucket_take(&tb, 2, 5, 100.5) == 1 &&
	    tbucket_take(&tb, 2, 5, 100.5) == 0, "one token at 0.5 s");
	for (n = 0, i = 0; i < 20; i++)
		n += tbucket_take(&tb, 2, 5, 1000);
	ok(n == 5, "idle for 900 s: only the burst is saved (%d)", n);
	ok(tbucket_take(&tb, 2, 5, 10) == 0 &&
	    tbucket_take(&tb, 2, 5, 1000.2) == 0 &&
	    tbucket_take(&tb, 2, 5, 1000.5) == 1,
	    "a clock that goes back refills nothing, and loses no time");
	tbucket_init(&tb, 1, 0);
	ok(tbucket_take(&tb, 0, 1, 0) == 1 && tbucket_take(&tb, 0, 1, 1e6) ==
	    0 && isinf(tbucket_wait(&tb, 0, 1, 1e6)),
	    "rate 0: the burst, then nothing ever");
	tbucket_init(&tb, 10, 0);
	for (n = 0, i = 0; i < 100000; i++) {
		t = i * 1e-4;		/* 10,000 a second for 10 s */
		n += tbucket_take(&tb, 50, 10, t);
	}
	ok(n >= 500 && n <= 511, "a flood of 10,000/s for 10 s passes "
	    "burst + 10 s x 50/s (%d)", n);
	tap_done();
	return 0;
}
