/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of the pools (mt_pool.c): mem_free's best fit against a
 * brute-force model, uniform random picks, the count and the drain, the
 * bookkeeping's pages and their charge, fifo and lifo order against a
 * model, the node's packed fields, the pool's capacity; the treap's and
 * the list's invariants checked throughout.  And what the pool shows the
 * tests of the layers above: mt_pool_peek().
 *
 * mt_pool.c includes this file at its bottom when the module is built
 * with its KUnit tests (make kunit: Kbuild's MT_KUNIT=y defines
 * CONFIG_MALLOC_TEST_KUNIT_TEST), as an in-tree unit includes its tests
 * under their Kconfig option: the suite may use the unit's statics, and
 * only the public headers of the others.  Results:
 * /sys/kernel/debug/kunit/malloc_test_pool/results.
 */
#ifndef _MT_POOL_KUNIT_H
#define _MT_POOL_KUNIT_H

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/prandom.h>

#include "../mt_charge.h"

/**
 * mt_pool_peek() - a chunk the pool holds, left in it
 * @pool: the pool
 * @i: which: the pool's nodes are dense, 0 to mt_pool_count() - 1, and
 *	the last is the chunk added last, until one is taken out
 * @c: where the chunk is returned
 *
 * For the KUnit tests of the layers above (the owners'), which check
 * what they count against what the pool holds; built only with them.
 *
 * Context: any context; takes the pool's lock with interrupts off.
 * Return: false when the pool holds fewer than @i + 1 chunks.
 */
bool mt_pool_peek(struct mt_pool *pool, u32 i, struct mt_chunk *c)
{
	unsigned long flags;
	bool held;

	spin_lock_irqsave(&pool->lock, flags);
	held = i < pool->nr;
	if (held)
		mt_node_chunk(mt_node(pool, i), c);
	spin_unlock_irqrestore(&pool->lock, flags);
	return held;
}

/* Every random sequence of the suite starts here: runs are repeatable. */
#define MT_KUNIT_SEED		0x6d616c6c6f635fULL

/*
 * Pool tests use chunks that are only numbers: the pool never touches
 * the memory, so chunk @id gets an address no allocator gave out.
 */
#define MT_KUNIT_PTR_BASE	0x10000UL
#define MT_KUNIT_PTR_STEP	64UL

static void *mt_kunit_ptr(unsigned long id)
{
	return (void *)(MT_KUNIT_PTR_BASE + id * MT_KUNIT_PTR_STEP);
}

static unsigned long mt_kunit_id(const void *ptr)
{
	return ((unsigned long)ptr - MT_KUNIT_PTR_BASE) / MT_KUNIT_PTR_STEP;
}

static void mt_kunit_forget(const struct mt_chunk *c, void *arg)
{
}

static void mt_kunit_pool_release(void *arg)
{
	struct mt_pool *pool = arg;

	mt_pool_drain(pool, mt_kunit_forget, NULL);
	mt_pool_destroy(pool);
}

/* An empty pool, emptied and destroyed when the test ends. */
static struct mt_pool *mt_kunit_pool_by(struct kunit *test,
					enum mt_pool_order order)
{
	struct mt_pool *pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pool);
	mt_pool_init(pool, order, MT_KUNIT_SEED);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							mt_kunit_pool_release,
							pool), 0);
	return pool;
}

/* An empty pool ordered by size, as kept memory's. */
static struct mt_pool *mt_kunit_pool(struct kunit *test)
{
	return mt_kunit_pool_by(test, MT_POOL_BY_SIZE);
}

/* Chunk @id of @size: its kind, pattern and urgent flags follow from @id. */
static struct mt_chunk mt_kunit_chunk(unsigned long id, u64 size)
{
	return (struct mt_chunk) {
		.ptr = mt_kunit_ptr(id),
		.size = size,
		.kind = id % MT_NR_KINDS,
		.patterned = id & 1,
		.urgent = id & 2,
	};
}

