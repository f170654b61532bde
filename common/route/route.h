/*
 * The route engine: one-way latency samples in, next-hop tables out.
 * It serves super mode (eg-supd's route process), P2P mode (egd's route
 * process) and, through route_matrix.h, egctl solve.  Pure: no I/O and
 * no clock; "now" is seconds on the caller's monotonic clock.
 *
 * Nodes are NodeIDs 0..65531 added with route_node_add(); the
 * computation runs on a dense index in ascending NodeID order.
 *
 * Links.  A link u->v exists while it has a sample younger than that
 * sample's time to live (age > ttl expires it) and both nodes are
 * online.  Its latency is the damped measurement: each sample goes
 * through a median filter of the last 2r+1 raw samples (r =
 * DampingFilterRadius; while fewer are held, the median of the newest
 * odd number of them), then latency = old * R + filtered * (1 - R)
 * (R = DampingResistance; the first sample after the link appears is
 * taken as filtered).  An expired link forgets its history.
 *
 * ManualLatency (ms) replaces the measured latency.  65535 is a
 * wildcard; for a link u->v the first entry found wins, in the order
 * [u][v], [u][*], [*][v], [*][*] (the source-specific wildcard before
 * the destination-specific one).  Only an exact [u][v] entry creates a
 * link that has no sample (the administrator vouches for that pair);
 * wildcards only override links that are measured.  A manual value of
 * EG_INFINITY_JSON or more removes the link.  Offline nodes have no
 * links either way.
 *
 * Weight fed to Floyd-Warshall: latency(u->v) + AdditionalCost(v), the
 * cost of the node the link enters, in whole microseconds.  A measured
 * sample below 0 is taken as 0 and counted (route_stats()): an edge
 * sets the clock of the Pings it sends and the latency of the Pongs it
 * reports, so with negative values it could make every path through
 * itself shorter than any direct one.  With samples at 0 or more, a
 * path through a node costs at least its AdditionalCost plus the next
 * node's; a clock off by more than a link's latency only makes the
 * node it belongs to a worse relay, never a better one (run NTP).  A
 * negative ManualLatency (the administrator's) is used as it is; a
 * negative cycle sets ROUTE_NEGCYCLE and every negative weight is
 * clamped to 0 for that computation.
 *
 * Tie rule: shortest distance, then fewest hops, then lowest next-hop
 * NodeID.  Every node computing the same graph gets the same table,
 * and the table has no loops even where zero-weight cycles make many
 * paths equal (plain "lowest NodeID on a shortest path" loops there).
 *
 * When it computes.  A sample triggers a computation only if it makes a
 * link appear, or moves the latency away from the value the last
 * computation used by more than JitterTolerance + max(|old|, |new|) *
 * (JitterToleranceMultiplier - 1) (route_jitter_exceeds()).  An expired
 * link triggers too.  These wait until RecalculateCoolDown seconds have
 * passed since the last computation, and so does a change of a node's
 * AdditionalCost (the edge's own value rides on every Pong it sends: a
 * member alternating it must not buy one computation per Pong).  Nodes
 * joining, leaving, going online or offline, and changes of
 * ManualLatency or StaticMode trigger at once, cool-down or not.  Expiry is checked every
 * TimeoutCheckInterval seconds.  When the only changes are lowered
 * weights, the update is incremental (O(n^2) each) and exactly equal to
 * a full computation.  In StaticMode nothing is computed and the table
 * is the one given to route_set_static_table().
 *
 * Samples with an origin.  A Pong is measured once by the edge dst, on
 * the Ping src sent with a sequence number, but may reach the engine
 * more than once (eg-supd gets it over UDP and again, later, in the
 * edge's EdgeAPI report).  route_sample_seq() takes each measurement
 * once and never lets an older one refresh a link.  Per link it holds
 * the number and the measurement time of the newest sample taken, and
 * which of the ROUTE_SEQ_WINDOW numbers before it were taken; numbers
 * compare in serial number arithmetic (RFC 1982: the 32-bit number may
 * wrap).  A new sample with
 *   - the same number as the newest: a duplicate, however late;
 *   - a later number: taken, unless it was measured more than
 *     ROUTE_SEQ_SKEW seconds before the newest (a late copy from before
 *     src restarted): stale;
 *   - an earlier number: taken if it was measured more than
 *     ROUTE_SEQ_SKEW seconds after the newest (src restarted and counts
 *     from 1 again; its numbers rule from there on), else a duplicate
 *     if that number was taken, else stale.
 * ROUTE_SEQ_SKEW bounds how differently two paths time one measurement
 * (the EdgeAPI report's transit against the Pong's).  A restarted src
 * loses only the samples it measured within ROUTE_SEQ_SKEW of its last
 * one before the restart, and one numbered as that one.  An expired
 * link forgets its numbers.
 */
