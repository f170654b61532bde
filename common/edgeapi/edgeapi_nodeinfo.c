/*
 * The nodeinfo report an edge posts, and the manage/super/state document:
 * see edgeapi_json.h.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "edgeapi_json.h"
#include "edgeapi_json_int.h"
#include "route/route.h"

int
edgeapi_pong_valid(const struct ovlmsg_pong *p)
{
	return p->src <= NODEID_MAX_VALID && p->dst <= NODEID_MAX_VALID &&
	    isfinite(p->latency_ms) && fabs(p->latency_ms) <= EDGEAPI_NUM_MAX &&
	    p->lifetime_s > 0 && p->lifetime_s <= EDGEAPI_NUM_MAX &&
	    p->additional_cost >= 0 && p->additional_cost <= EDGEAPI_NUM_MAX;
}

static int
age_valid(double age_s)
{
	return isfinite(age_s) && age_s >= 0 && age_s <= EDGEAPI_NUM_MAX;
}

static json_t *
pong_to_json(const struct ovlmsg_pong *p, double age_s)
{
	json_t	*o;
	int	 rc;

	if (!edgeapi_pong_valid(p) || !age_valid(age_s) ||
	    (o = json_object()) == NULL)
		return NULL;
	rc = ej_set(o, "Src", json_integer(p->src));
	rc |= ej_set(o, "Dst", json_integer(p->dst));
	rc |= ej_set(o, "Seq", json_integer(p->seq));
	rc |= ej_set(o, "LatencyMs", ej_num(p->latency_ms));
	rc |= ej_set(o, "LifetimeS", ej_num(p->lifetime_s));
	rc |= ej_set(o, "AgeS", ej_num(age_s));
	rc |= ej_set(o, "AdditionalCost", ej_num(p->additional_cost));
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

char *
edgeapi_nodeinfo_build(const struct edgeapi_nodeinfo *ni, size_t *lenp)
{
	json_t		*root, *v4, *v6, *pongs;
	char		 ep[EDGEAPI_EP_STRLEN];
	size_t		 i;
	int		 rc;

	if (ni->local.count > SUPER_MAX_ENDPOINTS || ni->npongs >
	    EDGEAPI_MAX_PONGS || (ni->npongs > 0 && ni->pong_age_s == NULL)) {
		errno = EINVAL;
		return NULL;
	}
	if ((root = json_object()) == NULL)
		return NULL;
	rc = ej_set(root, "LocalV4", v4 = json_array());
	rc |= ej_set(root, "LocalV6", v6 = json_array());
	rc |= ej_set(root, "Pongs", pongs = json_array());
	for (i = 0; rc == 0 && i < ni->local.count; i++) {
		edgeapi_endpoint_str(&ni->local.addrs[i], ep, sizeof(ep));
		if (ep[0] == '\0')
			rc = -1;
		else
			rc = ej_append(ni->local.addrs[i].ss_family ==
			    AF_INET ? v4 : v6, json_string(ep));
	}
	for (i = 0; rc == 0 && i < ni->npongs; i++)
		rc = ej_append(pongs, pong_to_json(&ni->pongs[i],
		    ni->pong_age_s[i]));
	if (rc != 0) {
		json_decref(root);
		errno = EINVAL;
		return NULL;
	}
	return ej_dump(root, lenp);
}

static int
locals_from_json(json_t *arr, const char *key, int family,
    struct edgeapi_localaddrs *la, char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	json_t			*v;
	const char		*s;
	size_t			 i;

	if (!json_is_array(arr))
		return ej_fail(err, errlen, "%s: not an array", key);
	json_array_foreach(arr, i, v) {
		if ((s = json_string_value(v)) == NULL ||
		    edgeapi_endpoint_parse(s, &ss) == -1 ||
		    ss.ss_family != family)
			return ej_fail(err, errlen, "%s[%zu]: not a numeric "
			    "IPv%d host:port", key, i, family == AF_INET ? 4 :
			    6);
		if (la->count == SUPER_MAX_ENDPOINTS)
			return ej_fail(err, errlen, "%s: more than %d local "
			    "addresses in all", key, SUPER_MAX_ENDPOINTS);
		la->addrs[la->count++] = ss;
	}
	return 0;
}

static int
pong_from_json(json_t *o, size_t idx, struct ovlmsg_pong *p, double *age_s,
    char *err, size_t errlen)
{
	static const char *const keys[] = { "Src", "Dst", "Seq", "LatencyMs",
	    "LifetimeS", "AgeS", "AdditionalCost", NULL };
	json_t	*v;
	char	where[32];

	snprintf(where, sizeof(where), "Pongs[%zu]", idx);
	if (ej_keys(o, keys, where, err, errlen) == -1)
		return -1;
	if (ej_get_nodeid(json_object_get(o, "Src"), &p->src) == -1)
		return ej_fail(err, errlen, "%s.Src: not a NodeID", where);
	if (ej_get_nodeid(json_object_get(o, "Dst"), &p->dst) == -1)
		return ej_fail(err, errlen, "%s.Dst: not a NodeID", where);
	v = json_object_get(o, "Seq");
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > UINT32_MAX)
		return ej_fail(err, errlen, "%s.Seq: not an integer in [0, %"
		    PRIu32 "]", where, UINT32_MAX);
	p->seq = (uint32_t)json_integer_value(v);
	if (ej_get_num(json_object_get(o, "LatencyMs"), -EDGEAPI_NUM_MAX,
	    EDGEAPI_NUM_MAX, 0, &p->latency_ms) == -1)
		return ej_fail(err, errlen, "%s.LatencyMs: not a number in "
		    "[-%g, %g]", where, EDGEAPI_NUM_MAX, EDGEAPI_NUM_MAX);
	if (ej_get_num(json_object_get(o, "LifetimeS"), 0, EDGEAPI_NUM_MAX,
	    1, &p->lifetime_s) == -1)
		return ej_fail(err, errlen, "%s.LifetimeS: not a number in "
		    "(0, %g]", where, EDGEAPI_NUM_MAX);
	if (ej_get_num(json_object_get(o, "AgeS"), 0, EDGEAPI_NUM_MAX, 0,
	    age_s) == -1)
		return ej_fail(err, errlen, "%s.AgeS: not a number in [0, %g]",
		    where, EDGEAPI_NUM_MAX);
	if (ej_get_num(json_object_get(o, "AdditionalCost"), 0,
	    EDGEAPI_NUM_MAX, 0, &p->additional_cost) == -1)
		return ej_fail(err, errlen, "%s.AdditionalCost: not a number "
		    "in [0, %g]", where, EDGEAPI_NUM_MAX);
	return 0;
}

int
edgeapi_nodeinfo_parse(const char *doc, size_t len,
    struct edgeapi_nodeinfo *ni, char *err, size_t errlen)
{
	static const char *const keys[] = { "LocalV4", "LocalV6", "Pongs",
	    NULL };
	json_t	*root, *arr, *o;
	size_t	 i, n;
	int	 rc = -1;

	memset(ni, 0, sizeof(*ni));
	if ((root = ej_load(doc, len, err, errlen)) == NULL)
		return -1;
	if (ej_keys(root, keys, "document", err, errlen) == -1 ||
	    locals_from_json(json_object_get(root, "LocalV4"), "LocalV4",
	    AF_INET, &ni->local, err, errlen) == -1 ||
	    locals_from_json(json_object_get(root, "LocalV6"), "LocalV6",
	    AF_INET6, &ni->local, err, errlen) == -1)
		goto done;
	arr = json_object_get(root, "Pongs");
	if (!json_is_array(arr) || (n = json_array_size(arr)) >
	    EDGEAPI_MAX_PONGS) {
		ej_fail(err, errlen, "Pongs: not an array of at most %d Pongs",
		    EDGEAPI_MAX_PONGS);
		goto done;
	}
	if (n > 0 && ((ni->pongs = calloc(n, sizeof(*ni->pongs))) == NULL ||
	    (ni->pong_age_s = calloc(n, sizeof(*ni->pong_age_s))) == NULL)) {
		ej_fail(err, errlen, "out of memory");
		goto done;
	}
	json_array_foreach(arr, i, o) {
		if (pong_from_json(o, i, &ni->pongs[i], &ni->pong_age_s[i], err,
		    errlen) == -1)
			goto done;
	}
	ni->npongs = n;
	rc = 0;
done:
	json_decref(root);
	if (rc == -1)
		edgeapi_nodeinfo_free(ni);
	return rc;
}

void
edgeapi_nodeinfo_free(struct edgeapi_nodeinfo *ni)
{
	free(ni->pongs);
	free(ni->pong_age_s);
	memset(ni, 0, sizeof(*ni));
}

/* manage/super/state */

