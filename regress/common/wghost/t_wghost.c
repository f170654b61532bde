/*
 * The WireGuard host without sockets: two hosts on a fake network and
 * a fake clock (wghost_test.h).  Handshake with the first packet held
 * meanwhile, data both ways, the held-packet limit and what a handshake
 * that gives up does with them, roaming and static endpoints, the
 * timers the host arms, malformed datagrams.
 */
#include <stdio.h>

#include "regress/lib/tap.h"
#include "wghost_test.h"

static int
all_bytes(const uint8_t *p, size_t len, uint8_t v)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static int
same_addr(const struct sockaddr_storage *ss, socklen_t len,
    const struct sockaddr_in *sin)
{
	return len == sizeof(*sin) && memcmp(ss, sin, sizeof(*sin)) == 0;
}

static void
test_handshake(void)
{
	struct net	 net;
	struct wgh_peer	*pa, *pb;

	net_init(&net, 8);
	pa = wgh_peer_by_id(net.a.h, 2);
	pb = wgh_peer_by_id(net.b.h, 1);
	ok(pa != NULL && pb != NULL && wgh_peer_by_id(net.a.h, 1) == NULL,
	    "peers found by NodeID");
	ok(net_send(&net.a, 2, 100, 0x11) == -1 && pa->p_nstaged == 1 &&
	    net.a.nout == 1 && net.a.initiations == 1,
	    "first packet without a session: held, initiation sent");
	ok(pb->p_eplen == 0, "B does not know where A is yet");
	net_pump(&net);
	ok(net.a.sessions_up == 1 && net.b.sessions_up == 1,
	    "session up on both sides");
	ok(pa->p_nstaged == 0 && net.b.ngot == 1 &&
	    net.b.got[0].len == WG_PADDED_LEN(100) &&
	    net.b.got[0].from == 1 && all_bytes(net.b.got[0].data, 100, 0x11),
	    "the held packet went out when the session came up");
	ok(same_addr(&pb->p_ep, pb->p_eplen, &net.a.addr) && net.b.roamed == 1,
	    "B learned A's endpoint from the handshake");

	ok(net_send(&net.b, 1, 200, 0x22) == 0, "B sends at once");
	net_pump(&net);
	ok(net.a.ngot == 1 && net.a.got[0].len == WG_PADDED_LEN(200) &&
	    all_bytes(net.a.got[0].data, 200, 0x22), "A gets B's data");
	ok(net_send(&net.a, 2, 300, 0x33) == 0, "A sends at once");
	net_pump(&net);
	ok(net.b.ngot == 2 && net.b.got[1].len == WG_PADDED_LEN(300) &&
	    all_bytes(net.b.got[1].data, 300, 0x33), "B gets A's data");
	ok(pa->p_tx_pkts == pb->p_rx_pkts && pb->p_tx_pkts == pa->p_rx_pkts &&
	    pa->p_tx_bytes == pb->p_rx_bytes && pa->p_tx_pkts >= 2 &&
	    pa->p_last_rx == net.now.mono,
	    "counters: %llu sent by A, %llu received by B",
	    (unsigned long long)pa->p_tx_pkts,
	    (unsigned long long)pb->p_rx_pkts);
	ok(net.a.initiations == 1 && net.b.initiations == 0,
	    "one handshake in all");
	net_free(&net);
}

static void
test_staged(void)
{
	struct net	 net;
	struct wgh_peer	*pa;
	int		 i, order = 1;

	net_init(&net, 4);
	pa = wgh_peer_by_id(net.a.h, 2);
	for (i = 1; i <= 6; i++)
		net_send(&net.a, 2, 64, i);
	ok(pa->p_nstaged == 4 && net.a.h->h_drops[WGH_DROP_STAGED_FULL] == 2,
	    "six packets, room for four: two dropped, counted (%llu)",
	    (unsigned long long)net.a.h->h_drops[WGH_DROP_STAGED_FULL]);
	ok(net.a.initiations == 1, "one initiation for them all");
	net_pump(&net);
	for (i = 0; i < net.b.ngot; i++)
		if (net.b.got[i].data[0] != i + 3)
			order = 0;
	ok(net.b.ngot == 4 && order, "the newest four arrive, in order");
	net_free(&net);

	net_init(&net, 0);
	pa = wgh_peer_by_id(net.a.h, 2);
	ok(net_send(&net.a, 2, 64, 1) == -1 && pa->p_nstaged == 0 &&
	    net.a.h->h_drops[WGH_DROP_STAGED_FULL] == 1 &&
	    net.a.initiations == 1,
	    "a host that holds nothing drops, counts, and still calls");
	net_free(&net);
}

static void
test_gave_up(void)
{
	struct net	 net;
	struct wgh_peer	*pa;
	uint64_t	 end;
	int		 fired = 0;

	net_init(&net, 8);
	pa = wgh_peer_by_id(net.a.h, 2);
	net.lose = 1;
	net_send(&net.a, 2, 64, 1);
	net_send(&net.a, 2, 64, 2);
	net_send(&net.a, 2, 64, 3);
	end = net.now.mono + 2 * WG_REKEY_ATTEMPT_TIME;
	while (net.now.mono < end && pa->p_nstaged > 0) {
		net_advance(&net, WG_SEC / 4);
		fired += net_fire(&net, pa);
	}
	ok(pa->p_nstaged == 0 && net.a.h->h_drops[WGH_DROP_GAVE_UP] == 3,
	    "a handshake that gives up drops the held packets, counted (%llu)",
	    (unsigned long long)net.a.h->h_drops[WGH_DROP_GAVE_UP]);
	ok(fired > 1 && net.a.initiations > 1,
	    "the timer retried the initiation (%d initiations)",
	    net.a.initiations);
	net_free(&net);
}

