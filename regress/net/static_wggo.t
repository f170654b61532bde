#!/bin/sh
# egd itself against wireguard-go, in static mode: egd in node 1 with
# a TAP eg0 (10.77.0.1), wireguard-go in node 2 with its TUN (10.77.0.2),
# each the other's only peer.  One side at a time has a persistent
# keepalive of a second: any authenticated packet, received or sent,
# puts off a peer's own keepalive, so with both the two would take
# turns.
#
# Only the WireGuard layer can interoperate.  egd puts an overlay header
# (destination and source NodeID, TTL, length: doc/protocol.md) in
# front of every Ethernet frame inside the WireGuard payload, and
# expects one on every payload it decrypts; wireguard-go carries bare
# IP packets and hands what it decrypts to its TUN as IP.  So no frame
# can cross in either direction: what egd sends, wireguard-go decrypts
# and throws away (no IP version in its first byte), and what
# wireguard-go sends, egd decrypts and must count as a "bad overlay
# header" drop without crashing.  What is tested is what can be: the
# handshake both ways (egd initiates, then wireguard-go initiates), the
# session on both sides (wg show: latest handshake, transfer counters
# growing; egctl show peers: handshake, endpoint, packets), keepalives
# both ways, and those drops.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
st_need
command -v wireguard-go >/dev/null 2>&1 || skip_all "wireguard-go not installed"

IFG=egwgo$$			# wireguard-go's interface, 15 bytes at most
GOSOCK=/var/run/wireguard/$IFG.sock
GOPID=
EGDADDR=$(netsim_addr 1):3000
GOADDR=$(netsim_addr 2):51820

st_keys 2 || { echo "Bail out! wg genkey"; exit 1; }
netsim_start pub pub || { echo "Bail out! netsim"; exit 1; }
on_exit "rm -f $GOSOCK"
st_noipv6 1 2

# start_go ENDPOINT KEEPALIVE: wireguard-go in node 2, its peer egd at
# ENDPOINT ("": none, it can only answer), a keepalive every KEEPALIVE
# seconds (0: none).
start_go() {
	netsim_bg 2 env WG_PROCESS_FOREGROUND=1 wireguard-go $IFG \
	    >>$ST/go.log 2>&1
	GOPID=$!
	netsim_wait_file $GOSOCK 10 || return 1
	ns_exec 2 wg set $IFG private-key $ST/k2 listen-port 51820 \
	    peer "$(cat $ST/p1)" allowed-ips 10.77.0.1/32 \
	    persistent-keepalive $2 ${1:+endpoint $1} &&
	    ns_exec 2 ip addr add 10.77.0.2/24 dev $IFG &&
	    ns_exec 2 ip link set $IFG mtu 1420 up
}

stop_go() {
	[ -n "$GOPID" ] || return 0
	kill $GOPID 2>/dev/null
	wait $GOPID 2>/dev/null
	GOPID=
	st_until 50 eval "! ns_exec 2 ip link show $IFG >/dev/null 2>&1"
	rm -f $GOSOCK
}

# start_egd ENDPOINT STATIC KEEPALIVE: egd in node 1, its peer
# wireguard-go at ENDPOINT ("": learnt from the handshake).
start_egd() {
	st_conf 1 -- "IType: tap" "Name: eg0" "MacAddrPrefix: 02:77:00:00" \
	    "IPv4CIDR: 10.77.0.0/24" "MTU: 1400"
	st_peer 1 2 "$1" "$2"
	echo "  PersistentKeepalive: $3" >>$ST/n1.conf
	st_nht 1 "1 2:2" "2 1:1"
	st_start 1
	st_wait 1
}

go_hs() {	# wireguard-go's latest handshake, 0 for none
	ns_exec 2 wg show $IFG latest-handshakes | awk '{ print $2 }'
}
go_xfer() {	# wireguard-go's "RX TX" bytes
	ns_exec 2 wg show $IFG transfer | awk '{ print $2, $3 }'
}
go_alive() {	# wireguard-go runs, as neither exited nor a zombie
	case $(ps -o stat= -p "$GOPID" 2>/dev/null) in
	''|Z*)	return 1 ;;
	esac
}
go_ep() { ns_exec 2 wg show $IFG endpoints | awk '{ print $2 }'; }
egd_hs() { st_show 1 >$ST/s && [ "$(st_pf $ST/s 2 LastHandshake)" != null ]; }
go_has_hs() { [ "$(go_hs)" -gt 0 ] 2>/dev/null; }

