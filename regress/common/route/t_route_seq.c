/*
 * Samples with an origin (route_sample_seq(), common/route/route_seq.c):
 * a copy of a sample already taken is a duplicate, an older one is
 * stale and refreshes nothing, the sequence number may wrap, and a
 * restarted edge's low numbers are taken once they are measured clearly
 * later than the last sample held, even those it had used before.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route/route.h"
#include "regress/lib/tap.h"

static struct route *
engine(double resistance)
{
	struct route_params	 p;
	struct route		*rt;

	memset(&p, 0, sizeof(p));
	p.jitter_tolerance_multiplier = 1;
	p.damping_resistance = resistance;
	p.timeout_check_interval = 1;
	if ((rt = route_new(&p)) == NULL || route_node_add(rt, 1) == -1 ||
	    route_node_add(rt, 2) == -1)
		abort();
	return rt;
}

/* The link 1 -> 2 as route_links() shows it; aborts if it is absent. */
static struct route_link_info
link12(const struct route *rt, double now)
{
	struct route_link_info	*info, l;
	size_t			 n, i;

	if (route_links(rt, now, &info, &n) == -1)
		abort();
	for (i = 0; i < n && !(info[i].src == 1 && info[i].dst == 2); i++)
		;
	if (i == n)
		abort();
	l = info[i];
	free(info);
	return l;
}

static int
counts_are(const struct route_sample_counts *c, uint64_t taken,
    uint64_t dup, uint64_t stale)
{
	return c->taken == taken && c->duplicate == dup && c->stale == stale;
}

static void
test_duplicate(void)
{
	struct route		*rt = engine(0.5);
	struct route_sample_counts c;
	struct route_link_info	 l;

	ok(route_sample_seq(rt, 1, 2, 1, 10, 30, 0, 0) == ROUTE_SAMPLE_TAKEN,
	    "first sample: taken");
	ok(route_sample_seq(rt, 1, 2, 2, 20, 30, 16, 16) ==
	    ROUTE_SAMPLE_TAKEN, "the next number: taken");
	l = link12(rt, 16);
	ok(l.lat_ms == 15, "damped: 10 then 20 at resistance 0.5 is 15 (%g)",
	    l.lat_ms);
	/* The EdgeAPI's copy: same number, timed a little differently. */
	ok(route_sample_seq(rt, 1, 2, 2, 20, 25, 16.3, 21) ==
	    ROUTE_SAMPLE_DUPLICATE, "the same number again: a duplicate");
	ok(route_sample_seq(rt, 1, 2, 2, 20, 30, 40, 40) ==
	    ROUTE_SAMPLE_DUPLICATE, "the same number however late: a "
	    "duplicate");
	ok(route_sample_seq(rt, 1, 2, 1, 10, 10, 0.3, 21) ==
	    ROUTE_SAMPLE_DUPLICATE, "the copy of the sample before: a "
	    "duplicate");
	l = link12(rt, 21);
	route_sample_counts(rt, &c);
	ok(l.lat_ms == 15 && l.seq == 2 && l.expires_s == 25 &&
	    counts_are(&l.counts, 2, 3, 0) && counts_are(&c, 2, 3, 0),
	    "the copies count once: latency 15, lifetime from the first "
	    "copy, 2 taken and 3 duplicates (%g, %g s, %llu/%llu/%llu)",
	    l.lat_ms, l.expires_s, (unsigned long long)l.counts.taken,
	    (unsigned long long)l.counts.duplicate,
	    (unsigned long long)l.counts.stale);
	ok(fabs(l.age_s - 5) < 1e-9, "age: since the sample was measured "
	    "(%g s)", l.age_s);
	route_free(rt);
}

