/*
 * egd's side of the parent process (common/proc/parent.c): which config
 * it reads, what a reload may change, and which secrets each child gets.
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "egd.h"
#include "parent_iface.h"
#include "proc/parent.h"
#include "proc/proc_imsg.h"
#include "util/log.h"

static void *
egd_load(const char *path, struct conf_diags *diags, int flags)
{
	return conf_load_edge(path, diags, flags);
}

static char *
egd_dump(const void *conf, int flags, size_t *lenp)
{
	return conf_dump_edge(conf, flags, lenp);
}

static int
egd_print(FILE *fp, const void *conf)
{
	return conf_print_edge(fp, conf, CONF_PRINT_SECRETS);
}

static void
egd_free(void *conf)
{
	conf_free_edge(conf);
}

static const struct conf_loglevel *
egd_loglevel(const void *conf)
{
	return &((const struct edge_conf *)conf)->loglevel;
}

static void
egd_describe(const void *arg, char *buf, size_t len)
{
	const struct edge_conf	*conf = arg;

	snprintf(buf, len, "node %u (%s), %zu peer%s", conf->node_id,
	    conf->node_name, conf->npeers, conf->npeers == 1 ? "" : "s");
}

/* What a reload cannot apply: the schema says (common/config). */
static int
egd_restart_key(const void *cur, const void *next, char *out, size_t len)
{
	return conf_restart_key_edge(cur, next, out, len);
}

/* What egd refuses to run though the file parses; -n asks it too. */
static int
egd_runnable(const void *arg, char *why, size_t len)
{
	const struct edge_conf	*conf = arg;

	if (iface_runnable(conf, why, len) == -1 ||
	    egd_super_runnable(conf, why, len) == -1)
		return -1;
	return 0;
}

const struct parent_ops egd_parent_ops = {
	.load = egd_load,
	.dump = egd_dump,
	.print = egd_print,
	.free = egd_free,
	.loglevel = egd_loglevel,
	.describe = egd_describe,
	.restart_key = egd_restart_key,
	.prepare = egd_super_prepare,
	.runnable = egd_runnable,
	/* Only the engine needs keys. */
	.printflags = { [PROC_ENGINE] = CONF_PRINT_SECRETS },
	.setup = egd_setup,
	.started = egd_started,
	.reloaded = egd_reloaded,
	.reaped = egd_reaped,
	.dispatch = { [PROC_ENGINE] = egd_dispatch_engine,
	    [PROC_CONTROL] = egd_super_dispatch },
};

void *
egd_parse(const char *name, const char *buf, size_t len,
    struct conf_diags *diags, int flags)
{
	return conf_parse_edge(name, buf, len, diags, flags);
}
