// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - timed tests.
 *
 * A test's hrtimer fires after a random interval in [min_int, max_int]
 * and re-arms itself.  In a ctx=work test (the default) all it does, in
 * hard interrupt context, is count the tick and queue the test's work;
 * the work, in process context, makes one allocation per tick (or,
 * realloc_p percent of the time, resizes one of the test's chunks).  In
 * a ctx=timer test the callback makes the allocation itself, with flags
 * that cannot sleep, of MT_TIMER_MAX_BYTES at most; in a ctx=softirq
 * test likewise, the timer a soft one, its callback run in softirq
 * context; a ctx=irqoff test's work makes each step with interrupts
 * disabled (local_irq_save()), with the same limits, a ctx=bhoff test's
 * with bottom halves disabled (local_bh_disable()); a ctx=nmi test's
 * callback has the allocator's call made in an NMI it raises on its own
 * CPU (mt_nmi.c), the rest of the step its own.  When the test
 * holds its total it frees by its policy (free=): everything, or chosen
 * chunks until a piece of MAX fits again.  That is the work's job in
 * every context, with interrupts enabled: a callback never frees in
 * bulk, and while the work frees, a ctx=timer, softirq or nmi test's
 * ticks allocate nothing (they are counted as skipped).
 * The work ends the test once total_time has passed, and serves no tick
 * past it.  A ctx=work test's ticks wait in ->ticks until the work serves
 * them; when the allocator is slower than the timer they pile up, and
 * those still there when the test ends are never served: the stats
 * report them as its backlog.
 *
 * cpu=N starts the timer on CPU N, pinned, and queues the work there.
 *
 * Each test has its directory, tests/ID/, with its stats and latency
 * files, made here under the directory mt_test_publish() is given.
 * A test's own memory (the test, its per-CPU histograms, its debugfs
 * files) is charged against max_bytes while it exists, and at most
 * max_tests tests exist at once.
 *
 * Lifetime: tests live in mt_tests under mt_tests_lock, which is held
 * only to find, add or remove one, and to print them: never while a test
 * is stopped or freed.  A test is reference-counted: mt_tests holds a
 * reference, and so does whoever stops it.  Stopping, under the test's
 * own ->stop_lock, sets ->stopping, which the timer and the work obey,
 * then cancels both: the timer first, as it queues the work, then the
 * work.  Destroying takes the test out of mt_tests first, so that nothing
 * else can find it, removes its debugfs directory (which waits for its
 * readers) and drops the reference; the last one stops the test and
 * frees it.
 */
#include "malloc_test.h"
#include "mt_alloc.h"
#include "mt_charge.h"
#include "mt_compat.h"
#include "mt_gfp.h"
#include "mt_lat.h"
#include "mt_memcg.h"
#include "mt_nmi.h"
#include "mt_owner.h"
#include "mt_pressure.h"
#include "mt_rand.h"
#include "mt_test.h"
#include "mt_trace.h"

#include <linux/bottom_half.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/numa.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/refcount.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/xarray.h>

/**
 * struct mt_test - one timed test
 * @id: its id, never reused while the module is loaded
 * @p: what mem_test_start asked for
 * @how: how it allocates: flags, node, context
 * @memcg: the memory cgroup gfp=account charges, the writer's; or NULL
 * @owner: the chunks it holds
 * @refs: mt_tests' reference, and one per stop in progress
 * @stop_lock: serialises stopping it
 * @overhead: what its own memory is charged
 * @timer: fires at each allocation time
 * @hmode: HRTIMER_MODE_SOFT for ctx=softirq, else 0
 * @work: makes the allocations
 * @ticks: ctx=work timer expirations the work has not served yet; once
 *	the test has ended, those it never served (its backlog)
 * @timer_rnd: random intervals; the timer callback's alone
 * @work_rnd: random sizes and choices; the work's alone
 * @start: when it started
 * @deadline: when it is to finish
 * @end: when it stopped or finished; valid once @state is not running
 * @state: enum mt_test_state; written with release semantics after @end
 * @stopping: set when it must stop; the timer and the work obey it
 * @releasing: it holds its total and its work frees; a ctx=timer or
 *	softirq test allocates nothing meanwhile
 * @dir: its debugfs directory
 * @gone: on mt_tests_gone once out of mt_tests, until its chunks are freed
 * @allocations: chunks allocated
 * @reallocs: chunks resized
 * @errors: allocations and resizes that failed
 * @overflows: times it reached its total and freed everything
 * @skipped: ctx=timer, softirq or nmi ticks that allocated nothing, as
 *	the work freed
 * @off_cpu: steps that ran on a CPU other than the one asked
 * @vm_start: the machine's reclaim and compaction events at @start
 * @vm_end: and at @end
 * @slots: bulk=: where an allocation step's bulk call puts its chunks;
 *	the step's alone
 *
 * The counters are written by the work or the timer, and by stop once
 * both are cancelled, and read by anyone.
 */
