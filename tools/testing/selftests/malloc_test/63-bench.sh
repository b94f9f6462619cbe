#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 63-bench.sh - the benchmark: the bench command file, bench_result and
# bench_latency, mem_used's bench_bytes.  The modes, state idle before the
# first run, the usage line; every refusal with its errno and its reason
# read back on the same fd (missing or bad keys and values, sizes past the
# allocator's largest, counts, threads, CPUs absent or offline, gfp=
# combinations, sample=, time=, ENOSPC past max_bytes, EBUSY while a run
# goes); a small run of every allocator with pattern pair and batch, and
# random: done by count, the parameters echoed, alloc_ops = free_ops =
# count x threads, errors 0, the figures consistent (ops_per_sec, ns_per_op
# from the threads' times, harness_pct), the samples (sample=1: every
# operation; sample=0: none) and bench_latency agreeing with them, the
# threads on distinct CPUs in order, their ops adding up; the kernel's own
# counters (pgalloc and pgfree in /proc/vmstat for pages, the bench's cache
# in /proc/slabinfo while a cache run goes, VmallocUsed back after each
# run); bench_bytes (exact while a run goes, 0 after); stop in each phase
# and when idle; time= ending a run; rmmod during a run, then a reload.
# Needs: a second CPU for the runs on two threads (else they run on
# one).  Sets up (mt_setup --fresh): malloc_test loaded afresh (no bench run
# since), nothing kept, no test, parameters at their defaults.  Leaves
# (mt_exit): malloc_test loaded again (reloaded here), nothing kept, no
# test, parameters at their defaults, every CPU online.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_setup --fresh

BN_OPS="alloc free harness_alloc harness_free"
PAGE=4096
nr_possible NCPU
param BN_MB0 max_bytes
mi BN_VM0 VmallocUsed

# bn_online VAR: the online CPUs, space separated, ascending
bn_online() {
	_cl=
	read -r _cl </sys/devices/system/cpu/online
	_cs=
	_ifs=$IFS
	IFS=,
	for _r in $_cl; do
		case $_r in
		*-*)
			_i=${_r%-*}
			while [ "$_i" -le "${_r#*-}" ]; do
				_cs="$_cs${_cs:+ }$_i"
				_i=$((_i + 1))
			done
			;;
		?*) _cs="$_cs${_cs:+ }$_r" ;;
		esac
	done
	IFS=$_ifs
	eval "$1=\$_cs"
}
bn_online ONLINE
NON=$(echo $ONLINE | wc -w)
T2=1
[ "$NON" -ge 2 ] && T2=2
# a CPU that does not exist: 7 unless it is possible
ABSENT_CPU=7
[ "$NCPU" -le 7 ] || ABSENT_CPU=$NCPU
diag "possible CPUs: $NCPU, online: $ONLINE; runs with several threads use $T2"

# bn_expect_cpus VAR THREADS [START]: "a,b,...": thread i on the i-th online
# CPU from START (default the first online one), wrapping around
bn_expect_cpus() {
	bn_online _on
	set -- "$1" "$2" "${3:-${_on%% *}}" $_on
	_ev=$1
	_et=$2
	_es=$3
	shift 3
	_n=$#
	_k=0
	_j=0
	for _c in "$@"; do
		[ "$_c" = "$_es" ] && _k=$_j
		_j=$((_j + 1))
	done
	_x=
	_i=0
	while [ $_i -lt "$_et" ]; do
		eval "_c=\${$(((_k + _i) % _n + 1))}"
		_x="$_x${_x:+,}$_c"
		_i=$((_i + 1))
	done
	eval "$_ev=\$_x"
}

# bn_cpulist VAR "a,b,...": the CPUs as a kernel CPU list, ascending, runs
# of three or more joined ("0-2,5"), as the bench's answer gives them
bn_cpulist() {
	_cl=
	_top=0
	for _n in $(echo "$2" | tr ',' ' '); do
		[ "$_n" -le "$_top" ] || _top=$_n
	done
	_n=0
	while [ $_n -le "$_top" ]; do
		case ",$2," in
		*",$_n,"*) _cl="$_cl $_n" ;;
		esac
		_n=$((_n + 1))
	done
	_out=
	_lo=
	_hi=
	for _n in $_cl; do
		if [ -n "$_hi" ] && [ "$_n" = $((_hi + 1)) ]; then
			_hi=$_n
			continue
		fi
		[ -z "$_lo" ] || _out="$_out${_out:+,}$_lo$([ "$_hi" != "$_lo" ] && echo "-$_hi")"
		_lo=$_n
		_hi=$_n
	done
	[ -z "$_lo" ] || _out="$_out${_out:+,}$_lo$([ "$_hi" != "$_lo" ] && echo "-$_hi")"
	eval "$1=\$_out"
}

# bkey VAR KEY: the value of "KEY: value" in $BR (bench_result), as it is
bkey() {
	_bt=$NL$BR$NL
	_x=
	case $_bt in
	*"$NL$2: "*)
		_x=${_bt#*"$NL$2: "}
		_x=${_x%%"$NL"*}
		;;
	esac
	eval "$1=\$_x"
}

# bn_state VAR: state in bench_result
bn_state() {
	fkey "$1" "$D/bench_result" state
}
bn_over() {
	bn_state _bs
	[ -n "$_bs" ] && [ "$_bs" != running ]
}
bn_is_running() {
	bn_state _bs
	[ "$_bs" = running ]
}

# bn_parse WORDS...: the run's parameters as B_* (defaults where not given)
bn_parse() {
	param B_alloc alloc
	B_sizew= B_count= B_threads=1 B_pattern=pair B_sample=64 B_time=10 B_cpu= B_gfp=
	for _w in "$@"; do
		case $_w in
		alloc=*) B_alloc=${_w#*=} ;;
		size=*) B_sizew=${_w#*=} ;;
		count=*) B_count=${_w#*=} ;;
		threads=*) B_threads=${_w#*=} ;;
		pattern=*) B_pattern=${_w#*=} ;;
		sample=*) B_sample=${_w#*=} ;;
		time=*) B_time=${_w#*=} ;;
		cpu=*) B_cpu=${_w#*=} ;;
		gfp=*) B_gfp=${BN_GFP_SHOWN:-${_w#*=}} ;;
		esac
	done
	# the default flags fail rather than call the OOM killer; the per-CPU
	# allocator keeps noretry, not retry_mayfail
	if [ -z "$B_gfp" ]; then
		B_gfp=kernel,retry_mayfail,nowarn
		[ "$B_alloc" = percpu ] && B_gfp=kernel,noretry,nowarn
	fi
	_n=${B_sizew%[bBkKmMgG]}
	case ${B_sizew#"$_n"} in
	k | K) B_size=$((_n * 1024)) ;;
	m | M) B_size=$((_n * 1048576)) ;;
	g | G) B_size=$((_n * 1073741824)) ;;
	*) B_size=$_n ;;
	esac
}

