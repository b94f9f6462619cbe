#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the malloc_test VM's debug kernel: Debian's linux-source-6.12,
# `make tinyconfig` (x86_64) plus harness/debug.config (KASAN, lockdep,
# kmemleak, debug objects, fault injection, KUnit), in a cache outside the
# repository keyed by the fragment, the source package's version and gcc's.
# The build tree is also the KDIR that the module is built against.
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HARNESS
readonly FRAGMENT=$HARNESS/debug.config
readonly SOURCE_PKG=linux-source-6.12
readonly LINUX_SOURCE=/usr/src/linux-source-6.12.tar.xz
readonly BUILD_PKGS=(bc bison flex libelf-dev libssl-dev cpio xz-utils make gcc)
readonly CACHE=${MT_CACHE:-/var/cache/malloc_test}
export DEBIAN_FRONTEND=noninteractive

usage() {
	cat <<EOF
Usage: ${0##*/} COMMAND

Commands:
  build   build the debug kernel unless the cache has it already; print its
          directory (\$MT_CACHE/debug-KEY; KEY: a hash of harness/debug.config's
          option lines, the $SOURCE_PKG version and gcc's version)
  kdir    print the kernel build tree (a KDIR for make M=), building first
          when needed
  image   print the path of its bzImage, building first when needed
  key     print KEY

The build installs what it lacks with apt-get (${BUILD_PKGS[*]},
$SOURCE_PKG) and logs to \$MT_CACHE/debug-KEY/build.log.  Older
debug-* directories are removed once a build succeeds.

Environment: MT_CACHE (default /var/cache/malloc_test), MT_APT_UPDATED=1
when apt-get update has been run already.
EOF
}

say() { echo "debug-kernel.sh: $*" >&2; }
die() { say "$*"; exit 1; }

installed() {
	[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == ii* ]]
}

ensure_packages() {
	local p missing=()
	for p in "${BUILD_PKGS[@]}" "$SOURCE_PKG"; do
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
key() {
	local ver gccv
	ver=$(dpkg-query -W -f='${Version}' "$SOURCE_PKG" 2>/dev/null) ||
		die "$SOURCE_PKG is not installed"
	gccv=$(gcc --version 2>/dev/null | head -n 1) || die "no gcc"
	{ grep -E '^(CONFIG_|# CONFIG_[A-Za-z0-9_]+ is not set)' "$FRAGMENT"
	  echo "$SOURCE_PKG $ver"; echo "$gccv"; } |
		sha256sum | cut -c1-12
}

dir_of() { echo "$CACHE/debug-$1"; }

# Every CONFIG_X=value line of the fragment must be in .config, and no
# "# CONFIG_X is not set" one may be set: tinyconfig + olddefconfig silently
# drop what lacks its dependencies.
check_survivors() {	# CONFIG
	local line name dropped=()
	while IFS= read -r line || [[ -n $line ]]; do
		case $line in
		CONFIG_*=*)
			grep -qxF -- "$line" "$1" || dropped+=("$line (got: $(
				grep -E "^(# )?${line%%=*}[= ]" "$1" || echo absent))")
			;;
		"# CONFIG_"*" is not set")
			name=${line#\# }
			name=${name%% *}
			! grep -q "^$name=" "$1" ||
				dropped+=("$line (got: $(grep "^$name=" "$1"))")
			;;
		esac
	done <"$FRAGMENT"
	(( ${#dropped[@]} == 0 )) && return 0
	say "olddefconfig dropped ${#dropped[@]} option(s) of $FRAGMENT:"
	printf '  %s\n' "${dropped[@]}" >&2
	say "add what they depend on to the fragment"
	return 1
}

built() {	# DIR
	[[ -f $1/ok && -s $1/linux/arch/x86/boot/bzImage ]]
}

build() {
	local k dir src t0 old
	[[ -f $FRAGMENT ]] || die "no $FRAGMENT"
	# The fast path: no apt, no make, no lock.
	if installed "$SOURCE_PKG"; then
		k=$(key)
		dir=$(dir_of "$k")
		if built "$dir"; then
			echo "$dir"
			return 0
		fi
	fi
	ensure_packages
	k=$(key)
	dir=$(dir_of "$k")
	mkdir -p "$CACHE"
	exec 8>"$CACHE/debug.lock"
	flock 8
	if built "$dir"; then
		exec 8>&-
		echo "$dir"
		return 0
	fi
	[[ -r $LINUX_SOURCE ]] || die "no $LINUX_SOURCE"
	t0=$SECONDS
	mkdir -p "$dir"
	src=$dir/linux
	if [[ ! -f $dir/extracted ]]; then
		say "extracting $LINUX_SOURCE into $src"
		rm -rf "$src" "$dir/extract.tmp"
		mkdir -p "$dir/extract.tmp"
		tar -xJf "$LINUX_SOURCE" -C "$dir/extract.tmp" --strip-components=1
		mv "$dir/extract.tmp" "$src"
		: >"$dir/extracted"
	fi
	cp "$FRAGMENT" "$dir/debug.config"
	say "configuring: tinyconfig + ${FRAGMENT##*/} + olddefconfig"
	# tinyconfig is 64-bit with ARCH=x86_64; after it, plain ARCH=x86 (what
	# `make M=` uses) keeps CONFIG_64BIT from .config.
	{
		make -C "$src" ARCH=x86_64 tinyconfig &&
		"$src/scripts/kconfig/merge_config.sh" -m -O "$src" \
			"$src/.config" "$FRAGMENT" &&
		make -C "$src" olddefconfig
	} >"$dir/config.log" 2>&1 || {
		tail -n 20 "$dir/config.log" >&2
		die "configuring failed (see $dir/config.log)"
	}
	check_survivors "$src/.config" || die "the configuration lacks options (see above)"
	say "building bzImage, modules_prepare with -j$(nproc) (log: $dir/build.log)"
	# modules (none: everything is built in) writes Module.symvers, which
	# external module builds want.
	if ! make -C "$src" -j"$(nproc)" bzImage modules modules_prepare \
			>"$dir/build.log" 2>&1; then
		grep -E -B2 -A5 'error|Error' "$dir/build.log" | tail -n 40 >&2 || true
		tail -n 20 "$dir/build.log" >&2
		die "the kernel build failed (see $dir/build.log)"
	fi
	[[ -f $src/Module.symvers ]] || die "no Module.symvers after the build"
	: >"$dir/ok"
	say "built $(cat "$src/include/config/kernel.release") in $((SECONDS - t0)) s: $dir"
	# Older keys are of no more use: keep only this one.
	for old in "$CACHE"/debug-*/; do
		old=${old%/}
		[[ $old == "$dir" ]] && continue
		say "removing the old $old"
		rm -rf "$old"
	done
	exec 8>&-
	echo "$dir"
}

main() {
	local dir
	case ${1:-} in
	build) dir=$(build); echo "$dir" ;;
	kdir) dir=$(build); echo "$dir/linux" ;;
	image) dir=$(build); echo "$dir/linux/arch/x86/boot/bzImage" ;;
	key) key ;;
	-h|--help|help) usage ;;
	"") usage >&2; exit 2 ;;
	*) say "unknown command '$1'"; usage >&2; exit 2 ;;
	esac
}

main "$@"
