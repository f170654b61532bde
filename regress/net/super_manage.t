#!/bin/sh
# The supernode's Manage API (eg-supd(8), HTTP APIS), driven with curl
# from an edge's namespace.  eg-supd runs in node 4 with edges 1 and 2
# configured; edge 3 joins by peer/add, started with the configuration
# the call answers (from EdgeTemplate), without eg-supd being restarted.
# peer/update changes a route, super/update the edges' ping timer, and
# peer/del, by password and by the edge's own private key, stops the
# edge and takes it out of the config file and of the others' peers.
# Refused calls get a 4xx status with a one-line reason, change
# nothing, and the daemon keeps serving.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
. "$TOP/regress/net/super.sh"
sp_need
SP_DELBYKEY=true	# the seed's peer/del by an edge's own key

st_keys 3 && sp_keys || { echo "Bail out! wg genkey"; exit 1; }
wg genpsk >$ST/psk3 && wg genkey | wg pubkey >$ST/p9 &&
    wg genkey | wg pubkey >$ST/decoy ||
    { echo "Bail out! wg genkey"; exit 1; }
netsim_start -n 4 || { echo "Bail out! netsim"; exit 1; }
st_noipv6 1 2 3

# The template peer/add answers from: edge 1's config without its
# private key, with other supernode keys than the real ones (the answer
# must carry the real ones).
sp_super_conf 4 "1 2" "EdgeTemplate: $ST/template.yaml"
sp_edge_conf 1
sp_edge_conf 2
sed -e '/^PrivKey:/d' \
    -e "s|^\(    PubKeyV[46]:\) .*|\1 $(cat $ST/decoy)|" \
    $ST/n1.conf >$ST/template.yaml

M=$(sp_url /manage)
enc() { jq -rn --arg v "$1" '$v | @uri'; }

# mcurl ARGS...: curl from node 1; the body goes to $ST/body, the status
# code to standard output.
mcurl() {
	rm -f $ST/body
	ns_exec 1 curl -s -m 10 -o $ST/body -w '%{http_code}' "$@"
}

# expect WANT WORD ARGS...: one request; the status must be WANT and,
# for a refusal, the body one line of text naming WORD.  Failures are
# collected in $bad, for group_ok.
bad=
expect() {
	m_want=$1 m_word=$2
	shift 2
	m_got=$(mcurl "$@")
	if [ "$m_got" != "$m_want" ] || { [ "$m_want" -ge 400 ] &&
	    ! awk -v w="$m_word" 'NR == 1 && index($0, w) { f = 1 }
	    END { exit !(f && NR == 1) }' $ST/body; }; then
		bad="$bad [want $m_want, got $m_got: $(head -c 100 $ST/body |
		    tr '\n' ' ')]"
	fi
}
group_ok() {	# group_ok DESCRIPTION: one result for the expects since
	ok $([ -z "$bad" ]; echo $?) "$1"
	[ -n "$bad" ] && diag "failed:$bad"
	bad=
}

state() {	# state FILE: the state JSON, password in the header
	sp_state >"$1"
}

# A peer's field in egctl's view from edge I (null: not a peer).
pf() {	# pf I PEER FIELD
	st_show "$1" 2>/dev/null | jq -r "[.Peers[] | select(.NodeID == $2) |
	    .$3][0]"
}
edges_of() {	# edges_of I: the NodeIDs of the edges edge I has as peers
	st_show "$1" 2>/dev/null |
	    jq -c '[.Peers[].NodeID | select(. < 65533)] | sort'
}
# until_true TENTHS COMMAND...: polls COMMAND until it succeeds.
until_true() {
	m_n=$1
	shift
	while ! "$@" >/dev/null 2>&1; do
		m_n=$((m_n - 1))
		[ "$m_n" -gt 0 ] || return 1
		sleep 0.1
	done
}
hs() { [ "$(pf $1 $2 LastHandshake)" != null ]; }	# hs I J: a session
peers_are() { [ "$(edges_of $1)" = "$2" ]; }	# peers_are I '[1,3]'
gone() { ! kill -0 "$1" 2>/dev/null; }		# gone PID
in_state() {	# in_state JQ-CONDITION: on a fresh state
	state $ST/st && jq -e "$1" $ST/st
}
conf_ids() {	# the NodeIDs in eg-supd's config file
	awk '/^- NodeID:/ { printf "%s%s", s, $3; s = " " }' $ST/super.conf
}
# pings_in I J SECONDS: packets edge I sent to peer J in that time:
# its Pings, when nothing else crosses the overlay.
pings_in() {
	m_a=$(pf $1 $2 TxPackets)
	sleep $3
	echo $(($(pf $1 $2 TxPackets) - m_a))
}

