/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - the allocators, what their chunks cost, and the dedicated
 * slab caches of alloc=cache (mt_alloc.c).
 */
#ifndef _MT_ALLOC_H
#define _MT_ALLOC_H

#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/numa.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/types.h>
#include <linux/vmalloc.h>

#include "mt_compat.h"
#include "mt_gfp.h"
#include "mt_grammar.h"

/* The dedicated caches' size classes: 8 bytes to 1 MiB, powers of two. */
#define MT_CACHE_MIN_SHIFT	3
#define MT_CACHE_MAX_SHIFT	20
#define MT_CACHE_CLASSES	(MT_CACHE_MAX_SHIFT - MT_CACHE_MIN_SHIFT + 1)

struct mt_caches;
struct mt_reserve;

/**
 * struct mt_how - how an owner allocates
 * @gfp: the flags of the chunks themselves
 * @node: the NUMA node, or NUMA_NO_NODE
 * @can_sleep: the caller is in process context: it may reschedule, and
 *	the bookkeeping and the dedicated caches may be allocated with
 *	GFP_KERNEL; false in a test's atomic context (ctx=timer,
 *	softirq, irqoff)
 * @res: where what an allocation creates on the way (a dedicated cache)
 *	is charged from (mt_reserve_take()); NULL: against max_bytes
 * @min_nr: alloc=mempool: the elements a mempool it creates keeps
 * @nmi: a chunk's allocator call runs in an NMI of this CPU (ctx=nmi,
 *	mt_nmi_run()); the allocator is a nolock one
 */
struct mt_how {
	gfp_t gfp;
	int node;
	bool can_sleep;
	bool nmi;
	struct mt_reserve *res;
	unsigned int min_nr;
};

/**
 * struct mt_allocator - how to get, resize and release one kind of chunk
 * @max_size: the largest size a command may ask of it, in bytes
 * @may_sleep: it may sleep whatever the flags: not in an atomic ctx=
 * @no_irq: with atomic flags it may run with bottom halves disabled
 *	(ctx=bhoff), but not in an interrupt, nor with interrupts disabled,
 *	where its vfree() would sleep: vmalloc and kvmalloc from 6.19 on
 * @nofail: the kernel supports __GFP_NOFAIL through it (small orders)
 * @nolock: it takes no lock and no flags but zero and account: it never
 *	dips into the kernel's reserves (nothing counts against
 *	max_atomic_bytes), and is allowed to fail
 * @missing: why this kernel has no such allocator (@alloc is then NULL)
 * @alloc: allocate a chunk of @bytes (what the chunk counts, see
 *	mt_chunk_bytes()); NULL on failure
 * @realloc: resize @p from @old to @new bytes; NULL on failure, in which
 *	case @p is untouched
 * @free: release @p, a chunk of @bytes
 * @free_rcu: the same through RCU (release=rcu, mt_free_rcu_call());
 *	NULL where the kernel has no such release
 * @alloc_bulk: allocate @n chunks of @bytes in one call into @p (bulk=);
 *	return how many, from slot 0, or a negative errno when none (as
 *	@alloc's NULL and ERR_PTR); NULL where the allocator has no bulk call
 *
 * Each takes the owner's dedicated caches, which only alloc=cache uses.
 * Its name is mt_alloc_names[] of its enum mt_alloc_kind.
 */
struct mt_allocator {
	u64 max_size;
	bool may_sleep;
	bool no_irq;
	bool nofail;
	bool nolock;
	const char *missing;
	void *(*alloc)(struct mt_caches *cs, u64 bytes, const struct mt_how *how);
	void *(*realloc)(struct mt_caches *cs, void *p, u64 old, u64 new,
			 const struct mt_how *how);
	void (*free)(struct mt_caches *cs, void *p, u64 bytes);
	void (*free_rcu)(struct mt_caches *cs, void *p, u64 bytes);
	int (*alloc_bulk)(struct mt_caches *cs, u64 bytes, unsigned int n,
			  const struct mt_how *how, void **p);
};

extern const struct mt_allocator mt_allocators[MT_NR_KINDS];
/* The alloc parameter: the allocator when a command names none. */
extern unsigned int mt_default_alloc;
/* Dedicated slab caches alive, the bench's among them. */
extern atomic_t mt_nr_caches;

/*
 * Does a chunk of @kind allocated with @gfp count against
 * max_atomic_bytes?  Its flags may use the kernel's reserves
 * (mt_gfp_urgent()), and its allocator takes them: the nolock ones take
 * no such flag.
 */
