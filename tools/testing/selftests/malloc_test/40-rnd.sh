#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 40-rnd.sh - mem_rnd_alloc: its result, the exact byte total, the piece
# sizes (read back one by one with mem_free 1, which takes the smallest),
# units and allocators, realloc_p, the all-or-nothing ENOSPC, ENOMEM.
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults but verbose 1 (the result is looked for in
# the log).  Leaves (mt_exit): the same, verbose 0.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup verbose=1

# rnd_case "MIN MAX TOTAL [UNIT] [alloc=A]" TOTAL_BYTES MIN_BYTES MAX_BYTES:
# the result's keys, errors 0, bytes TOTAL, chunks in
# ceil(TOTAL/MAX)..ceil(TOTAL/MIN), mem_used moved by exactly that.
# Sets RND_CHUNKS.
rnd_case() {
	used _kb0 kept_bytes
	used _kc0 kept_chunks
	mtw mem_rnd_alloc $1
	used _kb1 kept_bytes
	used _kc1 kept_chunks
	skey _ch "$MT_OUT" chunks
	skey _er "$MT_OUT" errors
	skey _re "$MT_OUT" reallocs
	skey _by "$MT_OUT" bytes
	RND_CHUNKS=$_ch
	_lo=$((($2 + $4 - 1) / $4))
	_hi=$((($2 + $3 - 1) / $3))
	expect "refused: $(mt_evidence)" [ "$MT_RC" = 0 ]
	expect_eq errors "$_er" 0
	expect_eq reallocs "$_re" 0
	expect_eq bytes "$_by" "$2"
	expect_range chunks "$_ch" $_lo $_hi
	expect_eq "kept_bytes move" $((_kb1 - _kb0)) "$2"
	expect_eq "kept_chunks move" "$((_kc1 - _kc0))" "$_ch"
	verdict "mem_rnd_alloc '$1': bytes $2, errors 0, $_lo..$_hi chunks ($_ch), mem_used moved by exactly that" "$MT_OUT"
}

kmark
rnd_case "100 200 10000" 10000 100 200
check "mem_rnd_alloc's result is in the kernel log (malloc_test: mem_rnd_alloc...)" \
	klog_has "malloc_test:.*mem_rnd_alloc"

# mem_free 1 always takes the smallest kept chunk: the chunk sizes come back
# in increasing order.
sizes=
prev=
sum=0
small=0
bad=
n=0
while [ $n -lt 200 ]; do
	mtw mem_free 1
	[ "$MT_RC" = 0 ] || break
	[ "$MT_OUT" = 0 ] && break
	if ! isnum "$MT_OUT"; then
		bad="$bad (result '$MT_OUT')"
		break
	fi
	sizes="$sizes $MT_OUT"
	sum=$((sum + MT_OUT))
	if [ "$MT_OUT" -lt 100 ]; then
		small=$((small + 1))
	elif [ "$MT_OUT" -gt 200 ]; then
		bad="$bad $MT_OUT"
	fi
	[ -n "$prev" ] && [ "$MT_OUT" -lt "$prev" ] && bad="$bad (order: $prev then $MT_OUT)"
	prev=$MT_OUT
	n=$((n + 1))
	used kc kept_chunks
	[ "$kc" = 0 ] && break
done
prev=
expect_eq "sum of the pieces" $sum 10000
expect_eq "number of pieces" $n "$RND_CHUNKS"
expect_eq "pieces above MAX or out of order" "$bad" ""
expect_range "pieces below MIN (only the last, cut one may be)" $small 0 1
verdict "its pieces, freed one by one with mem_free '1' (smallest first), are in 100..200 but for one cut piece, and sum to 10000" "sizes:$sizes"

rnd_case "64 64 6410" 6410 64 64
check_eq "MIN = MAX = 64, TOTAL 6410: 101 chunks" "$RND_CHUNKS" 101
mtw mem_free 1
check_eq "the last piece is cut to what remains: mem_free '1' then frees 10" "$MT_OUT" 10 "$(mt_evidence)"
mtw mem_free 64
check_eq "and mem_free '64' a whole piece of 64" "$MT_OUT" 64 "$(mt_evidence)"
mtw mem_free

rnd_case "1 4 64 k" 65536 1024 4096
rnd_case "1 2 3 M alloc=vmalloc" 3145728 1048576 2097152
rnd_case "100 4000 100000 alloc=kmalloc" 100000 100 4000
rnd_case "100 4000 100000 b alloc=kvmalloc" 100000 100 4000
rnd_case "1 64 10240 k" 10485760 1024 65536
mtw mem_free
used kb kept_bytes
check_eq "mem_free frees all these pieces" "$kb" 0

# realloc_p 50: half of the steps resize a random kept chunk instead; the
# command still adds exactly TOTAL bytes.
setparam realloc_p 50
used kb0 kept_bytes
used kc0 kept_chunks
mtw mem_rnd_alloc 10 100 100000
used kb1 kept_bytes
used kc1 kept_chunks
skey ch "$MT_OUT" chunks
skey er "$MT_OUT" errors
skey re "$MT_OUT" reallocs
skey by "$MT_OUT" bytes
expect "refused: $(mt_evidence)" [ "$MT_RC" = 0 ]
expect_range reallocs "$re" 1 1000000
expect_eq errors "$er" 0
expect_eq bytes "$by" 100000
expect_eq "kept_bytes move" $((kb1 - kb0)) 100000
expect_eq "kept_chunks move" $((kc1 - kc0)) "$ch"
verdict "with realloc_p 50, mem_rnd_alloc '10 100 100000' reallocates (reallocs > 0) and still adds exactly 100000 bytes" "$MT_OUT"
setparam realloc_p 0
mtw mem_free

# ENOSPC: mem_rnd_alloc reserves first what its whole TOTAL can cost, its
# pieces at their worst footprint and their bookkeeping, and refuses
# before it allocates anything when that would pass max_bytes; what it
# did not use goes back.
run_ok mem_alloc 1000
used c0 charged_bytes
setparam max_bytes $((c0 + 20000))
refuse ENOSPC mem_rnd_alloc 10 100 5001
setparam max_bytes $((c0 + 200000))
rnd_case "10 100 5000" 5000 10 100
used c1 charged_bytes
used r reserved_bytes
used kc kept_charged
used kb kept_bytes
expect_eq reserved_bytes "$r" 0
expect_range "kept_charged - kept_bytes (the pieces' size classes)" $((kc - kb)) 0 5000
expect_range "charged_bytes' move" $((c1 - c0)) 5000 $((2 * 5000 + 20480))
verdict "after it, nothing stays reserved; the pieces are charged their footprint, no more than twice their bytes"
setparam max_bytes "$c1"
refuse ENOSPC mem_rnd_alloc 1 1 1
setparam max_bytes "$DEF_MAX_BYTES"
mtw mem_free

# The worst case of 1-byte vmalloc pieces is a page and more each: with
# max_bytes 1 MiB, 40000 of them are refused up front, nothing allocated
# (VmallocUsed does not move).
setparam max_bytes 1048576
mi vm0 VmallocUsed
refuse ENOSPC mem_rnd_alloc 1 1 40000 b alloc=vmalloc
mi vm1 VmallocUsed
check_range "VmallocUsed did not move (KiB)" $((vm1 - vm0)) -64 64
setparam max_bytes "$DEF_MAX_BYTES"

# ENOMEM: a 3 GiB piece in a 2 GiB machine (vmalloc refuses more than all
# RAM, quietly with __GFP_NOWARN).
setparam max_bytes 8589934592
state before
kmark
mtw mem_rnd_alloc 3 3 3 g alloc=vmalloc
state after
expect "accepted: $(mt_evidence)" [ "$MT_RC" != 0 ]
case $MT_ERR in
*"$E_ENOMEM"* | *"Out of memory"*) ;;
*) expect_eq errno "$MT_ERR" "... $E_ENOMEM" ;;
esac
expect_eq "state" "$after" "$before"
expect "no 'malloc_test: ... mem_rnd_alloc' in the kernel log" klog_has "malloc_test:.*mem_rnd_alloc"
case $MT_OUT in
*"errors: 1"* | "error: "*) ;;
*) expect_eq "read back" "$MT_OUT" "errors: 1 (or error: ...)" ;;
esac
verdict "mem_rnd_alloc '3 3 3 g alloc=vmalloc' (more than RAM) fails with ENOMEM, keeps nothing, says why" "read back: $MT_OUT"
setparam max_bytes "$DEF_MAX_BYTES"
mt_exit
