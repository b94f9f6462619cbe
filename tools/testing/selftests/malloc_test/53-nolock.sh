#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 53-nolock.sh - the allocators that take no lock: alloc=kmalloc_nolock
# (kmalloc_nolock(), kfree_nolock()) and alloc=pages_nolock
# (alloc_pages_nolock(), __free_pages()), from 6.18 on.  They are allowed
# to fail: a refusal of the kernel is ENOMEM for a command and an error
# for a test or a bench, a figure.  They take every context, no nofail,
# nothing against max_atomic_bytes whatever gfp= says; kmalloc_nolock
# goes to 8 KiB (no large kmalloc), pages_nolock to order 3.  They alone
# allocate in ctx=nmi, whose NMIs the kernel's count cross-checks.
# Before 6.18 every use is refused with the reason, and ctx=nmi too.  (kmalloc_nolock() needs a
# cmpxchg16b or a debug cache: under TCG, whose cmpxchg16b the harness
# turns off, it fails every time, which the case reports.)
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

if ! kv_ge 6 18; then
	for k in kmalloc_nolock pages_nolock; do
		refuse EINVAL mem_alloc 100 alloc=$k
		case $MT_OUT in
		*"6.18"*) pass "alloc=$k on $(uname -r): the reason says 6.18 brought it" ;;
		*) fail "alloc=$k on $(uname -r): the reason says 6.18 brought it" "'$MT_OUT'" ;;
		esac
		refuse EINVAL mem_test_start 64 128 4096 1 2 100 alloc=$k
		refuse EINVAL bench alloc=$k size=64 count=10
		setparam alloc $k
		param v alloc
		check_eq "the alloc parameter refuses $k here and stays kvmalloc" "$MT_RC $v" "1 kvmalloc"
	done
	# ctx=nmi allocates with them alone: refused with them
	refuse_why "ctx=nmi: no allocator may run in an NMI on this kernel: kmalloc_nolock() and alloc_pages_nolock() with flags came in 6.18" \
		EINVAL mem_test_start 64 128 4096 1 2 100 alloc=kmalloc ctx=nmi
	mt_exit
fi

# --------------------------------------------------- one chunk each ---
# nolock_alloc KIND WORDS BYTES FP: mem_alloc WORDS; accepted (KIND's
# figures move by one chunk, BYTES, FP of footprint) or refused by the
# kernel with ENOMEM, nothing moved.  NL_GOT := 1 when accepted.
nolock_alloc() {
	used _c0 ${1}_chunks
	used _f0 ${1}_charged
	used _a0 atomic_bytes
	mtw mem_alloc $2
	used _c1 ${1}_chunks
	used _f1 ${1}_charged
	used _a1 atomic_bytes
	_E=
	NL_GOT=0
	if [ "$MT_RC" = 0 ]; then
		NL_GOT=1
		expect_eq "${1}_chunks moved" $((_c1 - _c0)) 1
		expect_eq "${1}_charged moved" $((_f1 - _f0)) "$4"
	else
		case $MT_ERR in
		*"$(errno_text ENOMEM)"*) ;;
		*) _E="${_E}refused, but not with ENOMEM: $(mt_evidence)$NL" ;;
		esac
		expect_eq "${1}_chunks moved" $((_c1 - _c0)) 0
	fi
	expect_eq "atomic_bytes moved (nolock: never the reserves)" $((_a1 - _a0)) 0
	if [ $NL_GOT = 1 ]; then
		verdict "mem_alloc '$2': one $1 chunk of $3 bytes, $4 of footprint, nothing against max_atomic_bytes"
	else
		verdict "mem_alloc '$2': the kernel refused it (ENOMEM, allowed: $1 may fail), nothing moved"
	fi
}

nolock_alloc pages_nolock "5000 alloc=pages_nolock" 8192 8192
PG_OK=$NL_GOT
nolock_alloc pages_nolock "32 k alloc=pages_nolock gfp=atomic,nowarn" 32768 32768
nolock_alloc kmalloc_nolock "100 alloc=kmalloc_nolock" 100 128
KM_OK=$NL_GOT
nolock_alloc kmalloc_nolock "8 k alloc=kmalloc_nolock gfp=atomic,nowarn" 8192 8192
check "pages_nolock served at least one of its two chunks here" [ "$PG_OK" = 1 ]
diag "kmalloc_nolock: $([ "$KM_OK" = 1 ] && echo served || echo 'refused every time (no cmpxchg16b: TCG)')"

refuse EINVAL mem_alloc 8193 alloc=kmalloc_nolock
refuse EINVAL mem_alloc 33 k alloc=pages_nolock
refuse EINVAL mem_alloc 100 alloc=kmalloc_nolock gfp=kernel,nofail
refuse EINVAL mem_alloc 4096 alloc=pages_nolock gfp=kernel,nofail
refuse EINVAL mem_test_start 64 128 4096 1 2 100 alloc=kmalloc_nolock release=rcu
run_ok mem_free

# -------------------------------------------- tests, every context ---
for k in pages_nolock kmalloc_nolock; do
	for ctx in work timer softirq irqoff nmi; do
		max=4096
		[ $k = pages_nolock ] && max=16384
		start_test id 16 $max 65536 1 2 600 alloc=$k ctx=$ctx
		check "mem_test_start alloc=$k ctx=$ctx starts" [ -n "$id" ]
		[ -n "$id" ] || continue
		wait_until 10000 state_is "$id" finished
		tstat al "$id" allocations
		tstat er "$id" errors
		tstat st "$id" state
		tstat ch "$id" charged
		tstat ta "$id" total_alloc
		tstat fr "$id" freed
		tstat p50 "$id" alloc_p50_ns
		_E=
		expect_eq state "$st" finished
		expect_range "allocations + errors (steps that allocated or failed)" $((al + er)) 1 1000000
		expect_eq "total_alloc - freed" $((ta - fr)) "$ch"
		[ $k = kmalloc_nolock ] || expect_range "allocations (pages_nolock)" "$al" 1 1000000
		verdict "a $k test in ctx=$ctx: $al allocations, $er failed ($((100 * er / (al + er + (al + er == 0)))) %: a figure, not a fault), alloc_p50_ns $p50, its charge exact"
		run_ok mem_test_destroy "$id"
	done
