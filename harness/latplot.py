#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""latplot.py --out PLOTDIR DIR - latency CDFs of the bench rows, by gnuplot.

DIR is either make compare's directory (side-A.txt ..., the boots in
A-1/, B-1/, ...) or one make bench boot's (DIR/results.txt).  For every
bench row (t.ALLOC.SIZE.PATTERN) it draws one picture, ROW.svg and
ROW.png in PLOTDIR: the cumulative distribution of the allocator calls'
latency, allocations solid and frees dashed, one colour per kernel, the
x axis in nanoseconds on a log scale.  The figures are the buckets of the
module's bench_latency histograms (harness/bench-guest.sh prints them as
"TAG alloc bucket LO HI N"), every round of a side added together; a
bucket's count is put at its upper bound (HI, exclusive), so each curve
is exact at the bucket bounds, which are a quarter of a power of two
apart.  Needs gnuplot (Debian: gnuplot-nox).
"""

import os
import re
import subprocess
import sys

COLOURS = {"A": "#1f5fbf", "B": "#d0402a", "C": "#2a9d3a", "": "#1f5fbf"}
TOP_BUCKET = (1 << 64) - 1


def buckets(path):
    """{tag: {hist: {lo: [hi, n]}}} of one results.txt."""
    out = {}
    pat = re.compile(r"^(t\.[A-Za-z0-9_.]+) (alloc|free) bucket "
                     r"([0-9]+) ([0-9]+) ([0-9]+)\r?$")
    with open(path, errors="replace") as f:
        for line in f:
            m = pat.match(line)
            if not m:
                continue
            tag, hist, lo, hi, n = m.groups()
            b = out.setdefault(tag, {}).setdefault(hist, {})
            lo, hi = int(lo), int(hi)
            if hi == TOP_BUCKET:
                hi = 2 * max(lo, 1)
            b.setdefault(lo, [hi, 0])[1] += int(n)
    return out


def merge(into, more):
    for tag, hists in more.items():
        for hist, bs in hists.items():
            t = into.setdefault(tag, {}).setdefault(hist, {})
            for lo, (hi, n) in bs.items():
                t.setdefault(lo, [hi, 0])[1] += n


def sides_of(d):
    """[(side letter, label, pooled buckets, boots)] of DIR."""
    if os.path.exists(os.path.join(d, "results.txt")):
        return [("", os.path.basename(os.path.normpath(d)),
                 buckets(os.path.join(d, "results.txt")), 1)]
    out = []
    for s in "ABC":
        meta = os.path.join(d, "side-%s.txt" % s)
        if not os.path.exists(meta):
            continue
        kv = dict(line.rstrip("\n").split(": ", 1) for line in open(meta)
                  if ": " in line)
        label = "%s: %s%s" % (s, kv.get("spec", "?"),
                              " " + kv["append"] if kv.get("append") else "")
        pooled, n = {}, 0
        for e in sorted(os.listdir(d)):
            p = os.path.join(d, e, "results.txt")
            if re.match(r"^%s-[0-9]+$" % s, e) and os.path.exists(p):
                merge(pooled, buckets(p))
                n += 1
        out.append((s, label, pooled, n))
    return out


def cdf_points(bs):
    """(x, F) points: each bucket's lower bound with the fraction below
    it, its upper bound with the fraction at or below: flat across empty
    buckets, a straight line within each."""
    total = sum(n for _, n in bs.values())
    if not total:
        return []
    pts, acc = [], 0
    for lo in sorted(bs):
        hi, n = bs[lo]
        pts.append((max(lo, 1), acc / total))
        acc += n
        pts.append((hi, acc / total))
    return pts


def size_label(s):
    n = {"k": 1 << 10, "m": 1 << 20}.get(s[-1:], 1)
    v = int(s[:-1]) if n > 1 else int(s)
    return "%d %s" % (v, {1: "B", 1024: "KiB", 1 << 20: "MiB"}[n])


def q(s):
    """A gnuplot string literal."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    args = sys.argv[1:]
    if len(args) != 3 or args[0] != "--out":
        sys.exit("usage: latplot.py --out PLOTDIR DIR")
    out, d = args[1], args[2]
    sides = sides_of(d)
    tags = []
    for _, _, pooled, _ in sides:
        tags += [t for t in pooled if t not in tags]
    if not tags:
        print("latplot.py: no latency buckets in %s (an older "
              "bench-guest.sh?): no pictures" % d)
        return 0
    os.makedirs(out, exist_ok=True)
    script = []
    made = []
    for tag in tags:
        _, alloc, size, pattern = tag.split(".")
        row = "%s-%s-%s" % (alloc, size, pattern)
        plots, xmin, xmax = [], None, 1
        for s, label, pooled, n in sides:
            for hist, dash in (("alloc", 1), ("free", 2)):
                pts = cdf_points(pooled.get(tag, {}).get(hist, {}))
                if not pts:
                    continue
                dat = os.path.join(out, "%s.%s%s.dat" % (row, s or "x",
                                                        hist))
                with open(dat, "w") as f:
                    f.write("# ns  fraction <= ns  (%s, %s, %d boot(s))\n"
                            % (label, hist, n))
                    f.writelines("%d %.6f\n" % p for p in pts)
                xmin = min(xmin or pts[0][0], pts[0][0])
                xmax = max(xmax, next(x for x, y in pts if y >= 0.999))
                plots.append("%s using 1:2 with lines lw 2 dt %d lc rgb %s "
                             "title %s" % (q(dat), dash, q(COLOURS[s]),
                                           q("%s, %s" % (label, hist))))
        if not plots:
            continue
        title = "%s %s %s: latency of the allocator's calls, CDF" % (
            alloc, size_label(size), pattern)
        # the far tail (a preemption, an interrupt) would squash the
        # curves: the x axis stops past the slowest curve's p99.9
        rng = "set xrange [%g:%g]" % (xmin / 1.3, xmax * 1.5)
        for term, ext in (("svg size 720,450 dynamic font 'sans,11'", "svg"),
                          ("pngcairo size 720,450 font 'sans,10'", "png")):
            script += ["set terminal " + term,
                       "set output " + q(os.path.join(out, row + "." + ext)),
                       "set title " + q(title) + " noenhanced", rng,
                       "plot " + ", \\\n  ".join(plots)]
        made.append(row)
    head = ["set logscale x 10", "set format x '10^{%L}'",
            "set xlabel 'nanoseconds (log scale; cut past the p99.9)'",
            "set ylabel 'fraction of timed calls <= x'",
            "set key noenhanced",
            "set yrange [0:1]", "set grid", "set key bottom right",
            "set mxtics 10"]
    gp = os.path.join(out, "plots.gp")
    with open(gp, "w") as f:
        f.write("\n".join(head + script) + "\n")
    r = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    if r.returncode:
        sys.stderr.write(r.stderr[-2000:])
        return 1
    print("latency CDFs: %d pictures, %s/{%s}.{svg,png}" % (
        len(made), out.rstrip("/"), ",".join(made[:2]) + ",..."
        if len(made) > 2 else ",".join(made)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
