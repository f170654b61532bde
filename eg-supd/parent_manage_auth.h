/*
 * The Manage API's credentials, checked by the parent (control, which
 * parses HTTP, holds no password): eg-supd(8), Manage API.
 */
#ifndef SUPD_PARENT_MANAGE_AUTH_H
#define SUPD_PARENT_MANAGE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "manage_msg.h"

/*
 * After a config is committed: derives the key of each call's password
 * that changed (Argon2id, some 20 ms each).
 */
void	manage_cred_conf(const struct super_conf *);

/*
 * Whether mm's credential gives its call, at now_ms (CLOCK_REALTIME): 0,
 * or an HTTP status with why; *failed is set if a credential was wrong
 * (the source is throttled for it), *replayed if a signed request came
 * before.
 */
int	manage_cred_check(const struct super_conf *, const struct manage_msg *,
	    int64_t now_ms, char *why, size_t whylen, int *failed,
	    int *replayed);

/*
 * The change mm asks for, parsed from its own URI and body (not what
 * control made of them, which the credential does not cover) into m
 * with mm's request id; a peer/del by PrivKey gets the NodeID whose key
 * it is.  0, or an HTTP status with why (*failed for a PrivKey that is
 * nobody's).
 */
int	manage_cred_change(const struct super_conf *, const struct manage_msg *,
	    struct supd_manage *m, char *why, size_t whylen, int *failed);

void	manage_cred_shutdown(void);

#endif /* SUPD_PARENT_MANAGE_AUTH_H */
