/*
 * route_bench: time the route engine's Floyd-Warshall (common/route/route_fw.c)
 * against the textbook triple loop with next-hop tracking, on the same
 * dense arrays in the same run, for random graphs of several sizes.
 *
 * usage: route_bench [-i isa] [-s seed] [n ...]
 *   isa: scalar, avx2, avx512 (default: the best this CPU runs)
 *
 * Columns: full computation (best of several runs), the same with
 * per-node clock offsets (negative weights: adds the
 * Bellman-Ford potentials), the textbook loop, the speed-up of the best
 * full computation over it, and the mean time of an incremental update
 * after one link's weight drops.  Above 1024 nodes the textbook loop
 * runs only its first k iterations and the time is extrapolated (marked
 * with '*'); its results are then not compared.
 *
 * A second table times the whole engine (common/route/route.c) up to 1024
 * nodes: a full computation with building the weights from the links
 * and comparing the tables, and a poll after one link's latency drops.
 */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "route/route.h"
#include "route/route_fw.h"
#include "route/route_fw_kern.h"
#include "regress/lib/rng.h"

#define TB_INF		((int64_t)1 << 61)
#define TB_FULL_MAX	1024		/* largest n the textbook runs fully */
#define TB_PART_K	256		/* k iterations timed above that */

static uint64_t	rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t
rng(void)
{
	return test_rng(&rng_state);
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A random directed graph: each link present with probability 1/2,
 * latency 1..100 ms plus an AdditionalCost of 10 ms on the node entered,
 * in us; with offsets, o(v) - o(u) (up to +-200 ms) added as unsynced
 * clocks would.
 */
static void
make_graph(int64_t *w, size_t n, int offsets)
{
	int64_t	*off;
	size_t	 i, j;

	if ((off = calloc(n, sizeof(*off))) == NULL)
		err(1, NULL);
	for (i = 0; offsets && i < n; i++)
		off[i] = (int64_t)(rng() % 400001) - 200000;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			if (i == j || rng() % 2)
				w[i * n + j] = FW_NOEDGE;
			else
				w[i * n + j] = 1000 + (int64_t)(rng() % 99001) +
				    10000 + off[j] - off[i];
		}
	free(off);
}

static void
load(struct fw *f, const int64_t *w, size_t n)
{
	int64_t	*fwm;
	size_t	 st, i;

	if ((fwm = fw_weights(f, n)) == NULL)
		err(1, "fw_weights");
	st = fw_stride(f);
	for (i = 0; i < n; i++)
		memcpy(fwm + i * st, w + i * n, n * sizeof(*w));
}

/* Best time of reps full computations. */
static double
time_solve(struct fw *f, int reps)
{
	double	 t0, t, best = 1e30;
	int	 r;

	for (r = 0; r < reps; r++) {
		t0 = now();
		if (fw_solve(f) < 0)
			err(1, "fw_solve");
		t = now() - t0;
		if (t < best)
			best = t;
	}
	return best;
}

/*
 * The textbook loop, k iterations of it: distances and next hops in
 * separate dense arrays, one compare per pair.
 */
static double
textbook(int64_t *d, int32_t *nh, const int64_t *w, size_t n, size_t kmax)
{
	size_t	 i, j, k;
	double	 t0;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			if (i == j) {
				d[i * n + j] = 0;
				nh[i * n + j] = (int32_t)j;
			} else if (w[i * n + j] == FW_NOEDGE) {
				d[i * n + j] = TB_INF;
				nh[i * n + j] = -1;
			} else {
				d[i * n + j] = w[i * n + j];
				nh[i * n + j] = (int32_t)j;
			}
		}
	t0 = now();
	for (k = 0; k < kmax; k++)
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				if (d[i * n + k] + d[k * n + j] <
				    d[i * n + j]) {
					d[i * n + j] = d[i * n + k] +
					    d[k * n + j];
					nh[i * n + j] = nh[i * n + k];
				}
	return now() - t0;
}

