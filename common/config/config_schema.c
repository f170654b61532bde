/*
 * The config schema: one table per YAML mapping, in EtherGuard-Go's key
 * spelling and order (the order conf_print_*() writes).  Ranges are
 * checked by the walker; what depends on several keys is checked in
 * config_edge.c and config_super.c; defaults are in config_defaults.c.
 *
 * Durations are seconds, latencies and costs milliseconds; both are
 * bounded by CONF_TIME_MAX.  Timer periods must be positive (a zero
 * period would spin); ResetEndPointInterval 0 means never.
 *
 * CF_LIVE marks what the running processes apply on a reload; every
 * other key needs a restart, and a reload that changes one is refused
 * by its name (config_diff.c).  A block or list without CF_LIVE is a
 * restart key as a whole; with it, its own keys say.  A key here marked
 * live must be applied by every process that reads it (egd(8),
 * eg-supd(8) RELOADING list the others).
 */
#include <limits.h>
#include <stddef.h>

#include "config_int.h"

#define T_MAX	CONF_TIME_MAX

#define K_STR(n, f, c, fl)	{ .name = (n), .kind = CK_STR,		\
	.off = offsetof(S, f), .check = (c), .flags = (fl) }
#define K_INT(n, f, lo, hi, fl)	{ .name = (n), .kind = CK_INT,		\
	.off = offsetof(S, f), .min = (lo), .max = (hi), .flags = (fl) }
#define K_U32(n, f, fl)		{ .name = (n), .kind = CK_U32,		\
	.off = offsetof(S, f), .min = 0, .max = UINT32_MAX, .flags = (fl) }
#define K_NODEID(n, f, fl)	{ .name = (n), .kind = CK_NODEID,	\
	.off = offsetof(S, f), .flags = (fl) }
#define K_FLOAT(n, f, lo, hi, fl) { .name = (n), .kind = CK_FLOAT,	\
	.off = offsetof(S, f), .min = (lo), .max = (hi), .flags = (fl) }
#define K_BOOL(n, f, fl)	{ .name = (n), .kind = CK_BOOL,		\
	.off = offsetof(S, f), .flags = (fl) }
#define K_KEY(n, f, fl)		{ .name = (n), .kind = CK_KEY,		\
	.off = offsetof(S, f), .flags = (fl) }
#define K_ENUM(n, f, e, fl)	{ .name = (n), .kind = CK_ENUM,		\
	.off = offsetof(S, f), .enames = (e), .flags = (fl) }
#define K_BLOCK(n, f, t, fl)	{ .name = (n), .kind = CK_BLOCK,	\
	.off = offsetof(S, f), .sub = (t), .flags = (fl) }
#define K_STRLIST(n, f, c, fl)	{ .name = (n), .kind = CK_STRLIST,	\
	.off = offsetof(S, f), .check = (c), .flags = (fl) }
#define K_NHTABLE(n, f, fl)	{ .name = (n), .kind = CK_NHTABLE,	\
	.off = offsetof(S, f), .flags = (fl) }
#define K_LIST(n, f, cnt, t, et, init, fl) { .name = (n), .kind = CK_LIST, \
	.off = offsetof(S, f), .cnt_off = offsetof(S, cnt), .sub = (t),	\
	.elem_size = sizeof(et), .elem_init = (init), .flags = (fl) }
#define K_END			{ .name = NULL, .kind = CK_END }

/* Enum values are stored through int pointers. */
_Static_assert(sizeof(enum iface_type) == sizeof(int), "enum size");
_Static_assert(sizeof(enum l2_header_mode) == sizeof(int), "enum size");
_Static_assert(sizeof(enum wg_log_level) == sizeof(int), "enum size");
_Static_assert(sizeof(enum manage_plain) == sizeof(int), "enum size");

