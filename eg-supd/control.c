/*
 * The control process of eg-supd: serves egctl on the control socket
 * (common/proc/ctlsrv.c) and the HTTP EdgeAPI and Manage API (control_http_*.c) on
 * the sockets the parent passes.  This file is the glue between those
 * and the other processes' messages (doc/super-internals.md).
 */
#include <sys/types.h>

#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "control_http.h"
#include "eg-supd.h"
#include "proc/ctl.h"
#include "proc/ctlsrv.h"
#include "proc/proc_imsg.h"
#include "proc/sandbox.h"
#include "util/log.h"

static void	control_commit(void *);
static void	control_ctl_request(struct ctl_client *, uint32_t,
		    struct imsg *);

/* egctl show links requests route is answering, for the HTTP counters. */
#define LINKS_MAX	CTLSRV_MAXCLIENTS

static struct {
	struct proc_chan	 chans[PROC_MAX];
	struct reconf_child	 reconf;
	struct super_conf	*conf;
	uint32_t		 links[LINKS_MAX];	/* 0: free */
} ctl = {
	.reconf = { .self = PROC_CONTROL, .flags = CONF_PARSE_NO_SECRETS,
	    .commit = control_commit },
};

static void
control_commit(void *arg)
{
	struct super_conf	*old = ctl.conf;

	ctl.conf = arg;
	/* The HTTP side compares the old config with the new. */
	hstate_conf(ctl.conf);
	if (old != NULL)
		conf_free_super(old);
}

static void
send_or_die(enum eg_proc to, uint32_t type, const void *data, size_t len)
{
	if (proc_compose(&ctl.chans[to], type, 0, 0, -1, data, len) == -1)
		fatal("compose to %s", proc_names[to]);
}

static void
out_hash(const struct supd_hash *h)
{
	send_or_die(PROC_ENGINE, IMSG_SUPD_HASH, h, sizeof(*h));
}

static void
out_fetched(const struct supd_hash *h)
{
	send_or_die(PROC_ENGINE, IMSG_SUPD_FETCHED, h, sizeof(*h));
}

static void
out_sample(const struct supd_sample *s)
{
	send_or_die(PROC_ROUTE, IMSG_SUPD_SAMPLE, s, sizeof(*s));
}

static int
out_manage(const void *msg, size_t len)
{
	return proc_compose(&ctl.chans[PROC_PARENT], IMSG_SUPD_MANAGE, 0, 0,
	    -1, msg, len);
}

static int
out_edge_auth(const struct supd_edge_auth *a, const char *uri)
{
	struct iovec	iov[2];

	iov[0].iov_base = (void *)(uintptr_t)a;
	iov[0].iov_len = sizeof(*a);
	iov[1].iov_base = (void *)(uintptr_t)uri;
	iov[1].iov_len = a->urilen;
	return proc_compose_iov(&ctl.chans[PROC_PARENT], IMSG_SUPD_EDGE_AUTH,
	    0, 0, -1, iov, 2);
}

static void
check_len(struct proc_chan *pc, struct imsg *imsg, size_t want)
{
	if (imsg->datalen != want)
		fatalx("message %u from %s: %zu bytes, not %zu",
		    imsg->hdr.type, proc_names[pc->peer], imsg->datalen, want);
}

static void
control_edge_grant(struct proc_chan *pc, struct imsg *imsg)
{
	struct supd_edge_grant	g;

	if (imsg->datalen < sizeof(g))
		check_len(pc, imsg, sizeof(g));
	memcpy(&g, imsg->data, sizeof(g));
	if (g.npsks > SUPD_PSKS_MAX)
		fatalx("IMSG_SUPD_EDGE_GRANT: %u PSKs", g.npsks);
	check_len(pc, imsg, sizeof(g) + (size_t)g.npsks *
	    sizeof(struct supd_pair_psk));
	http_edge_grant(&g, g.npsks > 0 ? (const struct supd_pair_psk *)
	    ((const uint8_t *)imsg->data + sizeof(g)) : NULL);
	sodium_memzero(imsg->data, imsg->datalen);
}

static void
control_manage_result(struct proc_chan *pc, struct imsg *imsg)
{
	struct supd_manage_result	 r;
	char				*text;

	if (imsg->datalen < sizeof(r))
		check_len(pc, imsg, sizeof(r));
	memcpy(&r, imsg->data, sizeof(r));
	check_len(pc, imsg, sizeof(r) + (size_t)r.textlen);
	if ((text = malloc((size_t)r.textlen + 1)) == NULL)
		fatal("manage result");
	memcpy(text, (char *)imsg->data + sizeof(r), r.textlen);
	text[r.textlen] = '\0';
	http_manage_result(&r, text);
	free(text);
}

