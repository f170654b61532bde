#!/bin/sh
# TCP throughput (iperf3, one and four streams) and ping round trips
# between two namespaces joined by a veth pair: through egd in static
# mode, through wireguard-go, through tinc in switch mode, and over the
# bare veth as the ceiling, all in the same run.  The tools take turns
# within each round, so that load from elsewhere on the machine falls
# on all of them alike; each figure is the best and the median of the
# rounds.  Prints the ratios egd/wireguard-go and egd/tinc, and the CPU
# each daemon used during the single-stream runs.
#
# A measurement, not a test: it exits 0 whatever the figures, and 1
# only when egd itself could not be measured.  Needs root and a built
# tree (make).  Environment: BENCH_ROUNDS (3), BENCH_SECS (seconds per
# iperf3 run, 5), BENCH_PINGS (200, sent 10 ms apart), BENCH_KEEP=1
# keeps the work directory (configs, logs, raw figures); it is also kept
# when egd could not be measured.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$TOP/build
ROUNDS=${BENCH_ROUNDS:-3}
SECS=${BENCH_SECS:-5}
PINGS=${BENCH_PINGS:-200}
PORT=5201

NSA=tput$$a
NSB=tput$$b
# Interface names carry the PID: wireguard-go's control socket lives in
# /var/run/wireguard/, which all namespaces share.
EGIF=tpe$$
WGIF_A=tpw$$a
WGIF_B=tpw$$b
TNIF=tpt$$
PIDS=
W=

say() {
	printf '%s\n' "$*"
}

# stop_pids: SIGTERM to what this script started, SIGKILL after 3 s.
stop_pids() {
	[ -n "$PIDS" ] || return 0
	kill $PIDS 2>/dev/null
	_n=30
	while [ "$_n" -gt 0 ]; do
		_alive=
		for _p in $PIDS; do
			kill -0 "$_p" 2>/dev/null && _alive="$_alive $_p"
		done
		[ -z "$_alive" ] && break
		sleep 0.1
		_n=$((_n - 1))
	done
	[ -n "$_alive" ] && kill -9 $_alive 2>/dev/null
	for _p in $PIDS; do
		wait "$_p" 2>/dev/null
	done
	PIDS=
}

cleanup() {
	trap - EXIT INT TERM HUP
	# With stdout gone (| head), a message must not kill the cleanup.
	trap '' PIPE
	stop_pids
	ip netns delete "$NSA" 2>/dev/null
	ip netns delete "$NSB" 2>/dev/null
	rm -f "/var/run/wireguard/$WGIF_A.sock" \
	    "/var/run/wireguard/$WGIF_B.sock"
	if [ -n "$W" ]; then
		if [ -n "$BENCH_KEEP" ] || [ "$egd_ok" = 0 ]; then
			say "bench_tput: work directory kept: $W"
		else
			rm -rf "$W"
		fi
	fi
}

# bg LOGFILE NS CMD...: CMD in namespace NS, in the background, output
# to LOGFILE; its pid (ip netns exec execs CMD) joins PIDS and LASTPID.
bg() {
	_log=$1
	_ns=$2
	shift 2
	ip netns exec "$_ns" "$@" >"$_log" 2>&1 </dev/null &
	PIDS="$PIDS $!"
	LASTPID=$!
}

# wait_ping ADDR: until ADDR answers from namespace A (10 s at most).
wait_ping() {
	_n=20
	while [ "$_n" -gt 0 ]; do
		ip netns exec "$NSA" ping -n -q -c 1 -W 1 "$1" \
		    >/dev/null 2>&1 && return 0
		sleep 0.2
		_n=$((_n - 1))
	done
	return 1
}

setup_veth() {
	ip netns add "$NSA" && ip netns add "$NSB" &&
	ip -n "$NSA" link add va type veth peer name vb netns "$NSB" &&
	ip -n "$NSA" addr add 10.98.0.1/24 dev va &&
	ip -n "$NSB" addr add 10.98.0.2/24 dev vb &&
	ip -n "$NSA" link set lo up && ip -n "$NSB" link set lo up &&
	ip -n "$NSA" link set va up && ip -n "$NSB" link set vb up
}

