/*
 * The next-hop calculator's input (egctl solve): a text matrix of
 * one-way costs in milliseconds, as in static-mode.md:
 *
 *	X 1   2   3
 *	1 0   0.5 Inf
 *	2 0.5 0   0.5
 *	3 Inf 0.5 0
 *
 * The first line is "X" and the column NodeIDs; every other line a row
 * NodeID and one cost per column (row = from, column = to).  "Inf" (in
 * any case) is no link; a node's cost to itself (the diagonal) is
 * taken as 0 whatever it says, as EtherGuard-Go does (its genstatic.yaml
 * has 1.0 there), and listed in diag for a warning; costs are decimal
 * numbers, possibly negative, at most ROUTE_LAT_MAX_MS in size, and
 * rounded to the microsecond.  Spaces and tabs separate tokens, any
 * number of them; blank lines, CRLF line ends and comments from '#' to
 * the end of a line are ignored.  Rows may come in any order but each
 * column's NodeID needs exactly one.  NodeIDs are 0..65531.
 *
 * Unlike EtherGuard-Go's solve mode, "Inf" is no link (not a cost of
 * 99999), costs are milliseconds (not seconds), and ties are broken as
 * the route engine breaks them (route.h), so the output is the same on
 * every run.
 */
#ifndef EG_ROUTE_MATRIX_H
#define EG_ROUTE_MATRIX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"

/* A diagonal entry that was not 0, which the matrix holds as 0. */
struct route_matrix_diag {
	uint16_t	 id;
	size_t		 line;
	double		 ms;		/* as written; HUGE_VAL: Inf */
};

struct route_matrix {
	size_t		 n;
	uint16_t	*ids;		/* ascending */
	double		*ms;		/* n x n in ids order; HUGE_VAL: none */
	struct route_matrix_diag *diag;	/* in the order of the rows */
	size_t		 ndiag;
};

/*
 * Parses buf.  On error returns -1 and writes "line N: what" to err;
 * the matrix is then empty.  ENOMEM is an error too.
 */
int	route_matrix_parse(const char *buf, size_t len, struct route_matrix *,
	    char *err, size_t errlen);
void	route_matrix_free(struct route_matrix *);

/*
 * The next-hop table (sorted by src, dst; malloc'ed entries) and the
 * route engine's status bits (ROUTE_NEGCYCLE, ROUTE_COARSE) in
 * *status.  -1 with errno on failure.
 */
int	route_matrix_solve(const struct route_matrix *, struct conf_nhtable *,
	    int *status);

/*
 * A human-readable listing: "src -> dst  dist  path", one line per
 * reachable pair with src != dst.  -1 with errno on failure.
 */
int	route_matrix_print_paths(FILE *, const struct route_matrix *);

#endif /* EG_ROUTE_MATRIX_H */
