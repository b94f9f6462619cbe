#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 55-contexts.sh - tests (mem_test_start) with the new options: the stats
# lines gfp, node, ctx, cpu, free, skipped, off_cpu, off_node; ctx=timer
# (allocating in the hrtimer callback), softirq (in a soft hrtimer's) and
# irqoff (in the work, interrupts disabled) with kmalloc, pages, cache and
# percpu and what each refuses; cpu= (the timer pinned, seen in /proc/timer_list);
# the free policies random, fifo and lifo (total reached, never everything
# freed at once); a test's dedicated caches, alive while it runs; node=;
# gfp=account charged to the writer's memory cgroup; every refusal of the
# new options with its errno and reason.
# The kernel log must stay clean: the suite's log scan fails on any BUG or
# WARNING, and the debug kernel (DEBUG_ATOMIC_SLEEP, lockdep) reports any
# sleeping call from the timer's hard-irq context.
# Needs: a second CPU, /proc/timer_list, memory cgroups (else those checks
# skip).  Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no
# bench, parameters at their defaults.  Leaves (mt_exit): the same, every CPU
# online, the shell in the root memory cgroup.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

nr_possible NCPU
NNODES=1
if [ -r /sys/devices/system/node/possible ]; then
	read -r _np </sys/devices/system/node/possible
	NNODES=$((${_np##*[-,]} + 1))
fi
# a CPU that does not exist: 7 unless it is possible
ABSENT_CPU=7
[ "$NCPU" -le 7 ] || ABSENT_CPU=$NCPU
CX_KEYS="id state run_time_ms remaining_ms allocations reallocs errors overflows total_alloc freed held charged overhead_bytes chunks min max total min_int_ms max_int_ms total_time_ms alloc gfp node ctx cpu free release reserve from_reserve bulk corruptions skipped backlog off_cpu off_node alloc_p50_ns alloc_p99_ns free_p50_ns free_p99_ns${MT_VM_KEYS:+ $MT_VM_KEYS}"
USAGE_T="usage: mem_test_start MIN MAX TOTAL MIN_INT MAX_INT TOTAL_TIME [UNIT] [alloc=A] [gfp=F,...] [node=N] [ctx=work|timer|softirq|irqoff|nmi|bhoff] [cpu=N] [free=all|random|fifo|lifo] [bulk=N] [release=now|rcu] [reserve=N]"
TAKES_T="(this command takes alloc, gfp, node, ctx, cpu, free, bulk, release, reserve)"


# cx_keys VAR TEXT: the keys of the "key: value" lines of TEXT
cx_keys() {
	_ck=
	_cr=$2
	while [ -n "$_cr" ]; do
		_l=${_cr%%"$NL"*}
		case $_cr in *"$NL"*) _cr=${_cr#*"$NL"} ;; *) _cr= ;; esac
		_ck="$_ck${_ck:+ }${_l%%: *}"
	done
	eval "$1=\$_ck"
}

# cx_vals VAR TEXT KEY...: the values of KEYs in TEXT as they are (''
# where a key is missing), space separated
cx_vals() {
	_cv=$1
	_ct=$NL$2$NL
	shift 2
	_cw=
	for _k in "$@"; do
		_x=
		case $_ct in
		*"$NL$_k: "*)
			_x=${_ct#*"$NL$_k: "}
			_x=${_x%%"$NL"*}
			;;
		esac
		_cw="$_cw${_cw:+ }$_x"
	done
	eval "$_cv=\$_cw"
}

# cx_allocated ID N: test ID has made N allocations at least
cx_allocated() {
	tstat _a "$1" allocations
	isnum "$_a" && [ "$_a" -ge "$2" ]
}

# cx_destroy ID...: mem_test_destroy each (no check)
cx_destroy() {
	for _id in "$@"; do
		[ -n "$_id" ] && mtw mem_test_destroy "$_id"
	done
	return 0
}

# ------------------------------------------------ the stats lines ---
usage_of l mem_test_start
check_eq "mem_test_start's usage line names every option" "$l" "$USAGE_T"

start_test T 1 2 1000000 1000 2000 60000 alloc=kmalloc
slurp s "$D/tests/$T/stats"
cx_keys k "$s"
check_eq "tests/ID/stats: the old keys in their order, charged and overhead_bytes after held, gfp node ctx cpu free after alloc, skipped backlog off_cpu off_node after corruptions, then alloc and free p50 and p99, then the vm_* events" \
	"$k" "$CX_KEYS" "$s"
cx_vals v "$s" alloc gfp node ctx cpu free skipped backlog off_cpu off_node
check_eq "without options: alloc kmalloc, gfp kernel,retry_mayfail,nowarn, node any, ctx work, cpu any, free all, skipped backlog off_cpu off_node 0" \
	"$v" "kmalloc kernel,retry_mayfail,nowarn any work any all 0 0 0 0" "$s"
run_ok mem_test_stop "$T"
slurp s "$D/tests/$T/stats"
block b "$T"
check_eq "mem_test_list's block of a stopped test is its stats file, new lines included" "$b" "${s:-(no stats)}"
cx_destroy "$T"

# cx_opts "OPTIONS" "GFP NODE CTX CPU FREE": a test started with OPTIONS
# (intervals of 1-2 s: it does next to nothing) shows these lines
cx_opts() {
	start_test _T 1 2 1000000 1000 2000 60000 $1
	slurp _s "$D/tests/$_T/stats"
	cx_vals _cxv "$_s" gfp node ctx cpu free
	check_eq "mem_test_start '... $1': gfp node ctx cpu free are '$2'" "$_cxv" "$2" "${_s:-(not started)}"
	cx_destroy "$_T"
}
cx_opts "alloc=kmalloc ctx=work" "kernel,retry_mayfail,nowarn any work any all"
cx_opts "alloc=kmalloc ctx=timer" "atomic,nowarn any timer any all"
cx_opts "alloc=kmalloc gfp=zero,nowarn,kernel" "kernel,nowarn,zero any work any all"
cx_opts "alloc=pages gfp=account,noretry" "kernel,noretry,account any work any all"
cx_opts "alloc=kmalloc gfp=nofail,kernel" "kernel,nofail any work any all"
cx_opts "alloc=cache gfp=nowait,zero" "nowait,zero any work any all"
cx_opts "alloc=kmalloc ctx=timer gfp=zero" "atomic,zero any timer any all"
cx_opts "alloc=cache ctx=timer gfp=atomic" "atomic any timer any all"
cx_opts "alloc=kmalloc ctx=softirq" "atomic,nowarn any softirq any all"
cx_opts "alloc=pages ctx=irqoff gfp=nowait" "nowait any irqoff any all"
cx_opts "alloc=percpu ctx=irqoff gfp=zero" "atomic,zero any irqoff any all"
cx_opts "alloc=kvmalloc free=fifo gfp=account,zero,nowarn,retry_mayfail,kernel" "kernel,retry_mayfail,nowarn,zero,account any work any fifo"
cx_opts "alloc=pages node=0 cpu=0 free=random" "kernel,retry_mayfail,nowarn 0 work 0 random"
cx_opts "alloc=vmalloc node=0 gfp=kernel" "kernel 0 work any all"
cx_opts "alloc=vmalloc node=0 gfp=kernel,zero" "kernel,zero 0 work any all"
cx_opts "free=lifo gfp=noretry" "kernel,noretry any work any lifo"
# a list that names no base gets the context's, and its retry modifier
cx_opts "alloc=kmalloc gfp=zero" "kernel,retry_mayfail,zero any work any all"
cx_opts "alloc=percpu gfp=nowarn" "kernel,noretry,nowarn any work any all"
cx_opts "alloc=percpu" "kernel,noretry,nowarn any work any all"
cx_opts "alloc=cache gfp=nofail" "kernel,nofail any work any all"
if [ "$NCPU" -ge 2 ]; then
	cx_opts "alloc=percpu ctx=timer gfp=nowait,nowarn cpu=1 free=lifo" "nowait,nowarn any timer 1 lifo"
else
	skip "a test on cpu=1 shows cpu: 1" "one possible CPU"
fi

# ------------------------------ ctx=timer, softirq, irqoff, bhoff ---
# In each atomic context, four tests at once, allocating every 1-2 ms
# (in the hrtimer callback, in a soft one's, in the work with interrupts
# disabled, in the work with bottom halves disabled), with check_content
# on; sampled while they run.
setparam check_content 1
for CTX in timer softirq irqoff bhoff; do
kmark
TIMER_TESTS=
for w in "16 1024 65536 1 2 2000 alloc=kmalloc ctx=$CTX" \
	"1 16384 262144 1 2 2000 alloc=pages ctx=$CTX" \
	"8 2000 65536 1 2 2000 alloc=cache ctx=$CTX" \
	"8 256 8192 1 2 2000 alloc=percpu ctx=$CTX"; do
	start_test T $w
	TIMER_TESTS="$TIMER_TESTS${TIMER_TESTS:+ }$T"
	eval "TW_$T=\$w"
done
bad=
n=0
while :; do
	running=0
	for T in $TIMER_TESTS; do
		slurp s "$D/tests/$T/stats"
		cx_vals v "$s" state held total total_alloc freed charged
		set -- $v
		[ "$1" = running ] && running=1
		if ! isnum "$2" || ! isnum "$5" || ! isnum "$6" ||
				[ "$2" -gt "$3" ] || [ "$2" -gt "$6" ] ||
				[ $(($6 + $5)) != "$4" ]; then
			bad="$bad [test $T: $v]"
		fi
	done
	n=$((n + 1))
	[ $running = 1 ] && [ $n -lt 300 ] || break
	sleep 0.1
done
check_eq "4 ctx=$CTX tests (kmalloc, pages, cache, percpu) at once: held <= total, held <= charged and total_alloc = charged + freed in all $n samples" \
	"$bad" ""
[ -n "$TIMER_TESTS" ] || bad="no test started"
# the callback's ticks may find the work freeing (skipped); ctx=irqoff's
# and bhoff's work frees first, then allocates: it skips none, and may
# have a backlog
for T in $TIMER_TESTS; do
	wait_until 20000 state_is "$T" finished
	slurp s "$D/tests/$T/stats"
	cx_vals v "$s" state errors corruptions held chunks off_cpu ctx
	skey al "$s" allocations
	skey ov "$s" overflows
	skey ta "$s" total_alloc
	skey fr "$s" freed
	skey sk "$s" skipped
	skey bl "$s" backlog
	expect_eq "state errors corruptions held chunks off_cpu ctx" "$v" "finished 0 0 0 0 0 $CTX"
	expect_range allocations "$al" 10 100000000
	expect_range overflows "$ov" 1 100000000
	expect_eq "freed vs total_alloc" "$fr" "$ta"
	if [ "$CTX" = irqoff ] || [ "$CTX" = bhoff ]; then
		expect_eq skipped "$sk" 0
		expect_range backlog "$bl" 0 100000000
	else
		expect_range skipped "$sk" 0 100000000
		expect_eq backlog "$bl" 0
	fi
	eval "w=\$TW_$T"
	verdict "'$w': allocated (allocations > 0), reached total (overflows > 0), finished with errors 0, corruptions 0, nothing held; $(case $CTX in irqoff | bhoff) echo "skipped 0" ;; *) echo "backlog 0" ;; esac)" "$s"
done
check "no BUG, WARNING or sleeping-in-atomic report in the kernel log since the ctx=$CTX tests started" \
	eval '! klog_has "BUG:|WARNING:|sleeping function called|Call Trace|inconsistent lock state|lock held when returning"'
bad=
for T in $TIMER_TESTS; do
	[ -d "$D/tests/$T" ] || bad="$bad $T"
	cx_destroy "$T"
done
check_eq "the finished ctx=$CTX tests kept their statistics until destroyed" "$bad" ""
done

# ctx=bhoff with vmalloc and kvmalloc, 6.19 on: vmalloc() with atomic
# flags, kvmalloc()'s fallback to it, and, one step in five a resize,
# vrealloc's and kvrealloc's frees through vfree(), which with bottom
# halves disabled defers its work: no sleeping-in-atomic report, the
# chunks' figures exact, VmallocUsed back once they are freed.
if kv_ge 6 19; then
	setparam realloc_p 20
	kmark
	mi vu0 VmallocUsed
	BH_TESTS=
	for w in "4096 32768 2097152 1 2 2000 alloc=vmalloc ctx=bhoff" \
		"1 32768 1048576 1 2 2000 alloc=kvmalloc ctx=bhoff gfp=nowait,nowarn"; do
		start_test T $w
		BH_TESTS="$BH_TESTS${BH_TESTS:+ }$T"
		eval "TW_$T=\$w"
	done
	mx=0
	while :; do
		running=0
		for T in $BH_TESTS; do
			state_is "$T" running && running=1
		done
		mi vu VmallocUsed
		[ $((vu - vu0)) -le "$mx" ] || mx=$((vu - vu0))
		[ $running = 1 ] || break
		sleep 0.1
	done
	for T in $BH_TESTS; do
		slurp s "$D/tests/$T/stats"
		cx_vals v "$s" state errors corruptions held chunks ctx
		skey al "$s" allocations
		skey rl "$s" reallocs
		skey ta "$s" total_alloc
		skey fr "$s" freed
		_E=
		expect_eq "state errors corruptions held chunks ctx" "$v" "finished 0 0 0 0 bhoff"
		expect_range allocations "$al" 10 100000000
		expect_range reallocs "$rl" 1 100000000
		expect_eq "freed vs total_alloc" "$fr" "$ta"
		eval "w=\$TW_$T"
		verdict "'$w', realloc_p 20: $al allocations and $rl resizes with bottom halves disabled, errors 0, corruptions 0, nothing held" "$s"
	done
	# the vmalloc test held up to 2 MiB of vmalloc chunks at once
	check_range "VmallocUsed rose while they ran (its peak in KiB, 64 KiB..16 MiB)" "$mx" 64 16384
	rcu_settle
	wait_until 5000 eval 'mi vu1 VmallocUsed; [ $((vu1 - vu0)) -le 1024 ]'
	check_range "VmallocUsed back after they ended (within 1 MiB, in KiB)" $((vu1 - vu0)) -4096 1024
	check "no BUG, WARNING or sleeping-in-atomic report in the kernel log since the ctx=bhoff vmalloc tests started" \
		eval '! klog_has "BUG:|WARNING:|sleeping function called|Call Trace|inconsistent lock state|lock held when returning"'
	cx_destroy $BH_TESTS
	setparam realloc_p 0
else
	skip "ctx=bhoff with vmalloc and kvmalloc" "vmalloc() takes atomic flags from 6.19 on ($(uname -r))"
fi
setparam check_content 0

# The refusals of each atomic context, one by one, each naming it.
# vmalloc() takes atomic flags from 6.19 on, and kvmalloc() falls back to
# it under them: then both run with bottom halves disabled only (not in
# an interrupt, where vmalloc() may not run, nor with interrupts
# disabled, where vfree() would sleep); before, both sleep.
TW="1 64 100000 1 2 1000"
CX_TAKES="kmalloc, pages, cache, percpu, kmalloc_nolock, pages_nolock or mempool"
for CTX in timer softirq irqoff bhoff; do
for k in vmalloc kvmalloc ""; do
	kk=${k:-kvmalloc}
	if ! kv_ge 6 19; then
		why="alloc=$kk may sleep: ctx=$CTX takes $CX_TAKES"
	elif [ $CTX = bhoff ]; then
		continue
	elif [ $CTX = irqoff ]; then
		why="alloc=$kk frees through vfree(), which may sleep with interrupts disabled: ctx=irqoff takes $CX_TAKES; ctx=bhoff takes $kk"
	else
		why="alloc=$kk calls vmalloc(), which may not run in an interrupt: ctx=$CTX takes $CX_TAKES; ctx=bhoff takes $kk"
	fi
	refuse_why "$why" EINVAL mem_test_start $TW ${k:+alloc=$k} ctx=$CTX
done
for g in kernel kernel,nowarn kernel,zero; do
	refuse_why "gfp=kernel may sleep: ctx=$CTX takes atomic or nowait" \
		EINVAL mem_test_start $TW alloc=kmalloc ctx=$CTX gfp=$g
done
for g in account nowait,account atomic,nowarn,account; do
	refuse_why "gfp=account charges the writer's memory cgroup: not in ctx=$CTX" \
		EINVAL mem_test_start $TW alloc=pages ctx=$CTX gfp=$g
done
refuse_why "nofail needs gfp=kernel: only an allocation that can sleep can be made never to fail" \
	EINVAL mem_test_start $TW alloc=kmalloc ctx=$CTX gfp=nofail
refuse_why "nofail needs gfp=kernel: only an allocation that can sleep can be made never to fail" \
	EINVAL mem_test_start $TW alloc=cache ctx=$CTX gfp=atomic,nofail
refuse_why "gfp=kernel may sleep: ctx=$CTX takes atomic or nowait" \
	EINVAL mem_test_start $TW alloc=kmalloc ctx=$CTX gfp=kernel,nofail
refuse_why "retry modifiers change how a sleeping allocation retries: noretry and retry_mayfail need gfp=kernel" \
	EINVAL mem_test_start $TW alloc=kmalloc ctx=$CTX gfp=noretry
# An atomic context allocates, fills and copies chunks of 32 KiB (order
# 3) at most, in the bytes they count: whole pages, or SIZE x possible
# CPUs.
case $CTX in
timer) WHERE="a hard interrupt" ;;
softirq) WHERE="a softirq" ;;
irqoff) WHERE="a section with interrupts disabled" ;;
bhoff) WHERE="a section with bottom halves disabled" ;;
esac
RT="ctx=$CTX takes chunks of 32768 bytes at most (order 3), which $WHERE can allocate, fill and copy"
refuse_why "$RT: max is 32769" EINVAL mem_test_start 1 32769 100000 1 2 1000 alloc=kmalloc ctx=$CTX
refuse_why "$RT: max is 65536" EINVAL mem_test_start 1 32769 100000 1 2 1000 alloc=pages ctx=$CTX
refuse_why "$RT: max is 4194304" EINVAL mem_test_start 1 4 8 1 2 1000 m alloc=pages ctx=$CTX
refuse_why "$RT: max is 1048576" EINVAL mem_test_start 1 1 1 1 2 1000 m alloc=cache ctx=$CTX
refuse_why "$RT: max is $(( (32768 / NCPU + 1) * NCPU ))" EINVAL \
	mem_test_start 1 $((32768 / NCPU + 1)) 1000000 1 2 1000 alloc=percpu ctx=$CTX
