/*
 * The route engine: nodes, samples, triggers.  See route.h for the
 * semantics; route_compute.c turns the links into a computation and
 * route_out.c answers questions about the result.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "route_int.h"

static int
params_valid(const struct route_params *p)
{
	return isfinite(p->jitter_tolerance) && p->jitter_tolerance >= 0 &&
	    isfinite(p->jitter_tolerance_multiplier) &&
	    p->jitter_tolerance_multiplier >= 1 &&
	    isfinite(p->damping_resistance) && p->damping_resistance >= 0 &&
	    p->damping_resistance < 1 &&
	    p->damping_filter_radius >= 0 &&
	    p->damping_filter_radius <= ROUTE_RADIUS_MAX &&
	    isfinite(p->timeout_check_interval) &&
	    p->timeout_check_interval >= 0 &&
	    isfinite(p->recalculate_cooldown) &&
	    p->recalculate_cooldown >= 0;
}

void
route_params_from_conf(struct route_params *p, const struct conf_graph *g,
    int damping_filter_radius)
{
	memset(p, 0, sizeof(*p));
	p->static_mode = g->static_mode;
	p->jitter_tolerance = g->jitter_tolerance;
	p->jitter_tolerance_multiplier = g->jitter_tolerance_multiplier;
	p->damping_resistance = g->damping_resistance;
	p->damping_filter_radius = damping_filter_radius;
	p->timeout_check_interval = g->timeout_check_interval;
	p->recalculate_cooldown = g->recalculate_cooldown;
}

struct route *
route_new(const struct route_params *p)
{
	struct route	*rt;

	if (!params_valid(p)) {
		errno = EINVAL;
		return NULL;
	}
	if ((rt = calloc(1, sizeof(*rt))) == NULL)
		return NULL;
	rt->p = *p;
	if ((rt->fw = fw_new()) == NULL ||
	    (rt->idx = malloc(65536 * sizeof(*rt->idx))) == NULL) {
		route_free(rt);
		errno = ENOMEM;
		return NULL;
	}
	memset(rt->idx, 0xff, 65536 * sizeof(*rt->idx));
	rt->last_compute = -HUGE_VAL;
	rt->next_check = -HUGE_VAL;
	rt->pending_force = 1;
	rt->static_news = p->static_mode;
	return rt;
}

void
route_free(struct route *rt)
{
	if (rt == NULL)
		return;
	route_links_free(&rt->links);
	fw_free(rt->fw);
	free(rt->nodes);
	free(rt->manual);
	free(rt->stable.entries);
	free(rt->ids);
	free(rt->idx);
	free(rt->cost_us);
	free(rt->online);
	free(rt->dirty);
	free(rt->nh);
	free(rt);
}

int
route_set_params(struct route *rt, const struct route_params *p)
{
	if (!params_valid(p)) {
		errno = EINVAL;
		return -1;
	}
	if (p->static_mode != rt->p.static_mode) {
		rt->pending_force = 1;
		rt->static_news = p->static_mode;
	}
	rt->p = *p;
	return 0;
}

static int
latency_cmp(const void *a, const void *b)
{
	const struct conf_latency	*x = a, *y = b;

	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	if (x->dst != y->dst)
		return x->dst < y->dst ? -1 : 1;
	return 0;
}

static int
id_ok_or_wildcard(uint16_t id)
{
	return id <= NODEID_MAX_VALID || id == NODEID_BROADCAST;
}

int
route_set_manual(struct route *rt, const struct conf_latency *e, size_t n)
{
	struct conf_latency	*m = NULL;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (!id_ok_or_wildcard(e[i].src) ||
		    !id_ok_or_wildcard(e[i].dst) || isnan(e[i].ms) ||
		    (e[i].src == e[i].dst && e[i].src != NODEID_BROADCAST)) {
			errno = EINVAL;
			return -1;
		}
	if (n > 0) {
		if ((m = reallocarray(NULL, n, sizeof(*m))) == NULL)
			return -1;
		memcpy(m, e, n * sizeof(*m));
		qsort(m, n, sizeof(*m), latency_cmp);
		for (i = 1; i < n; i++)
			if (latency_cmp(&m[i - 1], &m[i]) == 0) {
				free(m);
				errno = EINVAL;
				return -1;
			}
		for (i = 0; i < n; i++)
			m[i].ms = fmax(-ROUTE_LAT_MAX_MS,
			    fmin(m[i].ms, ROUTE_LAT_MAX_MS));
	}
	free(rt->manual);
	rt->manual = m;
	rt->nmanual = n;
	rt->pending_force = 1;
	return 0;
}

static int
nexthop_cmp(const void *a, const void *b)
{
	const struct conf_nexthop	*x = a, *y = b;

	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	if (x->dst != y->dst)
		return x->dst < y->dst ? -1 : 1;
	return 0;
}

int
route_set_static_table(struct route *rt, const struct conf_nhtable *t)
{
	struct conf_nexthop	*e = NULL;
	size_t			 i, n = t->count;

	for (i = 0; i < n; i++)
		if (t->entries[i].src > NODEID_MAX_VALID ||
		    t->entries[i].dst > NODEID_MAX_VALID ||
		    t->entries[i].nexthop > NODEID_MAX_VALID ||
		    t->entries[i].src == t->entries[i].dst) {
			errno = EINVAL;
			return -1;
		}
	if (n > 0) {
		if ((e = reallocarray(NULL, n, sizeof(*e))) == NULL)
			return -1;
		memcpy(e, t->entries, n * sizeof(*e));
		qsort(e, n, sizeof(*e), nexthop_cmp);
		for (i = 1; i < n; i++)
			if (nexthop_cmp(&e[i - 1], &e[i]) == 0) {
				free(e);
				errno = EINVAL;
				return -1;
			}
	}
	if (rt->stable.count != n || (n > 0 &&
	    memcmp(rt->stable.entries, e, n * sizeof(*e)) != 0))
		rt->static_news = 1;
	free(rt->stable.entries);
	rt->stable.entries = e;
	rt->stable.count = n;
	return 0;
}

static int
node_cmp(const void *key, const void *elem)
{
	uint16_t			 id = *(const uint16_t *)key;
	const struct route_node		*n = elem;

	return id < n->id ? -1 : id > n->id;
}

const struct route_node *
route_node_find(const struct route *rt, uint16_t id)
{
	if (rt->nnodes == 0)
		return NULL;
	return bsearch(&id, rt->nodes, rt->nnodes, sizeof(*rt->nodes),
	    node_cmp);
}

int
route_node_add(struct route *rt, uint16_t id)
{
	struct route_node	*nn;
	size_t			 i;

	if (id > NODEID_MAX_VALID) {
		errno = EINVAL;
		return -1;
	}
	if (route_node_find(rt, id) != NULL) {
		errno = EEXIST;
		return -1;
	}
	nn = reallocarray(rt->nodes, rt->nnodes + 1, sizeof(*nn));
	if (nn == NULL)
		return -1;
	rt->nodes = nn;
	for (i = rt->nnodes; i > 0 && nn[i - 1].id > id; i--)
		nn[i] = nn[i - 1];
	nn[i].id = id;
	nn[i].online = 1;
	nn[i].cost_ms = 0;
	rt->nnodes++;
	rt->pending_force = 1;
	return 0;
}

int
route_node_del(struct route *rt, uint16_t id)
{
	const struct route_node	*n;
	struct route_link	*l;
	size_t			 i;

	if ((n = route_node_find(rt, id)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	i = (size_t)(n - rt->nodes);
	memmove(&rt->nodes[i], &rt->nodes[i + 1],
	    (rt->nnodes - i - 1) * sizeof(*rt->nodes));
	rt->nnodes--;
	/* a deletion may pull a later link back into slot i: look again */
	for (i = 0; i < rt->links.cap; i++) {
		l = &rt->links.slots[i];
		while (l->key != 0 && ((l->key >> 16) == id ||
		    (l->key & 0xffff) == id))
			route_link_del(&rt->links, l);
	}
	rt->pending_force = 1;
	return 0;
}

