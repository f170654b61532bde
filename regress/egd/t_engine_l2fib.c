/*
 * The L2 forwarding table against a brute-force reference, with expiry,
 * updates, the bound on its size, and each node's share of it.
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
	int		 good, refused;

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

	/*
	 * Node 5 floods source addresses: it keeps to its share and the
	 * entries node 3 learned first all stay.
	 */
	l2fib_init(&fib, 3600, 1000);
	l2fib_set_node_limit(&fib, 300);
	for (i = 0; i < 200; i++) {
		memset(mac, 0, 6);
		mac[0] = 6;
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		l2fib_learn(&fib, mac, 3, now);
	}
	l2fib_learn(&fib, a, 3, now);
	for (refused = 0, i = 0; i < 100000; i++) {
		randombytes_buf(mac, 6);
		mac[0] = 0x0e;
		if (l2fib_learn(&fib, mac, 5, now + i) == -1)
			refused++;
	}
	for (good = 1, i = 0; i < 200; i++) {
		memset(mac, 0, 6);
		mac[0] = 6;
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		if (l2fib_lookup(&fib, mac, now + 100000) != 3)
			good = 0;
	}
	ok(l2fib_node_count(&fib, 5) == 300 && refused == 100000 - 300,
	    "a flood of 100000 addresses from node 5: 300 learned, %d "
	    "refused", refused);
	ok(good && l2fib_node_count(&fib, 3) == 201 &&
	    l2fib_lookup(&fib, a, now + 100000) == 3,
	    "node 3's 201 entries all stay");
	ok(l2fib_learn(&fib, a, 5, now + i) == -1 &&
	    l2fib_lookup(&fib, a, now + i) == 3,
	    "nor can node 5 take over one of them (a move counts too)");
	ok(l2fib_learn(&fib, a, 3, now + i) == 0 &&
	    l2fib_node_count(&fib, 3) == 201,
	    "refreshing an entry costs nothing");
	l2fib_expire(&fib, now + 3600 * SEC + 200000);
	ok(fib.count == 0 && l2fib_node_count(&fib, 5) == 0 &&
	    l2fib_node_count(&fib, 3) == 0, "expiry gives the shares back");
	ok(l2fib_learn(&fib, mac, 5, now + 3601 * SEC) == 0,
	    "and node 5 learns again");
	l2fib_free(&fib);
	return tap_done();
}
