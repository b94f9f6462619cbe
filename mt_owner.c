// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - owners: what holds chunks (the kept memory, each test),
 * how they allocate, resize and free them, and the content pattern that
 * catches overwrites (the check_content parameter).
 *
 * A chunk's footprint, the most it can cost, is charged against max_bytes
 * before it is allocated (mt_charge.c), settled to what the kernel really
 * gave once it is, and uncharged when it is freed, so the cap is never
 * passed even by concurrent commands.  Its footprint is never stored: it
 * is mt_footprint() of the chunk, the same each time, so what goes back
 * is what came.
 */
#include "malloc_test.h"
#include "mt_alloc.h"
#include "mt_charge.h"
#include "mt_compat.h"
#include "mt_gfp.h"
#include "mt_nmi.h"
#include "mt_owner.h"
#include "mt_pool.h"
#include "mt_trace.h"

#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/percpu.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/wait_bit.h>

/* Chunks found corrupted, by every owner since load. */
atomic64_t mt_corruptions;

bool mt_check_content;

/* param_set_bool()'s spellings, but a refusal says why. */
static int mt_check_content_set(const char *val,
				const struct kernel_param *kp)
{
	bool on;

	if (kstrtobool(val, &on))
		return mt_param_refuse(kp, val, "0 or 1 (y/n, on/off)");
	WRITE_ONCE(mt_check_content, on);
	return 0;
}

static const struct kernel_param_ops mt_check_content_ops = {
	.set = mt_check_content_set,
	.get = param_get_bool,
};
module_param_cb(check_content, &mt_check_content_ops, &mt_check_content,
		0644);
MODULE_PARM_DESC(check_content,
		 "Fill chunks with a pattern at allocation, check it at free (default 0)");

unsigned int mt_realloc_p;

static int mt_realloc_p_set(const char *val, const struct kernel_param *kp)
{
	unsigned int p;

	if (kstrtouint(val, 10, &p) || p > 90)
		return mt_param_refuse(kp, val, "a percentage from 0 to 90");
	WRITE_ONCE(mt_realloc_p, p);
	return 0;
}

static const struct kernel_param_ops mt_realloc_p_ops = {
	.set = mt_realloc_p_set,
	.get = param_get_uint,
};
module_param_cb(realloc_p, &mt_realloc_p_ops, &mt_realloc_p, 0644);
MODULE_PARM_DESC(realloc_p,
		 "Percentage of mem_rnd_alloc's and tests' allocations that resize a random chunk instead (0-90, default 0)");

/* Scan in steps of this much, rescheduling between them where allowed. */
#define MT_PATTERN_STEP	SZ_1M

/* Each word holds the bitwise NOT of its own address. */
static unsigned long mt_pattern(const void *addr)
{
	return ~(unsigned long)addr;
}

static void mt_fill(void *p, size_t size, bool can_sleep)
{
	unsigned long *w = p;
	size_t i, n = size / sizeof(*w);
	unsigned long last;

	for (i = 0; i < n; i++) {
		w[i] = mt_pattern(&w[i]);
		if (can_sleep && !((i + 1) % (MT_PATTERN_STEP / sizeof(*w))))
			cond_resched();
	}
	last = mt_pattern(&w[n]);
	memcpy(&w[n], &last, size % sizeof(*w));
}

/* Return: the offset of the first byte that differs, or -1. */
static ssize_t mt_check(const void *p, size_t size, bool can_sleep)
{
	const unsigned long *w = p;
	size_t i, n = size / sizeof(*w);
	unsigned long last;

	for (i = 0; i < n; i++) {
		if (w[i] != mt_pattern(&w[i]))
			goto found;
		if (can_sleep && !((i + 1) % (MT_PATTERN_STEP / sizeof(*w))))
			cond_resched();
	}
	last = mt_pattern(&w[n]);
	if (!memcmp(&w[n], &last, size % sizeof(*w)))
		return -1;
found:
	{
		const u8 *got = (const u8 *)&w[i];
		unsigned long want = mt_pattern(&w[i]);
		const u8 *exp = (const u8 *)&want;
		size_t b = 0;

		while (got[b] == exp[b])
			b++;
		return i * sizeof(*w) + b;
	}
}

