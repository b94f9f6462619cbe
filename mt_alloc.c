// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - the allocators a chunk can come from.
 *
 * Each allocator is one entry of mt_allocators[]: how to allocate a
 * chunk, on a node when asked, how to resize it and how to free it.
 * A chunk counts its size as asked, but where the allocator's granule
 * is coarser than any size: whole pages for alloc=pages, one copy per
 * possible CPU for alloc=percpu (mt_chunk_bytes()).  What it costs the
 * machine, its footprint (mt_footprint()), is what max_bytes caps: the
 * slab object's size class, vmalloc's whole pages and the page array,
 * area and page tables that map them, per-CPU memory's alignment.
 *
 * alloc=cache allocates from slab caches of the owner's own, one per
 * power-of-two size class, created on first use and destroyed when the
 * last chunk in them goes (or, for a test, when it ends: its caches are
 * pinned until then).  A cache is reference-counted by its chunks and
 * the allocations in flight, so that creating and destroying it never
 * races with its use, and no lock is held while allocating from it.
 * A cache is charged, while it exists, its descriptors and one slab
 * (mt_cache_overhead()).
 *
 * An allocator's alloc and realloc return the memory, NULL when the
 * kernel refused, or ERR_PTR(-ENOSPC) when what it would create (a
 * cache) would pass max_bytes.
 */
#include "malloc_test.h"
#include "mt_alloc.h"
#include "mt_charge.h"
#include "mt_compat.h"
#include "mt_pool.h"

#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/numa.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/refcount.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

/* Dedicated slab caches alive: owners' (alloc=cache) and the bench's. */
atomic_t mt_nr_caches;

unsigned int mt_default_alloc = MT_KVMALLOC;

static int mt_alloc_set(const char *val, const struct kernel_param *kp)
{
	int kind = mt_kind_from_name(val);

	if (kind < 0)
		return mt_param_refuse(kp, val,
				       "kmalloc, vmalloc, kvmalloc, pages, cache, percpu, kmalloc_nolock, pages_nolock or mempool");
	if (!mt_allocators[kind].alloc)
		return mt_param_refuse(kp, val, mt_allocators[kind].missing);
	WRITE_ONCE(mt_default_alloc, kind);
	return 0;
}

static int mt_alloc_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  mt_alloc_names[READ_ONCE(mt_default_alloc)]);
}

static const struct kernel_param_ops mt_alloc_ops = {
	.set = mt_alloc_set,
	.get = mt_alloc_get,
};
module_param_cb(alloc, &mt_alloc_ops, &mt_default_alloc, 0644);
MODULE_PARM_DESC(alloc,
		 "Allocator when a command names none: kmalloc, vmalloc, kvmalloc, pages, cache, percpu, kmalloc_nolock, pages_nolock or mempool (default kvmalloc)");

/* ---------------------------------------------------------- kmalloc --- */

static void *mt_kmalloc(struct mt_caches *cs, u64 bytes, const struct mt_how *how)
{
	return mt_alloc_call(MT_KMALLOC, bytes, how->gfp, how->node, NULL);
}

static void *mt_krealloc(struct mt_caches *cs, void *p, u64 old, u64 new,
			 const struct mt_how *how)
{
	return krealloc(p, new, how->gfp);
}

static void mt_kfree(struct mt_caches *cs, void *p, u64 bytes)
{
	mt_free_call(MT_KMALLOC, p, bytes, NULL);
}

static void mt_kfree_rcu(struct mt_caches *cs, void *p, u64 bytes)
{
	mt_free_rcu_call(MT_KMALLOC, p);
}

/* ---------------------------------------------------------- vmalloc --- */

/*
 * The kernel exports no vmalloc that takes both flags and a node: on a
 * node it is vmalloc_node() or vzalloc_node(), plain GFP_KERNEL, which
 * may call the OOM killer and warns when it fails.  mt_cmd.c takes node=
 * with alloc=vmalloc only when gfp= says kernel (and zero, at most).
 */
static void *mt_vmalloc(struct mt_caches *cs, u64 bytes, const struct mt_how *how)
{
	return mt_alloc_call(MT_VMALLOC, bytes, how->gfp, how->node, NULL);
}

static void mt_vfree(struct mt_caches *cs, void *p, u64 bytes)
{
	mt_free_call(MT_VMALLOC, p, bytes, NULL);
}

static void mt_vfree_rcu(struct mt_caches *cs, void *p, u64 bytes)
{
	mt_free_rcu_call(MT_VMALLOC, p);
}

/* kvmalloc()'s vmalloc fallback may map PMD-size pages (VM_ALLOW_HUGE_VMAP). */
#define MT_HUGE_VMALLOC	IS_ENABLED(CONFIG_HAVE_ARCH_HUGE_VMALLOC)

/*
 * What the kernel spends for vmalloc(@size): its pages; the array that
 * lists them, kmalloc'd, or vmalloc'd past a page; the area's two
 * descriptors; the page-table entries that map the pages and the guard
 * page after them (a PTE each, amortised: the tables themselves stay).
 * @huge: the area may be mapped with PMD-size pages, its size then
 * rounded up to them.
 */
static u64 mt_vmalloc_footprint(u64 size, bool huge)
{
	u64 bytes, pages, array;

	if (huge && size >= PMD_SIZE)
		bytes = ALIGN(size, PMD_SIZE);
	else
		bytes = PAGE_ALIGN(size);
	pages = bytes >> PAGE_SHIFT;
	array = pages * sizeof(struct page *);
	if (array > PAGE_SIZE)
		array = mt_vmalloc_footprint(array, false);
	else
		array = kmalloc_size_roundup(array);
	return bytes + array + kmalloc_size_roundup(sizeof(struct vm_struct)) +
	       kmalloc_size_roundup(sizeof(struct vmap_area)) +
	       (pages + 1) * sizeof(pte_t);
}

/* ---------------------------------------------------------- kvmalloc -- */