#ifndef EG_ROUTE_H
#define EG_ROUTE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"

/* "Unreachable" in JSON exports (super/state's Infinity field). */
#define EG_INFINITY_JSON	99999

#define ROUTE_LAT_MAX_MS	1e7	/* |latency| and manual values clamp */
#define ROUTE_COST_MAX_MS	1e7	/* AdditionalCost clamp */
#define ROUTE_RADIUS_MAX	32	/* DampingFilterRadius */
#define ROUTE_SEQ_SKEW		5.0	/* s, see route_sample_seq() */
#define ROUTE_SEQ_WINDOW	63	/* numbers before the newest held */

struct route_params {
	int	 static_mode;
	double	 jitter_tolerance;		/* ms, >= 0 */
	double	 jitter_tolerance_multiplier;	/* >= 1 */
	double	 damping_resistance;		/* 0 <= R < 1 */
	int	 damping_filter_radius;		/* 0..ROUTE_RADIUS_MAX */
	double	 timeout_check_interval;	/* s, >= 0 */
	double	 recalculate_cooldown;		/* s, >= 0 */
};

/* route_poll() and route_compute() result bits */
#define ROUTE_COMPUTED		0x01	/* a computation ran */
#define ROUTE_CHANGED		0x02	/* the next-hop table changed */
#define ROUTE_NEGCYCLE		0x04	/* negative cycle: log it */
#define ROUTE_COARSE		0x08	/* weights rounded (huge costs) */
#define ROUTE_INCREMENTAL	0x10	/* done by incremental updates */
#define ROUTE_EXPIRED		0x20	/* links expired in this poll */

/* route_sample_seq() verdicts */
#define ROUTE_SAMPLE_TAKEN	0
#define ROUTE_SAMPLE_DUPLICATE	1
#define ROUTE_SAMPLE_STALE	2

struct route_sample_counts {
	uint64_t	 taken;
	uint64_t	 duplicate;	/* a sample already taken */
	uint64_t	 stale;		/* older than the one held */
};

/* What the engine did since route_new(). */
struct route_stats {
	uint64_t	 computations;	/* route_compute() runs, all kinds */
	uint64_t	 full;		/* of them: Floyd-Warshall from scratch */
	uint64_t	 negative;	/* samples below 0 taken as 0 */
};

/* A measured link, for display (route_links()). */
struct route_link_info {
	uint16_t		 src;
	uint16_t		 dst;
	int			 live;
	int			 has_seq;	/* seq and age are known */
	uint32_t		 seq;		/* of the newest sample taken */
	double			 lat_ms;	/* damped, before ManualLatency */
	double			 age_s;		/* since that sample's measurement */
	double			 expires_s;	/* from now */
	struct route_sample_counts counts;	/* since the link appeared */
};

struct route;

/* Settings from a config's GraphRecalculateSetting and radius. */
void	route_params_from_conf(struct route_params *,
	    const struct conf_graph *, int damping_filter_radius);

/* NULL with errno EINVAL (bad params) or ENOMEM. */
struct route	*route_new(const struct route_params *);
void		 route_free(struct route *);
/* -1 with EINVAL on a bad value; nothing is changed then. */
int		 route_set_params(struct route *, const struct route_params *);
/* Entries in any order; -1 with EINVAL on a reserved id, NaN, repeat. */
int		 route_set_manual(struct route *, const struct conf_latency *,
		    size_t);
/* Copied; -1 with EINVAL on a reserved id or a repeat. */
int		 route_set_static_table(struct route *,
		    const struct conf_nhtable *);

