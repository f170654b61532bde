#!/bin/sh
# P2P mode learns its peers.  Ten edges on the WAN of p2p_routes.t
# (p2p.sh's P2_MATRIX); 7 and 8 sit behind NATs of the eim kind
# (endpoint-independent mapping, address- and port-dependent filtering:
# netsim/README.md), the others are public.  Every peer is non-Static,
# so a BroadcastPeer may move it.
#
#   - A star: node 1's config names every other node (the NATed ones
#     and 10 without an endpoint), nodes 2 to 9 name node 1 only.
#     Nodes 1 to 9 start; each learns the others through QueryPeer and
#     BroadcastPeer and makes a session with each, the NATed nodes too,
#     with each other as well (each has opened its own NAT towards the
#     other's mapped address); their routes converge to the brute
#     force's of the nine.
#   - A join: node 10 starts knowing only node 3 (which never had it in
#     its config: it learned 10's key from node 1).  Everyone learns
#     its endpoint, every pair with 10 gets a session, and the ten
#     edges' routes converge to the brute force's of p2p_routes.t.
#   - A move: node 4 restarts on another port (3001), knowing only
#     node 1; its old endpoint is dead.  The public nodes find it
#     again because it handshakes to them (they learn a peer's new
#     endpoint from its authenticated packets, as WireGuard does); the
#     NATed nodes cannot hear those (their NATs let in only what
#     answers a flow they opened), so they need a BroadcastPeer from a
#     node that reaches 4, naming the new endpoint, once 4 is offline
#     for them (PeerAliveTimeout): their logs say "peer 4 offline:
#     trying the endpoint N names".  Traffic from every node reaches 4
#     again.
# The times taken are diag lines ("join: ..." and "move: ...").
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
. "$TOP/regress/net/p2p.sh"
st_need

N=10
NODES=$(seq 1 $N | tr '\n' ' ')
STAR="1 2 3 4 5 6 7 8 9"
NATED="7 8"

p2_matrix $N >$ST/delays
p2_solve <$ST/delays >$ST/want
p2_matrix 9 | p2_solve >$ST/want9
m10=$(p2_margin $ST/want)
m9=$(p2_margin $ST/want9)
p2_ok $([ $(wc -l <$ST/want) -eq 90 ] && [ $(wc -l <$ST/want9) -eq 72 ] &&
    [ "$m10" -ge 12 ] && [ "$m9" -ge 12 ]; echo $?) \
    "brute force: every best path wins by 12 ms or more (ten: $m10," \
    "nine: $m9)"

st_keys $N || { echo "Bail out! wg genkey"; exit 1; }
netsim_start pub pub pub pub pub pub eim eim pub pub ||
    { echo "Bail out! netsim"; exit 1; }
p2_set_delays <$ST/delays || { echo "Bail out! netsim set"; exit 1; }
st_noipv6 $NODES

is_nated() { case " $NATED " in *" $1 "*) return 0 ;; esac; return 1; }
p2_conf 1
for j in $(p2_others 1 "$NODES"); do
	if is_nated $j || [ $j = 10 ]; then
		st_peer 1 $j "" false
	else
		st_peer 1 $j $(netsim_addr $j):3000 false
	fi
done
for i in $(p2_others 1 "$STAR"); do
	p2_conf $i
	st_peer $i 1 $(netsim_addr 1):3000 false
done
p2_conf 10
st_peer 10 3 $(netsim_addr 3):3000 false

t0=$(p2_stamp)
for i in $STAR; do
	st_start $i
done
up=0
for i in $STAR; do
	st_wait $i && st_wait_line $ST/log$i "engine: P2P mode" &&
	    up=$((up + 1))
done
p2_ok $([ $up -eq 9 ]; echo $?) "nodes 1 to 9 up in P2P mode ($up)"
[ $up -eq 9 ] || tap_done

bad=
for i in $STAR; do
	p2_wait_sessions $i "$(p2_others $i "$STAR")" 60 || bad="$bad $i"
done
p2_ok $([ -z "$bad" ]; echo $?) \
    "star of nine: every node has a session with every other" \
    "${bad:+(not:$bad)}"
