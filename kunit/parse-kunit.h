/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of the command parser (mt_parse.c) over the grammar's
 * table (mt_grammar.c): numbers, units and the options (alloc=, gfp=,
 * node=, ctx=, cpu=, free=), whitespace and quoting, the reasons of its
 * refusals, and every command and option of the table.
 *
 * mt_parse.c includes this file at its bottom when the module is built
 * with its KUnit tests (make kunit: Kbuild's MT_KUNIT=y defines
 * CONFIG_MALLOC_TEST_KUNIT_TEST), as an in-tree unit includes its tests
 * under their Kconfig option: the suite may use the unit's statics, and
 * only the public headers of the others.  It runs in the loaded module,
 * whose alloc parameter it sets for each case and puts back.  Results:
 * /sys/kernel/debug/kunit/malloc_test_parse/results.
 */
#ifndef _MT_PARSE_KUNIT_H
#define _MT_PARSE_KUNIT_H

#include <kunit/test.h>
#include <linux/bits.h>

#include "../mt_gfp.h"

/*
 * The allocator the tests set as the alloc parameter: not the module's
 * default (kvmalloc), so that a parser ignoring the parameter shows.
 */
#define MT_KUNIT_DEF		MT_VMALLOC

static void mt_kunit_alloc_restore(void *arg)
{
	WRITE_ONCE(mt_default_alloc, (uintptr_t)arg);
}

/* Each case starts with MT_KUNIT_DEF, and the parameter is put back. */
static int mt_parse_kunit_init(struct kunit *test)
{
	uintptr_t was = READ_ONCE(mt_default_alloc);

	WRITE_ONCE(mt_default_alloc, MT_KUNIT_DEF);
	return kunit_add_action_or_reset(test, mt_kunit_alloc_restore,
					 (void *)was);
}

/* The shapes of the commands' arguments: the grammar's own table. */
#define syn_alloc	mt_syntax[MT_CMD_ALLOC]
#define syn_free	mt_syntax[MT_CMD_FREE]
#define syn_rnd		mt_syntax[MT_CMD_RND_ALLOC]
#define syn_start	mt_syntax[MT_CMD_TEST_START]
#define syn_id		mt_syntax[MT_CMD_TEST_STOP]

/**
 * struct mt_kunit_ok - a command the parser must accept
 * @cmd: the command, as the write handler hands it over
 * @syn: the shape it is parsed against
 * @nr: how many numbers it has
 * @val: the numbers, sizes in bytes; the unused ones 0
 * @kind: the allocator
 */
struct mt_kunit_ok {
	const char *cmd;
	const struct mt_syntax *syn;
	unsigned int nr;
	u64 val[MT_MAX_ARGS];
	enum mt_alloc_kind kind;
};

/**
 * struct mt_kunit_bad - a command the parser must refuse
 * @cmd: the command
 * @syn: the shape it is parsed against
 * @why: the reason it must give, exactly
 */
struct mt_kunit_bad {
	const char *cmd;
	const struct mt_syntax *syn;
	const char *why;
};

/* Parse a copy of exactly @cmd's size: the parser tokenises in place. */
static int mt_kunit_parse(struct kunit *test, const char *cmd,
			  const struct mt_syntax *syn, struct mt_args *a,
			  char *why, size_t whylen)
{
	char *buf = kunit_kstrdup(test, cmd, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* stale values must not survive into the result */
	memset(a, 0xa5, sizeof(*a));
	why[0] = '\0';
	return mt_parse(buf, syn, a, why, whylen);
}

static void mt_kunit_accepts(struct kunit *test,
			     const struct mt_kunit_ok *t, size_t n)
{
	char why[MT_REASON_MAX];
	struct mt_args a;
	unsigned int j;
	size_t i;
	int ret;

	for (i = 0; i < n; i++, t++) {
		int len = strlen(t->cmd);

		ret = mt_kunit_parse(test, t->cmd, t->syn, &a, why,
				     sizeof(why));
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "'%*pE' refused: %s",
				    len, t->cmd, why);
		if (ret)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, a.nr, t->nr, "'%*pE'", len, t->cmd);
		for (j = 0; j < MT_MAX_ARGS; j++)
			KUNIT_EXPECT_EQ_MSG(test, a.val[j], t->val[j],
					    "'%*pE', number %u", len, t->cmd,
					    j + 1);
		KUNIT_EXPECT_EQ_MSG(test, a.o.kind, t->kind, "'%*pE'",
				    len, t->cmd);
	}
}

static void mt_kunit_refuses(struct kunit *test,
			     const struct mt_kunit_bad *t, size_t n)
{
	char why[MT_REASON_MAX];
	struct mt_args a;
	size_t i;

	for (i = 0; i < n; i++, t++) {
		int len = strlen(t->cmd);

		KUNIT_EXPECT_EQ_MSG(test, mt_kunit_parse(test, t->cmd, t->syn,
							 &a, why, sizeof(why)),
				    -EINVAL, "'%*pE'", len, t->cmd);
		KUNIT_EXPECT_STREQ_MSG(test, why, t->why, "'%*pE'",
				       len, t->cmd);
	}
}

/* Numbers: unsigned decimal, 64-bit, as many as the command takes. */
static void parse_numbers_test(struct kunit *test)
{
	static const struct mt_kunit_ok ok[] = {
		{ "0", &syn_alloc, 1, { 0 }, MT_KUNIT_DEF },
		{ "1", &syn_alloc, 1, { 1 }, MT_KUNIT_DEF },
		{ "007", &syn_alloc, 1, { 7 }, MT_KUNIT_DEF },
		{ "18446744073709551615", &syn_alloc, 1, { U64_MAX },
		  MT_KUNIT_DEF },
		{ "18446744073709551615", &syn_id, 1, { U64_MAX },
		  MT_KUNIT_DEF },
		{ "1 2 3", &syn_rnd, 3, { 1, 2, 3 }, MT_KUNIT_DEF },
		{ "1 2 3 4 5 6", &syn_start, 6, { 1, 2, 3, 4, 5, 6 },
		  MT_KUNIT_DEF },
		{ "42", &syn_free, 1, { 42 }, MT_KUNIT_DEF },
	};
	static const struct mt_kunit_bad bad[] = {
		{ "-5", &syn_alloc, "'-5' is not an unsigned 64-bit number" },
		{ "-", &syn_alloc, "'-' is not an unsigned 64-bit number" },
		{ "0x10", &syn_alloc,
		  "'0x10' is not an unsigned 64-bit number" },
		{ "12abc", &syn_alloc,
		  "'12abc' is not an unsigned 64-bit number" },
		{ "10k", &syn_alloc, "'10k' is not an unsigned 64-bit number" },
		{ "1e3", &syn_alloc, "'1e3' is not an unsigned 64-bit number" },
		{ "1.5", &syn_alloc, "'1.5' is not an unsigned 64-bit number" },
		{ "18446744073709551616", &syn_alloc,
		  "'18446744073709551616' is not an unsigned 64-bit number" },
		{ "1 2 -3", &syn_rnd, "'-3' is not an unsigned 64-bit number" },
		{ "abc", &syn_alloc, "unexpected 'abc'" },
		{ "10 abc", &syn_alloc, "unexpected 'abc'" },
	};

	mt_kunit_accepts(test, ok, ARRAY_SIZE(ok));
	mt_kunit_refuses(test, bad, ARRAY_SIZE(bad));
}

/* Too few and too many numbers, for each shape of command. */
static void parse_count_test(struct kunit *test)
{
	static const struct mt_kunit_ok ok[] = {
		{ "", &syn_free, 0, { 0 }, MT_KUNIT_DEF },
		{ "7 k", &syn_free, 1, { 7 << 10 }, MT_KUNIT_DEF },
	};
	static const struct mt_kunit_bad bad[] = {
		{ "", &syn_alloc, "too few numbers: 0 given, 1 needed" },
		{ "1 2", &syn_alloc, "too many numbers: at most 1" },
		{ "1 2", &syn_free, "too many numbers: at most 1" },
		{ "1 2", &syn_id, "too many numbers: at most 1" },
		{ "1 2", &syn_rnd, "too few numbers: 2 given, 3 needed" },
		{ "1 2 k", &syn_rnd, "too few numbers: 2 given, 3 needed" },
		{ "1 2 3 4", &syn_rnd, "too many numbers: at most 3" },
		{ "1 2 3 4 5", &syn_start,
		  "too few numbers: 5 given, 6 needed" },
		{ "1 2 3 4 5 6 7", &syn_start, "too many numbers: at most 6" },
		/* counted before the unit: "at most", not "after the unit" */
		{ "1 2 3 4 5 6 7 k", &syn_start,
		  "too many numbers: at most 6" },
	};

	mt_kunit_accepts(test, ok, ARRAY_SIZE(ok));
	mt_kunit_refuses(test, bad, ARRAY_SIZE(bad));
}

