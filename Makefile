# EtherGuard suite: egd, eg-supd, egctl.
#
# One non-recursive makefile.  Sources are found by directory:
#   common/SUB/*.c        -> build/lib/libeg_SUB.a, one per subsystem
#   egd/*.c but egd.c     -> build/lib/libegd.a;    egd.c (main) -> build/egd
#   eg-supd/*.c           -> build/lib/libegsupd.a; eg-supd.c -> build/eg-supd
#   egctl/*.c             -> build/lib/libegctl.a;  egctl.c -> build/egctl
#   regress/common/SUB/t_*.c -> build/regress/common/SUB/t_*, linked with
#                            libeg_SUB.a and the subsystems it builds on
#   regress/PROG/t_*.c    -> build/regress/PROG/t_*, linked with PROG's
#                            library (egd, supd, egctl)
#   regress/*/*.mk        -> extra test tools, each fragment adds to TOOLS
#   regress/fuzz/fuzz_*.c -> build/fuzz/fuzz_*   (make fuzz, clang libFuzzer;
#                            make fuzz-run runs each for FUZZ_TIME s)
# Tests are run by prove: compiled t_* programs and executable regress/*/*.t
# scripts, which print TAP.

PREFIX	?= /usr/local
DESTDIR	?=
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man

CC	?= cc
PKGS	= libevent libsodium yaml-0.1 jansson libbsd-overlay libseccomp libb2
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS	?= -O2 -g
CFLAGS	+= -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	   -Wshadow -Wpointer-arith -Wmissing-prototypes -Wstrict-prototypes \
	   -Wno-unused-parameter -fstack-protector-strong -D_FORTIFY_SOURCE=2 \
	   -fPIE -Icommon -I. $(PKG_CFLAGS)
LDFLAGS	+= -pie -Wl,-z,relro,-z,now
LDLIBS	+= $(PKG_LIBS) -lm

B	= build

# Quiet by default; make V=1 shows the commands.
ifeq ($(V),1)
Q	=
E	= @:
else
Q	= @
E	= @echo
endif

# The common subsystems, each on the ones after it: a program or test
# links its own library, then these in this order.
SUBSYS		= edgeapi wghost route wg overlay proc config util
DEPS_util	=
DEPS_config	= util
DEPS_proc	= config util
DEPS_overlay	= util
DEPS_wg		= util
DEPS_route	= proc config util
DEPS_wghost	= wg proc config util
DEPS_edgeapi	= route proc overlay config util
sublib		= $(foreach s,$(1),$(B)/lib/libeg_$(s).a)
COMMON_LIBS	:= $(call sublib,$(SUBSYS))

define subsys_rules
SRCS_$(1)	:= $$(sort $$(wildcard common/$(1)/*.c))
$(B)/lib/libeg_$(1).a: $$(SRCS_$(1):%.c=$(B)/obj/%.o)
endef
$(foreach s,$(SUBSYS),$(eval $(call subsys_rules,$(s))))

# Each program's library: all its files but the one holding main().
EGD_SRCS	:= $(filter-out egd/egd.c,$(sort $(wildcard egd/*.c)))
SUPD_SRCS	:= $(filter-out eg-supd/eg-supd.c,$(sort $(wildcard eg-supd/*.c)))
EGCTL_SRCS	:= $(filter-out egctl/egctl.c,$(sort $(wildcard egctl/*.c)))
LIBEGD		= $(B)/lib/libegd.a
LIBSUPD		= $(B)/lib/libegsupd.a
LIBEGCTL	= $(B)/lib/libegctl.a
$(LIBEGD): $(EGD_SRCS:%.c=$(B)/obj/%.o)
$(LIBSUPD): $(SUPD_SRCS:%.c=$(B)/obj/%.o)
$(LIBEGCTL): $(EGCTL_SRCS:%.c=$(B)/obj/%.o)

PROGS	= $(B)/egd $(B)/eg-supd $(B)/egctl
MANS	= $(sort $(wildcard man/*.[1-9]))

UNIT_SRCS	:= $(sort $(wildcard regress/*/t_*.c regress/common/*/t_*.c))
UNIT_TESTS	:= $(UNIT_SRCS:regress/%.c=$(B)/regress/%)
SCRIPT_TESTS	:= $(sort $(wildcard regress/*/*.t))