# bn_pg VAR_ALLOC VAR_FREE: the sums of /proc/vmstat's pgalloc_* lines
# (dma, dma32, normal, movable, ...) and pgfree; '' where the kernel has
# no such line (no CONFIG_VM_EVENT_COUNTERS)
bn_pg() {
	_pa=
	_pf=
	while read -r _k _v; do
		case $_k in
		pgalloc_*) _pa=$((${_pa:-0} + _v)) ;;
		pgfree) _pf=$_v ;;
		esac
	done </proc/vmstat
	eval "$1=\$_pa $2=\$_pf"
}

# bn_order BYTES: the page order of an allocation of BYTES
bn_order() {
	_p=$(((${1} + PAGE - 1) / PAGE))
	_o=0
	while [ $((1 << _o)) -lt $_p ]; do
		_o=$((_o + 1))
	done
	echo $_o
}

# bn_go WORDS...: writes the command; BN_RC, BN_OUT, BN_EV; BN_T0 := now
bn_go() {
	BW=$*
	bn_parse "$@"
	nowv BN_T0
	mtw bench "$@"
	BN_RC=$MT_RC
	BN_OUT=$MT_OUT
	BN_EV=$(mt_evidence)
}

# bn_wait MS: waits until the run is over (MS at most); BN_T1 := then; BR,
# BL := bench_result, bench_latency
bn_wait() {
	wait_until "$1" bn_over
	nowv BN_T1
	slurp BR "$D/bench_result"
	slurp BL "$D/bench_latency"
}

# ------------------------------------------------------------- checks ---
# Each is one verdict about the last run ($BW, $BR, $BL).

# bn_c_echo MODE: accepted, over with state done|stopped and end MODE,
# the parameters echoed
bn_c_echo() {
	_ws=done
	[ "$1" = stop ] && _ws=stopped
	expect "the write was refused: $BN_EV" [ "$BN_RC" = 0 ]
	bn_expect_cpus _wc "$B_threads" "$B_cpu"
	bn_cpulist _wl "$_wc"
	case $BN_OUT in
	"bench started"*" cpus=$_wl") ;;
	*) _E="${_E}the answer is not 'bench started... cpus=$_wl': '$BN_OUT'$NL" ;;
	esac
	for _kv in state:$_ws end:$1 alloc:$B_alloc size:$B_size count:$B_count threads:$B_threads \
		pattern:$B_pattern gfp:$B_gfp sample:$B_sample time_s:$B_time cpus:$_wc; do
		bkey _v "${_kv%%:*}"
		expect_eq "${_kv%%:*}" "$_v" "${_kv#*:}"
	done
	verdict "bench '$BW': accepted, over with state $_ws, end $1; bench_result echoes alloc size count threads pattern gfp sample time_s cpus" "$BR"
}

# bn_c_ops MODE: count: alloc_ops = free_ops = count x threads; time, stop:
# alloc_ops = free_ops (under count x threads); ops = the two; errors 0
bn_c_ops() {
	for _k in ops alloc_ops free_ops errors; do
		skey "b_$_k" "$BR" $_k
	done
	expect_eq errors "$b_errors" 0
	expect_eq "free_ops vs alloc_ops" "$b_free_ops" "$b_alloc_ops"
	expect_eq "ops vs alloc_ops + free_ops" "$b_ops" $((b_alloc_ops + b_free_ops))
	case $1 in
	count)
		expect_eq alloc_ops "$b_alloc_ops" $((B_count * B_threads))
		verdict "bench '$BW': alloc_ops = free_ops = count x threads ($((B_count * B_threads))), ops twice that, errors 0" "$BR"
		;;
	time)
		expect_range alloc_ops "$b_alloc_ops" 1 $((B_count * B_threads - 1))
		verdict "bench '$BW': ended by time: 0 < alloc_ops < count x threads, free_ops = alloc_ops, ops twice that, errors 0" "$BR"
		;;
	*)
		expect_range alloc_ops "$b_alloc_ops" "${BN_MIN_OPS:-0}" $((B_count * B_threads))
		verdict "bench '$BW': stopped: alloc_ops ($b_alloc_ops) >= ${BN_MIN_OPS:-0}, free_ops = alloc_ops (all freed), ops twice that, errors 0" "$BR"
		;;
	esac
}

# bn_c_figs: elapsed_ns, ns_per_op, harness_ns_per_op > 0; ops_per_sec =
# ops x 1e9 / elapsed_ns; ns_per_op = the threads' elapsed / ops;
# harness_pct = 100 x harness_ns_per_op / ns_per_op (each +-1 for the
# rounding of its inputs)
bn_c_figs() {
	for _k in ops elapsed_ns ops_per_sec ns_per_op harness_ns_per_op harness_pct; do
		skey "b_$_k" "$BR" $_k
	done
	expect_range elapsed_ns "$b_elapsed_ns" 1 100000000000000
	expect_range ns_per_op "$b_ns_per_op" 1 100000000000
	expect_range harness_ns_per_op "$b_harness_ns_per_op" 1 100000000000
	if isnum "$b_ops" && isnum "$b_elapsed_ns" && [ "$b_elapsed_ns" -gt 0 ] && [ "$b_ops" -gt 0 ]; then
		_x=$((b_ops * 1000000000 / b_elapsed_ns))
		expect_range "ops_per_sec (ops x 1e9 / elapsed_ns = $_x)" "$b_ops_per_sec" $((_x - 1)) $((_x + 1))
		_te=0
		_i=0
		while [ $_i -lt "$B_threads" ]; do
			skey _v "$BR" thread${_i}_elapsed_ns
			isnum "$_v" && _te=$((_te + _v))
			_i=$((_i + 1))
		done
		_x=$((_te / b_ops))
		expect_range "ns_per_op (the threads' elapsed, $_te, / ops = $_x)" "$b_ns_per_op" $((_x - 1)) $((_x + 1))
	fi
	if isnum "$b_ns_per_op" && isnum "$b_harness_ns_per_op" && [ "${b_ns_per_op:-0}" -gt 0 ]; then
		_lo=$((100 * b_harness_ns_per_op / (b_ns_per_op + 1)))
		_hi=$(((100 * (b_harness_ns_per_op + 1) + b_ns_per_op - 1) / b_ns_per_op))
		expect_range "harness_pct (100 x $b_harness_ns_per_op / $b_ns_per_op)" "$b_harness_pct" "$_lo" "$_hi"
	fi
	verdict "bench '$BW': elapsed_ns, ns_per_op, harness_ns_per_op > 0; ops_per_sec = ops x 1e9 / elapsed_ns, ns_per_op = threads' elapsed / ops, harness_pct = 100 x harness_ns_per_op / ns_per_op" "$BR"
}

