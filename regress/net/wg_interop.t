#!/bin/sh
# Interop of our WireGuard code (common/wg*, driven by the wgpeer tool)
# with Debian's wireguard-go.  Two network namespaces joined by a veth
# pair: wireguard-go with its TUN in one, wgpeer with its TUN in the
# other; ICMP and numbered UDP flows cross the tunnel.  Everything is
# named after our PID and removed on any exit.

. "$(dirname "$0")/../lib/tap.sh"

need_root
for c in wireguard-go wg ip ping; do
	command -v $c >/dev/null 2>&1 || skip_all "$c not installed"
done
WGPEER=$BUILD/regress/wgpeer/wgpeer
UDPFLOW=$BUILD/regress/wgpeer/udpflow
[ -x "$WGPEER" ] && [ -x "$UDPFLOW" ] || skip_all "build wgpeer/udpflow first"

P=$$
NG=egwg-go-$P		# namespace of wireguard-go
NW=egwg-us-$P		# namespace of wgpeer
IFG=egg$P		# wireguard-go's interface
TUNW=egw$P		# wgpeer's TUN
VG=egvg$P
VW=egvw$P
UG=10.201.0.1		# underlay (veth) addresses
UW=10.201.0.2
TG=10.202.0.1		# tunnel addresses
TW=10.202.0.2
TMP=$(mktemp -d /tmp/wg_interop.$P.XXXXXX)
GOPID=
WPPID=

cleanup() {
	[ -n "$WPPID" ] && kill $WPPID 2>/dev/null
	[ -n "$GOPID" ] && kill $GOPID 2>/dev/null
	sleep 0.2
	[ -n "$WPPID" ] && kill -9 $WPPID 2>/dev/null
	[ -n "$GOPID" ] && kill -9 $GOPID 2>/dev/null
	for ns in $NG $NW; do
		for pid in $(ip netns pids $ns 2>/dev/null); do
			kill -9 $pid 2>/dev/null
		done
		ip netns del $ns 2>/dev/null
	done
	rm -f /var/run/wireguard/$IFG.sock
	rm -rf "$TMP"
}
on_exit cleanup
umask 077

ip netns add $NG && ip netns add $NW &&
ip link add $VG type veth peer name $VW &&
ip link set $VG netns $NG && ip link set $VW netns $NW &&
ip -n $NG addr add $UG/24 dev $VG && ip -n $NG link set $VG up &&
ip -n $NW addr add $UW/24 dev $VW && ip -n $NW link set $VW up &&
ip -n $NG link set lo up && ip -n $NW link set lo up &&
ip -n $NW tuntap add dev $TUNW mode tun &&
ip -n $NW addr add $TW/24 dev $TUNW &&
ip -n $NW link set $TUNW mtu 1420 up || { echo "Bail out! netns setup"; exit 1; }

wg genkey > $TMP/go.key && wg pubkey < $TMP/go.key > $TMP/go.pub &&
wg genkey > $TMP/us.key && wg pubkey < $TMP/us.key > $TMP/us.pub &&
wg genkey > $TMP/other.key && wg pubkey < $TMP/other.key > $TMP/other.pub &&
wg genpsk > $TMP/psk1 && wg genpsk > $TMP/psk2 ||
    { echo "Bail out! keys"; exit 1; }
GOPUB=$(cat $TMP/go.pub)
USPUB=$(cat $TMP/us.pub)

