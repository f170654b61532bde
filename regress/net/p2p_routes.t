#!/bin/sh
# P2P mode routes by measured one-way delays: ten edges, no supernode,
# every edge peered with every other (the config's full mesh), on a WAN
# whose delays differ by direction (p2p.sh's P2_MATRIX).  Each edge's
# own row of next hops (egctl show routes) must be the shortest paths of
# those delays, found by a brute force that shares nothing with the
# route engine (p2_solve in p2p.sh).  Twelve paths are relayed, for
# example (ms, one way):
#
#	4 -> 9: 4-1-9 = 48 + 140 = 188 (direct 446)	via 1
#	9 -> 4: direct 140				direct
#	3 -> 7: 3-2-7 = 138 + 62 = 200 (direct 394)	via 2
#	7 -> 3: 7-10-3 = 66 + 66 = 132 (direct 400)	via 10
#
# so 4 -> 9 and 9 -> 4 differ, and 3 -> 7 is not 7 -> 3 reversed.
# Then: traffic 4 -> 9 crosses 1; cutting 1 - 4 reroutes it (and 1 ->
# 4, 4 -> 1, 4 -> 6) once the link's last Pong has outlived its lifetime
# (PeerAliveTimeout), and healing brings the first table back; an
# AdditionalCost of 50 ms on node 1, by a reload, moves the paths that
# relay through it (4 -> 6, 4 -> 9, 8 -> 5).  The times taken are
# reported as diag lines ("reroute after cut: ...").
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
. "$TOP/regress/net/p2p.sh"
st_need

N=10
NODES=$(seq 1 $N | tr '\n' ' ')

# The expected tables, before the test runs anything.
p2_matrix $N >$ST/delays
p2_solve <$ST/delays >$ST/want
p2_without 1 4 <$ST/delays | p2_solve >$ST/want.cut
p2_solve "1:50" <$ST/delays >$ST/want.ac
m0=$(p2_margin $ST/want)
m1=$(p2_margin $ST/want.cut)
m2=$(p2_margin $ST/want.ac)
p2_ok $([ $(wc -l <$ST/want) -eq 90 ] && [ $(wc -l <$ST/want.cut) -eq 90 ] &&
    [ $(wc -l <$ST/want.ac) -eq 90 ] && [ "$m0" -ge 12 ] &&
    [ "$m1" -ge 12 ] && [ "$m2" -ge 12 ]; echo $?) \
    "brute force: 90 next hops, every best path wins by 12 ms or more" \
    "(margins $m0, $m1 with 1 - 4 cut, $m2 with AdditionalCost on 1)"
# The brute force against what the table above reads by hand.
hop() { awk -v s=$2 -v d=$3 '$1 == s && $2 == d { print $3 }' "$1"; }
p2_ok $([ "$(hop $ST/want 4 9)" = 1 ] && [ "$(hop $ST/want 9 4)" = 4 ] &&
    [ "$(hop $ST/want 3 7)" = 2 ] && [ "$(hop $ST/want 7 3)" = 10 ] &&
    [ "$(awk '$3 != $2' $ST/want | wc -l)" -eq 12 ] &&
    [ "$(hop $ST/want.cut 4 9)" = 8 ] && [ "$(hop $ST/want.cut 1 4)" = 5 ] &&
    [ "$(hop $ST/want.ac 4 9)" = 8 ] && [ "$(hop $ST/want.ac 8 5)" = 4 ]
    echo $?) "brute force: the paths the comments name, twelve relayed"

st_keys $N || { echo "Bail out! wg genkey"; exit 1; }
netsim_start -n $N || { echo "Bail out! netsim"; exit 1; }
p2_set_delays <$ST/delays || { echo "Bail out! netsim set"; exit 1; }
st_noipv6 $NODES

conf() {	# conf I: node I's config, every other node a static peer
	p2_conf $1
	for _j in $(p2_others $1 "$NODES"); do
		st_peer $1 $_j $(netsim_addr $_j):3000 true
	done
}
t0=$(p2_stamp)
for i in $NODES; do
	conf $i
	st_start $i
done
up=0
for i in $NODES; do
	st_wait $i && st_wait_line $ST/log$i "engine: P2P mode" &&
	    up=$((up + 1))
done
p2_ok $([ $up -eq $N ]; echo $?) "$N edges up in P2P mode ($up)"
[ $up -eq $N ] || tap_done

bad=
for i in $NODES; do
	p2_wait_sessions $i "$(p2_others $i "$NODES")" || bad="$bad $i"
done
p2_ok $([ -z "$bad" ]; echo $?) \
    "every edge has a session with every other${bad:+ (not:$bad)}"
diag "full mesh of $N: all sessions $(p2_since $t0) s after the start"

p2_wait_tables $ST/want "$NODES" 30
p2_ok $? "every edge's own row is the brute force's: 90 next hops" \
    "$(cat $ST/tdiff)"
diag "routes of $N converged $(p2_since $t0) s after the start"

