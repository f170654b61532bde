/*
 * eg-supd's own message types and their payloads, between its four
 * processes (common/proc/proc_imsg.h has the framework's and IMSG_CTL_*;
 * supd_imsg.c says who may send which to whom, doc/super-internals.md
 * describes them).
 */
#ifndef SUPD_IMSG_H
#define SUPD_IMSG_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

#include "edgeapi/edgeapi_json.h"
#include "overlay/ovlmsg.h"
#include "proc/proc_imsg.h"

enum supd_imsg_type {
	IMSG_SUPD_UDP = IMSG_PROC_LAST,	/* parent -> engine: fd, family */
	IMSG_SUPD_HTTPFD,		/* parent -> control: fd, which */
	IMSG_SUPD_EDGE_AUTH,		/* control -> parent: supd_edge_auth */
	IMSG_SUPD_EDGE_GRANT,		/* parent -> control: supd_edge_grant */
	IMSG_SUPD_MANAGE,		/* control -> parent: supd_manage */
	IMSG_SUPD_MANAGE_RESULT,	/* parent -> control */
	IMSG_SUPD_DELETED,		/* parent -> engine: NodeID */
	IMSG_SUPD_EDGE,			/* engine -> control: supd_edge */
	IMSG_SUPD_HASH,			/* control -> engine: supd_hash */
	IMSG_SUPD_FETCHED,		/* control -> engine: supd_hash */
	IMSG_SUPD_SAMPLE,		/* engine, control -> route */
	IMSG_SUPD_ONLINE,		/* engine -> route: supd_online */
	IMSG_SUPD_DOC,			/* route -> control: a chunk */
	IMSG_SUPD_DOC_DONE		/* route -> control: int doc */
};

struct imsgacl;

/* Who may send these to whom (supd_imsg.c). */
extern const struct imsgacl	supd_imsgacl;

/* IMSG_SUPD_HTTPFD */
#define SUPD_HTTP_EDGE		1
#define SUPD_HTTP_MANAGE	2
#define SUPD_HTTP_BOTH		3

/*
 * An EdgeAPI request's X-EG-Auth, which only the parent can check (it
 * holds the edges' keys and the seed of the inter-edge PSKs; control,
 * which parses HTTP, holds neither): followed by urilen bytes of the
 * request's URI.
 */
struct supd_edge_auth {
	uint32_t	request;	/* echoed in the grant */
	uint16_t	node_id;
	uint16_t	want_psks;	/* a peers document: the asker's PSKs */
	int32_t		post;		/* the method: POST, else GET */
	uint32_t	urilen;
	int64_t		ts_ms;
	uint8_t		mac[32];
	uint8_t		bodyhash[32];	/* BLAKE2b-256 of the body */
};

#define SUPD_EDGE_URI_MAX	8192

enum supd_edge_verdict {
	SUPD_EDGE_OK,
	SUPD_EDGE_BAD,		/* a wrong MAC, or no such edge */
	SUPD_EDGE_NO_KEY,	/* its public key is unusable */
	SUPD_EDGE_CLOCK,	/* the timestamp is too far from ours */
	SUPD_EDGE_OLD		/* not newer than the last one taken */
};

/*
 * The parent's answer: for SUPD_EDGE_OK the key that seals this answer
 * only (edgeapi_seal_key()) and, if asked, npsks struct supd_pair_psk:
 * the PSK of the asker with each other edge.
 */
struct supd_edge_grant {
	uint32_t	request;
	uint32_t	verdict;	/* enum supd_edge_verdict */
	int64_t		last_ts;	/* SUPD_EDGE_OLD: the last taken */
	uint8_t		kreq[32];
	uint32_t	npsks;
	uint32_t	reserved;
};

struct supd_pair_psk {
	uint16_t	node_id;
	uint16_t	reserved;
	uint8_t		psk[32];
};

/* What one grant may carry (the imsg is at most 256 KiB). */
#define SUPD_PSKS_MAX	7000

enum supd_manage_op {
	SUPD_PEER_ADD,
	SUPD_PEER_DEL,
	SUPD_PEER_UPDATE,
	SUPD_SUPER_UPDATE,
	SUPD_AUTH_ONLY		/* only the credential: super/state, or
				   a request control refused */
};

