/*
 * Signed Manage API requests: see manageauth.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "manageauth.h"

#define MAUTH_SALT	"EtherGuard Manage API v1 "
#define MAUTH_CTX	"EG-Manage-v1\n"

int
mauth_key(uint8_t key[MAUTH_KEY_LEN], const char *call,
    const char *password)
{
	crypto_generichash_state	st;
	uint8_t				salt[crypto_pwhash_SALTBYTES];

	crypto_generichash_init(&st, NULL, 0, sizeof(salt));
	crypto_generichash_update(&st, (const uint8_t *)MAUTH_SALT,
	    strlen(MAUTH_SALT));
	crypto_generichash_update(&st, (const uint8_t *)call, strlen(call));
	crypto_generichash_final(&st, salt, sizeof(salt));
	return crypto_pwhash(key, MAUTH_KEY_LEN, password, strlen(password),
	    salt, MAUTH_OPSLIMIT, MAUTH_MEMLIMIT,
	    crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
}

int
mauth_header(char *out, size_t outlen, const uint8_t key[MAUTH_KEY_LEN],
    const char *method, const char *path_query, int64_t ts_ms,
    const uint8_t *body, size_t bodylen)
{
	uint8_t	mac[EDGEAPI_HASH_LEN];
	char	b64[EDGEAPI_MAC_B64_LEN + 1];
	int	n;

	edgeapi_request_mac(mac, key, MAUTH_CTX, method, path_query, ts_ms,
	    body, bodylen);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac),
	    sodium_base64_VARIANT_ORIGINAL);
	n = snprintf(out, outlen, "v1 %" PRId64 " %s", ts_ms, b64);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int
mauth_parse(const char *hdr, int64_t *ts_ms, uint8_t mac[EDGEAPI_HASH_LEN])
{
	const char	*p = hdr + 3, *sp;
	int64_t		 ts = 0;
	size_t		 binlen;

	/* Exactly "v1 <1 to 15 digits> <44 base64 characters>". */
	if (strncmp(hdr, "v1 ", 3) != 0 || (sp = strchr(p, ' ')) == NULL ||
	    sp == p || sp - p > 15 || strlen(sp + 1) != EDGEAPI_MAC_B64_LEN)
		return -1;
	for (; p < sp; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		ts = ts * 10 + (*p - '0');
	}
	if (ts <= 0 || sodium_base642bin(mac, EDGEAPI_HASH_LEN, sp + 1,
	    EDGEAPI_MAC_B64_LEN, NULL, &binlen, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || binlen != EDGEAPI_HASH_LEN)
		return -1;
	*ts_ms = ts;
	return 0;
}

int
mauth_verify(const uint8_t key[MAUTH_KEY_LEN],
    const uint8_t mac[EDGEAPI_HASH_LEN], const char *method,
    const char *path_query, int64_t ts_ms, const uint8_t *body,
    size_t bodylen)
{
	uint8_t	want[EDGEAPI_HASH_LEN];
	int	rv;

	edgeapi_request_mac(want, key, MAUTH_CTX, method, path_query, ts_ms,
	    body, bodylen);
	rv = sodium_memcmp(want, mac, EDGEAPI_HASH_LEN) == 0 ? 0 : -1;
	sodium_memzero(want, sizeof(want));
	return rv;
}
