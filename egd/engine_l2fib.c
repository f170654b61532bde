/*
 * L2 forwarding table: open addressing with linear probing and deletion
 * by backward shift, keyed by SipHash with a random key so that chosen
 * MAC addresses cannot degrade it into a list.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config/config.h"
#include "engine_l2fib.h"

#define L2FIB_FREE	0xffff	/* node value of an empty slot */

static size_t
l2fib_hash(const struct l2fib *fib, const uint8_t mac[6])
{
	uint8_t		out[crypto_shorthash_BYTES];
	uint64_t	h;

	crypto_shorthash(out, mac, 6, fib->key);
	memcpy(&h, out, sizeof(h));
	return (size_t)h & (fib->cap - 1);
}

static int
l2fib_alloc(struct l2fib *fib, size_t cap)
{
	size_t	i;

	if ((fib->slots = calloc(cap, sizeof(*fib->slots))) == NULL)
		return -1;
	for (i = 0; i < cap; i++)
		fib->slots[i].node = L2FIB_FREE;
	fib->cap = cap;
	fib->count = 0;
	return 0;
}

int
l2fib_init(struct l2fib *fib, double lifetime_s, size_t limit)
{
	memset(fib, 0, sizeof(*fib));
	if (limit == 0 || limit > L2FIB_MAX_ENTRIES)
		limit = L2FIB_MAX_ENTRIES;
	fib->limit = limit;
	fib->node_limit = limit;
	l2fib_set_lifetime(fib, lifetime_s);
	randombytes_buf(fib->key, sizeof(fib->key));
	if ((fib->per_node = calloc(65536, sizeof(*fib->per_node))) == NULL)
		return -1;
	if (l2fib_alloc(fib, 256) == -1) {
		free(fib->per_node);
		fib->per_node = NULL;
		return -1;
	}
	return 0;
}

void
l2fib_free(struct l2fib *fib)
{
	free(fib->slots);
	free(fib->per_node);
	sodium_memzero(fib->key, sizeof(fib->key));
	memset(fib, 0, sizeof(*fib));
}

void
l2fib_set_node_limit(struct l2fib *fib, size_t n)
{
	fib->node_limit = n == 0 || n > fib->limit ? fib->limit : n;
}

size_t
l2fib_node_count(const struct l2fib *fib, uint16_t node)
{
	return fib->per_node[node];
}

void
l2fib_set_lifetime(struct l2fib *fib, double lifetime_s)
{
	if (lifetime_s < 0)
		lifetime_s = 0;
	fib->lifetime = (uint64_t)(lifetime_s * 1e9);
}

static struct l2fib_entry *
l2fib_find(struct l2fib *fib, const uint8_t mac[6])
{
	size_t	i = l2fib_hash(fib, mac);

	for (;;) {
		struct l2fib_entry *e = &fib->slots[i];

		if (e->node == L2FIB_FREE)
			return NULL;
		if (memcmp(e->mac, mac, 6) == 0)
			return e;
		i = (i + 1) & (fib->cap - 1);
	}
}

/* Removes slot i, moving later entries of its cluster back. */
static void
l2fib_remove_at(struct l2fib *fib, size_t i)
{
	size_t	j = i, home;

	fib->per_node[fib->slots[i].node]--;
	for (;;) {
		j = (j + 1) & (fib->cap - 1);
		if (fib->slots[j].node == L2FIB_FREE)
			break;
		home = l2fib_hash(fib, fib->slots[j].mac);
		/* Move j into the hole unless its home lies in (i, j]. */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			fib->slots[i] = fib->slots[j];
			i = j;
		}
	}
	fib->slots[i].node = L2FIB_FREE;
	fib->count--;
}

static void
l2fib_insert(struct l2fib *fib, const uint8_t mac[6], uint16_t node,
    uint64_t expires)
{
	size_t	i = l2fib_hash(fib, mac);

	while (fib->slots[i].node != L2FIB_FREE)
		i = (i + 1) & (fib->cap - 1);
	memcpy(fib->slots[i].mac, mac, 6);
	fib->slots[i].node = node;
	fib->slots[i].expires = expires;
	fib->count++;
}

