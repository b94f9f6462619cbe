// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - the bookkeeping of the chunks an owner holds.
 *
 * What its users need of it: every owner adds chunks, takes one chosen
 * uniformly at random (mem_realloc, realloc_p, free=random) and takes
 * out everything (free all, rmmod).  Kept memory also gives up the chunk
 * mem_free SIZE frees next, which needs the chunks ordered by size; a
 * test also gives up its oldest or newest chunk (free=fifo, lifo), which
 * needs them ordered by age.  No user needs both orders, so a pool keeps
 * one, chosen when it is made (enum mt_pool_order).  A million chunks
 * must not slow any operation, and tracking must cost at most 32 bytes a
 * chunk, none of it from the kmalloc caches the module stresses.
 *
 * The nodes are dense: indices 0..nr-1 are all in use, and a removed
 * node's slot is filled by the last node, whose links are fixed up.  A
 * random chunk is then a random index, O(1), and removing all walks the
 * array, not the order.  The order links nodes by u32 index instead of
 * by pointer (an rbtree node alone is 24 bytes, and the chunk's address
 * and size take 16 more), so that a node is 32 bytes:
 *
 * - by size (kept memory): a treap ordered by (size, address) and
 *   heap-ordered by a random priority; insertion, removal and the
 *   best-fit search are O(log n) expected;
 * - by age (tests): a doubly linked list, oldest first; adding at its
 *   tail and taking its head, its tail or any node are O(1), so a test's
 *   allocation and free cost the bookkeeping the same at any size.
 *
 * The nodes live in whole pages taken from the page allocator, reached
 * through a three-level radix of pages (top -> mid -> node block): three
 * loads reach any node, growth never moves a node (a flat array would be
 * copied on growth, with the lock held), and a pool of a few chunks costs
 * three pages.  An xarray would do the same walk but takes its nodes from
 * a slab cache and allocates them on insertion, under a lock taken in
 * hard-irq context here.  Pages are allocated outside the pool's lock:
 * when an insertion needs pages the spare list lacks, the lock is
 * dropped, a page is charged against max_bytes and allocated with the
 * caller's GFP flags, and the insertion retries.  The pages hold the only
 * pointers to the chunks: they are made known to kmemleak, which does not
 * scan the page allocator's pages, so that it does not take the chunks
 * for leaks.
 */
#include "malloc_test.h"
#include "mt_charge.h"
#include "mt_pool.h"

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/kmemleak.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/sched.h>

/* Pages the pools use for their bookkeeping, in bytes. */
atomic64_t mt_tracking_bytes;

/* Node indices are 26 bits: MT_POOL_MAX_CHUNKS of them, and NIL. */
#define MT_POOL_INDEX_BITS	26
#define MT_POOL_NIL		((1U << MT_POOL_INDEX_BITS) - 1)

#define MT_NODES_PER_PAGE	(PAGE_SIZE / sizeof(struct mt_node))
#define MT_PTRS_PER_PAGE	(PAGE_SIZE / sizeof(void *))
#define MT_NODES_PER_MID	(MT_NODES_PER_PAGE * MT_PTRS_PER_PAGE)

/**
 * struct mt_node - one chunk in a pool
 * @ptr: the chunk's memory (&struct mt_chunk)
 * @size: the bytes it counts
 * @kind: its allocator, enum mt_alloc_kind
 * @patterned: filled with the check_content pattern
 * @urgent: allocated with flags that may use the kernel's reserves
 * @left: by size, the node below to the left; by age, the next older
 * @right: by size, the node below to the right; by age, the next newer
 * @parent: by size, the node above; unused by age
 * @prio: by size, its heap priority, random; unused by age
 *
 * @left, @right and @parent are node indices, MT_POOL_NIL for none.  The
 * pool's lock protects it.
 */
struct mt_node {
	void *ptr;
	u64 size:56;
	u64 kind:6;
	u64 patterned:1;
	u64 urgent:1;
	/* MT_POOL_INDEX_BITS each */
	u64 left:26;
	u64 right:26;
	u64 parent:26;
	u64 prio:32;
};

static_assert(sizeof(struct mt_node) == 32);
static_assert(MT_NR_KINDS <= 64);
static_assert(MT_POOL_MAX_CHUNKS < MT_POOL_NIL);
static_assert(MT_POOL_INDEX_BITS == 26);

