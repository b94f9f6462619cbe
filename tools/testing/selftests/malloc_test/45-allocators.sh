#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 45-allocators.sh - the six allocators (kmalloc, vmalloc, kvmalloc, pages,
# cache, percpu) through mem_alloc and mem_rnd_alloc, with gfp= and node=:
# mem_used's per-allocator figures (whole pages for pages, SIZE x possible
# CPUs for percpu), the dedicated caches (the caches file, /proc/slabinfo,
# exact object counts after a shrink, their destruction with their last
# chunk), the kernel's own counters (VmallocUsed, Slab, Percpu, MemFree, a
# memory cgroup's memory.current with gfp=account), mem_realloc and
# check_content with each allocator, the alloc parameter, and every refusal
# of the new options with its errno and reason.
# Needs: memory cgroups for gfp=account (else those checks skip).  Sets up
# (mt_setup): malloc_test loaded, nothing kept, no test, no bench,
# parameters at their defaults.  Leaves (mt_exit): the same, the shell in the
# root memory cgroup, cgroup2 unmounted if it was mounted here.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup

MiB=1048576
AL_KINDS="kmalloc vmalloc kvmalloc pages cache percpu"
# and the nolock ones, which mem_used lists on every kernel (56-nolock.sh
# tests them where the kernel has them)
AL_ALL="$AL_KINDS kmalloc_nolock pages_nolock mempool"
nr_possible NCPU
# nr_node_ids: one past the last possible node (1 without NUMA)
NNODES=1
if [ -r /sys/devices/system/node/possible ]; then
	read -r _np </sys/devices/system/node/possible
	NNODES=$((${_np##*[-,]} + 1))
fi
diag "possible CPUs: $NCPU, nr_node_ids: $NNODES"

# al_snap PREFIX: mem_used's figures as PREFIX_<key>
al_snap() {
	slurp _au "$D/mem_used"
	for _k in chunks bytes kept_chunks kept_bytes caches kept_charged; do
		skey _x "$_au" $_k
		eval "$1_$_k=\$_x"
	done
	for _a in $AL_ALL; do
		for _k in chunks bytes charged; do
			skey _x "$_au" ${_a}_$_k
			eval "$1_${_a}_$_k=\$_x"
		done
	done
}

# al_moved KIND CHUNKS BYTES: (expect) from snapshot B to snapshot A,
# chunks and kept_chunks moved by CHUNKS, bytes and kept_bytes by BYTES,
# KIND's lines by the same and every other allocator's not at all
al_moved() {
	for _k in chunks kept_chunks; do
		eval "expect_eq \"$_k moved\" \$((A_$_k - B_$_k)) $2"
	done
	for _k in bytes kept_bytes; do
		eval "expect_eq \"$_k moved\" \$((A_$_k - B_$_k)) $3"
	done
	for _a in $AL_ALL; do
		_wc=0 _wb=0
		[ "$_a" = "$1" ] && _wc=$2 _wb=$3
		eval "expect_eq \"${_a}_chunks moved\" \$((A_${_a}_chunks - B_${_a}_chunks)) $_wc"
		eval "expect_eq \"${_a}_bytes moved\" \$((A_${_a}_bytes - B_${_a}_bytes)) $_wb"
		[ "$_a" = "$1" ] || eval "expect_eq \"${_a}_charged moved\" \$((A_${_a}_charged - B_${_a}_charged)) 0"
	done
	# the footprint: never below the bytes, and at most their size class
	# twice over (vmalloc: plus its page, array, descriptors, PTEs)
	eval "_wf=\$((A_${1}_charged - B_${1}_charged))"
	expect_eq "kept_charged moved as ${1}_charged" $((A_kept_charged - B_kept_charged)) "$_wf"
	[ "$2" = 0 ] || expect_range "${1}_charged moved" "$_wf" "$3" $((2 * $3 + 2 * $2 * 4096 + 4096))
}

# al_case KIND WORDS BYTES: mem_alloc WORDS keeps one more KIND chunk,
# counted as BYTES, and moves nothing else
al_case() {
	al_snap B
	mtw mem_alloc $2
	_arc=$MT_RC _aout=$MT_OUT _aerr=$MT_ERR
	al_snap A
	expect "command refused: status $_arc ($_aerr), read back '$_aout'" [ "$_arc" = 0 ]
	expect_eq result "$_aout" ""
	al_moved "$1" 1 "$3"
	verdict "mem_alloc '$2' keeps one $1 chunk counted as $3 bytes; no other allocator's figures move"
}

# al_sums DESC: the *_bytes sum to bytes, the *_chunks to chunks
al_sums() {
	al_snap A
	_sb=0 _sc=0
	for _a in $AL_ALL; do
		eval "_sb=\$((_sb + A_${_a}_bytes)) _sc=\$((_sc + A_${_a}_chunks))"
	done
	expect_eq "sum of the *_bytes" $_sb "$A_bytes"
	expect_eq "sum of the *_chunks" $_sc "$A_chunks"
	expect "bytes is a number above 0 ($A_bytes)" eval '[ "${A_bytes:-0}" -gt 0 ] 2>/dev/null'
	verdict "$1: the eight *_bytes sum to bytes ($A_bytes), the eight *_chunks to chunks ($A_chunks)"
}

# al_free_all: mem_free of everything; one check that it answers what was
# kept and that every figure is 0 after it
al_free_all() {
	used _kb kept_bytes
	mtw mem_free
	_arc=$MT_RC _aout=$MT_OUT
	al_snap A
	expect_eq "mem_free's answer" "$_aout" "$_kb"
	for _k in chunks bytes kept_chunks kept_bytes caches; do
		eval "expect_eq $_k \"\$A_$_k\" 0"
	done
	for _a in $AL_ALL; do
		eval "expect_eq ${_a}_chunks \"\$A_${_a}_chunks\" 0"
		eval "expect_eq ${_a}_bytes \"\$A_${_a}_bytes\" 0"
	done
	verdict "mem_free frees everything ($_kb bytes as counted): every figure of mem_used is 0, caches 0"
}

# ------------------------------------------------------ the interface ---
check_eq "caches is a regular file with mode 400" \
	"$([ -f "$D/caches" ] && echo file)$(stat -c %a "$D/caches" 2>&1)" file400
slurp cf "$D/caches"
check_eq "caches holds only its header while no dedicated cache is alive" "$cf" "# name objects object_size"

slurp u "$D/mem_used"
keys=
rest=$u
while [ -n "$rest" ]; do
	l=${rest%%"$NL"*}
	case $rest in *"$NL"*) rest=${rest#*"$NL"} ;; *) rest= ;; esac
	keys="$keys${keys:+ }${l%%: *}"
	isnum "${l#*: }" || keys="$keys(not a number: '${l#*: }')"
done
want="chunks bytes kept_chunks kept_bytes test_chunks test_bytes corruptions max_bytes tracking_bytes"
for a in $AL_ALL; do
	want="$want ${a}_chunks ${a}_bytes"
done
want="$want caches bench_bytes charged_bytes kept_charged test_charged overhead_bytes reserved_bytes max_atomic_bytes atomic_bytes"
for a in $AL_ALL; do
	want="$want ${a}_charged"
done
check_eq "mem_used: the old keys, then <alloc>_chunks and <alloc>_bytes for $AL_ALL, caches and bench_bytes, the charges, <alloc>_charged, tests, killed_rnd_allocs, killed_rnd_bytes and rcu_pending_bytes; all numbers" \
	"$keys" "$want tests killed_rnd_allocs killed_rnd_bytes rcu_pending_bytes" "$u"
al_snap A
bad=
for a in $AL_ALL; do
	eval "[ \"\$A_${a}_chunks \$A_${a}_bytes\" = '0 0' ]" || bad="$bad $a"
done
[ "$A_caches" = 0 ] || bad="$bad caches=$A_caches"
check_eq "mem_used: every allocator's chunks and bytes are 0, caches 0, with nothing kept" "$bad" ""

usage_of l mem_alloc
check_eq "mem_alloc's usage line names alloc=, gfp=, node= and avail=" "$l" \
	"usage: mem_alloc SIZE [UNIT] [alloc=A] [gfp=F,...] [node=N] [avail=S[UNIT]]"
usage_of l mem_rnd_alloc
check_eq "mem_rnd_alloc's usage line names alloc=, gfp= and node=" "$l" \
	"usage: mem_rnd_alloc MIN MAX TOTAL [UNIT] [alloc=A] [gfp=F,...] [node=N]"

# ------------------------------------------- mem_alloc, each allocator ---
al_case kmalloc "100 alloc=kmalloc" 100
al_case kmalloc "5 k alloc=kmalloc" 5120
al_case vmalloc "5000 alloc=vmalloc" 5000
al_case vmalloc "1 m alloc=vmalloc" $MiB
al_case kvmalloc "7000 alloc=kvmalloc" 7000
al_case kvmalloc "3 m alloc=kvmalloc" $((3 * MiB))
# pages: whole pages, 2^order of them
al_case pages "100 alloc=pages" 4096
al_case pages "3 k alloc=pages" 4096
al_case pages "4096 alloc=pages" 4096
al_case pages "4097 alloc=pages" 8192
al_case pages "5000 alloc=pages" 8192
al_case pages "12289 alloc=pages" 16384
al_case pages "1 m alloc=pages" $MiB
al_case pages "4 m alloc=pages" $((4 * MiB))
al_case cache "100 alloc=cache" 100
al_case cache "1 alloc=cache" 1
al_case cache "8 alloc=cache" 8
al_case cache "3000 alloc=cache" 3000
al_case cache "1 m alloc=cache" $MiB
# percpu: SIZE on each possible CPU
al_case percpu "100 alloc=percpu" $((100 * NCPU))
al_case percpu "1 alloc=percpu" "$NCPU"
al_case percpu "5000 alloc=percpu" $((5000 * NCPU))
al_case percpu "32 k alloc=percpu" $((32768 * NCPU))

# The kept caches now: 8 (the 1 and the 8), 128, 4096, 1 MiB, in class order.
caches_norm() {
	slurp _cf "$D/caches"
	_cn=
	_cr=$_cf
	while [ -n "$_cr" ]; do
		_l=${_cr%%"$NL"*}
		case $_cr in *"$NL"*) _cr=${_cr#*"$NL"} ;; *) _cr= ;; esac
		# (the columns, one space apart)
		_cn="$_cn${_cn:+ | }$(echo $_l)"
	done
	eval "$1=\$_cn"
}
caches_norm cf
check_eq "caches lists the kept caches, classes ascending, objects and object_size: 8 (2), 128, 4096, 1048576" \
	"$cf" "# name objects object_size | malloc_test_kept_8 2 8 | malloc_test_kept_128 1 128 | malloc_test_kept_4096 1 4096 | malloc_test_kept_1048576 1 1048576"
used v caches
check_eq "mem_used caches: 4" "$v" 4
al_sums "after mem_alloc with each allocator"

# gfp= with each allocator (in process context the base defaults to
# kernel); each must be accepted and counted like any chunk.  nowarn is
# given where a failure would be plausible: a failure without it prints
# the kernel's allocation-failure report, as asked.
for ks in kmalloc:100:100 vmalloc:5000:5000 kvmalloc:7000:7000 pages:5000:8192 \
	cache:100:100 percpu:100:$((100 * NCPU)); do
	k=${ks%%:*}
	s=${ks#*:}
	b=${s#*:}
	s=${s%:*}
	for g in atomic,nowarn nowait,nowarn kernel kernel,zero,nowarn noretry,nowarn \
		kernel,retry_mayfail,nowarn nowarn,account zero; do
		# the per-CPU allocator keeps no retry_mayfail: refused below
		[ "$k:$g" = percpu:kernel,retry_mayfail,nowarn ] && g=kernel,noretry,nowarn
		al_case "$k" "$s alloc=$k gfp=$g" "$b"
	done
done
# nofail: kmalloc, cache and pages, up to 8192 bytes (order 1)
al_case kmalloc "8192 alloc=kmalloc gfp=kernel,nofail" 8192
al_case cache "8192 alloc=cache gfp=nofail" 8192
al_case pages "8192 alloc=pages gfp=kernel,nofail,zero" 8192
al_case pages "100 alloc=pages gfp=nofail" 4096

# node=0 (every guest has it, with memory); vmalloc takes it with
# gfp=kernel or kernel,zero only, given: vmalloc_node() takes no flags
al_case kmalloc "100 alloc=kmalloc node=0" 100
al_case kmalloc "100 alloc=kmalloc node=0 gfp=atomic,nowarn" 100
al_case kvmalloc "7000 alloc=kvmalloc node=0" 7000
al_case kvmalloc "2 m alloc=kvmalloc node=0 gfp=kernel,nowarn" $((2 * MiB))
al_case pages "5000 alloc=pages node=0" 8192
al_case pages "1 m alloc=pages node=0 gfp=kernel,zero,nowarn" $MiB
al_case cache "100 alloc=cache node=0" 100
al_case cache "3000 alloc=cache node=0 gfp=nowait,nowarn" 3000
al_case vmalloc "5000 alloc=vmalloc node=0 gfp=kernel" 5000
al_case vmalloc "1 m alloc=vmalloc node=0 gfp=kernel,zero" $MiB
al_sums "after the gfp= and node= variants"
al_free_all
slurp cf "$D/caches"
check_eq "caches is back to its header: every kept cache destroyed with its last chunk" "$cf" "# name objects object_size"
slab_names sl malloc_test_
slab_check "/proc/slabinfo has no malloc_test_ cache left" "$sl" ""

# ---------------------------------------- mem_rnd_alloc, each allocator ---
# al_rnd KIND "WORDS" BYTES CHLO CHHI: mem_rnd_alloc WORDS answers bytes
# BYTES, errors 0, reallocs 0, CHLO..CHHI chunks; mem_used moves by
# exactly that, in KIND's lines only
al_rnd() {
	al_snap B
	mtw mem_rnd_alloc $2
	_arc=$MT_RC _aout=$MT_OUT _aerr=$MT_ERR
	al_snap A
	skey _ch "$_aout" chunks
	skey _er "$_aout" errors
	skey _re "$_aout" reallocs
	skey _by "$_aout" bytes
	expect "command refused: status $_arc ($_aerr)" [ "$_arc" = 0 ]
	expect_eq errors "$_er" 0
	expect_eq reallocs "$_re" 0
	expect_eq bytes "$_by" "$3"
	expect_range chunks "$_ch" "$4" "$5"
	isnum "$_ch" && al_moved "$1" "$_ch" "$3"
	verdict "mem_rnd_alloc '$2': bytes $3, $4..$5 $1 chunks ($_ch), mem_used moved by exactly that" "$_aout"
}

al_rnd kmalloc "100 200 10000 alloc=kmalloc" 10000 50 100
al_rnd vmalloc "1 4 64 k alloc=vmalloc" 65536 16 64
al_rnd kvmalloc "1000 9000 100000 alloc=kvmalloc" 100000 12 100
# pages: each piece is whole pages; TOTAL is never passed, so the command
# ends below it by less than a page
al_rnd pages "1 100 10240 alloc=pages" 8192 2 2
al_rnd pages "5000 5000 20480 alloc=pages" 20480 3 3
al_rnd pages "1 4 64 k alloc=pages" 65536 16 16
al_rnd pages "1 6 64 k alloc=pages" 65536 8 16
al_rnd pages "1 4096 4096 alloc=pages" 4096 1 1
al_rnd pages "1 1 10000 alloc=pages gfp=atomic,nowarn" 8192 2 2
al_rnd cache "8 4000 100000 alloc=cache" 100000 25 12500
al_rnd cache "1 1 100 alloc=cache gfp=kernel,zero node=0" 100 100 100
# percpu: a piece counts SIZE x CPUs; TOTAL is never passed
b=$((1000 - 1000 % NCPU))
al_rnd percpu "1 64 1000 alloc=percpu" $b $(((b + 64 * NCPU - 1) / (64 * NCPU))) $((b / NCPU))
b=$((1001 - 1001 % NCPU))
al_rnd percpu "1 64 1001 alloc=percpu gfp=nowarn" $b $(((b + 64 * NCPU - 1) / (64 * NCPU))) $((b / NCPU))
al_rnd percpu "1 1 $NCPU alloc=percpu" "$NCPU" 1 1
b=$((MiB - MiB % NCPU))
al_rnd percpu "32 32 1024 k alloc=percpu" $b $(((b + 32768 * NCPU - 1) / (32768 * NCPU))) $((b / NCPU))
al_sums "after mem_rnd_alloc with each allocator"
al_free_all

# -------------------------------------------------- the largest chunks ---
refuse_why "size (4194305) is more than pages can allocate at once (4194304)" EINVAL mem_alloc 4194305 alloc=pages
refuse_why "size (1048577) is more than cache can allocate at once (1048576)" EINVAL mem_alloc 1048577 alloc=cache
refuse_why "size (32769) is more than percpu can allocate at once (32768)" EINVAL mem_alloc 32769 alloc=percpu
refuse_why "max (4194305) is more than pages can allocate at once (4194304)" EINVAL mem_rnd_alloc 1 4194305 8388608 alloc=pages
refuse_why "max (1048577) is more than cache can allocate at once (1048576)" EINVAL mem_rnd_alloc 1 1048577 2097152 alloc=cache
refuse_why "max (32769) is more than percpu can allocate at once (32768)" EINVAL mem_rnd_alloc 1 32769 1048576 alloc=percpu
# the size checks come before the option checks
refuse_why "size (4194305) is more than pages can allocate at once (4194304)" EINVAL mem_alloc 4194305 alloc=pages gfp=atomic,nofail

# ------------------------------------------------------- the caches ---
# shrink NAME: empties NAME's per-CPU slabs, so that /proc/slabinfo's
# active_objs counts the objects in use, exactly
shrink() {
	[ -w "/sys/kernel/slab/$1/shrink" ] && echo 1 >"/sys/kernel/slab/$1/shrink"
}

# al_cache_exact NAME CLASS DESC: one check that NAME is in /proc/slabinfo,
# object size CLASS (more on KASAN: its metadata), and that after a
# shrink its active_objs is the caches file's objects, exactly
al_cache_exact() {
	_sn=$1
	if [ -n "$SLABINFO_WHY" ]; then
		skip "$3: $1 in /proc/slabinfo, not merged, object size $2; after a shrink active_objs = caches' objects" \
			"$SLABINFO_WHY"
		return
	fi
	cache_objects _o "$1"
	shrink "$1"
	_sh=$?
	if slabinfo_of "$1"; then
		expect_eq "active_objs after shrink vs the caches file's objects" "$SL_ACTIVE" "$_o"
		if [ -z "$MT_KASAN" ]; then
			expect_eq "slabinfo objsize" "$SL_OBJSIZE" "$2"
		else
			expect_range "slabinfo objsize (KASAN adds its metadata)" "$SL_OBJSIZE" "$2" $(($2 * 2 + 256))
		fi
	else
		_E="${_E}no $1 line in /proc/slabinfo$NL"
	fi
	read -r _os <"/sys/kernel/slab/$1/object_size" 2>/dev/null || _os=missing
	expect_eq "/sys/kernel/slab/$1/object_size" "$_os" "$2"
	# a merged cache would be a link to the cache it was merged into
	expect "/sys/kernel/slab/$1 is a cache of its own (a directory, not a link: never merged)" \
		eval '[ -d "/sys/kernel/slab/$_sn" ] && [ ! -L "/sys/kernel/slab/$_sn" ]'
	expect_eq "shrink written" "$_sh" 0
	expect "objects is a number above 0 ('$_o')" eval '[ "${_o:-0}" -gt 0 ] 2>/dev/null'
	verdict "$3: $1 in /proc/slabinfo, not merged, object size $2; after a shrink active_objs = caches' objects ($_o)"
}

mtw mem_rnd_alloc 100 100 100000 alloc=cache
skey n "$MT_OUT" chunks
cache_objects o malloc_test_kept_128
used cc cache_chunks
check_eq "mem_rnd_alloc '100 100 100000 alloc=cache': 1000 chunks, malloc_test_kept_128's objects, cache_chunks" \
	"$n $o $cc" "1000 1000 1000" "$(mt_evidence)"
al_cache_exact malloc_test_kept_128 128 "1000 objects of 100 bytes"
run_ok mem_alloc 8 alloc=cache
run_ok mem_alloc 9 alloc=cache
run_ok mem_alloc 5000 alloc=cache
run_ok mem_alloc 1 m alloc=cache
cache_names cl
check_eq "caches lists kept_8, kept_16, kept_128, kept_8192, kept_1048576, classes ascending" "$cl" \
	"malloc_test_kept_8 malloc_test_kept_16 malloc_test_kept_128 malloc_test_kept_8192 malloc_test_kept_1048576"
used v caches
check_eq "mem_used caches: 5" "$v" 5
for c in 8 16 8192 1048576; do
	al_cache_exact malloc_test_kept_$c $c "one object"
done
mtw mem_free 1 m
check_eq "mem_free '1 m' frees the 1 MiB cache chunk" "$MT_OUT" $MiB "$(mt_evidence)"
cache_names cl malloc_test_kept_1048576
slab_names sl malloc_test_kept_1048576
slab_check "its cache is destroyed with it: gone from caches and /proc/slabinfo" "$cl|$sl" "|"
mtw mem_free 5000
check_eq "mem_free '5000' frees the 5000-byte cache chunk" "$MT_OUT" 5000 "$(mt_evidence)"
cache_names cl
slab_names sl malloc_test_kept_8192
used v caches
slab_check "malloc_test_kept_8192 is destroyed with it; kept_8, kept_16, kept_128 stay; caches 3" \
	"$cl|$sl|$v" "malloc_test_kept_8 malloc_test_kept_16 malloc_test_kept_128||3"
mtw mem_free 2000
if [ -z "$MT_KASAN" ]; then
	al_cache_exact malloc_test_kept_128 128 "after mem_free '2000' took some of them"
else
	skip "after some frees, active_objs after a shrink = caches' objects" "KASAN's quarantine keeps freed objects allocated"
fi
# caches_sum VAR: the sum of the caches file's objects column
caches_sum() {
	_cs=0
	while read -r _cn _cb _; do
		case $_cn in
		'#'* | '') ;;
		*) _cs=$((_cs + _cb)) ;;
		esac
	done <"$D/caches"
	eval "$1=\$_cs"
}
caches_sum o
used cc cache_chunks
used cb cache_bytes
used kb kept_bytes
check_eq "after the frees: the caches' objects sum to cache_chunks; cache_bytes = kept_bytes" \
	"$o $cb" "$cc $kb"
al_free_all
cache_names cl
slab_names sl malloc_test_
slab_check "every kept cache is destroyed: caches and /proc/slabinfo list none" "$cl|$sl" "|"

# ------------------------------------------- the kernel's own figures ---
mi vm0 VmallocUsed
run_ok mem_alloc 16 m alloc=vmalloc
mi vm1 VmallocUsed
check_range "alloc=vmalloc, 16 MiB: VmallocUsed rises by 16 MiB (-256 KiB..+4 MiB, in KiB)" \
	$((vm1 - vm0)) $((16 * 1024 - 256)) $((20 * 1024))
mtw mem_free
mi vm2 VmallocUsed
check_range "VmallocUsed falls back after mem_free (within 4 MiB, in KiB)" $((vm2 - vm0)) -4096 4096

mi sl0 Slab
mtw mem_rnd_alloc 2 2 8192 k alloc=kmalloc
mi sl1 Slab
skey ch "$MT_OUT" chunks
check_eq "mem_rnd_alloc '2 2 8192 k alloc=kmalloc': 4096 chunks" "$ch" 4096 "$(mt_evidence)"
if [ -z "$MT_KASAN" ]; then
	check_range "alloc=kmalloc, 8 MiB: Slab rises by 8 MiB (0.9x..1.5x, in KiB)" $((sl1 - sl0)) $((8192 * 9 / 10)) $((8192 * 3 / 2))
else
	check_range "alloc=kmalloc, 8 MiB: Slab rises by 8 MiB and KASAN's redzones (0.9x..4x, in KiB)" $((sl1 - sl0)) $((8192 * 9 / 10)) $((8192 * 4))
fi
mtw mem_free
mi sl2 Slab
if [ -z "$MT_KASAN" ]; then
	check_range "Slab falls back after mem_free (within 2 MiB, in KiB)" $((sl2 - sl0)) -2048 2048
else
	skip "Slab falls back after mem_free" "$MT_KASAN_WHY"
fi

mi sl0 Slab
mtw mem_rnd_alloc 1 1 8192 k alloc=cache
mi sl1 Slab
skey ch "$MT_OUT" chunks
cache_objects o malloc_test_kept_1024
check_eq "mem_rnd_alloc '1 1 8192 k alloc=cache': 8192 chunks, all in malloc_test_kept_1024" "$ch $o" "8192 8192" "$(mt_evidence)"
if [ -z "$MT_KASAN" ]; then
	check_range "alloc=cache, 8 MiB: Slab rises by 8 MiB (0.9x..1.5x, in KiB)" $((sl1 - sl0)) $((8192 * 9 / 10)) $((8192 * 3 / 2))
else
	check_range "alloc=cache, 8 MiB: Slab rises by 8 MiB and KASAN's metadata (0.9x..4x, in KiB)" $((sl1 - sl0)) $((8192 * 9 / 10)) $((8192 * 4))
fi
al_cache_exact malloc_test_kept_1024 1024 "8192 objects of 1 KiB"
mtw mem_free
mi sl2 Slab
slab_names sl malloc_test_
slab_check "the cache is destroyed after mem_free" "$sl" ""
if [ -z "$MT_KASAN" ]; then
	check_range "Slab falls back after mem_free and the cache's destruction (within 2 MiB, in KiB)" $((sl2 - sl0)) -2048 2048
else
	skip "Slab falls back after mem_free and the cache's destruction" "$MT_KASAN_WHY"
fi

# percpu: 16 MiB counted (32 KiB on each CPU per chunk); Percpu counts the
# populated pages of every unit (some pieces go where pages were populated
# already: the rise may be up to 2 MiB short)
mi pc0 Percpu
mtw mem_rnd_alloc 32 32 16384 k alloc=percpu
mi pc1 Percpu
skey by "$MT_OUT" bytes
check_eq "mem_rnd_alloc '32 32 16384 k alloc=percpu': bytes 16 MiB" "$by" $((16 * MiB - 16 * MiB % (32768 * NCPU))) "$(mt_evidence)"
check_range "alloc=percpu, 16 MiB counted: Percpu rises by 16 MiB (-2 MiB..+4 MiB, in KiB)" \
	$((pc1 - pc0)) $((14 * 1024)) $((20 * 1024))
mtw mem_free
# Empty percpu chunks are released by a work item, later.
pc_back() {
	mi pc2 Percpu
	[ $((pc2 - pc0)) -le 4096 ]
}
wait_until 10000 pc_back
check_range "Percpu falls back after mem_free (within 4 MiB, in KiB, waiting up to 10 s for the balance work)" \
	$((pc2 - pc0)) -8192 4096

# pages: the buddy allocator's, whole 1 MiB blocks (order 8, never on the
# per-CPU lists).  MemFree is the whole machine's: the guest's own
# activity (its page cache, KASAN's quarantine draining) moves it by a
# few MiB now and then, so a try whose readings were disturbed is made
# again, 3 tries at most; the chunk count is checked on each.
n=0
pg_bad=x
while [ $n -lt 3 ] && [ -n "$pg_bad" ]; do
	n=$((n + 1))
	pg_bad=
	mi mf0 MemFree
	mtw mem_rnd_alloc 1 1 64 m alloc=pages
	mi mf1 MemFree
	skey ch "$MT_OUT" chunks
	check_eq "mem_rnd_alloc '1 1 64 m alloc=pages': 64 chunks (try $n)" "$ch" 64 "$(mt_evidence)"
	mtw mem_free
	mi mf2 MemFree
	fall=$((mf0 - mf1))
	back=$((mf2 - mf0))
	[ $fall -ge $((60 * 1024)) ] && [ $fall -le $((72 * 1024)) ] || pg_bad="fall $fall"
	[ $back -ge -8192 ] && [ $back -le 8192 ] || pg_bad="$pg_bad back $back"
	[ -z "$pg_bad" ] || diag "alloc=pages, 64 MiB, try $n disturbed: MemFree $mf0 -> $mf1 -> $mf2 KiB"
done
check_range "alloc=pages, 64 MiB: MemFree falls by 64 MiB (-4..+8 MiB, in KiB; try $n of 3)" \
	$fall $((60 * 1024)) $((72 * 1024))
check_range "MemFree comes back after mem_free (within 8 MiB, in KiB; try $n of 3)" $back -8192 8192

# ------------------------------------------ mem_realloc, each allocator ---
# al_realloc KIND WORDS RESULT: with one KIND chunk kept, mem_realloc WORDS
# answers RESULT; kept_bytes and KIND's bytes move by it, nothing else
al_realloc() {
	al_snap B
	mtw mem_realloc $2
	_arc=$MT_RC _aout=$MT_OUT _aerr=$MT_ERR
	al_snap A
	expect "command refused: status $_arc ($_aerr), read back '$_aout'" [ "$_arc" = 0 ]
	expect_eq result "$_aout" "$3"
	al_moved "$1" 0 "$3"
	verdict "one $1 chunk: mem_realloc '$2' answers $3; mem_used moves by it, in $1's lines only"
}

run_ok mem_alloc 1000 alloc=kmalloc
al_realloc kmalloc 3000 2000
al_realloc kmalloc 500 -2500
al_realloc kmalloc "1 m" $((MiB - 500))
al_free_all
run_ok mem_alloc 5000 alloc=vmalloc
al_realloc vmalloc 100000 95000
al_realloc vmalloc 10 -99990
al_free_all
run_ok mem_alloc 7000 alloc=kvmalloc
al_realloc kvmalloc "1 m" $((MiB - 7000))
al_realloc kvmalloc 100 $((100 - MiB))
al_free_all
run_ok mem_alloc 100 alloc=pages
al_realloc pages 10000 12288
al_realloc pages 5000 -8192
al_realloc pages 8000 0
al_realloc pages "4 m" $((4 * MiB - 8192))
al_realloc pages 1 $((4096 - 4 * MiB))
refuse_why "the chosen chunk's allocator cannot reach 4194305 bytes" EINVAL mem_realloc 4194305
al_free_all
run_ok mem_alloc 100 alloc=cache
al_realloc cache 2000 1900
cache_names cl
cache_objects o malloc_test_kept_2048
check_eq "the cache chunk moved to class 2048: only malloc_test_kept_2048 is left, with 1 object" "$cl $o" "malloc_test_kept_2048 1"
al_realloc cache "1 m" $((MiB - 2000))
al_realloc cache 8 $((8 - MiB))
cache_names cl
check_eq "after resizes to 1 MiB and 8 bytes: only malloc_test_kept_8 is left" "$cl" "malloc_test_kept_8"
refuse_why "the chosen chunk's allocator cannot reach 1048577 bytes" EINVAL mem_realloc 1048577
al_free_all
run_ok mem_alloc 100 alloc=percpu
al_realloc percpu 200 $((100 * NCPU))
al_realloc percpu "32 k" $(((32768 - 200) * NCPU))
al_realloc percpu 1 $(((1 - 32768) * NCPU))
refuse_why "the chosen chunk's allocator cannot reach 32769 bytes" EINVAL mem_realloc 32769
al_free_all

# ---------------------------------------------------- check_content ---
setparam check_content 1
bad=
for c in "1000 alloc=kmalloc" "64 k alloc=vmalloc" "3 m alloc=kvmalloc" "100 alloc=pages" \
	"12289 alloc=pages" "1 m alloc=pages" "100 alloc=cache" "5000 alloc=cache" \
	"100 alloc=percpu" "32 k alloc=percpu" "1 alloc=percpu" "5000 alloc=pages gfp=atomic,zero,nowarn" \
	"300 alloc=cache gfp=kernel,zero" "77 alloc=percpu gfp=atomic,nowarn"; do
	mtw mem_alloc $c
	[ "$MT_RC" = 0 ] || bad="$bad [mem_alloc $c: $(mt_evidence)]"
done
for k in $AL_KINDS; do
	mtw mem_rnd_alloc 1 3000 20000 alloc=$k
	skey er "$MT_OUT" errors
	[ "$MT_RC" = 0 ] && [ "$er" = 0 ] || bad="$bad [mem_rnd_alloc alloc=$k: $(mt_evidence)]"
done
check_eq "with check_content on, mem_alloc and mem_rnd_alloc work with each allocator, no error" "$bad" ""
bad=
i=0
for sz in 20000 10 5000 32768 1 9000 300 4096 4097 100 32000 2 16384 700 12000 8 24576 3 10000 50 \
	31000 6000 1 2000 8192 65 30000 5 15000 256; do
	used kb0 kept_bytes
	mtw mem_realloc $sz
	used kb1 kept_bytes
	[ "$MT_RC" = 0 ] && isnum "$MT_OUT" && [ $((kb1 - kb0)) = "$MT_OUT" ] ||
		bad="$bad [mem_realloc $sz: $(mt_evidence), kept_bytes $kb0 -> $kb1]"
	i=$((i + 1))
done
check_eq "30 mem_realloc up to 32 KiB over chunks of every allocator, with the pattern: each answer is kept_bytes' move" "$bad" ""
setparam realloc_p 50
bad=
for k in $AL_KINDS; do
	mtw mem_rnd_alloc 10 2000 30000 alloc=$k
	skey er "$MT_OUT" errors
	[ "$MT_RC" = 0 ] && [ "$er" = 0 ] || bad="$bad [mem_rnd_alloc alloc=$k, realloc_p 50: $(mt_evidence)]"
done
setparam realloc_p 0
check_eq "mem_rnd_alloc with realloc_p 50 and check_content, each allocator: no error" "$bad" ""
al_sums "with check_content"
mtw mem_free 100
mtw mem_free 100000
mtw mem_free
used c corruptions
used kb kept_bytes
check_eq "everything freed and checked with each allocator: kept_bytes 0, corruptions 0" "$kb $c" "0 0"
setparam check_content 0

# ---------------------------------------------- the alloc parameter ---
for k in $AL_KINDS; do
	setparam alloc "$k"
	rc=$MT_RC
	param v alloc
	check_eq "the alloc parameter takes '$k'" "$rc $v" "0 $k" "$MT_ERR"
	b=100
	[ "$k" = pages ] && b=4096
	[ "$k" = percpu ] && b=$((100 * NCPU))
	al_case "$k" 100 "$b"
done
setparam alloc slab
rc=$MT_RC
param v alloc
check_eq "the alloc parameter refuses 'slab' and keeps 'percpu'" "$rc $v" "1 percpu" "$MT_ERR"
setparam alloc kvmalloc
al_free_all

# ------------------------------------------ parse-level refusals ---
run_ok mem_alloc 1000
for o in ctx=work cpu=0 free=all foo=1 GFP=kernel Node=0; do
	refuse_parse "unknown option '${o%%=*}' (this command takes alloc, gfp, node, avail)" mem_alloc 10 $o
done
for o in ctx=timer cpu=1 free=fifo; do
	refuse_parse "unknown option '${o%%=*}' (this command takes alloc, gfp, node)" mem_rnd_alloc 1 2 10 $o
done
refuse_parse "unknown option 'gfp' (this command takes release)" mem_free 10 gfp=kernel
refuse_parse "unknown option 'alloc' (this command takes release)" mem_free 10 alloc=kmalloc
refuse_parse "unknown option 'node' (this command takes none)" mem_realloc 10 node=0
refuse_parse "unknown option 'cpu' (this command takes none)" mem_test_stop 1 cpu=0
refuse_parse "unknown option 'ctx' (this command takes none)" mem_test_destroy 1 ctx=work
refuse_parse "alloc= given twice" mem_alloc 10 alloc=kmalloc alloc=kmalloc
refuse_parse "gfp= given twice" mem_alloc 10 gfp=kernel gfp=kernel
refuse_parse "gfp= given twice" mem_rnd_alloc 1 2 10 gfp=atomic gfp=kernel
refuse_parse "node= given twice" mem_alloc 10 node=0 node=0
for a in slab Pages KMALLOC page ''; do
	refuse_parse "unknown allocator '$a' (kmalloc, vmalloc, kvmalloc, pages, cache, percpu, kmalloc_nolock, pages_nolock or mempool)" mem_alloc 10 alloc=$a
done
refuse_parse "unknown allocator 'percpu,' (kmalloc, vmalloc, kvmalloc, pages, cache, percpu, kmalloc_nolock, pages_nolock or mempool)" mem_rnd_alloc 1 2 10 alloc=percpu,
for gt in foo:foo '': KERNEL:KERNEL GFP_KERNEL:GFP_KERNEL kernel,high:high kernel,:'' \
	,kernel:'' kernel,,nowarn:'' atomic,Nowarn:Nowarn nowarn,nofail,x:x; do
	g=${gt%%:*}
	t=${gt#*:}
	refuse_parse "unknown gfp flag '$t'" mem_alloc 10 gfp=$g
done
for g in kernel,atomic kernel,kernel atomic,nowarn,nowait nowait,atomic zero,nowait,kernel; do
	refuse_parse "gfp= takes one base: kernel, atomic or nowait" mem_alloc 10 gfp=$g
done
refuse_parse "gfp= takes one base: kernel, atomic or nowait" mem_rnd_alloc 1 2 10 gfp=atomic,atomic
for gt in kernel,nowarn,nowarn:nowarn zero,zero:zero account,kernel,account:account \
	noretry,noretry:noretry atomic,nofail,zero,nofail:nofail retry_mayfail,retry_mayfail:retry_mayfail; do
	refuse_parse "gfp flag '${gt#*:}' given twice" mem_alloc 10 gfp=${gt%:*}
done
for n in abc '' -1 4294967296 0x1 1k +; do
	refuse_parse "node '$n' is not a number" mem_alloc 10 node=$n
done
refuse_parse "node 'x' is not a number" mem_rnd_alloc 1 2 10 node=x

# ------------------------------------------------ semantic refusals ---
R1="retry modifiers change how a sleeping allocation retries: noretry and retry_mayfail need gfp=kernel"
refuse_why "$R1" EINVAL mem_alloc 100 gfp=atomic,noretry
refuse_why "$R1" EINVAL mem_alloc 100 gfp=nowait,retry_mayfail,nowarn
refuse_why "$R1" EINVAL mem_rnd_alloc 1 2 10 alloc=pages gfp=atomic,retry_mayfail
R2="noretry and retry_mayfail contradict each other"
refuse_why "$R2" EINVAL mem_alloc 100 gfp=kernel,noretry,retry_mayfail
refuse_why "$R2" EINVAL mem_rnd_alloc 1 2 10 gfp=retry_mayfail,noretry
R3="nofail needs gfp=kernel: only an allocation that can sleep can be made never to fail"
refuse_why "$R3" EINVAL mem_alloc 100 alloc=kmalloc gfp=atomic,nofail
refuse_why "$R3" EINVAL mem_alloc 100 alloc=pages gfp=nowait,nofail
R3b="nofail contradicts noretry and retry_mayfail"
refuse_why "$R3b" EINVAL mem_alloc 100 alloc=kmalloc gfp=kernel,nofail,noretry
refuse_why "$R3b" EINVAL mem_alloc 100 alloc=cache gfp=nofail,retry_mayfail
for k in vmalloc kvmalloc percpu; do
	refuse_why "nofail is refused with alloc=$k: the kernel supports it only for kmalloc, cache and pages" \
		EINVAL mem_alloc 100 alloc=$k gfp=kernel,nofail
done
refuse_why "nofail is refused with alloc=kvmalloc: the kernel supports it only for kmalloc, cache and pages" \
	EINVAL mem_alloc 100 gfp=nofail
for k in kmalloc pages cache; do
	refuse_why "nofail above 8192 bytes (order 1) makes the kernel warn: size is 8193" \
		EINVAL mem_alloc 8193 alloc=$k gfp=kernel,nofail
done
refuse_why "nofail above 8192 bytes (order 1) makes the kernel warn: max is 9000" \
	EINVAL mem_rnd_alloc 1 9000 100000 alloc=kmalloc gfp=nofail
for k in kmalloc vmalloc kvmalloc pages cache; do
	refuse_why "node $NNODES does not exist" EINVAL mem_alloc 100 alloc=$k node=$NNODES
done
refuse_why "node 4294967295 does not exist" EINVAL mem_alloc 100 alloc=kmalloc node=4294967295
refuse_why "node $NNODES does not exist" EINVAL mem_rnd_alloc 1 2 10 alloc=pages node=$NNODES
refuse_why "alloc=percpu has no node variant: node= is refused" EINVAL mem_alloc 100 alloc=percpu node=0
refuse_why "alloc=percpu has no node variant: node= is refused" EINVAL mem_rnd_alloc 1 2 10 alloc=percpu node=0
RV="alloc=vmalloc on a node goes through vmalloc_node(), which takes no flags: it may call the OOM killer and warns when it fails; give gfp=kernel (or kernel,zero) to take that"
for g in kernel,nowarn atomic nowait,zero kernel,account kernel,zero,noretry nowarn zero; do
	refuse_why "$RV" EINVAL mem_alloc 100 alloc=vmalloc node=0 gfp=$g
done
refuse_why "$RV" EINVAL mem_alloc 5000 alloc=vmalloc node=0
refuse_why "$RV" EINVAL mem_rnd_alloc 1 2 10 alloc=vmalloc node=0 gfp=zero,nowarn
RP="alloc=percpu keeps no retry_mayfail (the per-CPU allocator drops it, and may then call the OOM killer): use noretry"
refuse_why "$RP" EINVAL mem_alloc 100 alloc=percpu gfp=kernel,retry_mayfail,nowarn
refuse_why "$RP" EINVAL mem_rnd_alloc 1 2 1000 alloc=percpu gfp=retry_mayfail
refuse_why "total (100) cannot hold one piece of alloc=pages (4096 bytes)" EINVAL mem_rnd_alloc 1 100 100 alloc=pages
refuse_why "total (4095) cannot hold one piece of alloc=pages (4096 bytes)" EINVAL mem_rnd_alloc 1 1 4095 alloc=pages
if [ "$NCPU" -gt 1 ]; then
	refuse_why "total ($((NCPU - 1))) cannot hold one piece of alloc=percpu ($NCPU bytes)" \
		EINVAL mem_rnd_alloc 1 1 $((NCPU - 1)) alloc=percpu
else
	skip "a total below one byte per CPU is refused for alloc=percpu" "one possible CPU"
fi
# the order: the retry rules before nofail's, nofail's before node=
refuse_why "$R1" EINVAL mem_alloc 100 alloc=vmalloc gfp=atomic,noretry,nofail node=0
refuse_why "$R3" EINVAL mem_alloc 100 alloc=vmalloc gfp=atomic,nofail node=$NNODES
refuse_why "node $NNODES does not exist" EINVAL mem_alloc 100 alloc=percpu node=$NNODES
used kb kept_bytes
used kc kept_chunks
check_eq "after all these refusals, the kept 1000-byte chunk is all there is" "$kc $kb" "1 1000"
mtw mem_free

# ----------------------------------------- gfp=account: memory cgroup ---
# cg_case FILE "WORDS" ACCOUNTED: mem_alloc or mem_rnd_alloc WORDS, then
# mem_free: with ACCOUNTED=1 the group's memory.current rises by 16 MiB
# (-256 KiB..+2 MiB: the charge goes through per-CPU batches of 64 pages)
# and falls back within 1 MiB; with 0 it moves by less than 1 MiB
cg_case() {
	read -r _m0 <"$CG_DIR/memory.current"
	mtw "$1" $2
	_arc=$MT_RC _aev=$(mt_evidence)
	read -r _m1 <"$CG_DIR/memory.current"
	_vs=$(grep -E '^(vmalloc|kernel) ' "$CG_DIR/memory.stat" | tr '\n' ' ')
	mtw mem_free
	_afr=$MT_OUT
	read -r _m2 <"$CG_DIR/memory.current"
	expect "command refused: $_aev" [ "$_arc" = 0 ]
	expect_eq "mem_free's answer" "$_afr" $((16 * MiB))
	if [ "$3" = 1 ]; then
		expect_range "memory.current's rise" $((_m1 - _m0)) $((16 * MiB - 262144)) $((18 * MiB))
		expect_range "memory.current after mem_free, against before" $((_m2 - _m0)) -$MiB $MiB
		verdict "$1 '$2' charges the writer's memory cgroup: memory.current +16 MiB, back after mem_free" \
			"memory.current: $_m0 -> $_m1 -> $_m2; memory.stat then: $_vs"
	else
		expect_range "memory.current's move" $((_m1 - _m0)) -$MiB $MiB
		verdict "$1 '$2' (no account) does not charge the memory cgroup: memory.current moves by less than 1 MiB" \
			"memory.current: $_m0 -> $_m1 -> $_m2; memory.stat then: $_vs"
	fi
}

if cg_setup mt45; then
	pass "the shell runs in a child memory cgroup (cgroup2 at $CG, +memory)"
	cg_case mem_alloc "16 m alloc=vmalloc gfp=kernel,account" 1
	cg_case mem_alloc "16 m alloc=vmalloc gfp=kernel,nowarn" 0
	cg_case mem_alloc "16 m alloc=kvmalloc gfp=account,nowarn" 1
	cg_case mem_rnd_alloc "1 1 16 m alloc=kmalloc gfp=kernel,account,nowarn" 1
	cg_case mem_rnd_alloc "1 1 16 m alloc=pages gfp=kernel,nowarn,account" 1
	cg_case mem_rnd_alloc "1 1 16 m alloc=pages gfp=kernel,nowarn" 0
	cg_case mem_rnd_alloc "1 1 16 m alloc=cache gfp=account,nowarn" 1
else
	for d in "alloc=vmalloc gfp=kernel,account charges the writer's memory cgroup, and only with account" \
		"gfp=account charges the memory cgroup with kvmalloc, kmalloc, pages and cache"; do
		skip "$d" "$CG_WHY"
	done
fi
cg_teardown
l=
[ ! -r /proc/self/cgroup ] || read -r l </proc/self/cgroup
case $l in
0::/ | '') l=ok ;;
esac
check_eq "the shell is back in the root cgroup (or cgroups are absent)" \
	"$l$([ -d $CG/mt45 ] && echo " $CG/mt45 left")" ok
al_free_all
mt_exit
