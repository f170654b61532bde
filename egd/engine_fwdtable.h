/*
 * A node's forwarding table, built from a NextHopTable: the next hop to
 * every destination (an array indexed by NodeID, one load per frame),
 * and for broadcasts, per source, the neighbours this node must pass the
 * frame on to so that it travels the source's shortest-path tree and
 * reaches every node once (docs: static mode, "Broadcast without
 * duplicates").  It holds the reverse-path check's upstreams of the same
 * table (engine_rpf.h), so that both always describe one table.
 */
#ifndef EG_FWDTABLE_H
#define EG_FWDTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "engine_rpf.h"

struct fwd_bcast {
	uint16_t	 src;
	uint16_t	 count;
	uint16_t	*to;		/* neighbours, ascending */
};

struct fwd_table {
	uint16_t		 me;
	uint16_t		*nexthop;	/* [65536], NODEID_INVALID: none */
	struct fwd_bcast	*bcast;		/* sorted by src */
	size_t			 nbcast;
	struct rpf_table	 rpf;		/* who may pass us a source */
};

/*
 * Build the table of node `me' whose direct neighbours (the peers it has
 * sessions with) are nbr[0..nnbr-1].  NULL on memory exhaustion.
 */
struct fwd_table *fwd_table_build(const struct conf_nhtable *, uint16_t me,
	    const uint16_t *nbr, size_t nnbr);
void	fwd_table_free(struct fwd_table *);

static inline uint16_t
fwd_nexthop(const struct fwd_table *t, uint16_t dst)
{
	return t->nexthop[dst];
}

/* Neighbours to pass a broadcast from src on to (none: NULL, *n 0). */
const uint16_t *fwd_bcast_targets(const struct fwd_table *, uint16_t src,
	    size_t *n);

#endif /* EG_FWDTABLE_H */
