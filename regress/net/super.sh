# super.sh: what the super-mode tests (regress/net/super_*.t) share.
# Source it after regress/lib/tap.sh, regress/netsim/netsim.sh and
# regress/net/static.sh (for st_keys, st_start, st_wait, st_show and
# the field helpers).  Edges are netsim nodes 1..N with a TAP eg0
# holding 10.78.0.I/24; the supernode runs in node $SP_NODE (the last
# one) and listens on UDP and TCP port 3456 of its WAN address.
#
#	st_keys 4 && sp_keys			# edge keys, supernode keys
#	sp_super_conf 5 "1 2 3 4"		# supernode config, edges 1-4
#	sp_edge_conf 1				# edge 1's config
#	sp_start_super && sp_start_edge 1	# daemons
#	sp_state >f				# the Manage API's state JSON

EGSUPD=$BUILD/eg-supd
SP_PORT=3456
SP_PREFIX=/eg/api
SP_PW=pw_state

sp_need() {	# skips the whole test when something is missing
	st_need
	command -v curl >/dev/null 2>&1 || skip_all "curl not installed"
	[ -x "$EGSUPD" ] || skip_all "run make first ($EGSUPD missing)"
}

sp_keys() {	# the supernode's key pairs $ST/sk4, sp4, sk6, sp6
	for _f in 4 6; do
		wg genkey >$ST/sk$_f && wg pubkey <$ST/sk$_f >$ST/sp$_f ||
		    return 1
	done
}

# Timers, in seconds, for both sides; a test may change them before
# writing the configs.
SP_PING=${SP_PING:-1}		# SendPingInterval
SP_ALIVE=${SP_ALIVE:-4}		# PeerAliveTimeout
SP_POST=${SP_POST:-1}		# HttpPostInterval
SP_REPUSH=${SP_REPUSH:-2}	# RePushConfigInterval
SP_COOL=${SP_COOL:-0.5}		# RecalculateCoolDown
SP_CHECK=${SP_CHECK:-0.5}	# TimeoutCheckInterval
SP_RADIUS=${SP_RADIUS:-0}	# DampingFilterRadius
SP_DAMP=${SP_DAMP:-0.5}		# DampingResistance
# The Manage API: the tests ask it from node 1 with plain passwords, as
# EtherGuard-Go's clients do; by default eg-supd answers loopback only,
# signed requests from elsewhere.
SP_MANAGE_FROM=${SP_MANAGE_FROM:-$(netsim_addr 1)}	# ManageAPI.AllowFrom,
							# comma-separated
SP_PLAIN=${SP_PLAIN:-all}		# ManageAPI.PlainPasswords
SP_DELBYKEY=${SP_DELBYKEY:-false}	# ManageAPI.DelPeerByPrivKey

# sp_super_conf S "EDGES" [TOP-LEVEL-LINE...]: the supernode's config in
# $ST/super.conf; it runs in node S.  Each edge I has AdditionalCost
# $SP_AC_I when set, else 0.
sp_super_conf() {
	SP_NODE=$1
	_edges=$2
	shift 2
	{
		echo "NodeName: super"
		echo "PrivKeyV4: $(cat $ST/sk4)"
		echo "PrivKeyV6: $(cat $ST/sk6)"
		echo "ListenPort: $SP_PORT"
		echo "ListenPort_EdgeAPI: \"$SP_PORT\""
		echo "ListenPort_ManageAPI: \"$SP_PORT\""
		echo "API_Prefix: $SP_PREFIX"
		echo "RePushConfigInterval: $SP_REPUSH"
		echo "HttpPostInterval: $SP_POST"
		echo "PeerAliveTimeout: $SP_ALIVE"
		echo "SendPingInterval: $SP_PING"
		echo "DampingFilterRadius: $SP_RADIUS"
		echo "LogLevel:"
		echo "  LogLevel: error"
		echo "Passwords:"
		echo "  ShowState: $SP_PW"
		echo "  AddPeer: pw_add"
		echo "  DelPeer: pw_del"
		echo "  UpdatePeer: pw_upd"
		echo "  UpdateSuper: pw_super"
		# SP_MANAGE_FROM=-: no ManageAPI block, the defaults.
		if [ "$SP_MANAGE_FROM" != - ]; then
			echo "ManageAPI:"
			echo "  AllowFrom: [$SP_MANAGE_FROM]"
			echo "  PlainPasswords: $SP_PLAIN"
			echo "  DelPeerByPrivKey: $SP_DELBYKEY"
		fi
		echo "GraphRecalculateSetting:"
		echo "  StaticMode: false"
		echo "  JitterTolerance: 1"
		echo "  JitterToleranceMultiplier: 1.01"
		echo "  TimeoutCheckInterval: $SP_CHECK"
		echo "  RecalculateCoolDown: $SP_COOL"
		echo "  DampingResistance: $SP_DAMP"
		echo "UsePSKForInterEdge: true"
		for _l in "$@"; do
			echo "$_l"
		done
		echo "Peers:"
		for _i in $_edges; do
			sp_super_peer "$_i"
		done
	} >$ST/super.conf
	chmod 600 $ST/super.conf
}

sp_super_peer() {	# sp_super_peer I: edge I's entry in Peers
	eval "_ac=\${SP_AC_$1:-0}"
	echo "- NodeID: $1"
	echo "  Name: edge$1"
	echo "  PubKey: $(cat $ST/p$1)"
	echo "  AdditionalCost: $_ac"
}

