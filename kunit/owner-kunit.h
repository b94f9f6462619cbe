/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of the owners (mt_owner.c): which chunks mem_free and a
 * test's free policy free, resizes whose put-back fails, what a chunk
 * counts and costs once kept (its real footprint, as the kernel tells
 * it), mem_rnd_alloc's reserve against what its pieces really cost, the
 * dedicated caches of alloc=cache as owners create and destroy them, and
 * check_content's detection of overwritten chunks (which userspace cannot
 * reach).  Every figure is checked exact against what the owner's pool
 * holds, which the pool shows its tests' callers through mt_pool_peek().
 *
 * mt_owner.c includes this file at its bottom when the module is built
 * with its KUnit tests (make kunit: Kbuild's MT_KUNIT=y defines
 * CONFIG_MALLOC_TEST_KUNIT_TEST), as an in-tree unit includes its tests
 * under their Kconfig option: the suite may use the unit's statics, and
 * only the public headers of the others.  It runs in the loaded module:
 * its owners are its own, the charges are measured from where they stand
 * and left as found, and the parameters each case sets (check_content,
 * max_bytes, max_atomic_bytes) are put back when it ends.  Results:
 * /sys/kernel/debug/kunit/malloc_test_owner/results.
 */
#ifndef _MT_OWNER_KUNIT_H
#define _MT_OWNER_KUNIT_H

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/prandom.h>

#include "../mt_alloc.h"
#include "../mt_charge.h"
#include "../mt_pool.h"
#include "../mt_rand.h"

/* Every random sequence of the suite starts here: runs are repeatable. */
#define MT_KUNIT_SEED		0x6d616c6c6f635fULL

/**
 * struct mt_kunit_params - the parameters a case sets, as it found them
 * @check_content: mt_check_content
 * @max_bytes: mt_max_bytes
 * @max_atomic_bytes: mt_max_atomic_bytes
 */
struct mt_kunit_params {
	bool check_content;
	u64 max_bytes, max_atomic_bytes;
};

static void mt_kunit_params_restore(void *arg)
{
	const struct mt_kunit_params *was = arg;

	WRITE_ONCE(mt_check_content, was->check_content);
	WRITE_ONCE(mt_max_bytes, was->max_bytes);
	WRITE_ONCE(mt_max_atomic_bytes, was->max_atomic_bytes);
}

/*
 * Each case starts with check_content off and caps of its own (64 MiB,
 * 16 MiB of them urgent); the module's are put back when it ends, after
 * its owners are gone.
 */
static int mt_owner_kunit_init(struct kunit *test)
{
	struct mt_kunit_params *was = kunit_kzalloc(test, sizeof(*was),
						    GFP_KERNEL);

	if (!was)
		return -ENOMEM;
	was->check_content = READ_ONCE(mt_check_content);
	was->max_bytes = READ_ONCE(mt_max_bytes);
	was->max_atomic_bytes = READ_ONCE(mt_max_atomic_bytes);
	WRITE_ONCE(mt_check_content, false);
	WRITE_ONCE(mt_max_bytes, SZ_64M);
	WRITE_ONCE(mt_max_atomic_bytes, SZ_16M);
	return kunit_add_action_or_reset(test, mt_kunit_params_restore, was);
}

/* ------------------------------------------------ owners, mem_free --- */

KUNIT_DEFINE_ACTION_WRAPPER(mt_kunit_owner_destroy, mt_owner_destroy,
			    struct mt_owner *);

/*
 * An owner that holds nothing, its pool in @order, destroyed (all freed)
 * when the test ends.
 */
static struct mt_owner *mt_kunit_owner_by(struct kunit *test,
					  enum mt_pool_order order)
{
	struct mt_owner *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, o);
	mt_owner_init(o, "kunit", "kunit", order, MT_KUNIT_SEED);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							mt_kunit_owner_destroy,
							o), 0);
	return o;
}

/* An owner that holds nothing, its pool by size, as kept memory's. */
static struct mt_owner *mt_kunit_owner(struct kunit *test)
{
	return mt_kunit_owner_by(test, MT_POOL_BY_SIZE);
}

/* How a command allocates: process context, kernel,nowarn, any node. */
static const struct mt_how mt_kunit_how = {
	.gfp = GFP_KERNEL | __GFP_NOWARN,
	.node = NUMA_NO_NODE,
	.can_sleep = true,
};

/* Keep a chunk of @size, as mem_alloc does: it counts mt_chunk_bytes(). */
static void mt_kunit_keep(struct kunit *test, struct mt_owner *o,
			  enum mt_alloc_kind kind, u64 size)
{
	KUNIT_ASSERT_EQ(test, mt_owner_alloc(o, kind,
					     mt_chunk_bytes(kind, size),
					     &mt_kunit_how, NULL), 0);
}

/*
 * Field @off of struct mt_counts (bytes, charged, chunks) of @o's own
 * record: allocator @k's, or every allocator's summed when @k is
 * MT_NR_KINDS.  noinline: the record is read on this frame alone.
 */
static noinline s64 mt_kunit_read(struct mt_owner *o, unsigned int k,
				  size_t off)
{
	struct mt_counts n = {};
	const u64 *f = (const u64 *)((const char *)&n + off);
	unsigned int i;
	s64 sum = 0;

	mt_owner_add_counts(o, &n);
	if (k < MT_NR_KINDS)
		return f[k];
	for (i = 0; i < MT_NR_KINDS; i++)
		sum += f[i];
	return sum;
}

/* Field @f of allocator @k in @o's record. */
#define mt_kunit_kind(o, k, f)	\
	mt_kunit_read(o, k, offsetof(struct mt_counts, f))

/* Field @f in @o's record, every allocator summed. */
#define mt_kunit_total(o, f)	\
	mt_kunit_read(o, MT_NR_KINDS, offsetof(struct mt_counts, f))

/* What @o holds, by its own counters, its record's sums and the pool's. */
static void mt_kunit_expect_held(struct kunit *test, struct mt_owner *o,
				 s64 chunks, s64 bytes)
{
	KUNIT_EXPECT_EQ(test, (s64)mt_owner_chunks(o), chunks);
	KUNIT_EXPECT_EQ(test, (s64)mt_owner_bytes(o), bytes);
	KUNIT_EXPECT_EQ(test, mt_kunit_total(o, chunks), chunks);
	KUNIT_EXPECT_EQ(test, mt_kunit_total(o, bytes), bytes);
	KUNIT_EXPECT_EQ(test, mt_pool_count(&o->pool), chunks);
	KUNIT_EXPECT_EQ(test, o->pool.bytes, bytes);
}

/**
 * struct mt_kunit_snap - the module-wide charges, as a test case began
 * @committed: mt_committed, all that is charged against max_bytes
 * @reserved: mt_reserved, of which reserved ahead
 * @overhead: mt_overhead, of which the dedicated caches
 * @atomic: mt_atomic_committed, charged against max_atomic_bytes
 * @tracking: mt_tracking_bytes, the pools' pages
 */
struct mt_kunit_snap {
	s64 committed, reserved, overhead, atomic, tracking;
};

static void mt_kunit_snap_take(struct mt_kunit_snap *s)
{
	s->committed = atomic64_read(&mt_committed);
	s->reserved = atomic64_read(&mt_reserved);
	s->overhead = atomic64_read(&mt_overhead);
	s->atomic = atomic64_read(&mt_atomic_committed);
	s->tracking = atomic64_read(&mt_tracking_bytes);
}

/*
 * Every figure is exact, @when: what @o counts is what its pool holds,
 * its charge the sum of mt_footprint() of those chunks (never below the
 * bytes they count), allocated - freed that charge; since @s the module
 * charged exactly that, the pools' pages, the caches' overhead and what
 * is reserved, the urgent chunks against max_atomic_bytes too, and no
 * counter is below zero.  @o is the only owner the case uses.
 */
