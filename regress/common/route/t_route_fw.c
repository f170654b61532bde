/*
 * The Floyd-Warshall core (common/route_fw.c) against an independent
 * reference: Bellman-Ford from every source on (distance, hops) pairs,
 * on thousands of random graphs with negative, cycle-free weights made
 * by per-node clock offsets over non-negative ones (zero-weight edges
 * and cycles included, many ties).
 *
 * The rule checked: dist = shortest distance; among the neighbours v of
 * i on a shortest path to j, those with the fewest hops; the next hop is
 * the lowest index among them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route/route_fw.h"
#include "regress/lib/tap.h"

#define REF_INF	INT64_MAX

static uint64_t	rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	uint64_t	 x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static int64_t
rnd(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng() % (uint64_t)(hi - lo + 1));
}

struct graph {
	size_t	 n;
	int64_t	*w;		/* n x n, FW_NOEDGE = none */
};

struct ref {
	int64_t	*d;		/* n x n */
	int64_t	*h;
};

static struct graph
graph_random(size_t n, int density_pct, int64_t wmax, int64_t offmax)
{
	struct graph	 g;
	int64_t		*off;
	size_t		 i, j;

	g.n = n;
	g.w = calloc(n * n, sizeof(int64_t));
	off = calloc(n, sizeof(int64_t));
	if (g.w == NULL || off == NULL)
		abort();
	for (i = 0; i < n; i++)
		off[i] = offmax ? rnd(-offmax, offmax) : 0;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			if (i == j || rnd(1, 100) > density_pct)
				g.w[i * n + j] = FW_NOEDGE;
			else
				g.w[i * n + j] = rnd(0, wmax) + off[j] -
				    off[i];
		}
	free(off);
	return g;
}

/* Bellman-Ford from every source, lexicographic on (distance, hops). */
static struct ref
ref_solve(const struct graph *g)
{
	struct ref	 r;
	size_t		 n = g->n, s, u, v, pass;
	int64_t		 w, nd, nh, *d, *h;
	int		 changed;

	r.d = malloc(n * n * sizeof(int64_t));
	r.h = malloc(n * n * sizeof(int64_t));
	if (r.d == NULL || r.h == NULL)
		abort();
	for (s = 0; s < n; s++) {
		d = r.d + s * n;
		h = r.h + s * n;
		for (v = 0; v < n; v++) {
			d[v] = REF_INF;
			h[v] = 0;
		}
		d[s] = 0;
		for (pass = 0; pass <= n; pass++) {
			changed = 0;
			for (u = 0; u < n; u++) {
				if (d[u] == REF_INF)
					continue;
				for (v = 0; v < n; v++) {
					w = g->w[u * n + v];
					if (u == v || w == FW_NOEDGE)
						continue;
					nd = d[u] + w;
					nh = h[u] + 1;
					if (nd < d[v] ||
					    (nd == d[v] && nh < h[v])) {
						d[v] = nd;
						h[v] = nh;
						changed = 1;
					}
				}
			}
			if (!changed)
				break;
		}
		if (changed) {
			fprintf(stderr, "reference: negative cycle\n");
			abort();
		}
	}
	return r;
}

static void
ref_free(struct ref *r)
{
	free(r->d);
	free(r->h);
}

static uint32_t
ref_nexthop(const struct graph *g, const struct ref *r, size_t i, size_t j)
{
	size_t	 n = g->n, v;
	int64_t	 w;

	if (i == j || r->d[i * n + j] == REF_INF)
		return FW_NONE;
	for (v = 0; v < n; v++) {
		w = g->w[i * n + v];
		if (v == i || w == FW_NOEDGE || r->d[v * n + j] == REF_INF)
			continue;
		if (w + r->d[v * n + j] == r->d[i * n + j] &&
		    1 + r->h[v * n + j] == r->h[i * n + j])
			return (uint32_t)v;
	}
	return FW_NONE - 1;	/* cannot happen: reported as a mismatch */
}

static int
load(struct fw *f, const struct graph *g)
{
	int64_t	*w;
	size_t	 st, i, j;

	if ((w = fw_weights(f, g->n)) == NULL)
		return -1;
	st = fw_stride(f);
	for (i = 0; i < g->n; i++)
		for (j = 0; j < g->n; j++)
			w[i * st + j] = g->w[i * g->n + j];
	return 0;
}

