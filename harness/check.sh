#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# What `make check` runs: setup, checkpatch, the builds (W=1, sparse) and the
# guest suite on every kernel: Debian's 6.1 and 6.12, and "debug", built
# from the newest kernel source Debian ships (6.12's where it cannot be
# had) with KASAN, lockdep, kmemleak, debug objects, fault injection and
# KUnit (harness/debug-kernel.sh; a few minutes the first time, then
# cached); or the kernels MT_KERNELS names, a user's own tree among them.
# Prints one KTAP-style line per check, numbered across the whole run, and
# ends with "N passed, N failed", the failed checks said again just before.
# Where the time goes is said as it goes: each guest's seconds (its suite's,
# and boot and power off), each case's, the slowest first; and before the
# summary, each step's seconds and the whole run's, with the host's load.
# Each guest runs the suite in one boot: run.sh runs every case program,
# nesting its checks under one line per case; every nested check counts,
# and a case that skips (exit 4) or fails (exit 1) with no failed check
# of its own counts as one skip or one failure.
#
# Environment: MT_KERNELS="6.1 6.12 debug" restricts the kernels (each
# a lane, a Debian release of one, or a kernel tree: harness/vm.sh name),
# MT_TESTS_SELECT="realloc contexts" the guest cases (those whose file
# name contains one of the words; then the install, DKMS, compat and
# documentation checks are skipped: setup, checkpatch, the builds and the
# selected cases run), MT_SKIP_CHECKPATCH=1 skips checkpatch, MT_TIMEOUT
# bounds each guest run in seconds (default STOCK_TIMEOUT below, and
# DEBUG_TIMEOUT for the debug kernel, which runs several times slower,
# NUMA_TIMEOUT for the NUMA guest's one case, HOTPLUG_TIMEOUT for the
# 4-CPU guests' one case, 61-hotplug.sh).
# make check passes KERNELS and TESTS as MT_KERNELS and MT_TESTS_SELECT.
# Logs stay in build/.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
# A calling make's flags (jobserver, variables) must not leak into kbuild.
unset MAKEFLAGS MFLAGS MAKELEVEL
TOP=$PWD
BUILD=$TOP/build
VM=$TOP/harness/vm.sh
# The guest suite (run.sh, lib.sh, the cases, the leaker module).
SELFTESTS=tools/testing/selftests/malloc_test
# Kernel log lines that fail a run.  The debug kernel's detectors report
# under "BUG:" or "WARNING:" headers (KASAN: "BUG: KASAN: ...", lockdep:
# "WARNING: possible circular locking dependency detected", "BUG: sleeping
# function called from invalid context", ...); the rest are named: KASAN's
# wild-access notes, lockdep's irq-inversion INFO and its switching itself
# off (after which it proves nothing), DEBUG_OBJECTS ("ODEBUG: ..."), and
# every kmemleak line but the benign ones of LOG_BENIGN (its start-up line,
# which the old plain "kmemleak" pattern matched).  Between the markers a
# case writes (scrubbed_log) expected lines pass: a deliberate leak's
# report, and kmemleak's note that fault injection denied it a scan area
# (it then scans the whole object: less precise, nothing missed).
LOG_BAD='BUG:|WARNING:|Oops|Call Trace|general protection fault|Kernel panic|kernel BUG at|UBSAN|KASAN:|INFO: task .* blocked|rcu_sched self-detected stall|rcu: INFO:'
LOG_BAD+='|DEBUG_LOCKS_WARN_ON|INFO: possible|turning off the locking correctness validator|Disabling lock debugging|ODEBUG:|kmemleak:|unreferenced object 0x'
LOG_BENIGN='kmemleak: (Kernel memory leak detector initialized|Automatic memory scanning thread (started|ended))'
# Each guest's default bound in seconds.  The bounds catch a hang, not a
# slow host, and leave a whole run within CI's 90 minutes even if every
# guest ran to its bound (900 + 900 + 1800 + 300 s, the 4-CPU guests' 3 x
# 180 s, the DKMS guests' 2 x 180 s and the host's steps: under 89
# minutes on a fresh machine).  On
# 2-CPU hosts a stock guest took 205 to 260 s, the debug kernel's (TCG,
# KASAN, lockdep: several times slower) 530 to 560 s, since lane_env
# below balanced the lanes (before: 185 to 381 s, and 640 to 1583 s);
# the slowest host was twice as slow as the fastest, case by case.  The
# NUMA guest runs one case, in 5 s; each lane's 4-CPU guest one,
# 61-hotplug.sh, in 45 s (60 s on the debug kernel), and boots in 3 to 8 s.
STOCK_TIMEOUT=900
DEBUG_TIMEOUT=1800
NUMA_TIMEOUT=300
HOTPLUG_TIMEOUT=180

count=0 passed=0 failed=0 skipped=0
# Each failed check and its details, said again at the end: a reader of
# the last lines alone (a CI log's tail) sees what failed and why.
FAILED_LOG=$BUILD/failed.txt last_failed=0