static void mt_kunit_expect_exact(struct kunit *test, struct mt_owner *o,
				  const struct mt_kunit_snap *s,
				  const char *when)
{
	u64 bytes = 0, fp = 0, urgent = 0, kind[MT_NR_KINDS] = { 0 }, f;
	s64 committed = atomic64_read(&mt_committed);
	struct mt_owner_stats st;
	struct mt_chunk c;
	unsigned int k;
	u32 i;

	for (i = 0; mt_pool_peek(&o->pool, i, &c); i++) {
		f = mt_footprint(c.kind, c.size, c.ptr);
		KUNIT_EXPECT_GE_MSG(test, f, c.size,
				    "%s: %s chunk of %llu bytes", when,
				    mt_alloc_names[c.kind], c.size);
		bytes += c.size;
		fp += f;
		kind[c.kind] += f;
		if (c.urgent)
			urgent += f;
	}
	KUNIT_EXPECT_EQ_MSG(test, i, o->pool.nr, "%s: chunks seen", when);
	mt_owner_stats(o, &st);
	KUNIT_EXPECT_EQ_MSG(test, st.chunks, (u64)o->pool.nr, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, st.bytes, bytes, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, o->pool.bytes, bytes, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, st.charged, fp, "%s: owner's charge", when);
	KUNIT_EXPECT_EQ_MSG(test, st.allocated - st.freed, st.charged,
			    "%s: allocated %llu, freed %llu", when,
			    st.allocated, st.freed);
	KUNIT_EXPECT_EQ_MSG(test, mt_kunit_total(o, chunks),
			    (s64)o->pool.nr, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, mt_kunit_total(o, bytes),
			    (s64)bytes, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, mt_kunit_total(o, charged),
			    (s64)fp, "%s", when);
	for (k = 0; k < MT_NR_KINDS; k++)
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_kind(o, k, charged),
				    (s64)kind[k], "%s: %s",
				    when, mt_alloc_names[k]);
	KUNIT_EXPECT_EQ_MSG(test, committed - s->committed,
			    (s64)fp +
			    atomic64_read(&mt_tracking_bytes) - s->tracking +
			    atomic64_read(&mt_overhead) - s->overhead +
			    atomic64_read(&mt_reserved) - s->reserved,
			    "%s: charged against max_bytes", when);
	KUNIT_EXPECT_EQ_MSG(test,
			    atomic64_read(&mt_atomic_committed) - s->atomic,
			    (s64)urgent, "%s: charged against max_atomic_bytes",
			    when);
	KUNIT_EXPECT_GE_MSG(test, committed, 0, "%s", when);
	KUNIT_EXPECT_GE_MSG(test, atomic64_read(&mt_reserved), 0, "%s", when);
	KUNIT_EXPECT_GE_MSG(test, atomic64_read(&mt_overhead), 0, "%s", when);
	KUNIT_EXPECT_GE_MSG(test, atomic64_read(&mt_atomic_committed), 0,
			    "%s", when);
	KUNIT_EXPECT_GE_MSG(test, atomic64_read(&mt_tracking_bytes), 0, "%s",
			    when);
}

/* The chunk added last to @o's pool, which has taken none out since. */
static void mt_kunit_newest(struct kunit *test, struct mt_owner *o,
			    struct mt_chunk *c)
{
	KUNIT_ASSERT_GT(test, o->pool.nr, 0);
	KUNIT_ASSERT_TRUE(test, mt_pool_peek(&o->pool, o->pool.nr - 1, c));
}

/*
 * mem_free SIZE (mt_owner_free_fit()) frees whole chunks, at least SIZE
 * bytes and no more than it must: the largest chunk that fits in what is
 * still to be freed, again and again; when every chunk is bigger than
 * what is left, the smallest.  Scenarios with one answer each.
 */
static void owner_free_fit_test(struct kunit *test)
{
	struct mt_owner *o = mt_kunit_owner(test);
	struct mt_kunit_snap snap;

	mt_kunit_snap_take(&snap);
	/* Documentation/malloc_test.rst's example: 200, then 100. */
	mt_kunit_keep(test, o, MT_KMALLOC, 100);
	mt_kunit_keep(test, o, MT_KMALLOC, 200);
	mt_kunit_keep(test, o, MT_KMALLOC, 300);
	mt_kunit_expect_held(test, o, 3, 600);
	/* charged their footprints: kmalloc's size classes, and the pool */
	KUNIT_EXPECT_EQ(test, mt_kunit_total(o, charged),
			(s64)(kmalloc_size_roundup(100) +
			      kmalloc_size_roundup(200) +
			      kmalloc_size_roundup(300)));
	mt_kunit_expect_exact(test, o, &snap, "100, 200, 300 kept");
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 250, false), 300);
	mt_kunit_expect_held(test, o, 1, 300);
	KUNIT_EXPECT_EQ(test, mt_kunit_total(o, charged),
			(s64)kmalloc_size_roundup(300));
	mt_kunit_expect_exact(test, o, &snap, "200, 100 freed");
	/* less held than asked: all of it */
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 1000, false), 300);
	mt_kunit_expect_held(test, o, 0, 0);
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 1, false), 0);

	/* every chunk bigger: only the smallest goes */
	mt_kunit_keep(test, o, MT_VMALLOC, 200);
	mt_kunit_keep(test, o, MT_KMALLOC, 100);
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 1, false), 100);
	mt_kunit_expect_held(test, o, 1, 200);
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 200, false), 200);

	/* an exact fit goes alone, before smaller ones that add up to it */
	mt_kunit_keep(test, o, MT_KMALLOC, 64);
	mt_kunit_keep(test, o, MT_KVMALLOC, 64);
	mt_kunit_keep(test, o, MT_KMALLOC, 128);
	mt_kunit_keep(test, o, MT_VMALLOC, 256);
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 128, false), 128);
	mt_kunit_expect_held(test, o, 3, 384);
	/* 129: 64 and 64 fit, then 1 is left and only 256 remains */
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 129, false), 384);
	mt_kunit_expect_held(test, o, 0, 0);

	/*
	 * What is still to be freed decides, not the request: of 50, 60 and
	 * 100, freeing 120 takes 100, then, with 20 left and every chunk
	 * bigger, the smallest, 50; 60 stays.
	 */
	mt_kunit_keep(test, o, MT_KMALLOC, 60);
	mt_kunit_keep(test, o, MT_KMALLOC, 100);
	mt_kunit_keep(test, o, MT_KMALLOC, 50);
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 120, false), 150);
	mt_kunit_expect_held(test, o, 1, 60);
	mt_kunit_expect_exact(test, o, &snap, "60 left");
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 60, false), 60);
	mt_kunit_expect_held(test, o, 0, 0);
	/* what stays charged: the pool's spare pages */
	mt_kunit_expect_exact(test, o, &snap, "all freed");
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed) - snap.committed,
			(s64)o->pool.nr_spare * PAGE_SIZE);
}

/*
 * A test's free policy (mt_owner_free_one()): fifo frees the oldest
 * chunk, lifo the newest, random any; each returns what the chunk
 * counted, 0 when nothing is held.
 */
static void owner_free_one_test(struct kunit *test)
{
	struct mt_owner *o = mt_kunit_owner_by(test, MT_POOL_BY_AGE);
	struct mt_kunit_snap snap;
	u64 sum = 0, freed;
	unsigned int i;

	mt_kunit_snap_take(&snap);
	mt_kunit_keep(test, o, MT_KMALLOC, 300);
	mt_kunit_keep(test, o, MT_VMALLOC, 100);
	mt_kunit_keep(test, o, MT_KMALLOC, 200);
	mt_kunit_keep(test, o, MT_PAGES, 1);
	mt_kunit_expect_exact(test, o, &snap, "four kept");
	KUNIT_EXPECT_EQ(test, mt_owner_free_one(o, MT_FREE_FIFO), 300);
	KUNIT_EXPECT_EQ(test, mt_owner_free_one(o, MT_FREE_LIFO), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mt_owner_free_one(o, MT_FREE_FIFO), 100);
	mt_kunit_expect_held(test, o, 1, 200);
	KUNIT_EXPECT_EQ(test, mt_owner_free_one(o, MT_FREE_LIFO), 200);
	KUNIT_EXPECT_EQ(test, mt_owner_free_one(o, MT_FREE_FIFO), 0);
	KUNIT_EXPECT_EQ(test, mt_owner_free_one(o, MT_FREE_LIFO), 0);

	for (i = 1; i <= 4; i++)
		mt_kunit_keep(test, o, MT_KMALLOC, i);
	for (i = 0; i < 4; i++) {
		freed = mt_owner_free_one(o, MT_FREE_RANDOM);
		KUNIT_EXPECT_TRUE_MSG(test, freed >= 1 && freed <= 4,
				      "random free %u gave %llu", i, freed);
		sum += freed;
	}
	KUNIT_EXPECT_EQ(test, sum, 10);
	KUNIT_EXPECT_EQ(test, mt_owner_free_one(o, MT_FREE_RANDOM), 0);
	mt_kunit_expect_held(test, o, 0, 0);
	mt_kunit_expect_exact(test, o, &snap, "all freed");
}