# start_go [endpoint|-] [psk-file]: wireguard-go, configured with wg.
start_go() {
	ip netns exec $NG env WG_PROCESS_FOREGROUND=1 wireguard-go $IFG \
	    > $TMP/go.log 2>&1 &
	GOPID=$!
	i=0
	while [ ! -S /var/run/wireguard/$IFG.sock ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	set -- "${1:--}" "${2:-}"
	ep=
	[ "$1" != - ] && ep="endpoint $1"
	psk=
	[ -n "$2" ] && psk="preshared-key $2"
	ip netns exec $NG wg set $IFG private-key $TMP/go.key \
	    listen-port 51820 peer $USPUB allowed-ips $TW/32 $ep $psk &&
	ip -n $NG addr add $TG/24 dev $IFG &&
	ip -n $NG link set $IFG mtu 1420 up
}

stop_go() {
	[ -n "$GOPID" ] && kill $GOPID 2>/dev/null && wait $GOPID 2>/dev/null
	GOPID=
	i=0
	while ip -n $NG link show $IFG >/dev/null 2>&1 && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
}

# start_us ARGS...: wgpeer in its namespace, waiting until it is ready.
start_us() {
	: > $TMP/us.log
	ip netns exec $NW $WGPEER -t $TUNW -k $TMP/us.key -l $UW:51821 \
	    "$@" 2> $TMP/us.log &
	WPPID=$!
	i=0
	while ! grep -q '^ready' $TMP/us.log && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
}

# stop_us: SIGTERM makes wgpeer print its counters to us.log.
stop_us() {
	[ -n "$WPPID" ] && kill $WPPID 2>/dev/null && wait $WPPID 2>/dev/null
	WPPID=
}

stop_all() {
	stop_us
	stop_go
}

# us_stat NAME [local]: a per-peer (or local) counter of wgpeer, from
# the last counters it printed.
us_stat() {
	line=stats
	[ "${2:-}" = local ] && line=local
	# Wait (3 s at most) for the two lines USR1 prints, "stats:" then
	# "local:", to be complete, rather than a fixed time.
	n0=$(grep -c "^local:" $TMP/us.log)
	kill -USR1 $WPPID 2>/dev/null
	i=0
	until [ "$(grep -c "^local:" $TMP/us.log)" -gt "$n0" ] &&
	    [ "$(tail -c 1 $TMP/us.log | od -An -tx1 | tr -d ' ')" = 0a ] ||
	    [ $i -ge 30 ]; do
		sleep 0.1; i=$((i + 1))
	done
	grep "^$line:" $TMP/us.log | tail -1 | tr ' ' '\n' |
	    sed -n "s/^$1=//p" | grep . || echo 0
}

# received FILE: the replies in a saved ping summary; ping itself exits
# 0 once a single echo is answered.
received() {
	r=$(sed -n 's/.* \([0-9][0-9]*\) received.*/\1/p' "$1" | tail -n 1)
	echo "${r:-0}"
}

go_handshakes() {
	ip netns exec $NG wg show $IFG latest-handshakes 2>/dev/null |
	    awk '{ print $2 }'
}

# flow FROM-NS TO-NS TO-ADDR COUNT PPS: numbered UDP flow; 0 when all
# packets arrived once each.
flow() {
	out=$TMP/flow.$1.$2
	: > $out
	ip netns exec $2 $UDPFLOW recv $3:9000 $4 5 > $out 2>&1 &
	rpid=$!
	i=0
	while ! grep -q listening $out && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	ip netns exec $1 $UDPFLOW send $3:9000 $4 $5 200
	wait $rpid
	rc=$?
	diag "$1 -> $2: $(tail -1 $out)"
	return $rc
}

# 1. We initiate (wireguard-go has no endpoint, so cannot).
start_go -
start_us -p "$GOPUB" -e $UG:51820 -i
ip netns exec $NW ping -c 3 -i 0.2 -W 2 $TG > $TMP/ping 2>&1
rx=$(received $TMP/ping)
rc=0
[ $rx -eq 3 ] || rc=1
grep -q 'session established (initiator)' $TMP/us.log || rc=1
ok $rc "our side initiates; ICMP echo through the tunnel gets its reply ($rx of 3)"
stop_all

# 2. wireguard-go initiates; we learn its endpoint from the handshake.
start_go $UW:51821
start_us -p "$GOPUB"
ip netns exec $NG ping -c 3 -i 0.2 -W 2 $TW > $TMP/ping 2>&1
rx=$(received $TMP/ping)
rc=0
[ $rx -eq 3 ] || rc=1
grep -q 'session established (responder)' $TMP/us.log || rc=1
ok $rc "wireguard-go initiates; our side answers and replies to ICMP ($rx of 3)"
stop_all

# 3. The same pre-shared key on both sides.
start_go - $TMP/psk1
start_us -p "$GOPUB" -e $UG:51820 -P $TMP/psk1 -i
ip netns exec $NW ping -c 3 -i 0.2 -W 2 $TG > $TMP/ping 2>&1
rx=$(received $TMP/ping)
ok $([ $rx -eq 3 ]; echo $?) "pre-shared key on both sides: the tunnel works ($rx of 3)"
stop_all

# 4. Mismatched pre-shared keys never complete.
start_go $UW:51821 $TMP/psk1
start_us -p "$GOPUB" -e $UG:51820 -P $TMP/psk2 -i
ip netns exec $NW ping -c 3 -i 0.5 -W 1 $TG > $TMP/ping 2>&1
p1=$?
ip netns exec $NG ping -c 3 -i 0.5 -W 1 $TW > $TMP/ping 2>&1
p2=$?
sess=$(us_stat sessions)
bad=$(us_stat drop_bad_handshake)
hs=$(go_handshakes)
diag "pings $p1/$p2, our sessions $sess, bad handshakes $bad, go's last handshake ${hs:-?}"
[ $p1 -ne 0 ] && [ $p2 -ne 0 ] && [ "$sess" = 0 ] && [ "$bad" -gt 0 ] &&
    [ "$hs" = 0 ]
ok $? "mismatched pre-shared keys: no session either way"
stop_all

# 5. A wrong public key never completes.
start_go $UW:51821
start_us -p "$(cat $TMP/other.pub)" -e $UG:51820 -i
ip netns exec $NW ping -c 3 -i 0.5 -W 1 $TG > $TMP/ping 2>&1
p1=$?
ip netns exec $NG ping -c 3 -i 0.5 -W 1 $TW > $TMP/ping 2>&1
p2=$?
sess=$(us_stat sessions)
unk=$(us_stat drop_unknown_peer local)
hs=$(go_handshakes)
diag "pings $p1/$p2, our sessions $sess, unknown-peer drops $unk, go's last handshake ${hs:-?}"
[ $p1 -ne 0 ] && [ $p2 -ne 0 ] && [ "$sess" = 0 ] && [ "$unk" -gt 0 ] &&
    [ "$hs" = 0 ]
ok $? "wrong public key: no session either way"
stop_all

# 6. A new handshake forced every 250 ms in the middle of flows.
start_go -
start_us -p "$GOPUB" -e $UG:51820 -i -r 250
ip netns exec $NW ping -c 1 -W 2 $TG > /dev/null 2>&1
flow $NW $NG $TG 4000 1000 &
f1=$!
flow $NG $NW $TW 4000 1000
r2=$?
wait $f1
r1=$?
sess=$(us_stat sessions)
diag "sessions during the flows: $sess"
[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ "$sess" -ge 8 ]
ok $? "rekey forced every 250 ms mid-flow: no packet lost either way"
stop_all

# 7. 10,000 packets each way, at the same time.
start_go -
start_us -p "$GOPUB" -e $UG:51820 -i
ip netns exec $NW ping -c 1 -W 2 $TG > /dev/null 2>&1
flow $NW $NG $TG 10000 2500 &
f1=$!
flow $NG $NW $TW 10000 2500
r2=$?
wait $f1
r1=$?
[ $r1 -eq 0 ] && [ $r2 -eq 0 ]
ok $? "10000 packets each way arrive once each, within the replay window"
stop_all

# 8. Cookies: we are "under load", wireguard-go must come back with mac2.
start_go $UW:51821
start_us -p "$GOPUB" -L
ip netns exec $NG ping -c 1 -w 20 $TW > $TMP/ping 2>&1
rc=$?
cookies=$(us_stat cookie_sent local)
sess=$(us_stat sessions)
diag "ping $rc, cookie replies sent: $cookies, sessions: $sess"
[ $rc -eq 0 ] && [ "$cookies" -ge 1 ] && [ "$sess" -ge 1 ]
ok $? "under load: wireguard-go takes our cookie reply and retries with mac2"
stop_all

tap_done
