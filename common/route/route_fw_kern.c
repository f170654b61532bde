/*
 * Inner loops of the Floyd-Warshall solver: see route_fw_kern.h.
 *
 * The min-plus kernels keep a tile of the output in registers for the
 * whole k loop (8 rows x 16 columns with AVX-512, 4 x 8 with AVX2), so
 * the bulk of the work is one broadcast, one add and one min per 8 or 4
 * pairs, with no store.  AVX2 has no 64-bit min: compare and blend.
 */
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "route_fw_kern.h"

static void
relax_row_scalar(int64_t *c, const int64_t *r, int64_t a, int64_t m,
    size_t len)
{
	size_t	 j;
	int64_t	 s;

	for (j = 0; j < len; j++) {
		s = a + (r[j] & m);
		if (s < c[j])
			c[j] = s;
	}
}

static void
minplus_scalar(int64_t *c, size_t cs, const int64_t *a, size_t as,
    const int64_t *b, size_t bs, size_t bjs, size_t rows, size_t cols,
    size_t kn)
{
	size_t		 i, j, jj, k;
	int64_t		 aik, s, *ci;
	const int64_t	*bk;

	for (i = 0; i < rows; i++) {
		for (jj = 0; jj < cols; jj += 16) {
			ci = c + i * cs + jj;
			for (k = 0; k < kn; k++) {
				aik = a[i * as + k];
				bk = b + (jj / 16) * bjs + k * bs;
				for (j = 0; j < 16; j++) {
					s = aik + bk[j];
					if (s < ci[j])
						ci[j] = s;
				}
			}
		}
	}
}

__attribute__((target("avx2")))
static void
relax_row_avx2(int64_t *c, const int64_t *r, int64_t a, int64_t m,
    size_t len)
{
	__m256i	 va = _mm256_set1_epi64x(a), vm = _mm256_set1_epi64x(m);
	__m256i	 c0, c1, s0, s1;
	size_t	 j;

	for (j = 0; j < len; j += 8) {
		c0 = _mm256_loadu_si256((const __m256i *)(c + j));
		c1 = _mm256_loadu_si256((const __m256i *)(c + j + 4));
		s0 = _mm256_add_epi64(va, _mm256_and_si256(vm,
		    _mm256_loadu_si256((const __m256i *)(r + j))));
		s1 = _mm256_add_epi64(va, _mm256_and_si256(vm,
		    _mm256_loadu_si256((const __m256i *)(r + j + 4))));
		c0 = _mm256_blendv_epi8(c0, s0, _mm256_cmpgt_epi64(c0, s0));
		c1 = _mm256_blendv_epi8(c1, s1, _mm256_cmpgt_epi64(c1, s1));
		_mm256_storeu_si256((__m256i *)(c + j), c0);
		_mm256_storeu_si256((__m256i *)(c + j + 4), c1);
	}
}

#define AVX2_MIN(acc, s)	\
	((acc) = _mm256_blendv_epi8((acc), (s), _mm256_cmpgt_epi64((acc), (s))))

#define AVX2_ROW(r) do {						\
	__m256i x_ = _mm256_set1_epi64x(ak[(r) * as]);			\
	__m256i s0_ = _mm256_add_epi64(x_, b0);				\
	__m256i s1_ = _mm256_add_epi64(x_, b1);				\
	AVX2_MIN(c##r##0, s0_);						\
	AVX2_MIN(c##r##1, s1_);						\
} while (0)

#define AVX2_LD(r) do {							\
	c##r##0 = _mm256_loadu_si256((const __m256i *)(ct + (r) * cs));	\
	c##r##1 = _mm256_loadu_si256((const __m256i *)(ct + (r) * cs + 4)); \
} while (0)

