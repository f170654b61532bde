/*
 * The EdgeAPI documents: see edgeapi_json.h and doc/super-internals.md.
 * Everything parsed here comes from the network.
 */
#include <sys/types.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "edgeapi_json.h"
#include "edgeapi_json_int.h"

int
ej_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;
	char	*p;

	if (err == NULL || errlen == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	/* Parser messages quote the input: keep the reason on one line. */
	for (p = err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return -1;
}

json_t *
ej_load(const char *doc, size_t len, char *err, size_t errlen)
{
	json_error_t	 je;
	json_t		*root;

	if (len > EDGEAPI_DOC_MAX) {
		ej_fail(err, errlen, "document larger than %d bytes",
		    EDGEAPI_DOC_MAX);
		return NULL;
	}
	if ((root = json_loadb(doc, len, JSON_REJECT_DUPLICATES, &je)) ==
	    NULL) {
		ej_fail(err, errlen, "JSON line %d column %d: %s", je.line,
		    je.column, je.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		ej_fail(err, errlen, "not a JSON object");
		return NULL;
	}
	return root;
}

/*
 * Object o must have exactly the keys listed (NULL-terminated).  where
 * names o in the reason.
 */
int
ej_keys(json_t *o, const char *const keys[], const char *where, char *err,
    size_t errlen)
{
	const char	*k;
	json_t		*v;
	size_t		 i, nkeys;

	if (!json_is_object(o))
		return ej_fail(err, errlen, "%s: not an object", where);
	json_object_foreach(o, k, v) {
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(k, keys[i]) == 0)
				break;
		if (keys[i] == NULL)
			return ej_fail(err, errlen, "%s: unknown key \"%.32s\"",
			    where, k);
	}
	for (nkeys = 0; keys[nkeys] != NULL; nkeys++)
		if (json_object_get(o, keys[nkeys]) == NULL)
			return ej_fail(err, errlen, "%s: missing \"%s\"",
			    where, keys[nkeys]);
	return 0;
}

/* Integral values print as integers ("16", not "16.0"). */
json_t *
ej_num(double v)
{
	if (!isfinite(v))
		return NULL;
	if (v == 0)
		return json_integer(0);
	if (fabs(v) < 1e15 && v == trunc(v))
		return json_integer((json_int_t)v);
	return json_real(v);
}

/* A number within [lo, hi] (lo excluded when lo_open). */
int
ej_get_num(json_t *v, double lo, double hi, int lo_open, double *out)
{
	double	d;

	if (!json_is_number(v))
		return -1;
	d = json_number_value(v);
	if (!isfinite(d) || d > hi || d < lo || (lo_open && d == lo))
		return -1;
	*out = d;
	return 0;
}

int
ej_get_nodeid(json_t *v, uint16_t *id)
{
	json_int_t	i;

	if (!json_is_integer(v))
		return -1;
	i = json_integer_value(v);
	if (i < 0 || i > NODEID_MAX_VALID)
		return -1;
	*id = (uint16_t)i;
	return 0;
}

/* A map key: a NodeID in canonical decimal ("7", not "07" or "+7"). */
int
ej_key_nodeid(const char *k, uint16_t *id)
{
	size_t		 i, len = strlen(k);
	unsigned long	 v = 0;

	if (len == 0 || len > 5 || (len > 1 && k[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (k[i] < '0' || k[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(k[i] - '0');
	}
	if (v > NODEID_MAX_VALID)
		return -1;
	*id = (uint16_t)v;
	return 0;
}

/* Takes ownership of v; -1 if v is NULL or the insertion fails. */
int
ej_set(json_t *o, const char *k, json_t *v)
{
	if (v == NULL)
		return -1;
	return json_object_set_new(o, k, v);
}

int
ej_append(json_t *a, json_t *v)
{
	if (v == NULL)
		return -1;
	return json_array_append_new(a, v);
}

char *
ej_dump(json_t *root, size_t *lenp)
{
	char	*s;

	s = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(root);
	if (s == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (lenp != NULL)
		*lenp = strlen(s);
	return s;
}

/* Peers */

static int
peer_ptr_cmp(const void *a, const void *b)
{
	const struct edgeapi_peer	*pa = *(const struct edgeapi_peer *const *)a;
	const struct edgeapi_peer	*pb = *(const struct edgeapi_peer *const *)b;

	return (int)pa->node_id - (int)pb->node_id;
}

static json_t *
peer_to_json(const struct edgeapi_peer *p, int with_psk)
{
	json_t		*o, *eps;
	char		 b64[45], ep[EDGEAPI_EP_STRLEN];
	uint32_t	 i;
	int		 rc;

	if (p->node_id > NODEID_MAX_VALID || p->nendpoints >
	    SUPER_MAX_ENDPOINTS || !edgeapi_name_valid(p->name,
	    strnlen(p->name, sizeof(p->name))))
		return NULL;
	if ((o = json_object()) == NULL)
		return NULL;
	conf_key_to_base64(p->pubkey, b64);
	rc = ej_set(o, "NodeID", json_integer(p->node_id));
	rc |= ej_set(o, "Name", json_string(p->name));
	rc |= ej_set(o, "PubKey", json_string(b64));
	if (with_psk && p->has_psk) {
		conf_key_to_base64(p->psk, b64);
		rc |= ej_set(o, "PSKey", json_string(b64));
		sodium_memzero(b64, sizeof(b64));
	} else
		rc |= ej_set(o, "PSKey", json_string(""));
	rc |= ej_set(o, "Endpoints", eps = json_array());
	for (i = 0; rc == 0 && i < p->nendpoints; i++) {
		edgeapi_endpoint_str(&p->endpoints[i], ep, sizeof(ep));
		rc = ep[0] == '\0' ? -1 : ej_append(eps, json_string(ep));
	}
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

char *
edgeapi_peers_build(const struct edgeapi_peer *peers, size_t n, int with_psk,
    size_t *lenp)
{
	const struct edgeapi_peer	**sorted;
	json_t			 *root, *arr;
	size_t			  i;
	int			  rc;

	if (n > EDGEAPI_MAX_PEERS) {
		errno = EINVAL;
		return NULL;
	}
	if ((sorted = calloc(n + 1, sizeof(*sorted))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		sorted[i] = &peers[i];
	qsort(sorted, n, sizeof(*sorted), peer_ptr_cmp);
	root = json_object();
	rc = root == NULL ? -1 : ej_set(root, "Peers", arr = json_array());
	for (i = 0; rc == 0 && i < n; i++) {
		if (i > 0 && sorted[i]->node_id == sorted[i - 1]->node_id)
			rc = -1;
		else
			rc = ej_append(arr, peer_to_json(sorted[i], with_psk));
	}
	free(sorted);
	if (rc != 0) {
		json_decref(root);
		errno = EINVAL;
		return NULL;
	}
	return ej_dump(root, lenp);
}

static int
peer_from_json(json_t *o, size_t idx, struct edgeapi_peer *p, char *err,
    size_t errlen)
{
	static const char *const keys[] = { "NodeID", "Name", "PubKey",
	    "PSKey", "Endpoints", NULL };
	char		 where[32];
	json_t		*v, *ep;
	const char	*s;
	size_t		 i;

	snprintf(where, sizeof(where), "Peers[%zu]", idx);
	if (ej_keys(o, keys, where, err, errlen) == -1)
		return -1;
	if (ej_get_nodeid(json_object_get(o, "NodeID"), &p->node_id) == -1)
		return ej_fail(err, errlen, "%s.NodeID: not a NodeID "
		    "(0..%d)", where, NODEID_MAX_VALID);
	v = json_object_get(o, "Name");
	if (!json_is_string(v) || !edgeapi_name_valid(json_string_value(v),
	    json_string_length(v)))
		return ej_fail(err, errlen, "%s.Name: not a string of at most "
		    "%d bytes without control characters", where,
		    SUPER_NAME_LEN - 1);
	memcpy(p->name, json_string_value(v), json_string_length(v));
	v = json_object_get(o, "PubKey");
	if (!json_is_string(v) || conf_key_from_base64(json_string_value(v),
	    p->pubkey) == -1)
		return ej_fail(err, errlen, "%s.PubKey: not base64 of 32 "
		    "bytes", where);
	v = json_object_get(o, "PSKey");
	if (!json_is_string(v))
		return ej_fail(err, errlen, "%s.PSKey: not a string", where);
	if (json_string_length(v) > 0) {
		if (conf_key_from_base64(json_string_value(v), p->psk) == -1)
			return ej_fail(err, errlen, "%s.PSKey: not empty or "
			    "base64 of 32 bytes", where);
		p->has_psk = 1;
	}
	v = json_object_get(o, "Endpoints");
	if (!json_is_array(v) || json_array_size(v) > SUPER_MAX_ENDPOINTS)
		return ej_fail(err, errlen, "%s.Endpoints: not an array of at "
		    "most %d endpoints", where, SUPER_MAX_ENDPOINTS);
	json_array_foreach(v, i, ep) {
		s = json_string_value(ep);
		if (s == NULL || edgeapi_endpoint_parse(s,
		    &p->endpoints[i]) == -1)
			return ej_fail(err, errlen, "%s.Endpoints[%zu]: not a "
			    "numeric host:port", where, i);
	}
	p->nendpoints = (uint32_t)json_array_size(v);
	return 0;
}

int
edgeapi_peers_parse(const char *doc, size_t len, struct edgeapi_peer **peersp,
    size_t *np, char *err, size_t errlen)
{
	static const char *const keys[] = { "Peers", NULL };
	json_t		*root, *arr, *o;
	struct edgeapi_peer	*peers = NULL;
	uint8_t		*seen = NULL;
	size_t		 i, n = 0;
	uint16_t	 id;
	int		 rc = -1;

	*peersp = NULL;
	*np = 0;
	if ((root = ej_load(doc, len, err, errlen)) == NULL)
		return -1;
	if (ej_keys(root, keys, "document", err, errlen) == -1)
		goto done;
	arr = json_object_get(root, "Peers");
	if (!json_is_array(arr) || (n = json_array_size(arr)) >
	    EDGEAPI_MAX_PEERS) {
		ej_fail(err, errlen, "Peers: not an array of at most %d peers",
		    EDGEAPI_MAX_PEERS);
		goto done;
	}
	if ((peers = calloc(n + 1, sizeof(*peers))) == NULL ||
	    (seen = calloc((NODEID_MAX_VALID + 8) / 8, 1)) == NULL) {
		ej_fail(err, errlen, "out of memory");
		goto done;
	}
	json_array_foreach(arr, i, o) {
		if (peer_from_json(o, i, &peers[i], err, errlen) == -1)
			goto done;
		id = peers[i].node_id;
		if (seen[id / 8] & (1 << (id % 8))) {
			ej_fail(err, errlen, "Peers[%zu].NodeID: %u listed "
			    "twice", i, id);
			goto done;
		}
		seen[id / 8] |= 1 << (id % 8);
	}
	rc = 0;
done:
	json_decref(root);
	free(seen);
	if (rc == 0) {
		*peersp = peers;
		*np = n;
	} else if (peers != NULL) {
		sodium_memzero(peers, (n + 1) * sizeof(*peers));
		free(peers);
	}
	return rc;
}

/* NhTable */

static int
nh_cmp(const void *a, const void *b)
{
	const struct conf_nexthop	*x = a, *y = b;

	if (x->src != y->src)
		return (int)x->src - (int)y->src;
	return (int)x->dst - (int)y->dst;
}

char *
edgeapi_nhtable_build(const struct conf_nexthop *nh, size_t n, size_t *lenp)
{
	struct conf_nexthop	*s;
	json_t			*root, *table, *inner = NULL;
	char			 k[8];
	size_t			 i;
	int			 rc;

	if ((s = reallocarray(NULL, n + 1, sizeof(*s))) == NULL)
		return NULL;
	memcpy(s, nh, n * sizeof(*s));
	qsort(s, n, sizeof(*s), nh_cmp);
	root = json_object();
	rc = root == NULL ? -1 : ej_set(root, "NhTable",
	    table = json_object());
	for (i = 0; rc == 0 && i < n; i++) {
		if (s[i].src > NODEID_MAX_VALID || s[i].dst >
		    NODEID_MAX_VALID || s[i].nexthop > NODEID_MAX_VALID ||
		    (i > 0 && nh_cmp(&s[i], &s[i - 1]) == 0)) {
			rc = -1;
			break;
		}
		if (i == 0 || s[i].src != s[i - 1].src) {
			snprintf(k, sizeof(k), "%u", s[i].src);
			if ((rc = ej_set(table, k, inner = json_object())) != 0)
				break;
		}
		snprintf(k, sizeof(k), "%u", s[i].dst);
		rc = ej_set(inner, k, json_integer(s[i].nexthop));
	}
	free(s);
	if (rc != 0) {
		json_decref(root);
		errno = EINVAL;
		return NULL;
	}
	return ej_dump(root, lenp);
}

int
edgeapi_nhtable_parse(const char *doc, size_t len, struct conf_nexthop **nhp,
    size_t *np, char *err, size_t errlen)
{
	static const char *const keys[] = { "NhTable", NULL };
	json_t			*root, *table, *inner, *v;
	struct conf_nexthop	*nh = NULL, *p;
	const char		*sk, *dk;
	size_t			 n = 0, cap = 0;
	uint16_t		 src, dst, hop;
	int			 rc = -1;

	*nhp = NULL;
	*np = 0;
	if ((root = ej_load(doc, len, err, errlen)) == NULL)
		return -1;
	if (ej_keys(root, keys, "document", err, errlen) == -1)
		goto done;
	table = json_object_get(root, "NhTable");
	if (!json_is_object(table) || json_object_size(table) >
	    EDGEAPI_MAX_PEERS) {
		ej_fail(err, errlen, "NhTable: not an object of at most %d "
		    "sources", EDGEAPI_MAX_PEERS);
		goto done;
	}
	json_object_foreach(table, sk, inner) {
		if (ej_key_nodeid(sk, &src) == -1) {
			ej_fail(err, errlen, "NhTable: key \"%.16s\" is not a "
			    "NodeID", sk);
			goto done;
		}
		if (!json_is_object(inner) || json_object_size(inner) >
		    EDGEAPI_MAX_PEERS) {
			ej_fail(err, errlen, "NhTable.%u: not an object of at "
			    "most %d destinations", src, EDGEAPI_MAX_PEERS);
			goto done;
		}
		json_object_foreach(inner, dk, v) {
			if (ej_key_nodeid(dk, &dst) == -1) {
				ej_fail(err, errlen, "NhTable.%u: key "
				    "\"%.16s\" is not a NodeID", src, dk);
				goto done;
			}
			if (ej_get_nodeid(v, &hop) == -1) {
				ej_fail(err, errlen, "NhTable.%u.%u: next hop "
				    "is not a NodeID", src, dst);
				goto done;
			}
			/* More than the engine and route would take. */
			if (n == CONF_NHTABLE_MAX) {
				ej_fail(err, errlen, "NhTable: more than %d "
				    "entries", CONF_NHTABLE_MAX);
				goto done;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				if ((p = reallocarray(nh, cap, sizeof(*nh))) ==
				    NULL) {
					ej_fail(err, errlen, "out of memory");
					goto done;
				}
				nh = p;
			}
			nh[n].src = src;
			nh[n].dst = dst;
			nh[n].nexthop = hop;
			n++;
		}
	}
	if (n > 0)
		qsort(nh, n, sizeof(*nh), nh_cmp);
	rc = 0;
done:
	json_decref(root);
	if (rc == 0) {
		*nhp = nh;
		*np = n;
	} else
		free(nh);
	return rc;
}

/* SuperParams */

char *
edgeapi_superparams_build(const struct edgeapi_superparams *sp, size_t *lenp)
{
	json_t	*root;
	int	 rc;

	if (!(sp->send_ping_interval > 0 && sp->send_ping_interval <=
	    EDGEAPI_NUM_MAX) || !(sp->http_post_interval > 0 &&
	    sp->http_post_interval <= EDGEAPI_NUM_MAX) ||
	    !(sp->peer_alive_timeout > 0 && sp->peer_alive_timeout <=
	    EDGEAPI_NUM_MAX) || !(sp->additional_cost == -1 ||
	    (sp->additional_cost >= 0 && sp->additional_cost <=
	    EDGEAPI_NUM_MAX)) || !(sp->damping_resistance >= 0 &&
	    sp->damping_resistance < 1)) {
		errno = EINVAL;
		return NULL;
	}
	if ((root = json_object()) == NULL)
		return NULL;
	rc = ej_set(root, "SendPingInterval", ej_num(sp->send_ping_interval));
	rc |= ej_set(root, "HttpPostInterval", ej_num(sp->http_post_interval));
	rc |= ej_set(root, "PeerAliveTimeout", ej_num(sp->peer_alive_timeout));
	rc |= ej_set(root, "AdditionalCost", ej_num(sp->additional_cost));
	rc |= ej_set(root, "DampingResistance",
	    ej_num(sp->damping_resistance));
	if (rc != 0) {
		json_decref(root);
		errno = ENOMEM;
		return NULL;
	}
	return ej_dump(root, lenp);
}

int
edgeapi_superparams_parse(const char *doc, size_t len,
    struct edgeapi_superparams *sp, char *err, size_t errlen)
{
	static const char *const keys[] = { "SendPingInterval",
	    "HttpPostInterval", "PeerAliveTimeout", "AdditionalCost",
	    "DampingResistance", NULL };
	json_t	*root;
	double	 cost;
	int	 rc = -1;

	if ((root = ej_load(doc, len, err, errlen)) == NULL)
		return -1;
	if (ej_keys(root, keys, "document", err, errlen) == -1)
		goto done;
	if (ej_get_num(json_object_get(root, "SendPingInterval"), 0,
	    EDGEAPI_NUM_MAX, 1, &sp->send_ping_interval) == -1) {
		ej_fail(err, errlen, "SendPingInterval: not a number in "
		    "(0, %g]", EDGEAPI_NUM_MAX);
		goto done;
	}
	if (ej_get_num(json_object_get(root, "HttpPostInterval"), 0,
	    EDGEAPI_NUM_MAX, 1, &sp->http_post_interval) == -1) {
		ej_fail(err, errlen, "HttpPostInterval: not a number in "
		    "(0, %g]", EDGEAPI_NUM_MAX);
		goto done;
	}
	if (ej_get_num(json_object_get(root, "PeerAliveTimeout"), 0,
	    EDGEAPI_NUM_MAX, 1, &sp->peer_alive_timeout) == -1) {
		ej_fail(err, errlen, "PeerAliveTimeout: not a number in "
		    "(0, %g]", EDGEAPI_NUM_MAX);
		goto done;
	}
	if (ej_get_num(json_object_get(root, "AdditionalCost"), -1,
	    EDGEAPI_NUM_MAX, 0, &cost) == -1 || (cost < 0 && cost != -1)) {
		ej_fail(err, errlen, "AdditionalCost: not -1 or a number in "
		    "[0, %g]", EDGEAPI_NUM_MAX);
		goto done;
	}
	sp->additional_cost = cost;
	if (ej_get_num(json_object_get(root, "DampingResistance"), 0, 1, 0,
	    &sp->damping_resistance) == -1 || sp->damping_resistance == 1) {
		ej_fail(err, errlen, "DampingResistance: not a number in "
		    "[0, 1)");
		goto done;
	}
	rc = 0;
done:
	json_decref(root);
	return rc;
}