/* Nodes: -1 with EINVAL (reserved id), EEXIST or ENOENT, ENOMEM. */
int		 route_node_add(struct route *, uint16_t id);
int		 route_node_del(struct route *, uint16_t id);
int		 route_node_online(struct route *, uint16_t id, int online);
/* Effective AdditionalCost in ms; negatives count as 0. */
int		 route_node_cost(struct route *, uint16_t id, double ms);
/* The supernode's value, where -1 means the edge's own. */
double		 route_resolve_cost(double super_ms, double edge_ms);

/*
 * One measurement of src->dst, valid for ttl seconds.  -1 with ENOENT
 * (unknown node), EINVAL (src == dst, NaN, ttl <= 0), ENOMEM.
 */
int		 route_sample(struct route *, uint16_t src, uint16_t dst,
		    double ms, double ttl, double now);
/*
 * The same with its origin: the link's measurement number seq (from the
 * Ping), measured at time measured (<= now) on the caller's clock, ttl
 * seconds left from now.  Returns a ROUTE_SAMPLE_* verdict (only a
 * TAKEN sample changes the link), or -1 as route_sample() does (EINVAL
 * also for a measured that is not finite).
 */
int		 route_sample_seq(struct route *, uint16_t src, uint16_t dst,
		    uint32_t seq, double ms, double ttl, double measured,
		    double now);
/* Counts of every sample since route_new(); route_sample() is taken. */
void		 route_sample_counts(const struct route *,
		    struct route_sample_counts *);
void		 route_stats(const struct route *, struct route_stats *);
/*
 * The measured links sorted by (src, dst), malloc'ed (NULL when none);
 * -1 with ENOMEM.
 */
int		 route_links(const struct route *, double now,
		    struct route_link_info **, size_t *);
/*
 * route_ctl.c: egctl show links: the measured links, then the sample
 * counts of all links, to the client (rt NULL: none yet); the caller
 * adds its own counters and IMSG_CTL_END.
 */
struct proc_chan;
void		 route_ctl_links(const struct route *, double now,
		    struct proc_chan *, uint32_t client);
/* The jitter rule: non-zero if new differs enough from old. */
int		 route_jitter_exceeds(double old_ms, double new_ms,
		    double tolerance, double multiplier);

/* Does what is due at now; returns ROUTE_* bits, or -1 (ENOMEM). */
int		 route_poll(struct route *, double now);
/* Computes now, whatever the triggers say. */
int		 route_compute(struct route *, double now);
/* When route_poll() has something to do next (-HUGE_VAL: at once). */
double		 route_next_poll(const struct route *);

/*
 * Results of the last computation (or the static table).  Distances
 * and edges in ms, HUGE_VAL when unreachable or absent.
 */
size_t		 route_count(const struct route *);
uint16_t	 route_node_at(const struct route *, size_t);
/* NODEID_INVALID when there is no next hop. */
uint16_t	 route_nexthop(const struct route *, uint16_t src,
		    uint16_t dst);
/* Dist: the sum of the weights fed along the chosen path. */
double		 route_dist(const struct route *, uint16_t, uint16_t);
/* Dist_noAC: the sum of the latencies alone along the chosen path. */
double		 route_dist_noac(const struct route *, uint16_t, uint16_t);
/* Hops on the chosen path, 0 if none. */
unsigned int	 route_hops(const struct route *, uint16_t, uint16_t);
/* Edges_Nh: the weight fed for the link in the last computation. */
double		 route_edge_nh(const struct route *, uint16_t, uint16_t);
/* Edges: the link's latency now (manual or damped). */
double		 route_edge(const struct route *, uint16_t, uint16_t);
/* A value for JSON: EG_INFINITY_JSON when not finite. */
double		 route_json_ms(double);

/* The table, malloc'ed (free entries); -1 with ENOMEM. */
int		 route_nhtable(const struct route *, struct conf_nhtable *);
/*
 * As YAML that egd's config accepts: "NextHopTable:", then one map per
 * source in ascending order, without src == dst or unreachable pairs
 * (a source with no entry has no map; no entry at all: "NextHopTable:
 * {}").  The table must be sorted, as route_nhtable() makes it.
 */
int		 route_nhtable_print(FILE *, const struct conf_nhtable *);

#endif /* EG_ROUTE_H */
