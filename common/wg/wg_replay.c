/*
 * Replay window.  Counters are stored shifted by one, so that top == 0
 * means "nothing received" and counter 0 is an ordinary value.
 */
#include <string.h>

#include "wg_msg.h"
#include "wg_replay.h"

void
wg_replay_init(struct wg_replay *r)
{
	memset(r, 0, sizeof(*r));
}

static enum wg_replay_verdict
wg_replay_verdict(const struct wg_replay *r, uint64_t counter)
{
	uint64_t	c;

	if (counter >= WG_REJECT_AFTER_MESSAGES ||
	    r->top > WG_REJECT_AFTER_MESSAGES)
		return WG_REPLAY_LIMIT;
	c = counter + 1;
	if (c > r->top)
		return WG_REPLAY_OK;
	if (c + WG_REPLAY_WINDOW < r->top)
		return WG_REPLAY_TOO_OLD;
	if (r->words[(c >> 6) % WG_REPLAY_WORDS] & (1ULL << (c & 63)))
		return WG_REPLAY_DUPLICATE;
	return WG_REPLAY_OK;
}

enum wg_replay_verdict
wg_replay_check(const struct wg_replay *r, uint64_t counter)
{
	return wg_replay_verdict(r, counter);
}

enum wg_replay_verdict
wg_replay_update(struct wg_replay *r, uint64_t counter)
{
	enum wg_replay_verdict	v;
	uint64_t		c, word, cur, n, i;

	if ((v = wg_replay_verdict(r, counter)) != WG_REPLAY_OK)
		return v;
	c = counter + 1;
	word = c >> 6;
	if (c > r->top) {
		/* Words between the old top and the new one are stale. */
		cur = r->top >> 6;
		n = word - cur;
		if (n > WG_REPLAY_WORDS)
			n = WG_REPLAY_WORDS;
		for (i = 1; i <= n; i++)
			r->words[(cur + i) % WG_REPLAY_WORDS] = 0;
		r->top = c;
	}
	r->words[word % WG_REPLAY_WORDS] |= 1ULL << (c & 63);
	return WG_REPLAY_OK;
}
