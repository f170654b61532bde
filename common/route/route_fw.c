/*
 * Exact all-pairs shortest paths with next hops: see route_fw.h.
 *
 * Why the key works: a path's key is the sum of its edges' keys
 * (w' << 2b) | (1 << b), plus the index of its first hop in the low b
 * bits.  Relaxing (i,k) + (k,j) adds the key of i->k (which carries i's
 * first hop) to the key of k->j with its first-hop bits masked off, so
 * the minimum over candidates is the lexicographic minimum of
 * (distance, hops, first hop).  The diagonal holds distance 0, no hops
 * and first hop 2^b - 1, which loses every tie, so i->i->j never
 * displaces i->j.  All reweighted distances are >= 0, so "no path"
 * (KEY_INF) plus anything stays >= KEY_INF; the bound check keeps every
 * finite key below KEY_INF and every sum of two keys below 2^63.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "route_fw.h"
#include "route_fw_kern.h"

#define FW_BS		64			/* block edge */
#define FW_PAD		16			/* row padding */
#define FW_ALIGN	64
#define KEY_INF		(((int64_t)1 << 62) - 1)
#define BF_NONE		((int64_t)1 << 62)	/* no edge, for Bellman-Ford */
#define FW_BLOCKED_MIN	(2 * FW_BS)

struct fw {
	size_t			 n;		/* nodes */
	size_t			 np;		/* row stride, n padded */
	int			 bits;		/* 2^bits > n */
	int64_t			 lowmask;	/* 2^bits - 1 */
	int			 shift;		/* unit = 2^shift us */
	int			 status;	/* FW_NEGCYCLE, FW_COARSE */
	int			 valid;		/* results present */
	enum fw_isa		 isa;
	const struct fw_kern	*kern;
	int64_t			*w;		/* caller's weights, us */
	int64_t			*key;		/* packed results */
	int64_t			*pot;		/* potentials, in units */
	int64_t			*lastp;		/* Bellman-Ford bookkeeping */
	int64_t			*maxin;		/* max |weight| into a node */
	int64_t			 sbound;	/* sum of maxin */
	int64_t			*mpanel;	/* masked row panel, packed */
	int64_t			*mdiag;		/* masked diagonal block */
	int64_t			*tmp;		/* np */
};

static void *
fw_alloc(size_t nmemb, size_t size)
{
	size_t	 len;

	if (nmemb != 0 && size > SIZE_MAX / nmemb)
		return NULL;
	len = nmemb * size;
	len = (len + FW_ALIGN - 1) & ~(size_t)(FW_ALIGN - 1);
	return aligned_alloc(FW_ALIGN, len == 0 ? FW_ALIGN : len);
}

struct fw *
fw_new(void)
{
	struct fw	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->isa = fw_kern_best();
	f->kern = fw_kern_get(f->isa);
	return f;
}

static void
fw_free_arrays(struct fw *f)
{
	free(f->w);
	free(f->key);
	free(f->pot);
	free(f->lastp);
	free(f->maxin);
	free(f->mpanel);
	free(f->mdiag);
	free(f->tmp);
	f->w = f->key = f->pot = f->lastp = f->maxin = NULL;
	f->mpanel = f->mdiag = f->tmp = NULL;
	f->n = f->np = 0;
	f->valid = 0;
}

void
fw_free(struct fw *f)
{
	if (f == NULL)
		return;
	fw_free_arrays(f);
	free(f);
}

int
fw_set_isa(struct fw *f, int isa)
{
	const struct fw_kern	*k;

	if (isa < 0)
		isa = fw_kern_best();
	if (isa > FW_ISA_AVX512 || (k = fw_kern_get(isa)) == NULL) {
		errno = ENOTSUP;
		return -1;
	}
	f->isa = isa;
	f->kern = k;
	return 0;
}

const char *
fw_isa_name(const struct fw *f)
{
	return f->kern->name;
}

