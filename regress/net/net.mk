# Tools of the static-mode tests in regress/net: ifpeer (the far side
# of egd's socket interfaces) and wgjunk (bad datagrams and handshake
# floods).  Both are built by the generic $(B)/regress/% rule.
TOOLS	+= $(B)/regress/net/ifpeer $(B)/regress/net/wgjunk
$(B)/regress/net/wgjunk: $(B)/obj/regress/net/wgjunk_flood.o
# p2pstorm: a hostile P2P-mode member flooding control messages
# (regress/net/p2p_flood.t).
TOOLS	+= $(B)/regress/net/p2pstorm
