/*
 * egctl show links, answered the same way by every route process that
 * runs the route engine (eg-supd's, and egd's in P2P mode).
 */
#include <sys/types.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proc/ctl.h"
#include "proc/proc.h"
#include "proc/proc_imsg.h"
#include "route.h"
#include "util/log.h"

void
route_ctl_links(const struct route *rt, double now, struct proc_chan *pc,
    uint32_t client)
{
	struct route_link_info	*info = NULL;
	struct route_sample_counts c;
	struct route_stats	 st;
	struct ctl_link		 l;
	size_t			 i, n = 0;

	memset(&c, 0, sizeof(c));
	memset(&st, 0, sizeof(st));
	if (rt != NULL) {
		if (route_links(rt, now, &info, &n) == -1)
			fatal("show links");
		route_sample_counts(rt, &c);
		route_stats(rt, &st);
	}
	for (i = 0; i < n; i++) {
		memset(&l, 0, sizeof(l));
		l.src = info[i].src;
		l.dst = info[i].dst;
		l.flags = info[i].live ? CTLL_LIVE : 0;
		l.seq = info[i].seq;
		l.latency_ms = info[i].live ? info[i].lat_ms : NAN;
		l.age_s = info[i].age_s;
		l.expires_s = info[i].expires_s;
		l.taken = info[i].counts.taken;
		l.duplicate = info[i].counts.duplicate;
		l.stale = info[i].counts.stale;
		if (proc_compose(pc, IMSG_CTL_LINK, client, 0, -1, &l,
		    sizeof(l)) == -1)
			fatal("show links");
	}
	free(info);
	ctl_counter_compose(pc, client, CTLC_COUNTER, "samples taken",
	    c.taken);
	ctl_counter_compose(pc, client, CTLC_DROP, "sample taken already "
	    "(duplicate)", c.duplicate);
	ctl_counter_compose(pc, client, CTLC_DROP, "sample older than the "
	    "link's (stale)", c.stale);
	ctl_counter_compose(pc, client, CTLC_COUNTER, "negative latency "
	    "taken as 0", st.negative);
	ctl_counter_compose(pc, client, CTLC_COUNTER, "route computations",
	    st.computations);
	ctl_counter_compose(pc, client, CTLC_COUNTER, "route computations "
	    "in full", st.full);
}
