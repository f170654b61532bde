#!/bin/sh
# make demo: a small EtherGuard network, live, in network namespaces.
#
# Each part of the demo is a function demo_PART that builds its network
# on a fresh netsim WAN, shows it working, and returns non-zero (after
# saying what failed) if it does not.  DEMO_PARTS lists the parts that
# run, in order; add a part by writing its function and naming it there
# (the environment may set DEMO_PARTS to run only some).
#
# Needs root, a built tree (make) and the packages of make deps.
# Environment: DEMO_KEEP=1 keeps the work directory (configs, keys,
# daemon logs); it is also kept when something fails.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$TOP/build
DEMO_PARTS=${DEMO_PARTS:-static super p2p}

# Cleanup commands, run last registered first on any exit; netsim.sh
# registers its own through this function when it finds it.
_demo_cleanup=
on_exit() {
	_demo_cleanup="$*; $_demo_cleanup"
}
_demo_exit() {
	_rc=$?
	trap - EXIT INT TERM HUP
	# With stdout gone (| head), a message must not kill the cleanup.
	trap '' PIPE
	[ "$_rc" -gt 128 ] &&
	    printf '\ndemo: interrupted, cleaning up\n' 2>/dev/null
	eval "$_demo_cleanup" >/dev/null 2>&1
	if [ -n "$DEMO_DIR" ]; then
		# A failure keeps them for a look; an interrupt does not.
		if [ "$_rc" = 1 ] || [ -n "$DEMO_KEEP" ]; then
			echo "demo: configs and daemon logs kept in $DEMO_DIR"
		else
			rm -rf "$DEMO_DIR"
		fi
	fi
	exit "$_rc"
}
trap _demo_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

. "$TOP/regress/netsim/netsim.sh"

# fail WHAT: says what failed, shows the daemon logs' ends, and returns 1.
fail() {
	echo "demo: FAILED: $*"
	for _f in "$DEMO_DIR"/*.log; do
		[ -s "$_f" ] || continue
		echo "--- last lines of $_f"
		tail -n 15 "$_f"
	done
	return 1
}

# keys N...: a WireGuard key pair per node, in $DEMO_DIR/keyN, pubN.
keys() {
	for _i; do
		(umask 077; wg genkey >"$DEMO_DIR/key$_i") &&
		    wg pubkey <"$DEMO_DIR/key$_i" >"$DEMO_DIR/pub$_i" || return 1
	done
}

# wait_ping NODE ADDR: until ADDR answers ping from NODE (10 s at most).
wait_ping() {
	_n=10
	while [ "$_n" -gt 0 ]; do
		ns_exec "$1" ping -n -q -c 1 -W 1 "$2" >/dev/null 2>&1 &&
		    return 0
		sleep 0.2
		_n=$((_n - 1))
	done
	return 1
}

# show_ping NODE ADDR LABEL: three pings from NODE, summarised on one
# line; fails when none is answered.
show_ping() {
	_out=$(ns_exec "$1" ping -n -c 3 -i 0.2 -W 2 "$2" 2>&1)
	_rx=$(echo "$_out" | sed -n 's/.*, \([0-9]*\) received.*/\1/p')
	_rtt=$(echo "$_out" | sed -n 's/^rtt [^=]*= \([^ ]*\) ms/\1/p' |
	    cut -d/ -f1-3)
	printf '  %-32s %s/3 replies, rtt min/avg/max %s ms\n' "$3" \
	    "${_rx:-0}" "${_rtt:--}"
	[ "${_rx:-0}" -gt 0 ]
}

# egd_start NODE: runs egd in NODE's namespace on $DEMO_DIR/egdNODE.conf,
# its log in egdNODE.log and its control socket egdNODE.sock; its pid
# goes to EGD_PIDS as NODE:PID.
egd_start() {
	netsim_bg "$1" "$BUILD/egd" -d -u nobody -f "$DEMO_DIR/egd$1.conf" \
	    -s "$DEMO_DIR/egd$1.sock" >"$DEMO_DIR/egd$1.log" 2>&1 </dev/null
	EGD_PIDS="$EGD_PIDS $1:$!"
}

