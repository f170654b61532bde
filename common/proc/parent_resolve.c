/*
 * The parent asks the resolver for names (see parent_resolve.h and
 * resolver.c).  Every request has a slot, an id and a deadline; the
 * parent believes only answers that match a request it made
 * (resolve_answer_check()).  An answer to a request already given up on
 * is late: dropped and counted.  Any other mismatch means the resolver
 * is broken or taken over: counted, logged, and the daemon stops, as it
 * does for any child that sends what it must not.  A dead name server
 * costs a timeout per request, never the parent's event loop.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "parent.h"
#include "parent_resolve.h"
#include "proc_imsg.h"
#include "resolver.h"
#include "util/addr.h"
#include "util/log.h"

struct resolve_batch {
	unsigned int	 pending;
	int		 closed;
	void		(*done)(void *);
	void		*arg;
};

struct resolve_slot {
	resolve_cb		 cb;
	void			*arg;
	struct resolve_batch	*batch;
	struct event		 ev_timeout;
	char			 hostport[RESOLVE_HOSTPORT_LEN];
};

static struct {
	struct proc_chan	*chan;
	uint32_t		 next_id;
	struct resolve_asked	 asked[RESOLVE_MAX_PENDING];
	struct resolve_slot	 slots[RESOLVE_MAX_PENDING];
	/* answers by verdict, and requests refused for want of a slot */
	uint64_t		 counts[RESOLVE_VERDICT_MAX];
	uint64_t		 busy;
} pr;

struct resolve_batch *
resolve_batch_new(void (*done)(void *), void *arg)
{
	struct resolve_batch	*b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("%s", __func__);
	b->done = done;
	b->arg = arg;
	return b;
}

static void
batch_check(struct resolve_batch *b)
{
	if (b == NULL || !b->closed || b->pending > 0)
		return;
	if (b->done != NULL)
		b->done(b->arg);
	free(b);
}

void
resolve_batch_close(struct resolve_batch *b)
{
	b->closed = 1;
	batch_check(b);
}

/* Slot i has its outcome: free it, then tell the one who asked. */
static void
slot_finish(size_t i, const struct sockaddr_storage *ss, socklen_t len)
{
	struct resolve_slot	*s = &pr.slots[i];
	struct resolve_batch	*b = s->batch;
	resolve_cb		 cb = s->cb;
	void			*arg = s->arg;

	s->cb = NULL;
	s->batch = NULL;
	if (cb != NULL)
		cb(ss, len, arg);
	if (b != NULL) {
		b->pending--;
		batch_check(b);
	}
}

static void
slot_timeout(int fd, short event, void *arg)
{
	size_t	i = (size_t)(uintptr_t)arg;

	log_warnx("endpoint %s: no answer from the resolver in %d s",
	    pr.slots[i].hostport, RESOLVE_TIMEOUT_S);
	/* The slot waits for the late answer, which the resolver owes. */
	pr.asked[i].timed_out = 1;
	slot_finish(i, NULL, 0);
}

void
parent_resolve_init(struct proc_chan *resolver)
{
	size_t	i;

	pr.chan = resolver;
	pr.next_id = 1;
	for (i = 0; i < RESOLVE_MAX_PENDING; i++)
		evtimer_set(&pr.slots[i].ev_timeout, slot_timeout,
		    (void *)(uintptr_t)i);
}

