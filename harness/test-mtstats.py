#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""test-mtstats - make compare's statistics (harness/mtstats.py) against
answers worked out by hand or taken from the published Mann-Whitney
tables.  Prints KTAP-style lines ("ok - ...", "not ok - ..."), as
harness/check.sh's host steps read them; exits 0 when all pass.
"""

import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mtstats  # noqa: E402

failed = 0


def check(desc, cond, why=""):
    global failed
    if cond:
        print("ok - stats: " + desc)
    else:
        failed = 1
        print("not ok - stats: " + desc)
        if why:
            print("# " + why)


def close(x, y, eps=1e-9):
    return abs(x - y) <= eps


# U's null distribution, counted: 2 and 2 rounds give the orderings
# AABB (U=4), ABAB (3), ABBA and BAAB (2), BABA (1), BBAA (0).
check("U distribution of 2 and 2 is 1 1 2 1 1",
      mtstats.u_counts(2, 2) == (1, 1, 2, 1, 1), str(mtstats.u_counts(2, 2)))
ok = all(sum(mtstats.u_counts(m, n)) == math.comb(m + n, m) and
         mtstats.u_counts(m, n) == mtstats.u_counts(m, n)[::-1] and
         mtstats.u_counts(m, n) == mtstats.u_counts(n, m)
         for m in range(1, 9) for n in range(1, 9))
check("U distribution sums to C(m+n, m), symmetric, for m, n <= 8", ok)

# 5 and 5: P(U <= 2) = (1 + 1 + 2) / 252; P(U <= 3) = 7 / 252 is too much.
c, cov = mtstats.critical(5, 5)
check("5 and 5 rounds: c = 3, coverage 1 - 8/252 = 96.8 %",
      c == 3 and close(cov, 1 - 8 / 252), "c=%d coverage=%r" % (c, cov))
c, cov = mtstats.critical(4, 4)
check("4 and 4 rounds: c = 1, coverage 1 - 2/70 = 97.1 %",
      c == 1 and close(cov, 1 - 2 / 70), "c=%d coverage=%r" % (c, cov))
# The two-sided 0.05 critical values of U in the published tables are
# c - 1: n = 6..10 -> 5, 8, 13, 17, 23; 5 and 8 -> 6.
table = {(6, 6): 5, (7, 7): 8, (8, 8): 13, (9, 9): 17, (10, 10): 23,
         (5, 8): 6}
got = {k: mtstats.critical(*k)[0] - 1 for k in table}
check("critical U of the published tables (6..10 square, 5 and 8)",
      got == table, "got %r" % got)

for m, n in ((3, 3), (4, 3), (2, 2), (1, 5)):
    try:
        mtstats.critical(m, n)
        refused = False
    except ValueError:
        refused = True
    check("%d and %d rounds are refused (no 95 %% interval)" % (m, n), refused)

# Shift of x = 0..4 to y = 10..14: the differences are 10 + (j - i),
# 6 once, 7 twice, 8 thrice, 9 four, 10 five, 11 four, ... 14 once.
# Sorted, the 13th of 25 is 10; D(3) = 7 and D(23) = 13.
est, lo, hi, cov = mtstats.hl_shift([0, 1, 2, 3, 4], [10, 11, 12, 13, 14])
check("HL shift of 0..4 to 10..14 is 10, interval [7, 13]",
      (est, lo, hi) == (10, 7, 13), "got %r" % ((est, lo, hi),))

a = [100, 101, 102, 103, 104]
r = mtstats.compare(a, a)
check("identical samples: change 0, interval contains 0, not significant",
      close(r["change_pct"], 0) and r["ci_pct"][0] < 0 < r["ci_pct"][1] and
      not r["significant"], repr(r))

a = [100, 105, 98, 102, 101]
r = mtstats.compare(a, [2 * x for x in a])
check("B = 2 A, 5 and 5: +100 %, interval excludes 0, significant",
      close(r["change_pct"], 100) and r["ci_pct"][0] > 90 and
      r["ci_pct"][1] < 110 and r["significant"], repr(r))
r = mtstats.compare([2 * x for x in a], a)
check("B = A / 2: -50 %, significant", close(r["change_pct"], -50) and
      r["ci_pct"][1] < 0 and r["significant"], repr(r))

# A shift smaller than the noise: overlapping samples stay '~'.
r = mtstats.compare([100, 110, 95, 105, 120], [102, 98, 115, 108, 99])
check("overlapping samples: interval contains 0",
      r["ci_pct"][0] < 0 < r["ci_pct"][1] and not r["significant"], repr(r))

try:
    mtstats.compare([100, 101, 102], [100, 101, 102])
    refused = False
except ValueError:
    refused = True
check("compare() refuses 3 and 3 rounds", refused)

check("cv of 90, 100, 110 is 0.1",
      close(mtstats.cv([90, 100, 110]), 0.1), repr(mtstats.cv([90, 100, 110])))
check("median of 4 figures is the mean of the middle two",
      mtstats.median([4, 1, 3, 2]) == 2.5)

sys.exit(failed)
