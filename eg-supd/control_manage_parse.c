/*
 * Manage API requests: see control_manage_parse.h.  Everything here comes from
 * HTTP clients, before or without a correct password.
 */
#include <sys/types.h>

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "control_manage_parse.h"
#include "edgeapi/edgeapi_json.h"

/* Formats the reason (one line: control characters become '?'). */
int
manage_why(char *why, size_t whylen, int status, const char *fmt, ...)
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
	return status;
}

static const char *const manage_paths[MANAGE_NCALLS] = {
	[MANAGE_SUPER_STATE] = "/manage/super/state",
	[MANAGE_PEER_ADD] = "/manage/peer/add",
	[MANAGE_PEER_DEL] = "/manage/peer/del",
	[MANAGE_PEER_UPDATE] = "/manage/peer/update",
	[MANAGE_SUPER_UPDATE] = "/manage/super/update",
};

int
manage_call_bypath(const char *path)
{
	int	i;

	for (i = 0; i < MANAGE_NCALLS; i++)
		if (strcmp(path, manage_paths[i]) == 0)
			return i;
	return -1;
}

const char *
manage_call_name(enum manage_call c)
{
	if ((int)c < 0 || c >= MANAGE_NCALLS)
		return "?";
	return manage_paths[c] + strlen("/manage/");
}

const char *
manage_password_of(const struct conf_passwords *pw, enum manage_call c)
{
	const char	*s = NULL;

	switch (c) {
	case MANAGE_SUPER_STATE:
		s = pw->show_state;
		break;
	case MANAGE_PEER_ADD:
		s = pw->add_peer;
		break;
	case MANAGE_PEER_DEL:
		s = pw->del_peer;
		break;
	case MANAGE_PEER_UPDATE:
		s = pw->update_peer;
		break;
	case MANAGE_SUPER_UPDATE:
		s = pw->update_super;
		break;
	default:
		break;
	}
	return s != NULL ? s : "";
}

int
manage_password_check(const char *given, const char *configured, char *why,
    size_t whylen)
{
	uint8_t	hg[crypto_generichash_BYTES];
	uint8_t	hc[crypto_generichash_BYTES];
	int	rc;

	if (configured == NULL || configured[0] == '\0')
		return manage_why(why, whylen, 403, "Password: this call is "
		    "disabled (its password in the config is empty)");
	if (given == NULL)
		return manage_why(why, whylen, 401, "Password: missing");
	/* Equal-length digests: the comparison does not leak lengths. */
	crypto_generichash(hg, sizeof(hg), (const uint8_t *)given,
	    strlen(given), NULL, 0);
	crypto_generichash(hc, sizeof(hc), (const uint8_t *)configured,
	    strlen(configured), NULL, 0);
	rc = sodium_memcmp(hg, hc, sizeof(hg));
	sodium_memzero(hg, sizeof(hg));
	sodium_memzero(hc, sizeof(hc));
	if (rc != 0)
		return manage_why(why, whylen, 401, "Password: wrong password");
	return 0;
}

/* Parameter lookup and value parsers */

struct lookup {
	const struct manage_form	*query;
	const struct manage_form	*body;
	char				*why;
	size_t				 whylen;
};

/* The value of key from the query or the body; 1 found, 0 not, -1 both. */
static int
param(struct lookup *l, const char *key, const char **val)
{
	const char	*q = manage_form_get(l->query, key);
	const char	*b = manage_form_get(l->body, key);

	if (q != NULL && b != NULL)
		return manage_why(l->why, l->whylen, -1, "%s: given in both the "
		    "query and the body", key);
	*val = q != NULL ? q : b;
	return *val != NULL;
}

static int
parse_nodeid(const char *s, uint16_t *id)
{
	size_t		i, len = strlen(s);
	unsigned long	v = 0;

	if (len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > NODEID_MAX_VALID)
		return -1;
	*id = (uint16_t)v;
	return 0;
}

/* A decimal number: [+-]digits[.digits][e[+-]digits], finite. */
static int
parse_number(const char *s, double *out)
{
	const char	*p = s;
	char		*end;
	int		 digits = 0;

	if (*p == '+' || *p == '-')
		p++;
	while (isdigit((unsigned char)*p)) {
		p++;
		digits++;
	}
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			digits++;
	if (digits == 0)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p != '\0' || p - s > 64)
		return -1;
	*out = strtod(s, &end);
	if (end != p || !isfinite(*out))
		return -1;
	return 0;
}

