/*
 * The EdgeAPI (doc/super-internals.md "EdgeAPI"): edges fetch their
 * states, sealed for them, and post their nodeinfo.  Every request is
 * authenticated by X-EG-Auth with the edge's key, which only the parent
 * holds (parent_edgeauth.c): control checks what it can without it (the
 * header's form, the NodeID, the clock), passes the rest on
 * (IMSG_SUPD_EDGE_AUTH) and keeps the request until the verdict, which
 * brings the key that seals this answer only and, for a peers document,
 * the asker's PSKs.  An unknown NodeID gets the answer of a wrong MAC, so
 * that NodeIDs cannot be listed without a key.
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

/* A request waiting for the parent's verdict. */
struct edge_wait {
	struct hwait		 w;		/* first: hwait_shutdown() */
	uint16_t		 node_id;
	int			 nodeinfo;	/* else a GET of state */
	enum ovlmsg_state	 state;
	uint8_t			 want[EDGEAPI_HASH_LEN];
	int64_t			 ts_ms;
};

static int	nwaiting;

static void
edge_expired(struct hwait *w)
{
	log_warnx("EdgeAPI: no verdict from the parent");
	http_text(w->req, 504, "no answer from the supernode's parent "
	    "process");
	nwaiting--;
	free(w);
}

/*
 * Checks what X-EG-Auth says that needs no key, and hands it to the
 * parent; the request waits in e (malloc'ed by the caller, freed here
 * on every path), or has its answer.
 */
static void
edge_auth(struct evhttp_request *req, const struct manage_form *qf,
    struct edge_wait *e)
{
	struct supd_edge_auth	 a;
	const char		*hdr, *qid, *uri = evhttp_request_get_uri(req);
	const uint8_t		*body;
	uint16_t		 id;
	int64_t			 now, ts;
	size_t			 blen;
	char			 idbuf[8];

	memset(&a, 0, sizeof(a));
	hdr = evhttp_find_header(evhttp_request_get_input_headers(req),
	    EDGEAPI_AUTH_HEADER);
	if (hdr == NULL) {
		http_text(req, 401, EDGEAPI_AUTH_HEADER ": missing");
		goto done;
	}
	if (edgeapi_auth_parse(hdr, &id, &ts, a.mac) == -1) {
		http_text(req, 401, EDGEAPI_AUTH_HEADER ": malformed");
		goto done;
	}
	snprintf(idbuf, sizeof(idbuf), "%u", id);
	if ((qid = manage_form_get(qf, "NodeID")) == NULL ||
	    strcmp(qid, idbuf) != 0) {
		http_text(req, 400, "NodeID: missing, or not the NodeID of "
		    EDGEAPI_AUTH_HEADER);
		goto done;
	}
	now = http_now_ms();
	if (ts > now + EDGEAPI_CLOCK_SKEW_MS || ts < now -
	    EDGEAPI_CLOCK_SKEW_MS) {
		http_text(req, 401, EDGEAPI_AUTH_HEADER ": timestamp %" PRId64
		    " s away from the supernode's clock", (ts - now) / 1000);
		goto done;
	}
	/* An unknown NodeID is answered as a wrong MAC: no enumeration. */
	if (hstate_node(id) == NULL) {
		log_cat(LOGC_CONTROL, "EdgeAPI: NodeID %u: not an edge of "
		    "this supernode", id);
		http_text(req, 401, EDGEAPI_AUTH_HEADER ": authentication "
		    "failed");
		goto done;
	}
	if (strlen(uri) > SUPD_EDGE_URI_MAX) {
		http_text(req, 414, "EdgeAPI: request too long");
		goto done;
	}
	if (nwaiting >= HTTP_MAX_EDGE_PENDING) {
		http_text(req, 503, "too many EdgeAPI requests in progress");
		goto done;
	}
	body = http_body(req, &blen);
	edgeapi_body_hash(a.bodyhash, body, blen);
	a.request = hwait_next_id();
	a.node_id = id;
	a.want_psks = !e->nodeinfo && e->state == OVLMSG_PEERS;
	a.post = evhttp_request_get_command(req) == EVHTTP_REQ_POST;
	a.urilen = strlen(uri);
	a.ts_ms = ts;
	if (http_out.edge_auth == NULL || http_out.edge_auth(&a, uri) == -1) {
		http_text(req, 503, "the supernode is shutting down");
		goto done;
	}
	e->node_id = id;
	e->ts_ms = ts;
	hwait_add(&e->w, req, edge_expired);
	nwaiting++;
	return;
done:
	free(e);
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
	struct edge_wait	*e;
	const char		*s;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		http_text(req, 405, "use GET");
		return;
	}
	if (only_keys(req, qf, 1) == -1)
		return;
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		http_text(req, 503, "out of memory");
		return;
	}
	if ((s = manage_form_get(qf, "State")) == NULL ||
	    edgeapi_hash_unhex(e->want, s) == -1) {
		free(e);
		http_text(req, 400, "State: missing, or not 64 hex digits");
		return;
	}
	e->state = state;
	edge_auth(req, qf, e);
}

