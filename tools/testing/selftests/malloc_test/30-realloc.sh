#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 30-realloc.sh - mem_realloc: nothing kept, grow and shrink with their
# signs, units, mem_used moving by exactly the result, the random choice of
# the chunk, the max_bytes cap on growth.
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults but verbose 1 (the result is looked for in
# the log).  Leaves (mt_exit): the same, verbose 0.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup verbose=1

refuse ENOENT mem_realloc 100

# realloc_case WORDS RESULT KEPT_BYTES
realloc_case() {
	mtw mem_realloc $1
	used _kb kept_bytes
	used _kc kept_chunks
	expect "refused: $(mt_evidence)" [ "$MT_RC" = 0 ]
	expect_eq result "$MT_OUT" "$2"
	expect_eq kept_bytes "$_kb" "$3"
	expect_eq kept_chunks "$_kc" 1
	verdict "one chunk: mem_realloc '$1' says $2, mem_used holds $3 bytes in 1 chunk"
}

run_ok mem_alloc 1000
kmark
realloc_case 1500 500 1500
check "mem_realloc's result is in the kernel log (malloc_test: mem_realloc...)" \
	klog_has "malloc_test:.*mem_realloc"
realloc_case 200 -1300 200
realloc_case 200 0 200
realloc_case "2 k" 1848 2048
realloc_case "1 M" 1046528 1048576
realloc_case "1 b" -1048575 1
mtw mem_free
check_eq "mem_free after the reallocs frees the chunk's last size" "$MT_OUT" 1

run_ok mem_alloc 64 k alloc=vmalloc
realloc_case "256 k" 196608 262144
realloc_case "10" -262134 10
mtw mem_free

# Two chunks, 100 and 200, resized to 300 twenty times: every result is the
# move of mem_used, and the random choice must have hit both of them
# (a miss has probability 2^-19).
run_ok mem_alloc 100
run_ok mem_alloc 200
bad=
i=0
while [ $i -lt 20 ]; do
	used kb0 kept_bytes
	mtw mem_realloc 300
	used kb1 kept_bytes
	case $MT_OUT in
	0 | 100 | 200) [ $((kb1 - kb0)) = "$MT_OUT" ] || bad="$bad [$i: result $MT_OUT, kept_bytes $kb0 -> $kb1]" ;;
	*) bad="$bad [$i: $(mt_evidence)]" ;;
	esac
	i=$((i + 1))
done
check_eq "20 x mem_realloc '300' over chunks 100 and 200: each result (0, 100 or 200) is kept_bytes' move" "$bad" ""
used kb kept_bytes
used kc kept_chunks
check_eq "the random choice touched both chunks: 2 chunks of 300 (600 bytes) kept" "$kc $kb" "2 600"

# A shrink that frees, on a chunk picked at random, gives a negative result.
mtw mem_realloc 1
case $MT_OUT in
-299) pass "mem_realloc '1' on chunks of 300 says -299" ;;
*) fail "mem_realloc '1' on chunks of 300 says -299" "$(mt_evidence)" ;;
esac
mtw mem_free

# Growth past max_bytes: ENOSPC, nothing changes; up to it: accepted.  The
# cap counts footprint: a resize is charged the new chunk's worst case in
# full, as a resize by copy holds both for a moment (kmalloc: the size
# class, 2048 for 1100), and the old chunk's goes after it.
run_ok mem_alloc 1000 alloc=kmalloc
used c0 charged_bytes
setparam max_bytes $((c0 + 2047))
refuse ENOSPC mem_realloc 1100
setparam max_bytes $((c0 + 2048))
realloc_case 1100 100 1100
used c1 charged_bytes
check_eq "after it, charged_bytes holds the 2048-byte class instead of the 1024-byte one" \
	$((c1 - c0)) 1024
# A shrink krealloc() makes in place frees nothing: the chunk keeps its
# 2048-byte object, and its charge with it.
realloc_case 900 -200 900
used c2 charged_bytes
used kc kmalloc_charged
check_eq "krealloc() shrinks 1100 to 900 in place: charged_bytes does not move, kmalloc_charged stays 2048" \
	"$((c2 - c1)) $kc" "0 2048"
setparam max_bytes "$DEF_MAX_BYTES"
mtw mem_free
mt_exit
