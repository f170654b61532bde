#!/bin/sh
# EtherGuard-Go's own P2P-mode example, run as it is: the six edges of
# regress/testdata/etherguard-go/example_config/p2p_mode, every file
# unchanged but for the interface (IType stdio there, tap here, and a
# TAP name of its own: the six files all name theirs tap1).  They all
# use 127.0.0.1, so the six daemons share one namespace, netsim's node
# 1.  The configs' peers make a chain with a ring in it:
#
#	1 - 2 - 3 - 5
#	     \ /
#	  6 - 4
#
# Edges 1, 5 and 6 know one peer each.  Checked: every edge learns the
# five others through QueryPeer and BroadcastPeer and makes a session
# with each; every edge's route process has a next hop to every other
# (direct: AdditionalCost is 1000 ms in these files); a ping crosses the
# overlay from every TAP to every other; a broadcast reaches each edge
# once; the dup check drops the copies of the floods; show peers says
# where each learned peer came from.
#
# The data path: six TAPs in one namespace cannot talk to each other
# through the kernel, so once egd has made each TAP it moves to a
# namespace of its own (egd keeps its descriptor), and gets its address
# and up state back there.
#
# The configs' own timers hold (Ping every 16 s, BroadcastPeer every
# 20 s), so the network is whole some 20 to 45 s after the start.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
st_need

EX=$TOP/regress/testdata/etherguard-go/example_config/p2p_mode
EDGES="1 2 3 4 5 6"

conf_of() { printf '%s/EgNet_edge%d.yaml' "$ST" "$1"; }
tapns() { echo "$NETSIM_PREFIX-t$1"; }	# netsim's cleanup sweeps these
tap_exec() {	# tap_exec I CMD...: CMD where edge I's TAP is
	_ns=$(tapns "$1")
	shift
	ip netns exec "$_ns" "$@"
}

for i in $EDGES; do
	sed -e 's/^  IType: stdio$/  IType: tap/' \
	    -e "s/^  Name: tap1\$/  Name: egp2p$i/" \
	    "$EX/$(basename "$(conf_of $i)")" >"$(conf_of $i)"
done
chmod 600 "$ST"/*.yaml	# egd refuses readable secrets
bad=
for i in $EDGES; do
	f=$(basename "$(conf_of $i)")
	d=$(diff "$EX/$f" "$ST/$f" | grep '^[<>]' | tr '\n' '|')
	[ "$d" = "<   IType: stdio|<   Name: tap1|>   IType: tap|>   Name: egp2p$i|" ] ||
	    bad="$bad $f:$d"
done
ok $([ -z "$bad" ]; echo $?) "the configs differ only in IType and Name${bad}"

netsim_start pub || { echo "Bail out! netsim"; exit 1; }
ns_exec 1 ip link set lo up

for i in $EDGES; do
	netsim_bg 1 "$EGD" -d -u nobody -f "$(conf_of $i)" -s $ST/s$i.sock \
	    2>>$ST/log$i
	echo $! >$ST/pid$i
done
up=0
for i in $EDGES; do
	st_wait $i && st_wait_line $ST/log$i "engine: P2P mode" || up=1
done
ok $up "egd runs the six files in P2P mode"

# Each TAP to its namespace, set up again as egd had it.
moved=0
for i in $EDGES; do
	dev=egp2p$i
	ns_exec 1 ip -o -4 addr show dev $dev |
	    awk '$3 == "inet" { print $4 }' >$ST/addr$i
	ip netns add "$(tapns $i)" &&
	on_exit "ip netns del $(tapns $i)" &&
	tap_exec $i ip link set lo up &&
	ns_exec 1 ip link set $dev netns "$(tapns $i)" || moved=1
	while read -r addr; do
		tap_exec $i ip addr replace "$addr" dev $dev || moved=1
	done <$ST/addr$i
	tap_exec $i ip link set $dev up || moved=1
done
ok $moved "each TAP moved to its own namespace, its address restored"

others() {	# others I: the edges but I, as a jq array
	echo "[$(echo $EDGES | tr ' ' '\n' | grep -vx "$1" | tr '\n' ,|
	    sed 's/,$//')]"
}
peers_ok() {	# peers_ok I JQ-SELECT [TENTHS]: edge I's peers all match
	_n=${3:-900}
	while [ "$_n" -gt 0 ]; do
		st_show $1 >$ST/peers$1 2>/dev/null &&
		    [ "$(jq "[.Peers[] | select($2) | .NodeID] | sort ==
		    $(others $1)" $ST/peers$1 2>/dev/null)" = true ] &&
		    return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
t0=$(date +%s)
for i in $EDGES; do
	peers_ok $i '.LastHandshake != null'
	ok $? "edge $i has a session with each of $(others $i)"
	diag "$(jq -c '[.Peers[] | [.NodeID, .EndPoint, .LatencyMs]]' \
	    $ST/peers$i)"
done
diag "all sessions up $(( $(date +%s) - t0 )) s after the TAPs moved"
learned=0
for i in 1 5 6; do
	n=$(grep -c "^engine: peer [0-9]* learned from [0-9]*$" $ST/log$i)
	[ "$n" = 4 ] || learned=1
	[ "$(jq '[.Peers[] | select(.LearnedFrom != null)] | length' \
	    $ST/peers$i)" = 4 ] || learned=1
done
ok $learned "edges 1, 5 and 6 each learned four peers (log, show peers)"
diag "edge 1's peers learned from: $(jq -c '[.Peers[] | [.NodeID, .LearnedFrom]]' $ST/peers1)"

routes_ok() {	# routes_ok I: edge I's row has every other edge, direct
	_n=600
	while [ "$_n" -gt 0 ]; do
		"$EGCTL" -j -s $ST/s$1.sock show routes >$ST/routes$1 \
		    2>/dev/null &&
		    [ "$(jq "[.[] | select(.Src == $1 and
		    .NextHop == .Dst) | .Dst] | sort == $(others $1)" \
		    $ST/routes$1 2>/dev/null)" = true ] && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
for i in $EDGES; do
	routes_ok $i
	ok $? "edge $i's route process sends it straight to each other edge"
done
diag "edge 1's routes: $(jq -c '[.[] | [.Src, .Dst, .NextHop, .DistMs]]' $ST/routes1)"

pings=0
for i in $EDGES; do
	for j in $EDGES; do
		[ $i = $j ] && continue
		n=$(tap_exec $i ping -n -q -c 1 -w 10 192.168.76.$j 2>/dev/null |
		    sed -n 's/.* \([0-9]*\) received.*/\1/p')
		[ "$n" = 1 ] || { pings=1; diag "ping $i -> $j: ${n:-?}"; }
	done
