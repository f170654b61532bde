/*
 * Which of egd's processes may send which of its messages to which
 * (common/proc/imsgacl.h); the framework refuses anything else.
 */
#include <sys/types.h>

#include <string.h>

#include "egd_imsg.h"
#include "proc/imsgacl.h"

#define C(from, to)	IMSGACL_CHAN(PROC_##from, PROC_##to)

static const struct imsgacl_rule egd_rules[] = {
	/* descriptors and what the engine needs from root */
	IMSGACL_RULE_FD(IMSG_EGD_UDP, C(PARENT, ENGINE)),
	IMSGACL_RULE(IMSG_EGD_IFACE, C(PARENT, ENGINE)),
	IMSGACL_RULE_FD(IMSG_EGD_IFACE_FD, C(PARENT, ENGINE)),
	IMSGACL_RULE_FD(IMSG_EGD_IFACE_CONN, C(PARENT, ENGINE)),
	IMSGACL_RULE(IMSG_EGD_IFACE_DOWN, C(ENGINE, PARENT)),

	/* super mode: the EdgeAPI client in control */
	IMSGACL_RULE(IMSG_EGD_API_SIGN, C(CONTROL, PARENT)),
	IMSGACL_RULE(IMSG_EGD_API_SIGNED, C(PARENT, CONTROL)),
	IMSGACL_RULE(IMSG_EGD_APIADDR, C(PARENT, CONTROL)),
	IMSGACL_RULE(IMSG_EGD_LOCALADDRS, C(PARENT, CONTROL)),
	IMSGACL_RULE(IMSG_EGD_APICONN_REQ, C(CONTROL, PARENT)),
	IMSGACL_RULE_FD(IMSG_EGD_APICONN, C(PARENT, CONTROL)),
	IMSGACL_RULE(IMSG_EGD_FETCH, C(ENGINE, CONTROL)),
	IMSGACL_RULE(IMSG_EGD_PONGS, C(ENGINE, CONTROL)),
	IMSGACL_RULE(IMSG_EGD_PEER, C(CONTROL, ENGINE) | C(CONTROL, PARENT)),
	IMSGACL_RULE(IMSG_EGD_PEERS_DONE, C(CONTROL, ENGINE) |
	    C(CONTROL, PARENT)),
	IMSGACL_RULE(IMSG_EGD_NH, C(CONTROL, ENGINE) | C(CONTROL, ROUTE)),
	IMSGACL_RULE(IMSG_EGD_NH_DONE, C(CONTROL, ENGINE) | C(CONTROL, ROUTE)),
	IMSGACL_RULE(IMSG_EGD_SUPERPARAMS, C(CONTROL, ENGINE)),
	/* Only the engine hears the supernode's ServerUpdate. */
	IMSGACL_RULE(IMSG_EGD_SHUTDOWN, C(ENGINE, PARENT)),

	/* P2P mode: the route engine runs in route */
	IMSGACL_RULE(IMSG_EGD_P2P_PONG, C(ENGINE, ROUTE)),
	IMSGACL_RULE(IMSG_EGD_P2P_NH, C(ROUTE, ENGINE)),
	IMSGACL_RULE(IMSG_EGD_P2P_NH_DONE, C(ROUTE, ENGINE)),
	IMSGACL_RULE(IMSG_EGD_P2P_LEARNED, C(ENGINE, PARENT)),
	IMSGACL_RULE(IMSG_EGD_FALLBACK, C(ENGINE, ROUTE)),
};

int
egd_sample_key(uint32_t type, const void *data, size_t len, uint64_t *key)
{
	struct ovlmsg_pong	p;

	if (type != IMSG_EGD_P2P_PONG || len != sizeof(p))
		return 0;
	memcpy(&p, data, sizeof(p));
	*key = (uint64_t)p.src << 16 | p.dst;
	return 1;
}

const struct imsgacl egd_imsgacl = {
	egd_rules, sizeof(egd_rules) / sizeof(egd_rules[0])
};
