/*
 * Address networks ("192.0.2.0/24", "2001:db8::/32", a bare address)
 * and the source addresses the HTTP servers check against them.  An
 * IPv4-mapped IPv6 address (a dual-stack socket's view of an IPv4
 * peer) counts as the IPv4 address it maps.
 */
#ifndef EG_ADDRNET_H
#define EG_ADDRNET_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

struct addr_net {
	int	family;		/* AF_INET or AF_INET6 */
	uint8_t	addr[16];	/* 4 bytes used for AF_INET */
	int	len;		/* prefix length */
};

/* "a.b.c.d[/len]" or "v6[/len]": 0, or -1 if it is not one. */
int	addr_net_parse(const char *, struct addr_net *);
/* sa's address as a network of its full length; -1: not IP. */
int	addr_net_of(const struct sockaddr *, struct addr_net *);
/* Whether host (a full-length network) is inside net. */
int	addr_net_contains(const struct addr_net *net,
	    const struct addr_net *host);
/* 127.0.0.0/8 or ::1. */
int	addr_net_loopback(const struct addr_net *);
/* The address alone ("192.0.2.1", "2001:db8::1"), into buf. */
const char *addr_net_str(const struct addr_net *, char *, size_t);

#endif /* EG_ADDRNET_H */
