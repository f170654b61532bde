/*
 * The L2 forwarding table against a brute-force reference, with expiry,
 * updates, and the bound on its size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config/config.h"
#include "egd/engine_l2fib.h"
#include "regress/lib/tap.h"

#define SEC	1000000000ULL

struct ref {
	uint8_t		mac[6];
	uint16_t	node;
	uint64_t	expires;
	int		used;
};

static uint16_t
ref_lookup(struct ref *r, size_t n, const uint8_t *mac, uint64_t now)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (r[i].used && memcmp(r[i].mac, mac, 6) == 0)
			return r[i].expires > now ? r[i].node : NODEID_INVALID;
	return NODEID_INVALID;
}

int
main(void)
{
	struct l2fib	 fib;
	struct ref	*ref;
	uint8_t		 a[6] = { 2, 0, 0, 0, 0, 1 }, b[6] = { 2, 0, 0, 0, 0, 2 };
	uint8_t		 mac[6];
	size_t		 nref = 512, i, j, k;
	uint64_t	 now = 1000 * SEC;
	int		 good;

	if (sodium_init() == -1)
		return 1;
	ok(l2fib_init(&fib, 10, 0) == 0, "init");
	ok(l2fib_lookup(&fib, a, now) == NODEID_INVALID, "empty table: unknown");
	l2fib_learn(&fib, a, 7, now);
	ok(l2fib_lookup(&fib, a, now) == 7, "learned a -> 7");
	ok(l2fib_lookup(&fib, b, now) == NODEID_INVALID, "b still unknown");
	l2fib_learn(&fib, a, 9, now + 5 * SEC);
	ok(l2fib_lookup(&fib, a, now + 5 * SEC) == 9, "a moved to 9");
	ok(l2fib_lookup(&fib, a, now + 14 * SEC) == 9,
	    "relearning renewed the lifetime");
	ok(l2fib_lookup(&fib, a, now + 15 * SEC) == NODEID_INVALID,
	    "expired after L2FIBTimeout");
	ok(fib.count == 0, "expired entry removed on lookup");
	l2fib_free(&fib);

	/* Random operations against the reference, with deletions. */
	l2fib_init(&fib, 3, 0);
	ref = calloc(nref, sizeof(*ref));
	for (i = 0; i < nref; i++) {
		randombytes_buf(ref[i].mac, 6);
		ref[i].mac[5] = (uint8_t)i;
		ref[i].mac[4] = (uint8_t)(i >> 8);
	}
	good = 1;
	for (k = 0; k < 200000 && good; k++) {
		i = randombytes_uniform(nref);
		now += randombytes_uniform(20) * (SEC / 1000);
		switch (randombytes_uniform(3)) {
		case 0:
			ref[i].node = randombytes_uniform(65532);
			ref[i].expires = now + 3 * SEC;
			ref[i].used = 1;
			l2fib_learn(&fib, ref[i].mac, ref[i].node, now);
			break;
		case 1:
			if (l2fib_lookup(&fib, ref[i].mac, now) !=
			    ref_lookup(ref, nref, ref[i].mac, now))
				good = 0;
			break;
		default:
			if (randombytes_uniform(100) == 0)
				l2fib_expire(&fib, now);
			break;
		}
	}
	ok(good, "200000 random learns and lookups agree with the reference");
	for (j = 0, good = 1; j < nref; j++)
		if (l2fib_lookup(&fib, ref[j].mac, now) !=
		    ref_lookup(ref, nref, ref[j].mac, now))
			good = 0;
	ok(good, "every address agrees at the end");
	l2fib_expire(&fib, now + 10 * SEC);
	ok(fib.count == 0, "expire empties the table");
	free(ref);
	l2fib_free(&fib);

	/* A flood of forged addresses is bounded. */
	l2fib_init(&fib, 3600, 1000);
	for (i = 0; i < 100000; i++) {
		randombytes_buf(mac, 6);
		l2fib_learn(&fib, mac, 5, now + i);
	}
	ok(fib.count <= 1000 && fib.cap <= 4096,
	    "100000 forged addresses: %zu entries, %zu slots", fib.count,
	    fib.cap);
	l2fib_learn(&fib, a, 3, now + i);
	ok(l2fib_lookup(&fib, a, now + i) == 3,
	    "a full table still learns (the oldest entry makes room)");
	l2fib_free(&fib);
	return tap_done();
}
