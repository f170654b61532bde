/*
 * WireGuard protocol engine (whitepaper: Noise_IKpsk2_25519_ChaChaPoly_
 * BLAKE2s handshake, cookies, transport, timers), with no I/O inside.
 *
 * Contract
 * - The module never reads a clock, opens a socket, starts a thread or
 *   keeps global state.  Each call takes the time (struct wg_time) and
 *   returns what to send and what happened (struct wg_result); the
 *   caller moves the bytes.  Single-threaded: one wg_local and its peers
 *   must not be used by two threads at once.
 * - wg_receive() consumes any received datagram.  Transport data is
 *   decrypted in place; handshake answers and cookie replies are written
 *   into res->msg and go back to the datagram's source address.
 * - wg_send() encrypts in place, or says a handshake is needed (the
 *   caller keeps a small queue of pending packets; this module does not).
 * - Timers: after any call that names a peer, the caller re-reads
 *   wg_peer_next_deadline() and calls wg_peer_tick() when it is reached.
 * - Whatever a call returns, a non-zero res->msg_len means res->msg must
 *   be sent: to the source address for wg_receive(), to the peer's
 *   endpoint for wg_send(), wg_peer_tick() and wg_peer_initiate().
 * - res->events says what the caller should do next (WG_EV_*).
 * - Every rejected datagram gets a reason (enum wg_drop) counted per
 *   local and, when the peer is known, per peer; wg_local_stats() and
 *   wg_peer_stats() list the counters by name.
 * The hot path (transport encrypt/decrypt) allocates nothing, hashes
 * nothing beyond the AEAD and finds the keypair in O(1) by index.
 */
#ifndef EG_WG_H
#define EG_WG_H

#include <stddef.h>
#include <stdint.h>

#include "wg_msg.h"

struct sockaddr;
struct wg_local;
struct wg_peer;

/*
 * Time of a call.  mono drives every timer (CLOCK_MONOTONIC, ns, must
 * be > 0 and never go back); wall is only used for the TAI64N timestamp
 * of initiations (CLOCK_REALTIME, ns since the epoch).
 */
struct wg_time {
	uint64_t	mono;
	uint64_t	wall;
};

/*
 * Source address of a datagram, as opaque bytes: only hashed into
 * cookies (all len bytes) and used as the rate-limiting key (the first
 * host_len bytes, e.g. an IPv4 address or an IPv6 /64).
 */
#define WG_ADDR_MAX	20
struct wg_addr {
	uint8_t		bytes[WG_ADDR_MAX];
	uint8_t		len;
	uint8_t		host_len;
};

/* Fills a wg_addr from an AF_INET/AF_INET6 sockaddr; -1 otherwise. */
int	wg_addr_from_sockaddr(struct wg_addr *, const struct sockaddr *);

/* Source of randomness; the default is libsodium's randombytes_buf. */
typedef void	(*wg_random_fn)(void *ctx, void *buf, size_t len);

/* What the caller should do after a call (bits of wg_result.events). */
#define WG_EV_SEND_MSG		0x0001	/* res->msg holds a message */
#define WG_EV_SESSION_INITIATOR	0x0002	/* handshake done, we initiated */
#define WG_EV_SESSION_RESPONDER	0x0004	/* handshake confirmed by data */
#define WG_EV_KEYPAIR_ROTATED	0x0008	/* a new keypair is current */
#define WG_EV_FLUSH		0x0010	/* send the peer's queued packets */
#define WG_EV_KEEPALIVE		0x0020	/* send queued packets, or a
					   keepalive (wg_send, len 0) */
#define WG_EV_GAVE_UP		0x0040	/* handshake attempts exhausted:
					   drop the peer's queued packets */
#define WG_EV_KEYS_ZEROED	0x0080	/* all session keys erased */
#define WG_EV_ENDPOINT		0x0100	/* authenticated by peer: the source
					   address is its endpoint now */
#define WG_EV_HANDSHAKE_SENT	0x0200	/* res->msg is an initiation */

