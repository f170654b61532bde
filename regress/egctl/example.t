#!/bin/sh
# egctl example edge|super: each prints a commented config with fresh
# keys that loads (-n) and starts the daemon as printed, each in a
# network namespace of its own (unshare -n: nothing leaves it).
. "$(dirname "$0")/../lib/tap.sh"
need_root

EGCTL=$BUILD/egctl
T=$(mktemp -d /tmp/eg-example.XXXXXX)
on_exit "rm -rf $T"
on_exit 'for p in $(cat $T/pids 2>/dev/null); do kill -9 $p 2>/dev/null; done'
umask 077

$EGCTL example edge >$T/edge.conf
ok $? "egctl example edge"
$EGCTL example super >$T/super.conf
ok $? "egctl example super"
ok $(grep -q '^# ' $T/edge.conf && grep -q '^# ' $T/super.conf; echo $?) \
    "both are commented"
$EGCTL example edge >$T/edge2.conf
ok $([ "$(grep '^PrivKey:' $T/edge.conf)" != "$(grep '^PrivKey:' $T/edge2.conf)" ]
    echo $?) "fresh keys each time"
ok $(! grep -q 'passwd_' $T/super.conf && [ "$(grep -c '^  [A-Za-z]*: [A-Za-z0-9]\{24\}$' $T/super.conf)" = 5 ]
    echo $?) "the supernode's five passwords are fresh, not EtherGuard-Go's"
$BUILD/egd -n -f $T/edge.conf >/dev/null 2>$T/n.err
ok $? "egd -n takes the edge example $(head -n 1 $T/n.err)"
$BUILD/eg-supd -n -f $T/super.conf >/dev/null 2>$T/n.err
ok $? "eg-supd -n takes the supernode example $(head -n 1 $T/n.err)"
$EGCTL example router >/dev/null 2>&1
ok $([ $? -ne 0 ]; echo $?) "example of anything else: an error"

# run PROG CONF: the daemon in a namespace of its own for 3 s, then
# egctl asks it for its peers; the daemon's exit status in $T/rc.
run() {
	unshare -n sh -c "ip link set lo up
	    $BUILD/$1 -d -u nobody -f $2 -s $T/$1.sock 2>$T/$1.log &
	    p=\$!; echo \$p >>$T/pids
	    sleep 3
	    $EGCTL -s $T/$1.sock show peers >$T/$1.peers 2>&1; echo \$? >$T/$1.ctl
	    kill -0 \$p 2>/dev/null; echo \$? >$T/$1.alive
	    kill \$p; wait \$p"
}
run egd $T/edge.conf
ok $([ "$(cat $T/egd.alive)" = 0 ] && [ "$(cat $T/egd.ctl)" = 0 ]; echo $?) \
    "egd runs the edge example and answers egctl ($(tail -n 1 $T/egd.log))"
run eg-supd $T/super.conf
ok $([ "$(cat $T/eg-supd.alive)" = 0 ] && [ "$(cat $T/eg-supd.ctl)" = 0 ]; echo $?) \
    "eg-supd runs the supernode example and answers egctl ($(tail -n 1 $T/eg-supd.log))"
tap_done
