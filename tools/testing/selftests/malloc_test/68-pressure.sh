#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 68-pressure.sh - the machine brought down to a level of MemAvailable on
# purpose (mem_alloc SIZE avail=TARGET), held there while a test runs,
# and given back:
#  - pressure_margin defaults to 1/32 of RAM, 64 MiB at least; a target
#    below it is refused (EINVAL, the margin in the reason), so is
#    gfp=nofail with avail=; a target above MemAvailable keeps nothing;
#  - with max_bytes at its default (half of RAM) the cap stops the
#    command first: ENOSPC with the figures, what it kept within
#    max_bytes, MemAvailable still above the target (the defaults cannot
#    take the machine down);
#  - with max_bytes raised to all of RAM, 32 KiB page chunks until
#    MemAvailable is pressure_margin + 64 MiB: the answer's figures are
#    /proc/meminfo's (the target reached, within one chunk and 16 MiB of
#    the machine's own moves), MemAvailable fell by what the module kept,
#    and it holds there for 2 s;
#  - a test allocating while the pressure holds: its statistics carry
#    the kernel's reclaim and compaction events (vm_*), each at least
#    what /proc/vmstat counted inside the test's run and at most what it
#    counted around it, and no OOM kill;
#  - mem_free: MemAvailable back where it was (within 32 MiB), nothing
#    held, no OOM kill (/proc/vmstat's oom_kill), no warning (check.sh
#    scans the log).
# In the suite's guests memory is the initramfs's and the module's, with
# no page cache a reclaim could take: the target is reached by the free
# pages alone, and the reclaim counters mostly stay at 0 (diag lines give
# them); on a machine with page cache the same command makes the kernel
# reclaim it (Documentation/malloc_test.rst, "A machine near its floor").
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

MiB=1048576
CHUNK=32768

