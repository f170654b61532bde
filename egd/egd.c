/*
 * egd: main(), and which function runs each process.  Everything else is
 * in the library of its files, named after the process that runs it:
 * parent*.c, engine*.c, route*.c, control*.c.
 */
#include <sys/types.h>

#include "egd.h"
#include "proc/parent.h"
#include "proc/resolver.h"

int
main(int argc, char *argv[])
{
	static const struct daemon_desc desc = {
		.name = "egd",
		.user = EGD_USER,
		.conffile = EGD_CONF,
		.sockpath = EGD_SOCKET,
		.child_main = {
			[PROC_ENGINE] = engine_main,
			[PROC_ROUTE] = route_main,
			[PROC_CONTROL] = control_main,
			[PROC_RESOLVER] = resolver_main,
		},
		.ops = &egd_parent_ops,
		.imsgacl = &egd_imsgacl,
		.parse = egd_parse,
	};

	daemon_run(argc, argv, &desc);
}
