#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 58-trace.sh - the module's trace events (malloc_test:*), read back from
# tracefs while tests and a bench run, against the module's own figures.
#
#  - Each of the eight events is in tracefs with the fields documented.
#  - A test in each context (ctx=work reallocating, timer, softirq,
#    irqoff): test_start says
#    what mem_test_start was asked (its id, allocator, context, sizes,
#    intervals, time, and the flags its stats file names); each test_tick
#    has a size in MIN..MAX and held at most TOTAL, and the ticks add up to
#    the stats: op=alloc ret=0 to allocations, op=realloc ret=0 to
#    reallocs, a ret other than 0 to errors, test_overflow to overflows;
#    test_end repeats the stats and run_time_ms; test_start comes first,
#    test_end last.  Each test's ticks are where its context says (the
#    trace's context column): timer's in hard interrupt context (h),
#    softirq's in softirq context (s), irqoff's with interrupts disabled
#    (d), the work test's in plain process context (.).
#  - A test whose allocations the kernel refuses: one alloc_failed per
#    error, with the allocator, the size and -ENOMEM.
#  - A bench of two threads: each thread's phases start and end in the
#    order alloc, harness, bare; the alloc phases' allocs and frees add up
#    to bench_result's alloc_ops and free_ops.
#  - With the events disabled, a test writes none.
# corruption cannot be caused from user space (80-content.sh): its format
# is checked, and no test here may emit it.
# Needs: CONFIG_EVENT_TRACING and tracefs (else it skips).  Sets up
# (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same, the events
# disabled, the trace buffer empty and of its size before.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_need_config CONFIG_EVENT_TRACING
mt_setup

TR=/sys/kernel/tracing
[ -d "$TR/events" ] || mount -t tracefs nodev "$TR" 2>/dev/null
if [ ! -d "$TR/events" ] && [ -d /sys/kernel/debug/tracing/events ]; then
	TR=/sys/kernel/debug/tracing
fi
[ -d "$TR/events" ] || mt_exit_skip "no tracefs: /sys/kernel/tracing cannot be mounted"
EV=$TR/events/malloc_test
if [ ! -d "$EV" ]; then
	# a kernel that drops the events of a module with a taint it does
	# not accept says so
	bad=$(dmesg | grep 'malloc_test: module has bad taint' | tail -n 1)
	[ -z "$bad" ] || mt_exit_skip "this kernel drops the trace events of a test module ($bad)"
	fail "malloc_test's events are in tracefs ($EV)" "$(ls "$TR/events" | tr '\n' ' ')"
	mt_exit
fi

