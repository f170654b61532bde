#!/bin/sh
# Super mode falling back to P2P mode: four edges with UseSuperNode and
# UseP2P, SuperNodeInfoTimeout 3 s, and a supernode (node 5), on the WAN
# of super_routes.t with every delay doubled, so that each best path
# wins by 10 ms or more even when a loaded machine adds to what a Pong
# measures:
#
#	ms	to 1	to 2	to 3	to 4
#	from 1	-	60	10	60
#	from 2	10	-	60	20
#	from 3	60	10	-	40
#	from 4	50	30	10	-
#
# 1 reaches 2 through 3 (20 ms against 60 direct).  Checked: with the
# supernode up the edges use its table (egctl show routes has no
# distances: the supernode computed it); the supernode stopped, each
# edge says it falls back after SuperNodeInfoTimeout, its route process
# computes the same next hops on the flooded Pongs (with distances
# now), and pings 1 -> 2 keep being answered across the switch; a cut
# of 1 - 3 while the supernode is away reroutes 1 -> 2 straight, which
# only the edges can have decided; the supernode started again, every
# edge says it is back, the supernode's table is in force again, and
# traffic flows.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
. "$TOP/regress/net/super.sh"
sp_need

DELAYS="1-2:60 2-1:10 1-3:10 3-1:60 3-2:10 2-3:60 1-4:60 4-1:50 2-4:20
    4-2:30 3-4:40 4-3:10"
INFO=3		# SuperNodeInfoTimeout

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
	# The P2P block, and the timeout, in the edge's DynamicRoute.
	sed -i -e "s/^    SuperNodeInfoTimeout: .*/    SuperNodeInfoTimeout: $INFO/" \
	    -e '/^  NTPConfig:$/i\
  DupCheckTimeout: 10\
  P2P:\
    UseP2P: true\
    SendPeerInterval: 2\
    GraphRecalculateSetting:\
      StaticMode: false\
      JitterTolerance: 1\
      JitterToleranceMultiplier: 1.01\
      TimeoutCheckInterval: 0.5\
      RecalculateCoolDown: 0.5' $ST/n$_i.conf
	sp_start_edge $_i
done
st_wait 1 && st_wait 2 && st_wait 3 && st_wait 4
ok $? "four edges up, super mode with P2P mode configured"
ok $(grep -q "^    UseP2P: true$" $ST/n1.conf &&
    grep -q "^    UseSuperNode: true$" $ST/n1.conf; echo $?) \
    "the edges' configs set both UseSuperNode and UseP2P"

