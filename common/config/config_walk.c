/*
 * The schema walk: stores the values of a ynode tree into a config
 * struct along the tables of config_schema.c, reporting wrong types,
 * out-of-range values, bad formats, duplicate and unknown keys.  Every
 * problem is reported and the walk goes on, so that one load lists all.
 *
 * A YAML null (an empty value) leaves the default in place, as an
 * omitted key does; for a required key it is an error.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "config_int.h"

#define FIELD(base, off)	((void *)((char *)(base) + (off)))

/* A key or index appended to a path, printable. */
static void
path_join(char *out, size_t size, const char *path, const char *name)
{
	size_t	o;

	snprintf(out, size, "%s%s", path, *path ? "." : "");
	for (o = strlen(out); *name != '\0' && o + 1 < size; name++)
		out[o++] = (*name >= 0x20 && *name < 0x7f) ? *name : '?';
	out[o] = '\0';
}

/*
 * 0 if n is a scalar, 1 if it is null (keep the default), -1 after an
 * error (n is a collection).
 */
static int
want_scalar(struct cparse *cp, const struct ynode *n, const char *path,
    const char *what)
{
	if (n->type == YN_SCALAR)
		return n->broken ? -1 : 0;
	if (n->type == YN_NULL)
		return 1;
	cp_error(cp, n, path, "expected %s, found %s", what,
	    ynode_type_name(n));
	return -1;
}

/* Decimal or 0x hex, optional sign.  0, -1 (syntax), -2 (overflow). */
int
conf_parse_int(const char *s, long long *out)
{
	unsigned long long	v = 0, lim;
	int			neg = 0, base = 10, d, any = 0;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s))
			d = *s - '0';
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = tolower((unsigned char)*s) - 'a' + 10;
		else
			return -1;
		if (v > (lim - (unsigned long long)d) / (unsigned)base)
			return -2;
		v = v * (unsigned)base + (unsigned)d;
		any = 1;
	}
	if (!any)
		return -1;
	*out = neg ? (long long)(0 - v) : (long long)v;
	return 0;
}

/* A finite decimal number (no hex, no inf/nan).  0 or -1. */
static int
parse_double(const char *s, double *out)
{
	char	*end;
	size_t	 i;
	int	 digit = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (isdigit((unsigned char)s[i]))
			digit = 1;
		else if (strchr("+-.eE", s[i]) == NULL)
			return -1;
	}
	if (!digit)
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	if (*end != '\0' || end == s)
		return -1;
	if (!isfinite(*out))
		return -2;
	return 0;
}

static int
parse_bool(const char *s)
{
	static const char *const t[] = { "true", "yes", "on" };
	static const char *const f[] = { "false", "no", "off" };
	size_t	i;

	for (i = 0; i < 3; i++) {
		if (strcasecmp(s, t[i]) == 0)
			return 1;
		if (strcasecmp(s, f[i]) == 0)
			return 0;
	}
	return -1;
}

/* An integer scalar in [lo, hi]; 0 if *out was set. */
static int
get_int(struct cparse *cp, const struct ynode *n, const char *path,
    long long lo, long long hi, long long *out)
{
	char	q[64];
	int	r;

	if (want_scalar(cp, n, path, "an integer") != 0)
		return -1;
	cp_quote(q, sizeof(q), n->str);
	if ((r = conf_parse_int(n->str, out)) == -1) {
		cp_error(cp, n, path, "expected an integer, got %s", q);
		return -1;
	}
	if (r == -2 || *out < lo || *out > hi) {
		cp_error(cp, n, path, "%.40s out of range (%lld..%lld)",
		    n->str, lo, hi);
		return -1;
	}
	return 0;
}

/* A NodeID; wildcard allows 65535 (ManualLatency). */
static int
get_nodeid(struct cparse *cp, const struct ynode *n, const char *path,
    int wildcard, uint16_t *out)
{
	char		q[64];
	long long	v;
	int		r;

	if (want_scalar(cp, n, path, "a NodeID") != 0)
		return -1;
	cp_quote(q, sizeof(q), n->str);
	if ((r = conf_parse_int(n->str, &v)) == -1) {
		cp_error(cp, n, path, "expected a NodeID, got %s", q);
		return -1;
	}
	if (r == -2 || v < 0 || v > 65535) {
		cp_error(cp, n, path, "%.40s out of range (0..%d)", n->str,
		    NODEID_MAX_VALID);
		return -1;
	}
	if (v > NODEID_MAX_VALID && !(wildcard && v == NODEID_BROADCAST)) {
		cp_error(cp, n, path, "%lld is a reserved NodeID (valid: "
		    "0..%d%s)", v, NODEID_MAX_VALID,
		    wildcard ? ", or 65535 for any" : "");
		return -1;
	}
	*out = (uint16_t)v;
	return 0;
}

