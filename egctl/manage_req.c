/*
 * egctl manage: the request as bytes (manage.h): the URL taken apart,
 * the form, the signature, the request line and headers; and the answer
 * taken apart.  No I/O here, so regress can check every piece.
 */
#include <sys/types.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgeapi/manageauth.h"
#include "manage.h"

int
manage_url_parse(const char *url, struct manage_url *u)
{
	const char	*p, *hend, *path, *call;
	size_t		 hlen;
	long		 port = 80;
	char		*end;

	memset(u, 0, sizeof(*u));
	if (strncmp(url, "http://", 7) != 0)
		return -1;
	p = url + 7;
	if ((path = strchr(p, '/')) == NULL)
		return -1;
	if (*p == '[') {
		/* [IPv6]:port */
		if ((hend = memchr(p, ']', (size_t)(path - p))) == NULL)
			return -1;
		hlen = (size_t)(hend - p - 1);
		p++;
		hend++;
	} else {
		hend = memchr(p, ':', (size_t)(path - p));
		if (hend == NULL)
			hend = path;
		hlen = (size_t)(hend - p);
	}
	if (hlen == 0 || hlen >= sizeof(u->host))
		return -1;
	memcpy(u->host, p, hlen);
	if (*hend == ':') {
		port = strtol(hend + 1, &end, 10);
		if (end != path || end == hend + 1 || port < 1 || port > 65535)
			return -1;
	} else if (hend != path)
		return -1;
	snprintf(u->port, sizeof(u->port), "%ld", port);
	if (strlen(path) >= sizeof(u->pathq))
		return -1;
	strlcpy(u->pathq, path, sizeof(u->pathq));
	/* The call names the key: the path after its last "/manage/". */
	hlen = strcspn(u->pathq, "?");
	for (call = NULL, p = u->pathq; (p = strstr(p, "/manage/")) !=
	    NULL && p < u->pathq + hlen; p++)
		call = p + strlen("/manage/");
	if (call == NULL || call >= u->pathq + hlen ||
	    (size_t)(u->pathq + hlen - call) >= sizeof(u->call))
		return -1;
	memcpy(u->call, call, (size_t)(u->pathq + hlen - call));
	return 0;
}

/* Percent-encodes s onto out (RFC 3986 unreserved kept); -1: full. */
static int
enc(char *out, size_t outlen, size_t *o, const char *s, size_t len)
{
	static const char	hex[] = "0123456789ABCDEF";
	unsigned char		c;
	size_t			i;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (*o + 4 > outlen)
			return -1;
		if (isalnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~')
			out[(*o)++] = (char)c;
		else {
			out[(*o)++] = '%';
			out[(*o)++] = hex[c >> 4];
			out[(*o)++] = hex[c & 15];
		}
	}
	out[*o] = '\0';
	return 0;
}

int
manage_form(char *out, size_t outlen, int argc, char *const argv[])
{
	const char	*eq;
	size_t		 o = 0;
	int		 i;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	for (i = 0; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL || eq == argv[i])
			return -1;
		if (i > 0) {
			if (o + 2 > outlen)
				return -1;
			out[o++] = '&';
		}
		if (enc(out, outlen, &o, argv[i], (size_t)(eq - argv[i])) ==
		    -1 || o + 2 > outlen)
			return -1;
		out[o++] = '=';
		if (enc(out, outlen, &o, eq + 1, strlen(eq + 1)) == -1)
			return -1;
	}
	return 0;
}

char *
manage_request(const struct manage_url *u, const char *password,
    const char *body, int64_t ts_ms, size_t *lenp)
{
	uint8_t		 key[MAUTH_KEY_LEN];
	const char	*method = body != NULL ? "POST" : "GET";
	char		 auth[128], clen[96], *req;
	size_t		 blen = body != NULL ? strlen(body) : 0;
	int		 n, v6;

	if (mauth_key(key, u->call, password) == -1)
		return NULL;
	n = mauth_header(auth, sizeof(auth), key, method, u->pathq, ts_ms,
	    (const uint8_t *)body, blen);
	explicit_bzero(key, sizeof(key));
	if (n == -1)
		return NULL;
	if (body != NULL)
		snprintf(clen, sizeof(clen), "Content-Type: application/"
		    "x-www-form-urlencoded\r\nContent-Length: %zu\r\n", blen);
	else
		clen[0] = '\0';
	v6 = strchr(u->host, ':') != NULL;
	n = asprintf(&req, "%s %s HTTP/1.1\r\nHost: %s%s%s:%s\r\n"
	    "Connection: close\r\n" MAUTH_HEADER ": %s\r\n%s\r\n%s", method,
	    u->pathq, v6 ? "[" : "", u->host, v6 ? "]" : "", u->port, auth,
	    clen, body != NULL ? body : "");
	if (n == -1)
		return NULL;
	*lenp = (size_t)n;
	return req;
}

int
manage_answer(const char *buf, size_t len, int *status, size_t *body_off)
{
	const char	*end, *p;
	int		 st;

	if (len < 12 || strncmp(buf, "HTTP/1.", 7) != 0 ||
	    (end = memmem(buf, len, "\r\n\r\n", 4)) == NULL)
		return -1;
	p = buf + 8;
	if (*p != ' ' || !isdigit((unsigned char)p[1]) ||
	    !isdigit((unsigned char)p[2]) || !isdigit((unsigned char)p[3]))
		return -1;
	st = (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	if (st < 100)
		return -1;
	*status = st;
	*body_off = (size_t)(end - buf) + 4;
	return 0;
}
