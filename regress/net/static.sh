# static.sh: what the static-mode tests (regress/net/static_*.t) share.
# Source it after regress/lib/tap.sh and regress/netsim/netsim.sh.
# Nodes are netsim nodes; node I's egd has its config in $ST/nI.conf,
# its control socket $ST/sI.sock, its log $ST/logI and listens on UDP
# port 3000 of its WAN address.  Overlay addresses are 10.77.0.I.
#
#	st_keys 2			# key pairs for nodes 1 and 2
#	st_conf 1 "IType: tap" "Name: eg0"	# config head, Interface lines
#	st_peer 1 2 10.99.0.2:3000 true	# peer 2 of node 1 (Static true)
#	st_nht 1 "1 2:2" "2 1:1"	# NextHopTable rows: src dst:nexthop
#	st_start 1 && st_wait 1		# egd in node 1, its control socket
#	st_show 1 >f && st_rx f 2	# egctl -j show peers; peer 2's rx

EGD=$BUILD/egd
EGCTL=$BUILD/egctl
IFPEER=$BUILD/regress/net/ifpeer
WGJUNK=$BUILD/regress/net/wgjunk

st_need() {	# skips the whole test when something is missing
	need_root
	for _c in wg jq ip ping; do
		command -v $_c >/dev/null 2>&1 || skip_all "$_c not installed"
	done
	for _b in "$EGD" "$EGCTL" "$IFPEER" "$WGJUNK" "$NETSIM_BIN"; do
		[ -x "$_b" ] || skip_all "run make first ($_b missing)"
	done
}

ST=$(mktemp -d /tmp/egstatic.XXXXXX) || exit 1
on_exit "rm -rf $ST"
umask 077

st_keys() {	# st_keys N: key pairs $ST/kI (private), $ST/pI (public)
	for _i in $(seq 1 "$1"); do
		wg genkey >$ST/k$_i && wg pubkey <$ST/k$_i >$ST/p$_i || return 1
	done
}

# st_conf I [TOP-LEVEL-LINE]... -- INTERFACE-LINE...: starts node I's
# config; lines before "--" go at the top level.
st_conf() {
	_i=$1
	shift
	{
		echo "NodeID: $_i"
		echo "NodeName: node$_i"
		echo "PrivKey: $(cat $ST/k$_i)"
		echo "ListenPort: 3000"
		echo "LogLevel:"
		echo "  LogLevel: error"
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			echo "$1"
			shift
		done
		[ "$1" = -- ] && shift
		echo "Interface:"
		for _l in "$@"; do
			echo "  $_l"
		done
		echo "Peers:"
	} >$ST/n$_i.conf
	chmod 600 $ST/n$_i.conf
}

# st_peer I J [ENDPOINT [STATIC]]: peer J in node I's config.  Both
# append: first every st_peer of the node, then its st_nht.
st_peer() {
	{
		echo "- NodeID: $2"
		echo "  PubKey: $(cat $ST/p$2)"
		echo "  EndPoint: \"${3:-}\""
		echo "  Static: ${4:-true}"
	} >>$ST/n$1.conf
}

# st_nht I ROW...: NextHopTable; a ROW is "SRC DST:NEXTHOP ...".
st_nht() {
	_f=$ST/n$1.conf
	shift
	echo "NextHopTable:" >>"$_f"
	for _r in "$@"; do
		set -- $_r
		echo "  $1:" >>"$_f"
		shift
		for _e in "$@"; do
			echo "    ${_e%%:*}: ${_e#*:}" >>"$_f"
		done
	done
}

# st_start I [ENV=VALUE...]: egd in node I; its parent's pid in $ST/pidI.
st_start() {
	_i=$1
	shift
	netsim_bg "$_i" env "$@" "$EGD" -d -u nobody -f $ST/n$_i.conf \
	    -s $ST/s$_i.sock 2>>$ST/log$_i
	echo $! >$ST/pid$_i
}

st_wait() {	# st_wait I [TENTHS]: node I's control socket (5 s)
	_n=${2:-50}
	while [ ! -S $ST/s$1.sock ] && [ "$_n" -gt 0 ]; do
		sleep 0.1
		_n=$((_n - 1))
	done
	[ -S $ST/s$1.sock ]
}

# st_stop I: stops node I's egd and waits until it is gone; its exit
# status goes to $ST/exitI for st_healthy (a SIGKILL after 5 s shows).
st_stop() {
	_p=$(cat $ST/pid$1 2>/dev/null) || return 0
	kill -TERM "$_p" 2>/dev/null
	_n=50
	while kill -0 "$_p" 2>/dev/null && [ $_n -gt 0 ]; do
		sleep 0.1
		_n=$((_n - 1))
	done
	kill -KILL "$_p" 2>/dev/null
	st_reap "$1"
	rm -f $ST/s$1.sock
}