/*
 * Fill a chunk with the pattern: a percpu chunk's copy on each possible
 * CPU in turn.
 */
static void mt_fill_chunk(const struct mt_chunk *c, bool can_sleep)
{
	size_t each;
	int cpu;

	if (c->kind != MT_PERCPU) {
		mt_fill(c->ptr, c->size, can_sleep);
		return;
	}
	each = c->size / num_possible_cpus();
	for_each_possible_cpu(cpu)
		mt_fill(per_cpu_ptr((void __percpu __force *)c->ptr, cpu),
			each, can_sleep);
}

/*
 * Return: the offset of the chunk's first changed byte, or -1; a percpu
 * chunk's copies count one after the other, in CPU order.
 */
static ssize_t mt_check_chunk(const struct mt_chunk *c, bool can_sleep)
{
	size_t each, base = 0;
	ssize_t off;
	int cpu;

	if (c->kind != MT_PERCPU)
		return mt_check(c->ptr, c->size, can_sleep);
	each = c->size / num_possible_cpus();
	for_each_possible_cpu(cpu) {
		off = mt_check(per_cpu_ptr((void __percpu __force *)c->ptr, cpu),
			       each, can_sleep);
		if (off >= 0)
			return base + off;
		base += each;
	}
	return -1;
}

/* Check @c's pattern; count and log a mismatch.  Return: true if bad. */
static bool mt_verify(struct mt_owner *o, const struct mt_chunk *c,
		      bool can_sleep)
{
	ssize_t off;

	if (!c->patterned)
		return false;
	off = mt_check_chunk(c, can_sleep);
	if (off < 0)
		return false;
	atomic64_inc(&o->corruptions);
	atomic64_inc(&mt_corruptions);
	trace_corruption(o->name, mt_alloc_names[c->kind], c->ptr, c->size,
			 off);
	pr_err_ratelimited("%s: %s chunk of %llu bytes corrupted at offset %zd\n",
			   o->name, mt_alloc_names[c->kind], c->size, off);
	return true;
}

/*
 * Count a change in what the owner holds: @bytes as the chunks count
 * them, @charged their footprint, @chunks.  Footprint that grew counts as
 * allocated, footprint that shrank as freed; to @undo a growth that did
 * not happen, as neither.
 */
static void mt_account(struct mt_owner *o, enum mt_alloc_kind kind,
		       s64 bytes, s64 charged, s64 chunks, bool undo)
{
	struct mt_counts *n = &o->counts;
	unsigned long flags;

	write_seqlock_irqsave(&o->stat_lock, flags);
	n->bytes[kind] += bytes;
	n->charged[kind] += charged;
	n->chunks[kind] += chunks;
	if (undo || charged > 0)
		o->allocated += charged;
	else
		o->freed -= charged;
	write_sequnlock_irqrestore(&o->stat_lock, flags);
}

/*
 * The kernel gave a chunk of footprint @fp where @charged was charged
 * (from @res): give back the difference, or charge what it took more.
 */
static void mt_settle(struct mt_reserve *res, bool urgent, u64 charged,
		      u64 fp)
{
	if (fp < charged)
		mt_reserve_give(res, charged - fp, urgent);
	else if (fp > charged)
		mt_charge_force(fp - charged, urgent);
}

/*
 * A resize's end: the old chunk's charge (@fp_old, @old_urgent) goes and
 * the new one's, @charged before it was made (@urgent), settles to
 * @fp_new, in one step per total.  Kept in place (@fp_new is @fp_old) or
 * copied (@fp_new at most @charged), the totals only go down: neither a
 * reader nor a charge made meanwhile finds them past what was checked,
 * as they would between an uncharge and a charge.
 */
static void mt_resize_settle(bool urgent, u64 charged, u64 fp_new,
			     bool old_urgent, u64 fp_old)
{
	s64 d = (s64)fp_new - (s64)charged - (s64)fp_old;
	s64 da = (urgent ? (s64)fp_new - (s64)charged : 0) -
		 (old_urgent ? (s64)fp_old : 0);

	mt_charge_adjust(d, da);
}

