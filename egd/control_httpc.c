/*
 * The EdgeAPI's HTTP client: see control_httpc.h.  Only what the
 * EdgeAPI and a proxy in front of it may answer is understood: status
 * line, headers, a body by Content-Length, chunked, or to the end of the
 * connection; anything else drops the connection and fails the request.
 */
#include <sys/types.h>
#include <sys/queue.h>

#include <errno.h>
#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "control_httpc.h"
#include "util/log.h"

struct httpc_req {
	TAILQ_ENTRY(httpc_req)	 entry;
	char			*data;		/* the request as sent */
	size_t			 len;
	httpc_cb		 cb;
	void			*arg;
	int			 retried;
};

enum httpc_rstate {
	RS_STATUS,
	RS_HEADERS,
	RS_BODY,		/* remaining bytes of Content-Length */
	RS_CHUNK_SIZE,
	RS_CHUNK_DATA,
	RS_CHUNK_END,		/* the CRLF after a chunk */
	RS_TRAILERS,
	RS_UNTIL_EOF
};

struct httpc {
	struct event_base	*base;
	struct timeval		 timeout;
	size_t			 max_body;
	void			(*want_conn)(void *);
	void			*want_arg;
	TAILQ_HEAD(, httpc_req)	 queue;		/* the first is in flight */
	struct bufferevent	*bev;		/* NULL: no connection */
	int			 asked;		/* want_conn() not answered */
	int			 reused;	/* an answer came on it */
	int			 sent;		/* the first request went out */
	int			 got_bytes;	/* of its answer */

	enum httpc_rstate	 rs;
	int			 status;
	int			 close_after;
	int			 chunked;
	int			 have_length;
	size_t			 head_bytes;
	size_t			 remaining;
	struct evbuffer		*body;
};

static void	httpc_kick(struct httpc *);

struct httpc *
httpc_new(struct event_base *base, int timeout_s, size_t max_body,
    void (*want_conn)(void *), void *arg)
{
	struct httpc	*h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->body = evbuffer_new()) == NULL) {
		free(h);
		return NULL;
	}
	h->base = base;
	h->timeout.tv_sec = timeout_s;
	h->max_body = max_body;
	h->want_conn = want_conn;
	h->want_arg = arg;
	TAILQ_INIT(&h->queue);
	return h;
}

static void
req_free(struct httpc_req *r)
{
	free(r->data);
	free(r);
}

static void
httpc_drop(struct httpc *h)
{
	if (h->bev != NULL) {
		bufferevent_free(h->bev);	/* closes the socket */
		h->bev = NULL;
	}
	h->sent = h->reused = h->got_bytes = 0;
	evbuffer_drain(h->body, evbuffer_get_length(h->body));
}

void
httpc_free(struct httpc *h)
{
	struct httpc_req	*r;

	if (h == NULL)
		return;
	httpc_drop(h);
	while ((r = TAILQ_FIRST(&h->queue)) != NULL) {
		TAILQ_REMOVE(&h->queue, r, entry);
		req_free(r);
	}
	evbuffer_free(h->body);
	free(h);
}

size_t
httpc_pending(const struct httpc *h)
{
	const struct httpc_req	*r;
	size_t			 n = 0;

	TAILQ_FOREACH(r, &h->queue, entry)
		n++;
	return n;
}

