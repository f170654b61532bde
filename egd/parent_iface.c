/*
 * Opening the local interface in the parent, for every Interface.IType;
 * see parent_iface.h for how each kind carries frames.
 */
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "egd.h"
#include "parent_iface.h"
#include "util/log.h"

static int
set_nonblock(int fd)
{
	int	flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return -1;
	return 0;
}

int
iface_sockaddr(const char *addr, int unix_family,
    struct sockaddr_storage *ss, socklen_t *sslen, char *err, size_t errlen)
{
	struct sockaddr_un	*sun = (struct sockaddr_un *)ss;
	struct addrinfo		 hints, *res;
	char			 host[256], *port;
	int			 rv;

	memset(ss, 0, sizeof(*ss));
	if (unix_family) {
		sun->sun_family = AF_UNIX;
		if (strlcpy(sun->sun_path, addr, sizeof(sun->sun_path)) >=
		    sizeof(sun->sun_path) || addr[0] == '\0') {
			snprintf(err, errlen, "%s: not a socket path", addr);
			return -1;
		}
		*sslen = sizeof(*sun);
		return 0;
	}
	if (strlcpy(host, addr, sizeof(host)) >= sizeof(host) ||
	    (port = strrchr(host, ':')) == NULL) {
		snprintf(err, errlen, "%s: not host:port", addr);
		return -1;
	}
	*port++ = '\0';
	if (host[0] == '[' && port - host >= 3 && port[-2] == ']') {
		port[-2] = '\0';
		memmove(host, host + 1, strlen(host + 1) + 1);
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if ((rv = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", addr, gai_strerror(rv));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int
iface_socket(int family, int type)
{
	int	s;

	if ((s = socket(family, type | SOCK_CLOEXEC, 0)) == -1)
		log_warn("socket");
	return s;
}

/* Bind a socket to RecvAddr; unix paths left over from a run go first. */
static int
iface_bind(const char *what, const char *addr, int unix_family, int type,
    int *familyp)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 err[300];
	int			 s, one = 1;

	if (iface_sockaddr(addr, unix_family, &ss, &sslen, err,
	    sizeof(err)) == -1) {
		log_warnx("Interface.%s %s", what, err);
		return -1;
	}
	if ((s = iface_socket(ss.ss_family, type)) == -1)
		return -1;
	if (ss.ss_family == AF_UNIX) {
		struct stat st;

		if (lstat(addr, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(addr);
	} else
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&ss, sslen) == -1) {
		log_warn("Interface.%s %s: bind", what, addr);
		close(s);
		return -1;
	}
	*familyp = ss.ss_family;
	return s;
}

static int
iface_open_dgram(const struct edge_conf *conf, struct iface_parent *ip,
    int unix_family)
{
	const struct conf_iface	*ic = &conf->iface;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	char			 err[300];
	int			 s;

	if (ic->recv_addr[0] == '\0' && ic->send_addr[0] == '\0') {
		log_warnx("Interface: %s needs RecvAddr, SendAddr or both",
		    conf_iface_type_name(ic->itype));
		return -1;
	}
	if (ic->recv_addr[0] != '\0') {
		if ((ip->rxfd = iface_bind("RecvAddr", ic->recv_addr,
		    unix_family, SOCK_DGRAM, &ip->family)) == -1)
			return -1;
	}
	if (unix_family && ic->send_addr[0] == '\0')
		log_warnx("Interface: unixgramsock without SendAddr: frames "
		    "go to the last sender only if it is bound to an abstract "
		    "name (the engine's chroot hides socket paths)");
	if (ic->send_addr[0] != '\0') {
		if (iface_sockaddr(ic->send_addr, unix_family, &ss, &sslen,
		    err, sizeof(err)) == -1) {
			log_warnx("Interface.SendAddr %s", err);
			return -1;
		}
		if ((s = iface_socket(ss.ss_family, SOCK_DGRAM)) == -1)
			return -1;
		/* Connected, so that the engine in its chroot need not
		 * resolve a socket path. */
		if (connect(s, (struct sockaddr *)&ss, sslen) == -1) {
			log_warn("Interface.SendAddr %s: connect",
			    ic->send_addr);
			close(s);
			return -1;
		}
		if (ip->rxfd == -1)
			ip->rxfd = s;	/* one socket both ways */
		else
			ip->txfd = s;
	}
	return 0;
}

static int
iface_open_conn(const struct edge_conf *conf, struct iface_parent *ip,
    int unix_family, int type)
{
	const struct conf_iface	*ic = &conf->iface;
	char			 err[300];

	if (ic->recv_addr[0] == '\0' && ic->send_addr[0] == '\0') {
		log_warnx("Interface: %s needs RecvAddr, SendAddr or both",
		    conf_iface_type_name(ic->itype));
		return -1;
	}
	ip->sotype = type;
	if (ic->recv_addr[0] != '\0') {
		if ((ip->listenfd = iface_bind("RecvAddr", ic->recv_addr,
		    unix_family, type, &ip->family)) == -1)
			return -1;
		if (listen(ip->listenfd, 4) == -1 ||
		    set_nonblock(ip->listenfd) == -1) {
			log_warn("Interface.RecvAddr %s: listen",
			    ic->recv_addr);
			return -1;
		}
	}
	if (ic->send_addr[0] != '\0') {
		if (iface_sockaddr(ic->send_addr, unix_family, &ip->send_ss,
		    &ip->send_sslen, err, sizeof(err)) == -1) {
			log_warnx("Interface.SendAddr %s", err);
			return -1;
		}
		ip->has_send = 1;
	}
	return 0;
}

/*
 * The engine waits for frames with epoll, which refuses regular files
 * and /dev/null: say so now rather than never read a frame.
 */
static int
iface_pollable(int fd, const char *what)
{
	struct epoll_event	ev;
	int			ep, rv;

	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		log_warn("epoll_create1");
		return -1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	rv = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	close(ep);
	if (rv == -1 && errno == EPERM) {
		log_warnx("Interface: %s cannot be polled (a regular file or "
		    "/dev/null?): give it a pipe, FIFO, socket or terminal",
		    what);
		return -1;
	}
	return 0;
}

/* EG_FD_RX / EG_FD_TX: descriptors the daemon was started with. */
static int
iface_env_fd(const char *var)
{
	const char	*s = getenv(var);
	char		*end;
	long		 fd;
	int		 nfd;

	if (s == NULL || *s == '\0') {
		log_warnx("Interface.IType fd needs %s in the environment",
		    var);
		return -1;
	}
	errno = 0;
	fd = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || fd < 0 || fd > 1024 * 1024 ||
	    fcntl((int)fd, F_GETFD) == -1) {
		log_warnx("%s=%s: not an open descriptor", var, s);
		return -1;
	}
	if ((nfd = fcntl((int)fd, F_DUPFD_CLOEXEC, 0)) == -1) {
		log_warn("%s", var);
		return -1;
	}
	return nfd;
}

int
iface_runnable(const struct edge_conf *conf, char *why, size_t len)
{
	if (conf->iface.itype == IFT_VPP) {
		snprintf(why, len, "Interface.IType vpp is not supported: "
		    "this build has no libmemif (VPP's memif library is not "
		    "packaged for Debian)");
		return -1;
	}
	return 0;
}

int
iface_open(const struct edge_conf *conf, struct iface_parent *ip)
{
	const struct conf_iface	*ic = &conf->iface;

	memset(ip, 0, sizeof(*ip));
	ip->rxfd = ip->txfd = ip->listenfd = -1;
	strlcpy(ip->ifname, ic->name, sizeof(ip->ifname));

	switch (ic->itype) {
	case IFT_TAP:
		ip->kind = IFIO_TAP;
		if ((ip->rxfd = tap_open(conf, ip->ifname,
		    sizeof(ip->ifname), &ip->vnet)) == -1)
			return -1;
		return 0;
	case IFT_DUMMY:
		ip->kind = IFIO_NONE;
		return 0;
	case IFT_STDIO:
		ip->kind = IFIO_STDIO;
		if ((ip->rxfd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0)) ==
		    -1 || (ip->txfd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC,
		    0)) == -1) {
			log_warn("stdio interface");
			return -1;
		}
		return iface_pollable(ip->rxfd, "standard input");
	case IFT_UDPSOCK:
		ip->kind = IFIO_DGRAM;
		return iface_open_dgram(conf, ip, 0);
	case IFT_UNIXGRAMSOCK:
		ip->kind = IFIO_DGRAM;
		return iface_open_dgram(conf, ip, 1);
	case IFT_TCPSOCK:
		ip->kind = IFIO_STREAM;
		return iface_open_conn(conf, ip, 0, SOCK_STREAM);
	case IFT_UNIXSOCK:
		ip->kind = IFIO_STREAM;
		return iface_open_conn(conf, ip, 1, SOCK_STREAM);
	case IFT_UNIXPACKETSOCK:
		ip->kind = IFIO_SEQPACKET;
		return iface_open_conn(conf, ip, 1, SOCK_SEQPACKET);
	case IFT_FD:
		ip->kind = IFIO_FD;
		if ((ip->rxfd = iface_env_fd("EG_FD_RX")) == -1 ||
		    (ip->txfd = iface_env_fd("EG_FD_TX")) == -1)
			return -1;
		return iface_pollable(ip->rxfd, "EG_FD_RX");
	case IFT_VPP:
		/* iface_runnable() refused it before. */
		break;
	}
	log_warnx("Interface.IType: unknown type");
	return -1;
}