for k in kmalloc pages cache; do
	start_test T 1 32768 100000 1 2 1000 alloc=$k ctx=$CTX
	check "ctx=$CTX takes alloc=$k chunks up to 32768 bytes" isnum "$T"
	cx_destroy "$T"
done
done
# gfp=atomic and nofail count against max_atomic_bytes: a test whose
# TOTAL alone is above it is refused
param MA max_atomic_bytes
mi memtotal MemTotal
check_range "max_atomic_bytes defaults to 1/64 of RAM (MemTotal/64 = $((memtotal * 16)), within 8%)" \
	"$MA" $((memtotal * 16 - memtotal * 16 / 12)) $((memtotal * 16 + memtotal * 16 / 12))
refuse_why "total ($((MA + 1))) exceeds max_atomic_bytes ($MA), which caps what gfp=atomic and nofail hold" \
	ENOSPC mem_test_start 1 64 $((MA + 1)) 1 2 1000 alloc=kmalloc ctx=timer
refuse_why "total ($((MA + 1))) exceeds max_atomic_bytes ($MA), which caps what gfp=atomic and nofail hold" \
	ENOSPC mem_test_start 1 64 $((MA + 1)) 1 2 1000 alloc=kmalloc gfp=nofail
start_test T 1 64 $((MA + 1)) 1 2 1000 alloc=kmalloc gfp=nowait
check "gfp=nowait does not count against max_atomic_bytes: that test starts" isnum "$T"
cx_destroy "$T"