TF=/tmp/mt-trace.txt
# "1408", or "7 (expanded: 1408)" before the buffer was first used
read -r TR_KB0 <"$TR/buffer_size_kb"
case $TR_KB0 in
*"expanded: "*) TR_KB0=${TR_KB0#*expanded: } TR_KB0=${TR_KB0%)} ;;
esac
PREV_RP=$(cat /sys/module/malloc_test/parameters/realloc_p)

# tr_start: an empty trace, every malloc_test event on, 4 MiB a CPU
tr_start() {
	echo 0 >"$TR/tracing_on"
	echo 4096 >"$TR/buffer_size_kb"
	echo >"$TR/trace"
	echo 1 >"$EV/enable"
	echo 1 >"$TR/tracing_on"
}

# tr_stop: events off, the trace in $TF; 1 (and why, in TR_WHY) when a
# CPU's buffer overran, so that counts from it would not be exact
tr_stop() {
	echo 0 >"$TR/tracing_on"
	echo 0 >"$EV/enable"
	grep -v '^#' "$TR/trace" >"$TF"
	TR_WHY=
	for _s in "$TR"/per_cpu/cpu*/stats; do
		_o=$(sed -n 's/^overrun: //p' "$_s")
		[ "${_o:-0}" = 0 ] ||
			TR_WHY="$TR_WHY${_s#"$TR"/per_cpu/}: overrun $_o; "
	done
	[ -z "$TR_WHY" ]
}

# ---- the events and their fields
_E=
for ev_fields in "test_start:id alloc ctx min max total min_int max_int total_time cpu node gfp" \
	"test_tick:id op size held ret" "test_overflow:id held overflows" \
	"alloc_failed:id alloc size gfp err" "corruption:owner alloc ptr size offset" \
	"test_end:id state allocations reallocs errors overflows run_ns" \
	"bench_phase_start:phase alloc pattern size count" \
	"bench_phase_end:phase allocs frees errors ns why"; do
	ev=${ev_fields%%:*}
	if [ ! -r "$EV/$ev/format" ]; then
		_E="$_E$ev: no $EV/$ev/format$NL"
		continue
	fi
	for f in ${ev_fields#*:}; do
		grep -q "field:[^;]*[ *]$f\(\[[0-9]*\]\)\?;" "$EV/$ev/format" ||
			_E="$_E$ev: no field $f$NL"
	done
done
verdict "the eight events are in tracefs, each with its documented fields" \
	"$(ls "$EV" | tr '\n' ' ')"

# tr_ticks ID: the test_tick lines of test ID as "CTX OP SIZE HELD RET"
# (CTX: h for hard interrupt, s for softirq, else d with interrupts
# disabled, . with neither), from $TF
tr_ticks() {
	awk -v id="$1" '
	$0 ~ (" test_tick: id=" id " ") {
		for (i = 1; i <= NF; i++)
			if ($i ~ /^\[[0-9]+\]$/)
				break
		c = substr($(i + 1), 3, 1)
		if (c == "H")
			c = "h"
		if (c != "h" && c != "s")
			c = substr($(i + 1), 1, 1) == "d" ? "d" : "."
		sub(/.* test_tick: /, "")
		split($0, kv, " ")
		out = c
		for (j = 2; j <= 5; j++) {
			sub(/^[a-z_]+=/, "", kv[j])
			out = out " " kv[j]
		}
		print out
	}' "$TF"
}

# tr_field EVENT ID KEY: KEY's value in the first EVENT line of test ID
tr_field() {
	awk -v ev=" $1: id=$2 " -v key="$3" '
	index($0, ev) {
		sub(/.*: id=/, "id=")
		for (i = 1; i <= NF; i++)
			if (index($i, key "=") == 1) {
				print substr($i, length(key) + 2)
				exit
			}
		exit
	}' "$TF"
}

# tr_check_test ID DESC CTX: the events of finished test ID against its
# stats; CTX (h or .) is where every tick must run
tr_check_test() {
	_id=$1 _desc=$2 _ctx=$3
	slurp _s "$D/tests/$_id/stats"
	for _k in allocations reallocs errors overflows min max total min_int_ms \
		max_int_ms total_time_ms alloc ctx state run_time_ms; do
		skey "ts_$_k" "$_s" $_k
	done
	skey_raw ts_gfp "$_s" gfp
	tr_ticks "$_id" >/tmp/mt-ticks.txt
	# counts, sizes and contexts, in one pass
	set -- $(awk -v lo="$ts_min" -v hi="$ts_max" -v tot="$ts_total" -v ctx="$_ctx" '
		{ n++ }
		$2 == "alloc" && $5 == 0 { a++ }
		$2 == "realloc" && $5 == 0 { r++ }
		$5 != 0 { e++ }
		$3 + 0 < lo + 0 || $3 + 0 > hi + 0 { bad_size++ }
		$4 + 0 > tot + 0 { bad_held++ }
		$1 != ctx { bad_ctx++ }
		END { printf "%d %d %d %d %d %d %d\n", n, a, r, e, bad_size, bad_held, bad_ctx }
	' /tmp/mt-ticks.txt)
	_n=$1
	expect_range "test_tick lines" "$_n" 1 100000000
	expect_eq "test_tick op=alloc ret=0 vs allocations" "$2" "$ts_allocations"
	expect_eq "test_tick op=realloc ret=0 vs reallocs" "$3" "$ts_reallocs"
	expect_eq "test_tick ret!=0 vs errors" "$4" "$ts_errors"
	expect_eq "ticks with a size out of $ts_min..$ts_max" "$5" 0
	expect_eq "ticks holding more than $ts_total" "$6" 0
	expect_eq "ticks not in context '$_ctx'" "$7" 0
	_ov=$(grep -c " test_overflow: id=$_id " "$TF")
	expect_eq "test_overflow lines vs overflows" "$_ov" "$ts_overflows"
	# test_start: what was asked
	for _kv in alloc:"$ts_alloc" ctx:"$ts_ctx" min:"$ts_min" max:"$ts_max" \
		total:"$ts_total" min_int_ms:"$ts_min_int_ms" \
		max_int_ms:"$ts_max_int_ms" time_ms:"$ts_total_time_ms"; do
		expect_eq "test_start's ${_kv%%:*}" "$(tr_field test_start "$_id" "${_kv%%:*}")" "${_kv#*:}"
	done
	_gf=$(tr_field test_start "$_id" gfp_flags)
	for _w in $(echo "$ts_gfp" | tr ',' ' '); do
		case $_gf in
		*GFP_$(echo "$_w" | tr a-z A-Z)*) ;;
		*) _E="${_E}test_start's gfp_flags '$_gf' lack $_w (stats: $ts_gfp)$NL" ;;
		esac
	done
	# test_end: the stats
	for _kv in state:"$ts_state" allocations:"$ts_allocations" \
		reallocs:"$ts_reallocs" errors:"$ts_errors" overflows:"$ts_overflows"; do
		expect_eq "test_end's ${_kv%%:*}" "$(tr_field test_end "$_id" "${_kv%%:*}")" "${_kv#*:}"
	done
	_rn=$(tr_field test_end "$_id" run_ns)
	isnum "$_rn" || _rn=0
	expect_range "test_end's run_ns / 10^6 vs run_time_ms $ts_run_time_ms" \
		$((_rn / 1000000)) $((ts_run_time_ms - 1)) $((ts_run_time_ms + 1))
	# order: test_start first, test_end last, of this test's lines
	_order=$(awk -v id="$_id" '
		match($0, / (test_start|test_tick|test_overflow|alloc_failed|test_end): id=/) &&
		index($0, ": id=" id " ") {
			ev = substr($0, RSTART + 1)
			sub(/:.*/, "", ev)
			if (f == "")
				f = ev
			l = ev
		} END { print f, l }' "$TF")
	expect_eq "the first and last of the test's events" "$_order" "test_start test_end"
	verdict "$_desc: its events add up to its stats ($_n ticks: $ts_allocations allocations, $ts_reallocs reallocs, $ts_errors errors, $ts_overflows overflows), sizes in range, context '$_ctx', test_start says what was asked, test_end what happened" \
		"$_s" "$(grep " id=$_id " "$TF" | head -n 4)"
}

# ---- a test in each context, the work's reallocating
setparam realloc_p 30
tr_start
start_test A 16 4096 262144 1 2 1500 alloc=kmalloc
start_test B 16 2048 65536 1 2 1200 alloc=kmalloc ctx=timer
start_test S 16 2048 65536 1 2 1200 alloc=pages ctx=softirq
start_test I 16 2048 65536 1 2 1200 alloc=cache ctx=irqoff
for t in $A $B $S $I; do
	wait_until 30000 state_is "$t" finished
done
if ! tr_stop; then
	fail "the trace buffer kept every event" "$TR_WHY"
else
	pass "the trace buffer kept every event"
	for tc in "A:. a ctx=work kmalloc test with realloc_p 30" \
		"B:h a ctx=timer kmalloc test" "S:s a ctx=softirq pages test" \
		"I:d a ctx=irqoff cache test"; do
		eval "t=\$${tc%%:*}"
		tc=${tc#*:}
		if [ -n "$t" ]; then
			tr_check_test "$t" "${tc#* }" "${tc%% *}"
		else
			fail "${tc#* } started" "$(mt_evidence)"
		fi
	done
	c=$(grep -c ' corruption: ' "$TF")
	check_eq "no corruption event" "$c" 0
fi
setparam realloc_p "$PREV_RP"
for t in $A $B $S $I; do
	mtw mem_test_destroy "$t"
done

# ---- allocations the kernel refuses: alloc_failed, one per error
setparam max_bytes 8589934592
tr_start
start_test G 3 3 6 20 40 800 g alloc=vmalloc
wait_until 20000 state_is "$G" finished
tr_stop
setparam max_bytes "$DEF_MAX_BYTES"
if [ -n "$G" ]; then
	tstat er "$G" errors
	_E=
	expect_range errors "$er" 1 1000000
	n=$(grep -c " alloc_failed: id=$G alloc=vmalloc size=3221225472 gfp_flags=[^ ]* err=-12\$" "$TF")
	expect_eq "alloc_failed lines (alloc=vmalloc size=3221225472 err=-12) vs errors" "$n" "$er"
	n=$(grep -c " alloc_failed: " "$TF")
	expect_eq "alloc_failed lines in all" "$n" "$er"
	verdict "a test whose 3 GiB vmalloc pieces the kernel refuses: one alloc_failed event per error, with the allocator, the size and -ENOMEM" \
		"$(grep " id=$G " "$TF" | head -n 4)"
	mtw mem_test_destroy "$G"
else
	fail "a test of 3 GiB vmalloc pieces started" "$(mt_evidence)"
fi

# ---- a bench: each thread's phases, in order, adding up to bench_result
nr_online NCPU
BT=2
[ "$NCPU" -ge 2 ] || BT=1
tr_start
mtw bench alloc=kmalloc size=64 count=3000 threads=$BT
wait_until 60000 eval 'fkey _bs "$D/bench_result" state; [ "$_bs" = done ]'
tr_stop
slurp BR "$D/bench_result"
skey b_alloc "$BR" alloc_ops
skey b_free "$BR" free_ops
_E=
set -- $(awk '/ bench_phase_end: phase=alloc / {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^allocs=/) { sub(/^allocs=/, "", $i); a += $i }
			if ($i ~ /^frees=/) { sub(/^frees=/, "", $i); f += $i }
		}
	} END { printf "%d %d\n", a, f }' "$TF")
expect_eq "the alloc phases' allocs vs alloc_ops" "$1" "$b_alloc"
expect_eq "the alloc phases' frees vs free_ops" "$2" "$b_free"
# each thread (its task, mt_bench/N) in order: start and end of each phase
seqs=$(awk '/ bench_phase_(start|end): / {
		t = $1
		ev = $0; sub(/.* bench_phase_/, "", ev); sub(/: phase=/, ":", ev); sub(/ .*/, "", ev)
		s[t] = s[t] (s[t] == "" ? "" : ",") ev
	} END { for (t in s) print s[t] }' "$TF" | sort | uniq -c | sed 's/^ *//')
expect_eq "each thread's phases" "$seqs" "$BT start:alloc,end:alloc,start:harness,end:harness,start:bare,end:bare"
n=$(grep -c ' bench_phase_start: phase=alloc alloc=kmalloc pattern=pair size=64 count=3000$' "$TF")
expect_eq "bench_phase_start lines of the alloc phase saying alloc=kmalloc pattern=pair size=64 count=3000" "$n" "$BT"
verdict "a bench of $BT thread(s): each thread's phases start and end in order, the alloc phases add up to bench_result ($b_alloc allocations)" \
	"$(grep ' bench_phase' "$TF" | head -n 6)"

# ---- disabled: nothing
echo >"$TR/trace"
echo 1 >"$TR/tracing_on"
start_test C 16 64 4096 1 2 300 alloc=kmalloc
wait_until 20000 state_is "$C" finished
echo 0 >"$TR/tracing_on"
n=$(grep -c 'malloc_test\|test_tick\|test_start' "$TR/trace")
tstat ca "$C" allocations
check_eq "with the events disabled, a test of $ca allocations writes no event" "$n" 0
[ -z "$C" ] || mtw mem_test_destroy "$C"

echo >"$TR/trace"
echo "$TR_KB0" >"$TR/buffer_size_kb"
rm -f "$TF" /tmp/mt-ticks.txt
mt_exit