done
ok $pings "a ping from every TAP to every other, one reply each"

# Every edge computes its own table; once they all hold every Pong they
# agree, and then a broadcast (a ping to 192.168.76.255) reaches each
# edge once along edge 1's tree: six sources answer (edge 1 itself
# too), each once.  Before that, an edge that thinks a path runs
# through it passes the broadcast on and some edge gets it twice.
tables_agree() {
	_n=600
	while [ "$_n" -gt 0 ]; do
		for i in $EDGES; do
			"$EGCTL" -j -s $ST/s$i.sock show routes all 2>/dev/null |
			    jq -c '[.[] | [.Src, .Dst, .NextHop]] | sort' \
			    >$ST/all$i 2>/dev/null
		done
		[ "$(jq length $ST/all1)" = 30 ] &&
		    [ "$(cat $ST/all* | sort -u | wc -l)" = 1 ] && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
t0=$(date +%s)
tables_agree
ok $? "the six edges' whole tables agree, 30 next hops"
diag "in $(( $(date +%s) - t0 )) s more"
for i in $EDGES; do
	tap_exec $i sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
done
# One request (-i 5) and 2 s for its answers.
tap_exec 1 ping -b -n -i 5 -w 2 192.168.76.255 >$ST/bping 2>&1
srcs=$(sed -n 's/^64 bytes from \(192\.168\.76\.[0-9]*\): icmp_seq=1 .*/\1/p' \
    $ST/bping | sort | tr '\n' ' ')
ok $([ "$srcs" = "192.168.76.1 192.168.76.2 192.168.76.3 192.168.76.4 192.168.76.5 192.168.76.6 " ]; echo $?) \
    "a broadcast from edge 1 reaches each edge exactly once ($srcs)"
[ "$srcs" = "192.168.76.1 192.168.76.2 192.168.76.3 192.168.76.4 192.168.76.5 192.168.76.6 " ] ||
    diag "$(cat $ST/bping)"

st_show 3 >$ST/peers3
dup=$(st_drop $ST/peers3 dup)
ok $([ "${dup:-0}" -gt 0 ]; echo $?) "edge 3 dropped copies of floods as dup (${dup:-?})"

for i in $EDGES; do
	st_stop $i
done
gone=0
for i in $EDGES; do
	ip netns del "$(tapns $i)" || gone=1
done
ok $gone "the TAPs' namespaces are deleted"
netsim_stop
ok $? "nothing left behind"
tap_done
