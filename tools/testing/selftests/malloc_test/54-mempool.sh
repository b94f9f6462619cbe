#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 54-mempool.sh - alloc=mempool: mempool_alloc() and mempool_free() over a
# mempool per size class, each over the owner's dedicated cache of that
# class (shared with alloc=cache), with a reserve of reserve= elements
# (tests, bench) or mempool_reserve's (kept memory).
#
#  - Kept memory: the pool is made with the class's first mempool chunk,
#    over a cache that may exist already; the mempools file lists it full;
#    overhead_bytes moves by its reserve, element array and descriptor;
#    /proc/slabinfo counts the chunks plus the reserve; mem_free takes
#    pool and cache away; mem_rnd_alloc makes a pool per class, of
#    mempool_reserve's size read then.
#  - The refusals: zero, retry_mayfail, nofail, release=rcu, reserve=
#    with another allocator, reserve= out of range or on kept commands.
#  - Tests in every context with reserve=3: the pools exist while the
#    test runs (every class up to MAX at its start in an atomic context),
#    its statistics say reserve 3, its charge is exact, they go with it.
#  - A bench over the kernel's own slab pool: every pair counted once.
#  - Where failslab is (the debug kernel): the reserve at work.  The cache
#    failing every allocation that cannot reclaim, a kept chunk with
#    gfp=atomic comes from the reserve until it is empty, then ENOMEM;
#    one with gfp=kernel from the cache on its second try; slabinfo
#    still counts the cache's objects; a ctx=timer test allocates exactly
#    its reserve, every chunk from it, and counts the rest as errors.
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same, failslab's
# attributes as they were.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

# pool_line VAR NAME: "min_nr curr_nr from_reserve" of NAME in mempools
# ('' when it is not listed)
pool_line() {
	_pl=
	while read -r _pn _pm _pc _pf; do
		[ "$_pn" = "$2" ] && _pl="$_pm $_pc $_pf"
	done <"$D/mempools"
	eval "$1=\$_pl"
}

# pool_count VAR PREFIX: how many pools mempools lists under PREFIX
pool_count() {
	_pk=0
	while read -r _pn _; do
		case $_pn in
		"$2"*) _pk=$((_pk + 1)) ;;
		esac
	done <"$D/mempools"
	eval "$1=\$_pk"
}

# slab_objects VAR NAME: NAME's active objects in /proc/slabinfo once its
# CPUs' slabs are flushed ('' without slabinfo)
slab_objects() {
	echo 1 >"/sys/kernel/slab/$2/shrink" 2>/dev/null
	slabinfo_of "$2"
	eval "$1=\$SL_ACTIVE"
}

# --------------------------------------------------------- kept memory ---
K=malloc_test_kept_128
check "the mempools file is there and says what its columns are" \
	[ "$(head -n 1 "$D/mempools")" = "# name min_nr curr_nr from_reserve" ]
used o0 overhead_bytes
run_ok mem_alloc 100 alloc=cache
used o1 overhead_bytes
used c0 mempool_chunks
used f0 mempool_charged
mtw mem_alloc 100 alloc=mempool
used o2 overhead_bytes
used c1 mempool_chunks
used f1 mempool_charged
used b1 mempool_bytes
pool_line pl $K
cache_objects ob $K
_E=
expect "mem_alloc '100 alloc=mempool' accepted: $(mt_evidence)" [ "$MT_RC" = 0 ]
expect_eq "mempool_chunks, _bytes, _charged moved" "$((c1 - c0)) $b1 $((f1 - f0))" "1 100 128"
expect_eq "$K in mempools: min_nr curr_nr from_reserve" "$pl" "4 4 0"
expect_eq "the caches file's objects of $K (cache and mempool chunks)" "$ob" 2
# a pool made over an existing cache: its reserve (4 x 128), its array of
# 4 pointers (32) and its descriptor (a kmalloc class of 64 to 512: its
# two spinlocks grow with lockdep)
pool=$((o2 - o1))
expect_range "overhead_bytes moved by the pool" "$pool" $((512 + 32 + 64)) $((512 + 32 + 512))
verdict "a mempool chunk over alloc=cache's existing $K: the pool made full (4), charged $pool bytes beside the cache's $((o1 - o0))"
if [ -z "$SLABINFO_WHY" ]; then
	slab_objects so $K
	slab_check "/proc/slabinfo's $K: the two chunks and the pool's 4" "$so" 6
fi
refuse EINVAL mem_alloc 100 alloc=mempool gfp=kernel,zero
refuse EINVAL mem_alloc 100 alloc=mempool gfp=retry_mayfail
refuse EINVAL mem_alloc 100 alloc=mempool gfp=kernel,nofail
refuse_parse "unknown option 'reserve' (this command takes alloc, gfp, node, avail)" mem_alloc 100 alloc=mempool reserve=2
refuse EINVAL mem_test_start 16 64 4096 1 2 100 alloc=mempool release=rcu
refuse EINVAL mem_test_start 16 64 4096 1 2 100 alloc=cache reserve=2
refuse EINVAL mem_test_start 16 64 4096 1 2 100 alloc=mempool reserve=0
refuse EINVAL mem_test_start 16 64 4096 1 2 100 alloc=mempool reserve=1025
refuse EINVAL bench alloc=kmalloc size=64 count=10 reserve=2
usage_of u mem_test_start
case $u in
*"[reserve=N]"*) pass "mem_test_start's usage lists reserve=N" ;;
*) fail "mem_test_start's usage lists reserve=N" "'$u'" ;;
esac

