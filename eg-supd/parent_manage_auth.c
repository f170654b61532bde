/*
 * Who may make a Manage API call, checked by the parent, which parses
 * no HTTP: control only passes on what a request carried (manage_msg.h)
 * and knows no password, so a compromised control can neither learn a
 * password that is signed for nor make a change without a credential
 * for its call.  A request proves itself (eg-supd(8), Manage API)
 *
 *  - signed (X-EG-Manage-Auth, common/edgeapi/manageauth.h) with a key
 *    derived from the call's password, its timestamp within
 *    EDGEAPI_CLOCK_SKEW_MS of our clock, not before this process
 *    started and never seen before (MANAGE_REPLAY_MAX remembered; when
 *    the oldest is forgotten, nothing as old is taken again);
 *  - or with the password in clear, where its source may
 *    (ManageAPI.PlainPasswords: control knows the source);
 *  - or, for peer/del, with an edge's PrivKey if
 *    ManageAPI.DelPeerByPrivKey is on, where a secret may come in clear.
 *
 * What is applied is parsed here from the request's own URI and body,
 * with the bounded parser of the Manage API (control_manage_parse.c,
 * control_manage_form.c: no HTTP, fuzzed by fuzz_manage_parse), so it is
 * what the credential covers.
 */
#include <sys/types.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "control_manage_parse.h"
#include "edgeapi/manageauth.h"
#include "parent_manage_auth.h"
#include "util/clock.h"
#include "util/log.h"

#define MANAGE_REPLAY_MAX	4096	/* signed requests remembered */

struct seen {
	int64_t	ts;
	uint8_t	mac[EDGEAPI_HASH_LEN];
};

static struct {
	struct {
		uint8_t		 pwhash[EDGEAPI_HASH_LEN];
		uint8_t		 key[MAUTH_KEY_LEN];
		int		 have;
	}			 keys[MANAGE_NCALLS];
	struct seen		*seen;		/* a ring, oldest first */
	size_t			 head, nseen;
	int64_t			 floor_ms;	/* none as old taken */
} mc;

void
manage_cred_conf(const struct super_conf *conf)
{
	const char	*pw;
	uint8_t		 h[EDGEAPI_HASH_LEN];
	int		 call;

	if (mc.floor_ms == 0)
		mc.floor_ms = clock_realtime_ms();	/* the start */
	if (mc.seen == NULL && (mc.seen = calloc(MANAGE_REPLAY_MAX,
	    sizeof(*mc.seen))) == NULL)
		fatal("Manage API replay cache");
	for (call = 0; call < MANAGE_NCALLS; call++) {
		pw = manage_password_of(&conf->passwords, call);
		if (pw[0] == '\0') {
			sodium_memzero(&mc.keys[call], sizeof(mc.keys[call]));
			continue;
		}
		crypto_generichash(h, sizeof(h), (const uint8_t *)pw,
		    strlen(pw), NULL, 0);
		if (mc.keys[call].have && sodium_memcmp(h,
		    mc.keys[call].pwhash, sizeof(h)) == 0)
			continue;
		memcpy(mc.keys[call].pwhash, h, sizeof(h));
		mc.keys[call].have = mauth_key(mc.keys[call].key,
		    manage_call_name(call), pw) == 0;
		if (!mc.keys[call].have)
			log_warnx("Manage API %s: no memory to derive the key "
			    "of its password; signed requests get 503",
			    manage_call_name(call));
	}
	sodium_memzero(h, sizeof(h));
}

static int
seen_before(int64_t ts, const uint8_t mac[EDGEAPI_HASH_LEN])
{
	size_t	i, j;

	if (ts <= mc.floor_ms)
		return 1;
	for (i = 0; i < mc.nseen; i++) {
		j = (mc.head + i) % MANAGE_REPLAY_MAX;
		if (mc.seen[j].ts == ts && sodium_memcmp(mc.seen[j].mac, mac,
		    EDGEAPI_HASH_LEN) == 0)
			return 1;
	}
	return 0;
}

static void
remember(int64_t ts, const uint8_t mac[EDGEAPI_HASH_LEN])
{
	struct seen	*s;

	if (mc.nseen == MANAGE_REPLAY_MAX) {
		/* Forget the oldest, and all as old with it. */
		s = &mc.seen[mc.head];
		if (s->ts > mc.floor_ms)
			mc.floor_ms = s->ts;
		mc.head = (mc.head + 1) % MANAGE_REPLAY_MAX;
		mc.nseen--;
	}
	s = &mc.seen[(mc.head + mc.nseen) % MANAGE_REPLAY_MAX];
	s->ts = ts;
	memcpy(s->mac, mac, EDGEAPI_HASH_LEN);
	mc.nseen++;
}

