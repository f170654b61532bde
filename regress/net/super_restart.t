#!/bin/sh
# The supernode restarts: edges 1-3 on public nodes, eg-supd on node 4.
#
# - While eg-supd is stopped the edges keep forwarding: they keep the
#   peers, sessions and next-hop table they have, and their Pings keep
#   the sessions between them alive; only the routes stop changing.
# - Started again with the same file, it gets the edges back: they
#   report again (fresh LastSeen), and the next-hop table is complete
#   again.  The edges' WireGuard sessions with the old process are dead,
#   and they notice only by WireGuard's own rule: a new handshake when
#   data sent got no answer for 15 s.  Until then their EdgeAPI posts
#   (HTTP) get through, but the supernode counts latencies only of
#   edges registered over UDP, so the table may take that long.
# - Nothing is lost from the file: an edge added through the Manage API
#   before the restart is still in the file and in the state after it,
#   and neither stopping nor starting changes the file.
# - The same after a SIGKILL of the parent: its children go by
#   themselves, and the new eg-supd replaces the stale control socket.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
. "$TOP/regress/net/super.sh"
sp_need

st_keys 4 && sp_keys || { echo "Bail out! wg genkey"; exit 1; }
netsim_start -n 4 || { echo "Bail out! netsim"; exit 1; }
st_noipv6 1 2 3

# A hop through an edge costs 10 ms, so that the latencies measured (a
# fraction of a millisecond, with jitter on a loaded machine) keep
# every pair direct.
SP_AC_1=10 SP_AC_2=10 SP_AC_3=10
sp_super_conf 4 "1 2 3"
for i in 1 2 3; do
	sp_edge_conf $i
done
sp_start_super
sp_wait_super
ok $? "supernode up"
for i in 1 2 3; do
	sp_start_edge $i
done
st_wait 1 && st_wait 2 && st_wait 3
ok $? "edges 1-3 up"

# nh_full [TENTHS]: until the supernode's table has a next hop for
# every pair of edges 1-3 (30 s); the last state is in $ST/state.
nh_full() {
	_t=${1:-300}
	while [ "$_t" -gt 0 ]; do
		if sp_state >$ST/state 2>/dev/null &&
		    [ "$(jq '[.NhTable["1"]["2","3"], .NhTable["2"]["1","3"],
		    .NhTable["3"]["1","2"]] | map(select(. != null)) | length' \
		    $ST/state)" = 6 ]; then
			return 0
		fi
		sleep 0.1
		_t=$((_t - 1))
	done
	return 1
}

# seen_since T [TENTHS]: until the supernode's state has every edge 1-3
# with a LastSeen at or after T (seconds since the epoch, 40 s).
seen_since() {
	_t=${2:-400}
	while [ "$_t" -gt 0 ]; do
		if sp_state >$ST/seen 2>/dev/null; then
			_ok=0
			for _i in 1 2 3; do
				_s=$(jq -r ".PeerInfo[\"$_i\"].LastSeen" $ST/seen)
				_e=$(date -d "${_s% UTC}" +%s 2>/dev/null)
				[ "${_e:-0}" -ge "$1" ] 2>/dev/null || _ok=1
			done
			[ $_ok = 0 ] && return 0
		fi
		sleep 0.1
		_t=$((_t - 1))
	done
	return 1
}

pings() {	# every edge reaches the two others over the overlay
	st_ping 1 10.78.0.2 && st_ping 2 10.78.0.3 && st_ping 3 10.78.0.1
}

# super_has_7: edge 7 is in the supernode's state and its egctl list.
super_has_7() {
	sp_state >$ST/s7 &&
	    [ "$(jq -r '.PeerInfo["7"].Name' $ST/s7)" = edge7 ] &&
	    timeout 10 "$EGCTL" -j -s $ST/sS.sock show peers >$ST/p7 &&
	    [ "$(st_pf $ST/p7 7 Name)" = edge7 ]
}

nh_full
ok $? "the supernode has a next hop for every pair"
pings
ok $? "pings between the edges"

# An edge added at run time, written into the file by eg-supd.
cp $ST/super.conf $ST/conf.0
sp_curl 1 -X POST -H "X-EG-Password: pw_add" --data-urlencode NodeID=7 \
    --data-urlencode Name=edge7 --data-urlencode "PubKey=$(cat $ST/p4)" \
    --data-urlencode AdditionalCost=5 "$(sp_url /manage/peer/add)" >$ST/add
ok $([ "$(tail -n 1 $ST/add)" = 200 ]; echo $?) \
    "manage/peer/add of edge 7: HTTP $(tail -n 1 $ST/add)"
cp $ST/super.conf $ST/conf.1
# What the file says, every key with its default, before and after:
# the same but for the new peer.
"$EGSUPD" -n -f $ST/conf.0 >$ST/eff.0 2>&1 &&
    "$EGSUPD" -n -f $ST/conf.1 >$ST/eff.1 2>&1