pass() {
	count=$((count + 1)) passed=$((passed + 1)) last_failed=0
	echo "ok $count - $1"
}
fail() {
	count=$((count + 1)) failed=$((failed + 1)) last_failed=1
	echo "not ok $count - $1" | tee -a "$FAILED_LOG"
}
skip() {	# NAME REASON
	count=$((count + 1)) skipped=$((skipped + 1)) last_failed=0
	echo "ok $count - $1 # SKIP $2"
}
# Details under a check: indented diagnostic lines, \r removed; kept for
# the summary when they follow a failure.
detail() {
	if (( last_failed )); then
		tr -d '\r' | sed 's/^/#   /' | tee -a "$FAILED_LOG"
	else
		tr -d '\r' | sed 's/^/#   /'
	fi
}
progress() { last_failed=0; echo "# $*"; }
# phase NAME: a step of the run begins (and the one before ends); each
# step's seconds are said again at the end, with the whole run's.
phase_names=() phase_secs=() phase_t0=$SECONDS
phase_end() {
	(( ${#phase_names[@]} == 0 )) ||
		phase_secs+=($((SECONDS - phase_t0)))
	phase_t0=$SECONDS
}
phase() {
	phase_end
	phase_names+=("$1")
	progress "$1"
}

mkdir -p "$BUILD"
: >"$FAILED_LOG"

phase "setup"
"$VM" setup 2>&1 | detail
if (( PIPESTATUS[0] == 0 )); then pass "setup"; else fail "setup"; fi

# The kernels: lanes, releases of theirs, or kernel trees (make check
# KERNEL=DIR), each by the name vm.sh gives it (a tree's is checked and
# refused there, with why, before anything is built).
read -ra all_kernels <<<"$("$VM" kernels)"
read -ra specs <<<"${MT_KERNELS:-${all_kernels[*]}}"
kernels=()
for spec in "${specs[@]}"; do
	if ! ver=$("$VM" name "$spec"); then
		echo "MT_KERNELS: cannot use '$spec' (lanes: ${all_kernels[*]}; or a kernel tree)" >&2
		exit 2
	fi
	[[ " ${kernels[*]} " == *" $ver "* ]] || kernels+=("$ver")
done

# has VER OPTION: VER's kernel was built with OPTION=y
has() {
	local c
	c=$("$VM" config "$1" 2>/dev/null) && grep -qx "$2=y" "$c"
}

# sparse_refused LOG: make C=2 ran no check (no "  CHECK" line: the
# kernel's checker-valid.sh refused this sparse as too old); says why
sparse_refused() {
	grep -q '^  CHECK ' "$1" && return 1
	if grep -q 'C=2 specified, but .* not available or not up to date' "$1"; then
		echo "$(sparse --version 2>&1 | head -n 1 | sed 's/^/sparse /') is too old for this kernel (its checker-valid.sh refuses it)"
	else
		echo "make C=2 checked no file (see $1)"
	fi
}

# The lanes, as the run's header: what each kernel is and what it proves.
proves() {	# VER
	case $1 in
	6.1) echo "the oldest kernel supported, Debian 12's own: the suite on stock options" ;;
	6.12) echo "Debian 12's backports kernel: the suite, the full fuzz and mtctl's checks; NUMA in a second boot" ;;
	debug) echo "the suite under KASAN, lockdep, kmemleak, debug objects, fault injection; KUnit" ;;
	*) echo "your kernel: every case its .config allows; the others skip, naming the option" ;;
	esac
}
# (The debug kernel's first build happens here: its progress is shown.)
phase "kernels"
progress "kernels: ${kernels[*]}"
for ver in "${kernels[@]}"; do
	"$VM" describe "$ver" 2>&1 | sed 's/^/#   /'
	[[ $ver != debug ]] ||
		progress "    source: $(harness/debug-kernel.sh source 2>&1 | tail -n 1)"
	progress "    proves: $(proves "$ver")"
done

