/*
 * The route process of eg-supd: one IMSG_SUPD_SAMPLE (a Pong, from the
 * engine or from control) checked and taken into the route engine, with
 * the AdditionalCost the edge reports on it.  No I/O: route_solver.c
 * hands it the bytes and stops the daemon on SRS_BROKEN; fuzz_route
 * feeds it directly.
 */
#include <sys/types.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "route/route.h"
#include "route_sample.h"

const struct conf_super_peer *
supd_conf_peer(const struct super_conf *conf, uint16_t id)
{
	size_t	i;

	for (i = 0; conf != NULL && i < conf->npeers; i++)
		if (conf->peers[i].node_id == id)
			return &conf->peers[i];
	return NULL;
}

int
supd_route_sample(struct route *rt, const struct super_conf *conf,
    double edge_cost[65536], const void *data, size_t len, double now,
    char *why, size_t whylen)
{
	const struct conf_super_peer	*p;
	struct supd_sample		 s;
	int				 v;

	if (len != sizeof(s)) {
		snprintf(why, whylen, "bad length %zu", len);
		return SRS_BROKEN;
	}
	memcpy(&s, data, sizeof(s));
	/* Both senders take only the links into the edge reporting. */
	if (s.reporter != s.dst || !isfinite(s.age_s) || s.age_s < 0) {
		snprintf(why, whylen, "%u -> %u reported by %u, age %g",
		    s.src, s.dst, s.reporter, s.age_s);
		return SRS_BROKEN;
	}
	if (rt == NULL || (p = supd_conf_peer(conf, s.dst)) == NULL ||
	    supd_conf_peer(conf, s.src) == NULL)
		return SRS_UNKNOWN;
	v = route_sample_seq(rt, s.src, s.dst, s.seq, s.latency_ms,
	    s.lifetime_s, now - s.age_s, now);
	if (v == -1)
		return SRS_REFUSED;
	if (v != ROUTE_SAMPLE_TAKEN)
		return v == ROUTE_SAMPLE_DUPLICATE ? SRS_DUPLICATE : SRS_STALE;
	/*
	 * The Pong's sender reports its own AdditionalCost; a change waits
	 * for RecalculateCoolDown like any other (route.h).
	 */
	if (isfinite(s.additional_cost) && s.additional_cost >= 0 &&
	    s.additional_cost != edge_cost[s.dst]) {
		edge_cost[s.dst] = s.additional_cost;
		route_node_cost(rt, s.dst, route_resolve_cost(
		    p->additional_cost, s.additional_cost));
	}
	return SRS_TAKEN;
}
