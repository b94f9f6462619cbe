/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - private declarations shared by the module's files.
 *
 * The module keeps memory on behalf of "owners": one owner holds what
 * mem_alloc and mem_rnd_alloc keep, and every timed test is an owner of
 * its own.  An owner tracks its chunks in a pool (mt_pool.c), allocates
 * and frees them through an allocator table (mt_alloc.c), and charges
 * every chunk's footprint against max_bytes before it allocates
 * (mt_charge.c).
 */
#ifndef _MALLOC_TEST_H
#define _MALLOC_TEST_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/numa.h>
#include <linux/prandom.h>
#include <linux/seq_file.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

/**
 * enum mt_alloc_kind - the allocators a chunk can come from (``alloc=``)
 * @MT_KMALLOC: kmalloc() and kfree()
 * @MT_VMALLOC: vmalloc() and vfree()
 * @MT_KVMALLOC: kvmalloc() and kvfree()
 * @MT_PAGES: alloc_pages_node(), pages of the order that holds the size
 * @MT_CACHE: the module's dedicated slab caches, one per size class
 * @MT_PERCPU: __alloc_percpu_gfp() and free_percpu()
 * @MT_NR_KINDS: how many there are
 */
enum mt_alloc_kind {
	MT_KMALLOC,
	MT_VMALLOC,
	MT_KVMALLOC,
	MT_PAGES,
	MT_CACHE,
	MT_PERCPU,
	MT_NR_KINDS,
};

/* The dedicated caches' size classes: 8 bytes to 1 MiB, powers of two. */
#define MT_CACHE_MIN_SHIFT	3
#define MT_CACHE_MAX_SHIFT	20
#define MT_CACHE_CLASSES	(MT_CACHE_MAX_SHIFT - MT_CACHE_MIN_SHIFT + 1)

/**
 * enum mt_gfp_bit - the GFP choices of ``gfp=``
 * @MT_GFP_KERNEL: base GFP_KERNEL
 * @MT_GFP_ATOMIC: base GFP_ATOMIC
 * @MT_GFP_NOWAIT: base GFP_NOWAIT
 * @MT_GFP_NORETRY: modifier __GFP_NORETRY
 * @MT_GFP_RETRY_MAYFAIL: modifier __GFP_RETRY_MAYFAIL
 * @MT_GFP_NOWARN: modifier __GFP_NOWARN
 * @MT_GFP_ZERO: modifier __GFP_ZERO
 * @MT_GFP_ACCOUNT: modifier __GFP_ACCOUNT
 * @MT_GFP_NOFAIL: modifier __GFP_NOFAIL
 * @MT_GFP_NR: how many there are
 *
 * One base, then modifiers.  Kept as a mask of BIT(MT_GFP_*), printed in
 * this order (mt_gfp_print()).
 */
enum mt_gfp_bit {
	MT_GFP_KERNEL,
	MT_GFP_ATOMIC,
	MT_GFP_NOWAIT,
	MT_GFP_NORETRY,
	MT_GFP_RETRY_MAYFAIL,
	MT_GFP_NOWARN,
	MT_GFP_ZERO,
	MT_GFP_ACCOUNT,
	MT_GFP_NOFAIL,
	MT_GFP_NR,
};

#define MT_GFP_BASES	(BIT(MT_GFP_KERNEL) | BIT(MT_GFP_ATOMIC) | \
			 BIT(MT_GFP_NOWAIT))

extern const char * const mt_gfp_names[MT_GFP_NR];

gfp_t mt_gfp_flags(unsigned int set);
int mt_gfp_print(char *buf, size_t len, unsigned int set);

/**
 * enum mt_ctx - where a test allocates (``ctx=``)
 * @MT_CTX_WORK: in its work item, in process context
 * @MT_CTX_TIMER: in its hrtimer callback, in hard interrupt context
 * @MT_NR_CTX: how many there are
 */
enum mt_ctx {
	MT_CTX_WORK,
	MT_CTX_TIMER,
	MT_NR_CTX,
};