/* How an urgent command allocates: gfp=atomic, from process context. */
static const struct mt_how mt_kunit_urgent_how = {
	.gfp = GFP_ATOMIC | __GFP_NOWARN,
	.node = NUMA_NO_NODE,
	.can_sleep = true,
};

/* The chunk a put-back test resizes: asked 100 bytes. */
#define MT_KU_PUTBACK_SIZE	100

/*
 * Keep one chunk of @kind (allocated as @keep says) in @o, which holds
 * none; make its pool refuse every add (max 0), and max_bytes every
 * charge when @no_room; resize it to @want: the resize succeeds or fails,
 * and its put-back fails whatever happened.  The chunk is then gone,
 * freed and uncharged once: -ENOMEM, *diff the old size lost, every
 * figure exact.
 */
static void mt_kunit_lost_resize(struct kunit *test, struct mt_owner *o,
				 const struct mt_kunit_snap *snap,
				 enum mt_alloc_kind kind,
				 const struct mt_how *keep, u64 want,
				 bool shrink, const struct mt_how *how,
				 bool no_room, const char *what)
{
	u64 old = mt_chunk_bytes(kind, MT_KU_PUTBACK_SIZE);
	char when[80];
	s64 diff = 1;
	int ret;

	snprintf(when, sizeof(when), "%s, %s", mt_alloc_names[kind],
		 what);
	KUNIT_ASSERT_EQ_MSG(test, mt_owner_alloc(o, kind, old, keep, NULL), 0,
			    "%s", when);
	KUNIT_ASSERT_EQ(test, mt_pool_count(&o->pool), 1);
	mt_kunit_expect_exact(test, o, snap, when);
	o->pool.max = 0;
	if (no_room)
		WRITE_ONCE(mt_max_bytes, atomic64_read(&mt_committed));
	ret = mt_owner_realloc_random(o, want, U64_MAX, shrink, how, &diff);
	WRITE_ONCE(mt_max_bytes, SZ_64M);
	o->pool.max = MT_POOL_MAX_CHUNKS;
	KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, diff, -(s64)old, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, mt_pool_count(&o->pool), 0, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&o->resizing), 0, "%s", when);
	mt_kunit_expect_exact(test, o, snap, when);
}

/*
 * Issue 13, item 5: when a resize's put-back failed (the pool full
 * meanwhile), mem_rnd_alloc uncharged too much, and the charge, once
 * below zero, refused every allocation until rmmod.  The pool's max
 * lowered below what it holds makes the put-back fail for sure: for every
 * allocator, whether the resize grew the chunk, was refused (a shrink not
 * allowed, too big, past max_bytes) or changed its urgency, the chunk is
 * freed and uncharged once, the owner says it lost the old size, and
 * every figure stays exact: the owner's bytes, charge and chunks, the
 * totals, mt_committed (the footprints held, the pool's pages, the
 * caches), mt_atomic_committed, none below zero.  The same resizes with
 * room in the pool keep the chunk, counted at its new footprint (a
 * shrink made in place frees nothing); an add to a full pool gives back
 * its charge, to its reserve too; and afterwards an allocation that just
 * fits max_bytes is accepted.
 */
static void owner_putback_test(struct kunit *test)
{
	static const enum mt_alloc_kind kinds[] = {
		MT_KMALLOC, MT_VMALLOC, MT_KVMALLOC, MT_PAGES, MT_CACHE,
		MT_PERCPU,
	};
	const u64 grown = 5000;
	struct mt_owner *o = mt_kunit_owner(test);
	const struct mt_how *keep, *how;
	struct mt_owner_stats before, after;
	u64 old, fp, room, want;
	struct mt_kunit_snap snap;
	struct mt_reserve res;
	struct mt_chunk c, d;
	enum mt_alloc_kind k;
	bool urgent_ok;
	unsigned int i;
	s64 diff;

	mt_kunit_snap_take(&snap);
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		k = kinds[i];
		/* vmalloc and percpu take no atomic flags from process context */
		urgent_ok = k != MT_VMALLOC && k != MT_PERCPU;
		old = mt_chunk_bytes(k, MT_KU_PUTBACK_SIZE);

		mt_kunit_lost_resize(test, o, &snap, k, &mt_kunit_how, grown,
				     true, &mt_kunit_how, false, "grown");
		mt_kunit_lost_resize(test, o, &snap, k, &mt_kunit_how, 10,
				     false, &mt_kunit_how, false,
				     "no shrink allowed");
		mt_kunit_lost_resize(test, o, &snap, k, &mt_kunit_how, grown,
				     true, &mt_kunit_how, true,
				     "past max_bytes");
		mt_kunit_lost_resize(test, o, &snap, k, &mt_kunit_how,
				     mt_allocators[k].max_size + 1, true,
				     &mt_kunit_how, false, "too big");
		if (urgent_ok) {
			mt_kunit_lost_resize(test, o, &snap, k,
					     &mt_kunit_urgent_how, grown, true,
					     &mt_kunit_how, false,
					     "urgent, resized plain");
			mt_kunit_lost_resize(test, o, &snap, k, &mt_kunit_how,
					     grown, true, &mt_kunit_urgent_how,
					     false, "resized urgent");
			mt_kunit_lost_resize(test, o, &snap, k,
					     &mt_kunit_urgent_how, grown, true,
					     &mt_kunit_urgent_how, true,
					     "urgent, past max_bytes");
		}

		/* with room in the pool: kept at its new size and footprint */
		keep = urgent_ok ? &mt_kunit_urgent_how : &mt_kunit_how;
		how = &mt_kunit_how;
		KUNIT_ASSERT_EQ(test, mt_owner_alloc(o, k, old, keep, NULL), 0);
		KUNIT_ASSERT_EQ(test,
				mt_owner_realloc_random(o, grown, U64_MAX, true,
							how, &diff), 0);
		KUNIT_EXPECT_EQ_MSG(test, diff,
				    (s64)mt_chunk_bytes(k, grown) - (s64)old,
				    "%s grown", mt_alloc_names[k]);
		mt_kunit_expect_held(test, o, 1, mt_chunk_bytes(k, grown));
		mt_kunit_expect_exact(test, o, &snap, "grown, kept");
		/* room cuts the growth, in the allocator's granules */
		room = PAGE_SIZE + 7;
		want = mt_fit(k, 3 * PAGE_SIZE, mt_chunk_bytes(k, grown) + room);
		KUNIT_ASSERT_EQ(test,
				mt_owner_realloc_random(o, 3 * PAGE_SIZE, room,
							true, how, &diff), 0);
		KUNIT_EXPECT_EQ_MSG(test, diff,
				    (s64)want - (s64)mt_chunk_bytes(k, grown),
				    "%s grown within its room",
				    mt_alloc_names[k]);
		mt_kunit_expect_held(test, o, 1, want);
		mt_kunit_expect_exact(test, o, &snap, "grown within its room");
		KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), want);
		mt_kunit_expect_exact(test, o, &snap, "freed");
	}

	/* a kmalloc shrink krealloc() makes in place frees nothing */
	KUNIT_ASSERT_EQ(test, mt_owner_alloc(o, MT_KMALLOC, 100, &mt_kunit_how,
					     NULL), 0);
	mt_kunit_newest(test, o, &c);
	mt_owner_stats(o, &before);
	KUNIT_ASSERT_EQ(test, mt_owner_realloc_random(o, 90, 0, true,
						      &mt_kunit_how, &diff), 0);
	KUNIT_EXPECT_EQ(test, diff, -10);
	mt_kunit_newest(test, o, &d);
	mt_owner_stats(o, &after);
	fp = ksize(d.ptr);
	if (d.ptr == c.ptr && fp == ksize(c.ptr)) {
		KUNIT_EXPECT_EQ(test, after.freed, before.freed);
		KUNIT_EXPECT_EQ(test, after.allocated, before.allocated);
	}
	KUNIT_EXPECT_EQ(test, after.charged, fp);
	mt_kunit_expect_exact(test, o, &snap, "shrunk in place");

	/* a full pool refuses the add: the charge goes back, to a reserve */
	o->pool.max = mt_pool_count(&o->pool);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_KMALLOC, 200, &mt_kunit_how,
					     NULL), -ENOBUFS);
	mt_kunit_expect_exact(test, o, &snap, "the pool full");
	KUNIT_ASSERT_TRUE(test, mt_reserve_init(&res, 10000, false));
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_PAGES, PAGE_SIZE,
					     &mt_kunit_how, &res), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_KMALLOC, 200,
					     &mt_kunit_urgent_how, &res),
			-ENOBUFS);
	KUNIT_EXPECT_EQ(test, res.left, 10000);
	mt_kunit_expect_exact(test, o, &snap, "the pool full, a reserve");
	mt_reserve_end(&res);
	o->pool.max = MT_POOL_MAX_CHUNKS;

	/* nothing drifted: what just fits max_bytes is accepted */
	WRITE_ONCE(mt_max_bytes, atomic64_read(&mt_committed) +
		   mt_footprint_max(MT_KMALLOC, 200));
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_KMALLOC, 200, &mt_kunit_how,
					     NULL), 0);
	WRITE_ONCE(mt_max_bytes, SZ_64M);
	mt_kunit_expect_held(test, o, 2, 290);
	mt_kunit_expect_exact(test, o, &snap, "a later allocation");
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 290);
	mt_kunit_expect_exact(test, o, &snap, "all freed");
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed) - snap.committed,
			(s64)o->pool.nr_spare * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_atomic_committed),
			snap.atomic);
}