# st_reap I: the exit status of node I's daemon, gone by itself or
# stopped, into $ST/exitI; forgets its pid.
st_reap() {
	_p=$(cat $ST/pid$1 2>/dev/null) || return 0
	wait "$_p" 2>/dev/null
	echo "$_p $?" >>$ST/exit$1
	rm -f $ST/pid$1
}

# st_alive I: node I's daemon (I = S: the supernode) still runs, as
# neither an exited process nor a zombie.
st_alive() {
	_p=$(cat $ST/pid$1 2>/dev/null) || return 1
	case $(ps -o stat= -p "$_p" 2>/dev/null) in
	''|Z*)	return 1 ;;
	esac
}

# st_healthy I: no daemon of node I (S: the supernode) died.  Its log
# exists and has no fatal error: fatal() and fatalx() log "fatal in
# PROC:", and the parent the same when a child dies (egd(8),
# DIAGNOSTICS); every one st_stop or st_reap saw exited 0; the one
# started last, unless stopped, still runs.  Prints why not.
st_healthy() {
	if [ ! -e $ST/log$1 ]; then
		echo "no log"
		return 1
	fi
	if grep -q 'fatal\|killed by signal' $ST/log$1; then
		echo "$(grep -m 1 'fatal\|killed by signal' $ST/log$1)"
		return 1
	fi
	if [ -e $ST/exit$1 ] && ! awk '$2 != 0 { exit 1 }' $ST/exit$1; then
		echo "exit status $(awk '$2 != 0 { print $2; exit }' \
		    $ST/exit$1)"
		return 1
	fi
	if [ -e $ST/pid$1 ] && ! st_alive $1; then
		echo "not running any more"
		return 1
	fi
	echo "alive or stopped cleanly"
}

st_show() {	# st_show I: egctl -j show peers of node I (a hung engine fails)
	timeout 10 "$EGCTL" -j -s $ST/s$1.sock show peers
}

st_reload() {	# st_reload I: egctl reload of node I
	timeout 10 "$EGCTL" -s $ST/s$1.sock reload >/dev/null
}

# Fields of a saved st_show output.
st_pf() {	# st_pf FILE PEER FIELD
	jq -r ".Peers[] | select(.NodeID == $2) | .$3" "$1"
}
st_rx() { st_pf "$1" "$2" RxPackets; }
st_tx() { st_pf "$1" "$2" TxPackets; }
st_drop() {	# st_drop FILE REASON
	jq -r ".Dropped[\"$2\"]" "$1"
}
st_ctr() {	# st_ctr FILE NAME
	jq -r ".Counters[\"$2\"]" "$1"
}
# The sum of the drops whose names match the regex.
st_drops() {	# st_drops FILE REGEX
	jq -r "[.Dropped | to_entries[] | select(.key | test(\"$2\")) |
	    .value] | add" "$1"
}

st_engine() {	# st_engine I: pid of node I's engine process
	for _c in $(ps -o pid= --ppid "$(cat $ST/pid$1)"); do
		if [ "$(tr '\0' '\n' </proc/$_c/cmdline | head -n 1)" = \
		    "egd: engine" ]; then
			echo $_c
			return 0
		fi
	done
	return 1
}

# st_ping I ADDR [SECONDS]: succeeds once one echo is answered (a new
# session may first need a handshake, and one that collided its retry).
st_ping() {
	ns_exec "$1" ping -n -q -c 1 -i 0.3 -w "${3:-12}" "$2" >/dev/null 2>&1
}

# st_until TENTHS COMMAND...: runs COMMAND every 0.1 s until it
# succeeds or TENTHS tenths of a second have passed; fails if it never
# did.  For counters: wait until they reach a value, then assert it.
st_until() {
	_u_t=$1
	shift
	until "$@"; do
		[ "$_u_t" -gt 0 ] || return 1
		sleep 0.1
		_u_t=$((_u_t - 1))
	done
}

# st_received FILE: the replies counted in a saved ping summary ("N
# packets transmitted, M received, ..."); 0 when it has none.  Ping
# exits 0 once a single echo is answered: count the replies instead.
st_received() {
	_r=$(sed -n 's/.* \([0-9][0-9]*\) received.*/\1/p' "$1" | tail -n 1)
	echo "${_r:-0}"
}

# st_wait_line FILE STRING [TENTHS]: until FILE holds the line STRING.
st_wait_line() {
	_n=${3:-100}
	while ! grep -qxF -- "$2" "$1" 2>/dev/null && [ "$_n" -gt 0 ]; do
		sleep 0.1
		_n=$((_n - 1))
	done
	grep -qxF -- "$2" "$1" 2>/dev/null
}

# st_noipv6 I...: no IPv6 on the interfaces egd makes in these nodes,
# so that nothing but the test's traffic crosses the overlay.
st_noipv6() {
	for _i in "$@"; do
		ns_exec "$_i" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	done
}
