/*
 * libFuzzer target for TCP segmentation: any header and frame either is
 * refused or is cut into segments no larger than the buffer, without
 * reading or writing out of bounds.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "egd/engine_gso.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gso_vnet_hdr	 vh;
	struct gso_iter		 it;
	uint8_t			*frame, out[2048];
	ssize_t			 n;
	int			 segs = 0;

	if (size < sizeof(vh))
		return 0;
	memcpy(&vh, data, sizeof(vh));
	size -= sizeof(vh);
	if ((frame = malloc(size + 1)) == NULL)
		return 0;
	memcpy(frame, data + sizeof(vh), size);
	if (gso_start(&it, &vh, frame, size) == 0) {
		while ((n = gso_next(&it, out, sizeof(out))) > 0)
			if (n > (ssize_t)sizeof(out) || ++segs > 70000)
				abort();
	} else
		(void)gso_finish_csum(&vh, frame, size);
	free(frame);
	return 0;
}
