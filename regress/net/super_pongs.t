#!/bin/sh
# A Pong counts once.  Edges 1 and 2 and the supernode (node 3): every
# Pong of edge 2 about the link 1 -> 2 reaches eg-supd over UDP and again
# in edge 2's EdgeAPI report (HttpPostInterval 3 s, so a report carries
# several).  After edge 1 has sent its Pings and stopped, the route
# engine must have taken exactly as many samples of 1 -> 2 as edge 2
# made Pongs (it logs each one, LogControl), and counted the other copy
# of about each as a duplicate; egctl show links shows the counts, and
# the totals match.  egd refuses show links.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
. "$TOP/regress/net/super.sh"
sp_need

N=8			# Pongs of 1 -> 2 taken before edge 1 stops
SP_POST=3
SP_ALIVE=30		# links outlive the wait below

st_keys 2 && sp_keys || { echo "Bail out! wg genkey"; exit 1; }
netsim_start -n 3 || { echo "Bail out! netsim"; exit 1; }
st_noipv6 1 2

sp_super_conf 3 "1 2"
sp_edge_conf 1
sp_edge_conf 2
sed -i 's/^  LogLevel: error$/  LogLevel: error\n  LogControl: true/' $ST/n2.conf
sp_start_super
sp_wait_super
ok $? "eg-supd up"
sp_start_edge 1
sp_start_edge 2
st_wait 1 && st_wait 2
ok $? "edges up"

# links: the supernode's egctl -j show links, in $ST/links.
links() {
	"$EGCTL" -j -s $ST/sS.sock show links >$ST/links 2>$ST/links.err
}
# link12 FIELD: FIELD of the link 1 -> 2 in $ST/links (null if absent).
link12() {
	jq ".Links[] | select(.Src == 1 and .Dst == 2) | .$1" $ST/links
}
pongs() {	# the Pongs edge 2 made for Pings from edge 1
	grep -c "Ping from 1:" $ST/log2
}

_n=300
until links && [ "$(link12 Taken)" -ge $N ] 2>/dev/null ||
    [ $_n -eq 0 ]; do
	sleep 0.1
	_n=$((_n - 1))
done
ok $([ "$(link12 Taken)" -ge $N ] 2>/dev/null; echo $?) \
    "the supernode took $N samples of 1 -> 2"
st_stop 1

# Until each Pong made has come both ways (15 s: the report lags).
_n=150
while :; do
	links
	_p=$(pongs)
	_t=$(link12 Taken)
	_d=$(link12 Duplicate)
	_s=$(link12 Stale)
	[ "$_t" = "$_p" ] && [ $((_t + _d + _s)) -eq $((2 * _p)) ] && break
	[ $_n -eq 0 ] && break
	sleep 0.1
	_n=$((_n - 1))
done
diag "edge 2 made $_p Pongs of 1 -> 2; taken $_t, duplicate $_d, stale $_s"
ok $([ "$_p" -ge $N ] && [ "$_t" = "$_p" ]; echo $?) \
    "samples taken of 1 -> 2 = Pongs edge 2 made ($_t = $_p)"
ok $([ "$_d" -ge $((_p - 2)) ] && [ "$_d" -le "$_p" ] &&
    [ "$_s" -le 2 ]; echo $?) \
    "the other copies are duplicates: $_d of $_p (stale $_s)"
ok $(jq -e '(.Counters["samples taken"] == ([.Links[].Taken] | add)) and
    (.Dropped["sample taken already (duplicate)"] ==
    ([.Links[].Duplicate] | add)) and
    (.Dropped["sample older than the link'"'"'s (stale)"] ==
    ([.Links[].Stale] | add))' $ST/links >/dev/null; echo $?) \
    "the totals are the sums over the links"
ok $([ "$(link12 Seq)" -ge 1 ] 2>/dev/null &&
    jq -e '.Links[] | select(.Src == 1 and .Dst == 2) | .LatencyMs != null
    and .AgeS >= 0 and .ExpiresS > 0' $ST/links >/dev/null; echo $?) \
    "1 -> 2 shows its latency, sample age, expiry and Ping number"

"$EGCTL" -s $ST/sS.sock show links >$ST/links.txt
ok $([ $? -eq 0 ] && head -1 $ST/links.txt | grep -q '^SRC .*DUPLICATE' &&
    grep -Eq "^1 +2 +[-0-9.]+ ms .* $_t +$_d +$_s\$" $ST/links.txt
    echo $?) "egctl show links: a line per link with its counts"
"$EGCTL" -s $ST/s2.sock show links >/dev/null 2>$ST/err
ok $([ $? -eq 1 ] && grep -q "ask eg-supd" $ST/err; echo $?) \
    "egd refuses show links ($(cat $ST/err))"

st_stop 2
sp_stop_super
tap_done
