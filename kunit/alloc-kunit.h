/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of the allocators' arithmetic (mt_alloc.c): the bytes a
 * chunk counts, the biggest chunk within a limit, each allocator's
 * limit, alloc=cache's size classes, the worst footprint charged before
 * a chunk is made, and the bound mem_rnd_alloc reserves for its pieces.
 * Real chunks and their footprints, and the dedicated caches' life, are
 * the owners' suite's (kunit/owner-kunit.h), which makes them.
 *
 * mt_alloc.c includes this file at its bottom when the module is built
 * with its KUnit tests (make kunit: Kbuild's MT_KUNIT=y defines
 * CONFIG_MALLOC_TEST_KUNIT_TEST), as an in-tree unit includes its tests
 * under their Kconfig option: the suite may use the unit's statics, and
 * only the public headers of the others.  It runs in the loaded module,
 * whose charges it measures from where they stand and leaves as it found
 * them, max_bytes included.  Results:
 * /sys/kernel/debug/kunit/malloc_test_alloc/results.
 */
#ifndef _MT_ALLOC_KUNIT_H
#define _MT_ALLOC_KUNIT_H

#include <kunit/test.h>
#include <linux/prandom.h>

#include "../mt_charge.h"
#include "../mt_pool.h"
#include "../mt_rand.h"

/* Every random sequence of the suite starts here: runs are repeatable. */
#define MT_KUNIT_SEED		0x6d616c6c6f635fULL

static void mt_kunit_max_bytes_restore(void *arg)
{
	WRITE_ONCE(mt_max_bytes, *(u64 *)arg);
}

/* Each case may set max_bytes: it is put back when the case ends. */
static int mt_alloc_kunit_init(struct kunit *test)
{
	u64 *was = kunit_kzalloc(test, sizeof(*was), GFP_KERNEL);

	if (!was)
		return -ENOMEM;
	*was = READ_ONCE(mt_max_bytes);
	return kunit_add_action_or_reset(test, mt_kunit_max_bytes_restore,
					 was);
}

/*
 * The bytes a chunk counts (mt_chunk_bytes()): its size, but whole pages
 * of its order for alloc=pages and a copy per possible CPU for
 * alloc=percpu; mt_fit(): the biggest such chunk within a limit, the
 * largest power-of-two number of pages for pages, whole bytes per CPU
 * for percpu, 0 when not even one fits.  And each allocator's limit.
 */
