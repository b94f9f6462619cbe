#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 64-footprint.sh - max_bytes caps what the kernel really spends: for each
# allocator, at small and large sizes, a command past the cap is refused
# with nothing allocated; kept memory fills up to the cap and no further;
# the kernel's own counters (Slab, VmallocUsed, Percpu, free memory) move
# by no more than the cap plus the documented slack (free memory, the
# whole machine's, measured again up to three times when it moved past
# its own margin).  Then a test at the cap, max_atomic_bytes, and a
# mem_rnd_alloc killed midway.  (63-bench.sh has the bench at the cap.)
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

FP_CAP=4194304
# What the kernel may show beyond the cap (Documentation: "What max_bytes
# counts"): partly filled slabs, per-CPU pages populated a page per CPU
# at a time, vmalloc page tables, and the rest of the kernel meanwhile.
FP_SLACK=2097152
# ... and a new per-CPU chunk's metadata, megabytes on kernels that account
# per-CPU memory to memory cgroups (2.2 MiB in a 2-CPU 6.12 guest)
FP_SLACK_PERCPU=$((FP_SLACK + 4194304))
# Free memory (MemFree with the per-CPU free lists) also moves with the
# rest of the kernel meanwhile, megabytes at times: its own margin.
FP_FREE_SLACK=8388608
FP_FREE_LO=$((-FP_FREE_SLACK))
FP_FREE_HI=$((FP_CAP + FP_FREE_SLACK))
nr_possible NCPU
mi memtotal MemTotal
param MA0 max_atomic_bytes

# fp_kernel PREFIX: MemFree, Slab, VmallocUsed and Percpu in bytes, as
# PREFIX_<field>; PREFIX_Free: MemFree and the pages on the per-CPU free
# lists (/proc/zoneinfo's pagesets), which MemFree does not count and
# which hold megabytes that come and go with any allocation
fp_kernel() {
	for _fk in MemFree Slab VmallocUsed Percpu; do
		mi _x $_fk
		eval "$1_$_fk=\$((\${_x:-0} * 1024))"
	done
	_x=$(awk '$1 == "count:" { n += $2 } END { print n + 0 }' /proc/zoneinfo)
	eval "$1_Free=\$(($1_MemFree + \${_x:-0} * 4096))"
	cat /proc/meminfo >"$MT_TMP/fp-$1"
}

# fp_moved VAR A B: the /proc/meminfo fields that moved by 1 MiB or more
# from snapshot A to B, as "Field +N kB" (what else the kernel did)
fp_moved() {
	eval "$1=\$(awk '
		NR == FNR { a[\$1] = \$2; next }
		(\$1 in a) && (\$2 - a[\$1] >= 1024 || a[\$1] - \$2 >= 1024) {
			printf \"%s%s %+d kB\", sep, \$1, \$2 - a[\$1]; sep = \", \"
		}' \"\$MT_TMP/fp-$2\" \"\$MT_TMP/fp-$3\")"
}

# fp_rise VAR A B: what the kernel's slab, vmalloc and per-CPU memory rose
# by from snapshot A to B (Slab left out under KASAN, whose redzones and
# quarantine it counts)
fp_rise() {
	eval "_fr=\$((${3}_VmallocUsed - ${2}_VmallocUsed + ${3}_Percpu - ${2}_Percpu))"
	[ -n "$MT_KASAN" ] || eval "_fr=\$((_fr + ${3}_Slab - ${2}_Slab))"
	eval "$1=\$_fr"
}

# fp_fill KIND SIZE: keeps SIZE-byte chunks of KIND until max_bytes
# refuses: mem_rnd_alloc in halving rounds, then mem_alloc one by one.
# FP_N := commands accepted, FP_LAST := the last refusal's errno text
fp_fill() {
	_ft=$((FP_CAP / 8))
	FP_N=0
	_fi=0
	while [ "$_ft" -ge "$2" ] && [ $_fi -lt 300 ]; do
		if mtw mem_rnd_alloc "$2" "$2" "$_ft" alloc="$1"; then
			FP_N=$((FP_N + 1))
		else
			case $MT_ERR in
			*"$E_ENOSPC"*) _ft=$((_ft / 2)) ;;
			*) break ;;
			esac
		fi
		_fi=$((_fi + 1))
	done
	# (mem_rnd_alloc reserves its worst case: near the cap, single
	# chunks still fit; with alloc=cache, up to the charge of the caches
	# it reserves, 1000 and more)
	_fi=0
	while [ $_fi -lt 3000 ] && mtw mem_alloc "$2" alloc="$1"; do
		FP_N=$((FP_N + 1))
		_fi=$((_fi + 1))
	done
	FP_LAST=$MT_ERR
}

