#!/bin/sh
# P2P mode's flooding is bounded and its dup check is right, with a
# hostile member among the nodes.  Four egds (netsim nodes 1-4, NodeIDs
# 1-4) in a full mesh; NodeID 5 is the member: every config lists it,
# and p2pstorm (regress/net/p2pstorm.c) in netsim node 5 holds its key,
# makes a WireGuard session with node 1 and sends node 1 flooded control
# messages of its choosing.
#
# Part 1, a quiet network: once the sessions are up a reload sets
# SendPingInterval to 1000 s (SendPeerInterval is 1000 s from the
# start), so that every flood is the test's own and the counters add up
# exactly.  The links among nodes 2, 3 and 4 have 30 ms of delay, so
# that a flood from node 1 reaches each of them first from node 1, then
# from the other two.  DupCheckTimeout 3.
# - One Pong from the member is acted on once at every node (its
#   LogControl line) and its copies are the only dups: 0 at node 1, 2 at
#   each of nodes 2-4.
# - The same Pong again 0.2 s later: node 1 drops it (dup), nobody acts
#   on it; once more after DupCheckTimeout: new again, acted on by every
#   node, 6 dups again.
# - TTL 1: node 1 acts on it and passes it to nobody (ttl expired 1);
#   TTL 2: every node acts on it, nodes 2-4 pass nothing on (ttl expired
#   at each, no dup anywhere).
# - A spoofed Pong (the member's own link as another node measured it)
#   is dropped at node 1 (control message from elsewhere), goes nowhere.
# - One BroadcastPeer and one QueryPeer are acted on once at each node.
# Part 2, storms: SendPingInterval 1, PeerAliveTimeout 3,
# SendPeerInterval 2, DupCheckTimeout 10 (so that node 1 fills its
# cache even when it gets little CPU); STORM_S seconds each, as fast
# as p2pstorm can send, while node 2 pings node 3 five times a second
# (half must be answered; a TODO during the storms of new messages, see
# pings_todo; after them the data path must be back): the same Pong
# (dup; acted on once
# per DupCheckTimeout), fresh Pongs (dup cache full), QueryPeers
# (querypeer rate; at most 8 + 1/s answers), garbage payloads (bad
# control message, passed on by nobody), then random valid messages of
# the three kinds twice (peer table full; the engines' memory grows by
# the thousand peers learned, then not at all).  No egd dies; the
# figures (send rate, drops, socket drops, CPU, VmRSS) go to diag.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
st_need
STORM=$BUILD/regress/net/p2pstorm
[ -x "$STORM" ] || skip_all "run make first ($STORM missing)"

EDGES="1 2 3 4"
M=5			# the member p2pstorm plays
STORM_S=${STORM_S:-5}
RSS_MAX_KB=${RSS_MAX_KB:-16384}

st_keys 5 || { echo "Bail out! wg genkey"; exit 1; }
netsim_start -n 5 || { echo "Bail out! netsim"; exit 1; }
st_noipv6 $EDGES

# conf I PING DUP PEERS: node I's config: SendPingInterval PING,
# DupCheckTimeout DUP, SendPeerInterval PEERS; the other three edges
# at their WAN addresses, and the member with no endpoint: node 1
# learns it when p2pstorm's handshake comes (Static false), the others
# never do (Static true), so the member is node 1's neighbour only.
conf() {
	st_conf $1 "  LogControl: true" "DefaultTTL: 8" "DynamicRoute:" \
	    "  SendPingInterval: $2" "  PeerAliveTimeout: 3" \
	    "  DupCheckTimeout: $3" "  AdditionalCost: 0" \
	    "  DampingFilterRadius: 0" "  P2P:" "    UseP2P: true" \
	    "    SendPeerInterval: $4" "    GraphRecalculateSetting:" \
	    "      StaticMode: false" "      JitterTolerance: 1" \
	    "      JitterToleranceMultiplier: 1.01" \
	    "      TimeoutCheckInterval: 0.5" \
	    "      RecalculateCoolDown: 0.5" \
	    "  NTPConfig:" "    UseNTP: false" \
	    -- "IType: tap" "Name: eg0" "MacAddrPrefix: 02:81:00:00" \
	    "IPv4CIDR: 10.81.0.0/24" "MTU: 1400"
	for _j in $EDGES; do
		[ $_j = $1 ] || st_peer $1 $_j 10.99.0.$_j:3000 true
	done
	st_peer $1 $M "" $([ $1 = 1 ] && echo false || echo true)
}