static void mt_kunit_add(struct kunit *test, struct mt_pool *pool,
			 unsigned long id, u64 size)
{
	struct mt_chunk c = mt_kunit_chunk(id, size);

	KUNIT_ASSERT_EQ(test, mt_pool_add(pool, &c, GFP_KERNEL, NULL), 0);
}

/* @c came out of the pool as it went in, as chunk @id of @size. */
static void mt_kunit_expect_chunk(struct kunit *test,
				  const struct mt_chunk *c,
				  unsigned long id, u64 size)
{
	struct mt_chunk want = mt_kunit_chunk(id, size);

	KUNIT_EXPECT_PTR_EQ_MSG(test, c->ptr, want.ptr, "chunk %lu", id);
	KUNIT_EXPECT_EQ_MSG(test, c->size, want.size, "chunk %lu", id);
	KUNIT_EXPECT_EQ_MSG(test, c->kind, want.kind, "chunk %lu", id);
	KUNIT_EXPECT_EQ_MSG(test, c->patterned, want.patterned, "chunk %lu",
			    id);
	KUNIT_EXPECT_EQ_MSG(test, c->urgent, want.urgent, "chunk %lu", id);
}

/*
 * A pool ordered by age: walked from ->root, oldest first, through the
 * newer links, its nodes 0..nr-1 each come once, each newer node's older
 * link points back, the last is ->tail; ->bytes is their sum.
 */
static void mt_kunit_list_check(struct kunit *test, struct mt_pool *pool)
{
	u32 cur, prev = MT_POOL_NIL, seen = 0;
	u64 bytes = 0;

	for (cur = pool->root; cur != MT_POOL_NIL;
	     prev = cur, cur = mt_node(pool, cur)->right) {
		KUNIT_ASSERT_LT_MSG(test, seen++, pool->nr, "a loop at %u",
				    cur);
		KUNIT_ASSERT_LT(test, cur, pool->nr);
		KUNIT_ASSERT_EQ_MSG(test, (u32)mt_node(pool, cur)->left, prev,
				    "node %u", cur);
		bytes += mt_node(pool, cur)->size;
	}
	KUNIT_ASSERT_EQ(test, seen, pool->nr);
	KUNIT_ASSERT_EQ(test, pool->tail, prev);
	KUNIT_ASSERT_EQ(test, bytes, pool->bytes);
}

/*
 * The pool's structure.  By size: nodes 0..nr-1 form one treap rooted at
 * ->root, with consistent parent links, ordered by (size, ptr) in order,
 * each parent's priority at least its children's; ->bytes is their sum.
 * By age: mt_kunit_list_check().
 */
static void mt_kunit_pool_check(struct kunit *test, struct mt_pool *pool)
{
	const struct mt_node *prev = NULL;
	u32 i, cur, seen = 0;
	u64 bytes = 0;

	if (!pool->nr) {
		KUNIT_ASSERT_EQ(test, pool->root, MT_POOL_NIL);
		KUNIT_ASSERT_EQ(test, pool->tail, MT_POOL_NIL);
		KUNIT_ASSERT_EQ(test, pool->bytes, 0);
		return;
	}
	if (pool->order == MT_POOL_BY_AGE) {
		mt_kunit_list_check(test, pool);
		return;
	}
	KUNIT_ASSERT_LT(test, pool->root, pool->nr);
	KUNIT_ASSERT_EQ(test, (u32)mt_node(pool, pool->root)->parent,
			MT_POOL_NIL);
	for (i = 0; i < pool->nr; i++) {
		const struct mt_node *n = mt_node(pool, i);
		u32 kid[2] = { n->left, n->right };
		int k;

		bytes += n->size;
		KUNIT_ASSERT_TRUE_MSG(test, n->parent != MT_POOL_NIL ||
				      i == pool->root, "node %u", i);
		for (k = 0; k < 2; k++) {
			if (kid[k] == MT_POOL_NIL)
				continue;
			KUNIT_ASSERT_LT_MSG(test, kid[k], pool->nr, "node %u", i);
			KUNIT_ASSERT_EQ_MSG(test,
					    (u32)mt_node(pool, kid[k])->parent,
					    i, "node %u", i);
			KUNIT_ASSERT_LE_MSG(test,
					    (u32)mt_node(pool, kid[k])->prio,
					    (u32)n->prio, "node %u", i);
		}
	}
	KUNIT_ASSERT_EQ(test, bytes, pool->bytes);

	/* In order from the leftmost node, through the parent links. */
	for (cur = pool->root; mt_node(pool, cur)->left != MT_POOL_NIL;)
		cur = mt_node(pool, cur)->left;
	while (cur != MT_POOL_NIL) {
		const struct mt_node *n = mt_node(pool, cur);

		KUNIT_ASSERT_LT(test, seen++, pool->nr);
		if (prev)
			KUNIT_ASSERT_TRUE_MSG(test, mt_less(prev, n),
					      "in-order node %u", seen);
		prev = n;
		if (n->right != MT_POOL_NIL) {
			for (cur = n->right; mt_node(pool, cur)->left !=
			     MT_POOL_NIL;)
				cur = mt_node(pool, cur)->left;
			continue;
		}
		while (mt_node(pool, cur)->parent != MT_POOL_NIL &&
		       mt_node(pool, mt_node(pool, cur)->parent)->right == cur)
			cur = mt_node(pool, cur)->parent;
		cur = mt_node(pool, cur)->parent;
	}
	KUNIT_ASSERT_EQ(test, seen, pool->nr);
}