const struct cenum iface_type_names[] = {
	{ "tap",		IFT_TAP },
	{ "dummy",		IFT_DUMMY },
	{ "stdio",		IFT_STDIO },
	{ "udpsock",		IFT_UDPSOCK },
	{ "tcpsock",		IFT_TCPSOCK },
	{ "unixsock",		IFT_UNIXSOCK },
	{ "unixgramsock",	IFT_UNIXGRAMSOCK },
	{ "unixpacketsock",	IFT_UNIXPACKETSOCK },
	{ "fd",			IFT_FD },
	{ "vpp",		IFT_VPP },
	{ NULL,			0 }
};

static const struct cenum l2h_names[] = {
	{ "nochg",	L2H_NOCHG },
	{ "kbdbg",	L2H_KBDBG },
	{ "noL2",	L2H_NOL2 },
	{ NULL,		0 }
};

/* EtherGuard-Go also takes "verbose" for debug. */
static const struct cenum loglevel_names[] = {
	{ "debug",	WGLOG_DEBUG },
	{ "error",	WGLOG_ERROR },
	{ "silent",	WGLOG_SILENT },
	{ "verbose",	WGLOG_DEBUG },
	{ NULL,		0 }
};

#define S struct conf_iface
static const struct ckey iface_keys[] = {
	K_ENUM("IType", itype, iface_type_names, CF_REQUIRED),
	K_STR("Name", name, SC_ANY, 0),
	K_INT("VPPIFaceID", vpp_iface_id, 0, INT_MAX, 0),
	K_INT("VPPBridgeID", vpp_bridge_id, 0, INT_MAX, 0),
	K_STR("MacAddrPrefix", macaddr_prefix, SC_MACPREFIX, 0),
	K_STR("IPv4CIDR", ipv4_cidr, SC_CIDR4, 0),
	K_STR("IPv6CIDR", ipv6_cidr, SC_CIDR6, 0),
	K_STR("IPv6LLPrefix", ipv6_ll_prefix, SC_CIDR6, 0),
	K_INT("MTU", mtu, 68, 65535, 0),
	K_STR("RecvAddr", recv_addr, SC_ANY, 0),	/* per IType */
	K_STR("SendAddr", send_addr, SC_ANY, 0),
	K_ENUM("L2HeaderMode", l2_header_mode, l2h_names, 0),
	K_END
};
#undef S

#define S struct conf_disabled_af
static const struct ckey disabled_af_keys[] = {
	K_BOOL("IPv4", ipv4, 0),
	K_BOOL("IPv6", ipv6, 0),
	K_STR("ListenIPv4", listen_ipv4, SC_IP4, 0),
	K_STR("ListenIPv6", listen_ipv6, SC_IP6, 0),
	K_END
};
#undef S

#define S struct conf_loglevel
static const struct ckey loglevel_keys[] = {
	K_ENUM("LogLevel", level, loglevel_names, CF_LIVE),
	K_BOOL("LogTransit", log_transit, CF_LIVE),
	K_BOOL("LogNormal", log_normal, CF_LIVE),
	K_BOOL("DumpNormal", dump_normal, CF_LIVE),
	K_BOOL("LogControl", log_control, CF_LIVE),
	K_BOOL("LogInternal", log_internal, CF_LIVE),
	K_BOOL("LogNTP", log_ntp, CF_LIVE),
	K_END
};
#undef S

/* EtherGuard-Go 0.3.5 has no DampingResistance key; older ones do. */
#define S struct conf_graph
static const struct ckey graph_keys[] = {
	K_BOOL("StaticMode", static_mode, CF_LIVE),
	{ .name = "ManualLatency", .kind = CK_LATENCY,
	  .off = offsetof(S, manual), .cnt_off = offsetof(S, manual_count),
	  .flags = CF_LIVE },
	K_FLOAT("JitterTolerance", jitter_tolerance, 0, T_MAX, CF_LIVE),
	K_FLOAT("JitterToleranceMultiplier", jitter_tolerance_multiplier,
	    1, 1000, CF_LIVE),
	K_FLOAT("DampingResistance", damping_resistance, 0, 1,
	    CF_MAX_OPEN | CF_LIVE),
	K_FLOAT("TimeoutCheckInterval", timeout_check_interval, 0, T_MAX,
	    CF_MIN_OPEN | CF_LIVE),
	K_FLOAT("RecalculateCoolDown", recalculate_cooldown, 0, T_MAX,
	    CF_LIVE),
	K_END
};
#undef S

