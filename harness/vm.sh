#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel under QEMU with a busybox initramfs holding the malloc_test
# module and a test script; bring back the script's output and the guest's
# kernel log.  Installs what it lacks with apt-get.  A kernel is named by
# a lane (Debian's stock 6.1 and 6.12, and "debug", built from the newest
# Debian kernel source, 6.12's as its fallback, with the kernel's bug
# detectors by harness/debug-kernel.sh), by the release of a lane's Debian
# kernel, or by the path of the user's own built kernel tree.
set -euo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HARNESS
# The guest suite, the default of boot --tests.
readonly SELFTESTS=${HARNESS%/harness}/tools/testing/selftests/malloc_test
# The stock kernels, which setup installs; "debug" is built on first use.
readonly KERNELS=(6.1 6.12)
readonly ALL_KERNELS=("${KERNELS[@]}" debug)
# 6.1 is the release's own kernel, 6.12 comes from backports.
# shellcheck source=/dev/null
SUITE=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
readonly SUITE=${SUITE:-bookworm}
readonly BPO=$SUITE-backports
readonly BASE_PKGS=(qemu-system-x86 busybox-static cpio gzip linux-source-6.12 perl xz-utils sparse
	libc6-dev python3-docutils)
readonly LINUX_SOURCE=/usr/src/linux-source-6.12.tar.xz
# What checkpatch.pl reads beside itself, and kernel-doc
# (harness/kdoc-check.sh), which needs nothing beside it.
readonly CHECKPATCH_FILES=(scripts/checkpatch.pl scripts/spelling.txt
	scripts/const_structs.checkpatch Documentation/dev-tools/checkpatch.rst
	scripts/kernel-doc)

readonly CACHE=${MT_CACHE:-/var/cache/malloc_test}
# What every kernel booted needs (a tree lacking one is refused), and
# where a tree's path is kept under its name.
readonly HARNESS_CONFIG=$HARNESS/harness.config
readonly TREES=$CACHE/trees
export DEBIAN_FRONTEND=noninteractive

