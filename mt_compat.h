/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - what differs between the kernels it builds for.
 */
#ifndef _MT_COMPAT_H
#define _MT_COMPAT_H

#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/mmzone.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <linux/workqueue.h>

/*
 * The largest order the page allocator hands out: 6.4 made MAX_ORDER
 * inclusive, 6.8 renamed it MAX_PAGE_ORDER.
 */
#if defined(MAX_PAGE_ORDER)
#define MT_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#elif KERNEL_VERSION(6, 4, 0) <= LINUX_VERSION_CODE
#define MT_MAX_PAGE_ORDER	MAX_ORDER
#else
#define MT_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif

/*
 * A slab cache that is never merged with another, so that it shows in
 * /proc/slabinfo under its own name: 6.5 added SLAB_NO_MERGE; before,
 * a cache with a usercopy region is never merged.
 */
static inline struct kmem_cache *mt_kmem_cache_create_unmerged(const char *name,
							       unsigned int size)
{
#ifdef SLAB_NO_MERGE
	return kmem_cache_create(name, size, 0, SLAB_NO_MERGE, NULL);
#else
	return kmem_cache_create_usercopy(name, size, 0, 0, 0, size, NULL);
#endif
}

/* 6.13 added hrtimer_setup(); later kernels dropped hrtimer_init(). */
static inline void mt_hrtimer_setup(struct hrtimer *timer,
				    enum hrtimer_restart (*fn)(struct hrtimer *),
				    clockid_t clock, enum hrtimer_mode mode)
{
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
	hrtimer_setup(timer, fn, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
#endif
}

/*
 * 6.12 gave kvrealloc() krealloc()'s arguments.  Its vrealloc() is not
 * exported to modules, so mt_chunk.c resizes vmalloc chunks itself.
 */
static inline void *mt_kvrealloc(void *p, size_t old, size_t new, gfp_t gfp)
{
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
	return kvrealloc(p, new, gfp);
#else
	return kvrealloc(p, old, new, gfp);
#endif
}

/*
 * A slab cache with per-CPU sheaves of @capacity objects, never merged:
 * 6.18 added them (kmem_cache_args.sheaf_capacity).  Before, NULL, and
 * MT_HAVE_SHEAVES is 0: the command refuses sheaf= first.
 */
#if KERNEL_VERSION(6, 18, 0) <= LINUX_VERSION_CODE
#define MT_HAVE_SHEAVES	1
static inline struct kmem_cache *mt_kmem_cache_create_sheaves(const char *name,
							      unsigned int size,
							      unsigned int capacity)
{
	struct kmem_cache_args args = { .sheaf_capacity = capacity };

	return kmem_cache_create(name, size, &args, SLAB_NO_MERGE);
}
#else
#define MT_HAVE_SHEAVES	0
static inline struct kmem_cache *mt_kmem_cache_create_sheaves(const char *name,
							      unsigned int size,
							      unsigned int capacity)
{
	return NULL;
}
#endif

/*
 * Order-0 pages into the NULL slots of @pages, from slot 0 on: 6.14
 * dropped the bulk page allocator's list variant and gave the array one
 * its name.  Return: the slots filled.
 */
#if KERNEL_VERSION(6, 14, 0) <= LINUX_VERSION_CODE
#define mt_alloc_pages_bulk(gfp, nr, pages)	alloc_pages_bulk(gfp, nr, pages)
#else
#define mt_alloc_pages_bulk(gfp, nr, pages)	\
	alloc_pages_bulk_array(gfp, nr, pages)
#endif

/*
 * kmem_cache_destroy() waits for the kfree_rcu()s in flight on the cache
 * from 6.12 on (kvfree_rcu_barrier()); before, nothing a module can call
 * waits for them (6.1 has no such barrier), and destroying a cache with
 * objects still queued is a bug: release=rcu is refused for alloc=cache.
 */
#define MT_HAVE_RCU_CACHE_DESTROY	\
	(KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE)

/*
 * The allocators that take no lock, for any context, allowed to fail:
 * kmalloc_nolock() and kfree_nolock() came in 6.18, and with them the
 * flags of alloc_pages_nolock() (6.15 added it as try_alloc_pages(),
 * without flags).  Its free_pages_nolock() is not exported: its pages go
 * back through __free_pages(), which the module calls only where that may
 * run.  Before 6.18, MT_HAVE_NOLOCK is 0 and the allocators are refused.
 * Only __GFP_ACCOUNT and __GFP_ZERO may be given (anything else warns).
 */
#if KERNEL_VERSION(6, 18, 0) <= LINUX_VERSION_CODE
#define MT_HAVE_NOLOCK	1
#define MT_NOLOCK_GFP	(__GFP_ACCOUNT | __GFP_ZERO)
#define mt_kmalloc_nolock(size, gfp, node)	\
	kmalloc_nolock(size, (gfp) & MT_NOLOCK_GFP, node)
#define mt_kfree_nolock(p)	kfree_nolock(p)
#define mt_alloc_pages_nolock(gfp, node, order)	\
	alloc_pages_nolock((gfp) & __GFP_ACCOUNT, node, order)
#else
#define MT_HAVE_NOLOCK	0
static inline void *mt_kmalloc_nolock(size_t size, gfp_t gfp, int node)
{
	return NULL;
}

static inline void mt_kfree_nolock(const void *p)
{
}

static inline struct page *mt_alloc_pages_nolock(gfp_t gfp, int node,
						 unsigned int order)
{
	return NULL;
}
#endif

/*
 * vmalloc() with non-blocking flags (GFP_ATOMIC, GFP_NOWAIT; __vmalloc()
 * only), and kvmalloc()'s fallback to it under them, came in 6.19.  In
 * an interrupt vmalloc() may still not run (__get_vm_area_node() BUGs
 * in a hard one), and vfree() may sleep unless in_interrupt(): ctx=bhoff
 * is where both may run.  Before, vmalloc() sleeps whatever the flags
 * and kvmalloc() with such flags is kmalloc() alone.
 */
#if KERNEL_VERSION(6, 19, 0) <= LINUX_VERSION_CODE
#define MT_HAVE_VMALLOC_NOWAIT	1
#else
#define MT_HAVE_VMALLOC_NOWAIT	0
#endif

/*
 * ctx=nmi: an NMI raised on the module's own CPU through x86's local
 * APIC (__apic_send_IPI_mask(), its static call exported from 6.6 on),
 * in which only the nolock allocators may run: both are needed.
 */
#if MT_HAVE_NOLOCK && defined(CONFIG_X86_LOCAL_APIC)
#define MT_HAVE_NMI	1
#else
#define MT_HAVE_NMI	0
#endif

/*
 * A workqueue whose work runs on the CPU it was queued on (the tests'
 * cpu= option): what a workqueue without WQ_UNBOUND always was.  6.17
 * named it WQ_PERCPU, and 7.x warns at a workqueue that names neither.
 */
#if KERNEL_VERSION(6, 17, 0) <= LINUX_VERSION_CODE
#define MT_WQ_PERCPU	WQ_PERCPU
#else
#define MT_WQ_PERCPU	0
#endif

/*
 * The unbound system workqueue: 6.17 named it system_dfl_wq, and 7.x
 * warns at work queued on its old name, system_unbound_wq.
 */
#if KERNEL_VERSION(6, 17, 0) <= LINUX_VERSION_CODE
#define mt_system_dfl_wq	system_dfl_wq
#else
#define mt_system_dfl_wq	system_unbound_wq
#endif

#endif /* _MT_COMPAT_H */
