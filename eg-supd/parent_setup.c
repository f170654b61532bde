/*
 * What eg-supd's parent does with its privileges: the UDP sockets (one
 * per address family, each with its own WireGuard key in the engine),
 * the HTTP listening sockets, the EdgeAPI keys and the inter-edge PSK
 * seed (both need the private keys, which control never sees).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "edgeapi/edgeapi.h"
#include "eg-supd.h"
#include "parent_edgeauth.h"
#include "parent_manage_auth.h"
#include "proc/parent.h"
#include "proc/parent_resolve.h"
#include "proc/proc_imsg.h"
#include "proc/udpsock.h"
#include "supd_imsg.h"
#include "util/addr.h"
#include "util/clock.h"
#include "util/log.h"

/*
 * Connections over the HTTP limits are closed as soon as they are
 * accepted: a queue that takes a burst lets them be shed at once, not
 * left waiting in SYN retries with the legitimate ones among them.
 */
#define HTTP_BACKLOG	1024

static struct {
	int	udp4, udp6;
	int	have4, have6;
	int	http_edge, http_manage;	/* -1 if none */
	int	http_both;		/* one socket serves both APIs */
} ss = { .udp4 = -1, .udp6 = -1, .http_edge = -1, .http_manage = -1 };

/* "3456" -> 3456; -1 if it is not a port. */
static int
port_num(const char *s)
{
	char	*end;
	long	 p;

	if (*s == '\0')
		return -1;
	p = strtol(s, &end, 10);
	if (*end != '\0' || p <= 0 || p > 65535)
		return -1;
	return (int)p;
}

/*
 * A TCP socket for HTTP: dual-stack unless IPv6 is disabled, on the
 * listen addresses of DisabledAf when given.
 */
static int
http_socket(const struct super_conf *conf, int port)
{
	const struct conf_disabled_af	*da = &conf->disabled_af;
	struct sockaddr_in6		 sin6;
	struct sockaddr_in		 sin;
	int				 s, one = 1, zero = 0;

	if (!da->ipv6 && (da->ipv4 || da->listen_ipv4[0] == '\0')) {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(port);
		if (da->listen_ipv6[0] != '\0' &&
		    inet_pton(AF_INET6, da->listen_ipv6, &sin6.sin6_addr) != 1)
			return -1;
		if ((s = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0)) != -1) {
			setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
			    sizeof(one));
			/* Both families on one socket, unless IPv4 is off. */
			setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY,
			    da->ipv4 ? &one : &zero, sizeof(one));
			if (bind(s, (struct sockaddr *)&sin6,
			    sizeof(sin6)) == 0 && listen(s, HTTP_BACKLOG) == 0)
				return s;
			close(s);
		}
		if (da->ipv4)
			return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (da->listen_ipv4[0] != '\0' &&
	    inet_pton(AF_INET, da->listen_ipv4, &sin.sin_addr) != 1)
		return -1;
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(s, HTTP_BACKLOG) == -1) {
		close(s);
		return -1;
	}
	return s;
}

int
supd_runnable(const void *arg, char *why, size_t len)
{
	const struct super_conf	*conf = arg;

	if (port_num(conf->listen_port_edge_api) == -1) {
		snprintf(why, len, "ListenPort_EdgeAPI %s: not a port",
		    conf->listen_port_edge_api);
		return -1;
	}
	if (port_num(conf->listen_port_manage_api) == -1) {
		snprintf(why, len, "ListenPort_ManageAPI %s: not a port",
		    conf->listen_port_manage_api);
		return -1;
	}
	return 0;
}

int
supd_setup(void *arg)
{
	const struct super_conf	*conf = arg;
	int			 pe, pm;

	/* Before any child can ask. */
	manage_cred_conf(conf);
	edge_keys_conf(conf, clock_realtime_ms());
	if (udp_open_pair(conf->listen_port, &conf->disabled_af, conf->fwmark,
	    &ss.udp4, &ss.udp6) == -1)
		return -1;
	ss.have4 = ss.udp4 != -1;
	ss.have6 = ss.udp6 != -1;
	/* supd_runnable() checked both. */
	pe = port_num(conf->listen_port_edge_api);
	pm = port_num(conf->listen_port_manage_api);
	if ((ss.http_edge = http_socket(conf, pe)) == -1) {
		log_warn("EdgeAPI: TCP port %d", pe);
		return -1;
	}
	if (pm == pe)
		ss.http_both = 1;
	else if ((ss.http_manage = http_socket(conf, pm)) == -1) {
		log_warn("Manage API: TCP port %d", pm);
		return -1;
	}
	log_info("UDP port %d, EdgeAPI on TCP port %d, Manage API on TCP "
	    "port %d", conf->listen_port, pe, pm);
	return 0;
}

