# SPDX-License-Identifier: GPL-2.0
#
# make            build malloc_test.ko against KDIR (the running kernel's)
#                 and mtctl, its command-line client (build/mtctl)
# make install    install the module (modules_install, depmod), mtctl and
#                 its man page; make uninstall removes them
# make dkms-install  the module through DKMS (make dkms-uninstall removes it)
# make run        build, boot a throwaway VM, show the module at work
# make shell      the same VM, left at its shell with the module loaded
# make bench      build, boot one VM, print the allocators' benchmark table
#                 (also in build/bench.txt; see Documentation/bench.rst)
# make compare A=6.1 B=6.12  the same benches on two kernels in
#                 alternating boots (ROUNDS=5 of each), one table of B's
#                 ns/op against A's with the change's 95% confidence
#                 interval, and the latency CDFs overlaid, in build/compare/
#                 (see Documentation/compare.rst).  APPEND_A=, APPEND_B=
#                 add kernel command line to one side (B=6.12
#                 APPEND_B=slub_debug=FZPU); C= a third kernel; FROM=DIR
#                 the table again from an earlier run, without booting
# make check      checkpatch, builds and the whole suite on every kernel,
#                 one guest boot per kernel.  KERNELS="6.1 6.12 debug"
#                 restricts the kernels; TESTS="realloc contexts" the guest
#                 cases, to those whose file name contains one of its words
#                 (the install, DKMS, compat and documentation checks are
#                 then skipped): make check TESTS=realloc KERNELS=6.12
# make kunit      malloc_test.ko with its KUnit suites inside, against the
#                 debug kernel (KUNIT_KERNEL): build/debug-kunit/malloc_test.ko
# make clean      remove what the builds made
#
# KERNEL=K on run, shell, bench, check and kunit picks the kernel: a lane,
# a Debian release of one, or your own built tree (make run KERNEL=~/linux)

KDIR ?= /lib/modules/$(shell uname -r)/build
# KERNEL=K: the one kernel that run, shell, bench, check and kunit use.  K
# is a lane (6.1, 6.12, debug), the release of a lane's Debian kernel, or
# the path of a kernel tree built for x86_64 (.config, bzImage,
# Module.symvers): make check KERNEL=~/linux.  harness/vm.sh checks a
# tree's .config and refuses what the harness cannot boot, saying why.
KERNEL ?=
# The kernel `make run` and `make shell` boot.
VM_KERNEL ?= $(or $(KERNEL),6.12)
# The kernel `make bench` boots.
BENCH_KERNEL ?= $(or $(KERNEL),6.12)
# The kernel `make kunit` builds against: one with CONFIG_KUNIT.
KUNIT_KERNEL ?= $(or $(KERNEL),debug)
# What `make check` runs (empty: everything): kernels, and guest cases by
# a word of their name.  The environment's MT_KERNELS and MT_TESTS_SELECT,
# which harness/check.sh reads, do the same.
KERNELS ?= $(or $(KERNEL),$(MT_KERNELS))
TESTS ?= $(MT_TESTS_SELECT)