int64_t *
fw_weights(struct fw *f, size_t n)
{
	size_t	 np, i;
	int	 bits;

	if (n == f->n && f->w != NULL)
		return f->w;
	if (n == 0 || n > FW_N_MAX) {
		errno = EINVAL;
		return NULL;
	}
	fw_free_arrays(f);
	np = (n + FW_PAD - 1) / FW_PAD * FW_PAD;
	f->w = fw_alloc(np * np, sizeof(int64_t));
	f->key = fw_alloc(np * np, sizeof(int64_t));
	f->pot = fw_alloc(np, sizeof(int64_t));
	f->lastp = fw_alloc(np, sizeof(int64_t));
	f->maxin = fw_alloc(np, sizeof(int64_t));
	f->mpanel = fw_alloc((size_t)FW_BS * np, sizeof(int64_t));
	f->mdiag = fw_alloc((size_t)FW_BS * FW_BS, sizeof(int64_t));
	f->tmp = fw_alloc(np, sizeof(int64_t));
	if (f->w == NULL || f->key == NULL || f->pot == NULL ||
	    f->lastp == NULL || f->maxin == NULL || f->mpanel == NULL ||
	    f->mdiag == NULL || f->tmp == NULL) {
		fw_free_arrays(f);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < np * np; i++)
		f->w[i] = FW_NOEDGE;
	for (bits = 1; ((size_t)1 << bits) <= n; bits++)
		;
	f->n = n;
	f->np = np;
	f->bits = bits;
	f->lowmask = ((int64_t)1 << bits) - 1;
	return f->w;
}

size_t
fw_stride(const struct fw *f)
{
	return f->np;
}

size_t
fw_size(const struct fw *f)
{
	return f->n;
}

/* Largest reweighted distance that still packs below KEY_INF. */
static int64_t
fw_limit(const struct fw *f)
{
	return (int64_t)1 << (62 - 2 * f->bits);
}

/* w rounded to units of 2^shift us. */
static int64_t
fw_quant(int64_t w, int shift)
{
	if (shift == 0)
		return w;
	return (w + ((int64_t)1 << (shift - 1))) >> shift;
}

/*
 * Bound the distances, pick the unit and fill key[] with the weights in
 * units (BF_NONE where there is no edge).  A simple path enters every
 * node at most once, so a distance is at most S, the sum over nodes of
 * the largest |weight| into it; reweighting can at most double it.
 * Returns whether any weight is negative, or -1 (ERANGE).
 */
static int
fw_load(struct fw *f)
{
	size_t	 n = f->n, np = f->np, i, j;
	int64_t	 w, aw, s, q, lim = fw_limit(f), *wr, *kr, *maxin = f->maxin;
	uint64_t keep, sg, uaw, bad = 0, neg = 0;
	int	 shift;

	/*
	 * Masks, not branches: whether a link exists is a coin toss to the
	 * branch predictor, and mispredictions cost more than the work.
	 */
	for (j = 0; j < np; j++)
		maxin[j] = 0;
	for (i = 0; i < n; i++) {
		wr = f->w + i * np;
		for (j = 0; j < n; j++) {
			w = wr[j];
			keep = -(uint64_t)((w != FW_NOEDGE) & (i != j));
			sg = (uint64_t)(w >> 63);
			uaw = (((uint64_t)w ^ sg) - sg) & keep;
			bad |= uaw > (uint64_t)FW_W_MAX;
			neg |= sg & keep;
			aw = (int64_t)uaw;	/* unused if bad */
			maxin[j] = aw > maxin[j] ? aw : maxin[j];
		}
	}
	if (bad) {
		errno = ERANGE;
		return -1;
	}
	for (s = 0, j = 0; j < n; j++)
		s += f->maxin[j];
	shift = 0;
	if ((neg ? 2 * s : s) >= lim) {
		/* |rounded w| <= (|w| >> shift) + 1 */
		for (shift = 1; shift < 62; shift++)
			if (2 * ((s >> shift) + (int64_t)n) < lim)
				break;
	}
	f->shift = shift;
	for (i = 0; i < np; i++) {
		wr = f->w + i * np;
		kr = f->key + i * np;
		for (j = 0; j < n && i < n; j++) {
			w = wr[j];
			keep = -(uint64_t)((w != FW_NOEDGE) & (i != j));
			kr[j] = (int64_t)(((uint64_t)w & keep) |
			    ((uint64_t)BF_NONE & ~keep));
		}
		for (; j < np; j++)
			kr[j] = BF_NONE;
	}
	if (shift > 0) {
		for (j = 0; j < np; j++)
			f->maxin[j] = 0;
		for (i = 0; i < n; i++) {
			kr = f->key + i * np;
			for (j = 0; j < n; j++) {
				if (kr[j] == BF_NONE)
					continue;
				q = fw_quant(kr[j], shift);
				kr[j] = q;
				aw = q < 0 ? -q : q;
				if (aw > f->maxin[j])
					f->maxin[j] = aw;
			}
		}
	}
	for (f->sbound = 0, j = 0; j < n; j++)
		f->sbound += f->maxin[j];
	return neg != 0;
}

