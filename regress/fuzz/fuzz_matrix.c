/*
 * libFuzzer target for the next-hop calculator's matrix parser
 * (egctl/route_matrix.c), and for solving what it accepts.
 *
 * Beyond "no crash, no leak": a refused input must say which line, and
 * an accepted one must be sane (NodeIDs ascending and valid, diagonal 0,
 * costs within range), and small ones are solved and printed.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route/route.h"
#include "egctl/route_matrix.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_accepted(const struct route_matrix *m)
{
	size_t	 i, j;
	double	 v;

	if (m->n == 0)
		abort();
	for (i = 0; i < m->n; i++) {
		if (m->ids[i] > NODEID_MAX_VALID ||
		    (i > 0 && m->ids[i] <= m->ids[i - 1]))
			abort();
		for (j = 0; j < m->n; j++) {
			v = m->ms[i * m->n + j];
			if (i == j ? v != 0 :
			    !(isinf(v) || fabs(v) <= ROUTE_LAT_MAX_MS))
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE		*null;
	struct route_matrix	 m;
	struct conf_nhtable	 t;
	char			 err[256];
	int			 status;

	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		abort();
	if (route_matrix_parse((const char *)data, size, &m, err,
	    sizeof(err)) == -1) {
		if (strncmp(err, "line ", 5) != 0 || m.n != 0 || m.ids != NULL)
			abort();
		return 0;
	}
	check_accepted(&m);
	if (m.n <= 64) {
		if (route_matrix_solve(&m, &t, &status) == 0) {
			route_nhtable_print(null, &t);
			free(t.entries);
		}
		route_matrix_print_paths(null, &m);
	}
	route_matrix_free(&m);
	return 0;
}
