/*
 * Who may call the Manage API and how a request proves itself
 * (eg-supd(8), Manage API; the ManageAPI block of eg-supd.conf(5)):
 *
 *  - from loopback and the networks of ManageAPI.AllowFrom only;
 *  - signed (X-EG-Manage-Auth, common/edgeapi/manageauth.h) with a key
 *    derived from the call's password, its timestamp within
 *    EDGEAPI_CLOCK_SKEW_MS of our clock, not before this process
 *    started and never seen before (HTTP_REPLAY_MAX remembered; when
 *    the oldest is forgotten, nothing as old is taken again);
 *  - or with the password in clear, as EtherGuard-Go's clients send it,
 *    where ManageAPI.PlainPasswords allows (loopback by default: there
 *    it crosses no network);
 *  - peer/del with an edge's PrivKey only if ManageAPI.DelPeerByPrivKey
 *    is on, and only where a password may come in clear, for the key
 *    does.
 * A credential is checked only if it may be used from where it came,
 * so a refusal says nothing about it.  The keys are derived once per
 * password (Argon2id, some 20 ms) when a config is committed.
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

struct seen {
	int64_t	ts;
	uint8_t	mac[EDGEAPI_HASH_LEN];
};

static struct {
	const struct super_conf	*conf;
	struct addr_net		*allow;
	size_t			 nallow;
	struct {
		uint8_t		 pwhash[EDGEAPI_HASH_LEN];
		uint8_t		 key[MAUTH_KEY_LEN];
		int		 have;
	}			 keys[MANAGE_NCALLS];
	struct seen		*seen;	/* a ring, oldest first */
	size_t			 head, nseen;
	int64_t			 floor_ms;	/* none as old taken */
} ma;

/* The key of each call's password, derived again only when it changed. */
static void
derive_keys(const struct super_conf *conf)
{
	const char	*pw;
	uint8_t		 h[EDGEAPI_HASH_LEN];
	int		 call;

	for (call = 0; call < MANAGE_NCALLS; call++) {
		pw = manage_password_of(&conf->passwords, call);
		if (pw[0] == '\0') {
			sodium_memzero(&ma.keys[call], sizeof(ma.keys[call]));
			continue;
		}
		crypto_generichash(h, sizeof(h), (const uint8_t *)pw,
		    strlen(pw), NULL, 0);
		if (ma.keys[call].have && sodium_memcmp(h,
		    ma.keys[call].pwhash, sizeof(h)) == 0)
			continue;
		memcpy(ma.keys[call].pwhash, h, sizeof(h));
		ma.keys[call].have = mauth_key(ma.keys[call].key,
		    manage_call_name(call), pw) == 0;
		if (!ma.keys[call].have)
			log_warnx("Manage API %s: no memory to derive the key "
			    "of its password; signed requests get 503",
			    manage_call_name(call));
	}
	sodium_memzero(h, sizeof(h));
}

