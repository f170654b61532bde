# p2p.sh: what the P2P-mode tests on netsim (regress/net/p2p_*.t, but
# p2p_egconf.t, which runs EtherGuard-Go's own files) share.  Source it
# after regress/lib/tap.sh, regress/netsim/netsim.sh and
# regress/net/static.sh (keys, st_start, st_wait, st_show, st_pf).
# Node I is netsim node I; its egd has a TAP eg0 holding 10.81.0.I/24
# and listens on UDP port 3000 (P2_PORT_I when set).
#
#	st_keys 4				# key pairs
#	p2_conf 1 && st_peer 1 2 10.99.0.2:3000 false	# config, peers
#	st_start 1 && st_wait 1			# egd in node 1
#	p2_matrix | p2_set_delays		# the WAN's one-way delays
#	p2_matrix | p2_solve >want		# next hops by brute force
#	p2_wait_tables want "1 2 3 4"		# every node's own row
#
# The brute force knows nothing of the project's solver: it is
# Bellman-Ford on the delays given and the route engine's cost model
# (common/route/route.h): a link u -> v weighs its one-way latency plus
# the AdditionalCost of v, the node it enters, which v's own Pongs carry
# (egd/route_p2p.c).  So a relay's AdditionalCost counts once on each
# path through it, and the destination's is the same on every path.

# Timers, in seconds; a test may change them before writing configs.
P2_PING=${P2_PING:-1}		# SendPingInterval
P2_ALIVE=${P2_ALIVE:-4}		# PeerAliveTimeout: a Pong's lifetime
P2_PEERINT=${P2_PEERINT:-2}	# SendPeerInterval
P2_DUP=${P2_DUP:-5}		# DupCheckTimeout
P2_CHECK=${P2_CHECK:-0.5}	# TimeoutCheckInterval (both of them)
P2_COOL=${P2_COOL:-0.5}		# RecalculateCoolDown
P2_JT=${P2_JT:-0.5}		# JitterTolerance, ms

# p2_conf I [TOP-LEVEL-LINE...]: node I's config in $ST/nI.conf, up to
# "Peers:" (st_peer appends them): a TAP, P2P mode, the timers above,
# AdditionalCost $P2_AC_I (0 when unset).  LogInternal is on: its lines
# say when a BroadcastPeer moved a peer (the tests read them).  A median
# of 3 (DampingFilterRadius 1) and DampingResistance 0.5 keep a loaded
# machine's late samples out of the table and still follow in seconds.
p2_conf() {
	_i=$1
	shift
	eval "_ac=\${P2_AC_$_i:-0}"
	eval "_port=\${P2_PORT_$_i:-3000}"
	# st_conf writes "LogLevel:" and its first key last before the
	# top-level lines, so an indented first line is LogLevel's.
	st_conf "$_i" "  LogInternal: true" \
	    "DynamicRoute:" \
	    "  SendPingInterval: $P2_PING" \
	    "  PeerAliveTimeout: $P2_ALIVE" \
	    "  TimeoutCheckInterval: $P2_CHECK" \
	    "  ConnNextTry: 1" \
	    "  DupCheckTimeout: $P2_DUP" \
	    "  AdditionalCost: $_ac" \
	    "  DampingFilterRadius: 1" \
	    "  SaveNewPeers: false" \
	    "  SuperNode:" \
	    "    UseSuperNode: false" \
	    "  P2P:" \
	    "    UseP2P: true" \
	    "    SendPeerInterval: $P2_PEERINT" \
	    "    GraphRecalculateSetting:" \
	    "      StaticMode: false" \
	    "      JitterTolerance: $P2_JT" \
	    "      JitterToleranceMultiplier: 1.01" \
	    "      DampingResistance: 0.5" \
	    "      TimeoutCheckInterval: $P2_CHECK" \
	    "      RecalculateCoolDown: $P2_COOL" \
	    "NextHopTable: {}" \
	    "$@" -- "IType: tap" "Name: eg0" "MacAddrPrefix: 02:81:00:00" \
	    "IPv4CIDR: 10.81.0.0/24" "MTU: 1400" || return 1
	sed -i "s/^ListenPort: 3000\$/ListenPort: $_port/" $ST/n$_i.conf
}

