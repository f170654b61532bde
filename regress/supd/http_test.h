/*
 * Shared by the HTTP tests: eg-supd's HTTP side on loopback with a test
 * config, keys and recorders in place of the other processes, and a
 * synchronous HTTP client on the same event loop.
 */
#ifndef REGRESS_HTTP_TEST_H
#define REGRESS_HTTP_TEST_H

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <sodium.h>

#include "eg-supd/control_http.h"
#include "eg-supd/control_manage_parse.h"
#include "eg-supd/parent_edgeauth.h"
#include "eg-supd/parent_manage_auth.h"
#include "edgeapi/edgeapi.h"
#include "edgeapi/edgeapi_json.h"
#include "util/clock.h"
#include "util/log.h"
#include "regress/lib/tap.h"

#define PREFIX		"/eg_net/eg_api"
#define NEDGES		3
#define MAXREC		256

static struct event_base	*base;
static struct super_conf	*conf;
static uint8_t			 sup_priv[32], sup_pub[32], seed[32];
static uint8_t			 edge_priv[NEDGES + 1][32];
static uint8_t			 edge_pub[NEDGES + 1][32];
static uint8_t			 edge_key[NEDGES + 1][32];
static uint8_t			 edge1_psk[32];

/* What the HTTP side sent to the other processes. */
static struct {
	struct supd_hash	hash[MAXREC];
	int			nhash;
	struct supd_hash	fetched[MAXREC];
	int			nfetched;
	struct supd_sample	sample[MAXREC];
	int			nsample;
	struct supd_manage	manage[MAXREC];
	int			nmanage;
	int			answer;		/* status the "parent" gives */
} rec;

static __attribute__((unused)) void
rec_hash(const struct supd_hash *h)
{
	if (rec.nhash < MAXREC)
		rec.hash[rec.nhash++] = *h;
}

static __attribute__((unused)) void
rec_fetched(const struct supd_hash *h)
{
	if (rec.nfetched < MAXREC)
		rec.fetched[rec.nfetched++] = *h;
}

static __attribute__((unused)) void
rec_sample(const struct supd_sample *s)
{
	if (rec.nsample < MAXREC)
		rec.sample[rec.nsample++] = *s;
}

static void	bail(const char *) __attribute__((unused));

/*
 * The "parent": checks each Manage call's credential and parses its
 * change with the parent's own code (parent_manage_auth.c), records the
 * changes it would apply in rec.manage, and answers on the next loop
 * iteration: a refusal with its status, an authorisation with 200, a
 * change with rec.answer (0: never, a slow parent).
 */
static struct {
	struct supd_manage_result	r[MAXREC];
	char				text[MAXREC][MANAGE_REASON_LEN];
	int				n;
} answers;

static __attribute__((unused)) void
answer_cb(int fd, short ev, void *arg)
{
	int	i;

	(void)fd;
	(void)ev;
	(void)arg;
	/* Answers may queue more calls: take the ones due now. */
	for (i = 0; i < answers.n; i++)
		http_manage_result(&answers.r[i], answers.text[i]);
	answers.n = 0;
}

static __attribute__((unused)) int
answer_later(uint32_t request, int status, uint32_t flags, const char *text)
{
	static struct event	ev;
	static int		ev_set;
	struct timeval		tv = { 0, 1000 };
	struct supd_manage_result *r;

	/* A parent that cannot be asked: control answers 503. */
	if (answers.n == MAXREC)
		return -1;
	r = &answers.r[answers.n];
	memset(r, 0, sizeof(*r));
	r->request = request;
	r->http_status = status;
	r->flags = flags;
	strlcpy(answers.text[answers.n], text, sizeof(answers.text[0]));
	r->textlen = (uint32_t)strlen(answers.text[answers.n]);
	answers.n++;
	if (!ev_set) {
		evtimer_set(&ev, answer_cb, NULL);
		ev_set = 1;
	}
	if (!evtimer_pending(&ev, NULL))
		evtimer_add(&ev, &tv);
	return 0;
}

