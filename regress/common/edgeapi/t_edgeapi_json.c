/*
 * EdgeAPI documents: exact bytes from the builders (state hashes are
 * taken over them), round trips, and the parsers refusing what they
 * must, each with a reason.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "edgeapi/edgeapi_json.h"
#include "regress/lib/tap.h"

static char	err[EDGEAPI_ERR_LEN];

static void
ep(struct sockaddr_storage *ss, const char *s)
{
	if (edgeapi_endpoint_parse(s, ss) != 0) {
		printf("Bail out! endpoint %s\n", s);
		exit(1);
	}
}

static int
peers_bad(const char *doc, const char *what)
{
	struct edgeapi_peer	*p;
	size_t		 n;
	int		 rc;

	err[0] = '\0';
	rc = edgeapi_peers_parse(doc, strlen(doc), &p, &n, err, sizeof(err));
	ok(rc == -1 && p == NULL && err[0] != '\0' && strchr(err, '\n') ==
	    NULL, "peers refused: %s (%s)", what, err);
	return rc;
}

static void
test_peers(void)
{
	struct edgeapi_peer	 in[3], *out;
	char		*a, *b, *z;
	size_t		 alen, blen, zlen, n;
	char		 doc[4096];
	int		 i;

	memset(in, 0, sizeof(in));
	in[0].node_id = 7;
	strlcpy(in[0].name, "n7", sizeof(in[0].name));
	memset(in[0].pubkey, 0x11, 32);
	in[0].has_psk = 1;
	memset(in[0].psk, 0x22, 32);
	in[0].nendpoints = 2;
	ep(&in[0].endpoints[0], "10.99.0.7:3000");
	ep(&in[0].endpoints[1], "[2001:db8::7]:3001");
	in[1].node_id = 2;
	strlcpy(in[1].name, "n\xc3\xa9", sizeof(in[1].name));
	memset(in[1].pubkey, 0x33, 32);
	in[2].node_id = 100;
	memset(in[2].pubkey, 0x44, 32);
	in[2].nendpoints = 1;
	ep(&in[2].endpoints[0], "192.168.1.2:65535");

	a = edgeapi_peers_build(in, 3, 1, &alen);
	ok(a != NULL && strcmp(a, "{\"Peers\":["
	    "{\"NodeID\":2,\"Name\":\"n\xc3\xa9\",\"PubKey\":"
	    "\"MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM=\",\"PSKey\":\"\","
	    "\"Endpoints\":[]},"
	    "{\"NodeID\":7,\"Name\":\"n7\",\"PubKey\":"
	    "\"ERERERERERERERERERERERERERERERERERERERERERE=\",\"PSKey\":"
	    "\"IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI=\",\"Endpoints\":"
	    "[\"10.99.0.7:3000\",\"[2001:db8::7]:3001\"]},"
	    "{\"NodeID\":100,\"Name\":\"\",\"PubKey\":"
	    "\"REREREREREREREREREREREREREREREREREREREREREQ=\",\"PSKey\":\"\","
	    "\"Endpoints\":[\"192.168.1.2:65535\"]}]}") == 0 &&
	    alen == strlen(a), "peers: exact bytes, sorted by NodeID");
	/* Same set in another order: same bytes. */
	{
		struct edgeapi_peer	perm[3] = { in[2], in[0], in[1] };

		b = edgeapi_peers_build(perm, 3, 1, &blen);
		ok(b != NULL && blen == alen && memcmp(a, b, alen) == 0,
		    "peers: input order does not matter");
		free(b);
	}
	z = edgeapi_peers_build(in, 3, 0, &zlen);
	ok(z != NULL && strstr(z, "IiIi") == NULL &&
	    strstr(z, "\"PSKey\":\"\"") != NULL, "peers: with_psk 0 empties "
	    "every PSKey");
	free(z);

	ok(edgeapi_peers_parse(a, alen, &out, &n, err, sizeof(err)) == 0 &&
	    n == 3, "peers parse back (%s)", err);
	if (n == 3) {
		ok(out[0].node_id == 2 && strcmp(out[0].name, "n\xc3\xa9") ==
		    0 && out[0].has_psk == 0 && out[0].nendpoints == 0 &&
		    memcmp(out[0].pubkey, in[1].pubkey, 32) == 0,
		    "peer 2 round trip");
		ok(out[1].node_id == 7 && out[1].has_psk == 1 &&
		    memcmp(out[1].psk, in[0].psk, 32) == 0 &&
		    out[1].nendpoints == 2 &&
		    out[1].endpoints[1].ss_family == AF_INET6 &&
		    ntohs(((struct sockaddr_in6 *)&out[1].endpoints[1])->
		    sin6_port) == 3001, "peer 7 round trip, endpoints in "
		    "order");
		b = edgeapi_peers_build(out, n, 1, &blen);
		ok(b != NULL && blen == alen && memcmp(a, b, alen) == 0,
		    "peers: build(parse(doc)) == doc");
		free(b);
	}
	free(out);
	free(a);

	ok(edgeapi_peers_parse("{\"Peers\":[]}", 12, &out, &n, err,
	    sizeof(err)) == 0 && n == 0, "empty peer list");
	free(out);

	in[1].node_id = 7;
	errno = 0;
	ok(edgeapi_peers_build(in, 3, 1, &alen) == NULL && errno == EINVAL,
	    "build refuses a NodeID twice");
	in[1].node_id = 65533;
	ok(edgeapi_peers_build(in, 3, 1, &alen) == NULL, "build refuses a "
	    "reserved NodeID");
	in[1].node_id = 2;
	in[1].name[0] = '\t';
	ok(edgeapi_peers_build(in, 3, 1, &alen) == NULL, "build refuses a "
	    "name the parser would refuse");

