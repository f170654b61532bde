/*
 * Control messages carried in the overlay (usage != OVL_FRAME): their
 * payload encodings, version 1.  Every decoder checks lengths and values
 * and returns -1 on anything malformed; nothing here trusts the sender.
 * The encodings are described in doc/protocol.md.
 */
#ifndef EG_OVLMSG_H
#define EG_OVLMSG_H

#include "version.h"
#include <stddef.h>
#include <stdint.h>

#define OVLMSG_VERSION		1
/*
 * Register carries "eg/1 <program> <version>": the supernode refuses an
 * edge whose protocol name differs (ServerUpdate shutdown, version).
 */
#define EG_SWVER		EG_PROTO_NAME " egd " EG_VERSION
#define OVLMSG_HASH_LEN		32
#define OVLMSG_SWVER_MAX	32
#define OVLMSG_REASON_MAX	128

/* The three pieces of state an edge fetches from the supernode. */
enum ovlmsg_state {
	OVLMSG_PEERS,
	OVLMSG_NHTABLE,
	OVLMSG_SUPERPARAMS,
	OVLMSG_NSTATES
};

/* Edge -> supernode, repeated: who I am, what state I hold. */
struct ovlmsg_register {
	uint16_t	node_id;
	char		swver[OVLMSG_SWVER_MAX + 1];
	uint8_t		hash[OVLMSG_NSTATES][OVLMSG_HASH_LEN];
};

/* Edge -> direct neighbours, TTL 0: the sender's clock. */
struct ovlmsg_ping {
	uint16_t	src;
	uint32_t	seq;
	int64_t		sent_ns;	/* CLOCK_REALTIME of the sender */
};

/* Edge -> supernode: a one-way latency measured on link src -> dst. */
struct ovlmsg_pong {
	uint16_t	src;		/* who sent the Ping */
	uint16_t	dst;		/* who received it: the Pong's sender */
	uint32_t	seq;
	double		latency_ms;	/* receive clock - send clock */
	double		lifetime_s;	/* sample is void after this */
	double		additional_cost; /* the Pong sender's own, ms */
};

enum ovlmsg_update_action {
	OVLMSG_UPDATE,			/* fetch the states whose hash changed */
	OVLMSG_SHUTDOWN			/* stop, for the reason given */
};

enum ovlmsg_shutdown_reason {
	OVLMSG_R_NONE,
	OVLMSG_R_VERSION,		/* version mismatch */
	OVLMSG_R_NODEID,		/* the edge's NodeID is wrong */
	OVLMSG_R_DELETED,		/* the edge was deleted */
	OVLMSG_R_MAX
};

/* Supernode -> edge. */
struct ovlmsg_update {
	uint8_t		action;		/* enum ovlmsg_update_action */
	uint8_t		reason;		/* enum ovlmsg_shutdown_reason */
	uint8_t		hash[OVLMSG_NSTATES][OVLMSG_HASH_LEN];
	char		text[OVLMSG_REASON_MAX + 1];
};

/*
 * P2P mode's flooded control messages (header dst NODEID_SPREAD).  The
 * dup check covers their payload, so each carries what makes one message
 * differ from the next: QueryPeer a nonce, BroadcastPeer its queryID.
 */

/* A node that just started asks every other for the peers it knows. */
struct ovlmsg_querypeer {
	uint16_t	requester;	/* must equal the header's src */
	uint32_t	nonce;		/* random per query */
};

#define OVLMSG_PUBKEY_LEN	32
/* Config's NODEID_MAX_VALID: the NodeIDs above it are reserved. */
#define OVLMSG_NODEID_MAX	65531

enum ovlmsg_af {
	OVLMSG_AF_NONE,			/* no endpoint known */
	OVLMSG_AF_INET,
	OVLMSG_AF_INET6
};

/* One peer the sender knows: who it is, and where it was last seen. */
struct ovlmsg_bcastpeer {
	uint16_t	node_id;
	uint16_t	query_id;	/* 0 periodic, else the requester */
	uint8_t		pubkey[OVLMSG_PUBKEY_LEN];
	uint8_t		af;		/* enum ovlmsg_af */
	uint8_t		addr[16];	/* 4 bytes for INET, 16 for INET6 */
	uint16_t	port;		/* 0 iff af is NONE */
};

/* Encoders return the bytes written, or -1 if cap is too small. */
ssize_t	ovlmsg_register_encode(const struct ovlmsg_register *, uint8_t *,
	    size_t cap);
int	ovlmsg_register_decode(const uint8_t *, size_t,
	    struct ovlmsg_register *);
ssize_t	ovlmsg_ping_encode(const struct ovlmsg_ping *, uint8_t *, size_t);
int	ovlmsg_ping_decode(const uint8_t *, size_t, struct ovlmsg_ping *);
ssize_t	ovlmsg_pong_encode(const struct ovlmsg_pong *, uint8_t *, size_t);
int	ovlmsg_pong_decode(const uint8_t *, size_t, struct ovlmsg_pong *);
ssize_t	ovlmsg_update_encode(const struct ovlmsg_update *, uint8_t *,
	    size_t);
int	ovlmsg_update_decode(const uint8_t *, size_t, struct ovlmsg_update *);
ssize_t	ovlmsg_querypeer_encode(const struct ovlmsg_querypeer *, uint8_t *,
	    size_t);
int	ovlmsg_querypeer_decode(const uint8_t *, size_t,
	    struct ovlmsg_querypeer *);
ssize_t	ovlmsg_bcastpeer_encode(const struct ovlmsg_bcastpeer *, uint8_t *,
	    size_t);
int	ovlmsg_bcastpeer_decode(const uint8_t *, size_t,
	    struct ovlmsg_bcastpeer *);

#endif /* EG_OVLMSG_H */
