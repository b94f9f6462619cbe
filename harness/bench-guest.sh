#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench-guest.sh - the guest side of `make bench` (harness/bench.sh boots it
# as /mt/run.sh): loads the module, runs every bench of the table, the
# recording-overhead runs and mtscale, and prints the raw figures, each
# line "TAG key: value", for harness/bench.sh to lay out.
#
# Plain busybox sh.  The benches are driven through the module's files
# themselves (the bench command file, then bench_result polled until its
# state is no longer running), not through mtctl, so that this script
# depends on nothing but the module.
#
# Tags:
#   sys                  the guest: kernel release, CPUs, clocksource, ...
#   t.ALLOC.SIZE.PATTERN a row of the table: bench_result, plus "sample"
#                        (what was asked) and "asked_count"; then its
#                        latency histograms' buckets from bench_latency,
#                        "TAG alloc bucket LO HI N" and "TAG free bucket
#                        ..." (no colon: not a "key: value" line), which
#                        harness/latplot.py draws as CDFs
#   ovh.S.I              kmalloc size=64 pattern=pair gfp=kernel, sample=S,
#                        round I of the overhead runs
#   scale                mtscale's figures
# Refused or stuck runs print "state: refused" / "state: stuck" and a
# "reason"; the script goes on.
#
# Environment (all optional, for quicker or longer runs):
#   MT_BENCH_CPU      the CPU the bench threads run on (default: the last)
#   MT_BENCH_TIME     time= limit of each phase, seconds (default 4)
#   MT_BENCH_SCALE    1 (default) runs mtscale, 0 skips it
#   MT_BENCH_ROUNDS   rounds of the overhead runs (default 15)
#   MT_BENCH_OVH_COUNT  pairs of each overhead run (default 1000000)
#   MT_BENCH_SCALE_REPS mtscale's -k (default 20000)
#   MT_BENCH_ONLY     a comma-separated list of allocators for the table
#                     (default: the six, mempool, and the two nolock
#                     ones from 6.18 on)
#   MT_BENCH_ROWS     a comma-separated list of rows, ALLOC.SIZE.PATTERN
#                     (PATTERN bulk: pair with bulk=16; sheafN: batch
#                     with sheaf=N; rcu: pair with release=rcu)
#                     (kmalloc.64.pair,cache.4k.batch): the table has
#                     those alone, in that order (MT_BENCH_ONLY is then
#                     ignored); make compare's default set is one

KO=${MT_MODULE:-/mt/malloc_test.ko}
D=/sys/kernel/debug/malloc_test
TIME=${MT_BENCH_TIME:-4}
ROUNDS=${MT_BENCH_ROUNDS:-15}
OVH_COUNT=${MT_BENCH_OVH_COUNT:-1000000}
SCALE_REPS=${MT_BENCH_SCALE_REPS:-20000}
# the nolock allocators, where the kernel has them (6.18 on)
kv=$(uname -r)
kmaj=${kv%%.*} kmin=${kv#*.} kmin=${kmin%%[!0-9]*}
NOLOCK=
[ "$kmaj" -gt 6 ] || { [ "$kmaj" = 6 ] && [ "$kmin" -ge 18 ]; } &&
	NOLOCK=,kmalloc_nolock,pages_nolock
ALLOCS=$(echo "${MT_BENCH_ONLY:-kmalloc,vmalloc,kvmalloc,pages,cache,percpu,mempool$NOLOCK}" | tr ',' ' ')
ncpu=$(grep -c '^processor' /proc/cpuinfo)
CPU=${MT_BENCH_CPU:-$((ncpu - 1))}

# kv TAG KEY VALUE
kv() {
	echo "$1 $2: $3"
}

sysinfo() {
	kv sys kernel "$(uname -r)"
	kv sys cpus "$ncpu"
	kv sys cpu_model "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	kv sys mem_kb "$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)"
	# Debian's kernels zero every allocation (init_on_alloc): part of
	# what an allocation costs, most of it for big ones
	# (every such line: slub_debug=P adds one before the usual one)
	kv sys mem_auto_init "$(dmesg | sed -n 's/.*mem auto-init: //p' | head -n 3 |
		tr '\n' ';' | sed 's/;$//; s/;/; /g')"
	kv sys bench_cpu "$CPU"
	kv sys time_limit_s "$TIME"
	# what make compare's header shows of a kernel when the harness
	# cannot describe it: its build (compiler) and its command line
	kv sys version "$(cat /proc/version)"
	kv sys cmdline "$(cat /proc/cmdline)"
}

