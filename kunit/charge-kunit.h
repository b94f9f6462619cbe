/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of the caps and the charges against them (mt_charge.c):
 * max_bytes and max_atomic_bytes are never passed but by a forced
 * charge, overhead is counted apart, a reserve is all or nothing.
 *
 * mt_charge.c includes this file at its bottom when the module is built
 * with its KUnit tests (make kunit: Kbuild's MT_KUNIT=y defines
 * CONFIG_MALLOC_TEST_KUNIT_TEST), as an in-tree unit includes its tests
 * under their Kconfig option: the suite may use the unit's statics, and
 * only the public headers of the others.  It runs in the loaded module,
 * whose charges it measures from where they stand and leaves as it found
 * them, caps included.  Results:
 * /sys/kernel/debug/kunit/malloc_test_charge/results.
 */
#ifndef _MT_CHARGE_KUNIT_H
#define _MT_CHARGE_KUNIT_H

#include <kunit/test.h>

/**
 * struct mt_kunit_caps - the caps as a test case found them
 * @max_bytes: mt_max_bytes
 * @max_atomic_bytes: mt_max_atomic_bytes
 */
struct mt_kunit_caps {
	u64 max_bytes, max_atomic_bytes;
};

static void mt_kunit_caps_restore(void *arg)
{
	const struct mt_kunit_caps *caps = arg;

	WRITE_ONCE(mt_max_bytes, caps->max_bytes);
	WRITE_ONCE(mt_max_atomic_bytes, caps->max_atomic_bytes);
}

/* Each case may set the caps: they are put back when it ends. */
static int mt_charge_kunit_init(struct kunit *test)
{
	struct mt_kunit_caps *caps = kunit_kzalloc(test, sizeof(*caps),
						   GFP_KERNEL);

	if (!caps)
		return -ENOMEM;
	caps->max_bytes = READ_ONCE(mt_max_bytes);
	caps->max_atomic_bytes = READ_ONCE(mt_max_atomic_bytes);
	return kunit_add_action_or_reset(test, mt_kunit_caps_restore, caps);
}

/**
 * struct mt_kunit_charges - the four charge counters, relative to a start
 * @committed: mt_committed
 * @reserved: mt_reserved
 * @overhead: mt_overhead
 * @atomic: mt_atomic_committed
 */
struct mt_kunit_charges {
	s64 committed, reserved, overhead, atomic;
};

/* The counters now are @s plus @want, @when. */
static void mt_kunit_expect_charges(struct kunit *test,
				    const struct mt_kunit_charges *s,
				    const struct mt_kunit_charges *want,
				    const char *when)
{
	KUNIT_EXPECT_EQ_MSG(test, atomic64_read(&mt_committed) - s->committed,
			    want->committed, "%s: committed", when);
	KUNIT_EXPECT_EQ_MSG(test, atomic64_read(&mt_reserved) - s->reserved,
			    want->reserved, "%s: reserved", when);
	KUNIT_EXPECT_EQ_MSG(test, atomic64_read(&mt_overhead) - s->overhead,
			    want->overhead, "%s: overhead", when);
	KUNIT_EXPECT_EQ_MSG(test,
			    atomic64_read(&mt_atomic_committed) - s->atomic,
			    want->atomic, "%s: atomic", when);
}

#define MT_KU_EXPECT_CHARGES(test, s, c, r, o, a, when)			\
	mt_kunit_expect_charges(test, s, &(const struct mt_kunit_charges) { \
		.committed = (c), .reserved = (r), .overhead = (o),	\
		.atomic = (a) }, when)

/* Room the charge test gives: under max_bytes, and max_atomic_bytes. */
#define MT_KU_ROOM		10000
#define MT_KU_ATOMIC_ROOM	3000

/*
 * The charge API: charges pass max_bytes never, by one byte or by
 * U64_MAX, and urgent ones max_atomic_bytes never, a refusal charging
 * nothing; overhead is charged and counted apart; mt_charge_force() may
 * pass the caps, and then refuses the next charges; a reserve is charged
 * whole or not at all, takes and gives back what its urgency allows and
 * uncharges the rest, ends giving back what it has left.  Every counter
 * is back where it was at the end.
 */
