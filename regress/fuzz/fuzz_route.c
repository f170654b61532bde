/*
 * libFuzzer target for the route-sample path of eg-supd's route process:
 * the bytes of IMSG_SUPD_SAMPLE messages (what the engine and control
 * send for each Pong) through eg-supd/route_sample.c into the route
 * engine (common/route/), polled after each as the process does, then a
 * full computation.
 *
 * Beyond "no crash, no leak, no undefined behaviour": every next hop
 * leads to its destination without a loop within n hops, no distance is
 * negative (samples below 0 count as 0, costs are 0 or more), a
 * malformed message says why, and the computations counted never exceed
 * the polls plus the one at the end.
 *
 * Input: byte 0: nodes n = 2 + b % 15 (NodeIDs 1..n configured; samples
 * may name others); byte 1: RecalculateCoolDown b % 4 s; byte 2: the
 * supernode's AdditionalCost of node 1 (b - 1 ms, 255 = -1: the edge's
 * own); then records of sizeof(struct supd_sample) bytes (its raw
 * bytes, host order) each followed by one byte, the time to the next in
 * 1/16 s.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route/route.h"
#include "eg-supd/route_sample.h"

#define NMAX	16

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_result(const struct route *rt, uint16_t n)
{
	uint16_t	 u, v, x, nh;
	unsigned int	 hops;

	for (u = 1; u <= n; u++)
		for (v = 1; v <= n; v++) {
			if (u == v)
				continue;
			if ((nh = route_nexthop(rt, u, v)) == NODEID_INVALID)
				continue;
			if (!(route_dist(rt, u, v) >= 0))
				abort();
			for (x = u, hops = 0; x != v; hops++) {
				if (hops > n)
					abort();	/* a loop */
				x = route_nexthop(rt, x, v);
				if (x == NODEID_INVALID || x < 1 || x > n)
					abort();
			}
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static double			 edge_cost[65536];
	struct conf_super_peer		 peers[NMAX];
	struct super_conf		 conf;
	struct route_params		 p;
	struct route_stats		 st;
	struct route			*rt;
	struct supd_sample		 s;
	char				 why[128];
	double				 now = 1000;
	uint64_t			 polls = 0;
	uint16_t			 n, i;
	int				 v;

	if (size < 3)
		return 0;
	n = 2 + data[0] % 15;
	memset(&p, 0, sizeof(p));
	p.jitter_tolerance = 1;
	p.jitter_tolerance_multiplier = 1.1;
	p.damping_resistance = 0.5;
	p.damping_filter_radius = 1;
	p.timeout_check_interval = 1;
	p.recalculate_cooldown = data[1] % 4;
	if ((rt = route_new(&p)) == NULL)
		abort();
	memset(&conf, 0, sizeof(conf));
	memset(peers, 0, sizeof(peers));
	memset(edge_cost, 0, sizeof(edge_cost));
	for (i = 0; i < n; i++) {
		peers[i].node_id = i + 1;
		peers[i].additional_cost = i == 0 ? (data[2] == 255 ? -1 :
		    data[2] - 1) : -1;
		if (route_node_add(rt, i + 1) == -1)
			abort();
		route_node_cost(rt, i + 1, route_resolve_cost(
		    peers[i].additional_cost, 0));
	}
	conf.peers = peers;
	conf.npeers = n;
	data += 3;
	size -= 3;
	while (size > 0) {
		size_t	 len = size > sizeof(s) ? sizeof(s) : size;

		/* a short last record is a bad length */
		why[0] = '\0';
		v = supd_route_sample(rt, &conf, edge_cost, data, len, now,
		    why, sizeof(why));
		if (v == SRS_BROKEN && why[0] == '\0')
			abort();
		if (len < sizeof(s) && v != SRS_BROKEN)
			abort();
		data += len;
		size -= len;
		if (size > 0) {
			now += data[0] / 16.0;
			data++;
			size--;
		}
		if (route_poll(rt, now) == -1)
			abort();
		polls++;
	}
	if (route_compute(rt, now) == -1)
		abort();
	route_stats(rt, &st);
	if (st.computations > polls + 1)
		abort();
	check_result(rt, n);
	route_free(rt);
	return 0;
}
