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

#endif /* EG_ADDR_H */
