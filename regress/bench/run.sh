#!/bin/sh
# make bench: run every regress/bench/bench_*.sh in order.
cd "$(dirname "$0")" || exit 1
rc=0
for b in bench_*.sh; do
	[ -e "$b" ] || continue
	echo "== $b"
	sh "./$b" || rc=1
done
exit $rc
