/*
 * The nodeinfo report (doc/super-internals.md): every HttpPostInterval
 * the edge posts its local addresses (none with SkipLocalIP) and the
 * Pongs measured since the last report that got through.  Pongs wait in
 * a buffer of the newest EDGEAPI_MAX_PONGS; a report carries the newest
 * that fit in EDGEAPI_BODY_MAX, and a report the supernode took
 * releases every Pong it covered.  A Pong carries what is left of its
 * lifetime when it is posted, and one whose lifetime ran out while it
 * waited is not posted at all: a link cut just after its last Pong
 * must not live on at the supernode for HttpPostInterval longer.  It
 * also carries its Ping's number and its age, by which the supernode
 * knows it from the copy that came over UDP.
 */
#include <sys/types.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control_apiclient_int.h"
#include "util/log.h"

static double
mono_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Removes the first n Pongs of the buffer. */
static void
pongs_shift(size_t n)
{
	if (n > ac.npongs)
		n = ac.npongs;
	memmove(ac.pongs, ac.pongs + n, (ac.npongs - n) *
	    sizeof(ac.pongs[0]));
	memmove(ac.pong_void, ac.pong_void + n, (ac.npongs - n) *
	    sizeof(ac.pong_void[0]));
	memmove(ac.pong_at, ac.pong_at + n, (ac.npongs - n) *
	    sizeof(ac.pong_at[0]));
	ac.npongs -= n;
	if (ac.post != NULL)
		ac.post->upto = ac.post->upto > n ? ac.post->upto - n : 0;
}

void
apiclient_pongs(const struct ovlmsg_pong *p, size_t n)
{
	size_t	i, drop, bad = 0;
	double	now = mono_now();

	for (i = 0; i < n; i++) {
		if (!edgeapi_pong_valid(&p[i])) {
			bad++;
			continue;
		}
		if (ac.npongs == EDGEAPI_MAX_PONGS) {
			/* Keep the newest: drop the oldest eighth. */
			drop = EDGEAPI_MAX_PONGS / 8;
			pongs_shift(drop);
			log_cat(LOGC_CONTROL, "EdgeAPI: %zu Pongs not yet "
			    "reported dropped", drop);
		}
		/* The engine passes Pongs on within a quarter second. */
		ac.pong_at[ac.npongs] = now;
		ac.pong_void[ac.npongs] = now + p[i].lifetime_s;
		ac.pongs[ac.npongs++] = p[i];
	}
	if (bad > 0)
		log_warnx("EdgeAPI: %zu Pong%s out of range not reported", bad,
		    bad == 1 ? "" : "s");
}

size_t
apiclient_pending_pongs(void)
{
	return ac.npongs;
}

void
ac_post_schedule(double delay_s)
{
	struct timeval	tv;

	if (!ac.ready)
		return;
	if (!(delay_s > 0) || delay_s > EDGEAPI_NUM_MAX)
		delay_s = APICLIENT_POST_DEFAULT;
	tv.tv_sec = (time_t)delay_s;
	tv.tv_usec = (suseconds_t)((delay_s - floor(delay_s)) * 1e6);
	evtimer_del(&ac.ev_post);
	evtimer_add(&ac.ev_post, &tv);
}

/* The report body with the newest Pongs that fit; NULL on ENOMEM. */
static char *
build_report(size_t *lenp, size_t *npongs)
{
	struct edgeapi_nodeinfo	 ni;
	size_t			 n, i, k;
	double			 now = mono_now();
	char			*doc;

	/*
	 * Pongs are kept oldest first, but lifetimes may differ: drop
	 * every expired one (none is being posted: no report is out).
	 */
	for (i = k = 0; i < ac.npongs; i++) {
		if (ac.pong_void[i] <= now)
			continue;
		ac.pongs[k] = ac.pongs[i];
		ac.pongs[k].lifetime_s = ac.pong_void[i] - now;
		ac.pong_age_s[k] = now - ac.pong_at[i];
		ac.pong_at[k] = ac.pong_at[i];
		ac.pong_void[k++] = ac.pong_void[i];
	}
	if (k < ac.npongs)
		log_cat(LOGC_CONTROL, "EdgeAPI: %zu Pongs expired before they "
		    "could be reported", ac.npongs - k);
	ac.npongs = n = k;
	memset(&ni, 0, sizeof(ni));
	if (!ac.skip_local_ip)
		ni.local = ac.local;
	for (;;) {
		ni.pongs = ac.pongs + (ac.npongs - n);
		ni.pong_age_s = ac.pong_age_s + (ac.npongs - n);
		ni.npongs = n;
		if ((doc = edgeapi_nodeinfo_build(&ni, lenp)) == NULL)
			return NULL;
		if (*lenp <= EDGEAPI_BODY_MAX || n == 0)
			break;
		free(doc);
		/* Scale down with a margin; converges in a step or two. */
		n = (size_t)((double)n * (EDGEAPI_BODY_MAX * 0.95) /
		    (double)*lenp);
	}
	*npongs = n;
	return doc;
}

static void
post_now(void)
{
	struct ac_req	*r;
	char		*doc, pathq[64];
	size_t		 len, n;

	if (ac.post != NULL || !ac_can_talk())
		return;
	if ((doc = build_report(&len, &n)) == NULL) {
		log_warnx("EdgeAPI: cannot build the nodeinfo report");
		ac_post_schedule(ac.post_interval);
		return;
	}
	if (n < ac.npongs)
		log_cat(LOGC_CONTROL, "EdgeAPI: %zu older Pongs do not fit in "
		    "the report", ac.npongs - n);
	snprintf(pathq, sizeof(pathq), "/edge/post/nodeinfo?NodeID=%u",
	    ac.node_id);
	r = ac_send(AC_POST, pathq, (const uint8_t *)doc, len);
	free(doc);
	if (r == NULL) {
		log_warnx("EdgeAPI: cannot send the nodeinfo report");
		ac_post_schedule(ac.post_interval);
		return;
	}
	r->upto = ac.npongs;
	ac.post = r;
}

void
ac_post_cb(int fd, short ev, void *arg)
{
	post_now();
}

void
apiclient_post_now(void)
{
	evtimer_del(&ac.ev_post);
	post_now();
}

void
ac_post_done(struct ac_req *r, int status, const uint8_t *body, size_t len)
{
	size_t	upto = r->upto;

	ac_req_free(r);
	ac.post = NULL;
	if (status == 200) {
		/* Released: what the report covered, and anything older. */
		pongs_shift(upto);
	} else
		log_warnx("EdgeAPI nodeinfo: %s%d; Pongs kept for the next "
		    "report", status == 0 ? "no answer, " : "HTTP ", status);
	ac_post_schedule(ac.post_interval);
}

void
ac_post_abort(void)
{
	ac_req_free(ac.post);
	ac.post = NULL;
}
