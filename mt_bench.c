// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - the benchmark: tight allocation loops on bound threads.
 *
 * A write to bench starts a run: one kernel thread per CPU asked, bound
 * there, released together.  Each runs three phases, each released only
 * once every thread is through the one before:
 *
 *	allocate: the allocator itself, count= iterations, or fewer when
 *		  time= passes first or on stop;
 *	harness:  as many iterations of the same loop, with a call to a
 *		  function that allocates nothing in place of each
 *		  allocation and free;
 *	bare:     as many iterations of a plain loop of the allocator's own
 *		  calls: no clock, no sampling, no check but a reschedule
 *		  between runs of MT_BENCH_CHECK_EVERY.
 *
 * The harness phase costs what the loop, the calls, the timing and the
 * recording cost, so that the allocator's own share can be told from
 * the tool's; the bare phase is what the allocator costs in the
 * simplest loop a kernel can write, which the bench's own loop is held
 * to (vs_bare_pct).  The loops are compiled once per allocator, the
 * allocator's call inlined in each, so that no dispatch is left in them.
 *
 * bulk=N (alloc=cache, pages) has the allocation and harness phases ask
 * N objects a call, kmem_cache_alloc_bulk() or alloc_pages_bulk(), and
 * give them back N a call (kmem_cache_free_bulk()) or one by one (pages:
 * a module has no bulk free of pages); the bare phase then makes the same
 * objects one call each, so that vs_bare_pct is bulk against single.
 *
 * pattern=remote pairs the threads: the first of each pair allocates and
 * passes each chunk through a ring (one writer at each end, no lock) to
 * the second, on another CPU, which frees it: every free is a remote
 * one, its latency the free histogram's.  Each phase has its own ring.
 *
 * Timing: one operation (batch, remote) or one pair (pair, random) in
 * sample=, on average, chosen at random, is timed with ktime_get_ns()
 * and recorded in the thread's own histograms; the rest run untimed, so
 * that recording costs a few percent of a cheap allocation at most
 * (Documentation has the figures).  sample=1 times every operation.
 *
 * A run is charged against max_bytes, before it starts, for all it may
 * hold at once: its chunks (a chunk per thread, or a batch), their slot
 * arrays, its threads and its cache (mt_bench_cost()).
 *
 * Lifetime: the run is mt_bench_cur, under mt_bench_lock.  The last
 * thread to finish queues the reaper, which stops the threads, frees what
 * the run used and publishes its state; a run's figures stay readable
 * until the next run starts.  A run is reference-counted: mt_bench_cur
 * holds a reference, and so does a stop waiting for it.  Stop sets
 * ->stopping and waits, killably and without the lock, for the reaper's
 * completion (the reaper takes no lock); the run is freed once its
 * reaper has returned (flush_work()) and its last reference is gone.
 */
#include "malloc_test.h"
#include "mt_alloc.h"
#include "mt_bench.h"
#include "mt_charge.h"
#include "mt_compat.h"
#include "mt_gfp.h"
#include "mt_lat.h"
#include "mt_rand.h"
#include "mt_trace.h"

#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/kref.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

/**
 * enum mt_bench_state - where a run is
 * @MT_BENCH_RUNNING: its threads run, or are being reaped
 * @MT_BENCH_DONE: it ran to its end; the figures are final
 * @MT_BENCH_STOPPED: stop, or the module's unload, ended it; likewise
 */
enum mt_bench_state {
	MT_BENCH_RUNNING,
	MT_BENCH_DONE,
	MT_BENCH_STOPPED,
};

/**
 * enum mt_bench_end - why a phase ended
 * @MT_END_COUNT: its count of iterations was done
 * @MT_END_TIME: its time= had passed
 * @MT_END_STOP: the run was stopping
 *
 * In this order of strength: a run's figures show the strongest reason
 * of any thread (&struct mt_bench_fig).
 */
enum mt_bench_end {
	MT_END_COUNT,
	MT_END_TIME,
	MT_END_STOP,
};

/**
 * enum mt_bench_hist - a thread's histograms
 * @MT_BH_ALLOC: the allocator's allocations
 * @MT_BH_FREE: the allocator's frees
 * @MT_BH_NOP_ALLOC: the harness phase's calls in place of allocations
 * @MT_BH_NOP_FREE: the harness phase's calls in place of frees
 * @MT_NR_BH: how many there are
 */
enum mt_bench_hist {
	MT_BH_ALLOC,
	MT_BH_FREE,
	MT_BH_NOP_ALLOC,
	MT_BH_NOP_FREE,
	MT_NR_BH,
};

/**
 * enum mt_bench_ph - the phases of a run
 * @MT_PH_HARNESS: the bench's loop with nothing allocated, run second
 * @MT_PH_ALLOC: the allocator in the bench's loop, run first
 * @MT_PH_BARE: a bare loop of the allocator's own calls, run last: the
 *	reference the bench's loop is held to (single calls with bulk=, frees
 *	at once with release=rcu: the same run then compares the two)
 * @MT_NR_PH: how many there are
 */
enum mt_bench_ph {
	MT_PH_HARNESS,
	MT_PH_ALLOC,
	MT_PH_BARE,
	MT_NR_PH,
};

static const char * const mt_bench_ph_names[MT_NR_PH] = {
	[MT_PH_HARNESS] = "harness",
	[MT_PH_ALLOC] = "alloc",
	[MT_PH_BARE] = "bare",
};

static const char * const mt_bench_state_names[] = {
	[MT_BENCH_RUNNING] = "running",
	[MT_BENCH_DONE] = "done",
	[MT_BENCH_STOPPED] = "stopped",
};

static const char * const mt_bench_end_names[] = {
	[MT_END_COUNT] = "count",
	[MT_END_TIME] = "time",
	[MT_END_STOP] = "stop",
};

static const char * const mt_bench_hist_names[MT_NR_BH] = {
	[MT_BH_ALLOC] = "alloc",
	[MT_BH_FREE] = "free",
	[MT_BH_NOP_ALLOC] = "harness_alloc",
	[MT_BH_NOP_FREE] = "harness_free",
};

/* Look at the clock and the stop flag, and reschedule, this often. */
#define MT_BENCH_CHECK_EVERY	64

/**
 * struct mt_bench_phase - what one thread did in one phase
 * @alloc_ops: allocations that succeeded
 * @free_ops: frees
 * @errors: allocations that failed
 * @start: when it began, ns
 * @end: when it ended, ns
 * @why: enum mt_bench_end
 */
struct mt_bench_phase {
	u64 alloc_ops;
	u64 free_ops;
	u64 errors;
	u64 start;
	u64 end;
	int why;
};

struct mt_bench;

/**
 * struct mt_bench_ring - pattern=remote: one pair's chunks in flight
 * @head: chunks pushed; the allocating thread's alone to write
 * @tail: chunks popped; the freeing thread's alone to write
 * @done: the allocating thread pushed its last; written with release
 * @slot: the chunks, at index (count % MT_BENCH_RING)
 *
 * Each end publishes its count with release and reads the other's with
 * acquire: a slot is written before @head passes it, read before @tail
 * does.
 */
struct mt_bench_ring {
	unsigned long head ____cacheline_aligned_in_smp;
	unsigned long tail ____cacheline_aligned_in_smp;
	bool done;
	void *slot[MT_BENCH_RING];
};

