/*
 * Configuration of egd (edge) and eg-supd (supernode): the EtherGuard
 * YAML schema (docs: eg.conf(5), eg-supd.conf(5)).
 *
 * conf_load_*() parse a whole file into one of the structs below, with
 * every key set (defaults where the file is silent), and collect every
 * error and warning with file, line, column and key.  conf_print_*()
 * write the effective config back in the same schema; the output parses
 * to an equal config (the daemons push configs to their children that
 * way, and regress checks the round trip).
 */
#ifndef EG_CONFIG_H
#define EG_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define EG_KEY_LEN		32

/* Reserved NodeIDs, as in EtherGuard-Go: refused in configs. */
#define NODEID_BROADCAST	65535	/* also the ManualLatency wildcard */
#define NODEID_SPREAD		65534
#define NODEID_SUPERNODE	65533
#define NODEID_INVALID		65532
#define NODEID_MAX_VALID	65531

enum conf_kind {
	CONF_EDGE,
	CONF_SUPER
};

enum iface_type {
	IFT_TAP,
	IFT_DUMMY,
	IFT_STDIO,
	IFT_UDPSOCK,
	IFT_TCPSOCK,
	IFT_UNIXSOCK,
	IFT_UNIXGRAMSOCK,
	IFT_UNIXPACKETSOCK,
	IFT_FD,
	IFT_VPP
};

enum l2_header_mode {
	L2H_NOCHG,
	L2H_KBDBG,
	L2H_NOL2
};

enum wg_log_level {
	WGLOG_DEBUG,
	WGLOG_ERROR,
	WGLOG_SILENT
};

struct conf_key {
	int		set;		/* 0: empty string in the file */
	uint8_t		key[EG_KEY_LEN];
};

struct conf_strlist {
	char		**items;
	size_t		  count;
};

struct conf_loglevel {
	enum wg_log_level level;
	int		log_transit;
	int		log_normal;
	int		dump_normal;
	int		log_control;
	int		log_internal;
	int		log_ntp;
};

struct conf_disabled_af {
	int		ipv4;
	int		ipv6;
	char		*listen_ipv4;	/* "" = any */
	char		*listen_ipv6;
};

/* NextHopTable[src][dst] = nexthop, sorted by (src, dst), no repeats. */
struct conf_nexthop {
	uint16_t	src;
	uint16_t	dst;
	uint16_t	nexthop;
};

struct conf_nhtable {
	struct conf_nexthop	*entries;
	size_t			 count;
};

/* ManualLatency[src][dst] = ms; 65535 is a wildcard.  Sorted, no repeats. */
struct conf_latency {
	uint16_t	src;
	uint16_t	dst;
	double		ms;
};

struct conf_graph {
	int			 static_mode;
	struct conf_latency	*manual;
	size_t			 manual_count;
	double			 jitter_tolerance;		/* ms */
	double			 jitter_tolerance_multiplier;
	double			 damping_resistance;		/* 0 <= r < 1 */
	double			 timeout_check_interval;	/* s */
	double			 recalculate_cooldown;		/* s */
};

struct conf_iface {
	enum iface_type		 itype;
	char			*name;
	int			 vpp_iface_id;
	int			 vpp_bridge_id;
	char			*macaddr_prefix;	/* as written */
	uint8_t			 mac_prefix[6];		/* parsed */
	int			 mac_prefix_len;	/* 0..6 bytes */
	char			*ipv4_cidr;		/* "" = none */
	char			*ipv6_cidr;
	char			*ipv6_ll_prefix;
	int			 mtu;
	char			*recv_addr;
	char			*send_addr;
	enum l2_header_mode	 l2_header_mode;
};

struct conf_supernode {
	int			 use_supernode;
	struct conf_key		 psk;
	char			*endpoint_v4;		/* host:port or "" */
	struct conf_key		 pubkey_v4;
	char			*endpoint_v6;
	struct conf_key		 pubkey_v6;
	char			*edge_api_url;
	int			 skip_local_ip;
	struct conf_strlist	 additional_local_ip;
	double			 info_timeout;		/* s */
};

struct conf_p2p {
	int			 use_p2p;
	double			 send_peer_interval;	/* s */
	struct conf_graph	 graph;
};

