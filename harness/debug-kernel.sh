#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the malloc_test VM's debug kernel: the newest kernel source Debian
# ships in any suite (harness/kernel-source.sh finds, verifies and downloads
# it), `make tinyconfig` (x86_64) plus harness/debug.config (KASAN, lockdep,
# kmemleak, debug objects, fault injection, KUnit), in a cache outside the
# repository keyed by the fragment, the source package's version and gcc's.
# The build tree is also the KDIR that the module is built against.
#
# Where the newest source cannot be had (the mirror cannot be reached, the
# download or its verification fails) or does not configure or build with
# this gcc, one line on stderr says so and Debian's linux-source-6.12
# (installed from the host's apt sources) is built instead: offline, the
# lane still runs.  A source that failed to build is remembered (with its
# log) and not tried again until its key changes.
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HARNESS
readonly FRAGMENT=$HARNESS/debug.config
readonly KERNEL_SOURCE=$HARNESS/kernel-source.sh
readonly FALLBACK_PKG=linux-source-6.12
readonly FALLBACK_TARBALL=/usr/src/linux-source-6.12.tar.xz
readonly BUILD_PKGS=(bc bison flex libelf-dev libssl-dev cpio xz-utils make gcc)
readonly CACHE=${MT_CACHE:-/var/cache/malloc_test}
# The newest source found ("SUITE PACKAGE VERSION"), asked of the mirror
# again when older than RECHECK seconds; why the last look failed, not
# asked again for MISS_RECHECK seconds (an unreachable mirror can take
# minutes to say so).
readonly STATE=$CACHE/debug-source
readonly MISS=$CACHE/debug-source.miss
readonly RECHECK=$((12 * 3600)) MISS_RECHECK=3600
export DEBIAN_FRONTEND=noninteractive

usage() {
	cat <<EOF
Usage: ${0##*/} COMMAND

Commands:
  build   build the debug kernel unless the cache has it already; print its
          directory (\$MT_CACHE/debug-KEY; KEY: a hash of harness/debug.config's
          option lines, the source package and its version, and gcc's version)
  kdir    print the kernel build tree (a KDIR for make M=), building first
          when needed
  image   print the path of its bzImage, building first when needed; it
          stays with the source that the last build or kdir chose
  source  print the source package and version the lane uses, and why
  key     print KEY

The source: the newest linux-source-X.Y of Debian's suites (asked of the
mirror at most every $((RECHECK / 3600)) hours), else $FALLBACK_PKG.  The build installs
what it lacks with apt-get (${BUILD_PKGS[*]}, $FALLBACK_PKG) and logs
to \$MT_CACHE/debug-KEY/build.log.  Once a build succeeds, the debug-*
directories of neither the newest source nor $FALLBACK_PKG are removed.

Environment: MT_CACHE (default /var/cache/malloc_test), MT_APT_UPDATED=1
when apt-get update has been run already, MT_DEBUG_SOURCE=fallback to
build $FALLBACK_PKG whatever the newest, MT_DEBIAN_MIRROR (see
harness/kernel-source.sh).
EOF
}

say() { echo "debug-kernel.sh: $*" >&2; }
die() { say "$*"; exit 1; }

installed() {
	[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == ii* ]]
}