# egd_conf ME PEER: the config of node ME, in static mode, whose one
# peer is PEER; both listen on port 3000 of their veth address.
egd_conf() {
	cat <<EOF
Interface:
  IType: tap
  Name: $EGIF
  MacAddrPrefix: 02:42:00:00
  IPv4CIDR: 10.77.0.0/24
NodeID: $1
NodeName: bench$1
PrivKey: $(cat "$W/key$1")
ListenPort: 3000
NextHopTable:
  $1:
    $2: $2
Peers:
- NodeID: $2
  PubKey: $(cat "$W/pub$2")
  EndPoint: 10.98.0.$2:3000
  Static: true
EOF
}

setup_egd() {
	[ -x "$BUILD/egd" ] || { WHY="$BUILD/egd missing: run make"; return 1; }
	(umask 077
	egd_conf 1 2 >"$W/egd1.conf" && egd_conf 2 1 >"$W/egd2.conf") ||
	    { WHY="cannot write configs"; return 1; }
	bg "$W/egd1.log" "$NSA" "$BUILD/egd" -d -u nobody \
	    -f "$W/egd1.conf" -s "$W/egd1.sock"
	EGD_A=$LASTPID
	bg "$W/egd2.log" "$NSB" "$BUILD/egd" -d -u nobody \
	    -f "$W/egd2.conf" -s "$W/egd2.sock"
	EGD_B=$LASTPID
	wait_ping 10.77.0.2 ||
	    { WHY="no ping through it; logs: $W/egd[12].log"; return 1; }
}

setup_wg() {
	command -v wireguard-go >/dev/null ||
	    { WHY="wireguard-go not installed (make deps)"; return 1; }
	bg "$W/wg1.log" "$NSA" env WG_PROCESS_FOREGROUND=1 \
	    wireguard-go "$WGIF_A"
	WG_A=$LASTPID
	bg "$W/wg2.log" "$NSB" env WG_PROCESS_FOREGROUND=1 \
	    wireguard-go "$WGIF_B"
	WG_B=$LASTPID
	_n=50
	while [ ! -S "/var/run/wireguard/$WGIF_A.sock" ] ||
	    [ ! -S "/var/run/wireguard/$WGIF_B.sock" ]; do
		_n=$((_n - 1))
		[ "$_n" -gt 0 ] ||
		    { WHY="no control socket; logs: $W/wg[12].log"; return 1; }
		sleep 0.1
	done
	ip netns exec "$NSA" wg set "$WGIF_A" private-key "$W/key1" \
	    listen-port 51820 peer "$(cat "$W/pub2")" \
	    endpoint 10.98.0.2:51820 allowed-ips 10.78.0.2/32 &&
	ip netns exec "$NSB" wg set "$WGIF_B" private-key "$W/key2" \
	    listen-port 51820 peer "$(cat "$W/pub1")" \
	    endpoint 10.98.0.1:51820 allowed-ips 10.78.0.1/32 &&
	ip -n "$NSA" addr add 10.78.0.1/24 dev "$WGIF_A" &&
	ip -n "$NSB" addr add 10.78.0.2/24 dev "$WGIF_B" &&
	ip -n "$NSA" link set "$WGIF_A" up &&
	ip -n "$NSB" link set "$WGIF_B" up ||
	    { WHY="wg set or ip failed"; return 1; }
	wait_ping 10.78.0.2 || { WHY="no ping through it"; return 1; }
}

# tinc_node N OTHER: tinc 1.0 configuration of node N in $W/tincN, with
# its RSA key; node 1 connects to node 2.
tinc_node() {
	_d=$W/tinc$1
	mkdir -p "$_d/hosts" || return 1
	{
		echo "Name = node$1"
		echo "Mode = switch"
		echo "DeviceType = tap"
		echo "Interface = $TNIF"
		echo "AddressFamily = ipv4"
		echo "Port = 655"
		[ "$1" = 1 ] && echo "ConnectTo = node$2"
	} >"$_d/tinc.conf"
	printf 'Address = 10.98.0.%s\nPort = 655\n' "$1" >"$_d/hosts/node$1"
	# The TAP MTU leaves room for tinc's headers inside the veth's
	# 1500 bytes, as egd's default does for its own.
	cat >"$_d/tinc-up" <<EOF
#!/bin/sh
ip link set "\$INTERFACE" mtu 1400 up
ip addr add 10.79.0.$1/24 dev "\$INTERFACE"
EOF
	chmod 755 "$_d/tinc-up"
	# Without a terminal, tincd -K writes to the default files.
	tincd -c "$_d" -K 2048 </dev/null >"$_d/keygen.log" 2>&1
}

