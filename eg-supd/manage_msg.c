/*
 * IMSG_SUPD_MANAGE's framing (manage_msg.h): a struct supd_manage, a
 * struct supd_manage_cred, then the URI, the body and the secret.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "control_manage_parse.h"
#include "manage_msg.h"

static int
lengths_ok(const struct supd_manage_cred *c)
{
	return c->urilen > 0 && c->urilen <= SUPD_CRED_URI_MAX &&
	    c->bodylen <= SUPD_CRED_BODY_MAX &&
	    c->secretlen <= SUPD_CRED_SECRET_MAX;
}

uint8_t *
manage_msg_build(const struct supd_manage *m, const struct supd_manage_cred *c,
    const char *uri, const uint8_t *body, const void *secret, size_t *lenp)
{
	uint8_t	*buf, *p;
	size_t	 len;

	if (!lengths_ok(c)) {
		errno = EMSGSIZE;
		return NULL;
	}
	len = sizeof(*m) + sizeof(*c) + c->urilen + c->bodylen + c->secretlen;
	if ((buf = malloc(len)) == NULL)
		return NULL;
	p = buf;
	memcpy(p, m, sizeof(*m));
	p += sizeof(*m);
	memcpy(p, c, sizeof(*c));
	p += sizeof(*c);
	memcpy(p, uri, c->urilen);
	p += c->urilen;
	if (c->bodylen > 0)
		memcpy(p, body, c->bodylen);
	p += c->bodylen;
	if (c->secretlen > 0)
		memcpy(p, secret, c->secretlen);
	*lenp = len;
	return buf;
}

int
manage_msg_split(const void *data, size_t len, struct manage_msg *out)
{
	const uint8_t	*p = data;
	size_t		 fixed = sizeof(out->m) + sizeof(out->c);

	memset(out, 0, sizeof(*out));
	if (len < fixed)
		return -1;
	memcpy(&out->m, p, sizeof(out->m));
	memcpy(&out->c, p + sizeof(out->m), sizeof(out->c));
	p += fixed;
	if (!lengths_ok(&out->c) || len - fixed != (size_t)out->c.urilen +
	    out->c.bodylen + out->c.secretlen)
		goto bad;
	if (out->c.kind > SUPD_CRED_PRIVKEY || out->c.call >= MANAGE_NCALLS ||
	    out->m.op > SUPD_AUTH_ONLY)
		goto bad;
	/* Only a password travels apart; a PrivKey is in the form. */
	switch (out->c.kind) {
	case SUPD_CRED_PLAIN:
		if (out->c.secretlen == 0)
			goto bad;
		break;
	default:
		if (out->c.secretlen != 0)
			goto bad;
	}
	memcpy(out->uri, p, out->c.urilen);
	p += out->c.urilen;
	out->body = out->c.bodylen > 0 ? p : NULL;
	p += out->c.bodylen;
	memcpy(out->secret, p, out->c.secretlen);
	if (memchr(out->uri, '\0', out->c.urilen) != NULL ||
	    (out->c.kind == SUPD_CRED_PLAIN && memchr(out->secret, '\0',
	    out->c.secretlen) != NULL))
		goto bad;
	out->m.name[sizeof(out->m.name) - 1] = '\0';
	return 0;
bad:
	manage_msg_wipe(out);
	return -1;
}

void
manage_msg_wipe(struct manage_msg *out)
{
	sodium_memzero(out->secret, sizeof(out->secret));
	sodium_memzero(&out->m.psk, sizeof(out->m.psk));
}
