#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 75-fuzz.sh - mtfuzz (mtfuzz.c): 100,000 random, malformed and
# mutated commands into every command file and every parameter, on a
# freshly loaded module, while timed tests run.  Every malformed command is
# refused with EINVAL and changes nothing; no errno outside the documented
# set, no short write, every answer well formed, mem_used consistent after
# every write.  The commands use every option (alloc= with the six
# allocators, gfp=, node=, ctx=, cpu=, free=, avail=), valid, broken and
# at odds; mem_alloc's avail= only below pressure_margin (refused) or far
# above MemAvailable (nothing kept), never between: no real pressure.
# The run is against a small max_bytes (8 MiB), max_atomic_bytes (256 KiB)
# and max_tests (8): what cannot fit must be refused with ENOSPC, and the
# footprint is checked after every write (charged_bytes <= max_bytes,
# atomic_bytes <= max_atomic_bytes, the kept chunks' footprint), exactly at
# quiet points (every test stopped: charged_bytes is the sum of its parts),
# and against the kernel (VmallocUsed, Slab but on KASAN, Percpu rise by
# max_bytes + 2 MiB + 1% at most: mtfuzz --help).
# Then: every test destroyed, mem_used's allocators adding up to its
# totals, everything freed, mem_used 0 for every allocator, nothing charged
# but the kept pool's spare pages, no dedicated cache left, the parameters
# as they were, the kernel log free of reports and not flooded (refusals
# are rate-limited), rmmod.
# MT_FUZZ_COUNT and MT_FUZZ_SEED change the count and the seed: make check
# sends the 100,000 on one lane of its run, fewer on the others, each with
# a seed of its own (harness/check.sh's lane_env).
# Needs: mtfuzz (else it skips).  Sets up (mt_setup --unloaded): malloc_test
# not loaded: the run loads it afresh.  Leaves (mt_exit): malloc_test loaded
# again, nothing kept, no test, parameters at their defaults.

. "$(dirname "$0")/lib.sh"
ktap_start
MTFUZZ=${MTFUZZ:-/mt/bin/mtfuzz}
[ -x "$MTFUZZ" ] || mt_exit_skip "no $MTFUZZ (make build/bin/mtfuzz)"
mt_setup --unloaded

FZ_SEED=${MT_FUZZ_SEED:-20251124}
FZ_COUNT=${MT_FUZZ_COUNT:-100000}
FZ_PARAMS="check_content realloc_p max_bytes alloc seed max_atomic_bytes max_tests mempool_reserve pressure_margin"
FZ_MAX=8388608
FZ_OPTS="--max-bytes $FZ_MAX"
[ -z "$MT_KASAN" ] || FZ_OPTS="$FZ_OPTS --kasan"

# fz_params VAR: every parameter, "name=value ..."
fz_params() {
	_fp=
	for _p in $FZ_PARAMS; do
		param _v "$_p"
		_fp="$_fp$_p=$_v "
	done
	eval "$1=\$_fp"
}

# fz_key VAR KEY: KEY=value of mtfuzz's summary line ('' if absent)
fz_key() {
	_v=
	for _w in $FZ_SUM; do
		case $_w in
		"$2="*)
			_v=${_w#*=}
			break
			;;
		esac
	done
	eval "$1=\$_v"
}