static int
get_float(struct cparse *cp, const struct ynode *n, const char *path,
    double lo, double hi, unsigned int flags, double *out)
{
	char	q[64];
	int	r, bad;

	if (want_scalar(cp, n, path, "a number") != 0)
		return -1;
	cp_quote(q, sizeof(q), n->str);
	if ((r = parse_double(n->str, out)) == -1) {
		cp_error(cp, n, path, "expected a number, got %s", q);
		return -1;
	}
	bad = r == -2 || *out < lo || *out > hi ||
	    ((flags & CF_MIN_OPEN) && *out == lo) ||
	    ((flags & CF_MAX_OPEN) && *out == hi);
	if (bad) {
		cp_error(cp, n, path, "%.40s out of range %c%g, %g%c", n->str,
		    (flags & CF_MIN_OPEN) ? '(' : '[', lo, hi,
		    (flags & CF_MAX_OPEN) ? ')' : ']');
		return -1;
	}
	return 0;
}

static void
set_str(struct cparse *cp, const struct ckey *k, void *field,
    const struct ynode *n, const char *path)
{
	char	**sp = field, why[128], q[64];

	if (want_scalar(cp, n, path, "a string") != 0)
		return;
	if (conf_check_str(k->check, n->str, why, sizeof(why)) != 0) {
		if (k->flags & CF_SECRET)
			cp_error(cp, n, path, "%s", why);
		else {
			cp_quote(q, sizeof(q), n->str);
			cp_error(cp, n, path, "%s: %s", q, why);
		}
		return;
	}
	conf_free_str(*sp, k->flags & CF_SECRET);
	*sp = conf_strdup(n->str);
}

/* A key; "" means none, which a required key may not be. */
static void
set_key(struct cparse *cp, const struct ckey *k, struct conf_key *ck,
    const struct ynode *n, const char *path)
{
	if (want_scalar(cp, n, path, "a key") != 0)
		return;
	if (n->str[0] == '\0') {
		if (k->flags & CF_REQUIRED)
			cp_error(cp, n, path, "must not be empty");
		sodium_memzero(ck, sizeof(*ck));
		return;
	}
	if (conf_key_from_base64(n->str, ck->key) != 0) {
		cp_error(cp, n, path, "invalid key: must be the base64 "
		    "of %d bytes (%d characters)", EG_KEY_LEN, 44);
		ck->set = 0;
		return;
	}
	ck->set = 1;
}

static void
set_enum(struct cparse *cp, const struct ckey *k, int *field,
    const struct ynode *n, const char *path)
{
	const struct cenum	*e;
	char			 list[256] = "", q[64];

	if (want_scalar(cp, n, path, "a name") != 0)
		return;
	for (e = k->enames; e->name != NULL; e++)
		if (strcasecmp(e->name, n->str) == 0) {
			*field = e->value;
			return;
		}
	for (e = k->enames; e->name != NULL; e++) {
		if (e != k->enames)
			strlcat(list, ", ", sizeof(list));
		strlcat(list, e->name, sizeof(list));
	}
	cp_quote(q, sizeof(q), n->str);
	cp_error(cp, n, path, "unknown value %s (one of: %s)", q, list);
}

static void
set_strlist(struct cparse *cp, const struct ckey *k,
    struct conf_strlist *l, const struct ynode *n, const char *path)
{
	const struct ynode	*it;
	char			 ipath[CONF_PATH_MAX + 24], why[128], q[64];
	size_t			 i;

	if (n->type == YN_NULL)
		return;
	if (n->type != YN_SEQ) {
		cp_error(cp, n, path, "expected a list, found %s",
		    ynode_type_name(n));
		return;
	}
	l->items = conf_reallocarray(NULL, n->nkids, sizeof(*l->items));
	for (i = 0; i < n->nkids; i++) {
		it = n->kids[i];
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if (it->type == YN_NULL && !it->broken) {
			cp_error(cp, it, ipath, "empty entry");
			continue;
		}
		if (want_scalar(cp, it, ipath, "a string") != 0)
			continue;
		if (conf_check_str(k->check, it->str, why, sizeof(why)) != 0) {
			cp_quote(q, sizeof(q), it->str);
			cp_error(cp, it, ipath, "%s: %s", q, why);
			continue;
		}
		l->items[l->count++] = conf_strdup(it->str);
	}
}