# mem_free: the pool and the cache go with the last chunk of the class
mtw mem_free
check_eq "mem_free frees the kept chunks: 200 bytes" "$MT_OUT" 200 "$(mt_evidence)"
used o3 overhead_bytes
pool_count np malloc_test_kept_
cache_objects ob $K
_E=
expect_eq "overhead_bytes back" "$o3" "$o0"
expect_eq "kept pools left" "$np" 0
expect_eq "$K in caches" "$ob" ""
if [ -z "$SLABINFO_WHY" ] && slabinfo_of $K; then
	_E="${_E}$K still in /proc/slabinfo$NL"
fi
verdict "mem_free: the pool and its cache gone, overhead_bytes back ($o0)"

# mem_rnd_alloc: a pool per class, of mempool_reserve's size
setparam mempool_reserve 2
used o0 overhead_bytes
mtw mem_rnd_alloc 1 1000 65536 alloc=mempool
ans=$MT_OUT
used c1 mempool_chunks
used b1 mempool_bytes
used f1 mempool_charged
pool_count np malloc_test_kept_
bad=
while read -r _pn _pm _pc _pf; do
	case $_pn in
	malloc_test_kept_*) [ "$_pm $_pc $_pf" = "2 2 0" ] || bad="$bad $_pn:$_pm/$_pc/$_pf" ;;
	esac
done <"$D/mempools"
_E=
expect "mem_rnd_alloc accepted: $(mt_evidence)" [ "$MT_RC" = 0 ]
expect_eq "mempool_bytes" "$b1" 65536
expect_range "mempool_charged (a power-of-two class each)" "$f1" 65536 131072
expect_range "kept pools (a class each, 8 to 1024 bytes)" "$np" 2 8
expect_eq "pools not '2 2 0' (min_nr curr_nr from_reserve)" "$bad" ""
charges_add_up why || _E="$_E$why$NL"
verdict "mem_rnd_alloc 1 1000 65536 alloc=mempool: $c1 chunks over $np pools of mempool_reserve=2, charges exact (answer '$ans')"
run_ok mem_free
setparam mempool_reserve 4
used o1 overhead_bytes
check_eq "overhead_bytes back after mem_free" "$o1" "$o0"

# --------------------------------------------------- every context ---
for ctx in work timer softirq irqoff; do
	d="a mempool test in ctx=$ctx with reserve=3"
	start_test id 16 4096 65536 1 2 1500 alloc=mempool ctx=$ctx reserve=3
	if [ -z "$id" ]; then
		fail "$d" "not started"
		continue
	fi
	wait_until 10000 eval 'tstat _a "$id" allocations; [ "${_a:-0}" -ge 20 ]'
	pool_count np "malloc_test_t${id}_"
	pool_line pl "malloc_test_t${id}_16"
	wait_until 15000 state_is "$id" finished
	tstat st "$id" state
	tstat al "$id" allocations
	tstat re "$id" reallocs
	tstat er "$id" errors
	tstat rs "$id" reserve
	tstat fr "$id" from_reserve
	tstat ch "$id" charged
	tstat ta "$id" total_alloc
	tstat fd "$id" freed
	pool_count np2 "malloc_test_t${id}_"
	_E=
	expect_eq state "$st" finished
	expect_eq reserve "$rs" 3
	expect_range allocations "$al" 1 1000000
	expect_range "from_reserve (of allocations and reallocs)" "$fr" 0 $((al + re))
	expect_eq "total_alloc - freed" $((ta - fd)) "$ch"
	case $ctx in
	work) expect_range "pools while it ran (made as needed)" "$np" 1 10 ;;
	# 16 .. 4096: the classes of 16 to 4096 bytes, made at the start
	*) expect_eq "pools while it ran (every class up to MAX's, from 8)" "$np" 10 ;;
	esac
	case $pl in
	"" | "3 "*) ;;
	*) _E="${_E}malloc_test_t${id}_16's pool: '$pl', not min_nr 3$NL" ;;
	esac
	expect_eq "pools once it ended" "$np2" 0
	verdict "$d: $al allocations, $er errors, $fr from the reserve; its pools ($np) gone with it, its charge exact"
	run_ok mem_test_destroy "$id"
done

