#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 77-faults.sh - fault injection (failslab, fail_page_alloc), filtered to
# the module: only allocations with one of malloc_test's own functions on
# the stack can fail, so the rest of the kernel runs on.
#
#  - Every command, every allocation point: /proc/self/fail-nth makes the
#    Nth allocation of the shell's next calls fail, for N = 1, 2, ... until
#    the command runs through without reaching the Nth.  At each point the
#    command either succeeds with mem_used moving by exactly what it
#    answered, or is refused with ENOMEM and nothing changed.
#  - Tests, exactly: with failslab limited to the kmalloc caches (booted
#    with slub_debug=A,kmalloc-*, and cache-filter on, so that kmemleak's
#    and debug objects' own caches never fail) a test allocating with
#    kmalloc counts as errors exactly the failures injected: failslab's
#    "times" budget, spent to 0.
#  - Tests, pages: fail_page_alloc fails order-0 and higher pages (the
#    bookkeeping's, vmalloc's and large kmallocs'): every failure the test
#    counts was injected, at least one reaches it (but for small kmallocs
#    where the kernel has sheaves), and mem_used stays exact.
# 99-kmemleak.sh then proves that no failure path leaked.
# Kernels without fault injection (the stock ones) skip the case.
# Needs: failslab, fail_page_alloc, fail-nth and the stack-trace filter (the
# debug kernel; else it skips).  Sets up (mt_setup): malloc_test loaded,
# nothing kept, no test, no bench, parameters at their defaults.  Leaves
# (mt_exit): the same, the fault attributes as they were.

. "$(dirname "$0")/lib.sh"
ktap_start
FS=/sys/kernel/debug/failslab
FP=/sys/kernel/debug/fail_page_alloc
FNTH=/proc/self/fail-nth
if [ ! -d "$FS" ] || [ ! -d "$FP" ] || [ ! -e "$FNTH" ] || [ ! -e "$FS/require-start" ]; then
	mt_exit_skip "this kernel has no failslab, fail_page_alloc, fail-nth or stack-trace filter"
fi
mt_setup

FA_KEYS="probability interval times space verbose task-filter stacktrace-depth require-start require-end reject-start reject-end"

# fa_save DIR VAR: the attributes of DIR, as "KEY=VALUE " words
fa_save() {
	_fs=
	for _k in $FA_KEYS; do
		read -r _v <"$1/$_k"
		_fs="$_fs$_k=$_v "
	done
	eval "$2=\$_fs"
}

# fa_restore DIR SAVED: writes back what fa_save read (probability first,
# so that nothing is injected meanwhile)
fa_restore() {
	echo 0 >"$1/probability"
	for _kv in $2; do
		echo "${_kv#*=}" >"$1/${_kv%%=*}"
	done
}

# fa_set DIR KEY=VALUE...
fa_set() {
	_fd=$1
	shift
	for _kv in "$@"; do
		echo "${_kv#*=}" >"$_fd/${_kv%%=*}" ||
			diag "could not set ${_kv%%=*} of $_fd to ${_kv#*=}"
	done
}

# mod_range: MOD_START, MOD_END: where malloc_test's code lies (the first
# of its memory regions and their total size, from /proc/modules)
mod_range() {
	MOD_START= MOD_END=
	while read -r _m _sz _ _ _ _addr _; do
		[ "$_m" = malloc_test ] || continue
		MOD_START=$_addr
		MOD_END=$(printf '0x%x' $((_addr + _sz)))
	done </proc/modules
	[ -n "$MOD_START" ] && [ "$MOD_START" != 0x0000000000000000 ]
}

# usedv CHUNKS_VAR BYTES_VAR: mem_used's chunks and bytes
usedv() {
	slurp _uv "$D/mem_used"
	skey "$1" "$_uv" chunks
	skey "$2" "$_uv" bytes
}

# fnth_cmd FILE WORDS...: the command with the FNTH_N-th allocation
# failing; FNTH_LEFT: what fail-nth still counted afterwards (0: the
# failure was injected)
fnth_cmd() {
	echo "$FNTH_N" >"$FNTH"
	mtw "$@"
	read -r FNTH_LEFT <"$FNTH"
	echo 0 >"$FNTH"
}