static void alloc_bytes_test(struct kunit *test)
{
	static const enum mt_alloc_kind bytewise[] = {
		MT_KMALLOC, MT_VMALLOC, MT_KVMALLOC, MT_CACHE,
	};
	const u64 n = num_possible_cpus(), p = PAGE_SIZE;
	const u64 pmax = PAGE_SIZE << MT_MAX_PAGE_ORDER;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bytewise); i++) {
		enum mt_alloc_kind k = bytewise[i];

		KUNIT_EXPECT_EQ(test, mt_chunk_bytes(k, 1), 1);
		KUNIT_EXPECT_EQ(test, mt_chunk_bytes(k, 5000), 5000);
		KUNIT_EXPECT_EQ(test, mt_fit(k, 100, 1000), 100);
		KUNIT_EXPECT_EQ(test, mt_fit(k, 100, 100), 100);
		KUNIT_EXPECT_EQ(test, mt_fit(k, 100, 60), 60);
		KUNIT_EXPECT_EQ(test, mt_fit(k, 100, 1), 1);
	}

	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PAGES, 1), p);
	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PAGES, p), p);
	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PAGES, p + 1), 2 * p);
	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PAGES, 3 * p), 4 * p);
	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PAGES, pmax / 2 + 1), pmax);
	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PAGES, pmax), pmax);
	if (p == SZ_4K) {
		/* the documentation's example: 5000 bytes count 8192 */
		KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PAGES, 5000), 8192);
	}
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, p + 1, U64_MAX), 2 * p);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, p + 1, 2 * p), 2 * p);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, p + 1, 2 * p - 1), p);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, 16 * p, 7 * p + 5), 4 * p);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, pmax, pmax - 1), pmax / 2);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, 1, p), p);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, 1, p - 1), 0);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, 1, 0), 0);

	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PERCPU, 1), n);
	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PERCPU, 100), 100 * n);
	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PERCPU, PCPU_MIN_UNIT_SIZE),
			PCPU_MIN_UNIT_SIZE * n);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PERCPU, 100, 100 * n), 100 * n);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PERCPU, 100, 100 * n - 1), 99 * n);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PERCPU, 100, 6 * n - 1), 5 * n);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PERCPU, 1, n), n);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PERCPU, 1, n - 1), 0);

	/* the most each may be asked at once */
	KUNIT_EXPECT_EQ(test, mt_allocators[MT_KMALLOC].max_size,
			(u64)KMALLOC_MAX_SIZE);
	KUNIT_EXPECT_EQ(test, mt_allocators[MT_VMALLOC].max_size,
			MT_CHUNK_SIZE_MAX);
	KUNIT_EXPECT_EQ(test, mt_allocators[MT_KVMALLOC].max_size,
			(u64)INT_MAX);
	KUNIT_EXPECT_EQ(test, mt_allocators[MT_PAGES].max_size, pmax);
	KUNIT_EXPECT_EQ(test, mt_allocators[MT_CACHE].max_size, (u64)SZ_1M);
	KUNIT_EXPECT_EQ(test, mt_allocators[MT_PERCPU].max_size,
			(u64)PCPU_MIN_UNIT_SIZE);
	if (IS_ENABLED(CONFIG_X86_64))
		KUNIT_EXPECT_EQ(test, pmax, (u64)SZ_4M);

	/* the names alloc= takes */
	for (i = 0; i < MT_NR_KINDS; i++)
		KUNIT_EXPECT_EQ(test, mt_kind_from_name(mt_alloc_names[i]),
				(int)i);
	KUNIT_EXPECT_STREQ(test, mt_alloc_names[MT_PAGES], "pages");
	KUNIT_EXPECT_STREQ(test, mt_alloc_names[MT_CACHE], "cache");
	KUNIT_EXPECT_STREQ(test, mt_alloc_names[MT_PERCPU], "percpu");
	KUNIT_EXPECT_STREQ(test, mt_alloc_names[MT_KMALLOC_NOLOCK],
			   "kmalloc_nolock");
	KUNIT_EXPECT_STREQ(test, mt_alloc_names[MT_PAGES_NOLOCK],
			   "pages_nolock");
	KUNIT_EXPECT_STREQ(test, mt_alloc_names[MT_MEMPOOL], "mempool");
	/* a mempool's elements are its class cache's objects */
	KUNIT_EXPECT_EQ(test, mt_allocators[MT_MEMPOOL].max_size, (u64)SZ_1M);
	KUNIT_EXPECT_EQ(test, mt_footprint(MT_MEMPOOL, 100, NULL), 128);
	KUNIT_EXPECT_EQ(test, mt_mempool_overhead(128, 4),
			4 * 128 + kmalloc_size_roundup(4 * sizeof(void *)) +
			kmalloc_size_roundup(sizeof(mempool_t)));
	KUNIT_EXPECT_LT(test, mt_kind_from_name("page"), 0);
	/* the nolock ones: no large kmalloc, no order past the pcp lists' */
	if (MT_HAVE_NOLOCK) {
		KUNIT_EXPECT_EQ(test, mt_allocators[MT_KMALLOC_NOLOCK].max_size,
				(u64)KMALLOC_MAX_CACHE_SIZE);
		KUNIT_EXPECT_EQ(test, mt_allocators[MT_PAGES_NOLOCK].max_size,
				(u64)PAGE_SIZE << PAGE_ALLOC_COSTLY_ORDER);
		KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PAGES_NOLOCK, 5000),
				(u64)2 * PAGE_SIZE);
	} else {
		KUNIT_EXPECT_NULL(test, mt_allocators[MT_KMALLOC_NOLOCK].alloc);
		KUNIT_EXPECT_NULL(test, mt_allocators[MT_PAGES_NOLOCK].alloc);
	}
}

