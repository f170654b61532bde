/*
 * Signed Manage API requests (eg-supd(8), doc/super-internals.md): the
 * header X-EG-Manage-Auth carries a timestamp and a MAC of the request
 * (edgeapi_request_mac) keyed with a key derived from the call's
 * password, so the password never crosses the network and a captured
 * request cannot be changed; eg-supd refuses its replay.  Shared by
 * eg-supd (verification) and egctl (signing).
 */
#ifndef EG_MANAGEAUTH_H
#define EG_MANAGEAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "edgeapi.h"

#define MAUTH_HEADER		"X-EG-Manage-Auth"
#define MAUTH_KEY_LEN		EDGEAPI_KEY_LEN
/* Argon2id: 2 passes over 16 MiB, some 20 ms, once per password. */
#define MAUTH_OPSLIMIT		2
#define MAUTH_MEMLIMIT		(16 * 1024 * 1024)

/*
 * The key of a call ("super/state", "peer/add", ...) from its password:
 * Argon2id of the password, salted with the BLAKE2b-128 of "EtherGuard
 * Manage API v1 " and the call.  -1 if there is no memory for it.
 */
int	mauth_key(uint8_t key[MAUTH_KEY_LEN], const char *call,
	    const char *password);
/* The header's value into out: "v1 ts mac"; -1 if out is too short. */
int	mauth_header(char *out, size_t outlen,
	    const uint8_t key[MAUTH_KEY_LEN], const char *method,
	    const char *path_query, int64_t ts_ms, const uint8_t *body,
	    size_t bodylen);
/* A header's timestamp and MAC: 0, or -1 if it is malformed. */
int	mauth_parse(const char *hdr, int64_t *ts_ms,
	    uint8_t mac[EDGEAPI_HASH_LEN]);
/* Constant-time check of the MAC: 0 if it is right. */
int	mauth_verify(const uint8_t key[MAUTH_KEY_LEN],
	    const uint8_t mac[EDGEAPI_HASH_LEN], const char *method,
	    const char *path_query, int64_t ts_ms, const uint8_t *body,
	    size_t bodylen);

#endif /* EG_MANAGEAUTH_H */
