#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 99-kmemleak.sh - while the module holds chunks, kmemleak reports none of
# them; once every command has run and the module is removed, kmemleak
# finds no leak (in a whole run: none since 05-kmemleak-clear.sh cleared
# what boot left, so none the whole suite made; alone: none this case
# made); and it would find one: a module that leaks on purpose
# (leaker/leaker.ko, which check.sh builds against the debug kernel) is
# reported: at least one of its 32 objects.  kmemleak is conservative: a
# stale pointer left on a stack hides an object, and in a guest that ran
# little before (this case alone after 10-load.sh) 7 of 8 stayed hidden;
# in a whole run, 28 of 32 are reported.  Kernels without kmemleak skip
# the case.
# Needs: kmemleak (the debug kernel; else it skips).  Sets up: what boot left
# forgotten by kmemleak (kml_forget), unless 05-kmemleak-clear.sh did it in
# this boot; then (mt_setup) malloc_test loaded, nothing kept, no test,
# parameters at their defaults.  Leaves (mt_exit): malloc_test not loaded.

. "$(dirname "$0")/lib.sh"
ktap_start
LEAKER=$MT_TESTS/leaker/leaker.ko
[ -e "$KMEMLEAK" ] || mt_exit_skip "this kernel has no kmemleak ($KMEMLEAK)"
_kc=
[ ! -r "$MT_STATE/kmemleak-cleared" ] || read -r _kc <"$MT_STATE/kmemleak-cleared"
if [ -z "$MT_BOOT" ] || [ "x$_kc" != "x$MT_BOOT" ]; then
	diag "05-kmemleak-clear.sh did not run in this boot: forgetting what kmemleak suspects so far"
	kml_forget || diag "kmemleak refused a write: $(dmesg | grep kmemleak | tail -n 5)"
fi
mt_setup

# kml_scan VAR: two scans (an object is reported at the second scan that
# finds it unreferenced and unchanged), then the report into VAR; 1 when
# kmemleak refused a scan (it turned itself off)
kml_scan() {
	_ks=0
	echo scan >"$KMEMLEAK" 2>"$MT_TMP/kml" || _ks=1
	sleep 1
	echo scan >"$KMEMLEAK" 2>>"$MT_TMP/kml" || _ks=1
	slurp "$1" "$KMEMLEAK"
	return $_ks
}

# kml_count TEXT: the number of reports in TEXT
kml_count() {
	printf '%s\n' "$1" | grep -c '^unreferenced object'
}

KML_DESC="kmemleak: no leak after every command and rmmod (suspected objects)"
KML_HELD="kmemleak takes none of the chunks the module holds for a leak (their pointers live in the pool's pages)"
# Chunks kept and a running test's, whose only pointers are in the
# pool's pages: the page allocator's, which kmemleak does not scan
# unless told about them.
echo clear >"$KMEMLEAK" 2>/dev/null
run_ok mem_rnd_alloc 16 64 100000 alloc=kmalloc
start_test KT 16 64 10000000 1 2 600000 alloc=kmalloc
# an object is reported only once it is five seconds old
sleep 6
if kml_scan kml_held; then
	n=$(printf '%s\n' "$kml_held" | grep -c 'malloc_test')
	tstat kc "$KT" chunks
	used kk kept_chunks
	check_eq "$KML_HELD ($kk kept, $kc the test's)" "$n" 0 \
		"$(printf '%s\n' "$kml_held" | head -n 40)"
else
	fail "$KML_HELD" "kmemleak refused to scan: $(cat "$MT_TMP/kml")"
fi
mtw mem_test_destroy "$KT"
mtw mem_free
echo clear >"$KMEMLEAK" 2>/dev/null
unload
check "malloc_test is unloaded before the last scan" eval '! loaded'
# An object is reported only once it is five seconds old.
sleep 5
nowv _k0
if kml_scan kml_report; then
	nowv _k1
	diag "two kmemleak scans took $((_k1 - _k0)) ms"
	n=$(kml_count "$kml_report")
	check_eq "$KML_DESC" \
		"$n" 0 "$(printf '%s\n' "$kml_report" | head -n 80)"
else
	fail "$KML_DESC" \
		"kmemleak refused to scan: $(cat "$MT_TMP/kml")" "$(dmesg | grep kmemleak | tail -5)"
fi

# The proof: a leak is seen.  The markers tell check.sh's log scan
# that kmemleak's "new suspected memory leaks" line between them is
# expected.
if [ ! -f "$LEAKER" ]; then
	skip "kmemleak reports a deliberate leak: leaker.ko's objects, leaker_alloc in their backtrace" "no $LEAKER (check.sh builds it against the debug kernel)"
else
	echo clear >"$KMEMLEAK" 2>/dev/null
	echo "mt-expected-leak-begin" >/dev/kmsg
	_E=
	if insmod "$LEAKER" 2>"$MT_TMP/insmod"; then
		sleep 6
		# Up to three rounds: a stale copy of a pointer on some
		# stack hides its object until that stack is reused.
		_kr=0
		while [ $_kr -lt 3 ]; do
			kml_scan kml_leak
			_kl=$(printf '%s\n' "$kml_leak" | grep -c 'leaker_alloc')
			[ "$_kl" -lt 1 ] || break
			_kr=$((_kr + 1))
		done
		diag "kmemleak reported $_kl of leaker's 32 objects ($((_kr + 1)) round(s) of scans)"
		# (kmemleak gives the size of the slab object: 8192)
		case $kml_leak in
		*"unreferenced object 0x"*'comm "insmod"'*leaker_alloc*)
			expect_range "objects reported with leaker_alloc in their backtrace" "$_kl" 1 32 ;;
		*) _E="${_E}no report of an object that insmod allocated in leaker_alloc$NL" ;;
		esac
		rmmod leaker 2>"$MT_TMP/rmmod" || _E="${_E}rmmod leaker: $(cat "$MT_TMP/rmmod")$NL"
		# leaker frees the object at rmmod: kmemleak forgets it.
		slurp _kafter "$KMEMLEAK"
		case $_kafter in
		*leaker_alloc*) _E="${_E}after rmmod leaker, kmemleak still lists its object$NL" ;;
		esac
	else
		_E="${_E}insmod $LEAKER: $(cat "$MT_TMP/insmod")$NL"
	fi
	echo clear >"$KMEMLEAK" 2>/dev/null
	echo "mt-expected-leak-end" >/dev/kmsg
	verdict "kmemleak reports a deliberate leak: leaker.ko's objects, leaker_alloc in their backtrace" \
		"kmemleak's report:" "$(printf '%s\n' "${kml_leak:-}" | head -n 40)"
fi
mt_exit
