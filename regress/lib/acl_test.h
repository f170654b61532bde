/*
 * Checks of a daemon's message table (common/proc/imsgacl.h) shared by
 * regress/egd and regress/supd: every type of the daemon's enum has
 * exactly one rule, after none of the framework's, and each rule allows
 * some direction and none to the sender itself.
 */
#ifndef REGRESS_ACL_TEST_H
#define REGRESS_ACL_TEST_H

#include "proc/imsgacl.h"
#include "proc/proc_imsg.h"
#include "regress/lib/tap.h"

/* The daemon's types are first..last. */
static void
acl_table_checks(const struct imsgacl *acl, uint32_t first, uint32_t last)
{
	const struct imsgacl_rule	*r;
	uint32_t			 t;
	size_t				 i;
	int				 from, missing = 0, bad = 0;

	for (t = first; t <= last; t++)
		if ((r = imsgacl_find(acl, t)) == NULL || r < acl->rules ||
		    r >= acl->rules + acl->nrules)
			missing++;
	ok(missing == 0 && acl->nrules == last - first + 1,
	    "every type of the enum has one rule (%zu rules, %d missing)",
	    acl->nrules, missing);
	for (i = 0; i < acl->nrules; i++) {
		r = &acl->rules[i];
		if (r->chans == 0 || imsgacl_find(acl, r->type) != r ||
		    strncmp(r->name, "IMSG_", 5) != 0)
			bad++;
		for (from = 0; from < PROC_MAX; from++)
			if (r->chans & IMSGACL_CHAN(from, from))
				bad++;
	}
	ok(bad == 0, "each rule: some direction, none to itself, not "
	    "shadowed (%d bad)", bad);
}

/* The directions type may take, as "sender>receiver" words. */
static const char *
acl_dirs(const struct imsgacl *acl, uint32_t type)
{
	static char			 buf[256];
	const struct imsgacl_rule	*r = imsgacl_find(acl, type);
	int				 from, to;

	buf[0] = '\0';
	for (from = 0; r != NULL && from < PROC_MAX; from++)
		for (to = 0; to < PROC_MAX; to++)
			if (r->chans & IMSGACL_CHAN(from, to)) {
				if (buf[0] != '\0')
					strlcat(buf, " ", sizeof(buf));
				strlcat(buf, proc_names[from], sizeof(buf));
				strlcat(buf, ">", sizeof(buf));
				strlcat(buf, proc_names[to], sizeof(buf));
			}
	return buf;
}

#endif /* REGRESS_ACL_TEST_H */
