#!/bin/sh
# Reload in super mode: edges 1 and 2, eg-supd in node 3.  Pings cross
# the overlay during every reload that applies, and every one is
# answered; egctl reload's answer is the truth.
#
# - The supernode's key changes: eg-supd restarts with a new PrivKeyV4
#   (and an edge 4 more in its Peers), and the edges cannot talk to it
#   (UDP or EdgeAPI) until a reload gives them its new PubKeyV4: then a
#   new session comes up and they fetch the new peer list, over the
#   EdgeAPI with the key made from the new public key.  The supernode's
#   next-hop table is static, so that its restart does not take the
#   routes away for a while (super_restart.t is about that).
# - UseSuperNode off: the edges go on with the peers and table of their
#   config; no supernode peer is left, and the supernode sees them go
#   silent (no more Registers).  Back on is refused by name: control
#   gave up network access in static mode.
# - eg-supd: a restart key (ListenPort) is refused by name; a
#   DampingFilterRadius the route engine cannot take is refused by it,
#   and the Manage API keeps working on the old config.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
. "$TOP/regress/net/super.sh"
sp_need

st_keys 4 && sp_keys || { echo "Bail out! wg genkey"; exit 1; }
wg genkey >$ST/sk4b && wg pubkey <$ST/sk4b >$ST/sp4b ||
    { echo "Bail out! wg genkey"; exit 1; }
netsim_start -n 3 || { echo "Bail out! netsim"; exit 1; }
st_noipv6 1 2

reload() {	# reload I: egctl reload of node I (S: the supernode)
	timeout 10 "$EGCTL" -s $ST/s$1.sock reload >$ST/answer 2>&1
}
# ping_bg I ADDR N: N pings 0.1 s apart, in the background; ping_count
# waits for them and sets n to how many were answered.
ping_bg() {
	ns_exec "$1" ping -n -q -c "$3" -i 0.1 -W 2 "$2" >$ST/ping.out 2>&1 &
	PING_PID=$!
}
ping_count() {
	wait $PING_PID
	n=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' $ST/ping.out)
}
# wait_jq I FILTER [TENTHS]: until FILTER is true of egctl -j show peers
# of node I (10 s); the last output in $ST/show.I.
wait_jq() {
	_t=${3:-100}
	while [ $_t -gt 0 ]; do
		st_show $1 >$ST/show.$1 2>/dev/null &&
		    [ "$(jq "$2" $ST/show.$1)" = true ] && return 0
		sleep 0.1
		_t=$((_t - 1))
	done
	return 1
}
SUPER_ON='[.Peers[] | select(.NodeID == 65533 and .Online)] | length > 0'

# super_conf EDGES: the supernode's config, with a static next-hop
# table, so that a restarted supernode hands out the same one at once.
super_conf() {
	sp_super_conf 3 "$1" "NextHopTable:" "  1:" "    2: 2" "  2:" \
	    "    1: 1"
	sed -i 's|^  StaticMode: false|  StaticMode: true|' $ST/super.conf
}

SP_AC_1=10 SP_AC_2=10
super_conf "1 2"
sp_edge_conf 1
sp_edge_conf 2
sp_start_super
sp_wait_super
ok $? "supernode up"
sp_start_edge 1
sp_start_edge 2
st_wait 1 && st_wait 2
ok $? "edges 1 and 2 up"
sp_wait_peers 1 1 && sp_wait_peers 2 1
ok $? "the edges know each other"
st_ping 1 10.78.0.2
ok $? "ping 1 -> 2"

# ---- the supernode's key ------------------------------------------------

sp_stop_super
cp $ST/sk4b $ST/sk4
super_conf "1 2 4"
sp_start_super
sp_wait_super
ok $? "eg-supd restarted with a new PrivKeyV4 and edge 4"
# The edges' sessions with the old key are gone with the old process;
# with the new key none can be made.
wait_jq 1 "($SUPER_ON) | not" 150
ok $? "edge 1 has the supernode offline (it has another key now)"
ok $([ "$(jq '[.Peers[] | select(.NodeID == 4)] | length' $ST/show.1)" = 0 ]
    echo $?) "edge 1 has not heard of edge 4"
# Its state reports (every HttpPostInterval) are signed with the old key.
t=100
while ! grep -q 'EdgeAPI .*HTTP 401' $ST/log1 && [ $t -gt 0 ]; do
	sleep 0.1
	t=$((t - 1))
done
ok $([ $t -gt 0 ]; echo $?) "edge 1's EdgeAPI requests are refused (HTTP 401)"
for i in 1 2; do
	sed -i "s|^    PubKeyV4: .*|    PubKeyV4: $(cat $ST/sp4b)|" $ST/n$i.conf
done
ping_bg 1 10.78.0.2 40
sleep 1
reload 1
r1=$?
a1=$(cat $ST/answer)
reload 2
r2=$?
ok $([ $r1 = 0 ] && [ $r2 = 0 ] && [ "$a1" = "config reloaded" ] &&
    [ "$(cat $ST/answer)" = "config reloaded" ]; echo $?) \
    "both edges reload with the new PubKeyV4: $a1"
ping_count
ok $([ "$n" = 40 ]; echo $?) "pings across the reloads: $n of 40 answered"
wait_jq 1 "$SUPER_ON" 150 && wait_jq 2 "$SUPER_ON" 150
ok $? "both edges have the supernode online again"
wait_jq 1 '[.Peers[] | select(.NodeID == 4)] | length == 1' 150
ok $? "edge 1 fetched the new peer list (edge 4 in it) with the new EdgeAPI key"

