/*
 * Who may call the Manage API and what a request carries to prove
 * itself (eg-supd(8), Manage API; the ManageAPI block of
 * eg-supd.conf(5)).  Control holds no password: it refuses only what it
 * can tell without one (a source outside loopback and
 * ManageAPI.AllowFrom, a secret in clear from a source that may not
 * send one, a malformed header) and hands the credential to the parent
 * (parent_manage_auth.c), which checks it.
 */
#include <sys/types.h>

#include <netinet/in.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <sodium.h>

#include "control_http.h"
#include "control_manage_parse.h"
#include "edgeapi/manageauth.h"
#include "util/log.h"

static struct {
	const struct super_conf	*conf;
	struct addr_net		*allow;
	size_t			 nallow;
} ma;

void
manage_auth_conf(const struct super_conf *conf)
{
	const struct conf_strlist	*l = &conf->manage_api.allow_from;
	struct addr_net			*a;
	size_t				 i, n = 0;

	if ((a = calloc(l->count + 1, sizeof(*a))) == NULL)
		fatal("ManageAPI.AllowFrom");
	/* The config checked them; one that does not parse allows nothing. */
	for (i = 0; i < l->count; i++)
		if (addr_net_parse(l->items[i], &a[n]) == 0)
			n++;
		else
			log_warnx("ManageAPI.AllowFrom: %s ignored",
			    l->items[i]);
	free(ma.allow);
	ma.allow = a;
	ma.nallow = n;
	ma.conf = conf;
}

int
manage_may_call(const struct addr_net *src)
{
	size_t	i;

	if (src->family == 0 || addr_net_loopback(src))
		return 1;
	for (i = 0; i < ma.nallow; i++)
		if (addr_net_contains(&ma.allow[i], src))
			return 1;
	return 0;
}

/* Whether a credential may come in clear from src. */
static int
plain_ok(const struct addr_net *src)
{
	switch (ma.conf->manage_api.plain_passwords) {
	case MPLAIN_ALL:
		return 1;
	case MPLAIN_NONE:
		return 0;
	default:
		return src->family == 0 || addr_net_loopback(src);
	}
}

int
manage_cred_of(struct evhttp_request *req, int call,
    const struct manage_form *query, const struct manage_form *body,
    const struct addr_net *src, struct supd_manage_cred *c,
    const char **secret, char *why, size_t whylen)
{
	struct evkeyvalq	*h = evhttp_request_get_input_headers(req);
	const char		*sig, *pw;
	char			 a[INET6_ADDRSTRLEN];

	memset(c, 0, sizeof(*c));
	*secret = NULL;
	c->call = call;
	c->post = evhttp_request_get_command(req) == EVHTTP_REQ_POST;
	c->plain_ok = plain_ok(src);
	c->kind = SUPD_CRED_NONE;
	sig = evhttp_find_header(h, MAUTH_HEADER);
	if ((pw = evhttp_find_header(h, MANAGE_PASSWORD_HEADER)) == NULL)
		pw = manage_form_get(query, "Password");
	if (src->family != 0)
		addr_net_str(src, a, sizeof(a));
	else
		strlcpy(a, "here", sizeof(a));
	if (sig != NULL) {
		if (pw != NULL)
			return manage_why(why, whylen, 400, "Password: sign the "
			    "request or give the password, not both");
		if (mauth_parse(sig, &c->ts_ms, c->mac) == -1)
			return manage_why(why, whylen, 401, MAUTH_HEADER ": "
			    "malformed (v1 timestamp-ms base64-mac)");
		c->kind = SUPD_CRED_SIGNED;
		return 0;
	}
	if (pw != NULL) {
		if (!c->plain_ok)
			return manage_why(why, whylen, 401, "Password: not taken "
			    "in clear from %s (ManageAPI.PlainPasswords): "
			    "sign the request (" MAUTH_HEADER ", as egctl "
			    "manage does)", a);
		if (pw[0] == '\0' || strlen(pw) > SUPD_CRED_SECRET_MAX)
			return manage_why(why, whylen, 401, "Password: wrong "
			    "password");
		c->kind = SUPD_CRED_PLAIN;
		c->secretlen = strlen(pw);
		*secret = pw;
		return 0;
	}
	if (call == MANAGE_PEER_DEL && (manage_form_get(query, "PrivKey") !=
	    NULL || manage_form_get(body, "PrivKey") != NULL)) {
		if (!ma.conf->manage_api.del_peer_by_privkey)
			return manage_why(why, whylen, 403, "PrivKey: peer/del by "
			    "an edge's private key is disabled "
			    "(ManageAPI.DelPeerByPrivKey)");
		if (!c->plain_ok)
			return manage_why(why, whylen, 401, "PrivKey: not taken "
			    "in clear from %s (ManageAPI.PlainPasswords)", a);
		c->kind = SUPD_CRED_PRIVKEY;
	}
	return 0;
}

void
manage_auth_shutdown(void)
{
	free(ma.allow);
	memset(&ma, 0, sizeof(ma));
}
