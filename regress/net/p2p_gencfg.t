#!/bin/sh
# A P2P network as egctl gencfg writes it, started unchanged but for the
# peers' addresses: EtherGuard-Go's genp2p.yaml (six nodes, only 3 and 4
# with an endpoint) with its output dir in the scratch directory, the
# overlay in 10.81.0.0/24 and no IPv6 ranges.  The generated endpoints
# 127.0.0.1:300J become node J's WAN address 10.99.0.J:300J.  Nodes 1, 2,
# 5 and 6 know only 3 and 4; the rest they learn, with the generated
# timers (Ping every 16 s, BroadcastPeer every 20 s), so pings are
# retried for up to 90 s.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
st_need

N=6
DATA=$TOP/regress/testdata/etherguard-go/gencfg

sed -e "s|^Config output dir:.*|Config output dir: $ST/gen|" \
    -e 's|^  IPv4 range:.*|  IPv4 range: 10.81.0.0/24|' \
    -e 's|^  IPv6 range:.*|  IPv6 range: ""|' \
    -e 's|^  IPv6 LL range:.*|  IPv6 LL range: ""|' \
    $DATA/genp2p.yaml >$ST/gen.yaml
"$EGCTL" gencfg p2p $ST/gen.yaml >/dev/null 2>$ST/generr
ok $? "egctl gencfg p2p: $(cat $ST/generr)"
for i in $(seq 1 $N); do
	sed 's/127\.0\.0\.1:300\([1-9]\)/10.99.0.\1:300\1/' \
	    $ST/gen/EgNet_edge$i.yaml >$ST/n$i.conf
	chmod 600 $ST/n$i.conf
done

netsim_start -n $N || { echo "Bail out! netsim"; exit 1; }
st_noipv6 $(seq 1 $N)
for i in $(seq 1 $N); do
	st_start $i
done
up=0
for i in $(seq 1 $N); do
	st_wait $i && up=$((up + 1))
done
ok $([ $up -eq $N ]; echo $?) "six generated configs started ($up up)"
[ $up -eq $N ] || { tap_done; }

# ping_until I ADDR: until a ping from node I is answered (90 s): before
# its route is known a ping ends at once with "unreachable".
ping_until() {
	_t=0
	until st_ping "$1" "$2" 3; do
		_t=$((_t + 3))
		[ $_t -lt 90 ] || return 1
		sleep 1
	done
}
ping_until 1 10.81.0.3
ok $? "ping 1 -> 3 (a configured peer)"
ping_until 1 10.81.0.2
ok $? "ping 1 -> 2 (neither has an endpoint)"
ping_until 5 10.81.0.6
ok $? "ping 5 -> 6"

for i in $(seq 1 $N); do
	st_stop $i
	ok $(st_healthy $i >$ST/h; echo $?) "node $i: $(cat $ST/h)"
done
netsim_stop
tap_done