static int
signed_ok(const struct manage_msg *mm, int64_t now, char *why,
    size_t whylen, int *failed, int *replayed)
{
	const struct supd_manage_cred	*c = &mm->c;

	if (!mc.keys[c->call].have)
		return manage_why(why, whylen, 503, MAUTH_HEADER ": no key for "
		    "this call's password yet");
	/* Before the MAC: an old request tells nothing, whatever it is. */
	if (c->ts_ms > now + EDGEAPI_CLOCK_SKEW_MS || c->ts_ms < now -
	    EDGEAPI_CLOCK_SKEW_MS)
		/* Any int64_t from control: no overflow in the difference. */
		return manage_why(why, whylen, 401, MAUTH_HEADER ": timestamp "
		    "%.0f s away from the supernode's clock",
		    ((double)c->ts_ms - (double)now) / 1000);
	if (mauth_verify(mc.keys[c->call].key, c->mac, c->post ? "POST" :
	    "GET", mm->uri, c->ts_ms, mm->body, c->bodylen) == -1) {
		*failed = 1;
		return manage_why(why, whylen, 401, MAUTH_HEADER ": "
		    "authentication failed");
	}
	if (seen_before(c->ts_ms, c->mac)) {
		*failed = 1;
		*replayed = 1;
		return manage_why(why, whylen, 401, MAUTH_HEADER ": taken before, "
		    "or older than the supernode's start (replayed?)");
	}
	remember(c->ts_ms, c->mac);
	return 0;
}

/* What control may ask for with a credential of each call. */
static int
op_of_call(uint32_t op, uint32_t call)
{
	if (op == SUPD_AUTH_ONLY)
		return 1;
	switch (call) {
	case MANAGE_PEER_ADD:
		return op == SUPD_PEER_ADD;
	case MANAGE_PEER_DEL:
		return op == SUPD_PEER_DEL;
	case MANAGE_PEER_UPDATE:
		return op == SUPD_PEER_UPDATE;
	case MANAGE_SUPER_UPDATE:
		return op == SUPD_SUPER_UPDATE;
	default:
		return 0;
	}
}

int
manage_cred_check(const struct super_conf *conf, const struct manage_msg *mm,
    int64_t now_ms, char *why, size_t whylen, int *failed, int *replayed)
{
	const struct supd_manage_cred	*c = &mm->c;
	const char			*configured;
	int				 rc;

	*failed = *replayed = 0;
	if (!op_of_call(mm->m.op, c->call))
		return manage_why(why, whylen, 400, "Manage API %s: not a call "
		    "that makes this change", manage_call_name(c->call));
	configured = manage_password_of(&conf->passwords, c->call);
	switch (c->kind) {
	case SUPD_CRED_SIGNED:
		if (configured[0] == '\0')
			return manage_password_check(NULL, configured, why,
			    whylen);
		return signed_ok(mm, now_ms, why, whylen, failed, replayed);
	case SUPD_CRED_PLAIN:
		if (!c->plain_ok)
			return manage_why(why, whylen, 401, "Password: not taken "
			    "in clear from this source "
			    "(ManageAPI.PlainPasswords)");
		if ((rc = manage_password_check(mm->secret, configured, why,
		    whylen)) == 401)
			*failed = 1;
		return rc;
	case SUPD_CRED_PRIVKEY:
		if (c->call != MANAGE_PEER_DEL)
			return manage_why(why, whylen, 400, "PrivKey: only for "
			    "peer/del");
		if (!conf->manage_api.del_peer_by_privkey)
			return manage_why(why, whylen, 403, "PrivKey: peer/del by "
			    "an edge's private key is disabled "
			    "(ManageAPI.DelPeerByPrivKey)");
		if (!c->plain_ok)
			return manage_why(why, whylen, 401, "PrivKey: not taken "
			    "in clear from this source "
			    "(ManageAPI.PlainPasswords)");
		/* The key is checked with the change it asks for. */
		return 0;
	default:
		if (configured[0] == '\0')
			return manage_password_check(NULL, configured, why,
			    whylen);
		return manage_why(why, whylen, 401, "Password: missing (give it, "
		    "or sign the request: " MAUTH_HEADER ")");
	}
}

int
manage_cred_change(const struct super_conf *conf, const struct manage_msg *mm,
    struct supd_manage *m, char *why, size_t whylen, int *failed)
{
	struct manage_form	 qf, bf;
	struct manage_limits	 lim;
	const char		*q;
	int			 rc, by_password;

	*failed = 0;
	q = strchr(mm->uri, '?');
	q = q != NULL ? q + 1 : "";
	if (manage_form_parse(&qf, q, strlen(q), why, whylen) == -1)
		return 400;
	if (mm->c.post && manage_form_parse(&bf, mm->body != NULL ?
	    (const char *)mm->body : "", mm->c.bodylen, why, whylen) == -1) {
		manage_form_free(&qf);
		return 400;
	}
	lim.peer_alive_timeout = conf->peer_alive_timeout;
	lim.send_ping_interval = conf->send_ping_interval;
	lim.http_post_interval = conf->http_post_interval;
	lim.static_mode = conf->graph.static_mode;
	by_password = mm->c.kind != SUPD_CRED_PRIVKEY;
	rc = manage_parse(mm->c.call, &qf, mm->c.post ? &bf : NULL, &lim,
	    by_password, m, why, whylen);
	manage_form_free(&qf);
	if (mm->c.post)
		manage_form_free(&bf);
	if (rc != 0)
		return rc;
	if (m->op != mm->m.op) {
		sodium_memzero(m, sizeof(*m));
		return manage_why(why, whylen, 400, "Manage API %s: not the "
		    "change asked for", manage_call_name(mm->c.call));
	}
	m->request = mm->m.request;
	rc = manage_check_conf(conf, m, why, whylen);
	/* A PrivKey that is nobody's is a wrong credential. */
	if (rc == 404 && !by_password)
		*failed = 1;
	if (rc != 0)
		sodium_memzero(m, sizeof(*m));
	return rc;
}

void
manage_cred_shutdown(void)
{
	free(mc.seen);
	sodium_memzero(&mc, sizeof(mc));
}
