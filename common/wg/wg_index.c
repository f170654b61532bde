/*
 * Index hash table.  The indices are random, but the hash still mixes
 * them so that a poor test RNG cannot build long probe runs.  Removal
 * shifts the following run back instead of leaving tombstones.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wg_index.h"

#define WG_INDEX_MIN_SLOTS	16

static size_t
wg_index_slot(const struct wg_index *t, uint32_t idx)
{
	return (size_t)((idx * 0x9e3779b1U) ^ (idx >> 16)) & (t->nslots - 1);
}

void
wg_index_init(struct wg_index *t)
{
	memset(t, 0, sizeof(*t));
}

void
wg_index_free(struct wg_index *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static void
wg_index_put(struct wg_index *t, const struct wg_index_entry *e)
{
	size_t	i;

	for (i = wg_index_slot(t, e->idx); t->slots[i].used;
	    i = (i + 1) & (t->nslots - 1))
		;
	t->slots[i] = *e;
}

int
wg_index_reserve(struct wg_index *t, size_t n)
{
	struct wg_index_entry	*old = t->slots;
	size_t			 oldn = t->nslots, want, size, i;

	want = t->reserved + n;
	if (want < t->reserved || want > SIZE_MAX / 4) {
		errno = ENOMEM;
		return -1;
	}
	size = t->nslots > 0 ? t->nslots : WG_INDEX_MIN_SLOTS;
	while (size < 2 * want)
		size *= 2;
	if (size != t->nslots) {
		if ((t->slots = calloc(size, sizeof(*t->slots))) == NULL) {
			t->slots = old;
			return -1;
		}
		t->nslots = size;
		for (i = 0; i < oldn; i++)
			if (old[i].used)
				wg_index_put(t, &old[i]);
		free(old);
	}
	t->reserved = want;
	return 0;
}

void
wg_index_unreserve(struct wg_index *t, size_t n)
{
	t->reserved = n > t->reserved ? 0 : t->reserved - n;
}

int
wg_index_insert(struct wg_index *t, uint32_t idx, struct wg_peer *peer,
    struct noise_keypair *kp)
{
	struct wg_index_entry	e;

	if (t->nslots == 0 || 2 * (t->count + 1) > t->nslots ||
	    wg_index_lookup(t, idx) != NULL)
		return -1;
	e.idx = idx;
	e.used = 1;
	e.peer = peer;
	e.keypair = kp;
	wg_index_put(t, &e);
	t->count++;
	return 0;
}

struct wg_index_entry *
wg_index_lookup(const struct wg_index *t, uint32_t idx)
{
	size_t	i;

	if (t->nslots == 0)
		return NULL;
	for (i = wg_index_slot(t, idx); t->slots[i].used;
	    i = (i + 1) & (t->nslots - 1))
		if (t->slots[i].idx == idx)
			return &t->slots[i];
	return NULL;
}

void
wg_index_remove(struct wg_index *t, uint32_t idx)
{
	struct wg_index_entry	*e;
	size_t			 hole, i, home, mask = t->nslots - 1;

	if ((e = wg_index_lookup(t, idx)) == NULL)
		return;
	hole = (size_t)(e - t->slots);
	memset(e, 0, sizeof(*e));
	t->count--;

	/* Pull back every later entry of the run that may sit in the hole. */
	for (i = (hole + 1) & mask; t->slots[i].used; i = (i + 1) & mask) {
		home = wg_index_slot(t, t->slots[i].idx);
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			t->slots[hole] = t->slots[i];
			memset(&t->slots[i], 0, sizeof(t->slots[i]));
			hole = i;
		}
	}
}
