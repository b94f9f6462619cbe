#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 96-loadtime.sh - the load-time actions: leak= keeps memory and test=
# starts tests at insmod (and through modprobe and /etc/modprobe.d), each
# cross-checked against /proc/meminfo; a refused value fails the load with
# its reason in the log and leaves nothing behind, even when earlier
# commands of the same load had run.
# Sets up (mt_setup --unloaded): malloc_test not loaded.  Leaves (mt_exit):
# malloc_test not loaded, no modprobe.d file.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup --unloaded

MiB=1048576

# lt_load DESC ARGS...: one check that insmod with ARGS succeeds
lt_load() {
	_ld=$1
	shift
	kmark
	mt_insmod "$@"
	_lrc=$?
	if [ "$_lrc" = 0 ] && loaded; then
		pass "$_ld"
		return 0
	fi
	fail "$_ld" "insmod status $_lrc: $(cat "$MT_TMP/insmod")" "$(ksince | tail -n 5)"
	return 1
}

# lt_ran PARAM TEXT: the log since the last kmark has the line of PARAM's
# command having run, starting "ran 'TEXT" (an extended regular expression)
lt_ran() {
	klog_has "malloc_test: parameter $1: ran '$2"
}

unload
mi vm0 VmallocUsed
mi free0 MemFree

# leak=SIZE[UNIT]: one chunk, as mem_alloc would keep it.
if lt_load "insmod leak=64M loads" leak=64M; then
	used c kept_chunks
	used b kept_bytes
	used kv kvmalloc_bytes
	param pv leak
	mi vm1 VmallocUsed
	_E=
	expect_eq "kept_chunks" "$c" 1
	expect_eq "kept_bytes" "$b" $((64 * MiB))
	expect_eq "kvmalloc_bytes (the default allocator)" "$kv" $((64 * MiB))
	expect_eq "the parameter reads back" "$pv" 64M
	expect "no 'parameter leak: ran '64M'' line in the log" lt_ran leak "64M'\$"
	expect "no one-time 'not for production' line at load" \
		klog_has "malloc_test: a test module: .*not for production systems"
	verdict "leak=64M keeps one 64 MiB chunk, mem_used says so, the log says so" \
		"$(ksince | tail -n 5)"
	# 64 MiB is past kmalloc's reach: kvmalloc takes it from vmalloc.
	check_range "VmallocUsed is up by the 64 MiB (in KiB)" $((vm1 - vm0)) \
		$((64 * 1024)) $((64 * 1024 + 4096))
	unload
	mi vm2 VmallocUsed
	check_range "after rmmod, VmallocUsed is back within 4 MiB (in KiB)" \
		$((vm2 - vm0)) -4096 4096
fi

# Several, separated by ';', with options and both unit spellings.  A
# value with spaces is quoted for the kernel (insmod passes its words on
# as they are: the shell's quotes are gone by then).
if lt_load "insmod 'leak=\"1 M alloc=kmalloc;2m alloc=vmalloc; ;4096;3k alloc=pages\"' loads" \
		'leak="1 M alloc=kmalloc;2m alloc=vmalloc; ;4096;3k alloc=pages"'; then
	_E=
	for kv in kept_chunks:4 kmalloc_bytes:$MiB vmalloc_bytes:$((2 * MiB)) \
			kvmalloc_bytes:4096 pages_bytes:4096 \
			kept_bytes:$((3 * MiB + 8192)); do
		used v "${kv%%:*}"
		expect_eq "${kv%%:*}" "$v" "${kv#*:}"
	done
	expect "no 'ran' line for '2m alloc=vmalloc'" lt_ran leak "2m alloc=vmalloc'\$"
	verdict "each command of leak= ran once, with its allocator (the empty one skipped; pages count whole pages)" \
		"$(ksince | tail -n 8)"
	unload
fi