/*
 * mt_pool_take_fit()'s rule: the largest chunk no bigger than the
 * request; when every chunk is bigger, the smallest.
 */
static void pool_take_fit_rule_test(struct kunit *test)
{
	struct mt_pool *pool = mt_kunit_pool(test);
	struct mt_chunk c;

	mt_kunit_add(test, pool, 3, 300);
	mt_kunit_add(test, pool, 1, 100);
	mt_kunit_add(test, pool, 2, 200);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 3);
	KUNIT_EXPECT_EQ(test, pool->bytes, 600);
	mt_kunit_pool_check(test, pool);

	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, 250, &c));
	mt_kunit_expect_chunk(test, &c, 2, 200);
	/* every chunk is bigger than 50: the smallest */
	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, 50, &c));
	mt_kunit_expect_chunk(test, &c, 1, 100);
	/* no bigger than: the exact size fits */
	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, 300, &c));
	mt_kunit_expect_chunk(test, &c, 3, 300);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 0);
	KUNIT_EXPECT_EQ(test, pool->bytes, 0);
	KUNIT_EXPECT_FALSE(test, mt_pool_take_fit(pool, U64_MAX, &c));
	KUNIT_EXPECT_FALSE(test, mt_pool_take_fit(pool, 0, &c));

	/* the extremes; the largest size the bookkeeping can describe */
	mt_kunit_add(test, pool, 10, 1);
	mt_kunit_add(test, pool, 11, MT_CHUNK_SIZE_MAX);
	mt_kunit_add(test, pool, 12, 4096);
	mt_kunit_pool_check(test, pool);
	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, U64_MAX, &c));
	mt_kunit_expect_chunk(test, &c, 11, MT_CHUNK_SIZE_MAX);
	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, 0, &c));
	mt_kunit_expect_chunk(test, &c, 10, 1);
	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, 4095, &c));
	mt_kunit_expect_chunk(test, &c, 12, 4096);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 0);
}

#define MT_KUNIT_NR	1000	/* more chunks than a page of nodes holds */

/* The size mt_pool_take_fit(@want) must take from @live, by brute force. */
static u64 mt_kunit_fit(const struct mt_chunk *live, u32 nr, u64 want)
{
	u64 best = 0, smallest = U64_MAX;
	bool fits = false;
	u32 i;

	for (i = 0; i < nr; i++) {
		if (live[i].size <= want && (!fits || live[i].size > best)) {
			best = live[i].size;
			fits = true;
		}
		smallest = min(smallest, live[i].size);
	}
	return fits ? best : smallest;
}

/*
 * Many chunks, many equal sizes, additions between the takes: every
 * mt_pool_take_fit() takes the size the rule says, returns a chunk that
 * was in the pool, intact, and leaves the treap sound.
 */