struct mt_test {
	u32 id;
	struct mt_test_params p;
	struct mt_how how;
	struct mem_cgroup *memcg;
	struct mt_owner owner;
	refcount_t refs;
	struct mutex stop_lock;	/* serialises stopping */
	u64 overhead;
	struct hrtimer timer;
	enum hrtimer_mode hmode;
	struct work_struct work;
	atomic64_t ticks;
	struct rnd_state timer_rnd;
	struct rnd_state work_rnd;
	ktime_t start;
	ktime_t deadline;
	ktime_t end;
	int state;
	bool stopping;
	bool releasing;
	struct dentry *dir;
	struct list_head gone;
	atomic64_t allocations;
	atomic64_t reallocs;
	atomic64_t errors;
	atomic64_t overflows;
	atomic64_t skipped;
	atomic64_t off_cpu;
	struct mt_vmstat vm_start;
	struct mt_vmstat vm_end;
	void *slots[];
};

/* Protects mt_tests, mt_last_id and mt_nr_tests. */
static DEFINE_MUTEX(mt_tests_lock);
/*
 * Tests out of mt_tests that may still hold chunks, until they are
 * freed: what they hold is still the module's (mt_test_counts()).
 * Under mt_tests_lock.
 */
static LIST_HEAD(mt_tests_gone);
/* Runs the tests' allocations in process context. */
static struct workqueue_struct *mt_test_wq;
/* tests/, once debugfs has it (mt_test_publish()); NULL before. */
static struct dentry *mt_tests_dir;

static struct dentry *mt_test_add_dir(u32 id);
static DEFINE_XARRAY_ALLOC1(mt_tests);
static u32 mt_last_id;
static unsigned int mt_nr_tests;

static unsigned int mt_max_tests = 64;

static int mt_max_tests_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 10, &v) || !v || v > 65536)
		return mt_param_refuse(kp, val, "a number from 1 to 65536");
	WRITE_ONCE(mt_max_tests, v);
	return 0;
}

static const struct kernel_param_ops mt_max_tests_ops = {
	.set = mt_max_tests_set,
	.get = param_get_uint,
};
module_param_cb(max_tests, &mt_max_tests_ops, &mt_max_tests, 0644);
MODULE_PARM_DESC(max_tests,
		 "The most tests that may exist at once, running or not (1-65536, default 64)");

/*
 * What a test's debugfs directory and its two files cost, estimated:
 * three dentries and inodes.
 */
#define MT_TEST_DEBUGFS_BYTES	(3 * 1024)

static const char * const mt_state_names[] = {
	[MT_TEST_RUNNING] = "running",
	[MT_TEST_STOPPED] = "stopped",
	[MT_TEST_FINISHED] = "finished",
};

static ktime_t mt_next_interval(struct mt_test *t, ktime_t now)
{
	u64 ms = mt_rand_range(&t->timer_rnd, t->p.min_int, t->p.max_int);

	return min(ms_to_ktime(ms), ktime_sub(t->deadline, now));
}

static void mt_test_step(struct mt_test *t);

static void mt_test_queue_work(struct mt_test *t)
{
	int cpu = mt_opts_cpu(&t->p.o);

	if (cpu >= 0)
		queue_work_on(cpu, mt_test_wq, &t->work);
	else
		queue_work(mt_test_wq, &t->work);
}

/* Is the work freeing?  Then a ctx=timer, softirq or nmi tick allocates nothing. */
static bool mt_test_releasing(struct mt_test *t)
{
	/* pairs with the work's release: its frees are done */
	return smp_load_acquire(&t->releasing);
}

static enum hrtimer_restart mt_test_timer(struct hrtimer *timer)
{
	struct mt_test *t = container_of(timer, struct mt_test, timer);
	ktime_t now, late;

	if (READ_ONCE(t->stopping))
		return HRTIMER_NORESTART;
	now = hrtimer_cb_get_time(timer);
	late = ktime_sub(now, hrtimer_get_expires(timer));
	mt_lat_record(t->owner.lat, MT_LAT_LATE, max_t(s64, late, 0));
	if (ktime_compare(now, t->deadline) >= 0) {
		mt_test_queue_work(t);		/* the work finishes the test */
		return HRTIMER_NORESTART;
	}
	if (t->p.o.ctx == MT_CTX_WORK || t->p.o.ctx == MT_CTX_IRQOFF ||
	    t->p.o.ctx == MT_CTX_BHOFF) {
		atomic64_inc(&t->ticks);
		mt_test_queue_work(t);
	} else if (mt_test_releasing(t)) {
		atomic64_inc(&t->skipped);
	} else {
		mt_test_step(t);
	}
	hrtimer_set_expires(timer, ktime_add(now, mt_next_interval(t, now)));
	return HRTIMER_RESTART;
}

/* Free everything the test holds. */
static void mt_test_free_all(struct mt_test *t)
{
	mt_owner_free_all(&t->owner);
}

/*
 * Can the test take one more piece?  free=all cuts the last piece to
 * what is left, so any room for the smallest chunk will do; the other
 * policies free until a whole piece of MAX fits, so that every piece has
 * the size drawn, and the test's sizes stay those asked.
 */
