#!/bin/sh
# A relative -f with the daemon detached (no -d): the paths of a config
# mean what they meant where the daemon was started.  egd: SaveNewPeers
# writes the file it read, a relative PostScript runs, and a reload
# reads that file (a change there is refused by name, with the path
# made absolute).  eg-supd: the Manage API's peer/add writes the file it
# read and answers from a relative EdgeTemplate (as EtherGuard-Go's
# example supernode config has it).  Everything on 127.0.0.1.  Each
# detached parent is found as the parent of the process serving its
# control socket, and stopped by its pid, even when a check fails.
. "$(dirname "$0")/../lib/tap.sh"
need_root

EGD=$BUILD/egd
SUPD=$BUILD/eg-supd
EGCTL=$BUILD/egctl
T=$(mktemp -d /tmp/eg-relpath.XXXXXX)
on_exit "rm -rf $T"
on_exit 'for p in $(cat $T/pids 2>/dev/null); do kill $p 2>/dev/null; sleep 2; kill -9 $p 2>/dev/null; done'
mkdir -m 700 $T/edge $T/super

KEY=8RSl6sMj1jjkHt/OO+hOKpaxvo1ISaqc6eMXx7jheRY=
PRIV=u1U5zImQ0lByFcJXTysUq9ZSTg3ZLIKMDYn/RAXEtKI=

# parent_in DIR: the pid of the one process whose cwd is DIR, after up
# to 5 s; empty if none.
parent_in() {
	_i=0
	while [ $_i -lt 50 ]; do
		for _d in /proc/[0-9]*; do
			[ "$(readlink $_d/cwd 2>/dev/null)" = "$1" ] &&
			    echo ${_d#/proc/} && return 0
		done
		sleep 0.1
		_i=$((_i + 1))
	done
}
# daemon_of SOCK: the pid of the parent process ("egd: parent") of the
# daemon holding the control socket SOCK (the parent makes it, control
# serves it), after up to 5 s; empty if none.
daemon_of() {
	_i=0
	while [ $_i -lt 50 ]; do
		for _c in $(ss -xlpn 2>/dev/null | awk -v s="$1" '$5 == s' |
		    grep -o 'pid=[0-9]*' | cut -d= -f2); do
			case "$(tr '\0' ' ' </proc/$_c/cmdline)" in
			*": parent"*) ;;
			*) _c=$(awk '/^PPid:/ { print $2 }' /proc/$_c/status) ;;
			esac
			case "$(tr '\0' ' ' </proc/$_c/cmdline)" in
			*": parent"*) echo $_c; return 0 ;;
			esac
		done
		sleep 0.1
		_i=$((_i + 1))
	done
}
stop() {	# stop PID: SIGTERM, then wait up to 5 s for it to go
	[ -n "$1" ] || return 1
	kill $1 2>/dev/null
	_i=0
	while kill -0 $1 2>/dev/null && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	! kill -0 $1 2>/dev/null
}
until_file() {	# until_file FILE PATTERN: up to 10 s
	_i=0
	while ! grep -q -- "$2" "$1" 2>/dev/null && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	grep -q -- "$2" "$1" 2>/dev/null
}

# ---- egd ---------------------------------------------------------------
cat >$T/edge/edge.conf <<EOF
Interface:
  IType: dummy
  Name: eg-relp
NodeID: 1
NodeName: node1
PostScript: ./post.sh
PrivKey: $PRIV
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
chmod 600 $T/edge/edge.conf
printf '#!/bin/sh\necho "$EG_NODEID" >%s/post.out\n' $T >$T/edge/post.sh
chmod 700 $T/edge/post.sh

# Control "says" the supernode listed peer 2 (as in savepeers.t).
hex() { awk -v n="$1" -v b="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", b }'; }
peer2() {
	printf '02000000010000'
	printf '00'
	hex 64 00
	echo "$KEY" | base64 -d | od -An -v -tx1 | tr -d ' \n'
	hex 32 00
	printf '02000bb87f000002'
	hex 120 00
	hex $((7 * 128)) 00
}
(cd $T/edge && EG_TEST_IMSG="control:parent:IMSG_EGD_PEER:x=$(peer2) control:parent:IMSG_EGD_PEERS_DONE:x=$(hex 32 ab)" \
    "$EGD" -u nobody -f edge.conf -s $T/e.sock) 2>$T/e.err