/*
 * Tokens are separated by runs of spaces, tabs and newlines.  The write
 * handler strips whitespace around the command (strim()), so other
 * whitespace reaches the parser only inside it, where it is no separator.
 */
static void parse_whitespace_test(struct kunit *test)
{
	static const struct mt_kunit_ok ok[] = {
		{ "  10 k", &syn_alloc, 1, { 10 << 10 }, MT_KUNIT_DEF },
		{ "10 k  ", &syn_alloc, 1, { 10 << 10 }, MT_KUNIT_DEF },
		{ "10\tk", &syn_alloc, 1, { 10 << 10 }, MT_KUNIT_DEF },
		{ "\t10\t\tk\t", &syn_alloc, 1, { 10 << 10 }, MT_KUNIT_DEF },
		{ " \t 10 \t k \t\n", &syn_alloc, 1, { 10 << 10 },
		  MT_KUNIT_DEF },
		{ "10 k\n", &syn_alloc, 1, { 10 << 10 }, MT_KUNIT_DEF },
		{ "1  2\t\t3   m  alloc=kmalloc", &syn_rnd, 3,
		  { 1 << 20, 2 << 20, 3 << 20 }, MT_KMALLOC },
		{ " ", &syn_free, 0, { 0 }, MT_KUNIT_DEF },
		{ "\t", &syn_free, 0, { 0 }, MT_KUNIT_DEF },
		{ "\n", &syn_free, 0, { 0 }, MT_KUNIT_DEF },
		{ " \t\n ", &syn_free, 0, { 0 }, MT_KUNIT_DEF },
	};
	static const struct mt_kunit_bad bad[] = {
		{ " ", &syn_alloc, "too few numbers: 0 given, 1 needed" },
		{ "\t\n", &syn_alloc, "too few numbers: 0 given, 1 needed" },
		{ "10\r k", &syn_alloc,
		  "'10\\r' is not an unsigned 64-bit number" },
		{ "10\vk", &syn_alloc,
		  "'10\\vk' is not an unsigned 64-bit number" },
		{ "10 \fk", &syn_alloc, "unexpected '\\fk'" },
		{ "10 k\r", &syn_alloc, "unexpected 'k\\r'" },
	};

	mt_kunit_accepts(test, ok, ARRAY_SIZE(ok));
	mt_kunit_refuses(test, bad, ARRAY_SIZE(bad));
}

/*
 * b, k, m, g in either case, powers of 1024, scaling every size of the
 * command and nothing else; one unit, after the numbers, before options.
 */
static void parse_units_test(struct kunit *test)
{
	static const struct mt_kunit_ok ok[] = {
		{ "3", &syn_alloc, 1, { 3 }, MT_KUNIT_DEF },
		{ "3 b", &syn_alloc, 1, { 3 }, MT_KUNIT_DEF },
		{ "3 B", &syn_alloc, 1, { 3 }, MT_KUNIT_DEF },
		{ "3 k", &syn_alloc, 1, { 3ULL << 10 }, MT_KUNIT_DEF },
		{ "3 K", &syn_alloc, 1, { 3ULL << 10 }, MT_KUNIT_DEF },
		{ "3 m", &syn_alloc, 1, { 3ULL << 20 }, MT_KUNIT_DEF },
		{ "3 M", &syn_alloc, 1, { 3ULL << 20 }, MT_KUNIT_DEF },
		{ "3 g", &syn_alloc, 1, { 3ULL << 30 }, MT_KUNIT_DEF },
		{ "3 G", &syn_alloc, 1, { 3ULL << 30 }, MT_KUNIT_DEF },
		{ "0 g", &syn_alloc, 1, { 0 }, MT_KUNIT_DEF },
		{ "5 K", &syn_free, 1, { 5ULL << 10 }, MT_KUNIT_DEF },
		{ "1 2 3 m", &syn_rnd, 3, { 1 << 20, 2 << 20, 3 << 20 },
		  MT_KUNIT_DEF },
		/* the times (numbers 4 to 6) stay as they are */
		{ "1 2 3 4 5 6 k", &syn_start, 6,
		  { 1 << 10, 2 << 10, 3 << 10, 4, 5, 6 }, MT_KUNIT_DEF },
	};
	static const struct mt_kunit_bad bad[] = {
		{ "10 x", &syn_alloc, "unexpected 'x'" },
		{ "10 kb", &syn_alloc, "unexpected 'kb'" },
		{ "10 KiB", &syn_alloc, "unexpected 'KiB'" },
		{ "10 t", &syn_alloc, "unexpected 't'" },
		{ "10 kk", &syn_alloc, "unexpected 'kk'" },
		{ "k", &syn_free, "unexpected 'k'" },
		{ "k 10", &syn_alloc, "unexpected 'k'" },
		{ "10 k k", &syn_alloc, "unexpected 'k'" },
		{ "10 k m", &syn_alloc, "unexpected 'm'" },
		{ "10 k 5", &syn_free, "number '5' after the unit or an option" },
		{ "1 2 k 3", &syn_rnd, "number '3' after the unit or an option" },
		{ "10 alloc=vmalloc k", &syn_alloc, "unexpected 'k'" },
		/* ids take no unit */
		{ "1 k", &syn_id, "unexpected 'k'" },
		{ "1 b", &syn_id, "unexpected 'b'" },
	};

	mt_kunit_accepts(test, ok, ARRAY_SIZE(ok));
	mt_kunit_refuses(test, bad, ARRAY_SIZE(bad));
}

/*
 * A size that overflows 64 bits in its unit is refused; the largest that
 * fits is taken.  The largest number of each unit is U64_MAX >> shift.
 */
static void parse_unit_overflow_test(struct kunit *test)
{
	static const struct mt_kunit_ok ok[] = {
		{ "18446744073709551615 b", &syn_alloc, 1, { U64_MAX },
		  MT_KUNIT_DEF },
		{ "18014398509481983 k", &syn_alloc, 1,
		  { (U64_MAX >> 10) << 10 }, MT_KUNIT_DEF },
		{ "17592186044415 M", &syn_alloc, 1,
		  { (U64_MAX >> 20) << 20 }, MT_KUNIT_DEF },
		{ "17179869183 g", &syn_alloc, 1,
		  { (U64_MAX >> 30) << 30 }, MT_KUNIT_DEF },
		/* 2^24 GiB is 2^54 bytes: big, but no overflow */
		{ "16777216 g", &syn_alloc, 1, { 1ULL << 54 }, MT_KUNIT_DEF },
		/* a time is not scaled, so it cannot overflow */
		{ "1 2 3 17179869184 18446744073709551615 6 g", &syn_start, 6,
		  { 1ULL << 30, 2ULL << 30, 3ULL << 30, 17179869184ULL,
		    U64_MAX, 6 }, MT_KUNIT_DEF },
	};
	static const struct mt_kunit_bad bad[] = {
		{ "18014398509481984 k", &syn_alloc,
		  "18014398509481984 k overflows 64 bits" },
		{ "17592186044416 m", &syn_alloc,
		  "17592186044416 m overflows 64 bits" },
		{ "17179869184 g", &syn_alloc,
		  "17179869184 g overflows 64 bits" },
		{ "17179869184 G", &syn_free,
		  "17179869184 G overflows 64 bits" },
		{ "18446744073709551615 k", &syn_alloc,
		  "18446744073709551615 k overflows 64 bits" },
		{ "1 17179869184 3 g", &syn_rnd,
		  "17179869184 g overflows 64 bits" },
		{ "1 2 17179869184 1 2 3 g", &syn_start,
		  "17179869184 g overflows 64 bits" },
	};

	mt_kunit_accepts(test, ok, ARRAY_SIZE(ok));
	mt_kunit_refuses(test, bad, ARRAY_SIZE(bad));
}

/*
 * mt_size_parse(), the one reader of a size written as one word (option
 * values, max_bytes, mtctl's --size): digits and one unit letter of
 * either case attached; nothing else; overflow refused as -ERANGE, never
 * wrapped, @out untouched.  mt_size_shift() at the edge of each unit.
 */
