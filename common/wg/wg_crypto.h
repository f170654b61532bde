/*
 * The primitives of WireGuard (whitepaper section 5.4): HASH, MAC, HMAC
 * and KDF on BLAKE2s (libb2), DH on X25519 and the two AEADs (libsodium),
 * and TAI64N.  Every function is pure: no clock, no global state.
 */
#ifndef EG_WG_CRYPTO_H
#define EG_WG_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "wg.h"
#include "wg_msg.h"

/* The caller's source of randomness (wg_local_new()). */
struct wg_rng {
	wg_random_fn	 fn;
	void		*ctx;
};

void	 wg_rng_bytes(const struct wg_rng *, void *, size_t);
/* Uniform in [0, bound), bound > 0. */
uint32_t wg_rng_uniform(const struct wg_rng *, uint32_t bound);

/* HASH(a || b): BLAKE2s-256; b may be NULL with blen 0. */
void	wg_hash2(uint8_t out[WG_HASH_LEN], const void *a, size_t alen,
	    const void *b, size_t blen);

/* MAC(key, in): keyed BLAKE2s with a 16-byte digest. */
void	wg_mac(uint8_t out[WG_MAC_LEN], const uint8_t *key, size_t keylen,
	    const void *in, size_t inlen);

/* HMAC-BLAKE2s (RFC 2104, 64-byte blocks) with a 32-byte key. */
void	wg_hmac(uint8_t out[WG_HASH_LEN], const uint8_t key[WG_HASH_LEN],
	    const void *in, size_t inlen);

/*
 * KDF_n(ck, in) of the whitepaper: HKDF with HMAC-BLAKE2s.  Outputs are
 * written to t1, t2, t3 in order; a NULL output ends the list, so KDF1
 * passes (t1, NULL, NULL).  An output may alias ck.
 */
void	wg_kdf(uint8_t *t1, uint8_t *t2, uint8_t *t3,
	    const uint8_t ck[WG_HASH_LEN], const void *in, size_t inlen);

/* X25519; -1 when the result is all zeros (a low-order point). */
int	wg_dh(uint8_t out[WG_KEY_LEN], const uint8_t priv[WG_KEY_LEN],
	    const uint8_t pub[WG_KEY_LEN]);

/* Public key of priv; -1 when it is unusable. */
int	wg_pubkey(uint8_t pub[WG_KEY_LEN], const uint8_t priv[WG_KEY_LEN]);

/* Clamps 32 random bytes into an X25519 private key. */
void	wg_clamp(uint8_t key[WG_KEY_LEN]);

/*
 * AEAD: ChaCha20-Poly1305 (IETF) with the nonce 0^32 || le64(counter).
 * seal writes len + WG_TAG_LEN bytes; open reads ctlen bytes (tag
 * included) and writes ctlen - WG_TAG_LEN, returning -1 on a bad tag.
 * dst may equal the source (in place).
 */
void	wg_aead_seal(uint8_t *dst, const uint8_t key[WG_KEY_LEN],
	    uint64_t counter, const uint8_t *pt, size_t len,
	    const uint8_t *ad, size_t adlen);
int	wg_aead_open(uint8_t *dst, const uint8_t key[WG_KEY_LEN],
	    uint64_t counter, const uint8_t *ct, size_t ctlen,
	    const uint8_t *ad, size_t adlen);

/* XAEAD: XChaCha20-Poly1305 (IETF) with a 24-byte nonce; same shapes. */
void	wg_xaead_seal(uint8_t *dst, const uint8_t key[WG_KEY_LEN],
	    const uint8_t nonce[WG_COOKIE_NONCE_LEN], const uint8_t *pt,
	    size_t len, const uint8_t *ad, size_t adlen);
int	wg_xaead_open(uint8_t *dst, const uint8_t key[WG_KEY_LEN],
	    const uint8_t nonce[WG_COOKIE_NONCE_LEN], const uint8_t *ct,
	    size_t ctlen, const uint8_t *ad, size_t adlen);

/*
 * TAI64N label of a CLOCK_REALTIME instant in ns since the epoch.  The
 * nanoseconds are rounded down to 2^24 ns, as WireGuard does, so that
 * the timestamp does not leak a precise clock.
 */
void	wg_tai64n(uint8_t out[WG_TIMESTAMP_LEN], uint64_t wall_ns);

#endif /* EG_WG_CRYPTO_H */
