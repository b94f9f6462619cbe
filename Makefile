# SPDX-License-Identifier: GPL-2.0
#
# make            build malloc_test.ko against KDIR (the running kernel's)
# make run        build, boot a throwaway VM, show the module at work
# make shell      the same VM, left at its shell with the module loaded
# make check      checkpatch, builds and the whole suite on every kernel
# make clean      remove what the builds made

KDIR ?= /lib/modules/$(shell uname -r)/build
# The kernel `make run` and `make shell` boot: 6.1 or 6.12.
VM_KERNEL ?= 6.12

SOURCES := Kbuild $(wildcard mt_*.c mt_*.h malloc_test.h)

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# One build tree per kernel the VM boots, so builds never mix.
build/%/malloc_test.ko: $(SOURCES)
	@mkdir -p build/$*
	@cp $(SOURCES) build/$*/
	$(MAKE) -C "$$(tools/vm.sh kdir $*)" M=$(CURDIR)/build/$* W=1 modules

run: build/$(VM_KERNEL)/malloc_test.ko
	tools/vm.sh boot $(VM_KERNEL) --module $< --script tools/demo.sh \
		--out build/run-$(VM_KERNEL) --timeout 300 --follow

shell: build/$(VM_KERNEL)/malloc_test.ko
	tools/vm.sh boot $(VM_KERNEL) --module $< --script tools/shell.sh \
		--interactive --timeout 86400

check:
	tools/check.sh

clean:
	rm -rf build .tmp_versions
	rm -f *.o *.ko *.mod *.mod.c .*.cmd Module.symvers modules.order

.PHONY: all modules run shell check clean