static void pool_take_fit_random_test(struct kunit *test)
{
	struct mt_pool *pool = mt_kunit_pool(test);
	struct rnd_state rnd;
	struct mt_chunk *live, c;
	unsigned long next = 0;
	u64 last = U64_MAX;
	u32 nr = 0, i, op;

	static_assert(MT_KUNIT_NR > MT_NODES_PER_PAGE);
	live = kunit_kcalloc(test, MT_KUNIT_NR, sizeof(*live), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, live);
	prandom_seed_state(&rnd, MT_KUNIT_SEED);

	for (op = 0; op < 4 * MT_KUNIT_NR; op++) {
		if (nr < MT_KUNIT_NR && (nr < MT_KUNIT_NR / 2 ||
					 prandom_u32_state(&rnd) % 4 == 0)) {
			/* sizes 1..300: many chunks share one */
			live[nr] = mt_kunit_chunk(next++,
						  1 + prandom_u32_state(&rnd) % 300);
			KUNIT_ASSERT_EQ(test, mt_pool_add(pool, &live[nr],
							  GFP_KERNEL, NULL), 0);
			nr++;
		} else {
			u64 want = prandom_u32_state(&rnd) % 320;
			u64 size = mt_kunit_fit(live, nr, want);

			KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, want, &c));
			KUNIT_ASSERT_EQ_MSG(test, c.size, size,
					    "take_fit(%llu), %u chunks", want,
					    nr);
			for (i = 0; i < nr && live[i].ptr != c.ptr; i++)
				;
			KUNIT_ASSERT_LT_MSG(test, i, nr,
					    "take_fit(%llu) returned chunk %lu, not in the pool",
					    want, mt_kunit_id(c.ptr));
			mt_kunit_expect_chunk(test, &c, mt_kunit_id(c.ptr),
					      live[i].size);
			live[i] = live[--nr];
		}
		KUNIT_ASSERT_EQ(test, mt_pool_count(pool), nr);
		if (op % 256 == 0)
			mt_kunit_pool_check(test, pool);
	}
	mt_kunit_pool_check(test, pool);

	/* Asked for everything, it gives the largest first. */
	while (mt_pool_take_fit(pool, U64_MAX, &c)) {
		KUNIT_ASSERT_LE(test, c.size, last);
		last = c.size;
		nr--;
	}
	KUNIT_EXPECT_EQ(test, nr, 0);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 0);
	mt_kunit_pool_check(test, pool);
}

/*
 * mt_pool_take_random(): each chunk once, until none is left; and the
 * choice is uniform.  For that, the first pick of four chunks, with the
 * pool's random state seeded anew for each of 4000 rounds: about 1000
 * each, far from what a biased pick or a fixed index would give.  (Picks
 * with the chunk put back would not do: putting it back moves it, so a
 * fixed index would take the chunks in turn, evenly.)  The seeds are
 * fixed: the counts are the same on every run.
 */
