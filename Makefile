# SPDX-License-Identifier: GPL-2.0
#
# make            build malloc_test.ko against KDIR (the running kernel's)
#                 and mtctl, its command-line client (build/mtctl)
# make install    install the module (modules_install, depmod), mtctl and
#                 its man page; make uninstall removes them
# make run        build, boot a throwaway VM, show the module at work
# make shell      the same VM, left at its shell with the module loaded
# make bench      build, boot one VM, print the allocators' benchmark table
#                 (also in build/bench.txt; see Documentation/bench.rst)
# make check      checkpatch, builds and the whole suite on every kernel
# make clean      remove what the builds made

KDIR ?= /lib/modules/$(shell uname -r)/build
# The kernel `make run` and `make shell` boot: 6.1, 6.12 or debug.
VM_KERNEL ?= 6.12
# The kernel `make bench` boots.
BENCH_KERNEL ?= 6.12

SOURCES := Kbuild $(wildcard mt_*.c mt_*.h malloc_test.h)

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
TOOL_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Wshadow -Wformat=2 \
		-Wstrict-prototypes -Wmissing-prototypes $(CFLAGS)
# What the VM's guests run: the client, the fuzzer, the storm, the
# bookkeeping's scale bench.
GUEST_TOOLS := build/bin/mtctl build/bin/mtfuzz build/bin/mtstorm build/bin/mtscale

all: modules build/mtctl

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

build/mtctl: tools/mtctl.c tools/mt_errno.h
	@mkdir -p build
	$(CC) $(TOOL_CFLAGS) -o $@ $< $(LDFLAGS)

# Static, for the VM's busybox initramfs.
build/bin/%: tools/%.c tools/mt_errno.h
	@mkdir -p build/bin
	$(CC) $(TOOL_CFLAGS) -static -pthread -o $@ $<

guest-tools: $(GUEST_TOOLS)

# The man page, from its reStructuredText (Debian: python3-docutils).
build/mtctl.8: Documentation/mtctl.rst
	@mkdir -p build
	rst2man --halt=warning $< $@

# Distribution headers carry no signing key: install the module unsigned.
install: modules build/mtctl build/mtctl.8
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		CONFIG_MODULE_SIG_ALL= modules_install
	[ -n "$(DESTDIR)" ] || depmod -a "$$(cat $(KDIR)/include/config/kernel.release)"
	install -D -m 0755 build/mtctl $(DESTDIR)$(PREFIX)/sbin/mtctl
	install -D -m 0644 build/mtctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/mtctl.8

uninstall:
	rm -f $(DESTDIR)/lib/modules/"$$(cat $(KDIR)/include/config/kernel.release)"/*/malloc_test.ko*
	[ -n "$(DESTDIR)" ] || depmod -a "$$(cat $(KDIR)/include/config/kernel.release)"
	rm -f $(DESTDIR)$(PREFIX)/sbin/mtctl $(DESTDIR)$(PREFIX)/share/man/man8/mtctl.8

# One build tree per kernel the VM boots, so builds never mix.
build/%/malloc_test.ko: $(SOURCES)
	@mkdir -p build/$*
	@cp $(SOURCES) build/$*/
	$(MAKE) -C "$$(tools/vm.sh kdir $*)" M=$(CURDIR)/build/$* W=1 modules

run: build/$(VM_KERNEL)/malloc_test.ko build/bin/mtctl
	tools/vm.sh boot $(VM_KERNEL) --module $< --script tools/demo.sh \
		--bin build/bin --out build/run-$(VM_KERNEL) --timeout 300 --follow

shell: build/$(VM_KERNEL)/malloc_test.ko build/bin/mtctl
	tools/vm.sh boot $(VM_KERNEL) --module $< --script tools/shell.sh \
		--bin build/bin --interactive --timeout 86400

# One boot runs every bench (tools/bench-guest.sh): about two minutes on
# a 2-CPU host, ten at most (the benches have time limits).
bench: build/$(BENCH_KERNEL)/malloc_test.ko build/bin/mtscale
	tools/bench.sh --kernel $(BENCH_KERNEL)

check:
	tools/check.sh

clean:
	rm -rf build .tmp_versions
	for d in . kunit; do \
		(cd $$d && rm -f *.o *.ko *.mod *.mod.c .*.cmd Module.symvers \
			modules.order); \
	done

.PHONY: all guest-tools modules install uninstall run shell bench check clean
