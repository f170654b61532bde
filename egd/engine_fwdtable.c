/*
 * Forwarding tables: see engine_fwdtable.h.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_fwdtable.h"

/*
 * Does the path from src to m, walked through the table, pass through me
 * and step from me straight to m?  The walk is bounded, so a table with
 * a loop answers no instead of spinning.
 */
static int
fwd_on_path(const struct conf_nhtable *nh, uint16_t src, uint16_t m,
    uint16_t me)
{
	uint16_t	cur = src, next;
	size_t		steps;

	for (steps = 0; steps <= nh->count + 1 && cur != m; steps++) {
		next = conf_nexthop(nh, cur, m);
		if (next == NODEID_INVALID)
			return 0;
		if (cur == me)
			return next == m;
		cur = next;
	}
	return 0;
}

static int
cmp_u16(const void *a, const void *b)
{
	uint16_t	x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return (x > y) - (x < y);
}

static int
fwd_add_bcast(struct fwd_table *t, const struct conf_nhtable *nh,
    uint16_t src, const uint16_t *nbr, size_t nnbr)
{
	struct fwd_bcast	*b = &t->bcast[t->nbcast];
	size_t			 i;

	b->src = src;
	b->count = 0;
	if ((b->to = calloc(nnbr ? nnbr : 1, sizeof(*b->to))) == NULL)
		return -1;
	for (i = 0; i < nnbr; i++) {
		if (nbr[i] == src)
			continue;
		if (fwd_on_path(nh, src, nbr[i], t->me))
			b->to[b->count++] = nbr[i];
	}
	qsort(b->to, b->count, sizeof(*b->to), cmp_u16);
	t->nbcast++;
	return 0;
}

struct fwd_table *
fwd_table_build(const struct conf_nhtable *nh, uint16_t me,
    const uint16_t *allnbr, size_t nall)
{
	struct fwd_table	*t;
	uint16_t		*nbr;
	size_t			 i, nsrc, nnbr = 0;
	uint16_t		 src;
	int			 has_me = 0;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->me = me;
	/*
	 * fwd_on_path() says yes only for a neighbour our own row sends
	 * to straight: ask that once here, not once per source.  Peers
	 * we do not reach directly (learned ones without a session, up
	 * to a thousand) would cost every rebuild sources x peers walks.
	 */
	if ((nbr = calloc(nall ? nall : 1, sizeof(*nbr))) == NULL)
		goto fail;
	for (i = 0; i < nall; i++)
		if (conf_nexthop(nh, me, allnbr[i]) == allnbr[i])
			nbr[nnbr++] = allnbr[i];
	if ((t->nexthop = malloc(65536 * sizeof(*t->nexthop))) == NULL)
		goto fail;
	for (i = 0; i < 65536; i++)
		t->nexthop[i] = NODEID_INVALID;
	for (i = 0; i < nh->count; i++)
		if (nh->entries[i].src == me)
			t->nexthop[nh->entries[i].dst] = nh->entries[i].nexthop;

	/* One broadcast entry per source row, and one for ourselves. */
	for (i = 0, nsrc = 0; i < nh->count; i++) {
		if (i == 0 || nh->entries[i].src != nh->entries[i - 1].src)
			nsrc++;
		if (nh->entries[i].src == me)
			has_me = 1;
	}
	if ((t->bcast = calloc(nsrc + 1, sizeof(*t->bcast))) == NULL)
		goto fail;
	for (i = 0; i < nh->count; i++) {
		src = nh->entries[i].src;
		if (i > 0 && src == nh->entries[i - 1].src)
			continue;
		/* Keep the list sorted: our own row may be missing. */
		if (!has_me && me < src && (t->nbcast == 0 ||
		    t->bcast[t->nbcast - 1].src < me)) {
			if (fwd_add_bcast(t, nh, me, nbr, nnbr) == -1)
				goto fail;
			has_me = 1;
		}
		if (fwd_add_bcast(t, nh, src, nbr, nnbr) == -1)
			goto fail;
	}
	if (!has_me && fwd_add_bcast(t, nh, me, nbr, nnbr) == -1)
		goto fail;
	if (rpf_build(&t->rpf, nh, me) == -1)
		goto fail;
	free(nbr);
	return t;

fail:
	free(nbr);
	fwd_table_free(t);
	return NULL;
}

void
fwd_table_free(struct fwd_table *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nbcast; i++)
		free(t->bcast[i].to);
	free(t->bcast);
	free(t->nexthop);
	rpf_free(&t->rpf);
	free(t);
}

const uint16_t *
fwd_bcast_targets(const struct fwd_table *t, uint16_t src, size_t *n)
{
	size_t	lo = 0, hi = t->nbcast, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (t->bcast[mid].src < src)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->nbcast && t->bcast[lo].src == src) {
		*n = t->bcast[lo].count;
		return t->bcast[lo].to;
	}
	*n = 0;
	return NULL;
}