/* The state document, sealed with the key of this request. */
static void
edge_get_granted(struct edge_wait *e, struct hnode *n,
    const struct supd_edge_grant *g, const struct supd_pair_psk *psks)
{
	struct evhttp_request	*req = e->w.req;
	const char		*why, *uri = evhttp_request_get_uri(req);
	const uint8_t		*cur;
	uint8_t			 zero[EDGEAPI_HASH_LEN] = { 0 };
	uint8_t			*sealed;
	size_t			 len;
	char			*doc;
	int			 rc;

	cur = hstate_hash(n, e->state);
	if (sodium_memcmp(cur, zero, sizeof(zero)) == 0 ||
	    memcmp(cur, e->want, sizeof(e->want)) != 0) {
		http_text(req, 409, "State: not the current state (wait for "
		    "the next ServerUpdate)");
		return;
	}
	if ((doc = hstate_doc(n, e->state, psks, g->npsks, &len, &why)) ==
	    NULL) {
		http_text(req, 503, "%s", why);
		return;
	}
	if ((sealed = malloc(len + EDGEAPI_SEAL_OVERHEAD)) == NULL) {
		sodium_memzero(doc, len);
		free(doc);
		http_text(req, 503, "out of memory");
		return;
	}
	rc = edgeapi_seal_with(sealed, g->kreq, uri, e->ts_ms,
	    (const uint8_t *)doc, len);
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
	hstate_fetched(n, e->state, e->want);
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
	struct edge_wait	*e;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		http_text(req, 405, "use POST");
		return;
	}
	if (only_keys(req, qf, 0) == -1)
		return;
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		http_text(req, 503, "out of memory");
		return;
	}
	e->nodeinfo = 1;
	edge_auth(req, qf, e);
}

static void
edge_nodeinfo_granted(struct edge_wait *e, struct hnode *n)
{
	struct evhttp_request	*req = e->w.req;
	struct edgeapi_nodeinfo	 ni;
	const uint8_t		*body;
	char			 err[EDGEAPI_ERR_LEN];
	size_t			 len;

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
http_edge_grant(const struct supd_edge_grant *g,
    const struct supd_pair_psk *psks)
{
	struct edge_wait	*e;
	struct evhttp_request	*req;
	struct hnode		*n;

	if ((e = (struct edge_wait *)hwait_find(g->request)) == NULL ||
	    e->w.expired != edge_expired) {
		log_debug("EdgeAPI: verdict on request %u, which is gone",
		    g->request);
		return;
	}
	hwait_remove(&e->w);
	nwaiting--;
	req = e->w.req;
	switch (g->verdict) {
	case SUPD_EDGE_OK:
		/* A reload may have taken the edge away meanwhile. */
		if ((n = hstate_node(e->node_id)) == NULL)
			http_text(req, 401, EDGEAPI_AUTH_HEADER ": "
			    "authentication failed");
		else if (e->nodeinfo)
			edge_nodeinfo_granted(e, n);
		else
			edge_get_granted(e, n, g, psks);
		break;
	case SUPD_EDGE_NO_KEY:
		http_text(req, 503, "NodeID %u: no EdgeAPI key", e->node_id);
		break;
	case SUPD_EDGE_CLOCK:
		http_text(req, 401, EDGEAPI_AUTH_HEADER ": timestamp too far "
		    "from the supernode's clock");
		break;
	case SUPD_EDGE_OLD:
		http_text(req, 401, EDGEAPI_AUTH_HEADER ": timestamp %" PRId64
		    " ms older than the last one accepted, or than the "
		    "supernode's knowing the edge (replayed?)",
		    g->last_ts - e->ts_ms);
		break;
	default:
		log_cat(LOGC_CONTROL, "EdgeAPI: NodeID %u: bad MAC",
		    e->node_id);
		http_text(req, 401, EDGEAPI_AUTH_HEADER ": authentication "
		    "failed");
	}
	free(e);
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
