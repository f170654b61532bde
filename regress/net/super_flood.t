#!/bin/sh
# A handshake flood at the supernode.  Edges 1, 2 and 3 and eg-supd
# (node 4); wgjunk, in the supernode's own node so that the emulator is
# left to the edges, sends eg-supd's IPv4 port one initiation (from a
# key it does not know) replayed from thousands of addresses of
# 127.0.0.0/8: the receiver cannot tell them from as many peers, and
# every copy it lets through costs it a Diffie-Hellman, counted as
# "wireguard4 unknown_peer".
#
# - spoofed: 20000 sources that never answer a cookie reply.
# - cookies: 2000 sources that do, each under its own rate limit: each
#   puts its cookie into the mac2 of its next copies, and only the
#   budget for Diffie-Hellman work bounds what they cost.
# - rejoin: edge 3 restarts during a spoofed flood and must get its
#   session with the supernode through the cookie before the flood ends.
# In each, eg-supd must do at most its budget of Diffie-Hellman work,
# keep its engine's CPU time bounded and keep the edges' sessions, table
# and pings; a flood at its IPv4 identity must put its IPv6 one under
# load too.  A second after the flood it must stop asking for cookies.
# The figures (Diffie-Hellman a second, cookie replies, CPU) are printed.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
. "$TOP/regress/net/super.sh"
sp_need

SP_ALIVE=6
NSRC=20000		# spoofed source addresses
NSRC_COOKIES=2000	# answering cookies: 10 a second each, under 20
RATE=20000		# initiations a second
SECS=5			# a flood
BUDGET=1000		# Diffie-Hellman a second (egd(8), HANDSHAKE LOAD)
COOKIES=10000		# cookie replies a second
CPU_MAX=40		# engine CPU, % of a core (about 13 measured)
PING_TO=3

st_keys 3 && sp_keys || { echo "Bail out! wg genkey"; exit 1; }
netsim_start -n 4 || { echo "Bail out! netsim"; exit 1; }
st_noipv6 1 2 3
# 10 ms each way: every direct path wins by 10 ms, so the table holds
# still unless Pongs are lost.
netsim link all all delay 10 >/dev/null ||
    { echo "Bail out! netsim link"; exit 1; }

sp_super_conf 4 "1 2 3"
sp_start_super
sp_wait_super
ok $? "eg-supd up"
for _i in 1 2 3; do
	sp_edge_conf $_i
	sp_start_edge $_i
done
st_wait 1 && st_wait 2 && st_wait 3
ok $? "three edges up"
sp_wait_peers 1 2 && sp_wait_peers 2 2 && sp_wait_peers 3 2 &&
    sp_wait_nh 1 2 2 && sp_wait_nh 3 1 1
ok $? "every edge has a session with both others, and a table"

# sup_ctr FILE NAME: a counter or drop of eg-supd's show peers.
sup_ctr() {
	jq -r "(.Counters[\"$2\"] // .Dropped[\"$2\"] // 0)" "$1"
}
delta() {	# delta NAME: its growth from $ST/a.S to $ST/b.S
	echo $(($(sup_ctr $ST/b.S "$1") - $(sup_ctr $ST/a.S "$1")))
}
engine_pid() {
	for _c in $(ps -o pid= --ppid "$(cat $ST/pidS)"); do
		if [ "$(tr '\0' '\n' </proc/$_c/cmdline | head -n 1)" = \
		    "eg-supd: engine" ]; then
			echo $_c
			return 0
		fi
	done
	return 1
}
ENGINE=$(engine_pid)
ok $? "eg-supd's engine is process $ENGINE"
cpu_ticks() { awk '{ print $14 + $15 }' /proc/$ENGINE/stat; }
HZ=$(getconf CLK_TCK)
now() { date +%s.%N; }

# The supernode's next hops and each edge's sessions.
tables() {
	sp_state | jq -S .NhTable
	for _i in 1 2 3; do
		st_show $_i | jq -c '[.Peers[] | [.NodeID, .LastHandshake]] |
		    sort'
	done
}
tables >$ST/tables.0

