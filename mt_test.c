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
 * that cannot sleep.  When the test holds its total it frees by its
 * policy (free=): everything, or chosen chunks until a piece fits again.
 * That is the work's job in either context: a callback never frees in
 * bulk, and while the work frees, a ctx=timer test's ticks allocate
 * nothing (they are counted as skipped).  The work ends the test once
 * total_time has passed.  A ctx=work test's ticks wait in ->ticks until
 * the work serves them; when the allocator is slower than the timer they
 * pile up, and those still there when the test ends are never served:
 * the stats report them as its backlog.
 *
 * cpu=N starts the timer on CPU N, pinned, and queues the work there.
 *
 * Lifetime: tests live in mt_tests under mt_tests_lock.  Stopping sets
 * ->stopping, which the timer and the work obey, then cancels both: the
 * timer first, as it queues the work, then the work.  Destroying takes
 * the test out of mt_tests first, so that nothing else can find it, then
 * stops it, removes its debugfs directory (which waits for readers) and
 * frees it.
 */
#include "malloc_test.h"
#include "mt_compat.h"

#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/numa.h>
#include <linux/ratelimit.h>
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
 * @timer: fires at each allocation time
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
 * @releasing: it holds its total and its work frees; a ctx=timer test
 *	allocates nothing meanwhile
 * @dir: its debugfs directory
 * @allocations: chunks allocated
 * @reallocs: chunks resized
 * @errors: allocations and resizes that failed
 * @overflows: times it reached its total and freed everything
 * @skipped: ctx=timer ticks that allocated nothing, as the work freed
 * @off_cpu: steps that ran on a CPU other than the one asked
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
	struct hrtimer timer;
	struct work_struct work;
	atomic_t ticks;
	struct rnd_state timer_rnd;
	struct rnd_state work_rnd;
	ktime_t start;
	ktime_t deadline;
	ktime_t end;
	int state;
	bool stopping;
	bool releasing;
	struct dentry *dir;
	atomic64_t allocations;
	atomic64_t reallocs;
	atomic64_t errors;
	atomic64_t overflows;
	atomic64_t skipped;
	atomic64_t off_cpu;
};

/* Protects mt_tests and mt_last_id, and serialises stopping tests. */
static DEFINE_MUTEX(mt_tests_lock);
static DEFINE_XARRAY(mt_tests);
static u32 mt_last_id;

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
		queue_work_on(cpu, mt_wq, &t->work);
	else
		queue_work(mt_wq, &t->work);
}

/* Is the work freeing?  Then a ctx=timer test allocates nothing. */
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
	if (t->p.o.ctx == MT_CTX_WORK) {
		atomic_inc(&t->ticks);
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

/* Can the test take one more piece, of the smallest size there is? */
static bool mt_test_has_room(struct mt_test *t)
{
	u64 held = atomic64_read(&t->owner.bytes);

	return held < t->p.total &&
	       mt_fit(t->p.o.kind, 1, t->p.total - held);
}

/*
 * The test holds its total: free by its policy, all of it or chosen
 * chunks until a piece fits again.  Process context.
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
	atomic64_inc(&t->overflows);
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
	mt_owner_unpin_caches(&t->owner);
	t->end = ktime_get();
	/* pairs with the acquires in stop and print: @end is set first */
	smp_store_release(&t->state, state);
}

/*
 * One allocation, or one resize, in the work (ctx=work) or the timer's
 * callback (ctx=timer).
 */
static void mt_test_step(struct mt_test *t)
{
	u64 held = atomic64_read(&t->owner.bytes);
	u64 room = held < t->p.total ? t->p.total - held : 0;
	u64 size = mt_rand_range(&t->work_rnd, t->p.min, t->p.max);
	unsigned int p = READ_ONCE(mt_realloc_p);
	int cpu = mt_opts_cpu(&t->p.o);
	u64 bytes;
	s64 diff;
	int ret;

	if (cpu >= 0 && raw_smp_processor_id() != cpu)
		atomic64_inc(&t->off_cpu);

	if (p && atomic64_read(&t->owner.chunks) &&
	    prandom_u32_state(&t->work_rnd) % 100 < p) {
		ret = mt_owner_realloc_random(&t->owner, size, room, true,
					      &t->how, false, &diff);
		if (!ret) {
			atomic64_inc(&t->reallocs);
			goto check_total;
		}
		if (ret != -E2BIG)
			goto fail;
		/* that chunk's allocator cannot grow so far: allocate */
	}

	bytes = mt_fit(t->p.o.kind, size, room);
	if (!bytes) {
		/* not even the smallest piece fits: the test is full */
		mt_test_full(t);
		return;
	}
	ret = mt_owner_alloc(&t->owner, t->p.o.kind, bytes, &t->how, false);
	if (ret)
		goto fail;
	atomic64_inc(&t->allocations);

check_total:
	if (!mt_test_has_room(t))
		mt_test_full(t);
	return;

fail:
	atomic64_inc(&t->errors);
	pr_info_ratelimited("test %u: allocation of %llu bytes failed: %s\n",
			    t->id, size,
			    ret == -ENOSPC ? "max_bytes reached" :
			    "the kernel refused");
}

