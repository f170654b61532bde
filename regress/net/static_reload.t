#!/bin/sh
# Reload in static mode is all or nothing, and egctl reload's answer is
# the truth.  Two nodes; pings cross the overlay during every reload that
# applies, and every one is answered.
#
# - A peer's EndPoint changed: node 1 sends to the new address at once
#   (egctl shows it), and traffic flows once the old one is gone.
# - A timer changed (PersistentKeepalive 0 -> 1): egctl shows it and the
#   keepalives go out on an idle link.
# - A restart key changed (ListenPort), with a live change next to it:
#   refused by name, nothing changed; SIGHUP the same, in the log.
# - A child cannot apply it: control cannot enter super mode once it
#   gave up network access (UseSuperNode on), and with the test hook
#   EG_TEST_RECONF_REFUSE the engine refuses; either way the reload fails
#   with the child's reason, and the engine, the route engine and control
#   all keep the old config (egctl show peers, show routes, the mode).
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
st_need

st_keys 2 || { echo "Bail out! wg genkey"; exit 1; }
netsim_start pub pub || { echo "Bail out! netsim"; exit 1; }
st_noipv6 1 2

# conf I EP KEEPALIVE [TOP-LEVEL-LINE...]: node I with its one peer at
# EP; the next-hop table names node 3 too, so that a change shows.
conf() {
	_i=$1 _ep=$2 _ka=$3
	shift 3
	st_conf $_i "$@" -- "IType: tap" "Name: eg0" \
	    "MacAddrPrefix: 02:77:00:00" "IPv4CIDR: 10.77.0.0/24" "MTU: 1400"
	st_peer $_i $((3 - _i)) "$_ep" true
	echo "  PersistentKeepalive: $_ka" >>$ST/n$_i.conf
	st_nht $_i "1 2:2 3:${NH3:-2}" "2 1:1"
}

# reload I: egctl reload of node I; its answer in $ST/answer, its
# status returned.
reload() {
	timeout 10 "$EGCTL" -s $ST/s$1.sock reload >$ST/answer 2>&1
}

# ping_bg I ADDR N: N pings 0.1 s apart in the background; ping_count
# waits for them and sets n to how many were answered.
ping_bg() {
	ns_exec "$1" ping -n -q -c "$3" -i 0.1 -W 2 "$2" >$ST/ping.out 2>&1 &
	PING_PID=$!
}
ping_count() {
	wait $PING_PID
	n=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' $ST/ping.out)
}

# log_count I TEXT: lines of node I's log holding TEXT; wait_log I
# TEXT N: until there are more than N of them (5 s).
log_count() { grep -cF -- "$2" $ST/log$1; }
wait_log() {
	_t=50
	while [ "$(log_count $1 "$2")" -le "$3" ] && [ $_t -gt 0 ]; do
		sleep 0.1
		_t=$((_t - 1))
	done
	[ $_t -gt 0 ]
}

routes() {	# routes I: egctl show routes all of node I
	timeout 10 "$EGCTL" -s $ST/s$1.sock show routes all
}

conf 1 10.99.0.2:3000 0
conf 2 10.99.0.1:3000 0
st_start 1
st_start 2 EG_TEST_RECONF_REFUSE=engine
st_wait 1 && st_wait 2
ok $? "both daemons up"
st_ping 1 10.77.0.2
ok $? "ping 1 -> 2"

# ---- a peer's endpoint ----------------------------------------------

# Node 2 gets a second address, and sends to node 1 from it.
ns_exec 2 ip addr add 10.99.0.102/32 dev eth0 &&
ns_exec 2 ip route add 10.99.0.1/32 dev eth0 src 10.99.0.102
ok $? "node 2 also has 10.99.0.102"
conf 1 10.99.0.102:3000 0
ping_bg 1 10.77.0.2 30
sleep 1
reload 1
ok $? "reload with peer 2 at 10.99.0.102: $(cat $ST/answer)"
ok $([ "$(cat $ST/answer)" = "config reloaded" ]; echo $?) \
    "egctl says: config reloaded"