/* The pool's capacity must fit the three levels of one page each. */
static_assert(MT_POOL_MAX_CHUNKS <=
	      (u64)MT_NODES_PER_MID * (PAGE_SIZE / sizeof(void *)));

static struct mt_node *mt_node(struct mt_pool *pool, u32 i)
{
	void **mid = pool->top[i / MT_NODES_PER_MID];
	struct mt_node *block = mid[(i / MT_NODES_PER_PAGE) % MT_PTRS_PER_PAGE];

	return &block[i % MT_NODES_PER_PAGE];
}

/* How many pages node @i needs that do not exist yet. */
static unsigned int mt_pages_needed(u32 i)
{
	return (i == 0) + (i % MT_NODES_PER_MID == 0) +
	       (i % MT_NODES_PER_PAGE == 0);
}

static void *mt_page_get(struct mt_pool *pool)
{
	void *page = pool->spare[--pool->nr_spare];

	clear_page(page);
	return page;
}

/*
 * A page for the bookkeeping: charged (from @res when it has the bytes),
 * allocated, and made known to kmemleak, which scans it for the chunks'
 * pointers and never reports it.  Return: 0, -ENOSPC or -ENOMEM.
 */
static int mt_page_alloc(gfp_t gfp, struct mt_reserve *res, void **page)
{
	if (!mt_reserve_take(res, PAGE_SIZE, false))
		return -ENOSPC;
	*page = (void *)__get_free_page(gfp | __GFP_NOWARN);
	if (!*page) {
		mt_reserve_give(res, PAGE_SIZE, false);
		return -ENOMEM;
	}
	kmemleak_alloc(*page, PAGE_SIZE, 0, gfp);
	atomic64_add(PAGE_SIZE, &mt_tracking_bytes);
	return 0;
}

/* Give back a page of mt_page_alloc()'s, and its charge.  Any context. */
static void mt_page_free(void *page)
{
	kmemleak_free(page);
	free_page((unsigned long)page);
	atomic64_sub(PAGE_SIZE, &mt_tracking_bytes);
	mt_uncharge(PAGE_SIZE);
}

/* Keep @page as a spare, or give it back.  Called with the lock held. */
static void mt_page_put(struct mt_pool *pool, void *page)
{
	if (pool->nr_spare < MT_POOL_SPARES) {
		pool->spare[pool->nr_spare++] = page;
		return;
	}
	mt_page_free(page);
}

/* Make slot pool->nr usable.  Must be called with the lock held. */
static void mt_grow(struct mt_pool *pool)
{
	u32 i = pool->nr;
	void **mid;

	if (i == 0)
		pool->top = mt_page_get(pool);
	if (i % MT_NODES_PER_MID == 0)
		pool->top[i / MT_NODES_PER_MID] = mt_page_get(pool);
	mid = pool->top[i / MT_NODES_PER_MID];
	if (i % MT_NODES_PER_PAGE == 0)
		mid[(i / MT_NODES_PER_PAGE) % MT_PTRS_PER_PAGE] =
			mt_page_get(pool);
	pool->nr++;
}

/* Drop the last slot and the pages it alone used.  Lock held. */
static void mt_shrink(struct mt_pool *pool)
{
	u32 i = --pool->nr;
	void **mid = pool->top[i / MT_NODES_PER_MID];

	if (i % MT_NODES_PER_PAGE == 0)
		mt_page_put(pool, mid[(i / MT_NODES_PER_PAGE) %
				      MT_PTRS_PER_PAGE]);
	if (i % MT_NODES_PER_MID == 0)
		mt_page_put(pool, mid);
	if (i == 0) {
		mt_page_put(pool, pool->top);
		pool->top = NULL;
	}
}

static bool mt_less(const struct mt_node *a, const struct mt_node *b)
{
	if (a->size != b->size)
		return a->size < b->size;
	return (unsigned long)a->ptr < (unsigned long)b->ptr;
}

/* Make @parent (or the root, when NIL) point at @new instead of @old. */
static void mt_relink(struct mt_pool *pool, u32 parent, u32 old, u32 new)
{
	struct mt_node *p;

	if (parent == MT_POOL_NIL) {
		pool->root = new;
		return;
	}
	p = mt_node(pool, parent);
	if (p->left == old)
		p->left = new;
	else
		p->right = new;
}

