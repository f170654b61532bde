/*
 * The Manage API (seed 001, doc/super-internals.md "Manage API"): who
 * may call and how is control_manage_auth.c's; a source whose
 * credentials keep failing is throttled (429) before any is looked at.
 * super/state is answered here; peer/add, peer/del, peer/update and
 * super/update are checked here and applied by the parent, which owns the
 * config file.  The HTTP request waits for the parent's answer
 * (IMSG_SUPD_MANAGE_RESULT, matched by request id); if the client has
 * gone by then, evhttp drops the reply.
 */
#include <sys/types.h>
#include <sys/queue.h>

#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <sodium.h>

#include "control_http.h"
#include "control_manage_parse.h"
#include "util/log.h"

struct pending {
	TAILQ_ENTRY(pending)	 entry;
	uint32_t		 request;
	struct evhttp_request	*req;
	int64_t			 deadline_ms;
	int			 call;
};

static TAILQ_HEAD(, pending)	pendings = TAILQ_HEAD_INITIALIZER(pendings);
static int			npending;
static uint32_t			next_request = 1;
static struct event		ev_expire;
static int			ev_expire_ready;

static void
pending_free(struct pending *p)
{
	TAILQ_REMOVE(&pendings, p, entry);
	npending--;
	free(p);
}

/* Calls the parent did not answer in time get 504. */
static void
expire_cb(int fd, short ev, void *arg)
{
	struct pending	*p;
	struct timeval	 tv = { 1, 0 };
	int64_t		 now = http_now_ms();

	while ((p = TAILQ_FIRST(&pendings)) != NULL && p->deadline_ms <= now) {
		log_warnx("Manage API %s: no answer from the parent",
		    manage_call_name(p->call));
		http_text(p->req, 504, "no answer from the supernode's parent "
		    "process");
		pending_free(p);
	}
	if (!TAILQ_EMPTY(&pendings))
		evtimer_add(&ev_expire, &tv);
}

static int
method_ok(struct evhttp_request *req, int call)
{
	enum evhttp_cmd_type	cmd = evhttp_request_get_command(req);

	switch (call) {
	case MANAGE_SUPER_STATE:
		if (cmd == EVHTTP_REQ_GET)
			return 1;
		http_text(req, 405, "use GET");
		return 0;
	case MANAGE_PEER_DEL:
		return 1;
	default:
		if (cmd == EVHTTP_REQ_POST)
			return 1;
		http_text(req, 405, "use POST");
		return 0;
	}
}

static void
send_state(struct evhttp_request *req)
{
	char	*doc;
	size_t	 len;

	if ((doc = hstate_state_doc(&len)) == NULL) {
		http_text(req, 503, "out of memory");
		return;
	}
	http_data(req, 200, "application/json", doc, len);
	free(doc);
}

/* Hands m to the parent and keeps req until its answer. */
static void
forward(struct evhttp_request *req, int call, struct supd_manage *m)
{
	struct pending	*p;
	struct timeval	 tv = { 1, 0 };

	if (npending >= HTTP_MAX_PENDING) {
		http_text(req, 503, "too many Manage API calls in progress");
		return;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		http_text(req, 503, "out of memory");
		return;
	}
	m->request = next_request++;
	if (next_request == 0)
		next_request = 1;
	if (http_out.manage == NULL || http_out.manage(m) == -1) {
		free(p);
		http_text(req, 503, "the supernode is shutting down");
		return;
	}
	p->request = m->request;
	p->req = req;
	p->call = call;
	p->deadline_ms = http_now_ms() + HTTP_MANAGE_WAIT_S * 1000;
	TAILQ_INSERT_TAIL(&pendings, p, entry);
	npending++;
	if (!ev_expire_ready) {
		evtimer_set(&ev_expire, expire_cb, NULL);
		ev_expire_ready = 1;
	}
	if (!evtimer_pending(&ev_expire, NULL))
		evtimer_add(&ev_expire, &tv);
}

/* A checked credential was wrong: the source's failures count it. */
static void
auth_failed(struct hsrc *src, int call, const char *why)
{
	http_stats.auth_failed++;
	log_cat(LOGC_CONTROL, "Manage API %s from %s: %s",
	    manage_call_name(call), src != NULL ? hsrc_name(src) : "here",
	    why);
	if (src != NULL)
		hsrc_failed(src);
}