# What the route engine runs on: node 1 holds all 90 links, each
# measured as the WAN's delay or a little more: what the two egd add,
# their engines' scheduling.  That is under a millisecond on average,
# but on a machine that other work keeps busy a link can run late by
# more for seconds (we saw 22 ms on average at a load of 11), so each
# link must be seen within 3 ms of its delay once in 40 s (the two
# directions of a pair differ by 4 ms or more).  The excess is a diag
# line.
awk '{ print $1 "-" $2, $3 }' $ST/delays | LC_ALL=C sort >$ST/dk
: >$ST/lgood
links_off() {	# the links not seen right yet, into $off
	if timeout 10 "$EGCTL" -j -s $ST/s1.sock show links >$ST/links \
	    2>/dev/null; then
		jq -r '.Links[] | select(.Live) |
		    "\(.Src)-\(.Dst) \(.LatencyMs)"' $ST/links |
		    LC_ALL=C sort >$ST/lk
		LC_ALL=C join $ST/dk $ST/lk | awk '$3 >= $2 - 0.1 &&
		    $3 <= $2 + 3 { print $1 }' >>$ST/lgood
	fi
	off=$(LC_ALL=C sort -u $ST/lgood | LC_ALL=C join -v 1 $ST/dk - |
	    awk '{ printf " %s", $1 }')
}
end=$(p2_deadline 40)
links_off
while [ -n "$off" ] && p2_before $end; do
	sleep 0.5
	links_off
done
p2_ok $([ -z "$off" ]; echo $?) \
    "node 1 measures all 90 links as the WAN's delays${off:+ (off:$off)}"
[ -z "$off" ] || diag "$(cat $ST/lk)"
diag "measured one-way delays exceed the WAN's by" \
    "$(LC_ALL=C join $ST/dk $ST/lk | awk '{ d = $3 - $2; s += d
	if (NR == 1 || d > m) m = d }
	END { printf "%.2f ms on average, %.2f at most", s / NR, m }')"

# Both directions, from the edges' own tables (waited for: a route may
# flip for a moment when a link runs late).
hops() {	# hops I DST J DST2: I's next hop to DST, J's to DST2
	p2_routes $1 >$ST/r$1 2>/dev/null
	p2_routes $3 >$ST/r$3 2>/dev/null
	echo $(p2_nh $ST/r$1 $1 $2) $(p2_nh $ST/r$3 $3 $4)
}
is_hops() {	# is_hops I DST J DST2 "HOP HOP2": hops says that
	[ "$(hops $1 $2 $3 $4)" = "$5" ]
}
st_until 100 is_hops 4 9 9 4 "1 4"
p2_ok $? "4 -> 9 goes through 1, 9 -> 4 directly ($(hops 4 9 9 4))"
st_until 100 is_hops 3 7 7 3 "2 10"
p2_ok $? "3 -> 7 goes through 2, 7 -> 3 through 10 ($(hops 3 7 7 3))"

# Traffic.  The floods (every Pong to every peer) make each peer's
# counters grow by some 10 kB/s whatever the data does, so the data are
# 50 pings of 1300 bytes (66 kB and more each way, in about a second
# and a half) and a path "carries" them if a counter grows by that much
# and "not" if by less than half of it.
st_ping 4 10.81.0.9 20
p2_ok $? "ping 4 -> 9 over the overlay"
DATA=$((50 * 1300))
bytes() {	# bytes NODE PEER FIELD TAG: a counter in snap TAG
	st_pf $ST/show$4.$1 $2 $3
}
snap() {	# snap TAG: show peers of 4, 1, 8 and 9 into $ST/showTAG.I
	for _i in 4 1 8 9; do
		st_show $_i >$ST/show$1.$_i
	done
}
grown() {	# grown NODE PEER: its TxBytes' growth from snap a to snap b
	echo $(($(bytes $1 $2 TxBytes b) - $(bytes $1 $2 TxBytes a)))
}
carries() {	# carries NODE PEER: the data went NODE -> PEER
	[ $(grown $1 $2) -ge $DATA ]
}
spares() {	# spares NODE PEER: the data did not
	[ $(grown $1 $2) -lt $((DATA / 2)) ]
}
# burst CHECK: 50 big pings 4 -> 9 between two snaps, until all are
# answered and the shell function CHECK holds (three tries: a route
# that flips for a moment spoils one).
burst() {
	_b=3
	while :; do
		snap a
		ns_exec 4 ping -n -q -c 50 -i 0.02 -s 1300 -W 2 10.81.0.9 \
		    >$ST/ping.out 2>&1
		snap b
		rx=$(st_received $ST/ping.out)
		[ "$rx" -eq 50 ] && $1 && return 0
		_b=$((_b - 1))
		[ $_b -gt 0 ] || return 1
		sleep 1
	done
}
via1() {
	carries 4 1 && spares 4 9 && carries 1 9 && carries 9 4 && spares 9 1
}
burst via1
p2_ok $? "50 pings of 1300 bytes 4 -> 9 ($rx answered): 4 sends them to 1" \
    "($(grown 4 1) bytes, to 9 $(grown 4 9)), 1 on to 9 ($(grown 1 9));" \
    "9 answers 4 directly ($(grown 9 4), to 1 $(grown 9 1))"