static void *mt_kvmalloc(struct mt_caches *cs, u64 bytes,
			 const struct mt_how *how)
{
	return mt_alloc_call(MT_KVMALLOC, bytes, how->gfp, how->node, NULL);
}

static void *mt_copy_realloc(struct mt_caches *cs, void *p, u64 old, u64 new,
			     const struct mt_how *how,
			     const struct mt_allocator *al);

/*
 * kvrealloc() shrinks a vmalloc-backed chunk in place, keeping all its
 * pages, and no exported call tells a module how many an area has: such
 * a shrink is made by copy, so that the chunk's footprint stays what its
 * size says (mt_footprint()).  Growth, and every kmalloc-backed chunk,
 * go through kvrealloc().
 */
static void *mt_kvrealloc_chunk(struct mt_caches *cs, void *p, u64 old,
				u64 new, const struct mt_how *how)
{
	if (is_vmalloc_addr(p) &&
	    mt_vmalloc_footprint(new, MT_HUGE_VMALLOC) <
	    mt_vmalloc_footprint(old, MT_HUGE_VMALLOC))
		return mt_copy_realloc(cs, p, old, new, how,
				       &mt_allocators[MT_KVMALLOC]);
	return mt_kvrealloc(p, old, new, how->gfp);
}

static void mt_kvfree(struct mt_caches *cs, void *p, u64 bytes)
{
	mt_free_call(MT_KVMALLOC, p, bytes, NULL);
}

static void mt_kvfree_rcu(struct mt_caches *cs, void *p, u64 bytes)
{
	mt_free_rcu_call(MT_KVMALLOC, p);
}

/* ------------------------------------------------------------ pages --- */

static void *mt_pages_alloc(struct mt_caches *cs, u64 bytes,
			    const struct mt_how *how)
{
	return mt_alloc_call(MT_PAGES, bytes, how->gfp, how->node, NULL);
}

static void mt_pages_free(struct mt_caches *cs, void *p, u64 bytes)
{
	mt_free_call(MT_PAGES, p, bytes, NULL);
}

/*
 * Single pages, as many as the bulk allocator gives: it fills the empty
 * slots of the array from the first, and may stop short.
 */
static int mt_pages_alloc_bulk(struct mt_caches *cs, u64 bytes,
			       unsigned int n, const struct mt_how *how,
			       void **p)
{
	struct page **pages = (struct page **)p;
	unsigned int got, i;

	memset(p, 0, n * sizeof(*p));
	got = mt_alloc_pages_bulk(how->gfp, n, pages);
	for (i = 0; i < got; i++)
		p[i] = page_address(pages[i]);
	return got ?: -ENOMEM;
}

/* ------------------------------------------------------------ cache --- */

static unsigned int mt_cache_class(u64 bytes)
{
	return order_base_2(max_t(u64, bytes, 1 << MT_CACHE_MIN_SHIFT)) -
	       MT_CACHE_MIN_SHIFT;
}

static unsigned int mt_class_size(unsigned int cls)
{
	return 1U << (cls + MT_CACHE_MIN_SHIFT);
}

/*
 * What a dedicated cache of one object size costs beyond its objects,
 * estimated: SLUB's descriptor, its per-node and per-CPU parts, its name
 * and sysfs entry.
 */
#define MT_KMEM_CACHE_BYTES	1024
#define MT_KMEM_CACHE_NODE_BYTES	128
#define MT_KMEM_CACHE_CPU_BYTES	64

/**
 * mt_cache_overhead() - what a dedicated cache is charged while it exists
 * @size: its objects' size
 *
 * Its descriptors, and one slab: SLUB's slabs are of order 3
 * (PAGE_ALLOC_COSTLY_ORDER, slub_max_order's default) at most, or of the
 * order that holds one object.
 *
 * Return: bytes.
 */
u64 mt_cache_overhead(unsigned int size)
{
	return MT_KMEM_CACHE_BYTES + MT_KMEM_CACHE_NODE_BYTES * nr_node_ids +
	       MT_KMEM_CACHE_CPU_BYTES * num_possible_cpus() +
	       (PAGE_SIZE << max_t(int, get_order(size),
				   PAGE_ALLOC_COSTLY_ORDER));
}

/**
 * mt_mempool_overhead() - what a mempool is charged while it exists
 * @size: its elements' size
 * @min_nr: the elements it keeps
 *
 * Its reserve, the array that lists it and its descriptor.  An element
 * the reserve lends to a chunk is charged twice meanwhile, as the
 * chunk's and as the reserve's: the reserve's charge stands for what the
 * pool takes back on the chunk's free.
 *
 * Return: bytes.
 */
u64 mt_mempool_overhead(unsigned int size, unsigned int min_nr)
{
	return (u64)min_nr * size +
	       kmalloc_size_roundup(min_nr * sizeof(void *)) +
	       kmalloc_size_roundup(sizeof(mempool_t));
}

/**
 * mt_caches_bound() - the most the dedicated caches of chunks up to a
 * size can be charged
 * @max: the largest chunk
 * @min_nr: alloc=mempool: the elements of each class's mempool; 0: no
 *	mempool
 *
 * Return: mt_cache_overhead() of every class from the smallest up to
 * @max's, with its mempool's mt_mempool_overhead(), bytes.
 */
u64 mt_caches_bound(u64 max, unsigned int min_nr)
{
	unsigned int cls, size;
	u64 sum = 0;

	for (cls = 0; cls <= mt_cache_class(max); cls++) {
		size = mt_class_size(cls);
		sum += mt_cache_overhead(size);
		if (min_nr)
			sum += mt_mempool_overhead(size, min_nr);
	}
	return sum;
}

static struct kmem_cache *mt_cache_create(struct mt_caches *cs,
					  unsigned int cls)
{
	char name[40];

	snprintf(name, sizeof(name), "malloc_test_%s_%u", cs->tag,
		 mt_class_size(cls));
	return mt_kmem_cache_create_unmerged(name, mt_class_size(cls));
}

