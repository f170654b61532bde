/*
 * libFuzzer target for what the EdgeAPI reads from the network before
 * anything is authenticated: the X-EG-Auth header, state hashes in
 * URLs, and sealed answers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edgeapi/edgeapi.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t	key[EDGEAPI_KEY_LEN] = { 1 };
	uint8_t			mac[EDGEAPI_HASH_LEN], hash[EDGEAPI_HASH_LEN];
	uint8_t			*plain;
	char			*s;
	uint16_t		id;
	int64_t			ts;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (edgeapi_auth_parse(s, &id, &ts, mac) == 0 && ts <= 0)
		abort();
	(void)edgeapi_hash_unhex(hash, s);
	free(s);
	if ((plain = malloc(size + 1)) == NULL)
		return 0;
	if (edgeapi_open(plain, key, "/p/edge/nhtable", 1, data, size) == 0)
		abort();	/* nobody can forge with an unknown key */
	free(plain);
	return 0;
}