# fp_case KIND SIZE: the whole check for one allocator and size
fp_case() {
	mtw mem_free
	used _c0 charged_bytes
	setparam max_bytes $((_c0 + FP_CAP))
	fp_kernel K0
	state _s0
	refuse ENOSPC mem_rnd_alloc "$2" "$2" $((FP_CAP * 4)) alloc="$1"
	fp_kernel K1
	fp_rise _r K0 K1
	check_range "alloc=$1, $2 bytes: the refused command allocated nothing (the kernel's counters moved by $_r bytes)" \
		"$_r" -262144 262144
	# Free memory moves with the rest of the kernel too: a run in which
	# it moved past its margin (once, 27 MB more free memory on 6.1
	# while 3 MB were kept) is measured again, up to three times, and
	# the verdict says what else moved
	_ftry=1
	_fre=
	while :; do
		fp_fill "$1" "$2"
		used _c1 charged_bytes
		used _kb kept_bytes
		used _kc kept_charged
		fp_kernel K2
		fp_rise _r K0 K2
		_drop=$((K0_Free - K2_Free))
		[ -z "$MT_KASAN" ] && [ $_ftry -lt 3 ] &&
			{ [ $_drop -lt $FP_FREE_LO ] || [ $_drop -gt $FP_FREE_HI ]; } ||
			break
		fp_moved _fm K0 K2
		_fre="$_fre; try $_ftry: free memory's drop $_drop bytes (meminfo: $_fm)"
		_ftry=$((_ftry + 1))
		mtw mem_free
		fp_kernel K0
	done
	_sl=$FP_SLACK
	[ "$1" = percpu ] && _sl=$FP_SLACK_PERCPU
	_E=
	expect "no command accepted" [ "$FP_N" -gt 0 ]
	case $FP_LAST in
	*"$E_ENOSPC"*) ;;
	*) _E="${_E}the last command was refused with '$FP_LAST', not ENOSPC$NL" ;;
	esac
	expect_range "charged_bytes" "$_c1" $((_c0 + FP_CAP / 2)) $((_c0 + FP_CAP))
	expect_range "kept_charged" "$_kc" "$_kb" $((FP_CAP))
	expect_range "slab + vmalloc + per-CPU rise" "$_r" -262144 $((FP_CAP + _sl))
	[ -n "$MT_KASAN" ] ||
		expect_range "free memory's drop" "$_drop" $FP_FREE_LO $FP_FREE_HI
	fp_moved _fm K0 K2
	verdict "alloc=$1, $2 bytes: kept up to max_bytes and no further ($FP_N commands, then ENOSPC): $_kb bytes kept, charged $_kc; the kernel shows $_r bytes more slab, vmalloc and per-CPU memory and $_drop bytes less free memory, within the cap ($FP_CAP) + $_sl (free memory: + $FP_FREE_SLACK)${_fre:+; measured $_ftry times$_fre}" \
		"K0: free $K0_Free (MemFree $K0_MemFree) slab $K0_Slab vmalloc $K0_VmallocUsed percpu $K0_Percpu" \
		"K2: free $K2_Free (MemFree $K2_MemFree) slab $K2_Slab vmalloc $K2_VmallocUsed percpu $K2_Percpu" \
		"meminfo fields that moved by 1 MiB or more: $_fm"
	mtw mem_free
	setparam max_bytes "$DEF_MAX_BYTES"
}

fp_case kmalloc 100
fp_case kmalloc 5000
fp_case kmalloc 40000
fp_case vmalloc 1
fp_case vmalloc 20000
fp_case kvmalloc 100000
fp_case pages 5000
fp_case cache 100
fp_case cache 3000
fp_case percpu 64
fp_case percpu 4000

