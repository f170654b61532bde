# Interop test tools: wgpeer (our WireGuard code between a TUN device
# and UDP) and udpflow (numbered UDP flow and its counting receiver).
# Both are built by the generic $(B)/regress/% rule; wgpeer adds
# regress/lib/wgmember.o (its keys and clock).
TOOLS	+= $(B)/regress/wgpeer/wgpeer $(B)/regress/wgpeer/udpflow
$(B)/regress/wgpeer/wgpeer: $(B)/obj/regress/lib/wgmember.o