st_show 1 >$ST/s.1
ok $([ "$(st_pf $ST/s.1 2 EndPoint)" = 10.99.0.102:3000 ]; echo $?) \
    "egctl shows the new endpoint ($(st_pf $ST/s.1 2 EndPoint))"
ping_count
ok $([ "$n" = 30 ]; echo $?) "pings across the reload: $n of 30 answered"
ns_exec 2 ip addr del 10.99.0.2/24 dev eth0
ok $? "node 2 gives up 10.99.0.2"
ping_bg 1 10.77.0.2 10
ping_count
ok $([ "$n" = 10 ]; echo $?) \
    "pings to the new endpoint only: $n of 10 answered"

# ---- a timer ----------------------------------------------------------

conf 1 10.99.0.102:3000 1
ping_bg 1 10.77.0.2 30
sleep 1
reload 1
ok $? "reload with PersistentKeepalive 1: $(cat $ST/answer)"
ping_count
ok $([ "$n" = 30 ]; echo $?) "pings across the reload: $n of 30 answered"
st_show 1 >$ST/s.2
ok $([ "$(st_pf $ST/s.2 2 PersistentKeepalive)" = 1 ]; echo $?) \
    "egctl shows PersistentKeepalive $(st_pf $ST/s.2 2 PersistentKeepalive)"
# Nothing else is sent now: only keepalives make TxPackets grow.
tx0=$(st_tx $ST/s.2 2)
t=100
while [ $t -gt 0 ]; do
	st_show 1 >$ST/s.3
	[ "$(st_tx $ST/s.3 2)" -ge $((tx0 + 3)) ] && break
	sleep 0.1
	t=$((t - 1))
done
ok $([ $t -gt 0 ]; echo $?) \
    "keepalives on the idle link: TxPackets $tx0 -> $(st_tx $ST/s.3 2)"

# ---- a restart key ----------------------------------------------------

routes 1 >$ST/r.0
cp $ST/n1.conf $ST/n1.good
NH3=1
conf 1 10.99.0.102:3000 5 "ListenPort: 3001"
# st_conf wrote ListenPort 3000 before the extra line: drop that one.
sed -i '0,/^ListenPort: 3000$/{/^ListenPort: 3000$/d}' $ST/n1.conf
reload 1
rc=$?
ok $([ $rc = 1 ] && grep -q "^egctl: ListenPort changed: restart egd" \
    $ST/answer; echo $?) "ListenPort refused by name: $(cat $ST/answer)"
st_show 1 >$ST/s.4
routes 1 >$ST/r.1
ok $([ "$(st_pf $ST/s.4 2 PersistentKeepalive)" = 1 ] &&
    cmp -s $ST/r.0 $ST/r.1; echo $?) \
    "the keepalive and the next-hop table next to it did not change"
REFUSED="reload: ListenPort changed: restart egd to apply it; config not reloaded (the running one stays)"
c=$(log_count 1 "$REFUSED")
kill -HUP $(cat $ST/pid1)
wait_log 1 "$REFUSED" $c
ok $? "SIGHUP: the same refusal, in the log"
ping_bg 1 10.77.0.2 10
ping_count
ok $([ "$n" = 10 ]; echo $?) "the old config still runs: $n of 10 answered"

# ---- SIGHUP applies a live change -------------------------------------

conf 1 10.99.0.102:3000 2
c=$(log_count 1 "parent: config reloaded")
kill -HUP $(cat $ST/pid1)
wait_log 1 "parent: config reloaded" $c
ok $? "SIGHUP with PersistentKeepalive 2 and a new next hop: logged"
st_show 1 >$ST/s.5
routes 1 >$ST/r.2
ok $([ "$(st_pf $ST/s.5 2 PersistentKeepalive)" = 2 ] &&
    grep -Eq '^1 +3 +1 ' $ST/r.2; echo $?) \
    "egctl shows both: keepalive $(st_pf $ST/s.5 2 PersistentKeepalive), $(grep -E '^1 +3 ' $ST/r.2)"

# ---- one reload at a time ----------------------------------------------

