#!/bin/sh
# A super-mode network as egctl gencfg writes it, started unchanged:
# EtherGuard-Go's gensuper.yaml with three edges (Node IDs "[1~3]"), the
# supernode's endpoints set to netsim node 4's WAN address, the overlay in
# 10.78.0.0/24 and no IPv6 ranges.  Every timer is the generated default,
# so the edges find each other as a fresh network would.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
. "$TOP/regress/net/super.sh"
sp_need

N=3
SP_NODE=4
SA=$(netsim_addr $SP_NODE)
DATA=$TOP/regress/testdata/etherguard-go/gencfg

sed -e "s|^Config output dir:.*|Config output dir: $ST/gen|" \
    -e 's|^  Node IDs:.*|  Node IDs: "[1~3]"|' \
    -e "s|^  Endpoint(IPv4)(optional):.*|  Endpoint(IPv4)(optional): $SA|" \
    -e "s|^  Endpoint(EdgeAPI):.*|  Endpoint(EdgeAPI): http://$SA:3456/eg_net/eg_api|" \
    -e 's|^  IPv4 range:.*|  IPv4 range: 10.78.0.0/24|' \
    -e 's|^  IPv6 range:.*|  IPv6 range: ""|' \
    -e 's|^  IPv6 LL range:.*|  IPv6 LL range: ""|' \
    $DATA/gensuper.yaml >$ST/gen.yaml
"$EGCTL" gencfg super $ST/gen.yaml >/dev/null 2>$ST/generr
ok $? "egctl gencfg super: $(cat $ST/generr)"
cp $ST/gen/eg_net_super.yaml $ST/super.conf
for i in $(seq 1 $N); do
	cp $ST/gen/eg_net_edge$i.yaml $ST/n$i.conf
done
PW=$(sed -n 's/^  ShowState: //p' $ST/super.conf)

netsim_start -n $SP_NODE || { echo "Bail out! netsim"; exit 1; }
st_noipv6 $(seq 1 $SP_NODE)
sp_start_super
st_wait S
ok $? "the generated supernode config started in node $SP_NODE"
for i in $(seq 1 $N); do
	sp_start_edge $i
done
up=0
for i in $(seq 1 $N); do
	st_wait $i && up=$((up + 1))
done
ok $([ $up -eq $N ]; echo $?) "three generated edge configs started ($up up)"
[ $up -eq $N ] || { tap_done; }

for i in $(seq 1 $N); do
	sp_wait_peers $i 2 600
	ok $? "edge $i has handshaken with the other two"
done
# ping_until I ADDR: until a ping from node I is answered (60 s): before
# the supernode's next hops arrive a ping ends at once with "unreachable".
ping_until() {
	_t=0
	until st_ping "$1" "$2" 3; do
		_t=$((_t + 3))
		[ $_t -lt 60 ] || return 1
		sleep 1
	done
}
for j in 2 3; do
	ping_until 1 10.78.0.$j
	ok $? "ping 1 -> $j"
done
ping_until 3 10.78.0.2
ok $? "ping 3 -> 2"
# The generated ShowState password opens the Manage API (loopback only,
# the default).
ns_exec $SP_NODE curl -sf -m 5 -H "X-EG-Password: $PW" \
    http://127.0.0.1:3456/eg_net/eg_api/manage/super/state >$ST/state
ok $([ "$(sp_nh $ST/state 1 2)" = 2 ]; echo $?) \
    "the ShowState password reads the state: NhTable 1 -> 2 is $(sp_nh $ST/state 1 2)"
ns_exec $SP_NODE curl -s -o /dev/null -w '%{http_code}' -m 5 \
    -H "X-EG-Password: wrong" \
    http://127.0.0.1:3456/eg_net/eg_api/manage/super/state >$ST/code
ok $([ "$(cat $ST/code)" != 200 ]; echo $?) \
    "and another password does not ($(cat $ST/code))"

for i in $(seq 1 $N); do
	st_stop $i
	ok $(st_healthy $i >$ST/h; echo $?) "edge $i: $(cat $ST/h)"
done
sp_stop_super
ok $(st_healthy S >$ST/h; echo $?) "supernode: $(cat $ST/h)"
netsim_stop
tap_done