# --------------------------------------------------------------- cpu= ---
# cx_timer_cpus VAR: the CPUs under which /proc/timer_list lists an
# mt_test_timer* hrtimer, space separated
cx_timer_cpus() {
	_tcs=$(awk '/^cpu: /{c=$2} /mt_test_timer/{print c}' /proc/timer_list | sort -un | tr '\n' ' ')
	eval "$1=\$_tcs"
}

cx_cpu_case() {
	start_test _T 1 64 10000000 2 5 60000 alloc=kmalloc ctx=$2 cpu=$1
	_seen=
	_other=
	_i=0
	while [ $_i -lt 40 ]; do
		cx_timer_cpus _tc
		for _c in $_tc; do
			if [ "$_c" = "$1" ]; then
				_seen=$((${_seen:-0} + 1))
			else
				_other="$_other $_c"
			fi
		done
		[ "${_seen:-0}" -ge 5 ] && break
		_i=$((_i + 1))
		sleep 0.05
	done
	check_eq "ctx=$2 cpu=$1: /proc/timer_list shows the test's hrtimer (mt_test_timer) under cpu: $1, never under another" \
		"${_seen:+seen}${_other:+, elsewhere:$_other}" seen "seen $_seen times in $((_i + 1)) reads"
	wait_until 10000 cx_allocated "$_T" 20
	slurp _s "$D/tests/$_T/stats"
	cx_vals _cxv "$_s" cpu ctx off_cpu errors
	skey _al "$_s" allocations
	expect_eq "cpu ctx off_cpu errors" "$_cxv" "$1 $2 0 0"
	expect_range allocations "$_al" 20 100000000
	verdict "ctx=$2 cpu=$1: it allocates, every step on CPU $1 (off_cpu 0), errors 0" "$_s"
	cx_destroy "$_T"
}
# /proc/timer_list names the timer's function only with kallsyms.
if [ "$NCPU" -ge 2 ] && [ -r /proc/timer_list ] && mt_config CONFIG_KALLSYMS; then
	for c in 1 0; do
		cx_cpu_case $c work
		cx_cpu_case $c timer
	done
