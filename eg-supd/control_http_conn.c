/*
 * The HTTP servers' connections: what each may take, so that slow or
 * numerous clients cannot lock the APIs out (eg-supd(8), HTTP APIS).
 *
 *  - Two budgets: connections from sources that may call the Manage API
 *    (loopback and ManageAPI.AllowFrom) count against
 *    HTTP_MAX_MANAGE_CONNS, all others against HTTP_MAX_CONNS, so the
 *    rest of the network cannot exhaust the administrators' share.  On
 *    a Manage API port of its own, other sources are closed at once.
 *  - Per-source caps in each budget (control_http_source.c).
 *  - An absolute deadline: a request must have come whole within
 *    HTTP_REQUEST_S of when it could start (the connection opened, or
 *    the previous answer went out), or the connection is closed,
 *    however steadily it trickles in.  evhttp's own timeout restarts at
 *    every byte.
 * A connection over a limit is closed at once: waiting in the listen
 * queue behind the cause of the trouble serves nobody.
 *
 * libevent 2.1 has no hook when a server connection opens: the
 * bufferevent callback counts each new connection and keeps a
 * reference to its bufferevent; a deferred pass then finds the
 * connection through the bufferevent's callback argument, learns its
 * address and registers it (or, if evhttp has freed it already, which
 * clears the callbacks, counts it out).  A request that evhttp hands
 * over before that pass registers its connection itself.  The deadline
 * is never armed while the API holds a request: freeing the connection
 * would free the request under it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <netinet/in.h>

#include <event.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/http.h>

#include "control_http.h"
#include "util/log.h"

struct hconn {
	RB_ENTRY(hconn)			 entry;
	struct evhttp_connection	*evcon;
	struct hsrc			*src;	/* NULL: over a limit */
	struct addr_net			 addr;
	int				 class;
	int				 reading;	/* deadline armed */
	struct event			 ev_deadline;
};

static int
hconn_cmp(const struct hconn *a, const struct hconn *b)
{
	uintptr_t	x = (uintptr_t)a->evcon, y = (uintptr_t)b->evcon;

	return x < y ? -1 : x > y;
}

RB_HEAD(hconn_tree, hconn);
RB_PROTOTYPE(hconn_tree, hconn, entry, hconn_cmp)
RB_GENERATE(hconn_tree, hconn, entry, hconn_cmp)

struct http_stats	http_stats;

static struct {
	struct hconn_tree	 tree;
	struct {
		struct bufferevent	*bev;
		int			 role;
	}			 fresh[HTTP_MAX_CONNS_ALL + 1];
	int			 nfresh;
	int			 nconns;	/* accepted, not closed */
	int			 nclass[HTTP_NCLASSES];
	struct event		 ev_fresh;
	int			 ev_ready;
	struct hconn		*closing;	/* being freed by us */
} hc = { .tree = RB_INITIALIZER(&hc.tree) };

static const int	class_max[HTTP_NCLASSES] = {
	[HTTP_CLASS_EDGE] = HTTP_MAX_CONNS,
	[HTTP_CLASS_MANAGE] = HTTP_MAX_MANAGE_CONNS,
};
static const int	class_src_max[HTTP_NCLASSES] = {
	[HTTP_CLASS_EDGE] = HTTP_MAX_CONNS_SOURCE,
	[HTTP_CLASS_MANAGE] = HTTP_MAX_MANAGE_SOURCE,
};

static void	fresh_cb(int, short, void *);

int
http_conns(void)
{
	return hc.nconns;
}

int
http_conns_class(int class)
{
	return hc.nclass[class];
}

const struct addr_net *
hconn_addr(const struct hconn *c)
{
	return &c->addr;
}

struct hsrc *
hconn_src(const struct hconn *c)
{
	return c->src;
}

int
hconn_class(const struct hconn *c)
{
	return c->class;
}

/* Counts c out; it is gone afterwards. */
static void
hconn_forget(struct hconn *c)
{
	if (event_initialized(&c->ev_deadline))
		evtimer_del(&c->ev_deadline);
	if (c->src != NULL) {
		hsrc_conn(c->src, c->class, -1);
		hc.nclass[c->class]--;
		hsrc_release(c->src);
	}
	RB_REMOVE(hconn_tree, &hc.tree, c);
	free(c);
	hc.nconns--;
	http_conns_changed();
}

static void
conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct hconn	*c = arg;

	if (c == hc.closing)
		hc.closing = NULL;
	hconn_forget(c);
}

/* Closes c's connection, which must not hold a request of the APIs. */
static void
hconn_close(struct hconn *c)
{
	hc.closing = c;
	evhttp_connection_free(c->evcon);
	/* evhttp calls conn_closed() for a connected one; be sure. */
	if (hc.closing != NULL) {
		hc.closing = NULL;
		hconn_forget(c);
	}
}

static void
deadline_cb(int fd, short ev, void *arg)
{
	struct hconn	*c = arg;
	char		 a[INET6_ADDRSTRLEN];

	if (!c->reading)
		return;
	http_stats.deadline++;
	log_debug("HTTP %s: no whole request within %d s, closed",
	    addr_net_str(&c->addr, a, sizeof(a)), HTTP_REQUEST_S);
	hconn_close(c);
}

static void
arm(struct hconn *c)
{
	struct timeval	tv = { HTTP_REQUEST_S, 0 };

	c->reading = 1;
	evtimer_add(&c->ev_deadline, &tv);
}

/*
 * The class of a connection and whether its limits let it in: the
 * record, with src NULL when they do not.  NULL if there is no memory.
 */
