/*
 * egd's message table (egd/egd_imsg.c): complete, and the directions
 * doc/super-internals.md and doc/architecture.md give for the messages
 * that matter most.
 */
#include <sys/types.h>

#include <string.h>

#include "egd/egd_imsg.h"
#include "regress/lib/acl_test.h"

int
main(void)
{
	const char	*s;

	acl_table_checks(&egd_imsgacl, IMSG_PROC_LAST, IMSG_EGD_FALLBACK);
	s = acl_dirs(&egd_imsgacl, IMSG_EGD_SHUTDOWN);
	ok(strcmp(s, "engine>parent") == 0, "IMSG_EGD_SHUTDOWN: from the "
	    "engine only, not control (%s)", s);
	s = acl_dirs(&egd_imsgacl, IMSG_EGD_PEER);
	ok(strcmp(s, "control>parent control>engine") == 0,
	    "IMSG_EGD_PEER: %s", s);
	s = acl_dirs(&egd_imsgacl, IMSG_EGD_NH);
	ok(strcmp(s, "control>engine control>route") == 0,
	    "IMSG_EGD_NH: %s", s);
	s = acl_dirs(&egd_imsgacl, IMSG_EGD_APICONN);
	ok(strcmp(s, "parent>control") == 0, "IMSG_EGD_APICONN: %s", s);
	s = acl_dirs(&egd_imsgacl, IMSG_EGD_APICONN_REQ);
	ok(strcmp(s, "control>parent") == 0, "IMSG_EGD_APICONN_REQ: %s", s);
	s = acl_dirs(&egd_imsgacl, IMSG_EGD_IFACE_CONN);
	ok(strcmp(s, "parent>engine") == 0, "IMSG_EGD_IFACE_CONN: %s", s);
	s = acl_dirs(&egd_imsgacl, IMSG_EGD_P2P_PONG);
	ok(strcmp(s, "engine>route") == 0, "IMSG_EGD_P2P_PONG: %s", s);
	s = acl_dirs(&egd_imsgacl, IMSG_EGD_P2P_NH);
	ok(strcmp(s, "route>engine") == 0, "IMSG_EGD_P2P_NH: %s", s);
	s = acl_dirs(&egd_imsgacl, IMSG_EGD_P2P_NH_DONE);
	ok(strcmp(s, "route>engine") == 0, "IMSG_EGD_P2P_NH_DONE: %s", s);
	s = acl_dirs(&egd_imsgacl, IMSG_EGD_P2P_LEARNED);
	ok(strcmp(s, "engine>parent") == 0, "IMSG_EGD_P2P_LEARNED: %s", s);
	s = acl_dirs(&egd_imsgacl, IMSG_EGD_FALLBACK);
	ok(strcmp(s, "engine>route") == 0, "IMSG_EGD_FALLBACK: %s", s);
	return tap_done();
}