# sessions I: node I has a session with each of the other three edges.
sessions() {
	[ "$(st_show $1 2>/dev/null | jq '[.Peers[] | select(.NodeID != '$M'
	    and .LastHandshake != null)] | length')" = 3 ]
}

# start_all PING DUP PEERS: the four egds, up with their sessions.
start_all() {
	for _i in $EDGES; do
		conf $_i "$@"
		st_start $_i
	done
	for _i in $EDGES; do
		st_wait $_i && st_until 150 sessions $_i || return 1
	done
}

stop_all() {
	for _i in $EDGES; do
		st_stop $_i
	done
}

# storm KIND [OPTION...]: p2pstorm as the member, to node 1; its
# summary line in $ST/storm.
storm() {
	_k=$1
	shift
	ns_exec $M "$STORM" -k $ST/k$M -p "$(cat $ST/p1)" -n $M "$@" $_k \
	    10.99.0.1 3000 >$ST/storm 2>&1
}
storm_field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" $ST/storm; }

snap() {	# snap TAG: every node's show peers in $ST/TAG.I
	for _i in $EDGES; do
		st_show $_i >$ST/$1.$_i
	done
}
# delta A B I REASON: drops REASON of node I from snapshot A to B.
delta() {
	echo $(($(st_drop $ST/$2.$3 "$4") - $(st_drop $ST/$1.$3 "$4")))
}
# deltas A B REASON: "d1 d2 d3 d4"; dsum A B REASON: their sum.
deltas() {
	_o=
	for _i in $EDGES; do
		_o="$_o $(delta $1 $2 $_i "$3")"
	done
	echo $_o
}
dsum() {
	echo $(($(deltas $1 $2 "$3" | tr ' ' '+')))
}

# drops_changed A B: "REASON<tab>d1 d2 d3 d4" for every drop counter
# that changed at some node from snapshot A to B (one jq per node).
drops_changed() {
	for _i in $EDGES; do
		jq -r -n --slurpfile a $ST/$1.$_i --slurpfile b $ST/$2.$_i \
		    '$b[0].Dropped | to_entries[] |
		    "\(.key)\t\(.value - ($a[0].Dropped[.key] // 0))"' \
		    >$ST/dd.$_i
	done
	paste $ST/dd.1 $ST/dd.2 $ST/dd.3 $ST/dd.4 | awk -F '\t' '
	    $2 != 0 || $4 != 0 || $6 != 0 || $8 != 0 {
		print $1 "\t" $2 " " $4 " " $6 " " $8 }'
}

# acted I TEXT: how many of node I's log lines end in TEXT.
acted() { grep -c -- "$2\$" $ST/log$1; }
acted_all() {	# acted_all TEXT: "n1 n2 n3 n4"
	_o=
	for _i in $EDGES; do
		_o="$_o $(acted $_i "$1")"
	done
	echo $_o
}
# until_acted TEXT "N1 N2 N3 N4": until the counts are these (5 s).
until_acted() {
	_ua_text=$1 _ua_want=$2
	st_until 50 acted_is
}
acted_is() { [ "$(acted_all "$_ua_text")" = "$_ua_want" ]; }
# until_dsum A REASON N: until the sum since snapshot A reaches N (5 s);
# snapshot B is the last one taken.
until_dsum() {
	_ud_a=$1 _ud_r=$2 _ud_n=$3
	st_until 50 dsum_is
}
dsum_is() { snap B && [ "$(dsum $_ud_a B "$_ud_r")" -ge $_ud_n ]; }

