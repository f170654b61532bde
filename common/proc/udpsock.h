/*
 * The UDP sockets of both daemons, opened by the privileged parent:
 * one per address family on one port, large buffers, FwMark.
 */
#ifndef EG_UDPSOCK_H
#define EG_UDPSOCK_H

#include <stdint.h>

#include "config/config.h"

/*
 * Opens the families DisabledAf leaves on, on port (0: one port the
 * kernel picks, the same for both).  -1 if none could be opened.
 */
int	udp_open_pair(int port, const struct conf_disabled_af *,
	    uint32_t fwmark, int *fd4, int *fd6);
/* The local port of a socket, 0 on error. */
int	udp_port(int fd);

#endif /* EG_UDPSOCK_H */