static void pool_take_random_test(struct kunit *test)
{
	struct mt_pool *pool = mt_kunit_pool(test);
	unsigned int hits[4] = { 0 };
	unsigned long *seen, id;
	struct mt_chunk c;
	u32 i, round;

	seen = kunit_kcalloc(test, BITS_TO_LONGS(MT_KUNIT_NR),
			     sizeof(unsigned long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (i = 0; i < MT_KUNIT_NR; i++)
		mt_kunit_add(test, pool, i, i + 1);

	for (i = 0; i < MT_KUNIT_NR; i++) {
		KUNIT_ASSERT_TRUE(test, mt_pool_take_random(pool, &c));
		id = mt_kunit_id(c.ptr);
		KUNIT_ASSERT_LT(test, id, MT_KUNIT_NR);
		KUNIT_ASSERT_FALSE_MSG(test, test_and_set_bit(id, seen),
				       "chunk %lu taken twice", id);
		mt_kunit_expect_chunk(test, &c, id, id + 1);
		KUNIT_ASSERT_EQ(test, mt_pool_count(pool), MT_KUNIT_NR - 1 - i);
		if (i % 128 == 0)
			mt_kunit_pool_check(test, pool);
	}
	KUNIT_EXPECT_TRUE(test, bitmap_full(seen, MT_KUNIT_NR));
	KUNIT_EXPECT_FALSE(test, mt_pool_take_random(pool, &c));
	mt_kunit_pool_check(test, pool);

	for (round = 0; round < 1000 * ARRAY_SIZE(hits); round++) {
		prandom_seed_state(&pool->rnd, MT_KUNIT_SEED + round);
		for (i = 0; i < ARRAY_SIZE(hits); i++)
			mt_kunit_add(test, pool, i, 100);
		KUNIT_ASSERT_TRUE(test, mt_pool_take_random(pool, &c));
		id = mt_kunit_id(c.ptr);
		KUNIT_ASSERT_LT(test, id, ARRAY_SIZE(hits));
		hits[id]++;
		/* emptied by takes, its pages stay as spares for the next */
		while (mt_pool_take_random(pool, &c))
			;
	}
	for (i = 0; i < ARRAY_SIZE(hits); i++)
		KUNIT_EXPECT_TRUE_MSG(test, hits[i] >= 850 && hits[i] <= 1150,
				      "chunk %u picked first %u times of 4000",
				      i, hits[i]);
}

/**
 * struct mt_kunit_drain - what mt_kunit_drain_one() saw of a drain
 * @test: the test case, to report to
 * @seen: a bit per chunk id, set when the chunk was handed out
 * @calls: the chunks handed out
 * @bytes: their sizes' sum
 */
struct mt_kunit_drain {
	struct kunit *test;
	unsigned long *seen;
	u32 calls;
	u64 bytes;
};

static void mt_kunit_drain_one(const struct mt_chunk *c, void *arg)
{
	struct mt_kunit_drain *d = arg;
	unsigned long id = mt_kunit_id(c->ptr);

	d->calls++;
	d->bytes += c->size;
	if (id >= MT_KUNIT_NR || test_and_set_bit(id, d->seen)) {
		KUNIT_FAIL(d->test, "drain: chunk %lu unknown or seen twice",
			   id);
		return;
	}
	mt_kunit_expect_chunk(d->test, c, id, 3 * id + 1);
}

/*
 * mt_pool_count() through the pages of nodes; mt_pool_drain() hands out
 * every chunk once, empties the pool, which stays usable, and gives back
 * the bookkeeping's pages, all of them once the pool is destroyed.
 */
static void pool_count_drain_test(struct kunit *test)
{
	s64 tracking = atomic64_read(&mt_tracking_bytes);
	s64 committed = atomic64_read(&mt_committed);
	struct mt_kunit_drain d = { .test = test };
	struct mt_pool *pool = mt_kunit_pool(test);
	u64 bytes = 0, pages;
	struct mt_chunk c;
	u32 i;

	d.seen = kunit_kcalloc(test, BITS_TO_LONGS(MT_KUNIT_NR),
			       sizeof(unsigned long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d.seen);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 0);
	for (i = 0; i < MT_KUNIT_NR; i++) {
		mt_kunit_add(test, pool, i, 3 * i + 1);
		bytes += 3 * i + 1;
		KUNIT_ASSERT_EQ(test, mt_pool_count(pool), i + 1);
	}
	KUNIT_EXPECT_EQ(test, pool->bytes, bytes);
	mt_kunit_pool_check(test, pool);
	/* top, mid and the node pages, and no more than the spares besides */
	pages = 2 + DIV_ROUND_UP(MT_KUNIT_NR, MT_NODES_PER_PAGE);
	KUNIT_EXPECT_GE(test, atomic64_read(&mt_tracking_bytes) - tracking,
			(s64)(pages * PAGE_SIZE));
	KUNIT_EXPECT_LE(test, atomic64_read(&mt_tracking_bytes) - tracking,
			(s64)((pages + MT_POOL_SPARES) * PAGE_SIZE));
	/* charged against max_bytes, within what mem_rnd_alloc reserves */
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed) - committed,
			atomic64_read(&mt_tracking_bytes) - tracking);
	KUNIT_EXPECT_LE(test, atomic64_read(&mt_tracking_bytes) - tracking,
			(s64)mt_pool_bound(MT_KUNIT_NR));

	mt_pool_drain(pool, mt_kunit_drain_one, &d);
	KUNIT_EXPECT_EQ(test, d.calls, MT_KUNIT_NR);
	KUNIT_EXPECT_EQ(test, d.bytes, bytes);
	KUNIT_EXPECT_TRUE(test, bitmap_full(d.seen, MT_KUNIT_NR));
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 0);
	KUNIT_EXPECT_FALSE(test, mt_pool_take_fit(pool, U64_MAX, &c));
	KUNIT_EXPECT_FALSE(test, mt_pool_take_random(pool, &c));
	mt_kunit_pool_check(test, pool);
	/* only the pool's spare pages are left */
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_tracking_bytes) - tracking,
			(s64)pool->nr_spare * PAGE_SIZE);

	/* drained, it works as new */
	mt_kunit_add(test, pool, 1, 10);
	mt_kunit_add(test, pool, 2, 20);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 2);
	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, 15, &c));
	mt_kunit_expect_chunk(test, &c, 1, 10);
	mt_kunit_pool_check(test, pool);

	kunit_release_action(test, mt_kunit_pool_release, pool);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_tracking_bytes), tracking);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed), committed);
}

