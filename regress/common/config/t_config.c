/*
 * Tests of the config module (common/config*.c): the EtherGuard-Go
 * configs of regress/testdata load and round-trip, full examples are
 * read field by field, every class of error is reported with its line,
 * defaults, secrets, helpers.
 *
 * The tree's top is found from argv[0] (build/regress/common/config/t_config)
 * or the current directory; EG_TESTDATA overrides where the EtherGuard-Go
 * configs are (default: regress/testdata/etherguard-go from the top).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "regress/lib/tap.h"

#define SELF_SUFFIX	"build/regress/common/config/t_config"

/* Keys from the EtherGuard-Go testdata; K_PRIV's public key is K_PUB. */
#define K_PRIV	"QY1g9BGFbIbNHu2mrilKpcBt4PAy3Aulq9YIen26Ftg="
#define K_PUB	"nQk0H7y5ehVfhWeFF3zd9b6C7FMNrsUR+IjqBAmIEVc="
#define K_A	"SRPd39U42S43LJVzTmIcQTaewwWgSwnHImKhDD3PP08="
#define K_B	"cIS/P/h6CDOKb8Q5+xS0kNzx67cJJzSNRAFLLnHlITM="
#define K_C	"2j7yaMexsB+MG9Rm+q9sU1Y9ebo6KfvPPd0Y62SFH2g="

static char	top[PATH_MAX] = ".";

static void
find_top(const char *argv0)
{
	size_t	l = strlen(argv0), s = strlen(SELF_SUFFIX);
	char	*env;

	if ((env = getenv("TOP")) != NULL && *env != '\0') {
		snprintf(top, sizeof(top), "%s", env);
		return;
	}
	if (l >= s && strcmp(argv0 + l - s, SELF_SUFFIX) == 0) {
		if (l == s)
			snprintf(top, sizeof(top), ".");
		else
			snprintf(top, sizeof(top), "%.*s", (int)(l - s - 1),
			    argv0);
	}
}

static char *
read_all(const char *path, size_t *lenp)
{
	FILE	*fp;
	char	*buf;
	long	 n;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	*lenp = (size_t)n;
	return buf;
}

static int
has_diag(const struct conf_diags *d, const char *msg)
{
	size_t	i;

	for (i = 0; i < d->count; i++)
		if (strcmp(d->items[i].msg, msg) == 0)
			return 1;
	return 0;
}

static void
show_diags(const struct conf_diags *d)
{
	size_t	i;

	for (i = 0; i < d->count; i++)
		diag("  %s", d->items[i].msg);
}

/* print -> parse -> print gives the same bytes, without diagnostics. */
static int
edge_roundtrip(const struct edge_conf *c, char **firstp)
{
	struct conf_diags	 d = { 0 };
	struct edge_conf	*c2;
	char			*s1, *s2 = NULL;
	int			 same = 0;

	s1 = conf_dump_edge(c, CONF_PRINT_SECRETS, NULL);
	if (s1 == NULL)
		return 0;
	if ((c2 = conf_parse_edge("rt", s1, strlen(s1), &d, 0)) != NULL) {
		s2 = conf_dump_edge(c2, CONF_PRINT_SECRETS, NULL);
		same = s2 != NULL && strcmp(s1, s2) == 0 && d.count == 0;
	}
	if (!same)
		show_diags(&d);
	conf_free_edge(c2);
	conf_diags_free(&d);
	free(s2);
	if (firstp != NULL)
		*firstp = s1;
	else
		free(s1);
	return same;
}

static int
super_roundtrip(const struct super_conf *c, char **firstp)
{
	struct conf_diags	 d = { 0 };
	struct super_conf	*c2;
	char			*s1, *s2 = NULL;
	int			 same = 0;

	s1 = conf_dump_super(c, CONF_PRINT_SECRETS, NULL);
	if (s1 == NULL)
		return 0;
	if ((c2 = conf_parse_super("rt", s1, strlen(s1), &d, 0)) != NULL) {
		s2 = conf_dump_super(c2, CONF_PRINT_SECRETS, NULL);
		same = s2 != NULL && strcmp(s1, s2) == 0 && d.count == 0;
	}
	if (!same)
		show_diags(&d);
	conf_free_super(c2);
	conf_diags_free(&d);
	free(s2);
	if (firstp != NULL)
		*firstp = s1;
	else
		free(s1);
	return same;
}

static void
test_one_testdata(const char *path, int is_super)
{
	struct conf_diags	 d = { 0 };
	struct edge_conf	*e = NULL;
	struct super_conf	*s = NULL;
	int			 loaded;

	if (is_super)
		loaded = (s = conf_load_super(path, &d, 0)) != NULL;
	else
		loaded = (e = conf_load_edge(path, &d, 0)) != NULL;
	ok(loaded && d.count == 0, "%s loads as %s config, no diagnostics",
	    path, is_super ? "supernode" : "edge");
	if (d.count)
		show_diags(&d);
	if (loaded)
		ok(is_super ? super_roundtrip(s, NULL) : edge_roundtrip(e,
		    NULL), "%s: print -> parse -> print is identical", path);
	conf_free_edge(e);
	conf_free_super(s);
	conf_diags_free(&d);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.yaml but gen*.yaml in dir; returns how many. */
static int
test_testdata_dir(const char *dir)
{
	DIR		*dp;
	struct dirent	*de;
	char		*names[256], path[PATH_MAX * 4];
	size_t		 n = 0, i, l;

	if ((dp = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(dp)) != NULL && n < 256) {
		l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0 ||
		    strncmp(de->d_name, "gen", 3) == 0)
			continue;
		names[n++] = strdup(de->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		test_one_testdata(path, strstr(names[i], "super") != NULL);
		free(names[i]);
	}
	return (int)n;
}

static void
test_testdata(void)
{
	static const char *const dirs[] = {
		"example_config/super_mode", "example_config/static_mode",
		"example_config/p2p_mode", "gencfg/super", "gencfg/static",
		"gencfg/p2p"
	};
	char		 base[PATH_MAX * 2], dir[PATH_MAX * 3];
	const char	*env = getenv("EG_TESTDATA");
	struct stat	 st;
	size_t		 i;
	int		 n = 0;

	if (env != NULL && *env != '\0')
		snprintf(base, sizeof(base), "%s", env);
	else
		snprintf(base, sizeof(base), "%s/regress/testdata/"
		    "etherguard-go", top);
	if (!ok(stat(base, &st) == 0 && S_ISDIR(st.st_mode),
	    "EtherGuard-Go testdata found at %s (set EG_TESTDATA)", base))
		return;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/%s", base, dirs[i]);
		n += test_testdata_dir(dir);
	}
	ok(n >= 30, "%d EtherGuard-Go configs tested (31 expected)", n);
}

#include "t_config_full.h"
#include "t_config_errors.h"
#include "t_config_misc.h"

int
main(int argc, char **argv)
{
	find_top(argv[0]);
	test_testdata();
	test_full_edge();
	test_full_super();
	test_errors();
	test_warnings();
	test_case_insensitive();
	test_defaults();
	test_secrets();
	test_helpers();
	return tap_done();
}
