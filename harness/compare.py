#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""compare.py DIR - make compare's table, from the boots in DIR.

harness/compare.sh leaves in DIR: host.txt and side-A.txt, side-B.txt
(side-C.txt) ("key: value" lines: the host, the kernels, their extra
command line and description), boots.txt (each boot's side, round and
status), and A-1/results.txt, B-1/results.txt, ... (harness/bench-guest.sh's
raw "TAG key: value" figures, one directory a boot).  This prints the
table and writes it to DIR/compare.txt, and the same data to
DIR/compare.json.  Documentation/compare.rst explains every line; the
statistics are harness/mtstats.py's.
"""

import json
import os
import re
import sys
import textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mtstats  # noqa: E402

CV_LIMIT = 0.10         # a side's rounds spread more than this: flag v
WIDTH = 100             # the table's lines stay within this


def read_kv(path):
    """A file of "key: value" lines as a list of (key, value)."""
    out = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                k, sep, v = line.rstrip("\r\n").partition(": ")
                if sep:
                    out.append((k, v))
    except OSError:
        pass
    return out


def read_results(path):
    """A boot's results.txt: ({tag: {key: value}}, rows in order)."""
    figs, rows = {}, []
    pat = re.compile(r"^([A-Za-z0-9_.]+) ([A-Za-z0-9_]+): ?(.*)$")
    with open(path, errors="replace") as f:
        for line in f:
            m = pat.match(line.rstrip("\r\n"))
            if not m:
                continue
            tag, key, val = m.groups()
            if tag not in figs:
                figs[tag] = {}
                if tag.startswith("t."):
                    rows.append(tag)
            figs[tag][key] = val
    return figs, rows


def load(d):
    """Everything compare.sh left in d, as one dict."""
    host = dict(read_kv(os.path.join(d, "host.txt")))
    sides = {}
    for s in "ABC":
        kv = read_kv(os.path.join(d, "side-%s.txt" % s))
        if not kv:
            continue
        side = {"spec": "", "name": "", "append": "", "describe": [],
                "boots": []}
        for k, v in kv:
            if k == "describe":
                side["describe"].append(v)
            else:
                side[k] = v
        sides[s] = side
    if "A" not in sides or len(sides) < 2:
        sys.exit("compare.py: no side-A.txt and side-B.txt in %s" % d)
    status = {}
    try:
        with open(os.path.join(d, "boots.txt")) as f:
            for line in f:
                w = line.split()
                if len(w) >= 3:
                    status[(w[0], int(w[1]))] = w[2]
    except OSError:
        pass
    rows = []
    for s, side in sides.items():
        rounds = sorted(int(m.group(1)) for m in
                        (re.match(r"^%s-([0-9]+)$" % s, e)
                         for e in os.listdir(d)) if m)
        for r in rounds:
            path = os.path.join(d, "%s-%d" % (s, r), "results.txt")
            boot = {"round": r, "status": status.get((s, r), "?"),
                    "figs": {}}
            if os.path.exists(path):
                boot["figs"], order = read_results(path)
                rows += [t for t in order if t not in rows]
            side["boots"].append(boot)
    return {"dir": d, "host": host, "sides": sides, "rows": rows}


def side_row(side, tag):
    """One side's figures of one bench row, over its rounds."""
    ns, flags, why = [], set(), []
    held, slab, free = [], [], []
    for boot in side["boots"]:
        f = boot["figs"].get(tag)
        if not f or f.get("state") != "done" or not f.get("ns_per_op"):
            flags.add("m")
            why.append("round %d: %s" % (boot["round"], (f or {}).get(
                "state", "no figures") + (": " + f["reason"] if f and
                                          f.get("reason") else "")))
            continue
        ns.append(int(f["ns_per_op"]))
        # a batch's peak: the kernel's Slab rise and MemFree drop, over held
        h = int(f.get("peak_held_bytes") or 0)
        if h:
            held.append(h)
            slab.append(int(f.get("peak_slab_bytes") or 0) / h)
            free.append(int(f.get("peak_free_drop_bytes") or 0) / h)
        if f.get("end") == "time":
            flags.add("t")
        if f.get("errors", "0") != "0":
            flags.add("e")
    cv = mtstats.cv(ns)
    if cv is not None and cv > CV_LIMIT:
        flags.add("v")
    first = next((b["figs"][tag] for b in side["boots"]
                  if tag in b["figs"]), {})
    return {"ns_per_op": ns, "median": mtstats.median(ns) if ns else None,
            "cv": cv, "flags": "".join(sorted(flags)), "missing": why,
            "alloc": first.get("alloc"), "size": first.get("size"),
            "pattern": first.get("pattern"), "sample": first.get("sample"),
            "peak_held_bytes": mtstats.median(held) if held else None,
            "slab_over_held": mtstats.median(slab) if slab else None,
            "free_over_held": mtstats.median(free) if free else None}


