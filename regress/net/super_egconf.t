#!/bin/sh
# EtherGuard-Go's own super-mode example, run as it is: the supernode
# and the edges 1, 2 and 100 of regress/testdata/etherguard-go/
# example_config/super_mode, every file unchanged but for the edges'
# IType (stdio there, tap here).  They all use 127.0.0.1 (supernode UDP,
# EdgeAPI and Manage API on port 3456), so the four daemons share one
# namespace, netsim's node 1, which has no WAN peer.  Checked: the edges
# register, get their peers and handshake with each other; the state
# JSON has a next hop for every pair and the supernode's ManualLatency
# in its latencies; a ping crosses the overlay; nothing is sent to the
# Internet although the edges have NTPConfig.UseNTP with Internet
# servers (egd does no NTP).
#
# The data path: three TAPs of one /24 in one namespace cannot talk to
# each other through the kernel, so once egd has made and configured
# each TAP, it moves to a namespace of its own (egd keeps its
# descriptor); the move takes its addresses and its up state, which are
# put back there as egd had them.
#
# The configs' own timers hold (Ping every 15 s, a new endpoint tried
# every 5 s), so the table is whole some 20 to 35 s after the start.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
. "$TOP/regress/net/static.sh"
. "$TOP/regress/net/super.sh"
sp_need
command -v nft >/dev/null 2>&1 || skip_all "nft not installed"

EX=$TOP/regress/testdata/etherguard-go/example_config/super_mode
EDGES="1 2 100"
API=http://127.0.0.1:3456/eg_net/eg_api	# as the configs have it

conf_of() { printf '%s/EgNet_edge%03d.yaml' "$ST" "$1"; }
tapns() { echo "$NETSIM_PREFIX-t$1"; }	# netsim's cleanup sweeps these
tap_exec() {	# tap_exec I CMD...: CMD where edge I's TAP is
	_ns=$(tapns "$1")
	shift
	ip netns exec "$_ns" "$@"
}

# The configs: the supernode's as it is, the edges' with IType tap.
cp "$EX/EgNet_super.yaml" "$ST/" || { echo "Bail out! cp"; exit 1; }
for i in $EDGES; do
	sed 's/^  IType: stdio$/  IType: tap/' \
	    "$EX/$(basename "$(conf_of $i)")" >"$(conf_of $i)"
done
chmod 600 "$ST"/*.yaml	# egd and eg-supd refuse readable secrets
cmp -s "$EX/EgNet_super.yaml" "$ST/EgNet_super.yaml"
ok $? "the supernode's config is EgNet_super.yaml unchanged"
bad=
for i in $EDGES; do
	f=$(basename "$(conf_of $i)")
	d=$(diff "$EX/$f" "$ST/$f" | grep '^[<>]' | tr '\n' '|')
	[ "$d" = "<   IType: stdio|>   IType: tap|" ] || bad="$bad $f:$d"
done
ok $([ -z "$bad" ]; echo $?) "the edges' configs differ only in IType${bad}"

netsim_start pub || { echo "Bail out! netsim"; exit 1; }
ns_exec 1 ip link set lo up

# Whatever the daemons send off the namespace's own addresses goes by
# a default route into egnull, a TUN device that no process holds, and
# nft counts it there and drops it: nothing leaves, but every attempt
# shows.  The overlay's addresses have counters of their own: while
# the TAPs are all here, each edge reports the other TAPs' addresses as
# local endpoints, and its peers try them once the TAPs have moved.
ns_exec 1 ip tuntap add dev egnull mode tun &&
ns_exec 1 ip link set egnull up &&
ns_exec 1 ip route add default dev egnull &&
ns_exec 1 ip -6 route add default dev egnull &&
ns_exec 1 nft -f - <<'EOF'
table inet egconf {
	chain out {
		type filter hook output priority 0; policy accept;
		oifname "egnull" ip daddr 192.168.76.0/24 counter drop comment "overlay4"
		oifname "egnull" ip6 daddr fd95:71cb:a3df:e586::/64 counter drop comment "overlay6"
		oifname "egnull" counter drop comment "elsewhere"
	}
}
EOF
ok $? "a black hole with counters for traffic off the namespace"
nft_count() {	# nft_count COMMENT: packets counted by that rule
	ns_exec 1 nft list chain inet egconf out |
	    sed -n "s/.*counter packets \([0-9]*\) .*comment \"$1\".*/\1/p"
}