# bn_costly: the last run's allocations cost microseconds each at least
# (vmalloc, pages, a kmalloc, kvmalloc or cache chunk past 8 KiB, a percpu
# one of 4 KiB or more): far above what the guest's noise adds to a
# harness operation
bn_costly() {
	case $B_alloc in
	vmalloc | pages) return 0 ;;
	percpu) [ "$B_size" -ge 4096 ] ;;
	*) [ "$B_size" -gt 8192 ] ;;
	esac
}

# bn_c_hpct: harness_pct <= 100: the no-op loop costs no more than the
# real one.  Asserted only where the real phase lasts 100 ms at least and
# its allocations are costly: under TCG one interrupt or one preemption
# of the vCPU (on a busy host, milliseconds) in a short harness phase is
# enough to make it the slower (seen: kmalloc 64 pair, harness 650 ns/op
# against 319; percpu 32 KiB, 20 operations, 244 us/op against 68, the
# host running two kernel builds).
bn_c_hpct() {
	skey b_harness_pct "$BR" harness_pct
	skey b_ns_per_op "$BR" ns_per_op
	skey b_harness_ns_per_op "$BR" harness_ns_per_op
	skey _ops "$BR" ops
	if bn_costly && isnum "$_ops" && isnum "$b_ns_per_op" &&
			[ $((_ops * b_ns_per_op)) -ge 100000000 ]; then
		check_range "bench '$BW': harness_pct <= 100 (harness $b_harness_ns_per_op ns/op, real $b_ns_per_op ns/op)" \
			"$b_harness_pct" 0 100
	else
		diag "bench '$BW': harness_pct $b_harness_pct (harness $b_harness_ns_per_op ns/op, real $b_ns_per_op ns/op, ${_ops:-?} operations): a cheap allocation or a short run, not asserted <= 100"
	fi
}

# bn_c_samples MODE: the samples as sample= asks, bench_latency well formed
# and the same as bench_result's figures
bn_c_samples() {
	for _p in $BN_OPS; do
		skey "s_$_p" "$BR" ${_p}_samples
	done
	skey b_alloc_ops "$BR" alloc_ops
	skey b_free_ops "$BR" free_ops
	lat_check _e "$BL" "$BN_OPS"
	[ -z "$_e" ] || _E="${_E}bench_latency: $_e$NL"
	for _p in $BN_OPS; do
		eval "_s=\$s_$_p _c=\$LAT_${_p}_count"
		expect_eq "bench_latency $_p count vs ${_p}_samples" "$_c" "$_s"
		for _f in mean min p50 p90 p99 p999 max; do
			skey _v "$BR" ${_p}_${_f}_ns
			eval "_l=\$LAT_${_p}_$_f"
			expect_eq "${_p}_${_f}_ns vs bench_latency's $_p $_f" "$_v" "$_l"
		done
	done
	case $B_sample in
	0)
		for _p in $BN_OPS; do
			eval "expect_eq ${_p}_samples \"\$s_$_p\" 0"
		done
		_w="sample=0: every *_samples 0, every figure 0"
		;;
	1)
		expect_eq "alloc_samples vs alloc_ops" "$s_alloc" "$b_alloc_ops"
		expect_eq "free_samples vs free_ops" "$s_free" "$b_free_ops"
		if [ "$1" = count ]; then
			expect_eq "harness_alloc_samples (the run ended by count)" "$s_harness_alloc" $((B_count * B_threads))
			expect_eq "harness_free_samples (the run ended by count)" "$s_harness_free" $((B_count * B_threads))
		fi
		_w="sample=1: alloc_samples = alloc_ops, free_samples = free_ops, harness the same"
		;;
	*)
		expect_range alloc_samples "$s_alloc" 1 "$b_alloc_ops"
		expect_range harness_alloc_samples "$s_harness_alloc" 1 $((B_count * B_threads))
		if [ "$B_pattern" = batch ]; then
			expect_range free_samples "$s_free" 1 "$b_free_ops"
			_w="sample=$B_sample: 1 <= samples <= ops"
		else
			expect_eq "free_samples (pairs are timed whole)" "$s_free" "$s_alloc"
			expect_eq "harness_free_samples (pairs are timed whole)" "$s_harness_free" "$s_harness_alloc"
			_w="sample=$B_sample: 1 <= alloc_samples <= alloc_ops, free_samples = alloc_samples (whole pairs)"
		fi
		;;
	esac
	verdict "bench '$BW': $_w; bench_latency well formed, its counts the *_samples, its figures bench_result's" "$BR" "$BL"
}

# bn_c_threads MODE: thread i on the i-th CPU of cpus, all distinct; each
# thread's ops (count: 2 x count; else even), summing to ops; its elapsed
# within 0 .. elapsed_ns; its ops_per_sec
bn_c_threads() {
	_mode=$1
	bkey _cpus cpus
	skey b_ops "$BR" ops
	skey b_elapsed_ns "$BR" elapsed_ns
	bn_expect_cpus _wc "$B_threads" "$B_cpu"
	expect_eq cpus "$_cpus" "$_wc"
	_sum=0
	_seen=
	_i=0
	_ifs=$IFS
	IFS=,
	set -- $_wc
	IFS=$_ifs
	while [ $_i -lt "$B_threads" ]; do
		skey _c "$BR" thread${_i}_cpu
		skey _o "$BR" thread${_i}_ops
		skey _t "$BR" thread${_i}_elapsed_ns
		skey _r "$BR" thread${_i}_ops_per_sec
		expect_eq "thread${_i}_cpu" "$_c" "$1"
		case " $_seen " in
		*" $_c "*) _E="${_E}thread${_i}_cpu $_c used twice$NL" ;;
		esac
		_seen="$_seen $_c"
		if [ "$_mode" = count ]; then
			expect_eq "thread${_i}_ops" "$_o" $((2 * B_count))
		else
			expect "thread${_i}_ops ($_o) is an even number" eval 'isnum "$_o" && [ $((_o % 2)) = 0 ]'
		fi
		if isnum "$_o"; then
			_sum=$((_sum + _o))
		fi
		expect_range "thread${_i}_elapsed_ns" "$_t" 1 $((b_elapsed_ns + b_elapsed_ns / 100 + 1))
		if isnum "$_t" && [ "$_t" -gt 0 ] && isnum "$_o"; then
			_x=$((_o * 1000000000 / _t))
			expect_range "thread${_i}_ops_per_sec ($_o x 1e9 / $_t = $_x)" "$_r" $((_x - 1)) $((_x + 1))
		fi
		shift
		_i=$((_i + 1))
	done
	expect_eq "the threads' ops summed vs ops" "$_sum" "$b_ops"
	skey _c "$BR" thread${B_threads}_cpu
	expect_eq "a thread${B_threads}_cpu line" "$_c" ""
	verdict "bench '$BW': $B_threads thread(s) on cpus $_wc (distinct, in order), per-thread ops add up to ops, elapsed within elapsed_ns, ops_per_sec right" "$BR"
}