# sp_edge_conf I [IFACE-TYPE]: edge I's config in $ST/nI.conf, with a
# TAP eg0 (or IType IFACE-TYPE: dummy makes a relay node).
sp_edge_conf() {
	_sa=$(netsim_addr $SP_NODE)
	{
		echo "Interface:"
		echo "  IType: ${2:-tap}"
		echo "  Name: eg0"
		echo "  MacAddrPrefix: 02:78:00:00"
		echo "  IPv4CIDR: 10.78.0.0/24"
		echo "  MTU: 1400"
		echo "NodeID: $1"
		echo "NodeName: edge$1"
		echo "PrivKey: $(cat $ST/k$1)"
		echo "ListenPort: 3000"
		echo "LogLevel:"
		echo "  LogLevel: error"
		echo "DynamicRoute:"
		echo "  SendPingInterval: $SP_PING"
		echo "  PeerAliveTimeout: $SP_ALIVE"
		echo "  TimeoutCheckInterval: $SP_CHECK"
		echo "  ConnNextTry: 1"
		echo "  AdditionalCost: 0"
		echo "  DampingFilterRadius: 0"
		echo "  SaveNewPeers: false"
		echo "  SuperNode:"
		echo "    UseSuperNode: true"
		echo "    EndpointV4: $_sa:$SP_PORT"
		echo "    PubKeyV4: $(cat $ST/sp4)"
		echo "    EndpointV6: \"\""
		echo "    PubKeyV6: $(cat $ST/sp6)"
		echo "    EndpointEdgeAPIUrl: http://$_sa:$SP_PORT$SP_PREFIX"
		echo "    SuperNodeInfoTimeout: 5"
		echo "  NTPConfig:"
		echo "    UseNTP: false"
		echo "NextHopTable: {}"
		echo "Peers: []"
	} >$ST/n$1.conf
	chmod 600 $ST/n$1.conf
}

# sp_start_super [ENV=VALUE...]: eg-supd in node $SP_NODE; its pid in
# $ST/pidS, its control socket $ST/sS.sock, its log $ST/logS.
sp_start_super() {
	netsim_bg "$SP_NODE" env "$@" "$EGSUPD" -d -u nobody \
	    -f $ST/super.conf -s $ST/sS.sock 2>>$ST/logS
	echo $! >$ST/pidS
}

sp_start_edge() {	# sp_start_edge I: egd in node I
	st_start "$1"
}

sp_wait_super() {	# the supernode's control socket and HTTP server
	st_wait S || return 1
	_n=50
	while [ $_n -gt 0 ]; do
		sp_state >/dev/null 2>&1 && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

sp_stop_super() { st_stop S; }

sp_child() {	# sp_child PROC: pid of eg-supd's child PROC (engine, route)
	for _c in $(ps -o pid= --ppid "$(cat $ST/pidS)"); do
		if [ "$(tr '\0' '\n' </proc/$_c/cmdline | head -n 1)" = \
		    "eg-supd: $1" ]; then
			echo $_c
			return 0
		fi
	done
	return 1
}

# sp_url PATH: the URL of PATH under the supernode's API prefix.
sp_url() { echo "http://$(netsim_addr $SP_NODE):$SP_PORT$SP_PREFIX$1"; }

# sp_curl NODE ARGS...: curl from node NODE; prints the body and then a
# line with the status code.
sp_curl() {
	_n=$1
	shift
	ns_exec "$_n" curl -s -m 10 -w '\n%{http_code}\n' "$@"
}

# sp_state [NODE]: the state JSON from the Manage API (asked from node
# NODE, the first edge by default); fails on any status but 200.
sp_state() {
	ns_exec "${1:-1}" curl -sf -m 5 -H "X-EG-Password: $SP_PW" \
	    "$(sp_url /manage/super/state)"
}

# sp_nh FILE SRC DST: the next hop from SRC to DST in a saved state.
sp_nh() {
	jq -r ".NhTable[\"$2\"][\"$3\"] // \"none\"" "$1"
}

# sp_wait_nh SRC DST HOP [TENTHS]: until the supernode routes SRC to DST
# through HOP (30 s by default); the last state is in $ST/state.
sp_wait_nh() {
	_n=${4:-300}
	while [ "$_n" -gt 0 ]; do
		if sp_state >$ST/state 2>/dev/null &&
		    [ "$(sp_nh $ST/state "$1" "$2")" = "$3" ]; then
			return 0
		fi
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# sp_wait_peers I N [TENTHS]: until edge I knows N other edges with a
# handshake done (20 s by default); the supernode does not count.
sp_wait_peers() {
	_n=${3:-200}
	while [ "$_n" -gt 0 ]; do
		_c=$(st_show "$1" 2>/dev/null |
		    jq '[.Peers[] | select(.LastHandshake != null and
		    .NodeID < 65530)] | length' 2>/dev/null)
		[ "${_c:-0}" -ge "$2" ] && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# sp_wait_hop I PEER HOP [TENTHS]: until egctl on edge I shows HOP as
# PEER's next hop (10 s by default).
sp_wait_hop() {
	_n=${4:-100}
	while [ "$_n" -gt 0 ]; do
		[ "$(st_show $1 | st_pf /dev/stdin $2 NextHop)" = $3 ] &&
		    return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
