// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - the cap: what the module may take from the machine.
 *
 * Everything the module makes the kernel spend is charged against
 * max_bytes before it is spent, and uncharged when it is given back:
 * each chunk's footprint (what the kernel really hands out for it, see
 * mt_footprint()), the pools' bookkeeping pages, each test's own memory,
 * each dedicated slab cache, a running bench.  A charge is one atomic
 * compare-and-exchange on the total, so commands running at once can
 * never pass the cap together.  That is why the total is one atomic64_t
 * and not a percpu_counter: a cap checked on every charge must compare
 * against the exact sum, which a percpu_counter gives only by summing
 * every CPU's share under its lock, and it could not refuse atomically.
 *
 * A command that must be all or nothing (mem_rnd_alloc) charges its worst
 * case up front as a reserve (&struct mt_reserve), then draws on it as it
 * allocates, and gives back what it did not use at the end.
 *
 * Chunks allocated with flags that may dip into the memory the kernel
 * keeps in reserve for interrupts and reclaim (gfp=atomic, nofail) are
 * charged a second time, against max_atomic_bytes.
 *
 * A chunk released through RCU (release=rcu: kfree_rcu(), kvfree_rcu())
 * is the kernel's to free, later, and no call tells a module when: it
 * stays charged (mt_rcu_pending) for as long as the kernel may hold it.
 * kfree_rcu() queues it for up to KFREE_DRAIN_JIFFIES (5 s) before the
 * queue waits for a grace period and is freed: so the charge goes back
 * once MT_RCU_DRAIN has passed since the release and, after that, a
 * whole grace period (the state taken then, polled).
 */
#include "malloc_test.h"
#include "mt_charge.h"
#include "mt_compat.h"
#include "mt_gfp.h"
#include "mt_grammar.h"

#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

/* Bytes charged against max_bytes: held, or reserved by a command. */
atomic64_t mt_committed;
/* Of which reserved by commands that have not used them yet. */
atomic64_t mt_reserved;
/* Of which tests' and dedicated caches' own memory. */
atomic64_t mt_overhead;
/* Bytes of chunks allocated with gfp=atomic or nofail. */
atomic64_t mt_atomic_committed;
/* Bytes released through RCU, still charged (of mt_committed). */
atomic64_t mt_rcu_pending;

/* 0 until set: mt_charge_init() then takes half of RAM. */
u64 mt_max_bytes;

/* A cap: a size as the commands write one (1048576, 1024k, 1G). */
static int mt_bytes_set(const char *val, const struct kernel_param *kp)
{
	/* a size's longest spelling: 20 digits and a unit */
	char word[22];
	unsigned long long v;
	size_t len = strlen(val);

	/* sysfs hands over what echo wrote, its newline included */
	if (len && val[len - 1] == '\n')
		len--;
	if (len < sizeof(word)) {
		memcpy(word, val, len);
		word[len] = '\0';
	}
	if (len >= sizeof(word) || mt_size_parse(word, &v) || !v ||
	    v > S64_MAX)
		return mt_param_refuse(kp, val,
				       "a size from 1 byte to 2^63 - 1, its unit attached if need be (1048576, 1024k, 1G)");
	WRITE_ONCE(*(u64 *)kp->arg, v);
	return 0;
}

const struct kernel_param_ops mt_bytes_ops = {
	.set = mt_bytes_set,
	.get = param_get_ullong,
};
module_param_cb(max_bytes, &mt_bytes_ops, &mt_max_bytes, 0644);
MODULE_PARM_DESC(max_bytes,
		 "Cap on the memory the module makes the kernel spend: chunks' footprint, bookkeeping, tests, caches, bench (default: half of RAM)");

/* 0 until set: mt_charge_init() then takes 1/64 of RAM. */
u64 mt_max_atomic_bytes;
module_param_cb(max_atomic_bytes, &mt_bytes_ops, &mt_max_atomic_bytes, 0644);
MODULE_PARM_DESC(max_atomic_bytes,
		 "Cap on the footprint of chunks allocated with gfp=atomic or nofail, which may use the kernel's reserves (default: 1/64 of RAM)");

/**
 * mt_charge_init() - give the caps their defaults, where not set
 *
 * Context: module init.
 */
