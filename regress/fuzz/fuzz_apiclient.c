/*
 * libFuzzer target for what egd's EdgeAPI client does with an answer
 * (egd/control_apiclient.c, control_apiclient_post.c): the status and
 * body of each request in flight are handed to ac_response(), as
 * control_httpc.c does once it has framed them (fuzz_httpc covers the
 * framing).  Requests are signed between ops by the parent's own code
 * (egd/parent_apisign.c).  Bodies are arbitrary bytes, or sealed with
 * the client's key for the request (or for another one) so that the documents get
 * through edgeapi_open() to the JSON parsers and on to what control
 * sends the engine, route and the parent.  In between: FETCHes from
 * the engine, Pongs to report, local addresses, nodeinfo posts, a new
 * EdgeAPI address.  The client's connection is never made: no answer
 * can come but this file's, each exactly once.
 *
 * What the client passes on (apiclient_out, which control.c turns into
 * IMSG_EGD_PEER, _NH, _SUPERPARAMS) must be what its receivers accept
 * without stopping the daemon: peers with at most SUPER_MAX_ENDPOINTS
 * usable endpoints, never this node, and at most 65535 of them; a table
 * that conf_nhtable_add() takes as the engine and route do; parameters
 * in range; and nothing at all but from a 200 answer sealed for the
 * request, with the hash the request asked for.
 *
 * Input: byte 0: bit 0 SkipLocalIP, bits 1-2 the URL prefix.  Then
 * records of an op byte and its arguments; state (op >> 3) % 3:
 *	0	FETCH of the state: a byte, repeated, makes the hash
 *	1	the answer to the state's request: a status byte; a body of
 *		2-byte length, sealed right (op >> 5 == 0 or 1), with another
 *		timestamp (2), another path (3), or not at all (4-7)
 *	2	post the nodeinfo report now
 *	3	the answer to the post: a status byte, a 2-byte length, bytes
 *	4	Pongs from the engine: a count byte, 32 bytes each
 *	5	local addresses from the parent: a count byte, then each a
 *		family byte, 16 address bytes, 2 port bytes
 *	6	a new EdgeAPI address (its prefix from a byte)
 *	7	the loop runs (timers due now)
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <event.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "egd/control_apiclient_int.h"
#include "egd/parent_apisign.h"
#include "util/log.h"

#define ME		1
#define MAXBODY		(64 * 1024)

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct event_base	*base;
static const uint8_t		 key[EDGEAPI_KEY_LEN] = "0123456789abcdef0123456789abcde";

/* What the answer being handed over may deliver. */
static struct {
	int		 kind;		/* -1: nothing */
	uint8_t		 hash[EDGEAPI_HASH_LEN];
	size_t		 npeers;
	int		 done;
} may = { .kind = -1 };

static void
quiet(int pri, const char *line)
{
}

static void
out_peer(const struct edgeapi_peer *p)
{
	uint32_t	i;

	if (may.kind != OVLMSG_PEERS || may.done || p->node_id == ME ||
	    p->nendpoints > SUPER_MAX_ENDPOINTS || p->has_psk > 1 ||
	    memchr(p->name, '\0', sizeof(p->name)) == NULL ||
	    ++may.npeers > 65535)
		abort();
	for (i = 0; i < p->nendpoints; i++)
		if (!edgeapi_endpoint_usable(&p->endpoints[i]))
			abort();
}

static void
out_peers_done(const uint8_t hash[EDGEAPI_HASH_LEN])
{
	if (may.kind != OVLMSG_PEERS || may.done++ ||
	    memcmp(hash, may.hash, EDGEAPI_HASH_LEN) != 0)
		abort();
}

static void
out_nh(const struct conf_nexthop *nh, size_t n)
{
	struct conf_nhtable	t;
	size_t			i;

	if (may.kind != OVLMSG_NHTABLE || may.done)
		abort();
	/* The engine and route collect it so, or stop. */
	memset(&t, 0, sizeof(t));
	if (n > 0 && conf_nhtable_add(&t, nh, n * sizeof(*nh)) == -1)
		abort();
	free(t.entries);
	for (i = 0; i < n; i++)
		if (nh[i].src > NODEID_MAX_VALID ||
		    nh[i].dst > NODEID_MAX_VALID ||
		    nh[i].nexthop > NODEID_MAX_VALID ||
		    (i > 0 && (nh[i - 1].src > nh[i].src ||
		    (nh[i - 1].src == nh[i].src && nh[i - 1].dst >=
		    nh[i].dst))))
			abort();	/* sorted, each pair once */
}

