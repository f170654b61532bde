/*
 * The EdgeAPI client: see control_apiclient.h.  One keep-alive connection
 * to the supernode, dialed by the parent (control's sandbox has no
 * socket(), connect(), files or DNS); every request carries X-EG-Auth with
 * a timestamp that only grows, and every answer is opened with the key
 * and checked before anything goes to the other processes.  A fetch that
 * fails is retried after 1 s, 2 s, 4 s ... 30 s, at once when a FETCH
 * names a newer state.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "control_apiclient_int.h"
#include "util/log.h"

struct apiclient	ac;

static const char *const state_path[OVLMSG_NSTATES] = {
	[OVLMSG_PEERS] = "/edge/peerinfo",
	[OVLMSG_NHTABLE] = "/edge/nhtable",
	[OVLMSG_SUPERPARAMS] = "/edge/superparams",
};

static void	fetch_start(int);
static void	retry_cb(int, short, void *);

void
apiclient_init(struct event_base *base, const struct apiclient_out *out)
{
	int	i;

	memset(&ac, 0, sizeof(ac));
	TAILQ_INIT(&ac.signing);
	ac.base = base;
	ac.out = *out;
	ac.post_interval = APICLIENT_POST_DEFAULT;
	for (i = 0; i < OVLMSG_NSTATES; i++)
		event_assign(&ac.st[i].ev_retry, base, -1, 0, retry_cb,
		    (void *)(intptr_t)i);
	event_assign(&ac.ev_post, base, -1, 0, ac_post_cb, NULL);
	ac.ready = 1;
}

int
ac_can_talk(void)
{
	return ac.ready && ac.have_conf && ac.have_addr && ac.http != NULL;
}

void
ac_req_free(struct ac_req *r)
{
	if (r != NULL) {
		if (r->is_signing)
			TAILQ_REMOVE(&ac.signing, r, signing);
		if (r->body != NULL) {
			sodium_memzero(r->body, r->blen);
			free(r->body);
		}
		sodium_memzero(r, sizeof(*r));
		free(r);
	}
}

/* Starts what waited for the client to be able to talk. */
static void
kick(void)
{
	int	i;

	if (!ac_can_talk())
		return;
	for (i = 0; i < OVLMSG_NSTATES; i++)
		if (ac.st[i].inflight == NULL && ac.st[i].want_set &&
		    (!ac.st[i].have_set || memcmp(ac.st[i].want,
		    ac.st[i].have, EDGEAPI_HASH_LEN) != 0) &&
		    !evtimer_pending(&ac.st[i].ev_retry, NULL))
			fetch_start(i);
	if (ac.post == NULL && !evtimer_pending(&ac.ev_post, NULL))
		ac_post_schedule(APICLIENT_FIRST_POST);
}

void
apiclient_conf(uint16_t node_id, int skip_local_ip)
{
	ac.node_id = node_id;
	ac.skip_local_ip = skip_local_ip;
	ac.have_conf = 1;
	kick();
}

/* Requests die with their connection: their states start over. */
static void
drop_connection(void)
{
	int	i;

	if (ac.http == NULL)
		return;
	httpc_free(ac.http);
	ac.http = NULL;
	for (i = 0; i < OVLMSG_NSTATES; i++) {
		ac_req_free(ac.st[i].inflight);
		ac.st[i].inflight = NULL;
	}
	ac_post_abort();
}

static void
want_conn(void *arg)
{
	if (ac.out.dial == NULL)
		fatalx("EdgeAPI client: nobody dials its connections");
	ac.out.dial();
}

void
apiclient_connected(int fd, int error)
{
	if (ac.http == NULL) {
		/* The address changed meanwhile: the new one asks anew. */
		if (fd != -1)
			close(fd);
		return;
	}
	httpc_connected(ac.http, fd, error);
}

