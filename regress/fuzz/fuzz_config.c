/*
 * libFuzzer target for the config parser: arbitrary bytes go to both
 * conf_parse_edge() and conf_parse_super(), with and without
 * CONF_PARSE_NO_SECRETS.  Whatever parses must print, parse back without
 * a single diagnostic, and print to the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The redacted print (what a daemon hands its children) must load. */
static void
redacted_parses_edge(const struct edge_conf *c)
{
	struct conf_diags	 d = { 0 };
	struct edge_conf	*r;
	char			*s;
	size_t			 l;

	if ((s = conf_dump_edge(c, 0, &l)) == NULL)
		abort();
	r = conf_parse_edge("redacted", s, l, &d, CONF_PARSE_NO_SECRETS);
	if (r == NULL || d.count != 0) {
		conf_diags_print(stderr, &d);
		abort();
	}
	conf_free_edge(r);
	conf_diags_free(&d);
	free(s);
}

static void
redacted_parses_super(const struct super_conf *c)
{
	struct conf_diags	 d = { 0 };
	struct super_conf	*r;
	char			*s;
	size_t			 l;

	if ((s = conf_dump_super(c, 0, &l)) == NULL)
		abort();
	r = conf_parse_super("redacted", s, l, &d, CONF_PARSE_NO_SECRETS);
	if (r == NULL || d.count != 0) {
		conf_diags_print(stderr, &d);
		abort();
	}
	conf_free_super(r);
	conf_diags_free(&d);
	free(s);
}

static void
check_edge(const char *buf, size_t len, int flags)
{
	struct conf_diags	 d = { 0 }, d2 = { 0 };
	struct edge_conf	*c, *c2;
	char			*s1, *s2;
	size_t			 l1, l2;

	c = conf_parse_edge("fuzz", buf, len, &d, flags);
	if (c == NULL && d.nerrors == 0)
		abort();		/* failure without a reason */
	if (c != NULL) {
		if ((s1 = conf_dump_edge(c, CONF_PRINT_SECRETS, &l1)) == NULL)
			abort();
		c2 = conf_parse_edge("fuzz2", s1, l1, &d2, flags);
		if (c2 == NULL || d2.count != 0) {
			conf_diags_print(stderr, &d2);
			fputs(s1, stderr);
			abort();
		}
		if ((s2 = conf_dump_edge(c2, CONF_PRINT_SECRETS, &l2)) == NULL)
			abort();
		if (l1 != l2 || memcmp(s1, s2, l1) != 0) {
			fprintf(stderr, "--- first\n%s--- second\n%s", s1, s2);
			abort();
		}
		redacted_parses_edge(c);
		free(s1);
		free(s2);
		conf_free_edge(c2);
		conf_free_edge(c);
	}
	conf_diags_free(&d);
	conf_diags_free(&d2);
}

static void
check_super(const char *buf, size_t len, int flags)
{
	struct conf_diags	 d = { 0 }, d2 = { 0 };
	struct super_conf	*c, *c2;
	char			*s1, *s2;
	size_t			 l1, l2;

	c = conf_parse_super("fuzz", buf, len, &d, flags);
	if (c == NULL && d.nerrors == 0)
		abort();
	if (c != NULL) {
		if ((s1 = conf_dump_super(c, CONF_PRINT_SECRETS, &l1)) == NULL)
			abort();
		c2 = conf_parse_super("fuzz2", s1, l1, &d2, flags);
		if (c2 == NULL || d2.count != 0) {
			conf_diags_print(stderr, &d2);
			fputs(s1, stderr);
			abort();
		}
		if ((s2 = conf_dump_super(c2, CONF_PRINT_SECRETS, &l2)) == NULL)
			abort();
		if (l1 != l2 || memcmp(s1, s2, l1) != 0) {
			fprintf(stderr, "--- first\n%s--- second\n%s", s1, s2);
			abort();
		}
		redacted_parses_super(c);
		free(s1);
		free(s2);
		conf_free_super(c2);
		conf_free_super(c);
	}
	conf_diags_free(&d);
	conf_diags_free(&d2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*buf = (const char *)data;

	check_edge(buf, size, 0);
	check_edge(buf, size, CONF_PARSE_NO_SECRETS);
	check_super(buf, size, 0);
	check_super(buf, size, CONF_PARSE_NO_SECRETS);
	return 0;
}
