/*
 * The message types of the suite, in one enum.  IMSG_CTL_* travel between
 * egctl and a daemon's control process (and are relayed inside the
 * daemon); the rest are internal to a daemon.  Payload structs of the
 * control protocol are in ctl.h.
 */
#ifndef EG_IMSG_TYPES_H
#define EG_IMSG_TYPES_H

enum imsg_type {
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
	IMSG_CTL_LAST,

	/* process framework */
	IMSG_LOG = 100,			/* int priority + text, child -> parent */
	IMSG_RECONF_CONF,		/* a chunk of the config, as YAML */
	IMSG_RECONF_DONE,		/* last chunk sent: commit the config */
	IMSG_CONTROLFD,			/* parent -> control: listening socket */
	IMSG_ENDPOINT,			/* parent -> engine: peer_endpoint */
	IMSG_FDS_DONE,			/* parent -> engine: descriptors passed */

	/* egd */
	IMSG_EGD_FIRST = 200,
	IMSG_EGD_UDP,			/* parent -> engine: UDP socket, family */
	IMSG_EGD_IFACE,			/* parent -> engine: struct ifio_info */
	IMSG_EGD_IFACE_FD,		/* parent -> engine: descriptor, role */
	IMSG_EGD_IFACE_CONN,		/* parent -> engine: connection, dialed */
	IMSG_EGD_IFACE_DOWN,		/* engine -> parent: connection closed */
	/* egd in super mode: see doc/super-internals.md, common/super.h */
	IMSG_EGD_APIKEY,
	IMSG_EGD_APIADDR,
	IMSG_EGD_LOCALADDRS,
	IMSG_EGD_FETCH,
	IMSG_EGD_PEER,
	IMSG_EGD_PEERS_DONE,
	IMSG_EGD_NH,
	IMSG_EGD_NH_DONE,
	IMSG_EGD_SUPERPARAMS,
	IMSG_EGD_PONGS,
	IMSG_EGD_SHUTDOWN,

	/* eg-supd: see doc/super-internals.md, common/super.h */
	IMSG_SUPD_FIRST = 300,
	IMSG_SUPD_UDP,
	IMSG_SUPD_HTTPFD,
	IMSG_SUPD_APIKEY,
	IMSG_SUPD_PSKSEED,
	IMSG_SUPD_MANAGE,
	IMSG_SUPD_MANAGE_RESULT,
	IMSG_SUPD_DELETED,
	IMSG_SUPD_EDGE,
	IMSG_SUPD_HASH,
	IMSG_SUPD_FETCHED,
	IMSG_SUPD_SAMPLE,
	IMSG_SUPD_ONLINE,
	IMSG_SUPD_DOC,
	IMSG_SUPD_DOC_DONE
};

#endif /* EG_IMSG_TYPES_H */