#define PEER(id, name, pk, psk, eps)					\
	"{\"Peers\":[{\"NodeID\":" id ",\"Name\":" name ",\"PubKey\":"	\
	pk ",\"PSKey\":" psk ",\"Endpoints\":" eps "}]}"
#define PK	"\"ERERERERERERERERERERERERERERERERERERERERERE=\""
	ok(edgeapi_peers_parse(PEER("1", "\"a\"", PK, "\"\"", "[]"),
	    strlen(PEER("1", "\"a\"", PK, "\"\"", "[]")), &out, &n, err,
	    sizeof(err)) == 0 && n == 1, "the template parses");
	free(out);
	peers_bad("[]", "not an object");
	peers_bad("{\"Peers\":{}}", "Peers not an array");
	peers_bad("{\"Peers\":[],\"X\":1}", "unknown top-level key");
	peers_bad("{}", "missing Peers");
	peers_bad("{\"Peers\":[],\"Peers\":[]}", "duplicate key");
	peers_bad("{\"Peers\":[1]}", "peer not an object");
	peers_bad(PEER("65533", "\"a\"", PK, "\"\"", "[]"),
	    "reserved NodeID");
	peers_bad(PEER("-1", "\"a\"", PK, "\"\"", "[]"), "negative NodeID");
	peers_bad(PEER("1.5", "\"a\"", PK, "\"\"", "[]"), "real NodeID");
	peers_bad(PEER("\"1\"", "\"a\"", PK, "\"\"", "[]"), "string NodeID");
	peers_bad(PEER("1", "1", PK, "\"\"", "[]"), "Name not a string");
	peers_bad(PEER("1", "\"a\\nb\"", PK, "\"\"", "[]"),
	    "control character in Name");
	peers_bad(PEER("1", "\"a\\u0000b\"", PK, "\"\"", "[]"),
	    "NUL in Name");
	peers_bad(PEER("1", "\"0123456789012345678901234567890123456789"
	    "012345678901234567890123\"", PK, "\"\"", "[]"), "64-byte Name");
	peers_bad(PEER("1", "\"a\"", "\"ERERERERERERERERERERERERERERERERERERERE"
	    "RERE\"", "\"\"", "[]"), "PubKey without padding");
	peers_bad(PEER("1", "\"a\"", "\"ERERERERERERERERERERERERERERERERERERERE"
	    "RER=\"", "\"\"", "[]"), "PubKey of 31 bytes");
	peers_bad(PEER("1", "\"a\"", "\"\"", "\"\"", "[]"), "empty PubKey");
	peers_bad(PEER("1", "\"a\"", PK, "\"x\"", "[]"), "bad PSKey");
	peers_bad(PEER("1", "\"a\"", PK, "null", "[]"), "null PSKey");
	peers_bad(PEER("1", "\"a\"", PK, "\"\"", "[\"1.2.3.4\"]"),
	    "endpoint without port");
	peers_bad(PEER("1", "\"a\"", PK, "\"\"", "[\"1.2.3.4:0\"]"),
	    "port 0");
	peers_bad(PEER("1", "\"a\"", PK, "\"\"", "[\"1.2.3.4:65536\"]"),
	    "port 65536");
	peers_bad(PEER("1", "\"a\"", PK, "\"\"", "[\"1.2.3.4:080\"]"),
	    "port with a leading zero");
	peers_bad(PEER("1", "\"a\"", PK, "\"\"", "[\"::1:3000\"]"),
	    "IPv6 without brackets");
	peers_bad(PEER("1", "\"a\"", PK, "\"\"", "[\"[fe80::1%eth0]:3000\"]"),
	    "IPv6 zone");
	peers_bad(PEER("1", "\"a\"", PK, "\"\"", "[\"example.com:3000\"]"),
	    "host name");
	peers_bad(PEER("1", "\"a\"", PK, "\"\"", "[\"1.2.3:3000\"]"),
	    "short IPv4");
	peers_bad(PEER("1", "\"a\"", PK, "\"\"", "[\"1.2.3.4:1\",\"1.2.3.4:2\","
	    "\"1.2.3.4:3\",\"1.2.3.4:4\",\"1.2.3.4:5\",\"1.2.3.4:6\","
	    "\"1.2.3.4:7\",\"1.2.3.4:8\",\"1.2.3.4:9\"]"), "9 endpoints");
	peers_bad("{\"Peers\":[" "{\"NodeID\":1,\"Name\":\"a\",\"PubKey\":" PK
	    ",\"PSKey\":\"\",\"Endpoints\":[]},{\"NodeID\":1,\"Name\":\"b\","
	    "\"PubKey\":" PK ",\"PSKey\":\"\",\"Endpoints\":[]}]}",
	    "NodeID listed twice");
	peers_bad("{\"Peers\":[{\"NodeID\":1,\"Name\":\"a\",\"PubKey\":" PK
	    ",\"PSKey\":\"\"}]}", "missing Endpoints");
	peers_bad("{\"Peers\":[] trailing", "trailing garbage");
	peers_bad("{\"Peers\":[\"\xff\"]}", "invalid UTF-8");
	/* Deep nesting: jansson's depth limit, not the stack. */
	{
		char	*deep = malloc(200002);
		int	 d;

		for (d = 0; d < 100000; d++)
			deep[d] = '[';
		for (; d < 200000; d++)
			deep[d] = ']';
		deep[d] = '\0';
		peers_bad(deep, "100000 nested arrays");
		free(deep);
	}
	snprintf(doc, sizeof(doc), "%s", "{\"Peers\":[");
	for (i = 0; i < 3; i++)
		strlcat(doc, i ? ",{}" : "{}", sizeof(doc));
	strlcat(doc, "]}", sizeof(doc));
	peers_bad(doc, "empty peer objects");
}

