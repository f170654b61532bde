/*
 * The WireGuard host both engines run on: what egd's engine and
 * eg-supd's engine do alike with their WireGuard identities.
 */
#ifndef EG_WGHOST_H
#define EG_WGHOST_H

#include <stdint.h>

struct proc_chan;
struct wg_local;

/* WireGuard's counters as "<prefix> <name>", its drop_* as drops. */
void	ctl_counters_wg(struct proc_chan *, uint32_t peerid,
	    const char *prefix, const struct wg_local *);

#endif /* EG_WGHOST_H */
