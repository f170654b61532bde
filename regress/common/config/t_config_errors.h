/*
 * Part of t_config.c: every class of error, each with its exact message
 * (file, line, column, key path, what is wrong).  A message ending in
 * '*' is matched as a prefix.
 */

/* Lines 1-4; what a case adds starts at line 5. */
#define E_BASE	"Interface:\n  IType: tap\nNodeID: 1\nPrivKey: " K_PRIV "\n"
/* Lines 1-3. */
#define S_BASE	"PrivKeyV4: " K_PRIV "\nPrivKeyV6: " K_PRIV "\n" \
		"ListenPort: 3456\n"
#define PEER_A	"- NodeID: 2\n  PubKey: " K_A "\n"
#define EP(v)	E_BASE "Peers:\n" PEER_A "  EndPoint: " v "\n"
#define IFACE(l) "Interface:\n  IType: tap\n  " l "\nNodeID: 1\nPrivKey: " \
		K_PRIV "\n"
#define GRAPH_E(l) E_BASE "DynamicRoute:\n  P2P:\n    " \
		"GraphRecalculateSetting:\n      " l "\n"

struct ecase {
	int		 super;
	int		 flags;
	const char	*yaml;
	const char	*msg;
};

static const struct ecase ecases[] = {
	/* wrong types */
	{ 0, 0, E_BASE "ListenPort:\n  a: 1\n",
	  "t.yaml:6:3: ListenPort: expected an integer, found a mapping" },
	{ 0, 0, E_BASE "DefaultTTL: abc\n",
	  "t.yaml:5:13: DefaultTTL: expected an integer, got \"abc\"" },
	{ 0, 0, E_BASE "DynamicRoute:\n  SaveNewPeers: maybe\n",
	  "t.yaml:6:17: DynamicRoute.SaveNewPeers: expected a boolean "
	  "(true/false, yes/no, on/off), got \"maybe\"" },
	{ 0, 0, E_BASE "L2FIBTimeout: 1x\n",
	  "t.yaml:5:15: L2FIBTimeout: expected a number, got \"1x\"" },
	{ 0, 0, E_BASE "L2FIBTimeout: .inf\n",
	  "t.yaml:5:15: L2FIBTimeout: expected a number, got \".inf\"" },
	{ 0, 0, E_BASE "NodeName: [a, b]\n",
	  "t.yaml:5:11: NodeName: expected a string, found a sequence" },
	{ 0, 0, "Interface: tap\nNodeID: 1\nPrivKey: " K_PRIV "\n",
	  "t.yaml:1:12: Interface: expected a mapping, found a scalar" },
	{ 0, 0, E_BASE "Peers:\n  NodeID: 2\n",
	  "t.yaml:6:3: Peers: expected a list, found a mapping" },
	{ 0, 0, "- a\n", "t.yaml:1:1: expected a mapping, found a sequence" },
	{ 0, 0, E_BASE "? [a]\n: 1\n",
	  "t.yaml:5:3: a key must be a scalar, found a sequence" },
	/* out of range */
	{ 0, 0, "Interface:\n  IType: tap\nNodeID: 70000\nPrivKey: " K_PRIV "\n",
	  "t.yaml:3:9: NodeID: 70000 out of range (0..65531)" },
	{ 0, 0, "Interface:\n  IType: tap\nNodeID: 65532\nPrivKey: " K_PRIV "\n",
	  "t.yaml:3:9: NodeID: 65532 is a reserved NodeID (valid: 0..65531)" },
	{ 0, 0, "Interface:\n  IType: tap\nNodeID: 65535\nPrivKey: " K_PRIV "\n",
	  "t.yaml:3:9: NodeID: 65535 is a reserved NodeID (valid: 0..65531)" },
	{ 0, 0, "Interface:\n  IType: tap\nNodeID: -1\nPrivKey: " K_PRIV "\n",
	  "t.yaml:3:9: NodeID: -1 out of range (0..65531)" },
	{ 0, 0, E_BASE "DefaultTTL: 0\n",
	  "t.yaml:5:13: DefaultTTL: 0 out of range (1..255)" },
	{ 0, 0, E_BASE "DefaultTTL: 256\n",
	  "t.yaml:5:13: DefaultTTL: 256 out of range (1..255)" },
	{ 0, 0, E_BASE "ListenPort: 65536\n",
	  "t.yaml:5:13: ListenPort: 65536 out of range (0..65535)" },
	{ 0, 0, E_BASE "ListenPort: 99999999999999999999999\n",
	  "t.yaml:5:13: ListenPort: 99999999999999999999999 out of range "
	  "(0..65535)" },
	{ 1, 0, "PrivKeyV4: " K_PRIV "\nPrivKeyV6: " K_PRIV "\nListenPort: 0\n",
	  "t.yaml:3:13: ListenPort: 0 out of range (1..65535)" },
	{ 0, 0, E_BASE "DynamicRoute:\n  SendPingInterval: -5\n",
	  "t.yaml:6:21: DynamicRoute.SendPingInterval: -5 out of range "
	  "(0, 1e+09]" },
	{ 0, 0, E_BASE "L2FIBTimeout: -1\n",
	  "t.yaml:5:15: L2FIBTimeout: -1 out of range (0, 1e+09]" },
	/* Every edge posts that often: at least once a second. */
	{ 1, 0, S_BASE "HttpPostInterval: 0.01\n",
	  "t.yaml:4:19: HttpPostInterval: 0.01 out of range [1, 1e+09]" },
	{ 1, 0, S_BASE "ManageAPI:\n  AllowFrom:\n  - 10.0.0.0/33\n",
	  "t.yaml:6:5: ManageAPI.AllowFrom[0]: \"10.0.0.0/33\": not an IPv4 "
	  "or IPv6 address, with or without /prefixlen" },
	{ 1, 0, S_BASE "ManageAPI:\n  AllowFrom: [example.org]\n",
	  "t.yaml:5:15: ManageAPI.AllowFrom[0]: \"example.org\": not an IPv4 "
	  "or IPv6 address, with or without /prefixlen" },
	{ 1, 0, S_BASE "ManageAPI:\n  PlainPasswords: yes\n",
	  "t.yaml:5:19: ManageAPI.PlainPasswords: unknown value \"yes\" (one "
	  "of: loopback, all, none)" },
	{ 1, 0, S_BASE "ResetEndPointInterval: -600\n",
	  "t.yaml:4:24: ResetEndPointInterval: -600 out of range [0, 1e+09]" },
	{ 0, 0, E_BASE "AfPrefer: 5\n",
	  "t.yaml:5:11: AfPrefer: 5 is not 0, 4 or 6" },
	{ 0, 0, E_BASE "AfPrefer: -4\n",
	  "t.yaml:5:11: AfPrefer: -4 is not 0, 4 or 6" },
	{ 0, 0, GRAPH_E("DampingResistance: 1"),
	  "t.yaml:8:26: DynamicRoute.P2P.GraphRecalculateSetting."
	  "DampingResistance: 1 out of range [0, 1)" },
	{ 0, 0, GRAPH_E("DampingResistance: -0.1"),
	  "t.yaml:8:26: DynamicRoute.P2P.GraphRecalculateSetting."
	  "DampingResistance: -0.1 out of range [0, 1)" },
	{ 1, 0, S_BASE "GraphRecalculateSetting:\n"
	  "  JitterToleranceMultiplier: 0.99\n",
	  "t.yaml:5:30: GraphRecalculateSetting.JitterToleranceMultiplier: "
	  "0.99 out of range [1, 1000]" },
	{ 0, 0, IFACE("MTU: 67"),
	  "t.yaml:3:8: Interface.MTU: 67 out of range (68..65535)" },
	{ 0, 0, IFACE("MTU: 65536"),
	  "t.yaml:3:8: Interface.MTU: 65536 out of range (68..65535)" },
	{ 1, 0, S_BASE "Peers:\n- NodeID: 1\n  PubKey: " K_A "\n"
	  "  AdditionalCost: -0.5\n",
	  "t.yaml:7:19: Peers[0].AdditionalCost: -0.5: must be -1 (the "
	  "edge's own) or >= 0" },
	{ 1, 0, S_BASE "Peers:\n- NodeID: 1\n  PubKey: " K_A "\n"
	  "  AdditionalCost: -2\n",
	  "t.yaml:7:19: Peers[0].AdditionalCost: -2 out of range "
	  "[-1, 1e+09]" },
	{ 0, 0, E_BASE "NodeName: 123456789012345678901234567890123\n",
	  "t.yaml:5:11: NodeName: \"123456789012345678901234567890123\": "
	  "longer than 32 bytes" },
	/* keys */
	{ 0, 0, "Interface:\n  IType: tap\nNodeID: 1\nPrivKey: abc\n",
	  "t.yaml:4:10: PrivKey: invalid key: must be the base64 of 32 bytes "
	  "(44 characters)" },
	{ 0, 0, "Interface:\n  IType: tap\nNodeID: 1\n"
	  "PrivKey: QY1g9BGFbIbNHu2mrilKpcBt4PAy3Aulq9YIen26F!g=\n",
	  "t.yaml:4:10: PrivKey: invalid key: must be the base64 of 32 bytes "
	  "(44 characters)" },
	{ 0, 0, "Interface:\n  IType: tap\nNodeID: 1\n"
	  "PrivKey: QY1g9BGFbIbNHu2mrilKpcBt4PAy3Aulq9YIen26Fth=\n",
	  "t.yaml:4:10: PrivKey: invalid key: must be the base64 of 32 bytes "
	  "(44 characters)" },
	{ 0, 0, "Interface:\n  IType: tap\nNodeID: 1\n"
	  "PrivKey: QY1g9BGFbIbNHu2mrilKpcBt4PAy3Aulq9YIen26FtgA\n",
	  "t.yaml:4:10: PrivKey: invalid key: must be the base64 of 32 bytes "
	  "(44 characters)" },
	{ 0, 0, E_BASE "DynamicRoute:\n  SuperNode:\n    PSKey: AAAA\n",
	  "t.yaml:7:12: DynamicRoute.SuperNode.PSKey: invalid key: must be "
	  "the base64 of 32 bytes (44 characters)" },
	/* endpoints */
	{ 0, 0, EP("127.0.0.1"),
	  "t.yaml:8:13: Peers[0].EndPoint: \"127.0.0.1\": not host:port" },
	{ 0, 0, EP("127.0.0.1:0"),
	  "t.yaml:8:13: Peers[0].EndPoint: \"127.0.0.1:0\": bad port "
	  "(1..65535)" },
	{ 0, 0, EP("127.0.0.1:65536"),
	  "t.yaml:8:13: Peers[0].EndPoint: \"127.0.0.1:65536\": bad port "
	  "(1..65535)" },
	{ 0, 0, EP("\"::1:3000\""),
	  "t.yaml:8:13: Peers[0].EndPoint: \"::1:3000\": an IPv6 address "
	  "must be in brackets" },
	{ 0, 0, EP("\"[zz::1]:3000\""),
	  "t.yaml:8:13: Peers[0].EndPoint: \"[zz::1]:3000\": bad IPv6 "
	  "address" },
	{ 0, 0, EP("bad_host!:1"),
	  "t.yaml:8:13: Peers[0].EndPoint: \"bad_host!:1\": bad host name" },
	{ 0, 0, EP("300.1.1.1:5"),
	  "t.yaml:8:13: Peers[0].EndPoint: \"300.1.1.1:5\": bad IPv4 "
	  "address" },
	{ 0, 0, EP("\":3000\""),
	  "t.yaml:8:13: Peers[0].EndPoint: \":3000\": no host" },
	{ 0, 0, E_BASE "DynamicRoute:\n  SuperNode:\n    AdditionalLocalIP:\n"
	  "    - 10.0.0.1\n",
	  "t.yaml:8:7: DynamicRoute.SuperNode.AdditionalLocalIP[0]: "
	  "\"10.0.0.1\": not host:port" },
	{ 0, 0, "Interface:\n  IType: udpsock\n  SendAddr: nohost\nNodeID: 1\n"
	  "PrivKey: " K_PRIV "\n",
	  "t.yaml:3:13: Interface.SendAddr: not host:port" },
	/* CIDRs, addresses, URLs */
	{ 0, 0, IFACE("IPv4CIDR: 10.0.0.0/33"),
	  "t.yaml:3:13: Interface.IPv4CIDR: \"10.0.0.0/33\": bad prefix "
	  "length (0..32)" },
	{ 0, 0, IFACE("IPv4CIDR: 10.0.0/8"),
	  "t.yaml:3:13: Interface.IPv4CIDR: \"10.0.0/8\": bad IPv4 address" },
	{ 0, 0, IFACE("IPv4CIDR: fd00::/8"),
	  "t.yaml:3:13: Interface.IPv4CIDR: \"fd00::/8\": bad IPv4 address" },
	{ 0, 0, IFACE("IPv6CIDR: fd00::/129"),
	  "t.yaml:3:13: Interface.IPv6CIDR: \"fd00::/129\": bad prefix "
	  "length (0..128)" },
	{ 0, 0, IFACE("IPv6LLPrefix: \"fe80::\""),
	  "t.yaml:3:17: Interface.IPv6LLPrefix: \"fe80::\": not "
	  "address/prefixlen" },
	{ 0, 0, E_BASE "DisabledAf:\n  ListenIPv4: 1.2.3\n",
	  "t.yaml:6:15: DisabledAf.ListenIPv4: \"1.2.3\": bad IPv4 address" },
	{ 1, 0, S_BASE "Peers:\n- NodeID: 1\n  PubKey: " K_A "\n"
	  "  ExternalIP: 1.2.3.4:5\n",
	  "t.yaml:7:15: Peers[0].ExternalIP: \"1.2.3.4:5\": bad IP address" },
	{ 0, 0, E_BASE "DynamicRoute:\n  SuperNode:\n"
	  "    EndpointEdgeAPIUrl: ftp://x\n",
	  "t.yaml:7:25: DynamicRoute.SuperNode.EndpointEdgeAPIUrl: "
	  "\"ftp://x\": not an http:// or https:// URL" },
	{ 1, 0, S_BASE "ListenPort_EdgeAPI: abc\n",
	  "t.yaml:4:21: ListenPort_EdgeAPI: \"abc\": not a port (1..65535) or "
	  "host:port" },
	/* MAC prefixes */
	{ 0, 0, IFACE("MacAddrPrefix: GG:11"),
	  "t.yaml:3:18: Interface.MacAddrPrefix: \"GG:11\": not 0 to 6 hex "
	  "bytes separated by ':'" },
	{ 0, 0, IFACE("MacAddrPrefix: AA:BB:CC:DD:EE:FF:00"),
	  "t.yaml:3:18: Interface.MacAddrPrefix: \"AA:BB:CC:DD:EE:FF:00\": "
	  "not 0 to 6 hex bytes separated by ':'" },
	{ 0, 0, IFACE("MacAddrPrefix: AA::BB"),
	  "t.yaml:3:18: Interface.MacAddrPrefix: \"AA::BB\": not 0 to 6 hex "
	  "bytes separated by ':'" },
	{ 0, 0, IFACE("MacAddrPrefix: 01:00"),
	  "t.yaml:3:18: Interface.MacAddrPrefix: \"01:00\": multicast bit set "
	  "in the first byte: MAC addresses must be unicast" },
	{ 0, 0, "Interface:\n  IType: tap\n  MacAddrPrefix: 02:00:00:00:01\n"
	  "NodeID: 300\nPrivKey: " K_PRIV "\n",
	  "t.yaml:3:18: Interface.MacAddrPrefix: a 5-byte prefix leaves one "
	  "byte for the NodeID, but NodeID is 300" },
	/* enums */
	{ 0, 0, "Interface:\n  IType: tun\nNodeID: 1\nPrivKey: " K_PRIV "\n",
	  "t.yaml:2:10: Interface.IType: unknown value \"tun\" (one of: tap, "
	  "dummy, stdio, udpsock, tcpsock, unixsock, unixgramsock, "
	  "unixpacketsock, fd, vpp)" },
	{ 0, 0, IFACE("L2HeaderMode: raw"),
	  "t.yaml:3:17: Interface.L2HeaderMode: unknown value \"raw\" (one of: "
	  "nochg, kbdbg, noL2)" },
	{ 0, 0, E_BASE "LogLevel:\n  LogLevel: loud\n",
	  "t.yaml:6:13: LogLevel.LogLevel: unknown value \"loud\" (one of: "
	  "debug, error, silent, verbose)" },
	/* peers */
	{ 0, 0, E_BASE "Peers:\n" PEER_A "- NodeID: 2\n  PubKey: " K_B "\n",
	  "t.yaml:8:11: Peers[1].NodeID: NodeID 2 given twice (first at "
	  "line 6)" },
	{ 0, 0, E_BASE "Peers:\n- NodeID: 1\n  PubKey: " K_A "\n",
	  "t.yaml:6:11: Peers[0].NodeID: NodeID 1 is this node's own NodeID" },
	{ 0, 0, E_BASE "Peers:\n" PEER_A "- NodeID: 3\n  PubKey: " K_A "\n",
	  "t.yaml:9:11: Peers[1].PubKey: same PubKey as Peers[0] (line 7)" },
	{ 0, 0, E_BASE "Peers:\n- NodeID: 2\n  PubKey: " K_PUB "\n",
	  "t.yaml:7:11: Peers[0].PubKey: this node's own public key" },
	{ 1, 0, S_BASE "Peers:\n- NodeID: 5\n  PubKey: " K_A "\n"
	  "- NodeID: 5\n  PubKey: " K_B "\n",
	  "t.yaml:7:11: Peers[1].NodeID: NodeID 5 given twice (first at "
	  "line 5)" },
	{ 1, 0, S_BASE "Peers:\n- NodeID: 5\n  PubKey: " K_A "\n"
	  "- NodeID: 6\n  PubKey: " K_A "\n",
	  "t.yaml:8:11: Peers[1].PubKey: same PubKey as Peers[0] (line 6)" },
	/* missing required keys */
	{ 0, 0, "NodeID: 1\nPrivKey: " K_PRIV "\n",
	  "t.yaml:1:1: Interface: required key missing" },
	{ 0, 0, "Interface:\n  Name: x\nNodeID: 1\nPrivKey: " K_PRIV "\n",
	  "t.yaml:2:3: Interface.IType: required key missing" },
	{ 0, 0, "Interface:\n  IType: tap\nPrivKey: " K_PRIV "\n",
	  "t.yaml:1:1: NodeID: required key missing" },
	{ 0, 0, "Interface:\n  IType: tap\nNodeID: 1\n",
	  "t.yaml:1:1: PrivKey: required key missing" },
	{ 0, 0, "Interface:\n  IType: tap\nNodeID: 1\nPrivKey: \"\"\n",
	  "t.yaml:4:10: PrivKey: must not be empty" },
	{ 0, 0, "Interface:\n  IType: tap\nNodeID:\nPrivKey: " K_PRIV "\n",
	  "t.yaml:3:8: NodeID: missing value" },
	{ 0, 0, E_BASE "Peers:\n- PubKey: " K_A "\n",
	  "t.yaml:6:3: Peers[0].NodeID: required key missing" },
	{ 0, 0, E_BASE "Peers:\n- NodeID: 2\n",
	  "t.yaml:6:3: Peers[0].PubKey: required key missing" },
	{ 0, 0, E_BASE "Peers:\n- NodeID: 2\n  PubKey: \"\"\n",
	  "t.yaml:7:11: Peers[0].PubKey: must not be empty" },
	{ 1, 0, "PrivKeyV6: " K_PRIV "\nListenPort: 3456\n",
	  "t.yaml:1:1: PrivKeyV4: required key missing (or disable the "
	  "address family in DisabledAf)" },
	{ 1, 0, "PrivKeyV4: " K_PRIV "\nListenPort: 3456\n",
	  "t.yaml:1:1: PrivKeyV6: required key missing (or disable the "
	  "address family in DisabledAf)" },
	{ 1, 0, "PrivKeyV4: " K_PRIV "\nPrivKeyV6: " K_PRIV "\n",
	  "t.yaml:1:1: ListenPort: required key missing" },
	{ 1, 0, S_BASE "Peers:\n- Name: x\n  PubKey: " K_A "\n",
	  "t.yaml:5:3: Peers[0].NodeID: required key missing" },
	/* NextHopTable, ManualLatency */
	{ 0, 0, E_BASE "NextHopTable:\n  abc:\n    2: 3\n",
	  "t.yaml:6:3: NextHopTable.abc: expected a NodeID, got \"abc\"" },
	{ 0, 0, E_BASE "NextHopTable:\n  1:\n    2: 65535\n",
	  "t.yaml:7:8: NextHopTable.1.2: 65535 is a reserved NodeID (valid: "
	  "0..65531)" },
	{ 0, 0, E_BASE "NextHopTable:\n  1:\n    65533: 2\n",
	  "t.yaml:7:5: NextHopTable.1.65533: 65533 is a reserved NodeID "
	  "(valid: 0..65531)" },
	{ 0, 0, E_BASE "NextHopTable:\n  1:\n    2: 3\n    02: 4\n",
	  "t.yaml:8:5: NextHopTable.1.2: given twice (first at line 7)" },
	{ 0, 0, E_BASE "NextHopTable:\n  1: 2\n",
	  "t.yaml:6:6: NextHopTable.1: expected a mapping, found a scalar" },
	{ 1, 0, S_BASE "GraphRecalculateSetting:\n  ManualLatency:\n"
	  "    65534:\n      1: 2\n",
	  "t.yaml:6:5: GraphRecalculateSetting.ManualLatency.65534: 65534 is "
	  "a reserved NodeID (valid: 0..65531, or 65535 for any)" },
	{ 1, 0, S_BASE "GraphRecalculateSetting:\n  ManualLatency:\n"
	  "    1:\n      2: -3\n",
	  "t.yaml:7:10: GraphRecalculateSetting.ManualLatency.1.2: -3 out of "
	  "range [0, 1e+09]" },
	/* what spans keys */
	{ 0, 0, "Interface:\n  IType: udpsock\nNodeID: 1\nPrivKey: " K_PRIV "\n",
	  "t.yaml:2:10: Interface.IType: udpsock needs RecvAddr or SendAddr" },
	{ 0, 0, IFACE("Name: a-very-long-tap-name"),
	  "t.yaml:3:9: Interface.Name: longer than 15 bytes" },
	{ 0, 0, E_BASE "DisabledAf:\n  IPv4: true\n  IPv6: true\n",
	  "t.yaml:6:3: DisabledAf: both IPv4 and IPv6 disabled" },
	{ 0, 0, E_BASE "DynamicRoute:\n  SuperNode:\n    UseSuperNode: true\n",
	  "t.yaml:7:5: DynamicRoute.SuperNode: UseSuperNode needs EndpointV4 "
	  "or EndpointV6" },
	{ 0, 0, E_BASE "DynamicRoute:\n  SuperNode:\n    UseSuperNode: true\n"
	  "    EndpointV4: 127.0.0.1:3456\n",
	  "t.yaml:7:5: DynamicRoute.SuperNode.PubKeyV4: required with "
	  "EndpointV4" },
	/* YAML level */
	{ 0, 0, E_BASE "NodeName: &n foo\nPostScript: *n\n",
	  "t.yaml:6:13: YAML aliases (*n) are not supported" },
	{ 0, 0, E_BASE "nodeid: 2\n",
	  "t.yaml:5:1: nodeid: key given twice (first at line 3)" },
	{ 0, 0, E_BASE "Foo: 1\nfoo: 2\n",
	  "t.yaml:6:1: foo: key given twice (first at line 5)" },
	{ 0, 0, E_BASE "ResetEndPointInterval: 1\nResetConnInterval: 2\n",
	  "t.yaml:6:1: ResetConnInterval: same key as ResetEndPointInterval "
	  "at line 5" },
	{ 0, 0, E_BASE "NodeName: [a\n", "t.yaml:6:1: YAML syntax error*" },
	{ 0, 0, E_BASE "---\nNodeID: 2\n",
	  "t.yaml:5:1: only one YAML document is allowed" },
	{ 0, 0, E_BASE "NodeName: \"a\\0b\"\n",
	  "t.yaml:5:11: string contains a NUL character" },
	{ 0, 0, E_BASE "NodeName: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	  "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]\n",
	  "t.yaml:5:74: nesting deeper than 64 levels" },
};

