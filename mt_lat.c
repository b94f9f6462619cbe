// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - latency histograms.
 *
 * A duration goes into a bucket by its two leading bits after the first:
 * each power of two of nanoseconds is split in four, so a bucket is at
 * most a quarter of its lower bound wide, and 156 buckets reach 2^40 ns
 * (18 minutes).  Recording is a few additions into the writer's own
 * histogram: a test's are per CPU (struct mt_lat), a bench thread's are
 * its own; readers merge them.
 *
 * A percentile is found by rank: the first bucket whose cumulative count
 * reaches it holds the value, which is placed within the bucket as if
 * the bucket's durations were spread evenly over it, and within the
 * recorded minimum and maximum.
 */
#include "malloc_test.h"
#include "mt_lat.h"

#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/string.h>

const unsigned int mt_pcts[MT_NR_PCTS] = { 50000, 90000, 99000, 99900 };

static const char * const mt_pct_names[MT_NR_PCTS] = {
	"p50", "p90", "p99", "p99.9",
};

const char * const mt_lat_names[MT_NR_LAT_OPS] = {
	[MT_LAT_ALLOC] = "alloc",
	[MT_LAT_REALLOC] = "realloc",
	[MT_LAT_FREE] = "free",
	[MT_LAT_LATE] = "lateness",
};

/**
 * mt_hist_lo() - the smallest duration of a bucket
 * @i: the bucket
 *
 * Return: nanoseconds.
 */
u64 mt_hist_lo(unsigned int i)
{
	if (i < 4)
		return i;
	return (u64)(4 + i % 4) << (i / 4 - 1);
}

/**
 * mt_hist_hi() - the first duration past a bucket
 * @i: the bucket
 *
 * Return: nanoseconds; U64_MAX for the top bucket, which takes every
 * duration from its lower bound up.
 */
u64 mt_hist_hi(unsigned int i)
{
	if (i == MT_LAT_BUCKETS - 1)
		return U64_MAX;
	if (i < 4)
		return i + 1;
	return (u64)(5 + i % 4) << (i / 4 - 1);
}

/**
 * mt_hist_init() - empty a histogram
 * @h: the histogram
 */
void mt_hist_init(struct mt_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = U64_MAX;
}

/**
 * mt_hist_merge() - add one histogram into another
 * @to: the sum, only the caller's
 * @from: a histogram that may be written meanwhile
 *
 * The count added is the sum of the buckets read, so that the count and
 * the buckets of @to always agree.
 */
void mt_hist_merge(struct mt_hist *to, const struct mt_hist *from)
{
	u64 n = 0, v;
	unsigned int i;

	for (i = 0; i < MT_LAT_BUCKETS; i++) {
		v = READ_ONCE(from->bucket[i]);
		to->bucket[i] += v;
		n += v;
	}
	if (!n)
		return;
	to->count += n;
	to->sum += READ_ONCE(from->sum);
	to->min = min(to->min, READ_ONCE(from->min));
	to->max = max(to->max, READ_ONCE(from->max));
}

/* The rank of percentile @pct (hundred-thousandths) among @count. */
static u64 mt_rank(u64 count, unsigned int pct)
{
	u32 rem;
	u64 r = div_u64_rem(count, 100000, &rem) * pct +
		DIV_ROUND_UP((u64)rem * pct, 100000);

	return max_t(u64, r, 1);
}

/**
 * mt_hist_summarize() - count, min, mean, max and percentiles
 * @h: a histogram, as merged
 * @s: the summary
 *
 * Figures read while the histogram was written are brought back within
 * its buckets, so that what is printed is always consistent.
 */
