#!/bin/sh
# Privilege separation with real daemons: five processes with their
# titles, confined children (the resolver without a chroot: it reads
# the system's resolver files), egctl over the control socket, reloads,
# clean stops, and sandbox violations taking the whole daemon down.
. "$(dirname "$0")/../lib/tap.sh"
need_root

EGD=$BUILD/egd
SUPD=$BUILD/eg-supd
EGCTL=$BUILD/egctl
T=$(mktemp -d /tmp/eg-privsep.XXXXXX)
on_exit "rm -rf $T"
on_exit 'for p in $(cat $T/pids 2>/dev/null); do kill -9 $p 2>/dev/null; done'

write_edge() {	# write_edge FILE NODEID
	cat >"$1" <<EOF
Interface:
  IType: dummy
  Name: eg-test
NodeID: $2
NodeName: node$2
PrivKey: u1U5zImQ0lByFcJXTysUq9ZSTg3ZLIKMDYn/RAXEtKI=
ListenPort: 0
NextHopTable:
  1:
    2: 2
    3: 2
  2:
    1: 1
    3: 3
Peers:
- NodeID: 2
  PubKey: 8RSl6sMj1jjkHt/OO+hOKpaxvo1ISaqc6eMXx7jheRY=
  PSKey: ymMmOXRxdEVv/LQe4V2H5aUjYribOf7EXg4WOrLdoRU=
  EndPoint: 127.0.0.1:3002
  Static: true
- NodeID: 3
  PubKey: mWUbdaAllwwOB9GZyj9KYGWX8MPkohJhMJQedz9IUCE=
  EndPoint: ""
EOF
	chmod 600 "$1"
}

# start_daemon BINARY CONF SOCK LOG [ENV...]: the parent pid in DPID
start_daemon() {
	_bin=$1 _conf=$2 _sock=$3 _log=$4
	shift 4
	env "$@" "$_bin" -d -u nobody -f "$_conf" -s "$_sock" 2>"$_log" &
	DPID=$!
	echo $DPID >>$T/pids
}

wait_socket() {	# wait_socket SOCK: up to 5 s
	_i=0
	while [ ! -S "$1" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -S "$1" ]
}

children() {	# children PID: pids of its direct children
	ps -o pid= --ppid "$1" | tr -d ' '
}

title() {	# the process title: cmdline up to its first NUL
	tr '\0' '\n' <"/proc/$1/cmdline" | head -n 1
}

gone() {	# gone PID...: none of them exists any more
	for _p in "$@"; do
		kill -0 "$_p" 2>/dev/null && return 1
	done
	return 0
}

