#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - what `make bench` runs: boot one guest (harness/vm.sh) that runs
# harness/bench-guest.sh, the allocator benches of the module's bench file,
# the latency recording's overhead and mtscale's bookkeeping scale, all in
# the one boot; then lay its raw "TAG key: value" figures out as one
# table, on stdout and in build/bench.txt (and OUT/bench.txt), and draw
# each row's latency CDF in build/bench-plots/ (harness/plots.sh).
#
# Documentation/bench.rst says what the figures mean.
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HARNESS/.." && pwd)
readonly HARNESS TOP
readonly VM=$HARNESS/vm.sh
readonly SMP=2

usage() {
	cat <<EOF
Usage: ${0##*/} [--kernel VER] [--out DIR] [--mem MB] [--timeout SEC]
                [--append ARGS] [--raw]
       ${0##*/} --from DIR

Boot one guest of kernel VER (default 6.12, ${SMP} vCPUs) with
build/VER/malloc_test.ko and build/bin (mtscale), run harness/bench-guest.sh
and print the table, also written to build/bench.txt and OUT/bench.txt.

  --kernel VER    the guest's kernel (default 6.12); its module must be
                  built: make build/VER/malloc_test.ko
  --out DIR       the guest's logs and raw figures (results.txt) go there
                  (default build/bench-VER)
  --mem MB        guest memory (default 2048: a million chunks kept and the
                  batches fit)
  --timeout SEC   give the guest up after SEC seconds (default 1500)
  --append ARGS   more kernel command line (slub_debug=FZPU, ...)
  --raw           boot and keep the raw figures (OUT/results.txt) only: no
                  table, build/bench.txt left alone (harness/compare.sh's
                  boots)
  --from DIR      boot nothing: lay out DIR/results.txt of an earlier run
                  (the host lines of the header are this machine's)

Environment MT_BENCH_* (see harness/bench-guest.sh) is passed to the guest,
e.g. MT_BENCH_TIME=2 MT_BENCH_SCALE=0 for a quick look.
EOF
}

say() { echo "bench.sh: $*" >&2; }
die() { say "$*"; exit 1; }

ver=6.12 out="" mem=2048 timeout=1500 from="" failed=0 extra="" raw=0
while (( $# )); do
	case $1 in
	--kernel|--out|--mem|--timeout|--from|--append)
		(( $# >= 2 )) || die "$1 needs a value"
		case $1 in
		--kernel) ver=$2 ;;
		--out) out=$2 ;;
		--mem) mem=$2 ;;
		--timeout) timeout=$2 ;;
		--from) from=$2 ;;
		--append) extra=$2 ;;
		esac
		shift 2 ;;
	--raw) raw=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument '$1'" ;;
	esac
done
[[ $mem =~ ^[1-9][0-9]*$ ]] || die "bad --mem '$mem'"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "bad --timeout '$timeout'"

# ---------------------------------------------------------------- boot ---

if [[ -n $from ]]; then
	out=$from
	[[ -f $out/results.txt ]] || die "no $out/results.txt"
