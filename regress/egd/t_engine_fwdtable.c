/*
 * Forwarding tables on the six-node example of the static mode document:
 * unicast next hops, and a broadcast from every node reaching every other
 * node exactly once; a table with a loop does not hang the builder.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "egd/engine_fwdtable.h"
#include "regress/lib/tap.h"

/* NhTable[src][dst] = next hop, from docs/static-mode.md. */
static const uint16_t six[6][6] = {
	{ 0, 2, 2, 2, 2, 2 },
	{ 1, 0, 3, 4, 3, 4 },
	{ 2, 2, 0, 4, 5, 4 },
	{ 2, 2, 3, 0, 3, 6 },
	{ 3, 3, 3, 3, 0, 3 },
	{ 4, 4, 4, 4, 4, 0 },
};

/* Links: 1-2, 2-3, 2-4, 3-4, 3-5, 4-6. */
static const uint16_t nbrs[6][3] = {
	{ 2 }, { 1, 3, 4 }, { 2, 4, 5 }, { 2, 3, 6 }, { 3 }, { 4 },
};
static const size_t nnbrs[6] = { 1, 3, 3, 3, 1, 1 };

static void
table(struct conf_nhtable *nh)
{
	int	s, d;

	nh->entries = calloc(36, sizeof(*nh->entries));
	nh->count = 0;
	for (s = 1; s <= 6; s++)
		for (d = 1; d <= 6; d++) {
			if (s == d)
				continue;
			nh->entries[nh->count].src = s;
			nh->entries[nh->count].dst = d;
			nh->entries[nh->count].nexthop = six[s - 1][d - 1];
			nh->count++;
		}
}

/* Flood a broadcast from src through every node's table; count copies. */
static int
broadcast(struct fwd_table *t[6], uint16_t src, int got[7])
{
	struct { uint16_t node, from; } q[64];
	const uint16_t	*to;
	size_t		 head = 0, tail = 0, n, i;

	memset(got, 0, 7 * sizeof(int));
	to = fwd_bcast_targets(t[src - 1], src, &n);
	for (i = 0; i < n; i++) {
		q[tail].node = to[i];
		q[tail++].from = src;
	}
	while (head < tail) {
		uint16_t node = q[head].node, from = q[head++].from;

		got[node]++;
		to = fwd_bcast_targets(t[node - 1], src, &n);
		for (i = 0; i < n && tail < 64; i++) {
			if (to[i] == from)
				continue;
			q[tail].node = to[i];
			q[tail++].from = node;
		}
	}
	return tail;
}

int
main(void)
{
	struct conf_nhtable	 nh, loop;
	struct fwd_table	*t[6], *lt;
	const uint16_t		*to;
	uint16_t		 node, hops[8];
	size_t			 n;
	int			 s, i, got[7], once, nh_ok;

	table(&nh);
	for (i = 0; i < 6; i++)
		t[i] = fwd_table_build(&nh, i + 1, nbrs[i], nnbrs[i]);
	ok(t[0] && t[1] && t[2] && t[3] && t[4] && t[5], "tables built");

	for (nh_ok = 1, s = 1; s <= 6; s++)
		for (i = 1; i <= 6; i++)
			if (s != i && fwd_nexthop(t[s - 1], i) !=
			    six[s - 1][i - 1])
				nh_ok = 0;
	ok(nh_ok, "every unicast next hop is the table's");
	ok(fwd_nexthop(t[0], 1) == NODEID_INVALID &&
	    fwd_nexthop(t[0], 7) == NODEID_INVALID, "no route to self or 7");

	for (node = 1, n = 0; node != 6 && n < 8; n++)
		node = hops[n] = fwd_nexthop(t[node - 1], 6);
	ok(n == 3 && hops[0] == 2 && hops[1] == 4 && hops[2] == 6,
	    "1 -> 6 goes 1 2 4 6");

	to = fwd_bcast_targets(t[3], 1, &n);
	ok(n == 1 && to[0] == 6,
	    "node 4, broadcast from 1: forwards to 6 only (not 3, not 2)");
	to = fwd_bcast_targets(t[1], 1, &n);
	ok(n == 2 && to[0] == 3 && to[1] == 4,
	    "node 2, broadcast from 1: forwards to 3 and 4");

	for (s = 1; s <= 6; s++) {
		int copies = broadcast(t, s, got);

		once = 1;
		for (i = 1; i <= 6; i++)
			if (got[i] != (i == s ? 0 : 1))
				once = 0;
		ok(once && copies == 5,
		    "broadcast from %d reaches every other node exactly once "
		    "(%d copies)", s, copies);
	}

	/* 1 -> 3 via 2, 2 -> 3 via 1: a loop. */
	loop.entries = calloc(2, sizeof(*loop.entries));
	loop.entries[0] = (struct conf_nexthop){ 1, 3, 2 };
	loop.entries[1] = (struct conf_nexthop){ 2, 3, 1 };
	loop.count = 2;
	/* Node 5, not on the loop, walks 1 -> 3 and must stop. */
	node = 3;
	lt = fwd_table_build(&loop, 5, &node, 1);
	to = fwd_bcast_targets(lt, 1, &n);
	ok(lt != NULL && n == 0, "a looping table builds and forwards nothing");
	fwd_table_free(lt);
	free(loop.entries);

	for (i = 0; i < 6; i++)
		fwd_table_free(t[i]);
	free(nh.entries);
	return tap_done();
}
