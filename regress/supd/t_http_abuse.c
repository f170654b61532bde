/*
 * eg-supd's HTTP APIs against abuse, on loopback (127.0.0.0/8: each
 * address is a source of its own):
 *  - password guessing: after HTTP_AUTH_BURST wrong ones a source gets
 *    429 without its guesses being checked, and a line in the log;
 *    another source still gets in with the right password;
 *  - signed requests (X-EG-Manage-Auth): taken once, not replayed, not
 *    from before the start, not for another path or body; plain
 *    passwords refused where ManageAPI.PlainPasswords says so;
 *    peer/del by PrivKey refused unless ManageAPI.DelPeerByPrivKey;
 *  - the EdgeAPI: an unknown NodeID answered as a wrong MAC; nothing
 *    signed before the start taken;
 *  - 256 slow connections (a byte a second) from four sources: the ones
 *    beyond the per-source caps are closed at once, the rest at the
 *    absolute deadline however steadily they send, and meanwhile an
 *    EdgeAPI and a Manage API request from other sources are answered
 *    at once, and a keep-alive client is served past the deadline.
 * The figures (guesses checked per second, latencies) go to diag.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>

#include "http_test.h"
#include "eg-supd/control_manage_parse.h"
#include "edgeapi/manageauth.h"

static int	port_both, port_edge, port_manage;
static int64_t	t0;		/* before the HTTP side started */

static struct {
	char	line[64][256];
	int	n;
} logged;

static void
sink(int pri, const char *line)
{
	if (logged.n < 64)
		snprintf(logged.line[logged.n++], sizeof(logged.line[0]), "%s",
		    line);
	if (getenv("TEST_VERBOSE") != NULL)
		fprintf(stderr, "log: %s\n", line);
}

