/*
 * The resolver process both daemons run (resolver.c), and the checks
 * the parent makes of its answers (resolve_check.c).
 */
#ifndef EG_RESOLVER_H
#define EG_RESOLVER_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "proc_imsg.h"

/* The resolver's entry: serves the parent's requests until it goes. */
void	resolver_main(void) __attribute__((__noreturn__));

/* A request the parent sent and has not had the answer to. */
struct resolve_asked {
	uint32_t	id;
	uint16_t	port;		/* the request's, host order */
	uint8_t		have4;		/* families it may be */
	uint8_t		have6;
	uint8_t		used;		/* the slot holds a request */
	uint8_t		timed_out;	/* given up on: answer late */
};

/* What an answer is, by resolve_answer_check(). */
enum resolve_verdict {
	RESOLVE_OK,		/* an address for the request */
	RESOLVE_NONE,		/* none found: the request fails */
	RESOLVE_LATE,		/* for a request timed out: dropped */
	RESOLVE_BAD_LENGTH,	/* refused, and each of the rest */
	RESOLVE_UNSOLICITED,	/* no request has this id */
	RESOLVE_BAD_FAMILY,	/* not a family the request allowed */
	RESOLVE_BAD_ADDRLEN,	/* sslen not that of the family */
	RESOLVE_BAD_PORT,	/* not the request's port */
	RESOLVE_BAD_STATUS,	/* a failure that carries an address */
	RESOLVE_VERDICT_MAX
};

/*
 * Check an IMSG_RESOLVE_ANSWER of len bytes against the n requests
 * outstanding: the verdict, and for all but RESOLVE_BAD_LENGTH and
 * RESOLVE_UNSOLICITED the answer in *ans and its request's index in
 * *slot.  Pure: touches nothing but its outputs.
 */
enum resolve_verdict resolve_answer_check(const struct resolve_asked *,
	    size_t n, const void *data, size_t len,
	    struct resolve_answer *ans, size_t *slot);
/* The name of a verdict, as the parent's log counts it. */
const char	*resolve_verdict_name(enum resolve_verdict);

#endif /* EG_RESOLVER_H */