# sweep DESC KIND FILE WORDS...: fails each allocation point of the
# command in turn (see the head of the file), one check.  KIND says what
# success must look like: "alloc BYTES" (one chunk more, BYTES more),
# "rnd" (what the answer says, refused or not), "realloc" (the answer's
# difference), "start" (one test more; its own allocations make mem_used
# move).  Cleans up after each point: mem_free, destroy_all.
sweep() {
	_sd=$1 _sk=$2 _sb=${3:-0}
	shift 3
	FNTH_N=1
	_sfail=0 _sok=0
	_E=
	while [ $FNTH_N -le 400 ]; do
		usedv _c0 _b0
		list_ids _i0
		fnth_cmd "$@"
		usedv _c1 _b1
		list_ids _i1
		_at="point $FNTH_N"
		# mem_rnd_alloc answers, and keeps its pieces, even when
		# refused for an error: its answer says how mem_used moves
		_wc=$_c0 _wb=$_b0 _re=
		case $_sk:$MT_OUT in
		rnd:*chunks:*)
			skey _rc "$MT_OUT" chunks
			skey _rb "$MT_OUT" bytes
			skey _re "$MT_OUT" errors
			_wc=$((_c0 + _rc)) _wb=$((_b0 + _rb))
			;;
		esac
		if [ "$MT_RC" != 0 ]; then
			_sfail=$((_sfail + 1))
			case $MT_ERR in
			*"$E_ENOMEM"*) ;;
			*) _E="$_E$_at: refused with '$MT_ERR', expected '$E_ENOMEM'$NL" ;;
			esac
			[ "$FNTH_LEFT" = 0 ] ||
				_E="$_E$_at: refused though nothing was injected: $(mt_evidence)$NL"
			# refused on an open fd: the answer is the reason, or
			# mem_rnd_alloc's figures with an error among them
			case $MT_RC:$_sk:$MT_OUT in
			255:*) ;;
			*:"error: "?*) ;;
			*:rnd:*chunks:*)
				[ "${_re:-0}" -ge 1 ] ||
					_E="$_E$_at: refused, yet its answer counts no error: $(mt_evidence)$NL"
				;;
			*) _E="$_E$_at: refused, and the read back is not 'error: <reason>': $(mt_evidence)$NL" ;;
			esac
			[ "$_sk" = start ] || [ "$_c1 $_b1" = "$_wc $_wb" ] ||
				_E="$_E$_at: refused ($(mt_evidence)), mem_used went from $_c0 chunks $_b0 bytes to $_c1 $_b1, expected $_wc $_wb$NL"
			[ "$_i1" = "$_i0" ] ||
				_E="$_E$_at: refused, yet the tests went from '$_i0' to '$_i1'$NL"
		else
			_sok=$((_sok + 1))
			case $_sk in
			alloc) _wc=$((_c0 + 1)) _wb=$((_b0 + _sb)) ;;
			rnd)
				[ "$_re" = 0 ] ||
					_E="$_E$_at: accepted with $_re error(s): $(mt_evidence)$NL"
				;;
			realloc) _wb=$((_b0 + MT_OUT)) ;;
			esac
			# (a test allocates on its own: only the list counts)
			[ "$_sk" = start ] || [ "$_c1 $_b1" = "$_wc $_wb" ] ||
				_E="$_E$_at: accepted ($(mt_evidence)), mem_used went from $_c0 chunks $_b0 bytes to $_c1 $_b1, expected $_wc $_wb$NL"
			if [ "$_sk" = start ]; then
				[ "$_i1" = "$_i0${_i0:+ }$MT_OUT" ] ||
					_E="$_E$_at: test $MT_OUT started, the list went from '$_i0' to '$_i1'$NL"
			fi
		fi
		# back to the state before the command
		[ "$_sk" = start ] && [ "$_i1" != "$_i0" ] && mtw_wo mem_test_destroy_all x
		[ "$_sk" = realloc ] || [ "$_sk" = start ] || [ "$_c1" = "$_c0" ] || mtw mem_free
		[ "$FNTH_LEFT" = 0 ] || break
		FNTH_N=$((FNTH_N + 1))
	done
	[ "$FNTH_LEFT" != 0 ] ||
		_E="${_E}still injecting at point $FNTH_N: the sweep gave up$NL"
	diag "$_sd: $((FNTH_N - 1)) allocation point(s) failed in turn: $_sfail refused with ENOMEM, $_sok absorbed"
	[ $_sfail -gt 0 ] ||
		_E="${_E}no allocation point made the command fail: the filter missed the module$NL"
	verdict "fault injection: $_sd: every allocation point fails cleanly (ENOMEM and nothing changed, or success and mem_used exact)"
}

# times_spent DIR: DIR's times budget is spent
times_spent() {
	read -r _t <"$1/times"
	[ "$_t" = 0 ]
}