void
parent_resolve(struct resolve_batch *b, const char *hostport, int af_prefer,
    int have4, int have6, resolve_cb cb, void *arg)
{
	struct timeval		 tv = { RESOLVE_TIMEOUT_S, 0 };
	struct sockaddr_storage	 ss;
	struct resolve_req	 req;
	socklen_t		 len;
	uint16_t		 port;
	char			 host[RESOLVE_HOSTPORT_LEN];
	size_t			 i;

	switch (endpoint_literal(hostport, have4, have6, &ss, &len)) {
	case 1:
		cb(&ss, len, arg);
		return;
	case 0:
		break;
	default:
		log_warnx("endpoint %s: not host:port, or an address of a "
		    "family not in use", hostport);
		cb(NULL, 0, arg);
		return;
	}
	if (endpoint_split(hostport, host, sizeof(host), &port) == -1 ||
	    strlen(hostport) >= sizeof(req.hostport)) {
		log_warnx("endpoint %s: not host:port", hostport);
		cb(NULL, 0, arg);
		return;
	}
	for (i = 0; i < RESOLVE_MAX_PENDING && pr.asked[i].used; i++)
		;
	if (i == RESOLVE_MAX_PENDING) {
		pr.busy++;
		log_warnx("endpoint %s: the resolver has %d requests "
		    "already, not asked (%llu so far)", hostport,
		    RESOLVE_MAX_PENDING, (unsigned long long)pr.busy);
		cb(NULL, 0, arg);
		return;
	}

	memset(&req, 0, sizeof(req));
	req.id = pr.next_id++;
	if (pr.next_id == 0)
		pr.next_id = 1;
	req.af_prefer = af_prefer == 6 || af_prefer == 4 ? af_prefer : 0;
	req.have4 = have4 != 0;
	req.have6 = have6 != 0;
	strlcpy(req.hostport, hostport, sizeof(req.hostport));
	if (proc_compose(pr.chan, IMSG_RESOLVE_REQ, 0, 0, -1, &req,
	    sizeof(req)) == -1)
		fatal("request to the resolver");

	memset(&pr.asked[i], 0, sizeof(pr.asked[i]));
	pr.asked[i].id = req.id;
	pr.asked[i].port = port;
	pr.asked[i].have4 = req.have4;
	pr.asked[i].have6 = req.have6;
	pr.asked[i].used = 1;
	pr.slots[i].cb = cb;
	pr.slots[i].arg = arg;
	pr.slots[i].batch = b;
	strlcpy(pr.slots[i].hostport, hostport, sizeof(pr.slots[i].hostport));
	if (b != NULL)
		b->pending++;
	evtimer_add(&pr.slots[i].ev_timeout, &tv);
	log_debug("endpoint %s: asked the resolver (request %u)", hostport,
	    req.id);
}

void
parent_resolve_imsg(struct proc_chan *pc, struct imsg *imsg)
{
	struct resolve_answer	ans;
	enum resolve_verdict	v;
	size_t			i = 0;
	char			a[64], line[256];

	v = resolve_answer_check(pr.asked, RESOLVE_MAX_PENDING, imsg->data,
	    imsg->datalen, &ans, &i);
	pr.counts[v]++;
	switch (v) {
	case RESOLVE_OK:
	case RESOLVE_NONE:
		evtimer_del(&pr.slots[i].ev_timeout);
		pr.asked[i].used = 0;
		if (v == RESOLVE_OK)
			log_debug("endpoint %s: %s", pr.slots[i].hostport,
			    sockaddr_str((struct sockaddr *)&ans.ss, a,
			    sizeof(a)));
		slot_finish(i, v == RESOLVE_OK ? &ans.ss : NULL,
		    v == RESOLVE_OK ? (socklen_t)ans.sslen : 0);
		return;
	case RESOLVE_LATE:
		log_info("endpoint %s: late answer from the resolver "
		    "dropped (%llu so far)", pr.slots[i].hostport,
		    (unsigned long long)pr.counts[v]);
		pr.asked[i].used = 0;
		return;
	default:
		break;
	}
	/* With fatal()'s marker (log.c): the daemon stops because of it. */
	snprintf(line, sizeof(line), "fatal in %s: answer from the resolver "
	    "refused: %s (request %u; %llu so far)", log_procname(),
	    resolve_verdict_name(v), imsg->datalen == sizeof(ans) ? ans.id :
	    0, (unsigned long long)pr.counts[v]);
	log_raw(LOG_CRIT, line);
	parent_shutdown(1);
}
