/*
 * The engine's state, shared by its files: engine.c (process, messages,
 * timers), engine_peer.c (peers and their sessions), engine_datapath.c (frames between
 * the interface and the UDP sockets).
 */
#ifndef EGD_ENGINE_H
#define EGD_ENGINE_H

#include <sys/types.h>
#include <sys/socket.h>

#include <event.h>
#include <stdint.h>

#include "config/config.h"
#include "egd_imsg.h"
#include "engine_fwdtable.h"
#include "engine_ifio.h"
#include "engine_l2fib.h"
#include "overlay/overlay.h"
#include "overlay/ovlmsg.h"
#include "proc/ctl.h"
#include "proc/proc.h"
#include "wg/wg.h"

#define ENG_BATCH		64	/* datagrams per recvmmsg/sendmmsg */
#define ENG_COPIES		(2 * ENG_BATCH)	/* broadcast copies */
#define ENG_HEADROOM		(WG_TRANSPORT_HEADER + OVL_HDR_LEN)
#define ENG_STAGED_MAX		64	/* packets waiting for a session */
#define ENG_NO_PEER		0xffff

/* Why the engine dropped something: every reason has a name users see. */
enum eng_drop {
	ED_OVL_HEADER,		/* overlay header malformed */
	ED_TTL,			/* TTL ran out: a loop or a too long path */
	ED_NO_ROUTE,		/* no next hop for the destination */
	ED_NO_PEER,		/* next hop is not a configured peer */
	ED_NO_ENDPOINT,		/* peer has no known address yet */
	ED_STAGED_FULL,		/* too many packets waiting for a session */
	ED_HANDSHAKE_GAVE_UP,	/* packets that waited in vain */
	ED_OVER_MTU,		/* frame larger than the interface takes */
	ED_SHORT_FRAME,		/* frame without Ethernet addresses */
	ED_LOOPED,		/* our own frame came back */
	ED_IFACE_WRITE,		/* interface refused the frame */
	ED_IFACE_READ,		/* bad frame from the interface */
	ED_SEND,		/* sendmmsg failed */
	ED_CONTROL,		/* control message not for this mode */
	ED_BAD_CONTROL,		/* control message that does not decode */
	ED_SPOOFED,		/* control message src is not its sender */
	ED_MAX
};

struct staged {
	uint8_t		*buf;
	size_t		 len;		/* plaintext bytes (header included) */
};

/* A peer as the config or the supernode describes it. */
struct peer_spec {
	uint16_t		 node_id;
	const uint8_t		*pubkey;
	const uint8_t		*psk;		/* NULL: none */
	int			 is_static;
	uint32_t		 keepalive;	/* s */
	const char		*name;
	/* super mode: endpoints to try in turn */
	const struct sockaddr_storage *cand;
	size_t			 ncand;
};

#define EPEER_MAX_CAND		8

struct epeer {
	uint16_t		 node_id;
	int			 is_static;
	int			 has_psk;
	uint32_t		 keepalive;
	char			 name[CTL_NAME_LEN];
	struct wg_peer		*wg;
	struct sockaddr_storage	 ep;		/* where to send */
	socklen_t		 eplen;		/* 0: unknown */
	/* super mode: candidate endpoints, the one in use, when it was
	 * chosen; and the one-way latency measured from it */
	struct sockaddr_storage	 cand[EPEER_MAX_CAND];
	int			 ncand;
	int			 curcand;
	uint64_t		 cand_since;	/* monotonic ns */
	double			 latency_ms;	/* NAN: not measured */
	uint64_t		 rx_bytes, tx_bytes, rx_pkts, tx_pkts;
	uint64_t		 last_rx;	/* monotonic ns */
	struct staged		 staged[ENG_STAGED_MAX];
	int			 nstaged;
	struct event		 timer;
	uint64_t		 timer_at;	/* armed deadline, 0: none */
	int			 touched;	/* deadline to re-check */
};

/* One datagram to send, pointing into a buffer of its own. */
struct eng_txq {
	struct mmsghdr		 msgs[ENG_BATCH];
	struct iovec		 iov[ENG_BATCH];
	struct sockaddr_storage	 dst[ENG_BATCH];
	struct epeer		*peer[ENG_BATCH];
	int			 n;
	int			 fd;
};

struct engine {
	struct proc_chan	 chans[PROC_MAX];
	struct reconf_child	 reconf;
	struct edge_conf	*conf;
	uint16_t		 me;
	int			 ttl;

