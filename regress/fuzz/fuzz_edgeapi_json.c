/*
 * libFuzzer target for the EdgeAPI documents (edgeapi_json.h): the first
 * byte picks the parser, the rest is the document.  What parses must
 * build again, and build(parse(build(parse(x)))) must equal
 * build(parse(x)): the builders are deterministic and the parsers accept
 * everything the builders write.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edgeapi/edgeapi_json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
same(char *a, size_t alen, char *b, size_t blen)
{
	if (a == NULL || b == NULL || alen != blen || memcmp(a, b, alen) != 0)
		abort();
	free(a);
	free(b);
}

static void
fuzz_peers(const char *d, size_t n)
{
	struct edgeapi_peer	*p, *q;
	size_t		 np, nq, alen, blen;
	char		 err[EDGEAPI_ERR_LEN], *a, *b;

	if (edgeapi_peers_parse(d, n, &p, &np, err, sizeof(err)) == -1)
		return;
	if ((a = edgeapi_peers_build(p, np, 1, &alen)) == NULL ||
	    edgeapi_peers_parse(a, alen, &q, &nq, err, sizeof(err)) == -1)
		abort();
	b = edgeapi_peers_build(q, nq, 1, &blen);
	same(a, alen, b, blen);
	free(p);
	free(q);
}

static void
fuzz_nhtable(const char *d, size_t n)
{
	struct conf_nexthop	*p, *q;
	size_t			 np, nq, alen, blen;
	char			 err[EDGEAPI_ERR_LEN], *a, *b;

	if (edgeapi_nhtable_parse(d, n, &p, &np, err, sizeof(err)) == -1)
		return;
	if ((a = edgeapi_nhtable_build(p, np, &alen)) == NULL ||
	    edgeapi_nhtable_parse(a, alen, &q, &nq, err, sizeof(err)) == -1)
		abort();
	b = edgeapi_nhtable_build(q, nq, &blen);
	same(a, alen, b, blen);
	free(p);
	free(q);
}

static void
fuzz_superparams(const char *d, size_t n)
{
	struct edgeapi_superparams	 p, q;
	size_t			 alen, blen;
	char			 err[EDGEAPI_ERR_LEN], *a, *b;

	if (edgeapi_superparams_parse(d, n, &p, err, sizeof(err)) == -1)
		return;
	if ((a = edgeapi_superparams_build(&p, &alen)) == NULL ||
	    edgeapi_superparams_parse(a, alen, &q, err, sizeof(err)) == -1)
		abort();
	b = edgeapi_superparams_build(&q, &blen);
	same(a, alen, b, blen);
}

static void
fuzz_nodeinfo(const char *d, size_t n)
{
	struct edgeapi_nodeinfo	 p, q;
	size_t			 alen, blen;
	char			 err[EDGEAPI_ERR_LEN], *a, *b;

	if (edgeapi_nodeinfo_parse(d, n, &p, err, sizeof(err)) == -1)
		return;
	if ((a = edgeapi_nodeinfo_build(&p, &alen)) == NULL ||
	    edgeapi_nodeinfo_parse(a, alen, &q, err, sizeof(err)) == -1)
		abort();
	b = edgeapi_nodeinfo_build(&q, &blen);
	same(a, alen, b, blen);
	edgeapi_nodeinfo_free(&p);
	edgeapi_nodeinfo_free(&q);
}

static void
fuzz_state(const char *d, size_t n)
{
	struct edgeapi_peerinfo	 pi[2] = {
		{ 2, "n\xc3\xa9", 1638739317711LL }, { 1, "\xff", 0 }
	};
	char			 err[EDGEAPI_ERR_LEN], *m;
	size_t			 mlen;

	if (edgeapi_state_check(d, n, err, sizeof(err)) == -1)
		return;
	if ((m = edgeapi_state_merge(d, n, pi, 2, &mlen)) == NULL)
		abort();
	/* Valid JSON with PeerInfo now: the check must say so. */
	if (edgeapi_state_check(m, mlen, err, sizeof(err)) != -1 ||
	    strstr(err, "PeerInfo") == NULL)
		abort();
	free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*d = (const char *)data + 1;
	size_t		 n = size - 1;

	if (size < 1)
		return 0;
	switch (data[0] % 5) {
	case 0:
		fuzz_peers(d, n);
		break;
	case 1:
		fuzz_nhtable(d, n);
		break;
	case 2:
		fuzz_superparams(d, n);
		break;
	case 3:
		fuzz_nodeinfo(d, n);
		break;
	default:
		fuzz_state(d, n);
		break;
	}
	return 0;
}
