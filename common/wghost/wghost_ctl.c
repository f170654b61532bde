/*
 * The WireGuard counters of an engine's local identities and of their
 * guard, as egctl shows them: a drop reason of the core is a CTLC_DROP
 * under its own name.
 */
#include <sys/types.h>

#include <stdio.h>
#include <string.h>

#include "proc/ctl.h"
#include "wg/wg.h"
#include "wghost.h"

void
ctl_counters_wg(struct proc_chan *pc, uint32_t peerid, const char *prefix,
    const struct wg_local *l)
{
	struct wg_stat	st[WG_STATS_MAX];
	char		name[48];
	size_t		n, i;
	int		drop;

	if (l == NULL)
		return;
	n = wg_local_stats(l, st, WG_STATS_MAX);
	for (i = 0; i < n; i++) {
		/* WireGuard names its drop reasons drop_*. */
		drop = strncmp(st[i].name, "drop_", 5) == 0;
		snprintf(name, sizeof(name), "%s %s", prefix,
		    st[i].name + (drop ? 5 : 0));
		ctl_counter_compose(pc, peerid, drop ? CTLC_DROP :
		    CTLC_COUNTER, name, st[i].value);
	}
}

void
ctl_counters_guard(struct proc_chan *pc, uint32_t peerid, const char *prefix,
    const struct wg_guard *g, struct wg_time now)
{
	struct wg_stat	st[WG_STATS_MAX];
	char		name[48];
	size_t		n, i;

	if (g == NULL)
		return;
	n = wg_guard_stats(g, now.mono, st, WG_STATS_MAX);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s %s", prefix, st[i].name);
		ctl_counter_compose(pc, peerid, CTLC_COUNTER, name,
		    st[i].value);
	}
}
