/*
 * The route engine against a member edge that lies (issue 14, finding
 * 5): an AdditionalCost that alternates on every Pong must not buy one
 * computation per Pong, and negative latencies claimed into and out of
 * a node must not make it the relay of pairs whose direct path is
 * shorter than anything through it with latencies of 0 or more.
 *
 * Prints the figures it measures as diagnostics: the computations for
 * 200 alternating-cost samples, and the pairs the liar relays.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route/route.h"
#include "regress/common/route/route_test.h"
#include "regress/lib/rng.h"
#include "regress/lib/tap.h"

#define TTL		1000.0
#define NHONEST		8
#define LIAR		100
#define LIAR_COST	20.0	/* the supernode's AdditionalCost for it */

static uint64_t	rng_state = 0x9e3779b97f4a7c15ULL;

static int
rnd(int lo, int hi)
{
	return test_rnd(&rng_state, lo, hi);
}

static struct route_params
params(double cooldown)
{
	struct route_params	 p;

	memset(&p, 0, sizeof(p));
	p.jitter_tolerance = 5;
	p.jitter_tolerance_multiplier = 1.01;
	p.damping_resistance = 0.9;
	p.timeout_check_interval = 5;
	p.recalculate_cooldown = cooldown;
	return p;
}

static struct route *
engine(const struct route_params *p, const uint16_t *ids, size_t n)
{
	return route_test_engine(p, ids, n);
}

/*
 * 200 Pongs of one link 0.05 s apart (10 s), each with the other
 * AdditionalCost, handled as eg-supd's route process does: the cost,
 * the sample, a poll.
 */
static void
test_alternating_cost(void)
{
	struct route_params	 p = params(1);
	static const uint16_t	 ids[] = { 1, 2, 3 };
	struct route		*rt = engine(&p, ids, 3);
	struct route_stats	 st0, st;
	double			 now = 0;
	int			 i, polled = 0, r;

	route_sample(rt, 1, 2, 10, TTL, now);
	route_sample(rt, 2, 3, 10, TTL, now);
	route_sample(rt, 1, 3, 30, TTL, now);
	route_poll(rt, now);
	route_stats(rt, &st0);
	for (i = 1; i <= 200; i++) {
		now = i * 0.05;
		route_node_cost(rt, 2, i % 2 ? 0 : 1000);
		if (route_sample_seq(rt, 1, 2, (uint32_t)i, 10, TTL, now,
		    now) != ROUTE_SAMPLE_TAKEN)
			break;
		if ((r = route_poll(rt, now)) == -1)
			break;
		polled += (r & ROUTE_COMPUTED) != 0;
	}
	ok(i == 201, "200 samples with alternating AdditionalCost taken");
	route_stats(rt, &st);
	diag("computations for 200 alternating-cost samples over 10 s "
	    "(RecalculateCoolDown 1 s): %d", polled);
	ok(st.computations - st0.computations == (uint64_t)polled,
	    "route_stats() counts each computation (%llu)",
	    (unsigned long long)(st.computations - st0.computations));
	ok(polled <= 11, "at most one computation per cool-down (%d <= 11)",
	    polled);
	ok(polled >= 9, "and the cost changes are not lost (%d >= 9)",
	    polled);
	route_node_cost(rt, 2, 1000);
	now += 1;
	route_poll(rt, now);
	ok(route_edge_nh(rt, 1, 2) == 1010 && route_nexthop(rt, 1, 3) == 3,
	    "the newest cost is in force after the cool-down");
	route_free(rt);
}

/*
 * A random honest network: every ordered pair measured, 1..50 ms, and
 * the liar's true links 1..50 ms.  lie: what the liar claims for every
 * link into it and, by the clock in its Pings, out of it; NAN: the
 * truth.
 */
struct net {
	uint16_t	 ids[NHONEST + 1];
	double		 lat[NHONEST + 1][NHONEST + 1];
	double		 cost[NHONEST + 1];
};

static void
net_random(struct net *nt)
{
	size_t	 i, j;

	for (i = 0; i <= NHONEST; i++) {
		nt->ids[i] = i < NHONEST ? (uint16_t)(i + 1) : LIAR;
		nt->cost[i] = i < NHONEST ? rnd(0, 4) * 2.5 : LIAR_COST;
		for (j = 0; j <= NHONEST; j++)
			nt->lat[i][j] = rnd(4, 200) / 4.0;
	}
}

