/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of gfp='s flags (mt_gfp.c): how a choice prints, the
 * kernel's flags it stands for, and which flags may use the kernel's
 * reserves (and so are charged against max_atomic_bytes too).
 *
 * mt_gfp.c includes this file at its bottom when the module is built
 * with its KUnit tests (make kunit: Kbuild's MT_KUNIT=y defines
 * CONFIG_MALLOC_TEST_KUNIT_TEST), as an in-tree unit includes its tests
 * under their Kconfig option: the suite may use the unit's statics, and
 * only the public headers of the others.  Results:
 * /sys/kernel/debug/kunit/malloc_test_gfp/results.
 */
#ifndef _MT_GFP_KUNIT_H
#define _MT_GFP_KUNIT_H

#include <kunit/test.h>
#include <linux/bits.h>

#define G(x)		BIT(MT_GFP_##x)
/* The flags of process context when gfp= is not given (but percpu's). */
#define MT_KU_GFP_DEF	(G(KERNEL) | G(RETRY_MAYFAIL) | G(NOWARN))

/*
 * A choice prints base first, then its modifiers in their fixed order;
 * each stands for the kernel's flag of its name.
 */
static void gfp_flags_test(struct kunit *test)
{
	static const struct {
		unsigned int set;
		gfp_t gfp;
	} flags[] = {
		{ G(KERNEL) | G(NOWARN), GFP_KERNEL | __GFP_NOWARN },
		{ MT_KU_GFP_DEF,
		  GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN },
		{ G(KERNEL) | G(NORETRY) | G(NOWARN),
		  GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN },
		{ G(ATOMIC) | G(ZERO), GFP_ATOMIC | __GFP_ZERO },
		{ G(NOWAIT), GFP_NOWAIT },
		{ G(KERNEL) | G(NORETRY) | G(ACCOUNT),
		  GFP_KERNEL | __GFP_NORETRY | __GFP_ACCOUNT },
		{ G(KERNEL) | G(RETRY_MAYFAIL), GFP_KERNEL | __GFP_RETRY_MAYFAIL },
		{ G(KERNEL) | G(NOFAIL), GFP_KERNEL | __GFP_NOFAIL },
	};
	unsigned int i, all = 0;
	char buf[160];

	/* The printed form: base first, then the fixed order. */
	for (i = 0; i < MT_GFP_NR; i++)
		all |= BIT(i);
	mt_gfp_print(buf, sizeof(buf), all & ~(G(ATOMIC) | G(NOWAIT)));
	KUNIT_EXPECT_STREQ(test, buf,
			   "kernel,noretry,retry_mayfail,nowarn,zero,account,nofail");
	mt_gfp_print(buf, sizeof(buf), G(NOWARN) | G(ATOMIC));
	KUNIT_EXPECT_STREQ(test, buf, "atomic,nowarn");
	mt_gfp_print(buf, sizeof(buf), 0);
	KUNIT_EXPECT_STREQ(test, buf, "");

	/* The flags the choices stand for. */
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		gfp_t got = mt_gfp_flags(flags[i].set);

		KUNIT_EXPECT_TRUE_MSG(test, got == flags[i].gfp,
				      "choice %#x: %pGg, expected %pGg",
				      flags[i].set, &got, &flags[i].gfp);
	}
}

/*
 * mt_gfp_urgent() tells the flags that may use the kernel's reserves:
 * atomic and nofail, whatever their base, not kernel or nowait alone.
 */
static void gfp_urgent_test(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, mt_gfp_urgent(GFP_KERNEL));
	KUNIT_EXPECT_FALSE(test, mt_gfp_urgent(GFP_KERNEL | __GFP_NORETRY |
					       __GFP_NOWARN));
	KUNIT_EXPECT_FALSE(test, mt_gfp_urgent(GFP_KERNEL |
					       __GFP_RETRY_MAYFAIL));
	KUNIT_EXPECT_FALSE(test, mt_gfp_urgent(GFP_NOWAIT));
	KUNIT_EXPECT_TRUE(test, mt_gfp_urgent(GFP_ATOMIC));
	KUNIT_EXPECT_TRUE(test, mt_gfp_urgent(GFP_ATOMIC | __GFP_NOWARN));
	KUNIT_EXPECT_TRUE(test, mt_gfp_urgent(GFP_KERNEL | __GFP_NOFAIL));
	KUNIT_EXPECT_TRUE(test, mt_gfp_urgent(mt_gfp_flags(G(NOWAIT) |
							   G(NOFAIL))));
	KUNIT_EXPECT_TRUE(test, mt_gfp_urgent(mt_gfp_flags(G(ATOMIC))));
	KUNIT_EXPECT_FALSE(test, mt_gfp_urgent(mt_gfp_flags(MT_KU_GFP_DEF)));
}

static struct kunit_case mt_gfp_kunit_cases[] = {
	KUNIT_CASE(gfp_flags_test),
	KUNIT_CASE(gfp_urgent_test),
	{}
};

static struct kunit_suite mt_gfp_kunit_suite = {
	.name = "malloc_test_gfp",
	.test_cases = mt_gfp_kunit_cases,
};

kunit_test_suite(mt_gfp_kunit_suite);

#endif /* _MT_GFP_KUNIT_H */
