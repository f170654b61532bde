#!/bin/sh
# netsim: loss rate, cut and healed links (both ways, one way, frames
# in flight), and the counters that account for every frame.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
need_root
[ -x "$NETSIM_BIN" ] && [ -x "$NSPROBE" ] || skip_all "run make first"

if ! netsim_start pub pub pub; then
	ok 1 "emulator starts"
	tap_done
fi
ok 0 "emulator starts"
prefix=$NETSIM_PREFIX
a2=$(netsim_addr 2)

# 10% of 2000: the binomial spread is 13 frames, 7%..13% is 4.5 sigma.
netsim set 1 2 loss 0.1
ok $? "set 1->2 loss 0.1"
netsim clear
line=$(netsim_probe 1 2 2000 0.5)
got=$(kv received "$line")
lost=$((2000 - ${got:-0}))
[ "$lost" -ge 140 ] && [ "$lost" -le 260 ]
ok $? "10% loss drops 7% to 13% of 2000 probes (lost $lost)"
s_sent=$(netsim_stat 1 2 sent)
s_lost=$(netsim_stat 1 2 lost)
s_deliv=$(netsim_stat 1 2 delivered)
[ "$s_sent" -eq $((s_lost + s_deliv)) ] && [ "$s_lost" -ge 140 ] &&
    [ "$s_lost" -le 260 ]
ok $? "stats account for it (sent $s_sent lost $s_lost delivered $s_deliv)"
[ "$(netsim_stat 2 1 lost)" = 0 ]
ok $? "the reverse direction loses nothing"
netsim set 1 2 loss 10% && netsim show 1 2 | grep -q ' loss=0.100000 '
ok $? "loss in percent means the same"
netsim set 1 2 loss 0

line=$(netsim_probe 1 2 50 2)
[ "$(kv received "$line")" = 50 ]
ok $? "without loss all 50 probes arrive ($line)"

netsim cut 1 2
ok $? "cut 1 2"
netsim clear
line=$(netsim_probe 1 2 50 2)
[ "$(kv received "$line")" = 0 ]
ok $? "a cut link passes nothing 1->2 ($line)"
line=$(netsim_probe 2 1 50 2)
[ "$(kv received "$line")" = 0 ]
ok $? "nor 2->1 ($line)"
[ "$(netsim_stat 1 2 cut)" -ge 50 ] && [ "$(netsim_stat 1 2 delivered)" = 0 ]
ok $? "stats count the frames the cut dropped"
line=$(netsim_probe 1 3 50 2)
[ "$(kv received "$line")" = 50 ]
ok $? "other links still pass ($line)"

netsim heal 1 2
line=$(netsim_probe 1 2 50 2)
[ "$(kv received "$line")" = 50 ]
ok $? "a healed link passes again ($line)"
line=$(netsim_probe 2 1 50 2)
[ "$(kv received "$line")" = 50 ]
ok $? "both ways ($line)"

netsim cut 1 2 oneway
line=$(netsim_probe 1 2 50 2)
[ "$(kv received "$line")" = 0 ]
ok $? "one-way cut: 1->2 passes nothing ($line)"
line=$(netsim_probe 2 1 50 2)
[ "$(kv received "$line")" = 50 ]
ok $? "one-way cut: 2->1 still passes ($line)"
netsim heal 1 2

# Frames in flight when the link goes down are lost with it.
netsim set 1 2 delay 1000
netsim clear
netsim_bg 2 "$NSPROBE" recv -p 8999 -t 2500 -r "$NETSIM_DIR/fly" \
    >"$NETSIM_DIR/fly.out"
rpid=$!
netsim_wait_file "$NETSIM_DIR/fly"
ns_exec 1 "$NSPROBE" send -c 20 -i 1 "$a2" 8999 >/dev/null
queued=$(netsim_stat 1 2 queued)
netsim cut 1 2
wait $rpid
line=$(head -n 1 "$NETSIM_DIR/fly.out")
[ "$(kv received "$line")" = 0 ] && [ "$queued" -ge 1 ]
ok $? "frames in flight are dropped by a cut ($queued queued; $line)"
[ "$(netsim_stat 1 2 cut)" -ge 20 ] && [ "$(netsim_stat 1 2 queued)" = 0 ]
ok $? "and counted as cut"
netsim heal 1 2
netsim set 1 2 delay 0

netsim_stop
ok $? "stop leaves nothing behind"
left=$(netsim_leftovers "$prefix")
[ -z "$left" ]
ok $? "no namespace, device or process of $prefix is left"
[ -n "$left" ] && diag "$left"
tap_done