static int
parse_bool(const char *s, int32_t *out)
{
	if (strcasecmp(s, "true") == 0)
		*out = 1;
	else if (strcasecmp(s, "false") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

static int
all_zero(const uint8_t *k, size_t len)
{
	uint8_t	acc = 0;
	size_t	i;

	for (i = 0; i < len; i++)
		acc |= k[i];
	return acc == 0;
}

/* Refuses keys the call does not take.  allowed is NULL-terminated. */
static int
only_params(struct lookup *l, const char *const allowed[])
{
	const struct manage_form	*forms[2] = { l->query, l->body };
	const char			*k;
	size_t				 f, i, j;

	for (f = 0; f < 2; f++) {
		if (forms[f] == NULL)
			continue;
		for (i = 0; i < forms[f]->n; i++) {
			k = forms[f]->p[i].key;
			if (strcmp(k, "Password") == 0) {
				if (f == 0)
					continue;
				return manage_why(l->why, l->whylen, 400,
				    "Password: give it in the query or the "
				    MANAGE_PASSWORD_HEADER " header");
			}
			for (j = 0; allowed[j] != NULL; j++)
				if (strcmp(k, allowed[j]) == 0)
					break;
			if (allowed[j] == NULL)
				return manage_why(l->why, l->whylen, 400,
				    "%.64s: not a parameter of this call", k);
		}
	}
	return 0;
}

static int
get_nodeid(struct lookup *l, const char *key, int required, uint16_t *id,
    int *found)
{
	const char	*v;
	int		 r;

	*found = 0;
	if ((r = param(l, key, &v)) == -1)
		return 400;
	if (r == 0)
		return required ? manage_why(l->why, l->whylen, 400,
		    "%s: missing", key) : 0;
	if (parse_nodeid(v, id) == -1)
		return manage_why(l->why, l->whylen, 400, "%s: \"%.16s\" is not a "
		    "NodeID (0..%d; %d and up are reserved)", key, v,
		    NODEID_MAX_VALID, NODEID_MAX_VALID + 1);
	*found = 1;
	return 0;
}

#define OPEN_LO	0x01	/* lo itself is out of range */
#define OPEN_HI	0x02

/* A number in [lo, hi], ends excluded as open says. */
static int
get_number(struct lookup *l, const char *key, double lo, double hi,
    int open, double *out, int32_t *found)
{
	const char	*v;
	int		 r;

	*found = 0;
	if ((r = param(l, key, &v)) == -1)
		return 400;
	if (r == 0)
		return 0;
	if (parse_number(v, out) == -1)
		return manage_why(l->why, l->whylen, 400, "%s: \"%.24s\" is not "
		    "a decimal number", key, v);
	if (*out < lo || *out > hi || ((open & OPEN_LO) && *out == lo) ||
	    ((open & OPEN_HI) && *out == hi))
		return manage_why(l->why, l->whylen, 400, "%s: %g is out of "
		    "range %s%g, %g%s", key, *out, (open & OPEN_LO) ? "(" : "[",
		    lo, hi, (open & OPEN_HI) ? ")" : "]");
	*found = 1;
	return 0;
}

static int
get_cost(struct lookup *l, struct supd_manage *m)
{
	int	rc;

	rc = get_number(l, "AdditionalCost", -1, EDGEAPI_NUM_MAX, 0,
	    &m->additional_cost, &m->has_additional_cost);
	if (rc == 0 && m->has_additional_cost && m->additional_cost < 0 &&
	    m->additional_cost != -1)
		return manage_why(l->why, l->whylen, 400, "AdditionalCost: %g: "
		    "must be -1 (the edge's own) or >= 0", m->additional_cost);
	return rc;
}

static int
get_skip(struct lookup *l, struct supd_manage *m)
{
	const char	*v;
	int		 r;

	if ((r = param(l, "SkipLocalIP", &v)) == -1)
		return 400;
	if (r == 0)
		return 0;
	if (parse_bool(v, &m->skip_local_ip) == -1)
		return manage_why(l->why, l->whylen, 400, "SkipLocalIP: \"%.16s\" "
		    "is not true or false", v);
	m->has_skip_local_ip = 1;
	return 0;
}

static int
parse_peer_add(struct lookup *l, const struct manage_limits *lim,
    struct supd_manage *m)
{
	static const char *const allowed[] = { "NodeID", "Name", "PubKey",
	    "PSKey", "AdditionalCost", "SkipLocalIP", "NextHopTable", NULL };
	const char	*v;
	int		 rc, found, r;

	if ((rc = only_params(l, allowed)) != 0 ||
	    (rc = get_nodeid(l, "NodeID", 1, &m->node_id, &found)) != 0)
		return rc;
	if ((r = param(l, "Name", &v)) == -1)
		return 400;
	if (r == 0)
		return manage_why(l->why, l->whylen, 400, "Name: missing");
	if (v[0] == '\0' || !edgeapi_name_valid(v, strlen(v)))
		return manage_why(l->why, l->whylen, 400, "Name: must be 1 to %d "
		    "bytes of UTF-8 without control characters",
		    SUPER_NAME_LEN - 1);
	strlcpy(m->name, v, sizeof(m->name));
	if ((r = param(l, "PubKey", &v)) == -1)
		return 400;
	if (r == 0)
		return manage_why(l->why, l->whylen, 400, "PubKey: missing");
	if (conf_key_from_base64(v, m->pubkey) == -1 ||
	    all_zero(m->pubkey, sizeof(m->pubkey)))
		return manage_why(l->why, l->whylen, 400, "PubKey: not base64 of "
		    "a 32-byte key (percent-encode '+' as %%2B)");
	if ((r = param(l, "PSKey", &v)) == -1)
		return 400;
	if (r == 1 && v[0] != '\0') {
		if (conf_key_from_base64(v, m->psk) == -1)
			return manage_why(l->why, l->whylen, 400, "PSKey: not "
			    "base64 of a 32-byte key (percent-encode '+' as "
			    "%%2B)");
		m->has_psk = 1;
	}
	if ((rc = get_cost(l, m)) != 0)
		return rc;
	if (!m->has_additional_cost)
		return manage_why(l->why, l->whylen, 400, "AdditionalCost: "
		    "missing");
	if ((rc = get_skip(l, m)) != 0)
		return rc;
	if (!m->has_skip_local_ip)
		m->has_skip_local_ip = 1;	/* false unless told */
	if (lim->static_mode)
		return manage_why(l->why, l->whylen, 400, "NextHopTable: "
		    "GraphRecalculateSetting.StaticMode is on and this "
		    "supernode cannot take a new NextHopTable by peer/add: add "
		    "the peer and its routes to the config file and reload");
	return 0;
}

static int
parse_peer_del(struct lookup *l, int by_password, struct supd_manage *m)
{
	static const char *const allowed[] = { "NodeID", "PrivKey", NULL };
	uint8_t		 priv[32];
	const char	*v;
	int		 rc, found, r;

	if ((rc = only_params(l, allowed)) != 0)
		return rc;
	if ((r = param(l, "PrivKey", &v)) == -1)
		return 400;
	if (by_password) {
		if (r == 1)
			return manage_why(l->why, l->whylen, 400, "PrivKey: give "
			    "Password and NodeID, or PrivKey alone");
		return get_nodeid(l, "NodeID", 1, &m->node_id, &found);
	}
	if (r == 0)
		return manage_why(l->why, l->whylen, 400, "PrivKey: missing (or "
		    "give Password and NodeID)");
	if ((rc = get_nodeid(l, "NodeID", 0, &m->node_id, &found)) != 0)
		return rc;
	if (found)
		return manage_why(l->why, l->whylen, 400, "NodeID: give Password "
		    "and NodeID, or PrivKey alone");
	if (conf_key_from_base64(v, priv) == -1)
		return manage_why(l->why, l->whylen, 400, "PrivKey: not base64 of "
		    "a 32-byte key (percent-encode '+' as %%2B)");
	rc = crypto_scalarmult_base(m->pubkey, priv);
	sodium_memzero(priv, sizeof(priv));
	if (rc != 0 || all_zero(m->pubkey, sizeof(m->pubkey)))
		return manage_why(l->why, l->whylen, 400, "PrivKey: not a usable "
		    "private key");
	m->node_id = NODEID_INVALID;
	return 0;
}

static int
parse_peer_update(struct lookup *l, struct supd_manage *m)
{
	static const char *const allowed[] = { "NodeID", "AdditionalCost",
	    "SkipLocalIP", NULL };
	int	rc, found;

	if ((rc = only_params(l, allowed)) != 0 ||
	    (rc = get_nodeid(l, "NodeID", 1, &m->node_id, &found)) != 0 ||
	    (rc = get_cost(l, m)) != 0)
		return rc;
	return get_skip(l, m);
}

static int
parse_super_update(struct lookup *l, const struct manage_limits *lim,
    struct supd_manage *m)
{
	static const char *const allowed[] = { "SendPingInterval",
	    "HttpPostInterval", "PeerAliveTimeout", "DampingResistance",
	    NULL };
	double	pat;
	int	rc;

	if ((rc = only_params(l, allowed)) != 0 ||
	    (rc = get_number(l, "PeerAliveTimeout", 0, EDGEAPI_NUM_MAX, OPEN_LO,
	    &m->peer_alive_timeout, &m->has_peer_alive_timeout)) != 0 ||
	    (rc = get_number(l, "SendPingInterval", 0, EDGEAPI_NUM_MAX, OPEN_LO,
	    &m->send_ping_interval, &m->has_send_ping_interval)) != 0 ||
	    (rc = get_number(l, "HttpPostInterval", CONF_HTTP_POST_MIN,
	    EDGEAPI_NUM_MAX, 0, &m->http_post_interval,
	    &m->has_http_post_interval)) != 0 ||
	    (rc = get_number(l, "DampingResistance", 0, 1, OPEN_HI,
	    &m->damping_resistance, &m->has_damping_resistance)) != 0)
		return rc;
	/* Relations between a new value and the current or new other. */
	pat = m->has_peer_alive_timeout ? m->peer_alive_timeout :
	    lim->peer_alive_timeout;
	if ((m->has_send_ping_interval || m->has_peer_alive_timeout) &&
	    (m->has_send_ping_interval ? m->send_ping_interval :
	    lim->send_ping_interval) >= pat)
		return manage_why(l->why, l->whylen, 400, "SendPingInterval: must "
		    "be less than PeerAliveTimeout (%g)", pat);
	if ((m->has_http_post_interval || m->has_peer_alive_timeout) &&
	    (m->has_http_post_interval ? m->http_post_interval :
	    lim->http_post_interval) >= pat)
		return manage_why(l->why, l->whylen, 400, "HttpPostInterval: must "
		    "be less than PeerAliveTimeout (%g)", pat);
	return 0;
}

int
manage_parse(enum manage_call call, const struct manage_form *query,
    const struct manage_form *body, const struct manage_limits *lim,
    int by_password, struct supd_manage *m, char *why, size_t whylen)
{
	static const char *const none[] = { NULL };
	struct lookup	l = { query, body, why, whylen };
	int		rc = 400;

	memset(m, 0, sizeof(*m));
	switch (call) {
	case MANAGE_SUPER_STATE:
		return only_params(&l, none);
	case MANAGE_PEER_ADD:
		m->op = SUPD_PEER_ADD;
		rc = parse_peer_add(&l, lim, m);
		break;
	case MANAGE_PEER_DEL:
		m->op = SUPD_PEER_DEL;
		rc = parse_peer_del(&l, by_password, m);
		break;
	case MANAGE_PEER_UPDATE:
		m->op = SUPD_PEER_UPDATE;
		rc = parse_peer_update(&l, m);
		break;
	case MANAGE_SUPER_UPDATE:
		m->op = SUPD_SUPER_UPDATE;
		rc = parse_super_update(&l, lim, m);
		break;
	default:
		return manage_why(why, whylen, 404, "no such call");
	}
	if (rc != 0) {
		/* param() returns -1 with the reason already set. */
		sodium_memzero(m, sizeof(*m));
		return rc < 0 ? 400 : rc;
	}
	return 0;
}

int
manage_has_changes(const struct supd_manage *m)
{
	return m->has_additional_cost || m->has_skip_local_ip ||
	    m->has_send_ping_interval || m->has_http_post_interval ||
	    m->has_peer_alive_timeout || m->has_damping_resistance;
}

int
manage_check_conf(const struct super_conf *conf, struct supd_manage *m,
    char *why, size_t whylen)
{
	const struct conf_super_peer	*p;
	size_t				 i;

	for (i = 0; i < conf->npeers; i++) {
		p = &conf->peers[i];
		switch (m->op) {
		case SUPD_PEER_ADD:
			if (p->node_id == m->node_id)
				return manage_why(why, whylen, 409, "NodeID: %u "
				    "exists", m->node_id);
			if (p->name != NULL && strcmp(p->name, m->name) == 0)
				return manage_why(why, whylen, 409, "Name: %s "
				    "exists", m->name);
			if (p->pubkey.set && sodium_memcmp(p->pubkey.key,
			    m->pubkey, EG_KEY_LEN) == 0)
				return manage_why(why, whylen, 409, "PubKey: "
				    "belongs to NodeID %u", p->node_id);
			break;
		case SUPD_PEER_DEL:
			if (m->node_id == NODEID_INVALID && p->pubkey.set &&
			    sodium_memcmp(p->pubkey.key, m->pubkey,
			    EG_KEY_LEN) == 0) {
				m->node_id = p->node_id;
				return 0;
			}
			/* FALLTHROUGH */
		case SUPD_PEER_UPDATE:
			if (m->node_id == p->node_id)
				return 0;
			break;
		default:
			return 0;
		}
	}
	switch (m->op) {
	case SUPD_PEER_DEL:
		if (m->node_id == NODEID_INVALID)
			return manage_why(why, whylen, 404, "PrivKey: its public "
			    "key is not a peer's");
		/* FALLTHROUGH */
	case SUPD_PEER_UPDATE:
		return manage_why(why, whylen, 404, "NodeID: %u not found",
		    m->node_id);
	default:
		return 0;
	}
}
