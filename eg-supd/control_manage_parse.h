/*
 * The Manage API's requests (seed 001, doc/super-internals.md) as pure
 * functions: form decoding, the parameters of each call into a struct
 * supd_manage, the password check, and the checks against the config
 * that the control process can make before the parent applies a change.
 * Every function that refuses gives an HTTP status and a one-line reason.
 */
#ifndef EG_MANAGE_PARSE_H
#define EG_MANAGE_PARSE_H

#include <stddef.h>

#include "config/config.h"
#include "supd_imsg.h"

#define MANAGE_MAX_PARAMS	32
#define MANAGE_KEY_MAX		64	/* bytes of a decoded name */
#define MANAGE_REASON_LEN	192
#define MANAGE_PASSWORD_HEADER	"X-EG-Password"

enum manage_call {
	MANAGE_SUPER_STATE,
	MANAGE_PEER_ADD,
	MANAGE_PEER_DEL,
	MANAGE_PEER_UPDATE,
	MANAGE_SUPER_UPDATE,
	MANAGE_NCALLS
};

/* A decoded application/x-www-form-urlencoded text. */
struct manage_param {
	char	*key;
	char	*val;		/* NUL-terminated; no NUL inside */
	size_t	 vlen;
};

struct manage_form {
	struct manage_param	p[MANAGE_MAX_PARAMS];
	size_t			n;
};

/* What the checks relate to: the supernode's current settings. */
struct manage_limits {
	double	peer_alive_timeout;
	double	send_ping_interval;
	double	http_post_interval;
	int	static_mode;
};

/*
 * Decodes s (len bytes: a query string or a form body): '&' separates
 * pairs, '+' is a space, %XX a byte.  A key given twice, a bad escape, a
 * NUL byte or more than MANAGE_MAX_PARAMS pairs are refused (-1).
 */
int	 manage_form_parse(struct manage_form *, const char *s, size_t len,
	    char *why, size_t whylen);
/* Wipes the values (they may be passwords or private keys). */
void	 manage_form_free(struct manage_form *);
const char *manage_form_get(const struct manage_form *, const char *key);

/*
 * The reason of a refusal into why, one line (control characters become
 * '?'): returns status.
 */
int	 manage_why(char *why, size_t whylen, int status, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

/* "/manage/peer/add" and the like (the path after API_Prefix); -1. */
int	 manage_call_bypath(const char *path);
const char *manage_call_name(enum manage_call);
/* The configured password of a call ("" disables it). */
const char *manage_password_of(const struct conf_passwords *,
	    enum manage_call);

/*
 * given (NULL: none came) against the configured password, compared in
 * constant time: 0, 401 (missing or wrong) or 403 (the call is disabled
 * because its password is empty).
 */
int	 manage_password_check(const char *given, const char *configured,
	    char *why, size_t whylen);

/*
 * The parameters of call, looked up in query and body (either one; not
 * both; body NULL for a GET), into m (op and fields; request left 0).
 * by_password: the request carried a correct password; peer/del without
 * one must carry PrivKey, whose public key goes to m->pubkey and
 * m->node_id is NODEID_INVALID until manage_check_conf() finds it.
 * 0, or 400 with the reason.
 */
int	 manage_parse(enum manage_call, const struct manage_form *query,
	    const struct manage_form *body, const struct manage_limits *,
	    int by_password, struct supd_manage *m, char *why,
	    size_t whylen);
/* Whether an update call sets anything at all. */
int	 manage_has_changes(const struct supd_manage *);

/*
 * m against the config: peer/add 409 if the NodeID, Name or PubKey is
 * taken; peer/del and peer/update 404 for an unknown NodeID (or PrivKey,
 * whose NodeID it fills in).  0 when the parent may go ahead.
 */
int	 manage_check_conf(const struct super_conf *, struct supd_manage *m,
	    char *why, size_t whylen);

#endif /* EG_MANAGE_PARSE_H */
