/*
 * Printing a config back as YAML, along the schema tables: every key in
 * EtherGuard's spelling and order, 2-space indentation, sequences as
 * "- " at the indentation of their key (as EtherGuard-Go writes them).
 * The output parses back to an equal config, which prints the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "config_int.h"

#define FIELD(base, off)	((const void *)((const char *)(base) + (off)))

/* Shortest of %.15g and %.17g that reads back as the same double. */
static void
fmt_double(char *buf, size_t size, double d)
{
	snprintf(buf, size, "%.15g", d);
	if (strtod(buf, NULL) != d)
		snprintf(buf, size, "%.17g", d);
}

static int
is_word(const char *s, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcasecmp(s, *words) == 0)
			return 1;
	return 0;
}

static size_t
span_digits(const char *s, const char *set)
{
	return strspn(s, set);
}

/*
 * Whether a YAML 1.1 reader would take s for a number: decimal, 0x, 0o,
 * 0b, octal, floats, base-60 ("1:30"), with '_' anywhere and a sign.
 */
static int
looks_numeric(const char *s)
{
	char	t[64];
	size_t	i, o = 0, n;

	if (*s == '+' || *s == '-')
		s++;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '_')
			continue;
		if (o + 1 >= sizeof(t))
			return 1;	/* long: quoting is always safe */
		t[o++] = s[i];
	}
	t[o] = '\0';
	if (o == 0)
		return 0;
	if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
		return t[2] && t[2 + span_digits(t + 2,
		    "0123456789abcdefABCDEF")] == '\0';
	if (t[0] == '0' && (t[1] == 'o' || t[1] == 'b'))
		return t[2] && t[2 + span_digits(t + 2, "01234567")] == '\0';
	/* base 60: digits(:digits)+ with an optional fraction */
	n = span_digits(t, "0123456789");
	if (n > 0 && t[n] == ':') {
		while (t[n] == ':' && (i = span_digits(t + n + 1,
		    "0123456789")) > 0)
			n += i + 1;
		if (t[n] == '.')
			n += 1 + span_digits(t + n + 1, "0123456789");
		return t[n] == '\0';
	}
	/* [digits][.digits][e[sign]digits], at least one digit */
	n = span_digits(t, "0123456789");
	i = n;
	if (t[i] == '.') {
		i++;
		n += span_digits(t + i, "0123456789");
		i += span_digits(t + i, "0123456789");
	}
	if (n == 0)
		return 0;
	if (t[i] == 'e' || t[i] == 'E') {
		i++;
		if (t[i] == '+' || t[i] == '-')
			i++;
		if (span_digits(t + i, "0123456789") == 0)
			return 0;
		i += span_digits(t + i, "0123456789");
	}
	return t[i] == '\0';
}

/*
 * Whether s can be written as a plain scalar that any YAML reader takes
 * as this very string: printable ASCII, no indicator at the start, no
 * ": " or " #", not a null, boolean, number or date.
 */
static int
plain_ok(const char *s)
{
	static const char *const words[] = {
		"~", "null", "true", "false", "yes", "no", "on", "off", "y",
		"n", ".inf", "-.inf", "+.inf", ".nan", "=", "<<", NULL
	};
	size_t	i, len = strlen(s);

	if (len == 0 || strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]) != NULL ||
	    s[len - 1] == ' ' || s[len - 1] == ':')
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	if (strstr(s, ": ") != NULL || strstr(s, " #") != NULL)
		return 0;
	/* YAML 1.1 timestamps: 2001-12-14... */
	if (strspn(s, "0123456789") == 4 && s[4] == '-' &&
	    s[5] >= '0' && s[5] <= '9')
		return 0;
	return !looks_numeric(s) && !is_word(s, words);
}

/* Next UTF-8 code point of s at *i, or -1 for a malformed byte. */
static long
utf8_next(const unsigned char *s, size_t *i)
{
	unsigned char	c = s[*i];
	long		cp;
	int		n, k;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 1;
		cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2;
		cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3;
		cp = c & 0x07;
	} else
		return -1;
	for (k = 1; k <= n; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (s[*i + k] & 0x3f);
	}
	*i += (size_t)n + 1;
	return cp;
}

