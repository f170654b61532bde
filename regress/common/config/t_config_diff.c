/*
 * Tests of the reload comparison (common/config/config_diff.c): which
 * changes a reload applies and which need a restart, named by the path
 * a user writes; the rules of the walk on a table of its own (a key
 * nobody marked live is a restart key; blocks and lists as a whole or
 * by their keys; list entries matched by NodeID).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/config_int.h"
#include "regress/lib/tap.h"

#define K_PRIV	"QY1g9BGFbIbNHu2mrilKpcBt4PAy3Aulq9YIen26Ftg="
#define K_A	"SRPd39U42S43LJVzTmIcQTaewwWgSwnHImKhDD3PP08="
#define K_B	"cIS/P/h6CDOKb8Q5+xS0kNzx67cJJzSNRAFLLnHlITM="
#define K_C	"2j7yaMexsB+MG9Rm+q9sU1Y9ebo6KfvPPd0Y62SFH2g="

/*
 * An edge config: node id, then lines at the top level, in Interface,
 * in DynamicRoute, in DynamicRoute.SuperNode and Peers (each "" or
 * whole lines).
 */
static struct edge_conf *
edge5(int id, const char *top, const char *iface, const char *dynroute,
    const char *sn, const char *peers)
{
	struct conf_diags	 d;
	struct edge_conf	*c;
	char			 buf[4096];
	size_t			 i;

	snprintf(buf, sizeof(buf),
	    "Interface:\n  IType: dummy\n  Name: eg0\n%s"
	    "NodeID: %d\nPrivKey: " K_PRIV "\n%s"
	    "DynamicRoute:\n  SendPingInterval: 16\n%s"
	    "  SuperNode:\n%s"
	    "Peers:\n%s", iface, id, top, dynroute, sn, peers);
	memset(&d, 0, sizeof(d));
	c = conf_parse_edge("t.yaml", buf, strlen(buf), &d, 0);
	for (i = 0; c == NULL && i < d.count; i++)
		diag("%s", d.items[i].msg);
	conf_diags_free(&d);
	if (c == NULL) {
		diag("does not parse:\n%s", buf);
		exit(1);
	}
	return c;
}

static struct edge_conf *
edge(const char *top, const char *iface, const char *dynroute,
    const char *peers)
{
	return edge5(1, top, iface, dynroute, "", peers);
}

#define PEER_A	"- NodeID: 2\n  PubKey: " K_A "\n  EndPoint: 10.99.0.2:3000\n"
#define PEER_B	"- NodeID: 3\n  PubKey: " K_B "\n  EndPoint: \"\"\n"

static const struct edge_conf	*base;

/* One change against the base config: the restart key expected or "". */
static void
edge_case(const char *what, struct edge_conf *next, const char *want)
{
	char	path[256];
	int	r;

	r = conf_restart_key_edge(base, next, path, sizeof(path));
	ok(r == (want[0] != '\0') && strcmp(path, want) == 0,
	    "edge, %s: %s (got %d \"%s\")", what, want[0] ? want : "live", r,
	    path);
	conf_free_edge(next);
}