static int
was_logged(const char *what)
{
	int	i;

	for (i = 0; i < logged.n; i++)
		if (strstr(logged.line[i], what) != NULL)
			return 1;
	return 0;
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Another config in force, as a reload would commit it. */
static void
reconf(const char *extra)
{
	struct super_conf	*old = conf;

	setup_conf(extra);
	hstate_conf(conf);
	conf_free_super(old);
}

/* A Manage API call from address from; pw: in X-EG-Password (or NULL). */
static int
manage(const char *from, int port, int post, const char *pathq,
    const char *body, const char *pw, struct resp *r)
{
	char		 uri[1024];
	const char	*h[3] = { "X-EG-Password", pw, NULL };

	snprintf(uri, sizeof(uri), PREFIX "/manage%s", pathq);
	client_addr = from;
	request(port, post, uri, pw != NULL ? h : NULL, body, body != NULL ?
	    strlen(body) : 0, r);
	client_addr = NULL;
	return r->status;
}

/* The same, signed with the key of call's password at ts (0: now). */
static int
manage_signed(const char *from, int post, const char *call,
    const char *pathq, const char *body, const char *pw, int64_t ts,
    char *hdr, size_t hdrlen, struct resp *r)
{
	uint8_t		 key[MAUTH_KEY_LEN];
	char		 uri[1024];
	const char	*h[3] = { MAUTH_HEADER, hdr, NULL };

	snprintf(uri, sizeof(uri), PREFIX "/manage%s", pathq);
	if (mauth_key(key, call, pw) == -1 || mauth_header(hdr, hdrlen, key,
	    post ? "POST" : "GET", uri, ts != 0 ? ts : now_ms(),
	    (const uint8_t *)body, body != NULL ? strlen(body) : 0) == -1)
		bail("mauth");
	client_addr = from;
	request(port_both, post, uri, h, body, body != NULL ? strlen(body) :
	    0, r);
	client_addr = NULL;
	return r->status;
}

/* Resends a signed request as captured: the same header. */
static int
replay(const char *from, int post, const char *pathq, const char *body,
    const char *hdr, struct resp *r)
{
	char		 uri[1024];
	const char	*h[3] = { MAUTH_HEADER, hdr, NULL };

	snprintf(uri, sizeof(uri), PREFIX "/manage%s", pathq);
	client_addr = from;
	request(port_both, post, uri, h, body, body != NULL ? strlen(body) :
	    0, r);
	client_addr = NULL;
	return r->status;
}

struct guess_run {
	int	done, status;
};

static void
guess_cb(struct evhttp_request *req, void *arg)
{
	struct guess_run	*g = arg;

	g->done = 1;
	g->status = req != NULL ? evhttp_request_get_response_code(req) : 0;
}

static void
test_guessing(void)
{
	struct evhttp_connection	*c;
	struct evhttp_request		*req;
	struct guess_run		 g;
	struct resp			 r;
	struct evkeyvalq		*h;
	char				 pw[32];
	double				 start, secs;
	int				 i, n = 3000, s401 = 0, s429 = 0;
	int				 other = 0;
	uint64_t			 failed0 = http_stats.auth_failed;

	/* One keep-alive connection, as fast as the server answers. */
	if ((c = evhttp_connection_base_new(base, NULL, "127.0.0.1",
	    (uint16_t)port_both)) == NULL)
		bail("evhttp_connection_base_new");
	evhttp_connection_set_local_address(c, "127.0.0.2");
	start = now_s();
	for (i = 0; i < n; i++) {
		memset(&g, 0, sizeof(g));
		req = evhttp_request_new(guess_cb, &g);
		h = evhttp_request_get_output_headers(req);
		evhttp_add_header(h, "Host", "127.0.0.1");
		snprintf(pw, sizeof(pw), "guess%d", i);
		evhttp_add_header(h, "X-EG-Password", pw);
		if (evhttp_make_request(c, req, EVHTTP_REQ_GET, PREFIX
		    "/manage/super/state") == -1)
			bail("evhttp_make_request");
		while (!g.done)
			event_base_loop(base, EVLOOP_ONCE);
		if (g.status == 401)
			s401++;
		else if (g.status == 429)
			s429++;
		else
			other++;
	}
	secs = now_s() - start;
	evhttp_connection_free(c);
	ok(s401 == HTTP_AUTH_BURST && s429 == n - HTTP_AUTH_BURST &&
	    other == 0, "%d wrong passwords from 127.0.0.2: %d checked (401), "
	    "%d refused unchecked (429)", n, s401, s429);
	diag("guessing: %d wrong passwords on one connection in %.2f s, %d "
	    "of them checked; from then on one check per %d s", n, secs,
	    s401, HTTP_AUTH_REFILL_S);
	ok(http_stats.auth_failed - failed0 == HTTP_AUTH_BURST &&
	    was_logged("127.0.0.2: 10 failed Manage API authentications"),
	    "the failures were counted and the throttling logged");
	manage("127.0.0.2", port_both, 0, "/super/state", NULL,
	    "passwd_showstate", &r);
	ok(r.status == 429 && strstr(r.line, "try again in") != NULL,
	    "the right password from there is not even checked: %d %s",
	    r.status, r.line);
	resp_free(&r);
	manage("127.0.0.3", port_both, 0, "/super/state", NULL,
	    "passwd_showstate", &r);
	ok(r.status == 200, "the right password from 127.0.0.3: %d",
	    r.status);
	resp_free(&r);
	manage("127.0.0.3", port_both, 0, "/super/state", NULL, NULL, &r);
	ok(r.status == 401 && http_stats.auth_failed - failed0 ==
	    HTTP_AUTH_BURST, "no password is not a failed guess: %d %s",
	    r.status, r.line);
	resp_free(&r);
}

static void
test_signed(void)
{
	struct resp	 r;
	char		 hdr[128], hdr2[128];
	const char	*pu = "/peer/update?NodeID=1";
	int		 n = rec.nmanage;

	rec.answer = 200;
	manage_signed("127.0.0.4", 0, "super/state", "/super/state", NULL,
	    "passwd_showstate", 0, hdr, sizeof(hdr), &r);
	ok(r.status == 200 && strncmp(r.body, "{\"PeerInfo\"", 11) == 0,
	    "a signed super/state: %d", r.status);
	resp_free(&r);
	replay("127.0.0.4", 0, "/super/state", NULL, hdr, &r);
	ok(r.status == 401 && strstr(r.line, "replayed") != NULL,
	    "its replay: %d %s", r.status, r.line);
	resp_free(&r);
	replay("127.0.0.5", 0, "/super/state", NULL, hdr, &r);
	ok(r.status == 401, "its replay from elsewhere: %d", r.status);
	resp_free(&r);
	manage_signed("127.0.0.4", 0, "super/state", "/super/state", NULL,
	    "passwd_showstate", t0 - 1000, hdr2, sizeof(hdr2), &r);
	ok(r.status == 401 && strstr(r.line, "start") != NULL,
	    "signed before the supernode started (a restart forgets what it "
	    "took): %d %s", r.status, r.line);
	resp_free(&r);
	manage_signed("127.0.0.4", 0, "super/state", "/super/state", NULL,
	    "passwd_showstate", now_ms() + 200000, hdr2, sizeof(hdr2), &r);
	ok(r.status == 401 && strstr(r.line, "clock") != NULL,
	    "signed 200 s ahead: %d %s", r.status, r.line);
	resp_free(&r);
	manage_signed("127.0.0.4", 0, "super/state", "/super/state", NULL,
	    "passwd_showstatf", 0, hdr2, sizeof(hdr2), &r);
	ok(r.status == 401 && strstr(r.line, "authentication failed") != NULL,
	    "signed with a wrong password: %d %s", r.status, r.line);
	resp_free(&r);

	manage_signed("127.0.0.4", 1, "peer/update", pu, "AdditionalCost=7",
	    "passwd_updatepeer", 0, hdr, sizeof(hdr), &r);
	ok(r.status == 200 && rec.nmanage == n + 1 &&
	    rec.manage[n].node_id == 1 && rec.manage[n].additional_cost == 7,
	    "a signed peer/update reached the parent: %d", r.status);
	resp_free(&r);
	replay("127.0.0.4", 1, pu, "AdditionalCost=9999", hdr, &r);
	ok(r.status == 401 && rec.nmanage == n + 1, "the same signature on "
	    "another body: %d %s", r.status, r.line);
	resp_free(&r);
	replay("127.0.0.4", 1, "/peer/update?NodeID=2", "AdditionalCost=7",
	    hdr, &r);
	ok(r.status == 401 && rec.nmanage == n + 1, "on another path: %d",
	    r.status);
	resp_free(&r);
	manage_signed("127.0.0.4", 1, "super/state", "/peer/update?NodeID=1",
	    "AdditionalCost=7", "passwd_showstate", 0, hdr, sizeof(hdr), &r);
	ok(r.status == 401 && rec.nmanage == n + 1, "signed with another "
	    "call's password: %d", r.status);
	resp_free(&r);
	manage_signed("127.0.0.4", 1, "super/update", "/super/update",
	    "DampingResistance=0.5", "", 0, hdr, sizeof(hdr), &r);
	ok(r.status == 403, "signed, to a call disabled by an empty password: "
	    "%d %s", r.status, r.line);
	resp_free(&r);
	manage_signed("127.0.0.4", 0, "super/state",
	    "/super/state?Password=passwd_showstate", NULL, "passwd_showstate",
	    0, hdr, sizeof(hdr), &r);
	ok(r.status == 400, "signed and a password too: %d %s", r.status,
	    r.line);
	resp_free(&r);
}

static void
test_plain(void)
{
	struct resp	 r;
	char		 hdr[128];
	uint64_t	 failed0;

	manage("127.0.0.6", port_both, 0, "/super/state", NULL,
	    "passwd_showstate", &r);
	ok(r.status == 200, "by default a plain password is taken from "
	    "loopback: %d", r.status);
	resp_free(&r);
	reconf("ManageAPI:\n  PlainPasswords: none\n");
	failed0 = http_stats.auth_failed;
	manage("127.0.0.6", port_both, 0, "/super/state", NULL,
	    "passwd_showstate", &r);
	ok(r.status == 401 && strstr(r.line, "not taken in clear") != NULL,
	    "PlainPasswords none: the right password in clear is refused: %d "
	    "%s", r.status, r.line);
	resp_free(&r);
	manage("127.0.0.6", port_both, 0, "/super/state?Password=x", NULL,
	    NULL, &r);
	ok(r.status == 401 && http_stats.auth_failed == failed0,
	    "and a wrong one in the query, unchecked: %d", r.status);
	resp_free(&r);
	manage_signed("127.0.0.6", 0, "super/state", "/super/state", NULL,
	    "passwd_showstate", 0, hdr, sizeof(hdr), &r);
	ok(r.status == 200, "a signed request still works: %d", r.status);
	resp_free(&r);
	reconf("");
}

static void
test_delbykey(void)
{
	struct resp	 r;
	char		 privb64[45], uri[256], *p;
	size_t		 i;
	int		 n = rec.nmanage;

	b64(edge_priv[3], privb64);
	p = uri + snprintf(uri, sizeof(uri), "/peer/del?PrivKey=");
	for (i = 0; privb64[i] != '\0'; i++)
		p += sprintf(p, "%%%02X", (unsigned char)privb64[i]);
	manage("127.0.0.7", port_both, 0, uri, NULL, NULL, &r);
	ok(r.status == 403 && strstr(r.line, "DelPeerByPrivKey") != NULL &&
	    rec.nmanage == n, "peer/del by PrivKey, off by default: %d %s",
	    r.status, r.line);
	resp_free(&r);
	reconf("ManageAPI:\n  DelPeerByPrivKey: true\n"
	    "  PlainPasswords: none\n");
	manage("127.0.0.7", port_both, 0, uri, NULL, NULL, &r);
	ok(r.status == 401 && rec.nmanage == n, "on, but not where passwords "
	    "may not come in clear: %d %s", r.status, r.line);
	resp_free(&r);
	reconf("ManageAPI:\n  DelPeerByPrivKey: true\n");
	rec.answer = 200;
	manage("127.0.0.7", port_both, 0, uri, NULL, NULL, &r);
	ok(r.status == 200 && rec.nmanage == n + 1 &&
	    rec.manage[n].node_id == 3, "on: the edge's own key deletes it: %d",
	    r.status);
	resp_free(&r);
	reconf("");
}

static void
test_edge(void)
{
	struct resp	 r1, r2;
	const char	*ni = "{\"LocalV4\":[],\"LocalV6\":[],\"Pongs\":[]}";

	client_addr = "127.0.0.8";
	edge_request(port_both, 9, edge_key[1], 1,
	    "/edge/post/nodeinfo?NodeID=9", ni, strlen(ni), 0, NULL, &r1);
	edge_request(port_both, 2, edge_key[1], 1,
	    "/edge/post/nodeinfo?NodeID=2", ni, strlen(ni), 0, NULL, &r2);
	ok(r1.status == 401 && r1.status == r2.status && r1.len == r2.len &&
	    memcmp(r1.body, r2.body, r1.len) == 0, "EdgeAPI: an unknown NodeID "
	    "is answered as a known one with a wrong key: %d %s / %d %s",
	    r1.status, r1.line, r2.status, r2.line);
	resp_free(&r1);
	resp_free(&r2);
	edge_request(port_both, 1, edge_key[1], 1,
	    "/edge/post/nodeinfo?NodeID=1", ni, strlen(ni), t0 - 1000, NULL,
	    &r1);
	ok(r1.status == 401 && strstr(r1.line, "replayed") != NULL,
	    "EdgeAPI: nothing signed before the supernode knew the edge: %d %s",
	    r1.status, r1.line);
	resp_free(&r1);
	edge_request(port_both, 1, edge_key[1], 1,
	    "/edge/post/nodeinfo?NodeID=1", ni, strlen(ni), 0, NULL, &r1);
	ok(r1.status == 200, "EdgeAPI: a fresh one is taken: %d %s",
	    r1.status, r1.line);
	resp_free(&r1);
	client_addr = NULL;
}

#define NSLOW		256
#define SLOW_REQ	"GET " PREFIX "/edge/peerinfo?NodeID=1 HTTP/1.1\r\n" \
			"Host: x\r\nX-Slow: "

struct slow {
	int	fd;
	int	up;
	double	born;
	double	life;		/* when the server closed it, or 0 */
	size_t	sent;
};

static int
dial(const char *from, int port)
{
	struct sockaddr_in	sin;
	int			fd;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		bail("socket");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, from, &sin.sin_addr);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		bail("bind");
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno != EINPROGRESS)
		bail("connect");
	return fd;
}