else
	ko=$TOP/build/$ver/malloc_test.ko
	[[ -f $ko ]] || die "no $ko (make build/$ver/malloc_test.ko)"
	[[ -x $TOP/build/bin/mtscale ]] ||
		say "no build/bin/mtscale (make build/bin/mtscale): no scale figures"
	out=${out:-$TOP/build/bench-$ver}
	mkdir -p "$out"
	# The guest's tools: only what it runs.
	bin=$out/bin tests=$out/tests
	rm -rf "$bin" "$tests"
	mkdir -p "$bin" "$tests"
	[[ ! -x $TOP/build/bin/mtscale ]] || cp "$TOP/build/bin/mtscale" "$bin/"
	# MT_BENCH_* reach the guest's script as the kernel hands unknown
	# NAME=VALUE parameters to init: in its environment.
	append=""
	while IFS='=' read -r name value; do
		[[ $value =~ ^[A-Za-z0-9.,_-]*$ ]] || die "$name: only [A-Za-z0-9.,_-] can pass to the guest"
		append+="${append:+ }$name=$value"
	done < <(env | grep -E '^MT_BENCH_[A-Z_]+=' || true)
	append+="${extra:+${append:+ }$extra}"
	args=(boot "$ver" --module "$ko" --script "$HARNESS/bench-guest.sh"
		--tests "$tests" --bin "$bin" --out "$out" --timeout "$timeout"
		--mem "$mem" --smp "$SMP")
	[[ -z $append ]] || args+=(--append "$append")
	# What is booted, for the header (and a later --from).
	"$VM" describe "$ver" "$extra" >"$out/kernel.txt" || die "$ver: no kernel to describe"
	say "booting $ver (${SMP} vCPUs, $mem MiB); the benches take several minutes"
	start=$SECONDS
	rc=0
	"$VM" "${args[@]}" || rc=$?
	# A guest that died before its script said a word (TCG now and then
	# trips over the kernel patching its own code at boot) lost nothing:
	# boot it once more.
	if (( rc == 1 )) && [[ ! -s $out/results.txt ]]; then
		say "the guest died before the script started (console.log above); booting once more"
		start=$SECONDS
		rc=0
		"$VM" "${args[@]}" || rc=$?
	fi
	say "the guest ran $((SECONDS - start)) s; raw figures in $out/results.txt"
	if (( rc != 0 )); then
		# what it measured before it died is laid out all the same
		failed=1
		say "the guest did not finish (vm.sh status $rc); see $out/console.log"
	fi
	grep -aq '^MT-GUEST-DONE rc=0' "$out/results.txt" ||
		say "the guest script failed: $(grep -a 'sys error:' "$out/results.txt" | tr -d '\r' | head -n 3)"
	if (( raw )); then
		(( !failed )) || exit 1
		exit 0
	fi
fi

# ------------------------------------------------------------- figures ---

declare -A R=()
rows=() ovh_tags=()
declare -A seen=()
while IFS= read -r line || [[ -n $line ]]; do
	line=${line%$'\r'}
	[[ $line =~ ^([A-Za-z0-9_.]+)\ ([A-Za-z0-9_]+):\ ?(.*)$ ]] || continue
	tag=${BASH_REMATCH[1]} key=${BASH_REMATCH[2]}
	R[$tag.$key]=${BASH_REMATCH[3]}
	if [[ -z ${seen[$tag]:-} ]]; then
		seen[$tag]=1
		case $tag in
		t.*) rows+=("$tag") ;;
		ovh.*) ovh_tags+=("$tag") ;;
		esac
	fi
done <"$out/results.txt"

get() { echo "${R[$1]:-}"; }	# TAG.KEY, empty when absent

(( ${#rows[@]} + ${#ovh_tags[@]} )) || die "no bench figures in $out/results.txt"

size_label() {
	case $1 in
	*k) echo "${1%k} KiB" ;;
	*m) echo "${1%m} MiB" ;;
	*) echo "$1 B" ;;
	esac
}

# align SPEC: tab-separated lines on stdin, one column each, printed with
# two spaces between columns; SPEC has one letter a column, l or r.
align() {
	awk -F'\t' -v spec="$1" '
		{ line[NR] = $0; if (NF > nf) nf = NF
		  for (i = 1; i <= NF; i++) if (length($i) > w[i]) w[i] = length($i) }
		END {
			for (r = 1; r <= NR; r++) {
				n = split(line[r], f, "\t"); s = ""
				for (i = 1; i <= n; i++) {
					a = substr(spec, i, 1)
					cell = (a == "r") ? sprintf("%" w[i] "s", f[i]) \
							  : sprintf("%-" w[i] "s", f[i])
					s = s (i > 1 ? "  " : "") cell
				}
				sub(/ +$/, "", s); print s
			}
		}'
}

# median of the numbers given (the mean of the two middle ones when even)
median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
		if (!NR) exit
		if (NR % 2) print v[(NR + 1) / 2]
		else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# the same, for fractions: printed with three decimals