sp_start_super
sp_wait_super
ok $? "eg-supd up, Manage API answering"
SPID=$(cat $ST/pidS)
sp_start_edge 1
sp_start_edge 2
st_wait 1 && st_wait 2 && until_true 200 hs 1 2
ok $? "edges 1 and 2 up, with a session between them"

# super/state: the seed's document, plus Dist_noAC.
until_true 100 in_state '.NhTable["1"]["2"] == 2 and .NhTable["2"]["1"] == 1'
ok $? "super/state: 1 and 2 route to each other"
jq -e 'keys == ["Dist", "Dist_noAC", "Edges", "Edges_Nh", "Infinity",
    "NhTable", "PeerInfo"] and .Infinity == 99999' $ST/st >/dev/null
ok $? "super/state: the seed's fields, Infinity 99999"
jq -e '.PeerInfo | type == "object" and keys == ["1", "2"] and
    all(.[]; keys == ["LastSeen", "Name"] and (.Name | type) == "string" and
    (.LastSeen | type) == "string") and .["1"].Name == "edge1" and
    .["2"].Name == "edge2"' $ST/st >/dev/null
ok $? "super/state: PeerInfo maps NodeID to Name and LastSeen"
D="super/state: Edges, Edges_Nh, Dist, Dist_noAC, NhTable map NodeID"
jq -e '([.Edges, .Edges_Nh, .Dist, .Dist_noAC, .NhTable] | all(.[];
    type == "object" and all(keys[]; test("^[0-9]+$")) and
    all(.[]; type == "object" and all(keys[]; test("^[0-9]+$")) and
    all(.[]; type == "number")))) and
    all(.NhTable[][]; . == floor) and .Edges["1"]["2"] > 0 and
    .Dist["1"]["1"] == 0' $ST/st >/dev/null
ok $? "$D to NodeID to a number (an integer in NhTable)"

expect 200 "" -H "X-EG-Password: $SP_PW" "$M/super/state"
expect 200 "" "$M/super/state?Password=$SP_PW"
expect 401 Password "$M/super/state"
expect 401 Password -H "X-EG-Password: nope" "$M/super/state"
expect 401 Password "$M/super/state?Password=nope"
expect 401 Password -H "X-EG-Password: pw_add" "$M/super/state"
expect 405 GET -H "X-EG-Password: $SP_PW" -d "" "$M/super/state"
expect 400 Color "$M/super/state?Password=$SP_PW&Color=red"
expect 404 path -H "X-EG-Password: $SP_PW" "$M/super/status"
D="super/state: password in the header or the query;"
group_ok "$D 401, 405, 400, 404 otherwise"