/* Rotate node @x above its parent. */
static void mt_rotate_up(struct mt_pool *pool, u32 x)
{
	struct mt_node *n = mt_node(pool, x);
	u32 p = n->parent;
	struct mt_node *pn = mt_node(pool, p);
	u32 moved;

	if (pn->left == x) {
		moved = n->right;
		pn->left = moved;
		n->right = p;
	} else {
		moved = n->left;
		pn->right = moved;
		n->left = p;
	}
	if (moved != MT_POOL_NIL)
		mt_node(pool, moved)->parent = p;
	mt_relink(pool, pn->parent, p, x);
	n->parent = pn->parent;
	pn->parent = x;
}

static void mt_treap_insert(struct mt_pool *pool, u32 x)
{
	struct mt_node *n = mt_node(pool, x);
	u32 cur = pool->root, parent = MT_POOL_NIL;
	bool left = false;

	while (cur != MT_POOL_NIL) {
		struct mt_node *c = mt_node(pool, cur);

		parent = cur;
		left = mt_less(n, c);
		cur = left ? c->left : c->right;
	}
	n->left = MT_POOL_NIL;
	n->right = MT_POOL_NIL;
	n->parent = parent;
	if (parent == MT_POOL_NIL)
		pool->root = x;
	else if (left)
		mt_node(pool, parent)->left = x;
	else
		mt_node(pool, parent)->right = x;

	while (n->parent != MT_POOL_NIL &&
	       mt_node(pool, n->parent)->prio < n->prio)
		mt_rotate_up(pool, x);
}

/* Unlink node @x from the treap; its slot is left unused. */
static void mt_treap_remove(struct mt_pool *pool, u32 x)
{
	struct mt_node *n = mt_node(pool, x);
	u32 child;

	while (n->left != MT_POOL_NIL && n->right != MT_POOL_NIL) {
		u32 l = n->left, r = n->right;

		mt_rotate_up(pool, mt_node(pool, l)->prio >
				   mt_node(pool, r)->prio ? l : r);
	}
	child = n->left != MT_POOL_NIL ? n->left : n->right;
	if (child != MT_POOL_NIL)
		mt_node(pool, child)->parent = n->parent;
	mt_relink(pool, n->parent, x, child);
}

/* Append node @x to the list, as the newest.  Lock held. */
static void mt_list_add(struct mt_pool *pool, u32 x)
{
	struct mt_node *n = mt_node(pool, x);

	n->left = pool->tail;
	n->right = MT_POOL_NIL;
	if (pool->tail == MT_POOL_NIL)
		pool->root = x;
	else
		mt_node(pool, pool->tail)->right = x;
	pool->tail = x;
}

/*
 * Make the list's links to node @n point elsewhere: its older neighbour
 * (or the head) at @to_newer, its newer neighbour (or the tail) at
 * @to_older.  Unlinks @n with its own neighbours; points them at its new
 * slot after a move.  Lock held.
 */
static void mt_list_relink(struct mt_pool *pool, const struct mt_node *n,
			   u32 to_older, u32 to_newer)
{
	if (n->left == MT_POOL_NIL)
		pool->root = to_newer;
	else
		mt_node(pool, n->left)->right = to_newer;
	if (n->right == MT_POOL_NIL)
		pool->tail = to_older;
	else
		mt_node(pool, n->right)->left = to_older;
}

static void mt_node_chunk(const struct mt_node *n, struct mt_chunk *c)
{
	c->ptr = n->ptr;
	c->size = n->size;
	c->kind = n->kind;
	c->patterned = n->patterned;
	c->urgent = n->urgent;
}

/*
 * Take node @x out: unlink it, move the last node into its slot so the
 * array stays dense, give back what is no longer needed.  Lock held.
 */
static void mt_remove(struct mt_pool *pool, u32 x, struct mt_chunk *c)
{
	struct mt_node *n = mt_node(pool, x);
	u32 last = pool->nr - 1;

	mt_node_chunk(n, c);
	if (pool->order == MT_POOL_BY_AGE)
		mt_list_relink(pool, n, n->left, n->right);
	else
		mt_treap_remove(pool, x);

	if (x != last) {
		*n = *mt_node(pool, last);
		if (pool->order == MT_POOL_BY_AGE) {
			mt_list_relink(pool, n, x, x);
		} else {
			mt_relink(pool, n->parent, last, x);
			if (n->left != MT_POOL_NIL)
				mt_node(pool, n->left)->parent = x;
			if (n->right != MT_POOL_NIL)
				mt_node(pool, n->right)->parent = x;
		}
	}
	pool->bytes -= c->size;
	mt_shrink(pool);
}

