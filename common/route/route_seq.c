/*
 * Samples with an origin: each measurement once, never an older one
 * over a newer (the rule is in route.h), the counts of what was taken
 * and dropped, and the links for display.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "route_int.h"

/* RFC 1982: b is later than a if it is less than half the space ahead. */
static int
seq_later(uint32_t a, uint32_t b)
{
	uint32_t	 d = b - a;

	return d != 0 && d < UINT32_C(0x80000000);
}

static int
seq_verdict(const struct route_link *l, uint32_t seq, double measured)
{
	uint32_t	 back = l->seq - seq;
	double		 dt;

	if (!l->has_seq)
		return ROUTE_SAMPLE_TAKEN;
	if (seq == l->seq)
		return ROUTE_SAMPLE_DUPLICATE;
	dt = measured - l->measured;
	if (seq_later(l->seq, seq))
		return dt < -ROUTE_SEQ_SKEW ? ROUTE_SAMPLE_STALE :
		    ROUTE_SAMPLE_TAKEN;
	/* A restart first: its low numbers may have been taken before. */
	if (dt > ROUTE_SEQ_SKEW)
		return ROUTE_SAMPLE_TAKEN;
	if (back <= ROUTE_SEQ_WINDOW && (l->seqwin >> back & 1))
		return ROUTE_SAMPLE_DUPLICATE;
	return ROUTE_SAMPLE_STALE;
}

/* Sample seq was taken: it is the newest now, or a restart's first. */
static void
seq_taken(struct route_link *l, uint32_t seq, double measured)
{
	uint32_t	 ahead = seq - l->seq;

	if (l->has_seq && seq_later(l->seq, seq) && ahead <= ROUTE_SEQ_WINDOW)
		l->seqwin = l->seqwin << ahead | 1;
	else
		l->seqwin = 1;
	l->has_seq = 1;
	l->seq = seq;
	l->measured = measured;
}

int
route_sample_seq(struct route *rt, uint16_t src, uint16_t dst, uint32_t seq,
    double ms, double ttl, double measured, double now)
{
	struct route_link	*l;
	int			 v;

	if (src == dst || isnan(ms) || !(ttl > 0) || isnan(now) ||
	    !isfinite(measured)) {
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
	if (measured > now)
		measured = now;
	switch ((v = seq_verdict(l, seq, measured))) {
	case ROUTE_SAMPLE_DUPLICATE:
		l->counts.duplicate++;
		rt->counts.duplicate++;
		return v;
	case ROUTE_SAMPLE_STALE:
		l->counts.stale++;
		rt->counts.stale++;
		return v;
	}
	if (route_link_take(rt, l, src, dst, ms, ttl, now) == -1)
		return -1;
	seq_taken(l, seq, measured);
	return v;
}

void
route_sample_counts(const struct route *rt, struct route_sample_counts *c)
{
	*c = rt->counts;
}

void
route_stats(const struct route *rt, struct route_stats *st)
{
	*st = rt->stats;
}

static int
info_cmp(const void *a, const void *b)
{
	const struct route_link_info	*x = a, *y = b;

	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return (x->dst > y->dst) - (x->dst < y->dst);
}

int
route_links(const struct route *rt, double now,
    struct route_link_info **infop, size_t *np)
{
	const struct route_link	*l;
	struct route_link_info	*info = NULL, *e;
	size_t			 i, n = 0;

	if (rt->links.count > 0 && (info = reallocarray(NULL,
	    rt->links.count, sizeof(*info))) == NULL)
		return -1;
	for (i = 0; i < rt->links.cap; i++) {
		l = &rt->links.slots[i];
		if (l->key == 0)
			continue;
		e = &info[n++];
		e->src = (uint16_t)(l->key >> 16);
		e->dst = (uint16_t)(l->key & 0xffff);
		e->live = l->live;
		e->has_seq = l->has_seq;
		e->seq = l->has_seq ? l->seq : 0;
		e->lat_ms = l->live ? l->lat_ms : HUGE_VAL;
		e->age_s = l->has_seq ? now - l->measured : NAN;
		e->expires_s = l->live ? l->seen + l->ttl - now : NAN;
		e->counts = l->counts;
	}
	if (n > 0)
		qsort(info, n, sizeof(*info), info_cmp);
	*infop = info;
	*np = n;
	return 0;
}