# peer/add: edge 3 with a pre-shared key for the supernode and a cost.
ADD="NodeID=3&Name=edge3&PubKey=$(enc "$(cat $ST/p3)")"
ADD="$ADD&PSKey=$(enc "$(cat $ST/psk3)")&AdditionalCost=3&SkipLocalIP=false"
st=$(mcurl -H "X-EG-Password: pw_add" -d "$ADD" "$M/peer/add")
cp $ST/body $ST/answer
ok $([ "$st" = 200 ]; echo $?) "peer/add edge 3: $st"
# line FILE KEY VALUE: FILE has the line KEY: VALUE (VALUE maybe quoted).
line() {
	grep -qxF -e "$2: $3" -e "$2: \"$3\"" "$1"
}
D="the answer: the new edge's NodeID, name, cost, PSKey,"
line $ST/answer NodeID 3 && line $ST/answer NodeName edge3 &&
    line $ST/answer PrivKey "" &&
    line $ST/answer "  AdditionalCost" 3 &&
    line $ST/answer "    PSKey" "$(cat $ST/psk3)" &&
    line $ST/answer "    PubKeyV4" "$(cat $ST/sp4)" &&
    line $ST/answer "    PubKeyV6" "$(cat $ST/sp6)" &&
    line $ST/answer "    SkipLocalIP" false &&
    line $ST/answer Peers "[]"
ok $? "$D the supernode's real keys, no PrivKey, no peers"
line $ST/answer "  MacAddrPrefix" 02:78:00:00 &&
    line $ST/answer "  IPv4CIDR" 10.78.0.0/24 &&
    line $ST/answer "    EndpointV4" "$(netsim_addr 4):$SP_PORT" &&
    line $ST/answer "    EndpointEdgeAPIUrl" "$(sp_url "")" &&
    line $ST/answer "  SendPingInterval" "$SP_PING"
ok $? "the answer keeps the rest of EdgeTemplate"

# Edge 3 runs the answer with its private key filled in, nothing else.
sed "s|^PrivKey: \"\"\$|PrivKey: $(cat $ST/k3)|" $ST/answer >$ST/n3.conf
chmod 600 $ST/n3.conf
ndiff=$(diff $ST/answer $ST/n3.conf | grep -c '^[<>]')
"$EGD" -n -f $ST/n3.conf >/dev/null 2>$ST/n3.check
rc=$?
D="with PrivKey filled in, the answer is a valid egd config"
ok $([ $rc -eq 0 ] && [ "$ndiff" = 2 ]; echo $?) "$D ($ndiff lines differ)"

mode=$(stat -c %a $ST/super.conf)
ok $([ "$mode" = 600 ] && [ "$(conf_ids)" = "1 2 3" ] &&
    grep -qxF "  PubKey: $(cat $ST/p3)" $ST/super.conf &&
    "$EGSUPD" -n -f $ST/super.conf >/dev/null 2>&1; echo $?) \
    "super.conf now holds edge 3 ($(conf_ids)), mode $mode, and loads"

sp_start_edge 3
st_wait 3 && until_true 200 hs 3 1 && until_true 200 hs 3 2
ok $? "edge 3 joins: sessions with edges 1 and 2"
peers_are 1 '[2,3]' && peers_are 2 '[1,3]' && peers_are 3 '[1,2]'
ok $? "every edge has the other two as peers"
st_ping 1 10.78.0.3 && st_ping 3 10.78.0.2
ok $? "pings over the overlay: 1 -> 3, 3 -> 2"
ok $(kill -0 $SPID && [ "$(cat $ST/pidS)" = $SPID ] &&
    [ "$(grep -c 'parent: started' $ST/logS)" = 1 ]; echo $?) \
    "eg-supd was not restarted"
until_true 50 in_state '.PeerInfo["3"].Name == "edge3"'
ok $? "super/state: PeerInfo has edge 3"

# Taken: 409, whichever of NodeID, Name or PubKey it is.
CK1=$(cksum <$ST/super.conf)
P9=$(enc "$(cat $ST/p9)")
P1=$(enc "$(cat $ST/p1)")
expect 409 NodeID -H "X-EG-Password: pw_add" \
    -d "NodeID=1&Name=edge9&PubKey=$P9&AdditionalCost=0" "$M/peer/add"
expect 409 Name -H "X-EG-Password: pw_add" \
    -d "NodeID=9&Name=edge2&PubKey=$P9&AdditionalCost=0" "$M/peer/add"
