/*
 * Internals shared by the files of the WireGuard module: the local and
 * peer structures and the counters.  Callers use wg.h only.
 */
#ifndef EG_WG_VAR_H
#define EG_WG_VAR_H

#include <sys/tree.h>

#include <stdint.h>

#include "wg.h"
#include "wg_cookie.h"
#include "wg_crypto.h"
#include "wg_guard.h"
#include "wg_index.h"
#include "wg_noise.h"
#include "wg_ratelimit.h"
#include "wg_timers.h"

/* Indices a peer may hold at once: a handshake and three keypairs. */
#define WG_PEER_INDICES		(1 + NOISE_KEYPAIR_SLOTS)

enum wg_counter {
	WG_C_RX_DATA,
	WG_C_RX_BYTES,
	WG_C_RX_KEEPALIVE,
	WG_C_TX_DATA,
	WG_C_TX_BYTES,
	WG_C_TX_KEEPALIVE,
	WG_C_TX_NEED_HANDSHAKE,
	WG_C_INITIATION_SENT,
	WG_C_INITIATION_RECV,
	WG_C_RESPONSE_SENT,
	WG_C_RESPONSE_RECV,
	WG_C_COOKIE_SENT,
	WG_C_COOKIE_RECV,
	WG_C_SESSIONS,
	WG_C_HANDSHAKE_GAVE_UP,
	WG_C_KEYS_ZEROED,
	WG_C__COUNT
};

struct wg_counters {
	uint64_t	c[WG_C__COUNT];
	uint64_t	drop[WG_DROP__COUNT];
};

struct wg_peer {
	RB_ENTRY(wg_peer)	 p_entry;
	struct wg_local		*p_local;
	void			*p_arg;
	uint8_t			 p_pub[WG_KEY_LEN];
	uint8_t			 p_psk[WG_KEY_LEN];	/* zeros: none */
	uint8_t			 p_ss[WG_KEY_LEN];	/* DH(our s, its S) */
	uint8_t			 p_h0[WG_HASH_LEN];	/* HASH(h0 || its S) */
	struct noise_handshake	 p_hs;
	struct noise_keypairs	 p_kp;
	struct cookie_maker	 p_cookie;
	struct wg_timers	 p_timers;
	uint8_t			 p_init_msg[WG_INITIATION_LEN]; /* last sent */
	uint64_t		 p_last_handshake;	/* wall ns */
	struct wg_counters	 p_stats;
};

RB_HEAD(wg_peer_tree, wg_peer);

struct wg_local {
	uint8_t			 l_priv[WG_KEY_LEN];
	uint8_t			 l_pub[WG_KEY_LEN];
	uint8_t			 l_ck0[WG_HASH_LEN];
	uint8_t			 l_h0[WG_HASH_LEN];
	uint8_t			 l_hself[WG_HASH_LEN];	/* HASH(h0 || our S) */
	struct wg_rng		 l_rng;
	struct cookie_checker	 l_cookie;
	struct wg_ratelimit	 l_ratelimit;
	struct wg_index		 l_index;
	struct wg_peer_tree	 l_peers;
	int			 l_under_load;	/* forced */
	struct wg_guard		*l_guard;	/* l_own_guard or shared */
	struct wg_guard		 l_own_guard;
	struct wg_counters	 l_stats;
};

int	wg_peer_cmp(const struct wg_peer *, const struct wg_peer *);
RB_PROTOTYPE(wg_peer_tree, wg_peer, p_entry, wg_peer_cmp)

/* Counts an event / a drop for the local and, when known, the peer. */
void	wg_count(struct wg_local *, struct wg_peer *, enum wg_counter,
	    uint64_t);
void	wg_count_drop(struct wg_local *, struct wg_peer *, enum wg_drop);

/* Clears a result before a call fills it. */
void	wg_result_reset(struct wg_result *);

/*
 * Sends an initiation into res->msg as WireGuard's "send queued
 * handshake initiation": retry keeps the attempt count, force skips the
 * once-per-REKEY_TIMEOUT limit.  0 when a message was produced.
 */
int	wg_send_initiation(struct wg_peer *, struct wg_time, int retry,
	    int force, struct wg_result *);

#endif /* EG_WG_VAR_H */