static int
diag_matches(const struct conf_diags *d, const char *msg)
{
	size_t	i, l = strlen(msg);

	if (l > 0 && msg[l - 1] == '*') {
		for (i = 0; i < d->count; i++)
			if (strncmp(d->items[i].msg, msg, l - 1) == 0)
				return 1;
		return 0;
	}
	return has_diag(d, msg);
}

static void
test_errors(void)
{
	const struct ecase	*e;
	struct conf_diags	 d;
	void			*c;
	size_t			 i;
	int			 pass;

	for (i = 0; i < sizeof(ecases) / sizeof(ecases[0]); i++) {
		e = &ecases[i];
		memset(&d, 0, sizeof(d));
		if (e->super)
			c = conf_parse_super("t.yaml", e->yaml, strlen(e->yaml),
			    &d, e->flags);
		else
			c = conf_parse_edge("t.yaml", e->yaml, strlen(e->yaml),
			    &d, e->flags);
		pass = c == NULL && d.nerrors > 0 && diag_matches(&d, e->msg);
		ok(pass, "error: %s", e->msg);
		if (!pass)
			show_diags(&d);
		if (e->super)
			conf_free_super(c);
		else
			conf_free_edge(c);
		conf_diags_free(&d);
	}
}

/* All errors of a file are reported, in file order, with line and col. */
static void
test_many_errors(void)
{
	static const char	*yaml = "Interface:\n  IType: tun\n"
	    "NodeID: 70000\nDefaultTTL: 0\nFoo: 1\nPeers:\n- NodeID: x\n";
	struct conf_diags	 d = { 0 };
	struct edge_conf	*c;
	size_t			 i;
	int			 sorted = 1;

	c = conf_parse_edge("t.yaml", yaml, strlen(yaml), &d, 0);
	ok(c == NULL && d.nerrors == 6 && d.count == 7,
	    "every diagnostic of a file is collected (6 errors, 1 warning)");
	for (i = 1; i < d.count; i++)
		if (d.items[i].line < d.items[i - 1].line ||
		    (d.items[i].line == d.items[i - 1].line &&
		    d.items[i].col < d.items[i - 1].col))
			sorted = 0;
	if (!ok(sorted, "diagnostics are in file order"))
		show_diags(&d);
	ok(d.count > 2 && d.items[1].line == 2 && d.items[1].col == 10 &&
	    d.items[1].is_error, "conf_diag carries line and column");
	conf_diags_free(&d);
}
