/*
 * The route engine's computation: the links become the weight matrix
 * of route_fw.c, on a dense index in ascending NodeID order; the result
 * becomes the next-hop table, compared with the previous one.
 *
 * When nothing structural changed since the last computation (same
 * nodes, costs, manual latencies, online states), only the links with
 * records can differ, so they are compared with the weights last fed:
 * if every difference is a lowered weight, few enough, the update is
 * incremental; anything else is a full computation.
 */
#include <sys/types.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "route_int.h"

#define NH_NONE		0xffff

struct pair {
	uint32_t	 i;
	uint32_t	 j;
};

/* Lowered weights worth an incremental update each: n/16, at least 1. */
static size_t
max_lowered(size_t n)
{
	return n / 16 > 0 ? n / 16 : 1;
}

/* What a link feeds now, us, or FW_NOEDGE; i, j its dense indices. */
static int64_t
link_weight(const struct route *rt, const struct route_link *l, size_t i,
    size_t j)
{
	double	 ms;

	if (!rt->online[i] || !rt->online[j])
		return FW_NOEDGE;
	ms = route_link_ms(rt, l, rt->ids[i], rt->ids[j]);
	if (ms == HUGE_VAL)
		return FW_NOEDGE;
	return llround(ms * 1000) + rt->cost_us[j];
}

/* What live link l feeds, as link_weight(), noted for the jitter rule. */
static int64_t
link_feed(const struct route *rt, struct route_link *l, size_t i, size_t j)
{
	double	 ms = HUGE_VAL;

	if (rt->online[i] && rt->online[j])
		ms = route_link_ms(rt, l, rt->ids[i], rt->ids[j]);
	l->dirty = 0;
	l->used_live = ms != HUGE_VAL;
	l->used_ms = l->used_live ? ms : 0;
	if (ms == HUGE_VAL)
		return FW_NOEDGE;
	return llround(ms * 1000) + rt->cost_us[j];
}

/*
 * Every weight from scratch: only measured links and exact manual
 * entries make links, so only they are looked at.  Each link notes
 * what it feeds (for the jitter rule) in the same pass, and dead links
 * go.
 */
static void
fill_weights(struct route *rt, int64_t *w, size_t st)
{
	struct route_link		*l;
	const struct conf_latency	*m;
	size_t				 n = rt->n, i, j, k;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			w[i * st + j] = FW_NOEDGE;
	for (k = 0; k < rt->links.cap; k++) {
		l = &rt->links.slots[k];
		/* a deletion may pull a later link back into slot k */
		while (l->key != 0 && !l->live)
			route_link_del(&rt->links, l);
		if (l->key == 0)
			continue;
		i = rt->idx[l->key >> 16];
		j = rt->idx[l->key & 0xffff];
		w[i * st + j] = link_feed(rt, l, i, j);
	}
	rt->ndirty = 0;
	for (k = 0; k < rt->nmanual; k++) {
		m = &rt->manual[k];
		if (m->src == NODEID_BROADCAST || m->dst == NODEID_BROADCAST ||
		    rt->idx[m->src] == ROUTE_NOIDX ||
		    rt->idx[m->dst] == ROUTE_NOIDX)
			continue;
		i = rt->idx[m->src];
		j = rt->idx[m->dst];
		w[i * st + j] = link_weight(rt, NULL, i, j);
	}
}

/*
 * Only the links touched since the last computation can differ: update
 * them, collect the lowered ones.  Returns how many were lowered, or -1
 * when a weight rose or too many were lowered (a full computation is
 * needed).
 */
