/*
 * The Manage API and the HTTP server's limits on loopback: the seed's
 * calls, wrong passwords, missing and malformed fields, calls forwarded
 * to the "parent" and answered from its result, a client that leaves
 * before the answer, the API split by port, oversized and garbage
 * requests, and the per-source connection cap; after each abuse the
 * server must still answer.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>

#include "http_test.h"

static int	port_both, port_edge, port_manage;

static int
manage(int port, int post, const char *pathq, const char *body,
    const char *pwhdr, struct resp *r)
{
	char		 uri[1024];
	const char	*h[3] = { "X-EG-Password", pwhdr, NULL };
	const char	*form[3] = { "Content-Type",
	    "application/x-www-form-urlencoded", NULL };

	snprintf(uri, sizeof(uri), PREFIX "/manage%s", pathq);
	return request(port, post, uri, pwhdr != NULL ? h : post ? form :
	    NULL, body, body != NULL ? strlen(body) : 0, r);
}

static void
expect(int port, int post, const char *pathq, const char *body, int want,
    const char *what)
{
	struct resp	r;

	manage(port, post, pathq, body, NULL, &r);
	ok(r.status == want && r.body != NULL && r.len > 1 &&
	    strchr(r.body, '\n') == r.body + r.len - 1, "%s: %d %s", what,
	    r.status, r.line);
	resp_free(&r);
}

/* The server still answers a plain good request. */
static void
alive(const char *after)
{
	struct resp	r;

	manage(port_both, 0, "/super/state?Password=passwd_showstate", NULL,
	    NULL, &r);
	ok(r.status == 200, "still serving after %s", after);
	resp_free(&r);
}

static void
test_state(void)
{
	struct resp	 r;
	const char	*doc;

	manage(port_both, 0, "/super/state?Password=passwd_showstate", NULL,
	    NULL, &r);
	ok(r.status == 200 && strncmp(r.body, "{\"PeerInfo\":{\"1\":{\"Name\":"
	    "\"Node_01\",\"LastSeen\":\"2021-12-05 21:21:56.039 +0000 UTC\"}",
	    80) == 0 && strstr(r.body, "\"Infinity\":99999,\"Edges\":{}") !=
	    NULL, "super/state before any route document: %.60s", r.body);
	resp_free(&r);
	manage(port_both, 0, "/super/state", NULL, "passwd_showstate", &r);
	ok(r.status == 200, "password in X-EG-Password");
	resp_free(&r);
	expect(port_both, 0, "/super/state?Password=passwd_showstatf", NULL,
	    401, "wrong password");
	expect(port_both, 0, "/super/state", NULL, 401, "no password");
	expect(port_both, 0, "/super/state?Password=passwd_showstate&x=1",
	    NULL, 400, "unknown parameter");
	expect(port_both, 1, "/super/state?Password=passwd_showstate", "",
	    405, "POST to super/state");
	expect(port_both, 0, "/super/update?Password=", NULL, 405,
	    "GET of super/update");
	expect(port_both, 1, "/super/update?Password=x", "DampingResistance=0",
	    403, "super/update with an empty configured password");

	doc = "{\"Infinity\":99999,\"Edges\":{\"1\":{\"2\":0.5}}}";
	hstate_doc_chunk(SUPD_DOC_STATE, doc, strlen(doc));
	hstate_doc_done(SUPD_DOC_STATE);
	manage(port_both, 0, "/super/state?Password=passwd_showstate", NULL,
	    NULL, &r);
	ok(r.status == 200 && strstr(r.body, "},\"Infinity\":99999,\"Edges\":"
	    "{\"1\":{\"2\":0.5}}}") != NULL, "route's state document, with "
	    "PeerInfo in front");
	resp_free(&r);
	hstate_doc_chunk(SUPD_DOC_STATE, "{\"PeerInfo\":1}", 14);
	hstate_doc_done(SUPD_DOC_STATE);
	manage(port_both, 0, "/super/state?Password=passwd_showstate", NULL,
	    NULL, &r);
	ok(r.status == 200 && strstr(r.body, "{\"1\":{\"2\":0.5}}") != NULL,
	    "a bad document from route is refused, the last good one kept");
	resp_free(&r);
}