static void size_parse_test(struct kunit *test)
{
	static const struct {
		const char *s;
		int ret;
		u64 v;
	} cases[] = {
		{ "0", 0, 0 },
		{ "64", 0, 64 },
		{ "64b", 0, 64 },
		{ "4k", 0, 4096 },
		{ "4K", 0, 4096 },
		{ "1m", 0, 1ULL << 20 },
		{ "1G", 0, 1ULL << 30 },
		{ "007k", 0, 7 << 10 },
		{ "18446744073709551615", 0, U64_MAX },
		{ "18446744073709551615b", 0, U64_MAX },
		{ "18014398509481983k", 0, (U64_MAX >> 10) << 10 },
		{ "17179869183g", 0, (U64_MAX >> 30) << 30 },
		{ "18446744073709551616", -ERANGE },
		{ "99999999999999999999999", -ERANGE },
		{ "18014398509481984k", -ERANGE },
		{ "17179869184g", -ERANGE },
		{ "", -EINVAL },
		{ "k", -EINVAL },
		{ "4x", -EINVAL },
		{ "4kb", -EINVAL },
		{ "4 k", -EINVAL },
		{ " 4", -EINVAL },
		{ "4\n", -EINVAL },
		{ "+4", -EINVAL },
		{ "-4", -EINVAL },
		{ "0x10", -EINVAL },
		{ "1.5k", -EINVAL },
		{ "4t", -EINVAL },
	};
	unsigned long long v;
	unsigned int i;
	u64 want;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		/* a refusal leaves @v as it was */
		want = 0xabcdef;
		if (!cases[i].ret)
			want = cases[i].v;
		v = 0xabcdef;
		KUNIT_EXPECT_EQ_MSG(test, mt_size_parse(cases[i].s, &v),
				    cases[i].ret, "'%s'", cases[i].s);
		KUNIT_EXPECT_EQ_MSG(test, (u64)v, want, "'%s'", cases[i].s);
	}
	KUNIT_EXPECT_EQ(test, mt_size_shift(U64_MAX >> 20, 20, &v), 0);
	KUNIT_EXPECT_EQ(test, (u64)v, (U64_MAX >> 20) << 20);
	KUNIT_EXPECT_EQ(test, mt_size_shift((U64_MAX >> 20) + 1, 20, &v),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, mt_size_shift(U64_MAX, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, (u64)v, U64_MAX);
}

/* Reasons of the options' refusals: what each command takes. */
#define MT_KU_TAKES_KEPT	"(this command takes alloc, gfp, node, avail)"
#define MT_KU_TAKES_ALLOC	"(this command takes alloc, gfp, node)"
#define MT_KU_TAKES_TEST	"(this command takes alloc, gfp, node, ctx, cpu, free, bulk, release, reserve)"
#define MT_KU_TAKES_NONE	"(this command takes none)"
#define MT_KU_ALLOCATORS	"(kmalloc, vmalloc, kvmalloc, pages, cache, percpu, kmalloc_nolock, pages_nolock or mempool)"

/*
 * KEY=VALUE options: each command its own set, each key once, after the
 * numbers and the unit; alloc= names one of the six allocators.
 */
static void parse_options_test(struct kunit *test)
{
	static const struct mt_kunit_ok ok[] = {
		{ "10 alloc=kmalloc", &syn_alloc, 1, { 10 }, MT_KMALLOC },
		{ "10 alloc=vmalloc", &syn_alloc, 1, { 10 }, MT_VMALLOC },
		{ "10 alloc=kvmalloc", &syn_alloc, 1, { 10 }, MT_KVMALLOC },
		{ "10 alloc=pages", &syn_alloc, 1, { 10 }, MT_PAGES },
		{ "10 alloc=cache", &syn_alloc, 1, { 10 }, MT_CACHE },
		{ "10 alloc=percpu", &syn_alloc, 1, { 10 }, MT_PERCPU },
		{ "10 k alloc=kmalloc", &syn_alloc, 1, { 10 << 10 },
		  MT_KMALLOC },
		{ "1 2 3 alloc=cache", &syn_rnd, 3, { 1, 2, 3 }, MT_CACHE },
		{ "1 2 3 4 5 6 alloc=kmalloc", &syn_start, 6,
		  { 1, 2, 3, 4, 5, 6 }, MT_KMALLOC },
		/* options in any order */
		{ "1 2 3 4 5 6 free=lifo cpu=0 ctx=work node=0 gfp=zero alloc=pages",
		  &syn_start, 6, { 1, 2, 3, 4, 5, 6 }, MT_PAGES },
		{ "10 node=0 alloc=percpu", &syn_alloc, 1, { 10 }, MT_PERCPU },
	};
	static const struct mt_kunit_bad bad[] = {
		{ "10 alloc=slab", &syn_alloc,
		  "unknown allocator 'slab' " MT_KU_ALLOCATORS },
		{ "10 alloc=KMALLOC", &syn_alloc,
		  "unknown allocator 'KMALLOC' " MT_KU_ALLOCATORS },
		{ "10 alloc=page", &syn_alloc,
		  "unknown allocator 'page' " MT_KU_ALLOCATORS },
		{ "10 alloc=", &syn_alloc,
		  "unknown allocator '' " MT_KU_ALLOCATORS },
		{ "10 alloc=kmalloc=1", &syn_alloc,
		  "unknown allocator 'kmalloc=1' " MT_KU_ALLOCATORS },
		{ "10 foo=bar", &syn_alloc,
		  "unknown option 'foo' " MT_KU_TAKES_KEPT },
		{ "10 Alloc=kmalloc", &syn_alloc,
		  "unknown option 'Alloc' " MT_KU_TAKES_KEPT },
		{ "10 GFP=kernel", &syn_alloc,
		  "unknown option 'GFP' " MT_KU_TAKES_KEPT },
		{ "10 =kmalloc", &syn_alloc,
		  "unknown option '' " MT_KU_TAKES_KEPT },
		{ "1 2 3 4 5 6 foo=1", &syn_start,
		  "unknown option 'foo' " MT_KU_TAKES_TEST },
		{ "1 2 3 4 5 6 nodes=0", &syn_start,
		  "unknown option 'nodes' " MT_KU_TAKES_TEST },
		/* a test's options, to commands that start none */
		{ "10 ctx=work", &syn_alloc,
		  "unknown option 'ctx' " MT_KU_TAKES_KEPT },
		{ "1 2 3 cpu=0", &syn_rnd,
		  "unknown option 'cpu' " MT_KU_TAKES_ALLOC },
		{ "1 2 3 free=all", &syn_rnd,
		  "unknown option 'free' " MT_KU_TAKES_ALLOC },
		/* commands that allocate nothing take no allocation option */
		{ "10 alloc=kmalloc", &syn_free,
		  "unknown option 'alloc' (this command takes release)" },
		{ "10 gfp=kernel", &syn_free,
		  "unknown option 'gfp' (this command takes release)" },
		{ "1 alloc=kmalloc", &syn_id,
		  "unknown option 'alloc' " MT_KU_TAKES_NONE },
		{ "1 node=0", &syn_id,
		  "unknown option 'node' " MT_KU_TAKES_NONE },
		/* each key once, whatever its values */
		{ "10 alloc=kmalloc alloc=kmalloc", &syn_alloc,
		  "alloc= given twice" },
		{ "10 alloc=kmalloc alloc=slab", &syn_alloc,
		  "alloc= given twice" },
		{ "10 gfp=kernel gfp=kernel", &syn_alloc, "gfp= given twice" },
		{ "10 node=0 gfp=zero node=0", &syn_alloc, "node= given twice" },
		{ "1 2 3 4 5 6 ctx=work ctx=timer", &syn_start,
		  "ctx= given twice" },
		{ "1 2 3 4 5 6 cpu=0 cpu=0", &syn_start, "cpu= given twice" },
		{ "1 2 3 4 5 6 free=all free=x", &syn_start,
		  "free= given twice" },
		/* after the numbers and the unit */
		{ "alloc=kmalloc 10", &syn_alloc,
		  "number '10' after the unit or an option" },
		{ "1 2 alloc=kmalloc 3", &syn_rnd,
		  "number '3' after the unit or an option" },
		{ "10 node=0 k", &syn_alloc, "unexpected 'k'" },
	};
	static const struct mt_kunit_ok kmalloc_default[] = {
		{ "10", &syn_alloc, 1, { 10 }, MT_KMALLOC },
		{ "10 alloc=kvmalloc", &syn_alloc, 1, { 10 }, MT_KVMALLOC },
	};
	static const struct mt_kunit_ok percpu_default[] = {
		{ "1 2 3", &syn_rnd, 3, { 1, 2, 3 }, MT_PERCPU },
		{ "1 2 3 alloc=pages", &syn_rnd, 3, { 1, 2, 3 }, MT_PAGES },
	};

	mt_kunit_accepts(test, ok, ARRAY_SIZE(ok));
	mt_kunit_refuses(test, bad, ARRAY_SIZE(bad));

	/* Without alloc=, the alloc parameter decides, read at each parse. */
	WRITE_ONCE(mt_default_alloc, MT_KMALLOC);
	mt_kunit_accepts(test, kmalloc_default, ARRAY_SIZE(kmalloc_default));
	WRITE_ONCE(mt_default_alloc, MT_PERCPU);
	mt_kunit_accepts(test, percpu_default, ARRAY_SIZE(percpu_default));
}