/**
 * enum mt_free_policy - what a test frees when it holds its total (``free=``)
 * @MT_FREE_ALL: everything
 * @MT_FREE_RANDOM: chunks chosen at random, until one more piece fits
 * @MT_FREE_FIFO: the oldest chunks first, likewise
 * @MT_FREE_LIFO: the newest chunks first, likewise
 * @MT_NR_FREE: how many there are
 */
enum mt_free_policy {
	MT_FREE_ALL,
	MT_FREE_RANDOM,
	MT_FREE_FIFO,
	MT_FREE_LIFO,
	MT_NR_FREE,
};

extern const char * const mt_ctx_names[MT_NR_CTX];
extern const char * const mt_free_names[MT_NR_FREE];

/* The largest chunk the bookkeeping can describe (56 bits of size). */
#define MT_CHUNK_SIZE_MAX	((u64)SIZE_MAX < (1ULL << 56) - 1 ? \
				 (u64)SIZE_MAX : (1ULL << 56) - 1)

/*
 * Latency histograms (mt_lat.c).  Buckets hold nanoseconds: 0, 1, 2 and 3
 * each have their own; from 4 up, every power of two is split in four
 * equal buckets; values of 2^MT_LAT_MAX_SHIFT and above go to the top one.
 */
#define MT_LAT_MAX_SHIFT	40
#define MT_LAT_BUCKETS		((MT_LAT_MAX_SHIFT - 1) * 4)

/**
 * struct mt_hist - a histogram of durations, in nanoseconds
 * @count: durations recorded
 * @sum: their sum
 * @min: the shortest; U64_MAX while @count is 0
 * @max: the longest
 * @bucket: how many fell in each bucket (mt_hist_lo(), mt_hist_hi())
 *
 * One writer at a time; readers may read it while it is written
 * (mt_hist_merge()), and then see a figure or two lag the others.
 */
struct mt_hist {
	u64 count;
	u64 sum;
	u64 min;
	u64 max;
	u64 bucket[MT_LAT_BUCKETS];
};

/* The percentiles reported, in hundred-thousandths: p50 p90 p99 p99.9. */
#define MT_NR_PCTS	4
extern const unsigned int mt_pcts[MT_NR_PCTS];

/**
 * struct mt_hist_sum - what is printed of a histogram
 * @count: durations recorded: the sum of the buckets
 * @min: the shortest
 * @mean: the mean, rounded down
 * @max: the longest
 * @pct: the percentiles of mt_pcts[]
 *
 * All 0 when @count is 0.
 */
struct mt_hist_sum {
	u64 count, min, mean, max;
	u64 pct[MT_NR_PCTS];
};

/* The bucket of @ns. */
static inline unsigned int mt_hist_index(u64 ns)
{
	unsigned int msb;

	if (ns < 4)
		return ns & 3;	/* sparse: no truncation of a constant */
	msb = fls64(ns) - 1;
	if (msb >= MT_LAT_MAX_SHIFT)
		return MT_LAT_BUCKETS - 1;
	return (msb - 1) * 4 + ((ns >> (msb - 2)) & 3);
}

/* Record @ns in @h, whose only writer the caller is. */
static inline void mt_hist_add(struct mt_hist *h, u64 ns)
{
	unsigned int i = mt_hist_index(ns);

	WRITE_ONCE(h->sum, h->sum + ns);
	if (ns < h->min)
		WRITE_ONCE(h->min, ns);
	if (ns > h->max)
		WRITE_ONCE(h->max, ns);
	WRITE_ONCE(h->count, h->count + 1);
	WRITE_ONCE(h->bucket[i], h->bucket[i] + 1);
}

u64 mt_hist_lo(unsigned int i);
u64 mt_hist_hi(unsigned int i);
void mt_hist_init(struct mt_hist *h);
void mt_hist_merge(struct mt_hist *to, const struct mt_hist *from);
void mt_hist_summarize(const struct mt_hist *h, struct mt_hist_sum *s);
void mt_hist_show(struct seq_file *m, const char *name,
		  const struct mt_hist *h);