static void
l2fib_grow(struct l2fib *fib)
{
	struct l2fib_entry	*old = fib->slots;
	size_t			 oldcap = fib->cap, i;

	if (l2fib_alloc(fib, oldcap * 2) == -1) {
		/* Keep working at the old size. */
		fib->slots = old;
		fib->cap = oldcap;
		return;
	}
	for (i = 0; i < oldcap; i++)
		if (old[i].node != L2FIB_FREE)
			l2fib_insert(fib, old[i].mac, old[i].node,
			    old[i].expires);
	free(old);
}

/*
 * Full: expire, and if that freed nothing, drop the oldest quarter of the
 * entries (by expiry) in one pass, so that a flood of new addresses
 * costs one scan per many inserts, not one per frame.
 */
static void
l2fib_make_room(struct l2fib *fib, uint64_t now)
{
	uint64_t	lo = UINT64_MAX, hi = 0, cut;
	size_t		i;

	l2fib_expire(fib, now);
	if (fib->count < fib->limit)
		return;
	for (i = 0; i < fib->cap; i++) {
		if (fib->slots[i].node == L2FIB_FREE)
			continue;
		if (fib->slots[i].expires < lo)
			lo = fib->slots[i].expires;
		if (fib->slots[i].expires > hi)
			hi = fib->slots[i].expires;
	}
	cut = lo + (hi - lo) / 4;
	i = 0;
	while (i < fib->cap) {
		if (fib->slots[i].node != L2FIB_FREE &&
		    fib->slots[i].expires <= cut) {
			l2fib_remove_at(fib, i);
			continue;
		}
		i++;
	}
}

int
l2fib_learn(struct l2fib *fib, const uint8_t mac[6], uint16_t node,
    uint64_t now)
{
	struct l2fib_entry	*e;

	if (node == L2FIB_FREE)
		return 0;
	if ((e = l2fib_find(fib, mac)) != NULL) {
		if (e->node != node) {
			/* A move counts against the share it moves to. */
			if (fib->per_node[node] >= fib->node_limit)
				return -1;
			fib->per_node[e->node]--;
			fib->per_node[node]++;
		}
		e->node = node;
		e->expires = now + fib->lifetime;
		return 0;
	}
	/*
	 * No scan for the node's expired entries here: a flood would pay
	 * one per frame.  Housekeeping expires them (l2fib_expire()).
	 */
	if (fib->per_node[node] >= fib->node_limit)
		return -1;
	if (fib->count >= fib->limit)
		l2fib_make_room(fib, now);
	/* Keep the load at most one half. */
	if ((fib->count + 1) * 2 > fib->cap)
		l2fib_grow(fib);
	/* Growing failed and there is no free slot left to probe into. */
	if (fib->count + 1 >= fib->cap)
		return 0;
	l2fib_insert(fib, mac, node, now + fib->lifetime);
	fib->per_node[node]++;
	return 0;
}

uint16_t
l2fib_lookup(struct l2fib *fib, const uint8_t mac[6], uint64_t now)
{
	struct l2fib_entry	*e;

	if ((e = l2fib_find(fib, mac)) == NULL)
		return NODEID_INVALID;
	if (e->expires <= now) {
		l2fib_remove_at(fib, (size_t)(e - fib->slots));
		return NODEID_INVALID;
	}
	return e->node;
}

void
l2fib_expire(struct l2fib *fib, uint64_t now)
{
	size_t	i = 0;

	while (i < fib->cap) {
		if (fib->slots[i].node != L2FIB_FREE &&
		    fib->slots[i].expires <= now) {
			/* The shift may bring another entry into slot i. */
			l2fib_remove_at(fib, i);
			continue;
		}
		i++;
	}
}
