/*
 * WireGuard's cryptographic constructions on libb2 and libsodium.
 */
#include <string.h>

#include <blake2.h>
#include <sodium.h>

#include "wg_crypto.h"

#define BLAKE2S_BLOCK	64

void
wg_hash2(uint8_t out[WG_HASH_LEN], const void *a, size_t alen, const void *b,
    size_t blen)
{
	blake2s_state	s;

	blake2s_init(&s, WG_HASH_LEN);
	if (alen > 0)
		blake2s_update(&s, a, alen);
	if (blen > 0)
		blake2s_update(&s, b, blen);
	blake2s_final(&s, out, WG_HASH_LEN);
	sodium_memzero(&s, sizeof(s));
}

void
wg_mac(uint8_t out[WG_MAC_LEN], const uint8_t *key, size_t keylen,
    const void *in, size_t inlen)
{
	blake2s_state	s;

	blake2s_init_key(&s, WG_MAC_LEN, key, keylen);
	if (inlen > 0)
		blake2s_update(&s, in, inlen);
	blake2s_final(&s, out, WG_MAC_LEN);
	sodium_memzero(&s, sizeof(s));
}

void
wg_hmac(uint8_t out[WG_HASH_LEN], const uint8_t key[WG_HASH_LEN],
    const void *in, size_t inlen)
{
	blake2s_state	s;
	uint8_t		pad[BLAKE2S_BLOCK];
	uint8_t		inner[WG_HASH_LEN];
	size_t		i;

	memset(pad, 0, sizeof(pad));
	memcpy(pad, key, WG_HASH_LEN);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	blake2s_init(&s, WG_HASH_LEN);
	blake2s_update(&s, pad, sizeof(pad));
	if (inlen > 0)
		blake2s_update(&s, in, inlen);
	blake2s_final(&s, inner, WG_HASH_LEN);

	/* 0x36 ^ 0x5c turns the inner pad into the outer one. */
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	blake2s_init(&s, WG_HASH_LEN);
	blake2s_update(&s, pad, sizeof(pad));
	blake2s_update(&s, inner, sizeof(inner));
	blake2s_final(&s, out, WG_HASH_LEN);

	sodium_memzero(&s, sizeof(s));
	sodium_memzero(pad, sizeof(pad));
	sodium_memzero(inner, sizeof(inner));
}

void
wg_kdf(uint8_t *t1, uint8_t *t2, uint8_t *t3, const uint8_t ck[WG_HASH_LEN],
    const void *in, size_t inlen)
{
	uint8_t	prk[WG_HASH_LEN];
	uint8_t	buf[WG_HASH_LEN + 1];
	uint8_t	*outs[3];
	size_t	i, n;

	outs[0] = t1;
	outs[1] = t2;
	outs[2] = t3;
	wg_hmac(prk, ck, in, inlen);

	/* T(i) = HMAC(prk, T(i-1) || i), T(0) empty. */
	n = 0;
	for (i = 0; i < 3 && outs[i] != NULL; i++) {
		buf[n] = (uint8_t)(i + 1);
		wg_hmac(buf, prk, buf, n + 1);
		memcpy(outs[i], buf, WG_HASH_LEN);
		n = WG_HASH_LEN;
	}
	sodium_memzero(prk, sizeof(prk));
	sodium_memzero(buf, sizeof(buf));
}

int
wg_dh(uint8_t out[WG_KEY_LEN], const uint8_t priv[WG_KEY_LEN],
    const uint8_t pub[WG_KEY_LEN])
{
	if (crypto_scalarmult(out, priv, pub) != 0 ||
	    sodium_is_zero(out, WG_KEY_LEN)) {
		sodium_memzero(out, WG_KEY_LEN);
		return -1;
	}
	return 0;
}

int
wg_pubkey(uint8_t pub[WG_KEY_LEN], const uint8_t priv[WG_KEY_LEN])
{
	return crypto_scalarmult_base(pub, priv) == 0 ? 0 : -1;
}

void
wg_clamp(uint8_t key[WG_KEY_LEN])
{
	key[0] &= 248;
	key[31] = (key[31] & 127) | 64;
}

static void
wg_nonce(uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES],
    uint64_t counter)
{
	memset(nonce, 0, 4);
	wg_le64enc(nonce + 4, counter);
}

void
wg_aead_seal(uint8_t *dst, const uint8_t key[WG_KEY_LEN], uint64_t counter,
    const uint8_t *pt, size_t len, const uint8_t *ad, size_t adlen)
{
	uint8_t	nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];

	wg_nonce(nonce, counter);
	crypto_aead_chacha20poly1305_ietf_encrypt_detached(dst, dst + len,
	    NULL, pt, len, ad, adlen, NULL, nonce, key);
}

int
wg_aead_open(uint8_t *dst, const uint8_t key[WG_KEY_LEN], uint64_t counter,
    const uint8_t *ct, size_t ctlen, const uint8_t *ad, size_t adlen)
{
	uint8_t	nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];

	if (ctlen < WG_TAG_LEN)
		return -1;
	wg_nonce(nonce, counter);
	return crypto_aead_chacha20poly1305_ietf_decrypt_detached(dst, NULL,
	    ct, ctlen - WG_TAG_LEN, ct + ctlen - WG_TAG_LEN, ad, adlen, nonce,
	    key) == 0 ? 0 : -1;
}

void
wg_xaead_seal(uint8_t *dst, const uint8_t key[WG_KEY_LEN],
    const uint8_t nonce[WG_COOKIE_NONCE_LEN], const uint8_t *pt, size_t len,
    const uint8_t *ad, size_t adlen)
{
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(dst, dst + len,
	    NULL, pt, len, ad, adlen, NULL, nonce, key);
}

int
wg_xaead_open(uint8_t *dst, const uint8_t key[WG_KEY_LEN],
    const uint8_t nonce[WG_COOKIE_NONCE_LEN], const uint8_t *ct, size_t ctlen,
    const uint8_t *ad, size_t adlen)
{
	if (ctlen < WG_TAG_LEN)
		return -1;
	return crypto_aead_xchacha20poly1305_ietf_decrypt_detached(dst, NULL,
	    ct, ctlen - WG_TAG_LEN, ct + ctlen - WG_TAG_LEN, ad, adlen, nonce,
	    key) == 0 ? 0 : -1;
}

void
wg_tai64n(uint8_t out[WG_TIMESTAMP_LEN], uint64_t wall_ns)
{
	uint64_t	sec = 0x400000000000000aULL + wall_ns / WG_SEC;
	uint32_t	nsec = (uint32_t)(wall_ns % WG_SEC) & ~((1U << 24) - 1);
	int		i;

	/* TAI64 labels are big endian: 2^62 + 10 + seconds, then ns. */
	for (i = 0; i < 8; i++)
		out[i] = (uint8_t)(sec >> (56 - 8 * i));
	for (i = 0; i < 4; i++)
		out[8 + i] = (uint8_t)(nsec >> (24 - 8 * i));
}

void
wg_rng_bytes(const struct wg_rng *rng, void *buf, size_t len)
{
	rng->fn(rng->ctx, buf, len);
}

uint32_t
wg_rng_uniform(const struct wg_rng *rng, uint32_t bound)
{
	uint32_t	r, min;
	int		tries;

	/*
	 * Rejection sampling drops the values that would bias r % bound;
	 * the bound on tries keeps a broken source from hanging us.
	 */
	min = -bound % bound;
	tries = 0;
	do {
		wg_rng_bytes(rng, &r, sizeof(r));
	} while (r < min && ++tries < 16);
	return r % bound;
}
