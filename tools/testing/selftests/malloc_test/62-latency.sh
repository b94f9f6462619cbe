#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 62-latency.sh - per-test latency histograms (tests/ID/latency) and the
# four stats lines drawn from them.  A test of each allocator (kmalloc,
# vmalloc, kvmalloc, pages, cache, percpu) read while it runs (count = the
# sum of its buckets in every read, counts never go back), then stopped:
# the format and the order of the operations, buckets of the scheme,
# ascending, not overlapping; each percentile in the bucket where the
# cumulative count first reaches its rank, min <= p50 <= p90 <= p99 <=
# p99.9 <= max, the mean within min..max and what the buckets allow;
# against the test's own counters: alloc count = allocations, realloc count
# = reallocs, free count = allocations - chunks, lateness count within the
# steps the timer made; stats alloc_p50_ns, alloc_p99_ns, free_p50_ns,
# free_p99_ns = the file's.  realloc_p (set through the parameter,
# restored), a ctx=timer test, tests that finish by themselves; a test with
# no operation yet (all zeros, no bucket); a destroyed test's file.
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

LAT_OPS="alloc realloc free lateness"


# lt_allocated ID N: test ID has made N allocations at least
lt_allocated() {
	tstat _a "$1" allocations
	isnum "$_a" && [ "$_a" -ge "$2" ]
}

# lt_ended ID: test ID is stopped or finished
lt_ended() {
	tstat _st "$1" state
	[ "$_st" = stopped ] || [ "$_st" = finished ]
}

# The keys of tests/ID/stats: those before issue 6, then the four drawn
# from the histograms, then the machine's reclaim events (lib.sh)
LT_STAT_KEYS="id state run_time_ms remaining_ms allocations reallocs errors overflows total_alloc freed held charged overhead_bytes chunks min max total min_int_ms max_int_ms total_time_ms alloc gfp node ctx cpu free release reserve from_reserve bulk corruptions skipped backlog off_cpu off_node alloc_p50_ns alloc_p99_ns free_p50_ns free_p99_ns${MT_VM_KEYS:+ $MT_VM_KEYS}"
# how many lines that is
set -- $LT_STAT_KEYS
LT_STAT_LINES=$#

# lt_stats_tail TEXT: LT_TAIL := "N lines: KEYS = V1 V2 V3 V4": the number of
# lines of TEXT (stats), all its keys, the values of its four *_p50_ns and
# *_p99_ns lines
lt_stats_tail() {
	_tn=0
	_tk=
	_tv=
	_tr=$1
	while [ -n "$_tr" ]; do
		_l=${_tr%%"$NL"*}
		case $_tr in *"$NL"*) _tr=${_tr#*"$NL"} ;; *) _tr= ;; esac
		_tn=$((_tn + 1))
		_tk="$_tk${_tk:+ }${_l%%: *}"
		case ${_l%%: *} in
		*_p50_ns | *_p99_ns) _tv="$_tv ${_l#*: }" ;;
		esac
	done
	set -- $_tv
	LT_TAIL="$_tn lines: $_tk = $*"
}

# lt_verify ID DESC: test ID is over (stopped or finished): its latency
# file and its stats, in four checks
lt_verify() {
	_id=$1
	_ld=$2
	slurp _s "$D/tests/$_id/stats"
	slurp _t "$D/tests/$_id/latency"
	lat_check _e "$_t" "$LAT_OPS"
	check_eq "$_ld: tests/$_id/latency: the four operations in order, count = sum of buckets, buckets of the scheme ascending, percentiles in their rank's bucket and ordered within min..max, mean within min..max and the buckets" \
		"$_e" "" "$_t"
	for _k in state allocations reallocs errors overflows skipped backlog chunks; do
		skey "lv_$_k" "$_s" $_k
	done
	expect "state is stopped or finished ('$lv_state')" eval '[ "$lv_state" = stopped ] || [ "$lv_state" = finished ]'
	expect_range allocations "$lv_allocations" 1 1000000000
	expect_eq chunks "$lv_chunks" 0
	expect_eq "alloc count vs allocations" "$LAT_alloc_count" "$lv_allocations"
	expect_eq "realloc count vs reallocs" "$LAT_realloc_count" "$lv_reallocs"
	expect_eq "free count vs allocations - chunks" "$LAT_free_count" $((lv_allocations - lv_chunks))
	verdict "$_ld: alloc count = allocations ($lv_allocations), realloc count = reallocs ($lv_reallocs), free count = allocations - chunks ($((lv_allocations - lv_chunks)), every chunk freed)" "$_s"
	# Every step the test made (an allocation, a resize, a failure) came
	# from one timer expiry, and so did every tick a ctx=work test had
	# not served when it ended (backlog); expiries with neither: a full
	# test's (at most overflows), ctx=timer's skipped ones, the last one
	# at the deadline.
	_lo=$((lv_allocations + lv_reallocs + lv_errors + lv_backlog))
	_hi=$((_lo + lv_overflows + lv_skipped + 1))
	check_range "$_ld: lateness count ($LAT_lateness_count, one per timer expiry) is within the steps and the backlog: allocations + reallocs + errors + backlog ($_lo) .. that + overflows + skipped + 1 ($_hi)" \
		"$LAT_lateness_count" "$_lo" "$_hi" "$_s"
	lt_stats_tail "$_s"
	check_eq "$_ld: stats: the 35 keys of before, then alloc_p50_ns alloc_p99_ns free_p50_ns free_p99_ns, equal to the latency file's alloc and free p50, p99, then the vm_* events ($LT_STAT_LINES lines)" \
		"$LT_TAIL" "$LT_STAT_LINES lines: $LT_STAT_KEYS = $LAT_alloc_p50 $LAT_alloc_p99 $LAT_free_p50 $LAT_free_p99" "$_s"
}

