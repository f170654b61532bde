/*
 * The local interface of an edge (Interface.IType): the parent opens it
 * with its privileges and passes descriptors to the engine, which moves
 * the frames.  How frames are delimited depends on the kind:
 *
 *	tap		one frame per read/write
 *	dummy		nothing: frames for it are dropped (a pure relay)
 *	stdio		kbdbg, noL2: one frame per line; nochg: per read
 *	udpsock,
 *	unixgramsock	one frame per datagram
 *	unixpacketsock	one frame per message of a SOCK_SEQPACKET connection
 *	tcpsock,
 *	unixsock	a byte stream: each frame preceded by its length, two
 *			bytes big-endian (a stream has no boundaries)
 *	fd		one frame per read/write on EG_FD_RX / EG_FD_TX
 *	vpp		refused: libmemif is not available
 */
#ifndef EGD_IFACE_H
#define EGD_IFACE_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

enum ifio_kind {
	IFIO_NONE,		/* dummy */
	IFIO_TAP,
	IFIO_STDIO,
	IFIO_DGRAM,
	IFIO_SEQPACKET,
	IFIO_STREAM,
	IFIO_FD
};

/* Which end of the interface a passed descriptor is. */
enum ifio_role {
	IFIO_RX,		/* frames are read from it */
	IFIO_TX,		/* frames are written to it */
	IFIO_RXTX,		/* both */
	IFIO_CONN		/* a connection of a stream/seqpacket socket */
};

/* Sent with IMSG_EGD_IFACE before the descriptors. */
struct ifio_info {
	uint8_t		kind;		/* enum ifio_kind */
	uint8_t		l2mode;		/* enum l2_header_mode (stdio) */
	uint16_t	mtu;
	uint8_t		mac[6];		/* the interface's own address */
	uint8_t		vnet;		/* tap: virtio_net header, offloads */
	uint8_t		reserved;
	char		name[32];
};

/* What the parent holds for the interface. */
struct iface_parent {
	enum ifio_kind	 kind;
	char		 ifname[32];
	int		 rxfd;		/* to pass to the engine, or -1 */
	int		 txfd;
	int		 listenfd;	/* stream/seqpacket RecvAddr, or -1 */
	int		 sotype;	/* SOCK_STREAM, SOCK_SEQPACKET */
	int		 family;
	struct sockaddr_storage send_ss;	/* SendAddr to connect to */
	socklen_t	 send_sslen;
	int		 has_send;
	int		 vnet;		/* tap with offloads */
};

/* parent: parent_iface.c */
/* 0, or -1 and why the interface of conf can never be opened. */
int	iface_runnable(const struct edge_conf *, char *why, size_t len);
int	iface_open(const struct edge_conf *, struct iface_parent *);
/* Try to connect a stream/seqpacket SendAddr; the socket or -1. */
int	iface_connect(struct iface_parent *);
/* Accept one connection on the listening socket; -1 if none. */
int	iface_accept(struct iface_parent *);
void	iface_close(struct iface_parent *);
void	iface_info(const struct edge_conf *, const struct iface_parent *,
	    struct ifio_info *);

/* parent_tap.c */
int	tap_open(const struct edge_conf *, char *ifname, size_t, int *vnet);
int	iface_node_addr(int af, const char *cidr, uint16_t node, void *addr,
	    int *prefixlen, char *err, size_t errlen);
void	iface_node_mac(const struct edge_conf *, uint8_t mac[6]);

/* Address strings of RecvAddr/SendAddr for the socket kinds. */
int	iface_sockaddr(const char *addr, int unix_family,
	    struct sockaddr_storage *, socklen_t *, char *err, size_t errlen);

#endif /* EGD_IFACE_H */