void mt_charge_init(void)
{
	u64 ram = (u64)totalram_pages() << PAGE_SHIFT;

	if (!mt_max_bytes)
		mt_max_bytes = ram / 2;
	if (!mt_max_atomic_bytes)
		mt_max_atomic_bytes = max_t(u64, ram / 64, 1);
}

/* Add @bytes to @counter unless it would pass @max.  Any context. */
static bool mt_charge_under(atomic64_t *counter, u64 max, u64 bytes)
{
	s64 old = atomic64_read(counter);

	do {
		if (bytes > max || (u64)old > max - bytes)
			return false;
	} while (!atomic64_try_cmpxchg(counter, &old, old + bytes));
	return true;
}

/**
 * mt_charge() - charge bytes against max_bytes
 * @bytes: how many
 *
 * Context: any context.
 *
 * Return: false, charging nothing, when the module would pass max_bytes.
 */
bool mt_charge(u64 bytes)
{
	return mt_charge_under(&mt_committed, READ_ONCE(mt_max_bytes), bytes);
}

/**
 * mt_charge_force() - charge bytes the kernel has spent already
 * @bytes: how many
 * @urgent: against max_atomic_bytes too
 *
 * For the rare case where the kernel spent more than the worst case
 * charged before: the figures stay exact, and the next charges are
 * refused until the totals are back under the caps.
 *
 * Context: any context.
 */
void mt_charge_force(u64 bytes, bool urgent)
{
	atomic64_add(bytes, &mt_committed);
	if (urgent)
		atomic64_add(bytes, &mt_atomic_committed);
}

/**
 * mt_charge_adjust() - move the totals by what a change has cost already
 * @bytes: by how much the total under max_bytes moves; down when negative
 * @atomic: by how much the total under max_atomic_bytes moves
 *
 * A rise is unchecked, as mt_charge_force()'s.
 *
 * Context: any context.
 */
void mt_charge_adjust(s64 bytes, s64 atomic)
{
	atomic64_add(bytes, &mt_committed);
	atomic64_add(atomic, &mt_atomic_committed);
}

/**
 * mt_uncharge() - give back bytes charged by mt_charge()
 * @bytes: how many
 *
 * Context: any context.
 */
void mt_uncharge(u64 bytes)
{
	atomic64_sub(bytes, &mt_committed);
}

/* Charge against max_atomic_bytes: false, charging nothing, past it. */
static bool mt_charge_atomic(u64 bytes)
{
	return mt_charge_under(&mt_atomic_committed,
			       READ_ONCE(mt_max_atomic_bytes), bytes);
}

/* Give back what mt_charge_atomic() charged. */
static void mt_uncharge_atomic(u64 bytes)
{
	atomic64_sub(bytes, &mt_atomic_committed);
}

/**
 * mt_overhead_charge() - charge the module's own memory (a test, a cache)
 * @res: the caller's reserve, or NULL (see mt_reserve_take())
 * @bytes: how many
 *
 * Context: any context.
 *
 * Return: false, charging nothing, past max_bytes.
 */
bool mt_overhead_charge(struct mt_reserve *res, u64 bytes)
{
	if (!mt_reserve_take(res, bytes, false))
		return false;
	atomic64_add(bytes, &mt_overhead);
	return true;
}

/**
 * mt_overhead_uncharge() - give back what mt_overhead_charge() charged
 * @bytes: how many
 *
 * Context: any context.
 */
void mt_overhead_uncharge(u64 bytes)
{
	atomic64_sub(bytes, &mt_overhead);
	mt_uncharge(bytes);
}

/**
 * mt_reserve_init() - charge a command's worst case up front
 * @res: the reserve, the command's own
 * @bytes: how many
 * @urgent: against max_atomic_bytes too: the command's chunks are
 *	mt_gfp_urgent()
 *
 * Context: any context.
 *
 * Return: false, charging nothing, past max_bytes or max_atomic_bytes.
 */
bool mt_reserve_init(struct mt_reserve *res, u64 bytes, bool urgent)
{
	res->left = 0;
	res->urgent = urgent;
	if (!mt_reserve_take(NULL, bytes, urgent))
		return false;
	res->left = bytes;
	atomic64_add(bytes, &mt_reserved);
	return true;
}

/**
 * mt_reserve_end() - give back what a reserve has left
 * @res: the reserve
 *
 * Context: any context.
 */
