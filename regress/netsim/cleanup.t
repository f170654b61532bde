#!/bin/sh
# netsim: nothing is left behind, however a run ends: stop, SIGTERM,
# SIGKILL of the emulator (then netsim cleanup), death of the test
# shell, interruption of the test.
. "$(dirname "$0")/../lib/tap.sh"
. "$TOP/regress/netsim/netsim.sh"
need_root
[ -x "$NETSIM_BIN" ] || skip_all "run make first"
export BUILD NETSIM_BIN

# gone PREFIX: waits up to 10 s for every trace of run PREFIX to go.
gone() {
	_i=0
	while [ -n "$(netsim_leftovers "$1")" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	_left=$(netsim_leftovers "$1")
	[ -n "$_left" ] && diag "$_left"
	[ -z "$_left" ]
}

# alive PID: the process exists and is not a zombie.
alive() {
	[ -r "/proc/$1/stat" ] && ! awk '{ sub(/.*\) /, ""); exit $1 == "Z" ? 0 : 1 }' \
	    "/proc/$1/stat" 2>/dev/null
}

# 1. stop ends the processes in the namespaces, stubborn ones too.
netsim_start pub eim
ok $? "emulator starts"
prefix=$NETSIM_PREFIX
netsim_bg 1 sleep 300
p1=$!
netsim_bg r2 sleep 300
p2=$!
netsim_bg 2 sh -c 'trap "" TERM; while :; do sleep 0.1; done'
p3=$!
sleep 0.2
netsim_stop
ok $? "netsim_stop succeeds"
! alive $p1 && ! alive $p2 && ! alive $p3
ok $? "processes in nodes and routers were ended, one ignoring SIGTERM"
gone "$prefix"
ok $? "stop: no namespace, device or process left"

# 2. SIGTERM to the emulator.
netsim_start pub pub
prefix=$NETSIM_PREFIX
pid=$(cat "$NETSIM_DIR/pid")
alive "$pid" && pgrep -f -- "start -p $prefix " | grep -qx "$pid"
ok $? "the pid file names the emulator"
kill -TERM "$pid"
gone "$prefix"
ok $? "SIGTERM: the emulator removed everything and exited"
netsim_stop

# 3. SIGKILL leaves namespaces, which netsim cleanup removes.
netsim_start pub sym
prefix=$NETSIM_PREFIX
pid=$(cat "$NETSIM_DIR/pid")
netsim_bg 2 sleep 300
p1=$!
kill -KILL "$pid"
sleep 0.3
n=$(ip netns list | grep -c "^$prefix-")
! alive "$pid" && [ "$n" = 3 ]
ok $? "SIGKILL: the emulator is gone, its $n namespaces are not"
"$NETSIM_BIN" cleanup "$prefix"
ok $? "netsim cleanup $prefix"
gone "$prefix" && ! alive $p1
ok $? "cleanup removed the namespaces and the process in them"
netsim_stop

# 4. The test shell dies by SIGKILL: the emulator watches it and goes.
f=$(mktemp)
sh -c '. "$1"; netsim_start pub pub >/dev/null &&
    echo "$NETSIM_PREFIX $NETSIM_DIR" >"$2"
    exec sleep 300' sh "$TOP/regress/netsim/netsim.sh" "$f" &
spid=$!
i=0
while [ ! -s "$f" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
read -r p4 d4 <"$f"
# Its trap never runs: its run directory (the log) is ours to remove.
on_exit "$NETSIM_BIN cleanup ${p4:-none}; rm -rf ${d4:-/nonexistent}"
[ -n "$p4" ] && ip netns list | grep -q "^$p4-n1"
ok $? "a child test started its own emulator ($p4)"
kill -KILL $spid
wait $spid 2>/dev/null
gone "${p4:-none}"
ok $? "its shell killed by SIGKILL: the emulator cleaned up and exited"
rm -f "$f"

# 5. An interrupted test (SIGTERM to its process group, as a harness
# does; SIGINT is ignored by background jobs of sh) runs its trap.
f=$(mktemp)
setsid sh -c '. "$1/regress/lib/tap.sh"; . "$1/regress/netsim/netsim.sh"
    netsim_start pub pub >/dev/null && echo "$NETSIM_PREFIX" >"$2"
    sleep 300' sh "$TOP" "$f" >/dev/null 2>&1 &
spid=$!
i=0
while [ ! -s "$f" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
p5=$(cat "$f")
on_exit "$NETSIM_BIN cleanup ${p5:-none}"
[ -n "$p5" ] && ip netns list | grep -q "^$p5-n1"
ok $? "another child test started its emulator ($p5)"
kill -TERM -$spid
wait $spid
rc=$?
[ $rc = 143 ] && gone "${p5:-none}"
ok $? "interrupted (exit $rc), its trap removed everything"
rm -f "$f"

tap_done
