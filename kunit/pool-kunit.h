/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of the pools (mt_pool.c), and what the pool shows the
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

#include <kunit/test.h>

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

#endif /* _MT_POOL_KUNIT_H */