static void
set_list(struct cparse *cp, const struct ckey *k, void *base,
    const struct ynode *n, const char *path)
{
	char	 ipath[CONF_PATH_MAX + 24], *arr;
	size_t	*countp = FIELD(base, k->cnt_off), i;

	if (n->type == YN_NULL)
		return;
	if (n->type != YN_SEQ) {
		cp_error(cp, n, path, "expected a list, found %s",
		    ynode_type_name(n));
		return;
	}
	/* One element per item, so that Peers[i] is item i. */
	arr = conf_calloc(n->nkids, k->elem_size);
	*(void **)FIELD(base, k->off) = arr;
	*countp = n->nkids;
	for (i = 0; i < n->nkids; i++) {
		if (k->elem_init != NULL)
			k->elem_init(arr + i * k->elem_size);
		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		cw_block(cp, k->sub, arr + i * k->elem_size, n->kids[i], ipath);
	}
}

/* One (src, dst) pair of NextHopTable or ManualLatency, while parsing. */
struct pair {
	uint16_t		 src, dst, nexthop;
	double			 ms;
	size_t			 order;
	const struct ynode	*at;
};

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair	*x = a, *y = b;

	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	if (x->dst != y->dst)
		return x->dst < y->dst ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * A map NodeID -> map NodeID -> value, sorted by (src, dst); the same
 * pair twice (also as "1" and "01") is an error.  Returns the pairs.
 */
static struct pair *
get_pairs(struct cparse *cp, const struct ynode *n, const char *path,
    int latency, size_t *np)
{
	const struct ynode	*sk, *sv, *dk, *dv;
	struct pair		*p = NULL, *cur;
	char			 spath[CONF_PATH_MAX], dpath[CONF_PATH_MAX];
	size_t			 i, j, count = 0, cap = 0, out;
	uint16_t		 src, dst;

	*np = 0;
	if (n->type == YN_NULL)
		return NULL;
	if (n->type != YN_MAP) {
		cp_error(cp, n, path, "expected a mapping, found %s",
		    ynode_type_name(n));
		return NULL;
	}
	for (i = 0; i + 1 < n->nkids; i += 2) {
		sk = n->kids[i];
		sv = n->kids[i + 1];
		path_join(spath, sizeof(spath), path,
		    sk->type == YN_SCALAR ? sk->str : "?");
		if (get_nodeid(cp, sk, spath, latency, &src) != 0)
			continue;
		if (sv->type == YN_NULL)
			continue;
		if (sv->type != YN_MAP) {
			cp_error(cp, sv, spath, "expected a mapping, found %s",
			    ynode_type_name(sv));
			continue;
		}
		for (j = 0; j + 1 < sv->nkids; j += 2) {
			dk = sv->kids[j];
			dv = sv->kids[j + 1];
			path_join(dpath, sizeof(dpath), spath,
			    dk->type == YN_SCALAR ? dk->str : "?");
			if (get_nodeid(cp, dk, dpath, latency, &dst) != 0)
				continue;
			if (count == cap) {
				cap = cap ? cap * 2 : 16;
				p = conf_reallocarray(p, cap, sizeof(*p));
			}
			cur = &p[count];
			memset(cur, 0, sizeof(*cur));
			if (latency) {
				if (dv->type == YN_NULL) {
					if (!dv->broken)
						cp_error(cp, dv, dpath,
						    "missing value");
					continue;
				}
				if (get_float(cp, dv, dpath, 0, CONF_TIME_MAX,
				    0, &cur->ms) != 0)
					continue;
			} else {
				if (dv->type == YN_NULL) {
					if (!dv->broken)
						cp_error(cp, dv, dpath,
						    "missing value");
					continue;
				}
				if (get_nodeid(cp, dv, dpath, 0,
				    &cur->nexthop) != 0)
					continue;
			}
			cur->src = src;
			cur->dst = dst;
			cur->order = count;
			cur->at = dk;
			count++;
		}
	}
	if (count == 0) {
		free(p);
		return NULL;
	}
	qsort(p, count, sizeof(*p), pair_cmp);
	for (i = 1, out = 1; i < count; i++) {
		if (p[i].src == p[out - 1].src && p[i].dst == p[out - 1].dst) {
			snprintf(spath, sizeof(spath), "%s.%u.%u", path,
			    p[i].src, p[i].dst);
			cp_error(cp, p[i].at, spath, "given twice (first at "
			    "line %d)", p[out - 1].at->line);
			continue;
		}
		p[out++] = p[i];
	}
	*np = out;
	return p;
}

