#!/bin/sh
# make demo works: run regress/demo/run.sh as make demo does, and check
# that it exits 0, that node 1 reached node 4 through node 2 (replies,
# a round trip of the 1-2-4 path and not of 1-3-4, frames relayed by
# node 2 on the WAN, the route in egctl), and that it left nothing.
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

# "  1 -> 4 relayed by 2 (2 x 25 ms)  3/3 replies, rtt min/avg/max A/B/C ms"
line=$(grep '1 -> 4 relayed by 2' "$OUT")
diag "$line"
replies=$(echo "$line" | sed -n 's/.* \([0-9]\)\/3 replies.*/\1/p')
[ "${replies:-0}" -ge 1 ]
ok $? "relayed ping from node 1 to node 4 answered (${replies:-0}/3)"
min=$(echo "$line" | sed -n 's/.*min\/avg\/max \([0-9.]*\)\/.*/\1/p')
# Through 2 the round trip is 2 x (10 + 15) ms; through 3 it would be
# 2 x (30 + 20) ms.
path_ok=1
[ -n "$min" ] && awk -v m="$min" 'BEGIN { exit !(m >= 50 && m < 100) }' &&
    path_ok=0
ok $path_ok "its round trip is that of the path through node 2 (${min:--} ms)"

wan=$(grep 'WAN frames during the relayed pings' "$OUT")
diag "$wan"
fwd=$(echo "$wan" | sed -n 's/.* 2->4 \([0-9]*\),.*/\1/p')
[ "${fwd:-0}" -ge 1 ]
ok $? "node 2 relayed frames to node 4 on the WAN (${fwd:-0})"

sed -n '/egctl show routes (node 1)/,/egctl show peers (node 2)/p' "$OUT" |
    grep -Eq '^ +4 +2 '
ok $? "egctl show routes on node 1: destination 4, next hop 2"

grep -q '^Demo done' "$OUT"
ok $? "demo says it is done"
dir=$(sed -n 's/.*(logs in \([^,]*\),.*/\1/p' "$OUT")
left=$(ip netns list | awk -v p="nsim$demo-" 'index($1, p) == 1')
[ -n "$dir" ] && left="$left$(pgrep -f -- "$dir/")"
[ -n "$dir" ] && [ -e "$dir" ] && left="$left $dir"
[ -z "$left" ]
ok $? "no namespace, daemon or work directory left"
[ -n "$left" ] && diag "left: $left"
tap_done
