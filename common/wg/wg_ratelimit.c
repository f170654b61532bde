/*
 * Token buckets per source host.  Credit is kept in nanoseconds: each
 * message costs 1/WG_RL_PER_SECOND s and a bucket holds WG_RL_BURST of
 * them, refilled with the time that passed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "wg_ratelimit.h"

#define RL_COST		(WG_SEC / WG_RL_PER_SECOND)
#define RL_MAX		(RL_COST * WG_RL_BURST)
#define RL_IDLE		WG_SEC	/* idle this long, a bucket is full again */

int
wg_ratelimit_init(struct wg_ratelimit *rl, size_t nslots,
    const struct wg_rng *rng)
{
	if (nslots == 0 || (nslots & (nslots - 1)) != 0) {
		errno = EINVAL;
		return -1;
	}
	if ((rl->slots = calloc(nslots, sizeof(*rl->slots))) == NULL)
		return -1;
	rl->nslots = nslots;
	wg_rng_bytes(rng, rl->key, sizeof(rl->key));
	return 0;
}

void
wg_ratelimit_free(struct wg_ratelimit *rl)
{
	if (rl->slots != NULL)
		sodium_memzero(rl->slots, rl->nslots * sizeof(*rl->slots));
	free(rl->slots);
	sodium_memzero(rl, sizeof(*rl));
}

int
wg_ratelimit_allow(struct wg_ratelimit *rl, const uint8_t *host, size_t len,
    uint64_t now)
{
	struct wg_rl_entry	*e, *spare = NULL;
	uint64_t		 h, tokens;
	size_t			 i;

	if (len > WG_RL_HOST_MAX)
		len = WG_RL_HOST_MAX;
	crypto_shorthash((uint8_t *)&h, host, len, rl->key);
	for (i = 0; i < WG_RL_PROBES; i++) {
		e = &rl->slots[(h + i) & (rl->nslots - 1)];
		if (e->last != 0 && e->len == len &&
		    memcmp(e->host, host, len) == 0) {
			tokens = e->tokens;
			if (now > e->last)
				tokens += now - e->last;
			if (tokens > RL_MAX)
				tokens = RL_MAX;
			e->last = now;
			if (tokens < RL_COST) {
				e->tokens = tokens;
				return 0;
			}
			e->tokens = tokens - RL_COST;
			return 1;
		}
		if (spare == NULL &&
		    (e->last == 0 || now < e->last || now - e->last >= RL_IDLE))
			spare = e;
	}
	if (spare == NULL)
		return 0;
	/* A new source starts with a full bucket, less this message. */
	spare->last = now;
	spare->tokens = RL_MAX - RL_COST;
	spare->len = len;
	memcpy(spare->host, host, len);
	return 1;
}
