#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run.sh - the malloc_test guest suite: KTAP on stdout.
#
# Run inside the VM as "sh /mt/tests/run.sh", module not loaded yet.  Sources
# lib.sh, then every numbered case file of this directory in order, in this
# same shell: state carries from one to the next, and each leaves the module
# in a known state (see the head of each file).

MT_TESTS=${MT_TESTS:-${0%/*}}
. "$MT_TESTS/lib.sh"

ktap_start
diag "malloc_test guest suite, kernel $(uname -r) (${KVER:-?})"
# harness/vm.sh boots TCG guests without CX16: QEMU 7.2's TCG can corrupt
# EFLAGS after cmpxchg16b, which kills a guest at random in SLUB's fast path.
if grep -q '^model name.*QEMU TCG' /proc/cpuinfo; then
	check_eq "TCG guest: the CPU offers no cx16 (QEMU's cmpxchg16b flags bug)" \
		"$(grep -m1 '^flags' /proc/cpuinfo | grep -cw cx16)" 0
fi
nowv MT_T0
for MT_CASE in "$MT_TESTS"/[0-9][0-9]-*.sh; do
	[ -r "$MT_CASE" ] || continue
	nowv MT_C0
	diag "--- ${MT_CASE##*/}"
	. "$MT_CASE"
	# every case leaves nothing running: the charges must add up
	if [ -r "$D/mem_used" ]; then
		if charges_add_up MT_CP; then
			pass "after ${MT_CASE##*/}: mem_used's charges add up, within max_bytes"
		else
			fail "after ${MT_CASE##*/}: mem_used's charges add up, within max_bytes" "$MT_CP" "$(cat "$D/mem_used")"
		fi
	fi
	nowv MT_C1
	diag "--- ${MT_CASE##*/} took $((MT_C1 - MT_C0)) ms"
done
nowv MT_T1
diag "suite took $((MT_T1 - MT_T0)) ms"
ktap_finish
[ "$KTAP_FAIL" = 0 ]