static void
test_forwarded(void)
{
	struct resp		 r;
	struct supd_manage	*m;
	int			 n = rec.nmanage;
	char			 uri[256];
	uint8_t			 pk[32];

	rec.answer = 200;
	manage(port_both, 1, "/peer/add?Password=passwd_addpeer",
	    "NodeID=100&Name=Node_100&PubKey=DG%2FLq1bFpE%2F6109emAoO3iaC%2Bs"
	    "hgWtdRaGBhW3soiSI%3D&AdditionalCost=1000&PSKey=w5t64vFEoyNk%2FiK"
	    "JP3oeSi9eiGEiPteZmf2o0oI2q2U%3D&SkipLocalIP=false", NULL, &r);
	m = &rec.manage[n];
	conf_key_from_base64("DG/Lq1bFpE/6109emAoO3iaC+shgWtdRaGBhW3soiSI=",
	    pk);
	ok(rec.nmanage == n + 1 && m->op == SUPD_PEER_ADD &&
	    m->node_id == 100 && strcmp(m->name, "Node_100") == 0 &&
	    memcmp(m->pubkey, pk, 32) == 0 && m->has_psk &&
	    m->additional_cost == 1000 && m->request != 0,
	    "seed's peer/add went to the parent");
	ok(r.status == 200 && strcmp(r.body, "answer from the parent") == 0,
	    "and its answer came back: %d %s", r.status, r.line);
	resp_free(&r);

	rec.answer = 409;
	manage(port_both, 1, "/peer/update?Password=passwd_updatepeer&"
	    "NodeID=1", "AdditionalCost=10&SkipLocalIP=false", NULL, &r);
	m = &rec.manage[n + 1];
	ok(rec.nmanage == n + 2 && m->op == SUPD_PEER_UPDATE &&
	    m->node_id == 1 && m->has_additional_cost && m->has_skip_local_ip &&
	    r.status == 409, "seed's peer/update, the parent's status: %d",
	    r.status);
	resp_free(&r);

	rec.answer = 200;
	manage(port_both, 0, "/peer/del?Password=passwd_delpeer&NodeID=2",
	    NULL, NULL, &r);
	ok(rec.nmanage == n + 3 && rec.manage[n + 2].op == SUPD_PEER_DEL &&
	    rec.manage[n + 2].node_id == 2 && r.status == 200,
	    "seed's peer/del by password");
	resp_free(&r);
	{
		char	privb64[45], *enc;
		size_t	i, o;

		b64(edge_priv[3], privb64);
		enc = malloc(3 * strlen(privb64) + 1);
		for (i = o = 0; privb64[i] != '\0'; i++)
			o += (size_t)sprintf(enc + o, "%%%02X",
			    (unsigned char)privb64[i]);
		snprintf(uri, sizeof(uri), "/peer/del?PrivKey=%s", enc);
		free(enc);
	}
	manage(port_both, 0, uri, NULL, NULL, &r);
	ok(rec.nmanage == n + 4 && rec.manage[n + 3].node_id == 3 &&
	    r.status == 200, "peer/del by PrivKey: NodeID 3 found from its "
	    "key");
	resp_free(&r);
	manage(port_both, 0, "/peer/update?Password=passwd_updatepeer&"
	    "NodeID=1", NULL, NULL, &r);
	ok(r.status == 405, "GET of peer/update: 405");
	resp_free(&r);
	manage(port_both, 1, "/peer/update?Password=passwd_updatepeer&"
	    "NodeID=1", "", NULL, &r);
	ok(r.status == 200 && strstr(r.body, "no parameter") != NULL &&
	    rec.nmanage == n + 4, "peer/update with nothing to do changes "
	    "nothing: %s", r.line);
	resp_free(&r);

	expect(port_both, 1, "/peer/add?Password=passwd_addpeer",
	    "NodeID=1&Name=x&PubKey=DG%2FLq1bFpE%2F6109emAoO3iaC%2BshgWtdRaGBh"
	    "W3soiSI%3D&AdditionalCost=1", 409, "peer/add of an existing "
	    "NodeID");
	expect(port_both, 1, "/peer/add?Password=passwd_addpeer",
	    "NodeID=5&Name=x&AdditionalCost=1", 400, "peer/add without PubKey");
	expect(port_both, 1, "/peer/add?Password=passwd_addpeer",
	    "NodeID=5&Name=x%zz", 400, "peer/add with a bad escape");
	expect(port_both, 1, "/peer/add?Password=wrong", "NodeID=5", 401,
	    "peer/add with a wrong password");
	expect(port_both, 1, "/peer/update?Password=passwd_updatepeer&"
	    "NodeID=9", "AdditionalCost=1", 404, "peer/update of an unknown "
	    "NodeID");
	expect(port_both, 0, "/peer/del?PrivKey=AAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAA%3D", NULL, 404, "peer/del with nobody's key");
	expect(port_both, 0, "/peer/del?Password=passwd_delpeeR&NodeID=2",
	    NULL, 401, "peer/del with a wrong password");
	ok(rec.nmanage == n + 4, "none of the refused calls reached the "
	    "parent");
}

