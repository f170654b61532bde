/*
 * Socket address helpers.
 */
#ifndef EG_ADDR_H
#define EG_ADDR_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

/* "192.0.2.1:3001" or "[2001:db8::1]:3001"; "" for other families. */
const char	*sockaddr_str(const struct sockaddr *, char *, size_t);
/* Equal address and port. */
int		 sockaddr_eq(const struct sockaddr *, const struct sockaddr *);

/*
 * "host:port" (host a name, IPv4 or [IPv6], port a number 1-65535) into
 * host (brackets taken off) and the port: 0, or -1 if it is not that.
 */
int		 endpoint_split(const char *, char *host, size_t hostlen,
		    uint16_t *port);
/*
 * "host:port" whose host is a literal address, without any lookup: 1
 * and the address; 0 if host is a name; -1 if it is not host:port or
 * the address is of a family not in use.
 */
int		 endpoint_literal(const char *, int have4, int have6,
		    struct sockaddr_storage *, socklen_t *);
/*
 * Resolve "host:port" (host a name, IPv4 or [IPv6]) to an address of a
 * family in use (have4, have6), af_prefer (4 or 6) first, or the first
 * the lookup gives with af_prefer 0.  -1 (logged)
 * if there is none.  getaddrinfo(): the resolver process's only.
 */
int		 endpoint_resolve(const char *, int af_prefer, int have4,
		    int have6, struct sockaddr_storage *, socklen_t *);

#endif /* EG_ADDR_H */