expect 409 PubKey -H "X-EG-Password: pw_add" \
    -d "NodeID=9&Name=edge9&PubKey=$P1&AdditionalCost=0" "$M/peer/add"
group_ok "peer/add: 409 for a NodeID, a Name or a PubKey in use"

# Refusals of malformed or unauthorised requests, one line each.
A="NodeID=9&Name=edge9&PubKey=$P9"
H="X-EG-Password: pw_add"
expect 401 Password -d "$A&AdditionalCost=0" "$M/peer/add"
expect 401 Password -H "X-EG-Password: pw_del" -d "$A&AdditionalCost=0" \
    "$M/peer/add"
expect 401 Password -d "$A&AdditionalCost=0&Password=pw_add" "$M/peer/add"
expect 400 Password -H "$H" -d "$A&AdditionalCost=0&Password=pw_add" \
    "$M/peer/add"
expect 405 POST -H "$H" "$M/peer/add?$A&AdditionalCost=0"
expect 400 Name -H "$H" -d "NodeID=9&PubKey=$P9&AdditionalCost=0" \
    "$M/peer/add"
N64=$(printf %64s | tr ' ' n)
expect 400 Name -H "$H" \
    -d "NodeID=9&Name=$N64&PubKey=$P9&AdditionalCost=0" "$M/peer/add"
expect 400 AdditionalCost -H "$H" -d "$A" "$M/peer/add"
expect 400 AdditionalCost -H "$H" -d "$A&AdditionalCost=-2" "$M/peer/add"
expect 400 AdditionalCost -H "$H" -d "$A&AdditionalCost=ten" "$M/peer/add"
expect 400 NodeID -H "$H" \
    -d "NodeID=65535&Name=edge9&PubKey=$P9&AdditionalCost=0" "$M/peer/add"
expect 400 PubKey -H "$H" -d "NodeID=9&Name=edge9&PubKey=abc&AdditionalCost=0" \
    "$M/peer/add"
expect 400 PSKey -H "$H" -d "$A&PSKey=abc&AdditionalCost=0" "$M/peer/add"
expect 400 SkipLocalIP -H "$H" -d "$A&AdditionalCost=0&SkipLocalIP=maybe" \
    "$M/peer/add"
expect 400 Color -H "$H" -d "$A&AdditionalCost=0&Color=red" "$M/peer/add"
expect 400 twice -H "$H" -d "$A&AdditionalCost=0&AdditionalCost=1" \
    "$M/peer/add"
expect 400 both -H "$H" -d "$A&AdditionalCost=0" "$M/peer/add?NodeID=9"
expect 400 escape -H "$H" -d "$A&AdditionalCost=%zz" "$M/peer/add"
expect 400 escape -H "$H" -d "$A&Name=a%00b&AdditionalCost=0" "$M/peer/add"
expect 400 parameter -H "$H" -H "Content-Type: application/json" \
    -d '{"NodeID":9,"Name":"edge9","AdditionalCost":0}' "$M/peer/add"
D="peer/add: 401 for a wrong or missing password, 405 for GET, 400 for"
group_ok "$D missing, bad, unknown, repeated or malformed parameters"

head -c 70000 /dev/zero | tr '\0' a >$ST/big
# Refused by libevent before the API: its status and HTML page.
st=$(mcurl -H "$H" --data-binary @$ST/big "$M/peer/add")
st2=$(mcurl -X PUT -H "$H" -d "$A&AdditionalCost=0" "$M/peer/add")
ok $([ "$st" = 413 ] && [ "$st2" = 501 ]; echo $?) \
    "peer/add: a body over 64 KiB gets $st, a PUT $st2"

