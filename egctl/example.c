/*
 * egctl example edge|super: a commented config that loads and starts as
 * printed, with fresh keys (and, for the supernode, fresh passwords), for
 * a user to copy and grow (egctl.8, EXAMPLES).  The keys not given have
 * their defaults: eg.conf(5) and eg-supd.conf(5) list every one.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "egctl.h"

static const char edge_example[] =
"# egd(8) edge, static mode (eg.conf(5)): frames of the tap interface eg0\n"
"# go to the peers below, over the next hops of NextHopTable.\n"
"# Check it with \"egd -n -f FILE\"; keep it mode 0600, owned by root.\n"
"Interface:\n"
"  IType: tap\n"
"  Name: eg0\n"
"  MTU: 1416\n"
"NodeID: 1\n"
"NodeName: edge1\n"
"# This node's private key; its public key: egctl pubkey.\n"
"PrivKey: %s\n"
"ListenPort: 3001\n"
"LogLevel:\n"
"  LogLevel: error\n"
"# Static mode: the next hop from each node to each other one.  With a\n"
"# peer 2 reached directly:\n"
"#   NextHopTable:\n"
"#     1:\n"
"#       2: 2\n"
"# egctl solve computes the table from a matrix of link costs.\n"
"NextHopTable: {}\n"
"# One entry per peer (its public key from its own egctl pubkey):\n"
"#   - NodeID: 2\n"
"#     PubKey: <base64>\n"
"#     PSKey: %s\n"
"#     EndPoint: 192.0.2.2:3001\n"
"#     Static: true\n"
"Peers: []\n";

static const char super_example[] =
"# eg-supd(8) supernode (eg-supd.conf(5)): edges register here and get\n"
"# their peers and next hops.  Check it with \"eg-supd -n -f FILE\"; keep\n"
"# it mode 0600, owned by root.\n"
"NodeName: supernode\n"
"# The edges' SuperNode.PubKeyV4/V6: egctl pubkey of these.\n"
"PrivKeyV4: %s\n"
"PrivKeyV6: %s\n"
"ListenPort: 3456\n"
"ListenPort_EdgeAPI: \"3456\"\n"
"ListenPort_ManageAPI: \"3457\"\n"
"API_Prefix: /eg_net/eg_api\n"
"LogLevel:\n"
"  LogLevel: error\n"
"# One per Manage API call (egctl manage signs with it); \"\" disables\n"
"# the call.\n"
"Passwords:\n"
"  ShowState: %s\n"
"  AddPeer: %s\n"
"  DelPeer: %s\n"
"  UpdatePeer: %s\n"
"  UpdateSuper: %s\n"
"UsePSKForInterEdge: true\n"
"# One entry per edge; AdditionalCost -1: the edge's own.\n"
"#   - NodeID: 1\n"
"#     Name: edge1\n"
"#     PubKey: <base64>\n"
"#     AdditionalCost: -1\n"
"Peers: []\n";

static void
b64_random(char out[45], int clamp)
{
	uint8_t	k[32];

	keys_fresh(k, clamp);
	sodium_bin2base64(out, 45, k, sizeof(k),
	    sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(k, sizeof(k));
}

int
example_main(const char *what)
{
	char	k1[45], k2[45], pw[5][25];
	int	i, n;

	if (sodium_init() == -1) {
		fprintf(stderr, "egctl: libsodium does not start\n");
		return 1;
	}
	if (strcmp(what, "edge") == 0) {
		b64_random(k1, 1);
		b64_random(k2, 0);
		n = printf(edge_example, k1, k2);
	} else if (strcmp(what, "super") == 0) {
		b64_random(k1, 1);
		b64_random(k2, 1);
		for (i = 0; i < 5; i++)
			keys_password(pw[i]);
		n = printf(super_example, k1, k2, pw[0], pw[1], pw[2], pw[3],
		    pw[4]);
	} else {
		fprintf(stderr, "egctl example: edge or super, not %s\n",
		    what);
		return 1;
	}
	sodium_memzero(k1, sizeof(k1));
	sodium_memzero(k2, sizeof(k2));
	sodium_memzero(pw, sizeof(pw));
	if (n < 0 || fflush(stdout) == EOF) {
		perror("egctl: stdout");
		return 1;
	}
	return 0;
}
