#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# How harness/vm.sh takes a kernel (KERNEL= of make run, shell, bench,
# check): a tree that cannot be booted is refused with one plain sentence
# that says why (no directory, no .config, another architecture, not
# built, no bzImage, no Module.symvers), a tree missing options the
# harness needs with exactly the CONFIG_ lines to add; make refuses it
# before building anything; a good tree gets a stable name of its own,
# and a lane's Debian release names that lane.  Host only: the trees are
# fakes made of a real .config and empty files; nothing is booted.
#
# Prints KTAP-style lines ("ok - tree: ...", "not ok - tree: ...") and
# exits 0 when nothing failed.
set -uo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HARNESS TOP=${HARNESS%/harness}
readonly VM=$HARNESS/vm.sh
failed=0

pass() { echo "ok - tree: $1"; }
fail() { echo "not ok - tree: $1"; failed=1; }
detail() { sed 's/^/#   /'; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mt-tree-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# Names given to the fake trees stay in this run's own cache.
export MT_CACHE_REAL=${MT_CACHE:-/var/cache/malloc_test}

# A .config to start from: the 6.12 lane's (vm.sh setup has put it
# there), which has every option the harness needs.
base=$(MT_CACHE=$MT_CACHE_REAL "$VM" config 6.12 2>/dev/null)
if [[ ! -f $base ]]; then
	fail "a base .config (the 6.12 lane's)"
	echo "vm.sh config 6.12 gave none: run vm.sh setup" | detail
	exit 1
fi

# fake DIR [STAGE]: a tree of DIR, complete up to STAGE (config, built,
# image, symvers; default all of them)
fake() {
	local d=$1 stage=${2:-symvers}
	mkdir -p "$d"
	cp "$base" "$d/.config"
	[[ $stage != config ]] || return 0
	mkdir -p "$d/include/generated" "$d/scripts/mod"
	echo '#define UTS_RELEASE "6.99.0-fake"' >"$d/include/generated/utsrelease.h"
	: >"$d/include/generated/autoconf.h"
	install -m 0755 /bin/true "$d/scripts/mod/modpost"
	[[ $stage != built ]] || return 0
	mkdir -p "$d/arch/x86/boot"
	echo fake >"$d/arch/x86/boot/bzImage"
	[[ $stage != image ]] || return 0
	: >"$d/Module.symvers"
}

# refused NAME KERNEL PATTERN: vm.sh name KERNEL fails, and its one
# message matches PATTERN (an extended regular expression)
refused() {
	local what=$1 spec=$2 pat=$3 out rc=0
	out=$(MT_CACHE=$WORK/cache "$VM" name "$spec" 2>&1) || rc=$?
	if (( rc != 0 )) && grep -qE -- "$pat" <<<"$out"; then
		pass "$what"
	else
		fail "$what"
		{ echo "rc $rc, wanted a message matching: $pat"; echo "$out"; } | detail
	fi
}

refused "a directory that does not exist is refused" "$WORK/none" \
	"KERNEL=$WORK/none: there is no such directory"
mkdir -p "$WORK/empty"
refused "a directory with no .config is refused" "$WORK/empty" \
	"is not a configured kernel tree: it has no .config"
fake "$WORK/arm"
sed -i 's/^CONFIG_X86_64=y$/# CONFIG_X86_64 is not set/; $a CONFIG_ARM64=y' "$WORK/arm/.config"
refused "a tree configured for arm64 is refused, naming arm64" "$WORK/arm" \
	"is configured for arm64: the harness boots x86_64 kernels only"
fake "$WORK/i386"
sed -i 's/^CONFIG_X86_64=y$/# CONFIG_X86_64 is not set/; $a CONFIG_X86_32=y' "$WORK/i386/.config"
refused "a tree configured for 32-bit x86 is refused, saying so" "$WORK/i386" \
	"is configured for 32-bit x86"
fake "$WORK/configured" config
refused "a configured tree never built is refused, with the make command" \
	"$WORK/configured" "is configured but not built: run 'make -C [^ ]+ bzImage modules'"
fake "$WORK/noimage" built
refused "a tree with no bzImage is refused" "$WORK/noimage" \
	"has no arch/x86/boot/bzImage to boot: run 'make -C [^ ]+ bzImage'"
fake "$WORK/nosymvers" image
refused "a tree with no Module.symvers is refused" "$WORK/nosymvers" \
	"has no Module.symvers, which modules are built against"

# Options: two missing, one of them a number too small; stderr lists the
# lines to paste, exactly.
fake "$WORK/lacking"
sed -i -e '/^CONFIG_DEBUG_FS=y$/d' \
	-e 's/^CONFIG_SERIAL_8250_RUNTIME_UARTS=.*/CONFIG_SERIAL_8250_RUNTIME_UARTS=2/' \
	"$WORK/lacking/.config"
refused "a tree lacking harness options is refused, counting them" "$WORK/lacking" \
	"cannot run under the harness: its .config lacks 2 option\\(s\\)"
lines=$(MT_CACHE=$WORK/cache "$VM" name "$WORK/lacking" 2>&1 | grep '^CONFIG_')
want=$'CONFIG_DEBUG_FS=y\nCONFIG_SERIAL_8250_RUNTIME_UARTS=3'
if [[ $lines == "$want" ]]; then
	pass "the refusal lists exactly the CONFIG_ lines to add"
else
	fail "the refusal lists exactly the CONFIG_ lines to add"
	{ echo "wanted:"; echo "$want"; echo "got:"; echo "$lines"; } | detail
fi

# make refuses before kbuild: no build directory appears, and the
# message is vm.sh's sentence, not a kbuild error.
rm -rf "$WORK/top"
mkdir -p "$WORK/top"
tar -C "$TOP" --exclude=./build --exclude=./.git -cf - . | tar -C "$WORK/top" -xf -
out=$(cd "$WORK/top" && MT_CACHE=$WORK/cache make --no-print-directory run \
	KERNEL="$WORK/lacking" 2>&1)
rc=$?
if (( rc != 0 )) && grep -q '^CONFIG_DEBUG_FS=y$' <<<"$out" &&
		[[ ! -e $WORK/top/build ]]; then
	pass "make run KERNEL=TREE refuses it before building anything"
else
	fail "make run KERNEL=TREE refuses it before building anything"
	{ echo "rc $rc"; echo "$out" | tail -n 8; ls "$WORK/top/build" 2>&1; } | detail
fi

# A good tree: a name of its own, the same every time; another path with
# the same last component, another name; kdir, vmlinuz and describe.
fake "$WORK/a/linux"
fake "$WORK/b/linux"
n1=$(MT_CACHE=$WORK/cache "$VM" name "$WORK/a/linux" 2>&1)
n2=$(MT_CACHE=$WORK/cache "$VM" name "$WORK/a/linux/" 2>&1)
n3=$(MT_CACHE=$WORK/cache "$VM" name "$WORK/b/linux" 2>&1)
if [[ $n1 =~ ^tree-linux-[0-9a-f]{8}$ && $n1 == "$n2" && $n3 =~ ^tree-linux- &&
		$n3 != "$n1" ]]; then
	pass "a tree's name is tree-BASE-HASH, stable, and its own ($n1, $n3)"
else
	fail "a tree's name is tree-BASE-HASH, stable, and its own"
	printf '%s\n' "$n1" "$n2" "$n3" | detail
fi
kd=$(MT_CACHE=$WORK/cache "$VM" kdir "$n1" 2>&1)
img=$(MT_CACHE=$WORK/cache "$VM" vmlinuz "$n1" 2>&1)
if [[ $kd == "$WORK/a/linux" && $img == "$WORK/a/linux/arch/x86/boot/bzImage" ]]; then
	pass "by its name, the tree is its own kdir and its bzImage is booted"
else
	fail "by its name, the tree is its own kdir and its bzImage is booted"
	printf '%s\n' "$kd" "$img" | detail
fi
desc=$(MT_CACHE=$WORK/cache "$VM" describe "$n1" "slub_debug=FZPU" 2>&1)
if grep -q "^$n1: Linux 6.99.0-fake (tree $WORK/a/linux)$" <<<"$desc" &&
		grep -q ' slub_debug=FZPU ' <<<"$desc" && grep -q 'kasan=n' <<<"$desc" &&
		(( $(awk '{ if (length($0) > m) m = length($0) } END { print m }' <<<"$desc") <= 90 )); then
	pass "describe names the release, the tree and the boot's slub_debug=, in 90 columns"
else
	fail "describe names the release, the tree and the boot's slub_debug=, in 90 columns"
	echo "$desc" | detail
fi
refused "an unknown name is refused, listing what is taken" "tree-nothing-00000000" \
	"no tree was given that name here"
refused "an unknown kernel is refused, listing the lanes" "7.0" \
	"unknown kernel '7.0': give a lane \\(6.1 6.12 debug\\)"

# A lane's Debian release names the lane.
rel=$(cat "$MT_CACHE_REAL/kernel-6.12/abi" 2>/dev/null)
n=$(MT_CACHE=$MT_CACHE_REAL "$VM" name "$rel" 2>&1)
if [[ -n $rel && $n == 6.12 ]]; then
	pass "the release $rel names the 6.12 lane"
else
	fail "a lane's Debian release names the lane"
	echo "release '$rel': '$n'" | detail
fi
exit "$failed"