/* Uncharge a chunk of footprint @fp that goes. */
static void mt_uncharge_chunk(const struct mt_chunk *c, u64 fp)
{
	mt_reserve_give(NULL, fp, c->urgent);
}

/* When the owner's operations are timed: the time now; 0 otherwise. */
static u64 mt_lat_start(const struct mt_owner *o)
{
	return o->lat ? ktime_get_ns() : 0;
}

/* How long since mt_lat_start() gave @t0; 0 when not timed. */
static u64 mt_lat_since(const struct mt_owner *o, u64 t0)
{
	return o->lat ? ktime_get_ns() - t0 : 0;
}

static void mt_lat_add(struct mt_owner *o, enum mt_lat_op op, u64 ns)
{
	if (o->lat)
		mt_lat_record(o->lat, op, ns);
}

/**
 * struct mt_nmi_alloc - an allocator call made in an NMI (ctx=nmi)
 * @al: the allocator, a nolock one
 * @cs: the owner's caches
 * @bytes: what the chunk counts
 * @how: its flags and node
 * @p: what the allocator gave
 * @ns: how long it took, by the NMI-safe clock
 */
struct mt_nmi_alloc {
	const struct mt_allocator *al;
	struct mt_caches *cs;
	u64 bytes;
	const struct mt_how *how;
	void *p;
	u64 ns;
};

/* In the NMI: the call, timed; nothing else. */
static void mt_nmi_alloc_call(void *arg)
{
	struct mt_nmi_alloc *a = arg;
	u64 t0 = ktime_get_mono_fast_ns();

	a->p = a->al->alloc(a->cs, a->bytes, a->how);
	a->ns = ktime_get_mono_fast_ns() - t0;
}

/*
 * ctx=nmi: the allocator's call made in an NMI of this CPU; the rest of
 * the allocation (charging, keeping, timing) stays with the caller.
 * Interrupts disabled.  @ns: how long the call took.
 */
static void *mt_alloc_in_nmi(struct mt_owner *o, enum mt_alloc_kind kind,
			     u64 bytes, const struct mt_how *how, u64 *ns)
{
	struct mt_nmi_alloc a = {
		.al = &mt_allocators[kind],
		.cs = &o->caches,
		.bytes = bytes,
		.how = how,
	};
	int ret = mt_nmi_run(mt_nmi_alloc_call, &a);

	*ns = a.ns;
	return ret ? ERR_PTR(ret) : a.p;
}

/* Can the chunk be released through RCU?  Its allocator, its size. */
static bool mt_chunk_rcu(const struct mt_chunk *c)
{
	return mt_allocators[c->kind].free_rcu && c->size >= MT_RCU_MIN_BYTES;
}

/*
 * Check, free and uncharge one chunk the owner held; with @rcu, through
 * RCU where it can be, its charge kept until the kernel may have freed
 * it (mt_rcu_keep()).  Process context, or a chunk whose cache, if any,
 * is pinned.
 */
static void mt_chunk_release(struct mt_owner *o, const struct mt_chunk *c,
			     bool can_sleep, bool rcu)
{
	const struct mt_allocator *al = &mt_allocators[c->kind];
	u64 t0, fp;

	rcu = rcu && mt_chunk_rcu(c);
	mt_verify(o, c, can_sleep);
	fp = mt_footprint(c->kind, c->size, c->ptr);
	t0 = mt_lat_start(o);
	if (rcu)
		al->free_rcu(&o->caches, c->ptr, c->size);
	else
		al->free(&o->caches, c->ptr, c->size);
	mt_lat_add(o, MT_LAT_FREE, mt_lat_since(o, t0));
	mt_account(o, c->kind, -(s64)c->size, -(s64)fp, -1, false);
	if (rcu)
		mt_rcu_keep(fp, c->urgent);
	else
		mt_uncharge_chunk(c, fp);
}

/* The bookkeeping's flags: it must not fail where it can wait. */
static gfp_t mt_pool_gfp(const struct mt_how *how)
{
	return how->can_sleep ? GFP_KERNEL : GFP_ATOMIC;
}

