/*
 * Per-source token bucket for handshake messages under load, as
 * WireGuard's ratelimiter: WG_RL_PER_SECOND messages a second with a
 * burst of WG_RL_BURST.  The table has a fixed number of slots chosen
 * at creation; a source probes a few slots picked by a keyed hash, so
 * spoofed sources can neither grow the table nor aim at one slot.  When
 * every probed slot is busy with a recent source, the new one is
 * refused until some go idle.
 */
#ifndef EG_WG_RATELIMIT_H
#define EG_WG_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "wg.h"
#include "wg_crypto.h"

#define WG_RL_PER_SECOND	20
#define WG_RL_BURST		5
#define WG_RL_SLOTS		4096	/* power of two */
#define WG_RL_PROBES		8
#define WG_RL_HOST_MAX		16

struct wg_rl_entry {
	uint64_t	last;		/* mono ns of the last one; 0: free */
	uint64_t	tokens;		/* ns of credit */
	uint8_t		len;
	uint8_t		host[WG_RL_HOST_MAX];
};

struct wg_ratelimit {
	struct wg_rl_entry	*slots;
	size_t			 nslots;
	uint8_t			 key[16];	/* SipHash key, random */
};

int	wg_ratelimit_init(struct wg_ratelimit *, size_t nslots,
	    const struct wg_rng *);
void	wg_ratelimit_free(struct wg_ratelimit *);
/* 1 when the host may send one more handshake message at now. */
int	wg_ratelimit_allow(struct wg_ratelimit *, const uint8_t *host,
	    size_t len, uint64_t now);

#endif /* EG_WG_RATELIMIT_H */
