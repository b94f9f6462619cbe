#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 20-alloc.sh - mem_alloc with every unit and allocator, mem_used's figures,
# mem_free of everything, the results in the kernel log, the g unit against
# max_bytes and VmallocUsed; the log quiet on success unless verbose is set.
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same (verbose back to
# 0, max_bytes to its default).

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

# snap_used: remember mem_used's figures as U_<key>
snap_used() {
	slurp _u "$D/mem_used"
	for _k in chunks bytes kept_chunks kept_bytes test_chunks test_bytes corruptions; do
		skey _x "$_u" $_k
		eval "U_$_k=\$_x"
	done
}

# by default, success goes unlogged; verbose logs each command
check_eq "verbose is 0 by default" "$(cat "$P/verbose")" N
kmark
do_ok "mem_alloc '1' is accepted with an empty result" mem_alloc 1
expect "mem_alloc '1' is in the kernel log, verbose off" eval '! klog_has "malloc_test:.*mem_alloc"'
verdict "verbose off: a command that succeeds leaves the log alone"
check "mem_free frees the chunk" run_ok mem_free
setparam verbose 1
check "verbose can be set to 1 ($(mt_evidence))" [ "$MT_RC" = 0 ]

kmark
do_ok "mem_alloc '100' is accepted with an empty result" mem_alloc 100
slurp u "$D/mem_used"
for kv in chunks:1 bytes:100 kept_chunks:1 kept_bytes:100 test_chunks:0 test_bytes:0 corruptions:0; do
	skey v "$u" ${kv%:*}
	expect_eq ${kv%:*} "$v" ${kv#*:}
done
verdict "mem_used: chunks 1, bytes 100, kept_chunks 1, kept_bytes 100 after it" "$u"
check "verbose on: mem_alloc is in the kernel log (malloc_test: mem_alloc '100': done)" \
	klog_has "malloc_test: mem_alloc '100': done"
EXP=100
EXPN=1

# alloc_case WORDS... EXPECTED_BYTES: mem_alloc WORDS keeps exactly one more
# chunk of EXPECTED_BYTES
alloc_case() {
	_want=$(eval "echo \${$#}")
	_words=
	while [ $# -gt 1 ]; do
		_words="$_words${_words:+ }$1"
		shift
	done
	snap_used
	mtw mem_alloc "$_words"
	_rc=$MT_RC _out=$MT_OUT _ev=$(mt_evidence)
	_kb=$U_kept_bytes _kc=$U_kept_chunks _b=$U_bytes _c=$U_chunks
	snap_used
	expect "command refused: $_ev" [ "$_rc" = 0 ]
	expect_eq "result" "$_out" ""
	expect_eq "kept_bytes" "$U_kept_bytes" $((_kb + _want))
	expect_eq "kept_chunks" "$U_kept_chunks" $((_kc + 1))
	expect_eq "bytes" "$U_bytes" $((_b + _want))
	expect_eq "chunks" "$U_chunks" $((_c + 1))
	verdict "mem_alloc '$_words' keeps one chunk of $_want bytes"
	if [ "$_rc" = 0 ]; then
		EXP=$((EXP + _want))
		EXPN=$((EXPN + 1))
	fi
}

alloc_case 1 b 1
alloc_case 2 B 2
alloc_case 3 k 3072
alloc_case 4 K 4096
alloc_case 1 m 1048576
alloc_case 2 M 2097152
alloc_case 1000 alloc=kmalloc 1000
alloc_case 5000 alloc=vmalloc 5000
alloc_case 7000 alloc=kvmalloc 7000
alloc_case 3 k alloc=vmalloc 3072
alloc_case 5 K alloc=kmalloc 5120
alloc_case 4 m alloc=kmalloc 4194304

snap_used
mtw_raw mem_alloc 77
_rc=$MT_RC
kb=$U_kept_bytes
snap_used
if [ "$_rc" = 0 ] && [ "$U_kept_bytes" = $((kb + 77)) ]; then
	pass "a command without a trailing newline ('77') is accepted"
	EXP=$((EXP + 77))
	EXPN=$((EXPN + 1))
else
	fail "a command without a trailing newline ('77') is accepted" "$(mt_evidence)" "kept_bytes $kb -> $U_kept_bytes"
fi

pad=$(printf '%4091s' '')
snap_used
mtw mem_alloc "100$pad"
_rc=$MT_RC
kb=$U_kept_bytes
snap_used
if [ "$_rc" = 0 ] && [ "$U_kept_bytes" = $((kb + 100)) ]; then
	pass "a 4095-byte command ('100', spaces, newline) is accepted"
	EXP=$((EXP + 100))
	EXPN=$((EXPN + 1))
else
	fail "a 4095-byte command ('100', spaces, newline) is accepted" "$(mt_evidence)" "kept_bytes $kb -> $U_kept_bytes"
fi

snap_used
expect_eq kept_bytes "$U_kept_bytes" $EXP
expect_eq bytes "$U_bytes" $EXP
expect_eq kept_chunks "$U_kept_chunks" $EXPN
expect_eq chunks "$U_chunks" $EXPN
expect_eq corruptions "$U_corruptions" 0
verdict "mem_used holds the sum of all these chunks ($EXPN chunks, $EXP bytes)"

kmark
mtw mem_free
expect "mem_free refused: $(mt_evidence)" [ "$MT_RC" = 0 ]
expect_eq "result" "$MT_OUT" $EXP
verdict "mem_free with no size frees everything kept and says $EXP"
check "mem_free's result is in the kernel log (malloc_test: mem_free...)" \
	klog_has "malloc_test:.*mem_free"
snap_used
for k in chunks bytes kept_chunks kept_bytes; do
	eval "expect_eq $k \"\$U_$k\" 0"
done
verdict "mem_used is back to 0 chunks, 0 bytes"

mtw mem_free
if [ "$MT_RC" = 0 ] && [ "$MT_OUT" = 0 ]; then
	pass "mem_free with nothing kept is accepted and says 0"
else
	fail "mem_free with nothing kept is accepted and says 0" "$(mt_evidence)"
fi

# Several commands on one open file: each write resets the position, and
# each answer (or refusal) replaces the one before.
run_ok mem_alloc 100
run_ok mem_alloc 200
r=
{
	for c in 100 200 abc ""; do
		echo "$c" >&3 2>/dev/null
		l=
		IFS= read -r l <&3
		r="$r[$l]"
	done
} 2>/dev/null 3<>"$D/mem_free"
case $r in
"[100][200][error: "?*"][0]") pass "one fd, four mem_free commands ('100', '200', 'abc', ''): each answer read back from the start" ;;
*) fail "one fd, four mem_free commands ('100', '200', 'abc', ''): each answer read back from the start" "read back: $r" ;;
esac

# The g unit, against a max_bytes just below / above 1 GiB: the refusal
# proves g >= 2^30 without allocating; the allocation proves g == 2^30,
# and VmallocUsed must move by it.  The cap counts what the kernel
# spends: a 1 GiB vmalloc chunk costs its pages, a 2 MiB page array (a
# vmalloc of its own), its descriptors and a PTE per page (2 MiB more);
# VmallocUsed counts the pages of both areas, so it moves by at most the
# charge.
G=1073741824
setparam max_bytes $((G - 1))
refuse ENOSPC mem_alloc 1 g
refuse ENOSPC mem_alloc 1 G alloc=vmalloc
setparam max_bytes $((G + 67108864))
run_ok mem_alloc 1000
mi vm0 VmallocUsed
used vc0 vmalloc_charged
nowv t0
mtw mem_alloc 1 g alloc=vmalloc
nowv t1
mi vm1 VmallocUsed
used kb kept_bytes
used vc1 vmalloc_charged
expect "mem_alloc '1 g alloc=vmalloc' refused: $(mt_evidence)" [ "$MT_RC" = 0 ]
expect_eq kept_bytes "$kb" $((G + 1000))
expect_range "vmalloc_charged's move" $((vc1 - vc0)) $((G + 4194304)) $((G + 5242880))
verdict "mem_alloc '1 g alloc=vmalloc' keeps 1073741824 bytes, charged 1 GiB + 4..5 MiB (took $((t1 - t0)) ms)"
check_range "VmallocUsed rises by 1 GiB and its 2 MiB page array, at most by the charge ($((vc1 - vc0)))" \
	$(((vm1 - vm0) * 1024)) $((G + 2097152 - 262144)) $((vc1 - vc0))
# The cap is exact: with max_bytes at what is charged plus one 1-byte
# kmalloc chunk's class, that chunk fits, and nothing more.
used c0 charged_bytes
setparam max_bytes $((c0 + 4096))
run_ok mem_alloc 1 alloc=kmalloc
used c1 charged_bytes
k=$((c1 - c0))
check_range "a 1-byte kmalloc chunk is charged its size class (8..64 bytes)" "$k" 8 64
setparam max_bytes "$c1"
refuse ENOSPC mem_alloc 1 alloc=kmalloc
mtw mem_free 1
check_eq "mem_free '1' frees the 1-byte chunk" "$MT_OUT" 1 "$(mt_evidence)"
mtw mem_alloc 1 alloc=kmalloc
used c2 charged_bytes
expect "refused: $(mt_evidence)" [ "$MT_RC" = 0 ]
expect_eq "charged_bytes" "$c2" "$c1"
verdict "with max_bytes = what is charged, the chunk fits again once freed, and charged_bytes reaches max_bytes exactly ($c1)"
refuse ENOSPC mem_alloc 1
setparam max_bytes $((G + 67108864))
mtw mem_free 1
mtw mem_free 1 G
check_eq "mem_free '1 G' frees the 1 GiB chunk, not the 1000-byte one" "$MT_OUT" $G "$(mt_evidence)"
mi vm2 VmallocUsed
check_range "VmallocUsed falls back after it (within 4 MiB)" $(((vm2 - vm0) / 1024)) -4 4
mtw mem_free
check_eq "mem_free frees the remaining 1000 bytes" "$MT_OUT" 1000 "$(mt_evidence)"
setparam max_bytes "$DEF_MAX_BYTES"
mt_exit
