#!/bin/sh
# The supernode's HTTP APIs under abuse, with real daemons: eg-supd in
# node 3, edge 1 in node 1, an attacker in node 2.
#  - By default the Manage API answers loopback only, takes plain
#    passwords there, and signed requests (egctl manage); peer/del by
#    PrivKey is off.  With ManageAPI.AllowFrom, another host may call,
#    signed only unless PlainPasswords says otherwise.
#  - 3000 password guesses from node 2: ten are checked, the rest get
#    429 unchecked, the right password from there too; node 1 and the
#    supernode's own host still get in.  Logged.
#  - 256 slow connections from node 2, a byte every 2 s: 240 closed at
#    once, 16 at the 10 s deadline; meanwhile node 1's EdgeAPI requests
#    and the Manage API on the supernode are answered at once, and edge
#    1's reports keep going through.
# Figures (checked guesses, latencies) are printed with diag.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
. "$TOP/regress/net/super.sh"
sp_need
ABUSE=$BUILD/regress/net/httpabuse
[ -x "$ABUSE" ] || skip_all "run make first ($ABUSE missing)"

st_keys 1 && sp_keys || { echo "Bail out! wg genkey"; exit 1; }
netsim_start -n 3 || { echo "Bail out! netsim"; exit 1; }
st_noipv6 1

SP_MANAGE_FROM=-		# the defaults first
sp_super_conf 3 "1"
sp_edge_conf 1
SA=$(netsim_addr 3)
LOCAL=http://127.0.0.1:$SP_PORT$SP_PREFIX/manage
REMOTE=$(sp_url /manage)

# code NODE ARGS...: curl from NODE, the status code only.
code() {
	_n=$1
	shift
	ns_exec "$_n" curl -s -m 20 -o $ST/body -w '%{http_code}' "$@"
}
# signed NODE PASSWORD URL [NAME=VALUE...]: egctl manage from NODE.
signed() {
	_n=$1 _pw=$2
	shift 2
	echo "$_pw" | ns_exec "$_n" "$EGCTL" manage "$@" >$ST/body 2>$ST/err
}
# reconf ALLOWFROM PLAIN: the supernode's config again, reloaded.
reconf() {
	SP_MANAGE_FROM=$1 SP_PLAIN=$2
	sp_super_conf 3 "1"
	st_reload S
}

sp_start_super
st_wait S && _n=50 && while [ $_n -gt 0 ] &&
    [ "$(code 3 -H "X-EG-Password: $SP_PW" "$LOCAL/super/state")" != 200 ]; do
	sleep 0.1
	_n=$((_n - 1))
done
ok $([ $_n -gt 0 ]; echo $?) "eg-supd up; its Manage API answers its own host"
sp_start_edge 1
st_wait 1
ok $? "edge 1 up"

st=$(code 1 -H "X-EG-Password: $SP_PW" "$REMOTE/super/state")
ok $([ "$st" = 403 ] && grep -q AllowFrom $ST/body; echo $?) \
    "by default, not from another host: $st $(cat $ST/body)"
signed 3 "$SP_PW" "$LOCAL/super/state"
ok $([ $? -eq 0 ] && jq -e .PeerInfo $ST/body >/dev/null; echo $?) \
    "egctl manage, signed, on the supernode's host"
st=$(code 3 "$LOCAL/peer/del?PrivKey=$(jq -rn --arg v "$(cat $ST/k1)" \
    '$v | @uri')")
ok $([ "$st" = 403 ] && grep -q DelPeerByPrivKey $ST/body; echo $?) \
    "peer/del by PrivKey is off by default: $st"

reconf "$(netsim_addr 1)" loopback
ok $? "reload: ManageAPI.AllowFrom node 1"
st=$(code 1 -H "X-EG-Password: $SP_PW" "$REMOTE/super/state")
ok $([ "$st" = 401 ] && grep -q "not taken in clear" $ST/body; echo $?) \
    "node 1, a plain password: $st $(cat $ST/body)"
signed 1 "$SP_PW" "$REMOTE/super/state"
ok $? "node 1, signed: taken $(cat $ST/err)"

# Slow connections from node 2, which may not manage: EdgeAPI budget.
nbad0=$(grep -c "EdgeAPI nodeinfo:" $ST/log1)
ns_exec 2 "$ABUSE" slow -n 256 -i 2 -t 16 "$SA" $SP_PORT >$ST/slow &
SLOW=$!
on_exit "kill $SLOW"
sleep 3
t_edge=$(ns_exec 1 curl -s -o /dev/null -m 30 -w '%{http_code} %{time_total}' \
    "$(sp_url /edge/post/nodeinfo?NodeID=1)" -d '{}')
