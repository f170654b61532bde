/*
 * eg-supd's message table (eg-supd/supd_imsg.c): complete, and the
 * directions doc/super-internals.md gives.
 */
#include <sys/types.h>

#include <string.h>

#include "eg-supd/supd_imsg.h"
#include "regress/lib/acl_test.h"

int
main(void)
{
	const char	*s;

	acl_table_checks(&supd_imsgacl, IMSG_PROC_LAST, IMSG_SUPD_DOC_DONE);
	s = acl_dirs(&supd_imsgacl, IMSG_SUPD_MANAGE);
	ok(strcmp(s, "control>parent") == 0, "IMSG_SUPD_MANAGE: from "
	    "control only (%s)", s);
	s = acl_dirs(&supd_imsgacl, IMSG_SUPD_SAMPLE);
	ok(strcmp(s, "engine>route control>route") == 0,
	    "IMSG_SUPD_SAMPLE: %s", s);
	s = acl_dirs(&supd_imsgacl, IMSG_SUPD_DELETED);
	ok(strcmp(s, "parent>engine") == 0, "IMSG_SUPD_DELETED: %s", s);
	s = acl_dirs(&supd_imsgacl, IMSG_SUPD_EDGE_AUTH);
	ok(strcmp(s, "control>parent") == 0, "IMSG_SUPD_EDGE_AUTH: %s", s);
	s = acl_dirs(&supd_imsgacl, IMSG_SUPD_EDGE_GRANT);
	ok(strcmp(s, "parent>control") == 0, "IMSG_SUPD_EDGE_GRANT: %s", s);
	return tap_done();
}
