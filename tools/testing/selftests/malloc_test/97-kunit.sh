#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 97-kunit.sh - the module's KUnit suite (kunit/mt_kunit.c): the parser and
# its units, the pool's choice of the chunks mem_free frees, chunks'
# footprints, the charges against max_bytes and their exactness through
# failed resizes, mem_rnd_alloc's worst-case bound, check_content's
# detection of overwritten chunks (which userspace cannot reach).  Loads
# kunit/malloc_test_kunit.ko, which check.sh builds against the debug kernel
# only and which runs its suite at insmod; reads the KTAP results from
# debugfs, one check per KUnit case (a failing one with its diagnostics),
# one that every case reported; unloads it.  Other kernels skip.
# Needs: kunit/malloc_test_kunit.ko (check.sh builds it against the debug
# kernel) and KUnit's results in debugfs (else it skips).  Sets up: nothing;
# malloc_test itself is not used, loaded or not.  Leaves: malloc_test as it
# was, malloc_test_kunit unloaded.

. "$(dirname "$0")/lib.sh"
ktap_start

KU_KO=$MT_TESTS/kunit/malloc_test_kunit.ko
KU_SUITE=malloc_test
# The cases of kunit/mt_kunit.c's suite: one gone missing fails the count.
KU_CASES=36
KU_DIR=/sys/kernel/debug/kunit
KU_RES=$KU_DIR/$KU_SUITE/results
# Diagnostics shown under a failing case, at most.
KU_EVIDENCE_MAX=40

# ku_results: one check per case result of $KU_RES's suite, the lines
# before it its evidence; sets KU_N (results), KU_PLAN, KU_END (the suite's
# own result line)
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
				_kev="$_kev$NL($((_kevn - KU_EVIDENCE_MAX)) more lines in $KU_RES)"
			case $_l in
			*" # SKIP"*)
				skip "KUnit $KU_SUITE: ${_kname%% # SKIP*}" "${_kname#* # SKIP}"
				;;
			"    ok "*)
				pass "KUnit $KU_SUITE: $_kname"
				;;
			*)
				fail "KUnit $KU_SUITE: $_kname" "${_kev:-(no diagnostics)}"
				;;
			esac
			_kev=
			_kevn=0
			;;
		"ok "[0-9]*" $KU_SUITE" | "not ok "[0-9]*" $KU_SUITE"*)
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
	done <"$KU_RES"
}

KU_DESC="KUnit $KU_SUITE: the suite ran and all its $KU_CASES cases reported"
[ -f "$KU_KO" ] ||
	mt_exit_skip "no $KU_KO (check.sh builds it against the debug kernel only)"
[ -d "$KU_DIR" ] ||
	mt_exit_skip "this kernel has no KUnit results in debugfs ($KU_DIR: CONFIG_KUNIT_DEBUGFS)"
if loaded malloc_test_kunit; then
	diag "malloc_test_kunit was already loaded: unloading it first"
	rmmod malloc_test_kunit
fi
kmark
nowv _k0
insmod "$KU_KO" 2>"$MT_TMP/insmod"
rc=$?
nowv _k1
diag "insmod (which runs the suite) took $((_k1 - _k0)) ms"
check_eq "KUnit $KU_SUITE: insmod malloc_test_kunit.ko succeeds" "$rc" 0 \
	"$(cat "$MT_TMP/insmod")" "$(ksince | tail -5)"

KU_N=0
KU_PLAN=
KU_END=
if [ -r "$KU_RES" ]; then
	ku_results
fi
_E=
expect_eq "$KU_RES exists" "$([ -r "$KU_RES" ] && echo yes)" yes
expect_eq "its plan (1..N)" "$KU_PLAN" "$KU_CASES"
expect_eq "case results" "$KU_N" "$KU_CASES"
case $KU_END in
"ok 1 $KU_SUITE" | "not ok 1 $KU_SUITE"*) ;;
*) _E="${_E}no result line of the suite itself: '$KU_END'$NL" ;;
esac
verdict "$KU_DESC" "the kernel log since insmod:" "$(ksince | tail -n 20)"

_E=
if loaded malloc_test_kunit; then
	rmmod malloc_test_kunit 2>"$MT_TMP/rmmod" ||
		_E="${_E}rmmod malloc_test_kunit: $(cat "$MT_TMP/rmmod")$NL"
fi
expect "malloc_test_kunit still in /proc/modules" eval '! loaded malloc_test_kunit'
expect "$KU_DIR/$KU_SUITE still there" [ ! -e "$KU_DIR/$KU_SUITE" ]
verdict "KUnit $KU_SUITE: rmmod malloc_test_kunit, its results go with it"
mt_exit