static void mt_test_work(struct work_struct *work)
{
	struct mt_test *t = container_of(work, struct mt_test, work);
	struct mem_cgroup *old;
	int n;

	if (READ_ONCE(t->stopping))
		return;
	if (ktime_compare(ktime_get(), t->deadline) >= 0) {
		WRITE_ONCE(t->stopping, true);
		mt_test_end(t, MT_TEST_FINISHED);
		return;
	}
	if (READ_ONCE(t->releasing)) {
		mt_test_release(t);
		/* the frees are done before the timer allocates again */
		smp_store_release(&t->releasing, false);
	}
	/* gfp=account charges the writer's cgroup, not the worker's */
	old = set_active_memcg(t->memcg);
	for (n = atomic_xchg(&t->ticks, 0); n > 0; n--) {
		if (READ_ONCE(t->stopping)) {
			/* unserved: they stay in the backlog */
			atomic_add(n, &t->ticks);
			break;
		}
		mt_test_step(t);
		cond_resched();
	}
	set_active_memcg(old);
}

/* Stop @t if it runs.  Called with mt_tests_lock held, or on a test no
 * one else can find.
 */
static void mt_test_stop_sync(struct mt_test *t)
{
	WRITE_ONCE(t->stopping, true);
	hrtimer_cancel(&t->timer);
	cancel_work_sync(&t->work);
	/* pairs with the release in mt_test_end() */
	if (smp_load_acquire(&t->state) == MT_TEST_RUNNING)
		mt_test_end(t, MT_TEST_STOPPED);
}

static void mt_test_free(struct mt_test *t)
{
	mt_test_stop_sync(t);
	debugfs_remove(t->dir);
	mt_owner_destroy(&t->owner);
	mt_lat_free(t->owner.lat);
	mem_cgroup_put(t->memcg);
	kfree(t);
}

/* Start the timer on the CPU this runs on, pinned there. */
static void mt_test_arm(void *arg)
{
	struct mt_test *t = arg;

	hrtimer_start(&t->timer, mt_next_interval(t, t->start),
		      HRTIMER_MODE_REL_PINNED);
}

/**
 * mt_test_start() - start a timed test
 * @p: its parameters, already checked
 * @id: set to its id
 *
 * Context: process context; takes mt_tests_lock.
 *
 * Return: 0, -ENOMEM, or -ENOSPC when ids are exhausted.
 */
int mt_test_start(const struct mt_test_params *p, u32 *id)
{
	struct mt_lat __percpu *lat;
	struct mt_test *t;
	char name[16], tag[12];
	int ret;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	lat = mt_lat_alloc();
	if (!t || !lat) {
		kfree(t);
		mt_lat_free(lat);
		return -ENOMEM;
	}
	t->p = *p;
	t->how = (struct mt_how) {
		.gfp = mt_gfp_flags(p->o.gfp),
		.node = mt_opts_node(&p->o),
		.can_sleep = p->o.ctx == MT_CTX_WORK,
	};
	if (p->o.gfp & BIT(MT_GFP_ACCOUNT))
		t->memcg = get_mem_cgroup_from_mm(current->mm);
	INIT_WORK(&t->work, mt_test_work);
	mt_hrtimer_setup(&t->timer, mt_test_timer, CLOCK_MONOTONIC,
			 HRTIMER_MODE_REL);

	mutex_lock(&mt_tests_lock);
	if (mt_last_id == U32_MAX) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	t->id = mt_last_id + 1;
	ret = xa_insert(&mt_tests, t->id, t, GFP_KERNEL);
	if (ret)
		goto out_unlock;

	snprintf(name, sizeof(name), "test %u", t->id);
	snprintf(tag, sizeof(tag), "t%u", t->id);
	mt_owner_init(&t->owner, &mt_test_totals, name, tag,
		      mt_seed_for(t->id));
	t->owner.lat = lat;
	t->owner.pool.by_age = p->o.free == MT_FREE_FIFO ||
			       p->o.free == MT_FREE_LIFO;
	/* a test's caches stay until it ends; the callback creates none */
	t->owner.caches.pin = true;
	if (p->o.kind == MT_CACHE && p->o.ctx == MT_CTX_TIMER) {
		ret = mt_owner_pin_caches(&t->owner, p->max);
		if (ret)
			goto out_erase;
	}
	prandom_seed_state(&t->timer_rnd, mt_seed_for(t->id) + 1);
	prandom_seed_state(&t->work_rnd, mt_seed_for(t->id) + 2);
	mt_last_id = t->id;
	t->dir = mt_debugfs_add_test(t->id);

	t->start = ktime_get();
	t->deadline = ktime_add_ms(t->start, p->total_time);
	/* on a CPU gone offline since the command was checked: anywhere */
	if (mt_opts_cpu(&p->o) < 0 ||
	    smp_call_function_single(mt_opts_cpu(&p->o), mt_test_arm, t, 1))
		hrtimer_start(&t->timer, mt_next_interval(t, t->start),
			      HRTIMER_MODE_REL);
	*id = t->id;
	mutex_unlock(&mt_tests_lock);
	return 0;

out_erase:
	xa_erase(&mt_tests, t->id);
	mt_owner_destroy(&t->owner);
out_unlock:
	mutex_unlock(&mt_tests_lock);
	mem_cgroup_put(t->memcg);
	mt_lat_free(lat);
	kfree(t);
	return ret;
}

