/*
 * Two WireGuard hosts, A (NodeID 1) and B (NodeID 2), on a fake
 * network and a fake clock: what a host sends lands in its side's
 * queue, net_pump() delivers the queues to the other host with
 * wgh_input(), as if from the sender's current address.  No socket is
 * opened; the peers' timers are libevent timers that never fire by
 * themselves: net_fire() runs those that are due on the fake clock.
 */
#ifndef REGRESS_WGHOST_TEST_H
#define REGRESS_WGHOST_TEST_H

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <event.h>
#include <string.h>

#include "regress/common/wg/wg_test.h"
#include "wghost/wghost.h"

#define NET_QMAX	256
#define NET_BUFSIZE	2048

struct net;

struct dgram {
	uint8_t			bytes[NET_BUFSIZE];
	size_t			len;
	struct sockaddr_in	dst;
};

struct got {
	uint16_t	from;
	uint8_t		data[NET_BUFSIZE];
	size_t		len;
};

struct side {
	struct net		*net;
	struct wghost		*h;
	struct test_rng		 rng;
	struct sockaddr_in	 addr;	/* where it sends from */
	struct dgram		 out[NET_QMAX];
	int			 nout;
	int			 initiations;	/* sent */
	struct got		 got[NET_QMAX];
	int			 ngot;
	int			 sessions_up;
	int			 roamed;
};

struct net {
	struct wg_time	now;
	struct side	a, b;
	int		lose;		/* drop what is sent */
};

static inline void
net_clock(void *arg, struct wg_time *t)
{
	*t = ((struct side *)arg)->net->now;
}

static inline void
net_random(void *arg, void *buf, size_t len)
{
	test_rng_fn(&((struct side *)arg)->rng, buf, len);
}

static inline int
net_output(void *arg, int af, struct mmsghdr *msgs, int n)
{
	struct side	*s = arg;
	struct dgram	*d;
	struct msghdr	*mh;
	int		 i;

	for (i = 0; i < n; i++) {
		mh = &msgs[i].msg_hdr;
		if (mh->msg_iov[0].iov_len > 0 &&
		    *(uint8_t *)mh->msg_iov[0].iov_base == WG_MSG_INITIATION)
			s->initiations++;
		if (s->net->lose || s->nout == NET_QMAX)
			continue;
		d = &s->out[s->nout++];
		d->len = mh->msg_iov[0].iov_len;
		memcpy(d->bytes, mh->msg_iov[0].iov_base, d->len);
		memcpy(&d->dst, mh->msg_name, sizeof(d->dst));
	}
	return n;
}

static inline void
net_rx(void *arg, struct wgh_rx *rx, size_t n, struct wg_time now)
{
	struct side	*s = arg;
	size_t		 i;

	for (i = 0; i < n && s->ngot < NET_QMAX; i++) {
		s->got[s->ngot].from = rx[i].peer->p_node_id;
		s->got[s->ngot].len = rx[i].len;
		memcpy(s->got[s->ngot].data, rx[i].data, rx[i].len);
		s->ngot++;
	}
}

static inline void
net_session_up(void *arg, struct wgh_peer *p, struct wg_time now)
{
	((struct side *)arg)->sessions_up++;
}

static inline void
net_roamed(void *arg, struct wgh_peer *p)
{
	((struct side *)arg)->roamed++;
}

static inline void
net_addr(struct sockaddr_in *sin, const char *ip, int port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	inet_pton(AF_INET, ip, &sin->sin_addr);
}

static inline void
side_init(struct net *net, struct side *s, const uint8_t *priv,
    const char *seed, const char *ip, size_t staged_max)
{
	static const struct wgh_ops ops = {
		.rx = net_rx,
		.session_up = net_session_up,
		.roamed = net_roamed,
		.output = net_output,
		.clock = net_clock,
		.random = net_random,
	};

	memset(s, 0, sizeof(*s));
	s->net = net;
	test_rng_init(&s->rng, seed);
	net_addr(&s->addr, ip, 3000);
	s->h = wgh_new(priv, NET_BUFSIZE, staged_max, &ops, s, "peer");
	if (s->h == NULL)
		abort();
}

/* A's peer: B at its address, static or not; B's peer: A, no address. */
static inline struct wgh_spec
spec_of(struct side *s, uint16_t id, const uint8_t *psk)
{
	static uint8_t	pub[2][WG_KEY_LEN];
	struct wgh_spec	sp;

	wg_local_pubkey(s->h->h_wg, pub[id - 1]);
	memset(&sp, 0, sizeof(sp));
	sp.node_id = id;
	sp.pubkey = pub[id - 1];
	sp.psk = psk;
	return sp;
}

static inline void
net_init(struct net *net, size_t staged_max)
{
	struct wgh_spec	sp;

	memset(net, 0, sizeof(*net));
	net->now.mono = TEST_MONO0;
	net->now.wall = TEST_WALL0;
	side_init(net, &net->a, test_priv_a, "host-A", "10.99.0.1",
	    staged_max);
	side_init(net, &net->b, test_priv_b, "host-B", "10.99.0.2",
	    staged_max);
	sp = spec_of(&net->b, 2, NULL);
	wgh_peers_replace(net->a.h, &sp, 1);
	wgh_peer_set_endpoint(wgh_peer_by_id(net->a.h, 2),
	    (struct sockaddr *)&net->b.addr, sizeof(net->b.addr));
	sp = spec_of(&net->a, 1, NULL);
	wgh_peers_replace(net->b.h, &sp, 1);
	wgh_flush(net->a.h);
	wgh_flush(net->b.h);
}

static inline void
net_free(struct net *net)
{
	wgh_free(net->a.h);
	wgh_free(net->b.h);
}

static inline struct side *
net_other(struct net *net, struct side *s)
{
	return s == &net->a ? &net->b : &net->a;
}

/* Delivers every queued datagram, and the answers, until none is left. */
static inline int
net_pump(struct net *net)
{
	struct dgram	 d;
	struct side	*s, *to;
	int		 n = 0, rounds;

	for (rounds = 0; rounds < 64 && (net->a.nout || net->b.nout);
	    rounds++) {
		for (s = &net->a; s != NULL; s = s == &net->a ? &net->b :
		    NULL) {
			to = net_other(net, s);
			while (s->nout > 0) {
				d = s->out[0];
				memmove(&s->out[0], &s->out[1],
				    (s->nout - 1) * sizeof(s->out[0]));
				s->nout--;
				wgh_input(to->h, (struct sockaddr *)&s->addr,
				    sizeof(s->addr), d.bytes, d.len);
				n++;
			}
		}
	}
	return n;
}

static inline void
net_advance(struct net *net, uint64_t ns)
{
	net->now.mono += ns;
	net->now.wall += ns;
}

/* Runs the timer of s's peer if due; 1 if it ran. */
static inline int
net_fire(struct net *net, struct wgh_peer *p)
{
	if (p->p_timer_at == 0 || p->p_timer_at > net->now.mono)
		return 0;
	wgh_peer_timer(p);
	return 1;
}

/* Sends len bytes of value v from s to its peer id. */
static inline int
net_send(struct side *s, uint16_t id, size_t len, uint8_t v)
{
	uint8_t	*buf = wgh_copybuf(s->h);
	int	 rc;

	memset(buf + WG_TRANSPORT_HEADER, v, len);
	rc = wgh_send(wgh_peer_by_id(s->h, id), buf, len, s->net->now);
	wgh_flush(s->h);
	return rc;
}

#endif /* REGRESS_WGHOST_TEST_H */