struct conf_ntp {
	int			 use_ntp;
	int			 max_server_use;
	double			 sync_time_interval;	/* s */
	double			 ntp_timeout;		/* s */
	struct conf_strlist	 servers;
};

struct conf_dynroute {
	double			 send_ping_interval;	/* s */
	double			 peer_alive_timeout;
	double			 timeout_check_interval;
	double			 conn_next_try;
	double			 dup_check_timeout;
	double			 additional_cost;	/* ms */
	int			 damping_filter_radius;
	int			 save_new_peers;
	struct conf_supernode	 supernode;
	struct conf_p2p		 p2p;
	struct conf_ntp		 ntp;
};

struct conf_edge_peer {
	uint16_t		 node_id;
	struct conf_key		 pubkey;
	struct conf_key		 psk;
	char			*endpoint;		/* "" = none */
	int			 persistent_keepalive;	/* s, 0 = off */
	int			 is_static;
};

struct edge_conf {
	char			*path;
	struct conf_iface	 iface;
	uint16_t		 node_id;
	char			*node_name;
	char			*post_script;
	int			 default_ttl;		/* 1..255 */
	double			 l2fib_timeout;		/* s */
	int			 l2fib_node_limit;	/* entries of one node */
	double			 bcast_rate;		/* frames/s, 0: off */
	int			 bcast_burst;		/* frames */
	struct conf_key		 privkey;
	int			 listen_port;		/* 0 = any */
	uint32_t		 fwmark;
	struct conf_disabled_af	 disabled_af;
	int			 af_prefer;		/* 4, 6; 0: none */
	struct conf_loglevel	 loglevel;
	struct conf_dynroute	 dynroute;
	struct conf_nhtable	 nhtable;
	double			 reset_endpoint_interval;	/* s */
	struct conf_edge_peer	*peers;
	size_t			 npeers;
};

struct conf_passwords {
	char			*show_state;
	char			*add_peer;
	char			*del_peer;
	char			*update_peer;
	char			*update_super;
};

/* Where a Manage API call may carry a password in clear. */
enum manage_plain {
	MPLAIN_LOOPBACK,	/* from loopback addresses only */
	MPLAIN_ALL,		/* from every source allowed to call */
	MPLAIN_NONE		/* nowhere: signed requests only */
};

/* The Manage API's access rules (not in EtherGuard-Go). */
struct conf_manage_api {
	struct conf_strlist	 allow_from;	/* beyond loopback */
	int			 plain_passwords; /* enum manage_plain */
	int			 del_peer_by_privkey;
};

/*
 * The shortest HttpPostInterval (s) a supernode tells its edges, and the
 * shortest an edge uses whatever it is told: every edge posts that often.
 */
#define CONF_HTTP_POST_MIN	1.0

struct conf_super_peer {
	uint16_t		 node_id;
	char			*name;
	struct conf_key		 pubkey;
	struct conf_key		 psk;
	double			 additional_cost;	/* ms; -1 = edge's own */
	int			 skip_local_ip;
	char			*endpoint;
	char			*external_ip;
};

struct super_conf {
	char			*path;
	char			*node_name;
	char			*post_script;
	struct conf_key		 privkey_v4;
	struct conf_key		 privkey_v6;
	int			 listen_port;
	char			*listen_port_edge_api;	/* TCP port, as string */
	char			*listen_port_manage_api;
	uint32_t		 fwmark;
	struct conf_disabled_af	 disabled_af;
	char			*api_prefix;
	double			 repush_config_interval;	/* s */
	double			 http_post_interval;
	double			 peer_alive_timeout;
	double			 send_ping_interval;
	int			 damping_filter_radius;
	struct conf_loglevel	 loglevel;
	struct conf_passwords	 passwords;
	struct conf_manage_api	 manage_api;
	struct conf_graph	 graph;
	struct conf_nhtable	 nhtable;
	char			*edge_template;
	int			 use_psk_for_inter_edge;
	double			 reset_endpoint_interval;
	struct conf_super_peer	*peers;
	size_t			 npeers;
};

/*
 * Diagnostics: every error and warning of one load, in file order.
 * Errors read "file:line:col: Key.Path: what is wrong", warnings
 * "file:line:col: warning: what" (see conf_diags_print).  line and col
 * count from 1; both are 0 when the problem has no place in the file
 * (the file cannot be read).
 */
