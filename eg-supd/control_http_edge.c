/*
 * The EdgeAPI (doc/super-internals.md "EdgeAPI"): edges fetch their
 * states, sealed for them, and post their nodeinfo.  Every request is
 * authenticated by X-EG-Auth with the edge's key; a timestamp must be
 * within EDGEAPI_CLOCK_SKEW_MS of our clock and newer than the last one
 * accepted from that edge, or, for the first, than when this process
 * learnt of the edge, so a captured request cannot be replayed, not
 * even after a restart.  An unknown NodeID gets the answer of a wrong
 * MAC, so that NodeIDs cannot be listed without a key.
 */
#include <sys/types.h>

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <sodium.h>

#include "control_http.h"
#include "control_manage_parse.h"
#include "util/log.h"

static const struct {
	const char		*path;
	enum ovlmsg_state	 state;
} edge_docs[] = {
	{ "/edge/peerinfo", OVLMSG_PEERS },
	{ "/edge/nhtable", OVLMSG_NHTABLE },
	{ "/edge/superparams", OVLMSG_SUPERPARAMS },
};

#define NODEINFO_PATH	"/edge/post/nodeinfo"

/*
 * Checks X-EG-Auth against the NodeID of the query: the edge on success,
 * else NULL with the reply sent.
 */
static struct hnode *
edge_auth(struct evhttp_request *req, const struct manage_form *qf,
    int64_t *ts_ms)
{
	struct hnode	*n;
	const char	*hdr, *qid, *uri = evhttp_request_get_uri(req);
	const char	*method;
	const uint8_t	*body;
	uint8_t		 mac[EDGEAPI_HASH_LEN];
	uint16_t	 id;
	int64_t		 now, ts;
	size_t		 blen;
	char		 idbuf[8];

	hdr = evhttp_find_header(evhttp_request_get_input_headers(req),
	    EDGEAPI_AUTH_HEADER);
	if (hdr == NULL) {
		http_text(req, 401, EDGEAPI_AUTH_HEADER ": missing");
		return NULL;
	}
	if (edgeapi_auth_parse(hdr, &id, &ts, mac) == -1) {
		http_text(req, 401, EDGEAPI_AUTH_HEADER ": malformed");
		return NULL;
	}
	snprintf(idbuf, sizeof(idbuf), "%u", id);
	if ((qid = manage_form_get(qf, "NodeID")) == NULL ||
	    strcmp(qid, idbuf) != 0) {
		http_text(req, 400, "NodeID: missing, or not the NodeID of "
		    EDGEAPI_AUTH_HEADER);
		return NULL;
	}
	now = http_now_ms();
	if (ts > now + EDGEAPI_CLOCK_SKEW_MS || ts < now -
	    EDGEAPI_CLOCK_SKEW_MS) {
		http_text(req, 401, EDGEAPI_AUTH_HEADER ": timestamp %" PRId64
		    " s away from the supernode's clock", (ts - now) / 1000);
		return NULL;
	}
	/* An unknown NodeID is answered as a wrong MAC: no enumeration. */
	if ((n = hstate_node(id)) == NULL) {
		log_cat(LOGC_CONTROL, "EdgeAPI: NodeID %u: not an edge of "
		    "this supernode", id);
		http_text(req, 401, EDGEAPI_AUTH_HEADER ": authentication "
		    "failed");
		return NULL;
	}
	if (!n->has_key) {
		http_text(req, 503, "NodeID %u: no EdgeAPI key yet", id);
		return NULL;
	}
	method = evhttp_request_get_command(req) == EVHTTP_REQ_POST ? "POST" :
	    "GET";
	body = http_body(req, &blen);
	if (edgeapi_verify(n->key, mac, method, uri, ts, body, blen) == -1) {
		log_cat(LOGC_CONTROL, "EdgeAPI: NodeID %u: bad MAC", id);
		http_text(req, 401, EDGEAPI_AUTH_HEADER ": authentication "
		    "failed");
		return NULL;
	}
	if (ts <= n->last_ts) {
		http_text(req, 401, EDGEAPI_AUTH_HEADER ": timestamp %" PRId64
		    " ms older than the last one accepted, or than the "
		    "supernode's knowing the edge (replayed?)",
		    n->last_ts - ts);
		return NULL;
	}
	n->last_ts = ts;
	*ts_ms = ts;
	return n;
}

static int
only_keys(struct evhttp_request *req, const struct manage_form *qf,
    int with_state)
{
	size_t	i;

	for (i = 0; i < qf->n; i++)
		if (strcmp(qf->p[i].key, "NodeID") != 0 && (!with_state ||
		    strcmp(qf->p[i].key, "State") != 0)) {
			http_text(req, 400, "%.64s: not a parameter of this "
			    "call", qf->p[i].key);
			return -1;
		}
	return 0;
}

