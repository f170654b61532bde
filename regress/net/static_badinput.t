#!/bin/sh
# Bad input to a static-mode node while a ping flow crosses it.  Node 3
# (no egd) sends node 1's UDP port every kind of bad datagram wgjunk
# makes, initiations from unknown keys, and a flood of both; node 2
# (MTU 9000) sends frames over node 1's MTU (1400).  Every bad datagram
# must be counted under its reason and dropped, the flow and its
# session must go on, and node 1's engine must not grow.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
st_need

st_keys 2 || { echo "Bail out! wg genkey"; exit 1; }
netsim_start pub pub pub || { echo "Bail out! netsim"; exit 1; }
st_noipv6 1 2

conf() {	# conf I MTU
	st_conf $1 -- "IType: tap" "Name: eg0" "MacAddrPrefix: 02:77:00:00" \
	    "IPv4CIDR: 10.77.0.0/24" "MTU: $2"
	st_peer $1 $((3 - $1)) 10.99.0.$((3 - $1)):3000 true
	st_nht $1 "1 2:2" "2 1:1"
}
conf 1 1400
conf 2 9000
st_start 1
st_start 2
st_wait 1 && st_wait 2
ok $? "both daemons up"
st_ping 2 10.77.0.1
ok $? "ping 2 -> 1"
st_show 1 >$ST/s.0
HS0=$(st_pf $ST/s.0 2 LastHandshake)

# The flow: 10 pings a second until the end of the bad input.
netsim_bg 2 ping -D -n -i 0.1 -W 1 10.77.0.1 >$ST/flow 2>&1
FLOW=$!

udp_rcvbuf_errors() {	# node 1's kernel drops for a full socket
	ns_exec 1 awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++)
		if ($i == "RcvbufErrors") c = i; h = 1 } else print $c }' \
	    /proc/net/snmp
}

# drops_reach REASON N: node 1's drops REASON since $ST/a.1 reach N;
# the last count in $_d.
drops_reach() {
	st_show 1 >$ST/b.1 &&
	    _d=$(($(st_drops $ST/b.1 "$1") - $(st_drops $ST/a.1 "$1"))) &&
	    [ $_d -ge $2 ]
}

# junk KIND COUNT REASON [OPTIONS]: COUNT datagrams of KIND from node 3
# raise node 1's drop counter REASON by exactly COUNT.
junk() {
	_k=$1 _c=$2 _r=$3
	shift 3
	st_show 1 >$ST/a.1
	_sent=$(ns_exec 3 "$WGJUNK" -c $_c "$@" $_k 10.99.0.1 3000 |
	    sed -n 's/^sent=//p')
	st_until 50 drops_reach "^$_r\$" $_c
	ok $([ "$_sent" = $_c ] && [ $_d -eq $_c ]; echo $?) \
	    "$_k: $_c datagrams, each counted as \"$_r\" ($_d)"
}
junk random 200 "wireguard bad_type" -i 300
junk reserved 200 "wireguard bad_reserved" -i 300
junk short 200 "wireguard truncated" -i 300
junk badlen 200 "wireguard bad_length" -i 300
junk index 200 "wireguard unknown_index" -i 300
junk badmac 200 "wireguard bad_mac1" -i 300
junk oversize 50 "over mtu" -i 1000 -l 4000
junk oversize 10 "over mtu" -i 1000 -l 60000

# Initiations from keys node 1 does not know: well formed, so they get
# as far as the static key.  Only handshake messages with a good mac1
# count towards node 1's load (egd(8), HANDSHAKE LOAD), so the bursts
# above left it calm, and 20 a second keep it so.
HSDROPS="wireguard (unknown_peer|cookie_required|ratelimited|cookie_budget|handshake_budget)"
st_show 1 >$ST/a.1
ns_exec 3 "$WGJUNK" -c 30 -i 50000 -k "$(cat $ST/p1)" init 10.99.0.1 3000 \
    >/dev/null
st_until 50 drops_reach "^wireguard unknown_peer\$" 30
up=$_d
ok $([ $up -eq 30 ]; echo $?) \
    "30 slow initiations from unknown keys: each decrypted and dropped as unknown peer ($up)"

# A flood of them: node 1 is under load and answers with cookies.
# Every one is counted: by egd, or by the kernel or the emulator when
# they had no room for it.
lost31() {	# datagrams from node 3 the emulator could not deliver to 1
	netsim stats 3 1 | tr ' ' '\n' |
	    awk -F= '$1 ~ /^(lost|cut|overflow|txerr)$/ { n += $2 }
		END { print n + 0 }'
}
st_show 1 >$ST/a.1
rb0=$(udp_rcvbuf_errors)
ns0=$(lost31)
sent=$(ns_exec 3 "$WGJUNK" -c 3000 -i 0 -k "$(cat $ST/p1)" init 10.99.0.1 \
    3000 | sed -n 's/^sent=//p')
