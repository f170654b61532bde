/*
 * WireGuard wire format (whitepaper section 5.4) and protocol constants
 * (section 6).  Every multi-byte integer on the wire is little endian;
 * the structs below are byte arrays only, so they have no padding and
 * may overlay any buffer whatever its alignment.
 */
#ifndef EG_WG_MSG_H
#define EG_WG_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define WG_MSG_INITIATION	1
#define WG_MSG_RESPONSE		2
#define WG_MSG_COOKIE		3
#define WG_MSG_TRANSPORT	4

#define WG_KEY_LEN		32	/* X25519 keys, symmetric keys, PSK */
#define WG_HASH_LEN		32	/* BLAKE2s-256 */
#define WG_MAC_LEN		16	/* keyed BLAKE2s-128 */
#define WG_COOKIE_LEN		16
#define WG_TAG_LEN		16	/* Poly1305 */
#define WG_TIMESTAMP_LEN	12	/* TAI64N */
#define WG_COOKIE_NONCE_LEN	24	/* XChaCha20-Poly1305 */

#define WG_INITIATION_LEN	148
#define WG_RESPONSE_LEN		92
#define WG_COOKIE_REPLY_LEN	64
#define WG_TRANSPORT_HEADER	16	/* type, receiver, counter */
#define WG_TRANSPORT_MIN	(WG_TRANSPORT_HEADER + WG_TAG_LEN)
#define WG_PAD_MULTIPLE		16
#define WG_HANDSHAKE_MAX	WG_INITIATION_LEN	/* largest non-data */

/* Message 1, initiator to responder. */
struct wg_msg_initiation {
	uint8_t	type[4];
	uint8_t	sender[4];
	uint8_t	ephemeral[WG_KEY_LEN];
	uint8_t	enc_static[WG_KEY_LEN + WG_TAG_LEN];
	uint8_t	enc_timestamp[WG_TIMESTAMP_LEN + WG_TAG_LEN];
	uint8_t	mac1[WG_MAC_LEN];
	uint8_t	mac2[WG_MAC_LEN];
};

/* Message 2, responder to initiator. */
struct wg_msg_response {
	uint8_t	type[4];
	uint8_t	sender[4];
	uint8_t	receiver[4];
	uint8_t	ephemeral[WG_KEY_LEN];
	uint8_t	enc_empty[WG_TAG_LEN];
	uint8_t	mac1[WG_MAC_LEN];
	uint8_t	mac2[WG_MAC_LEN];
};

/* Message 3, answers a handshake message while under load. */
struct wg_msg_cookie {
	uint8_t	type[4];
	uint8_t	receiver[4];
	uint8_t	nonce[WG_COOKIE_NONCE_LEN];
	uint8_t	enc_cookie[WG_COOKIE_LEN + WG_TAG_LEN];
};

/* Message 4 header; ciphertext and tag follow. */
struct wg_msg_transport {
	uint8_t	type[4];
	uint8_t	receiver[4];
	uint8_t	counter[8];
};

_Static_assert(sizeof(struct wg_msg_initiation) == WG_INITIATION_LEN,
    "initiation size");
_Static_assert(sizeof(struct wg_msg_response) == WG_RESPONSE_LEN,
    "response size");
_Static_assert(sizeof(struct wg_msg_cookie) == WG_COOKIE_REPLY_LEN,
    "cookie reply size");
_Static_assert(sizeof(struct wg_msg_transport) == WG_TRANSPORT_HEADER,
    "transport header size");

/* mac1 covers the message up to mac1, mac2 up to mac2 (section 5.4.4). */
#define WG_MAC1_OFF(len)	((len) - 2 * WG_MAC_LEN)
#define WG_MAC2_OFF(len)	((len) - WG_MAC_LEN)

/* Section 6.1: limits on messages and time, in messages and seconds. */
#define WG_REKEY_AFTER_MESSAGES		(1ULL << 60)
#define WG_REJECT_AFTER_MESSAGES	(UINT64_MAX - (1ULL << 13))
#define WG_SEC				1000000000ULL
#define WG_REKEY_AFTER_TIME		(120 * WG_SEC)
#define WG_REJECT_AFTER_TIME		(180 * WG_SEC)
#define WG_REKEY_ATTEMPT_TIME		(90 * WG_SEC)
#define WG_REKEY_TIMEOUT		(5 * WG_SEC)
#define WG_REKEY_TIMEOUT_JITTER_MS	334	/* jitter is 0..333 ms */
#define WG_KEEPALIVE_TIMEOUT		(10 * WG_SEC)
#define WG_MAX_TIMER_HANDSHAKES		(90 / 5)
#define WG_COOKIE_SECRET_MAX_AGE	(120 * WG_SEC)
#define WG_COOKIE_VALID_TIME		(120 * WG_SEC)
#define WG_INITIATIONS_PER_SECOND	50

static inline uint32_t
wg_le32dec(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline void
wg_le32enc(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static inline uint64_t
wg_le64dec(const uint8_t *p)
{
	return (uint64_t)wg_le32dec(p) | (uint64_t)wg_le32dec(p + 4) << 32;
}

static inline void
wg_le64enc(uint8_t *p, uint64_t v)
{
	wg_le32enc(p, (uint32_t)v);
	wg_le32enc(p + 4, (uint32_t)(v >> 32));
}

#endif /* EG_WG_MSG_H */