ensure_packages() {
	local p missing=()
	for p in "${BUILD_PKGS[@]}" "$FALLBACK_PKG"; do
		installed "$p" || missing+=("$p")
	done
	(( ${#missing[@]} )) || return 0
	(( EUID == 0 )) || die "missing ${missing[*]}: run as root, or install them"
	mkdir -p "$CACHE"
	say "installing ${missing[*]}"
	# Failures of unrelated third-party sources must not stop us: the
	# install below says whether what we need could be had.
	if [[ ${MT_APT_UPDATED:-0} != 1 ]]; then
		apt-get -q update >"$CACHE/apt-update.log" 2>&1 ||
			say "apt-get update reported errors (ignored; see $CACHE/apt-update.log)"
	fi
	if ! apt-get -y -q --no-install-recommends install "${missing[@]}" \
			>"$CACHE/apt-install.log" 2>&1; then
		tail -n 20 "$CACHE/apt-install.log" >&2
		die "apt-get install ${missing[*]} failed"
	fi
}

# The cache key: what decides the kernel that comes out.  Of the fragment,
# its option lines alone ("CONFIG_X=v", "# CONFIG_X is not set"): a comment
# changed is no reason to build the kernel again.
key_of() {	# PACKAGE VERSION
	local gccv
	gccv=$(gcc --version 2>/dev/null | head -n 1) || die "no gcc"
	{ grep -E '^(CONFIG_|# CONFIG_[A-Za-z0-9_]+ is not set)' "$FRAGMENT"
	  echo "$1 $2"; echo "$gccv"; } |
		sha256sum | cut -c1-12
}

dir_of() { echo "$CACHE/debug-$1"; }

fallback_version() {
	dpkg-query -W -f='${Version}' "$FALLBACK_PKG" 2>/dev/null
}

# FILE exists and was written less than SECONDS ago.
fresh() {	# FILE SECONDS
	[[ -f $1 ]] && (( $(date +%s) - $(stat -c %Y "$1") < $2 ))
}

# Write FILE whole (a reader may be in the middle of another run); where
# the cache cannot be written (a user's kdir), the choice is only not kept.
keep_file() {	# FILE TEXT
	{ printf '%s\n' "$2" >"$1.$$" && mv "$1.$$" "$1"; } 2>/dev/null || rm -f "$1.$$" 2>/dev/null
	return 0
}

# The newest source: sets NEW_SUITE NEW_PKG NEW_VER from the memo when it
# is fresh (or when ASK is no and there is one), else from the mirror.
# ASK is no where a source must not change under a caller: image follows
# the kdir that the module was built against.  MISSED says why the
# mirror or the download failed within the last MISS_RECHECK seconds; the
# last newest found still serves where its tree is built.  Fails when no
# newest was ever found.
newest() {	# ASK (yes|no)
	local line
	NEW_SUITE="" NEW_PKG="" NEW_VER="" MISSED=""
	if fresh "$MISS" "$MISS_RECHECK"; then
		MISSED=$(<"$MISS")
	elif [[ ! -f $STATE || $1 == yes ]] && ! fresh "$STATE" "$RECHECK"; then
		if line=$("$KERNEL_SOURCE" newest 2>"$CACHE/debug-source.err"); then
			keep_file "$STATE" "$line"
		else
			missed "$(tail -n 1 "$CACHE/debug-source.err" 2>/dev/null)"
		fi
	fi
	[[ -f $STATE ]] || return 1
	read -r NEW_SUITE NEW_PKG NEW_VER _ <"$STATE"
	[[ -n $NEW_VER ]]
}

# Remember why the newest could not be had (kernel-source.sh's line).
missed() {	# WHY
	MISSED=${1#kernel-source.sh: }
	MISSED=${MISSED:-kernel-source.sh failed}
	keep_file "$MISS" "$MISSED"
}

# Which source the lane uses: sets PKG VER WHY, and FALLBACK (yes when the
# newest could not serve: NOTE then says why, in one line).
choose() {	# ASK (yes|no)
	local dir
	FALLBACK=no NOTE=""
	if [[ ${MT_DEBUG_SOURCE:-} == fallback ]]; then
		NOTE="MT_DEBUG_SOURCE=fallback"
	elif ! newest "$1"; then
		NOTE="the newest Debian kernel source cannot be had: ${MISSED:-no look made yet}"
	else
		dir=$(dir_of "$(key_of "$NEW_PKG" "$NEW_VER")")
		if [[ -f $dir/failed ]]; then
			NOTE="$NEW_PKG $NEW_VER $(head -n 1 "$dir/failed") (remove $dir to try again)"
		elif [[ -n $MISSED ]] && ! built "$dir"; then
			NOTE="$NEW_PKG $NEW_VER cannot be had: $MISSED"
		else
			PKG=$NEW_PKG VER=$NEW_VER
			WHY="the newest Debian kernel source, in $NEW_SUITE"
			[[ -z $MISSED ]] || WHY+=", as last found; now $MISSED"
			return 0
		fi
	fi
	FALLBACK=yes PKG=$FALLBACK_PKG VER=$(fallback_version) || VER="(not installed)"
	WHY="fallback: $NOTE"
}

# Every CONFIG_X=value line of the fragment must be in .config, and no
# "# CONFIG_X is not set" one may be set: tinyconfig + olddefconfig silently
# drop what lacks its dependencies.  An option that no Kconfig of the
# source defines at all is one that another kernel version names (renamed,
# or gone): it is skipped and named.
check_survivors() {	# SRC
	local line name dropped=() unknown=() config=$1/.config
	local -A known=()
	while read -r _ name; do
		known[$name]=1
	done < <(find "$1" -name 'Kconfig*' -exec grep -hoE '^[[:space:]]*(menu)?config [A-Za-z0-9_]+' {} +)
	while IFS= read -r line || [[ -n $line ]]; do
		case $line in
		CONFIG_*=*) name=${line%%=*} ;;
		"# CONFIG_"*" is not set") name=${line#\# } name=${name%% *} ;;
		*) continue ;;
		esac
		if [[ -z ${known[${name#CONFIG_}]:-} ]]; then
			unknown+=("$name")
			continue
		fi
		case $line in
		CONFIG_*=*)
			grep -qxF -- "$line" "$config" || dropped+=("$line (got: $(
				grep -E "^(# )?${name}[= ]" "$config" || echo absent))")
			;;
		*)
			! grep -q "^$name=" "$config" ||
				dropped+=("$line (got: $(grep "^$name=" "$config"))")
			;;
		esac
	done <"$FRAGMENT"
	(( ${#unknown[@]} == 0 )) ||
		say "not options of this source, skipped: ${unknown[*]}"
	(( ${#dropped[@]} == 0 )) && return 0
	say "olddefconfig dropped ${#dropped[@]} option(s) of $FRAGMENT:"
	printf '  %s\n' "${dropped[@]}" >&2
	say "add what they depend on to the fragment"
	return 1
}

built() {	# DIR
	[[ -f $1/ok && -s $1/linux/arch/x86/boot/bzImage ]]
}

# Configure and build PACKAGE VERSION from TARBALL into DIR (locked by the
# caller).  Fails saying why in one line on stdout, the details in
# DIR/failure.txt and DIR's logs.
make_kernel() {	# DIR TARBALL PACKAGE VERSION
	local dir=$1 tarball=$2 src=$1/linux t0=$SECONDS
	mkdir -p "$dir"
	printf '%s\n' "$3 $4" >"$dir/source"
	if [[ ! -f $dir/extracted ]]; then
		say "extracting $tarball into $src"
		rm -rf "$src" "$dir/extract.tmp"
		mkdir -p "$dir/extract.tmp"
		if ! tar -xJf "$tarball" -C "$dir/extract.tmp" --strip-components=1; then
			echo "could not be extracted from $tarball"
			return 1
		fi
		mv "$dir/extract.tmp" "$src"
		: >"$dir/extracted"
	fi
	cp "$FRAGMENT" "$dir/debug.config"
	say "configuring $3 $4: tinyconfig + ${FRAGMENT##*/} + olddefconfig"
	# tinyconfig is 64-bit with ARCH=x86_64; after it, plain ARCH=x86 (what
	# `make M=` uses) keeps CONFIG_64BIT from .config.
	if ! {
		make -C "$src" ARCH=x86_64 tinyconfig &&
		"$src/scripts/kconfig/merge_config.sh" -m -O "$src" \
			"$src/.config" "$FRAGMENT" &&
		make -C "$src" olddefconfig
	} >"$dir/config.log" 2>&1; then
		tail -n 20 "$dir/config.log" >"$dir/failure.txt"
		echo "failed to configure (see $dir/config.log)"
		return 1
	fi
	if ! check_survivors "$src" 2>"$dir/failure.txt"; then
		echo "lacks options of ${FRAGMENT##*/} after olddefconfig (see $dir/config.log)"
		return 1
	fi
	cat "$dir/failure.txt" >&2
	say "building bzImage, modules_prepare with -j$(nproc) (log: $dir/build.log)"
	# modules (none: everything is built in) writes Module.symvers, which
	# external module builds want.
	if ! make -C "$src" -j"$(nproc)" bzImage modules modules_prepare \
			>"$dir/build.log" 2>&1; then
		{ grep -E -B2 -A5 'error|Error' "$dir/build.log" | tail -n 40
		  tail -n 20 "$dir/build.log"; } >"$dir/failure.txt"
		echo "failed to build with $(gcc --version | head -n 1) (see $dir/build.log)"
		return 1
	fi
	if [[ ! -f $src/Module.symvers ]]; then
		echo "left no Module.symvers after its build (see $dir/build.log)"
		return 1
	fi
	: >"$dir/ok"
	say "built $(cat "$src/include/config/kernel.release") in $((SECONDS - t0)) s: $dir"
}

# Remove the debug-* directories of neither DIR, the fallback's key nor
# the newest source's (as last found): two trees at most, and one that
# failed (its logs only).
prune() {	# DIR
	local keep=("$1") old fv
	fv=$(fallback_version) && keep+=("$(dir_of "$(key_of "$FALLBACK_PKG" "$fv")")")
	newest no && keep+=("$(dir_of "$(key_of "$NEW_PKG" "$NEW_VER")")")
	for old in "$CACHE"/debug-*/; do
		old=${old%/}
		[[ " ${keep[*]} " == *" $old "* ]] && continue
		say "removing the old $old"
		rm -rf "$old"
	done
}

# Build PKG VER (as choose set them) unless the cache has it; print its
# directory.  The newest source failing to download, configure or build
# falls back to the fallback's, saying so in one line.
build() {	# ASK (yes|no)
	local dir tarball why
	[[ -f $FRAGMENT ]] || die "no $FRAGMENT"
	choose "$1"
	# The fast path: no apt, no make, no lock.
	if [[ $FALLBACK == no ]] || installed "$FALLBACK_PKG"; then
		dir=$(dir_of "$(key_of "$PKG" "$VER")")
		if built "$dir"; then
			[[ $FALLBACK == no ]] || say "using $PKG $VER: $NOTE"
			echo "$dir"
			return 0
		fi
	fi
	ensure_packages
	mkdir -p "$CACHE"
	exec 8>"$CACHE/debug.lock"
	flock 8
	choose no
	if [[ $FALLBACK == no ]]; then
		dir=$(dir_of "$(key_of "$PKG" "$VER")")
		if built "$dir"; then
			exec 8>&-
			echo "$dir"
			return 0
		fi
		if ! tarball=$("$KERNEL_SOURCE" tarball "$PKG" "$VER" 2>"$CACHE/debug-source.err"); then
			missed "$(tail -n 1 "$CACHE/debug-source.err")"
			why="$PKG $VER cannot be had: $MISSED"
		elif ! why=$(make_kernel "$dir" "$tarball" "$PKG" "$VER"); then
			why="$PKG $VER $why"
			# Keep why and the logs, not the tree: choose() skips it now.
			rm -rf "$dir/linux" "$dir/extract.tmp" "$dir/extracted"
			printf '%s\n' "${why#"$PKG $VER "}" >"$dir/failed"
		else
			prune "$dir"
			exec 8>&-
			echo "$dir"
			return 0
		fi
		FALLBACK=yes NOTE=$why
		PKG=$FALLBACK_PKG VER=$(fallback_version)
	fi
	say "using $PKG $VER: $NOTE"
	dir=$(dir_of "$(key_of "$PKG" "$VER")")
	if ! built "$dir"; then
		[[ -r $FALLBACK_TARBALL ]] || die "no $FALLBACK_TARBALL"
		if ! why=$(make_kernel "$dir" "$FALLBACK_TARBALL" "$PKG" "$VER"); then
			cat "$dir/failure.txt" >&2 2>/dev/null || true
			die "$PKG $VER $why"
		fi
		prune "$dir"
	fi
	exec 8>&-
	echo "$dir"
}

main() {
	local dir
	case ${1:-} in
	build) dir=$(build yes); echo "$dir" ;;
	kdir) dir=$(build yes); echo "$dir/linux" ;;
	image) dir=$(build no); echo "$dir/linux/arch/x86/boot/bzImage" ;;
	source) choose yes; echo "$PKG $VER ($WHY)" ;;
	key) choose yes; key_of "$PKG" "$VER" ;;
	-h|--help|help) usage ;;
	"") usage >&2; exit 2 ;;
	*) say "unknown command '$1'"; usage >&2; exit 2 ;;
	esac
}

main "$@"