	struct wg_local		*wg;
	struct epeer		**peers;
	size_t			 npeers;
	struct epeer		*super[2];	/* the supernode, IPv4 and v6 */
	int			 any_touched;
	uint16_t		 peer_idx[65536];	/* NodeID -> peers[] */
	struct fwd_table	*fwd;
	struct l2fib		 fib;

	/* sockets */
	int			 udp4, udp6;
	struct event		 ev_udp4, ev_udp6;
	struct ifio		 io;
	struct event		 ev_iface;
	struct event		 ev_conn[IFIO_MAXCONN];
	struct event		 ev_conn_out[IFIO_MAXCONN];	/* room */
	int			 iface_ready;
	struct event		 ev_tick;	/* housekeeping */
	int			 narrowed;

	/* buffers */
	size_t			 bufsize;
	uint8_t			*rxbufs[ENG_BATCH];
	uint8_t			*ifbufs[ENG_BATCH];
	uint8_t			*copybufs[ENG_COPIES];
	int			 ncopies;
	struct eng_txq		 tx4, tx6;
	struct gso_merge	 gro;		/* TCP segments for the TAP */

	/* load: handshakes seen in the current second */
	uint64_t		 hs_window;
	unsigned int		 hs_count;

	uint64_t		 drops[ED_MAX];

	/* super mode (engine_super.c) */
	int			 super_mode;
	uint8_t			 held[OVLMSG_NSTATES][OVLMSG_HASH_LEN];
	uint8_t			 asked[OVLMSG_NSTATES][OVLMSG_HASH_LEN];
	uint64_t		 asked_at[OVLMSG_NSTATES];
	struct edgeapi_superparams	 params;
	uint64_t		 next_register;
	uint64_t		 next_ping;
	uint32_t		 ping_seq;
	struct ovlmsg_pong	 pongs[64];
	int			 npongs;
	struct edgeapi_peer		*newpeers;	/* list being received */
	size_t			 nnewpeers;
	struct conf_nhtable	 newnh;		/* table being received */
	struct conf_nhtable	 nh;		/* the table in use */
	struct event		 ev_super;
};

extern struct engine	*eng;

/* engine.c */
void	engine_now(struct wg_time *);
void	engine_peer_touched(struct epeer *);
void	engine_rearm_timers(void);
void	engine_iface_closed(int fd);
/* Wait for room on the connections that hold the rest of a frame. */
void	engine_iface_out(void);

/* engine_peer.c */
int	peers_set(const struct peer_spec *, size_t);
/*
 * The supernode's two peers (IPv4 and IPv6 keys), from the config; a key
 * or PSK changed since old (NULL: none) makes a new session.
 */
void	peers_set_supernode(const struct edge_conf *old,
	    const struct edge_conf *);
void	peers_drop_supernode(void);
void	peers_free(void);
struct epeer *peer_by_id(uint16_t);
struct epeer *peer_by_wg(struct wg_peer *);
void	peer_set_endpoint(struct epeer *, const struct sockaddr *, socklen_t);
void	peer_stage(struct epeer *, const uint8_t *plain, size_t len);
void	peer_flush_staged(struct epeer *, struct wg_time);
void	peer_drop_staged(struct epeer *);
void	peer_handle_result(struct epeer *, struct wg_result *,
	    const struct sockaddr *, socklen_t);
void	peer_tick(int, short, void *);

/* engine_super.c: super mode */
void	super_start(const struct edge_conf *old, const struct edge_conf *);
/* A reload turned super mode off. */
void	super_stop(void);
void	super_control(struct epeer *, const struct ovl_hdr *,
	    const uint8_t *payload, struct wg_time);
void	super_dispatch_control(struct proc_chan *, struct imsg *);
int	super_is_supernode(const struct epeer *);
void	super_session_up(struct epeer *, struct wg_time);

/* engine_datapath.c */
void	datapath_init(size_t mtu);
void	datapath_free(void);
void	datapath_udp(int, short, void *);
void	datapath_iface(int, short, void *);
/* Encrypt plaintext at buf+WG_TRANSPORT_HEADER for peer and queue it. */
void	datapath_send(struct epeer *, uint8_t *buf, size_t plainlen,
	    struct wg_time);
void	datapath_flush(void);
/* A free buffer for a copy; flushes the send queue when none is left. */
uint8_t	*datapath_copybuf(void);
void	datapath_sendmsg(struct epeer *, const uint8_t *, size_t);
const char *eng_drop_name(enum eng_drop);

#endif /* EGD_ENGINE_H */
