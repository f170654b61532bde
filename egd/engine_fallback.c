/*
 * Super mode falling back to P2P mode (DynamicRoute.SuperNode.
 * SuperNodeInfoTimeout, with DynamicRoute.P2P.UseP2P): an edge that has
 * not heard the supernode answer for that long runs P2P mode on the
 * peers the supernode listed last, so the network keeps measuring its
 * links and routing around a failure without it.  Super mode goes on
 * underneath, registering, so the first ServerUpdate that comes back
 * ends the fallback and the supernode's tables are used again.
 *
 * While it lasts, control messages from the supernode go to super mode,
 * the rest (Pings, flooded Pongs, BroadcastPeers) to P2P mode, and the
 * next hops are the ones egd's route process computes.
 */
#include <sys/types.h>

#include <stdint.h>

#include "egd.h"
#include "engine.h"
#include "util/log.h"

static struct {
	int			 on;
	struct wghost		*host;
	struct proc_chan	*chans;
} fb;

int
fallback_on(void)
{
	return fb.on;
}

/* Route shows and computes the table in force. */
static void
fallback_tell_route(uint8_t on)
{
	if (proc_compose(&fb.chans[PROC_ROUTE], IMSG_EGD_FALLBACK, 0, 0, -1,
	    &on, sizeof(on)) == -1)
		fatal("fallback to route");
}

static void
fallback_control(struct wgh_peer *from, const struct ovl_hdr *h,
    const uint8_t *payload, struct wg_time now)
{
	if (from == super_peer(0) || from == super_peer(1) ||
	    (h->dst != NODEID_SPREAD && h->usage != OVL_PING))
		super_control(from, h, payload, now);
	else
		p2p_control(from, h, payload, now);
}

void
fallback_enter(const struct edge_conf *conf, struct wghost *host,
    struct proc_chan chans[PROC_MAX], double silent_s)
{
	if (fb.on)
		return;
	fb.on = 1;
	fb.host = host;
	fb.chans = chans;
	log_warnx("no answer from the supernode for %.0f s "
	    "(SuperNodeInfoTimeout %g s): P2P mode until it is back",
	    silent_s, conf->dynroute.supernode.info_timeout);
	p2p_borrow(conf, host, chans);
	datapath_set_control(fallback_control);
	fallback_tell_route(1);
}

/* The supernode's peer list or the config changed under the fallback. */
void
fallback_update(const struct edge_conf *conf)
{
	if (!fb.on)
		return;
	if (!conf->dynroute.p2p.use_p2p ||
	    !conf->dynroute.supernode.use_supernode) {
		fallback_leave("a reload turned P2P mode off");
		return;
	}
	p2p_borrow(conf, fb.host, fb.chans);
}

/* Back to the supernode's tables; why says what brought it about. */
void
fallback_leave(const char *why)
{
	if (!fb.on)
		return;
	fb.on = 0;
	log_info("%s: the supernode's tables again", why);
	p2p_stop();
	fallback_tell_route(0);
	datapath_set_control(super_control);
	datapath_routes(super_nhtable());
}

/* Super mode is going away: no tables to go back to. */
void
fallback_end(void)
{
	if (!fb.on)
		return;
	fb.on = 0;
	p2p_stop();
	fallback_tell_route(0);
}
