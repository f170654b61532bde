/*
 * The EdgeAPI end to end on loopback: eg-supd's HTTP side (states, hashes,
 * authentication, sealed answers, nodeinfo) against raw requests and
 * against egd's EdgeAPI client; then both again inside their seccomp
 * policies (SB_CONTROL_HTTP for the client, SB_SUPD_CONTROL for the
 * server) in child processes, which must not die of SIGSYS.
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <math.h>
#include <signal.h>

#include "http_test.h"
#include "egd/control_apiclient.h"
#include "egd/parent_apisign.h"
#include "proc/sandbox.h"

static int	port;

/* What the client delivered. */
static struct {
	struct edgeapi_peer		peers[8];
	int			npeers;
	int			peers_done;
	uint8_t			peers_hash[32];
	struct conf_nexthop	nh[64];
	size_t			nnh;
	int			nh_done;
	struct edgeapi_superparams	sp;
	int			nsp;
} got;

static void
got_peer(const struct edgeapi_peer *p)
{
	if (got.npeers < 8)
		got.peers[got.npeers++] = *p;
}

static void
got_peers_done(const uint8_t hash[32])
{
	got.peers_done++;
	memcpy(got.peers_hash, hash, 32);
}

static void
got_nh(const struct conf_nexthop *nh, size_t n)
{
	if (n <= 64) {
		memcpy(got.nh, nh, n * sizeof(*nh));
		got.nnh = n;
	}
}

static void
got_nh_done(const uint8_t hash[32])
{
	got.nh_done++;
}

static void
got_superparams(const struct edgeapi_superparams *sp)
{
	got.sp = *sp;
	got.nsp++;
}

/*
 * The parent's part: dial the supernode and hand the client the socket,
 * later, as IMSG_EGD_APICONN would.  The sandboxed child has no
 * socket() or connect(): it gets the one socket dialed before it
 * entered the sandbox, and nothing after that.
 */
static int	dial_port;
static int	dial_sandboxed, dial_ready = -1;
static int	dial_count;

struct dialed {
	int	fd;
	int	error;
};

static void
dial_deliver(int unused, short ev, void *arg)
{
	struct dialed	*d = arg;

	apiclient_connected(d->fd, d->error);
	free(d);
}

static int
dial_tcp(int p, int *errorp)
{
	struct sockaddr_in	sin;
	int			s;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)p);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		bail("socket");
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		*errorp = errno;
		close(s);
		return -1;
	}
	*errorp = 0;
	return s;
}

static void
client_dial(void)
{
	struct timeval	 tv = { 0, 0 };
	struct dialed	*d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		bail("calloc");
	dial_count++;
	if (dial_sandboxed) {
		d->fd = dial_ready;
		d->error = d->fd == -1 ? EAGAIN : 0;
		dial_ready = -1;
	} else
		d->fd = dial_tcp(dial_port, &d->error);
	if (event_base_once(base, -1, EV_TIMEOUT, dial_deliver, d, &tv) == -1)
		bail("event_base_once");
}

/* The client's node; its "parent" signs with that edge's key. */
static uint16_t	client_node;

static void
sign_deliver(int fd, short ev, void *arg)
{
	struct egd_api_signed	*a = arg;

	(void)fd;
	(void)ev;
	apiclient_signed(a);
	free(a);
}

/* The parent's side, by its own code (egd/parent_apisign.c), later. */
static int
client_sign(const struct egd_api_sign *q, const char *path)
{
	struct egd_api_signed	*a;
	struct timeval		 tv = { 0, 0 };

	if ((a = calloc(1, sizeof(*a))) == NULL)
		bail("calloc");
	egd_api_answer(edge_key[client_node], q, path, a);
	if (event_base_once(base, -1, EV_TIMEOUT, sign_deliver, a, &tv) == -1)
		bail("event_base_once");
	return 0;
}

static const struct apiclient_out client_out = {
	got_peer, got_peers_done, got_nh, got_nh_done, got_superparams,
	client_dial, client_sign
};

/* Runs the loop until *flag >= want or `secs` pass; 1 if reached. */
static int
wait_for(const int *flag, int want, int secs)
{
	time_t	until = time(NULL) + secs;

	while (*flag < want && time(NULL) < until)
		event_base_loop(base, EVLOOP_ONCE);
	return *flag >= want;
}

