/*
 * The JSON documents of the EdgeAPI (doc/super-internals.md): peers,
 * nhtable, superparams and nodeinfo, plus the manage/super/state document
 * that eg-supd's control process completes with PeerInfo.
 *
 * Builders write compact JSON with a fixed layout: keys of a struct in
 * the order the document shows, maps keyed by NodeID in ascending
 * numeric order, arrays in the order given (peers by NodeID).  The same
 * input gives the same bytes, because state hashes are taken over them.
 * They return a malloc'ed NUL-terminated string and its length, or NULL
 * (errno ENOMEM, or EINVAL for input no parser would accept).
 *
 * Parsers take untrusted bytes, check every type, range and size, and
 * return 0, or -1 with a one-line reason in err ("Peers[2].PubKey: not
 * base64 of 32 bytes").  Unknown keys are errors.
 */
#ifndef EG_EDGEAPI_JSON_H
#define EG_EDGEAPI_JSON_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "overlay/ovlmsg.h"

#define EDGEAPI_DOC_MAX		(16 * 1024 * 1024) /* any document */
#define EDGEAPI_BODY_MAX	(64 * 1024)		/* nodeinfo POST */
#define EDGEAPI_MAX_PEERS	4096
#define EDGEAPI_MAX_PONGS	1024
#define EDGEAPI_NUM_MAX		1e9	/* seconds and milliseconds */
#define EDGEAPI_ERR_LEN		160
#define SUPER_MAX_ENDPOINTS	8	/* a peer's endpoints, an edge's addresses */
#define SUPER_NAME_LEN		64
#define EDGEAPI_EP_STRLEN	64	/* "[v6]:port" and a NUL */

/* The local addresses an edge reports (nodeinfo). */
struct edgeapi_localaddrs {
	uint32_t		count;
	uint32_t		reserved;
	struct sockaddr_storage	addrs[SUPER_MAX_ENDPOINTS];
};

/* One entry of the peers document. */
struct edgeapi_peer {
	uint16_t		node_id;
	uint16_t		has_psk;
	uint32_t		nendpoints;
	char			name[SUPER_NAME_LEN];
	uint8_t			pubkey[32];
	uint8_t			psk[32];
	struct sockaddr_storage	endpoints[SUPER_MAX_ENDPOINTS];
};

/* The superparams document, with the hash it was fetched by. */
struct edgeapi_superparams {
	double		send_ping_interval;
	double		http_post_interval;
	double		peer_alive_timeout;
	double		additional_cost;	/* -1: the edge's own */
	double		damping_resistance;
	uint8_t		hash[OVLMSG_HASH_LEN];
};

/* The edge -> supernode report: its local addresses and Pongs. */
struct edgeapi_nodeinfo {
	struct edgeapi_localaddrs	 local;		/* IPv4 and IPv6 */
	struct ovlmsg_pong	*pongs;
	double			*pong_age_s;	/* per Pong: since measured */
	size_t			 npongs;
};

/* One PeerInfo entry of manage/super/state. */
struct edgeapi_peerinfo {
	uint16_t	 node_id;
	const char	*name;
	int64_t		 last_seen_ms;	/* unix ms; 0: never */
};

/*
 * peers: {"Peers":[{"NodeID":..,"Name":..,"PubKey":..,"PSKey":..,
 * "Endpoints":[..]}]}, sorted by NodeID.  with_psk 0 writes every PSKey
 * as "" (the form the state hash is taken over).
 */
char	*edgeapi_peers_build(const struct edgeapi_peer *, size_t n,
	    int with_psk, size_t *lenp);
/* *peersp is calloc'ed (free it; it holds PSKs: wipe first). */
int	 edgeapi_peers_parse(const char *doc, size_t len,
	    struct edgeapi_peer **peersp, size_t *np, char *err, size_t errlen);

/* nhtable: {"NhTable":{"src":{"dst":nexthop}}}; duplicates are EINVAL. */
char	*edgeapi_nhtable_build(const struct conf_nexthop *, size_t n,
	    size_t *lenp);
/* Entries sorted by (src, dst); *nhp is malloc'ed (NULL when empty). */
int	 edgeapi_nhtable_parse(const char *doc, size_t len,
	    struct conf_nexthop **nhp, size_t *np, char *err, size_t errlen);

/* superparams; the hash member is neither written nor read. */
char	*edgeapi_superparams_build(const struct edgeapi_superparams *,
	    size_t *lenp);
int	 edgeapi_superparams_parse(const char *doc, size_t len,
	    struct edgeapi_superparams *, char *err, size_t errlen);

/*
 * nodeinfo: {"LocalV4":[..],"LocalV6":[..],"Pongs":[..]}; every Pong
 * with an age in [0, EDGEAPI_NUM_MAX] s.
 */
char	*edgeapi_nodeinfo_build(const struct edgeapi_nodeinfo *,
	    size_t *lenp);
int	 edgeapi_nodeinfo_parse(const char *doc, size_t len,
	    struct edgeapi_nodeinfo *, char *err, size_t errlen);
void	 edgeapi_nodeinfo_free(struct edgeapi_nodeinfo *);
/*
 * A Pong the nodeinfo document can carry: NodeIDs not reserved, latency
 * finite within +-EDGEAPI_NUM_MAX ms, lifetime in (0, EDGEAPI_NUM_MAX]
 * s, AdditionalCost in [0, EDGEAPI_NUM_MAX] ms.
 */
int	 edgeapi_pong_valid(const struct ovlmsg_pong *);

/*
 * manage/super/state.  The route process sends the document without
 * PeerInfo; state_check says whether it is one (a JSON object without a
 * PeerInfo key), state_merge puts PeerInfo in front of its members and
 * keeps the rest byte for byte.  state_empty is the document before any
 * computation: Infinity and empty maps.
 */
int	 edgeapi_state_check(const char *doc, size_t len, char *err,
	    size_t errlen);
char	*edgeapi_state_merge(const char *doc, size_t len,
	    const struct edgeapi_peerinfo *, size_t n, size_t *lenp);
const char *edgeapi_state_empty(void);
/* Go's time.String() without the monotonic part, to the millisecond. */
void	 edgeapi_lastseen_str(int64_t unix_ms, char *buf, size_t len);

/*
 * Endpoints: "192.0.2.1:3000" or "[2001:db8::1]:3000", numeric only, no
 * zone, port 1..65535.  parse returns 0 or -1; str writes "" for other
 * families.
 */
int	 edgeapi_endpoint_parse(const char *, struct sockaddr_storage *);
void	 edgeapi_endpoint_str(const struct sockaddr_storage *, char *buf,
	    size_t len);
/*
 * Worth telling other edges as a local address: not unspecified,
 * loopback (the others would send their handshakes to themselves),
 * multicast, broadcast or IPv6 link-local (its scope means nothing on
 * another host), and port non-zero.  IPv4 link-local is taken: two
 * hosts on one cable reach each other on it without a scope.
 */
int	 edgeapi_endpoint_usable(const struct sockaddr_storage *);

/*
 * Names: at most SUPER_NAME_LEN - 1 bytes of UTF-8 without control
 * characters.  name_valid checks one; name_copy makes one out of any
 * string (control characters become '?', cut at a character boundary).
 */
int	 edgeapi_name_valid(const char *, size_t len);
void	 edgeapi_name_copy(char dst[SUPER_NAME_LEN], const char *src);

#endif /* EG_EDGEAPI_JSON_H */