def compare_sides(data, base, other):
    """The rows of one comparison: other's figures against base's."""
    out = []
    for tag in data["rows"]:
        a = side_row(data["sides"][base], tag)
        b = side_row(data["sides"][other], tag)
        row = {"bench": tag[2:], base: a, other: b, "change_pct": None,
               "ci_pct": None, "coverage": None, "significant": None,
               "note": ""}
        try:
            row.update(mtstats.compare(a["ns_per_op"], b["ns_per_op"]))
        except ValueError as e:
            row["note"] = str(e)
        flags = []
        for letter in "tevm":
            who = "".join(s for s, x in ((base, a), (other, b))
                          if letter in x["flags"])
            if who:
                flags.append(letter + who)
        row["flags"] = " ".join(flags)
        out.append(row)
    return out


def size_label(s):
    if s is None:
        return "?"
    n = int(s)
    for unit, shift in (("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return "%d %s" % (n >> shift, unit)
    return "%d B" % n


def fmt_pct(x):
    """A change in percent, in 8 columns at most: +4.2%, +123%, +4679%."""
    if abs(x) < 99.95:
        return "%+.1f%%" % x
    return "%+.0f%%" % x if abs(x) < 99999.5 else "%+.0e%%" % x


def wrap(prefix, text, indent):
    return textwrap.wrap(text, WIDTH, initial_indent=prefix,
                         subsequent_indent=" " * indent,
                         break_on_hyphens=False) or [prefix.rstrip()]


def guest_lines(side):
    """What the guest said of its kernel (the first boot with figures)."""
    sysf = next((b["figs"]["sys"] for b in side["boots"]
                 if "sys" in b["figs"]), {})
    out = []
    cmd = sysf.get("cmdline", "")
    sd = [w for w in cmd.split() if w.startswith(("slub_debug", "init_on_",
                                                 "numa", "preempt="))]
    out.append("boot: %s; slub_debug= %s; mem auto-init: %s" % (
        sysf.get("kernel", "?"),
        " ".join(w.split("=", 1)[1] for w in sd
                 if w.startswith("slub_debug")) or "(none)",
        sysf.get("mem_auto_init", "?")))
    if not side["describe"] and sysf.get("version"):
        out.append("built: " + re.sub(r"^Linux version \S+ \([^)]*\) ", "",
                                      sysf["version"]))
    return out, sysf


def table(data, comps):
    """The report's lines."""
    host, sides = data["host"], data["sides"]
    L = []
    L.append("malloc_test compare  %s  module %s" % (
        host.get("date", "?"), host.get("module", "?")))
    L += wrap("host:  ", "%s; %s" % (host.get("cpu", "?"),
                                     host.get("qemu", "?")), 7)
    L.append("       load average %s at the start, %s at the end; "
             "boots %s s in all" % (host.get("load_start", "?"),
                                    host.get("load_end", "?"),
                                    host.get("boots_s", "?")))
    order = host.get("order", " ".join(sides))
    L.append("rounds: %s boots of each, alternating %s, %s, ..." % (
        host.get("rounds", "?"), ", ".join(order.split()), order.split()[0]))
    sysf = {}
    for s, side in sides.items():
        L.append("")
        L += wrap("%s: " % s, "%s%s" % (side["spec"], " (build/%s)" % side[
            "name"] if side["name"] != side["spec"] else ""), 3)
        if side["append"]:
            L += wrap("   ", "extra command line: " + side["append"], 5)
        for d in side["describe"]:
            L += wrap("   ", d, 5)
        gl, sysf[s] = guest_lines(side)
        for g in gl:
            L += wrap("   ", g, 5)
    first = next(iter(sysf.values()), {})
    L.append("")
    L += textwrap.wrap(
        "Benches: one thread on CPU %s, time limit %s s a phase.  ns/op: "
        "the median of each kernel's rounds; change: the Hodges-Lehmann "
        "shift of log(ns/op) from A's rounds to the other kernel's, as a "
        "ratio; 95%% CI: its distribution-free (Mann-Whitney) interval, "
        "coverage below; ~: the interval holds 0, no change shown." % (
            first.get("bench_cpu", "?"), first.get("time_limit_s", "?")),
        WIDTH - 8)
    for base, other, rows in comps:
        L.append("")
        L.append("%s against %s" % (other, base))
        L.append("")
        head = "%-8s %-7s %-5s %11s %11s %8s  %-19s %s" % (
            "alloc", "size", "patt.", base + " ns/op", other + " ns/op",
            "change", "95% CI", "flags")
        L.append(head.rstrip())
        covs = set()
        for r in rows:
            a, b = r[base], r[other]
            if r["change_pct"] is None:
                ch, ci = "-", "(%s)" % ("too few rounds" if "few" in
                                        r["note"] else "no figures")
            else:
                covs.add(round(100 * r["coverage"], 1))
                lo, hi = r["ci_pct"]
                ch = fmt_pct(r["change_pct"]) if r["significant"] else "~"
                ci = "[%s, %s]" % (fmt_pct(lo), fmt_pct(hi))
            line = "%-8s %-7s %-5s %11s %11s %8s  %-19s %s" % (
                a["alloc"] or r["bench"].split(".")[0],
                size_label(a["size"]), (a["pattern"] or "?")[:5],
                "%.0f" % a["median"] if a["median"] is not None else "-",
                "%.0f" % b["median"] if b["median"] is not None else "-",
                ch, ci, r["flags"])
            L.append(line.rstrip())
        L.append("")
        L.append("CI coverage: %s (%d and %d rounds: the interval's rank "
                 "in the m*n differences" % (
                     ", ".join("%.1f %%" % c for c in sorted(covs)) or "-",
                     len(sides[base]["boots"]), len(sides[other]["boots"])))
        L.append("from the exact Mann-Whitney U distribution, at least 95 %).")
        peaks = [r for r in rows if r[base]["peak_held_bytes"] or
                 r[other]["peak_held_bytes"]]
        if peaks:
            L.append("")
            L.append("Footprint at each batch's peak: Slab's rise and MemFree's "
                     "drop over what was held")
            L.append("(medians of the rounds; 1.00: the chunks' bytes alone).")
            L.append("")
            L.append("%-8s %-7s %10s %9s %9s %9s %9s" % (
                "alloc", "size", "held KiB", base + " slab", other + " slab",
                base + " free", other + " free"))

            def f2(x):
                return "%.2f" % x if x is not None else "-"
            for r in peaks:
                a, b = r[base], r[other]
                h = a["peak_held_bytes"] or b["peak_held_bytes"]
                L.append("%-8s %-7s %10d %9s %9s %9s %9s" % (
                    a["alloc"] or r["bench"].split(".")[0],
                    size_label(a["size"]), h // 1024,
                    f2(a["slab_over_held"]), f2(b["slab_over_held"]),
                    f2(a["free_over_held"]), f2(b["free_over_held"])))
            L.append("")
    L.append("flags (then the sides): t cut by its time limit in a round, "
             "ns/op of fewer ops;")
    L.append("  e failed allocations; v coefficient of variation over the "
             "rounds above %d %%;" % (100 * CV_LIMIT))
    L.append("  m a round without figures (refused, stuck, or its boot "
             "failed: see boots below).")
    bad = [(s, b) for s, side in sides.items() for b in side["boots"]
           if b["status"] not in ("rc=0", "?")]
    for s, b in bad:
        L.append("boot %s-%d failed (%s): %s/%s-%d.log" % (
            s, b["round"], b["status"], data["dir"], s, b["round"]))
    L.append("(raw figures: %s/[%s]-N/results.txt; compare.json beside "
             "them)" % (data["dir"], "".join(sides)))
    return L


def main():
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        sys.exit("usage: compare.py DIR")
    d = os.path.abspath(sys.argv[1])
    data = load(d)
    others = [s for s in data["sides"] if s != "A"]
    comps = [("A", s, compare_sides(data, "A", s)) for s in others]
    lines = table(data, comps)
    top = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    shown = d[len(top) + 1:] if d.startswith(top + "/") else d
    lines = [x.replace(d, shown) for x in lines]
    text = "\n".join(lines) + "\n"
    too_wide = [x for x in lines if len(x) > WIDTH or not x.isascii()]
    if too_wide:
        text += "(compare.py: %d lines wider than %d or not ASCII)\n" % (
            len(too_wide), WIDTH)
    with open(os.path.join(d, "compare.txt"), "w") as f:
        f.write(text)
    out = {"host": data["host"],
           "sides": {s: {k: v for k, v in side.items() if k != "boots"} |
                     {"rounds": [b["round"] for b in side["boots"]],
                      "boot_status": [b["status"] for b in side["boots"]]}
                     for s, side in data["sides"].items()},
           "cv_limit": CV_LIMIT,
           "comparisons": [{"base": b, "other": o, "rows": rows}
                           for b, o, rows in comps]}
    with open(os.path.join(d, "compare.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