# quiet: the dup counters of all nodes stand still for a second.
quiet() {
	snap Q0
	sleep 1
	snap Q1
	[ "$(deltas Q0 Q1 dup)" = "0 0 0 0" ] &&
	    [ "$(deltas Q0 Q1 'ttl expired')" = "0 0 0 0" ]
}

# ---------------------------------------------------------------------
# Part 1: a quiet network.  SendPingInterval 1 until the sessions are
# up (the first Ping makes them), then a reload to 1000 s; SendPeerInterval
# is 1000 from the start.  DupCheckTimeout 3.
T0=$(date +%s)
DUP=3
start_all 1 $DUP 1000
ok $? "four egds in P2P mode, each with a session to the three others"
for i in $EDGES; do
	sed -i 's/^  SendPingInterval: 1$/  SendPingInterval: 1000/' $ST/n$i.conf
	st_reload $i || diag "reload of node $i failed"
done
st_until 10 quiet
ok $? "the network goes quiet: no dup or ttl drop for a second"

for i in 2 3 4; do
	for j in 2 3 4; do
		[ $i = $j ] || netsim set $i $j delay 30
	done
done

# One Pong, the link 4 -> 5 at 11.001 ms.
snap A
storm same -s 4 -m 11.001
diag "p2pstorm: $(cat $ST/storm)"
P1="Pong from $M: 4 -> $M 11.001 ms"
until_acted "$P1" "1 1 1 1"
ok $? "a Pong from the member is acted on once at each node"
until_dsum A dup 6
sleep 0.5
snap B
d=$(deltas A B dup)
ok $([ "$d" = "0 2 2 2" ]; echo $?) \
    "its copies are the dups: 0 at node 1, 2 at each of nodes 2-4 ($d)"
ok $([ "$(acted_all "$P1")" = "1 1 1 1" ]; echo $?) \
    "and no node acted on a copy ($(acted_all "$P1"))"

# The same Pong twice 0.2 s apart, then after DupCheckTimeout again.
P2="Pong from $M: 4 -> $M 11.002 ms"
snap A
t0=$(date +%s.%N)
storm same -s 4 -m 11.002 -c 2 -i 200000
until_acted "$P2" "1 1 1 1"
until_dsum A dup 7
sleep 0.5
snap B
d=$(deltas A B dup)
ok $([ "$d" = "1 2 2 2" ] && [ "$(acted_all "$P2")" = "1 1 1 1" ]; echo $?) \
    "the same Pong again within DupCheckTimeout: node 1 drops it as dup ($d), nobody acts on it"
# Past DupCheckTimeout since the first copy, with a margin.
while [ "$(echo "$(date +%s.%N) - $t0 < $DUP + 1.5" | bc)" = 1 ]; do
	sleep 0.2
done
snap A
storm same -s 4 -m 11.002
until_acted "$P2" "2 2 2 2"
ok $? "after DupCheckTimeout ($DUP s) the same Pong is new: acted on at every node again"
until_dsum A dup 6
sleep 0.5
snap B
d=$(deltas A B dup)
ok $([ "$d" = "0 2 2 2" ]; echo $?) "and flooded again: its copies are 6 dups ($d)"

# TTL 1: node 1 takes it and passes it to nobody.
P3="Pong from $M: 4 -> $M 11.003 ms"
snap A
storm same -s 4 -m 11.003 -t 1
until_acted "$P3" "1 0 0 0"
sleep 1
snap B
d=$(deltas A B 'ttl expired')
ok $([ "$(acted_all "$P3")" = "1 0 0 0" ] && [ "$d" = "1 0 0 0" ] &&
    [ "$(deltas A B dup)" = "0 0 0 0" ]; echo $?) \
    "TTL 1: acted on at node 1 only, not passed on (ttl expired $d)"