static void
out_nh_done(const uint8_t hash[EDGEAPI_HASH_LEN])
{
	if (may.kind != OVLMSG_NHTABLE || may.done++ ||
	    memcmp(hash, may.hash, EDGEAPI_HASH_LEN) != 0)
		abort();
}

static int
in_range(double v)
{
	return v > 0 && v <= EDGEAPI_NUM_MAX;
}

static void
out_superparams(const struct edgeapi_superparams *sp)
{
	if (may.kind != OVLMSG_SUPERPARAMS || may.done++ ||
	    memcmp(sp->hash, may.hash, EDGEAPI_HASH_LEN) != 0 ||
	    !in_range(sp->send_ping_interval) ||
	    !in_range(sp->http_post_interval) ||
	    !in_range(sp->peer_alive_timeout) ||
	    !(sp->additional_cost == -1 || (sp->additional_cost >= 0 &&
	    sp->additional_cost <= EDGEAPI_NUM_MAX)) ||
	    !(sp->damping_resistance >= 0 && sp->damping_resistance < 1))
		abort();
}

static void
out_dial(void)
{
	/* Never answered: no answer may come but ours. */
}

/* Requests to sign, answered between ops as the parent would. */
static struct {
	struct egd_api_sign	q;
	char			path[EGD_API_PATH_MAX + 1];
}		signs[16];
static size_t	nsigns;

static int
out_sign(const struct egd_api_sign *q, const char *path)
{
	char	copy[EGD_API_PATH_MAX + 1];

	if (nsigns == sizeof(signs) / sizeof(signs[0]))
		return -1;
	/* What the parent would take apart, as it would. */
	if (q->pathlen != strlen(path) || strlcpy(copy, path, sizeof(copy)) >=
	    sizeof(copy))
		abort();
	signs[nsigns].q = *q;
	strlcpy(signs[nsigns].path, path, sizeof(signs[nsigns].path));
	nsigns++;
	return 0;
}

static void
answer_signs(void)
{
	struct egd_api_signed	a;
	size_t			i, n;

	/* An answer may make a new request: those wait for the next. */
	n = nsigns;
	for (i = 0; i < n; i++) {
		egd_api_answer(key, &signs[i].q, signs[i].path, &a);
		apiclient_signed(&a);
	}
	memmove(signs, signs + n, (nsigns - n) * sizeof(signs[0]));
	nsigns -= n;
}

static const struct apiclient_out out = {
	.peer = out_peer,
	.peers_done = out_peers_done,
	.nh = out_nh,
	.nh_done = out_nh_done,
	.superparams = out_superparams,
	.dial = out_dial,
	.sign = out_sign,
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init(0, LOG_USER);
	log_setsink(quiet);
	base = event_init();
	return 0;
}

static void
set_addr(uint8_t sel)
{
	static const char *const prefixes[] = { "", "/eg", "/eg/", "/a/b" };
	struct egd_apiaddr	 a;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&a.ss;

	memset(&a, 0, sizeof(a));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(3456);
	sin->sin_addr.s_addr = htonl(0x7f000001);
	strlcpy(a.host, "supernode.test", sizeof(a.host));
	strlcpy(a.prefix, prefixes[sel % 4], sizeof(a.prefix));
	if (apiclient_addr(&a) == -1)
		abort();
}

static int
status_of(uint8_t b)
{
	static const int	 statuses[] = { 200, 200, 200, 200, 0, 404,
				    500, 204 };

	return statuses[b % 8];
}

