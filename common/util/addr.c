/*
 * Socket address helpers: see addr.h.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "log.h"

const char *
sockaddr_str(const struct sockaddr *sa, char *buf, size_t len)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)sa;
	char				 a[INET6_ADDRSTRLEN];

	buf[0] = '\0';
	switch (sa->sa_family) {
	case AF_INET:
		if (inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)) != NULL)
			snprintf(buf, len, "%s:%u", a, ntohs(sin->sin_port));
		break;
	case AF_INET6:
		if (inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a)) !=
		    NULL)
			snprintf(buf, len, "[%s]:%u", a,
			    ntohs(sin6->sin6_port));
		break;
	default:
		break;
	}
	return buf;
}

int
sockaddr_eq(const struct sockaddr *a, const struct sockaddr *b)
{
	const struct sockaddr_in	*a4 = (const struct sockaddr_in *)a;
	const struct sockaddr_in	*b4 = (const struct sockaddr_in *)b;
	const struct sockaddr_in6	*a6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in6	*b6 = (const struct sockaddr_in6 *)b;

	if (a->sa_family != b->sa_family)
		return 0;
	switch (a->sa_family) {
	case AF_INET:
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	case AF_INET6:
		return a6->sin6_port == b6->sin6_port &&
		    memcmp(&a6->sin6_addr, &b6->sin6_addr,
		    sizeof(a6->sin6_addr)) == 0 &&
		    a6->sin6_scope_id == b6->sin6_scope_id;
	default:
		return 0;
	}
}

int
endpoint_split(const char *str, char *host, size_t hostlen, uint16_t *portp)
{
	char		*port, *end;
	unsigned long	 p;

	if (strlcpy(host, str, hostlen) >= hostlen ||
	    (port = strrchr(host, ':')) == NULL)
		return -1;
	*port++ = '\0';
	if (host[0] == '[' && port - host >= 3 && port[-2] == ']') {
		port[-2] = '\0';
		memmove(host, host + 1, strlen(host + 1) + 1);
	}
	if (host[0] == '\0' || port[0] < '0' || port[0] > '9')
		return -1;
	errno = 0;
	p = strtoul(port, &end, 10);
	if (errno != 0 || *end != '\0' || p == 0 || p > 65535)
		return -1;
	*portp = (uint16_t)p;
	return 0;
}

int
endpoint_literal(const char *str, int have4, int have6,
    struct sockaddr_storage *ss, socklen_t *sslen)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 host[256];
	uint16_t		 port;

	if (endpoint_split(str, host, sizeof(host), &port) == -1)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		if (!have4)
			return -1;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*sslen = sizeof(*sin);
		return 1;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		if (!have6)
			return -1;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*sslen = sizeof(*sin6);
		return 1;
	}
	return 0;
}

/* Resolve "host:port" for the families in use, AfPrefer first. */
int
endpoint_resolve(const char *str, int af_prefer, int have4, int have6,
    struct sockaddr_storage *ss, socklen_t *sslen)
{
	struct addrinfo	 hints, *res, *ai, *pick = NULL;
	char		 host[256], port[8];
	uint16_t	 portnum;
	int		 rv, want;

	/* No preference: the first address of a family in use. */
	want = af_prefer == 6 ? AF_INET6 : af_prefer == 4 ? AF_INET :
	    AF_UNSPEC;

	if (endpoint_split(str, host, sizeof(host), &portnum) == -1) {
		log_warnx("endpoint %s: not host:port", str);
		return -1;
	}
	snprintf(port, sizeof(port), "%u", portnum);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	/* A port number, never a service name from /etc/services. */
	hints.ai_flags = AI_NUMERICSERV;
	if ((rv = getaddrinfo(host, port, &hints, &res)) != 0) {
		log_warnx("endpoint %s: %s", str, gai_strerror(rv));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((ai->ai_family == AF_INET && !have4) ||
		    (ai->ai_family == AF_INET6 && !have6))
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
