/*
 * Whether a peer's key can ever make a session: checked by both engines
 * before they commit a config, so that a reload naming such a key is
 * refused instead of leaving a peer that can never come up.
 */
#include <sys/types.h>

#include <stdio.h>

#include <sodium.h>

#include "wghost.h"

int
wgh_key_check(const uint8_t priv[WG_KEY_LEN], const uint8_t pub[WG_KEY_LEN],
    const char *path, int node_id, char *why, size_t len)
{
	uint8_t	ss[crypto_scalarmult_BYTES];
	int	r;

	/* X25519 with a low-order point is all zero: libsodium says -1. */
	r = crypto_scalarmult(ss, priv, pub);
	sodium_memzero(ss, sizeof(ss));
	if (r == 0)
		return 0;
	if (node_id >= 0)
		snprintf(why, len, "%s: no session can be made with this key "
		    "(NodeID %d)", path, node_id);
	else
		snprintf(why, len, "%s: no session can be made with this key",
		    path);
	return -1;
}
