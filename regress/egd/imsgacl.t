#!/bin/sh
# Each process takes only the messages its peers' roles may send it
# (common/proc/imsgacl.h): a child made to send a message of the wrong
# type (the EG_TEST_IMSG hook) makes the receiver log what it refused and
# from whom, and the whole daemon stop with status 1, in egd and eg-supd.
. "$(dirname "$0")/../lib/tap.sh"
need_root

T=$(mktemp -d /tmp/eg-imsgacl.XXXXXX)
on_exit "rm -rf $T"
on_exit 'for s in $(cat $T/sids 2>/dev/null); do pkill -9 -s $s; done'

cat >$T/edge.conf <<EOF
Interface:
  IType: dummy
  Name: eg-test
NodeID: 1
NodeName: node1
PrivKey: u1U5zImQ0lByFcJXTysUq9ZSTg3ZLIKMDYn/RAXEtKI=
ListenPort: 0
NextHopTable:
  1:
    2: 2
Peers:
- NodeID: 2
  PubKey: 8RSl6sMj1jjkHt/OO+hOKpaxvo1ISaqc6eMXx7jheRY=
  EndPoint: 127.0.0.1:3002
  Static: true
EOF
cp $TOP/regress/testdata/etherguard-go/example_config/super_mode/EgNet_super.yaml \
    $T/super.conf
chmod 600 $T/edge.conf $T/super.conf

# Each daemon runs in a session of its own: what it leaves behind is found.
in_session() {	# in_session SID: the processes of that session
	ps -e -o pid=,sid= | awk -v s="$1" '$2 == s { print $1 }'
}

# refused DAEMON CONF SENDER RECEIVER TYPE PATTERN: one case
refused() {
	_bin=$1 _conf=$2 _from=$3 _to=$4 _type=$5 _pat=$6
	_n=$((${_n:-0} + 1))
	_log=$T/log.$_n
	EG_TEST_IMSG=$_from:$_to:$_type setsid $BUILD/$_bin -d -u nobody \
	    -f $_conf -s $T/sock.$_n 2>$_log &
	_p=$!
	echo $_p >>$T/sids
	# The receiver stops the daemon at once; 10 s is a hang.
	_i=0
	while kill -0 $_p 2>/dev/null && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -0 $_p 2>/dev/null && kill -9 $_p
	wait $_p
	_rc=$?
	_what="$_bin: $_type from $_from to $_to"
	ok $([ $_rc -eq 1 ]; echo $?) "$_what: exit status 1 (got $_rc)"
	ok $(grep -Eq "^fatal in $_to: message [0-9]+ \\($_pat\\) from $_from refused: " \
	    $_log; echo $?) "$_what: $_to logs it: $(grep refused $_log)"
	_left=$(in_session $_p)
	ok $([ -z "$_left" ] && [ ! -e $T/sock.$_n ]; echo $?) \
	    "$_what: no process ($_left) or socket left"
}

refused egd $T/edge.conf control parent IMSG_EGD_SHUTDOWN IMSG_EGD_SHUTDOWN
ok $(! grep -q "supernode says" $T/log.$_n; echo $?) \
    "egd: control cannot stop the daemon as the supernode would"
refused egd $T/edge.conf engine route IMSG_EGD_NH IMSG_EGD_NH
refused egd $T/edge.conf control engine IMSG_RECONF_CONF IMSG_RECONF_CONF
refused egd $T/edge.conf route engine 9999 '\?'
grep -q "unknown type" $T/log.$_n
ok $? "egd: an unknown type is called one"
refused egd $T/edge.conf engine parent IMSG_CTL_RELOAD IMSG_CTL_RELOAD
refused egd $T/edge.conf engine control IMSG_EGD_API_SIGNED IMSG_EGD_API_SIGNED
refused egd $T/edge.conf route parent IMSG_EGD_APICONN_REQ \
    IMSG_EGD_APICONN_REQ
refused egd $T/edge.conf engine control IMSG_EGD_APICONN IMSG_EGD_APICONN
# A type it may send, with a descriptor that type never carries.
refused egd $T/edge.conf control parent IMSG_EGD_PEERS_DONE:fd \
    IMSG_EGD_PEERS_DONE
grep -q "refused: a descriptor it does not carry" $T/log.$_n
ok $? "egd: a stray descriptor is called one"
refused egd $T/edge.conf engine parent IMSG_EGD_SHUTDOWN:fd IMSG_EGD_SHUTDOWN

refused eg-supd $T/super.conf control parent IMSG_SUPD_UDP IMSG_SUPD_UDP
refused eg-supd $T/super.conf engine parent IMSG_SUPD_MANAGE IMSG_SUPD_MANAGE
refused eg-supd $T/super.conf control engine IMSG_SUPD_DELETED \
    IMSG_SUPD_DELETED
refused eg-supd $T/super.conf route control 77777 '\?'
refused eg-supd $T/super.conf engine control IMSG_CTL_RESULT IMSG_CTL_RESULT
refused eg-supd $T/super.conf control parent IMSG_SUPD_MANAGE:fd \
    IMSG_SUPD_MANAGE

tap_done