/* Mean time of an incremental update after one random link drops. */
static double
time_lower(struct fw *f, size_t n, int reps, int *fallbacks)
{
	int64_t	*w;
	size_t	 st, a, b;
	double	 t0, total = 0;
	int	 r, done = 0;

	*fallbacks = 0;
	for (r = 0; r < reps; r++) {
		a = rng() % n;
		b = rng() % n;
		if (a == b)
			continue;
		w = fw_weights(f, n);
		st = fw_stride(f);
		if (w[a * st + b] == FW_NOEDGE)
			w[a * st + b] = 1000 + (int64_t)(rng() % 20000);
		else
			w[a * st + b] -= (w[a * st + b] - 1000) / 2;
		t0 = now();
		if (fw_lower(f, a, b) != 0) {
			(*fallbacks)++;
			fw_solve(f);
			continue;
		}
		total += now() - t0;
		done++;
	}
	return done ? total / done : 0;
}

/*
 * The min-plus kernel alone on 64 x 64 blocks that stay in L1: the
 * most pairs per second one thread can relax, the bar for the solver.
 */
static double
kernel_peak(int isa)
{
	const struct fw_kern	*k;
	int64_t			*a, *b, *c;
	size_t			 i, bs = 64;
	double			 t0, t;
	int			 r, reps = 4000;

	if ((k = fw_kern_get(isa < 0 ? fw_kern_best() : (enum fw_isa)isa)) ==
	    NULL)
		return 0;
	a = aligned_alloc(64, bs * bs * sizeof(int64_t));
	b = aligned_alloc(64, bs * bs * sizeof(int64_t));
	c = aligned_alloc(64, bs * bs * sizeof(int64_t));
	if (a == NULL || b == NULL || c == NULL)
		err(1, NULL);
	for (i = 0; i < bs * bs; i++) {
		a[i] = (int64_t)(rng() % 1000000);
		b[i] = (int64_t)(rng() % 1000000);
		c[i] = (int64_t)1 << 40;
	}
	t0 = now();
	for (r = 0; r < reps; r++)
		k->minplus(c, bs, a, bs, b, 16, bs * 16, bs, bs, bs);
	t = now() - t0;
	free(a);
	free(b);
	free(c);
	return (double)reps * bs * bs * bs / t;
}

/* The engine on the same kind of graph: full and one-drop times. */
static void
bench_engine(size_t n, double *full, double *drop)
{
	struct route_params	 p;
	struct route		*rt;
	size_t			 i, j;
	double			 t0, t;
	int			 r;

	memset(&p, 0, sizeof(p));
	p.jitter_tolerance_multiplier = 1;
	if ((rt = route_new(&p)) == NULL)
		err(1, "route_new");
	for (i = 0; i < n; i++)
		if (route_node_add(rt, (uint16_t)(i * 13 + 1)) == -1 ||
		    route_node_cost(rt, (uint16_t)(i * 13 + 1), 10) == -1)
			err(1, "route_node_add");
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (i != j && rng() % 2 && route_sample(rt,
			    (uint16_t)(i * 13 + 1), (uint16_t)(j * 13 + 1),
			    1 + (double)(rng() % 99000) / 1000, 1e9, 0) == -1)
				err(1, "route_sample");
	*full = 1e30;
	for (r = 0; r < 3; r++) {
		route_node_cost(rt, 1, r);	/* forces a full computation */
		t0 = now();
		if (route_poll(rt, r) == -1)
			err(1, "route_poll");
		t = now() - t0;
		if (t < *full)
			*full = t;
	}
	*drop = 0;
	for (r = 0; r < 20; r++) {
		i = rng() % n;
		j = (i + 1 + rng() % (n - 1)) % n;
		route_sample(rt, (uint16_t)(i * 13 + 1), (uint16_t)(j * 13 + 1),
		    0.5, 1e9, 10 + r);
		t0 = now();
		if (route_poll(rt, 10 + r) == -1)
			err(1, "route_poll");
		*drop += (now() - t0) / 20;
	}
	route_free(rt);
}