/*
 * Take a reference on the owner's cache of class @cls, creating it if
 * need be and @can_sleep, charged from @res (or against max_bytes).
 * Return: the cache; NULL when there is none and it cannot be made;
 * ERR_PTR(-ENOSPC) when its charge would pass max_bytes.
 */
static struct kmem_cache *mt_cache_get(struct mt_caches *cs, unsigned int cls,
				       bool can_sleep, struct mt_reserve *res)
{
	struct kmem_cache *s;

	/* a reference held means the cache exists: take another */
	if (refcount_inc_not_zero(&cs->refs[cls])) {
		/* and read the pointer published before the count */
		smp_acquire__after_ctrl_dep();
		return READ_ONCE(cs->cache[cls]);
	}
	if (!can_sleep)
		return NULL;

	mutex_lock(&cs->lock);
	s = cs->cache[cls];
	if (!s) {
		if (!mt_overhead_charge(res,
					mt_cache_overhead(mt_class_size(cls)))) {
			s = ERR_PTR(-ENOSPC);
			goto out_unlock;
		}
		s = mt_cache_create(cs, cls);
		if (!s) {
			mt_overhead_uncharge(mt_cache_overhead(mt_class_size(cls)));
			goto out_unlock;
		}
		WRITE_ONCE(cs->cache[cls], s);
		atomic_inc(&mt_nr_caches);
		if (cs->pin)
			set_bit(cls, &cs->pinned);
		/* the pointer is published before the count says it exists */
		smp_wmb();
		/* this get's reference, and the pin's */
		refcount_set(&cs->refs[cls], cs->pin ? 2 : 1);
	} else {
		/* under the lock, a cache that exists has a reference */
		refcount_inc(&cs->refs[cls]);
	}
out_unlock:
	mutex_unlock(&cs->lock);
	return s;
}

static void mt_mempool_destroy(struct mt_caches *cs, unsigned int cls);

/*
 * Drop a reference; the last one destroys the cache, and its mempool
 * first (process context).
 */
static void mt_cache_put(struct mt_caches *cs, unsigned int cls)
{
	if (!refcount_dec_and_mutex_lock(&cs->refs[cls], &cs->lock))
		return;
	mt_mempool_destroy(cs, cls);
	kmem_cache_destroy(cs->cache[cls]);
	WRITE_ONCE(cs->cache[cls], NULL);
	atomic_dec(&mt_nr_caches);
	mt_overhead_uncharge(mt_cache_overhead(mt_class_size(cls)));
	mutex_unlock(&cs->lock);
}

static void *mt_cache_alloc(struct mt_caches *cs, u64 bytes,
			    const struct mt_how *how)
{
	unsigned int cls = mt_cache_class(bytes);
	struct kmem_cache *s = mt_cache_get(cs, cls, how->can_sleep, how->res);
	void *p;

	if (IS_ERR_OR_NULL(s))
		return s;
	p = mt_alloc_call(MT_CACHE, bytes, how->gfp, how->node, s);
	if (!p) {
		mt_cache_put(cs, cls);
		return NULL;
	}
	atomic_inc(&cs->objects[cls]);
	return p;
}

/* All or none, from the class's cache: a reference each. */
static int mt_cache_alloc_bulk(struct mt_caches *cs, u64 bytes,
			       unsigned int n, const struct mt_how *how,
			       void **p)
{
	unsigned int cls = mt_cache_class(bytes);
	struct kmem_cache *s = mt_cache_get(cs, cls, how->can_sleep, how->res);

	if (IS_ERR_OR_NULL(s))
		return s ? PTR_ERR(s) : -ENOMEM;
	if (!kmem_cache_alloc_bulk(s, how->gfp, n, p)) {
		mt_cache_put(cs, cls);
		return -ENOMEM;
	}
	/* the get's reference is the first chunk's */
	refcount_add(n - 1, &cs->refs[cls]);
	atomic_add(n, &cs->objects[cls]);
	return n;
}

static void mt_cache_free(struct mt_caches *cs, void *p, u64 bytes)
{
	unsigned int cls = mt_cache_class(bytes);

	mt_free_call(MT_CACHE, p, bytes, READ_ONCE(cs->cache[cls]));
	atomic_dec(&cs->objects[cls]);
	mt_cache_put(cs, cls);
}

/*
 * The object is queued on the kernel's kfree_rcu() lists, not freed: a
 * cache destroyed meanwhile (the last put, process context) waits for it
 * in kmem_cache_destroy(), which only 6.12 and later do.
 */
static void __maybe_unused mt_cache_free_rcu(struct mt_caches *cs, void *p,
					     u64 bytes)
{
	unsigned int cls = mt_cache_class(bytes);

	mt_free_rcu_call(MT_CACHE, p);
	atomic_dec(&cs->objects[cls]);
	mt_cache_put(cs, cls);
}

/* ---------------------------------------------------------- mempool --- */

unsigned int mt_mempool_reserve = 4;

static int mt_mempool_reserve_set(const char *val,
				  const struct kernel_param *kp)
{
	unsigned int n;

	if (kstrtouint(val, 10, &n) || !n || n > MT_RESERVE_MAX)
		return mt_param_refuse(kp, val, "1 to 1024 elements");
	WRITE_ONCE(mt_mempool_reserve, n);
	return 0;
}

static const struct kernel_param_ops mt_mempool_reserve_ops = {
	.set = mt_mempool_reserve_set,
	.get = param_get_uint,
};
module_param_cb(mempool_reserve, &mt_mempool_reserve_ops,
		&mt_mempool_reserve, 0644);
MODULE_PARM_DESC(mempool_reserve,
		 "Elements each mempool of the kept memory keeps, 1 to 1024, when it is created (default 4)");

/*
 * The pool's element calls: from its class's cache, with the flags
 * mempool_alloc() passes (the caller's, less reclaim on its first try,
 * with noretry, nomemalloc and nowarn); each element the cache gives
 * counted, so that what the reserve lent is the rest.
 */
