#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run.sh - the malloc_test guest suite's runner: KTAP on stdout.
#
# Run inside the VM as "sh /mt/tests/run.sh".  Runs every numbered case
# program of this directory (NN-*.sh) in order, each a child process
# that sets up and tears down what it needs (lib.sh's mt_setup and
# mt_exit) and exits 0 (pass), 1 (fail) or 4 (skip).  KTAP version 1,
# nested: one top-level result per case ("ok N - CASE", "not ok N - CASE",
# "ok N - CASE # SKIP reason"), from its exit status, after its own
# result lines indented by four spaces.  Between the cases it checks what
# no case may break: after each one that ran, mem_used's charges add up
# (a result line of its own, the last of the case's subtests).  The
# kernel log is checked on the host (harness/check.sh).
#
# MT_TESTS_SELECT="WORD..." (spaces or commas; from the environment, or
# the kernel command line, which passes NAME=VALUE on to init) runs only
# the cases whose file name contains one of the WORDs: "realloc 55"
# runs 30-realloc.sh and 55-contexts.sh.  A selection that matches no
# case is an error (exit 2).

MT_TESTS=${MT_TESTS:-${0%/*}}
. "$MT_TESTS/lib.sh"
# Each case's exit status, its summary and its scratch files.
MT_RUN=/tmp/mt-run

# The awk that nests a case's output: every line indented by four spaces
# under a "# Subtest:" header, as it comes (a hung case shows how far it
# got), but its "KTAP version" line, its plan and its totals, which
# run.sh prints itself after its own check; into SUM: the number of
# result lines, of failed ones, of skipped ones, the plan ("-" when none
# came: the case died) and the skip reason of a "1..N # SKIP reason" plan.
NEST_AWK='
BEGIN {
	print "    KTAP version 1"
	print "    # Subtest: " name
	fflush()
	n = 0; nf = 0; ns = 0; plan = "-"; why = ""
}
/^KTAP version / || /^# Totals: / { next }
/^1\.\.[0-9]+/ {
	plan = $0
	sub(/^1\.\./, "", plan)
	sub(/[^0-9].*$/, "", plan)
	if (match($0, /# *SKIP/)) {
		why = substr($0, RSTART + RLENGTH)
		sub(/^ +/, "", why)
	}
	next
}
/^(not )?ok [0-9]+/ {
	n++
	if ($0 ~ /^not ok/)
		nf++
	else if ($0 ~ /# *[Ss][Kk][Ii][Pp]/)
		ns++
}
{ print "    " $0; fflush() }
END {
	print n, nf, ns, plan > sum
	print why > sum
}'

# ndiag TEXT...: diag, indented as a subtest's
ndiag() {
	diag "$@" | sed 's/^/    /'
}

# run_case PATH: the case as a child process, its output nested; one
# top-level result from its exit status, its results and the charges
run_case() {
	_cp=$1
	_cn=${_cp##*/}
	_cd=$MT_RUN/${_cn%.sh}
	rm -rf "$_cd"
	mkdir -p "$_cd"
	nowv MT_C0
	diag "--- $_cn"
	{
		MT_TMP=$_cd/tmp "$_cp" </dev/null
		echo $? >"$_cd/rc"
	} 2>&1 | awk -v name="$_cn" -v sum="$_cd/sum" "$NEST_AWK"
	_crc=none
	[ ! -r "$_cd/rc" ] || read -r _crc <"$_cd/rc"
	_cnr=0 _cnf=0 _cns=0 _cplan=- _cwhy=
	[ ! -r "$_cd/sum" ] || { read -r _cnr _cnf _cns _cplan; IFS= read -r _cwhy; } <"$_cd/sum"
	_cbad=
	case $_crc in
	0 | 1 | 4) ;;
	*) _cbad="it exited with status $_crc" ;;
	esac
	if [ "$_cplan" = - ]; then
		_cbad="${_cbad:+$_cbad; }it printed no plan (1..N): it died before its end"
	elif [ "$_cplan" != "$_cnr" ]; then
		_cbad="${_cbad:+$_cbad; }its plan is 1..$_cplan but it printed $_cnr results"
	fi
	if [ "$_crc" = 4 ] && [ -z "$_cbad" ] && [ "$_cnf" = 0 ]; then
		echo "    1..$_cnr # SKIP $_cwhy"
		nowv MT_C1
		diag "--- $_cn took $((MT_C1 - MT_C0)) ms"
		skip "$_cn" "$_cwhy"
		return
	fi
	# every case leaves nothing running: the charges must add up
	if [ -r "$D/mem_used" ]; then
		_cnr=$((_cnr + 1))
		if charges_add_up MT_CP; then
			echo "    ok $_cnr - after $_cn: mem_used's charges add up, within max_bytes"
		else
			echo "    not ok $_cnr - after $_cn: mem_used's charges add up, within max_bytes"
			ndiag "$MT_CP" "$(cat "$D/mem_used")"
			_cnf=$((_cnf + 1))
		fi
	fi
	echo "    1..$_cnr"
	echo "    # Totals: pass:$((_cnr - _cnf - _cns)) fail:$_cnf skip:$_cns"
	nowv MT_C1
	diag "--- $_cn took $((MT_C1 - MT_C0)) ms"
	if [ "$_crc" = 0 ] && [ "$_cnf" = 0 ] && [ -z "$_cbad" ]; then
		pass "$_cn"
	elif [ "$_crc" = 4 ]; then
		fail "$_cn" "it exited with status 4 (skip: $_cwhy)${_cbad:+, but $_cbad}, $_cnf failed check(s)"
	else
		fail "$_cn" "exit status $_crc, $_cnf failed check(s) of $_cnr${_cbad:+; $_cbad}"
	fi
}

