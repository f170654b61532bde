# Interop test tools: wgpeer (our WireGuard code between a TUN device
# and UDP) and udpflow (numbered UDP flow and its counting receiver).
# Both are built by the generic $(B)/regress/% rule.
TOOLS	+= $(B)/regress/wgpeer/wgpeer $(B)/regress/wgpeer/udpflow