# flood_start NAME [WGJUNK-OPTIONS]: a flood of $SECS s in the
# background, a ping flow 1 -> $PING_TO across it, and halfway one initiation
# at the IPv6 identity; flood_end waits for it and puts its figures in
# $ST/NAME.fig.
flood_start() {
	_name=$1
	shift
	netsim_bg 1 ping -n -q -i 0.1 -W 1 10.78.0.$PING_TO >$ST/$_name.ping \
	    2>&1
	_pp=$!
	sleep 0.5
	st_show S >$ST/a.S
	_c0=$(cpu_ticks)
	_t0=$(now)
	netsim_bg 4 sh -c "sleep $((SECS / 2)); exec $WGJUNK -c 1 \
	    -k $(cat $ST/sp6) init ::1 $SP_PORT" >/dev/null
	_six=$!
	netsim_bg 4 "$WGJUNK" -r -s 127.1.0.0 -n $NSRC -R $RATE \
	    -c $((RATE * SECS)) -w 300 "$@" -k "$(cat $ST/sp4)" init \
	    127.0.0.1 $SP_PORT >$ST/$_name.junk
	_junk=$!
}
flood_end() {
	wait $_junk
	wait $_six
	_t1=$(now)
	_c1=$(cpu_ticks)
	st_show S >$ST/b.S
	tables >$ST/tables.$_name
	kill -INT $_pp
	wait $_pp
	secs=$(awk -v a=$_t0 -v b=$_t1 'BEGIN { printf "%.2f", b - a }')
	cpu=$(awk -v c=$((_c1 - _c0)) -v h=$HZ -v s=$secs \
	    'BEGIN { printf "%d", 100 * c / h / s }')
	dh=$(delta "wireguard4 unknown_peer")
	ck=$(delta "wireguard4 cookie_sent")
	got=$(sed -n 's/.* cookies=\([0-9]*\).*/\1/p' $ST/$_name.junk)
	sent=$(sed -n 's/^sent=//p' $ST/$_name.junk)
	sources=$(sed -n 's/^sources=//p' $ST/$_name.junk)
	rx=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' $ST/$_name.ping)
	tx=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' \
	    $ST/$_name.ping)
	ck6=$(delta "wireguard6 cookie_sent")
	dh6=$(delta "wireguard6 unknown_peer")
	diag "$_name: $sent initiations in $secs s; Diffie-Hellman on $dh" \
	    "($(awk -v n=$dh -v s=$secs 'BEGIN { printf "%d", n / s }')/s)," \
	    "$ck cookie replies ($got at the flooder), engine CPU $cpu%," \
	    "pings 1 -> $PING_TO: $rx of $tx"
	jq -n -c --slurpfile a $ST/a.S --slurpfile b $ST/b.S '
	    [$b[0].Dropped, $b[0].Counters] | add | to_entries |
	    map(select(.key | startswith("wireguard")) |
		.value -= (($a[0].Dropped + $a[0].Counters)[.key] // 0)) |
	    map(select(.value != 0)) | from_entries' >$ST/$_name.delta
	diag "$_name, eg-supd's counters: $(cat $ST/$_name.delta)"
}

# flood_checks NAME: what every flood must leave as it was.
flood_checks() {
	_max=$(awk -v s=$secs -v b=$BUDGET 'BEGIN { printf "%d", b * (s + 1) }')
	ok $([ "$dh" -le "$_max" ]; echo $?) \
	    "$1: Diffie-Hellman on $dh, within the budget ($BUDGET a second, $_max)"
	ok $([ "$cpu" -le $CPU_MAX ]; echo $?) \
	    "$1: engine CPU $cpu% over the flood (limit $CPU_MAX%)"
	ok $([ "$ck6" -ge 1 ] && [ "$dh6" = 0 ]; echo $?) \
	    "$1: the IPv6 identity is under load too: a cookie reply ($ck6), no Diffie-Hellman ($dh6)"
	ok $([ "$rx" -ge $((tx * 9 / 10)) ]; echo $?) \
	    "$1: pings 1 -> $PING_TO across the flood: $rx of $tx answered"
}

flood_start spoofed
flood_end
# The cookie replies within their budget, a second's worth to begin.
_want=$(awk -v s=$secs -v c=$COOKIES -v n=$sent \
    'BEGIN { m = c * s; if (n < m) m = n; printf "%d", m * 0.8 }')
ok $([ "$ck" -ge "$_want" ] && [ "$ck" -le $((COOKIES * 7)) ] &&
    [ "$got" -ge $((ck * 9 / 10)) ]; echo $?) \
    "spoofed: $ck cookie replies for $sent initiations (at least $_want, at most $((COOKIES * 7))), $got back at the sources"
flood_checks spoofed
cmp -s $ST/tables.0 $ST/tables.spoofed
ok $? "spoofed: every session and the supernode's table as before"
diff $ST/tables.0 $ST/tables.spoofed | while read -r _l; do diag "$_l"; done

flood_start cookies -m -n $NSRC_COOKIES
flood_end
ok $([ "$sources" -ge $((NSRC_COOKIES * 9 / 10)) ]; echo $?) \
    "cookies: $sources of $NSRC_COOKIES sources got a cookie and used it"
flood_checks cookies
cmp -s $ST/tables.0 $ST/tables.cookies
ok $? "cookies: every session and the supernode's table as before"
diff $ST/tables.0 $ST/tables.cookies | while read -r _l; do diag "$_l"; done

# Edge 3 restarts into a spoofed flood of 12 s: its first initiation
# gets a cookie, its retry (5 s later) carries mac2 and goes through.
super_session() {	# edge 3 has a session with the supernode
	# (jq -e takes no input for a success: the file must not be empty)
	st_show 3 >$ST/s.3 2>/dev/null && [ -s $ST/s.3 ] &&
	    jq -e '[.Peers[] | select(.NodeID == 65533 and
	    .LastHandshake != null)] | length > 0' $ST/s.3 >/dev/null 2>&1
}
SECS=12
PING_TO=2
flood_start rejoin
sleep 1
st_stop 3
sp_start_edge 3
_r0=$(now)
st_until 100 super_session
_joined=$?
_r1=$(now)
kill -0 $_junk 2>/dev/null
_during=$?
flood_end
diag "rejoin, edge 3's counters: $(jq -c '.Counters | with_entries(select(
    (.key | startswith("wireguard")) and .value > 0))' $ST/s.3)"
