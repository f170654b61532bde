/*
 * Which process may send which message to which.  Every message that
 * arrives on a channel is looked up here before a handler sees it: the
 * channel says who sent it, and a type that this sender may not send to
 * this receiver, or a type nobody sends, stops the daemon (proc.c).  A
 * compromised or confused process can then only say what its role may
 * say, whatever the handlers would have made of the rest.
 *
 * The rules come in tables: the framework's (IMSG_CTL_*, IMSG_LOG,
 * IMSG_RECONF_*, ... in imsgacl.c) and each daemon's, next to its enum
 * (egd/egd_imsg.c, eg-supd/supd_imsg.c).  A new message type needs a row
 * in one of them, or nobody may send it.
 */
#ifndef EG_IMSGACL_H
#define EG_IMSGACL_H

#include <stddef.h>
#include <stdint.h>

#include "proc.h"

/* One channel direction, sender -> receiver, as a bit of a rule's mask. */
#define IMSGACL_CHAN(from, to)	(1U << ((from) * PROC_MAX + (to)))
#define IMSGACL_RULE(type, chans)	{ (type), #type, (chans), 0 }
/* A type that carries a descriptor; on any other, one is refused. */
#define IMSGACL_RULE_FD(type, chans)	{ (type), #type, (chans), 1 }

struct imsgacl_rule {
	uint32_t	 type;
	const char	*name;
	uint32_t	 chans;		/* IMSGACL_CHAN() bits */
	int		 fd;		/* may carry a descriptor */
};

struct imsgacl {
	const struct imsgacl_rule	*rules;
	size_t				 nrules;
};

enum imsgacl_verdict {
	IMSGACL_OK,
	IMSGACL_CHANNEL,	/* known type, not from this sender to this one */
	IMSGACL_UNKNOWN,	/* in no table */
	IMSGACL_FD		/* a descriptor on a type that carries none */
};

/* The framework's rules, the same in every daemon. */
extern const struct imsgacl	imsgacl_proc;

/* The rule for type in the framework's table or the daemon's (may be NULL). */
const struct imsgacl_rule *imsgacl_find(const struct imsgacl *daemon,
	    uint32_t type);
const struct imsgacl_rule *imsgacl_byname(const struct imsgacl *daemon,
	    const char *name);
/* May from send type to to?  *namep: the type's name, or NULL. */
enum imsgacl_verdict imsgacl_check(const struct imsgacl *daemon,
	    uint32_t type, enum eg_proc from, enum eg_proc to,
	    const char **namep);

#endif /* EG_IMSGACL_H */