tstar=$(p2_since $t0)
learned=
for i in $(p2_others 1 "$STAR"); do
	st_show $i >$ST/peers$i
	# 10 was learned too, from 1, although it is not up.
	[ "$(jq -c '[.Peers[] | select(.LearnedFrom != null) | .NodeID] |
	    sort' $ST/peers$i)" = \
	    "[$(p2_others $i "$(p2_others 1 "$NODES")" | tr ' ' ,)]" ] ||
	    learned="$learned $i"
done
p2_ok $([ -z "$learned" ]; echo $?) \
    "nodes 2 to 9 learned every other node, 10 included" \
    "${learned:+(not:$learned)}"
p2_wait_tables $ST/want9 "$STAR" 30
p2_ok $? "star of nine: every node's own row is the brute force's" \
    "$(cat $ST/tdiff)"
diag "star of nine: all sessions $tstar s, routes $(p2_since $t0) s" \
    "after the start"

# The NATed nodes: a session with every public node, at the public
# node's address; each public node has them at their NAT's mapped
# address; 7 and 8 reach each other directly, through both NATs.
ep() {	# ep FILE PEER: the peer's endpoint's address, without the port
	st_pf $1 $2 EndPoint | sed 's/:[0-9]*$//'
}
bad=
for n in $NATED; do
	st_show $n >$ST/peers$n
	for j in $(p2_others $n "$STAR"); do
		[ "$(ep $ST/peers$n $j)" = "$(netsim_addr $j)" ] &&
		    [ "$(st_pf $ST/peers$n $j LastHandshake)" != null ] ||
		    bad="$bad $n>$j:$(st_pf $ST/peers$n $j EndPoint)"
	done
	for j in $(p2_others $n "$STAR"); do
		is_nated $j && continue
		st_show $j >$ST/peers$j
		[ "$(ep $ST/peers$j $n)" = "$(netsim_addr $n)" ] ||
		    bad="$bad $j>$n:$(st_pf $ST/peers$j $n EndPoint)"
	done
done
p2_ok $([ -z "$bad" ]; echo $?) \
    "7 and 8 (NATed) have direct sessions with every node, 7 - 8" \
    "included, at the mapped addresses ${bad:+(not:$bad)}"
diag "7 and 8 see each other at $(st_pf $ST/peers7 8 EndPoint)" \
    "and $(st_pf $ST/peers8 7 EndPoint)"
st_ping 7 10.81.0.8 20
p2_ok $? "ping 7 -> 8 over the overlay"

# The join.
tj=$(p2_stamp)
P2_SINCE=$(date +%s)
st_start 10
st_wait 10
p2_ok $? "node 10 up"
p2_wait_sessions 10 "$STAR" 60
p2_ok $? "join: 10 has a session with each of the nine"
j10=$(p2_since $tj)
bad=
for i in $STAR; do
	p2_wait_sessions $i 10 30 || bad="$bad $i"
done
p2_ok $([ -z "$bad" ]; echo $?) \
    "join: each of the nine has a session with 10 ${bad:+(not:$bad)}"
jall=$(p2_since $tj)
# From 3, as a rule, whose answers to its QueryPeer come first; but a
# periodic BroadcastPeer of another node may overtake them.
st_show 10 >$ST/peers10
p2_ok $([ "$(jq -c '[.Peers[] | select(.LearnedFrom != null) | .NodeID] |
    sort' $ST/peers10)" = "[$(p2_others 3 "$STAR" | tr ' ' ,)]" ]
    echo $?) "10 learned the eight it lacked ([node, from]: $(jq -c \
    '[.Peers[] | [.NodeID, .LearnedFrom]]' $ST/peers10))"
p2_wait_tables $ST/want "$NODES" 30
p2_ok $? "join: every node's own row is the brute force's of the ten" \
    "$(cat $ST/tdiff)"
jroutes=$(p2_since $tj)
diag "new node joins $N: its sessions $j10 s, all sessions $jall s," \
    "routes $jroutes s after it started"
bad=
for i in $STAR; do
	st_ping $i 10.81.0.10 20 || bad="$bad $i"
done
p2_ok $([ -z "$bad" ]; echo $?) \
    "join: a ping to 10 from each of the nine ${bad:+(failed:$bad)}"

# The move.  Node 4 restarts on port 3001 with node 1 alone in its
# config: every other node has 4 at 10.99.0.4:3000, where nothing
# listens any more.
st_stop 4
P2_PORT_4=3001
p2_conf 4
st_peer 4 1 $(netsim_addr 1):3000 false
tm=$(p2_stamp)
P2_SINCE=$(date +%s)
st_start 4
st_wait 4
p2_ok $? "node 4 restarted on port 3001"
new=$(netsim_addr 4):3001
rm -f $ST/moved.*
end=$(p2_deadline 60)
while :; do
	all=1
	for i in $(p2_others 4 "$NODES"); do
		[ -e $ST/moved.$i ] && continue
		st_show $i >$ST/peers$i 2>/dev/null
		if [ "$(st_pf $ST/peers$i 4 EndPoint)" = "$new" ] &&
		    [ "$(st_pf $ST/peers$i 4 LastHandshake)" -ge \
		    $P2_SINCE ] 2>/dev/null; then
			p2_since $tm >$ST/moved.$i
		else
			all=0
		fi
	done
	[ $all = 1 ] && break
	p2_before $end || break
	sleep 0.1
done
bad=
for i in $(p2_others 4 "$NODES"); do
	[ -e $ST/moved.$i ] ||
	    bad="$bad $i:$(st_pf $ST/peers$i 4 EndPoint)"
done
p2_ok $([ -z "$bad" ]; echo $?) \
    "move: every node has 4 at $new, with a new session" \
    "${bad:+(not:$bad)}"
times=
for i in $(p2_others 4 "$NODES"); do
	times="$times $i:$(cat $ST/moved.$i 2>/dev/null || echo -)"
done
diag "move: sessions with 4 at its new endpoint after (node:s)$times"
# How each found it: a BroadcastPeer moved it, or 4 came to it.
bynote=
for i in $(p2_others 4 "$NODES"); do
	grep -q "^engine: peer 4 offline: trying the endpoint [0-9]* names$" \
	    $ST/log$i && bynote="$bynote $i"
done
diag "move: a BroadcastPeer moved 4 at:${bynote:- none}"
bad=
for n in $NATED; do
	case " $bynote " in *" $n "*) ;; *) bad="$bad $n" ;; esac
