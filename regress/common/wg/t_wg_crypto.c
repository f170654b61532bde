/*
 * WireGuard primitives: HMAC-BLAKE2s and the KDF against Python's hmac
 * and hashlib (values below printed by
 *   hmac.new(bytes(range(32)), b"WireGuard HMAC test", hashlib.blake2s)
 * and the KDF chain written out by hand), keyed MAC, TAI64N, zero DH,
 * AEAD in place.
 */
#include <stdio.h>

#include "regress/lib/tap.h"
#include "wg/wg_crypto.h"
#include "wg_test.h"

static int
hexeq(const uint8_t *b, size_t len, const char *hex)
{
	char	buf[129];
	size_t	i;

	for (i = 0; i < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", b[i]);
	return strcmp(buf, hex) == 0;
}

int
main(void)
{
	static const char	msg[] = "WireGuard HMAC test";
	uint8_t			key[32], out[32], t1[32], t2[32], t3[32];
	uint8_t			ts[WG_TIMESTAMP_LEN], ts2[WG_TIMESTAMP_LEN];
	uint8_t			zero[32], buf[WG_SEND_BUFLEN(100)];
	uint8_t			priv[32], pub[32];
	size_t			i;

	if (sodium_init() < 0)
		return 1;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	wg_hmac(out, key, msg, strlen(msg));
	ok(hexeq(out, 32, "9826477d736cfb8534349d0b3ca80491"
	    "4a788554527ea0ca7f7f5a39a60b460f"), "HMAC-BLAKE2s");
	wg_kdf(t1, t2, t3, key, msg, strlen(msg));
	ok(hexeq(t1, 32, "757a4988bb8618ee8455bd3bf7b9f0d1"
	    "ff0d6998f42217d8d64a40b5fada0b8d"), "KDF T1");
	ok(hexeq(t2, 32, "6c295335234e69ec3378bde437178565"
	    "eb9845c8efc1aedaf0271def79bb4fda"), "KDF T2");
	ok(hexeq(t3, 32, "99f535a14620be96d7c1d88964a31f79"
	    "bbbc553a2390cdbc0c4c92172ea8262f"), "KDF T3");
	memcpy(out, key, 32);
	wg_kdf(out, NULL, NULL, out, msg, strlen(msg));
	ok(memcmp(out, t1, 32) == 0, "KDF1 in place over its key");
	wg_mac(out, key, 32, msg, strlen(msg));
	ok(hexeq(out, 16, "b396cebddabe6c91e54e01b821a1c770"),
	    "MAC: keyed BLAKE2s with a 16-byte digest");

	wg_tai64n(ts, 1700000000ULL * WG_SEC + 123456789);
	ok(hexeq(ts, 12, "400000006553f10a07000000"),
	    "TAI64N: 2^62 + 10 + s, ns rounded down to 2^24");
	wg_tai64n(ts2, 1700000000ULL * WG_SEC + 123456789 + 20000000);
	ok(memcmp(ts2, ts, sizeof(ts)) > 0, "20 ms later compares greater");

	memset(zero, 0, sizeof(zero));
	memset(priv, 0x33, sizeof(priv));
	ok(wg_dh(out, priv, zero) == -1 && sodium_is_zero(out, 32),
	    "DH with a low-order point is refused and leaves zeros");
	ok(wg_pubkey(pub, priv) == 0 && wg_dh(out, priv, pub) == 0,
	    "DH with a real key works");

	for (i = 0; i < 100; i++)
		buf[i] = (uint8_t)i;
	wg_aead_seal(buf, key, 7, buf, 100, NULL, 0);
	ok(wg_aead_open(buf, key, 7, buf, 116, NULL, 0) == 0 && buf[99] == 99,
	    "AEAD in place: seal then open");
	wg_aead_seal(buf, key, 7, buf, 100, NULL, 0);
	ok(wg_aead_open(buf, key, 8, buf, 116, NULL, 0) == -1,
	    "wrong counter: refused");
	ok(wg_aead_open(buf, key, 7, buf, 15, NULL, 0) == -1,
	    "shorter than a tag: refused");
	return tap_done();
}