_Static_assert(EG_INFINITY_JSON == 99999, "edgeapi_state_empty() text");

const char *
edgeapi_state_empty(void)
{
	return "{\"Infinity\":99999,\"Edges\":{},\"Edges_Nh\":{},"
	    "\"NhTable\":{},\"Dist\":{},\"Dist_noAC\":{}}";
}

int
edgeapi_state_check(const char *doc, size_t len, char *err, size_t errlen)
{
	json_t	*root;
	int	 rc = 0;

	if ((root = ej_load(doc, len, err, errlen)) == NULL)
		return -1;
	if (json_object_get(root, "PeerInfo") != NULL)
		rc = ej_fail(err, errlen, "has a PeerInfo member already");
	json_decref(root);
	return rc;
}

void
edgeapi_lastseen_str(int64_t unix_ms, char *buf, size_t len)
{
	struct tm	tm;
	time_t		t;
	char		date[32], frac[8];
	int		ms, n;

	if (unix_ms <= 0) {
		/* Go's zero time.Time: what the original shows for never. */
		snprintf(buf, len, "0001-01-01 00:00:00 +0000 UTC");
		return;
	}
	t = (time_t)(unix_ms / 1000);
	ms = (int)(unix_ms % 1000);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm) == 0) {
		snprintf(buf, len, "0001-01-01 00:00:00 +0000 UTC");
		return;
	}
	frac[0] = '\0';
	if (ms != 0) {
		/* Trailing zeros dropped, as Go's .999999999 does. */
		n = snprintf(frac, sizeof(frac), ".%03d", ms);
		while (n > 1 && frac[n - 1] == '0')
			frac[--n] = '\0';
	}
	snprintf(buf, len, "%s%s +0000 UTC", date, frac);
}