/**
 * struct mt_bench_thread - one thread of a run
 * @b: the run
 * @task: the thread
 * @cpu: where it is bound
 * @rnd: its random sizes and sampling
 * @slots: a batch's chunks, or a bulk call's
 * @ring: pattern=remote: its pair's ring in the current phase
 * @ph: the figures of each phase, enum mt_bench_ph
 * @hist: its histograms, enum mt_bench_hist
 *
 * The thread alone writes it while the run goes; others read it once
 * the thread is stopped.
 */
struct mt_bench_thread {
	struct mt_bench *b;
	struct task_struct *task;
	unsigned int cpu;
	struct rnd_state rnd;
	void **slots;
	struct mt_bench_ring *ring;
	struct mt_bench_phase ph[MT_NR_PH];
	struct mt_hist hist[MT_NR_BH];
};

/**
 * struct mt_bench_gate - where threads wait for one another
 * @arrived: threads at the gate
 * @open: completed by the last to arrive
 * @at: when it opened, ns
 */
struct mt_bench_gate {
	atomic_t arrived;
	struct completion open;
	u64 at;
};

/**
 * struct mt_bench - one run
 * @p: what was asked
 * @ref: mt_bench_cur's reference, and one per stop waiting for it
 * @own: what the run charged for itself, beside its chunks (@p.hold)
 * @bytes: what one chunk of the asked size counts
 * @gfp: the flags
 * @cache: the run's slab cache (alloc=cache, mempool)
 * @pool: alloc=mempool: the run's mempool, over @cache
 * @rings: pattern=remote: each pair's ring in each phase
 * @stopping: stop was asked, or the module is going
 * @state: enum mt_bench_state; written with release once the figures
 *	are final
 * @gate: the start of each phase
 * @peak: pattern=batch: where the threads, their chunks all allocated,
 *	wait for the kernel's figures to be read
 * @base_slab: Slab, bytes, as the run started
 * @base_free: MemFree, bytes, likewise
 * @peak_slab: Slab at @peak
 * @peak_free: MemFree at @peak
 * @idle_slab: Slab once the allocation phase is over, every chunk freed
 * @idle_free: MemFree then
 * @left: threads still running
 * @reap: stops the threads and frees what the run used
 * @done: completed by @reap
 * @nr: threads
 * @thr: the threads
 */
struct mt_bench {
	struct mt_bench_params p;
	struct kref ref;
	u64 own;
	u64 bytes;
	gfp_t gfp;
	struct kmem_cache *cache;
	mempool_t *pool;
	struct mt_bench_ring (*rings)[MT_NR_PH];
	bool stopping;
	int state;
	struct mt_bench_gate gate[MT_NR_PH];
	struct mt_bench_gate peak;
	u64 base_slab, base_free, peak_slab, peak_free, idle_slab, idle_free;
	atomic_t left;
	struct work_struct reap;
	struct completion done;
	unsigned int nr;
	struct mt_bench_thread *thr;
};

/* Protects mt_bench_cur, and serialises starting and stopping runs. */
static DEFINE_MUTEX(mt_bench_lock);
/* The running run, or the last one; NULL before the first. */
static struct mt_bench *mt_bench_cur;
/* Bytes charged against max_bytes by the running run. */
atomic64_t mt_bench_bytes;

/* ------------------------------------------------------------ loops --- */

/* The "allocator" of the harness phase: calls that allocate nothing. */
#define MT_BENCH_NOP	MT_NR_KINDS

static noinline void *mt_bench_nop_alloc(struct mt_bench *b)
{
	/* not NULL, not optimised away */
	return READ_ONCE(b->thr);
}

static noinline void mt_bench_nop_free(struct mt_bench *b, void *p)
{
	barrier();
}

/*
 * One allocation of @kind, a constant where this is inlined: each loop
 * below is compiled once per allocator, with the allocator's own call in
 * it (mt_alloc_call(), the owners' too; mempool_alloc() on the run's
 * pool) and no dispatch left, as a bare loop of that call would be.
 */
static __always_inline void *mt_bench_alloc(struct mt_bench *b,
					    unsigned int kind, u64 size)
{
	if (kind == MT_BENCH_NOP)
		return mt_bench_nop_alloc(b);
	if (kind == MT_MEMPOOL)
		return mempool_alloc(b->pool, b->gfp);
	return mt_alloc_call(kind, size, b->gfp, NUMA_NO_NODE, b->cache);
}

static __always_inline void mt_bench_free_now(struct mt_bench *b,
					      unsigned int kind, void *p,
					      u64 size)
{
	if (kind == MT_BENCH_NOP)
		mt_bench_nop_free(b, p);
	else if (kind == MT_MEMPOOL)
		mempool_free(p, b->pool);
	else
		mt_free_call(kind, p, size, b->cache);
}

/* The allocator phase's free: at once, or through RCU (release=rcu). */
static __always_inline void mt_bench_free(struct mt_bench *b,
					  unsigned int kind, void *p, u64 size)
{
	if (kind != MT_BENCH_NOP && b->p.release == MT_RELEASE_RCU)
		mt_free_rcu_call(kind, p);
	else
		mt_bench_free_now(b, kind, p, size);
}

/* The kernel's own figures, as /proc/meminfo's Slab and MemFree: bytes. */
static void mt_bench_mem(u64 *slab, u64 *free)
{
	*slab = (u64)(global_node_page_state_pages(NR_SLAB_RECLAIMABLE_B) +
		      global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B)) <<
		PAGE_SHIFT;
	*free = (u64)global_zone_page_state(NR_FREE_PAGES) << PAGE_SHIFT;
}

/*
 * A batch's peak: every thread has allocated its chunks.  The last to
 * get here reads the kernel's figures, the others wait for it; the wait
 * is not the phase's time (@ph->start moves past it).
 */
static void mt_bench_peak(struct mt_bench_thread *th,
			  struct mt_bench_phase *ph)
{
	struct mt_bench *b = th->b;
	u64 t0 = ktime_get_ns();

	if (atomic_inc_return(&b->peak.arrived) == b->nr) {
		mt_bench_mem(&b->peak_slab, &b->peak_free);
		complete_all(&b->peak.open);
	} else {
		/* TASK_IDLE: not a hung task, as at the phases' gates */
		wait_for_completion_state(&b->peak.open, TASK_IDLE);
	}
	ph->start += ktime_get_ns() - t0;
}

/* The gap to the next timed operation: 1 to 2k - 1, k on average. */
static u32 mt_bench_gap(struct mt_bench_thread *th, unsigned int k)
{
	/* random, so no stride aliases; scaled by a multiply, not a division */
	return k == 1 ? 1 :
		1 + reciprocal_scale(prandom_u32_state(&th->rnd), 2 * k - 1);
}

/*
 * Is this operation (or pair) to be timed?  @k: the run's sample=;
 * @skip: the loop's countdown to the next timed one, a local, so that it
 * stays in a register.
 */
static __always_inline bool mt_bench_sampled(struct mt_bench_thread *th,
					     unsigned int k, u32 *skip)
{
	if (likely(!k || --*skip))
		return false;
	*skip = mt_bench_gap(th, k);
	return true;
}

/*
 * One allocation, or one free, of @kind: timed into @h when it is the
 * sampled one (mt_bench_sampled(): @k, @skip).
 */
static __always_inline void *mt_bench_alloc_sampled(struct mt_bench_thread *th,
						    unsigned int kind, u64 size,
						    unsigned int k, u32 *skip,
						    struct mt_hist *h)
{
	void *p;
	u64 t0;

	if (!mt_bench_sampled(th, k, skip))
		return mt_bench_alloc(th->b, kind, size);
	t0 = ktime_get_ns();
	p = mt_bench_alloc(th->b, kind, size);
	if (p)
		mt_hist_add(h, ktime_get_ns() - t0);
	return p;
}