/**
 * enum mt_lat_op - what a test times, one histogram each
 * @MT_LAT_ALLOC: each allocation the test kept
 * @MT_LAT_REALLOC: each resize
 * @MT_LAT_FREE: each chunk freed
 * @MT_LAT_LATE: each expiry of the test's hrtimer: how late it ran
 * @MT_NR_LAT_OPS: how many there are
 */
enum mt_lat_op {
	MT_LAT_ALLOC,
	MT_LAT_REALLOC,
	MT_LAT_FREE,
	MT_LAT_LATE,
	MT_NR_LAT_OPS,
};

extern const char * const mt_lat_names[MT_NR_LAT_OPS];

/**
 * struct mt_lat - a test's histograms on one CPU
 * @op: one per enum mt_lat_op
 */
struct mt_lat {
	struct mt_hist op[MT_NR_LAT_OPS];
};

struct mt_lat __percpu *mt_lat_alloc(void);
u64 mt_lat_bytes(void);
void mt_lat_free(struct mt_lat __percpu *lat);
void mt_lat_record(struct mt_lat __percpu *lat, enum mt_lat_op op, u64 ns);
void mt_lat_read(struct mt_lat __percpu *lat, enum mt_lat_op op,
		 struct mt_hist *h);

struct mt_owner;
struct mt_reserve;

/**
 * struct mt_how - how an owner allocates
 * @gfp: the flags of the chunks themselves
 * @node: the NUMA node, or NUMA_NO_NODE
 * @can_sleep: the caller is in process context: it may reschedule, and
 *	the bookkeeping and the dedicated caches may be allocated with
 *	GFP_KERNEL; false in the hrtimer callback of a ctx=timer test
 * @res: where what an allocation creates on the way (a dedicated cache)
 *	is charged from (mt_reserve_take()); NULL: against max_bytes
 */
struct mt_how {
	gfp_t gfp;
	int node;
	bool can_sleep;
	struct mt_reserve *res;
};

/**
 * struct mt_allocator - how to get, resize and release one kind of chunk
 * @name: the name users give in ``alloc=`` and that statistics print
 * @max_size: the largest size a command may ask of it, in bytes
 * @may_sleep: it may sleep whatever the flags: not for ctx=timer
 * @nofail: the kernel supports __GFP_NOFAIL through it (small orders)
 * @alloc: allocate a chunk of @bytes (what the chunk counts, see
 *	mt_chunk_bytes()); NULL on failure
 * @realloc: resize @p from @old to @new bytes; NULL on failure, in which
 *	case @p is untouched
 * @free: release @p, a chunk of @bytes
 */
struct mt_allocator {
	const char *name;
	u64 max_size;
	bool may_sleep;
	bool nofail;
	void *(*alloc)(struct mt_owner *o, u64 bytes, const struct mt_how *how);
	void *(*realloc)(struct mt_owner *o, void *p, u64 old, u64 new,
			 const struct mt_how *how);
	void (*free)(struct mt_owner *o, void *p, u64 bytes);
};

extern const struct mt_allocator mt_allocators[MT_NR_KINDS];

int mt_kind_from_name(const char *name);
u64 mt_chunk_bytes(enum mt_alloc_kind kind, u64 size);
u64 mt_fit(enum mt_alloc_kind kind, u64 size, u64 limit);
u64 mt_footprint(enum mt_alloc_kind kind, u64 bytes, const void *p);
u64 mt_footprint_max(enum mt_alloc_kind kind, u64 bytes);
u64 mt_cache_overhead(unsigned int size);
u64 mt_caches_bound(u64 max);
u64 mt_footprint_bound(enum mt_alloc_kind kind, u64 min, u64 max, u64 total);
struct mt_how;
void mt_how_fit(enum mt_alloc_kind kind, struct mt_how *how);

