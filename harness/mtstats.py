# SPDX-License-Identifier: GPL-2.0
"""mtstats - the statistics of `make compare` (harness/compare.py).

Two kernels, A and B, are each booted ROUNDS times, alternately; every
boot gives one ns/op figure per bench.  For a bench, with A's figures
a_1..a_m and B's b_1..b_n:

* the change is the Hodges-Lehmann estimate of the shift between the two
  samples of log(ns/op): the median of the m*n pairwise differences
  log(b_j) - log(a_i); reported as a ratio, exp(shift) - 1, in percent;
* its confidence interval is the distribution-free one that inverts the
  Mann-Whitney test: with the differences sorted, D(1) <= ... <= D(mn),
  the interval is [D(c), D(mn + 1 - c)], where c is the largest integer
  with P(U <= c - 1) <= alpha / 2 under the null hypothesis (no shift),
  U being the Mann-Whitney statistic.  Its coverage is then exactly
  1 - 2 P(U <= c - 1) for continuous data, at least 1 - alpha: 96.8 %
  for 5 and 5 rounds at alpha = 0.05 (c = 3).  The null distribution of
  U is counted exactly (it is the same for every continuous distribution
  of the figures), so no normal approximation is used at any m, n.

The only assumption is that A's rounds are exchangeable among
themselves, and B's, and that B's figures are A's shifted (in log, so
multiplied): a host that drifts during the run hits A and B alike
because the boots alternate.  Ties (the figures are whole nanoseconds)
make the interval slightly conservative.

Python 3 standard library only; harness/test-mtstats.py tests it with
hand-computed answers.
"""

import math
from functools import lru_cache

ALPHA = 0.05


@lru_cache(maxsize=None)
def u_counts(m, n):
    """How many of the C(m+n, m) orderings of m A's and n B's give each U.

    U counts the (a, b) pairs with a B above the A; it runs from 0 to m*n.
    Returned as a tuple indexed by U.  Recurrence: the largest of all the
    m + n values is either a B (then it is above all m A's: U - m of the
    rest) or an A (it adds nothing).
    """
    if m == 0 or n == 0:
        return (1,)
    with_b = u_counts(m, n - 1)       # the top value is a B: adds m
    with_a = u_counts(m - 1, n)       # the top value is an A: adds 0
    out = [0] * (m * n + 1)
    for u, c in enumerate(with_a):
        out[u] += c
    for u, c in enumerate(with_b):
        out[u + m] += c
    return tuple(out)


def critical(m, n, alpha=ALPHA):
    """The rank c of the interval [D(c), D(mn+1-c)] and its coverage.

    c is the largest integer with P(U <= c - 1) <= alpha / 2; the coverage
    is 1 - 2 P(U <= c - 1).  Raises ValueError when even c = 1 (the whole
    range of the differences) covers less than 1 - alpha: too few rounds
    (3 and 3, 4 and 3; 4 and 4 is the smallest square design).
    """
    if m < 1 or n < 1:
        raise ValueError("no rounds on one side")
    counts = u_counts(m, n)
    total = math.comb(m + n, m)
    c, tail = 0, 0
    while 2 * (tail + counts[c]) <= alpha * total:
        tail += counts[c]
        c += 1
    if c == 0:
        raise ValueError("too few rounds for a %g %% interval: %d and %d"
                         % (100 * (1 - alpha), m, n))
    return c, 1 - 2 * tail / total


def median(xs):
    """The median; the mean of the middle two for an even count."""
    s = sorted(xs)
    k = len(s)
    if k == 0:
        raise ValueError("median of nothing")
    return s[k // 2] if k % 2 else (s[k // 2 - 1] + s[k // 2]) / 2


def hl_shift(xs, ys, alpha=ALPHA):
    """Hodges-Lehmann shift of ys over xs, with its interval.

    Returns (estimate, low, high, coverage): the median of the pairwise
    differences y - x, and [D(c), D(mn+1-c)] (see critical()).
    """
    c, coverage = critical(len(xs), len(ys), alpha)
    d = sorted(y - x for x in xs for y in ys)
    return median(d), d[c - 1], d[len(d) - c], coverage


def pct(shift):
    """A shift of logs as a change in percent: 100 (exp(shift) - 1)."""
    return 100 * math.expm1(shift)


def compare(a, b, alpha=ALPHA):
    """B's figures against A's (positive numbers, ns/op).

    Returns a dict: change_pct (Hodges-Lehmann, of log), ci_pct [low,
    high], coverage, significant (the interval excludes 0).  Raises
    ValueError for too few figures or a figure <= 0.
    """
    if min(list(a) + list(b), default=1) <= 0:
        raise ValueError("ns/op must be positive")
    est, lo, hi, cov = hl_shift([math.log(x) for x in a],
                                [math.log(y) for y in b], alpha)
    return {"change_pct": pct(est), "ci_pct": [pct(lo), pct(hi)],
            "coverage": cov, "significant": lo > 0 or hi < 0}


def cv(xs):
    """Coefficient of variation: sample standard deviation over mean.

    None for fewer than two figures.
    """
    if len(xs) < 2:
        return None
    mean = sum(xs) / len(xs)
    var = sum((x - mean) ** 2 for x in xs) / (len(xs) - 1)
    return math.sqrt(var) / mean if mean else None
