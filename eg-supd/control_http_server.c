/*
 * The HTTP servers of eg-supd's control process: evhttp on the listening
 * sockets the parent passes (one server per role: EdgeAPI, Manage API, or
 * both on a shared port), request routing under API_Prefix, and replies.
 * Clients are anyone on the network: every bad request gets a 4xx and a
 * one-line reason.  What each connection may take is control_http_conn.c's
 * business; accepting pauses only when every budget is full, to bound
 * the descriptors.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/bufferevent.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "control_http.h"
#include "control_manage_parse.h"
#include "util/addr.h"
#include "util/clock.h"
#include "util/log.h"

#define HTTP_ROLES	(SUPD_HTTP_BOTH + 1)

struct http_listener {
	struct evhttp_bound_socket	*bound;
	struct http_listener		*next;
};

static struct {
	struct evhttp		*http[HTTP_ROLES];
	struct http_listener	*listeners;
	int			 paused;	/* accepting stopped */
	struct event		 ev_resume;
	int			 ev_ready;
	char			 prefix[512];
} srv;

static void	http_request(struct evhttp_request *, void *);

int64_t
http_now_ms(void)
{
	return clock_realtime_ms();
}

double
http_mono_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *
http_prefix(void)
{
	const struct super_conf	*conf = hstate_getconf();
	const char		*p;
	size_t			 len;

	if (conf == NULL)
		return NULL;
	p = conf->api_prefix != NULL ? conf->api_prefix : "";
	/* "eg_net/api/" and "/eg_net/api" name the same routes. */
	while (*p == '/')
		p++;
	len = strlen(p);
	while (len > 0 && p[len - 1] == '/')
		len--;
	if (len == 0)
		srv.prefix[0] = '\0';
	else
		snprintf(srv.prefix, sizeof(srv.prefix), "/%.*s", (int)len,
		    p);
	return srv.prefix;
}

static void
listeners_enable(int on)
{
	struct http_listener	*l;
	struct evconnlistener	*lev;

	for (l = srv.listeners; l != NULL; l = l->next) {
		lev = evhttp_bound_socket_get_listener(l->bound);
		if (on)
			evconnlistener_enable(lev);
		else
			evconnlistener_disable(lev);
	}
	srv.paused = !on;
}

void
http_conns_changed(void)
{
	if (http_conns() >= HTTP_MAX_CONNS_ALL && !srv.paused) {
		log_warnx("HTTP: %d connections open, not accepting more "
		    "for now", http_conns());
		listeners_enable(0);
	} else if (http_conns() < HTTP_MAX_CONNS_ALL && srv.paused &&
	    srv.ev_ready && !evtimer_pending(&srv.ev_resume, NULL))
		listeners_enable(1);
}

static void
resume_cb(int fd, short ev, void *arg)
{
	http_conns_changed();
}

/* accept() failed, typically EMFILE: stop for a second, not spin. */
static void
accept_error(struct evconnlistener *lev, void *arg)
{
	struct timeval	tv = { 1, 0 };

	log_warn("HTTP accept");
	listeners_enable(0);
	evtimer_add(&srv.ev_resume, &tv);
}

static struct evhttp *
server_new(struct event_base *base, int which)
{
	struct evhttp	*h;

	if ((h = evhttp_new(base)) == NULL)
		fatalx("evhttp_new");
	evhttp_set_allowed_methods(h, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	evhttp_set_max_body_size(h, EDGEAPI_BODY_MAX);
	evhttp_set_max_headers_size(h, HTTP_MAX_HEADERS);
	evhttp_set_timeout(h, HTTP_TIMEOUT_S);
	/* Read the rest of a body too large, so that the client sees 413. */
	evhttp_set_flags(h, EVHTTP_SERVER_LINGERING_CLOSE);
	evhttp_set_default_content_type(h, "text/plain; charset=utf-8");
	evhttp_set_bevcb(h, hconn_bev, (void *)(intptr_t)which);
	evhttp_set_gencb(h, http_request, (void *)(intptr_t)which);
	return h;
}

int
http_listen(int fd, int which)
{
	struct http_listener	*l;
	struct event_base	*base;
	struct event		 probe;

	if (which < SUPD_HTTP_EDGE || which > SUPD_HTTP_BOTH)
		return -1;
	if (!srv.ev_ready) {
		evtimer_set(&srv.ev_resume, resume_cb, NULL);
		srv.ev_ready = 1;
	}
	/* The base event_init() made: the legacy API's current base. */
	evtimer_set(&probe, resume_cb, NULL);
	base = event_get_base(&probe);
	if (srv.http[which] == NULL)
		srv.http[which] = server_new(base, which);
	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal("HTTP listener");
	if ((l->bound = evhttp_accept_socket_with_handle(srv.http[which],
	    fd)) == NULL) {
		free(l);
		return -1;
	}
	evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(
	    l->bound), accept_error);
	if (srv.paused)
		evconnlistener_disable(evhttp_bound_socket_get_listener(
		    l->bound));
	l->next = srv.listeners;
	srv.listeners = l;
	return 0;
}