static void
test_edge(void)
{
	struct edge_conf	*b;

	b = edge("", "", "", PEER_A PEER_B);
	base = b;
	edge_case("the same config", edge("", "", "", PEER_A PEER_B), "");

	/* What the running processes apply. */
	edge_case("DefaultTTL", edge("DefaultTTL: 9\n", "", "",
	    PEER_A PEER_B), "");
	edge_case("LogLevel.LogInternal", edge("LogLevel:\n  LogInternal: "
	    "true\n", "", "", PEER_A PEER_B), "");
	edge_case("NextHopTable", edge("NextHopTable:\n  1:\n    2: 2\n", "",
	    "", PEER_A PEER_B), "");
	edge_case("DynamicRoute.ConnNextTry, AdditionalCost", edge("", "",
	    "  ConnNextTry: 3\n  AdditionalCost: 4\n", PEER_A PEER_B), "");
	edge_case("a peer added", edge("", "", "", PEER_A PEER_B
	    "- NodeID: 4\n  PubKey: " K_PRIV "\n"), "");
	edge_case("a peer removed", edge("", "", "", PEER_B), "");
	edge_case("the peers reordered", edge("", "", "", PEER_B PEER_A), "");
	edge_case("a peer's endpoint and keepalive", edge("", "", "",
	    "- NodeID: 2\n  PubKey: " K_A "\n  EndPoint: 10.99.0.7:3000\n"
	    "  PersistentKeepalive: 5\n" PEER_B), "");
	edge_case("a peer's key", edge("", "", "", "- NodeID: 2\n  PubKey: "
	    K_C "\n" PEER_B), "");

	/* What needs a restart, by its path. */
	edge_case("NodeID", edge5(5, "", "", "", "", PEER_A PEER_B),
	    "NodeID");
	edge_case("Interface.MTU", edge("", "  MTU: 1300\n", "",
	    PEER_A PEER_B), "Interface.MTU");
	edge_case("ListenPort", edge("ListenPort: 3001\n", "", "",
	    PEER_A PEER_B), "ListenPort");
	edge_case("DisabledAf.IPv6", edge("DisabledAf:\n  IPv6: true\n", "",
	    "", PEER_A PEER_B), "DisabledAf.IPv6");
	edge_case("DynamicRoute.TimeoutCheckInterval", edge("", "",
	    "  TimeoutCheckInterval: 7\n", PEER_A PEER_B),
	    "DynamicRoute.TimeoutCheckInterval");
	/* egd's route process takes P2P mode's settings as they come. */
	edge_case("DynamicRoute.P2P.GraphRecalculateSetting.JitterTolerance",
	    edge("", "", "  P2P:\n    GraphRecalculateSetting:\n"
	    "      JitterTolerance: 3\n", PEER_A PEER_B), "");
	edge_case("DynamicRoute.P2P.UseP2P, SendPeerInterval, DupCheckTimeout",
	    edge("", "", "  DupCheckTimeout: 9\n  P2P:\n    UseP2P: true\n"
	    "    SendPeerInterval: 4\n", PEER_A PEER_B), "");
	edge_case("the first of two restart keys", edge("FwMark: 3\n",
	    "  MTU: 1300\n", "", PEER_A PEER_B), "Interface.MTU");
	conf_free_edge(b);
}

/* Super mode keys, on a base with the supernode on. */
#define SN_ON	"    UseSuperNode: true\n"
#define SN_KEY	"    PubKeyV4: " K_C "\n"

static void
test_edge_super(void)
{
	struct edge_conf	*b;

	b = edge5(1, "", "", "", SN_ON SN_KEY "    EndpointV4: 10.99.0.9:3456\n"
	    "    EndpointEdgeAPIUrl: http://10.99.0.9:3456/api\n", "");
	base = b;
	edge_case("DynamicRoute.SuperNode.PubKeyV4, EndpointV4",
	    edge5(1, "", "", "", SN_ON "    PubKeyV4: " K_A "\n"
	    "    EndpointV4: 10.99.0.8:3456\n"
	    "    EndpointEdgeAPIUrl: http://10.99.0.9:3456/api\n", ""), "");
	edge_case("DynamicRoute.SuperNode.PSKey, EndpointEdgeAPIUrl",
	    edge5(1, "", "", "", SN_ON SN_KEY "    PSKey: " K_B "\n"
	    "    EndpointV4: 10.99.0.9:3456\n"
	    "    EndpointEdgeAPIUrl: http://10.99.0.8:80/x\n", ""), "");
	edge_case("DynamicRoute.SuperNode.UseSuperNode off",
	    edge5(1, "", "", "", SN_KEY "    EndpointV4: 10.99.0.9:3456\n"
	    "    EndpointEdgeAPIUrl: http://10.99.0.9:3456/api\n", ""), "");
	edge_case("DynamicRoute.SuperNode.SuperNodeInfoTimeout",
	    edge5(1, "", "", "", SN_ON SN_KEY "    EndpointV4: 10.99.0.9:3456\n"
	    "    EndpointEdgeAPIUrl: http://10.99.0.9:3456/api\n"
	    "    SuperNodeInfoTimeout: 9\n", ""), "");
	conf_free_edge(b);
}