static void
set_nhtable(struct cparse *cp, struct conf_nhtable *t,
    const struct ynode *n, const char *path)
{
	struct pair	*p;
	size_t		 i, np;

	if ((p = get_pairs(cp, n, path, 0, &np)) == NULL)
		return;
	t->entries = conf_reallocarray(NULL, np, sizeof(*t->entries));
	for (i = 0; i < np; i++) {
		t->entries[i].src = p[i].src;
		t->entries[i].dst = p[i].dst;
		t->entries[i].nexthop = p[i].nexthop;
	}
	t->count = np;
	free(p);
}

static void
set_latency(struct cparse *cp, const struct ckey *k, void *base,
    const struct ynode *n, const char *path)
{
	struct conf_latency	*l;
	struct pair		*p;
	size_t			 i, np;

	if ((p = get_pairs(cp, n, path, 1, &np)) == NULL)
		return;
	l = conf_reallocarray(NULL, np, sizeof(*l));
	for (i = 0; i < np; i++) {
		l[i].src = p[i].src;
		l[i].dst = p[i].dst;
		l[i].ms = p[i].ms;
	}
	*(struct conf_latency **)FIELD(base, k->off) = l;
	*(size_t *)FIELD(base, k->cnt_off) = np;
	free(p);
}

static void
cw_value(struct cparse *cp, const struct ckey *k, void *base,
    const struct ynode *n, const char *path)
{
	void		*field = FIELD(base, k->off);
	long long	 v;
	double		 d;
	int		 b;

	switch (k->kind) {
	case CK_STR:
		set_str(cp, k, field, n, path);
		break;
	case CK_INT:
		if (get_int(cp, n, path, (long long)k->min, (long long)k->max,
		    &v) == 0)
			*(int *)field = (int)v;
		break;
	case CK_U32:
		if (get_int(cp, n, path, (long long)k->min, (long long)k->max,
		    &v) == 0)
			*(uint32_t *)field = (uint32_t)v;
		break;
	case CK_NODEID:
		get_nodeid(cp, n, path, 0, field);
		break;
	case CK_FLOAT:
		if (get_float(cp, n, path, k->min, k->max, k->flags, &d) == 0)
			*(double *)field = d;
		break;
	case CK_BOOL:
		if (want_scalar(cp, n, path, "a boolean") != 0)
			break;
		if ((b = parse_bool(n->str)) == -1) {
			char	q[64];

			cp_quote(q, sizeof(q), n->str);
			cp_error(cp, n, path, "expected a boolean (true/false, "
			    "yes/no, on/off), got %s", q);
			break;
		}
		*(int *)field = b;
		break;
	case CK_KEY:
		set_key(cp, k, field, n, path);
		break;
	case CK_ENUM:
		set_enum(cp, k, field, n, path);
		break;
	case CK_BLOCK:
		cw_block(cp, k->sub, field, n, path);
		break;
	case CK_LIST:
		set_list(cp, k, base, n, path);
		break;
	case CK_STRLIST:
		set_strlist(cp, k, field, n, path);
		break;
	case CK_NHTABLE:
		set_nhtable(cp, field, n, path);
		break;
	case CK_LATENCY:
		set_latency(cp, k, base, n, path);
		break;
	case CK_END:
		break;
	}
}

struct keyref {
	const char	*s;
	size_t		 idx;
};