static void charge_api_test(struct kunit *test)
{
	struct mt_kunit_charges s = {
		.committed = atomic64_read(&mt_committed),
		.reserved = atomic64_read(&mt_reserved),
		.overhead = atomic64_read(&mt_overhead),
		.atomic = atomic64_read(&mt_atomic_committed),
	};
	struct mt_reserve res;

	WRITE_ONCE(mt_max_bytes, s.committed + MT_KU_ROOM);
	WRITE_ONCE(mt_max_atomic_bytes, s.atomic + MT_KU_ATOMIC_ROOM);

	/* max_bytes: up to it exactly, not a byte past */
	KUNIT_EXPECT_FALSE(test, mt_charge(MT_KU_ROOM + 1));
	KUNIT_EXPECT_FALSE(test, mt_charge(U64_MAX));
	MT_KU_EXPECT_CHARGES(test, &s, 0, 0, 0, 0, "refused");
	KUNIT_EXPECT_TRUE(test, mt_charge(MT_KU_ROOM - 1));
	KUNIT_EXPECT_TRUE(test, mt_charge(1));
	KUNIT_EXPECT_FALSE(test, mt_charge(1));
	KUNIT_EXPECT_TRUE(test, mt_charge(0));
	MT_KU_EXPECT_CHARGES(test, &s, MT_KU_ROOM, 0, 0, 0, "full");
	mt_uncharge(MT_KU_ROOM);
	MT_KU_EXPECT_CHARGES(test, &s, 0, 0, 0, 0, "uncharged");

	/* overhead: against max_bytes, counted apart */
	KUNIT_EXPECT_FALSE(test, mt_overhead_charge(NULL, MT_KU_ROOM + 1));
	KUNIT_EXPECT_TRUE(test, mt_overhead_charge(NULL, 4000));
	MT_KU_EXPECT_CHARGES(test, &s, 4000, 0, 4000, 0, "overhead");
	KUNIT_EXPECT_FALSE(test, mt_charge(MT_KU_ROOM - 4000 + 1));
	mt_overhead_uncharge(4000);
	MT_KU_EXPECT_CHARGES(test, &s, 0, 0, 0, 0, "overhead back");

	/* urgent: against both caps; a refusal by either charges nothing */
	KUNIT_EXPECT_TRUE(test, mt_reserve_take(NULL, 2000, true));
	MT_KU_EXPECT_CHARGES(test, &s, 2000, 0, 0, 2000, "urgent");
	KUNIT_EXPECT_FALSE(test, mt_reserve_take(NULL, 1001, true));
	MT_KU_EXPECT_CHARGES(test, &s, 2000, 0, 0, 2000,
			     "urgent past max_atomic_bytes");
	KUNIT_EXPECT_TRUE(test, mt_reserve_take(NULL, 1000, true));
	KUNIT_EXPECT_FALSE(test, mt_reserve_take(NULL, 1, true));
	KUNIT_EXPECT_TRUE(test, mt_reserve_take(NULL, MT_KU_ROOM - 3000,
						false));
	KUNIT_EXPECT_FALSE(test, mt_reserve_take(NULL, 1, false));
	MT_KU_EXPECT_CHARGES(test, &s, MT_KU_ROOM, 0, 0, 3000, "both full");
	mt_reserve_give(NULL, MT_KU_ROOM - 3000, false);
	mt_reserve_give(NULL, 3000, true);
	MT_KU_EXPECT_CHARGES(test, &s, 0, 0, 0, 0, "given back");

	/* forced past the caps: exact, and the next charges refused */
	mt_charge_force(MT_KU_ROOM + 500, true);
	MT_KU_EXPECT_CHARGES(test, &s, MT_KU_ROOM + 500, 0, 0,
			     MT_KU_ROOM + 500, "forced");
	KUNIT_EXPECT_FALSE(test, mt_charge(1));
	KUNIT_EXPECT_FALSE(test, mt_reserve_take(NULL, 1, false));
	mt_reserve_give(NULL, MT_KU_ROOM + 500, true);
	MT_KU_EXPECT_CHARGES(test, &s, 0, 0, 0, 0, "forced, given back");

	/* a reserve: all or nothing */
	KUNIT_EXPECT_FALSE(test, mt_reserve_init(&res, MT_KU_ROOM + 1, false));
	KUNIT_EXPECT_EQ(test, res.left, 0);
	KUNIT_EXPECT_FALSE(test, mt_reserve_init(&res, MT_KU_ATOMIC_ROOM + 1,
						 true));
	KUNIT_EXPECT_EQ(test, res.left, 0);
	mt_reserve_end(&res);
	MT_KU_EXPECT_CHARGES(test, &s, 0, 0, 0, 0, "reserves refused");

	/* a plain reserve */
	KUNIT_ASSERT_TRUE(test, mt_reserve_init(&res, 5000, false));
	KUNIT_EXPECT_EQ(test, res.left, 5000);
	MT_KU_EXPECT_CHARGES(test, &s, 5000, 5000, 0, 0, "reserved");
	KUNIT_EXPECT_TRUE(test, mt_reserve_take(&res, 3000, false));
	KUNIT_EXPECT_EQ(test, res.left, 2000);
	MT_KU_EXPECT_CHARGES(test, &s, 5000, 2000, 0, 0, "taken");
	/* more than it has: against max_bytes, the reserve untouched */
	KUNIT_EXPECT_TRUE(test, mt_reserve_take(&res, 3000, false));
	KUNIT_EXPECT_EQ(test, res.left, 2000);
	MT_KU_EXPECT_CHARGES(test, &s, 8000, 2000, 0, 0, "past the reserve");
	KUNIT_EXPECT_FALSE(test, mt_reserve_take(&res, 2001, false));
	KUNIT_EXPECT_EQ(test, res.left, 2000);
	/* urgent bytes are not a plain reserve's: against both caps */
	KUNIT_EXPECT_TRUE(test, mt_reserve_take(&res, 1000, true));
	KUNIT_EXPECT_EQ(test, res.left, 2000);
	MT_KU_EXPECT_CHARGES(test, &s, 9000, 2000, 0, 1000, "urgent taken");
	/* ... nor given back to it */
	mt_reserve_give(&res, 1000, true);
	KUNIT_EXPECT_EQ(test, res.left, 2000);
	MT_KU_EXPECT_CHARGES(test, &s, 8000, 2000, 0, 0, "urgent given");
	mt_reserve_give(&res, 3000, false);
	KUNIT_EXPECT_EQ(test, res.left, 5000);
	MT_KU_EXPECT_CHARGES(test, &s, 8000, 5000, 0, 0, "given back");
	mt_reserve_give(NULL, 3000, false);
	MT_KU_EXPECT_CHARGES(test, &s, 5000, 5000, 0, 0, "given");
	mt_reserve_end(&res);
	KUNIT_EXPECT_EQ(test, res.left, 0);
	MT_KU_EXPECT_CHARGES(test, &s, 0, 0, 0, 0, "ended");
	mt_reserve_end(&res);
	MT_KU_EXPECT_CHARGES(test, &s, 0, 0, 0, 0, "ended twice");

	/* an urgent reserve: against max_atomic_bytes too */
	KUNIT_ASSERT_TRUE(test, mt_reserve_init(&res, 2500, true));
	MT_KU_EXPECT_CHARGES(test, &s, 2500, 2500, 0, 2500, "urgent reserve");
	KUNIT_EXPECT_FALSE(test, mt_reserve_take(NULL, 501, true));
	KUNIT_EXPECT_TRUE(test, mt_reserve_take(&res, 1000, true));
	KUNIT_EXPECT_EQ(test, res.left, 1500);
	MT_KU_EXPECT_CHARGES(test, &s, 2500, 1500, 0, 2500, "urgent taken");
	/* plain bytes from it leave max_atomic_bytes */
	KUNIT_EXPECT_TRUE(test, mt_reserve_take(&res, 500, false));
	KUNIT_EXPECT_EQ(test, res.left, 1000);
	MT_KU_EXPECT_CHARGES(test, &s, 2500, 1000, 0, 2000, "plain taken");
	/* and, given back, are uncharged, not put in it */
	mt_reserve_give(&res, 500, false);
	KUNIT_EXPECT_EQ(test, res.left, 1000);
	MT_KU_EXPECT_CHARGES(test, &s, 2000, 1000, 0, 2000, "plain given");
	mt_reserve_give(&res, 1000, true);
	KUNIT_EXPECT_EQ(test, res.left, 2000);
	MT_KU_EXPECT_CHARGES(test, &s, 2000, 2000, 0, 2000, "urgent given");
	mt_reserve_end(&res);
	MT_KU_EXPECT_CHARGES(test, &s, 0, 0, 0, 0, "urgent reserve ended");

	MT_KU_EXPECT_CHARGES(test, &s, 0, 0, 0, 0, "the end");
}