/* A double-quoted scalar; escapes what libyaml would not read raw. */
static void
print_quoted(FILE *fp, const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, start;
	long			 cp;

	fputc('"', fp);
	while (u[i] != '\0') {
		start = i;
		cp = utf8_next(u, &i);
		if (cp < 0) {
			/* Not UTF-8: cannot come from YAML; keep the text. */
			fprintf(fp, "\\x%02x", u[i]);
			i++;
			continue;
		}
		switch (cp) {
		case '"':
			fputs("\\\"", fp);
			continue;
		case '\\':
			fputs("\\\\", fp);
			continue;
		case '\n':
			fputs("\\n", fp);
			continue;
		case '\t':
			fputs("\\t", fp);
			continue;
		case '\r':
			fputs("\\r", fp);
			continue;
		case 0x85:
			fputs("\\N", fp);
			continue;
		case 0x2028:
			fputs("\\L", fp);
			continue;
		case 0x2029:
			fputs("\\P", fp);
			continue;
		}
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			fprintf(fp, "\\x%02lx", cp);
		else if (cp == 0xfeff || cp == 0xfffe || cp == 0xffff ||
		    (cp >= 0xd800 && cp < 0xe000))
			fprintf(fp, "\\u%04lx", cp);
		else
			fwrite(u + start, 1, i - start, fp);
	}
	fputc('"', fp);
}

static void
print_str(FILE *fp, const char *s)
{
	if (s == NULL)
		s = "";
	if (plain_ok(s))
		fputs(s, fp);
	else
		print_quoted(fp, s);
}

static void
print_key_value(FILE *fp, const struct conf_key *k, int redact)
{
	char	b64[45];

	if (!k->set || redact) {
		fputs("\"\"", fp);
		return;
	}
	conf_key_to_base64(k->key, b64);
	fputs(b64, fp);
	sodium_memzero(b64, sizeof(b64));
}

static const char *
enum_name(const struct cenum *e, int v)
{
	for (; e->name != NULL; e++)
		if (e->value == v)
			return e->name;
	return "?";
}

static void	print_block(FILE *, const struct ckey *, const void *, int,
		    int, int);

static void
print_pairs_nh(FILE *fp, const struct conf_nhtable *t, int indent)
{
	size_t	i;

	for (i = 0; i < t->count; i++) {
		if (i == 0 || t->entries[i].src != t->entries[i - 1].src)
			fprintf(fp, "%*s%u:\n", indent, "",
			    t->entries[i].src);
		fprintf(fp, "%*s%u: %u\n", indent + 2, "", t->entries[i].dst,
		    t->entries[i].nexthop);
	}
}

static void
print_pairs_lat(FILE *fp, const struct conf_latency *l, size_t n,
    int indent)
{
	char	num[64];
	size_t	i;

	for (i = 0; i < n; i++) {
		if (i == 0 || l[i].src != l[i - 1].src)
			fprintf(fp, "%*s%u:\n", indent, "", l[i].src);
		fmt_double(num, sizeof(num), l[i].ms);
		fprintf(fp, "%*s%u: %s\n", indent + 2, "", l[i].dst, num);
	}
}

static void
print_value(FILE *fp, const struct ckey *k, const void *base, int indent,
    int flags)
{
	const void		*field = FIELD(base, k->off);
	const struct conf_strlist *sl;
	const struct conf_nhtable *nt;
	const char		*arr;
	char			 num[64];
	size_t			 i, n;
	int			 redact;

	if (k->flags & CF_PRIVATE)
		redact = !(flags & CONF_PRINT_SECRETS);
	else
		redact = (k->flags & CF_SECRET) &&
		    !(flags & (CONF_PRINT_SECRETS | CONF_PRINT_SHARED));
	switch (k->kind) {
	case CK_STR:
		fputc(' ', fp);
		print_str(fp, redact ? "" : *(char *const *)field);
		fputc('\n', fp);
		break;
	case CK_INT:
		fprintf(fp, " %d\n", *(const int *)field);
		break;
	case CK_U32:
		fprintf(fp, " %u\n", *(const uint32_t *)field);
		break;
	case CK_NODEID:
		fprintf(fp, " %u\n", *(const uint16_t *)field);
		break;
	case CK_FLOAT:
		fmt_double(num, sizeof(num), *(const double *)field);
		fprintf(fp, " %s\n", num);
		break;
	case CK_BOOL:
		fprintf(fp, " %s\n", *(const int *)field ? "true" : "false");
		break;
	case CK_KEY:
		fputc(' ', fp);
		print_key_value(fp, field, redact);
		fputc('\n', fp);
		break;
	case CK_ENUM:
		fprintf(fp, " %s\n", enum_name(k->enames, *(const int *)field));
		break;
	case CK_BLOCK:
		fputc('\n', fp);
		print_block(fp, k->sub, field, indent + 2, flags, 0);
		break;
	case CK_LIST:
		arr = *(const char *const *)field;
		n = *(const size_t *)FIELD(base, k->cnt_off);
		if (n == 0) {
			fputs(" []\n", fp);
			break;
		}
		fputc('\n', fp);
		for (i = 0; i < n; i++)
			print_block(fp, k->sub, arr + i * k->elem_size,
			    indent + 2, flags, 1);
		break;
	case CK_STRLIST:
		sl = field;
		if (sl->count == 0) {
			fputs(" []\n", fp);
			break;
		}
		fputc('\n', fp);
		for (i = 0; i < sl->count; i++) {
			fprintf(fp, "%*s- ", indent, "");
			print_str(fp, sl->items[i]);
			fputc('\n', fp);
		}
		break;
	case CK_NHTABLE:
		nt = field;
		if (nt->count == 0) {
			fputs(" {}\n", fp);
			break;
		}
		fputc('\n', fp);
		print_pairs_nh(fp, nt, indent + 2);
		break;
	case CK_LATENCY:
		n = *(const size_t *)FIELD(base, k->cnt_off);
		if (n == 0) {
			fputs(" {}\n", fp);
			break;
		}
		fputc('\n', fp);
		print_pairs_lat(fp, *(struct conf_latency *const *)field, n,
		    indent + 2);
		break;
	case CK_END:
		break;
	}
}