/*
 * The largest chunk a ctx=timer test may ask for, in the bytes it counts:
 * an order-3 allocation (PAGE_ALLOC_COSTLY_ORDER), whose pattern fill,
 * check and resize copy a hard interrupt can afford.
 */
#define MT_TIMER_MAX_BYTES	(PAGE_SIZE << PAGE_ALLOC_COSTLY_ORDER)

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
 * struct mt_pool - the chunks of one owner, ordered by size
 * @lock: protects every field below; taken with interrupts off, never
 *	held across an allocation that can sleep
 * @top: three-level radix of pages holding the nodes (see mt_pool.c)
 * @nr: nodes in use, at indices 0..@nr - 1
 * @root: index of the treap's root, or MT_POOL_NIL
 * @bytes: sum of the sizes of the chunks in the pool
 * @rnd: random state for treap priorities and random picks
 * @spare: pages kept for the next growth, so that adding a chunk rarely
 *	has to drop the lock to allocate
 * @nr_spare: pages in @spare
 * @by_age: the treap is ordered by age, not size (free=fifo and lifo);
 *	set once, before the first chunk is added
 * @seq: the age the next chunk gets, when @by_age
 * @max: the most chunks it holds: MT_POOL_MAX_CHUNKS (the KUnit suite
 *	lowers it)
 */
struct mt_pool {
	spinlock_t lock;	/* protects the fields below */
	void **top;
	u32 nr;
	u32 root;
	u64 bytes;
	struct rnd_state rnd;
	void *spare[MT_POOL_SPARES];
	unsigned int nr_spare;
	bool by_age;
	u64 seq;
	u32 max;
};

/**
 * struct mt_reserve - bytes a command charged ahead, not used yet
 * @left: how many; the command's own, no lock
 * @urgent: they are charged against max_atomic_bytes too
 */
struct mt_reserve {
	u64 left;
	bool urgent;
};

int mt_param_refuse(const struct kernel_param *kp, const char *val,
		    const char *what);
void mt_charge_init(void);
bool mt_charge(u64 bytes);
void mt_charge_force(u64 bytes, bool urgent);
void mt_uncharge(u64 bytes);
bool mt_overhead_charge(struct mt_reserve *res, u64 bytes);
void mt_overhead_uncharge(u64 bytes);
bool mt_gfp_urgent(gfp_t gfp);
bool mt_reserve_init(struct mt_reserve *res, u64 bytes, bool urgent);
void mt_reserve_end(struct mt_reserve *res);
bool mt_reserve_take(struct mt_reserve *res, u64 bytes, bool urgent);
void mt_reserve_give(struct mt_reserve *res, u64 bytes, bool urgent);

/* The caps (mt_charge.c); read them with READ_ONCE(). */
extern u64 mt_max_bytes;
extern u64 mt_max_atomic_bytes;
/* What is charged (mt_charge.c). */
extern atomic64_t mt_committed;
extern atomic64_t mt_reserved;
extern atomic64_t mt_overhead;
extern atomic64_t mt_atomic_committed;

void mt_pool_init(struct mt_pool *pool, u64 seed);
void mt_pool_destroy(struct mt_pool *pool);
int mt_pool_add(struct mt_pool *pool, const struct mt_chunk *c, gfp_t gfp,
		struct mt_reserve *res);
bool mt_pool_take_fit(struct mt_pool *pool, u64 want, struct mt_chunk *c);
bool mt_pool_take_random(struct mt_pool *pool, struct mt_chunk *c);
bool mt_pool_take_oldest(struct mt_pool *pool, bool newest,
			 struct mt_chunk *c);
u32 mt_pool_count(struct mt_pool *pool);
u64 mt_pool_bound(u64 chunks);
void mt_pool_drain(struct mt_pool *pool,
		   void (*fn)(const struct mt_chunk *c, void *arg), void *arg);

/**
 * struct mt_totals - what a class of owners holds, module-wide
 * @bytes: bytes allocated and not yet freed, as the chunks count them
 * @charged: their footprint, charged against max_bytes
 * @chunks: chunks allocated and not yet freed
 */
