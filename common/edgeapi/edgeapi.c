/*
 * EdgeAPI security: see edgeapi.h and doc/super-internals.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "edgeapi.h"

#define EDGEAPI_LABEL	"EtherGuard EdgeAPI v1"
#define EDGEAPI_CTX	"EG-EdgeAPI-v1\n"
#define EDGEAPI_PAIR	"EtherGuard inter-edge PSK v1"

int
edgeapi_key(uint8_t key[EDGEAPI_KEY_LEN], const uint8_t priv[32],
    const uint8_t pub[32], const uint8_t *psk)
{
	crypto_generichash_state	st;
	uint8_t				dh[crypto_scalarmult_BYTES];
	uint8_t				zero[32] = { 0 };

	if (crypto_scalarmult(dh, priv, pub) != 0)
		return -1;
	crypto_generichash_init(&st, dh, sizeof(dh), EDGEAPI_KEY_LEN);
	crypto_generichash_update(&st, (const uint8_t *)EDGEAPI_LABEL,
	    strlen(EDGEAPI_LABEL));
	crypto_generichash_update(&st, psk != NULL ? psk : zero, 32);
	crypto_generichash_final(&st, key, EDGEAPI_KEY_LEN);
	sodium_memzero(dh, sizeof(dh));
	sodium_memzero(&st, sizeof(st));
	return 0;
}

void
edgeapi_body_hash(uint8_t out[EDGEAPI_HASH_LEN], const uint8_t *body,
    size_t bodylen)
{
	crypto_generichash(out, EDGEAPI_HASH_LEN, body, bodylen, NULL, 0);
}

void
edgeapi_request_mac_hashed(uint8_t mac[EDGEAPI_HASH_LEN],
    const uint8_t key[EDGEAPI_KEY_LEN], const char *ctx, const char *method,
    const char *path_query, int64_t ts_ms,
    const uint8_t bodyhash[EDGEAPI_HASH_LEN])
{
	crypto_generichash_state	st;
	char				ts[32];

	snprintf(ts, sizeof(ts), "%" PRId64, ts_ms);
	crypto_generichash_init(&st, key, EDGEAPI_KEY_LEN, EDGEAPI_HASH_LEN);
	crypto_generichash_update(&st, (const uint8_t *)ctx, strlen(ctx));
	crypto_generichash_update(&st, (const uint8_t *)method,
	    strlen(method));
	crypto_generichash_update(&st, (const uint8_t *)"\n", 1);
	crypto_generichash_update(&st, (const uint8_t *)path_query,
	    strlen(path_query));
	crypto_generichash_update(&st, (const uint8_t *)"\n", 1);
	crypto_generichash_update(&st, (const uint8_t *)ts, strlen(ts));
	crypto_generichash_update(&st, (const uint8_t *)"\n", 1);
	crypto_generichash_update(&st, bodyhash, EDGEAPI_HASH_LEN);
	crypto_generichash_final(&st, mac, EDGEAPI_HASH_LEN);
	sodium_memzero(&st, sizeof(st));
}

void
edgeapi_request_mac(uint8_t mac[EDGEAPI_HASH_LEN],
    const uint8_t key[EDGEAPI_KEY_LEN], const char *ctx, const char *method,
    const char *path_query, int64_t ts_ms, const uint8_t *body,
    size_t bodylen)
{
	uint8_t	bodyhash[EDGEAPI_HASH_LEN];

	edgeapi_body_hash(bodyhash, body, bodylen);
	edgeapi_request_mac_hashed(mac, key, ctx, method, path_query, ts_ms,
	    bodyhash);
}

static void
edgeapi_mac(uint8_t mac[EDGEAPI_HASH_LEN], const uint8_t key[EDGEAPI_KEY_LEN],
    const char *method, const char *path_query, int64_t ts_ms,
    const uint8_t *body, size_t bodylen)
{
	edgeapi_request_mac(mac, key, EDGEAPI_CTX, method, path_query, ts_ms,
	    body, bodylen);
}

void
edgeapi_sign(uint8_t mac[EDGEAPI_HASH_LEN], const uint8_t key[EDGEAPI_KEY_LEN],
    const char *method, const char *path_query, int64_t ts_ms,
    const uint8_t bodyhash[EDGEAPI_HASH_LEN])
{
	edgeapi_request_mac_hashed(mac, key, EDGEAPI_CTX, method, path_query,
	    ts_ms, bodyhash);
}

int
edgeapi_auth_header_mac(char *out, size_t outlen, uint16_t node_id,
    int64_t ts_ms, const uint8_t mac[EDGEAPI_HASH_LEN])
{
	char	b64[EDGEAPI_MAC_B64_LEN + 1];
	int	n;

	sodium_bin2base64(b64, sizeof(b64), mac, EDGEAPI_HASH_LEN,
	    sodium_base64_VARIANT_ORIGINAL);
	n = snprintf(out, outlen, "v1 %u %" PRId64 " %s", node_id, ts_ms,
	    b64);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int
edgeapi_auth_header(char *out, size_t outlen,
    const uint8_t key[EDGEAPI_KEY_LEN], uint16_t node_id, const char *method,
    const char *path_query, int64_t ts_ms, const uint8_t *body,
    size_t bodylen)
{
	uint8_t	mac[EDGEAPI_HASH_LEN];

	edgeapi_mac(mac, key, method, path_query, ts_ms, body, bodylen);
	return edgeapi_auth_header_mac(out, outlen, node_id, ts_ms, mac);
}

int
edgeapi_auth_parse(const char *hdr, uint16_t *node_id, int64_t *ts_ms,
    uint8_t mac[EDGEAPI_HASH_LEN])
{
	char		b64[EDGEAPI_MAC_B64_LEN + 2];
	unsigned long	id;
	long long	ts;
	size_t		binlen;
	int		consumed = 0;

	if (strncmp(hdr, "v1 ", 3) != 0)
		return -1;
	/* Exactly "v1 <id> <ts> <44 base64 chars>". */
	if (sscanf(hdr + 3, "%5lu %19lld %45s%n", &id, &ts, b64, &consumed) !=
	    3 || hdr[3 + consumed] != '\0' || id > 65535 || ts <= 0 ||
	    strlen(b64) != EDGEAPI_MAC_B64_LEN)
		return -1;
	if (sodium_base642bin(mac, EDGEAPI_HASH_LEN, b64, strlen(b64), NULL,
	    &binlen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    binlen != EDGEAPI_HASH_LEN)
		return -1;
	*node_id = (uint16_t)id;
	*ts_ms = ts;
	return 0;
}