static __attribute__((unused)) int
rec_manage(const void *msg, size_t len)
{
	struct manage_msg	 mm;
	struct supd_manage	 m;
	char			 why[MANAGE_REASON_LEN];
	int			 rc, failed, replayed;

	if (manage_msg_split(msg, len, &mm) == -1)
		bail("control sent the parent a malformed IMSG_SUPD_MANAGE");
	rc = manage_cred_check(conf, &mm, clock_realtime_ms(), why,
	    sizeof(why), &failed, &replayed);
	if (rc == 0 && mm.m.op == SUPD_AUTH_ONLY)
		return answer_later(mm.m.request, 200, 0, "");
	if (rc == 0)
		rc = manage_cred_change(conf, &mm, &m, why, sizeof(why),
		    &failed);
	manage_msg_wipe(&mm);
	if (rc != 0)
		return answer_later(mm.m.request, rc,
		    (failed ? SUPD_RESULT_AUTH_FAILED : 0) |
		    (replayed ? SUPD_RESULT_REPLAYED : 0), why);
	if ((m.op == SUPD_PEER_UPDATE || m.op == SUPD_SUPER_UPDATE) &&
	    !manage_has_changes(&m)) {
		return answer_later(m.request, 200, 0, "no parameter "
		    "updated");
	}
	if (rec.nmanage < MAXREC)
		rec.manage[rec.nmanage++] = m;
	if (rec.answer != 0)
		return answer_later(m.request, rec.answer, 0, "answer from "
		    "the parent");
	return 0;
}

/*
 * The "parent"'s verdict on an EdgeAPI request, by the parent's own code
 * (parent_edgeauth.c), on the next loop iteration.
 */
static struct {
	struct supd_edge_grant	g[MAXREC];
	struct supd_pair_psk	psks[MAXREC][NEDGES];
	int			n;
} grants;

static __attribute__((unused)) void
grant_cb(int fd, short ev, void *arg)
{
	int	i, n = grants.n;

	(void)fd;
	(void)ev;
	(void)arg;
	grants.n = 0;
	for (i = 0; i < n; i++)
		http_edge_grant(&grants.g[i], grants.psks[i]);
}

static __attribute__((unused)) int
rec_edge_auth(const struct supd_edge_auth *a, const char *uri)
{
	static struct event	ev;
	static int		ev_set;
	struct timeval		tv = { 0, 1000 };

	/* A parent that cannot be asked: control answers 503. */
	if (grants.n == MAXREC)
		return -1;
	edge_grant(a, uri, clock_realtime_ms(), &grants.g[grants.n],
	    grants.psks[grants.n], NEDGES);
	grants.n++;
	if (!ev_set) {
		evtimer_set(&ev, grant_cb, NULL);
		ev_set = 1;
	}
	if (!evtimer_pending(&ev, NULL))
		evtimer_add(&ev, &tv);
	return 0;
}

/* The newest hash the engine was told for (node, state); NULL if none. */
static __attribute__((unused)) const uint8_t *
told_hash(uint16_t node, int state)
{
	int	i;

	for (i = rec.nhash - 1; i >= 0; i--)
		if (rec.hash[i].node_id == node && rec.hash[i].state == state)
			return rec.hash[i].hash;
	return NULL;
}

static __attribute__((unused)) void
b64(const uint8_t k[32], char out[45])
{
	sodium_bin2base64(out, 45, k, 32, sodium_base64_VARIANT_ORIGINAL);
}

static __attribute__((unused)) void
bail(const char *what)
{
	printf("Bail out! %s\n", what);
	exit(1);
}

/* Parses the test config (extra: more top-level YAML) into conf. */
static __attribute__((unused)) void
setup_conf(const char *extra)
{
	struct conf_diags	 d;
	char			 yaml[4096], k[4][45];

	b64(edge_pub[1], k[1]);
	b64(edge_pub[2], k[2]);
	b64(edge_pub[3], k[3]);
	b64(edge1_psk, k[0]);
	snprintf(yaml, sizeof(yaml),
	    "NodeName: sn\nListenPort: 3456\nAPI_Prefix: " PREFIX "\n"
	    "HttpPostInterval: 50\nPeerAliveTimeout: 70\n"
	    "SendPingInterval: 15\n"
	    "Passwords:\n  ShowState: passwd_showstate\n"
	    "  AddPeer: passwd_addpeer\n  DelPeer: passwd_delpeer\n"
	    "  UpdatePeer: passwd_updatepeer\n  UpdateSuper: \"\"\n"
	    "GraphRecalculateSetting:\n  DampingResistance: 0.9\n"
	    "UsePSKForInterEdge: true\n%s"
	    "Peers:\n"
	    "- NodeID: 1\n  Name: Node_01\n  PubKey: %s\n  PSKey: %s\n"
	    "  AdditionalCost: 10\n"
	    "- NodeID: 2\n  Name: Node_02\n  PubKey: %s\n"
	    "  AdditionalCost: -1\n  ExternalIP: 203.0.113.9\n"
	    "- NodeID: 3\n  Name: Node_03\n  PubKey: %s\n"
	    "  AdditionalCost: 5\n  SkipLocalIP: true\n",
	    extra, k[1], k[0], k[2], k[3]);
	memset(&d, 0, sizeof(d));
	conf = conf_parse_super("t.yaml", yaml, strlen(yaml), &d,
	    CONF_PARSE_NO_SECRETS);
	if (conf == NULL) {
		conf_diags_print(stdout, &d);
		bail("test config does not parse");
	}
	conf_diags_free(&d);
}

