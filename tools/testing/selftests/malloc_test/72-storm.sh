#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 72-storm.sh - a concurrency storm (mtstorm, mtstorm.c): several
# writers at once on every file, dozens of tests allocating every
# millisecond with every allocator, stop, destroy and destroy_all racing
# their timers (ids being created and destroyed included), every
# statistics file read while tests vanish, the parameters toggled.  First
# a storm that ends: no unexpected answer, no stuck thread, and once every
# test is destroyed and everything freed, nothing held and VmallocUsed (and
# Slab) back; its tests ran in every context (work, timer, softirq,
# irqoff, bhoff, and nmi where the kernel can run it).  Then a storm with
# rmmod in the middle: delete_module() is retried until a moment comes
# when no file is open, and goes through with tests running and commands
# in flight; afterwards every open fails with
# ENOENT, and insmod and rmmod work again.  Both storms run against a
# small max_bytes (8 MiB), which they hit: every mem_used read shows
# charged_bytes <= max_bytes, and /proc/meminfo's VmallocUsed, Slab (not on
# KASAN) and Percpu rise, together, by max_bytes and a documented slack at
# most (4 MiB + 1%: mtstorm --help).  The first storm also takes CPU 1
# (every CPU but 0 that can go) offline and online all along (--hotplug):
# a test or bench start that names an offline CPU is refused, and only
# then; at least one transition, and afterwards every CPU online again.
# And it moves writers into a memory cgroup of its own (st72, memory.max
# 1 MiB above what it held) and back (--memcg): there, commands with
# gfp=account are charged to it and may be refused with ENOMEM naming
# it, a chunk bigger than its limit always is; at least one move, no OOM
# kill (/proc/vmstat, its memory.events), once everything is freed its
# memory.current near 0 (what the CPUs hold charged ahead for it, 256
# KiB each at most), and the group removed.  Each skips, with the
# reason, where no CPU can go offline or there is no memory cgroup
# controller.  check.sh scans the kernel log (KASAN, lockdep,
# DEBUG_OBJECTS, sleeping in atomic) and 99-kmemleak.sh scans for leaks
# once the suite is done.
# Needs: mtstorm in PATH (else it skips).  Sets up (mt_setup): malloc_test
# loaded, nothing kept, no test, no bench, parameters at their
# defaults.  Leaves (mt_exit): malloc_test loaded again (reloaded here),
# nothing kept, no test, parameters at their defaults, every CPU online,
# the shell in the root cgroup, no st72 group.

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

# st_hotplug_why: empty when a CPU other than 0 can go offline, else why not
st_hotplug_why() {
	nr_online _hn
	_hw="$_hn CPU online"
	[ "$_hn" -ge 2 ] || { echo "$_hw"; return; }
	for _hf in /sys/devices/system/cpu/cpu[1-9]*/online; do
		[ -w "$_hf" ] || continue
		read -r _hv <"$_hf"
		[ "$_hv" != 1 ] || return 0
	done
	echo "no CPU but 0 has an online file to write (CONFIG_HOTPLUG_CPU)"
}

# st_cg_setup: the storm's memory cgroup, $CG/st72, the shell back in the
# root group, memory.max 1 MiB above what the group holds (ST_CG_M0);
# ST_CG the group, or empty and ST_CG_WHY why not
st_cg_setup() {
	ST_CG=
	if ! cg_setup st72; then
		ST_CG_WHY=$CG_WHY
		cg_teardown
		return
	fi
	cg_leave
	read -r _cs </proc/self/cgroup
	read -r ST_CG_M0 <"$CG_DIR/memory.current"
	if [ "$_cs" != "0::/" ] || ! isnum "$ST_CG_M0" ||
		! echo $((ST_CG_M0 + 1048576)) >"$CG_DIR/memory.max"; then
		ST_CG_WHY="the shell could not leave $CG_DIR ($_cs), or its memory.max be set"
		cg_teardown
		return
	fi
	read -r ST_CG_MAX <"$CG_DIR/memory.max"
	ST_CG=$CG_DIR
}

# st_ev FILE KEY VAR: KEY's count in FILE ("key value" lines), 0 if none
st_ev() {
	_sv=$(awk -v k="$2" '$1 == k { print $2 }' "$1" 2>/dev/null)
	eval "$3=\${_sv:-0}"
}

