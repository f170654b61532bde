#!/bin/sh
# The parent writes SaveNewPeers into a root-owned file, from what
# control says: a control process an attacker holds (the EG_TEST_IMSG
# hook speaks for it) must not get anything into the file that the
# file could not hold.  A good list is written and loads; a list with a
# NodeID no config takes, an endpoint of an unknown family, or a port 0
# is refused whole, the file left as it was; too many endpoints stop
# the daemon.  struct edgeapi_peer (common/edgeapi/edgeapi_json.h) is
# 1160 bytes: NodeID (u16) at 0, has_psk (u16) at 2, the number of
# endpoints (u32) at 4, the name at 8, the key at 72, the PSK at 104,
# eight struct sockaddr_storage from 136.
. "$(dirname "$0")/../lib/tap.sh"
need_root

EGD=$BUILD/egd
T=$(mktemp -d /tmp/eg-savepeers.XXXXXX)
on_exit "rm -rf $T"
on_exit 'for p in $(cat $T/pids 2>/dev/null); do kill -9 $p 2>/dev/null; done'

KEY=8RSl6sMj1jjkHt/OO+hOKpaxvo1ISaqc6eMXx7jheRY=
cat >$T/edge.conf <<EOF
Interface:
  IType: dummy
  Name: eg-save
NodeID: 1
NodeName: node1
PrivKey: u1U5zImQ0lByFcJXTysUq9ZSTg3ZLIKMDYn/RAXEtKI=
ListenPort: 0
DynamicRoute:
  SaveNewPeers: true
  SuperNode:
    UseSuperNode: true
    EndpointV4: 127.0.0.1:9
    PubKeyV4: mWUbdaAllwwOB9GZyj9KYGWX8MPkohJhMJQedz9IUCE=
    EndpointEdgeAPIUrl: http://127.0.0.1:9/api
Peers: []
EOF
chmod 600 $T/edge.conf

hex() {	# hex N BYTE: N copies of the byte, in hex
	awk -v n="$1" -v b="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", b }'
}
le16() { printf '%02x%02x' $(($1 & 255)) $(($1 >> 8)); }
keyhex() { echo "$KEY" | base64 -d | od -An -v -tx1 | tr -d ' \n'; }
# peer NODEID NENDPOINTS FAMILY PORT: a struct edgeapi_peer, in hex,
# with one endpoint 127.0.0.2 of that family and port (network order).
peer() {
	_ep="$(le16 $3)$(printf '%04x' $4)7f000002$(hex 120 00)"
	printf '%s0000%s000000' "$(le16 $1)" "$(printf '%02x' $2)"
	hex 64 00
	keyhex
	hex 32 00
	printf '%s' "$_ep"
	hex $((7 * 128)) 00
}
DONE="control:parent:IMSG_EGD_PEERS_DONE:x=$(hex 32 ab)"

# run WHAT MESSAGES...: egd with control saying MESSAGES, until it logs
# about SaveNewPeers or stops; its log in $T/log.
run() {
	cp $T/edge.conf $T/cur.conf
	EG_TEST_IMSG="$*" "$EGD" -d -u nobody -f $T/cur.conf -s $T/s.sock \
	    2>$T/log &
	_p=$!
	echo $_p >>$T/pids
	_i=0
	while ! grep -q "SaveNewPeers\|fatal" $T/log && kill -0 $_p 2>/dev/null &&
	    [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	sleep 0.2
	kill $_p 2>/dev/null
	wait $_p
}

run "control:parent:IMSG_EGD_PEER:x=$(peer 2 1 2 3000)" "$DONE"
ok $(grep -q "SaveNewPeers: 1 peers written to $T/cur.conf" $T/log; echo $?) \
    "a good peer is written ($(grep SaveNewPeers $T/log))"
"$EGD" -n -f $T/cur.conf >$T/print 2>&1
ok $([ $? = 0 ] && grep -q "PubKey: $KEY" $T/print &&
    grep -q "EndPoint: 127.0.0.2:3000" $T/print; echo $?) \
    "and the file loads, with its key and endpoint"

bad() {	# bad WHAT PEER-HEX: refused whole, the file as it was
	run "control:parent:IMSG_EGD_PEER:x=$(peer 2 1 2 3000)" \
	    "control:parent:IMSG_EGD_PEER:x=$2" "$DONE"
	ok $(grep -q "SaveNewPeers: peer [0-9]* (entry 1) is not one a config can hold: $T/cur.conf left as it is" $T/log &&
	    cmp -s $T/edge.conf $T/cur.conf; echo $?) \
	    "$1: the list is refused, the file unchanged"
}
bad "NodeID 65535" "$(peer 65535 1 2 3000)"
bad "the node's own NodeID" "$(peer 1 1 2 3000)"
bad "an endpoint of family 99" "$(peer 3 1 99 3000)"
bad "port 0" "$(peer 3 1 2 0)"

run "control:parent:IMSG_EGD_PEER:x=$(peer 3 9 2 3000)" "$DONE"
ok $(grep -q "fatal in parent: IMSG_EGD_PEER: bad endpoint count" $T/log &&
    cmp -s $T/edge.conf $T/cur.conf; echo $?) \
    "nine endpoints stop the daemon, the file unchanged"
run "control:parent:IMSG_EGD_PEER:x=0102" "$DONE"
ok $(grep -q "fatal in parent: IMSG_EGD_PEER: bad message" $T/log &&
    cmp -s $T/edge.conf $T/cur.conf; echo $?) \
    "a short peer stops the daemon, the file unchanged"
tap_done