void mt_reserve_end(struct mt_reserve *res)
{
	atomic64_sub(res->left, &mt_reserved);
	mt_reserve_give(NULL, res->left, res->urgent);
	res->left = 0;
}

/**
 * mt_reserve_take() - charge bytes from a reserve, or against the caps
 * @res: the caller's reserve, or NULL
 * @bytes: how many
 * @urgent: for a chunk that counts against max_atomic_bytes too
 *
 * From @res when it has them (and, for @urgent bytes, was charged
 * against max_atomic_bytes too); otherwise against max_bytes, and
 * max_atomic_bytes when @urgent.
 *
 * Context: any context; @res is the caller's alone.
 *
 * Return: false, charging nothing, when neither has them.
 */
bool mt_reserve_take(struct mt_reserve *res, u64 bytes, bool urgent)
{
	if (res && res->left >= bytes && (res->urgent || !urgent)) {
		res->left -= bytes;
		atomic64_sub(bytes, &mt_reserved);
		/* bytes that need no atomic charge leave that cap */
		if (res->urgent && !urgent)
			mt_uncharge_atomic(bytes);
		return true;
	}
	if (!mt_charge(bytes))
		return false;
	if (urgent && !mt_charge_atomic(bytes)) {
		mt_uncharge(bytes);
		return false;
	}
	return true;
}

/**
 * mt_reserve_give() - give back charged bytes, to a reserve or the caps
 * @res: the caller's reserve, or NULL
 * @bytes: how many
 * @urgent: they were charged against max_atomic_bytes too
 *
 * To @res when it is charged as they are; otherwise they are uncharged.
 *
 * Context: any context; @res is the caller's alone.
 */
void mt_reserve_give(struct mt_reserve *res, u64 bytes, bool urgent)
{
	if (res && res->urgent == urgent) {
		res->left += bytes;
		atomic64_add(bytes, &mt_reserved);
		return;
	}
	mt_uncharge(bytes);
	if (urgent)
		mt_uncharge_atomic(bytes);
}

/*
 * How long kfree_rcu() may keep an object queued before its grace
 * period is waited for: KFREE_DRAIN_JIFFIES (5 s).
 */
#define MT_RCU_DRAIN		(5 * HZ)
/* Releases share a batch whose due time is theirs rounded up to this. */
#define MT_RCU_SLOT		(HZ / 10)
/* Batches in flight; a full ring folds the newest into the last. */
#define MT_RCU_BATCHES		128
/* How often pending batches are looked at. */
#define MT_RCU_POLL		(HZ / 10)

/**
 * struct mt_rcu_batch - bytes released through RCU at about one time
 * @due: jiffies from which the kernel may have freed them but for a grace
 *	period: the latest release's time plus MT_RCU_DRAIN, rounded up to
 *	MT_RCU_SLOT
 * @state: the grace period waited for from @due on,
 *	start_poll_synchronize_rcu()'s; valid once @started
 * @started: @state was taken, at or after @due
 * @bytes: how many
 * @urgent: of them, charged against max_atomic_bytes too
 */
struct mt_rcu_batch {
	unsigned long due;
	unsigned long state;
	bool started;
	u64 bytes;
	u64 urgent;
};

/*
 * The batches, oldest first, from @head; @nr of them.  @lock, a raw
 * spinlock taken with interrupts off (releases come from any context,
 * hard interrupts included), protects @head, @nr and @b.
 */
static struct {
	raw_spinlock_t lock;
	unsigned int head, nr;
	struct mt_rcu_batch b[MT_RCU_BATCHES];
} mt_rcu = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(mt_rcu.lock),
};

static void mt_rcu_workfn(struct work_struct *work);
static DECLARE_DELAYED_WORK(mt_rcu_work, mt_rcu_workfn);
/* Set from mt_charge_exit() on: the work is not queued again. */
static bool mt_rcu_stopping;

/* The @i-th batch from the oldest.  mt_rcu.lock held. */
static struct mt_rcu_batch *mt_rcu_at(unsigned int i)
{
	return &mt_rcu.b[(mt_rcu.head + i) % MT_RCU_BATCHES];
}

