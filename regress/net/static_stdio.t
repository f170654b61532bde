#!/bin/sh
# The stdio interface between two static-mode nodes, in its three
# L2HeaderMode settings (egd/engine_ifio.h): kbdbg and noL2 carry one frame
# per line of text, nochg the bytes of each read as one frame.  Each
# egd reads a FIFO the test writes to and writes a file it reads.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
st_need
command -v perl >/dev/null 2>&1 || skip_all "perl not installed"

st_keys 2 || { echo "Bail out! wg genkey"; exit 1; }
netsim_start pub pub || { echo "Bail out! netsim"; exit 1; }
mkfifo $ST/in1 $ST/in2 || { echo "Bail out! mkfifo"; exit 1; }
# The test holds each FIFO open, so that egd never sees it end.
exec 7<>$ST/in1 8<>$ST/in2

# start MODE: both nodes with that L2HeaderMode, fresh output files.
start() {
	for i in 1 2; do
		j=$((3 - i))
		st_stop $i
		st_conf $i -- "IType: stdio" "Name: stdio$i" \
		    "MacAddrPrefix: 02:00:00:00" "L2HeaderMode: $1"
		st_peer $i $j 10.99.0.$j:3000 true
		st_nht $i "1 2:2" "2 1:1"
		: >$ST/out$i
		# Not netsim_bg: the shell gives a background command in a
		# function /dev/null as stdin unless it has its own.
		ip netns exec $(netsim_ns $i) "$EGD" -d -u nobody \
		    -f $ST/n$i.conf -s $ST/s$i.sock <$ST/in$i >$ST/out$i \
		    2>>$ST/log$i &
		NETSIM_PIDS="$NETSIM_PIDS $!"
		echo $! >$ST/pid$i
	done
	st_wait 1 && st_wait 2
}

hex() {	# the bytes of a file as one line of hex
	od -An -v -tx1 "$1" | tr -d ' \n'
}

# wait_size FILE BYTES: until FILE has at least BYTES (10 s).
wait_size() {
	_n=100
	while [ $(stat -c %s "$1") -lt "$2" ] && [ $_n -gt 0 ]; do
		sleep 0.1
		_n=$((_n - 1))
	done
	[ $(stat -c %s "$1") -ge "$2" ]
}

# kbdbg: "b1text" is a broadcast from aa:bb:cc:dd:ee:01, and the other
# side writes the addresses back as those two characters.
start kbdbg
ok $? "kbdbg: both nodes up"
printf 'b1aaaaaaaaaa\n' >&7
st_wait_line $ST/out2 b1aaaaaaaaaa
ok $? "kbdbg: b1aaaaaaaaaa typed on node 1 appears on node 2"
# Node 2 learned aa:bb:cc:dd:ee:01 -> node 1: this one is unicast.
printf '12hello from 2\n' >&8
st_wait_line $ST/out1 '12hello from 2'
ok $? "kbdbg: 12hello from 2, to the address learned, appears on node 1"
printf 'b1first\nb1second\n' >&7
st_wait_line $ST/out2 b1second
ok $([ "$(tail -n 2 $ST/out2 | tr '\n' ' ')" = "b1first b1second " ]; echo $?) \
    "kbdbg: two lines in one write are two frames, in order"
ok $([ $(wc -l <$ST/out1) -eq 1 ] && [ $(wc -l <$ST/out2) -eq 3 ]; echo $?) \
    "kbdbg: nothing else came out ($(wc -l <$ST/out1) and $(wc -l <$ST/out2) lines)"

# noL2: a line is a broadcast from the node's own address; the other
# side gets the line back without the addresses.
start noL2
ok $? "noL2: both nodes up"
printf 'hello noL2\n' >&7
st_wait_line $ST/out2 'hello noL2'
ok $? "noL2: a line typed on node 1 appears on node 2"
printf 'and back\n' >&8
st_wait_line $ST/out1 'and back'
ok $? "noL2: a line typed on node 2 appears on node 1"

# nochg: bytes as they are, one frame per read.
start nochg
ok $? "nochg: both nodes up"
F1=ffffffffffff02000000000a88b5$(printf 'nochg frame one' | od -An -tx1 |
    tr -d ' \n')
F2=02000000000a02000000000b88b5$(printf 'the reply' | od -An -tx1 |
    tr -d ' \n')
perl -e 'print pack("H*", $ARGV[0])' $F1 >&7
wait_size $ST/out2 $((${#F1} / 2))
ok $([ "$(hex $ST/out2)" = "$F1" ]; echo $?) \
    "nochg: a frame written on node 1 comes out on node 2 byte for byte"
# 02:00:00:00:00:0a was learned from the first frame: unicast to 1.
perl -e 'print pack("H*", $ARGV[0])' $F2 >&8
wait_size $ST/out1 $((${#F2} / 2))
ok $([ "$(hex $ST/out1)" = "$F2" ]; echo $?) \
    "nochg: the answer to the learned address comes out on node 1"

# Frames flowed both ways, so the engines read past the last frame
# without blocking on their (once blocking) stdin: they still answer.
ok $(st_show 1 >$ST/show1 && st_show 2 >$ST/show2; echo $?) \
    "both engines still answer egctl after the frames"

for i in 1 2; do
	st_stop $i
	why=$(st_healthy $i)
	ok $? "node $i: no fatal error in its log, no death ($why)"
done
exec 7>&- 8>&-

# epoll cannot watch /dev/null or a file: refused at start, with a reason.
ip netns exec $(netsim_ns 1) "$EGD" -d -u nobody -f $ST/n1.conf \
    -s $ST/s1.sock </dev/null >/dev/null 2>$ST/null.log
rc=$?
ok $([ $rc -eq 1 ] && grep -q 'standard input cannot be polled' $ST/null.log
    echo $?) "stdin /dev/null: egd refuses to start (exit $rc: $(tail -n 1 $ST/null.log))"
netsim_stop
ok $? "nothing left behind"
tap_done
