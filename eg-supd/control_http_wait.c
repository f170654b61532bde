/*
 * HTTP requests waiting for the parent's answer (control_http.h, struct
 * hwait): a Manage API call it applies, an EdgeAPI request whose
 * credential only it can check.  Each has a request id that the answer
 * echoes; one that is not answered in HTTP_PARENT_WAIT_S is told 504 by
 * its own expired callback.  If the client has gone by then, evhttp
 * drops the reply.  The number waiting per kind is bounded by the
 * caller.  A struct hwait is the first member of what its caller
 * malloc'ed, so that shutdown can free it.
 */
#include <sys/types.h>
#include <sys/queue.h>

#include <event.h>
#include <stdlib.h>

#include <event2/http.h>

#include "control_http.h"

static TAILQ_HEAD(, hwait)	waits = TAILQ_HEAD_INITIALIZER(waits);
static uint32_t			next_request = 1;
static struct event		ev_expire;
static int			ev_expire_ready;

static void
expire_cb(int fd, short ev, void *arg)
{
	struct hwait	*w;
	struct timeval	 tv = { 1, 0 };
	int64_t		 now = http_now_ms();

	(void)fd;
	(void)ev;
	(void)arg;
	while ((w = TAILQ_FIRST(&waits)) != NULL && w->deadline_ms <= now) {
		hwait_remove(w);
		w->expired(w);
	}
	if (!TAILQ_EMPTY(&waits))
		evtimer_add(&ev_expire, &tv);
}

uint32_t
hwait_next_id(void)
{
	return next_request;
}

void
hwait_add(struct hwait *w, struct evhttp_request *req,
    void (*expired)(struct hwait *))
{
	struct timeval	tv = { 1, 0 };

	w->request = next_request;
	if (++next_request == 0)
		next_request = 1;
	w->req = req;
	w->expired = expired;
	/* All wait the same: the list stays in deadline order. */
	w->deadline_ms = http_now_ms() + HTTP_PARENT_WAIT_S * 1000;
	TAILQ_INSERT_TAIL(&waits, w, entry);
	if (!ev_expire_ready) {
		evtimer_set(&ev_expire, expire_cb, NULL);
		ev_expire_ready = 1;
	}
	if (!evtimer_pending(&ev_expire, NULL))
		evtimer_add(&ev_expire, &tv);
}

struct hwait *
hwait_find(uint32_t request)
{
	struct hwait	*w;

	TAILQ_FOREACH(w, &waits, entry)
		if (w->request == request)
			return w;
	return NULL;
}

void
hwait_remove(struct hwait *w)
{
	TAILQ_REMOVE(&waits, w, entry);
}

void
hwait_shutdown(void)
{
	struct hwait	*w;

	while ((w = TAILQ_FIRST(&waits)) != NULL) {
		hwait_remove(w);
		http_text(w->req, 503, "the supernode is shutting down");
		free(w);
	}
	if (ev_expire_ready)
		evtimer_del(&ev_expire);
}
