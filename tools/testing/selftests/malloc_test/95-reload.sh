#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 95-reload.sh - rmmod refused while a file is open; rmmod with tests
# running and chunks kept frees everything (meminfo back); rmmod with
# commands in flight; insmod again (ids restart at 1); parameters at
# insmod, valid and invalid; the seed makes mem_rnd_alloc reproducible.
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): malloc_test not loaded.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

MiB=1048576

# near WHAT FIELD BASE_KB TOL_KB: one expect that /proc/meminfo FIELD is
# within TOL_KB of BASE_KB
near() {
	mi _nv "$2"
	expect_range "$1 ($2 now $_nv kB, before $3 kB)" $((_nv - $3)) $((-$4)) "$4"
}

# free_back BASE_KB TOL_KB: one expect that MemFree is no more than TOL_KB
# below BASE_KB.  (Only a leak lowers it; it rises by tens of MiB when the
# per-cpu page lists, which MemFree does not count, are drained.)
free_back() {
	mi _nv MemFree
	expect_range "MemFree back (now $_nv kB, before $1 kB)" $((_nv - $1)) $((-$2)) 4194304
}

mi base_free MemFree
mi base_vm VmallocUsed
mi base_slab Slab

run_ok mem_alloc 32 m alloc=vmalloc
run_ok mem_rnd_alloc 1 1 2048 k alloc=kmalloc
run_ok mem_rnd_alloc 2 2 256 m alloc=kmalloc
run_ok mem_alloc 16 m
ids=
for c in "1 4 1024 5 10 600000 k" "100 1000 1000000 2 4 600000 alloc=kmalloc" \
	"4 8 4096 5 10 600000 k alloc=vmalloc" "10 10 100 1 2 600000"; do
	mtw mem_test_start $c
	ids="$ids $MT_OUT"
done
set -- $ids
T1=$1
has_held() {
	tstat _h "$1" held
	isnum "$_h" && [ "$_h" -gt 0 ]
}
wait_until 15000 has_held "$T1"
mi vm_mid VmallocUsed
tstat a1 "$T1" allocations
check_range "with chunks kept and tests running, VmallocUsed is up by the 32 MiB (in KiB)" \
	$((vm_mid - base_vm)) $((32 * 1024 - 256)) $((1024 * 1024))
mi mf_mid MemFree
if [ -z "$MT_KASAN" ]; then
	check_range "and MemFree is down by the 306 MiB kept (240..600 MiB, in KiB)" \
		$((base_free - mf_mid)) $((240 * 1024)) $((600 * 1024))
else
	skip "and MemFree is down by the 306 MiB kept" "$MT_KASAN_WHY"
fi

# An open file pins the module.
# (A failed "exec 4<" would end the shell: open it only if it is there.)
rc=none
if [ -r "$D/mem_used" ]; then
	exec 4<"$D/mem_used"
	rmmod malloc_test 2>"$MT_TMP/rmmod"
	rc=$?
	exec 4<&-
fi
if [ "$rc" != 0 ] && loaded; then
	pass "rmmod is refused while a file is held open"
else
	fail "rmmod is refused while a file is held open" "rmmod status $rc: $(cat "$MT_TMP/rmmod" 2>&1)"
fi
sleep 0.3
tstat a2 "$T1" allocations
check_range "the tests still run after the refused rmmod (allocations $a1 then more)" "$a2" $((a1 + 1)) 100000000

kmark
nowv t0
rmmod malloc_test 2>"$MT_TMP/rmmod"
rc=$?
nowv t1
check_eq "rmmod with 4 tests running and chunks kept succeeds once the file is closed ($((t1 - t0)) ms)" \
	"$rc" 0 "$(cat "$MT_TMP/rmmod")"
check "the module, its debugfs directory and parameters are gone" \
	eval '! loaded && [ ! -e "$D" ] && [ ! -e "$P" ]'
sleep 0.5
near "VmallocUsed back" VmallocUsed "$base_vm" 4096
[ -n "$MT_KASAN" ] || near "Slab back" Slab "$base_slab" 4096
free_back "$base_free" 65536
verdict "after rmmod, VmallocUsed$MT_AND_SLAB back within 4 MiB, MemFree no more than 64 MiB below"

mt_insmod
check_eq "insmod again succeeds" "$?" 0 "$(cat "$MT_TMP/insmod")"
slurp u "$D/mem_used"
skey c "$u" chunks
skey b "$u" bytes
slurp l "$D/mem_test_list"
check_eq "after reload: 0 chunks, 0 bytes, no test" "$c $b $l" "0 0 "
mtw mem_test_start 1 2 10 100 200 60000
check_eq "after reload, test ids restart at 1" "$MT_OUT" 1 "$(mt_evidence)"
mtw mem_test_destroy 1