all_counted() {	# every initiation counted somewhere, in $d + $rb + $ns
	rb=$(($(udp_rcvbuf_errors) - rb0))
	ns=$(($(lost31) - ns0))
	drops_reach "$HSDROPS" 0 && d=$_d && [ $((d + rb + ns)) -ge "$sent" ]
}
st_until 100 all_counted
ck=$(($(st_drop $ST/b.1 "wireguard cookie_required") -
    $(st_drop $ST/a.1 "wireguard cookie_required")))
ok $([ $((d + rb + ns)) -eq "$sent" ] && [ $ck -gt 0 ]; echo $?) \
    "a flood of $sent initiations: $d counted by egd ($ck answered with a cookie), $rb by the kernel, $ns by the emulator"
ep=$(($(st_ctr $ST/b.1 "wireguard load_episodes") -
    $(st_ctr $ST/a.1 "wireguard load_episodes")))
dh=$(($(st_ctr $ST/b.1 "wireguard handshakes_dh") -
    $(st_ctr $ST/a.1 "wireguard handshakes_dh")))
ok $([ $ep -ge 1 ] && [ $dh -le 2000 ]; echo $?) \
    "egctl shows it: under load $ep times, $dh given Diffie-Hellman (budget: 1000 a second)"

# Frames over node 1's MTU from node 2, whose MTU is 9000.
st_show 1 >$ST/a.1
ns_exec 2 ping -n -q -c 5 -i 0.1 -W 1 -s 2000 10.77.0.1 >/dev/null 2>&1
rc=$?
st_until 50 drops_reach "^over mtu\$" 5
d=$_d
ok $([ $rc -ne 0 ] && [ $d -eq 5 ]; echo $?) \
    "5 frames of 2028 bytes from node 2: dropped as over mtu ($d)"

# A long flood of everything; the engine's memory before and after.
ENGINE=$(st_engine 1)
rss() { awk '/^VmRSS:/ { print $2 }' /proc/$ENGINE/status; }
RSS0=$(rss)
t0=$(date +%s)
FLOODS=
for k in random reserved short badlen index badmac; do
	netsim_bg 3 "$WGJUNK" -c 40000 -i 0 $k 10.99.0.1 3000 >/dev/null
	FLOODS="$FLOODS $!"
done
netsim_bg 3 "$WGJUNK" -c 4000 -i 0 -k "$(cat $ST/p1)" init 10.99.0.1 3000 \
    >/dev/null
FLOODS="$FLOODS $!"
netsim_bg 3 "$WGJUNK" -c 2000 -i 0 -l 8000 oversize 10.99.0.1 3000 >/dev/null
FLOODS="$FLOODS $!"
for p in $FLOODS; do
	wait $p
done
t1=$(date +%s.%N)
sleep 0.5
RSS1=$(rss)
st_show 1 >$ST/s.1
ok $([ $RSS1 -le $((RSS0 + 256)) ]; echo $?) \
    "engine VmRSS $RSS0 kB before a $(echo "$t0 $t1" |
    awk '{ printf "%.1f", $2 - $1 }') s flood, $RSS1 kB after"
diag "node 1 drops: $(jq -c '.Dropped | with_entries(select(.value > 0))' \
    $ST/s.1)"

kill -INT $FLOW
wait $FLOW
tx=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' $ST/flow)
rx=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' $ST/flow)
# Node 1's kernel may drop some under the flood, but not most.
during=$(awk -v a=$t0 -v b=$t1 -F'[][]' '/bytes from/ && $2 >= a && $2 <= b' \
    $ST/flow | wc -l)
want=$(echo "$t0 $t1" | awk '{ printf "%d", ($2 - $1) * 10 / 4 }')
ok $([ -n "$tx" ] && [ "$tx" -ge 20 ] && [ $((rx * 4)) -ge $((tx * 3)) ] &&
    [ $during -ge $want ]; echo $?) \
    "the ping flow went on: $rx of $tx answered, $during during the flood"

st_ping 2 10.77.0.1 3
ok $? "and still does"
st_show 1 >$ST/s.2
ok $([ "$(st_pf $ST/s.2 2 LastHandshake)" = "$HS0" ]; echo $?) \
    "in the session it had before"
ok $([ "$(st_drops $ST/s.2 '^(ttl expired|looped|no route|bad overlay header)$')" -eq 0 ]
    echo $?) "nothing from node 3 reached the overlay"

for i in 1 2; do
	why=$(st_healthy $i)
	ok $? "node $i: no fatal error in its log, no death ($why)"
done
netsim_stop
ok $? "nothing left behind"
tap_done
