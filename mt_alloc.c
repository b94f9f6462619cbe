// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - the allocators a chunk can come from.
 *
 * Each allocator is one entry of mt_allocators[]: how to allocate a
 * chunk, on a node when asked, how to resize it and how to free it.
 * A chunk counts the bytes it takes from the machine where the
 * allocator's granule is coarser than the size asked: whole pages for
 * alloc=pages, one copy per possible CPU for alloc=percpu
 * (mt_chunk_bytes()); everything the module charges and reports is in
 * those bytes.
 *
 * alloc=cache allocates from slab caches of the owner's own, one per
 * power-of-two size class, created on first use and destroyed when the
 * last chunk in them goes (or, for a test, when it ends: its caches are
 * pinned until then).  A cache is reference-counted by its chunks and
 * the allocations in flight, so that creating and destroying it never
 * races with its use, and no lock is held while allocating from it.
 */
#include "malloc_test.h"
#include "mt_compat.h"

#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/percpu.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

/* ---------------------------------------------------------- kmalloc --- */

static void *mt_kmalloc(struct mt_owner *o, u64 bytes, const struct mt_how *how)
{
	return kmalloc_node(bytes, how->gfp, how->node);
}

static void *mt_krealloc(struct mt_owner *o, void *p, u64 old, u64 new,
			 const struct mt_how *how)
{
	return krealloc(p, new, how->gfp);
}

static void mt_kfree(struct mt_owner *o, void *p, u64 bytes)
{
	kfree(p);
}

/* ---------------------------------------------------------- vmalloc --- */

/*
 * The kernel exports no vmalloc that takes both flags and a node: on a
 * node it is vmalloc_node() or vzalloc_node(), GFP_KERNEL (mt_cmd.c
 * refuses other flags there).
 */
static void *mt_vmalloc(struct mt_owner *o, u64 bytes, const struct mt_how *how)
{
	if (how->node == NUMA_NO_NODE)
		return __vmalloc(bytes, how->gfp);
	if (how->gfp & __GFP_ZERO)
		return vzalloc_node(bytes, how->node);
	return vmalloc_node(bytes, how->node);
}

static void mt_vfree(struct mt_owner *o, void *p, u64 bytes)
{
	vfree(p);
}

/* ---------------------------------------------------------- kvmalloc -- */

static void *mt_kvmalloc(struct mt_owner *o, u64 bytes,
			 const struct mt_how *how)
{
	return kvmalloc_node(bytes, how->gfp, how->node);
}

static void *mt_kvrealloc_chunk(struct mt_owner *o, void *p, u64 old,
				u64 new, const struct mt_how *how)
{
	return mt_kvrealloc(p, old, new, how->gfp);
}

static void mt_kvfree(struct mt_owner *o, void *p, u64 bytes)
{
	kvfree(p);
}

/* ------------------------------------------------------------ pages --- */

static void *mt_pages_alloc(struct mt_owner *o, u64 bytes,
			    const struct mt_how *how)
{
	struct page *page;

	page = alloc_pages_node(how->node, how->gfp, get_order(bytes));
	return page ? page_address(page) : NULL;
}

