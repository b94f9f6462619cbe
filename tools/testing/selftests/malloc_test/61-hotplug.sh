#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 61-hotplug.sh - CPU hotplug while allocating (issue 17).  A background
# loop takes every CPU but 0 offline and online again, one at a time and
# then all together, for at least 30 s (MT_HOTPLUG_MS; longer until each
# bench has run, which takes 10 s on a 2-CPU debug guest), while at once:
#   - timed tests run in every context the kernel has (ctx=work, timer,
#     softirq, irqoff; nmi with alloc=pages_nolock from 6.18), with
#     kmalloc, cache, percpu and pages, half of them pinned (cpu=N) to
#     CPUs that go away, check_content and realloc_p on; short tests
#     pinned to those CPUs start, are stopped or finish meanwhile, a
#     start on a CPU that is offline just then being refused ("CPU N is
#     offline");
#   - benches run one after another, each with thread 0 on a CPU that
#     goes away: kmalloc pair on several threads, kmalloc remote (a pair
#     of threads passing chunks through their ring), cache batch (the
#     threads wait for one another at the peak), percpu and pages pairs;
#     a start refused because a CPU went offline just then (cpu=, threads=,
#     EAGAIN) is tried again;
#   - per-CPU chunks are kept (mem_alloc, mem_rnd_alloc alloc=percpu) and
#     freed (mem_free).
# Afterwards, every CPU online again: each test ended (finished, or
# stopped where the case stopped it), holds nothing, its figures exact
# (total_alloc - freed = charged = 0, no corruption, errors 0 but for a
# per-CPU test in an atomic context, which may count the kernel's
# refusals of atomic per-CPU allocations, and a pages_nolock test, which
# may count alloc_pages_nolock()'s refusals of a taken lock; its latency
# histograms counting every allocation, resize and free, whichever CPU
# recorded them); off_cpu counted for the pinned tests, 0 for the others;
# each bench done, alloc_ops + errors what it was asked; the kept per-CPU
# memory freed, Percpu back where it was; mem_used's charges add up; rmmod
# with a test pinned to an offline CPU and per-CPU chunks kept goes
# through.  No BUG, WARNING, lockdep or KASAN report (the harness scans
# the whole log too).
#
# What happens to work whose CPU goes away, as observed (see the diag
# lines for the figures of a run):
#   - a pinned test keeps running elsewhere, and off_cpu counts each step
#     that ran off cpu=: its hrtimer is moved with the dying CPU's
#     timers to an online CPU, its work (queue_work_on() of an offline
#     CPU) runs on another.  A ctx=work or irqoff test's steps come back
#     to its CPU once it is online again (the work is queued there at
#     each tick): about the share of the time its CPU was away is off
#     it.  A ctx=timer, softirq or nmi test's steps stay where its
#     hrtimer went (the timer re-arms itself on the CPU it fired on)
#     until that CPU goes offline in turn and the kernel moves it again,
#     back to cpu= only by chance: with two CPUs every step after the
#     first offline is off it, with four most (97 % on the stock lanes,
#     75 % on the debug lane, whose hotplug is slower);
#   - a bench thread (kthread_create_on_cpu(), bound) is moved by the
#     scheduler to an online CPU and goes on there, no longer bound (its
#     Cpus_allowed becomes every CPU): once its CPU is back it runs
#     wherever the scheduler puts it; bench_result's threadN_cpu still
#     names the CPU it was started on.  Each run ends done, every pair
#     counted.
# Needs: two CPUs online at least, CPUs other than 0 that can go offline
# (CONFIG_HOTPLUG_CPU); four make it richer (several CPUs off at once,
# bench threads moving between CPUs that are not 0): harness/check.sh
# runs it in a 4-CPU guest of its own, and passes MT_HOTPLUG_CPUS=4 so
# that it skips in the lane's 2-CPU guest.  Sets up (mt_setup):
# malloc_test loaded with check_content=1 and realloc_p=10, nothing
# kept, no test, no bench.  Leaves (mt_exit): malloc_test freshly loaded,
# nothing kept, every CPU online.

. "$(dirname "$0")/lib.sh"
ktap_start
mt_need_config CONFIG_HOTPLUG_CPU
mt_setup check_content=1 realloc_p=10