/**
 * struct mt_kunit_opt - a command's options, as the parser must give them
 * @cmd: the command
 * @syn: the shape it is parsed against
 * @given: the options given, MT_OPT()
 * @kind: the allocator
 * @gfp: the GFP choices, BIT(MT_GFP_*), defaults filled in
 * @node: the node, -1 for none given
 * @cpu: the CPU, -1 for none given
 * @ctx: enum mt_ctx
 * @free: enum mt_free_policy
 */
struct mt_kunit_opt {
	const char *cmd;
	const struct mt_syntax *syn;
	u32 given;
	enum mt_alloc_kind kind;
	unsigned int gfp;
	s64 node, cpu;
	enum mt_ctx ctx;
	enum mt_free_policy free;
};

#define G(x)		BIT(MT_GFP_##x)
#define O(x)		BIT(MT_OPT_##x)
#define MT_KU_NONODE	(-1)
/* The flags of process context when gfp= is not given (but percpu's). */
#define MT_KU_GFP_DEF	(G(KERNEL) | G(RETRY_MAYFAIL) | G(NOWARN))

static void mt_kunit_expect_opts(struct kunit *test,
				 const struct mt_kunit_opt *t, size_t n)
{
	char why[MT_REASON_MAX], want[96], got[96];
	struct mt_args a;
	size_t i;
	int ret;

	for (i = 0; i < n; i++, t++) {
		int len = strlen(t->cmd);

		ret = mt_kunit_parse(test, t->cmd, t->syn, &a, why,
				     sizeof(why));
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "'%*pE' refused: %s",
				    len, t->cmd, why);
		if (ret)
			continue;
		mt_gfp_print(want, sizeof(want), t->gfp);
		mt_gfp_print(got, sizeof(got), a.o.gfp);
		KUNIT_EXPECT_EQ_MSG(test, a.o.given, t->given, "'%*pE'", len,
				    t->cmd);
		KUNIT_EXPECT_EQ_MSG(test, a.o.kind, t->kind, "'%*pE'", len,
				    t->cmd);
		KUNIT_EXPECT_STREQ_MSG(test, got, want, "'%*pE': gfp", len,
				       t->cmd);
		/* none given: any node, any CPU */
		if (t->node < 0)
			KUNIT_EXPECT_EQ_MSG(test, mt_opts_node(&a.o),
					    NUMA_NO_NODE, "'%*pE'", len, t->cmd);
		else
			KUNIT_EXPECT_EQ_MSG(test, a.o.node, t->node, "'%*pE'",
					    len, t->cmd);
		if (t->cpu < 0)
			KUNIT_EXPECT_EQ_MSG(test, mt_opts_cpu(&a.o), -1,
					    "'%*pE'", len, t->cmd);
		else
			KUNIT_EXPECT_EQ_MSG(test, a.o.cpu, t->cpu, "'%*pE'",
					    len, t->cmd);
		KUNIT_EXPECT_EQ_MSG(test, a.o.ctx, t->ctx, "'%*pE'", len,
				    t->cmd);
		KUNIT_EXPECT_EQ_MSG(test, a.o.free, t->free, "'%*pE'", len,
				    t->cmd);
	}
}

/*
 * gfp=: a comma list, no spaces, at least one flag; one base (kernel,
 * atomic, nowait), modifiers once each.  Without gfp= the flags fail
 * rather than kill: in process context kernel,retry_mayfail,nowarn
 * (kernel,noretry,nowarn for alloc=percpu, whose allocator drops
 * retry_mayfail), in a ctx=timer test atomic,nowarn.  A list naming no
 * base gets the context's, and in process context its retry modifier
 * unless it names noretry, retry_mayfail or nofail; a list naming a base
 * is taken as is.  Printed base first, modifiers in their fixed order,
 * whatever the order given (mt_gfp_print(), and the kernel's flags each
 * choice stands for: malloc_test_gfp's gfp_flags_test).
 */