static void mt_pages_free(struct mt_owner *o, void *p, u64 bytes)
{
	__free_pages(virt_to_page(p), get_order(bytes));
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

static struct kmem_cache *mt_cache_create(struct mt_owner *o,
					  unsigned int cls)
{
	char name[40];

	snprintf(name, sizeof(name), "malloc_test_%s_%u", o->tag,
		 mt_class_size(cls));
	return mt_kmem_cache_create_unmerged(name, mt_class_size(cls));
}

/*
 * Take a reference on the owner's cache of class @cls, creating it if
 * need be and @can_sleep.  Return: the cache, or NULL.
 */
static struct kmem_cache *mt_cache_get(struct mt_owner *o, unsigned int cls,
				       bool can_sleep)
{
	struct mt_caches *cs = &o->caches;
	struct kmem_cache *s;

	/* a reference held means the cache exists: take another */
	if (atomic_inc_not_zero(&cs->refs[cls]))
		return READ_ONCE(cs->cache[cls]);
	if (!can_sleep)
		return NULL;

	mutex_lock(&cs->lock);
	s = cs->cache[cls];
	if (!s) {
		s = mt_cache_create(o, cls);
		if (!s)
			goto out_unlock;
		WRITE_ONCE(cs->cache[cls], s);
		atomic_inc(&mt_nr_caches);
		if (cs->pin) {
			set_bit(cls, &cs->pinned);
			atomic_inc(&cs->refs[cls]);
		}
	}
	/* the pointer is published before the count says it exists */
	smp_mb__before_atomic();
	atomic_inc(&cs->refs[cls]);
out_unlock:
	mutex_unlock(&cs->lock);
	return s;
}

/* Drop a reference; the last one destroys the cache (process context). */
static void mt_cache_put(struct mt_owner *o, unsigned int cls)
{
	struct mt_caches *cs = &o->caches;

	if (!atomic_dec_and_mutex_lock(&cs->refs[cls], &cs->lock))
		return;
	kmem_cache_destroy(cs->cache[cls]);
	WRITE_ONCE(cs->cache[cls], NULL);
	atomic_dec(&mt_nr_caches);
	mutex_unlock(&cs->lock);
}

static void *mt_cache_alloc(struct mt_owner *o, u64 bytes,
			    const struct mt_how *how)
{
	unsigned int cls = mt_cache_class(bytes);
	struct kmem_cache *s = mt_cache_get(o, cls, how->can_sleep);
	void *p;

	if (!s)
		return NULL;
	p = kmem_cache_alloc_node(s, how->gfp, how->node);
	if (!p) {
		mt_cache_put(o, cls);
		return NULL;
	}
	atomic_inc(&o->caches.objects[cls]);
	return p;
}

static void mt_cache_free(struct mt_owner *o, void *p, u64 bytes)
{
	unsigned int cls = mt_cache_class(bytes);

	kmem_cache_free(READ_ONCE(o->caches.cache[cls]), p);
	atomic_dec(&o->caches.objects[cls]);
	mt_cache_put(o, cls);
}

/**
 * mt_owner_pin_caches() - create the owner's caches up to a size, pinned
 * @o: the owner, a ctx=timer test not started yet
 * @max: the largest chunk it will ask for
 *
 * A ctx=timer test allocates in hard interrupt context, where no cache
 * can be created: every class it may need is created beforehand.
 *
 * Context: process context; takes the owner's caches.lock.
 *
 * Return: 0, or -ENOMEM.
 */
int mt_owner_pin_caches(struct mt_owner *o, u64 max)
{
	unsigned int cls;

	for (cls = 0; cls <= mt_cache_class(max); cls++) {
		if (!mt_cache_get(o, cls, true))
			return -ENOMEM;
		/* the pin stays; the reference of the get goes */
		mt_cache_put(o, cls);
	}
	return 0;
}

/**
 * mt_owner_unpin_caches() - let the owner's caches go with their chunks
 * @o: the owner, allocating no more
 *
 * Empty caches are destroyed at once.  Calling it again does nothing.
 *
 * Context: process context; may take the owner's caches.lock.
 */
void mt_owner_unpin_caches(struct mt_owner *o)
{
	struct mt_caches *cs = &o->caches;
	unsigned int cls;

	for (cls = 0; cls < MT_CACHE_CLASSES; cls++)
		if (test_and_clear_bit(cls, &cs->pinned))
			mt_cache_put(o, cls);
}

/**
 * mt_owner_show_caches() - print the owner's caches for the caches file
 * @m: where
 * @o: the owner
 *
 * Context: process context; takes the owner's caches.lock.
 */
void mt_owner_show_caches(struct seq_file *m, struct mt_owner *o)
{
	struct mt_caches *cs = &o->caches;
	unsigned int cls;

	mutex_lock(&cs->lock);
	for (cls = 0; cls < MT_CACHE_CLASSES; cls++)
		if (cs->cache[cls])
			seq_printf(m, "malloc_test_%s_%u %d %u\n", o->tag,
				   mt_class_size(cls),
				   atomic_read(&cs->objects[cls]),
				   mt_class_size(cls));
	mutex_unlock(&cs->lock);
}

/* Allocate, copy, free: for allocators with no resize of their own. */
static void *mt_copy_realloc(struct mt_owner *o, void *p, u64 old, u64 new,
			     const struct mt_how *how,
			     const struct mt_allocator *al)
{
	void *q = al->alloc(o, new, how);

	if (q) {
		memcpy(q, p, min(old, new));
		al->free(o, p, old);
	}
	return q;
}

static void *mt_vrealloc(struct mt_owner *o, void *p, u64 old, u64 new,
			 const struct mt_how *how)
{
	return mt_copy_realloc(o, p, old, new, how,
			       &mt_allocators[MT_VMALLOC]);
}

static void *mt_pages_realloc(struct mt_owner *o, void *p, u64 old, u64 new,
			      const struct mt_how *how)
{
	if (get_order(old) == get_order(new))
		return p;
	return mt_copy_realloc(o, p, old, new, how, &mt_allocators[MT_PAGES]);
}

static void *mt_cache_realloc(struct mt_owner *o, void *p, u64 old, u64 new,
			      const struct mt_how *how)
{
	if (mt_cache_class(old) == mt_cache_class(new))
		return p;
	return mt_copy_realloc(o, p, old, new, how, &mt_allocators[MT_CACHE]);
}

/* ----------------------------------------------------------- percpu --- */

/* A percpu chunk of @bytes holds this much on each possible CPU. */
static u64 mt_percpu_size(u64 bytes)
{
	return div_u64(bytes, num_possible_cpus());
}

static void *mt_percpu_alloc(struct mt_owner *o, u64 bytes,
			     const struct mt_how *how)
{
	return (void __force *)__alloc_percpu_gfp(mt_percpu_size(bytes),
						  sizeof(u64), how->gfp);
}

static void mt_percpu_free(struct mt_owner *o, void *p, u64 bytes)
{
	free_percpu((void __percpu __force *)p);
}

static void *mt_percpu_realloc(struct mt_owner *o, void *p, u64 old, u64 new,
			       const struct mt_how *how)
{
	u64 len = min(mt_percpu_size(old), mt_percpu_size(new));
	void *q = mt_percpu_alloc(o, new, how);
	int cpu;

	if (!q)
		return NULL;
	for_each_possible_cpu(cpu)
		memcpy(per_cpu_ptr((void __percpu __force *)q, cpu),
		       per_cpu_ptr((void __percpu __force *)p, cpu), len);
	free_percpu((void __percpu __force *)p);
	return q;
}

const struct mt_allocator mt_allocators[MT_NR_KINDS] = {
	[MT_KMALLOC] = {
		.name = "kmalloc",
		.max_size = KMALLOC_MAX_SIZE,
		.nofail = true,
		.alloc = mt_kmalloc,
		.realloc = mt_krealloc,
		.free = mt_kfree,
	},
	[MT_VMALLOC] = {
		.name = "vmalloc",
		.max_size = MT_CHUNK_SIZE_MAX,
		.may_sleep = true,
		.alloc = mt_vmalloc,
		.realloc = mt_vrealloc,
		.free = mt_vfree,
	},
	[MT_KVMALLOC] = {
		.name = "kvmalloc",
		/* kvmalloc() refuses, with a warning, anything above INT_MAX */
		.max_size = INT_MAX,
		.may_sleep = true,
		.alloc = mt_kvmalloc,
		.realloc = mt_kvrealloc_chunk,
		.free = mt_kvfree,
	},
	[MT_PAGES] = {
		.name = "pages",
		.max_size = PAGE_SIZE << MT_MAX_PAGE_ORDER,
		.nofail = true,
		.alloc = mt_pages_alloc,
		.realloc = mt_pages_realloc,
		.free = mt_pages_free,
	},
	[MT_CACHE] = {
		.name = "cache",
		.max_size = 1U << MT_CACHE_MAX_SHIFT,
		.nofail = true,
		.alloc = mt_cache_alloc,
		.realloc = mt_cache_realloc,
		.free = mt_cache_free,
	},
	[MT_PERCPU] = {
		.name = "percpu",
		/* pcpu_alloc() warns about anything bigger */
		.max_size = PCPU_MIN_UNIT_SIZE,
		.alloc = mt_percpu_alloc,
		.realloc = mt_percpu_realloc,
		.free = mt_percpu_free,
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
	unsigned int i;

	for (i = 0; i < MT_NR_KINDS; i++)
		if (sysfs_streq(name, mt_allocators[i].name))
			return i;
	return -EINVAL;
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