# vm_snap VAR: the events a test reports, as "name=count ..." (allocstall
# summed over its zones), from /proc/vmstat
vm_snap() {
	_vs=$(awk '
		$1 ~ /^allocstall_/ { a += $2 }
		$1 == "pgscan_kswapd" || $1 == "pgscan_direct" ||
		$1 == "pgsteal_kswapd" || $1 == "pgsteal_direct" ||
		$1 == "compact_stall" || $1 == "compact_fail" ||
		$1 == "compact_success" || $1 == "oom_kill" { printf "%s=%s ", $1, $2 }
		END { printf "allocstall=%d", a }' /proc/vmstat)
	eval "$1=\$_vs"
}
# vm_of VAR NAME SNAPSHOT: NAME's count in a vmstat snapshot
vm_of() {
	_vo=
	for _w in $3; do
		case $_w in
		"$2="*) _vo=${_w#*=} ;;
		esac
	done
	eval "$1=\${_vo:-0}"
}
# avail_bytes VAR: MemAvailable, in bytes
avail_bytes() {
	mi _ab MemAvailable
	eval "$1=\$((_ab * 1024))"
}
# ans VAR KEY: KEY in the last answer
ans() {
	skey "$1" "$MT_OUT" "$2"
}

vm_snap V_BEGIN

# ------------------------------------------------ pressure_margin ---
mi total MemTotal
param MARGIN pressure_margin
want=$((total * 1024 / 32))
[ $want -ge $((64 * MiB)) ] || want=$((64 * MiB))
check_eq "pressure_margin's default: 1/32 of MemTotal ($total KiB), 64 MiB at least" "$MARGIN" "$want"

refuse_why "avail=$((MARGIN - 1)) is below pressure_margin ($MARGIN bytes), the MemAvailable the module leaves the machine: root may lower it" \
	EINVAL mem_alloc 1 m avail=$((MARGIN - 1))
refuse_why "avail= with gfp=nofail: a chunk the kernel cannot give must fail, not wait for the OOM killer" \
	EINVAL mem_alloc 4096 avail=1g alloc=kmalloc gfp=kernel,nofail

# a target above MemAvailable: nothing to do
avail_bytes a0
high=$((a0 + 1024 * MiB))
mtw mem_alloc 1 m avail=$high
ans ch chunks
ans tg target
ans av available
used kb kept_bytes
_E=
expect_eq "write status" "$MT_RC" 0
expect_eq "chunks kept_bytes target" "$ch $kb $tg" "0 0 $high"
expect "available ($av) is at most the target" [ "$av" -le "$high" ]
verdict "mem_alloc '1 m avail=MemAvailable + 1 GiB': nothing kept, the answer says MemAvailable" "$(mt_evidence)"

# ------------------------------------------ max_bytes stops it first ---
# the default cap, half of RAM, is met long before MemAvailable falls to
# pressure_margin
used maxb max_bytes
avail_bytes a0
if [ $((a0 - MARGIN)) -lt $((maxb + 64 * MiB)) ]; then
	skip "the default max_bytes stops avail= first" "MemAvailable ($a0) is within max_bytes ($maxb) and 64 MiB of pressure_margin ($MARGIN)"
else
	mtw mem_alloc 32 k avail=$MARGIN alloc=pages
	avail_bytes a1
	used kb kept_bytes
	used cb charged_bytes
	_E=
	expect_eq "write status" "$MT_RC" 1
	case $MT_ERR in
	*"$(errno_text ENOSPC)"*) ;;
	*) _E="${_E}not ENOSPC: $(mt_evidence)$NL" ;;
	esac
	case $MT_OUT in
	"error: max_bytes or max_atomic_bytes reached after "*" chunks ("*" bytes, kept): MemAvailable "*", target $MARGIN") ;;
	*) _E="${_E}reason: '$MT_OUT'$NL" ;;
	esac
	expect_range "kept_bytes: within max_bytes ($maxb), above half of it" "$kb" $((maxb / 2 + 1)) "$maxb"
	expect "charged_bytes ($cb) within max_bytes" [ "$cb" -le "$maxb" ]
	expect "MemAvailable ($a1) still above the target ($MARGIN)" [ "$a1" -gt "$MARGIN" ]
	verdict "at the default max_bytes ($maxb), 'mem_alloc 32 k avail=pressure_margin alloc=pages' stops at the cap (ENOSPC, the figures in the reason), the machine above the target" \
		"MemAvailable $a0 -> $a1 bytes, kept $kb"
	diag "at the cap: $MT_OUT; kept $kb bytes, MemAvailable $a0 -> $a1"
	mtw mem_free
fi

# ------------------------------------------------------ the pressure ---
setparam max_bytes $((total * 1024))
TARGET=$((MARGIN + 64 * MiB))
vm_snap v0
avail_bytes a0
mi f0 MemFree
mtw mem_alloc 32 k avail=$TARGET alloc=pages
rc=$MT_RC
out=$MT_OUT
avail_bytes a1
mi f1 MemFree
ans ch chunks
ans by bytes
ans ab available_before
ans av available
used kb kept_bytes
_E=
expect_eq "write status" "$rc" 0
expect_eq "bytes: chunks of 32 KiB" "$by" $((ch * CHUNK))
expect_eq "kept_bytes: the bytes answered" "$kb" "$by"
expect_range "the answer's MemAvailable: at the target or below, by one chunk and 16 MiB at most" \
	"$av" $((TARGET - CHUNK - 16 * MiB)) "$TARGET"
expect_range "/proc/meminfo's MemAvailable afterwards, about the target (-16 MiB..+16 MiB, bytes)" \
	"$a1" $((TARGET - 16 * MiB)) $((TARGET + 16 * MiB))
expect_range "/proc/meminfo's MemAvailable before, the answer's available_before (within 16 MiB)" \
	$((ab - a0)) $((-16 * MiB)) $((16 * MiB))
