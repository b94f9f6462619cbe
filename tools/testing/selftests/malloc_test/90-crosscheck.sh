#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 90-crosscheck.sh - the module's figures against the kernel's own:
# VmallocUsed, Slab and MemFree in /proc/meminfo move by what mem_used says
# was allocated, and back when it is freed; the bookkeeping's cost per
# chunk; single commands stay cheap with many chunks kept: a million
# (MT_SCALE_BYTES / 8; make check's debug lane keeps 150,000 while a stock
# lane of the run keeps the million: KASAN then watches them through three
# of the pool's mid-level pages in a sixth of the time: check.sh's lane_env).
# Sets up (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

MiB=1048576

# ---------------------------------------------------------- VmallocUsed ---
mi vm0 VmallocUsed
used b0 bytes
mtw mem_alloc 64 m alloc=vmalloc
mi vm1 VmallocUsed
used b1 bytes
check_eq "mem_alloc '64 m alloc=vmalloc': mem_used bytes +67108864" $((b1 - b0)) 67108864 "$(mt_evidence)"
check_range "VmallocUsed rises by 64 MiB (-256 KiB..+4 MiB)" $(((vm1 - vm0) * 1024)) $((64 * MiB - 262144)) $((68 * MiB))
mtw mem_free
mi vm2 VmallocUsed
check_eq "mem_free gives back 67108864" "$MT_OUT" 67108864 "$(mt_evidence)"
check_range "VmallocUsed falls back (within 4 MiB, in KiB)" $((vm2 - vm0)) -4096 4096

# 1024 vmalloc'ed 1 KiB pieces take at least one page each.
mi vm0 VmallocUsed
mtw mem_rnd_alloc 1 1 1024 k alloc=vmalloc
mi vm1 VmallocUsed
skey ch "$MT_OUT" chunks
check_eq "mem_rnd_alloc '1 1 1024 k alloc=vmalloc' makes 1024 chunks" "$ch" 1024 "$(mt_evidence)"
check_range "VmallocUsed rises by at least a page per piece (4 MiB - 256 KiB..12 MiB)" \
	$(((vm1 - vm0) * 1024)) $((4 * MiB - 262144)) $((12 * MiB))
mtw mem_free
mi vm2 VmallocUsed
check_range "VmallocUsed falls back after mem_free (within 4 MiB, in KiB)" $((vm2 - vm0)) -4096 4096

# ----------------------------------------------------------------- Slab ---
# 8192 kmalloc'ed pieces of 1 KiB: 8 MiB in the kmalloc-1k cache.
mi sl0 Slab
mi vm0 VmallocUsed
used tr0 tracking_bytes
mtw mem_rnd_alloc 1 1 8192 k alloc=kmalloc
mi sl1 Slab
mi vm1 VmallocUsed
used tr1 tracking_bytes
used kc kept_chunks
used kb kept_bytes
skey ch "$MT_OUT" chunks
check_eq "mem_rnd_alloc '1 1 8192 k alloc=kmalloc': 8192 chunks, 8388608 bytes" "$ch $kc $kb" "8192 8192 8388608" "$(mt_evidence)"
if [ -z "$MT_KASAN" ]; then
	check_range "Slab rises by about those 8 MiB (0.9x..1.5x, in KiB)" $((sl1 - sl0)) $((8192 * 9 / 10)) $((8192 * 3 / 2))
else
	check_range "Slab rises by those 8 MiB and KASAN's redzones (0.9x..4x, in KiB)" $((sl1 - sl0)) $((8192 * 9 / 10)) $((8192 * 4))
fi
check_range "VmallocUsed does not move for kmalloc (within 2 MiB, in KiB)" $((vm1 - vm0)) -2048 2048
check_range "tracking_bytes grows with the chunks, at most 32 bytes each (+16 KiB)" \
	$((tr1 - tr0)) 1 $((8192 * 32 + 16384))
mtw mem_free
mi sl2 Slab
used tr2 tracking_bytes
check_eq "mem_free gives back 8388608" "$MT_OUT" 8388608 "$(mt_evidence)"
if [ -z "$MT_KASAN" ]; then
	check_range "Slab falls back after mem_free (within 2 MiB, in KiB)" $((sl2 - sl0)) -2048 2048
else
	skip "Slab falls back after mem_free" "$MT_KASAN_WHY"
fi
check_range "tracking_bytes falls back after mem_free" "$tr2" 0 $((tr1 - 1))

# ------------------------------------------------------------- MemFree ---
# (MemFree moves by itself by tens of MiB: freed pages wait on the per-cpu
# lists, which do not count as free; only a leak keeps it low.)
mi mf0 MemFree
mtw mem_alloc 256 m
mi mf1 MemFree
check_eq "mem_alloc '256 m' (kvmalloc) is accepted" "$MT_RC" 0 "$(mt_evidence)"
check_range "MemFree falls by 256 MiB (192..320 MiB, in KiB)" $((mf0 - mf1)) $((192 * 1024)) $((320 * 1024))
mtw mem_free
mi mf2 MemFree
if [ -z "$MT_KASAN" ]; then
	check_range "MemFree comes back after mem_free (no more than 64 MiB below, in KiB)" $((mf2 - mf0)) -65536 4194304
else
	skip "MemFree comes back after mem_free" "$MT_KASAN_WHY"
fi

# --------------------------------------------------------------- scale ---
# A million kept chunks (MT_SCALE_BYTES / 8) must not make a command
# slow: nothing but freeing them all walks them.  100 rounds of (mem_alloc
# 8, mem_realloc 16, mem_free 8) with a million 8-byte chunks kept against
# the same with 100.
# time_ops VAR: ms for the 100 rounds
time_ops() {
	nowv _t0
	_i=0
	while [ $_i -lt 100 ]; do
		mtw mem_alloc 8
		mtw mem_realloc 16
		mtw mem_free 8
		_i=$((_i + 1))
	done
	nowv _t1
	eval "$1=$((_t1 - _t0))"
}
run_ok mem_rnd_alloc 8 8 800 alloc=kmalloc
time_ops base
mtw mem_free
nowv t0
mtw mem_rnd_alloc 8 8 ${MT_SCALE_BYTES:-8000000} alloc=kmalloc
nowv t1
skey many "$MT_OUT" chunks
diag "mem_rnd_alloc of $many chunks took $((t1 - t0)) ms"
check_eq "mem_rnd_alloc '8 8 ${MT_SCALE_BYTES:-8000000} alloc=kmalloc' makes $((${MT_SCALE_BYTES:-8000000} / 8)) chunks" \
	"$many" $((${MT_SCALE_BYTES:-8000000} / 8)) "$(mt_evidence)"
time_ops big
diag "300 commands: $base ms with 100 chunks kept, $big ms with $many"
isnum "$many" && [ "$many" -gt 0 ] || big="(no chunks: $big)"
check_range "with $many chunks kept, single commands stay cheap (300 of them: $big ms, $base ms with 100 chunks)" \
	"$big" 0 $((5 * base + 500))
used kc kept_chunks
nowv t0
mtw mem_free
nowv t1
used kc2 kept_chunks
check_eq "mem_free frees all $kc chunks (took $((t1 - t0)) ms)" "$kc2" 0 "$(mt_evidence)"
mt_exit