# The guest cases MT_TESTS_SELECT names, as run.sh matches them (a word
# within the file name): one at least.  quick: a selection, for which the
# checks of the code's surroundings (install, DKMS, compat, documentation)
# are skipped.
select_words=${MT_TESTS_SELECT:-}
read -ra select_words <<<"${select_words//,/ }"
selected=() quick=0
if (( ${#select_words[@]} )); then
	quick=1
	for f in "$SELFTESTS"/[0-9][0-9]-*.sh; do
		for w in "${select_words[@]}"; do
			if [[ ${f##*/} == *"$w"* ]]; then
				selected+=("${f##*/}")
				break
			fi
		done
	done
	if (( ${#selected[@]} == 0 )); then
		echo "MT_TESTS_SELECT: no case's name contains any of '${select_words[*]}' (cases: $(
			cd "$SELFTESTS" && echo [0-9][0-9]-*.sh))" >&2
		exit 2
	fi
	progress "cases: ${selected[*]}; install, DKMS, compat and documentation checks skipped"
fi
# selected CASE: CASE runs in this check's guests
selected() {
	(( ! quick )) || [[ " ${selected[*]} " == *" $1 "* ]]
}

# The module's sources: what kbuild generates (*.mod.c) is not ours.
shopt -s nullglob extglob
sources=(!(*.mod).c *.h)
shopt -u nullglob extglob

# checkpatch --strict over every kernel source file: the module's, its
# units' KUnit tests, the deliberate leak's.  One check per file.
phase "checkpatch"
if [[ ${MT_SKIP_CHECKPATCH:-0} == 1 ]]; then
	skip "checkpatch" "MT_SKIP_CHECKPATCH=1"
elif (( ${#sources[@]} == 0 )); then
	fail "checkpatch: no sources"
elif ! checkpatch=$("$VM" checkpatch 2>/dev/null); then
	fail "checkpatch: cannot get checkpatch.pl"
else
	: >"$BUILD/checkpatch.log"
	files=("${sources[@]}" kunit/*-kunit.h "$SELFTESTS"/leaker/leaker.c)
	# One perl per file, as many at once as there are CPUs (perl's
	# start-up is most of each); the results in the files' order.
	cpdir=$BUILD/checkpatch.d
	rm -rf "$cpdir"
	mkdir -p "$cpdir"
	for i in "${!files[@]}"; do
		f=${files[i]}
		# The compat header is where version checks belong.
		ignore=()
		[[ $f == mt_compat.h ]] && ignore=(--ignore LINUX_VERSION_CODE)
		# TRACE_EVENT()'s own layout, as in include/trace/events/
		[[ $f == mt_trace.h ]] &&
			ignore=(--ignore OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT)
		while (( $(jobs -pr | wc -l) >= $(nproc) )); do
			wait -n
		done
		{
			perl "$checkpatch" --strict --no-tree --terse --no-summary \
				--show-types "${ignore[@]}" --file "$f" >"$cpdir/$i" 2>&1
			echo $? >"$cpdir/$i.rc"
		} &
	done
	wait
	for i in "${!files[@]}"; do
		f=${files[i]}
		out=$(cat "$cpdir/$i" 2>/dev/null)
		rc=$(cat "$cpdir/$i.rc" 2>/dev/null)
		printf '%s\n' "$out" >>"$BUILD/checkpatch.log"
		if [[ $rc == 0 && -z $out ]]; then
			pass "checkpatch: $f"
		else
			fail "checkpatch: $f"
			printf '%s\n' "$out" | detail
		fi
	done
fi

# script_results PREFIX: a check script's KTAP-style lines on stdin ("ok -
# DESC", "not ok - DESC", "ok - DESC # SKIP WHY", "# ..." diagnostics),
# counted as ours with PREFIX; a script that printed no result fails.
script_results() {
	local prefix=$1 line n=0
	while IFS= read -r line; do
		case $line in
		"not ok"*) fail "$prefix${line#not ok - }"; n=$((n + 1)) ;;
		"ok - "*" # SKIP "*)
			line=${line#ok - }
			skip "$prefix${line%% # SKIP *}" "${line#* # SKIP }"
			n=$((n + 1)) ;;
		"ok - "*) pass "$prefix${line#ok - }"; n=$((n + 1)) ;;
		"# "*) echo "${line#\# }" | detail ;;
		*) echo "$line" | detail ;;
		esac
	done
	(( n )) || fail "${prefix}the check script printed no result"
}

# kernel-doc: clean under -Wall, on every non-static function and every
# type (harness/kdoc-check.sh).
if (( ! quick )); then
	phase "kernel-doc"
	script_results "" < <(harness/kdoc-check.sh 2>&1)
	# The interface's documentation names every file, parameter, option,
	# statistic and errno the code has (harness/doc-check.sh).
	script_results "" < <(harness/doc-check.sh 2>&1)
	# KERNEL=DIR: what the harness refuses, and how it names a tree
	# (harness/tree-check.sh, host only).
	phase "kernel trees"
	script_results "" < <(harness/tree-check.sh 2>&1)
fi

# Builds: W=1 with no warning, then sparse (C=2 checks every file again).
for ver in "${kernels[@]}"; do
	bdir=$BUILD/$ver
	phase "build $ver"
	# (debug's first kdir builds the kernel: its progress as diagnostics)
	kdir=$("$VM" kdir "$ver" 2>"$BUILD/kdir-$ver.log")
	rc=$?
	detail <"$BUILD/kdir-$ver.log"
	if (( rc != 0 )); then
		fail "$ver: build W=1"
		continue
	fi
	rm -rf "$bdir"
	mkdir -p "$bdir"
	if [[ ! -f Kbuild ]]; then
		fail "$ver: build W=1"
		echo "no Kbuild at the top of the tree" | detail
		continue
	fi
	cp Kbuild "${sources[@]}" "$bdir/"
	make -j"$(nproc)" -C "$kdir" M="$bdir" W=1 modules >"$bdir/build.log" 2>&1
	rc=$?
	if (( rc == 0 )) && [[ -f $bdir/malloc_test.ko ]] &&
			! grep -qi 'warning:' "$bdir/build.log"; then
		pass "$ver: build W=1"
	else
		fail "$ver: build W=1"
		if grep -qiE 'warning:|error' "$bdir/build.log"; then
			grep -iE -A3 'warning:|error' "$bdir/build.log" | head -n 60 | detail
		else
			tail -n 20 "$bdir/build.log" | detail
		fi
		[[ -f $bdir/malloc_test.ko ]] || echo "(no malloc_test.ko; log: $bdir/build.log)" | detail
	fi
	# What modinfo shows a user: a test module, its version, dkms.conf's.
	mi="$(modinfo -F test "$bdir/malloc_test.ko" 2>&1) $(modinfo -F version "$bdir/malloc_test.ko" 2>&1)"
	want="Y $(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)"
	if [[ $mi == "$want" ]]; then
		pass "$ver: modinfo says test: Y, version ${want#Y }"
	else
		fail "$ver: modinfo says test: Y, and dkms.conf's version"
		echo "modinfo: '$mi', wanted '$want'" | detail
	fi

	if ! command -v sparse >/dev/null; then
		skip "$ver: sparse" "sparse is not installed"
		continue
	fi
	make -j"$(nproc)" -C "$kdir" M="$bdir" W=1 C=2 modules >"$bdir/sparse.log" 2>&1
	rc=$?
	# A kernel newer than sparse refuses it (its checker-valid.sh) and
	# make C=2 then succeeds having checked nothing: that is no pass.
	if why=$(sparse_refused "$bdir/sparse.log"); then
		skip "$ver: sparse" "$why"
		continue
	fi
	# Only what points at our files counts; the kernel's own headers are
	# reported but forgiven.
	ours=$(grep -E '(warning|error):' "$bdir/sparse.log" | grep -F "$bdir/")
	theirs=$(grep -E '(warning|error):' "$bdir/sparse.log" | grep -vF "$bdir/" | grep -c .)
	if (( rc == 0 )) && [[ -z $ours ]]; then
		pass "$ver: sparse"
	else
		fail "$ver: sparse"
		if [[ -n $ours ]]; then
			printf '%s\n' "$ours" | head -n 60 | detail
		else
			tail -n 20 "$bdir/sparse.log" | detail
		fi
	fi
	(( theirs == 0 )) ||
		echo "($theirs sparse warnings in kernel headers ignored; see $bdir/sparse.log)" | detail
done

# kernel_build VER DESC DIR KO [MAKE_ARG...]: builds the module whose
# Kbuild is in DIR against VER's kernel, W=1 then sparse, with no warning:
# one check
kernel_build() {
	local ver=$1 desc=$2 dir=$3 ko=$4 kdir ours
	shift 4
	if kdir=$("$VM" kdir "$ver" 2>/dev/null) &&
			make -C "$kdir" M="$dir" W=1 "$@" modules >"$dir/build.log" 2>&1 &&
			[[ -f $dir/$ko ]] && ! grep -qi 'warning:' "$dir/build.log"; then
		if command -v sparse >/dev/null; then
			make -C "$kdir" M="$dir" W=1 C=2 "$@" modules >"$dir/sparse.log" 2>&1
			ours=$(grep -E '(warning|error):' "$dir/sparse.log" | grep -F "$dir/")
			if [[ -n $ours ]]; then
				fail "$desc"
				printf '%s\n' "$ours" | head -n 40 | detail
				return
			fi
			if sparse_refused "$dir/sparse.log" >/dev/null; then
				pass "${desc/ and sparse/} (W=1; sparse cannot check this kernel)"
				return
			fi
		fi
		pass "$desc"
	else
		fail "$desc"
		tail -n 20 "$dir/build.log" 2>/dev/null | detail
		rm -f "${dir:?}/$ko"
	fi
}

# A kernel with the detectors' options also gets two modules built
# against it: $SELFTESTS/leaker, which leaks on purpose, for 99-kmemleak.sh
# to show that kmemleak would see a leak (CONFIG_DEBUG_KMEMLEAK); and
# malloc_test itself with its units' KUnit suites inside (Kbuild's
# MT_KUNIT=y, as make kunit builds it; CONFIG_KUNIT), for 97-kunit.sh, in
# a tree of its own.  The debug lane has both; a user's tree may.
for ver in "${kernels[@]}"; do
	has "$ver" CONFIG_DEBUG_KMEMLEAK || has "$ver" CONFIG_KUNIT || continue
	phase "$ver: leaker, malloc_test with its KUnit suites"
	ldir=$BUILD/$ver-leaker
	rm -rf "$ldir"
	if has "$ver" CONFIG_DEBUG_KMEMLEAK; then
		mkdir -p "$ldir"
		cp "$SELFTESTS"/leaker/Kbuild "$SELFTESTS"/leaker/leaker.c "$ldir/" 2>/dev/null
		kernel_build "$ver" "$ver: leaker module (a deliberate leak) builds with no warning" \
			"$ldir" leaker.ko
	fi
	kudir=$BUILD/$ver-kunit
	rm -rf "$kudir"
	if has "$ver" CONFIG_KUNIT; then
		mkdir -p "$kudir/kunit"
		cp Kbuild "${sources[@]}" "$kudir/" 2>/dev/null
		cp kunit/*-kunit.h "$kudir/kunit/" 2>/dev/null
		kernel_build "$ver" "$ver: malloc_test with its KUnit suites (MT_KUNIT=y) builds with no warning" \
			"$kudir" malloc_test.ko MT_KUNIT=y
	fi
done

# The guests' tools: mtctl, mtfuzz, mtstorm, mtscale (make bench's),
# static builds with no warning; mtctl's man page; make install and
# uninstall into a scratch DESTDIR.
phase "guest tools"
for t in mtctl mtfuzz mtstorm mtscale; do
	rm -f "$BUILD/bin/$t"
	if make --no-print-directory "build/bin/$t" >"$BUILD/$t.log" 2>&1 &&
			! grep -q 'warning:' "$BUILD/$t.log"; then
		pass "$t: static build with no warning"
	else
		fail "$t: static build with no warning"
		tail -n 30 "$BUILD/$t.log" | detail
	fi
done
if (( ! quick )); then
	rm -f "$BUILD/mtctl.8"
	if make --no-print-directory build/mtctl.8 >"$BUILD/man.log" 2>&1 &&
			[[ -s $BUILD/mtctl.8 ]]; then
		pass "mtctl: man page renders with no warning"
	else
		fail "mtctl: man page renders with no warning"
		tail -n 20 "$BUILD/man.log" | detail
	fi

	# The interface's documentation: the reStructuredText parses with no
	# warning (a malformed table renders as an error block, silently).
	for doc in Documentation/malloc_test.rst Documentation/bench.rst \
			Documentation/install.rst Documentation/kernels.rst; do
		if rst2pseudoxml --halt=warning "$doc" >/dev/null 2>"$BUILD/rst.log"; then
			pass "$doc renders with no warning"
		else
			fail "$doc renders with no warning"
			detail <"$BUILD/rst.log"
		fi
	done
	# make bench's scripts: bash and busybox sh parse them.
	if bash -n harness/bench.sh 2>"$BUILD/bench-sh.log" &&
			busybox sh -n harness/bench-guest.sh 2>>"$BUILD/bench-sh.log"; then
		pass "make bench's scripts parse"
	else
		fail "make bench's scripts parse"
		detail <"$BUILD/bench-sh.log"
	fi

	phase "install"
	# Against each kernel's headers, into a scratch DESTDIR: Debian's (whose
	# 6.1 headers name their release otherwise than the modules' vermagic
	# does) and the debug kernel's full build tree (with a System.map, where
	# kbuild's modules_install would run depmod into DESTDIR).
	for v in "${kernels[@]}"; do
		dest=$BUILD/destdir-$v
		rm -rf "$dest"
		if kdir=$("$VM" kdir "$v" 2>/dev/null) &&
				krel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
					"$kdir/include/generated/utsrelease.h") &&
				make -j"$(nproc)" --no-print-directory install DESTDIR="$dest" KDIR="$kdir" \
					>"$BUILD/install-$v.log" 2>&1 &&
				[[ -x $dest/usr/local/sbin/mtctl && -s $dest/usr/local/share/man/man8/mtctl.8 ]] &&
				compgen -G "$dest/lib/modules/$krel/*/malloc_test.ko*" >/dev/null; then
			pass "$v: make install puts the module (in lib/modules/$krel), mtctl and mtctl.8 in DESTDIR"
		else
			fail "$v: make install puts the module, mtctl and mtctl.8 in DESTDIR"
			{ tail -n 20 "$BUILD/install-$v.log"; find "$dest" -type f 2>/dev/null; } | detail
		fi
		if [[ -n ${kdir:-} ]] &&
				make --no-print-directory uninstall DESTDIR="$dest" KDIR="$kdir" \
					>>"$BUILD/install-$v.log" 2>&1 &&
				[[ -z $(find "$dest" -type f 2>/dev/null) ]]; then
			pass "$v: make uninstall leaves no file in DESTDIR"
		else
			fail "$v: make uninstall leaves no file in DESTDIR"
			find "$dest" -type f 2>/dev/null | detail
		fi
		rm -rf "$dest"
	done

	# DKMS (harness/dkms-check.sh): dkms.conf's version is the module's; dkms
	# add, build and install for each stock kernel, in scratch trees; its
	# BUILD_EXCLUSIVE_CONFIG refuses a kernel without debugfs; each kernel
	# boots the DKMS-built module and runs commands with it; nothing is left.
	phase "dkms"
	script_results "dkms: " < <(harness/dkms-check.sh "$BUILD/dkms" 2>&1)

	# The newest kernel source Debian ships, in any suite (harness/compat.sh):
	# the module, alone and with its KUnit suites, compiles against it
	# with no warning, so an API change is seen before users meet it.
	# Skipped when the archive cannot be reached.  (A cold run fetches and
	# prepares it: about a minute, 1.8 GB in the cache.)
	phase "compat"
	script_results "" < <(harness/compat.sh "$BUILD/compat" 2>&1)
fi

# Renumber the guest's KTAP results into ours, prefixed with the kernel.
# run.sh nests each case's results (indented by four spaces, under a
# "# Subtest: CASE" line) before the case's own line: each nested result
# is a check, named "VER: CASE: ...".  A top-level result is a case's
# (counted only when it says more than its checks: a skip, or a failure
# none of its checks shows) or a check of run.sh's own.  Lines between
# results are shown around failing ones.
guest_results() {	# VER RESULTS
	local ver=$1 line nested neg desc pending="" show=0 case="" nres=0 nfail=0
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%$'\r'}
		nested=0
		if [[ $line == "    "* ]]; then
			nested=1 line=${line#    }
		fi
		if [[ $line =~ ^(not\ )?ok\ [0-9]+(\ -)?\ *(.*)$ ]]; then
			neg=${BASH_REMATCH[1]:-} desc=${BASH_REMATCH[3]}
			show=0
			if (( nested )); then
				nres=$((nres + 1))
				desc="${case:+$case: }$desc"
				[[ -z $neg ]] || nfail=$((nfail + 1))
			elif (( nres )) && [[ -z $neg && ! $desc =~ \#\ *[Ss][Kk][Ii][Pp]([[:space:]]|$) ]] ||
					(( nfail )); then
				# a case whose checks said it all
				nres=0 nfail=0 case="" pending=""
				continue
			else
				nres=0 nfail=0 case=""
			fi
			if [[ $desc =~ \#\ *[Ss][Kk][Ii][Pp]([[:space:]]|$) ]]; then
				count=$((count + 1)) skipped=$((skipped + 1))
				echo "ok $count - $ver: $desc"
			elif [[ -z $neg ]]; then
				pass "$ver: $desc"
			else
				fail "$ver: $desc"
				[[ -z $pending ]] || printf '%s' "$pending" | tail -n 10 | detail
				show=1
			fi
			pending=""
		elif (( nested )) && [[ $line == "# Subtest: "* ]]; then
			case=${line#\# Subtest: } case=${case%.sh} show=0
		elif [[ $line == MT-GUEST-DONE* || $line =~ ^1\.\.[0-9]+ || $line == "KTAP version"* ]]; then
			show=0
		elif (( show )); then
			printf '%s\n' "${line#\# }" | detail
		else
			pending+="${line#\# }"$'\n'
		fi
	done <"$2"
}

guest_completed() {	# VER OUT BOOT_STATUS
	local ver=$1 out=$2 boot_rc=$3 res=$2/results.txt marker plan n why=()
	marker=$(tr -d '\r' <"$res" 2>/dev/null | grep -a '^MT-GUEST-DONE rc=' | tail -n 1)
	plan=$(tr -d '\r' <"$res" 2>/dev/null | grep -aE '^1\.\.[0-9]+$' | tail -n 1)
	n=$(tr -d '\r' <"$res" 2>/dev/null | grep -acE '^(not )?ok [0-9]+')
	(( boot_rc != 124 )) || why+=("timed out")
	if [[ -z $marker ]]; then
		why+=("no MT-GUEST-DONE marker: the guest died or hung")
	elif [[ $marker != "MT-GUEST-DONE rc=0" ]]; then
		why+=("the suite exited with ${marker#MT-GUEST-DONE }")
	fi
	if [[ -z $plan ]]; then
		why+=("no plan line (1..N): the suite did not finish")
	elif (( ${plan#1..} != n )); then
		why+=("plan $plan but $n results")
	fi
	if (( ${#why[@]} == 0 )); then
		pass "$ver: guest completed"
	else
		fail "$ver: guest completed"
		printf '%s\n' "${why[@]}" | detail
		# where it stopped: a hang's stack traces come last
		if [[ -s $out/console.log ]]; then
			echo "the last 60 lines of ${out#"$TOP"/}/console.log:"
			tr -d '\r' <"$out/console.log" | tail -n 60
		fi | detail
	fi
}

# A kernel log without \r, its benign lines blanked (line numbers kept):
# LOG_BENIGN, and kmemleak's "N new suspected memory leaks" between the
# markers around 99-kmemleak.sh's deliberate leak.
scrubbed_log() {	# FILE
	tr -d '\r' <"$1" | awk -v benign="$LOG_BENIGN" '
		/mt-expected-leak-begin$/ { expected = 1 }
		/mt-expected-leak-end$/ { expected = 0 }
		/mt-expected-faults-begin$/ { faults = 1 }
		/mt-expected-faults-end$/ { faults = 0 }
		$0 ~ benign { print ""; next }
		expected && /kmemleak: [0-9]+ new suspected memory leak/ { print ""; next }
		faults && /kmemleak: Cannot allocate a scan area/ { print ""; next }
		{ print }'
}

# log_hits FILE: how many lines of FILE's scrubbed log are reports.
# grep -c reads it all: grep -q would quit at the first hit, and under
# pipefail the writer's SIGPIPE would then hide that hit.
log_hits() {
	scrubbed_log "$1" | grep -acE "$LOG_BAD"
}

log_clean() {	# VER OUT
	local ver=$1 out=$2 f hits=()
	# dmesg.txt holds all console.log does when the guest got to dump it.
	for f in "$out/dmesg.txt" "$out/console.log"; do
		[[ -s $f ]] || continue
		(( $(log_hits "$f") == 0 )) || hits+=("$f")
	done
	if [[ ! -s $out/console.log && ! -s $out/dmesg.txt ]]; then
		fail "$ver: kernel log clean"
		echo "no kernel log in $out" | detail
	elif (( ${#hits[@]} == 0 )); then
		pass "$ver: kernel log clean"
	else
		fail "$ver: kernel log clean"
		f=${hits[0]}
		echo "${f#"$TOP"/}:" | detail
		scrubbed_log "$f" | grep -anE -B3 -A15 "$LOG_BAD" | head -n 80 | detail
	fi
}

# guest_times VER OUT SECS: how long the guest ran, how much of it the
# suite (the rest: boot and power off), and each case's seconds, the
# slowest first (run.sh's "--- CASE took N ms" lines)
guest_times() {
	local ver=$1 out=$2 secs=$3 suite cases
	suite=$(tr -d '\r' 2>/dev/null <"$out/results.txt" |
		sed -n 's/^# suite took \([0-9]*\) ms$/\1/p' | tail -n 1)
	progress "$ver: guest ran $secs s${suite:+ (the suite $((suite / 1000)) s, boot and power off $((secs - suite / 1000)) s)}; logs in ${out#"$TOP"/}"
	cases=$(tr -d '\r' 2>/dev/null <"$out/results.txt" |
		sed -n 's/^# --- \([0-9][0-9]-[^ ]*\)\.sh took \([0-9]*\) ms$/\2 \1/p' |
		sort -rn | awk '{ printf "%s%s %.1f", (NR > 1 ? ", " : ""), $2, $1 / 1000 }')
	[[ -z $cases ]] || progress "$ver: seconds per case: $cases"
}

# What each lane's guest is told beyond the suite's defaults (NAME=VALUE
# words on its kernel command line, which init passes on to run.sh and
# the cases).  Every case runs on every lane but one, which runs on one
# lane of the run; what is made smaller is a count that buys that lane
# nothing another lane of the run does not prove:
#  - full_lane, the first of 6.12, 6.1 and debug in the run, runs
#    85-mtctl.sh: mtctl is a static program, reaching the module through
#    its files alone, the same on every kernel; the others skip it
#    (MT_MTCTL_LANE: the case says where it ran).  It also sends
#    75-fuzz.sh's 100,000 commands (on 6.12: 30 s, every figure checked,
#    Slab too, as there is no KASAN).  The others send fewer, each lane
#    with a seed of its own (MT_FUZZ_COUNT, MT_FUZZ_SEED), so that a run
#    tries more distinct commands than the same 100,000 thrice did, each
#    lane still every command file, option and allocator (the case checks
#    the mix): 6.1 30,000, debug 25,000 (KASAN and lockdep watch every path
#    the fuzzer drives, in a quarter of the 150 to 400 s of 100,000).
#  - 90-crosscheck.sh keeps a million chunks on the stock lanes, where
#    "single commands stay cheap" is a figure; the debug lane, when the
#    run has a stock lane, keeps 150,000 (MT_SCALE_BYTES), which cross the
#    pool's mid-level pages (65,536 chunks each) twice under KASAN, in
#    25 s rather than 160.
full_lane=${kernels[0]}
for v in debug 6.1 6.12; do
	[[ " ${kernels[*]} " != *" $v "* ]] || full_lane=$v
done
lane_env() {	# VER: the words for VER's guest
	local ver=$1 env=()
	if [[ $ver != "$full_lane" ]]; then
		env+=("MT_MTCTL_LANE=$full_lane")
		case $ver in
		6.1) env+=(MT_FUZZ_COUNT=30000 MT_FUZZ_SEED=20251161) ;;
		debug) env+=(MT_FUZZ_COUNT=25000 MT_FUZZ_SEED=20251199
			MT_SCALE_BYTES=1200000) ;;
		esac
	fi
	echo "${env[*]}"
}

# The scan itself, on a log as long as a debug guest's (6 MB): a report
# in its first lines counts, kmemleak's start-up line does not.
f=$BUILD/log-scan.txt
{
	echo "[    0.5] kmemleak: Kernel memory leak detector initialized (mem pool available: 15862)"
	echo "[    9.2] WARNING: kernel/workqueue.c:5938 at __alloc_workqueue+0xf4e/0x1570"
	for ((i = 0; i < 8; i++)); do
		printf '[   10.%d] malloc_test: mem_alloc: refused: kmalloc refused 100 bytes\n' {1..12000}
	done
} >"$f"
n=$(log_hits "$f")
if [[ $n == 1 ]]; then
	pass "the kernel log scan finds a report at the start of a 6 MB log, and only it"
else
	fail "the kernel log scan finds a report at the start of a 6 MB log, and only it"
	echo "it counted '$n' lines" | detail
fi
rm -f "$f"

# boot_guest NAME OUT VM_ARGS...: "$VM" VM_ARGS, its status in rc; once
# more if the first boot's kernel died of "Oops: int3" before the suite
# began, malloc_test never loaded.  Under TCG a vCPU may still run the
# int3 of the kernel's own code patching (text_poke_bp()) after the
# patch is done: seen once, 1.5 s into a 4-CPU 6.12 boot, in
# run_timer_softirq() as the timers' nohz static key was switched.  Such
# a boot says nothing of the module; any other death, and a second one,
# fail as they are.  The first boot's logs are kept in OUT.early.
boot_guest() {
	local name=$1 out=$2 con
	shift 2
	"$VM" "$@" 2>&1 | detail
	rc=${PIPESTATUS[0]}
	con=$out/console.log
	if [[ -s $con ]] && ! grep -aq '^KTAP version' "$out/results.txt" 2>/dev/null &&
			grep -aq 'Oops: int3' "$con" && ! grep -aq 'malloc_test' "$con"; then
		progress "$name: the kernel died of 'Oops: int3' before the suite began, malloc_test not loaded (TCG and the kernel's own code patching): booted again; the first boot's logs in ${out#"$TOP"/}.early:"
		tr -d '\r' <"$con" | grep -a -A4 'Oops: int3' | head -n 5 | detail
		rm -rf "$out.early"
		mv "$out" "$out.early"
		"$VM" "$@" 2>&1 | detail
		rc=${PIPESTATUS[0]}
	fi
}

# The suite on every kernel, one after the other: the tests are timed.
# solo_guest NAME TIMEOUT APPEND BOOT_ARGS...: a guest of its own (vm.sh
# boot BOOT_ARGS) that runs the one case APPEND selects, bounded by
# TIMEOUT unless MT_TIMEOUT says otherwise; its results, times and log
# under NAME, in build/out-NAME
solo_guest() {
	local name=$1 timeout=$2 append=$3 out=$BUILD/out-$1 start rc
	shift 3
	phase "boot $name"
	rm -rf "$out" "$out.early"
	start=$SECONDS
	boot_guest "$name" "$out" boot "$@" --script "$SELFTESTS/run.sh" \
		--tests "$SELFTESTS" --out "$out" --append "$append" \
		--timeout "${MT_TIMEOUT:-$timeout}"
	guest_times "$name" "$out" $((SECONDS - start))
	[[ ! -f $out/results.txt ]] || guest_results "$name" "$out/results.txt"
	guest_completed "$name" "$out" "$rc"
	log_clean "$name" "$out"
}

for ver in "${kernels[@]}"; do
	out=$BUILD/out-$ver
	ko=$BUILD/$ver/malloc_test.ko
	phase "boot $ver"
	rm -rf "$out" "$out.early"
	if [[ ! -f $ko || ! -f $SELFTESTS/run.sh ]]; then
		fail "$ver: guest completed"
		[[ -f $ko ]] || echo "no module: $ko" | detail
		[[ -f $SELFTESTS/run.sh ]] || echo "no $SELFTESTS/run.sh" | detail
		skip "$ver: kernel log clean" "nothing booted"
		continue
	fi
	tests=$SELFTESTS timeout=${MT_TIMEOUT:-$STOCK_TIMEOUT}
	# KASAN and lockdep make a guest several times slower.
	if has "$ver" CONFIG_KASAN || has "$ver" CONFIG_PROVE_LOCKING; then
		timeout=${MT_TIMEOUT:-$DEBUG_TIMEOUT}
	fi
	# The suite plus the leaker module for 99-kmemleak.sh and malloc_test
	# with its KUnit suites for 97-kunit.sh, where they were built.
	if [[ -f $BUILD/$ver-leaker/leaker.ko || -f $BUILD/$ver-kunit/malloc_test.ko ]]; then
		tests=$BUILD/tests-$ver
		rm -rf "$tests"
		cp -a "$SELFTESTS" "$tests"
		[[ ! -f $BUILD/$ver-leaker/leaker.ko ]] ||
			cp "$BUILD/$ver-leaker/leaker.ko" "$tests/leaker/"
		if [[ -f $BUILD/$ver-kunit/malloc_test.ko ]]; then
			mkdir -p "$tests/kunit"
			cp "$BUILD/$ver-kunit/malloc_test.ko" "$tests/kunit/"
		fi
	fi
	args=(boot "$ver" --module "$ko" --script "$SELFTESTS/run.sh" --tests "$tests"
		--out "$out" --timeout "$timeout")
	append=()
	# The kmalloc caches may be told to fail (failslab's cache filter):
	# 77-faults.sh's exact count leaves out kmemleak's own caches.
	! has "$ver" CONFIG_FAILSLAB || append+=("slub_debug=A,kmalloc-*")
	# The selection: the kernel passes NAME=VALUE words it does not know
	# on to init's environment, and so to run.sh.
	(( ! quick )) || append+=("MT_TESTS_SELECT=$(IFS=,; echo "${selected[*]}")")
	# 61-hotplug.sh runs in a 4-CPU guest of its own, below
	! selected 61-hotplug.sh || append+=(MT_HOTPLUG_CPUS=4)
	read -ra words <<<"$(lane_env "$ver")"
	if (( ${#words[@]} )); then
		append+=("${words[@]}")
		progress "$ver: ${words[*]}"
	fi
	(( ${#append[@]} == 0 )) || args+=(--append "${append[*]}")
	[[ ! -d $BUILD/bin ]] || args+=(--bin "$BUILD/bin")
	start=$SECONDS
	boot_guest "$ver" "$out" "${args[@]}"
	guest_times "$ver" "$out" $((SECONDS - start))
	[[ ! -f $out/results.txt ]] || guest_results "$ver" "$out/results.txt"
	guest_completed "$ver" "$out" "$rc"
	log_clean "$ver" "$out"

	# CPU hotplug: 61-hotplug.sh alone, on the same kernel, in a guest of
	# four CPUs, so that several go offline at once and bench threads
	# move between CPUs other than 0; it skips in the 2-CPU guest above.
	! selected 61-hotplug.sh ||
		solo_guest "$ver-smp4" "$HOTPLUG_TIMEOUT" \
			"MT_TESTS_SELECT=61-hotplug.sh MT_HOTPLUG_CPUS=4" \
			"$ver" --module "$ko" --smp 4
done

# NUMA: a 6.12 guest of two nodes runs 57-numa.sh alone (node= lands on
# its node, by the kernel's own per-node counters); every other case has
# run on one node above.  The debug kernel has no NUMA.
if [[ " ${kernels[*]} " == *" 6.12 "* ]] && selected 57-numa.sh; then
	rm -rf "$BUILD/tests-numa"
	solo_guest 6.12-numa "$NUMA_TIMEOUT" "MT_TESTS_SELECT=57-numa.sh" \
		6.12 --module "$BUILD/6.12/malloc_test.ko" --numa 2
fi

# make compare: its statistics against hand-computed answers
# (harness/test-mtstats.py), its scripts and document, then one kernel
# against itself, with slub_debug=FZPU and without, in 15 short boots
# (harness/compare-check.sh: about 3 minutes), on 6.12 or else 6.1.
if (( ! quick )); then
	phase "compare"
	script_results "" < <(python3 harness/test-mtstats.py 2>&1)
	if bash -n harness/compare.sh 2>"$BUILD/rst.log" &&
			rst2pseudoxml --halt=warning Documentation/compare.rst >/dev/null 2>>"$BUILD/rst.log"; then
		pass "compare.sh parses, Documentation/compare.rst renders with no warning"
	else
		fail "compare.sh parses, Documentation/compare.rst renders with no warning"
		detail <"$BUILD/rst.log"
	fi
	cmp_ver=""
	for v in 6.12 6.1; do
		[[ " ${kernels[*]} " != *" $v "* ]] || { cmp_ver=$v; break; }
	done
	if [[ -n $cmp_ver ]]; then
		script_results "$cmp_ver: " < <(harness/compare-check.sh "$cmp_ver" 2>&1)
	else
		skip "compare: a kernel against itself with slub_debug=FZPU" "no stock kernel in the run"
	fi
fi

# Where the time went: each step, and the whole run.
phase_end
times=""
for i in "${!phase_names[@]}"; do
	times+="${times:+, }${phase_names[i]} ${phase_secs[i]} s"
done
progress "time: $times; in all $((SECONDS / 60)) min $((SECONDS % 60)) s, on $(nproc) CPUs (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"

# The failures again, their details cut short: 100 lines in all.
if (( failed )); then
	echo "# the $failed failed check(s) again (all of it above, and in ${FAILED_LOG#"$TOP"/}):"
	awk '/^not ok / { n = 0 } n++ < 12' "$FAILED_LOG" | head -n 100 | sed 's/^not ok/# not ok/'
fi
echo "1..$count"
# The last line is exactly "N passed, N failed" (CI reads it); skips,
# counted in neither, are said on the line before.
echo "# $skipped skipped"
echo "$passed passed, $failed failed"
(( failed == 0 ))
