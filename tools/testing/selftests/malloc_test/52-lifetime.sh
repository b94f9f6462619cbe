#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 52-lifetime.sh - what bounds tests and commands: max_tests and each
# test's own memory, charged while it exists (mem_used's tests and
# overhead_bytes, the kernel's Percpu); a test's teardown runs without the
# lock its neighbours need; a test ends at its TOTAL_TIME even when its
# work is behind; mem_free frees a chunk out for a resize; success lines
# are rate-limited in the log.
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same (verbose, set
# for the success lines counted in the log, back to 0).

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

nr_possible NCPU

# --------------------------------------------------------- max_tests ---
param v max_tests
check_eq "max_tests defaults to 64" "$v" 64
param_ok() {
	setparam "$1" "$2"
	param _pv "$1"
	check_eq "$1 = '$2' is taken" "$MT_RC $_pv" "0 $2" "$MT_ERR"
}
for bad in 0 65537 abc -1; do
	setparam max_tests "$bad"
	param v max_tests
	check_eq "max_tests = '$bad' is refused with EINVAL, it stays 64" \
		"$MT_RC $v" "1 64" "$MT_ERR"
done
param_ok max_tests 3
used ob0 overhead_bytes
mi pc0 Percpu
LT=
for i in 1 2 3; do
	start_test T 1 2 100 1000 2000 60000
	LT="$LT $T"
done
used nt tests
used ob1 overhead_bytes
mi pc1 Percpu
ovs=0
for T in $LT; do
	tstat o "$T" overhead_bytes
	ovs=$((ovs + ${o:-0}))
done
_E=
expect_eq "tests" "$nt" 3
expect_eq "overhead_bytes' move vs the tests' overhead_bytes" $((ob1 - ob0)) "$ovs"
expect_range "each test's own memory (its per-CPU histograms at least)" $((ovs / 3)) $((5120 * NCPU)) $((5120 * NCPU + 65536))
expect_range "Percpu's rise (bytes)" $(((pc1 - pc0) * 1024)) 0 $((ovs + 65536))
verdict "3 tests: mem_used says tests 3, overhead_bytes their own memory ($ovs bytes), the kernel's Percpu rises by no more"
# (stopped, their statistics stay as they are: the refusals' state check)
for T in $LT; do
	run_ok mem_test_stop "$T"
done
refuse_why "3 tests exist, the most max_tests (3) allows: destroy one first" \
	ENOSPC mem_test_start 1 2 100 1000 2000 60000
set -- $LT
refuse_why "3 tests exist, the most max_tests (3) allows: destroy one first" \
	ENOSPC mem_test_start 1 2 100 1000 2000 60000
run_ok mem_test_destroy "$1"
start_test T 1 2 100 1000 2000 60000
check "once one is destroyed, a test starts again" isnum "$T"
mtw_wo mem_test_destroy_all
used ob2 overhead_bytes
used nt tests
check_eq "after mem_test_destroy_all: tests 0, overhead_bytes back where it was" "$nt $ob2" "0 $ob0"
# A loop of starts, as a script gone wrong would do, stops at max_tests
# with a reason, long before per-CPU memory runs out.
param_ok max_tests 64
n=0
while [ $n -lt 200 ] && mtw mem_test_start 1 2 100 1000 2000 60000; do
	n=$((n + 1))
done
check_eq "200 starts in a loop: 64 accepted, then ENOSPC" "$n $MT_ERR" "64 sh: write error: $E_ENOSPC" "$MT_OUT"
mtw_wo mem_test_destroy_all

# ------------------------------------ teardown outside the tests' lock ---
# Destroying a test checks and frees every chunk it holds without the
# lock other tests' commands and statistics take: while two tests holding
# 64 MiB of patterned 1 MiB chunks between them are destroyed, mem_test_list
# is read and a test started, before the destroy is over.
setparam check_content 1
LT=
for i in 1 2; do
	start_test T 1 1 96 1 1 60000 m alloc=vmalloc
	LT="$LT $T"
done
wait_until 60000 eval 'used _tb test_bytes; [ "${_tb:-0}" -ge 67108864 ]'
used tb test_bytes
(echo x >"$D/mem_test_destroy_all") 2>/dev/null &
DP=$!
sleep 0.05
slurp l "$D/mem_test_list"
start_test T 1 2 100 1000 2000 60000
if kill -0 "$DP" 2>/dev/null; then
	check "mem_test_list read and a test started while mem_test_destroy_all checked and freed $tb bytes of two tests" \
		isnum "$T"
else
	skip "mem_test_list read and a test started while a destroy went on" \
		"the destroy of $tb bytes was over before them"
fi
wait "$DP"
setparam check_content 0
mtw mem_test_destroy "$T"
used tb test_bytes
check_eq "what they held is freed" "$tb" 0

# -------------------------------------- a test ends at its TOTAL_TIME ---
# 4 MiB vmalloc chunks, every millisecond, patterned: the work cannot keep
# up with the timer and its ticks pile up; it serves none past the end,
# which comes at TOTAL_TIME, not once the backlog it took is served
# (seconds later).
setparam check_content 1
start_test T 4 4 16 1 1 1000 m alloc=vmalloc
wait_until 60000 state_is "$T" finished
slurp s "$D/tests/$T/stats"
skey rt "$s" run_time_ms
skey bl "$s" backlog
setparam check_content 0
# (the end comes after the last step and the frees, of 16 MiB at most)
_E=
expect_range "run_time_ms" "$rt" 1000 2500
expect_range "backlog (ticks never served)" "$bl" 0 100000000
verdict "a test behind its timer ends at TOTAL_TIME (1000 ms): run_time_ms $rt, backlog $bl" "$s"
mtw mem_test_destroy "$T"

# ----------------------------- mem_free and a resize at the same time ---
# A chunk out of the pool for a resize when mem_free (all) runs is freed
# too: after mem_free returns, nothing is kept, whatever the resizes do.
bad=
i=0
while [ $i -lt 20 ]; do
	run_ok mem_alloc 8 m alloc=vmalloc || break
	(
		j=0
		while [ $j -lt 30 ]; do
			echo 9 m >"$D/mem_realloc"
			echo 8 m >"$D/mem_realloc"
			j=$((j + 1))
		done
	) 2>/dev/null &
	RP=$!
	sleep 0.0$((i % 5 + 1))
	mtw mem_free
	used kc kept_chunks
	kill "$RP" 2>/dev/null
	wait "$RP" 2>/dev/null
	[ "$kc" = 0 ] || bad="$bad [$i: $kc chunk(s) kept after mem_free]"
	mtw mem_free
	i=$((i + 1))
done
check_eq "20 x mem_free while a chunk is resized: nothing kept after each" "$bad" ""

# ------------------------------------------ success lines, rate-limited ---
# With verbose on, success lines have a limit of 1000 lines each 5 s;
# the kernel says how many it suppressed.
setparam verbose 1
sleep 5.2
kmark
nowv t0
n=0
while [ $n -lt 1100 ]; do
	echo 1 >"$D/mem_alloc"
	n=$((n + 1))
done
nowv t1
nl=$(ksince | grep -c "malloc_test: mem_alloc '1': done")
mtw mem_free
# the count of what was suppressed comes with the first line of the next
# interval
sleep 5.2
mtw mem_free
if [ $((t1 - t0)) -lt 4500 ]; then
	check_range "1100 mem_alloc commands in $((t1 - t0)) ms: at most 1000 success lines in the log ($nl)" "$nl" 1 1000
	check "and the kernel says it suppressed the rest" klog_has "callbacks suppressed"
else
	skip "1100 mem_alloc commands at once: at most 1000 success lines in the log" \
		"they took $((t1 - t0)) ms, past the 5 s of the rate limit"
fi
mt_exit
