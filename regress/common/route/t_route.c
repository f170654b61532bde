/*
 * The route engine (common/route*.c): AdditionalCost, ManualLatency,
 * damping, the jitter rule, cool-down, expiry, negative cycles, sparse
 * NodeIDs, static mode, and incremental updates against full ones.
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

#define TTL	1000.0

static uint64_t	rng_state = 0x853c49e6748fea9bULL;

static int
rnd(int lo, int hi)
{
	return test_rnd(&rng_state, lo, hi);
}

static struct route_params
params(void)
{
	struct route_params	 p;

	memset(&p, 0, sizeof(p));
	p.jitter_tolerance_multiplier = 1;
	return p;
}

static struct route *
engine(const struct route_params *p, const uint16_t *ids, size_t n)
{
	return route_test_engine(p, ids, n);
}

static void
both(struct route *rt, uint16_t a, uint16_t b, double ms, double now)
{
	route_sample(rt, a, b, ms, TTL, now);
	route_sample(rt, b, a, ms, TTL, now);
}

/* The seed's example: A->B->C 3 ms, A->C 4 ms, AdditionalCost 10. */
static void
test_additional_cost(void)
{
	struct route_params	 p = params();
	static const uint16_t	 ids[] = { 1, 2, 3 };
	struct route		*rt = engine(&p, ids, 3);
	int			 f;

	both(rt, 1, 2, 1.5, 0);
	both(rt, 2, 3, 1.5, 0);
	both(rt, 1, 3, 4, 0);
	route_node_cost(rt, 1, 10);
	route_node_cost(rt, 2, 10);
	route_node_cost(rt, 3, 10);
	f = route_poll(rt, 0);
	ok((f & ROUTE_COMPUTED) && (f & ROUTE_CHANGED),
	    "first poll computes a new table");
	ok(route_nexthop(rt, 1, 3) == 3 && route_dist(rt, 1, 3) == 14 &&
	    route_dist_noac(rt, 1, 3) == 4 && route_hops(rt, 1, 3) == 1,
	    "AdditionalCost 10: A->C direct, 4 + 10 = 14 beats 3 + 20");
	ok(route_edge(rt, 1, 3) == 4 && route_edge_nh(rt, 1, 3) == 14 &&
	    route_edge_nh(rt, 1, 2) == 11.5, "Edges and Edges_Nh");
	route_node_cost(rt, 1, 0);
	route_node_cost(rt, 2, 0);
	route_node_cost(rt, 3, 0);
	f = route_poll(rt, 0.1);
	ok((f & ROUTE_CHANGED) && route_nexthop(rt, 1, 3) == 2 &&
	    route_dist(rt, 1, 3) == 3 && route_hops(rt, 1, 3) == 2,
	    "AdditionalCost 0: A->B->C, 3 ms beats 4");
	/* the cost is that of the node entered, not left */
	route_node_cost(rt, 1, 2);
	route_poll(rt, 0.2);
	ok(route_dist(rt, 1, 3) == 3 && route_edge_nh(rt, 2, 1) == 3.5 &&
	    route_edge_nh(rt, 1, 2) == 1.5,
	    "AdditionalCost counts for the node a link enters");
	ok(route_resolve_cost(-1, 7) == 7 && route_resolve_cost(5, 7) == 5 &&
	    route_resolve_cost(0, 7) == 0, "-1 means the edge's own cost");
	route_node_cost(rt, 1, -5);
	route_poll(rt, 0.3);
	ok(route_edge_nh(rt, 2, 1) == 1.5, "a negative cost counts as 0");
	ok(route_node_cost(rt, 1, NAN) == -1 && errno == EINVAL &&
	    route_node_cost(rt, 9, 1) == -1 && errno == ENOENT,
	    "cost: NaN and unknown nodes refused");
	route_free(rt);
}