# what MemAvailable lost is what the module kept, and the pages' tracking
expect_range "MemAvailable's fall against the bytes kept (-5 %..+10 % and 16 MiB)" \
	$((a0 - a1)) $((by - by / 20 - 16 * MiB)) $((by + by / 10 + 16 * MiB))
verdict "mem_alloc '32 k avail=$TARGET alloc=pages' (pressure_margin + 64 MiB, max_bytes all of RAM): $ch chunks, MemAvailable $a0 -> $a1, /proc/meminfo agrees" \
	"answer: $out" "MemFree $f0 -> $f1 KiB"

# it holds
sleep 2
avail_bytes a2
check_range "2 s later MemAvailable still holds at the target (-32 MiB..+16 MiB, bytes)" \
	"$a2" $((TARGET - 32 * MiB)) $((TARGET + 16 * MiB))

# ---------------------------------------- a test under the pressure ---
# 4 KiB..64 KiB pages, 16 MiB at most, every 1-2 ms for 3 s: the module's reading of the
# events at its start and end lies between the shell's readings around
# it and inside it
vm_snap o0
start_test T 4 64 16384 1 2 3000 k alloc=pages
vm_snap i0
sleep 2
vm_snap i1
tstat st "$T" state
[ "$st" = running ] || diag "test $T was $st at the inner reading: only the outer bounds hold"
wait_until 30000 state_is "$T" finished
vm_snap o1
slurp TS "$D/tests/$T/stats"
_E=
expect_eq "test $T state" "$(skey_raw _x "$TS" state; echo "$_x")" finished
for n in allocstall pgscan_kswapd pgscan_direct pgsteal_kswapd pgsteal_direct compact_stall compact_fail compact_success oom_kill; do
	vm_of lo0 $n "$i0"
	vm_of lo1 $n "$i1"
	vm_of hi0 $n "$o0"
	vm_of hi1 $n "$o1"
	skey_raw got "$TS" "vm_$n"
	if ! grep -q "^$n " /proc/vmstat && [ $n != allocstall ]; then
		expect_eq "vm_$n (not counted by this kernel)" "$got" ""
		continue
	fi
	isnum "$got" || { _E="${_E}vm_$n '$got'$NL"; continue; }
	hi=$((hi1 - hi0))
	lo=0
	[ "$st" != running ] || lo=$((lo1 - lo0))
	expect_range "vm_$n" "$got" "$lo" "$hi"
done
skey_raw ok "$TS" vm_oom_kill
expect_eq "vm_oom_kill" "$ok" 0
skey al "$TS" allocations
skey er "$TS" errors
expect "allocations ($al) under the pressure" [ "$al" -gt 0 ]
verdict "test $T while MemAvailable holds at $TARGET: each vm_* of its statistics within /proc/vmstat's counts inside and around it, no OOM kill" \
	"$(printf '%s\n' "$TS" | grep '^vm_\|^errors\|^alloc')" "inside: $i0 / $i1" "around: $o0 / $o1"
diag "test $T under pressure: $al allocations, $er errors, alloc p50 $(skey_raw _x "$TS" alloc_p50_ns; echo "$_x") ns; $(printf '%s' "$TS" | grep '^vm_' | tr '\n' ' ')"
mtw mem_test_destroy "$T"

# ---------------------------------------------------- given back ---
mtw mem_free
avail_bytes a3
used kb kept_bytes
vm_snap V_END
vm_of k0 oom_kill "$V_BEGIN"
vm_of k1 oom_kill "$V_END"
_E=
expect_eq "kept_bytes" "$kb" 0
expect_range "MemAvailable back after mem_free (within 32 MiB of $a0, bytes)" $((a3 - a0)) $((-32 * MiB)) $((32 * MiB))
expect_eq "/proc/vmstat oom_kill (the whole case)" "$k1" "$k0"
verdict "mem_free: MemAvailable $a1 -> $a3 (was $a0), nothing kept, no OOM kill"
diag "the whole case, /proc/vmstat: $V_BEGIN -> $V_END"
mt_exit