/* Header text must not carry line breaks into the request. */
static int
safe(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

int
httpc_request(struct httpc *h, const char *method, const char *pathq,
    const struct httpc_hdr *hdrs, size_t nhdrs, const void *body,
    size_t blen, httpc_cb cb, void *cbarg)
{
	struct httpc_req	*r;
	struct evbuffer		*b;
	size_t			 i;
	int			 rc;

	if (!safe(method) || !safe(pathq) || strchr(pathq, ' ') != NULL)
		return -1;
	for (i = 0; i < nhdrs; i++)
		if (!safe(hdrs[i].name) || !safe(hdrs[i].value) ||
		    strchr(hdrs[i].name, ':') != NULL)
			return -1;
	if ((b = evbuffer_new()) == NULL)
		return -1;
	rc = evbuffer_add_printf(b, "%s %s HTTP/1.1\r\n", method, pathq);
	for (i = 0; rc != -1 && i < nhdrs; i++)
		rc = evbuffer_add_printf(b, "%s: %s\r\n", hdrs[i].name,
		    hdrs[i].value);
	if (rc != -1 && body != NULL)
		rc = evbuffer_add_printf(b, "Content-Length: %zu\r\n", blen);
	if (rc != -1)
		rc = evbuffer_add(b, "\r\n", 2);
	if (rc != -1 && body != NULL && blen > 0)
		rc = evbuffer_add(b, body, blen);
	if (rc == -1 || (r = calloc(1, sizeof(*r))) == NULL) {
		evbuffer_free(b);
		return -1;
	}
	r->len = evbuffer_get_length(b);
	if ((r->data = malloc(r->len)) == NULL ||
	    evbuffer_remove(b, r->data, r->len) != (int)r->len) {
		evbuffer_free(b);
		req_free(r);
		return -1;
	}
	evbuffer_free(b);
	r->cb = cb;
	r->arg = cbarg;
	TAILQ_INSERT_TAIL(&h->queue, r, entry);
	httpc_kick(h);
	return 0;
}

/* The first request is done: tell its owner, then go on. */
static void
httpc_finish(struct httpc *h, int status)
{
	struct httpc_req	*r = TAILQ_FIRST(&h->queue);
	struct evbuffer		*body = h->body;
	const uint8_t		*p = NULL;
	size_t			 len;

	TAILQ_REMOVE(&h->queue, r, entry);
	h->sent = h->got_bytes = 0;
	if ((h->body = evbuffer_new()) == NULL)
		fatal("EdgeAPI answer");
	if (status == 0 || h->close_after)
		httpc_drop(h);
	else if (evbuffer_get_length(bufferevent_get_input(h->bev)) > 0) {
		/* More than one answer to one request: not to be trusted. */
		log_warnx("EdgeAPI: the supernode sent more than was asked "
		    "for; connection dropped");
		httpc_drop(h);
	} else {
		h->reused = 1;
		/* Idle: the server may close it, and that is no error. */
		bufferevent_set_timeouts(h->bev, NULL, NULL);
	}
	if ((len = evbuffer_get_length(body)) > 0)
		p = evbuffer_pullup(body, -1);
	r->cb(status, status != 0 ? p : NULL, status != 0 ? len : 0, r->arg);
	evbuffer_free(body);
	req_free(r);
	httpc_kick(h);
}

static void
httpc_send(struct httpc *h)
{
	struct httpc_req	*r = TAILQ_FIRST(&h->queue);

	h->rs = RS_STATUS;
	h->status = h->close_after = h->chunked = h->have_length = 0;
	h->head_bytes = h->remaining = 0;
	evbuffer_drain(h->body, evbuffer_get_length(h->body));
	bufferevent_set_timeouts(h->bev, &h->timeout, &h->timeout);
	/* Fails only without memory; an answer now would come too early. */
	if (bufferevent_write(h->bev, r->data, r->len) == -1)
		fatal("EdgeAPI request");
	h->sent = 1;
}

static void
httpc_kick(struct httpc *h)
{
	if (TAILQ_EMPTY(&h->queue) || h->sent)
		return;
	if (h->bev == NULL) {
		if (!h->asked) {
			h->asked = 1;
			h->want_conn(h->want_arg);
		}
		return;
	}
	httpc_send(h);
}

/* "HTTP/1.x NNN reason" */
static int
parse_status(struct httpc *h, const char *line)
{
	char	*end;
	long	 code;

	if (strncmp(line, "HTTP/1.", 7) != 0 || (line[7] != '0' &&
	    line[7] != '1') || line[8] != ' ')
		return -1;
	code = strtol(line + 9, &end, 10);
	if (end != line + 12 || (*end != ' ' && *end != '\0') || code < 100 ||
	    code > 599)
		return -1;
	h->status = (int)code;
	/* HTTP/1.0 closes unless asked not to; we never ask. */
	h->close_after = line[7] == '0';
	return 0;
}

static int
has_token(const char *value, const char *token)
{
	char	buf[256], *p, *t, *last;

	if (strlcpy(buf, value, sizeof(buf)) >= sizeof(buf))
		return 0;
	for (p = buf; (t = strtok_r(p, ",", &last)) != NULL; p = NULL) {
		t += strspn(t, " \t");
		t[strcspn(t, " \t;")] = '\0';
		if (strcasecmp(t, token) == 0)
			return 1;
	}
	return 0;
}

static int
parse_header(struct httpc *h, char *line)
{
	char			*colon, *value, *end;
	unsigned long long	 n;

	if ((colon = strchr(line, ':')) == NULL || colon == line)
		return -1;
	*colon = '\0';
	value = colon + 1 + strspn(colon + 1, " \t");
	end = value + strlen(value);
	while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (strcasecmp(line, "Content-Length") == 0) {
		if (value[0] < '0' || value[0] > '9')
			return -1;
		errno = 0;
		n = strtoull(value, &end, 10);
		if (errno != 0 || *end != '\0' || (h->have_length &&
		    n != h->remaining))
			return -1;
		h->have_length = 1;
		h->remaining = n > SIZE_MAX ? SIZE_MAX : (size_t)n;
	} else if (strcasecmp(line, "Transfer-Encoding") == 0) {
		/* Only chunked: nothing asked for another coding. */
		if (strcasecmp(value, "chunked") != 0)
			return -1;
		h->chunked = 1;
	} else if (strcasecmp(line, "Connection") == 0) {
		if (has_token(value, "close"))
			h->close_after = 1;
		else if (has_token(value, "keep-alive"))
			h->close_after = 0;
	}
	return 0;
}

/* The head is complete: how does the body come? */
static int
head_done(struct httpc *h)
{
	if (h->status < 200) {
		/* 1xx: an interim answer, the real one follows. */
		h->rs = RS_STATUS;
		h->have_length = h->chunked = 0;
		return 0;
	}
	if (h->status == 204 || h->status == 304) {
		httpc_finish(h, h->status);
		return 1;
	}
	if (h->chunked) {
		h->rs = RS_CHUNK_SIZE;
		return 0;
	}
	if (h->have_length) {
		if (h->remaining > h->max_body)
			return -1;
		if (h->remaining == 0) {
			httpc_finish(h, h->status);
			return 1;
		}
		h->rs = RS_BODY;
		return 0;
	}
	h->rs = RS_UNTIL_EOF;
	h->close_after = 1;
	return 0;
}

static int
take_body(struct httpc *h, struct evbuffer *in, size_t n)
{
	if (evbuffer_get_length(h->body) + n > h->max_body)
		return -1;
	if (evbuffer_remove_buffer(in, h->body, n) != (int)n)
		return -1;
	return 0;
}

/*
 * Parses what has arrived: 0 wants more, 1 finished the answer (the
 * client may have moved on), -1 malformed.
 */
static int
httpc_parse(struct httpc *h, struct evbuffer *in)
{
	char		*line, *end;
	size_t		 n, avail, used;
	unsigned long	 sz;
	int		 rc, framing;

	for (;;) {
		avail = evbuffer_get_length(in);
		switch (h->rs) {
		case RS_STATUS:
		case RS_HEADERS:
		case RS_CHUNK_SIZE:
		case RS_CHUNK_END:
		case RS_TRAILERS:
			/*
			 * The head and the trailers share one budget; a chunk's
			 * framing lines only each have to fit it, since the
			 * body's limit bounds how many there are.
			 */
			framing = h->rs == RS_CHUNK_SIZE ||
			    h->rs == RS_CHUNK_END;
			used = framing ? 0 : h->head_bytes;
			if ((line = evbuffer_readln(in, &n,
			    EVBUFFER_EOL_CRLF)) == NULL) {
				if (used + avail > HTTPC_MAX_HEADERS)
					return -1;
				return 0;
			}
			if (used + n + 2 > HTTPC_MAX_HEADERS) {
				free(line);
				return -1;
			}
			if (!framing)
				h->head_bytes += n + 2;
			rc = 0;
			switch (h->rs) {
			case RS_STATUS:
				rc = parse_status(h, line);
				h->rs = RS_HEADERS;
				break;
			case RS_HEADERS:
				if (n == 0)
					rc = head_done(h);
				else
					rc = parse_header(h, line);
				break;
			case RS_CHUNK_SIZE:
				errno = 0;
				sz = strtoul(line, &end, 16);
				if (end == line || errno != 0 ||
				    (*end != '\0' && *end != ';' &&
				    *end != ' ') || sz > h->max_body)
					rc = -1;
				else if (sz == 0)
					h->rs = RS_TRAILERS;
				else {
					h->remaining = sz;
					h->rs = RS_CHUNK_DATA;
				}
				break;
			case RS_CHUNK_END:
				if (n != 0)
					rc = -1;
				h->rs = RS_CHUNK_SIZE;
				break;
			default:	/* RS_TRAILERS */
				if (n == 0) {
					httpc_finish(h, h->status);
					rc = 1;
				}
				break;
			}
			free(line);
			if (rc != 0)
				return rc;
			break;
		case RS_BODY:
		case RS_CHUNK_DATA:
			if (avail == 0)
				return 0;
			n = avail < h->remaining ? avail : h->remaining;
			if (take_body(h, in, n) == -1)
				return -1;
			h->remaining -= n;
			if (h->remaining > 0)
				return 0;
			if (h->rs == RS_CHUNK_DATA) {
				h->rs = RS_CHUNK_END;
				break;
			}
			httpc_finish(h, h->status);
			return 1;
		case RS_UNTIL_EOF:
			if (avail == 0)
				return 0;
			if (take_body(h, in, avail) == -1)
				return -1;
			return 0;
		}
	}
}

static void
httpc_read_cb(struct bufferevent *bev, void *arg)
{
	struct httpc	*h = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);

	if (!h->sent) {
		/* Nothing was asked: a server that talks out of turn. */
		log_warnx("EdgeAPI: the supernode sent data nobody asked for; "
		    "connection dropped");
		httpc_drop(h);
		httpc_kick(h);
		return;
	}
	h->got_bytes = 1;
	if (httpc_parse(h, in) == -1) {
		log_warnx("EdgeAPI: malformed answer from the supernode");
		httpc_finish(h, 0);
	}
}