struct mt_totals {
	atomic64_t bytes;
	atomic64_t charged;
	atomic64_t chunks;
};

/**
 * struct mt_caches - an owner's dedicated slab caches, one per size class
 * @lock: serialises creating and destroying them
 * @cache: the caches; NULL where none exists
 * @refs: per class: its chunks, allocations in flight, and the pin; the
 *	cache is destroyed when it drops to 0
 * @objects: per class: its chunks, for the caches file
 * @pinned: classes whose cache holds a pin (a test's, until it ends)
 * @pin: caches created from now on are pinned
 */
struct mt_caches {
	struct mutex lock;	/* protects creation and destruction */
	struct kmem_cache *cache[MT_CACHE_CLASSES];
	atomic_t refs[MT_CACHE_CLASSES];
	atomic_t objects[MT_CACHE_CLASSES];
	unsigned long pinned;
	bool pin;
};

/**
 * struct mt_owner - a holder of chunks: the kept memory or one test
 * @pool: its chunks
 * @bytes: bytes it holds, in the pool or in flight in a resize, as the
 *	chunks count them (their size as asked; see mt_chunk_bytes())
 * @charged: their footprint (mt_footprint()), charged against max_bytes
 * @chunks: chunks it holds
 * @corruptions: chunks found corrupted when checked at free or resize
 * @off_node: chunks asked of a node that came from another
 * @resizing: chunks out of the pool for a resize (mt_owner_free_all()
 *	waits for them)
 * @put_back: resizes done, for mt_owner_free_all()
 * @stat_lock: makes @bytes, @charged, @chunks, @allocated and @freed
 *	change together, chunk by chunk, for readers that want them
 *	consistent
 * @allocated: footprint the kernel gave: chunks, and what resizes added
 * @freed: footprint the kernel took back: chunks, and what resizes
 *	really gave back; @allocated - @freed = @charged
 * @totals: the module-wide class it adds to
 * @caches: its dedicated slab caches (alloc=cache)
 * @lat: where its allocations, resizes and frees are timed; NULL when
 *	they are not (kept memory)
 * @name: how the log names it
 * @tag: how its caches' names tell it: "kept", "t7"
 *
 * @bytes, @charged, @chunks, @corruptions and @off_node are atomics: the
 * owner's user updates them, statistics readers read them at any time.
 */
struct mt_owner {
	struct mt_pool pool;
	atomic64_t bytes;
	atomic64_t charged;
	atomic64_t chunks;
	atomic64_t corruptions;
	atomic64_t off_node;
	atomic_t resizing;
	atomic_t put_back;
	seqlock_t stat_lock;
	u64 allocated;
	u64 freed;
	struct mt_totals *totals;
	struct mt_caches caches;
	struct mt_lat __percpu *lat;
	char name[16];
	char tag[12];
};

/**
 * struct mt_owner_stats - an owner's figures, read together
 * @bytes: bytes it holds, as the chunks count them
 * @charged: their footprint
 * @chunks: chunks it holds
 * @allocated: footprint the kernel gave it
 * @freed: footprint it gave back; @allocated - @freed = @charged
 */
struct mt_owner_stats {
	u64 bytes, charged, chunks, allocated, freed;
};

void mt_owner_stats(struct mt_owner *o, struct mt_owner_stats *st);
void mt_owner_init(struct mt_owner *o, struct mt_totals *totals,
		   const char *name, const char *tag, u64 seed);
void mt_owner_destroy(struct mt_owner *o);
int mt_owner_alloc(struct mt_owner *o, enum mt_alloc_kind kind, u64 bytes,
		   const struct mt_how *how, struct mt_reserve *res);
int mt_owner_realloc_random(struct mt_owner *o, u64 want, u64 room,
			    bool shrink, const struct mt_how *how, s64 *diff);
