#!/bin/sh
# Static mode on the six-node topology of docs/static-mode.md:
#
#	1 - 2 - 3 - 5
#	    |   |
#	    4 --+
#	    |
#	    6
#
# Each node's peers are its direct neighbours, the WAN carries only
# those six links, and every node has the document's NextHopTable.
# Checks: every ordered pair pings over the overlay; 1 -> 6 crosses 2
# and 4 and nothing else; a broadcast from any node reaches every other
# node once;
# a forwarding loop is cut by the reverse-path check the first time a
# frame comes back, counted as "wrong upstream", and a frame that comes back to its source is counted as "looped".
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
st_need

N=6
LINKS="1-2 2-3 2-4 3-4 3-5 4-6"
# The document's NhTable[src][dst] = next hop.
NHT1="1 2:2 3:2 4:2 5:2 6:2"
NHT2="2 1:1 3:3 4:4 5:3 6:4"
NHT3="3 1:2 2:2 4:4 5:5 6:4"
NHT4="4 1:2 2:2 3:3 5:3 6:6"
NHT5="5 1:3 2:3 3:3 4:3 6:3"
NHT6="6 1:4 2:4 3:4 4:4 5:4"
TTL=8

neighbours() {	# neighbours I: the nodes linked to I
	for _l in $LINKS; do
		[ "${_l%-*}" = "$1" ] && echo "${_l#*-}"
		[ "${_l#*-}" = "$1" ] && echo "${_l%-*}"
	done
}

# write_conf I [TOP-LEVEL-LINE...]: node I's config, with the table in
# $NHT1..$NHT6.
write_conf() {
	_n=$1
	shift
	st_conf $_n "$@" -- "IType: tap" "Name: eg0" \
	    "MacAddrPrefix: 02:77:00:00" "IPv4CIDR: 10.77.0.0/24" "MTU: 1400"
	for _j in $(neighbours $_n); do
		st_peer $_n $_j 10.99.0.$_j:3000 true
	done
	st_nht $_n "$NHT1" "$NHT2" "$NHT3" "$NHT4" "$NHT5" "$NHT6"
}

st_keys $N || { echo "Bail out! wg genkey"; exit 1; }
netsim_start -n $N || { echo "Bail out! netsim"; exit 1; }
# Only the six links exist on the WAN.
for i in $(seq 1 $N); do
	for j in $(seq $((i + 1)) $N); do
		case " $LINKS " in
		*" $i-$j "*) ;;
		*) netsim cut $i $j ;;
		esac
	done
done
st_noipv6 $(seq 1 $N)

for i in $(seq 1 $N); do
	write_conf $i
	st_start $i
done
up=0
for i in $(seq 1 $N); do
	st_wait $i && up=$((up + 1))
done
ok $([ $up -eq $N ]; echo $?) "six daemons started in parallel ($up up)"
[ $up -eq $N ] || { tap_done; }

# Every ordered pair, by overlay address.  Pinging waits out a first
# handshake (and the retry after two that crossed).
for i in $(seq 1 $N); do
	for j in $(seq 1 $N); do
		[ $i -eq $j ] && continue
		st_ping $i 10.77.0.$j
		ok $? "ping $i -> $j"
	done
done

# From here on every neighbour entry is permanent: the kernel's ARP
# probes and their answers would otherwise cross the overlay now and
# then (and, below, run into the loops).
for i in $(seq 1 $N); do
	for j in $(seq 1 $N); do
		[ $i -eq $j ] && continue
		ns_exec $i ip neigh replace 10.77.0.$j \
		    lladdr 02:77:00:00:00:0$j dev eg0 nud permanent
	done
done

# 1 -> 6 goes 1 2 4 6.
# moved I: which of node I's per-peer counters changed between the
# snapshots $ST/a.I and $ST/b.I ("" if none).
moved() {
	for _p in $(neighbours $1); do
		for _f in RxPackets TxPackets; do
			_a=$(st_pf $ST/a.$1 $_p $_f)
			_b=$(st_pf $ST/b.$1 $_p $_f)
			[ "$_a" != "$_b" ] && echo "$1/$_p $_f +$((_b - _a))"
		done
	done
}
BURST=50
for try in 1 2 3; do
	for i in $(seq 1 $N); do st_show $i >$ST/a.$i; done
	ns_exec 1 ping -n -q -c $BURST -i 0.01 -W 2 10.77.0.6 >$ST/burst 2>&1
	rx=$(st_received $ST/burst)
	for i in $(seq 1 $N); do st_show $i >$ST/b.$i; done
	quiet="$(moved 3)$(moved 5)"
	# A WireGuard keepalive now and then is not a path: try again.
	[ -z "$quiet" ] && break
	diag "try $try: nodes 3/5 moved: $quiet"
