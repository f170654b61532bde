/*
 * libFuzzer target for what a hostile control process can send the
 * parent as an EdgeAPI request to check (IMSG_SUPD_EDGE_AUTH): the input
 * is the message's payload, taken apart by edge_auth_split() and judged
 * by edge_grant() against a config of three edges.  Checked: nothing is
 * taken (the fuzzer cannot make an edge's MAC), no key is given with a
 * refusal, and no PSK is given at all.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "eg-supd/parent_edgeauth.h"
#include "util/log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	ready;

static void
quiet(int pri, const char *line)
{
	(void)pri;
	(void)line;
}

static void
init(void)
{
	static const char	yaml[] =
	    "PrivKeyV4: ZZLpfdZJm4fWNsfQCWQ9F11G2wnJRh0e+Dj5Kc5jzEU=\n"
	    "ListenPort: 3456\nDisabledAf:\n  IPv6: true\n"
	    "UsePSKForInterEdge: true\nPeers:\n"
	    "- NodeID: 1\n  Name: n1\n"
	    "  PubKey: DG/Lq1bFpE/6109emAoO3iaC+shgWtdRaGBhW3soiSI=\n"
	    "- NodeID: 2\n  Name: n2\n"
	    "  PubKey: 8RSl6sMj1jjkHt/OO+hOKpaxvo1ISaqc6eMXx7jheRY=\n";
	struct conf_diags	 d;
	struct super_conf	*c;

	log_init(0, 0);
	log_setsink(quiet);
	if (sodium_init() == -1)
		abort();
	memset(&d, 0, sizeof(d));
	if ((c = conf_parse_super("f.yaml", yaml, strlen(yaml), &d, 0)) ==
	    NULL) {
		conf_diags_print(stderr, &d);
		abort();
	}
	conf_diags_free(&d);
	edge_keys_conf(c, 1700000000000LL);
	conf_free_super(c);
	ready = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct supd_pair_psk	psks[4];
	struct supd_edge_auth		a;
	struct supd_edge_grant		g;
	char				uri[SUPD_EDGE_URI_MAX + 1];

	if (!ready)
		init();
	if (edge_auth_split(data, size, &a, uri) == -1)
		return 0;
	if (strlen(uri) != a.urilen)
		abort();
	edge_grant(&a, uri, 1700000060000LL, &g, psks, 4);
	if (g.verdict == SUPD_EDGE_OK || g.npsks != 0 ||
	    !sodium_is_zero(g.kreq, sizeof(g.kreq)) || g.request != a.request)
		abort();
	return 0;
}
