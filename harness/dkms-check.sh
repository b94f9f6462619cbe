#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-check.sh OUTDIR - malloc_test through Debian's dkms, for `make check`.
# Installs dkms when it is missing; checks that dkms.conf carries the
# module's version; `make dkms-install` for each stock kernel's headers
# (dkms add, build, install); shows that BUILD_EXCLUSIVE_CONFIG makes dkms
# refuse a kernel without CONFIG_DEBUG_FS; boots each stock kernel with the
# module DKMS installed and loads it there (harness/dkms-guest.sh); then
# `make dkms-uninstall` and checks that nothing is left.
#
# Everything dkms writes stays in OUTDIR: a DKMS tree, source tree and
# install tree of its own (dkms --dkmstree --sourcetree --installtree),
# depmod run there (depmod -b), the module signing key there, its
# temporary files there (TMPDIR).  The host's /usr/src, /var/lib/dkms and
# /lib/modules are left as they were, and dkms leaves no temporary file
# behind, which the last checks assert.
#
# Prints "ok - DESC", "not ok - DESC" or "ok - DESC # SKIP WHY" per check,
# "# " details under a failing one; exits 0 when none failed.
# Environment: MT_CACHE, MT_KERNELS (the stock kernels among them are
# checked; default both), MT_APT_UPDATED=1 (apt-get update already done),
# MT_VM_LOCK=FILE (held with flock around each boot).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
# A calling make's flags (jobserver, variables) must not leak into ours.
unset MAKEFLAGS MFLAGS MAKELEVEL
TOP=$PWD
VM=$TOP/harness/vm.sh
export DEBIAN_FRONTEND=noninteractive
# What fails a guest's kernel log.
LOG_BAD='BUG:|WARNING:|Oops|Call Trace|general protection fault|Kernel panic|kernel BUG at|UBSAN'

failed=0
pass() { echo "ok - $1"; }
fail() {
	echo "not ok - $1"
	failed=1
}
skip() { echo "ok - $1 # SKIP $2"; }
# Details under a check: "# " lines, \r removed.
detail() { tr -d '\r' | sed 's/^/#   /'; }

