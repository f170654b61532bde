/*
 * Decoding of application/x-www-form-urlencoded text for the Manage API:
 * see control_manage_parse.h.  The text comes from HTTP clients.
 */
#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "control_manage_parse.h"

static int
form_fail(struct manage_form *f, char *why, size_t whylen, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

/* Formats the reason (one line), frees what f holds; returns -1. */
static int
form_fail(struct manage_form *f, char *why, size_t whylen, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*p;

	if (why != NULL && whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
		for (p = why; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
	}
	/* After formatting: the arguments may point into f. */
	manage_form_free(f);
	return -1;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..len) into a new string; NULL on a bad escape or a NUL. */
static char *
form_decode(const char *s, size_t len, size_t *outlen)
{
	char	*out;
	size_t	 i, o = 0;
	int	 hi, lo;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%') {
			if (i + 2 >= len || (hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0)
				goto bad;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[o++] = s[i];
		if (o > 0 && out[o - 1] == '\0')
			goto bad;
	}
	out[o] = '\0';
	*outlen = o;
	return out;
bad:
	sodium_memzero(out, len + 1);
	free(out);
	return NULL;
}

int
manage_form_parse(struct manage_form *f, const char *s, size_t len,
    char *why, size_t whylen)
{
	const char	*p = s, *end = s + len, *amp, *eq;
	char		*key, *val;
	size_t		 klen, vlen, i;

	memset(f, 0, sizeof(*f));
	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p) {		/* "a=1&&b=2" */
			p++;
			continue;
		}
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		if (f->n == MANAGE_MAX_PARAMS)
			return form_fail(f, why, whylen, "more than %d "
			    "parameters", MANAGE_MAX_PARAMS);
		key = form_decode(p, (size_t)(eq - p), &klen);
		val = form_decode(eq < amp ? eq + 1 : amp,
		    eq < amp ? (size_t)(amp - eq - 1) : 0, &vlen);
		/* Held by f from here on: form_fail() frees them. */
		f->p[f->n].key = key;
		f->p[f->n].val = val;
		f->p[f->n].vlen = val != NULL ? vlen : 0;
		f->n++;
		if (key == NULL || val == NULL)
			return form_fail(f, why, whylen, "malformed parameter: "
			    "a bad %%-escape or a NUL byte");
		if (klen == 0 || klen > MANAGE_KEY_MAX)
			return form_fail(f, why, whylen, "malformed parameter: "
			    "empty or overlong name");
		for (i = 0; i + 1 < f->n; i++)
			if (strcmp(f->p[i].key, key) == 0)
				return form_fail(f, why, whylen, "%.64s: given "
				    "twice", key);
		p = amp;
	}
	return 0;
}

void
manage_form_free(struct manage_form *f)
{
	size_t	i;

	for (i = 0; i < f->n; i++) {
		free(f->p[i].key);
		if (f->p[i].val != NULL) {
			sodium_memzero(f->p[i].val, f->p[i].vlen);
			free(f->p[i].val);
		}
	}
	memset(f, 0, sizeof(*f));
}

const char *
manage_form_get(const struct manage_form *f, const char *key)
{
	size_t	i;

	if (f == NULL)
		return NULL;
	for (i = 0; i < f->n; i++)
		if (strcmp(f->p[i].key, key) == 0)
			return f->p[i].val;
	return NULL;
}
