/*
 * The WireGuard host both engines run on: one WireGuard identity (a
 * wg_local) on its UDP sockets, one per address family, and its peers.
 * The core (wg/) says what to send and when; the host moves the bytes
 * and keeps the clock.  It owns:
 * - the peers, a set keyed by NodeID (O(1) by NodeID, and by receiver
 *   index through the core) replaced as a whole, plus peers added one
 *   by one outside the set (egd's supernode sessions);
 * - each peer's endpoint, which follows the source of its last
 *   authenticated datagram unless the peer is static;
 * - each peer's timer, armed from the deadline the core returns;
 * - the packets a peer holds while its handshake runs;
 * - batched receive (recvmmsg) and send (sendmmsg), the buffers the
 *   datagrams live in, and per-peer counters.
 * The engine on top sees plaintext, a batch at a time, through
 * wgh_ops.rx, and sends with wgh_send().  Everything queued goes out at
 * wgh_flush(), which the host calls itself at the end of its own events
 * (a batch received, a timer) and the engine at the end of its own.
 * Single-threaded.
 */
#ifndef EG_WGHOST_H
#define EG_WGHOST_H

#include <sys/types.h>
#include <sys/socket.h>

#include <event.h>
#include <stddef.h>
#include <stdint.h>

#include "proc/ctl.h"
#include "wg/wg.h"

#define WGH_BATCH	64		/* datagrams per recvmmsg/sendmmsg */
#define WGH_COPIES	(2 * WGH_BATCH)	/* buffers for wgh_copybuf() */
#define WGH_STAGED_MAX	64		/* packets a peer may hold */
#define WGH_V4		0
#define WGH_V6		1
#define WGH_NAF		2
#define WGH_NO_PEER	0xffffffffU

struct proc_chan;
struct wghost;

/* What the host drops; the engine says where each is counted. */
enum wgh_drop {
	WGH_DROP_OVER_MTU,	/* datagram larger than the buffers */
	WGH_DROP_NO_ENDPOINT,	/* peer has no known address yet */
	WGH_DROP_STAGED_FULL,	/* no room to hold a packet for a session */
	WGH_DROP_GAVE_UP,	/* held packets whose handshake gave up */
	WGH_DROP_SEND,		/* sendmmsg failed */
	WGH_DROP_MAX
};

struct wgh_staged {
	uint8_t		*buf;
	size_t		 len;
};

/*
 * A peer.  The engine reads these fields freely and changes them only
 * through the functions below, but for p_arg, which is the engine's
 * alone (NULL for a new peer; kept while the peer is kept).
 */
struct wgh_peer {
	struct wghost		*p_host;
	struct wg_peer		*p_wg;
	void			*p_arg;
	uint16_t		 p_node_id;
	int			 p_is_static;	/* endpoint never roams */
	int			 p_has_psk;
	uint32_t		 p_keepalive;	/* s, 0: off */
	char			 p_name[CTL_NAME_LEN];
	struct sockaddr_storage	 p_ep;		/* where to send */
	socklen_t		 p_eplen;	/* 0: unknown */
	uint64_t		 p_rx_bytes, p_tx_bytes, p_rx_pkts, p_tx_pkts;
	uint64_t		 p_last_rx;	/* monotonic ns, 0: never */
	struct wgh_staged	 p_staged[WGH_STAGED_MAX];
	int			 p_nstaged;
	struct event		 p_timer;
	uint64_t		 p_timer_at;	/* armed deadline, 0: none */
	struct wgh_peer		*p_touched;	/* next in h_touched */
	int			 p_is_touched;
	int			 p_in_set;	/* in h_set, else an extra */
	struct wgh_peer		*p_next_extra;
};

/* A peer as the engine describes it for wgh_peers_replace(). */
struct wgh_spec {
	uint16_t		 node_id;
	const uint8_t		*pubkey;
	const uint8_t		*psk;		/* NULL: none */
	int			 is_static;
	uint32_t		 keepalive;	/* s */
	const char		*name;		/* NULL: none */
};

/* The plaintext of one datagram of a batch. */
struct wgh_rx {
	struct wgh_peer	*peer;
	uint8_t		*buf;		/* the datagram's buffer */
	uint8_t		*data;		/* plaintext, buf + header */
	size_t		 len;		/* plaintext bytes */
};

struct wgh_ops {
	/*
	 * The authenticated data of a batch, in arrival order.  The
	 * buffers stay valid until the next flush: a relayed packet may
	 * be re-encrypted in place with wgh_send(rx->buf, ...).
	 */
	void	(*rx)(void *, struct wgh_rx *, size_t, struct wg_time);
	/* A session with the peer just came up. */
	void	(*session_up)(void *, struct wgh_peer *, struct wg_time);
	/* The peer's endpoint moved to a new address (roaming). */
	void	(*roamed)(void *, struct wgh_peer *);
	/*
	 * Instead of sendmmsg() on the socket of family af (tests): the
	 * datagrams to send; returns how many went, -1 on error.
	 */
	int	(*output)(void *, int af, struct mmsghdr *, int);
	/* Instead of CLOCK_MONOTONIC and CLOCK_REALTIME (tests). */
	void	(*clock)(void *, struct wg_time *);
	/* Instead of randombytes_buf (tests). */
	wg_random_fn	 random;
};

struct wgh_txq {
	struct mmsghdr		 msgs[WGH_BATCH];
	struct iovec		 iov[WGH_BATCH];
	struct sockaddr_storage	 dst[WGH_BATCH];
	int			 n;
};

