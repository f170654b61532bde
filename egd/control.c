/*
 * The control process of egd: serves egctl on the control socket
 * (common/proc/ctlsrv.c relays each request to the process that knows) and,
 * in super mode, is the EdgeAPI client (control_apiclient.c).  In static mode
 * it narrows its sandbox to SB_CONTROL once the config has come.
 */
#include <sys/types.h>

#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "control_apiclient.h"
#include "egd.h"
#include "proc/ctl.h"
#include "proc/ctlsrv.h"
#include "proc/proc_imsg.h"
#include "proc/sandbox.h"
#include "util/log.h"

/* Entries of struct conf_nexthop per IMSG_EGD_NH, well under the limit. */
#define NH_CHUNK	8192

static int	control_check(const void *, char *, size_t);
static void	control_conf(void *);

static struct {
	struct proc_chan	 chans[PROC_MAX];
	struct reconf_child	 reconf;
	struct edge_conf	*conf;
	int			 super;		/* the EdgeAPI client runs */
	int			 narrowed;	/* SB_CONTROL: no client */
	/* From the parent, kept for a client started later. */
	int			 have_addr;
	struct egd_apiaddr	 addr;
	int			 have_local;
	struct edgeapi_localaddrs	 local;
} ctl = {
	.reconf = { .self = PROC_CONTROL, .flags = CONF_PARSE_NO_SECRETS,
	    .check = control_check, .commit = control_conf },
};

static void
send_or_die(enum eg_proc to, uint32_t type, const void *data, size_t len)
{
	if (proc_compose(&ctl.chans[to], type, 0, 0, -1, data, len) == -1)
		fatal("compose to %s", proc_names[to]);
}

static void
out_peer(const struct edgeapi_peer *p)
{
	send_or_die(PROC_ENGINE, IMSG_EGD_PEER, p, sizeof(*p));
	send_or_die(PROC_PARENT, IMSG_EGD_PEER, p, sizeof(*p));
}

static void
out_peers_done(const uint8_t hash[EDGEAPI_HASH_LEN])
{
	send_or_die(PROC_ENGINE, IMSG_EGD_PEERS_DONE, hash, EDGEAPI_HASH_LEN);
	send_or_die(PROC_PARENT, IMSG_EGD_PEERS_DONE, hash, EDGEAPI_HASH_LEN);
}

static void
out_nh(const struct conf_nexthop *nh, size_t n)
{
	size_t	off, k;

	for (off = 0; off < n; off += k) {
		k = n - off > NH_CHUNK ? NH_CHUNK : n - off;
		send_or_die(PROC_ENGINE, IMSG_EGD_NH, nh + off,
		    k * sizeof(*nh));
		send_or_die(PROC_ROUTE, IMSG_EGD_NH, nh + off,
		    k * sizeof(*nh));
	}
}

static void
out_nh_done(const uint8_t hash[EDGEAPI_HASH_LEN])
{
	send_or_die(PROC_ENGINE, IMSG_EGD_NH_DONE, hash, EDGEAPI_HASH_LEN);
	send_or_die(PROC_ROUTE, IMSG_EGD_NH_DONE, hash, EDGEAPI_HASH_LEN);
}

static void
out_superparams(const struct edgeapi_superparams *sp)
{
	send_or_die(PROC_ENGINE, IMSG_EGD_SUPERPARAMS, sp, sizeof(*sp));
}

/* The parent dials the EdgeAPI: control has no socket() or connect(). */
static void
out_dial(void)
{
	send_or_die(PROC_PARENT, IMSG_EGD_APICONN_REQ, NULL, 0);
}

static void
check_len(struct proc_chan *pc, struct imsg *imsg, size_t want)
{
	if (imsg->datalen != want)
		fatalx("message %u from %s: %zu bytes, not %zu",
		    imsg->hdr.type, proc_names[pc->peer], imsg->datalen, want);
}

/* A super-mode message while the client does not run. */
static int
client_off(struct imsg *imsg)
{
	if (ctl.super)
		return 0;
	if (ctl.conf != NULL)
		log_debug("message %u ignored: not in super mode",
		    imsg->hdr.type);
	return 1;
}

/*
 * Once control narrowed its sandbox for static mode, nothing widens it
 * again: back into super mode needs a new process.
 */
static int
control_check(const void *arg, char *why, size_t len)
{
	const struct edge_conf	*conf = arg;

	if (conf->dynroute.supernode.use_supernode && ctl.narrowed) {
		snprintf(why, len, "DynamicRoute.SuperNode.UseSuperNode: egd "
		    "in static mode cannot switch to super mode (its control "
		    "process gave up network access when static mode "
		    "began); restart egd");
		return -1;
	}
	return 0;
}

/* The parent holds the EdgeAPI key: it signs each request. */
static int
out_sign(const struct egd_api_sign *q, const char *path)
{
	struct iovec	iov[2];

	iov[0].iov_base = (void *)(uintptr_t)q;
	iov[0].iov_len = sizeof(*q);
	iov[1].iov_base = (void *)(uintptr_t)path;
	iov[1].iov_len = q->pathlen;
	return proc_compose_iov(&ctl.chans[PROC_PARENT], IMSG_EGD_API_SIGN, 0,
	    0, -1, iov, 2);
}

