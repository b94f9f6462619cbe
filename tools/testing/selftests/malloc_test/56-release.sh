#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 56-release.sh - release=rcu: chunks given back through kfree_rcu() and
# kvfree_rcu().  What the kernel holds for them stays charged, as
# mem_used's rcu_pending_bytes, until it may have freed them (5 s, then a
# grace period): so the charge counts against max_bytes meanwhile, drains
# by itself, and once drained the kernel's VmallocUsed is back.  mem_free
# releases so what it can (kmalloc, cache, vmalloc and kvmalloc chunks of
# 16 bytes or more) and frees the rest at once; a test's chunks all go
# so.  Refused: pages and percpu (no such release), a MIN under 16 bytes
# (the rcu_head the release writes into the chunk), alloc=cache before
# 6.12 (kmem_cache_destroy() waits for kfree_rcu() from then on).  rmmod
# with releases pending leaves nothing charged.
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

# ------------------------------------ mem_free release=rcu, vmalloc ---
mi vm0 VmallocUsed
for i in 1 2 3 4; do
	run_ok mem_alloc 1 m alloc=vmalloc
done
used kch kept_charged
used ch0 charged_bytes
nowv t0
mtw mem_free release=rcu
used kb kept_bytes
used pend rcu_pending_bytes
used ch1 charged_bytes
mi vm1 VmallocUsed
_E=
expect "mem_free release=rcu refused: $(mt_evidence)" [ "$MT_RC" = 0 ]
expect_eq "its answer" "$MT_OUT" 4194304
expect_eq "kept_bytes" "$kb" 0
expect_eq "rcu_pending_bytes: the footprint given" "$pend" "$kch"
expect_eq "charged_bytes, still" "$ch1" "$ch0"
expect "the charges add up: $(charges_add_up _p; echo "$_p")" charges_add_up _p
verdict "mem_free release=rcu of 4 x 1 MiB vmalloc: 4194304 freed, kept_bytes 0, rcu_pending_bytes = the footprint given ($kch), charged_bytes unchanged, the charges add up (VmallocUsed $((vm1 - vm0)) kB above before, the kernel's to free)"

_E=
expect "rcu_pending_bytes back to 0 within 15 s" rcu_settle
nowv t1
used ch2 charged_bytes
expect_range "ms until rcu_pending_bytes was 0 (the kernel may hold it 5 s, then a grace period)" $((t1 - t0)) 4900 15000
expect_eq "charged_bytes, then" "$ch2" $((ch0 - kch))
# the kernel has freed the areas: within a second of the charge's end
vm_back() {
	mi _vb VmallocUsed
	[ $((_vb - vm0)) -le 512 ]
}
expect "VmallocUsed back within 512 kB of before, within 1 s (now $(mi _x VmallocUsed; echo "$_x") kB, before $vm0 kB)" wait_until 1000 vm_back
verdict "rcu_pending_bytes drained after $((t1 - t0)) ms, charged_bytes back down by it, and the kernel's VmallocUsed back: it held the areas no longer than they were charged"

# --------------------------------------------- what max_bytes counts ---
param mb0 max_bytes
used ch charged_bytes
setparam max_bytes $((ch + 3 * 1048576))
run_ok mem_alloc 2 m alloc=vmalloc
run_ok mem_free release=rcu
used pend rcu_pending_bytes
mtw mem_alloc 2 m alloc=vmalloc
_E=
expect "a second 2 MiB refused while the first waits for the kernel: $(mt_evidence)" [ "$MT_RC" != 0 ]
case $MT_ERR in
*"$(errno_text ENOSPC)"*) ;;
*) _E="${_E}not ENOSPC: '$MT_ERR'$NL" ;;
esac
verdict "max_bytes counts what waits for RCU: with room for 3 MiB, 2 MiB released through RCU ($pend bytes pending) and 2 MiB more is refused with ENOSPC"
_E=
expect "rcu_pending_bytes back to 0 within 15 s" rcu_settle
mtw mem_alloc 2 m alloc=vmalloc
expect "the same 2 MiB, once drained: $(mt_evidence)" [ "$MT_RC" = 0 ]
verdict "once rcu_pending_bytes is back to 0, the same 2 MiB is taken"
run_ok mem_free
setparam max_bytes "$mb0"

