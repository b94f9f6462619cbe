/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - the pools that hold an owner's chunks (mt_pool.c).
 */
#ifndef _MT_POOL_H
#define _MT_POOL_H

#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/prandom.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "mt_grammar.h"

struct mt_reserve;

/* The largest chunk the bookkeeping can describe (56 bits of size). */
#define MT_CHUNK_SIZE_MAX	((u64)SIZE_MAX < (1ULL << 56) - 1 ? \
				 (u64)SIZE_MAX : (1ULL << 56) - 1)

/**
 * struct mt_chunk - one allocation the module holds
 * @ptr: the memory
 * @size: the bytes it counts: its size as asked, whole pages for
 *	alloc=pages, the size times the possible CPUs for alloc=percpu
 * @kind: the allocator it came from (enum mt_alloc_kind)
 * @patterned: filled with the check_content pattern at allocation
 * @urgent: allocated with flags that may use the kernel's reserves
 *	(mt_gfp_urgent()): charged against max_atomic_bytes too
 *
 * What the chunk costs the machine, its footprint, is not kept: it is
 * mt_footprint() of these fields, the same when it is charged and when
 * it is uncharged.
 */
struct mt_chunk {
	void *ptr;
	u64 size;
	u8 kind;
	bool patterned;
	bool urgent;
};

#define MT_POOL_SPARES		3
/* top page -> 512 mid pages -> 512 node pages -> 128 nodes, with 4K pages */
#define MT_POOL_MAX_CHUNKS	(512U * 512 * 128)

/**
 * enum mt_pool_order - the order a pool keeps its chunks in
 * @MT_POOL_BY_SIZE: by size, for mem_free SIZE (kept memory)
 * @MT_POOL_BY_AGE: by age, for free=fifo and lifo (tests)
 */
enum mt_pool_order {
	MT_POOL_BY_SIZE,
	MT_POOL_BY_AGE,
};

/**
 * struct mt_pool - the chunks of one owner
 * @lock: protects every field below; taken with interrupts off, never
 *	held across an allocation that can sleep
 * @order: the order it keeps, set when it is made
 * @top: three-level radix of pages holding the nodes (see mt_pool.c)
 * @nr: nodes in use, at indices 0..@nr - 1
 * @root: by size, the index of the treap's root; by age, of the oldest
 *	node; MT_POOL_NIL when empty
 * @tail: by age, the index of the newest node; MT_POOL_NIL when empty
 * @bytes: sum of the sizes of the chunks in the pool
 * @rnd: random state for treap priorities and random picks
 * @spare: pages kept for the next growth, so that adding a chunk rarely
 *	has to drop the lock to allocate
 * @nr_spare: pages in @spare
 * @max: the most chunks it holds: MT_POOL_MAX_CHUNKS (the KUnit suite
 *	lowers it)
 */
struct mt_pool {
	spinlock_t lock;	/* protects the fields below */
	enum mt_pool_order order;
	void **top;
	u32 nr;
	u32 root;
	u32 tail;
	u64 bytes;
	struct rnd_state rnd;
	void *spare[MT_POOL_SPARES];
	unsigned int nr_spare;
	u32 max;
};

void mt_pool_init(struct mt_pool *pool, enum mt_pool_order order, u64 seed);
void mt_pool_destroy(struct mt_pool *pool);
int mt_pool_add(struct mt_pool *pool, const struct mt_chunk *c, gfp_t gfp,
		struct mt_reserve *res);
bool mt_pool_take_fit(struct mt_pool *pool, u64 want, struct mt_chunk *c);
bool mt_pool_take_random(struct mt_pool *pool, struct mt_chunk *c);
bool mt_pool_take_oldest(struct mt_pool *pool, bool newest,
			 struct mt_chunk *c);
u32 mt_pool_count(struct mt_pool *pool);
u64 mt_pool_bound(u64 chunks);
/* Pages the pools use for their bookkeeping, in bytes. */
extern atomic64_t mt_tracking_bytes;

void mt_pool_drain(struct mt_pool *pool,
		   void (*fn)(const struct mt_chunk *c, void *arg), void *arg);

#ifdef CONFIG_MALLOC_TEST_KUNIT_TEST
/* For the KUnit tests of the layers above (kunit/pool-kunit.h). */
bool mt_pool_peek(struct mt_pool *pool, u32 i, struct mt_chunk *c);
#endif

#endif /* _MT_POOL_H */
