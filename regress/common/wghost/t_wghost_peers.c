/*
 * Replacing a host's peer set: a peer whose NodeID, key and PSK stay
 * keeps its session (no new handshake); a changed PSK makes a new
 * session; a peer left out is gone; a key may move to another NodeID;
 * a NodeID given twice counts once; peers outside the set stay.
 */
#include <stdio.h>

#include "regress/lib/tap.h"
#include "wghost_test.h"

static void
test_keep(void)
{
	struct net	 net;
	struct wgh_peer	*pb;
	struct wgh_spec	 sp;
	int		 got, hs;

	net_init(&net, 8);
	net_send(&net.a, 2, 10, 1);
	net_pump(&net);
	pb = wgh_peer_by_id(net.b.h, 1);
	pb->p_arg = &net;
	hs = net.a.initiations + net.b.initiations;
	sp = spec_of(&net.a, 1, NULL);
	sp.name = "A again";
	ok(wgh_peers_replace(net.b.h, &sp, 1) == 1 &&
	    wgh_peer_by_id(net.b.h, 1) == pb && pb->p_arg == &net &&
	    strcmp(pb->p_name, "A again") == 0,
	    "unchanged peer: the same peer, its p_arg, a new name");
	ok(wgh_peer_has_session(pb, net.now) && pb->p_eplen > 0,
	    "its session and endpoint stay");
	got = net.b.ngot;
	net_send(&net.a, 2, 10, 2);
	net_send(&net.b, 1, 10, 3);
	net_pump(&net);
	ok(net.b.ngot == got + 1 && net.a.ngot == 1 &&
	    net.a.initiations + net.b.initiations == hs,
	    "data flows both ways with no new handshake");
	net_free(&net);
}

static void
test_change(void)
{
	struct net	 net;
	struct wgh_peer	*pb;
	struct wgh_spec	 sp[3];
	int		 got;

	net_init(&net, 8);
	net_send(&net.a, 2, 10, 1);
	net_pump(&net);
	sp[0] = spec_of(&net.a, 1, test_psk);
	ok(wgh_peers_replace(net.b.h, sp, 1) == 1 &&
	    (pb = wgh_peer_by_id(net.b.h, 1)) != NULL && pb->p_arg == NULL &&
	    pb->p_has_psk && !wgh_peer_has_session(pb, net.now) &&
	    pb->p_rx_pkts == 0 && pb->p_eplen == 0,
	    "PSK changed: a new peer, no session, nothing kept");
	got = net.b.ngot;
	net_send(&net.a, 2, 10, 2);
	net_pump(&net);
	ok(net.b.ngot == got &&
	    local_stat(net.b.h->h_wg, "drop_unknown_index") == 1,
	    "the old session's data is refused, counted");

	/* The same key under another NodeID, the first of a NodeID twice. */
	sp[0] = spec_of(&net.a, 1, NULL);
	sp[0].node_id = 7;
	sp[1] = sp[0];
	sp[1].name = "second";
	ok(wgh_peers_replace(net.b.h, sp, 2) == 1 &&
	    wgh_peer_by_id(net.b.h, 1) == NULL &&
	    (pb = wgh_peer_by_id(net.b.h, 7)) != NULL &&
	    pb->p_name[0] == '\0' && net.b.h->h_nset == 1,
	    "a key moves to NodeID 7; the NodeID given twice counts once");

	ok(wgh_peers_replace(net.b.h, NULL, 0) == 0 &&
	    wgh_peer_by_id(net.b.h, 7) == NULL && net.b.h->h_nset == 0,
	    "left out: gone");
	net_free(&net);
}

static void
test_extra(void)
{
	struct net	 net;
	struct wgh_peer	*x;
	struct wgh_spec	 sp;

	net_init(&net, 8);
	/* A's key as an extra of B's, outside the set: never by NodeID. */
	wgh_peers_replace(net.b.h, NULL, 0);
	sp = spec_of(&net.a, 1, NULL);
	sp.node_id = 65533;
	ok((x = wgh_peer_add(net.b.h, &sp)) != NULL &&
	    wgh_peer_by_id(net.b.h, 65533) == NULL && net.b.h->h_nset == 0,
	    "an extra peer is not in the set");
	wgh_peer_set_endpoint(x, (struct sockaddr *)&net.a.addr,
	    sizeof(net.a.addr));
	ok(wgh_initiate(x, net.now, 0) == 1, "an initiation to it");
	wgh_flush(net.b.h);
	ok(net.b.nout == 1 && net.b.initiations == 1, "sent at the flush");
	net_pump(&net);
	ok(wgh_peer_has_session(x, net.now), "its session comes up");
	wgh_peers_replace(net.b.h, NULL, 0);
	ok(wgh_peer_has_session(x, net.now),
	    "replacing the set leaves it alone");
	ok(wgh_peer_add(net.b.h, &sp) == NULL, "the same key twice: refused");
	wgh_peer_free(x);
	ok(net.b.h->h_extra == NULL, "freed");
	net_free(&net);
}

int
main(void)
{
	event_init();
	test_keep();
	test_change();
	test_extra();
	return tap_done();
}