done
p2_ok $([ -z "$bad" ]; echo $?) \
    "move: 7 and 8 found 4 through a BroadcastPeer ${bad:+(not:$bad)}"
p2_wait_tables $ST/want "$NODES" 30
p2_ok $? "move: every node's own row is the brute force's again" \
    "$(cat $ST/tdiff)"
diag "move: routes back $(p2_since $tm) s after 4 restarted"
# The bound for 7 and 8: a BroadcastPeer that names 4:3001 reaches
# them early (the answers to 4's QueryPeer, then the first periodic one,
# within a SendPeerInterval), while 4 is not yet offline for them
# (PeerAliveTimeout); the dup check then holds that periodic one's
# digest for DupCheckTimeout, and the next goes out at the next
# SendPeerInterval after that.  3 s more for the handshakes.
limit=$(awk -v a=$P2_ALIVE -v d=$P2_DUP -v p=$P2_PEERINT \
    'BEGIN { print a + d + 2 * p + 3 }')
t7=$(cat $ST/moved.7 2>/dev/null || echo -)
t8=$(cat $ST/moved.8 2>/dev/null || echo -)
p2_ok $(fcmp "$t7" "<=" "$limit" && fcmp "$t8" "<=" "$limit"; echo $?) \
    "move: 7 and 8 within $limit s (PeerAliveTimeout $P2_ALIVE +" \
    "DupCheckTimeout $P2_DUP + 2 SendPeerInterval $P2_PEERINT + 3):" \
    "$t7 s, $t8 s"
bad=
for i in $(p2_others 4 "$NODES"); do
	st_ping $i 10.81.0.4 20 || bad="$bad $i"
done
p2_ok $([ -z "$bad" ]; echo $?) \
    "move: a ping to 4 from every node ${bad:+(failed:$bad)}"

for i in $NODES; do
	why=$(st_healthy $i)
	p2_ok $? "node $i: still running, no fatal error in its log ($why)"
done
for i in $NODES; do
	st_stop $i
done
netsim_stop
p2_ok $? "nothing left behind"
tap_done