/* Keys, config, the HTTP side's state; no socket yet. */
static void
quiet_sink(int pri, const char *line)
{
	(void)pri;
	(void)line;
}

static __attribute__((unused)) void
setup(const char *extra)
{
	static const struct http_out	out = {
		rec_hash, rec_fetched, rec_sample, rec_manage, rec_edge_auth
	};
	int				i;

	if (sodium_init() == -1)
		bail("sodium_init");
	/* The daemon's log lines would mix with TAP: only on request. */
	if (getenv("TEST_VERBOSE") != NULL) {
		log_init(1, 0);
		log_setverbose(1);
	} else {
		log_init(0, LOG_USER);
		log_setsink(quiet_sink);
	}
	base = event_init();
	crypto_box_keypair(sup_pub, sup_priv);
	randombytes_buf(edge1_psk, sizeof(edge1_psk));
	for (i = 1; i <= NEDGES; i++) {
		crypto_box_keypair(edge_pub[i], edge_priv[i]);
		if (edgeapi_key(edge_key[i], edge_priv[i], sup_pub, i == 1 ?
		    edge1_psk : NULL) == -1)
			bail("edgeapi_key");
	}
	setup_conf(extra);
	manage_cred_conf(conf);
	/* The parent's side: the supernode's key makes the edges' keys. */
	memcpy(conf->privkey_v4.key, sup_priv, 32);
	conf->privkey_v4.set = 1;
	/* A second back: the first request may come in the same ms. */
	edge_keys_conf(conf, clock_realtime_ms() - 1000);
	crypto_generichash(seed, sizeof(seed),
	    (const uint8_t *)"EtherGuard inter-edge PSK seed", 30, sup_priv, 32);
	hstate_init(&out);
	hstate_conf(conf);
}

/* A listening TCP socket on 127.0.0.1, port in *port. */
static __attribute__((unused)) int
listen_socket(int *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 1024) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		bail("listening socket");
	*port = ntohs(sin.sin_port);
	return fd;
}

static __attribute__((unused)) void
edge_online(uint16_t id, const char *ep4, const char *ep6)
{
	struct supd_edge	e;

	memset(&e, 0, sizeof(e));
	e.node_id = id;
	e.online = 1;
	e.last_seen = 1638739316039LL;
	if (ep4 != NULL && edgeapi_endpoint_parse(ep4, &e.ep4) == -1)
		bail("ep4");
	if (ep6 != NULL && edgeapi_endpoint_parse(ep6, &e.ep6) == -1)
		bail("ep6");
	hstate_edge(&e);
}