# bn_c_left: nothing left: mem_used bench_bytes, bytes, chunks 0;
# VmallocUsed within 4 MiB of the case's start; no bench cache in
# /proc/slabinfo
bn_c_left() {
	slurp _u "$D/mem_used"
	for _k in bench_bytes bytes chunks; do
		skey _v "$_u" $_k
		expect_eq "mem_used $_k" "$_v" 0
	done
	mi _vm VmallocUsed
	expect_range "VmallocUsed against the case's start ($BN_VM0 kB)" $((_vm - BN_VM0)) -4096 4096
	if [ -z "$SLABINFO_WHY" ]; then
		slab_names _sl malloc_test_bench_
		expect_eq "malloc_test_bench_ caches in /proc/slabinfo" "$_sl" ""
	fi
	verdict "after bench '$BW': nothing left (mem_used bench_bytes, bytes, chunks 0; VmallocUsed back within 4 MiB; no malloc_test_bench_ cache)" "$_u"
}

# bn_run WORDS...: a run that must end by count, and every check of it;
# pages: pgalloc and pgfree rose by its allocations' pages at least
bn_run() {
	bn_parse "$@"
	[ "$B_alloc" = pages ] && bn_pg PGA0 PGF0
	bn_go "$@"
	bn_wait 120000
	bn_c_echo count
	bn_c_ops count
	bn_c_figs
	[ -n "$BN_NO_HPCT" ] || bn_c_hpct
	bn_c_samples count
	bn_c_threads count
	bn_c_left
	if [ "$B_alloc" = pages ] && [ "$B_pattern" != random ] && [ -z "$PGA0" ]; then
		skip "bench '$BW': /proc/vmstat pgalloc_* and pgfree rose by alloc_ops << order at least" \
			"/proc/vmstat has no pgalloc_* lines (a kernel without CONFIG_VM_EVENT_COUNTERS)"
	elif [ "$B_alloc" = pages ] && [ "$B_pattern" != random ]; then
		bn_pg PGA1 PGF1
		skey _ao "$BR" alloc_ops
		_o=$(bn_order "$B_size")
		_want=$((${_ao:-0} << _o))
		expect_range "pgalloc_* rise" $((PGA1 - PGA0)) "$_want" 1000000000000
		expect_range "pgfree rise" $((PGF1 - PGF0)) "$_want" 1000000000000
		expect "alloc_ops is a number above 0 ('$_ao')" eval '[ "${_ao:-0}" -gt 0 ] 2>/dev/null'
		verdict "bench '$BW': /proc/vmstat pgalloc_* and pgfree rose by alloc_ops << order ($_ao << $_o = $_want pages) at least" \
			"pgalloc $PGA0 -> $PGA1, pgfree $PGF0 -> $PGF1"
	fi
}

# b_refuse ERRNO GLOB WORDS...: refuse (one check: errno, "error: reason"
# on the same fd, nothing changed, the log line), then one check that the
# reason matches GLOB (names what is wrong)
b_refuse() {
	_be=$1
	_bg=$2
	shift 2
	refuse "$_be" bench "$@"
	case $MT_OUT in
	$_bg) pass "bench '$*': the reason names what is wrong ($_bg)" ;;
	*) fail "bench '$*': the reason names what is wrong ($_bg)" "read back: '$MT_OUT'" ;;
	esac
}

# ---------------------------------------------------- files, idle ---
for f in bench:600 bench_result:400 bench_latency:400; do
	check_eq "${f%:*} is a regular file with mode ${f#*:}" \
		"$([ -f "$D/${f%:*}" ] && echo file)$(stat -c %a "$D/${f%:*}" 2>&1)" "file${f#*:}"
done
slurp BR "$D/bench_result"
check_eq "bench_result before any run: just 'state: idle'" "$BR" "state: idle"
used v bench_bytes
check_eq "mem_used has bench_bytes, 0 with no run" "$v" 0
usage_of l bench
case $l in
"usage: bench "?*) pass "bench: a read before any write gives 'usage: bench ...'" ;;
*) fail "bench: a read before any write gives 'usage: bench ...'" "read: '$l'" ;;
esac

# ------------------------------------------------------------ refusals ---
b_refuse EINVAL '*size*' alloc=kmalloc count=10
b_refuse EINVAL '*count*' alloc=kmalloc size=64
b_refuse EINVAL '*size*' alloc=kmalloc size=0 count=10
b_refuse EINVAL '*size*' alloc=kmalloc size=abc count=10
b_refuse EINVAL '*size*' alloc=kmalloc size=4x count=10
b_refuse EINVAL '*' size=18446744073709551616 count=10
b_refuse EINVAL '*4194305*' alloc=kmalloc size=4194305 count=10
b_refuse EINVAL '*4194305*' alloc=pages size=4194305 count=10
b_refuse EINVAL '*1048577*' alloc=cache size=1048577 count=10
b_refuse EINVAL '*32769*' alloc=percpu size=32769 count=10
b_refuse EINVAL '*count*' alloc=kmalloc size=64 count=0
b_refuse EINVAL '*count*' alloc=kmalloc size=64 count=4294967296
b_refuse EINVAL '*count*' alloc=kmalloc size=64 count=1048577 pattern=batch
b_refuse EINVAL '*threads*' alloc=kmalloc size=64 count=10 threads=0
b_refuse EINVAL '*threads*' alloc=kmalloc size=64 count=10 threads=$((NON + 1))
b_refuse EINVAL "*$ABSENT_CPU*" alloc=kmalloc size=64 count=10 cpu=$ABSENT_CPU
b_refuse EINVAL '*4294967295*' alloc=kmalloc size=64 count=10 cpu=4294967295
b_refuse EINVAL '*foo*' alloc=kmalloc size=64 count=10 foo=1
b_refuse EINVAL '*count*' alloc=kmalloc size=64 count=10 count=20
b_refuse EINVAL '*zigzag*' alloc=kmalloc size=64 count=10 pattern=zigzag
b_refuse EINVAL '*bulk=4*alloc=kmalloc*' alloc=kmalloc size=64 count=10 bulk=4
b_refuse EINVAL '*bulk=4*pattern=pair or batch*random*' alloc=cache size=64 count=10 bulk=4 pattern=random
b_refuse EINVAL '*bulk=2*single pages*8192*' alloc=pages size=8192 count=10 bulk=2
b_refuse EINVAL '*bulk*' alloc=cache size=64 count=10 bulk=0
b_refuse EINVAL '*bulk*' alloc=cache size=64 count=10 bulk=513
b_refuse EINVAL '*sheaf=8*alloc=cache*kmalloc*' alloc=kmalloc size=64 count=10 sheaf=8
b_refuse EINVAL '*sheaf*' alloc=cache size=64 count=10 sheaf=0
b_refuse EINVAL '*sheaf*' alloc=cache size=64 count=10 sheaf=1025
b_refuse EINVAL '*pattern=remote*even*' alloc=kmalloc size=64 count=10 pattern=remote
[ "$NON" -lt 3 ] ||
	b_refuse EINVAL '*threads=3*pattern=remote*even*' alloc=kmalloc size=64 count=10 pattern=remote threads=3
