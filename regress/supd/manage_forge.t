#!/bin/sh
# eg-supd's parent checks every Manage API change itself: control, which
# parses HTTP, holds no password and only passes on what a request
# carried.  A control process an attacker holds (the EG_TEST_IMSG hook
# speaks for it, with payloads from regress/supd/managemsg) gets no
# change into the config without the call's credential: none, a wrong
# password, a signature it cannot make, or another call's password are
# refused and the file stays as it was; a malformed message stops the
# daemon.  The right password, sent the same way, changes the file, so
# the hook does reach the parent.
. "$(dirname "$0")/../lib/tap.sh"
need_root

MSG=$BUILD/regress/supd/managemsg
T=$(mktemp -d /tmp/eg-manageforge.XXXXXX)
on_exit "rm -rf $T"
on_exit 'for p in $(cat $T/pids 2>/dev/null); do kill -9 $p 2>/dev/null; done'

# Ports of its own, so that it may run beside other tests.
PORT=$((20000 + $$ % 20000 * 2))
sed "s/^ListenPort: 3456/ListenPort: $PORT/; s/\"3456\"/\"$((PORT + 1))\"/" \
    $TOP/regress/testdata/etherguard-go/example_config/super_mode/EgNet_super.yaml \
    >$T/super.conf
chmod 600 $T/super.conf
P=/eg_net/eg_api/manage
ADD="NodeID=200&Name=Node_200&PubKey=DG%2FLq1bFpE%2F6109emAoO3iaC%2BshgWtdRaGBhW3soiSI%3D&AdditionalCost=1000"

# run MESSAGES...: eg-supd with control saying them, until the parent
# has said what it did or stopped; its log in $log.
run() {
	# Ports of its own for each run: the last one may still be closing.
	_n=$((${_n:-0} + 2))
	sed "s/^ListenPort: .*/ListenPort: $((PORT + _n))/; s/\"$((PORT + 1))\"/\"$((PORT + _n + 1))\"/" \
	    $T/super.conf >$T/cur.conf
	chmod 600 $T/cur.conf
	cp $T/cur.conf $T/start.conf
	# A log of its own: the last run's children may still write theirs.
	log=$T/log.$_n
	EG_TEST_IMSG="$*" EG_TEST_IMSG_DELAY_MS=500 setsid $BUILD/eg-supd -d -v \
	    -u nobody -f $T/cur.conf -s $T/s.sock.$_n 2>$log &
	_p=$!
	echo $_p >>$T/pids
	_i=0
	while ! grep -q "manage: \|fatal" $log && kill -0 $_p 2>/dev/null &&
	    [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	sleep 0.3
	alive=$(kill -0 $_p 2>/dev/null && echo yes || echo no)
	kill $_p 2>/dev/null
	wait $_p
	_i=0
	while [ -n "$(ps -e -o sid= | awk -v s=$_p '$1 == s')" ] &&
	    [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

refused() {	# refused WHAT PATTERN HEX
	run "control:parent:IMSG_SUPD_MANAGE:x=$3"
	ok $(grep -q "manage: [a-z]*/[a-z]* refused: $2" $log &&
	    cmp -s $T/start.conf $T/cur.conf && [ $alive = yes ]; echo $?) \
	    "$1: refused, the file unchanged, the daemon up ($(grep 'manage:' $log | head -n 1))"
}

refused "no credential" "Password: missing" \
    $($MSG add none add 1 $P/peer/add "$ADD")
refused "a wrong password" "Password: wrong password" \
    $($MSG add plain add 1 $P/peer/add "$ADD" passwd_addpeeR)
refused "a signature control cannot make" "X-EG-Manage-Auth: authentication failed" \
    $($MSG add signed add 1 $P/peer/add "$ADD")
refused "ShowState's password for peer/add" "Password: wrong password" \
    $($MSG add plain add 1 $P/peer/add "$ADD" passwd_showstate)
refused "a super/state credential with a peer/add change" "Manage API super/state: not a call that makes this change" \
    $($MSG add plain state 1 $P/peer/add "$ADD" passwd_showstate)
refused "a PrivKey deletion while DelPeerByPrivKey is off" "PrivKey: peer/del by an edge's private key is disabled" \
    $($MSG del privkey del 0 "$P/peer/del?PrivKey=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D")

# The same hook, the right password: the change reaches the file.
run "control:parent:IMSG_SUPD_MANAGE:x=$($MSG add plain add 1 $P/peer/add "$ADD" passwd_addpeer)"
ok $(grep -q "manage: config changed and written to $T/cur.conf" $log &&
    grep -q "Name: Node_200" $T/cur.conf; echo $?) \
    "the right password: the peer is added to the file"

# A message whose lengths do not add up is a broken control.
good=$($MSG add plain add 1 $P/peer/add "$ADD" passwd_addpeer)
run "control:parent:IMSG_SUPD_MANAGE:x=${good%??}"
ok $(grep -q "fatal in parent: IMSG_SUPD_MANAGE from control: malformed" $log &&
    cmp -s $T/start.conf $T/cur.conf && [ $alive = no ]; echo $?) \
    "a malformed message stops the daemon, the file unchanged"

tap_done