/* Is the chunk at @p on a node other than the one asked? */
static bool mt_off_node(const void *p, enum mt_alloc_kind kind, int node)
{
	struct page *page;

	if (node == NUMA_NO_NODE || kind == MT_PERCPU)
		return false;
	page = is_vmalloc_addr(p) ? vmalloc_to_page(p) : virt_to_page(p);
	return page && page_to_nid(page) != node;
}

/**
 * mt_owner_init() - prepare an owner that holds nothing
 * @o: the owner
 * @name: how the log names it
 * @tag: how its dedicated caches' names tell it, a few letters and digits
 * @order: the order its pool keeps: by size for mem_free SIZE, by age
 *	for free=fifo and lifo
 * @seed: seed of its pool's random state
 */
void mt_owner_init(struct mt_owner *o, const char *name, const char *tag,
		   enum mt_pool_order order, u64 seed)
{
	unsigned int cls;

	mt_pool_init(&o->pool, order, seed);
	memset(&o->counts, 0, sizeof(o->counts));
	atomic64_set(&o->corruptions, 0);
	atomic64_set(&o->off_node, 0);
	atomic_set(&o->resizing, 0);
	atomic_set(&o->put_back, 0);
	seqlock_init(&o->stat_lock);
	o->allocated = 0;
	o->freed = 0;
	o->lat = NULL;
	o->rcu = false;
	memset(&o->caches, 0, sizeof(o->caches));
	mutex_init(&o->caches.lock);
	for (cls = 0; cls < MT_CACHE_CLASSES; cls++) {
		refcount_set(&o->caches.refs[cls], 0);
		atomic_set(&o->caches.objects[cls], 0);
	}
	strscpy(o->name, name, sizeof(o->name));
	strscpy(o->caches.tag, tag, sizeof(o->caches.tag));
}

/**
 * mt_owner_stats() - read an owner's figures, consistent with each other
 * @o: the owner
 * @st: where
 *
 * Context: any context.
 */
void mt_owner_stats(struct mt_owner *o, struct mt_owner_stats *st)
{
	unsigned int seq, k;

	do {
		seq = read_seqbegin(&o->stat_lock);
		memset(st, 0, sizeof(*st));
		for (k = 0; k < MT_NR_KINDS; k++) {
			st->bytes += o->counts.bytes[k];
			st->charged += o->counts.charged[k];
			st->chunks += o->counts.chunks[k];
		}
		st->allocated = o->allocated;
		st->freed = o->freed;
	} while (read_seqretry(&o->stat_lock, seq));
}

/**
 * mt_owner_add_counts() - add what an owner holds to a sum
 * @o: the owner
 * @sum: the sum, per allocator
 *
 * The owner's figures are read consistent with each other; the sum of
 * several owners is as consistent as the moments they were read at.
 *
 * Context: any context.
 */
void mt_owner_add_counts(struct mt_owner *o, struct mt_counts *sum)
{
	struct mt_counts n;
	unsigned int seq, k;

	do {
		seq = read_seqbegin(&o->stat_lock);
		n = o->counts;
	} while (read_seqretry(&o->stat_lock, seq));
	for (k = 0; k < MT_NR_KINDS; k++) {
		sum->bytes[k] += n.bytes[k];
		sum->charged[k] += n.charged[k];
		sum->chunks[k] += n.chunks[k];
	}
}

/**
 * mt_owner_bytes() - the bytes an owner holds, as its chunks count them
 * @o: the owner
 *
 * Context: any context.
 * Return: the bytes.
 */
u64 mt_owner_bytes(struct mt_owner *o)
{
	unsigned int seq, k;
	u64 bytes;

	do {
		seq = read_seqbegin(&o->stat_lock);
		for (bytes = 0, k = 0; k < MT_NR_KINDS; k++)
			bytes += o->counts.bytes[k];
	} while (read_seqretry(&o->stat_lock, seq));
	return bytes;
}

/**
 * mt_owner_chunks() - the chunks an owner holds
 * @o: the owner
 *
 * Context: any context.
 * Return: the chunks.
 */