usage() {
	cat <<EOF
Usage: ${0##*/} COMMAND [ARGS]

Commands:
  setup [--refresh]   install what is missing: qemu-system-x86, busybox-static,
                      cpio, linux-source-6.12, the headers of each kernel, and
                      each kernel's vmlinuz (extracted into the cache, never
                      installed into /boot).  --refresh resolves the kernel
                      packages again (to pick up a newer ABI).
  kernels             print the lanes: ${ALL_KERNELS[*]}
  name KERNEL         check KERNEL and print its name: a lane's, or
                      tree-BASE-HASH for a kernel tree (the module is built
                      in build/NAME/); every command below takes either
  kdir KERNEL         print the directory to build modules against: the
                      headers of a stock lane, the tree of debug or DIR
                      (debug: built first when needed)
  vmlinuz KERNEL      print the path of KERNEL's kernel image
  config KERNEL       print the path of KERNEL's .config
  describe KERNEL [ARGS]  what was booted, for a run's header: release,
                      compiler, the options that change the allocators
                      (ARGS: the boot's extra command line)
  checkpatch          print the path of checkpatch.pl (from linux-source-6.12)
  accel               print the QEMU accelerator and CPU options a boot uses
  boot KERNEL --module KO --script FILE [options]
                      boot KERNEL with KO as /mt/malloc_test.ko and FILE as
                      /mt/run.sh; exit 0 when the guest finished the script
                      (whatever its exit status: see results.txt), 124 on
                      timeout, 1 when the guest died before finishing.

Options of boot:
  --tests DIR         copied to /mt/tests (default: the suite,
                      tools/testing/selftests/malloc_test, if present)
  --bin DIR           copied to /mt/bin, first in the guest's PATH
  --out DIR           console.log, results.txt, dmesg.txt, qemu.log go here
                      (default: a new directory under \${TMPDIR:-/tmp})
  --timeout SEC       kill QEMU after SEC seconds (default 900; none when
                      --interactive is given without --timeout)
  --append "ARGS"     more kernel command line
  --mem MB            guest memory (default 2048; 3072 with KASAN)
  --smp N             guest CPUs (default 2)
  --numa N            N NUMA nodes (2 or more; --smp a multiple of N):
                      one socket of smp/N CPUs each, the memory split
                      evenly; default: no NUMA topology
  --follow            copy the script's output to stdout while it runs
  --interactive       console on this terminal; a shell after the script
                      (exit it, or press Ctrl-A X, to power off)

KERNEL: a lane (${ALL_KERNELS[*]}), the release of a lane's Debian kernel
(what uname -r says in its guest), or DIR, a built x86_64 kernel tree:
what "make bzImage modules" (or plain "make") left, with .config,
arch/x86/boot/bzImage and Module.symvers, built in place or with O=.  Its
.config must have every option of harness/harness.config: a tree lacking
one is refused with the lines to add.

Guest serial ports: ttyS0 console -> console.log, ttyS1 script stdout and
stderr -> results.txt (last line "MT-GUEST-DONE rc=N"), ttyS2 -> dmesg.txt.

The debug kernel (harness/debug-kernel.sh, config harness/debug.config) has
KASAN, lockdep, kmemleak, debug objects, fault injection and KUnit; its
first kdir or vmlinuz builds it into the cache (a few minutes).

Environment: MT_CACHE (default /var/cache/malloc_test), MT_KVM=1 to
use KVM when the host offers it (TCG otherwise, with -cpu max,cx16=off:
QEMU 7.2's TCG corrupts EFLAGS after cmpxchg16b).
EOF
}

say() { echo "vm.sh: $*" >&2; }
die() { say "$*"; exit 1; }

installed() {
	[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == ii* ]]
}

abi_file() { echo "$CACHE/kernel-$1/abi"; }

# Is everything in place?  Reads only local files: no apt, no network.
ready() {
	local v abi p
	for v in "${KERNELS[@]}"; do
		abi=$(cat "$(abi_file "$v")" 2>/dev/null) || return 1
		[[ -s $CACHE/kernel-$v/vmlinuz-$abi ]] || return 1
		installed "linux-headers-$abi" || return 1
	done
	for p in "${BASE_PKGS[@]}"; do
		installed "$p" || return 1
	done
	checkpatch_extracted
}

# Every file of CHECKPATCH_FILES is in the cache, and not older than
# linux-source-6.12.
checkpatch_extracted() {
	local f
	for f in "${CHECKPATCH_FILES[@]}"; do
		[[ -s $CACHE/checkpatch/$f && ! $LINUX_SOURCE -nt $CACHE/checkpatch/$f ]] ||
			return 1
	done
}

need_root() {
	(( EUID == 0 )) || die "$1 needs root (run 'sudo $0 setup' once)"
}

apt_update() {
	[[ ${MT_APT_UPDATED:-0} == 1 ]] && return 0
	# Failures of unrelated third-party sources must not stop us: what we
	# need is checked when it is installed.
	apt-get -q update >"$CACHE/apt-update.log" 2>&1 ||
		say "apt-get update reported errors (ignored; see $CACHE/apt-update.log)"
	export MT_APT_UPDATED=1
}

apt_install() {	# [apt-get options] PACKAGE...
	if ! apt-get -y -q --no-install-recommends install "$@" \
			>"$CACHE/apt-install.log" 2>&1; then
		tail -n 20 "$CACHE/apt-install.log" >&2
		die "apt-get install $* failed"
	fi
}

ensure_backports_source() {
	local f=/etc/apt/sources.list.d/backports.list
	if ! grep -qsE "^[^#]*[[:space:]]$BPO([[:space:]]|$)" /etc/apt/sources.list \
			/etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; then
		echo "deb http://deb.debian.org/debian $BPO main" >>"$f"
		say "added $BPO to $f"
		MT_APT_UPDATED=0
	fi
}

# First package named linux-image-* / linux-headers-* in the Depends of a
# metapackage version.
meta_depends() {	# PACKAGE=VERSION PREFIX
	apt-cache show "$1" | awk -v pre="$2" '
		/^Depends:/ {
			sub(/^Depends: */, "")
			n = split($0, dep, / *, */)
			for (i = 1; i <= n; i++) {
				split(dep[i], w, " ")
				if (index(w[1], pre) == 1) { print w[1]; exit }
			}
		}'
}

# Print the ABI (e.g. 6.1.0-56-amd64) of kernel VER from apt's lists:
# 6.1: the highest 6.1.x outside backports; 6.12: the 6.12.x of backports.
resolve_abi() {	# VER
	local ver=$1 v src best="" img hdr
	while IFS='|' read -r _ v src; do
		v=${v//[[:space:]]/}
		[[ $src == *Packages && $v == "$ver".* ]] || continue
		if [[ $ver == 6.12 ]]; then
			[[ $src == *" $BPO/"* ]] || continue
		else
			[[ $src == *-backports/* ]] && continue
		fi
		if [[ -z $best ]] || dpkg --compare-versions "$v" gt "$best"; then
			best=$v
		fi
	done < <(apt-cache madison linux-image-amd64)
	[[ -n $best ]] || die "no linux-image-amd64 $ver.x in apt's lists"
	img=$(meta_depends "linux-image-amd64=$best" linux-image-)
	hdr=$(meta_depends "linux-headers-amd64=$best" linux-headers-)
	[[ -n $img && ${hdr#linux-headers-} == "${img#linux-image-}" ]] ||
		die "linux-image-amd64=$best: cannot tell its image and headers ('$img', '$hdr')"
	echo "${img#linux-image-}"
}

# Extract boot/vmlinuz-ABI from the image package, without installing it.
fetch_vmlinuz() {	# VER ABI
	local dir=$CACHE/kernel-$1 tmp deb
	mkdir -p "$dir"
	tmp=$(mktemp -d "$CACHE/download.XXXXXX")
	chmod 755 "$tmp"
	if ! (cd "$tmp" && apt-get -q download "linux-image-$2") \
			>"$CACHE/apt-download.log" 2>&1; then
		rm -rf "$tmp"
		tail -n 20 "$CACHE/apt-download.log" >&2
		die "apt-get download linux-image-$2 failed"
	fi
	deb=("$tmp"/*.deb)
	dpkg-deb --fsys-tarfile "${deb[0]}" |
		tar -x -C "$tmp" "./boot/vmlinuz-$2"
	mv "$tmp/boot/vmlinuz-$2" "$dir/vmlinuz-$2"
	rm -rf "$tmp"
	say "fetched vmlinuz-$2 into $dir"
}

extract_checkpatch() {
	local tmp top
	tmp=$(mktemp -d "$CACHE/checkpatch.XXXXXX")
	chmod 755 "$tmp"
	top=$(basename "$LINUX_SOURCE" .tar.xz)
	tar -xJf "$LINUX_SOURCE" -C "$tmp" --touch --occurrence --strip-components=1 \
		"${CHECKPATCH_FILES[@]/#/$top/}"
	rm -rf "$CACHE/checkpatch"
	mv "$tmp" "$CACHE/checkpatch"
	say "extracted checkpatch.pl and kernel-doc from $LINUX_SOURCE"
}

setup() {	# [--refresh]
	local refresh=0 v p abi missing=()
	local -A abis=()
	case ${1:-} in
	--refresh) refresh=1 ;;
	"") ;;
	*) die "setup: unknown argument '$1'" ;;
	esac
	# Only the first check is done without the lock: a user may use the
	# cache root prepared, read-only.
	(( refresh )) || ! ready || return 0
	need_root "setup"
	mkdir -p "$CACHE"
	exec 9>"$CACHE/lock"
	flock 9
	(( refresh )) || ! ready || return 0

	for v in "${KERNELS[@]}"; do
		abi=$(cat "$(abi_file "$v")" 2>/dev/null) || abi=
		if (( refresh )) || [[ -z $abi ]] || ! installed "linux-headers-$abi"; then
			refresh=1
		fi
		abis[$v]=$abi
	done
	if (( refresh )); then
		ensure_backports_source
		apt_update
		for v in "${KERNELS[@]}"; do
			abis[$v]=$(resolve_abi "$v")
		done
	fi

	for p in "${BASE_PKGS[@]}"; do
		installed "$p" || missing+=("$p")
	done
	if (( ${#missing[@]} )); then
		apt_update
		apt_install "${missing[@]}"
		for p in "${missing[@]}"; do
			say "installed $p"
		done
	fi
	for v in "${KERNELS[@]}"; do
		abi=${abis[$v]}
		if ! installed "linux-headers-$abi"; then
			apt_update
			if [[ $v == 6.12 ]]; then
				apt_install -t "$BPO" "linux-headers-$abi"
			else
				apt_install "linux-headers-$abi"
			fi
			say "installed linux-headers-$abi"
		fi
		[[ -s $CACHE/kernel-$v/vmlinuz-$abi ]] || fetch_vmlinuz "$v" "$abi"
		echo "$abi" >"$(abi_file "$v")"
	done
	checkpatch_extracted || extract_checkpatch
	exec 9>&-
}

kernel_abi() {	# LANE (a stock one)
	setup
	cat "$(abi_file "$1")"
}

# The debug kernel: setup for what every kernel needs (linux-source-6.12,
# the fallback's source, among it), then its own script builds it from
# the newest Debian source unless the cache has it.
debug_kernel() {	# kdir|image
	setup
	"$HARNESS/debug-kernel.sh" "$1"
}

# ------------------------------------------------------------- kernels ---
#
# A kernel is a lane's name, the release of a lane's Debian kernel, a
# tree's path, or the name `name` gave a tree (tree-BASE-HASH), which
# $TREES maps back to its path.  resolve sets K_NAME, K_TREE (the tree's
# path; empty for a lane) and K_LANE (the lane; empty for a tree).

# The value OPTION has in a .config ("" when unset).
config_value() {	# DOTCONFIG OPTION
	sed -n "s/^$2=//p" "$1" | tail -n 1
}

# The lines of FRAGMENT that DOTCONFIG does not satisfy: a value must be
# there as it is, a number at least as large.
config_missing() {	# DOTCONFIG FRAGMENT
	local line name want have
	while IFS= read -r line || [[ -n $line ]]; do
		[[ $line == CONFIG_*=* ]] || continue
		name=${line%%=*} want=${line#*=}
		have=$(config_value "$1" "$name")
		if [[ $want =~ ^[0-9]+$ && $have =~ ^[0-9]+$ ]]; then
			(( have >= want )) && continue
		elif [[ $have == "$want" ]]; then
			continue
		fi
		echo "$line"
	done <"$2"
}

# The architecture a .config is for, in words, when it is not x86_64.
config_arch() {	# DOTCONFIG
	local a
	for a in ARM64 ARM RISCV PPC64 PPC S390 MIPS LOONGARCH SPARC X86_32; do
		if grep -q "^CONFIG_$a=y" "$1"; then
			a=${a,,}
			echo "${a/x86_32/32-bit x86}"
			return
		fi
	done
	echo "an architecture other than x86_64"
}

# Refuse DIR, in plain sentences, unless it is a built x86_64 kernel tree
# with every option the harness needs.
check_tree() {	# DIR
	local dir=$1 missing
	[[ -d $dir ]] || die "KERNEL=$dir: there is no such directory"
	[[ -f $dir/.config ]] ||
		die "$dir is not a configured kernel tree: it has no .config (KERNEL= takes the directory where the kernel was built: .config, arch/x86/boot/bzImage, Module.symvers)"
	grep -q '^CONFIG_X86_64=y' "$dir/.config" ||
		die "$dir is configured for $(config_arch "$dir/.config"): the harness boots x86_64 kernels only (qemu-system-x86_64)"
	[[ -f $dir/include/generated/autoconf.h && -x $dir/scripts/mod/modpost ]] ||
		die "$dir is configured but not built: run 'make -C $dir bzImage modules' (or 'make -C $dir') first"
	[[ -s $dir/arch/x86/boot/bzImage ]] ||
		die "$dir has no arch/x86/boot/bzImage to boot: run 'make -C $dir bzImage'"
	[[ -f $dir/Module.symvers ]] ||
		die "$dir has no Module.symvers, which modules are built against: run 'make -C $dir modules' (it writes it; seconds when nothing is a module)"
	missing=$(config_missing "$dir/.config" "$HARNESS_CONFIG")
	if [[ -n $missing ]]; then
		say "$dir cannot run under the harness: its .config lacks $(grep -c . <<<"$missing") option(s) the harness needs (harness/harness.config says why). Add these lines to a config fragment, merge it (scripts/kconfig/merge_config.sh), run 'make olddefconfig' and build again:"
		echo "$missing" >&2
		exit 1
	fi
	[[ ! $dir/.config -nt $dir/arch/x86/boot/bzImage ]] ||
		say "warning: $dir/.config is newer than its bzImage: the kernel booted may not be the one configured"
}

# tree-BASE-HASH: the directory's last component and a hash of its path.
tree_name() {	# ABSOLUTE_DIR
	local base=${1##*/}
	base=${base//[^A-Za-z0-9._-]/_}
	echo "tree-${base:0:24}-$(printf '%s' "$1" | sha256sum | cut -c1-8)"
}

resolve() {	# KERNEL
	local spec=$1 v abi dir
	K_NAME="" K_TREE="" K_LANE=""
	[[ -n $spec ]] || die "which kernel? (${ALL_KERNELS[*]}, a Debian release of theirs, or a kernel tree)"
	for v in "${ALL_KERNELS[@]}"; do
		if [[ $spec == "$v" ]]; then
			K_NAME=$v K_LANE=$v
			return
		fi
	done
	if [[ $spec == tree-* && $spec != */* ]]; then
		dir=$(cat "$TREES/$spec" 2>/dev/null) ||
			die "unknown kernel '$spec': no tree was given that name here (use the tree's path)"
	elif [[ $spec == */* || -d $spec ]]; then
		dir=$spec
	else
		# A release: a stock lane's Debian kernel.
		for v in "${KERNELS[@]}"; do
			abi=$(cat "$(abi_file "$v")" 2>/dev/null) || continue
			if [[ $spec == "$abi" ]]; then
				K_NAME=$v K_LANE=$v
				return
			fi
		done
		die "unknown kernel '$spec': give a lane (${ALL_KERNELS[*]}), the release of a lane's Debian kernel ($(
			for v in "${KERNELS[@]}"; do cat "$(abi_file "$v")" 2>/dev/null; done | paste -sd' '
			)), or the path of a built kernel tree"
	fi
	check_tree "$dir"
	K_TREE=$(cd "$dir" && pwd -P)
	K_NAME=$(tree_name "$K_TREE")
	if [[ $(cat "$TREES/$K_NAME" 2>/dev/null) != "$K_TREE" ]]; then
		if ! { mkdir -p "$TREES" && echo "$K_TREE" >"$TREES/$K_NAME"; }; then
			die "cannot record $K_TREE's name in $TREES"
		fi
	fi
}

name() {	# KERNEL
	resolve "$1"
	echo "$K_NAME"
}

kdir() {	# KERNEL
	resolve "$1"
	if [[ -n $K_TREE ]]; then
		echo "$K_TREE"
	elif [[ $K_LANE == debug ]]; then
		debug_kernel kdir
	else
		echo "/usr/src/linux-headers-$(kernel_abi "$K_LANE")"
	fi
}

vmlinuz() {	# KERNEL
	resolve "$1"
	if [[ -n $K_TREE ]]; then
		echo "$K_TREE/arch/x86/boot/bzImage"
	elif [[ $K_LANE == debug ]]; then
		debug_kernel image
	else
		echo "$CACHE/kernel-$K_LANE/vmlinuz-$(kernel_abi "$K_LANE")"
	fi
}

config() {	# KERNEL
	local d
	d=$(kdir "$1") || exit 1
	[[ -f $d/.config ]] || die "$1: no .config in $d"
	echo "$d/.config"
}

# The options that change what an allocation costs or does, as words
# (NAME=VALUE): what `describe` prints and a compared run shows.
alloc_options() {	# DOTCONFIG [CMDLINE]
	local c=$1 cmd=" ${2:-} " w=() v p
	on() { [[ $(config_value "$c" "$1") == y ]]; }
	# the boot's own word wins over the default
	arg() { local a=${cmd##* "$1"=}; [[ $cmd == *" $1="* ]] && echo "${a%% *}"; }
	for p in NONE VOLUNTARY PREEMPT LAZY RT; do
		v=CONFIG_PREEMPT_$p
		[[ $p != PREEMPT ]] || v=CONFIG_PREEMPT
		on "$v" && break
		p=""
	done
	p=${p,,}
	[[ $p != preempt ]] || p=full
	if on CONFIG_PREEMPT_DYNAMIC; then
		v=$(arg preempt) || true
		w+=("preempt=${v:-${p:-?}}(dynamic)")
	else
		w+=("preempt=${p:-none}")
	fi
	if ! on CONFIG_SLUB_DEBUG; then
		w+=("slub_debug=n/a")
	else
		v=$(arg slub_debug) || true
		if [[ -n $v ]]; then
			w+=("slub_debug=$v")
		elif on CONFIG_SLUB_DEBUG_ON; then
			w+=("slub_debug=on")
		else
			w+=("slub_debug=off")
		fi
	fi
	if on CONFIG_KASAN; then
		v=generic
		on CONFIG_KASAN_SW_TAGS && v=sw_tags
		on CONFIG_KASAN_HW_TAGS && v=hw_tags
		on CONFIG_KASAN_VMALLOC && v+=+vmalloc
		w+=("kasan=$v")
	else
		w+=("kasan=n")
	fi
	for p in alloc free; do
		v=$(arg "init_on_$p") || true
		if [[ -z $v ]]; then
			v=0
			on "CONFIG_INIT_ON_${p^^}_DEFAULT_ON" && v=1
		fi
		w+=("init_on_$p=$v")
	done
	v=n; on CONFIG_MEMCG && v=y; w+=("memcg=$v")
	v=n; on CONFIG_NUMA && v=y; w+=("numa=$v")
	for p in SLAB_FREELIST_RANDOM:freelist_random SLAB_FREELIST_HARDENED:freelist_hardened \
			SLUB_TINY:slub_tiny SLUB_CPU_PARTIAL:cpu_partial \
			RANDOM_KMALLOC_CACHES:random_kmalloc \
			SLAB_BUCKETS:slab_buckets KFENCE:kfence PROVE_LOCKING:lockdep \
			DEBUG_KMEMLEAK:kmemleak DEBUG_PAGEALLOC:debug_pagealloc FAILSLAB:failslab; do
		v=n; on "CONFIG_${p%%:*}" && v=y
		w+=("${p#*:}=$v")
	done
	echo "${w[*]}"
}

# What KERNEL is, for a run's header: lines of at most 90
# columns.  ARGS: what the boot adds to the command line.
describe() {	# KERNEL [ARGS]
	local c kd rel cc where line="" word
	resolve "$1"
	c=$(config "$1") || exit 1
	kd=${c%/.config}
	rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$kd/include/generated/utsrelease.h" 2>/dev/null)
	cc=$(config_value "$c" CONFIG_CC_VERSION_TEXT)
	cc=${cc#\"} cc=${cc%\"}
	if [[ -n $K_TREE ]]; then
		where="tree $K_TREE"
	elif [[ $K_LANE == debug ]]; then
		where="debug lane: built with the detectors"
	else
		where="$K_LANE lane: Debian's linux-image"
	fi
	echo "$K_NAME: Linux ${rel:-?} ($where)"
	echo "  built by ${cc:-an unknown compiler}"
	for word in $(alloc_options "$c" "${2:-}"); do
		if (( ${#line} + ${#word} + 1 > 88 )); then
			echo "  $line"
			line=""
		fi
		line+="${line:+ }$word"
	done
	[[ -z $line ]] || echo "  $line"
}

# A QEMU option value: commas are doubled.
qarg() { echo "${1//,/,,}"; }

use_kvm() {
	[[ ${MT_KVM:-0} == 1 ]] && grep -qwE 'vmx|svm' /proc/cpuinfo &&
		{ : <>/dev/kvm; } 2>/dev/null
}

# QEMU's accelerator and CPU for a guest, as options: KVM with the host's
# CPU, or TCG.
# cx16=off: QEMU 7.2's TCG (Debian 12) computes the flags of an unlocked
# cmpxchg16b from a stale cc_op, so they can carry the low half of
# whatever was last in CC_SRC, a pointer say; the next pushf/popf pair
# (local_irq_restore) then loads IOPL, NT, AC... and the guest dies of a
# double fault in SLUB's per-CPU fast path (kmem_cache_alloc), with an
# impossible EFLAGS in the oops.  Without CX16 the kernel uses its
# cmpxchg16b emulation and SLUB's locked slow path; the suite's run.sh
# checks the guest has no cx16.
accel_opts() {
	if use_kvm; then
		echo "-accel kvm -cpu host"
	else
		echo "-accel tcg -cpu max,cx16=off"
	fi
}

boot() {
	local ver="" ko="" script="" tests="" bin="" out="" timeout="" append=""
	local mem="" smp=2 numa="" interactive=0 follow=0 image work root rc=0 line
	local i node_mem dotconfig
	local qemu_pid="" start
	ver=${1:-}
	[[ -n $ver && $ver != -* ]] || die "boot: which kernel? (${ALL_KERNELS[*]}, or a kernel tree)"
	shift
	resolve "$ver"
	ver=$K_NAME
	while (( $# )); do
		case $1 in
		--module|--script|--tests|--bin|--out|--timeout|--append|--mem|--smp|--numa)
			(( $# >= 2 )) || die "boot: $1 needs a value"
			case $1 in
			--module) ko=$2 ;;
			--script) script=$2 ;;
			--tests) tests=$2 ;;
			--bin) bin=$2 ;;
			--out) out=$2 ;;
			--timeout) timeout=$2 ;;
			--append) append=$2 ;;
			--mem) mem=$2 ;;
			--smp) smp=$2 ;;
			--numa) numa=$2 ;;
			esac
			shift 2 ;;
		--interactive) interactive=1; shift ;;
		--follow) follow=1; shift ;;
		-h|--help) usage; exit 0 ;;
		*) die "boot: unknown option '$1'" ;;
		esac
	done
	[[ -n $ko ]] || die "boot: --module is required"
	[[ -n $script ]] || die "boot: --script is required"
	[[ -f $ko ]] || die "boot: no module $ko"
	[[ -f $script ]] || die "boot: no script $script"
	[[ -z $tests || -d $tests ]] || die "boot: no directory $tests"
	[[ -z $bin || -d $bin ]] || die "boot: no directory $bin"
	[[ -n $tests || ! -d $SELFTESTS ]] || tests=$SELFTESTS
	if [[ -z $timeout ]] && (( !interactive )); then
		timeout=900
	fi
	[[ -z $timeout || $timeout =~ ^[1-9][0-9]*$ ]] || die "boot: bad --timeout '$timeout'"
	image=$(vmlinuz "$ver")
	dotconfig=$(config "$ver")
	# KASAN takes an eighth of the memory for its shadow, kmemleak and the
	# quarantine more: the suite's 1 GiB allocations need the room.
	if [[ -z $mem ]]; then
		mem=2048
		[[ $(config_value "$dotconfig" CONFIG_KASAN) != y ]] || mem=3072
	fi
	[[ $mem =~ ^[1-9][0-9]*$ && $smp =~ ^[1-9][0-9]*$ ]] || die "boot: bad --mem or --smp"
	[[ -z $numa ]] || { [[ $numa =~ ^[1-9][0-9]*$ ]] && (( numa >= 2 && smp % numa == 0 &&
		mem / numa >= 128 )); } ||
		die "boot: bad --numa '$numa' (2 or more nodes, --smp a multiple of it, 128 MB each at least)"

	if [[ -z $out ]]; then
		out=$(mktemp -d "${TMPDIR:-/tmp}/mt-vm-$ver.XXXXXX")
		(( interactive )) || say "output in $out"
	fi
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
	rm -f "$out"/{console.log,results.txt,dmesg.txt,qemu.log}
	touch "$out"/{console.log,results.txt,dmesg.txt}

	work=$(mktemp -d "${TMPDIR:-/tmp}/mt-initrd.XXXXXX")
	# shellcheck disable=SC2064 # expand $work now
	trap "rm -rf '$work'" EXIT
	root=$work/root
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,mt/tests,mt/bin}
	cp /bin/busybox "$root/bin/busybox"
	install -m 0755 "$HARNESS/init" "$root/init"
	install -m 0644 "$ko" "$root/mt/malloc_test.ko"
	install -m 0755 "$script" "$root/mt/run.sh"
	[[ -z $tests ]] || cp -a "$tests/." "$root/mt/tests/"
	[[ -z $bin ]] || cp -a "$bin/." "$root/mt/bin/"
	echo "$ver" >"$root/mt/kver"
	# The kernel's options, which the cases read to skip what it lacks.
	cp "$dotconfig" "$root/mt/config"
	# The kernel opens /dev/console for /init before devtmpfs is mounted.
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
	(cd "$root" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$work/initrd.gz"

	local -a qemu=(qemu-system-x86_64)
	# shellcheck disable=SC2207 # words of our own, no glob
	qemu+=($(accel_opts))
	if [[ -z $numa ]]; then
		qemu+=(-m "$mem" -smp "$smp")
	else
		# NUMA: node i is socket i (CPUs i*smp/N .. (i+1)*smp/N - 1,
		# caches of their own: CPUs sharing a cache across nodes make
		# the kernel warn) with mem/N MB, the last node the rest.
		qemu+=(-m "$mem" -smp "$smp,sockets=$numa,cores=$((smp / numa)),threads=1")
		for (( i = 0; i < numa; i++ )); do
			node_mem=$((mem / numa))
			(( i < numa - 1 )) || node_mem=$((mem - (numa - 1) * (mem / numa)))
			qemu+=(-object "memory-backend-ram,id=m$i,size=${node_mem}M"
				-numa "node,nodeid=$i,memdev=m$i"
				-numa "cpu,node-id=$i,socket-id=$i")
		done
	fi
	qemu+=(-nographic -nodefaults -no-reboot
		-monitor none -nic none
		-kernel "$(qarg "$image")" -initrd "$(qarg "$work/initrd.gz")"
		-append "console=ttyS0 loglevel=5 log_buf_len=8M panic=-1 mt.interactive=$interactive${append:+ $append}")
	if (( interactive )); then
		qemu+=(-serial mon:stdio)
	else
		qemu+=(-serial "file:$(qarg "$out/console.log")")
	fi
	qemu+=(-serial "file:$(qarg "$out/results.txt")"
		-serial "file:$(qarg "$out/dmesg.txt")")

	start=$SECONDS
	if (( interactive )); then
		if [[ -n $timeout ]]; then
			timeout --foreground "$timeout" "${qemu[@]}" 2>"$out/qemu.log" || rc=$?
		else
			"${qemu[@]}" 2>"$out/qemu.log" || rc=$?
		fi
		# The firmware turned line wrapping off on this terminal.
		[[ ! -t 1 ]] || printf '\e[?7h'
	else
		timeout -k 10 "$timeout" "${qemu[@]}" </dev/null >"$out/qemu.log" 2>&1 &
		qemu_pid=$!
		# shellcheck disable=SC2064 # expand the pids now
		trap "kill $qemu_pid 2>/dev/null || true; rm -rf '$work'" EXIT
		trap 'exit 130' INT TERM
		if (( follow )); then
			tail -n +1 -f --pid="$qemu_pid" "$out/results.txt" || true
		fi
		wait "$qemu_pid" || rc=$?
	fi

	line=$(grep -a '^MT-GUEST-DONE rc=' "$out/results.txt" | tr -d '\r' | tail -n 1) || true
	if [[ -n $line ]]; then
		[[ $line == "MT-GUEST-DONE rc=0" ]] ||
			say "$ver: the guest script exited with ${line#MT-GUEST-DONE }"
		return 0
	fi
	if (( rc == 124 || rc == 137 )); then
		say "$ver: timed out after $timeout s; the guest did not finish"
		rc=124
	else
		say "$ver: the guest stopped after $((SECONDS - start)) s before finishing its script (qemu status $rc)"
		rc=1
	fi
	if (( !interactive )); then
		say "last lines of $out/console.log:"
		tail -n 40 "$out/console.log" | tr -d '\r' >&2
	fi
	[[ ! -s $out/qemu.log ]] || { say "qemu said:"; tail -n 5 "$out/qemu.log" >&2; }
	return "$rc"
}

checkpatch() {
	setup
	echo "$CACHE/checkpatch/scripts/checkpatch.pl"
}

main() {
	local cmd=${1:-}
	(( $# )) && shift
	case $cmd in
	setup) setup "$@" ;;
	kernels) echo "${ALL_KERNELS[*]}" ;;
	name|kdir|vmlinuz|config)
		(( $# == 1 )) || die "usage: ${0##*/} $cmd KERNEL"
		"$cmd" "$1" ;;
	describe)
		(( $# == 1 || $# == 2 )) || die "usage: ${0##*/} describe KERNEL [ARGS]"
		describe "$@" ;;
	checkpatch) checkpatch ;;
	accel) accel_opts ;;
	boot) boot "$@" ;;
	-h|--help|help) usage ;;
	"") usage >&2; exit 2 ;;
	*) say "unknown command '$cmd'"; usage >&2; exit 2 ;;
	esac
}

main "$@"