static void *mt_mempool_element_alloc(gfp_t gfp, void *data)
{
	struct mt_mempool *mp = data;
	void *p = kmem_cache_alloc(mp->cache, gfp);

	if (p)
		atomic_long_inc(&mp->backed);
	return p;
}

static void mt_mempool_element_free(void *p, void *data)
{
	struct mt_mempool *mp = data;

	kmem_cache_free(mp->cache, p);
}

/*
 * Create the mempool of class @cls over its cache @s, which the caller
 * holds a reference on, keeping @min_nr elements, charged from @res.
 * Return: 0, -ENOSPC past max_bytes, or -ENOMEM.
 */
static int mt_mempool_create(struct mt_caches *cs, unsigned int cls,
			     struct kmem_cache *s, unsigned int min_nr,
			     struct mt_reserve *res)
{
	struct mt_mempool *mp = &cs->mp[cls];
	u64 cost = mt_mempool_overhead(mt_class_size(cls), min_nr);
	mempool_t *pool;
	long backed;
	int ret = 0;

	mutex_lock(&cs->lock);
	if (mp->pool)
		goto out_unlock;
	if (!mt_overhead_charge(res, cost)) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	mp->cache = s;
	/* the elements the pool fills its reserve with are no chunk's */
	backed = atomic_long_read(&mp->backed);
	pool = mempool_create(min_nr, mt_mempool_element_alloc,
			      mt_mempool_element_free, mp);
	atomic_long_set(&mp->backed, backed);
	if (!pool) {
		mt_overhead_uncharge(cost);
		ret = -ENOMEM;
		goto out_unlock;
	}
	/* the pool is ready before anyone sees it */
	smp_store_release(&mp->pool, pool);
out_unlock:
	mutex_unlock(&cs->lock);
	return ret;
}

/* With the owner's caches.lock held, at the class's last reference. */
static void mt_mempool_destroy(struct mt_caches *cs, unsigned int cls)
{
	struct mt_mempool *mp = &cs->mp[cls];
	mempool_t *pool = mp->pool;

	if (!pool)
		return;
	WRITE_ONCE(mp->pool, NULL);
	mt_overhead_uncharge(mt_mempool_overhead(mt_class_size(cls),
						 pool->min_nr));
	mempool_destroy(pool);
}

/*
 * A reference on class @cls's cache, and its mempool made if need be
 * and @can_sleep.  Return: as mt_cache_get().
 */
static struct kmem_cache *mt_mempool_get(struct mt_caches *cs,
					 unsigned int cls,
					 const struct mt_how *how)
{
	struct kmem_cache *s = mt_cache_get(cs, cls, how->can_sleep, how->res);
	int ret;

	/* pairs with the release in mt_mempool_create() */
	if (IS_ERR_OR_NULL(s) || smp_load_acquire(&cs->mp[cls].pool))
		return s;
	/* an atomic step finds its classes made by mt_caches_pin() */
	ret = how->can_sleep ?
	      mt_mempool_create(cs, cls, s,
				how->min_nr ?: READ_ONCE(mt_mempool_reserve),
				how->res) : -ENOMEM;
	if (!ret)
		return s;
	mt_cache_put(cs, cls);
	return ret == -ENOSPC ? ERR_PTR(-ENOSPC) : NULL;
}

static void *mt_mempool_alloc(struct mt_caches *cs, u64 bytes,
			      const struct mt_how *how)
{
	unsigned int cls = mt_cache_class(bytes);
	struct kmem_cache *s = mt_mempool_get(cs, cls, how);
	void *p;

	if (IS_ERR_OR_NULL(s))
		return s;
	p = mempool_alloc(cs->mp[cls].pool, how->gfp);
	if (!p) {
		mt_cache_put(cs, cls);
		return NULL;
	}
	atomic_long_inc(&cs->mp[cls].taken);
	atomic_inc(&cs->objects[cls]);
	return p;
}

static void mt_mempool_free(struct mt_caches *cs, void *p, u64 bytes)
{
	unsigned int cls = mt_cache_class(bytes);

	mempool_free(p, READ_ONCE(cs->mp[cls].pool));
	atomic_dec(&cs->objects[cls]);
	mt_cache_put(cs, cls);
}

static void *mt_mempool_realloc(struct mt_caches *cs, void *p, u64 old,
				u64 new, const struct mt_how *how)
{
	if (mt_cache_class(old) == mt_cache_class(new))
		return p;
	return mt_copy_realloc(cs, p, old, new, how,
			       &mt_allocators[MT_MEMPOOL]);
}

/**
 * mt_mempools_from_reserve() - the chunks an owner's mempools served
 * from their reserve
 * @cs: the owner's caches
 *
 * Every element mempool_alloc() gave, less those its cache gave at the
 * time: exact once no allocation is in flight, and never below 0.
 *
 * Context: any context.
 *
 * Return: the count.
 */
long mt_mempools_from_reserve(struct mt_caches *cs)
{
	long sum = 0;
	unsigned int cls;

	for (cls = 0; cls < MT_CACHE_CLASSES; cls++)
		sum += atomic_long_read(&cs->mp[cls].taken) -
		       atomic_long_read(&cs->mp[cls].backed);
	return max(sum, 0L);
}

/**
 * mt_mempools_show() - print the owner's mempools for the mempools file
 * @m: where
 * @cs: the caches of an owner
 *
 * A line a pool: its cache's name, the elements it keeps and has now,
 * and the chunks it served from its reserve.  A snapshot, as
 * mt_caches_show()'s: a pool is read under its own lock.
 *
 * Context: process context; takes the owner's caches.lock.
 */