ok $? "both files are valid"
diff $ST/eff.0 $ST/eff.1 >$ST/eff.diff
# Only lines added, and all of them edge 7's entry in Peers.
ok $(! grep -q '^<' $ST/eff.diff &&
    [ "$(grep '^>' $ST/eff.diff | head -n 1)" = "> - NodeID: 7" ] &&
    ! grep '^>' $ST/eff.diff | sed 1d | grep -qv '^>   ' &&
    grep -qxF ">   Name: edge7" $ST/eff.diff &&
    grep -qxF ">   PubKey: $(cat $ST/p4)" $ST/eff.diff &&
    grep -qxF ">   AdditionalCost: 5" $ST/eff.diff; echo $?) \
    "the file has edge 7 added and nothing else changed"
super_has_7
ok $? "edge 7 is in the state and in egctl show peers"

# ---- stop -------------------------------------------------------------

pid=$(cat $ST/pidS)
kill -TERM $pid
n=100
while kill -0 $pid 2>/dev/null && [ $n -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
ok $(! kill -0 $pid 2>/dev/null && [ ! -e $ST/sS.sock ]; echo $?) \
    "SIGTERM: eg-supd is gone, and has removed its control socket"
st_reap S	# its exit status, 0, for st_healthy at the end
cmp -s $ST/conf.1 $ST/super.conf
ok $? "stopping left the file as it was"
pings
ok $? "without the supernode the edges still forward"
# Past PeerAliveTimeout the supernode is offline for the edges; their
# sessions with each other stay up (their Pings keep them alive).
n=100
while [ $n -gt 0 ] && st_show 1 >$ST/e1 &&
    [ "$(jq '[.Peers[] | select(.NodeID == 65533 and .Online)] | length' \
    $ST/e1)" != 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
ok $([ $n -gt 0 ]; echo $?) "edge 1 sees the supernode offline"
pings
ok $? "and still forwards, with the peers and table it has"
ok $([ "$(st_pf $ST/e1 2 Online)" = true ] &&
    [ "$(st_pf $ST/e1 3 Online)" = true ] &&
    [ "$(st_pf $ST/e1 2 NextHop)" = 2 ] &&
    [ "$(st_pf $ST/e1 3 NextHop)" = 3 ]; echo $?) \
    "edge 1 has edges 2 and 3 online, as next hops\
 ($(jq -c '[.Peers[] | select(.NodeID < 4) | [.NodeID, .Online, .NextHop]]' \
    $ST/e1))"

# ---- start again -------------------------------------------------------

# restarted WHAT: the checks after each start.
restarted() {
	seen_since $t0
	ok $? "$1: edges 1-3 report again (LastSeen since the start)"
	nh_full 400
	ok $? "$1: the next-hop table is complete again\
 ($(($(date +%s) - t0)) s after the start)"
	timeout 10 "$EGCTL" -j -s $ST/sS.sock show peers >$ST/sp
	ok $(for _i in 1 2 3; do
		[ "$(st_pf $ST/sp $_i LastHandshake)" -ge $t0 ] 2>/dev/null &&
		    [ "$(st_pf $ST/sp $_i Online)" = true ] || echo 1
	    done | grep -q 1; [ $? -ne 0 ]; echo $?) \
	    "$1: new sessions with edges 1-3, all online"
	pings
	ok $? "$1: pings between the edges"
	super_has_7
	ok $? "$1: edge 7 is still in the state and in egctl show peers"
	cmp -s $ST/conf.1 $ST/super.conf
	ok $? "$1: the file is as it was"
}

t0=$(date +%s)
sp_start_super
sp_wait_super
ok $? "eg-supd starts again"
restarted "after SIGTERM"

# ---- SIGKILL -------------------------------------------------------------

pid=$(cat $ST/pidS)
kids=$(ps -o pid= --ppid $pid)
kill -KILL $pid
# The children see their parent go (and exit); zombies at most.
n=50
while [ $n -gt 0 ]; do
	alive=
	for k in $kids; do
		case $(ps -o stat= -p $k) in
		''|Z*)	;;
		*)	alive="$alive $k" ;;
		esac
	done
	[ -z "$alive" ] && break
	sleep 0.1
	n=$((n - 1))
done
ok $([ -n "$kids" ] && [ -z "$alive" ]; echo $?) \
    "SIGKILL of the parent: its children ($(echo $kids)) exit"
ok $([ -S $ST/sS.sock ] &&
    ! timeout 10 "$EGCTL" -s $ST/sS.sock show peers >/dev/null 2>&1
    echo $?) "the control socket is left behind, stale"
t0=$(date +%s)
sp_start_super
sp_wait_super
ok $? "eg-supd starts again"
timeout 10 "$EGCTL" -s $ST/sS.sock show peers >/dev/null
ok $? "egctl talks to the new eg-supd on the same socket path"
restarted "after SIGKILL"

for i in 1 2 3; do
	why=$(st_healthy $i)
	ok $? "edge $i: no fatal error, no death ($why)"
done
why=$(st_healthy S)
ok $? "supernode: no fatal error, no death ($why)"
netsim_stop
ok $? "nothing left behind"
tap_done
