/*
 * The route engine process of eg-supd: the edges' one-way latencies
 * (Pongs, through the engine or the EdgeAPI) go into the route engine
 * (common/route/route.h); what it computes goes to control as two JSON
 * documents: the next-hop table the edges fetch, and the supernode's
 * state for manage/super/state.  Each Pong usually comes both ways: the
 * route engine takes it once, by its origin and number.
 */
#include <sys/types.h>

#include <errno.h>
#include <event.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "eg-supd.h"
#include "proc/ctl.h"
#include "proc/proc_imsg.h"
#include "proc/sandbox.h"
#include "route/route.h"
#include "route/route_batch.h"
#include "route_sample.h"
#include "supd_imsg.h"
#include "util/log.h"

#define DOC_CHUNK	(60 * 1024)

static int	route_check(const void *, char *, size_t);
static void	route_configure(void *);

static struct {
	struct proc_chan	 chans[PROC_MAX];
	struct reconf_child	 reconf;
	struct super_conf	*conf;
	struct route		*rt;
	uint8_t			 online[65536];
	double			 edge_cost[65536];	/* as reported, ms */
	struct route_batch	 batch;
	struct event		 ev_state;
	int			 state_dirty;
	int			 published;
} rte = {
	.reconf = { .self = PROC_ROUTE, .flags = CONF_PARSE_NO_SECRETS,
	    .check = route_check, .commit = route_configure },
};

static void
doc_send(int doc, const char *buf, size_t len)
{
	struct supd_doc_hdr	h;
	struct iovec		iov[2];
	size_t			off, n;

	memset(&h, 0, sizeof(h));
	h.doc = doc;
	for (off = 0; off < len; off += n) {
		n = len - off > DOC_CHUNK ? DOC_CHUNK : len - off;
		iov[0].iov_base = &h;
		iov[0].iov_len = sizeof(h);
		iov[1].iov_base = (void *)(uintptr_t)(buf + off);
		iov[1].iov_len = n;
		if (proc_compose_iov(&rte.chans[PROC_CONTROL], IMSG_SUPD_DOC,
		    0, 0, -1, iov, 2) == -1)
			fatal("document to control");
	}
	if (proc_compose(&rte.chans[PROC_CONTROL], IMSG_SUPD_DOC_DONE, 0, 0,
	    -1, &doc, sizeof(doc)) == -1)
		fatal("document to control");
}

static void
json_put(json_t *obj, const char *key, json_t *val)
{
	if (val == NULL || json_object_set_new(obj, key, val) == -1)
		fatalx("JSON: out of memory");
}

static json_t *
json_obj(void)
{
	json_t	*o;

	if ((o = json_object()) == NULL)
		fatalx("JSON: out of memory");
	return o;
}

static char *
json_text(json_t *doc, size_t *lenp)
{
	char	*s;

	/*
	 * Sorted and compact: the bytes are hashed as the state.  Times
	 * are whole microseconds: nine digits print them exactly.
	 */
	if ((s = json_dumps(doc, JSON_SORT_KEYS | JSON_COMPACT |
	    JSON_REAL_PRECISION(9))) == NULL)
		fatalx("JSON: out of memory");
	*lenp = strlen(s);
	json_decref(doc);
	return s;
}

/* {"NhTable": {"src": {"dst": nexthop}}}: what the edges fetch. */
static void
publish_nhtable(void)
{
	struct conf_nhtable	 nh;
	json_t			*doc, *tab, *row = NULL;
	char			 key[8], *s;
	size_t			 i, len;

	memset(&nh, 0, sizeof(nh));
	if (route_nhtable(rte.rt, &nh) == -1)
		fatal("next-hop table");
	doc = json_obj();
	tab = json_obj();
	for (i = 0; i < nh.count; i++) {
		const struct conf_nexthop *e = &nh.entries[i];

		if (i == 0 || e->src != nh.entries[i - 1].src) {
			row = json_obj();
			snprintf(key, sizeof(key), "%u", e->src);
			json_put(tab, key, row);
		}
		snprintf(key, sizeof(key), "%u", e->dst);
		json_put(row, key, json_integer(e->nexthop));
	}
	json_put(doc, "NhTable", tab);
	free(nh.entries);
	s = json_text(doc, &len);
	doc_send(SUPD_DOC_NHTABLE, s, len);
	free(s);
}

/* A map of maps of seconds (ms / 1000), finite values only. */
static json_t *
matrix_json(double (*get)(const struct route *, uint16_t, uint16_t),
    int diagonal)
{
	json_t		*m = json_obj(), *row;
	char		 key[8];
	size_t		 n = route_count(rte.rt), i, j;
	uint16_t	 u, v;
	double		 ms;

	for (i = 0; i < n; i++) {
		u = route_node_at(rte.rt, i);
		row = NULL;
		for (j = 0; j < n; j++) {
			v = route_node_at(rte.rt, j);
			if (u == v) {
				if (!diagonal)
					continue;
				ms = 0;
			} else if (!isfinite(ms = get(rte.rt, u, v)))
				continue;
			if (row == NULL)
				row = json_obj();
			snprintf(key, sizeof(key), "%u", v);
			json_put(row, key, json_real(ms / 1000));
		}
		if (row != NULL) {
			snprintf(key, sizeof(key), "%u", u);
			json_put(m, key, row);
		}
	}
	return m;
}

