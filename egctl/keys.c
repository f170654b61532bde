/*
 * egctl genkey, pubkey and genpsk: keys in the configs' form (base64 of
 * 32 bytes), as wg(8) makes them, so that either tool's keys serve the
 * other.  A private key is a clamped Curve25519 scalar.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "egctl.h"

#define KEY_B64_LEN	44	/* base64 of 32 bytes, padded */

static int
put_key(const uint8_t key[32])
{
	char	b64[KEY_B64_LEN + 1];

	sodium_bin2base64(b64, sizeof(b64), key, 32,
	    sodium_base64_VARIANT_ORIGINAL);
	if (printf("%s\n", b64) < 0 || fflush(stdout) == EOF) {
		sodium_memzero(b64, sizeof(b64));
		perror("egctl: stdout");
		return 1;
	}
	sodium_memzero(b64, sizeof(b64));
	return 0;
}

void
keys_fresh(uint8_t key[32], int clamp)
{
	randombytes_buf(key, 32);
	if (clamp) {
		key[0] &= 248;
		key[31] &= 127;
		key[31] |= 64;
	}
}

static int
put_fresh(int clamp)
{
	uint8_t	key[32];
	int	rv;

	if (sodium_init() == -1) {
		fprintf(stderr, "egctl: libsodium does not start\n");
		return 1;
	}
	keys_fresh(key, clamp);
	rv = put_key(key);
	sodium_memzero(key, sizeof(key));
	return rv;
}

int
keys_genkey(void)
{
	return put_fresh(1);
}

int
keys_genpsk(void)
{
	return put_fresh(0);
}

/* A private key on stdin (one line, spaces around it allowed). */
int
keys_pubkey(void)
{
	char	line[256], *s, *e;
	uint8_t	priv[32], pub[32];
	size_t	binlen;
	int	rv = 1;

	if (sodium_init() == -1) {
		fprintf(stderr, "egctl: libsodium does not start\n");
		return 1;
	}
	if (fgets(line, sizeof(line), stdin) == NULL) {
		fprintf(stderr, "egctl pubkey: no private key on stdin\n");
		return 1;
	}
	for (s = line; isspace((unsigned char)*s); s++)
		;
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';
	if (strlen(s) != KEY_B64_LEN || sodium_base642bin(priv, sizeof(priv),
	    s, strlen(s), NULL, &binlen, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || binlen != 32) {
		fprintf(stderr, "egctl pubkey: not a key (base64 of 32 "
		    "bytes)\n");
		goto done;
	}
	/* As the WireGuard sessions will use it: clamped. */
	if (crypto_scalarmult_base(pub, priv) != 0) {
		fprintf(stderr, "egctl pubkey: not a usable private key\n");
		goto done;
	}
	rv = put_key(pub);
done:
	sodium_memzero(line, sizeof(line));
	sodium_memzero(priv, sizeof(priv));
	return rv;
}

/* A password of 24 characters a shell or a URL takes as they are. */
void
keys_password(char out[25])
{
	static const char	set[] = "abcdefghijkmnpqrstuvwxyz"
				    "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	size_t			i;

	for (i = 0; i < 24; i++)
		out[i] = set[randombytes_uniform(sizeof(set) - 1)];
	out[24] = '\0';
}