elif [ "$NCPU" -lt 2 ]; then
	skip "cpu=0 and cpu=1: the test's hrtimer is on that CPU, off_cpu 0" "one possible CPU"
elif [ -r /proc/timer_list ]; then
	skip "cpu=0 and cpu=1: the test's hrtimer is on that CPU, off_cpu 0" \
		"this kernel was built without CONFIG_KALLSYMS=y: /proc/timer_list cannot name the test's timer"
else
	skip "cpu=0 and cpu=1: the test's hrtimer is on that CPU, off_cpu 0" "no /proc/timer_list"
fi
refuse_why "CPU $ABSENT_CPU does not exist" EINVAL mem_test_start $TW alloc=kmalloc cpu=$ABSENT_CPU
refuse_why "CPU $ABSENT_CPU does not exist" EINVAL mem_test_start $TW alloc=kmalloc ctx=timer cpu=$ABSENT_CPU
refuse_why "CPU 4294967295 does not exist" EINVAL mem_test_start $TW alloc=kmalloc cpu=4294967295
ON=/sys/devices/system/cpu/cpu1/online
if [ "$NCPU" -ge 2 ] && [ -w $ON ] && echo 0 >$ON 2>/dev/null; then
	refuse_why "CPU 1 is offline" EINVAL mem_test_start $TW alloc=kmalloc cpu=1
	refuse_why "CPU 1 is offline" EINVAL mem_test_start $TW alloc=percpu ctx=timer cpu=1
	echo 1 >$ON
	read -r v <$ON
	check_eq "CPU 1 is online again" "$v" 1
	start_test T $TW alloc=kmalloc cpu=1
	wait_until 10000 cx_allocated "$T" 5
	tstat v "$T" off_cpu
	tstat a "$T" allocations
	check_eq "a test on cpu=1 runs there again once it is back online (allocations > 0, off_cpu 0)" \
		"$([ "${a:-0}" -gt 0 ] 2>/dev/null && echo allocates) $v" "allocates 0"
	cx_destroy "$T"
