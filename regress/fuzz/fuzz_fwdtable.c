/*
 * libFuzzer target for the forwarding table and its reverse-path check
 * (egd/engine_fwdtable.c, egd/engine_rpf.c): fwd_table_build() on any
 * NextHopTable, however broken (loops, next hops that are no neighbour,
 * rows missing, reserved NodeIDs), must end, and what it builds must
 * keep the invariants the data path relies on:
 *
 * - the unicast next hops are our own row of the table, NODEID_INVALID
 *   where it has none;
 * - every broadcast target is one of the neighbours given, one our row
 *   sends to straight, never the broadcast's source, in ascending order;
 * - the upstream sets are exactly those of a plain walk of every path
 *   of the table (at most RPF_MAX_HOPS hops, the hop before our first
 *   arrival), ascending; a broadcast's upstream is the one of the path
 *   to us, and rpf_allows() answers as the sets say;
 * - a table's upstreams equal themselves (rpf_equal()).
 *
 * Input: byte 0 our NodeID, byte 1 the number of neighbours (mod 16),
 * then one byte per neighbour (repeats dropped: a host's peers are
 * distinct), then 3 bytes per entry (src, dst, next
 * hop).  A NodeID byte is the NodeID, but 255 is 65535 (broadcast) and
 * 254 is NODEID_INVALID, so that reserved IDs turn up too.  Repeated
 * (src, dst) keep their first entry, as the config parser does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "egd/engine_fwdtable.h"
#include "egd/engine_rpf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint16_t
id(uint8_t b)
{
	if (b == 255)
		return NODEID_BROADCAST;
	if (b == 254)
		return NODEID_INVALID;
	return b;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct conf_nexthop	*x = a, *y = b;
	uint32_t	kx = (uint32_t)x->src << 16 | x->dst;
	uint32_t	ky = (uint32_t)y->src << 16 | y->dst;

	return (kx > ky) - (kx < ky);
}

/* The hop before our first arrival on src's path to dst. */
static uint16_t
walk(const struct conf_nhtable *nh, uint16_t src, uint16_t dst,
    uint16_t me)
{
	uint16_t	cur = src, next;
	int		hops;

	for (hops = 0; hops < RPF_MAX_HOPS; hops++) {
		next = conf_nexthop(nh, cur, dst);
		if (next == NODEID_INVALID)
			return NODEID_INVALID;
		if (next == me)
			return cur;
		if (next == dst)
			return NODEID_INVALID;
		cur = next;
	}
	return NODEID_INVALID;
}

static void
check_rpf(const struct conf_nhtable *nh, const struct fwd_table *t,
    uint16_t me)
{
	const struct rpf_src	*s;
	uint16_t		 src, dst, up, bfrom;
	size_t			 i, j, k, found;

	for (i = 0; i + 1 < t->rpf.nsrcs; i++)
		if (t->rpf.srcs[i].src >= t->rpf.srcs[i + 1].src)
			abort();
	for (i = 0; i < t->rpf.nsrcs; i++) {
		s = &t->rpf.srcs[i];
		if (s->src == me)
			abort();
		for (j = 0; j + 1 < s->nup; j++)
			if (s->up[j] >= s->up[j + 1])
				abort();
		/* Every upstream comes from a path, the broadcast's too. */
		for (j = 0; j < s->nup; j++) {
			for (k = 0, found = 0; k < nh->count && !found; k++)
				if (nh->entries[k].src == s->src &&
				    nh->entries[k].dst != s->src &&
				    walk(nh, s->src, nh->entries[k].dst, me) ==
				    s->up[j])
					found = 1;
			if (!found || !rpf_allows(&t->rpf, s->src, s->up[j], 0))
				abort();
		}
		bfrom = walk(nh, s->src, me, me);
		if (s->src == me || bfrom != s->bcast_from)
			abort();
		if (bfrom != NODEID_INVALID &&
		    !rpf_allows(&t->rpf, s->src, bfrom, 1))
			abort();
	}
	/* Every path through us gives an upstream. */
	for (k = 0; k < nh->count; k++) {
		src = nh->entries[k].src;
		dst = nh->entries[k].dst;
		if (src == me || src == dst)
			continue;
		if ((up = walk(nh, src, dst, me)) == NODEID_INVALID)
			continue;
		if (rpf_lookup(&t->rpf, src) == NULL ||
		    !rpf_allows(&t->rpf, src, up, 0))
			abort();
	}
	if (!rpf_equal(&t->rpf, &t->rpf))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_nhtable	 nh;
	struct fwd_table	*t;
	const uint16_t		*to;
	uint16_t		 me, nbr[16], want;
	size_t			 nnbr, i, j, n, ne, off;
	uint32_t		 d;

	if (size < 2)
		return 0;
	me = id(data[0]);
	nnbr = data[1] % 16;
	if (size < 2 + nnbr)
		return 0;
	/* A host's peers: each NodeID once. */
	for (i = 0, n = 0; i < nnbr; i++) {
		for (j = 0; j < n && nbr[j] != id(data[2 + i]); j++)
			;
		if (j == n)
			nbr[n++] = id(data[2 + i]);
	}
	off = 2 + nnbr;
	nnbr = n;
	ne = (size - off) / 3;
	if ((nh.entries = calloc(ne ? ne : 1, sizeof(*nh.entries))) == NULL)
		abort();
	for (i = 0; i < ne; i++) {
		nh.entries[i].src = id(data[off + 3 * i]);
		nh.entries[i].dst = id(data[off + 3 * i + 1]);
		nh.entries[i].nexthop = id(data[off + 3 * i + 2]);
	}
	/* Sorted, first of each (src, dst) kept: what the parser gives. */
	qsort(nh.entries, ne, sizeof(*nh.entries), cmp_entry);
	for (i = 0, n = 0; i < ne; i++)
		if (n == 0 || cmp_entry(&nh.entries[n - 1], &nh.entries[i]))
			nh.entries[n++] = nh.entries[i];
	nh.count = n;

	if ((t = fwd_table_build(&nh, me, nbr, nnbr)) == NULL)
		abort();
	/* The NodeIDs an input can name, and the one after each. */
	for (d = 0; d < 65536; d = d < 256 ? d + 1 : d + 1024) {
		want = conf_nexthop(&nh, me, (uint16_t)d);
		if (fwd_nexthop(t, (uint16_t)d) != want ||
		    fwd_nexthop(t, id(254)) != conf_nexthop(&nh, me, id(254)) ||
		    fwd_nexthop(t, id(255)) != conf_nexthop(&nh, me, id(255)))
			abort();
	}
	for (i = 0; i < t->nbcast; i++) {
		to = fwd_bcast_targets(t, t->bcast[i].src, &n);
		for (j = 0; j < n; j++) {
			if (to[j] == t->bcast[i].src ||
			    conf_nexthop(&nh, me, to[j]) != to[j] ||
			    (j > 0 && to[j - 1] >= to[j]))
				abort();
			for (off = 0; off < nnbr && nbr[off] != to[j]; off++)
				;
			if (off == nnbr)
				abort();
		}
	}
	check_rpf(&nh, t, me);
	fwd_table_free(t);
	free(nh.entries);
	return 0;
}
