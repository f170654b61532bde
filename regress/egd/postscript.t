#!/bin/sh
# PostScript: run by the parent once the interface is up, with the
# interface name in its environment; a failing script is logged and the
# daemon keeps running.
. "$(dirname "$0")/../lib/tap.sh"
need_root

T=$(mktemp -d /tmp/eg-post.XXXXXX)
on_exit "rm -rf $T"
on_exit '[ -n "$P" ] && kill $P 2>/dev/null; wait 2>/dev/null'

conf() {	# conf FILE SCRIPT
	cat >"$1" <<EOF2
Interface:
  IType: dummy
  Name: eg-post
NodeID: 5
NodeName: post
PrivKey: u1U5zImQ0lByFcJXTysUq9ZSTg3ZLIKMDYn/RAXEtKI=
PostScript: "$2"
EOF2
	chmod 600 "$1"
}

wait_for() {	# wait_for FILE: up to 5 s
	_i=0
	while [ ! -s "$1" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -s "$1" ]
}

conf $T/ok.conf "echo \$EG_INTERFACE \$EG_NODEID \$EG_NODENAME > $T/ran"
$BUILD/egd -d -u nobody -f $T/ok.conf -s $T/ok.sock 2>$T/ok.log &
P=$!
check "the PostScript ran" wait_for $T/ran
ok $([ "$(cat $T/ran)" = "eg-post 5 post" ]; echo $?) \
    "it saw EG_INTERFACE, EG_NODEID, EG_NODENAME: $(cat $T/ran)"
sleep 0.3
ok $(grep -q "PostScript done" $T/ok.log; echo $?) "its success is logged"
kill $P; wait $P 2>/dev/null; P=

conf $T/bad.conf "exit 3"
$BUILD/egd -d -u nobody -f $T/bad.conf -s $T/bad.sock 2>$T/bad.log &
P=$!
sleep 1
ok $(grep -q "PostScript exited with status 3" $T/bad.log; echo $?) \
    "a failing PostScript is logged"
ok $(kill -0 $P 2>/dev/null; echo $?) "and egd keeps running"
$BUILD/egctl -s $T/bad.sock show peers >/dev/null
ok $? "egctl still answers"
kill $P; wait $P 2>/dev/null; P=
tap_done
