/*
 * egctl text output: aligned columns, "-" where there is no data yet.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "egctl.h"

static void
fmt_bytes(char *buf, size_t len, uint64_t n)
{
	static const char	*units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double			 v = n;
	int			 u = 0;

	if (n == 0) {
		strlcpy(buf, "-", len);
		return;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, len, "%.2f %s", v, units[u]);
}

static void
fmt_ago(char *buf, size_t len, int64_t when)
{
	int64_t	d;

	if (when == 0) {
		strlcpy(buf, "-", len);
		return;
	}
	d = (int64_t)time(NULL) - when;
	if (d < 0)
		d = 0;
	if (d < 120)
		snprintf(buf, len, "%llds ago", (long long)d);
	else if (d < 7200)
		snprintf(buf, len, "%lldm ago", (long long)(d / 60));
	else
		snprintf(buf, len, "%lldh ago", (long long)(d / 3600));
}

static void
fmt_node(char *buf, size_t len, uint16_t id)
{
	if (id == NODEID_INVALID)
		strlcpy(buf, "-", len);
	else
		snprintf(buf, len, "%u", id);
}

static void
fmt_ms(char *buf, size_t len, double ms)
{
	if (isnan(ms))
		strlcpy(buf, "-", len);
	else if (isinf(ms))
		strlcpy(buf, "inf", len);
	else
		snprintf(buf, len, "%.3f ms", ms);
}

static void
text_peers_begin(void)
{
	printf("%-6s %-16s %-26s %-10s %-11s %-11s %-10s %-7s %s\n", "NODE",
	    "NAME", "ENDPOINT", "HANDSHAKE", "RECEIVED", "SENT", "LATENCY",
	    "NEXTHOP", "LEARNED");
}

static void
text_peer(const struct ctl_peer *p)
{
	char	hs[32], rx[32], tx[32], lat[32], nh[16], from[16];

	fmt_ago(hs, sizeof(hs), p->last_handshake);
	fmt_bytes(rx, sizeof(rx), p->rx_bytes);
	fmt_bytes(tx, sizeof(tx), p->tx_bytes);
	fmt_ms(lat, sizeof(lat), p->latency_ms);
	fmt_node(nh, sizeof(nh), p->nexthop);
	fmt_node(from, sizeof(from), p->flags & CTLP_LEARNED ?
	    p->learned_from : NODEID_INVALID);
	printf("%-6u %-16s %-26s %-10s %-11s %-11s %-10s %-7s %s\n",
	    p->node_id, p->name[0] ? p->name : "-",
	    p->endpoint[0] ? p->endpoint : "-", hs, rx, tx, lat, nh, from);
}

static void
text_nothing(void)
{
}

static int	text_ndrops;

/*
 * Only drop reasons that dropped something (the list is long); the
 * other counters are for -j.
 */
static void
text_counter(const struct ctl_counter *c)
{
	if (c->value == 0 || c->kind != CTLC_DROP)
		return;
	if (text_ndrops++ == 0)
		printf("\n%-40s %s\n", "DROPPED", "COUNT");
	printf("%-40s %llu\n", c->name, (unsigned long long)c->value);
}

static int	text_routes_all;

static void
text_routes_begin(int all)
{
	text_routes_all = all;
	if (all)
		printf("%-8s ", "SOURCE");
	printf("%-12s %-8s %s\n", "DESTINATION", "NEXTHOP", "DISTANCE");
}

static void
text_route(const struct ctl_route *r)
{
	char	nh[16], dist[32];

	fmt_node(nh, sizeof(nh), r->nexthop);
	fmt_ms(dist, sizeof(dist), r->dist_ms);
	if (text_routes_all)
		printf("%-8u ", r->src);
	printf("%-12u %-8s %s\n", r->dst, nh, dist);
}

static void
text_links_begin(void)
{
	text_ndrops = 0;
	printf("%-6s %-6s %-12s %-8s %-8s %-10s %-8s %-9s %s\n", "SRC",
	    "DST", "LATENCY", "AGE", "EXPIRES", "SEQ", "TAKEN", "DUPLICATE",
	    "STALE");
}

static void
fmt_s(char *buf, size_t len, double s)
{
	if (isnan(s))
		strlcpy(buf, "-", len);
	else
		snprintf(buf, len, "%.1fs", s);
}

static void
text_link(const struct ctl_link *l)
{
	char	lat[32], age[32], exp[32], seq[16];

	fmt_ms(lat, sizeof(lat), l->latency_ms);
	fmt_s(age, sizeof(age), l->age_s);
	fmt_s(exp, sizeof(exp), l->expires_s);
	if (isnan(l->age_s))
		strlcpy(seq, "-", sizeof(seq));
	else
		snprintf(seq, sizeof(seq), "%u", l->seq);
	printf("%-6u %-6u %-12s %-8s %-8s %-10s %-8llu %-9llu %llu\n",
	    l->src, l->dst, lat, age, exp, seq,
	    (unsigned long long)l->taken, (unsigned long long)l->duplicate,
	    (unsigned long long)l->stale);
}

static void
text_result(int status, const char *msg, size_t len)
{
	FILE	*fp = status == 0 ? stdout : stderr;

	fprintf(fp, "%s%.*s\n", status == 0 ? "" : "egctl: ", (int)len, msg);
}

const struct output output_text = {
	.peers_begin = text_peers_begin,
	.peer = text_peer,
	.counter = text_counter,
	.peers_end = text_nothing,
	.routes_begin = text_routes_begin,
	.route = text_route,
	.routes_end = text_nothing,
	.links_begin = text_links_begin,
	.link = text_link,
	.links_end = text_nothing,
	.result = text_result,
};
