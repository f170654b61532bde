/*
 * Socket address helpers.
 */
#ifndef EG_ADDR_H
#define EG_ADDR_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>

/* "192.0.2.1:3001" or "[2001:db8::1]:3001"; "" for other families. */
const char	*sockaddr_str(const struct sockaddr *, char *, size_t);
/* Equal address and port. */
int		 sockaddr_eq(const struct sockaddr *, const struct sockaddr *);

/*
 * Resolve "host:port" (host a name, IPv4 or [IPv6]) to an address of a
 * family in use (have4, have6), af_prefer (4 or 6) first.  -1 (logged)
 * if there is none.
 */
int		 endpoint_resolve(const char *, int af_prefer, int have4,
		    int have6, struct sockaddr_storage *, socklen_t *);

#endif /* EG_ADDR_H */
