/*
 * The reverse-path check (egd/engine_rpf.c) on real tables: the six
 * static-mode example configs of EtherGuard-Go in regress/testdata, each
 * node with its own config's NextHopTable and Peers.  Every frame the
 * tables forward, unicast and broadcast, is walked hop by hop and must be
 * taken at every hop; every other (source, neighbour) pair must be
 * refused, against a brute force of the paths.  Then the grace after a
 * change of table, a table with a loop, and a table without our row.
 *
 * The tree's top is found from argv[0] (build/regress/egd/t_engine_rpf)
 * or $TOP.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "egd/engine_fwdtable.h"
#include "egd/engine_rpf.h"
#include "regress/lib/tap.h"

#define SELF_SUFFIX	"build/regress/egd/t_engine_rpf"
#define N		6
#define SEC		1000000000ULL

static char			 top[PATH_MAX] = ".";
static struct edge_conf		*conf[N + 1];
static struct fwd_table		*tab[N + 1];

static void
find_top(const char *argv0)
{
	size_t	l = strlen(argv0), s = strlen(SELF_SUFFIX);
	char	*env;

	if ((env = getenv("TOP")) != NULL && *env != '\0') {
		snprintf(top, sizeof(top), "%s", env);
		return;
	}
	if (l > s && strcmp(argv0 + l - s, SELF_SUFFIX) == 0)
		snprintf(top, sizeof(top), "%.*s", (int)(l - s - 1), argv0);
}

static int
is_peer(int me, uint16_t id)
{
	size_t	i;

	for (i = 0; i < conf[me]->npeers; i++)
		if (conf[me]->peers[i].node_id == id)
			return 1;
	return 0;
}

static struct fwd_table *
build(const struct conf_nhtable *nh, int me)
{
	uint16_t	nbr[16];
	size_t		i, n = 0;

	for (i = 0; i < conf[me]->npeers && n < 16; i++)
		nbr[n++] = conf[me]->peers[i].node_id;
	return fwd_table_build(nh, me, nbr, n);
}

/*
 * Brute force: does any path from s, through the table of the nodes it
 * passes, reach `me' with `from' as the hop before?
 */
static int
really_upstream(int s, int from, int me)
{
	int	d, cur, next, hops;

	for (d = 1; d <= N; d++) {
		if (d == s)
			continue;
		for (cur = s, hops = 0; cur != d && hops < 16; hops++) {
			next = conf_nexthop(&conf[cur]->nhtable, cur, d);
			if (next == NODEID_INVALID)
				break;
			if (next == me && cur == from)
				return 1;
			cur = next;
		}
	}
	return 0;
}

/* A unicast s -> d, hop by hop: taken at every hop, reaches d. */
static int
unicast_taken(int s, int d, int *hops)
{
	int	cur = s, next;

	for (*hops = 0; cur != d && *hops < 16; (*hops)++) {
		next = fwd_nexthop(tab[cur], d);
		if (next < 1 || next > N || !is_peer(cur, next))
			return 0;
		if (!rpf_check(&tab[next]->rpf, NULL, 0, s, cur, 0, 0))
			return 0;
		cur = next;
	}
	return cur == d;
}

/* A broadcast of s along the trees: each hop taken, each node once. */
static int
broadcast_taken(int s)
{
	struct { int node, from; } q[64];
	const uint16_t	*to;
	size_t		 head = 0, tail = 0, n, i;
	int		 got[N + 1] = { 0 }, node, from, k;

	q[tail].node = s;
	q[tail++].from = s;
	while (head < tail) {
		node = q[head].node;
		from = q[head++].from;
		if (node != s) {
			if (!rpf_check(&tab[node]->rpf, NULL, 0, s, from, 1, 0))
				return 0;
			got[node]++;
		}
		to = fwd_bcast_targets(tab[node], s, &n);
		for (i = 0; i < n && tail < 64; i++) {
			if (to[i] == from)
				continue;
			q[tail].node = to[i];
			q[tail++].from = node;
		}
	}
	for (k = 1; k <= N; k++)
		if (got[k] != (k == s ? 0 : 1))
			return 0;
	return 1;
}

