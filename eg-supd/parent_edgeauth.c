/*
 * The parent's side of the EdgeAPI: control, which parses HTTP, sends
 * each request's X-EG-Auth (IMSG_SUPD_EDGE_AUTH) and gets a verdict and,
 * for a request taken, the key that seals its answer and nothing else
 * (edgeapi_seal_key()), with the asker's inter-edge PSKs if it fetches
 * its peers.  So control never holds an edge's key or the PSK seed: a
 * control process an attacker holds can answer the requests it is
 * given, but can neither check nor answer any other, and learns only
 * the PSKs of edges that asked for theirs.
 *
 * A timestamp must be within EDGEAPI_CLOCK_SKEW_MS of our clock and
 * newer than the last one taken from that edge, or, for the first, than
 * when this process learnt of the edge, so a captured request cannot be
 * replayed, not even after a restart.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "edgeapi/edgeapi.h"
#include "eg-supd.h"
#include "parent_edgeauth.h"
#include "proc/proc_imsg.h"
#include "util/clock.h"
#include "util/log.h"

struct ekey {
	uint16_t	node_id;
	int		have;		/* its public key is usable */
	uint8_t		key[EDGEAPI_KEY_LEN];
	int64_t		last_ts;
};

static struct {
	struct ekey	*keys;		/* by NodeID */
	size_t		 n;
	uint8_t		 seed[32];
	int		 use_psk;
} pe;

static int
ekey_cmp(const void *a, const void *b)
{
	const struct ekey	*x = a, *y = b;

	return (int)x->node_id - (int)y->node_id;
}

static struct ekey *
ekey_find(struct ekey *keys, size_t n, uint16_t id)
{
	struct ekey	k;

	if (n == 0)
		return NULL;
	k.node_id = id;
	return bsearch(&k, keys, n, sizeof(*keys), ekey_cmp);
}

/* The private key edges' EdgeAPI keys are made with: V4 if there is one. */
static const uint8_t *
api_privkey(const struct super_conf *conf)
{
	return conf->privkey_v4.set ? conf->privkey_v4.key :
	    conf->privkey_v6.key;
}

void
edge_keys_conf(const struct super_conf *conf, int64_t now_ms)
{
	const uint8_t	*priv = api_privkey(conf);
	struct ekey	*keys, *old;
	size_t		 i;

	if ((keys = calloc(conf->npeers + 1, sizeof(*keys))) == NULL)
		fatal("EdgeAPI keys");
	for (i = 0; i < conf->npeers; i++) {
		const struct conf_super_peer *p = &conf->peers[i];

		keys[i].node_id = p->node_id;
		keys[i].last_ts = now_ms;
		keys[i].have = edgeapi_key(keys[i].key, priv, p->pubkey.key,
		    p->psk.set ? p->psk.key : NULL) == 0;
		if (!keys[i].have)
			log_warnx("edge %u: unusable public key", p->node_id);
		/* The same key: what was taken stays taken. */
		if (keys[i].have && (old = ekey_find(pe.keys, pe.n,
		    p->node_id)) != NULL && old->have &&
		    sodium_memcmp(old->key, keys[i].key, EDGEAPI_KEY_LEN) == 0)
			keys[i].last_ts = old->last_ts;
	}
	qsort(keys, conf->npeers, sizeof(*keys), ekey_cmp);
	if (pe.keys != NULL) {
		sodium_memzero(pe.keys, pe.n * sizeof(*pe.keys));
		free(pe.keys);
	}
	pe.keys = keys;
	pe.n = conf->npeers;
	/* From the private key: pair PSKs stay the same across restarts. */
	crypto_generichash(pe.seed, sizeof(pe.seed),
	    (const uint8_t *)"EtherGuard inter-edge PSK seed", 30, priv, 32);
	pe.use_psk = conf->use_psk_for_inter_edge;
}

