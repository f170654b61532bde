/*
 * The reverse-path check of the data path.  WireGuard authenticates the
 * neighbour a datagram came from, not the overlay source NodeID written
 * in it: a member could otherwise speak for any node.  So a frame with
 * source S from neighbour F != S is taken only if F hands this node S's
 * traffic on the table in force:
 *
 *   unicast:   F is on S's path to some destination D and F's next hop
 *		toward D is this node (the set of such F, per source);
 *   broadcast: F is the node before this one on S's path to this node,
 *		the one that passes S's broadcast on along S's
 *		shortest-path tree (engine_fwdtable.c).
 *
 * A set per source rather than per (source, destination): exact pairs
 * would need a table of sources x destinations, or a path walk for
 * every relayed frame; the set costs one search, like the broadcast
 * targets, and lets F speak only for the sources it relays to us anyway.
 */
#ifndef EG_RPF_H
#define EG_RPF_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

/* No frame makes more hops than a TTL holds: nor does a path walk. */
#define RPF_MAX_HOPS	255

struct rpf_src {
	uint16_t	 src;
	uint16_t	 bcast_from;	/* NODEID_INVALID: none */
	uint16_t	 nup;
	uint16_t	*up;		/* unicast upstreams, ascending */
};

struct rpf_table {
	struct rpf_src	*srcs;		/* sorted by src */
	size_t		 nsrcs;
};

/* The upstreams of node me from this table; -1 on memory exhaustion. */
int	rpf_build(struct rpf_table *, const struct conf_nhtable *,
	    uint16_t me);
void	rpf_free(struct rpf_table *);
/* Source src's upstreams (NULL: the table has no path from src to us). */
const struct rpf_src *rpf_lookup(const struct rpf_table *, uint16_t src);
/* May neighbour `from' pass us a frame of src (bcast: a broadcast)? */
int	rpf_allows(const struct rpf_table *, uint16_t src, uint16_t from,
	    int bcast);
/*
 * The check across a change of tables: from's frame of src is taken if
 * from is src, or cur allows it, or prev (NULL: none) does and now is
 * before prev_until (ns).
 */
int	rpf_check(const struct rpf_table *cur, const struct rpf_table *prev,
	    uint64_t prev_until, uint16_t src, uint16_t from, int bcast,
	    uint64_t now);
/* Do both tables allow the same neighbours? */
int	rpf_equal(const struct rpf_table *, const struct rpf_table *);

#endif /* EG_RPF_H */
