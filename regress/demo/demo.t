#!/bin/sh
# make demo works: run regress/demo/run.sh as make demo does, and check
# that it exits 0; that in static mode node 1 reached node 4 through
# node 2 (replies, a round trip of the 1-2-4 path and not of 1-3-4,
# frames relayed by node 2 on the WAN, the route in egctl); that in
# super mode the four edges registered, the supernode routed 1 -> 4
# through 2, and edge 1 reached edge 4 that way (round trip, frames,
# egctl's next hop and measured latency); that in P2P mode node 4
# learned nodes 1 and 3 from node 2 (and node 1 learned 4), node 1
# reached node 3 through node 2 (egctl's next hop, round trip, frames
# relayed by 2), node 4 reached its learned peer 1, and once the link
# 2-3 was cut node 1 went to node 3 directly (next hop, round trip);
# and that it left nothing.
. "$(dirname "$0")/../lib/tap.sh"
need_root
for b in "$BUILD/egd" "$BUILD/egctl" "$BUILD/regress/netsim/netsim"; do
	[ -x "$b" ] || skip_all "$b missing: run make first"
done
command -v wg >/dev/null || skip_all "wg missing: run make deps"

# The demo as make demo runs it: every part, nothing kept.
unset DEMO_KEEP DEMO_PARTS
OUT=$(mktemp)
on_exit rm -f "$OUT"
sh "$TOP/regress/demo/run.sh" >"$OUT" 2>&1 </dev/null &
demo=$!
# If this test is interrupted, the demo goes too (it cleans up on TERM).
on_exit kill "$demo"
# A watchdog, so that a hung demo fails the test instead of hanging it;
# it ends by itself soon after the demo.
(
	n=1200
	while [ "$n" -gt 0 ] && kill -0 "$demo" 2>/dev/null; do
		sleep 0.1
		n=$((n - 1))
	done
	[ "$n" = 0 ] && kill "$demo"
) >/dev/null 2>&1 &
dog=$!
wait "$demo"
rc=$?
wait "$dog"
ok "$rc" "demo exits 0 (status $rc)"
[ "$rc" = 0 ] || sed 's/^/# /' "$OUT"

# Each part's lines, so that their checks do not mix.
STATIC=$(mktemp)
SUPER=$(mktemp)
P2P=$(mktemp)
on_exit rm -f "$STATIC" "$SUPER" "$P2P"
sed -n '/^== Static mode/,/^== /p' "$OUT" >"$STATIC"
sed -n '/^== Super mode/,/^== /p' "$OUT" >"$SUPER"
sed -n '/^== P2P mode/,/^Demo done/p' "$OUT" >"$P2P"

# rtt_min LINE: the minimum round trip of a show_ping line.
rtt_min() {
	echo "$1" | sed -n 's/.*min\/avg\/max \([0-9.]*\)\/.*/\1/p'
}
# between X LO HI: LO <= X < HI
between() {
	[ -n "$1" ] && awk -v x="$1" -v lo="$2" -v hi="$3" \
	    'BEGIN { exit !(x >= lo && x < hi) }'
}

# "  1 -> 4 relayed by 2 (2 x 25 ms)  3/3 replies, rtt min/avg/max A/B/C ms"
line=$(grep '1 -> 4 relayed by 2' "$STATIC")
diag "$line"
replies=$(echo "$line" | sed -n 's/.* \([0-9]\)\/3 replies.*/\1/p')
[ "${replies:-0}" -ge 1 ]
ok $? "relayed ping from node 1 to node 4 answered (${replies:-0}/3)"
min=$(rtt_min "$line")
# Through 2 the round trip is 2 x (10 + 15) ms; through 3 it would be
# 2 x (30 + 20) ms.
between "$min" 50 100
ok $? "its round trip is that of the path through node 2 (${min:--} ms)"

wan=$(grep 'WAN frames during the relayed pings' "$STATIC")
diag "$wan"
fwd=$(echo "$wan" | sed -n 's/.* 2->4 \([0-9]*\),.*/\1/p')
[ "${fwd:-0}" -ge 1 ]
ok $? "node 2 relayed frames to node 4 on the WAN (${fwd:-0})"

sed -n '/egctl show routes (node 1)/,/egctl show peers (node 2)/p' "$STATIC" |
    grep -Eq '^ +4 +2 '
ok $? "egctl show routes on node 1: destination 4, next hop 2"

# Super mode.  "  edge 1  edge1  last seen 2026-... +0000 UTC"
seen=$(grep -Ec '^  edge [1-4]  edge[1-4]  last seen [1-9][0-9]{3}-' "$SUPER")
ok $([ "$seen" = 4 ]; echo $?) "super: the four edges registered ($seen)"
grep -Eq '^    1: Edges .* NhTable \{"2":2,"3":3,"4":2\}$' "$SUPER" &&
    grep -Eq '^    4: Edges .* NhTable \{"1":2,"2":2,"3":3\}$' "$SUPER"
