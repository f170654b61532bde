#!/bin/sh
# Once started, the parents of egd and eg-supd keep uid 0 and only
# CAP_KILL (bit 5: 0x20), in the effective, permitted and bounding
# sets, with no_new_privs; a reload still works, and a stop still takes
# the children down.
. "$(dirname "$0")/../lib/tap.sh"
need_root

T=$(mktemp -d /tmp/eg-caps.XXXXXX)
on_exit "rm -rf $T"
on_exit 'for p in $(cat $T/pids 2>/dev/null); do kill -9 $p 2>/dev/null; done'

cat >$T/edge.conf <<EOF
Interface:
  IType: dummy
  Name: eg-caps
NodeID: 1
NodeName: node1
PrivKey: u1U5zImQ0lByFcJXTysUq9ZSTg3ZLIKMDYn/RAXEtKI=
ListenPort: 0
Peers: []
EOF
cp $TOP/regress/testdata/etherguard-go/example_config/super_mode/EgNet_super.yaml \
    $T/super.conf
# Ports of its own, as tests may run side by side.
port=$((20000 + $$ % 20000))
sed -i -e "s/^ListenPort: .*/ListenPort: $port/" \
    -e "s/^ListenPort_EdgeAPI: .*/ListenPort_EdgeAPI: \"$port\"/" \
    -e "s/^ListenPort_ManageAPI: .*/ListenPort_ManageAPI: \"$port\"/" \
    $T/super.conf
chmod 600 $T/edge.conf $T/super.conf

capfield() {	# capfield PID FIELD
	awk -v f="$2:" '$1 == f { print $2 }' /proc/$1/status
}
check() {	# check NAME BINARY CONF
	"$2" -d -u nobody -f $3 -s $T/$1.sock 2>$T/$1.log &
	_p=$!
	echo $_p >>$T/pids
	_i=0
	until grep -q "started:" $T/$1.log || [ $_i -ge 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	ok $(grep -q "started:" $T/$1.log; echo $?) "$1 started"
	_e=$(capfield $_p CapEff) _pm=$(capfield $_p CapPrm)
	_b=$(capfield $_p CapBnd) _nn=$(capfield $_p NoNewPrivs)
	ok $([ "$_e" = 0000000000000020 ] && [ "$_pm" = 0000000000000020 ] &&
	    [ "$_b" = 0000000000000020 ] && [ "$_nn" = 1 ] &&
	    [ "$(awk '$1 == "Uid:" { print $3 }' /proc/$_p/status)" = 0 ]
	    echo $?) "$1's parent: uid 0, CapEff $_e, CapPrm $_pm, CapBnd $_b, NoNewPrivs $_nn"
	"$BUILD/egctl" -s $T/$1.sock reload >$T/$1.reload 2>&1
	ok $? "$1: a reload works ($(cat $T/$1.reload))"
	_kids=$(pgrep -P $_p | tr '\n' ' ')
	kill $_p
	wait $_p
	ok $? "$1 stops cleanly"
	_left=
	for _k in $_kids; do
		kill -0 $_k 2>/dev/null && _left="$_left $_k"
	done
	ok $([ -n "$_kids" ] && [ -z "$_left" ]; echo $?) \
	    "$1: its children ($_kids) are gone"
}
check egd "$BUILD/egd" $T/edge.conf
check eg-supd "$BUILD/eg-supd" $T/super.conf
tap_done