static json_t *
nhtable_json(void)
{
	json_t		*m = json_obj(), *row;
	char		 key[8];
	size_t		 n = route_count(rte.rt), i, j;
	uint16_t	 u, v, nh;

	for (i = 0; i < n; i++) {
		u = route_node_at(rte.rt, i);
		row = NULL;
		for (j = 0; j < n; j++) {
			v = route_node_at(rte.rt, j);
			if (u == v || (nh = route_nexthop(rte.rt, u, v)) ==
			    NODEID_INVALID)
				continue;
			if (row == NULL)
				row = json_obj();
			snprintf(key, sizeof(key), "%u", v);
			json_put(row, key, json_integer(nh));
		}
		if (row != NULL) {
			snprintf(key, sizeof(key), "%u", u);
			json_put(m, key, row);
		}
	}
	return m;
}

/* The seed's super/state, less PeerInfo (control adds it). */
static void
publish_state(void)
{
	json_t	*doc = json_obj();
	char	*s;
	size_t	 len;

	json_put(doc, "Infinity", json_integer(EG_INFINITY_JSON));
	json_put(doc, "Edges", matrix_json(route_edge, 0));
	json_put(doc, "Edges_Nh", matrix_json(route_edge_nh, 0));
	json_put(doc, "NhTable", nhtable_json());
	json_put(doc, "Dist", matrix_json(route_dist, 1));
	json_put(doc, "Dist_noAC", matrix_json(route_dist_noac, 1));
	s = json_text(doc, &len);
	doc_send(SUPD_DOC_STATE, s, len);
	free(s);
	rte.state_dirty = 0;
}

/* After a poll: publish what changed. */
static void
route_polled(int r, void *arg)
{
	if (r & ROUTE_COMPUTED)
		rte.state_dirty = 1;
	if ((r & ROUTE_CHANGED) || !rte.published) {
		log_cat(LOGC_INTERNAL, "next-hop table changed");
		publish_nhtable();
		publish_state();
		rte.published = 1;
	}
}

/* Latencies move all the time: the state is republished once a second. */
static void
route_state_event(int fd, short event, void *arg)
{
	struct timeval	tv = { 1, 0 };

	if (rte.state_dirty && rte.rt != NULL)
		publish_state();
	evtimer_add(&rte.ev_state, &tv);
}

static const struct conf_super_peer *
conf_peer(uint16_t id)
{
	return supd_conf_peer(rte.conf, id);
}

/* The route engine must take the new parameters, or nothing changes. */
static int
route_check(const void *arg, char *why, size_t len)
{
	const struct super_conf	*conf = arg;
	struct route_params	 params;
	struct route		*rt;

	route_params_from_conf(&params, &conf->graph,
	    conf->damping_filter_radius);
	if (params.damping_filter_radius > ROUTE_RADIUS_MAX) {
		snprintf(why, len, "DampingFilterRadius %d: the route engine "
		    "takes at most %d", params.damping_filter_radius,
		    ROUTE_RADIUS_MAX);
		return -1;
	}
	if ((rt = route_new(&params)) == NULL) {
		snprintf(why, len, "GraphRecalculateSetting: the route engine "
		    "cannot take these parameters: %s", strerror(errno));
		return -1;
	}
	route_free(rt);
	return 0;
}

static void
route_configure(void *arg)
{
	struct super_conf	*conf = arg;
	struct route_params	 params;
	size_t			 i, n;
	uint16_t		 id;

	route_params_from_conf(&params, &conf->graph,
	    conf->damping_filter_radius);
	if (rte.rt == NULL) {
		if ((rte.rt = route_new(&params)) == NULL)
			fatal("route engine");
		route_batch_set(&rte.batch, rte.rt);
	} else if (route_set_params(rte.rt, &params) == -1)
		fatal("route engine parameters");
	if (rte.conf != NULL)
		conf_free_super(rte.conf);
	rte.conf = conf;

	/* Nodes that left, then nodes that joined. */
	for (n = route_count(rte.rt), i = n; i > 0; i--) {
		id = route_node_at(rte.rt, i - 1);
		if (conf_peer(id) == NULL)
			route_node_del(rte.rt, id);
	}
	for (i = 0; i < conf->npeers; i++) {
		id = conf->peers[i].node_id;
		if (route_node_add(rte.rt, id) == 0)
			route_node_online(rte.rt, id, rte.online[id]);
		else if (errno != EEXIST)
			fatal("route node %u", id);
		route_node_cost(rte.rt, id, route_resolve_cost(
		    conf->peers[i].additional_cost, rte.edge_cost[id]));
	}
	if (route_set_manual(rte.rt, conf->graph.manual,
	    conf->graph.manual_count) == -1)
		log_warn("ManualLatency");
	if (conf->graph.static_mode &&
	    route_set_static_table(rte.rt, &conf->nhtable) == -1)
		log_warn("NextHopTable");
	route_batch_run(&rte.batch);
}

