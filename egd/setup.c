/*
 * What egd's parent does with its privileges for the engine: open the
 * UDP sockets and the interface, resolve peer endpoints (again every
 * ResetEndPointInterval for static peers), keep socket interfaces
 * connected, and run the PostScript.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <event.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "eg_imsg.h"
#include "egd.h"
#include "iface.h"
#include "log.h"

#define UDP_BUFSIZE		(4 * 1024 * 1024)
#define IFACE_REDIAL_SEC	1

static struct {
	struct proc_chan	*chans;
	struct iface_parent	 iface;
	int			 udp4, udp6;
	int			 have4, have6;	/* sockets of these families */
	struct event		 ev_listen;
	struct event		 ev_redial;
	struct event		 ev_reresolve;
	int			 redial_warned;
	pid_t			 postscript;
} su = { .udp4 = -1, .udp6 = -1 };

static int
udp_open(int af, const char *addr, int port, uint32_t fwmark)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 sslen;
	int			 s, one = 1, bufsize = UDP_BUFSIZE;

	memset(&ss, 0, sizeof(ss));
	if (af == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		if (addr[0] != '\0' && inet_pton(AF_INET, addr,
		    &sin->sin_addr) != 1) {
			log_warnx("DisabledAf.ListenIPv4 %s: not an IPv4 "
			    "address", addr);
			return -1;
		}
		sslen = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		if (addr[0] != '\0' && inet_pton(AF_INET6, addr,
		    &sin6->sin6_addr) != 1) {
			log_warnx("DisabledAf.ListenIPv6 %s: not an IPv6 "
			    "address", addr);
			return -1;
		}
		sslen = sizeof(*sin6);
	}
	if ((s = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) ==
	    -1)
		return -1;
	if (af == AF_INET6 &&
	    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) == -1)
		goto fail;
	/* Large buffers carry bursts; as root we may exceed the limits. */
	if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &bufsize,
	    sizeof(bufsize)) == -1)
		setsockopt(s, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof(bufsize));
	if (setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &bufsize,
	    sizeof(bufsize)) == -1)
		setsockopt(s, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof(bufsize));
	if (fwmark != 0 && setsockopt(s, SOL_SOCKET, SO_MARK, &fwmark,
	    sizeof(fwmark)) == -1) {
		log_warn("FwMark %u", fwmark);
		goto fail;
	}
	if (bind(s, (struct sockaddr *)&ss, sslen) == -1)
		goto fail;
	return s;
fail:
	close(s);
	return -1;
}