ok $? "egd -f edge.conf detaches ($(cat $T/e.err))"
P=$(daemon_of $T/e.sock)
echo $P >>$T/pids
ok $([ -n "$P" ] && [ "$(parent_in $T/edge)" = "$P" ]; echo $?) \
    "its parent (pid $P) stays in the start directory"
until_file $T/edge/edge.conf "PubKey: $KEY"
ok $? "SaveNewPeers wrote peer 2 into the edge.conf it read"
until_file $T/post.out '^1$'
ok $? "the relative PostScript ./post.sh ran"
"$EGCTL" -s $T/e.sock reload >$T/r1 2>&1
ok $? "egctl reload: edge.conf read again ($(cat $T/r1))"
echo "DefaultTTL: 0" >>$T/edge/edge.conf
"$EGCTL" -s $T/e.sock reload >$T/r2 2>&1
ok $([ $? = 1 ] && grep -qF "$T/edge/edge.conf" $T/r2; echo $?) \
    "a broken edge.conf is refused by its full path ($(head -n 1 $T/r2))"
stop "$P"
ok $? "egd stops on SIGTERM"

# ---- eg-supd -----------------------------------------------------------
PORT=$((20000 + $$ % 20000))
cat >$T/super/super.conf <<EOF
NodeName: super
PrivKeyV4: $PRIV
PrivKeyV6: $PRIV
ListenPort: $PORT
ListenPort_EdgeAPI: "$PORT"
ListenPort_ManageAPI: "$PORT"
API_Prefix: /eg_net/eg_api
DisabledAf:
  IPv6: true
  ListenIPv4: 127.0.0.1
Passwords:
  ShowState: pw_show
  AddPeer: pw_add
  DelPeer: pw_del
  UpdatePeer: pw_upd
  UpdateSuper: pw_super
EdgeTemplate: template.yaml
Peers: []
EOF
chmod 600 $T/super/super.conf
# The template: an edge config without its private key, and a TTL the
# defaults do not have, to see that the answer came from it.
cat >$T/super/template.yaml <<EOF
Interface:
  IType: dummy
  Name: eg-tmpl
NodeID: 1
DefaultTTL: 77
DynamicRoute:
  SuperNode:
    UseSuperNode: true
    EndpointV4: 127.0.0.1:$PORT
    PubKeyV4: mWUbdaAllwwOB9GZyj9KYGWX8MPkohJhMJQedz9IUCE=
    EndpointEdgeAPIUrl: http://127.0.0.1:$PORT/eg_net/eg_api
Peers: []
EOF
chmod 600 $T/super/template.yaml
(cd $T/super && "$SUPD" -u nobody -f super.conf -s $T/s.sock) 2>$T/s.err
ok $? "eg-supd -f super.conf detaches ($(cat $T/s.err))"
S=$(daemon_of $T/s.sock)
echo $S >>$T/pids
ok $([ -n "$S" ] && [ "$(parent_in $T/super)" = "$S" ]; echo $?) \
    "its parent (pid $S) stays in the start directory"
_i=0
until curl -s -m 2 -o /dev/null "http://127.0.0.1:$PORT/" ||
    [ $_i -ge 50 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
curl -s -m 10 -o $T/add -w '%{http_code}' -X POST \
    -H "X-EG-Password: pw_add" --data-urlencode NodeID=7 \
    --data-urlencode Name=edge7 --data-urlencode "PubKey=$KEY" \
    --data-urlencode AdditionalCost=5 \
    "http://127.0.0.1:$PORT/eg_net/eg_api/manage/peer/add" >$T/code
ok $([ "$(cat $T/code)" = 200 ]; echo $?) "manage/peer/add: HTTP $(cat $T/code)"
ok $(grep -q '^DefaultTTL: 77$' $T/add && grep -q '^NodeID: 7$' $T/add
    echo $?) "the answer is made from the relative EdgeTemplate"
ok $(grep -q "PubKey: $KEY" $T/super/super.conf; echo $?) \
    "and the new peer is written into the super.conf it read"
"$EGCTL" -s $T/s.sock reload >$T/r3 2>&1
ok $? "egctl reload of eg-supd ($(cat $T/r3))"
stop "$S"
ok $? "eg-supd stops on SIGTERM"
tap_done