/* Compare the solver's results with the reference; 0 if equal. */
static int
check_ref(struct fw *f, const struct graph *g, const struct ref *r,
    const char *what)
{
	size_t	 n = g->n, i, j;
	int64_t	 d;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			d = r->d[i * n + j];
			if (fw_dist(f, i, j) !=
			    (d == REF_INF ? FW_NOEDGE : d) ||
			    fw_nexthop(f, i, j) != ref_nexthop(g, r, i, j) ||
			    (d != REF_INF &&
			    (int64_t)fw_hops(f, i, j) != r->h[i * n + j])) {
				diag("%s: n=%zu %zu->%zu dist %lld/%lld "
				    "nh %u/%u hops %u/%lld", what, n, i, j,
				    (long long)fw_dist(f, i, j), (long long)d,
				    fw_nexthop(f, i, j),
				    ref_nexthop(g, r, i, j), fw_hops(f, i, j),
				    (long long)r->h[i * n + j]);
				return -1;
			}
		}
	}
	return 0;
}

/* Two solvers agree on every result; 0 if so. */
static int
check_same(const struct fw *a, const struct fw *b, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (fw_dist(a, i, j) != fw_dist(b, i, j) ||
			    fw_nexthop(a, i, j) != fw_nexthop(b, i, j) ||
			    fw_hops(a, i, j) != fw_hops(b, i, j))
				return -1;
	return 0;
}

/*
 * The kernels fw_set_isa() selects: the portable scalar one, which every
 * CPU runs, and those for CPU features this one may lack.  Each kernel
 * that runs is checked against the reference on its own; the report
 * says which ran, and the scalar kernel must always have.
 */
#define NKERN	3
static const char *const kern_names[NKERN] = { "scalar", "avx2", "avx512" };

struct kern_runs {
	int	runs[NKERN];
	int	bad[NKERN];
};

/* Solves g with every kernel the CPU has, in k. */
static void
kern_check(struct fw *fi, const struct fw *f, const struct graph *g,
    const struct ref *r, struct kern_runs *k)
{
	int	isa;

	for (isa = 0; isa < NKERN; isa++) {
		if (fw_set_isa(fi, isa) == -1)
			continue;
		k->runs[isa]++;
		if (strcmp(fw_isa_name(fi), kern_names[isa]) != 0 ||
		    load(fi, g) == -1 || fw_solve(fi) != 0 ||
		    check_ref(fi, g, r, kern_names[isa]) ||
		    check_same(f, fi, g->n))
			k->bad[isa]++;
	}
}

static void
kern_report(const char *what, const struct kern_runs *k, int want)
{
	char	ran[64] = "", lack[64] = "";
	int	isa;

	for (isa = 0; isa < NKERN; isa++) {
		strlcat(k->runs[isa] ? ran : lack, " ", 64);
		strlcat(k->runs[isa] ? ran : lack, kern_names[isa], 64);
	}
	diag("%s: kernels run:%s; not on this CPU:%s", what,
	    ran[0] ? ran : " none", lack[0] ? lack : " none");
	for (isa = 0; isa < NKERN; isa++) {
		if (isa != 0 && k->runs[isa] == 0)
			ok(1, "%s: %s kernel matches Bellman-Ford "
			    "# SKIP not supported by this CPU", what,
			    kern_names[isa]);
		else
			ok(k->runs[isa] == want && k->bad[isa] == 0,
			    "%s: %s kernel matches Bellman-Ford and the "
			    "default kernel (%d of %d graphs, %d mismatches)",
			    what, kern_names[isa], k->runs[isa], want,
			    k->bad[isa]);
	}
}

static void
test_random_small(void)
{
	struct fw	*f = fw_new(), *g2 = fw_new();
	struct graph	 g;
	struct ref	 r;
	struct kern_runs k = { { 0 }, { 0 } };
	int		 iter, bad = 0, neg = 0;
	int64_t		 wmax, offmax;
	size_t		 n, i;

	for (iter = 0; iter < 3000; iter++) {
		n = (size_t)rnd(1, 64);
		wmax = (int64_t[]){ 0, 1, 3, 20, 1000, 100000 }[rnd(0, 5)];
		offmax = (int64_t[]){ 0, 2, 50, 100000 }[rnd(0, 3)];
		g = graph_random(n, (int)rnd(5, 100), wmax, offmax);
		for (i = 0; i < n * n; i++)
			if (g.w[i] != FW_NOEDGE && g.w[i] < 0)
				neg++;
		r = ref_solve(&g);
		if (load(f, &g) == -1 || fw_solve(f) != 0 ||
		    check_ref(f, &g, &r, "random"))
			bad++;
		kern_check(g2, f, &g, &r, &k);
		ref_free(&r);
		free(g.w);
	}
	ok(bad == 0, "3000 random graphs up to 64 nodes match Bellman-Ford "
	    "(%d mismatches, %d negative weights)", bad, neg);
	ok(neg > 1000, "the random graphs had negative weights");
	diag("random: the default kernel is %s", fw_isa_name(f));
	kern_report("random", &k, 3000);
	fw_free(f);
	fw_free(g2);
}