SYSCPU=/sys/devices/system/cpu
HP_MS=${MT_HOTPLUG_MS:-30000}
nr_possible NPOS
nr_online NON
# the CPUs that may go offline: every one with an online file but 0
HP_CPUS=
HP_N=0
for f in $SYSCPU/cpu[0-9]*/online; do
	[ -e "$f" ] || continue
	c=${f%/online}
	c=${c##*/cpu}
	[ "$c" = 0 ] && continue
	HP_CPUS="$HP_CPUS${HP_CPUS:+ }$c"
	HP_N=$((HP_N + 1))
	HP_LAST=$c
done
[ "$NON" -ge 2 ] ||
	mt_exit_skip "one CPU online ($NPOS possible): none can go offline while CPU 0 stays"
[ -n "$HP_CPUS" ] ||
	mt_exit_skip "no CPU but 0 has $SYSCPU/cpuN/online: this kernel cannot take them offline (CONFIG_HOTPLUG_CPU=y)"
if [ -n "${MT_HOTPLUG_CPUS:-}" ] && [ "$NON" -lt "$MT_HOTPLUG_CPUS" ]; then
	mt_exit_skip "this guest has $NON CPUs: harness/check.sh runs the case in a guest of its own with $MT_HOTPLUG_CPUS"
fi

# hp_write CPU 0|1 ERRFILE: writes CPU's online file; its error text in
# ERRFILE; the write's status
hp_write() {
	{ echo "$2" >"$SYSCPU/cpu$1/online"; } 2>"$3"
}

# hp_is_online CPU
hp_is_online() {
	_ho=1
	read -r _ho 2>/dev/null <"$SYSCPU/cpu$1/online"
	[ "$_ho" = 1 ]
}

if ! hp_write "$HP_LAST" 0 "$MT_TMP/hperr"; then
	mt_exit_skip "cannot take CPU $HP_LAST offline: $(cat "$MT_TMP/hperr")"
fi
hp_write "$HP_LAST" 1 "$MT_TMP/hperr" ||
	mt_setup_fail "CPU $HP_LAST does not come back online: $(cat "$MT_TMP/hperr")"
diag "CPUs: $NPOS possible, $NON online; going offline and back: $HP_CPUS; CPU 0 stays"
kmark
mi PC0 Percpu

# ------------------------------------------------ the hotplug loop ---
# hp_loop: until the main loop says stop ($MT_TMP/hp.stop, looked at
# before each write): each CPU of HP_CPUS offline for 0.2 s, one after
# the other, then all of them together for 0.4 s; then every one online.
# One line per write in $MT_TMP/hp.log: "MS CPU VALUE STATUS
# DURATION_MS"; the errors in hp.err.
hp_loop() {
	_hr=0
	: >"$MT_TMP/hp.err"
	while :; do
		_hr=$((_hr + 1))
		for _hc in $HP_CPUS; do
			hp_op "$_hc" 0 || break 2
			sleep 0.2
			hp_op "$_hc" 1 || break 2
			sleep 0.1
		done
		for _hc in $HP_CPUS; do
			hp_op "$_hc" 0 || break 2
			sleep 0.1
		done
		sleep 0.4
		for _hc in $HP_CPUS; do
			hp_op "$_hc" 1 || break 2
			sleep 0.1
		done
	done
	for _hc in $HP_CPUS; do
		hp_is_online "$_hc" || hp_op "$_hc" 1 force
	done
	echo "$_hr" >"$MT_TMP/hp.rounds"
}

# hp_op CPU VALUE [force]: one write of the loop, logged; 1 when told to
# stop (and nothing written), unless forced
hp_op() {
	[ -n "${3:-}" ] || [ ! -e "$MT_TMP/hp.stop" ] || return 1
	nowv _ht
	hp_write "$1" "$2" "$MT_TMP/hp.err1"
	_hs=$?
	nowv _ht2
	echo "$_ht $1 $2 $_hs $((_ht2 - _ht))" >>"$MT_TMP/hp.log"
	[ "$_hs" = 0 ] || { echo "cpu$1 -> $2: $(cat "$MT_TMP/hp.err1")" >>"$MT_TMP/hp.err"; }
	return 0
}

HP_PID=
hp_kill() {
	[ -z "$HP_PID" ] || kill "$HP_PID" 2>/dev/null
	HP_PID=
}
trap hp_kill EXIT

# ------------------------------------------------------- the tests ---
# hp_words CTX ALLOC TIME [CPU]: mem_test_start's words for ALLOC in CTX
# for TIME ms, on CPU if given; a free policy of its own per allocator
hp_words() {
	case $2 in
	kmalloc) _hw="16 2048 131072" _hf=all ;;
	cache) _hw="8 1500 131072" _hf=fifo ;;
	percpu) _hw="8 256 $((16384 * NPOS))" _hf=random ;;
	pages) _hw="1 12288 262144" _hf=lifo ;;
	pages_nolock) _hw="16 16384 262144" _hf=all ;;
	esac
	HW="$_hw 1 5 $3 alloc=$2 ctx=$1 free=$_hf${4:+ cpu=$4}"
}

