#!/bin/sh
# Every socket interface type, and fd, between two static-mode nodes.
# Node 1 (A) listens on RecvAddr, node 2 (B) connects to SendAddr (a
# unixgram B has both: its SendAddr socket has no name to answer to).
# An ifpeer on each side plays the program at the far end of the
# interface: a frame given to A's comes out of B's, the answer to the
# learned address comes back, and a frame over the MTU is counted and
# dropped while the one after it goes through.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
st_need

st_keys 2 || { echo "Bail out! wg genkey"; exit 1; }
netsim_start pub pub || { echo "Bail out! netsim"; exit 1; }
mkfifo $ST/ina $ST/inb || { echo "Bail out! mkfifo"; exit 1; }
exec 7<>$ST/ina 8<>$ST/inb

tohex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
F1=ffffffffffff02000000000a88b5$(tohex "frame one from A")
F2=02000000000a02000000000b88b5$(tohex "frame two from B, unicast")
F3=ffffffffffff02000000000a88b5$(tohex "the frame after the big one")
F4=ffffffffffff02000000000a88b5$(tohex "the frame after the burst")
# 1500 bytes: over the default MTU 1404 plus the Ethernet header.
FBIG=ffffffffffff02000000000a88b5$(head -c 1486 /dev/zero | tr '\0' 'a' |
    od -An -v -tx1 | tr -d ' \n')

# bg I IN OUT CMD...: CMD in node I, reading the FIFO IN, writing OUT;
# its pid in BG.  (A background command in a function otherwise gets
# /dev/null as stdin.)
bg() {
	_i=$1 _in=$2 _out=$3
	shift 3
	ip netns exec $(netsim_ns $_i) "$@" <$_in >$_out 2>>$ST/tools.log &
	BG=$!
	NETSIM_PIDS="$NETSIM_PIDS $BG"
}

# conf I IFACE-LINE...: a config for node I with that interface.
conf() {
	_i=$1
	shift
	st_conf $_i -- "Name: if$_i" "MacAddrPrefix: 02:00:00:00" "$@"
	st_peer $_i $((3 - _i)) 10.99.0.$((3 - _i)):3000 true
	st_nht $_i "1 2:2" "2 1:1"
}

stop_all() {
	for _p in $TOOLA $TOOLB; do
		kill $_p 2>/dev/null
		wait $_p 2>/dev/null
	done
	TOOLA= TOOLB=
	st_stop 1
	st_stop 2
}

# exchange TYPE: the three checks, once both tools are up.
exchange() {
	echo "$F1" >&7
	st_wait_line $ST/outb "$F1" 100
	ok $? "$1: a frame into A's socket comes out of B's"
	echo "$F2" >&8
	st_wait_line $ST/outa "$F2" 50
	_r=$?
	ok $_r "$1: the answer to the learned address comes back to A"
	[ $_r -ne 0 ] && for _i in 1 2; do
		diag "node $_i drops: $(st_show $_i |
		    jq -c '.Dropped | with_entries(select(.value > 0))')"
	done
	st_show 1 >$ST/a.1
	echo "$FBIG" >&7
	echo "$F3" >&7
	st_wait_line $ST/outb "$F3" 50
	got3=$?
	st_show 1 >$ST/b.1
	big=$(($(st_drop $ST/b.1 "interface frame too long") -
	    $(st_drop $ST/a.1 "interface frame too long")))
	ok $([ $got3 -eq 0 ] && ! grep -qxF "$FBIG" $ST/outb && [ $big -eq 1 ]
	    echo $?) "$1: a 1500-byte frame is counted and dropped ($big), the next one passes"
	case $1 in
	tcpsock|unixsock) burst $1 ;;
	esac
}

# burst TYPE: B's program stops reading while a burst comes, so its
# socket fills up and takes only part of some frame.  The stream must
# stay framed and the connection up: once the program reads again, a
# frame still arrives, and every frame that arrived is whole.  (Under
# the burst, any frame may be lost on the way: the marker gets a few
# tries.)
burst() {
	yes "$F1" | head -n 10000 >$ST/burst
	st_show 2 >$ST/a.2
	kill -STOP $TOOLB
	cat $ST/burst >&7
	sleep 2
	kill -CONT $TOOLB
	_n=0
	while [ "$_n" != "$(wc -l <$ST/outb)" ]; do
		_n=$(wc -l <$ST/outb)
		sleep 0.5
	done
	for _try in 1 2 3 4 5; do
		echo "$F4" >&7
		st_wait_line $ST/outb "$F4" 10 && break
	done
	grep -qxF "$F4" $ST/outb
	_r=$?
	_bad=$(grep -cvxF -e "$F1" -e "$F3" -e "$F4" $ST/outb)
	st_show 2 >$ST/b.2
	_w=$(($(st_drop $ST/b.2 "interface write") -
	    $(st_drop $ST/a.2 "interface write")))
	ok $([ $_r -eq 0 ] && [ $_bad -eq 0 ]; echo $?) \
	    "$1: a burst of 10000 to a stalled reader: $(grep -cxF "$F1" $ST/outb) arrive whole, $_bad broken, $_w dropped at B (counted), the connection lives"
}