static struct hconn *
hconn_register(struct evhttp_connection *evcon, int role)
{
	const struct sockaddr	*sa = evhttp_connection_get_addr(evcon);
	struct hconn		*c;
	struct hsrc		*s;
	char			 a[INET6_ADDRSTRLEN];
	int			 manage;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->evcon = evcon;
	evtimer_set(&c->ev_deadline, deadline_cb, c);
	RB_INSERT(hconn_tree, &hc.tree, c);
	evhttp_connection_set_closecb(evcon, conn_closed, c);
	if (sa == NULL || addr_net_of(sa, &c->addr) == -1) {
		/* Not IP: not from the network these budgets guard. */
		arm(c);
		return c;
	}
	manage = role != SUPD_HTTP_EDGE && manage_may_call(&c->addr);
	if (role == SUPD_HTTP_MANAGE && !manage) {
		http_stats.refused_manage++;
		log_debug("HTTP %s: may not call the Manage API, closed",
		    addr_net_str(&c->addr, a, sizeof(a)));
		return c;
	}
	c->class = manage ? HTTP_CLASS_MANAGE : HTTP_CLASS_EDGE;
	if (hc.nclass[c->class] >= class_max[c->class]) {
		http_stats.refused_budget++;
		log_debug("HTTP %s: %d %s connections open, closed",
		    addr_net_str(&c->addr, a, sizeof(a)), hc.nclass[c->class],
		    manage ? "Manage API" : "EdgeAPI");
		return c;
	}
	if ((s = hsrc_get(&c->addr)) == NULL) {
		http_stats.refused_source++;
		return c;
	}
	if (hsrc_conns(s, c->class) >= class_src_max[c->class]) {
		http_stats.refused_source++;
		log_debug("HTTP %s: %d connections open from there, closed",
		    hsrc_name(s), hsrc_conns(s, c->class));
		hsrc_release(s);
		return c;
	}
	c->src = s;
	hsrc_conn(s, c->class, 1);
	hc.nclass[c->class]++;
	arm(c);
	return c;
}

static struct hconn *
hconn_find(struct evhttp_connection *evcon)
{
	struct hconn	key;

	key.evcon = evcon;
	return RB_FIND(hconn_tree, &hc.tree, &key);
}

/* The deferred pass: see the comment at the top. */
static void
fresh_cb(int fd, short ev, void *arg)
{
	bufferevent_event_cb	 eventcb;
	struct hconn		*c;
	void			*cbarg;
	int			 i;

	for (i = 0; i < hc.nfresh; i++) {
		bufferevent_getcb(hc.fresh[i].bev, NULL, NULL, &eventcb,
		    &cbarg);
		if (eventcb == NULL || cbarg == NULL) {
			hc.nconns--;		/* freed already */
		} else if (hconn_find(cbarg) == NULL) {
			if ((c = hconn_register(cbarg, hc.fresh[i].role)) ==
			    NULL) {
				hc.nconns--;
				evhttp_connection_free(cbarg);
			} else if (c->src == NULL && c->addr.family != 0)
				/* No request of it reached the APIs yet. */
				hconn_close(c);
		}
		bufferevent_decref(hc.fresh[i].bev);
	}
	hc.nfresh = 0;
	http_conns_changed();
}

struct bufferevent *
hconn_bev(struct event_base *base, void *arg)
{
	struct bufferevent	*bev;
	struct timeval		 tv = { 0, 0 };

	if (!hc.ev_ready) {
		evtimer_set(&hc.ev_fresh, fresh_cb, NULL);
		hc.ev_ready = 1;
	}
	if ((bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE)) ==
	    NULL)
		return NULL;	/* evhttp tries its own, which fails too */
	if (hc.nfresh == HTTP_MAX_CONNS_ALL + 1) {
		/* Cannot happen: accepting pauses first.  Be safe. */
		bufferevent_free(bev);
		return NULL;
	}
	bufferevent_incref(bev);
	hc.fresh[hc.nfresh].bev = bev;
	hc.fresh[hc.nfresh].role = (int)(intptr_t)arg;
	hc.nfresh++;
	hc.nconns++;
	http_conns_changed();
	if (!evtimer_pending(&hc.ev_fresh, NULL))
		evtimer_add(&hc.ev_fresh, &tv);
	return bev;
}

struct hconn *
hconn_of(struct evhttp_request *req, int role)
{
	struct evhttp_connection	*evcon;
	struct hconn			*c;

	if ((evcon = evhttp_request_get_connection(req)) == NULL)
		return NULL;
	if ((c = hconn_find(evcon)) == NULL &&
	    (c = hconn_register(evcon, role)) == NULL)
		return NULL;
	/* The request is whole: the APIs have it until they answer. */
	c->reading = 0;
	evtimer_del(&c->ev_deadline);
	return c->src != NULL || c->addr.family == 0 ? c : NULL;
}

/* The answer went out: the next request may start. */
static void
reply_done(struct evhttp_request *req, void *arg)
{
	arm(arg);
}

void
hconn_reply(struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	struct hconn			*c;

	/* No connection: the client left while the API held the request. */
	if ((evcon = evhttp_request_get_connection(req)) == NULL ||
	    (c = hconn_find(evcon)) == NULL)
		return;
	evhttp_request_set_on_complete_cb(req, reply_done, c);
}

/* Before evhttp_free(), which closes every connection. */
void
hconn_shutdown(void)
{
	int	i;

	for (i = 0; i < hc.nfresh; i++)
		bufferevent_decref(hc.fresh[i].bev);
	hc.nfresh = 0;
	if (hc.ev_ready) {
		evtimer_del(&hc.ev_fresh);
		hc.ev_ready = 0;
	}
}