/* IMSG_EGD_APIADDR: the supernode on 127.0.0.1 port p. */
static void
client_start_addr(int p)
{
	struct egd_apiaddr	a;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&a.ss;

	dial_port = p;
	memset(&a, 0, sizeof(a));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin->sin_port = htons((uint16_t)p);
	snprintf(a.host, sizeof(a.host), "127.0.0.1:%d", p);
	snprintf(a.prefix, sizeof(a.prefix), "%s/", PREFIX);
	if (apiclient_addr(&a) == -1)
		bail("apiclient_addr");
}

static void
client_start(uint16_t node, int p)
{
	apiclient_init(base, &client_out);
	apiclient_conf(node, 0);
	client_node = node;
	client_start_addr(p);
}

static void
fetch(int state, const uint8_t *hash)
{
	struct egd_fetch	f;

	memset(&f, 0, sizeof(f));
	f.state = (uint16_t)state;
	memcpy(f.hash, hash, 32);
	if (apiclient_fetch(&f) == -1)
		bail("apiclient_fetch");
}

/* Says which system call the policy refused, then dies of SIGSYS. */
static void
on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char	buf[64];
	int	n;

	n = snprintf(buf, sizeof(buf), "# SIGSYS: system call %d\n",
	    si->si_syscall);
	if (n > 0 && write(STDOUT_FILENO, buf, (size_t)n) == -1)
		_exit(4);
	signal(SIGSYS, SIG_DFL);
	raise(SIGSYS);
}

static void
catch_sigsys(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
	sigaction(SIGSYS, &sa, NULL);
}

/* Child: the client inside SB_CONTROL_HTTP fetches the peers. */
static void
child_client(const uint8_t *hash)
{
	int	error;

	event_reinit(base);
	catch_sigsys();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		_exit(2);
	if ((dial_ready = dial_tcp(port, &error)) == -1)
		_exit(5);
	dial_sandboxed = 1;
	sandbox_narrow(SB_CONTROL_HTTP);
	memset(&got, 0, sizeof(got));
	client_start(2, port);
	fetch(OVLMSG_PEERS, hash);
	_exit(wait_for(&got.peers_done, 1, 15) && got.npeers == 2 ? 0 : 1);
}

/* Child: the server inside SB_SUPD_CONTROL, until SIGTERM. */
static void
child_server(int fd)
{
	event_reinit(base);
	catch_sigsys();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		_exit(2);
	if (http_listen(fd, SUPD_HTTP_BOTH) == -1)
		_exit(3);
	sandbox_narrow(SB_SUPD_CONTROL);
	event_dispatch();
	_exit(0);
}

static void
test_states(void)
{
	const uint8_t	*h;
	int		 i, nsp = 0;

	ok(told_hash(NODEID_BROADCAST, OVLMSG_PEERS) != NULL,
	    "engine told the peers hash, for every edge");
	for (i = 0; i < rec.nhash; i++)
		if (rec.hash[i].state == OVLMSG_SUPERPARAMS)
			nsp++;
	ok(nsp == NEDGES && told_hash(1, OVLMSG_SUPERPARAMS) != NULL &&
	    told_hash(3, OVLMSG_SUPERPARAMS) != NULL,
	    "engine told a superparams hash per edge (%d)", nsp);
	h = told_hash(1, OVLMSG_SUPERPARAMS);
	ok(h != NULL && memcmp(h, told_hash(2, OVLMSG_SUPERPARAMS), 32) != 0,
	    "superparams differ per edge (AdditionalCost)");
	ok(told_hash(NODEID_BROADCAST, OVLMSG_NHTABLE) == NULL,
	    "no next-hop table hash before the route process sent one");
}

