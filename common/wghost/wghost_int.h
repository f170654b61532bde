/*
 * Internals shared by the files of the WireGuard host: wghost.c (life,
 * clock, flush, timers), wghost_peers.c (the peer table),
 * wghost_rx.c (receive and results), wghost_tx.c (send queues, held
 * packets).  Callers use wghost.h only.
 */
#ifndef EG_WGHOST_INT_H
#define EG_WGHOST_INT_H

#include "wghost.h"

#define WGH_COUNT_DROP(h, d, n)	(*(h)->h_drop[(d)] += (n))

/* wghost.c */
void	wgh_touch(struct wgh_peer *);
void	wgh_timer_cb(int, short, void *);

/* wghost_rx.c */
void	wgh_udp(int, short, void *);
/* Acts on what a core call said; src: the datagram's, or NULL. */
void	wgh_result(struct wgh_peer *, struct wg_result *,
	    const struct sockaddr *src, socklen_t, struct wg_time);

/* wghost_tx.c */
void	wgh_txq_flush(struct wghost *);
/* A handshake message or cookie reply, copied into the send queue. */
void	wgh_queue_msg(struct wghost *, const uint8_t *, size_t,
	    const struct sockaddr *, socklen_t);
void	wgh_queue_to_peer(struct wgh_peer *, const uint8_t *, size_t);
void	wgh_staged_flush(struct wgh_peer *, struct wg_time);
/* Frees what the peer holds, wiped; counted as gave up when count. */
void	wgh_staged_drop(struct wgh_peer *, int count);

#endif /* EG_WGHOST_INT_H */
