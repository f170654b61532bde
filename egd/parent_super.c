/*
 * What egd's parent does for super mode: the EdgeAPI key (it needs the
 * private key, which control never sees), the EdgeAPI address (control
 * cannot resolve names in its sandbox; the resolver does it for the
 * parent) and the connections to it (parent_apidial.c: control cannot
 * dial), the node's local addresses for the state report, learned peers
 * written back (SaveNewPeers), and stopping when the supernode says so.
 * The supernode's endpoints go with the peers' (parent_endpoints.c).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <event.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "edgeapi/edgeapi.h"
#include "egd.h"
#include "egd_imsg.h"
#include "parent_apisign.h"
#include "proc/ctl.h"
#include "proc/parent_resolve.h"
#include "proc/proc_imsg.h"
#include "util/addr.h"
#include "util/log.h"

#define LOCALADDRS_EVERY	60	/* s: addresses of a host change */

static struct {
	struct proc_chan	*chans;
	int			 have4, have6;
	int			 port;
	char			 ovl_ifname[32];	/* the TAP, or "" */
	struct event		 ev_local;
	struct edgeapi_peer		*learned;
	size_t			 nlearned;
	int			 running;	/* super mode */
	/* a reload's new EdgeAPI address, resolved by the prepare step */
	char			 next_url[512];
	struct sockaddr_storage	 next_api;
	socklen_t		 next_apilen;
	/* AdditionalLocalIP names are out; a reload came meanwhile */
	int			 local_busy, local_again;
	void			(*start_done)(void *);
	void			*start_arg;
} ss;

/*
 * "http://host[:port]/prefix": the Host header, the path prefix, and
 * "host:port" for the resolver in hostport.  https is refused: put a TLS
 * proxy in front of the supernode and let the edges talk http to it
 * locally, or use http over the network (answers are sealed and requests
 * signed).
 */
static int
api_url(const char *url, struct egd_apiaddr *a, char *hostport, size_t hplen,
    char *why, size_t whylen)
{
	const char	*rest;
	char		*slash;
	size_t		 len;

	memset(a, 0, sizeof(*a));
	if (strncasecmp(url, "http://", 7) != 0) {
		snprintf(why, whylen, "DynamicRoute.SuperNode."
		    "EndpointEdgeAPIUrl %s: only http:// is supported (put a "
		    "TLS proxy next to the supernode)", url);
		return -1;
	}
	rest = url + 7;
	if ((slash = strchr(rest, '/')) != NULL) {
		if ((size_t)(slash - rest) >= hplen)
			goto long_host;
		memcpy(hostport, rest, slash - rest);
		hostport[slash - rest] = '\0';
		strlcpy(a->prefix, slash, sizeof(a->prefix));
		/* No trailing slash: paths are prefix + "/edge/...". */
		len = strlen(a->prefix);
		while (len > 0 && a->prefix[len - 1] == '/')
			a->prefix[--len] = '\0';
	} else if (strlcpy(hostport, rest, hplen) >= hplen)
		goto long_host;
	strlcpy(a->host, hostport, sizeof(a->host));
	/* Without a port, the default one. */
	if (strrchr(hostport, ':') == NULL ||
	    (hostport[0] == '[' && hostport[strlen(hostport) - 1] == ']'))
		strlcat(hostport, ":80", hplen);
	return 0;
long_host:
	snprintf(why, whylen, "DynamicRoute.SuperNode.EndpointEdgeAPIUrl "
	    "%s: host too long", url);
	return -1;
}

/* Resolve the EdgeAPI's host: cb with the address or NULL. */
static int
api_resolve(const char *url, resolve_cb cb)
{
	struct egd_apiaddr	a;
	char			hostport[256], why[512];

	if (api_url(url, &a, hostport, sizeof(hostport), why,
	    sizeof(why)) == -1) {
		log_warnx("%s", why);
		return -1;
	}
	parent_resolve(NULL, hostport, 4, ss.have4 || !ss.have6, ss.have6,
	    cb, NULL);
	return 0;
}

static void	send_localaddrs(int, short, void *);

static void
localaddr_answered(const struct sockaddr_storage *a, socklen_t len,
    void *arg)
{
	struct edgeapi_localaddrs	*la = arg;

	if (a != NULL && la->count < SUPER_MAX_ENDPOINTS)
		memcpy(&la->addrs[la->count++], a, len);
}