# wait_kids MAXTENTHS PID N: until PID has N children or more, confined
# (chrooted to /var/empty, or the resolver under its filter), their pids
# in $KIDS.
wait_kids() {
	_i=0
	while [ $_i -lt "$1" ]; do
		KIDS=$(children $2)
		_c=0
		for _k in $KIDS; do
			if [ "$(readlink /proc/$_k/root)" = /var/empty ] ||
			    { [ "$(title $_k)" = "${3#*:}" ] &&
			    grep -q '^Seccomp:[[:space:]]*2$' /proc/$_k/status; }
			then
				_c=$((_c + 1))
			fi
		done
		[ $_c -ge ${3%%:*} ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

wait_gone() {	# wait_gone MAXTENTHS PID...
	_n=$1
	shift
	_i=0
	while ! gone "$@" && [ $_i -lt "$_n" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	gone "$@"
}

write_edge $T/edge.conf 1
start_daemon $EGD $T/edge.conf $T/egd.sock $T/egd.log
PARENT=$DPID
check "egd starts and creates its control socket" wait_socket $T/egd.sock
wait_kids 50 $PARENT "4:egd: resolver"
echo $KIDS >>$T/pids
ok $([ $(echo $KIDS | wc -w) -eq 4 ]; echo $?) "egd runs as five processes"

ok $([ "$(title $PARENT)" = "egd: parent" ]; echo $?) "parent title is 'egd: parent'"
TITLES=$(for k in $KIDS; do title $k; done | sort | tr '\n' ,)
ok $([ "$TITLES" = "egd: control,egd: engine,egd: resolver,egd: route," ]; echo $?) \
    "children titles: $TITLES"
ok $([ "$(stat -c %a $T/egd.sock)" = 660 ]; echo $?) "control socket mode 0660"

for k in $KIDS; do
	t=$(title $k)
	uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/$k/status)
	ok $([ "$uids" = "65534 65534 65534 65534" ]; echo $?) \
	    "$t: runs as nobody, not root ($uids)"
	ok $(grep -q '^Seccomp:[[:space:]]*2$' /proc/$k/status; echo $?) \
	    "$t: Seccomp: 2"
	ok $(grep -q '^NoNewPrivs:[[:space:]]*1$' /proc/$k/status; echo $?) \
	    "$t: NoNewPrivs: 1"
	ok $(grep -q '^CapEff:[[:space:]]*0*$' /proc/$k/status &&
	    grep -q '^CapPrm:[[:space:]]*0*$' /proc/$k/status; echo $?) \
	    "$t: no capabilities"
	# The children share a uid: none may read another's memory.
	ok $(! setpriv --reuid=65534 --regid=65534 --clear-groups \
	    cat /proc/$k/environ >/dev/null 2>&1; echo $?) \
	    "$t: not dumpable: a process of its uid cannot read its /proc"
	if [ "$t" = "egd: resolver" ]; then
		# glibc reads /etc/resolv.conf and the rest where they are.
		ok $([ "$(readlink /proc/$k/root)" = / ] &&
		    [ "$(readlink /proc/$k/cwd)" = / ]; echo $?) \
		    "$t: not chrooted, working directory /"
		nsock=$(ls -l /proc/$k/fd | grep -c 'socket:')
		ok $([ "$nsock" -eq 1 ] && [ -S /proc/$k/fd/3 ]; echo $?) \
		    "$t: one socket, its channel to the parent ($nsock)"
	else
		ok $([ "$(readlink /proc/$k/root)" = /var/empty ]; echo $?) \
		    "$t: root directory is /var/empty"
	fi
done
ok $([ -z "$(ls -A /var/empty)" ]; echo $?) "/var/empty is empty"

# egctl against the running daemon.
$EGCTL -s $T/egd.sock show peers >$T/peers.out 2>&1
ok $? "egctl show peers"
ok $(grep -Eq '^2 +- +127\.0\.0\.1:3002 +- +- +- +- +2 +-$' $T/peers.out; echo $?) \
    "peer 2: endpoint, '-' for handshake/bytes/latency, next hop 2"
ok $(grep -Eq '^3 +- +- +- +- +- +- +2 +-$' $T/peers.out; echo $?) \
    "peer 3: no endpoint, next hop 2"
ok $([ $(wc -l <$T/peers.out) -eq 3 ]; echo $?) "header and two peers"
diag "$(cat $T/peers.out)"

$EGCTL -j -s $T/egd.sock show peers >$T/peers.json
ok $(perl -MJSON::PP -e '
	local $/; my $j = decode_json(<STDIN>)->{Peers};
	exit !(@$j == 2 && $j->[0]{NodeID} == 2 &&
	    $j->[0]{EndPoint} eq "127.0.0.1:3002" &&
	    !defined $j->[0]{LastHandshake} && $j->[0]{PSKey} &&
	    $j->[0]{NextHop} == 2 && !defined $j->[1]{EndPoint} &&
	    $j->[1]{NodeID} == 3)' <$T/peers.json; echo $?) \
    "egctl -j show peers is JSON with the peers"

$EGCTL -s $T/egd.sock show routes >$T/routes.out
ok $? "egctl show routes"
ok $(grep -Eq '^2 +2 +-$' $T/routes.out && grep -Eq '^3 +2 +-$' $T/routes.out &&
    [ $(wc -l <$T/routes.out) -eq 3 ]; echo $?) "routes: the node's row (2 via 2, 3 via 2)"
$EGCTL -s $T/egd.sock sh ro all >$T/routes-all.out
ok $([ $(wc -l <$T/routes-all.out) -eq 5 ] &&
    grep -Eq '^2 +3 +3 +-$' $T/routes-all.out; echo $?) \
    "show routes all (abbreviated): every row of the table"
$EGCTL -j -s $T/egd.sock show routes >$T/routes.json
ok $(perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
	exit !(@$j == 2 && $j->[0]{Dst} == 2 && $j->[0]{NextHop} == 2)' \
    <$T/routes.json; echo $?) "egctl -j show routes"

# Bad commands and absent daemons.
$EGCTL -s $T/egd.sock frobnicate >/dev/null 2>$T/err
ok $([ $? -eq 1 ] && grep -q usage $T/err; echo $?) "unknown command: usage, exit 1"
$EGCTL -s $T/none.sock show peers >/dev/null 2>$T/err
ok $([ $? -eq 1 ] && [ $(wc -l <$T/err) -eq 1 ] &&
    grep -q "$T/none.sock" $T/err; echo $?) \
    "no daemon: one line naming the socket ($(cat $T/err))"

# A broken config is refused, by egctl reload and by SIGHUP.
cp $T/edge.conf $T/edge.good
printf 'NodeID: [1\n' >>$T/edge.conf
$EGCTL -s $T/egd.sock reload >$T/reload.out 2>&1
ok $([ $? -eq 1 ] && grep -q "error" $T/reload.out; echo $?) \
    "reload of a broken config fails: $(head -1 $T/reload.out)"
kill -HUP $PARENT
sleep 0.3
ok $(gone $PARENT $KIDS; [ $? -ne 0 ]; echo $?) "SIGHUP with a broken config: still running"
ok $(grep -q 'keeping the running config' $T/egd.log; echo $?) "the errors are logged"
$EGCTL -s $T/egd.sock show peers >$T/peers2.out
ok $(cmp -s $T/peers.out $T/peers2.out; echo $?) "peers unchanged after the refused reloads"

# A config whose NodeID changed needs a restart.
write_edge $T/edge.conf 2
$EGCTL -s $T/egd.sock reload >$T/reload.out 2>&1
ok $([ $? -eq 1 ] && grep -q NodeID $T/reload.out; echo $?) \
    "reload changing NodeID is refused: $(cat $T/reload.out)"

# A good reload takes effect.
cp $T/edge.good $T/edge.conf
cat >>$T/edge.conf <<EOF
- NodeID: 7
  PubKey: PFGgDAqIpdenrhfOKqY1ixOIKwCMXd+nHS1KFGpcZFI=
  EndPoint: 127.0.0.1:3007
EOF
$EGCTL -s $T/egd.sock reload >$T/reload.out 2>&1
ok $? "reload of a good config: $(cat $T/reload.out)"
$EGCTL -s $T/egd.sock show peers >$T/peers3.out
ok $(grep -Eq '^7 .*127\.0\.0\.1:3007' $T/peers3.out; echo $?) "the new peer shows"
diag "$(cat $T/peers3.out)"

# SIGTERM stops all five quickly.
kill -TERM $PARENT
wait_gone 20 $PARENT $KIDS
ok $? "SIGTERM ends all five processes within 2 seconds"
ok $([ ! -e $T/egd.sock ]; echo $?) "control socket removed"

# A sandbox violation in any child takes the daemon down, logged.
# The resolver may make UDP sockets (DNS): it tries to open a file to
# write instead.
for role in engine route control resolver; do
	call=$role
	[ $role = resolver ] && call=resolver:creat
	start_daemon $EGD $T/edge.conf $T/v-$role.sock $T/v-$role.log \
	    EG_TEST_SANDBOX_VIOLATION=$call
	P=$DPID
	wait $P 2>/dev/null
	rc=$?
	ok $([ $rc -eq 1 ]; echo $?) "$role violation: egd exits with status 1 (got $rc)"
	ok $(grep -q "$role process killed by signal 31.*sandbox violation" \
	    $T/v-$role.log; echo $?) "$role violation: reason logged"
	left_of() {	# the processes of egd $1 still there
		pgrep -f "egd -P" | while read p; do
			grep -q "^PPid:[[:space:]]*$1$" /proc/$p/status \
			    2>/dev/null && echo $p
		done
	}
	_i=0
	while [ -n "$(left_of $P)" ] && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	left=$(left_of $P)
	ok $([ -z "$left" ] && [ ! -e $T/v-$role.sock ]; echo $?) \
	    "$role violation: no process or socket left"
done

# The children share a uid: none may signal another process.
start_daemon $EGD $T/edge.conf $T/v-tgkill.sock $T/v-tgkill.log \
    EG_TEST_SANDBOX_VIOLATION=route:tgkill
P=$DPID
wait $P 2>/dev/null
rc=$?
ok $([ $rc -eq 1 ] && grep -q "calling tgkill() on another process" \
    $T/v-tgkill.log && grep -q "route process killed by signal 31.*sandbox violation" \
    $T/v-tgkill.log; echo $?) "route may not signal another process (status $rc)"

# In super mode control talks HTTP on sockets the parent dialed for it:
# its policy has no TCP socket() and no connect() for its whole life.
sed -e 's/IType: .*/IType: dummy/' -e 's/^ListenPort: .*/ListenPort: 0/' \
    $TOP/regress/testdata/etherguard-go/example_config/super_mode/EgNet_edge001.yaml \
    >$T/super-edge.conf
chmod 600 $T/super-edge.conf
for call in tcp connect; do
	start_daemon $EGD $T/super-edge.conf $T/s-$call.sock $T/s-$call.log \
	    EG_TEST_SANDBOX_VIOLATION=control:$call
	P=$DPID
	wait $P 2>/dev/null
	rc=$?
	ok $([ $rc -eq 1 ] && grep -q "calling.*$call\|calling socket(AF_INET, SOCK_STREAM)" \
	    $T/s-$call.log; echo $?) "super mode, control's $call: egd exits with status 1 (got $rc)"
	ok $(grep -q "control process killed by signal 31.*sandbox violation" \
	    $T/s-$call.log; echo $?) "super mode: control may not $call"
done

# eg-supd has the same processes and controls, on EtherGuard-Go's
# example supernode config.
check "EgNet_super.yaml copied" cp \
    $TOP/regress/testdata/etherguard-go/example_config/super_mode/EgNet_super.yaml \
    $T/super.conf
chmod 600 $T/super.conf
start_daemon $SUPD $T/super.conf $T/supd.sock $T/supd.log
SP=$DPID
check "eg-supd starts" wait_socket $T/supd.sock
wait_kids 50 $SP "4:eg-supd: resolver"
SKIDS=$KIDS
echo $SKIDS >>$T/pids
STITLES=$( (title $SP; for k in $SKIDS; do title $k; done) | sort | tr '\n' ,)
ok $([ "$STITLES" = "eg-supd: control,eg-supd: engine,eg-supd: parent,eg-supd: resolver,eg-supd: route," ]; echo $?) \
    "eg-supd titles: $STITLES"
for k in $SKIDS; do
	root=/var/empty
	[ "$(title $k)" = "eg-supd: resolver" ] && root=/
	ok $(grep -q '^Seccomp:[[:space:]]*2$' /proc/$k/status &&
	    grep -q '^NoNewPrivs:[[:space:]]*1$' /proc/$k/status &&
	    grep -q '^CapEff:[[:space:]]*0*$' /proc/$k/status &&
	    [ "$(awk '/^Uid:/ { print $2 }' /proc/$k/status)" = 65534 ] &&
	    [ "$(readlink /proc/$k/root)" = $root ]; echo $?) \
	    "$(title $k): confined (root $root)"
done
$EGCTL -s $T/supd.sock show peers >$T/speers.out
ok $(grep -Eq '^1 +EgNet001 ' $T/speers.out; echo $?) "egctl show peers on eg-supd"
$EGCTL -s $T/supd.sock reload >/dev/null
ok $? "eg-supd reload"
kill -TERM $SP
wait_gone 20 $SP $SKIDS
ok $? "eg-supd: SIGTERM ends all five within 2 seconds"

tap_done
