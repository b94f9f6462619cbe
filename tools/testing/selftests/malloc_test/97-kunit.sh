#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 97-kunit.sh - the module's KUnit suites, one per unit, each in the unit
# it tests (kunit/<unit>-kunit.h, included at the unit's bottom): the
# parser and the grammar's table, gfp='s flags, the charges against the
# caps, the allocators' arithmetic and footprint bounds, the owners (which
# chunks mem_free frees, failed put-backs, real footprints, mem_rnd_alloc's
# reserve, the dedicated caches, check_content's detection of overwritten
# chunks, which userspace cannot reach), the pools, the latency
# histograms.  Loads kunit/malloc_test.ko, malloc_test built with its
# KUnit tests (make kunit; check.sh builds it against the debug kernel
# only), whose suites KUnit runs as it loads; reads each suite's KTAP
# results from debugfs: one check per KUnit case (a failing one with its
# diagnostics), one per suite that it ran and every case it should have
# reported; unloads it: one check that rmmod takes the results with it
# and finds nothing left charged.  Other kernels skip.
# Needs: kunit/malloc_test.ko (check.sh builds it against the debug
# kernel) and KUnit's results in debugfs (else it skips).  Sets up
# (mt_setup --unloaded): malloc_test not loaded.  Leaves: malloc_test not
# loaded.

. "$(dirname "$0")/lib.sh"
ktap_start

KU_KO=$MT_TESTS/kunit/malloc_test.ko
# Each unit's suite and its number of cases: a case or a suite gone
# missing fails the count.
KU_SUITES="malloc_test_parse:14 malloc_test_gfp:2 malloc_test_charge:2
malloc_test_alloc:6 malloc_test_owner:14 malloc_test_pool:7 malloc_test_lat:3"
KU_DIR=/sys/kernel/debug/kunit
# Diagnostics shown under a failing case, at most.
KU_EVIDENCE_MAX=40

# ku_results SUITE: one check per case result of SUITE's results file,
# the lines before it its evidence; sets KU_N (results), KU_PLAN, KU_END
# (the suite's own result line)
ku_results() {
	KU_N=0
	KU_PLAN=
	KU_END=
	_kin=0
	_kev=
	_kevn=0
	while IFS= read -r _l || [ -n "$_l" ]; do
		case $_l in
		"    1.."[0-9]*)
			KU_PLAN=${_l#    1..}
			_kin=1
			_kev=
			_kevn=0
			;;
		"    ok "[0-9]*" "* | "    not ok "[0-9]*" "*)
			KU_N=$((KU_N + 1))
			_kr=${_l#    }
			_kr=${_kr#not }
			_kr=${_kr#ok }
			_kname=${_kr#* }
			[ "$_kevn" -le "$KU_EVIDENCE_MAX" ] ||
				_kev="$_kev$NL($((_kevn - KU_EVIDENCE_MAX)) more lines in $KU_DIR/$1/results)"
			case $_l in
			*" # SKIP"*)
				skip "KUnit $1: ${_kname%% # SKIP*}" "${_kname#* # SKIP}"
				;;
			"    ok "*)
				pass "KUnit $1: $_kname"
				;;
			*)
				fail "KUnit $1: $_kname" "${_kev:-(no diagnostics)}"
				;;
			esac
			_kev=
			_kevn=0
			;;
		"ok "[0-9]*" $1" | "not ok "[0-9]*" $1"*)
			KU_END=$_l
			_kin=0
			;;
		*)
			# a case's log: KUnit's failure reports, kunit_info()
			[ "$_kin" = 1 ] || continue
			_kevn=$((_kevn + 1))
			[ "$_kevn" -le "$KU_EVIDENCE_MAX" ] &&
				_kev="$_kev${_kev:+$NL}$_l"
			;;
		esac
	done <"$KU_DIR/$1/results"
}

[ -f "$KU_KO" ] ||
	mt_exit_skip "no $KU_KO (check.sh builds it, as make kunit does, against the debug kernel only)"
[ -d "$KU_DIR" ] ||
	mt_exit_skip "this kernel has no KUnit results in debugfs ($KU_DIR: CONFIG_KUNIT_DEBUGFS)"
# The plain malloc_test, if loaded, goes: the KUnit build takes its name.
mt_setup --unloaded
kmark
nowv _k0
insmod "$KU_KO" 2>"$MT_TMP/insmod"
rc=$?
nowv _k1
diag "insmod (which runs the suites) took $((_k1 - _k0)) ms"
check_eq "KUnit: insmod kunit/malloc_test.ko (malloc_test with its suites) succeeds" \
	"$rc" 0 "$(cat "$MT_TMP/insmod")" "$(ksince | tail -5)"

for _ks in $KU_SUITES; do
	KU_SUITE=${_ks%:*}
	KU_CASES=${_ks#*:}
	KU_N=0
	KU_PLAN=
	KU_END=
	_E=
	if [ -r "$KU_DIR/$KU_SUITE/results" ]; then
		ku_results "$KU_SUITE"
	else
		_E="no $KU_DIR/$KU_SUITE/results$NL"
	fi
	expect_eq "its plan (1..N)" "$KU_PLAN" "$KU_CASES"
	expect_eq "case results" "$KU_N" "$KU_CASES"
	case $KU_END in
	"ok 1 $KU_SUITE" | "not ok 1 $KU_SUITE"*) ;;
	*) _E="${_E}no result line of the suite itself: '$KU_END'$NL" ;;
	esac
	verdict "KUnit $KU_SUITE: the suite ran and all its $KU_CASES cases reported" \
		"the kernel log since insmod:" "$(ksince | tail -n 20)"
done

# The module has the suites listed here, and no other: a suite added
# to a unit is added to KU_SUITES too.
_kall=
for _kd in "$KU_DIR"/malloc_test*; do
	[ -d "$_kd" ] && _kall="$_kall${_kall:+ }${_kd##*/}"
done
_kwant=
_kn=0
for _ks in $KU_SUITES; do
	_kwant="$_kwant${_kwant:+ }${_ks%:*}"
	_kn=$((_kn + 1))
done
# shellcheck disable=SC2086 # one word per suite
check_eq "KUnit: the module's suites are the $_kn listed here" \
	"$(printf '%s\n' $_kall | sort | tr '\n' ' ')" \
	"$(printf '%s\n' $_kwant | sort | tr '\n' ' ')"

_E=
if loaded; then
	unload || _E="${_E}rmmod malloc_test: $(cat "$MT_TMP/rmmod")$NL"
fi
expect "malloc_test still in /proc/modules" eval '! loaded'
for _ks in $KU_SUITES; do
	expect "$KU_DIR/${_ks%:*} still there" [ ! -e "$KU_DIR/${_ks%:*}" ]
done
# malloc_test's exit says what was left charged, as a bug
expect "the module was unloaded with something charged or a cache left" \
	eval '! klog_has "malloc_test: unloaded with"'
verdict "KUnit: rmmod malloc_test takes its suites' results and finds nothing charged" \
	"the kernel log since insmod:" "$(ksince | tail -n 10)"
mt_exit