/* ------------------------------------------------------- footprints --- */

/*
 * A chunk's footprint as the kernel tells it, apart from mt_footprint():
 * ksize() of a slab object, the size class of a dedicated cache, whole
 * pages, each possible CPU's copy aligned to 8 bytes.  For a vmalloc area
 * the least it can be: its whole pages and the array that lists them;
 * *@exact is then false.
 */
static u64 mt_kunit_fp(enum mt_alloc_kind kind, u64 bytes, const void *p,
		       bool *exact)
{
	u64 n = num_possible_cpus(), pages;

	*exact = true;
	switch (kind) {
	case MT_KMALLOC:
	case MT_KMALLOC_NOLOCK:
		return ksize(p);
	case MT_CACHE:
	case MT_MEMPOOL:
		return roundup_pow_of_two(max_t(u64, bytes, 8));
	case MT_PAGES:
	case MT_PAGES_NOLOCK:
		return PAGE_SIZE << get_order(bytes);
	case MT_PERCPU:
		return ALIGN(div64_u64(bytes, n), sizeof(u64)) * n;
	case MT_KVMALLOC:
		if (!is_vmalloc_addr(p))
			return ksize(p);
		fallthrough;
	default:
		*exact = false;
		pages = PAGE_ALIGN(bytes) >> PAGE_SHIFT;
		return (pages << PAGE_SHIFT) + pages * sizeof(struct page *);
	}
}

/*
 * What an owner holds, per allocator too, are the bytes its chunks count
 * (whole pages, a copy per CPU); what is charged is their footprint, what
 * the kernel spent: a 300-byte kmalloc chunk costs its size class.
 */
static void owner_footprint_test(struct kunit *test)
{
	static const enum mt_alloc_kind k[] = {
		MT_PAGES, MT_PERCPU, MT_CACHE, MT_KMALLOC, MT_VMALLOC,
		MT_KVMALLOC, MT_KMALLOC, MT_KVMALLOC,
	};
	static const u64 asked[] = {
		5000, 100, 100, 100, 100, 3000, 300, 3 * PAGE_SIZE,
	};
	s64 kb[MT_NR_KINDS], kc[MT_NR_KINDS], kf[MT_NR_KINDS];
	s64 kb0[MT_NR_KINDS], kc0[MT_NR_KINDS];
	struct mt_owner *o = mt_kunit_owner(test);
	u64 bytes = 0, fps = 0, pages = mt_chunk_bytes(MT_PAGES, 5000);
	u64 fp, want, cb;
	struct mt_kunit_snap snap;
	const char *name;
	struct mt_chunk c;
	unsigned int i;
	bool exact;

	mt_kunit_snap_take(&snap);
	for (i = 0; i < MT_NR_KINDS; i++) {
		kb[i] = mt_kunit_kind(o, i, bytes);
		kc[i] = mt_kunit_kind(o, i, chunks);
		kf[i] = mt_kunit_kind(o, i, charged);
		kb0[i] = kb[i];
		kc0[i] = kc[i];
	}
	for (i = 0; i < ARRAY_SIZE(k); i++) {
		name = mt_alloc_names[k[i]];
		cb = mt_chunk_bytes(k[i], asked[i]);
		mt_kunit_keep(test, o, k[i], asked[i]);
		mt_kunit_newest(test, o, &c);
		KUNIT_EXPECT_EQ(test, c.size, cb);
		fp = mt_footprint(k[i], cb, c.ptr);
		want = mt_kunit_fp(k[i], cb, c.ptr, &exact);
		if (exact)
			KUNIT_EXPECT_EQ_MSG(test, fp, want, "%s chunk of %llu",
					    name, asked[i]);
		else
			KUNIT_EXPECT_GE_MSG(test, fp, want, "%s chunk of %llu",
					    name, asked[i]);
		KUNIT_EXPECT_LE_MSG(test, fp, mt_footprint_max(k[i], cb),
				    "%s chunk of %llu", name, asked[i]);
		if (k[i] == MT_KMALLOC)
			KUNIT_EXPECT_EQ_MSG(test, fp, kmalloc_size_roundup(cb),
					    "kmalloc chunk of %llu", asked[i]);
		bytes += cb;
		fps += fp;
		kb[k[i]] += cb;
		kc[k[i]]++;
		kf[k[i]] += fp;
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_kind(o, k[i], bytes),
				    kb[k[i]], "%s bytes", name);
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_kind(o, k[i], chunks),
				    kc[k[i]], "%s chunks", name);
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_kind(o, k[i], charged),
				    kf[k[i]], "%s charged", name);
	}
	KUNIT_EXPECT_EQ(test, pages, PAGE_SIZE << get_order(5000));
	mt_kunit_expect_held(test, o, ARRAY_SIZE(k), bytes);
	KUNIT_EXPECT_EQ(test, mt_kunit_total(o, charged), (s64)fps);
	KUNIT_EXPECT_GE(test, fps, bytes);
	mt_kunit_expect_exact(test, o, &snap, "one of each kept");

	/* mem_free 'pages' bytes: the pages chunk, whole, fits exactly */
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, pages, false), pages);
	KUNIT_EXPECT_EQ(test, mt_kunit_kind(o, MT_PAGES, bytes),
			kb[MT_PAGES] - (s64)pages);
	KUNIT_EXPECT_EQ(test, mt_kunit_kind(o, MT_PAGES, chunks),
			kc[MT_PAGES] - 1);
	KUNIT_EXPECT_EQ(test, mt_kunit_kind(o, MT_PAGES, charged),
			0);
	mt_kunit_expect_exact(test, o, &snap, "the pages freed");
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), bytes - pages);
	mt_kunit_expect_held(test, o, 0, 0);
	for (i = 0; i < MT_NR_KINDS; i++) {
		KUNIT_EXPECT_EQ(test, mt_kunit_kind(o, i, bytes),
				kb0[i]);
		KUNIT_EXPECT_EQ(test, mt_kunit_kind(o, i, chunks),
				kc0[i]);
		KUNIT_EXPECT_EQ(test, mt_kunit_kind(o, i, charged),
				0);
	}
	mt_kunit_expect_exact(test, o, &snap, "all freed");
}

/* Sizes across the allocators' classes: powers of two, 96, 192, pages. */
static const u64 mt_ku_sizes[] = {
	1, 7, 8, 9, 63, 64, 65, 96, 97, 100, 128, 129, 192, 193, 255, 256,
	257, 300, 511, 512, 513, 1000, 1024, 1025, 2048, 2049,
	PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 1, 6000, 2 * PAGE_SIZE,
	2 * PAGE_SIZE + 1, 3 * PAGE_SIZE + 1, SZ_16K, SZ_16K + 1, SZ_32K,
	SZ_32K + 1, SZ_64K, SZ_64K + 1, 100000, SZ_128K + 1, SZ_256K + 1,
	SZ_512K + 1, SZ_1M - 1, SZ_1M, SZ_1M + 1, PMD_SIZE - 1, PMD_SIZE,
	PMD_SIZE + 1, 3 * SZ_1M, SZ_4M,
};

/*
 * Footprints of real chunks, for every allocator and sizes across its
 * classes (1 byte to 4 MiB, its max at most): mt_footprint() is what the
 * kernel tells (mt_kunit_fp()), at least the bytes the chunk counts, at
 * most mt_footprint_max(), the worst case charged before it is made,
 * which grows with the size across them; the owner is charged exactly the
 * footprint once the chunk is kept.  (mt_footprint_max() at every size:
 * malloc_test_alloc's footprint_max_test.)
 */