static bool mt_test_has_room(struct mt_test *t)
{
	u64 held = mt_owner_bytes(&t->owner);
	u64 room = held < t->p.total ? t->p.total - held : 0;

	if (t->p.o.free == MT_FREE_ALL)
		return mt_fit(t->p.o.kind, 1, room);
	return room >= mt_chunk_bytes(t->p.o.kind, t->p.max);
}

/*
 * The test holds its total: free by its policy, all of it or chosen
 * chunks until a piece of MAX fits again.  Process context.
 */
static void mt_test_release(struct mt_test *t)
{
	if (t->p.o.free == MT_FREE_ALL) {
		mt_test_free_all(t);
		return;
	}
	while (!mt_test_has_room(t))
		if (!mt_owner_free_one(&t->owner, t->p.o.free))
			break;
}

/* The test is full: count it and free, or have the work free. */
static void mt_test_full(struct mt_test *t)
{
	u64 n = atomic64_inc_return(&t->overflows);

	if (trace_test_overflow_enabled())
		trace_test_overflow(t->id, mt_owner_bytes(&t->owner), n);
	if (t->how.can_sleep) {
		mt_test_release(t);
		return;
	}
	/* pairs with the acquire in the timer: see the work's release */
	smp_store_release(&t->releasing, true);
	mt_test_queue_work(t);
}

/* The test is over: record when, free what it holds. */
static void mt_test_end(struct mt_test *t, enum mt_test_state state)
{
	mt_test_free_all(t);
	mt_caches_unpin(&t->owner.caches);
	t->end = ktime_get();
	mt_vmstat_read(&t->vm_end);
	trace_test_end(t->id, mt_state_names[state],
		       atomic64_read(&t->allocations),
		       atomic64_read(&t->reallocs), atomic64_read(&t->errors),
		       atomic64_read(&t->overflows),
		       ktime_to_ns(ktime_sub(t->end, t->start)));
	/* pairs with the acquires in stop and print: @end is set first */
	smp_store_release(&t->state, state);
}

/* Log, ratelimited, why an allocation or a resize of @size failed. */
static void mt_test_log_failure(struct mt_test *t, u64 size, int ret)
{
	static DEFINE_RATELIMIT_STATE(rs, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);
	const char *why = "the kernel refused";
	char memcg[MT_REASON_MAX];

	if (!__ratelimit(&rs))
		return;
	if (ret == -ENOSPC)
		why = "max_bytes or max_atomic_bytes reached";
	else if (ret == -ENOBUFS)
		why = "it holds as many chunks as it can";
	else if (ret == -ETIME)
		why = "the NMI did not come";
	else if (t->memcg && t->how.can_sleep &&
		 mt_memcg_explain(t->memcg, mt_footprint_max(t->p.o.kind, size),
				  memcg, sizeof(memcg)))
		why = memcg;	/* gfp=account, process context */
	/* the flags as the kernel's own allocation-failure reports spell them */
	pr_info("test %u: allocation of %llu bytes (%s, %pGg) failed: %s\n",
		t->id, size, mt_alloc_names[t->p.o.kind], &t->how.gfp, why);
}

/*
 * One allocation, or one resize, in the work (ctx=work; irqoff, with
 * interrupts disabled; bhoff, bottom halves) or the timer's callback (ctx=timer; softirq; nmi,
 * whose allocator call an NMI makes).
 */
static void mt_test_step(struct mt_test *t)
{
	u64 held = mt_owner_bytes(&t->owner);
	u64 room = held < t->p.total ? t->p.total - held : 0;
	u64 size = mt_rand_range(&t->work_rnd, t->p.min, t->p.max);
	unsigned int p = READ_ONCE(mt_realloc_p);
	int cpu = mt_opts_cpu(&t->p.o);
	const char *op = "alloc";
	u64 bytes, n;
	s64 diff;
	int ret;

	if (cpu >= 0 && raw_smp_processor_id() != cpu)
		atomic64_inc(&t->off_cpu);

	if (p && mt_owner_chunks(&t->owner) &&
	    prandom_u32_state(&t->work_rnd) % 100 < p) {
		ret = mt_owner_realloc_random(&t->owner, size, room, true,
					      &t->how, &diff);
		if (!ret) {
			atomic64_inc(&t->reallocs);
			op = "realloc";
			goto check_total;
		}
		if (ret != -E2BIG) {
			op = "realloc";
			goto fail;
		}
		/* that chunk's allocator cannot grow so far: allocate */
	}

	bytes = mt_fit(t->p.o.kind, size, room);
	if (!bytes) {
		/* not even the smallest piece fits: the test is full */
		mt_test_full(t);
		return;
	}
	/* bulk=: as many whole pieces of the size as fit, in one call */
	n = bytes == mt_chunk_bytes(t->p.o.kind, size) ?
	    min_t(u64, t->p.bulk, div64_u64(room, bytes)) : 1;
	if (n > 1) {
		ret = mt_owner_alloc_bulk(&t->owner, t->p.o.kind, bytes, n,
					  &t->how, t->slots);
		if (ret < 0) {
			/* each chunk asked counts: one below, the rest here */
			atomic64_add(n - 1, &t->errors);
			goto fail;
		}
		atomic64_add(ret, &t->allocations);
		atomic64_add(n - ret, &t->errors);
		goto check_total;
	}
	ret = mt_owner_alloc(&t->owner, t->p.o.kind, bytes, &t->how, NULL);
	if (ret)
		goto fail;
	atomic64_inc(&t->allocations);

check_total:
	if (trace_test_tick_enabled())
		trace_test_tick(t->id, op, size, mt_owner_bytes(&t->owner), 0);
	if (!mt_test_has_room(t))
		mt_test_full(t);
	return;

fail:
	atomic64_inc(&t->errors);
	trace_alloc_failed(t->id, mt_alloc_names[t->p.o.kind], size,
			   t->how.gfp, ret);
	if (trace_test_tick_enabled())
		trace_test_tick(t->id, op, size, mt_owner_bytes(&t->owner), ret);
	mt_test_log_failure(t, size, ret);
}

