#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Compile malloc_test against the newest kernel source Debian ships in any
# suite that deb.debian.org serves, so that the kernel's API changes show
# before users meet them.  Compile only: nothing is booted (the debug
# lane boots a kernel of the same source, harness/debug-kernel.sh).
#
# harness/kernel-source.sh finds the newest linux-source-X.Y, verifies it
# (gpgv, SHA256) and downloads its tarball.  The tree is configured (x86_64
# defconfig, plus what the module and its KUnit suites need), prepared for
# external modules and cached in $MT_CACHE/compat-VERSION, so a second run
# takes seconds.
#
# Prints KTAP-style lines ("ok - ...", "not ok - ...", "ok - ... # SKIP
# ...", diagnostics "# ..."); exit 0 when nothing failed.  No archive, no
# download: the checks skip.
set -uo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HARNESS
readonly TOP=${HARNESS%/harness}
readonly KERNEL_SOURCE=$HARNESS/kernel-source.sh
readonly CACHE=${MT_CACHE:-/var/cache/malloc_test}
readonly PKGS=(xz-utils bc bison flex libelf-dev libssl-dev make gcc)
# What the configuration must have on top of defconfig: KUnit as a module
# costs nothing to prepare and lets the KUnit suites be compiled too; with
# no WERROR, a warning does not stop the build, so all of them are listed.
readonly CONFIG=(CONFIG_MODULES=y CONFIG_DEBUG_FS=y CONFIG_HIGH_RES_TIMERS=y CONFIG_SMP=y
	CONFIG_KUNIT=m CONFIG_WERROR=n)
# Bump when the preparation below changes: cached trees are redone.
readonly RECIPE=2
export DEBIAN_FRONTEND=noninteractive
# A calling make's flags (jobserver, variables) must not leak into kbuild.
unset MAKEFLAGS MFLAGS MAKELEVEL

