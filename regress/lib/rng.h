/*
 * The tests' pseudo-random numbers: xorshift64, so that a test draws
 * the same networks and inputs on every machine and every run.  Each
 * test program sets its own seed.
 */
#ifndef REGRESS_RNG_H
#define REGRESS_RNG_H

#include <stdint.h>

static inline uint64_t
test_rng(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* lo..hi inclusive, hi >= lo. */
static inline int
test_rnd(uint64_t *state, int lo, int hi)
{
	return lo + (int)(test_rng(state) % (uint64_t)(hi - lo + 1));
}

#endif /* REGRESS_RNG_H */