static struct route *
net_engine(const struct net *nt, double lie)
{
	struct route_params	 p = params(0);
	struct route		*rt = engine(&p, nt->ids, NHONEST + 1);
	size_t			 i, j;
	double			 ms;

	p.damping_resistance = 0;
	route_set_params(rt, &p);
	for (i = 0; i <= NHONEST; i++) {
		route_node_cost(rt, nt->ids[i], nt->cost[i]);
		for (j = 0; j <= NHONEST; j++) {
			if (i == j)
				continue;
			ms = nt->lat[i][j];
			if (!isnan(lie) && (i == NHONEST || j == NHONEST))
				ms = lie;
			route_sample(rt, nt->ids[i], nt->ids[j], ms, TTL, 0);
		}
	}
	route_poll(rt, 0);
	return rt;
}

/* Pairs of honest nodes routed through the liar. */
static int
relayed(const struct route *rt)
{
	int	 i, j, n = 0;

	for (i = 1; i <= NHONEST; i++)
		for (j = 1; j <= NHONEST; j++)
			if (i != j && route_nexthop(rt, (uint16_t)i,
			    (uint16_t)j) == LIAR)
				n++;
	return n;
}

static void
test_negative_latencies(void)
{
	struct route		*liar, *zero, *honest;
	struct route_stats	 st;
	struct net		 nt;
	int			 iter, steered = 0, differ = 0, protect = 0;
	int			 by_lie = 0, by_truth = 0, i, j;
	uint16_t		 u, v;

	for (iter = 0; iter < 100; iter++) {
		net_random(&nt);
		liar = net_engine(&nt, -1000);
		zero = net_engine(&nt, 0);
		honest = net_engine(&nt, NAN);
		for (i = 0; i < NHONEST; i++)
			for (j = 0; j < NHONEST; j++) {
				if (i == j)
					continue;
				u = nt.ids[i];
				v = nt.ids[j];
				if (route_nexthop(liar, u, v) !=
				    route_nexthop(zero, u, v))
					differ++;
				/*
				 * Through the liar, with its links at 0 or
				 * more, costs at least its cost plus v's.
				 */
				if (nt.lat[i][j] >= LIAR_COST)
					continue;
				protect++;
				if (route_nexthop(liar, u, v) == LIAR)
					steered++;
			}
		by_lie += relayed(liar);
		by_truth += relayed(honest);
		if (iter == 0) {
			route_stats(liar, &st);
			ok(st.negative == 2 * NHONEST,
			    "each negative sample counted (%llu)",
			    (unsigned long long)st.negative);
		}
		route_free(liar);
		route_free(zero);
		route_free(honest);
	}
	diag("pairs relayed by the liar in 100 networks of %d: %d claiming "
	    "-1000 ms, %d honest (of %d)", NHONEST, by_lie, by_truth,
	    100 * NHONEST * (NHONEST - 1));
	ok(protect > 1000, "many pairs had a direct path under the liar's "
	    "cost (%d)", protect);
	ok(steered == 0, "none of them routed through the liar (%d)",
	    steered);
	ok(differ == 0, "claiming -1000 ms gains nothing over claiming 0 "
	    "(%d next hops differ)", differ);
}

/* The same rule in the incremental path: a drop below 0 is a 0. */
static void
test_negative_incremental(void)
{
	struct route_params	 p = params(0);
	static const uint16_t	 ids[] = { 1, 2, 3 };
	struct route		*rt;

	p.damping_resistance = 0;
	p.jitter_tolerance = 0;
	p.jitter_tolerance_multiplier = 1;
	rt = engine(&p, ids, 3);
	route_node_cost(rt, 2, 5);
	route_sample(rt, 1, 2, 10, TTL, 0);
	route_sample(rt, 2, 3, 10, TTL, 0);
	route_sample(rt, 1, 3, 3, TTL, 0);
	route_poll(rt, 0);
	ok(route_nexthop(rt, 1, 3) == 3, "direct 1->3 (3 ms) before");
	route_sample(rt, 1, 2, -500, TTL, 1);
	route_sample(rt, 2, 3, -500, TTL, 1);
	route_poll(rt, 1);
	ok(route_edge(rt, 1, 2) == 0 && route_dist(rt, 1, 2) == 5 &&
	    route_nexthop(rt, 1, 3) == 3,
	    "-500 ms through 2 is 0 ms: 1->2->3 costs 5, direct stays (3)");
	route_free(rt);
}

int
main(void)
{
	test_alternating_cost();
	test_negative_latencies();
	test_negative_incremental();
	tap_done();
	return 0;
}