else
	skip "cpu=1 while CPU 1 is offline is refused: CPU 1 is offline" "cannot take CPU 1 offline ($ON)"
fi

# ------------------------------------------------ the free policies ---
# cx_free_case "WORDS" MIN_BYTES: a test that reaches TOTAL quickly;
# sampled while it runs, held never passes total and, once it has
# overflowed, it never holds nothing: random, fifo and lifo free chunks
# one by one, only until a piece of MAX fits again; and no piece is cut
# below MIN (MIN_BYTES as counted): held >= chunks x MIN_BYTES
cx_free_case() {
	_fw=$1
	_fmin=$2
	start_test _T $_fw
	_bad=
	_after=0
	_i=0
	while [ $_i -lt 60 ]; do
		slurp _s "$D/tests/$_T/stats"
		cx_vals _cxv "$_s" state held chunks overflows total
		set -- $_cxv
		if [ "$1" != running ]; then
			_bad="$_bad [not running: $_cxv]"
			break
		fi
		isnum "$2" && [ "$2" -le "$5" ] || _bad="$_bad [held > total: $_cxv]"
		isnum "$3" && [ "$2" -ge $(($3 * _fmin)) ] || _bad="$_bad [held < chunks x $_fmin: $_cxv]"
		if [ "${4:-0}" -gt 0 ] 2>/dev/null; then
			_after=$((_after + 1))
			[ "$3" -gt 0 ] || _bad="$_bad [chunks 0 after an overflow: $_cxv]"
		fi
		_i=$((_i + 1))
		sleep 0.05
	done
	run_ok mem_test_stop "$_T"
	slurp _s "$D/tests/$_T/stats"
	cx_vals _cxv "$_s" free errors
	skey _ov "$_s" overflows
	skey _fr "$_s" freed
	skey _ta "$_s" total_alloc
	expect_eq "samples with held > total, a piece below MIN, or no chunk after an overflow" "$_bad" ""
	expect_range "samples taken after the first overflow" $_after 10 1000
	expect_range overflows "$_ov" 1 100000000
	expect_eq "freed (stopped) vs total_alloc" "$_fr" "$_ta"
	expect_eq "free errors" "$_cxv" "${_fw##*free=} 0"
	verdict "mem_test_start '$_fw': reaches total (overflows $_ov); in $_i samples held <= total and >= chunks x $_fmin, chunks > 0 in all $_after after the first overflow" "$_s"
	cx_destroy "$_T"
}
for f in random fifo lifo; do
	cx_free_case "100 1000 20000 1 2 60000 alloc=kmalloc free=$f" 100