static struct route_node *
node_get(struct route *rt, uint16_t id)
{
	struct route_node	*n;

	n = (struct route_node *)route_node_find(rt, id);
	if (n == NULL)
		errno = ENOENT;
	return n;
}

int
route_node_online(struct route *rt, uint16_t id, int online)
{
	struct route_node	*n;

	if ((n = node_get(rt, id)) == NULL)
		return -1;
	if (n->online != (online != 0)) {
		n->online = online != 0;
		rt->pending_force = 1;
	}
	return 0;
}

int
route_node_cost(struct route *rt, uint16_t id, double ms)
{
	struct route_node	*n;

	if (isnan(ms)) {
		errno = EINVAL;
		return -1;
	}
	if ((n = node_get(rt, id)) == NULL)
		return -1;
	ms = fmax(0, fmin(ms, ROUTE_COST_MAX_MS));
	if (n->cost_ms != ms) {
		n->cost_ms = ms;
		rt->pending_cost = 1;
	}
	return 0;
}

double
route_resolve_cost(double super_ms, double edge_ms)
{
	return super_ms == -1 ? edge_ms : super_ms;
}

static const struct conf_latency *
manual_find(const struct route *rt, uint16_t src, uint16_t dst)
{
	struct conf_latency	 key;

	if (rt->nmanual == 0)
		return NULL;
	key.src = src;
	key.dst = dst;
	return bsearch(&key, rt->manual, rt->nmanual, sizeof(*rt->manual),
	    latency_cmp);
}

/* The manual value for a link: exact only, or the wildcards too. */
static const struct conf_latency *
manual_lookup(const struct route *rt, uint16_t src, uint16_t dst,
    int wildcards)
{
	const struct conf_latency	*m;

	if ((m = manual_find(rt, src, dst)) != NULL || !wildcards)
		return m;
	if ((m = manual_find(rt, src, NODEID_BROADCAST)) != NULL)
		return m;
	if ((m = manual_find(rt, NODEID_BROADCAST, dst)) != NULL)
		return m;
	return manual_find(rt, NODEID_BROADCAST, NODEID_BROADCAST);
}