static inline bool mt_urgent(enum mt_alloc_kind kind, gfp_t gfp)
{
	return !mt_allocators[kind].nolock && mt_gfp_urgent(gfp);
}

int mt_kind_from_name(const char *name);
u64 mt_chunk_bytes(enum mt_alloc_kind kind, u64 size);
u64 mt_fit(enum mt_alloc_kind kind, u64 size, u64 limit);
u64 mt_footprint(enum mt_alloc_kind kind, u64 bytes, const void *p);
u64 mt_footprint_max(enum mt_alloc_kind kind, u64 bytes);
u64 mt_resize_footprint_max(enum mt_alloc_kind kind, u64 bytes, const void *p,
			    u64 fp);
u64 mt_cache_overhead(unsigned int size);
u64 mt_mempool_overhead(unsigned int size, unsigned int min_nr);
u64 mt_caches_bound(u64 max, unsigned int min_nr);
u64 mt_footprint_bound(enum mt_alloc_kind kind, u64 min, u64 max, u64 total);
void mt_how_fit(enum mt_alloc_kind kind, struct mt_how *how);

/*
 * The largest chunk a test in an atomic context (ctx=timer, softirq,
 * irqoff) may ask for, in the bytes it counts: an order-3 allocation
 * (PAGE_ALLOC_COSTLY_ORDER), whose pattern fill, check and resize copy a
 * hard interrupt can afford.
 */
#define MT_TIMER_MAX_BYTES	(PAGE_SIZE << PAGE_ALLOC_COSTLY_ORDER)

/* The mempool_reserve parameter: min_nr of the kept memory's mempools. */
extern unsigned int mt_mempool_reserve;

/**
 * struct mt_mempool - the mempool of a size class (alloc=mempool)
 * @pool: the pool, over the class's cache; NULL where none exists
 * @cache: that cache, which the pool's elements come from
 * @taken: elements mempool_alloc() gave, ever
 * @backed: of them, those the cache gave at the time; the rest came from
 *	the pool's reserve
 */
struct mt_mempool {
	mempool_t *pool;
	struct kmem_cache *cache;
	atomic_long_t taken;
	atomic_long_t backed;
};

/**
 * struct mt_caches - an owner's dedicated slab caches, one per size class
 * @lock: serialises creating and destroying them
 * @cache: the caches; NULL where none exists
 * @mp: the mempools over them, created on alloc=mempool's first use of
 *	the class, destroyed with the cache
 * @refs: per class: its chunks, allocations in flight, and the pin; the
 *	cache is destroyed when it drops to 0
 * @objects: per class: its chunks, for the caches file
 * @pinned: classes whose cache holds a pin (a test's, until it ends)
 * @pin: caches created from now on are pinned
 * @tag: tells the owner in the caches' names: "kept", "t7"
 */
struct mt_caches {
	struct mutex lock;	/* protects creation and destruction */
	struct kmem_cache *cache[MT_CACHE_CLASSES];
	struct mt_mempool mp[MT_CACHE_CLASSES];
	refcount_t refs[MT_CACHE_CLASSES];
	atomic_t objects[MT_CACHE_CLASSES];
	unsigned long pinned;
	bool pin;
	char tag[12];
};

/**
 * mt_alloc_call() - the allocator's own call, and nothing else
 * @kind: the allocator (enum mt_alloc_kind), a constant where this is
 *	inlined, so that no dispatch is left
 * @size: bytes to ask it (for alloc=percpu: on each CPU)
 * @gfp: the flags
 * @node: the NUMA node, or NUMA_NO_NODE for the plain call (kmalloc(),
 *	alloc_pages()...), as a caller without a node would write it
 * @s: the slab cache, for alloc=cache
 *
 * The one place the allocators are called: the owners' allocator table
 * (mt_alloc.c) and the bench's loops (mt_bench.c) both come here, so a
 * bench measures exactly the calls the commands and tests make.  The
 * kernel exports no vmalloc that takes both flags and a node: on a node
 * it is vmalloc_node() or vzalloc_node(), plain GFP_KERNEL (the grammar
 * takes node= with alloc=vmalloc only then).
 *
 * Return: the memory, or NULL.
 */
static __always_inline void *mt_alloc_call(unsigned int kind, size_t size,
					   gfp_t gfp, int node,
					   struct kmem_cache *s)
{
	struct page *page;

