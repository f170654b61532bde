/*
 * Control protocol between egctl and a daemon: imsg framing over the
 * control socket, message types IMSG_CTL_* (eg_imsg.h), fixed-size
 * payloads below.  A request gets zero or more IMSG_CTL_PEER/ROUTE/LINK
 * and IMSG_CTL_COUNTER messages, then IMSG_CTL_RESULT or IMSG_CTL_END.
 */
#ifndef EG_CTL_H
#define EG_CTL_H

#include <stddef.h>
#include <stdint.h>

#define CTL_NAME_LEN		64
#define CTL_ENDPOINT_LEN	64	/* "[v6addr%scope]:port" */
#define CTL_MSG_LEN		1024
#define CTL_MAXSIZE		(64 * 1024)	/* largest control message */

struct ctl_peer {
	uint16_t	node_id;
	uint16_t	nexthop;		/* NODEID_INVALID: none */
	uint32_t	flags;
#define CTLP_STATIC		0x0001	/* endpoint does not roam */
#define CTLP_HAS_PSK		0x0002
#define CTLP_ONLINE		0x0004	/* heard from recently */
#define CTLP_SESSION		0x0008	/* has a valid session */
#define CTLP_LEARNED		0x0010	/* P2P: learned_from told of it */
	char		name[CTL_NAME_LEN];
	char		endpoint[CTL_ENDPOINT_LEN];	/* "" = unknown */
	int64_t		last_handshake;		/* unix seconds, 0 = never */
	uint64_t	rx_bytes;
	uint64_t	tx_bytes;
	uint64_t	rx_packets;
	uint64_t	tx_packets;
	double		latency_ms;		/* NAN: not measured */
	uint32_t	persistent_keepalive;	/* s */
	uint16_t	learned_from;		/* with CTLP_LEARNED */
	uint16_t	reserved;
};

struct ctl_route {
	uint16_t	src;
	uint16_t	dst;
	uint16_t	nexthop;
	uint16_t	reserved;
	double		dist_ms;		/* NAN: not known (static) */
};

/* A measured link of the route engine: src -> dst, one-way. */
struct ctl_link {
	uint16_t	src;
	uint16_t	dst;
	uint32_t	flags;
#define CTLL_LIVE		0x0001	/* a sample within its lifetime */
	uint32_t	seq;		/* of the newest sample taken */
	uint32_t	reserved;
	double		latency_ms;	/* damped; NAN: none (expired) */
	double		age_s;		/* of that sample; NAN: not known */
	double		expires_s;	/* from now; NAN: expired */
	uint64_t	taken;		/* samples, since the link appeared */
	uint64_t	duplicate;
	uint64_t	stale;
};

struct ctl_counter {
	char		name[48];
	uint32_t	kind;
#define CTLC_COUNTER		0
#define CTLC_DROP		1	/* something dropped, for this reason */
	uint32_t	reserved;
	uint64_t	value;
};

struct ctl_result {
	int32_t		status;			/* 0 ok, else failure */
	uint32_t	msglen;			/* text follows */
};

struct proc_chan;
struct imsg;


/* An IMSG_CTL_COUNTER for client peerid; fatal if it cannot be queued. */
void	ctl_counter_compose(struct proc_chan *, uint32_t peerid, int kind,
	    const char *name, uint64_t value);

/*
 * The counters of samples held on the channel to route (PROC_HIWAT):
 * each kept, replaced by a newer one or dropped while route was slow.
 */
void	ctl_counters_held(struct proc_chan *, uint32_t peerid,
	    const struct proc_chan *to_route);

/* IMSG_CTL_RESULT for client peerid, through a channel to control. */
int	ctl_result_compose(struct proc_chan *, uint32_t peerid, int status,
	    const char *msg);
/* Check and take apart an IMSG_CTL_RESULT; msg is not NUL-terminated. */
int	ctl_result_decode(const struct imsg *, int *status, const char **msg,
	    size_t *msglen);

#endif /* EG_CTL_H */