SOURCES := Kbuild $(wildcard mt_*.c mt_*.h malloc_test.h)
# Each unit's KUnit tests, which it includes under Kbuild's MT_KUNIT=y:
# not sources of the module users build, so neither make install nor
# DKMS takes them.
KUNIT_SOURCES := $(wildcard kunit/*-kunit.h)

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
# tools/mtctl/Makefile builds mtctl with these same flags: keep the two
# in step.  tools/include/ holds the header the tools share (mt_errno.h).
TOOL_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Wshadow -Wformat=2 \
		-Wstrict-prototypes -Wmissing-prototypes -Itools/include $(CFLAGS)
# What the VM's guests run: the client, the fuzzer, the storm, the
# bookkeeping's scale bench.
GUEST_TOOLS := build/bin/mtctl build/bin/mtfuzz build/bin/mtstorm build/bin/mtscale

all: modules build/mtctl

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# mtctl compiles the module's grammar (mt_grammar.c), the one table of
# what each command takes.
MTCTL_SRC := tools/mtctl/mtctl.c mt_grammar.c
MTCTL_DEPS := $(MTCTL_SRC) mt_grammar.h tools/include/mt_errno.h

build/mtctl: $(MTCTL_DEPS)
	@mkdir -p build
	$(CC) $(TOOL_CFLAGS) -I. -o $@ $(MTCTL_SRC) $(LDFLAGS)

# Static, for the VM's busybox initramfs.
build/bin/mtctl: $(MTCTL_DEPS)
	@mkdir -p build/bin
	$(CC) $(TOOL_CFLAGS) -I. -static -pthread -o $@ $(MTCTL_SRC)

# The suite's own programs (tools/testing/selftests/malloc_test/, whose
# Makefile builds them the same way on its own).
SELFTESTS := tools/testing/selftests/malloc_test
build/bin/%: $(SELFTESTS)/%.c tools/include/mt_errno.h
	@mkdir -p build/bin
	$(CC) $(TOOL_CFLAGS) -static -pthread -o $@ $<

guest-tools: $(GUEST_TOOLS)

# The man page, from its reStructuredText (Debian: python3-docutils).
build/mtctl.8: Documentation/mtctl.rst
	@mkdir -p build
	rst2man --halt=warning $< $@

# KDIR's kernel, by the release its modules' vermagic carries (Debian's
# 6.1 headers have another in include/config/kernel.release).  ".define":
# no "#" in a make variable.
KREL = $(shell sed -n 's/^.define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

# Distribution headers carry no signing key: install the module unsigned.
# depmod runs here, never into DESTDIR (a full build tree would have
# kbuild's modules_install run it there).
install: modules build/mtctl build/mtctl.8
	test -n "$(KREL)"
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		CONFIG_MODULE_SIG_ALL= DEPMOD=true modules_install
	[ -n "$(DESTDIR)" ] || depmod -a "$(KREL)"
	install -D -m 0755 build/mtctl $(DESTDIR)$(PREFIX)/sbin/mtctl
	install -D -m 0644 build/mtctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/mtctl.8

uninstall:
	test -n "$(KREL)"
	rm -f $(DESTDIR)/lib/modules/"$(KREL)"/*/malloc_test.ko*
	[ -n "$(DESTDIR)" ] || depmod -a "$(KREL)"
	rm -f $(DESTDIR)$(PREFIX)/sbin/mtctl $(DESTDIR)$(PREFIX)/share/man/man8/mtctl.8

# One build tree per kernel the VM boots, so builds never mix.
build/%/malloc_test.ko: $(SOURCES)
	@mkdir -p build/$*
	@cp $(SOURCES) build/$*/
	$(MAKE) -C "$$(harness/vm.sh kdir $*)" M=$(CURDIR)/build/$* W=1 modules

# The same module with its KUnit suites inside (Kbuild's MT_KUNIT=y), in
# a tree of its own: it never mixes with build/debug/'s plain module.  A
# kernel without KUnit is refused before kbuild starts.
build/%-kunit/malloc_test.ko: $(SOURCES) $(KUNIT_SOURCES)
	@kdir=$$(harness/vm.sh kdir $*) || exit 1; \
	grep -qsE '^CONFIG_KUNIT=(y|m)$$' "$$kdir/include/config/auto.conf" || { \
		echo "malloc_test's KUnit tests need a kernel with CONFIG_KUNIT, and $*'s ($$kdir) has none: build them against debug" >&2; \
		exit 1; }
	@rm -rf build/$*-kunit
	@mkdir -p build/$*-kunit/kunit
	@cp $(SOURCES) build/$*-kunit/
	@cp $(KUNIT_SOURCES) build/$*-kunit/kunit/
	$(MAKE) -C "$$(harness/vm.sh kdir $*)" M=$(CURDIR)/build/$*-kunit W=1 \
		MT_KUNIT=y modules

# A shell fragment: NAME is what vm.sh calls kernel $(1), which it checks
# first (a tree it cannot boot is refused before anything is built); then
# build/NAME/malloc_test.ko is built for it, again when the kernel was
# built after the module, and the targets $(2).
kmodule = name=$$(harness/vm.sh name "$(1)") && \
	kdir=$$(harness/vm.sh kdir "$$name") && \
	{ [ ! "$$kdir/Module.symvers" -nt "build/$$name/malloc_test.ko" ] || \
		rm -f "build/$$name/malloc_test.ko"; } && \
	$(MAKE) --no-print-directory "build/$$name/malloc_test.ko" $(2)

kunit:
	@name=$$(harness/vm.sh name "$(KUNIT_KERNEL)") && \
		$(MAKE) --no-print-directory "build/$$name-kunit/malloc_test.ko"

run:
	@$(call kmodule,$(VM_KERNEL),build/bin/mtctl) && \
	harness/vm.sh describe "$$name" && \
	harness/vm.sh boot "$$name" --module "build/$$name/malloc_test.ko" \
		--script harness/demo.sh --bin build/bin --out "build/run-$$name" \
		--timeout 300 --follow

shell:
	@$(call kmodule,$(VM_KERNEL),build/bin/mtctl) && \
	harness/vm.sh describe "$$name" && \
	harness/vm.sh boot "$$name" --module "build/$$name/malloc_test.ko" \
		--script harness/shell.sh --bin build/bin --interactive --timeout 86400

# One boot runs every bench (harness/bench-guest.sh): about two minutes on
# a 2-CPU host, ten at most (the benches have time limits).
bench:
	@$(call kmodule,$(BENCH_KERNEL),build/bin/mtscale) && \
	harness/bench.sh --kernel "$$name"

# Each side's module is built by harness/compare.sh, which knows its name.
compare:
	harness/compare.sh $(if $(FROM),--from "$(FROM)",A="$(A)" B="$(B)" \
		$(if $(C),C="$(C)") $(if $(ROUNDS),ROUNDS="$(ROUNDS)") \
		$(if $(OUT),OUT="$(OUT)") $(if $(TIMEOUT),TIMEOUT="$(TIMEOUT)") \
		APPEND_A="$(APPEND_A)" APPEND_B="$(APPEND_B)" APPEND_C="$(APPEND_C)")

check:
	MT_KERNELS="$(KERNELS)" MT_TESTS_SELECT="$(TESTS)" harness/check.sh

clean:
	rm -rf build .tmp_versions
	rm -f *.o *.ko *.mod *.mod.c .*.cmd Module.symvers modules.order

# ------------------------------------------------------------------ DKMS
# As root, with dkms (Documentation/install.rst): the module's sources go
# to DKMS_SRC, dkms adds them once, then builds and installs the module for
# KDIR's kernel (KREL), again on each call (--force).  dkms-uninstall removes
# the module from every kernel, and its sources.  DKMS may carry options
# (harness/dkms-check.sh gives it scratch trees).
DKMS ?= dkms
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
DKMS_MODULE := malloc_test/$(DKMS_VERSION)
DKMS_SRC ?= /usr/src/malloc_test-$(DKMS_VERSION)

dkms-install: $(SOURCES) dkms.conf
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)
	install -m 0644 $^ $(DKMS_SRC)/
	test -n "$$($(DKMS) status $(DKMS_MODULE))" || $(DKMS) add $(DKMS_MODULE)
	test -n "$(KREL)"
	$(DKMS) build $(DKMS_MODULE) -k "$(KREL)" --kernelsourcedir $(KDIR) --force
	$(DKMS) install $(DKMS_MODULE) -k "$(KREL)" --kernelsourcedir $(KDIR) --force

dkms-uninstall:
	test -z "$$($(DKMS) status $(DKMS_MODULE))" || \
		$(DKMS) remove $(DKMS_MODULE) --all
	rm -rf $(DKMS_SRC)

.PHONY: all guest-tools modules install uninstall kunit run shell bench compare check \
	clean dkms-install dkms-uninstall