# session WHO egd|go: the checks of a session, once a handshake is
# done, with keepalives every second from egd or from wireguard-go.
session() {
	st_until 200 egd_hs
	ok $? "$1: egctl show peers on egd: a handshake with wireguard-go"
	st_until 100 go_has_hs
	ok $? "$1: wg show on wireguard-go: latest handshake $(go_hs)"

	# In 4 s, the keepalives' packets and bytes.
	set -- "$1" $2 $(go_xfer)
	st_show 1 >$ST/a
	sleep 4
	set -- "$1" $2 $3 $4 $(go_xfer)
	st_show 1 >$ST/b
	_rx=$(($(st_rx $ST/b 2) - $(st_rx $ST/a 2)))
	_tx=$(($(st_tx $ST/b 2) - $(st_tx $ST/a 2)))
	if [ $2 = egd ]; then
		ok $([ $_tx -ge 3 ] && [ "$5" -gt "$3" ]; echo $?) \
		    "$1: egd's keepalives: $_tx sent in 4 s, wg show transfer rx $3 -> $5 bytes"
	else
		ok $([ $_rx -ge 3 ] && [ "$6" -gt "$4" ]; echo $?) \
		    "$1: wireguard-go's keepalives: egd got $_rx in 4 s, wg show transfer tx $4 -> $6 bytes"
	fi
}

# 1. egd initiates: wireguard-go has no endpoint for it, so cannot.
start_go "" 0
ok $? "wireguard-go up in node 2, no endpoint for egd"
start_egd $GOADDR true 1
ok $? "egd up in node 1, wireguard-go's endpoint $GOADDR"
# A frame on eg0 (an ARP request for 10.77.0.2) starts the session,
# if the keepalive has not already.
ns_exec 1 ping -n -q -c 1 -W 1 10.77.0.2 >/dev/null 2>&1
session "egd initiates" egd
ok $([ "$(go_ep)" = "$EGDADDR" ]; echo $?) \
    "egd initiates: wireguard-go learnt egd's endpoint from it: $(go_ep)"

# What wireguard-go sends is a bare IP packet: egd decrypts each and
# drops it as a bad overlay header.
st_show 1 >$ST/a
set -- $(go_xfer)
ns_exec 2 ping -n -q -c 5 -i 0.2 -W 1 10.77.0.1 >$ST/ping 2>&1
bad_reach() {	# bad_reach N: N more bad overlay headers, in $_bad
	st_show 1 >$ST/b &&
	    _bad=$(($(st_drop $ST/b "bad overlay header") -
	    $(st_drop $ST/a "bad overlay header"))) && [ $_bad -ge $1 ]
}
st_until 50 bad_reach 5
ok $([ $_bad -eq 5 ] && [ "$(st_received $ST/ping)" = 0 ]; echo $?) \
    "5 pings from wireguard-go: each dropped by egd as a bad overlay header ($_bad), none answered"
set -- $1 $2 $(go_xfer)
ok $([ "$4" -gt "$2" ]; echo $?) \
    "and wg show transfer counted them as sent: tx $2 -> $4 bytes"
ok $([ "$(st_pf $ST/b 2 LastHandshake)" = "$(st_pf $ST/a 2 LastHandshake)" ]
    echo $?) "in the same session"
why=$(st_healthy 1)
ok $? "egd still runs, no fatal error ($why)"
ok $(go_alive; echo $?) "wireguard-go still runs"
st_stop 1
stop_go

# 2. wireguard-go initiates: egd has no endpoint for it, so cannot, and
# learns it from the handshake.
start_egd "" false 0
ok $? "egd up again, no endpoint for wireguard-go"
start_go $EGDADDR 1
ok $? "wireguard-go up again, egd's endpoint $EGDADDR"
session "wireguard-go initiates" go
st_show 1 >$ST/s
ok $([ "$(st_pf $ST/s 2 EndPoint)" = "$GOADDR" ]; echo $?) \
    "wireguard-go initiates: egd learnt its endpoint from it: $(st_pf $ST/s 2 EndPoint)"

st_stop 1
why=$(st_healthy 1)
ok $? "egd stopped cleanly both times, no fatal error ($why)"
ok $(go_alive; echo $?) "wireguard-go still runs"
stop_go
netsim_stop
ok $? "nothing left behind"
tap_done
