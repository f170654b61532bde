#!/bin/sh
# WireGuard transport cost: in-place encrypt+decrypt of 1400-byte
# packets through common/wg/ against raw libsodium on the same buffer,
# in the same run, reported as a ratio.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
echo "== bench_wg: WireGuard transport encrypt+decrypt, one core"
exec "$TOP/build/regress/bench/wgbench" "$@"