# TTL 2: node 1 passes it on with TTL 1, nodes 2-4 take it, pass nothing.
P4="Pong from $M: 4 -> $M 11.004 ms"
snap A
storm same -s 4 -m 11.004 -t 2
until_acted "$P4" "1 1 1 1"
sleep 1
snap B
d=$(deltas A B 'ttl expired')
ok $([ "$(acted_all "$P4")" = "1 1 1 1" ] && [ "$d" = "0 1 1 1" ] &&
    [ "$(deltas A B dup)" = "0 0 0 0" ]; echo $?) \
    "TTL 2: acted on everywhere, nodes 2-4 pass nothing on (ttl expired $d, no dup)"

# Spoofed: the member's own link 5 -> 2 as node 2 would have measured it.
snap A
storm spoof -s 2 -m 11.005
until_dsum A "control message from elsewhere" 1
sleep 1
snap B
d=$(deltas A B "control message from elsewhere")
ok $([ "$d" = "1 0 0 0" ] && [ "$(dsum A B dup)" = 0 ] &&
    [ "$(acted_all "$M -> 2 11.005 ms")" = "0 0 0 0" ]; echo $?) \
    "a spoofed Pong is dropped at node 1 (control message from elsewhere $d) and goes nowhere"

# One BroadcastPeer of a made-up peer: every node learns it once.
snap A
storm bcast -N 100-999
until_acted "peer [0-9]* learned from $M" "1 1 1 1"
until_dsum A dup 6
sleep 0.5
snap B
d=$(deltas A B dup)
ok $([ "$(acted_all "peer [0-9]* learned from $M")" = "1 1 1 1" ] &&
    [ "$d" = "0 2 2 2" ]; echo $?) \
    "a BroadcastPeer is acted on once at each node: the peer learned once ($d dups)"

# One QueryPeer: every node answers once.
storm query
until_acted "QueryPeer from $M: answering" "1 1 1 1"
sleep 1
ok $([ "$(acted_all "QueryPeer from $M: answering")" = "1 1 1 1" ]; echo $?) \
    "a QueryPeer is answered once at each node"

stop_all
netsim link all all delay 0
diag "part 1 took $(($(date +%s) - T0)) s"

# ---------------------------------------------------------------------
# Part 2: storms, STORM_S seconds each, as fast as p2pstorm can send.
DUP=10
start_all 1 $DUP 2
ok $? "restarted with SendPingInterval 1, DupCheckTimeout $DUP, SendPeerInterval 2"
diag "part 2 up at $(($(date +%s) - T0)) s"
st_ping 2 10.81.0.3
ok $? "a ping crosses the overlay from node 2 to node 3"

# pid_of I PROC: node I's egd child PROC (engine, route); its VmRSS in
# kB and its CPU time in ticks (utime + stime, after the command name).
pid_of() {
	for _c in $(ps -o pid= --ppid "$(cat $ST/pid$1)"); do
		if [ "$(tr '\0' '\n' </proc/$_c/cmdline | head -n 1)" = \
		    "egd: $2" ]; then
			echo $_c
			return 0
		fi
	done
	return 1
}
rss() { awk '/^VmRSS:/ { print $2 }' /proc/$(pid_of $1 ${2:-engine})/status; }
ticks() {
	sed 's/.*) //' /proc/$(pid_of $1 $2)/stat | awk '{ print $12 + $13 }'
}
TCK=$(getconf CLK_TCK)
cpu_all() {	# cpu_all: "engine route" ticks of every node, one a line
	for _i in $EDGES; do
		echo "$(ticks $_i engine) $(ticks $_i route)"
	done
}
rss_all() {	# rss_all: "engine route" VmRSS of every node, one a line
	for _i in $EDGES; do
		echo "$(rss $_i engine) $(rss $_i route)"
	done
}
# rss_grew FILE [COLUMN]: the largest growth of an engine's (COLUMN 2:
# a route process's) VmRSS since FILE.
rss_grew() {
	rss_all | paste -d ' ' $1 - | awk -v c=${2:-1} '{
	    g = $(c + 2) - $c; if (g > m) m = g } END { print m + 0 }'
}
rss_all >$ST/rss.start
udp_rcvbuf_errors() {	# node I's kernel drops for a full UDP socket
	ns_exec $1 awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++)
		if ($i == "RcvbufErrors") c = i; h = 1 } else print $c }' \
	    /proc/net/snmp
}

