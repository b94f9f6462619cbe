#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 50-tests.sh - timed tests with real timing: start and its id, the
# statistics and their invariants, growth over time, overflows, the end
# after TOTAL_TIME, stop, destroy, many tests at once, destroy_all, ids never
# reused, tests and kept chunks kept apart, realloc_p and failed
# allocations in tests.
# Sets up (mt_setup --fresh): malloc_test loaded afresh (test ids count from
# 1), nothing kept, parameters at their defaults but verbose 1 (the commands
# are looked for in the log).  Leaves (mt_exit): nothing kept, no test,
# parameters at their defaults.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup --fresh verbose=1

STAT_KEYS="id state run_time_ms remaining_ms allocations reallocs errors overflows total_alloc freed held charged overhead_bytes chunks min max total min_int_ms max_int_ms total_time_ms alloc corruptions"

# ts VAR ID: tests/ID/stats
ts() {
	slurp "$1" "$D/tests/$2/stats"
}

# sk VAR SNAPSHOT KEY (skey, shorter)
sk() {
	skey "$@"
}

# stats_consistent SNAPSHOT TOTAL: held <= TOTAL, held <= charged (a
# chunk's footprint is never below its bytes), total_alloc = charged +
# freed (they count footprint)
stats_consistent() {
	sk _h "$1" held
	sk _c "$1" charged
	sk _ta "$1" total_alloc
	sk _fr "$1" freed
	isnum "$_h" && isnum "$_c" && isnum "$_ta" && isnum "$_fr" &&
		[ "$_h" -le "$2" ] && [ "$_h" -le "$_c" ] &&
		[ $((_c + _fr)) = "$_ta" ]
}


# ------------------------------------------------ A: a whole test's life ---
run_ok mem_alloc 5000
nowv t0
kmark
mtw mem_test_start 1 4 64 10 20 3000 k
expect "refused: $(mt_evidence)" [ "$MT_RC" = 0 ]
expect_eq "id" "$MT_OUT" 1
verdict "mem_test_start '1 4 64 10 20 3000 k' is accepted and says 1 (the first id)"
check "mem_test_start's result is in the kernel log (malloc_test: mem_test_start...)" \
	klog_has "malloc_test:.*mem_test_start"
check "tests/1/stats exists" [ -f "$D/tests/1/stats" ]
ts s 1
missing=
for k in $STAT_KEYS; do
	case "$NL$s" in
	*"$NL$k: "*) ;;
	*) missing="$missing $k" ;;
	esac