void
http_manage(struct evhttp_request *req, int call, const char *query,
    struct hconn *c)
{
	const struct super_conf	*conf = hstate_getconf();
	const struct addr_net	*addr = hconn_addr(c);
	struct hsrc		*src = hconn_src(c);
	struct manage_form	 qf, bf;
	struct manage_limits	 lim;
	struct supd_manage	 m;
	const uint8_t		*body;
	char			 why[MANAGE_REASON_LEN];
	char			 a[INET6_ADDRSTRLEN], retry[16];
	size_t			 blen;
	int			 rc, by_password, failed, have_body, wait;

	if (!manage_may_call(addr)) {
		http_text(req, 403, "Manage API: not open to %s "
		    "(ManageAPI.AllowFrom)", addr_net_str(addr, a, sizeof(a)));
		return;
	}
	/* Throttled: no credential is even looked at, right or wrong. */
	if (src != NULL && (wait = hsrc_throttled(src)) > 0) {
		http_stats.throttled++;
		snprintf(retry, sizeof(retry), "%d", wait);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", retry);
		http_text(req, 429, "Manage API: too many failed "
		    "authentications from %s; try again in %d s",
		    hsrc_name(src), wait);
		return;
	}
	if (!method_ok(req, call))
		return;
	if (manage_form_parse(&qf, query, strlen(query), why,
	    sizeof(why)) == -1) {
		http_text(req, 400, "%s", why);
		return;
	}
	body = http_body(req, &blen);
	have_body = evhttp_request_get_command(req) == EVHTTP_REQ_POST;
	if (have_body && manage_form_parse(&bf, body != NULL ?
	    (const char *)body : "", blen, why, sizeof(why)) == -1) {
		http_text(req, 400, "%s", why);
		manage_form_free(&qf);
		return;
	}
	if ((rc = manage_auth(req, call, &qf, have_body ? &bf : NULL, addr,
	    &by_password, &failed, why, sizeof(why))) != 0) {
		if (failed)
			auth_failed(src, call, why);
		else
			log_cat(LOGC_CONTROL, "Manage API %s: %s",
			    manage_call_name(call), why);
		http_text(req, rc, "%s", why);
		manage_form_free(&qf);
		if (have_body)
			manage_form_free(&bf);
		return;
	}
	lim.peer_alive_timeout = conf->peer_alive_timeout;
	lim.send_ping_interval = conf->send_ping_interval;
	lim.http_post_interval = conf->http_post_interval;
	lim.static_mode = conf->graph.static_mode;
	rc = manage_parse(call, &qf, have_body ? &bf : NULL, &lim,
	    by_password, &m, why, sizeof(why));
	manage_form_free(&qf);
	if (have_body)
		manage_form_free(&bf);
	if (rc == 0 && call != MANAGE_SUPER_STATE) {
		rc = manage_check_conf(conf, &m, why, sizeof(why));
		/* A PrivKey that is nobody's is a wrong credential. */
		if (rc == 404 && !by_password)
			auth_failed(src, call, why);
	}
	if (rc != 0) {
		http_text(req, rc, "%s", why);
		sodium_memzero(&m, sizeof(m));
		return;
	}
	if (call == MANAGE_SUPER_STATE)
		send_state(req);
	else if ((call == MANAGE_PEER_UPDATE || call == MANAGE_SUPER_UPDATE) &&
	    !manage_has_changes(&m)) {
		if (call == MANAGE_PEER_UPDATE)
			http_text(req, 200, "NodeID %u: no parameter updated",
			    m.node_id);
		else
			http_text(req, 200, "SuperNode: no parameter updated");
	} else
		forward(req, call, &m);
	sodium_memzero(&m, sizeof(m));
}

void
http_manage_result(const struct supd_manage_result *r, const char *text)
{
	struct pending	*p;
	int		 status = r->http_status;

	TAILQ_FOREACH(p, &pendings, entry)
		if (p->request == r->request)
			break;
	if (p == NULL) {
		log_debug("Manage API: answer to request %u, which is gone",
		    r->request);
		return;
	}
	if (status < 200 || status > 599)
		status = 500;
	log_cat(LOGC_CONTROL, "Manage API %s: %d", manage_call_name(p->call),
	    status);
	http_data(p->req, status, status == 200 && p->call ==
	    MANAGE_PEER_ADD ? "application/yaml" : "text/plain; charset=utf-8",
	    text, r->textlen);
	pending_free(p);
}

void
http_manage_shutdown(void)
{
	struct pending	*p;

	while ((p = TAILQ_FIRST(&pendings)) != NULL) {
		http_text(p->req, 503, "the supernode is shutting down");
		pending_free(p);
	}
	if (ev_expire_ready)
		evtimer_del(&ev_expire);
}