static __always_inline void mt_bench_free_sampled(struct mt_bench_thread *th,
						  unsigned int kind, void *p,
						  u64 size, unsigned int k,
						  u32 *skip, struct mt_hist *h)
{
	u64 t0;

	if (!mt_bench_sampled(th, k, skip)) {
		mt_bench_free(th->b, kind, p, size);
		return;
	}
	t0 = ktime_get_ns();
	mt_bench_free(th->b, kind, p, size);
	mt_hist_add(h, ktime_get_ns() - t0);
}

/*
 * Each MT_BENCH_CHECK_EVERY operations (@left counts down to it):
 * reschedule, and end the phase on stop or past @deadline.  Return: true
 * to end it, @ph->why set.
 */
static __always_inline bool mt_bench_check(struct mt_bench_thread *th,
					   struct mt_bench_phase *ph,
					   u32 *left, u64 deadline)
{
	if (likely(--*left))
		return false;
	*left = MT_BENCH_CHECK_EVERY;
	cond_resched();
	if (READ_ONCE(th->b->stopping)) {
		ph->why = MT_END_STOP;
		return true;
	}
	if (ktime_get_ns() >= deadline) {
		ph->why = MT_END_TIME;
		return true;
	}
	return false;
}

/*
 * One pair of allocator @kind, each call timed alone, recorded after: the
 * sampled iteration of mt_bench_pairs(), compiled once per allocator out
 * of the loop (the loop keeps few values alive, and none of these).
 * Return: the allocation succeeded.
 */
static __always_inline bool mt_bench_timed_pair(struct mt_bench_thread *th,
						unsigned int kind, u64 size)
{
	bool nop = kind == MT_BENCH_NOP;
	struct mt_bench *b = th->b;
	u64 t0, t1, t2;
	void *p;

	t0 = ktime_get_ns();
	p = mt_bench_alloc(b, kind, size);
	t1 = ktime_get_ns();
	if (!p)
		return false;
	mt_bench_free(b, kind, p, size);
	t2 = ktime_get_ns();
	mt_hist_add(&th->hist[nop ? MT_BH_NOP_ALLOC : MT_BH_ALLOC], t1 - t0);
	mt_hist_add(&th->hist[nop ? MT_BH_NOP_FREE : MT_BH_FREE], t2 - t1);
	return true;
}

/*
 * pair and random: allocate, free at once, count times.  An untimed
 * iteration reads no clock and tests nothing but two countdowns (one
 * with sample=0): that is what keeps the loop within a few percent of a
 * bare one.  @timed: the allocator's mt_bench_timed_pair().
 */
static __always_inline u64 mt_bench_pairs(struct mt_bench_thread *th,
					  struct mt_bench_phase *ph, u64 count,
					  u64 deadline, unsigned int kind,
					  bool random, bool sampling,
					  bool (*timed)(struct mt_bench_thread *th,
							u64 size))
{
	struct mt_bench *b = th->b;
	const unsigned int k = b->p.sample;
	const u64 fixed = b->p.size;
	u64 i, n = 0, size = fixed;
	u32 skip = 1, left = 1;
	void *p;

	for (i = 0; i < count; i++) {
		if (mt_bench_check(th, ph, &left, deadline))
			break;
		if (random)
			size = mt_rand_range(&th->rnd, 1, fixed);
		if (!sampling || likely(--skip)) {
			p = mt_bench_alloc(b, kind, size);
			if (likely(p)) {
				mt_bench_free(b, kind, p, size);
				n++;
			}
			continue;
		}
		skip = mt_bench_gap(th, k);
		n += timed(th, size);
	}
	ph->alloc_ops = n;
	ph->free_ops = n;
	ph->errors = i - n;
	return i;
}

/* batch: count allocations, then free them all, whatever happens. */
static __always_inline u64 mt_bench_batch(struct mt_bench_thread *th,
					  struct mt_bench_phase *ph, u64 count,
					  u64 deadline, unsigned int kind)
{
	struct mt_bench *b = th->b;
	bool nop = kind == MT_BENCH_NOP;
	struct mt_hist *ha = &th->hist[nop ? MT_BH_NOP_ALLOC : MT_BH_ALLOC];
	struct mt_hist *hf = &th->hist[nop ? MT_BH_NOP_FREE : MT_BH_FREE];
	unsigned int k = b->p.sample;
	u64 i, n, size = b->p.size;
	u32 skip = 1, left = 1;
	void *p;

	for (i = 0; i < count; i++) {
		if (mt_bench_check(th, ph, &left, deadline))
			break;
		p = mt_bench_alloc_sampled(th, kind, size, k, &skip, ha);
		th->slots[i] = p;
		ph->alloc_ops += !!p;
	}
	ph->errors = i - ph->alloc_ops;
	if (!nop)
		mt_bench_peak(th, ph);
	left = MT_BENCH_CHECK_EVERY;
	for (n = i, i = 0; i < n; i++) {
		p = th->slots[i];
		if (!p)
			continue;
		mt_bench_free_sampled(th, kind, p, size, k, &skip, hf);
		ph->free_ops++;
		if (!--left) {
			left = MT_BENCH_CHECK_EVERY;
			cond_resched();
		}
	}
	return n;
}

/*
 * bulk=: @n objects of @kind (alloc=cache, pages, the harness's no-op) in
 * one call into @p, which for pages is struct page pointers, NULL on
 * entry.  kmem_cache_alloc_bulk() gives all or none, alloc_pages_bulk()
 * the first so many; the slots past them are NULL.  Return: how many.
 */
static __always_inline unsigned int mt_bench_bulk_alloc(struct mt_bench *b,
							unsigned int kind,
							unsigned int n,
							void **p)
{
	unsigned int i;

	switch (kind) {
	case MT_CACHE:
		if (kmem_cache_alloc_bulk(b->cache, b->gfp, n, p))
			return n;
		/* what it had put there on the way is freed: forget it */
		memset(p, 0, n * sizeof(*p));
		return 0;
	case MT_PAGES:
		return mt_alloc_pages_bulk(b->gfp, n, (struct page **)p);
	default:
		p[0] = mt_bench_nop_alloc(b);
		for (i = 1; i < n; i++)
			p[i] = p[0];
		return n;
	}
}

/* Give back @n objects from mt_bench_bulk_alloc(); the slots go NULL. */
static __always_inline void mt_bench_bulk_free(struct mt_bench *b,
					       unsigned int kind,
					       unsigned int n, void **p)
{
	unsigned int i;

	switch (kind) {
	case MT_CACHE:
		kmem_cache_free_bulk(b->cache, n, p);
		break;
	case MT_PAGES:
		for (i = 0; i < n; i++)
			__free_page((struct page *)p[i]);
		break;
	default:
		mt_bench_nop_free(b, p[0]);
	}
	memset(p, 0, n * sizeof(*p));
}

/* mt_bench_bulk_alloc(), timed into @h when it is the sampled call. */
static __always_inline unsigned int
mt_bench_bulk_alloc_sampled(struct mt_bench_thread *th, unsigned int kind,
			    unsigned int n, void **p, unsigned int k, u32 *skip,
			    struct mt_hist *h)
{
	unsigned int got;
	u64 t0;

	if (!mt_bench_sampled(th, k, skip))
		return mt_bench_bulk_alloc(th->b, kind, n, p);
	t0 = ktime_get_ns();
	got = mt_bench_bulk_alloc(th->b, kind, n, p);
	if (got)
		mt_hist_add(h, ktime_get_ns() - t0);
	return got;
}

