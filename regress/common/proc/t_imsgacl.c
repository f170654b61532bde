/*
 * The message rules' lookup (common/proc/imsgacl.c): the framework's
 * table, a daemon's table after it, verdicts per channel direction, names.
 */
#include <sys/types.h>

#include <string.h>

#include "proc/imsgacl.h"
#include "proc/proc_imsg.h"
#include "regress/lib/tap.h"

#define C(from, to)	IMSGACL_CHAN(PROC_##from, PROC_##to)

enum { T_ONE = IMSG_PROC_LAST, T_TWO, T_UNLISTED };

static const struct imsgacl_rule rules[] = {
	IMSGACL_RULE(T_ONE, C(CONTROL, PARENT)),
	IMSGACL_RULE(T_TWO, C(ENGINE, ROUTE) | C(CONTROL, ROUTE)),
};
static const struct imsgacl acl = { rules, 2 };

static int
verdict(uint32_t type, enum eg_proc from, enum eg_proc to)
{
	const char	*name;

	return imsgacl_check(&acl, type, from, to, &name);
}

int
main(void)
{
	const char	*name;
	size_t		 i;
	int		 from, to, n;

	ok(imsgacl_check(&acl, T_ONE, PROC_CONTROL, PROC_PARENT, &name) ==
	    IMSGACL_OK && strcmp(name, "T_ONE") == 0,
	    "daemon rule: allowed direction, named after its enum");
	ok(verdict(T_ONE, PROC_PARENT, PROC_CONTROL) == IMSGACL_CHANNEL,
	    "the reverse direction is refused");
	ok(verdict(T_ONE, PROC_ENGINE, PROC_PARENT) == IMSGACL_CHANNEL,
	    "another sender to the same receiver is refused");
	ok(verdict(T_TWO, PROC_ENGINE, PROC_ROUTE) == IMSGACL_OK &&
	    verdict(T_TWO, PROC_CONTROL, PROC_ROUTE) == IMSGACL_OK &&
	    verdict(T_TWO, PROC_ENGINE, PROC_CONTROL) == IMSGACL_CHANNEL,
	    "two senders: each to its receiver only, not crosswise");
	ok(imsgacl_check(&acl, T_UNLISTED, PROC_CONTROL, PROC_PARENT,
	    &name) == IMSGACL_UNKNOWN && name == NULL,
	    "a type in no table is unknown, without a name");
	ok(verdict(IMSG_NONE, PROC_CONTROL, PROC_PARENT) == IMSGACL_UNKNOWN &&
	    verdict(IMSG_CTL_LAST, PROC_ENGINE, PROC_CONTROL) ==
	    IMSGACL_UNKNOWN && verdict(0xffffffffU, PROC_ENGINE,
	    PROC_PARENT) == IMSGACL_UNKNOWN, "IMSG_NONE, IMSG_CTL_LAST and "
	    "2^32-1 are unknown");
	ok(imsgacl_check(NULL, IMSG_LOG, PROC_ROUTE, PROC_PARENT, &name) ==
	    IMSGACL_OK && strcmp(name, "IMSG_LOG") == 0 &&
	    verdict(IMSG_LOG, PROC_PARENT, PROC_ROUTE) == IMSGACL_CHANNEL &&
	    verdict(IMSG_LOG, PROC_ENGINE, PROC_CONTROL) == IMSGACL_CHANNEL,
	    "framework rule without a daemon table: IMSG_LOG only to the "
	    "parent");
	ok(verdict(IMSG_RECONF_CONF, PROC_PARENT, PROC_ENGINE) == IMSGACL_OK &&
	    verdict(IMSG_RECONF_DONE, PROC_PARENT, PROC_CONTROL) ==
	    IMSGACL_OK && verdict(IMSG_RECONF_CONF, PROC_CONTROL,
	    PROC_ENGINE) == IMSGACL_CHANNEL, "configs come from the parent "
	    "only");
	ok(verdict(IMSG_CTL_RELOAD, PROC_CONTROL, PROC_PARENT) == IMSGACL_OK &&
	    verdict(IMSG_CTL_RELOAD, PROC_ENGINE, PROC_PARENT) ==
	    IMSGACL_CHANNEL && verdict(IMSG_CTL_RESULT, PROC_ENGINE,
	    PROC_CONTROL) == IMSGACL_CHANNEL && verdict(IMSG_CTL_END,
	    PROC_ROUTE, PROC_CONTROL) == IMSGACL_OK,
	    "egctl's requests and answers on their channels only");
	ok(verdict(T_ONE, PROC_PARENT, PROC_PARENT) == IMSGACL_CHANNEL &&
	    verdict(T_ONE, PROC_MAX, PROC_PARENT) == IMSGACL_CHANNEL,
	    "no process sends to itself; an out-of-range sender is refused");

	/* Every framework rule: some direction, none to itself, once. */
	n = 0;
	for (i = 0; i < imsgacl_proc.nrules; i++) {
		int	any = 0, self = 0;

		for (from = 0; from < PROC_MAX; from++)
			for (to = 0; to < PROC_MAX; to++)
				if (imsgacl_proc.rules[i].chans &
				    IMSGACL_CHAN(from, to)) {
					any++;
					self += from == to;
				}
		if (any == 0 || self > 0 || imsgacl_find(NULL,
		    imsgacl_proc.rules[i].type) != &imsgacl_proc.rules[i])
			n++;
	}
	ok(imsgacl_proc.nrules > 0 && n == 0, "each of the %zu framework "
	    "rules: some direction, none to itself, its type listed once "
	    "(%d bad)", imsgacl_proc.nrules, n);
	ok(imsgacl_byname(&acl, "T_TWO") == &rules[1] &&
	    imsgacl_byname(&acl, "IMSG_ENDPOINT") != NULL &&
	    imsgacl_byname(&acl, "IMSG_ENDPOINT")->type == IMSG_ENDPOINT &&
	    imsgacl_byname(&acl, "T_NONE") == NULL, "lookup by name, in "
	    "both tables");
	return tap_done();
}
