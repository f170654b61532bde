/*
 * libFuzzer target for the Manage API's request parsing (manage_parse.h):
 * byte 0 picks the call and whether a password came, the rest is
 * "query\nbody" (no newline: no body).  What a call accepts must hold
 * values in the ranges the API promises.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edgeapi/edgeapi_json.h"
#include "eg-supd/control_manage_parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct supd_manage *m, const struct manage_limits *lim)
{
	double	pat;

	if (m->has_additional_cost && !(m->additional_cost == -1 ||
	    (m->additional_cost >= 0 && m->additional_cost <= 1e9)))
		abort();
	if (m->has_skip_local_ip && m->skip_local_ip != 0 &&
	    m->skip_local_ip != 1)
		abort();
	switch (m->op) {
	case SUPD_PEER_ADD:
		if (m->node_id > NODEID_MAX_VALID || m->name[0] == '\0' ||
		    !edgeapi_name_valid(m->name, strlen(m->name)) ||
		    !m->has_additional_cost || lim->static_mode)
			abort();
		break;
	case SUPD_PEER_DEL:
		if (m->node_id > NODEID_MAX_VALID &&
		    m->node_id != NODEID_INVALID)
			abort();
		break;
	case SUPD_PEER_UPDATE:
		if (m->node_id > NODEID_MAX_VALID)
			abort();
		break;
	case SUPD_SUPER_UPDATE:
		pat = m->has_peer_alive_timeout ? m->peer_alive_timeout :
		    lim->peer_alive_timeout;
		if (pat <= 0 || (m->has_damping_resistance &&
		    !(m->damping_resistance >= 0 &&
		    m->damping_resistance < 1)) ||
		    (m->has_send_ping_interval && !(m->send_ping_interval >
		    0 && m->send_ping_interval < pat)) ||
		    (m->has_http_post_interval && !(m->http_post_interval >=
		    CONF_HTTP_POST_MIN && m->http_post_interval < pat)))
			abort();
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct manage_limits	lim[2] = {
		{ 70, 15, 50, 0 }, { 70, 15, 50, 1 }
	};
	struct manage_form	 q, b;
	struct supd_manage	 m;
	const char		*s = (const char *)data + 1, *nl;
	char			 why[MANAGE_REASON_LEN], *pw;
	size_t			 n = size - 1;
	int			 call, rc, have_body;

	if (size < 1)
		return 0;
	call = data[0] % MANAGE_NCALLS;
	nl = memchr(s, '\n', n);
	have_body = nl != NULL;
	if (manage_form_parse(&q, s, have_body ? (size_t)(nl - s) : n, why,
	    sizeof(why)) == -1)
		return 0;
	if (have_body && manage_form_parse(&b, nl + 1, n - (size_t)(nl - s) -
	    1, why, sizeof(why)) == -1) {
		manage_form_free(&q);
		return 0;
	}
	rc = manage_parse(call, &q, have_body ? &b : NULL,
	    &lim[(data[0] >> 4) & 1], (data[0] >> 3) & 1, &m, why,
	    sizeof(why));
	if (rc == 0 && call != MANAGE_SUPER_STATE)
		check(&m, &lim[(data[0] >> 4) & 1]);
	else if (rc != 0 && (rc < 400 || rc > 499 || why[0] == '\0' ||
	    strchr(why, '\n') != NULL))
		abort();
	/* The password check on whatever the query carried. */
	if ((pw = (char *)manage_form_get(&q, "Password")) != NULL &&
	    manage_password_check(pw, "passwd_addpeer", why, sizeof(why)) ==
	    0 && strcmp(pw, "passwd_addpeer") != 0)
		abort();
	manage_form_free(&q);
	if (have_body)
		manage_form_free(&b);
	return 0;
}
