/*
 * libFuzzer target for the overlay header parser: any bytes either parse
 * to a header that writes back to the same bytes, or are refused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "overlay/overlay.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovl_hdr	h;
	uint8_t		out[OVL_HDR_LEN];

	if (ovl_parse(data, size, &h) != OVL_OK)
		return 0;
	if (h.len > size - OVL_HDR_LEN)
		abort();
	ovl_write(out, &h);
	if (memcmp(out, data, OVL_HDR_LEN) != 0)
		abort();
	return 0;
}