# -------------------------------------------------------------- bench ---
mtw bench alloc=mempool size=64 count=2000 sample=1 time=60 reserve=2
_E=
expect "bench alloc=mempool accepted: $(mt_evidence)" [ "$MT_RC" = 0 ]
case $MT_OUT in
*" reserve=2 "*) ;;
*) _E="${_E}the answer does not say reserve=2: '$MT_OUT'$NL" ;;
esac
wait_until 120000 eval 'fkey _st "$D/bench_result" state; [ "$_st" != running ]'
fkey st "$D/bench_result" state
fkey ao "$D/bench_result" alloc_ops
fkey fo "$D/bench_result" free_ops
fkey er "$D/bench_result" errors
fkey rs "$D/bench_result" reserve
expect_eq state "$st" done
expect_eq "alloc_ops free_ops errors" "$ao $fo $er" "2000 2000 0"
expect_eq "reserve" "$rs" 2
used bb bench_bytes
expect_eq "bench_bytes once over" "$bb" 0
slab_names sn malloc_test_bench_
expect_eq "the run's cache once over" "$sn" ""
verdict "bench alloc=mempool size=64 count=2000 reserve=2: every pair counted once, its pool and cache gone"

# ------------------------------------------------- the reserve at work ---
FS=/sys/kernel/debug/failslab
if [ ! -d "$FS" ] || [ ! -e "$FS/cache-filter" ] || [ -n "$SLABINFO_WHY" ]; then
	skip "mempool: the reserve lends, then runs dry (failslab)" \
		"this kernel has no failslab with a cache filter, or no slabinfo"
	mt_exit
fi
FS_KEYS="probability interval times space verbose task-filter cache-filter ignore-gfp-wait"
FS_SAVED=
for k in $FS_KEYS; do
	read -r v <"$FS/$k"
	FS_SAVED="$FS_SAVED$k=$v "
done
fs_set() {
	for _kv in "$@"; do
		echo "${_kv#*=}" >"$FS/${_kv%%=*}" ||
			diag "could not set ${_kv%%=*} of failslab to ${_kv#*=}"
	done
}
# only this cache's allocations that cannot reclaim, no trace each
fs_set probability=0 interval=1 times=-1 space=0 verbose=0 task-filter=N \
	cache-filter=Y ignore-gfp-wait=Y
K=malloc_test_kept_64
run_ok mem_alloc 64 alloc=mempool
echo 1 >/sys/kernel/slab/$K/failslab
fs_set probability=100
n_ok=0 n_nomem=0 ans=
for i in 1 2 3 4 5; do
	mtw mem_alloc 64 alloc=mempool gfp=atomic
	if [ "$MT_RC" = 0 ]; then
		n_ok=$((n_ok + 1))
	else
		case $MT_ERR in
		*"$(errno_text ENOMEM)"*) n_nomem=$((n_nomem + 1)) ;;
		*) ans="$ans '$MT_ERR'" ;;
		esac
	fi
done
pool_line pl $K
mtw mem_alloc 64 alloc=mempool
krc=$MT_RC
pool_line pl2 $K
slab_objects so $K
used c1 mempool_chunks
fs_set probability=0
echo 0 >/sys/kernel/slab/$K/failslab
_E=
expect_eq "gfp=atomic chunks taken, refused with ENOMEM, refused otherwise" "$n_ok $n_nomem$ans" "4 1"
expect_eq "$K's pool after them (min_nr curr_nr from_reserve)" "$pl" "4 0 4"
expect_eq "the gfp=kernel chunk (reclaim allowed: failslab spares it)" "$krc" 0
expect_eq "$K's pool after it" "$pl2" "4 0 4"
expect_eq "mempool_chunks" "$c1" 6
expect_eq "/proc/slabinfo's $K: 1 + 4 lent + 1" "$so" 6
verdict "failslab on $K: four gfp=atomic chunks from the reserve, the fifth ENOMEM, a gfp=kernel one from the cache"
run_ok mem_free
pool_count np malloc_test_kept_
check_eq "mem_free: the kept pools gone" "$np" 0

# a ctx=timer test whose cache fails every time: its reserve, no more
start_test id 64 64 65536 1 1 100000 alloc=mempool ctx=timer reserve=4
if [ -z "$id" ]; then
	fail "a ctx=timer mempool test on a failing cache" "not started"
else
	echo 1 >"/sys/kernel/slab/malloc_test_t${id}_64/failslab"
	fs_set probability=100
	wait_until 10000 eval 'tstat _e "$id" errors; [ "${_e:-0}" -ge 20 ]'
	mtw mem_test_stop "$id"
	fs_set probability=0
	tstat al "$id" allocations
	tstat er "$id" errors
	tstat fr "$id" from_reserve
	_E=
	expect_eq "from_reserve" "$fr" 4
	# those before failslab was armed came from the cache
	expect_range "allocations" "$al" 4 1000000
	expect_range "errors" "$er" 20 1000000
	verdict "a ctx=timer mempool test on a cache that fails: the reserve's 4 chunks lent ($((al - 4)) from the cache before), then $er errors"
	run_ok mem_test_destroy "$id"
fi
for kv in $FS_SAVED; do
	echo "${kv#*=}" >"$FS/${kv%%=*}"
done
mt_exit