# storm_run KIND [OPTION...]: STORM_S seconds of KIND while node 2
# pings node 3 five times a second; snapshots S0 and S1 around it,
# pings answered in $got of $sent.  The figures go to diag.
storm_run() {
	_k=$1
	shift
	snap S0
	_u0=$(udp_rcvbuf_errors 1)
	cpu_all >$ST/cpu0
	netsim_bg 2 ping -n -q -i 0.2 -W 1 -w $STORM_S 10.81.0.3 \
	    >$ST/flow 2>&1
	_fp=$!
	_t0=$(date +%s.%N)
	storm $_k -c 0 -i 0 -d $STORM_S "$@"
	_t1=$(date +%s.%N)
	wait $_fp
	cpu_all >$ST/cpu1
	snap S1
	got=$(st_received $ST/flow)
	_u1=$(udp_rcvbuf_errors 1)
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' $ST/flow)
	diag "$_k: p2pstorm $(cat $ST/storm)"
	diag "$_k: node 1's kernel dropped $((_u1 - _u0)) for a full socket"
	diag "$_k: pings 2 -> 3 answered: $got of ${sent:-?}"
	diag "$_k: CPU % of one core, engine/route of nodes 1-4:" \
	    $(paste -d ' ' $ST/cpu0 $ST/cpu1 | awk -v t=$TCK \
	    -v s="$(echo "$_t1 - $_t0" | bc)" '{ printf "%.0f/%.0f ",
	    ($3 - $1) * 100 / t / s, ($4 - $2) * 100 / t / s }')
	diag "$_k: VmRSS kB, engine/route of nodes 1-4:" \
	    $(rss_all | tr ' ' /)
	diag "$_k: $(echo "$(date +%s.%N) - $_t0" | bc | cut -d . -f 1) s from the start to here"
	drops_changed S0 S1 | while IFS='	' read -r _r _d; do
		diag "$_k: drops '$_r' at nodes 1-4: $_d"
	done
}
alive() {	# every egd still runs
	for _i in $EDGES; do
		st_alive $_i || return 1
	done
}
# most: at least half the pings answered.
most() { [ "${sent:-0}" -gt 0 ] && [ $((got * 2)) -ge "$sent" ]; }
pings_ok() {	# pings_ok KIND: checked
	ok $(most; echo $?) "$1: node 2's pings to node 3 go on ($got of $sent)"
}
# pings_todo KIND: the same as a TODO.  Messages new to the dup check
# cost every node: node 1 passes on what its cache admits, which puts
# the caches of nodes 2-4 at their limit too, where they refuse honest
# Pongs at random (dup cache full), and a link unheard for
# PeerAliveTimeout expires; each made-up peer is learned by every
# engine and each made-up node makes every route process compute on up
# to 1024 nodes.  On two busy cores node 2 may have no route to node 3
# for a while.  Not a bound egd keeps today (doc/protocol.md says a
# member can starve the control traffic, "not the data path").
pings_todo() {
	_tap_n=$((_tap_n + 1))
	_s="ok"
	most || _s="not ok"
	echo "$_s $_tap_n - $1: node 2's pings to node 3 go on ($got of" \
	    "$sent) # TODO new messages can starve routing: see pings_todo"
}

# The same Pong, over and over: node 1 drops the copies as dup, and
# every node acts on it once per DupCheckTimeout at most.
P5="Pong from $M: 4 -> $M 11.005 ms"
storm_run same -s 4 -m 11.005
n=$(storm_field sent)
d=$(delta S0 S1 1 dup)
a=$(acted_all "$P5")
ok $([ "$d" -gt 0 ] && [ "$d" -lt "$n" ]; echo $?) \
    "same Pong repeated: node 1 dropped the copies it read as dup ($d of $n sent)"