static void
test_manual(void)
{
	struct route_params	 p = params();
	static const uint16_t	 ids[] = { 1, 2, 3, 4 };
	struct route		*rt = engine(&p, ids, 4);
	struct conf_latency	 m[] = {
		{ 1, 2, 5 }, { 1, 65535, 7 }, { 65535, 2, 9 },
		{ 65535, 3, 8 }, { 65535, 65535, 11 }, { 1, 4, 3 },
		{ 2, 3, EG_INFINITY_JSON },
	};
	struct conf_latency	 bad1[] = { { 3, 3, 1 } };
	struct conf_latency	 bad2[] = { { 65533, 3, 1 } };
	struct conf_latency	 bad3[] = { { 1, 3, 1 }, { 1, 3, 2 } };
	struct conf_latency	 bad4[] = { { 1, 3, NAN } };
	uint16_t		 a, b;

	for (a = 1; a <= 3; a++)
		for (b = 1; b <= 3; b++)
			if (a != b)
				route_sample(rt, a, b, 50, TTL, 0);
	route_sample(rt, 4, 1, 50, TTL, 0);
	ok(route_set_manual(rt, m, sizeof(m) / sizeof(m[0])) == 0,
	    "manual latencies set");
	route_poll(rt, 0);
	ok(route_edge(rt, 1, 2) == 5, "[u][v] wins over every wildcard");
	ok(route_edge(rt, 1, 3) == 7, "[u][*] wins over [*][v]");
	ok(route_edge(rt, 3, 2) == 9, "[*][v] wins over [*][*]");
	ok(route_edge(rt, 3, 1) == 11 && route_edge(rt, 2, 1) == 11 &&
	    route_edge(rt, 4, 1) == 11, "[*][*] for the rest");
	ok(route_edge(rt, 2, 3) == HUGE_VAL,
	    "a manual value of EG_INFINITY_JSON removes the link");
	ok(route_edge(rt, 1, 4) == 3 && route_nexthop(rt, 1, 4) == 4,
	    "an exact entry makes a link where no sample is");
	ok(route_edge(rt, 4, 2) == HUGE_VAL && route_edge(rt, 2, 4) ==
	    HUGE_VAL, "wildcards make no link without a sample");
	ok(route_edge_nh(rt, 1, 3) == 7 && route_dist(rt, 2, 3) == 18 &&
	    route_nexthop(rt, 2, 3) == 1, "the manual values are what is fed");
	route_node_online(rt, 4, 0);
	route_poll(rt, 1);
	ok(route_edge(rt, 1, 4) == HUGE_VAL &&
	    route_nexthop(rt, 1, 4) == NODEID_INVALID,
	    "no manual link to an offline node");
	ok(route_set_manual(rt, bad1, 1) == -1 && errno == EINVAL &&
	    route_set_manual(rt, bad2, 1) == -1 && errno == EINVAL &&
	    route_set_manual(rt, bad3, 2) == -1 && errno == EINVAL &&
	    route_set_manual(rt, bad4, 1) == -1 && errno == EINVAL &&
	    route_edge(rt, 1, 2) == 5, "bad manual tables refused, old kept");
	route_set_manual(rt, NULL, 0);
	route_poll(rt, 2);
	ok(route_edge(rt, 1, 2) == 50 && route_edge(rt, 2, 3) == 50,
	    "manual table cleared: measurements again");
	route_free(rt);
}

static void
test_damping(void)
{
	struct route_params	 p = params();
	static const uint16_t	 ids[] = { 1, 2 };
	static const double	 in[] = { 5, 3, 100, 1, 2, 4, 200 };
	static const double	 med[] = { 5, 3, 5, 3, 3, 3, 4 };
	struct route		*rt;
	size_t			 i;
	int			 good = 0;

	p.damping_filter_radius = 1;
	p.damping_resistance = 0.5;
	rt = engine(&p, ids, 2);
	route_sample(rt, 1, 2, 10, 5, 0);
	ok(route_edge(rt, 1, 2) == 10, "first sample taken as it is");
	route_sample(rt, 1, 2, 20, 5, 0);
	ok(route_edge(rt, 1, 2) == 15, "r=1, R=0.5: 10*0.5 + median[20] * "
	    "0.5 = 15 (two held: the newest one)");
	route_sample(rt, 1, 2, 100, 5, 0);
	ok(route_edge(rt, 1, 2) == 17.5, "median[10 20 100] = 20: 17.5");
	route_sample(rt, 1, 2, 30, 5, 0);
	ok(route_edge(rt, 1, 2) == 23.75, "median[20 100 30] = 30: 23.75");
	route_poll(rt, 100);
	route_sample(rt, 1, 2, 50, 5, 101);
	ok(route_edge(rt, 1, 2) == 50, "after expiry the history is gone");
	route_free(rt);

	p.damping_filter_radius = 2;
	p.damping_resistance = 0;
	rt = engine(&p, ids, 2);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		route_sample(rt, 1, 2, in[i], TTL, 0);
		good += route_edge(rt, 1, 2) == med[i];
	}
	ok(good == (int)i, "r=2: median of the last 5, of the newest odd "
	    "number while fewer (5 3 100 1 2 4 200 -> 5 3 5 3 3 3 4)");
	route_free(rt);

	p.damping_filter_radius = 0;
	p.damping_resistance = 0.9;
	rt = engine(&p, ids, 2);
	route_sample(rt, 1, 2, 10, TTL, 0);
	route_sample(rt, 1, 2, 20, TTL, 0);
	ok(fabs(route_edge(rt, 1, 2) - 11) < 1e-12, "r=0, R=0.9: 10 then 20 "
	    "gives 11");
	p.damping_filter_radius = 1;
	route_set_params(rt, &p);
	route_sample(rt, 1, 2, 30, TTL, 0);
	ok(fabs(route_edge(rt, 1, 2) - 12.9) < 1e-12,
	    "a new radius starts a new window: 11*0.9 + 30*0.1");
	route_free(rt);
}

