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
nowv MT_T0
for MT_CASE in "$MT_TESTS"/[0-9][0-9]-*.sh; do
	[ -r "$MT_CASE" ] || continue
	nowv MT_C0
	diag "--- ${MT_CASE##*/}"
	. "$MT_CASE"
	nowv MT_C1
	diag "--- ${MT_CASE##*/} took $((MT_C1 - MT_C0)) ms"
done
nowv MT_T1
diag "suite took $((MT_T1 - MT_T0)) ms"
ktap_finish
[ "$KTAP_FAIL" = 0 ]
