/*
 * The route engine's answers: next hops, distances and edges of the
 * last computation (or the static table), and the table as YAML.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route_int.h"

#define NH_NONE		0xffff

size_t
route_count(const struct route *rt)
{
	return rt->computed ? rt->n : 0;
}

uint16_t
route_node_at(const struct route *rt, size_t i)
{
	return rt->computed && i < rt->n ? rt->ids[i] : NODEID_INVALID;
}

static int
static_cmp(const void *a, const void *b)
{
	const struct conf_nexthop	*x = a, *y = b;

	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return x->dst < y->dst ? -1 : x->dst > y->dst;
}

/* Dense indices of a computed pair; 0 if either is unknown. */
static int
pair_index(const struct route *rt, uint16_t src, uint16_t dst, size_t *i,
    size_t *j)
{
	if (!rt->computed || rt->p.static_mode ||
	    rt->idx[src] == ROUTE_NOIDX || rt->idx[dst] == ROUTE_NOIDX)
		return 0;
	*i = rt->idx[src];
	*j = rt->idx[dst];
	return 1;
}

uint16_t
route_nexthop(const struct route *rt, uint16_t src, uint16_t dst)
{
	struct conf_nexthop	 key, *e;
	size_t			 i, j;

	if (rt->p.static_mode) {
		if (rt->stable.count == 0)
			return NODEID_INVALID;
		key.src = src;
		key.dst = dst;
		e = bsearch(&key, rt->stable.entries, rt->stable.count,
		    sizeof(key), static_cmp);
		return e != NULL ? e->nexthop : NODEID_INVALID;
	}
	if (!pair_index(rt, src, dst, &i, &j) ||
	    rt->nh[i * rt->n + j] == NH_NONE)
		return NODEID_INVALID;
	return rt->nh[i * rt->n + j];
}

/*
 * Sums along the chosen path i -> j, in us: the weights fed, and the
 * latencies alone (weights without the cost of each node entered).
 */
static int
path_sums(const struct route *rt, size_t i, size_t j, int64_t *fed,
    int64_t *lat)
{
	const int64_t	*w = fw_weights(rt->fw, rt->n);
	size_t		 st = fw_stride(rt->fw), cur = i, steps;
	uint32_t	 h;

	*fed = *lat = 0;
	if (i == j)
		return 1;
	if (!fw_reachable(rt->fw, i, j))
		return 0;
	for (steps = 0; cur != j && steps < rt->n; steps++) {
		h = fw_nexthop(rt->fw, cur, j);
		*fed += fw_used_weight(rt->fw, cur, h);
		*lat += w[cur * st + h] - rt->cost_us[h];
		cur = h;
	}
	return cur == j;
}

double
route_dist(const struct route *rt, uint16_t src, uint16_t dst)
{
	int64_t	 fed, lat;
	size_t	 i, j;

	if (!pair_index(rt, src, dst, &i, &j) ||
	    !path_sums(rt, i, j, &fed, &lat))
		return HUGE_VAL;
	return fed / 1000.0;
}

double
route_dist_noac(const struct route *rt, uint16_t src, uint16_t dst)
{
	int64_t	 fed, lat;
	size_t	 i, j;

	if (!pair_index(rt, src, dst, &i, &j) ||
	    !path_sums(rt, i, j, &fed, &lat))
		return HUGE_VAL;
	return lat / 1000.0;
}

unsigned int
route_hops(const struct route *rt, uint16_t src, uint16_t dst)
{
	size_t	 i, j;

	if (!pair_index(rt, src, dst, &i, &j))
		return 0;
	return fw_hops(rt->fw, i, j);
}

double
route_edge_nh(const struct route *rt, uint16_t src, uint16_t dst)
{
	int64_t	 w;
	size_t	 i, j;

	if (!pair_index(rt, src, dst, &i, &j) || i == j ||
	    (w = fw_used_weight(rt->fw, i, j)) == FW_NOEDGE)
		return HUGE_VAL;
	return w / 1000.0;
}

double
route_edge(const struct route *rt, uint16_t src, uint16_t dst)
{
	return route_link_latency(rt, src, dst);
}

double
route_json_ms(double ms)
{
	return isfinite(ms) && ms < EG_INFINITY_JSON ? ms : EG_INFINITY_JSON;
}

int
route_nhtable(const struct route *rt, struct conf_nhtable *t)
{
	size_t	 n = rt->n, i, j, c = 0;

	t->entries = NULL;
	t->count = 0;
	if (rt->p.static_mode) {
		c = rt->stable.count;
		if (c > 0 && (t->entries = reallocarray(NULL, c,
		    sizeof(*t->entries))) == NULL)
			return -1;
		if (c > 0)
			memcpy(t->entries, rt->stable.entries,
			    c * sizeof(*t->entries));
		t->count = c;
		return 0;
	}
	if (!rt->computed)
		return 0;
	for (i = 0; i < n * n; i++)
		c += rt->nh[i] != NH_NONE;
	if (c == 0)
		return 0;
	if ((t->entries = reallocarray(NULL, c, sizeof(*t->entries))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			if (rt->nh[i * n + j] == NH_NONE)
				continue;
			t->entries[t->count].src = rt->ids[i];
			t->entries[t->count].dst = rt->ids[j];
			t->entries[t->count].nexthop = rt->nh[i * n + j];
			t->count++;
		}
	return 0;
}

int
route_nhtable_print(FILE *fp, const struct conf_nhtable *t)
{
	size_t	 i;

	if (t->count == 0)
		fputs("NextHopTable: {}\n", fp);
	else
		fputs("NextHopTable:\n", fp);
	for (i = 0; i < t->count; i++) {
		if (i == 0 || t->entries[i].src != t->entries[i - 1].src)
			fprintf(fp, "  %u:\n", t->entries[i].src);
		fprintf(fp, "    %u: %u\n", t->entries[i].dst,
		    t->entries[i].nexthop);
	}
	if (fflush(fp) == EOF || ferror(fp)) {
		errno = EIO;
		return -1;
	}
	return 0;
}