static void
test_jitter(void)
{
	struct route_params	 p = params();
	static const uint16_t	 ids[] = { 1, 2 };
	struct route		*rt;
	double			 eps = ldexp(1, -20);

	ok(!route_jitter_exceeds(8, 20, 2, 1.5) &&
	    !route_jitter_exceeds(20, 8, 2, 1.5),
	    "|20 - 8| = 12 = 2 + 20 * 0.5: no trigger, either way");
	ok(route_jitter_exceeds(8, 20 + eps, 2, 1.5) &&
	    route_jitter_exceeds(20 + eps, 8, 2, 1.5),
	    "just above the threshold: trigger");
	ok(!route_jitter_exceeds(-8, -20, 2, 1.5) &&
	    route_jitter_exceeds(-8, -20 - eps, 2, 1.5),
	    "negative latencies: the threshold scales with the magnitude");
	ok(!route_jitter_exceeds(10, 12, 2, 1) &&
	    route_jitter_exceeds(10, 12.0000001, 2, 1),
	    "multiplier 1: a plain tolerance");

	p.jitter_tolerance = 2;
	rt = engine(&p, ids, 2);
	both(rt, 1, 2, 10, 0);
	route_poll(rt, 0);
	route_sample(rt, 1, 2, 12, TTL, 1);
	ok(route_poll(rt, 1) == 0, "engine: a change of exactly the "
	    "tolerance does not compute");
	route_sample(rt, 1, 2, 11, TTL, 2);
	route_sample(rt, 1, 2, 11.5, TTL, 2);
	ok(route_poll(rt, 2) == 0, "small steps within the tolerance of "
	    "the value used: nothing");
	route_sample(rt, 1, 2, 12.5, TTL, 3);
	ok(route_poll(rt, 3) & ROUTE_COMPUTED, "12.5 against the 10 last used "
	    "(steps add up): computes");
	route_sample(rt, 1, 2, 14, TTL, 4);
	ok(route_poll(rt, 4) == 0, "then 14 against 12.5: nothing");
	route_free(rt);

	p.jitter_tolerance = 1e6;
	rt = engine(&p, ids, 2);
	route_sample(rt, 1, 2, 10, TTL, 0);
	route_poll(rt, 0);
	route_sample(rt, 2, 1, 10, TTL, 1);
	ok(route_poll(rt, 1) & ROUTE_CHANGED, "a link appearing always "
	    "computes");
	route_free(rt);
}

