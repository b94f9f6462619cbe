#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 05-kmemleak-clear.sh - on a kernel with kmemleak (the debug kernel), make
# it forget what it suspects from boot, so that 99-kmemleak.sh, run later
# in the same boot, sees only what the cases between them left (lib.sh's
# kml_forget: two scans, then clear; what boot left is shown as
# diagnostics).  One check: kmemleak took the scans and the clear.
# Needs: kmemleak (the debug kernel; elsewhere it skips).  Sets up: nothing:
# malloc_test is not used (in a whole run it was never loaded yet).  Leaves:
# kmemleak cleared, $MT_STATE/kmemleak-cleared (99 then does not clear
# again).

. "$(dirname "$0")/lib.sh"
ktap_start

[ -e "$KMEMLEAK" ] || mt_exit_skip "this kernel has no kmemleak ($KMEMLEAK)"
if kml_forget; then
	pass "kmemleak: what boot left is forgotten (two scans, then clear)"
	mkdir -p "$MT_STATE"
	echo "$MT_BOOT" >"$MT_STATE/kmemleak-cleared"
else
	fail "kmemleak: what boot left is forgotten (two scans, then clear)" \
		"kmemleak refused a write: $(dmesg | grep kmemleak | tail -n 5)"
fi
mt_exit
