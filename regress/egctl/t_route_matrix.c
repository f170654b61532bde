/*
 * The next-hop calculator's matrix (egctl/route_matrix.c): parsing,
 * errors with line numbers, solving, and the YAML table, including the
 * six-node example of EtherGuard-Go (data/route_path.txt, whose table
 * data/route_path_nh.yaml is the one in its EgNet_edge*.yaml).
 */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route/route.h"
#include "egctl/route_matrix.h"
#include "regress/lib/tap.h"

static char *
slurp(const char *name, size_t *lenp)
{
	char	 path[1024], src[] = __FILE__, *buf = NULL;
	FILE	*fp;
	long	 len;

	snprintf(path, sizeof(path), "%s/data/%s", dirname(src), name);
	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)len + 1)) != NULL &&
	    fread(buf, 1, (size_t)len, fp) == (size_t)len) {
		buf[len] = '\0';
		*lenp = (size_t)len;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	return buf;
}

/* The YAML for a matrix text, malloc'ed; NULL with the error in err. */
static char *
solve_yaml(const char *text, char *err, size_t errlen, int *status)
{
	struct route_matrix	 m;
	struct conf_nhtable	 t;
	char			*out = NULL;
	size_t			 outlen;
	FILE			*fp;

	if (route_matrix_parse(text, strlen(text), &m, err, errlen) == -1)
		return NULL;
	if (route_matrix_solve(&m, &t, status) == 0 &&
	    (fp = open_memstream(&out, &outlen)) != NULL) {
		route_nhtable_print(fp, &t);
		fclose(fp);
	}
	free(t.entries);
	route_matrix_free(&m);
	return out;
}

static void
test_example(void)
{
	char	*text, *want, *got, err[256];
	size_t	 tl, wl;
	int	 status = -1;

	text = slurp("route_path.txt", &tl);
	want = slurp("route_path_nh.yaml", &wl);
	if (!ok(text != NULL && want != NULL, "example files readable")) {
		free(text);
		free(want);
		return;
	}
	got = solve_yaml(text, err, sizeof(err), &status);
	ok(got != NULL && strcmp(got, want) == 0 && status == 0,
	    "six-node example: exactly the NextHopTable of EgNet_edge1.yaml");
	if (got != NULL && strcmp(got, want) != 0)
		diag("got:\n%s", got);
	free(got);
	free(text);
	free(want);
}

static void
test_tolerated(void)
{
	const char	*plain = "X 1 2 3\n1 0 1 5\n2 1 0 1\n3 5 1 0\n";
	const char	*messy = "# costs in ms\r\n\r\n"
			    "  X\t3  1\t\t2 # header\r\n"
			    "\n3 0 5 1\r\n# row 1 next\n1\t5 0 1\n"
			    "   2 1 1 0   \n\n# end";
	char		*a, *b, err[256];
	int		 s1, s2;

	a = solve_yaml(plain, err, sizeof(err), &s1);
	b = solve_yaml(messy, err, sizeof(err), &s2);
	ok(a != NULL && b != NULL && strcmp(a, b) == 0,
	    "tabs, spaces, CRLF, comments, blank lines, any row and column "
	    "order: same table");
	ok(a != NULL && strstr(a, "  1:\n    2: 2\n    3: 2\n") != NULL,
	    "1 -> 3 goes via 2 (1 + 1 < 5)");
	free(a);
	free(b);
}

/* EtherGuard-Go's genstatic.yaml has 1.0 on two diagonal entries. */
static void
test_diagonal(void)
{
	const char		*zero = "X 1 2 3\n1 0 1 5\n2 1 0 1\n3 5 1 0\n";
	const char		*odd = "X 1 2 3\n1 0 1 5\n2 1 -1 1\n"
				    "3 5 1 Inf\n";
	struct route_matrix	 m;
	char			*a, *b, err[256];
	int			 s1, s2;

	if (!ok(route_matrix_parse(odd, strlen(odd), &m, err,
	    sizeof(err)) == 0, "a non-zero diagonal loads")) {
		diag("%s", err);
		return;
	}
	ok(m.ndiag == 2 && m.diag[0].id == 2 && m.diag[0].line == 3 &&
	    m.diag[0].ms == -1 && m.diag[1].id == 3 && m.diag[1].line == 4 &&
	    isinf(m.diag[1].ms), "both entries listed with line and value");
	ok(m.ms[4] == 0 && m.ms[8] == 0, "and held as 0");
	route_matrix_free(&m);
	if (route_matrix_parse(zero, strlen(zero), &m, err, sizeof(err)) == 0)
		ok(m.ndiag == 0, "a zero diagonal lists nothing");
	else
		ok(0, "a zero diagonal lists nothing: %s", err);
	route_matrix_free(&m);
	a = solve_yaml(zero, err, sizeof(err), &s1);
	b = solve_yaml(odd, err, sizeof(err), &s2);
	ok(a != NULL && b != NULL && strcmp(a, b) == 0 && s1 == s2,
	    "the same table as with a zero diagonal");
	free(a);
	free(b);
}