# wait_done LIMIT: wait while the bench runs, at most LIMIT seconds, then
# stop it.  Prints the final state.
wait_done() {
	limit=$(( $1 * 10 ))
	n=0
	while :; do
		state=$(sed -n 's/^state: //p' "$D/bench_result")
		[ "$state" = running ] || break
		n=$((n + 1))
		if [ "$n" -ge "$limit" ]; then
			echo stop >"$D/bench"
			sleep 1
			echo stuck
			return
		fi
		sleep 0.1
	done
	echo "$state"
}

# bench TAG ARGS...: one bench run, its results prefixed by TAG.
bench() {
	tag=$1
	shift
	exec 3<>"$D/bench"
	if ! echo "$*" >&3 2>/dev/null; then
		reason=$(cat <&3)
		exec 3>&-
		kv "$tag" state refused
		kv "$tag" reason "${reason#error: }"
		kv "$tag" command "$*"
		return 1
	fi
	exec 3>&-
	# both phases within the time limit each, and a margin
	t=10
	for arg in "$@"; do
		case $arg in
		time=*) t=${arg#time=} ;;
		esac
	done
	t=$((2 * t + 60))
	state=$(wait_done "$t")
	if [ "$state" = stuck ]; then
		kv "$tag" state stuck
		kv "$tag" reason "still running after $t s: stopped"
		return 1
	fi
	sed "s/^/$tag /" "$D/bench_result"
	# the allocator's own histograms, bucket by bucket (not the harness
	# phase's): what the latency pictures are drawn from
	grep -E '^(alloc|free) bucket ' "$D/bench_latency" | sed "s/^/$tag /"
}

# The count of a table row: what a fast allocator does in a second or
# two; the slow ones are cut by the time limit (their note says so).  A
# batch holds its count at once: at most 256 MiB of 64 KiB or 1 MiB
# chunks, 400 MiB of pages or vmalloc areas for 64 B (a page each).
count_of() {	# PATTERN SIZE
	case $1.$2 in
	pair.64) echo 2000000 ;;
	pair.4k) echo 1000000 ;;
	pair.64k) echo 100000 ;;
	pair.1m) echo 10000 ;;
	batch.64) echo 100000 ;;
	batch.4k) echo 50000 ;;
	batch.64k) echo 4000 ;;
	batch.1m) echo 256 ;;
	bulk.64) echo 2000000 ;;
	bulk.4k) echo 1000000 ;;
	bulk.64k) echo 100000 ;;
	bulk.1m) echo 10000 ;;
	rcu.64) echo 500000 ;;
	rcu.4k) echo 20000 ;;
	remote.64) echo 1000000 ;;
	remote.4k) echo 500000 ;;
	remote.64k) echo 50000 ;;
	remote.1m) echo 5000 ;;
	esac
}

# sample=: at 64 KiB and 1 MiB an operation takes microseconds, and a
# run few of them: every one is timed (the two clock reads are lost in
# it).  At 64 B and 4 KiB, where the clock reads would weigh, one pair
# in 64 (the default) or one batch operation in 8, thousands of samples
# all the same.
sample_of() {	# PATTERN SIZE
	case $1.$2 in
	*.64k|*.1m) echo 1 ;;
	pair.*|rcu.*) echo 64 ;;
	batch.*|remote.*|bulk.*) echo 8 ;;
	esac
}

sizes_of() {	# ALLOC
	case $1 in
	percpu) echo "64 4k" ;;		# percpu's largest is 32 KiB
	kmalloc_nolock) echo "64 4k" ;;	# its largest is 8 KiB
	pages_nolock) echo "4k" ;;	# order 3 at most
	mempool) echo "64 4k" ;;	# beside cache's, where pools serve
	*) echo "64 4k 64k 1m" ;;
	esac
}

# row ALLOC SIZE PATTERN: one row of the table (PATTERN bulk: pair,
# bulk=16; sheafN: batch, sheaf=N; rcu: pair, release=rcu)
row() {
	case $3 in
	sheaf*) c=$(count_of batch "$2") k=$(sample_of batch "$2") ;;
	*) c=$(count_of "$3" "$2") k=$(sample_of "$3" "$2") ;;
	esac
	tag=t.$1.$2.$3
	if [ -z "$c" ] || [ -z "$k" ]; then
		kv "$tag" state refused
		kv "$tag" reason "not a row of the table (ALLOC.SIZE.PATTERN, SIZE one of 64 4k 64k 1m)"
		return 1
	fi
	kv "$tag" asked_count "$c"
	# remote: a pair of threads, the allocating one on CPU, the other
	# next; bulk: pairs of bulk calls of 16 objects (cache, pages)
	th=1 pat=$3 more=
	[ "$3" != remote ] || th=2
	[ "$3" != bulk ] || pat=pair more=bulk=16
	[ "$3" != rcu ] || pat=pair more=release=rcu
	case $3 in sheaf*) pat=batch more=sheaf=${3#sheaf} ;; esac
	# shellcheck disable=SC2086 # more: one word or none
	bench "$tag" alloc="$1" size="$2" count="$c" pattern="$pat" \
		threads="$th" cpu="$CPU" sample="$k" time="$TIME" $more
}

