/*
 * Which of eg-supd's processes may send which of its messages to which
 * (common/proc/imsgacl.h); the framework refuses anything else.
 */
#include <sys/types.h>

#include <string.h>

#include "proc/imsgacl.h"
#include "supd_imsg.h"

#define C(from, to)	IMSGACL_CHAN(PROC_##from, PROC_##to)

static const struct imsgacl_rule supd_rules[] = {
	IMSGACL_RULE_FD(IMSG_SUPD_UDP, C(PARENT, ENGINE)),
	IMSGACL_RULE_FD(IMSG_SUPD_HTTPFD, C(PARENT, CONTROL)),
	IMSGACL_RULE(IMSG_SUPD_EDGE_AUTH, C(CONTROL, PARENT)),
	IMSGACL_RULE(IMSG_SUPD_EDGE_GRANT, C(PARENT, CONTROL)),
	IMSGACL_RULE(IMSG_SUPD_MANAGE, C(CONTROL, PARENT)),
	IMSGACL_RULE(IMSG_SUPD_MANAGE_RESULT, C(PARENT, CONTROL)),
	IMSGACL_RULE(IMSG_SUPD_DELETED, C(PARENT, ENGINE)),
	IMSGACL_RULE(IMSG_SUPD_EDGE, C(ENGINE, CONTROL)),
	IMSGACL_RULE(IMSG_SUPD_HASH, C(CONTROL, ENGINE)),
	IMSGACL_RULE(IMSG_SUPD_FETCHED, C(CONTROL, ENGINE)),
	/* control: the Pongs edges post to the EdgeAPI */
	IMSGACL_RULE(IMSG_SUPD_SAMPLE, C(ENGINE, ROUTE) | C(CONTROL, ROUTE)),
	IMSGACL_RULE(IMSG_SUPD_ONLINE, C(ENGINE, ROUTE)),
	IMSGACL_RULE(IMSG_SUPD_DOC, C(ROUTE, CONTROL)),
	IMSGACL_RULE(IMSG_SUPD_DOC_DONE, C(ROUTE, CONTROL)),
};

int
supd_sample_key(uint32_t type, const void *data, size_t len, uint64_t *key)
{
	struct supd_sample	s;

	if (type != IMSG_SUPD_SAMPLE || len != sizeof(s))
		return 0;
	memcpy(&s, data, sizeof(s));
	*key = (uint64_t)s.src << 16 | s.dst;
	return 1;
}

const struct imsgacl supd_imsgacl = {
	supd_rules, sizeof(supd_rules) / sizeof(supd_rules[0])
};