struct wghost {
	struct wg_local		*h_wg;
	struct wgh_ops		 h_ops;
	void			*h_arg;
	char			 h_label[32];	/* "peer", "IPv4 edge" */
	int			 h_fd[WGH_NAF];
	struct event		 h_ev[WGH_NAF];
	/* the peer set, and NodeID -> h_set[] */
	struct wgh_peer		**h_set;
	size_t			 h_nset;
	uint32_t		*h_idx;		/* [65536] */
	struct wgh_peer		*h_extra;	/* outside the set */
	struct wgh_peer		*h_touched;	/* timers to re-arm */
	size_t			 h_staged_max;
	/* buffers: every one h_bufsize bytes */
	size_t			 h_bufsize;
	uint8_t			*h_rxbufs[WGH_BATCH];
	uint8_t			*h_copybufs[WGH_COPIES];
	int			 h_ncopies;
	struct wgh_txq		 h_txq[WGH_NAF];
	uint64_t		*h_drop[WGH_DROP_MAX];
	uint64_t		 h_drops[WGH_DROP_MAX];
};

/*
 * A host for the private key priv, with buffers of bufsize bytes (room
 * for the header, the largest plaintext padded, and the tag), holding
 * up to staged_max packets a peer (0: none, a send without a session
 * is dropped).  ops may be NULL but for rx; label names the host's
 * peers in logs.  NULL with errno (EINVAL: unusable key).
 */
struct wghost	*wgh_new(const uint8_t priv[WG_KEY_LEN], size_t bufsize,
		    size_t staged_max, const struct wgh_ops *, void *arg,
		    const char *label);
/* Frees the host and its peers, wiping every secret. */
void		 wgh_free(struct wghost *);
/* Where the host counts a drop reason (default: its own h_drops). */
void		 wgh_count_drops_at(struct wghost *, enum wgh_drop,
		    uint64_t *);
/* Receive datagrams from fd, the socket of family af, from now on. */
void		 wgh_set_socket(struct wghost *, int af, int fd);
void		 wgh_now(const struct wghost *, struct wg_time *);
/* Send what is queued and re-arm the timers of the peers it touched. */
void		 wgh_flush(struct wghost *);

/*
 * Replaces the peer set by specs[0..n-1] (a NodeID twice: the first
 * one counts).  A peer of the same NodeID, public key and PSK keeps its
 * session, endpoint, counters and p_arg; a changed one gets a new
 * session; one that is gone is freed, its secrets wiped.  Returns how
 * many peers the set holds; a peer the core refuses is logged and left
 * out.
 */
size_t		 wgh_peers_replace(struct wghost *, const struct wgh_spec *,
		    size_t n);
/* A peer outside the set, never found by NodeID; NULL if refused. */
struct wgh_peer	*wgh_peer_add(struct wghost *, const struct wgh_spec *);
void		 wgh_peer_free(struct wgh_peer *);

static inline struct wgh_peer *
wgh_peer_by_id(const struct wghost *h, uint16_t id)
{
	uint32_t	i = h->h_idx[id];

	return i == WGH_NO_PEER ? NULL : h->h_set[i];
}

void		 wgh_peer_set_endpoint(struct wgh_peer *,
		    const struct sockaddr *, socklen_t);
int		 wgh_peer_has_session(const struct wgh_peer *, struct wg_time);

/*
 * Sends len bytes of plaintext at buf + WG_TRANSPORT_HEADER (0: a
 * keepalive) to the peer, encrypted in place; buf is one of h_bufsize
 * bytes and stays valid until the next flush.  Without a session the
 * packet is held (copied) and a handshake started; 0 when the datagram
 * is queued, -1 when it was held or dropped (counted).
 */
int		 wgh_send(struct wgh_peer *, uint8_t *buf, size_t len,
		    struct wg_time);
/* A buffer of h_bufsize bytes valid until the next flush. */
uint8_t		*wgh_copybuf(struct wghost *);
/*
 * A handshake initiation to the peer's endpoint now (force: even within
 * REKEY_TIMEOUT of the last one); 1 if one went out.
 */
int		 wgh_initiate(struct wgh_peer *, struct wg_time, int force);

/*
 * Feeds the host one datagram of len bytes from src, as its receive
 * loop does with what the socket of src's family reads (tests).
 */
void		 wgh_input(struct wghost *, const struct sockaddr *src,
		    socklen_t, const uint8_t *, size_t len);
/* The peer's timer fired (tests call it when the fake clock says so). */
void		 wgh_peer_timer(struct wgh_peer *);

/*
 * wghost_keys.c: whether priv and pub can make a session; -1 with
 * "PATH: no session can be made with this key (NodeID N)" in why if
 * not (node_id -1: no NodeID in the message).
 */
int		 wgh_key_check(const uint8_t priv[WG_KEY_LEN],
		    const uint8_t pub[WG_KEY_LEN], const char *path,
		    int node_id, char *why, size_t len);

/*
 * wghost_ctl.c: WireGuard's counters as "<prefix> <name>", its drop_*
 * as drops.
 */
void	ctl_counters_wg(struct proc_chan *, uint32_t peerid,
	    const char *prefix, const struct wg_local *);
/* The counters of a guard (wg_guard.h) the same way, at now. */
void	ctl_counters_guard(struct proc_chan *, uint32_t peerid,
	    const char *prefix, const struct wg_guard *, struct wg_time now);

#endif /* EG_WGHOST_H */
