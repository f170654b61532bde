/*
 * EdgeAPI requests, checked by the parent: it alone holds the edges'
 * EdgeAPI keys and the seed of the inter-edge PSKs (eg-supd(8),
 * EdgeAPI; doc/super-internals.md).
 */
#ifndef SUPD_PARENT_EDGEAUTH_H
#define SUPD_PARENT_EDGEAUTH_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "supd_imsg.h"

/*
 * After a config is committed: every edge's key; an edge that is new or
 * whose key changed takes nothing signed before now_ms, the others keep
 * the last timestamp taken from them.
 */
void	edge_keys_conf(const struct super_conf *, int64_t now_ms);

/*
 * The verdict on a request (a, its URI) at now_ms, into g, with the
 * asker's PSKs in psks (at most max) if it asked for them and the config
 * uses them.  A request taken moves the edge's last timestamp.
 */
void	edge_grant(const struct supd_edge_auth *a, const char *uri,
	    int64_t now_ms, struct supd_edge_grant *g,
	    struct supd_pair_psk *psks, size_t max);

/*
 * IMSG_SUPD_EDGE_AUTH's payload (len bytes) into a and uri: 0, or -1 if
 * the lengths do not add up or the URI holds a NUL.
 */
int	edge_auth_split(const void *data, size_t len, struct supd_edge_auth *a,
	    char uri[SUPD_EDGE_URI_MAX + 1]);

void	edge_keys_shutdown(void);

#endif /* SUPD_PARENT_EDGEAUTH_H */