/* Larger graphs run the blocked code. */
static void
test_random_blocked(void)
{
	struct fw	*f = fw_new(), *fi = fw_new();
	struct graph	 g;
	struct ref	 r;
	struct kern_runs k = { { 0 }, { 0 } };
	int		 iter, bad = 0;
	size_t		 n;

	for (iter = 0; iter < 8; iter++) {
		n = (size_t)(iter < 4 ? rnd(129, 200) : rnd(250, 330));
		g = graph_random(n, (int)rnd(2, 60), iter % 2 ? 3 : 5000,
		    iter % 3 ? 1000 : 0);
		r = ref_solve(&g);
		if (load(f, &g) == -1 || fw_solve(f) != 0 ||
		    check_ref(f, &g, &r, "blocked"))
			bad++;
		kern_check(fi, f, &g, &r, &k);
		ref_free(&r);
		free(g.w);
	}
	ok(bad == 0, "8 random graphs of 129..330 nodes (blocked) match "
	    "Bellman-Ford");
	kern_report("blocked", &k, 8);
	fw_free(f);
	fw_free(fi);
}

/* Adding o(v) - o(u) to every link u->v changes no next hop. */
static void
test_offset_invariance(void)
{
	struct fw	*a = fw_new(), *b = fw_new();
	struct graph	 g, h;
	int64_t		*off;
	size_t		 n, i, j;
	int		 iter, bad = 0;

	for (iter = 0; iter < 500; iter++) {
		n = (size_t)rnd(2, iter < 480 ? 64 : 200);
		g = graph_random(n, (int)rnd(10, 90), rnd(0, 50), 0);
		h.n = n;
		h.w = malloc(n * n * sizeof(int64_t));
		off = malloc(n * sizeof(int64_t));
		for (i = 0; i < n; i++)
			off[i] = rnd(-1000000, 1000000);
		for (i = 0; i < n * n; i++)
			h.w[i] = g.w[i] == FW_NOEDGE ? FW_NOEDGE :
			    g.w[i] + off[i % n] - off[i / n];
		if (load(a, &g) == -1 || fw_solve(a) != 0 ||
		    load(b, &h) == -1 || fw_solve(b) != 0)
			bad++;
		for (i = 0; i < n && !bad; i++)
			for (j = 0; j < n; j++) {
				if (fw_nexthop(a, i, j) !=
				    fw_nexthop(b, i, j) ||
				    fw_hops(a, i, j) != fw_hops(b, i, j) ||
				    (fw_reachable(a, i, j) &&
				    fw_dist(b, i, j) !=
				    fw_dist(a, i, j) + off[j] - off[i])) {
					bad++;
					break;
				}
			}
		free(off);
		free(g.w);
		free(h.w);
	}
	ok(bad == 0, "next hops invariant under per-node clock offsets "
	    "(500 graphs)");
	fw_free(a);
	fw_free(b);
}

/* fw_lower() after random drops equals a full solve. */
static void
test_lower(void)
{
	struct fw	*inc = fw_new(), *full = fw_new();
	struct graph	 g;
	int64_t		*wi, *wf, nw;
	size_t		 n, st, a, b;
	int		 iter, step, bad = 0, done = 0, fallback = 0, rc;

	for (iter = 0; iter < 300; iter++) {
		n = (size_t)rnd(2, iter < 280 ? 64 : 300);
		g = graph_random(n, (int)rnd(5, 70), rnd(1, 100),
		    iter % 2 ? 20 : 0);
		if (load(inc, &g) == -1 || fw_solve(inc) != 0) {
			bad++;
			free(g.w);
			continue;
		}
		st = fw_stride(inc);
		for (step = 0; step < 10; step++) {
			a = (size_t)rnd(0, (int64_t)n - 1);
			b = (size_t)rnd(0, (int64_t)n - 1);
			if (a == b)
				continue;
			wi = fw_weights(inc, n);
			nw = wi[a * st + b] == FW_NOEDGE ? rnd(-5, 100) :
			    wi[a * st + b] - rnd(0, 30);
			wi[a * st + b] = nw;
			g.w[a * n + b] = nw;
			rc = fw_lower(inc, a, b);
			if (rc == 1) {
				fallback++;
				if (fw_solve(inc) < 0)
					bad++;
			} else
				done++;
			if (load(full, &g) == -1)
				bad++;
			wf = fw_weights(full, n);
			(void)wf;
			if (fw_solve(full) < 0 ||
			    fw_status(full) != fw_status(inc) ||
			    check_same(inc, full, n))
				bad++;
		}
		free(g.w);
	}
	ok(bad == 0, "incremental update equals a full solve "
	    "(%d incremental, %d needed a full solve)", done, fallback);
	ok(done > 1000, "most drops were done incrementally");
	fw_free(inc);
	fw_free(full);
}

