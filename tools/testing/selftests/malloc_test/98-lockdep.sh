#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 98-lockdep.sh - lockdep watched the module, and is still watching: every
# case before this one in the boot (the whole suite, in a full run) ran
# under PROVE_LOCKING on the debug kernel, and lockdep switches itself off
# (debug_locks: 0) at its first report, after which it proves nothing.
# So: the module's lock classes are known to lockdep (its pool spinlock,
# the tests mutex, the per-open mutex), and at the end debug_locks is
# still 1.  Kernels without lockdep skip the case.
# Needs: lockdep (/proc/lockdep, the debug kernel; else it skips).  Sets up
# (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): malloc_test not loaded.

. "$(dirname "$0")/lib.sh"
ktap_start

if [ ! -r /proc/lockdep_stats ] || [ ! -r /proc/lockdep ]; then
	mt_exit_skip "this kernel has no lockdep (/proc/lockdep_stats)"
fi
mt_setup

# take every lock: a kept chunk (pool), a test (tests mutex, its
# pool from the timer's work), a command's fd (per-open mutex)
run_ok mem_alloc 1 k
run_ok mem_test_start 16 64 4096 1 2 300
tid=$MT_OUT
wait_until 10000 eval 'tstat _a "$tid" allocations; [ "${_a:-0}" -gt 0 ]'
_E=
for cls in '&pool->lock' mt_tests_lock '&ctx->lock'; do
	grep -qF -- "$cls" /proc/lockdep ||
		_E="${_E}no lock class '$cls' in /proc/lockdep$NL"
done
verdict "lockdep knows malloc_test's locks: the pool spinlock, the tests mutex, the per-open mutex" \
	"$(grep -E 'pool|mt_|ctx' /proc/lockdep | head -n 10)"
mtw_wo mem_test_destroy_all x
mtw mem_free
unload
check "malloc_test is unloaded" eval '! loaded'
dl=
while read -r _k _v; do
	[ "$_k" = debug_locks: ] && dl=$_v
done </proc/lockdep_stats
check_eq "lockdep: debug_locks is still 1 after every case of this boot (no report switched it off)" \
	"$dl" 1 "$(dmesg | grep -iE 'lockdep|possible|DEBUG_LOCKS' | tail -n 5)"
mt_exit