u64 mt_owner_chunks(struct mt_owner *o)
{
	unsigned int seq, k;
	u64 chunks;

	do {
		seq = read_seqbegin(&o->stat_lock);
		for (chunks = 0, k = 0; k < MT_NR_KINDS; k++)
			chunks += o->counts.chunks[k];
	} while (read_seqretry(&o->stat_lock, seq));
	return chunks;
}

/**
 * mt_owner_destroy() - free all an owner holds and its bookkeeping
 * @o: the owner
 *
 * Context: process context; the owner must be used by no one else.
 */
void mt_owner_destroy(struct mt_owner *o)
{
	mt_owner_free_all(o);
	mt_caches_unpin(&o->caches);
	mt_pool_destroy(&o->pool);
	mutex_destroy(&o->caches.lock);
}

/*
 * Keep @p, a chunk of @kind counting @bytes just allocated with @how,
 * charged @charged (its worst footprint) from @res: its charge settled to
 * its footprint, it is filled, counted and published in the pool, whose
 * bookkeeping is charged from @book.
 * Return: 0; or -ENOBUFS, -ENOSPC or -ENOMEM from the pool, the chunk
 * then freed and its charge given back.
 */
static int mt_owner_keep(struct mt_owner *o, enum mt_alloc_kind kind,
			 u64 bytes, void *p, const struct mt_how *how,
			 struct mt_reserve *res, struct mt_reserve *book,
			 u64 charged)
{
	struct mt_chunk c = {
		.ptr = p,
		.size = bytes,
		.kind = kind,
		.urgent = mt_urgent(kind, how->gfp),
	};
	u64 fp = mt_footprint(kind, bytes, p);
	int ret;

	/* from here on, it is charged what it costs */
	mt_settle(res, c.urgent, charged, fp);
	if (mt_off_node(p, kind, how->node))
		atomic64_inc(&o->off_node);
	if (READ_ONCE(mt_check_content)) {
		c.patterned = true;
		mt_fill_chunk(&c, how->can_sleep);
	}
	/*
	 * Counted before it is published in the pool: a concurrent free
	 * that takes it out at once must find it counted, or the figures
	 * would go below zero for a moment.
	 */
	mt_account(o, kind, bytes, fp, 1, false);
	ret = mt_pool_add(&o->pool, &c, mt_pool_gfp(how), book);
	if (ret) {
		mt_account(o, kind, -(s64)bytes, -(s64)fp, -1, true);
		mt_allocators[kind].free(&o->caches, p, bytes);
		mt_reserve_give(res, fp, c.urgent);
	}
	return ret;
}

/**
 * mt_owner_alloc() - allocate a chunk and keep it
 * @o: the owner that keeps it
 * @kind: the allocator
 * @bytes: what the chunk counts: mt_chunk_bytes() of a size within the
 *	allocator's max_size, or what mt_fit() gave
 * @how: flags, node and context
 * @res: where its footprint and its bookkeeping are charged from
 *	(mt_reserve_take()), and given back to on failure; NULL: against
 *	max_bytes
 *
 * The chunk's worst footprint (mt_footprint_max()) is charged before it
 * is allocated, against max_atomic_bytes too when @how's flags may use
 * the kernel's reserves; once allocated, what it really costs.
 *
 * Context: process context when @how->can_sleep, else any context
 * (hard interrupts included); takes the pool's lock with interrupts off.
 *
 * Return: 0; -ENOSPC past max_bytes or max_atomic_bytes; -ENOBUFS when
 * the owner holds as many chunks as a pool can; -ENOMEM when the kernel
 * refused the chunk or its bookkeeping.
 */
