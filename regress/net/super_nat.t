#!/bin/sh
# NAT traversal in super mode, on one WAN: edges 1 and 2 behind NATs
# with endpoint-independent mapping (eim), edges 3 and 4 behind
# symmetric NATs (sym), edge 5 a public relay (IType dummy), the
# supernode on public node 6.
#
# - eim: the supernode hands each edge the address it sees for the
#   other, the NAT's mapping; both send to it, which opens both NATs
#   (hole punching), and frames between 1 and 2 go directly.
# - sym: the mapping toward a peer is not the one the supernode saw, so
#   3 and 4 never reach each other; the supernode routes them through
#   the relay, which both can reach.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
. "$TOP/regress/net/super.sh"
sp_need

RELAY=5
st_keys 5 && sp_keys || { echo "Bail out! wg genkey"; exit 1; }
netsim_start eim eim sym sym pub pub || { echo "Bail out! netsim"; exit 1; }
st_noipv6 1 2 3 4 5

# Every hop through an edge costs 10 ms: on a loaded machine the
# measured latencies (a fraction of a millisecond here) jitter enough
# to make a path through the relay look shorter than the direct one.
for i in 1 2 3 4 5; do
	eval SP_AC_$i=10
done
sp_super_conf 6 "1 2 3 4 5"
for i in 1 2 3 4; do
	sp_edge_conf $i
done
sp_edge_conf $RELAY dummy
sp_start_super
sp_wait_super
ok $? "supernode up"
for i in 1 2 3 4 5; do
	sp_start_edge $i
done
up=0
for i in 1 2 3 4 5; do
	st_wait $i || up=1
done
ok $up "edges 1-5 up"

