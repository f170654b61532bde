/*
 * Exact all-pairs shortest paths for the route engine: a cache-blocked,
 * vectorised Floyd-Warshall on a dense index 0..n-1, with next hops.
 *
 * Weights are int64 microseconds, FW_NOEDGE meaning "no link"; they may
 * be negative.  Paths are compared by the key (distance, hop count, first
 * hop index), lowest first: among the shortest paths the fewest hops win,
 * then the lowest first hop.  The hop count makes the table loop-free
 * even when the graph has zero-weight cycles (a plain "lowest next hop
 * among shortest paths" rule loops there: A->B and B->A both 0).
 *
 * The three parts of the key are packed into one int64 so that one
 * SIMD add and one SIMD min relax 8 pairs at a time:
 *   key = (distance' << 2b) | (hops << b) | first hop,  2^b > n
 * where distance' is the distance after Johnson reweighting (Bellman-Ford
 * potentials make every weight >= 0, which keeps "no path" absorbing).
 * A negative cycle is reported and resolved by clamping every negative
 * weight to 0.  If the distances could overflow their share of the key,
 * weights are rounded to units of 2^shift microseconds (reported).
 */
#ifndef EG_ROUTE_FW_H
#define EG_ROUTE_FW_H

#include <stddef.h>
#include <stdint.h>

#define FW_NOEDGE	INT64_MAX
#define FW_NONE		UINT32_MAX		/* no next hop */
#define FW_W_MAX	((int64_t)1 << 44)	/* |weight| limit, us */
#define FW_N_MAX	65535			/* nodes */

/* fw_solve() and fw_lower() status bits */
#define FW_NEGCYCLE	0x01	/* negative cycle: negatives clamped to 0 */
#define FW_COARSE	0x02	/* weights rounded to 2^shift us */

struct fw;

struct fw	*fw_new(void);
void		 fw_free(struct fw *);
/* Force a kernel: 0 scalar, 1 AVX2, 2 AVX-512, -1 best available. */
int		 fw_set_isa(struct fw *, int);
const char	*fw_isa_name(const struct fw *);

/*
 * The n x n weight matrix (row = from, column = to, row stride
 * fw_stride()), for the caller to fill before fw_solve().  Keeps the
 * previous contents when n is unchanged, else every entry is FW_NOEDGE.
 * The diagonal is ignored.  NULL (errno set) if n is too large.
 */
int64_t		*fw_weights(struct fw *, size_t n);
size_t		 fw_stride(const struct fw *);
size_t		 fw_size(const struct fw *);

/*
 * Full computation from the weight matrix.  Returns the status bits
 * (FW_NEGCYCLE, FW_COARSE) or -1 with errno: ERANGE if a weight is
 * outside +-FW_W_MAX, ENOMEM.
 */
int		 fw_solve(struct fw *);

/*
 * Incremental update after the caller lowered weights[a][b] (or gave a
 * link where there was none), O(n^2).  Returns 0 when done; the result
 * then equals a full fw_solve().  Returns 1 when only a full fw_solve()
 * can do it (the new weight breaks the potentials, the last solve
 * clamped a negative cycle, or the key range would overflow).
 */
int		 fw_lower(struct fw *, size_t a, size_t b);

/* Results of the last fw_solve()/fw_lower(). */
int		 fw_status(const struct fw *);
int		 fw_shift(const struct fw *);
uint32_t	 fw_nexthop(const struct fw *, size_t i, size_t j);
/* Row i at once: out[j] = ids[next hop], or none (also for j == i). */
void		 fw_nexthop_row(const struct fw *, size_t i,
		    const uint16_t *ids, uint16_t none, uint16_t *out);
int		 fw_reachable(const struct fw *, size_t i, size_t j);
uint32_t	 fw_hops(const struct fw *, size_t i, size_t j);
/* Distance in us (in units of 2^shift us when FW_COARSE), or FW_NOEDGE. */
int64_t		 fw_dist(const struct fw *, size_t i, size_t j);
/* The weight the computation used (after clamping), or FW_NOEDGE. */
int64_t		 fw_used_weight(const struct fw *, size_t i, size_t j);

#endif /* EG_ROUTE_FW_H */
