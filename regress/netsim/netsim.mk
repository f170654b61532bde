# netsim, the WAN emulator of the multi-node tests, and nsprobe, its
# traffic prober (see regress/netsim/README.md).
NETSIM_SRCS	:= regress/netsim/netsim.c regress/netsim/ctl.c \
		   regress/netsim/ctl_parse.c regress/netsim/daemon.c \
		   regress/netsim/fwd.c regress/netsim/nsenv.c \
		   regress/netsim/sysrun.c
NETSIM_OBJS	:= $(NETSIM_SRCS:%.c=$(B)/obj/%.o)

TOOLS	+= $(B)/regress/netsim/netsim $(B)/regress/netsim/nsprobe

$(B)/regress/netsim/netsim: $(NETSIM_OBJS) $(call sublib,util)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