state() {	# the Manage API's state JSON, asked as the configs say
	ns_exec 1 curl -sf -m 5 -H 'X-EG-Password: passwd_showstate' \
	    "$API/manage/super/state"
}
wait_state() {	# wait_state JQ-EXPR [TENTHS]: until the state satisfies it
	_n=${2:-300}
	while [ "$_n" -gt 0 ]; do
		state >$ST/state 2>/dev/null &&
		    [ "$(jq -r "$1" $ST/state 2>/dev/null)" = true ] &&
		    return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

netsim_bg 1 "$EGSUPD" -d -u nobody -f "$ST/EgNet_super.yaml" \
    -s $ST/sS.sock 2>>$ST/logS
echo $! >$ST/pidS
wait_state 'has("PeerInfo")' 50
ok $? "eg-supd runs EgNet_super.yaml and answers $API/manage/super/state"

for i in $EDGES; do
	netsim_bg 1 "$EGD" -d -u nobody -f "$(conf_of $i)" -s $ST/s$i.sock \
	    2>>$ST/log$i
	echo $! >$ST/pid$i
done
up=0
for i in $EDGES; do
	line="parent: started: node $i (EgNet$(printf %03d $i)), 0 peers,"
	st_wait $i &&
	    st_wait_line $ST/log$i "$line config $(conf_of $i)" || up=1
done
ok $up "egd runs EgNet_edge001, 002 and 100.yaml"

# Each TAP to its namespace, set up again as egd had it.
moved=0
for i in $EDGES; do
	dev=EgNet$(printf %03d $i)
	ns_exec 1 ip -o addr show dev $dev |
	    awk '$3 == "inet" || $3 == "inet6" { print $3, $4 }' \
	    >$ST/addr$i
	mac=$(ns_exec 1 cat /sys/class/net/$dev/address)
	ip netns add "$(tapns $i)" &&
	on_exit "ip netns del $(tapns $i)" &&
	tap_exec $i ip link set lo up &&
	ns_exec 1 ip link set $dev netns "$(tapns $i)" || moved=1
	kept=$(tap_exec $i ip -o addr show dev $dev | wc -l)
	flags=$(tap_exec $i ip -o link show dev $dev |
	    sed 's/.*<\(.*\)>.*/\1/')
	diag "$dev moved: $kept addresses left (of $(wc -l <$ST/addr$i))," \
	    "flags <$flags>," \
	    "MAC $(tap_exec $i cat /sys/class/net/$dev/address) (was $mac)," \
	    "MTU $(tap_exec $i cat /sys/class/net/$dev/mtu)"
	while read -r fam addr; do
		# The kernel's own link-local address comes back by itself.
		case $addr in
		fe80::*) [ "$addr" = "fe80::a3df:$(printf %x $i)/64" ] ||
			    continue ;;
		esac
		tap_exec $i ip addr replace "$addr" dev $dev || moved=1
	done <$ST/addr$i
	tap_exec $i ip link set $dev up || moved=1
done
ok $moved "each TAP moved to its own namespace, addresses and up state restored"
addrs=0
for i in $EDGES; do
	grep -qx "inet 192.168.76.$i/24" $ST/addr$i &&
	    tap_exec $i ip -o -4 addr show dev EgNet$(printf %03d $i) |
	    grep -q " 192\.168\.76\.$i/24 " || addrs=1
done
ok $addrs "egd gave edge N's TAP 192.168.76.N/24, and it has it again"

# Registration: the supernode has heard of every edge (an edge never
# heard of has the zero time, "0001-01-01 00:00:00 +0000 UTC").
wait_state '[.PeerInfo["1", "2", "100"].LastSeen | strings |
    select(startswith("0001-") | not)] | length == 3' 300
ok $? "the state's PeerInfo has edges 1, 2 and 100 with LastSeen"
diag "$(jq -c .PeerInfo $ST/state)"