static void
pass_fd(struct proc_chan *pc, int type, int fd, int arg)
{
	if (proc_compose(pc, type, 0, 0, fd, &arg, sizeof(arg)) == -1)
		fatal("descriptor to %s", proc_names[pc->peer]);
}

/* One edge's EndPoint asked for, and whether it replaces a roamed one. */
struct supd_ep_ask {
	struct proc_chan	*engine;
	uint16_t		 node_id;
	uint8_t			 force;
	char			 endpoint[RESOLVE_HOSTPORT_LEN];
};

/* An answer for what a reload meanwhile changed is not passed on. */
static void
supd_ep_answered(const struct sockaddr_storage *a, socklen_t len, void *arg)
{
	const struct super_conf	*conf = parent_conf();
	struct supd_ep_ask	*q = arg;
	struct peer_endpoint	 e;
	size_t			 i;

	for (i = 0; a != NULL && i < conf->npeers; i++) {
		if (conf->peers[i].node_id != q->node_id ||
		    strcmp(conf->peers[i].endpoint, q->endpoint) != 0)
			continue;
		memset(&e, 0, sizeof(e));
		e.node_id = q->node_id;
		e.force = q->force;
		e.sslen = len;
		memcpy(&e.ss, a, len);
		if (proc_compose(q->engine, IMSG_ENDPOINT, 0, 0, -1, &e,
		    sizeof(e)) == -1)
			fatal("endpoint to the engine");
		break;
	}
	free(q);
}

/*
 * Edges with an EndPoint in the config: the supernode calls them.  One
 * that a reload changed (old: the config before) replaces where the edge
 * was heard from.  The resolver resolves the names; done(arg) once the
 * last answered.
 */
static void
supd_send_endpoints(const struct super_conf *conf, struct proc_chan *eng,
    const struct super_conf *old, void (*done)(void *), void *arg)
{
	struct resolve_batch	*b;
	struct supd_ep_ask	*q;
	size_t			 i, j;

	b = resolve_batch_new(done, arg);
	for (i = 0; i < conf->npeers; i++) {
		const struct conf_super_peer *p = &conf->peers[i];

		if (p->endpoint[0] == '\0')
			continue;
		if ((q = calloc(1, sizeof(*q))) == NULL)
			fatal("%s", __func__);
		q->engine = eng;
		q->node_id = p->node_id;
		strlcpy(q->endpoint, p->endpoint, sizeof(q->endpoint));
		for (j = 0; old != NULL && j < old->npeers; j++)
			if (old->peers[j].node_id == p->node_id &&
			    strcmp(old->peers[j].endpoint, p->endpoint) != 0)
				q->force = 1;
		parent_resolve(b, p->endpoint, 4, ss.have4, ss.have6,
		    supd_ep_answered, q);
	}
	resolve_batch_close(b);
}

/* The engine starts once it knows where the edges with an EndPoint are. */
static void
supd_endpoints_known(void *arg)
{
	struct proc_chan	*eng = arg;

	if (proc_compose(eng, IMSG_FDS_DONE, 0, 0, -1, NULL, 0) == -1)
		fatal("engine");
}

void
supd_started(void *arg, struct proc_chan chans[PROC_MAX])
{
	const struct super_conf	*conf = arg;

	if (ss.udp4 != -1)
		pass_fd(&chans[PROC_ENGINE], IMSG_SUPD_UDP, ss.udp4, AF_INET);
	if (ss.udp6 != -1)
		pass_fd(&chans[PROC_ENGINE], IMSG_SUPD_UDP, ss.udp6, AF_INET6);
	ss.udp4 = ss.udp6 = -1;
	if (ss.http_both)
		pass_fd(&chans[PROC_CONTROL], IMSG_SUPD_HTTPFD, ss.http_edge,
		    SUPD_HTTP_BOTH);
	else {
		pass_fd(&chans[PROC_CONTROL], IMSG_SUPD_HTTPFD, ss.http_edge,
		    SUPD_HTTP_EDGE);
		pass_fd(&chans[PROC_CONTROL], IMSG_SUPD_HTTPFD,
		    ss.http_manage, SUPD_HTTP_MANAGE);
	}
	ss.http_edge = ss.http_manage = -1;
	supd_send_endpoints(conf, &chans[PROC_ENGINE], NULL,
	    supd_endpoints_known, &chans[PROC_ENGINE]);
}

void
supd_reloaded(void *arg, const void *old, struct proc_chan chans[PROC_MAX])
{
	manage_cred_conf(arg);
	edge_keys_conf(arg, clock_realtime_ms());
	supd_send_endpoints(arg, &chans[PROC_ENGINE], old, NULL, NULL);
}