/*
 * A pool ordered by age (free=fifo, lifo): mt_pool_take_oldest() takes
 * the oldest chunk, or the newest, whatever their sizes, chunks added
 * between the takes included.
 */
static void pool_by_age_test(struct kunit *test)
{
	struct mt_pool *pool = mt_kunit_pool_by(test, MT_POOL_BY_AGE);
	unsigned long oldest = 0, newest = MT_KUNIT_NR - 1, id;
	struct mt_chunk c;
	u32 i;

	for (i = 0; i < MT_KUNIT_NR; i++)
		mt_kunit_add(test, pool, i, 1 + (i * 7919) % 300);
	mt_kunit_pool_check(test, pool);

	for (i = 0; i < MT_KUNIT_NR / 2; i++) {
		bool lifo = i % 3 == 1;

		KUNIT_ASSERT_TRUE(test, mt_pool_take_oldest(pool, lifo, &c));
		id = mt_kunit_id(c.ptr);
		KUNIT_ASSERT_EQ_MSG(test, id, lifo ? newest : oldest,
				    "take %u, the %s", i,
				    lifo ? "newest" : "oldest");
		mt_kunit_expect_chunk(test, &c, id, 1 + (id * 7919) % 300);
		if (lifo)
			newest--;
		else
			oldest++;
		if (i % 128 == 0)
			mt_kunit_pool_check(test, pool);
	}
	/* a chunk added now is the newest */
	mt_kunit_add(test, pool, MT_KUNIT_NR, 5);
	KUNIT_ASSERT_TRUE(test, mt_pool_take_oldest(pool, true, &c));
	mt_kunit_expect_chunk(test, &c, MT_KUNIT_NR, 5);
	mt_kunit_pool_check(test, pool);

	/* the rest, oldest first */
	while (mt_pool_take_oldest(pool, false, &c)) {
		KUNIT_ASSERT_EQ(test, mt_kunit_id(c.ptr), oldest);
		oldest++;
	}
	KUNIT_EXPECT_EQ(test, oldest, newest + 1);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 0);
	KUNIT_EXPECT_FALSE(test, mt_pool_take_oldest(pool, true, &c));
	mt_kunit_pool_check(test, pool);
}

/*
 * A node packs its three links in 26 bits each and the treap's priority
 * in 32 bits: setting one field leaves the others alone; NIL is the
 * largest index, above every index a pool can use.  A pool holds
 * pool->max chunks at most: the next add is refused with -ENOBUFS,
 * changing nothing; a take makes room; a pool above its max gives chunks
 * out and takes none in.
 */