/*
 * Free what a full test asked the work to (mt_test_full()): the work's
 * alone, in process context, interrupts enabled.
 */
static void mt_test_release_pending(struct mt_test *t)
{
	if (!READ_ONCE(t->releasing))
		return;
	mt_test_release(t);
	/* the frees are done before the timer allocates again */
	smp_store_release(&t->releasing, false);
}

/*
 * A ctx=irqoff step: what a full test must free first, with interrupts
 * enabled, then the step with them disabled.  The work's alone.
 */
static void mt_test_step_irqoff(struct mt_test *t)
{
	unsigned long flags;

	mt_test_release_pending(t);
	local_irq_save(flags);
	mt_test_step(t);
	local_irq_restore(flags);
}

/*
 * ctx=bhoff: one step with bottom halves disabled, where vmalloc() with
 * atomic flags may run and vfree() defers its work (in_interrupt()).
 */
static void mt_test_step_bhoff(struct mt_test *t)
{
	mt_test_release_pending(t);
	local_bh_disable();
	mt_test_step(t);
	local_bh_enable();
}

static bool mt_test_past_deadline(struct mt_test *t)
{
	return ktime_compare(ktime_get(), t->deadline) >= 0;
}

static void mt_test_work(struct work_struct *work)
{
	struct mt_test *t = container_of(work, struct mt_test, work);
	struct mem_cgroup *old;
	s64 n;

	if (READ_ONCE(t->stopping))
		return;
	if (mt_test_past_deadline(t))
		goto finish;
	mt_test_release_pending(t);
	/* gfp=account charges the writer's cgroup, not the worker's */
	old = set_active_memcg(t->memcg);
	for (n = atomic64_xchg(&t->ticks, 0); n > 0; n--) {
		/* unserved ticks stay in the backlog */
		if (READ_ONCE(t->stopping) || mt_test_past_deadline(t)) {
			atomic64_add(n, &t->ticks);
			break;
		}
		if (t->p.o.ctx == MT_CTX_IRQOFF)
			mt_test_step_irqoff(t);
		else if (t->p.o.ctx == MT_CTX_BHOFF)
			mt_test_step_bhoff(t);
		else
			mt_test_step(t);
		cond_resched();
	}
	set_active_memcg(old);
	if (!mt_test_past_deadline(t))
		return;
finish:
	/* no tick may allocate once the chunks are freed */
	WRITE_ONCE(t->stopping, true);
	hrtimer_cancel(&t->timer);
	mt_test_end(t, MT_TEST_FINISHED);
}

/* Stop @t if it runs, and wait until it has.  Process context. */
static void mt_test_stop_sync(struct mt_test *t)
{
	mutex_lock(&t->stop_lock);
	WRITE_ONCE(t->stopping, true);
	hrtimer_cancel(&t->timer);
	cancel_work_sync(&t->work);
	/* pairs with the release in mt_test_end() */
	if (smp_load_acquire(&t->state) == MT_TEST_RUNNING)
		mt_test_end(t, MT_TEST_STOPPED);
	mutex_unlock(&t->stop_lock);
}

/*
 * Free a test no one can find any more: stopped first, then its
 * chunks, caches and histograms, and its charge.
 */
static void mt_test_free(struct mt_test *t)
{
	mt_test_stop_sync(t);
	if (t->how.nmi)
		mt_nmi_put();
	mt_owner_destroy(&t->owner);
	mutex_lock(&mt_tests_lock);
	list_del(&t->gone);
	mutex_unlock(&mt_tests_lock);
	mt_lat_free(t->owner.lat);
	mem_cgroup_put(t->memcg);
	mutex_destroy(&t->stop_lock);
	mt_overhead_uncharge(t->overhead);
	kfree(t);
}

/* Drop a reference on @t; the last frees it.  Process context. */
static void mt_test_put(struct mt_test *t)
{
	if (refcount_dec_and_test(&t->refs))
		mt_test_free(t);
}

/*
 * Take down a test already out of mt_tests: its directory (once its
 * readers are gone), then mt_tests' reference.  Process context.
 */
static void mt_test_unpublish(struct mt_test *t)
{
	debugfs_remove(t->dir);
	mt_test_put(t);
}

/* Start the timer on the CPU this runs on, pinned there. */
static void mt_test_arm(void *arg)
{
	struct mt_test *t = arg;

	hrtimer_start(&t->timer, mt_next_interval(t, t->start),
		      HRTIMER_MODE_REL_PINNED | t->hmode);
}