done
check_eq "tests/1/stats has every key ($STAT_KEYS)" "$missing" "" "$s"
for kv in id:1 state:running min:1024 max:4096 total:65536 min_int_ms:10 \
	max_int_ms:20 total_time_ms:3000 alloc:kvmalloc; do
	sk v "$s" ${kv%%:*}
	expect_eq ${kv%%:*} "$v" ${kv#*:}
done
verdict "its statistics: state running, min 1024, max 4096, total 65536 (unit k), intervals 10..20 ms, 3000 ms, alloc kvmalloc" "$s"

sleep 1
ts s1 1
nowv t1
sk a1 "$s1" allocations
sk st "$s1" state
sk rt "$s1" run_time_ms
sk rm "$s1" remaining_ms
if [ $((t1 - t0)) -lt 2500 ]; then
	check_eq "still running $((t1 - t0)) ms after its start" "$st" running
else
	skip "still running before TOTAL_TIME" "the guest took $((t1 - t0)) ms to sample"
fi
check_range "it allocated after 1 s (allocations > 0)" "$a1" 1 100000 "$s1"
check "held <= total, held <= charged and total_alloc = charged + freed while it runs" stats_consistent "$s1" 65536
check_range "run_time_ms is within the time measured from outside (0..$((t1 - t0)) ms, +20 for /proc/uptime's resolution)" "$rt" 0 $((t1 - t0 + 20))
check_range "run_time_ms + remaining_ms = total_time_ms (3000, +-20)" $((rt + rm)) 2980 3020
sleep 0.7
ts s2 1
sk a2 "$s2" allocations
check_range "allocations grow over time ($a1 then $a2)" "$a2" $((a1 + 1)) 100000
wait_until 25000 state_is 1 finished
nowv t2
ts s 1
sk st "$s" state
check_eq "it ends: state finished" "$st" finished "$s"
check_range "not before TOTAL_TIME: finished seen $((t2 - t0)) ms after the start" $((t2 - t0)) 2990 60000
for kv in remaining_ms:0 held:0 chunks:0 errors:0 reallocs:0 corruptions:0; do
	sk v "$s" ${kv%%:*}
	expect_eq ${kv%%:*} "$v" ${kv#*:}
done
sk ta "$s" total_alloc
sk fr "$s" freed
sk al "$s" allocations
sk ov "$s" overflows
sk rt "$s" run_time_ms
expect_eq "freed" "$fr" "$ta"
verdict "finished: remaining_ms 0, held 0, chunks 0, freed = total_alloc, no error" "$s"
check_range "run_time_ms of the finished test is TOTAL_TIME (3000..8000)" "$rt" 2990 8000
expect "allocations, overflows, total_alloc are numbers" eval 'isnum "$al" && isnum "$ov" && isnum "$ta"'
if isnum "$al" && isnum "$ov" && isnum "$ta"; then
	expect_range "16 x overflows (>= 16 pieces of <= 4 KiB per overflow)" $((16 * ov)) 0 "$al"
	expect_range "total_alloc (1..4096 bytes per allocation)" "$ta" "$al" $((al * 4096))
	expect_range "total_alloc (65536 per overflow at least)" "$ta" $((ov * 65536)) $((al * 4096 + 1))
fi
verdict "allocations, overflows and total_alloc agree (piece sizes 1 KiB..4 KiB, TOTAL 64 KiB)" "$s"
block b 1
check_eq "mem_test_list's block of test 1 is its stats file" "$b" "${s:-(no stats)}"
slurp u "$D/mem_used"
for kv in test_chunks:0 test_bytes:0 kept_bytes:5000 kept_chunks:1; do
	sk v "$u" ${kv%%:*}
	expect_eq ${kv%%:*} "$v" ${kv#*:}
done
verdict "mem_used: the finished test holds nothing, the kept 5000 bytes untouched" "$u"

# ---------------------------------------------------------------- B: stop ---
start_test B 100 1000 10000000 5 10 60000
check_range "a second test gets a new id (above 1)" "$B" 2 1000000
ok_alloc() {
	tstat _a "$1" allocations
	isnum "$_a" && [ "$_a" -ge "$2" ]
}
wait_until 15000 ok_alloc "$B" 5
ts s "$B"
sk h "$s" held
check_range "it holds memory while it runs (held > 0)" "$h" 100 10000000 "$s"
kmark
do_ok "mem_test_stop '$B' is accepted with an empty result" mem_test_stop "$B"
check "mem_test_stop's result is in the kernel log" klog_has "malloc_test:.*mem_test_stop"
ts s "$B"
for kv in state:stopped held:0 chunks:0; do
	sk v "$s" ${kv%%:*}
	expect_eq ${kv%%:*} "$v" ${kv#*:}
done
sk ta "$s" total_alloc
sk fr "$s" freed
expect_eq freed "$fr" "$ta"
expect_range total_alloc "$ta" 100 100000000
verdict "stopped: state stopped, held 0, chunks 0, freed = total_alloc > 0, statistics kept" "$s"
sleep 0.5
ts s2 "$B"
sk a1 "$s" allocations
sk a2 "$s2" allocations
sk r1 "$s" run_time_ms
sk r2 "$s2" run_time_ms
check_eq "a stopped test does not go on: allocations and run_time_ms frozen" "$a2 $r2" "$a1 $r1$(isnum "$a1$r1" || echo " (not numbers)")"
slurp u "$D/mem_used"
sk tb "$u" test_bytes
sk tc "$u" test_chunks
sk kb "$u" kept_bytes
check_eq "mem_used: test_bytes 0, test_chunks 0, kept_bytes 5000 after the stop" "$tb $tc $kb" "0 0 5000"

# ------------------------------------------------ C: overflows, exactly ---
# 10-byte pieces, TOTAL 30: every third allocation reaches TOTAL.
start_test C 10 10 30 5 10 1500
wait_until 20000 state_is "$C" finished
ts s "$C"
sk st "$s" state
sk al "$s" allocations
sk ov "$s" overflows
sk ta "$s" total_alloc
sk fr "$s" freed
sk h "$s" held
expect_eq state "$st" finished
expect_range overflows "$ov" 1 100000
# total_alloc counts footprint: each 10-byte piece, its slab size class
if isnum "$al" && [ "$al" -gt 0 ] && isnum "$ta"; then
	expect_range overflows "$ov" $(((al - 1) / 3)) $((al / 3))
	expect_eq "total_alloc, a whole number of pieces" "$ta" $((ta / al * al))
	expect_range "each piece's footprint" $((ta / al)) 10 32
else
	expect_eq allocations "$al" "a number above 0"
fi
expect_eq freed "$fr" "$ta"
expect_eq held "$h" 0
verdict "TOTAL 30 in pieces of 10: overflows = allocations / 3 (>= 1), total_alloc = allocations x their size class (10..32) = freed" "$s"

# -------------------------- D: exact figures, tests apart from kept chunks ---
start_test Dt 1000 1000 1000000 100 200 60000
wait_until 15000 ok_alloc "$Dt" 3
good=
i=0
while [ $i -lt 20 ]; do
	slurp u1 "$D/mem_used"
	ts s "$Dt"
	slurp u2 "$D/mem_used"
	if [ "x$u1" = "x$u2" ]; then
		good=1
		break
	fi
	i=$((i + 1))
done
if [ -n "$good" ]; then
	sk tb "$u1" test_bytes
	sk tc "$u1" test_chunks
	sk h "$s" held
	sk c "$s" chunks
	sk al "$s" allocations
	sk ta "$s" total_alloc
	sk ch "$s" charged
	sk tch "$u1" test_charged
	expect_eq "mem_used test_bytes vs held" "$tb" "$h"
	expect_eq "mem_used test_chunks vs chunks" "$tc" "$c"
	expect_eq "mem_used test_charged vs charged" "$tch" "$ch"
	expect_eq "held vs 1000 x chunks" "$h" $((c * 1000))
	expect_eq "chunks vs allocations (no free yet)" "$c" "$al"
	expect_eq "total_alloc vs charged (no free yet)" "$ta" "$ch"
	isnum "$c" && [ "$c" -gt 0 ] &&
		expect_eq "charged vs 1024 (kmalloc-1k) x chunks" "$ch" $((c * 1024))
	verdict "a running test's held, charged and chunks are mem_used's test_bytes, test_charged and test_chunks, exactly; each 1000-byte piece is charged 1024" "$u1" "$s"
else
	skip "a running test's held and chunks are mem_used's test_bytes and test_chunks" "mem_used never stable across a read of the stats"
fi

# mem_realloc and mem_free touch only the kept chunk (5000 bytes), never
# the test's chunks.
bad=
prev=5000
for sz in 7000 3000 9000 100 5000; do
	mtw mem_realloc $sz
	[ "$MT_OUT" = $((sz - prev)) ] || bad="$bad [mem_realloc $sz: $(mt_evidence), expected $((sz - prev))]"
	prev=$sz
done
check_eq "mem_realloc picks only the kept chunk while a test holds chunks" "$bad" ""
ts s "$Dt"
sk fr "$s" freed
mtw mem_free
check_eq "mem_free frees only the kept chunk (5000) while a test holds chunks" "$MT_OUT" 5000 "$(mt_evidence)"
ts s2 "$Dt"
sk fr2 "$s2" freed
sk c "$s2" chunks
check_eq "the test lost nothing to it (freed stays 0)" "$fr $fr2" "0 0" "$s2"

kmark
do_ok "mem_test_destroy '$Dt' (running) is accepted with an empty result" mem_test_destroy "$Dt"
check "mem_test_destroy's result is in the kernel log" klog_has "malloc_test:.*mem_test_destroy"
block b "$Dt"
check_eq "the destroyed test is gone: no tests/$Dt, not in mem_test_list" \
	"$(isnum "$Dt" || echo "no test id")$([ -e "$D/tests/$Dt" ] && echo "tests/$Dt exists")$b" ""
slurp u "$D/mem_used"
sk tb "$u" test_bytes
sk tc "$u" test_chunks
check_eq "what it held is freed: test_bytes 0, test_chunks 0" "$tb $tc" "0 0"
refuse ENOENT mem_test_stop "$Dt"
refuse ENOENT mem_test_destroy "$Dt"
do_ok "mem_test_destroy '$B' (stopped) is accepted" mem_test_destroy "$B"
do_ok "mem_test_destroy '$C' (finished) is accepted" mem_test_destroy "$C"
list_ids ids
check_eq "mem_test_list now lists test 1 only" "$ids" 1

# ------------------------------------------------------ E: many at once ---
set -- "1 4 64 10 20 4000 k" kvmalloc \
	"100 2000 50000 5 15 4000 alloc=kmalloc" kmalloc \
	"1 8 128 5 10 4000 k alloc=vmalloc" vmalloc \
	"10 10 100 2 4 4000" kvmalloc \
	"1 2 3 50 100 4000 m alloc=kvmalloc" kvmalloc \
	"32 32 4096 3 6 4000 B" kvmalloc \
	"1 1 16 20 40 4000 K alloc=kmalloc" kmalloc \
	"500 700 7000 1 3 4000" kvmalloc
MANY=
MANY_ALLOC=
last=4
order=
while [ $# -gt 0 ]; do
	start_test id $1
	MANY="$MANY${MANY:+ }$id"
	MANY_ALLOC="$MANY_ALLOC $id:$2"
	if isnum "$id" && [ "$id" -gt "$last" ]; then
		last=$id
	else
		order="$order [$1 -> '$id' after $last]"
	fi
	shift 2
done
check_eq "8 tests started at once get unique, increasing ids above every earlier one" "$order" "" "ids: $MANY"
list_ids ids
check_eq "mem_test_list lists test 1 and the 8 new ones" "$(echo $ids | tr ' ' '\n' | sort -n | tr '\n' ' ')" \
	"$(echo 1 $MANY | tr ' ' '\n' | sort -n | tr '\n' ' ')"
bad=
for ia in $MANY_ALLOC; do
	tstat v ${ia%:*} alloc
	[ "$v" = ${ia#*:} ] || bad="$bad [test ${ia%:*}: alloc '$v', expected ${ia#*:}]"
done
check_eq "each test's alloc is the one asked for, kvmalloc by default" "$bad" ""
set -- $MANY
ts s "$5"
sk mn "$s" min
sk mx "$s" max
sk to "$s" total
check_eq "'1 2 3 50 100 4000 m': min, max, total in bytes" "$mn $mx $to" "1048576 2097152 3145728"
ts s "$6"
sk mn "$s" min
sk mx "$s" max
sk to "$s" total
check_eq "'32 32 4096 3 6 4000 B': min, max, total in bytes" "$mn $mx $to" "32 32 4096"

sleep 1.5
bad=
notyet=
for id in $MANY; do
	ts s "$id"
	sk to "$s" total
	sk al "$s" allocations
	sk st "$s" state
	isnum "$al" && [ "$al" -gt 0 ] || notyet="$notyet [$id: allocations '$al', state '$st']"
	stats_consistent "$s" "$to" || bad="$bad [$id: $(echo $s)]"
done
[ $# = 8 ] || notyet="$notyet [only $# tests: '$MANY']"
check_eq "all 8 run in parallel: each has allocated after 1.5 s" "$notyet" ""
[ $# = 8 ] || bad="$bad [only $# tests]"
check_eq "all 8: held <= total, held <= charged and total_alloc = charged + freed" "$bad" ""
bad=
for id in $MANY 1; do
	ts s "$id"
	block b "$id"
	for k in id min max total min_int_ms max_int_ms total_time_ms alloc; do
		sk v1 "$s" $k
		sk v2 "$b" $k
		[ "x$v1" = "x$v2" ] && [ -n "$v1" ] || bad="$bad [$id $k: stats '$v1', list '$v2']"
	done
done
check_eq "stats files and mem_test_list agree (id, sizes, intervals, time, alloc)" "$bad" ""

used kb kept_bytes
kmark
mtw_wo mem_test_destroy_all
check_eq "mem_test_destroy_all is accepted" "$MT_RC" 0 "$MT_ERR"
check "mem_test_destroy_all's result is in the kernel log" klog_has "malloc_test:.*mem_test_destroy_all"
slurp l "$D/mem_test_list"
check_eq "mem_test_list is empty after it" "$([ -r "$D/mem_test_list" ] || echo "no mem_test_list")$l" ""
check_eq "tests/ is empty after it" "$(ls -A "$D/tests" 2>&1)" ""
slurp u "$D/mem_used"
sk tb "$u" test_bytes
sk tc "$u" test_chunks
sk kb2 "$u" kept_bytes
check_eq "mem_used: test_bytes 0, test_chunks 0, kept bytes untouched" "$tb $tc $kb2" "0 0 $kb"
start_test id 1 1 1 1000 1000 60000
check_range "ids are never reused: the next test gets an id above $last" "$id" $((last + 1)) $((last + 1000))
mtw mem_test_destroy "$id"
mtw_wo mem_test_destroy_all anything at all
check_eq "mem_test_destroy_all takes anything, with no test it does nothing" "$MT_RC" 0 "$MT_ERR"

# ---------------------------------------- F: realloc_p, default alloc ---
setparam realloc_p 50
setparam alloc vmalloc
start_test F 100 1000 100000 2 5 1500
wait_until 20000 state_is "$F" finished
ts s "$F"
sk re "$s" reallocs
sk ta "$s" total_alloc
sk fr "$s" freed
sk al "$s" alloc
sk er "$s" errors
expect_range reallocs "$re" 1 1000000
expect_eq freed "$fr" "$ta"
expect_eq errors "$er" 0
verdict "with realloc_p 50 a test reallocates (reallocs > 0), freed = total_alloc at the end" "$s"
check_eq "with the parameter alloc = vmalloc, a test without alloc= uses vmalloc" "$al" vmalloc
setparam realloc_p 0
setparam alloc kvmalloc
mtw mem_test_destroy "$F"

# -------------------------------------- G: failed allocations in a test ---
setparam max_bytes 8589934592
start_test G 3 3 6 20 40 800 g alloc=vmalloc
wait_until 20000 state_is "$G" finished
ts s "$G"
sk er "$s" errors
sk h "$s" held
sk ta "$s" total_alloc
expect_range errors "$er" 1 1000000
expect_eq held "$h" 0
expect_eq total_alloc "$ta" 0
verdict "a test whose 3 GiB pieces the kernel refuses counts errors, holds nothing" "$s"
mtw mem_test_destroy "$G"
setparam max_bytes "$DEF_MAX_BYTES"
mtw mem_free
mt_exit