if (( $# != 1 )); then
	echo "usage: ${0##*/} OUTDIR" >&2
	exit 2
fi
mkdir -p "$1" && OUT=$(cd "$1" && pwd) || exit 2
if (( EUID != 0 )); then
	skip "dkms" "needs root"
	exit 0
fi

# The stock kernels to check: both, or those MT_KERNELS names.
kernels=()
for v in 6.1 6.12; do
	[[ -z ${MT_KERNELS:-} || " $MT_KERNELS " == *" $v "* ]] && kernels+=("$v")
done
if (( ${#kernels[@]} == 0 )); then
	skip "dkms" "no stock kernel in MT_KERNELS"
	exit 0
fi

# What of malloc_test the host's own trees hold, and when depmod last
# wrote there: compared before and after.
host_state() {
	find /usr/src /var/lib/dkms /lib/modules -maxdepth 4 -name '*malloc_test*' \
		2>/dev/null | sort
	stat -c '%n %Y' /lib/modules/*/modules.dep 2>/dev/null
}
host_before=$(host_state)

# 1. dkms itself, from Debian's archive: it must not bring a kernel.
kernel_pkgs() {
	dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 'linux-image-*' \
		'linux-headers-*' 2>/dev/null | awk '$1 ~ /^ii/ { print $2 }' | sort
}
desc="dkms is installed, with no kernel image or headers pulled in"
kpkgs_before=$(kernel_pkgs)
: >"$OUT/apt.log"
if ! command -v dkms >/dev/null; then
	if [[ ${MT_APT_UPDATED:-0} != 1 ]]; then
		apt-get -q update >>"$OUT/apt.log" 2>&1
	fi
	apt-get -y -q --no-install-recommends install dkms >>"$OUT/apt.log" 2>&1
fi
kpkgs_after=$(kernel_pkgs)
if ! command -v dkms >/dev/null; then
	fail "$desc"
	tail -n 20 "$OUT/apt.log" | detail
	exit 1
elif [[ $kpkgs_before != "$kpkgs_after" ]]; then
	fail "$desc"
	diff <(echo "$kpkgs_before") <(echo "$kpkgs_after") | detail
else
	pass "$desc"
fi

# 2. One version: dkms.conf's and the module's.
mod_ver=$(sed -n 's/^MODULE_VERSION("\([^"]*\)");$/\1/p' mt_main.c)
conf_ver=$(sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$/\1/p' dkms.conf)
desc="dkms.conf's PACKAGE_VERSION equals MODULE_VERSION in mt_main.c"
if [[ -n $mod_ver && $conf_ver == "$mod_ver" ]]; then
	pass "$desc ($mod_ver)"
else
	fail "$desc"
	echo "PACKAGE_VERSION '$conf_ver', MODULE_VERSION '$mod_ver'" | detail
fi
ver=${conf_ver:-0}

# Scratch trees; the signing key dkms makes on first use goes here too
# (dkms reads these two from the environment when framework.conf does
# not set them).
src=$OUT/src dtree=$OUT/dkms root=$OUT/root dtmp=$OUT/tmp
rm -rf "$src" "$dtree" "$root" "$dtmp" "$OUT/excl" "$OUT/nodebugfs" "$OUT/withdebugfs" \
	"$OUT"/vm-* "$OUT"/guest-* "$OUT"/mok.*
mkdir -p "$src" "$dtree" "$root/lib/modules" "$dtmp" "$OUT/empty"
export mok_signing_key=$OUT/mok.key mok_certificate=$OUT/mok.pub
DKMS="env TMPDIR=$dtmp dkms --dkmstree $dtree --sourcetree $src --installtree $root/lib/modules --no-depmod"
make_dkms() {	# TARGET [VAR=VALUE...]
	make --no-print-directory "$@" DKMS="$DKMS" DKMS_SRC="$src/malloc_test-$ver"
}

# The file of the module in DIR: malloc_test.ko, maybe compressed as the
# kernel's own modules are.
module_in() {
	local f
	for f in "$1"/malloc_test.ko{,.xz,.gz,.zst}; do
		[[ -f $f ]] && { echo "$f"; return 0; }
	done
	return 1
}

# modinfo FIELD of FILE, or with -b of the module named in ROOT for ABI.
field() {	# FIELD FILE|(-b ROOT -k ABI malloc_test)
	local f=$1
	shift
	modinfo -F "$f" "$@" 2>/dev/null | head -n 1 | sed 's/ *$//'
}

# 3. make dkms-install for each kernel: dkms add (the first time), build
# and install.
declare -A abis kos
for kv in "${kernels[@]}"; do
	log=$OUT/dkms-install-$kv.log
	abi=
	if kdir=$("$VM" kdir "$kv" 2>"$log"); then
		abi=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
			"$kdir/include/generated/utsrelease.h" 2>/dev/null)
	fi
	abis[$kv]=$abi
	if [[ -z $abi ]]; then
		fail "$kv: dkms build"
		{ echo "no kernel headers for $kv"; cat "$log"; } | detail
		fail "$kv: dkms install"
		continue
	fi
	mkdir -p "$root/lib/modules/$abi"
	make_dkms dkms-install KDIR="$kdir" >>"$log" 2>&1
	rc=$?

	# The build: the module in the DKMS tree, for this kernel.
	desc="$kv: dkms build ($abi)"
	built=$(module_in "$(compgen -G "$dtree/malloc_test/$ver/$abi/*/module" | head -n 1)")
	vm=$(field vermagic "$built")
	mv=$(field version "$built")
	if [[ -n $built && $vm == "$abi "* && $mv == "$ver" ]]; then
		pass "$desc"
	else
		fail "$desc"
		{
			echo "make dkms-install: status $rc; built module '${built#"$OUT"/}'," \
				"vermagic '$vm', version '$mv'"
			if (( rc != 0 )); then
				tail -n 20 "$log"
				tail -n 20 "$dtree/malloc_test/$ver/build/make.log" 2>/dev/null
			fi
		} | detail
	fi

	# The install: where depmod and modinfo look for it.
	desc="$kv: dkms install (updates/dkms, found by depmod and modinfo)"
	mdir=$root/lib/modules/$abi
	touch "$mdir"/modules.{order,builtin,builtin.modinfo}
	depmod -b "$root" "$abi" >"$OUT/depmod-$kv.log" 2>&1
	drc=$?
	ko=$(module_in "$mdir/updates/dkms")
	st=$($DKMS status "malloc_test/$ver" -k "$abi" 2>/dev/null)
	path=$(field filename -b "$root" -k "$abi" malloc_test)
	vm=$(field vermagic -b "$root" -k "$abi" malloc_test)
	mv=$(field version -b "$root" -k "$abi" malloc_test)
	if (( rc == 0 && drc == 0 )) && [[ -n $ko && $st == *": installed"* &&
			$path == "$ko" && $vm == "$abi "* && $mv == "$ver" ]] &&
			grep -q "^updates/dkms/${ko##*/}:" "$mdir/modules.dep"; then
		pass "$desc"
		kos[$kv]=$ko
	else
		fail "$desc"
		{
			echo "make dkms-install: status $rc; dkms status: '$st'"
			echo "installed: '${ko#"$OUT"/}'; modinfo: '$path', vermagic '$vm', version '$mv'"
			echo "depmod: status $drc"
			cat "$OUT/depmod-$kv.log"
			(( rc == 0 )) || tail -n 20 "$log"
		} | detail
	fi
done

# 4. BUILD_EXCLUSIVE_CONFIG: a kernel configured without CONFIG_DEBUG_FS
# is refused (dkms exits 77), and only for that: the same kernel with it
# goes on to build (and fails there: the fake tree has no Makefile).
# Fake kernel trees made of a .config and an include/ directory, in a
# DKMS tree of their own.
kv=${kernels[-1]}
abi=${abis[$kv]}
desc="dkms build refuses a kernel without CONFIG_DEBUG_FS (BUILD_EXCLUSIVE_CONFIG)"
if [[ -z $abi || ! -d $src/malloc_test-$ver ]]; then
	fail "$desc"
	echo "no headers of $kv, or no sources in $src (make dkms-install failed)" | detail
else
	kdir=$("$VM" kdir "$kv")
	for t in nodebugfs withdebugfs; do
		mkdir -p "$OUT/$t/include"
		grep -v '^CONFIG_DEBUG_FS=' "$kdir/.config" >"$OUT/$t/.config"
	done
	echo '# CONFIG_DEBUG_FS is not set' >>"$OUT/nodebugfs/.config"
	echo 'CONFIG_DEBUG_FS=y' >>"$OUT/withdebugfs/.config"
	EX="env TMPDIR=$dtmp dkms --dkmstree $OUT/excl/dkms --sourcetree $OUT/excl/src --no-depmod"
	mkdir -p "$OUT/excl/dkms" "$OUT/excl/src"
	$EX add "$src/malloc_test-$ver" >"$OUT/excl.log" 2>&1
	$EX build "malloc_test/$ver" -k "$abi" --kernelsourcedir "$OUT/nodebugfs" \
		>"$OUT/excl-no.log" 2>&1
	rc_no=$?
	$EX build "malloc_test/$ver" -k "$abi" --kernelsourcedir "$OUT/withdebugfs" \
		>"$OUT/excl-with.log" 2>&1
	rc_with=$?
	if (( rc_no == 77 && rc_with != 77 && rc_with != 0 )) &&
			grep -q BUILD_EXCLUSIVE "$OUT/excl-no.log" &&
			! grep -q BUILD_EXCLUSIVE "$OUT/excl-with.log"; then
		pass "$desc"
	else
		fail "$desc"
		{
			echo "without CONFIG_DEBUG_FS: status $rc_no (77 expected)"
			tail -n 5 "$OUT/excl-no.log"
			echo "with CONFIG_DEBUG_FS: status $rc_with (a build error expected)"
			tail -n 5 "$OUT/excl-with.log"
		} | detail
	fi
	rm -rf "$OUT/excl"
fi

# 5. Each stock kernel boots with the module DKMS installed for it, and
# the guest loads, uses and unloads it.
for kv in "${kernels[@]}"; do
	ko=${kos[$kv]:-}
	if [[ -z $ko ]]; then
		skip "$kv: DKMS-built module in the guest" "not installed"
		continue
	fi
	# busybox insmod takes no compressed module.
	gko=$OUT/guest-$kv.ko
	case $ko in
	*.xz) xz -dc "$ko" >"$gko" ;;
	*.gz) gzip -dc "$ko" >"$gko" ;;
	*.zst) zstd -q -dc "$ko" >"$gko" ;;
	*) cp "$ko" "$gko" ;;
	esac
	out=$OUT/vm-$kv
	boot=("$VM" boot "$kv" --module "$gko" --script harness/dkms-guest.sh
		--tests "$OUT/empty" --out "$out" --timeout 180)
	[[ -z ${MT_VM_LOCK:-} ]] || boot=(flock "$MT_VM_LOCK" "${boot[@]}")
	"${boot[@]}" >"$OUT/boot-$kv.log" 2>&1
	rc=$?
	# A guest that died before its script said a word (TCG now and then
	# trips over the kernel patching its own code at boot, as bench.sh
	# says) lost nothing: boot it once more.
	if (( rc == 1 )) && [[ ! -s $out/results.txt ]]; then
		echo "# $kv: the guest died before its script started; booting once more"
		"${boot[@]}" >>"$OUT/boot-$kv.log" 2>&1
		rc=$?
	fi
	# The guest's own checks, prefixed with the kernel; the details of
	# failing ones.
	show=0
	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		"ok - "*)
			pass "$kv: DKMS-built module: ${line#ok - }"
			show=0 ;;
		"not ok - "*)
			fail "$kv: DKMS-built module: ${line#not ok - }"
			show=1 ;;
		"# "*)
			(( !show )) || echo "#   ${line#\# }" ;;
		esac
	done <"$out/results.txt"
	marker=$(tr -d '\r' <"$out/results.txt" | grep -a '^MT-GUEST-DONE rc=' | tail -n 1)
	if (( rc == 0 )) && [[ $marker == "MT-GUEST-DONE rc=0" ]]; then
		pass "$kv: DKMS-built module: guest completed"
	else
		fail "$kv: DKMS-built module: guest completed"
		{
			echo "boot status $rc, ${marker:-no MT-GUEST-DONE marker}"
			tail -n 20 "$OUT/boot-$kv.log"
		} | detail
	fi
	if [[ ! -s $out/dmesg.txt && ! -s $out/console.log ]]; then
		fail "$kv: DKMS-built module: kernel log clean"
		echo "no kernel log in $out" | detail
	elif (( $(cat "$out/dmesg.txt" "$out/console.log" | tr -d '\r' |
		grep -acE "$LOG_BAD") > 0 )); then
		fail "$kv: DKMS-built module: kernel log clean"
		cat "$out/dmesg.txt" "$out/console.log" | tr -d '\r' |
			grep -aE -B3 -A15 "$LOG_BAD" | head -n 60 | detail
	else
		pass "$kv: DKMS-built module: kernel log clean"
	fi