/**
 * mt_pool_init() - prepare an empty pool
 * @pool: the pool
 * @order: the order it keeps: by size for mem_free SIZE, by age for
 *	free=fifo and lifo
 * @seed: seed of its random state
 */
void mt_pool_init(struct mt_pool *pool, enum mt_pool_order order, u64 seed)
{
	memset(pool, 0, sizeof(*pool));
	spin_lock_init(&pool->lock);
	pool->order = order;
	pool->root = MT_POOL_NIL;
	pool->tail = MT_POOL_NIL;
	pool->max = MT_POOL_MAX_CHUNKS;
	prandom_seed_state(&pool->rnd, seed);
}

/**
 * mt_pool_destroy() - release an empty pool's spare pages
 * @pool: the pool, which must hold no chunk
 */
void mt_pool_destroy(struct mt_pool *pool)
{
	WARN_ON_ONCE(pool->nr);
	while (pool->nr_spare)
		mt_page_free(pool->spare[--pool->nr_spare]);
}

/**
 * mt_pool_add() - put a chunk in the pool
 * @pool: the pool
 * @c: the chunk
 * @gfp: flags for the pages the bookkeeping may need
 * @res: where those pages are charged from (mt_reserve_take()), or NULL
 *
 * Context: any context, with @gfp that does not sleep there; takes
 * the pool's lock with interrupts off, and drops it to allocate.
 *
 * Return: 0; -ENOBUFS when the pool holds as many chunks as it can
 * (MT_POOL_MAX_CHUNKS); -ENOSPC when a page for the bookkeeping would
 * pass max_bytes; -ENOMEM when the kernel refused that page.
 */
int mt_pool_add(struct mt_pool *pool, const struct mt_chunk *c, gfp_t gfp,
		struct mt_reserve *res)
{
	struct mt_node *n;
	unsigned long flags;
	void *page;
	u32 x;
	int ret;

	spin_lock_irqsave(&pool->lock, flags);
	while (pool->nr_spare < mt_pages_needed(pool->nr)) {
		if (pool->nr >= pool->max)
			break;
		spin_unlock_irqrestore(&pool->lock, flags);
		ret = mt_page_alloc(gfp, res, &page);
		if (ret)
			return ret;
		spin_lock_irqsave(&pool->lock, flags);
		mt_page_put(pool, page);
	}
	if (pool->nr >= pool->max) {
		spin_unlock_irqrestore(&pool->lock, flags);
		return -ENOBUFS;
	}

	x = pool->nr;
	mt_grow(pool);
	n = mt_node(pool, x);
	n->ptr = c->ptr;
	n->size = c->size;
	n->kind = c->kind;
	n->patterned = c->patterned;
	n->urgent = c->urgent;
	if (pool->order == MT_POOL_BY_AGE) {
		mt_list_add(pool, x);
	} else {
		n->prio = prandom_u32_state(&pool->rnd);
		mt_treap_insert(pool, x);
	}
	pool->bytes += c->size;
	spin_unlock_irqrestore(&pool->lock, flags);
	return 0;
}

/**
 * mt_pool_take_fit() - take out the chunk mem_free frees next
 * @pool: the pool, ordered by size
 * @want: bytes still to free
 * @c: where the chunk is returned
 *
 * The largest chunk no bigger than @want; when every chunk is bigger,
 * the smallest.
 *
 * Context: any context; takes the pool's lock with interrupts off.
 *
 * Return: false when the pool is empty.
 */
bool mt_pool_take_fit(struct mt_pool *pool, u64 want, struct mt_chunk *c)
{
	u32 cur, best = MT_POOL_NIL;
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	for (cur = pool->root; cur != MT_POOL_NIL;) {
		struct mt_node *n = mt_node(pool, cur);

		if (n->size <= want) {
			best = cur;
			cur = n->right;
		} else {
			cur = n->left;
		}
	}
	if (best == MT_POOL_NIL && pool->root != MT_POOL_NIL) {
		for (best = pool->root; mt_node(pool, best)->left != MT_POOL_NIL;)
			best = mt_node(pool, best)->left;
	}
	if (best != MT_POOL_NIL)
		mt_remove(pool, best, c);
	spin_unlock_irqrestore(&pool->lock, flags);
	return best != MT_POOL_NIL;
}