/* Fields a Manage API call sets; has_* says which were given. */
struct supd_manage {
	uint32_t	op;		/* enum supd_manage_op */
	uint32_t	request;	/* echoed in the result */
	uint16_t	node_id;
	uint16_t	reserved;
	char		name[SUPER_NAME_LEN];
	uint8_t		pubkey[32];
	uint8_t		psk[32];
	int32_t		has_psk;
	int32_t		has_additional_cost;
	double		additional_cost;
	int32_t		has_skip_local_ip;
	int32_t		skip_local_ip;
	int32_t		has_send_ping_interval;
	int32_t		has_http_post_interval;
	int32_t		has_peer_alive_timeout;
	int32_t		has_damping_resistance;
	double		send_ping_interval;
	double		http_post_interval;
	double		peer_alive_timeout;
	double		damping_resistance;
};

/*
 * The credential of a Manage API request, which control passes on
 * unchecked: it holds no password (eg-supd/parent_manage_auth.c checks
 * it).  IMSG_SUPD_MANAGE is a struct supd_manage, this, then urilen
 * bytes of the request's URI, bodylen of its body and secretlen of the
 * password given in clear (only SUPD_CRED_PLAIN has one).
 */
enum supd_cred_kind {
	SUPD_CRED_NONE,		/* none came */
	SUPD_CRED_SIGNED,	/* X-EG-Manage-Auth over method, URI, body */
	SUPD_CRED_PLAIN,	/* the password in clear */
	SUPD_CRED_PRIVKEY	/* peer/del by an edge's private key, in
				   the form */
};

#define SUPD_CRED_URI_MAX	8192
#define SUPD_CRED_BODY_MAX	(64 * 1024)
#define SUPD_CRED_SECRET_MAX	1024

struct supd_manage_cred {
	uint32_t	kind;		/* enum supd_cred_kind */
	uint32_t	call;		/* enum manage_call */
	int32_t		plain_ok;	/* its source may send secrets */
	int32_t		post;		/* the method: POST, else GET */
	int64_t		ts_ms;		/* SIGNED */
	/* SIGNED: the header's MAC */
	uint8_t		mac[32];
	uint32_t	urilen;
	uint32_t	bodylen;
	uint32_t	secretlen;
	uint32_t	reserved;
};

/* Followed by text: the answer's body (for peer/add, an edge config). */
struct supd_manage_result {
	uint32_t	request;
	int32_t		http_status;	/* 200, 4xx, 500 */
	uint32_t	textlen;
	uint32_t	flags;
};

#define SUPD_RESULT_AUTH_FAILED	0x01	/* a wrong credential: throttle */
#define SUPD_RESULT_REPLAYED	0x02	/* a signed request seen before */

struct supd_edge {
	uint16_t		node_id;
	uint16_t		online;
	uint32_t		reserved;
	int64_t			last_seen;	/* unix ms, 0: never */
	struct sockaddr_storage	ep4;		/* ss_family 0: unknown */
	struct sockaddr_storage	ep6;
};

struct supd_hash {
	uint16_t	node_id;	/* NODEID_BROADCAST: every edge */
	uint16_t	state;		/* enum ovlmsg_state */
	uint32_t	reserved;
	uint8_t		hash[OVLMSG_HASH_LEN];
};

/*
 * One Pong, from the engine (over UDP) or from control (in a nodeinfo
 * report): the same Pong may come both ways, told apart by its origin.
 */
struct supd_sample {
	uint16_t	src;
	uint16_t	dst;
	uint16_t	reporter;		/* the edge it came from */
	uint16_t	reserved;
	uint32_t	seq;			/* of the Ping measured */
	uint32_t	reserved2;
	double		age_s;			/* since it was measured */
	double		latency_ms;
	double		lifetime_s;
	double		additional_cost;	/* reported by the edge dst */
};

struct supd_online {
	uint16_t	node_id;
	uint16_t	online;
};

#define SUPD_DOC_STATE		1	/* manage/super/state, less PeerInfo */
#define SUPD_DOC_NHTABLE	2	/* the EdgeAPI nhtable document */

struct supd_doc_hdr {
	int32_t		doc;
	uint32_t	reserved;
};

/*
 * proc_sample_cb of the channels to route: IMSG_SUPD_SAMPLE is a
 * sample of its link (src, dst), the newest of which is worth keeping.
 */
int	supd_sample_key(uint32_t type, const void *, size_t, uint64_t *);

#endif /* SUPD_IMSG_H */
