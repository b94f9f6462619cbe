#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 59-bulk.sh - bulk= for timed tests: each allocation step asks N chunks
# of one size in one call, kmem_cache_alloc_bulk() (alloc=cache) or
# alloc_pages_bulk() (alloc=pages, single pages), each chunk kept,
# charged and counted as a single one.
#
#  - A cache test of 64-byte chunks, bulk=16, TOTAL a multiple of 16
#    chunks and out of its reach: every call gives 16, so its latency file counts one sample a
#    call, allocations / 16; the caches file and /proc/slabinfo count its
#    chunks while it runs; its stats say bulk 16; its charge is exact.
#  - Pages tests with bulk=8 in every context but nmi, cache tests in the
#    contexts where interrupts stay on (work, softirq, bhoff): they
#    allocate, count what the kernel did not give as errors, and end
#    exact.
#  - The refusals: another allocator, pages above a page, node=, the
#    range, cache where interrupts are off (ctx=timer, irqoff):
#    kmem_cache_alloc_bulk() must be called with them on, and 6.1's turns
#    them back on as it returns, inside the timer's hard interrupt; bulk=
#    is in mem_test_start's usage.
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

# ------------------------------------------- 16 chunks a call, exactly ---
# TOTAL: 65536 chunks, more than it makes in its 3 s, so that it never
# frees while it is read
start_test id 64 64 4194304 1 2 3000 alloc=cache bulk=16
d="a cache test with bulk=16: one call gives 16 chunks"
if [ -z "$id" ]; then
	fail "$d" "not started"
else
	K=malloc_test_t${id}_64
	wait_until 10000 eval 'tstat _c "$id" chunks; [ "${_c:-0}" -ge 64 ]'
	tstat c0 "$id" chunks
	cache_objects ob "$K"
	run_ok mem_test_stop "$id"
	tstat bk "$id" bulk
	tstat al "$id" allocations
	tstat er "$id" errors
	tstat ch "$id" charged
	tstat ta "$id" total_alloc
	tstat fr "$id" freed
	slurp lt "$D/tests/$id/latency"
	lat_check le "$lt" "alloc realloc free lateness"
	_E=
	expect_eq "bulk" "$bk" 16
	expect_eq "errors" "$er" 0
	expect_eq "allocations, a multiple of 16" $((al % 16)) 0
	expect_range allocations "$al" 64 100000000
	expect_eq "the latency file" "$le" ""
	expect_eq "alloc samples (one a call)" "$LAT_alloc_count" $((al / 16))
	expect_eq "total_alloc - freed" $((ta - fr)) "$ch"
	# While it ran, its chunks counted 64 or more.  Not a multiple of 16:
	# a call's chunks are kept one by one after it, and a read may come
	# between two (allocations, added once per call, is the multiple).
	expect_range "the caches file's objects of $K (read just after)" "$ob" "$c0" 65536
	verdict "$d: $al chunks in $LAT_alloc_count calls, its figures exact"
	run_ok mem_test_destroy "$id"
fi

# ---------------------------------------------------- every context ---
for spec in "cache 16 512 work softirq bhoff" \
	"pages 4096 4096 work timer softirq irqoff bhoff"; do
	set -- $spec
	for ctx in $(echo "$spec" | cut -d' ' -f4-); do
		d="a $1 test with bulk=8 in ctx=$ctx"
		start_test id "$2" "$3" 262144 1 2 1000 alloc="$1" ctx=$ctx bulk=8
		if [ -z "$id" ]; then
			fail "$d" "not started"
			continue
		fi
		wait_until 15000 state_is "$id" finished
		tstat st "$id" state
		tstat al "$id" allocations
		tstat er "$id" errors
		tstat ch "$id" charged
		tstat ta "$id" total_alloc
		tstat fr "$id" freed
		_E=
		expect_eq state "$st" finished
		expect_range allocations "$al" 8 100000000
		expect_eq "total_alloc - freed" $((ta - fr)) "$ch"
		charges_add_up why || _E="$_E$why$NL"
		verdict "$d: $al chunks, $er not given; its charge exact"
		run_ok mem_test_destroy "$id"
	done
done

# -------------------------------------------------------- refusals ---
refuse EINVAL mem_test_start 64 64 4096 1 2 100 alloc=kmalloc bulk=2
refuse EINVAL mem_test_start 64 64 4096 1 2 100 alloc=mempool bulk=2
refuse EINVAL mem_test_start 64 8192 65536 1 2 100 alloc=pages bulk=2
refuse EINVAL mem_test_start 64 64 4096 1 2 100 alloc=cache bulk=2 node=0
refuse EINVAL mem_test_start 64 64 4096 1 2 100 alloc=cache bulk=0
refuse EINVAL mem_test_start 64 64 4096 1 2 100 alloc=cache bulk=513
for ctx in timer irqoff; do
	refuse_why "bulk=8: kmem_cache_alloc_bulk() must be called with interrupts enabled, and ctx=$ctx disables them: alloc=cache takes bulk= in ctx=work, softirq or bhoff" \
		EINVAL mem_test_start 16 512 262144 1 2 100 alloc=cache ctx=$ctx bulk=8
done
start_test id 64 64 4096 1 2 100 alloc=kmalloc bulk=1
check "bulk=1 takes any allocator (single calls)" [ -n "$id" ]
[ -z "$id" ] || run_ok mem_test_destroy "$id"
usage_of u mem_test_start
case $u in
*"[bulk=N]"*) pass "mem_test_start's usage lists bulk=N" ;;
*) fail "mem_test_start's usage lists bulk=N" "'$u'" ;;
esac
mt_exit