# p2_matrix [N]: the one-way delays of the tests' WAN among nodes 1 to
# N (10), as lines "I J MS", from the table below (row: from, column:
# to).  Every best path wins by 12 ms or more, among the ten or the
# first nine, and still does with the link 1 - 4 cut or with an
# AdditionalCost of 50 ms on node 1 (p2_solve prints the margins; the
# tests check them).  That is more than what the measurement adds on a
# loaded machine: under a millisecond a link on average, but we saw the
# damped latency of a link run 5 to 15 ms late for seconds while other
# builds kept both cores busy.  Direct links that a relay beats are
# some 400 ms; twelve paths are relayed, and the two directions of a
# pair take different paths where the table says so.
P2_MATRIX='
   to:    1    2    3    4    5    6    7    8    9   10
     1    -  390  164   44   62  154  100  134  140  438
     2  396    -  138  104   76  164   62  172  198   90
     3  170  138    -  184  172  408  394  154  198   72
     4   48  408  190    -   66  480  124  142  446  158
     5   60   70  176   62    -  186  104  174  178  138
     6  162  168  106  178  190    -  138   78  138  130
     7  104   64  400  122  104  136    -  144  184   66
     8  132  174  146  142  470   80  146    -   76  158
     9  140  200  204  140  184  140  180   80    -  206
    10  140   96   66  162  436  130  358  162  208    -'
p2_matrix() {
	echo "$P2_MATRIX" | awk -v n="${1:-10}" '
		$1 == "to:" { for (c = 2; c <= NF; c++) col[c] = $c; next }
		NF > 1 && $1 <= n {
			for (c = 2; c <= NF; c++)
				if ($c != "-" && col[c] <= n)
					print $1, col[c], $c
		}'
}

# p2_set_delays: netsim's one-way delay of each pair from "I J MS" lines.
p2_set_delays() {
	while read -r _a _b _ms; do
		netsim set "$_a" "$_b" delay "$_ms" >/dev/null || return 1
	done
}

# p2_solve [AC-LIST]: next hops by brute force from "I J MS" lines (the
# links that exist) on stdin, AC-LIST "NODE:MS ..." the AdditionalCosts
# (0 elsewhere).  Prints "SRC DST NEXTHOP DIST MARGIN" for every pair
# that has a path, sorted: MARGIN is how much the best path through any
# other first hop costs more (99999 when there is none).  Distances come
# from Bellman-Ford (relax every link until nothing changes); the best
# first hop from s to d is the h minimising w(s,h) + dist(h,d).
p2_solve() {
	awk -v aclist="${1:-}" '
	BEGIN {
		na = split(aclist, a, " ")
		for (k = 1; k <= na; k++) {
			split(a[k], kv, ":")
			ac[kv[1]] = kv[2]
		}
	}
	{
		m++
		eu[m] = $1; ev[m] = $2
		w[$1, $2] = $3 + ac[$2]
		ew[m] = w[$1, $2]
		node[$1] = 1; node[$2] = 1
	}
	END {
		for (u in node) for (v in node)
			dist[u, v] = (u == v) ? 0 : 1e18
		do {
			changed = 0
			for (k = 1; k <= m; k++) for (d in node) {
				c = ew[k] + dist[ev[k], d]
				if (c < dist[eu[k], d]) {
					dist[eu[k], d] = c
					changed = 1
				}
			}
		} while (changed)
		for (s in node) for (d in node) {
			if (s == d || dist[s, d] >= 1e18)
				continue
			best = 1e18; second = 1e18; nh = ""
			for (h in node) {
				if (!((s, h) in w) || dist[h, d] >= 1e18)
					continue
				c = w[s, h] + dist[h, d]
				if (c < best) {
					second = best; best = c; nh = h
				} else if (c < second)
					second = c
			}
			printf "%d %d %d %g %g\n", s, d, nh, best,
			    (second >= 1e18 ? 99999 : second - best)
		}
	}' | sort -n -k1,1 -k2,2
}

# p2_without I J: the "I J MS" lines on stdin but the link I - J (both
# directions).
p2_without() {
	awk -v a="$1" -v b="$2" \
	    '!(($1 == a && $2 == b) || ($1 == b && $2 == a))'
}