static void
test_examples(void)
{
	struct conf_diags	 d;
	char			 path[PATH_MAX * 2];
	int			 i, s, dd, f, hops, all, exact, bad, relayed;

	for (i = 1; i <= N; i++) {
		snprintf(path, sizeof(path), "%s/regress/testdata/etherguard-go"
		    "/example_config/static_mode/EgNet_edge%d.yaml", top, i);
		memset(&d, 0, sizeof(d));
		conf[i] = conf_load_edge(path, &d, 0);
		conf_diags_free(&d);
		if (conf[i] == NULL) {
			ok(0, "load %s", path);
			exit(tap_done());
		}
		tab[i] = build(&conf[i]->nhtable, i);
	}
	ok(tab[1] && tab[2] && tab[3] && tab[4] && tab[5] && tab[6],
	    "six example configs loaded, tables built");

	for (all = 1, relayed = 0, s = 1; s <= N; s++)
		for (dd = 1; dd <= N; dd++) {
			if (s == dd)
				continue;
			if (!unicast_taken(s, dd, &hops)) {
				diag("unicast %d -> %d dropped", s, dd);
				all = 0;
			}
			if (hops > 1)
				relayed++;
		}
	ok(all && relayed > 0, "every unicast taken at every hop (%d of "
	    "the 30 relayed)", relayed);

	for (all = 1, s = 1; s <= N; s++)
		if (!broadcast_taken(s)) {
			diag("broadcast of %d dropped", s);
			all = 0;
		}
	ok(all, "every broadcast taken at every hop of its tree");

	/* Every (source, neighbour) the paths do not give is refused. */
	for (exact = 1, bad = 0, i = 1; i <= N; i++)
		for (s = 1; s <= N; s++)
			for (f = 1; f <= N; f++) {
				if (s == i || f == i || f == s)
					continue;
				if (rpf_allows(&tab[i]->rpf, s, f, 0) !=
				    really_upstream(s, f, i)) {
					diag("node %d, source %d, from %d", i,
					    s, f);
					exact = 0;
				}
				if (!really_upstream(s, f, i))
					bad++;
			}
	ok(exact, "the upstream sets are the paths' (%d pairs refused)",
	    bad);

	/* The example: 1 -> 6 goes 1 2 4 6; 5 -> 1 goes 5 3 2 1. */
	ok(rpf_allows(&tab[4]->rpf, 1, 2, 0) &&
	    !rpf_allows(&tab[4]->rpf, 1, 3, 0) &&
	    !rpf_allows(&tab[4]->rpf, 1, 6, 0),
	    "node 4: source 1 from 2 only, not from 3 or 6");
	ok(rpf_allows(&tab[2]->rpf, 5, 3, 0) &&
	    !rpf_allows(&tab[2]->rpf, 5, 4, 0) &&
	    !rpf_allows(&tab[2]->rpf, 5, 1, 0),
	    "node 2: source 5 from 3 only");
	ok(rpf_allows(&tab[6]->rpf, 1, 4, 1) &&
	    !rpf_allows(&tab[6]->rpf, 1, 3, 1),
	    "node 6: broadcast of 1 from 4");
	ok(rpf_check(&tab[4]->rpf, NULL, 0, 3, 3, 0, 0) &&
	    rpf_check(&tab[4]->rpf, NULL, 0, 3, 3, 1, 0),
	    "a frame over its source's own session is always taken");
	ok(rpf_lookup(&tab[4]->rpf, 4) == NULL,
	    "no upstreams for our own frames");
	ok(!rpf_check(&tab[4]->rpf, NULL, 0, 7, 2, 0, 0),
	    "a source the table does not know is refused from a relay");
}

