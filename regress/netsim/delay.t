#!/bin/sh
# netsim: per-direction delays, changed at run time, with jitter, and
# FIFO order when a delay shrinks.
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

netsim set 1 2 delay 20 && netsim set 2 1 delay 5
ok $? "set 1->2 20 ms and 2->1 5 ms"

# Round trip 25 ms: minimum and median of 10 pings, 3 tries.
rc=1
for try in 1 2 3; do
	set -- $(netsim_ping 1 "$(netsim_addr 2)" 10)
	if fcmp "$1" ">=" 24.99 && fcmp "$1" "<=" 27 && fcmp "$2" "<=" 27; then
		rc=0
		break
	fi
	diag "ping try $try: min $1 median $2"
done
ok $rc "ping round trip 25 ms within 2 ms (min $1, median $2)"

netsim_near 1 2 20
ok $? "one-way 1->2 is 20 ms within 1 ms ($NETSIM_PROBED)"
netsim_near 2 1 5
ok $? "one-way 2->1 is 5 ms within 1 ms ($NETSIM_PROBED)"
netsim_near 1 3 0
ok $? "1->3 untouched by 1->2 ($NETSIM_PROBED)"

netsim set 1 2 delay 7.5
netsim_near 1 2 7.5
ok $? "a run-time change shows in the next probe ($NETSIM_PROBED)"
netsim show 1 2 | grep -q '^1 2 delay=7.500000 jitter=0.000000 '
ok $? "show reports the new delay"

netsim set 1 2 delay 20
netsim_near 1 2 20 fd99::2
ok $? "IPv6 1->2 is 20 ms within 1 ms ($NETSIM_PROBED)"

# Jitter 3 ms on 10 ms: uniform in 7..13 ms, so 200 probes 1 ms apart
# reach near both ends and overtake one another.  The top end is judged
# by the 90th percentile (12.4 ms), which a loaded machine moves less
# than the maximum.
netsim set 1 2 delay 10 jitter 3
rc=1
for try in 1 2 3; do
	line=$(netsim_probe 1 2 200 1)
	if fcmp "$(kv min "$line")" ">=" 6.99 &&
	    fcmp "$(kv min "$line")" "<=" 8 &&
	    fcmp "$(kv max "$line")" ">=" 12 &&
	    fcmp "$(kv p90 "$line")" "<=" 13.5 &&
	    fcmp "$(kv median "$line")" ">=" 9 &&
	    fcmp "$(kv median "$line")" "<=" 11.5; then
		rc=0
		break
	fi
	diag "jitter try $try: $line"
done
ok $rc "jitter 3 ms spreads delays over 7..13 ms ($line)"
fcmp "$(kv reordered "$line")" ">" 0
ok $? "with jitter, frames may overtake each other"

# Without jitter, frames sent after a delay drops from 50 to 0 ms wait
# for those queued before them: nothing is reordered.
netsim set 1 2 delay 50 jitter 0
netsim_bg 2 "$NSPROBE" recv -p 8999 -c 300 -t 2000 -r "$NETSIM_DIR/fifo" \
    >"$NETSIM_DIR/fifo.out"
rpid=$!
netsim_wait_file "$NETSIM_DIR/fifo"
netsim_bg 1 "$NSPROBE" send -c 300 -i 1 "$(netsim_addr 2)" 8999 >/dev/null
spid=$!
sleep 0.15
netsim set 1 2 delay 0
wait $spid
wait $rpid
line=$(head -n 1 "$NETSIM_DIR/fifo.out")
[ "$(kv received "$line")" = 300 ] && [ "$(kv reordered "$line")" = 0 ]
ok $? "a shrinking delay keeps FIFO order ($line)"
fcmp "$(kv min "$line")" "<" 5
ok $? "frames after the change took the short delay"

netsim_stop
ok $? "stop leaves nothing behind"
left=$(netsim_leftovers "$prefix")
[ -z "$left" ]
ok $? "no namespace, device or process of $prefix is left"
[ -n "$left" ] && diag "$left"
tap_done