done

# 6. make dkms-uninstall: out of DKMS, off every kernel, sources gone.
desc="make dkms-uninstall removes the module from DKMS, every kernel and the source tree"
make_dkms dkms-uninstall >"$OUT/dkms-uninstall.log" 2>&1
rc=$?
st=$($DKMS status 2>/dev/null)
left=$(find "$dtree" "$src" "$root" -name '*malloc_test*' 2>/dev/null)
if (( rc == 0 )) && [[ -z $st && -z $left ]]; then
	pass "$desc"
else
	fail "$desc"
	{
		echo "make dkms-uninstall: status $rc; dkms status: '$st'"
		[[ -z $left ]] || echo "left: $left"
		tail -n 20 "$OUT/dkms-uninstall.log"
	} | detail
fi

desc="the host's /usr/src, /var/lib/dkms and /lib/modules are as they were"
host_after=$(host_state)
if [[ $host_before == "$host_after" ]]; then
	pass "$desc"
else
	fail "$desc"
	diff <(echo "$host_before") <(echo "$host_after") | detail
fi

# dkms removes its temporary files itself, unless a caller cuts it short
# (a pipe closed early kills it before its rm).
desc="dkms left no temporary file (its TMPDIR is empty)"
left=$(find "$dtmp" -mindepth 1 2>/dev/null)
if [[ -d $dtmp && -z $left ]]; then
	pass "$desc"
else
	fail "$desc"
	{
		[[ -d $dtmp ]] || echo "no $dtmp"
		for f in $left; do
			echo "$f: $(head -c 200 "$f" 2>/dev/null | tr '\n' ' ')"
		done
	} | detail
fi

exit "$failed"
