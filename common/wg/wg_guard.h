/*
 * What handshakes may cost a process, over all its locals: eg-supd has
 * one local per address family, and a flood at one must neither leave
 * the other a way around the defence nor get twice the work done.  Three
 * token buckets on the caller's clock:
 * - handshake messages with a good mac1: more than WG_LOAD_RATE a
 *   second (after a burst of as many) put the process under load, until
 *   WG_LOAD_HOLD after the last one over the rate.  Under load, only a
 *   message whose mac2 proves its source address goes on; the others
 *   get a cookie reply.
 * - cookie replies: WG_COOKIE_RATE a second.  Each is cheap, but a
 *   spoofed flood asks for one per datagram, from the engine that also
 *   carries the data and control traffic; beyond the rate, a message
 *   is dropped unanswered.  It also bounds what the replies can send to
 *   the addresses a flood spoofs.
 * - Diffie-Hellman: WG_DH_RATE handshake messages a second get their
 *   X25519 work (a full handshake is four), whatever their mac2; the
 *   rest are dropped.  Sources that do answer cookies pass the checks
 *   above, and this is what bounds the CPU a flood of them takes.
 * Each bucket holds a second of its rate.
 */
#ifndef EG_WG_GUARD_H
#define EG_WG_GUARD_H

#include <stdint.h>

#include "wg.h"
#include "wg_msg.h"

#define WG_LOAD_RATE	64		/* handshake messages a second */
#define WG_LOAD_HOLD	WG_SEC
#define WG_COOKIE_RATE	10000		/* cookie replies a second */
#define WG_DH_RATE	1000		/* messages given X25519 a second */

struct wg_bucket {
	uint64_t	credit;		/* ns */
	uint64_t	last;		/* mono ns of the last take; 0: full */
};

struct wg_guard {
	struct wg_bucket	load, cookies, dh;
	uint64_t		load_until;	/* mono ns; 0: never loaded */
	uint64_t		seen;		/* good mac1 */
	uint64_t		dh_done;
	uint64_t		loaded;		/* times it went under load */
};

void	wg_guard_init(struct wg_guard *);
/*
 * One handshake message with a good mac1 at now; returns whether the
 * process is under load.
 */
int	wg_guard_arrival(struct wg_guard *, uint64_t now);
int	wg_guard_under_load(const struct wg_guard *, uint64_t now);
/* Whether a cookie reply may be sent now; if so it is counted. */
int	wg_guard_cookie(struct wg_guard *, uint64_t now);
/* Whether a message may have its X25519 work now; if so it is counted. */
int	wg_guard_dh(struct wg_guard *, uint64_t now);

#endif /* EG_WG_GUARD_H */
