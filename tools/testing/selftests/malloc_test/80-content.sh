#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 80-content.sh - check_content: with the pattern written at allocation and
# checked at free, nothing userspace can do corrupts a chunk, so every path
# (mem_alloc with each allocator, mem_rnd_alloc, mem_realloc growing and
# shrinking, tests with and without realloc_p, chunks allocated while it
# was off) must report 0 corruptions and cost no error.  (Detection itself
# is for KUnit: userspace cannot write into the chunks.)
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

setparam check_content 1
bad=
for c in "1000" "64 k alloc=vmalloc" "100 alloc=kmalloc" "3 m alloc=kvmalloc" "4 k alloc=kmalloc"; do
	mtw mem_alloc $c
	[ "$MT_RC" = 0 ] || bad="$bad [mem_alloc $c: $(mt_evidence)]"
done
mtw mem_rnd_alloc 1 100 10000
skey er "$MT_OUT" errors
[ "$MT_RC" = 0 ] && [ "$er" = 0 ] || bad="$bad [mem_rnd_alloc: $(mt_evidence)]"
check_eq "with check_content on, mem_alloc (each allocator) and mem_rnd_alloc work, no error" "$bad" ""
used kb kept_bytes
want=$((1000 + 65536 + 100 + 3145728 + 4096 + 10000))
check_eq "the chunks filled with the pattern count as usual ($want bytes)" "$kb" "$want"

bad=
for sz in 50000 10 "2 m" 7 "5 k" 123457; do
	used kb0 kept_bytes
	mtw mem_realloc $sz
	used kb1 kept_bytes
	[ "$MT_RC" = 0 ] && isnum "$MT_OUT" && [ $((kb1 - kb0)) = "$MT_OUT" ] || bad="$bad [mem_realloc $sz: $(mt_evidence), kept_bytes $kb0 -> $kb1]"
done
check_eq "mem_realloc grows and shrinks chunks with the pattern, results exact" "$bad" ""
setparam realloc_p 50
mtw mem_rnd_alloc 10 1000 50000
skey er "$MT_OUT" errors
skey re "$MT_OUT" reallocs
check_eq "mem_rnd_alloc with realloc_p 50 and check_content: accepted, reallocs > 0, no error" \
	"$MT_RC $er $([ "${re:-0}" -gt 0 ] 2>/dev/null && echo reallocs)" "0 0 reallocs" "$MT_OUT"
setparam realloc_p 0
mtw mem_free 1
mtw mem_free 100000
mtw mem_free
used c corruptions
used kb kept_bytes
check_eq "everything freed and checked: kept_bytes 0, corruptions 0" "$kb $c" "0 0"

# Chunks allocated while check_content was off are not checked; chunks
# filled while it was on are checked even when it is off at free.
setparam check_content 0
run_ok mem_alloc 2000
run_ok mem_rnd_alloc 1 100 5000
setparam check_content 1
run_ok mem_alloc 3000
mtw mem_realloc 4000
setparam check_content 0
mtw mem_free
setparam check_content 1
used c corruptions
check_eq "chunks allocated with check_content off, freed with it on (and the reverse): corruptions 0" "$c" 0

# Tests with check_content, without and with realloc_p.
mtw mem_test_start 10 100 5000 1 5 1500
T1=$MT_OUT
setparam realloc_p 50
mtw mem_test_start 10 2000 20000 1 5 1500 alloc=kmalloc
T2=$MT_OUT
wait_until 20000 state_is "$T1" finished
wait_until 20000 state_is "$T2" finished
setparam realloc_p 0
for t in $T1 $T2; do
	slurp s "$D/tests/$t/stats"
	skey st "$s" state
	skey co "$s" corruptions
	skey er "$s" errors
	skey al "$s" allocations
	skey ta "$s" total_alloc
	skey fr "$s" freed
	expect_eq state "$st" finished
	expect_eq corruptions "$co" 0
	expect_eq errors "$er" 0
	expect_range allocations "$al" 1 1000000
	expect_eq "freed vs total_alloc" "$fr" "$ta"
	verdict "test $t with check_content: finished, allocations > 0, 0 corruptions, 0 errors, freed = total_alloc" "$s"
done
skey re "$s" reallocs
check_range "the test with realloc_p 50 reallocated (reallocs > 0)" "$re" 1 1000000
used c corruptions
check_eq "mem_used corruptions is still 0" "$c" 0
mtw_wo mem_test_destroy_all
setparam check_content 0
mt_exit