done
cx_free_case "1 4096 65536 1 2 60000 alloc=pages ctx=timer free=random" 4096
cx_free_case "10 300 30000 1 2 60000 alloc=cache ctx=timer free=fifo" 10
cx_free_case "8 100 4096 1 2 60000 alloc=percpu ctx=timer free=lifo" $((8 * NCPU))
cx_free_case "1 4 64 1 2 60000 k alloc=vmalloc free=lifo" 1024
# The documentation's per-CPU example, word for word (doc-check.sh holds
# them equal): in interrupt context on CPU 1, freeing at random to stay
# under 64 KiB; it runs, allocates, and errs nowhere.
DOC_PERCPU_EXAMPLE='16 256 65536 1 5 60000 b alloc=percpu ctx=timer cpu=1 free=random'
if [ "$NCPU" -ge 2 ] && [ "$NCPU" -le 128 ]; then
	start_test T $DOC_PERCPU_EXAMPLE
	wait_until 10000 cx_allocated "$T" 20
	slurp s "$D/tests/$T/stats"
	cx_vals v "$s" state errors ctx cpu free
	skey al "$s" allocations
	check_eq "the documented per-CPU example runs: allocates ($al), state running, errors 0, ctx timer, cpu 1, free random" \
		"$([ "${al:-0}" -ge 20 ] 2>/dev/null && echo allocates) $v" "allocates running 0 timer 1 random" "$s"
	cx_destroy "$T"
else
	skip "the documented per-CPU example runs" "it needs CPU 1 and at most 128 possible CPUs ($NCPU)"
fi
# a piece of MAX that counts more than TOTAL could never fit again
refuse_why "free=random frees until a whole piece of max fits: with alloc=pages it counts 8192 bytes, more than total (6000)" \
	EINVAL mem_test_start 1 5000 6000 1 2 1000 alloc=pages free=random
refuse_why "free=fifo frees until a whole piece of max fits: with alloc=percpu it counts $((300 * NCPU)) bytes, more than total ($((300 * NCPU - 1)))" \
	EINVAL mem_test_start 1 300 $((300 * NCPU - 1)) 1 2 1000 alloc=percpu free=fifo

# ---------------------------------------------- a test's own caches ---
run_ok mem_alloc 100 alloc=cache
# ctx=work: created on first use; pieces of 1100..3000 bytes go to the
# classes 2048 and 4096 (after 30 pieces both are used, but for a chance
# of 2^-29)
start_test T 1100 3000 10000000 1 2 60000 alloc=cache
wait_until 10000 cx_allocated "$T" 30
cache_names cl
slab_names sl malloc_test_t${T}_
used v caches
check_eq "ctx=work alloc=cache '1100 3000': caches lists the kept cache, then the test's malloc_test_t${T}_2048 and _4096" \
	"$cl" "malloc_test_kept_128 malloc_test_t${T}_2048 malloc_test_t${T}_4096"
slab_check "/proc/slabinfo has the test's two caches; mem_used caches is 3" \
	"$(echo $sl | tr ' ' '\n' | sort | tr '\n' ' ')$v" "malloc_test_t${T}_2048 malloc_test_t${T}_4096 3"