/* One mapping; dash: it is a sequence item, "- " before its first key. */
static void
print_block(FILE *fp, const struct ckey *tbl, const void *base, int indent,
    int flags, int dash)
{
	const struct ckey	*k;

	for (k = tbl; k->kind != CK_END; k++) {
		if (dash && k == tbl)
			fprintf(fp, "%*s- %s:", indent - 2, "", k->name);
		else
			fprintf(fp, "%*s%s:", indent, "", k->name);
		print_value(fp, k, base, indent, flags);
	}
}

int
cpr_block(FILE *fp, const struct ckey *tbl, const void *base, int indent,
    int flags)
{
	print_block(fp, tbl, base, indent, flags, 0);
	return ferror(fp) ? -1 : 0;
}

int
conf_print_edge(FILE *fp, const struct edge_conf *c, int flags)
{
	return cpr_block(fp, edge_keys, c, 0, flags);
}

int
conf_print_super(FILE *fp, const struct super_conf *c, int flags)
{
	return cpr_block(fp, super_keys, c, 0, flags);
}

/*
 * A memory stream that wipes what it outgrows: the text may hold keys.
 */
struct membuf {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};

static ssize_t
membuf_write(void *cookie, const char *data, size_t n)
{
	struct membuf	*m = cookie;
	char		*nb;
	size_t		 ncap;

	if (m->len + n + 1 > m->cap) {
		ncap = m->cap ? m->cap : 4096;
		while (ncap < m->len + n + 1)
			ncap *= 2;
		nb = conf_calloc(1, ncap);
		if (m->buf != NULL) {
			memcpy(nb, m->buf, m->len);
			sodium_memzero(m->buf, m->cap);
			free(m->buf);
		}
		m->buf = nb;
		m->cap = ncap;
	}
	memcpy(m->buf + m->len, data, n);
	m->len += n;
	m->buf[m->len] = '\0';
	return (ssize_t)n;
}

static char *
dump(const struct ckey *tbl, const void *c, int flags, size_t *lenp)
{
	cookie_io_functions_t	 io = { .write = membuf_write };
	struct membuf		 m = { NULL, 0, 0 };
	FILE			*fp;
	int			 r;

	if ((fp = fopencookie(&m, "w", io)) == NULL)
		return NULL;
	setvbuf(fp, NULL, _IONBF, 0);	/* no copy in a stdio buffer */
	r = cpr_block(fp, tbl, c, 0, flags);
	if (fclose(fp) != 0)
		r = -1;
	if (r != 0 || m.buf == NULL) {
		if (m.buf != NULL) {
			sodium_memzero(m.buf, m.cap);
			free(m.buf);
		}
		return NULL;
	}
	if (lenp != NULL)
		*lenp = m.len;
	return m.buf;
}

char *
conf_dump_edge(const struct edge_conf *c, int flags, size_t *lenp)
{
	return dump(edge_keys, c, flags, lenp);
}

char *
conf_dump_super(const struct super_conf *c, int flags, size_t *lenp)
{
	return dump(super_keys, c, flags, lenp);
}