# fa_test DIR DESC WORDS...: starts the test "mem_test_start WORDS",
# then arms DIR (probability 100: its times budget is set already), waits
# for the budget to be spent, disarms it and stops the test.  Sets FA_ID,
# FA_LEFT (the budget left), FA_STOP (the stop's write status), FA_ST
# (the test's statistics) and, from them,
# FA_ERRS, FA_ALLOCS, FA_HELD, FA_CHUNKS, and FA_UC, FA_UB (mem_used's
# chunks and bytes).  1, and a failed check DESC, when the test does not
# start.
fa_test() {
	_td=$1 _tdesc=$2
	shift 2
	mtw mem_test_start "$@"
	FA_ID=$MT_OUT
	if [ "$MT_RC" != 0 ] || ! isnum "$FA_ID"; then
		fail "$_tdesc" "start: $(mt_evidence)"
		return 1
	fi
	# armed only now: the start itself allocated unhindered
	fa_set "$_td" probability=100
	wait_until 60000 times_spent "$_td"
	fa_set "$_td" probability=0
	read -r FA_LEFT <"$_td/times"
	# the last failure is counted just after it is injected
	sleep 0.2
	mtw mem_test_stop "$FA_ID"
	FA_STOP=$MT_RC
	slurp FA_ST "$D/tests/$FA_ID/stats"
	skey FA_ERRS "$FA_ST" errors
	skey FA_ALLOCS "$FA_ST" allocations
	skey FA_HELD "$FA_ST" held
	skey FA_CHUNKS "$FA_ST" chunks
	usedv FA_UC FA_UB
	return 0
}

if ! mod_range; then
	fail "fault injection: malloc_test's address range is known" "$(cat /proc/modules)"
