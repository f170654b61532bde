/*
 * egctl JSON output (-j): one document per request; null where the text
 * output prints "-".
 */
#include <err.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "config/config.h"
#include "egctl.h"

static json_t	*json_list;
static json_t	*json_counters;
static json_t	*json_drops;

static json_t *
json_node(uint16_t id)
{
	return id == NODEID_INVALID ? json_null() : json_integer(id);
}

static json_t *
json_ms(double ms)
{
	if (isnan(ms))
		return json_null();
	if (isinf(ms))
		return json_integer(99999);
	return json_real(ms);
}

static void
json_set(json_t *obj, const char *key, json_t *val)
{
	if (val == NULL || json_object_set_new(obj, key, val) == -1)
		errx(1, "out of memory");
}

static void
json_begin(void)
{
	if ((json_list = json_array()) == NULL)
		errx(1, "out of memory");
}

static void
json_routes_begin(int all)
{
	json_begin();
}

static void
json_dump(json_t *doc)
{
	if (json_dumpf(doc, stdout, JSON_INDENT(2)) == -1)
		errx(1, "cannot write JSON");
	putchar('\n');
	json_decref(doc);
}

static void
json_end(void)
{
	json_dump(json_list);
	json_list = NULL;
}

static void
json_peers_begin(void)
{
	json_begin();
	if ((json_counters = json_object()) == NULL ||
	    (json_drops = json_object()) == NULL)
		errx(1, "out of memory");
}

static void
json_counter(const struct ctl_counter *c)
{
	json_set(c->kind == CTLC_DROP ? json_drops : json_counters, c->name,
	    json_integer(c->value));
}

/* {"Peers": [...], "Dropped": {"reason": n, ...}, "Counters": {...}} */
static void
json_peers_end(void)
{
	json_t	*doc;

	if ((doc = json_object()) == NULL)
		errx(1, "out of memory");
	json_set(doc, "Peers", json_list);
	json_set(doc, "Dropped", json_drops);
	json_set(doc, "Counters", json_counters);
	json_dump(doc);
	json_list = json_counters = json_drops = NULL;
}

static void
json_peer(const struct ctl_peer *p)
{
	json_t	*o;

	if ((o = json_object()) == NULL)
		errx(1, "out of memory");
	json_set(o, "NodeID", json_integer(p->node_id));
	json_set(o, "Name", p->name[0] ? json_string(p->name) : json_null());
	json_set(o, "EndPoint", p->endpoint[0] ? json_string(p->endpoint) :
	    json_null());
	json_set(o, "Static", json_boolean(p->flags & CTLP_STATIC));
	json_set(o, "PSKey", json_boolean(p->flags & CTLP_HAS_PSK));
	json_set(o, "Online", json_boolean(p->flags & CTLP_ONLINE));
	json_set(o, "LastHandshake", p->last_handshake ?
	    json_integer(p->last_handshake) : json_null());
	json_set(o, "RxBytes", json_integer(p->rx_bytes));
	json_set(o, "TxBytes", json_integer(p->tx_bytes));
	json_set(o, "RxPackets", json_integer(p->rx_packets));
	json_set(o, "TxPackets", json_integer(p->tx_packets));
	json_set(o, "LatencyMs", json_ms(p->latency_ms));
	json_set(o, "NextHop", json_node(p->nexthop));
	json_set(o, "PersistentKeepalive",
	    json_integer(p->persistent_keepalive));
	json_set(o, "LearnedFrom", p->flags & CTLP_LEARNED ?
	    json_integer(p->learned_from) : json_null());
	if (json_array_append_new(json_list, o) == -1)
		errx(1, "out of memory");
}

static void
json_route(const struct ctl_route *r)
{
	json_t	*o;

	if ((o = json_object()) == NULL)
		errx(1, "out of memory");
	json_set(o, "Src", json_integer(r->src));
	json_set(o, "Dst", json_integer(r->dst));
	json_set(o, "NextHop", json_node(r->nexthop));
	json_set(o, "DistMs", json_ms(r->dist_ms));
	if (json_array_append_new(json_list, o) == -1)
		errx(1, "out of memory");
}

static void
json_links_begin(void)
{
	json_peers_begin();
}

static json_t *
json_s(double s)
{
	return isnan(s) ? json_null() : json_real(s);
}

static void
json_link(const struct ctl_link *l)
{
	json_t	*o;

	if ((o = json_object()) == NULL)
		errx(1, "out of memory");
	json_set(o, "Src", json_integer(l->src));
	json_set(o, "Dst", json_integer(l->dst));
	json_set(o, "Live", json_boolean(l->flags & CTLL_LIVE));
	json_set(o, "LatencyMs", json_ms(l->latency_ms));
	json_set(o, "AgeS", json_s(l->age_s));
	json_set(o, "ExpiresS", json_s(l->expires_s));
	json_set(o, "Seq", isnan(l->age_s) ? json_null() :
	    json_integer(l->seq));
	json_set(o, "Taken", json_integer(l->taken));
	json_set(o, "Duplicate", json_integer(l->duplicate));
	json_set(o, "Stale", json_integer(l->stale));
	if (json_array_append_new(json_list, o) == -1)
		errx(1, "out of memory");
}

/* {"Links": [...], "Dropped": {"reason": n, ...}, "Counters": {...}} */
static void
json_links_end(void)
{
	json_t	*doc;

	if ((doc = json_object()) == NULL)
		errx(1, "out of memory");
	json_set(doc, "Links", json_list);
	json_set(doc, "Dropped", json_drops);
	json_set(doc, "Counters", json_counters);
	json_dump(doc);
	json_list = json_counters = json_drops = NULL;
}

static void
json_result(int status, const char *msg, size_t len)
{
	json_t	*o;

	if ((o = json_object()) == NULL)
		errx(1, "out of memory");
	json_set(o, "Status", json_integer(status));
	json_set(o, "Message", json_stringn(msg, len));
	json_dump(o);
}

const struct output output_json = {
	.peers_begin = json_peers_begin,
	.peer = json_peer,
	.counter = json_counter,
	.peers_end = json_peers_end,
	.routes_begin = json_routes_begin,
	.route = json_route,
	.routes_end = json_end,
	.links_begin = json_links_begin,
	.link = json_link,
	.links_end = json_links_end,
	.result = json_result,
};
