/*
 * The engine process of egd: it will carry the data path (WireGuard
 * sessions, overlay forwarding).  It holds the running config and is the
 * authority on peer state, which it reports to control for egctl.
 */
#include <sys/types.h>

#include <event.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "eg_imsg.h"
#include "egd.h"
#include "log.h"
#include "sandbox.h"

static struct {
	struct proc_chan	 chans[PROC_MAX];
	struct reconf_stage	 stage;
	struct edge_conf	*conf;
	int			 narrowed;
} eng;

static void
engine_show_peers(struct proc_chan *pc, uint32_t client)
{
	const struct edge_conf		*conf = eng.conf;
	const struct conf_edge_peer	*p;
	struct ctl_peer			 cp;
	size_t				 i;

	for (i = 0; conf != NULL && i < conf->npeers; i++) {
		p = &conf->peers[i];
		memset(&cp, 0, sizeof(cp));
		cp.node_id = p->node_id;
		cp.nexthop = conf_nexthop(&conf->nhtable, conf->node_id,
		    p->node_id);
		if (p->is_static)
			cp.flags |= CTLP_STATIC;
		if (p->psk.set)
			cp.flags |= CTLP_HAS_PSK;
		strlcpy(cp.endpoint, p->endpoint, sizeof(cp.endpoint));
		cp.persistent_keepalive = p->persistent_keepalive;
		cp.latency_ms = NAN;
		if (proc_compose(pc, IMSG_CTL_PEER, client, 0, -1, &cp,
		    sizeof(cp)) == -1)
			fatal("show peers");
	}
	if (proc_compose(pc, IMSG_CTL_END, client, 0, -1, NULL, 0) == -1)
		fatal("show peers");
}

static void
engine_dispatch_parent(struct proc_chan *pc, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_RECONF_CONF:
	case IMSG_RECONF_DONE:
		if (!reconf_stage_imsg(&eng.stage, imsg))
			break;
		if (eng.conf != NULL)
			conf_free_edge(eng.conf);
		eng.conf = egd_conf_receive(&eng.stage, 0);
		log_setcats(conf_log_categories(&eng.conf->loglevel));
		break;
	case IMSG_EGD_FDS_DONE:
		/* Everything that needed more is here: narrow for good. */
		if (!eng.narrowed) {
			sandbox_narrow(SB_ENGINE);
			eng.narrowed = 1;
		}
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

static void
engine_dispatch_control(struct proc_chan *pc, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_CTL_SHOW_PEERS:
		engine_show_peers(pc, imsg->hdr.peerid);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

void
engine_main(void)
{
	static const proc_dispatch_cb dispatch[PROC_MAX] = {
		[PROC_PARENT] = engine_dispatch_parent,
		[PROC_ROUTE] = proc_unexpected,
		[PROC_CONTROL] = engine_dispatch_control,
	};

	proc_child_start(PROC_ENGINE, SB_ENGINE_SETUP, eng.chans, dispatch);
	event_dispatch();
	if (eng.conf != NULL)
		conf_free_edge(eng.conf);
	exit(0);
}