int mt_owner_alloc(struct mt_owner *o, enum mt_alloc_kind kind, u64 bytes,
		   const struct mt_how *how, struct mt_reserve *res)
{
	u64 charged = mt_footprint_max(kind, bytes), t0, ns;
	bool urgent = mt_urgent(kind, how->gfp);
	struct mt_how h = *how;
	void *p;
	int ret;

	if (!mt_reserve_take(res, charged, urgent))
		return -ENOSPC;
	/* what the allocator creates on the way comes from @res too */
	h.res = res;
	if (how->nmi) {
		p = mt_alloc_in_nmi(o, kind, bytes, &h, &ns);
	} else {
		t0 = mt_lat_start(o);
		p = mt_allocators[kind].alloc(&o->caches, bytes, &h);
		ns = mt_lat_since(o, t0);
	}
	if (IS_ERR_OR_NULL(p)) {
		mt_reserve_give(res, charged, urgent);
		return p ? PTR_ERR(p) : -ENOMEM;
	}
	ret = mt_owner_keep(o, kind, bytes, p, how, res, res, charged);
	/* an allocation counts once it is kept */
	if (!ret)
		mt_lat_add(o, MT_LAT_ALLOC, ns);
	return ret;
}

/**
 * mt_owner_alloc_bulk() - allocate chunks of one size in one call, and
 * keep them
 * @o: the owner that keeps them
 * @kind: the allocator: one with a bulk call (alloc=cache, pages)
 * @bytes: what each chunk counts, as for mt_owner_alloc()
 * @n: how many to ask for, 1 to MT_BULK_MAX
 * @how: flags and context (no node: the bulk calls take none)
 * @slots: room for @n pointers, the caller's
 *
 * The @n chunks' worst footprints are charged at once, before the call,
 * then each settles as mt_owner_alloc()'s does; what the kernel did not
 * give is uncharged.  The owner's bookkeeping for them is charged against
 * max_bytes as it grows, as a test's single chunks' is.  The call's time
 * is one latency sample.
 *
 * Context: as mt_owner_alloc().
 *
 * Return: the chunks kept, from 1 to @n; -ENOSPC past max_bytes or
 * max_atomic_bytes; -ENOMEM when the kernel gave none; -ENOBUFS when
 * the owner could keep none of them.
 */
int mt_owner_alloc_bulk(struct mt_owner *o, enum mt_alloc_kind kind,
			u64 bytes, unsigned int n, const struct mt_how *how,
			void **slots)
{
	const struct mt_allocator *al = &mt_allocators[kind];
	u64 charged = mt_footprint_max(kind, bytes), t0, ns;
	bool urgent = mt_urgent(kind, how->gfp);
	struct mt_reserve res;
	int got, i, kept = 0, ret = 0;

	if (!mt_reserve_init(&res, n * charged, urgent))
		return -ENOSPC;
	t0 = mt_lat_start(o);
	got = al->alloc_bulk(&o->caches, bytes, n, how, slots);
	ns = mt_lat_since(o, t0);
	for (i = 0; i < got; i++) {
		/*
		 * The call's reserve holds each chunk's worst footprint, and
		 * only that: the pool's bookkeeping is charged on its own.
		 */
		if (!ret && !mt_reserve_take(&res, charged, urgent))
			ret = -ENOSPC;
		/* once one could not be kept, neither can the rest */
		if (ret) {
			al->free(&o->caches, slots[i], bytes);
			continue;
		}
		ret = mt_owner_keep(o, kind, bytes, slots[i], how, &res, NULL,
				    charged);
		kept += !ret;
	}
	mt_reserve_end(&res);
	if (kept)
		mt_lat_add(o, MT_LAT_ALLOC, ns);
	return kept ?: (got < 0 ? got : ret);
}