/* The server's side of a slow connection: readable means closed. */
static void
slow_poll(struct slow *s, double now)
{
	struct pollfd	pfd;
	char		buf[512];
	ssize_t		n;

	if (s->fd == -1 || s->life != 0)
		return;
	pfd.fd = s->fd;
	pfd.events = s->up ? POLLIN : POLLOUT;
	if (poll(&pfd, 1, 0) != 1)
		return;
	if (!s->up && !(pfd.revents & (POLLERR | POLLHUP))) {
		s->up = 1;
		return;
	}
	if ((n = read(s->fd, buf, sizeof(buf))) == -1 && errno == EAGAIN)
		return;
	s->life = now - s->born;
	if (s->life == 0)
		s->life = 1e-6;
}

static void
test_slow(void)
{
	static struct slow	 sl[NSLOW];
	static const char	 ka_req[] = "GET " PREFIX "/edge/nhtable?"
	    "NodeID=1 HTTP/1.1\r\nHost: x\r\n\r\n";
	const char		*ni = "{\"LocalV4\":[],\"LocalV6\":[],"
	    "\"Pongs\":[]}";
	struct resp		 r;
	struct pollfd		 pfd;
	char			 from[16], buf[1024];
	double			 start, now, next, t, t_edge = -1;
	double			 t_manage = -1;
	double			 lo = 1e9, hi = 0;
	double			 ka_at[3] = { 0.5, 6, 11.5 };
	uint64_t		 dl0 = http_stats.deadline;
	int			 i, early = 0, kept = 0, ka, ka_sent = 0;
	int			 ka_answers = 0, ka_closed = 0;
	size_t			 k;

	/* Four sources, 32 connections each to either port. */
	start = now_s();
	for (i = 0; i < NSLOW; i++) {
		snprintf(from, sizeof(from), "127.0.0.%d", 20 + i % 4);
		sl[i].born = now_s();
		sl[i].fd = dial(from, i % 8 < 4 ? port_edge : port_manage);
	}
	ka = dial("127.0.0.12", port_edge);
	next = start;
	while ((now = now_s()) < start + 14) {
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		if (now >= next) {
			/* One more byte of a request that never ends. */
			for (i = 0; i < NSLOW; i++) {
				if (!sl[i].up || sl[i].life != 0)
					continue;
				k = sl[i].sent < strlen(SLOW_REQ) ? sl[i].sent :
				    strlen(SLOW_REQ);
				if (write(sl[i].fd, k < strlen(SLOW_REQ) ?
				    SLOW_REQ + k : "a", 1) == 1)
					sl[i].sent++;
			}
			next += 1;
		}
		for (i = 0; i < NSLOW; i++)
			slow_poll(&sl[i], now);
		/* The keep-alive client: a whole request now and then. */
		if (ka_sent < 3 && now - start >= ka_at[ka_sent] &&
		    write(ka, ka_req, sizeof(ka_req) - 1) ==
		    (ssize_t)sizeof(ka_req) - 1)
			ka_sent++;
		pfd.fd = ka;
		pfd.events = POLLIN;
		if (!ka_closed && poll(&pfd, 1, 0) == 1) {
			if (read(ka, buf, sizeof(buf)) > 0)
				ka_answers++;
			else
				ka_closed = 1;
		}
		if (t_edge < 0 && now - start >= 2) {
			/* The legitimate ones, from addresses of their own. */
			client_addr = "127.0.0.9";
			t = now_s();
			edge_request(port_edge, 1, edge_key[1], 1,
			    "/edge/post/nodeinfo?NodeID=1", ni, strlen(ni), 0,
			    NULL, &r);
			t_edge = r.status == 200 ? now_s() - t : 1e9;
			resp_free(&r);
			t = now_s();
			manage("127.0.0.10", port_manage, 0, "/super/state",
			    NULL, "passwd_showstate", &r);
			t_manage = r.status == 200 ? now_s() - t : 1e9;
			resp_free(&r);
			client_addr = NULL;
		}
		for (i = kept = 0; i < NSLOW; i++)
			if (sl[i].life == 0)
				kept++;
		if (kept == 0 && now - start > 12)
			break;
		usleep(2000);
	}
	for (i = kept = 0; i < NSLOW; i++) {
		if (sl[i].life > 0 && sl[i].life <= 1)
			early++;
		else if (sl[i].life > 1) {
			kept++;
			if (sl[i].life < lo)
				lo = sl[i].life;
			if (sl[i].life > hi)
				hi = sl[i].life;
		}
		close(sl[i].fd);
	}
	close(ka);
	ok(early == NSLOW - 4 * (HTTP_MAX_CONNS_SOURCE +
	    HTTP_MAX_MANAGE_SOURCE), "%d slow connections: %d beyond the "
	    "per-source caps closed at once", NSLOW, early);
	ok(kept == NSLOW - early && lo >= HTTP_REQUEST_S - 1 &&
	    hi <= HTTP_REQUEST_S + 2 && http_stats.deadline - dl0 >=
	    (uint64_t)kept, "the other %d closed at the %d s deadline, "
	    "a byte a second notwithstanding (after %.1f to %.1f s)", kept,
	    HTTP_REQUEST_S, lo, hi);
	ok(t_edge < 2 && t_manage < 2, "meanwhile an EdgeAPI request from "
	    "127.0.0.9 took %.3f s, a Manage API one from 127.0.0.10 %.3f s",
	    t_edge, t_manage);
	diag("slow connections: legitimate EdgeAPI answer in %.3f s, Manage "
	    "API in %.3f s; slow ones closed after %.1f-%.1f s", t_edge,
	    t_manage, lo, hi);
	ok(ka_answers == 3 && !ka_closed, "a keep-alive client, requests at "
	    "0.5, 6 and 11.5 s: %d answers on one connection", ka_answers);
	for (i = 0; i < 2000 && http_conns() > 0; i++)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	ok(http_conns() == 0 && http_conns_class(HTTP_CLASS_EDGE) == 0 &&
	    http_conns_class(HTTP_CLASS_MANAGE) == 0, "every connection "
	    "counted out (%d left)", http_conns());
}

int
main(void)
{
	int	fd;

	signal(SIGPIPE, SIG_IGN);
	t0 = now_ms() - 1;
	setup("");
	log_setsink(sink);
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

	test_guessing();
	test_signed();
	test_plain();
	test_delbykey();
	test_edge();
	test_slow();
	http_shutdown();
	hstate_shutdown();
	conf_free_super(conf);
	return tap_done();
}