# setup TYPE A-ADDR B-ADDR A-TOOL-MODE B-TOOL-MODE [B-RECVADDR]: both
# daemons and both programs.
setup() {
	_t=$1 _aa=$2 _ba=$3 _am=$4 _bm=$5 _brecv=$6
	: >$ST/outa
	: >$ST/outb
	rm -f $ST/ready.a $ST/ready.b $ST/acc.b
	conf 1 "IType: $_t" "RecvAddr: $_aa"
	if [ -n "$_brecv" ]; then
		conf 2 "IType: $_t" "SendAddr: $_ba" "RecvAddr: $_brecv"
		# B's program sends to RecvAddr from the name SendAddr reaches.
		bg 2 $ST/inb $ST/outb "$IFPEER" -r $ST/ready.b -b "$_ba" \
		    $_bm "$_brecv"
	else
		conf 2 "IType: $_t" "SendAddr: $_ba"
		bg 2 $ST/inb $ST/outb "$IFPEER" -r $ST/ready.b \
		    -a $ST/acc.b $_bm "$_ba"
	fi
	TOOLB=$BG
	netsim_wait_file $ST/ready.b 5
	st_start 1
	st_start 2
	st_wait 1 && st_wait 2
	ok $? "$_t: both daemons up"
	if [ "$_am" = unixgram-connect ]; then
		bg 1 $ST/ina $ST/outa "$IFPEER" -r $ST/ready.a \
		    -b "$UGNAME" $_am "$_aa"
	else
		bg 1 $ST/ina $ST/outa "$IFPEER" -r $ST/ready.a $_am "$_aa"
	fi
	TOOLA=$BG
	netsim_wait_file $ST/ready.a 10
	# A stream B is of use once egd has dialed it.
	case $_bm in
	*-listen) [ -n "$_brecv" ] || netsim_wait_file $ST/acc.b 10 ;;
	esac
}

run() {	# run SETUP-ARGS...: setup, exchange, stop
	setup "$@"
	exchange $1
	stop_all
}

run udpsock 127.0.0.1:5001 127.0.0.1:5002 udp-connect udp-listen
run tcpsock 127.0.0.1:5001 127.0.0.1:5002 tcp-connect tcp-listen
run unixsock $ST/a.sock $ST/b.sock unix-connect unix-listen
run unixpacketsock $ST/a.sock $ST/b.sock seqpacket-connect seqpacket-listen
# The engine answers the last sender from its chroot, where no socket
# path resolves: the sender of A needs an abstract name (see below).
UGNAME=@egtest.$$.a
run unixgramsock $ST/a.sock $ST/b-out.sock unixgram-connect unixgram-connect \
    $ST/b-in.sock

# A sender bound to a path gets nothing back, counted, and egd warned.
UGNAME=$ST/toola.sock
setup unixgramsock $ST/a.sock $ST/b-out.sock unixgram-connect \
    unixgram-connect $ST/b-in.sock
echo "$F1" >&7
st_wait_line $ST/outb "$F1" 100
ok $? "unixgramsock, sender with a path: its frame still goes out"
st_show 1 >$ST/a.1
echo "$F2" >&8
n=50
while [ $n -gt 0 ]; do
	st_show 1 >$ST/b.1
	[ "$(st_drop $ST/b.1 "interface write")" -gt \
	    "$(st_drop $ST/a.1 "interface write")" ] && break
	sleep 0.1
	n=$((n - 1))
done
ok $([ $n -gt 0 ] && ! grep -qxF "$F2" $ST/outa; echo $?) \
    "unixgramsock: the answer to a path it cannot reach is an interface write drop"
ok $(grep -q 'unixgramsock without SendAddr' $ST/log1; echo $?) \
    "unixgramsock without SendAddr: egd warns at start"
stop_all

# fd: ifpeer holds one end of a socketpair and runs egd with the other.
: >$ST/outa
: >$ST/outb
for i in 1 2; do
	conf $i "IType: fd"
	[ $i -eq 1 ] && s=a || s=b
	ip netns exec $(netsim_ns $i) "$IFPEER" fd "$EGD" -d -u nobody \
	    -f $ST/n$i.conf -s $ST/s$i.sock <$ST/in$s >$ST/out$s \
	    2>>$ST/log$i &
	NETSIM_PIDS="$NETSIM_PIDS $!"
	echo $! >$ST/pid$i
done
st_wait 1 && st_wait 2
ok $? "fd: both daemons up under ifpeer"
exchange fd
stop_all

for i in 1 2; do
	why=$(st_healthy $i)
	ok $? "node $i: no fatal error in its log, no death ($why)"
done
exec 7>&- 8>&-
netsim_stop
ok $? "nothing left behind"
tap_done
