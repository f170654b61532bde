/*
 * Frame I/O on the local interface, in the engine: one frame in, one
 * frame out, whatever the kind of interface (parent_iface.h says how each kind
 * delimits frames).  The stdio debug modes rewrite the Ethernet header
 * as EtherGuard's do:
 *
 *	kbdbg	a line "b1text" is a frame to ff:ff:ff:ff:ff:ff ('b') from
 *		aa:bb:cc:dd:ee:01 ('1'), payload "text\n"; frames written
 *		out get their two MAC addresses back as those characters
 *	noL2	a line is a broadcast frame from the interface's address;
 *		frames written out lose their 12 address bytes
 *	nochg	bytes as they are, one frame per read
 */
#ifndef EGD_IFIO_H
#define EGD_IFIO_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "engine_gso.h"
#include "parent_iface.h"

#define IFIO_MAXCONN		2	/* accepted + dialed */
#define IFIO_STREAM_BUF		(2 + 65535)

struct ifio_conn {
	int		 fd;
	int		 dialed;	/* we connected (SendAddr) */
	uint8_t		*buf;		/* stream reassembly */
	size_t		 len;
	uint8_t		*out;		/* stream: the rest of a frame the */
	size_t		 outoff;	/* socket took only part of; */
	size_t		 outlen;	/* 0: none waits */
};

struct ifio {
	enum ifio_kind		 kind;
	int			 l2mode;
	size_t			 maxframe;	/* MTU + Ethernet header */
	uint8_t			 mac[6];
	int			 rxfd;		/* -1 if none */
	int			 txfd;		/* -1: write to rxfd */
	int			 rx_eof;
	struct ifio_conn	 conns[IFIO_MAXCONN];
	/* dgram without SendAddr: answer the last sender */
	struct sockaddr_storage	 peer;
	socklen_t		 peerlen;
	/* stdio line modes */
	uint8_t			*line;
	size_t			 linelen;
	size_t			 linecap;
	/* tap with a virtio_net header: the superframe being cut */
	int			 vnet;
	uint8_t			*sbuf;
	size_t			 slen;
	struct gso_iter		 git;
	int			 cutting;
	/* counters */
	uint64_t		 rx_truncated;
	uint64_t		 rx_gso_refused;	/* superframe not cut */
	uint64_t		 rx_superframes;
	uint64_t		 tx_errors;
};

void	ifio_init(struct ifio *, const struct ifio_info *);
void	ifio_free(struct ifio *);
/* A new connection for a stream/seqpacket kind; replaces a previous one. */
void	ifio_add_conn(struct ifio *, int fd, int dialed);
/*
 * Read one frame from fd (rxfd or a connection) into frame (cap bytes;
 * give it more than MTU + 14 and a longer frame is counted and skipped
 * even where the descriptor cannot say it was cut).
 * Returns 1 with *len set, 0 when nothing (more) is ready, -1 when the
 * descriptor is finished (EOF or error: the caller stops polling it).
 */
int	ifio_read(struct ifio *, int fd, uint8_t *frame, size_t cap,
	    size_t *len);
/*
 * Write one frame; 0, or -1 if it was dropped (counted in tx_errors).
 * A stream connection may take part of a frame: the rest waits in the
 * connection (outlen) and goes first, and until it has gone, new frames
 * are dropped.
 */
int	ifio_write(struct ifio *, uint8_t *frame, size_t len);
/* A TAP with a virtio_net header: a frame with its own header. */
int	ifio_write_vnet(struct ifio *, const struct gso_vnet_hdr *,
	    const uint8_t *frame, size_t len);
/* Send what waits on the connection of fd: 1 if some still does, else 0. */
int	ifio_flush(struct ifio *, int fd);
/* The connection fd closed: forget it. */
void	ifio_drop_conn(struct ifio *, int fd);

#endif /* EGD_IFIO_H */
