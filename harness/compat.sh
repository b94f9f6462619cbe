#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Compile malloc_test against the newest kernel source Debian ships in any
# suite that deb.debian.org serves, so that the kernel's API changes show
# before users meet them.  Compile only: nothing is booted.
#
# The suites' indexes are read directly (the host's apt sources are never
# touched): each InRelease is checked with gpgv against Debian's archive
# keyring, the Packages index against InRelease's SHA256, the .deb against
# the index's SHA256.  The linux-source-X.Y with the highest version wins;
# its tree is configured (x86_64 defconfig, plus what the module and its
# KUnit suites need), prepared for external modules and cached in
# $MT_CACHE/compat-VERSION, so a second run takes seconds.
#
# Prints KTAP-style lines ("ok - ...", "not ok - ...", "ok - ... # SKIP
# ...", diagnostics "# ..."); exit 0 when nothing failed.  No archive, no
# download: the checks skip.
set -uo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HARNESS
readonly TOP=${HARNESS%/harness}
readonly MIRROR=${MT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Oldest first: on equal versions the more stable suite is named.
readonly SUITES=(bookworm bookworm-backports trixie trixie-backports forky sid experimental)
readonly KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
readonly CACHE=${MT_CACHE:-/var/cache/malloc_test}
readonly INDEX=$CACHE/compat-index
readonly PKGS=(curl gpgv debian-archive-keyring xz-utils bc bison flex libelf-dev libssl-dev
	make gcc)
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

Checks the suites ${SUITES[*]}
of $MIRROR (MT_DEBIAN_MIRROR), picks the linux-source-X.Y with the
highest version, prepares it in \$MT_CACHE/compat-VERSION (default
MT_CACHE: /var/cache/malloc_test) and builds malloc_test (W=1, sparse
when it can), and malloc_test with its KUnit suites, against it.
Installs what it lacks with apt-get (${PKGS[*]}); MT_APT_UPDATED=1 when
apt-get update has been run already.
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

# Download URL into FILE, whole or not at all (another run may read it).
fetch() {	# URL FILE
	if curl -fsS --retry 2 --connect-timeout 20 --max-time 900 -o "$2.$$.tmp" "$1"; then
		mv "$2.$$.tmp" "$2"
	else
		rm -f "$2.$$.tmp"
		return 1
	fi
}

# The SHA256 and size that InRelease gives for PATH: "HASH SIZE".
release_sum() {	# INRELEASE PATH
	awk -v p="$2" '/^SHA256:/ { f = 1; next } /^[^ ]/ { f = 0 }
		f && $3 == p { print $1, $2; exit }' "$1"
}

# Check InRelease's signature.  Prints what was checked; fails on a bad
# signature.  A key the keyring lacks leaves only the checksums.
check_signature() {	# INRELEASE
	local st
	st=$(gpgv --status-fd 1 --keyring "$KEYRING" --output /dev/null "$1" 2>/dev/null)
	if grep -q '^\[GNUPG:\] VALIDSIG' <<<"$st" && ! grep -q '^\[GNUPG:\] BADSIG' <<<"$st"; then
		echo "signature good"
	elif grep -q '^\[GNUPG:\] BADSIG' <<<"$st"; then
		echo "BAD signature"
		return 1
	elif [[ -r $KEYRING ]] && grep -qE '^\[GNUPG:\] (NO_PUBKEY|ERRSIG)' <<<"$st"; then
		echo "signing key not in $KEYRING: checksums only"
	else
		echo "signature not verifiable"
		return 1
	fi
}

# ", expired DATE" when InRelease is past its Valid-Until: a mirror behind
# (or a frozen one).  Only said: the checksums still hold, and the highest
# version across all suites wins anyway.
expiry() {	# INRELEASE
	local until
	until=$(sed -n 's/^Valid-Until: //p' "$1")
	[[ -n $until ]] || return 0
	(( $(date -d "$until" +%s 2>/dev/null || echo 0) < $(date +%s) )) &&
		echo ", expired $until"
}

# Print the path of SUITE's verified Packages index (xz).  Tries
# binary-all, then binary-amd64 (which also lists Architecture: all
# packages), by hash first: a mirror can be caught mid-sync.  Cached by
# hash.
suite_packages() {	# SUITE INRELEASE
	local s=$1 rel=$2 arch sum hash size file url
	for arch in all amd64; do
		sum=$(release_sum "$rel" "main/binary-$arch/Packages.xz")
		[[ -n $sum ]] || continue
		hash=${sum% *} size=${sum#* }
		file=$INDEX/$hash.xz
		if [[ ! -f $file ]]; then
			for url in "$MIRROR/dists/$s/main/binary-$arch/by-hash/SHA256/$hash" \
					"$MIRROR/dists/$s/main/binary-$arch/Packages.xz"; do
				fetch "$url" "$file.$$" 2>/dev/null || continue
				if [[ $(stat -c %s "$file.$$") == "$size" ]] &&
						sha256sum -c --status <<<"$hash  $file.$$"; then
					mv "$file.$$" "$file"
					break
				fi
			done
			rm -f "$file.$$"
		fi
		if [[ -f $file ]]; then
			touch "$file"
			echo "$file"
			return 0
		fi
	done
	return 1
}

# One line per linux-source package of the index on stdin:
# "PACKAGE VERSION FILENAME SHA256 SIZE".
source_stanzas() {
	awk '/^Package: / { p = ($2 ~ /^linux-source-[0-9]+\.[0-9]+$/) ? $2 : ""; v = f = h = z = "" }
		p && /^Version: / { v = $2 } p && /^Filename: / { f = $2 }
		p && /^SHA256: / { h = $2 } p && /^Size: / { z = $2 }
		p && /^$/ { if (v && f && h) print p, v, f, h, z; p = "" }
		END { if (p && v && f && h) print p, v, f, h, z }'
}

# Read every suite; fills CANDIDATES ("SUITE PACKAGE VERSION FILENAME
# SHA256 SIZE", newest first) and NOTES.  Fails when no suite could be
# read at all.
find_sources() {
	local s rel sig idx lines=() line reached=0 v
	NOTES=() CANDIDATES=() BADSIG=0
	mkdir -p "$INDEX"
	for s in "${SUITES[@]}"; do
		rel=$INDEX/$s.InRelease
		if ! fetch "$MIRROR/dists/$s/InRelease" "$rel" 2>/dev/null; then
			NOTES+=("$s: no InRelease")
			continue
		fi
		reached=1
		if ! sig=$(check_signature "$rel"); then
			NOTES+=("$s: $sig, suite ignored")
			[[ $sig == BAD* ]] && BADSIG=1
			continue
		fi
		if ! idx=$(suite_packages "$s" "$rel"); then
			NOTES+=("$s: $sig; no Packages index matching InRelease, suite ignored")
			continue
		fi
		mapfile -t lines < <(xz -dc "$idx" | source_stanzas)
		NOTES+=("$s: $sig, Packages verified, ${#lines[@]} linux-source package(s)$(
			expiry "$rel")")
		for line in "${lines[@]}"; do
			CANDIDATES+=("$s $line")
		done
	done
	# Index files of earlier runs that no suite names any more.
	find "$INDEX" -name '*.xz' -mtime +7 -delete 2>/dev/null
	(( reached )) || return 1
	# Newest first (dpkg's order), a stable insertion sort: few entries.
	local sorted=() i j
	for line in "${CANDIDATES[@]}"; do
		read -r _ _ v _ <<<"$line"
		for ((i = 0; i < ${#sorted[@]}; i++)); do
			read -r _ _ j _ <<<"${sorted[i]}"
			dpkg --compare-versions "$v" gt "$j" && break
		done
		sorted=("${sorted[@]:0:i}" "$line" "${sorted[@]:i}")
	done
	CANDIDATES=("${sorted[@]}")
}

# Download, verify and prepare one candidate into $CACHE/compat-VERSION
# (PREP_DIR); PREPARED is set to its kernel tree.  Prints why on failure
# (stdout); rc 2 when the download itself failed, 3 when what came is not
# what the index lists.  A tree that cannot be
# prepared is remembered, with why, so that later runs go straight to
# the fallback.
prepare() {	# SUITE PACKAGE VERSION FILENAME SHA256 SIZE
	local pkg=$2 ver=$3 path=$4 sha=$5 dir key src deb c log t0=$SECONDS why
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
	deb=$dir/${path##*/}
	if ! fetch "$MIRROR/$path" "$deb" 2>&1; then
		echo "download of $MIRROR/$path failed"
		rm -rf "$dir"
		return 2
	fi
	if ! sha256sum -c --status <<<"$sha  $deb"; then
		echo "$deb: SHA256 $(sha256sum <"$deb" | cut -c1-64), the index says $sha"
		rm -rf "$dir"
		return 3
	fi
	mkdir -p "$src"
	if ! {
		dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
			tar -xJ -C "$src" --strip-components=1 &&
		rm -f "$deb" &&
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
		rm -rf "$src" "$deb"
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
	case ${1:-} in
	-h|--help) usage; exit 0 ;;
	"") usage >&2; exit 2 ;;
	esac

	if ! why=$(ensure_packages); then
		[[ $1 == --print-newest ]] && { echo "$why" >&2; exit 1; }
		fail "tools to fetch and prepare a kernel source"
		echo "$why" | detail
		exit 1
	fi
	if ! find_sources; then
		[[ $1 == --print-newest ]] && { echo "$MIRROR cannot be reached" >&2; exit 1; }
		skip "newest Debian kernel source" "$MIRROR cannot be reached"
		exit 0
	fi
	if [[ $1 == --print-newest ]]; then
		(( ${#CANDIDATES[@]} )) || { printf '%s\n' "${NOTES[@]}" >&2; exit 1; }
		read -r s pkg ver _ <<<"${CANDIDATES[0]}"
		echo "$s $pkg $ver"
		exit 0
	fi

	out=$1
	mkdir -p "$out" || exit 1
	out=$(cd "$out" && pwd)
	if (( ${#CANDIDATES[@]} == 0 )); then
		skip "newest Debian kernel source" "no suite lists a verifiable linux-source package"
		printf '%s\n' "${NOTES[@]}" | detail
		exit 0
	fi
	read -r s pkg ver _ <<<"${CANDIDATES[0]}"
	# A bad signature is no missing source: someone served a forged index.
	if (( BADSIG )); then
		fail "newest Debian kernel source is $pkg $ver ($s)"
	else
		pass "newest Debian kernel source is $pkg $ver ($s)"
	fi
	printf '%s\n' "${NOTES[@]}" | detail

	# Prepare the newest; when that fails, the newest that can be.
	exec 9>"$CACHE/compat.lock"
	flock 9
	for line in "${CANDIDATES[@]}"; do
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
