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
 * struct mt_counts - what one owner, or several, hold, per allocator
 * @bytes: bytes held, in the pool or in flight in a resize, as the chunks
 *	count them (their size as asked; see mt_chunk_bytes())
 * @charged: their footprint (mt_footprint()), charged against max_bytes
 * @chunks: chunks held
 *
 * An owner's are the one record of what it holds; what a class of
 * owners, or the module, holds is their sum, made when it is read
 * (mt_owner_add_counts()).
 */
struct mt_counts {
	u64 bytes[MT_NR_KINDS];
	u64 charged[MT_NR_KINDS];
	u64 chunks[MT_NR_KINDS];
};

/**
 * struct mt_owner - a holder of chunks: the kept memory or one test
 * @pool: its chunks
 * @counts: what it holds, per allocator
 * @corruptions: chunks found corrupted when checked at free or resize
 * @off_node: chunks asked of a node that came from another
 * @resizing: chunks out of the pool for a resize (mt_owner_free_all()
 *	waits for them)
 * @put_back: resizes done, for mt_owner_free_all()
 * @stat_lock: serialises the writers of @counts, @allocated and @freed
 *	(an allocation, a resize, a free, chunk by chunk), and lets their
 *	readers see them consistent
 * @allocated: footprint the kernel gave: chunks, and what resizes added
 * @freed: footprint the kernel took back: chunks, and what resizes
 *	really gave back; @allocated - @freed = the footprint held
 * @caches: its dedicated slab caches (alloc=cache)
 * @lat: where its allocations, resizes and frees are timed; NULL when
 *	they are not (kept memory)
 * @rcu: its chunks are released through RCU (a test's release=rcu),
 *	those whose allocator can (mt_free_rcu_call()); set before use
 * @name: how the log names it
 *
 * One seqlock write per chunk updates the owner's own figures, on its own
 * cache lines: no module-wide counter but the charge against max_bytes.
 * A seqlock_t rather than u64_stats_sync, which assumes one writer (per
 * CPU): an owner's writers are many (commands from several processes, a
 * test's work and its timer), so they need its spinlock, and its readers
 * (stats, the tests' room checks, in any context) a consistent record.
 * @corruptions and @off_node, rare events, are atomics.
 */
struct mt_owner {
	struct mt_pool pool;
	struct mt_counts counts;	/* under @stat_lock */
	atomic64_t corruptions;
	atomic64_t off_node;
	atomic_t resizing;
	atomic_t put_back;
	seqlock_t stat_lock;
	u64 allocated;			/* under @stat_lock */
	u64 freed;			/* under @stat_lock */
	struct mt_caches caches;
	struct mt_lat __percpu *lat;
	bool rcu;
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
void mt_owner_add_counts(struct mt_owner *o, struct mt_counts *sum);
u64 mt_owner_bytes(struct mt_owner *o);
u64 mt_owner_chunks(struct mt_owner *o);
void mt_owner_init(struct mt_owner *o, const char *name, const char *tag,
		   enum mt_pool_order order, u64 seed);
void mt_owner_destroy(struct mt_owner *o);
int mt_owner_alloc(struct mt_owner *o, enum mt_alloc_kind kind, u64 bytes,
		   const struct mt_how *how, struct mt_reserve *res);
int mt_owner_alloc_bulk(struct mt_owner *o, enum mt_alloc_kind kind,
			u64 bytes, unsigned int n, const struct mt_how *how,
			void **slots);
int mt_owner_realloc_random(struct mt_owner *o, u64 want, u64 room,
			    bool shrink, const struct mt_how *how, s64 *diff);
u64 mt_owner_free_fit(struct mt_owner *o, u64 want, bool rcu);
u64 mt_owner_free_one(struct mt_owner *o, enum mt_free_policy how);
u64 mt_owner_free_all(struct mt_owner *o);

/* Chunks found corrupted, by every owner since load. */
extern atomic64_t mt_corruptions;
/* The check_content and realloc_p parameters; read with READ_ONCE(). */
extern bool mt_check_content;
extern unsigned int mt_realloc_p;

#endif /* _MT_OWNER_H */
