/*
 * egd's own message types and their payloads, between its four
 * processes (common/proc/proc_imsg.h has the framework's and IMSG_CTL_*;
 * egd_imsg.c says who may send which to whom, doc/super-internals.md
 * describes them).  The EdgeAPI
 * documents that also travel here are in common/edgeapi/edgeapi_json.h.
 */
#ifndef EGD_IMSG_H
#define EGD_IMSG_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

#include "edgeapi/edgeapi_json.h"
#include "overlay/ovlmsg.h"
#include "proc/proc_imsg.h"

enum egd_imsg_type {
	IMSG_EGD_UDP = IMSG_PROC_LAST,	/* parent -> engine: UDP socket, family */
	IMSG_EGD_IFACE,			/* parent -> engine: struct ifio_info */
	IMSG_EGD_IFACE_FD,		/* parent -> engine: descriptor, role */
	IMSG_EGD_IFACE_CONN,		/* parent -> engine: connection, dialed */
	IMSG_EGD_IFACE_DOWN,		/* engine -> parent: connection closed */
	/* super mode: see doc/super-internals.md */
	IMSG_EGD_API_SIGN,		/* control -> parent: egd_api_sign */
	IMSG_EGD_API_SIGNED,		/* parent -> control: egd_api_signed */
	IMSG_EGD_APIADDR,		/* parent -> control: egd_apiaddr */
	IMSG_EGD_LOCALADDRS,		/* parent -> control: edgeapi_localaddrs */
	IMSG_EGD_FETCH,			/* engine -> control: egd_fetch */
	IMSG_EGD_PEER,			/* control -> parent, engine */
	IMSG_EGD_PEERS_DONE,
	IMSG_EGD_NH,			/* control -> route, engine */
	IMSG_EGD_NH_DONE,
	IMSG_EGD_SUPERPARAMS,		/* control -> engine: superparams */
	IMSG_EGD_PONGS,			/* engine -> control: Pongs to post */
	IMSG_EGD_SHUTDOWN,		/* engine -> parent: deleted by the
					   supernode */
	IMSG_EGD_APICONN_REQ,		/* control -> parent: dial the EdgeAPI */
	IMSG_EGD_APICONN,		/* parent -> control: socket or errno */
	/* P2P mode */
	IMSG_EGD_P2P_PONG,		/* engine -> route: struct ovlmsg_pong */
	IMSG_EGD_P2P_NH,		/* route -> engine: conf_nexthop[] */
	IMSG_EGD_P2P_NH_DONE,		/* route -> engine: the table is whole */
	IMSG_EGD_P2P_LEARNED,		/* engine -> parent: edgeapi_peer, for
					   SaveNewPeers */
	IMSG_EGD_FALLBACK		/* engine -> route: uint8_t, 1: super
					   mode fell back to P2P mode, 0: back;
					   the last: t_egd_imsgacl checks up
					   to here */
};

/*
 * An EdgeAPI request to sign: only the parent holds the EdgeAPI key, so
 * control, which speaks HTTP to the network, never does.  Followed by
 * pathlen bytes of the request's path and query.
 */
struct egd_api_sign {
	uint32_t	id;		/* echoed in the answer */
	int32_t		post;		/* POST, else GET */
	int64_t		ts_ms;
	uint8_t		bodyhash[32];	/* BLAKE2b-256 of the body */
	uint32_t	pathlen;
	uint32_t	reserved;
};

#define EGD_API_PATH_MAX	768

/* Its X-EG-Auth MAC, and the key that opens this request's answer only. */
struct egd_api_signed {
	uint32_t	id;
	int32_t		ok;		/* 0: no key (yet) */
	uint8_t		mac[32];
	uint8_t		kreq[32];
};

struct imsgacl;

/* Who may send these to whom (egd_imsg.c). */
extern const struct imsgacl	egd_imsgacl;
/*
 * proc_sample_cb of the engine's channel to route: IMSG_EGD_P2P_PONG
 * is a sample of its link (src, dst).
 */
int	egd_sample_key(uint32_t type, const void *, size_t, uint64_t *);

/* IMSG_EGD_APIADDR: where the EdgeAPI is, resolved by the parent. */
struct egd_apiaddr {
	struct sockaddr_storage	ss;		/* address and port */
	char			host[256];	/* Host: header */
	char			prefix[256];	/* path before /edge/... */
};

/* IMSG_EGD_FETCH: the supernode has a newer state than this edge. */
struct egd_fetch {
	uint16_t	state;		/* enum ovlmsg_state */
	uint16_t	reserved;
	uint32_t	reserved2;
	uint8_t		hash[OVLMSG_HASH_LEN];
};

#endif /* EGD_IMSG_H */
