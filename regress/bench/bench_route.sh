#!/bin/sh
# Route engine: blocked Floyd-Warshall against the textbook loop, same run.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
exec "$TOP/build/regress/bench/route_bench" "$@"