/*
 * Bellman-Ford from a virtual source joined to every node by 0, on the
 * weights in key[]: pot[v] <= 0 with w(u,v) + pot[u] - pot[v] >= 0.
 * A row is relaxed again only when its potential dropped since, and a
 * pass that relaxes nothing ends it; more than n passes that relax
 * something mean a negative cycle.  Returns 0, or -1 on a negative cycle.
 */
static int
fw_potentials(struct fw *f)
{
	size_t	 n = f->n, np = f->np, u, pass;
	int	 any;

	for (u = 0; u < np; u++) {
		f->pot[u] = 0;
		f->lastp[u] = BF_NONE;
	}
	for (pass = 0;; pass++) {
		any = 0;
		for (u = 0; u < n; u++) {
			if (f->pot[u] == f->lastp[u])
				continue;
			f->lastp[u] = f->pot[u];
			f->kern->relax_row(f->pot, f->key + u * np, f->pot[u],
			    -1, np);
			any = 1;
		}
		if (!any)
			return 0;
		if (pass >= n)
			return -1;
	}
}

/* Turn the weights in key[] into packed keys, after reweighting. */
static void
fw_pack(struct fw *f)
{
	size_t	 np = f->np, i, j;
	int64_t	 q, *row, *pot = f->pot, pi;
	uint64_t one = (uint64_t)1 << f->bits, none, v;
	int	 sh = 2 * f->bits;

	/* Masks, not branches, as in fw_load(). */
	for (i = 0; i < np; i++) {
		row = f->key + i * np;
		pi = pot[i];
		for (j = 0; j < np; j++) {
			q = row[j];
			none = -(uint64_t)(q == BF_NONE);
			v = ((uint64_t)(q + pi - pot[j]) << sh) | one | j;
			row[j] = (int64_t)((v & ~none) |
			    ((uint64_t)KEY_INF & none));
		}
		row[i] = f->lowmask;
	}
}

/* Textbook order for small matrices: everything stays in cache. */
static void
fw_run_simple(struct fw *f)
{
	size_t	 n = f->n, np = f->np, i, j, k;
	int64_t	 a, himask = ~f->lowmask;

	for (k = 0; k < n; k++) {
		for (j = 0; j < np; j++)
			f->tmp[j] = f->key[k * np + j] & himask;
		for (i = 0; i < n; i++) {
			a = f->key[i * np + k];
			if (a == KEY_INF || i == k)
				continue;
			f->kern->relax_row(f->key + i * np, f->tmp, a, -1, np);
		}
	}
}

static size_t
fw_blen(const struct fw *f, size_t b)
{
	size_t	 len = f->np - b * FW_BS;

	return len < FW_BS ? len : FW_BS;
}

/* Phase 1: the diagonal block kb, then its masked copy. */
static void
fw_phase1(struct fw *f, size_t kb)
{
	size_t	 np = f->np, k0 = kb * FW_BS, kl = fw_blen(f, kb), i, j, k;
	int64_t	*d = f->key + k0 * np + k0, a, himask = ~f->lowmask;

	for (k = 0; k < kl; k++) {
		for (i = 0; i < kl; i++) {
			a = d[i * np + k];
			if (a == KEY_INF || i == k)
				continue;
			f->kern->relax_row(d + i * np, d + k * np, a, himask,
			    kl);
		}
	}
	for (k = 0; k < kl; k++)
		for (j = 0; j < kl; j++)
			f->mdiag[k * FW_BS + j] = d[k * np + j] & himask;
}

