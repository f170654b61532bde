/*
 * The UDP sockets of both daemons: see udpsock.h.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>
#include <unistd.h>

#include "udpsock.h"
#include "util/log.h"

#define UDP_BUFSIZE		(4 * 1024 * 1024)

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

int
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
int
udp_open_pair(int listen_port, const struct conf_disabled_af *da,
    uint32_t fwmark, int *fd4, int *fd6)
{
	int	port = listen_port;

	*fd4 = *fd6 = -1;
	if (!da->ipv6) {
		*fd6 = udp_open(AF_INET6, da->listen_ipv6, port,
		    fwmark);
		if (*fd6 == -1)
			log_warn("IPv6 UDP port %d", port);
		else if (port == 0)
			port = udp_port(*fd6);
	}
	if (!da->ipv4) {
		*fd4 = udp_open(AF_INET, da->listen_ipv4, port,
		    fwmark);
		if (*fd4 == -1 && port != listen_port)
			*fd4 = udp_open(AF_INET, da->listen_ipv4,
			    listen_port, fwmark);
		if (*fd4 == -1)
			log_warn("IPv4 UDP port %d", port);
	}
	if (*fd4 == -1 && *fd6 == -1) {
		log_warnx("no UDP socket could be opened");
		return -1;
	}
	log_info("listening on UDP port %d", udp_port(*fd4 != -1 ?
	    *fd4 : *fd6));
	return 0;
}

