#!/bin/sh
# The super-mode seed's AdditionalCost example: A -> C takes 4 ms
# directly and 3 ms through B.  With AdditionalCost 10 on every node
# the direct path wins (14 against 23); with 0 the relayed one does.
# Edges 1, 2, 3 are A, B, C; the supernode runs in node 4 and takes
# the new costs on a reload.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
. "$TOP/regress/net/super.sh"
sp_need

st_keys 3 && sp_keys || { echo "Bail out! wg genkey"; exit 1; }
netsim_start -n 4 || { echo "Bail out! netsim"; exit 1; }
st_noipv6 1 2 3
netsim link 1 2 delay 1 >/dev/null && netsim link 2 3 delay 2 >/dev/null &&
    netsim link 1 3 delay 4 >/dev/null || { echo "Bail out! netsim"; exit 1; }

# The relayed path wins by 1 ms only: a median of 5 keeps a loaded
# machine's latency spikes out of the table.
SP_RADIUS=2
SP_AC_1=10 SP_AC_2=10 SP_AC_3=10
sp_super_conf 4 "1 2 3"
sp_start_super
sp_wait_super
ok $? "eg-supd up, AdditionalCost 10 on every edge"
for _i in 1 2 3; do
	sp_edge_conf $_i
	sp_start_edge $_i
done
st_wait 1 && st_wait 2 && st_wait 3
ok $? "three edges up"

# sp_wait_table ROWS...: until the supernode's table has every "SRC DST
# HOP" given and all six links are measured.
sp_wait_table() {
	_n=300
	while [ $_n -gt 0 ]; do
		if sp_state >$ST/state 2>/dev/null &&
		    [ "$(jq '[.Edges[] | length] | add' $ST/state)" = 6 ]; then
			_miss=
			for _r in "$@"; do
				set -- $_r
				[ "$(sp_nh $ST/state $1 $2)" = $3 ] || _miss=1
			done
			[ -z "$_miss" ] && return 0
		fi
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
sp_wait_table "1 3 3" "3 1 1"
ok $? "AdditionalCost 10: A -> C and C -> A go directly"
_e=$(jq '.Edges["1"]["3"]' $ST/state)
_nh=$(jq '.Edges_Nh["1"]["3"]' $ST/state)
ok $(awk -v e="$_e" -v n="$_nh" 'BEGIN { d = n - e - 0.010;
    exit !(d > -0.0005 && d < 0.0005) }'; echo $?) \
    "Edges_Nh is Edges plus 10 ms (A -> C: $_e s, $_nh s)"
_d=$(jq '.Dist["1"]["3"]' $ST/state)
_dn=$(jq '.Dist_noAC["1"]["3"]' $ST/state)
ok $(awk -v d="$_d" -v n="$_dn" -v e="$_e" 'BEGIN {
    exit !(d - n > 0.0095 && d - n < 0.0105 && n - e > -0.0005 &&
    n - e < 0.0005) }'; echo $?) \
    "A -> C costs $_d s with AdditionalCost, $_dn s without: the link's latency plus 10 ms"
sp_wait_hop 1 3 3
ok $? "egctl on A: C's next hop is C"

st_show 1 >$ST/a1
ns_exec 1 ping -n -q -c 50 -i 0.02 -W 2 10.78.0.3 >$ST/ping.out 2>&1
rx=$(st_received $ST/ping.out)
ok $([ $rx -eq 50 ]; echo $?) "50 pings A -> C, lossless links: $rx answered"
st_show 1 >$ST/b1
delta() {	# delta PEER FIELD: the growth of a counter on edge 1
	echo $(($(st_pf $ST/b1 $1 $2) - $(st_pf $ST/a1 $1 $2)))
}
ok $([ $(delta 3 TxPackets) -ge 50 ] && [ $(delta 2 TxPackets) -lt 15 ]
    echo $?) "A sends to C: $(delta 3 TxPackets), to B: $(delta 2 TxPackets)"

SP_AC_1=0 SP_AC_2=0 SP_AC_3=0
sp_super_conf 4 "1 2 3"
timeout 10 "$EGCTL" -s $ST/sS.sock reload >/dev/null
ok $? "reload eg-supd with AdditionalCost 0"
sp_wait_table "1 3 2" "3 1 2"
ok $? "AdditionalCost 0: A -> C and C -> A go through B"
diag "one-way delays measured (ms): $(jq -r '[.Edges | to_entries[] |
    .key as $s | .value | to_entries[] |
    "\($s)->\(.key) \(.value * 100000 | round / 100)"] | join(", ")' \
    $ST/state)"
# The sum of the two links, less than the direct one: however loaded
# the machine, the table must follow the measurements.
_d=$(jq '.Dist["1"]["3"]' $ST/state)
_ab=$(jq '.Edges["1"]["2"] + .Edges["2"]["3"]' $ST/state)
_e=$(jq '.Edges["1"]["3"]' $ST/state)
ok $(awk -v d="$_d" -v ab="$_ab" -v e="$_e" 'BEGIN {
    exit !(d - ab > -0.0005 && d - ab < 0.0005 && d < e) }'; echo $?) \
    "A -> C costs $_d s: A -> B -> C, less than A -> C's $_e s"
sp_wait_hop 1 3 2
ok $? "egctl on A: C's next hop is B"

st_show 1 >$ST/a1
ns_exec 1 ping -n -q -c 50 -i 0.02 -W 2 10.78.0.3 >$ST/ping.out 2>&1
rx=$(st_received $ST/ping.out)
ok $([ $rx -eq 50 ]; echo $?) "50 pings A -> C, lossless links: $rx answered"
st_show 1 >$ST/b1
ok $([ $(delta 2 TxPackets) -ge 50 ] && [ $(delta 3 TxPackets) -lt 15 ]
    echo $?) "A sends to B: $(delta 2 TxPackets), to C: $(delta 3 TxPackets)"

for _i in 1 2 3 S; do
	why=$(st_healthy $_i)
	ok $? "daemon $_i: still running, no fatal error in its log ($why)"
	st_stop $_i
done
netsim_stop
ok $? "nothing left behind"
tap_done