static void footprint_real_test(struct kunit *test)
{
	struct mt_owner *o = mt_kunit_owner(test);
	u64 b, f, fm, want, pb, pfm, bytes;
	struct mt_kunit_snap snap;
	enum mt_alloc_kind k;
	const char *name;
	struct mt_chunk c;
	unsigned int i;
	s64 charged;
	bool exact;
	int ret;

	mt_kunit_snap_take(&snap);
	WRITE_ONCE(mt_max_bytes, snap.committed + SZ_256M);
	for (k = 0; k < MT_NR_KINDS; k++) {
		name = mt_alloc_names[k];
		pb = 0;
		pfm = 0;
		bytes = 0;
		for (i = 0; i < ARRAY_SIZE(mt_ku_sizes); i++) {
			if (mt_ku_sizes[i] > mt_allocators[k].max_size)
				continue;
			b = mt_chunk_bytes(k, mt_ku_sizes[i]);
			fm = mt_footprint_max(k, b);
			KUNIT_EXPECT_GE_MSG(test, fm, b, "%s, %llu bytes", name,
					    b);
			if (b >= pb)
				KUNIT_EXPECT_GE_MSG(test, fm, pfm,
						    "%s, %llu bytes after %llu",
						    name, b, pb);
			pb = b;
			pfm = fm;
			charged = mt_kunit_total(o, charged);
			ret = mt_owner_alloc(o, k, b, &mt_kunit_how, NULL);
			/* large, or a nolock allocator's: allowed to fail */
			if (ret == -ENOMEM && (b > MT_TIMER_MAX_BYTES ||
					       mt_allocators[k].nolock)) {
				kunit_info(test,
					   "%s: the kernel refused %llu bytes\n",
					   name, b);
				continue;
			}
			KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s, %llu bytes",
					    name, b);
			mt_kunit_newest(test, o, &c);
			f = mt_footprint(k, b, c.ptr);
			want = mt_kunit_fp(k, b, c.ptr, &exact);
			KUNIT_EXPECT_LE_MSG(test, f, fm, "%s, %llu bytes", name,
					    b);
			KUNIT_EXPECT_GE_MSG(test, f, b, "%s, %llu bytes", name,
					    b);
			if (exact)
				KUNIT_EXPECT_EQ_MSG(test, f, want,
						    "%s, %llu bytes", name, b);
			else
				KUNIT_EXPECT_GE_MSG(test, f, want,
						    "%s, %llu bytes", name, b);
			KUNIT_EXPECT_EQ_MSG(test,
					    mt_kunit_total(o, charged) - charged,
					    (s64)f, "%s, %llu bytes", name, b);
			bytes += b;
		}
		mt_kunit_expect_exact(test, o, &snap, name);
		KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), bytes);
		mt_kunit_expect_exact(test, o, &snap, "all freed");
	}
}

/* ---------------------------------------------- rnd_alloc, caches --- */

/*
 * alloc=cache's size classes as mt_alloc.h describes them: class @cls
 * holds objects of 2^(MT_CACHE_MIN_SHIFT + @cls) bytes, and a size goes
 * to the smallest class that holds it.  Worked out here, apart from
 * mt_alloc.c's own mt_cache_class(), which malloc_test_alloc's
 * cache_class_test holds to the same.
 */
static u64 mt_kunit_class_size(unsigned int cls)
{
	return 1ULL << (MT_CACHE_MIN_SHIFT + cls);
}

static unsigned int mt_kunit_class(u64 bytes)
{
	unsigned int cls = 0;

	while (mt_kunit_class_size(cls) < bytes)
		cls++;
	return cls;
}

/**
 * struct mt_kunit_rnd - a mem_rnd_alloc command, replayed
 * @kind: its allocator
 * @min: its smallest piece, asked
 * @max: its largest piece, asked
 * @total: the bytes its pieces count together
 */
struct mt_kunit_rnd {
	enum mt_alloc_kind kind;
	u64 min, max, total;
};

/*
 * mem_rnd_alloc's reserve covers what its pieces really cost.  Each
 * command is replayed as mt_cmd.c runs it (pieces of random sizes, the
 * last cut to what is left, drawn on the reserve of mt_footprint_bound()
 * and mt_pool_bound()) under a max_bytes that leaves nothing beyond the
 * reserve (and, for alloc=cache, its caches): no piece is refused, the
 * charge never passes max_bytes, and every figure is exact.
 */
static void rnd_alloc_reserve_test(struct kunit *test)
{
	static const struct mt_kunit_rnd runs[] = {
		{ MT_KMALLOC, 1, 300, SZ_64K },
		{ MT_KMALLOC, 100, 200, 10000 },
		{ MT_KMALLOC, 2049, 9000, SZ_256K },
		{ MT_VMALLOC, 1, 1, 200 },
		{ MT_VMALLOC, 1, 3 * PAGE_SIZE + 1, SZ_256K },
		{ MT_KVMALLOC, PAGE_SIZE + 1, PAGE_SIZE + 1, 100000 },
		{ MT_KVMALLOC, 1, PMD_SIZE + 1, SZ_8M },
		{ MT_PAGES, 1, 5000, SZ_256K + 5 },
		{ MT_PAGES, 3 * PAGE_SIZE, 3 * PAGE_SIZE, SZ_64K + 1 },
		{ MT_CACHE, 1, 1000, SZ_64K },
		{ MT_CACHE, 129, 129, 20000 },
		{ MT_MEMPOOL, 1, 1000, SZ_64K },
		{ MT_MEMPOOL, 300, 300, 20000 },
		{ MT_PERCPU, 1, 100, 2000 },
		{ MT_PERCPU, 9, 17, 5003 },
	};
	struct mt_owner *o = mt_kunit_owner(test);
	u64 cmin, cmax, worst, room, left, size, bytes, got;
	const struct mt_kunit_rnd *r;
	struct mt_kunit_snap snap;
	struct mt_reserve res;
	struct rnd_state rnd;
	unsigned int i, cls;
	const char *name;
	int ret;

	prandom_seed_state(&rnd, MT_KUNIT_SEED);
	mt_kunit_snap_take(&snap);
	for (i = 0; i < ARRAY_SIZE(runs); i++) {
		r = &runs[i];
		name = mt_alloc_names[r->kind];
		cmin = mt_chunk_bytes(r->kind, r->min);
		cmax = mt_chunk_bytes(r->kind, r->max);
		worst = mt_footprint_bound(r->kind, cmin, cmax, r->total) +
			mt_pool_bound(div64_u64(r->total, cmin) + 64);
		room = worst;
		/* a cut piece may be of a class below MIN's */
		if (r->kind == MT_CACHE || r->kind == MT_MEMPOOL)
			for (cls = 0; cls <= mt_kunit_class(cmax); cls++)
				room += mt_cache_overhead(mt_kunit_class_size(cls));
		/* and each class's mempool, its reserve full */
		if (r->kind == MT_MEMPOOL)
			for (cls = 0; cls <= mt_kunit_class(cmax); cls++)
				room += mt_mempool_overhead(mt_kunit_class_size(cls),
							    mt_mempool_reserve);
		WRITE_ONCE(mt_max_bytes, atomic64_read(&mt_committed) + room);
		KUNIT_ASSERT_TRUE_MSG(test, mt_reserve_init(&res, worst, false),
				      "%s %llu %llu %llu", name, r->min, r->max,
				      r->total);
		got = 0;
		for (left = r->total; left; left -= bytes) {
			size = mt_rand_range(&rnd, min(r->min, left),
					     min(r->max, left));
			bytes = mt_fit(r->kind, size, left);
			if (!bytes)
				break;
			ret = mt_owner_alloc(o, r->kind, bytes, &mt_kunit_how,
					     &res);
			KUNIT_EXPECT_LE_MSG(test,
					    (u64)atomic64_read(&mt_committed),
					    READ_ONCE(mt_max_bytes),
					    "%s %llu %llu %llu", name, r->min,
					    r->max, r->total);
			if (ret == -ENOMEM)
				continue;
			KUNIT_ASSERT_EQ_MSG(test, ret, 0,
					    "%s %llu %llu %llu: a piece of %llu, %llu left, %llu reserved",
					    name, r->min, r->max, r->total,
					    bytes, left, res.left);
			got += bytes;
		}
		mt_kunit_expect_exact(test, o, &snap, name);
		mt_reserve_end(&res);
		mt_kunit_expect_exact(test, o, &snap, name);
		WRITE_ONCE(mt_max_bytes, SZ_64M);
		KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), got);
		mt_kunit_expect_exact(test, o, &snap, "all freed");
	}
}