/*
 * alloc=cache's size classes: the powers of two from 8 bytes to 1 MiB, a
 * size in the smallest that holds it.  (The owners' suite finds each
 * cache at the class these say.)
 */
static void cache_class_test(struct kunit *test)
{
	unsigned int c128 = mt_cache_class(128), c256 = mt_cache_class(256);
	unsigned int cls;
	u64 size;

	/* the classes */
	KUNIT_EXPECT_EQ(test, mt_cache_class(1), 0);
	KUNIT_EXPECT_EQ(test, mt_cache_class(8), 0);
	KUNIT_EXPECT_EQ(test, mt_cache_class(9), 1);
	KUNIT_EXPECT_EQ(test, mt_cache_class(100), c128);
	KUNIT_EXPECT_EQ(test, mt_class_size(c128), 128);
	KUNIT_EXPECT_EQ(test, mt_cache_class(129), c256);
	KUNIT_EXPECT_EQ(test, mt_cache_class(SZ_1M), MT_CACHE_CLASSES - 1);
	KUNIT_EXPECT_EQ(test, mt_class_size(MT_CACHE_CLASSES - 1), SZ_1M);

	for (cls = 0; cls < MT_CACHE_CLASSES; cls++) {
		size = 1ULL << (cls + MT_CACHE_MIN_SHIFT);
		KUNIT_EXPECT_EQ_MSG(test, (u64)mt_class_size(cls), size,
				    "class %u", cls);
		KUNIT_EXPECT_EQ_MSG(test, mt_cache_class(size), cls,
				    "%llu bytes", size);
		if (cls)
			KUNIT_EXPECT_EQ_MSG(test, mt_cache_class(size / 2 + 1),
					    cls, "%llu bytes", size / 2 + 1);
	}
}

/* Failures a sweep reports one by one at most; then it counts them. */
#define MT_KU_REPORT		8

/*
 * mt_footprint_max() of asked size @s, against that of the sizes around:
 * never below the bytes counted, never below a smaller size's.
 */
static void mt_kunit_fpmax_edge(struct kunit *test, enum mt_alloc_kind k,
				u64 s, unsigned int *bad)
{
	u64 lim = mt_allocators[k].max_size, b, f, pb, pf, nb, nf;

	if (!s || s > lim)
		return;
	b = mt_chunk_bytes(k, s);
	f = mt_footprint_max(k, b);
	pb = s > 1 ? mt_chunk_bytes(k, s - 1) : 0;
	pf = s > 1 ? mt_footprint_max(k, pb) : 0;
	nb = s < lim ? mt_chunk_bytes(k, s + 1) : b;
	nf = s < lim ? mt_footprint_max(k, nb) : f;
	if (f >= b && pf <= f && f <= nf)
		return;
	if ((*bad)++ < MT_KU_REPORT)
		KUNIT_FAIL(test,
			   "%s footprint_max: %llu bytes: %llu, %llu bytes: %llu, %llu bytes: %llu",
			   mt_alloc_names[k], pb, pf, b, f, nb, nf);
}

/*
 * mt_footprint_max() grows with the size and is never below the bytes:
 * every size up to four pages, then in steps of 1/256 up to the
 * allocator's max, and on each side of every power of two, of 96 and
 * 192, of every page up to 1024 and every PMD up to 256.
 */