void mt_mempools_show(struct seq_file *m, struct mt_caches *cs)
{
	struct mt_mempool *mp;
	unsigned long flags;
	unsigned int cls;
	int min, curr;
	long lent;

	mutex_lock(&cs->lock);
	for (cls = 0; cls < MT_CACHE_CLASSES; cls++) {
		mp = &cs->mp[cls];
		if (!mp->pool)
			continue;
		spin_lock_irqsave(&mp->pool->lock, flags);
		min = mp->pool->min_nr;
		curr = mp->pool->curr_nr;
		spin_unlock_irqrestore(&mp->pool->lock, flags);
		lent = atomic_long_read(&mp->taken) -
		       atomic_long_read(&mp->backed);
		seq_printf(m, "malloc_test_%s_%u %d %d %ld\n", cs->tag,
			   mt_class_size(cls), min, curr, max(lent, 0L));
	}
	mutex_unlock(&cs->lock);
}

/**
 * mt_caches_pin() - create the owner's caches up to a size, pinned
 * @cs: the caches of an owner: a test in an atomic context (ctx=timer,
 *	softirq, irqoff) not started yet
 * @max: the largest chunk it will ask for
 * @min_nr: alloc=mempool: each class's mempool too, keeping that many
 *	elements; 0: none
 *
 * Such a test allocates where no cache can be created (creating one
 * sleeps): every class it may need is created beforehand.
 *
 * Context: process context; takes the owner's caches.lock.
 *
 * Return: 0, -ENOSPC past max_bytes, or -ENOMEM.
 */
int mt_caches_pin(struct mt_caches *cs, u64 max, unsigned int min_nr)
{
	struct mt_how how = { .can_sleep = true, .min_nr = min_nr };
	struct kmem_cache *s;
	unsigned int cls;

	for (cls = 0; cls <= mt_cache_class(max); cls++) {
		s = min_nr ? mt_mempool_get(cs, cls, &how) :
			     mt_cache_get(cs, cls, true, NULL);
		if (IS_ERR_OR_NULL(s))
			return s ? PTR_ERR(s) : -ENOMEM;
		/* the pin stays; the reference of the get goes */
		mt_cache_put(cs, cls);
	}
	return 0;
}

/**
 * mt_caches_unpin() - let the owner's caches go with their chunks
 * @cs: the caches of an owner allocating no more
 *
 * Empty caches are destroyed at once.  Calling it again does nothing.
 *
 * Context: process context; may take the owner's caches.lock.
 */
void mt_caches_unpin(struct mt_caches *cs)
{
	unsigned int cls;

	for (cls = 0; cls < MT_CACHE_CLASSES; cls++)
		if (test_and_clear_bit(cls, &cs->pinned))
			mt_cache_put(cs, cls);
}

/**
 * mt_caches_show() - print the owner's caches for the caches file
 * @m: where
 * @cs: the caches of an owner
 *
 * A snapshot taken without the owner's caches.lock, which is held
 * while a cache is destroyed (an RCU barrier on recent kernels): a
 * cache created or destroyed meanwhile may be missed or still listed.
 *
 * Context: any context.
 */
void mt_caches_show(struct seq_file *m, struct mt_caches *cs)
{
	unsigned int cls;

	for (cls = 0; cls < MT_CACHE_CLASSES; cls++)
		if (READ_ONCE(cs->cache[cls]))
			seq_printf(m, "malloc_test_%s_%u %d %u\n", cs->tag,
				   mt_class_size(cls),
				   atomic_read(&cs->objects[cls]),
				   mt_class_size(cls));
}

/* Allocate, copy, free: for allocators with no resize of their own. */
static void *mt_copy_realloc(struct mt_caches *cs, void *p, u64 old, u64 new,
			     const struct mt_how *how,
			     const struct mt_allocator *al)
{
	void *q = al->alloc(cs, new, how);

	if (!IS_ERR_OR_NULL(q)) {
		memcpy(q, p, min(old, new));
		al->free(cs, p, old);
	}
	return q;
}

static void *mt_vrealloc(struct mt_caches *cs, void *p, u64 old, u64 new,
			 const struct mt_how *how)
{
	return mt_copy_realloc(cs, p, old, new, how,
			       &mt_allocators[MT_VMALLOC]);
}

static void *mt_pages_realloc(struct mt_caches *cs, void *p, u64 old, u64 new,
			      const struct mt_how *how)
{
	if (get_order(old) == get_order(new))
		return p;
	return mt_copy_realloc(cs, p, old, new, how, &mt_allocators[MT_PAGES]);
}

static void *mt_cache_realloc(struct mt_caches *cs, void *p, u64 old, u64 new,
			      const struct mt_how *how)
{
	if (mt_cache_class(old) == mt_cache_class(new))
		return p;
	return mt_copy_realloc(cs, p, old, new, how, &mt_allocators[MT_CACHE]);
}

/* ----------------------------------------------------------- percpu --- */

/* A percpu chunk of @bytes holds this much on each possible CPU. */
static u64 mt_percpu_size(u64 bytes)
{
	return div_u64(bytes, num_possible_cpus());
}

static void *mt_percpu_alloc(struct mt_caches *cs, u64 bytes,
			     const struct mt_how *how)
{
	return mt_alloc_call(MT_PERCPU, mt_percpu_size(bytes), how->gfp,
			     how->node, NULL);
}

static void mt_percpu_free(struct mt_caches *cs, void *p, u64 bytes)
{
	mt_free_call(MT_PERCPU, p, bytes, NULL);
}

static void *mt_percpu_realloc(struct mt_caches *cs, void *p, u64 old, u64 new,
			       const struct mt_how *how)
{
	u64 len = min(mt_percpu_size(old), mt_percpu_size(new));
	void *q = mt_percpu_alloc(cs, new, how);
	int cpu;

	if (!q)
		return NULL;
	for_each_possible_cpu(cpu)
		memcpy(per_cpu_ptr((void __percpu __force *)q, cpu),
		       per_cpu_ptr((void __percpu __force *)p, cpu), len);
	free_percpu((void __percpu __force *)p);
	return q;
}

/* ----------------------------------------------------------- nolock --- */