# ------------------------------ mem_free release=rcu, mixed chunks ---
run_ok mem_alloc 4096 alloc=kmalloc
run_ok mem_alloc 8 alloc=kmalloc
run_ok mem_alloc 4096 alloc=pages
run_ok mem_alloc 64 alloc=percpu
run_ok mem_alloc 100 k alloc=kvmalloc
used kch kept_charged
used pc percpu_charged
mtw mem_free release=rcu
used pend rcu_pending_bytes
used kc kept_chunks
_E=
expect "mem_free release=rcu refused: $(mt_evidence)" [ "$MT_RC" = 0 ]
expect_eq "kept_chunks" "$kc" 0
# the 4 KiB kmalloc (4096) and the 100 KiB kvmalloc; not the 8-byte
# chunk, the page, the per-CPU chunk
expect_range "rcu_pending_bytes" "$pend" $((4096 + 102400)) $((kch - 8 - 4096 - pc))
verdict "mem_free release=rcu of kmalloc 4096 and 8, pages 4096, percpu 64, kvmalloc 100 KiB: the 4 KiB and the kvmalloc chunk wait for RCU ($pend bytes), the rest is freed at once"
rcu_settle

# ------------------------------------------------- tests, release=rcu ---
start_test id 64 1024 65536 1 2 600 alloc=kmalloc release=rcu
check "mem_test_start ... alloc=kmalloc release=rcu starts" [ -n "$id" ]
if [ -n "$id" ]; then
	tstat r "$id" release
	check_eq "its stats: release: rcu" "$r" rcu
	wait_until 5000 state_is "$id" finished
	tstat ta "$id" total_alloc
	tstat fr "$id" freed
	tstat al "$id" allocations
	tstat ch "$id" charged
	used pend rcu_pending_bytes
	_E=
	expect_range "allocations" "$al" 1 100000000
	expect_range "freed (footprint given back, through RCU)" "$fr" 1 "$ta"
	expect_eq "total_alloc - freed" $((ta - fr)) "$ch"
	expect_range "rcu_pending_bytes" "$pend" 1 $((fr + 1))
	verdict "a kmalloc test with release=rcu: $al allocations, $fr bytes of footprint freed through RCU, $pend of them still pending for the kernel"
	run_ok mem_test_destroy "$id"
	_E=
	expect "rcu_pending_bytes back to 0 within 15 s" rcu_settle
	expect "the charges add up: $(charges_add_up _p; echo "$_p")" charges_add_up _p
	verdict "after its destroy, what it released through RCU drains and the charges add up"
fi

for ctx in timer softirq irqoff; do
	start_test id 64 512 32768 1 2 400 alloc=kmalloc ctx=$ctx release=rcu
	check "ctx=$ctx alloc=kmalloc release=rcu starts (the frees are the work's)" [ -n "$id" ]
	[ -n "$id" ] || continue
	wait_until 5000 state_is "$id" finished
	tstat al "$id" allocations
	check_range "ctx=$ctx release=rcu: allocations" "$al" 1 100000000
	run_ok mem_test_destroy "$id"
done
start_test id 64 1024 65536 1 2 400 alloc=vmalloc release=rcu
check "alloc=vmalloc release=rcu starts (kvfree_rcu())" [ -n "$id" ]
[ -z "$id" ] || { wait_until 5000 state_is "$id" finished; run_ok mem_test_destroy "$id"; }

# alloc=cache: the test's own caches are destroyed with objects queued
if kv_ge 6 12; then
	start_test id 64 1024 65536 1 2 400 alloc=cache release=rcu
	check "alloc=cache release=rcu starts on $(uname -r) (kmem_cache_destroy() waits for kfree_rcu())" [ -n "$id" ]
	if [ -n "$id" ]; then
		wait_until 5000 state_is "$id" finished
		kmark
		run_ok mem_test_destroy "$id"
		check "its caches destroyed with objects queued for RCU: no report in the log" \
			eval '! klog_has "still has objects|BUG|WARNING"'
		cache_names n
		check_eq "no dedicated cache left" "$n" ""
	fi
else
	refuse EINVAL mem_test_start 64 1024 65536 1 2 400 alloc=cache release=rcu
fi
rcu_settle

refuse EINVAL mem_test_start 64 1024 65536 1 2 400 alloc=pages release=rcu
refuse EINVAL mem_test_start 64 1024 65536 1 2 400 alloc=percpu release=rcu
refuse EINVAL mem_test_start 8 1024 65536 1 2 400 alloc=kmalloc release=rcu
refuse EINVAL mem_test_start 64 1024 65536 1 2 400 alloc=kmalloc release=later
refuse EINVAL mem_free release=soon
refuse EINVAL mem_alloc 100 release=rcu

# ------------------------------------------- rmmod with it pending ---
run_ok mem_alloc 1 m alloc=kvmalloc
run_ok mem_free release=rcu
used pend rcu_pending_bytes
kmark
unload
_E=
expect "rmmod: $(cat "$MT_TMP/rmmod")" eval '! loaded'
expect "the module says it left bytes charged" eval '! klog_has "bytes charged"'
verdict "rmmod with $pend bytes pending for RCU: unloaded, nothing left charged"
mt_insmod
check_eq "insmod again" "$?" 0 "$(cat "$MT_TMP/insmod")"

mt_exit