max=$((STORM_S / DUP + 1))
ok $(echo $a | awk -v m=$max '{ for (i = 1; i <= NF; i++)
    if ($i < 1 || $i > m) exit 1 }'; echo $?) \
    "and each node acted on it at least once, at most $max times ($a)"
pings_ok same

# Fresh Pongs, each new: the member's share of node 1's dup check
# fills, and node 1 refuses the rest; the others' floods still find
# room, so routing goes on.
storm_run pong -N 2000
n=$(delta S0 S1 1 'dup share')
f=$(deltas S0 S1 'dup cache full')
ok $([ "$f" = "0 0 0 0" ]; echo $?) \
    "fresh Pongs: no node's dup check fills ($f dup cache full; node 1: $n dup share)"
pings_ok pong

# QueryPeers of fresh nonces: the answers are rationed, at most a burst
# of 8 and one a second of the time the storm took, counted generously.
a0=$(acted 1 "QueryPeer from $M: answering")
tq=$(date +%s.%N)
storm_run query
a=$(($(acted 1 "QueryPeer from $M: answering") - a0))
tq=$(echo "8 + $(date +%s.%N) - $tq + 1" | bc | cut -d . -f 1)
n=$(delta S0 S1 1 'querypeer rate')
ok $([ "$n" -gt 0 ] && [ "$a" -le "$tq" ]; echo $?) \
    "QueryPeers: node 1 answered $a (at most $tq: 8 and one a second) and refused $n (querypeer rate)"
pings_ok query

# Garbage: decoded, dropped, never passed on.
storm_run garbage
n=$(delta S0 S1 1 'bad control message')
d=$(deltas S0 S1 'bad control message')
ok $([ "$n" -gt 0 ] && [ "$d" = "$n 0 0 0" ]; echo $?) \
    "garbage payloads: node 1 counts them as bad control messages ($n), passes none on ($d)"
pings_ok garbage

# The dup cache has a fixed size; what grows is what the engine queues
# for its route process while that computes.
g=$(rss_grew $ST/rss.start)
ok $([ "$g" -lt 4096 ]; echo $?) \
    "so far no engine's VmRSS grew by 4 MB or more (at most $g kB)"

# Random valid messages of the three kinds: new peers and nodes up to
# the tables' limits, then refused; memory grows to that and stays.
storm_run random
ok $([ "$(delta S0 S1 1 'peer table full')" -gt 0 ] &&
    [ "$(delta S0 S1 1 'querypeer rate')" -gt 0 ]; echo $?) \
    "random control messages: node 1's peer table fills (peer table full $(delta S0 S1 1 'peer table full'), querypeer rate $(delta S0 S1 1 'querypeer rate'))"
rss_all >$ST/rss.full
g=$(rss_grew $ST/rss.start)
ok $([ "$g" -lt $RSS_MAX_KB ]; echo $?) \
    "a thousand peers learned: no engine's VmRSS grew by $RSS_MAX_KB kB or more (at most $g kB)"
pings_todo random
diag "random: the route processes grew by up to $(rss_grew $ST/rss.start 2) kB: a node table of 1024"
storm_run random
g=$(rss_grew $ST/rss.full)
r=$(rss_grew $ST/rss.full 2)
ok $([ "$g" -lt 1024 ] && [ "$r" -lt 1024 ]; echo $?) \
    "random again, the tables full: no engine or route process grew by 1 MB or more ($g kB, $r kB)"
pings_todo "random again"
# The route processes may still be computing over the made-up nodes:
# up to a minute for the first answer.
st_ping 2 10.81.0.3 60
ok $? "after the storms a ping crosses the overlay from node 2 to node 3"

alive
ok $? "no egd died"
diag "part 2 took $(($(date +%s) - T0)) s in all"
stop_all
for i in $EDGES; do
	h=$(st_healthy $i)
	ok $? "node $i: $h"
done
netsim_stop
ok $? "nothing left behind"
tap_done