t_man=$(ns_exec 3 curl -s -o /dev/null -m 30 -w '%{http_code} %{time_total}' \
    -H "X-EG-Password: $SP_PW" "$LOCAL/super/state")
ok $(echo "$t_edge $t_man" | awk '{ exit !($1 == 401 && $2 < 2 &&
    $3 == 200 && $4 < 2) }'; echo $?) \
    "meanwhile node 1's EdgeAPI request ($t_edge s) and the Manage API on the supernode ($t_man s) are answered"
diag "with 256 slow connections: EdgeAPI from node 1 answered $t_edge s, Manage API on the supernode $t_man s"
wait $SLOW
out=$(cat $ST/slow)
early=$(echo "$out" | sed -n 's/.*early=\([0-9]*\).*/\1/p')
closed=$(echo "$out" | sed -n 's/.*closed=\([0-9]*\).*/\1/p')
open=$(echo "$out" | sed -n 's/.* open=\([0-9]*\).*/\1/p')
life=$(echo "$out" | sed -n 's/.*maxlife=\([0-9.]*\).*/\1/p')
ok $([ "${early:-0}" = 240 ] && [ "${closed:-0}" = 16 ] &&
    [ "${open:-1}" = 0 ] && echo "$life" | awk '{ exit !($1 >= 9 &&
    $1 <= 13) }'; echo $?) \
    "256 slow connections: $early closed at once, $closed at the deadline (after $life s), $open left"
diag "slow connections from node 2 (httpabuse slow -n 256 -i 2 -t 16): $out"
"$EGCTL" -j -s $ST/sS.sock show links >$ST/links
ncap=$(jq '.Dropped["HTTP connection over its source'"'"'s cap"]' $ST/links)
nlate=$(jq '.Dropped["HTTP request not whole in time"]' $ST/links)
ok $([ "${ncap:-0}" -ge 240 ] && [ "${nlate:-0}" -ge 16 ]; echo $?) \
    "egctl show links counts them: $ncap over the source's cap, $nlate late"
nbad=$(($(grep -c "EdgeAPI nodeinfo:" $ST/log1) - nbad0))
ok $([ "$nbad" = 0 ]; echo $?) "edge 1's reports went through: $nbad failed"

# Guessing, from a host allowed to call with plain passwords.
reconf "$(netsim_addr 1), $(netsim_addr 2)" all
ok $? "reload: AllowFrom nodes 1 and 2, PlainPasswords all"
out=$(ns_exec 2 "$ABUSE" guess -n 3000 -t 60 "$SA" $SP_PORT \
    "$SP_PREFIX/manage/super/state")
s401=$(echo "$out" | sed -n 's/.*s401=\([0-9]*\).*/\1/p')
s429=$(echo "$out" | sed -n 's/.*s429=\([0-9]*\).*/\1/p')
ok $([ "${s401:-0}" = 10 ] && [ "${s429:-0}" = 2990 ]; echo $?) \
    "3000 wrong passwords from node 2: $s401 checked, $s429 got 429"
diag "guessing from node 2 (httpabuse guess -n 3000): $out"
st=$(code 2 -H "X-EG-Password: $SP_PW" "$REMOTE/super/state")
ok $([ "$st" = 429 ]; echo $?) "the right one from node 2: $st $(cat $ST/body)"
st=$(code 1 -H "X-EG-Password: $SP_PW" "$REMOTE/super/state")
st3=$(code 3 -H "X-EG-Password: $SP_PW" "$LOCAL/super/state")
ok $([ "$st" = 200 ] && [ "$st3" = 200 ]; echo $?) \
    "node 1 and the supernode's host still get in: $st, $st3"
ok $(grep -q "$(netsim_addr 2): 10 failed Manage API authentications" \
    $ST/logS; echo $?) "logged: $(grep -m 1 'failed Manage API' $ST/logS)"

for i in S 1; do
	why=$(st_healthy $i)
	ok $? "log $i: no fatal error, no death ($why)"
done
if [ -n "$TEST_VERBOSE" ]; then
	diag "$(cat $ST/logS)"
fi
netsim_stop
ok $? "nothing left behind"
tap_done