/* mt_test_start(), once a ctx=nmi test has the NMI handler registered. */
static int mt_test_create(const struct mt_test_params *p, u32 *id, char *why,
			  size_t whylen)
{
	size_t size = struct_size_t(struct mt_test, slots,
				    p->bulk > 1 ? p->bulk : 0);
	u64 overhead = kmalloc_size_roundup(size) + mt_lat_bytes() +
		       MT_TEST_DEBUGFS_BYTES;
	struct mt_lat __percpu *lat;
	struct mt_test *t;
	char name[16], tag[12];
	u64 seed;
	int ret;

	if (!mt_overhead_charge(NULL, overhead)) {
		scnprintf(why, whylen,
			  "a test's own memory (%llu bytes) would pass max_bytes (%llu; %lld charged)",
			  overhead, READ_ONCE(mt_max_bytes),
			  atomic64_read(&mt_committed));
		return -ENOSPC;
	}
	t = kzalloc(size, GFP_KERNEL);
	lat = mt_lat_alloc();
	if (!t || !lat) {
		kfree(t);
		mt_lat_free(lat);
		mt_overhead_uncharge(overhead);
		return -ENOMEM;
	}
	t->p = *p;
	t->overhead = overhead;
	refcount_set(&t->refs, 1);
	mutex_init(&t->stop_lock);
	t->how = (struct mt_how) {
		.gfp = mt_gfp_flags(p->o.gfp),
		.node = mt_opts_node(&p->o),
		.can_sleep = p->o.ctx == MT_CTX_WORK,
		.nmi = p->o.ctx == MT_CTX_NMI,
		.min_nr = p->o.reserve,
	};
	if (p->o.gfp & BIT(MT_GFP_ACCOUNT))
		t->memcg = get_mem_cgroup_from_mm(current->mm);
	INIT_WORK(&t->work, mt_test_work);
	/* ctx=softirq: a soft timer, every start of it soft too */
	t->hmode = p->o.ctx == MT_CTX_SOFTIRQ ? HRTIMER_MODE_SOFT : 0;
	mt_hrtimer_setup(&t->timer, mt_test_timer, CLOCK_MONOTONIC,
			 HRTIMER_MODE_REL | t->hmode);

	mutex_lock(&mt_tests_lock);
	if (mt_nr_tests >= READ_ONCE(mt_max_tests)) {
		scnprintf(why, whylen,
			  "%u test%s exist%s, the most max_tests (%u) allows: destroy one first",
			  mt_nr_tests, mt_nr_tests == 1 ? "" : "s",
			  mt_nr_tests == 1 ? "s" : "", READ_ONCE(mt_max_tests));
		ret = -ENOSPC;
		goto out_unlock;
	}
	if (mt_last_id == U32_MAX) {
		scnprintf(why, whylen, "test ids are exhausted");
		ret = -ENOSPC;
		goto out_unlock;
	}
	/* ids are never reused while the module is loaded: above the last */
	ret = xa_alloc(&mt_tests, &t->id, t,
		       XA_LIMIT(mt_last_id + 1, U32_MAX), GFP_KERNEL);
	if (ret)
		goto out_unlock;

	snprintf(name, sizeof(name), "test %u", t->id);
	snprintf(tag, sizeof(tag), "t%u", t->id);
	seed = mt_seed_for(t->id);
	/* a test never frees by size: its pool's order costs O(1) a chunk */
	mt_owner_init(&t->owner, name, tag, MT_POOL_BY_AGE, seed);
	INIT_LIST_HEAD(&t->gone);
	t->owner.lat = lat;
	t->owner.rcu = p->o.release == MT_RELEASE_RCU;
	/* a test's caches stay until it ends; an atomic step creates none */
	t->owner.caches.pin = true;
	if ((p->o.kind == MT_CACHE || p->o.kind == MT_MEMPOOL) &&
	    !t->how.can_sleep) {
		ret = mt_caches_pin(&t->owner.caches, p->max,
				    p->o.kind == MT_MEMPOOL ? p->o.reserve : 0);
		if (ret) {
			scnprintf(why, whylen,
				  "the test's slab caches (and mempools) would pass max_bytes (%llu; %lld charged)",
				  READ_ONCE(mt_max_bytes),
				  atomic64_read(&mt_committed));
			goto out_erase;
		}
	}
	prandom_seed_state(&t->timer_rnd, mt_seed_for(seed ^ 1));
	prandom_seed_state(&t->work_rnd, mt_seed_for(seed ^ 2));
	mt_last_id = t->id;
	WRITE_ONCE(mt_nr_tests, mt_nr_tests + 1);
	t->dir = mt_test_add_dir(t->id);

	trace_test_start(t->id, mt_alloc_names[p->o.kind],
			 mt_ctx_names[p->o.ctx], p->min, p->max, p->total,
			 p->min_int, p->max_int, p->total_time,
			 mt_opts_cpu(&p->o), t->how.node, t->how.gfp);
	mt_vmstat_read(&t->vm_start);
	t->start = ktime_get();
	t->deadline = ktime_add_ms(t->start, p->total_time);
	/* on a CPU gone offline since the command was checked: anywhere */
	if (mt_opts_cpu(&p->o) < 0 ||
	    smp_call_function_single(mt_opts_cpu(&p->o), mt_test_arm, t, 1))
		hrtimer_start(&t->timer, mt_next_interval(t, t->start),
			      HRTIMER_MODE_REL | t->hmode);
	*id = t->id;
	mutex_unlock(&mt_tests_lock);
	return 0;

out_erase:
	xa_erase(&mt_tests, t->id);
	mutex_unlock(&mt_tests_lock);
	/* outside the lock: destroying caches waits for RCU */
	mt_owner_destroy(&t->owner);
	goto out_free;
out_unlock:
	mutex_unlock(&mt_tests_lock);
out_free:
	mem_cgroup_put(t->memcg);
	mt_lat_free(lat);
	mutex_destroy(&t->stop_lock);
	kfree(t);
	mt_overhead_uncharge(overhead);
	return ret;
}

