# netsim.sh: drive the netsim WAN emulator from a test script.
# Source it after regress/lib/tap.sh (or alone: it then sets its own
# traps).  README.md in this directory documents every function.
#
#	netsim_start pub pub eim	# node 1, 2 public, 3 behind a NAT
#	netsim set 1 2 delay 20		# any emulator request
#	ns_exec 1 ping -c 1 $(netsim_addr 2)
#	netsim_stop			# or leave it to the exit trap

: "${BUILD:=$(cd "$(dirname "$0")/../.." && pwd)/build}"
NETSIM_BIN=${NETSIM_BIN:-$BUILD/regress/netsim/netsim}
NSPROBE=${NSPROBE:-$BUILD/regress/netsim/nsprobe}
NETSIM_DIR=
NETSIM_PREFIX=
NETSIM_PIDS=
_netsim_runs=0
_netsim_trap=

# netsim_start [-a] [-s SEED] KIND... | -n COUNT
# Builds the WAN (kinds: pub, eim, sym) and returns once it is up.
# Sets NETSIM_DIR (run directory: ctl socket, pid, log) and
# NETSIM_PREFIX (namespace names PREFIX-nI, PREFIX-rI).  One WAN at a
# time: a running one is stopped first.
netsim_start() {
	netsim_stop
	_netsim_runs=$((_netsim_runs + 1))
	NETSIM_PREFIX=nsim$$
	[ "$_netsim_runs" -gt 1 ] && NETSIM_PREFIX=nsim$$_$_netsim_runs
	NETSIM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/netsim.XXXXXX") || return 1
	NETSIM_PIDS=
	if [ -z "$_netsim_trap" ]; then
		_netsim_trap=1
		if command -v on_exit >/dev/null 2>&1; then
			on_exit netsim_stop
		else
			trap 'netsim_stop' EXIT
			trap 'exit 130' INT
			trap 'exit 143' TERM
			trap 'exit 129' HUP
		fi
	fi
	# -w $$: the emulator also goes if this shell dies by SIGKILL.
	"$NETSIM_BIN" -d "$NETSIM_DIR" start -p "$NETSIM_PREFIX" -w $$ \
	    ${NETSIM_RTPRIO:+-r "$NETSIM_RTPRIO"} "$@"
}

# netsim REQUEST...: one request to the running emulator (README.md).
netsim() {
	"$NETSIM_BIN" -d "$NETSIM_DIR" "$@"
}

# netsim_stop: stops the emulator, which ends every process left in
# the node namespaces and removes them; then sweeps any leftover of a
# crashed emulator.  Safe to call twice.  Fails if anything is left.
netsim_stop() {
	[ -n "$NETSIM_DIR" ] || return 0
	"$NETSIM_BIN" -d "$NETSIM_DIR" stop >/dev/null 2>&1
	"$NETSIM_BIN" cleanup "$NETSIM_PREFIX" >/dev/null 2>&1
	for _p in $NETSIM_PIDS; do
		wait "$_p" 2>/dev/null
	done
	NETSIM_PIDS=
	[ -n "$NETSIM_KEEP" ] && cp "$NETSIM_DIR/log" "$NETSIM_KEEP" 2>/dev/null
	rm -rf "$NETSIM_DIR"
	NETSIM_DIR=
	[ -z "$(netsim_leftovers "$NETSIM_PREFIX")" ]
}

# netsim_leftovers PREFIX: prints what of run PREFIX still exists
# (namespaces, devices named after it, emulator processes); nothing
# when all is gone.
netsim_leftovers() {
	ip netns list 2>/dev/null | awk -v p="$1-" \
	    'index($1, p) == 1 { print "netns " $1 }'
	ip -o link show 2>/dev/null | awk -v p="$1" \
	    'index($0, p) { print "link " $2 }'
	pgrep -f -- "netsim -d .* start -p $1 " 2>/dev/null | sed 's/^/pid /'
}

# netsim_ns I: namespace of node I's host.  netsim_rns I: of its router.
netsim_ns() { echo "$NETSIM_PREFIX-n$1"; }
netsim_rns() { echo "$NETSIM_PREFIX-r$1"; }

# ns_exec I|rI CMD...: runs CMD in node I's host (rI: its NAT router).
ns_exec() {
	_ns=$(netsim_nsof "$1") || return 1
	shift
	ip netns exec "$_ns" "$@"
}

# netsim_nsof I|rI: the namespace ns_exec uses for its first argument.
netsim_nsof() {
	case $1 in
	r[0-9]*) echo "$NETSIM_PREFIX-$1" ;;
	[0-9]*) echo "$NETSIM_PREFIX-n$1" ;;
	*) echo "netsim: no node \"$1\"" >&2; return 1 ;;
	esac
}

