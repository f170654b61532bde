/*
 * mac1, mac2 and cookies (whitepaper section 5.4.4 and 5.4.7).
 *
 * The checker is ours: it verifies mac1 (keyed by our public key) and
 * mac2 (keyed by a cookie we gave the source) of handshake messages we
 * receive, and makes cookie replies.  The maker is per peer: it adds
 * mac1/mac2 to the handshake messages we send to that peer and keeps the
 * last cookie the peer gave us.
 */
#ifndef EG_WG_COOKIE_H
#define EG_WG_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#include "wg.h"
#include "wg_crypto.h"
#include "wg_msg.h"

#define WG_LABEL_MAC1		"mac1----"
#define WG_LABEL_COOKIE		"cookie--"

struct cookie_checker {
	uint8_t		mac1_key[WG_HASH_LEN];	 /* HASH(label || our pub) */
	uint8_t		cookie_key[WG_KEY_LEN];	 /* encrypts our replies */
	uint8_t		secret[WG_HASH_LEN];	 /* rotated every 120 s */
	uint64_t	secret_birth;
	int		secret_valid;
};

struct cookie_maker {
	uint8_t		mac1_key[WG_HASH_LEN];	 /* HASH(label || peer pub) */
	uint8_t		cookie_key[WG_KEY_LEN];	 /* decrypts its replies */
	uint8_t		cookie[WG_COOKIE_LEN];
	uint64_t	cookie_birth;
	int		cookie_valid;
	uint8_t		last_mac1[WG_MAC_LEN];	 /* of our last message */
	int		have_last_mac1;
};

enum cookie_mac_state {
	COOKIE_MAC_INVALID,		/* mac1 wrong */
	COOKIE_MAC_VALID,		/* mac1 right, mac2 absent or wrong */
	COOKIE_MAC_VALID_COOKIE		/* both right */
};

void	cookie_checker_init(struct cookie_checker *,
	    const uint8_t pub[WG_KEY_LEN]);
void	cookie_checker_wipe(struct cookie_checker *);
/*
 * Checks mac1 of a handshake message of len bytes (macs at its end) and,
 * when check_mac2, its mac2 against the cookie of src.
 */
enum cookie_mac_state cookie_checker_validate(struct cookie_checker *,
	    const uint8_t *msg, size_t len, const struct wg_addr *src,
	    uint64_t now, int check_mac2, const struct wg_rng *);
/* Whether msg's mac2 was made with the cookie src was given. */
int	cookie_checker_mac2(struct cookie_checker *, const uint8_t *msg,
	    size_t len, const struct wg_addr *src, uint64_t now,
	    const struct wg_rng *);
/* Fills a cookie reply to the handshake message msg (len bytes) from src. */
void	cookie_checker_create_reply(struct cookie_checker *,
	    struct wg_msg_cookie *, uint32_t receiver, const uint8_t *msg,
	    size_t len, const struct wg_addr *src, uint64_t now,
	    const struct wg_rng *);

void	cookie_maker_init(struct cookie_maker *,
	    const uint8_t pub[WG_KEY_LEN]);
void	cookie_maker_wipe(struct cookie_maker *);
/* Writes mac1 and mac2 (zeros without a fresh cookie) of msg. */
void	cookie_maker_add_macs(struct cookie_maker *, uint8_t *msg,
	    size_t len, uint64_t now);
/* Stores the cookie of a reply to our last message; -1 if it is not. */
int	cookie_maker_consume_reply(struct cookie_maker *,
	    const struct wg_msg_cookie *, uint64_t now);

#endif /* EG_WG_COOKIE_H */