# rows I: edge I's own next hops as "DST:HOP ...", and whether they
# come with distances (only P2P mode's route engine has them).
rows() {
	"$EGCTL" -j -s $ST/s$1.sock show routes 2>/dev/null |
	    jq -r '[.[] | "\(.Dst):\(.NextHop)"] | sort | join(" ")'
}
dists() {
	"$EGCTL" -j -s $ST/s$1.sock show routes 2>/dev/null |
	    jq -r '[.[] | .DistMs != null] | all'
}
wait_rows() {	# wait_rows I ROWS DISTS [TENTHS]
	_n=${4:-300}
	while [ "$_n" -gt 0 ]; do
		[ "$(rows $1)" = "$2" ] && [ "$(dists $1)" = "$3" ] &&
		    return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
# By hand from the matrix (super_routes.t derives them on the same
# matrix halved, and checks the derivation by Floyd-Warshall in awk).
R1="2:3 3:3 4:3"
R2="1:1 3:1 4:4"
R3="1:2 2:2 4:2"
R4="1:3 2:3 3:3"
# 1 - 3 cut: 2 direct (60; 1-4-2 90), 3 through 4 (1-4-3 70; 1-2-4-3
# 90), 4 direct (60; 1-2-4 80).
R1CUT="2:2 3:4 4:4"
sup_ok=0
for _i in 1 2 3 4; do
	eval "_r=\$R$_i"
	wait_rows $_i "$_r" false || { sup_ok=1; diag "edge $_i: $(rows $_i)"; }
done
ok $sup_ok "the supernode's table is in force on every edge"

stamp() { date +%s.%N; }
wait_log() {	# wait_log FILE REGEX [TENTHS]
	_n=${3:-100}
	until grep -q -- "$2" "$1" 2>/dev/null || [ "$_n" -eq 0 ]; do
		sleep 0.1
		_n=$((_n - 1))
	done
	grep -q -- "$2" "$1" 2>/dev/null
}
# 10 s of pings: the switch happens 2 to 4 s after the stop, and the
# edges' own tables a second later.
ns_exec 1 ping -n -D -c 100 -i 0.1 -W 1 10.78.0.2 >$ST/fb.ping 2>&1 &
_pp=$!
NETSIM_PIDS="$NETSIM_PIDS $_pp"
sleep 1
_t0=$(stamp)
sp_stop_super
ok $? "the supernode stopped"
fell=0
for _i in 1 2 3 4; do
	wait_log $ST/log$_i "^engine: no answer from the supernode for [0-9]* s (SuperNodeInfoTimeout $INFO s): P2P mode until it is back\$" 200 ||
	    fell=1
done
ok $fell "every edge falls back to P2P mode"
_fell=$(awk -v a="$_t0" -v b="$(stamp)" 'BEGIN { printf "%.1f", b - a }')
p2p_ok=0
for _i in 1 2 3 4; do
	eval "_r=\$R$_i"
	wait_rows $_i "$_r" true 200 ||
	    { p2p_ok=1; diag "edge $_i: $(rows $_i) $(dists $_i)"; }
done
ok $p2p_ok "each edge's route process computes the same next hops"
_p2p=$(awk -v a="$_t0" -v b="$(stamp)" 'BEGIN { printf "%.1f", b - a }')
diag "after the supernode stopped: all fell back ${_fell} s, P2P tables ${_p2p} s"
wait $_pp
# The longest silence among the answers across the switch.
_gap=$(awk -F'[][]' '/bytes from/ { if (p && $2 - p > g) g = $2 - p; p = $2 }
    END { printf "%.2f", g }' $ST/fb.ping)
_sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' $ST/fb.ping)
_rx=$(st_received $ST/fb.ping)
ok $([ "$_rx" -gt 0 ] && fcmp "$_gap" "<" 1.5; echo $?) \
    "pings 1 -> 2 answered across the switch: $_rx of $_sent, longest gap ${_gap} s"

st_show 1 >$ST/p1
ok $([ "$(st_pf $ST/p1 2 NextHop)" = 3 ] &&
    [ "$(jq -r '.Peers[] | select(.Name == "supernode IPv4") | .Online' \
    $ST/p1)" = false ]; echo $?) \
    "egctl on edge 1: next hop 3 for 2, the supernode offline"
_l=$(st_pf $ST/p1 3 LatencyMs)
ok $(fcmp "$_l" ">=" 59.9 && fcmp "$_l" "<=" 66; echo $?) \
    "P2P mode's Pings measure the latency from 3: $_l ms (60 ms one way)"
"$EGCTL" -j -s $ST/s1.sock show links >$ST/links1
ok $([ "$(jq '[.Links[] | select(.Live)] | length' $ST/links1 2>/dev/null)" = 12 ]
    echo $?) "edge 1 knows all 12 links from the flooded Pongs"

# Only the edges can route around a cut now.
_t0=$(stamp)
netsim cut 1 3 >/dev/null
ok $? "cut the link 1 - 3 while the supernode is away"
wait_rows 1 "$R1CUT" true 200
ok $? "edge 1 routes 2 straight, 3 and 4 through 4 and 2 ($(rows 1))"
diag "reroute after the cut: $(awk -v a="$_t0" -v b="$(stamp)" \
    'BEGIN { printf "%.1f", b - a }') s"
st_ping 1 10.78.0.3 20
ok $? "ping 1 -> 3 around the cut"
netsim heal 1 3 >/dev/null
wait_rows 1 "$R1" true 200
ok $? "healed: edge 1 relays 2 through 3 again"

_t0=$(stamp)
sp_start_super
sp_wait_super
ok $? "the supernode started again"
back=0
for _i in 1 2 3 4; do
	st_wait_line $ST/log$_i "engine: the supernode answers again: the supernode's tables again" 300 ||
	    back=1
done
ok $back "every edge returns to the supernode"
sup_ok=0
for _i in 1 2 3 4; do
	eval "_r=\$R$_i"
	wait_rows $_i "$_r" false 300 ||
	    { sup_ok=1; diag "edge $_i: $(rows $_i) $(dists $_i)"; }
done
ok $sup_ok "the supernode's table is in force again"
diag "after the supernode came back: $(awk -v a="$_t0" -v b="$(stamp)" \
    'BEGIN { printf "%.1f", b - a }') s"
st_ping 1 10.78.0.2 20
ok $? "ping 1 -> 2"
st_show 1 >$ST/p1
ok $([ "$(jq -r '.Peers[] | select(.Name == "supernode IPv4") | .Online' \
    $ST/p1)" = true ]; echo $?) "egctl on edge 1: the supernode is online"

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
