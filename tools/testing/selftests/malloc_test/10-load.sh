#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 10-load.sh - insmod, the debugfs tree, file modes, parameter defaults, the
# initial state, the usage lines.
# Needs: the module (MT_MODULE).  Sets up: malloc_test not loaded (mt_setup
# --unloaded).  Leaves: malloc_test loaded with default parameters, nothing
# allocated, no test.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup --unloaded

kmark
mt_insmod
rc=$?
check_eq "insmod $KO succeeds" "$rc" 0 "$(cat "$MT_TMP/insmod")" "$(ksince | tail -5)"
check "malloc_test is listed in /proc/modules" loaded
check "$D is a directory" [ -d "$D" ]

# mode_of VAR PATH
mode_of() {
	eval "$1=\$(stat -c %a \"\$2\" 2>&1)"
}

for f in mem_alloc:600 mem_free:600 mem_realloc:600 mem_rnd_alloc:600 \
	mem_test_start:600 mem_test_stop:600 mem_test_destroy:600 \
	mem_test_destroy_all:200 mem_used:400 mem_test_list:400; do
	name=${f%:*}
	mode_of m "$D/$name"
	check_eq "$name is a regular file with mode ${f#*:}" \
		"$([ -f "$D/$name" ] && echo file)$m" "file${f#*:}"
done
check "$D/tests is a directory" [ -d "$D/tests" ]

modes=
for p in check_content realloc_p max_bytes alloc seed; do
	mode_of m "$P/$p"
	modes="$modes$p=$m "
done
check_eq "parameters check_content realloc_p max_bytes alloc seed have mode 644" \
	"$modes" "check_content=644 realloc_p=644 max_bytes=644 alloc=644 seed=644 "

param v check_content
case $v in
N | 0) pass "check_content defaults to off" ;;
*) fail "check_content defaults to off" "got '$v'" ;;
esac
param v realloc_p
check_eq "realloc_p defaults to 0" "$v" 0
param v alloc
check_eq "alloc defaults to kvmalloc" "$v" kvmalloc
param v seed
check_eq "seed defaults to 0" "$v" 0
param DEF_MAX_BYTES max_bytes
mi memtotal MemTotal
half=$((memtotal * 512))
check_range "max_bytes defaults to half of RAM (MemTotal/2 = $half, within 8%)" \
	"$DEF_MAX_BYTES" $((half - half / 12)) $((half + half / 12))

slurp u "$D/mem_used"
keys=
rest=$u
while [ -n "$rest" ]; do
	l=${rest%%"$NL"*}
	case $rest in *"$NL"*) rest=${rest#*"$NL"} ;; *) rest= ;; esac
	k=${l%%: *}
	keys="$keys$k "
	isnum "${l#*: }" || keys="$keys(not a number: '$l') "
done
for k in chunks bytes kept_chunks kept_bytes test_chunks test_bytes corruptions max_bytes tracking_bytes; do
	case " $keys" in
	*" $k "*) ;;
	*) keys="$keys(missing $k) " ;;
	esac
done
case $keys in
*"("*) fail "mem_used has the keys chunks bytes kept_chunks kept_bytes test_chunks test_bytes corruptions max_bytes tracking_bytes, numeric" "$keys" "$u" ;;
*) pass "mem_used has the keys chunks bytes kept_chunks kept_bytes test_chunks test_bytes corruptions max_bytes tracking_bytes, numeric" ;;
esac

for k in chunks bytes kept_chunks kept_bytes test_chunks test_bytes corruptions; do
	skey v "$u" $k
	expect_eq $k "$v" 0
done
verdict "mem_used counts nothing after load"
skey v "$u" max_bytes
check_eq "mem_used max_bytes equals the parameter" "$v${v:+ (set)}" "$DEF_MAX_BYTES (set)"

slurp l "$D/mem_test_list"
check_eq "mem_test_list is empty after load" "$([ -r "$D/mem_test_list" ] || echo "no mem_test_list")$l" ""
check_eq "tests/ is empty after load" "$(ls -A "$D/tests" 2>&1)" ""

# A read before any write on an fd gives a usage line.
for f in mem_alloc mem_free mem_realloc mem_rnd_alloc mem_test_start mem_test_stop mem_test_destroy; do
	l=
	{ IFS= read -r l <&3; } 2>/dev/null 3<>"$D/$f"
	case $l in
	usage:*) pass "$f: a read before any write gives a usage line" ;;
	*) fail "$f: a read before any write gives a usage line" "read: '$l'" ;;
	esac
done

# The statistics files take no command.
for f in mem_used mem_test_list; do
	state before
	rc=missing
	if [ -e "$D/$f" ]; then
		{ echo 1 >&3; } 2>/dev/null 3>"$D/$f"
		rc=$?
	fi
	state after
	if [ "$rc" != 0 ] && [ "$rc" != missing ] && [ "x$before" = "x$after" ]; then
		pass "$f refuses a write"
	else
		fail "$f refuses a write" "write status $rc"
	fi
done
mt_exit
