#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 72-storm.sh - a concurrency storm (mtstorm, mtstorm.c): several
# writers at once on every file, dozens of tests allocating every
# millisecond with every allocator, stop, destroy and destroy_all racing
# their timers (ids being created and destroyed included), every
# statistics file read while tests vanish, the parameters toggled.  First
# a storm that ends: no unexpected answer, no stuck thread, and once every
# test is destroyed and everything freed, nothing held and VmallocUsed (and
# Slab) back.  Then a storm with rmmod in the middle: delete_module() is
# retried until a moment comes when no file is open, and goes through with
# tests running and commands in flight; afterwards every open fails with
# ENOENT, and insmod and rmmod work again.  Both storms run against a
# small max_bytes (8 MiB), which they hit: every mem_used read shows
# charged_bytes <= max_bytes, and /proc/meminfo's VmallocUsed, Slab (not on
# KASAN) and Percpu rise, together, by max_bytes and a documented slack at
# most (4 MiB + 1%: mtstorm --help).  check.sh scans the kernel log
# (KASAN, lockdep, DEBUG_OBJECTS, sleeping in atomic) and 99-kmemleak.sh
# scans for leaks once the suite is done.
# Needs: mtstorm in PATH (else it skips).  Sets up (mt_setup): malloc_test
# loaded, nothing kept, no test, no bench, parameters at their
# defaults.  Leaves (mt_exit): malloc_test loaded again (reloaded here),
# nothing kept, no test, parameters at their defaults.

. "$(dirname "$0")/lib.sh"
ktap_start
STORM=$(command -v mtstorm 2>/dev/null)
[ -n "$STORM" ] ||
	mt_exit_skip "no mtstorm in PATH (make build/bin/mtstorm; boot with --bin build/bin)"
mt_setup

# The debug kernel (KASAN, lockdep) runs it 5-10 times slower: shorter
# storms there keep the case within two minutes.  MT_STORM_SECS sets the
# first storm's length, the second runs a third of it.
if [ -n "$MT_KASAN" ]; then
	ST_SECS=${MT_STORM_SECS:-18}
else
	ST_SECS=${MT_STORM_SECS:-24}
fi
ST_SECS2=$((ST_SECS / 3 + 1))
ST_LOG=$MT_TMP/storm
# the cap the storms run against: small, so that they hit it
ST_MAX=8388608
ST_OPTS="--max-bytes $ST_MAX"
[ -z "$MT_KASAN" ] || ST_OPTS="$ST_OPTS --kasan"
# tolerances of the meminfo checks, in words
ST_TOL="4 MiB and 8 MiB"
[ -z "$MT_KASAN" ] || ST_TOL="4 MiB"
# mtstorm's watchdog reports a stuck call itself; this bounds the rest
ST_TO=
command -v timeout >/dev/null 2>&1 && ST_TO="timeout -s KILL $((ST_SECS * 4 + 240))"

# st_show LOG: the storm's summary and what went wrong, as diagnostics
st_show() {
	diag "$(grep -vE '^mtstorm: (UNEXPECTED|STUCK)' "$1" | tail -n 30)"
}

# st_verdict DESC LOG RC: one check of a storm's outcome
st_verdict() {
	_sl=$2
	expect_eq "mtstorm's exit status" "$3" 0
	expect "no 'mtstorm: PASS' line" grep -q '^mtstorm: PASS' "$_sl"
	_sn=$(grep -c '^mtstorm: UNEXPECTED' "$_sl")
	expect_eq "unexpected results" "$_sn" 0
	_sn=$(grep -c '^mtstorm: STUCK' "$_sl")
	expect_eq "stuck threads" "$_sn" 0
	verdict "$1" "$(grep -E '^mtstorm: (UNEXPECTED|STUCK|FAIL)|^  ' "$_sl" | head -n 40)"
}

