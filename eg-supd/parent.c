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

#include <sodium.h>

#include "eg-supd.h"
#include "proc/parent.h"
#include "proc/proc_imsg.h"
#include "util/log.h"

static void *
supd_load(const char *path, struct conf_diags *diags)
{
	return conf_load_super(path, diags, 0);
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

/* Keys the sockets were made with: a reload cannot change them. */
static const char *
supd_restart_key(const void *cur, const void *next)
{
	const struct super_conf	*a = cur, *b = next;

	if (a->listen_port != b->listen_port)
		return "ListenPort";
	if (strcmp(a->listen_port_edge_api, b->listen_port_edge_api) != 0)
		return "ListenPort_EdgeAPI";
	if (strcmp(a->listen_port_manage_api, b->listen_port_manage_api) != 0)
		return "ListenPort_ManageAPI";
	if (strcmp(a->api_prefix, b->api_prefix) != 0)
		return "API_Prefix";
	if (a->fwmark != b->fwmark)
		return "FwMark";
	if (a->disabled_af.ipv4 != b->disabled_af.ipv4 ||
	    a->disabled_af.ipv6 != b->disabled_af.ipv6 ||
	    strcmp(a->disabled_af.listen_ipv4, b->disabled_af.listen_ipv4) ||
	    strcmp(a->disabled_af.listen_ipv6, b->disabled_af.listen_ipv6))
		return "DisabledAf";
	if (sodium_memcmp(a->privkey_v4.key, b->privkey_v4.key,
	    EG_KEY_LEN) != 0 || sodium_memcmp(a->privkey_v6.key,
	    b->privkey_v6.key, EG_KEY_LEN) != 0)
		return "PrivKeyV4/PrivKeyV6";
	return NULL;
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
	 * The engine holds the keys; control serves PSKs and checks
	 * passwords, but never sees a private key.
	 */
	.printflags = { [PROC_ENGINE] = CONF_PRINT_SECRETS,
	    [PROC_CONTROL] = CONF_PRINT_SHARED },
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

struct super_conf *
supd_conf_receive(struct reconf_stage *stage, int flags)
{
	return daemon_conf_take(stage, flags);
}
