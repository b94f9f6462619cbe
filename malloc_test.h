/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - private declarations shared by the module's files.
 *
 * The module keeps memory on behalf of "owners": one owner holds what
 * mem_alloc and mem_rnd_alloc keep, and every timed test is an owner of
 * its own.  An owner tracks its chunks in a pool (mt_pool.c), allocates
 * and frees them through an allocator table (mt_chunk.c), and charges
 * every byte against max_bytes before it allocates.
 */
#ifndef _MALLOC_TEST_H
#define _MALLOC_TEST_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

/* Allocators a chunk can come from. */
enum mt_alloc_kind {
	MT_KMALLOC,
	MT_VMALLOC,
	MT_KVMALLOC,
	MT_NR_KINDS,
};

/* The largest chunk the bookkeeping can describe (56 bits of size). */
#define MT_CHUNK_SIZE_MAX	((u64)SIZE_MAX < (1ULL << 56) - 1 ? \
				 (u64)SIZE_MAX : (1ULL << 56) - 1)

/**
 * struct mt_allocator - how to get, resize and release one kind of chunk
 * @name: the name users give in ``alloc=`` and that statistics print
 * @max_size: the largest chunk this allocator can hand out, in bytes
 * @alloc: allocate @size bytes with @gfp; NULL on failure
 * @realloc: resize @p from @old to @new bytes; NULL on failure, in which
 *	case @p is untouched
 * @free: release @p
 */
struct mt_allocator {
	const char *name;
	u64 max_size;
	void *(*alloc)(size_t size, gfp_t gfp);
	void *(*realloc)(void *p, size_t old, size_t new, gfp_t gfp);
	void (*free)(const void *p);
};

extern const struct mt_allocator mt_allocators[MT_NR_KINDS];

int mt_kind_from_name(const char *name);

/**
 * struct mt_chunk - one allocation the module holds
 * @ptr: the memory
 * @size: its size in bytes, as asked of the allocator
 * @kind: the allocator it came from (enum mt_alloc_kind)
 * @patterned: filled with the check_content pattern at allocation
 */
struct mt_chunk {
	void *ptr;
	u64 size;
	u8 kind;
	bool patterned;
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
};

void mt_pool_init(struct mt_pool *pool, u64 seed);
void mt_pool_destroy(struct mt_pool *pool);
int mt_pool_add(struct mt_pool *pool, const struct mt_chunk *c, gfp_t gfp);
bool mt_pool_take_fit(struct mt_pool *pool, u64 want, struct mt_chunk *c);
bool mt_pool_take_random(struct mt_pool *pool, struct mt_chunk *c);
u32 mt_pool_count(struct mt_pool *pool);
void mt_pool_drain(struct mt_pool *pool,
		   void (*fn)(const struct mt_chunk *c, void *arg), void *arg);

/**
 * struct mt_totals - what a class of owners holds, module-wide
 * @bytes: bytes allocated and not yet freed
 * @chunks: chunks allocated and not yet freed
 */
struct mt_totals {
	atomic64_t bytes;
	atomic64_t chunks;
};

/**
 * struct mt_owner - a holder of chunks: the kept memory or one test
 * @pool: its chunks
 * @bytes: bytes it holds, in the pool or in flight in a resize
 * @chunks: chunks it holds
 * @corruptions: chunks found corrupted when checked at free or resize
 * @totals: the module-wide class it adds to
 * @name: how the log names it
 *
 * @bytes, @chunks and @corruptions are atomics: the owner's user updates
 * them, statistics readers read them at any time.
 */
struct mt_owner {
	struct mt_pool pool;
	atomic64_t bytes;
	atomic64_t chunks;
	atomic64_t corruptions;
	struct mt_totals *totals;
	char name[16];
};

void mt_owner_init(struct mt_owner *o, struct mt_totals *totals,
		   const char *name, u64 seed);
void mt_owner_destroy(struct mt_owner *o);
int mt_owner_alloc(struct mt_owner *o, enum mt_alloc_kind kind, u64 size,
		   gfp_t gfp, bool charged);
int mt_owner_realloc_random(struct mt_owner *o, u64 want, u64 room,
			    bool shrink, gfp_t gfp, bool charged, s64 *diff);
u64 mt_owner_free_fit(struct mt_owner *o, u64 want);
u64 mt_owner_free_all(struct mt_owner *o);

bool mt_charge(u64 bytes);
void mt_uncharge(u64 bytes);
u64 mt_rand_range(struct rnd_state *rnd, u64 lo, u64 hi);

/* Module parameters (mt_main.c); read them with READ_ONCE(). */
extern bool mt_check_content;
extern unsigned int mt_realloc_p;
extern u64 mt_max_bytes;
extern unsigned int mt_default_alloc;
extern u64 mt_seed;

/* Module-wide state (mt_main.c). */
extern struct mt_totals mt_kept_totals;
extern struct mt_totals mt_test_totals;
extern atomic64_t mt_committed;
extern atomic64_t mt_corruptions;
extern atomic64_t mt_tracking_bytes;
extern struct mt_owner mt_kept;
extern struct workqueue_struct *mt_wq;

u64 mt_seed_for(u64 salt);

/* Command parsing (mt_parse.c). */
#define MT_MAX_ARGS	6
#define MT_REASON_MAX	160

/**
 * struct mt_syntax - the shape of one command's arguments
 * @min_args: positional numbers it needs
 * @max_args: positional numbers it takes at most
 * @size_mask: bit i set when number i is a size, scaled by the unit
 * @opt_alloc: accepts ``alloc=``
 */
struct mt_syntax {
	u8 min_args;
	u8 max_args;
	u8 size_mask;
	bool opt_alloc;
};

/**
 * struct mt_args - a parsed command
 * @val: the positional numbers, sizes already in bytes
 * @nr: how many were given
 * @kind: the allocator (``alloc=`` or the module's default)
 */
struct mt_args {
	u64 val[MT_MAX_ARGS];
	unsigned int nr;
	enum mt_alloc_kind kind;
};

int mt_parse(char *buf, const struct mt_syntax *syn, struct mt_args *a,
	     char *why, size_t whylen);

/* Timed tests (mt_test.c). */
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
 * @kind: the allocator
 */
struct mt_test_params {
	u64 min, max, total;
	u64 min_int, max_int, total_time;
	enum mt_alloc_kind kind;
};

int mt_test_start(const struct mt_test_params *p, u32 *id);
int mt_test_stop(u32 id);
int mt_test_destroy(u32 id);
void mt_test_destroy_all(void);
int mt_test_show_one(struct seq_file *m, u32 id);
void mt_test_show_all(struct seq_file *m);
void mt_test_exit(void);

/* debugfs (mt_debugfs.c). */
struct dentry;
int mt_debugfs_init(void);
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

#define MT_RESULT_MAX	256

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

__printf(2, 3) void mt_result(struct mt_cmd_ctx *ctx, const char *fmt, ...);
__printf(3, 4) int mt_refuse(struct mt_cmd_ctx *ctx, int err,
			     const char *fmt, ...);

#endif /* _MALLOC_TEST_H */