# The cases, in order, those MT_TESTS_SELECT names only.
MT_SEL=$(echo "${MT_TESTS_SELECT:-}" | tr ',' ' ')
MT_CASES=
MT_ALL=0
for MT_CASE in "$MT_TESTS"/[0-9][0-9]-*.sh; do
	[ -f "$MT_CASE" ] || continue
	MT_ALL=$((MT_ALL + 1))
	if [ -n "$MT_SEL" ]; then
		_hit=
		for _w in $MT_SEL; do
			case ${MT_CASE##*/} in
			*"$_w"*) _hit=1 ;;
			esac
		done
		[ -n "$_hit" ] || continue
	fi
	MT_CASES="$MT_CASES${MT_CASES:+ }$MT_CASE"
done
set -- $MT_CASES

ktap_start
diag "malloc_test guest suite, kernel $(uname -r) (${KVER:-?})"
if [ -n "$MT_SEL" ]; then
	diag "MT_TESTS_SELECT='$MT_SEL': $# of $MT_ALL cases"
	if [ $# = 0 ]; then
		echo "1..0"
		diag "no case's name contains any of: $MT_SEL"
		exit 2
	fi
fi
# harness/vm.sh boots TCG guests without CX16: QEMU 7.2's TCG can corrupt
# EFLAGS after cmpxchg16b, which kills a guest at random in SLUB's fast
# path.  A check of its own, before the cases.
MT_TCG=
grep -q '^model name.*QEMU TCG' /proc/cpuinfo && MT_TCG=1
echo "1..$(($# + ${MT_TCG:-0}))"
if [ -n "$MT_TCG" ]; then
	check_eq "TCG guest: the CPU offers no cx16 (QEMU's cmpxchg16b flags bug)" \
		"$(grep -m1 '^flags' /proc/cpuinfo | grep -cw cx16)" 0
fi
nowv MT_T0
for MT_CASE in "$@"; do
	run_case "$MT_CASE"
done
nowv MT_T1
diag "suite took $((MT_T1 - MT_T0)) ms"
echo "# Totals: pass:$KTAP_PASS fail:$KTAP_FAIL skip:$KTAP_SKIP"
[ "$KTAP_FAIL" = 0 ]
