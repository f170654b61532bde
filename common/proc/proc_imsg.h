/*
 * The message types every daemon shares: IMSG_CTL_* travel between egctl
 * and a daemon's control process (and are relayed inside the daemon);
 * the framework's own carry logs, configs and descriptors.  Each daemon
 * numbers its private types from IMSG_PROC_LAST in its own header
 * (egd/egd_imsg.h, eg-supd/supd_imsg.h).  Payload structs of the control
 * protocol are in ctl.h.
 */
#ifndef EG_PROC_IMSG_H
#define EG_PROC_IMSG_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

enum proc_imsg_type {
	IMSG_NONE,

	/* egctl <-> control, relayed to the process that knows */
	IMSG_CTL_SHOW_PEERS,
	IMSG_CTL_SHOW_ROUTES,
	IMSG_CTL_RELOAD,
	IMSG_CTL_PEER,			/* struct ctl_peer */
	IMSG_CTL_ROUTE,			/* struct ctl_route */
	IMSG_CTL_RESULT,		/* struct ctl_result + message text */
	IMSG_CTL_COUNTER,		/* struct ctl_counter */
	IMSG_CTL_END,
	IMSG_CTL_SHOW_LINKS,
	IMSG_CTL_LINK,			/* struct ctl_link */
	IMSG_CTL_LAST,

	/* process framework */
	IMSG_LOG = 100,			/* int priority + text, child -> parent */
	/*
	 * A config change, all or nothing (common/proc/parent_reconf.c):
	 * every message of one change carries its number as peerid.
	 */
	IMSG_RECONF_CONF,		/* parent -> child: a chunk, as YAML */
	IMSG_RECONF_DONE,		/* parent -> child: last chunk: stage it */
	IMSG_RECONF_STAGED,		/* child -> parent: struct reconf_ack */
	IMSG_RECONF_COMMIT,		/* parent -> child: run the staged one */
	IMSG_RECONF_ABORT,		/* parent -> child: drop the staged one */
	IMSG_RECONF_COMMITTED,		/* child -> parent: running it */
	IMSG_CONTROLFD,			/* parent -> control: listening socket */
	IMSG_ENDPOINT,			/* parent -> engine: peer_endpoint */
	IMSG_FDS_DONE,			/* parent -> engine: descriptors passed */
	IMSG_RESOLVE_REQ,		/* parent -> resolver: resolve_req */
	IMSG_RESOLVE_ANSWER,		/* resolver -> parent: resolve_answer */

	/* the daemons' own types start here (egd_imsg.h, supd_imsg.h) */
	IMSG_PROC_LAST = 200
};

/* IMSG_RECONF_STAGED: whether the child can apply it, and if not why. */
#define RECONF_WHY_LEN		256
struct reconf_ack {
	int32_t			ok;
	char			why[RECONF_WHY_LEN];	/* NUL-terminated */
};

/* IMSG_ENDPOINT: where a peer is, as the parent resolved it. */
struct peer_endpoint {
	uint16_t		node_id;
	uint8_t			force;	/* also for a peer that roamed */
	uint8_t			reserved;
	uint32_t		sslen;
	struct sockaddr_storage	ss;
};

/*
 * IMSG_RESOLVE_REQ: resolve "host:port" (a name; the parent parses
 * literal addresses itself) for the families in use, af_prefer first.
 */
#define RESOLVE_HOSTPORT_LEN	256
struct resolve_req {
	uint32_t		id;
	uint8_t			af_prefer;	/* 4, 6; 0: none */
	uint8_t			have4;
	uint8_t			have6;
	uint8_t			reserved;
	char			hostport[RESOLVE_HOSTPORT_LEN];
};

/*
 * IMSG_RESOLVE_ANSWER: for request id, status 0 and the address, or
 * the getaddrinfo() error (nonzero) and sslen 0.
 */
struct resolve_answer {
	uint32_t		id;
	int32_t			status;
	uint32_t		sslen;
	uint32_t		reserved;
	struct sockaddr_storage	ss;
};

#endif /* EG_PROC_IMSG_H */