/**
 * mt_pool_take_random() - take out a chunk chosen uniformly at random
 * @pool: the pool
 * @c: where the chunk is returned
 *
 * Context: any context; takes the pool's lock with interrupts off.
 *
 * Return: false when the pool is empty.
 */
bool mt_pool_take_random(struct mt_pool *pool, struct mt_chunk *c)
{
	unsigned long flags;
	bool found;

	spin_lock_irqsave(&pool->lock, flags);
	found = pool->nr;
	if (found)
		mt_remove(pool,
			  reciprocal_scale(prandom_u32_state(&pool->rnd),
					   pool->nr), c);
	spin_unlock_irqrestore(&pool->lock, flags);
	return found;
}

/**
 * mt_pool_take_oldest() - take out the oldest chunk, or the newest
 * @pool: the pool, ordered by age
 * @newest: take the newest instead
 * @c: where the chunk is returned
 *
 * Context: any context; takes the pool's lock with interrupts off.
 *
 * Return: false when the pool is empty.
 */
bool mt_pool_take_oldest(struct mt_pool *pool, bool newest,
			 struct mt_chunk *c)
{
	unsigned long flags;
	u32 x;

	spin_lock_irqsave(&pool->lock, flags);
	x = newest ? pool->tail : pool->root;
	if (x != MT_POOL_NIL)
		mt_remove(pool, x, c);
	spin_unlock_irqrestore(&pool->lock, flags);
	return x != MT_POOL_NIL;
}

/**
 * mt_pool_count() - how many chunks the pool holds
 * @pool: the pool
 *
 * Context: any context; reads without the lock: a figure that others'
 * adds and takes may change at once.
 *
 * Return: the number of chunks.
 */
u32 mt_pool_count(struct mt_pool *pool)
{
	return READ_ONCE(pool->nr);
}

/**
 * mt_pool_bound() - the most the bookkeeping of more chunks can cost
 * @chunks: how many more a pool is to hold
 *
 * The node pages they fill and the mid pages that list those, each
 * perhaps begun; a top page; the spares.
 *
 * Return: bytes, charged as the pool grows (mt_pool_add()).
 */
u64 mt_pool_bound(u64 chunks)
{
	return (div64_u64(chunks, MT_NODES_PER_PAGE) +
		div64_u64(chunks, MT_NODES_PER_MID) + 3 + MT_POOL_SPARES) *
	       PAGE_SIZE;
}

/**
 * mt_pool_drain() - take every chunk out and hand each to @fn
 * @pool: the pool
 * @fn: called once per chunk, without the pool's lock
 * @arg: passed to @fn
 *
 * The pool is emptied at once under its lock; the chunks are then
 * walked with no lock held, so @fn may sleep and others may use the
 * pool meanwhile.
 *
 * Context: process context; takes the pool's lock with interrupts off.
 */
void mt_pool_drain(struct mt_pool *pool,
		   void (*fn)(const struct mt_chunk *c, void *arg), void *arg)
{
	struct mt_pool old;
	unsigned long flags;
	struct mt_chunk c;
	u32 i;

	spin_lock_irqsave(&pool->lock, flags);
	old.top = pool->top;
	old.nr = pool->nr;
	pool->top = NULL;
	pool->nr = 0;
	pool->root = MT_POOL_NIL;
	pool->tail = MT_POOL_NIL;
	pool->bytes = 0;
	spin_unlock_irqrestore(&pool->lock, flags);

	for (i = 0; i < old.nr; i++) {
		mt_node_chunk(mt_node(&old, i), &c);
		fn(&c, arg);
		if (i % MT_NODES_PER_PAGE == 0)
			cond_resched();
	}

	/* Give back the pages: walk the slots from the last down. */
	old.nr_spare = 0;
	while (old.nr)
		mt_shrink(&old);
	while (old.nr_spare)
		mt_page_free(old.spare[--old.nr_spare]);
}

#ifdef CONFIG_MALLOC_TEST_KUNIT_TEST
#include "kunit/pool-kunit.h"
#endif
