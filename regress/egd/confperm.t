#!/bin/sh
# Who may write a daemon's config: root (or the daemon's user) alone.
# A file owned by another user, writable by group or others, or in a
# directory others can write (without the sticky bit) is refused at
# start and on a reload, before it is parsed, and by -n alike (a check
# that passes means the daemon starts).
# The same for eg-supd.  A file in a sticky world-writable directory
# (/tmp) is taken: others cannot replace it there.
. "$(dirname "$0")/../lib/tap.sh"
need_root

EGD=$BUILD/egd
SUPD=$BUILD/eg-supd
EGCTL=$BUILD/egctl
T=$(mktemp -d /tmp/eg-confperm.XXXXXX)
on_exit "rm -rf $T"
on_exit 'for p in $(cat $T/pids 2>/dev/null); do kill -9 $p 2>/dev/null; done'

write_edge() {	# write_edge FILE
	cat >"$1" <<EOF
Interface:
  IType: dummy
  Name: eg-perm
NodeID: 1
NodeName: node1
PrivKey: u1U5zImQ0lByFcJXTysUq9ZSTg3ZLIKMDYn/RAXEtKI=
ListenPort: 0
Peers: []
EOF
	chmod 600 "$1"
}

# refused CONF WHY...: egd will not start on CONF, and says WHY.
refused() {
	_c=$1
	shift
	"$EGD" -d -u nobody -f "$_c" -s $T/s.sock >$T/out 2>&1 &
	_p=$!
	echo $_p >>$T/pids
	_i=0
	while kill -0 $_p 2>/dev/null && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	wait $_p
	_rc=$?
	[ $_rc = 1 ] && grep -qF -- "$*" $T/out
}

mkdir -m 700 $T/ok
write_edge $T/ok/edge.yaml
"$EGD" -n -f $T/ok/edge.yaml >/dev/null 2>&1
ok $? "egd -n reads a root-owned 0600 file in a 0700 directory"

cp $T/ok/edge.yaml $T/ok/nobody.yaml
chown nobody $T/ok/nobody.yaml
refused $T/ok/nobody.yaml "$T/ok/nobody.yaml: owned by uid $(id -u nobody), not by root: chown root it"
ok $? "a file owned by nobody is refused ($(head -n 1 $T/out))"
"$EGD" -n -f $T/ok/nobody.yaml >/dev/null 2>$T/out
ok $([ $? = 1 ] && grep -qF "owned by uid $(id -u nobody), not by root" $T/out
    echo $?) "and so is it by egd -n ($(head -n 1 $T/out))"

cp $T/ok/edge.yaml $T/ok/gw.yaml
chmod 620 $T/ok/gw.yaml
refused $T/ok/gw.yaml "writable by group or others: chmod go-w it"
ok $? "a group-writable file is refused ($(head -n 1 $T/out))"

mkdir -m 777 $T/open
write_edge $T/open/edge.yaml
chmod 777 $T/open
refused $T/open/edge.yaml "its directory $T/open is writable by group or others: chmod go-w it"
ok $? "a file in a world-writable directory is refused ($(head -n 1 $T/out))"

mkdir -m 700 $T/theirs
write_edge $T/theirs/edge.yaml
chown nobody $T/theirs
refused $T/theirs/edge.yaml "its directory $T/theirs is owned by uid $(id -u nobody), not by root"
ok $? "a file in a directory owned by nobody is refused ($(head -n 1 $T/out))"

mkdir -m 1777 $T/sticky
write_edge $T/sticky/edge.yaml
"$EGD" -d -u nobody -f $T/sticky/edge.yaml -s $T/s.sock 2>$T/log &
_p=$!
echo $_p >>$T/pids
_i=0
while [ ! -S $T/s.sock ] && [ $_i -lt 50 ]; do
	sleep 0.1
	_i=$((_i + 1))
done
ok $([ -S $T/s.sock ]; echo $?) "a root file in a sticky world-writable directory is taken"

# A reload of a file that became writable by others is refused; the
# daemon runs on.
chmod 666 $T/sticky/edge.yaml
"$EGCTL" -s $T/s.sock reload >$T/reload 2>&1
rc=$?
ok $([ $rc = 1 ] && grep -q "writable by group or others" $T/reload; echo $?) \
    "a reload of a file others can write is refused ($(head -n 1 $T/reload))"
ok $(kill -0 $_p; echo $?) "and egd runs on"
kill $_p
wait $_p
ok $? "egd stops cleanly"

cat >$T/ok/super.yaml <<EOF
NodeName: super
PrivKeyV4: u1U5zImQ0lByFcJXTysUq9ZSTg3ZLIKMDYn/RAXEtKI=
PrivKeyV6: u1U5zImQ0lByFcJXTysUq9ZSTg3ZLIKMDYn/RAXEtKI=
ListenPort: 0
Peers: []
EOF
chmod 600 $T/ok/super.yaml
chown nobody $T/ok/super.yaml
"$SUPD" -d -u nobody -f $T/ok/super.yaml -s $T/ss.sock >$T/out 2>&1 &
_p=$!
echo $_p >>$T/pids
wait $_p
rc=$?
ok $([ $rc = 1 ] && grep -q "owned by uid $(id -u nobody), not by root" $T/out
    echo $?) "eg-supd refuses a config owned by nobody too ($(head -n 1 $T/out))"
tap_done