run_ok mem_test_stop "$T"
cache_names cl malloc_test_t${T}_
slab_names sl malloc_test_t${T}_
cache_objects o malloc_test_kept_128
slab_check "stopped: its caches are gone from caches and /proc/slabinfo; the kept cache stays" "$cl|$sl|$o" "||1"
tstat st "$T" state
check_eq "its statistics stay (state stopped)" "$st" stopped
cx_destroy "$T"

# ctx=timer (and irqoff, which cannot create one in its steps either):
# every class from 8 up to MAX's created at the start
start_test T1 8 1000 100000 1 2 60000 alloc=cache ctx=timer
start_test T2 8 64 100000 5 10 60000 alloc=cache ctx=irqoff
cache_names cl
want="malloc_test_kept_128"
for c in 8 16 32 64 128 256 512 1024; do
	want="$want malloc_test_t${T1}_$c"
done
for c in 8 16 32 64; do
	want="$want malloc_test_t${T2}_$c"
done
check_eq "ctx=timer and ctx=irqoff alloc=cache: every class up to MAX's made at the start; caches lists the kept one, then tests by id, classes ascending" \
	"$cl" "$want"
slab_names sl malloc_test_t
slab_check "/proc/slabinfo has the same test caches" "$(echo $sl | tr ' ' '\n' | sort | tr '\n' ' ')" \
	"$(echo ${want#malloc_test_kept_128 } | tr ' ' '\n' | sort | tr '\n' ' ')"
wait_until 10000 cx_allocated "$T1" 30
run_ok mem_test_destroy "$T1"
cache_names cl malloc_test_t${T1}_
slab_names sl malloc_test_t${T1}_
slab_check "a ctx=timer cache test destroyed while it runs: its caches are gone" "$cl|$sl" "|"
cache_names cl malloc_test_t${T2}_
check_eq "the other test's caches stay" "$cl" "malloc_test_t${T2}_8 malloc_test_t${T2}_16 malloc_test_t${T2}_32 malloc_test_t${T2}_64"
cx_destroy "$T2"
# a test that finishes by itself
start_test T 8 500 50000 1 2 1000 alloc=cache
wait_until 20000 state_is "$T" finished
slurp s "$D/tests/$T/stats"
cx_vals v "$s" state errors held
cache_names cl malloc_test_t${T}_
slab_names sl malloc_test_t${T}_
slab_check "a cache test that finished by itself (errors 0, nothing held) leaves no cache behind" "$v|$cl|$sl" "finished 0 0||" "$s"
cx_destroy "$T"
mtw mem_free
cache_names cl
slab_names sl malloc_test_
used v caches
slab_check "no dedicated cache is left anywhere (caches, /proc/slabinfo, mem_used)" "$cl|$sl|$v" "||0"

# ------------------------------------------------------------ node= ---
NT=
for k in kmalloc kvmalloc pages cache vmalloc; do
	g=
	[ $k = vmalloc ] && g=gfp=kernel
	start_test T 1 8192 10000000 1 2 60000 alloc=$k node=0 $g
	NT="$NT $T:$k"
done
start_test T 8 64 1000000 1 2 60000 alloc=pages ctx=timer node=0
NT="$NT $T:pages,ctx=timer"
start_test T 8 64 1000000 1 2 60000 alloc=kmalloc node=0 cpu=0 free=fifo
NT="$NT $T:kmalloc,cpu=0"
for tk in $NT; do
	wait_until 10000 cx_allocated "${tk%%:*}" 20
done
for tk in $NT; do
	slurp s "$D/tests/${tk%%:*}/stats"
	cx_vals v "$s" node off_node errors
	skey al "$s" allocations
	check_eq "node=0 test (${tk#*:}): allocates ($al), node: 0, off_node 0, errors 0" \
		"$([ "${al:-0}" -ge 20 ] 2>/dev/null && echo allocates) $v" "allocates 0 0 0" "$s"
	cx_destroy "${tk%%:*}"
done
refuse_why "node $NNODES does not exist" EINVAL mem_test_start $TW alloc=kmalloc node=$NNODES
refuse_why "node $NNODES does not exist" EINVAL mem_test_start $TW alloc=pages ctx=timer node=$NNODES
refuse_why "node 4294967295 does not exist" EINVAL mem_test_start $TW alloc=pages node=4294967295
refuse_why "alloc=percpu has no node variant: node= is refused" EINVAL mem_test_start $TW alloc=percpu node=0
RV="alloc=vmalloc on a node goes through vmalloc_node(), which takes no flags: it may call the OOM killer and warns when it fails; give gfp=kernel (or kernel,zero) to take that"
refuse_why "$RV" EINVAL mem_test_start $TW alloc=vmalloc node=0 gfp=kernel,nowarn
refuse_why "$RV" EINVAL mem_test_start $TW alloc=vmalloc node=0

# ----------------------------------------------- other refusals ---
refuse_why "max (4194305) is more than pages can allocate at once (4194304)" \
	EINVAL mem_test_start 1 4194305 8388608 1 2 1000 alloc=pages