done

# ------------------------------------------------------------ ctx=nmi ---
# The allocator's call made in an NMI that the test's hrtimer raises on its
# own CPU: the kernel's own count of NMIs (/proc/interrupts) rises by at
# least one per step that allocated or failed, on the CPU asked.  Only the
# nolock allocators may run there, and the flags of an atomic context.
# nmi_count VAR CPU: the NMIs CPU has taken
nmi_count() {
	_nc=$(awk -v c=$(($2 + 2)) '$1 == "NMI:" { print $c }' /proc/interrupts)
	eval "$1=\${_nc:-0}"
}

for k in kmalloc cache mempool percpu; do
	refuse_why "alloc=$k takes locks: ctx=nmi takes kmalloc_nolock or pages_nolock, the allocators that may run in an NMI" \
		EINVAL mem_test_start 64 128 4096 1 2 100 alloc=$k ctx=nmi
done
refuse_why "gfp=account charges the writer's memory cgroup: not in ctx=nmi" \
	EINVAL mem_test_start 64 128 4096 1 2 100 alloc=pages_nolock ctx=nmi gfp=account
refuse_why "gfp=kernel may sleep: ctx=nmi takes atomic or nowait" \
	EINVAL mem_test_start 64 128 4096 1 2 100 alloc=kmalloc_nolock ctx=nmi gfp=kernel

# Two at once on the last CPU, then each in turn: the handler is shared,
# registered by the first and unregistered by the last.
NMI_CPU=$(($(nproc) - 1))
nmi_count n0 $NMI_CPU
start_test NMI_A 4096 16384 262144 1 2 1500 alloc=pages_nolock ctx=nmi cpu=$NMI_CPU
start_test NMI_B 64 1024 65536 1 2 1500 alloc=kmalloc_nolock ctx=nmi cpu=$NMI_CPU
check "two ctx=nmi tests start on CPU $NMI_CPU" [ -n "$NMI_A" -a -n "$NMI_B" ]
for id in $NMI_A $NMI_B; do
	wait_until 10000 state_is "$id" finished
done
nmi_count n1 $NMI_CPU
steps=0
for id in $NMI_A $NMI_B; do
	tstat al "$id" allocations
	tstat er "$id" errors
	tstat cx "$id" ctx
	tstat oc "$id" off_cpu
	tstat ta "$id" total_alloc
	tstat fr "$id" freed
	tstat ch "$id" charged
	tstat p50 "$id" alloc_p50_ns
	_E=
	expect_eq ctx "$cx" nmi
	expect_eq off_cpu "$oc" 0
	expect_eq "total_alloc - freed" $((ta - fr)) "$ch"
	expect_range "allocations + errors" $((al + er)) 1 1000000
	if [ "$id" = "$NMI_A" ]; then
		expect_range "pages_nolock allocations" "$al" 1 1000000
		expect_range "alloc_p50_ns (timed in the NMI)" "$p50" 1 100000000
	fi
	verdict "ctx=nmi test $id: $al allocations, $er failed, on CPU $NMI_CPU, its charge exact"
	steps=$((steps + al + er))
done
check "the kernel counted an NMI on CPU $NMI_CPU for each of the $steps steps (NMIs $n0 -> $n1)" \
	[ $((n1 - n0)) -ge "$steps" ]
run_ok mem_test_destroy "$NMI_A"
start_test NMI_C 4096 4096 65536 1 2 300 alloc=pages_nolock ctx=nmi
check "a ctx=nmi test starts while another exists, and after one was destroyed" [ -n "$NMI_C" ]
run_ok mem_test_destroy "$NMI_B"
[ -n "$NMI_C" ] && wait_until 10000 state_is "$NMI_C" finished
tstat al "$NMI_C" allocations
check "it allocated ($al)" [ "${al:-0}" -ge 1 ]
run_ok mem_test_destroy "$NMI_C"
start_test NMI_D 4096 4096 65536 1 2 300 alloc=pages_nolock ctx=nmi
check "and once none exists, again (the handler registered anew)" [ -n "$NMI_D" ]
run_ok mem_test_destroy "$NMI_D"

# -------------------------------------------------------------- bench ---
for k in pages_nolock kmalloc_nolock; do
	sz=64
	[ $k = pages_nolock ] && sz=4096
	mtw bench alloc=$k size=$sz count=2000 sample=1 time=60
	_E=
	expect "bench alloc=$k accepted: $(mt_evidence)" [ "$MT_RC" = 0 ]
	wait_until 120000 eval 'fkey _st "$D/bench_result" state; [ "$_st" != running ]'
	fkey st "$D/bench_result" state
	fkey ao "$D/bench_result" alloc_ops
	fkey er "$D/bench_result" errors
	expect_eq state "$st" done
	expect_eq "alloc_ops + errors" $((ao + er)) 2000
	[ $k = kmalloc_nolock ] || expect_range "alloc_ops (pages_nolock)" "$ao" 1 2000
	verdict "bench alloc=$k size=$sz count=2000: $ao allocated, $er failed, every pair counted once"
done
used bb bench_bytes
check_eq "bench_bytes once over" "$bb" 0

mt_exit
