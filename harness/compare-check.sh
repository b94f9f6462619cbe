#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: harness/compare-check.sh KERNEL [DIR]
#
# make check's test of make compare (harness/compare.sh), in guests of
# KERNEL: does the table see a change that is there, and not one that is
# not?  One run of three sides, ROUNDS=5 boots each, alternating A, B, C:
#   A  KERNEL
#   B  KERNEL with slub_debug=FZPU: every slab object checked, poisoned,
#      red-zoned and its owner tracked on each allocation and free, a
#      slowdown of several times on the slab rows
#   C  KERNEL again, nothing added: A against itself
# B against A must show every kmalloc row as a significant change upward;
# C against A must show "~" (no significant change) on all rows but one
# at most (each interval has 96.8 % coverage: a row or two of a hundred
# runs may miss).  The A rounds serve both comparisons: each is still
# made of boots that alternate with its own, under the same host, so the
# intervals stay honest, and the run costs 15 boots instead of 20.
# The bench set is tiny (four pair rows, a time limit of 1 s a phase):
# 15 boots of 9 to 15 s each, about 3 minutes on a 2-CPU host (176 and
# 183 s, with another engineer's guests and builds beside it).
# Then compare.sh --from must print the same table again, and the
# pictures must be there (unless gnuplot could not be had).
#
# Prints KTAP-style lines ("ok - ...", "not ok - ...", "# ..."); exits 0
# when all passed.
set -uo pipefail

HARNESS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HARNESS/.." && pwd)
readonly HARNESS TOP
ver=${1:?usage: compare-check.sh KERNEL [DIR]}
dir=${2:-$TOP/build/compare-check}
failed=0
ok() { echo "ok - compare: $1"; }
nok() { echo "not ok - compare: $1"; failed=1; }

rows=kmalloc.64.pair,kmalloc.4k.pair,cache.64.pair,percpu.64.pair
start=$SECONDS
MT_BENCH_ROWS=$rows MT_BENCH_TIME=1 MT_BENCH_ROUNDS=0 MT_BENCH_SCALE=0 \
	"$HARNESS/compare.sh" A="$ver" B="$ver" C="$ver" APPEND_B=slub_debug=FZPU \
	ROUNDS=5 OUT="$dir" TIMEOUT=300 >"$dir.log" 2>&1
rc=$?
echo "# $((SECONDS - start)) s; the table in ${dir#"$TOP"/}/compare.txt:"
sed 's/^/#   /' "$dir/compare.txt" 2>/dev/null
if (( rc != 0 )) || [[ ! -s $dir/compare.json ]]; then
	nok "compare.sh A=$ver B=$ver C=$ver ran (status $rc)"
	tail -n 20 "$dir.log" | sed 's/^/# /'
	exit 1
fi
ok "compare.sh A=$ver B=$ver APPEND_B=slub_debug=FZPU C=$ver: 15 boots, a table"

# The verdicts, from compare.json: one line each, "OK|FAIL what".
verdicts=$(python3 - "$dir/compare.json" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1]))
comps = {c["other"]: c["rows"] for c in data["comparisons"]}
def show(r):
    ci = r["ci_pct"] and "[%+.1f%%, %+.1f%%]" % tuple(r["ci_pct"])
    return "%s %s %s %s" % (r["bench"], "%+.1f%%" % r["change_pct"]
                            if r["change_pct"] is not None else "-", ci,
                            r["flags"])
slow = [r for r in comps["B"] if r["bench"].startswith("kmalloc.")]
bad = [r for r in slow if not (r["significant"] and r["ci_pct"][0] > 0)]
print("%s slub_debug=FZPU: every kmalloc row significantly slower (%s)" % (
    "FAIL" if bad or not slow else "OK", "; ".join(map(show, slow))))
same = comps["C"]
moved = [r for r in same if r["significant"] is not False]
print("%s A against A: '~' on all rows but one at most (%d of %d moved%s)" % (
    "FAIL" if len(moved) > 1 or not same else "OK", len(moved), len(same),
    ": " + "; ".join(map(show, moved)) if moved else ""))
EOF
)
[[ -n $verdicts ]] || nok "compare.json could be read"
while IFS= read -r line; do
	case $line in
	OK\ *) ok "${line#OK }" ;;
	?*) nok "${line#FAIL }" ;;
	esac
done <<<"$verdicts"

cp "$dir/compare.txt" "$dir.first.txt"
if "$HARNESS/compare.sh" --from "$dir" >/dev/null 2>&1 &&
		cmp -s "$dir/compare.txt" "$dir.first.txt"; then
	ok "compare.sh --from prints the same table again"
else
	nok "compare.sh --from prints the same table again"
	diff "$dir.first.txt" "$dir/compare.txt" | head -n 10 | sed 's/^/# /'
fi
if ! command -v gnuplot >/dev/null; then
	echo "ok - compare: latency pictures # SKIP gnuplot is not installed"
elif [[ -s $dir/plots/kmalloc-64-pair.svg && -s $dir/plots/kmalloc-64-pair.png ]]; then
	ok "latency pictures (plots/kmalloc-64-pair.svg, .png, ...)"
else
	nok "latency pictures (plots/kmalloc-64-pair.svg, .png)"
fi
exit $failed
