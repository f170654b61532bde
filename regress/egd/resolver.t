#!/bin/sh
# Names are resolved by the resolver process, never by the root parent:
# egd and eg-supd with peers whose EndPoints are names, served by a fake
# name server (regress/lib/fakedns.pl) in a network namespace of the
# test's own, found through a resolv.conf and an nsswitch.conf bind
# mounted in a private mount namespace (the host's files stay as they
# are).  The parent makes no DNS traffic (strace); ResetEndPointInterval
# picks up a changed answer; a dead name server neither blocks the
# parent nor stops the daemon; a forged answer and a killed resolver
# stop it cleanly.
. "$(dirname "$0")/../lib/tap.sh"
need_root
command -v strace >/dev/null 2>&1 || skip_all "needs strace"
command -v unshare >/dev/null 2>&1 || skip_all "needs unshare"

# Once more, inside namespaces of its own: only 127.0.0.0/8 there.
if [ -z "$EG_RESOLVER_T_INNER" ]; then
	exec env EG_RESOLVER_T_INNER=1 unshare -m -n --propagation private \
	    sh "$0" "$@"
fi

EGD=$BUILD/egd
SUPD=$BUILD/eg-supd
EGCTL=$BUILD/egctl
T=$(mktemp -d /tmp/eg-resolver.XXXXXX)
on_exit "rm -rf $T"
on_exit 'for p in $(cat $T/pids 2>/dev/null); do kill -9 $p 2>/dev/null; done'
on_exit "umount /etc/resolv.conf; umount /etc/nsswitch.conf"

ip link set lo up
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >$T/resolv.conf
printf 'hosts: files dns\n' >$T/nsswitch.conf
mount --bind $T/resolv.conf /etc/resolv.conf &&
    mount --bind $T/nsswitch.conf /etc/nsswitch.conf
ok $? "resolv.conf and nsswitch.conf of the test, in its mount namespace"

printf '%s\n' 'peer2.eg.test A 127.0.0.2' 'peer3.eg.test A 127.0.0.3' \
    'edge2.eg.test A 127.0.0.12' >$T/map
perl $TOP/regress/lib/fakedns.pl 127.0.0.1 53 $T/map $T/dns.log &
echo $! >>$T/pids
i=0
while ! getent hosts peer2.eg.test >/dev/null 2>&1 && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
ok $([ "$(getent hosts peer2.eg.test | awk '{ print $1 }')" = 127.0.0.2 ]
    echo $?) "the fake name server answers"

cat >$T/edge.conf <<END_CONF
Interface:
  IType: dummy
  Name: eg-test
NodeID: 1
NodeName: node1
PrivKey: u1U5zImQ0lByFcJXTysUq9ZSTg3ZLIKMDYn/RAXEtKI=
ListenPort: 0
ResetEndPointInterval: 1
NextHopTable:
  1:
    2: 2
    3: 3
Peers:
- NodeID: 2
  PubKey: 8RSl6sMj1jjkHt/OO+hOKpaxvo1ISaqc6eMXx7jheRY=
  EndPoint: peer2.eg.test:3002
  Static: true
- NodeID: 3
  PubKey: mWUbdaAllwwOB9GZyj9KYGWX8MPkohJhMJQedz9IUCE=
  EndPoint: peer3.eg.test:3003
- NodeID: 4
  PubKey: PFGgDAqIpdenrhfOKqY1ixOIKwCMXd+nHS1KFGpcZFI=
  EndPoint: 127.0.0.4:3004
END_CONF
chmod 600 $T/edge.conf

endpoint_of() {	# endpoint_of SOCK NODE: what egctl shows for it
	$EGCTL -s "$1" show peers 2>/dev/null | awk -v n="$2" '$1 == n { print $3 }'
}