/**
 * mt_test_start() - start a timed test
 * @p: its parameters, already checked
 * @id: set to its id
 * @why: set to the reason of a refusal, but for -ENOMEM
 * @whylen: size of @why
 *
 * A ctx=nmi test has the module's NMI handler registered first.  The
 * test's own memory is charged, then it gets an id, its caches when it
 * needs them beforehand, its directory, and its timer.
 *
 * Context: process context; takes mt_tests_lock.
 *
 * Return: 0; -ENOSPC past max_tests or max_bytes, or when ids are
 * exhausted; -ENOMEM; for ctx=nmi, the errno of the NMI handler's
 * registration.
 */
int mt_test_start(const struct mt_test_params *p, u32 *id, char *why,
		  size_t whylen)
{
	bool nmi = p->o.ctx == MT_CTX_NMI;
	int ret;

	if (nmi) {
		ret = mt_nmi_get();
		if (ret) {
			scnprintf(why, whylen,
				  "the module's NMI handler could not be registered");
			return ret;
		}
	}
	ret = mt_test_create(p, id, why, whylen);
	if (ret && nmi)
		mt_nmi_put();
	return ret;
}

/**
 * mt_test_publish() - make tests/ in @parent, and every test's directory
 * @parent: the module's debugfs directory, made once the load can no
 *	longer fail
 *
 * Tests started at load (the test parameter) get theirs now; those
 * started later, when they start.
 *
 * Context: process context, at load.
 */
void mt_test_publish(struct dentry *parent)
{
	struct mt_test *t;
	unsigned long id;

	mutex_lock(&mt_tests_lock);
	mt_tests_dir = debugfs_create_dir("tests", parent);
	xa_for_each(&mt_tests, id, t)
		if (!t->dir)
			t->dir = mt_test_add_dir(t->id);
	mutex_unlock(&mt_tests_lock);
}

/**
 * mt_test_count() - how many tests exist, running or not
 *
 * Context: any context; a figure that may change at once.
 *
 * Return: the number.
 */
unsigned int mt_test_count(void)
{
	return READ_ONCE(mt_nr_tests);
}

/**
 * mt_test_stop() - stop a test, keeping its statistics
 * @id: the test
 *
 * Context: process context; takes mt_tests_lock to find it, then waits,
 * without it, for the test's hrtimer and work to finish.
 *
 * Return: 0, or -ENOENT when there is no such test.
 */
int mt_test_stop(u32 id)
{
	struct mt_test *t;

	mutex_lock(&mt_tests_lock);
	t = xa_load(&mt_tests, id);
	if (t)
		refcount_inc(&t->refs);
	mutex_unlock(&mt_tests_lock);
	if (!t)
		return -ENOENT;
	mt_test_stop_sync(t);
	mt_test_put(t);
	return 0;
}

/* @t was taken out of mt_tests: it is gone, but may hold chunks still. */
static void mt_test_took_out(struct mt_test *t)
{
	lockdep_assert_held(&mt_tests_lock);
	WRITE_ONCE(mt_nr_tests, mt_nr_tests - 1);
	list_add(&t->gone, &mt_tests_gone);
}

/**
 * mt_test_destroy() - stop a test and drop it, statistics and all
 * @id: the test
 *
 * Context: process context; takes mt_tests_lock to take it out, then
 * waits, without it, for the test's readers, hrtimer and work, and frees
 * what it holds.
 *
 * Return: 0, or -ENOENT when there is no such test.
 */
int mt_test_destroy(u32 id)
{
	struct mt_test *t;

	mutex_lock(&mt_tests_lock);
	t = xa_erase(&mt_tests, id);
	if (t)
		mt_test_took_out(t);
	mutex_unlock(&mt_tests_lock);
	if (!t)
		return -ENOENT;
	mt_test_unpublish(t);
	return 0;
}

/**
 * mt_test_destroy_all() - destroy every test
 *
 * Context: process context; as mt_test_destroy(), test by test.
 */
