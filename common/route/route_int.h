/*
 * Inside the route engine (route.c, route_edge.c, route_out.c): the
 * engine's state, the table of measured links and the results.
 */
#ifndef EG_ROUTE_INT_H
#define EG_ROUTE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "route.h"
#include "route_fw.h"

#define ROUTE_NOIDX	0xffff		/* no dense index */

/* A measured link, in route_edge.c's open-addressing table. */
struct route_link {
	uint32_t	 key;		/* src << 16 | dst; 0 = free slot */
	uint8_t		 live;		/* has a sample within its ttl */
	uint8_t		 used_live;	/* live in the last computation */
	uint8_t		 dirty;		/* in route's dirty list */
	uint16_t	 nwin;		/* raw samples held */
	uint16_t	 pos;		/* next slot in win */
	uint16_t	 wcap;		/* slots in win */
	double		 lat_ms;	/* damped latency */
	double		 seen;		/* time of the last sample */
	double		 ttl;
	double		 used_ms;	/* latency the last computation used */
	double		*win;		/* 2r+1 raw samples, ring */
	/* route_seq.c: the newest sequenced sample taken, and counts */
	uint8_t		 has_seq;
	uint32_t	 seq;
	uint64_t	 seqwin;	/* bit i: seq - i was taken */
	double		 measured;
	struct route_sample_counts counts;
};

struct route_links {
	struct route_link	*slots;
	size_t			 cap;		/* power of two */
	size_t			 count;
};

struct route_node {
	uint16_t	 id;
	uint8_t		 online;
	double		 cost_ms;
};

struct route {
	struct route_params	 p;

	struct route_node	*nodes;		/* sorted by id */
	size_t			 nnodes;
	struct route_links	 links;
	struct conf_latency	*manual;	/* sorted by (src, dst) */
	size_t			 nmanual;
	struct conf_nhtable	 stable;	/* static table, sorted */

	uint32_t		*dirty;		/* links touched since the */
	size_t			 ndirty;	/* last computation (keys) */
	size_t			 dirtycap;
	int			 pending_force;	/* compute at the next poll */
	int			 pending_lat;	/* compute after cool-down */
	int			 pending_cost;	/* same, and in full */
	int			 static_news;	/* static table not reported */
	double			 last_compute;
	double			 next_check;

	/* The last computation. */
	struct fw		*fw;
	size_t			 n;
	uint16_t		*ids;		/* dense index -> NodeID */
	uint16_t		*idx;		/* NodeID -> index, 65536 */
	int64_t			*cost_us;	/* per index */
	uint8_t			*online;	/* per index */
	uint16_t		*nh;		/* n x n NodeIDs */
	int			 computed;
	int			 fw_ok;		/* fw holds the same index */

	struct route_sample_counts counts;	/* every link, ever */
	struct route_stats	 stats;
};

/* route_edge.c: the table of measured links */
struct route_link *route_link_get(const struct route_links *, uint16_t,
	    uint16_t);
struct route_link *route_link_add(struct route_links *, uint16_t,
	    uint16_t);
void	route_link_del(struct route_links *, struct route_link *);
void	route_link_forget(struct route_link *);
void	route_links_free(struct route_links *);
int	route_link_push(struct route_link *, double ms, int radius,
	    double resistance);

/* route.c: a sample of l taken; validated by the caller.  -1: ENOMEM. */
int	route_link_take(struct route *, struct route_link *, uint16_t src,
	    uint16_t dst, double ms, double ttl, double now);
/* The effective latency of a link now, or HUGE_VAL. */
double	route_link_latency(const struct route *, uint16_t, uint16_t);
const struct route_node *route_node_find(const struct route *, uint16_t);
/* Notes a link touched since the last computation. */
void	route_link_dirty(struct route *, struct route_link *);
/* A link's latency now (manual or damped), nodes taken as online. */
double	route_link_ms(const struct route *, const struct route_link *,
	    uint16_t src, uint16_t dst);

#endif /* EG_ROUTE_INT_H */
