#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# compare.sh - what `make compare` runs: the same benches on two kernels
# (three with C=), in alternating boots, A, B, A, B, ... ROUNDS of each, so
# that a drift of the host's speed hits both alike; then one table of the
# changes with their confidence intervals (harness/compare.py, statistics
# in harness/mtstats.py), as text and JSON, and the latency CDFs of each
# bench, A's and B's overlaid (harness/latplot.py, gnuplot).
#
# Each boot is harness/bench.sh --raw (harness/bench-guest.sh in the
# guest), with the MT_BENCH_* environment it passes on; this script only
# chooses the default bench set and the order of the boots.
#
# Documentation/compare.rst says what the table means and how it is
# computed.
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HARNESS/.." && pwd)
readonly HARNESS TOP
readonly VM=$HARNESS/vm.sh

# The default bench set: rows of make bench's table that finish on their
# count on 6.12 under TCG (6.1's kmalloc 4 KiB pairs, ten times slower,
# are cut: flagged t), every allocator, the slab's fast paths (64 B, 4 KiB
# pairs and batches) and its page-backed sizes, vmalloc's and the page
# allocator's batches: a boot takes 30 s (6.12) to 50 s (6.1) under TCG
# on a 2-CPU host, the boot itself some 5 s of it.
readonly DEFAULT_ROWS=kmalloc.64.pair,kmalloc.64.batch,kmalloc.4k.pair,kmalloc.4k.batch,kmalloc.64k.batch,kmalloc.1m.batch,vmalloc.64.batch,vmalloc.4k.batch,vmalloc.64k.batch,kvmalloc.64.pair,kvmalloc.4k.batch,kvmalloc.64k.batch,pages.4k.batch,pages.64k.batch,pages.1m.batch,cache.64.pair,cache.64.batch,cache.4k.batch,percpu.64.pair,percpu.64.batch