/* The overhead charged for the caches of the classes in @mask. */
static s64 mt_kunit_caches_charge(unsigned long mask)
{
	unsigned int cls;
	s64 sum = 0;

	for_each_set_bit(cls, &mask, MT_CACHE_CLASSES)
		sum += mt_cache_overhead(mt_kunit_class_size(cls));
	return sum;
}

/*
 * alloc=cache: one dedicated cache per size class (8 bytes to 1 MiB,
 * powers of two: mt_kunit_class()) and owner, created on first use,
 * destroyed with its last chunk, charged its overhead while it exists
 * (refused when that would pass max_bytes); a test's stay until it ends
 * (pinned), and a ctx=timer test's are all created at its start, up to
 * its MAX's class, as its callback cannot create one.
 */
static void owner_caches_test(struct kunit *test)
{
	const struct mt_how atomic_how = {
		.gfp = GFP_ATOMIC | __GFP_NOWARN,
		.node = NUMA_NO_NODE,
		.can_sleep = false,
	};
	int caches = atomic_read(&mt_nr_caches);
	struct mt_owner *o = mt_kunit_owner(test);
	struct mt_caches *cs = &o->caches;
	unsigned int c128 = mt_kunit_class(128), c256 = mt_kunit_class(256);
	unsigned int c8 = mt_kunit_class(8), c1m = mt_kunit_class(SZ_1M);
	struct mt_kunit_snap snap;
	unsigned int cls;

	mt_kunit_snap_take(&snap);
	KUNIT_ASSERT_EQ(test, c1m, MT_CACHE_CLASSES - 1);

	/* kept memory's: created on first use, gone with the last chunk */
	mt_kunit_keep(test, o, MT_CACHE, 100);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead) - snap.overhead,
			mt_kunit_caches_charge(BIT(c128)));
	KUNIT_EXPECT_NOT_NULL(test, cs->cache[c128]);
	KUNIT_EXPECT_EQ(test, atomic_read(&cs->objects[c128]), 1);
	mt_kunit_keep(test, o, MT_CACHE, 128);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&cs->objects[c128]), 2);
	mt_kunit_keep(test, o, MT_CACHE, 129);
	mt_kunit_keep(test, o, MT_CACHE, 1);
	mt_kunit_keep(test, o, MT_CACHE, SZ_1M);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 4);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead) - snap.overhead,
			mt_kunit_caches_charge(BIT(c128) | BIT(c256) |
					       BIT(c8) | BIT(c1m)));
	mt_kunit_expect_exact(test, o, &snap, "four caches");
	KUNIT_EXPECT_EQ(test, atomic_read(&cs->objects[c256]), 1);
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 129, false), 129);
	KUNIT_EXPECT_NULL(test, cs->cache[c256]);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead) - snap.overhead,
			mt_kunit_caches_charge(BIT(c128) | BIT(c8) |
					       BIT(c1m)));

	/* a new cache whose overhead would pass max_bytes: refused */
	WRITE_ONCE(mt_max_bytes, atomic64_read(&mt_committed) +
		   mt_footprint_max(MT_CACHE, 200) +
		   mt_kunit_caches_charge(BIT(c256)) - 1);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_CACHE, 200, &mt_kunit_how,
					     NULL), -ENOSPC);
	KUNIT_EXPECT_NULL(test, cs->cache[c256]);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 3);
	mt_kunit_expect_exact(test, o, &snap, "a cache refused");
	WRITE_ONCE(mt_max_bytes, SZ_64M);

	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 100 + 128 + 1 + SZ_1M);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches), caches);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead), snap.overhead);
	for (cls = 0; cls < MT_CACHE_CLASSES; cls++) {
		KUNIT_EXPECT_NULL_MSG(test, cs->cache[cls], "class %u", cls);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&cs->objects[cls]), 0,
				    "class %u", cls);
	}

	/* a test's: they stay, emptied, until it ends */
	cs->pin = true;
	mt_kunit_keep(test, o, MT_CACHE, 64);
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 64);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 1);
	KUNIT_EXPECT_NOT_NULL(test, cs->cache[mt_kunit_class(64)]);
	mt_caches_unpin(&o->caches);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches), caches);
	KUNIT_EXPECT_NULL(test, cs->cache[mt_kunit_class(64)]);

	/* ctx=timer: every class up to MAX's, made before; none after */
	cs->pin = true;
	KUNIT_ASSERT_EQ(test, mt_caches_pin(&o->caches, 1000, 0), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches,
			mt_kunit_class(1000) + 1);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_CACHE, 1000, &atomic_how,
					     NULL), 0);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_CACHE, 8, &atomic_how,
					     NULL), 0);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_CACHE, 2000, &atomic_how,
					     NULL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches,
			mt_kunit_class(1000) + 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead) - snap.overhead,
			mt_kunit_caches_charge(GENMASK(mt_kunit_class(1000),
						       0)));
	mt_kunit_expect_held(test, o, 2, 1008);
	/* gfp=atomic: charged against max_atomic_bytes too */
	mt_kunit_expect_exact(test, o, &snap, "two atomic chunks");
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 1008);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches,
			mt_kunit_class(1000) + 1);
	mt_caches_unpin(&o->caches);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches), caches);
	mt_kunit_expect_exact(test, o, &snap, "all freed, unpinned");
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead), snap.overhead);
}

/* The overhead of the classes in @mask with mempools of @min_nr. */
static s64 mt_kunit_pools_charge(unsigned long mask, unsigned int min_nr)
{
	unsigned int cls;
	s64 sum = 0;

	for_each_set_bit(cls, &mask, MT_CACHE_CLASSES)
		sum += mt_mempool_overhead(mt_kunit_class_size(cls), min_nr);
	return mt_kunit_caches_charge(mask) + sum;
}

/*
 * alloc=mempool: a mempool per size class over the class's cache,
 * created with it (or later, on the class's first mempool chunk),
 * keeping @min_nr elements of the class's size, charged while it exists
 * (refused past max_bytes), destroyed with the class's last chunk; a
 * chunk the cache served is no reserve's; ctx=timer's pools are made at
 * its start.
 */
