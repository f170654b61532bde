/*
 * libFuzzer target for the control message decoders: any bytes are either
 * refused or decode to a message that encodes back to the same bytes.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "overlay/ovlmsg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define ROUNDTRIP(type, dec, enc) do {					\
	struct type m;							\
	uint8_t out[512];						\
	ssize_t n;							\
									\
	if (dec(data, size, &m) == 0) {					\
		n = enc(&m, out, sizeof(out));				\
		if (n != (ssize_t)size || memcmp(out, data, size) != 0)	\
			abort();					\
	}								\
} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ROUNDTRIP(ovlmsg_register, ovlmsg_register_decode,
	    ovlmsg_register_encode);
	ROUNDTRIP(ovlmsg_ping, ovlmsg_ping_decode, ovlmsg_ping_encode);
	ROUNDTRIP(ovlmsg_pong, ovlmsg_pong_decode, ovlmsg_pong_encode);
	ROUNDTRIP(ovlmsg_update, ovlmsg_update_decode, ovlmsg_update_encode);
	ROUNDTRIP(ovlmsg_querypeer, ovlmsg_querypeer_decode,
	    ovlmsg_querypeer_encode);
	ROUNDTRIP(ovlmsg_bcastpeer, ovlmsg_bcastpeer_decode,
	    ovlmsg_bcastpeer_encode);
	return 0;
}
