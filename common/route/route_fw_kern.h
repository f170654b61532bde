/*
 * Inner loops of the Floyd-Warshall solver (route_fw.c), in a scalar,
 * an AVX2 and an AVX-512 version, chosen at run time.
 *
 * Every length and column count is a multiple of 16 and every row
 * starts 64-byte aligned; the solver pads its matrices to make it so.
 * Callers keep every operand below 2^62, so sums never overflow.
 */
#ifndef EG_ROUTE_FW_KERN_H
#define EG_ROUTE_FW_KERN_H

#include <stddef.h>
#include <stdint.h>

struct fw_kern {
	const char	*name;
	/* c[j] = min(c[j], a + (r[j] & m)) for j < len */
	void		(*relax_row)(int64_t *c, const int64_t *r, int64_t a,
			    int64_t m, size_t len);
	/*
	 * Min-plus product: c[i][j] = min(c[i][j], min_k a[i][k] + b[k][j])
	 * for i < rows (multiple of 8), j < cols, k < kn.  Strides are in
	 * elements; b[k][j] is at b[(j / 16) * bjs + k * bs + j % 16], so b
	 * may be row-major (bjs = 16) or packed in 16-column chunks (bs =
	 * 16), which keeps a tile's rows of b apart in the cache.
	 */
	void		(*minplus)(int64_t *c, size_t cs, const int64_t *a,
			    size_t as, const int64_t *b, size_t bs,
			    size_t bjs, size_t rows, size_t cols, size_t kn);
};

enum fw_isa {
	FW_ISA_SCALAR,
	FW_ISA_AVX2,
	FW_ISA_AVX512
};

/* The kernels for an ISA, or NULL if this CPU lacks it. */
const struct fw_kern	*fw_kern_get(enum fw_isa);
/* The fastest this CPU runs. */
enum fw_isa		 fw_kern_best(void);

#endif /* EG_ROUTE_FW_KERN_H */