static void
control_dispatch_parent(struct proc_chan *pc, struct imsg *imsg)
{
	int			 which;

	if (reconf_child_dispatch(&ctl.reconf, pc, imsg))
		return;
	switch (imsg->hdr.type) {
	case IMSG_CONTROLFD:
		if (imsg->fd == -1 || imsg->datalen != 0)
			fatalx("IMSG_CONTROLFD: bad message");
		ctlsrv_init(imsg->fd, control_ctl_request);
		break;
	case IMSG_CTL_RESULT:
		ctlsrv_relay(pc, imsg);
		break;
	case IMSG_SUPD_HTTPFD:
		check_len(pc, imsg, sizeof(which));
		memcpy(&which, imsg->data, sizeof(which));
		if (imsg->fd == -1)
			fatalx("IMSG_SUPD_HTTPFD without a descriptor");
		if (http_listen(imsg->fd, which) == -1)
			fatalx("cannot serve HTTP on the parent's socket "
			    "(role %d)", which);
		break;
	case IMSG_SUPD_EDGE_GRANT:
		control_edge_grant(pc, imsg);
		break;
	case IMSG_SUPD_MANAGE_RESULT:
		control_manage_result(pc, imsg);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

static void
control_dispatch_engine(struct proc_chan *pc, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_SUPD_EDGE:
		check_len(pc, imsg, sizeof(struct supd_edge));
		hstate_edge(imsg->data);
		break;
	default:
		ctlsrv_relay(pc, imsg);
	}
}

/* An HTTP counter for client id, in the manner of route's. */
static void
http_counter(uint32_t id, int kind, const char *name, uint64_t value)
{
	struct ctl_counter	cc;

	memset(&cc, 0, sizeof(cc));
	cc.kind = kind;
	strlcpy(cc.name, name, sizeof(cc.name));
	cc.value = value;
	ctlsrv_send(id, IMSG_CTL_COUNTER, &cc, sizeof(cc));
}

/*
 * show links also counts what the HTTP servers dropped or refused: its
 * answer comes from route, and these go in before route's END.
 */
static void
control_ctl_request(struct ctl_client *c, uint32_t id, struct imsg *imsg)
{
	int	i;

	if (imsg->hdr.type == IMSG_CTL_SHOW_LINKS && imsg->datalen == 0)
		for (i = 0; i < LINKS_MAX; i++)
			if (ctl.links[i] == 0) {
				ctl.links[i] = id;
				break;
			}
	ctlsrv_request(c, id, imsg);
}

static void
links_end(uint32_t id)
{
	struct proc_chan_stats	st;
	int			i;

	for (i = 0; i < LINKS_MAX; i++)
		if (ctl.links[i] == id && id != 0)
			break;
	if (i == LINKS_MAX)
		return;
	ctl.links[i] = 0;
	http_counter(id, CTLC_DROP, "HTTP connection over its budget",
	    http_stats.refused_budget);
	http_counter(id, CTLC_DROP, "HTTP connection over its source's cap",
	    http_stats.refused_source);
	http_counter(id, CTLC_DROP, "HTTP connection to Manage port, not "
	    "allowed", http_stats.refused_manage);
	http_counter(id, CTLC_DROP, "HTTP request not whole in time",
	    http_stats.deadline);
	http_counter(id, CTLC_COUNTER, "Manage API authentications failed",
	    http_stats.auth_failed);
	http_counter(id, CTLC_COUNTER, "Manage API calls throttled (429)",
	    http_stats.throttled);
	http_counter(id, CTLC_COUNTER, "Manage API signed requests replayed",
	    http_stats.replayed);
	http_counter(id, CTLC_DROP, "nodeinfo over the edge's budget (429)",
	    http_stats.nodeinfo_throttled);
	http_counter(id, CTLC_DROP, "nodeinfo local address refused",
	    http_stats.local_refused);
	http_counter(id, CTLC_COUNTER, "peers hashes published",
	    http_stats.peers_published);
	proc_chan_stats(&ctl.chans[PROC_ROUTE], &st);
	http_counter(id, CTLC_DROP, "nodeinfo sample for route replaced by a "
	    "newer", st.replaced);
	http_counter(id, CTLC_DROP, "nodeinfo sample for route, held table "
	    "full", st.full);
}

static void
control_dispatch_route(struct proc_chan *pc, struct imsg *imsg)
{
	struct supd_doc_hdr	hdr;
	int			doc;

	switch (imsg->hdr.type) {
	case IMSG_SUPD_DOC:
		if (imsg->datalen < sizeof(hdr))
			check_len(pc, imsg, sizeof(hdr));
		memcpy(&hdr, imsg->data, sizeof(hdr));
		if (hstate_doc_chunk(hdr.doc, (char *)imsg->data + sizeof(hdr),
		    imsg->datalen - sizeof(hdr)) == -1)
			fatalx("IMSG_SUPD_DOC from route: document %d unknown "
			    "or larger than %d bytes", hdr.doc,
			    EDGEAPI_DOC_MAX);
		break;
	case IMSG_SUPD_DOC_DONE:
		check_len(pc, imsg, sizeof(doc));
		memcpy(&doc, imsg->data, sizeof(doc));
		if (hstate_doc_done(doc) == -1)
			fatalx("IMSG_SUPD_DOC_DONE from route: document %d "
			    "unknown", doc);
		break;
	case IMSG_CTL_END:
	case IMSG_CTL_RESULT:
		links_end(imsg->hdr.peerid);
		ctlsrv_relay(pc, imsg);
		break;
	default:
		ctlsrv_relay(pc, imsg);
	}
}

void
supd_control_main(void)
{
	static const proc_dispatch_cb dispatch[PROC_MAX] = {
		[PROC_PARENT] = control_dispatch_parent,
		[PROC_ENGINE] = control_dispatch_engine,
		[PROC_ROUTE] = control_dispatch_route,
	};
	static const struct http_out out = {
		.hash = out_hash,
		.fetched = out_fetched,
		.sample = out_sample,
		.manage = out_manage,
		.edge_auth = out_edge_auth,
	};

	/*
	 * What would open files inside the sandbox, done before it:
	 * jansson's hash seed (/dev/urandom) and the time zone that
	 * gmtime_r() loads on first use (evhttp's Date header).
	 */
	json_object_seed(0);
	tzset();
	proc_child_start(PROC_CONTROL, SB_SUPD_CONTROL, ctl.chans, dispatch);
	proc_chan_samples(&ctl.chans[PROC_ROUTE], supd_sample_key);
	ctlsrv_set_chans(ctl.chans);
	hstate_init(&out);
	event_dispatch();
	http_shutdown();
	hstate_shutdown();
	ctlsrv_shutdown();
	if (ctl.conf != NULL)
		conf_free_super(ctl.conf);
	exit(0);
}