# netsim_bg I CMD...: ns_exec in the background; the pid goes to
# NETSIM_PIDS and $!.  The emulator ends it at the latest on stop.
netsim_bg() {
	_ns=$(netsim_nsof "$1") || return 1
	shift
	# A plain command, not a function, so that $! is the command itself.
	ip netns exec "$_ns" "$@" &
	NETSIM_PIDS="$NETSIM_PIDS $!"
}

# netsim_addr I: node I's WAN address (its NAT's for a NATed node).
# netsim_addr6 I: its IPv6 WAN address (public nodes only).
# netsim_host_addr I: the address its host has (private if NATed).
netsim_addr() { echo "10.99.0.$1"; }
netsim_addr6() { echo "fd99::$1"; }
netsim_host_addr() {
	netsim nodes | awk -v i="$1" '$1 == i { print $6 }'
}

# netsim_stat I J KEY: one counter of the pair I->J (see stats).
netsim_stat() {
	netsim stats "$1" "$2" | tr ' ' '\n' | sed -n "s/^$3=//p"
}

# netsim_wait_file FILE [SECONDS]: waits (10 s by default) for FILE.
netsim_wait_file() {
	_n=$(( ${2:-10} * 50 ))
	while [ ! -e "$1" ] && [ "$_n" -gt 0 ]; do
		sleep 0.02
		_n=$((_n - 1))
	done
	[ -e "$1" ]
}

# kv KEY LINE...: the value of KEY=value in the words given.
kv() {
	_k=$1
	shift
	echo "$*" | tr ' ' '\n' | sed -n "s/^$_k=//p" | head -n 1
}

# netsim_ping I ADDR [COUNT]: pings ADDR from node I (COUNT times, 10
# by default, 0.1 s apart) and prints "MIN MEDIAN" of the round trips
# in ms, or "- -" when no answer came.
netsim_ping() {
	ns_exec "$1" ping -n -c "${3:-10}" -i 0.1 -W 2 "$2" 2>/dev/null |
	    awk -F'time=' '/time=/ { split($2, a, " "); print a[1] }' |
	    sort -n | awk '{ v[NR] = $1 }
		END { if (NR == 0) print "- -";
		    else print v[1], v[int((NR + 1) / 2)] }'
}

# netsim_probe I J COUNT INTERVAL_MS [ADDR [SEND-OPTIONS]]: sends COUNT
# stamped UDP probes from node I to node J (at ADDR, J's WAN address by
# default) and prints the receiver's summary line: received=
# reordered= min= median= p90= max= (one-way delays in ms) rate=.
netsim_probe() {
	# Callers use $(...): the count lives in a file, not a variable.
	_n=$(($(cat "$NETSIM_DIR/probes" 2>/dev/null || echo 0) + 1))
	echo "$_n" >"$NETSIM_DIR/probes"
	_r=$NETSIM_DIR/probe$_n
	_port=$((9000 + _n % 1000))
	rm -f "$_r.ready"
	netsim_bg "$2" "$NSPROBE" recv -p "$_port" -c "$3" -t 2000 \
	    -T 60000 -r "$_r.ready" >"$_r.out"
	_rpid=$!
	if ! netsim_wait_file "$_r.ready"; then
		kill "$_rpid" 2>/dev/null
		return 1
	fi
	ns_exec "$1" "$NSPROBE" send -c "$3" -i "$4" $6 \
	    "${5:-$(netsim_addr "$2")}" "$_port" >/dev/null
	wait "$_rpid"
	head -n 1 "$_r.out"
}

# fcmp A OP B: floating-point comparison for tests (OP: < <= > >=).
fcmp() {
	awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
		if (a == "-" || b == "-") exit 1
		if (op == "<") exit !(a + 0 < b + 0)
		if (op == "<=") exit !(a + 0 <= b + 0)
		if (op == ">") exit !(a + 0 > b + 0)
		if (op == ">=") exit !(a + 0 >= b + 0)
		exit 1 }'
}

# netsim_near I J EXPECT_MS [ADDR]: probes I->J (20 probes, 10 ms
# apart; 3 tries when the machine is loaded) and succeeds when the
# one-way delay is EXPECT_MS to EXPECT_MS + 1: the minimum in that
# range (never early) and the median no later.  The last summary line
# is in NETSIM_PROBED.
netsim_near() {
	_hi=$(awk -v e="$3" 'BEGIN { print e + 1 }')
	_lo=$(awk -v e="$3" 'BEGIN { print e - 0.01 }')
	for _try in 1 2 3; do
		NETSIM_PROBED=$(netsim_probe "$1" "$2" 20 10 "$4")
		_min=$(kv min "$NETSIM_PROBED")
		_med=$(kv median "$NETSIM_PROBED")
		if fcmp "$_min" ">=" "$_lo" && fcmp "$_min" "<=" "$_hi" &&
		    fcmp "$_med" "<=" "$_hi"; then
			return 0
		fi
		echo "# $1->$2 try $_try, want $3 ms: $NETSIM_PROBED"
	done
	return 1
}