# egd_dead: the nodes whose egd has exited, or nothing.
egd_dead() {
	for _np in $EGD_PIDS; do
		kill -0 "${_np#*:}" 2>/dev/null || printf ' %s' "${_np%%:*}"
	done
}

# egctl_show NODE WHAT...: egctl on NODE's daemon, indented.
egctl_show() {
	_node=$1
	shift
	echo "  \$ egctl $* (node $_node)"
	"$BUILD/egctl" -s "$DEMO_DIR/egd$_node.sock" "$@" 2>&1 |
	    sed 's/^./    &/'
}

# ---- static mode ---------------------------------------------------

# The diamond: links with their one-way delays in ms, and each node's
# next hop to every other, as the lowest-latency paths give them.
STATIC_LINKS="1-2:10 2-4:15 1-3:30 3-4:20"
STATIC_NEXTHOP="
  1: {2: 2, 3: 3, 4: 2}
  2: {1: 1, 3: 4, 4: 4}
  3: {1: 1, 2: 4, 4: 4}
  4: {1: 2, 2: 2, 3: 3}"

# static_conf NODE: the config of NODE, with its direct neighbours as
# peers, reached at their netsim WAN addresses.
static_conf() {
	cat <<EOF
Interface:
  IType: tap
  Name: eg0
  MacAddrPrefix: 02:42:00:00
  IPv4CIDR: 10.55.0.0/24
NodeID: $1
NodeName: node$1
PrivKey: $(cat "$DEMO_DIR/key$1")
ListenPort: 3000
NextHopTable:$STATIC_NEXTHOP
Peers:
EOF
	for _l in $STATIC_LINKS; do
		_a=${_l%%-*}
		_b=${_l#*-}
		_b=${_b%%:*}
		if [ "$_a" = "$1" ]; then
			_peer=$_b
		elif [ "$_b" = "$1" ]; then
			_peer=$_a
		else
			continue
		fi
		cat <<EOF
- NodeID: $_peer
  PubKey: $(cat "$DEMO_DIR/pub$_peer")
  EndPoint: $(netsim_addr "$_peer"):3000
  Static: true
EOF
	done
}

demo_static() {
	cat <<'EOF'
== Static mode: four egd nodes, one path relayed

Each node is a network namespace whose eth0 joins netsim, a WAN
emulator, with these one-way delays (no other WAN links exist):

                       [2]
              10 ms  /     \  15 ms
                   /         \
                [1]           [4]
                   \         /
              30 ms  \     /  20 ms
                       [3]

Every node runs egd in static mode with a TAP interface eg0 holding
10.55.0.N/24 (N = NodeID). Its config lists only its direct neighbours
as peers, and a NextHopTable (the same on every node):
EOF
	echo "$STATIC_NEXTHOP" | sed -n 's/^  /    /p'
	cat <<'EOF'
So node 1 reaches node 4 through node 2: 1-2-4 takes 25 ms one way,
1-3-4 would take 50 ms. IPv6 is off on eg0, so that only the pings
cross the overlay.

EOF
	keys 1 2 3 4 || { fail "wg genkey"; return 1; }
	for _i in 1 2 3 4; do
		(umask 077; static_conf "$_i" >"$DEMO_DIR/egd$_i.conf") ||
		    { fail "cannot write the config of node $_i"; return 1; }
	done
	netsim_start pub pub pub pub >"$DEMO_DIR/netsim.out" 2>&1 ||
	    { fail "netsim did not start: $(cat "$DEMO_DIR/netsim.out")"
	    return 1; }
	netsim cut all all >/dev/null || { fail "netsim cut"; return 1; }
	for _l in $STATIC_LINKS; do
		_a=${_l%%-*}
		_b=${_l#*-}
		netsim heal "$_a" "${_b%%:*}" >/dev/null &&
		netsim link "$_a" "${_b%%:*}" delay "${_l#*:}" >/dev/null ||
		    { fail "netsim link $_l"; return 1; }
	done
	echo "WAN up. Starting egd on nodes 1 to 4 (logs in $DEMO_DIR," \
	    "kept if anything fails)."
	EGD_PIDS=
	for _i in 1 2 3 4; do
		# No IPv6 on eg0: its router solicitations and the like
		# would flood the overlay and blur the counters below.
		ns_exec "$_i" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 ||
		    { fail "sysctl in node $_i"; return 1; }
		egd_start "$_i"
	done
	sleep 0.5
	_dead=$(egd_dead)
	[ -z "$_dead" ] || { fail "egd exited on node(s)$_dead"; return 1; }
	# The first packet of each link waits for its WireGuard handshake.
	for _i in 2 3 4; do
		wait_ping 1 "10.55.0.$_i" && continue
		_dead=$(egd_dead)
		fail "node 1 cannot reach 10.55.0.$_i" \
		    "${_dead:+(egd exited on node(s)$_dead)}"
		return 1
	done
	echo "All nodes answer. Pings from node 1 (round trip = twice the" \
	    "one-way delays):"
	show_ping 1 10.55.0.2 "1 -> 2 direct (2 x 10 ms)" &&
	show_ping 1 10.55.0.3 "1 -> 3 direct (2 x 30 ms)" ||
	    { fail "direct ping from node 1"; return 1; }
	netsim clear >/dev/null
	show_ping 1 10.55.0.4 "1 -> 4 relayed by 2 (2 x 25 ms)" ||
	    { fail "relayed ping from node 1 to node 4"; return 1; }
	_via3=$(($(netsim_stat 1 3 delivered) + $(netsim_stat 3 4 delivered)))
	echo "  WAN frames during the relayed pings:" \
	    "1->2 $(netsim_stat 1 2 delivered)," \
	    "2->4 $(netsim_stat 2 4 delivered)," \
	    "4->2 $(netsim_stat 4 2 delivered)," \
	    "2->1 $(netsim_stat 2 1 delivered); through node 3: $_via3"
	echo
	egctl_show 1 show peers
	egctl_show 1 show routes
	egctl_show 2 show peers
	echo
}

# ---- super mode ----------------------------------------------------

# One-way delays in ms between the edges (both ways); every edge is
# SUPER_SN_MS from the supernode, node 5.
SUPER_LINKS="1-2:10 2-4:15 1-3:30 3-4:20 1-4:60 2-3:30"
SUPER_SN_MS=2
SUPER_API=http://$(netsim_addr 5):3456/eg_net/eg_api
SUPER_MANAGE=http://127.0.0.1:3456/eg_net/eg_api
SUPER_PW=demo_showstate

# super_conf: the supernode's config.  Short timers, so that the demo
# converges in seconds: Pings every second, a link gone after 4 s.
super_conf() {
	cat <<EOF
NodeName: super
PrivKeyV4: $(cat "$DEMO_DIR/key5")
PrivKeyV6: $(cat "$DEMO_DIR/key6")
ListenPort: 3456
API_Prefix: /eg_net/eg_api
RePushConfigInterval: 2
HttpPostInterval: 1
PeerAliveTimeout: 4
SendPingInterval: 1
DampingFilterRadius: 0
Passwords:
  ShowState: $SUPER_PW
GraphRecalculateSetting:
  JitterTolerance: 1
  JitterToleranceMultiplier: 1.01
  DampingResistance: 0.5
  TimeoutCheckInterval: 0.5
  RecalculateCoolDown: 0.5
UsePSKForInterEdge: true
Peers:
EOF
	for _i in 1 2 3 4; do
		cat <<EOF
- NodeID: $_i
  Name: edge$_i
  PubKey: $(cat "$DEMO_DIR/pub$_i")
  AdditionalCost: 10
EOF
	done
}

# super_edge_conf NODE: an edge's config: no peers, no table, only
# where the supernode is and its keys.
super_edge_conf() {
	cat <<EOF
Interface:
  IType: tap
  Name: eg0
  MacAddrPrefix: 02:42:00:01
  IPv4CIDR: 10.56.0.0/24
NodeID: $1
NodeName: edge$1
PrivKey: $(cat "$DEMO_DIR/key$1")
ListenPort: 3000
DynamicRoute:
  SendPingInterval: 1
  PeerAliveTimeout: 4
  TimeoutCheckInterval: 0.5
  ConnNextTry: 1
  AdditionalCost: 10
  DampingFilterRadius: 0
  SuperNode:
    UseSuperNode: true
    EndpointV4: $(netsim_addr 5):3456
    PubKeyV4: $(cat "$DEMO_DIR/pub5")
    EndpointV6: ""
    PubKeyV6: $(cat "$DEMO_DIR/pub6")
    EndpointEdgeAPIUrl: $SUPER_API
NextHopTable: {}
Peers: []
EOF
}

# super_state: the supernode's state JSON from its Manage API, asked on
# the supernode's host (the Manage API answers loopback only unless its
# config says otherwise), in $DEMO_DIR/state.
super_state() {
	ns_exec 5 curl -sf -m 5 -H "X-EG-Password: $SUPER_PW" \
	    "$SUPER_MANAGE/manage/super/state" >"$DEMO_DIR/state"
}

# wait_state JQ-EXPR TENTHS: until the state JSON makes JQ-EXPR true.
wait_state() {
	_n=$2
	while [ "$_n" -gt 0 ]; do
		super_state 2>/dev/null &&
		    [ "$(jq -r "$1" "$DEMO_DIR/state" 2>/dev/null)" = true ] &&
		    return 0
		sleep 0.2
		_n=$((_n - 2))
	done
	return 1
}

demo_super() {
	cat <<'EOF'
== Super mode: a supernode and four edges, one path relayed

Nodes 1 to 4 are edges (egd), node 5 is the supernode (eg-supd), every
edge 2 ms from it. One-way delays between the edges, both ways:

             to 2    to 3    to 4
    from 1   10 ms   30 ms   60 ms
    from 2           30 ms   15 ms
    from 3                   20 ms

An edge's config names no peer and no route: only the supernode's
address, its public keys and its EdgeAPI URL. Each edge registers,
fetches its peers from the EdgeAPI, pings every other edge each second
and reports the one-way latencies; the supernode runs Floyd-Warshall
and pushes next hops. A hop costs its latency plus the AdditionalCost
(10 ms) of the edge it enters: 1-2-4 costs (10 + 10) + (15 + 10) = 45,
1-4 direct 60 + 10 = 70, so edge 2 relays between 1 and 4. Each edge
has a TAP eg0 with 10.56.0.N/24; IPv6 is off on eg0.

EOF
	for _c in curl jq; do
		command -v $_c >/dev/null ||
		    { fail "$_c not installed: run make deps"; return 1; }
	done
	[ -x "$BUILD/eg-supd" ] ||
	    { fail "$BUILD/eg-supd missing: run make"; return 1; }
	keys 1 2 3 4 5 6 || { fail "wg genkey"; return 1; }
	(umask 077; super_conf >"$DEMO_DIR/supd.conf") ||
	    { fail "cannot write the supernode's config"; return 1; }
	for _i in 1 2 3 4; do
		(umask 077; super_edge_conf "$_i" >"$DEMO_DIR/egd$_i.conf") ||
		    { fail "cannot write the config of edge $_i"; return 1; }
	done
	netsim_start -n 5 >"$DEMO_DIR/netsim.out" 2>&1 ||
	    { fail "netsim did not start: $(cat "$DEMO_DIR/netsim.out")"
	    return 1; }
	netsim link all all delay "$SUPER_SN_MS" >/dev/null ||
	    { fail "netsim link"; return 1; }
	for _l in $SUPER_LINKS; do
		_a=${_l%%-*}
		_b=${_l#*-}
		netsim link "$_a" "${_b%%:*}" delay "${_l#*:}" >/dev/null ||
		    { fail "netsim link $_l"; return 1; }
	done
	echo "WAN up. Starting eg-supd on node 5 and egd on edges 1 to 4" \
	    "(logs in $DEMO_DIR, kept if anything fails)."
	_t0=$(date +%s)
	netsim_bg 5 "$BUILD/eg-supd" -d -u nobody -f "$DEMO_DIR/supd.conf" \
	    -s "$DEMO_DIR/supd.sock" >"$DEMO_DIR/supd.log" 2>&1 </dev/null
	EGD_PIDS="5:$!"
	for _i in 1 2 3 4; do
		ns_exec "$_i" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 ||
		    { fail "sysctl in node $_i"; return 1; }
		egd_start "$_i"
	done
	# An edge never heard of was last seen at the zero time, 0001-01-01.
	if ! wait_state '[.PeerInfo[].LastSeen | strings |
	    select(startswith("0001-") | not)] | length == 4' 100; then
		_dead=$(egd_dead)
		fail "the edges did not all register" \
		    "${_dead:+(a daemon exited on node(s)$_dead)}"
		return 1
	fi
	echo "Registered (the supernode's PeerInfo), after" \
	    "$(($(date +%s) - _t0)) s:"
	jq -r '.PeerInfo | to_entries[] |
	    "  edge \(.key)  \(.value.Name)  last seen \(.value.LastSeen)"' \
	    "$DEMO_DIR/state"
	# Every link measured, and 1 <-> 4 through 2.
	if ! wait_state '([.Edges[] | length] | add) == 12 and
	    .NhTable["1"]["4"] == 2 and .NhTable["4"]["1"] == 2' 200; then
		_dead=$(egd_dead)
		fail "no route from 1 to 4 through 2 from the supernode" \
		    "${_dead:+(a daemon exited on node(s)$_dead)}"
		return 1
	fi
	echo "The supernode's state after $(($(date +%s) - _t0)) s: for each" \
	    "edge, the one-way latencies"
	echo "measured to the others (Edges, here in ms) and the next hops" \
	    "(NhTable):"
	echo "  \$ curl -H 'X-EG-Password: $SUPER_PW'" \
	    "$SUPER_MANAGE/manage/super/state | jq ...  (on the" \
	    "supernode)"
	jq -r '.Edges as $e | .NhTable | to_entries[] |
	    "    \(.key): Edges \($e[.key] | map_values(. * 10000 |
	    round / 10) | tojson)  NhTable \(.value | tojson)"' \
	    "$DEMO_DIR/state"
	# The edges fetch the table the supernode pushes.
	_n=50
	while [ "$("$BUILD/egctl" -j -s "$DEMO_DIR/egd1.sock" show peers |
	    jq '.Peers[] | select(.NodeID == 4) | .NextHop')" != 2 ]; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] ||
		    { fail "edge 1 did not get the table"; return 1; }
		sleep 0.2
	done
	# The first packet waits for ARP, and maybe for a handshake.
	wait_ping 1 10.56.0.4 || { fail "edge 1 cannot reach edge 4"; return 1; }
	netsim clear >/dev/null
	show_ping 1 10.56.0.4 "edge 1 -> 4 via 2 (2 x 25 ms)" ||
	    { fail "ping from edge 1 to edge 4"; return 1; }
	echo "  WAN frames during the pings: 1->2 $(netsim_stat 1 2 delivered)," \
	    "2->4 $(netsim_stat 2 4 delivered)," \
	    "4->2 $(netsim_stat 4 2 delivered)," \
	    "2->1 $(netsim_stat 2 1 delivered); direct 1->4" \
	    "$(netsim_stat 1 4 delivered), 4->1 $(netsim_stat 4 1 delivered)"
	echo "  (every link also carries the edges' latency Pings, one a" \
	    "second each way)"
	echo
	egctl_show 1 show peers
	egctl_show 1 show routes
	echo "Edge 1 measured about 60 ms from edge 4 (LATENCY), and sends" \
	    "to it through 2."
	echo
}

