/*
 * The route engine process of eg-supd: it will compute every edge's
 * next-hop table from the latencies the edges report.  With
 * GraphRecalculateSetting.StaticMode the table is the config's.
 */
#include <sys/types.h>

#include <event.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "eg-supd.h"
#include "eg_imsg.h"
#include "log.h"
#include "sandbox.h"

static struct {
	struct proc_chan	 chans[PROC_MAX];
	struct reconf_stage	 stage;
	struct super_conf	*conf;
} rte;

static void
route_show(struct proc_chan *pc, uint32_t client)
{
	const struct conf_nexthop	*e;
	struct ctl_route		 r;
	size_t				 i;

	for (i = 0; rte.conf != NULL && i < rte.conf->nhtable.count; i++) {
		e = &rte.conf->nhtable.entries[i];
		memset(&r, 0, sizeof(r));
		r.src = e->src;
		r.dst = e->dst;
		r.nexthop = e->nexthop;
		r.dist_ms = NAN;
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
	switch (imsg->hdr.type) {
	case IMSG_RECONF_CONF:
	case IMSG_RECONF_DONE:
		if (!reconf_stage_imsg(&rte.stage, imsg))
			break;
		if (rte.conf != NULL)
			conf_free_super(rte.conf);
		rte.conf = supd_conf_receive(&rte.stage, CONF_PARSE_NO_SECRETS);
		log_setcats(conf_log_categories(&rte.conf->loglevel));
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

static void
route_dispatch_control(struct proc_chan *pc, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_CTL_SHOW_ROUTES:
		/* The supernode has no row of its own: always the table. */
		route_show(pc, imsg->hdr.peerid);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

void
supd_route_main(void)
{
	static const proc_dispatch_cb dispatch[PROC_MAX] = {
		[PROC_PARENT] = route_dispatch_parent,
		[PROC_ENGINE] = proc_unexpected,
		[PROC_CONTROL] = route_dispatch_control,
	};

	proc_child_start(PROC_ROUTE, SB_ROUTE, rte.chans, dispatch);
	event_dispatch();
	if (rte.conf != NULL)
		conf_free_super(rte.conf);
	exit(0);
}
