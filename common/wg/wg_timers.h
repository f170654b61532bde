/*
 * Per-peer timers of WireGuard (whitepaper section 6), as deadlines on
 * the caller's monotonic clock.  The hooks below are called by the send
 * and receive paths at the same moments as WireGuard calls its own;
 * wg_timers_tick() runs whatever is due.
 */
#ifndef EG_WG_TIMERS_H
#define EG_WG_TIMERS_H

#include <stdint.h>

#include "wg.h"

#define WG_TIMER_OFF	UINT64_MAX

enum wg_timer_id {
	WG_T_RETRANSMIT,	/* no response to our initiation */
	WG_T_SEND_KEEPALIVE,	/* got data, sent nothing back */
	WG_T_NEW_HANDSHAKE,	/* sent data, heard nothing back */
	WG_T_ZERO_KEYS,		/* no new session for 3 * REJECT_AFTER_TIME */
	WG_T_PERSISTENT,	/* persistent keepalive */
	WG_T__COUNT
};

struct wg_timers {
	uint64_t	at[WG_T__COUNT];	/* mono ns or WG_TIMER_OFF */
	unsigned int	handshake_attempts;
	int		need_another_keepalive;
	int		sent_lastminute_handshake;
	int		sent_handshake;		/* last_sent_handshake is set */
	uint64_t	last_sent_handshake;	/* mono ns */
	unsigned int	persistent_keepalive;	/* s, 0: off */
};

struct wg_peer;

void	wg_timers_init(struct wg_timers *);
void	wg_timers_data_sent(struct wg_peer *, uint64_t now);
void	wg_timers_data_received(struct wg_peer *, uint64_t now);
void	wg_timers_any_authenticated_packet_sent(struct wg_peer *);
void	wg_timers_any_authenticated_packet_received(struct wg_peer *);
void	wg_timers_any_authenticated_packet_traversal(struct wg_peer *,
	    uint64_t now);
void	wg_timers_handshake_initiated(struct wg_peer *, uint64_t now);
void	wg_timers_handshake_complete(struct wg_peer *, struct wg_time);
void	wg_timers_session_derived(struct wg_peer *, uint64_t now);
uint64_t wg_timers_next(const struct wg_timers *);
void	wg_timers_tick(struct wg_peer *, struct wg_time, struct wg_result *);

#endif /* EG_WG_TIMERS_H */
