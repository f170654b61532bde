/*
 * The next-hop calculator: parse the cost matrix (route_matrix.h) and
 * solve it with the route engine's Floyd-Warshall.
 *
 * The input is untrusted: no NUL termination is assumed, every error
 * names its line, and memory grows with the rows actually present (a
 * header of 65531 columns alone does not allocate a 65531^2 matrix).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "route/route.h"
#include "route/route_fw.h"
#include "route_matrix.h"

#define TOK_MAX		64	/* longest cost token accepted */
#define TOK_SHOW	24	/* longest token shown in an error */

struct mparse {
	const char	*p, *end;
	size_t		 line;		/* of the line being parsed */
	char		*err;
	size_t		 errlen;
	uint16_t	*cols;		/* header order */
	size_t		 ncols;
	uint32_t	*colpos;	/* NodeID -> position + 1, 65536 */
	double		**rows;		/* per column position */
	size_t		*rowline;
	size_t		 nrows;
	struct route_matrix_diag *diag;	/* at most one per row */
	size_t		 ndiag;
};

struct tok {
	const char	*s;
	size_t		 len;
};

static void __attribute__((format(printf, 2, 3)))
perr(struct mparse *mp, const char *fmt, ...)
{
	va_list	 ap;
	int	 off;

	if (mp->errlen == 0)
		return;
	off = snprintf(mp->err, mp->errlen, "line %zu: ", mp->line);
	if (off < 0 || (size_t)off >= mp->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(mp->err + off, mp->errlen - (size_t)off, fmt, ap);
	va_end(ap);
}

/* A token fit to quote in an error: printable ASCII, cut short. */
static const char *
tok_show(const struct tok *t, char buf[TOK_SHOW + 4])
{
	size_t	 i, n = t->len < TOK_SHOW ? t->len : TOK_SHOW;

	for (i = 0; i < n; i++)
		buf[i] = t->s[i] >= 0x20 && t->s[i] < 0x7f ? t->s[i] : '?';
	if (t->len > TOK_SHOW)
		buf[i++] = '.', buf[i++] = '.', buf[i++] = '.';
	buf[i] = '\0';
	return buf;
}

/*
 * The next line with content, split into tokens (at most max; more
 * count in *ntok but are not stored).  Returns 0 at the end of input.
 */
static int
next_line(struct mparse *mp, struct tok *tok, size_t max, size_t *ntok)
{
	const char	*p, *eol;
	size_t		 n;

	while (mp->p < mp->end) {
		mp->line++;
		if ((eol = memchr(mp->p, '\n', mp->end - mp->p)) == NULL)
			eol = mp->end;
		p = mp->p;
		mp->p = eol < mp->end ? eol + 1 : eol;
		for (n = 0; p < eol;) {
			if (*p == ' ' || *p == '\t' || *p == '\r') {
				p++;
				continue;
			}
			if (*p == '#')
				break;
			if (n < max)
				tok[n].s = p;
			while (p < eol && *p != ' ' && *p != '\t' &&
			    *p != '\r' && *p != '#')
				p++;
			if (n < max)
				tok[n].len = (size_t)(p - tok[n].s);
			n++;
		}
		if (n > 0) {
			*ntok = n;
			return 1;
		}
	}
	return 0;
}

/* A NodeID: decimal digits, 0..65531.  -1 with the error set. */
static int
parse_id(struct mparse *mp, const struct tok *t, uint16_t *id)
{
	char		 show[TOK_SHOW + 4];
	unsigned long	 v = 0;
	size_t		 i;

	for (i = 0; i < t->len; i++) {
		if (t->s[i] < '0' || t->s[i] > '9' || v > 65535) {
			perr(mp, "bad NodeID '%s'", tok_show(t, show));
			return -1;
		}
		v = v * 10 + (unsigned long)(t->s[i] - '0');
	}
	if (v > 65535) {
		perr(mp, "bad NodeID '%s'", tok_show(t, show));
		return -1;
	}
	if (v > NODEID_MAX_VALID) {
		perr(mp, "NodeID %lu is reserved", v);
		return -1;
	}
	*id = (uint16_t)v;
	return 0;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A cost: "Inf" or a plain decimal number.  -1 with the error set. */
static int
parse_cost(struct mparse *mp, const struct tok *t, double *ms)
{
	char	 buf[TOK_MAX + 1], show[TOK_SHOW + 4];
	size_t	 i = 0, digits = 0;

	if (t->len == 3 && strncasecmp(t->s, "inf", 3) == 0) {
		*ms = HUGE_VAL;
		return 0;
	}
	if (t->len > TOK_MAX)
		goto bad;
	memcpy(buf, t->s, t->len);
	buf[t->len] = '\0';
	/* [+-] digits [. digits] [e [+-] digits]: no hex, nan or inf */
	if (buf[i] == '+' || buf[i] == '-')
		i++;
	for (; is_digit(buf[i]); i++)
		digits++;
	if (buf[i] == '.')
		for (i++; is_digit(buf[i]); i++)
			digits++;
	if (digits == 0)
		goto bad;
	if (buf[i] == 'e' || buf[i] == 'E') {
		i++;
		if (buf[i] == '+' || buf[i] == '-')
			i++;
		if (!is_digit(buf[i]))
			goto bad;
		while (is_digit(buf[i]))
			i++;
	}
	if (i != t->len)
		goto bad;
	*ms = strtod(buf, NULL);
	if (!(fabs(*ms) <= ROUTE_LAT_MAX_MS)) {
		perr(mp, "cost %s out of range (at most %g ms)",
		    tok_show(t, show), ROUTE_LAT_MAX_MS);
		return -1;
	}
	return 0;
bad:
	perr(mp, "bad cost '%s' (a number or Inf)", tok_show(t, show));
	return -1;
}

static int
parse_header(struct mparse *mp)
{
	struct tok	 t;
	size_t		 ntok, i;
	const char	*p;
	uint16_t	 id;

	if (!next_line(mp, &t, 1, &ntok) || t.len != 1 ||
	    (t.s[0] != 'X' && t.s[0] != 'x')) {
		if (mp->line == 0)
			mp->line = 1;
		perr(mp, "missing header: 'X' and the column NodeIDs");
		return -1;
	}
	if (ntok < 2) {
		perr(mp, "the header lists no NodeID");
		return -1;
	}
	/* tokens again, now that their number is known */
	if ((mp->cols = calloc(ntok - 1, sizeof(*mp->cols))) == NULL ||
	    (mp->rows = calloc(ntok - 1, sizeof(*mp->rows))) == NULL ||
	    (mp->rowline = calloc(ntok - 1, sizeof(*mp->rowline))) == NULL ||
	    (mp->diag = calloc(ntok - 1, sizeof(*mp->diag))) == NULL)
		goto nomem;
	p = t.s + t.len;
	for (i = 0; i < ntok - 1; i++) {
		while (p < mp->end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		t.s = p;
		while (p < mp->end && *p != ' ' && *p != '\t' && *p != '\r' &&
		    *p != '\n' && *p != '#')
			p++;
		t.len = (size_t)(p - t.s);
		if (parse_id(mp, &t, &id) == -1)
			return -1;
		if (mp->colpos[id] != 0) {
			perr(mp, "NodeID %u appears twice", id);
			return -1;
		}
		mp->colpos[id] = (uint32_t)i + 1;
		mp->cols[i] = id;
	}
	mp->ncols = ntok - 1;
	return 0;
nomem:
	perr(mp, "out of memory");
	return -1;
}

static int
parse_row(struct mparse *mp, struct tok *t, size_t ntok)
{
	size_t		 n = mp->ncols, pos, i;
	uint16_t	 id;
	double		*row;

	if (parse_id(mp, &t[0], &id) == -1)
		return -1;
	if (mp->colpos[id] == 0) {
		perr(mp, "row NodeID %u is not in the header", id);
		return -1;
	}
	pos = mp->colpos[id] - 1;
	if (mp->rows[pos] != NULL) {
		perr(mp, "second row for NodeID %u (the first is on line %zu)",
		    id, mp->rowline[pos]);
		return -1;
	}
	if (ntok - 1 != n) {
		perr(mp, "%zu costs for %zu columns", ntok - 1, n);
		return -1;
	}
	if ((row = calloc(n, sizeof(*row))) == NULL) {
		perr(mp, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (parse_cost(mp, &t[i + 1], &row[i]) == -1)
			goto fail;
		if (i == pos && row[i] != 0) {
			mp->diag[mp->ndiag].id = id;
			mp->diag[mp->ndiag].line = mp->line;
			mp->diag[mp->ndiag].ms = row[i];
			mp->ndiag++;
			row[i] = 0;
		}
	}
	mp->rows[pos] = row;
	mp->rowline[pos] = mp->line;
	mp->nrows++;
	return 0;
fail:
	free(row);
	return -1;
}

static int
id_cmp(const void *a, const void *b)
{
	uint16_t	 x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return x < y ? -1 : x > y;
}

/* The rows in ascending NodeID order, into m. */
static int
assemble(struct mparse *mp, struct route_matrix *m)
{
	size_t	 n = mp->ncols, i, j;

	m->ids = calloc(n, sizeof(*m->ids));
	m->ms = reallocarray(NULL, n * n, sizeof(*m->ms));
	if (m->ids == NULL || m->ms == NULL) {
		perr(mp, "out of memory");
		return -1;
	}
	memcpy(m->ids, mp->cols, n * sizeof(*m->ids));
	qsort(m->ids, n, sizeof(*m->ids), id_cmp);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			m->ms[i * n + j] = mp->rows[mp->colpos[m->ids[i]] - 1]
			    [mp->colpos[m->ids[j]] - 1];
	m->n = n;
	return 0;
}

int
route_matrix_parse(const char *buf, size_t len, struct route_matrix *m,
    char *err, size_t errlen)
{
	struct mparse	 mp;
	struct tok	*t = NULL;
	size_t		 ntok, i;
	int		 rc = -1;

	memset(m, 0, sizeof(*m));
	memset(&mp, 0, sizeof(mp));
	mp.p = buf;
	mp.end = buf + len;
	mp.err = err;
	mp.errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	if ((mp.colpos = calloc(65536, sizeof(*mp.colpos))) == NULL) {
		perr(&mp, "out of memory");
		return -1;
	}
	if (parse_header(&mp) == -1)
		goto done;
	if ((t = calloc(mp.ncols + 2, sizeof(*t))) == NULL) {
		perr(&mp, "out of memory");
		goto done;
	}
	while (next_line(&mp, t, mp.ncols + 2, &ntok))
		if (parse_row(&mp, t, ntok) == -1)
			goto done;
	for (i = 0; i < mp.ncols; i++)
		if (mp.rows[i] == NULL) {
			perr(&mp, "end of input: no row for NodeID %u",
			    mp.cols[i]);
			goto done;
		}
	if (assemble(&mp, m) == -1)
		goto done;
	m->diag = mp.diag;
	m->ndiag = mp.ndiag;
	mp.diag = NULL;
	rc = 0;
done:
	if (rc == -1)
		route_matrix_free(m);
	for (i = 0; mp.rows != NULL && i < mp.ncols; i++)
		free(mp.rows[i]);
	free(mp.rows);
	free(mp.rowline);
	free(mp.cols);
	free(mp.colpos);
	free(mp.diag);
	free(t);
	return rc;
}

void
route_matrix_free(struct route_matrix *m)
{
	free(m->ids);
	free(m->ms);
	free(m->diag);
	memset(m, 0, sizeof(*m));
}

/* The matrix solved; NULL with errno on failure. */
static struct fw *
matrix_fw(const struct route_matrix *m, int *status)
{
	struct fw	*f;
	int64_t		*w;
	size_t		 n = m->n, st, i, j;
	double		 v;
	int		 s;

	if (n == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((f = fw_new()) == NULL || (w = fw_weights(f, n)) == NULL) {
		fw_free(f);
		return NULL;
	}
	st = fw_stride(f);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			v = m->ms[i * n + j];
			w[i * st + j] = i == j || !isfinite(v) ? FW_NOEDGE :
			    llround(v * 1000);
		}
	if ((s = fw_solve(f)) == -1) {
		fw_free(f);
		return NULL;
	}
	*status = (s & FW_NEGCYCLE ? ROUTE_NEGCYCLE : 0) |
	    (s & FW_COARSE ? ROUTE_COARSE : 0);
	return f;
}

int
route_matrix_solve(const struct route_matrix *m, struct conf_nhtable *t,
    int *status)
{
	struct fw	*f;
	size_t		 n = m->n, i, j, c = 0;
	uint32_t	 h;

	t->entries = NULL;
	t->count = 0;
	if ((f = matrix_fw(m, status)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			c += fw_nexthop(f, i, j) != FW_NONE;
	if (c > 0 && (t->entries = reallocarray(NULL, c,
	    sizeof(*t->entries))) == NULL) {
		fw_free(f);
		return -1;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			if ((h = fw_nexthop(f, i, j)) == FW_NONE)
				continue;
			t->entries[t->count].src = m->ids[i];
			t->entries[t->count].dst = m->ids[j];
			t->entries[t->count].nexthop = m->ids[h];
			t->count++;
		}
	fw_free(f);
	return 0;
}

int
route_matrix_print_paths(FILE *fp, const struct route_matrix *m)
{
	struct fw	*f;
	size_t		 n = m->n, i, j, cur;
	int64_t		 d;
	int		 status;

	if ((f = matrix_fw(m, &status)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			if (i == j || !fw_reachable(f, i, j))
				continue;
			d = 0;
			for (cur = i; cur != j; cur = fw_nexthop(f, cur, j))
				d += fw_used_weight(f, cur,
				    fw_nexthop(f, cur, j));
			fprintf(fp, "%u -> %u\t%.3f\t%u", m->ids[i], m->ids[j],
			    d / 1000.0, m->ids[i]);
			for (cur = i; cur != j;) {
				cur = fw_nexthop(f, cur, j);
				fprintf(fp, " %u", m->ids[cur]);
			}
			fputc('\n', fp);
		}
	fw_free(f);
	if (fflush(fp) == EOF || ferror(fp)) {
		errno = EIO;
		return -1;
	}
	return 0;
}
