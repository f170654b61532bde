/*
 * The engine of egd, in parts that each own their state.  A part calls
 * only the parts above it here, never one below (callbacks it is given
 * go the other way):
 *
 *	wghost/wghost.h	 the WireGuard host: peers, sessions, endpoints,
 *			 timers, held packets, the UDP sockets
 *	engine_drops.c	 the drop counters all parts count into, by reason
 *	engine_iface.c	 the interface's descriptors and their events
 *	engine_datapath.c frames between the interface and the host: L2 FIB,
 *			 forwarding table, delivery, relaying, with the
 *			 reverse-path check (engine_rpf.c), the TTL clamp
 *			 and the broadcast buckets (engine_storm.c);
 *			 control messages go to the handler it is given
 *	engine_send.c	 the one way control messages are sent: to one
 *			 peer, or flooded to all (P2P)
 *	engine_super.c	 super mode: the supernode's sessions, Register,
 *			 Ping/Pong, ServerUpdate, the peers and table it sends
 *	engine_p2p.c	 P2P mode, beside super mode: Ping, flooded Pong,
 *			 QueryPeer and BroadcastPeer, the dup check, the
 *			 peers learned
 *	engine.c	 the process: messages from the others, the config,
 *			 what egctl is shown; it wires the parts together
 */
#ifndef EGD_ENGINE_H
#define EGD_ENGINE_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

#include "config/config.h"
#include "egd_imsg.h"
#include "engine_ifio.h"
#include "overlay/overlay.h"
#include "proc/proc.h"
#include "wghost/wghost.h"

#define ENG_HEADROOM		(WG_TRANSPORT_HEADER + OVL_HDR_LEN)
#define ENG_STAGED_MAX		64	/* packets waiting for a session */
/* How long the upstreams of a table replaced are still accepted. */
#define ENG_RPF_GRACE_S		10

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
	ED_DUP,			/* flooded message seen within DupCheckTimeout */
	ED_DUP_FULL,		/* no room in the dup check: flood refused */
	ED_PEERS_FULL,		/* no room for a peer BroadcastPeer names */
	ED_QUERY_RATE,		/* QueryPeer beyond the answer rate */
	ED_DUP_SHARE,		/* a neighbour's floods beyond its share of
				   the dup check */
	ED_NOT_LISTED,		/* falling back: BroadcastPeer of a peer
				   the supernode did not list */
	ED_WRONG_UPSTREAM,	/* frame of a source from a neighbour that
				   does not relay that source to us */
	ED_TTL_CLAMPED,		/* TTL above our DefaultTTL, lowered (the
				   frame goes on: counted, not dropped) */
	ED_FIB_SHARE,		/* source MAC not learned: its node holds
				   its L2FIBNodeLimit */
	ED_BCAST_RATE,		/* broadcast beyond its source's
				   BroadcastRate */
	ED_MAX
};

/* engine_drops.c */
extern uint64_t	eng_drops[ED_MAX];
const char	*eng_drop_name(enum eng_drop);
/* The host counts its drops under the engine's names. */
void		 eng_drops_host(struct wghost *);

/* engine_iface.c: readcb reads a descriptor of the interface. */
void		 iface_init(struct proc_chan *parent,
		    void (*readcb)(int, short, void *));
void		 iface_set_info(struct imsg *);
void		 iface_fd(struct imsg *);
void		 iface_conn(struct imsg *);
/* The interface's descriptor `fd' is finished (EOF or error). */
void		 iface_closed(int fd);
/* Wait for room on the connections that hold the rest of a frame. */
void		 iface_out(void);
struct ifio	*iface_io(void);
void		 iface_free(void);

/*
 * engine_datapath.c.  A control message (usage other than a frame)
 * from a peer goes to the handler; none: dropped as ED_CONTROL.
 */
typedef void	(*datapath_control_fn)(struct wgh_peer *,
		    const struct ovl_hdr *, const uint8_t *payload,
		    struct wg_time);
/* The buffers a host needs for frames of maxframe bytes. */
size_t		 datapath_bufsize(size_t maxframe);
void		 datapath_init(struct wghost *, const struct edge_conf *);
void		 datapath_configure(const struct edge_conf *);
void		 datapath_set_control(datapath_control_fn);
/* Forwarding by this table, towards the peers the host has now. */
void		 datapath_routes(const struct conf_nhtable *);
uint16_t	 datapath_nexthop(uint16_t dst);
void		 datapath_housekeeping(struct wg_time);
/* wgh_ops.rx */
void		 datapath_rx(void *, struct wgh_rx *, size_t, struct wg_time);
/* An interface descriptor is readable. */
void		 datapath_iface(int, short, void *);
void		 datapath_free(void);

