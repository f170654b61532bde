#!/bin/sh
# The supernode's route process stalls while a member storms it with
# Pongs (issue 14, finding 7).  Edges 1 and 2 and eg-supd (node 4);
# p2pstorm in node 3 holds edge 3's key and, once its session with the
# supernode is up, sends Pongs of the link 1 -> 3 of ever new numbers as
# fast as it can (kind super).  Meanwhile eg-supd's route process is
# stopped (SIGSTOP): nothing drains what the engine and control send it.
#
# - The engine takes an edge's Pongs within its budget (twice its Ping
#   rate) and drops the rest by name; what it does send to route waits
#   in a queue whose samples are held newest per link above PROC_HIWAT:
#   the engine's VmRSS grows by at most RSS_MAX kB.
# - After SIGCONT route catches up: it computes again, the table still
#   routes 1 -> 2 directly, and a ping crosses the overlay.
# The figures (Pongs sent, dropped, VmRSS growth) go to diag.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
. "$TOP/regress/net/super.sh"
sp_need

STORM=$BUILD/regress/net/p2pstorm
[ -x "$STORM" ] || skip_all "p2pstorm not built"
SECS=10			# the storm
RSS_MAX=8192		# kB the engine may grow by meanwhile
SP_ALIVE=30		# the edges stay online while route is stopped

st_keys 3 && sp_keys || { echo "Bail out! wg genkey"; exit 1; }
netsim_start -n 4 || { echo "Bail out! netsim"; exit 1; }
st_noipv6 1 2 3
netsim link all all delay 5 >/dev/null ||
    { echo "Bail out! netsim link"; exit 1; }

sp_super_conf 4 "1 2 3"
sp_start_super
sp_wait_super
ok $? "eg-supd up"
for _i in 1 2; do
	sp_edge_conf $_i
	sp_start_edge $_i
done
st_wait 1 && st_wait 2
ok $? "edges 1 and 2 up"
sp_wait_peers 1 1 && sp_wait_nh 1 2 2 && sp_wait_nh 2 1 1
ok $? "edges 1 and 2 have a session and a table"

ENGINE=$(sp_child engine) && ROUTE=$(sp_child route)
ok $? "eg-supd's engine is $ENGINE, its route $ROUTE"
rss() { awk '/^VmRSS:/ { print $2 }' /proc/$ENGINE/status; }
sup_ctr() {	# sup_ctr FILE NAME: a counter or drop of show peers/links
	jq -r "(.Counters[\"$2\"] // .Dropped[\"$2\"] // 0)" "$1"
}
links() { "$EGCTL" -j -s $ST/sS.sock show links; }

links >$ST/links.a
st_show S >$ST/a.S
rss0=$(rss)
kill -STOP $ROUTE
on_exit "kill -CONT $ROUTE 2>/dev/null"
ns_exec 3 "$STORM" -k $ST/k3 -p "$(cat $ST/sp4)" -n 3 -s 1 -c 0 -i 0 \
    -d $SECS super "$(netsim_addr 4)" $SP_PORT >$ST/storm 2>&1
ok $? "p2pstorm stormed the supernode: $(cat $ST/storm)"
rss1=$(rss)
st_show S >$ST/b.S
sent=$(sed -n 's/^sent=\([0-9]*\).*/\1/p' $ST/storm)
budget=$(($(sup_ctr $ST/b.S "pong over the edge's budget") -
    $(sup_ctr $ST/a.S "pong over the edge's budget")))
held=$(sup_ctr $ST/b.S "samples held for route (queue over its mark)")
grew=$((rss1 - rss0))
diag "route stopped for $SECS s: $sent Pongs sent, $budget over the" \
    "edge's budget, $held held for route; engine VmRSS $rss0 -> $rss1 kB" \
    "(+$grew)"
ok $([ "${sent:-0}" -gt 1000 ] && [ "$budget" -gt $((sent / 2)) ]
    echo $?) "the Pongs beyond the edge's budget dropped by name ($budget of $sent)"
ok $([ "$grew" -le $RSS_MAX ]; echo $?) \
    "the engine's VmRSS grew by at most $RSS_MAX kB (+$grew)"

kill -CONT $ROUTE
comp0=$(sup_ctr $ST/links.a "route computations")
st_until 100 sh -c "'$EGCTL' -j -s $ST/sS.sock show links |
    jq -e '.Counters[\"route computations\"] > $comp0' >/dev/null"
ok $? "route computes again after SIGCONT"
sp_wait_nh 1 2 2 100 && sp_wait_nh 2 1 1 100
ok $? "the table still routes 1 -> 2 and 2 -> 1 directly"
st_ping 1 10.78.0.2
ok $? "a ping crosses the overlay from edge 1 to edge 2"
links >$ST/links.b
ok $(jq -e '.Links[] | select(.Src == 1 and .Dst == 3) | .Taken > 0' \
    $ST/links.b >/dev/null; echo $?) \
    "the member's link 1 -> 3 was measured, within its budget"
kill -0 "$(cat $ST/pidS)" 2>/dev/null
ok $? "eg-supd still runs"
tap_done