/* mt_bench_bulk_free(), timed into @h when it is the sampled call. */
static __always_inline void mt_bench_bulk_free_sampled(struct mt_bench_thread *th,
						       unsigned int kind,
						       unsigned int n, void **p,
						       unsigned int k, u32 *skip,
						       struct mt_hist *h)
{
	u64 t0;

	if (!mt_bench_sampled(th, k, skip)) {
		mt_bench_bulk_free(th->b, kind, n, p);
		return;
	}
	t0 = ktime_get_ns();
	mt_bench_bulk_free(th->b, kind, n, p);
	mt_hist_add(h, ktime_get_ns() - t0);
}

/*
 * bulk=: @count objects, bulk= a call; pair: each call's objects freed
 * at once, in one call; batch: all of them, then all the frees.  One
 * call in sample= timed, its histograms the calls'.  Return: the
 * objects asked.
 */
static __always_inline u64 mt_bench_bulks(struct mt_bench_thread *th,
					  struct mt_bench_phase *ph, u64 count,
					  u64 deadline, unsigned int kind,
					  bool batch)
{
	struct mt_bench *b = th->b;
	bool nop = kind == MT_BENCH_NOP;
	struct mt_hist *ha = &th->hist[nop ? MT_BH_NOP_ALLOC : MT_BH_ALLOC];
	struct mt_hist *hf = &th->hist[nop ? MT_BH_NOP_FREE : MT_BH_FREE];
	unsigned int k = b->p.sample, n, got;
	u32 skip = 1, left = 1;
	u64 i, j;
	void **p = th->slots;

	for (i = 0; i < count; i += n) {
		if (mt_bench_check(th, ph, &left, deadline))
			break;
		n = min_t(u64, b->p.bulk, count - i);
		if (batch)
			p = th->slots + i;
		got = mt_bench_bulk_alloc_sampled(th, kind, n, p, k, &skip, ha);
		ph->alloc_ops += got;
		if (batch || !got)
			continue;
		mt_bench_bulk_free_sampled(th, kind, got, p, k, &skip, hf);
		ph->free_ops += got;
	}
	ph->errors = i - ph->alloc_ops;
	if (batch && !nop)
		mt_bench_peak(th, ph);
	/* a batch's calls, as they were made: each one's got first */
	for (j = 0; batch && j < i; j += n) {
		n = min_t(u64, b->p.bulk, i - j);
		p = th->slots + j;
		for (got = 0; got < n && p[got]; got++)
			;
		if (!got)
			continue;
		mt_bench_bulk_free_sampled(th, kind, got, p, k, &skip, hf);
		ph->free_ops += got;
		cond_resched();
	}
	return i;
}

/* The bulk loops, one per kind and pattern, each compiled alone. */
static noinline u64 mt_bench_loop_bulk(struct mt_bench_thread *th,
				       struct mt_bench_phase *ph, u64 count,
				       u64 deadline, unsigned int kind)
{
	bool batch = th->b->p.pattern == MT_PATTERN_BATCH;

	switch (kind) {
	case MT_CACHE:
		return batch ?
			mt_bench_bulks(th, ph, count, deadline, MT_CACHE, true) :
			mt_bench_bulks(th, ph, count, deadline, MT_CACHE, false);
	case MT_PAGES:
		return batch ?
			mt_bench_bulks(th, ph, count, deadline, MT_PAGES, true) :
			mt_bench_bulks(th, ph, count, deadline, MT_PAGES, false);
	default:
		return batch ?
			mt_bench_bulks(th, ph, count, deadline, MT_BENCH_NOP,
				       true) :
			mt_bench_bulks(th, ph, count, deadline, MT_BENCH_NOP,
				       false);
	}
}

/* Wait a little for the other end of a ring; reschedule now and then. */
static __always_inline void mt_bench_ring_wait(u32 *spins)
{
	if (!(++*spins % 1024))
		cond_resched();
	else
		cpu_relax();
}

/*
 * remote: the pair's first thread allocates @count chunks and pushes each
 * into the ring; the second pops each and frees it, until the first is
 * done and the ring empty.  Timed (but @bare): one allocation in sample=
 * on the first, one free on the second, the remote free.
 */
static __always_inline u64 mt_bench_remote(struct mt_bench_thread *th,
					   struct mt_bench_phase *ph,
					   u64 count, u64 deadline,
					   unsigned int kind, bool bare)
{
	struct mt_bench *b = th->b;
	struct mt_bench_ring *r = th->ring;
	bool nop = kind == MT_BENCH_NOP;
	struct mt_hist *ha = &th->hist[nop ? MT_BH_NOP_ALLOC : MT_BH_ALLOC];
	struct mt_hist *hf = &th->hist[nop ? MT_BH_NOP_FREE : MT_BH_FREE];
	unsigned int k = bare ? 0 : b->p.sample;
	u64 i, n = 0, size = b->p.size;
	unsigned long head = 0, tail = 0;
	u32 skip = 1, left = 1, spins = 0;
	void *p;

	if (!((th - b->thr) & 1)) {
		for (i = 0; i < count; i++) {
			if (mt_bench_check(th, ph, &left, deadline))
				break;
			p = mt_bench_alloc_sampled(th, kind, size, k, &skip, ha);
			if (!p)
				continue;
			n++;
			/* room: the freeing thread has popped that slot */
			while (head - smp_load_acquire(&r->tail) >= MT_BENCH_RING)
				mt_bench_ring_wait(&spins);
			r->slot[head % MT_BENCH_RING] = p;
			/* the slot is written before head passes it */
			smp_store_release(&r->head, ++head);
		}
		ph->alloc_ops = n;
		ph->errors = i - n;
		/* after the last push: the freeing thread may end */
		smp_store_release(&r->done, true);
		return i;
	}
	for (;;) {
		/* pairs with the release of head: the slots up to it are set */
		head = smp_load_acquire(&r->head);
		if (head == tail) {
			/*
			 * pairs with the release of done, after the last
			 * push: one more look at head (the loop's next
			 * acquire reads what it passed), then none will come
			 */
			if (smp_load_acquire(&r->done) &&
			    READ_ONCE(r->head) == tail)
				break;
			mt_bench_ring_wait(&spins);
			continue;
		}
		for (; tail != head; n++) {
			p = r->slot[tail % MT_BENCH_RING];
			/* the slot is read: the allocating thread may reuse it */
			smp_store_release(&r->tail, ++tail);
			mt_bench_free_sampled(th, kind, p, size, k, &skip, hf);
			if (!--left) {
				left = MT_BENCH_CHECK_EVERY;
				cond_resched();
			}
		}
	}
	ph->free_ops = n;
	return n;
}

/*
 * The reference: @count pairs, or a batch of @count, of the allocator's
 * own calls, in a plain loop: no clock, no sampling, no check.  Only
 * between runs of MT_BENCH_CHECK_EVERY does it reschedule and look at the
 * stop flag, as any kernel loop of that length must.  The sizes are the
 * run's size, even for pattern=random.
 */
