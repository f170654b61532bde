/*
 * Broadcast storm control: a token bucket per source of broadcast and
 * unknown-unicast frames, the local interface and every overlay source
 * NodeID, so that one host or one node flooding frames to everyone
 * costs the network at most BroadcastRate frames a second (after a
 * burst of BroadcastBurst) and leaves the other sources theirs.
 */
#ifndef EG_STORM_H
#define EG_STORM_H

#include <stdint.h>

#define STORM_LOCAL	65536	/* the bucket of the local interface */

struct storm_bucket {
	double		tokens;
	uint64_t	last;		/* ns; 0: never used, full */
};

struct storm {
	double			 rate;		/* frames/s, 0: off */
	double			 burst;		/* frames */
	struct storm_bucket	*buckets;	/* [65537], by NodeID */
};

int	storm_init(struct storm *);
/* New limits; the buckets keep what they hold, up to the new burst. */
void	storm_configure(struct storm *, double rate, int burst);
/* May a broadcast of this source (a NodeID, STORM_LOCAL) go at now (ns)? */
int	storm_pass(struct storm *, uint32_t source, uint64_t now);
void	storm_free(struct storm *);

#endif /* EG_STORM_H */