int
edgeapi_verify_hashed(const uint8_t key[EDGEAPI_KEY_LEN],
    const uint8_t mac[EDGEAPI_HASH_LEN], const char *method,
    const char *path_query, int64_t ts_ms,
    const uint8_t bodyhash[EDGEAPI_HASH_LEN])
{
	uint8_t	want[EDGEAPI_HASH_LEN];
	int	rv;

	edgeapi_request_mac_hashed(want, key, EDGEAPI_CTX, method, path_query,
	    ts_ms, bodyhash);
	rv = sodium_memcmp(want, mac, EDGEAPI_HASH_LEN) == 0 ? 0 : -1;
	sodium_memzero(want, sizeof(want));
	return rv;
}

int
edgeapi_verify(const uint8_t key[EDGEAPI_KEY_LEN],
    const uint8_t mac[EDGEAPI_HASH_LEN], const char *method,
    const char *path_query, int64_t ts_ms, const uint8_t *body,
    size_t bodylen)
{
	uint8_t	bodyhash[EDGEAPI_HASH_LEN];

	edgeapi_body_hash(bodyhash, body, bodylen);
	return edgeapi_verify_hashed(key, mac, method, path_query, ts_ms,
	    bodyhash);
}

/*
 * Associated data of a sealed answer: the request it answers, whole
 * however long its path is (cut, two requests alike up to the cut
 * would take each other's answers).  In buf if it fits, else malloc'ed
 * into *heap; NULL if there is no memory.
 */
static const char *
edgeapi_ad(char *buf, size_t bufsz, char **heap, size_t *lenp,
    const char *path_query, int64_t ts_ms)
{
	int	n;

	*heap = NULL;
	n = snprintf(buf, bufsz, "%s%s\n%" PRId64, EDGEAPI_CTX, path_query,
	    ts_ms);
	if (n < 0)
		return NULL;
	*lenp = (size_t)n;
	if ((size_t)n < bufsz)
		return buf;
	if ((*heap = malloc((size_t)n + 1)) == NULL)
		return NULL;
	snprintf(*heap, (size_t)n + 1, "%s%s\n%" PRId64, EDGEAPI_CTX,
	    path_query, ts_ms);
	return *heap;
}

int
edgeapi_seal_key(uint8_t kreq[EDGEAPI_KEY_LEN],
    const uint8_t key[EDGEAPI_KEY_LEN], const char *path_query, int64_t ts_ms)
{
	char		 buf[512], *heap;
	const char	*ad;
	size_t		 adlen;

	if ((ad = edgeapi_ad(buf, sizeof(buf), &heap, &adlen, path_query,
	    ts_ms)) == NULL)
		return -1;
	crypto_generichash(kreq, EDGEAPI_KEY_LEN, (const uint8_t *)ad, adlen,
	    key, EDGEAPI_KEY_LEN);
	free(heap);
	return 0;
}