static double
manual_value(const struct conf_latency *m)
{
	return m->ms >= EG_INFINITY_JSON ? HUGE_VAL : m->ms;
}

double
route_link_ms(const struct route *rt, const struct route_link *l,
    uint16_t src, uint16_t dst)
{
	const struct conf_latency	*m;

	if (rt->nmanual > 0 && (m = manual_lookup(rt, src, dst, 0)) != NULL)
		return manual_value(m);
	if (l == NULL || !l->live)
		return HUGE_VAL;
	if (rt->nmanual > 0 && (m = manual_lookup(rt, src, dst, 1)) != NULL)
		return manual_value(m);
	return l->lat_ms;
}

double
route_link_latency(const struct route *rt, uint16_t src, uint16_t dst)
{
	const struct route_node		*s, *d;

	if (src == dst || (s = route_node_find(rt, src)) == NULL ||
	    (d = route_node_find(rt, dst)) == NULL || !s->online ||
	    !d->online)
		return HUGE_VAL;
	return route_link_ms(rt, route_link_get(&rt->links, src, dst), src,
	    dst);
}

/*
 * Only links in this list can feed something new to an incremental
 * update; if it cannot grow, a full computation sees everything.
 */
void
route_link_dirty(struct route *rt, struct route_link *l)
{
	uint32_t	*d;
	size_t		 cap;

	if (l->dirty)
		return;
	if (rt->ndirty == rt->dirtycap) {
		cap = rt->dirtycap ? rt->dirtycap * 2 : 64;
		if ((d = reallocarray(rt->dirty, cap, sizeof(*d))) == NULL) {
			rt->pending_force = 1;
			return;
		}
		rt->dirty = d;
		rt->dirtycap = cap;
	}
	rt->dirty[rt->ndirty++] = l->key;
	l->dirty = 1;
}

int
route_link_take(struct route *rt, struct route_link *l, uint16_t src,
    uint16_t dst, double ms, double ttl, double now)
{
	double	 eff;

	if (ms < 0) {
		ms = 0;
		rt->stats.negative++;
	}
	ms = fmin(ms, ROUTE_LAT_MAX_MS);
	if (route_link_push(l, ms, rt->p.damping_filter_radius,
	    rt->p.damping_resistance) == -1)
		return -1;
	l->seen = now;
	l->ttl = ttl;
	l->counts.taken++;
	rt->counts.taken++;
	route_link_dirty(rt, l);
	eff = route_link_latency(rt, src, dst);
	if (eff == HUGE_VAL)
		return 0;
	if (!l->used_live || route_jitter_exceeds(l->used_ms, eff,
	    rt->p.jitter_tolerance, rt->p.jitter_tolerance_multiplier))
		rt->pending_lat = 1;
	return 0;
}

int
route_sample(struct route *rt, uint16_t src, uint16_t dst, double ms,
    double ttl, double now)
{
	struct route_link	*l;

	if (src == dst || isnan(ms) || !(ttl > 0) || isnan(now)) {
		errno = EINVAL;
		return -1;
	}
	if (route_node_find(rt, src) == NULL ||
	    route_node_find(rt, dst) == NULL) {
		errno = ENOENT;
		return -1;
	}
	if ((l = route_link_add(&rt->links, src, dst)) == NULL)
		return -1;
	return route_link_take(rt, l, src, dst, ms, ttl, now);
}

/* Links past their time to live; returns how many expired. */
static int
route_expire(struct route *rt, double now)
{
	struct route_link	*l;
	size_t			 i;
	int			 n = 0;

	for (i = 0; i < rt->links.cap; i++) {
		l = &rt->links.slots[i];
		while (l->key != 0 && l->live && now - l->seen > l->ttl) {
			n++;
			if (l->used_live) {
				/* its end goes into the next computation */
				route_link_forget(l);
				route_link_dirty(rt, l);
				rt->pending_lat = 1;
			} else
				route_link_del(&rt->links, l);
		}
	}
	return n;
}

int
route_poll(struct route *rt, double now)
{
	int	 flags = 0, r;

	if (now >= rt->next_check) {
		if (route_expire(rt, now) > 0)
			flags |= ROUTE_EXPIRED;
		rt->next_check = now + rt->p.timeout_check_interval;
	}
	if (rt->p.static_mode || rt->pending_force || ((rt->pending_lat ||
	    rt->pending_cost) &&
	    now >= rt->last_compute + rt->p.recalculate_cooldown)) {
		if ((r = route_compute(rt, now)) == -1)
			return -1;
		flags |= r;
	}
	return flags;
}

double
route_next_poll(const struct route *rt)
{
	double	 t = rt->next_check;

	if (rt->pending_force || (rt->p.static_mode && rt->static_news))
		return -HUGE_VAL;
	if ((rt->pending_lat || rt->pending_cost) && !rt->p.static_mode)
		t = fmin(t, rt->last_compute + rt->p.recalculate_cooldown);
	return t;
}
