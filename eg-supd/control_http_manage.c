/*
 * The Manage API (seed 001, doc/super-internals.md "Manage API"): who
 * may call is control_manage_auth.c's; a source whose credentials keep
 * failing is throttled (429) before any is looked at.  Every other
 * request goes to the parent with its credential, which only the parent
 * can check (parent_manage_auth.c): a change is parsed here too, so
 * that a malformed one is refused with its reason, but only once the
 * parent says the credential is good; peer/add, peer/del, peer/update
 * and super/update are applied by the parent, which owns the config
 * file; super/state is answered here once the parent has checked its
 * password.  The HTTP request waits for the parent's answer
 * (IMSG_SUPD_MANAGE_RESULT, matched by request id); if the client has
 * gone by then, evhttp drops the reply.
 */
#include <sys/types.h>
#include <sys/queue.h>

#include <errno.h>
#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <sodium.h>

#include "control_http.h"
#include "control_manage_parse.h"
#include "manage_msg.h"
#include "util/log.h"

struct pending {
	struct hwait		 w;		/* first: hwait_shutdown() */
	int			 call;
	struct addr_net		 src;		/* family 0: here */
	int			 refused;	/* our status once authorised */
	char			 why[MANAGE_REASON_LEN];
};

static int			npending;

static void
pending_free(struct pending *p)
{
	hwait_remove(&p->w);
	npending--;
	free(p);
}

/* Calls the parent did not answer in time get 504. */
static void
expired(struct hwait *w)
{
	struct pending	*p = (struct pending *)w;

	log_warnx("Manage API %s: no answer from the parent",
	    manage_call_name(p->call));
	http_text(w->req, 504, "no answer from the supernode's parent "
	    "process");
	npending--;
	free(p);
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

/*
 * Hands m and the request's credential to the parent and keeps req
 * until its answer; refused: the status (why) to answer if the
 * parent says the credential is good.
 */
static void
forward(struct evhttp_request *req, int call, struct supd_manage *m,
    struct supd_manage_cred *c, const char *secret,
    const struct addr_net *src, int refused, const char *why)
{
	struct pending	*p;
	const char	*uri = evhttp_request_get_uri(req);
	const uint8_t	*body;
	uint8_t		*msg;
	size_t		 blen, len;

	if (npending >= HTTP_MAX_PENDING) {
		http_text(req, 503, "too many Manage API calls in progress");
		return;
	}
	body = http_body(req, &blen);
	c->urilen = strlen(uri);
	c->bodylen = c->post ? blen : 0;
	m->request = hwait_next_id();
	if ((msg = manage_msg_build(m, c, uri, body, secret, &len)) == NULL) {
		http_text(req, errno == EMSGSIZE ? 414 : 503, errno ==
		    EMSGSIZE ? "Manage API: request too long" :
		    "out of memory");
		return;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		sodium_memzero(msg, len);
		free(msg);
		http_text(req, 503, "out of memory");
		return;
	}
	if (http_out.manage == NULL || http_out.manage(msg, len) == -1) {
		sodium_memzero(msg, len);
		free(msg);
		free(p);
		http_text(req, 503, "the supernode is shutting down");
		return;
	}
	sodium_memzero(msg, len);
	free(msg);
	p->call = call;
	if (src != NULL)
		p->src = *src;
	p->refused = refused;
	if (why != NULL)
		strlcpy(p->why, why, sizeof(p->why));
	hwait_add(&p->w, req, expired);
	npending++;
}

/*
 * The parent found a credential wrong: the source's failures count it
 * (its connection may be gone, so it is looked up again).
 */
static void
auth_failed(const struct addr_net *addr, int call, const char *why)
{
	struct hsrc	*src = NULL;

	http_stats.auth_failed++;
	if (addr->family != 0 && (src = hsrc_get(addr)) != NULL)
		hsrc_failed(src);
	log_cat(LOGC_CONTROL, "Manage API %s from %s: %s",
	    manage_call_name(call), src != NULL ? hsrc_name(src) : "here",
	    why);
	hsrc_release(src);
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
	struct supd_manage_cred	 cred;
	const uint8_t		*body;
	const char		*secret;
	char			 why[MANAGE_REASON_LEN];
	char			 a[INET6_ADDRSTRLEN], retry[16];
	size_t			 blen;
	int			 rc, have_body, wait;

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
	rc = manage_cred_of(req, call, &qf, have_body ? &bf : NULL, addr,
	    &cred, &secret, why, sizeof(why));
	if (rc != 0) {
		log_cat(LOGC_CONTROL, "Manage API %s: %s",
		    manage_call_name(call), why);
		http_text(req, rc, "%s", why);
		goto done;
	}
	lim.peer_alive_timeout = conf->peer_alive_timeout;
	lim.send_ping_interval = conf->send_ping_interval;
	lim.http_post_interval = conf->http_post_interval;
	lim.static_mode = conf->graph.static_mode;
	rc = manage_parse(call, &qf, have_body ? &bf : NULL, &lim,
	    cred.kind != SUPD_CRED_PRIVKEY, &m, why, sizeof(why));
	/* What is wrong with a request is said only to who may ask. */
	if (rc != 0 || call == MANAGE_SUPER_STATE) {
		memset(&m, 0, sizeof(m));
		m.op = SUPD_AUTH_ONLY;
	}
	forward(req, call, &m, &cred, secret, addr, rc, rc != 0 ? why : NULL);
	sodium_memzero(&m, sizeof(m));
done:
	/* secret points into qf or the headers: wiped with them. */
	manage_form_free(&qf);
	if (have_body)
		manage_form_free(&bf);
}

void
http_manage_result(const struct supd_manage_result *r, const char *text)
{
	struct pending	*p;
	int		 status = r->http_status;

	if ((p = (struct pending *)hwait_find(r->request)) == NULL ||
	    p->w.expired != expired) {
		log_debug("Manage API: answer to request %u, which is gone",
		    r->request);
		return;
	}
	if (status < 200 || status > 599)
		status = 500;
	if (r->flags & SUPD_RESULT_REPLAYED)
		http_stats.replayed++;
	if (r->flags & SUPD_RESULT_AUTH_FAILED)
		auth_failed(&p->src, p->call, text);
	log_cat(LOGC_CONTROL, "Manage API %s: %d", manage_call_name(p->call),
	    status);
	/* Authorised: what control found, or super/state. */
	if (status == 200 && p->refused != 0) {
		http_text(p->w.req, p->refused, "%s", p->why);
		pending_free(p);
		return;
	}
	if (status == 200 && p->call == MANAGE_SUPER_STATE) {
		send_state(p->w.req);
		pending_free(p);
		return;
	}
	/* A refusal is a line, as control's own are. */
	if (status == 200)
		http_data(p->w.req, status, p->call == MANAGE_PEER_ADD ?
		    "application/yaml" : "text/plain; charset=utf-8", text,
		    r->textlen);
	else
		http_text(p->w.req, status, "%s", text);
	pending_free(p);
}