usage() {
	cat <<EOF
Usage: ${0##*/} A=KERNEL B=KERNEL [C=KERNEL] [ROUNDS=N] [APPEND_A=ARGS]
                [APPEND_B=ARGS] [APPEND_C=ARGS] [OUT=DIR] [TIMEOUT=SEC]
       ${0##*/} --from DIR    (or FROM=DIR)

Boot KERNEL A, then B (then C), ROUNDS times (default 5), each boot running
the same benches (harness/bench-guest.sh); print one table of B's ns/op
against A's (and C's against A's), with the change and its confidence
interval, written with the raw figures to OUT (default build/compare):
compare.txt, compare.json, A-1/results.txt ..., plots/*.svg, *.png.

  A=, B=, C=      a kernel: a lane (6.1, 6.12, debug), a Debian release
                  of one, or the path of a built kernel tree (as KERNEL=
                  of make run; Documentation/kernels.rst); the same
                  kernel on both sides is fine
  APPEND_A= ...   more kernel command line for that side alone, e.g.
                  APPEND_B=slub_debug=FZPU to weigh a debug option
  ROUNDS=N        boots of each kernel (default 5; 4 at least)
  OUT=DIR         where the boots and the results go
  TIMEOUT=SEC     give a boot up after SEC seconds (default 900)
  --from DIR      boot nothing: the table (and the pictures) again from
                  DIR's raw figures

Environment MT_BENCH_* passes to every boot (harness/bench-guest.sh);
make compare sets, unless given: MT_BENCH_ROWS (the default bench set,
below), MT_BENCH_ROUNDS=0 (no recording-overhead runs), MT_BENCH_SCALE=0
(no mtscale).  Default rows:
$(echo "${DEFAULT_ROWS//,/ }" | fold -s -w 72 | sed 's/^/  /')
EOF
}

say() { echo "compare.sh: $*" >&2; }
die() { say "$*"; exit 1; }

declare -A SPEC=() APPEND=()
rounds=5 out=$TOP/build/compare timeout=900 from=""
while (( $# )); do
	case $1 in
	A=*|B=*|C=*) SPEC[${1%%=*}]=${1#*=} ;;
	APPEND_[ABC]=*) APPEND[${1:7:1}]=${1#*=} ;;
	ROUNDS=*) rounds=${1#*=} ;;
	OUT=*) out=${1#*=} ;;
	TIMEOUT=*) timeout=${1#*=} ;;
	FROM=*) from=${1#*=} ;;
	--from)
		(( $# >= 2 )) || die "--from needs a directory"
		from=$2
		shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument '$1'" ;;
	esac
	shift
done

# ------------------------------------------------------------- report ---

# report DIR: the table (compare.py writes DIR/compare.txt and
# DIR/compare.json), then the pictures (DIR/plots/)
report() {
	python3 "$HARNESS/compare.py" "$1"
	echo
	"$HARNESS/plots.sh" "$1/plots" "$1"
}

if [[ -n $from ]]; then
	[[ -d $from ]] || die "no directory $from"
	report "$from"
	exit 0
fi

# ------------------------------------------------------------- kernels ---

[[ -n ${SPEC[A]:-} && -n ${SPEC[B]:-} ]] || { usage >&2; die "A= and B= are required"; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "bad ROUNDS '$rounds'"
(( rounds >= 4 )) || die "ROUNDS=$rounds: 4 boots of each at least (fewer give no 95 % interval)"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "bad TIMEOUT '$timeout'"
sides=(A B)
[[ -z ${SPEC[C]:-} ]] || sides+=(C)

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out"/[ABC]-[0-9]* "$out/plots"
rm -f "$out"/side-?.txt "$out/boots.txt" "$out/host.txt" "$out/compare.txt" "$out/compare.json"
declare -A NAME=()
# Each side checked (a tree vm.sh cannot boot is refused before anything
# is built), then its module built, again when its kernel is newer.
for s in "${sides[@]}"; do
	spec=${SPEC[$s]}
	NAME[$s]=$("$VM" name "$spec") || die "$s=$spec: harness/vm.sh refused it (above)"
done
for s in "${sides[@]}"; do
	name=${NAME[$s]}
	ko=$TOP/build/$name/malloc_test.ko
	kdir=$("$VM" kdir "$name") || die "$s=${SPEC[$s]}: no kernel to build against"
	[[ ! $kdir/Module.symvers -nt $ko ]] || rm -f "$ko"
	say "$s: building build/$name/malloc_test.ko"
	make -s -C "$TOP" "build/$name/malloc_test.ko" >"$out/build-$s.log" 2>&1 ||
		{ tail -n 20 "$out/build-$s.log" >&2; die "$s=${SPEC[$s]}: the module did not build"; }
	{
		echo "spec: ${SPEC[$s]}"
		echo "name: $name"
		echo "append: ${APPEND[$s]:-}"
		"$VM" describe "$name" "${APPEND[$s]:-}" | sed 's/^/describe: /'
	} >"$out/side-$s.txt"
done

# ---------------------------------------------------------------- host ---

qemu=$(qemu-system-x86_64 --version 2>/dev/null | sed -n '1s/^QEMU emulator version \([^ ]*\).*/\1/p')
accel=$("$VM" accel)
case $accel in
*tcg*) accel="TCG (emulated, $accel)" ;;
*) accel="KVM ($accel)" ;;
esac
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "module: $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '?')"
	echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs"
	echo "qemu: QEMU ${qemu:-?} $accel"
	echo "load_start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "rounds: $rounds"
	echo "order: ${sides[*]}"
} >"$out/host.txt"

# --------------------------------------------------------------- boots ---

export MT_BENCH_ROWS=${MT_BENCH_ROWS-$DEFAULT_ROWS}
export MT_BENCH_ROUNDS=${MT_BENCH_ROUNDS-0}
export MT_BENCH_SCALE=${MT_BENCH_SCALE-0}
say "${#sides[@]} kernels, $rounds boots each, alternating ${sides[*]}: about $((rounds * ${#sides[@]})) minutes under TCG"
start=$SECONDS
for (( r = 1; r <= rounds; r++ )); do
	for s in "${sides[@]}"; do
		t0=$SECONDS rc=0
		args=(--kernel "${NAME[$s]}" --out "$out/$s-$r" --raw --timeout "$timeout")
		[[ -z ${APPEND[$s]:-} ]] || args+=(--append "${APPEND[$s]}")
		"$HARNESS/bench.sh" "${args[@]}" >"$out/$s-$r.log" 2>&1 || rc=$?
		echo "$s $r rc=$rc secs=$((SECONDS - t0))" >>"$out/boots.txt"
		(( rc == 0 )) || say "$s round $r: the boot failed (status $rc): $out/$s-$r.log"
		say "round $r/$rounds: $s (${NAME[$s]}${APPEND[$s]:+ ${APPEND[$s]}}) took $((SECONDS - t0)) s"
	done
done
echo "load_end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/host.txt"
echo "boots_s: $((SECONDS - start))" >>"$out/host.txt"

report "$out"
