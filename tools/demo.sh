#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# demo.sh - what `make run` shows: the reference's examples, run in the VM
# against malloc_test, each command printed before its output.
#
# Plain busybox sh.  A command is one write on a file of
# /sys/kernel/debug/malloc_test/ and its answer is read back on the same
# open file: exec 3<>FILE; echo "ARGS" >&3; cat <&3; exec 3>&-.

KO=${MT_MODULE:-/mt/malloc_test.ko}
D=/sys/kernel/debug/malloc_test

# cmd FILE ARGS...: prints the command as a shell would type it, runs it,
# prints its answer (or the error and the reason).
cmd() {
	f=$1
	shift
	echo "\$ echo \"$*\" > $f"
	if [ "$f" = mem_test_destroy_all ]; then
		if ! echo "$*" 2>/tmp/demo.err >"$D/$f"; then
			sed 's/^/  /' /tmp/demo.err
		fi
		return
	fi
	exec 3<>"$D/$f"
	echo "$*" >&3 2>/tmp/demo.err || sed 's/^/  (refused) /' /tmp/demo.err
	cat <&3
	exec 3>&-
}

show() {
	echo "\$ cat $1"
	cat "$D/$1"
}

say() {
	echo
	echo "### $*"
}

say "load the module"
if ! grep -q '^malloc_test ' /proc/modules; then
	echo "\$ insmod $KO"
	insmod "$KO" || exit 1
fi
echo "\$ cd $D; ls"
ls "$D"
echo "\$ grep . /sys/module/malloc_test/parameters/*"
grep . /sys/module/malloc_test/parameters/* | sed 's|.*/||'

say "mem_alloc: keep one chunk of 10 KiB (a simulated leak)"
cmd mem_alloc 10 k
show mem_used

say "mem_rnd_alloc: 10 MiB in pieces of 1..64 KiB"
cmd mem_rnd_alloc 1 64 10240 k

say "mem_used: everything the module holds"
show mem_used

say "mem_free: at least 1 MiB of the kept chunks, whole chunks"
cmd mem_free 1 m
show mem_used

say "mem_realloc: resize a random kept chunk to 100 KiB"
cmd mem_realloc 100 k

say "a timed test: 15..64 KiB every 128..1500 ms, up to 25000 KiB, for 6 s"
cmd mem_test_start 15 64 25000 128 1500 6000 k
id=$(cat "$D/mem_test_list" | sed -n 's/^id: //p' | tail -n 1)
sleep 3
say "its statistics while it runs (3 s in)"
show mem_test_list
show mem_used
sleep 4
say "after its 6 s"
show mem_test_list

say "a second test, stopped while it runs"
cmd mem_test_start 1 4 64 10 20 60000 k
sleep 2
id2=$(sed -n 's/^id: //p' "$D/mem_test_list" | tail -n 1)
cmd mem_test_stop "$id2"
show "tests/$id2/stats"

say "destroy them: statistics and files go"
cmd mem_test_destroy "$id"
cmd mem_test_destroy_all
show mem_test_list
echo "\$ ls tests/"
ls "$D/tests"

say "a refused command says why, on the same file and in the kernel log"
cmd mem_rnd_alloc 64 1 10240 k
dmesg | grep 'malloc_test:' | tail -n 1

say "free everything and unload"
cmd mem_free
show mem_used
echo "\$ rmmod malloc_test"
rmmod malloc_test && echo "(unloaded)"
