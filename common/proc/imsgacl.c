/*
 * The framework's message rules and the lookup: see imsgacl.h.
 */
#include <sys/types.h>

#include <string.h>

#include "imsgacl.h"
#include "proc/proc_imsg.h"

#define C(from, to)	IMSGACL_CHAN(PROC_##from, PROC_##to)
#define TO_CHILDREN(from) \
	(C(from, ENGINE) | C(from, ROUTE) | C(from, CONTROL))

static const struct imsgacl_rule proc_rules[] = {
	/* egctl's requests, relayed by control to the process that knows */
	IMSGACL_RULE(IMSG_CTL_SHOW_PEERS, C(CONTROL, ENGINE)),
	IMSGACL_RULE(IMSG_CTL_SHOW_ROUTES, C(CONTROL, ROUTE)),
	IMSGACL_RULE(IMSG_CTL_RELOAD, C(CONTROL, PARENT)),
	IMSGACL_RULE(IMSG_CTL_SHOW_LINKS, C(CONTROL, ROUTE)),
	/* and the answers, which control relays back to the client */
	IMSGACL_RULE(IMSG_CTL_PEER, C(ENGINE, CONTROL)),
	IMSGACL_RULE(IMSG_CTL_ROUTE, C(ROUTE, CONTROL)),
	IMSGACL_RULE(IMSG_CTL_LINK, C(ROUTE, CONTROL)),
	IMSGACL_RULE(IMSG_CTL_RESULT, C(PARENT, CONTROL) | C(ROUTE, CONTROL)),
	IMSGACL_RULE(IMSG_CTL_COUNTER, C(ENGINE, CONTROL) | C(ROUTE, CONTROL)),
	IMSGACL_RULE(IMSG_CTL_END, C(ENGINE, CONTROL) | C(ROUTE, CONTROL)),

	IMSGACL_RULE(IMSG_LOG, C(ENGINE, PARENT) | C(ROUTE, PARENT) |
	    C(CONTROL, PARENT) | C(RESOLVER, PARENT)),
	IMSGACL_RULE(IMSG_RECONF_CONF, TO_CHILDREN(PARENT)),
	IMSGACL_RULE(IMSG_RECONF_DONE, TO_CHILDREN(PARENT)),
	IMSGACL_RULE(IMSG_RECONF_STAGED, C(ENGINE, PARENT) | C(ROUTE, PARENT) |
	    C(CONTROL, PARENT)),
	IMSGACL_RULE(IMSG_RECONF_COMMIT, TO_CHILDREN(PARENT)),
	IMSGACL_RULE(IMSG_RECONF_ABORT, TO_CHILDREN(PARENT)),
	IMSGACL_RULE(IMSG_RECONF_COMMITTED, C(ENGINE, PARENT) |
	    C(ROUTE, PARENT) | C(CONTROL, PARENT)),
	IMSGACL_RULE_FD(IMSG_CONTROLFD, C(PARENT, CONTROL)),
	IMSGACL_RULE(IMSG_ENDPOINT, C(PARENT, ENGINE)),
	IMSGACL_RULE(IMSG_FDS_DONE, C(PARENT, ENGINE)),
	/* The resolver hears and answers the parent, nobody else. */
	IMSGACL_RULE(IMSG_RESOLVE_REQ, C(PARENT, RESOLVER)),
	IMSGACL_RULE(IMSG_RESOLVE_ANSWER, C(RESOLVER, PARENT)),
};

const struct imsgacl imsgacl_proc = {
	proc_rules, sizeof(proc_rules) / sizeof(proc_rules[0])
};

static const struct imsgacl_rule *
table_find(const struct imsgacl *t, uint32_t type)
{
	size_t	i;

	for (i = 0; t != NULL && i < t->nrules; i++)
		if (t->rules[i].type == type)
			return &t->rules[i];
	return NULL;
}

const struct imsgacl_rule *
imsgacl_find(const struct imsgacl *daemon, uint32_t type)
{
	const struct imsgacl_rule	*r;

	if ((r = table_find(&imsgacl_proc, type)) != NULL)
		return r;
	return table_find(daemon, type);
}

const struct imsgacl_rule *
imsgacl_byname(const struct imsgacl *daemon, const char *name)
{
	const struct imsgacl	*t[2] = { &imsgacl_proc, daemon };
	size_t			 i, k;

	for (k = 0; k < 2; k++)
		for (i = 0; t[k] != NULL && i < t[k]->nrules; i++)
			if (strcmp(t[k]->rules[i].name, name) == 0)
				return &t[k]->rules[i];
	return NULL;
}

enum imsgacl_verdict
imsgacl_check(const struct imsgacl *daemon, uint32_t type, enum eg_proc from,
    enum eg_proc to, const char **namep)
{
	const struct imsgacl_rule	*r;

	*namep = NULL;
	if ((r = imsgacl_find(daemon, type)) == NULL)
		return IMSGACL_UNKNOWN;
	*namep = r->name;
	if (from >= PROC_MAX || to >= PROC_MAX || from == to ||
	    (r->chans & IMSGACL_CHAN(from, to)) == 0)
		return IMSGACL_CHANNEL;
	return IMSGACL_OK;
}