median_f() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) exit
		if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'; }

header() {
	local cpu cores qemu accel
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	cores=$(grep -c '^processor' /proc/cpuinfo)
	qemu=$(qemu-system-x86_64 --version 2>/dev/null | sed -n '1s/^QEMU emulator version \([^ ]*\).*/\1/p')
	accel=$("$VM" accel)
	case $accel in
	*tcg*) accel="TCG (emulated, $accel)" ;;
	*) accel="KVM ($accel)" ;;
	esac
	echo "malloc_test bench  $(date -u '+%Y-%m-%d %H:%M UTC')  module $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '?')"
	echo "host:  ${cpu:-unknown CPU}, $cores CPUs; QEMU ${qemu:-?} $accel"
	echo "guest: Linux $(get sys.kernel), $(get sys.cpus) vCPUs, $(( $(get sys.mem_kb) / 1024 )) MiB," \
		"clocksource $(get sys.clocksource); bench threads: 1, on CPU $(get sys.bench_cpu)"
	[[ -z $(get sys.mem_auto_init) ]] ||
		echo "       mem auto-init: $(get sys.mem_auto_init)"
	# harness/vm.sh describe's lines: release, compiler, allocator options
	[[ ! -s $out/kernel.txt ]] || sed 's/^/kernel: /' "$out/kernel.txt"
	echo
	if [[ $accel == KVM* ]]; then
		echo "Under KVM the guest runs on the host's CPU, but beside whatever else the host"
		echo "runs: compare the figures within this table, which one boot measured."
	else
		echo "Absolute numbers are NOT real-hardware numbers: QEMU's TCG translates every"
		echo "guest instruction, so each costs several times what it costs on the CPU; the"
		echo "host's load adds noise.  Compare within this table only: one boot measured it all."
	fi
}

main_table() {
	local tag a s p st end note k cnt
	echo
	echo "Per operation: an allocation or a free, each one operation.  ns/op: the thread's time"
	echo "over its operations, harness included; harness: the share of ns/op the same loop takes"
	echo "with no-ops in place of the allocator (timing and sampling included); alloc/free"
	echo "mean and p99: the allocator calls alone, of the sampled ones (sample=K: one in K"
	echo "timed; 1: every one).  bare: ns/op of a plain loop of the same calls, no timing, no"
	echo "checks; vs bare: ns/op over it.  pair: allocate and free at once, COUNT times; batch:"
	echo "COUNT allocations, then COUNT frees; bulk: pairs of bulk calls of 16 objects, COUNT"
	echo "objects (its bare: one object a call); remote: two threads on two CPUs, one allocating"
	echo "COUNT, the other freeing each (its free mean and p99: a free from another CPU); rcu:"
	echo "pairs freed through kfree_rcu() or kvfree_rcu() (its bare: freed at once)."
	echo "Allocations stop after $(get sys.time_limit_s) s (note: time limit)."
	echo
	{
		printf 'alloc\tsize\tpattern\tcount\tsample\tns/op\talloc mean\talloc p99\tfree mean\tfree p99\tops/s\tharness\tbare\tvs bare\tnote\n'
		for tag in "${rows[@]}"; do
			IFS=. read -r _ a s p <<<"$tag"
			st=$(get "$tag.state")
			note=""
			if [[ $st == refused || $st == stuck ]]; then
				printf '%s\t%s\t%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t%s\n' "$a" "$(size_label "$s")" \
					"$p" "$(get "$tag.asked_count")" "$st: $(r=$(get "$tag.reason"); echo "${r%%; usage:*}")"
				continue
			fi
			end=$(get "$tag.end")
			[[ $st == "done" ]] || note="state $st"
			if [[ $end == time ]]; then
				note+="${note:+; }time limit (asked $(get "$tag.asked_count"))"
			fi
			[[ $(get "$tag.errors") == 0 ]] || note+="${note:+; }$(get "$tag.errors") failed"
			k=$(get "$tag.sample")
			cnt=$(get "$tag.alloc_ops")
			local am ap fm fp
			if [[ $k == 0 || $(get "$tag.alloc_samples") == 0 ]]; then
				am=- ap=- fm=- fp=-
			else
				am=$(get "$tag.alloc_mean_ns") ap=$(get "$tag.alloc_p99_ns")
				fm=$(get "$tag.free_mean_ns") fp=$(get "$tag.free_p99_ns")
			fi
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
				"$a" "$(size_label "$s")" "$p" "${cnt:-?}" "$k" \
				"$(get "$tag.ns_per_op")" "$am" "$ap" "$fm" "$fp" \
				"$(get "$tag.ops_per_sec")" "$(get "$tag.harness_pct")%" \
				"$(get "$tag.bare_ns_per_op")" "$(get "$tag.vs_bare_pct")%" "$note"
		done
	} | align lllrrrrrrrrrrrl
}