int
edgeapi_seal_with(uint8_t *out, const uint8_t kreq[EDGEAPI_KEY_LEN],
    const char *path_query, int64_t ts_ms, const uint8_t *plain, size_t len)
{
	char		 buf[512], *heap;
	const char	*ad;
	size_t		 adlen;

	if ((ad = edgeapi_ad(buf, sizeof(buf), &heap, &adlen, path_query,
	    ts_ms)) == NULL)
		return -1;
	randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out +
	    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, NULL, plain, len,
	    (const uint8_t *)ad, adlen, NULL, out, kreq);
	free(heap);
	return 0;
}

int
edgeapi_seal(uint8_t *out, const uint8_t key[EDGEAPI_KEY_LEN],
    const char *path_query, int64_t ts_ms, const uint8_t *plain, size_t len)
{
	uint8_t	kreq[EDGEAPI_KEY_LEN];
	int	rc;

	if (edgeapi_seal_key(kreq, key, path_query, ts_ms) == -1)
		return -1;
	rc = edgeapi_seal_with(out, kreq, path_query, ts_ms, plain, len);
	sodium_memzero(kreq, sizeof(kreq));
	return rc;
}

int
edgeapi_open_with(uint8_t *plain, const uint8_t kreq[EDGEAPI_KEY_LEN],
    const char *path_query, int64_t ts_ms, const uint8_t *sealed, size_t len)
{
	char		 buf[512], *heap;
	const char	*ad;
	size_t		 adlen;
	int		 rc;

	if (len < EDGEAPI_SEAL_OVERHEAD || (ad = edgeapi_ad(buf, sizeof(buf),
	    &heap, &adlen, path_query, ts_ms)) == NULL)
		return -1;
	rc = crypto_aead_xchacha20poly1305_ietf_decrypt(plain, NULL, NULL,
	    sealed + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	    len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	    (const uint8_t *)ad, adlen, sealed, kreq) == 0 ? 0 : -1;
	free(heap);
	return rc;
}

int
edgeapi_open(uint8_t *plain, const uint8_t key[EDGEAPI_KEY_LEN],
    const char *path_query, int64_t ts_ms, const uint8_t *sealed, size_t len)
{
	uint8_t	kreq[EDGEAPI_KEY_LEN];
	int	rc;

	if (edgeapi_seal_key(kreq, key, path_query, ts_ms) == -1)
		return -1;
	rc = edgeapi_open_with(plain, kreq, path_query, ts_ms, sealed, len);
	sodium_memzero(kreq, sizeof(kreq));
	return rc;
}

void
edgeapi_state_hash(uint8_t out[EDGEAPI_HASH_LEN], const void *doc, size_t len)
{
	crypto_generichash(out, EDGEAPI_HASH_LEN, doc, len, NULL, 0);
}

void
edgeapi_hash_hex(char out[2 * EDGEAPI_HASH_LEN + 1],
    const uint8_t hash[EDGEAPI_HASH_LEN])
{
	sodium_bin2hex(out, 2 * EDGEAPI_HASH_LEN + 1, hash, EDGEAPI_HASH_LEN);
}

int
edgeapi_hash_unhex(uint8_t hash[EDGEAPI_HASH_LEN], const char *hex)
{
	size_t	binlen;

	if (strlen(hex) != 2 * EDGEAPI_HASH_LEN)
		return -1;
	if (sodium_hex2bin(hash, EDGEAPI_HASH_LEN, hex, strlen(hex), NULL,
	    &binlen, NULL) != 0 || binlen != EDGEAPI_HASH_LEN)
		return -1;
	return 0;
}

void
edgeapi_pair_psk(uint8_t psk[32], const uint8_t seed[32], uint16_t a,
    uint16_t b)
{
	crypto_generichash_state	st;
	uint8_t				ids[4];
	uint16_t			lo = a < b ? a : b, hi = a < b ? b : a;

	ids[0] = lo >> 8;
	ids[1] = lo & 0xff;
	ids[2] = hi >> 8;
	ids[3] = hi & 0xff;
	crypto_generichash_init(&st, seed, 32, 32);
	crypto_generichash_update(&st, (const uint8_t *)EDGEAPI_PAIR,
	    strlen(EDGEAPI_PAIR));
	crypto_generichash_update(&st, ids, sizeof(ids));
	crypto_generichash_final(&st, psk, 32);
	sodium_memzero(&st, sizeof(st));
}
