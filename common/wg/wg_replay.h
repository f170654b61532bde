/*
 * Sliding window against replayed transport messages (RFC 6479 style,
 * as WireGuard does it): a ring of 64-bit words, of which one is always
 * being recycled, so WG_REPLAY_WINDOW counters behind the highest one
 * seen are remembered exactly.  Counters at or above
 * WG_REJECT_AFTER_MESSAGES are refused.
 */
#ifndef EG_WG_REPLAY_H
#define EG_WG_REPLAY_H

#include <stdint.h>

#define WG_REPLAY_BITS		8192
#define WG_REPLAY_WORDS		(WG_REPLAY_BITS / 64)
#define WG_REPLAY_WINDOW	(WG_REPLAY_BITS - 64)

enum wg_replay_verdict {
	WG_REPLAY_OK,		/* not seen yet */
	WG_REPLAY_DUPLICATE,	/* seen already */
	WG_REPLAY_TOO_OLD,	/* behind the window */
	WG_REPLAY_LIMIT		/* >= WG_REJECT_AFTER_MESSAGES */
};

struct wg_replay {
	uint64_t	top;	/* highest counter taken, plus one; 0: none */
	uint64_t	words[WG_REPLAY_WORDS];
};

void	wg_replay_init(struct wg_replay *);

/* Whether counter may be accepted; changes nothing (call before AEAD). */
enum wg_replay_verdict wg_replay_check(const struct wg_replay *, uint64_t);

/* Records counter as received; call after authentication. Same verdict. */
enum wg_replay_verdict wg_replay_update(struct wg_replay *, uint64_t);

#endif /* EG_WG_REPLAY_H */
