#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 67-memcg.sh - a memory cgroup at its limit: chunks charged to it
# (gfp=account, the writer's group) until its memory.max refuses them, on
# purpose.  The shell writes each command from a child group whose limit
# leaves 15.5 MiB above what it held itself, and leaves the group at once
# after: a shell that stayed in a full group would have its own page
# faults and files refused, and the group's OOM killer kill it (the
# leaking service starving itself, which this case is not about).  Then:
#  - mem_rnd_alloc of 24 pieces of 1 MiB: the group takes what its limit
#    leaves, every other piece is an error (the write fails with ENOMEM,
#    its answer there), chunks + errors = 24, and the group's
#    memory.current rises by the chunks kept;
#  - mem_alloc past the limit is refused with ENOMEM, the group named as
#    the cause, its limit and its usage in the reason;
#  - mem_alloc avail= with a target the group keeps it from reaching:
#    it keeps what the limit leaves, then fails with ENOMEM, the group
#    named in the reason with the chunks kept;
#  - a ctx=work test from the group: the steps past the limit are its
#    errors, logged with the same cause, its charge exact;
#  - no OOM kill anywhere (/proc/vmstat's oom_kill, the group's
#    memory.events), memory.events' max counts the refusals, and after
#    mem_free and the test's end memory.current is back where it was.
# Needs a memory cgroup controller (cgroup2; else it skips).  Sets up
# (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same, the group
# removed.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

MiB=1048576
if ! cg_setup mt67; then
	cg_teardown
	mt_exit_skip "$CG_WHY"
fi
# in_group CMD...: CMD run by the shell from within the group, then out
in_group() {
	echo $$ >"$CG_DIR/cgroup.procs"
	"$@"
	_ig=$?
	cg_leave
	return $_ig
}
cg_leave
read -r m0 <"$CG_DIR/memory.current"
echo $((m0 + 15 * MiB + MiB / 2)) >"$CG_DIR/memory.max"
read -r LIMIT <"$CG_DIR/memory.max"

# ev KEY VAR: KEY's count in the group's memory.events
ev() {
	_ev=$(awk -v k="$1" '$1 == k { print $2 }' "$CG_DIR/memory.events")
	eval "$2=\${_ev:-0}"
}
oom_kills() {
	_ok=$(awk '$1 == "oom_kill" { print $2 }' /proc/vmstat)
	eval "$1=\${_ok:-0}"
}

oom_kills k0
ev max e0
ev oom_kill eo0

# ------------------------------------------------- mem_rnd_alloc ---
in_group mtw mem_rnd_alloc 1 1 24 m alloc=kmalloc gfp=account,nowarn
fkey_out() { printf '%s\n' "$MT_OUT" | awk -v k="$1:" '$1 == k { print $2 }'; }
ch=$(fkey_out chunks)
er=$(fkey_out errors)
read -r m1 <"$CG_DIR/memory.current"
used kb kept_bytes
_E=
# errors: the write fails with ENOMEM, the answer there all the same
expect_eq "mem_rnd_alloc's write, with errors, fails" "$MT_RC" 1
case $MT_ERR in
*"$(errno_text ENOMEM)"*) ;;
*) _E="${_E}not ENOMEM: $(mt_evidence)$NL" ;;
esac
expect_eq "chunks + errors (24 pieces of 1 MiB)" $((ch + er)) 24
expect_range "chunks: what the limit leaves" "$ch" 14 15
expect "errors: the pieces past it ($er)" [ "$er" -ge 9 ]
expect_eq "kept_bytes" "$kb" $((ch * MiB))
expect_range "memory.current's rise: the chunks kept" $((m1 - m0)) $((ch * MiB - MiB / 2)) $((ch * MiB + MiB / 2))
expect "memory.current within memory.max" [ "$m1" -le $LIMIT ]
verdict "mem_rnd_alloc 1 1 24 m alloc=kmalloc gfp=account in a group with 15.5 MiB of room: $ch chunks, $er errors, memory.current $m0 -> $m1" \
	"answer: $MT_OUT"

