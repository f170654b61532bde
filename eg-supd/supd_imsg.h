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
	IMSG_SUPD_APIKEY,		/* parent -> control: supd_apikey */
	IMSG_SUPD_PSKSEED,		/* parent -> control: inter-edge PSKs */
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

struct supd_apikey {
	uint16_t	node_id;
	uint16_t	reserved;
	uint8_t		key[32];
};

enum supd_manage_op {
	SUPD_PEER_ADD,
	SUPD_PEER_DEL,
	SUPD_PEER_UPDATE,
	SUPD_SUPER_UPDATE
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

/* Followed by text: the answer's body (for peer/add, an edge config). */
struct supd_manage_result {
	uint32_t	request;
	int32_t		http_status;	/* 200, 4xx, 500 */
	uint32_t	textlen;
	uint32_t	reserved;
};

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