u64 mt_owner_free_fit(struct mt_owner *o, u64 want);
u64 mt_owner_free_one(struct mt_owner *o, enum mt_free_policy how);
u64 mt_owner_free_all(struct mt_owner *o);
int mt_owner_pin_caches(struct mt_owner *o, u64 max);
void mt_owner_unpin_caches(struct mt_owner *o);
void mt_owner_show_caches(struct seq_file *m, struct mt_owner *o);

u64 mt_rand_range(struct rnd_state *rnd, u64 lo, u64 hi);

/* Module parameters (mt_main.c); read them with READ_ONCE(). */
extern bool mt_check_content;
extern unsigned int mt_realloc_p;
extern unsigned int mt_default_alloc;
extern u64 mt_seed;

/* Module-wide state (mt_main.c). */
extern struct mt_totals mt_kept_totals;
extern struct mt_totals mt_test_totals;
extern struct mt_totals mt_kind_totals[MT_NR_KINDS];
extern atomic_t mt_nr_caches;
extern atomic64_t mt_corruptions;
extern atomic64_t mt_tracking_bytes;
extern struct mt_owner mt_kept;
extern struct workqueue_struct *mt_wq;

u64 mt_seed_for(u64 salt);

/* Command parsing (mt_parse.c). */
#define MT_MAX_ARGS	6
#define MT_REASON_MAX	160

/**
 * enum mt_opt - the options, KEY=VALUE
 * @MT_OPT_ALLOC: ``alloc=``
 * @MT_OPT_GFP: ``gfp=``
 * @MT_OPT_NODE: ``node=``
 * @MT_OPT_CTX: ``ctx=``
 * @MT_OPT_CPU: ``cpu=``
 * @MT_OPT_FREE: ``free=``
 * @MT_OPT_SIZE: ``size=``
 * @MT_OPT_COUNT: ``count=``
 * @MT_OPT_THREADS: ``threads=``
 * @MT_OPT_PATTERN: ``pattern=``
 * @MT_OPT_SAMPLE: ``sample=``
 * @MT_OPT_TIME: ``time=``
 * @MT_NR_OPTS: how many there are
 *
 * A command takes a mask of BIT(MT_OPT_*) (&struct mt_syntax).
 */
enum mt_opt {
	MT_OPT_ALLOC,
	MT_OPT_GFP,
	MT_OPT_NODE,
	MT_OPT_CTX,
	MT_OPT_CPU,
	MT_OPT_FREE,
	MT_OPT_SIZE,
	MT_OPT_COUNT,
	MT_OPT_THREADS,
	MT_OPT_PATTERN,
	MT_OPT_SAMPLE,
	MT_OPT_TIME,
	MT_NR_OPTS,
};

#define MT_OPTS_ALLOC	(BIT(MT_OPT_ALLOC) | BIT(MT_OPT_GFP) | BIT(MT_OPT_NODE))
#define MT_OPTS_TEST	(MT_OPTS_ALLOC | BIT(MT_OPT_CTX) | BIT(MT_OPT_CPU) | \
			 BIT(MT_OPT_FREE))
#define MT_OPTS_BENCH	(BIT(MT_OPT_ALLOC) | BIT(MT_OPT_GFP) | BIT(MT_OPT_CPU) | \
			 BIT(MT_OPT_SIZE) | BIT(MT_OPT_COUNT) | \
			 BIT(MT_OPT_THREADS) | BIT(MT_OPT_PATTERN) | \
			 BIT(MT_OPT_SAMPLE) | BIT(MT_OPT_TIME))

/**
 * struct mt_syntax - the shape of one command's arguments
 * @min_args: positional numbers it needs
 * @max_args: positional numbers it takes at most
 * @size_mask: bit i set when number i is a size, scaled by the unit
 * @opts: the options it takes, BIT(MT_OPT_*)
 */
struct mt_syntax {
	u8 min_args;
	u8 max_args;
	u8 size_mask;
	u16 opts;
};