# -------------------------------------- one test of each allocator ---
# Intervals of 1-2 ms, totals reached every few dozen allocations: frees
# happen while they run (free=all at each overflow) and at the stop.
# They must outlive the 30 reads below, which took over a minute in a
# debug guest on a slow host: 10 minutes, and they are stopped after.
set -- kmalloc "16 2048 65536 1 2 600000 alloc=kmalloc" \
	vmalloc "1 16 256 1 2 600000 k alloc=vmalloc" \
	kvmalloc "100 20000 300000 1 2 600000 alloc=kvmalloc" \
	pages "1 16384 262144 1 2 600000 alloc=pages" \
	cache "8 2000 65536 1 2 600000 alloc=cache" \
	percpu "8 256 8192 1 2 600000 alloc=percpu"
P1=
while [ $# -gt 0 ]; do
	start_test T $2
	if [ -n "$T" ]; then
		P1="$P1${P1:+ }$T"
		eval "LW_$T=\"\$1 (\$2)\""
	fi
	shift 2
done
check_eq "six tests started, one per allocator" "$(echo $P1 | wc -w)" 6 "ids: $P1"
T=${P1%% *}
check_eq "tests/ID/latency is a regular file with mode 400" \
	"$([ -f "$D/tests/$T/latency" ] && echo file)$(stat -c %a "$D/tests/$T/latency" 2>&1)" file400

# While they run: every read consistent, no count ever going back.
bad=
reads=0
for round in 1 2 3 4 5; do
	for T in $P1; do
		slurp t "$D/tests/$T/latency"
		tstat st "$T" state
		[ "$st" = running ] || bad="$bad${NL}test $T is not running (state '$st') at read $round"
		if ! lat_check e "$t" "$LAT_OPS" running; then
			bad="$bad${NL}test $T, read $round: $e"
		fi
		for o in $LAT_OPS; do
			eval "c=\$LAT_${o}_count p=\${LC_${T}_$o:-0}"
			if ! isnum "$c" || [ "$c" -lt "$p" ]; then
				bad="$bad${NL}test $T, read $round: $o count '$c' after $p"
			fi
			eval "LC_${T}_$o=\$c"
		done
		reads=$((reads + 1))
	done
	sleep 0.2
done
check_eq "while the six run: in all $reads reads each operation's count = the sum of its buckets, the buckets valid and ascending, no count going back" \
	"$bad" ""
for T in $P1; do
	wait_until 20000 lt_allocated "$T" 50
done
for T in $P1; do
	run_ok mem_test_stop "$T"
done
for T in $P1; do
	eval "w=\$LW_$T"
	lt_verify "$T" "stopped $w"
done
T=${P1%% *}
slurp t1 "$D/tests/$T/latency"
sleep 0.3
slurp t2 "$D/tests/$T/latency"
check_eq "a stopped test's latency file no longer changes" "$t2" "$t1"
for T in $P1; do
	mtw mem_test_destroy "$T"
done

# --------------------------- realloc_p, ctx=timer, finished by itself ---
param RP0 realloc_p
setparam realloc_p 50
check_eq "realloc_p = 50 is taken" "$MT_RC" 0 "$MT_ERR"
start_test R1 100 8000 200000 1 2 1500 alloc=kvmalloc
start_test R2 16 2048 65536 1 2 1500 alloc=kmalloc ctx=timer
for T in $R1 $R2; do
	wait_until 25000 state_is "$T" finished
done
setparam realloc_p "$RP0"
param v realloc_p
check_eq "realloc_p restored to $RP0" "$v" "$RP0"
if [ -n "$R1" ]; then
	lt_verify "$R1" "kvmalloc with realloc_p 50, finished"
	tstat v "$R1" reallocs
	check_range "kvmalloc with realloc_p 50: it resized (reallocs > 0), so the realloc histogram was exercised" "$v" 1 1000000000
else
	fail "a kvmalloc test with realloc_p 50 starts"
fi
if [ -n "$R2" ]; then
	lt_verify "$R2" "kmalloc ctx=timer with realloc_p 50, finished"
	tstat v "$R2" reallocs
	tstat c "$R2" ctx
	check_eq "the ctx=timer test resized too (reallocs > 0) and ran in the timer (ctx timer)" \
		"$([ "${v:-0}" -gt 0 ] 2>/dev/null && echo resized) $c" "resized timer"
else
	fail "a kmalloc ctx=timer test with realloc_p 50 starts"
fi
for T in $R1 $R2; do
	mtw mem_test_destroy "$T"
done

# ------------------------------------------ no operation yet; destroy ---
# The first expiry comes after 10 s at least: nothing is recorded yet.
start_test I 1 2 1000 10000 20000 60000 alloc=kmalloc
ZERO=$(lat_zero_text "$LAT_OPS")
slurp t "$D/tests/$I/latency"
check_eq "a test with no operation yet: its latency is the four summary lines, all zeros, no bucket" "$t" "$ZERO"
lat_check e "$t" "$LAT_OPS"
check_eq "which the checker takes as well formed" "$e" ""
slurp s "$D/tests/$I/stats"
lt_stats_tail "$s"
check_eq "its stats: the 35 keys of before, then the four new ones, 0, then the vm_* events" "$LT_TAIL" "$LT_STAT_LINES lines: $LT_STAT_KEYS = 0 0 0 0" "$s"
run_ok mem_test_stop "$I"
slurp t "$D/tests/$I/latency"
check_eq "stopped before its first operation: still all zeros (the stop freed nothing)" "$t" "$ZERO"

# An fd opened before the destroy (only if the file is there: a failed
# exec would end the shell).
fd_open=
if [ -r "$D/tests/$I/latency" ]; then
	exec 4<"$D/tests/$I/latency"
	fd_open=1
fi
do_ok "mem_test_destroy '$I' is accepted" mem_test_destroy "$I"
cat "$D/tests/$I/latency" >"$MT_TMP/lat.out" 2>"$MT_TMP/lat.err"
rc=$?
read -r err <"$MT_TMP/lat.err"
if [ "$rc" != 0 ] && [ ! -e "$D/tests/$I/latency" ] && [ ! -e "$D/tests/$I" ]; then
	case $err in
	*"$E_ENOENT"*) pass "the destroyed test's latency is gone: tests/$I no longer exists, a read fails with ENOENT" ;;
	*) fail "the destroyed test's latency is gone: tests/$I no longer exists, a read fails with ENOENT" "cat: status $rc, '$err'" ;;
	esac
else
	fail "the destroyed test's latency is gone: tests/$I no longer exists, a read fails with ENOENT" \
		"cat: status $rc, '$err', read: '$(cat "$MT_TMP/lat.out")'" "$(ls -l "$D/tests" 2>&1)"
fi
if [ -n "$fd_open" ]; then
	l=
	IFS= read -r l <&4 2>"$MT_TMP/lat.err"
	rc=$?
	exec 4<&-
	read -r err <"$MT_TMP/lat.err"
	if [ "$rc" != 0 ] && [ -z "$l" ]; then
		pass "a read on an fd opened before the destroy fails or gives nothing ('$err')"
	else
		fail "a read on an fd opened before the destroy fails or gives nothing" "read status $rc, line '$l', '$err'"
	fi
else
	fail "a read on an fd opened before the destroy fails or gives nothing" "the file could not be opened before the destroy"
fi

list_ids ids
used tc test_chunks
used kc kept_chunks
check_eq "at the end: no test, nothing held, nothing kept" "$ids|$tc|$kc" "|0|0"
mt_exit
