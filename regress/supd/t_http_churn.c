/*
 * eg-supd's EdgeAPI against a member edge that churns its nodeinfo
 * (issue 14, findings 6 and 10), in process on loopback:
 *  - 100 posts in a row: the edge's budget (HTTP_NODEINFO_BURST) passes,
 *    the rest get 429 with Retry-After, counted;
 *  - 100 posts alternating between two local addresses, each within
 *    the budget: the peers hash every edge refetches on is published at
 *    most once per HTTP_PEERS_DAMP_S, and the newest addresses are in
 *    the peers document at the end;
 *  - local addresses that are no LAN address (loopback, unspecified,
 *    multicast, broadcast, IPv6 link-local) are refused and counted,
 *    the others taken.
 * The figures (global hashes for 100 alternating posts) go to diag.
 */
#include <signal.h>

#include "http_test.h"

static int	port;

static int
post_nodeinfo(uint16_t id, const char *body, struct resp *r)
{
	char	 pathq[64];

	snprintf(pathq, sizeof(pathq), "/edge/post/nodeinfo?NodeID=%u", id);
	return edge_request(port, id, edge_key[id], 1, pathq, body,
	    strlen(body), 0, NULL, r);
}

static int
peers_told(void)
{
	int	i, n = 0;

	for (i = 0; i < rec.nhash; i++)
		n += rec.hash[i].node_id == NODEID_BROADCAST &&
		    rec.hash[i].state == OVLMSG_PEERS;
	return n;
}

/* As seen by edge 2: edge 1's endpoints, as text, joined by spaces. */
static int
edge1_endpoints(char *out, size_t outlen)
{
	struct edgeapi_peer	*ps;
	struct resp		 r;
	char			 pathq[256], hex[65], err[EDGEAPI_ERR_LEN];
	char			 ep[EDGEAPI_EP_STRLEN], *doc;
	int64_t			 ts;
	size_t			 len, n;
	uint32_t		 i;
	int			 rc = -1;

	out[0] = '\0';
	edgeapi_hash_hex(hex, told_hash(NODEID_BROADCAST, OVLMSG_PEERS));
	snprintf(pathq, sizeof(pathq), "/edge/peerinfo?NodeID=2&State=%s",
	    hex);
	edge_request(port, 2, edge_key[2], 0, pathq, NULL, 0, 0, &ts, &r);
	if (r.status == 200 && (doc = open_sealed(&r, edge_key[2], pathq,
	    ts, &len)) != NULL) {
		if (edgeapi_peers_parse(doc, len, &ps, &n, err,
		    sizeof(err)) == 0) {
			for (i = 0; i < ps[0].nendpoints; i++) {
				edgeapi_endpoint_str(&ps[0].endpoints[i], ep,
				    sizeof(ep));
				strlcat(out, i > 0 ? " " : "", outlen);
				strlcat(out, ep, outlen);
			}
			rc = 0;
			free(ps);
		}
		free(doc);
	}
	resp_free(&r);
	return rc;
}

static const char *
local_body(int which)
{
	static char	body[256];

	snprintf(body, sizeof(body), "{\"LocalV4\":[\"192.168.1.%d:3001\"],"
	    "\"LocalV6\":[],\"Pongs\":[]}", which);
	return body;
}

static void
test_budget(void)
{
	struct resp	 r;
	uint64_t	 thr = http_stats.nodeinfo_throttled;
	int		 i, passed = 0, refused = 0;

	nodeinfo_budget_refill(1);
	for (i = 0; i < 100; i++) {
		post_nodeinfo(1, local_body(10), &r);
		if (r.status == 200)
			passed++;
		else if (r.status == 429 && strstr(r.body, "nodeinfo") != NULL)
			refused++;
		resp_free(&r);
	}
	ok(passed == HTTP_NODEINFO_BURST && refused == 100 - passed,
	    "100 posts at once: the burst of %d passes, %d get 429",
	    passed, refused);
	ok(http_stats.nodeinfo_throttled - thr == (uint64_t)refused,
	    "each 429 counted (%llu)", (unsigned long long)
	    (http_stats.nodeinfo_throttled - thr));
	post_nodeinfo(1, local_body(10), &r);
	ok(r.status == 429 && strstr(r.line, "try again in") != NULL,
	    "and the next: %d %s", r.status, r.line);
	resp_free(&r);
	post_nodeinfo(2, "{\"LocalV4\":[],\"LocalV6\":[],\"Pongs\":[]}", &r);
	ok(r.status == 200, "another edge's budget is its own: %d",
	    r.status);
	resp_free(&r);
}