void
edge_grant(const struct supd_edge_auth *a, const char *uri, int64_t now_ms,
    struct supd_edge_grant *g, struct supd_pair_psk *psks, size_t max)
{
	struct ekey	*k;
	size_t		 i;

	memset(g, 0, sizeof(*g));
	g->request = a->request;
	g->verdict = SUPD_EDGE_BAD;
	if ((k = ekey_find(pe.keys, pe.n, a->node_id)) == NULL)
		return;
	if (!k->have) {
		g->verdict = SUPD_EDGE_NO_KEY;
		return;
	}
	if (a->ts_ms > now_ms + EDGEAPI_CLOCK_SKEW_MS || a->ts_ms < now_ms -
	    EDGEAPI_CLOCK_SKEW_MS) {
		g->verdict = SUPD_EDGE_CLOCK;
		return;
	}
	if (edgeapi_verify_hashed(k->key, a->mac, a->post ? "POST" : "GET",
	    uri, a->ts_ms, a->bodyhash) == -1)
		return;
	if (a->ts_ms <= k->last_ts) {
		g->verdict = SUPD_EDGE_OLD;
		g->last_ts = k->last_ts;
		return;
	}
	if (edgeapi_seal_key(g->kreq, k->key, uri, a->ts_ms) == -1) {
		g->verdict = SUPD_EDGE_NO_KEY;
		return;
	}
	k->last_ts = a->ts_ms;
	g->verdict = SUPD_EDGE_OK;
	if (!a->want_psks || !pe.use_psk)
		return;
	for (i = 0; i < pe.n && g->npsks < max; i++) {
		if (pe.keys[i].node_id == a->node_id)
			continue;
		psks[g->npsks].node_id = pe.keys[i].node_id;
		edgeapi_pair_psk(psks[g->npsks].psk, pe.seed, a->node_id,
		    pe.keys[i].node_id);
		g->npsks++;
	}
}

int
edge_auth_split(const void *data, size_t len, struct supd_edge_auth *a,
    char uri[SUPD_EDGE_URI_MAX + 1])
{
	if (len < sizeof(*a))
		return -1;
	memcpy(a, data, sizeof(*a));
	if (a->urilen == 0 || a->urilen > SUPD_EDGE_URI_MAX ||
	    len != sizeof(*a) + a->urilen)
		return -1;
	memcpy(uri, (const uint8_t *)data + sizeof(*a), a->urilen);
	uri[a->urilen] = '\0';
	return strlen(uri) == a->urilen ? 0 : -1;
}

void
supd_edge_auth(struct proc_chan *pc, struct imsg *imsg)
{
	static struct supd_pair_psk	 psks[SUPD_PSKS_MAX];
	struct supd_edge_auth		 a;
	struct supd_edge_grant		 g;
	struct iovec			 iov[2];
	char				 uri[SUPD_EDGE_URI_MAX + 1];

	/* Control is not trusted: a message that does not add up stops us. */
	if (edge_auth_split(imsg->data, imsg->datalen, &a, uri) == -1)
		fatalx("IMSG_SUPD_EDGE_AUTH from control: malformed");
	edge_grant(&a, uri, clock_realtime_ms(), &g, psks, SUPD_PSKS_MAX);
	iov[0].iov_base = &g;
	iov[0].iov_len = sizeof(g);
	iov[1].iov_base = psks;
	iov[1].iov_len = g.npsks * sizeof(psks[0]);
	if (proc_compose_iov(pc, IMSG_SUPD_EDGE_GRANT, 0, 0, -1, iov,
	    g.npsks > 0 ? 2 : 1) == -1)
		fatal("EdgeAPI grant");
	sodium_memzero(psks, g.npsks * sizeof(psks[0]));
	sodium_memzero(&g, sizeof(g));
}

void
edge_keys_shutdown(void)
{
	if (pe.keys != NULL) {
		sodium_memzero(pe.keys, pe.n * sizeof(*pe.keys));
		free(pe.keys);
	}
	sodium_memzero(&pe, sizeof(pe));
}
