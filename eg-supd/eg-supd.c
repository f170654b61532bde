/*
 * eg-supd: the EtherGuard supernode daemon.  main() and its side of the
 * parent process (common/parent.c).
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <sodium.h>

#include "eg-supd.h"
#include "eg_imsg.h"
#include "log.h"
#include "parent.h"

extern char **environ;

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

static const struct parent_ops supd_ops = {
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

struct super_conf *
supd_conf_receive(struct reconf_stage *stage, int flags)
{
	struct conf_diags	 diags;
	struct super_conf	*conf;
	char			*yaml;
	size_t			 len, i;

	if ((yaml = reconf_stage_take(stage, &len)) == NULL)
		fatal("config");
	memset(&diags, 0, sizeof(diags));
	conf = conf_parse_super("(from parent)", yaml, len, &diags, flags);
	sodium_memzero(yaml, len);
	free(yaml);
	if (conf == NULL) {
		for (i = 0; i < diags.count; i++)
			log_warnx("%s", diags.items[i].msg);
		fatalx("config from the parent does not parse");
	}
	conf_diags_free(&diags);
	return conf;
}

int
main(int argc, char *argv[])
{
	struct proc_args	args = { SUPD_CONF, SUPD_SOCKET, NULL, 0 };

	setproctitle_init(argc, argv, environ);
	log_init(1, LOG_DAEMON);
	proc_daemon.name = "eg-supd";
	proc_daemon.user = SUPD_USER;
	proc_daemon.chroot = EG_CHROOT;
	proc_getopt(argc, argv, &args);

	if (args.role != NULL) {
		switch (proc_role_byname(args.role)) {
		case PROC_ENGINE:
			supd_engine_main();
		case PROC_ROUTE:
			supd_route_main();
		default:
			supd_control_main();
		}
	}
	parent_main(&supd_ops, args.conffile, args.sockpath, args.noaction);
}