/* Runs the loop until nothing is due right now. */
static __attribute__((unused)) void
settle(void)
{
	int	i;

	for (i = 0; i < 20; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

/*
 * Runs the loop until the peers hash told differs from old (NULL: until
 * one is told), at most HTTP_PEERS_DAMP_S + 2 s: the damped publication
 * of a change that follows another within the interval.  1 if it did.
 */
static __attribute__((unused)) int
wait_peers_hash(const uint8_t *old)
{
	const uint8_t	*h;
	time_t		 until = time(NULL) + HTTP_PEERS_DAMP_S + 2;

	for (;;) {
		h = told_hash(NODEID_BROADCAST, OVLMSG_PEERS);
		if (h != NULL && (old == NULL || memcmp(h, old, 32) != 0))
			return 1;
		if (time(NULL) > until)
			return 0;
		event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(10000);
	}
}

/* Refills edge id's nodeinfo budget: t_http_churn tests the budget. */
static __attribute__((unused)) void
nodeinfo_budget_refill(uint16_t id)
{
	struct hnode	*n;

	if ((n = hstate_node(id)) != NULL)
		memset(&n->posts, 0, sizeof(n->posts));
}

struct resp {
	int	 done;
	int	 status;
	char	*body;
	size_t	 len;
	char	 line[256];	/* the body's first line */
};

static __attribute__((unused)) void
resp_cb(struct evhttp_request *req, void *arg)
{
	struct resp	*r = arg;
	struct evbuffer	*in;

	r->done = 1;
	if (req == NULL || (r->status = evhttp_request_get_response_code(req))
	    == 0)
		return;
	in = evhttp_request_get_input_buffer(req);
	r->len = evbuffer_get_length(in);
	if ((r->body = malloc(r->len + 1)) == NULL)
		bail("malloc");
	evbuffer_remove(in, r->body, r->len);
	r->body[r->len] = '\0';
	/* Reasons are one line: keep TAP descriptions on one too. */
	snprintf(r->line, sizeof(r->line), "%.*s", (int)strcspn(r->body, "\n"),
	    r->body);
}

static __attribute__((unused)) void
resp_free(struct resp *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/*
 * One request on a new connection, run to its end: the status (0: no
 * answer).  hdrs: name, value, ..., NULL.
 */
/* Where request() connects from (NULL: the kernel's choice, 127.0.0.1). */
static const char	*client_addr;

static __attribute__((unused)) int
request(int port, int post, const char *uri, const char *const *hdrs,
    const void *body, size_t blen, struct resp *r)
{
	struct evhttp_connection	*c;
	struct evhttp_request		*req;
	struct evkeyvalq		*h;
	time_t				 until = time(NULL) + 20;

	memset(r, 0, sizeof(*r));
	if ((c = evhttp_connection_base_new(base, NULL, "127.0.0.1",
	    (uint16_t)port)) == NULL)
		bail("evhttp_connection_base_new");
	if (client_addr != NULL)
		evhttp_connection_set_local_address(c, client_addr);
	evhttp_connection_set_timeout(c, 10);
	req = evhttp_request_new(resp_cb, r);
	h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", "127.0.0.1");
	for (; hdrs != NULL && hdrs[0] != NULL; hdrs += 2)
		evhttp_add_header(h, hdrs[0], hdrs[1]);
	if (body != NULL)
		evbuffer_add(evhttp_request_get_output_buffer(req), body,
		    blen);
	if (evhttp_make_request(c, req, post ? EVHTTP_REQ_POST :
	    EVHTTP_REQ_GET, uri) == -1)
		bail("evhttp_make_request");
	while (!r->done && time(NULL) < until)
		event_base_loop(base, EVLOOP_ONCE);
	evhttp_connection_free(c);
	return r->status;
}

static __attribute__((unused)) int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * An EdgeAPI request as edge `node` with `key` (ts 0: now, and strictly
 * increasing); *tsp gets the timestamp used.
 */
static int64_t	edge_last_ts;	/* newest timestamp edge_request() used */

/* Another client for the same edges: wait until its clock is past ours. */
static __attribute__((unused)) void
edge_clock_catch_up(void)
{
	while (now_ms() <= edge_last_ts)
		usleep(1000);
}

static __attribute__((unused)) int
edge_request(int port, uint16_t node, const uint8_t *key, int post,
    const char *pathq, const void *body, size_t blen, int64_t ts,
    int64_t *tsp, struct resp *r)
{
	int64_t		*last = &edge_last_ts;
	char		 uri[512], auth[128];
	const char	*hdrs[3] = { EDGEAPI_AUTH_HEADER, auth, NULL };

	if (ts == 0) {
		ts = now_ms();
		if (ts <= *last)
			ts = *last + 1;
		*last = ts;
	}
	snprintf(uri, sizeof(uri), "%s%s", PREFIX, pathq);
	if (edgeapi_auth_header(auth, sizeof(auth), key, node, post ? "POST" :
	    "GET", uri, ts, body, blen) == -1)
		bail("auth header");
	if (tsp != NULL)
		*tsp = ts;
	return request(port, post, uri, hdrs, body, blen, r);
}

/* Opens a sealed answer to a request for pathq at ts; NULL if it fails. */
static __attribute__((unused)) char *
open_sealed(const struct resp *r, const uint8_t *key, const char *pathq,
    int64_t ts, size_t *lenp)
{
	char	 uri[512], *plain;

	if (r->len < EDGEAPI_SEAL_OVERHEAD)
		return NULL;
	snprintf(uri, sizeof(uri), "%s%s", PREFIX, pathq);
	*lenp = r->len - EDGEAPI_SEAL_OVERHEAD;
	if ((plain = malloc(*lenp + 1)) == NULL)
		bail("malloc");
	if (edgeapi_open((uint8_t *)plain, key, uri, ts,
	    (const uint8_t *)r->body, r->len) == -1) {
		free(plain);
		return NULL;
	}
	plain[*lenp] = '\0';
	return plain;
}

#endif /* REGRESS_HTTP_TEST_H */