# ---- UseSuperNode off --------------------------------------------------

# static_conf I: edge I on its own: the other edge at its WAN address.
static_conf() {
	_o=$((3 - $1))
	sed -i -e 's|^    UseSuperNode: true|    UseSuperNode: false|' \
	    -e '/^NextHopTable:/,$d' $ST/n$1.conf
	{
		echo "NextHopTable:"
		echo "  1:"
		echo "    2: 2"
		echo "  2:"
		echo "    1: 1"
		echo "Peers:"
		echo "- NodeID: $_o"
		echo "  PubKey: $(cat $ST/p$_o)"
		echo "  EndPoint: $(netsim_addr $_o):3000"
		echo "  Static: true"
	} >>$ST/n$1.conf
}
static_conf 1
static_conf 2
ping_bg 1 10.78.0.2 40
sleep 1
reload 1
r1=$?
a1=$(cat $ST/answer)
reload 2
r2=$?
ok $([ $r1 = 0 ] && [ $r2 = 0 ] && [ "$a1" = "config reloaded" ] &&
    [ "$(cat $ST/answer)" = "config reloaded" ]; echo $?) \
    "both edges reload with UseSuperNode false: $a1"
ping_count
ok $([ "$n" = 40 ]; echo $?) "pings across the reloads: $n of 40 answered"
st_show 1 >$ST/e1
ok $([ "$(jq '[.Peers[] | .NodeID] | sort' -c $ST/e1)" = "[2]" ] &&
    [ "$(st_pf $ST/e1 2 NextHop)" = 2 ] &&
    [ "$(st_pf $ST/e1 2 Static)" = true ]; echo $?) \
    "edge 1: only its configured peer 2, Static, as next hop ($(jq -c '[.Peers[] | .NodeID]' $ST/e1))"
timeout 10 "$EGCTL" -s $ST/s1.sock show routes all >$ST/routes1
ok $([ "$(wc -l <$ST/routes1)" = 3 ] && grep -Eq '^1 +2 +2 ' $ST/routes1 &&
    grep -Eq '^2 +1 +1 ' $ST/routes1; echo $?) \
    "edge 1's routes are its config's table"
# No more Registers: past PeerAliveTimeout the supernode has them offline.
t=150
while [ $t -gt 0 ]; do
	timeout 10 "$EGCTL" -j -s $ST/sS.sock show peers >$ST/sp
	[ "$(st_pf $ST/sp 1 Online)" = false ] &&
	    [ "$(st_pf $ST/sp 2 Online)" = false ] && break
	sleep 0.1
	t=$((t - 1))
done
ok $([ $t -gt 0 ]; echo $?) "the supernode sees edges 1 and 2 go silent"
ping_bg 2 10.78.0.1 10
ping_count
ok $([ "$n" = 10 ]; echo $?) "static mode forwards: $n of 10 answered"

# Back to super mode needs a restart: control has no network access now.
cp $ST/n1.conf $ST/n1.static
sed -i 's|^    UseSuperNode: false|    UseSuperNode: true|' $ST/n1.conf
reload 1
rc=$?
ok $([ $rc = 1 ] && grep -q "^egctl: control refused it: DynamicRoute.SuperNode.UseSuperNode: .*restart egd" \
    $ST/answer; echo $?) "UseSuperNode on again is refused: $(cat $ST/answer)"
st_show 1 >$ST/e2
ok $([ "$(jq '[.Peers[] | .NodeID] | sort' -c $ST/e2)" = "[2]" ]; echo $?) \
    "edge 1 is still in static mode"

# ---- eg-supd ----------------------------------------------------------

cp $ST/super.conf $ST/super.good
sed -i 's|^ListenPort: .*|ListenPort: 3457|' $ST/super.conf
reload S
rc=$?
ok $([ $rc = 1 ] && grep -q "^egctl: ListenPort changed: restart eg-supd to apply it" \
    $ST/answer; echo $?) "eg-supd: ListenPort refused by name: $(cat $ST/answer)"
cp $ST/super.good $ST/super.conf
sed -i -e 's|^DampingFilterRadius: .*|DampingFilterRadius: 100|' \
    -e 's|^  AdditionalCost: 10|  AdditionalCost: 20|' $ST/super.conf
reload S
rc=$?
ok $([ $rc = 1 ] && grep -q "^egctl: route refused it: DampingFilterRadius 100: the route engine takes at most 32; config not reloaded" \
    $ST/answer; echo $?) "eg-supd: the route engine refuses a radius: $(cat $ST/answer)"
sp_state >$ST/state
ok $([ "$(jq '.PeerInfo | keys | length' $ST/state)" = 3 ]; echo $?) \
    "the Manage API answers, on the config that runs"
cp $ST/super.good $ST/super.conf
sed -i 's|^  AdditionalCost: 10|  AdditionalCost: 20|' $ST/super.conf
reload S
ok $? "eg-supd: AdditionalCost applied: $(cat $ST/answer)"

for i in 1 2 S; do
	ok $(grep -q 'fatal\|killed by signal' $ST/log$i; [ $? -ne 0 ]; echo $?) \
	    "node $i: no fatal error in its log"
done
netsim_stop
ok $? "nothing left behind"
tap_done