# The sheaf capacity sweep: the cache batch rows of each size, the
# kernel's own capacity and those asked, speed beside footprint.
sheaf_table() {
	local tag a s p held idle lines=()
	for tag in "${rows[@]}"; do
		IFS=. read -r _ a s p <<<"$tag"
		[[ $a == cache && ( $p == batch || $p == sheaf* ) ]] || continue
		[[ $(get "$tag.state") == done ]] || continue
		held=$(get "$tag.peak_held_bytes")
		idle=$(get "$tag.idle_slab_bytes")
		lines+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s' "$(size_label "$s")" \
			"$( [[ $p == batch ]] && echo "kernel's" || echo "${p#sheaf}")" \
			"$(get "$tag.ns_per_op")" \
			"$(ratio "$(get "$tag.peak_slab_bytes")" "$held")" \
			"$(ratio "$(get "$tag.peak_free_drop_bytes")" "$held")" \
			"$(( ${idle:-0} >> 10 ))")")
	done
	# only with a sheaf row: else the batch rows alone say nothing new
	[[ " ${rows[*]} " == *".sheaf"* ]] || return 0
	echo
	echo "Sheaf capacity against speed and footprint (cache, batch): the kernel's own capacity"
	echo "and those asked (sheaf=, at least); ns/op, Slab's rise and MemFree's drop over"
	echo "what was held at the peak, and Slab's rise once every chunk was freed (idle: what"
	echo "the cache keeps for later, sheaves and slabs not given back)."
	echo
	{
		printf 'size\tsheaf\tns/op\tSlab over held\tMemFree over held\tidle Slab KiB\n'
		printf '%s\n' "${lines[@]}"
	} | align lrrrrr
}

