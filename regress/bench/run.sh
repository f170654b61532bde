#!/bin/sh
# make bench: runs every regress/bench/bench_*.sh in order.  Each prints
# its figures next to a reference measured in the same run, as ratios:
# this machine is shared and noisy, absolute numbers mean little.
cd "$(dirname "$0")" || exit 1
rc=0
for b in bench_*.sh; do
	[ -e "$b" ] || continue
	echo "== $b"
	sh "./$b" || rc=1
done
exit $rc