/*
 * Within the document's size and EDGEAPI_MAX_PEERS sources and
 * destinations, a table may have more entries than the engine and route
 * take (CONF_NHTABLE_MAX): that one is refused here, or egd stopped.
 */
static void
test_nhtable_max(void)
{
	struct conf_nexthop	*out;
	char			*doc, *p;
	size_t			 n, src, dst, per = CONF_NHTABLE_MAX /
				    EDGEAPI_MAX_PEERS + 1;

	if ((doc = malloc(EDGEAPI_DOC_MAX)) == NULL)
		return;
	p = doc + sprintf(doc, "{\"NhTable\":{");
	for (src = 1; src <= EDGEAPI_MAX_PEERS; src++) {
		p += sprintf(p, "%s\"%zu\":{", src > 1 ? "," : "", src);
		for (dst = 1; dst <= per; dst++)
			p += sprintf(p, "%s\"%zu\":1", dst > 1 ? "," : "",
			    dst);
		*p++ = '}';
	}
	p += sprintf(p, "}}");
	err[0] = '\0';
	ok((size_t)(p - doc) < EDGEAPI_DOC_MAX &&
	    edgeapi_nhtable_parse(doc, p - doc, &out, &n, err,
	    sizeof(err)) == -1 && out == NULL && strstr(err, "more than"),
	    "nhtable of %zu entries in %zu bytes refused (%s)",
	    (size_t)EDGEAPI_MAX_PEERS * per, (size_t)(p - doc), err);
	free(doc);
}