/**
 * mt_owner_realloc_random() - resize a chunk the owner holds, at random
 * @o: the owner
 * @want: the new size, as asked (see mt_chunk_bytes())
 * @room: how much the owner may grow; the new chunk is cut to count at
 *	most the old one's bytes plus @room (mt_fit())
 * @shrink: the chunk may get smaller; when false, a chunk bigger than
 *	@want goes back as it was
 * @how: flags, node and context
 * @diff: set to the change in the bytes the owner holds, whatever the
 *	outcome: the new size minus the old after a resize, 0 when nothing
 *	changed
 *
 * The chunk keeps its allocator.  The new chunk's worst footprint is
 * charged in full before the resize, as a resize by copy holds both
 * for a moment (or, when the resize's flags put it under
 * max_atomic_bytes, the old one's where more and the allocator may keep
 * the chunk in place: mt_resize_footprint_max()); the old one's is
 * uncharged after it.  What the owner
 * counts as allocated and freed is the footprint that really changed: a
 * shrink the allocator made in place frees nothing.
 *
 * The chunk is checked before it is resized when it carries the
 * pattern, and filled anew afterwards when check_content is on.  It
 * leaves the pool while it is resized, so that no concurrent command
 * frees it (mt_owner_free_all() waits for it), and goes back whatever
 * happens: putting it back needs at most the pages its removal gave up,
 * which the pool keeps as spares, or, when others took them meanwhile,
 * pages allocated with __GFP_NOFAIL in process context.  Should that
 * still fail (a pool filled meanwhile), the chunk is freed, -ENOMEM
 * returned and @diff says the owner lost the old size.
 *
 * Context: as mt_owner_alloc().
 *
 * Return: 0; -ENOENT when the owner holds nothing; -E2BIG when the
 * chosen chunk's allocator cannot reach @want; -ERANGE when the chosen
 * chunk is bigger than @want and @shrink is false; -ENOSPC past max_bytes
 * or max_atomic_bytes; -ENOMEM when the kernel refused, the chunk then
 * kept as it was.
 */
int mt_owner_realloc_random(struct mt_owner *o, u64 want, u64 room,
			    bool shrink, const struct mt_how *how, s64 *diff)
{
	gfp_t pool_gfp = mt_pool_gfp(how);
	u64 old, fp_old, fp_new, charged, t0, ns = 0;
	struct mt_chunk c;
	struct mt_how h;
	bool urgent;
	void *p;
	int ret;

	*diff = 0;
	atomic_inc(&o->resizing);
	/*
	 * Counted before the chunk leaves the pool, the count seen before
	 * the take: pairs with the barrier in mt_owner_free_all().
	 */
	smp_mb__after_atomic();
	if (!mt_pool_take_random(&o->pool, &c)) {
		ret = -ENOENT;
		goto out_done;
	}
	old = c.size;
	if (want > mt_allocators[c.kind].max_size) {
		ret = -E2BIG;
		goto out_put;
	}
	want = mt_fit(c.kind, want, old + min(room, U64_MAX - old));
	if (want < old && !shrink) {
		ret = -ERANGE;
		goto out_put;
	}
	/* the flags and node the chunk's allocator takes */
	h = *how;
	mt_how_fit(c.kind, &h);
	urgent = mt_gfp_urgent(h.gfp);
	fp_old = mt_footprint(c.kind, old, c.ptr);
	/*
	 * What the new chunk may cost: its size's worst; and when the resize
	 * puts it under max_atomic_bytes, what it costs now, where the kernel
	 * may keep it in place: those bytes then join that cap unchecked.
	 */
	if (urgent && !c.urgent)
		charged = mt_resize_footprint_max(c.kind, want, c.ptr, fp_old);
	else
		charged = mt_footprint_max(c.kind, want);
	if (!mt_reserve_take(NULL, charged, urgent)) {
		ret = -ENOSPC;
		goto out_put;
	}
	mt_verify(o, &c, how->can_sleep);
	t0 = mt_lat_start(o);
	p = mt_allocators[c.kind].realloc(&o->caches, c.ptr, old, want, &h);
	ns = mt_lat_since(o, t0);
	if (IS_ERR_OR_NULL(p)) {
		/* the old chunk stands, and so does its pattern */
		mt_reserve_give(NULL, charged, urgent);
		ret = p ? PTR_ERR(p) : -ENOMEM;
		goto out_put;
	}
	fp_new = mt_footprint(c.kind, want, p);
	mt_resize_settle(urgent, charged, fp_new, c.urgent, fp_old);
	c.ptr = p;
	c.size = want;
	c.urgent = urgent;
	c.patterned = READ_ONCE(mt_check_content);
	if (c.patterned)
		mt_fill_chunk(&c, how->can_sleep);
	*diff = (s64)want - (s64)old;
	mt_account(o, c.kind, *diff, (s64)fp_new - (s64)fp_old, 0, false);
	ret = 0;

out_put:
	if (mt_pool_add(&o->pool, &c,
			how->can_sleep ? pool_gfp | __GFP_NOFAIL : pool_gfp,
			NULL)) {
		mt_chunk_release(o, &c, how->can_sleep, o->rcu);
		*diff = -(s64)old;
		ret = -ENOMEM;
	} else if (!ret) {
		/* a resize counts once the chunk is kept again */
		mt_lat_add(o, MT_LAT_REALLOC, ns);
	}
	atomic_inc(&o->put_back);
out_done:
	/* the chunk is back (or gone), and put_back counted, before this */
	smp_mb__before_atomic();
	atomic_dec(&o->resizing);
	wake_up_var(&o->resizing);
	return ret;
}

