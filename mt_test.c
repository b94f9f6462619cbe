// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - timed tests.
 *
 * A test's hrtimer fires after a random interval in [min_int, max_int]
 * and re-arms itself; all it does, in hard interrupt context, is count
 * the tick and queue the test's work.  The work, in process context,
 * makes one allocation per tick (or, realloc_p percent of the time,
 * resizes one of the test's chunks), frees everything when the test
 * holds its total, and ends the test once total_time has passed.
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

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <linux/xarray.h>

/**
 * struct mt_test - one timed test
 * @id: its id, never reused while the module is loaded
 * @p: what mem_test_start asked for
 * @owner: the chunks it holds
 * @timer: fires at each allocation time
 * @work: makes the allocations
 * @ticks: timer expirations the work has not served yet
 * @timer_rnd: random intervals; the timer callback's alone
 * @work_rnd: random sizes and choices; the work's alone
 * @start: when it started
 * @deadline: when it is to finish
 * @end: when it stopped or finished; valid once @state is not running
 * @state: enum mt_test_state; written with release semantics after @end
 * @stopping: set when it must stop; the timer and the work obey it
 * @dir: its debugfs directory
 * @allocations: chunks allocated
 * @reallocs: chunks resized
 * @errors: allocations and resizes that failed
 * @overflows: times it reached its total and freed everything
 * @total_alloc: bytes allocated: chunks, and growth of resized chunks
 * @freed: bytes freed: chunks, and shrinkage of resized chunks
 *
 * The counters are written by the work, and by stop once the work is
 * cancelled, and read by anyone.
 */
struct mt_test {
	u32 id;
	struct mt_test_params p;
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
	struct dentry *dir;
	atomic64_t allocations;
	atomic64_t reallocs;
	atomic64_t errors;
	atomic64_t overflows;
	atomic64_t total_alloc;
	atomic64_t freed;
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

static enum hrtimer_restart mt_test_timer(struct hrtimer *timer)
{
	struct mt_test *t = container_of(timer, struct mt_test, timer);
	ktime_t now;

	if (READ_ONCE(t->stopping))
		return HRTIMER_NORESTART;
	atomic_inc(&t->ticks);
	queue_work(mt_wq, &t->work);

	now = hrtimer_cb_get_time(timer);
	if (ktime_compare(now, t->deadline) >= 0)
		return HRTIMER_NORESTART;	/* the work finishes the test */
	hrtimer_set_expires(timer, ktime_add(now, mt_next_interval(t, now)));
	return HRTIMER_RESTART;
}

/* Free everything the test holds, counting it as freed. */
static void mt_test_free_all(struct mt_test *t)
{
	atomic64_add(mt_owner_free_all(&t->owner), &t->freed);
}

/* The test is over: record when, free what it holds. */
static void mt_test_end(struct mt_test *t, enum mt_test_state state)
{
	mt_test_free_all(t);
	t->end = ktime_get();
	/* pairs with the acquires in stop and print: @end is set first */
	smp_store_release(&t->state, state);
}

static void mt_test_count(struct mt_test *t, s64 diff)
{
	if (diff > 0)
		atomic64_add(diff, &t->total_alloc);
	else
		atomic64_add(-diff, &t->freed);
}

static void mt_test_step(struct mt_test *t)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	u64 held = atomic64_read(&t->owner.bytes);
	u64 room = t->p.total - held;
	u64 size = mt_rand_range(&t->work_rnd, t->p.min, t->p.max);
	unsigned int p = READ_ONCE(mt_realloc_p);
	s64 diff;
	int ret;

	if (p && atomic64_read(&t->owner.chunks) &&
	    prandom_u32_state(&t->work_rnd) % 100 < p) {
		ret = mt_owner_realloc_random(&t->owner, size, room, true, gfp,
					      false, &diff);
		mt_test_count(t, diff);
		if (!ret) {
			atomic64_inc(&t->reallocs);
			goto check_total;
		}
		if (ret != -E2BIG)
			goto fail;
		/* that chunk's allocator cannot grow so far: allocate */
	}

	size = min(size, room);
	ret = mt_owner_alloc(&t->owner, t->p.kind, size, gfp, false);
	if (ret)
		goto fail;
	atomic64_inc(&t->allocations);
	atomic64_add(size, &t->total_alloc);

check_total:
	if (atomic64_read(&t->owner.bytes) >= t->p.total) {
		mt_test_free_all(t);
		atomic64_inc(&t->overflows);
	}
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
	int n;

	if (READ_ONCE(t->stopping))
		return;
	if (ktime_compare(ktime_get(), t->deadline) >= 0) {
		WRITE_ONCE(t->stopping, true);
		mt_test_end(t, MT_TEST_FINISHED);
		return;
	}
	for (n = atomic_xchg(&t->ticks, 0); n > 0; n--) {
		if (READ_ONCE(t->stopping))
			break;
		mt_test_step(t);
		cond_resched();
	}
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
	kfree(t);
}

/**
 * mt_test_start() - start a timed test
 * @p: its parameters, already checked
 * @id: set to its id
 *
 * Return: 0, -ENOMEM, or -ENOSPC when ids are exhausted.
 */
int mt_test_start(const struct mt_test_params *p, u32 *id)
{
	struct mt_test *t;
	char name[16];
	int ret;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->p = *p;
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
	mt_last_id = t->id;

	snprintf(name, sizeof(name), "test %u", t->id);
	mt_owner_init(&t->owner, &mt_test_totals, name, mt_seed_for(t->id));
	prandom_seed_state(&t->timer_rnd, mt_seed_for(t->id) + 1);
	prandom_seed_state(&t->work_rnd, mt_seed_for(t->id) + 2);
	t->dir = mt_debugfs_add_test(t->id);

	t->start = ktime_get();
	t->deadline = ktime_add_ms(t->start, p->total_time);
	hrtimer_start(&t->timer, mt_next_interval(t, t->start),
		      HRTIMER_MODE_REL);
	*id = t->id;
	mutex_unlock(&mt_tests_lock);
	return 0;

out_unlock:
	mutex_unlock(&mt_tests_lock);
	kfree(t);
	return ret;
}

/**
 * mt_test_stop() - stop a test, keeping its statistics
 * @id: the test
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
 */
void mt_test_exit(void)
{
	mt_test_destroy_all();
	xa_destroy(&mt_tests);
}

static void mt_test_print(struct seq_file *m, struct mt_test *t)
{
	/* pairs with the release in mt_test_end(): @end is valid */
	int state = smp_load_acquire(&t->state);
	ktime_t now = state == MT_TEST_RUNNING ? ktime_get() : t->end;
	s64 run = ktime_ms_delta(now, t->start);
	u64 remaining = 0;

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
	seq_printf(m, "total_alloc: %lld\n", atomic64_read(&t->total_alloc));
	seq_printf(m, "freed: %lld\n", atomic64_read(&t->freed));
	seq_printf(m, "held: %lld\n", atomic64_read(&t->owner.bytes));
	seq_printf(m, "chunks: %lld\n", atomic64_read(&t->owner.chunks));
	seq_printf(m, "min: %llu\n", t->p.min);
	seq_printf(m, "max: %llu\n", t->p.max);
	seq_printf(m, "total: %llu\n", t->p.total);
	seq_printf(m, "min_int_ms: %llu\n", t->p.min_int);
	seq_printf(m, "max_int_ms: %llu\n", t->p.max_int);
	seq_printf(m, "total_time_ms: %llu\n", t->p.total_time);
	seq_printf(m, "alloc: %s\n", mt_allocators[t->p.kind].name);
	seq_printf(m, "corruptions: %lld\n",
		   atomic64_read(&t->owner.corruptions));
}

/**
 * mt_test_show_one() - print one test's statistics
 * @m: where
 * @id: the test
 *
 * Return: 0, or -ENOENT when the test is gone.
 */
int mt_test_show_one(struct seq_file *m, u32 id)
{
	struct mt_test *t;
	int ret = -ENOENT;

	mutex_lock(&mt_tests_lock);
	t = xa_load(&mt_tests, id);
	if (t) {
		mt_test_print(m, t);
		ret = 0;
	}
	mutex_unlock(&mt_tests_lock);
	return ret;
}

/**
 * mt_test_show_all() - print every test's statistics, a blank line
 * between two tests
 * @m: where
 */
void mt_test_show_all(struct seq_file *m)
{
	struct mt_test *t;
	unsigned long id;
	bool first = true;

	mutex_lock(&mt_tests_lock);
	xa_for_each(&mt_tests, id, t) {
		if (!first)
			seq_putc(m, '\n');
		mt_test_print(m, t);
		first = false;
	}
	mutex_unlock(&mt_tests_lock);
}
