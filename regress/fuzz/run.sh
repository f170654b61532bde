#!/bin/sh
#
# make fuzz-run: every fuzz target given (build/fuzz/fuzz_*), one after
# another, each for FUZZ_TIME seconds (default 60), on its corpus:
# new inputs go to a scratch directory, build/fuzz-corpus/NAME, kept
# from run to run; the seeds of regress/fuzz/corpus/NAME (or, for
# fuzz_wg, .../wg) are read, never written.  regress/fuzz/NAME.dict is
# used if there is one.  What a target finds (crash-, leak-, timeout-,
# oom- files) goes to build/fuzz-artifacts/NAME/; its output to
# build/fuzz-logs/NAME.log.
#
# Prints, per target, the executions, libFuzzer's coverage (cov: edges,
# ft: features) and the corpus at the end; fails if any target found
# something or did not run.  FUZZ_TARGETS="fuzz_gro fuzz_imsg" runs only
# those; FUZZ_UNIT_TIMEOUT (default 10 s) is how long one input may take
# before it counts as a finding.
#
# One fuzzer at a time: the machines are shared.

time=${FUZZ_TIME:-60}
unit_timeout=${FUZZ_UNIT_TIMEOUT:-10}
out=build
failed=0
ran=0
summary=$(mktemp) || exit 1
trap 'rm -f "$summary"' EXIT

case $time in
''|*[!0-9]*) echo "FUZZ_TIME: seconds, not \"$time\"" >&2; exit 2 ;;
esac

wanted() {
	[ -z "$FUZZ_TARGETS" ] && return 0
	for w in $FUZZ_TARGETS; do
		[ "$w" = "$1" ] && return 0
	done
	return 1
}

# The last value a libFuzzer status line gave for a field ("cov:").
field() {
	sed -n "s/.* $2 \([^ ]*\).*/\1/p" "$1" | tail -n 1
}

stat() {
	sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

printf '%-20s %-6s %12s %9s %7s %8s %14s\n' target result executions \
    'exec/s' cov ft corpus >"$summary"

for prog in "$@"; do
	name=${prog##*/}
	wanted "$name" || continue
	ran=$((ran + 1))
	scratch=$out/fuzz-corpus/$name
	artifacts=$out/fuzz-artifacts/$name
	log=$out/fuzz-logs/$name.log
	mkdir -p "$scratch" "$artifacts" "$out/fuzz-logs"
	seeds=regress/fuzz/corpus/$name
	[ -d "$seeds" ] || seeds=regress/fuzz/corpus/${name#fuzz_}
	[ -d "$seeds" ] || seeds=
	dict=regress/fuzz/$name.dict
	if [ -f "$dict" ]; then dict=-dict=$dict; else dict=; fi
	before=$(ls "$artifacts" | wc -l)

	echo "== $name: $time s${seeds:+, seeds in $seeds}"
	"$prog" -max_total_time="$time" -timeout="$unit_timeout" \
	    -print_final_stats=1 -artifact_prefix="$artifacts/" $dict \
	    "$scratch" $seeds >"$log" 2>&1
	rc=$?

	execs=$(stat "$log" number_of_executed_units)
	rate=$(stat "$log" average_exec_per_sec)
	cov=$(field "$log" cov:)
	ft=$(field "$log" ft:)
	corp=$(field "$log" corp:)
	found=$(($(ls "$artifacts" | wc -l) - before))
	result=ok
	if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ] || [ -z "$execs" ]; then
		result=FAIL
		failed=$((failed + 1))
		echo "$name: exit $rc, $found new in $artifacts; log $log:"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" |
		    head -n 20
	fi
	printf '%-20s %-6s %12s %9s %7s %8s %14s\n' "$name" "$result" \
	    "${execs:--}" "${rate:--}" "${cov:--}" "${ft:--}" \
	    "${corp:--}" >>"$summary"
done

echo
cat "$summary"
if [ "$ran" -eq 0 ]; then
	echo "no fuzz target matched FUZZ_TARGETS=\"$FUZZ_TARGETS\"" >&2
	exit 1
fi
if [ "$failed" -ne 0 ]; then
	echo "$failed of $ran targets failed" >&2
	exit 1
fi
echo "all $ran targets ran ${time} s each without a finding"
