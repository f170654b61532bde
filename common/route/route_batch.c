/*
 * The route processes' loop around the route engine (route_batch.h).
 */
#include <sys/types.h>

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "route.h"
#include "route_batch.h"
#include "util/log.h"

double
route_batch_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
route_batch_event(int fd, short event, void *arg)
{
	route_batch_run(arg);
}

void
route_batch_init(struct route_batch *rb, route_batch_cb done, void *arg)
{
	memset(rb, 0, sizeof(*rb));
	rb->rb_done = done;
	rb->rb_arg = arg;
}

static void
route_batch_arm(struct route_batch *rb, double wait)
{
	struct timeval	tv;

	if (!rb->rb_evset) {
		evtimer_set(&rb->rb_ev, route_batch_event, rb);
		rb->rb_evset = 1;
	}
	evtimer_del(&rb->rb_ev);
	/* at least 1 ms, at most an hour: polls are cheap when idle */
	if (wait < 0.001)
		wait = 0.001;
	if (wait > 3600)
		wait = 3600;
	tv.tv_sec = (time_t)wait;
	tv.tv_usec = (suseconds_t)((wait - tv.tv_sec) * 1e6);
	evtimer_add(&rb->rb_ev, &tv);
}

void
route_batch_set(struct route_batch *rb, struct route *rt)
{
	rb->rb_rt = rt;
	if (rt == NULL)
		route_batch_stop(rb);
}

void
route_batch_run(struct route_batch *rb)
{
	double	 now, next;
	int	 r;

	if (rb->rb_rt == NULL)
		return;
	now = route_batch_now();
	rb->rb_polls++;
	if ((r = route_poll(rb->rb_rt, now)) == -1)
		fatal("route engine");
	if (r & ROUTE_NEGCYCLE)
		log_warnx("a cycle of negative ManualLatency: negative "
		    "weights taken as 0");
	if (r & ROUTE_COARSE)
		log_warnx("latencies too large for microseconds were rounded");
	if (rb->rb_done != NULL)
		rb->rb_done(r, rb->rb_arg);
	next = route_next_poll(rb->rb_rt);
	if (isfinite(next))
		route_batch_arm(rb, next - now);
	else if (rb->rb_evset)
		evtimer_del(&rb->rb_ev);
}

void
route_batch_soon(struct route_batch *rb)
{
	struct timeval	tv = { 0, 0 };

	if (rb->rb_rt == NULL)
		return;
	if (!rb->rb_evset) {
		evtimer_set(&rb->rb_ev, route_batch_event, rb);
		rb->rb_evset = 1;
	}
	evtimer_del(&rb->rb_ev);
	evtimer_add(&rb->rb_ev, &tv);
}

void
route_batch_stop(struct route_batch *rb)
{
	if (rb->rb_evset)
		evtimer_del(&rb->rb_ev);
}