# hp_cpu_at I: HC := the I-th CPU of HP_CPUS, wrapping around
hp_cpu_at() {
	_hi=$(($1 % HP_N))
	for HC in $HP_CPUS; do
		[ "$_hi" = 0 ] && return
		_hi=$((_hi - 1))
	done
}

CTXS="work timer softirq irqoff"
ALLOCS="kmalloc cache percpu pages"
LONG_MS=$((HP_MS + 4000))
LONG=
i=0
ci=0
for ctx in $CTXS; do
	ai=0
	for a in $ALLOCS; do
		# every allocator pinned in two contexts, free in the others
		if [ $(((ci + ai) % 2)) = 0 ]; then
			hp_cpu_at $i
			hp_words $ctx $a $LONG_MS "$HC"
		else
			hp_words $ctx $a $LONG_MS
		fi
		start_test T $HW
		[ -n "$T" ] && LONG="$LONG $T" && eval "TW_$T=\$HW"
		i=$((i + 1))
		ai=$((ai + 1))
	done
	ci=$((ci + 1))
done
NMI_WHY=
if kv_ge 6 18; then
	for pin in 1 0; do
		hp_cpu_at $i
		[ $pin = 1 ] || HC=
		hp_words nmi pages_nolock $LONG_MS "$HC"
		start_test T $HW
		if [ -n "$T" ]; then
			LONG="$LONG $T"
			eval "TW_$T=\$HW"
		else
			NMI_WHY="mem_test_start '$HW': $(mt_evidence)"
		fi
		i=$((i + 1))
	done
else
	NMI_WHY="ctx=nmi needs 6.18 ($(uname -r))"
fi
n=0
for T in $LONG; do n=$((n + 1)); done
check_eq "the long tests start, every CPU online: 16 (4 contexts x kmalloc, cache, percpu, pages)$(kv_ge 6 18 && echo ', 2 ctx=nmi pages_nolock')" \
	$n $((16 + $(kv_ge 6 18 && echo 2 || echo 0)))