static void
test_cooldown(void)
{
	struct route_params	 p = params();
	static const uint16_t	 ids[] = { 1, 2, 3 };
	struct route		*rt;
	struct conf_latency	 m[] = { { 1, 2, 1 } };

	p.recalculate_cooldown = 10;
	p.timeout_check_interval = 1000;
	rt = engine(&p, ids, 3);
	both(rt, 1, 2, 10, 0);
	both(rt, 2, 3, 10, 0);
	ok(route_poll(rt, 0) & ROUTE_COMPUTED, "t=0: computes");
	route_sample(rt, 1, 2, 100, TTL, 1);
	ok(route_poll(rt, 1) == 0 && route_next_poll(rt) == 10,
	    "t=1: latency change waits for the cool-down (until t=10)");
	ok(route_poll(rt, 9.99) == 0, "t=9.99: still waiting");
	ok(route_poll(rt, 10) & ROUTE_COMPUTED, "t=10: computes");
	route_sample(rt, 1, 2, 10, TTL, 11);
	route_node_add(rt, 4);
	ok(route_poll(rt, 11) & ROUTE_COMPUTED, "t=11: a node joining "
	    "bypasses the cool-down");
	route_sample(rt, 1, 2, 100, TTL, 12);
	route_node_online(rt, 3, 0);
	ok(route_poll(rt, 12) & ROUTE_CHANGED, "t=12: a node going offline "
	    "bypasses it");
	route_sample(rt, 1, 2, 10, TTL, 13);
	ok(route_poll(rt, 13) == 0 && route_next_poll(rt) == 22,
	    "t=13: latency again waits (t=22)");
	route_sample(rt, 4, 1, 10, TTL, 14);
	ok(route_poll(rt, 14) == 0, "t=14: a link appearing waits too");
	ok(route_poll(rt, 22) & ROUTE_CHANGED, "t=22: both computed");
	route_node_cost(rt, 2, 5);
	ok(route_poll(rt, 23) == 0 && route_next_poll(rt) == 32,
	    "t=23: an AdditionalCost change waits for it too (t=32)");
	ok((route_poll(rt, 32) & ROUTE_COMPUTED) &&
	    route_edge_nh(rt, 1, 2) == 15, "t=32: computed with the new cost");
	route_set_manual(rt, m, 1);
	ok(route_poll(rt, 33) & ROUTE_COMPUTED, "t=33: ManualLatency change "
	    "bypasses it");
	route_node_del(rt, 4);
	ok((route_poll(rt, 34) & ROUTE_CHANGED) &&
	    route_nexthop(rt, 1, 4) == NODEID_INVALID && route_count(rt) == 3,
	    "t=34: a node leaving bypasses it; its routes are gone");
	route_free(rt);
}

static void
test_expiry(void)
{
	struct route_params	 p = params();
	static const uint16_t	 ids[] = { 1, 2 };
	struct route		*rt;
	int			 f;

	p.timeout_check_interval = 5;
	rt = engine(&p, ids, 2);
	route_sample(rt, 1, 2, 10, 10, 0);
	route_sample(rt, 2, 1, 10, 10, 0);
	route_poll(rt, 0);
	ok(route_nexthop(rt, 1, 2) == 2, "t=0: linked");
	ok(route_poll(rt, 5) == 0 && route_poll(rt, 10) == 0 &&
	    route_nexthop(rt, 1, 2) == 2, "t=10: age 10 = ttl 10 is not older");
	ok(route_poll(rt, 12) == 0 && route_edge(rt, 1, 2) == 10,
	    "t=12: expired but not checked yet (checks every 5 s)");
	f = route_poll(rt, 15);
	ok((f & ROUTE_EXPIRED) && (f & ROUTE_CHANGED) &&
	    route_nexthop(rt, 1, 2) == NODEID_INVALID &&
	    route_edge(rt, 1, 2) == HUGE_VAL, "t=15: checked, expired, "
	    "recomputed");
	ok(route_next_poll(rt) == 20, "next check at t=20");
	route_sample(rt, 1, 2, 10, 100, 16);
	route_sample(rt, 2, 1, 10, 100, 16);
	route_poll(rt, 16);
	ok(route_nexthop(rt, 1, 2) == 2, "t=16: linked again");
	route_node_online(rt, 2, 0);
	ok((route_poll(rt, 17) & ROUTE_CHANGED) &&
	    route_nexthop(rt, 1, 2) == NODEID_INVALID &&
	    route_edge(rt, 1, 2) == HUGE_VAL, "offline: its links are gone");
	route_node_online(rt, 2, 1);
	ok((route_poll(rt, 18) & ROUTE_CHANGED) &&
	    route_nexthop(rt, 1, 2) == 2, "online again: samples within "
	    "their ttl count again");
	route_free(rt);
}