static ssize_t
diff_weights(struct route *rt, int64_t *w, size_t st, struct pair *low,
    size_t maxlow)
{
	struct route_link	*l;
	size_t			 k, i, j, nlow = 0;
	int64_t			 nw, ow;
	int			 full = 0;

	for (k = 0; k < rt->ndirty; k++) {
		l = route_link_get(&rt->links, (uint16_t)(rt->dirty[k] >> 16),
		    (uint16_t)(rt->dirty[k] & 0xffff));
		if (l == NULL)
			continue;
		i = rt->idx[l->key >> 16];
		j = rt->idx[l->key & 0xffff];
		nw = link_weight(rt, l, i, j);
		ow = w[i * st + j];
		if (nw == ow)
			continue;
		w[i * st + j] = nw;
		if (nw > ow || nlow == maxlow)
			full = 1;
		else {
			low[nlow].i = (uint32_t)i;
			low[nlow].j = (uint32_t)j;
			nlow++;
		}
	}
	return full ? -1 : (ssize_t)nlow;
}

/* New index: ids, idx and costs from the node list. -1 on ENOMEM. */
static int
reindex(struct route *rt)
{
	uint16_t	*ids = NULL;
	int64_t		*cost = NULL;
	uint8_t		*online = NULL;
	size_t		 i, n = rt->nnodes;

	if (n > 0 && ((ids = reallocarray(NULL, n, sizeof(*ids))) == NULL ||
	    (cost = reallocarray(NULL, n, sizeof(*cost))) == NULL ||
	    (online = malloc(n)) == NULL)) {
		free(ids);
		free(cost);
		return -1;
	}
	for (i = 0; i < rt->n; i++)
		rt->idx[rt->ids[i]] = ROUTE_NOIDX;
	for (i = 0; i < n; i++) {
		ids[i] = rt->nodes[i].id;
		cost[i] = llround(rt->nodes[i].cost_ms * 1000);
		online[i] = rt->nodes[i].online;
		rt->idx[ids[i]] = (uint16_t)i;
	}
	free(rt->ids);
	free(rt->cost_us);
	free(rt->online);
	rt->ids = ids;
	rt->cost_us = cost;
	rt->online = online;
	rt->n = n;
	return 0;
}

static int
same_nodes(const struct route *rt)
{
	size_t	 i;

	if (!rt->computed || rt->n != rt->nnodes)
		return 0;
	for (i = 0; i < rt->n; i++)
		if (rt->ids[i] != rt->nodes[i].id)
			return 0;
	return 1;
}