static void
test_nhtable(void)
{
	struct conf_nexthop	 nh[] = {
		{ 10, 2, 2 }, { 2, 10, 1 }, { 1, 3, 2 }, { 1, 2, 2 },
		{ 2, 1, 1 }
	}, *out;
	char			*a, *b;
	size_t			 alen, blen, n;
	const char		*bad[] = {
		"{\"NhTable\":{\"01\":{\"2\":2}}}",
		"{\"NhTable\":{\"1\":{\"+2\":2}}}",
		"{\"NhTable\":{\"65533\":{\"2\":2}}}",
		"{\"NhTable\":{\"1\":{\"2\":65535}}}",
		"{\"NhTable\":{\"1\":{\"2\":\"2\"}}}",
		"{\"NhTable\":{\"1\":{\"2\":2.5}}}",
		"{\"NhTable\":{\"1\":[2]}}",
		"{\"NhTable\":[]}",
		"{\"NhTable\":{},\"X\":{}}",
		"{\"NhTable\":{\"\":{}}}",
		"{\"NhTable\":{\"1\":{\"2\":2,\"2\":3}}}",
		"{\"NhTable\":{\"123456\":{}}}",
	};
	size_t			 i;

	a = edgeapi_nhtable_build(nh, 5, &alen);
	ok(a != NULL && strcmp(a, "{\"NhTable\":{\"1\":{\"2\":2,\"3\":2},"
	    "\"2\":{\"1\":1,\"10\":1},\"10\":{\"2\":2}}}") == 0,
	    "nhtable: exact bytes, numeric order (%s)", a ? a : "NULL");
	ok(edgeapi_nhtable_parse(a, alen, &out, &n, err, sizeof(err)) == 0 &&
	    n == 5 && out[0].src == 1 && out[0].dst == 2 &&
	    out[4].src == 10 && out[4].dst == 2 && out[4].nexthop == 2,
	    "nhtable parses back, sorted (%s)", err);
	b = n == 5 ? edgeapi_nhtable_build(out, n, &blen) : NULL;
	ok(b != NULL && blen == alen && memcmp(a, b, alen) == 0,
	    "nhtable: build(parse(doc)) == doc");
	free(a);
	free(b);
	free(out);
	a = edgeapi_nhtable_build(NULL, 0, &alen);
	ok(a != NULL && strcmp(a, "{\"NhTable\":{}}") == 0, "empty table");
	ok(edgeapi_nhtable_parse(a, alen, &out, &n, err, sizeof(err)) == 0 &&
	    n == 0, "empty table parses");
	free(a);
	free(out);
	nh[1] = nh[0];
	ok(edgeapi_nhtable_build(nh, 5, &alen) == NULL && errno == EINVAL,
	    "build refuses a (src, dst) twice");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ok(edgeapi_nhtable_parse(bad[i], strlen(bad[i]), &out, &n, err,
		    sizeof(err)) == -1 && out == NULL && err[0] != '\0',
		    "nhtable refused: %s (%s)", bad[i], err);
	}
	test_nhtable_max();
}

