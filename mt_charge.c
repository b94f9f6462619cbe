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
 */
#include "malloc_test.h"
#include "mt_charge.h"
#include "mt_gfp.h"
#include "mt_grammar.h"

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>

/* Bytes charged against max_bytes: held, or reserved by a command. */
atomic64_t mt_committed;
/* Of which reserved by commands that have not used them yet. */
atomic64_t mt_reserved;
/* Of which tests' and dedicated caches' own memory. */
atomic64_t mt_overhead;
/* Bytes of chunks allocated with gfp=atomic or nofail. */
atomic64_t mt_atomic_committed;

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

static const struct kernel_param_ops mt_bytes_ops = {
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

#ifdef CONFIG_MALLOC_TEST_KUNIT_TEST
#include "kunit/charge-kunit.h"
#endif
