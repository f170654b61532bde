/*
 * wgjunk's flood mode (wgjunk_flood.c): one datagram after another at
 * a set rate, each from the next of a range of local source addresses,
 * and what comes back counted per source.  With cookies on, it plays a
 * WireGuard initiator that owns every one of those addresses: the
 * cookie reply one of them gets goes into the mac2 of what it sends
 * next, as a peer under a responder's load would do.
 */
#ifndef REGRESS_WGJUNK_H
#define REGRESS_WGJUNK_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdint.h>

#include "wg/wg_msg.h"

#define FLOOD_SRC_MAX	65536

/* Writes the next datagram into buf; returns its length. */
typedef size_t	(*flood_make_fn)(void *, uint8_t *buf);

struct flood {
	const struct sockaddr	*dst;
	socklen_t		 dstlen;
	/* sources: nsrc addresses from src (its family is dst's) */
	struct sockaddr_storage	 src;
	unsigned int		 nsrc;
	unsigned long		 count;		/* datagrams to send */
	unsigned long		 rate;		/* a second, 0: flat out */
	unsigned long		 linger_ms;	/* for late replies */
	const uint8_t		*cookie_pub;	/* mac2 from cookies: the
						   receiver's key; NULL: off */
	flood_make_fn		 make;
	void			*make_arg;
	/* what happened */
	unsigned long		 sent, replies, cookies, taken;
	unsigned int		 sources_with_cookie;
};

/* Runs the flood; exits on a setup error. */
void	flood_run(struct flood *);

#endif /* REGRESS_WGJUNK_H */