#define AVX2_ST(r) do {							\
	_mm256_storeu_si256((__m256i *)(ct + (r) * cs), c##r##0);	\
	_mm256_storeu_si256((__m256i *)(ct + (r) * cs + 4), c##r##1);	\
} while (0)

__attribute__((target("avx2")))
static void
minplus_avx2(int64_t *c, size_t cs, const int64_t *a, size_t as,
    const int64_t *b, size_t bs, size_t bjs, size_t rows, size_t cols,
    size_t kn)
{
	__m256i		 c00, c01, c10, c11, c20, c21, c30, c31, b0, b1;
	const int64_t	*ak, *bk;
	int64_t		*ct;
	size_t		 i, j, k;

	for (i = 0; i < rows; i += 4) {
		for (j = 0; j < cols; j += 8) {
			ct = c + i * cs + j;
			AVX2_LD(0); AVX2_LD(1); AVX2_LD(2); AVX2_LD(3);
			for (k = 0; k < kn; k++) {
				bk = b + (j / 16) * bjs + k * bs + j % 16;
				ak = a + i * as + k;
				b0 = _mm256_loadu_si256((const __m256i *)bk);
				b1 = _mm256_loadu_si256(
				    (const __m256i *)(bk + 4));
				AVX2_ROW(0); AVX2_ROW(1);
				AVX2_ROW(2); AVX2_ROW(3);
			}
			AVX2_ST(0); AVX2_ST(1); AVX2_ST(2); AVX2_ST(3);
		}
	}
}

__attribute__((target("avx512f")))
static void
relax_row_avx512(int64_t *c, const int64_t *r, int64_t a, int64_t m,
    size_t len)
{
	__m512i	 va = _mm512_set1_epi64(a), vm = _mm512_set1_epi64(m);
	__m512i	 c0, c1, s0, s1;
	size_t	 j;

	for (j = 0; j < len; j += 16) {
		c0 = _mm512_loadu_si512(c + j);
		c1 = _mm512_loadu_si512(c + j + 8);
		s0 = _mm512_add_epi64(va,
		    _mm512_and_si512(vm, _mm512_loadu_si512(r + j)));
		s1 = _mm512_add_epi64(va,
		    _mm512_and_si512(vm, _mm512_loadu_si512(r + j + 8)));
		_mm512_storeu_si512(c + j, _mm512_min_epi64(c0, s0));
		_mm512_storeu_si512(c + j + 8, _mm512_min_epi64(c1, s1));
	}
}

#define AVX512_ROW(r) do {						\
	__m512i x_ = _mm512_set1_epi64(ak[(r) * as]);			\
	c##r##0 = _mm512_min_epi64(c##r##0, _mm512_add_epi64(x_, b0));	\
	c##r##1 = _mm512_min_epi64(c##r##1, _mm512_add_epi64(x_, b1));	\
} while (0)

#define AVX512_LD(r) do {						\
	c##r##0 = _mm512_loadu_si512(ct + (r) * cs);			\
	c##r##1 = _mm512_loadu_si512(ct + (r) * cs + 8);		\
} while (0)

#define AVX512_ST(r) do {						\
	_mm512_storeu_si512(ct + (r) * cs, c##r##0);			\
	_mm512_storeu_si512(ct + (r) * cs + 8, c##r##1);		\
} while (0)

__attribute__((target("avx512f")))
static void
minplus_avx512(int64_t *c, size_t cs, const int64_t *a, size_t as,
    const int64_t *b, size_t bs, size_t bjs, size_t rows, size_t cols,
    size_t kn)
{
	__m512i		 c00, c01, c10, c11, c20, c21, c30, c31;
	__m512i		 c40, c41, c50, c51, c60, c61, c70, c71, b0, b1;
	const int64_t	*ak, *bk;
	int64_t		*ct;
	size_t		 i, j, k;

	for (i = 0; i < rows; i += 8) {
		for (j = 0; j < cols; j += 16) {
			ct = c + i * cs + j;
			AVX512_LD(0); AVX512_LD(1); AVX512_LD(2); AVX512_LD(3);
			AVX512_LD(4); AVX512_LD(5); AVX512_LD(6); AVX512_LD(7);
			for (k = 0; k < kn; k++) {
				bk = b + (j / 16) * bjs + k * bs;
				ak = a + i * as + k;
				b0 = _mm512_loadu_si512(bk);
				b1 = _mm512_loadu_si512(bk + 8);
				AVX512_ROW(0); AVX512_ROW(1);
				AVX512_ROW(2); AVX512_ROW(3);
				AVX512_ROW(4); AVX512_ROW(5);
				AVX512_ROW(6); AVX512_ROW(7);
			}
			AVX512_ST(0); AVX512_ST(1); AVX512_ST(2); AVX512_ST(3);
			AVX512_ST(4); AVX512_ST(5); AVX512_ST(6); AVX512_ST(7);
		}
	}
}

static const struct fw_kern fw_kerns[] = {
	[FW_ISA_SCALAR] = { "scalar", relax_row_scalar, minplus_scalar },
	[FW_ISA_AVX2] = { "avx2", relax_row_avx2, minplus_avx2 },
	[FW_ISA_AVX512] = { "avx512", relax_row_avx512, minplus_avx512 },
};

const struct fw_kern *
fw_kern_get(enum fw_isa isa)
{
	__builtin_cpu_init();
	switch (isa) {
	case FW_ISA_SCALAR:
		return &fw_kerns[isa];
	case FW_ISA_AVX2:
		return __builtin_cpu_supports("avx2") ? &fw_kerns[isa] : NULL;
	case FW_ISA_AVX512:
		return __builtin_cpu_supports("avx512f") ?
		    &fw_kerns[isa] : NULL;
	}
	return NULL;
}

enum fw_isa
fw_kern_best(void)
{
	if (fw_kern_get(FW_ISA_AVX512) != NULL)
		return FW_ISA_AVX512;
	if (fw_kern_get(FW_ISA_AVX2) != NULL)
		return FW_ISA_AVX2;
	return FW_ISA_SCALAR;
}