void
http_shutdown(void)
{
	struct http_listener	*l;
	int			 i;

	hwait_shutdown();
	hconn_shutdown();
	if (srv.ev_ready)
		evtimer_del(&srv.ev_resume);
	while ((l = srv.listeners) != NULL) {
		srv.listeners = l->next;
		free(l);
	}
	/* evhttp_free closes the listeners and the connections. */
	for (i = 0; i < HTTP_ROLES; i++)
		if (srv.http[i] != NULL)
			evhttp_free(srv.http[i]);
	memset(&srv, 0, sizeof(srv));
	hsrc_shutdown();
	manage_auth_shutdown();
}

static const char *
status_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 413:
		return "Payload Too Large";
	case 415:
		return "Unsupported Media Type";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return status < 400 ? "OK" : "Error";
	}
}

static void
access_log(struct evhttp_request *req, int status)
{
	struct evhttp_connection	*evcon;
	const char			*uri = evhttp_request_get_uri(req);
	char				*host = NULL;
	ev_uint16_t			 port = 0;
	size_t				 plen;

	if ((evcon = evhttp_request_get_connection(req)) != NULL)
		evhttp_connection_get_peer(evcon, &host, &port);
	/* The query may hold a password: the path only. */
	plen = uri != NULL ? strcspn(uri, "?") : 0;
	log_debug("HTTP %s port %u: %s %.*s: %d", host != NULL ? host : "?",
	    port, evhttp_request_get_command(req) == EVHTTP_REQ_POST ?
	    "POST" : "GET", (int)(plen > 200 ? 200 : plen), uri != NULL ? uri :
	    "", status);
}

void
http_data(struct evhttp_request *req, int status, const char *ctype,
    const void *data, size_t len)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*buf;

	access_log(req, status);
	hconn_reply(req);
	if (ctype != NULL)
		evhttp_add_header(h, "Content-Type", ctype);
	evhttp_add_header(h, "Cache-Control", "no-store");
	if ((buf = evbuffer_new()) == NULL ||
	    evbuffer_add(buf, data, len) == -1) {
		if (buf != NULL)
			evbuffer_free(buf);
		evhttp_send_error(req, 500, NULL);
		return;
	}
	evhttp_send_reply(req, status, status_reason(status), buf);
	evbuffer_free(buf);
}

void
http_text(struct evhttp_request *req, int status, const char *fmt, ...)
{
	va_list	 ap;
	char	 line[512];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	line[n] = '\0';
	http_data(req, status, "text/plain; charset=utf-8", line, (size_t)n);
}

const uint8_t *
http_body(struct evhttp_request *req, size_t *lenp)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);

	*lenp = in != NULL ? evbuffer_get_length(in) : 0;
	if (*lenp == 0)
		return NULL;
	return evbuffer_pullup(in, -1);
}

static void
http_request(struct evhttp_request *req, void *arg)
{
	int		 which = (int)(intptr_t)arg, call;
	const char	*uri = evhttp_request_get_uri(req), *prefix, *q;
	struct hconn	*c;
	char		 path[1024];
	size_t		 plen, len;

	if ((c = hconn_of(req, which)) == NULL) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
		http_text(req, 503, "too many connections (from your "
		    "address, or in all)");
		return;
	}
	if ((prefix = http_prefix()) == NULL) {
		http_text(req, 503, "starting: no config yet");
		return;
	}
	if (uri == NULL || uri[0] != '/') {
		http_text(req, 400, "request target: not an absolute path");
		return;
	}
	len = strcspn(uri, "?");
	q = uri[len] == '?' ? uri + len + 1 : "";
	plen = strlen(prefix);
	if (len >= sizeof(path) || len < plen || strncmp(uri, prefix, plen) !=
	    0 || (uri[plen] != '/' && uri[plen] != '?' && uri[plen] != '\0')) {
		http_text(req, 404, "no such path");
		return;
	}
	memcpy(path, uri + plen, len - plen);
	path[len - plen] = '\0';
	if ((which & SUPD_HTTP_EDGE) && strncmp(path, "/edge/", 6) == 0)
		http_edge(req, path, q);
	else if ((which & SUPD_HTTP_MANAGE) &&
	    (call = manage_call_bypath(path)) != -1)
		http_manage(req, call, q, c);
	else
		http_text(req, 404, "no such path");
}
