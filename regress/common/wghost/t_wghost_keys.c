/*
 * wgh_key_check: a key no session can be made with (a low-order point,
 * whose X25519 is all zero) is refused by name before a reload commits;
 * a real key passes.
 */
#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "regress/lib/tap.h"
#include "wghost/wghost.h"

int
main(void)
{
	uint8_t	priv[WG_KEY_LEN], pub[WG_KEY_LEN], other[WG_KEY_LEN];
	uint8_t	zero[WG_KEY_LEN] = { 0 }, one[WG_KEY_LEN] = { 1 };
	char	why[160];

	if (sodium_init() == -1)
		return 1;
	randombytes_buf(priv, sizeof(priv));
	randombytes_buf(other, sizeof(other));
	crypto_scalarmult_base(pub, other);

	why[0] = '\0';
	ok(wgh_key_check(priv, pub, "Peers[0].PubKey", 2, why, sizeof(why))
	    == 0 && why[0] == '\0', "a real public key passes, says nothing");
	ok(wgh_key_check(priv, zero, "Peers[3].PubKey", 7, why,
	    sizeof(why)) == -1, "the all-zero key is refused");
	ok(strcmp(why, "Peers[3].PubKey: no session can be made with this "
	    "key (NodeID 7)") == 0, "the reason names the key and the node "
	    "(%s)", why);
	/* 1 is of order 4 on Curve25519: X25519 with it is all zero too. */
	ok(wgh_key_check(priv, one, "DynamicRoute.SuperNode.PubKeyV4", -1,
	    why, sizeof(why)) == -1 && strcmp(why, "DynamicRoute.SuperNode."
	    "PubKeyV4: no session can be made with this key") == 0,
	    "a low-order point is refused; no NodeID where none is given");
	tap_done();
}