int
apiclient_addr(const struct egd_apiaddr *a)
{
	char		 host[INET6_ADDRSTRLEN];
	const void	*ip;
	uint16_t	 port;
	size_t		 plen;
	int		 i;

	if (memchr(a->host, '\0', sizeof(a->host)) == NULL ||
	    memchr(a->prefix, '\0', sizeof(a->prefix)) == NULL ||
	    a->host[0] == '\0' || strpbrk(a->host, "\r\n") != NULL ||
	    (a->prefix[0] != '\0' && a->prefix[0] != '/') ||
	    strpbrk(a->prefix, "?# \r\n") != NULL)
		return -1;
	switch (a->ss.ss_family) {
	case AF_INET:
		ip = &((const struct sockaddr_in *)&a->ss)->sin_addr;
		port = ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
		break;
	case AF_INET6:
		ip = &((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
		port = ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
		break;
	default:
		return -1;
	}
	if (port == 0 || inet_ntop(a->ss.ss_family, ip, host,
	    sizeof(host)) == NULL)
		return -1;
	if (ac.have_addr && memcmp(a, &ac.addr, sizeof(*a)) == 0)
		return 0;
	drop_connection();
	ac.addr = *a;
	/* "/p/" and "/p" are the same prefix. */
	plen = strlen(ac.addr.prefix);
	while (plen > 0 && ac.addr.prefix[plen - 1] == '/')
		ac.addr.prefix[--plen] = '\0';
	if ((ac.http = httpc_new(ac.base, APICLIENT_TIMEOUT_S,
	    EDGEAPI_DOC_MAX + EDGEAPI_SEAL_OVERHEAD, want_conn, NULL)) ==
	    NULL)
		fatal("EdgeAPI client");
	ac.have_addr = 1;
	log_info("EdgeAPI at %s port %u (Host %s, prefix \"%s\")", host, port,
	    ac.addr.host, ac.addr.prefix);
	/* Start over: nothing is in flight any more. */
	for (i = 0; i < OVLMSG_NSTATES; i++)
		evtimer_del(&ac.st[i].ev_retry);
	kick();
	return 0;
}

void
apiclient_localaddrs(const struct edgeapi_localaddrs *la)
{
	size_t	i;

	memset(&ac.local, 0, sizeof(ac.local));
	for (i = 0; i < la->count && i < SUPER_MAX_ENDPOINTS; i++)
		if (edgeapi_endpoint_usable(&la->addrs[i]))
			ac.local.addrs[ac.local.count++] = la->addrs[i];
}

static int64_t
next_ts(void)
{
	struct timespec	ts;
	int64_t		now;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	/* Strictly increasing: the supernode refuses a repeat. */
	if (now <= ac.last_ts)
		now = ac.last_ts + 1;
	ac.last_ts = now;
	return now;
}

/*
 * A request: the parent signs it (it holds the key), then it goes out
 * (apiclient_signed()); its answer comes to ac_response(), a failure
 * with status 0.
 */
struct ac_req *
ac_send(int kind, const char *pathq, const uint8_t *body, size_t blen)
{
	struct egd_api_sign	 q;
	struct ac_req		*r;
	int			 n;

	if (!ac_can_talk() || ac.out.sign == NULL ||
	    (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->kind = kind;
	n = snprintf(r->pathq, sizeof(r->pathq), "%s%s", ac.addr.prefix,
	    pathq);
	if (n < 0 || (size_t)n >= sizeof(r->pathq) || (size_t)n >
	    EGD_API_PATH_MAX || (body != NULL && (r->body = malloc(blen +
	    1)) == NULL)) {
		ac_req_free(r);
		return NULL;
	}
	if (body != NULL) {
		memcpy(r->body, body, blen);
		r->blen = blen;
	}
	r->ts_ms = next_ts();
	memset(&q, 0, sizeof(q));
	q.id = r->sign_id = ++ac.next_sign_id;
	q.post = body != NULL;
	q.ts_ms = r->ts_ms;
	edgeapi_body_hash(q.bodyhash, body, blen);
	q.pathlen = (uint32_t)n;
	if (ac.out.sign(&q, r->pathq) == -1) {
		ac_req_free(r);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&ac.signing, r, signing);
	r->is_signing = 1;
	return r;
}

void
apiclient_signed(const struct egd_api_signed *a)
{
	struct httpc_hdr	 h[3];
	struct ac_req		*r;
	char			 auth[128];

	if (!ac.ready)
		return;
	TAILQ_FOREACH(r, &ac.signing, signing)
		if (r->sign_id == a->id)
			break;
	/* Gone meanwhile (the connection dropped, a newer state). */
	if (r == NULL)
		return;
	TAILQ_REMOVE(&ac.signing, r, signing);
	r->is_signing = 0;
	memcpy(r->kreq, a->kreq, sizeof(r->kreq));
	if (!a->ok) {
		log_warnx("EdgeAPI: the parent has no key to sign with");
		ac_response(0, NULL, 0, r);
		return;
	}
	if (edgeapi_auth_header_mac(auth, sizeof(auth), ac.node_id, r->ts_ms,
	    a->mac) == -1 || ac.http == NULL) {
		ac_response(0, NULL, 0, r);
		return;
	}
	h[0].name = "Host";
	h[0].value = ac.addr.host;
	h[1].name = EDGEAPI_AUTH_HEADER;
	h[1].value = auth;
	h[2].name = "Content-Type";
	h[2].value = "application/json";
	if (httpc_request(ac.http, r->body != NULL ? "POST" : "GET",
	    r->pathq, h, r->body != NULL ? 3 : 2, r->body, r->blen,
	    ac_response, r) == -1)
		ac_response(0, NULL, 0, r);
}

static void
fetch_failed(int i, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Logs why, then retries: at once for a newer state, else later. */
static void
fetch_failed(int i, const char *fmt, ...)
{
	struct ac_state	*st = &ac.st[i];
	struct timeval	 tv = { 0, 0 };
	va_list		 ap;
	char		 why[256];
	int		 newer;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	newer = st->inflight != NULL && memcmp(st->want, st->inflight->hash,
	    EDGEAPI_HASH_LEN) != 0;
	ac_req_free(st->inflight);
	st->inflight = NULL;
	if (newer) {
		st->backoff_s = 0;
		log_info("EdgeAPI %s: %s; fetching the newer state",
		    state_path[i], why);
	} else {
		st->backoff_s = st->backoff_s == 0 ? APICLIENT_BACKOFF_MIN :
		    st->backoff_s * 2;
		if (st->backoff_s > APICLIENT_BACKOFF_MAX)
			st->backoff_s = APICLIENT_BACKOFF_MAX;
		tv.tv_sec = st->backoff_s;
		log_warnx("EdgeAPI %s: %s; retrying in %d s", state_path[i],
		    why, st->backoff_s);
	}
	evtimer_add(&st->ev_retry, &tv);
}

static void
retry_cb(int fd, short ev, void *arg)
{
	int	i = (int)(intptr_t)arg;

	if (ac.st[i].inflight == NULL && ac_can_talk())
		fetch_start(i);
}

static void
fetch_start(int i)
{
	struct ac_state	*st = &ac.st[i];
	struct ac_req	*r;
	char		 hex[2 * EDGEAPI_HASH_LEN + 1], pathq[256];

	evtimer_del(&st->ev_retry);
	edgeapi_hash_hex(hex, st->want);
	snprintf(pathq, sizeof(pathq), "%s?NodeID=%u&State=%s",
	    state_path[i], ac.node_id, hex);
	if ((r = ac_send(i, pathq, NULL, 0)) == NULL) {
		st->inflight = NULL;
		fetch_failed(i, "cannot send the request");
		return;
	}
	memcpy(r->hash, st->want, sizeof(r->hash));
	st->inflight = r;
}

int
apiclient_fetch(const struct egd_fetch *f)
{
	static const uint8_t	 zero[EDGEAPI_HASH_LEN];
	struct ac_state		*st;

	if (f->state >= OVLMSG_NSTATES)
		return -1;
	st = &ac.st[f->state];
	if (memcmp(f->hash, zero, sizeof(zero)) == 0)
		return 0;		/* the supernode has none yet */
	if (st->want_set && memcmp(f->hash, st->want, sizeof(st->want)) ==
	    0 && (st->inflight != NULL || evtimer_pending(&st->ev_retry,
	    NULL)))
		return 0;		/* a repeat: let the backoff run */
	memcpy(st->want, f->hash, sizeof(st->want));
	st->want_set = 1;
	if (st->have_set && memcmp(st->have, st->want, sizeof(st->have)) ==
	    0)
		return 0;
	st->backoff_s = 0;
	if (st->inflight == NULL && ac_can_talk())
		fetch_start(f->state);
	return 0;
}

/* Opens, parses and delivers a fetched state; NULL or why not. */
static const char *
deliver(int i, const uint8_t *hash, const char *doc, size_t len, char *err,
    size_t errlen)
{
	struct edgeapi_peer		*peers;
	struct conf_nexthop	*nh;
	struct edgeapi_superparams	 sp;
	size_t			 n, k;

	switch (i) {
	case OVLMSG_PEERS:
		if (edgeapi_peers_parse(doc, len, &peers, &n, err, errlen) ==
		    -1)
			return err;
		for (k = 0; k < n; k++)
			if (peers[k].node_id != ac.node_id &&
			    ac.out.peer != NULL)
				ac.out.peer(&peers[k]);
		sodium_memzero(peers, n * sizeof(*peers));
		free(peers);
		if (ac.out.peers_done != NULL)
			ac.out.peers_done(hash);
		break;
	case OVLMSG_NHTABLE:
		if (edgeapi_nhtable_parse(doc, len, &nh, &n, err, errlen) ==
		    -1)
			return err;
		if (ac.out.nh != NULL)
			ac.out.nh(nh, n);
		free(nh);
		if (ac.out.nh_done != NULL)
			ac.out.nh_done(hash);
		break;
	default:
		memset(&sp, 0, sizeof(sp));
		if (edgeapi_superparams_parse(doc, len, &sp, err, errlen) ==
		    -1)
			return err;
		memcpy(sp.hash, hash, sizeof(sp.hash));
		/* Whatever the supernode says, no flood of reports. */
		if (sp.http_post_interval < CONF_HTTP_POST_MIN)
			sp.http_post_interval = CONF_HTTP_POST_MIN;
		if (sp.http_post_interval != ac.post_interval) {
			ac.post_interval = sp.http_post_interval;
			if (ac.post == NULL)
				ac_post_schedule(ac.post_interval);
		}
		if (ac.out.superparams != NULL)
			ac.out.superparams(&sp);
		break;
	}
	return NULL;
}

static void
fetch_done(struct ac_req *r, int status, const uint8_t *body, size_t len)
{
	int		 i = r->kind;
	struct ac_state	*st = &ac.st[i];
	char		 err[EDGEAPI_ERR_LEN], line[128];
	const char	*why;
	uint8_t		*plain;
	size_t		 plen, k;

	if (status == 0) {
		fetch_failed(r->kind, "no answer from the supernode");
		return;
	}
	if (status != 200) {
		/* The reason is one line of text: log its start. */
		for (k = 0; k < len && k < sizeof(line) - 1 &&
		    body[k] >= 0x20 && body[k] < 0x7f; k++)
			line[k] = (char)body[k];
		line[k] = '\0';
		fetch_failed(r->kind, "HTTP %d: %s", status, line);
		return;
	}
	if (len < EDGEAPI_SEAL_OVERHEAD || (plain = malloc(len)) == NULL) {
		fetch_failed(r->kind, "answer too short to be sealed");
		return;
	}
	plen = len - EDGEAPI_SEAL_OVERHEAD;
	if (edgeapi_open_with(plain, r->kreq, r->pathq, r->ts_ms, body,
	    len) == -1) {
		free(plain);
		fetch_failed(r->kind, "answer not sealed with our key");
		return;
	}
	why = deliver(r->kind, r->hash, (const char *)plain, plen, err,
	    sizeof(err));
	sodium_memzero(plain, plen);
	free(plain);
	if (why != NULL) {
		fetch_failed(r->kind, "bad document: %s", why);
		return;
	}
	memcpy(st->have, r->hash, sizeof(st->have));
	st->have_set = 1;
	st->backoff_s = 0;
	ac_req_free(st->inflight);	/* r */
	st->inflight = NULL;
	log_debug("EdgeAPI %s: fetched", state_path[i]);
	if (memcmp(st->want, st->have, sizeof(st->want)) != 0)
		fetch_start(i);
}

void
ac_response(int status, const uint8_t *body, size_t len, void *arg)
{
	struct ac_req	*r = arg;

	if (r->kind == AC_POST)
		ac_post_done(r, status, body, len);
	else
		fetch_done(r, status, body, len);
}

void
apiclient_shutdown(void)
{
	int	i;

	if (!ac.ready)
		return;
	drop_connection();
	for (i = 0; i < OVLMSG_NSTATES; i++)
		evtimer_del(&ac.st[i].ev_retry);
	evtimer_del(&ac.ev_post);
	sodium_memzero(&ac, sizeof(ac));
}
