/*
 * IMSG_SUPD_MANAGE as bytes: what control builds from a Manage API
 * request and the parent takes apart before it checks the credential
 * (eg-supd/parent_manage_auth.c).  Control is not trusted here: the
 * parent checks every length against the message's and the limits.
 */
#ifndef SUPD_MANAGE_MSG_H
#define SUPD_MANAGE_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "supd_imsg.h"

/* A message taken apart; uri and secret are NUL-terminated copies. */
struct manage_msg {
	struct supd_manage	 m;
	struct supd_manage_cred	 c;
	char			 uri[SUPD_CRED_URI_MAX + 1];
	const uint8_t		*body;		/* into the message */
	char			 secret[SUPD_CRED_SECRET_MAX + 1];
};

/*
 * The message of m with its credential c (c->urilen, bodylen and
 * secretlen set) and those bytes, malloc'ed: NULL, with errno, if a
 * length is over its limit or there is no memory.
 */
uint8_t	*manage_msg_build(const struct supd_manage *m,
	    const struct supd_manage_cred *c, const char *uri,
	    const uint8_t *body, const void *secret, size_t *lenp);

/*
 * Takes data (len bytes) apart into out: 0, or -1 if the lengths do not
 * add up, are over their limits, the URI or password holds a NUL, or
 * the kind, call or operation is not one there is.
 */
int	 manage_msg_split(const void *data, size_t len,
	    struct manage_msg *out);

/* Wipes what out holds of the secret. */
void	 manage_msg_wipe(struct manage_msg *out);

#endif /* SUPD_MANAGE_MSG_H */
