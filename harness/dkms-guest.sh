#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dkms-guest.sh - the guest half of harness/dkms-check.sh: the module that
# DKMS built, /mt/malloc_test.ko, loads, reports version 1.0, keeps and
# frees a MiB, and unloads.
#
# Plain busybox sh, run by the VM's /init (harness/vm.sh boot --script).
# Prints one "ok - DESC" or "not ok - DESC" line per check, details of a
# failure as "# " lines; exits 1 when a check failed.

KO=${MT_MODULE:-/mt/malloc_test.ko}
D=/sys/kernel/debug/malloc_test
MIB=1048576
failed=0

pass() {
	echo "ok - $1"
}

# fail DESC [DETAIL...]: each line of each DETAIL as a "# " line
fail() {
	echo "not ok - $1"
	shift
	for l in "$@"; do
		printf '%s\n' "$l" | sed 's/^/# /'
	done
	failed=1
}

loaded() {
	grep -q '^malloc_test ' /proc/modules
}

# kept: prints kept_bytes of mem_used (nothing when it cannot be read)
kept() {
	[ -r "$D/mem_used" ] || return
	while read -r _key _val; do
		[ "$_key" = kept_bytes: ] && echo "$_val"
	done <"$D/mem_used"
}

# cmd FILE LINE: writes LINE on a fresh fd of $D/FILE and reads the answer
# back on it into ANSWER; the write's status
cmd() {
	ANSWER=
	_rc=1
	{
		echo "$2" >&3 && _rc=0
		ANSWER=$(cat <&3)
	} 3<>"$D/$1" 2>/tmp/cmd.err
	return $_rc
}

echo "# kernel $(uname -r), module $KO"
if insmod "$KO" 2>/tmp/insmod.err && loaded; then
	pass "insmod succeeds"
else
	fail "insmod succeeds" "$(cat /tmp/insmod.err)" "$(dmesg | tail -n 5)"
	exit 1
fi

v=$(cat /sys/module/malloc_test/version 2>&1)
if [ "$v" = 1.0 ]; then
	pass "/sys/module/malloc_test/version is 1.0"
else
	fail "/sys/module/malloc_test/version is 1.0" "read: '$v'"
fi

k0=$(kept)
if [ "$k0" = 0 ]; then
	pass "mem_used is readable, nothing kept"
else
	fail "mem_used is readable, nothing kept" "kept_bytes: '$k0'" \
		"$(cat "$D/mem_used" 2>&1)"
fi

if cmd mem_alloc "1 m"; then
	k1=$(kept)
	if [ "$k1" -ge $MIB ] 2>/dev/null; then
		pass "mem_alloc 1 m keeps a MiB"
	else
		fail "mem_alloc 1 m keeps a MiB" "kept_bytes: '$k1'"
	fi
else
	fail "mem_alloc 1 m keeps a MiB" "write refused: $(cat /tmp/cmd.err)"
fi

if cmd mem_free "1 m"; then
	k2=$(kept)
	if [ "$ANSWER" -ge $MIB ] 2>/dev/null && [ "$k2" = 0 ]; then
		pass "mem_free 1 m frees it"
	else
		fail "mem_free 1 m frees it" "answer: '$ANSWER', kept_bytes: '$k2'"
	fi
else
	fail "mem_free 1 m frees it" "write refused: $(cat /tmp/cmd.err)"
fi

if rmmod malloc_test 2>/tmp/rmmod.err && ! loaded; then
	pass "rmmod succeeds"
else
	fail "rmmod succeeds" "$(cat /tmp/rmmod.err)"
fi

exit $failed