#if MT_HAVE_NOLOCK
static void *mt_kmalloc_nolock_chunk(struct mt_caches *cs, u64 bytes,
				     const struct mt_how *how)
{
	return mt_alloc_call(MT_KMALLOC_NOLOCK, bytes, how->gfp, how->node,
			     NULL);
}

static void mt_kfree_nolock_chunk(struct mt_caches *cs, void *p, u64 bytes)
{
	mt_free_call(MT_KMALLOC_NOLOCK, p, bytes, NULL);
}

/* No krealloc_nolock(): allocate, copy, free, each without a lock. */
static void *mt_kmalloc_nolock_realloc(struct mt_caches *cs, void *p,
				       u64 old, u64 new,
				       const struct mt_how *how)
{
	return mt_copy_realloc(cs, p, old, new, how,
			       &mt_allocators[MT_KMALLOC_NOLOCK]);
}

static void *mt_pages_nolock_alloc(struct mt_caches *cs, u64 bytes,
				   const struct mt_how *how)
{
	return mt_alloc_call(MT_PAGES_NOLOCK, bytes, how->gfp, how->node,
			     NULL);
}

static void mt_pages_nolock_free(struct mt_caches *cs, void *p, u64 bytes)
{
	mt_free_call(MT_PAGES_NOLOCK, p, bytes, NULL);
}

static void *mt_pages_nolock_realloc(struct mt_caches *cs, void *p, u64 old,
				     u64 new, const struct mt_how *how)
{
	if (get_order(old) == get_order(new))
		return p;
	return mt_copy_realloc(cs, p, old, new, how,
			       &mt_allocators[MT_PAGES_NOLOCK]);
}
#endif

const struct mt_allocator mt_allocators[MT_NR_KINDS] = {
	[MT_KMALLOC] = {
		.max_size = KMALLOC_MAX_SIZE,
		.nofail = true,
		.alloc = mt_kmalloc,
		.realloc = mt_krealloc,
		.free = mt_kfree,
		.free_rcu = mt_kfree_rcu,
	},
	[MT_VMALLOC] = {
		.max_size = MT_CHUNK_SIZE_MAX,
		.may_sleep = !MT_HAVE_VMALLOC_NOWAIT,
		.no_irq = MT_HAVE_VMALLOC_NOWAIT,
		.alloc = mt_vmalloc,
		.realloc = mt_vrealloc,
		.free = mt_vfree,
		.free_rcu = mt_vfree_rcu,
	},
	[MT_KVMALLOC] = {
		/* kvmalloc() refuses, with a warning, anything above INT_MAX */
		.max_size = INT_MAX,
		/*
		 * before 6.19, kvmalloc() with atomic flags is kmalloc()
		 * alone: refused there as alloc=kmalloc's double
		 */
		.may_sleep = !MT_HAVE_VMALLOC_NOWAIT,
		.no_irq = MT_HAVE_VMALLOC_NOWAIT,
		.alloc = mt_kvmalloc,
		.realloc = mt_kvrealloc_chunk,
		.free = mt_kvfree,
		.free_rcu = mt_kvfree_rcu,
	},
	[MT_PAGES] = {
		.max_size = PAGE_SIZE << MT_MAX_PAGE_ORDER,
		.nofail = true,
		.alloc = mt_pages_alloc,
		.realloc = mt_pages_realloc,
		.free = mt_pages_free,
		.alloc_bulk = mt_pages_alloc_bulk,
	},
	[MT_CACHE] = {
		.max_size = 1U << MT_CACHE_MAX_SHIFT,
		.nofail = true,
		.alloc = mt_cache_alloc,
		.realloc = mt_cache_realloc,
		.free = mt_cache_free,
		.alloc_bulk = mt_cache_alloc_bulk,
#if MT_HAVE_RCU_CACHE_DESTROY
		.free_rcu = mt_cache_free_rcu,
#endif
	},
	[MT_PERCPU] = {
		/* pcpu_alloc() warns about anything bigger */
		.max_size = PCPU_MIN_UNIT_SIZE,
		.alloc = mt_percpu_alloc,
		.realloc = mt_percpu_realloc,
		.free = mt_percpu_free,
	},
	/* any context: mempool_alloc() sleeps only where the flags allow */
	[MT_MEMPOOL] = {
		.max_size = 1U << MT_CACHE_MAX_SHIFT,
		.alloc = mt_mempool_alloc,
		.realloc = mt_mempool_realloc,
		.free = mt_mempool_free,
	},
	/* kmalloc_nolock() takes no large kmalloc; the page allocator's
	 * nolock path only orders the per-CPU lists hold (order 3)
	 */
	[MT_KMALLOC_NOLOCK] = {
		.nolock = true,
		.missing = "this kernel has no kmalloc_nolock() (6.18 added it)",
#if MT_HAVE_NOLOCK
		.max_size = KMALLOC_MAX_CACHE_SIZE,
		.alloc = mt_kmalloc_nolock_chunk,
		.realloc = mt_kmalloc_nolock_realloc,
		.free = mt_kfree_nolock_chunk,
#endif
	},
	[MT_PAGES_NOLOCK] = {
		.nolock = true,
		.missing = "this kernel has no alloc_pages_nolock() with flags (6.18)",
#if MT_HAVE_NOLOCK
		.max_size = PAGE_SIZE << PAGE_ALLOC_COSTLY_ORDER,
		.alloc = mt_pages_nolock_alloc,
		.realloc = mt_pages_nolock_realloc,
		.free = mt_pages_nolock_free,
#endif
	},
};

/**
 * mt_kind_from_name() - look an allocator up by name
 * @name: its name, as ``alloc=`` gives it; a trailing newline is ignored
 *
 * Return: the enum mt_alloc_kind, or -EINVAL.
 */
int mt_kind_from_name(const char *name)
{
	return sysfs_match_string(mt_alloc_names, name);
}

/**
 * mt_chunk_bytes() - the bytes a chunk asked as @size counts
 * @kind: its allocator
 * @size: the size asked, at most the allocator's max_size
 *
 * Return: @size; for alloc=pages the whole pages of the order that
 * covers it; for alloc=percpu @size times the possible CPUs.
 */