static void
httpc_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct httpc		*h = arg;
	struct httpc_req	*r = TAILQ_FIRST(&h->queue);

	if (!h->sent) {
		/* An idle connection closed: the next request asks anew. */
		httpc_drop(h);
		httpc_kick(h);
		return;
	}
	if ((what & BEV_EVENT_EOF) && h->rs == RS_UNTIL_EOF) {
		h->close_after = 1;
		httpc_finish(h, h->status);
		return;
	}
	/*
	 * The server may close a kept-alive connection just as a request
	 * goes out: that request was never read, so send it again, once,
	 * on a new connection.
	 */
	if (h->reused && !h->got_bytes && !r->retried &&
	    !(what & BEV_EVENT_TIMEOUT)) {
		r->retried = 1;
		httpc_drop(h);
		httpc_kick(h);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		log_warnx("EdgeAPI: no answer within %lld s",
		    (long long)h->timeout.tv_sec);
	httpc_finish(h, 0);
}

void
httpc_connected(struct httpc *h, int fd, int error)
{
	TAILQ_HEAD(, httpc_req)	 failed;
	struct httpc_req	*r;

	h->asked = 0;
	if (fd == -1) {
		log_warnx("EdgeAPI: cannot connect to the supernode: %s",
		    strerror(error));
		/* Everything waiting fails: its owners retry in their time. */
		TAILQ_INIT(&failed);
		TAILQ_CONCAT(&failed, &h->queue, entry);
		while ((r = TAILQ_FIRST(&failed)) != NULL) {
			TAILQ_REMOVE(&failed, r, entry);
			r->cb(0, NULL, 0, r->arg);
			req_free(r);
		}
		return;
	}
	if (h->bev != NULL) {
		/* Asked once, answered once: cannot happen, but harmless. */
		close(fd);
		return;
	}
	if (evutil_make_socket_nonblocking(fd) == -1 ||
	    (h->bev = bufferevent_socket_new(h->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		close(fd);
		fatal("EdgeAPI connection");
	}
	bufferevent_setcb(h->bev, httpc_read_cb, NULL, httpc_event_cb, h);
	bufferevent_enable(h->bev, EV_READ | EV_WRITE);
	h->reused = h->sent = h->got_bytes = 0;
	httpc_kick(h);
}
