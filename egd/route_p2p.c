/*
 * P2P mode in egd's route process (and super mode's, for a fallback to
 * P2P mode: see egd/engine_fallback.c): the distance matrix and the route
 * engine (damping, jitter tolerance, cool-down, AdditionalCost,
 * Floyd-Warshall) on the Pongs the engine passes on, its own and those
 * flooded by the others, and the next-hop table for the engine.  Every
 * node computes on the same Pongs with the same rules, so the tables
 * agree (common/route/route.h: the tie rule).  Nodes are this one and
 * every node a Pong names, up to P2P_NODES_MAX; a node's AdditionalCost
 * is the one its own Pongs carry.
 */
#include <sys/types.h>

#include <errno.h>
#include <event.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "egd.h"
#include "proc/ctl.h"
#include "route.h"
#include "route/route.h"
#include "route/route_batch.h"
#include "util/log.h"

#define P2P_NODES_MAX	1024	/* as the engine's peer table */
#define NH_CHUNK	8192	/* entries per IMSG_EGD_P2P_NH */

static struct {
	struct route		*rt;
	struct proc_chan	*chans;
	const struct edge_conf	*conf;
	struct conf_nhtable	 nh;		/* the table last sent */
	int			 sent;		/* one was sent */
	uint64_t		 pongs_refused;	/* node table full */
	struct route_batch	 batch;
} rp;

int
route_p2p_on(void)
{
	return rp.rt != NULL;
}

static void
route_p2p_params(const struct edge_conf *conf, struct route_params *p)
{
	route_params_from_conf(p, &conf->dynroute.p2p.graph,
	    conf->dynroute.damping_filter_radius);
}

int
route_p2p_check(const struct edge_conf *conf, char *why, size_t len)
{
	struct route_params	 params;
	struct route		*rt;

	if (!conf->dynroute.p2p.use_p2p)
		return 0;
	route_p2p_params(conf, &params);
	if (params.damping_filter_radius > ROUTE_RADIUS_MAX) {
		snprintf(why, len, "DynamicRoute.DampingFilterRadius %d: the "
		    "route engine takes at most %d",
		    params.damping_filter_radius, ROUTE_RADIUS_MAX);
		return -1;
	}
	if ((rt = route_new(&params)) == NULL) {
		snprintf(why, len, "DynamicRoute.P2P.GraphRecalculateSetting: "
		    "the route engine cannot take these parameters: %s",
		    strerror(errno));
		return -1;
	}
	route_free(rt);
	return 0;
}

/* The whole table to the engine, in pieces, then the end. */
static void
route_p2p_send(void)
{
	struct proc_chan	*pc = &rp.chans[PROC_ENGINE];
	size_t			 off, k;

	free(rp.nh.entries);
	memset(&rp.nh, 0, sizeof(rp.nh));
	if (route_nhtable(rp.rt, &rp.nh) == -1)
		fatal("next-hop table");
	for (off = 0; off < rp.nh.count; off += k) {
		k = rp.nh.count - off > NH_CHUNK ? NH_CHUNK :
		    rp.nh.count - off;
		if (proc_compose(pc, IMSG_EGD_P2P_NH, 0, 0, -1,
		    rp.nh.entries + off, k * sizeof(*rp.nh.entries)) == -1)
			fatal("next-hop table to the engine");
	}
	if (proc_compose(pc, IMSG_EGD_P2P_NH_DONE, 0, 0, -1, NULL, 0) == -1)
		fatal("next-hop table to the engine");
	rp.sent = 1;
}

/* After a poll: send the table if it changed. */
static void
route_p2p_polled(int r, void *arg)
{
	if ((r & ROUTE_CHANGED) || !rp.sent) {
		log_cat(LOGC_INTERNAL, "next-hop table changed");
		route_p2p_send();
	}
}

/*
 * A node the engine knows of, online from the first Pong naming it; -1
 * when it is new and the node table is full.
 */
static int
route_p2p_node(uint16_t id)
{
	if (route_count(rp.rt) < P2P_NODES_MAX &&
	    route_node_add(rp.rt, id) == -1 && errno != EEXIST)
		fatal("route node %u", id);
	return route_node_online(rp.rt, id, 1);
}

void
route_p2p_configure(const struct edge_conf *conf,
    struct proc_chan chans[PROC_MAX])
{
	struct route_params	params;