# against_bare PATTERN WHAT LINE...: each PATTERN row's ns/op beside its
# own bare loop's (the same run: bulk's objects one call each, rcu's
# frees at once) and the pair row's; the LINEs head the table.
against_bare() {
	local want=$1 what=$2 tag a s p pair lines=()
	shift 2
	for tag in "${rows[@]}"; do
		IFS=. read -r _ a s p <<<"$tag"
		[[ $p == "$want" && $(get "$tag.state") == done ]] || continue
		pair=t.$a.$s.pair
		lines+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s' "$a" "$(size_label "$s")" \
			"$(get "$tag.ns_per_op")" "$(get "$tag.bare_ns_per_op")" \
			"$(ratio "$(get "$tag.ns_per_op")" "$(get "$tag.bare_ns_per_op")")" \
			"$(get "$pair.ns_per_op")" \
			"$(ratio "$(get "$tag.ns_per_op")" "$(get "$pair.ns_per_op")")")")
	done
	(( ${#lines[@]} )) || return 0
	echo
	printf '%s\n' "$@"
	echo
	{
		printf 'alloc\tsize\t%s ns/op\t%s (bare) ns/op\tratio\tpair ns/op\tratio\n' "$want" "$what"
		printf '%s\n' "${lines[@]}"
	} | align llrrrrr
}

bulk_table() {
	against_bare bulk single \
		"Bulk calls (16 objects a call) against single ones, per object: the bulk row's ns/op" \
		"beside its own bare loop (the same objects one call each, plain loop, same run) and" \
		"beside the pair row (one call each, the bench's loop); ratio: bulk over single."
}

rcu_table() {
	against_bare rcu now \
		"Frees through RCU (kfree_rcu(), kvfree_rcu()) against frees at once: the rcu row's" \
		"ns/op beside its own bare loop (the same pairs freed at once, plain loop, same run)" \
		"and beside the pair row (the bench's loop); ratio: rcu over now."
}

# The nolock allocators beside their peers (kmalloc_nolock beside
# kmalloc, pages_nolock beside pages), same size and pattern, same boot.
nolock_table() {
	local tag a s p peer lines=()
	for tag in "${rows[@]}"; do
		IFS=. read -r _ a s p <<<"$tag"
		[[ $a == *_nolock && $(get "$tag.state") == done ]] || continue
		peer=t.${a%_nolock}.$s.$p
		[[ $(get "$peer.state") == done ]] || continue
		lines+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$a" "$(size_label "$s")" "$p" \
			"$(get "$peer.ns_per_op")" "$(get "$tag.ns_per_op")" \
			"$(ratio "$(get "$tag.ns_per_op")" "$(get "$peer.ns_per_op")")" \
			"$(get "$peer.alloc_mean_ns")" "$(get "$tag.alloc_mean_ns")" \
			"$(get "$tag.errors") of $(get "$tag.count")")")
	done
	(( ${#lines[@]} )) || return 0
	echo
	echo "The allocators that take no lock beside their peers, same size and pattern, this"
	echo "boot; ratio: nolock over its peer.  failed: the nolock calls that returned NULL,"
	echo "which they may (kmalloc_nolock() needs cmpxchg16b, which TCG guests lack: there it"
	echo "fails every time, and its ns/op is the cost of failing)."
	echo
	{
		printf 'alloc\tsize\tpattern\tpeer ns/op\tnolock ns/op\tratio\tpeer alloc mean\tnolock alloc mean\tfailed\n'
		printf '%s\n' "${lines[@]}"
	} | align lllrrrrrr
}

# mempool_alloc() and mempool_free() over a cache beside the cache's own
# calls (the cache row of the same size and pattern), same boot.
mempool_table() {
	local tag a s p peer lines=()
	for tag in "${rows[@]}"; do
		IFS=. read -r _ a s p <<<"$tag"
		[[ $a == mempool && $(get "$tag.state") == done ]] || continue
		peer=t.cache.$s.$p
		[[ $(get "$peer.state") == done ]] || continue
		lines+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$(size_label "$s")" "$p" \
			"$(get "$peer.ns_per_op")" "$(get "$tag.ns_per_op")" \
			"$(ratio "$(get "$tag.ns_per_op")" "$(get "$peer.ns_per_op")")" \
			"$(get "$peer.free_mean_ns")" "$(get "$tag.free_mean_ns")" \
			"$(get "$tag.reserve")")")
	done
	(( ${#lines[@]} )) || return 0
	echo
	echo "A mempool over a cache (mempool_create_slab_pool(), its reserve full: the cache"
	echo "serves every call) beside the cache alone, same size and pattern, this boot; ratio:"
	echo "mempool over cache, the pool's own cost on the path that does not need it."
	echo
	{
		printf 'size\tpattern\tcache ns/op\tmempool ns/op\tratio\tcache free mean\tmempool free mean\treserve\n'
		printf '%s\n' "${lines[@]}"
	} | align llrrrrrr
}

# Footprint beside speed: each batch row's peak, as the module counts it
# and as the kernel shows it.
peak_table() {
	local tag a s p held slab drop lines=()
	for tag in "${rows[@]}"; do
		IFS=. read -r _ a s p <<<"$tag"
		[[ $p == batch && $(get "$tag.state") == done ]] || continue
		held=$(get "$tag.peak_held_bytes")
		slab=$(get "$tag.peak_slab_bytes")
		drop=$(get "$tag.peak_free_drop_bytes")
		[[ -n $held && $held != 0 ]] || continue
		lines+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$a" "$(size_label "$s")" \
			"$(get "$tag.ns_per_op")" "$(( held >> 10 ))" "$(( slab >> 10 ))" \
			"$(ratio "$slab" "$held")" "$(( drop >> 10 ))" "$(ratio "$drop" "$held")")")
	done
	(( ${#lines[@]} )) || return 0
	echo
	echo "Footprint beside speed, batch rows: what the run held at its peak (every chunk"
	echo "allocated), and the kernel's own figures then: Slab's rise and MemFree's drop since"
	echo "the run started, KiB, and each over held (exact to about a MiB: per-CPU counters)."
	echo
	{
		printf 'alloc\tsize\tns/op\theld KiB\tSlab +KiB\tover held\tMemFree -KiB\tover held\n'
		printf '%s\n' "${lines[@]}"
	} | align llrrrrrr
}

# Remote against local free: each remote row beside the pair row of the
# same allocator and size, in the same boot.
remote_table() {
	local tag a s p pair lines=()
	for tag in "${rows[@]}"; do
		IFS=. read -r _ a s p <<<"$tag"
		[[ $p == remote && $(get "$tag.state") == done ]] || continue
		pair=t.$a.$s.pair
		[[ $(get "$pair.state") == done ]] || continue
		lines+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$a" "$(size_label "$s")" \
			"$(get "$pair.ns_per_op")" "$(get "$tag.ns_per_op")" \
			"$(ratio "$(get "$tag.ns_per_op")" "$(get "$pair.ns_per_op")")" \
			"$(get "$pair.free_mean_ns")" "$(get "$tag.free_mean_ns")" \
			"$(ratio "$(get "$tag.free_mean_ns")" "$(get "$pair.free_mean_ns")")")")
	done
	(( ${#lines[@]} )) || return 0
	echo
	echo "Free from another CPU (remote) against the same CPU (pair), same allocator and size,"
	echo "this boot; ratio: remote over pair.  ns/op counts both remote threads' time, waits"
	echo "on the ring included; free mean is the free call alone."
	echo
	{
		printf 'alloc\tsize\tpair ns/op\tremote ns/op\tratio\tpair free mean\tremote free mean\tratio\n'
		printf '%s\n' "${lines[@]}"
	} | align llrrrrrr
}

scale_table() {
	local ns=() n k first last op r_mean r_p50 ok key
	for key in "${!R[@]}"; do
		[[ $key =~ ^scale\.n([0-9]+)_setup_ms$ ]] && ns+=("${BASH_REMATCH[1]}")
	done
	echo
	if (( ${#ns[@]} == 0 )) && [[ -z $(get scale.error) ]]; then
		echo "Bookkeeping scale: not run (MT_BENCH_SCALE=0)"
		return
	fi
	echo "Bookkeeping scale (mtscale: N 64-byte kmalloc chunks kept; each command one write()"
	echo "timed from user space, $(get scale.reps) of each; mem_free frees one 64-byte chunk after"
	echo "each mem_alloc; mem_realloc resizes a random chunk to 32..63 bytes, in place)."
	if [[ -n $(get scale.error) ]]; then
		echo "  mtscale failed: $(get scale.error)"
	fi
	(( ${#ns[@]} )) || { echo "  no figures"; return; }
	mapfile -t ns < <(printf '%s\n' "${ns[@]}" | sort -n)
	first=${ns[0]} last=${ns[-1]}
	echo
	{
		printf 'command'
		for n in "${ns[@]}"; do
			printf '\tN=%s mean\tp50\tp99' "$n"
		done
		printf '\tratio mean\tratio p50\twithin 2x\n'
		for op in mem_alloc mem_free mem_realloc; do
			printf '%s' "$op"
			for n in "${ns[@]}"; do
				printf '\t%s\t%s\t%s' "$(get "scale.n${n}_${op}_mean_ns")" \
					"$(get "scale.n${n}_${op}_p50_ns")" "$(get "scale.n${n}_${op}_p99_ns")"
			done
			r_mean=$(get "scale.ratio_${op}_mean") r_p50=$(get "scale.ratio_${op}_p50")
			ok=$(awk -v a="$r_mean" -v b="$r_p50" 'BEGIN {
				if (a == "" || b == "") print "-"
				else if (a <= 2 && b <= 2) print "yes"
				else if (a <= 2) print "NO (p50)"
				else if (b <= 2) print "NO (mean)"
				else print "NO" }')
			[[ $op != mem_alloc ]] || ok="($ok)"
			printf '\t%s\t%s\t%s\n' "${r_mean:--}" "${r_p50:--}" "$ok"
		done
	} | align lrrrrrrrrrrrrrrrrrr
	echo
	for n in "${ns[@]}"; do
		printf '  N=%s: setup %s ns a chunk (mem_rnd_alloc), free-all %s ns a chunk; %s of %s resizes left the size as it was\n' \
			"$n" "$(get "scale.n${n}_setup_ns_per_chunk")" \
			"$(get "scale.n${n}_free_all_ns_per_chunk")" \
			"$(get "scale.n${n}_realloc_unchanged")" "$(get scale.reps)"
	done
	echo "  ratios: N=$last over N=$first; mem_free and mem_realloc must stay within 2x."
}

overhead_table() {
	local k tag med r label
	local -A med_ops=() med_ns=() runs=() each=() left_out=()
	local bare_vals=()
	# the medians first: the table is printed in a pipe, a subshell
	for k in 0 64 1; do
		local vals=() ns_vals=() bad=""
		for tag in "${ovh_tags[@]}"; do
			[[ $tag == "ovh.$k."* ]] || continue
			if [[ $(get "$tag.state") != "done" || $(get "$tag.end") != count ]]; then
				bad+=" ${tag##*.}:$(get "$tag.state")/$(get "$tag.end")"
				continue
			fi
			vals+=("$(get "$tag.ops_per_sec")")
			ns_vals+=("$(get "$tag.ns_per_op")")
			bare_vals+=("$(get "$tag.bare_ns_per_op")")
		done
		runs[$k]=${#vals[@]}
		each[$k]=""
		(( ${#vals[@]} == 0 )) ||
			each[$k]="$(printf '%s\n' "${vals[@]}" | sort -n | head -n 1) .. $(printf '%s\n' "${vals[@]}" | sort -n | tail -n 1)"
		left_out[$k]=$bad
		(( ${#vals[@]} )) || continue
		med_ops[$k]=$(median "${vals[@]}")
		med_ns[$k]=$(median "${ns_vals[@]}")
	done
	echo
	echo "Recording overhead (kmalloc 64 B pairs, gfp=kernel, threads=1; runs of each sample= interleaved"
	echo "in one boot, the median ops/s of each compared with sample=0, recording off)."
	echo
	{
		printf 'sample\truns\tmedian ops/s\tmedian ns/op\tratio to off\tops/s min .. max\n'
		for k in 0 64 1; do
			med=${med_ops[$k]:-}
			if [[ $k == 0 ]]; then
				r=1
			elif [[ -n ${med_ops[0]:-} && -n $med ]]; then
				r=$(ratio "$med" "${med_ops[0]}")
			else
				r=-
			fi
			case $k in
			0) label="0 (off)" ;;
			64) label="64 (default)" ;;
			1) label="1 (every op)" ;;
			esac
			printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "${runs[$k]}" "${med:--}" \
				"${med_ns[$k]:--}" "$r" "${each[$k]}${left_out[$k]:+ (left out:${left_out[$k]})}"
		done
		# the reference: each run's bare loop of the same calls
		med_bare=""
		(( ${#bare_vals[@]} == 0 )) || med_bare=$(median "${bare_vals[@]}")
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "bare loop" "${#bare_vals[@]}" - \
			"${med_bare:--}" - "kmalloc(64, GFP_KERNEL); kfree(), plain loop, same runs"
	} | align lrrrrl
	# Each round's sample=64 over its own sample=0, run side by side.
	local pairs=() rnd a b
	for tag in "${ovh_tags[@]}"; do
		[[ $tag == ovh.0.* ]] || continue
		rnd=${tag##*.}
		a=$(get "ovh.64.$rnd.ops_per_sec") b=$(get "$tag.ops_per_sec")
		[[ $(get "$tag.state") == "done" && $(get "ovh.64.$rnd.state") == "done" &&
		   -n $a && -n $b ]] || continue
		pairs+=("$(ratio "$a" "$b")")
	done
	echo
	if [[ -n ${med_ops[0]:-} && -n ${med_ops[64]:-} ]]; then
		r=$(ratio "${med_ops[64]}" "${med_ops[0]}")
		echo "Recording overhead ratio, sample=64 (default) over sample=0: $r" \
			"($(awk -v r="$r" 'BEGIN { print (r >= 0.95) ? "within 5%" : "NOT within 5%" }'))"
		(( ${#pairs[@]} == 0 )) ||
			echo "  the same, round by round (median of ${#pairs[@]}): $(median_f "${pairs[@]}");" \
				"range $(printf '%s\n' "${pairs[@]}" | sort -n | head -n 1) .. $(printf '%s\n' "${pairs[@]}" | sort -n | tail -n 1)"
	else
		echo "Recording overhead ratio: no figures"
	fi
	[[ -z ${med_ops[1]:-} || -z ${med_ops[0]:-} ]] ||
		echo "Every operation timed, sample=1 over sample=0: $(ratio "${med_ops[1]}" "${med_ops[0]}")"
	# The bench's loop against a bare loop of the same calls, sample=0.
	local vb
	vb=""
	(( ${#bare_vals[@]} == 0 )) || vb=$(median "${bare_vals[@]}")
	if [[ -n ${med_ns[0]:-} && -n $vb && $vb != 0 ]]; then
		r=$(ratio "${med_ns[0]}" "$vb")
		echo "The bench's loop over a bare loop, sample=0, median ns/op: $r" \
			"($(awk -v r="$r" 'BEGIN { print (r <= 1.05) ? "within 5%" : "NOT within 5%" }'))"
	else
		echo "The bench's loop over a bare loop: no figures"
	fi
}

report() {
	header
	if (( failed )); then
		echo
		echo "INCOMPLETE RUN: the guest died or timed out; what follows is what it measured."
	fi
	main_table
	peak_table
	sheaf_table
	bulk_table
	rcu_table
	nolock_table
	mempool_table
	remote_table
	scale_table
	overhead_table
	local times=""
	[[ -z $(get sys.table_s) ]] || times+="table $(get sys.table_s) s, "
	[[ -z $(get sys.overhead_s) ]] || times+="overhead $(get sys.overhead_s) s, "
	[[ -z $(get sys.scale_s) ]] || times+="scale $(get sys.scale_s) s, "
	echo
	echo "(guest time: ${times}raw figures: ${out#"$TOP"/}/results.txt)"
	local log
	log=$(grep -a '^sys kernel_log: ' "$out/results.txt" | tr -d '\r' || true)
	[[ -z $log ]] || { echo "KERNEL LOG:"; printf '%s\n' "$log"; }
	grep -a '^sys error: ' "$out/results.txt" | tr -d '\r' || true
}

mkdir -p "$TOP/build"
report >"$TOP/build/bench.txt"
[[ $TOP/build/bench.txt -ef $out/bench.txt ]] || cp "$TOP/build/bench.txt" "$out/bench.txt"
cat "$TOP/build/bench.txt"
# each row's latency CDF (harness/latplot.py), in build/bench-plots/
echo
"$HARNESS/plots.sh" "$TOP/build/bench-plots" "$out" || say "the pictures failed"
(( !failed )) || die "INCOMPLETE: the guest did not finish; the table holds what it measured"