/* A new config: the EdgeAPI client starts or stops with super mode. */
static void
control_conf(void *arg)
{
	static const struct apiclient_out out = {
		.peer = out_peer,
		.peers_done = out_peers_done,
		.nh = out_nh,
		.nh_done = out_nh_done,
		.superparams = out_superparams,
		.dial = out_dial,
		.sign = out_sign,
	};
	struct event	 probe;
	struct edge_conf *conf = arg;
	int		 want = conf->dynroute.supernode.use_supernode;

	if (ctl.conf != NULL)
		conf_free_edge(ctl.conf);
	ctl.conf = conf;
	if (!want) {
		if (ctl.super) {
			apiclient_shutdown();
			ctl.super = 0;
		}
		if (!ctl.narrowed) {
			/* Static mode needs no TCP: give it up for good. */
			sandbox_narrow(SB_CONTROL);
			ctl.narrowed = 1;
		}
		return;
	}
	if (!ctl.super) {
		/* The base event_init() made: the legacy API's current one. */
		evtimer_set(&probe, NULL, NULL);
		apiclient_init(event_get_base(&probe), &out);
		ctl.super = 1;
		if (ctl.have_local)
			apiclient_localaddrs(&ctl.local);
		if (ctl.have_addr && apiclient_addr(&ctl.addr) == -1)
			fatalx("IMSG_EGD_APIADDR: unusable address, Host or "
			    "prefix");
	}
	apiclient_conf(ctl.conf->node_id,
	    ctl.conf->dynroute.supernode.skip_local_ip);
}

/* A connection to the EdgeAPI, or why there is none. */
static void
control_apiconn(struct proc_chan *pc, struct imsg *imsg)
{
	int	error;

	check_len(pc, imsg, sizeof(error));
	memcpy(&error, imsg->data, sizeof(error));
	if ((imsg->fd == -1) == (error == 0))
		fatalx("IMSG_EGD_APICONN: a descriptor and an error, or "
		    "neither");
	if (client_off(imsg)) {
		if (imsg->fd != -1)
			close(imsg->fd);
		return;
	}
	apiclient_connected(imsg->fd, error);
}

static void
control_dispatch_parent(struct proc_chan *pc, struct imsg *imsg)
{
	struct egd_apiaddr	a;

	if (reconf_child_dispatch(&ctl.reconf, pc, imsg))
		return;
	switch (imsg->hdr.type) {
	case IMSG_CONTROLFD:
		if (imsg->fd == -1 || imsg->datalen != 0)
			fatalx("IMSG_CONTROLFD: bad message");
		ctlsrv_init(imsg->fd, ctlsrv_request);
		break;
	case IMSG_CTL_RESULT:
		ctlsrv_relay(pc, imsg);
		break;
	case IMSG_EGD_API_SIGNED:
		check_len(pc, imsg, sizeof(struct egd_api_signed));
		if (!client_off(imsg))
			apiclient_signed(imsg->data);
		sodium_memzero(imsg->data, imsg->datalen);
		break;
	case IMSG_EGD_APIADDR:
		check_len(pc, imsg, sizeof(a));
		memcpy(&a, imsg->data, sizeof(a));
		ctl.addr = a;
		ctl.have_addr = 1;
		if (!client_off(imsg) && apiclient_addr(&a) == -1)
			fatalx("IMSG_EGD_APIADDR: unusable address, Host or "
			    "prefix");
		break;
	case IMSG_EGD_APICONN:
		control_apiconn(pc, imsg);
		break;
	case IMSG_EGD_LOCALADDRS:
		check_len(pc, imsg, sizeof(struct edgeapi_localaddrs));
		memcpy(&ctl.local, imsg->data, sizeof(ctl.local));
		if (ctl.local.count > SUPER_MAX_ENDPOINTS)
			fatalx("IMSG_EGD_LOCALADDRS: too many addresses");
		ctl.have_local = 1;
		if (!client_off(imsg))
			apiclient_localaddrs(&ctl.local);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

static void
control_dispatch_engine(struct proc_chan *pc, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_EGD_FETCH:
		check_len(pc, imsg, sizeof(struct egd_fetch));
		if (!client_off(imsg) && apiclient_fetch(imsg->data) == -1)
			fatalx("IMSG_EGD_FETCH: unknown state");
		break;
	case IMSG_EGD_PONGS:
		if (imsg->datalen % sizeof(struct ovlmsg_pong) != 0)
			fatalx("IMSG_EGD_PONGS from %s: %zu bytes",
			    proc_names[pc->peer], imsg->datalen);
		if (!client_off(imsg))
			apiclient_pongs(imsg->data, imsg->datalen /
			    sizeof(struct ovlmsg_pong));
		break;
	default:
		ctlsrv_relay(pc, imsg);
	}
}

void
control_main(void)
{
	static const proc_dispatch_cb dispatch[PROC_MAX] = {
		[PROC_PARENT] = control_dispatch_parent,
		[PROC_ENGINE] = control_dispatch_engine,
		[PROC_ROUTE] = ctlsrv_relay,
	};

	/*
	 * SB_CONTROL_HTTP: the EdgeAPI client reads and writes sockets the
	 * parent dialed, and may narrow to SB_CONTROL in static mode.
	 */
	/*
	 * What would open files inside the sandbox, done before it:
	 * jansson's hash seed (/dev/urandom) and the time zone that
	 * gmtime_r() loads on first use (evhttp's Date header).
	 */
	json_object_seed(0);
	tzset();
	proc_child_start(PROC_CONTROL, SB_CONTROL_HTTP, ctl.chans, dispatch);
	ctlsrv_set_chans(ctl.chans);
	event_dispatch();
	if (ctl.super)
		apiclient_shutdown();
	ctlsrv_shutdown();
	if (ctl.conf != NULL)
		conf_free_edge(ctl.conf);
	exit(0);
}