struct bad {
	const char	*text;
	const char	*err;		/* expected prefix */
};

static void
test_errors(void)
{
	static const struct bad	 bad[] = {
		{ "", "line 1: missing header" },
		{ "\n\n# nothing\n", "line 3: missing header" },
		{ "1 0 1\n", "line 1: missing header" },
		{ "X\n", "line 1: the header lists no NodeID" },
		{ "X 1 2\n1 0 1\n2 1\n", "line 3: 1 costs for 2 columns" },
		{ "X 1 2\n1 0 1 3\n", "line 2: 3 costs for 2 columns" },
		{ "X 1 2\n1 0 abc\n", "line 2: bad cost 'abc'" },
		{ "X 1 2\n1 0 nan\n", "line 2: bad cost 'nan'" },
		{ "X 1 2\n1 0 0x10\n", "line 2: bad cost '0x10'" },
		{ "X 1 2\n1 0 1e\n", "line 2: bad cost '1e'" },
		{ "X 1 2\n1 0 Infinity\n", "line 2: bad cost 'Infinity'" },
		{ "X 1 2\n1 0 .\n", "line 2: bad cost '.'" },
		{ "X 1 2\n1 0 1e300\n", "line 2: cost 1e300 out of range" },
		{ "X 1 1\n", "line 1: NodeID 1 appears twice" },
		{ "X 1 2\n1 0 1\n1 0 1\n", "line 3: second row for NodeID 1 "
		    "(the first is on line 2)" },
		{ "X 1 65532\n", "line 1: NodeID 65532 is reserved" },
		{ "X 1 65535\n", "line 1: NodeID 65535 is reserved" },
		{ "X 1 70000\n", "line 1: bad NodeID '70000'" },
		{ "X 1 -2\n", "line 1: bad NodeID '-2'" },
		{ "X 1 2\n3 0 1\n",
		    "line 2: row NodeID 3 is not in the header" },
		{ "X 1 2\n1 0 1\n\n# only one row\n", "line 4: end of input: "
		    "no row for NodeID 2" },
		{ "X 1 2\n1 0 1\n2 1 0\n\x01 0 0\n", "line 4: bad NodeID '?'" },
	};
	struct route_matrix	 m;
	char			 err[256];
	size_t			 i;
	int			 good = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (route_matrix_parse(bad[i].text, strlen(bad[i].text), &m,
		    err, sizeof(err)) == -1 && m.n == 0 && m.ids == NULL &&
		    strncmp(err, bad[i].err, strlen(bad[i].err)) == 0)
			good++;
		else
			diag("case %zu: got '%s', want '%s'", i, err,
			    bad[i].err);
	}
	ok(good == (int)i, "%d of %zu malformed matrices refused with the "
	    "right line and reason", good, i);
}

static void
test_values(void)
{
	struct route_matrix	 m;
	struct conf_nhtable	 t;
	const char		*txt = "X 65531 1 23 19\n"
				    "1 -2.5 0 +3e0 INF\n"
				    "19 inf Inf 0.0010 -0\n"
				    "23 1.5e-3 4 0 10\n"
				    "65531 0 3.5 7 2\n";
	char			 err[256];
	int			 status;

	if (!ok(route_matrix_parse(txt, strlen(txt), &m, err,
	    sizeof(err)) == 0, "values: signs, exponents, Inf in any case, "
	    "sparse NodeIDs (%s)", err))
		return;
	ok(m.n == 4 && m.ids[0] == 1 && m.ids[1] == 19 && m.ids[2] == 23 &&
	    m.ids[3] == 65531, "NodeIDs in ascending order");
	ok(m.ms[0 * 4 + 3] == -2.5 && m.ms[0 * 4 + 2] == 3 &&
	    isinf(m.ms[0 * 4 + 1]) && m.ms[1 * 4 + 2] == 0.001 &&
	    m.ms[3 * 4 + 0] == 3.5 && m.ms[2 * 4 + 3] == 0.0015 &&
	    m.ms[1 * 4 + 1] == 0 && m.ms[3 * 4 + 1] == 2,
	    "costs land in the right cells");
	ok(route_matrix_solve(&m, &t, &status) == 0 && status == 0 &&
	    t.count > 0, "solves");
	free(t.entries);
	route_matrix_free(&m);
}