static void
test_negative_cycle(void)
{
	struct route_params	 p = params();
	static const uint16_t	 ids[] = { 1, 2, 3 };
	struct route		*rt = engine(&p, ids, 3);
	struct route_stats	 st;
	struct conf_latency	 m[] = { { 1, 2, -10 } };
	int			 f;

	route_sample(rt, 1, 2, -10, TTL, 0);
	route_sample(rt, 2, 1, 5, TTL, 0);
	route_sample(rt, 2, 3, 1, TTL, 0);
	f = route_poll(rt, 0);
	route_stats(rt, &st);
	ok(!(f & ROUTE_NEGCYCLE) && route_edge(rt, 1, 2) == 0 &&
	    route_dist(rt, 1, 3) == 1 && st.negative == 1,
	    "a negative sample is taken as 0, and counted");
	route_set_manual(rt, m, 1);
	f = route_poll(rt, 1);
	ok(f & ROUTE_NEGCYCLE, "negative cycle 1->2->1 (-5) by ManualLatency "
	    "reported");
	ok(route_edge_nh(rt, 1, 2) == 0 && route_edge(rt, 1, 2) == -10 &&
	    route_dist(rt, 1, 3) == 1 && route_dist_noac(rt, 1, 3) == -9 &&
	    route_nexthop(rt, 1, 3) == 2, "clamped to 0 and computed");
	route_sample(rt, 2, 1, 20, TTL, 1);
	f = route_poll(rt, 1);
	ok(!(f & ROUTE_NEGCYCLE) && route_edge_nh(rt, 1, 2) == -10 &&
	    route_dist(rt, 1, 3) == -9,
	    "cycle gone: manual negatives used as they are");
	route_free(rt);
}

static void
test_sparse(void)
{
	struct route_params	 p = params();
	static const uint16_t	 ids[] = { 65531, 23, 1, 19 };
	struct route		*rt = engine(&p, ids, 4);
	struct conf_nhtable	 t;
	char			*out = NULL;
	size_t			 len;
	FILE			*fp;

	ok(route_node_add(rt, 65532) == -1 && errno == EINVAL &&
	    route_node_add(rt, 19) == -1 && errno == EEXIST &&
	    route_node_del(rt, 5) == -1 && errno == ENOENT,
	    "reserved, repeated and unknown NodeIDs refused");
	ok(route_sample(rt, 1, 5, 1, TTL, 0) == -1 && errno == ENOENT &&
	    route_sample(rt, 1, 1, 1, TTL, 0) == -1 && errno == EINVAL &&
	    route_sample(rt, 1, 19, NAN, TTL, 0) == -1 && errno == EINVAL &&
	    route_sample(rt, 1, 19, 1, 0, 0) == -1 && errno == EINVAL,
	    "bad samples refused");
	both(rt, 1, 19, 1, 0);
	both(rt, 19, 23, 1, 0);
	both(rt, 23, 65531, 1, 0);
	both(rt, 1, 65531, 3, 0);
	route_poll(rt, 0);
	ok(route_count(rt) == 4 && route_node_at(rt, 0) == 1 &&
	    route_node_at(rt, 3) == 65531, "dense index in NodeID order");
	ok(route_nexthop(rt, 1, 65531) == 65531 && route_nexthop(rt, 65531, 1)
	    == 1, "3 ms direct and 3 ms over 3 hops: fewer hops win");
	both(rt, 1, 65531, 3.5, 1);
	route_poll(rt, 1);
	ok(route_nexthop(rt, 1, 65531) == 19 && route_nexthop(rt, 65531, 1) ==
	    23 && route_dist(rt, 1, 65531) == 3, "3.5 direct: the chain wins");
	if (route_nhtable(rt, &t) == 0 &&
	    (fp = open_memstream(&out, &len)) != NULL) {
		route_nhtable_print(fp, &t);
		fclose(fp);
	}
	ok(out != NULL && strcmp(out, "NextHopTable:\n"
	    "  1:\n    19: 19\n    23: 19\n    65531: 19\n"
	    "  19:\n    1: 1\n    23: 23\n    65531: 23\n"
	    "  23:\n    1: 19\n    19: 19\n    65531: 65531\n"
	    "  65531:\n    1: 23\n    19: 23\n    23: 23\n") == 0,
	    "the table as YAML");
	free(out);
	free(t.entries);
	ok(route_json_ms(HUGE_VAL) == EG_INFINITY_JSON && EG_INFINITY_JSON ==
	    99999 && route_json_ms(12.5) == 12.5 &&
	    route_json_ms(route_dist(rt, 1, 2)) == 99999,
	    "JSON infinity is 99999");
	route_free(rt);
}