# Peers: each edge has the other two from the supernode, then a
# handshake with each.
others() {	# others I: the edges but I, as a jq array
	echo "[$(echo $EDGES | tr ' ' '\n' | grep -vx "$1" | tr '\n' ,|
	    sed 's/,$//')]"
}
peers_ok() {	# peers_ok I JQ-SELECT: edge I's other edges all match it
	_n=300
	while [ "$_n" -gt 0 ]; do
		st_show $1 >$ST/peers$1 2>/dev/null &&
		    [ "$(jq "[.Peers[] | select(.NodeID != 65533) |
		    select($2) | .NodeID] | sort == $(others $1)" \
		    $ST/peers$1 2>/dev/null)" = true ] && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
for i in $EDGES; do
	peers_ok $i '.EndPoint != null'
	ok $? "edge $i has its peers $(others $i) from the supernode"
done
for i in $EDGES; do
	peers_ok $i '.LastHandshake != null'
	ok $? "edge $i has a handshake with $(others $i)"
	diag "$(jq -c '.Peers[] | select(.NodeID != 65533) |
	    [.NodeID, .EndPoint, .LastHandshake, .LatencyMs]' $ST/peers$i)"
done

# The supernode's table: a next hop for every ordered pair.
PAIRS='[.NhTable | to_entries[] | .key as $s | .value | keys[] |
    "\($s)>\(.)"] | sort'
ALL='["1>100","1>2","100>1","100>2","2>1","2>100"]'
wait_state "$PAIRS == ($ALL | sort)" 600
ok $? "the state's NhTable has a next hop for all six pairs"
diag "NhTable $(jq -c .NhTable $ST/state)"

# ManualLatency (eg-supd.conf(5)): 1->2 1.14 ms and 2->1 5.14 ms exact;
# 100->any 1.919 ms and any->100 8.1 ms override the measured links.
# The state's latencies are in seconds.
MANUAL='{"1":{"100":0.0081,"2":0.00114},"100":{"1":0.001919,"2":0.001919},"2":{"1":0.00514,"100":0.0081}}'
wait_state ".Edges == $MANUAL" 300
ok $? "the state's Edges are the ManualLatency values, not the measured ones"
diag "Edges $(jq -c .Edges $ST/state)"
# With those and AdditionalCost 10 ms per edge entered, every direct
# link beats any relay (the dearest, 2->100 at 18.1 ms, against 2->1->100
# at 15.14 + 18.1 ms).
DIRECT='{"1":{"100":100,"2":2},"100":{"1":1,"2":2},"2":{"1":1,"100":100}}'
wait_state ".NhTable == $DIRECT and .Dist[\"2\"][\"100\"] == 0.0181" 300
ok $? "then every pair goes direct, 2->100 at 10 + 8.1 ms"
diag "NhTable $(jq -c .NhTable $ST/state), Dist $(jq -c .Dist $ST/state)"

# The data path, from TAP namespace to TAP namespace.
for dst in 2 100; do
	tap_exec 1 ping -n -q -c 1 -i 0.3 -w 12 192.168.76.$dst >/dev/null 2>&1
	ok $? "ping 192.168.76.$dst from edge 1's TAP"
done
tap_exec 2 ping -n -q -c 1 -i 0.3 -w 12 192.168.76.100 >/dev/null 2>&1
ok $? "ping 192.168.76.100 from edge 2's TAP"

# NTP: each egd says it does not do it, and nothing went elsewhere.
ntp=0
for i in $EDGES; do
	grep -q '^parent: NTPConfig.UseNTP: egd does not set its own clock' \
	    $ST/log$i || ntp=1
done
ok $ntp "each egd logs that it does no NTP"
off=$(nft_count elsewhere)
ok $([ "$off" = 0 ]; echo $?) \
    "nothing sent to addresses off the namespace (${off:-?} packets)"
diag "to the TAPs' former addresses: $(nft_count overlay4) IPv4," \
    "$(nft_count overlay6) IPv6 packets (endpoints tried in turn)"
cat $ST/log* |
    grep -Eiq 'ntp\.|google|cloudflare|apple|facebook|windows\.com|resolv'
ok $([ $? -ne 0 ]; echo $?) "no log line names an NTP server or a lookup"

# SaveNewPeers: egd wrote its peers into its config, which still loads.
saved=0
for i in $EDGES; do
	"$EGD" -n -f "$(conf_of $i)" >$ST/saved$i 2>&1 &&
	    [ "$(grep -c '^- NodeID: ' $ST/saved$i)" = 2 ] || saved=1
done
ok $saved "SaveNewPeers: each edge's config now lists its two peers and loads"

for i in $EDGES S; do
	st_stop $i
done
gone=0
for i in $EDGES; do
	tap_exec $i ip link show EgNet$(printf %03d $i) >/dev/null 2>&1 &&
	    gone=1
	ip netns del "$(tapns $i)" || gone=1
done
ok $gone "the TAPs went with their egd; their namespaces are deleted"
netsim_stop
ok $? "nothing left behind"
tap_done