struct conf_diag {
	int		 is_error;
	char		*msg;		/* "file:line:col: key: what" */
	int		 line;
	int		 col;
};

struct conf_diags {
	struct conf_diag	*items;
	size_t			 count;
	size_t			 nerrors;
};

/* conf_print flags */
#define CONF_PRINT_SECRETS	0x01	/* private keys, PSKs, passwords */
#define CONF_PRINT_SHARED	0x02	/* PSKs, no private key or password */

/* conf_load/conf_parse flags */
#define CONF_PARSE_NO_SECRETS	0x01	/* PrivKey* may be absent or "" */
/*
 * A daemon running as root reads it: the file and its directory must be
 * root's (or the reader's) and writable by nobody else, checked on what
 * was opened, before a byte is parsed.
 */
#define CONF_LOAD_TRUSTED	0x02

/* Largest config file conf_load_*() reads. */
#define CONF_MAX_FILE_SIZE	(16 * 1024 * 1024)

/*
 * Parse a config.  Diagnostics are appended to *diags (zero it before
 * the first use; NULL discards them).  NULL if this parse found any
 * error.  name is the file name used in diagnostics and kept in ->path.
 */
struct edge_conf	*conf_load_edge(const char *path, struct conf_diags *,
			    int flags);
struct edge_conf	*conf_parse_edge(const char *name, const char *buf,
			    size_t len, struct conf_diags *, int flags);
struct super_conf	*conf_load_super(const char *path, struct conf_diags *,
			    int flags);
struct super_conf	*conf_parse_super(const char *name, const char *buf,
			    size_t len, struct conf_diags *, int flags);
void	conf_free_edge(struct edge_conf *);
void	conf_free_super(struct super_conf *);

int	conf_print_edge(FILE *, const struct edge_conf *, int flags);
int	conf_print_super(FILE *, const struct super_conf *, int flags);
/* Same, into a malloc'ed NUL-terminated string; NULL on failure. */
char	*conf_dump_edge(const struct edge_conf *, int flags, size_t *lenp);
char	*conf_dump_super(const struct super_conf *, int flags, size_t *lenp);

/*
 * Reload: the first key that differs between the running config and the
 * next and that the running daemon cannot apply (not live in the
 * schema), as its path in the file ("DynamicRoute.SuperNode.PubKeyV4",
 * "Interface.MTU", "Peers[2].PubKey"): 1 and the path in out, or 0 and
 * "" when a reload can apply every change.
 */
int	conf_restart_key_edge(const struct edge_conf *cur,
	    const struct edge_conf *next, char *out, size_t outlen);
int	conf_restart_key_super(const struct super_conf *cur,
	    const struct super_conf *next, char *out, size_t outlen);

void	conf_diags_print(FILE *, const struct conf_diags *);
void	conf_diags_free(struct conf_diags *);

/* Helpers shared with egctl and the daemons. */
const char *conf_iface_type_name(enum iface_type);
int	conf_key_from_base64(const char *, uint8_t out[EG_KEY_LEN]);
void	conf_key_to_base64(const uint8_t key[EG_KEY_LEN], char out[45]);
const struct conf_edge_peer *conf_edge_peer_by_id(const struct edge_conf *,
	    uint16_t);
/* NextHopTable lookup: next hop from src to dst, or NODEID_INVALID. */
uint16_t conf_nexthop(const struct conf_nhtable *, uint16_t src,
	    uint16_t dst);
/*
 * A table received in pieces: appends len bytes of entries (-1: not
 * whole entries, more than CONF_NHTABLE_MAX, or no memory), then sorts
 * them as conf_nexthop() needs.
 */
#define CONF_NHTABLE_MAX	(65536 * 16)
int	conf_nhtable_add(struct conf_nhtable *, const void *, size_t len);
void	conf_nhtable_sort(struct conf_nhtable *);
/* The LogLevel block as a mask of log.h categories. */
unsigned int conf_log_categories(const struct conf_loglevel *);
/*
 * Non-zero if the file is accessible to group or others (mode & 077; it
 * holds secrets); -1 if it cannot be stat'ed.
 */
int	conf_file_is_exposed(const char *path);

#endif /* EG_CONFIG_H */