fz_run() {
	if loaded && ! unload; then
		fail "fuzz: malloc_test unloads before the run" "$(cat "$MT_TMP/rmmod")"
		return
	fi
	kmark
	mt_insmod
	check_eq "fuzz: insmod $KO succeeds" "$?" 0 "$(cat "$MT_TMP/insmod")"
	loaded || return
	fz_params FZ_P0

	diag "mtfuzz --seed $FZ_SEED --count $FZ_COUNT $FZ_OPTS"
	kmark
	nowv FZ_T0
	timeout 900 "$MTFUZZ" --seed "$FZ_SEED" --count "$FZ_COUNT" $FZ_OPTS \
		>"$MT_TMP/fz-out" 2>&1
	FZ_RC=$?
	nowv FZ_T1
	FZ_MS=$((FZ_T1 - FZ_T0))
	while IFS= read -r _l; do
		diag "$_l"
	done <"$MT_TMP/fz-out"
	diag "mtfuzz exited with $FZ_RC after $FZ_MS ms"
	FZ_SUM=
	while IFS= read -r _l; do
		case $_l in
		"mtfuzz: seed="*) FZ_SUM=${_l#mtfuzz: } ;;
		esac
	done <"$MT_TMP/fz-out"
	FZ_UNEXP=
	while IFS= read -r _l; do
		case $_l in
		*UNEXPECTED*) FZ_UNEXP="$FZ_UNEXP$_l$NL" ;;
		esac
	done <"$MT_TMP/fz-out"
	for _k in sent malformed malformed_refused well_formed uncertain \
		accepted refused empty_writes split unexpected selfcheck \
		bg_running bg_allocations tests_active params_restored \
		housekeeping nospc_certain nospc_refused max_tests_refused \
		charged_max atomic_max cap_excess quiet_points stats_checked \
		meminfo_checks rise_kb bound_kb; do
		fz_key _v "$_k"
		isnum "$_v" || _v=NaN
		eval "FZ_$_k=\$_v"
	done

	expect_eq "exit status" "$FZ_RC" 0
	expect_eq "commands sent" "$FZ_sent" "$FZ_COUNT"
	verdict "fuzz: mtfuzz --seed $FZ_SEED sent $FZ_COUNT commands and exited 0 ($FZ_MS ms)" \
		"summary: ${FZ_SUM:-(none)}"
	expect_range "malformed commands" "$FZ_malformed" 1 "$FZ_COUNT"
	expect_eq "of them refused with EINVAL" "$FZ_malformed_refused" "$FZ_malformed"
	verdict "fuzz: every malformed command ($FZ_malformed of $FZ_sent) refused with EINVAL, nothing kept changed"
	expect_eq "unexpected results" "$FZ_unexpected" 0
	expect_eq "self-check failures" "$FZ_selfcheck" 0
	verdict "fuzz: no unexpected answer (errno outside the documented set, short write, malformed answer, mem_used out of step)" \
		"${FZ_UNEXP%"$NL"}"
	expect_range "well-formed commands" "$FZ_well_formed" 1 "$FZ_COUNT"
	expect_range "uncertain commands" "$FZ_uncertain" 1 "$FZ_COUNT"
	expect_range "accepted" "$FZ_accepted" 1 "$FZ_COUNT"
	expect_range "writes of 0 bytes" "$FZ_empty_writes" 1 "$FZ_COUNT"
	expect_range "split commands" "$FZ_split" 1 "$FZ_COUNT"
	verdict "fuzz: the mix had all kinds: $FZ_well_formed well-formed, $FZ_uncertain uncertain, $FZ_accepted accepted, $FZ_split split, $FZ_empty_writes empty writes"
	# accepted commands with each option, of each allocator
	_mix=
	for _k in with_alloc with_gfp with_node with_ctx with_cpu with_free with_release \
		with_reserve with_avail alloc_kmalloc alloc_vmalloc alloc_kvmalloc alloc_pages \
		alloc_cache alloc_percpu alloc_mempool; do
		fz_key _v "$_k"
		expect_range "accepted commands, $_k" "$_v" 1 "$FZ_COUNT"
		_mix="$_mix $_k=$_v"
	done
	verdict "fuzz: accepted commands gave every option and used every allocator:$_mix"
	# avail=: each class sent, refused with EINVAL as certain (below
	# pressure_margin, with nofail, no size, another command), or kept
	# nothing (far above MemAvailable: accepted unless something else
	# was uncertain); none that would take memory sent
	_av=
	for _k in below nofail bad_value elsewhere above; do
		fz_key _n "avail_$_k"
		fz_key _o "avail_${_k}_ok"
		expect_range "avail= $_k: commands sent" "$_n" 1 "$FZ_COUNT"
		if [ "$_k" = above ]; then
			expect_range "avail= above: accepted keeping nothing" "$_o" 1 "$_n"
		else
			expect_eq "avail= $_k: refused with EINVAL" "$_o" "$_n"
		fi
		_av="$_av $_k=$_o/$_n"
	done
	fz_key _n avail_risky_filtered
	isnum "$_n" || _E="${_E}no avail_risky_filtered: '$_n'$NL"
	verdict "fuzz: mem_alloc's avail= in its two safe classes, as the model said (done/sent):$_av; $_n commands that would have pressed the machine not sent"
	expect_eq "background tests running at the end" "$FZ_bg_running" 3
	expect_range "their allocations" "$FZ_bg_allocations" 1 1000000000
	expect_range "writes after which tests held chunks" "$FZ_tests_active" $((FZ_COUNT / 2)) 1000000000
	verdict "fuzz: timed tests ran all along ($FZ_bg_allocations allocations by the background tests)"

	# the footprint: mtfuzz counts each failed check as unexpected; these
	# say the checks ran, and what they saw
	expect_range "commands that could not fit (ENOSPC certain)" "$FZ_nospc_certain" 1 "$FZ_COUNT"
	expect_range "of them refused with ENOSPC" "$FZ_nospc_refused" 1 "$FZ_nospc_certain"
	expect_range "starts refused as max_tests existed" "$FZ_max_tests_refused" 1 "$FZ_COUNT"
	# past max_bytes only after a fuzzed max_bytes above it let the tests
	_cmax=$FZ_MAX
	[ "$FZ_cap_excess" = 0 ] || _cmax=1000000000000
	expect_range "the highest charged_bytes" "$FZ_charged_max" 1 "$_cmax"
	expect_range "quiet points" "$FZ_quiet_points" $((FZ_COUNT / 1000)) "$FZ_COUNT"
	expect_range "tests' stats checked" "$FZ_stats_checked" 1 1000000000
	expect_range "reads of the kernel's counters" "$FZ_meminfo_checks" "$FZ_COUNT" 1000000000
	expect_range "the bound on their rise (kB)" "$FZ_bound_kb" $((FZ_MAX / 1024)) $((FZ_MAX / 1024 + 4096))
	expect_range "their highest rise (kB)" "$FZ_rise_kb" 0 "$FZ_bound_kb"
	verdict "fuzz: the footprint against max_bytes $FZ_MAX: $FZ_nospc_refused commands that could not fit refused with ENOSPC ($FZ_max_tests_refused past max_tests), charged_bytes $FZ_charged_max at most ($FZ_cap_excess writes past it after a fuzzed cap), $FZ_quiet_points quiet points exact, VmallocUsed$MT_AND_SLAB and Percpu rose by $FZ_rise_kb kB at most ($FZ_bound_kb allowed)"

	# What is left: tests (the background ones and the fuzzed ones), kept
	# chunks.  With no test left, mem_used is the kept memory alone.
	mtw_wo mem_test_destroy_all x
	expect "mem_test_destroy_all: $(mt_evidence)" [ "$MT_RC" = 0 ]
	slurp _u "$D/mem_used"
	for _k in chunks bytes kept_chunks kept_bytes test_chunks test_bytes corruptions; do
		skey _v "$_u" $_k
		eval "_u_$_k=\$_v"
	done
	expect_eq "test_chunks test_bytes" "$_u_test_chunks $_u_test_bytes" "0 0"
	expect_eq "chunks bytes" "$_u_chunks $_u_bytes" "$_u_kept_chunks $_u_kept_bytes"
	expect_eq corruptions "$_u_corruptions" 0
	# nothing allocates now: the allocators' lines add up to the totals
	_sc=0 _sb=0
	for _a in kmalloc vmalloc kvmalloc pages cache percpu kmalloc_nolock pages_nolock mempool; do
		skey _v "$_u" ${_a}_chunks
		isnum "$_v" || _E="${_E}no ${_a}_chunks: '$_v'$NL"
		_sc=$((_sc + ${_v:-0}))
		skey _v "$_u" ${_a}_bytes
		isnum "$_v" || _E="${_E}no ${_a}_bytes: '$_v'$NL"
		_sb=$((_sb + ${_v:-0}))
	done
	expect_eq "the allocators' chunks, bytes" "$_sc $_sb" "$_u_chunks $_u_bytes"
	verdict "fuzz: every test destroyed, mem_used's chunks and bytes are the kept ones ($_u_kept_chunks, $_u_kept_bytes), and the allocators' add up to them" "$_u"
	mtw mem_free
	expect "mem_free: $(mt_evidence)" [ "$MT_RC" = 0 ]
	expect_eq "mem_free's answer" "$MT_OUT" "$_u_kept_bytes"
	used _c chunks
	used _b bytes
	expect_eq "mem_used chunks bytes" "$_c $_b" "0 0"
	slurp _u "$D/mem_used"
	for _a in kmalloc vmalloc kvmalloc pages cache percpu kmalloc_nolock pages_nolock mempool; do
		skey _v "$_u" ${_a}_chunks
		skey _w "$_u" ${_a}_bytes
		expect_eq "${_a}_chunks ${_a}_bytes" "$_v $_w" "0 0"
	done
	skey _v "$_u" caches
	expect_eq "caches (mem_used)" "$_v" 0
	# what release=rcu gave the kernel stays charged 5 s or so
	expect "rcu_pending_bytes back to 0 within 15 s" rcu_settle
	slurp _u "$D/mem_used"
	# nothing charged but the kept pool's spare pages (3 at most)
	for _k in kept_charged test_charged overhead_bytes reserved_bytes \
		atomic_bytes kmalloc_charged vmalloc_charged kvmalloc_charged \
		pages_charged cache_charged percpu_charged kmalloc_nolock_charged \
		pages_nolock_charged mempool_charged tests rcu_pending_bytes; do
		skey _v "$_u" $_k
		expect_eq "$_k" "$_v" 0
	done
	skey _v "$_u" charged_bytes
	skey _w "$_u" tracking_bytes
	expect_eq "charged_bytes = tracking_bytes" "$_v" "$_w"
	expect_range tracking_bytes "$_w" 0 12288
	slurp _v "$D/caches"
	expect_eq "the caches file" "$_v" "# name objects object_size"
	slurp _l "$D/mem_test_list"
	expect_eq "mem_test_list" "$_l" ""
	expect_eq "tests/" "$(ls -A "$D/tests" 2>&1)" ""
	verdict "fuzz: after destroy_all and mem_free, mem_used is 0 chunks 0 bytes for every allocator, nothing charged but the kept pool's spare pages, no dedicated cache, no test listed" "$_u"

	fz_params FZ_P1
	expect_eq "mtfuzz says" "$FZ_params_restored" 1
	expect_eq parameters "$FZ_P1" "$FZ_P0"
	verdict "fuzz: parameters restored ($FZ_P1)"

	# The log: no report; refusal lines rate-limited, each 5 s at most 100
	# of commands, 10 of parameters (pr_warn_ratelimited's default) and
	# their "callbacks suppressed" lines; one info line per accepted
	# command.
	ksince >"$MT_TMP/fz-log"
	_n=$(grep -c . "$MT_TMP/fz-log")
	_r=$(grep -cE ': refused: |parameter .* refused: ' "$MT_TMP/fz-log")
	_max_r=$(((FZ_MS / 5000 + 3) * 110))
	_bad=$(grep -E 'BUG:|WARNING:|Oops|Call Trace|KASAN|ODEBUG|general protection' "$MT_TMP/fz-log" | head -5)
	expect_eq "reports" "$_bad" ""
	expect_range "refusal lines" "$_r" 0 "$_max_r"
	expect_range "lines" "$_n" 0 $((FZ_accepted + FZ_housekeeping + _max_r + 1000))
	verdict "fuzz: kernel log: no report, $_n lines for the run, $_r of them refusals (rate-limited: at most $_max_r in $FZ_MS ms)"

	kmark
	rmmod malloc_test 2>"$MT_TMP/rmmod"
	_rc=$?
	expect "rmmod exited $_rc: $(cat "$MT_TMP/rmmod")" [ "$_rc" = 0 ]
	expect "the module says it left bytes charged" eval '! klog_has "bytes charged"'
	verdict "fuzz: rmmod succeeds after the run, nothing left charged" "$(ksince | tail -3)"
}

fz_run

# The module loads again after the run's rmmod.
if ! loaded; then
	mt_insmod
	check_eq "fuzz: insmod again after the run" "$?" 0 "$(cat "$MT_TMP/insmod")"
fi
mt_exit
