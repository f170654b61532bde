#!/bin/sh
# Runs every regress/bench/bench_*.sh in order (make bench).
cd "$(dirname "$0")" || exit 1
rc=0
for b in bench_*.sh; do
	[ -e "$b" ] || continue
	sh "./$b" || rc=1
done
exit $rc
