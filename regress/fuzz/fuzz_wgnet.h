/*
 * A fake network of WireGuard hosts (common/wghost) for the fuzz targets
 * of the engines' dispatch (fuzz_egd_rx.c, fuzz_supd_rx.c): each node is
 * one host with an address per family; what a host sends is queued by
 * its output hook and fnet_pump() hands it to the node at the
 * destination with wgh_input(), from the sender's address.  One clock
 * for all.  The daemon's own hosts keep the ops their engine gives them
 * but for output and clock: their harness's hooks hand what they send
 * to fnet_queue() and read the network's clock.
 *
 * Sessions are made once, at start (a handshake is a few hundred
 * microseconds of Curve25519, more than an input's worth of dispatch),
 * and kept: the engines' state is what each input starts afresh.
 */
#ifndef REGRESS_FUZZ_WGNET_H
#define REGRESS_FUZZ_WGNET_H

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "wghost/wghost.h"

#define FNET_NODES	8
#define FNET_QMAX	1024
#define FNET_DGRAM_MAX	4096

struct fnet;

struct fnet_node {
	struct fnet		*net;
	struct wghost		*h;
	struct sockaddr_storage	 addr[WGH_NAF];
	socklen_t		 addrlen[WGH_NAF];	/* 0: none */
	int			 mute;		/* what it sends is lost */
	int			 sessions;	/* that came up */
	void			*arg;		/* its harness's */
};

struct fnet_dgram {
	uint8_t			 bytes[FNET_DGRAM_MAX];
	size_t			 len;
	int			 af;
	struct fnet_node	*from;
	struct sockaddr_storage	 dst;
};

struct fnet {
	struct wg_time		 now;
	struct fnet_node	 nodes[FNET_NODES];
	int			 nnodes;
	struct fnet_dgram	*q;		/* [FNET_QMAX] */
	int			 nq;
	uint64_t		 lost;		/* queue full */
};

static inline void
fnet_init(struct fnet *net, uint64_t mono, uint64_t wall)
{
	memset(net, 0, sizeof(*net));
	net->now.mono = mono;
	net->now.wall = wall;
	if ((net->q = calloc(FNET_QMAX, sizeof(*net->q))) == NULL)
		abort();
}

/* Address af of a node: 10.99.0.N:3000 or [fd99::N]:3000. */
static inline void
fnet_addr(struct fnet_node *n, int af, int host)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&n->addr[af];
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&n->addr[af];

	memset(&n->addr[af], 0, sizeof(n->addr[af]));
	if (af == WGH_V4) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(3000);
		sin->sin_addr.s_addr = htonl(0x0a630000 | (uint32_t)host);
		n->addrlen[af] = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(3000);
		sin6->sin6_addr.s6_addr[0] = 0xfd;
		sin6->sin6_addr.s6_addr[1] = 0x99;
		sin6->sin6_addr.s6_addr[15] = (uint8_t)host;
		n->addrlen[af] = sizeof(*sin6);
	}
}

/* What node `from' sends on its socket of family af. */
static inline int
fnet_queue(struct fnet_node *from, int af, struct mmsghdr *msgs, int n)
{
	struct fnet		*net = from->net;
	struct fnet_dgram	*d;
	struct msghdr		*mh;
	int			 i;

	for (i = 0; i < n; i++) {
		mh = &msgs[i].msg_hdr;
		if (mh->msg_iovlen != 1 ||
		    mh->msg_iov[0].iov_len > FNET_DGRAM_MAX ||
		    mh->msg_namelen > sizeof(d->dst))
			abort();	/* the hosts send one buffer each */
		if (from->mute)
			continue;
		if (net->nq == FNET_QMAX) {
			net->lost++;
			continue;
		}
		d = &net->q[net->nq++];
		d->len = mh->msg_iov[0].iov_len;
		memcpy(d->bytes, mh->msg_iov[0].iov_base, d->len);
		memset(&d->dst, 0, sizeof(d->dst));
		memcpy(&d->dst, mh->msg_name, mh->msg_namelen);
		d->af = af;
		d->from = from;
	}
	return n;
}

static inline int
fnet_output(void *arg, int af, struct mmsghdr *msgs, int n)
{
	return fnet_queue(arg, af, msgs, n);
}

static inline void
fnet_clock(void *arg, struct wg_time *t)
{
	*t = ((struct fnet_node *)arg)->net->now;
}

static inline void
fnet_session_up(void *arg, struct wgh_peer *p, struct wg_time now)
{
	((struct fnet_node *)arg)->sessions++;
}

static inline struct fnet_node *
fnet_at(struct fnet *net, int af, const struct sockaddr_storage *dst)
{
	int	i;

	for (i = 0; i < net->nnodes; i++)
		if (net->nodes[i].addrlen[af] > 0 &&
		    memcmp(&net->nodes[i].addr[af], dst,
		    net->nodes[i].addrlen[af]) == 0)
			return &net->nodes[i];
	return NULL;
}

/*
 * Delivers what is queued, in order, and what that makes, until the
 * queue is spent: it holds FNET_QMAX datagrams a pump, the rest is lost.
 */
static inline void
fnet_pump(struct fnet *net)
{
	struct fnet_dgram	*d;
	struct fnet_node	*to;
	int			 i;

	for (i = 0; i < net->nq; i++) {
		d = &net->q[i];
		if ((to = fnet_at(net, d->af, &d->dst)) == NULL ||
		    d->from->addrlen[d->af] == 0)
			continue;
		wgh_input(to->h, (struct sockaddr *)&d->from->addr[d->af],
		    d->from->addrlen[d->af], d->bytes, d->len);
	}
	net->nq = 0;
}

/*
 * A fake node: a host on the network with its own ops (rx given, the
 * rest the network's); its addresses are set by the caller.
 */
static inline struct fnet_node *
fnet_node(struct fnet *net, const uint8_t priv[WG_KEY_LEN],
    void (*rx)(void *, struct wgh_rx *, size_t, struct wg_time), void *arg)
{
	struct wgh_ops		 ops;
	struct fnet_node	*n;

	if (net->nnodes == FNET_NODES)
		abort();
	n = &net->nodes[net->nnodes++];
	n->net = net;
	n->arg = arg;
	memset(&ops, 0, sizeof(ops));
	ops.rx = rx;
	ops.session_up = fnet_session_up;
	ops.output = fnet_output;
	ops.clock = fnet_clock;
	if ((n->h = wgh_new(priv, FNET_DGRAM_MAX, 8, &ops, n, "fake")) ==
	    NULL)
		abort();
	return n;
}

/* A slot for a daemon's own host, whose ops its harness sets. */
static inline struct fnet_node *
fnet_slot(struct fnet *net)
{
	struct fnet_node	*n;

	if (net->nnodes == FNET_NODES)
		abort();
	n = &net->nodes[net->nnodes++];
	n->net = net;
	return n;
}

#endif /* REGRESS_FUZZ_WGNET_H */
