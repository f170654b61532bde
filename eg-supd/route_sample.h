/*
 * eg-supd's route process: taking one sample (route_sample.c).
 */
#ifndef SUPD_ROUTE_SAMPLE_H
#define SUPD_ROUTE_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "supd_imsg.h"

struct route;

enum {
	SRS_TAKEN,
	SRS_DUPLICATE,		/* route_sample_seq(): taken already */
	SRS_STALE,		/* older than the link's */
	SRS_UNKNOWN,		/* an edge no longer configured */
	SRS_REFUSED,		/* the route engine refused it (NaN...) */
	SRS_BROKEN		/* malformed: the sender is broken (why) */
};

const struct conf_super_peer *supd_conf_peer(const struct super_conf *,
	    uint16_t);
/*
 * One IMSG_SUPD_SAMPLE payload into rt at now (monotonic s), with
 * edge_cost[] the AdditionalCost each edge reported last.  An SRS_*.
 */
int	supd_route_sample(struct route *, const struct super_conf *,
	    double edge_cost[65536], const void *, size_t, double now,
	    char *why, size_t whylen);

#endif /* SUPD_ROUTE_SAMPLE_H */
