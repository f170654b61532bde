/*
 * Diagnostics of a config load: errors and warnings with file, line,
 * column and key path, collected in file order into struct conf_diags.
 *
 *   error:   "file:line:col: Key.Path: what is wrong"
 *   warning: "file:line:col: warning: what"
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

static void
cp_add(struct cparse *cp, int is_error, int line, int col, char *msg)
{
	struct conf_diags	*d = cp->diags;
	struct conf_diag	*di;

	if (is_error)
		cp->nerrors++;
	if (d == NULL) {
		free(msg);
		return;
	}
	if (is_error)
		d->nerrors++;
	if (d->count >= CONF_MAX_DIAGS) {
		cp->ndropped++;
		free(msg);
		return;
	}
	d->items = conf_reallocarray(d->items, d->count + 1, sizeof(*di));
	di = &d->items[d->count++];
	di->is_error = is_error;
	di->msg = msg;
	di->line = line;
	di->col = col;
}

static void
cp_vadd(struct cparse *cp, int is_error, int line, int col,
    const char *path, const char *fmt, va_list ap)
{
	char	 what[512];
	char	*msg;
	int	 n;

	vsnprintf(what, sizeof(what), fmt, ap);
	if (line > 0)
		n = asprintf(&msg, "%s:%d:%d: %s%s%s%s", cp->file, line, col,
		    is_error ? "" : "warning: ", path ? path : "",
		    path && *path ? ": " : "", what);
	else
		n = asprintf(&msg, "%s: %s%s%s%s", cp->file,
		    is_error ? "" : "warning: ", path ? path : "",
		    path && *path ? ": " : "", what);
	if (n == -1)
		fatal("asprintf");
	cp_add(cp, is_error, line, col, msg);
}

/* An error about the node n (NULL: the top of the file). */
void
cp_error(struct cparse *cp, const struct ynode *n, const char *path,
    const char *fmt, ...)
{
	va_list	ap;
	int	line = 1, col = 1;

	if (n != NULL) {
		line = n->line;
		col = n->col;
	}
	va_start(ap, fmt);
	cp_vadd(cp, 1, line, col, path, fmt, ap);
	va_end(ap);
}

void
cp_error_at(struct cparse *cp, int line, int col, const char *path,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cp_vadd(cp, 1, line, col, path, fmt, ap);
	va_end(ap);
}

void
cp_warn(struct cparse *cp, const struct ynode *n, const char *fmt, ...)
{
	va_list	ap;
	int	line = 1, col = 1;

	if (n != NULL) {
		line = n->line;
		col = n->col;
	}
	va_start(ap, fmt);
	cp_vadd(cp, 0, line, col, NULL, fmt, ap);
	va_end(ap);
}

void
cp_start(struct cparse *cp, const char *file, struct conf_diags *diags,
    int flags)
{
	memset(cp, 0, sizeof(*cp));
	cp->file = file;
	cp->diags = diags;
	cp->flags = flags;
	cp->first = diags ? diags->count : 0;
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct conf_diag	*x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

/*
 * Closes a parse: puts its diagnostics in file order (the checks across
 * keys come after the walk) and says how many did not fit.
 */
void
cp_finish(struct cparse *cp)
{
	struct conf_diags	*d = cp->diags;
	struct conf_diag	*tmp;
	char			*msg;
	size_t			 n, i, j, w, step, lo, mid, hi;

	if (d == NULL)
		return;
	/* Stable merge sort by (line, col) of items[first..count). */
	n = d->count - cp->first;
	tmp = conf_reallocarray(NULL, n ? n : 1, sizeof(*tmp));
	for (step = 1; step < n; step *= 2) {
		for (lo = 0; lo < n; lo += 2 * step) {
			mid = lo + step < n ? lo + step : n;
			hi = lo + 2 * step < n ? lo + 2 * step : n;
			i = lo;
			j = mid;
			w = lo;
			while (i < mid || j < hi) {
				if (j >= hi || (i < mid && diag_cmp(
				    &d->items[cp->first + i],
				    &d->items[cp->first + j]) <= 0))
					tmp[w++] = d->items[cp->first + i++];
				else
					tmp[w++] = d->items[cp->first + j++];
			}
		}
		memcpy(&d->items[cp->first], tmp, n * sizeof(*tmp));
	}
	free(tmp);
	if (cp->ndropped == 0)
		return;
	if (asprintf(&msg, "%s: %zu more diagnostics not shown", cp->file,
	    cp->ndropped) == -1)
		fatal("asprintf");
	d->items = conf_reallocarray(d->items, d->count + 1,
	    sizeof(*d->items));
	d->items[d->count].is_error = 0;
	d->items[d->count].msg = msg;
	d->items[d->count].line = 0;
	d->items[d->count].col = 0;
	d->count++;
	cp->ndropped = 0;
}

/*
 * A value as shown in a message: in double quotes, cut at 40 bytes,
 * with anything not printable ASCII shown as '?'.
 */
void
cp_quote(char *buf, size_t size, const char *s)
{
	size_t	i, o = 0;

	if (size < 8)
		return;
	buf[o++] = '"';
	for (i = 0; s[i] != '\0' && o < size - 5; i++) {
		if (i == 40) {
			buf[o++] = '.';
			buf[o++] = '.';
			buf[o++] = '.';
			break;
		}
		buf[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

void
conf_diags_print(FILE *fp, const struct conf_diags *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->count; i++)
		fprintf(fp, "%s\n", d->items[i].msg);
}

void
conf_diags_free(struct conf_diags *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->count; i++)
		free(d->items[i].msg);
	free(d->items);
	memset(d, 0, sizeof(*d));
}