int
iface_connect(struct iface_parent *ip)
{
	int	s;

	if (!ip->has_send)
		return -1;
	if ((s = iface_socket(ip->send_ss.ss_family, ip->sotype)) == -1)
		return -1;
	if (connect(s, (struct sockaddr *)&ip->send_ss, ip->send_sslen) ==
	    -1) {
		close(s);
		return -1;
	}
	return s;
}

int
iface_accept(struct iface_parent *ip)
{
	int	s;

	if (ip->listenfd == -1)
		return -1;
	s = accept4(ip->listenfd, NULL, NULL, SOCK_CLOEXEC);
	return s;
}

void
iface_close(struct iface_parent *ip)
{
	if (ip->rxfd != -1)
		close(ip->rxfd);
	if (ip->txfd != -1)
		close(ip->txfd);
	if (ip->listenfd != -1)
		close(ip->listenfd);
	ip->rxfd = ip->txfd = ip->listenfd = -1;
}

void
iface_info(const struct edge_conf *conf, const struct iface_parent *ip,
    struct ifio_info *info)
{
	memset(info, 0, sizeof(*info));
	info->kind = ip->kind;
	info->l2mode = conf->iface.l2_header_mode;
	info->mtu = conf->iface.mtu;
	iface_node_mac(conf, info->mac);
	info->vnet = ip->vnet;
	strlcpy(info->name, ip->ifname, sizeof(info->name));
}
