#!/bin/sh
# A static network as egctl gencfg writes it, started unchanged but for
# the peers' addresses: EtherGuard-Go's genstatic.yaml (the six nodes of
# docs/static-mode.md) with its output dir in the scratch directory, the
# diagonal zeroed (egctl solve's rule, solve.t), the overlay in 10.77.0.0/24
# and no IPv6 ranges.  The generated endpoints 127.0.0.1:300J become node
# J's WAN address 10.99.0.J:300J; each egd listens on its ListenPort 300J.
# The WAN carries only the matrix's links, so pings between non-neighbours
# follow the generated NextHopTable.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
st_need

N=6
LINKS="1-2 2-3 2-4 3-4 3-5 4-6"
DATA=$TOP/regress/testdata/etherguard-go/gencfg

sed -e "s|^Config output dir:.*|Config output dir: $ST/gen|" \
    -e 's|^  IPv4 range:.*|  IPv4 range: 10.77.0.0/24|' \
    -e 's|^  IPv6 range:.*|  IPv6 range: ""|' \
    -e 's|^  IPv6 LL range:.*|  IPv6 LL range: ""|' \
    -e 's/^  5 Inf Inf 1.0 Inf 1.0 Inf$/  5 Inf Inf 1.0 Inf 0   Inf/' \
    -e 's/^  6 Inf Inf Inf 1.0 Inf 1.0$/  6 Inf Inf Inf 1.0 Inf 0/' \
    $DATA/genstatic.yaml >$ST/gen.yaml
"$EGCTL" gencfg static $ST/gen.yaml >/dev/null 2>$ST/generr
ok $? "egctl gencfg static: $(cat $ST/generr)"
for i in $(seq 1 $N); do
	sed 's/127\.0\.0\.1:300\([1-9]\)/10.99.0.\1:300\1/' \
	    $ST/gen/EgNet_edge$i.yaml >$ST/n$i.conf
	chmod 600 $ST/n$i.conf
done
ok $(grep -q '127\.0\.0\.1' $ST/n*.conf; [ $? -eq 1 ]; echo $?) \
    "endpoints moved to the WAN addresses"

netsim_start -n $N || { echo "Bail out! netsim"; exit 1; }
for i in $(seq 1 $N); do
	for j in $(seq $((i + 1)) $N); do
		case " $LINKS " in
		*" $i-$j "*) ;;
		*) netsim cut $i $j ;;
		esac
	done
done
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

# Node J's overlay address is the range plus its NodeID (egd.8).
for j in 2 3 4 5 6; do
	st_ping 1 10.77.0.$j
	ok $? "ping 1 -> $j"
done
st_ping 5 10.77.0.6
ok $? "ping 5 -> 6 (over 3 and 4)"
st_ping 6 10.77.0.1
ok $? "ping 6 -> 1 (over 4 and 2)"

for i in $(seq 1 $N); do
	st_stop $i
	ok $(st_healthy $i >$ST/h; echo $?) "node $i: $(cat $ST/h)"
done
netsim_stop
tap_done