ok $([ $_joined = 0 ] && [ $_during = 0 ]; echo $?) \
    "rejoin: edge 3 restarted during the flood has its supernode session $(awk -v a=$_r0 -v b=$_r1 'BEGIN { printf "%.1f", b - a }') s later, before the flood ends"
ok $([ "$(st_ctr $ST/s.3 "wireguard cookie_recv")" -ge 1 ]; echo $?) \
    "rejoin: it took a cookie to get there ($(st_ctr $ST/s.3 "wireguard cookie_recv") cookie replies)"
sp_wait_peers 3 2 && sp_wait_nh 3 1 1 && sp_wait_nh 1 3 3
ok $? "rejoin: edge 3 is back in the mesh and the table"

# Over: an initiation without a cookie is decrypted again.
sleep 2
st_show S >$ST/a.S
ns_exec 4 "$WGJUNK" -c 1 -k "$(cat $ST/sp4)" init 127.0.0.1 $SP_PORT \
    >/dev/null
dh_one() {
	st_show S >$ST/b.S && [ "$(delta "wireguard4 unknown_peer")" -ge 1 ]
}
st_until 20 dh_one
ok $? "2 s after the flood: an initiation without a cookie gets its Diffie-Hellman ($(delta "wireguard4 unknown_peer"); $(delta "wireguard4 cookie_sent") cookie replies)"
ok $([ "$(sup_ctr $ST/b.S "wireguard under_load")" = 0 ] &&
    [ "$(sup_ctr $ST/b.S "wireguard load_episodes")" -ge 3 ]; echo $?) \
    "eg-supd shows it: not under load now, $(sup_ctr $ST/b.S "wireguard load_episodes") times before"

for _i in 1 2 3 S; do
	why=$(st_healthy $_i)
	ok $? "daemon $_i: still running, no fatal error in its log ($why)"
done
for _i in 1 2 3 S; do
	st_stop $_i
done
netsim_stop
ok $? "nothing left behind"
tap_done