/* A body of 2-byte length from the input; sealed as asked. */
static uint8_t *
body_of(const uint8_t *data, size_t size, size_t *ip, size_t *lenp,
    int how, const struct ac_req *r)
{
	uint8_t	*b;
	size_t	 len;
	char	 other[AC_PATHQ_MAX + 2];

	if (size - *ip < 2)
		return NULL;
	len = (data[*ip] | data[*ip + 1] << 8) % (MAXBODY + 1);
	*ip += 2;
	if (len > size - *ip)
		len = size - *ip;
	if ((b = malloc(len + EDGEAPI_SEAL_OVERHEAD + 1)) == NULL)
		abort();
	switch (how) {
	case 0:
	case 1:
		edgeapi_seal(b, key, r->pathq, r->ts_ms, data + *ip, len);
		*lenp = len + EDGEAPI_SEAL_OVERHEAD;
		break;
	case 2:
		edgeapi_seal(b, key, r->pathq, r->ts_ms + 1, data + *ip, len);
		*lenp = len + EDGEAPI_SEAL_OVERHEAD;
		break;
	case 3:
		strlcpy(other, r->pathq, sizeof(other));
		strlcat(other, "x", sizeof(other));
		edgeapi_seal(b, key, other, r->ts_ms, data + *ip, len);
		*lenp = len + EDGEAPI_SEAL_OVERHEAD;
		break;
	default:
		memcpy(b, data + *ip, len);
		*lenp = len;
		break;
	}
	*ip += len;
	return b;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovlmsg_pong		 pongs[8];
	struct edgeapi_localaddrs	 la;
	struct egd_fetch		 fe;
	struct ac_req			*r;
	uint8_t				*body;
	size_t				 i = 1, len, n, k;
	int				 s, how, status;
	uint8_t				 op;

	if (size < 1)
		return 0;
	nsigns = 0;
	apiclient_init(base, &out);
	apiclient_conf(ME, data[0] & 1);
	set_addr(data[0] >> 1);
	while (i < size) {
		answer_signs();
		op = data[i++];
		s = (op >> 3) % OVLMSG_NSTATES;
		switch (op & 7) {
		case 0:
			if (i >= size)
				goto done;
			memset(&fe, 0, sizeof(fe));
			fe.state = s;
			memset(fe.hash, data[i++], sizeof(fe.hash));
			if (apiclient_fetch(&fe) == -1)
				abort();
			break;
		case 1:
			if ((r = ac.st[s].inflight) == NULL || i >= size)
				break;
			status = status_of(data[i++]);
			how = op >> 5;
			if ((body = body_of(data, size, &i, &len, how, r)) ==
			    NULL)
				goto done;
			may.kind = -1;
			if (status == 200 && how < 2) {
				may.kind = s;
				memcpy(may.hash, r->hash, sizeof(may.hash));
			}
			may.npeers = 0;
			may.done = 0;
			ac_response(status, status == 0 ? NULL : body,
			    status == 0 ? 0 : len, r);
			/* A state delivered is whole, and now held. */
			if (may.done && (!ac.st[s].have_set ||
			    memcmp(ac.st[s].have, may.hash,
			    sizeof(may.hash)) != 0))
				abort();
			if (!may.done && may.npeers > 0)
				abort();
			may.kind = -1;
			free(body);
			break;
		case 2:
			apiclient_post_now();
			break;
		case 3:
			if ((r = ac.post) == NULL || i >= size)
				break;
			status = status_of(data[i++]);
			if ((body = body_of(data, size, &i, &len, 4, r)) ==
			    NULL)
				goto done;
			n = apiclient_pending_pongs();
			k = r->upto;
			ac_response(status, status == 0 ? NULL : body,
			    status == 0 ? 0 : len, r);
			/* Released: what the report covered, and no more. */
			if (ac.post != NULL || apiclient_pending_pongs() !=
			    (status == 200 ? n - (k < n ? k : n) : n))
				abort();
			free(body);
			break;
		case 4:
			if (i >= size)
				goto done;
			n = data[i++] % 9;
			if (n * sizeof(pongs[0]) > size - i)
				n = (size - i) / sizeof(pongs[0]);
			memcpy(pongs, data + i, n * sizeof(pongs[0]));
			i += n * sizeof(pongs[0]);
			apiclient_pongs(pongs, n);
			if (apiclient_pending_pongs() > EDGEAPI_MAX_PONGS)
				abort();
			break;
		case 5:
			if (i >= size)
				goto done;
			memset(&la, 0, sizeof(la));
			la.count = data[i++] % (SUPER_MAX_ENDPOINTS + 1);
			for (k = 0; k < la.count && size - i >= 19; k++) {
				struct sockaddr_in6 *sin6 =
				    (struct sockaddr_in6 *)&la.addrs[k];
				struct sockaddr_in *sin =
				    (struct sockaddr_in *)&la.addrs[k];

				if (data[i] & 1) {
					sin6->sin6_family = AF_INET6;
					memcpy(&sin6->sin6_addr, data + i + 1,
					    16);
					memcpy(&sin6->sin6_port, data + i + 17,
					    2);
				} else {
					sin->sin_family = data[i] & 2 ?
					    AF_INET : AF_UNIX;
					memcpy(&sin->sin_addr, data + i + 1, 4);
					memcpy(&sin->sin_port, data + i + 17,
					    2);
				}
				i += 19;
			}
			la.count = k;
			apiclient_localaddrs(&la);
			break;
		case 6:
			if (i >= size)
				goto done;
			set_addr(data[i++]);
			break;
		default:
			event_base_loop(base, EVLOOP_NONBLOCK);
			break;
		}
	}
done:
	apiclient_shutdown();
	return 0;
}