# test=: tests start at load and run.
T1="1 4 256 5 10 600000 k"
T2="100 1000 100000 1 2 600000 alloc=kmalloc ctx=timer"
if lt_load "insmod 'test=\"$T1;$T2\"' loads" "test=\"$T1;$T2\""; then
	list_ids ids
	check_eq "two tests, ids 1 and 2, in mem_test_list" "$ids" "1 2"
	has_allocs() {
		tstat _a "$1" allocations
		isnum "$_a" && [ "$_a" -gt 0 ]
	}
	wait_until 15000 has_allocs 1
	wait_until 15000 has_allocs 2
	_E=
	for id in 1 2; do
		tstat st $id state
		tstat a $id allocations
		expect_eq "test $id state" "$st" running
		expect "test $id made no allocation ($a)" has_allocs $id
	done
	block b1 1
	skey mn "$b1" min
	skey mx "$b1" max
	skey tt "$b1" total
	expect_eq "test 1 min/max/total" "$mn/$mx/$tt" "1024/4096/262144"
	tstat ctx 2 ctx
	tstat al 2 alloc
	expect_eq "test 2 ctx/alloc" "$ctx/$al" "timer/kmalloc"
	expect "no 'ran' line for test 1 answering its id" lt_ran test "$T1': 1\$"
	expect "no 'ran' line for test 2 answering its id" lt_ran test "$T2': 2\$"
	# verbose off: the 'ran' lines are the record; no line per answer
	expect "a 'mem_test_start ...: 2' answer line, verbose off" \
		eval '! klog_has "malloc_test: mem_test_start .*: 2\$"'
	verdict "both tests run, with the sizes and options given, the log gives their ids" \
		"$(cat "$D/mem_test_list")" "$(ksince | tail -n 6)"
	used tb test_bytes
	check_range "mem_used counts what the tests hold" "$tb" 1 100000000
	unload
	mi vm3 VmallocUsed
	check_range "rmmod with load-time tests running: VmallocUsed back within 4 MiB (in KiB)" \
		$((vm3 - vm0)) -4096 4096
fi

# Both, and the kernel's other quoting: the whole "name=value" quoted.
if lt_load "insmod leak=8M '\"test=1 2 64 5 10 600000 k\"' loads" \
		leak=8M '"test=1 2 64 5 10 600000 k"'; then
	used b kept_bytes
	list_ids ids
	param pv test
	check_eq "kept 8 MiB, test 1 started, the parameter reads without quotes" \
		"$b/$ids/$pv" "$((8 * MiB))/1/1 2 64 5 10 600000 k"
	unload
fi

# modprobe, with the options in /etc/modprobe.d, as at boot.
KV=$(uname -r)
MD=/lib/modules/$KV
if mkdir -p "$MD/extra" /etc/modprobe.d && cp "$KO" "$MD/extra/" &&
		depmod 2>"$MT_TMP/depmod"; then
	echo 'options malloc_test leak=2M test="4 8 64 5 10 600000 k alloc=vmalloc"' \
		>/etc/modprobe.d/malloc_test.conf
	kmark
	modprobe malloc_test 2>"$MT_TMP/modprobe"
	rc=$?
	used b kept_bytes
	list_ids ids
	tstat al 1 alloc
	_E=
	expect_eq "modprobe status ($(cat "$MT_TMP/modprobe"))" "$rc" 0
	expect_eq "kept_bytes" "$b" $((2 * MiB))
	expect_eq "tests" "$ids" 1
	expect_eq "test 1 alloc" "$al" vmalloc
	verdict "modprobe malloc_test takes leak= and test= from /etc/modprobe.d" \
		"$(ksince | tail -n 5)"
	modprobe -r malloc_test 2>"$MT_TMP/modprobe"
	check "modprobe -r unloads it" eval '! loaded'
	unload
	rm -f /etc/modprobe.d/malloc_test.conf "$MD/extra/malloc_test.ko"
	depmod 2>/dev/null
else
	skip "modprobe malloc_test takes leak= and test= from /etc/modprobe.d" \
		"cannot set up $MD: $(cat "$MT_TMP/depmod" 2>/dev/null)"
	skip "modprobe -r unloads it" "no modprobe setup"
fi

