/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of the latency histograms (mt_lat.c): the buckets, the
 * percentiles, a test's per-CPU histograms merged.
 *
 * mt_lat.c includes this file at its bottom when the module is built
 * with its KUnit tests (make kunit: Kbuild's MT_KUNIT=y defines
 * CONFIG_MALLOC_TEST_KUNIT_TEST), as an in-tree unit includes its tests
 * under their Kconfig option: the suite may use the unit's statics, and
 * only the public headers of the others.  Results:
 * /sys/kernel/debug/kunit/malloc_test_lat/results.
 */
#ifndef _MT_LAT_KUNIT_H
#define _MT_LAT_KUNIT_H

#include <kunit/test.h>

/* The buckets tile 0..U64_MAX, each a quarter of its octave at most. */
static void hist_buckets_test(struct kunit *test)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, mt_hist_lo(0), 0);
	KUNIT_EXPECT_EQ(test, mt_hist_hi(MT_LAT_BUCKETS - 1), U64_MAX);
	KUNIT_EXPECT_EQ(test, mt_hist_index(U64_MAX), MT_LAT_BUCKETS - 1);
	KUNIT_EXPECT_EQ(test, mt_hist_index(1ULL << MT_LAT_MAX_SHIFT),
			MT_LAT_BUCKETS - 1);
	KUNIT_EXPECT_EQ(test, mt_hist_index((1ULL << MT_LAT_MAX_SHIFT) - 1),
			MT_LAT_BUCKETS - 1);
	for (i = 0; i < MT_LAT_BUCKETS; i++) {
		KUNIT_EXPECT_LT(test, mt_hist_lo(i), mt_hist_hi(i));
		KUNIT_EXPECT_EQ(test, mt_hist_index(mt_hist_lo(i)), i);
		if (i == MT_LAT_BUCKETS - 1)
			break;
		KUNIT_EXPECT_EQ(test, mt_hist_hi(i), mt_hist_lo(i + 1));
		KUNIT_EXPECT_EQ(test, mt_hist_index(mt_hist_hi(i) - 1), i);
		if (i >= 4)
			KUNIT_EXPECT_LE(test, 4 * (mt_hist_hi(i) - mt_hist_lo(i)),
					mt_hist_lo(i));
	}
}

/* Percentiles by rank, in the bucket of the value of that rank. */
static void hist_percentile_test(struct kunit *test)
{
	static const u64 at[MT_NR_PCTS] = { 500, 900, 990, 999 };
	struct mt_hist *h = kunit_kmalloc(test, sizeof(*h), GFP_KERNEL);
	struct mt_hist_sum s;
	unsigned int i;
	u64 v;

	KUNIT_ASSERT_NOT_NULL(test, h);
	mt_hist_init(h);
	mt_hist_summarize(h, &s);
	KUNIT_EXPECT_EQ(test, s.count, 0);
	KUNIT_EXPECT_EQ(test, s.min, 0);
	KUNIT_EXPECT_EQ(test, s.pct[3], 0);

	/* 1..1000 ns: the value of rank r is r */
	for (v = 1000; v >= 1; v--)
		mt_hist_add(h, v);
	mt_hist_summarize(h, &s);
	KUNIT_EXPECT_EQ(test, s.count, 1000);
	KUNIT_EXPECT_EQ(test, s.min, 1);
	KUNIT_EXPECT_EQ(test, s.max, 1000);
	KUNIT_EXPECT_EQ(test, s.mean, 500);
	for (i = 0; i < MT_NR_PCTS; i++) {
		KUNIT_EXPECT_EQ(test, mt_hist_index(s.pct[i]),
				mt_hist_index(at[i]));
		if (i)
			KUNIT_EXPECT_LE(test, s.pct[i - 1], s.pct[i]);
	}

	/* one duration: every figure is it */
	mt_hist_init(h);
	mt_hist_add(h, 123456);
	mt_hist_summarize(h, &s);
	KUNIT_EXPECT_EQ(test, s.count, 1);
	KUNIT_EXPECT_EQ(test, s.min, 123456);
	KUNIT_EXPECT_EQ(test, s.mean, 123456);
	for (i = 0; i < MT_NR_PCTS; i++)
		KUNIT_EXPECT_EQ(test, s.pct[i], 123456);

	/* 999 fast, 1 slow: p99.9 is still fast, the max is not */
	mt_hist_init(h);
	for (i = 0; i < 999; i++)
		mt_hist_add(h, 100);
	mt_hist_add(h, 1000000);
	mt_hist_summarize(h, &s);
	KUNIT_EXPECT_EQ(test, mt_hist_index(s.pct[3]), mt_hist_index(100));
	KUNIT_EXPECT_GE(test, s.pct[3], 100);
	KUNIT_EXPECT_EQ(test, s.max, 1000000);
	KUNIT_EXPECT_EQ(test, s.mean, (999 * 100 + 1000000) / 1000);
}

/* A test's histograms: recorded per CPU, merged whole. */
static void lat_merge_test(struct kunit *test)
{
	struct mt_lat __percpu *lat = mt_lat_alloc();
	struct mt_hist *h = kunit_kmalloc(test, sizeof(*h), GFP_KERNEL);
	struct mt_hist_sum s;
	unsigned int i;

	/* a __percpu pointer: not for KUNIT_ASSERT_NOT_NULL's comparison */
	KUNIT_ASSERT_TRUE(test, !!lat);
	KUNIT_ASSERT_NOT_NULL(test, h);
	for (i = 0; i < 100; i++)
		mt_lat_record(lat, MT_LAT_FREE, 10 * (i + 1));
	/* another CPU's histogram, as its own writer would have filled it */
	mt_hist_add(&per_cpu_ptr(lat, cpumask_last(cpu_possible_mask))->op[MT_LAT_FREE],
		    5);
	mt_lat_read(lat, MT_LAT_ALLOC, h);
	mt_hist_summarize(h, &s);
	KUNIT_EXPECT_EQ(test, s.count, 0);
	mt_lat_read(lat, MT_LAT_FREE, h);
	mt_hist_summarize(h, &s);
	KUNIT_EXPECT_EQ(test, s.count, 101);
	KUNIT_EXPECT_EQ(test, s.min, 5);
	KUNIT_EXPECT_EQ(test, s.max, 1000);
	KUNIT_EXPECT_EQ(test, h->sum, 5 + 10 * 5050);
	mt_lat_free(lat);
}

static struct kunit_case mt_lat_kunit_cases[] = {
	KUNIT_CASE(hist_buckets_test),
	KUNIT_CASE(hist_percentile_test),
	KUNIT_CASE(lat_merge_test),
	{}
};

static struct kunit_suite mt_lat_kunit_suite = {
	.name = "malloc_test_lat",
	.test_cases = mt_lat_kunit_cases,
};

kunit_test_suite(mt_lat_kunit_suite);

#endif /* _MT_LAT_KUNIT_H */