# st_footprint LOG: the storm's "footprint:" line, checked: charged_bytes
# (its highest) within max_bytes, the kernel's counters read and within
# their bound
st_footprint() {
	_fl=$(grep '^mtstorm: footprint: ' "$1")
	_fl=${_fl#mtstorm: footprint: }
	diag "footprint: $_fl"
	_fc=${_fl#charged_bytes }
	_fc=${_fc%% *}
	_fr=${_fl#*counters rose by }
	_fr=${_fr%% kB*}
	_fb=${_fl#*), }
	_fb=${_fb%% kB allowed*}
	_fn=${_fl##*allowed; }
	_fn=${_fn%% reads}
	expect_range "the highest charged_bytes mem_used showed" "$_fc" 1 "$ST_MAX"
	expect_range "the bound on the kernel's counters (kB)" "$_fb" $((ST_MAX / 1024)) $((ST_MAX / 1024 + 8192))
	expect_range "the kernel's counters' highest rise (kB)" "$_fr" 0 "$_fb"
	expect_range "reads of the kernel's counters" "$_fn" 2 100000000
}

# st_near WHAT FIELD BASE_KB TOL_KB: /proc/meminfo FIELD within TOL_KB
st_near() {
	mi _nv "$2"
	diag "$2: $3 kB before, $_nv kB now"
	expect_range "$1 ($2 now $_nv kB, before $3 kB)" $((_nv - $3)) $((-$4)) "$4"
}

storm_case() {
	kmark
	mi st_vm0 VmallocUsed
	mi st_slab0 Slab

	# -------------------------------------------- a storm that ends ---
	param mb0 max_bytes
	nowv t0
	$ST_TO "$STORM" --duration "$ST_SECS" $ST_OPTS >"$ST_LOG.1" 2>&1
	rc=$?
	nowv t1
	diag "mtstorm --duration $ST_SECS took $((t1 - t0)) ms:"
	st_show "$ST_LOG.1"
	st_verdict "storm of $ST_SECS s (starts, stops, destroys, destroy_all, kept memory, every statistics file, parameters): every answer as documented, no thread stuck" \
		"$ST_LOG.1" "$rc"
	st_footprint "$ST_LOG.1"
	verdict "the storm against max_bytes $ST_MAX: charged_bytes within it in every read, the kernel's VmallocUsed$MT_AND_SLAB and Percpu within it and the slack"

	mtw_wo mem_test_destroy_all x
	expect "mem_test_destroy_all refused: $(mt_evidence)" [ "$MT_RC" = 0 ]
	mtw mem_free
	expect "mem_free refused: $(mt_evidence)" [ "$MT_RC" = 0 ]
	slurp u "$D/mem_used"
	for k in chunks bytes kept_chunks kept_bytes test_chunks test_bytes corruptions; do
		skey v "$u" $k
		expect_eq "mem_used $k" "$v" 0
	done
	# the kept memory's pool may keep its 3 spare pages, no more
	skey v "$u" tracking_bytes
	expect_range "mem_used tracking_bytes" "$v" 0 12288
	slurp l "$D/mem_test_list"
	expect_eq "mem_test_list" "$l" ""
	expect_eq "tests/" "$(ls -A "$D/tests" 2>&1)" ""
	verdict "after it, destroy_all and mem_free leave nothing: 0 chunks, 0 bytes, no corruption, no test, no tests/ID" \
		"mem_used:$NL$u"

	param cc check_content
	param rp realloc_p
	param al alloc
	param mb max_bytes
	check_eq "mtstorm put the parameters back (check_content, realloc_p, alloc, max_bytes)" \
		"$cc $rp $al $mb" "N 0 kvmalloc $mb0"
	setparam check_content 0
	setparam realloc_p 0
	setparam alloc kvmalloc

	# what release=rcu gave the kernel, freed 5 s and a grace period on
	rcu_settle
	sleep 0.5
	st_near "VmallocUsed back" VmallocUsed "$st_vm0" 4096
	[ -n "$MT_KASAN" ] || st_near "Slab back" Slab "$st_slab0" 8192
	verdict "and VmallocUsed$MT_AND_SLAB back within $ST_TOL of before the storm"

	# --------------------------------------- rmmod in the middle ---
	nowv t0
	$ST_TO "$STORM" --duration "$ST_SECS2" --rmmod $ST_OPTS >"$ST_LOG.2" 2>&1
	rc=$?
	nowv t1
	diag "mtstorm --duration $ST_SECS2 --rmmod took $((t1 - t0)) ms:"
	st_show "$ST_LOG.2"
	st_verdict "storm of $ST_SECS2 s, then rmmod in the middle of it: every answer as documented, every open after the unload refused with ENOENT, no thread stuck" \
		"$ST_LOG.2" "$rc"
	st_footprint "$ST_LOG.2"
	verdict "the storm with rmmod against max_bytes $ST_MAX: charged_bytes within it in every read, the kernel's counters within it and the slack"
	# "unloaded after T ms and N tries, R tests running T ms before"
	l=$(grep '^mtstorm: rmmod: unloaded' "$ST_LOG.2")
	r=${l#*tries, }
	r=${r%% tests running*}
	if [ -n "$l" ] && ! loaded && [ ! -e "$D" ] && [ ! -e "$P" ] &&
		isnum "$r" && [ "$r" -gt 0 ]; then
		pass "rmmod went through in the storm, tests running (${l#mtstorm: rmmod: }): module, debugfs directory and parameters gone"
	else
		fail "rmmod went through in the storm, tests running: module, debugfs directory and parameters gone" \
			"$(grep '^mtstorm: rmmod' "$ST_LOG.2")" \
			"loaded: $(loaded && echo yes || echo no), $D: $([ -e "$D" ] && echo present || echo gone)"
	fi
	if klog_has 'malloc_test: unloaded, ' && ! klog_has 'malloc_test: unloaded with .* a bug'; then
		pass "the module's exit found nothing charged and no bookkeeping left"
	else
		fail "the module's exit found nothing charged and no bookkeeping left" \
			"$(ksince | grep 'malloc_test: unloaded' | tail -n 3)" \
			"$(kmark_kept || echo "the mark is no longer in the kernel log: $(dmesg | wc -l) lines")"
	fi
	sleep 0.5
	st_near "VmallocUsed back" VmallocUsed "$st_vm0" 4096
	[ -n "$MT_KASAN" ] || st_near "Slab back" Slab "$st_slab0" 8192
	verdict "after the unload, VmallocUsed$MT_AND_SLAB back within $ST_TOL of before the storms"

	# ------------------------------------------ the kernel's word ---
	bad=$(ksince | grep -E 'BUG:|WARNING:|Oops|Call Trace|KASAN|ODEBUG:|INFO: possible|INFO: task .* blocked|DEBUG_LOCKS_WARN_ON|sleeping function called' | head -n 20)
	# (an empty log since the mark proves nothing)
	kmark_kept || bad="the storms' lines pushed the mark out of the kernel log$NL$bad"
	check_eq "no kernel report during the storms (BUG, WARNING, KASAN, lockdep, ODEBUG, sleeping in atomic, hung task)" \
		"$bad" "" "$(ksince | grep -E -B 2 -A 20 'BUG:|WARNING:|KASAN|ODEBUG:|INFO: possible' | head -n 60)"

	# ------------------------------------------------ load again ---
	mt_insmod
	rc=$?
	slurp u "$D/mem_used"
	skey c "$u" chunks
	skey b "$u" bytes
	slurp l "$D/mem_test_list"
	mtw mem_test_start 1 2 10 1 2 1000
	id=$MT_OUT
	mtw mem_test_destroy "$id"
	_E=
	expect_eq "insmod status ($(cat "$MT_TMP/insmod"))" "$rc" 0
	expect_eq "mem_used chunks, bytes; mem_test_list" "$c $b $l" "0 0 "
	expect_eq "first test id" "$id" 1
	expect "mem_test_destroy 1 refused: $(mt_evidence)" [ "$MT_RC" = 0 ]
	rmmod malloc_test 2>"$MT_TMP/rmmod"
	rc=$?
	expect_eq "rmmod status ($(cat "$MT_TMP/rmmod"))" "$rc" 0
	mt_insmod
	rc=$?
	expect_eq "second insmod status ($(cat "$MT_TMP/insmod"))" "$rc" 0
	verdict "after the storm, insmod (empty, ids from 1), a test, rmmod and insmod again work"
}

if ! loaded; then
	fail "concurrency storm with rmmod in the middle" "malloc_test is not loaded"
else
	diag "mtstorm is $STORM"
	storm_case
fi
mt_exit