ok $? "super: the supernode's NhTable sends 1 -> 4 and 4 -> 1 through 2"
line=$(grep 'edge 1 -> 4 via 2' "$SUPER")
diag "$line"
replies=$(echo "$line" | sed -n 's/.* \([0-9]\)\/3 replies.*/\1/p')
[ "${replies:-0}" -ge 1 ]
ok $? "super: ping from edge 1 to edge 4 answered (${replies:-0}/3)"
# Through 2: 2 x (10 + 15) ms; direct 2 x 60, through 3 2 x (30 + 20).
min=$(rtt_min "$line")
between "$min" 50 100
ok $? "super: its round trip is that of the path through edge 2 (${min:--} ms)"
wan=$(grep 'WAN frames during the pings' "$SUPER")
diag "$wan"
fwd=$(echo "$wan" | sed -n 's/.* 2->4 \([0-9]*\),.*/\1/p')
back=$(echo "$wan" | sed -n 's/.* 2->1 \([0-9]*\);.*/\1/p')
[ "${fwd:-0}" -ge 3 ] && [ "${back:-0}" -ge 3 ]
ok $? "super: edge 2 relayed the pings and the replies (${fwd:-0}, ${back:-0})"
# "    4      edge4   10.99.0.4:3000   1s ago   160 B   128 B   60.170 ms  2  -"
# (the last column: the node a P2P edge learned the peer from)
peer4=$(sed -n '/egctl show peers (node 1)/,/egctl show routes (node 1)/p' \
    "$SUPER" | grep -E '^ +4 +edge4 ')
lat=$(echo "$peer4" | sed -n 's/.* \([0-9.]*\) ms  *2  *-$/\1/p')
between "$lat" 59 75
ok $? "super: egctl show peers on edge 1: edge 4 ${lat:-?} ms away, next hop 2"

# P2P mode.  Node 4's peers, "    1      -   10.99.0.1:3000  ...  1  2"
# (the last column: the node whose BroadcastPeer named the peer).
peers4=$(sed -n '/egctl show peers (node 4)/,/egctl show routes (node 1)/p' \
    "$P2P")
echo "$peers4" | grep -Eq '^ +1 +- +10\.99\.0\.1:3000 .* 2$' &&
    echo "$peers4" | grep -Eq '^ +3 +- +10\.99\.0\.3:3000 .* 2$' &&
    echo "$peers4" | grep -Eq '^ +2 +- +10\.99\.0\.2:3000 .* -$'
ok $? "p2p: node 4 learned nodes 1 and 3 from node 2, and had 2 from its config"
sed -n '/egctl show routes (node 1)/,/1 -> 3 relayed by 2/p' "$P2P" |
    grep -Eq '^ +3 +2 '
ok $? "p2p: egctl show routes on node 1: destination 3, next hop 2"
line=$(grep '1 -> 3 relayed by 2' "$P2P")
diag "$line"
replies=$(echo "$line" | sed -n 's/.* \([0-9]\)\/3 replies.*/\1/p')
[ "${replies:-0}" -ge 1 ]
ok $? "p2p: relayed ping from node 1 to node 3 answered (${replies:-0}/3)"
# Through 2 the round trip is 2 x (10 + 10) ms; direct 2 x 80.
min=$(rtt_min "$line")
between "$min" 40 80
ok $? "p2p: its round trip is that of the path through node 2 (${min:--} ms)"
wan=$(grep 'WAN frames during the pings' "$P2P")
diag "$wan"
fwd=$(echo "$wan" | sed -n 's/.* 2->3 \([0-9]*\),.*/\1/p')
back=$(echo "$wan" | sed -n 's/.* 2->1 \([0-9]*\);.*/\1/p')
[ "${fwd:-0}" -ge 3 ] && [ "${back:-0}" -ge 3 ]
ok $? "p2p: node 2 relayed the pings and the replies (${fwd:-0}, ${back:-0})"
line=$(grep '4 -> 1, a learned peer' "$P2P")
diag "$line"
replies=$(echo "$line" | sed -n 's/.* \([0-9]\)\/3 replies.*/\1/p')
[ "${replies:-0}" -ge 1 ]
ok $? "p2p: node 4 reached node 1, a peer it learned (${replies:-0}/3)"
sed -n '/^Switched after/,/1 -> 3 direct/p' "$P2P" | grep -Eq '^ +3 +3 '
ok $? "p2p: with 2-3 cut, egctl show routes on node 1: 3 direct"
line=$(grep '1 -> 3 direct' "$P2P")
diag "$line"
min=$(rtt_min "$line")
between "$min" 160 240
ok $? "p2p: and the ping takes the direct round trip (${min:--} ms)"
sed -n '/1 -> 3 direct/,$p' "$P2P" |
    grep -Eq '^ +4 +- +10\.99\.0\.4:3000 .* 2$'
ok $? "p2p: egctl show peers on node 1: node 4, learned from node 2"

grep -q '^Demo done' "$OUT"
ok $? "demo says it is done"
# Every part names the work directory; one name is enough (all of
# them would make no path).
dir=$(sed -n 's/.*(logs in \([^,]*\),.*/\1/p' "$OUT" | sed -n 1p)
left=$(ip netns list | awk -v p="nsim$demo-" 'index($1, p) == 1')
[ -n "$dir" ] && left="$left$(pgrep -f -- "$dir/")"
[ -n "$dir" ] && [ -e "$dir" ] && left="$left $dir"
[ -z "$left" ]
ok $? "no namespace, daemon or work directory left"
[ -n "$left" ] && diag "left: $left"
tap_done