static void
test_superparams(void)
{
	struct edgeapi_superparams	 sp = { 16, 50, 70, 10, 0.95, { 0 } }, o;
	char			*a, *b;
	size_t			 alen, blen, i;
	const char		*bad[] = {
		"{\"SendPingInterval\":16,\"HttpPostInterval\":50,"
		    "\"PeerAliveTimeout\":70,\"AdditionalCost\":10}",
		"{\"SendPingInterval\":0,\"HttpPostInterval\":50,"
		    "\"PeerAliveTimeout\":70,\"AdditionalCost\":10,"
		    "\"DampingResistance\":0.9}",
		"{\"SendPingInterval\":16,\"HttpPostInterval\":50,"
		    "\"PeerAliveTimeout\":70,\"AdditionalCost\":-0.5,"
		    "\"DampingResistance\":0.9}",
		"{\"SendPingInterval\":16,\"HttpPostInterval\":50,"
		    "\"PeerAliveTimeout\":70,\"AdditionalCost\":10,"
		    "\"DampingResistance\":1}",
		"{\"SendPingInterval\":16,\"HttpPostInterval\":\"50\","
		    "\"PeerAliveTimeout\":70,\"AdditionalCost\":10,"
		    "\"DampingResistance\":0.9}",
		"{\"SendPingInterval\":16,\"HttpPostInterval\":50,"
		    "\"PeerAliveTimeout\":2e9,\"AdditionalCost\":10,"
		    "\"DampingResistance\":0.9}",
		"{\"SendPingInterval\":16,\"HttpPostInterval\":50,"
		    "\"PeerAliveTimeout\":70,\"AdditionalCost\":10,"
		    "\"DampingResistance\":0.9,\"DampingFilterRadius\":4}",
	};

	a = edgeapi_superparams_build(&sp, &alen);
	ok(a != NULL && strcmp(a, "{\"SendPingInterval\":16,"
	    "\"HttpPostInterval\":50,\"PeerAliveTimeout\":70,"
	    "\"AdditionalCost\":10,\"DampingResistance\":0.95}") == 0,
	    "superparams: exact bytes (%s)", a ? a : "NULL");
	memset(&o, 0, sizeof(o));
	ok(edgeapi_superparams_parse(a, alen, &o, err, sizeof(err)) == 0 &&
	    o.send_ping_interval == 16 && o.http_post_interval == 50 &&
	    o.peer_alive_timeout == 70 && o.additional_cost == 10 &&
	    o.damping_resistance == 0.95, "superparams parse back");
	free(a);
	sp.additional_cost = -1;
	sp.send_ping_interval = 0.5;
	a = edgeapi_superparams_build(&sp, &alen);
	ok(a != NULL && strstr(a, "\"AdditionalCost\":-1") != NULL &&
	    strstr(a, "\"SendPingInterval\":0.5") != NULL,
	    "AdditionalCost -1 and fractions (%s)", a ? a : "NULL");
	ok(edgeapi_superparams_parse(a, alen, &o, err, sizeof(err)) == 0 &&
	    o.additional_cost == -1, "AdditionalCost -1 parses");
	b = edgeapi_superparams_build(&o, &blen);
	ok(b != NULL && blen == alen && memcmp(a, b, alen) == 0,
	    "superparams: build(parse(doc)) == doc");
	free(a);
	free(b);
	sp.damping_resistance = 1;
	ok(edgeapi_superparams_build(&sp, &alen) == NULL,
	    "build refuses DampingResistance 1");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ok(edgeapi_superparams_parse(bad[i], strlen(bad[i]), &o, err,
		    sizeof(err)) == -1 && err[0] != '\0',
		    "superparams refused #%zu (%s)", i, err);
	}
}