static void
test_static(void)
{
	struct route_params	 p = params();
	static const uint16_t	 ids[] = { 1, 2, 3 };
	struct conf_nexthop	 e[] = { { 2, 1, 1 }, { 1, 3, 2 },
				    { 1, 2, 2 } };
	struct conf_nexthop	 bad[] = { { 1, 65533, 2 } };
	struct conf_nhtable	 t = { e, 3 }, tb = { bad, 1 }, out;
	struct route		*rt;

	p.static_mode = 1;
	rt = engine(&p, ids, 3);
	both(rt, 1, 3, 1, 0);
	ok(route_set_static_table(rt, &t) == 0, "static table set");
	ok(route_poll(rt, 0) & ROUTE_CHANGED, "reported once as a change");
	ok(route_nexthop(rt, 1, 3) == 2 && route_nexthop(rt, 3, 1) ==
	    NODEID_INVALID, "next hops from the table, not computed");
	ok(!(route_poll(rt, 1) & ROUTE_CHANGED), "then no change");
	ok(route_set_static_table(rt, &t) == 0 &&
	    !(route_poll(rt, 2) & ROUTE_CHANGED), "the same table again: "
	    "no change");
	ok(route_set_static_table(rt, &tb) == -1 && errno == EINVAL,
	    "reserved NodeID refused");
	ok(route_nhtable(rt, &out) == 0 && out.count == 3 &&
	    out.entries[0].src == 1 && out.entries[0].dst == 2 &&
	    out.entries[2].src == 2, "exported sorted");
	free(out.entries);
	p.static_mode = 0;
	route_set_params(rt, &p);
	ok((route_poll(rt, 3) & ROUTE_CHANGED) && route_nexthop(rt, 1, 3) ==
	    3, "static mode off: computed");
	route_free(rt);
}

static void
test_params(void)
{
	struct route_params	 p = params(), q;

	q = p;
	q.damping_resistance = 1;
	ok(route_new(&q) == NULL && errno == EINVAL, "DampingResistance 1 "
	    "refused");
	q = p;
	q.jitter_tolerance_multiplier = 0.5;
	ok(route_new(&q) == NULL && errno == EINVAL, "multiplier < 1 refused");
	q = p;
	q.damping_filter_radius = ROUTE_RADIUS_MAX + 1;
	ok(route_new(&q) == NULL && errno == EINVAL, "radius too large "
	    "refused");
}

/* Current state of a random network, kept by the test. */
struct net {
	size_t		 n;
	uint16_t	 ids[48];
	double		 cost[48];
	double		 lat[48][48];	/* NAN: no link */
};

static struct route *
net_engine(const struct net *nt, const struct route_params *p)
{
	struct route	*rt = engine(p, nt->ids, nt->n);
	size_t		 i, j;

	for (i = 0; i < nt->n; i++) {
		route_node_cost(rt, nt->ids[i], nt->cost[i]);
		for (j = 0; j < nt->n; j++)
			if (!isnan(nt->lat[i][j]))
				route_sample(rt, nt->ids[i], nt->ids[j],
				    nt->lat[i][j], TTL, 0);
	}
	return rt;
}

static int
same_results(const struct route *a, const struct route *b,
    const struct net *nt)
{
	size_t		 i, j;
	uint16_t	 s, d;

	for (i = 0; i < nt->n; i++)
		for (j = 0; j < nt->n; j++) {
			s = nt->ids[i];
			d = nt->ids[j];
			if (route_nexthop(a, s, d) != route_nexthop(b, s, d) ||
			    route_dist(a, s, d) != route_dist(b, s, d) ||
			    route_dist_noac(a, s, d) !=
			    route_dist_noac(b, s, d))
				return 0;
		}
	return 1;
}