setup_tinc() {
	command -v tincd >/dev/null ||
	    { WHY="tincd not installed (make deps)"; return 1; }
	tinc_node 1 2 && tinc_node 2 1 &&
	cp "$W/tinc1/hosts/node1" "$W/tinc2/hosts/" &&
	cp "$W/tinc2/hosts/node2" "$W/tinc1/hosts/" ||
	    { WHY="cannot write configs or keys"; return 1; }
	bg "$W/tinc2.log" "$NSB" tincd -c "$W/tinc2" -D -d0 \
	    --pidfile="$W/tinc2/pid"
	TINC_B=$LASTPID
	bg "$W/tinc1.log" "$NSA" tincd -c "$W/tinc1" -D -d0 \
	    --pidfile="$W/tinc1/pid"
	TINC_A=$LASTPID
	wait_ping 10.79.0.2 ||
	    { WHY="no ping through it; logs: $W/tinc[12].log"; return 1; }
}

# tcp ADDR STREAMS: receiver's Mbit/s of one iperf3 run from A to ADDR,
# or "-".
tcp() {
	ip netns exec "$NSA" timeout $((SECS + 30)) iperf3 -c "$1" \
	    -p "$PORT" -t "$SECS" -P "$2" -f m 2>&1 |
	    awk '/receiver/ { v = $(NF - 2) } END { print (v == "" ? "-" : v) }'
}

# rtt ADDR: "MIN AVG" round trip in ms of PINGS pings, or "- -".
rtt() {
	ip netns exec "$NSA" ping -n -q -c "$PINGS" -i 0.01 -W 1 "$1" \
	    2>/dev/null | awk -F'[ /]+' '/^rtt/ { m = $7; a = $8 }
		END { print (m == "" ? "- -" : m " " a) }'
}

# procs TOOL: "PID:LABEL" for each process of TOOL whose CPU we watch.
procs() {
	case $1 in
	egd)
		for _p in $EGD_A $EGD_B; do
			_side=A
			[ "$_p" = "$EGD_B" ] && _side=B
			for _c in $_p $(ps -o pid= --ppid "$_p"); do
				_t=$(tr '\0' ' ' </proc/"$_c"/cmdline |
				    awk '{ print $2 }')
				echo "$_c:${_side}_egd_$_t"
			done
		done ;;
	wireguard-go) echo "$WG_A:A_wireguard-go $WG_B:B_wireguard-go" ;;
	tinc) echo "$TINC_A:A_tincd $TINC_B:B_tincd" ;;
	esac
	echo "$IPERF_SRV:B_iperf3_server"
}

# ticks PID:LABEL...: "LABEL USER SYSTEM" clock ticks of each.
ticks() {
	for _tp; do
		_t=$(sed 's/.*) //' "/proc/${_tp%%:*}/stat" 2>/dev/null |
		    awk '{ print $12, $13 }')
		echo "${_tp#*:} ${_t:-0 0}"
	done
}

# busy: "BUSY TOTAL" jiffies of all CPUs from /proc/stat.
busy() {
	awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i;
		print t - $5 - $6, t }' /proc/stat
}

