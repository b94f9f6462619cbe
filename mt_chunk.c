// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - chunks: the allocators they come from, the content
 * pattern that catches overwrites, and the owners that hold them.
 *
 * Every byte an owner holds is charged against max_bytes before it is
 * allocated (mt_charge()) and uncharged when it is freed, so the cap is
 * never passed even by concurrent commands.
 */
#include "malloc_test.h"
#include "mt_compat.h"

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

static void *mt_kmalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp);
}

static void *mt_krealloc(void *p, size_t old, size_t new, gfp_t gfp)
{
	return krealloc(p, new, gfp);
}

static void *mt_vmalloc(size_t size, gfp_t gfp)
{
	return __vmalloc(size, gfp);
}

/* Modules have no vrealloc(): allocate, copy, free. */
static void *mt_vrealloc(void *p, size_t old, size_t new, gfp_t gfp)
{
	void *q = __vmalloc(new, gfp);

	if (q) {
		memcpy(q, p, min(old, new));
		vfree(p);
	}
	return q;
}

static void *mt_kvmalloc(size_t size, gfp_t gfp)
{
	return kvmalloc(size, gfp);
}

const struct mt_allocator mt_allocators[MT_NR_KINDS] = {
	[MT_KMALLOC] = {
		.name = "kmalloc",
		.max_size = KMALLOC_MAX_SIZE,
		.alloc = mt_kmalloc,
		.realloc = mt_krealloc,
		.free = kfree,
	},
	[MT_VMALLOC] = {
		.name = "vmalloc",
		.max_size = MT_CHUNK_SIZE_MAX,
		.alloc = mt_vmalloc,
		.realloc = mt_vrealloc,
		.free = vfree,
	},
	[MT_KVMALLOC] = {
		.name = "kvmalloc",
		/* kvmalloc() refuses, with a warning, anything above INT_MAX */
		.max_size = INT_MAX,
		.alloc = mt_kvmalloc,
		.realloc = mt_kvrealloc,
		.free = kvfree,
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
 * mt_rand_range() - a random number in [@lo, @hi]
 * @rnd: the random state to draw from
 * @lo: the smallest value
 * @hi: the largest value, not below @lo
 *
 * Return: the number.
 */
u64 mt_rand_range(struct rnd_state *rnd, u64 lo, u64 hi)
{
	u64 r = (u64)prandom_u32_state(rnd) << 32 | prandom_u32_state(rnd);
	u64 span = hi - lo + 1;

	u64 rem;

	if (!span)		/* the whole 64-bit range */
		return r;
	div64_u64_rem(r, span, &rem);
	return lo + rem;
}

/**
 * mt_charge() - reserve bytes under max_bytes
 * @bytes: how many
 *
 * Return: false, reserving nothing, when the module would pass max_bytes.
 */
bool mt_charge(u64 bytes)
{
	u64 max = READ_ONCE(mt_max_bytes);
	s64 old = atomic64_read(&mt_committed);

	do {
		if (bytes > max || (u64)old > max - bytes)
			return false;
	} while (!atomic64_try_cmpxchg(&mt_committed, &old, old + bytes));
	return true;
}

/**
 * mt_uncharge() - give back bytes reserved by mt_charge()
 * @bytes: how many
 */
void mt_uncharge(u64 bytes)
{
	atomic64_sub(bytes, &mt_committed);
}

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

/* Check @c's pattern; count and log a mismatch.  Return: true if bad. */
static bool mt_verify(struct mt_owner *o, const struct mt_chunk *c,
		      bool can_sleep)
{
	ssize_t off;

	if (!c->patterned)
		return false;
	off = mt_check(c->ptr, c->size, can_sleep);
	if (off < 0)
		return false;
	atomic64_inc(&o->corruptions);
	atomic64_inc(&mt_corruptions);
	pr_err_ratelimited("%s: %s chunk of %llu bytes corrupted at offset %zd\n",
			   o->name, mt_allocators[c->kind].name, c->size, off);
	return true;
}

static void mt_account(struct mt_owner *o, s64 bytes, s64 chunks)
{
	atomic64_add(bytes, &o->bytes);
	atomic64_add(chunks, &o->chunks);
	atomic64_add(bytes, &o->totals->bytes);
	atomic64_add(chunks, &o->totals->chunks);
}

/* Check, free and uncharge one chunk the owner held. */
static void mt_chunk_release(struct mt_owner *o, const struct mt_chunk *c)
{
	mt_verify(o, c, true);
	mt_allocators[c->kind].free(c->ptr);
	mt_account(o, -(s64)c->size, -1);
	mt_uncharge(c->size);
}

/**
 * mt_owner_init() - prepare an owner that holds nothing
 * @o: the owner
 * @totals: the module-wide class it belongs to
 * @name: how the log names it
 * @seed: seed of its pool's random state
 */
void mt_owner_init(struct mt_owner *o, struct mt_totals *totals,
		   const char *name, u64 seed)
{
	mt_pool_init(&o->pool, seed);
	atomic64_set(&o->bytes, 0);
	atomic64_set(&o->chunks, 0);
	atomic64_set(&o->corruptions, 0);
	o->totals = totals;
	strscpy(o->name, name, sizeof(o->name));
}

/**
 * mt_owner_destroy() - free all an owner holds and its bookkeeping
 * @o: the owner
 */
void mt_owner_destroy(struct mt_owner *o)
{
	mt_owner_free_all(o);
	mt_pool_destroy(&o->pool);
}

/**
 * mt_owner_alloc() - allocate a chunk and keep it
 * @o: the owner that keeps it
 * @kind: the allocator
 * @size: bytes, at most the allocator's max_size
 * @gfp: allocation flags
 * @charged: the caller has charged @size already; on failure this
 *	function does not uncharge it either
 *
 * Return: 0, -ENOSPC past max_bytes or the pool's capacity, -ENOMEM when
 * the kernel refused the chunk or its bookkeeping.
 */
int mt_owner_alloc(struct mt_owner *o, enum mt_alloc_kind kind, u64 size,
		   gfp_t gfp, bool charged)
{
	bool can_sleep = gfpflags_allow_blocking(gfp);
	struct mt_chunk c = { .size = size, .kind = kind };
	int ret;

	if (!charged && !mt_charge(size))
		return -ENOSPC;
	c.ptr = mt_allocators[kind].alloc(size, gfp | __GFP_NOWARN);
	if (!c.ptr) {
		ret = -ENOMEM;
		goto out_uncharge;
	}
	if (READ_ONCE(mt_check_content)) {
		mt_fill(c.ptr, size, can_sleep);
		c.patterned = true;
	}
	/*
	 * Counted before it is published in the pool: a concurrent free
	 * that takes it out at once must find it counted, or the figures
	 * would go below zero for a moment.
	 */
	mt_account(o, size, 1);
	ret = mt_pool_add(&o->pool, &c, gfp);
	if (ret)
		goto out_free;
	return 0;

out_free:
	mt_account(o, -(s64)size, -1);
	mt_allocators[kind].free(c.ptr);
out_uncharge:
	if (!charged)
		mt_uncharge(size);
	return ret;
}

/**
 * mt_owner_realloc_random() - resize a chunk the owner holds, at random
 * @o: the owner
 * @want: the new size
 * @room: how much the owner may grow; the new size is cut to the
 *	chunk's size plus @room
 * @shrink: the chunk may get smaller; when false, a chunk bigger than
 *	@want goes back as it was
 * @gfp: allocation flags
 * @charged: the caller has charged @room already, so growth is not
 *	charged again, and a shrink is not uncharged
 * @diff: set to the change in the bytes the owner holds, whatever the
 *	outcome: the new size minus the old after a resize, 0 when nothing
 *	changed
 *
 * The chunk is checked before it is resized when it carries the pattern,
 * and filled anew afterwards when check_content is on.  The chunk leaves
 * the pool while it is resized, so that no concurrent command frees it,
 * and goes back whatever happens: putting it back needs at most the
 * pages its removal gave up, allocated with __GFP_NOFAIL where @gfp may
 * sleep.  Only in atomic context can that fail; the chunk is then freed,
 * -ENOMEM returned and @diff says the owner lost the old size.
 *
 * Return: 0; -ENOENT when the owner holds nothing; -E2BIG when the
 * chosen chunk's allocator cannot reach @want; -ERANGE when the chosen
 * chunk is bigger than @want and @shrink is false; -ENOSPC past max_bytes;
 * -ENOMEM when the kernel refused, the chunk then kept as it was.
 */
int mt_owner_realloc_random(struct mt_owner *o, u64 want, u64 room,
			    bool shrink, gfp_t gfp, bool charged, s64 *diff)
{
	bool can_sleep = gfpflags_allow_blocking(gfp);
	struct mt_chunk c;
	u64 old, grow = 0;
	void *p;
	int ret;

	*diff = 0;
	if (!mt_pool_take_random(&o->pool, &c))
		return -ENOENT;
	old = c.size;
	if (want > old && want - old > room)
		want = old + room;
	if (want > mt_allocators[c.kind].max_size) {
		ret = -E2BIG;
		goto out_put;
	}
	if (want < old && !shrink) {
		ret = -ERANGE;
		goto out_put;
	}
	if (want > old && !charged) {
		grow = want - old;
		if (!mt_charge(grow)) {
			ret = -ENOSPC;
			goto out_put;
		}
	}
	mt_verify(o, &c, can_sleep);
	p = mt_allocators[c.kind].realloc(c.ptr, old, want, gfp | __GFP_NOWARN);
	if (!p) {
		/* the old chunk stands, and so does its pattern */
		mt_uncharge(grow);
		ret = -ENOMEM;
		goto out_put;
	}
	c.ptr = p;
	c.size = want;
	c.patterned = READ_ONCE(mt_check_content);
	if (c.patterned)
		mt_fill(p, want, can_sleep);
	if (want < old && !charged)
		mt_uncharge(old - want);
	*diff = (s64)want - (s64)old;
	mt_account(o, *diff, 0);
	ret = 0;

out_put:
	if (mt_pool_add(&o->pool, &c, can_sleep ? gfp | __GFP_NOFAIL : gfp)) {
		mt_chunk_release(o, &c);
		*diff = -(s64)old;
		return -ENOMEM;
	}
	return ret;
}

/**
 * mt_owner_free_fit() - free whole chunks, at least @want bytes
 * @o: the owner
 * @want: bytes to free; all the owner holds when it holds less
 *
 * Chunks that fit in what is still to be freed go first, largest first;
 * when every chunk is bigger than what is left, the smallest goes.
 *
 * Return: the bytes freed.
 */
u64 mt_owner_free_fit(struct mt_owner *o, u64 want)
{
	struct mt_chunk c;
	u64 freed = 0;

	while (freed < want && mt_pool_take_fit(&o->pool, want - freed, &c)) {
		mt_chunk_release(o, &c);
		freed += c.size;
		cond_resched();
	}
	return freed;
}

struct mt_drain {
	struct mt_owner *o;
	u64 freed;
};

static void mt_drain_one(const struct mt_chunk *c, void *arg)
{
	struct mt_drain *d = arg;

	mt_chunk_release(d->o, c);
	d->freed += c->size;
}

/**
 * mt_owner_free_all() - free every chunk the owner holds
 * @o: the owner
 *
 * Must be called from process context.
 *
 * Return: the bytes freed.
 */
u64 mt_owner_free_all(struct mt_owner *o)
{
	struct mt_drain d = { .o = o };

	mt_pool_drain(&o->pool, mt_drain_one, &d);
	return d.freed;
}