/* Make every pending RCU batch due now, as if its time had passed. */
static void mt_kunit_rcu_all_due(void)
{
	unsigned long flags;
	unsigned int i;

	raw_spin_lock_irqsave(&mt_rcu.lock, flags);
	for (i = 0; i < mt_rcu.nr; i++)
		mt_rcu_at(i)->due = jiffies - 1;
	raw_spin_unlock_irqrestore(&mt_rcu.lock, flags);
}

/*
 * A release through RCU keeps its charge, max_atomic_bytes' too, as
 * rcu_pending, until it is due and a grace period from then has passed;
 * releases in one slot share a batch.
 */
static void rcu_keep_test(struct kunit *test)
{
	s64 c0 = atomic64_read(&mt_committed);
	s64 a0 = atomic64_read(&mt_atomic_committed);
	s64 p0 = atomic64_read(&mt_rcu_pending);
	unsigned int nr0 = mt_rcu.nr;

	/* the suite runs at load: nothing released through RCU before */
	KUNIT_ASSERT_EQ(test, p0, 0);
	KUNIT_ASSERT_TRUE(test, mt_reserve_take(NULL, 1000, true));
	KUNIT_ASSERT_TRUE(test, mt_reserve_take(NULL, 2000, false));
	mt_rcu_keep(1000, true);
	mt_rcu_keep(2000, false);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_rcu_pending) - p0, 3000);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed) - c0, 3000);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_atomic_committed) - a0, 1000);
	/* one slot, one batch; two if a slot's end fell between them */
	KUNIT_EXPECT_LE(test, mt_rcu.nr - nr0, 2U);
	KUNIT_EXPECT_GE(test, mt_rcu.nr - nr0, 1U);

	/* not due for 5 s: nothing goes back */
	mt_rcu_reap(false);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_rcu_pending) - p0, 3000);

	/* due: a grace period from then, and all of it goes back */
	mt_kunit_rcu_all_due();
	mt_rcu_reap(false);
	synchronize_rcu();
	mt_rcu_reap(false);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_rcu_pending), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed) - c0, 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_atomic_committed) - a0, 0);
	KUNIT_EXPECT_EQ(test, mt_rcu.nr, 0U);
}

static struct kunit_case mt_charge_kunit_cases[] = {
	KUNIT_CASE(charge_api_test),
	KUNIT_CASE(rcu_keep_test),
	{}
};

static struct kunit_suite mt_charge_kunit_suite = {
	.name = "malloc_test_charge",
	.init = mt_charge_kunit_init,
	.test_cases = mt_charge_kunit_cases,
};

kunit_test_suite(mt_charge_kunit_suite);

#endif /* _MT_CHARGE_KUNIT_H */