# measure TOOL ADDR: one round of each figure, appended to $W/TOOL.*.
measure() {
	rtt "$2" >>"$W/$1.rtt"
	_pl=$(procs "$1")
	ticks $_pl >"$W/t0"
	_b0=$(busy)
	_s0=$(date +%s.%N)
	tcp "$2" 1 >>"$W/$1.tcp1"
	_s1=$(date +%s.%N)
	_b1=$(busy)
	ticks $_pl >"$W/t1"
	echo "wall $_s0 $_s1" >>"$W/$1.cpu"
	echo "$_b0 $_b1" | awk '{ print "machine", $3 - $1, $4 - $2 }' \
	    >>"$W/$1.cpu"
	paste -d ' ' "$W/t0" "$W/t1" |
	    awk '{ print "proc", $1, $5 - $2, $6 - $3 }' >>"$W/$1.cpu"
	tcp "$2" 4 >>"$W/$1.tcp4"
}

# summ FILE COLUMN BEST: "BEST MEDIAN" of one column; BEST is max or min.
summ() {
	awk -v c="$2" '$c != "-" { print $c }' "$1" 2>/dev/null | sort -g |
	    awk -v best="$3" '{ v[NR] = $1 }
		END {
			if (NR == 0) { print "- -"; exit }
			b = (best == "max") ? v[NR] : v[1]
			if (NR % 2)
				m = v[(NR + 1) / 2]
			else
				m = (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%g %g\n", b, m
		}'
}

# ratio A B: A/B with two decimals, or "-".
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "-" || b == "-" || b + 0 == 0) print "-"
		else printf "%.2f\n", a / b }'
}

# paired A B: A/B round by round (a round measures both within a minute,
# so under the same load), printed as "MEDIAN (R1 R2 ...)".
paired() {
	paste -d ' ' "$1" "$2" | awk '{
		if ($1 == "-" || $2 == "-" || $2 + 0 == 0)
			next
		r[++n] = $1 / $2
		list = list sprintf("%s%.2f", n > 1 ? " " : "", $1 / $2)
	}
	END {
		if (n == 0) { print "-"; exit }
		for (i = 1; i <= n; i++)
			for (j = i + 1; j <= n; j++)
				if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
		m = (n % 2) ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
		printf "%.2f (%s)\n", m, list
	}'
}

# cpu_report TOOL: the CPU of each watched process that used any, in %
# of one core, and the whole machine's, over TOOL's single-stream runs.
cpu_report() {
	awk -v hz="$(getconf CLK_TCK)" -v ncpu="$(nproc)" -v tool="$1" '
		$1 == "wall" { secs += $3 - $2 }
		$1 == "machine" { mb += $2; mt += $3 }
		$1 == "proc" {
			if (!($2 in u))
				order[n++] = $2
			u[$2] += $3
			s[$2] += $4
		}
		END {
			if (secs <= 0)
				exit
			for (i = 0; i < n; i++) {
				p = order[i]
				if (u[p] + s[p] == 0)
					continue
				printf "  %-13s %-22s %3.0f%% (user %.0f%%, " \
				    "system %.0f%%)\n", tool, p,
				    100 * (u[p] + s[p]) / hz / secs,
				    100 * u[p] / hz / secs,
				    100 * s[p] / hz / secs
			}
			if (mt > 0)
				printf "  %-13s %-22s %3.0f%% of %d%%\n", tool,
				    "whole machine", 100 * ncpu * mb / mt,
				    100 * ncpu
		}' "$W/$1.cpu"
}

trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 141' PIPE

if [ "$(id -u)" != 0 ]; then
	say "bench_tput: needs root (skipped)"
	exit 0
fi
for c in iperf3 ping wg; do
	command -v "$c" >/dev/null ||
	    { say "bench_tput: $c not installed: run make deps"; exit 1; }
done
egd_ok=
W=$(mktemp -d "${TMPDIR:-/tmp}/bench_tput.XXXXXX") || exit 1
chmod 700 "$W"
for i in 1 2; do
	(umask 077; wg genkey >"$W/key$i") && wg pubkey <"$W/key$i" \
	    >"$W/pub$i" || { say "bench_tput: wg genkey failed"; exit 1; }
done
setup_veth || { say "bench_tput: cannot build the namespaces"; exit 1; }
bg "$W/iperf3.log" "$NSB" iperf3 -s -p "$PORT"
IPERF_SRV=$LASTPID