static void
test_get_peers(void)
{
	struct edgeapi_peer	*ps;
	struct resp	 r;
	char		 pathq[256], hex[65], err[EDGEAPI_ERR_LEN], ep[64];
	char		*doc;
	uint8_t		 psk[32];
	int64_t		 ts;
	size_t		 len, n;
	int		 nfetched = rec.nfetched;

	edgeapi_hash_hex(hex, told_hash(NODEID_BROADCAST, OVLMSG_PEERS));
	snprintf(pathq, sizeof(pathq), "/edge/peerinfo?NodeID=1&State=%s",
	    hex);
	edge_request(port, 1, edge_key[1], 0, pathq, NULL, 0, 0, &ts, &r);
	ok(r.status == 200, "edge 1 fetches the peers: %d", r.status);
	doc = r.status == 200 ? open_sealed(&r, edge_key[1], pathq, ts,
	    &len) : NULL;
	ok(doc != NULL, "the answer opens with edge 1's key");
	ok(open_sealed(&r, edge_key[2], pathq, ts, &len) == NULL &&
	    open_sealed(&r, edge_key[1], pathq, ts + 1, &len) == NULL,
	    "and not with another key or for another request");
	ok(doc != NULL && edgeapi_peers_parse(doc, len, &ps, &n, err,
	    sizeof(err)) == 0 && n == 3, "three peers (%s)", doc ? doc : "");
	if (doc != NULL && n == 3) {
		edgeapi_pair_psk(psk, seed, 1, 2);
		ok(ps[0].node_id == 1 && !ps[0].has_psk && ps[1].has_psk &&
		    memcmp(ps[1].psk, psk, 32) == 0, "PSKs: none for "
		    "itself, the pair's for edge 2");
		ok(strcmp(ps[1].name, "Node_02") == 0 &&
		    memcmp(ps[1].pubkey, edge_pub[2], 32) == 0,
		    "name and public key of edge 2");
		edgeapi_endpoint_str(&ps[1].endpoints[0], ep, sizeof(ep));
		ok(ps[1].nendpoints == 2 && strcmp(ep, "203.0.113.9:3002") ==
		    0, "edge 2: ExternalIP with the port seen (%s), then IPv6",
		    ep);
		edgeapi_endpoint_str(&ps[0].endpoints[0], ep, sizeof(ep));
		ok(ps[0].nendpoints == 1 && strcmp(ep, "198.51.100.1:3001") ==
		    0, "edge 1: its external endpoint (%s)", ep);
		ok(ps[2].nendpoints == 0, "edge 3, offline: no endpoints");
		free(ps);
	}
	free(doc);
	/* The sandboxed child (edge 2) may have fetched meanwhile. */
	for (; nfetched < rec.nfetched; nfetched++)
		if (rec.fetched[nfetched].node_id == 1)
			break;
	ok(nfetched < rec.nfetched && rec.fetched[nfetched].state ==
	    OVLMSG_PEERS && memcmp(rec.fetched[nfetched].hash,
	    told_hash(NODEID_BROADCAST, OVLMSG_PEERS), 32) == 0,
	    "engine told edge 1 fetched the peers, that hash");
	resp_free(&r);
}

static void
bad_edge(uint16_t node, const uint8_t *key, int post, const char *pathq,
    int64_t ts, int want, const char *what)
{
	struct resp	r;

	edge_request(port, node, key, post, pathq, post ? "{}" : NULL,
	    post ? 2 : 0, ts, NULL, &r);
	ok(r.status == want && r.body != NULL && strchr(r.body, '\n') ==
	    r.body + r.len - 1, "%s: %d %s", what, r.status,
	    r.line);
	resp_free(&r);
}