# ---- P2P mode ------------------------------------------------------

# One-way delays in ms (both ways): 1-3 is slow, 1-2-3 fast; node 4 is
# P2P_FAR_MS from each of the others.
P2P_LINKS="1-2:10 2-3:10 1-3:80"
P2P_FAR_MS=50
# The peers each node's config names.  Node 2 names node 4 too: a
# WireGuard session needs the key at both ends, and learning is what
# the others are here for.
P2P_PEERS="1:2,3 2:1,3,4 3:1,2 4:2"

# p2p_conf NODE: the config of NODE in P2P mode: its own peers only,
# and timers short enough that the network settles in seconds: a Ping
# every second, a link gone 3 s after its last Pong, each peer
# announced every 2 s.  DupCheckTimeout 1 is far longer than any flood
# takes here (under 0.3 s), yet short enough that the periodic
# BroadcastPeers, the same message every 2 s, are not dropped as
# copies of the last one.
p2p_conf() {
	cat <<EOF
Interface:
  IType: tap
  Name: eg0
  MacAddrPrefix: 02:42:00:02
  IPv4CIDR: 10.57.0.0/24
NodeID: $1
NodeName: p2p$1
PrivKey: $(cat "$DEMO_DIR/key$1")
ListenPort: 3000
DynamicRoute:
  SendPingInterval: 1
  PeerAliveTimeout: 3
  TimeoutCheckInterval: 0.5
  ConnNextTry: 1
  DupCheckTimeout: 1
  AdditionalCost: 10
  DampingFilterRadius: 0
  SuperNode:
    UseSuperNode: false
  P2P:
    UseP2P: true
    SendPeerInterval: 2
    GraphRecalculateSetting:
      JitterTolerance: 1
      JitterToleranceMultiplier: 1.01
      DampingResistance: 0.5
      TimeoutCheckInterval: 0.5
      RecalculateCoolDown: 0.5
NextHopTable: {}
Peers:
EOF
	for _e in $P2P_PEERS; do
		[ "${_e%%:*}" = "$1" ] || continue
		for _peer in $(echo "${_e#*:}" | tr , ' '); do
			cat <<EOF
- NodeID: $_peer
  PubKey: $(cat "$DEMO_DIR/pub$_peer")
  EndPoint: $(netsim_addr "$_peer"):3000
  Static: true
EOF
		done
	done
}