else
	diag "malloc_test lies at $MOD_START..$MOD_END: only allocations with it on the stack can fail"
	fa_save "$FS" FS_SAVED
	fa_save "$FP" FP_SAVED
	read -r FS_CF <"$FS/cache-filter"
	read -r FS_IGW <"$FS/ignore-gfp-wait"
	read -r FP_IGW <"$FP/ignore-gfp-wait"
	read -r FP_IGH <"$FP/ignore-gfp-highmem"
	read -r FP_MO <"$FP/min-order"
	param RP0 realloc_p
	setparam realloc_p 0

	# No trace per injection (the log scan would take it for a report);
	# every allocation with the module on the stack, sleeping or not,
	# order 0 too.
	for fd in "$FS" "$FP"; do
		fa_set "$fd" probability=0 verbose=0 space=0 interval=1 \
			times=-1 task-filter=N stacktrace-depth=32 \
			require-start="$MOD_START" require-end="$MOD_END" \
			reject-start=0 reject-end=0 ignore-gfp-wait=N
	done
	fa_set "$FS" cache-filter=N
	fa_set "$FP" ignore-gfp-highmem=N min-order=0
	# kmemleak notes it when an injected failure denies it a scan area:
	# check.sh's log scan expects that note between these markers.
	echo "mt-expected-faults-begin" >/dev/kmsg

	# ---- every command, every allocation point
	sweep "mem_alloc 100 alloc=kmalloc" alloc 100 mem_alloc 100 alloc=kmalloc
	sweep "mem_alloc 20 k alloc=kmalloc (pages of its own)" alloc 20480 mem_alloc 20 k alloc=kmalloc
	sweep "mem_alloc 64 k alloc=vmalloc" alloc 65536 mem_alloc 64 k alloc=vmalloc
	sweep "mem_alloc 6000 (kvmalloc)" alloc 6000 mem_alloc 6000
	sweep "mem_rnd_alloc 256 1024 8192 alloc=kmalloc" rnd 0 mem_rnd_alloc 256 1024 8192 alloc=kmalloc
	sweep "mem_rnd_alloc 4 16 64 k alloc=vmalloc" rnd 0 mem_rnd_alloc 4 16 64 k alloc=vmalloc
	run_ok mem_alloc 3000 alloc=kmalloc
	run_ok mem_alloc 3000 alloc=vmalloc
	sweep "mem_realloc 9000" realloc 0 mem_realloc 9000
	sweep "mem_realloc 100" realloc 0 mem_realloc 100
	mtw mem_free
	sweep "mem_test_start 16 64 1024 1 2 200" start 0 mem_test_start 16 64 1024 1 2 200
	# reading a statistics file: its open may fail, nothing else
	usedv c0 b0
	FNTH_N=1
	echo 1 >"$FNTH"
	slurp u_inj "$D/mem_used" 2>/dev/null
	read -r FNTH_LEFT <"$FNTH"
	echo 0 >"$FNTH"
	usedv c1 b1
	_E=
	expect_eq "mem_used's figures after a read with its first allocation failing" "$c1 $b1" "$c0 $b0"
	case $u_inj in
	"" | "chunks: "*) ;;
	*) _E="${_E}the read gave '$u_inj'$NL" ;;
	esac
	verdict "fault injection: a read of mem_used whose allocation fails gives nothing or the figures, never garbage"

	# ---- tests, exactly: failslab on the kmalloc caches only
	read -r kfs </sys/kernel/slab/kmalloc-64/failslab 2>/dev/null
	if [ "$kfs" != 1 ]; then
		skip "fault injection: a kmalloc test counts exactly the failslab failures injected" \
			"the kmalloc caches are not marked for failslab (boot with slub_debug=A,kmalloc-*)"
	else
		K=25
		d="fault injection: a kmalloc test counts exactly the $K failslab failures injected, mem_used stays exact"
		fa_set "$FS" cache-filter=Y interval=2 times=$K
		if fa_test "$FS" "$d" 16 4096 1048576 1 2 120000 alloc=kmalloc; then
			_E=
			expect_eq "the stop's write status" "$FA_STOP" 0
			expect_eq "failslab's times left" "$FA_LEFT" 0
			expect_eq "the test's errors" "$FA_ERRS" "$K"
			expect_range "the test's allocations (every 2nd failed)" "$FA_ALLOCS" $((K - 1)) 100000000
			expect_eq "mem_used (chunks bytes) against the test's" "$FA_UC $FA_UB" "$FA_CHUNKS $FA_HELD"
			verdict "$d" "stats:" "$FA_ST"
			diag "failslab test: $FA_ALLOCS allocations, $FA_ERRS errors"
			do_ok "fault injection: the failslab test is destroyed" mem_test_destroy "$FA_ID"
		fi
		fa_set "$FS" cache-filter=N interval=1 times=-1
	fi

	# ---- tests, pages: bounded (KASAN's own pages may take an injection
	# without any failure the module could see).  kmemleak's would take
	# them all: once its object cache is full, every allocation the
	# module makes has kmemleak ask for a page, fail and fall back to
	# its pool, silently.  So calls from kmemleak's __create_object are
	# left alone (reject-start..reject-end).
	K=12
	kml_fn=$(grep -A1 ' __create_object$' /proc/kallsyms 2>/dev/null)
	if [ -n "$kml_fn" ]; then
		set -- $kml_fn
		fa_set "$FP" reject-start="0x$1" reject-end="0x$4"
		diag "fail_page_alloc leaves kmemleak's __create_object alone: 0x$1..0x$4"
	fi
	# Small kmallocs come from slabs; with sheaves (7.0) a sheaf whose
	# refill is denied its new slab falls back to the partial slabs, so
	# an injected page failure need not reach the test at all: there
	# every error counted must still have been injected (at most K).
	read -r SHEAF_CAP </sys/kernel/slab/kmalloc-64/sheaf_capacity 2>/dev/null
	for spec in "4096 32768 4194304 1 2 120000 alloc=vmalloc" \
	"16384 65536 4194304 1 2 120000 alloc=kmalloc" \
	"8 64 4194304 1 2 120000 alloc=kmalloc"; do
		lo=1
		case $spec in
		"8 64 "*) [ "${SHEAF_CAP:-0}" -gt 0 ] 2>/dev/null && lo=0 ;;
		esac
		d="fault injection: fail_page_alloc: test '$spec' counts $lo..$K errors for $K injected, mem_used exact"
		fa_set "$FP" times=$K interval=1
		# shellcheck disable=SC2086 # the words of the spec
		fa_test "$FP" "$d" $spec || continue
		_E=
		expect_eq "the stop's write status" "$FA_STOP" 0
		expect_eq "fail_page_alloc's times left" "$FA_LEFT" 0
		expect_range "the test's errors" "$FA_ERRS" "$lo" $K
		expect_eq "mem_used (chunks bytes) against the test's" "$FA_UC $FA_UB" "$FA_CHUNKS $FA_HELD"
		verdict "$d" "stats:" "$FA_ST"
		diag "fail_page_alloc test '$spec': $FA_ERRS errors for $K injected${SHEAF_CAP:+ (kmalloc-64's sheaf capacity $SHEAF_CAP)}"
		mtw mem_test_destroy "$FA_ID"
	done

	fa_restore "$FS" "$FS_SAVED"
	fa_restore "$FP" "$FP_SAVED"
	fa_set "$FS" cache-filter="$FS_CF" ignore-gfp-wait="$FS_IGW"
	fa_set "$FP" ignore-gfp-wait="$FP_IGW" ignore-gfp-highmem="$FP_IGH" min-order="$FP_MO"
	echo "mt-expected-faults-end" >/dev/kmsg
	setparam realloc_p "$RP0"
	mtw mem_free
	mtw_wo mem_test_destroy_all x
	usedv uc ub
	list_ids ids
	check_eq "fault injection: afterwards nothing is kept, no test, mem_used 0" "$uc $ub '$ids'" "0 0 ''"
fi
mt_exit
