#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# demo.sh - what `make run` shows: the reference's examples, run in the VM
# against malloc_test through mtctl, each command printed before its output.
#
# Plain busybox sh.  mtctl is /mt/bin/mtctl (on PATH); without it, the same
# examples are shown on the module's files themselves: one write on a file
# of /sys/kernel/debug/malloc_test/ and its answer read back on the same
# open file: exec 3<>FILE; echo "ARGS" >&3; cat <&3; exec 3>&-.

KO=${MT_MODULE:-/mt/malloc_test.ko}
D=/sys/kernel/debug/malloc_test

say() {
	echo
	echo "### $*"
}

load() {
	say "load the module"
	if ! grep -q '^malloc_test ' /proc/modules; then
		echo "\$ insmod $KO"
		insmod "$KO" || exit 1
	fi
}

unload() {
	echo "\$ rmmod malloc_test"
	rmmod malloc_test && echo "(unloaded)"
}

# ------------------------------------------------------------- mtctl ---

# m ARGS...: prints the command line, runs it; its errors and a non-zero
# exit status are shown too
m() {
	echo "\$ mtctl $*"
	mtctl "$@" 2>&1
	rc=$?
	[ $rc = 0 ] || echo "(exit status $rc)"
}

mtctl_demo() {
	load
	m get

	say "mem_alloc: keep one chunk of 10 KiB (a simulated leak)"
	m mem_alloc 10 k
	m mem_used k

	say "mem_rnd_alloc: 10 MiB in pieces of 1..64 KiB"
	m mem_rnd_alloc 1 64 10240 k

	say "mem_used: everything the module holds, in bytes or in a unit"
	m mem_used
	m mt.mem_used m

	say "mem_free: at least 1 MiB of the kept chunks, whole chunks"
	m mem_free 1 m
	m mem_used m

	say "mem_realloc: resize a random kept chunk to 100 KiB"
	m mem_realloc 100 k

	say "a timed test: 15..64 KiB every 128..1500 ms, up to 25000 KiB, for 6 s"
	echo "\$ id=\$(mtctl mem_test_start 15 64 25000 128 1500 6000 k); echo \$id"
	id=$(mtctl mem_test_start 15 64 25000 128 1500 6000 k)
	echo "$id"
	sleep 2
	say "its figures while it runs (2 s in)"
	m mem_test_list "$id" k
	m mem_used k

	say "watch it to its end (into a pipe, frames follow one another)"
	echo "\$ mtctl watch $id | cat"
	mtctl watch "$id" 2>&1 | cat
	say "after its 6 s (sizes in bytes without a unit)"
	m mem_test_list

	say "a second test, stopped while it runs"
	echo "\$ id2=\$(mtctl mem_test_start 1 4 64 10 20 60000 k); echo \$id2"
	id2=$(mtctl mem_test_start 1 4 64 10 20 60000 k)
	echo "$id2"
	sleep 2
	m mem_test_stop "$id2"
	m mem_test_list "$id2" k
	m --json mem_test_list "$id2"

	say "destroy them: statistics and files go"
	m mem_test_destroy "$id"
	m mem_test_destroy_all
	m mem_test_list
	echo "\$ ls $D/tests/"
	ls "$D/tests"

	say "a refused command says why (the module's own reason), exit status 1"
	m mem_rnd_alloc 64 1 10240 k
	m --json mem_rnd_alloc 64 1 10240 k
	m mem_test_stop "$id"
	say "a wrong command line, exit status 2"
	m mem_alloc 10 x

	say "the parameters"
	m set check_content 1
	m get check_content
	m set realloc_p 95
	m set check_content 0

	say "free everything and unload"
	m mem_free
	m --json mem_used
	unload
}

# --------------------------------------------- without mtctl: the files ---

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

raw_demo() {
	load
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
	id=$(sed -n 's/^id: //p' "$D/mem_test_list" | tail -n 1)
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
	unload
}

if command -v mtctl >/dev/null 2>&1; then
	mtctl_demo
else
	echo "(mtctl is not in the image: the examples on the module's files)"
	raw_demo
fi