	switch (kind) {
	case MT_KMALLOC:
		return node == NUMA_NO_NODE ? kmalloc(size, gfp) :
					      kmalloc_node(size, gfp, node);
	case MT_VMALLOC:
		if (node == NUMA_NO_NODE)
			return __vmalloc(size, gfp);
		return gfp & __GFP_ZERO ? vzalloc_node(size, node) :
					  vmalloc_node(size, node);
	case MT_KVMALLOC:
		return node == NUMA_NO_NODE ? kvmalloc(size, gfp) :
					      kvmalloc_node(size, gfp, node);
	case MT_PAGES:
		page = node == NUMA_NO_NODE ?
		       alloc_pages(gfp, get_order(size)) :
		       alloc_pages_node(node, gfp, get_order(size));
		return page ? page_address(page) : NULL;
	case MT_CACHE:
		return node == NUMA_NO_NODE ? kmem_cache_alloc(s, gfp) :
					      kmem_cache_alloc_node(s, gfp, node);
	case MT_PERCPU:
		return (void __force *)__alloc_percpu_gfp(size, sizeof(u64),
							  gfp);
	case MT_KMALLOC_NOLOCK:
		return mt_kmalloc_nolock(size, gfp, node);
	case MT_PAGES_NOLOCK:
		page = mt_alloc_pages_nolock(gfp, node, get_order(size));
		return page ? page_address(page) : NULL;
	default:
		return NULL;
	}
}

/**
 * mt_free_call() - give back what mt_alloc_call() gave
 * @kind: the allocator, as given to mt_alloc_call()
 * @p: the memory
 * @size: the size asked (alloc=pages: its order follows from it)
 * @s: the slab cache, for alloc=cache
 */
static __always_inline void mt_free_call(unsigned int kind, void *p,
					 size_t size, struct kmem_cache *s)
{
	switch (kind) {
	case MT_KMALLOC:
		kfree(p);
		break;
	case MT_VMALLOC:
		vfree(p);
		break;
	case MT_KVMALLOC:
		kvfree(p);
		break;
	case MT_PAGES:
		__free_pages(virt_to_page(p), get_order(size));
		break;
	case MT_CACHE:
		kmem_cache_free(s, p);
		break;
	case MT_PERCPU:
		free_percpu((void __percpu __force *)p);
		break;
	case MT_KMALLOC_NOLOCK:
		mt_kfree_nolock(p);
		break;
	case MT_PAGES_NOLOCK:
		__free_pages(virt_to_page(p), get_order(size));
		break;
	}
}

/**
 * struct mt_rcu_chunk - what a release through RCU writes into a chunk
 * @rcu: the head kfree_rcu() and kvfree_rcu() queue the chunk by
 *
 * At the chunk's start, over what it held: a chunk must count at least
 * MT_RCU_MIN_BYTES to be released so.
 */
struct mt_rcu_chunk {
	struct rcu_head rcu;
};

#define MT_RCU_MIN_BYTES	sizeof(struct mt_rcu_chunk)

/**
 * mt_free_rcu_call() - give back what mt_alloc_call() gave, through RCU
 * @kind: the allocator: kmalloc or cache (kfree_rcu()), vmalloc or
 *	kvmalloc (kvfree_rcu()); nothing else has such a release
 * @p: the memory, at least MT_RCU_MIN_BYTES
 *
 * The kernel frees it once a grace period has passed, in its own
 * batches.  A slab cache's object goes through kfree_rcu() too: the
 * kernel's kmem_cache_destroy() waits for those in flight from 6.12 on
 * (mt_compat.h's MT_HAVE_RCU_CACHE_DESTROY).
 */
static __always_inline void mt_free_rcu_call(unsigned int kind, void *p)
{
	struct mt_rcu_chunk *c = p;

	switch (kind) {
	case MT_KMALLOC:
	case MT_CACHE:
		kfree_rcu(c, rcu);
		break;
	case MT_VMALLOC:
	case MT_KVMALLOC:
		kvfree_rcu(c, rcu);
		break;
	}
}

int mt_caches_pin(struct mt_caches *cs, u64 max, unsigned int min_nr);
void mt_caches_unpin(struct mt_caches *cs);
void mt_caches_show(struct seq_file *m, struct mt_caches *cs);
void mt_mempools_show(struct seq_file *m, struct mt_caches *cs);
long mt_mempools_from_reserve(struct mt_caches *cs);

#endif /* _MT_ALLOC_H */