table() {
	if [ -n "${MT_BENCH_ROWS:-}" ]; then
		for r in $(echo "$MT_BENCH_ROWS" | tr ',' ' '); do
			# shellcheck disable=SC2046 # the row's three words
			row $(echo "$r" | tr '.' ' ')
		done
		return
	fi
	for a in $ALLOCS; do
		for s in $(sizes_of "$a"); do
			for p in pair batch bulk remote rcu; do
				# remote: freed on the next CPU, at 64 B and 4 KiB
				if [ "$p" = remote ]; then
					[ "$(nproc)" -ge 2 ] || continue
					case $s in 64|4k) ;; *) continue ;; esac
				fi
				# bulk calls: cache at 64 B and 4 KiB, pages
				if [ "$p" = bulk ]; then
					case $a.$s in
					cache.64|cache.4k|pages.4k) ;;
					*) continue ;;
					esac
				fi
				# through RCU: kmalloc and cache at 64 B, kmalloc
				# and vmalloc at 4 KiB (all it charges: COUNT chunks)
				if [ "$p" = rcu ]; then
					case $a.$s in
					kmalloc.64|kmalloc.4k|cache.64|vmalloc.4k) ;;
					*) continue ;;
					esac
				fi
				row "$a" "$s" "$p"
			done
			# the sheaf capacity sweep, where the kernel has sheaves
			if [ "$a" = cache ] && ls /sys/kernel/slab/*/sheaf_capacity >/dev/null 2>&1; then
				case $s in 64|4k)
					for n in 128 512; do
						row "$a" "$s" "sheaf$n"
					done ;;
				esac
			fi
		done
	done
}

# Recording overhead: kmalloc 64 B pairs with sample=0, 64 and 1,
# interleaved; sample=0 and 64 side by side in every round (so that a
# round's two compare under the same load), the order turned each round.
overhead() {
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		case $((r % 4)) in
		1) order="0 64 1" ;;
		2) order="64 0 1" ;;
		3) order="1 0 64" ;;
		0) order="1 64 0" ;;
		esac
		for k in $order; do
			bench "ovh.$k.$r" alloc=kmalloc size=64 count="$OVH_COUNT" \
				pattern=pair gfp=kernel threads=1 cpu="$CPU" \
				sample="$k" time=60
		done
		r=$((r + 1))
	done
}

scale() {
	if ! command -v mtscale >/dev/null 2>&1; then
		kv scale error "mtscale is not in the image"
		return 1
	fi
	mtscale -k "$SCALE_REPS" -c "$CPU" 1000 1000000 >/tmp/scale.out 2>/tmp/scale.err
	rc=$?
	sed 's/^/scale /' /tmp/scale.out
	if [ "$rc" != 0 ]; then
		kv scale error "mtscale exited with $rc: $(tr '\n' ' ' </tmp/scale.err)"
	fi
}

sysinfo
if ! insmod "$KO"; then
	kv sys error "insmod $KO failed"
	exit 1
fi
if [ ! -e "$D/bench" ]; then
	kv sys error "the module has no $D/bench"
	exit 1
fi
kv sys max_bytes "$(cat /sys/module/malloc_test/parameters/max_bytes)"
# Warm-up, not reported: the guest's memory is touched once before any
# row runs (256 MiB of pages, held, then freed), so that the first row
# that holds much (a 4 KiB batch) does not pay alone for the emulator
# mapping its RAM on first touch.
bench warm alloc=pages size=4k count=65536 pattern=batch cpu="$CPU" \
	sample=0 time="$TIME" >/dev/null
start=$(date +%s)
table
kv sys table_s $(( $(date +%s) - start ))
start=$(date +%s)
overhead
kv sys overhead_s $(( $(date +%s) - start ))
if [ "${MT_BENCH_SCALE:-1}" = 1 ]; then
	start=$(date +%s)
	scale
	kv sys scale_s $(( $(date +%s) - start ))
fi
# (read last: early on it may still be tsc-early)
kv sys clocksource "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)"
kv sys bench_bytes_after "$(sed -n 's/^bench_bytes: //p' "$D/mem_used")"
kv sys kept_chunks_after "$(sed -n 's/^kept_chunks: //p' "$D/mem_used")"
rmmod malloc_test || kv sys error "rmmod malloc_test failed"
dmesg | grep -E 'BUG:|WARNING:|Oops|Call Trace' | head -n 5 | sed 's/^/sys kernel_log: /'
exit 0