static void
test_churn(void)
{
	char		 eps[512];
	int		 i, before, during, after, ok200 = 0;
	uint64_t	 pub;
	struct resp	 r;
	time_t		 t0;

	/*
	 * The budget test's change is published at the end of its
	 * interval; wait out that one too, so the first change goes at
	 * once.
	 */
	sleep(HTTP_PEERS_DAMP_S);
	settle();
	sleep(HTTP_PEERS_DAMP_S);
	settle();
	pub = http_stats.peers_published;
	before = peers_told();
	t0 = time(NULL);
	for (i = 0; i < 100; i++) {
		nodeinfo_budget_refill(1);
		post_nodeinfo(1, local_body(i % 2 ? 2 : 1), &r);
		ok200 += r.status == 200;
		resp_free(&r);
		settle();
	}
	during = peers_told() - before;
	ok(ok200 == 100, "100 alternating posts taken (%d)", ok200);
	diag("new global peers hashes for 100 alternating nodeinfo posts in "
	    "%lld s: %d (then one more at the end of the interval)",
	    (long long)(time(NULL) - t0), during);
	ok(during >= 1 && during <= 1 + (int)(time(NULL) - t0) /
	    HTTP_PEERS_DAMP_S + 1, "the first published at once, the rest "
	    "damped (%d)", during);
	wait_peers_hash(told_hash(NODEID_BROADCAST, OVLMSG_PEERS));
	settle();
	after = peers_told() - before;
	ok(after == during + 1, "one more at the end of the interval "
	    "(%d in all)", after);
	ok(http_stats.peers_published - pub == (uint64_t)after,
	    "peers hashes published counted (%llu)",
	    (unsigned long long)(http_stats.peers_published - pub));
	ok(edge1_endpoints(eps, sizeof(eps)) == 0 &&
	    strstr(eps, "192.168.1.2:3001") != NULL &&
	    strstr(eps, "192.168.1.1:") == NULL,
	    "the newest local address is the one served: %s", eps);
}

static void
test_bad_local(void)
{
	const char	*bad = "{\"LocalV4\":[\"127.0.0.1:3001\","
	    "\"0.0.0.0:3001\",\"224.0.0.1:3001\",\"255.255.255.255:3001\","
	    "\"192.168.5.5:3001\"],"
	    "\"LocalV6\":[\"[::1]:3001\",\"[fe80::1]:3001\","
	    "\"[ff02::1]:3001\"],\"Pongs\":[]}";
	const char	*some = "{\"LocalV4\":[\"169.254.3.4:3001\"],"
	    "\"LocalV6\":[\"[::]:3001\",\"[2001:db8::5]:3001\"],"
	    "\"Pongs\":[]}";
	uint64_t	 refused = http_stats.local_refused;
	struct resp	 r;
	char		 eps[512];
	uint8_t		 old[32];

	memcpy(old, told_hash(NODEID_BROADCAST, OVLMSG_PEERS), 32);
	nodeinfo_budget_refill(1);
	post_nodeinfo(1, bad, &r);
	ok(r.status == 200, "nodeinfo with bad local addresses: %d %s",
	    r.status, r.line);
	resp_free(&r);
	ok(http_stats.local_refused - refused == 7,
	    "loopback, unspecified, multicast, broadcast, IPv6 link-local: "
	    "7 refused, counted (%llu)",
	    (unsigned long long)(http_stats.local_refused - refused));
	ok(wait_peers_hash(old), "the one left changes the peers hash");
	ok(edge1_endpoints(eps, sizeof(eps)) == 0 &&
	    strcmp(eps, "198.51.100.1:3001 192.168.5.5:3001") == 0,
	    "edge 2 gets only the LAN address: %s", eps);
	memcpy(old, told_hash(NODEID_BROADCAST, OVLMSG_PEERS), 32);
	post_nodeinfo(1, some, &r);
	resp_free(&r);
	ok(http_stats.local_refused - refused == 8, "IPv6 unspecified "
	    "refused too (%llu in all)",
	    (unsigned long long)(http_stats.local_refused - refused));
	ok(wait_peers_hash(old) && edge1_endpoints(eps, sizeof(eps)) == 0 &&
	    strcmp(eps, "198.51.100.1:3001 169.254.3.4:3001 "
	    "[2001:db8::5]:3001") == 0,
	    "IPv4 link-local and a global IPv6 address taken: %s", eps);
}

int
main(void)
{
	int	fd;

	signal(SIGPIPE, SIG_IGN);
	setup("");
	edge_online(1, "198.51.100.1:3001", NULL);
	edge_online(2, "192.0.2.2:3002", NULL);
	hstate_recompute();
	fd = listen_socket(&port);
	if (http_listen(fd, SUPD_HTTP_BOTH) == -1)
		bail("http_listen");
	test_budget();
	test_churn();
	test_bad_local();
	http_shutdown();
	hstate_shutdown();
	conf_free_super(conf);
	return tap_done();
}