static __always_inline u64 mt_bench_bare(struct mt_bench_thread *th,
					 struct mt_bench_phase *ph, u64 count,
					 unsigned int kind, bool batch)
{
	struct mt_bench *b = th->b;
	u64 size = b->p.size, i = 0, n = 0, end;
	void *p;

	while (i < count) {
		end = min(count, i + MT_BENCH_CHECK_EVERY);
		if (batch) {
			for (; i < end; i++)
				th->slots[i] = mt_bench_alloc(b, kind, size);
		} else {
			for (; i < end; i++) {
				p = mt_bench_alloc(b, kind, size);
				if (likely(p)) {
					mt_bench_free_now(b, kind, p, size);
					n++;
				}
			}
		}
		cond_resched();
		if (READ_ONCE(b->stopping)) {
			ph->why = MT_END_STOP;
			break;
		}
	}
	if (batch) {
		for (end = i, i = 0; i < end; i++) {
			p = th->slots[i];
			if (!p)
				continue;
			mt_bench_free_now(b, kind, p, size);
			n++;
			if (!(i % MT_BENCH_CHECK_EVERY))
				cond_resched();
		}
		i = end;
	}
	ph->alloc_ops = n;
	ph->free_ops = n;
	ph->errors = i - n;
	return i;
}

/* One phase of allocator @kind, a constant where this is inlined. */
static __always_inline u64 mt_bench_loop(struct mt_bench_thread *th,
					 struct mt_bench_phase *ph, u64 count,
					 u64 deadline, unsigned int kind,
					 bool bare,
					 bool (*timed)(struct mt_bench_thread *th,
						       u64 size))
{
	u8 pattern = th->b->p.pattern;

	/* the bare loop of remote: no sampling, no clock but the deadline */
	if (pattern == MT_PATTERN_REMOTE)
		return mt_bench_remote(th, ph, count, bare ? U64_MAX : deadline,
				       kind, bare);
	if (bare)
		return mt_bench_bare(th, ph, count, kind,
				     pattern == MT_PATTERN_BATCH);
	if (pattern == MT_PATTERN_BATCH)
		return mt_bench_batch(th, ph, count, deadline, kind);
	/*
	 * Each its own loop, with nothing decided in it: a random size or
	 * not, sampling or not (sample=0).
	 */
	if (pattern == MT_PATTERN_RANDOM)
		return mt_bench_pairs(th, ph, count, deadline, kind, true,
				      th->b->p.sample, timed);
	if (th->b->p.sample)
		return mt_bench_pairs(th, ph, count, deadline, kind, false,
				      true, timed);
	return mt_bench_pairs(th, ph, count, deadline, kind, false, false,
			      timed);
}

/*
 * The loops of one allocator, compiled for it.  noinline: each stays a
 * function of its own, the size of a loop, rather than six of them
 * inlined into one.
 */
#define MT_BENCH_KIND(kind, name)					\
static const unsigned int mt_bench_kind_##name = (kind);		\
									\
