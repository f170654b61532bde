/*
 * egctl solve FILE: the next-hop calculator.  Reads a matrix of one-way
 * costs (route_matrix.h), runs the route engine on it and prints the
 * NextHopTable as YAML that egd's config takes, or as JSON with -j.
 * Works offline: no daemon is involved.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/config.h"
#include "egctl.h"
#include "route/route.h"
#include "route_matrix.h"

#define SOLVE_MAXFILE	(16 * 1024 * 1024)

static char *
read_file(const char *path, size_t *lenp)
{
	FILE	*fp;
	char	*buf = NULL, *p;
	size_t	 len = 0, cap = 0, n;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "r")) == NULL)
		err(1, "%s", path);
	for (;;) {
		if (cap - len < 4096) {
			if (cap >= SOLVE_MAXFILE)
				errx(1, "%s: larger than %d bytes", path,
				    SOLVE_MAXFILE);
			cap = cap ? cap * 2 : 65536;
			if ((p = realloc(buf, cap)) == NULL)
				err(1, NULL);
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp))
		err(1, "%s", path);
	if (fp != stdin)
		fclose(fp);
	*lenp = len;
	return buf;
}

static void
print_json(const struct conf_nhtable *nh)
{
	json_t	*doc, *tab, *row = NULL;
	char	 key[8];
	size_t	 i;

	if ((doc = json_object()) == NULL || (tab = json_object()) == NULL)
		errx(1, "out of memory");
	for (i = 0; i < nh->count; i++) {
		const struct conf_nexthop *e = &nh->entries[i];

		if (i == 0 || e->src != nh->entries[i - 1].src) {
			if ((row = json_object()) == NULL)
				errx(1, "out of memory");
			snprintf(key, sizeof(key), "%u", e->src);
			json_object_set_new(tab, key, row);
		}
		snprintf(key, sizeof(key), "%u", e->dst);
		json_object_set_new(row, key, json_integer(e->nexthop));
	}
	json_object_set_new(doc, "NhTable", tab);
	if (json_dumpf(doc, stdout, JSON_INDENT(2)) == -1)
		errx(1, "cannot write JSON");
	putchar('\n');
	json_decref(doc);
}

int
solve_main(const char *path, int json)
{
	struct route_matrix	 m;
	struct conf_nhtable	 nh;
	char			*buf, errbuf[256];
	size_t			 len, i;
	int			 status = 0;

	buf = read_file(path, &len);
	if (route_matrix_parse(buf, len, &m, errbuf, sizeof(errbuf)) == -1)
		errx(1, "%s: %s", path, errbuf);
	free(buf);
	for (i = 0; i < m.ndiag; i++)
		warnx("%s: line %zu: the diagonal cost of NodeID %u (%g) is "
		    "ignored: a node's cost to itself is 0", path,
		    m.diag[i].line, m.diag[i].id, m.diag[i].ms);
	memset(&nh, 0, sizeof(nh));
	if (route_matrix_solve(&m, &nh, &status) == -1)
		err(1, "%s", path);
	if (status & ROUTE_NEGCYCLE)
		warnx("%s: a cycle of negative cost; negative costs were "
		    "taken as 0", path);
	if (status & ROUTE_COARSE)
		warnx("%s: costs too large for microsecond precision were "
		    "rounded", path);
	if (json)
		print_json(&nh);
	else if (route_nhtable_print(stdout, &nh) == -1)
		err(1, "stdout");
	free(nh.entries);
	route_matrix_free(&m);
	return 0;
}