/* A supernode config with Peers; %s lines at the top level. */
static struct super_conf *
super2(const char *v6key, const char *top, const char *peers)
{
	struct conf_diags	 d;
	struct super_conf	*c;
	char			 buf[4096];
	size_t			 i;

	snprintf(buf, sizeof(buf),
	    "PrivKeyV4: " K_PRIV "\nPrivKeyV6: %s\nListenPort: 3456\n%s"
	    "Peers:\n%s", v6key, top, peers);
	memset(&d, 0, sizeof(d));
	c = conf_parse_super("t.yaml", buf, strlen(buf), &d, 0);
	for (i = 0; c == NULL && i < d.count; i++)
		diag("%s", d.items[i].msg);
	conf_diags_free(&d);
	if (c == NULL) {
		diag("does not parse:\n%s", buf);
		exit(1);
	}
	return c;
}

static struct super_conf *
super(const char *top, const char *peers)
{
	return super2(K_C, top, peers);
}

#define EDGE_A	"- NodeID: 1\n  Name: a\n  PubKey: " K_A "\n"
#define EDGE_B	"- NodeID: 2\n  Name: b\n  PubKey: " K_B "\n"

static const struct super_conf	*sbase;

static void
super_case(const char *what, struct super_conf *next, const char *want)
{
	char	path[256];
	int	r;

	r = conf_restart_key_super(sbase, next, path, sizeof(path));
	ok(r == (want[0] != '\0') && strcmp(path, want) == 0,
	    "eg-supd, %s: %s (got %d \"%s\")", what, want[0] ? want : "live",
	    r, path);
	conf_free_super(next);
}

static void
test_super(void)
{
	struct super_conf	*b;

	b = super("", EDGE_A EDGE_B);
	sbase = b;
	super_case("the same config", super("", EDGE_A EDGE_B), "");
	super_case("an edge added and one removed", super("", EDGE_B
	    "- NodeID: 3\n  Name: c\n  PubKey: " K_PRIV "\n"), "");
	super_case("an edge's key, PSK, cost, ExternalIP", super("",
	    "- NodeID: 1\n  Name: a\n  PubKey: " K_PRIV "\n  PSKey: " K_B
	    "\n  AdditionalCost: 5\n  ExternalIP: 10.99.0.5\n" EDGE_B), "");
	super_case("intervals, passwords, graph, table", super(
	    "SendPingInterval: 3\nHttpPostInterval: 2\n"
	    "Passwords:\n  ShowState: x\n"
	    "GraphRecalculateSetting:\n  StaticMode: true\n"
	    "  DampingResistance: 0.5\n"
	    "NextHopTable:\n  1:\n    2: 2\n  2:\n    1: 1\n", EDGE_A EDGE_B),
	    "");
	super_case("API_Prefix", super("API_Prefix: /other\n",
	    EDGE_A EDGE_B), "");
	super_case("ListenPort_EdgeAPI", super("ListenPort_EdgeAPI: "
	    "\"3457\"\n", EDGE_A EDGE_B), "ListenPort_EdgeAPI");
	super_case("PrivKeyV6", super2(K_B, "", EDGE_A EDGE_B), "PrivKeyV6");
	super_case("DisabledAf.ListenIPv4", super("DisabledAf:\n  ListenIPv4: "
	    "10.99.0.1\n", EDGE_A EDGE_B), "DisabledAf.ListenIPv4");
	super_case("NodeName", super("NodeName: other\n", EDGE_A EDGE_B),
	    "NodeName");
	conf_free_super(b);
}

/* The walk's rules, on a table of its own. */
struct t_elem {
	uint16_t	 id;
	int		 live;
	int		 fixed;
};

struct t_inner {
	int		 x;
	int		 y;
};

struct t_conf {
	int		 plain;		/* nobody said: restart */
	int		 live;
	struct t_inner	 fixed_block;	/* no CF_LIVE: restart as a whole */
	struct t_inner	 live_block;
	struct t_elem	*elems;
	size_t		 nelems;
	struct t_elem	*frozen;	/* a list without CF_LIVE */
	size_t		 nfrozen;
};

static const struct ckey t_inner_keys[] = {
	{ .name = "X", .kind = CK_INT, .off = offsetof(struct t_inner, x),
	  .flags = CF_LIVE },
	{ .name = "Y", .kind = CK_INT, .off = offsetof(struct t_inner, y) },
	{ .name = NULL, .kind = CK_END }
};

