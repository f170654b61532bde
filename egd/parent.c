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

#include <sodium.h>

#include "egd.h"
#include "proc/parent.h"
#include "proc/proc_imsg.h"
#include "util/log.h"

static void *
egd_load(const char *path, struct conf_diags *diags)
{
	return conf_load_edge(path, diags, 0);
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

/*
 * Keys the running processes cannot take over without a restart: the
 * interface and the sockets were made with them.
 */
static const char *
egd_restart_key(const void *cur, const void *next)
{
	const struct edge_conf	*a = cur, *b = next;

	if (a->node_id != b->node_id)
		return "NodeID";
	if (a->iface.itype != b->iface.itype ||
	    strcmp(a->iface.name, b->iface.name) != 0 ||
	    a->iface.mtu != b->iface.mtu ||
	    strcmp(a->iface.recv_addr, b->iface.recv_addr) != 0 ||
	    strcmp(a->iface.send_addr, b->iface.send_addr) != 0 ||
	    a->iface.l2_header_mode != b->iface.l2_header_mode)
		return "Interface";
	if (a->listen_port != b->listen_port)
		return "ListenPort";
	if (a->fwmark != b->fwmark)
		return "FwMark";
	if (a->disabled_af.ipv4 != b->disabled_af.ipv4 ||
	    a->disabled_af.ipv6 != b->disabled_af.ipv6 ||
	    strcmp(a->disabled_af.listen_ipv4, b->disabled_af.listen_ipv4) ||
	    strcmp(a->disabled_af.listen_ipv6, b->disabled_af.listen_ipv6))
		return "DisabledAf";
	if (sodium_memcmp(a->privkey.key, b->privkey.key, EG_KEY_LEN) != 0)
		return "PrivKey";
	return NULL;
}

const struct parent_ops egd_parent_ops = {
	.load = egd_load,
	.dump = egd_dump,
	.print = egd_print,
	.free = egd_free,
	.loglevel = egd_loglevel,
	.describe = egd_describe,
	.restart_key = egd_restart_key,
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

struct edge_conf *
egd_conf_receive(struct reconf_stage *stage, int flags)
{
	return daemon_conf_take(stage, flags);
}