# p2p_wait NODE JQ-EXPR TENTHS WHAT...: until JQ-EXPR is true of egctl
# -j show WHAT on NODE (its output in $DEMO_DIR/NODE.WHAT).
p2p_wait() {
	_node=$1
	_expr=$2
	_n=$3
	shift 3
	_f="$DEMO_DIR/$_node.$(echo "$*" | tr ' ' _)"
	while [ "$_n" -gt 0 ]; do
		"$BUILD/egctl" -j -s "$DEMO_DIR/egd$_node.sock" show "$@" \
		    >"$_f" 2>/dev/null &&
		    [ "$(jq -r "$_expr" "$_f" 2>/dev/null)" = true ] && return 0
		sleep 0.2
		_n=$((_n - 2))
	done
	return 1
}

# p2p_hop NODE SRC DST NH TENTHS: until NODE's own table (show routes
# all on NODE) sends SRC's traffic to DST through NH.
p2p_hop() {
	p2p_wait "$1" "any(.[]; .Src == $2 and .Dst == $3 and
	    .NextHop == $4)" "$5" routes all
}

demo_p2p() {
	cat <<'EOF'
== P2P mode: four edges, no supernode, a learned peer, one path relayed

Nodes 1 to 4 run egd in P2P mode. One-way delays, both ways:

             to 2    to 3    to 4
    from 1   10 ms   80 ms   50 ms
    from 2           10 ms   50 ms
    from 3                   50 ms

Nodes 1, 2 and 3 list each other as peers; node 4 lists only node 2
(and node 2 lists node 4). Every edge pings its peers each second and
floods the Pongs (the one-way latencies) to the others; each runs
Floyd-Warshall on them itself. An edge floods a QueryPeer when its
first session comes up, and every node answers with a BroadcastPeer
for each of its peers (as it does every 2 s anyway): node 4 learns 1
and 3 from node 2, and 1 and 3 learn 4 the same way.

A hop costs its latency plus the AdditionalCost (10 ms) of the node it
enters: 1-3 direct costs 80 + 10 = 90, 1-2-3 (10 + 10) + (10 + 10) = 40,
so node 2 relays between 1 and 3, and a ping from 1 to 3 takes
2 x (10 + 10) = 40 ms instead of 2 x 80 = 160 ms. Each edge has a TAP
eg0 with 10.57.0.N/24; IPv6 is off on eg0.

EOF
	command -v jq >/dev/null ||
	    { fail "jq not installed: run make deps"; return 1; }
	keys 1 2 3 4 || { fail "wg genkey"; return 1; }
	for _i in 1 2 3 4; do
		(umask 077; p2p_conf "$_i" >"$DEMO_DIR/egd$_i.conf") ||
		    { fail "cannot write the config of node $_i"; return 1; }
	done
	netsim_start -n 4 >"$DEMO_DIR/netsim.out" 2>&1 ||
	    { fail "netsim did not start: $(cat "$DEMO_DIR/netsim.out")"
	    return 1; }
	netsim link all all delay "$P2P_FAR_MS" >/dev/null ||
	    { fail "netsim link"; return 1; }
	for _l in $P2P_LINKS; do
		_a=${_l%%-*}
		_b=${_l#*-}
		netsim link "$_a" "${_b%%:*}" delay "${_l#*:}" >/dev/null ||
		    { fail "netsim link $_l"; return 1; }
	done
	echo "WAN up. Starting egd on nodes 1 to 4 (logs in $DEMO_DIR," \
	    "kept if anything fails)."
	_t0=$(date +%s)
	EGD_PIDS=
	for _i in 1 2 3 4; do
		ns_exec "$_i" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 ||
		    { fail "sysctl in node $_i"; return 1; }
		egd_start "$_i"
	done
	# Node 4 has a session with 1 and 3, whose keys and endpoints it
	# had only from 2's BroadcastPeers.
	if ! p2p_wait 4 '[.Peers[] | select(.LastHandshake != null and
	    .LearnedFrom != null) | .NodeID] | sort == [1, 3]' 150 peers; then
		_dead=$(egd_dead)
		fail "node 4 did not learn nodes 1 and 3" \
		    "${_dead:+(egd exited on node(s)$_dead)}"
		return 1
	fi
	_t1=$(($(date +%s) - _t0))
	# The route both ways: the ping goes 1-2-3 and its reply 3-2-1,
	# each hop on the table of the node it leaves; node 4 goes
	# straight to the peers it learned.
	if ! p2p_hop 1 1 3 2 150 || ! p2p_hop 3 3 1 2 150 ||
	    ! p2p_hop 2 2 3 3 50 || ! p2p_hop 2 2 1 1 50 ||
	    ! p2p_hop 4 4 1 1 50 || ! p2p_hop 4 4 3 3 50; then
		_dead=$(egd_dead)
		fail "no route between 1 and 3 through 2" \
		    "${_dead:+(egd exited on node(s)$_dead)}"
		return 1
	fi
	echo "Node 4 had a session with each peer it learned $_t1 s after" \
	    "the start; every route was"
	echo "computed after $(($(date +%s) - _t0)) s. Node 4's peers" \
	    "(LEARNED: the node whose BroadcastPeer named it):"
	egctl_show 4 show peers
	echo "(dup: copies of flooded messages that came back another way;" \
	    "wireguard: handshakes"
	echo "from 1 or 3 that came before 4 had learned them, or crossed" \
	    "its own)"
	echo "Node 1's next hops and distances (latencies plus costs):"
	egctl_show 1 show routes
	# The first packet waits for ARP.
	wait_ping 1 10.57.0.3 || { fail "node 1 cannot reach node 3"; return 1; }
	netsim clear >/dev/null
	show_ping 1 10.57.0.3 "1 -> 3 relayed by 2 (2 x 20 ms)" ||
	    { fail "relayed ping from node 1 to node 3"; return 1; }
	echo "  WAN frames during the pings: 1->2 $(netsim_stat 1 2 delivered)," \
	    "2->3 $(netsim_stat 2 3 delivered)," \
	    "3->2 $(netsim_stat 3 2 delivered)," \
	    "2->1 $(netsim_stat 2 1 delivered); direct 1->3" \
	    "$(netsim_stat 1 3 delivered), 3->1 $(netsim_stat 3 1 delivered)"
	echo "  (every link also carries the Pings, one a second each way," \
	    "and the flooded Pongs and BroadcastPeers)"
	wait_ping 4 10.57.0.1 || { fail "node 4 cannot reach node 1"; return 1; }
	show_ping 4 10.57.0.1 "4 -> 1, a learned peer (2 x 50 ms)" ||
	    { fail "ping from node 4 to its learned peer 1"; return 1; }
	echo
	echo "Cutting the WAN link 2-3: its Pongs stop, the link expires" \
	    "3 s (PeerAliveTimeout) after the last, and 1-3 direct is best."
	netsim cut 2 3 >/dev/null || { fail "netsim cut 2 3"; return 1; }
	_t0=$(date +%s)
	if ! p2p_hop 1 1 3 3 150 || ! p2p_hop 3 3 1 1 150; then
		_dead=$(egd_dead)
		fail "the route between 1 and 3 stayed on the cut link" \
		    "${_dead:+(egd exited on node(s)$_dead)}"
		return 1
	fi
	echo "Switched after $(($(date +%s) - _t0)) s:"
	egctl_show 1 show routes
	wait_ping 1 10.57.0.3 ||
	    { fail "node 1 cannot reach node 3 after the cut"; return 1; }
	show_ping 1 10.57.0.3 "1 -> 3 direct (2 x 80 ms)" ||
	    { fail "direct ping from node 1 to node 3"; return 1; }
	echo
	egctl_show 1 show peers
	echo "Node 1 learned node 4 (LEARNED 2), and measured 80 ms to 3."
	echo
}

if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (network namespaces)"
	exit 1
fi
for _b in "$BUILD/egd" "$BUILD/egctl" "$NETSIM_BIN"; do
	[ -x "$_b" ] || { echo "demo: $_b missing: run make"; exit 1; }
done
for _c in wg ping ip; do
	command -v "$_c" >/dev/null ||
	    { echo "demo: $_c not installed: run make deps"; exit 1; }
done
DEMO_DIR=$(mktemp -d "${TMPDIR:-/tmp}/egdemo.XXXXXX") || exit 1
chmod 700 "$DEMO_DIR"

for _part in $DEMO_PARTS; do
	"demo_$_part" || exit 1
	netsim_stop || { echo "demo: FAILED: cleanup after $_part"; exit 1; }
done
echo "Demo done; every namespace and daemon is gone."
