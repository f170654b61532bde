/*
 * eg-supd: main(), and which function runs each process.  Everything else is
 * in the library of its files, named after the process that runs it:
 * parent*.c, engine*.c, route*.c, control*.c.
 */
#include <sys/types.h>

#include "eg-supd.h"
#include "proc/parent.h"
#include "proc/resolver.h"
#include "supd_imsg.h"

int
main(int argc, char *argv[])
{
	static const struct daemon_desc desc = {
		.name = "eg-supd",
		.user = SUPD_USER,
		.conffile = SUPD_CONF,
		.sockpath = SUPD_SOCKET,
		.child_main = {
			[PROC_ENGINE] = supd_engine_main,
			[PROC_ROUTE] = supd_route_main,
			[PROC_CONTROL] = supd_control_main,
			[PROC_RESOLVER] = resolver_main,
		},
		.ops = &supd_parent_ops,
		.imsgacl = &supd_imsgacl,
		.parse = supd_parse,
	};

	daemon_run(argc, argv, &desc);
}