static void owner_mempool_test(struct kunit *test)
{
	struct mt_how how = mt_kunit_how, atomic_how = {
		.gfp = GFP_ATOMIC | __GFP_NOWARN,
		.node = NUMA_NO_NODE,
	};
	int caches = atomic_read(&mt_nr_caches);
	struct mt_owner *o = mt_kunit_owner(test);
	struct mt_caches *cs = &o->caches;
	unsigned int c128 = mt_kunit_class(128), c64 = mt_kunit_class(64);
	struct mt_kunit_snap snap;
	mempool_t *pool;

	how.min_nr = 3;
	mt_kunit_snap_take(&snap);
	KUNIT_ASSERT_EQ(test, mt_owner_alloc(o, MT_MEMPOOL, 100, &how, NULL),
			0);
	pool = cs->mp[c128].pool;
	KUNIT_ASSERT_NOT_NULL(test, pool);
	KUNIT_EXPECT_EQ(test, pool->min_nr, 3);
	KUNIT_EXPECT_EQ(test, pool->curr_nr, 3);
	KUNIT_EXPECT_PTR_EQ(test, cs->mp[c128].cache, cs->cache[c128]);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead) - snap.overhead,
			mt_kunit_pools_charge(BIT(c128), 3));
	/* the reserve's fill is no chunk's, and the cache served this one */
	KUNIT_EXPECT_EQ(test, atomic_long_read(&cs->mp[c128].taken), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&cs->mp[c128].backed), 1);
	KUNIT_EXPECT_EQ(test, mt_mempools_from_reserve(cs), 0);
	mt_kunit_expect_held(test, o, 1, 100);
	mt_kunit_expect_exact(test, o, &snap, "a mempool chunk");

	/* an alloc=cache chunk of the class shares the cache, not the pool */
	mt_kunit_keep(test, o, MT_CACHE, 120);
	KUNIT_EXPECT_EQ(test, atomic_read(&cs->objects[c128]), 2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&cs->mp[c128].taken), 1);
	/* the other way round: a pool made later over an existing cache */
	mt_kunit_keep(test, o, MT_CACHE, 64);
	KUNIT_EXPECT_NULL(test, cs->mp[c64].pool);
	KUNIT_ASSERT_EQ(test, mt_owner_alloc(o, MT_MEMPOOL, 50, &how, NULL),
			0);
	KUNIT_EXPECT_NOT_NULL(test, cs->mp[c64].pool);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 2);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead) - snap.overhead,
			mt_kunit_pools_charge(BIT(c128) | BIT(c64), 3));
	mt_kunit_expect_exact(test, o, &snap, "two pools, two caches");

	/* a pool whose reserve would pass max_bytes: refused, nothing kept */
	WRITE_ONCE(mt_max_bytes, atomic64_read(&mt_committed) +
		   mt_footprint_max(MT_MEMPOOL, 200) +
		   mt_kunit_pools_charge(BIT(mt_kunit_class(200)), 3) - 1);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_MEMPOOL, 200, &how, NULL),
			-ENOSPC);
	KUNIT_EXPECT_NULL(test, cs->cache[mt_kunit_class(200)]);
	KUNIT_EXPECT_NULL(test, cs->mp[mt_kunit_class(200)].pool);
	mt_kunit_expect_exact(test, o, &snap, "a pool refused");
	WRITE_ONCE(mt_max_bytes, SZ_64M);

	/* the last chunk of a class takes its pool and cache with it */
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 100 + 120 + 64 + 50);
	KUNIT_EXPECT_NULL(test, cs->mp[c128].pool);
	KUNIT_EXPECT_NULL(test, cs->mp[c64].pool);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches), caches);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead), snap.overhead);
	KUNIT_EXPECT_EQ(test, mt_mempools_from_reserve(cs), 0);

	/* ctx=timer: every class's pool made before, none after */
	cs->pin = true;
	KUNIT_ASSERT_EQ(test, mt_caches_pin(cs, 100, 2), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, c128 + 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead) - snap.overhead,
			mt_kunit_pools_charge(GENMASK(c128, 0), 2));
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_MEMPOOL, 100, &atomic_how,
					     NULL), 0);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_MEMPOOL, 300, &atomic_how,
					     NULL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, cs->mp[c128].pool->min_nr, 2);
	mt_kunit_expect_exact(test, o, &snap, "an atomic mempool chunk");
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 100);
	mt_caches_unpin(cs);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches), caches);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead), snap.overhead);
	mt_kunit_expect_exact(test, o, &snap, "all freed, unpinned");
}

/*
 * bulk=: chunks of one size in one call, each kept, charged and counted
 * as a single one would be (cache: all or none, a reference each on the
 * class's cache; pages: single pages); a call whose worst charge would
 * pass max_bytes is refused whole, nothing allocated.
 */
static void owner_bulk_test(struct kunit *test)
{
	const struct mt_how atomic_how = {
		.gfp = GFP_ATOMIC | __GFP_NOWARN,
		.node = NUMA_NO_NODE,
	};
	struct mt_owner *o = mt_kunit_owner(test);
	struct mt_caches *cs = &o->caches;
	unsigned int c64 = mt_kunit_class(64);
	int caches = atomic_read(&mt_nr_caches);
	struct mt_kunit_snap snap;
	void **slots;
	int ret;

	slots = kunit_kcalloc(test, 32, sizeof(*slots), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, slots);
	mt_kunit_snap_take(&snap);
	/*
	 * Room for the chunks alone, none for the owner's first bookkeeping
	 * page: whatever is kept is charged (the pool's page must not come
	 * out of the chunks' reserve and leave the last chunks uncharged).
	 */
	WRITE_ONCE(mt_max_bytes, atomic64_read(&mt_committed) +
		   10 * mt_footprint_max(MT_PAGES, PAGE_SIZE));
	ret = mt_owner_alloc_bulk(o, MT_PAGES, PAGE_SIZE, 10, &mt_kunit_how,
				  slots);
	KUNIT_EXPECT_TRUE_MSG(test, ret == -ENOSPC || (ret > 0 && ret <= 10),
			      "returned %d", ret);
	KUNIT_EXPECT_LE(test, (u64)atomic64_read(&mt_committed),
			READ_ONCE(mt_max_bytes));
	mt_kunit_expect_exact(test, o, &snap, "a bulk call at the cap");
	WRITE_ONCE(mt_max_bytes, SZ_64M);
	mt_owner_free_all(o);
	mt_kunit_expect_exact(test, o, &snap, "the bulk call at the cap freed");
	KUNIT_EXPECT_EQ(test, mt_owner_alloc_bulk(o, MT_CACHE, 50, 16,
						  &mt_kunit_how, slots), 16);
	KUNIT_EXPECT_EQ(test, atomic_read(&cs->objects[c64]), 16);
	KUNIT_EXPECT_EQ(test, refcount_read(&cs->refs[c64]), 16);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 1);
	mt_kunit_expect_held(test, o, 16, 16 * 50);
	KUNIT_EXPECT_EQ(test, mt_kunit_kind(o, MT_CACHE, charged), 16 * 64);
	mt_kunit_expect_exact(test, o, &snap, "16 cache chunks in one call");
	KUNIT_EXPECT_EQ(test, mt_owner_alloc_bulk(o, MT_PAGES, PAGE_SIZE, 32,
						  &mt_kunit_how, slots), 32);
	mt_kunit_expect_held(test, o, 48, 16 * 50 + 32 * PAGE_SIZE);
	mt_kunit_expect_exact(test, o, &snap, "and 32 pages in one call");
	/* with atomic flags, against max_atomic_bytes too */
	KUNIT_EXPECT_EQ(test, mt_owner_alloc_bulk(o, MT_CACHE, 64, 8,
						  &atomic_how, slots), 8);
	mt_kunit_expect_exact(test, o, &snap, "8 atomic cache chunks");

	/* refused whole: room for 7 chunks of 4 KiB, 8 asked */
	WRITE_ONCE(mt_max_bytes, atomic64_read(&mt_committed) +
		   7 * mt_footprint_max(MT_PAGES, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, mt_owner_alloc_bulk(o, MT_PAGES, PAGE_SIZE, 8,
						  &mt_kunit_how, slots),
			-ENOSPC);
	mt_kunit_expect_held(test, o, 56, 16 * 50 + 8 * 64 + 32 * PAGE_SIZE);
	WRITE_ONCE(mt_max_bytes, SZ_64M);
	mt_kunit_expect_exact(test, o, &snap, "a bulk call refused");

	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o),
			16 * 50 + 8 * 64 + 32 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches), caches);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead), snap.overhead);
	mt_kunit_expect_exact(test, o, &snap, "all freed");
}

/* ---------------------------------------------------- check_content --- */

/* The one chunk @o holds, left in its pool (which frees it at the end). */
static void mt_kunit_peek(struct kunit *test, struct mt_owner *o,
			  struct mt_chunk *c)
{
	KUNIT_ASSERT_EQ(test, mt_pool_count(&o->pool), 1);
	KUNIT_ASSERT_TRUE(test, mt_pool_peek(&o->pool, 0, c));
}

/* mt_check() of @c after flipping every byte of [@off, @off + @len). */
static ssize_t mt_kunit_check_flipped(const struct mt_chunk *c, size_t off,
				      size_t len, bool can_sleep)
{
	u8 *p = c->ptr;
	ssize_t ret;
	size_t i;

	for (i = off; i < off + len; i++)
		p[i] ^= 0xff;
	ret = mt_check(p, c->size, can_sleep);
	for (i = off; i < off + len; i++)
		p[i] ^= 0xff;
	return ret;
}

/*
 * A chunk allocated with check_content on carries the pattern; mt_check()
 * passes it intact and reports the first byte overwritten since, exactly.
 * The chunk is asked as @asked bytes and spans what it counts: whole
 * pages for alloc=pages, all of which carry the pattern.
 */
