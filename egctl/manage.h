/*
 * egctl manage: one signed Manage API request (eg-supd(8), Manage API),
 * the password read from standard input, never on the command line.
 */
#ifndef EGCTL_MANAGE_H
#define EGCTL_MANAGE_H

#include <stddef.h>
#include <stdint.h>

struct manage_url {
	char	host[256];	/* IPv6 without its brackets */
	char	port[8];
	char	pathq[4096];	/* request target, sent and signed */
	char	call[64];	/* "peer/add": names the key */
};

/* "http://host[:port]/.../manage/CALL[?query]": 0, or -1. */
int	manage_url_parse(const char *url, struct manage_url *);
/* NAME=VALUE arguments as a form, percent-encoded: 0, or -1. */
int	manage_form(char *out, size_t outlen, int argc, char *const argv[]);
/*
 * The whole request, signed with the key of password at ts_ms; a POST
 * of body, or a GET if body is NULL.  malloc'ed; NULL if out of memory.
 */
char	*manage_request(const struct manage_url *, const char *password,
	    const char *body, int64_t ts_ms, size_t *lenp);
/* The status and where the body starts: 0, or -1 if not an answer. */
int	manage_answer(const char *buf, size_t len, int *status,
	    size_t *body_off);

/* manage.c: egctl manage URL [NAME=VALUE ...]; the exit status. */
int	manage_main(const char *url, int argc, char *const argv[]);

#endif /* EGCTL_MANAGE_H */
