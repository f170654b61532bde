/*
 * The EdgeAPI's HTTP client (egd/control_httpc.c) against a scripted
 * server on the other end of socket pairs handed to it as the parent
 * would: framing by Content-Length, chunks and end of connection,
 * keep-alive, a new connection asked for when one closes, the retry of
 * a request the server closed on unread, and refusals of what is
 * malformed, too large or too late.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "egd/control_httpc.h"
#include "regress/lib/tap.h"
#include "util/log.h"

static struct event_base	*base;
static int			 nwant;
static int			 srv = -1;	/* the server's end */

struct result {
	int	done;
	int	status;
	char	body[256];
};

static void
quiet(int pri, const char *line)
{
}

static void
want(void *arg)
{
	nwant++;
}

static void
done_cb(int status, const uint8_t *body, size_t len, void *arg)
{
	struct result	*r = arg;

	r->done++;
	r->status = status;
	if (len >= sizeof(r->body))
		len = sizeof(r->body) - 1;
	if (body != NULL)
		memcpy(r->body, body, len);
	r->body[body != NULL ? len : 0] = '\0';
}

static void
spin(void)
{
	int	i;

	for (i = 0; i < 20; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

/* Runs the loop until *flag is set or secs pass. */
static int
wait_done(const int *flag, int secs)
{
	time_t	until = time(NULL) + secs;

	while (!*flag && time(NULL) <= until) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(1000);
	}
	return *flag;
}

/* A new connection for the client; the test keeps the other end. */
static void
connect_client(struct httpc *h)
{
	int	sp[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1) {
		perror("socketpair");
		exit(1);
	}
	if (srv != -1)
		close(srv);
	srv = sp[1];
	fcntl(srv, F_SETFL, O_NONBLOCK);
	httpc_connected(h, sp[0], 0);
}

/* What the client sent, up to the end of a request head (and body). */
static int
srv_read(char *buf, size_t len)
{
	time_t	 until = time(NULL) + 5;
	size_t	 off = 0;
	ssize_t	 n;
	char	*end, *cl;

	buf[0] = '\0';
	while (time(NULL) <= until && off < len - 1) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		if ((n = read(srv, buf + off, len - 1 - off)) > 0) {
			off += n;
			buf[off] = '\0';
		} else if (n == 0)
			return -1;
		if ((end = strstr(buf, "\r\n\r\n")) != NULL) {
			cl = strstr(buf, "Content-Length: ");
			if (cl == NULL || strlen(end + 4) >=
			    strtoul(cl + 16, NULL, 10))
				return (int)off;
		}
		usleep(1000);
	}
	return -1;
}

static void
srv_write(const char *s)
{
	if (write(srv, s, strlen(s)) != (ssize_t)strlen(s)) {
		perror("write");
		exit(1);
	}
}

/* All of buf, the client's loop running while the socket is full. */
static void
srv_write_all(const char *buf, size_t len)
{
	time_t	until = time(NULL) + 5;
	ssize_t	n;

	while (len > 0 && time(NULL) <= until) {
		if ((n = write(srv, buf, len)) > 0) {
			buf += n;
			len -= n;
		} else if (n == -1 && errno != EAGAIN)
			return;		/* the client hung up */
		spin();
	}
}

/* The client closed its end: reading gives EOF. */
static int
srv_eof(void)
{
	struct pollfd	pfd = { 0, POLLIN, 0 };
	char		c;

	spin();
	pfd.fd = srv;
	return poll(&pfd, 1, 1000) == 1 && read(srv, &c, 1) == 0;
}

static int
get(struct httpc *h, const char *path, struct result *r)
{
	static const struct httpc_hdr	hdr = { "Host", "sn.test" };

	memset(r, 0, sizeof(*r));
	return httpc_request(h, "GET", path, &hdr, 1, NULL, 0, done_cb, r);
}

