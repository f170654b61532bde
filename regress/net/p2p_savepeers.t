#!/bin/sh
# P2P mode's SaveNewPeers, and P2P mode's keys on a reload.  Three
# public nodes: 2 lists 1 and 3, which list only 2.  With SaveNewPeers,
# 1 and 3 learn each other through 2 and write the other into their
# files, after their own peers; with 2 stopped, 3 restarted on its
# saved file reaches 1 at once, which it could not from its first file.
# Then reloads: a new SendPeerInterval is taken, P2P mode turned off
# falls back to the file's peers and table, and turned on again learns
# anew.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
st_need

st_keys 3 || { echo "Bail out! wg genkey"; exit 1; }
netsim_start -n 3 || { echo "Bail out! netsim"; exit 1; }
st_noipv6 1 2 3

p2p_conf() {	# p2p_conf I [SEND-PEER-INTERVAL [USE-P2P]]
	st_conf $1 "DynamicRoute:" "  SendPingInterval: 1" \
	    "  PeerAliveTimeout: 3" "  DupCheckTimeout: 2" \
	    "  AdditionalCost: 0" "  DampingFilterRadius: 0" \
	    "  SaveNewPeers: true" "  P2P:" "    UseP2P: ${3:-true}" \
	    "    SendPeerInterval: ${2:-2}" "    GraphRecalculateSetting:" \
	    "      JitterTolerance: 1" "      JitterToleranceMultiplier: 1.01" \
	    "      TimeoutCheckInterval: 0.5" "      RecalculateCoolDown: 0.5" \
	    -- "IType: tap" "Name: eg0" "MacAddrPrefix: 02:79:00:00" \
	    "IPv4CIDR: 10.79.0.0/24" "MTU: 1400"
}
for i in 1 3; do
	p2p_conf $i
	st_peer $i 2 "$(netsim_addr 2):3000" false
done
p2p_conf 2
st_peer 2 1 "$(netsim_addr 1):3000" false
st_peer 2 3 "$(netsim_addr 3):3000" false
for i in 1 2 3; do
	cp $ST/n$i.conf $ST/first$i.conf
	st_start $i
done
st_wait 1 && st_wait 2 && st_wait 3
ok $? "three edges up in P2P mode"

# saved I J: node I's file lists J, with J's key, after its own peer 2.
saved() {
	_n=100
	while [ $_n -gt 0 ]; do
		awk '/^- NodeID:/ { print $3 }' $ST/n$1.conf |
		    tr '\n' ' ' | grep -qx "2 $2 " &&
		    grep -q "PubKey: $(cat $ST/p$2)" $ST/n$1.conf && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
saved 1 3
ok $? "node 1 wrote peer 3, learned from 2, into its file after peer 2"
saved 3 1
ok $? "node 3 wrote peer 1 into its file"
ok $(grep -q "SaveNewPeers: 2 peers written to $ST/n3.conf" $ST/log3; echo $?) \
    "node 3 says so in its log"
ok $([ "$(stat -c %a $ST/n3.conf)" = 600 ] &&
    grep -q "PrivKey: $(cat $ST/k3)" $ST/n3.conf; echo $?) \
    "the file keeps its mode 0600 and its private key"
ok $(grep -A3 "NodeID: 1$" $ST/n3.conf | grep -q "EndPoint: .*$(netsim_addr 1):3000"
    echo $?) "with the endpoint node 1 was learned at"
st_ping 3 10.79.0.1 20
ok $? "ping 3 -> 1"

st_stop 2
st_stop 3
st_start 3
st_wait 3
_n=100
until [ "$(st_show 3 | jq '[.Peers[] | select(.NodeID == 1 and
    .LastHandshake != null)] | length')" = 1 ] || [ $_n -eq 0 ]; do
	sleep 0.1
	_n=$((_n - 1))
done
ok $([ $_n -gt 0 ]; echo $?) \
    "node 2 gone, node 3 restarted on its saved file has a session with 1"
st_ping 3 10.79.0.1 20
ok $? "ping 3 -> 1 without node 2"
st_show 3 >$ST/p3
ok $([ "$(jq '[.Peers[] | select(.NodeID == 1) | .LearnedFrom] | .[0]' \
    $ST/p3)" = null ]; echo $?) "peer 1 is now one of the file's own"

# Reloads: P2P mode's keys take effect without a restart.
sed -i 's/^    SendPeerInterval: 2$/    SendPeerInterval: 7/' $ST/n1.conf
st_reload 1 >$ST/reload1 2>&1
ok $? "a reload of node 1 with a new SendPeerInterval is taken"
sed -i 's/^    UseP2P: true$/    UseP2P: false/' $ST/n1.conf
st_reload 1 >$ST/reload1 2>&1
ok $(st_wait_line $ST/log1 "engine: P2P mode off: the peers learned are forgotten"
    echo $?) "a reload turns P2P mode off"
"$EGCTL" -s $ST/s1.sock show links >$ST/links1 2>&1
ok $(grep -q "egd measures no links out of P2P mode" $ST/links1; echo $?) \
    "route has no links to show"
sed -i 's/^    UseP2P: false$/    UseP2P: true/' $ST/n1.conf
st_reload 1 >$ST/reload1 2>&1
ok $(st_wait_line $ST/log1 "engine: P2P mode: a reload turned it on"
    echo $?) "and on again"
st_ping 1 10.79.0.3 20
ok $? "ping 1 -> 3"

for i in 1 3; do
	why=$(st_healthy $i)
	ok $? "node $i: still running, no fatal error in its log ($why)"
done
for i in 1 3; do
	st_stop $i
done
netsim_stop
ok $? "nothing left behind"
tap_done