static void mt_kunit_fpmax_sweep(struct kunit *test, enum mt_alloc_kind k)
{
	u64 s, b, f, pf = 0, lim = mt_allocators[k].max_size;
	unsigned int bad = 0, i;

	for (s = 1; s <= lim; s += s < 4 * PAGE_SIZE ? 1 : s / 256) {
		b = mt_chunk_bytes(k, s);
		f = mt_footprint_max(k, b);
		if ((f < b || f < pf) && bad++ < MT_KU_REPORT)
			KUNIT_FAIL(test,
				   "%s footprint_max(%llu) = %llu, after %llu",
				   mt_alloc_names[k], b, f, pf);
		pf = f;
	}
	for (i = 0; i < 63; i++)
		mt_kunit_fpmax_edge(test, k, 1ULL << i, &bad);
	mt_kunit_fpmax_edge(test, k, 96, &bad);
	mt_kunit_fpmax_edge(test, k, 192, &bad);
	for (i = 1; i <= 1024; i++)
		mt_kunit_fpmax_edge(test, k, (u64)i * PAGE_SIZE, &bad);
	for (i = 1; i <= 256; i++)
		mt_kunit_fpmax_edge(test, k, (u64)i * PMD_SIZE, &bad);
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "%s: footprint_max failures",
			    mt_alloc_names[k]);
}

/*
 * mt_footprint_max(), the worst case charged before a chunk is made,
 * grows with the size and is never below the bytes the chunk counts, for
 * every allocator (mt_kunit_fpmax_sweep()).
 */
static void footprint_max_test(struct kunit *test)
{
	enum mt_alloc_kind k;

	for (k = 0; k < MT_NR_KINDS; k++)
		if (mt_allocators[k].alloc)
			mt_kunit_fpmax_sweep(test, k);
}

/*
 * The worst footprint of @total bytes in pieces all asked @s bytes, cut
 * as mem_rnd_alloc cuts them: each piece mt_fit() of the size asked, or
 * of what is left when that is less, within what is left.
 */
static u64 mt_kunit_pieces_cost(enum mt_alloc_kind k, u64 s, u64 total)
{
	u64 b = mt_chunk_bytes(k, s), q = div64_u64(total, b);
	u64 cost = q * mt_footprint_max(k, b), left = total - q * b;

	while (left) {
		b = mt_fit(k, min(s, left), left);
		if (!b)
			break;
		cost += mt_footprint_max(k, b);
		left -= b;
	}
	return cost;
}

/* The same of pieces of random sizes, drawn as mem_rnd_alloc draws them. */
static u64 mt_kunit_rnd_cost(enum mt_alloc_kind k, u64 a0, u64 a1,
			     u64 total, struct rnd_state *rnd)
{
	u64 left = total, cost = 0, b;

	while (left) {
		b = mt_fit(k, mt_rand_range(rnd, min(a0, left), min(a1, left)),
			   left);
		if (!b)
			break;
		cost += mt_footprint_max(k, b);
		left -= b;
	}
	return cost;
}

/* Ranges of fewer sizes than this have every size tried. */
#define MT_KU_EVERY		200
/* Sizes tried in a wider range, at most. */
#define MT_KU_EDGES		1200

static void mt_kunit_edge_add(u64 *out, unsigned int *n, u64 x, u64 a0,
			      u64 a1)
{
	if (x >= a0 && x <= a1 && *n < MT_KU_EDGES)
		out[(*n)++] = x;
}

/*
 * The asked sizes in [@a0, @a1] where a footprint's step begins (so
 * that its ratio to the bytes peaks): the ends, each side of every
 * power of two, of 96 and 192, of pages and PMDs, of percpu's 8-byte
 * alignment; and random ones.  Return: how many, in @out.
 */
static unsigned int mt_kunit_edges(u64 a0, u64 a1, u64 *out,
				   struct rnd_state *rnd)
{
	static const u64 odd[] = { 95, 96, 97, 191, 192, 193 };
	unsigned int n = 0, i;