static void pool_node_limits_test(struct kunit *test)
{
	static const u32 prios[] = {
		0, 1, 0xfff, 0x1000, 0x2aaaaaa, U32_MAX - 1, U32_MAX,
		0x89abcdef,
	};
	struct mt_pool *pool = mt_kunit_pool(test);
	struct mt_chunk c;
	struct mt_node n;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, MT_POOL_NIL, (1U << 26) - 1);
	KUNIT_EXPECT_LT(test, MT_POOL_MAX_CHUNKS, MT_POOL_NIL);
	KUNIT_EXPECT_EQ(test, pool->max, MT_POOL_MAX_CHUNKS);

	for (i = 0; i < ARRAY_SIZE(prios); i++) {
		memset(&n, 0, sizeof(n));
		n.ptr = mt_kunit_ptr(i);
		n.size = MT_CHUNK_SIZE_MAX;
		n.kind = MT_PERCPU;
		n.patterned = 1;
		n.urgent = 1;
		n.left = MT_POOL_NIL;
		n.right = MT_POOL_NIL - 1;
		n.parent = 0x2aaaaaa;
		n.prio = prios[i];
		KUNIT_EXPECT_EQ_MSG(test, (u32)n.prio, prios[i], "prio %#x",
				    prios[i]);
		KUNIT_EXPECT_PTR_EQ(test, n.ptr, mt_kunit_ptr(i));
		KUNIT_EXPECT_EQ(test, (u64)n.size, MT_CHUNK_SIZE_MAX);
		KUNIT_EXPECT_EQ(test, (u32)n.kind, MT_PERCPU);
		KUNIT_EXPECT_EQ(test, (u32)n.patterned, 1);
		KUNIT_EXPECT_EQ(test, (u32)n.urgent, 1);
		KUNIT_EXPECT_EQ_MSG(test, (u32)n.left, MT_POOL_NIL,
				    "prio %#x", prios[i]);
		KUNIT_EXPECT_EQ_MSG(test, (u32)n.right, MT_POOL_NIL - 1,
				    "prio %#x", prios[i]);
		KUNIT_EXPECT_EQ_MSG(test, (u32)n.parent, 0x2aaaaaa,
				    "prio %#x", prios[i]);
	}
	/* the links at their extremes leave the priority alone */
	n.prio = U32_MAX;
	n.left = 0;
	n.right = 0;
	n.parent = 0;
	KUNIT_EXPECT_EQ(test, (u32)n.prio, U32_MAX);
	n.prio = 0;
	n.left = MT_POOL_NIL;
	n.right = MT_POOL_NIL;
	n.parent = MT_POOL_NIL;
	KUNIT_EXPECT_EQ(test, (u32)n.prio, 0);

	/* the capacity */
	pool->max = 5;
	for (i = 0; i < 5; i++)
		mt_kunit_add(test, pool, i, 10 * (i + 1));
	c = mt_kunit_chunk(5, 60);
	KUNIT_EXPECT_EQ(test, mt_pool_add(pool, &c, GFP_KERNEL, NULL), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 5);
	KUNIT_EXPECT_EQ(test, pool->bytes, 150);
	mt_kunit_pool_check(test, pool);
	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, 25, &c));
	mt_kunit_expect_chunk(test, &c, 1, 20);
	mt_kunit_add(test, pool, 5, 60);
	c = mt_kunit_chunk(6, 70);
	KUNIT_EXPECT_EQ(test, mt_pool_add(pool, &c, GFP_KERNEL, NULL), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 5);
	KUNIT_EXPECT_EQ(test, pool->bytes, 190);

	/* above its max: takes go on, adds are refused */
	pool->max = 2;
	KUNIT_ASSERT_TRUE(test, mt_pool_take_random(pool, &c));
	KUNIT_EXPECT_EQ(test, mt_pool_add(pool, &c, GFP_KERNEL, NULL), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 4);
	KUNIT_EXPECT_EQ(test, pool->bytes, 190 - c.size);
	mt_kunit_pool_check(test, pool);
	pool->max = MT_POOL_MAX_CHUNKS;
	KUNIT_EXPECT_EQ(test, mt_pool_add(pool, &c, GFP_KERNEL, NULL), 0);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 5);
	KUNIT_EXPECT_EQ(test, pool->bytes, 190);
	mt_kunit_pool_check(test, pool);
}