/* A client that leaves before the parent answers: nothing breaks. */
static void
test_client_gone(void)
{
	struct evhttp_connection	*c;
	struct evhttp_request		*req;
	struct resp			 r;
	int				 n = rec.nmanage, i;

	rec.answer = 0;		/* the "parent" is slow */
	memset(&r, 0, sizeof(r));
	c = evhttp_connection_base_new(base, NULL, "127.0.0.1",
	    (uint16_t)port_both);
	req = evhttp_request_new(resp_cb, &r);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
	    "x");
	evbuffer_add_printf(evhttp_request_get_output_buffer(req),
	    "AdditionalCost=3");
	evhttp_make_request(c, req, EVHTTP_REQ_POST, PREFIX "/manage/peer/"
	    "update?Password=passwd_updatepeer&NodeID=2");
	for (i = 0; i < 200 && rec.nmanage == n; i++)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	ok(rec.nmanage == n + 1, "call forwarded; the client now leaves");
	evhttp_connection_free(c);
	settle();
	{
		struct supd_manage_result	res = { 0, 200, 2, 0 };

		res.request = rec.manage[n].request;
		http_manage_result(&res, "ok");
		res.request = 999999;
		http_manage_result(&res, "ok");
	}
	settle();
	alive("answers to a request whose client left, and to none");
	rec.answer = 200;
}

static void
test_ports(void)
{
	struct resp	r;

	manage(port_edge, 0, "/super/state?Password=passwd_showstate", NULL,
	    NULL, &r);
	ok(r.status == 404, "Manage API not on the EdgeAPI-only port: %d",
	    r.status);
	resp_free(&r);
	manage(port_manage, 0, "/super/state?Password=passwd_showstate", NULL,
	    NULL, &r);
	ok(r.status == 200, "Manage API on the Manage-only port");
	resp_free(&r);
	request(port_manage, 0, PREFIX "/edge/nhtable?NodeID=1", NULL, NULL, 0,
	    &r);
	ok(r.status == 404, "EdgeAPI not on the Manage-only port: %d",
	    r.status);
	resp_free(&r);
	request(port_edge, 0, PREFIX "/edge/nhtable?NodeID=1", NULL, NULL, 0,
	    &r);
	ok(r.status == 400 || r.status == 401, "EdgeAPI on its port: %d",
	    r.status);
	resp_free(&r);
}

/* Raw bytes to the server (len 0: a string); the first answer line. */
static void
raw(const char *what, const void *data, size_t len, const char *want)
{
	struct sockaddr_in	sin;
	struct pollfd		pfd;
	char			buf[512];
	ssize_t			n, got = 0;
	size_t			off = 0;
	int			fd, i;

	if (len == 0)
		len = strlen(data);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port_both);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		bail("connect");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (i = 0; i < 20000 && got <= 0; i++) {
		if (off < len && (n = write(fd, (const char *)data + off,
		    len - off)) > 0)
			off += (size_t)n;
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 1) == 1 && (got = read(fd, buf,
		    sizeof(buf) - 1)) == 0)
			break;
	}
	buf[got > 0 ? got : 0] = '\0';
	if (getenv("TEST_VERBOSE") != NULL)
		diag("got %zd: %s", got, buf);
	buf[strcspn(buf, "\r\n")] = '\0';
	ok(strcmp(buf, want) == 0, "%s: \"%s\"", what, buf);
	close(fd);
	alive(what);
}