# p2_margin FILE: the smallest margin in a p2_solve output.
p2_margin() {
	awk 'NR == 1 || $5 < m { m = $5 } END { print m + 0 }' "$1"
}

# p2_routes I: egctl -j show routes of node I (its own row).
p2_routes() {
	timeout 10 "$EGCTL" -j -s $ST/s$1.sock show routes
}

# p2_nh FILE SRC DST: the next hop from SRC to DST in a saved
# p2_routes output, or "none".
p2_nh() {
	jq -r "[.[] | select(.Src == $2 and .Dst == $3) | .NextHop][0] //
	    \"none\"" "$1"
}

# p2_row_diff I WANT: node I's own row against the rows "SRC DST HOP
# ..." of WANT whose SRC is I; prints "I>DST:GOT/WANT" for each pair that
# differs ("none": no next hop), nothing when all match.  The routes
# are left in $ST/routesI.
p2_row_diff() {
	p2_routes $1 >$ST/routes$1 2>/dev/null ||
	    { echo "$1:no-routes"; return; }
	# join(1) wants the order of sort(1) in the same locale.
	jq -r ".[] | select(.Src == $1) | \"\(.Dst) \(.NextHop)\"" \
	    $ST/routes$1 2>/dev/null | LC_ALL=C sort >$ST/rowgot.$1
	awk -v i="$1" '$1 == i { print $2, $3 }' "$2" |
	    LC_ALL=C sort >$ST/rowwant.$1
	LC_ALL=C join -a 1 -a 2 -e none -o 0,1.2,2.2 $ST/rowgot.$1 \
	    $ST/rowwant.$1 |
	    awk -v i="$1" '$2 != $3 { printf "%s>%s:%s/%s ", i, $1, $2, $3 }'
}

# p2_tables_diff WANT NODES: p2_row_diff of each node, on one line.
p2_tables_diff() {
	for _t in $2; do
		p2_row_diff $_t "$1"
	done
}

# p2_wait_tables WANT NODES [SECONDS]: until every node's own row
# equals WANT's (for 30 s at most).  What still differs at the end is
# in $ST/tdiff (empty on success).
p2_wait_tables() {
	_end=$(p2_deadline ${3:-30})
	while :; do
		p2_tables_diff "$1" "$2" >$ST/tdiff
		[ -s $ST/tdiff ] || return 0
		p2_before $_end || return 1
		sleep 0.1
	done
}

# p2_sessions I PEERS: how many of PEERS node I has a session with (a
# handshake at or after $P2_SINCE, a Unix time, when set).
p2_sessions() {
	st_show $1 2>/dev/null | jq --argjson p "[$(echo $2 | tr ' ' ,)]" \
	    --argjson t "${P2_SINCE:-0}" '[.Peers[] | select(.NodeID as $n |
	    $p | index($n)) | select(.LastHandshake != null and
	    .LastHandshake >= $t)] | length' 2>/dev/null || echo 0
}

# p2_wait_sessions I PEERS [SECONDS]: until node I has a session with
# each of PEERS (for 30 s at most).
p2_wait_sessions() {
	_end=$(p2_deadline ${3:-30})
	_want=$(echo $2 | wc -w)
	until [ "$(p2_sessions $1 "$2")" = "$_want" ]; do
		p2_before $_end || return 1
		sleep 0.1
	done
}

# p2_others I NODES: NODES but I.
p2_others() {
	echo $2 | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ' | sed 's/ $//'
}

# p2_stamp: the time now, in seconds with decimals; p2_since T: the
# seconds since p2_stamp gave T, to a tenth.
p2_stamp() { date +%s.%N; }
p2_since() {
	awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

# p2_deadline S: the time S seconds from now, for p2_before; p2_before
# T: succeeds while that time has not come.  Loops that poll daemons
# take longer than their sleeps, so they count time, not rounds.
p2_deadline() { echo $(($(date +%s) + $1)); }
p2_before() { [ "$(date +%s)" -lt "$1" ]; }

# p2_ok STATUS WORDS...: ok with a description of several words (ok
# itself takes one).
p2_ok() {
	_s=$1
	shift
	ok "$_s" "$*"
}