# ------------------------------------------------------ mem_alloc ---
in_group mtw mem_alloc 1 m alloc=kmalloc gfp=account,nowarn
_E=
expect_eq "mem_alloc past the limit: refused" "$MT_RC" 1
case $MT_OUT in
"error: kmalloc refused 1048576 bytes: memory cgroup /mt67 is at its memory.max ($LIMIT bytes, "*" in use)") ;;
*) _E="${_E}the reason does not name the group: '$MT_OUT'$NL" ;;
esac
case $MT_ERR in
*"$(errno_text ENOMEM)"*) ;;
*) _E="${_E}not ENOMEM: $(mt_evidence)$NL" ;;
esac
verdict "mem_alloc 1 m alloc=kmalloc gfp=account at the limit: ENOMEM, the group named as the cause" "$MT_OUT"
run_ok mem_free
read -r m2 <"$CG_DIR/memory.current"
check_range "after mem_free, memory.current back (within 1 MiB)" $((m2 - m0)) -$MiB $MiB \
	"memory.current $m0 -> $m1 -> $m2"

# ------------------------------------------------ mem_alloc avail= ---
# pressure_margin is far below the guest's MemAvailable: the group's
# limit stops the command first
param MARGIN pressure_margin
in_group mtw mem_alloc 1 m alloc=kmalloc gfp=account,nowarn avail=$MARGIN
read -r m3 <"$CG_DIR/memory.current"
used kb kept_bytes
_E=
expect_eq "mem_alloc avail= stopped by the group: refused" "$MT_RC" 1
case $MT_ERR in
*"$(errno_text ENOMEM)"*) ;;
*) _E="${_E}not ENOMEM: $(mt_evidence)$NL" ;;
esac
case $MT_OUT in
"error: memory cgroup /mt67 is at its memory.max ($LIMIT bytes, "*" in use) after $((kb / MiB)) chunks ($kb bytes, kept): MemAvailable "*", target $MARGIN") ;;
*) _E="${_E}the reason does not name the group with the chunks kept ($kb bytes): '$MT_OUT'$NL" ;;
esac
expect_range "chunks kept: what the limit leaves" $((kb / MiB)) 14 15
expect_range "memory.current's rise: the chunks kept" $((m3 - m2)) $((kb - MiB / 2)) $((kb + MiB / 2))
verdict "mem_alloc 1 m gfp=account avail=pressure_margin from the group: the limit stops it with ENOMEM after $((kb / MiB)) chunks, the group named" "$MT_OUT"
run_ok mem_free
read -r m4 <"$CG_DIR/memory.current"
check_range "after mem_free, memory.current back again (within 1 MiB)" $((m4 - m0)) -$MiB $MiB \
	"memory.current $m0 -> $m3 -> $m4"

# ----------------------------------------------------------- a test ---
# 1 MiB steps, every 1 to 2 ms for 2 s, TOTAL 32 MiB: it fills the group
# and every step after is an error; it never reaches TOTAL.  Started from
# the group, it charges it to its end.
read -r m0 <"$CG_DIR/memory.current"
in_group start_test T 1 1 32 1 2 2000 m alloc=vmalloc gfp=account,nowarn
check "a ctx=work test with gfp=account starts from the group" [ -n "$T" ]
if [ -n "$T" ]; then
	wait_until 20000 state_is "$T" finished
	tstat al "$T" allocations
	tstat er "$T" errors
	tstat ov "$T" overflows
	tstat ta "$T" total_alloc
	tstat fr "$T" freed
	tstat ch "$T" charged
	_E=
	expect_range "allocations: what the limit leaves" "$al" $(((LIMIT - m0) / MiB - 1)) $(((LIMIT - m0) / MiB))
	expect "errors: the steps past it ($er)" [ "$er" -ge 1 ]
	expect_eq overflows "$ov" 0
	expect_eq "total_alloc - freed" $((ta - fr)) "$ch"
	verdict "test $T: $al allocations of 1 MiB, then $er errors at the limit, never full, its charge exact"
	n=$(dmesg | grep -c "test $T: allocation of 1048576 bytes (vmalloc, .*) failed: memory cgroup /mt67 is at its memory.max ($LIMIT bytes, ")
	check "the test's failures logged with the group as the cause ($n lines, ratelimited)" [ "$n" -ge 1 ]
	read -r m3 <"$CG_DIR/memory.current"
	check_range "ended: memory.current back (within 1 MiB)" $((m3 - m0)) -$MiB $MiB \
		"memory.current $m0 -> $m3"
	run_ok mem_test_destroy "$T"
fi

# ------------------------------------------------------ no OOM kill ---
oom_kills k1
ev max e1
ev oom_kill eo1
check_eq "no OOM kill: /proc/vmstat's oom_kill, the group's memory.events oom_kill" \
	"$((k1 - k0)) $((eo1 - eo0))" "0 0"
check "memory.events' max counted the refusals ($e0 -> $e1)" [ "$e1" -gt "$e0" ]

cg_teardown
mt_exit