static void
test_garbage(void)
{
	char	*big;
	size_t	 n;

	raw("garbage request line", "GARBAGE\r\n\r\n", 0,
	    "HTTP/1.1 400 Bad Request");
	raw("unknown method", "BREW / HTTP/1.1\r\nHost: x\r\n\r\n", 0,
	    "HTTP/1.1 501 Not Implemented");
	raw("PUT", "PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 0,
	    "HTTP/1.1 501 Not Implemented");
	big = malloc(80000);
	n = (size_t)snprintf(big, 20000, "GET / HTTP/1.1\r\nX-A: ");
	memset(big + n, 'a', 10000);
	memcpy(big + n + 10000, "\r\n\r\n", 4);
	raw("headers over 8 KiB", big, n + 10004, "HTTP/1.1 400 Bad Request");
	n = (size_t)snprintf(big, 80000, "POST " PREFIX "/manage/peer/add "
	    "HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n\r\n");
	memset(big + n, 'a', 70000);
	raw("body over 64 KiB", big, n + 70000, "HTTP/1.1 413 Request Entity "
	    "Too Large");
	n = (size_t)snprintf(big, 20000, "GET " PREFIX "/manage/super/state?"
	    "Password=passwd_showstate HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\nzz\r\n");
	/* evhttp reports a chunk it cannot read as too large. */
	raw("bad chunk", big, n, "HTTP/1.1 413 Request Entity Too Large");
	free(big);
	raw("request target without a slash", "GET x HTTP/1.1\r\nHost: x\r\n"
	    "\r\n", 0, "HTTP/1.1 400 Bad Request");
}

/* Opens n connections from 127.0.0.1 that send nothing. */
static void
open_idle(int *fds, int n)
{
	struct sockaddr_in	sin;
	int			i;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port_both);
	for (i = 0; i < n; i++)
		if ((fds[i] = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
		    connect(fds[i], (struct sockaddr *)&sin, sizeof(sin)) == -1)
			bail("connect");
}

/*
 * Loopback may call the Manage API: its connections count against that
 * budget, at most HTTP_MAX_MANAGE_SOURCE from one address.  The ones
 * beyond are closed at once; another address is served meanwhile.
 * t_http_abuse has the rest (budgets, deadlines, slow clients).
 */
static void
test_conn_limit(void)
{
	static int	fds[HTTP_MAX_MANAGE_SOURCE + 10];
	struct pollfd	pfd;
	struct resp	r;
	char		buf[256];
	int		i, tries, closed = 0;

	open_idle(fds, HTTP_MAX_MANAGE_SOURCE + 10);
	for (tries = 0; tries < 2000 && closed < 10; tries++) {
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		for (i = closed = 0; i < HTTP_MAX_MANAGE_SOURCE + 10; i++) {
			pfd.fd = fds[i];
			pfd.events = POLLIN;
			if (poll(&pfd, 1, 0) == 1 && read(fds[i], buf,
			    sizeof(buf)) == 0)
				closed++;
		}
	}
	ok(closed == 10 && http_conns_class(HTTP_CLASS_MANAGE) ==
	    HTTP_MAX_MANAGE_SOURCE, "connections from one address beyond %d "
	    "are closed at once (%d closed, %d open)", HTTP_MAX_MANAGE_SOURCE,
	    closed, http_conns_class(HTTP_CLASS_MANAGE));
	client_addr = "127.0.0.2";
	manage(port_both, 0, "/super/state?Password=passwd_showstate", NULL,
	    NULL, &r);
	client_addr = NULL;
	ok(r.status == 200, "another address is served meanwhile: %d",
	    r.status);
	resp_free(&r);
	for (i = 0; i < HTTP_MAX_MANAGE_SOURCE + 10; i++)
		close(fds[i]);
	for (i = 0; i < 1000 && http_conns() > 0; i++)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	ok(http_conns() == 0 && http_conns_class(HTTP_CLASS_MANAGE) == 0,
	    "every connection counted out when it closed (%d left)",
	    http_conns());
	alive("the connection limit");
}

int
main(void)
{
	int	fd;

	signal(SIGPIPE, SIG_IGN);
	/* The seed's peer/del by PrivKey; t_http_abuse checks it is off. */
	setup("ManageAPI:\n  DelPeerByPrivKey: true\n");
	edge_online(1, "198.51.100.1:3001", NULL);
	hstate_recompute();
	fd = listen_socket(&port_both);
	if (http_listen(fd, SUPD_HTTP_BOTH) == -1)
		bail("http_listen");
	fd = listen_socket(&port_edge);
	if (http_listen(fd, SUPD_HTTP_EDGE) == -1)
		bail("http_listen");
	fd = listen_socket(&port_manage);
	if (http_listen(fd, SUPD_HTTP_MANAGE) == -1)
		bail("http_listen");
	ok(http_listen(fd, 7) == -1, "unknown socket role refused");

	test_state();
	test_forwarded();
	test_client_gone();
	test_ports();
	test_garbage();
	test_conn_limit();
	http_shutdown();
	hstate_shutdown();
	conf_free_super(conf);
	return tap_done();
}