/* The last AdditionalLocalIP answered: the report goes to control. */
static void
localaddrs_done(void *arg)
{
	struct edgeapi_localaddrs	*la = arg;
	struct timeval			 tv = { LOCALADDRS_EVERY, 0 };

	ss.local_busy = 0;
	if (ss.running) {
		proc_compose(&ss.chans[PROC_CONTROL], IMSG_EGD_LOCALADDRS, 0,
		    0, -1, la, sizeof(*la));
		evtimer_del(&ss.ev_local);
		if (ss.local_again) {
			ss.local_again = 0;
			send_localaddrs(-1, 0, NULL);
		} else
			evtimer_add(&ss.ev_local, &tv);
	}
	free(la);
}

/* The addresses of this host that peers on the same network can use. */
static void
send_localaddrs(int fd, short event, void *arg)
{
	const struct edge_conf		*conf = parent_conf_edge();
	const struct conf_supernode	*sn = &conf->dynroute.supernode;
	struct edgeapi_localaddrs		*la;
	struct resolve_batch		*b;
	struct ifaddrs			*ifa, *i;
	size_t				 k;

	/* A reload while names are out: once more when they are in. */
	if (ss.local_busy) {
		ss.local_again = 1;
		return;
	}
	if ((la = calloc(1, sizeof(*la))) == NULL)
		fatal("%s", __func__);
	if (!sn->skip_local_ip && getifaddrs(&ifa) == 0) {
		for (i = ifa; i != NULL && la->count < SUPER_MAX_ENDPOINTS;
		    i = i->ifa_next) {
			struct sockaddr_storage *s = &la->addrs[la->count];

			if (i->ifa_addr == NULL || (i->ifa_flags & IFF_UP) == 0 ||
			    (i->ifa_flags & IFF_LOOPBACK))
				continue;
			/*
			 * Not the overlay's own addresses: a peer told to
			 * reach us there would send its WireGuard datagrams
			 * into its own overlay, each one making another.
			 */
			if (ss.ovl_ifname[0] != '\0' &&
			    strcmp(i->ifa_name, ss.ovl_ifname) == 0)
				continue;
			if (i->ifa_addr->sa_family == AF_INET && ss.have4) {
				memcpy(s, i->ifa_addr,
				    sizeof(struct sockaddr_in));
				((struct sockaddr_in *)s)->sin_port =
				    htons(ss.port);
			} else if (i->ifa_addr->sa_family == AF_INET6 &&
			    ss.have6) {
				struct sockaddr_in6 *s6 =
				    (struct sockaddr_in6 *)i->ifa_addr;

				if (IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr))
					continue;
				memcpy(s, s6, sizeof(*s6));
				((struct sockaddr_in6 *)s)->sin6_port =
				    htons(ss.port);
			} else
				continue;
			la->count++;
		}
		freeifaddrs(ifa);
	}
	ss.local_busy = 1;
	b = resolve_batch_new(localaddrs_done, la);
	for (k = 0; !sn->skip_local_ip && k < sn->additional_local_ip.count;
	    k++) {
		const char	*a = sn->additional_local_ip.items[k];
		struct in6_addr	 a6;
		char		 buf[300];

		/* An address alone gets this node's port. */
		if (inet_pton(AF_INET, a, &a6) == 1)
			snprintf(buf, sizeof(buf), "%s:%d", a, ss.port);
		else if (inet_pton(AF_INET6, a, &a6) == 1)
			snprintf(buf, sizeof(buf), "[%s]:%d", a, ss.port);
		else
			strlcpy(buf, a, sizeof(buf));
		parent_resolve(b, buf, 4, ss.have4, ss.have6,
		    localaddr_answered, la);
	}
	resolve_batch_close(b);
}

/* The EdgeAPI key: with the V4 key pair if the supernode has one. */
static int
api_key(const struct edge_conf *conf, uint8_t key[EDGEAPI_KEY_LEN])
{
	const struct conf_supernode	*sn = &conf->dynroute.supernode;
	const struct conf_key		*pub;

	pub = sn->pubkey_v4.set ? &sn->pubkey_v4 : &sn->pubkey_v6;
	return edgeapi_key(key, conf->privkey.key, pub->key,
	    sn->psk.set ? sn->psk.key : NULL);
}

static int
keep_apikey(const struct edge_conf *conf)
{
	uint8_t	key[EDGEAPI_KEY_LEN];

	if (api_key(conf, key) == -1) {
		log_warnx("SuperNode.PubKeyV4/V6: unusable key");
		egd_api_setkey(NULL);
		return -1;
	}
	/* Kept here: control gets each request's MAC, never the key. */
	egd_api_setkey(key);
	sodium_memzero(key, sizeof(key));
	return 0;
}