int
main(void)
{
	static const struct httpc_hdr	 bad = { "X-A", "1\r\nX-B: 2" };
	struct httpc			*h;
	struct result			 r1, r2, r3;
	char				 req[4096];
	time_t				 t0;
	char				*big;
	size_t				 n;
	int				 i;

	/* The client's log lines would mix with TAP: only on request. */
	if (getenv("TEST_VERBOSE") != NULL)
		log_init(1, 0);
	else {
		log_init(0, LOG_USER);
		log_setsink(quiet);
	}
	base = event_init();
	if ((h = httpc_new(base, 1, 64, want, NULL)) == NULL) {
		printf("Bail out! httpc_new\n");
		return 1;
	}

	ok(get(h, "/a", &r1) == 0 && get(h, "/b", &r2) == 0 && nwant == 1 &&
	    httpc_pending(h) == 2, "two requests without a connection: one "
	    "connection asked for");
	spin();
	ok(!r1.done && nwant == 1, "nothing answered while it waits");
	connect_client(h);
	ok(srv_read(req, sizeof(req)) > 0 &&
	    strncmp(req, "GET /a HTTP/1.1\r\nHost: sn.test\r\n\r\n", 35) == 0,
	    "the first request goes out on it, as given");
	srv_write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
	wait_done(&r1.done, 3);
	ok(r1.done && r1.status == 200 && strcmp(r1.body, "hello") == 0,
	    "Content-Length body: %d \"%s\"", r1.status, r1.body);
	ok(srv_read(req, sizeof(req)) > 0 && strncmp(req, "GET /b ", 7) == 0 &&
	    nwant == 1, "the second follows on the same connection");
	srv_write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n");
	ok(wait_done(&r2.done, 3) && r2.status == 200 &&
	    strcmp(r2.body, "abcde") == 0, "chunked body with an extension "
	    "and a trailer: \"%s\"", r2.body);

	memset(&r3, 0, sizeof(r3));
	ok(httpc_request(h, "POST", "/p", NULL, 0, "body", 4, done_cb, &r3) ==
	    0, "a POST");
	ok(srv_read(req, sizeof(req)) > 0 && strstr(req,
	    "\r\nContent-Length: 4\r\n\r\nbody") != NULL, "carries its length "
	    "and body");
	srv_write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
	    "Connection: close\r\nContent-Length: 0\r\n\r\n");
	ok(wait_done(&r3.done, 3) && r3.status == 201 && r3.body[0] == '\0',
	    "an interim 100 is skipped: 201, empty");
	ok(srv_eof(), "Connection: close closes it");

	get(h, "/c", &r1);
	ok(nwant == 2, "the next request asks for a new connection");
	connect_client(h);
	srv_read(req, sizeof(req));
	srv_write("HTTP/1.0 200 OK\r\n\r\nuntil the end");
	close(srv);
	srv = -1;
	ok(wait_done(&r1.done, 3) && r1.status == 200 &&
	    strcmp(r1.body, "until the end") == 0, "HTTP/1.0, no length: the "
	    "body ends with the connection");

	/* Kept alive, then the server closes just as a request goes out. */
	get(h, "/d", &r1);
	connect_client(h);
	srv_read(req, sizeof(req));
	srv_write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	wait_done(&r1.done, 3);
	get(h, "/e", &r2);
	srv_read(req, sizeof(req));
	close(srv);
	srv = -1;
	spin();
	ok(!r2.done && nwant == 4, "closed unanswered on a reused connection: "
	    "asked for another (%d)", nwant);
	connect_client(h);
	ok(srv_read(req, sizeof(req)) > 0 && strncmp(req, "GET /e ", 7) == 0,
	    "and sent again there");
	srv_write("HTTP/1.1 204 No Content\r\n\r\n");
	wait_done(&r2.done, 3);
	ok(r2.done && r2.status == 204, "answered (%d)", r2.status);
	get(h, "/f", &r1);
	srv_read(req, sizeof(req));
	srv_write("HTTP/1.1 200 OK\r\nContent-Le");
	spin();
	close(srv);
	srv = -1;
	ok(wait_done(&r1.done, 3) && r1.status == 0, "closed in the middle of "
	    "an answer: no answer, not sent again");

	get(h, "/g", &r1);
	connect_client(h);
	srv_read(req, sizeof(req));
	srv_write("HTTP/1.1 2x0 OK\r\n\r\n");
	ok(wait_done(&r1.done, 3) && r1.status == 0, "malformed status line: "
	    "no answer");
	ok(srv_eof(), "and the connection is dropped");

	get(h, "/h", &r1);
	connect_client(h);
	srv_read(req, sizeof(req));
	srv_write("HTTP/1.1 200 OK\r\nContent-Length: 65\r\n\r\n");
	ok(wait_done(&r1.done, 3) && r1.status == 0, "a body over the limit: "
	    "refused before it comes");
	get(h, "/i", &r1);
	connect_client(h);
	srv_read(req, sizeof(req));
	srv_write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "40\r\n");
	srv_write("0123456789012345678901234567890123456789012345678901234567"
	    "890123\r\n1\r\nx\r\n0\r\n\r\n");
	ok(wait_done(&r1.done, 3) && r1.status == 0, "chunks adding up over "
	    "the limit: refused");
	get(h, "/j", &r1);
	connect_client(h);
	srv_read(req, sizeof(req));
	srv_write("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n");
	ok(wait_done(&r1.done, 3) && r1.status == 0, "an unknown transfer "
	    "coding: refused");
	get(h, "/k", &r1);
	connect_client(h);
	srv_read(req, sizeof(req));
	srv_write("HTTP/1.1 200 OK\r\nX-Long: ");
	memset(req, 'a', sizeof(req) - 1);
	req[sizeof(req) - 1] = '\0';
	srv_write(req);
	srv_write(req);
	srv_write(req);
	srv_write(req);
	srv_write(req);
	ok(wait_done(&r1.done, 3) && r1.status == 0, "a head over %d bytes: "
	    "refused", HTTPC_MAX_HEADERS);

	get(h, "/l", &r1);
	connect_client(h);
	srv_read(req, sizeof(req));
	srv_write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 "
	    "OK\r\n\r\n");
	ok(wait_done(&r1.done, 3) && r1.status == 200 && srv_eof(),
	    "more than one answer to a request: the connection is dropped");

	get(h, "/m", &r1);
	connect_client(h);
	srv_read(req, sizeof(req));
	t0 = time(NULL);
	wait_done(&r1.done, 5);
	t0 = time(NULL) - t0;
	ok(r1.done && r1.status == 0 && t0 >= 0 && t0 <= 3, "no answer "
	    "within the 1 s timeout: none (after %lld s)", (long long)t0);

	get(h, "/n", &r1);
	get(h, "/o", &r2);
	httpc_connected(h, -1, ECONNREFUSED);
	ok(r1.done == 1 && r1.status == 0 && r2.done == 1 && r2.status == 0 &&
	    httpc_pending(h) == 0, "the dial failed: every waiting request "
	    "fails");

	ok(httpc_request(h, "GET", "/x\r\nX-Evil: 1", NULL, 0, NULL, 0,
	    done_cb, &r1) == -1 && httpc_request(h, "GET", "/x y", NULL, 0,
	    NULL, 0, done_cb, &r1) == -1 && httpc_request(h, "GET", "/x",
	    &bad, 1, NULL, 0, done_cb, &r1) == -1 && httpc_pending(h) == 0,
	    "line breaks or spaces that would change the request: refused");

	httpc_free(h);

	/*
	 * The head's budget is for the head: a body in thousands of small
	 * chunks has more chunk lines than that, and is still an answer.
	 */
	if ((h = httpc_new(base, 5, 8192, want, NULL)) == NULL) {
		printf("Bail out! httpc_new\n");
		return 1;
	}
	get(h, "/many", &r1);
	connect_client(h);
	srv_read(req, sizeof(req));
	big = malloc(64 * 1024);
	n = snprintf(big, 64 * 1024, "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n");
	for (i = 0; i < 6000; i++)
		n += snprintf(big + n, 64 * 1024 - n, "1\r\nx\r\n");
	n += snprintf(big + n, 64 * 1024 - n, "0\r\n\r\n");
	srv_write_all(big, n);
	ok(wait_done(&r1.done, 5) && r1.status == 200 && r1.body[0] == 'x',
	    "6000 chunks of one byte (36 KB of framing): an answer (%d)",
	    r1.status);
	/* A chunk-size line alone over the limit is still refused. */
	httpc_free(h);
	if ((h = httpc_new(base, 5, 8192, want, NULL)) == NULL) {
		printf("Bail out! httpc_new\n");
		return 1;
	}
	get(h, "/longline", &r2);
	connect_client(h);
	srv_read(req, sizeof(req));
	n = snprintf(big, 64 * 1024, "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n1;");
	memset(big + n, 'a', 20000);
	n += 20000;
	n += snprintf(big + n, 64 * 1024 - n, "\r\nx\r\n0\r\n\r\n");
	srv_write_all(big, n);
	ok(wait_done(&r2.done, 5) && r2.status == 0, "a chunk-size line of "
	    "20 KB: refused");
	free(big);
	httpc_free(h);
	if (srv != -1)
		close(srv);
	return tap_done();
}