/*
 * engine_send.c: a control message from this node (src) to a peer,
 * sent at once.  Without a session a handshake starts and the message
 * is not kept: they are all repeated.  1 if it went out.
 */
int		 eng_send_control(struct wgh_peer *, uint8_t usage,
		    uint16_t src, uint16_t dst, const uint8_t *msg,
		    size_t len, struct wg_time);
/*
 * A Ping carrying this node's clock, to p or to every peer of the set
 * (p NULL) that has an endpoint.
 */
void		 eng_send_ping(struct wghost *, struct wgh_peer *,
		    uint16_t me, uint32_t seq, struct wg_time);
/*
 * The one-way latency a Ping measured, in ms by our clock; -1 if the
 * sender's clock is more than a day from ours.
 */
int		 eng_ping_latency(const struct ovlmsg_ping *, struct wg_time,
		    double *ms);
/*
 * A flooded control message (dst NODEID_SPREAD) with this TTL to every
 * peer of the set but except (NULL: none), on the same terms.  Returns
 * how many peers it went to.
 */
int		 eng_flood_control(struct wghost *, struct wgh_peer *except,
		    uint8_t usage, uint16_t src, uint8_t ttl,
		    const uint8_t *msg, size_t len, struct wg_time);

/* engine_super.c: super mode */
/*
 * Super mode from this config; on a reload old is the config before
 * (NULL at start): a supernode key or PSK changed makes a new session.
 */
void		 super_start(const struct edge_conf *old,
		    const struct edge_conf *, struct wghost *,
		    struct proc_chan chans[PROC_MAX]);
/* A reload turned super mode off: nothing the supernode said stays. */
void		 super_stop(void);
/* The next-hop table the supernode gave (empty before it did). */
const struct conf_nhtable *super_nhtable(void);
void		 super_control(struct wgh_peer *, const struct ovl_hdr *,
		    const uint8_t *payload, struct wg_time);
void		 super_dispatch_control(struct proc_chan *, struct imsg *);
/* The supernode's sessions, IPv4 and IPv6 (NULL: none). */
struct wgh_peer	*super_peer(int af);
void		 super_session_up(struct wgh_peer *, struct wg_time);
/* The one-way latency last measured from the peer; NAN: none. */
double		 super_latency(const struct wgh_peer *);
int		 super_online(const struct wgh_peer *, struct wg_time);
void		 super_free(void);

/* engine_p2p.c: P2P mode */
/*
 * P2P mode from this config (old: the one before, NULL at start): the
 * config's peers and those learned make the host's peer set.
 */
void		 p2p_start(const struct edge_conf *old,
		    const struct edge_conf *, struct wghost *,
		    struct proc_chan chans[PROC_MAX]);
/*
 * P2P mode on the host's peers as super mode has them (the fallback);
 * again when they or the config changed.
 */
void		 p2p_borrow(const struct edge_conf *, struct wghost *,
		    struct proc_chan chans[PROC_MAX]);
int		 p2p_is_on(void);
/* The next hops P2P mode has in force; NULL: super mode's (fallback). */
const struct conf_nhtable *p2p_routes(void);
/* P2P mode off: the peers learned are forgotten. */
void		 p2p_stop(void);
void		 p2p_control(struct wgh_peer *, const struct ovl_hdr *,
		    const uint8_t *payload, struct wg_time);
void		 p2p_session_up(struct wgh_peer *, struct wg_time);
/* The next-hop table route computed (empty before it did). */
const struct conf_nhtable *p2p_nhtable(void);
void		 p2p_dispatch_route(struct proc_chan *, struct imsg *);
double		 p2p_latency(const struct wgh_peer *);
/* The node whose BroadcastPeer added the peer; -1: the config's. */
int		 p2p_learned_from(const struct wgh_peer *);
int		 p2p_online(const struct wgh_peer *, struct wg_time);
void		 p2p_free(void);

/* engine_fallback.c: super mode falling back to P2P mode */
int		 fallback_on(void);
/* The supernode was silent for silent_s seconds. */
void		 fallback_enter(const struct edge_conf *, struct wghost *,
		    struct proc_chan chans[PROC_MAX], double silent_s);
/* The config or the supernode's peer list changed. */
void		 fallback_update(const struct edge_conf *);
/* The supernode answered (why says so): its tables again. */
void		 fallback_leave(const char *why);
/* Super mode ends: so does the fallback, with nothing to go back to. */
void		 fallback_end(void);

#endif /* EGD_ENGINE_H */