static void
test_edge_refusals(void)
{
	struct resp	 r;
	char		 pathq[256], hex[65], uri[300];
	int64_t		 ts;
	const char	*h[3] = { EDGEAPI_AUTH_HEADER, NULL, NULL };

	edgeapi_hash_hex(hex, told_hash(NODEID_BROADCAST, OVLMSG_PEERS));
	snprintf(pathq, sizeof(pathq), "/edge/peerinfo?NodeID=1&State=%s",
	    hex);
	snprintf(uri, sizeof(uri), PREFIX "%s", pathq);
	request(port, 0, uri, NULL, NULL, 0, &r);
	ok(r.status == 401, "no X-EG-Auth: 401 %s", r.line);
	resp_free(&r);
	h[1] = "v1 1 123 xyz";
	request(port, 0, uri, h, NULL, 0, &r);
	ok(r.status == 401, "malformed X-EG-Auth: 401 %s", r.line);
	resp_free(&r);
	bad_edge(1, edge_key[2], 0, pathq, 0, 401, "another edge's key");
	bad_edge(1, edge_key[1], 0, pathq, now_ms() - 200000, 401,
	    "timestamp 200 s old");
	bad_edge(1, edge_key[1], 0, pathq, now_ms() + 200000, 401,
	    "timestamp 200 s ahead");
	/* A replay: the same request and timestamp twice. */
	edge_request(port, 1, edge_key[1], 0, pathq, NULL, 0, 0, &ts, &r);
	resp_free(&r);
	bad_edge(1, edge_key[1], 0, pathq, ts, 401, "replayed request");
	bad_edge(1, edge_key[1], 0, pathq, ts - 1, 401, "older timestamp");
	snprintf(pathq, sizeof(pathq), "/edge/peerinfo?NodeID=2&State=%s",
	    hex);
	bad_edge(1, edge_key[1], 0, pathq, 0, 400, "NodeID not the header's");
	snprintf(pathq, sizeof(pathq), "/edge/peerinfo?NodeID=9&State=%s",
	    hex);
	bad_edge(9, edge_key[1], 0, pathq, 0, 401, "unknown NodeID");
	bad_edge(1, edge_key[1], 0, "/edge/peerinfo?NodeID=1&State=abc", 0,
	    400, "malformed State");
	bad_edge(1, edge_key[1], 0, "/edge/peerinfo?NodeID=1", 0, 400,
	    "missing State");
	memset(hex, 'a', 64);
	snprintf(pathq, sizeof(pathq), "/edge/peerinfo?NodeID=1&State=%s",
	    hex);
	bad_edge(1, edge_key[1], 0, pathq, 0, 409, "State not the current");
	snprintf(pathq, sizeof(pathq), "/edge/nhtable?NodeID=1&State=%s", hex);
	bad_edge(1, edge_key[1], 0, pathq, 0, 409, "no next-hop table yet");
	snprintf(pathq, sizeof(pathq), "/edge/peerinfo?NodeID=1&State=%s&X=1",
	    hex);
	bad_edge(1, edge_key[1], 0, pathq, 0, 400, "unknown parameter");
	bad_edge(1, edge_key[1], 1, "/edge/peerinfo?NodeID=1", 0, 405,
	    "POST to a document");
	bad_edge(1, edge_key[1], 0, "/edge/post/nodeinfo?NodeID=1", 0, 405,
	    "GET of nodeinfo");
	bad_edge(1, edge_key[1], 0, "/edge/whatever?NodeID=1", 0, 404,
	    "unknown path");
	request(port, 0, "/other/edge/peerinfo", NULL, NULL, 0, &r);
	ok(r.status == 404, "outside API_Prefix: 404");
	resp_free(&r);
}