static noinline bool mt_bench_timed_##name(struct mt_bench_thread *th,	\
					   u64 size)			\
{									\
	return mt_bench_timed_pair(th, mt_bench_kind_##name, size);	\
}									\
									\
static noinline u64 mt_bench_loop_##name(struct mt_bench_thread *th,	\
					 struct mt_bench_phase *ph,	\
					 u64 count, u64 deadline,	\
					 bool bare)			\
{									\
	const unsigned int k = mt_bench_kind_##name;			\
									\
	return bare ?							\
		mt_bench_loop(th, ph, count, deadline, k, true,		\
			      mt_bench_timed_##name) :			\
		mt_bench_loop(th, ph, count, deadline, k, false,	\
			      mt_bench_timed_##name);			\
}

MT_BENCH_KIND(MT_KMALLOC, kmalloc)
MT_BENCH_KIND(MT_VMALLOC, vmalloc)
MT_BENCH_KIND(MT_KVMALLOC, kvmalloc)
MT_BENCH_KIND(MT_PAGES, pages)
MT_BENCH_KIND(MT_CACHE, cache)
MT_BENCH_KIND(MT_PERCPU, percpu)
MT_BENCH_KIND(MT_KMALLOC_NOLOCK, kmalloc_nolock)
MT_BENCH_KIND(MT_PAGES_NOLOCK, pages_nolock)
MT_BENCH_KIND(MT_MEMPOOL, mempool)
MT_BENCH_KIND(MT_BENCH_NOP, nop)

/*
 * One phase, @which, of @count iterations at most.  Return: the
 * iterations done, failed allocations included.
 */
static u64 mt_bench_phase(struct mt_bench_thread *th, u64 count,
			  enum mt_bench_ph which)
{
	static u64 (* const loops[])(struct mt_bench_thread *th,
				     struct mt_bench_phase *ph, u64 count,
				     u64 deadline, bool bare) = {
		[MT_KMALLOC] = mt_bench_loop_kmalloc,
		[MT_VMALLOC] = mt_bench_loop_vmalloc,
		[MT_KVMALLOC] = mt_bench_loop_kvmalloc,
		[MT_PAGES] = mt_bench_loop_pages,
		[MT_CACHE] = mt_bench_loop_cache,
		[MT_PERCPU] = mt_bench_loop_percpu,
		[MT_KMALLOC_NOLOCK] = mt_bench_loop_kmalloc_nolock,
		[MT_PAGES_NOLOCK] = mt_bench_loop_pages_nolock,
		[MT_MEMPOOL] = mt_bench_loop_mempool,
		[MT_BENCH_NOP] = mt_bench_loop_nop,
	};
	struct mt_bench *b = th->b;
	struct mt_bench_phase *ph = &th->ph[which];
	unsigned int kind = which == MT_PH_HARNESS ? MT_BENCH_NOP : b->p.kind;
	u64 deadline, n;

	trace_bench_phase_start(mt_bench_ph_names[which],
				mt_alloc_names[b->p.kind],
				mt_pattern_names[b->p.pattern], b->p.size, count);
	if (b->rings)
		th->ring = &b->rings[(th - b->thr) / 2][which];
	ph->why = MT_END_COUNT;
	ph->start = ktime_get_ns();
	deadline = ph->start + (u64)b->p.time * NSEC_PER_SEC;
	/* bulk=: the bare loop makes the same objects one call each */
	if (b->p.bulk > 1 && which != MT_PH_BARE)
		n = mt_bench_loop_bulk(th, ph, count, deadline, kind);
	else
		n = loops[kind](th, ph, count, deadline, which == MT_PH_BARE);
	ph->end = ktime_get_ns();
	trace_bench_phase_end(mt_bench_ph_names[which], ph->alloc_ops,
			      ph->free_ops, ph->errors, ph->end - ph->start,
			      mt_bench_end_names[ph->why]);
	return n;
}

/* Wait until every thread is at @g. */
static void mt_bench_gate_pass(struct mt_bench *b, struct mt_bench_gate *g)
{
	if (atomic_inc_return(&g->arrived) == b->nr) {
		/*
		 * The allocation phase's end: every chunk freed, what the
		 * slab allocator keeps for later (sheaves, partial slabs)
		 */
		if (g == &b->gate[1])
			mt_bench_mem(&b->idle_slab, &b->idle_free);
		g->at = ktime_get_ns();
		complete_all(&g->open);
		return;
	}
	/* no signal reaches a kernel thread; TASK_IDLE: not a hung task */
	wait_for_completion_state(&g->open, TASK_IDLE);
}

static int mt_bench_thread_fn(void *arg)
{
	struct mt_bench_thread *th = arg;
	struct mt_bench *b = th->b;
	u64 n;

	mt_bench_gate_pass(b, &b->gate[0]);
	n = mt_bench_phase(th, b->p.count, MT_PH_ALLOC);
	/* the harness: as many iterations, once every thread is through */
	mt_bench_gate_pass(b, &b->gate[1]);
	mt_bench_phase(th, n, MT_PH_HARNESS);
	/* and the bare loop of the allocator's calls, as many */
	mt_bench_gate_pass(b, &b->gate[2]);
	mt_bench_phase(th, n, MT_PH_BARE);

	if (atomic_dec_and_test(&b->left))
		queue_work(mt_system_dfl_wq, &b->reap);
	/* the reaper stops it */
	set_current_state(TASK_IDLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_IDLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* ------------------------------------------------------------- runs --- */

/* What a bench thread costs beside its stack: its task, estimated. */
#define MT_BENCH_TASK_BYTES	SZ_16K

/**
 * mt_bench_cost() - what a run is charged, beside its chunks
 * @p: the run, checked; @p->hold is what its chunks may cost at once
 *
 * Its slot arrays (batch) or rings (remote), the run and its threads'
 * figures, each thread's stack and task, its slab cache.
 *
 * Return: bytes; U64_MAX when that overflows.
 */
u64 mt_bench_cost(const struct mt_bench_params *p)
{
	u64 slots = 0, thr, cost;

	if (p->pattern == MT_PATTERN_BATCH &&
	    check_mul_overflow(mt_footprint_max(MT_KVMALLOC,
						p->count * sizeof(void *)),
			       (u64)p->threads, &slots))
		return U64_MAX;
	if (p->pattern == MT_PATTERN_REMOTE)
		slots = mt_footprint_max(MT_KVMALLOC, p->threads / 2 *
					 sizeof(struct mt_bench_ring[MT_NR_PH]));
	if (p->pattern != MT_PATTERN_BATCH && p->bulk > 1)
		slots = p->threads * mt_footprint_max(MT_KVMALLOC, p->bulk *
						      sizeof(void *));
	thr = mt_footprint_max(MT_KVMALLOC, (u64)p->threads *
			       sizeof(struct mt_bench_thread));
	cost = slots + thr + kmalloc_size_roundup(sizeof(struct mt_bench)) +
	       (u64)p->threads * (THREAD_SIZE + MT_BENCH_TASK_BYTES);
	if (p->kind == MT_CACHE || p->kind == MT_MEMPOOL)
		cost += mt_cache_overhead(p->size);
	if (p->kind == MT_MEMPOOL)
		cost += mt_mempool_overhead(p->size, p->reserve);
	return cost;
}

/* Free what a run used but its figures; the charge goes back. */
static void mt_bench_release(struct mt_bench *b)
{
	unsigned int i;

	for (i = 0; i < b->p.threads; i++) {
		kvfree(b->thr[i].slots);
		b->thr[i].slots = NULL;
	}
	kvfree(b->rings);
	b->rings = NULL;
	mempool_destroy(b->pool);
	b->pool = NULL;
	if (b->cache)
		atomic_dec(&mt_nr_caches);
	kmem_cache_destroy(b->cache);
	b->cache = NULL;
	/* what went through RCU may be the kernel's a while yet */
	if (b->p.release == MT_RELEASE_RCU)
		mt_rcu_keep(b->p.hold, mt_urgent(b->p.kind, b->gfp));
	else
		mt_reserve_give(NULL, b->p.hold, mt_urgent(b->p.kind, b->gfp));
	mt_uncharge(b->own);
	atomic64_sub(b->p.hold + b->own, &mt_bench_bytes);
	b->p.hold = 0;
	b->own = 0;
}

/* Did stop cut the run short?  Some thread's phase ended by it. */
static bool mt_bench_was_stopped(const struct mt_bench *b)
{
	unsigned int i;

	for (i = 0; i < b->nr; i++)
		if (b->thr[i].ph[MT_PH_HARNESS].why == MT_END_STOP ||
		    b->thr[i].ph[MT_PH_ALLOC].why == MT_END_STOP ||
		    b->thr[i].ph[MT_PH_BARE].why == MT_END_STOP)
			return true;
	return false;
}

static void mt_bench_reap(struct work_struct *work)
{
	struct mt_bench *b = container_of(work, struct mt_bench, reap);
	unsigned int i;

	for (i = 0; i < b->nr; i++)
		kthread_stop(b->thr[i].task);
	mt_bench_release(b);
	/* pairs with the acquires of readers: the figures are final */
	smp_store_release(&b->state, mt_bench_was_stopped(b) ?
			  MT_BENCH_STOPPED : MT_BENCH_DONE);
	complete_all(&b->done);
}

static void mt_bench_free_run(struct kref *ref)
{
	struct mt_bench *b = container_of(ref, struct mt_bench, ref);

	kvfree(b->thr);
	kfree(b);
}

static void mt_bench_run_put(struct mt_bench *b)
{
	kref_put(&b->ref, mt_bench_free_run);
}

/* Create a run and its threads, not started.  Return: it, or NULL. */
static struct mt_bench *mt_bench_create(const struct mt_bench_params *p)
{
	struct mt_bench_thread *th;
	struct mt_bench *b;
	unsigned int i, h;
	char name[40];

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return NULL;
	b->thr = kvcalloc(p->threads, sizeof(*b->thr), GFP_KERNEL);
	if (!b->thr)
		goto out_free;
	b->p = *p;
	b->p.hold = 0;		/* nothing charged yet */
	kref_init(&b->ref);
	b->bytes = mt_chunk_bytes(p->kind, p->size);
	b->gfp = mt_gfp_flags(p->gfp);
	for (i = 0; i < ARRAY_SIZE(b->gate); i++) {
		atomic_set(&b->gate[i].arrived, 0);
		init_completion(&b->gate[i].open);
	}
	atomic_set(&b->peak.arrived, 0);
	init_completion(&b->peak.open);
	INIT_WORK(&b->reap, mt_bench_reap);
	init_completion(&b->done);

	if (p->pattern == MT_PATTERN_REMOTE) {
		b->rings = kvcalloc(p->threads / 2, sizeof(*b->rings),
				    GFP_KERNEL);
		if (!b->rings)
			goto out_release;
	}
	if (p->kind == MT_CACHE || p->kind == MT_MEMPOOL) {
		snprintf(name, sizeof(name), "malloc_test_bench_%llu", p->size);
		b->cache = p->sheaf ?
			mt_kmem_cache_create_sheaves(name, p->size, p->sheaf) :
			mt_kmem_cache_create_unmerged(name, p->size);
		if (!b->cache)
			goto out_release;
		atomic_inc(&mt_nr_caches);
	}
	/* the in-tree way: a slab pool, its elements the kernel's calls */
	if (p->kind == MT_MEMPOOL) {
		b->pool = mempool_create_slab_pool(p->reserve, b->cache);
		if (!b->pool)
			goto out_release;
	}
	for (i = 0; i < p->threads; i++) {
		th = &b->thr[i];
		th->b = b;
		prandom_seed_state(&th->rnd, mt_seed_for(U32_MAX + (u64)i));
		for (h = 0; h < MT_NR_BH; h++)
			mt_hist_init(&th->hist[h]);
		if (p->pattern != MT_PATTERN_BATCH && p->bulk <= 1)
			continue;
		th->slots = kvcalloc(p->pattern == MT_PATTERN_BATCH ? p->count :
				     p->bulk, sizeof(void *), GFP_KERNEL);
		if (!th->slots)
			goto out_release;
	}
	return b;

out_release:
	mt_bench_release(b);
	kvfree(b->thr);
out_free:
	kfree(b);
	return NULL;
}

/*
 * Create the run's threads, bound to their CPUs, not woken yet.  With
 * the CPU hotplug lock held.  Return: 0 or -ENOMEM, with none left.
 */
static int mt_bench_spawn(struct mt_bench *b)
{
	struct mt_bench_thread *th;
	unsigned int i, cpu = b->p.cpu;

	for (i = 0; i < b->p.threads; i++) {
		th = &b->thr[i];
		th->cpu = cpu;
		/* not kthread_run_on_cpu(): woken together, once all exist */
		th->task = kthread_create_on_cpu(mt_bench_thread_fn, th, cpu,
						 "mt_bench/%u");
		if (IS_ERR(th->task))
			goto out_stop;
		b->nr++;
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
	}
	atomic_set(&b->left, b->nr);
	return 0;

out_stop:
	/* never woken: kthread_stop() keeps them from running at all */
	for (i = 0; i < b->nr; i++)
		kthread_stop(b->thr[i].task);
	b->nr = 0;
	return -ENOMEM;
}

/**
 * mt_bench_start() - start a run
 * @p: what to run, already checked; @p->hold, what its chunks may cost
 *	at once
 * @cpus: set to the CPUs of its threads, as a list ("0-3,6")
 * @len: size of @cpus
 *
 * Context: process context; takes mt_bench_lock, and waits for the
 * last run's threads to be reaped.
 *
 * Return: 0; -EBUSY while a run goes; -ENOSPC when the run's chunks and
 * mt_bench_cost() would pass max_bytes (or its chunks max_atomic_bytes);
 * -EAGAIN when CPUs went offline since @p was checked; -ENOMEM.
 */
int mt_bench_start(const struct mt_bench_params *p, char *cpus, size_t len)
{
	struct mt_bench *b, *old;
	cpumask_var_t mask;
	u64 own = mt_bench_cost(p);
	unsigned int i;
	int ret = 0;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	mutex_lock(&mt_bench_lock);
	old = mt_bench_cur;
	/* pairs with the release in the reaper */
	if (old && smp_load_acquire(&old->state) == MT_BENCH_RUNNING) {
		ret = -EBUSY;
		goto out_unlock;
	}
	if (!mt_charge(own)) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	if (!mt_reserve_take(NULL, p->hold, mt_urgent(p->kind, mt_gfp_flags(p->gfp)))) {
		mt_uncharge(own);
		ret = -ENOSPC;
		goto out_unlock;
	}
	b = mt_bench_create(p);
	if (!b) {
		mt_reserve_give(NULL, p->hold,
				mt_urgent(p->kind, mt_gfp_flags(p->gfp)));
		mt_uncharge(own);
		ret = -ENOMEM;
		goto out_unlock;
	}
	b->p.hold = p->hold;
	b->own = own;
	atomic64_add(p->hold + own, &mt_bench_bytes);
	/* the last run: its reaper done, freed before the hotplug lock */
	if (old) {
		flush_work(&old->reap);
		mt_bench_cur = NULL;
		mt_bench_run_put(old);
	}
	/* the threads' CPUs stay online until they are bound and woken */
	cpus_read_lock();
	if (p->threads > num_online_cpus() || !cpu_online(p->cpu))
		ret = -EAGAIN;
	else
		ret = mt_bench_spawn(b);
	if (ret) {
		cpus_read_unlock();
		mt_bench_release(b);
		mt_bench_run_put(b);
		goto out_unlock;
	}
	mt_bench_cur = b;
	mt_bench_mem(&b->base_slab, &b->base_free);
	for (i = 0; i < b->nr; i++) {
		cpumask_set_cpu(b->thr[i].cpu, mask);
		wake_up_process(b->thr[i].task);
	}
	cpus_read_unlock();
	scnprintf(cpus, len, "%*pbl", cpumask_pr_args(mask));

out_unlock:
	mutex_unlock(&mt_bench_lock);
	free_cpumask_var(mask);
	return ret;
}

/**
 * mt_bench_stop() - end the running run, and wait until it has ended
 *
 * Context: process context; takes mt_bench_lock to find the run, then
 * waits, killably and without the lock, until it has ended.
 *
 * Return: MT_BENCH_STOP_STOPPED when it cut a run short;
 * MT_BENCH_STOP_NONE when no run was going, or the run ended by itself
 * meanwhile; -EINTR when a fatal signal came first (the run ends all
 * the same).
 */
int mt_bench_stop(void)
{
	struct mt_bench *b;
	int ret;

	mutex_lock(&mt_bench_lock);
	b = mt_bench_cur;
	/* pairs with the release in the reaper */
	if (!b || smp_load_acquire(&b->state) != MT_BENCH_RUNNING) {
		mutex_unlock(&mt_bench_lock);
		return MT_BENCH_STOP_NONE;
	}
	WRITE_ONCE(b->stopping, true);
	kref_get(&b->ref);
	mutex_unlock(&mt_bench_lock);

	/* the reaper takes no lock */
	if (wait_for_completion_killable(&b->done))
		ret = -EINTR;
	/* pairs with the release in the reaper */
	else if (smp_load_acquire(&b->state) == MT_BENCH_STOPPED)
		ret = MT_BENCH_STOP_STOPPED;
	else
		ret = MT_BENCH_STOP_NONE;
	mt_bench_run_put(b);
	return ret;
}

/**
 * mt_bench_exit() - stop the running run and free the last one
 *
 * Context: process context, at unload, when no file is open; takes
 * mt_bench_lock.
 */
void mt_bench_exit(void)
{
	struct mt_bench *b;

	mutex_lock(&mt_bench_lock);
	b = mt_bench_cur;
	mt_bench_cur = NULL;
	mutex_unlock(&mt_bench_lock);
	if (!b)
		return;
	WRITE_ONCE(b->stopping, true);
	wait_for_completion(&b->done);
	flush_work(&b->reap);
	mt_bench_run_put(b);
}

/* --------------------------------------------------------- figures --- */

/**
 * struct mt_bench_fig - a phase's figures, all threads together
 * @ops: allocations and frees
 * @alloc_ops: allocations
 * @free_ops: frees
 * @errors: failed allocations
 * @busy: the threads' times added, ns
 * @why: why it ended: the strongest reason of any thread
 */
struct mt_bench_fig {
	u64 ops, alloc_ops, free_ops, errors, busy;
	int why;
};

static void mt_bench_sum(const struct mt_bench *b, unsigned int phase,
			 struct mt_bench_fig *f)
{
	const struct mt_bench_phase *ph;
	unsigned int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < b->nr; i++) {
		ph = &b->thr[i].ph[phase];
		f->alloc_ops += ph->alloc_ops;
		f->free_ops += ph->free_ops;
		f->errors += ph->errors;
		f->busy += ph->end - ph->start;
		f->why = max(f->why, ph->why);
	}
	f->ops = f->alloc_ops + f->free_ops;
}

static u64 mt_div(u64 a, u64 b)
{
	return b ? div64_u64(a, b) : 0;
}

/* Per second, from @ops in @ns. */
static u64 mt_rate(u64 ops, u64 ns)
{
	return ns ? mul_u64_u64_div_u64(ops, NSEC_PER_SEC, ns) : 0;
}

static void mt_bench_show_hist(struct seq_file *m, const char *name,
			       const struct mt_hist *h)
{
	static const char * const pct[MT_NR_PCTS] = {
		"p50", "p90", "p99", "p999",
	};
	struct mt_hist_sum s;
	unsigned int i;

	mt_hist_summarize(h, &s);
	seq_printf(m, "%s_samples: %llu\n", name, s.count);
	seq_printf(m, "%s_mean_ns: %llu\n", name, s.mean);
	seq_printf(m, "%s_min_ns: %llu\n", name, s.min);
	for (i = 0; i < MT_NR_PCTS; i++)
		seq_printf(m, "%s_%s_ns: %llu\n", name, pct[i], s.pct[i]);
	seq_printf(m, "%s_max_ns: %llu\n", name, s.max);
}

/* Merge every thread's histogram @which into @h. */
static void mt_bench_merge(const struct mt_bench *b, unsigned int which,
			   struct mt_hist *h)
{
	unsigned int i;

	mt_hist_init(h);
	for (i = 0; i < b->nr; i++)
		mt_hist_merge(h, &b->thr[i].hist[which]);
}

static void mt_bench_print(struct seq_file *m, struct mt_bench *b,
			   struct mt_hist *h)
{
	/* pairs with the release in the reaper */
	int state = smp_load_acquire(&b->state);
	bool final = state != MT_BENCH_RUNNING, peak;
	struct mt_bench_fig f[MT_NR_PH] = {};
	const struct mt_bench_phase *ph;
	u64 elapsed = 0, per_op, harness, bare;
	unsigned int i;
	char gfp[96];

	if (final) {
		for (i = 0; i < MT_NR_PH; i++)
			mt_bench_sum(b, i, &f[i]);
		for (i = 0; i < b->nr; i++)
			elapsed = max(elapsed, b->thr[i].ph[MT_PH_ALLOC].end);
		elapsed -= min(elapsed, b->gate[0].at);
	}
	seq_printf(m, "state: %s\n", mt_bench_state_names[state]);
	seq_printf(m, "end: %s\n",
		   final ? mt_bench_end_names[f[MT_PH_ALLOC].why] : "-");
	seq_printf(m, "alloc: %s\n", mt_alloc_names[b->p.kind]);
	seq_printf(m, "size: %llu\n", b->p.size);
	seq_printf(m, "count: %llu\n", b->p.count);
	seq_printf(m, "threads: %u\n", b->nr);
	seq_printf(m, "pattern: %s\n", mt_pattern_names[b->p.pattern]);
	mt_gfp_print(gfp, sizeof(gfp), b->p.gfp);
	seq_printf(m, "gfp: %s\n", gfp);
	seq_printf(m, "sample: %u\n", b->p.sample);
	seq_printf(m, "time_s: %u\n", b->p.time);
	seq_printf(m, "bulk: %u\n", b->p.bulk);
	seq_printf(m, "sheaf: %u\n", b->p.sheaf);
	seq_printf(m, "release: %s\n", mt_release_names[b->p.release]);
	seq_printf(m, "reserve: %u\n", b->p.reserve);
	seq_puts(m, "cpus: ");
	for (i = 0; i < b->nr; i++)
		seq_printf(m, "%s%u", i ? "," : "", b->thr[i].cpu);
	seq_putc(m, '\n');

	per_op = mt_div(f[MT_PH_ALLOC].busy, f[MT_PH_ALLOC].ops);
	harness = mt_div(f[MT_PH_HARNESS].busy, f[MT_PH_HARNESS].ops);
	bare = mt_div(f[MT_PH_BARE].busy, f[MT_PH_BARE].ops);
	seq_printf(m, "elapsed_ns: %llu\n", elapsed);
	seq_printf(m, "ops: %llu\n", f[MT_PH_ALLOC].ops);
	seq_printf(m, "alloc_ops: %llu\n", f[MT_PH_ALLOC].alloc_ops);
	seq_printf(m, "free_ops: %llu\n", f[MT_PH_ALLOC].free_ops);
	seq_printf(m, "errors: %llu\n", f[MT_PH_ALLOC].errors);
	seq_printf(m, "ops_per_sec: %llu\n",
		   mt_rate(f[MT_PH_ALLOC].ops, elapsed));
	seq_printf(m, "ns_per_op: %llu\n", per_op);
	seq_printf(m, "harness_ns_per_op: %llu\n", harness);
	seq_printf(m, "harness_pct: %llu\n", mt_div(100 * harness, per_op));
	for (i = 0; i < MT_NR_BH; i++) {
		if (final)
			mt_bench_merge(b, i, h);
		else
			mt_hist_init(h);
		mt_bench_show_hist(m, mt_bench_hist_names[i], h);
	}
	for (i = 0; i < b->nr; i++) {
		ph = &b->thr[i].ph[MT_PH_ALLOC];
		seq_printf(m, "thread%u_cpu: %u\n", i, b->thr[i].cpu);
		seq_printf(m, "thread%u_ops: %llu\n", i,
			   final ? ph->alloc_ops + ph->free_ops : 0);
		seq_printf(m, "thread%u_elapsed_ns: %llu\n", i,
			   final ? ph->end - ph->start : 0);
		seq_printf(m, "thread%u_ops_per_sec: %llu\n", i,
			   final ? mt_rate(ph->alloc_ops + ph->free_ops,
					   ph->end - ph->start) : 0);
	}
	/* the bare loop of the same calls, and the bench's loop against it */
	seq_printf(m, "bare_ops: %llu\n", f[MT_PH_BARE].ops);
	seq_printf(m, "bare_ns_per_op: %llu\n", bare);
	seq_printf(m, "vs_bare_pct: %llu\n", mt_div(100 * per_op, bare));
	/*
	 * batch: what the run held at its peak, as the module counts it and
	 * as the kernel shows it (Slab's rise, MemFree's drop since the
	 * start; 0 where it fell, rose)
	 */
	peak = final && b->p.pattern == MT_PATTERN_BATCH;
	seq_printf(m, "peak_held_bytes: %llu\n",
		   peak ? f[MT_PH_ALLOC].alloc_ops * b->bytes : 0);
	seq_printf(m, "peak_slab_bytes: %llu\n", peak && b->peak_slab >
		   b->base_slab ? b->peak_slab - b->base_slab : 0);
	seq_printf(m, "peak_free_drop_bytes: %llu\n", peak && b->base_free >
		   b->peak_free ? b->base_free - b->peak_free : 0);
	/* and once all is freed: what the allocator keeps, idle */
	seq_printf(m, "idle_slab_bytes: %llu\n", peak && b->idle_slab >
		   b->base_slab ? b->idle_slab - b->base_slab : 0);
}

/**
 * mt_bench_show() - print the running or last run's figures
 * @m: where
 *
 * Context: process context; takes mt_bench_lock.
 *
 * Return: 0, or -ENOMEM.
 */
int mt_bench_show(struct seq_file *m)
{
	struct mt_hist *h = kmalloc(sizeof(*h), GFP_KERNEL);

	if (!h)
		return -ENOMEM;
	mutex_lock(&mt_bench_lock);
	if (mt_bench_cur)
		mt_bench_print(m, mt_bench_cur, h);
	else
		seq_puts(m, "state: idle\n");
	mutex_unlock(&mt_bench_lock);
	kfree(h);
	return 0;
}

/**
 * mt_bench_show_latency() - print the last run's histograms
 * @m: where
 *
 * Empty before the first run; all zero while a run goes.
 *
 * Context: process context; takes mt_bench_lock.
 *
 * Return: 0, or -ENOMEM.
 */
int mt_bench_show_latency(struct seq_file *m)
{
	struct mt_hist *h = kmalloc(sizeof(*h), GFP_KERNEL);
	struct mt_bench *b;
	unsigned int i;

	if (!h)
		return -ENOMEM;
	mutex_lock(&mt_bench_lock);
	b = mt_bench_cur;
	for (i = 0; b && i < MT_NR_BH; i++) {
		/* pairs with the release in the reaper */
		if (smp_load_acquire(&b->state) != MT_BENCH_RUNNING)
			mt_bench_merge(b, i, h);
		else
			mt_hist_init(h);
		mt_hist_show(m, mt_bench_hist_names[i], h);
	}
	mutex_unlock(&mt_bench_lock);
	kfree(h);
	return 0;
}
