#!/bin/sh
# Super mode routes by measured one-way delays.  Four edges and a
# supernode (node 5) on a WAN whose delays differ by direction:
#
#	ms	to 1	to 2	to 3	to 4
#	from 1	-	30	5	30
#	from 2	5	-	30	10
#	from 3	30	5	-	20
#	from 4	25	15	5	-
#
# The supernode's next-hop table must be the shortest paths of this
# matrix, derived by hand below (and checked by a few lines of awk, not
# by the project's own solver): 1 reaches 2 through 3 (10 ms), while 2
# answers 1 directly.
# Cutting 1-3 reroutes 1 -> 2 onto the direct link once the supernode
# has seen no Pong of 1 -> 3 for PeerAliveTimeout; healing it brings the
# relayed path back.  Every best path wins by 5 ms or more.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
. "$TOP/regress/net/super.sh"
sp_need

DELAYS="1-2:30 2-1:5 1-3:5 3-1:30 3-2:5 2-3:30 1-4:30 4-1:25 2-4:10
    4-2:15 3-4:20 4-3:5"

st_keys 4 && sp_keys || { echo "Bail out! wg genkey"; exit 1; }
netsim_start -n 5 || { echo "Bail out! netsim"; exit 1; }
st_noipv6 1 2 3 4
for _d in $DELAYS; do
	_p=${_d%%:*}
	netsim set ${_p%-*} ${_p#*-} delay ${_d#*:} >/dev/null ||
	    { echo "Bail out! netsim set $_d"; exit 1; }
done

sp_super_conf 5 "1 2 3 4"
sp_start_super
sp_wait_super
ok $? "eg-supd up"
for _i in 1 2 3 4; do
	sp_edge_conf $_i
	sp_start_edge $_i
done
st_wait 1 && st_wait 2 && st_wait 3 && st_wait 4
ok $? "four edges up"

# The expected next hops, by hand from the matrix above (ms; every best
# path wins by 5 ms or more, so no tie is broken):
#	1 -> 2: 1-3-2 = 5+5 = 10 (direct 30, 1-3-4-2 40, 1-4-2 45)	via 3
#	1 -> 3: direct 5						via 3
#	1 -> 4: 1-3-2-4 = 5+5+10 = 20 (1-3-4 25, direct 30, 1-2-4 40)	via 3
#	2 -> 1: direct 5						via 1
#	2 -> 3: 2-1-3 = 5+5 = 10 (2-4-3 15, direct 30)			via 1
#	2 -> 4: direct 10 (2-1-3-4 30, 2-1-4 35)			via 4
#	3 -> 1: 3-2-1 = 5+5 = 10 (direct 30, 3-4-1 45)			via 2
#	3 -> 2: direct 5						via 2
#	3 -> 4: 3-2-4 = 5+10 = 15 (direct 20)				via 2
#	4 -> 1: 4-3-2-1 = 5+5+5 = 15 (4-2-1 20, direct 25, 4-3-1 35)	via 3
#	4 -> 2: 4-3-2 = 5+5 = 10 (direct 15)				via 3
#	4 -> 3: direct 5						via 3
jq -S . >$ST/want <<'EOF'
{ "1": { "2": 3, "3": 3, "4": 3 }, "2": { "1": 1, "3": 1, "4": 4 },
  "3": { "1": 2, "2": 2, "4": 2 }, "4": { "1": 3, "2": 3, "3": 3 } }
EOF
# The same by Floyd-Warshall in awk on $DELAYS, so that the table above
# cannot drift from the delays the WAN is given.
echo $DELAYS | tr ' ' '\n' | awk -F'[-:]' '
	{ d[$1, $2] = $3; nh[$1, $2] = $2; if ($1 > n) n = $1 }
	END {
		for (k = 1; k <= n; k++) for (i = 1; i <= n; i++)
		for (j = 1; j <= n; j++)
			if (i != j && (i, k) in d && (k, j) in d &&
			    (!((i, j) in d) || d[i, k] + d[k, j] < d[i, j])) {
				d[i, j] = d[i, k] + d[k, j]
				nh[i, j] = nh[i, k]
			}
		for (i = 1; i <= n; i++) for (j = 1; j <= n; j++)
			if (i != j) print i, j, nh[i, j]
	}' | sort >$ST/want.awk
jq -r 'to_entries[] | .key as $s | .value | to_entries[] |
    "\($s) \(.key) \(.value)"' $ST/want | sort >$ST/want.hand
[ "$(wc -l <$ST/want.hand)" -eq 12 ] && cmp -s $ST/want.awk $ST/want.hand
ok $? "the table by hand is the shortest paths of the configured delays"

# Every link must have been measured before the table can be right.
links_measured() {
	sp_state >$ST/state 2>/dev/null &&
	    [ "$(jq '[.Edges[] | length] | add' $ST/state)" = 12 ] &&
	    jq -S .NhTable $ST/state >$ST/got && cmp -s $ST/want $ST/got
}
_n=300
until links_measured || [ $_n -eq 0 ]; do
	sleep 0.1
	_n=$((_n - 1))
done
ok $(cmp -s $ST/want $ST/got; echo $?) \
    "the supernode's table equals the one derived by hand from the delays"
diff $ST/want $ST/got | while read -r _l; do diag "$_l"; done

# Each measured delay is the configured one, or at most 2 ms more,
# once the filter has settled: a link's first sample is taken as it is,
# and on a busy machine it may be late.
delays_off() {	# the links measured off, in $_bad
	_bad=
	sp_state >$ST/lat 2>/dev/null || { _bad=" no state"; return; }
	for _d in $DELAYS; do
		_p=${_d%%:*}
		_m=$(jq -r ".Edges[\"${_p%-*}\"][\"${_p#*-}\"] // \"-\"" \
		    $ST/lat)
		_ms=$(awk -v s="$_m" 'BEGIN { if (s == "-") print "-";
		    else printf "%.3f", s * 1000 }')
		fcmp "$_ms" ">=" "$((${_d#*:} - 1)).9" &&
		    fcmp "$_ms" "<=" "$((${_d#*:} + 2))" ||
		    _bad="$_bad $_p=$_ms"
	done
}
_n=30
delays_off
while [ -n "$_bad" ] && [ $_n -gt 0 ]; do
	sleep 0.5
	_n=$((_n - 1))
	delays_off
done
ok $([ -z "$_bad" ]; echo $?) \
    "measured one-way delays match the WAN's${_bad:+ (off:$_bad)}"

ok $([ "$(sp_nh $ST/state 1 2)" = 3 ] && [ "$(sp_nh $ST/state 2 1)" = 1 ]
    echo $?) "1 -> 2 goes through 3, 2 -> 1 directly"

# The edges have the table too: egctl shows the next hop and latency.
sp_wait_hop 1 2 3
st_show 1 >$ST/p1
ok $([ "$(st_pf $ST/p1 2 NextHop)" = 3 ] &&
    [ "$(st_pf $ST/p1 3 NextHop)" = 3 ] &&
    [ "$(st_pf $ST/p1 4 NextHop)" = 3 ]; echo $?) \
    "egctl on edge 1: next hop 3 for peers 2, 3 and 4"
ok $([ "$(jq -r '.Peers[] | select(.Name == "supernode IPv4") | .Online' \
    $ST/p1)" = true ]; echo $?) "egctl on edge 1: the supernode is online"
# What an edge measures is the delay from the peer to itself.
_n=30
_l=$(st_pf $ST/p1 3 LatencyMs)
until fcmp "$_l" ">=" 29.9 && fcmp "$_l" "<=" 32 || [ $_n -eq 0 ]; do
	sleep 0.5
	_n=$((_n - 1))
	_l=$(st_show 1 | st_pf /dev/stdin 3 LatencyMs)
done
ok $(fcmp "$_l" ">=" 29.9 && fcmp "$_l" "<=" 32; echo $?) \
    "egctl on edge 1: latency from 3 is ${_l} ms (30 ms one way)"

st_ping 1 10.78.0.2 20
ok $? "ping 1 -> 2"

# The per-peer counters show the two directions taking different paths.
st_show 1 >$ST/a1
st_show 2 >$ST/a2
ns_exec 1 ping -n -q -c 100 -i 0.02 -W 2 10.78.0.2 >$ST/ping.out 2>&1
rx=$(st_received $ST/ping.out)
ok $([ $rx -eq 100 ]; echo $?) "100 pings 1 -> 2, lossless links: $rx answered"
st_show 1 >$ST/b1
st_show 2 >$ST/b2
delta() {	# delta PEER FIELD NODE: the growth of a counter
	echo $(($(st_pf $ST/b$3 $1 $2) - $(st_pf $ST/a$3 $1 $2)))
}
ok $([ $(delta 3 TxPackets 1) -ge 100 ] && [ $(delta 2 TxPackets 1) -lt 20 ]
    echo $?) "edge 1 sends to 3: $(delta 3 TxPackets 1) packets, to 2:" \
    "$(delta 2 TxPackets 1)"
ok $([ $(delta 2 RxPackets 1) -ge 100 ] && [ $(delta 3 RxPackets 1) -lt 20 ]
    echo $?) "edge 1 hears the answers from 2: $(delta 2 RxPackets 1)" \
    "packets, from 3: $(delta 3 RxPackets 1)"
ok $([ $(delta 1 TxPackets 2) -ge 100 ] && [ $(delta 3 TxPackets 2) -lt 20 ]
    echo $?) "edge 2 answers to 1 directly: $(delta 1 TxPackets 2)" \
    "packets, to 3: $(delta 3 TxPackets 2)"

# A ping every 50 ms across the cut: the gap in the answers is the time
# the network takes to route around it.
stamp() { date +%s.%N; }
ns_exec 1 ping -n -D -i 0.05 -W 1 10.78.0.2 >$ST/cut.ping 2>&1 &
_pp=$!
NETSIM_PIDS="$NETSIM_PIDS $_pp"
sleep 1
_t0=$(stamp)
netsim cut 1 3 >/dev/null
ok $? "cut the link 1 - 3"
sp_wait_nh 1 2 2 200
ok $? "the supernode routes 1 -> 2 directly"
_t1=$(stamp)
_n=100
until awk -v t="$_t0" -F'[][]' '/bytes from/ && $2 > t + 0 { f = 1 }
    END { exit !f }' $ST/cut.ping || [ $_n -eq 0 ]; do
	sleep 0.1
	_n=$((_n - 1))
done
# The first answer after the cut that came later than the path's own
# delay (60 ms) can only have taken the new route.
_back=$(awk -v t="$_t0" -F'[][]' '/bytes from/ && $2 > t + 0.1 {
    printf "%.2f", $2 - t; exit }' $ST/cut.ping)
_route=$(awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.2f", b - a }')
_limit=$(awk -v a=$SP_ALIVE -v c=$SP_CHECK -v d=$SP_COOL \
    'BEGIN { print a + c + d + 2 }')
ok $(fcmp "${_back:--}" "<=" "$_limit"; echo $?) \
    "traffic 1 -> 2 flows again ${_back:-never} s after the cut" \
    "(limit: PeerAliveTimeout $SP_ALIVE + check $SP_CHECK +" \
    "cool-down $SP_COOL + 2)"
diag "convergence after a link cut: table ${_route} s, traffic ${_back} s"
sp_state >$ST/cut.state
ok $([ "$(sp_nh $ST/cut.state 1 3)" = 4 ] &&
    [ "$(sp_nh $ST/cut.state 2 3)" = 4 ] &&
    [ "$(sp_nh $ST/cut.state 3 1)" = 2 ] &&
    [ "$(jq -r '.Edges["1"]["3"] // "gone"' $ST/cut.state)" = gone ]
    echo $?) "1 -> 3 and 2 -> 3 go through 4, 3 -> 1 through 2;" \
    "the cut link is gone from Edges"

_t0=$(stamp)
netsim heal 1 3 >/dev/null
sp_wait_nh 1 2 3 200
ok $? "healed: the supernode routes 1 -> 2 through 3 again"
_heal=$(awk -v a="$_t0" -v b="$(stamp)" 'BEGIN { printf "%.2f", b - a }')
diag "after healing: table ${_heal} s"
# Both directions of the link must be measured again.
_n=100
until links_measured || [ $_n -eq 0 ]; do
	sleep 0.1
	_n=$((_n - 1))
done
ok $(cmp -s $ST/want $ST/got; echo $?) "and the whole table is back"
kill $_pp 2>/dev/null
wait $_pp 2>/dev/null

sp_wait_hop 1 2 3
st_show 1 >$ST/a1
ns_exec 1 ping -n -q -c 50 -i 0.02 -W 2 10.78.0.2 >$ST/ping.out 2>&1
rx=$(st_received $ST/ping.out)
ok $([ $rx -eq 50 ]; echo $?) "50 pings 1 -> 2 after healing: $rx answered"
st_show 1 >$ST/b1
ok $([ $(delta 3 TxPackets 1) -ge 50 ]; echo $?) \
    "edge 1 relays through 3 again: $(delta 3 TxPackets 1) packets"

for _i in 1 2 3 4 S; do
	why=$(st_healthy $_i)
	ok $? "daemon $_i: still running, no fatal error in its log ($why)"
done
for _i in 1 2 3 4 S; do
	st_stop $_i
done
netsim_stop
ok $? "nothing left behind"
tap_done
