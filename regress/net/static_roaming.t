#!/bin/sh
# Roaming in static mode.  Node 2 moves from 10.99.0.2 to 10.99.0.102
# with its session up.  Node 1 first has it as a dynamic peer (Static
# false): it follows the authenticated packets to the new address, and
# no new handshake is needed.  Then node 1 makes it Static: node 1 goes
# back to the configured endpoint and stays there, whatever address
# node 2's packets come from.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
st_need

st_keys 2 || { echo "Bail out! wg genkey"; exit 1; }
netsim_start pub pub || { echo "Bail out! netsim"; exit 1; }
st_noipv6 1 2

conf() {	# conf I STATIC: node I, its peer Static or not
	st_conf $1 -- "IType: tap" "Name: eg0" "MacAddrPrefix: 02:77:00:00" \
	    "IPv4CIDR: 10.77.0.0/24" "MTU: 1400"
	st_peer $1 $((3 - $1)) 10.99.0.$((3 - $1)):3000 $2
	st_nht $1 "1 2:2" "2 1:1"
}
conf 1 false
conf 2 true
st_start 1
st_start 2
st_wait 1 && st_wait 2
ok $? "both daemons up"

st_ping 1 10.77.0.2
ok $? "ping 1 -> 2"
st_show 1 >$ST/s.0
EP0=$(st_pf $ST/s.0 2 EndPoint)
HS0=$(st_pf $ST/s.0 2 LastHandshake)
ok $([ "$EP0" = 10.99.0.2:3000 ] && [ "$HS0" != null ]; echo $?) \
    "node 1 has node 2 at $EP0, handshake at $HS0"

# Node 2 moves: its packets to node 1 now leave from 10.99.0.102, and
# nothing is addressed to 10.99.0.2 any more.
ns_exec 2 ip addr add 10.99.0.102/32 dev eth0 &&
ns_exec 2 ip route add 10.99.0.1/32 dev eth0 src 10.99.0.102 &&
ns_exec 2 ip addr del 10.99.0.2/24 dev eth0
ok $? "node 2 moves to 10.99.0.102"

# Its next packet tells node 1 where it is now.
st_ping 2 10.77.0.1 5
ok $? "ping 2 -> 1 from the new address"
st_ping 1 10.77.0.2 5
ok $? "ping 1 -> 2 goes to the new address"
st_show 1 >$ST/s.1
EP1=$(st_pf $ST/s.1 2 EndPoint)
HS1=$(st_pf $ST/s.1 2 LastHandshake)
ok $([ "$EP1" = 10.99.0.102:3000 ]; echo $?) \
    "egctl on node 1 shows the new endpoint ($EP1)"
ok $([ "$HS1" = "$HS0" ]; echo $?) \
    "the session carried over: no new handshake ($HS0, $HS1)"
ok $([ "$(st_ctr $ST/s.1 "wireguard initiation_recv")" = \
    "$(st_ctr $ST/s.0 "wireguard initiation_recv")" ] &&
    [ "$(st_ctr $ST/s.1 "wireguard initiation_sent")" = \
    "$(st_ctr $ST/s.0 "wireguard initiation_sent")" ]; echo $?) \
    "no initiation sent or received while roaming"

# Static: the reload puts the configured endpoint back, and roaming no
# longer moves it.  Node 2 is not at 10.99.0.2, so node 1's answers go
# nowhere, although node 2's requests arrive.
conf 1 true
st_reload 1
ok $? "reload node 1 with peer 2 Static"
st_show 1 >$ST/s.2
ns_exec 2 ping -n -q -c 3 -i 0.2 -W 1 10.77.0.1 >/dev/null 2>&1
rc=$?
st_show 1 >$ST/s.3
EP3=$(st_pf $ST/s.3 2 EndPoint)
ok $([ $rc -ne 0 ]; echo $?) "ping 2 -> 1 fails: node 1 answers the old address"
ok $([ "$EP3" = 10.99.0.2:3000 ]; echo $?) \
    "node 1 keeps the configured endpoint ($EP3)"
ok $([ $(st_rx $ST/s.3 2) -ge $(($(st_rx $ST/s.2 2) + 3)) ] &&
    [ $(st_tx $ST/s.3 2) -ge $(($(st_tx $ST/s.2 2) + 3)) ]; echo $?) \
    "node 1 got the requests and sent its answers ($(st_rx $ST/s.2 2) -> $(st_rx $ST/s.3 2) in, $(st_tx $ST/s.2 2) -> $(st_tx $ST/s.3 2) out)"

# With 10.99.0.2 back on node 2 (which still sends from 10.99.0.102),
# traffic flows, and node 1 still sends to the configured address.
ns_exec 2 ip addr add 10.99.0.2/24 dev eth0
st_ping 2 10.77.0.1 5
ok $? "ping 2 -> 1 once 10.99.0.2 is node 2's again"
st_show 1 >$ST/s.4
EP4=$(st_pf $ST/s.4 2 EndPoint)
ok $([ "$EP4" = 10.99.0.2:3000 ]; echo $?) \
    "node 1 still sends to $EP4, not where the packets come from"
ok $([ "$(st_pf $ST/s.4 2 LastHandshake)" = "$HS0" ]; echo $?) \
    "still the first session"

for i in 1 2; do
	why=$(st_healthy $i)
	ok $? "node $i: no fatal error in its log, no death ($why)"
done
netsim_stop
ok $? "nothing left behind"
tap_done
