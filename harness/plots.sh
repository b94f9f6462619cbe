#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# plots.sh PLOTDIR DIR - the latency CDFs of make bench (DIR: one boot's
# directory, DIR/results.txt) or make compare (DIR: its directory of
# boots), one SVG and one PNG per bench row in PLOTDIR, drawn by
# harness/latplot.py with gnuplot.  gnuplot-nox is installed with apt-get
# when it is missing, as harness/vm.sh installs what it needs; where that
# cannot be done (not root, no network) it says so and exits 0: the tables
# do not need the pictures.
set -uo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HARNESS
(( $# == 2 )) || { echo "usage: ${0##*/} PLOTDIR DIR" >&2; exit 2; }
plots=$1 dir=$2
log=${TMPDIR:-/tmp}/mt-apt-gnuplot.log

if ! command -v gnuplot >/dev/null; then
	if (( EUID == 0 )) && command -v apt-get >/dev/null; then
		echo "plots.sh: installing gnuplot-nox for the latency pictures" >&2
		export DEBIAN_FRONTEND=noninteractive
		apt-get -y -q --no-install-recommends install gnuplot-nox >"$log" 2>&1 ||
			{ apt-get -q update >>"$log" 2>&1 &&
			  apt-get -y -q --no-install-recommends install gnuplot-nox >>"$log" 2>&1; }
	fi
	if ! command -v gnuplot >/dev/null; then
		echo "No latency pictures: gnuplot is missing and could not be installed"
		echo "(apt-get install gnuplot-nox as root; then: ${0#"$PWD"/} $plots $dir)"
		exit 0
	fi
fi
rm -rf "$plots"
python3 "$HARNESS/latplot.py" --out "$plots" "$dir"
