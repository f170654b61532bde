#!/bin/sh
# Frames per second through netsim, as a ratio to the same UDP flood
# over a direct veth pair between two namespaces (the kernel alone),
# measured in the same run.  Needs root and a built tree (make).
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$TOP/build
. "$TOP/regress/netsim/netsim.sh"
COUNT=${BENCH_FRAMES:-300000}
ref=nsbref$$

cleanup_ref() {
	ip netns delete "$ref-a" 2>/dev/null
	ip netns delete "$ref-b" 2>/dev/null
}
[ "$(id -u)" = 0 ] || { echo "bench_netsim: needs root"; exit 0; }
[ -x "$NETSIM_BIN" ] && [ -x "$NSPROBE" ] || { echo "run make"; exit 1; }

# flood NS-SEND NS-RECV ADDR SIZE: receiver's rate line, then sender's.
flood() {
	rm -f "$TMPF.ready"
	ip netns exec "$2" "$NSPROBE" recv -p 9000 -t 500 -T 60000 \
	    -r "$TMPF.ready" >"$TMPF.recv" &
	_r=$!
	netsim_wait_file "$TMPF.ready"
	ip netns exec "$1" "$NSPROBE" send -c "$COUNT" -i 0 -s "$4" "$3" \
	    9000 >"$TMPF.send"
	wait $_r
	head -n 1 "$TMPF.recv"
	cat "$TMPF.send"
}
TMPF=$(mktemp)

netsim_start pub pub pub pub >/dev/null || exit 1
# After netsim_start, whose own EXIT trap this one replaces.
trap 'cleanup_ref; netsim_stop' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
ip netns add "$ref-a" && ip netns add "$ref-b" &&
ip -n "$ref-a" link add eth0 type veth peer name eth0 netns "$ref-b" &&
ip -n "$ref-a" addr add 10.99.0.1/24 dev eth0 &&
ip -n "$ref-b" addr add 10.99.0.2/24 dev eth0 &&
ip -n "$ref-a" link set eth0 up && ip -n "$ref-b" link set eth0 up &&
ip -n "$ref-a" link set lo up && ip -n "$ref-b" link set lo up || exit 1
n() { netsim_ns "$1"; }

for size in 64 1400; do
	ref_line=$(flood "$ref-a" "$ref-b" 10.99.0.2 "$size")
	ref_rx=$(kv rate "$(echo "$ref_line" | sed -n 1p)")
	netsim clear
	ns_line=$(flood "$(n 1)" "$(n 2)" 10.99.0.2 "$size")
	ns_rx=$(kv rate "$(echo "$ns_line" | sed -n 1p)")
	el=$(kv elapsed "$(echo "$ns_line" | sed -n 2p)")
	fwd=$(awk -v d="$(netsim_stat 1 2 delivered)" -v e="$el" \
	    'BEGIN { printf "%.0f", (e > 0 ? d / e : 0) }')
	ratio=$(awk -v a="$ns_rx" -v b="$ref_rx" \
	    'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	echo "bench_netsim size=$size veth_rx_fps=$ref_rx" \
	    "netsim_rx_fps=$ns_rx ratio=$ratio netsim_fwd_fps=$fwd"
done

# Two flows at once through the delay line (10 ms), 1400-byte frames.
netsim link all all delay 10
netsim clear
TMPF2=$(mktemp)
( TMPF=$TMPF2; flood "$(n 3)" "$(n 4)" 10.99.0.4 1400 >"$TMPF2.out" ) &
bg=$!
l1=$(flood "$(n 1)" "$(n 2)" 10.99.0.2 1400)
wait $bg
el=$(kv elapsed "$(echo "$l1" | sed -n 2p)")
d=$(( $(netsim_stat 1 2 delivered) + $(netsim_stat 3 4 delivered) ))
ov=$(( $(netsim_stat 1 2 overflow) + $(netsim_stat 3 4 overflow) ))
echo "bench_netsim two_flows delay=10ms size=1400" \
    "netsim_fwd_fps=$(awk -v d=$d -v e="$el" \
    'BEGIN { printf "%.0f", (e > 0 ? d / e : 0) }')" \
    "overflow=$ov"
rm -f "$TMPF" "$TMPF".* "$TMPF2" "$TMPF2".*
