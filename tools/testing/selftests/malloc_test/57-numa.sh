#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 57-numa.sh - node= where there are two NUMA nodes (a guest booted with
# harness/vm.sh boot ... --numa 2): with each allocator that takes node=,
# node=1 chunks come from node 1 (node 1's free pages fall by what was
# allocated, node 0's do not, and come back after mem_free; node 1's
# MemFree falls too with alloc=pages); tests with node=1 count off_node 0;
# node=2 does not exist.  On a guest with one node (or more than two)
# the case skips.
# Needs: two NUMA nodes (else it skips).  Sets up (mt_setup): malloc_test
# loaded, nothing kept, no test, no bench, parameters at their
# defaults.  Leaves (mt_exit): the same.

. "$(dirname "$0")/lib.sh"
ktap_start
NODES=/sys/devices/system/node
if [ ! -d $NODES/node1 ] || [ -d $NODES/node2 ]; then
	mt_exit_skip "the guest does not have two NUMA nodes (boot it with harness/vm.sh boot ... --numa 2)"
fi
mt_setup

# node_free VAR NODE: MemFree of NODE, in KiB ("Node 1 MemFree: 123 kB")
node_free() {
	_v=
	while read -r _ _ _k _n _; do
		if [ "$_k" = MemFree: ]; then
			_v=$_n
			break
		fi
	done <$NODES/node$2/meminfo
	eval "$1=\$_v"
}

# node_avail VAR NODE: the free pages of NODE's zones, those on the
# per-CPU lists included, in KiB (/proc/zoneinfo).  MemFree leaves out the
# per-CPU lists, where freed order-0 pages wait: tens of MiB on 6.12.
node_avail() {
	_na=$(awk -v n="$2," '$1 == "Node" { on = ($2 == n) }
		on && $1 == "pages" && $2 == "free" { p += $3 }
		on && $1 == "count:" { p += $2 }
		END { print p * 4 }' /proc/zoneinfo)
	eval "$1=\$_na"
}

read -r hm <$NODES/has_memory
check_eq "two NUMA nodes, both with memory (has_memory)" "$hm" 0-1

# numa_case "WORDS" MIB: mem_rnd_alloc WORDS takes MIB MiB from
# node 1 (-1..+4 MiB: page tables, slab and bookkeeping pages, the
# per-CPU counters' drift), none from node 0 (+-4 MiB), and mem_free
# gives them back; with alloc=pages node 1's MemFree falls by as much
numa_case() {
	node_avail _a0 0
	node_avail _a1 1
	node_free _m1 1
	mtw mem_rnd_alloc $1
	_arc=$MT_RC _aev=$(mt_evidence)
	skey _by "$MT_OUT" bytes
	node_free _n1 1
	node_avail _b0 0
	node_avail _b1 1
	mtw mem_free
	node_avail _c1 1
	expect "command refused: $_aev" [ "$_arc" = 0 ]
	expect_eq bytes "$_by" $(($2 * 1048576))
	expect_range "node 1's free pages, fall (KiB)" $((_a1 - _b1)) $(($2 * 1024 - 1024)) $(($2 * 1024 + 4096))
	expect_range "node 0's free pages, fall (KiB)" $((_a0 - _b0)) -4096 4096
	expect_range "node 1's free pages after mem_free, against before (KiB)" $((_c1 - _a1)) -4096 4096
	case $1 in
	*alloc=pages*)
		expect_range "node 1's MemFree, fall (KiB)" $((_m1 - _n1)) $(($2 * 1024 - 1024)) $(($2 * 1024 + 8192))
		_w="; its MemFree as much"
		;;
	*) _w= ;;
	esac
	verdict "mem_rnd_alloc '$1': node 1's free pages fall by $2 MiB$_w, node 0's do not; back after mem_free" \
		"free pages with the per-CPU lists, node 0: $_a0 -> $_b0 kB; node 1: $_a1 -> $_b1 -> $_c1 kB; node 1 MemFree $_m1 -> $_n1 kB"
}
numa_case "1 1 64 m alloc=pages node=1" 64
numa_case "1 1 16 m alloc=kmalloc node=1" 16
numa_case "1 1 16 m alloc=kvmalloc node=1" 16
numa_case "1 1 16 m alloc=vmalloc node=1 gfp=kernel" 16
numa_case "1 1 16 m alloc=cache node=1" 16
numa_case "1 1 16 m alloc=pages node=1 gfp=kernel,zero,nowarn" 16

NT=
for w in "1 8192 10000000 1 2 60000 alloc=kmalloc node=1" \
	"1 8192 10000000 1 2 60000 alloc=kvmalloc node=1" \
	"1 8192 10000000 1 2 60000 alloc=vmalloc node=1 gfp=kernel" \
	"1 16384 10000000 1 2 60000 alloc=pages node=1" \
	"1 8192 10000000 1 2 60000 alloc=cache node=1" \
	"1 8192 10000000 1 2 60000 alloc=pages ctx=timer node=1" \
	"1 8192 10000000 1 2 60000 alloc=cache ctx=timer node=1 cpu=1" \
	"1 8192 10000000 1 2 60000 alloc=kmalloc node=0 cpu=1"; do
	if mtw mem_test_start $w && isnum "$MT_OUT"; then
		NT="$NT $MT_OUT"
	else
		fail "mem_test_start '$w' is accepted" "$(mt_evidence)"
	fi
done
numa_allocated() {
	tstat _a "$1" allocations
	isnum "$_a" && [ "$_a" -ge 50 ]
}
for t in $NT; do
	wait_until 10000 numa_allocated "$t"
done
for t in $NT; do
	slurp s "$D/tests/$t/stats"
	skey al "$s" allocations
	skey nd "$s" node
	skey on "$s" off_node
	skey er "$s" errors
	skey a "$s" alloc
	skey c "$s" ctx
	check_eq "a test with alloc=$a ctx=$c node=$nd: every chunk on node $nd (off_node 0), errors 0, allocates" \
		"$on $er $([ "${al:-0}" -ge 50 ] 2>/dev/null && echo allocates)" "0 0 allocates" "$s"
	mtw mem_test_destroy "$t"
done
refuse_why "node 2 does not exist" EINVAL mem_alloc 100 alloc=pages node=2
used kc kept_chunks
used tc test_chunks
check_eq "nothing kept, no test chunk at the end" "$kc $tc" "0 0"
mt_exit
