#!/bin/sh
# netsim: the NAT kinds.  Node 1 is a rendezvous server (an echo that
# tells each client the address it saw), node 2 another public host,
# nodes 3 and 4 sit behind endpoint-independent NATs (eim), 5 and 6
# behind address/port-dependent ones (sym).
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
need_root
[ -x "$NETSIM_BIN" ] && [ -x "$NSPROBE" ] || skip_all "run make first"

if ! netsim_start pub pub eim eim sym sym; then
	ok 1 "emulator starts"
	tap_done
fi
ok 0 "emulator starts"
prefix=$NETSIM_PREFIX
netsim link all all delay 2
S=$(netsim_addr 1)
Q=$(netsim_addr 2)
netsim_bg 1 "$NSPROBE" echo -p 7000
netsim_bg 2 "$NSPROBE" echo -p 7000

# whoami NODE LPORT SERVER: the address SERVER sees NODE's LPORT as.
whoami() {
	ns_exec "$1" "$NSPROBE" whoami -l "$2" -t 3000 "$3" 7000
}

in_nat_range() {	# in_nat_range ADDR:PORT NODE
	[ "${1%:*}" = "$(netsim_addr "$2")" ] &&
	    [ "${1##*:}" -ge 20000 ] && [ "${1##*:}" -le 59999 ]
}

[ "$(netsim_host_addr 3)" = 10.99.3.2 ] &&
    ns_exec 3 ip -4 -o addr show dev eth0 | grep -q 'inet 10\.99\.3\.2/24'
ok $? "a NATed host has its private address"
for n in 3 5; do
	set -- $(netsim_ping "$n" "$S" 5)
	[ "$1" != - ]
	ok $? "node $n ($(netsim nodes | awk -v n=$n '$1 == n { print $2 }')) reaches a public node by ping"
done

# Mappings: the same private port toward two servers.
m3s=$(whoami 3 5000 "$S")
m3q=$(whoami 3 5000 "$Q")
in_nat_range "$m3s" 3
ok $? "eim: the server sees the NAT's WAN address and a mapped port ($m3s)"
[ -n "$m3s" ] && [ "$m3s" = "$m3q" ]
ok $? "eim: one mapping for every destination ($m3s, $m3q)"

# A random port per flow may repeat by chance (1 in 40000): retry.
rc=1
for lport in 5000 5001 5002; do
	m5s=$(whoami 5 "$lport" "$S")
	m5q=$(whoami 5 "$lport" "$Q")
	if in_nat_range "$m5s" 5 && in_nat_range "$m5q" 5 &&
	    [ "$m5s" != "$m5q" ]; then
		rc=0
		break
	fi
done
ok $rc "sym: a different mapping per destination ($m5s, $m5q)"
m5s=$(whoami 5 5000 "$S")

# Filtering: Q sends to the mapping made toward S from its port 6000.
# recv_phase NODE MAPPED [HELLO]: node listens on 5000 (first sending a
# hello to HELLO if given) while Q sends 20 probes from 6000 to MAPPED.
recv_phase() {
	rm -f "$NETSIM_DIR/ph"
	netsim_bg "$1" "$NSPROBE" recv -p 5000 -T 1500 -r "$NETSIM_DIR/ph" \
	    ${3:+-H "$3"} >"$NETSIM_DIR/ph.out"
	_pid=$!
	netsim_wait_file "$NETSIM_DIR/ph"
	sleep 0.05
	ns_exec 2 "$NSPROBE" send -l 6000 -c 20 -i 5 "${2%:*}" "${2##*:}" \
	    >/dev/null
	wait $_pid
	head -n 1 "$NETSIM_DIR/ph.out"
}

for n in 3 5; do
	[ $n = 3 ] && m=$m3s || m=$m5s
	netsim clear
	line=$(recv_phase $n "$m")
	[ "$(kv received "$line")" = 0 ] &&
	    [ "$(netsim_stat 2 $n delivered)" -ge 20 ]
	ok $? "node $n: unsolicited packets to its mapping reach its NAT, not it ($line)"
done

line=$(recv_phase 3 "$m3s" "$Q:6000")
[ "$(kv received "$line")" = 20 ]
ok $? "eim: once the host sent to Q, Q reaches it at the same mapping ($line)"
line=$(recv_phase 5 "$m5s" "$Q:6000")
[ "$(kv received "$line")" = 0 ]
ok $? "sym: after the host sent to Q, Q still cannot use the mapping S saw ($line)"

# Hole punching through the rendezvous server: each side registers,
# learns the other's mapped address and sends to it for 2 s.
punch() {	# punch NODE-A NODE-B: prints both result lines
	netsim_bg "$1" "$NSPROBE" punch -l 6000 -n "n$1" -P "n$2" -t 2000 \
	    "$S" 7000 >"$NETSIM_DIR/punch$1"
	_pid=$!
	ns_exec "$2" "$NSPROBE" punch -l 6000 -n "n$2" -P "n$1" -t 2000 \
	    "$S" 7000 >"$NETSIM_DIR/punch$2"
	wait $_pid
	cat "$NETSIM_DIR/punch$1" "$NETSIM_DIR/punch$2"
}

netsim clear
out=$(punch 3 4)
set -- "$(echo "$out" | sed -n 1p)" "$(echo "$out" | sed -n 2p)"
in_nat_range "$(kv mapped "$1")" 3 && in_nat_range "$(kv mapped "$2")" 4 &&
    [ "$(kv peer "$1")" = "$(kv mapped "$2")" ]
ok $? "eim: both sides learn each other's mapped address ($1; $2)"
[ "$(kv received "$1")" -ge 5 ] && [ "$(kv received "$2")" -ge 5 ]
ok $? "eim: hole punching works, UDP flows both ways"

netsim clear
out=$(punch 5 6)
set -- "$(echo "$out" | sed -n 1p)" "$(echo "$out" | sed -n 2p)"
in_nat_range "$(kv mapped "$1")" 5 && in_nat_range "$(kv mapped "$2")" 6 &&
    [ "$(kv peer "$1")" = "$(kv mapped "$2")" ]
ok $? "sym: both sides learn each other's mapped address ($1; $2)"
[ "$(kv received "$1")" = 0 ] && [ "$(kv received "$2")" = 0 ] &&
    [ "$(netsim_stat 5 6 delivered)" -ge 20 ] &&
    [ "$(netsim_stat 6 5 delivered)" -ge 20 ]
ok $? "sym: hole punching fails although the packets reach the NATs"

netsim_stop
ok $? "stop leaves nothing behind"
left=$(netsim_leftovers "$prefix")
[ -z "$left" ]
ok $? "no namespace, device or process of $prefix is left"
[ -n "$left" ] && diag "$left"
tap_done
