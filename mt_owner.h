/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - the owners of chunks: the kept memory, each test
 * (mt_owner.c).
 */
#ifndef _MT_OWNER_H
#define _MT_OWNER_H

#include <linux/atomic.h>
#include <linux/seqlock.h>
#include <linux/types.h>

#include "mt_alloc.h"
#include "mt_lat.h"
#include "mt_pool.h"

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

/* What each allocator holds, every owner together. */
extern struct mt_totals mt_kind_totals[MT_NR_KINDS];
/* Chunks found corrupted, by every owner since load. */
extern atomic64_t mt_corruptions;
/* The check_content and realloc_p parameters; read with READ_ONCE(). */
extern bool mt_check_content;
extern unsigned int mt_realloc_p;

#endif /* _MT_OWNER_H */