/**
 * struct mt_opts - the options of a command, defaults filled in
 * @given: the options given, BIT(MT_OPT_*)
 * @kind: the allocator (``alloc=`` or the module's default)
 * @gfp: the GFP choices, BIT(MT_GFP_*): as given; the context's default
 *	when gfp= was not, or when it named no base
 * @node: the NUMA node, when given (see mt_opts_node())
 * @cpu: the CPU, when given (see mt_opts_cpu())
 * @ctx: enum mt_ctx
 * @free: enum mt_free_policy
 */
struct mt_opts {
	u16 given;
	u8 kind;
	u16 gfp;
	unsigned int node;
	unsigned int cpu;
	u8 ctx;
	u8 free;
};

/* The node asked, or NUMA_NO_NODE; checked to exist once the command is. */
static inline int mt_opts_node(const struct mt_opts *o)
{
	return o->given & BIT(MT_OPT_NODE) ? (int)o->node : NUMA_NO_NODE;
}

/* The CPU asked, or -1 for any; checked likewise. */
static inline int mt_opts_cpu(const struct mt_opts *o)
{
	return o->given & BIT(MT_OPT_CPU) ? (int)o->cpu : -1;
}

/**
 * enum mt_pattern - how a bench thread allocates and frees (``pattern=``)
 * @MT_PATTERN_PAIR: allocate, then free at once
 * @MT_PATTERN_BATCH: count allocations, then as many frees, in order
 * @MT_PATTERN_RANDOM: like @MT_PATTERN_PAIR, each size drawn at random
 * @MT_NR_PATTERNS: how many there are
 */
enum mt_pattern {
	MT_PATTERN_PAIR,
	MT_PATTERN_BATCH,
	MT_PATTERN_RANDOM,
	MT_NR_PATTERNS,
};

extern const char * const mt_pattern_names[MT_NR_PATTERNS];

/**
 * struct mt_bench_opts - the bench's own options, as given
 * @size: size=, bytes
 * @count: count=
 * @threads: threads=
 * @sample: sample=
 * @time: time=, seconds
 * @pattern: pattern=, enum mt_pattern
 */
struct mt_bench_opts {
	u64 size;
	u64 count;
	unsigned int threads;
	unsigned int sample;
	unsigned int time;
	u8 pattern;
};

/**
 * struct mt_args - a parsed command
 * @val: the positional numbers, sizes already in bytes
 * @nr: how many were given
 * @o: the options
 * @b: the bench's options; see @o.given for which were given
 */
struct mt_args {
	u64 val[MT_MAX_ARGS];
	unsigned int nr;
	struct mt_opts o;
	struct mt_bench_opts b;
};

int mt_parse(char *buf, const struct mt_syntax *syn, struct mt_args *a,
	     char *why, size_t whylen);

/* Timed tests (mt_test.c). */

/**
 * enum mt_test_state - where a timed test is in its life
 * @MT_TEST_RUNNING: its hrtimer runs
 * @MT_TEST_STOPPED: ended by mem_test_stop, or destroyed while it ran
 * @MT_TEST_FINISHED: ended when its time had passed
 */
enum mt_test_state {
	MT_TEST_RUNNING,
	MT_TEST_STOPPED,
	MT_TEST_FINISHED,
};

/**
 * struct mt_test_params - what mem_test_start asked for
 * @min: smallest allocation, bytes
 * @max: largest allocation, bytes
 * @total: what the test holds at most before it frees all, bytes
 * @min_int: shortest interval between allocations, ms
 * @max_int: longest interval between allocations, ms
 * @total_time: how long the test runs, ms
 * @o: the options: allocator, flags, node, context, CPU, free policy
 */
struct mt_test_params {
	u64 min, max, total;
	u64 min_int, max_int, total_time;
	struct mt_opts o;
};

/* The most tests that may exist at once (mt_test.c's parameter). */
extern unsigned int mt_max_tests;

int mt_test_start(const struct mt_test_params *p, u32 *id, char *why,
		  size_t whylen);