# rmmod with commands in flight: a writer hammers three files until they
# are gone; rmmod is retried while the writer holds one open.
hammer() {
	_i=0
	while [ $_i -lt 2000 ]; do
		mtw mem_alloc 4 k || break
		mtw mem_rnd_alloc 1 4 64 k || break
		mtw mem_free 8 k || break
		_i=$((_i + 1))
	done
	echo "$_i" >"$MT_W/hammer"
}
MT_W=$MT_TMP
mkdir -p "$MT_TMP/h"
mtw mem_test_start 1 2 100 1 2 600000 k
(MT_TMP=$MT_TMP/h hammer) &
hpid=$!
sleep 1
nowv t0
unload
rc=$?
nowv t1
wait $hpid
read -r n <"$MT_W/hammer"
isnum "$n" && [ "$n" -gt 0 ] || rc="$rc (the writer ran no command)"
check_eq "rmmod while a writer's commands are in flight succeeds (within $((t1 - t0)) ms, after $n rounds)" \
	"$rc" 0 "$(cat "$MT_TMP/rmmod" 2>/dev/null)"
sleep 0.5
near "VmallocUsed back" VmallocUsed "$base_vm" 4096
[ -n "$MT_KASAN" ] || near "Slab back" Slab "$base_slab" 4096
free_back "$base_free" 65536
verdict "after it, VmallocUsed$MT_AND_SLAB back within 4 MiB, MemFree no more than 64 MiB below"

# Parameters at insmod.
mt_insmod max_bytes=123456789 check_content=1 realloc_p=10 alloc=vmalloc seed=4242
check_eq "insmod with max_bytes=123456789 check_content=1 realloc_p=10 alloc=vmalloc seed=4242" "$?" 0 "$(cat "$MT_TMP/insmod")"
for kv in max_bytes:123456789 check_content:Y realloc_p:10 alloc:vmalloc seed:4242; do
	param v ${kv%%:*}
	expect_eq ${kv%%:*} "$v" ${kv#*:}
done
used v max_bytes
expect_eq "mem_used max_bytes" "$v" 123456789
verdict "the parameters read back as given at insmod, mem_used's max_bytes too"

# seed_run VAR: a fixed command sequence; VAR := its results
seed_run() {
	_sr=
	mtw mem_rnd_alloc 1 100 20000
	_sr="$MT_OUT"
	mtw mem_free 1
	_sr="$_sr / $MT_OUT"
	mtw mem_free 1
	_sr="$_sr / $MT_OUT"
	mtw mem_realloc 5000
	_sr="$_sr / $MT_OUT"
	eval "$1=\$_sr"
}
seed_run r1
unload
mt_insmod max_bytes=123456789 check_content=1 realloc_p=10 alloc=vmalloc seed=4242
seed_run r2
skey ch "$r1" chunks
if isnum "$ch" && [ "$ch" -gt 0 ]; then
	check_eq "same seed, same commands after a reload: same results (mem_rnd_alloc, mem_free 1 twice, mem_realloc)" "$r2" "$r1"
else
	fail "same seed, same commands after a reload: same results (mem_rnd_alloc, mem_free 1 twice, mem_realloc)" "first run: $r1"
fi
unload

for bad in realloc_p=91 alloc=slab max_bytes=0 check_content=maybe; do
	kmark
	mt_insmod $bad
	rc=$?
	if [ "$rc" != 0 ] && ! loaded && klog_has "invalid for parameter .${bad%%=*}"; then
		pass "insmod with $bad is refused, the kernel log names the parameter"
	else
		fail "insmod with $bad is refused, the kernel log names the parameter" "insmod status $rc" "$(ksince | tail -3)"
		unload
	fi
done

mt_insmod
rmmod malloc_test 2>"$MT_TMP/rmmod"
check_eq "a last plain insmod and rmmod succeed" "$?" 0 "$(cat "$MT_TMP/rmmod")"
# (the boot's first mt_insmod: 10-load.sh's in a whole run, this case's
# own when it runs alone)
mt_first_load LOAD_VMALLOC LOAD_SLAB
mi vm VmallocUsed
mi sl Slab
expect_range "VmallocUsed vs before the first insmod (KiB)" $((vm - ${LOAD_VMALLOC:-0})) -4096 4096
[ -n "$MT_KASAN" ] || expect_range "Slab vs before the first insmod (KiB)" $((sl - ${LOAD_SLAB:-0})) -8192 8192
verdict "at the end VmallocUsed is back within 4 MiB${MT_AND_SLAB:+ and Slab within 8 MiB} of before the boot's first insmod"
mt_exit
