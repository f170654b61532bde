/*
 * The handshake guard's buckets.  Credit is kept in nanoseconds, as in
 * wg_ratelimit.c: a take costs a second over the rate, and the bucket
 * refills with the time that passed, up to a second's worth.
 */
#include <stdlib.h>
#include <string.h>

#include "wg.h"
#include "wg_guard.h"
#include "wg_var.h"

static int
bucket_take(struct wg_bucket *b, uint64_t rate, uint64_t now)
{
	uint64_t	cost = WG_SEC / rate, credit;

	if (b->last == 0) {
		credit = WG_SEC;
		b->last = now;
	} else {
		credit = b->credit;
		/* The clock never goes back; if it did, nothing refills. */
		if (now > b->last) {
			credit += now - b->last;
			b->last = now;
		}
		if (credit > WG_SEC)
			credit = WG_SEC;
	}
	if (credit < cost) {
		b->credit = credit;
		return 0;
	}
	b->credit = credit - cost;
	return 1;
}

void
wg_guard_init(struct wg_guard *g)
{
	memset(g, 0, sizeof(*g));
}

int
wg_guard_under_load(const struct wg_guard *g, uint64_t now)
{
	return g->load_until != 0 && now < g->load_until;
}

int
wg_guard_arrival(struct wg_guard *g, uint64_t now)
{
	g->seen++;
	if (!bucket_take(&g->load, WG_LOAD_RATE, now)) {
		if (!wg_guard_under_load(g, now))
			g->loaded++;
		g->load_until = now + WG_LOAD_HOLD;
	}
	return wg_guard_under_load(g, now);
}

int
wg_guard_cookie(struct wg_guard *g, uint64_t now)
{
	return bucket_take(&g->cookies, WG_COOKIE_RATE, now);
}

int
wg_guard_dh(struct wg_guard *g, uint64_t now)
{
	if (!bucket_take(&g->dh, WG_DH_RATE, now))
		return 0;
	g->dh_done++;
	return 1;
}

struct wg_guard *
wg_guard_new(void)
{
	struct wg_guard	*g;

	if ((g = malloc(sizeof(*g))) == NULL)
		return NULL;
	wg_guard_init(g);
	return g;
}

void
wg_guard_free(struct wg_guard *g)
{
	free(g);
}

void
wg_local_set_guard(struct wg_local *l, struct wg_guard *g)
{
	l->l_guard = g != NULL ? g : &l->l_own_guard;
}

struct wg_guard *
wg_local_guard(const struct wg_local *l)
{
	return l->l_guard;
}

size_t
wg_guard_stats(const struct wg_guard *g, uint64_t now, struct wg_stat *out,
    size_t max)
{
	const struct wg_stat	st[] = {
		{ "handshakes", g->seen },
		{ "handshakes_dh", g->dh_done },
		{ "load_episodes", g->loaded },
		{ "under_load", (uint64_t)wg_guard_under_load(g, now) },
	};
	size_t			n;

	for (n = 0; n < max && n < sizeof(st) / sizeof(st[0]); n++)
		out[n] = st[n];
	return n;
}