/**
 * mt_owner_free_fit() - free whole chunks, at least @want bytes
 * @o: the owner
 * @want: bytes to free; all the owner holds when it holds less
 * @rcu: release them through RCU, those that can be (mem_free
 *	release=rcu); the others at once
 *
 * Chunks that fit in what is still to be freed go first, largest first;
 * when every chunk is bigger than what is left, the smallest goes.
 *
 * Context: process context; takes the pool's lock with interrupts
 * off, once per chunk.
 *
 * Return: the bytes freed.
 */
u64 mt_owner_free_fit(struct mt_owner *o, u64 want, bool rcu)
{
	struct mt_chunk c;
	u64 freed = 0;

	while (freed < want && mt_pool_take_fit(&o->pool, want - freed, &c)) {
		mt_chunk_release(o, &c, true, rcu);
		freed += c.size;
		cond_resched();
	}
	return freed;
}

/**
 * mt_owner_free_one() - free one chunk, chosen by a free policy
 * @o: the owner
 * @how: MT_FREE_RANDOM, or MT_FREE_FIFO or MT_FREE_LIFO for an owner
 *	whose pool is ordered by age
 *
 * Context: process context; takes the pool's lock with interrupts off.
 *
 * Return: the bytes freed, 0 when the owner holds nothing.
 */
u64 mt_owner_free_one(struct mt_owner *o, enum mt_free_policy how)
{
	struct mt_chunk c;
	bool got;

	if (how == MT_FREE_RANDOM)
		got = mt_pool_take_random(&o->pool, &c);
	else
		got = mt_pool_take_oldest(&o->pool, how == MT_FREE_LIFO, &c);
	if (!got)
		return 0;
	mt_chunk_release(o, &c, true, o->rcu);
	return c.size;
}

/**
 * struct mt_drain - mt_owner_free_all()'s state, for mt_drain_one()
 * @o: the owner whose chunks are freed
 * @freed: the bytes freed so far
 */
struct mt_drain {
	struct mt_owner *o;
	u64 freed;
};

static void mt_drain_one(const struct mt_chunk *c, void *arg)
{
	struct mt_drain *d = arg;

	mt_chunk_release(d->o, c, true, d->o->rcu);
	d->freed += c->size;
}

/**
 * mt_owner_free_all() - free every chunk the owner holds
 * @o: the owner
 *
 * Chunks out of the pool for a resize are freed too: the pool is drained
 * again until no resize ran meanwhile.
 *
 * Context: process context; takes the pool's lock with interrupts off;
 * waits for resizes in flight.
 *
 * Return: the bytes freed.
 */
u64 mt_owner_free_all(struct mt_owner *o)
{
	struct mt_drain d = { .o = o };
	int seq;

	do {
		wait_var_event(&o->resizing, !atomic_read(&o->resizing));
		seq = atomic_read(&o->put_back);
		mt_pool_drain(&o->pool, mt_drain_one, &d);
		/* pairs with the resize's barrier before it takes a chunk */
		smp_mb();
	} while (atomic_read(&o->resizing) ||
		 atomic_read(&o->put_back) != seq);
	return d.freed;
}

#ifdef CONFIG_MALLOC_TEST_KUNIT_TEST
#include "kunit/owner-kunit.h"
#endif