/* The tie rule: equal paths, fewest hops, then the lowest NodeID. */
static void
test_ties(void)
{
	const char	*sq = "X 1 2 3 4\n1 0 1 Inf Inf\n2 Inf 0 1 Inf\n"
			    "3 Inf Inf 0 Inf\n4 1 1 1 0\n";
	const char	*two = "X 1 7 5 9\n1 0 1 1 2\n7 Inf 0 Inf 1\n"
			    "5 Inf Inf 0 1\n9 Inf Inf Inf 0\n";
	char		*a, *b, err[256];
	int		 s;

	a = solve_yaml(two, err, sizeof(err), &s);
	ok(a != NULL && strstr(a, "  1:\n    5: 5\n    7: 7\n    9: 9\n") !=
	    NULL, "1 -> 9: direct (2, 1 hop) beats 1+1 via 5 or 7 (2 hops)");
	free(a);
	b = solve_yaml("X 1 7 5 9\n1 0 1 1 3\n7 Inf 0 Inf 1\n"
	    "5 Inf Inf 0 1\n9 Inf Inf Inf 0\n", err, sizeof(err), &s);
	ok(b != NULL && strstr(b, "    9: 5\n") != NULL,
	    "1 -> 9 via 5 or 7 at equal cost: the lower NodeID, 5");
	free(b);
	a = solve_yaml(sq, err, sizeof(err), &s);
	if (!ok(a != NULL && strstr(a, "  4:\n    1: 1\n    2: 2\n    3: 3\n")
	    != NULL && strstr(a, "\n  3:\n") == NULL && strstr(a,
	    "  2:\n    3: 3\n  4:") != NULL,
	    "a node that reaches nobody has no row; no entry to itself") &&
	    a != NULL)
		diag("%s", a);
	free(a);
}

static void
test_negative(void)
{
	const char	*cyc = "X 1 2 3\n1 0 2 9\n2 -5 0 2\n3 Inf Inf 0\n";
	const char	*off = "X 1 2 3\n1 0 -99 -97\n2 101 0 -1\n3 107 3 0\n";
	const char	*pos = "X 1 2 3\n1 0 1 5\n2 1 0 1\n3 5 1 0\n";
	char		*a, *b, err[256];
	int		 s1 = 0, s2 = 0;

	a = solve_yaml(cyc, err, sizeof(err), &s1);
	ok(a != NULL && (s1 & ROUTE_NEGCYCLE), "negative cycle reported");
	free(a);
	/* pos plus o(u) - o(v), with o(1) = -100, o(2) = 0, o(3) = 2 */
	a = solve_yaml(off, err, sizeof(err), &s1);
	b = solve_yaml(pos, err, sizeof(err), &s2);
	ok(a != NULL && b != NULL && strcmp(a, b) == 0 && s1 == 0 &&
	    s2 == 0, "negative one-way costs from clock offsets: same table");
	free(a);
	free(b);
}

static void
test_paths(void)
{
	struct route_matrix	 m;
	const char		*txt =
	    "X 1 2 3\n1 0 1.25 5\n2 1 0 1\n3 Inf 1 0\n";
	char			 err[256], *out = NULL;
	size_t			 len;
	FILE			*fp;

	if (route_matrix_parse(txt, strlen(txt), &m, err, sizeof(err)) == -1 ||
	    (fp = open_memstream(&out, &len)) == NULL) {
		ok(0, "paths: %s", err);
		return;
	}
	route_matrix_print_paths(fp, &m);
	fclose(fp);
	if (!ok(out != NULL && strcmp(out,
	    "1 -> 2\t1.250\t1 2\n"
	    "1 -> 3\t2.250\t1 2 3\n"
	    "2 -> 1\t1.000\t2 1\n"
	    "2 -> 3\t1.000\t2 3\n"
	    "3 -> 1\t2.000\t3 2 1\n"
	    "3 -> 2\t1.000\t3 2\n") == 0, "path listing") && out != NULL)
		diag("%s", out);
	free(out);
	route_matrix_free(&m);
}

int
main(void)
{
	test_example();
	test_tolerated();
	test_diagonal();
	test_errors();
	test_values();
	test_ties();
	test_negative();
	test_paths();
	return tap_done();
}
