#!/bin/sh
# netsim: the control requests, their errors and output formats.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
need_root
[ -x "$NETSIM_BIN" ] || skip_all "run make first"

if ! netsim_start pub eim sym; then
	ok 1 "emulator starts"
	tap_done
fi
ok 0 "emulator starts"
prefix=$NETSIM_PREFIX

out=$(netsim nodes)
expect="1 pub $prefix-n1 - 10.99.0.1 10.99.0.1
2 eim $prefix-n2 $prefix-r2 10.99.0.2 10.99.2.2
3 sym $prefix-n3 $prefix-r3 10.99.0.3 10.99.3.2"
[ "$out" = "$expect" ]
ok $? "nodes lists id, kind, namespaces and addresses"
missing=
for ns in $prefix-n1 $prefix-n2 $prefix-r2 $prefix-n3 $prefix-r3; do
	ip netns list | grep -q "^$ns\\b" || missing="$missing $ns"
done
ok $([ -z "$missing" ]; echo $?) \
    "every namespace nodes names exists${missing:+ (missing:$missing)}"

[ "$(netsim show | wc -l)" = 6 ] &&
    netsim show 2 3 | grep -qx '2 3 delay=0.000000 jitter=0.000000 loss=0.000000 limit=5000 state=up'
ok $? "show: one line per ordered pair, defaults"

netsim set 1 2 delay 12.25 jitter 0.5 loss 2.5% limit 100 down
netsim show 1 2 | grep -qx '1 2 delay=12.250000 jitter=0.500000 loss=0.025000 limit=100 state=down'
ok $? "set takes several parameters at once"
netsim show 2 1 | grep -qx '2 1 delay=0.000000 jitter=0.000000 loss=0.000000 limit=5000 state=up'
ok $? "set changes one direction only"
netsim link 1 3 delay 4 && netsim show 1 3 | grep -q 'delay=4.000000' &&
    netsim show 3 1 | grep -q 'delay=4.000000'
ok $? "link changes both directions"
netsim set all 3 loss 0.5 && netsim show 1 3 | grep -q 'loss=0.500000' &&
    netsim show 2 3 | grep -q 'loss=0.500000' &&
    netsim show 3 1 | grep -q 'loss=0.000000'
ok $? "all selects every node"
netsim set all all delay 0 jitter 0 loss 0 limit 5000 up
[ "$(netsim show | grep -vc 'delay=0.000000 jitter=0.000000 loss=0.000000 limit=5000 state=up')" = 0 ]
ok $? "set all all resets every pair"
netsim cut 2 3 && netsim show 2 3 | grep -q state=down &&
    netsim show 3 2 | grep -q state=down && netsim heal 2 3 oneway &&
    netsim show 2 3 | grep -q state=up && netsim show 3 2 | grep -q state=down
ok $? "cut and heal, both ways and one way"
netsim heal 2 3

line=$(netsim stats 1 2)
echo "$line" | grep -Eqx '1 2 sent=[0-9]+ sent_bytes=[0-9]+ delivered=[0-9]+ delivered_bytes=[0-9]+ lost=[0-9]+ lost_bytes=[0-9]+ cut=[0-9]+ cut_bytes=[0-9]+ overflow=[0-9]+ overflow_bytes=[0-9]+ txerr=[0-9]+ txerr_bytes=[0-9]+ queued=[0-9]+'
ok $? "stats I J: one line of counters"
[ "$(netsim stats | grep -c '^[0-9]')" = 6 ] &&
    [ "$(netsim stats | grep -c '^port [0-9] rx=')" = 3 ]
ok $? "stats: every pair, then every port"
ns_exec 2 ping -c 3 -i 0.1 -W 1 10.99.0.1 >/dev/null
[ "$(netsim_stat 1 2 delivered)" -ge 3 ] && [ "$(netsim_stat 2 1 delivered)" -ge 3 ]
ok $? "stats count frames both ways"
netsim clear && [ "$(netsim_stat 1 2 sent)" = 0 ]
ok $? "clear zeroes the counters"

# Bad requests: an error on stderr, exit status 1, nothing changed.
bad() {	# bad DESCRIPTION REQUEST...
	_d=$1
	shift
	_err=$(netsim "$@" 2>&1 >/dev/null)
	_rc=$?
	[ $_rc = 1 ] && [ -n "$_err" ]
	ok $? "refused: $_d ($_err)"
}
before=$(netsim show)
bad "loss above 1" set 1 2 loss 5
bad "loss above 100%" set 1 2 loss 101%
bad "negative delay" set 1 2 delay -3
bad "delay not a number" set 1 2 delay 1e3
bad "delay over 60 s" set 1 2 delay 60001
bad "node 0" set 0 2 delay 1
bad "node beyond the last" set 1 4 delay 1
bad "a node to itself" set 2 2 delay 1
bad "unknown parameter" set 1 2 speed 10
bad "missing value" set 1 2 delay
bad "no parameter" set 1 2
bad "half a pair" cut 1
bad "unknown request" frobnicate
bad "limit 0" set 1 2 limit 0
bad "a good parameter then a bad one" set 1 2 delay 5 loss 2
[ "$(netsim show)" = "$before" ]
ok $? "refused requests changed nothing"

"$NETSIM_BIN" -d "$NETSIM_DIR" start -p "${prefix}x" pub >/dev/null 2>&1
ok $(( ! $? )) "a second emulator on the same run directory is refused"
d2=$(mktemp -d)
"$NETSIM_BIN" -d "$d2" start -p "$prefix" pub 2>/dev/null
ok $(( ! $? )) "a second emulator with the same prefix is refused"
rm -rf "$d2"
set -- $(netsim_ping 2 10.99.0.1 2)
[ "$1" != - ]
ok $? "and the first one still works"
"$NETSIM_BIN" -d "$NETSIM_DIR" start -p 'a-b' pub >/dev/null 2>&1
[ $? = 2 ]
ok $? "a prefix with a dash is refused"
"$NETSIM_BIN" -d /nonexistent/x stats >/dev/null 2>&1
[ $? = 1 ]
ok $? "a request with no emulator fails"

netsim_stop
ok $? "stop leaves nothing behind"
left=$(netsim_leftovers "$prefix")
[ -z "$left" ]
ok $? "no namespace, device or process of $prefix is left"
[ -n "$left" ] && diag "$left"
tap_done
