/*
 * The route engine's measured links: an open-addressing table keyed by
 * (src, dst), each link with its damping state.  See route.h for the
 * filter and the jitter rule.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "route_int.h"

#define LINKS_MIN	64

static uint32_t
link_key(uint16_t src, uint16_t dst)
{
	return (uint32_t)src << 16 | dst;
}

static size_t
link_home(const struct route_links *t, uint32_t key)
{
	return (size_t)((key * 0x9e3779b1U) ^ (key >> 15)) & (t->cap - 1);
}

struct route_link *
route_link_get(const struct route_links *t, uint16_t src, uint16_t dst)
{
	uint32_t	 key = link_key(src, dst);
	size_t		 i;

	if (t->cap == 0 || key == 0)
		return NULL;
	for (i = link_home(t, key); t->slots[i].key != 0;
	    i = (i + 1) & (t->cap - 1))
		if (t->slots[i].key == key)
			return &t->slots[i];
	return NULL;
}

/* Doubles the table, keeping every link. */
static int
links_grow(struct route_links *t)
{
	struct route_link	*old = t->slots, *l;
	size_t			 oldcap = t->cap, ncap, i, j;

	ncap = oldcap ? oldcap * 2 : LINKS_MIN;
	if ((t->slots = calloc(ncap, sizeof(*t->slots))) == NULL) {
		t->slots = old;
		return -1;
	}
	t->cap = ncap;
	for (i = 0; i < oldcap; i++) {
		l = &old[i];
		if (l->key == 0)
			continue;
		for (j = link_home(t, l->key); t->slots[j].key != 0;
		    j = (j + 1) & (ncap - 1))
			;
		t->slots[j] = *l;
	}
	free(old);
	return 0;
}

/* The link, made if absent (not live, no samples); NULL on ENOMEM. */
struct route_link *
route_link_add(struct route_links *t, uint16_t src, uint16_t dst)
{
	struct route_link	*l;
	uint32_t		 key = link_key(src, dst);
	size_t			 i;

	if ((l = route_link_get(t, src, dst)) != NULL)
		return l;
	if ((t->count + 1) * 2 > t->cap && links_grow(t) == -1) {
		errno = ENOMEM;
		return NULL;
	}
	for (i = link_home(t, key); t->slots[i].key != 0;
	    i = (i + 1) & (t->cap - 1))
		;
	l = &t->slots[i];
	memset(l, 0, sizeof(*l));
	l->key = key;
	t->count++;
	return l;
}

/* Removes a link; later links of its cluster move back to stay found. */
void
route_link_del(struct route_links *t, struct route_link *l)
{
	size_t	 i = (size_t)(l - t->slots), j, home, mask = t->cap - 1;

	free(l->win);
	t->slots[i].key = 0;
	t->slots[i].win = NULL;
	t->slots[i].wcap = 0;
	t->count--;
	for (j = (i + 1) & mask; t->slots[j].key != 0; j = (j + 1) & mask) {
		home = link_home(t, t->slots[j].key);
		/* j's entry may fill the hole at i unless home is in (i, j] */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->slots[i] = t->slots[j];
			t->slots[j].key = 0;
			t->slots[j].win = NULL;
			t->slots[j].wcap = 0;
			i = j;
		}
	}
}

/*
 * The link expired: its history goes, a later sample starts afresh (a
 * copy of a sample as old as the last one has expired too).
 */
void
route_link_forget(struct route_link *l)
{
	l->live = 0;
	l->nwin = 0;
	l->pos = 0;
	l->has_seq = 0;
	memset(&l->counts, 0, sizeof(l->counts));
}

void
route_links_free(struct route_links *t)
{
	size_t	 i;

	for (i = 0; i < t->cap; i++)
		if (t->slots[i].key != 0)
			free(t->slots[i].win);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* The median of the newest m samples of the ring (m odd). */
static double
link_median(const struct route_link *l, size_t wlen, size_t m)
{
	double	 v[2 * ROUTE_RADIUS_MAX + 1], x;
	size_t	 i, k;

	for (i = 0; i < m; i++)
		v[i] = l->win[(l->pos + wlen - 1 - i) % wlen];
	for (i = 1; i < m; i++) {
		x = v[i];
		for (k = i; k > 0 && v[k - 1] > x; k--)
			v[k] = v[k - 1];
		v[k] = x;
	}
	return v[m / 2];
}

/*
 * One raw sample: median filter over the last 2r+1 (the newest odd
 * number of them while fewer are held), then damping.  -1 on ENOMEM.
 */
int
route_link_push(struct route_link *l, double ms, int radius,
    double resistance)
{
	size_t	 wlen = 2 * (size_t)radius + 1, m;
	double	 filtered;

	/* a window of another radius starts again at the new size */
	if (radius > 0 && l->wcap != wlen) {
		free(l->win);
		l->wcap = 0;
		l->nwin = l->pos = 0;
		if ((l->win = calloc(wlen, sizeof(double))) == NULL)
			return -1;
		l->wcap = (uint16_t)wlen;
	}
	if (radius > 0) {
		l->win[l->pos] = ms;
		l->pos = (uint16_t)((l->pos + 1) % wlen);
		if (l->nwin < wlen)
			l->nwin++;
		m = l->nwin % 2 ? l->nwin : l->nwin - 1u;
		filtered = link_median(l, wlen, m);
	} else
		filtered = ms;
	if (l->live)
		l->lat_ms = l->lat_ms * resistance + filtered *
		    (1 - resistance);
	else
		l->lat_ms = filtered;
	l->live = 1;
	return 0;
}

int
route_jitter_exceeds(double old_ms, double new_ms, double tolerance,
    double multiplier)
{
	double	 big = fmax(fabs(old_ms), fabs(new_ms));

	return fabs(new_ms - old_ms) > tolerance + big * (multiplier - 1);
}
