/*
 * Reverse-path check: see engine_rpf.h.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_rpf.h"

static int
rpf_cmp_u16(const void *a, const void *b)
{
	uint16_t	x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return (x > y) - (x < y);
}

/*
 * Walk src's path to dst; the node whose next hop is me is the one that
 * hands me this traffic (NODEID_INVALID: the path does not pass me).
 * Bounded, so that a table with a loop answers instead of spinning.
 */
static uint16_t
rpf_pred(const struct conf_nhtable *nh, uint16_t src, uint16_t dst,
    uint16_t me)
{
	uint16_t	cur = src, next;
	int		hops;

	for (hops = 0; hops < RPF_MAX_HOPS; hops++) {
		if ((next = conf_nexthop(nh, cur, dst)) == NODEID_INVALID)
			break;
		if (next == me)
			return cur;
		if (next == dst)
			break;
		cur = next;
	}
	return NODEID_INVALID;
}

/* Row [first, end) of the table is src's: the upstreams it gives us. */
static int
rpf_add_src(struct rpf_table *t, const struct conf_nhtable *nh,
    size_t first, size_t end, uint16_t me, uint16_t *tmp)
{
	struct rpf_src	*s = &t->srcs[t->nsrcs];
	uint16_t	 src = nh->entries[first].src, dst, up;
	size_t		 i, j, n = 0;

	s->src = src;
	s->bcast_from = NODEID_INVALID;
	for (i = first; i < end; i++) {
		dst = nh->entries[i].dst;
		if (dst == src)
			continue;
		if ((up = rpf_pred(nh, src, dst, me)) == NODEID_INVALID)
			continue;
		if (dst == me)
			s->bcast_from = up;
		for (j = 0; j < n && tmp[j] != up; j++)
			;
		if (j == n)
			tmp[n++] = up;
	}
	if (n == 0 && s->bcast_from == NODEID_INVALID)
		return 0;	/* nothing of src reaches us through others */
	qsort(tmp, n, sizeof(*tmp), rpf_cmp_u16);
	if ((s->up = calloc(n ? n : 1, sizeof(*s->up))) == NULL)
		return -1;
	memcpy(s->up, tmp, n * sizeof(*tmp));
	s->nup = (uint16_t)n;
	t->nsrcs++;
	return 0;
}

int
rpf_build(struct rpf_table *t, const struct conf_nhtable *nh, uint16_t me)
{
	uint16_t	*tmp = NULL;
	size_t		 i, first, nrows = 0, maxrow = 0;

	memset(t, 0, sizeof(*t));
	for (i = 0, first = 0; i < nh->count; i++) {
		if (i + 1 < nh->count &&
		    nh->entries[i + 1].src == nh->entries[i].src)
			continue;
		nrows++;
		if (i + 1 - first > maxrow)
			maxrow = i + 1 - first;
		first = i + 1;
	}
	if ((t->srcs = calloc(nrows ? nrows : 1, sizeof(*t->srcs))) == NULL)
		return -1;
	/* At most one upstream per destination of a row. */
	if ((tmp = calloc(maxrow ? maxrow : 1, sizeof(*tmp))) == NULL)
		goto fail;
	for (i = 0, first = 0; i < nh->count; i++) {
		if (i + 1 < nh->count &&
		    nh->entries[i + 1].src == nh->entries[i].src)
			continue;
		/* Our own frames are never taken back (looped). */
		if (nh->entries[first].src != me &&
		    rpf_add_src(t, nh, first, i + 1, me, tmp) == -1)
			goto fail;
		first = i + 1;
	}
	free(tmp);
	return 0;

fail:
	free(tmp);
	rpf_free(t);
	return -1;
}

void
rpf_free(struct rpf_table *t)
{
	size_t	i;

	for (i = 0; i < t->nsrcs; i++)
		free(t->srcs[i].up);
	free(t->srcs);
	memset(t, 0, sizeof(*t));
}

const struct rpf_src *
rpf_lookup(const struct rpf_table *t, uint16_t src)
{
	size_t	lo = 0, hi = t->nsrcs, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (t->srcs[mid].src < src)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->nsrcs && t->srcs[lo].src == src)
		return &t->srcs[lo];
	return NULL;
}

int
rpf_allows(const struct rpf_table *t, uint16_t src, uint16_t from,
    int bcast)
{
	const struct rpf_src	*s;
	size_t			 i;

	if ((s = rpf_lookup(t, src)) == NULL)
		return 0;
	if (bcast)
		return s->bcast_from == from;
	/* As many as this node has neighbours: a scan is enough. */
	for (i = 0; i < s->nup && s->up[i] <= from; i++)
		if (s->up[i] == from)
			return 1;
	return 0;
}

int
rpf_check(const struct rpf_table *cur, const struct rpf_table *prev,
    uint64_t prev_until, uint16_t src, uint16_t from, int bcast,
    uint64_t now)
{
	/* Its own session: WireGuard proved it. */
	if (from == src)
		return 1;
	if (cur != NULL && rpf_allows(cur, src, from, bcast))
		return 1;
	return prev != NULL && now < prev_until &&
	    rpf_allows(prev, src, from, bcast);
}

int
rpf_equal(const struct rpf_table *a, const struct rpf_table *b)
{
	size_t	i;

	if (a->nsrcs != b->nsrcs)
		return 0;
	for (i = 0; i < a->nsrcs; i++) {
		if (a->srcs[i].src != b->srcs[i].src ||
		    a->srcs[i].bcast_from != b->srcs[i].bcast_from ||
		    a->srcs[i].nup != b->srcs[i].nup ||
		    memcmp(a->srcs[i].up, b->srcs[i].up,
		    a->srcs[i].nup * sizeof(*a->srcs[i].up)) != 0)
			return 0;
	}
	return 1;
}