# wait_hs I J [TENTHS]: until edge I has a handshake with peer J (20 s).
wait_hs() {
	_n=${3:-200}
	while [ "$_n" -gt 0 ]; do
		st_show $1 >$ST/hs 2>/dev/null &&
		    [ "$(st_pf $ST/hs $2 LastHandshake)" != null ] &&
		    [ -n "$(st_pf $ST/hs $2 LastHandshake)" ] && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# flood I ADDR COUNT: COUNT pings 10 ms apart; prints how many came back.
flood() {
	ns_exec $1 ping -n -q -c $3 -i 0.01 -W 2 $2 2>/dev/null |
	    sed -n 's/.*, \([0-9]*\) received.*/\1/p'
}

# delivered I J: frames netsim delivered from node I's WAN port to J's.
delivered() { netsim_stat $1 $2 delivered; }

# mapped I ENDPOINT: ENDPOINT is NAT I's address with a mapped port.
mapped() {
	_p=${2#10.99.0.$1:}
	[ "$_p" != "$2" ] && [ "$_p" -ge 20000 ] 2>/dev/null &&
	    [ "$_p" -le 59999 ]
}

# ---- eim: hole punching ----------------------------------------------

wait_hs 1 2 && wait_hs 2 1
ok $? "eim: edges 1 and 2 have a session with each other"
sp_wait_nh 1 2 2 && sp_wait_nh 2 1 1
ok $? "eim: the supernode routes 1 <-> 2 directly\
 ($(sp_nh $ST/state 1 2), $(sp_nh $ST/state 2 1))"
st_ping 1 10.78.0.2 && st_ping 2 10.78.0.1
ok $? "eim: ping 1 -> 2 and 2 -> 1 over the overlay"

st_show 1 >$ST/e1.0
st_show 2 >$ST/e2.0
st_show $RELAY >$ST/e5.0
EP12=$(st_pf $ST/e1.0 2 EndPoint)
EP21=$(st_pf $ST/e2.0 1 EndPoint)
ok $(mapped 2 "$EP12" && mapped 1 "$EP21"; echo $?) \
    "eim: each has the other at its NAT's mapped address ($EP12, $EP21)"
# Endpoint-independent: the relay sees the same mapping as the peer.
ok $([ "$EP12" = "$(st_pf $ST/e5.0 2 EndPoint)" ] &&
    [ "$EP21" = "$(st_pf $ST/e5.0 1 EndPoint)" ]; echo $?) \
    "eim: the same mappings as the relay sees\
 ($(st_pf $ST/e5.0 2 EndPoint), $(st_pf $ST/e5.0 1 EndPoint))"
ok $([ "$(st_pf $ST/e1.0 2 NextHop)" = 2 ] &&
    [ "$(st_pf $ST/e2.0 1 NextHop)" = 1 ]; echo $?) \
    "eim: egctl shows each as the other's next hop"

# 100 pings: they cross 1 -> 2 and back directly, not through the relay
# (which carries only the edges' own Pings, one a second).
N=100
a12=$(delivered 1 2) a21=$(delivered 2 1)
a15=$(delivered 1 $RELAY) a52=$(delivered $RELAY 2)
a25=$(delivered 2 $RELAY) a51=$(delivered $RELAY 1)
got=$(flood 1 10.78.0.2 $N)
st_show 1 >$ST/e1.1
d12=$(($(delivered 1 2) - a12)) d21=$(($(delivered 2 1) - a21))
dr=$(($(delivered 1 $RELAY) - a15 + $(delivered $RELAY 2) - a52 +
    $(delivered 2 $RELAY) - a25 + $(delivered $RELAY 1) - a51))
ok $([ "${got:-0}" -ge $((N * 9 / 10)) ]; echo $?) \
    "eim: $got of $N pings 1 -> 2 answered"
ok $([ $d12 -ge "${got:-1}" ] && [ $d21 -ge "${got:-1}" ] &&
    [ "${got:-0}" -gt 0 ]; echo $?) \
    "eim: netsim delivered them directly ($d12 frames 1 -> 2, $d21 2 -> 1)"
ok $([ $dr -lt $((N / 4)) ]; echo $?) \
    "eim: the relay path carried only $dr frames meanwhile"
ok $([ $(($(st_rx $ST/e1.1 2) - $(st_rx $ST/e1.0 2))) -ge "${got:-1}" ]
    echo $?) \
    "eim: edge 1 got the answers from edge 2 itself\
 ($(st_rx $ST/e1.0 2) -> $(st_rx $ST/e1.1 2) packets)"

# ---- sym: through the relay ------------------------------------------

sp_wait_nh 3 4 $RELAY && sp_wait_nh 4 3 $RELAY
ok $? "sym: the supernode routes 3 <-> 4 through the relay\
 ($(sp_nh $ST/state 3 4), $(sp_nh $ST/state 4 3))"
ok $([ "$(jq -r '.Edges["3"]["4"] // "none"' $ST/state)" = none ] &&
    [ "$(jq -r '.Edges["4"]["3"] // "none"' $ST/state)" = none ]; echo $?) \
    "sym: and has no latency measured between them"
wait_hs 3 $RELAY && wait_hs 4 $RELAY
ok $? "sym: edges 3 and 4 have a session with the relay"
st_ping 3 10.78.0.4 && st_ping 4 10.78.0.3
ok $? "sym: ping 3 -> 4 and 4 -> 3 over the overlay"

st_show 3 >$ST/e3.0
st_show 4 >$ST/e4.0
ok $([ "$(st_pf $ST/e3.0 4 NextHop)" = $RELAY ] &&
    [ "$(st_pf $ST/e4.0 3 NextHop)" = $RELAY ]; echo $?) \
    "sym: egctl shows the relay as the next hop"
a34=$(delivered 3 4) a43=$(delivered 4 3)
a35=$(delivered 3 $RELAY) a54=$(delivered $RELAY 4)
a45=$(delivered 4 $RELAY) a53=$(delivered $RELAY 3)
got=$(flood 3 10.78.0.4 $N)
st_show 3 >$ST/e3.1
st_show 4 >$ST/e4.1
d34=$(($(delivered 3 4) - a34 + $(delivered 4 3) - a43))
d35=$(($(delivered 3 $RELAY) - a35)) d54=$(($(delivered $RELAY 4) - a54))
d45=$(($(delivered 4 $RELAY) - a45)) d53=$(($(delivered $RELAY 3) - a53))
ok $([ "${got:-0}" -ge $((N * 9 / 10)) ]; echo $?) \
    "sym: $got of $N pings 3 -> 4 answered"
ok $([ "${got:-0}" -gt 0 ] && [ $d35 -ge "$got" ] && [ $d54 -ge "$got" ] &&
    [ $d45 -ge "$got" ] && [ $d53 -ge "$got" ]; echo $?) \
    "sym: netsim carried them through the relay\
 (3 -> 5 -> 4: $d35, $d54; 4 -> 5 -> 3: $d45, $d53)"
# Between the NATs, only the edges' attempts to reach each other, which
# the NATs drop.
ok $([ $d34 -lt $((N / 4)) ]; echo $?) \
    "sym: only $d34 frames between NATs 3 and 4 meanwhile"
ok $([ "$(st_pf $ST/e3.1 4 LastHandshake)" = null ] &&
    [ "$(st_pf $ST/e4.1 3 LastHandshake)" = null ] &&
    [ "$(st_rx $ST/e3.1 4)" = 0 ] && [ "$(st_rx $ST/e4.1 3)" = 0 ]
    echo $?) "sym: edges 3 and 4 never heard from each other directly"

for i in 1 2 3 4 5; do
	st_show $i >$ST/f 2>/dev/null
	why=$(st_healthy $i)
	ok $([ $? -eq 0 ] && [ "$(st_drops $ST/f 'ttl expired|looped')" = 0 ]
	    echo $?) "edge $i: no fatal error, no death ($why), no looping frame"
	# An edge's overlay address is no endpoint: WireGuard over the
	# overlay itself would loop.
	ok $(jq -r '.Peers[].EndPoint // empty' $ST/f | grep -q '^10\.78\.'
	    [ $? -ne 0 ]; echo $?) "edge $i: no peer at an overlay address"
done
why=$(st_healthy S)
ok $? "supernode: no fatal error, no death ($why)"
netsim_stop
ok $? "nothing left behind"
tap_done
