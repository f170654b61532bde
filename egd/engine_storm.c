/*
 * Broadcast storm control: see engine_storm.h.  The buckets are one
 * array indexed by source: one load per broadcast, and the pages of
 * NodeIDs never heard from are never touched.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_storm.h"

int
storm_init(struct storm *s)
{
	memset(s, 0, sizeof(*s));
	if ((s->buckets = calloc(STORM_LOCAL + 1, sizeof(*s->buckets))) ==
	    NULL)
		return -1;
	return 0;
}

void
storm_configure(struct storm *s, double rate, int burst)
{
	s->rate = rate > 0 ? rate : 0;
	s->burst = burst > 0 ? burst : 1;
}

int
storm_pass(struct storm *s, uint32_t source, uint64_t now)
{
	struct storm_bucket	*b;

	if (s->rate == 0 || source > STORM_LOCAL)
		return 1;
	b = &s->buckets[source];
	if (b->last == 0)
		b->tokens = s->burst;
	else if (now > b->last)
		b->tokens += (double)(now - b->last) * s->rate / 1e9;
	if (b->tokens > s->burst)
		b->tokens = s->burst;
	/* 0 means unused: a clock at 0 still counts as a use. */
	b->last = now != 0 ? now : 1;
	if (b->tokens < 1)
		return 0;
	b->tokens -= 1;
	return 1;
}

void
storm_free(struct storm *s)
{
	free(s->buckets);
	s->buckets = NULL;
}