/*
 * Phase 2 as min-plus products with the closed diagonal block D*, which
 * after phase 1 holds the shortest paths inside block kb: the row panel
 * becomes D* x R and the column panel C x D*.  (A path leaving block kb
 * for j does so from the last block-kb node it visits, and one entering
 * it does so at the first.)  The row panel's old values are the right
 * operand, so they go through the masked copy first; the column panel
 * reads its own row as the left operand, which is safe: a value already
 * lowered is still a real path, so the minimum is unchanged.
 */
/* Where the packed row panel holds (row 0, column j), j % 16 == 0. */
static int64_t *
fw_mpanel_at(const struct fw *f, size_t j)
{
	return f->mpanel + j / 16 * (FW_BS * 16);
}

/* Masked copy of kl rows x jl columns of c into 16-column chunks. */
static void
fw_pack_panel(int64_t *m, const int64_t *c, size_t np, size_t kl,
    size_t jl, int64_t himask)
{
	size_t	 j, k;

	for (k = 0; k < kl; k++)
		for (j = 0; j < jl; j++)
			m[j / 16 * (FW_BS * 16) + k * 16 + j % 16] =
			    c[k * np + j] & himask;
}

static void
fw_phase2_row(struct fw *f, size_t kb, size_t jb)
{
	size_t	 np = f->np, k0 = kb * FW_BS, kl = fw_blen(f, kb);
	size_t	 j0 = jb * FW_BS, jl = fw_blen(f, jb);
	int64_t	*d = f->key + k0 * np + k0, *c = f->key + k0 * np + j0;
	int64_t	*m = fw_mpanel_at(f, j0), himask = ~f->lowmask;

	fw_pack_panel(m, c, np, kl, jl, himask);
	f->kern->minplus(c, np, d, np, m, 16, FW_BS * 16, kl, jl, kl);
	fw_pack_panel(m, c, np, kl, jl, himask);
}

static void
fw_phase2_col(struct fw *f, size_t kb, size_t ib)
{
	size_t	 np = f->np, k0 = kb * FW_BS, kl = fw_blen(f, kb);
	size_t	 i0 = ib * FW_BS, il = fw_blen(f, ib);
	int64_t	*c = f->key + i0 * np + k0;

	f->kern->minplus(c, np, c, np, f->mdiag, FW_BS, 16, il, kl, kl);
}

/* Phase 3: row strip ib against the masked row panel, both sides. */
static void
fw_phase3(struct fw *f, size_t kb, size_t ib)
{
	size_t	 np = f->np, k0 = kb * FW_BS, kl = fw_blen(f, kb);
	size_t	 i0 = ib * FW_BS, il = fw_blen(f, ib);
	int64_t	*c = f->key + i0 * np, *a = c + k0;

	f->kern->minplus(c, np, a, np, f->mpanel, 16, FW_BS * 16, il, k0, kl);
	f->kern->minplus(c + k0 + kl, np, a, np, fw_mpanel_at(f, k0 + kl), 16,
	    FW_BS * 16, il, np - k0 - kl, kl);
}

/* The three-phase blocked algorithm. */
static void
fw_run_blocked(struct fw *f)
{
	size_t	 nb = (f->np + FW_BS - 1) / FW_BS, kb, b;

	for (kb = 0; kb < nb && kb * FW_BS < f->n; kb++) {
		fw_phase1(f, kb);
		for (b = 0; b < nb; b++) {
			if (b == kb)
				continue;
			fw_phase2_row(f, kb, b);
			fw_phase2_col(f, kb, b);
		}
		for (b = 0; b < nb; b++) {
			if (b == kb || b * FW_BS >= f->n)
				continue;
			fw_phase3(f, kb, b);
		}
	}
}

static void
fw_run(struct fw *f)
{
	if (f->np < FW_BLOCKED_MIN)
		fw_run_simple(f);
	else
		fw_run_blocked(f);
}

int
fw_solve(struct fw *f)
{
	size_t	 np = f->np, i;
	int	 neg;

	if (f->w == NULL) {
		errno = EINVAL;
		return -1;
	}
	f->valid = 0;
	f->status = 0;
	if ((neg = fw_load(f)) == -1)
		return -1;
	if (f->shift > 0)
		f->status |= FW_COARSE;
	for (i = 0; i < np; i++)
		f->pot[i] = 0;
	if (neg && fw_potentials(f) == -1) {
		f->status |= FW_NEGCYCLE;
		for (i = 0; i < np * np; i++)
			if (f->key[i] < 0)
				f->key[i] = 0;
		for (i = 0; i < np; i++)
			f->pot[i] = 0;
	}
	fw_pack(f);
	fw_run(f);
	f->valid = 1;
	return f->status;
}