done
ok $([ $rx -eq $BURST ]; echo $?) \
    "a burst of $BURST pings 1 -> 6, lossless links: $rx answered"
ok $([ -z "$quiet" ]; echo $?) "nodes 3 and 5 carried none of it"
d() {	# d I PEER FIELD: how much node I's counter moved
	echo $(($(st_pf $ST/b.$1 $2 $3) - $(st_pf $ST/a.$1 $2 $3)))
}
ok $([ $(d 2 1 RxPackets) -ge $BURST ] && [ $(d 2 4 TxPackets) -ge $BURST ] &&
    [ $(d 2 4 RxPackets) -ge $BURST ] && [ $(d 2 1 TxPackets) -ge $BURST ]
    echo $?) "node 2 relayed both ways ($(d 2 1 RxPackets) in from 1, $(d 2 4 TxPackets) out to 4)"
ok $([ $(d 4 2 RxPackets) -ge $BURST ] && [ $(d 4 6 TxPackets) -ge $BURST ] &&
    [ $(d 4 6 RxPackets) -ge $BURST ] && [ $(d 4 2 TxPackets) -ge $BURST ]
    echo $?) "node 4 relayed both ways ($(d 4 2 RxPackets) in from 2, $(d 4 6 TxPackets) out to 6)"

# One broadcast datagram from each node reaches every other node
# exactly once, along the tree rooted at its source.
for i in $(seq 1 $N); do
	rm -f $ST/ready.$i
	netsim_bg $i "$IFPEER" -r $ST/ready.$i udp-listen 0.0.0.0:7777 \
	    </dev/null >$ST/heard.$i
	echo $! >$ST/lpid.$i
done
for i in $(seq 1 $N); do
	netsim_wait_file $ST/ready.$i 5
done
for i in $(seq 1 $N); do st_show $i >$ST/a.$i; done
msg() {	# msg S: the payload node S broadcasts, as hex
	printf 'egd broadcast %s from %s' $$ $1 | od -An -tx1 | tr -d ' \n'
}
for s in $(seq 1 $N); do
	echo "$(msg $s)" | ns_exec $s "$IFPEER" -e udp-connect 10.77.0.255:7777
done
heard_all() {	# every listener has heard the N - 1 other broadcasts
	for _h in $(seq 1 $N); do
		[ "$(wc -l <$ST/heard.$_h)" -ge $((N - 1)) ] || return 1
	done
}
st_until 100 heard_all
sleep 0.2	# room for a duplicate to show
for i in $(seq 1 $N); do
	kill $(cat $ST/lpid.$i) 2>/dev/null
	wait $(cat $ST/lpid.$i) 2>/dev/null
done
for s in $(seq 1 $N); do
	counts=
	for i in $(seq 1 $N); do
		[ $i -eq $s ] && continue
		counts="$counts $i:$(grep -cxF "$(msg $s)" $ST/heard.$i)"
	done
	ok $([ "$(echo $counts | tr ' ' '\n' | grep -c ':1$')" -eq $((N - 1)) ]
	    echo $?) \
	    "broadcast from $s reached every other node once (node:count$counts)"
done
for i in $(seq 1 $N); do st_show $i >$ST/b.$i; done
lp=0
for i in $(seq 1 $N); do
	lp=$((lp + $(st_drop $ST/b.$i looped) - $(st_drop $ST/a.$i looped)))
done
ok $([ $lp -eq 0 ]; echo $?) "no broadcast came back to its source ($lp)"

