/*
 * libFuzzer target for the dup check's cache, against a plain list that
 * does the same job slowly.  Each 3 input bytes are one message: a time
 * step (0-255 ms), then a digest chosen from a small set (so repeats and
 * shared buckets are common), or a timeout change when the step is 255.
 */
#include <stdint.h>
#include <stdlib.h>

#include "overlay/ovldup.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CAP	8
#define MS	1000000ULL

struct model {
	uint32_t	crc;
	uint64_t	expires;
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovldup		 d;
	struct model		 m[CAP];
	enum ovldup_result	 want, got;
	uint64_t		 now = 1, timeout = 100 * MS;
	uint32_t		 crc;
	size_t			 i, k, n = 0;

	if (ovldup_init(&d, CAP, timeout, 7) == -1)
		abort();
	for (i = 0; i + 3 <= size; i += 3) {
		if (data[i] == 255) {
			timeout = (data[i + 1] + 1) * MS;
			ovldup_set_timeout(&d, timeout);
			continue;
		}
		now += data[i] * MS;
		crc = (uint32_t)data[i + 1] << 24 | (data[i + 2] & 0x1f);

		/* The model frees in insertion order, as the cache does. */
		while (n > 0 && m[0].expires <= now) {
			for (k = 1; k < n; k++)
				m[k - 1] = m[k];
			n--;
		}
		want = n == CAP ? OVLDUP_FULL : OVLDUP_NEW;
		for (k = 0; k < n; k++)
			if (m[k].crc == crc && m[k].expires > now)
				want = OVLDUP_SEEN;
		if (want == OVLDUP_NEW) {
			m[n].crc = crc;
			m[n++].expires = now + timeout;
		}
		got = ovldup_check(&d, crc, now);
		if (got != want)
			abort();
		if (ovldup_count(&d, now) != n)
			abort();
	}
	ovldup_free(&d);
	return 0;
}
