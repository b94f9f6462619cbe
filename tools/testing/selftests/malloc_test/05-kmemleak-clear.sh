# SPDX-License-Identifier: GPL-2.0
# 05-kmemleak-clear.sh - on a kernel with kmemleak (the debug kernel), make
# it forget what it suspects from boot, so that 99-kmemleak.sh sees only
# what the suite left.  "clear" forgets only what a scan has reported, and
# a scan reports an object only when it was already there, unchanged, at
# the scan before: two scans, then clear.  No check of its own: what boot
# left is shown as diagnostics.
# Expects: module not loaded.  Leaves: the same.

KMEMLEAK=/sys/kernel/debug/kmemleak

if [ -e "$KMEMLEAK" ]; then
	nowv _k0
	echo scan >"$KMEMLEAK" 2>/dev/null
	sleep 1
	echo scan >"$KMEMLEAK" 2>/dev/null
	nowv _k1
	slurp _kboot "$KMEMLEAK"
	_kn=$(printf '%s\n' "$_kboot" | grep -c '^unreferenced object')
	diag "kmemleak: two scans took $((_k1 - _k0)) ms; $_kn suspected leak(s) from boot, cleared"
	[ "$_kn" = 0 ] || diag "$(printf '%s\n' "$_kboot" | head -n 40)"
	echo clear >"$KMEMLEAK" 2>/dev/null
fi
