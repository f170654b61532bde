# The HTTP tests drive eg-supd's HTTP side and egd's EdgeAPI client in
# one process: they link those files with libcommon (objects before the
# library, so they cannot use the generic $(B)/regress/% rule).
HTTP_TEST_SRCS	:= $(sort $(wildcard eg-supd/http_*.c egd/apiclient*.c))
HTTP_TEST_OBJS	:= $(HTTP_TEST_SRCS:%.c=$(B)/obj/%.o)
HTTP_TESTS	:= $(B)/regress/supd/t_http_edge $(B)/regress/supd/t_http_manage

$(HTTP_TESTS): $(B)/regress/supd/%: $(B)/obj/regress/supd/%.o \
    $(HTTP_TEST_OBJS) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(E) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