u64 mt_chunk_bytes(enum mt_alloc_kind kind, u64 size)
{
	switch (kind) {
	case MT_PAGES:
	case MT_PAGES_NOLOCK:
		return PAGE_SIZE << get_order(size);
	case MT_PERCPU:
		return size * num_possible_cpus();
	default:
		return size;
	}
}

/**
 * mt_fit() - the largest chunk of at most @size that counts at most @limit
 * @kind: its allocator
 * @size: the size asked, above 0 and at most the allocator's max_size
 * @limit: the most bytes the chunk may count
 *
 * Return: the bytes the chunk counts (mt_chunk_bytes() of the size to
 * ask), or 0 when not even the smallest chunk fits: a page for
 * alloc=pages, a byte per CPU for alloc=percpu.
 */
u64 mt_fit(enum mt_alloc_kind kind, u64 size, u64 limit)
{
	u64 bytes = mt_chunk_bytes(kind, size);

	if (bytes <= limit)
		return bytes;
	switch (kind) {
	case MT_PAGES:
	case MT_PAGES_NOLOCK:
		if (limit < PAGE_SIZE)
			return 0;
		return PAGE_SIZE << ilog2(limit >> PAGE_SHIFT);
	case MT_PERCPU:
		return div_u64(limit, num_possible_cpus()) *
		       num_possible_cpus();
	default:
		return limit;
	}
}

/**
 * mt_footprint() - what a chunk costs the machine
 * @kind: its allocator
 * @bytes: what it counts (mt_chunk_bytes())
 * @p: its memory: kmalloc and kvmalloc chunks are known by it (ksize(),
 *	is_vmalloc_addr()); the others do not need it
 *
 * The slab object's size class for kmalloc (ksize(), which also tells
 * what a resize kept in place) and cache; for vmalloc the whole pages,
 * their array, the area's descriptors and page-table entries; for
 * kvmalloc the one or the other, whichever it took, its vmalloc rounded
 * up to PMD-size pages from there up, where they may map it; whole
 * pages for pages; per-CPU memory aligned to 8 bytes on every possible
 * CPU.  It is the same each time it is asked of the same chunk: what is
 * charged when the chunk is made is what is uncharged when it goes.
 *
 * ksize() makes the whole slab object valid for KASAN: an overflow of
 * the module's own chunk into that slack would go unseen; the module
 * never writes past a chunk's size.
 *
 * Context: any context.
 *
 * Return: bytes.
 */
u64 mt_footprint(enum mt_alloc_kind kind, u64 bytes, const void *p)
{
	switch (kind) {
	case MT_KMALLOC:
	case MT_KMALLOC_NOLOCK:
		return ksize(p);
	case MT_KVMALLOC:
		if (is_vmalloc_addr(p))
			return mt_vmalloc_footprint(bytes, MT_HUGE_VMALLOC);
		return ksize(p);
	case MT_VMALLOC:
		return mt_vmalloc_footprint(bytes, false);
	case MT_CACHE:
	case MT_MEMPOOL:
		return mt_class_size(mt_cache_class(bytes));
	case MT_PERCPU:
		return ALIGN(mt_percpu_size(bytes), sizeof(u64)) *
		       num_possible_cpus();
	default:
		return bytes;
	}
}

/**
 * mt_footprint_max() - the most a chunk can cost, before it is allocated
 * @kind: its allocator
 * @bytes: what it counts (mt_chunk_bytes())
 *
 * mt_footprint() of any chunk of @bytes is at most this: for kmalloc,
 * kmalloc_size_roundup(); for kvmalloc, the larger of its kmalloc and
 * its vmalloc.  It grows with @bytes.
 *
 * Context: any context.
 *
 * Return: bytes.
 */
u64 mt_footprint_max(enum mt_alloc_kind kind, u64 bytes)
{
	u64 k = 0, v = 0;

	switch (kind) {
	case MT_KMALLOC:
	case MT_KMALLOC_NOLOCK:
		return kmalloc_size_roundup(bytes);
	case MT_KVMALLOC:
		if (bytes <= KMALLOC_MAX_SIZE)
			k = kmalloc_size_roundup(bytes);
		/* kvmalloc() falls back to vmalloc above a page only */
		if (bytes > PAGE_SIZE)
			v = mt_vmalloc_footprint(bytes, MT_HUGE_VMALLOC);
		return max(k, v);
	default:
		return mt_footprint(kind, bytes, NULL);
	}
}

/**
 * mt_resize_footprint_max() - the most a chunk can cost once resized
 * @kind: its allocator
 * @bytes: the new size, as it counts (mt_chunk_bytes())
 * @p: the chunk's memory now
 * @fp: its footprint now (mt_footprint())
 *
 * mt_footprint_max() of @bytes, or @fp when that is more and the chunk
 * may stay where it is: krealloc() keeps a slab object, or a large
 * kmalloc's pages, that @bytes still fits, be @bytes ever so small
 * (kmalloc, and kvmalloc's kmalloc-backed chunks).  The chunk then costs
 * what it did, now charged under the resize's flags: a 2 MiB kmalloc
 * chunk shrunk in place to 1 byte and grown to 1 KiB with gfp=nofail
 * holds 2 MiB that max_atomic_bytes must see.
 *
 * Context: any context.
 *
 * Return: bytes.
 */
u64 mt_resize_footprint_max(enum mt_alloc_kind kind, u64 bytes, const void *p,
			    u64 fp)
{
	u64 max = mt_footprint_max(kind, bytes);

	if (kind == MT_KMALLOC || (kind == MT_KVMALLOC && !is_vmalloc_addr(p)))
		return max_t(u64, max, fp);
	return max;
}

/**
 * struct mt_peak - the highest ratio of footprint to bytes found so far
 * @f: the footprint
 * @b: the bytes
 */
struct mt_peak {
	u64 f, b;
};

