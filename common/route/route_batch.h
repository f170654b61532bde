/*
 * The loop both route processes run around the route engine (eg-supd's
 * route process, egd's in P2P mode): samples are taken as they come,
 * the engine is polled once the messages read together are handled
 * (route_batch_soon()), so a burst of them costs one poll, and a timer
 * wakes it for what route_next_poll() says comes next.  The engine's
 * own RecalculateCoolDown decides when a poll computes.
 */
#ifndef EG_ROUTE_BATCH_H
#define EG_ROUTE_BATCH_H

#include <event.h>

struct route;

/* After every poll: the ROUTE_* bits it returned (0: nothing ran). */
typedef void	(*route_batch_cb)(int flags, void *arg);

struct route_batch {
	struct route	*rb_rt;
	route_batch_cb	 rb_done;
	void		*rb_arg;
	struct event	 rb_ev;
	int		 rb_evset;
	uint64_t	 rb_polls;
};

/* Seconds on the monotonic clock, the route engine's "now". */
double	route_batch_now(void);
void	route_batch_init(struct route_batch *, route_batch_cb, void *);
/* The engine to drive (NULL: none, the timer stops). */
void	route_batch_set(struct route_batch *, struct route *);
/* Polls now; logs negative cycles and rounding; re-arms the timer. */
void	route_batch_run(struct route_batch *);
/* Polls when the event loop comes back. */
void	route_batch_soon(struct route_batch *);
void	route_batch_stop(struct route_batch *);

#endif /* EG_ROUTE_BATCH_H */
