/*
 * The parent's verdict on EdgeAPI requests (eg-supd/parent_edgeauth.c),
 * as a control process an attacker holds would ask for it: only a
 * request with the edge's MAC and a fresh timestamp is taken; the key
 * it gives seals that answer only; PSKs only when asked, never the
 * asker's own; a reload that keeps an edge's key keeps what was taken,
 * one that changes it takes nothing signed before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "edgeapi/edgeapi.h"
#include "eg-supd/parent_edgeauth.h"
#include "regress/lib/tap.h"

static uint8_t	sup_priv[32], sup_pub[32];
static uint8_t	epriv[4][32], epub[4][32], ekey[4][32];

static struct super_conf *
make_conf(void)
{
	struct conf_diags	 d;
	struct super_conf	*c;
	char			 yaml[2048], k[4][45];
	int			 i;

	for (i = 1; i <= 3; i++)
		sodium_bin2base64(k[i], 45, epub[i], 32,
		    sodium_base64_VARIANT_ORIGINAL);
	snprintf(yaml, sizeof(yaml), "ListenPort: 3456\n"
	    "UsePSKForInterEdge: true\nPeers:\n"
	    "- NodeID: 3\n  Name: n3\n  PubKey: %s\n"
	    "- NodeID: 1\n  Name: n1\n  PubKey: %s\n"
	    "- NodeID: 2\n  Name: n2\n  PubKey: %s\n", k[3], k[1], k[2]);
	memset(&d, 0, sizeof(d));
	if ((c = conf_parse_super("t.yaml", yaml, strlen(yaml), &d,
	    CONF_PARSE_NO_SECRETS)) == NULL) {
		conf_diags_print(stdout, &d);
		exit(1);
	}
	conf_diags_free(&d);
	memcpy(c->privkey_v4.key, sup_priv, 32);
	c->privkey_v4.set = 1;
	return c;
}

static void
request(struct supd_edge_auth *a, uint16_t id, const uint8_t key[32],
    const char *uri, int64_t ts, int want)
{
	memset(a, 0, sizeof(*a));
	a->request = 7;
	a->node_id = id;
	a->want_psks = want;
	a->urilen = strlen(uri);
	a->ts_ms = ts;
	edgeapi_body_hash(a->bodyhash, NULL, 0);
	edgeapi_request_mac_hashed(a->mac, key, "EG-EdgeAPI-v1\n", "GET", uri,
	    ts, a->bodyhash);
}

int
main(void)
{
	static const char	 uri[] = "/p/edge/peerinfo?NodeID=1&State=00";
	struct supd_pair_psk	 psks[8];
	struct supd_edge_auth	 a;
	struct supd_edge_grant	 g;
	struct super_conf	*c;
	uint8_t			 want[32], sealed[64], plain[8];
	int64_t			 t0 = 1700000000000LL;
	int			 i;

	if (sodium_init() == -1)
		return 1;
	crypto_box_keypair(sup_pub, sup_priv);
	for (i = 1; i <= 3; i++) {
		crypto_box_keypair(epub[i], epriv[i]);
		edgeapi_key(ekey[i], epriv[i], sup_pub, NULL);
	}
	c = make_conf();
	edge_keys_conf(c, t0);

	request(&a, 1, ekey[1], uri, t0 + 10, 1);
	edge_grant(&a, uri, t0 + 20, &g, psks, 8);
	edgeapi_seal_key(want, ekey[1], uri, t0 + 10);
	ok(g.verdict == SUPD_EDGE_OK && g.request == 7 &&
	    memcmp(g.kreq, want, 32) == 0, "a good request: taken, with the "
	    "key of its answer");
	ok(g.npsks == 2 && psks[0].node_id == 2 && psks[1].node_id == 3,
	    "the asker's PSKs with the others, in NodeID order, not its own");
	edgeapi_seal_with(sealed, g.kreq, uri, t0 + 10, (const uint8_t *)"{}",
	    2);
	ok(edgeapi_open(plain, ekey[1], uri, t0 + 10, sealed, 2 +
	    EDGEAPI_SEAL_OVERHEAD) == 0 && edgeapi_open(plain, ekey[1], uri,
	    t0 + 11, sealed, 2 + EDGEAPI_SEAL_OVERHEAD) == -1,
	    "the edge opens what that key seals, for that request only");

	edge_grant(&a, uri, t0 + 20, &g, psks, 8);
	ok(g.verdict == SUPD_EDGE_OLD && g.npsks == 0 &&
	    sodium_is_zero(g.kreq, 32), "the same request again: refused, no "
	    "key");
	request(&a, 1, ekey[2], uri, t0 + 30, 1);
	edge_grant(&a, uri, t0 + 40, &g, psks, 8);
	ok(g.verdict == SUPD_EDGE_BAD && sodium_is_zero(g.kreq, 32),
	    "another edge's key: refused");
	request(&a, 9, ekey[1], uri, t0 + 30, 1);
	edge_grant(&a, uri, t0 + 40, &g, psks, 8);
	ok(g.verdict == SUPD_EDGE_BAD, "an unknown NodeID: as a wrong MAC");
	request(&a, 1, ekey[1], uri, t0 - 5, 0);
	edge_grant(&a, uri, t0 + 40, &g, psks, 8);
	ok(g.verdict == SUPD_EDGE_OLD, "signed before the parent knew the key");
	request(&a, 2, ekey[2], uri, t0 + 200000, 0);
	edge_grant(&a, uri, t0, &g, psks, 8);
	ok(g.verdict == SUPD_EDGE_CLOCK, "200 s ahead: refused");
	request(&a, 2, ekey[2], uri, t0 + 50, 0);
	edge_grant(&a, "/p/edge/nhtable?NodeID=2", t0 + 60, &g, psks, 8);
	ok(g.verdict == SUPD_EDGE_BAD, "a MAC of another URI: refused");
	edge_grant(&a, uri, t0 + 60, &g, psks, 8);
	ok(g.verdict == SUPD_EDGE_OK && g.npsks == 0, "no PSKs unless asked");

	/* A reload: edge 1 keeps its key, edge 2 gets a new one. */
	conf_free_super(c);
	crypto_box_keypair(epub[2], epriv[2]);
	edgeapi_key(ekey[2], epriv[2], sup_pub, NULL);
	c = make_conf();
	edge_keys_conf(c, t0 + 1000);
	request(&a, 1, ekey[1], uri, t0 + 500, 0);
	edge_grant(&a, uri, t0 + 1100, &g, psks, 8);
	ok(g.verdict == SUPD_EDGE_OK, "after a reload, an edge whose key "
	    "stayed keeps its last timestamp");
	request(&a, 2, ekey[2], uri, t0 + 900, 0);
	edge_grant(&a, uri, t0 + 1100, &g, psks, 8);
	ok(g.verdict == SUPD_EDGE_OLD, "one whose key changed takes nothing "
	    "signed before the reload");
	conf_free_super(c);
	edge_keys_shutdown();
	return tap_done();
}