/* Is @a / @b above @c / @d?  Exactly, all above 0 but @a and @c. */
static bool mt_ratio_above(u64 a, u64 b, u64 c, u64 d)
{
	u64 qa, qc, t;

	for (;;) {
		qa = div64_u64(a, b);
		qc = div64_u64(c, d);
		if (qa != qc)
			return qa > qc;
		a -= qa * b;
		c -= qc * d;
		if (!a || !c)
			return a;
		/* a / b > c / d, both below 1, when d / c > b / a */
		t = a;
		a = d;
		d = t;
		t = b;
		b = c;
		c = t;
	}
}

/* Try a piece of @b bytes, if within [@min, @max]: is its ratio higher? */
static void mt_try_peak(enum mt_alloc_kind kind, u64 b, u64 min, u64 max,
			struct mt_peak *pk)
{
	u64 f;

	if (b < min || b > max)
		return;
	f = mt_footprint_max(kind, b);
	if (mt_ratio_above(f, b, pk->f, pk->b)) {
		pk->f = f;
		pk->b = b;
	}
}

/**
 * mt_footprint_bound() - the most @total bytes in pieces can cost
 * @kind: the allocator
 * @min: the smallest piece, in the bytes it counts (the last may be cut
 *	smaller)
 * @max: the largest piece, likewise
 * @total: what the pieces count together
 *
 * The pieces' footprints add up to at most @total times the highest
 * ratio of footprint to bytes a piece can have, plus the footprint of
 * one cut piece.  A footprint is a step function of the bytes, so the
 * ratio peaks where a step begins: at @min, just above each power of
 * two (kmalloc's, cache's and the page allocator's size classes, and
 * kmalloc's 96 and 192), and just above each multiple of a page or a
 * PMD (vmalloc); past the 64th page or PMD its peaks only fall.
 * Per-CPU memory is bounded in closed form.
 *
 * Return: bytes; U64_MAX when the bound overflows.
 */
u64 mt_footprint_bound(enum mt_alloc_kind kind, u64 min, u64 max, u64 total)
{
	static const u64 odd[] = { 97, 193 };
	struct mt_peak pk = { mt_footprint_max(kind, min), min };
	unsigned int i, n;
	u64 s, prod;

	switch (kind) {
	case MT_PAGES:
		/* pieces are whole pages: each costs what it counts */
		break;
	case MT_PERCPU:
		n = num_possible_cpus();
		s = max_t(u64, div_u64(min, n), 1);
		/* ALIGN(s, 8) / s is at most (s + 7) / s from s = min up */
		pk.f = (s + sizeof(u64) - 1) * n;
		pk.b = s * n;
		break;
	default:
		for (i = 3; i < 63; i++)
			mt_try_peak(kind, (1ULL << i) + 1, min, max, &pk);
		for (i = 0; i < ARRAY_SIZE(odd); i++)
			mt_try_peak(kind, odd[i], min, max, &pk);
		for (i = 1; i <= 64; i++) {
			mt_try_peak(kind, i * PAGE_SIZE + 1, min, max, &pk);
			mt_try_peak(kind, i * PMD_SIZE + 1, min, max, &pk);
		}
		break;
	}
	if (check_mul_overflow(total, pk.f, &prod))
		return U64_MAX;
	s = div64_u64(prod, pk.b) + 1;
	return check_add_overflow(s, mt_footprint_max(kind, min), &prod) ?
	       U64_MAX : prod;
}

/**
 * mt_how_fit() - the flags and node a resize of a chunk takes
 * @kind: the chunk's allocator
 * @how: the command's or test's, checked for its own allocator; made to
 *	fit @kind
 *
 * A resize keeps the chunk's allocator, which may not be the one the
 * command's options were checked for (mem_realloc and mem_rnd_alloc pick
 * any kept chunk): flags it cannot take give way to its defaults.  The
 * per-CPU allocator keeps noretry, not retry_mayfail; nofail is for
 * kmalloc, cache and pages only; vmalloc and kvmalloc sleep in process
 * context (a ctx=bhoff test's take atomic flags from 6.19 on), and vmalloc
 * on a node takes no flags, so a node is kept there only with plain
 * GFP_KERNEL (and __GFP_ZERO), as mt_cmd.c asks.
 */
void mt_how_fit(enum mt_alloc_kind kind, struct mt_how *how)
{
	const gfp_t dflt = GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN;

	if (!mt_allocators[kind].nofail && (how->gfp & __GFP_NOFAIL))
		how->gfp = dflt | (how->gfp & __GFP_ZERO);
	/* a ctx=bhoff test's resizes of its own chunks keep atomic flags */
	if ((mt_allocators[kind].may_sleep ||
	     (mt_allocators[kind].no_irq && how->can_sleep)) &&
	    !gfpflags_allow_blocking(how->gfp))
		how->gfp = dflt | (how->gfp & __GFP_ZERO);
	if (kind == MT_MEMPOOL)
		how->node = NUMA_NO_NODE;
	if (kind == MT_PERCPU) {
		how->node = NUMA_NO_NODE;
		if (how->gfp & __GFP_RETRY_MAYFAIL)
			how->gfp = (how->gfp & ~__GFP_RETRY_MAYFAIL) |
				   __GFP_NORETRY;
	}
	if (kind == MT_VMALLOC && (how->gfp & ~__GFP_ZERO) != GFP_KERNEL)
		how->node = NUMA_NO_NODE;
	/* mempool_alloc() takes no zero, and adds noretry itself */
	if (kind == MT_MEMPOOL)
		how->gfp &= ~(__GFP_ZERO | __GFP_RETRY_MAYFAIL);
	/* and the nolock allocators take no flags but these two */
	if (mt_allocators[kind].nolock)
		how->gfp &= __GFP_ZERO | __GFP_ACCOUNT;
}

#ifdef CONFIG_MALLOC_TEST_KUNIT_TEST
#include "kunit/alloc-kunit.h"
#endif