b_refuse EINVAL '*slab*' alloc=slab size=64 count=10
b_refuse EINVAL '*noretry*' alloc=kmalloc size=64 count=10 gfp=atomic,noretry
b_refuse EINVAL '*nofail*' alloc=vmalloc size=64 count=10 gfp=kernel,nofail
b_refuse EINVAL '*nofail*' alloc=kmalloc size=8193 count=10 gfp=nofail
b_refuse EINVAL '*high*' alloc=kmalloc size=64 count=10 gfp=kernel,high
b_refuse EINVAL '*sample*' alloc=kmalloc size=64 count=10 sample=1000001
b_refuse EINVAL '*time*' alloc=kmalloc size=64 count=10 time=0
b_refuse EINVAL '*time*' alloc=kmalloc size=64 count=10 time=3601
ON=/sys/devices/system/cpu/cpu1/online
if [ "$NON" -ge 2 ] && [ -w $ON ] && echo 0 >$ON 2>/dev/null; then
	b_refuse EINVAL '*[Cc][Pp][Uu]*1*' alloc=kmalloc size=64 count=10 cpu=1
	b_refuse EINVAL '*threads*' alloc=kmalloc size=64 count=10 threads=2
	echo 1 >$ON
	read -r v <$ON
	check_eq "CPU 1 is online again" "$v" 1
else
	skip "bench with cpu=1 while CPU 1 is offline is refused" "cannot take CPU 1 offline ($ON)"
fi
slurp BR "$D/bench_result"
check_eq "after all these refusals bench_result still says just 'state: idle'" "$BR" "state: idle"

# ----------------------------------------- every allocator and pattern ---
# (sample=1 times every operation; sample=0 none; default 64)
bn_run alloc=kmalloc size=64 count=2000 pattern=pair sample=1
bn_run alloc=kmalloc size=64 count=2000 pattern=batch sample=1 threads=$T2
BN_GFP_SHOWN=atomic,nowarn
bn_run alloc=kmalloc size=1000 count=2000 pattern=random sample=0 gfp=nowarn,atomic
BN_GFP_SHOWN=
bn_run alloc=vmalloc size=16384 count=2000 pattern=pair sample=1
bn_run alloc=vmalloc size=16k count=2000 pattern=batch
bn_run alloc=vmalloc size=8192 count=2000 pattern=random sample=1 threads=$T2
bn_run size=32768 count=2000 sample=1
bn_run alloc=kvmalloc size=32K count=2000 pattern=batch sample=1
bn_run alloc=pages size=16384 count=2000 pattern=pair sample=1
if [ "$NON" -ge 2 ]; then
	bn_run alloc=pages size=16k count=2000 pattern=batch sample=1 cpu=1
else
	bn_run alloc=pages size=16k count=2000 pattern=batch sample=1
fi
bn_run alloc=pages size=20000 count=2000 pattern=random sample=64
BN_GFP_SHOWN=kernel,zero
bn_run alloc=cache size=256 count=2000 pattern=pair sample=1 gfp=zero,kernel
BN_GFP_SHOWN=
bn_run alloc=cache size=256 count=2000 pattern=batch sample=0
bn_run alloc=percpu size=64 count=2000 pattern=pair sample=1
bn_run alloc=percpu size=64 count=2000 pattern=batch sample=1 threads=$T2
# the largest sizes
bn_run alloc=percpu size=32k count=10 pattern=batch sample=1
bn_run alloc=cache size=1m count=4 pattern=batch sample=1
bn_run alloc=pages size=4m count=2 pattern=pair sample=1

# ------------------------------------------------- pattern=remote ---
# A pair of threads on two CPUs: the first allocates COUNT chunks and
# passes them through the pair's ring, the second frees them, every free
# a remote one.  alloc_ops = free_ops = COUNT, each thread's ops COUNT
# (the first's allocations, the second's frees), sample=1: every one
# timed; nothing charged once it is over.
if [ "$NON" -ge 2 ]; then
	for rw in "alloc=kmalloc size=64 count=20000 sample=1" \
		"alloc=cache size=256 count=5000 sample=64" \
		"alloc=pages size=4096 count=3000 sample=1" \
		"alloc=percpu size=64 count=2000 sample=0" \
		"alloc=vmalloc size=8192 count=500 sample=1"; do
		set -- $rw
		rc=${3#count=}
		bn_go $rw threads=2 pattern=remote time=120
		bn_wait 240000
		_E=
		expect "the write was accepted: $BN_EV" [ "$BN_RC" = 0 ]
		for kv in state:done end:count pattern:remote threads:2 alloc_ops:$rc \
			free_ops:$rc errors:0 ops:$((2 * rc)) thread0_ops:$rc \
			thread1_ops:$rc; do
			bkey v "${kv%%:*}"
			expect_eq "${kv%%:*}" "$v" "${kv#*:}"
		done
		bkey c0 thread0_cpu
		bkey c1 thread1_cpu
		expect "the pair's threads on two CPUs ($c0, $c1)" [ "$c0" != "$c1" ]
		bkey sa alloc_samples
		bkey sf free_samples
		case $4 in
		sample=1)
			expect_eq alloc_samples "$sa" "$rc"
			expect_eq "free_samples (each remote free)" "$sf" "$rc" ;;
		sample=0)
			expect_eq "alloc_samples free_samples" "$sa $sf" "0 0" ;;
		*)
			expect_range alloc_samples "$sa" 1 "$rc"
			expect_range "free_samples (timed on their own)" "$sf" 1 "$rc" ;;
		esac
		used bb bench_bytes
		expect_eq "bench_bytes once over" "$bb" 0
		verdict "bench '$rw pattern=remote threads=2': one thread allocates $rc, the other frees them on another CPU; every figure counts them once" "$BR"
	done