#define MT_KU_AGE_OPS	20000

/*
 * A pool ordered by age against a model (the ids in age order, oldest
 * first): additions, and takes of the oldest, the newest and a random
 * chunk mixed at random, as a test's frees and resizes mix them (a
 * resize takes a random chunk and adds it back as the newest).  Each
 * take returns what the model says (a random one: a chunk the model
 * holds, which leaves it, the others keeping their order); the list stays
 * sound across node pages; at the end the chunks come out oldest first,
 * exactly the model's.
 */
static void pool_by_age_model_test(struct kunit *test)
{
	struct mt_pool *pool = mt_kunit_pool_by(test, MT_POOL_BY_AGE);
	unsigned long next = 0, *ids, id;
	struct rnd_state rnd;
	struct mt_chunk c;
	u32 nr = 0, op, j;

	ids = kunit_kcalloc(test, MT_KUNIT_NR, sizeof(*ids), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ids);
	prandom_seed_state(&rnd, MT_KUNIT_SEED);
	for (op = 0; op < MT_KU_AGE_OPS; op++) {
		u32 r = prandom_u32_state(&rnd) % 100;

		if (nr < MT_KUNIT_NR && (!nr || r < 55)) {
			mt_kunit_add(test, pool, next, 1 + (next * 7919) % 300);
			ids[nr++] = next++;
		} else if (r < 70 || r >= 85) {
			bool newest = r >= 85;

			KUNIT_ASSERT_TRUE(test,
					  mt_pool_take_oldest(pool, newest, &c));
			id = mt_kunit_id(c.ptr);
			KUNIT_ASSERT_EQ_MSG(test, id, newest ? ids[nr - 1] : ids[0],
					    "op %u, the %s", op,
					    newest ? "newest" : "oldest");
			if (!newest)
				memmove(ids, ids + 1, --nr * sizeof(*ids));
			else
				nr--;
			mt_kunit_expect_chunk(test, &c, id, 1 + (id * 7919) % 300);
		} else {
			KUNIT_ASSERT_TRUE(test, mt_pool_take_random(pool, &c));
			id = mt_kunit_id(c.ptr);
			for (j = 0; j < nr && ids[j] != id; j++)
				;
			KUNIT_ASSERT_LT_MSG(test, j, nr, "op %u: chunk %lu", op,
					    id);
			memmove(ids + j, ids + j + 1, (--nr - j) * sizeof(*ids));
			mt_kunit_expect_chunk(test, &c, id, 1 + (id * 7919) % 300);
		}
		KUNIT_ASSERT_EQ(test, mt_pool_count(pool), nr);
		if (op % 500 == 0)
			mt_kunit_pool_check(test, pool);
	}
	mt_kunit_pool_check(test, pool);
	KUNIT_EXPECT_GT(test, next, MT_NODES_PER_PAGE);
	for (j = 0; j < nr; j++) {
		KUNIT_ASSERT_TRUE(test, mt_pool_take_oldest(pool, false, &c));
		KUNIT_ASSERT_EQ_MSG(test, mt_kunit_id(c.ptr), ids[j],
				    "the oldest, %u left", nr - j);
	}
	KUNIT_EXPECT_FALSE(test, mt_pool_take_random(pool, &c));
	mt_kunit_pool_check(test, pool);
}

static struct kunit_case mt_pool_kunit_cases[] = {
	KUNIT_CASE(pool_take_fit_rule_test),
	KUNIT_CASE(pool_take_fit_random_test),
	KUNIT_CASE(pool_take_random_test),
	KUNIT_CASE(pool_count_drain_test),
	KUNIT_CASE(pool_by_age_test),
	KUNIT_CASE(pool_by_age_model_test),
	KUNIT_CASE(pool_node_limits_test),
	{}
};

static struct kunit_suite mt_pool_kunit_suite = {
	.name = "malloc_test_pool",
	.test_cases = mt_pool_kunit_cases,
};

kunit_test_suite(mt_pool_kunit_suite);

#endif /* _MT_POOL_KUNIT_H */
