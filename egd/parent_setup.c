/*
 * What egd's parent does with its privileges for the engine: open the
 * UDP sockets and the interface, have peer endpoints resolved
 * (parent_endpoints.c; again every ResetEndPointInterval for static
 * peers), keep socket interfaces connected, and run the PostScript.
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

#include "egd.h"
#include "parent_iface.h"
#include "proc/proc_imsg.h"
#include "proc/udpsock.h"
#include "util/addr.h"
#include "util/log.h"

#define IFACE_REDIAL_SEC	1

static void	started_endpoints(void *);
static void	started_all(void *);

static struct {
	struct proc_chan	*chans;
	struct iface_parent	 iface;
	int			 udp4, udp6;
	int			 have4, have6;	/* sockets of these families */
	int			 port;		/* the UDP port */
	struct event		 ev_listen;
	struct event		 ev_redial;
	struct event		 ev_reresolve;
	int			 redial_warned;
	int			 started;	/* FDS_DONE sent */
	int			 resolving;	/* the interval's round */
	pid_t			 postscript;
} su = { .udp4 = -1, .udp6 = -1 };

int
egd_setup(void *arg)
{
	const struct edge_conf	*conf = arg;

	if (conf->dynroute.ntp.use_ntp)
		log_info("NTPConfig.UseNTP: egd does not set its own clock; "
		    "run an NTP daemon: latencies below 0 count as 0, so "
		    "clocks must agree within the links' latencies");

	if (udp_open_pair(conf->listen_port, &conf->disabled_af,
	    conf->fwmark, &su.udp4, &su.udp6) == -1)
		return -1;
	su.have4 = su.udp4 != -1;
	su.have6 = su.udp6 != -1;
	su.port = udp_port(su.have4 ? su.udp4 : su.udp6);
	if (iface_open(conf, &su.iface) == -1)
		return -1;
	return 0;
}

/* Where the peers are, to the engine; then done(arg). */
static void
ask_endpoints(const struct edge_conf *conf, int statics_only, int supernode,
    const struct edge_conf *old, void (*done)(void *), void *arg)
{
	struct egd_endpoints_round	r;

	memset(&r, 0, sizeof(r));
	r.engine = &su.chans[PROC_ENGINE];
	r.statics_only = statics_only;
	r.supernode = supernode;
	r.have4 = su.have4;
	r.have6 = su.have6;
	r.done = done;
	r.arg = arg;
	egd_endpoints_ask(conf, old, &r);
}

static void
reresolve_arm(const struct edge_conf *conf)
{
	struct timeval	tv;

	tv.tv_sec = (time_t)conf->reset_endpoint_interval;
	tv.tv_usec = 0;
	if (tv.tv_sec > 0)
		evtimer_add(&su.ev_reresolve, &tv);
}

/*
 * ResetEndPointInterval: the static peers' names again (a dead name
 * server delays the next round, it does not stack them up).
 */
static void
reresolved(void *arg)
{
	su.resolving = 0;
	reresolve_arm(parent_conf_edge());
}

static void
reresolve(int fd, short event, void *arg)
{
	const struct edge_conf	*conf = parent_conf_edge();

	su.resolving = 1;
	ask_endpoints(conf, 1, conf->dynroute.supernode.use_supernode, NULL,
	    reresolved, NULL);
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

	/*
	 * Now, while the parent has its capabilities: the script sets up
	 * the interface, which needs them (parent_drop_caps() follows).
	 */
	run_postscript(conf);
	/* The engine starts once it knows where its peers are. */
	ask_endpoints(conf, 0, conf->dynroute.supernode.use_supernode, NULL,
	    started_endpoints, NULL);
}

static void
started_endpoints(void *arg)
{
	const struct edge_conf	*conf = parent_conf_edge();

	if (conf->dynroute.supernode.use_supernode)
		egd_super_start(conf, su.chans, su.have4, su.have6, su.port,
		    su.iface.kind == IFIO_TAP ? su.iface.ifname : NULL,
		    started_all, NULL);
	else
		started_all(NULL);
}

static void
started_all(void *arg)
{
	const struct edge_conf	*conf = parent_conf_edge();

	if (proc_compose(&su.chans[PROC_ENGINE], IMSG_FDS_DONE, 0, 0, -1,
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
	reresolve_arm(conf);
	su.started = 1;
}

void
egd_reloaded(void *arg, const void *oldarg, struct proc_chan chans[PROC_MAX])
{
	const struct edge_conf	*conf = arg, *old = oldarg;

	ask_endpoints(conf, 0, conf->dynroute.supernode.use_supernode &&
	    egd_super_running(), old, NULL, NULL);
	egd_super_reloaded(conf, old);
	egd_p2p_reloaded();
	/* Not before the start is over, nor while a round is out. */
	if (su.started && !su.resolving &&
	    conf->reset_endpoint_interval != old->reset_endpoint_interval) {
		evtimer_del(&su.ev_reresolve);
		reresolve_arm(conf);
	}
}

void
egd_dispatch_engine(struct proc_chan *pc, struct imsg *imsg)
{
	struct timeval	tv = { IFACE_REDIAL_SEC, 0 };
	int		dialed;

	switch (imsg->hdr.type) {
	case IMSG_EGD_SHUTDOWN:
		egd_super_shutdown(imsg);
		break;
	case IMSG_EGD_P2P_LEARNED:
		egd_p2p_learned(imsg);
		break;
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