void mt_test_destroy_all(void)
{
	struct mt_test *t;
	unsigned long id;

	for (;;) {
		mutex_lock(&mt_tests_lock);
		id = 0;
		t = xa_find(&mt_tests, &id, ULONG_MAX, XA_PRESENT);
		if (t) {
			xa_erase(&mt_tests, id);
			mt_test_took_out(t);
		}
		mutex_unlock(&mt_tests_lock);
		if (!t)
			break;
		mt_test_unpublish(t);
	}
}

/**
 * mt_test_counts() - add what every test holds to a sum
 * @sum: the sum, per allocator
 *
 * Tests destroyed whose chunks are not freed yet count too.
 *
 * Context: process context; takes mt_tests_lock.
 */
void mt_test_counts(struct mt_counts *sum)
{
	struct mt_test *t;
	unsigned long id;

	mutex_lock(&mt_tests_lock);
	xa_for_each(&mt_tests, id, t)
		mt_owner_add_counts(&t->owner, sum);
	list_for_each_entry(t, &mt_tests_gone, gone)
		mt_owner_add_counts(&t->owner, sum);
	mutex_unlock(&mt_tests_lock);
}

/**
 * mt_test_exit() - destroy every test, then their workqueue
 *
 * Context: process context, at unload (when no file is open) or a failed
 * load; takes mt_tests_lock.
 */
void mt_test_exit(void)
{
	mt_test_destroy_all();
	xa_destroy(&mt_tests);
	destroy_workqueue(mt_test_wq);
}

/**
 * mt_test_init() - make the tests' workqueue, before any test starts
 *
 * Context: process context, at load.
 * Return: 0, or -ENOMEM.
 */
int mt_test_init(void)
{
	mt_test_wq = alloc_workqueue("malloc_test", MT_WQ_PERCPU, 0);
	return mt_test_wq ? 0 : -ENOMEM;
}

/* Print the median and the 99th percentile of one operation. */
static void mt_test_print_pcts(struct seq_file *m, struct mt_test *t,
			       enum mt_lat_op op, struct mt_hist *h)
{
	struct mt_hist_sum s;

	mt_lat_read(t->owner.lat, op, h);
	mt_hist_summarize(h, &s);
	seq_printf(m, "%s_p50_ns: %llu\n", mt_lat_names[op], s.pct[0]);
	seq_printf(m, "%s_p99_ns: %llu\n", mt_lat_names[op], s.pct[2]);
}

/* @h: room to merge a histogram in. */
static void mt_test_print(struct seq_file *m, struct mt_test *t,
			  struct mt_hist *h)
{
	/* pairs with the release in mt_test_end(): @end is valid */
	int state = smp_load_acquire(&t->state);
	ktime_t now = state == MT_TEST_RUNNING ? ktime_get() : t->end;
	s64 run = ktime_ms_delta(now, t->start);
	u64 remaining = 0;
	struct mt_owner_stats st;
	char gfp[96];

	mt_owner_stats(&t->owner, &st);

	if (state == MT_TEST_RUNNING && run < t->p.total_time)
		remaining = t->p.total_time - run;

	seq_printf(m, "id: %u\n", t->id);
	seq_printf(m, "state: %s\n", mt_state_names[state]);
	seq_printf(m, "run_time_ms: %lld\n", run);
	seq_printf(m, "remaining_ms: %llu\n", remaining);
	seq_printf(m, "allocations: %lld\n", atomic64_read(&t->allocations));
	seq_printf(m, "reallocs: %lld\n", atomic64_read(&t->reallocs));
	seq_printf(m, "errors: %lld\n", atomic64_read(&t->errors));
	seq_printf(m, "overflows: %lld\n", atomic64_read(&t->overflows));
	seq_printf(m, "total_alloc: %llu\n", st.allocated);
	seq_printf(m, "freed: %llu\n", st.freed);
	seq_printf(m, "held: %llu\n", st.bytes);
	seq_printf(m, "charged: %llu\n", st.charged);
	seq_printf(m, "overhead_bytes: %llu\n", t->overhead);
	seq_printf(m, "chunks: %llu\n", st.chunks);
	seq_printf(m, "min: %llu\n", t->p.min);
	seq_printf(m, "max: %llu\n", t->p.max);
	seq_printf(m, "total: %llu\n", t->p.total);
	seq_printf(m, "min_int_ms: %llu\n", t->p.min_int);
	seq_printf(m, "max_int_ms: %llu\n", t->p.max_int);
	seq_printf(m, "total_time_ms: %llu\n", t->p.total_time);
	seq_printf(m, "alloc: %s\n", mt_alloc_names[t->p.o.kind]);
	mt_gfp_print(gfp, sizeof(gfp), t->p.o.gfp);
	seq_printf(m, "gfp: %s\n", gfp);
	if (mt_opts_node(&t->p.o) == NUMA_NO_NODE)
		seq_puts(m, "node: any\n");
	else
		seq_printf(m, "node: %u\n", t->p.o.node);
	seq_printf(m, "ctx: %s\n", mt_ctx_names[t->p.o.ctx]);
	if (mt_opts_cpu(&t->p.o) < 0)
		seq_puts(m, "cpu: any\n");
	else
		seq_printf(m, "cpu: %u\n", t->p.o.cpu);
	seq_printf(m, "free: %s\n", mt_free_names[t->p.o.free]);
	seq_printf(m, "release: %s\n", mt_release_names[t->p.o.release]);
	seq_printf(m, "reserve: %u\n", t->p.o.reserve);
	seq_printf(m, "from_reserve: %ld\n",
		   mt_mempools_from_reserve(&t->owner.caches));
	seq_printf(m, "bulk: %u\n", t->p.bulk);
	seq_printf(m, "corruptions: %lld\n",
		   atomic64_read(&t->owner.corruptions));
	seq_printf(m, "skipped: %lld\n", atomic64_read(&t->skipped));
	seq_printf(m, "backlog: %lld\n", atomic64_read(&t->ticks));
	seq_printf(m, "off_cpu: %lld\n", atomic64_read(&t->off_cpu));
	seq_printf(m, "off_node: %lld\n", atomic64_read(&t->owner.off_node));
	mt_test_print_pcts(m, t, MT_LAT_ALLOC, h);
	mt_test_print_pcts(m, t, MT_LAT_FREE, h);
	/* what the machine reclaimed and compacted while it ran */
	if (state == MT_TEST_RUNNING) {
		struct mt_vmstat vs;

		mt_vmstat_read(&vs);
		mt_vmstat_show(m, &t->vm_start, &vs);
	} else {
		mt_vmstat_show(m, &t->vm_start, &t->vm_end);
	}
}