/* Reasons for rejecting a datagram or a send. */
enum wg_drop {
	WG_DROP_NONE,
	WG_DROP_TRUNCATED,	/* shorter than its type needs */
	WG_DROP_BAD_LENGTH,	/* handshake message of the wrong size */
	WG_DROP_BAD_TYPE,	/* unknown message type */
	WG_DROP_BAD_RESERVED,	/* non-zero reserved bytes */
	WG_DROP_BAD_MAC1,
	WG_DROP_COOKIE_REQUIRED, /* under load, no valid mac2: cookie sent */
	WG_DROP_RATELIMITED,	/* under load, source over its rate */
	WG_DROP_COOKIE_BUDGET,	/* under load, no valid mac2, and no cookie
				   reply left this second: unanswered */
	WG_DROP_DH_BUDGET,	/* the guard's Diffie-Hellman budget spent */
	WG_DROP_UNKNOWN_PEER,	/* initiation from a static key we lack */
	WG_DROP_UNKNOWN_INDEX,	/* receiver index matches nothing */
	WG_DROP_BAD_HANDSHAKE,	/* handshake decryption or DH failed */
	WG_DROP_UNEXPECTED,	/* response/cookie we did not ask for */
	WG_DROP_OLD_TIMESTAMP,	/* initiation not newer than the last one */
	WG_DROP_FLOOD,		/* initiation < 20 ms after the last one */
	WG_DROP_BAD_COOKIE,	/* cookie reply failed to decrypt */
	WG_DROP_EXPIRED_KEYPAIR, /* session too old or exhausted */
	WG_DROP_REPLAY,		/* counter seen already */
	WG_DROP_TOO_OLD,	/* counter behind the replay window */
	WG_DROP_COUNTER_LIMIT,	/* counter >= REJECT_AFTER_MESSAGES */
	WG_DROP_BAD_TAG,	/* transport decryption failed */
	WG_DROP_NO_MEMORY,	/* index table full */
	WG_DROP_TX_NO_ROOM,	/* wg_send: buffer too small */
	WG_DROP_CROSSING,	/* initiation crossing ours: ours goes on */
	WG_DROP__COUNT
};

/* Result of wg_receive(), wg_send(), wg_peer_tick(), wg_peer_initiate(). */
struct wg_result {
	struct wg_peer	*peer;		/* peer concerned; NULL if unknown */
	enum wg_drop	 drop;		/* WG_DROP_NONE unless rejected */
	unsigned int	 events;	/* WG_EV_* */
	uint8_t		*data;		/* wg_receive: plaintext in the
					   caller's buffer, padding kept */
	size_t		 data_len;	/* 0 for a keepalive */
	size_t		 wire_len;	/* wg_send: bytes to send at buf */
	size_t		 msg_len;	/* bytes in msg, 0 if none */
	uint8_t		 msg[WG_HANDSHAKE_MAX];
};

enum wg_rx {
	WG_RX_DROP,		/* rejected: res->drop */
	WG_RX_DATA,		/* res->data, res->data_len */
	WG_RX_KEEPALIVE,	/* authenticated empty transport message */
	WG_RX_HANDSHAKE,	/* initiation or response consumed */
	WG_RX_COOKIE		/* cookie reply consumed */
};

enum wg_tx {
	WG_TX_OK,		/* res->wire_len bytes at buf to send */
	WG_TX_NEED_HANDSHAKE,	/* no usable session: queue the packet */
	WG_TX_ERROR		/* res->drop says why */
};

/* A plaintext of len bytes padded, and the buffer wg_send() needs for it. */
#define WG_PADDED_LEN(len)						\
	(((size_t)(len) + WG_PAD_MULTIPLE - 1) &			\
	 ~(size_t)(WG_PAD_MULTIPLE - 1))
#define WG_SEND_BUFLEN(len)						\
	(WG_TRANSPORT_HEADER + WG_PADDED_LEN(len) + WG_TAG_LEN)

/*
 * A local identity: our static key pair, cookie checker, per-source rate
 * limiter, receiver index table and peers.  rnd NULL selects
 * randombytes_buf.  Returns NULL with errno set (EINVAL: unusable key).
 */
struct wg_local	*wg_local_new(const uint8_t priv[WG_KEY_LEN],
		    wg_random_fn rnd, void *rnd_ctx);
/* Frees the local and every peer still attached, wiping all secrets. */
void		 wg_local_free(struct wg_local *);
void		 wg_local_pubkey(const struct wg_local *, uint8_t[WG_KEY_LEN]);
/*
 * Under load, handshake messages without a valid mac2 are answered with
 * a cookie reply, and those with one are rate limited per source.  The
 * local's guard decides from the rate of handshake messages; this puts
 * the local under load whatever the guard says (tests, wgpeer).
 */
void		 wg_local_set_under_load(struct wg_local *, int);

/*
 * A guard: the load detector and the budgets of cookie replies and of
 * Diffie-Hellman work (wg_guard.h) for every local that shares it, so
 * that one process has one, whatever the number of its identities.  A
 * local has its own until it is given one (NULL: its own again); the
 * caller frees a guard after the locals that use it.
 */
