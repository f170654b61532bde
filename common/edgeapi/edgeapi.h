/*
 * EdgeAPI security (doc/super-internals.md): the key an edge shares with
 * the supernode, request authentication, and sealed answers.
 */
#ifndef EG_EDGEAPI_H
#define EG_EDGEAPI_H

#include <stddef.h>
#include <stdint.h>

#define EDGEAPI_KEY_LEN		32
#define EDGEAPI_HASH_LEN	32
#define EDGEAPI_MAC_B64_LEN	44	/* base64 of 32 bytes, no NUL */
#define EDGEAPI_SEAL_OVERHEAD	(24 + 16)
#define EDGEAPI_CLOCK_SKEW_MS	120000
#define EDGEAPI_AUTH_HEADER	"X-EG-Auth"

/*
 * The shared key from one side's private key, the other side's public
 * key and the edge's SuperNode.PSKey (NULL: none).  -1 if the DH result
 * is all zero (a bad public key).
 */
int	edgeapi_key(uint8_t key[EDGEAPI_KEY_LEN], const uint8_t priv[32],
	    const uint8_t pub[32], const uint8_t *psk);

/*
 * The MAC of a request: BLAKE2b-256 keyed with key of ctx, the method,
 * the path with its query, the timestamp and the body's BLAKE2b-256
 * (doc/super-internals.md).  Each API has its own ctx.
 */
void	edgeapi_request_mac(uint8_t mac[EDGEAPI_HASH_LEN],
	    const uint8_t key[EDGEAPI_KEY_LEN], const char *ctx,
	    const char *method, const char *path_query, int64_t ts_ms,
	    const uint8_t *body, size_t bodylen);

/* The same from the body's BLAKE2b-256 (edgeapi_body_hash()). */
void	edgeapi_body_hash(uint8_t out[EDGEAPI_HASH_LEN], const uint8_t *body,
	    size_t bodylen);
void	edgeapi_request_mac_hashed(uint8_t mac[EDGEAPI_HASH_LEN],
	    const uint8_t key[EDGEAPI_KEY_LEN], const char *ctx,
	    const char *method, const char *path_query, int64_t ts_ms,
	    const uint8_t bodyhash[EDGEAPI_HASH_LEN]);

/* The MAC X-EG-Auth carries, of a body known by its hash. */
void	edgeapi_sign(uint8_t mac[EDGEAPI_HASH_LEN],
	    const uint8_t key[EDGEAPI_KEY_LEN], const char *method,
	    const char *path_query, int64_t ts_ms,
	    const uint8_t bodyhash[EDGEAPI_HASH_LEN]);
/* The header's value from that MAC; -1 if out is too short. */
int	edgeapi_auth_header_mac(char *out, size_t outlen, uint16_t node_id,
	    int64_t ts_ms, const uint8_t mac[EDGEAPI_HASH_LEN]);

/* The X-EG-Auth header value into out: "v1 NodeID ts mac". */
int	edgeapi_auth_header(char *out, size_t outlen,
	    const uint8_t key[EDGEAPI_KEY_LEN], uint16_t node_id,
	    const char *method, const char *path_query, int64_t ts_ms,
	    const uint8_t *body, size_t bodylen);
/*
 * Parses a header into node id, timestamp and MAC: 0, or -1 if it is
 * malformed.  The caller looks up the key and calls edgeapi_verify().
 */
int	edgeapi_auth_parse(const char *hdr, uint16_t *node_id, int64_t *ts_ms,
	    uint8_t mac[EDGEAPI_HASH_LEN]);
/* Constant-time check of the MAC: 0 if it is right. */
int	edgeapi_verify(const uint8_t key[EDGEAPI_KEY_LEN],
	    const uint8_t mac[EDGEAPI_HASH_LEN], const char *method,
	    const char *path_query, int64_t ts_ms, const uint8_t *body,
	    size_t bodylen);

/* edgeapi_verify() of a body known by its hash. */
int	edgeapi_verify_hashed(const uint8_t key[EDGEAPI_KEY_LEN],
	    const uint8_t mac[EDGEAPI_HASH_LEN], const char *method,
	    const char *path_query, int64_t ts_ms,
	    const uint8_t bodyhash[EDGEAPI_HASH_LEN]);

/*
 * Seal plain (len bytes) into out (len + EDGEAPI_SEAL_OVERHEAD bytes),
 * bound to the request's whole path and timestamp; -1 if there is no
 * memory for a long path.  Open does the reverse; -1 if the answer is
 * not authentic.  The answer is sealed with a key of its own, derived
 * from the edge's key and the request (edgeapi_seal_key(): BLAKE2b-256
 * keyed with the edge's key, of the associated data), so that what
 * seals one answer (eg-supd's control, given it by the parent) can
 * neither seal another nor check a request.
 */
int	edgeapi_seal_key(uint8_t kreq[EDGEAPI_KEY_LEN],
	    const uint8_t key[EDGEAPI_KEY_LEN], const char *path_query,
	    int64_t ts_ms);
int	edgeapi_seal_with(uint8_t *out, const uint8_t kreq[EDGEAPI_KEY_LEN],
	    const char *path_query, int64_t ts_ms, const uint8_t *plain,
	    size_t len);
int	edgeapi_open_with(uint8_t *plain, const uint8_t kreq[EDGEAPI_KEY_LEN],
	    const char *path_query, int64_t ts_ms, const uint8_t *sealed,
	    size_t len);
int	edgeapi_seal(uint8_t *out, const uint8_t key[EDGEAPI_KEY_LEN],
	    const char *path_query, int64_t ts_ms, const uint8_t *plain,
	    size_t len);
int	edgeapi_open(uint8_t *plain, const uint8_t key[EDGEAPI_KEY_LEN],
	    const char *path_query, int64_t ts_ms, const uint8_t *sealed,
	    size_t len);

/* BLAKE2b-256 of a state document; lowercase hex and back. */
void	edgeapi_state_hash(uint8_t out[EDGEAPI_HASH_LEN], const void *doc,
	    size_t len);
void	edgeapi_hash_hex(char out[2 * EDGEAPI_HASH_LEN + 1],
	    const uint8_t hash[EDGEAPI_HASH_LEN]);
int	edgeapi_hash_unhex(uint8_t hash[EDGEAPI_HASH_LEN], const char *hex);

/* The PSK of the pair (a, b) from the supernode's seed: order-free. */
void	edgeapi_pair_psk(uint8_t psk[32], const uint8_t seed[32], uint16_t a,
	    uint16_t b);

#endif /* EG_EDGEAPI_H */