/* The EdgeAPI's address to control, and to the parent's dialer. */
static void
send_apiaddr(const struct egd_apiaddr *base, const struct sockaddr_storage *a,
    socklen_t len, int first)
{
	struct egd_apiaddr	aa = *base;

	memcpy(&aa.ss, a, len);
	proc_compose(&ss.chans[PROC_CONTROL], IMSG_EGD_APIADDR, 0, 0, -1,
	    &aa, sizeof(aa));
	if (first)
		egd_apidial_init(&ss.chans[PROC_CONTROL], &aa.ss);
	else
		egd_apidial_addr(&aa.ss);
}

static void
start_apiaddr(const struct sockaddr_storage *a, socklen_t len, void *arg)
{
	const struct edge_conf	*conf = parent_conf_edge();
	const char		*url = conf->dynroute.supernode.edge_api_url;
	struct egd_apiaddr	 base;
	char			 hostport[256], why[512];

	if (a == NULL || api_url(url, &base, hostport, sizeof(hostport), why,
	    sizeof(why)) == -1)
		fatalx("super mode cannot start: EndpointEdgeAPIUrl %s does "
		    "not resolve", url);
	send_apiaddr(&base, a, len, 1);
	evtimer_set(&ss.ev_local, send_localaddrs, NULL);
	ss.running = 1;
	send_localaddrs(-1, 0, NULL);
	ss.start_done(ss.start_arg);
}

void
egd_super_start(const struct edge_conf *conf, struct proc_chan *chans,
    int have4, int have6, int port, const char *ovl_ifname,
    void (*done)(void *), void *arg)
{
	ss.chans = chans;
	ss.have4 = have4;
	ss.have6 = have6;
	ss.port = port;
	ss.start_done = done;
	ss.start_arg = arg;
	strlcpy(ss.ovl_ifname, ovl_ifname != NULL ? ovl_ifname : "",
	    sizeof(ss.ovl_ifname));
	if (keep_apikey(conf) == -1 ||
	    api_resolve(conf->dynroute.supernode.edge_api_url,
	    start_apiaddr) == -1)
		fatalx("super mode cannot start");
}

int
egd_super_runnable(const struct edge_conf *conf, char *why, size_t len)
{
	struct egd_apiaddr	a;
	uint8_t			key[EDGEAPI_KEY_LEN];
	char			hostport[256];
	int			rv;

	if (!conf->dynroute.supernode.use_supernode)
		return 0;
	if (api_url(conf->dynroute.supernode.edge_api_url, &a, hostport,
	    sizeof(hostport), why, len) == -1)
		return -1;
	rv = api_key(conf, key);
	sodium_memzero(key, sizeof(key));
	if (rv == -1)
		snprintf(why, len, "DynamicRoute.SuperNode.PubKeyV4/V6: no "
		    "EdgeAPI key can be made with this key");
	return rv;
}

int
egd_super_running(void)
{
	return ss.running;
}

static int
api_key_changed(const struct conf_supernode *a, const struct conf_supernode *b)
{
	return a->psk.set != b->psk.set || sodium_memcmp(a->psk.key,
	    b->psk.key, EG_KEY_LEN) != 0 || a->pubkey_v4.set !=
	    b->pubkey_v4.set || sodium_memcmp(a->pubkey_v4.key,
	    b->pubkey_v4.key, EG_KEY_LEN) != 0 || a->pubkey_v6.set !=
	    b->pubkey_v6.set || sodium_memcmp(
	    a->pubkey_v6.key, b->pubkey_v6.key, EG_KEY_LEN) != 0;
}

/* The new EdgeAPI URL resolved, or not: the reload goes on or stops. */
static void
prepare_apiaddr(const struct sockaddr_storage *a, socklen_t len, void *arg)
{
	char	why[RECONF_WHY_LEN + sizeof(ss.next_url)];

	if (a == NULL) {
		snprintf(why, sizeof(why), "DynamicRoute.SuperNode."
		    "EndpointEdgeAPIUrl %s: its host does not resolve",
		    ss.next_url);
		parent_reconf_prepared(-1, why);
		return;
	}
	memcpy(&ss.next_api, a, len);
	ss.next_apilen = len;
	parent_reconf_prepared(0, NULL);
}

/*
 * Before a reload in super mode reaches the children: the new EdgeAPI
 * key and address must be usable (the address is kept for
 * egd_super_reloaded()).  Into super mode from static mode control
 * refuses (it has no network access left).
 */