static void
test_negative_cycle(void)
{
	struct fw	*f = fw_new(), *c = fw_new();
	struct graph	 g, cl;
	size_t		 i;
	int		 rc, rc2;

	/* 0 -> 1 -> 2 -> 0 weighs -1; 2 -> 3 is 5 */
	g.n = 4;
	g.w = malloc(16 * sizeof(int64_t));
	for (i = 0; i < 16; i++)
		g.w[i] = FW_NOEDGE;
	g.w[0 * 4 + 1] = 2;
	g.w[1 * 4 + 2] = -4;
	g.w[2 * 4 + 0] = 1;
	g.w[2 * 4 + 3] = 5;
	g.w[0 * 4 + 3] = 4;
	load(f, &g);
	rc = fw_solve(f);
	ok(rc == FW_NEGCYCLE, "negative cycle detected (status %d)", rc);
	cl.n = 4;
	cl.w = malloc(16 * sizeof(int64_t));
	for (i = 0; i < 16; i++)
		cl.w[i] = g.w[i] != FW_NOEDGE && g.w[i] < 0 ? 0 : g.w[i];
	load(c, &cl);
	rc2 = fw_solve(c);
	ok(rc2 == 0 && check_same(f, c, 4) == 0,
	    "the result is that of the graph with negatives clamped to 0");
	ok(fw_dist(f, 1, 3) == 5 && fw_nexthop(f, 1, 3) == 2 &&
	    fw_used_weight(f, 1, 2) == 0,
	    "clamped: 1->3 via 2 costs 0 + 5");
	ok(fw_dist(f, 0, 3) == 4 && fw_nexthop(f, 0, 3) == 3,
	    "0->3: direct 4 beats 2 + 0 + 5");
	ok(fw_lower(f, 0, 1) == 1, "no incremental update after a clamp");
	free(g.w);
	free(cl.w);
	fw_free(f);
	fw_free(c);
}

/* Zero-weight cycles: the table must not loop. */
static void
test_zero_cycles(void)
{
	struct fw	*f = fw_new();
	struct graph	 g;
	size_t		 n = 40, i, j, cur, steps;
	int		 loops = 0;

	g.n = n;
	g.w = malloc(n * n * sizeof(int64_t));
	for (i = 0; i < n * n; i++)
		g.w[i] = (i / n == i % n) ? FW_NOEDGE : 0;
	load(f, &g);
	fw_solve(f);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			for (cur = i, steps = 0; cur != j && steps <= n;
			    steps++)
				cur = fw_nexthop(f, cur, j);
			if (cur != j)
				loops++;
		}
	ok(loops == 0 && fw_nexthop(f, 0, 5) == 5 && fw_nexthop(f, 7, 2) == 2,
	    "full mesh of zero weights: every node goes direct, no loop");
	free(g.w);
	fw_free(f);
}

static void
test_limits(void)
{
	struct fw	*f = fw_new();
	struct graph	 g, q;
	struct ref	 r;
	size_t		 n = 64, i, j;
	int		 rc, s, bad = 0;
	int64_t		*w;

	w = fw_weights(f, 3);
	w[0 * fw_stride(f) + 1] = FW_W_MAX + 1;
	errno = 0;
	ok(fw_solve(f) == -1 && errno == ERANGE, "weight over FW_W_MAX: "
	    "ERANGE");
	ok(fw_weights(f, FW_N_MAX + 1) == NULL && errno == EINVAL,
	    "too many nodes: EINVAL");

	/* weights near the limit force coarser units */
	g = graph_random(n, 50, FW_W_MAX / 2, FW_W_MAX / 4);
	load(f, &g);
	rc = fw_solve(f);
	s = fw_shift(f);
	ok(rc == FW_COARSE && s > 0, "huge weights on 64 nodes: coarse "
	    "units of 2^%d us", s);
	q.n = n;
	q.w = malloc(n * n * sizeof(int64_t));
	for (i = 0; i < n * n; i++)
		q.w[i] = g.w[i] == FW_NOEDGE ? FW_NOEDGE :
		    (g.w[i] + ((int64_t)1 << (s - 1))) >> s;
	r = ref_solve(&q);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (fw_nexthop(f, i, j) != ref_nexthop(&q, &r, i, j) ||
			    (r.d[i * n + j] != REF_INF && fw_dist(f, i, j) !=
			    r.d[i * n + j] * ((int64_t)1 << s)))
				bad++;
	ok(bad == 0, "coarse result is exact for the rounded weights");
	ok(fw_lower(f, 0, 1) == 1, "no incremental update in coarse units");
	ref_free(&r);
	free(g.w);
	free(q.w);
	fw_free(f);
}

int
main(void)
{
	test_random_small();
	test_random_blocked();
	test_offset_invariance();
	test_lower();
	test_negative_cycle();
	test_zero_cycles();
	test_limits();
	return tap_done();
}