# A loop for destination 6 between 2 and 4 (2 -> 6 via 4, 4 -> 6 via 2),
# and node 1 sends with DefaultTTL 8.  Before the reverse-path check
# each frame went round until its TTL ran out (8 sends); now node 2
# refuses it when 4 passes it back, since by node 2's table 4 relays
# nothing of node 1's to it: 3 sends (1->2, 2->4, 4->2), "wrong
# upstream" at node 2, no "ttl expired".
NHT4="4 1:2 2:2 3:3 5:3 6:2"
write_conf 1 "DefaultTTL: $TTL"
write_conf 2
write_conf 4
r=0
for i in 1 2 4; do st_reload $i || r=1; done
ok $r "reload nodes 1, 2, 4: loop 2 <-> 4 for node 6, DefaultTTL $TTL on 1"
LOOPN=10
for try in 1 2; do
	for i in 1 2 4 6; do st_show $i >$ST/a.$i; done
	ns_exec 1 ping -n -q -c $LOOPN -i 0.05 -W 1 10.77.0.6 >/dev/null 2>&1
	rc=$?
	want="0 0 $LOOPN $LOOPN $LOOPN 0 $LOOPN"
	loop_counts() {	# the counters since a.I, in $got; are they $want?
		for i in 1 2 4 6; do st_show $i >$ST/b.$i; done
		ttl4=$(($(st_drop $ST/b.4 "ttl expired") - $(st_drop $ST/a.4 "ttl expired")))
		ttl2=$(($(st_drop $ST/b.2 "ttl expired") - $(st_drop $ST/a.2 "ttl expired")))
		in4=$(d 4 2 RxPackets)
		in2=$(d 2 4 RxPackets)
		from1=$(d 2 1 RxPackets)
		to6=$(d 4 6 TxPackets)
		wu2=$(($(st_drop $ST/b.2 "wrong upstream") - $(st_drop $ST/a.2 "wrong upstream")))
		got="$ttl4 $ttl2 $in4 $in2 $from1 $to6 $wu2"
		[ "$got" = "$want" ]
	}
	st_until 30 loop_counts && break
	diag "try $try: ttl4 ttl2 in4 in2 from1 to6 wu2: want $want, got $got"
done
ok $([ $rc -ne 0 ]; echo $?) "pings 1 -> 6 are lost in the loop"
ok $([ $wu2 -eq $LOOPN ] && [ $ttl4 -eq 0 ] && [ $ttl2 -eq 0 ]; echo $?) \
    "each of $LOOPN frames counted once as wrong upstream at node 2 ($wu2), none as ttl expired (node 4: $ttl4, node 2: $ttl2)"
ok $([ $in4 -eq $LOOPN ] && [ $in2 -eq $LOOPN ] &&
    [ $from1 -eq $LOOPN ]; echo $?) \
    "the loop is cut at once: 2->4 $in4, 4->2 $in2, 1->2 $from1"
ok $([ $to6 -eq 0 ]; echo $?) "nothing reached node 6 ($to6)"

# A loop through the source (2 -> 6 via 1): the frame comes home and
# node 1 drops it as looped instead of sending it round again.
NHT2="2 1:1 3:3 4:4 5:3 6:1"
write_conf 2
st_reload 2
ok $? "reload node 2: 6 via 1"
st_show 1 >$ST/a.1
st_show 2 >$ST/a.2
ns_exec 1 ping -n -q -c $LOOPN -i 0.05 -W 1 10.77.0.6 >/dev/null 2>&1
looped_reach() {	# node 1's looped drops and 2 -> 1 reach $LOOPN
	st_show 1 >$ST/b.1 && st_show 2 >$ST/b.2 &&
	    looped=$(($(st_drop $ST/b.1 looped) - $(st_drop $ST/a.1 looped))) &&
	    [ $looped -ge $LOOPN ] && [ $(d 2 1 TxPackets) -ge $LOOPN ]
}
st_until 30 looped_reach
ok $([ $looped -eq $LOOPN ] && [ $(d 2 1 TxPackets) -eq $LOOPN ]; echo $?) \
    "node 1 drops its own $LOOPN frames as looped ($looped; 2->1 $(d 2 1 TxPackets))"

for i in $(seq 1 $N); do
	why=$(st_healthy $i)
	rc=$?
	ok $rc "node $i log has no fatal error, no death ($why)"
	[ $rc -eq 0 ] || diag "node $i: $(cat $ST/log$i)"
done
netsim_stop
ok $? "nothing left behind"
tap_done