static void parse_gfp_test(struct kunit *test)
{
	static const struct mt_kunit_opt ok[] = {
		/* defaults: process context; a ctx=timer test */
		{ "10 alloc=kmalloc", &syn_alloc, O(ALLOC), MT_KMALLOC,
		  MT_KU_GFP_DEF, MT_KU_NONODE, -1 },
		{ "1 2 3 4 5 6 alloc=kmalloc", &syn_start, O(ALLOC),
		  MT_KMALLOC, MT_KU_GFP_DEF, MT_KU_NONODE, -1 },
		{ "1 2 3 4 5 6 alloc=kmalloc ctx=work", &syn_start,
		  O(ALLOC) | O(CTX), MT_KMALLOC, MT_KU_GFP_DEF,
		  MT_KU_NONODE, -1, MT_CTX_WORK },
		{ "1 2 3 4 5 6 alloc=cache ctx=timer", &syn_start,
		  O(ALLOC) | O(CTX), MT_CACHE, G(ATOMIC) | G(NOWARN),
		  MT_KU_NONODE, -1, MT_CTX_TIMER },
		{ "1 2 3 4 5 6 alloc=percpu ctx=timer", &syn_start,
		  O(ALLOC) | O(CTX), MT_PERCPU, G(ATOMIC) | G(NOWARN),
		  MT_KU_NONODE, -1, MT_CTX_TIMER },
		/* softirq, irqoff and nmi: atomic likewise */
		{ "1 2 3 4 5 6 alloc=kmalloc ctx=softirq", &syn_start,
		  O(ALLOC) | O(CTX), MT_KMALLOC, G(ATOMIC) | G(NOWARN),
		  MT_KU_NONODE, -1, MT_CTX_SOFTIRQ },
		{ "1 2 3 4 5 6 alloc=pages ctx=irqoff gfp=zero", &syn_start,
		  O(ALLOC) | O(CTX) | O(GFP), MT_PAGES, G(ATOMIC) | G(ZERO),
		  MT_KU_NONODE, -1, MT_CTX_IRQOFF },
		{ "1 2 3 4 5 6 alloc=cache gfp=nowait ctx=irqoff", &syn_start,
		  O(ALLOC) | O(CTX) | O(GFP), MT_CACHE, G(NOWAIT),
		  MT_KU_NONODE, -1, MT_CTX_IRQOFF },
		/* bhoff: atomic too; the parameter's allocator without alloc= */
		{ "1 2 3 4 5 6 ctx=bhoff", &syn_start,
		  O(CTX), MT_KUNIT_DEF, G(ATOMIC) | G(NOWARN),
		  MT_KU_NONODE, -1, MT_CTX_BHOFF },
		{ "1 2 3 4 5 6 alloc=vmalloc ctx=bhoff gfp=nowait,zero",
		  &syn_start, O(ALLOC) | O(CTX) | O(GFP), MT_VMALLOC,
		  G(NOWAIT) | G(ZERO), MT_KU_NONODE, -1, MT_CTX_BHOFF },
		/* nmi: atomic too; which allocators it takes is the command's */
		{ "1 2 3 4 5 6 alloc=pages_nolock ctx=nmi", &syn_start,
		  O(ALLOC) | O(CTX), MT_PAGES_NOLOCK, G(ATOMIC) | G(NOWARN),
		  MT_KU_NONODE, -1, MT_CTX_NMI },
		/* percpu: noretry, as its allocator drops retry_mayfail */
		{ "10 alloc=percpu", &syn_alloc, O(ALLOC), MT_PERCPU,
		  G(KERNEL) | G(NORETRY) | G(NOWARN), MT_KU_NONODE, -1 },
		{ "1 2 3 alloc=percpu", &syn_rnd, O(ALLOC), MT_PERCPU,
		  G(KERNEL) | G(NORETRY) | G(NOWARN), MT_KU_NONODE, -1 },
		/* the spec's example: gfp=nowarn,zero on percpu */
		{ "10 alloc=percpu gfp=nowarn,zero", &syn_alloc,
		  O(ALLOC) | O(GFP), MT_PERCPU,
		  G(KERNEL) | G(NORETRY) | G(NOWARN) | G(ZERO), MT_KU_NONODE,
		  -1 },
		/* vmalloc on a node: the defaults too (mem_alloc refuses it) */
		{ "10 alloc=vmalloc node=0", &syn_alloc, O(ALLOC) | O(NODE),
		  MT_VMALLOC, MT_KU_GFP_DEF, 0, -1 },
		{ "10 node=0", &syn_alloc, O(NODE), MT_KUNIT_DEF,
		  MT_KU_GFP_DEF, 0, -1 },
		{ "10 alloc=kvmalloc node=0", &syn_alloc, O(ALLOC) | O(NODE),
		  MT_KVMALLOC, MT_KU_GFP_DEF, 0, -1 },
		/* a base given: exactly what is given, no nowarn unless asked */
		{ "10 alloc=kmalloc gfp=kernel", &syn_alloc, O(ALLOC) | O(GFP),
		  MT_KMALLOC, G(KERNEL), MT_KU_NONODE, -1 },
		{ "10 alloc=percpu gfp=kernel", &syn_alloc, O(ALLOC) | O(GFP),
		  MT_PERCPU, G(KERNEL), MT_KU_NONODE, -1 },
		{ "10 alloc=vmalloc node=0 gfp=kernel,zero", &syn_alloc,
		  O(ALLOC) | O(NODE) | O(GFP), MT_VMALLOC, G(KERNEL) | G(ZERO),
		  0, -1 },
		{ "10 alloc=kmalloc gfp=atomic", &syn_alloc, O(ALLOC) | O(GFP),
		  MT_KMALLOC, G(ATOMIC), MT_KU_NONODE, -1 },
		{ "10 alloc=kmalloc gfp=nowait,nowarn", &syn_alloc,
		  O(ALLOC) | O(GFP), MT_KMALLOC, G(NOWAIT) | G(NOWARN),
		  MT_KU_NONODE, -1 },
		/* no base: the context's, and its retry modifier */
		{ "10 alloc=kmalloc gfp=zero", &syn_alloc, O(ALLOC) | O(GFP),
		  MT_KMALLOC, G(KERNEL) | G(RETRY_MAYFAIL) | G(ZERO),
		  MT_KU_NONODE, -1 },
		{ "1 2 3 alloc=pages gfp=account", &syn_rnd, O(ALLOC) | O(GFP),
		  MT_PAGES, G(KERNEL) | G(RETRY_MAYFAIL) | G(ACCOUNT),
		  MT_KU_NONODE, -1 },
		/* ... unless it names one, or nofail */
		{ "10 alloc=kmalloc gfp=nofail", &syn_alloc, O(ALLOC) | O(GFP),
		  MT_KMALLOC, G(KERNEL) | G(NOFAIL), MT_KU_NONODE, -1 },
		{ "10 alloc=kmalloc gfp=noretry,zero", &syn_alloc,
		  O(ALLOC) | O(GFP), MT_KMALLOC,
		  G(KERNEL) | G(NORETRY) | G(ZERO), MT_KU_NONODE, -1 },
		{ "10 alloc=pages gfp=retry_mayfail", &syn_alloc,
		  O(ALLOC) | O(GFP), MT_PAGES, G(KERNEL) | G(RETRY_MAYFAIL),
		  MT_KU_NONODE, -1 },
		/* the parser keeps it; mem_alloc refuses it on percpu */
		{ "10 alloc=percpu gfp=retry_mayfail", &syn_alloc,
		  O(ALLOC) | O(GFP), MT_PERCPU, G(KERNEL) | G(RETRY_MAYFAIL),
		  MT_KU_NONODE, -1 },
		/* a ctx=timer test: atomic, no retry modifier */
		{ "1 2 3 4 5 6 alloc=pages ctx=timer gfp=zero", &syn_start,
		  O(ALLOC) | O(CTX) | O(GFP), MT_PAGES, G(ATOMIC) | G(ZERO),
		  MT_KU_NONODE, -1, MT_CTX_TIMER },
		{ "1 2 3 4 5 6 alloc=pages gfp=nowarn ctx=timer", &syn_start,
		  O(ALLOC) | O(CTX) | O(GFP), MT_PAGES, G(ATOMIC) | G(NOWARN),
		  MT_KU_NONODE, -1, MT_CTX_TIMER },
		/* a given base stays, even where the module refuses it */
		{ "1 2 3 4 5 6 alloc=pages ctx=timer gfp=kernel", &syn_start,
		  O(ALLOC) | O(CTX) | O(GFP), MT_PAGES, G(KERNEL),
		  MT_KU_NONODE, -1, MT_CTX_TIMER },
		{ "10 alloc=vmalloc node=0 gfp=atomic", &syn_alloc,
		  O(ALLOC) | O(NODE) | O(GFP), MT_VMALLOC, G(ATOMIC), 0, -1 },
		/* every flag, in any order: the parser takes what the command
		 * checks (mem_alloc refuses this combination)
		 */
		{ "10 alloc=kmalloc gfp=nofail,account,zero,nowarn,retry_mayfail,noretry,nowait",
		  &syn_alloc, O(ALLOC) | O(GFP), MT_KMALLOC,
		  G(NOWAIT) | G(NORETRY) | G(RETRY_MAYFAIL) | G(NOWARN) |
		  G(ZERO) | G(ACCOUNT) | G(NOFAIL), MT_KU_NONODE, -1 },
		{ "10 alloc=kmalloc gfp=nowarn,kernel", &syn_alloc,
		  O(ALLOC) | O(GFP), MT_KMALLOC, G(KERNEL) | G(NOWARN),
		  MT_KU_NONODE, -1 },
		{ "10 alloc=kmalloc gfp=kernel,nowarn", &syn_alloc,
		  O(ALLOC) | O(GFP), MT_KMALLOC, G(KERNEL) | G(NOWARN),
		  MT_KU_NONODE, -1 },
	};
	static const struct mt_kunit_bad bad[] = {
		{ "10 gfp=", &syn_alloc, "unknown gfp flag ''" },
		{ "10 gfp=kernel,", &syn_alloc, "unknown gfp flag ''" },
		{ "10 gfp=,kernel", &syn_alloc, "unknown gfp flag ''" },
		{ "10 gfp=kernel,,nowarn", &syn_alloc, "unknown gfp flag ''" },
		{ "10 gfp=bogus", &syn_alloc, "unknown gfp flag 'bogus'" },
		{ "10 gfp=KERNEL", &syn_alloc, "unknown gfp flag 'KERNEL'" },
		{ "10 gfp=GFP_KERNEL", &syn_alloc,
		  "unknown gfp flag 'GFP_KERNEL'" },
		{ "10 gfp=kernel,retry-mayfail", &syn_alloc,
		  "unknown gfp flag 'retry-mayfail'" },
		{ "10 gfp=kernel;nowarn", &syn_alloc,
		  "unknown gfp flag 'kernel;nowarn'" },
		{ "10 gfp==kernel", &syn_alloc, "unknown gfp flag '=kernel'" },
		{ "10 gfp=zero,\"nowarn\"", &syn_alloc,
		  "unknown gfp flag '\"nowarn\"'" },
		/* two bases, or one twice */
		{ "10 gfp=kernel,atomic", &syn_alloc,
		  "gfp= takes one base: kernel, atomic or nowait" },
		{ "10 gfp=atomic,nowarn,nowait", &syn_alloc,
		  "gfp= takes one base: kernel, atomic or nowait" },
		{ "10 gfp=kernel,kernel", &syn_alloc,
		  "gfp= takes one base: kernel, atomic or nowait" },
		/* a modifier twice */
		{ "10 gfp=nowarn,nowarn", &syn_alloc,
		  "gfp flag 'nowarn' given twice" },
		{ "10 gfp=zero,kernel,account,zero", &syn_alloc,
		  "gfp flag 'zero' given twice" },
		{ "1 2 3 4 5 6 gfp=nofail,nofail", &syn_start,
		  "gfp flag 'nofail' given twice" },
	};

	mt_kunit_expect_opts(test, ok, ARRAY_SIZE(ok));
	mt_kunit_refuses(test, bad, ARRAY_SIZE(bad));
}

