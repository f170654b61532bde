# TAP helpers for the scripted tests.  Source it, call the checks, and
# end with tap_done.  Cleanup commands registered with on_exit run on
# any exit, including failures and signals.

_tap_n=0
_tap_fail=0
_tap_cleanup=""

ok() {	# ok STATUS DESCRIPTION: STATUS 0 passes
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		_tap_fail=$((_tap_fail + 1))
		echo "not ok $_tap_n - $2"
	fi
}

check() {	# check DESCRIPTION COMMAND...: runs it, passes on exit 0
	_d=$1; shift
	if "$@" >/dev/null 2>&1; then ok 0 "$_d"; else ok 1 "$_d"; fi
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

on_exit() {	# on_exit COMMAND: run COMMAND at exit (last registered first)
	_tap_cleanup="$*; $_tap_cleanup"
}

_tap_atexit() {
	_rc=$?
	trap - EXIT INT TERM HUP
	eval "$_tap_cleanup" >/dev/null 2>&1
	exit $_rc
}
trap _tap_atexit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

tap_done() {
	echo "1..$_tap_n"
	[ "$_tap_fail" -eq 0 ]
	exit $?
}

need_root() {
	[ "$(id -u)" = 0 ] || skip_all "needs root"
}

# Top of the source tree and of the build, whatever the caller's cwd.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$TOP/build
