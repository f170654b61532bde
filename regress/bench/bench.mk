# Benchmark tools, built by the generic $(B)/regress/% rule.
TOOLS	+= $(B)/regress/bench/wgbench $(B)/regress/bench/route_bench