H="X-EG-Password: pw_upd"
expect 404 NodeID -H "$H" -d "AdditionalCost=1" "$M/peer/update?NodeID=9"
expect 400 NodeID -H "$H" -d "AdditionalCost=1" "$M/peer/update"
expect 400 AdditionalCost -H "$H" -d "AdditionalCost=-5" \
    "$M/peer/update?NodeID=2"
expect 400 Name -H "$H" -d "Name=x" "$M/peer/update?NodeID=2"
expect 401 Password -H "X-EG-Password: pw_super" -d "AdditionalCost=1" \
    "$M/peer/update?NodeID=2"
expect 405 POST -H "$H" "$M/peer/update?NodeID=2&AdditionalCost=1"
H="X-EG-Password: pw_super"
expect 400 SendPingInterval -H "$H" -d "SendPingInterval=$SP_ALIVE" \
    "$M/super/update"
expect 400 PeerAliveTimeout -H "$H" -d "PeerAliveTimeout=0.5" \
    "$M/super/update"
expect 400 PeerAliveTimeout -H "$H" -d "PeerAliveTimeout=0" "$M/super/update"
expect 400 DampingResistance -H "$H" -d "DampingResistance=1" \
    "$M/super/update"
expect 400 RePushConfigInterval -H "$H" -d "RePushConfigInterval=1" \
    "$M/super/update"
expect 401 Password -H "X-EG-Password: pw_upd" -d "DampingResistance=0.5" \
    "$M/super/update"
H="X-EG-Password: pw_del"
expect 404 NodeID -H "$H" "$M/peer/del?NodeID=9"
expect 400 NodeID -H "$H" "$M/peer/del"
expect 400 Force -H "$H" "$M/peer/del?NodeID=2&Force=1"
expect 401 Password -H "X-EG-Password: nope" "$M/peer/del?NodeID=2"
expect 400 PrivKey -H "$H" "$M/peer/del?NodeID=2&PrivKey=$(enc "$(cat $ST/k2)")"
expect 404 PrivKey "$M/peer/del?PrivKey=$(enc "$(wg genkey)")"
expect 400 PrivKey "$M/peer/del?PrivKey=abc"
D="peer/update, super/update, peer/del: 401, 404, 405 and 400 for"
group_ok "$D unknown NodeIDs, bad values and wrong parameters"

ok $([ "$(cksum <$ST/super.conf)" = "$CK1" ]; echo $?) \
    "refused calls left super.conf alone"
st=$(mcurl -H "X-EG-Password: $SP_PW" "$M/super/state")
ok $([ "$st" = 200 ] && kill -0 $SPID && [ -S $ST/sS.sock ]; echo $?) \
    "eg-supd still serves after the refusals (state: $st)"

# peer/update: with 1 -> 3 slow, 1 routes to 3 through 2; a cost on 2
# sends it direct.
netsim link 1 3 delay 10 && netsim link 1 2 delay 2 &&
    netsim link 2 3 delay 2 &&
    sp_wait_nh 1 3 2
ok $? "with 10 ms 1 <-> 3 and 2 ms 1 <-> 2 <-> 3, 1 routes to 3 through 2"
st=$(mcurl -H "X-EG-Password: pw_upd" -d "AdditionalCost=20" \
    "$M/peer/update?NodeID=2")
ok $([ "$st" = 200 ]; echo $?) "peer/update edge 2 AdditionalCost=20: $st"
sp_wait_nh 1 3 3
ok $? "1 now routes to 3 direct"
D="super/state: 20 ms more to 2 in Edges_Nh and Dist"
jq -e '(.Edges_Nh["1"]["2"] - .Edges["1"]["2"]) as $d |
    $d > 0.015 and $d < 0.025' $ST/state >/dev/null &&
    jq -e '(.Dist["1"]["2"] - .Dist_noAC["1"]["2"]) as $d |
    $d > 0.015 and $d < 0.025' $ST/state >/dev/null
ok $? "$D than in Edges and Dist_noAC"
ok $(awk '/^- NodeID:/ { n = $3 } n == 2 && $1 == "AdditionalCost:" {
    print $2 }' $ST/super.conf | grep -qx 20; echo $?) \
    "super.conf has edge 2's new cost"
