/*
 * The dup check: CRC32 known answers, what the digest covers, forgetting
 * after the timeout, the size cap, and chains under chosen digests.
 */
#include <stdint.h>
#include <string.h>

#include "overlay/overlay.h"
#include "overlay/ovldup.h"
#include "regress/lib/tap.h"

#define SEC	1000000000ULL

int
main(void)
{
	struct ovldup	 d;
	const uint8_t	 check[] = "123456789";
	uint8_t		 a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint32_t	 i, crc;
	int		 all;

	ok(ovl_crc32(0, check, 9) == 0xcbf43926U,
	    "CRC32 of \"123456789\" is cbf43926");
	ok(ovl_crc32(ovl_crc32(0, check, 4), check + 4, 5) == 0xcbf43926U,
	    "CRC32 runs on in pieces");
	ok(ovldup_digest(OVL_PONG, a, 8) != ovldup_digest(OVL_QUERY_PEER,
	    a, 8), "the usage is part of the digest");

	ok(ovldup_init(&d, 0, SEC, 1) == -1, "a cache of 0 entries refused");
	ok(ovldup_init(&d, 4, 10 * SEC, 0x1234) == 0, "cache of 4");
	crc = ovldup_digest(OVL_PONG, a, 8);
	ok(ovldup_check(&d, crc, 100 * SEC) == OVLDUP_NEW, "first is new");
	ok(ovldup_check(&d, crc, 101 * SEC) == OVLDUP_SEEN,
	    "the same content again is seen");
	ok(ovldup_check(&d, crc, 110 * SEC - 1) == OVLDUP_SEEN,
	    "still seen just before the timeout");
	ok(ovldup_check(&d, crc, 110 * SEC) == OVLDUP_NEW,
	    "new again at the timeout");
	ok(ovldup_count(&d, 110 * SEC) == 1, "the old entry was forgotten");
	ok(ovldup_check(&d, crc + 1, 111 * SEC) == OVLDUP_NEW &&
	    ovldup_check(&d, crc + 2, 111 * SEC) == OVLDUP_NEW &&
	    ovldup_check(&d, crc + 3, 111 * SEC) == OVLDUP_NEW,
	    "three more fill the cache");
	ok(ovldup_check(&d, crc + 4, 112 * SEC) == OVLDUP_FULL,
	    "a fifth is refused while the cache is full");
	ok(ovldup_check(&d, crc + 2, 112 * SEC) == OVLDUP_SEEN,
	    "a full cache still recognises what it holds");
	ok(ovldup_check(&d, crc + 4, 120 * SEC) == OVLDUP_NEW,
	    "room again once the oldest expired");
	ok(ovldup_check(&d, crc + 1, 120 * SEC) == OVLDUP_SEEN &&
	    ovldup_check(&d, crc + 3, 120 * SEC) == OVLDUP_SEEN,
	    "the others are kept");

	ovldup_set_timeout(&d, 1 * SEC);
	ok(ovldup_count(&d, 120 * SEC) == 4, "a shorter timeout keeps entries");
	ok(ovldup_check(&d, crc + 1, 122 * SEC) == OVLDUP_NEW &&
	    ovldup_count(&d, 122 * SEC) == 2,
	    "entries keep the expiry they were given");
	ok(ovldup_check(&d, crc + 1, 123 * SEC) == OVLDUP_NEW,
	    "an entry under the short timeout expires after it, though the "
	    "ring's head outlives it");
	ovldup_free(&d);

	/* Digests that differ only above the bucket bits. */
	ok(ovldup_init(&d, 1024, 10 * SEC, 0xa5a5a5a5U) == 0, "cache of 1024");
	all = 1;
	for (i = 0; i < 1024; i++)
		if (ovldup_check(&d, i << 20, SEC) != OVLDUP_NEW)
			all = 0;
	for (i = 0; i < 1024; i++)
		if (ovldup_check(&d, i << 20, 2 * SEC) != OVLDUP_SEEN)
			all = 0;
	ok(all, "1024 chosen digests are all kept and found");
	ok(ovldup_count(&d, 11 * SEC) == 0, "and all forgotten after timeout");
	all = 1;
	for (i = 0; i < 3000; i++)
		if (ovldup_check(&d, i, 11 * SEC + i) !=
		    (i < 1024 ? OVLDUP_NEW : OVLDUP_FULL))
			all = 0;
	ok(all && ovldup_count(&d, 11 * SEC + 3000) == 1024,
	    "a storm fills the cache to its cap and no further");
	ovldup_free(&d);
	return tap_done();
}