storm_case() {
	kmark
	mi st_vm0 VmallocUsed
	mi st_slab0 Slab

	# -------------------------------------------- a storm that ends ---
	# with CPUs going offline and online, writers moving between groups
	param mb0 max_bytes
	ST_HP_WHY=$(st_hotplug_why)
	st_online0=$(cat /sys/devices/system/cpu/online)
	st_cg_setup
	st_more=--hotplug
	[ -z "$ST_CG" ] || st_more="$st_more --memcg $ST_CG"
	st_ev /proc/vmstat oom_kill st_ook0
	nowv t0
	$ST_TO "$STORM" --duration "$ST_SECS" $ST_OPTS $st_more >"$ST_LOG.1" 2>&1
	rc=$?
	nowv t1
	# mtstorm puts them back online; what a storm killed midway left
	st_online1=$(cat /sys/devices/system/cpu/online)
	mt_cpus_online
	diag "mtstorm --duration $ST_SECS $st_more took $((t1 - t0)) ms:"
	st_show "$ST_LOG.1"
	st_verdict "storm of $ST_SECS s (starts, stops, destroys, destroy_all, kept memory, every statistics file, parameters): every answer as documented, no thread stuck" \
		"$ST_LOG.1" "$rc"
	st_footprint "$ST_LOG.1"
	verdict "the storm against max_bytes $ST_MAX: charged_bytes within it in every read, the kernel's VmallocUsed$MT_AND_SLAB and Percpu within it and the slack"

	# "hotplug: N transitions (F offline, O online), K refused by the
	# kernel; refused for an offline CPU: S test starts, B benches; ..."
	l=$(grep '^mtstorm: hotplug: [0-9]* transitions' "$ST_LOG.1")
	n=${l#mtstorm: hotplug: }
	n=${n%% *}
	if [ -n "$ST_HP_WHY" ]; then
		skip "CPUs offline and online during the storm" "$ST_HP_WHY"
	else
		expect "no hotplug summary: $(grep '^mtstorm: hotplug' "$ST_LOG.1")" [ -n "$l" ]
		expect_range "hotplug transitions" "$n" 1 1000000
		expect_eq "CPUs online once mtstorm ended" "$st_online1" "$st_online0"
		verdict "CPUs other than 0 offline and online all along the storm (${l#mtstorm: hotplug: }), every CPU online again after it"
	fi

	# "tests started by context: work N, timer N, softirq N, irqoff N,
	# bhoff N, nmi N": the storm ran tests in each context this kernel
	# has (nmi where mtstorm found it could run, else it was refused)
	l=$(grep '^mtstorm: tests started by context: ' "$ST_LOG.1")
	l=${l#mtstorm: tests started by context: }
	expect "no 'tests started by context' line" [ -n "$l" ]
	for c in work timer softirq irqoff bhoff nmi; do
		[ $c = nmi ] && ! grep -q '^mtstorm: seed .*ctx=nmi tests among them' "$ST_LOG.1" &&
			continue
		n=${l#*"$c "}
		expect_range "ctx=$c tests started" "${n%%,*}" 1 100000000
	done
	verdict "the storm started tests in every context this kernel runs ($l)"

	# "memcg: N moves into DIR and B back, in R rounds (...); there C
	# commands, D done, refused: E ENOMEM naming the group at its
	# memory.max, ..."
	l=$(grep '^mtstorm: memcg: [0-9]* moves' "$ST_LOG.1")
	if [ -z "$ST_CG" ]; then
		skip "writers moved between memory cgroups during the storm" "$ST_CG_WHY"
	else
		n=${l#mtstorm: memcg: }
		n=${n%% *}
		b=${l#* and }
		b=${b%% back*}
		e=${l#*refused: }
		e=${e%% ENOMEM naming*}
		expect "no memcg summary: $(grep '^mtstorm: memcg' "$ST_LOG.1")" [ -n "$l" ]
		expect_range "moves into $ST_CG" "$n" 1 1000000
		expect_eq "moves back into the root group" "$b" "$n"
		expect_range "refusals naming the group" "$e" 0 1000000
		verdict "writers moved into $ST_CG (memory.max $ST_CG_MAX) and back all along the storm, their commands charged there (${l#mtstorm: memcg: })"
	fi

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

	# the group: all it was charged given back, no OOM kill, removed
	if [ -n "$ST_CG" ]; then
		read -r m1 <"$ST_CG/memory.current"
		st_ev "$ST_CG/memory.events" oom e_oom
		st_ev "$ST_CG/memory.events" oom_kill e_kill
		st_ev "$ST_CG/memory.events" max e_max
		st_ev /proc/vmstat oom_kill st_ook1
		diag "$ST_CG: memory.current $ST_CG_M0 before the storm, $m1 now; memory.events: $(tr '\n' ' ' <"$ST_CG/memory.events")"
		# near 0: what the CPUs may hold charged ahead for the group
		# (the memory controller's per-CPU stock, 64 pages each)
		nr_possible np
		expect_range "memory.current, everything freed (before the storm $ST_CG_M0)" \
			"$m1" 0 $((np * 262144 + 131072))
		expect_eq "the group's memory.events oom, oom_kill" "$e_oom $e_kill" "0 0"
		expect_eq "/proc/vmstat oom_kill" "$st_ook1" "$st_ook0"
		# a refusal that named the group: memory.events max counted it
		[ "${e:-0}" = 0 ] || expect "refusals named the group, yet its memory.events max is $e_max" [ "$e_max" -gt 0 ]
		cg_teardown
		expect "$ST_CG is still there after rmdir" [ ! -d "$ST_CG" ]
		verdict "after the storm, $ST_CG gave back what was charged to it (memory.current $m1: at most 256 KiB per CPU and 128 KiB), no OOM kill anywhere, the group removed"
		ST_CG=
	fi

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