static void
test_roaming(void)
{
	struct net		 net;
	struct wgh_peer		*pb;
	struct wgh_spec		 sp;
	struct sockaddr_in	 moved;

	net_init(&net, 8);
	pb = wgh_peer_by_id(net.b.h, 1);
	net_send(&net.a, 2, 10, 1);
	net_pump(&net);
	net_addr(&net.a.addr, "10.99.0.9", 4000);
	moved = net.a.addr;
	net_send(&net.a, 2, 50, 0x44);
	net_pump(&net);
	ok(same_addr(&pb->p_ep, pb->p_eplen, &moved) && net.b.roamed == 2,
	    "B follows A to its new address");
	net_send(&net.b, 1, 20, 0x55);
	ok(net.b.nout == 1 && memcmp(&net.b.out[0].dst, &moved,
	    sizeof(moved)) == 0, "and answers there");
	net_pump(&net);

	sp = spec_of(&net.a, 1, NULL);
	sp.is_static = 1;
	wgh_peers_replace(net.b.h, &sp, 1);
	ok(wgh_peer_by_id(net.b.h, 1) == pb && pb->p_is_static,
	    "the same peer, now static");
	net_addr(&net.a.addr, "10.99.0.10", 5000);
	net_send(&net.a, 2, 50, 0x66);
	net_pump(&net);
	ok(same_addr(&pb->p_ep, pb->p_eplen, &moved) && net.b.roamed == 2 &&
	    net.b.got[net.b.ngot - 1].data[0] == 0x66,
	    "a static peer's datagrams are taken, its endpoint stays");
	net_free(&net);
}

static void
test_timers(void)
{
	struct net	 net;
	struct wgh_peer	*pa;
	uint64_t	 at;

	net_init(&net, 8);
	pa = wgh_peer_by_id(net.a.h, 2);
	net_send(&net.a, 2, 10, 1);
	ok(pa->p_timer_at == wg_peer_next_deadline(pa->p_wg) &&
	    pa->p_timer_at >= net.now.mono + WG_REKEY_TIMEOUT &&
	    pa->p_timer_at < net.now.mono + WG_REKEY_TIMEOUT + WG_SEC &&
	    evtimer_pending(&pa->p_timer, NULL),
	    "initiation sent: timer armed for its retransmit");
	net_pump(&net);
	net_advance(&net, WG_SEC);
	net_send(&net.b, 1, 10, 2);
	net_pump(&net);
	at = pa->p_timer_at;
	ok(at == wg_peer_next_deadline(pa->p_wg) && at > net.now.mono &&
	    at <= net.now.mono + WG_KEEPALIVE_TIMEOUT &&
	    evtimer_pending(&pa->p_timer, NULL),
	    "data received: timer at the deadline the core asks for (+%llu ms)",
	    (unsigned long long)((at - net.now.mono) / 1000000));
	net_advance(&net, at - net.now.mono - 1);
	ok(net_fire(&net, pa) == 0 && net.a.nout == 0, "not due yet");
	net_advance(&net, 1);
	ok(net_fire(&net, pa) == 1 && net.a.nout == 1 &&
	    net.a.out[0].len == WG_SEND_BUFLEN(0) &&
	    net.a.out[0].bytes[0] == WG_MSG_TRANSPORT,
	    "due: A answers with a keepalive");
	ok(pa->p_timer_at == wg_peer_next_deadline(pa->p_wg) &&
	    (pa->p_timer_at == 0 ? !evtimer_pending(&pa->p_timer, NULL) :
	    pa->p_timer_at > net.now.mono),
	    "and the timer is re-armed to the next deadline");
	net_free(&net);
}

static void
test_malformed(void)
{
	struct net	 net;
	uint8_t		 junk[4096];
	int		 before;

	net_init(&net, 8);
	net_send(&net.a, 2, 10, 1);
	net_pump(&net);
	memset(junk, 0x7f, sizeof(junk));
	wgh_input(net.b.h, (struct sockaddr *)&net.a.addr,
	    sizeof(net.a.addr), junk, 100);
	ok(local_stat(net.b.h->h_wg, "drop_bad_type") == 1,
	    "unknown type: counted by the core");
	junk[0] = WG_MSG_TRANSPORT;
	wgh_input(net.b.h, (struct sockaddr *)&net.a.addr,
	    sizeof(net.a.addr), junk, 3);
	ok(local_stat(net.b.h->h_wg, "drop_truncated") == 1,
	    "truncated: counted by the core");
	wgh_input(net.b.h, (struct sockaddr *)&net.a.addr,
	    sizeof(net.a.addr), junk, sizeof(junk));
	ok(net.b.h->h_drops[WGH_DROP_OVER_MTU] == 1,
	    "larger than the buffers: counted by the host");
	wgh_input(net.b.h, (struct sockaddr *)&net.a.addr,
	    sizeof(net.a.addr), junk, 0);
	before = net.b.ngot;
	net_send(&net.a, 2, 10, 9);
	net_pump(&net);
	ok(net.b.ngot == before + 1 && net.b.nout == 0 && net.b.roamed == 1,
	    "the session goes on, nothing was answered, no endpoint moved");
	net_free(&net);
}

int
main(void)
{
	event_init();
	test_handshake();
	test_staged();
	test_gave_up();
	test_roaming();
	test_timers();
	test_malformed();
	return tap_done();
}
