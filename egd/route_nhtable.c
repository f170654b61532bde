/*
 * The route engine process of egd: it owns the next-hop table.  In
 * static mode that is the config's NextHopTable, in super mode the
 * supernode's, in P2P mode (and super mode fallen back to it) the one
 * route_p2p.c computes.
 */
#include <sys/types.h>

#include <event.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "egd.h"
#include "proc/ctl.h"
#include "proc/proc_imsg.h"
#include "proc/sandbox.h"
#include "route.h"
#include "util/log.h"

static int	route_check(const void *, char *, size_t);
static void	route_commit(void *);

static struct {
	struct proc_chan	 chans[PROC_MAX];
	struct reconf_child	 reconf;
	struct edge_conf	*conf;
	/* super mode: the table from the supernode, and one coming in */
	struct conf_nhtable	 super;
	struct conf_nhtable	 incoming;
	int			 fallback;	/* super mode fell back */
} rte = {
	.reconf = { .self = PROC_ROUTE, .flags = CONF_PARSE_NO_SECRETS,
	    .check = route_check, .commit = route_commit },
};

static int
route_check(const void *arg, char *why, size_t len)
{
	return route_p2p_check(arg, why, len);
}

/* A new config; out of super mode the supernode's table goes. */
static void
route_commit(void *arg)
{
	struct edge_conf	*conf = arg;

	if (rte.conf != NULL)
		conf_free_edge(rte.conf);
	rte.conf = conf;
	if (!conf->dynroute.supernode.use_supernode) {
		free(rte.super.entries);
		memset(&rte.super, 0, sizeof(rte.super));
	}
	route_p2p_configure(conf, rte.chans);
}

/* The table in use: the config's, the supernode's or P2P's. */
static const struct conf_nhtable *
route_table(void)
{
	if (rte.conf != NULL && rte.conf->dynroute.supernode.use_supernode &&
	    !(rte.fallback && route_p2p_on()))
		return &rte.super;
	if (route_p2p_on())
		return route_p2p_table();
	return rte.conf != NULL ? &rte.conf->nhtable : NULL;
}

/* The whole table, or only this node's row. */
static void
route_show(struct proc_chan *pc, uint32_t client, int all)
{
	const struct conf_nhtable	*nh;
	struct ctl_route		 r;
	size_t				 i;

	nh = route_table();
	for (i = 0; nh != NULL && i < nh->count; i++) {
		if (!all && nh->entries[i].src != rte.conf->node_id)
			continue;
		memset(&r, 0, sizeof(r));
		r.src = nh->entries[i].src;
		r.dst = nh->entries[i].dst;
		r.nexthop = nh->entries[i].nexthop;
		r.dist_ms = nh == route_p2p_table() ?
		    route_p2p_dist(r.src, r.dst) : NAN;
		if (proc_compose(pc, IMSG_CTL_ROUTE, client, 0, -1, &r,
		    sizeof(r)) == -1)
			fatal("show routes");
	}
	if (proc_compose(pc, IMSG_CTL_END, client, 0, -1, NULL, 0) == -1)
		fatal("show routes");
}

static void
route_dispatch_parent(struct proc_chan *pc, struct imsg *imsg)
{
	if (!reconf_child_dispatch(&rte.reconf, pc, imsg))
		proc_unexpected(pc, imsg);
}

static void
route_dispatch_engine(struct proc_chan *pc, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_EGD_P2P_PONG:
		route_p2p_pong(imsg);
		break;
	case IMSG_EGD_FALLBACK:
		if (imsg->datalen != 1)
			fatalx("IMSG_EGD_FALLBACK: bad length");
		rte.fallback = *(uint8_t *)imsg->data != 0;
		if (rte.fallback)
			route_p2p_resend();
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

static void
route_dispatch_control(struct proc_chan *pc, struct imsg *imsg)
{
	uint8_t	all;

	switch (imsg->hdr.type) {
	case IMSG_EGD_NH:
	case IMSG_EGD_NH_DONE:
		if (!egd_nhtable_imsg(&rte.incoming, imsg))
			break;
		free(rte.super.entries);
		rte.super = rte.incoming;
		memset(&rte.incoming, 0, sizeof(rte.incoming));
		break;
	case IMSG_CTL_SHOW_ROUTES:
		if (imsg->datalen != sizeof(all))
			fatalx("IMSG_CTL_SHOW_ROUTES: bad length");
		memcpy(&all, imsg->data, sizeof(all));
		route_show(pc, imsg->hdr.peerid, all);
		break;
	case IMSG_CTL_SHOW_LINKS:
		if (route_p2p_on() && (rte.fallback ||
		    !rte.conf->dynroute.supernode.use_supernode)) {
			route_p2p_show_links(pc, imsg->hdr.peerid);
			break;
		}
		/* Super mode: the supernode measures; static: nobody. */
		if (ctl_result_compose(pc, imsg->hdr.peerid, 1, "egd measures "
		    "no links out of P2P mode: in super mode ask eg-supd") == -1)
			fatal("show links");
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

void
route_main(void)
{
	static const proc_dispatch_cb dispatch[PROC_MAX] = {
		[PROC_PARENT] = route_dispatch_parent,
		[PROC_ENGINE] = route_dispatch_engine,
		[PROC_CONTROL] = route_dispatch_control,
	};

	proc_child_start(PROC_ROUTE, SB_ROUTE, rte.chans, dispatch);
	event_dispatch();
	route_p2p_free();
	free(rte.super.entries);
	free(rte.incoming.entries);
	if (rte.conf != NULL)
		conf_free_edge(rte.conf);
	exit(0);
}