else
	skip "bench pattern=remote: a pair of threads on two CPUs" "one CPU online"
fi

# ---------------------------------------------------------- bulk= ---
# The objects B a call: alloc_ops = free_ops = COUNT (objects), sample=1
# times each call (COUNT / B rounded up, each way), bench_result says
# bulk, the bare loop one object a call; pages: /proc/vmstat's pgalloc_*
# and pgfree rise by COUNT at least.
for bw in "alloc=cache size=256 count=4096 bulk=16 pattern=pair" \
	"alloc=cache size=64 count=10000 bulk=64 pattern=batch" \
	"alloc=pages size=4096 count=3200 bulk=32 pattern=pair" \
	"alloc=pages size=100 count=2000 bulk=7 pattern=batch"; do
	set -- $bw
	bc=${3#count=}
	bb=${4#bulk=}
	bn_pg PGA0 PGF0
	bn_go $bw sample=1
	bn_wait 120000
	_E=
	expect "the write was accepted: $BN_EV" [ "$BN_RC" = 0 ]
	case $BN_OUT in
	"bench started: "*" bulk=$bb cpus="*) ;;
	*) _E="${_E}the answer does not say bulk=$bb before cpus=: '$BN_OUT'$NL" ;;
	esac
	calls=$(((bc + bb - 1) / bb))
	for kv in state:done end:count bulk:$bb alloc_ops:$bc free_ops:$bc errors:0 \
		ops:$((2 * bc)) alloc_samples:$calls free_samples:$calls \
		harness_alloc_samples:$calls bare_ops:$((2 * bc)); do
		bkey v "${kv%%:*}"
		expect_eq "${kv%%:*}" "$v" "${kv#*:}"
	done
	bkey vb vs_bare_pct
	expect "vs_bare_pct is a number ('$vb')" isnum "$vb"
	if [ "$1" = alloc=pages ] && [ -n "$PGA0" ]; then
		bn_pg PGA1 PGF1
		expect_range "pgalloc_* rise" $((PGA1 - PGA0)) "$bc" 1000000000000
		expect_range "pgfree rise" $((PGF1 - PGF0)) "$bc" 1000000000000
	fi
	used ub bench_bytes
	expect_eq "bench_bytes once over" "$ub" 0
	verdict "bench '$bw sample=1': $bc objects $bb a call, each call timed ($calls), the bare loop one a call$([ "$1" = alloc=pages ] && echo "; pgalloc_* and pgfree rose by $bc at least")" "$BR"
done

