/*
 * eg-supd's side of the parent process (common/proc/parent.c): which
 * config it reads, what a reload may change, and which secrets each
 * child gets.
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "eg-supd.h"
#include "proc/parent.h"
#include "proc/proc_imsg.h"
#include "util/log.h"

static void *
supd_load(const char *path, struct conf_diags *diags, int flags)
{
	return conf_load_super(path, diags, flags);
}

static char *
supd_dump(const void *conf, int flags, size_t *lenp)
{
	return conf_dump_super(conf, flags, lenp);
}

static int
supd_print(FILE *fp, const void *conf)
{
	return conf_print_super(fp, conf, CONF_PRINT_SECRETS);
}

static void
supd_free(void *conf)
{
	conf_free_super(conf);
}

static const struct conf_loglevel *
supd_loglevel(const void *conf)
{
	return &((const struct super_conf *)conf)->loglevel;
}

static void
supd_describe(const void *arg, char *buf, size_t len)
{
	const struct super_conf	*conf = arg;

	snprintf(buf, len, "supernode %s, %zu edge%s", conf->node_name,
	    conf->npeers, conf->npeers == 1 ? "" : "s");
}

/* What a reload cannot apply: the schema says (common/config). */
static int
supd_restart_key(const void *cur, const void *next, char *out, size_t len)
{
	return conf_restart_key_super(cur, next, out, len);
}

const struct parent_ops supd_parent_ops = {
	.load = supd_load,
	.dump = supd_dump,
	.print = supd_print,
	.free = supd_free,
	.loglevel = supd_loglevel,
	.describe = supd_describe,
	.restart_key = supd_restart_key,
	/*
	 * The engine holds the keys; control serves PSKs, but never sees
	 * a private key or a Manage API password (the parent checks
	 * them: parent_manage_auth.c).
	 */
	.printflags = { [PROC_ENGINE] = CONF_PRINT_SECRETS,
	    [PROC_CONTROL] = CONF_PRINT_SHARED },
	.runnable = supd_runnable,
	.setup = supd_setup,
	.started = supd_started,
	.reloaded = supd_reloaded,
	.dispatch = { [PROC_CONTROL] = supd_manage },
};

void *
supd_parse(const char *name, const char *buf, size_t len,
    struct conf_diags *diags, int flags)
{
	return conf_parse_super(name, buf, len, diags, flags);
}