# the long test stopped midway
STOP_LONG=${LONG# }
STOP_LONG=${STOP_LONG%% *}

rm -f "$MT_TMP/hp.stop"
( hp_loop ) &
HP_PID=$!
nowv W0
# the loop goes on past HP_MS until every bench has run once (on the
# debug lane a run can take 10 s), 4 x HP_MS at most
WEND=$((W0 + HP_MS))
WMAX=$((W0 + 4 * HP_MS))

# ------------------------------------------------------ the benches ---
# Run one after another while the CPUs come and go, thread 0 on a CPU of
# HP_CPUS online at the start; count= starts small and grows after each
# run towards 1 s of allocation phase (a run takes 100 times longer on
# the debug lane than on a stock one), so that each runs several times
BT=$((NON - 1))
[ "$BT" -ge 2 ] || BT=2
BN_SPECS="1 2 3 4 5"
BN_W_1="alloc=kmalloc size=64 pattern=pair threads=$BT" BN_C_1=200 BN_MAX_1=4000000 BN_K_1=$BT
BN_W_2="alloc=kmalloc size=64 pattern=remote threads=2" BN_C_2=200 BN_MAX_2=4000000 BN_K_2=1
BN_W_3="alloc=cache size=256 pattern=batch threads=2" BN_C_3=100 BN_MAX_3=65536 BN_K_3=2
BN_W_4="alloc=percpu size=32 pattern=pair threads=2" BN_C_4=50 BN_MAX_4=400000 BN_K_4=2
BN_W_5="alloc=pages size=4096 pattern=pair threads=2" BN_C_5=100 BN_MAX_5=1000000 BN_K_5=2
for s in $BN_SPECS; do
	eval "BN_RUNS_$s=0 BN_BAD_$s= BN_SEEN_$s="
done
BN_NEXT=1
BN_RUN=
BN_TRY=0
BN_REFUSED=0
BN_REFUSALS=
BN_WRONG=
# thread CPUs sampled: off their CPU while it was offline, off it while
# it was online again, on it
BN_OFF_GONE=0
BN_OFF_BACK=0
BN_ON=0
BN_EX=
BN_EX2=

# bn_pids: BN_PIDS := the pids of the mt_bench/N threads
bn_pids() {
	BN_PIDS=
	for _bf in /proc/[0-9]*/comm; do
		_bc=
		read -r _bc 2>/dev/null <"$_bf"
		case $_bc in
		mt_bench/*)
			_bp=${_bf%/comm}
			BN_PIDS="$BN_PIDS ${_bp#/proc/}"
			;;
		esac
	done
}

# bn_sample: where each bench thread runs now, against its CPU
bn_sample() {
	for _bp in $BN_PIDS; do
		_bl=
		read -r _bl 2>/dev/null <"/proc/$_bp/stat" || continue
		_bn=${_bl#*(mt_bench/}
		_bn=${_bn%%)*}
		# shellcheck disable=SC2086 # the fields of stat
		set -- ${_bl#*) }
		# field 39, "processor": the CPU it last ran on (the 37th after comm)
		[ $# -ge 37 ] || continue
		shift 36
		if [ "$1" = "$_bn" ]; then
			BN_ON=$((BN_ON + 1))
		elif hp_is_online "$_bn"; then
			BN_OFF_BACK=$((BN_OFF_BACK + 1))
			if [ -z "$BN_EX2" ]; then
				while read -r _bk _bv; do
					[ "$_bk" = Cpus_allowed_list: ] || continue
					BN_EX2="mt_bench/$_bn (pid $_bp) ran on CPU $1 with CPU $_bn online, allowed on CPUs $_bv"
					break
				done 2>/dev/null <"/proc/$_bp/status"
			fi
		else
			BN_OFF_GONE=$((BN_OFF_GONE + 1))
			[ -n "$BN_EX" ] || BN_EX="mt_bench/$_bn (pid $_bp) ran on CPU $1 while CPU $_bn was offline"
		fi
	done
}

# bn_start: the next bench, thread 0 on the next CPU of HP_CPUS that is
# online; a refusal a hotplug explains is tried again at the next turn
bn_start() {
	_bs=$BN_NEXT
	hp_cpu_at $BN_TRY
	BN_TRY=$((BN_TRY + 1))
	hp_is_online "$HC" || return
	eval "_bw=\$BN_W_$_bs _bcn=\$BN_C_$_bs"
	BN_WORDS="$_bw count=$_bcn cpu=$HC sample=64 time=300"
	if mtw bench $BN_WORDS; then
		BN_RUN=$_bs
		BN_COUNT=$_bcn
		bn_pids
		return
	fi
	case $MT_RC:$MT_OUT in
	*"error: CPU $HC is offline" | *"error: threads="*": from 1 to the "*" CPUs online" | \
		*"error: CPUs went offline meanwhile: try again")
		BN_REFUSED=$((BN_REFUSED + 1))
		case $BN_REFUSALS in
		*"${MT_OUT%% [0-9]*}"*) ;;
		*) BN_REFUSALS="$BN_REFUSALS${BN_REFUSALS:+; }$MT_OUT" ;;
		esac
		;;
	*)
		BN_WRONG="$BN_WRONG${NL}bench $BN_WORDS: $(mt_evidence)"
		BN_NEXT=$((BN_NEXT % 5 + 1))
		;;
	esac
}

# bn_done: the run that went is over: its figures against what it was
# asked; the next count
bn_done() {
	_bs=$BN_RUN
	BN_RUN=
	slurp BR "$D/bench_result"
	_bb=
	for _k in state end alloc_ops free_ops errors elapsed_ns threads pattern; do
		skey _v "$BR" $_k
		eval "_b_$_k=\$_v"
	done
	eval "_bk=\$BN_K_$_bs _bmax=\$BN_MAX_$_bs"
	_want=$((BN_COUNT * _bk))
	[ "$_b_state" = done ] || _bb="$_bb state $_b_state"
	[ "$_b_end" = count ] || _bb="$_bb end $_b_end"
	[ $((_b_alloc_ops + _b_errors)) = "$_want" ] ||
		_bb="$_bb alloc_ops $_b_alloc_ops + errors $_b_errors != $_want"
	[ "$_b_free_ops" = "$_b_alloc_ops" ] || _bb="$_bb free_ops $_b_free_ops != alloc_ops"
	[ "$_b_errors" = 0 ] || _bb="$_bb errors $_b_errors"
	eval "BN_RUNS_$_bs=\$((BN_RUNS_$_bs + 1))"
	skey_raw _bc "$BR" cpus
	eval "BN_SEEN_$_bs=\"\$BN_SEEN_$_bs count=$BN_COUNT:${_b_elapsed_ns%??????}ms:cpus=$_bc\""
	[ -z "$_bb" ] || eval "BN_BAD_$_bs=\"\$BN_BAD_$_bs$NL'$BN_WORDS':$_bb\""
	# towards 1 s of allocation phase, 8 times more at most
	if isnum "$_b_elapsed_ns" && [ "$_b_end" = count ]; then
		_bn=$((BN_COUNT * 8))
		[ "$_b_elapsed_ns" -le 0 ] ||
			[ $((BN_COUNT * 1000000000 / _b_elapsed_ns)) -ge "$_bn" ] ||
			_bn=$((BN_COUNT * 1000000000 / _b_elapsed_ns))
		[ "$_bn" -le "$_bmax" ] || _bn=$_bmax
		[ "$_bn" -ge 100 ] || _bn=100
		eval "BN_C_$_bs=\$_bn"
	fi
	BN_NEXT=$((_bs % 5 + 1))
}

# bn_turn: a turn of the main loop for the benches
bn_turn() {
	if [ -n "$BN_RUN" ]; then
		fkey _st "$D/bench_result" state
		if [ "$_st" = running ]; then
			# three looks, 50 ms apart: a turn is slow on the debug lane
			bn_sample
			sleep 0.05
			bn_sample
			sleep 0.05
			bn_sample
		else
			bn_done
		fi
	fi
	if [ -z "$BN_RUN" ] && [ "${1:-}" != last ]; then
		bn_start
	fi
}

# ------------------------------------------- short tests, kept memory ---
SHORT=
SHORT_N=0
SHORT_OFF=0
SHORT_WRONG=
SHORT_STOPPED=
SHORT_CTXS="work timer softirq irqoff"
SHORT_ALLOCS="kmalloc cache percpu pages"
si=0
# short_wave: two tests of 2 to 4 s on CPUs of HP_CPUS (a refusal
# because the CPU is offline just then is right), and the first of the
# last wave stopped if it still runs
short_wave() {
	[ -z "$SHORT_PREV" ] || { mtw mem_test_stop "$SHORT_PREV" && SHORT_STOPPED="$SHORT_STOPPED $SHORT_PREV"; }
	SHORT_PREV=
	for _sw in 1 2; do
		[ "$SHORT_N" -lt 24 ] || return
		set -- $SHORT_CTXS
		shift $((si % 4))
		_sc=$1
		set -- $SHORT_ALLOCS
		shift $(((si / 4 + si) % 4))
		hp_cpu_at $si
		hp_words "$_sc" "$1" $((2000 + si % 3 * 1000)) "$HC"
		si=$((si + 1))
		if mtw mem_test_start $HW && isnum "$MT_OUT"; then
			SHORT="$SHORT $MT_OUT"
			SHORT_N=$((SHORT_N + 1))
			eval "TW_$MT_OUT=\$HW"
			[ -n "$SHORT_PREV" ] || SHORT_PREV=$MT_OUT
		elif [ "$MT_OUT" = "error: CPU $HC is offline" ]; then
			SHORT_OFF=$((SHORT_OFF + 1))
		else
			SHORT_WRONG="$SHORT_WRONG${NL}mem_test_start '$HW': $(mt_evidence)"
		fi
	done
}
SHORT_PREV=

KEPT_OK=0
KEPT_BAD=
kt=0
# kept_turn: a per-CPU chunk kept at each turn, a few more in pieces every
# 4th, some freed every 3rd
kept_turn() {
	kt=$((kt + 1))
	mtw mem_alloc $((64 + kt % 8 * 64)) alloc=percpu &&
		KEPT_OK=$((KEPT_OK + 1)) || KEPT_BAD="$KEPT_BAD${NL}mem_alloc: $(mt_evidence)"
	if [ $((kt % 4)) = 0 ]; then
		mtw mem_rnd_alloc 8 512 $((4096 * NPOS)) alloc=percpu &&
			KEPT_OK=$((KEPT_OK + 1)) || KEPT_BAD="$KEPT_BAD${NL}mem_rnd_alloc: $(mt_evidence)"
	fi
	if [ $((kt % 3)) = 0 ]; then
		mtw mem_free $((1024 * NPOS)) &&
			KEPT_OK=$((KEPT_OK + 1)) || KEPT_BAD="$KEPT_BAD${NL}mem_free: $(mt_evidence)"
	fi
}

# ------------------------------------------------- the main loop ---
TURNS=0
nowv now
NEXT_WAVE=$((now + 1000))
HALF=$((W0 + HP_MS / 2))
LONG_STOPPED=
while :; do
	TURNS=$((TURNS + 1))
	bn_turn
	kept_turn
	nowv now
	if [ "$now" -ge "$NEXT_WAVE" ]; then
		short_wave
		NEXT_WAVE=$((now + 2500))
	fi
	if [ -z "$LONG_STOPPED" ] && [ "$now" -ge "$HALF" ]; then
		run_ok mem_test_stop "$STOP_LONG"
		LONG_STOPPED=$STOP_LONG
	fi
	if [ ! -e "$MT_TMP/hp.stop" ] && [ "$now" -ge "$WEND" ]; then
		ran=1
		for s in $BN_SPECS; do
			eval "[ \$BN_RUNS_$s -gt 0 ]" || ran=0
		done
		[ $ran = 0 ] && [ "$now" -lt "$WMAX" ] || : >"$MT_TMP/hp.stop"
	fi
	kill -0 "$HP_PID" 2>/dev/null || break
	sleep 0.2
done
wait "$HP_PID"
HP_PID=
nowv W1
diag "the hotplug loop ran $((W1 - W0)) ms, $(cat "$MT_TMP/hp.rounds" 2>/dev/null) rounds; the main loop $TURNS turns"

# ---------------------------------------------------- afterwards ---
read -r on <$SYSCPU/online
read -r po <$SYSCPU/possible
check_eq "after the loop every CPU is online again" "$on" "$po"
# every write of the loop went through, and each CPU went offline
_E=
nw=0
for c in $HP_CPUS; do
	n=$(awk -v c="$c" '$2 == c && $3 == 0 && $4 == 0' "$MT_TMP/hp.log" | wc -l)
	nw=$((nw + n))
	expect_range "times CPU $c went offline" "$n" 1 1000000
done
slurp he "$MT_TMP/hp.err"
expect_eq "failed writes" "$he" ""
nl=$(grep -c . "$MT_TMP/hp.log")
mx=$(awk '$5 > m { m = $5 } END { print m + 0 }' "$MT_TMP/hp.log")
expect_range "the loop's length (ms)" $((W1 - W0)) "$HP_MS" $((4 * HP_MS + 60000))
verdict "the loop took CPUs offline $nw times, online as often, in $((W1 - W0)) ms: every one of its $nl writes went through (the slowest $mx ms)"

# the bench running at the end ends by itself
wait_until 600000 eval 'fkey _st "$D/bench_result" state; [ "$_st" != running ]'
bn_turn last
for s in $BN_SPECS; do
	eval "w=\$BN_W_$s runs=\$BN_RUNS_$s bad=\$BN_BAD_$s seen=\$BN_SEEN_$s"
	_E=
	expect_range "runs" "$runs" 1 100000
	[ -z "$bad" ] || _E="$_E${bad#"$NL"}$NL"
	verdict "bench '$w' with thread 0 on a CPU that goes away, $runs runs: each done, end count, alloc_ops + errors = asked, free_ops = alloc_ops, errors 0" \
		"runs (count:allocation phase:cpus):$seen"
	diag "runs of '$w' (count:ms of allocation phase:cpus bound):$seen"
done
check_eq "the benches' starts: refused only for a CPU that had just gone ($BN_REFUSED times: $BN_REFUSALS)" \
	"${BN_WRONG#"$NL"}" ""
used bb bench_bytes
check_eq "bench_bytes once every run is over" "$bb" 0
diag "bench threads sampled: $BN_ON times on their CPU, $BN_OFF_GONE off it while it was offline, $BN_OFF_BACK off it while it was online again"
diag "${BN_EX:-no thread seen off its CPU while it was offline}; ${BN_EX2:-no thread seen off its CPU once it was back}"
if [ "$BN_OFF_GONE" -gt 0 ]; then
	pass "a bench thread was seen running elsewhere while its CPU was offline (it is moved, not stopped)"
else
	skip "a bench thread was seen running elsewhere while its CPU was offline (it is moved, not stopped)" \
		"no look at the threads fell while a thread's CPU was offline ($BN_ON on their CPU, $BN_OFF_BACK off it while it was online)"
fi

# hp_ended ID: the test is no longer running
hp_ended() {
	tstat _st "$1" state
	[ "x$_st" != xrunning ]
}

# hp_check ID STATE: what is wrong with test ID, ended with STATE, added
# to _E (expect); sets OFF (its off_cpu), PIN (its cpu), ERRS (its
# errors), HS (its stats)
hp_check() {
	slurp HS "$D/tests/$1/stats"
	for _k in state held chunks charged total_alloc freed errors corruptions \
		off_cpu cpu allocations reallocs alloc ctx; do
		skey _v "$HS" $_k
		eval "_t_$_k=\$_v"
	done
	OFF=$_t_off_cpu
	PIN=$_t_cpu
	ERRS=$_t_errors
	expect_eq state "$_t_state" "$2"
	expect_eq "held chunks charged" "$_t_held $_t_chunks $_t_charged" "0 0 0"
	expect_eq "total_alloc - freed" $((_t_total_alloc - _t_freed)) "$_t_charged"
	expect_eq corruptions "$_t_corruptions" 0
	# the per-CPU allocator serves an atomic allocation only from the
	# pages it has populated already, and populates more later, in a
	# work: such a test may count the kernel's refusals (at its start
	# on 6.1, before any CPU went offline); alloc_pages_nolock() gives
	# up when it finds a zone's lock taken, as it may while the other
	# CPUs' tests allocate pages and a dying CPU's lists are drained: a
	# refusal is its documented answer, counted; any other test, none
	case $_t_alloc:$_t_ctx in
	percpu:timer | percpu:softirq | percpu:irqoff)
		expect_range "errors (per-CPU, atomic)" "$_t_errors" 0 $((_t_allocations / 100 + 5)) ;;
	pages_nolock:*)
		expect_range "errors (pages_nolock's refusals)" "$_t_errors" 0 $((_t_allocations / 100 + 5)) ;;
	*) expect_eq errors "$_t_errors" 0 ;;
	esac
	[ "$_t_cpu" != any ] || expect_eq "off_cpu (no cpu=)" "$_t_off_cpu" 0
	isnum "$_t_off_cpu" || _E="${_E}off_cpu '$_t_off_cpu'$NL"
	slurp _l "$D/tests/$1/latency"
	lat_check _le "$_l" "alloc realloc free lateness" || _E="$_E$_le$NL"
	expect_eq "latency: alloc count" "$LAT_alloc_count" "$_t_allocations"
	expect_eq "latency: realloc count" "$LAT_realloc_count" "$_t_reallocs"
	expect_eq "latency: free count (every chunk freed)" "$LAT_free_count" "$_t_allocations"
}

bad=
for T in $LONG $SHORT; do
	wait_until 60000 hp_ended "$T" || bad="$bad $T"
done
check_eq "every test has ended (finished, or stopped by the case)" "$bad" ""

OFF_PINNED=0
OFF_LIST=
for T in $LONG; do
	st=finished
	[ "$T" != "$LONG_STOPPED" ] || st=stopped
	_E=
	hp_check "$T" $st
	eval "w=\$TW_$T"
	verdict "test $T '$w': $st, holds nothing, total_alloc - freed = charged, errors $ERRS, no corruption, every allocation, resize and free in its histograms; off_cpu $OFF" "$HS"
	if [ "$PIN" != any ]; then
		set -- $w
		skey al "$HS" allocations
		skey rl "$HS" reallocs
		OFF_LIST="$OFF_LIST ${8#ctx=}/${7#alloc=}@$PIN:$OFF/$((al + rl))"
		[ "${OFF:-0}" -le 0 ] 2>/dev/null || OFF_PINNED=$((OFF_PINNED + 1))
	fi
done
diag "off_cpu of the pinned long tests (ctx/alloc@cpu:off_cpu/steps):$OFF_LIST"
diag "the tests' failures as logged (ratelimited), by cause: $(dmesg | sed -n 's/.*malloc_test: test [0-9]*: allocation of .* failed: //p' | sort | uniq -c | tr -s ' \n' ' ')"
check "off_cpu > 0 for pinned tests whose CPU went offline while they ran ($OFF_PINNED of them)" \
	[ "$OFF_PINNED" -gt 0 ]
if [ -n "$NMI_WHY" ]; then
	skip "ctx=nmi tests while CPUs go offline" "$NMI_WHY"
fi

bad=
nshort=0
SHORT_OFFCPU=0
for T in $SHORT; do
	nshort=$((nshort + 1))
	st=finished
	case " $SHORT_STOPPED " in
	*" $T "*)
		tstat st "$T" state
		# stopped by the case, unless it had finished just before
		[ "$st" = finished ] || st=stopped
		;;
	esac
	_E=
	hp_check "$T" "$st"
	[ -z "$_E" ] || bad="${bad}test $T '$(eval "echo \$TW_$T")':$NL$_E"
	[ "${OFF:-0}" -le 0 ] 2>/dev/null || SHORT_OFFCPU=$((SHORT_OFFCPU + 1))
done
_E=$bad
[ -z "$SHORT_WRONG" ] || _E="$_E${SHORT_WRONG#"$NL"}$NL"
expect_range "short tests started" "$nshort" 1 100
verdict "$nshort short tests pinned to CPUs that come and go, started, stopped and finished meanwhile: each ended holding nothing, its figures exact ($SHORT_OFFCPU with off_cpu > 0); $SHORT_OFF starts refused, each because its CPU was offline just then"

# ------------------------------------------------- kept per-CPU memory ---
check_eq "the kept per-CPU chunks: every mem_alloc, mem_rnd_alloc and mem_free accepted ($KEPT_OK)" \
	"${KEPT_BAD#"$NL"}" ""
used pc percpu_chunks
diag "per-CPU chunks kept at the end of the loop: $pc"
mtw_wo mem_test_destroy_all x
mtw mem_free
slurp u "$D/mem_used"
skey pc "$u" percpu_chunks
skey pb "$u" percpu_bytes
skey kc "$u" kept_chunks
skey t "$u" tests
check_eq "after mem_free and the tests' destruction: percpu_chunks percpu_bytes kept_chunks tests" \
	"$pc $pb $kc $t" "0 0 0 0" "$u"
# empty percpu chunks are released by a work item, later (45-allocators.sh)
pc_back() {
	mi PC2 Percpu
	[ $((PC2 - PC0)) -le 4096 ]
}
wait_until 10000 pc_back
check_range "Percpu falls back after mem_free (within 4 MiB of its value at the start, in KiB, waiting up to 10 s)" \
	$((PC2 - PC0)) -8192 4096 "Percpu $PC0 -> $PC2 kB"
charges_add_up cp
check_eq "with nothing running after the loop: mem_used's charges add up" "$cp" ""

# -------------------------------------------------------------- rmmod ---
# rmmod while a pinned test runs on a CPU gone offline, and per-CPU
# chunks are kept
start_test T 16 1024 65536 1 5 60000 alloc=kmalloc ctx=timer cpu=$HP_LAST
run_ok mem_alloc 1 k alloc=percpu
hp_write "$HP_LAST" 0 "$MT_TMP/hperr"
r=$?
sleep 0.3
tstat v "$T" off_cpu
unload
u=$?
hp_write "$HP_LAST" 1 "$MT_TMP/hperr"
loaded && l=loaded || l=gone
check_eq "rmmod with a test pinned to CPU $HP_LAST gone offline (off_cpu $v) and a per-CPU chunk kept" \
	"$r $u $l" "0 0 gone" "$(cat "$MT_TMP/rmmod" "$MT_TMP/hperr" 2>/dev/null)"
mt_setup

check "no BUG, WARNING, lockdep or KASAN report in the kernel log since the case began" \
	eval '! klog_has "BUG:|WARNING:|sleeping function called|Call Trace|inconsistent lock state|possible circular locking|lock held when returning|KASAN"'
mt_exit