static void
test_nodeinfo(void)
{
	struct edgeapi_nodeinfo	 ni, o;
	struct ovlmsg_pong	 pongs[2] = {
		{ 1, 2, 7, 3.25, 70, 10 }, { 3, 2, 4294967295U, -0.5, 70, 0 }
	};
	double			 ages[2] = { 0, 12.5 };
	char			*a, *b, *big;
	size_t			 alen, blen, i, off;
	const char		*bad[] = {
		"{\"LocalV4\":[\"[::1]:3000\"],\"LocalV6\":[],\"Pongs\":[]}",
		"{\"LocalV4\":[],\"LocalV6\":[\"1.2.3.4:3000\"],\"Pongs\":[]}",
		"{\"LocalV4\":[],\"LocalV6\":[],\"Pongs\":[{\"Src\":1,"
		    "\"Dst\":2,\"Seq\":1,\"LatencyMs\":1,\"LifetimeS\":0,"
		    "\"AgeS\":0,\"AdditionalCost\":0}]}",
		"{\"LocalV4\":[],\"LocalV6\":[],\"Pongs\":[{\"Src\":1,"
		    "\"Dst\":65535,\"Seq\":1,\"LatencyMs\":1,\"LifetimeS\":1,"
		    "\"AgeS\":0,\"AdditionalCost\":0}]}",
		"{\"LocalV4\":[],\"LocalV6\":[],\"Pongs\":[{\"Src\":1,"
		    "\"Dst\":2,\"Seq\":1,\"LatencyMs\":1,\"LifetimeS\":1,"
		    "\"AgeS\":0,\"AdditionalCost\":-1}]}",
		"{\"LocalV4\":[],\"LocalV6\":[],\"Pongs\":[{\"Src\":1,"
		    "\"Dst\":2,\"Seq\":1,\"LatencyMs\":1,\"LifetimeS\":1,"
		    "\"AgeS\":0}]}",
		"{\"LocalV4\":[],\"LocalV6\":[],\"Pongs\":[{\"Src\":1,"
		    "\"Dst\":2,\"Seq\":4294967296,\"LatencyMs\":1,"
		    "\"LifetimeS\":1,\"AgeS\":0,\"AdditionalCost\":0}]}",
		"{\"LocalV4\":[],\"LocalV6\":[],\"Pongs\":[{\"Src\":1,"
		    "\"Dst\":2,\"Seq\":1.5,\"LatencyMs\":1,"
		    "\"LifetimeS\":1,\"AgeS\":0,\"AdditionalCost\":0}]}",
		"{\"LocalV4\":[],\"LocalV6\":[],\"Pongs\":[{\"Src\":1,"
		    "\"Dst\":2,\"Seq\":1,\"LatencyMs\":1,"
		    "\"LifetimeS\":1,\"AgeS\":-1,\"AdditionalCost\":0}]}",
		"{\"LocalV4\":[],\"LocalV6\":[],\"Pongs\":[{\"Src\":1,"
		    "\"Dst\":2,\"LatencyMs\":1,\"LifetimeS\":1,"
		    "\"AdditionalCost\":0}]}",
		"{\"LocalV4\":[],\"LocalV6\":[]}",
		"{\"LocalV4\":[\"1.1.1.1:1\",\"1.1.1.1:2\",\"1.1.1.1:3\","
		    "\"1.1.1.1:4\",\"1.1.1.1:5\"],\"LocalV6\":[\"[::1]:1\","
		    "\"[::1]:2\",\"[::1]:3\",\"[::1]:4\"],\"Pongs\":[]}",
	};

	memset(&ni, 0, sizeof(ni));
	ep(&ni.local.addrs[0], "[2001:db8::2]:3000");
	ep(&ni.local.addrs[1], "192.168.1.2:3000");
	ni.local.count = 2;
	ni.pongs = pongs;
	ni.npongs = 2;
	ok(edgeapi_nodeinfo_build(&ni, &alen) == NULL && errno == EINVAL,
	    "build refuses Pongs without their ages");
	ni.pong_age_s = ages;
	a = edgeapi_nodeinfo_build(&ni, &alen);
	ok(a != NULL && strcmp(a, "{\"LocalV4\":[\"192.168.1.2:3000\"],"
	    "\"LocalV6\":[\"[2001:db8::2]:3000\"],\"Pongs\":[{\"Src\":1,"
	    "\"Dst\":2,\"Seq\":7,\"LatencyMs\":3.25,\"LifetimeS\":70,"
	    "\"AgeS\":0,\"AdditionalCost\":10},{\"Src\":3,\"Dst\":2,"
	    "\"Seq\":4294967295,\"LatencyMs\":-0.5,\"LifetimeS\":70,"
	    "\"AgeS\":12.5,\"AdditionalCost\":0}]}") == 0,
	    "nodeinfo: exact bytes (%s)", a ? a : "NULL");
	ok(edgeapi_nodeinfo_parse(a, alen, &o, err, sizeof(err)) == 0 &&
	    o.local.count == 2 && o.npongs == 2 &&
	    o.local.addrs[0].ss_family == AF_INET &&
	    o.pongs[1].latency_ms == -0.5 && o.pongs[0].additional_cost == 10 &&
	    o.pongs[0].seq == 7 && o.pongs[1].seq == 4294967295U &&
	    o.pong_age_s[1] == 12.5,
	    "nodeinfo parses back (%s)", err);
	b = edgeapi_nodeinfo_build(&o, &blen);
	ok(b != NULL && blen == alen && memcmp(a, b, alen) == 0,
	    "nodeinfo: build(parse(doc)) == doc");
	edgeapi_nodeinfo_free(&o);
	free(a);
	free(b);
	pongs[1].lifetime_s = 0;
	ok(edgeapi_nodeinfo_build(&ni, &alen) == NULL && errno == EINVAL,
	    "build refuses an invalid Pong");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ok(edgeapi_nodeinfo_parse(bad[i], strlen(bad[i]), &o, err,
		    sizeof(err)) == -1 && o.pongs == NULL && err[0] != '\0',
		    "nodeinfo refused #%zu (%s)", i, err);
	}
	/* 1025 Pongs */
	big = malloc(200000);
	off = (size_t)snprintf(big, 200000, "{\"LocalV4\":[],\"LocalV6\":[],"
	    "\"Pongs\":[");
	for (i = 0; i <= EDGEAPI_MAX_PONGS; i++)
		off += (size_t)snprintf(big + off, 200000 - off, "%s{\"Src\":1,"
		    "\"Dst\":2,\"Seq\":1,\"LatencyMs\":1,\"LifetimeS\":1,"
		    "\"AgeS\":0,\"AdditionalCost\":0}", i ? "," : "");
	snprintf(big + off, 200000 - off, "]}");
	ok(edgeapi_nodeinfo_parse(big, strlen(big), &o, err, sizeof(err)) ==
	    -1, "nodeinfo refused: %d Pongs (%s)", EDGEAPI_MAX_PONGS + 1, err);
	free(big);
}

