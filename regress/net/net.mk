# Tools of the tests in regress/net: ifpeer (the far side of egd's
# socket interfaces), wgjunk (bad datagrams and handshake floods) and
# httpabuse (slow connections and password guessing against eg-supd's
# HTTP APIs).  All are built by the generic $(B)/regress/% rule; those
# on a WireGuard socket add regress/lib/wgmember.o.
WGMEMBER_OBJ	= $(B)/obj/regress/lib/wgmember.o
TOOLS	+= $(B)/regress/net/ifpeer $(B)/regress/net/wgjunk \
	   $(B)/regress/net/httpabuse
$(B)/regress/net/wgjunk: $(B)/obj/regress/net/wgjunk_flood.o $(WGMEMBER_OBJ)
# p2pstorm: a hostile P2P-mode member flooding control messages
# (regress/net/p2p_flood.t).
TOOLS	+= $(B)/regress/net/p2pstorm
$(B)/regress/net/p2pstorm: $(WGMEMBER_OBJ)
# ovlforge: a static-mode member forging frame sources and TTLs
# (regress/net/static_forge.t).
TOOLS	+= $(B)/regress/net/ovlforge
$(B)/regress/net/ovlforge: $(WGMEMBER_OBJ)
