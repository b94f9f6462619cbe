#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The newest kernel source Debian ships, in any suite that deb.debian.org
# serves: which one it is, and its tarball, downloaded once and verified.
# harness/compat.sh compiles the module against it, harness/debug-kernel.sh
# builds the debug kernel from it.
#
# The suites' indexes are read directly (the host's apt sources are never
# touched): each InRelease is checked with gpgv against Debian's archive
# keyring, the Packages index against InRelease's SHA256, the .deb against
# the index's SHA256.  The linux-source-X.Y with the highest version wins.
#
# Exit status: 0 done; 1 something else is wrong (tools missing, no such
# package); 2 the mirror or the download could not be had; 3 what came
# is not what the archive signed (a bad signature, a checksum mismatch).
# Why goes to stderr, one line.
set -uo pipefail

readonly MIRROR=${MT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Oldest first: on equal versions the more stable suite is named.
readonly SUITES=(bookworm bookworm-backports trixie trixie-backports forky sid experimental)
readonly KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
readonly CACHE=${MT_CACHE:-/var/cache/malloc_test}
readonly INDEX=$CACHE/compat-index
readonly SOURCES=$CACHE/source
readonly PKGS=(curl gpgv debian-archive-keyring xz-utils)
export DEBIAN_FRONTEND=noninteractive

usage() {
	cat <<EOF
Usage: ${0##*/} COMMAND

Commands:
  newest          print "SUITE PACKAGE VERSION" of the newest linux-source-X.Y
  list            print every linux-source-X.Y of the suites, newest first, one
                  a line: "SUITE PACKAGE VERSION FILENAME SHA256 SIZE"; before
                  them, "# ..." lines say what each suite gave (exit 3 when
                  one had a bad signature: it is left out)
  tarball [PACKAGE VERSION]
                  print the path of a verified linux-source-X.Y.tar.xz of the
                  newest package (or of PACKAGE VERSION): downloaded once into
                  \$MT_CACHE/source/VERSION/, then read from there with no
                  network

Suites: ${SUITES[*]}
of $MIRROR (MT_DEBIAN_MIRROR).  Exit status: 0 done; 1 tools missing or
no such package; 2 the mirror or the download could not be had; 3 what
came is not what the archive signed.  Installs what it lacks with apt-get
(${PKGS[*]}); MT_APT_UPDATED=1 when apt-get update has been run already.
Environment: MT_CACHE (default /var/cache/malloc_test).
EOF
}

say() { echo "kernel-source.sh: $*" >&2; }

installed() {
	[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == ii* ]]
}

ensure_packages() {
	local p missing=()
	for p in "${PKGS[@]}"; do
		installed "$p" || missing+=("$p")
	done
	(( ${#missing[@]} )) || return 0
	if (( EUID != 0 )); then
		say "missing ${missing[*]}: run as root, or install them"
		return 1
	fi
	mkdir -p "$CACHE"
	if [[ ${MT_APT_UPDATED:-0} != 1 ]]; then
		apt-get -q update >"$CACHE/source-apt-update.log" 2>&1 ||
			say "apt-get update reported errors (ignored)"
	fi
	if ! apt-get -y -q --no-install-recommends install "${missing[@]}" \
			>"$CACHE/source-apt-install.log" 2>&1; then
		say "apt-get install ${missing[*]} failed (see $CACHE/source-apt-install.log)"
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
# SHA256 SIZE", newest first), NOTES (what each suite gave) and BADSIG.
# Fails when no suite could be read at all.
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

# find_sources, failing with why on stderr when nothing can be had.
read_suites() {
	ensure_packages || return 1
	if ! find_sources; then
		say "$MIRROR cannot be reached"
		return 2
	fi
	if (( ${#CANDIDATES[@]} == 0 )); then
		say "no suite of $MIRROR lists a verifiable linux-source package"
		(( BADSIG )) && return 3
		return 2
	fi
}

# A version as a file name.
ver_dir() { echo "$SOURCES/${1//[^A-Za-z0-9.+-]/_}"; }

# Download, verify and unpack the candidate's .deb: its tarball is kept,
# the rest dropped.  Locked, so that two runs download it once.
download() {	# SUITE PACKAGE VERSION FILENAME SHA256 SIZE
	local pkg=$2 ver=$3 path=$4 sha=$5 dir deb tarball
	dir=$(ver_dir "$ver")
	tarball=$dir/$pkg.tar.xz
	mkdir -p "$dir"
	exec 7>"$dir/lock"
	flock 7
	if [[ -f $dir/ok && -s $tarball ]]; then
		exec 7>&-
		return 0
	fi
	rm -f "$dir/ok" "$tarball"
	deb=$dir/${path##*/}
	say "downloading $pkg $ver ($(( ${6:-0} / 1048576 )) MiB) from $MIRROR"
	if ! fetch "$MIRROR/$path" "$deb"; then
		say "download of $MIRROR/$path failed"
		return 2
	fi
	if ! sha256sum -c --status <<<"$sha  $deb"; then
		say "$deb: SHA256 $(sha256sum <"$deb" | cut -c1-64), the index says $sha"
		rm -f "$deb"
		return 3
	fi
	if ! dpkg-deb --fsys-tarfile "$deb" |
			tar -xO --wildcards "./usr/src/$pkg.tar.xz" >"$tarball.tmp"; then
		say "$deb has no usr/src/$pkg.tar.xz"
		rm -f "$deb" "$tarball.tmp"
		return 1
	fi
	mv "$tarball.tmp" "$tarball"
	rm -f "$deb"
	printf '%s\n' "$pkg $ver $sha" >"$dir/ok"
	exec 7>&-
	# Tarballs not asked for in two weeks are of no more use.
	find "$SOURCES" -mindepth 1 -maxdepth 1 -type d -mtime +14 \
		-exec rm -rf {} + 2>/dev/null
	return 0
}

# Print the tarball of PACKAGE VERSION (default: the newest), downloading
# it unless the cache has it.
tarball() {	# [PACKAGE VERSION]
	local want_pkg=${1:-} want_ver=${2:-} dir line fields=() rc
	if [[ -n $want_ver ]]; then
		dir=$(ver_dir "$want_ver")
		if [[ -f $dir/ok && -s $dir/$want_pkg.tar.xz ]]; then
			touch "$dir"
			echo "$dir/$want_pkg.tar.xz"
			return 0
		fi
	fi
	read_suites || return
	for line in "${CANDIDATES[@]}"; do
		read -ra fields <<<"$line"
		[[ -z $want_ver || ${fields[1]} == "$want_pkg" && ${fields[2]} == "$want_ver" ]] &&
			break
		fields=()
	done
	if (( ${#fields[@]} == 0 )); then
		say "no suite of $MIRROR lists $want_pkg $want_ver"
		return 1
	fi
	download "${fields[@]}"
	rc=$?
	(( rc == 0 )) || return "$rc"
	dir=$(ver_dir "${fields[2]}")
	touch "$dir"
	echo "$dir/${fields[1]}.tar.xz"
}

main() {
	local s pkg ver rc
	case ${1:-} in
	newest)
		read_suites || exit
		read -r s pkg ver _ <<<"${CANDIDATES[0]}"
		echo "$s $pkg $ver"
		;;
	list)
		ensure_packages || exit 1
		if ! find_sources; then
			say "$MIRROR cannot be reached"
			exit 2
		fi
		printf '# %s\n' "${NOTES[@]}"
		(( ${#CANDIDATES[@]} == 0 )) || printf '%s\n' "${CANDIDATES[@]}"
		(( BADSIG == 0 )) || exit 3
		;;
	tarball)
		(( $# == 1 || $# == 3 )) || { usage >&2; exit 1; }
		tarball "${@:2}"
		rc=$?
		exit "$rc"
		;;
	-h|--help|help) usage ;;
	*) usage >&2; exit 1 ;;
	esac
}

main "$@"