int
fw_lower(struct fw *f, size_t a, size_t b)
{
	size_t	 n = f->n, np = f->np, i, j;
	int64_t	 w, aw, s, wp, ek, l, c, himask = ~f->lowmask;

	if (!f->valid || a >= n || b >= n)
		return 1;
	if (a == b)
		return 0;
	if (f->status != 0)
		return 1;
	w = f->w[a * np + b];
	if (w == FW_NOEDGE || w > FW_W_MAX || w < -FW_W_MAX)
		return 1;
	aw = w < 0 ? -w : w;
	s = f->sbound;
	if (aw > f->maxin[b])
		s += aw - f->maxin[b];
	if (2 * s >= fw_limit(f))
		return 1;
	wp = w + f->pot[a] - f->pot[b];
	if (wp < 0)
		return 1;
	if (aw > f->maxin[b]) {
		f->maxin[b] = aw;
		f->sbound = s;
	}
	ek = (wp << 2 * f->bits) | ((int64_t)1 << f->bits);
	if ((ek | (int64_t)b) >= f->key[a * np + b])
		return 0;
	for (j = 0; j < np; j++)
		f->tmp[j] = f->key[b * np + j] & himask;
	for (i = 0; i < n; i++) {
		l = i == a ? (int64_t)b : f->key[i * np + a];
		if (l == KEY_INF)
			continue;
		c = l + ek;
		if (c >= KEY_INF)
			continue;
		f->kern->relax_row(f->key + i * np, f->tmp, c, -1, np);
	}
	return 0;
}

int
fw_status(const struct fw *f)
{
	return f->status;
}

int
fw_shift(const struct fw *f)
{
	return f->shift;
}

static int64_t
fw_key(const struct fw *f, size_t i, size_t j)
{
	if (!f->valid || i >= f->n || j >= f->n)
		return KEY_INF;
	return f->key[i * f->np + j];
}

uint32_t
fw_nexthop(const struct fw *f, size_t i, size_t j)
{
	int64_t	 k = fw_key(f, i, j);

	if (i == j || k == KEY_INF)
		return FW_NONE;
	return (uint32_t)(k & f->lowmask);
}

void
fw_nexthop_row(const struct fw *f, size_t i, const uint16_t *ids,
    uint16_t none, uint16_t *out)
{
	const int64_t	*row;
	size_t		 j;

	for (j = 0; j < f->n; j++)
		out[j] = none;
	if (!f->valid || i >= f->n)
		return;
	row = f->key + i * f->np;
	for (j = 0; j < f->n; j++)
		if (row[j] != KEY_INF && j != i)
			out[j] = ids[row[j] & f->lowmask];
}

int
fw_reachable(const struct fw *f, size_t i, size_t j)
{
	return fw_key(f, i, j) != KEY_INF;
}

uint32_t
fw_hops(const struct fw *f, size_t i, size_t j)
{
	int64_t	 k = fw_key(f, i, j);

	if (i == j || k == KEY_INF)
		return 0;
	return (uint32_t)((k >> f->bits) & f->lowmask);
}

int64_t
fw_dist(const struct fw *f, size_t i, size_t j)
{
	int64_t	 k = fw_key(f, i, j), d;

	if (k == KEY_INF)
		return FW_NOEDGE;
	if (i == j)
		return 0;
	d = (k >> 2 * f->bits) - f->pot[i] + f->pot[j];
	return d * ((int64_t)1 << f->shift);
}

int64_t
fw_used_weight(const struct fw *f, size_t i, size_t j)
{
	int64_t	 w;

	if (!f->valid || i >= f->n || j >= f->n || i == j)
		return FW_NOEDGE;
	w = f->w[i * f->np + j];
	if (w != FW_NOEDGE && w < 0 && (f->status & FW_NEGCYCLE))
		return 0;
	return w;
}