static int
peerinfo_cmp(const void *a, const void *b)
{
	const struct edgeapi_peerinfo	*x = a, *y = b;

	return (int)x->node_id - (int)y->node_id;
}

static char *
peerinfo_build(const struct edgeapi_peerinfo *pi, size_t n, size_t *lenp)
{
	struct edgeapi_peerinfo	*s;
	json_t			*root, *o;
	char			 k[8], seen[48];
	size_t			 i;
	int			 rc = 0;

	if ((s = reallocarray(NULL, n + 1, sizeof(*s))) == NULL)
		return NULL;
	memcpy(s, pi, n * sizeof(*s));
	qsort(s, n, sizeof(*s), peerinfo_cmp);
	if ((root = json_object()) == NULL)
		rc = -1;
	for (i = 0; rc == 0 && i < n; i++) {
		snprintf(k, sizeof(k), "%u", s[i].node_id);
		edgeapi_lastseen_str(s[i].last_seen_ms, seen, sizeof(seen));
		if ((rc = ej_set(root, k, o = json_object())) != 0)
			break;
		/* A name that is not UTF-8 cannot be a JSON string. */
		if (ej_set(o, "Name", json_string(s[i].name)) != 0)
			rc = ej_set(o, "Name", json_string(""));
		rc |= ej_set(o, "LastSeen", json_string(seen));
	}
	free(s);
	if (rc != 0) {
		json_decref(root);
		errno = ENOMEM;
		return NULL;
	}
	return ej_dump(root, lenp);
}

char *
edgeapi_state_merge(const char *doc, size_t len,
    const struct edgeapi_peerinfo *pi, size_t n, size_t *lenp)
{
	static const char	 head[] = "{\"PeerInfo\":";
	const char		*p, *end = doc + len, *rest;
	char			*info, *out;
	size_t			 ilen, rlen, olen;
	int			 empty;

	/* doc passed edgeapi_state_check(): an object, maybe padded. */
	for (p = doc; p < end && strchr(" \t\r\n", *p) != NULL; p++)
		;
	if (p == end || *p != '{') {
		errno = EINVAL;
		return NULL;
	}
	for (rest = p + 1; rest < end && strchr(" \t\r\n", *rest) != NULL;
	    rest++)
		;
	empty = rest < end && *rest == '}';
	if (!empty)
		rest = p + 1;
	rlen = (size_t)(end - rest);
	if ((info = peerinfo_build(pi, n, &ilen)) == NULL)
		return NULL;
	olen = sizeof(head) - 1 + ilen + (empty ? 0 : 1) + rlen;
	if ((out = malloc(olen + 1)) == NULL) {
		free(info);
		return NULL;
	}
	memcpy(out, head, sizeof(head) - 1);
	memcpy(out + sizeof(head) - 1, info, ilen);
	if (!empty)
		out[sizeof(head) - 1 + ilen] = ',';
	memcpy(out + olen - rlen, rest, rlen);
	out[olen] = '\0';
	free(info);
	*lenp = olen;
	return out;
}
