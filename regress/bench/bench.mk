# Benchmark tools, built by the pattern rule for $(B)/regress/%.
TOOLS	+= $(B)/regress/bench/route_bench
