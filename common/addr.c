/*
 * Socket address helpers: see addr.h.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "addr.h"

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
