/*
 * eg-supd's engine state, shared by engine.c (process, messages,
 * sockets) and engine_edges.c (what the supernode does with each edge).
 */
#ifndef SUPD_SENGINE_H
#define SUPD_SENGINE_H

#include <sys/types.h>
#include <sys/socket.h>

#include <event.h>
#include <stdint.h>

#include "config/config.h"
#include "overlay/ovlmsg.h"
#include "proc/proc.h"
#include "supd_imsg.h"
#include "wg/wg.h"

#define SE_V4		0
#define SE_V6		1
#define SE_NAF		2
#define SE_BATCH	32
#define SE_BUFSIZE	2048
#define SE_NO_EDGE	0xffff

enum se_drop {
	SED_SRC_MISMATCH,	/* overlay src is not the session's NodeID */
	SED_NOT_FOR_US,		/* dst is not the supernode */
	SED_USAGE,		/* frames and other messages: not ours */
	SED_BAD_MESSAGE,	/* control message does not decode */
	SED_BAD_PONG,		/* a Pong about a link not into its sender */
	SED_NO_SESSION,		/* nothing to send a message over */
	SED_SEND,		/* sendto failed */
	SED_MAX
};

struct sedge {
	uint16_t		 node_id;
	struct wg_peer		*wg[SE_NAF];
	struct sockaddr_storage	 ep[SE_NAF];
	socklen_t		 eplen[SE_NAF];
	int			 last_af;	/* where it registered last */
	uint64_t		 last_seen;	/* monotonic ns, 0: never */
	int64_t			 last_seen_ms;	/* unix ms */
	int			 online;
	uint8_t			 held[OVLMSG_NSTATES][OVLMSG_HASH_LEN];
	uint8_t			 superparams[OVLMSG_HASH_LEN]; /* its own */
	uint64_t		 pushed_at;	/* last ServerUpdate, 0: none
						   pending */
	uint64_t		 rx_bytes, tx_bytes, rx_pkts, tx_pkts;
	struct event		 timer[SE_NAF];
	uint64_t		 timer_at[SE_NAF];
	int			 touched;
};

struct sengine {
	struct proc_chan	 chans[PROC_MAX];
	struct reconf_child	 reconf;
	struct super_conf	*conf;
	struct wg_local		*local[SE_NAF];
	int			 udp[SE_NAF];
	struct event		 ev_udp[SE_NAF];
	struct sedge		**edges;
	size_t			 nedges;
	uint16_t		 idx[65536];	/* NodeID -> edges[] */
	uint8_t			 global[OVLMSG_NSTATES][OVLMSG_HASH_LEN];
	struct event		 ev_tick;
	int			 narrowed;
	uint64_t		 drops[SED_MAX];
};

extern struct sengine	*se;

/* engine.c */
void	se_now(struct wg_time *);
void	se_touch(struct sedge *);
void	se_rearm(void);
void	se_sendmsg(int af, const struct sockaddr_storage *, socklen_t,
	    const uint8_t *, size_t);

/* engine_edges.c */
struct sedge *edge_by_id(uint16_t);
struct sedge *edge_by_wg(struct wg_peer *, int *af);
int	edges_load(const struct super_conf *);
void	edges_free(void);
void	edge_control(struct sedge *, int af, const uint8_t *plain,
	    size_t len, struct wg_time);
void	edge_send(struct sedge *, uint8_t usage, const uint8_t *payload,
	    size_t len, struct wg_time);
void	edge_push(struct sedge *, int force, struct wg_time);
void	edge_shutdown(struct sedge *, uint8_t reason, const char *text,
	    struct wg_time);
void	edges_tick(struct wg_time);
void	edge_report(struct sedge *);
void	edge_wg_timer(int, short, void *);
const char *se_drop_name(enum se_drop);

#endif /* SUPD_SENGINE_H */