static void
test_nodeinfo(void)
{
	struct resp	 r;
	const char	*body = "{\"LocalV4\":[\"192.168.1.1:3001\","
	    "\"224.0.0.1:3001\"],\"LocalV6\":[],\"Pongs\":["
	    "{\"Src\":2,\"Dst\":1,\"Seq\":5,\"LatencyMs\":3.5,"
	    "\"LifetimeS\":70,\"AgeS\":1.5,\"AdditionalCost\":10},"
	    "{\"Src\":1,\"Dst\":2,\"Seq\":5,\"LatencyMs\":1,"
	    "\"LifetimeS\":70,\"AgeS\":0,\"AdditionalCost\":10},"
	    "{\"Src\":9,\"Dst\":1,\"Seq\":5,\"LatencyMs\":1,"
	    "\"LifetimeS\":70,\"AgeS\":0,\"AdditionalCost\":10}]}";
	const uint8_t	*before = told_hash(NODEID_BROADCAST, OVLMSG_PEERS);
	uint8_t		 old[32];
	char		*big;
	int		 nsample = rec.nsample;

	memcpy(old, before, 32);
	nodeinfo_budget_refill(1);
	edge_request(port, 1, edge_key[1], 1, "/edge/post/nodeinfo?NodeID=1",
	    body, strlen(body), 0, NULL, &r);
	ok(r.status == 200 && strcmp(r.body, "OK\n") == 0, "nodeinfo: %d %s",
	    r.status, r.line);
	resp_free(&r);
	ok(rec.nsample == nsample + 1 && rec.sample[nsample].src == 2 &&
	    rec.sample[nsample].dst == 1 &&
	    rec.sample[nsample].latency_ms == 3.5 &&
	    rec.sample[nsample].lifetime_s == 70 &&
	    rec.sample[nsample].additional_cost == 10,
	    "one sample to route: the Pong into edge 1 from a known edge");
	ok(rec.nsample == nsample + 1 && rec.sample[nsample].seq == 5 &&
	    rec.sample[nsample].age_s == 1.5 &&
	    rec.sample[nsample].reporter == 1,
	    "the sample carries its origin: Seq, AgeS, reported by edge 1");
	ok(wait_peers_hash(old), "its local address changed the peers hash "
	    "(within HTTP_PEERS_DAMP_S)");
	body = "{\"LocalV4\":1,\"LocalV6\":[],\"Pongs\":[]}";
	edge_request(port, 1, edge_key[1], 1, "/edge/post/nodeinfo?NodeID=1",
	    body, strlen(body), 0, NULL, &r);
	ok(r.status == 400 && strstr(r.body, "LocalV4") != NULL,
	    "malformed nodeinfo: 400 %s", r.line);
	resp_free(&r);
	edge_request(port, 1, edge_key[1], 1, "/edge/post/nodeinfo?NodeID=1",
	    "", 0, 0, NULL, &r);
	ok(r.status == 400, "empty nodeinfo: 400 %s", r.line);
	resp_free(&r);
	big = calloc(1, EDGEAPI_BODY_MAX + 2);
	memset(big, ' ', EDGEAPI_BODY_MAX + 1);
	edge_request(port, 1, edge_key[1], 1, "/edge/post/nodeinfo?NodeID=1",
	    big, EDGEAPI_BODY_MAX + 1, 0, NULL, &r);
	ok(r.status == 413, "body over 64 KiB: %d", r.status);
	resp_free(&r);
	free(big);
}

/* As seen by edge `asker`: how many endpoints edge 1 has. */
static int
edge1_endpoints(uint16_t asker)
{
	struct edgeapi_peer	*ps;
	struct resp	 r;
	char		 pathq[256], hex[65], err[EDGEAPI_ERR_LEN], *doc;
	int64_t		 ts;
	size_t		 len, n;
	int		 cnt = -1;

	edgeapi_hash_hex(hex, told_hash(NODEID_BROADCAST, OVLMSG_PEERS));
	snprintf(pathq, sizeof(pathq), "/edge/peerinfo?NodeID=%u&State=%s",
	    asker, hex);
	edge_request(port, asker, edge_key[asker], 0, pathq, NULL, 0, 0, &ts,
	    &r);
	if (r.status == 200 && (doc = open_sealed(&r, edge_key[asker], pathq,
	    ts, &len)) != NULL) {
		if (edgeapi_peers_parse(doc, len, &ps, &n, err,
		    sizeof(err)) == 0) {
			cnt = (int)ps[0].nendpoints;
			free(ps);
		}
		free(doc);
	}
	resp_free(&r);
	return cnt;
}

static void
test_skip_local(void)
{
	ok(edge1_endpoints(2) == 2, "edge 2 sees edge 1's local address");
	ok(edge1_endpoints(3) == 1, "edge 3 (SkipLocalIP) does not");
}