/*
 * node=, cpu=: unsigned decimal; ctx= work, timer, softirq, irqoff or
 * nmi; free= all, random, fifo or lifo; case-sensitive.  Their
 * defaults: any node, any CPU, work, all.
 */
static void parse_place_test(struct kunit *test)
{
	static const struct mt_kunit_opt ok[] = {
		{ "1 2 3 4 5 6 alloc=kmalloc", &syn_start, O(ALLOC),
		  MT_KMALLOC, MT_KU_GFP_DEF, MT_KU_NONODE, -1,
		  MT_CTX_WORK, MT_FREE_ALL },
		{ "1 2 3 4 5 6 alloc=kmalloc node=0 cpu=1 ctx=timer free=fifo",
		  &syn_start, O(ALLOC) | O(NODE) | O(CPU) | O(CTX) | O(FREE),
		  MT_KMALLOC, G(ATOMIC) | G(NOWARN), 0, 1, MT_CTX_TIMER,
		  MT_FREE_FIFO },
		{ "1 2 3 4 5 6 alloc=kmalloc free=lifo cpu=007 node=3",
		  &syn_start, O(ALLOC) | O(NODE) | O(CPU) | O(FREE),
		  MT_KMALLOC, MT_KU_GFP_DEF, 3, 7, MT_CTX_WORK,
		  MT_FREE_LIFO },
		{ "1 2 3 4 5 6 alloc=kmalloc free=random", &syn_start,
		  O(ALLOC) | O(FREE), MT_KMALLOC, MT_KU_GFP_DEF,
		  MT_KU_NONODE, -1, MT_CTX_WORK, MT_FREE_RANDOM },
		{ "1 2 3 4 5 6 alloc=pages ctx=softirq free=lifo cpu=0",
		  &syn_start, O(ALLOC) | O(CPU) | O(CTX) | O(FREE),
		  MT_PAGES, G(ATOMIC) | G(NOWARN), MT_KU_NONODE, 0,
		  MT_CTX_SOFTIRQ, MT_FREE_LIFO },
		{ "1 2 3 4 5 6 alloc=percpu ctx=irqoff", &syn_start,
		  O(ALLOC) | O(CTX), MT_PERCPU, G(ATOMIC) | G(NOWARN),
		  MT_KU_NONODE, -1, MT_CTX_IRQOFF, MT_FREE_ALL },
		{ "1 2 3 4 5 6 alloc=kmalloc free=all ctx=work", &syn_start,
		  O(ALLOC) | O(FREE) | O(CTX), MT_KMALLOC,
		  MT_KU_GFP_DEF, MT_KU_NONODE, -1, MT_CTX_WORK,
		  MT_FREE_ALL },
		/* kstrtouint() takes a '+' */
		{ "10 alloc=kmalloc node=+1", &syn_alloc, O(ALLOC) | O(NODE),
		  MT_KMALLOC, MT_KU_GFP_DEF, 1, -1 },
		/* whether the node or CPU exists is the command's to check */
		{ "1 2 3 alloc=kmalloc node=1023", &syn_rnd,
		  O(ALLOC) | O(NODE), MT_KMALLOC, MT_KU_GFP_DEF, 1023,
		  -1 },
		{ "1 2 3 alloc=kmalloc node=4294967295", &syn_rnd,
		  O(ALLOC) | O(NODE), MT_KMALLOC, MT_KU_GFP_DEF,
		  4294967295LL, -1 },
		{ "1 2 3 4 5 6 alloc=kmalloc cpu=2147483648", &syn_start,
		  O(ALLOC) | O(CPU), MT_KMALLOC, MT_KU_GFP_DEF,
		  MT_KU_NONODE, 2147483648LL },
	};
	static const struct mt_kunit_bad bad[] = {
		{ "10 node=", &syn_alloc, "node '' is not a number" },
		{ "10 node=x", &syn_alloc, "node 'x' is not a number" },
		{ "10 node=-1", &syn_alloc, "node '-1' is not a number" },
		{ "10 node=0x1", &syn_alloc, "node '0x1' is not a number" },
		{ "10 node=1e3", &syn_alloc, "node '1e3' is not a number" },
		{ "10 node=0,1", &syn_alloc, "node '0,1' is not a number" },
		{ "10 node=4294967296", &syn_alloc,
		  "node '4294967296' is not a number" },
		{ "1 2 3 4 5 6 cpu=", &syn_start, "cpu '' is not a number" },
		{ "1 2 3 4 5 6 cpu=one", &syn_start,
		  "cpu 'one' is not a number" },
		{ "1 2 3 4 5 6 cpu=-0", &syn_start,
		  "cpu '-0' is not a number" },
		{ "1 2 3 4 5 6 cpu=99999999999", &syn_start,
		  "cpu '99999999999' is not a number" },
		{ "1 2 3 4 5 6 ctx=", &syn_start,
		  "unknown context '' (work, timer, softirq, irqoff, nmi or bhoff)" },
		{ "1 2 3 4 5 6 ctx=irq", &syn_start,
		  "unknown context 'irq' (work, timer, softirq, irqoff, nmi or bhoff)" },
		{ "1 2 3 4 5 6 ctx=Timer", &syn_start,
		  "unknown context 'Timer' (work, timer, softirq, irqoff, nmi or bhoff)" },
		{ "1 2 3 4 5 6 ctx=SoftIRQ", &syn_start,
		  "unknown context 'SoftIRQ' (work, timer, softirq, irqoff, nmi or bhoff)" },
		{ "1 2 3 4 5 6 ctx=NMI", &syn_start,
		  "unknown context 'NMI' (work, timer, softirq, irqoff, nmi or bhoff)" },
		{ "1 2 3 4 5 6 ctx=work,timer", &syn_start,
		  "unknown context 'work,timer' (work, timer, softirq, irqoff, nmi or bhoff)" },
		{ "1 2 3 4 5 6 free=", &syn_start,
		  "unknown free policy '' (all, random, fifo or lifo)" },
		{ "1 2 3 4 5 6 free=none", &syn_start,
		  "unknown free policy 'none' (all, random, fifo or lifo)" },
		{ "1 2 3 4 5 6 free=FIFO", &syn_start,
		  "unknown free policy 'FIFO' (all, random, fifo or lifo)" },
	};

	mt_kunit_expect_opts(test, ok, ARRAY_SIZE(ok));
	mt_kunit_refuses(test, bad, ARRAY_SIZE(bad));
}

/**
 * mt_kunit_fmt() - format a string of at most 255 bytes
 * @test: the test, which frees it
 * @fmt: printf format
 *
 * Return: the string.
 */
static __printf(2, 3) char *mt_kunit_fmt(struct kunit *test,
					 const char *fmt, ...)
{
	char *s = kunit_kzalloc(test, 256, GFP_KERNEL);
	va_list args;

	KUNIT_ASSERT_NOT_NULL(test, s);
	va_start(args, fmt);
	vsnprintf(s, 256, fmt, args);
	va_end(args);
	return s;
}

/*
 * A value the grammar accepts for option @d, in @buf; @want: what
 * struct mt_args must then hold.
 */
static void mt_kunit_good_value(const struct mt_opt_desc *d, char *buf,
				size_t len, u64 *want)
{
	u64 v = max_t(u64, d->min, 1);

	switch (d->val) {
	case MT_VAL_NAME:
		snprintf(buf, len, "%s", d->names[d->nr_names - 1]);
		*want = d->nr_names - 1;
		return;
	case MT_VAL_NAMES:
		snprintf(buf, len, "%s", d->names[0]);
		*want = BIT(0);
		return;
	case MT_VAL_SIZE:
		snprintf(buf, len, "%lluk", v);
		*want = v << 10;
		return;
	default:
		snprintf(buf, len, "%llu", v);
		*want = v;
	}
}

/* The smallest command @syn takes: its numbers, its required options. */
static char *mt_kunit_least(struct kunit *test, const struct mt_syntax *syn)
{
	char *cmd = kunit_kzalloc(test, 256, GFP_KERNEL);
	char val[32];
	unsigned int i;
	size_t n = 0;
	u64 want;

	KUNIT_ASSERT_NOT_NULL(test, cmd);
	for (i = 0; i < syn->min_args; i++)
		n += scnprintf(cmd + n, 256 - n, "%s1", n ? " " : "");
	for (i = 0; i < MT_NR_OPTS; i++) {
		if (!(syn->required & BIT(i)))
			continue;
		mt_kunit_good_value(&mt_opt_descs[i], val, sizeof(val), &want);
		n += scnprintf(cmd + n, 256 - n, "%s%s=%s", n ? " " : "",
			       mt_opt_descs[i].name, val);
	}
	return cmd;
}