static void
test_stale(void)
{
	struct route		*rt = engine(0);
	struct route_sample_counts c;
	struct route_link_info	 l;
	int			 f;

	route_sample_seq(rt, 1, 2, 6, 10, 10, 0, 0);
	/* Seq 7's Pong is lost over UDP; seq 8's arrives. */
	route_sample_seq(rt, 1, 2, 8, 12, 10, 16, 16);
	route_poll(rt, 16);
	/* Seq 7 comes late in a report, with a lifetime reaching 40. */
	ok(route_sample_seq(rt, 1, 2, 7, 99, 24, 8.2, 16.5) ==
	    ROUTE_SAMPLE_STALE, "an earlier number never taken, measured "
	    "earlier: stale");
	l = link12(rt, 16.5);
	ok(l.lat_ms == 12 && l.seq == 8 && l.expires_s == 9.5,
	    "the stale sample changed neither latency nor lifetime "
	    "(%g ms, %g s)", l.lat_ms, l.expires_s);
	ok(route_poll(rt, 26) == 0 && route_edge(rt, 1, 2) == 12,
	    "t=26: seq 8's lifetime, not the stale one's, still runs");
	f = route_poll(rt, 27);
	ok((f & ROUTE_EXPIRED) && route_edge(rt, 1, 2) == HUGE_VAL,
	    "t=27: expired when seq 8's lifetime ran out");
	route_sample_counts(rt, &c);
	ok(counts_are(&c, 2, 0, 1), "counts: 2 taken, 1 stale");
	route_free(rt);
}

static void
test_window(void)
{
	struct route		*rt = engine(0);
	uint32_t		 s;

	for (s = 100; s <= 200; s++)
		route_sample_seq(rt, 1, 2, s, 1, 1000, s * 0.01, s * 0.01);
	ok(route_sample_seq(rt, 1, 2, 200 - ROUTE_SEQ_WINDOW, 1, 1000, 1, 2)
	    == ROUTE_SAMPLE_DUPLICATE, "ROUTE_SEQ_WINDOW (%d) numbers back: "
	    "still known as taken", ROUTE_SEQ_WINDOW);
	ok(route_sample_seq(rt, 1, 2, 199 - ROUTE_SEQ_WINDOW, 1, 1000, 1, 2)
	    == ROUTE_SAMPLE_STALE, "one more: stale");
	route_sample_seq(rt, 1, 2, 230, 1, 1000, 2.3, 2.3);
	ok(route_sample_seq(rt, 1, 2, 200, 1, 1000, 2, 2.4) ==
	    ROUTE_SAMPLE_DUPLICATE && route_sample_seq(rt, 1, 2, 215, 1, 1000,
	    2.15, 2.4) == ROUTE_SAMPLE_STALE, "after a jump of 30: 200 is "
	    "a duplicate, 215 (never sent) stale");
	route_sample_seq(rt, 1, 2, 300, 1, 1000, 3, 3);
	ok(route_sample_seq(rt, 1, 2, 230, 1, 1000, 2.3, 3.1) ==
	    ROUTE_SAMPLE_STALE, "after a jump of 70: 230 is out of the "
	    "window, stale");
	route_free(rt);
}

static void
test_wrap(void)
{
	struct route		*rt = engine(0);
	struct route_sample_counts c;

	ok(route_sample_seq(rt, 1, 2, 0xfffffffdU, 1, 30, 0, 0) == 0 &&
	    route_sample_seq(rt, 1, 2, 0xfffffffeU, 2, 30, 1, 1) == 0 &&
	    route_sample_seq(rt, 1, 2, 0, 3, 30, 2, 2) == 0 &&
	    route_sample_seq(rt, 1, 2, 1, 4, 30, 3, 3) == 0,
	    "the number wraps: 0xfffffffd, 0xfffffffe, 0, 1 all taken");
	ok(route_sample_seq(rt, 1, 2, 0xffffffffU, 2, 28, 1.5, 3.5) ==
	    ROUTE_SAMPLE_STALE, "0xffffffff (lost) after 1: stale");
	ok(route_sample_seq(rt, 1, 2, 0xfffffffeU, 2, 28, 1, 3.5) ==
	    ROUTE_SAMPLE_DUPLICATE, "0xfffffffe again after 1: a duplicate");
	ok(route_edge(rt, 1, 2) == 4, "latency of seq 1 (%g)",
	    route_edge(rt, 1, 2));
	route_sample_counts(rt, &c);
	ok(counts_are(&c, 4, 1, 1), "counts: 4 taken, 1 duplicate, 1 stale");
	route_free(rt);
}