/* Print @t's latency histograms; @h: room to merge one in. */
static void mt_test_print_latency(struct seq_file *m, struct mt_test *t,
				  struct mt_hist *h)
{
	unsigned int op;

	for (op = 0; op < MT_NR_LAT_OPS; op++) {
		mt_lat_read(t->owner.lat, op, h);
		mt_hist_show(m, mt_lat_names[op], h);
	}
}

/* Print test @id with @print, under the lock.  Return: as below. */
static int mt_test_show(struct seq_file *m, u32 id,
			void (*print)(struct seq_file *m, struct mt_test *t,
				      struct mt_hist *h))
{
	struct mt_hist *h = kmalloc(sizeof(*h), GFP_KERNEL);
	struct mt_test *t;
	int ret = -ENOENT;

	if (!h)
		return -ENOMEM;
	mutex_lock(&mt_tests_lock);
	t = xa_load(&mt_tests, id);
	if (t) {
		print(m, t, h);
		ret = 0;
	}
	mutex_unlock(&mt_tests_lock);
	kfree(h);
	return ret;
}

/* A test's files know it by id: a destroyed test is gone. */
static int mt_test_stats_show(struct seq_file *m, void *v)
{
	return mt_test_show(m, (unsigned long)m->private, mt_test_print);
}
DEFINE_SHOW_ATTRIBUTE(mt_test_stats);

static int mt_test_latency_show(struct seq_file *m, void *v)
{
	return mt_test_show(m, (unsigned long)m->private,
			    mt_test_print_latency);
}
DEFINE_SHOW_ATTRIBUTE(mt_test_latency);

/*
 * Make a test's directory, tests/ID/, with its stats and latency files.
 * Return: the directory, for debugfs_remove(); NULL before
 * mt_test_publish().  Called with mt_tests_lock held.
 */
static struct dentry *mt_test_add_dir(u32 id)
{
	struct dentry *dir;
	char name[12];

	if (!mt_tests_dir)
		return NULL;
	snprintf(name, sizeof(name), "%u", id);
	dir = debugfs_create_dir(name, mt_tests_dir);
	debugfs_create_file("stats", 0400, dir, (void *)(unsigned long)id,
			    &mt_test_stats_fops);
	debugfs_create_file("latency", 0400, dir, (void *)(unsigned long)id,
			    &mt_test_latency_fops);
	return dir;
}

/**
 * mt_test_show_all() - print every test's statistics, a blank line
 * between two tests
 * @m: where
 *
 * Context: process context; takes mt_tests_lock.
 *
 * Return: 0, or -ENOMEM.
 */
int mt_test_show_all(struct seq_file *m)
{
	struct mt_hist *h = kmalloc(sizeof(*h), GFP_KERNEL);
	struct mt_test *t;
	unsigned long id;
	bool first = true;

	if (!h)
		return -ENOMEM;
	mutex_lock(&mt_tests_lock);
	xa_for_each(&mt_tests, id, t) {
		if (!first)
			seq_putc(m, '\n');
		mt_test_print(m, t, h);
		first = false;
	}
	mutex_unlock(&mt_tests_lock);
	kfree(h);
	return 0;
}

/**
 * mt_test_show_caches() - print every test's dedicated caches
 * @m: where
 * @show: mt_caches_show() or mt_mempools_show()
 *
 * Context: process context; takes mt_tests_lock.
 */
void mt_test_show_caches(struct seq_file *m,
			 void (*show)(struct seq_file *m, struct mt_caches *cs))
{
	struct mt_test *t;
	unsigned long id;

	mutex_lock(&mt_tests_lock);
	xa_for_each(&mt_tests, id, t)
		show(m, &t->owner.caches);
	mutex_unlock(&mt_tests_lock);
}