/*
 * Every command of the grammar's table, every option: what the table
 * says a command takes, the parser takes, and what it does not, the
 * parser refuses; the usage names every number and option.
 */
static void grammar_table_test(struct kunit *test)
{
	char why[MT_REASON_MAX], usage[512], val[32], *least, *cmd;
	unsigned int c, i;
	struct mt_args a;
	u64 want;

	for (c = 0; c < MT_NR_CMDS; c++) {
		const struct mt_syntax *syn = &mt_syntax[c];

		KUNIT_EXPECT_GT_MSG(test, mt_usage(usage, sizeof(usage), syn),
				    0, "%s: no usage", syn->name);
		if (syn->anything) {
			KUNIT_EXPECT_EQ(test, mt_kunit_parse(test, "x y=1 2",
							     syn, &a, why,
							     sizeof(why)), 0);
			continue;
		}
		if (syn->word) {
			KUNIT_EXPECT_EQ(test, mt_kunit_parse(test, syn->word,
							     syn, &a, why,
							     sizeof(why)), 0);
			KUNIT_EXPECT_TRUE(test, a.word);
		}
		for (i = 0; i < syn->max_args; i++)
			KUNIT_EXPECT_NOT_NULL_MSG(test,
						  strstr(usage, syn->args[i]),
						  "%s: '%s'", syn->name, usage);

		least = mt_kunit_least(test, syn);
		KUNIT_EXPECT_EQ_MSG(test, mt_kunit_parse(test, least, syn, &a,
							 why, sizeof(why)),
				    0, "%s '%s': %s", syn->name, least, why);
		KUNIT_EXPECT_FALSE(test, a.word);
		KUNIT_EXPECT_EQ(test, a.nr, syn->min_args);

		/* one number too many */
		cmd = mt_kunit_fmt(test, "%s", "1");
		for (i = 0; i < syn->max_args; i++)
			cmd = mt_kunit_fmt(test, "%s 1", cmd);
		KUNIT_EXPECT_EQ_MSG(test, mt_kunit_parse(test, cmd, syn, &a,
							 why, sizeof(why)),
				    -EINVAL, "%s '%s'", syn->name, cmd);

		for (i = 0; i < MT_NR_OPTS; i++) {
			const struct mt_opt_desc *d = &mt_opt_descs[i];
			bool takes = syn->opts & BIT(i);
			char key[24];

			snprintf(key, sizeof(key), "%s=", d->name);
			KUNIT_EXPECT_EQ_MSG(test, !!strstr(usage, key), takes,
					    "%s: %s in '%s'", syn->name, key,
					    usage);
			mt_kunit_good_value(d, val, sizeof(val), &want);
			cmd = mt_kunit_fmt(test, "%s %s=%s", least, d->name,
					   val);
			if (!takes) {
				KUNIT_EXPECT_EQ_MSG(test,
						    mt_kunit_parse(test, cmd, syn,
								   &a, why,
								   sizeof(why)),
						    -EINVAL, "%s '%s'",
						    syn->name, cmd);
				KUNIT_EXPECT_NOT_NULL(test,
						      strstr(why, "unknown option"));
				continue;
			}
			if (syn->required & BIT(i))
				cmd = least;
			KUNIT_EXPECT_EQ_MSG(test, mt_kunit_parse(test, cmd, syn,
								 &a, why,
								 sizeof(why)),
					    0, "%s '%s': %s", syn->name, cmd,
					    why);
			KUNIT_EXPECT_EQ_MSG(test, a.opt[i], want, "%s '%s'",
					    syn->name, cmd);
			KUNIT_EXPECT_TRUE(test, a.o.given & BIT(i));

			/* twice */
			cmd = mt_kunit_fmt(test, "%s %s=%s", cmd, d->name,
					   val);
			KUNIT_EXPECT_EQ_MSG(test, mt_kunit_parse(test, cmd, syn,
								 &a, why,
								 sizeof(why)),
					    -EINVAL, "%s '%s'", syn->name, cmd);
			/* a value it does not take */
			if (syn->required & BIT(i))
				continue;
			cmd = mt_kunit_fmt(test, "%s %s=x%s", least, d->name,
					   val);
			KUNIT_EXPECT_EQ_MSG(test, mt_kunit_parse(test, cmd, syn,
								 &a, why,
								 sizeof(why)),
					    -EINVAL, "%s '%s'", syn->name, cmd);
			/* out of its range */
			if (d->max) {
				cmd = mt_kunit_fmt(test, "%s %s=%llu", least,
						   d->name, d->max + 1);
				KUNIT_EXPECT_EQ(test,
						mt_kunit_parse(test, cmd, syn, &a,
							       why,
							       sizeof(why)),
						-EINVAL);
				KUNIT_EXPECT_NOT_NULL(test,
						      strstr(why, "at most"));
			}
			if (d->min) {
				cmd = mt_kunit_fmt(test, "%s %s=%llu", least,
						   d->name, d->min - 1);
				KUNIT_EXPECT_EQ(test,
						mt_kunit_parse(test, cmd, syn, &a,
							       why,
							       sizeof(why)),
						-EINVAL);
				KUNIT_EXPECT_NOT_NULL(test,
						      strstr(why, "at least"));
			}
		}
		/* a required option left out */
		for (i = 0; i < MT_NR_OPTS; i++) {
			if (!(syn->required & BIT(i)))
				continue;
			KUNIT_EXPECT_EQ(test, mt_kunit_parse(test, "", syn, &a,
							     why, sizeof(why)),
					-EINVAL);
			KUNIT_EXPECT_NOT_NULL(test, strstr(why, "is required"));
		}
	}
	/* the usage, spelled: the numbers, the unit, the options, the word */
	mt_usage(usage, sizeof(usage), &mt_syntax[MT_CMD_FREE]);
	KUNIT_EXPECT_STREQ(test, usage, "[SIZE [UNIT]] [release=now|rcu]");
	mt_usage(usage, sizeof(usage), &mt_syntax[MT_CMD_TEST_START]);
	KUNIT_EXPECT_STREQ(test, usage,
			   "MIN MAX TOTAL MIN_INT MAX_INT TOTAL_TIME [UNIT] [alloc=A] [gfp=F,...] [node=N] [ctx=work|timer|softirq|irqoff|nmi|bhoff] [cpu=N] [free=all|random|fifo|lifo] [bulk=N] [release=now|rcu] [reserve=N]");
	mt_usage(usage, sizeof(usage), &mt_syntax[MT_CMD_BENCH]);
	KUNIT_EXPECT_STREQ(test, usage,
			   "[alloc=A] size=S[UNIT] count=N [threads=T] [pattern=pair|batch|random|remote] [gfp=F,...] [cpu=N] [sample=K] [time=SEC] [bulk=N] [sheaf=N] [release=now|rcu] [reserve=N] | stop");
}

/*
 * Quotes have no meaning: a quoted token is refused like any other
 * unknown one.  Reasons quote the token escaped (%pE), at most
 * MT_QUOTE_MAX bytes of it, and are cut to the buffer they are given.
 */
static void parse_quoting_test(struct kunit *test)
{
	static const struct mt_kunit_bad bad[] = {
		{ "\"10\"", &syn_alloc, "unexpected '\"10\"'" },
		{ "'10'", &syn_alloc, "unexpected ''10''" },
		{ "\"10 k\"", &syn_alloc, "unexpected '\"10'" },
		{ "10 \"k\"", &syn_alloc, "unexpected '\"k\"'" },
		{ "10 'k'", &syn_alloc, "unexpected ''k''" },
		{ "10 alloc=\"kmalloc\"", &syn_alloc,
		  "unknown allocator '\"kmalloc\"' " MT_KU_ALLOCATORS },
		{ "10 \"alloc\"=kmalloc", &syn_alloc,
		  "unknown option '\"alloc\"' " MT_KU_TAKES_KEPT },
		{ "\\10", &syn_alloc, "unexpected '\\10'" },
		{ "\x01", &syn_alloc, "unexpected '\\001'" },
		{ "10 \x1b[k", &syn_alloc, "unexpected '\\e[k'" },
		/* 40 bytes, quoted up to MT_QUOTE_MAX (32) */
		{ "abcdefghijklmnopqrstuvwxyz0123456789ABCD", &syn_alloc,
		  "unexpected 'abcdefghijklmnopqrstuvwxyz012345'" },
		{ "1234567890123456789012345678901234567890", &syn_alloc,
		  "'12345678901234567890123456789012' is not an unsigned 64-bit number" },
	};
	char why[MT_REASON_MAX];
	struct mt_args a;
	char *small;

	static_assert(MT_QUOTE_MAX == 32);
	mt_kunit_refuses(test, bad, ARRAY_SIZE(bad));

	/* A reason longer than the buffer is cut, NUL-terminated, in it. */
	small = kunit_kmalloc(test, 8, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, small);
	KUNIT_EXPECT_EQ(test, mt_kunit_parse(test, "10 xyz", &syn_alloc, &a,
					     small, 8), -EINVAL);
	KUNIT_EXPECT_STREQ(test, small, "unexpec");
	KUNIT_EXPECT_EQ(test, mt_kunit_parse(test, "10 xyz", &syn_alloc, &a,
					     why, sizeof(why)), -EINVAL);
	KUNIT_EXPECT_STREQ(test, why, "unexpected 'xyz'");
}