	rp.chans = chans;
	rp.conf = conf;
	if (!conf->dynroute.p2p.use_p2p) {
		route_p2p_free();
		return;
	}
	route_p2p_params(conf, &params);
	if (rp.rt == NULL) {
		if ((rp.rt = route_new(&params)) == NULL)
			fatal("route engine");
		route_batch_init(&rp.batch, route_p2p_polled, NULL);
		route_batch_set(&rp.batch, rp.rt);
		rp.sent = 0;
	} else if (route_set_params(rp.rt, &params) == -1)
		fatal("route engine parameters");
	if (route_p2p_node(conf->node_id) == -1)
		fatal("route node %u", conf->node_id);
	route_node_cost(rp.rt, conf->node_id, conf->dynroute.additional_cost);
	if (route_set_manual(rp.rt, conf->dynroute.p2p.graph.manual,
	    conf->dynroute.p2p.graph.manual_count) == -1)
		log_warn("DynamicRoute.P2P.GraphRecalculateSetting."
		    "ManualLatency");
	if (conf->dynroute.p2p.graph.static_mode &&
	    route_set_static_table(rp.rt, &conf->nhtable) == -1)
		log_warn("NextHopTable");
	route_batch_run(&rp.batch);
}

/*
 * A Pong: the link src -> dst measured by dst.  The engine checked it;
 * this process checks again what it relies on.
 */
void
route_p2p_pong(struct imsg *imsg)
{
	struct ovlmsg_pong	pong;
	double			now = route_batch_now();

	if (imsg->datalen != sizeof(pong))
		fatalx("IMSG_EGD_P2P_PONG: bad length");
	memcpy(&pong, imsg->data, sizeof(pong));
	if (pong.src > NODEID_MAX_VALID || pong.dst > NODEID_MAX_VALID ||
	    pong.src == pong.dst || !isfinite(pong.latency_ms) ||
	    !(pong.lifetime_s > 0) || !isfinite(pong.additional_cost))
		fatalx("IMSG_EGD_P2P_PONG: bad Pong");
	if (rp.rt == NULL)
		return;		/* sent before a reload ended P2P mode */
	if (route_p2p_node(pong.src) == -1 || route_p2p_node(pong.dst) == -1) {
		rp.pongs_refused++;
		return;
	}
	if (pong.dst != rp.conf->node_id)
		route_node_cost(rp.rt, pong.dst, pong.additional_cost);
	if (route_sample_seq(rp.rt, pong.src, pong.dst, pong.seq,
	    pong.latency_ms, pong.lifetime_s, now, now) == -1)
		log_warn("Pong %u -> %u", pong.src, pong.dst);
	/*
	 * Not at once: a node a Pong names for the first time makes the
	 * route engine compute, cool-down or not, and a member can name a
	 * thousand in a second.  The Pongs read together compute once,
	 * when the event loop comes back.
	 */
	route_batch_soon(&rp.batch);
}

/* Super mode fell back: the engine takes the table it has now. */
void
route_p2p_resend(void)
{
	rp.sent = 0;
	route_batch_run(&rp.batch);
}

const struct conf_nhtable *
route_p2p_table(void)
{
	return &rp.nh;
}

double
route_p2p_dist(uint16_t src, uint16_t dst)
{
	double	d;

	if (rp.rt == NULL)
		return NAN;
	d = route_dist(rp.rt, src, dst);
	return isfinite(d) ? d : NAN;
}

/* The measured links, then the sample counts of all links. */
void
route_p2p_show_links(struct proc_chan *pc, uint32_t client)
{
	route_ctl_links(rp.rt, route_batch_now(), pc, client);
	ctl_counter_compose(pc, client, CTLC_DROP, "Pong naming a node "
	    "beyond the node table", rp.pongs_refused);
	if (proc_compose(pc, IMSG_CTL_END, client, 0, -1, NULL, 0) == -1)
		fatal("show links");
}

void
route_p2p_free(void)
{
	if (rp.rt != NULL) {
		route_batch_set(&rp.batch, NULL);
		route_free(rp.rt);
		rp.rt = NULL;
	}
	free(rp.nh.entries);
	memset(&rp.nh, 0, sizeof(rp.nh));
	rp.sent = 0;
}