/* The next-hop table as NodeIDs, n x n; NULL on ENOMEM. */
static uint16_t *
build_nh(const struct route *rt)
{
	uint16_t	*nh;
	size_t		 n = rt->n, i;

	if ((nh = reallocarray(NULL, n > 0 ? n * n : 1, sizeof(*nh))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		fw_nexthop_row(rt->fw, i, rt->ids, NH_NONE, nh + i * n);
	return nh;
}

static size_t
nh_count(const uint16_t *nh, size_t n)
{
	size_t	 i, c = 0;

	for (i = 0; i < n * n; i++)
		c += nh[i] != NH_NONE;
	return c;
}

/*
 * Whether two tables differ as sets of (src, dst, next hop): every old
 * entry must be in the new table, and the counts equal.
 */
static int
nh_differs(const uint16_t *oids, size_t on, const uint16_t *onh,
    const struct route *rt, const uint16_t *nnh)
{
	size_t	 i, j, ni, nj, n = rt->n;

	if (nh_count(onh, on) != nh_count(nnh, n))
		return 1;
	for (i = 0; i < on; i++) {
		for (j = 0; j < on; j++) {
			if (onh[i * on + j] == NH_NONE)
				continue;
			ni = rt->idx[oids[i]];
			nj = rt->idx[oids[j]];
			if (ni == ROUTE_NOIDX || nj == ROUTE_NOIDX ||
			    nnh[ni * n + nj] != onh[i * on + j])
				return 1;
		}
	}
	return 0;
}

/*
 * After an incremental computation: only the links touched since the
 * last one can feed something new; note it, and dead links go.
 */
static void
record_dirty(struct route *rt)
{
	struct route_link	*l;
	size_t			 k, i, j;

	for (k = 0; k < rt->ndirty; k++) {
		l = route_link_get(&rt->links, (uint16_t)(rt->dirty[k] >> 16),
		    (uint16_t)(rt->dirty[k] & 0xffff));
		if (l == NULL)
			continue;
		if (!l->live) {
			route_link_del(&rt->links, l);
			continue;
		}
		i = rt->idx[l->key >> 16];
		j = rt->idx[l->key & 0xffff];
		(void)link_feed(rt, l, i, j);
	}
	rt->ndirty = 0;
}

static int
static_compute(struct route *rt)
{
	int	 flags = ROUTE_COMPUTED;

	if (rt->static_news)
		flags |= ROUTE_CHANGED;
	rt->static_news = 0;
	rt->pending_force = rt->pending_lat = rt->pending_cost = 0;
	return flags;
}

int
route_compute(struct route *rt, double now)
{
	struct pair	*low = NULL;
	uint16_t	*oids = NULL, *onh = NULL, *nnh;
	size_t		 on = 0, st, k, n;
	ssize_t		 nlow = -1;
	int64_t		*w;
	int		 flags = ROUTE_COMPUTED, st_fw = 0, incr = 0;

	if (rt->p.static_mode)
		return static_compute(rt);
	rt->stats.computations++;
	if (!rt->pending_force && !rt->pending_cost && same_nodes(rt) &&
	    rt->fw_ok) {
		n = rt->n;
		if ((low = reallocarray(NULL, max_lowered(n),
		    sizeof(*low))) == NULL)
			return -1;
		w = fw_weights(rt->fw, n);
		nlow = diff_weights(rt, w, fw_stride(rt->fw), low,
		    max_lowered(n));
		incr = nlow >= 0;
		for (k = 0; incr && k < (size_t)nlow; k++)
			if (fw_lower(rt->fw, low[k].i, low[k].j) != 0)
				incr = 0;
		if (!incr) {
			rt->stats.full++;
			if ((st_fw = fw_solve(rt->fw)) == -1)
				goto fail;
		}
		if (incr && nlow > 0)
			flags |= ROUTE_INCREMENTAL;
		record_dirty(rt);
		free(low);
		low = NULL;
	} else {
		/* keep the old table to compare, then index afresh */
		oids = rt->ids;
		onh = rt->nh;
		on = rt->n;
		rt->ids = NULL;
		rt->nh = NULL;
		rt->n = 0;
		rt->computed = 0;
		rt->fw_ok = 0;
		for (k = 0; k < on; k++)
			rt->idx[oids[k]] = ROUTE_NOIDX;
		if (reindex(rt) == -1)
			goto fail;
		n = rt->n;
		if (n > 0) {
			if ((w = fw_weights(rt->fw, n)) == NULL)
				goto fail;
			fill_weights(rt, w, fw_stride(rt->fw));
			rt->stats.full++;
			if ((st_fw = fw_solve(rt->fw)) == -1)
				goto fail;
			rt->fw_ok = 1;
		} else
			rt->ndirty = 0;		/* no node, no link */
	}
	if (st_fw & FW_NEGCYCLE)
		flags |= ROUTE_NEGCYCLE;
	if (st_fw & FW_COARSE)
		flags |= ROUTE_COARSE;
	if ((nnh = build_nh(rt)) == NULL)
		goto fail;
	if (oids != NULL || onh != NULL || !rt->computed) {
		if (nh_differs(oids, on, onh, rt, nnh))
			flags |= ROUTE_CHANGED;
	} else {
		st = rt->n * rt->n;
		if (memcmp(rt->nh, nnh, st * sizeof(*nnh)) != 0)
			flags |= ROUTE_CHANGED;
	}
	free(rt->nh);
	rt->nh = nnh;
	free(oids);
	free(onh);
	rt->computed = 1;
	rt->pending_force = rt->pending_lat = rt->pending_cost = 0;
	rt->last_compute = now;
	return flags;
fail:
	/* nothing half-done is kept: the next poll starts from scratch */
	free(low);
	free(oids);
	free(onh);
	rt->computed = 0;
	rt->fw_ok = 0;
	rt->pending_force = 1;
	errno = ENOMEM;
	return -1;
}