static void
test_restart(void)
{
	struct route		*rt = engine(0);
	struct route_link_info	 l;

	route_sample_seq(rt, 1, 2, 500, 10, 60, 100, 100);
	/* Edge 1 restarts at once: its Pings count from 1 again. */
	ok(route_sample_seq(rt, 1, 2, 1, 20, 60, 100 + ROUTE_SEQ_SKEW / 2,
	    100 + ROUTE_SEQ_SKEW / 2) == ROUTE_SAMPLE_STALE,
	    "a restarted edge's seq 1 within ROUTE_SEQ_SKEW of seq 500: "
	    "stale");
	ok(route_sample_seq(rt, 1, 2, 2, 30, 60, 116, 116) ==
	    ROUTE_SAMPLE_TAKEN, "its seq 2, a Ping interval later: taken");
	ok(route_sample_seq(rt, 1, 2, 3, 40, 60, 132, 132) ==
	    ROUTE_SAMPLE_TAKEN, "its seq 3: taken, the numbers count from 2");
	ok(route_sample_seq(rt, 1, 2, 499, 15, 20, 99, 133) ==
	    ROUTE_SAMPLE_STALE, "a late copy from before the restart (seq "
	    "499, ahead of 3): stale");
	l = link12(rt, 133);
	ok(l.seq == 3 && l.lat_ms == 40 && counts_are(&l.counts, 3, 0, 2),
	    "held: seq 3, 40 ms; 3 taken, 2 stale");
	route_free(rt);
}

/* An edge that ran for a few Pings only reuses numbers already taken. */
static void
test_restart_young(void)
{
	struct route	*rt = engine(0);
	uint32_t	 s;

	for (s = 1; s <= 10; s++)
		route_sample_seq(rt, 1, 2, s, 10, 60, s, s);
	ok(route_sample_seq(rt, 1, 2, 1, 20, 60, 10 + ROUTE_SEQ_SKEW + 1,
	    10 + ROUTE_SEQ_SKEW + 1) == ROUTE_SAMPLE_TAKEN &&
	    route_sample_seq(rt, 1, 2, 2, 21, 60, 10 + ROUTE_SEQ_SKEW + 2,
	    10 + ROUTE_SEQ_SKEW + 2) == ROUTE_SAMPLE_TAKEN &&
	    route_edge(rt, 1, 2) == 21, "restarted after seq 10: its seq 1 "
	    "and 2, measured more than ROUTE_SEQ_SKEW later, are taken");
	ok(route_sample_seq(rt, 1, 2, 9, 10, 50, 9, 10 + ROUTE_SEQ_SKEW + 3)
	    == ROUTE_SAMPLE_STALE, "and the old run's seq 9, late: stale");
	route_free(rt);
}

static void
test_bad(void)
{
	struct route	*rt = engine(0);

	ok(route_sample_seq(rt, 1, 2, 1, 1, 10, NAN, 0) == -1 &&
	    route_sample_seq(rt, 1, 2, 1, 1, 10, HUGE_VAL, 0) == -1 &&
	    route_sample_seq(rt, 1, 1, 1, 1, 10, 0, 0) == -1 &&
	    route_sample_seq(rt, 1, 3, 1, 1, 10, 0, 0) == -1,
	    "refused: measurement time not finite, src == dst, unknown node");
	ok(route_sample_seq(rt, 1, 2, 1, 1, 10, 50, 10) == ROUTE_SAMPLE_TAKEN &&
	    link12(rt, 10).age_s == 0, "measured in the future: taken as now");
	route_free(rt);
}

int
main(void)
{
	test_duplicate();
	test_stale();
	test_window();
	test_wrap();
	test_restart();
	test_restart_young();
	test_bad();
	return tap_done();
}