static void
test_endpoints_names(void)
{
	struct sockaddr_storage	 ss;
	char			 s[EDGEAPI_EP_STRLEN], name[SUPER_NAME_LEN];
	char			 longname[100];

	ok(edgeapi_endpoint_parse("[::ffff:1.2.3.4]:9", &ss) == 0 &&
	    ss.ss_family == AF_INET6, "v4-mapped IPv6 parses");
	ok(!edgeapi_endpoint_usable(&ss), "but is not usable");
	edgeapi_endpoint_parse("0.0.0.0:1", &ss);
	ok(!edgeapi_endpoint_usable(&ss), "0.0.0.0 is not usable");
	edgeapi_endpoint_parse("224.0.0.1:1", &ss);
	ok(!edgeapi_endpoint_usable(&ss), "multicast is not usable");
	edgeapi_endpoint_parse("[fe80::1]:1", &ss);
	ok(!edgeapi_endpoint_usable(&ss), "IPv6 link-local is not usable");
	edgeapi_endpoint_parse("127.0.0.1:3001", &ss);
	ok(!edgeapi_endpoint_usable(&ss), "IPv4 loopback is not usable");
	edgeapi_endpoint_parse("[::1]:3001", &ss);
	ok(!edgeapi_endpoint_usable(&ss), "IPv6 loopback is not usable");
	edgeapi_endpoint_parse("255.255.255.255:3001", &ss);
	ok(!edgeapi_endpoint_usable(&ss), "broadcast is not usable");
	edgeapi_endpoint_parse("169.254.7.1:3001", &ss);
	ok(edgeapi_endpoint_usable(&ss), "IPv4 link-local is (one cable)");
	edgeapi_endpoint_parse("[2001:db8::1]:3001", &ss);
	edgeapi_endpoint_str(&ss, s, sizeof(s));
	ok(edgeapi_endpoint_usable(&ss) && strcmp(s, "[2001:db8::1]:3001") ==
	    0, "IPv6 round trip: %s", s);
	ok(edgeapi_endpoint_parse("1.2.3.4:3000 ", &ss) == -1 &&
	    edgeapi_endpoint_parse(" 1.2.3.4:3000", &ss) == -1 &&
	    edgeapi_endpoint_parse("[::1]3000", &ss) == -1 &&
	    edgeapi_endpoint_parse("[]:3000", &ss) == -1 &&
	    edgeapi_endpoint_parse("1.2.3.4:-1", &ss) == -1 &&
	    edgeapi_endpoint_parse("", &ss) == -1, "malformed endpoints");

	ok(edgeapi_name_valid("N\xe7\xaf\x80\xe9\xbb\x9e", 7), "UTF-8 name");
	ok(!edgeapi_name_valid("\xc0\xaf", 2), "overlong UTF-8 refused");
	ok(!edgeapi_name_valid("\xed\xa0\x80", 3), "surrogate refused");
	ok(!edgeapi_name_valid("a\xc2\x85", 3), "C1 control refused");
	ok(!edgeapi_name_valid("\xe7\xaf", 2), "truncated UTF-8 refused");
	edgeapi_name_copy(name, "a\tb\xff");
	ok(strcmp(name, "a?b?") == 0, "name_copy: controls and bad bytes "
	    "become '?'");
	memset(longname, 'x', 62);
	memcpy(longname + 62, "\xe7\xaf\x80", 4);
	edgeapi_name_copy(name, longname);
	ok(strlen(name) == 62 && edgeapi_name_valid(name, strlen(name)),
	    "name_copy cuts at a character boundary");
}