/**
 * mt_rcu_keep() - keep charged what a release through RCU gave the kernel
 * @bytes: the chunk's footprint, charged as mt_reserve_take() charged it
 * @urgent: charged against max_atomic_bytes too
 *
 * The charge goes back once the kernel may have freed the chunk (see the
 * top of this file).
 *
 * Context: any context (hard interrupts included).
 */
void mt_rcu_keep(u64 bytes, bool urgent)
{
	unsigned long due = roundup(jiffies + MT_RCU_DRAIN, MT_RCU_SLOT);
	struct mt_rcu_batch *b = NULL;
	unsigned long flags;
	bool first;

	atomic64_add(bytes, &mt_rcu_pending);
	raw_spin_lock_irqsave(&mt_rcu.lock, flags);
	first = !mt_rcu.nr;
	if (mt_rcu.nr) {
		b = mt_rcu_at(mt_rcu.nr - 1);
		/* the same slot: the same batch; else a new one, if room */
		if (b->due != due && mt_rcu.nr < MT_RCU_BATCHES)
			b = NULL;
	}
	if (!b) {
		b = mt_rcu_at(mt_rcu.nr++);
		b->bytes = 0;
		b->urgent = 0;
		b->due = due;
		b->started = false;
	} else if (b->due != due) {
		/* the ring is full: its last batch waits for this one too */
		b->due = due;
		b->started = false;
	}
	b->bytes += bytes;
	if (urgent)
		b->urgent += bytes;
	raw_spin_unlock_irqrestore(&mt_rcu.lock, flags);
	if (first && !READ_ONCE(mt_rcu_stopping))
		mod_delayed_work(mt_system_dfl_wq, &mt_rcu_work, MT_RCU_POLL);
}

/*
 * Give back the charges of the batches the kernel may have freed, oldest
 * first; take the grace-period state of those now due.  @all: every one,
 * at once (unload).  Return: batches still pending.
 */
static unsigned int mt_rcu_reap(bool all)
{
	unsigned long now = jiffies, state = 0, flags;
	struct mt_rcu_batch *b;
	unsigned int i, nr;
	u64 bytes, urgent;
	bool due = false;

	raw_spin_lock_irqsave(&mt_rcu.lock, flags);
	for (i = 0; i < mt_rcu.nr && !due; i++) {
		b = mt_rcu_at(i);
		due = !b->started && time_after_eq(now, b->due);
	}
	raw_spin_unlock_irqrestore(&mt_rcu.lock, flags);
	/* a grace period from now on, started should nothing else ask one */
	if (due)
		state = start_poll_synchronize_rcu();

	raw_spin_lock_irqsave(&mt_rcu.lock, flags);
	for (i = 0; i < mt_rcu.nr && due; i++) {
		b = mt_rcu_at(i);
		if (!b->started && time_after_eq(now, b->due)) {
			b->state = state;
			b->started = true;
		}
	}
	while (mt_rcu.nr) {
		b = mt_rcu_at(0);
		if (!all && (!b->started ||
			     !poll_state_synchronize_rcu(b->state)))
			break;
		bytes = b->bytes;
		urgent = b->urgent;
		mt_rcu.head = (mt_rcu.head + 1) % MT_RCU_BATCHES;
		mt_rcu.nr--;
		atomic64_sub(bytes, &mt_rcu_pending);
		mt_uncharge(bytes);
		if (urgent)
			mt_uncharge_atomic(urgent);
	}
	nr = mt_rcu.nr;
	raw_spin_unlock_irqrestore(&mt_rcu.lock, flags);
	return nr;
}

static void mt_rcu_workfn(struct work_struct *work)
{
	if (mt_rcu_reap(false) && !READ_ONCE(mt_rcu_stopping))
		queue_delayed_work(mt_system_dfl_wq, &mt_rcu_work,
				   MT_RCU_POLL);
}

/**
 * mt_charge_exit() - at unload, give back what RCU releases keep charged
 *
 * The kernel frees those chunks without the module: nothing of it runs
 * for them, so nothing needs to be waited for.
 *
 * Context: module exit, once nothing releases chunks any more.
 */
void mt_charge_exit(void)
{
	WRITE_ONCE(mt_rcu_stopping, true);
	cancel_delayed_work_sync(&mt_rcu_work);
	mt_rcu_reap(true);
}

#ifdef CONFIG_MALLOC_TEST_KUNIT_TEST
#include "kunit/charge-kunit.h"
#endif