void
manage_auth_conf(const struct super_conf *conf)
{
	const struct conf_strlist	*l = &conf->manage_api.allow_from;
	struct addr_net			*a;
	size_t				 i, n = 0;

	if (ma.floor_ms == 0)
		ma.floor_ms = http_now_ms();	/* the start */
	if (ma.seen == NULL && (ma.seen = calloc(HTTP_REPLAY_MAX,
	    sizeof(*ma.seen))) == NULL)
		fatal("Manage API replay cache");
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
	derive_keys(conf);
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

static int
seen_before(int64_t ts, const uint8_t mac[EDGEAPI_HASH_LEN])
{
	size_t	i, j;

	if (ts <= ma.floor_ms)
		return 1;
	for (i = 0; i < ma.nseen; i++) {
		j = (ma.head + i) % HTTP_REPLAY_MAX;
		if (ma.seen[j].ts == ts && sodium_memcmp(ma.seen[j].mac, mac,
		    EDGEAPI_HASH_LEN) == 0)
			return 1;
	}
	return 0;
}

static void
remember(int64_t ts, const uint8_t mac[EDGEAPI_HASH_LEN])
{
	struct seen	*s;

	if (ma.nseen == HTTP_REPLAY_MAX) {
		/* Forget the oldest, and all as old with it. */
		s = &ma.seen[ma.head];
		if (s->ts > ma.floor_ms)
			ma.floor_ms = s->ts;
		ma.head = (ma.head + 1) % HTTP_REPLAY_MAX;
		ma.nseen--;
	}
	s = &ma.seen[(ma.head + ma.nseen) % HTTP_REPLAY_MAX];
	s->ts = ts;
	memcpy(s->mac, mac, EDGEAPI_HASH_LEN);
	ma.nseen++;
}

static int
why_fmt(char *why, size_t whylen, int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
why_fmt(char *why, size_t whylen, int status, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return status;
}

static int
signed_request(struct evhttp_request *req, int call, const char *hdr,
    int *failed, char *why, size_t whylen)
{
	const uint8_t	*body;
	uint8_t		 mac[EDGEAPI_HASH_LEN];
	int64_t		 ts, now = http_now_ms();
	size_t		 blen;

	if (!ma.keys[call].have)
		return why_fmt(why, whylen, 503, MAUTH_HEADER ": no key for "
		    "this call's password yet");
	if (mauth_parse(hdr, &ts, mac) == -1)
		return why_fmt(why, whylen, 401, MAUTH_HEADER ": malformed "
		    "(v1 timestamp-ms base64-mac)");
	/* Before the MAC: an old request tells nothing, whatever it is. */
	if (ts > now + EDGEAPI_CLOCK_SKEW_MS || ts < now -
	    EDGEAPI_CLOCK_SKEW_MS)
		return why_fmt(why, whylen, 401, MAUTH_HEADER ": timestamp %"
		    PRId64 " s away from the supernode's clock", (ts - now) /
		    1000);
	body = http_body(req, &blen);
	if (mauth_verify(ma.keys[call].key, mac,
	    evhttp_request_get_command(req) == EVHTTP_REQ_POST ? "POST" :
	    "GET", evhttp_request_get_uri(req), ts, body, blen) == -1) {
		*failed = 1;
		return why_fmt(why, whylen, 401, MAUTH_HEADER ": "
		    "authentication failed");
	}
	if (seen_before(ts, mac)) {
		*failed = 1;
		http_stats.replayed++;
		return why_fmt(why, whylen, 401, MAUTH_HEADER ": taken before, "
		    "or older than the supernode's start (replayed?)");
	}
	remember(ts, mac);
	return 0;
}

int
manage_auth(struct evhttp_request *req, int call,
    const struct manage_form *query, const struct manage_form *body,
    const struct addr_net *src, int *by_password, int *failed, char *why,
    size_t whylen)
{
	struct evkeyvalq	*h = evhttp_request_get_input_headers(req);
	const char		*sig, *pw, *configured;
	char			 a[INET6_ADDRSTRLEN];
	int			 rc;

	*by_password = 1;
	*failed = 0;
	configured = manage_password_of(&ma.conf->passwords, call);
	sig = evhttp_find_header(h, MAUTH_HEADER);
	if ((pw = evhttp_find_header(h, MANAGE_PASSWORD_HEADER)) == NULL)
		pw = manage_form_get(query, "Password");
	if (src->family != 0)
		addr_net_str(src, a, sizeof(a));
	else
		strlcpy(a, "here", sizeof(a));
	if (sig != NULL) {
		if (pw != NULL)
			return why_fmt(why, whylen, 400, "Password: sign the "
			    "request or give the password, not both");
		if (configured[0] == '\0')
			return manage_password_check(NULL, configured, why,
			    whylen);
		return signed_request(req, call, sig, failed, why, whylen);
	}
	if (pw != NULL) {
		if (!plain_ok(src))
			return why_fmt(why, whylen, 401, "Password: not taken "
			    "in clear from %s (ManageAPI.PlainPasswords): "
			    "sign the request (" MAUTH_HEADER ", as egctl "
			    "manage does)", a);
		if ((rc = manage_password_check(pw, configured, why,
		    whylen)) == 401)
			*failed = 1;
		return rc;
	}
	if (call == MANAGE_PEER_DEL && (manage_form_get(query, "PrivKey") !=
	    NULL || manage_form_get(body, "PrivKey") != NULL)) {
		if (!ma.conf->manage_api.del_peer_by_privkey)
			return why_fmt(why, whylen, 403, "PrivKey: peer/del by "
			    "an edge's private key is disabled "
			    "(ManageAPI.DelPeerByPrivKey)");
		if (!plain_ok(src))
			return why_fmt(why, whylen, 401, "PrivKey: not taken "
			    "in clear from %s (ManageAPI.PlainPasswords)", a);
		*by_password = 0;
		return 0;
	}
	if (configured[0] == '\0')
		return manage_password_check(NULL, configured, why, whylen);
	return why_fmt(why, whylen, 401, "Password: missing (give it, or "
	    "sign the request: " MAUTH_HEADER ")");
}

void
manage_auth_shutdown(void)
{
	free(ma.allow);
	free(ma.seen);
	sodium_memzero(&ma, sizeof(ma));
}