TOOLS="veth"
ADDR_veth=10.98.0.2
ADDR_egd=10.77.0.2
ADDR_wireguard_go=10.78.0.2
ADDR_tinc=10.79.0.2
egd_ok=0
for t in egd wg tinc; do
	WHY=
	if "setup_$t"; then
		case $t in
		wg) TOOLS="$TOOLS wireguard-go" ;;
		*) TOOLS="$TOOLS $t" ;;
		esac
		[ "$t" = egd ] && egd_ok=1
	else
		say "bench_tput: $t not measured: $WHY"
		if [ "$t" = egd ]; then
			for f in "$W"/egd?.log; do
				say "--- $f"
				tail -n 20 "$f"
			done
		fi
	fi
done

say "bench_tput: two namespaces over a veth pair; iperf3 TCP A->B" \
    "for $SECS s, 1 and 4 streams;"
say "  $PINGS pings 10 ms apart; $ROUNDS rounds, tools in turn (each" \
    "round starting one later); best and median of the rounds"
say "  MTU: egd $(ip -n "$NSA" -o link show "$EGIF" 2>/dev/null |
    sed -n 's/.* mtu \([0-9]*\).*/\1/p'), wireguard-go 1420," \
    "tinc 1400, veth 1500"
say "  tinc $(tincd --version | sed -n '1s/^tinc version //p'), switch" \
    "mode, its default Cipher and Digest (aes-256-cbc, sha256, 4-byte MAC)"
say "  load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Each round starts one tool later than the one before, so that no tool
# always runs first, right after a quiet moment or a busy one.
order=$TOOLS
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for t in $order; do
		eval "measure $t \$ADDR_$(echo "$t" | tr - _)"
	done
	case $order in
	*" "*) order="${order#* } ${order%% *}" ;;
	esac
	r=$((r + 1))
done

say "  load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-13s %19s %19s %15s %15s\n' "" "tcp1 Mbit/s" "tcp4 Mbit/s" \
    "ping min ms" "ping avg ms"
printf '%-13s %9s %9s %9s %9s %7s %7s %7s %7s\n' "" best median \
    best median best median best median
for t in $TOOLS; do
	set -- $(summ "$W/$t.tcp1" 1 max) $(summ "$W/$t.tcp4" 1 max) \
	    $(summ "$W/$t.rtt" 1 min) $(summ "$W/$t.rtt" 2 min)
	printf '%-13s %9s %9s %9s %9s %7s %7s %7s %7s\n' "$t" "$@"
	eval "fig_$(echo "$t" | tr - _)=\"\$*\""
	say "bench_tput tool=$t tcp1_best=$1 tcp1_median=$2 tcp4_best=$3" \
	    "tcp4_median=$4 rtt_min=$5 rtt_avg_median=$8" >>"$W/summary"
done
cat "$W/summary"
say "per round, Mbit/s (tcp1 | tcp4):"
for t in $TOOLS; do
	say "  $(printf '%-13s' "$t") $(tr '\n' ' ' <"$W/$t.tcp1")|" \
	    "$(tr '\n' ' ' <"$W/$t.tcp4")"
done
for ref in wireguard-go tinc; do
	case " $TOOLS " in *" $ref "*) ;; *) continue ;; esac
	[ "$egd_ok" = 1 ] || break
	eval "set -- \$fig_egd \$fig_$(echo "$ref" | tr - _)"
	say "ratio egd/$ref: tcp1 best $(ratio "$1" "$9")" \
	    "median $(ratio "$2" "${10}"); tcp4 best $(ratio "$3" "${11}")" \
	    "median $(ratio "$4" "${12}"); ping avg median" \
	    "$(ratio "$8" "${16}") (lower is better)"
	say "  paired by round, median (each round): tcp1" \
	    "$(paired "$W/egd.tcp1" "$W/$ref.tcp1"); tcp4" \
	    "$(paired "$W/egd.tcp4" "$W/$ref.tcp4")"
done
say "CPU during the single-stream runs, % of one core" \
    "($(nproc) cores; A sends, B receives):"
for t in $TOOLS; do
	cpu_report "$t"
done
[ "$egd_ok" = 1 ] || exit 1
exit 0
