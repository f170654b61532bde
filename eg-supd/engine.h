/*
 * eg-supd's engine: one WireGuard host (wghost/) per address family,
 * each with its own identity on its own socket, every edge a peer of
 * both.  engine.c is the process (messages, the config, the hosts);
 * engine_edges.c is what the supernode does with each edge, on top of
 * the hosts, and calls nothing in engine.c.
 */
#ifndef SUPD_SENGINE_H
#define SUPD_SENGINE_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

#include "config/config.h"
#include "overlay/ovlmsg.h"
#include "proc/proc.h"
#include "supd_imsg.h"
#include "util/tbucket.h"
#include "wghost/wghost.h"

#define SE_V4		WGH_V4
#define SE_V6		WGH_V6
#define SE_NAF		WGH_NAF
#define SE_BUFSIZE	2048

enum se_drop {
	SED_SRC_MISMATCH,	/* overlay src is not the session's NodeID */
	SED_NOT_FOR_US,		/* dst is not the supernode */
	SED_USAGE,		/* frames and other messages: not ours */
	SED_BAD_MESSAGE,	/* control message does not decode */
	SED_BAD_PONG,		/* a Pong about a link not into its sender */
	SED_NO_SESSION,		/* nothing to send a message over */
	SED_SEND,		/* sendmmsg failed, or no address */
	SED_OVER_MTU,		/* datagram larger than the buffers */
	SED_PONG_BUDGET,	/* a Pong beyond its sender's budget */
	SED_MAX
};

/* An edge: its peer in each host (p_arg of both points back here). */
struct sedge {
	uint16_t		 node_id;
	struct wgh_peer		*p[SE_NAF];
	int			 last_af;	/* where it registered last */
	uint64_t		 last_seen;	/* monotonic ns, 0: never */
	int64_t			 last_seen_ms;	/* unix ms */
	int			 online;
	uint8_t			 held[OVLMSG_NSTATES][OVLMSG_HASH_LEN];
	uint8_t			 superparams[OVLMSG_HASH_LEN]; /* its own */
	uint64_t		 pushed_at;	/* last ServerUpdate, 0: none
						   pending */
	unsigned int		 gen;	/* edges_load() that kept it */
	struct tbucket		 pongs;	/* zero: full at the first Pong */
};

/*
 * An edge answers each Ping of each other edge with one Pong, one per
 * peer every SendPingInterval, and a few more when sessions come up:
 * the budget is twice that, with a burst of two rounds.
 */
#define SE_PONG_RATE(npeers, interval)	\
	(2.0 * ((npeers) > 1 ? (npeers) - 1 : 1) / (interval) + 1)
#define SE_PONG_BURST(npeers)		(2.0 * (npeers) + 8)

/* engine_edges.c */
struct edges {
	struct proc_chan	*chans;
	struct wghost		*host[SE_NAF];
	const struct super_conf	*conf;
	struct sedge		**edges;
	size_t			 nedges;
	unsigned int		 gen;
	uint8_t			 global[OVLMSG_NSTATES][OVLMSG_HASH_LEN];
	uint64_t		 drops[SED_MAX];
};
extern struct edges	 edg;

struct sedge *edge_by_id(uint16_t);
/* The edges of a config, into both hosts' peer sets. */
void	edges_load(const struct super_conf *);
void	edges_free(void);
/* wgh_ops.rx: arg is the family, SE_V4 or SE_V6. */
void	edges_rx(void *, struct wgh_rx *, size_t, struct wg_time);
/* wgh_ops.roamed */
void	edges_roamed(void *, struct wgh_peer *);
void	edge_push(struct sedge *, int force, struct wg_time);
void	edge_shutdown(struct sedge *, uint8_t reason, const char *text,
	    struct wg_time);
void	edges_tick(struct wg_time);
/* Send what both hosts queued, re-arm their timers. */
void	edges_flush(void);
const char *se_drop_name(enum se_drop);

#endif /* SUPD_SENGINE_H */
