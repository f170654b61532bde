/*
 * What a reload would change, key by key along the schema tables: the
 * first changed key that is not CF_LIVE, named by its path in the file.
 * A block or list without CF_LIVE is a restart key as a whole (any
 * change below it is reported, at its own path); with CF_LIVE its keys
 * say for themselves.  The elements of a live list are matched by their
 * first key (a NodeID), so that entries added, removed or moved are a
 * change of membership, which is live, and an entry present in both is
 * compared field by field.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "config_int.h"

#define FIELD(base, off)	((const void *)((const char *)(base) + (off)))

static int	diff_block(const struct ckey *, const void *, const void *,
		    const char *, int, char *, size_t);

static int
str_eq(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

static int
key_eq(const struct conf_key *a, const struct conf_key *b)
{
	return a->set == b->set &&
	    sodium_memcmp(a->key, b->key, sizeof(a->key)) == 0;
}

static int
strlist_eq(const struct conf_strlist *a, const struct conf_strlist *b)
{
	size_t	i;

	if (a->count != b->count)
		return 0;
	for (i = 0; i < a->count; i++)
		if (!str_eq(a->items[i], b->items[i]))
			return 0;
	return 1;
}

static int
nhtable_eq(const struct conf_nhtable *a, const struct conf_nhtable *b)
{
	size_t	i;

	if (a->count != b->count)
		return 0;
	for (i = 0; i < a->count; i++)
		if (a->entries[i].src != b->entries[i].src ||
		    a->entries[i].dst != b->entries[i].dst ||
		    a->entries[i].nexthop != b->entries[i].nexthop)
			return 0;
	return 1;
}

static int
latency_eq(const struct conf_latency *a, size_t na,
    const struct conf_latency *b, size_t nb)
{
	size_t	i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (a[i].src != b[i].src || a[i].dst != b[i].dst ||
		    a[i].ms != b[i].ms)
			return 0;
	return 1;
}

/* Whether a scalar or flat value is the same in both configs. */
static int
value_eq(const struct ckey *k, const void *ba, const void *bb)
{
	const void	*a = FIELD(ba, k->off), *b = FIELD(bb, k->off);

	switch (k->kind) {
	case CK_STR:
		return str_eq(*(char *const *)a, *(char *const *)b);
	case CK_INT:
	case CK_BOOL:
	case CK_ENUM:
		return *(const int *)a == *(const int *)b;
	case CK_U32:
		return *(const uint32_t *)a == *(const uint32_t *)b;
	case CK_NODEID:
		return *(const uint16_t *)a == *(const uint16_t *)b;
	case CK_FLOAT:
		return *(const double *)a == *(const double *)b;
	case CK_KEY:
		return key_eq(a, b);
	case CK_STRLIST:
		return strlist_eq(a, b);
	case CK_NHTABLE:
		return nhtable_eq(a, b);
	case CK_LATENCY:
		return latency_eq(*(struct conf_latency *const *)a,
		    *(const size_t *)FIELD(ba, k->cnt_off),
		    *(struct conf_latency *const *)b,
		    *(const size_t *)FIELD(bb, k->cnt_off));
	default:
		fatalx("%s: key %s is not a value", __func__, k->name);
	}
}

static void
report(char *out, size_t outlen, const char *path)
{
	snprintf(out, outlen, "%s", path);
}

/* An element's identity: its first key, a NodeID. */
static uint16_t
elem_id(const struct ckey *k, const char *elem)
{
	if (k->sub[0].kind != CK_NODEID)
		fatalx("%s: list %s has no NodeID first", __func__, k->name);
	return *(const uint16_t *)FIELD(elem, k->sub[0].off);
}

static int
diff_list(const struct ckey *k, const void *ba, const void *bb,
    const char *path, int all, char *out, size_t outlen)
{
	const char	*a = *(const char *const *)FIELD(ba, k->off);
	const char	*b = *(const char *const *)FIELD(bb, k->off);
	size_t		 na = *(const size_t *)FIELD(ba, k->cnt_off);
	size_t		 nb = *(const size_t *)FIELD(bb, k->cnt_off);
	size_t		 i, j;
	char		 ipath[CONF_PATH_MAX], idx[24];
	const char	*ea;

	if (all && na != nb) {
		report(out, outlen, path);
		return 1;
	}
	for (j = 0; j < nb; j++) {
		const char *eb = b + j * k->elem_size;

		snprintf(idx, sizeof(idx), "[%zu]", j);
		strlcpy(ipath, path, sizeof(ipath));
		strlcat(ipath, idx, sizeof(ipath));
		if (all) {
			if (diff_block(k->sub, a + j * k->elem_size, eb, ipath,
			    1, out, outlen))
				return 1;
			continue;
		}
		for (i = 0, ea = NULL; i < na && ea == NULL; i++)
			if (elem_id(k, a + i * k->elem_size) == elem_id(k, eb))
				ea = a + i * k->elem_size;
		if (ea != NULL && diff_block(k->sub, ea, eb, ipath, 0, out,
		    outlen))
			return 1;
	}
	return 0;
}

/* all: everything below is a restart key, whatever its own flag. */
static int
diff_block(const struct ckey *tbl, const void *a, const void *b,
    const char *path, int all, char *out, size_t outlen)
{
	const struct ckey	*k;
	char			 kpath[CONF_PATH_MAX];
	int			 restart;

	for (k = tbl; k->kind != CK_END; k++) {
		strlcpy(kpath, path, sizeof(kpath));
		if (*path != '\0')
			strlcat(kpath, ".", sizeof(kpath));
		strlcat(kpath, k->name, sizeof(kpath));
		restart = all || !(k->flags & CF_LIVE);
		switch (k->kind) {
		case CK_BLOCK:
			if (diff_block(k->sub, FIELD(a, k->off),
			    FIELD(b, k->off), kpath, restart, out, outlen))
				return 1;
			break;
		case CK_LIST:
			if (diff_list(k, a, b, kpath, restart, out, outlen))
				return 1;
			break;
		default:
			if (restart && !value_eq(k, a, b)) {
				report(out, outlen, kpath);
				return 1;
			}
			break;
		}
	}
	return 0;
}

int
cdiff_block(const struct ckey *tbl, const void *a, const void *b,
    const char *path, char *out, size_t outlen)
{
	if (outlen > 0)
		out[0] = '\0';
	return diff_block(tbl, a, b, path, 0, out, outlen);
}

int
conf_restart_key_edge(const struct edge_conf *cur,
    const struct edge_conf *next, char *out, size_t outlen)
{
	return cdiff_block(edge_keys, cur, next, "", out, outlen);
}

int
conf_restart_key_super(const struct super_conf *cur,
    const struct super_conf *next, char *out, size_t outlen)
{
	return cdiff_block(super_keys, cur, next, "", out, outlen);
}