#define S struct conf_supernode
static const struct ckey supernode_keys[] = {
	K_BOOL("UseSuperNode", use_supernode, CF_LIVE),
	K_KEY("PSKey", psk, CF_SECRET | CF_LIVE),
	K_STR("EndpointV4", endpoint_v4, SC_ENDPOINT, CF_LIVE),
	K_KEY("PubKeyV4", pubkey_v4, CF_LIVE),
	K_STR("EndpointV6", endpoint_v6, SC_ENDPOINT, CF_LIVE),
	K_KEY("PubKeyV6", pubkey_v6, CF_LIVE),
	K_STR("EndpointEdgeAPIUrl", edge_api_url, SC_URL, CF_LIVE),
	K_BOOL("SkipLocalIP", skip_local_ip, CF_LIVE),
	K_STRLIST("AdditionalLocalIP", additional_local_ip, SC_ENDPOINT_REQ,
	    CF_LIVE),
	/* Read by nothing without P2P mode: the fallback's. */
	K_FLOAT("SuperNodeInfoTimeout", info_timeout, 0, T_MAX,
	    CF_MIN_OPEN | CF_LIVE),
	K_END
};
#undef S

#define S struct conf_p2p
static const struct ckey p2p_keys[] = {
	K_BOOL("UseP2P", use_p2p, CF_LIVE),
	K_FLOAT("SendPeerInterval", send_peer_interval, 0, T_MAX,
	    CF_MIN_OPEN | CF_LIVE),
	K_BLOCK("GraphRecalculateSetting", graph, graph_keys, CF_LIVE),
	K_END
};
#undef S

#define S struct conf_ntp
static const struct ckey ntp_keys[] = {
	K_BOOL("UseNTP", use_ntp, 0),
	K_INT("MaxServerUse", max_server_use, 1, 1024, 0),
	K_FLOAT("SyncTimeInterval", sync_time_interval, 0, T_MAX,
	    CF_MIN_OPEN),
	K_FLOAT("NTPTimeout", ntp_timeout, 0, T_MAX, CF_MIN_OPEN),
	K_STRLIST("Servers", servers, SC_HOST, 0),
	K_END
};
#undef S

#define S struct conf_dynroute
static const struct ckey dynroute_keys[] = {
	/* Until the supernode sends its own. */
	K_FLOAT("SendPingInterval", send_ping_interval, 0, T_MAX,
	    CF_MIN_OPEN | CF_LIVE),
	K_FLOAT("PeerAliveTimeout", peer_alive_timeout, 0, T_MAX,
	    CF_MIN_OPEN | CF_LIVE),
	/* P2P mode's, as DupCheckTimeout and DampingFilterRadius. */
	K_FLOAT("TimeoutCheckInterval", timeout_check_interval, 0, T_MAX,
	    CF_MIN_OPEN),
	K_FLOAT("ConnNextTry", conn_next_try, 0, T_MAX, CF_MIN_OPEN | CF_LIVE),
	K_FLOAT("DupCheckTimeout", dup_check_timeout, 0, T_MAX,
	    CF_MIN_OPEN | CF_LIVE),
	K_FLOAT("AdditionalCost", additional_cost, 0, T_MAX, CF_LIVE),
	K_INT("DampingFilterRadius", damping_filter_radius, 0, 1024, CF_LIVE),
	K_BOOL("SaveNewPeers", save_new_peers, CF_LIVE),
	K_BLOCK("SuperNode", supernode, supernode_keys, CF_LIVE),
	/* P2P mode: egd(8). */
	K_BLOCK("P2P", p2p, p2p_keys, CF_LIVE),
	/* egd sets no clock: only a log line at start. */
	K_BLOCK("NTPConfig", ntp, ntp_keys, 0),
	K_END
};
#undef S