# Fragments add programs to TOOLS (test helpers such as netsim).
TOOLS	:=
-include $(sort $(wildcard regress/*/*.mk))

.PHONY: all deps test unit check-man fuzz fuzz-run bench demo install clean
# Keep objects of test programs: they are not throwaway intermediates.
.SECONDARY:
.DEFAULT_GOAL := all

all: $(PROGS) $(UNIT_TESTS) $(TOOLS)

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(E) "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/lib/%.a:
	@mkdir -p $(@D)
	@rm -f $@
	$(E) "  AR      $@"
	$(Q)$(AR) rcs $@ $^

$(B)/egd: $(B)/obj/egd/egd.o $(LIBEGD) $(COMMON_LIBS)
	$(E) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/eg-supd: $(B)/obj/eg-supd/eg-supd.o $(LIBSUPD) $(COMMON_LIBS)
	$(E) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/egctl: $(B)/obj/egctl/egctl.o $(LIBEGCTL) $(COMMON_LIBS)
	$(E) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# A unit test of common/SUB links that subsystem and what it builds on.
define subsys_test_rule
$(B)/regress/common/$(1)/%: $(B)/obj/regress/common/$(1)/%.o \
    $$(call sublib,$(1) $$(DEPS_$(1)))
	@mkdir -p $$(@D)
	$$(E) "  LD      $$@"
	$$(Q)$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach s,$(SUBSYS),$(eval $(call subsys_test_rule,$(s))))

# A program's unit tests link the program's library.
$(B)/regress/egd/%: $(B)/obj/regress/egd/%.o $(LIBEGD) $(COMMON_LIBS)
	@mkdir -p $(@D)
	$(E) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/regress/supd/%: $(B)/obj/regress/supd/%.o $(LIBSUPD) $(COMMON_LIBS)
	@mkdir -p $(@D)
	$(E) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/regress/egctl/%: $(B)/obj/regress/egctl/%.o $(LIBEGCTL) $(COMMON_LIBS)
	@mkdir -p $(@D)
	$(E) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Test tools (regress/*/*.mk) take what they use from the common libraries.
# A fragment's extra objects come after the pattern's prerequisites in $^;
# the objects go first so that the libraries resolve what they all use.
$(B)/regress/%: $(B)/obj/regress/%.o $(COMMON_LIBS)
	@mkdir -p $(@D)
	$(E) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter-out %.o,$^) \
	    $(LDLIBS)

# make deps: install the Debian packages the build and the tests need.
deps:
	@sh regress/lib/deps.sh

# Unit tests first (fast, no root needed), then the scripted ones
# (daemons, namespaces, interop).
test: deps
	$(MAKE) all
	$(MAKE) check-man
	prove $(UNIT_TESTS) $(SCRIPT_TESTS)

unit: all
	prove $(UNIT_TESTS)

check-man:
	mandoc -Tlint -W warning $(MANS)

FUZZ_SRCS	:= $(sort $(wildcard regress/fuzz/fuzz_*.c))
FUZZ_PROGS	:= $(FUZZ_SRCS:regress/fuzz/%.c=$(B)/fuzz/%)
FUZZ_CFLAGS	= -std=c11 -D_GNU_SOURCE -g -O1 -Icommon -I. $(PKG_CFLAGS) \
		  -fsanitize=fuzzer,address,undefined \
		  -fno-sanitize-recover=undefined -DFUZZING
# What each fuzz target is built with: the sources of the subsystems (or
# program files) whose parser it feeds, and of what they build on.
subsrcs		= $(foreach s,$(1),$(SRCS_$(s)))
FUZZ_WITH_fuzz_apiclient	= egd/control_apiclient.c egd/control_apiclient_post.c \
				  egd/parent_apisign.c \
				  egd/control_httpc.c \
				  $(call subsrcs,edgeapi $(DEPS_edgeapi))
FUZZ_WITH_fuzz_config		= $(call subsrcs,config util)
FUZZ_WITH_fuzz_ctlsrv		= $(call subsrcs,proc $(DEPS_proc))
FUZZ_WITH_fuzz_egd_rx		= $(filter-out egd/engine.c,$(filter egd/engine%,$(EGD_SRCS))) \
				  egd/egd_nhtable.c egd/egd_imsg.c \
				  $(sort $(call subsrcs,wghost edgeapi $(DEPS_wghost) \
				  $(DEPS_edgeapi)))
FUZZ_WITH_fuzz_edgeapi		= $(call subsrcs,edgeapi $(DEPS_edgeapi))
FUZZ_WITH_fuzz_edgeapi_json	= $(call subsrcs,edgeapi $(DEPS_edgeapi))
FUZZ_WITH_fuzz_fwdtable	= egd/engine_fwdtable.c egd/engine_rpf.c \
				  $(call subsrcs,config util)
FUZZ_WITH_fuzz_gencfg		= egctl/gencfg_input.c egctl/gencfg_build.c \
				  egctl/keys.c egctl/route_matrix.c \
				  $(call subsrcs,route $(DEPS_route))