static int
udp_port(int s)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);

	if (getsockname(s, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* Both families on one port, so that a peer can use either. */
static int
setup_udp(const struct edge_conf *conf)
{
	const struct conf_disabled_af	*da = &conf->disabled_af;
	int				 port = conf->listen_port;

	if (!da->ipv6) {
		su.udp6 = udp_open(AF_INET6, da->listen_ipv6, port,
		    conf->fwmark);
		if (su.udp6 == -1)
			log_warn("IPv6 UDP port %d", port);
		else if (port == 0)
			port = udp_port(su.udp6);
	}
	if (!da->ipv4) {
		su.udp4 = udp_open(AF_INET, da->listen_ipv4, port,
		    conf->fwmark);
		if (su.udp4 == -1 && port != conf->listen_port)
			su.udp4 = udp_open(AF_INET, da->listen_ipv4,
			    conf->listen_port, conf->fwmark);
		if (su.udp4 == -1)
			log_warn("IPv4 UDP port %d", port);
	}
	if (su.udp4 == -1 && su.udp6 == -1) {
		log_warnx("no UDP socket could be opened");
		return -1;
	}
	su.have4 = su.udp4 != -1;
	su.have6 = su.udp6 != -1;
	log_info("listening on UDP port %d", udp_port(su.udp4 != -1 ?
	    su.udp4 : su.udp6));
	return 0;
}

int
egd_setup(void *arg)
{
	const struct edge_conf	*conf = arg;

	if (setup_udp(conf) == -1)
		return -1;
	if (iface_open(conf, &su.iface) == -1)
		return -1;
	return 0;
}

/* Resolve "host:port" for the families in use, AfPrefer first. */
static int
resolve_endpoint(const struct edge_conf *conf, const char *str,
    struct sockaddr_storage *ss, socklen_t *sslen)
{
	struct addrinfo	 hints, *res, *ai, *pick = NULL;
	char		 host[256], *port;
	int		 rv, want = conf->af_prefer == 6 ? AF_INET6 : AF_INET;

	if (strlcpy(host, str, sizeof(host)) >= sizeof(host) ||
	    (port = strrchr(host, ':')) == NULL)
		return -1;
	*port++ = '\0';
	if (host[0] == '[' && port - host >= 3 && port[-2] == ']') {
		port[-2] = '\0';
		memmove(host, host + 1, strlen(host + 1) + 1);
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if ((rv = getaddrinfo(host, port, &hints, &res)) != 0) {
		log_warnx("endpoint %s: %s", str, gai_strerror(rv));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((ai->ai_family == AF_INET && !su.have4) ||
		    (ai->ai_family == AF_INET6 && !su.have6))
			continue;
		if (pick == NULL || (ai->ai_family == want &&
		    pick->ai_family != want))
			pick = ai;
	}
	if (pick != NULL) {
		memcpy(ss, pick->ai_addr, pick->ai_addrlen);
		*sslen = pick->ai_addrlen;
	} else
		log_warnx("endpoint %s: no address of a family in use", str);
	freeaddrinfo(res);
	return pick != NULL ? 0 : -1;
}

/* Tell the engine where the peers are; static only when statics_only. */
static void
send_endpoints(const struct edge_conf *conf, int statics_only)
{
	struct egd_endpoint	e;
	socklen_t		len;
	size_t			i;

	for (i = 0; i < conf->npeers; i++) {
		const struct conf_edge_peer *p = &conf->peers[i];

		if (p->endpoint[0] == '\0' || (statics_only && !p->is_static))
			continue;
		memset(&e, 0, sizeof(e));
		if (resolve_endpoint(conf, p->endpoint, &e.ss, &len) == -1)
			continue;
		e.node_id = p->node_id;
		e.sslen = len;
		e.force = p->is_static;
		proc_compose(&su.chans[PROC_ENGINE], IMSG_EGD_ENDPOINT, 0, 0,
		    -1, &e, sizeof(e));
	}
}

static void
reresolve(int fd, short event, void *arg)
{
	const struct edge_conf	*conf = parent_conf_edge();
	struct timeval		 tv;

	send_endpoints(conf, 1);
	tv.tv_sec = (time_t)conf->reset_endpoint_interval;
	tv.tv_usec = 0;
	if (tv.tv_sec > 0)
		evtimer_add(&su.ev_reresolve, &tv);
}

static void
pass_fd(int type, int fd, int arg)
{
	if (proc_compose(&su.chans[PROC_ENGINE], type, 0, 0, fd, &arg,
	    sizeof(arg)) == -1)
		fatal("descriptor to engine");
}

static void
iface_listen_event(int fd, short event, void *arg)
{
	int	s;

	if ((s = iface_accept(&su.iface)) == -1) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("interface %s: accept", su.iface.ifname);
		return;
	}
	log_info("interface %s: client connected", su.iface.ifname);
	pass_fd(IMSG_EGD_IFACE_CONN, s, 0);
}

static void
iface_redial(int fd, short event, void *arg)
{
	struct timeval	tv = { IFACE_REDIAL_SEC, 0 };
	int		s;

	if ((s = iface_connect(&su.iface)) == -1) {
		if (!su.redial_warned++)
			log_warn("interface %s: connect to SendAddr, will "
			    "retry", su.iface.ifname);
		evtimer_add(&su.ev_redial, &tv);
		return;
	}
	su.redial_warned = 0;
	log_info("interface %s: connected", su.iface.ifname);
	pass_fd(IMSG_EGD_IFACE_CONN, s, 1);
}

static void
run_postscript(const struct edge_conf *conf)
{
	char	node[8];

	if (conf->post_script[0] == '\0')
		return;
	switch (su.postscript = fork()) {
	case -1:
		log_warn("PostScript: fork");
		return;
	case 0:
		snprintf(node, sizeof(node), "%u", conf->node_id);
		setenv("EG_INTERFACE", su.iface.ifname, 1);
		setenv("EG_NODEID", node, 1);
		setenv("EG_NODENAME", conf->node_name, 1);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", conf->post_script, (char *)NULL);
		_exit(127);
	default:
		log_info("PostScript started (pid %d)", su.postscript);
	}
}

void
egd_started(void *arg, struct proc_chan chans[PROC_MAX])
{
	const struct edge_conf	*conf = arg;
	struct ifio_info	 info;
	struct timeval		 tv;

	su.chans = chans;
	if (su.udp4 != -1)
		pass_fd(IMSG_EGD_UDP, su.udp4, AF_INET);
	if (su.udp6 != -1)
		pass_fd(IMSG_EGD_UDP, su.udp6, AF_INET6);
	su.udp4 = su.udp6 = -1;		/* the engine's now */

	iface_info(conf, &su.iface, &info);
	proc_compose(&chans[PROC_ENGINE], IMSG_EGD_IFACE, 0, 0, -1, &info,
	    sizeof(info));
	if (su.iface.rxfd != -1)
		pass_fd(IMSG_EGD_IFACE_FD, su.iface.rxfd, su.iface.txfd == -1 ?
		    IFIO_RXTX : IFIO_RX);
	if (su.iface.txfd != -1)
		pass_fd(IMSG_EGD_IFACE_FD, su.iface.txfd, IFIO_TX);
	su.iface.rxfd = su.iface.txfd = -1;

	send_endpoints(conf, 0);
	if (proc_compose(&chans[PROC_ENGINE], IMSG_EGD_FDS_DONE, 0, 0, -1,
	    NULL, 0) == -1)
		fatal("engine");

	if (su.iface.listenfd != -1) {
		event_set(&su.ev_listen, su.iface.listenfd,
		    EV_READ | EV_PERSIST, iface_listen_event, NULL);
		event_add(&su.ev_listen, NULL);
	}
	evtimer_set(&su.ev_redial, iface_redial, NULL);
	if (su.iface.has_send)
		iface_redial(-1, 0, NULL);
	evtimer_set(&su.ev_reresolve, reresolve, NULL);
	tv.tv_sec = (time_t)conf->reset_endpoint_interval;
	tv.tv_usec = 0;
	if (tv.tv_sec > 0)
		evtimer_add(&su.ev_reresolve, &tv);
	run_postscript(conf);
}

void
egd_reloaded(void *arg, struct proc_chan chans[PROC_MAX])
{
	send_endpoints(arg, 0);
}

void
egd_dispatch_engine(struct proc_chan *pc, struct imsg *imsg)
{
	struct timeval	tv = { IFACE_REDIAL_SEC, 0 };
	int		dialed;

	switch (imsg->hdr.type) {
	case IMSG_EGD_IFACE_DOWN:
		if (imsg->datalen != sizeof(dialed))
			fatalx("IMSG_EGD_IFACE_DOWN: bad length");
		memcpy(&dialed, imsg->data, sizeof(dialed));
		log_info("interface %s: connection closed", su.iface.ifname);
		if (dialed && su.iface.has_send)
			evtimer_add(&su.ev_redial, &tv);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

void
egd_reaped(pid_t pid, int status)
{
	char	buf[128];

	if (pid != su.postscript || su.postscript == 0)
		return;
	su.postscript = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_info("PostScript done");
	else
		log_warnx("PostScript %s", parent_status_str(status, buf,
		    sizeof(buf)));
}
