/*
 * EdgeAPI security: both sides derive the same key, requests verify only
 * untampered, sealed answers open only for their request; signed
 * Manage API requests likewise, with a key from the call's password.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "edgeapi/edgeapi.h"
#include "edgeapi/manageauth.h"
#include "regress/lib/tap.h"

static void
test_mauth(void)
{
	const char	*q = "/p/manage/peer/add";
	const char	*b = "NodeID=5&Name=x";
	uint8_t		 ka[32], kb[32], kc[32], mac[32];
	char		 hdr[128];
	int64_t		 ts;

	ok(mauth_key(ka, "peer/add", "pw") == 0 &&
	    mauth_key(kb, "peer/add", "pw") == 0 && memcmp(ka, kb, 32) == 0,
	    "mauth: the same password gives the same key");
	ok(mauth_key(kb, "peer/del", "pw") == 0 && memcmp(ka, kb, 32) != 0 &&
	    mauth_key(kc, "peer/add", "pX") == 0 && memcmp(ka, kc, 32) != 0,
	    "mauth: another call or password, another key");
	ok(mauth_header(hdr, sizeof(hdr), ka, "POST", q, 1700000000123LL,
	    (const uint8_t *)b, strlen(b)) == 0 &&
	    strncmp(hdr, "v1 1700000000123 ", 17) == 0 && strlen(hdr) == 61,
	    "mauth: header %s", hdr);
	ok(mauth_parse(hdr, &ts, mac) == 0 && ts == 1700000000123LL &&
	    mauth_verify(ka, mac, "POST", q, ts, (const uint8_t *)b,
	    strlen(b)) == 0, "mauth: it verifies");
	ok(mauth_verify(kb, mac, "POST", q, ts, (const uint8_t *)b,
	    strlen(b)) == -1 && mauth_verify(ka, mac, "GET", q, ts,
	    (const uint8_t *)b, strlen(b)) == -1 && mauth_verify(ka, mac,
	    "POST", "/p/manage/peer/del", ts, (const uint8_t *)b,
	    strlen(b)) == -1 && mauth_verify(ka, mac, "POST", q, ts + 1,
	    (const uint8_t *)b, strlen(b)) == -1 && mauth_verify(ka, mac,
	    "POST", q, ts, (const uint8_t *)b, strlen(b) - 1) == -1,
	    "mauth: not with another key, method, path, time or body");
	edgeapi_request_mac(mac, ka, "EG-EdgeAPI-v1\n", "POST", q, ts,
	    (const uint8_t *)b, strlen(b));
	ok(mauth_verify(ka, mac, "POST", q, ts, (const uint8_t *)b,
	    strlen(b)) == -1, "mauth: an EdgeAPI MAC is not a Manage API one");
	ok(mauth_parse("v1 123", &ts, mac) == -1 &&
	    mauth_parse("v2 123 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	    &ts, mac) == -1 &&
	    mauth_parse("v1 -5 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	    &ts, mac) == -1 &&
	    mauth_parse("v1 0 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	    &ts, mac) == -1 &&
	    mauth_parse("v1 1234567890123456 "
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", &ts, mac) == -1 &&
	    mauth_parse("v1  5 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	    &ts, mac) == -1 &&
	    mauth_parse("v1 5 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ",
	    &ts, mac) == -1 &&
	    mauth_parse("v1 5 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*=",
	    &ts, mac) == -1 && mauth_parse("", &ts, mac) == -1,
	    "mauth: malformed headers are refused");
}

int
main(void)
{
	uint8_t	edge_priv[32], edge_pub[32], sup_priv[32], sup_pub[32];
	uint8_t	k1[32], k2[32], k3[32], psk[32], mac[32], h[32], h2[32];
	uint8_t	sealed[64 + EDGEAPI_SEAL_OVERHEAD], plain[64], seed[32];
	char	lp1[6000], lp2[6000];
	uint8_t	p1[32], p2[32], p3[32];
	char	hdr[128], hex[65];
	const char *body = "{\"LocalV4\":[]}";
	uint16_t id;
	int64_t	ts;

	if (sodium_init() == -1)
		return 1;
	crypto_box_keypair(edge_pub, edge_priv);
	crypto_box_keypair(sup_pub, sup_priv);
	randombytes_buf(psk, sizeof(psk));
	ok(edgeapi_key(k1, edge_priv, sup_pub, psk) == 0 &&
	    edgeapi_key(k2, sup_priv, edge_pub, psk) == 0 &&
	    memcmp(k1, k2, 32) == 0, "edge and supernode derive the same key");
	edgeapi_key(k3, sup_priv, edge_pub, NULL);
	ok(memcmp(k1, k3, 32) != 0, "the PSK changes the key");
	memset(k3, 0, sizeof(k3));
	ok(edgeapi_key(k2, sup_priv, k3, NULL) == -1,
	    "an all-zero public key is refused");

	ok(edgeapi_auth_header(hdr, sizeof(hdr), k1, 7, "POST",
	    "/p/edge/post/nodeinfo?NodeID=7", 1700000000123LL,
	    (const uint8_t *)body, strlen(body)) == 0, "header: %s", hdr);
	ok(edgeapi_auth_parse(hdr, &id, &ts, mac) == 0 && id == 7 &&
	    ts == 1700000000123LL, "header parses");
	ok(edgeapi_verify(k1, mac, "POST", "/p/edge/post/nodeinfo?NodeID=7",
	    ts, (const uint8_t *)body, strlen(body)) == 0, "MAC verifies");
	ok(edgeapi_verify(k1, mac, "GET", "/p/edge/post/nodeinfo?NodeID=7",
	    ts, (const uint8_t *)body, strlen(body)) == -1,
	    "other method fails");
	ok(edgeapi_verify(k1, mac, "POST", "/p/edge/post/nodeinfo?NodeID=8",
	    ts, (const uint8_t *)body, strlen(body)) == -1,
	    "other path fails");
	ok(edgeapi_verify(k1, mac, "POST", "/p/edge/post/nodeinfo?NodeID=7",
	    ts + 1, (const uint8_t *)body, strlen(body)) == -1,
	    "other timestamp fails");
	ok(edgeapi_verify(k1, mac, "POST", "/p/edge/post/nodeinfo?NodeID=7",
	    ts, (const uint8_t *)body, strlen(body) - 1) == -1,
	    "other body fails");
	ok(edgeapi_verify(k3, mac, "POST", "/p/edge/post/nodeinfo?NodeID=7",
	    ts, (const uint8_t *)body, strlen(body)) == -1,
	    "other key fails");
	ok(edgeapi_auth_parse("v1 7 123", &id, &ts, mac) == -1 &&
	    edgeapi_auth_parse("v2 7 123 AAAA", &id, &ts, mac) == -1 &&
	    edgeapi_auth_parse("v1 70000 123 "
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", &id, &ts, mac) == -1 &&
	    edgeapi_auth_parse("v1 7 -5 "
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", &id, &ts, mac) == -1 &&
	    edgeapi_auth_parse("v1 7 5 "
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= x", &id, &ts, mac) ==
	    -1 && edgeapi_auth_parse("", &id, &ts, mac) == -1,
	    "malformed headers are refused");

	ok(edgeapi_seal(sealed, k1, "/p/edge/nhtable?NodeID=7&State=00", 42,
	    (const uint8_t *)"{\"NhTable\":{}}", 14) == 0, "sealed");
	edgeapi_seal(sealed, k1, "/p/edge/nhtable?NodeID=7&State=00", 42,
	    (const uint8_t *)"{\"NhTable\":{}}", 14);
	ok(edgeapi_open(plain, k2 /* derived on the other side */ ,
	    "/p/edge/nhtable?NodeID=7&State=00", 42, sealed,
	    14 + EDGEAPI_SEAL_OVERHEAD) == 0 &&
	    memcmp(plain, "{\"NhTable\":{}}", 14) == 0 ? 1 : 0,
	    "sealed answer opens");
	ok(edgeapi_open(plain, k1, "/p/edge/nhtable?NodeID=7&State=00", 43,
	    sealed, 14 + EDGEAPI_SEAL_OVERHEAD) == -1,
	    "not for another request time");
	ok(edgeapi_open(plain, k1, "/p/edge/peerinfo?NodeID=7&State=00", 42,
	    sealed, 14 + EDGEAPI_SEAL_OVERHEAD) == -1,
	    "not for another path");
	sealed[30] ^= 1;
	ok(edgeapi_open(plain, k1, "/p/edge/nhtable?NodeID=7&State=00", 42,
	    sealed, 14 + EDGEAPI_SEAL_OVERHEAD) == -1, "tampering detected");
	ok(edgeapi_open(plain, k1, "/x", 42, sealed, 10) == -1,
	    "too short refused");

	/* Paths longer than any buffer: the whole path binds the answer. */
	memset(lp1, 'a', sizeof(lp1) - 1);
	lp1[0] = '/';
	lp1[sizeof(lp1) - 1] = '\0';
	memcpy(lp2, lp1, sizeof(lp2));
	lp2[sizeof(lp2) - 2] = 'b';
	ok(edgeapi_seal(sealed, k1, lp1, 42, (const uint8_t *)"{}", 2) == 0 &&
	    edgeapi_open(plain, k1, lp1, 42, sealed, 2 +
	    EDGEAPI_SEAL_OVERHEAD) == 0, "an answer to a %zu-byte path opens",
	    strlen(lp1));
	ok(edgeapi_open(plain, k1, lp2, 42, sealed, 2 +
	    EDGEAPI_SEAL_OVERHEAD) == -1, "not for a path that differs in its "
	    "last byte");

	edgeapi_state_hash(h, "abc", 3);
	edgeapi_hash_hex(hex, h);
	ok(strlen(hex) == 64 && edgeapi_hash_unhex(h2, hex) == 0 &&
	    memcmp(h, h2, 32) == 0, "hash hex round trip");
	ok(edgeapi_hash_unhex(h2, "00") == -1 &&
	    edgeapi_hash_unhex(h2, "zz00000000000000000000000000000000000000"
	    "000000000000000000000000") == -1, "bad hex refused");

	randombytes_buf(seed, sizeof(seed));
	edgeapi_pair_psk(p1, seed, 3, 9);
	edgeapi_pair_psk(p2, seed, 9, 3);
	edgeapi_pair_psk(p3, seed, 3, 10);
	ok(memcmp(p1, p2, 32) == 0 && memcmp(p1, p3, 32) != 0,
	    "pair PSK is the same both ways and differs per pair");
	test_mauth();
	return tap_done();
}