struct wg_guard	*wg_guard_new(void);
void		 wg_guard_free(struct wg_guard *);
void		 wg_local_set_guard(struct wg_local *, struct wg_guard *);
struct wg_guard	*wg_local_guard(const struct wg_local *);

/*
 * Adds the peer with this static public key and optional PSK (NULL: none)
 * to the local; arg is the caller's.  NULL with errno: EEXIST (key known),
 * EINVAL (our own key, or a key whose DH with ours is zero), ENOMEM.
 */
struct wg_peer	*wg_peer_new(struct wg_local *, const uint8_t pub[WG_KEY_LEN],
		    const uint8_t *psk, void *arg);
/* Removes the peer from its local, wiping every key it held. */
void		 wg_peer_free(struct wg_peer *);
struct wg_peer	*wg_peer_lookup(const struct wg_local *,
		    const uint8_t pub[WG_KEY_LEN]);
void		*wg_peer_arg(const struct wg_peer *);
void		 wg_peer_pubkey(const struct wg_peer *, uint8_t[WG_KEY_LEN]);
/* Replaces the PSK (NULL: none); takes effect at the next handshake. */
void		 wg_peer_set_psk(struct wg_peer *, const uint8_t *psk);
/* Whether the peer's PSK is psk (NULL: none), in constant time. */
int		 wg_peer_psk_equal(const struct wg_peer *, const uint8_t *psk);
/*
 * Persistent keepalive interval in seconds, 0 to disable; the first one
 * is due an interval after the last authenticated packet either way.
 */
void		 wg_peer_set_keepalive(struct wg_peer *, struct wg_time,
		    unsigned int);
/* CLOCK_REALTIME ns of the last completed handshake, 0 if none. */
uint64_t	 wg_peer_last_handshake(const struct wg_peer *);
/* Whether wg_send() would encrypt right now (a valid current keypair). */
int		 wg_peer_has_session(const struct wg_peer *, struct wg_time);

/*
 * Consumes one datagram of len bytes at buf from src, at time now.
 * Transport data is decrypted in place: res->data points into buf, and
 * buf is scratch even when the datagram is dropped.  src NULL counts as
 * an empty address (one shared cookie and rate-limit bucket).
 */
enum wg_rx	 wg_receive(struct wg_local *, struct wg_time now,
		    const struct wg_addr *src, uint8_t *buf, size_t len,
		    struct wg_result *res);

/*
 * Encrypts in place the len bytes of plaintext at buf +
 * WG_TRANSPORT_HEADER (len 0 is a keepalive); buf holds cap bytes, at
 * least WG_SEND_BUFLEN(len).  On WG_TX_OK, res->wire_len bytes at buf
 * are the datagram.  On WG_TX_NEED_HANDSHAKE, the caller queues the
 * packet and sends res->msg if any (an initiation, when the rate limit
 * of one per REKEY_TIMEOUT allows).  Either may carry an initiation.
 */
enum wg_tx	 wg_send(struct wg_peer *, struct wg_time now, uint8_t *buf,
		    size_t len, size_t cap, struct wg_result *res);

/*
 * Starts a handshake now: res->msg gets an initiation unless one was
 * sent less than REKEY_TIMEOUT ago; force ignores that limit (operator
 * request, tests).  Returns 0 when an initiation was produced.
 */
int		 wg_peer_initiate(struct wg_peer *, struct wg_time now,
		    int force, struct wg_result *res);

/* Monotonic ns of the peer's next timer, UINT64_MAX if none is armed. */
uint64_t	 wg_peer_next_deadline(const struct wg_peer *);
/* Runs the peer's timers due at now: retransmits, keepalives, expiry. */
void		 wg_peer_tick(struct wg_peer *, struct wg_time now,
		    struct wg_result *res);

/* Counters, by name, for display.  Returns how many were written. */
struct wg_stat {
	const char	*name;
	uint64_t	 value;
};
#define WG_STATS_MAX	48
size_t		 wg_local_stats(const struct wg_local *, struct wg_stat *,
		    size_t);
size_t		 wg_peer_stats(const struct wg_peer *, struct wg_stat *,
		    size_t);
/* The guard's: messages seen, given DH, times under load, under load now. */
size_t		 wg_guard_stats(const struct wg_guard *, uint64_t mono,
		    struct wg_stat *, size_t);
const char	*wg_drop_name(enum wg_drop);

/*
 * TEST HOOK, for regress only: sets the next sending counter of the
 * peer's current keypair, to reach REKEY/REJECT_AFTER_MESSAGES without
 * sending 2^60 packets.  Returns -1 when there is no current keypair.
 */
int		 wg_test_set_send_counter(struct wg_peer *, uint64_t);

#endif /* EG_WG_H */