static void
usage(void)
{
	fprintf(stderr, "usage: route_bench [-i isa] [-s seed] [n ...]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const size_t	 defsizes[] = { 64, 256, 1024, 4096 };
	struct fw		*f;
	int64_t			*w, *d;
	int32_t			*nh;
	size_t			 n, i, j, kmax, nsizes, *sizes;
	double			 t1, to, tb, tinc;
	int			 ch, isa = -1, reps, fb, partial, bad;

	while ((ch = getopt(argc, argv, "i:s:")) != -1) {
		switch (ch) {
		case 'i':
			if (strcmp(optarg, "scalar") == 0)
				isa = 0;
			else if (strcmp(optarg, "avx2") == 0)
				isa = 1;
			else if (strcmp(optarg, "avx512") == 0)
				isa = 2;
			else
				usage();
			break;
		case 's':
			rng_state = strtoull(optarg, NULL, 0) | 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	nsizes = argc ? (size_t)argc : sizeof(defsizes) / sizeof(*defsizes);
	if ((sizes = calloc(nsizes, sizeof(*sizes))) == NULL)
		err(1, NULL);
	for (i = 0; i < nsizes; i++) {
		sizes[i] = argc ? strtoul(argv[i], NULL, 10) : defsizes[i];
		if (sizes[i] < 2 || sizes[i] > 16384)
			errx(1, "n must be 2..16384");
	}
	if ((f = fw_new()) == NULL)
		err(1, NULL);
	if (fw_set_isa(f, isa) == -1)
		errx(1, "this CPU does not run that isa");
	printf("route_bench: kernels %s, %ld cpus online; times in ms; "
	    "random graphs, half the links present\n", fw_isa_name(f),
	    sysconf(_SC_NPROCESSORS_ONLN));
	printf("kernel peak: %.1f G pairs relaxed per second "
	    "(min-plus on 64x64 blocks in L1)\n", kernel_peak(isa) / 1e9);
	printf("%6s %10s %10s %12s %8s %10s %9s\n", "n", "full",
	    "offsets", "textbook", "speedup", "incr", "full/incr");
	for (i = 0; i < nsizes; i++) {
		n = sizes[i];
		w = malloc(n * n * sizeof(*w));
		d = malloc(n * n * sizeof(*d));
		nh = malloc(n * n * sizeof(*nh));
		if (w == NULL || d == NULL || nh == NULL)
			err(1, NULL);
		reps = n <= 256 ? 20 : n <= 1024 ? 5 : 2;

		make_graph(w, n, 1);
		load(f, w, n);
		to = time_solve(f, reps);

		make_graph(w, n, 0);
		load(f, w, n);
		t1 = time_solve(f, reps);

		partial = n > TB_FULL_MAX;
		kmax = partial ? TB_PART_K : n;
		tb = textbook(d, nh, w, n, kmax) * ((double)n / kmax);
		bad = 0;
		for (j = 0; !partial && j < n * n; j++)
			if ((d[j] >= TB_INF ? FW_NOEDGE : d[j]) !=
			    fw_dist(f, j / n, j % n))
				bad++;
		if (bad)
			errx(1, "n=%zu: %d distances differ from the textbook",
			    n, bad);

		tinc = time_lower(f, n, n <= 1024 ? 200 : 20, &fb);
		printf("%6zu %10.3f %10.3f %11.1f%s %7.1fx %10.3f %8.0fx\n",
		    n, t1 * 1e3, to * 1e3, tb * 1e3, partial ? "*" : " ",
		    tb / t1, tinc * 1e3, tinc > 0 ? t1 / tinc : 0);
		if (fb)
			printf("       (%d of the drops needed a full "
			    "computation)\n", fb);
		printf("       %.1f G pairs relaxed per second\n",
		    (double)n * n * n / t1 / 1e9);
		free(w);
		free(d);
		free(nh);
	}
	printf("speedup: textbook / full computation, same run, same "
	    "compiler flags;\n  distances checked equal to the textbook's "
	    "wherever it ran to the end.\n");
	printf("* textbook above %d nodes: first %d k iterations timed, "
	    "scaled by n/%d.\n", TB_FULL_MAX, TB_PART_K, TB_PART_K);
	printf("\nwhole engine (route.h), half the links sampled, ms:\n");
	printf("%6s %12s %14s\n", "n", "full", "1 link drops");
	for (i = 0; i < nsizes; i++) {
		if ((n = sizes[i]) > TB_FULL_MAX)
			continue;
		bench_engine(n, &t1, &tinc);
		printf("%6zu %12.3f %14.3f\n", n, t1 * 1e3, tinc * 1e3);
	}
	fw_free(f);
	free(sizes);
	return 0;
}