static void
test_state(void)
{
	const char		*route = "{\"Infinity\":99999,\"Edges\":"
	    "{\"1\":{\"2\":0.002179297}},\"Edges_Nh\":{},\"NhTable\":{\"1\":"
	    "{\"2\":2}},\"Dist\":{},\"Dist_noAC\":{}}";
	struct edgeapi_peerinfo	 pi[2] = {
		{ 2, "Node_02", 1638739317711LL },
		{ 1, "Node_01", 1638739316039LL },
	};
	char			*m, buf[64];
	size_t			 mlen;

	edgeapi_lastseen_str(1638739316039LL, buf, sizeof(buf));
	ok(strcmp(buf, "2021-12-05 21:21:56.039 +0000 UTC") == 0,
	    "LastSeen: %s", buf);
	edgeapi_lastseen_str(1638739316390LL, buf, sizeof(buf));
	ok(strcmp(buf, "2021-12-05 21:21:56.39 +0000 UTC") == 0,
	    "LastSeen drops trailing zeros: %s", buf);
	edgeapi_lastseen_str(1638739316000LL, buf, sizeof(buf));
	ok(strcmp(buf, "2021-12-05 21:21:56 +0000 UTC") == 0,
	    "LastSeen on a whole second: %s", buf);
	edgeapi_lastseen_str(0, buf, sizeof(buf));
	ok(strcmp(buf, "0001-01-01 00:00:00 +0000 UTC") == 0,
	    "LastSeen never: %s", buf);

	ok(edgeapi_state_check(route, strlen(route), err, sizeof(err)) == 0,
	    "route's document passes");
	m = edgeapi_state_merge(route, strlen(route), pi, 2, &mlen);
	ok(m != NULL && strcmp(m, "{\"PeerInfo\":{\"1\":{\"Name\":\"Node_01\","
	    "\"LastSeen\":\"2021-12-05 21:21:56.039 +0000 UTC\"},\"2\":{"
	    "\"Name\":\"Node_02\",\"LastSeen\":\"2021-12-05 21:21:57.711 "
	    "+0000 UTC\"}},\"Infinity\":99999,\"Edges\":{\"1\":{\"2\":"
	    "0.002179297}},\"Edges_Nh\":{},\"NhTable\":{\"1\":{\"2\":2}},"
	    "\"Dist\":{},\"Dist_noAC\":{}}") == 0 && mlen == strlen(m),
	    "merge: PeerInfo first, the rest byte for byte");
	ok(m != NULL && edgeapi_state_check(m, mlen, err, sizeof(err)) == -1,
	    "the merged document has PeerInfo (%s)", err);
	free(m);
	m = edgeapi_state_merge(" { } ", 5, pi, 0, &mlen);
	ok(m != NULL && strcmp(m, "{\"PeerInfo\":{}} ") == 0,
	    "merge into an empty object: %s", m ? m : "NULL");
	free(m);
	m = edgeapi_state_merge(edgeapi_state_empty(),
	    strlen(edgeapi_state_empty()), pi, 1, &mlen);
	ok(m != NULL && edgeapi_state_check(edgeapi_state_empty(),
	    strlen(edgeapi_state_empty()), err, sizeof(err)) == 0 &&
	    strstr(m, "\"Infinity\":99999,\"Edges\":{}") != NULL,
	    "the empty document merges: %s", m ? m : "NULL");
	free(m);
	ok(edgeapi_state_check("[]", 2, err, sizeof(err)) == -1,
	    "state: array refused (%s)", err);
	ok(edgeapi_state_check("{\"PeerInfo\":{}}", 15, err, sizeof(err)) ==
	    -1, "state: PeerInfo refused (%s)", err);
	ok(edgeapi_state_check("{\"a\":", 5, err, sizeof(err)) == -1,
	    "state: truncated refused (%s)", err);
}

int
main(void)
{
	if (sodium_init() == -1)
		return 1;
	test_peers();
	test_nhtable();
	test_superparams();
	test_nodeinfo();
	test_endpoints_names();
	test_state();
	return tap_done();
}
