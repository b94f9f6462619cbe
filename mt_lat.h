/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - latency histograms (mt_lat.c).
 */
#ifndef _MT_LAT_H
#define _MT_LAT_H

#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/types.h>

/*
 * Latency histograms (mt_lat.c).  Buckets hold nanoseconds: 0, 1, 2 and 3
 * each have their own; from 4 up, every power of two is split in four
 * equal buckets; values of 2^MT_LAT_MAX_SHIFT and above go to the top one.
 */
#define MT_LAT_MAX_SHIFT	40
#define MT_LAT_BUCKETS		((MT_LAT_MAX_SHIFT - 1) * 4)

/**
 * struct mt_hist - a histogram of durations, in nanoseconds
 * @count: durations recorded
 * @sum: their sum
 * @min: the shortest; U64_MAX while @count is 0
 * @max: the longest
 * @bucket: how many fell in each bucket (mt_hist_lo(), mt_hist_hi())
 *
 * One writer at a time; readers may read it while it is written
 * (mt_hist_merge()), and then see a figure or two lag the others.
 */
struct mt_hist {
	u64 count;
	u64 sum;
	u64 min;
	u64 max;
	u64 bucket[MT_LAT_BUCKETS];
};

/* The percentiles reported, in hundred-thousandths: p50 p90 p99 p99.9. */
#define MT_NR_PCTS	4
extern const unsigned int mt_pcts[MT_NR_PCTS];

/**
 * struct mt_hist_sum - what is printed of a histogram
 * @count: durations recorded: the sum of the buckets
 * @min: the shortest
 * @mean: the mean, rounded down
 * @max: the longest
 * @pct: the percentiles of mt_pcts[]
 *
 * All 0 when @count is 0.
 */
struct mt_hist_sum {
	u64 count, min, mean, max;
	u64 pct[MT_NR_PCTS];
};

/* The bucket of @ns. */
static inline unsigned int mt_hist_index(u64 ns)
{
	unsigned int msb;

	if (ns < 4)
		return ns & 3;	/* sparse: no truncation of a constant */
	msb = fls64(ns) - 1;
	if (msb >= MT_LAT_MAX_SHIFT)
		return MT_LAT_BUCKETS - 1;
	return (msb - 1) * 4 + ((ns >> (msb - 2)) & 3);
}

/* Record @ns in @h, whose only writer the caller is. */
static inline void mt_hist_add(struct mt_hist *h, u64 ns)
{
	unsigned int i = mt_hist_index(ns);

	WRITE_ONCE(h->sum, h->sum + ns);
	if (ns < h->min)
		WRITE_ONCE(h->min, ns);
	if (ns > h->max)
		WRITE_ONCE(h->max, ns);
	WRITE_ONCE(h->count, h->count + 1);
	WRITE_ONCE(h->bucket[i], h->bucket[i] + 1);
}

u64 mt_hist_lo(unsigned int i);
u64 mt_hist_hi(unsigned int i);
void mt_hist_init(struct mt_hist *h);
void mt_hist_merge(struct mt_hist *to, const struct mt_hist *from);
void mt_hist_summarize(const struct mt_hist *h, struct mt_hist_sum *s);
void mt_hist_show(struct seq_file *m, const char *name,
		  const struct mt_hist *h);

/**
 * enum mt_lat_op - what a test times, one histogram each
 * @MT_LAT_ALLOC: each allocation the test kept
 * @MT_LAT_REALLOC: each resize
 * @MT_LAT_FREE: each chunk freed
 * @MT_LAT_LATE: each expiry of the test's hrtimer: how late it ran
 * @MT_NR_LAT_OPS: how many there are
 */
enum mt_lat_op {
	MT_LAT_ALLOC,
	MT_LAT_REALLOC,
	MT_LAT_FREE,
	MT_LAT_LATE,
	MT_NR_LAT_OPS,
};

extern const char * const mt_lat_names[MT_NR_LAT_OPS];

/**
 * struct mt_lat - a test's histograms on one CPU
 * @op: one per enum mt_lat_op
 */
struct mt_lat {
	struct mt_hist op[MT_NR_LAT_OPS];
};

struct mt_lat __percpu *mt_lat_alloc(void);
u64 mt_lat_bytes(void);
void mt_lat_free(struct mt_lat __percpu *lat);
void mt_lat_record(struct mt_lat __percpu *lat, enum mt_lat_op op, u64 ns);
void mt_lat_read(struct mt_lat __percpu *lat, enum mt_lat_op op,
		 struct mt_hist *h);

#endif /* _MT_LAT_H */