static void
test_client(void)
{
	const char		*nh = "{\"NhTable\":{\"1\":{\"2\":2,\"3\":2},"
	    "\"2\":{\"1\":1}}}";
	struct edgeapi_localaddrs	 la;
	const uint8_t		*h;
	uint8_t			 wrong[32];
	int			 i;

	hstate_doc_chunk(SUPD_DOC_NHTABLE, nh, 20);
	hstate_doc_chunk(SUPD_DOC_NHTABLE, nh + 20, strlen(nh) - 20);
	hstate_doc_done(SUPD_DOC_NHTABLE);
	ok(told_hash(NODEID_BROADCAST, OVLMSG_NHTABLE) != NULL,
	    "route's next-hop table: engine told its hash");

	/*
	 * The client is edge 1 too: its first timestamp must pass the raw
	 * requests' last, and its report must keep the local address, or
	 * the peers hash changes under it.
	 */
	edge_clock_catch_up();
	memset(&la, 0, sizeof(la));
	edgeapi_endpoint_parse("192.168.1.1:3001", &la.addrs[0]);
	la.count = 1;
	client_start(1, port);
	apiclient_localaddrs(&la);
	fetch(OVLMSG_PEERS, told_hash(NODEID_BROADCAST, OVLMSG_PEERS));
	ok(wait_for(&got.peers_done, 1, 15) && got.npeers == 2 &&
	    got.peers[0].node_id == 2 && got.peers[1].node_id == 3 &&
	    memcmp(got.peers_hash, told_hash(NODEID_BROADCAST, OVLMSG_PEERS),
	    32) == 0, "client: peers delivered without itself, then the "
	    "hash (%d)", got.npeers);
	fetch(OVLMSG_NHTABLE, told_hash(NODEID_BROADCAST, OVLMSG_NHTABLE));
	ok(wait_for(&got.nh_done, 1, 15) && got.nnh == 3 &&
	    got.nh[1].src == 1 && got.nh[1].dst == 3 && got.nh[1].nexthop == 2,
	    "client: next-hop table delivered (%zu entries)", got.nnh);
	h = told_hash(1, OVLMSG_SUPERPARAMS);
	fetch(OVLMSG_SUPERPARAMS, h);
	ok(wait_for(&got.nsp, 1, 15) && got.sp.send_ping_interval == 15 &&
	    got.sp.http_post_interval == 50 &&
	    got.sp.peer_alive_timeout == 70 && got.sp.additional_cost == 10 &&
	    got.sp.damping_resistance == 0.9 &&
	    memcmp(got.sp.hash, h, 32) == 0, "client: superparams delivered");

	/* A stale state: 409, retried after a backoff... */
	memset(wrong, 0x5a, sizeof(wrong));
	got.nsp = 0;
	fetch(OVLMSG_SUPERPARAMS, wrong);
	for (i = 0; i < 50; i++)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	settle();
	/* ...unless a FETCH names a newer state: fetched at once. */
	h = told_hash(1, OVLMSG_SUPERPARAMS);
	got.nsp = 0;
	fetch(OVLMSG_SUPERPARAMS, h);
	ok(wait_for(&got.nsp, 1, 3), "client: a newer FETCH cuts the backoff "
	    "of a failed one");
}

/* The supernode unreachable, then reachable: the client recovers. */
static void
test_client_unreachable(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	time_t			until;
	int			fd, dead;

	/* A port that was just free: nothing listens there. */
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		bail("socket");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		bail("bind");
	dead = ntohs(sin.sin_port);
	close(fd);

	memset(&got, 0, sizeof(got));
	client_start(2, dead);
	fetch(OVLMSG_PEERS, told_hash(NODEID_BROADCAST, OVLMSG_PEERS));
	until = time(NULL) + 2;
	while (time(NULL) < until)
		event_base_loop(base, EVLOOP_ONCE);
	ok(got.peers_done == 0, "client: supernode unreachable, nothing "
	    "delivered");
	/* The parent resolved the supernode anew: fetched at once. */
	client_start_addr(port);
	ok(wait_for(&got.peers_done, 1, 5) && got.npeers == 2,
	    "client: with the right address the pending fetch completes");
	apiclient_shutdown();
}