usage() {
	cat <<EOF
Usage: ${0##*/} OUTDIR
       ${0##*/} --print-newest

OUTDIR: where the module is copied, built and logged (made if missing).
--print-newest: print the suite, package and version that would be used.

Picks the linux-source-X.Y with the highest version of Debian's suites
(harness/kernel-source.sh; MT_DEBIAN_MIRROR), prepares it in
\$MT_CACHE/compat-VERSION (default MT_CACHE: /var/cache/malloc_test) and
builds malloc_test (W=1, sparse when it can), and malloc_test with its
KUnit suites, against it.  Installs what it lacks with apt-get
(${PKGS[*]}); MT_APT_UPDATED=1 when apt-get update has been run already.
EOF
}

pass() { echo "ok - compat: $1"; }
fail() { echo "not ok - compat: $1"; failed=1; }
skip() { echo "ok - compat: $1 # SKIP $2"; }
detail() { tr -d '\r' | sed 's/^/#   /'; }
note() { echo "# compat: $*"; }
failed=0

installed() {
	[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == ii* ]]
}

# Install what is missing; on failure, say why on stdout (as diagnostics).
ensure_packages() {
	local p missing=()
	for p in "${PKGS[@]}"; do
		installed "$p" || missing+=("$p")
	done
	(( ${#missing[@]} )) || return 0
	if (( EUID != 0 )); then
		echo "missing ${missing[*]}: run as root, or install them"
		return 1
	fi
	mkdir -p "$CACHE"
	if [[ ${MT_APT_UPDATED:-0} != 1 ]]; then
		apt-get -q update >"$CACHE/compat-apt-update.log" 2>&1 ||
			echo "apt-get update reported errors (ignored)"
	fi
	if ! apt-get -y -q --no-install-recommends install "${missing[@]}" \
			>"$CACHE/compat-apt-install.log" 2>&1; then
		tail -n 20 "$CACHE/compat-apt-install.log"
		echo "apt-get install ${missing[*]} failed"
		return 1
	fi
}

# Prepare one candidate into $CACHE/compat-VERSION (PREP_DIR) from its
# tarball (harness/kernel-source.sh downloads and verifies it); PREPARED
# is set to its kernel tree.  Prints why on failure (stdout); rc 2 when
# the download itself failed, 3 when what came is not what the index
# lists.  A tree that cannot be prepared is remembered, with why, so that
# later runs go straight to the fallback.
prepare() {	# SUITE PACKAGE VERSION FILENAME SHA256 SIZE
	local pkg=$2 ver=$3 sha=$5 dir key src tarball c log t0=$SECONDS why rc
	dir=$CACHE/compat-${ver//[^A-Za-z0-9.+-]/_}
	src=$dir/linux
	log=$dir/prepare.log
	key=$(printf '%s\n' "$pkg $ver $sha" "$(gcc --version | head -n 1)" \
		"$(ld --version | head -n 1)" "${CONFIG[*]}" "recipe $RECIPE")
	PREP_DIR=$dir PREPARED=$src PREPARED_HOW=cached
	if [[ $(cat "$dir/key" 2>/dev/null) == "$key" ]]; then
		[[ -f $dir/ok ]] && return 0
		if [[ -f $dir/failed ]]; then
			cat "$dir/failed"
			echo "(remembered from an earlier run: remove $dir to try again)"
			return 1
		fi
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	tarball=$("$KERNEL_SOURCE" tarball "$pkg" "$ver" 2>"$dir/source.err")
	rc=$?
	if (( rc == 2 || rc == 3 )); then
		sed 's/^kernel-source.sh: //' "$dir/source.err"
		rm -rf "$dir"
		return "$rc"
	fi
	(( rc == 0 )) || why="$(cat "$dir/source.err")"$'\n'"no tarball of $pkg $ver"
	mkdir -p "$src"
	if [[ -z ${why:-} ]] && ! {
		tar -xJf "$tarball" -C "$src" --strip-components=1 &&
		make -C "$src" ARCH=x86_64 defconfig &&
		for c in "${CONFIG[@]}"; do
			case ${c#*=} in
			y) "$src/scripts/config" --file "$src/.config" --enable "${c%%=*}" ;;
			m) "$src/scripts/config" --file "$src/.config" --module "${c%%=*}" ;;
			n) "$src/scripts/config" --file "$src/.config" --disable "${c%%=*}" ;;
			esac
		done &&
		make -C "$src" ARCH=x86_64 olddefconfig
	} >"$log" 2>&1; then
		why="$(tail -n 20 "$log")"$'\n'"extracting or configuring $pkg $ver failed"
	fi
	for c in "${CONFIG[@]}"; do
		[[ -z ${why:-} ]] || break
		if [[ $c == *=n ]]; then
			grep -q "^${c%=n}=" "$src/.config" || continue
		else
			grep -qxF "$c" "$src/.config" && continue
		fi
		why="olddefconfig did not keep $c"
	done
	# modules_prepare builds what external modules need (scripts, objtool,
	# generated headers); only a full build writes Module.symvers, so an
	# empty one stands in for it (and modpost runs with -w, see below).
	if [[ -z ${why:-} ]] && ! make -C "$src" -j"$(nproc)" modules_prepare >>"$log" 2>&1; then
		why=$(grep -E -B2 -A5 'error|Error' "$log" | tail -n 30)
		why+="${why:+$'\n'}modules_prepare of $pkg $ver failed with $(gcc --version | head -n 1),"
		why+=" $(ld --version | head -n 1)"
	fi
	printf '%s\n' "$key" >"$dir/key"
	if [[ -n ${why:-} ]]; then
		# Keep the log, drop the tree: it is of no use.
		rm -rf "$src"
		printf '%s\n' "$why" "(log: $log)" | tee "$dir/failed"
		return 1
	fi
	: >"$src/Module.symvers"
	PREPARED_HOW="in $((SECONDS - t0)) s"
	: >"$dir/ok"
}

# A build log without what building against a tree with no Module.symvers
# makes: modpost's unresolved symbols (it has no vmlinux to resolve them),
# in 7.3's words (mod.ko: symbol 'x' undefined!) and older ("x" [mod.ko]
# undefined!).
known() {	# LOG
	grep -vE '^WARNING: modpost: (.* undefined!|suppressed [0-9]+ unresolved symbol warnings)' "$1"
}

# Problems in a build log: compiler and modpost warnings and errors.
problems() {	# LOG
	known "$1" | grep -iE 'warning:|error:|error [0-9]|\*\*\*'
}

# Build the module in DIR (sources already there) against KDIR.
build() {	# WHAT DIR KDIR RELEASE [MAKE_ARG...]
	local what=$1 dir=$2 kdir=$3 rel=$4 log=$2/build.log rc ko
	shift 4
	ko=$(sed -n 's/^obj-m *:= *\(.*\)\.o$/\1.ko/p' "$dir/Kbuild")
	make -C "$kdir" M="$dir" W=1 KBUILD_MODPOST_WARN=1 -j"$(nproc)" "$@" modules >"$log" 2>&1
	rc=$?
	if (( rc == 0 )) && [[ -n $ko && -f $dir/$ko ]] && ! problems "$log" >/dev/null; then
		pass "$what builds W=1 with no warning against $rel"
		return 0
	fi
	fail "$what builds W=1 with no warning against $rel"
	if problems "$log" >/dev/null; then
		known "$log" | grep -iE -A3 'warning:|error' | head -n 60 | detail
	else
		tail -n 20 "$log" | detail
	fi
	[[ -n $ko && -f $dir/$ko ]] || echo "(no $ko; log: $log)" | detail
	return 1
}

# sparse over the module, as check.sh does: only what points at our files
# counts.  A kernel newer than sparse refuses it (scripts/checker-valid.sh).
sparse_check() {	# DIR KDIR RELEASE
	local dir=$1 kdir=$2 rel=$3 log=$1/sparse.log ours
	if ! command -v sparse >/dev/null; then
		skip "sparse against $rel" "sparse is not installed"
		return
	fi
	make -C "$kdir" M="$dir" W=1 C=2 KBUILD_MODPOST_WARN=1 -j"$(nproc)" modules >"$log" 2>&1
	if grep -q 'C=2 specified, but .* not available or not up to date' "$log"; then
		skip "sparse against $rel" "$(sparse --version 2>&1 | head -n 1 |
			sed 's/^/sparse /') is too old for $rel (its checker-valid.sh refuses it)"
		return
	fi
	ours=$(grep -E '(warning|error):' "$log" | grep -F "$dir/")
	if [[ -z $ours ]] && grep -q '^  CHECK ' "$log"; then
		pass "sparse is clean against $rel"
	else
		fail "sparse is clean against $rel"
		if [[ -n $ours ]]; then
			printf '%s\n' "$ours" | head -n 40 | detail
		else
			echo "sparse did not run (log: $log)" | detail
		fi
	fi
}

# Copy the module's sources into OUT/src, and with its units' KUnit tests
# (kunit/*-kunit.h) into OUT/src-kunit, for the build with them inside.
copy_sources() {	# OUT
	local src=$1/src f
	rm -rf "$src" "$src-kunit"
	mkdir -p "$src" "$src-kunit/kunit"
	[[ -f $TOP/Kbuild ]] || return 1
	for f in "$TOP"/Kbuild "$TOP"/mt_*.[ch] "$TOP"/malloc_test.h; do
		[[ $f == *.mod.c ]] || { cp "$f" "$src/" && cp "$f" "$src-kunit/"; } || return 1
	done
	for f in "$TOP"/kunit/*-kunit.h; do
		[[ ! -f $f ]] || cp "$f" "$src-kunit/kunit/" || return 1
	done
}

main() {
	local out s pkg ver why rc rel dir t0=$SECONDS line chosen="" fields tried=() keep=()
	local lines=() notes=() candidates=() badsig=0
	case ${1:-} in
	-h|--help) usage; exit 0 ;;
	--print-newest) exec "$KERNEL_SOURCE" newest ;;
	"") usage >&2; exit 2 ;;
	esac

	if ! why=$(ensure_packages); then
		fail "tools to fetch and prepare a kernel source"
		echo "$why" | detail
		exit 1
	fi
	out=$1
	mkdir -p "$out" || exit 1
	out=$(cd "$out" && pwd)
	mapfile -t lines < <("$KERNEL_SOURCE" list 2>"$out/source.err"; echo "rc $?")
	rc=${lines[-1]#rc }
	unset 'lines[-1]'
	why=$(sed 's/^kernel-source.sh: //' "$out/source.err")
	case $rc in
	0) ;;
	2) skip "newest Debian kernel source" "${why:-the mirror cannot be reached}"; exit 0 ;;
	3) badsig=1 ;;
	*)
		fail "tools to fetch and prepare a kernel source"
		echo "$why" | detail
		exit 1
		;;
	esac
	for line in "${lines[@]}"; do
		if [[ $line == "# "* ]]; then
			notes+=("${line#\# }")
		else
			candidates+=("$line")
		fi
	done
	if (( ${#candidates[@]} == 0 )); then
		skip "newest Debian kernel source" "no suite lists a verifiable linux-source package"
		printf '%s\n' "${notes[@]}" | detail
		exit "$badsig"
	fi
	read -r s pkg ver _ <<<"${candidates[0]}"
	# A bad signature is no missing source: someone served a forged index.
	if (( badsig )); then
		fail "newest Debian kernel source is $pkg $ver ($s)"
	else
		pass "newest Debian kernel source is $pkg $ver ($s)"
	fi
	printf '%s\n' "${notes[@]}" | detail

	# Prepare the newest; when that fails, the newest that can be.
	exec 9>"$CACHE/compat.lock"
	flock 9
	for line in "${candidates[@]}"; do
		read -ra fields <<<"$line"
		pkg=${fields[1]} ver=${fields[2]}
		# The same version in another suite would fail the same way.
		[[ " ${tried[*]} " == *" $ver "* ]] && continue
		tried+=("$ver")
		prepare "${fields[@]}" >"$out/prepare.txt"
		rc=$?
		why=$(<"$out/prepare.txt")
		keep+=("$PREP_DIR")
		if (( rc == 0 )); then
			chosen="$pkg $ver (${fields[0]})"
			break
		fi
		if (( rc == 2 )); then
			skip "kernel tree prepared from $pkg $ver" "$why"
			exit "$failed"
		fi
		if (( rc == 3 )); then
			fail "$pkg $ver downloaded as the index lists it"
			echo "$why" | detail
			exit 1
		fi
		note "cannot prepare $pkg $ver; trying the next older package. Why:"
		echo "$why" | detail
	done
	if [[ -z $chosen ]]; then
		fail "a kernel tree prepared from a Debian linux-source package"
		exit 1
	fi
	# Older trees are of no more use; the newer ones that failed are kept
	# (small: why they failed and their log).
	for dir in "$CACHE"/compat-[0-9]*/; do
		dir=${dir%/}
		[[ " ${keep[*]} " == *" $dir "* ]] || rm -rf "$dir"
	done
	exec 9>&-
	rel=$(cat "$PREPARED/include/config/kernel.release" 2>/dev/null) || rel=$ver
	pass "kernel tree $rel prepared from $chosen ($PREPARED_HOW)"

	if ! copy_sources "$out"; then
		fail "module builds W=1 with no warning against $rel"
		echo "cannot copy the module's sources from $TOP" | detail
		exit 1
	fi
	build "module" "$out/src" "$PREPARED" "$rel"
	sparse_check "$out/src" "$PREPARED" "$rel"
	if compgen -G "$out/src-kunit/kunit/*-kunit.h" >/dev/null; then
		build "module with its KUnit suites (MT_KUNIT=y)" "$out/src-kunit" \
			"$PREPARED" "$rel" MT_KUNIT=y
	else
		skip "module with its KUnit suites builds against $rel" "no kunit/*-kunit.h"
	fi
	note "done in $((SECONDS - t0)) s; logs in $out/src"
	exit "$failed"
}

main "$@"