/**
 * mt_test_stop() - stop a test, keeping its statistics
 * @id: the test
 *
 * Context: process context; takes mt_tests_lock, and waits for the
 * test's hrtimer and work to finish.
 *
 * Return: 0, or -ENOENT when there is no such test.
 */
int mt_test_stop(u32 id)
{
	struct mt_test *t;
	int ret = -ENOENT;

	mutex_lock(&mt_tests_lock);
	t = xa_load(&mt_tests, id);
	if (t) {
		mt_test_stop_sync(t);
		ret = 0;
	}
	mutex_unlock(&mt_tests_lock);
	return ret;
}

/**
 * mt_test_destroy() - stop a test and drop it, statistics and all
 * @id: the test
 *
 * Context: process context; takes mt_tests_lock, and waits for the
 * test's hrtimer and work to finish.
 *
 * Return: 0, or -ENOENT when there is no such test.
 */
int mt_test_destroy(u32 id)
{
	struct mt_test *t;

	mutex_lock(&mt_tests_lock);
	t = xa_erase(&mt_tests, id);
	mutex_unlock(&mt_tests_lock);
	if (!t)
		return -ENOENT;
	mt_test_free(t);
	return 0;
}

/**
 * mt_test_destroy_all() - destroy every test
 *
 * Context: process context; takes mt_tests_lock, and waits for each
 * test's hrtimer and work to finish.
 */
void mt_test_destroy_all(void)
{
	struct mt_test *t;
	unsigned long id;

	for (;;) {
		mutex_lock(&mt_tests_lock);
		id = 0;
		t = xa_find(&mt_tests, &id, ULONG_MAX, XA_PRESENT);
		if (t)
			xa_erase(&mt_tests, id);
		mutex_unlock(&mt_tests_lock);
		if (!t)
			break;
		mt_test_free(t);
	}
}

/**
 * mt_test_exit() - destroy every test at unload
 *
 * Context: process context, at unload, when no file is open; takes
 * mt_tests_lock.
 */
void mt_test_exit(void)
{
	mt_test_destroy_all();
	xa_destroy(&mt_tests);
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
	seq_printf(m, "chunks: %llu\n", st.chunks);
	seq_printf(m, "min: %llu\n", t->p.min);
	seq_printf(m, "max: %llu\n", t->p.max);
	seq_printf(m, "total: %llu\n", t->p.total);
	seq_printf(m, "min_int_ms: %llu\n", t->p.min_int);
	seq_printf(m, "max_int_ms: %llu\n", t->p.max_int);
	seq_printf(m, "total_time_ms: %llu\n", t->p.total_time);
	seq_printf(m, "alloc: %s\n", mt_allocators[t->p.o.kind].name);
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
	seq_printf(m, "corruptions: %lld\n",
		   atomic64_read(&t->owner.corruptions));
	seq_printf(m, "skipped: %lld\n", atomic64_read(&t->skipped));
	seq_printf(m, "backlog: %d\n", atomic_read(&t->ticks));
	seq_printf(m, "off_cpu: %lld\n", atomic64_read(&t->off_cpu));
	seq_printf(m, "off_node: %lld\n", atomic64_read(&t->owner.off_node));
	mt_test_print_pcts(m, t, MT_LAT_ALLOC, h);
	mt_test_print_pcts(m, t, MT_LAT_FREE, h);
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

/**
 * mt_test_show_one() - print one test's statistics
 * @m: where
 * @id: the test
 *
 * Context: process context; takes mt_tests_lock.
 *
 * Return: 0, -ENOENT when the test is gone, or -ENOMEM.
 */
int mt_test_show_one(struct seq_file *m, u32 id)
{
	return mt_test_show(m, id, mt_test_print);
}

/**
 * mt_test_show_latency() - print one test's latency histograms
 * @m: where
 * @id: the test
 *
 * Context: process context; takes mt_tests_lock.
 *
 * Return: 0, -ENOENT when the test is gone, or -ENOMEM.
 */
int mt_test_show_latency(struct seq_file *m, u32 id)
{
	return mt_test_show(m, id, mt_test_print_latency);
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
 *
 * Context: process context; takes mt_tests_lock.
 */
void mt_test_show_caches(struct seq_file *m)
{
	struct mt_test *t;
	unsigned long id;

	mutex_lock(&mt_tests_lock);
	xa_for_each(&mt_tests, id, t)
		mt_owner_show_caches(m, &t->owner);
	mutex_unlock(&mt_tests_lock);
}