static void
route_sample_imsg(struct proc_chan *pc, struct imsg *imsg)
{
	char	why[128];
	int	v;

	v = supd_route_sample(rte.rt, rte.conf, rte.edge_cost, imsg->data,
	    imsg->datalen, route_batch_now(), why, sizeof(why));
	switch (v) {
	case SRS_BROKEN:
		fatalx("IMSG_SUPD_SAMPLE from %s: %s", proc_names[pc->peer],
		    why);
	case SRS_UNKNOWN:
		return;
	case SRS_REFUSED:
		log_debug("sample from %s refused", proc_names[pc->peer]);
		return;
	case SRS_DUPLICATE:
	case SRS_STALE:
		log_cat(LOGC_CONTROL, "sample from %s: %s",
		    proc_names[pc->peer], v == SRS_DUPLICATE ? "duplicate" :
		    "stale");
		return;
	}
	rte.state_dirty = 1;
	/* The samples read together make one poll. */
	route_batch_soon(&rte.batch);
}

static void
route_online_imsg(struct imsg *imsg)
{
	struct supd_online	o;

	if (imsg->datalen != sizeof(o))
		fatalx("IMSG_SUPD_ONLINE: bad length");
	memcpy(&o, imsg->data, sizeof(o));
	rte.online[o.node_id] = o.online != 0;
	if (conf_peer(o.node_id) != NULL)
		route_node_online(rte.rt, o.node_id, o.online != 0);
	route_batch_soon(&rte.batch);
}

static void
route_show(struct proc_chan *pc, uint32_t client)
{
	struct conf_nhtable	nh;
	struct ctl_route	r;
	size_t			i;

	memset(&nh, 0, sizeof(nh));
	if (rte.rt != NULL && route_nhtable(rte.rt, &nh) == -1)
		fatal("show routes");
	for (i = 0; i < nh.count; i++) {
		memset(&r, 0, sizeof(r));
		r.src = nh.entries[i].src;
		r.dst = nh.entries[i].dst;
		r.nexthop = nh.entries[i].nexthop;
		r.dist_ms = route_dist(rte.rt, r.src, r.dst);
		if (proc_compose(pc, IMSG_CTL_ROUTE, client, 0, -1, &r,
		    sizeof(r)) == -1)
			fatal("show routes");
	}
	free(nh.entries);
	if (proc_compose(pc, IMSG_CTL_END, client, 0, -1, NULL, 0) == -1)
		fatal("show routes");
}

/* The measured links, then the sample counts of all links. */
static void
route_show_links(struct proc_chan *pc, uint32_t client)
{
	route_ctl_links(rte.rt, route_batch_now(), pc, client);
	if (proc_compose(pc, IMSG_CTL_END, client, 0, -1, NULL, 0) == -1)
		fatal("show links");
}

static void
route_dispatch_parent(struct proc_chan *pc, struct imsg *imsg)
{
	if (!reconf_child_dispatch(&rte.reconf, pc, imsg))
		proc_unexpected(pc, imsg);
}

static void
route_dispatch_engine(struct proc_chan *pc, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_SUPD_SAMPLE:
		route_sample_imsg(pc, imsg);
		break;
	case IMSG_SUPD_ONLINE:
		route_online_imsg(imsg);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

static void
route_dispatch_control(struct proc_chan *pc, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_CTL_SHOW_ROUTES:
		/* The supernode has no row of its own: always the table. */
		route_show(pc, imsg->hdr.peerid);
		break;
	case IMSG_CTL_SHOW_LINKS:
		route_show_links(pc, imsg->hdr.peerid);
		break;
	case IMSG_SUPD_SAMPLE:
		/* Pongs posted to the EdgeAPI. */
		route_sample_imsg(pc, imsg);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

void
supd_route_main(void)
{
	static const proc_dispatch_cb dispatch[PROC_MAX] = {
		[PROC_PARENT] = route_dispatch_parent,
		[PROC_ENGINE] = route_dispatch_engine,
		[PROC_CONTROL] = route_dispatch_control,
	};
	struct timeval	tv = { 1, 0 };

	proc_child_start(PROC_ROUTE, SB_ROUTE, rte.chans, dispatch);
	route_batch_init(&rte.batch, route_polled, NULL);
	evtimer_set(&rte.ev_state, route_state_event, NULL);
	evtimer_add(&rte.ev_state, &tv);
	event_dispatch();
	route_batch_set(&rte.batch, NULL);
	route_free(rte.rt);
	if (rte.conf != NULL)
		conf_free_super(rte.conf);
	exit(0);
}