	mt_kunit_edge_add(out, &n, a0, a0, a1);
	mt_kunit_edge_add(out, &n, a0 + 1, a0, a1);
	mt_kunit_edge_add(out, &n, a1 - 1, a0, a1);
	mt_kunit_edge_add(out, &n, a1, a0, a1);
	for (i = 0; i < ARRAY_SIZE(odd); i++)
		mt_kunit_edge_add(out, &n, odd[i], a0, a1);
	for (i = 0; i < 63; i++) {
		mt_kunit_edge_add(out, &n, (1ULL << i) - 1, a0, a1);
		mt_kunit_edge_add(out, &n, 1ULL << i, a0, a1);
		mt_kunit_edge_add(out, &n, (1ULL << i) + 1, a0, a1);
	}
	for (i = 1; i <= 256; i++) {
		mt_kunit_edge_add(out, &n, (u64)i * PAGE_SIZE, a0, a1);
		mt_kunit_edge_add(out, &n, (u64)i * PAGE_SIZE + 1, a0, a1);
	}
	for (i = 1; i <= 128; i++) {
		mt_kunit_edge_add(out, &n, (u64)i * PMD_SIZE, a0, a1);
		mt_kunit_edge_add(out, &n, (u64)i * PMD_SIZE + 1, a0, a1);
	}
	for (i = 1; i <= 64; i++)
		mt_kunit_edge_add(out, &n, 8 * i + 1, a0, a1);
	for (i = 0; i < 64; i++)
		mt_kunit_edge_add(out, &n, mt_rand_range(rnd, a0, a1), a0, a1);
	return n;
}

/*
 * mt_footprint_bound() of pieces asked @a0..@a1 bytes making @total is
 * at least the footprint of adversarial sequences: all pieces of one
 * size (every size of a narrow range, the step edges of a wide one), the
 * last cut as mem_rnd_alloc cuts it; and pieces of random sizes.  In a
 * narrow range it is no more than @total at the highest ratio of
 * footprint to bytes found there, plus one smallest piece.
 */
static void mt_kunit_bound_check(struct kunit *test, enum mt_alloc_kind k,
				 u64 a0, u64 a1, u64 total, u64 *cand,
				 struct rnd_state *rnd, unsigned int *bad)
{
	u64 cmin = mt_chunk_bytes(k, a0), cmax = mt_chunk_bytes(k, a1);
	u64 bound = mt_footprint_bound(k, cmin, cmax, total);
	u64 s, cost, worst = 0, ws = 0, rf = 0, rb = 1, f, b, upper;
	bool narrow = a1 - a0 < MT_KU_EVERY;
	unsigned int n = 0, i;

	if (narrow) {
		for (s = a0; s <= a1; s++)
			cand[n++] = s;
	} else {
		n = mt_kunit_edges(a0, a1, cand, rnd);
	}
	for (i = 0; i < n; i++) {
		cost = mt_kunit_pieces_cost(k, cand[i], total);
		if (cost > worst) {
			worst = cost;
			ws = cand[i];
		}
	}
	if (div64_u64(total, cmin) <= 2048) {
		for (i = 0; i < 4; i++) {
			cost = mt_kunit_rnd_cost(k, a0, a1, total, rnd);
			if (cost > worst) {
				worst = cost;
				ws = 0;
			}
		}
	}
	if (worst > bound && (*bad)++ < MT_KU_REPORT)
		KUNIT_FAIL(test,
			   "%s %llu..%llu bytes, total %llu: bound %llu, pieces of %llu (0: random) cost %llu",
			   mt_alloc_names[k], a0, a1, total, bound, ws,
			   worst);
	/* percpu's bound is in closed form, above its true peak */
	if (!narrow || k == MT_PERCPU)
		return;
	for (s = a0; s <= a1; s++) {
		b = mt_chunk_bytes(k, s);
		f = mt_footprint_max(k, b);
		if (f * rb > rf * b) {
			rf = f;
			rb = b;
		}
	}
	upper = mul_u64_u64_div_u64(total, rf, rb) + 1 +
		mt_footprint_max(k, cmin);
	if (bound > upper && (*bad)++ < MT_KU_REPORT)
		KUNIT_FAIL(test,
			   "%s %llu..%llu bytes, total %llu: bound %llu, above %llu (peak %llu/%llu)",
			   mt_alloc_names[k], a0, a1, total, bound, upper,
			   rf, rb);
}