expect 200 "" -H "X-EG-Password: pw_upd" -d "" "$M/peer/update?NodeID=2"
group_ok "peer/update with nothing to change: 200"

# super/update: the edges ping every 5 s instead of every SP_PING
# (1 s); PeerAliveTimeout goes up with it.
n0=$(pings_in 1 3 6)
st=$(mcurl -H "X-EG-Password: pw_super" \
    -d "SendPingInterval=5&PeerAliveTimeout=20" "$M/super/update")
ok $([ "$st" = 200 ] && grep -qx "SendPingInterval: 5" $ST/super.conf &&
    grep -qx "PeerAliveTimeout: 20" $ST/super.conf; echo $?) \
    "super/update SendPingInterval=5, PeerAliveTimeout=20: $st, in super.conf"
sleep 1
n1=$(pings_in 1 3 6)
ok $([ "$n0" -ge 4 ] && [ "$n1" -le 3 ]; echo $?) \
    "edge 1 pings edge 3 less often: $n0 packets in 6 s before, $n1 after"

# peer/del by password: edge 2 stops and is forgotten.
P2=$(cat $ST/pid2)
st=$(mcurl "$M/peer/del?Password=pw_del&NodeID=2")
ok $([ "$st" = 200 ] && grep -q 2 $ST/body; echo $?) \
    "peer/del NodeID=2 by password: $st $(cat $ST/body)"
until_true 100 gone $P2
ok $? "edge 2's egd exits"
st_reap 2	# its exit status, 0, for st_healthy at the end
ok $(grep -q "stopping: the supernode says: deleted" $ST/log2; echo $?) \
    "edge 2 logs why: $(grep 'supernode says' $ST/log2)"
ok $([ "$(conf_ids)" = "1 3" ] && ! grep -qF "$(cat $ST/p2)" $ST/super.conf &&
    [ "$(stat -c %a $ST/super.conf)" = 600 ]; echo $?) \
    "super.conf no longer has edge 2 ($(conf_ids))"
until_true 100 peers_are 1 '[3]' && until_true 100 peers_are 3 '[1]'
ok $? "edges 1 and 3 drop edge 2 from their peers"
until_true 50 in_state '.PeerInfo | keys == ["1", "3"]'
ok $? "super/state: PeerInfo without edge 2"

# peer/del by the edge's own private key, in a POST form.
P3=$(cat $ST/pid3)
st=$(mcurl -d "PrivKey=$(enc "$(cat $ST/k3)")" "$M/peer/del")
ok $([ "$st" = 200 ] && grep -q 3 $ST/body; echo $?) \
    "peer/del by edge 3's PrivKey: $st $(cat $ST/body)"
until_true 100 gone $P3 &&
    grep -q "stopping: the supernode says: deleted" $ST/log3
ok $? "edge 3's egd exits, saying why"
st_reap 3
until_true 100 peers_are 1 '[]'
ok $([ $? -eq 0 ] && [ "$(conf_ids)" = 1 ]; echo $?) \
    "edge 1 has no edge peers left; super.conf has edge $(conf_ids)"

st=$(mcurl -H "X-EG-Password: $SP_PW" "$M/super/state")
ok $([ "$st" = 200 ] && jq -e '.PeerInfo | keys == ["1"]' $ST/body \
    >/dev/null && kill -0 $SPID; echo $?) \
    "eg-supd, never restarted, still serves: state $st"
for i in S 1 2 3; do
	why=$(st_healthy $i)
	ok $? "log $i: no fatal error, no death ($why)"
done
if [ -n "$TEST_VERBOSE" ]; then
	for i in S 1 2 3; do
		diag "log $i:"
		diag "$(cat $ST/log$i)"
	done
fi
netsim_stop
ok $? "nothing left behind"
tap_done