int
egd_super_prepare(const void *curarg, const void *nextarg, char *why,
    size_t len)
{
	const struct edge_conf	*cur = curarg, *next = nextarg;
	const char		*url = next->dynroute.supernode.edge_api_url;
	uint8_t			 key[EDGEAPI_KEY_LEN];

	if (!next->dynroute.supernode.use_supernode || !ss.running)
		return 0;
	if (api_key(next, key) == -1) {
		snprintf(why, len, "DynamicRoute.SuperNode.PubKeyV4/V6: no "
		    "EdgeAPI key can be made with this key");
		return -1;
	}
	sodium_memzero(key, sizeof(key));
	if (strcmp(url, cur->dynroute.supernode.edge_api_url) == 0)
		return 0;
	strlcpy(ss.next_url, url, sizeof(ss.next_url));
	if (api_resolve(url, prepare_apiaddr) == -1) {
		snprintf(why, len, "DynamicRoute.SuperNode.EndpointEdgeAPIUrl "
		    "%s: not an http URL", url);
		return -1;
	}
	return 1;
}

/* A reload was committed: what changed for super mode goes out. */
void
egd_super_reloaded(const struct edge_conf *conf, const struct edge_conf *old)
{
	const struct conf_supernode	*sn = &conf->dynroute.supernode;
	const struct conf_supernode	*osn = &old->dynroute.supernode;

	if (!ss.running)
		return;
	if (!sn->use_supernode) {
		evtimer_del(&ss.ev_local);
		ss.running = 0;
		egd_api_setkey(NULL);
		log_info("super mode off");
		return;
	}
	if (api_key_changed(osn, sn))
		(void)keep_apikey(conf);
	/* At the address egd_super_prepare() had resolved. */
	if (strcmp(sn->edge_api_url, osn->edge_api_url) != 0) {
		struct egd_apiaddr	base;
		char			hostport[256], why[512];

		if (api_url(sn->edge_api_url, &base, hostport,
		    sizeof(hostport), why, sizeof(why)) == 0)
			send_apiaddr(&base, &ss.next_api, ss.next_apilen, 0);
	}
	evtimer_del(&ss.ev_local);
	send_localaddrs(-1, 0, NULL);
}

/*
 * SaveNewPeers: the config file gets the peers the supernode listed, so
 * that a restart without the supernode still knows them.
 */
static void
save_peers(void)
{
	if (parent_conf_edge()->dynroute.save_new_peers)
		(void)egd_save_peers(ss.learned, ss.nlearned, 0);
	sodium_memzero(ss.learned, ss.nlearned * sizeof(*ss.learned));
	free(ss.learned);
	ss.learned = NULL;
	ss.nlearned = 0;
}

/*
 * The engine heard the supernode tell this edge to stop.  A clean exit:
 * the supernode meant it, and a service manager should not restart us.
 */
void
egd_super_shutdown(struct imsg *imsg)
{
	char	text[OVLMSG_REASON_MAX + 1];
	size_t	n;

	n = imsg->datalen < sizeof(text) - 1 ? imsg->datalen :
	    sizeof(text) - 1;
	memcpy(text, imsg->data, n);
	text[n] = '\0';
	log_warnx("stopping: the supernode says: %s",
	    n ? text : "no reason given");
	parent_shutdown(0);
}

/* What control learned from the EdgeAPI, and its connection requests. */
void
egd_super_dispatch(struct proc_chan *pc, struct imsg *imsg)
{
	struct edgeapi_peer	*p;

	switch (imsg->hdr.type) {
	case IMSG_EGD_PEER:
		if (imsg->datalen != sizeof(*p) || ss.nlearned >= 65536)
			fatalx("IMSG_EGD_PEER: bad message");
		if ((p = reallocarray(ss.learned, ss.nlearned + 1,
		    sizeof(*p))) == NULL)
			fatal("peers");
		ss.learned = p;
		memcpy(&p[ss.nlearned], imsg->data, sizeof(*p));
		if (p[ss.nlearned].nendpoints > SUPER_MAX_ENDPOINTS)
			fatalx("IMSG_EGD_PEER: bad endpoint count");
		ss.nlearned++;
		break;
	case IMSG_EGD_PEERS_DONE:
		if (imsg->datalen != OVLMSG_HASH_LEN)
			fatalx("IMSG_EGD_PEERS_DONE: bad length");
		save_peers();
		break;
	case IMSG_EGD_APICONN_REQ:
		egd_apidial_request(imsg);
		break;
	case IMSG_EGD_API_SIGN:
		egd_api_sign(pc, imsg);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}