/* A size from 1 to @lim, as likely in each power of two. */
static u64 mt_kunit_log_rand(struct rnd_state *rnd, u64 lim)
{
	unsigned int e = mt_rand_range(rnd, 0, ilog2(lim));

	return mt_rand_range(rnd, 1ULL << e,
			     min(lim, (1ULL << e << 1) - 1));
}

/* Random ranges and totals tried per allocator. */
#define MT_KU_TRIPLES		60

/*
 * mt_footprint_bound(), what mem_rnd_alloc reserves for its pieces, for
 * every allocator and random ranges (narrow and wide, 1 byte to 64 MiB)
 * and totals (1 byte to 4 GiB): never below what adversarial sequences
 * of pieces cost (mt_kunit_bound_check()), not far above in a narrow
 * range; and a few ranges of their own: one size, the smallest sizes,
 * a PMD and a byte.
 */
static void footprint_bound_test(struct kunit *test)
{
	static const u64 fixed[][3] = {
		{ 1, 1, 40000 }, { 1, 1, 1 }, { 1, 8, 4095 },
		{ 100, 200, 10000 }, { 1, PAGE_SIZE, SZ_1M },
		{ PAGE_SIZE + 1, PAGE_SIZE + 1, SZ_1M },
		{ PMD_SIZE + 1, PMD_SIZE + 1, SZ_64M },
		{ 1, PMD_SIZE + 1, SZ_64M + 5 },
	};
	u64 *cand = kunit_kcalloc(test, max(MT_KU_EDGES, MT_KU_EVERY),
				  sizeof(u64), GFP_KERNEL);
	u64 a0, a1, total, lim;
	unsigned int bad = 0, i;
	struct rnd_state rnd;
	enum mt_alloc_kind k;

	KUNIT_ASSERT_NOT_NULL(test, cand);
	prandom_seed_state(&rnd, MT_KUNIT_SEED);
	for (k = 0; k < MT_NR_KINDS; k++) {
		/* an allocator this kernel lacks (mt_compat.h) */
		if (!mt_allocators[k].alloc)
			continue;
		lim = min_t(u64, mt_allocators[k].max_size, SZ_64M);
		for (i = 0; i < ARRAY_SIZE(fixed); i++)
			if (fixed[i][1] <= lim)
				mt_kunit_bound_check(test, k, fixed[i][0],
						     fixed[i][1], fixed[i][2],
						     cand, &rnd, &bad);
		for (i = 0; i < MT_KU_TRIPLES; i++) {
			a0 = mt_kunit_log_rand(&rnd, lim);
			if (i % 2)
				a1 = min(lim, a0 + mt_rand_range(&rnd, 0,
								 MT_KU_EVERY - 1));
			else
				a1 = a0 - 1 + mt_kunit_log_rand(&rnd,
								lim - a0 + 1);
			total = mt_kunit_log_rand(&rnd, 1ULL << 32);
			mt_kunit_bound_check(test, k, a0, a1, total, cand,
					     &rnd, &bad);
		}
		cond_resched();
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "bound failures");
}

/*
 * Issue 13's example: with max_bytes at 1 MiB, "1 1 40000 b
 * alloc=vmalloc" pinned about 165 MB.  mem_rnd_alloc now reserves the
 * bound of its pieces and of their bookkeeping first: 40000 one-byte
 * vmalloc pieces cost a page each and more, so the reserve is refused
 * and nothing is charged.  "100 200 10000 alloc=kmalloc" reserves about
 * twice its total and a few pages, which 1 MiB holds.
 */