/* Node 4's table after 1 -> 6 moves from 1 2 4 6 to 1 2 3 4 6. */
static void
test_grace(void)
{
	struct conf_nhtable	 nh;
	struct fwd_table	*t;
	size_t			 i;
	uint64_t		 until = 100 * SEC;

	nh.count = conf[4]->nhtable.count;
	nh.entries = calloc(nh.count, sizeof(*nh.entries));
	memcpy(nh.entries, conf[4]->nhtable.entries,
	    nh.count * sizeof(*nh.entries));
	for (i = 0; i < nh.count; i++) {
		if (nh.entries[i].src == 2 && nh.entries[i].dst == 6)
			nh.entries[i].nexthop = 3;
		if (nh.entries[i].src == 2 && nh.entries[i].dst == 4)
			nh.entries[i].nexthop = 3;
	}
	t = build(&nh, 4);
	ok(t != NULL && !rpf_equal(&t->rpf, &tab[4]->rpf) &&
	    rpf_equal(&tab[4]->rpf, &tab[4]->rpf),
	    "node 4's new table: other upstreams");
	ok(t != NULL && rpf_allows(&t->rpf, 1, 3, 0) &&
	    !rpf_allows(&t->rpf, 1, 2, 0),
	    "source 1 now comes from 3, not from 2");
	ok(t != NULL && rpf_check(&t->rpf, &tab[4]->rpf, until, 1, 2, 0,
	    until - 1) && rpf_check(&t->rpf, &tab[4]->rpf, until, 1, 3, 0,
	    until - 1), "in the grace: both the old (2) and new (3) upstream");
	ok(t != NULL && !rpf_check(&t->rpf, &tab[4]->rpf, until, 1, 2, 0,
	    until) && rpf_check(&t->rpf, &tab[4]->rpf, until, 1, 3, 0, until),
	    "after it: only the new one");
	ok(t != NULL && !rpf_check(&t->rpf, &tab[4]->rpf, until, 1, 6, 0,
	    until - 1), "in the grace, a neighbour neither table allows is "
	    "refused");
	fwd_table_free(t);
	free(nh.entries);
}

static void
test_odd_tables(void)
{
	struct conf_nexthop	 loop[] = {
		{ 1, 9, 2 }, { 2, 9, 3 }, { 3, 9, 2 },
	};
	struct conf_nexthop	 norow[] = {
		{ 1, 2, 2 }, { 1, 3, 2 }, { 2, 3, 3 },
	};
	struct conf_nexthop	 circle[] = {
		{ 4, 9, 5 }, { 5, 9, 4 },
	};
	struct conf_nhtable	 nh = { loop, 3 };
	struct rpf_table	 r;
	const struct rpf_src	*s;

	ok(rpf_build(&r, &nh, 2) == 0, "a table with a loop: built");
	s = rpf_lookup(&r, 1);
	ok(s != NULL && s->nup == 1 && s->up[0] == 1 &&
	    s->bcast_from == NODEID_INVALID && rpf_lookup(&r, 3) != NULL &&
	    rpf_allows(&r, 3, 3, 0),
	    "the walk stops at us: 1's frames from 1, 3's from 3");
	rpf_free(&r);
	nh.entries = circle;
	nh.count = 2;
	ok(rpf_build(&r, &nh, 2) == 0 && r.nsrcs == 0,
	    "a loop that does not pass us: ends, gives nothing");
	rpf_free(&r);
	nh.entries = norow;
	nh.count = 3;
	ok(rpf_build(&r, &nh, 3) == 0 && rpf_allows(&r, 1, 2, 0) &&
	    rpf_allows(&r, 1, 2, 1) && !rpf_allows(&r, 1, 4, 0),
	    "our own row missing: still 1's upstream 2, broadcast too");
	rpf_free(&r);
	nh.count = 0;
	ok(rpf_build(&r, &nh, 3) == 0 && r.nsrcs == 0 &&
	    !rpf_check(&r, NULL, 0, 1, 2, 0, 0) &&
	    rpf_check(&r, NULL, 0, 1, 1, 0, 0),
	    "an empty table: only a source's own session");
	rpf_free(&r);
}

int
main(int argc, char **argv)
{
	int	i;

	(void)argc;
	find_top(argv[0]);
	test_examples();
	test_grace();
	test_odd_tables();
	for (i = 1; i <= N; i++) {
		fwd_table_free(tab[i]);
		conf_free_edge(conf[i]);
	}
	return tap_done();
}
