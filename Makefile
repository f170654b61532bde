# EtherGuard suite: egd, eg-supd, egctl.
#
# One non-recursive makefile.  Sources are found by directory:
#   common/*.c            -> build/libcommon.a
#   egd/*.c               -> build/egd
#   eg-supd/*.c           -> build/eg-supd
#   egctl/*.c             -> build/egctl
#   regress/*/t_*.c       -> build/regress/*/t_*  (one TAP test program each)
#   regress/*/*.mk        -> extra test tools, each fragment adds to TOOLS
#   regress/fuzz/fuzz_*.c -> build/fuzz/fuzz_*   (make fuzz, clang libFuzzer)
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
	   -fPIE -Icommon $(PKG_CFLAGS)
LDFLAGS	+= -pie -Wl,-z,relro,-z,now
LDLIBS	+= $(PKG_LIBS) -lm -lpthread

B	= build

# Quiet by default; make V=1 shows the commands.
ifeq ($(V),1)
Q	=
E	= @:
else
Q	= @
E	= @echo
endif

COMMON_SRCS	:= $(sort $(wildcard common/*.c))
EGD_SRCS	:= $(sort $(wildcard egd/*.c))
SUPD_SRCS	:= $(sort $(wildcard eg-supd/*.c))
EGCTL_SRCS	:= $(sort $(wildcard egctl/*.c))
COMMON_OBJS	:= $(COMMON_SRCS:%.c=$(B)/obj/%.o)
EGD_OBJS	:= $(EGD_SRCS:%.c=$(B)/obj/%.o)
SUPD_OBJS	:= $(SUPD_SRCS:%.c=$(B)/obj/%.o)
EGCTL_OBJS	:= $(EGCTL_SRCS:%.c=$(B)/obj/%.o)
LIBCOMMON	= $(B)/libcommon.a

# A program is built once its directory has sources.
PROGS	= $(if $(EGD_SRCS),$(B)/egd) $(if $(SUPD_SRCS),$(B)/eg-supd) \
	  $(if $(EGCTL_SRCS),$(B)/egctl)
MANS	= $(sort $(wildcard man/*.[1-9]))

UNIT_SRCS	:= $(sort $(wildcard regress/*/t_*.c))
UNIT_TESTS	:= $(UNIT_SRCS:regress/%.c=$(B)/regress/%)
SCRIPT_TESTS	:= $(sort $(wildcard regress/*/*.t))

# Fragments add programs to TOOLS (test helpers such as netsim).
TOOLS	:=
-include $(sort $(wildcard regress/*/*.mk))

.PHONY: all deps test unit check-man fuzz bench demo install clean
# Keep objects of test programs: they are not throwaway intermediates.
.SECONDARY:
.DEFAULT_GOAL := all

all: $(PROGS) $(UNIT_TESTS) $(TOOLS)

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(E) "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIBCOMMON): $(COMMON_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(E) "  AR      $@"
	$(Q)$(AR) rcs $@ $^

$(B)/egd: $(EGD_OBJS) $(LIBCOMMON)
	$(E) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/eg-supd: $(SUPD_OBJS) $(LIBCOMMON)
	$(E) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/egctl: $(EGCTL_OBJS) $(LIBCOMMON)
	$(E) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/regress/%: $(B)/obj/regress/%.o $(LIBCOMMON)
	@mkdir -p $(@D)
	$(E) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

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
FUZZ_CFLAGS	= -std=c11 -D_GNU_SOURCE -g -O1 -Icommon $(PKG_CFLAGS) \
		  -fsanitize=fuzzer,address,undefined -DFUZZING

fuzz: $(FUZZ_PROGS)

$(B)/fuzz/%: regress/fuzz/%.c $(COMMON_SRCS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $< $(COMMON_SRCS) $(LDLIBS)

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