static void mt_kunit_check_kind(struct kunit *test, enum mt_alloc_kind kind,
				size_t asked)
{
	const char *name = mt_alloc_names[kind];
	struct mt_owner *o = mt_kunit_owner(test);
	size_t size = mt_chunk_bytes(kind, asked);
	size_t at[] = { 0, size / 2, size - 1 };
	struct mt_chunk c;
	unsigned int i;

	WRITE_ONCE(mt_check_content, true);
	mt_kunit_keep(test, o, kind, asked);
	mt_kunit_peek(test, o, &c);
	KUNIT_ASSERT_TRUE(test, c.patterned);
	KUNIT_EXPECT_EQ(test, c.kind, kind);
	KUNIT_EXPECT_EQ(test, c.size, size);

	KUNIT_EXPECT_EQ_MSG(test, mt_check(c.ptr, size, true), (ssize_t)-1,
			    "intact %s chunk of %zu bytes", name, size);
	for (i = 0; i < ARRAY_SIZE(at); i++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_check_flipped(&c, at[i], 1, true),
				    (ssize_t)at[i],
				    "%s chunk of %zu bytes, byte %zu overwritten",
				    name, size, at[i]);
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_check_flipped(&c, at[i], 1, false),
				    (ssize_t)at[i],
				    "%s chunk of %zu bytes, byte %zu overwritten (atomic)",
				    name, size, at[i]);
	}
	/* several bytes, across a word boundary: the first of them */
	if (size >= 12)
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_check_flipped(&c, 6, 4, true),
				    (ssize_t)6,
				    "%s chunk of %zu bytes, bytes 6..9 overwritten",
				    name, size);
	/* two places: the first */
	if (size >= 3) {
		u8 *p = c.ptr;

		p[size - 1] ^= 0xff;
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_check_flipped(&c, size / 2, 1,
							   true),
				    (ssize_t)(size / 2),
				    "%s chunk of %zu bytes, bytes %zu and %zu overwritten",
				    name, size, size / 2, size - 1);
		p[size - 1] ^= 0xff;
	}
	KUNIT_EXPECT_EQ_MSG(test, mt_check(c.ptr, size, true), (ssize_t)-1,
			    "%s chunk of %zu bytes, restored", name, size);

	/* intact again, so freeing it (which checks it) finds nothing */
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), size);
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->corruptions), 0);
}

static void check_kmalloc_test(struct kunit *test)
{
	/* a tail only, one word, a word and a tail, past a page */
	mt_kunit_check_kind(test, MT_KMALLOC, 1);
	mt_kunit_check_kind(test, MT_KMALLOC, sizeof(long));
	mt_kunit_check_kind(test, MT_KMALLOC, 13);
	mt_kunit_check_kind(test, MT_KMALLOC, PAGE_SIZE + 3);
}

static void check_vmalloc_test(struct kunit *test)
{
	/* past a few pages; past the 1 MiB step of the sleeping scan */
	mt_kunit_check_kind(test, MT_VMALLOC, 1);
	mt_kunit_check_kind(test, MT_VMALLOC, 3 * PAGE_SIZE + 5);
	mt_kunit_check_kind(test, MT_VMALLOC, MT_PATTERN_STEP + 3);
}

static void check_pages_cache_test(struct kunit *test)
{
	/* one page, two pages: all of them patterned; a cache's objects */
	mt_kunit_check_kind(test, MT_PAGES, 1);
	mt_kunit_check_kind(test, MT_PAGES, PAGE_SIZE + 904);
	mt_kunit_check_kind(test, MT_CACHE, 13);
	mt_kunit_check_kind(test, MT_CACHE, PAGE_SIZE + 3);
}

/*
 * A percpu chunk carries the pattern in each possible CPU's copy; an
 * overwritten byte's offset counts across the copies, in CPU order.
 */
static void check_percpu_test(struct kunit *test)
{
	static const size_t offs[] = { 0, 11, 23 };
	const size_t each = 24;
	const u64 n = num_possible_cpus();
	s64 module = atomic64_read(&mt_corruptions);
	struct mt_owner *o = mt_kunit_owner(test);
	struct mt_chunk c;
	unsigned int i, k = 0, j;
	u8 *first = NULL, *p = NULL;
	int cpu;

	WRITE_ONCE(mt_check_content, true);
	mt_kunit_keep(test, o, MT_PERCPU, each);
	mt_kunit_peek(test, o, &c);
	KUNIT_ASSERT_TRUE(test, c.patterned);
	KUNIT_EXPECT_EQ(test, c.kind, MT_PERCPU);
	KUNIT_EXPECT_EQ(test, c.size, each * n);
	KUNIT_EXPECT_EQ(test, mt_check_chunk(&c, true), (ssize_t)-1);

	for_each_possible_cpu(cpu) {
		p = per_cpu_ptr((void __percpu __force *)c.ptr, cpu);
		for (i = 0; i < ARRAY_SIZE(offs); i++) {
			p[offs[i]] ^= 0x5a;
			for (j = 0; j < 2; j++)
				KUNIT_EXPECT_EQ_MSG(test,
						    mt_check_chunk(&c, !j),
						    (ssize_t)(k * each + offs[i]),
						    "CPU %d (copy %u), byte %zu overwritten%s",
						    cpu, k, offs[i],
						    j ? " (atomic)" : "");
			p[offs[i]] ^= 0x5a;
		}
		if (!first)
			first = p;
		k++;
	}
	KUNIT_EXPECT_EQ(test, k, n);
	KUNIT_EXPECT_EQ(test, mt_check_chunk(&c, true), (ssize_t)-1);
	KUNIT_ASSERT_NOT_NULL(test, p);

	/* the last copy overwritten: found at free, counted */
	p[each - 1] ^= 0x01;
	if (n > 1) {
		/* and the first too: the first copy's is reported */
		first[5] ^= 0x01;
		KUNIT_EXPECT_EQ(test, mt_check_chunk(&c, true), (ssize_t)5);
		first[5] ^= 0x01;
	}
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), each * n);
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->corruptions), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_corruptions) - module, 1);
}

/*
 * mt_verify(), on the way to every free and resize: a corrupted chunk is
 * counted, for the owner and module-wide; an intact one is not; a chunk
 * allocated while check_content was off is not checked at all.
 */
static void verify_counts_test(struct kunit *test)
{
	s64 module = atomic64_read(&mt_corruptions);
	struct mt_owner *o = mt_kunit_owner(test);
	struct mt_chunk c;
	u8 *p;

	WRITE_ONCE(mt_check_content, true);
	mt_kunit_keep(test, o, MT_KMALLOC, 100);
	mt_kunit_peek(test, o, &c);
	p = c.ptr;
	KUNIT_EXPECT_FALSE(test, mt_verify(o, &c, true));
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->corruptions), 0);
	p[42] ^= 0x01;
	KUNIT_EXPECT_TRUE(test, mt_verify(o, &c, true));
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->corruptions), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_corruptions) - module, 1);
	p[42] ^= 0x01;
	KUNIT_EXPECT_FALSE(test, mt_verify(o, &c, false));
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 100);
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->corruptions), 1);

	/* freeing checks: a chunk overwritten at its last byte is counted */
	mt_kunit_keep(test, o, MT_KVMALLOC, 5000);
	mt_kunit_peek(test, o, &c);
	((u8 *)c.ptr)[4999] ^= 0x80;
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 5000);
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->corruptions), 2);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_corruptions) - module, 2);

	/* allocated with check_content off: no pattern, nothing checked */
	WRITE_ONCE(mt_check_content, false);
	mt_kunit_keep(test, o, MT_VMALLOC, 64);
	mt_kunit_peek(test, o, &c);
	KUNIT_EXPECT_FALSE(test, c.patterned);
	memset(c.ptr, 0, 64);
	KUNIT_EXPECT_FALSE(test, mt_verify(o, &c, true));
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 64);
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->corruptions), 2);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_corruptions) - module, 2);
}

static struct kunit_case mt_owner_kunit_cases[] = {
	KUNIT_CASE(owner_free_fit_test),
	KUNIT_CASE(owner_free_one_test),
	KUNIT_CASE(owner_putback_test),
	KUNIT_CASE(owner_footprint_test),
	KUNIT_CASE(footprint_real_test),
	KUNIT_CASE(rnd_alloc_reserve_test),
	KUNIT_CASE(owner_caches_test),
	KUNIT_CASE(owner_mempool_test),
	KUNIT_CASE(owner_bulk_test),
	KUNIT_CASE(check_kmalloc_test),
	KUNIT_CASE(check_vmalloc_test),
	KUNIT_CASE(check_pages_cache_test),
	KUNIT_CASE(check_percpu_test),
	KUNIT_CASE(verify_counts_test),
	{}
};

static struct kunit_suite mt_owner_kunit_suite = {
	.name = "malloc_test_owner",
	.init = mt_owner_kunit_init,
	.test_cases = mt_owner_kunit_cases,
};

kunit_test_suite(mt_owner_kunit_suite);

#endif /* _MT_OWNER_KUNIT_H */