# The cut.  A ping 4 -> 9 every 50 ms runs across it: the gap in its
# answers is the time the network takes to route around it.  What
# changes: 1 -> 4 and 4 -> 1 go through 5, 4 -> 6 and 4 -> 9 through 8.
ns_exec 4 ping -n -D -i 0.05 -W 1 10.81.0.9 >$ST/cut.ping 2>&1 &
pp=$!
NETSIM_PIDS="$NETSIM_PIDS $pp"
sleep 1
tc=$(p2_stamp)
netsim cut 1 4 >/dev/null
p2_ok $? "cut the link 1 - 4"
# Every edge's row, polled; the time each first showed the new answer.
rm -f $ST/when.*
end=$(p2_deadline 20)
while :; do
	all=1
	for i in $NODES; do
		if [ -z "$(p2_row_diff $i $ST/want.cut)" ]; then
			[ -e $ST/when.$i ] || p2_since $tc >$ST/when.$i
		else
			all=0
		fi
	done
	[ $all = 1 ] && break
	p2_before $end || break
	sleep 0.1
done
tall=$(p2_since $tc)
p2_wait_tables $ST/want.cut "$NODES" 10
p2_ok $? "after the cut every edge's row is the brute force's without 1 - 4" \
    "$(cat $ST/tdiff)"
limit=$(awk -v a=$P2_ALIVE -v c=$P2_CHECK -v d=$P2_COOL \
    'BEGIN { print a + c + d + 3 }')
t1=$(cat $ST/when.1 2>/dev/null || echo -)
t4=$(cat $ST/when.4 2>/dev/null || echo -)
p2_ok $(fcmp "$t1" "<=" "$limit" && fcmp "$t4" "<=" "$limit"; echo $?) \
    "1 and 4 reroute within $limit s (PeerAliveTimeout $P2_ALIVE +" \
    "checks $P2_CHECK + cool-down $P2_COOL + 3): $t1 s, $t4 s"
# An answer later than the old path's round trip (188 + 140 ms) after
# the cut can only have taken the new one.
n=100
until awk -v t="$tc" -F'[][]' '/bytes from/ && $2 > t + 0.5 { f = 1 }
    END { exit !f }' $ST/cut.ping || [ $n -eq 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
back=$(awk -v t="$tc" -F'[][]' '/bytes from/ && $2 > t + 0.5 {
    printf "%.1f", $2 - t; exit }' $ST/cut.ping)
p2_ok $(fcmp "${back:--}" "<=" "$limit"; echo $?) \
    "traffic 4 -> 9 flows again ${back:-never} s after the cut"
diag "reroute after cut: node 1 $t1 s, node 4 $t4 s, all $N edges" \
    "$tall s; traffic 4 -> 9 back after ${back:-never} s"
p2_ok $([ $(ls $ST/when.* | wc -l) -eq $N ]; echo $?) \
    "each edge showed its new row (the last in $tall s)"
kill $pp 2>/dev/null
wait $pp 2>/dev/null

via8() {
	carries 4 8 && spares 4 1 && carries 8 9
}
burst via8
p2_ok $? "cut: 50 pings 4 -> 9 ($rx answered) through 8" \
    "($(grown 4 8) bytes to 8, $(grown 4 1) to 1, 8 to 9 $(grown 8 9))"

th=$(p2_stamp)
netsim heal 1 4 >/dev/null
p2_wait_tables $ST/want "$NODES" 20
p2_ok $? "healed: every edge's row is the first table again $(cat $ST/tdiff)"
diag "routes back after heal: $(p2_since $th) s"
back1() {
	carries 4 1 && spares 4 8
}
burst back1
p2_ok $? "healed: 50 pings 4 -> 9 ($rx answered) through 1 again" \
    "($(grown 4 1) bytes to 1, $(grown 4 8) to 8)"

# AdditionalCost: node 1's own, carried by its Pongs to every other
# edge, is the cost of entering 1.  50 ms moves 4 -> 6, 4 -> 9 and
# 8 -> 5 off 1; the routes to 1 keep their next hops.
P2_AC_1=50
conf 1
st_reload 1
p2_ok $? "reload node 1 with AdditionalCost 50"
ta=$(p2_stamp)
p2_wait_tables $ST/want.ac "$NODES" 20
p2_ok $? "every edge's row is the brute force's with AdditionalCost 50 on 1" \
    "$(cat $ST/tdiff)"
diag "routes after AdditionalCost on node 1: $(p2_since $ta) s"
off1() {
	carries 4 8 && spares 4 1
}
burst off1
p2_ok $? "AdditionalCost: 50 pings 4 -> 9 ($rx answered) through 8" \
    "($(grown 4 8) bytes to 8, $(grown 4 1) to 1)"

for i in $NODES; do
	why=$(st_healthy $i)
	p2_ok $? "edge $i: still running, no fatal error in its log ($why)"
done
for i in $NODES; do
	st_stop $i
done
netsim_stop
p2_ok $? "nothing left behind"
tap_done