#define S struct conf_edge_peer
static const struct ckey edge_peer_keys[] = {
	K_NODEID("NodeID", node_id, CF_REQUIRED | CF_LIVE),
	K_KEY("PubKey", pubkey, CF_REQUIRED | CF_LIVE),
	K_KEY("PSKey", psk, CF_SECRET | CF_LIVE),
	K_STR("EndPoint", endpoint, SC_ENDPOINT, CF_LIVE),
	K_INT("PersistentKeepalive", persistent_keepalive, 0, 65535, CF_LIVE),
	K_BOOL("Static", is_static, CF_LIVE),
	K_END
};
#undef S

#define S struct edge_conf
const struct ckey edge_keys[] = {
	K_BLOCK("Interface", iface, iface_keys, CF_REQUIRED),
	K_NODEID("NodeID", node_id, CF_REQUIRED),
	K_STR("NodeName", node_name, SC_NODENAME, 0),
	K_STR("PostScript", post_script, SC_ANY, 0),
	K_INT("DefaultTTL", default_ttl, 1, 255, CF_LIVE),
	K_FLOAT("L2FIBTimeout", l2fib_timeout, 0, T_MAX, CF_MIN_OPEN | CF_LIVE),
	/* Not in EtherGuard-Go: the data path's bounds, egd(8). */
	K_INT("L2FIBNodeLimit", l2fib_node_limit, 1, 65536, CF_LIVE),
	K_FLOAT("BroadcastRate", bcast_rate, 0, 1e9, CF_LIVE),
	K_INT("BroadcastBurst", bcast_burst, 1, 1000000000, CF_LIVE),
	K_KEY("PrivKey", privkey, CF_SECRET | CF_PRIVATE),	/* see config_edge.c */
	K_INT("ListenPort", listen_port, 0, 65535, 0),
	K_U32("FwMark", fwmark, 0),
	K_BLOCK("DisabledAf", disabled_af, disabled_af_keys, 0),
	K_INT("AfPrefer", af_prefer, INT_MIN, INT_MAX, CF_LIVE), /* config_edge.c */
	K_BLOCK("LogLevel", loglevel, loglevel_keys, CF_LIVE),
	K_BLOCK("DynamicRoute", dynroute, dynroute_keys, CF_LIVE),
	K_NHTABLE("NextHopTable", nhtable, CF_LIVE),
	{ .name = "ResetEndPointInterval", .kind = CK_FLOAT,
	  .off = offsetof(S, reset_endpoint_interval), .min = 0,
	  .max = T_MAX, .alias = "ResetConnInterval", .flags = CF_LIVE },
	K_LIST("Peers", peers, npeers, edge_peer_keys, struct conf_edge_peer,
	    conf_edge_peer_init, CF_LIVE),
	K_END
};
#undef S

static const struct cenum plain_names[] = {
	{ "loopback",	MPLAIN_LOOPBACK },
	{ "all",	MPLAIN_ALL },
	{ "none",	MPLAIN_NONE },
	{ NULL,		0 }
};

/* Not in EtherGuard-Go: who may call the Manage API, and how. */
#define S struct conf_manage_api
static const struct ckey manage_api_keys[] = {
	K_STRLIST("AllowFrom", allow_from, SC_NETWORK, CF_LIVE),
	K_ENUM("PlainPasswords", plain_passwords, plain_names, CF_LIVE),
	K_BOOL("DelPeerByPrivKey", del_peer_by_privkey, CF_LIVE),
	K_END
};
#undef S

#define S struct conf_passwords
/* Only the parent checks them: control, which parses HTTP, never sees one. */
static const struct ckey passwords_keys[] = {
	K_STR("ShowState", show_state, SC_ANY,
	    CF_SECRET | CF_PRIVATE | CF_LIVE),
	K_STR("AddPeer", add_peer, SC_ANY,
	    CF_SECRET | CF_PRIVATE | CF_LIVE),
	K_STR("DelPeer", del_peer, SC_ANY,
	    CF_SECRET | CF_PRIVATE | CF_LIVE),
	K_STR("UpdatePeer", update_peer, SC_ANY,
	    CF_SECRET | CF_PRIVATE | CF_LIVE),
	K_STR("UpdateSuper", update_super, SC_ANY,
	    CF_SECRET | CF_PRIVATE | CF_LIVE),
	K_END
};
#undef S