static const struct ckey t_elem_keys[] = {
	{ .name = "NodeID", .kind = CK_NODEID,
	  .off = offsetof(struct t_elem, id), .flags = CF_LIVE },
	{ .name = "Live", .kind = CK_INT, .off = offsetof(struct t_elem, live),
	  .flags = CF_LIVE },
	{ .name = "Fixed", .kind = CK_INT,
	  .off = offsetof(struct t_elem, fixed) },
	{ .name = NULL, .kind = CK_END }
};

static const struct ckey t_keys[] = {
	{ .name = "Plain", .kind = CK_INT, .off = offsetof(struct t_conf,
	  plain) },
	{ .name = "Live", .kind = CK_INT, .off = offsetof(struct t_conf, live),
	  .flags = CF_LIVE },
	{ .name = "Fixed", .kind = CK_BLOCK, .off = offsetof(struct t_conf,
	  fixed_block), .sub = t_inner_keys },
	{ .name = "Block", .kind = CK_BLOCK, .off = offsetof(struct t_conf,
	  live_block), .sub = t_inner_keys, .flags = CF_LIVE },
	{ .name = "Elems", .kind = CK_LIST, .off = offsetof(struct t_conf,
	  elems), .cnt_off = offsetof(struct t_conf, nelems),
	  .sub = t_elem_keys, .elem_size = sizeof(struct t_elem),
	  .flags = CF_LIVE },
	{ .name = "Frozen", .kind = CK_LIST, .off = offsetof(struct t_conf,
	  frozen), .cnt_off = offsetof(struct t_conf, nfrozen),
	  .sub = t_elem_keys, .elem_size = sizeof(struct t_elem) },
	{ .name = NULL, .kind = CK_END }
};

static void
rule(const char *what, const struct t_conf *a, const struct t_conf *b,
    const char *want)
{
	char	path[64];
	int	r;

	r = cdiff_block(t_keys, a, b, "", path, sizeof(path));
	ok(r == (want[0] != '\0') && strcmp(path, want) == 0,
	    "rule: %s: %s (got %d \"%s\")", what, want[0] ? want : "live", r,
	    path);
}

static void
test_rules(void)
{
	struct t_elem	ea[2] = { { 5, 1, 1 }, { 6, 1, 1 } };
	struct t_elem	eb[3] = { { 6, 1, 1 }, { 5, 1, 1 }, { 7, 9, 9 } };
	struct t_elem	fa[1] = { { 5, 1, 1 } }, fb[1] = { { 5, 2, 1 } };
	struct t_conf	a, b;

	memset(&a, 0, sizeof(a));
	a.elems = ea;
	a.nelems = 2;
	a.frozen = fa;
	a.nfrozen = 1;
	b = a;
	rule("nothing changed", &a, &b, "");
	b.plain = 1;
	rule("a key without a flag", &a, &b, "Plain");
	b = a;
	b.live = 1;
	rule("a live key", &a, &b, "");
	b = a;
	b.fixed_block.x = 1;
	rule("a live key in a block that is not", &a, &b, "Fixed.X");
	b = a;
	b.live_block.x = 1;
	rule("a live key in a live block", &a, &b, "");
	b.live_block.y = 1;
	rule("a restart key in a live block", &a, &b, "Block.Y");
	b = a;
	b.elems = eb;
	b.nelems = 3;
	rule("entries moved and added in a live list", &a, &b, "");
	eb[1].live = 4;
	rule("a live field of an entry", &a, &b, "");
	eb[1].fixed = 4;
	rule("a restart field of an entry, named by its new index", &a, &b,
	    "Elems[1].Fixed");
	b = a;
	b.nelems = 1;
	rule("an entry removed from a live list", &a, &b, "");
	b = a;
	b.frozen = fb;
	rule("a live field in a list that is not", &a, &b, "Frozen[0].Live");
	b = a;
	b.nfrozen = 0;
	rule("an entry removed from a list that is not", &a, &b, "Frozen");
}

int
main(void)
{
	test_edge();
	test_edge_super();
	test_super();
	test_rules();
	return tap_done();
}