# --------------------------------------------- a test at the cap ---
# Its TOTAL is the cap, but its pieces' footprint and its own memory (the
# test, its per-CPU histograms) are charged: it holds what max_bytes
# leaves, and counts the rest as errors.
used c0 charged_bytes
setparam max_bytes $((c0 + FP_CAP))
# Under KASAN only VmallocUsed and Percpu are compared, and the kvmalloc
# test's pieces are all kmalloc's: the rise is then the machine's own
# noise around 0 (a steady 6 pages less on the debug lane), hence the
# same lower bound as fp_case's
fp_kernel K0
start_test T 1 64 4096 1 2 60000 k alloc=kvmalloc
wait_until 30000 eval 'tstat _e "$T" errors; [ "${_e:-0}" -gt 10 ] 2>/dev/null'
slurp s "$D/tests/$T/stats"
used c1 charged_bytes
fp_kernel K1
fp_rise r K0 K1
skey er "$s" errors
skey ob "$s" overhead_bytes
expect_range "errors" "$er" 10 100000000
expect_range "charged_bytes" "$c1" $((c0 + FP_CAP / 2)) $((c0 + FP_CAP))
expect_range "overhead_bytes" "$ob" $((5120 * NCPU)) $((5120 * NCPU + 65536))
expect_range "slab + vmalloc + per-CPU rise" "$r" -262144 $((FP_CAP + FP_SLACK))
verdict "a test at the cap: it holds what max_bytes leaves, its own memory charged ($ob bytes), the rest errors; the kernel shows $r bytes more" "$s" \
	"K0: slab $K0_Slab vmalloc $K0_VmallocUsed percpu $K0_Percpu; K1: slab $K1_Slab vmalloc $K1_VmallocUsed percpu $K1_Percpu"
mtw mem_test_destroy "$T"
# a test whose own memory passes the cap is refused
used c0 charged_bytes
setparam max_bytes $((c0 + 1024))
refuse ENOSPC mem_test_start 1 2 100 1 2 1000
case $MT_OUT in
"error: a test's own memory ("*" bytes) would pass max_bytes"*) pass "the refusal says the test's own memory would pass max_bytes" ;;
*) fail "the refusal says the test's own memory would pass max_bytes" "$MT_OUT" ;;
esac
setparam max_bytes "$DEF_MAX_BYTES"

# ------------------------------------------------ max_atomic_bytes ---
# gfp=atomic and nofail chunks count against it too: 16 KiB kmalloc
# chunks (an order-2 page each) fill 256 KiB exactly, then ENOSPC.
setparam max_atomic_bytes 262144
check_eq "max_atomic_bytes = 262144 is taken" "$MT_RC" 0 "$MT_ERR"
n=0
while [ $n -lt 40 ] && mtw mem_alloc 16 k alloc=kmalloc gfp=atomic,nowarn; do
	n=$((n + 1))
done
used ab atomic_bytes
_E=
expect_eq "chunks accepted" "$n" 16
expect_eq "atomic_bytes" "$ab" 262144
case $MT_OUT in
*max_atomic_bytes*) ;;
*) _E="${_E}the refusal does not name max_atomic_bytes: '$MT_OUT'$NL" ;;
esac
case $MT_ERR in
*"$E_ENOSPC"*) ;;
*) _E="${_E}the 17th was refused with '$MT_ERR', not ENOSPC$NL" ;;
esac
verdict "max_atomic_bytes 256 KiB: 16 gfp=atomic chunks of 16 KiB fill it exactly, the 17th is refused with ENOSPC, saying why"
refuse ENOSPC mem_alloc 8 k alloc=pages gfp=kernel,nofail
mtw mem_alloc 16 k alloc=kmalloc gfp=nowait,nowarn
check_eq "gfp=nowait does not count against max_atomic_bytes: accepted" "$MT_RC" 0 "$(mt_evidence)"
mtw mem_free
used ab atomic_bytes
check_eq "after mem_free, atomic_bytes is 0" "$ab" 0
setparam max_atomic_bytes "$MA0"

# ---------------------------------- a mem_rnd_alloc killed midway ---
# It stops at the next piece; what it allocated stays kept, and mem_used
# says so.
used kb0 kept_bytes
used k0 killed_rnd_allocs
used kk0 killed_rnd_bytes
kmark
(echo "1 1 4000000 alloc=kmalloc" >"$D/mem_rnd_alloc") 2>/dev/null &
KP=$!
sleep 1
kill -9 "$KP" 2>/dev/null
wait "$KP" 2>/dev/null
used kb1 kept_bytes
used k1 killed_rnd_allocs
used kk1 killed_rnd_bytes
used rb reserved_bytes
_E=
expect_eq "killed_rnd_allocs' move" $((k1 - k0)) 1
expect_range "kept_bytes' move" $((kb1 - kb0)) 1 3999999
expect_eq "killed_rnd_bytes' move" $((kk1 - kk0)) $((kb1 - kb0))
expect_eq "reserved_bytes" "$rb" 0
expect "no 'mem_rnd_alloc: killed after ...: they stay kept' line in the log" \
	klog_has "malloc_test: mem_rnd_alloc: killed after [0-9]+ chunks of [0-9]+ bytes in all: they stay kept"
verdict "a mem_rnd_alloc killed after 1 s keeps what it got ($((kb1 - kb0)) bytes): mem_used's killed_rnd_allocs and killed_rnd_bytes say so, the log too, nothing stays reserved"
mtw mem_free
mt_exit