static void footprint_bound_refuses_test(struct kunit *test)
{
	s64 committed = atomic64_read(&mt_committed);
	s64 reserved = atomic64_read(&mt_reserved);
	struct mt_reserve res;
	u64 worst;
	unsigned int s;

	WRITE_ONCE(mt_max_bytes, committed + SZ_1M);
	worst = mt_footprint_bound(MT_VMALLOC, 1, 1, 40000);
	KUNIT_EXPECT_GE(test, worst,
			40000 * mt_footprint_max(MT_VMALLOC, 1));
	KUNIT_EXPECT_GE(test, worst, 40000 * (PAGE_SIZE + sizeof(pte_t)));
	worst += mt_pool_bound(40000 + 64);
	KUNIT_EXPECT_GT(test, worst, (u64)SZ_1M);
	KUNIT_EXPECT_FALSE(test, mt_reserve_init(&res, worst, false));
	KUNIT_EXPECT_EQ(test, res.left, 0);
	mt_reserve_end(&res);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed), committed);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_reserved), reserved);

	worst = mt_footprint_bound(MT_KMALLOC, 100, 200, 10000);
	for (s = 100; s <= 200; s++)
		KUNIT_EXPECT_GE_MSG(test, worst,
				    mt_kunit_pieces_cost(MT_KMALLOC, s, 10000),
				    "pieces of %u", s);
	KUNIT_EXPECT_LE(test, worst, 2 * 10000 + kmalloc_size_roundup(200));
	worst += mt_pool_bound(10000 / 100 + 64);
	KUNIT_EXPECT_LE(test, worst, 2 * 10000 + 8 * PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, mt_reserve_init(&res, worst, false));
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed) - committed,
			(s64)worst);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_reserved) - reserved,
			(s64)worst);
	mt_reserve_end(&res);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed), committed);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_reserved), reserved);
}

/*
 * A resize is charged what the chunk may cost once resized: a large
 * kmalloc shrunk to 1 byte stays where it is, so a resize of it to 1 KiB
 * may too, and must be charged the pages it keeps, not 1 KiB's class.
 * A vmalloc chunk is resized by copy: the new size's worst alone.
 */
static void resize_footprint_max_test(struct kunit *test)
{
	u64 big = 2 * 1024 * 1024, fp, got;
	void *p, *q;

	p = kmalloc(big, GFP_KERNEL | __GFP_NOWARN);
	if (!p)
		kunit_skip(test, "no 2 MiB kmalloc");
	q = krealloc(p, 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	fp = mt_footprint(MT_KMALLOC, 1, q);
	got = mt_resize_footprint_max(MT_KMALLOC, 1024, q, fp);
	p = krealloc(q, 1024, GFP_KERNEL);
	if (!p)
		kfree(q);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_GE(test, got, mt_footprint(MT_KMALLOC, 1024, p));
	KUNIT_EXPECT_GE(test, got, fp);
	KUNIT_EXPECT_EQ(test, mt_resize_footprint_max(MT_KMALLOC, big, p, 8),
			mt_footprint_max(MT_KMALLOC, big));
	kfree(p);

	p = vmalloc(big);
	KUNIT_ASSERT_NOT_NULL(test, p);
	fp = mt_footprint(MT_VMALLOC, big, p);
	KUNIT_EXPECT_EQ(test, mt_resize_footprint_max(MT_VMALLOC, 1024, p, fp),
			mt_footprint_max(MT_VMALLOC, 1024));
	vfree(p);
}

static struct kunit_case mt_alloc_kunit_cases[] = {
	KUNIT_CASE(alloc_bytes_test),
	KUNIT_CASE(cache_class_test),
	KUNIT_CASE(footprint_max_test),
	KUNIT_CASE(footprint_bound_test),
	KUNIT_CASE(footprint_bound_refuses_test),
	KUNIT_CASE(resize_footprint_max_test),
	{}
};

static struct kunit_suite mt_alloc_kunit_suite = {
	.name = "malloc_test_alloc",
	.init = mt_alloc_kunit_init,
	.test_cases = mt_alloc_kunit_cases,
};

kunit_test_suite(mt_alloc_kunit_suite);

#endif /* _MT_ALLOC_KUNIT_H */