refuse_why "max (1048577) is more than cache can allocate at once (1048576)" \
	EINVAL mem_test_start 1 1048577 2097152 1 2 1000 alloc=cache ctx=timer
refuse_why "max (32769) is more than percpu can allocate at once (32768)" \
	EINVAL mem_test_start 1 32769 1048576 1 2 1000 alloc=percpu
refuse_why "total (4000) cannot hold one piece of alloc=pages (4096 bytes)" \
	EINVAL mem_test_start 1 100 4000 1 2 1000 alloc=pages
if [ "$NCPU" -gt 1 ]; then
	refuse_why "total ($((NCPU - 1))) cannot hold one piece of alloc=percpu ($NCPU bytes)" \
		EINVAL mem_test_start 1 1 $((NCPU - 1)) 1 2 1000 alloc=percpu ctx=timer
else
	skip "a test whose total is below one byte per CPU is refused for alloc=percpu" "one possible CPU"
fi
refuse_why "nofail above 8192 bytes (order 1) makes the kernel warn: max is 8193" \
	EINVAL mem_test_start 1 8193 100000 1 2 1000 alloc=pages gfp=kernel,nofail
refuse_why "nofail is refused with alloc=percpu: the kernel supports it only for kmalloc, cache and pages" \
	EINVAL mem_test_start $TW alloc=percpu gfp=kernel,nofail
refuse_why "noretry and retry_mayfail contradict each other" \
	EINVAL mem_test_start $TW alloc=cache gfp=noretry,retry_mayfail

for o in foo=1 Ctx=work CPU=0 FREE=all; do
	refuse_parse "unknown option '${o%%=*}' $TAKES_T" mem_test_start $TW $o
done
refuse_parse "ctx= given twice" mem_test_start $TW ctx=work ctx=work
refuse_parse "cpu= given twice" mem_test_start $TW cpu=0 cpu=1
refuse_parse "free= given twice" mem_test_start $TW free=all free=lifo
refuse_parse "node= given twice" mem_test_start $TW node=0 node=0
for c in irq Timer NMI work, ''; do
	refuse_parse "unknown context '$c' (work, timer, softirq, irqoff, nmi or bhoff)" mem_test_start $TW ctx=$c
done
for f in none LIFO random, first ''; do
	refuse_parse "unknown free policy '$f' (all, random, fifo or lifo)" mem_test_start $TW free=$f
done
for c in x -1 '' 4294967296 1.5 0x1; do
	refuse_parse "cpu '$c' is not a number" mem_test_start $TW cpu=$c
done
refuse_parse "node 'y' is not a number" mem_test_start $TW node=y
refuse_parse "unknown gfp flag 'GFP_ATOMIC'" mem_test_start $TW alloc=kmalloc ctx=timer gfp=GFP_ATOMIC
refuse_parse "gfp= takes one base: kernel, atomic or nowait" mem_test_start $TW ctx=timer gfp=atomic,nowait
refuse_parse "unknown allocator 'slub' (kmalloc, vmalloc, kvmalloc, pages, cache, percpu, kmalloc_nolock, pages_nolock or mempool)" mem_test_start $TW alloc=slub
list_ids ids
check_eq "after the refusals, no test exists" "$ids" ""

# ------------------------------------------ gfp=account, ctx=work ---
# Charged to the memory cgroup of the writer of mem_test_start, as it was
# at the start: the shell starts the test in a child group, then leaves it.
if cg_setup mt55; then
	read -r m0 <"$CG_DIR/memory.current"
	start_test T 1 1 16 1 2 60000 m alloc=vmalloc gfp=kernel,account,nowarn free=lifo
	cg_leave
	read -r l </proc/self/cgroup
	held_near() {
		tstat _h "$T" held
		isnum "$_h" && [ "$_h" -ge $((15 * 1048576)) ]
	}
	wait_until 20000 held_near
	tstat h "$T" held
	read -r m1 <"$CG_DIR/memory.current"
	tstat h2 "$T" held
	expect_range "held (15..16 MiB once full)" "$h" $((15 * 1048576)) $((16 * 1048576))
	expect_range "memory.current's rise" $((m1 - m0)) $((h - 2097152)) $((h2 + 2097152))
	verdict "a test with gfp=kernel,account, started from a child group the shell then left ($l): the group's memory.current follows its held (15..16 MiB, within 2 MiB)" \
		"memory.current $m0 -> $m1, held $h, $h2"
	run_ok mem_test_stop "$T"
	read -r m2 <"$CG_DIR/memory.current"
	check_range "stopped: the group's memory.current falls back (within 1 MiB)" $((m2 - m0)) -1048576 1048576 \
		"memory.current $m0 -> $m1 -> $m2"
	cx_destroy "$T"
else
	skip "a ctx=work test with gfp=account charges the memory cgroup of its writer, as it was at the start" "$CG_WHY"
fi
cg_teardown

# ------------------------------------------------------- the end ---
mtw_wo mem_test_destroy_all
used tc test_chunks
used kc kept_chunks
used v caches
check_eq "at the end: no test chunk, no kept chunk, no dedicated cache" "$tc $kc $v" "0 0 0"
mt_exit