# ---------------------------------------------------------- sheaf= ---
# Where the kernel has sheaves (6.18 on: its caches show sheaf_capacity
# in /sys/kernel/slab), the bench's cache gets sheaves of the capacity
# asked at least (7.x gives every cache sheaves of its own size and keeps
# the larger: 256 is above any it picks), seen there while the run goes,
# and bench_result says what was asked; before, sheaf= is refused with
# the reason.
if ls /sys/kernel/slab/*/sheaf_capacity >/dev/null 2>&1; then
	for sc in 4 256; do
		bn_go alloc=cache size=192 count=4294967295 sheaf=$sc time=2 sample=0
		wait_until 10000 eval '[ -r /sys/kernel/slab/malloc_test_bench_192/sheaf_capacity ]'
		read -r cap </sys/kernel/slab/malloc_test_bench_192/sheaf_capacity 2>/dev/null
		bn_wait 60000
		bkey sh sheaf
		bkey st state
		_E=
		expect "the write was accepted: $BN_EV" [ "$BN_RC" = 0 ]
		case $BN_OUT in
		"bench started: "*" sheaf=$sc cpus="*) ;;
		*) _E="${_E}the answer does not say sheaf=$sc: '$BN_OUT'$NL" ;;
		esac
		if [ "$sc" = 256 ]; then
			expect_eq "the cache's sheaf_capacity in /sys/kernel/slab" "$cap" "$sc"
		else
			expect_range "the cache's sheaf_capacity in /sys/kernel/slab" "$cap" "$sc" 1024
		fi
		expect_eq "bench_result's sheaf" "$sh" "$sc"
		expect_eq state "$st" done
		verdict "bench alloc=cache sheaf=$sc: the bench's cache has sheaves of $sc objects at least ($cap, /sys/kernel/slab), bench_result says $sc" "$BR"
	done
else
	b_refuse EINVAL '*sheaf=8*no sheaves*6.18*' alloc=cache size=64 count=10 sheaf=8
fi

# ------------------------------------------------------- release=rcu ---
# The allocator phase frees through kfree_rcu() (kvfree_rcu() for
# vmalloc), the bare phase at once: vs_bare_pct is one against the other.
# Every chunk the run made is charged for the run (bench_bytes), then
# kept charged as rcu_pending_bytes until the kernel may have freed it.
b_refuse EINVAL '*release=rcu*pages*' alloc=pages size=4096 count=10 release=rcu
b_refuse EINVAL '*release=rcu*16 bytes*' alloc=kmalloc size=8 count=10 release=rcu
b_refuse EINVAL '*release=rcu*bulk=16*' alloc=cache size=64 count=10 bulk=16 release=rcu
[ "$NON" -lt 2 ] ||
	b_refuse EINVAL '*release=rcu*remote*' alloc=kmalloc size=64 count=10 threads=2 pattern=remote release=rcu
b_refuse EINVAL "*unknown release 'soon'*" alloc=kmalloc size=64 count=10 release=soon
for rw in "alloc=kmalloc size=64 count=20000 fp=64" \
	"alloc=vmalloc size=4096 count=300"; do
	set -- $rw
	rc=${3#count=}
	bn_go $1 $2 $3 release=rcu sample=1 time=120
	bn_wait 240000
	wait_until 5000 eval 'used _bb bench_bytes; [ "$_bb" = 0 ]'
	used pend rcu_pending_bytes
	_E=
	expect "the write was accepted: $BN_EV" [ "$BN_RC" = 0 ]
	case $BN_OUT in
	"bench started: "*" release=rcu cpus="*) ;;
	*) _E="${_E}the answer does not say release=rcu: '$BN_OUT'$NL" ;;
	esac
	for kv in state:done end:count release:rcu alloc_ops:$rc free_ops:$rc \
		errors:0 bare_ops:$((2 * rc)); do
		bkey v "${kv%%:*}"
		expect_eq "${kv%%:*}" "$v" "${kv#*:}"
	done
	bkey vb vs_bare_pct
	expect "vs_bare_pct is a number: '$vb'" isnum "${vb#-}"
	case ${4:-} in
	fp=*) expect_eq "rcu_pending_bytes once over: every chunk's footprint" "$pend" $((rc * ${4#fp=})) ;;
	*) expect_range "rcu_pending_bytes once over: every chunk's footprint" "$pend" $((rc * 4096)) $((rc * 12288)) ;;
	esac
	verdict "bench '$1 $2 $3 release=rcu': $rc chunks freed through RCU, $rc at once by the bare loop (bare_ops counts both calls; vs_bare_pct $vb: RCU against at once); $pend bytes kept charged once over" "$BR"
	check "and rcu_pending_bytes back to 0 within 15 s" rcu_settle
done

# ------------------------------------------ a batch's peak footprint ---
# 64 MiB held at the peak: peak_held_bytes is the chunks' bytes, and the
# kernel's own figures then, Slab's rise and MemFree's drop, agree with
# it: Slab for a slab cache (within the slabs' overhead; KASAN's redzones
# and quarantine make it larger there), hardly at all for pages; MemFree
# drops by at least nine tenths of it either way.  Once every chunk is
# freed, Slab's rise (idle_slab_bytes) is far below it.  A pair run shows 0.
for pw in "alloc=cache size=4096 count=16384" "alloc=pages size=4096 count=16384"; do
	set -- $pw
	bn_go $pw pattern=batch sample=0 time=120
	bn_wait 240000
	bkey ph peak_held_bytes
	bkey ps peak_slab_bytes
	bkey pf peak_free_drop_bytes
	bkey pi idle_slab_bytes
	bkey ao alloc_ops
	held=$((16384 * 4096))
	_E=
	expect_eq "alloc_ops" "$ao" 16384
	# all freed: what the cache keeps is far less than it held (KASAN's
	# quarantine keeps freed objects: not bounded there)
	[ -n "$MT_KASAN" ] ||
		expect_range "idle_slab_bytes (every chunk freed)" "$pi" 0 $((held / 4))
	expect_eq peak_held_bytes "$ph" "$held"
	expect_range "peak_free_drop_bytes (at least 9/10 of held)" "$pf" $((held / 10 * 9)) $((held * 3))
	if [ "$1" = alloc=cache ]; then
		if [ -n "$MT_KASAN" ]; then
			expect_range "peak_slab_bytes (at least 9/10 of held; $MT_KASAN_WHY)" "$ps" $((held / 10 * 9)) $((held * 4))
		else
			expect_range "peak_slab_bytes (held, within the slabs' overhead)" "$ps" $((held / 10 * 9)) $((held / 4 * 5 + 8388608))
		fi
	else
		expect_range "peak_slab_bytes (pages: no slab but the run's own)" "$ps" 0 8388608
	fi
	verdict "bench '$pw pattern=batch': at its peak it held $ph bytes; the kernel showed Slab +$ps, MemFree -$pf; Slab +$pi once all was freed" "$BR"
done
bn_go alloc=kmalloc size=64 count=20000 pattern=pair sample=0
bn_wait 120000
bkey ph peak_held_bytes
bkey ps peak_slab_bytes
bkey pf peak_free_drop_bytes
bkey pi idle_slab_bytes
check_eq "a pair run has no peak: peak_held_bytes, peak_slab_bytes, peak_free_drop_bytes, idle_slab_bytes 0" "$ph $ps $pf $pi" "0 0 0 0" "$BR"

# ---------------------- the bench's cache while a batch run goes ---
# (batch count at its largest, 1/8 of it on KASAN, where it takes 80 s;
# bench_bytes = count x 16 for the whole run)
CC=1048576
[ -z "$MT_KASAN" ] || CC=131072
bn_go alloc=cache size=16 count=$CC pattern=batch sample=0 time=120
seen=
bb=
good=0
i=0
while [ $i -lt 1200 ]; do
	bn_state s0
	[ "$s0" = running ] || break
	slab_names sl malloc_test_bench_
	used v bench_bytes
	bn_state s1
	if [ "$s1" = running ]; then
		good=$((good + 1))
		[ -n "$bb" ] || bb=$v
		[ -z "$sl" ] || seen=$sl
	fi
	[ -n "$seen" ] && break
	i=$((i + 1))
	sleep 0.05
done
if [ -n "$SLABINFO_WHY" ]; then
	skip "bench '$BW': its cache is in /proc/slabinfo while it runs" "$SLABINFO_WHY"
elif [ -n "$seen" ]; then
	pass "bench '$BW': its cache is in /proc/slabinfo while it runs ($seen)"
elif [ "$good" -ge 3 ]; then
	fail "bench '$BW': its cache is in /proc/slabinfo while it runs" "no malloc_test_bench_ cache in $good reads of /proc/slabinfo while it ran"
else
	skip "bench '$BW': its cache is in /proc/slabinfo while it runs" "the run was over before it could be seen ($good reads)"
fi
# what the run is charged: its chunks' footprint (16 each), its slot
# array (8 bytes a chunk), its thread, run and cache (under 1 MiB)
if [ "$good" -ge 1 ]; then
	check_range "bench '$BW': mem_used bench_bytes while it runs = count x (16 + 8) + under 1 MiB" \
		"$bb" $((24 * CC)) $((24 * CC + 1048576))
else
	skip "bench '$BW': mem_used bench_bytes while it runs" "the run was over before it could be read"
fi
bn_wait 180000
# (a slow kernel may reach time= first)
bkey e end
[ "$e" = time ] || e=count
bn_c_echo "$e"
bn_c_ops "$e"
bn_c_left

# bn_stop WHEN: write stop to a running run and wait for its end; check
# the answer says stopped and the run is over within 10 s; BR :=
# bench_result
bn_stop() {
	nowv _bs0
	mtw bench stop
	_brc=$MT_RC
	_bout=$MT_OUT
	wait_until 15000 bn_over
	nowv _bs1
	slurp BR "$D/bench_result"
	case $_bout in
	*stopped*) _bok=1 ;;
	*) _bok= ;;
	esac
	check_eq "'stop' $1: accepted, the answer says stopped" "$_brc${_bok:+ stopped}" "0 stopped" "answer: '$_bout'"
	check_range "the run stopped $1 is over within 10 s of the stop ($((_bs1 - _bs0)) ms)" $((_bs1 - _bs0)) 0 10000
}

# ------------------------------ stop in the real loop; EBUSY ---
# A batch of 4 KiB vmalloc chunks: the harness's no-ops for that count take
# milliseconds, the allocations seconds: 0.3 s in, the real loop
# runs, whichever phase comes first.
if [ "$NON" -ge 2 ]; then
	set -- threads=2 cpu=1
else
	set --
fi
bn_go alloc=vmalloc size=4k count=80000 pattern=batch sample=0 time=60 "$@"
slurp BR "$D/bench_result"
bn_expect_cpus wc "$B_threads" "$B_cpu"
bkey st state
bkey en end
bkey cp cpus
bkey co count
used bb bench_bytes
check_eq "bench '$BW': accepted; while it runs: state running, end -, count 80000, cpus $wc" \
	"$BN_RC|$st|$en|$co|$cp" "0|running|-|80000|$wc" "$BN_EV" "$BR"
check_range "bench '$BW': mem_used bench_bytes while it runs = threads x count x (4 KiB vmalloc and its descriptors + 8 bytes of slot) + under 1 MiB" \
	"$bb" $((B_threads * 80000 * (4096 + 8))) $((B_threads * 80000 * (4096 + 512 + 9) + 1048576))
b_refuse EBUSY '*stop*' alloc=kmalloc size=64 count=10
bn_state st
check_eq "the run goes on after the refused command" "$st" running
nowv now
[ $((BN_T0 + 300 - now)) -le 0 ] || sleep 0.$(((BN_T0 + 300 - now) / 100))
bn_state st
diag "state before the stop: $st"
bn_stop "while it runs"
slurp BL "$D/bench_latency"
BN_MIN_OPS=1
bn_c_ops stop
BN_MIN_OPS=
bn_c_echo stop
bn_c_threads stop
bn_c_left

# ------------------------------------------- stop early; idle ---
# the largest count, sample and time
bn_go alloc=vmalloc size=4k count=4294967295 sample=1000000 time=3600
sleep 0.5
bn_state st
used bb bench_bytes
check_eq "bench '$BW': accepted, running after 0.5 s" "$BN_RC $st" "0 running" "$BN_EV"
check_range "bench '$BW': bench_bytes = one 4 KiB vmalloc chunk, its thread and run (under 256 KiB)" \
	"$bb" 4096 262144
bn_stop early
bn_c_echo stop
bn_c_ops stop
bn_c_left
s1=$BR
mtw bench stop
case $MT_OUT in
*"no bench running"*) ok=1 ;;
*) ok= ;;
esac
slurp BR "$D/bench_result"
check_eq "'stop' with no run going: accepted (0), the answer says no bench running, bench_result unchanged" \
	"$MT_RC${ok:+ no bench running}$([ "x$BR" = "x$s1" ] && echo ", unchanged")" "0 no bench running, unchanged" \
	"$(mt_evidence)"

# ---------------------------------------------------- time= ends it ---
bn_go alloc=kmalloc size=64 count=4294967295 time=1 threads=$T2
bn_wait 60000
check_range "bench '$BW': time=1 ends the allocation phase, the harness repeats as many iterations: over $((BN_T1 - BN_T0)) ms after the write (0.9 s to 30 s)" \
	$((BN_T1 - BN_T0)) 900 30000
bn_c_echo time
bn_c_ops time
skey v "$BR" elapsed_ns
check_range "bench '$BW': elapsed_ns of the allocation phase >= 0.9 s" "$v" 900000000 60000000000
bn_c_figs
bn_c_samples time
bn_c_threads time
bn_c_left

# ------------------------------------------------ ENOSPC: max_bytes ---
# A run is charged its chunks' footprint (600000 bytes of kmalloc: a 1 MiB
# page order), slots, thread and run: a 1 KiB batch of 1200 passes 1.2 MB.
setparam max_bytes 1200000
check_eq "max_bytes = 1200000 is taken" "$MT_RC" 0 "$MT_ERR"
b_refuse ENOSPC '*max_bytes*' alloc=kmalloc size=1k count=1200 pattern=batch
b_refuse ENOSPC '*max_bytes*' alloc=kmalloc size=2m count=10
if [ "$NON" -ge 2 ]; then
	b_refuse ENOSPC '*max_bytes*' alloc=kmalloc size=1k count=600 pattern=batch threads=2
	b_refuse ENOSPC '*max_bytes*' alloc=kmalloc size=600000 count=10 threads=2
else
	skip "with two threads the charge doubles: refused with ENOSPC" "one CPU online"
fi
bn_run alloc=kmalloc size=600000 count=10 sample=1
bn_run alloc=kmalloc size=1k count=900 pattern=batch sample=1
setparam max_bytes "$BN_MB0"
param v max_bytes
check_eq "max_bytes restored to $BN_MB0" "$v" "$BN_MB0"

# ------------------------------------------ rmmod during a run ---
bn_go alloc=vmalloc size=4k count=100000 pattern=batch sample=0 time=60
wait_until 5000 bn_is_running
sleep 0.5
bn_state st
used bb bench_bytes
mi vm VmallocUsed
check_eq "bench '$BW': running 0.5 s later" "$BN_RC $st" "0 running" \
	"$BN_EV" "VmallocUsed: $BN_VM0 kB before, $vm kB now"
check_range "bench '$BW': bench_bytes = count x (4 KiB vmalloc and its descriptors + 8 bytes of slot) + under 1 MiB" \
	"$bb" $((100000 * (4096 + 8))) $((100000 * (4096 + 512 + 9) + 1048576))
kmark
nowv t0
rmmod malloc_test 2>"$MT_TMP/rmmod"
rc=$?
nowv t1
if [ "$rc" = 0 ] && ! loaded && [ ! -e "$D" ]; then
	pass "rmmod during the run succeeds ($((t1 - t0)) ms), the module and its files are gone"
else
	fail "rmmod during the run succeeds, the module and its files are gone" "rmmod status $rc: $(cat "$MT_TMP/rmmod")" "$(ksince | tail -5)"
	unload
fi
check_range "rmmod during the run returns promptly (within 20 s: $((t1 - t0)) ms)" $((t1 - t0)) 0 20000
mi vm VmallocUsed
check_range "after rmmod, VmallocUsed is back within 4 MiB of the case's start ($BN_VM0 kB; now $vm kB)" \
	$((vm - BN_VM0)) -4096 4096
slab_names sl malloc_test_
slab_check "after rmmod, no malloc_test_ cache in /proc/slabinfo" "$sl" ""
mt_insmod
check_eq "insmod again succeeds" "$?" 0 "$(cat "$MT_TMP/insmod")"
slurp BR "$D/bench_result"
used v bench_bytes
param mb max_bytes
check_eq "after the reload: bench_result just 'state: idle', bench_bytes 0, max_bytes at its default" \
	"$BR|$v|$mb" "state: idle|0|$BN_MB0"
bn_run alloc=kmalloc size=64 count=100 sample=1
mt_exit