void mt_test_publish(void);
unsigned int mt_test_count(void);
int mt_test_stop(u32 id);
int mt_test_destroy(u32 id);
void mt_test_destroy_all(void);
int mt_test_show_one(struct seq_file *m, u32 id);
int mt_test_show_latency(struct seq_file *m, u32 id);
int mt_test_show_all(struct seq_file *m);
void mt_test_show_caches(struct seq_file *m);
void mt_test_exit(void);

/* The benchmark (mt_bench.c). */

/* A batch run keeps this many chunks per thread at most. */
#define MT_BENCH_BATCH_MAX	1048576U
#define MT_BENCH_SAMPLE_MAX	1000000U
#define MT_BENCH_TIME_MAX	3600U
#define MT_BENCH_SAMPLE_DEFAULT	64U
#define MT_BENCH_TIME_DEFAULT	10U

/**
 * struct mt_bench_params - what a write to bench asked for, checked
 * @kind: the allocator, enum mt_alloc_kind
 * @gfp: the GFP choices, BIT(MT_GFP_*)
 * @size: the size asked, bytes
 * @count: pairs (pair, random) or allocations (batch) per thread
 * @threads: how many threads
 * @cpu: the first thread's CPU
 * @pattern: enum mt_pattern
 * @sample: time one operation in @sample, at random; 0: none
 * @time: each phase ends after this many seconds at most
 * @hold: what the run's chunks may cost at once (their footprint),
 *	charged for the whole run
 */
struct mt_bench_params {
	u8 kind;
	u16 gfp;
	u64 size;
	u64 count;
	unsigned int threads;
	unsigned int cpu;
	u8 pattern;
	unsigned int sample;
	unsigned int time;
	u64 hold;
};

/* What mt_bench_stop() did. */
#define MT_BENCH_STOP_NONE	0
#define MT_BENCH_STOP_STOPPED	1

u64 mt_bench_cost(const struct mt_bench_params *p);
int mt_bench_start(const struct mt_bench_params *p, char *cpus, size_t len);
int mt_bench_stop(void);
int mt_bench_show(struct seq_file *m);
int mt_bench_show_latency(struct seq_file *m);
void mt_bench_exit(void);
extern atomic64_t mt_bench_bytes;

/* debugfs (mt_debugfs.c). */
struct dentry;
void mt_debugfs_init(void);
void mt_debugfs_exit(void);
struct dentry *mt_debugfs_add_test(u32 id);

/* The command handlers (mt_cmd.c). */
struct mt_cmd_ctx;

/**
 * struct mt_cmd - one command file
 * @name: the file's name in debugfs
 * @mode: the file's mode
 * @usage: what it takes, shown when the file is read before any write
 * @fn: runs a command; returns 0 or a negative errno
 */
struct mt_cmd {
	const char *name;
	umode_t mode;
	const char *usage;
	int (*fn)(struct mt_cmd_ctx *ctx, char *buf);
};

#define MT_RESULT_MAX	512

/**
 * struct mt_cmd_ctx - one open command file
 * @cmd: the command the file runs
 * @lock: serialises commands and reads on this open file
 * @fresh: @res holds an answer not read yet: the next read starts at 0
 * @len: bytes in @res
 * @res: the answer to the last command, read back on the same file
 */
struct mt_cmd_ctx {
	const struct mt_cmd *cmd;
	struct mutex lock;	/* protects @fresh, @len and @res */
	bool fresh;
	size_t len;
	char res[MT_RESULT_MAX];
};

extern const struct mt_cmd mt_cmds[];
extern const unsigned int mt_nr_cmds;
/* mem_rnd_alloc commands killed midway, and what they kept (mt_cmd.c). */
extern atomic64_t mt_killed_rnd_allocs;
extern atomic64_t mt_killed_rnd_bytes;

__printf(2, 3) void mt_result(struct mt_cmd_ctx *ctx, const char *fmt, ...);
__printf(3, 4) int mt_refuse(struct mt_cmd_ctx *ctx, int err,
			     const char *fmt, ...);
int mt_cmd_load(const char *param, const char *cmd_name, const char *val,
		bool unit_suffix);

#endif /* _MALLOC_TEST_H */