static void
net_random(struct net *nt, size_t n)
{
	size_t	 i, j;

	nt->n = n;
	for (i = 0; i < n; i++) {
		nt->ids[i] = (uint16_t)(i * 1361 + (size_t)rnd(0, 1360));
		nt->cost[i] = rnd(0, 3) * 2.5;
		for (j = 0; j < n; j++)
			nt->lat[i][j] = i == j || rnd(0, 2) ? NAN :
			    rnd(1, 200) / 4.0;
	}
}

/* Dropped latencies go incremental and match a fresh computation. */
static void
test_incremental(void)
{
	struct route_params	 p = params();
	struct route		*rt, *ref;
	struct net		 nt;
	size_t			 i, j;
	int			 iter, step, bad = 0, incr = 0, full = 0, f;

	for (iter = 0; iter < 40; iter++) {
		net_random(&nt, (size_t)rnd(3, 48));
		rt = net_engine(&nt, &p);
		route_poll(rt, 0);
		for (step = 1; step <= 25; step++) {
			i = (size_t)rnd(0, (int)nt.n - 1);
			j = (size_t)rnd(0, (int)nt.n - 1);
			if (i == j)
				continue;
			if (isnan(nt.lat[i][j]))
				nt.lat[i][j] = rnd(1, 200) / 4.0;
			else if (rnd(0, 4) == 0)
				nt.lat[i][j] += rnd(1, 40) / 4.0;
			else
				nt.lat[i][j] -= rnd(1, 40) / 4.0;
			route_sample(rt, nt.ids[i], nt.ids[j], nt.lat[i][j],
			    TTL, step);
			f = route_poll(rt, step);
			if (f & ROUTE_INCREMENTAL)
				incr++;
			else
				full++;
			ref = net_engine(&nt, &p);
			route_compute(ref, step);
			if (!same_results(rt, ref, &nt))
				bad++;
			route_free(ref);
		}
		route_free(rt);
	}
	ok(bad == 0, "engine after random drops and rises equals a fresh "
	    "computation (%d incremental, %d full)", incr, full);
	ok(incr > 300, "most drops were incremental");
}

/*
 * Per-node clock offsets change no next hop of the engine while no
 * link measures below 0 (each offset within the smallest latency).
 */
static void
test_offsets(void)
{
	struct route_params	 p = params();
	struct route		*a, *b;
	struct net		 nt, sh;
	double			 off[48];
	size_t			 i, j;
	int			 iter, bad = 0;

	for (iter = 0; iter < 50; iter++) {
		net_random(&nt, (size_t)rnd(3, 48));
		sh = nt;
		for (i = 0; i < nt.n; i++)
			off[i] = rnd(0, 2) / 8.0;
		for (i = 0; i < nt.n; i++)
			for (j = 0; j < nt.n; j++)
				sh.lat[i][j] += off[j] - off[i];
		a = net_engine(&nt, &p);
		b = net_engine(&sh, &p);
		route_poll(a, 0);
		route_poll(b, 0);
		for (i = 0; i < nt.n; i++)
			for (j = 0; j < nt.n; j++)
				if (route_nexthop(a, nt.ids[i], nt.ids[j]) !=
				    route_nexthop(b, nt.ids[i], nt.ids[j]))
					bad++;
		route_free(a);
		route_free(b);
	}
	ok(bad == 0, "engine: clock offsets within the latencies change no "
	    "next hop (50 networks)");
}

static void
test_unchanged(void)
{
	struct route_params	 p = params();
	static const uint16_t	 ids[] = { 1, 2, 3 };
	struct route		*rt = engine(&p, ids, 3);
	int			 f;

	both(rt, 1, 2, 1, 0);
	both(rt, 2, 3, 1, 0);
	route_poll(rt, 0);
	f = route_compute(rt, 1);
	ok(f == ROUTE_COMPUTED, "computing the same graph: no change");
	route_sample(rt, 1, 2, 2, TTL, 2);
	f = route_poll(rt, 2);
	ok((f & ROUTE_COMPUTED) && !(f & ROUTE_CHANGED), "a new latency "
	    "with the same next hops: computed, not changed");
	route_free(rt);
}

int
main(void)
{
	test_additional_cost();
	test_manual();
	test_damping();
	test_jitter();
	test_cooldown();
	test_expiry();
	test_negative_cycle();
	test_sparse();
	test_static();
	test_params();
	test_incremental();
	test_offsets();
	test_unchanged();
	return tap_done();
}