# With the engine stopped, a reload waits for its answer; a second one
# meanwhile is refused, and the first ends once the engine goes on.
conf 1 10.99.0.102:3000 4
eng=$(st_engine 1)
c=$(log_count 1 "parent: reloading")
kill -STOP $eng
timeout 20 "$EGCTL" -s $ST/s1.sock reload >$ST/first 2>&1 &
first=$!
wait_log 1 "parent: reloading" $c
ok $? "a reload is under way, the engine stopped"
reload 1
ok $([ $? = 1 ] && [ "$(cat $ST/answer)" = "egctl: reload in progress: config not reloaded (the running one stays)" ]
    echo $?) "a second reload meanwhile: $(cat $ST/answer)"
ok $(! grep -q . $ST/first; echo $?) "the first one has no answer yet"
kill -CONT $eng
wait $first
rc=$?
ok $([ $rc = 0 ] && [ "$(cat $ST/first)" = "config reloaded" ]; echo $?) \
    "the first one ends when the engine goes on: $(cat $ST/first)"
st_show 1 >$ST/s.7
ok $([ "$(st_pf $ST/s.7 2 PersistentKeepalive)" = 4 ]; echo $?) \
    "and it applied (PersistentKeepalive $(st_pf $ST/s.7 2 PersistentKeepalive))"

# ---- a child refuses: control cannot enter super mode -----------------

routes 1 >$ST/r.3
NH3=2
conf 1 10.99.0.102:3000 7
cat >>$ST/n1.conf <<EOF
DynamicRoute:
  SuperNode:
    UseSuperNode: true
    EndpointV4: 10.99.0.9:3456
    PubKeyV4: $(cat $ST/p2)
    EndpointEdgeAPIUrl: http://10.99.0.9:3456/eg
EOF
reload 1
rc=$?
ok $([ $rc = 1 ] && grep -q "^egctl: control refused it: DynamicRoute.SuperNode.UseSuperNode: .*restart egd; config not reloaded (the running one stays)$" \
    $ST/answer; echo $?) "UseSuperNode on is refused by control: $(cat $ST/answer)"
st_show 1 >$ST/s.6
routes 1 >$ST/r.4
ok $([ "$(st_pf $ST/s.6 2 PersistentKeepalive)" = 4 ] &&
    [ "$(jq '[.Peers[] | select(.NodeID == 65533)] | length' $ST/s.6)" = 0 ] &&
    cmp -s $ST/r.3 $ST/r.4; echo $?) \
    "the engine kept the old config (keepalive 4, no supernode), and the route engine its table"
ping_bg 1 10.77.0.2 10
ping_count
ok $([ "$n" = 10 ]; echo $?) "static mode goes on: $n of 10 answered"

# ---- a child refuses: the engine, by the test hook ---------------------

routes 2 >$ST/r.5
st_show 2 >$ST/t.0
NH3=1
conf 2 10.99.0.1:3000 3
reload 2
rc=$?
ok $([ $rc = 1 ] && [ "$(cat $ST/answer)" = "egctl: engine refused it: EG_TEST_RECONF_REFUSE: refused on purpose; config not reloaded (the running one stays)" ]; echo $?) \
    "the engine refuses: $(cat $ST/answer)"
st_show 2 >$ST/t.1
routes 2 >$ST/r.6
ok $([ "$(st_pf $ST/t.1 1 PersistentKeepalive)" = 0 ] &&
    cmp -s $ST/r.5 $ST/r.6; echo $?) \
    "route and control staged it and dropped it: table and keepalive as before"
ok $(grep -q "config refused: EG_TEST_RECONF_REFUSE" $ST/log2; echo $?) \
    "the engine logged why"
ping_bg 2 10.77.0.1 10
ping_count
ok $([ "$n" = 10 ]; echo $?) "node 2 forwards as before: $n of 10 answered"

for i in 1 2; do
	ok $(grep -q 'fatal\|killed by signal' $ST/log$i; [ $? -ne 0 ]; echo $?) \
	    "node $i: no fatal error in its log"
done
netsim_stop
ok $? "nothing left behind"
tap_done