static int
keyref_cmp(const void *a, const void *b)
{
	const struct keyref	*x = a, *y = b;
	int			 c;

	if ((c = strcasecmp(x->s, y->s)) != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Reports keys given twice in one mapping (any case); O(n log n). */
static void
check_dup_keys(struct cparse *cp, const struct ynode *map, const char *path)
{
	struct keyref	*r;
	size_t		 i, n = 0;
	char		 kpath[CONF_PATH_MAX];

	if (map->nkids < 4)
		return;
	r = conf_reallocarray(NULL, map->nkids / 2, sizeof(*r));
	for (i = 0; i + 1 < map->nkids; i += 2)
		if (map->kids[i]->type == YN_SCALAR) {
			r[n].s = map->kids[i]->str;
			r[n++].idx = i;
		}
	qsort(r, n, sizeof(*r), keyref_cmp);
	for (i = 1; i < n; i++)
		if (strcasecmp(r[i].s, r[i - 1].s) == 0) {
			path_join(kpath, sizeof(kpath), path, r[i].s);
			cp_error(cp, map->kids[r[i].idx], kpath,
			    "key given twice (first at line %d)",
			    map->kids[r[i - 1].idx]->line);
		}
	free(r);
}

/* Walks one mapping along its table, storing into base. */
void
cw_block(struct cparse *cp, const struct ckey *tbl, void *base,
    const struct ynode *n, const char *path)
{
	const struct ynode	*seen[64] = { NULL }, *kn, *vn;
	const struct ckey	*k;
	char			 kpath[CONF_PATH_MAX];
	size_t			 i, ki;

	if (n->type != YN_MAP && n->type != YN_NULL) {
		cp_error(cp, n, path, "expected a mapping, found %s",
		    ynode_type_name(n));
		return;
	}
	if (n->broken)
		return;
	check_dup_keys(cp, n, path);
	for (i = 0; i + 1 < n->nkids; i += 2) {
		kn = n->kids[i];
		vn = n->kids[i + 1];
		if (kn->type != YN_SCALAR) {
			if (!kn->broken)
				cp_error(cp, kn, path, "a key must be a "
				    "scalar, found %s", ynode_type_name(kn));
			continue;
		}
		for (ki = 0, k = tbl; k->kind != CK_END; k++, ki++)
			if (ki == sizeof(seen) / sizeof(seen[0]))
				fatalx("%s: schema table too long", __func__);
			else if (strcasecmp(k->name, kn->str) == 0 ||
			    (k->alias && strcasecmp(k->alias, kn->str) == 0))
				break;
		path_join(kpath, sizeof(kpath), path, kn->str);
		if (k->kind == CK_END) {
			cp_warn(cp, kn, "unknown key %s", kpath);
			continue;
		}
		if (seen[ki] != NULL) {
			/* Twice in the same spelling: check_dup_keys said. */
			if (strcasecmp(seen[ki]->str, kn->str) != 0)
				cp_error(cp, kn, kpath, "same key as %s at "
				    "line %d", seen[ki]->str, seen[ki]->line);
			continue;
		}
		seen[ki] = kn;
		path_join(kpath, sizeof(kpath), path, k->name);
		if (k->alias && strcasecmp(k->alias, kn->str) == 0)
			cp_warn(cp, kn, "key %s is an old name of %s",
			    kn->str, kpath);
		if (vn->type == YN_NULL) {
			if ((k->flags & CF_REQUIRED) && !vn->broken)
				cp_error(cp, vn, kpath, "missing value");
			continue;
		}
		cw_value(cp, k, base, vn, kpath);
	}
	for (ki = 0, k = tbl; k->kind != CK_END; k++, ki++)
		if ((k->flags & CF_REQUIRED) && seen[ki] == NULL) {
			path_join(kpath, sizeof(kpath), path, k->name);
			cp_error(cp, n, kpath, "required key missing");
		}
}

/* Frees what the walk (or the defaults) allocated below base. */
void
cw_free_block(const struct ckey *tbl, void *base)
{
	const struct ckey	*k;
	struct conf_strlist	*sl;
	struct conf_nhtable	*nt;
	void			*field;
	char			*arr;
	size_t			 i, n;

	for (k = tbl; k->kind != CK_END; k++) {
		field = FIELD(base, k->off);
		switch (k->kind) {
		case CK_STR:
			conf_free_str(*(char **)field, k->flags & CF_SECRET);
			*(char **)field = NULL;
			break;
		case CK_KEY:
			sodium_memzero(field, sizeof(struct conf_key));
			break;
		case CK_BLOCK:
			cw_free_block(k->sub, field);
			break;
		case CK_LIST:
			arr = *(char **)field;
			n = *(size_t *)FIELD(base, k->cnt_off);
			for (i = 0; arr != NULL && i < n; i++)
				cw_free_block(k->sub, arr + i * k->elem_size);
			free(arr);
			*(char **)field = NULL;
			*(size_t *)FIELD(base, k->cnt_off) = 0;
			break;
		case CK_STRLIST:
			sl = field;
			for (i = 0; i < sl->count; i++)
				free(sl->items[i]);
			free(sl->items);
			sl->items = NULL;
			sl->count = 0;
			break;
		case CK_NHTABLE:
			nt = field;
			free(nt->entries);
			nt->entries = NULL;
			nt->count = 0;
			break;
		case CK_LATENCY:
			free(*(void **)field);
			*(void **)field = NULL;
			*(size_t *)FIELD(base, k->cnt_off) = 0;
			break;
		default:
			break;
		}
	}
}