static void
edge_get(struct evhttp_request *req, enum ovlmsg_state state,
    const struct manage_form *qf)
{
	struct hnode	*n;
	const char	*s, *why, *uri = evhttp_request_get_uri(req);
	const uint8_t	*cur;
	uint8_t		 want[EDGEAPI_HASH_LEN], zero[EDGEAPI_HASH_LEN] = { 0 };
	uint8_t		*sealed;
	int64_t		 ts;
	size_t		 len;
	char		*doc;
	int		 rc;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		http_text(req, 405, "use GET");
		return;
	}
	if (only_keys(req, qf, 1) == -1)
		return;
	if ((s = manage_form_get(qf, "State")) == NULL ||
	    edgeapi_hash_unhex(want, s) == -1) {
		http_text(req, 400, "State: missing, or not 64 hex digits");
		return;
	}
	if ((n = edge_auth(req, qf, &ts)) == NULL)
		return;
	cur = hstate_hash(n, state);
	if (sodium_memcmp(cur, zero, sizeof(zero)) == 0 ||
	    memcmp(cur, want, sizeof(want)) != 0) {
		http_text(req, 409, "State: not the current state (wait for "
		    "the next ServerUpdate)");
		return;
	}
	if ((doc = hstate_doc(n, state, &len, &why)) == NULL) {
		http_text(req, 503, "%s", why);
		return;
	}
	if ((sealed = malloc(len + EDGEAPI_SEAL_OVERHEAD)) == NULL) {
		sodium_memzero(doc, len);
		free(doc);
		http_text(req, 503, "out of memory");
		return;
	}
	rc = edgeapi_seal(sealed, n->key, uri, ts, (const uint8_t *)doc, len);
	sodium_memzero(doc, len);
	free(doc);
	if (rc == -1) {
		free(sealed);
		http_text(req, 503, "out of memory");
		return;
	}
	http_data(req, 200, "application/octet-stream", sealed,
	    len + EDGEAPI_SEAL_OVERHEAD);
	free(sealed);
	hstate_fetched(n, state, want);
}

/*
 * Each post may change the edge's local addresses, so the peers every
 * edge fetches: an authenticated edge posts within its budget, else
 * 429.  Checked after authentication: nobody else can spend it.
 */
static int
nodeinfo_throttled(struct evhttp_request *req, struct hnode *n)
{
	const struct super_conf	*conf = hstate_getconf();
	double			 rate, now = http_mono_s(), wait;
	char			 retry[16];

	rate = HTTP_NODEINFO_PER_POST / (conf != NULL &&
	    conf->http_post_interval > 0 ? conf->http_post_interval : 1);
	if (tbucket_take(&n->posts, rate, HTTP_NODEINFO_BURST, now))
		return 0;
	http_stats.nodeinfo_throttled++;
	wait = ceil(tbucket_wait(&n->posts, rate, HTTP_NODEINFO_BURST, now));
	snprintf(retry, sizeof(retry), "%d", wait < 1 ? 1 : (int)wait);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Retry-After", retry);
	log_cat(LOGC_CONTROL, "nodeinfo of NodeID %u: over its budget",
	    n->node_id);
	http_text(req, 429, "nodeinfo: more than %d posts per "
	    "HttpPostInterval; try again in %s s", HTTP_NODEINFO_PER_POST,
	    retry);
	return 1;
}

static void
edge_nodeinfo(struct evhttp_request *req, const struct manage_form *qf)
{
	struct edgeapi_nodeinfo	 ni;
	struct hnode		*n;
	const uint8_t		*body;
	char			 err[EDGEAPI_ERR_LEN];
	int64_t			 ts;
	size_t			 len;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		http_text(req, 405, "use POST");
		return;
	}
	if (only_keys(req, qf, 0) == -1)
		return;
	if ((n = edge_auth(req, qf, &ts)) == NULL)
		return;
	if (nodeinfo_throttled(req, n))
		return;
	if ((body = http_body(req, &len)) == NULL) {
		http_text(req, 400, "nodeinfo: empty body");
		return;
	}
	if (edgeapi_nodeinfo_parse((const char *)body, len, &ni, err,
	    sizeof(err)) == -1) {
		log_cat(LOGC_CONTROL, "nodeinfo of NodeID %u refused: %s",
		    n->node_id, err);
		http_text(req, 400, "nodeinfo: %s", err);
		return;
	}
	hstate_nodeinfo(n, &ni, http_now_ms());
	edgeapi_nodeinfo_free(&ni);
	http_text(req, 200, "OK");
}

void
http_edge(struct evhttp_request *req, const char *path, const char *query)
{
	struct manage_form	qf;
	char			why[MANAGE_REASON_LEN];
	size_t			i;

	if (manage_form_parse(&qf, query, strlen(query), why,
	    sizeof(why)) == -1) {
		http_text(req, 400, "%s", why);
		return;
	}
	for (i = 0; i < sizeof(edge_docs) / sizeof(edge_docs[0]); i++)
		if (strcmp(path, edge_docs[i].path) == 0)
			break;
	if (i < sizeof(edge_docs) / sizeof(edge_docs[0]))
		edge_get(req, edge_docs[i].state, &qf);
	else if (strcmp(path, NODEINFO_PATH) == 0)
		edge_nodeinfo(req, &qf);
	else
		http_text(req, 404, "no such path");
	manage_form_free(&qf);
}
