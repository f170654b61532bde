# t_http_edge drives eg-supd's EdgeAPI server and egd's EdgeAPI client in
# one process: it links both programs' libraries.
$(B)/regress/supd/t_http_edge: $(B)/obj/regress/supd/t_http_edge.o \
    $(LIBSUPD) $(LIBEGD) $(COMMON_LIBS)
	@mkdir -p $(@D)
	$(E) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# managemsg: IMSG_SUPD_MANAGE payloads as a hostile control would send
# them (regress/supd/manage_forge.t).
TOOLS	+= $(B)/regress/supd/managemsg
$(B)/regress/supd/managemsg: $(B)/obj/regress/supd/managemsg.o $(LIBSUPD) \
    $(COMMON_LIBS)
	@mkdir -p $(@D)
	$(E) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