/*
 * release=: now (the default) or rcu, for tests and mem_free, and no
 * other command; its names as they are spelled.
 */
static void parse_release_test(struct kunit *test)
{
	static const struct {
		const char *cmd;
		const struct mt_syntax *syn;
		unsigned int release;
	} ok[] = {
		{ "1 2 3 4 5 6", &syn_start, MT_RELEASE_NOW },
		{ "1 2 3 4 5 6 release=now", &syn_start, MT_RELEASE_NOW },
		{ "1 2 3 4 5 6 release=rcu alloc=kmalloc", &syn_start,
		  MT_RELEASE_RCU },
		{ "release=rcu", &syn_free, MT_RELEASE_RCU },
		{ "10 k release=rcu", &syn_free, MT_RELEASE_RCU },
		{ "10", &syn_free, MT_RELEASE_NOW },
	};
	static const struct mt_kunit_bad bad[] = {
		{ "1 2 3 4 5 6 release=RCU", &syn_start,
		  "unknown release 'RCU' (now or rcu)" },
		{ "1 2 3 4 5 6 release=", &syn_start,
		  "unknown release '' (now or rcu)" },
		{ "release=later", &syn_free,
		  "unknown release 'later' (now or rcu)" },
		{ "10 release=rcu", &syn_alloc,
		  "unknown option 'release' " MT_KU_TAKES_KEPT },
	};
	char why[MT_REASON_MAX];
	struct mt_args a;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		int ret = mt_kunit_parse(test, ok[i].cmd, ok[i].syn, &a, why,
					 sizeof(why));

		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "'%s': %s", ok[i].cmd, why);
		KUNIT_EXPECT_EQ_MSG(test, a.o.release, ok[i].release, "'%s'",
				    ok[i].cmd);
		KUNIT_EXPECT_EQ_MSG(test, !!mt_given(&a, RELEASE),
				    !!strstr(ok[i].cmd, "release="), "'%s'",
				    ok[i].cmd);
	}
	mt_kunit_refuses(test, bad, ARRAY_SIZE(bad));
}

/*
 * reserve=: 1 to 1024 elements, for tests and bench, no other command;
 * alloc=mempool's flags without gfp=: kernel,nowarn in process context
 * (mempool_alloc() adds noretry itself), atomic,nowarn in an atomic one.
 */
static void parse_reserve_test(struct kunit *test)
{
	static const struct mt_kunit_bad bad[] = {
		{ "1 2 3 4 5 6 alloc=mempool reserve=0", &syn_start,
		  "reserve=0: at least 1" },
		{ "1 2 3 4 5 6 alloc=mempool reserve=1025", &syn_start,
		  "reserve=1025: at most 1024" },
		{ "10 alloc=mempool reserve=4", &syn_alloc,
		  "unknown option 'reserve' " MT_KU_TAKES_KEPT },
	};
	char why[MT_REASON_MAX];
	struct mt_args a;

	KUNIT_ASSERT_EQ(test, mt_kunit_parse(test,
					     "1 2 3 4 5 6 alloc=mempool reserve=1024",
					     &syn_start, &a, why, sizeof(why)),
			0);
	KUNIT_EXPECT_EQ(test, a.o.reserve, 1024);
	KUNIT_EXPECT_EQ(test, a.o.kind, MT_MEMPOOL);
	KUNIT_EXPECT_EQ(test, a.o.gfp, G(KERNEL) | G(NOWARN));
	KUNIT_ASSERT_EQ(test, mt_kunit_parse(test, "10 alloc=mempool",
					     &syn_alloc, &a, why, sizeof(why)),
			0);
	KUNIT_EXPECT_EQ(test, a.o.reserve, 0);
	KUNIT_EXPECT_EQ(test, a.o.gfp, G(KERNEL) | G(NOWARN));
	KUNIT_ASSERT_EQ(test, mt_kunit_parse(test,
					     "1 2 3 4 5 6 alloc=mempool ctx=timer reserve=1",
					     &syn_start, &a, why, sizeof(why)),
			0);
	KUNIT_EXPECT_EQ(test, a.o.reserve, 1);
	KUNIT_EXPECT_EQ(test, a.o.gfp, G(ATOMIC) | G(NOWARN));
	mt_kunit_refuses(test, bad, ARRAY_SIZE(bad));
}

/*
 * avail=: mem_alloc's alone, a size with its unit attached (0 parses:
 * the module refuses it below pressure_margin, not the parser).
 */
static void parse_avail_test(struct kunit *test)
{
	static const struct mt_kunit_bad bad[] = {
		{ "1 2 3 avail=1g", &syn_rnd,
		  "unknown option 'avail' " MT_KU_TAKES_ALLOC },
		{ "1 2 3 4 5 6 avail=1g", &syn_start,
		  "unknown option 'avail' " MT_KU_TAKES_TEST },
		{ "10 avail=", &syn_alloc, "avail '' is not a size" },
		{ "10 avail=lots", &syn_alloc, "avail 'lots' is not a size" },
		{ "10 avail=1g avail=2g", &syn_alloc, "avail= given twice" },
	};
	char why[MT_REASON_MAX];
	struct mt_args a;

	KUNIT_ASSERT_EQ(test, mt_kunit_parse(test, "1 m avail=512m",
					     &syn_alloc, &a, why, sizeof(why)),
			0);
	KUNIT_EXPECT_EQ(test, a.val[0], 1ULL << 20);
	KUNIT_EXPECT_TRUE(test, mt_given(&a, AVAIL));
	KUNIT_EXPECT_EQ(test, a.opt[MT_OPT_AVAIL], 512ULL << 20);
	KUNIT_EXPECT_EQ(test, a.o.gfp, MT_KU_GFP_DEF);
	KUNIT_ASSERT_EQ(test, mt_kunit_parse(test, "4096 alloc=pages avail=0",
					     &syn_alloc, &a, why, sizeof(why)),
			0);
	KUNIT_EXPECT_TRUE(test, mt_given(&a, AVAIL));
	KUNIT_EXPECT_EQ(test, a.opt[MT_OPT_AVAIL], 0);
	KUNIT_EXPECT_EQ(test, a.o.kind, MT_PAGES);
	KUNIT_ASSERT_EQ(test, mt_kunit_parse(test, "4096", &syn_alloc, &a,
					     why, sizeof(why)),
			0);
	KUNIT_EXPECT_FALSE(test, mt_given(&a, AVAIL));
	mt_kunit_refuses(test, bad, ARRAY_SIZE(bad));
}

static struct kunit_case mt_parse_kunit_cases[] = {
	KUNIT_CASE(parse_numbers_test),
	KUNIT_CASE(parse_count_test),
	KUNIT_CASE(parse_whitespace_test),
	KUNIT_CASE(parse_units_test),
	KUNIT_CASE(parse_unit_overflow_test),
	KUNIT_CASE(size_parse_test),
	KUNIT_CASE(parse_options_test),
	KUNIT_CASE(parse_gfp_test),
	KUNIT_CASE(parse_place_test),
	KUNIT_CASE(parse_quoting_test),
	KUNIT_CASE(grammar_table_test),
	KUNIT_CASE(parse_release_test),
	KUNIT_CASE(parse_reserve_test),
	KUNIT_CASE(parse_avail_test),
	{}
};

static struct kunit_suite mt_parse_kunit_suite = {
	.name = "malloc_test_parse",
	.init = mt_parse_kunit_init,
	.test_cases = mt_parse_kunit_cases,
};

kunit_test_suite(mt_parse_kunit_suite);

#endif /* _MT_PARSE_KUNIT_H */