void mt_hist_summarize(const struct mt_hist *h, struct mt_hist_sum *s)
{
	unsigned int i, first = MT_LAT_BUCKETS, last = 0, p = 0;
	u64 lo, hi, cum = 0, rank, n;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < MT_LAT_BUCKETS; i++) {
		if (!h->bucket[i])
			continue;
		first = min(first, i);
		last = i;
		s->count += h->bucket[i];
	}
	if (!s->count)
		return;
	s->min = clamp(h->min, mt_hist_lo(first), mt_hist_hi(first) - 1);
	s->max = clamp(h->max, mt_hist_lo(last), mt_hist_hi(last) - 1);
	s->max = max(s->max, s->min);
	s->mean = clamp(div64_u64(h->sum, s->count), s->min, s->max);

	for (i = first; i <= last && p < MT_NR_PCTS; i++) {
		n = h->bucket[i];
		if (!n)
			continue;
		cum += n;
		for (; p < MT_NR_PCTS; p++) {
			rank = mt_rank(s->count, mt_pcts[p]);
			if (rank > cum)
				break;
			/* the (rank - cum + n)-th of n, spread over [lo, hi) */
			lo = max(mt_hist_lo(i), s->min);
			hi = min(mt_hist_hi(i) - 1, s->max) + 1;
			s->pct[p] = lo + mul_u64_u64_div_u64(hi - lo,
							     2 * (rank - cum + n) - 1,
							     2 * n);
		}
	}
}

/**
 * mt_hist_show() - print a histogram: a summary line, then its buckets
 * @m: where
 * @name: what it times, the first word of each line
 * @h: the histogram, as merged
 */
void mt_hist_show(struct seq_file *m, const char *name,
		  const struct mt_hist *h)
{
	struct mt_hist_sum s;
	unsigned int i;

	mt_hist_summarize(h, &s);
	seq_printf(m, "%s count %llu min %llu mean %llu max %llu", name,
		   s.count, s.min, s.mean, s.max);
	for (i = 0; i < MT_NR_PCTS; i++)
		seq_printf(m, " %s %llu", mt_pct_names[i], s.pct[i]);
	seq_putc(m, '\n');
	for (i = 0; i < MT_LAT_BUCKETS; i++)
		if (h->bucket[i])
			seq_printf(m, "%s bucket %llu %llu %llu\n", name,
				   mt_hist_lo(i), mt_hist_hi(i), h->bucket[i]);
}

/**
 * mt_lat_alloc() - a test's histograms, empty, one set per CPU
 *
 * Context: process context.
 *
 * Return: them, or NULL.
 */
struct mt_lat __percpu *mt_lat_alloc(void)
{
	/* no stack trace when per-CPU memory runs out: a refusal says why */
	struct mt_lat __percpu *lat = alloc_percpu_gfp(struct mt_lat,
						       GFP_KERNEL | __GFP_NOWARN);
	unsigned int op;
	int cpu;

	if (!lat)
		return NULL;
	for_each_possible_cpu(cpu)
		for (op = 0; op < MT_NR_LAT_OPS; op++)
			mt_hist_init(&per_cpu_ptr(lat, cpu)->op[op]);
	return lat;
}

/**
 * mt_lat_bytes() - what mt_lat_alloc() takes: a set on every possible CPU
 *
 * Return: bytes.
 */
u64 mt_lat_bytes(void)
{
	return (u64)sizeof(struct mt_lat) * num_possible_cpus();
}

/**
 * mt_lat_free() - free what mt_lat_alloc() gave
 * @lat: the histograms, or NULL
 */
void mt_lat_free(struct mt_lat __percpu *lat)
{
	free_percpu(lat);
}

/**
 * mt_lat_record() - record a duration in this CPU's histogram
 * @lat: the histograms
 * @op: what was timed
 * @ns: how long it took
 *
 * Context: any context.  Interrupts are off for the few additions, so
 * that the hrtimer callback of a ctx=timer or softirq test and its
 * work, on one CPU, never write a histogram at once.
 */
void mt_lat_record(struct mt_lat __percpu *lat, enum mt_lat_op op, u64 ns)
{
	unsigned long flags;

	local_irq_save(flags);
	mt_hist_add(&this_cpu_ptr(lat)->op[op], ns);
	local_irq_restore(flags);
}

/**
 * mt_lat_read() - merge every CPU's histogram of one operation
 * @lat: the histograms
 * @op: the operation
 * @h: the sum
 *
 * Context: any context; the histograms may be written meanwhile
 * (mt_hist_merge()).
 */
void mt_lat_read(struct mt_lat __percpu *lat, enum mt_lat_op op,
		 struct mt_hist *h)
{
	int cpu;

	mt_hist_init(h);
	for_each_possible_cpu(cpu)
		mt_hist_merge(h, &per_cpu_ptr(lat, cpu)->op[op]);
}

#ifdef CONFIG_MALLOC_TEST_KUNIT_TEST
#include "kunit/lat-kunit.h"
#endif