/* AdditionalCost -1 means "the edge's own"; config_super.c checks. */
#define S struct conf_super_peer
static const struct ckey super_peer_keys[] = {
	K_NODEID("NodeID", node_id, CF_REQUIRED | CF_LIVE),
	K_STR("Name", name, SC_ANY, CF_LIVE),
	K_KEY("PubKey", pubkey, CF_REQUIRED | CF_LIVE),
	K_KEY("PSKey", psk, CF_SECRET | CF_LIVE),
	K_FLOAT("AdditionalCost", additional_cost, -1, T_MAX, CF_LIVE),
	K_BOOL("SkipLocalIP", skip_local_ip, CF_LIVE),
	K_STR("EndPoint", endpoint, SC_ENDPOINT, CF_LIVE),
	K_STR("ExternalIP", external_ip, SC_IP, CF_LIVE),
	K_END
};
#undef S

#define S struct super_conf
const struct ckey super_keys[] = {
	K_STR("NodeName", node_name, SC_NODENAME, 0),
	K_STR("PostScript", post_script, SC_ANY, 0),
	K_KEY("PrivKeyV4", privkey_v4, CF_SECRET | CF_PRIVATE),	/* config_super.c */
	K_KEY("PrivKeyV6", privkey_v6, CF_SECRET | CF_PRIVATE),
	K_INT("ListenPort", listen_port, 1, 65535, CF_REQUIRED),
	K_STR("ListenPort_EdgeAPI", listen_port_edge_api, SC_HTTP_LISTEN, 0),
	K_STR("ListenPort_ManageAPI", listen_port_manage_api,
	    SC_HTTP_LISTEN, 0),
	K_U32("FwMark", fwmark, 0),
	K_BLOCK("DisabledAf", disabled_af, disabled_af_keys, 0),
	/* control reads it at every request. */
	K_STR("API_Prefix", api_prefix, SC_API_PREFIX, CF_LIVE),
	K_FLOAT("RePushConfigInterval", repush_config_interval, 0, T_MAX,
	    CF_MIN_OPEN | CF_LIVE),
	K_FLOAT("HttpPostInterval", http_post_interval, CONF_HTTP_POST_MIN,
	    T_MAX, CF_LIVE),
	K_FLOAT("PeerAliveTimeout", peer_alive_timeout, 0, T_MAX,
	    CF_MIN_OPEN | CF_LIVE),
	K_FLOAT("SendPingInterval", send_ping_interval, 0, T_MAX,
	    CF_MIN_OPEN | CF_LIVE),
	K_INT("DampingFilterRadius", damping_filter_radius, 0, 1024, CF_LIVE),
	K_BLOCK("LogLevel", loglevel, loglevel_keys, CF_LIVE),
	K_BLOCK("Passwords", passwords, passwords_keys, CF_LIVE),
	K_BLOCK("ManageAPI", manage_api, manage_api_keys, CF_LIVE),
	K_BLOCK("GraphRecalculateSetting", graph, graph_keys, CF_LIVE),
	K_NHTABLE("NextHopTable", nhtable, CF_LIVE),
	K_STR("EdgeTemplate", edge_template, SC_ANY, CF_LIVE),
	K_BOOL("UsePSKForInterEdge", use_psk_for_inter_edge, CF_LIVE),
	/* Read by nothing in eg-supd. */
	K_FLOAT("ResetEndPointInterval", reset_endpoint_interval, 0, T_MAX,
	    0),
	K_LIST("Peers", peers, npeers, super_peer_keys,
	    struct conf_super_peer, conf_super_peer_init, CF_LIVE),
	K_END
};
#undef S
