/*
 * Address networks: see addrnet.h.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrnet.h"

int
addr_net_parse(const char *s, struct addr_net *n)
{
	char		 tmp[INET6_ADDRSTRLEN + 1];
	const char	*slash = strchr(s, '/'), *p;
	size_t		 alen;
	int		 max, len = 0;

	memset(n, 0, sizeof(*n));
	alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, alen);
	tmp[alen] = '\0';
	if (inet_pton(AF_INET, tmp, n->addr) == 1) {
		n->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, tmp, n->addr) == 1) {
		n->family = AF_INET6;
		max = 128;
	} else
		return -1;
	if (slash == NULL) {
		n->len = max;
		return 0;
	}
	/* Decimal digits only: no sign, no blanks, at most three. */
	for (p = slash + 1; *p >= '0' && *p <= '9' && p - slash <= 3; p++)
		len = len * 10 + (*p - '0');
	if (p == slash + 1 || *p != '\0' || len > max)
		return -1;
	n->len = len;
	return 0;
}

int
addr_net_of(const struct sockaddr *sa, struct addr_net *n)
{
	static const uint8_t	 mapped[12] = { [10] = 0xff, [11] = 0xff };
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	memset(n, 0, sizeof(*n));
	sin = (const struct sockaddr_in *)sa;
	sin6 = (const struct sockaddr_in6 *)sa;
	switch (sa->sa_family) {
	case AF_INET:
		n->family = AF_INET;
		memcpy(n->addr, &sin->sin_addr, 4);
		n->len = 32;
		return 0;
	case AF_INET6:
		if (memcmp(&sin6->sin6_addr, mapped, sizeof(mapped)) == 0) {
			n->family = AF_INET;
			memcpy(n->addr, (const uint8_t *)&sin6->sin6_addr + 12,
			    4);
			n->len = 32;
		} else {
			n->family = AF_INET6;
			memcpy(n->addr, &sin6->sin6_addr, 16);
			n->len = 128;
		}
		return 0;
	default:
		return -1;
	}
}

int
addr_net_contains(const struct addr_net *net, const struct addr_net *host)
{
	int	full, rest;

	if (net->family != host->family || host->len < net->len)
		return 0;
	full = net->len / 8;
	rest = net->len % 8;
	if (memcmp(net->addr, host->addr, (size_t)full) != 0)
		return 0;
	return rest == 0 || ((net->addr[full] ^ host->addr[full]) &
	    (0xff << (8 - rest)) & 0xff) == 0;
}

int
addr_net_loopback(const struct addr_net *n)
{
	static const uint8_t	one[16] = { [15] = 1 };

	if (n->family == AF_INET)
		return n->addr[0] == 127;
	return n->family == AF_INET6 && memcmp(n->addr, one, 16) == 0;
}

const char *
addr_net_str(const struct addr_net *n, char *buf, size_t len)
{
	if (inet_ntop(n->family, n->addr, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}