wait_endpoint() {	# wait_endpoint SOCK NODE WANT TENTHS
	_i=0
	while [ "$(endpoint_of $1 $2)" != "$3" ] && [ $_i -lt $4 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$(endpoint_of $1 $2)" = "$3" ]
}

child() {	# child PARENT TITLE: its child of that title
	for _k in $(ps -o pid= --ppid "$1"); do
		[ "$(tr '\0' '\n' </proc/$_k/cmdline | head -n 1)" = "$2" ] &&
		    echo $_k
	done
}

alive() {	# alive PID...: all of them still there
	for _p in "$@"; do
		kill -0 "$_p" 2>/dev/null || return 1
	done
}

wait_log() {	# wait_log FILE PATTERN TENTHS
	_i=0
	while ! grep -q "$2" "$1" && [ $_i -lt $3 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	grep -q "$2" "$1"
}

# The parent alone is traced (no -f): its network system calls.
strace -qq -e trace=%network -o $T/parent.strace \
    $EGD -d -v -u nobody -f $T/edge.conf -s $T/egd.sock 2>$T/egd.log &
TRACER=$!
echo $TRACER >>$T/pids
check "egd: peer 2's name resolved (static)" \
    wait_endpoint $T/egd.sock 2 127.0.0.2:3002 100
ok $([ "$(endpoint_of $T/egd.sock 3)" = 127.0.0.3:3003 ]; echo $?) \
    "egd: peer 3's name resolved: $(endpoint_of $T/egd.sock 3)"
ok $([ "$(endpoint_of $T/egd.sock 4)" = 127.0.0.4:3004 ]; echo $?) \
    "egd: peer 4's literal address: $(endpoint_of $T/egd.sock 4)"
PARENT=$(ps -o pid= --ppid $TRACER | tr -d ' ')
RESOLVER=$(child $PARENT "egd: resolver")
echo $PARENT $RESOLVER >>$T/pids
ok $(grep -q '^peer2\.eg\.test A ' $T/dns.log &&
    grep -q '^peer3\.eg\.test A ' $T/dns.log; echo $?) \
    "the name server was asked for both names"
ok $(grep -q '127\.0\.0\.4' $T/dns.log; [ $? -ne 0 ]; echo $?) \
    "and never for the literal address"
ok $([ -n "$RESOLVER" ]; echo $?) "the resolver runs (pid $RESOLVER)"

# ResetEndPointInterval (1 s): a new answer for the static peer.
sed -i 's/^peer2.eg.test A .*/peer2.eg.test A 127.0.0.22/' $T/map
check "ResetEndPointInterval: peer 2 moves to the new answer" \
    wait_endpoint $T/egd.sock 2 127.0.0.22:3002 50
n=$(grep -c '^peer2\.eg\.test A ' $T/dns.log)
ok $([ "$n" -ge 3 ]; echo $?) "peer 2 asked for again and again ($n queries)"
ok $([ "$(endpoint_of $T/egd.sock 3)" = 127.0.0.3:3003 ]; echo $?) \
    "peer 3 (not static) keeps its endpoint"

# A dead name server: every request hangs in the resolver for up to 10
# s (glibc's timeout 5, 2 attempts); the parent gives up after 15 s.
touch $T/map.silent
printf 'nameserver 127.0.0.1\noptions timeout:5 attempts:2\n' >$T/resolv.conf
sleep 2
t0=$(date +%s%N)
$EGCTL -s $T/egd.sock reload >$T/reload.out 2>&1
rc=$?
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
ok $([ $rc -eq 0 ] && [ $ms -lt 2000 ]; echo $?) \
    "dead name server: the parent answers a reload at once ($ms ms: $(cat $T/reload.out))"
check "dead name server: the last answer stays in force" \
    wait_endpoint $T/egd.sock 2 127.0.0.22:3002 1
check "dead name server: requests time out in the parent" \
    wait_log $T/egd.log \
    'endpoint peer.\.eg\.test:300.: no answer from the resolver in 15 s' 300
ok $(alive $PARENT $RESOLVER; echo $?) "dead name server: egd still runs"
# Back to life: the late answers are dropped, new ones taken.
sed -i 's/^peer2.eg.test A .*/peer2.eg.test A 127.0.0.23/' $T/map
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >$T/resolv.conf
rm -f $T/map.silent
check "name server back: peer 2 moves again" \
    wait_endpoint $T/egd.sock 2 127.0.0.23:3002 400
check "answers that came after their timeout are dropped and counted" \
    wait_log $T/egd.log 'late answer from the resolver dropped ([0-9]* so far)' 100

# The parent's own system calls: UDP sockets bound at the start, and no
# datagram to a name server, ever.
ok $(grep -q '^bind(' $T/parent.strace; echo $?) \
    "strace saw the parent's network calls ($(grep -c . $T/parent.strace) lines)"
ok $(grep -q 'htons(53)' $T/parent.strace; [ $? -ne 0 ]; echo $?) \
    "the parent never talked to port 53"
ok $(grep -Eq '^(sendto|sendmmsg|sendmsg|connect)\(.*AF_INET' $T/parent.strace
    [ $? -ne 0 ]; echo $?) "the parent sent no datagram and connected nowhere"

# The resolver killed: the daemon stops, cleanly, with the reason.
kill -9 $RESOLVER
wait $TRACER 2>/dev/null
rc=$?
ok $([ $rc -eq 1 ]; echo $?) "resolver killed: egd exits with status 1 (got $rc)"
ok $(grep -q 'fatal in parent: resolver process killed by signal 9' $T/egd.log
    echo $?) "resolver killed: the reason is logged"
ok $([ -z "$(ps -o pid= --ppid $PARENT)" ] && [ ! -e $T/egd.sock ]; echo $?) \
    "resolver killed: no process or socket left"

# A forged answer, for a request the parent never made, stops it too.
FORGED=$(perl -e 'print unpack("H*", pack("V", 999) . "\0" x 140)')
EG_TEST_IMSG="resolver:parent:IMSG_RESOLVE_ANSWER:x=$FORGED" \
    $EGD -d -u nobody -f $T/edge.conf -s $T/forged.sock 2>$T/forged.log &
P=$!
echo $P >>$T/pids
wait $P 2>/dev/null
rc=$?
ok $([ $rc -eq 1 ] && grep -q 'fatal in parent: answer from the resolver refused: unsolicited answer (request 999' \
    $T/forged.log; echo $?) "an unsolicited answer stops egd (status $rc)"

# eg-supd: an edge's EndPoint by name, through its own resolver.
awk '/^- NodeID: / { n = $3 }
    n == 2 && /^  EndPoint:/ { $0 = "  EndPoint: edge2.eg.test:3012" } { print }' \
    $TOP/regress/testdata/etherguard-go/example_config/super_mode/EgNet_super.yaml \
    >$T/super.conf
chmod 600 $T/super.conf
ok $(grep -q 'EndPoint: edge2.eg.test:3012' $T/super.conf; echo $?) \
    "eg-supd config with edge 2 at a name"
strace -qq -e trace=%network -o $T/supd.strace \
    $SUPD -d -u nobody -f $T/super.conf -s $T/supd.sock 2>$T/supd.log &
STRACER=$!
echo $STRACER >>$T/pids
check "eg-supd: edge 2's name asked for" \
    wait_log $T/dns.log '^edge2\.eg\.test A ' 100
i=0
while [ ! -S $T/supd.sock ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
SPARENT=$(ps -o pid= --ppid $STRACER | tr -d ' ')
SRES=$(child $SPARENT "eg-supd: resolver")
echo $SPARENT $SRES >>$T/pids
ok $([ -n "$SRES" ] && grep -q '^Seccomp:[[:space:]]*2$' /proc/$SRES/status
    echo $?) "eg-supd runs its resolver (pid $SRES)"
kill -TERM $SPARENT
wait $STRACER 2>/dev/null
ok $(grep -q '^bind(' $T/supd.strace && ! grep -q 'htons(53)' $T/supd.strace
    echo $?) "eg-supd's parent never talked to port 53"

tap_done