# lt_bad DESC ERRNO WHY ARGS...: one check that insmod with ARGS fails
# with ERRNO, leaves no module, and the log has "parameter P: '...'
# refused: WHY" (an extended regular expression) and "not loaded"
lt_bad() {
	_bd=$1
	_bn=$2
	_be=$(errno_text "$2")
	_bw=$3
	shift 3
	kmark
	mt_insmod "$@"
	_brc=$?
	_E=
	expect "insmod succeeded" [ "$_brc" != 0 ]
	expect "the module is loaded" eval '! loaded'
	case $(cat "$MT_TMP/insmod") in
	*"$_be"*) ;;
	*) _E="${_E}insmod says '$(cat "$MT_TMP/insmod")', expected '$_be'$NL" ;;
	esac
	expect "no 'parameter ...: '...' refused: $_bw' line" \
		klog_has "malloc_test: parameter [a-z]+: '.*' refused: $_bw"
	expect "no 'not loaded' line" klog_has "malloc_test: not loaded: "
	verdict "$_bd: insmod fails with $_bn, the log says why" "$(ksince | tail -n 6)"
	unload
}

lt_bad "leak=0" EINVAL "size must be above 0" leak=0
lt_bad "leak=64X" EINVAL "'64X' is not an unsigned 64-bit number" leak=64X
lt_bad "leak='1 M alloc=slab'" EINVAL "unknown allocator 'slab'" 'leak="1 M alloc=slab"'
lt_bad "leak=8M with max_bytes=4194304" ENOSPC "the chunk, with its bookkeeping, costs up to [0-9]+ bytes: that would pass max_bytes" \
	max_bytes=4194304 leak=8M
lt_bad "test='1 2 3'" EINVAL "too few numbers: 3 given, 6 needed" 'test="1 2 3"'
lt_bad "test='1 2 3' unquoted" EINVAL "too few numbers: 1 given, 6 needed" test=1 2 3
lt_bad "test with min_int 0" EINVAL "min_int must be above 0" 'test="1 2 3 0 2 100"'
lt_bad "test with total past max_bytes" ENOSPC "total \\([0-9]+\\) exceeds max_bytes" \
	max_bytes=1048576 'test="1 2 4 5 10 1000 m"'

# A refusal after commands that ran: what they did is undone.
mi vm4 VmallocUsed
lt_bad "leak='32M alloc=vmalloc;0' (the second refused)" EINVAL "size must be above 0" \
	'leak="32M alloc=vmalloc;0"'
lt_bad "leak='16M alloc=vmalloc' and test='$T1;1 2 3 4 5 6 furlongs'" EINVAL "unexpected 'furlongs'" \
	'leak="16M alloc=vmalloc"' "test=\"$T1;1 2 3 4 5 6 furlongs\""
sleep 0.5
mi vm5 VmallocUsed
check_range "after the refused loads that had run commands, VmallocUsed is back within 4 MiB (in KiB)" \
	$((vm5 - vm4)) -4096 4096
check "and no malloc_test directory is left in debugfs" eval '[ ! -e "$D" ]'

# A load that fails leaves no file open on its freed code: the files are
# made only once nothing can fail the load.  A reader tries to open
# mem_alloc, and a test's stats, all the while a load keeps 256 MiB
# (seconds in TCG), starts test 1, then has its second test refused; had
# it got an fd, closing it after the failed load would run freed code (an
# Oops, or KASAN's report on the debug kernel).
rm -f "$MT_TMP/lt-open" "$MT_TMP/lt-done"
(
	while [ ! -e "$MT_TMP/lt-done" ]; do
		for f in "$D/mem_alloc" "$D/tests/1/stats"; do
			# (command: a failed exec must not end this shell)
			if [ -e "$f" ] && command exec 3<"$f" 2>/dev/null; then
				echo "$f" >>"$MT_TMP/lt-open"
				sleep 1
				exec 3<&-
			fi
		done
	done
) &
LT_PID=$!
kmark
mt_insmod 'leak="256M alloc=vmalloc"' 'test="1 2 100 10 20 60000;1 2 3"'
rc=$?
: >"$MT_TMP/lt-done"
wait "$LT_PID"
expect "insmod succeeded" [ "$rc" != 0 ]
expect "the module is loaded" eval '! loaded'
expect_eq "files opened while the load ran" "$(cat "$MT_TMP/lt-open" 2>/dev/null)" ""
verdict "a failed load (256 MiB kept, a test started, then a refusal) exposes no file meanwhile: none could be opened" \
	"$(ksince | tail -n 4)"
check "the kernel log has no Oops, BUG or KASAN report since" \
	eval '! klog_has "Oops|BUG:|KASAN|general protection|Call Trace"'
unload
rm -f "$MT_TMP/lt-open" "$MT_TMP/lt-done"
mt_exit