FUZZ_WITH_fuzz_gso		= egd/engine_gso.c $(call subsrcs,util)
FUZZ_WITH_fuzz_gro		= egd/engine_gro.c egd/engine_gso.c
FUZZ_WITH_fuzz_httpc		= egd/control_httpc.c $(call subsrcs,util)
FUZZ_WITH_fuzz_http		= $(filter eg-supd/control_http% \
				  eg-supd/control_manage%,$(SUPD_SRCS)) \
				  eg-supd/manage_msg.c eg-supd/parent_manage_auth.c \
				  eg-supd/parent_edgeauth.c \
				  $(call subsrcs,edgeapi $(DEPS_edgeapi))
FUZZ_WITH_fuzz_edge_auth	= eg-supd/parent_edgeauth.c \
				  $(sort $(call subsrcs,edgeapi config proc \
				  $(DEPS_edgeapi) $(DEPS_config) $(DEPS_proc)))
FUZZ_WITH_fuzz_manage_msg	= eg-supd/manage_msg.c \
				  eg-supd/parent_manage_auth.c \
				  eg-supd/control_manage_parse.c \
				  eg-supd/control_manage_form.c \
				  $(sort $(call subsrcs,edgeapi config \
				  $(DEPS_edgeapi) $(DEPS_config)))
FUZZ_WITH_fuzz_imsg		= common/proc/imsg.c
FUZZ_WITH_fuzz_resolve_answer	= common/proc/resolve_check.c
FUZZ_WITH_fuzz_ifio		= egd/engine_ifio.c egd/engine_gso.c \
				  $(call subsrcs,util)
FUZZ_WITH_fuzz_manage_parse	= eg-supd/control_manage_parse.c \
				  eg-supd/control_manage_form.c \
				  $(call subsrcs,edgeapi $(DEPS_edgeapi))
FUZZ_WITH_fuzz_matrix		= egctl/route_matrix.c \
				  $(call subsrcs,route $(DEPS_route))
FUZZ_WITH_fuzz_netsim_ctl	= $(call subsrcs,util)
FUZZ_WITH_fuzz_overlay		= $(call subsrcs,overlay $(DEPS_overlay))
FUZZ_WITH_fuzz_ovldup		= $(call subsrcs,overlay $(DEPS_overlay))
FUZZ_WITH_fuzz_ovlmsg		= $(call subsrcs,overlay $(DEPS_overlay))
FUZZ_WITH_fuzz_route		= eg-supd/route_sample.c \
				  $(call subsrcs,route $(DEPS_route))
FUZZ_WITH_fuzz_supd_rx		= eg-supd/engine_edges.c eg-supd/supd_imsg.c \
				  $(call subsrcs,wghost overlay $(DEPS_wghost))
FUZZ_WITH_fuzz_wg		= $(call subsrcs,wg $(DEPS_wg))

fuzz: $(FUZZ_PROGS)

# Every target in turn, FUZZ_TIME seconds each (FUZZ_TARGETS: only
# those); not part of make test.  regress/fuzz/run.sh says what it keeps.
FUZZ_TIME	?= 60
fuzz-run: fuzz
	@FUZZ_TIME="$(FUZZ_TIME)" FUZZ_TARGETS="$(FUZZ_TARGETS)" \
	    sh regress/fuzz/run.sh $(FUZZ_PROGS)

.SECONDEXPANSION:
$(B)/fuzz/%: regress/fuzz/%.c $$(FUZZ_WITH_%)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_WITH_$*) $(LDLIBS)

bench: all
	@sh regress/bench/run.sh

demo: deps
	$(MAKE) all
	@sh regress/demo/run.sh

install: $(PROGS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0555 $(B)/egd $(B)/eg-supd $(B)/egctl $(DESTDIR)$(SBINDIR)/
	for m in $(MANS); do \
		s=$${m##*.}; install -m 0444 $$m $(DESTDIR)$(MANDIR)/man$$s/; \
	done
	@# The users belong to the machine, not to a staging directory.
	@if [ -n "$(DESTDIR)" ]; then \
		echo "DESTDIR set: create the users _egd and _egsupd on the target"; \
	elif [ "$$(id -u)" != 0 ]; then \
		echo "not root: create the users _egd and _egsupd as root"; \
	else \
		for u in _egd _egsupd; do \
			getent passwd $$u >/dev/null && continue; \
			echo "creating user $$u"; \
			useradd --system --home-dir /var/empty --no-create-home \
			    --shell /usr/sbin/nologin --user-group $$u || exit 1; \
		done; \
	fi

clean:
	rm -rf $(B)

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