static void
test_client_post(void)
{
	struct ovlmsg_pong	pongs[4] = {
		{ 2, 1, 41, 4.25, 70, 10 }, { 3, 1, 0, 1.5, 0.2, 10 },
		{ 3, 1, 0, 2, 70, 10 }, { 3, 1, 0, 1e12, 70, 10 }
	};
	struct edgeapi_localaddrs	la;
	int			nsample = rec.nsample, done;

	memset(&la, 0, sizeof(la));
	edgeapi_endpoint_parse("192.168.1.1:3001", &la.addrs[0]);
	la.count = 1;
	apiclient_localaddrs(&la);
	nodeinfo_budget_refill(1);
	apiclient_pongs(pongs, 4);
	ok(apiclient_pending_pongs() == 3, "client keeps the valid Pongs (3)");
	/* The one of 0.2 s expires before the report goes. */
	usleep(300000);
	apiclient_post_now();
	done = 0;
	while (!done) {
		event_base_loop(base, EVLOOP_ONCE);
		done = apiclient_pending_pongs() == 0 ||
		    rec.nsample >= nsample + 2;
	}
	settle();
	ok(rec.nsample == nsample + 2 && rec.sample[nsample].src == 2 &&
	    rec.sample[nsample].latency_ms == 4.25 &&
	    rec.sample[nsample + 1].src == 3 &&
	    rec.sample[nsample + 1].latency_ms == 2,
	    "client's report reached route, without the expired Pong");
	ok(rec.nsample == nsample + 2 &&
	    rec.sample[nsample].lifetime_s < 69.8 &&
	    rec.sample[nsample].lifetime_s > 60,
	    "a Pong posted late carries what is left of its lifetime (%.2f s)",
	    rec.sample[nsample].lifetime_s);
	ok(rec.nsample == nsample + 2 && rec.sample[nsample].seq == 41 &&
	    rec.sample[nsample].age_s >= 0.3 &&
	    rec.sample[nsample].age_s < 10 &&
	    fabs(rec.sample[nsample].age_s + rec.sample[nsample].lifetime_s -
	    70) < 0.01, "and its Ping's number and its age, which add up to "
	    "the lifetime (%.2f s)", rec.sample[nsample].age_s);
	ok(apiclient_pending_pongs() == 0, "reported Pongs released");
	apiclient_shutdown();
}

int
main(void)
{
	const uint8_t	*h;
	uint8_t		 peers_hash[32];
	pid_t		 cpid, spid;
	int		 fd, sfd, sport, status;
	struct resp	 r;
	char		 uri[256];

	signal(SIGPIPE, SIG_IGN);
	setup("");
	edge_online(1, "198.51.100.1:3001", NULL);
	edge_online(2, "192.0.2.2:3002", "[2001:db8::2]:3002");
	hstate_recompute();
	test_states();
	if ((h = told_hash(NODEID_BROADCAST, OVLMSG_PEERS)) == NULL)
		bail("no peers hash");
	memcpy(peers_hash, h, 32);

	/* The sandboxed children start before this process listens. */
	fd = listen_socket(&port);
	sfd = listen_socket(&sport);
	fflush(stdout);
	if ((cpid = fork()) == -1 || cpid == 0) {
		if (cpid == 0) {
			close(sfd);
			child_client(peers_hash);
		}
		bail("fork");
	}
	if ((spid = fork()) == -1 || spid == 0) {
		if (spid == 0) {
			close(fd);
			child_server(sfd);
		}
		bail("fork");
	}
	close(sfd);
	if (http_listen(fd, SUPD_HTTP_BOTH) == -1)
		bail("http_listen");

	test_get_peers();
	test_edge_refusals();

	/* The sandboxed client fetches from us. */
	while (waitpid(cpid, &status, WNOHANG) == 0)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "client in SB_CONTROL_HTTP fetched the peers (%s %d)",
	    WIFSIGNALED(status) ? "signal" : "exit", WIFSIGNALED(status) ?
	    WTERMSIG(status) : WEXITSTATUS(status));
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		diag("libevent needs ioctl(FIONREAD) on its sockets: "
		    "SB_CONTROL_HTTP and SB_SUPD_CONTROL must allow it");
	/* The sandboxed server answers us. */
	snprintf(uri, sizeof(uri), PREFIX "/manage/super/state?Password="
	    "passwd_showstate");
	request(sport, 0, uri, NULL, NULL, 0, &r);
	ok(r.status == 200 && strstr(r.body, "\"PeerInfo\"") != NULL,
	    "server in SB_SUPD_CONTROL answers super/state");
	resp_free(&r);
	request(sport, 0, PREFIX "/edge/nhtable?NodeID=1&State=0123456789"
	    "abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL,
	    NULL, 0, &r);
	ok(r.status == 401, "and refuses an unauthenticated fetch");
	resp_free(&r);
	kill(spid, SIGTERM);
	waitpid(spid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
	    "server in SB_SUPD_CONTROL was alive until SIGTERM (%d)",
	    WIFSIGNALED(status) ? WTERMSIG(status) : -1);

	test_nodeinfo();
	test_skip_local();
	test_client();
	test_client_post();
	test_client_unreachable();
	http_shutdown();
	hstate_shutdown();
	conf_free_super(conf);
	return tap_done();
}
