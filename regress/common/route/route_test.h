/*
 * Shared by the route engine's tests: an engine with the given nodes.
 */
#ifndef REGRESS_ROUTE_TEST_H
#define REGRESS_ROUTE_TEST_H

#include <stdlib.h>

#include "route/route.h"

/* An engine of params p with nodes ids[0..n-1]; aborts on failure. */
static inline struct route *
route_test_engine(const struct route_params *p, const uint16_t *ids,
    size_t n)
{
	struct route	*rt;
	size_t		 i;

	if ((rt = route_new(p)) == NULL)
		abort();
	for (i = 0; i < n; i++)
		if (route_node_add(rt, ids[i]) == -1)
			abort();
	return rt;
}

#endif /* REGRESS_ROUTE_TEST_H */
