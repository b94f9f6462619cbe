#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 70-concurrency.sh - several writers on several files at once: each gets
# its own results on its own fd, and the totals are exactly the sum.
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

N=50

# Each writer runs in a background subshell (with its own MT_TMP for
# mtw's scratch files) and writes a report line, "OK" or what went wrong,
# into $MT_W/w.NAME, plus figures in $MT_W/w.NAME.sum.
MT_W=$MT_TMP
w_alloc() { # NAME WORDS...
	_n=$1
	shift
	_bad=
	_i=0
	while [ $_i -lt $N ]; do
		mtw mem_alloc "$@"
		[ "$MT_RC" = 0 ] && [ -z "$MT_OUT" ] || _bad="$_bad [$_i: $(mt_evidence)]"
		_i=$((_i + 1))
	done
	echo "${_bad:-OK}" >"$MT_W/w.$_n"
}

w_rnd() {
	_bad=
	_i=0
	while [ $_i -lt $N ]; do
		mtw mem_rnd_alloc 10 10 100
		skey _c "$MT_OUT" chunks
		skey _e "$MT_OUT" errors
		skey _b "$MT_OUT" bytes
		[ "$MT_RC" = 0 ] && [ "$_c $_e $_b" = "10 0 100" ] || _bad="$_bad [$_i: $(mt_evidence)]"
		_i=$((_i + 1))
	done
	echo "${_bad:-OK}" >"$MT_W/w.rnd"
}

# w_sum NAME COUNT FILE WORDS...: COUNT times the command, summing the
# answers into w.NAME.sum
w_sum() {
	_name=$1
	_count=$2
	shift 2
	_bad=
	_sum=0
	_i=0
	while [ $_i -lt "$_count" ]; do
		mtw "$@"
		if [ "$MT_RC" = 0 ] && isnum "$MT_OUT"; then
			_sum=$((_sum + MT_OUT))
		else
			_bad="$_bad [$_i: $(mt_evidence)]"
		fi
		_i=$((_i + 1))
	done
	echo "${_bad:-OK}" >"$MT_W/w.$_name"
	echo "$_sum" >"$MT_W/w.$_name.sum"
}

w_tests() {
	_bad=
	_ids=
	_i=0
	while [ $_i -lt 20 ]; do
		mtw mem_test_start 1 2 10 1 2 100 k
		if [ "$MT_RC" = 0 ] && isnum "$MT_OUT"; then
			_id=$MT_OUT
			_ids="$_ids $_id"
			mtw mem_test_destroy "$_id"
			[ "$MT_RC" = 0 ] || _bad="$_bad [destroy $_id: $(mt_evidence)]"
		else
			_bad="$_bad [start $_i: $(mt_evidence)]"
		fi
		_i=$((_i + 1))
	done
	echo "${_bad:-OK}" >"$MT_W/w.tests"
	echo "$_ids" >"$MT_W/w.tests.sum"
}

w_read() {
	_bad=
	_i=0
	while [ $_i -lt $N ]; do
		fkey _c "$D/mem_used" kept_chunks
		isnum "$_c" || _bad="$_bad [$_i: kept_chunks '$_c']"
		slurp _l "$D/mem_test_list"
		_i=$((_i + 1))
	done
	echo "${_bad:-OK}" >"$MT_W/w.read"
}

# report NAME DESC
report() {
	_r=
	[ -r "$MT_W/w.$1" ] && read -r _r <"$MT_W/w.$1"
	check_eq "$2" "$_r" OK
}

run_ok mem_alloc 1000
run_ok mem_alloc 2000
rm -f "$MT_W"/w.*
for d in wa wb wc wd we wf f1 f2 f3; do
	mkdir -p "$MT_W/$d"
done
nowv t0
(MT_TMP=$MT_W/wa w_alloc a1 1000) &
(MT_TMP=$MT_W/wb w_alloc a3k 3 k alloc=vmalloc) &
(MT_TMP=$MT_W/wc w_rnd) &
(MT_TMP=$MT_W/wd w_sum realloc "$N" mem_realloc 500) &
(MT_TMP=$MT_W/we w_tests) &
(MT_TMP=$MT_W/wf w_read) &
wait
nowv t1
diag "6 writers took $((t1 - t0)) ms"
report a1 "writer 1: $N x mem_alloc '1000', all accepted, empty results"
report a3k "writer 2: $N x mem_alloc '3 k alloc=vmalloc', all accepted, empty results"
report rnd "writer 3: $N x mem_rnd_alloc '10 10 100', each read back 'chunks: 10', 'errors: 0', 'bytes: 100'"
report realloc "writer 4: $N x mem_realloc '500', each with a numeric result"
report tests "writer 5: 20 x mem_test_start then mem_test_destroy, all accepted"
report read "reader: $N x mem_used and mem_test_list while they write"
read -r rsum <"$MT_W/w.realloc.sum"
read -r tids <"$MT_W/w.tests.sum"
isnum "$rsum" || rsum=0
want_b=$((3000 + N * 1000 + N * 3072 + N * 100 + rsum))
want_c=$((2 + N + N + N * 10))
used kb kept_bytes
used kc kept_chunks
check_eq "kept: exactly the sum, $want_c chunks and 3000 + $N x (1000 + 3072 + 100) + $rsum (the reallocs' results) bytes" \
	"$kc $kb" "$want_c $want_b"
check_eq "the 20 tests got 20 distinct ids" \
	"$(echo $tids | tr ' ' '\n' | sort -u | wc -l)" 20 "ids:$tids"
slurp l "$D/mem_test_list"
used tb test_bytes
check_eq "no test left, test_bytes 0" "$l$tb" 0

# Three freers at once.
(MT_TMP=$MT_W/f1 w_sum f1 20 mem_free 1000) &
(MT_TMP=$MT_W/f2 w_sum f2 20 mem_free 1000) &
(MT_TMP=$MT_W/f3 w_sum f3 20 mem_free 1000) &
wait
fsum=0
ok3=
for f in f1 f2 f3; do
	read -r r <"$MT_W/w.$f"
	read -r s <"$MT_W/w.$f.sum"
	[ "$r" = OK ] || ok3="$ok3 [$f: $r]"
	isnum "$s" && fsum=$((fsum + s))
done
check_eq "3 freers: 20 x mem_free '1000' each, all accepted" "$ok3" ""
used kb2 kept_bytes
check_eq "kept_bytes fell by exactly the sum of their results ($fsum)" "$kb2" $((kb - fsum))
check_range "each mem_free '1000' freed at least 1000: the sum is >= 60000" "$fsum" 60000 "$kb"
mtw mem_free
check_eq "mem_free frees the rest: its result is what was left" "$MT_OUT" "${kb2:-(no kept_bytes)}"
mt_exit
