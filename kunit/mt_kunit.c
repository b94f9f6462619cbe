// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test_kunit - KUnit tests of malloc_test's parser (numbers, units
 * and the options: alloc=, gfp=, node=, ctx=, cpu=, free=), the bytes a
 * chunk of each allocator counts, the pool that chooses which chunk
 * mem_free and a test's free policy free, the dedicated slab caches of
 * alloc=cache, check_content's detection of overwritten chunks, and the
 * latency histograms' buckets, percentiles and per-CPU merging.
 *
 * The functions under test are mostly static, so this file includes the
 * module's own sources (the in-tree idiom for testing static functions)
 * and defines what they take from mt_main.c, which it does not include:
 * that is the real module's init, exit and parameters.  The result is a
 * module of its own, which neither needs nor touches malloc_test.ko; its
 * copies of the module's globals are set by the tests.
 *
 * Results: /sys/kernel/debug/kunit/malloc_test/results (KTAP).  Built
 * only against a kernel with KUnit (the debug lane's); the guest case
 * tools/tests/97-kunit.sh loads it and turns each case into a check.
 */
#include "../mt_alloc.c"
#include "../mt_chunk.c"
#include "../mt_lat.c"
#include "../mt_parse.c"
#include "../mt_pool.c"

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/module.h>

/* What the included sources need of mt_main.c. */
bool mt_check_content;
u64 mt_max_bytes;
unsigned int mt_default_alloc;
struct mt_totals mt_kind_totals[MT_NR_KINDS];
atomic_t mt_nr_caches;
atomic64_t mt_committed;
atomic64_t mt_corruptions;
atomic64_t mt_tracking_bytes;

/* Every random sequence of the suite starts here: runs are repeatable. */
#define MT_KUNIT_SEED		0x6d616c6c6f635fULL

/*
 * The allocator the tests set as the alloc parameter: not the module's
 * default (kvmalloc), so that a parser ignoring the parameter shows.
 */
#define MT_KUNIT_DEF		MT_VMALLOC

static int mt_kunit_init(struct kunit *test)
{
	WRITE_ONCE(mt_check_content, false);
	WRITE_ONCE(mt_default_alloc, MT_KUNIT_DEF);
	WRITE_ONCE(mt_max_bytes, SZ_64M);
	return 0;
}

/* ------------------------------------------------------------ parser --- */

/* The shapes of the commands' arguments, as mt_cmd.c gives them. */
static const struct mt_syntax syn_alloc = {	/* mem_alloc */
	.min_args = 1, .max_args = 1, .size_mask = 0x1, .opts = MT_OPTS_ALLOC,
};

static const struct mt_syntax syn_free = {	/* mem_free */
	.min_args = 0, .max_args = 1, .size_mask = 0x1,
};

static const struct mt_syntax syn_rnd = {	/* mem_rnd_alloc */
	.min_args = 3, .max_args = 3, .size_mask = 0x7, .opts = MT_OPTS_ALLOC,
};

static const struct mt_syntax syn_start = {	/* mem_test_start */
	.min_args = 6, .max_args = 6, .size_mask = 0x7, .opts = MT_OPTS_TEST,
};

static const struct mt_syntax syn_id = {	/* mem_test_stop, _destroy */
	.min_args = 1, .max_args = 1,
};

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

/* Reasons of the options' refusals: what each command takes. */
#define MT_KU_TAKES_ALLOC	"(this command takes alloc, gfp, node)"
#define MT_KU_TAKES_TEST	"(this command takes alloc, gfp, node, ctx, cpu, free)"
#define MT_KU_TAKES_NONE	"(this command takes none)"
#define MT_KU_ALLOCATORS	"(kmalloc, vmalloc, kvmalloc, pages, cache or percpu)"

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
		  "unknown option 'foo' " MT_KU_TAKES_ALLOC },
		{ "10 Alloc=kmalloc", &syn_alloc,
		  "unknown option 'Alloc' " MT_KU_TAKES_ALLOC },
		{ "10 GFP=kernel", &syn_alloc,
		  "unknown option 'GFP' " MT_KU_TAKES_ALLOC },
		{ "10 =kmalloc", &syn_alloc,
		  "unknown option '' " MT_KU_TAKES_ALLOC },
		{ "1 2 3 4 5 6 foo=1", &syn_start,
		  "unknown option 'foo' " MT_KU_TAKES_TEST },
		{ "1 2 3 4 5 6 nodes=0", &syn_start,
		  "unknown option 'nodes' " MT_KU_TAKES_TEST },
		/* a test's options, to commands that start none */
		{ "10 ctx=work", &syn_alloc,
		  "unknown option 'ctx' " MT_KU_TAKES_ALLOC },
		{ "1 2 3 cpu=0", &syn_rnd,
		  "unknown option 'cpu' " MT_KU_TAKES_ALLOC },
		{ "1 2 3 free=all", &syn_rnd,
		  "unknown option 'free' " MT_KU_TAKES_ALLOC },
		/* commands that allocate nothing take no option */
		{ "10 alloc=kmalloc", &syn_free,
		  "unknown option 'alloc' " MT_KU_TAKES_NONE },
		{ "10 gfp=kernel", &syn_free,
		  "unknown option 'gfp' " MT_KU_TAKES_NONE },
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
 * @given: the options given, BIT(MT_OPT_*)
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
	u8 given;
	enum mt_alloc_kind kind;
	unsigned int gfp;
	s64 node, cpu;
	enum mt_ctx ctx;
	enum mt_free_policy free;
};

#define G(x)		BIT(MT_GFP_##x)
#define O(x)		BIT(MT_OPT_##x)
#define MT_KU_NONODE	(-1)

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
 * atomic, nowait), modifiers once each.  Without gfp= the flags are the
 * context's base and nowarn (vmalloc on a node: kernel alone); with it,
 * exactly those given, the context's base added when none is.  Printed
 * base first, modifiers in their fixed order, whatever the order given.
 */
static void parse_gfp_test(struct kunit *test)
{
	static const struct mt_kunit_opt ok[] = {
		/* defaults: process context; a ctx=timer test */
		{ "10 alloc=kmalloc", &syn_alloc, O(ALLOC), MT_KMALLOC,
		  G(KERNEL) | G(NOWARN), MT_KU_NONODE, -1 },
		{ "1 2 3 4 5 6 alloc=kmalloc", &syn_start, O(ALLOC),
		  MT_KMALLOC, G(KERNEL) | G(NOWARN), MT_KU_NONODE, -1 },
		{ "1 2 3 4 5 6 alloc=kmalloc ctx=work", &syn_start,
		  O(ALLOC) | O(CTX), MT_KMALLOC, G(KERNEL) | G(NOWARN),
		  MT_KU_NONODE, -1, MT_CTX_WORK },
		{ "1 2 3 4 5 6 alloc=cache ctx=timer", &syn_start,
		  O(ALLOC) | O(CTX), MT_CACHE, G(ATOMIC) | G(NOWARN),
		  MT_KU_NONODE, -1, MT_CTX_TIMER },
		/* vmalloc on a node: vmalloc_node(), GFP_KERNEL */
		{ "10 alloc=vmalloc node=0", &syn_alloc, O(ALLOC) | O(NODE),
		  MT_VMALLOC, G(KERNEL), 0, -1 },
		{ "10 node=0", &syn_alloc, O(NODE), MT_KUNIT_DEF, G(KERNEL), 0,
		  -1 },
		{ "10 alloc=kvmalloc node=0", &syn_alloc, O(ALLOC) | O(NODE),
		  MT_KVMALLOC, G(KERNEL) | G(NOWARN), 0, -1 },
		/* exactly what is given: no nowarn unless asked */
		{ "10 alloc=kmalloc gfp=kernel", &syn_alloc, O(ALLOC) | O(GFP),
		  MT_KMALLOC, G(KERNEL), MT_KU_NONODE, -1 },
		{ "10 alloc=kmalloc gfp=atomic", &syn_alloc, O(ALLOC) | O(GFP),
		  MT_KMALLOC, G(ATOMIC), MT_KU_NONODE, -1 },
		{ "10 alloc=kmalloc gfp=nowait,nowarn", &syn_alloc,
		  O(ALLOC) | O(GFP), MT_KMALLOC, G(NOWAIT) | G(NOWARN),
		  MT_KU_NONODE, -1 },
		/* no base: the context's */
		{ "10 alloc=kmalloc gfp=zero", &syn_alloc, O(ALLOC) | O(GFP),
		  MT_KMALLOC, G(KERNEL) | G(ZERO), MT_KU_NONODE, -1 },
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
	static const struct {
		unsigned int set;
		gfp_t gfp;
	} flags[] = {
		{ G(KERNEL) | G(NOWARN), GFP_KERNEL | __GFP_NOWARN },
		{ G(ATOMIC) | G(ZERO), GFP_ATOMIC | __GFP_ZERO },
		{ G(NOWAIT), GFP_NOWAIT },
		{ G(KERNEL) | G(NORETRY) | G(ACCOUNT),
		  GFP_KERNEL | __GFP_NORETRY | __GFP_ACCOUNT },
		{ G(KERNEL) | G(RETRY_MAYFAIL), GFP_KERNEL | __GFP_RETRY_MAYFAIL },
		{ G(KERNEL) | G(NOFAIL), GFP_KERNEL | __GFP_NOFAIL },
	};
	unsigned int i, all = 0;
	char buf[160];

	mt_kunit_expect_opts(test, ok, ARRAY_SIZE(ok));
	mt_kunit_refuses(test, bad, ARRAY_SIZE(bad));

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
 * node=, cpu=: unsigned decimal; ctx= work or timer; free= all, random,
 * fifo or lifo; case-sensitive.  Their defaults: any node, any CPU,
 * work, all.
 */
static void parse_place_test(struct kunit *test)
{
	static const struct mt_kunit_opt ok[] = {
		{ "1 2 3 4 5 6 alloc=kmalloc", &syn_start, O(ALLOC),
		  MT_KMALLOC, G(KERNEL) | G(NOWARN), MT_KU_NONODE, -1,
		  MT_CTX_WORK, MT_FREE_ALL },
		{ "1 2 3 4 5 6 alloc=kmalloc node=0 cpu=1 ctx=timer free=fifo",
		  &syn_start, O(ALLOC) | O(NODE) | O(CPU) | O(CTX) | O(FREE),
		  MT_KMALLOC, G(ATOMIC) | G(NOWARN), 0, 1, MT_CTX_TIMER,
		  MT_FREE_FIFO },
		{ "1 2 3 4 5 6 alloc=kmalloc free=lifo cpu=007 node=3",
		  &syn_start, O(ALLOC) | O(NODE) | O(CPU) | O(FREE),
		  MT_KMALLOC, G(KERNEL) | G(NOWARN), 3, 7, MT_CTX_WORK,
		  MT_FREE_LIFO },
		{ "1 2 3 4 5 6 alloc=kmalloc free=random", &syn_start,
		  O(ALLOC) | O(FREE), MT_KMALLOC, G(KERNEL) | G(NOWARN),
		  MT_KU_NONODE, -1, MT_CTX_WORK, MT_FREE_RANDOM },
		{ "1 2 3 4 5 6 alloc=kmalloc free=all ctx=work", &syn_start,
		  O(ALLOC) | O(FREE) | O(CTX), MT_KMALLOC,
		  G(KERNEL) | G(NOWARN), MT_KU_NONODE, -1, MT_CTX_WORK,
		  MT_FREE_ALL },
		/* kstrtouint() takes a '+' */
		{ "10 alloc=kmalloc node=+1", &syn_alloc, O(ALLOC) | O(NODE),
		  MT_KMALLOC, G(KERNEL) | G(NOWARN), 1, -1 },
		/* whether the node or CPU exists is the command's to check */
		{ "1 2 3 alloc=kmalloc node=1023", &syn_rnd,
		  O(ALLOC) | O(NODE), MT_KMALLOC, G(KERNEL) | G(NOWARN), 1023,
		  -1 },
		{ "1 2 3 alloc=kmalloc node=4294967295", &syn_rnd,
		  O(ALLOC) | O(NODE), MT_KMALLOC, G(KERNEL) | G(NOWARN),
		  4294967295LL, -1 },
		{ "1 2 3 4 5 6 alloc=kmalloc cpu=2147483648", &syn_start,
		  O(ALLOC) | O(CPU), MT_KMALLOC, G(KERNEL) | G(NOWARN),
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
		  "unknown context '' (work or timer)" },
		{ "1 2 3 4 5 6 ctx=irq", &syn_start,
		  "unknown context 'irq' (work or timer)" },
		{ "1 2 3 4 5 6 ctx=Timer", &syn_start,
		  "unknown context 'Timer' (work or timer)" },
		{ "1 2 3 4 5 6 ctx=work,timer", &syn_start,
		  "unknown context 'work,timer' (work or timer)" },
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
		  "unknown option '\"alloc\"' " MT_KU_TAKES_ALLOC },
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

/* -------------------------------------------------------------- pool --- */

/*
 * Pool tests use chunks that are only numbers: the pool never touches
 * the memory, so chunk @id gets an address no allocator gave out.
 */
#define MT_KUNIT_PTR_BASE	0x10000UL
#define MT_KUNIT_PTR_STEP	64UL

static void *mt_kunit_ptr(unsigned long id)
{
	return (void *)(MT_KUNIT_PTR_BASE + id * MT_KUNIT_PTR_STEP);
}

static unsigned long mt_kunit_id(const void *ptr)
{
	return ((unsigned long)ptr - MT_KUNIT_PTR_BASE) / MT_KUNIT_PTR_STEP;
}

static void mt_kunit_forget(const struct mt_chunk *c, void *arg)
{
}

static void mt_kunit_pool_release(void *arg)
{
	struct mt_pool *pool = arg;

	mt_pool_drain(pool, mt_kunit_forget, NULL);
	mt_pool_destroy(pool);
}

/* An empty pool, emptied and destroyed when the test ends. */
static struct mt_pool *mt_kunit_pool(struct kunit *test)
{
	struct mt_pool *pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pool);
	mt_pool_init(pool, MT_KUNIT_SEED);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							mt_kunit_pool_release,
							pool), 0);
	return pool;
}

/* Chunk @id of @size: its kind and pattern flag follow from @id. */
static struct mt_chunk mt_kunit_chunk(unsigned long id, u64 size)
{
	return (struct mt_chunk) {
		.ptr = mt_kunit_ptr(id),
		.size = size,
		.kind = id % MT_NR_KINDS,
		.patterned = id & 1,
	};
}

static void mt_kunit_add(struct kunit *test, struct mt_pool *pool,
			 unsigned long id, u64 size)
{
	struct mt_chunk c = mt_kunit_chunk(id, size);

	KUNIT_ASSERT_EQ(test, mt_pool_add(pool, &c, GFP_KERNEL), 0);
}

/* @c came out of the pool as it went in, as chunk @id of @size. */
static void mt_kunit_expect_chunk(struct kunit *test,
				  const struct mt_chunk *c,
				  unsigned long id, u64 size)
{
	struct mt_chunk want = mt_kunit_chunk(id, size);

	KUNIT_EXPECT_PTR_EQ_MSG(test, c->ptr, want.ptr, "chunk %lu", id);
	KUNIT_EXPECT_EQ_MSG(test, c->size, want.size, "chunk %lu", id);
	KUNIT_EXPECT_EQ_MSG(test, c->kind, want.kind, "chunk %lu", id);
	KUNIT_EXPECT_EQ_MSG(test, c->patterned, want.patterned, "chunk %lu",
			    id);
}

/*
 * The pool's structure: nodes 0..nr-1 form one treap rooted at ->root,
 * with consistent parent links, ordered by (size, ptr) in order (by age
 * in a pool ordered by age), each parent's priority at least its
 * children's; ->bytes is their sum.
 */
static void mt_kunit_pool_check(struct kunit *test, struct mt_pool *pool)
{
	const struct mt_node *prev = NULL;
	u32 i, cur, seen = 0;
	u64 bytes = 0;

	if (!pool->nr) {
		KUNIT_ASSERT_EQ(test, pool->root, MT_POOL_NIL);
		KUNIT_ASSERT_EQ(test, pool->bytes, 0);
		return;
	}
	KUNIT_ASSERT_LT(test, pool->root, pool->nr);
	KUNIT_ASSERT_EQ(test, mt_node(pool, pool->root)->parent, MT_POOL_NIL);
	for (i = 0; i < pool->nr; i++) {
		const struct mt_node *n = mt_node(pool, i);
		u32 kid[2] = { n->left, n->right };
		int k;

		bytes += n->size;
		KUNIT_ASSERT_TRUE_MSG(test, n->parent != MT_POOL_NIL ||
				      i == pool->root, "node %u", i);
		for (k = 0; k < 2; k++) {
			if (kid[k] == MT_POOL_NIL)
				continue;
			KUNIT_ASSERT_LT_MSG(test, kid[k], pool->nr, "node %u", i);
			KUNIT_ASSERT_EQ_MSG(test, mt_node(pool, kid[k])->parent,
					    i, "node %u", i);
			KUNIT_ASSERT_LE_MSG(test,
					    mt_prio(pool, mt_node(pool, kid[k])),
					    mt_prio(pool, n), "node %u", i);
		}
	}
	KUNIT_ASSERT_EQ(test, bytes, pool->bytes);

	/* In order from the leftmost node, through the parent links. */
	for (cur = pool->root; mt_node(pool, cur)->left != MT_POOL_NIL;)
		cur = mt_node(pool, cur)->left;
	while (cur != MT_POOL_NIL) {
		const struct mt_node *n = mt_node(pool, cur);

		KUNIT_ASSERT_LT(test, seen++, pool->nr);
		if (prev)
			KUNIT_ASSERT_TRUE_MSG(test, mt_less(pool, prev, n),
					      "in-order node %u", seen);
		prev = n;
		if (n->right != MT_POOL_NIL) {
			for (cur = n->right; mt_node(pool, cur)->left !=
			     MT_POOL_NIL;)
				cur = mt_node(pool, cur)->left;
			continue;
		}
		while (mt_node(pool, cur)->parent != MT_POOL_NIL &&
		       mt_node(pool, mt_node(pool, cur)->parent)->right == cur)
			cur = mt_node(pool, cur)->parent;
		cur = mt_node(pool, cur)->parent;
	}
	KUNIT_ASSERT_EQ(test, seen, pool->nr);
}

/*
 * mt_pool_take_fit()'s rule: the largest chunk no bigger than the
 * request; when every chunk is bigger, the smallest.
 */
static void pool_take_fit_rule_test(struct kunit *test)
{
	struct mt_pool *pool = mt_kunit_pool(test);
	struct mt_chunk c;

	mt_kunit_add(test, pool, 3, 300);
	mt_kunit_add(test, pool, 1, 100);
	mt_kunit_add(test, pool, 2, 200);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 3);
	KUNIT_EXPECT_EQ(test, pool->bytes, 600);
	mt_kunit_pool_check(test, pool);

	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, 250, &c));
	mt_kunit_expect_chunk(test, &c, 2, 200);
	/* every chunk is bigger than 50: the smallest */
	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, 50, &c));
	mt_kunit_expect_chunk(test, &c, 1, 100);
	/* no bigger than: the exact size fits */
	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, 300, &c));
	mt_kunit_expect_chunk(test, &c, 3, 300);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 0);
	KUNIT_EXPECT_EQ(test, pool->bytes, 0);
	KUNIT_EXPECT_FALSE(test, mt_pool_take_fit(pool, U64_MAX, &c));
	KUNIT_EXPECT_FALSE(test, mt_pool_take_fit(pool, 0, &c));

	/* the extremes; the largest size the bookkeeping can describe */
	mt_kunit_add(test, pool, 10, 1);
	mt_kunit_add(test, pool, 11, MT_CHUNK_SIZE_MAX);
	mt_kunit_add(test, pool, 12, 4096);
	mt_kunit_pool_check(test, pool);
	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, U64_MAX, &c));
	mt_kunit_expect_chunk(test, &c, 11, MT_CHUNK_SIZE_MAX);
	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, 0, &c));
	mt_kunit_expect_chunk(test, &c, 10, 1);
	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, 4095, &c));
	mt_kunit_expect_chunk(test, &c, 12, 4096);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 0);
}

#define MT_KUNIT_NR	1000	/* more chunks than a page of nodes holds */

/* The size mt_pool_take_fit(@want) must take from @live, by brute force. */
static u64 mt_kunit_fit(const struct mt_chunk *live, u32 nr, u64 want)
{
	u64 best = 0, smallest = U64_MAX;
	bool fits = false;
	u32 i;

	for (i = 0; i < nr; i++) {
		if (live[i].size <= want && (!fits || live[i].size > best)) {
			best = live[i].size;
			fits = true;
		}
		smallest = min(smallest, live[i].size);
	}
	return fits ? best : smallest;
}

/*
 * Many chunks, many equal sizes, additions between the takes: every
 * mt_pool_take_fit() takes the size the rule says, returns a chunk that
 * was in the pool, intact, and leaves the treap sound.
 */
static void pool_take_fit_random_test(struct kunit *test)
{
	struct mt_pool *pool = mt_kunit_pool(test);
	struct rnd_state rnd;
	struct mt_chunk *live, c;
	unsigned long next = 0;
	u64 last = U64_MAX;
	u32 nr = 0, i, op;

	static_assert(MT_KUNIT_NR > MT_NODES_PER_PAGE);
	live = kunit_kcalloc(test, MT_KUNIT_NR, sizeof(*live), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, live);
	prandom_seed_state(&rnd, MT_KUNIT_SEED);

	for (op = 0; op < 4 * MT_KUNIT_NR; op++) {
		if (nr < MT_KUNIT_NR && (nr < MT_KUNIT_NR / 2 ||
					 prandom_u32_state(&rnd) % 4 == 0)) {
			/* sizes 1..300: many chunks share one */
			live[nr] = mt_kunit_chunk(next++,
						  1 + prandom_u32_state(&rnd) % 300);
			KUNIT_ASSERT_EQ(test, mt_pool_add(pool, &live[nr],
							  GFP_KERNEL), 0);
			nr++;
		} else {
			u64 want = prandom_u32_state(&rnd) % 320;
			u64 size = mt_kunit_fit(live, nr, want);

			KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, want, &c));
			KUNIT_ASSERT_EQ_MSG(test, c.size, size,
					    "take_fit(%llu), %u chunks", want,
					    nr);
			for (i = 0; i < nr && live[i].ptr != c.ptr; i++)
				;
			KUNIT_ASSERT_LT_MSG(test, i, nr,
					    "take_fit(%llu) returned chunk %lu, not in the pool",
					    want, mt_kunit_id(c.ptr));
			mt_kunit_expect_chunk(test, &c, mt_kunit_id(c.ptr),
					      live[i].size);
			live[i] = live[--nr];
		}
		KUNIT_ASSERT_EQ(test, mt_pool_count(pool), nr);
		if (op % 256 == 0)
			mt_kunit_pool_check(test, pool);
	}
	mt_kunit_pool_check(test, pool);

	/* Asked for everything, it gives the largest first. */
	while (mt_pool_take_fit(pool, U64_MAX, &c)) {
		KUNIT_ASSERT_LE(test, c.size, last);
		last = c.size;
		nr--;
	}
	KUNIT_EXPECT_EQ(test, nr, 0);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 0);
	mt_kunit_pool_check(test, pool);
}

/*
 * mt_pool_take_random(): each chunk once, until none is left; and the
 * choice is uniform.  For that, the first pick of four chunks, with the
 * pool's random state seeded anew for each of 4000 rounds: about 1000
 * each, far from what a biased pick or a fixed index would give.  (Picks
 * with the chunk put back would not do: putting it back moves it, so a
 * fixed index would take the chunks in turn, evenly.)  The seeds are
 * fixed: the counts are the same on every run.
 */
static void pool_take_random_test(struct kunit *test)
{
	struct mt_pool *pool = mt_kunit_pool(test);
	unsigned int hits[4] = { 0 };
	unsigned long *seen, id;
	struct mt_chunk c;
	u32 i, round;

	seen = kunit_kcalloc(test, BITS_TO_LONGS(MT_KUNIT_NR),
			     sizeof(unsigned long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (i = 0; i < MT_KUNIT_NR; i++)
		mt_kunit_add(test, pool, i, i + 1);

	for (i = 0; i < MT_KUNIT_NR; i++) {
		KUNIT_ASSERT_TRUE(test, mt_pool_take_random(pool, &c));
		id = mt_kunit_id(c.ptr);
		KUNIT_ASSERT_LT(test, id, MT_KUNIT_NR);
		KUNIT_ASSERT_FALSE_MSG(test, test_and_set_bit(id, seen),
				       "chunk %lu taken twice", id);
		mt_kunit_expect_chunk(test, &c, id, id + 1);
		KUNIT_ASSERT_EQ(test, mt_pool_count(pool), MT_KUNIT_NR - 1 - i);
		if (i % 128 == 0)
			mt_kunit_pool_check(test, pool);
	}
	KUNIT_EXPECT_TRUE(test, bitmap_full(seen, MT_KUNIT_NR));
	KUNIT_EXPECT_FALSE(test, mt_pool_take_random(pool, &c));
	mt_kunit_pool_check(test, pool);

	for (round = 0; round < 1000 * ARRAY_SIZE(hits); round++) {
		prandom_seed_state(&pool->rnd, MT_KUNIT_SEED + round);
		for (i = 0; i < ARRAY_SIZE(hits); i++)
			mt_kunit_add(test, pool, i, 100);
		KUNIT_ASSERT_TRUE(test, mt_pool_take_random(pool, &c));
		id = mt_kunit_id(c.ptr);
		KUNIT_ASSERT_LT(test, id, ARRAY_SIZE(hits));
		hits[id]++;
		/* emptied by takes, its pages stay as spares for the next */
		while (mt_pool_take_random(pool, &c))
			;
	}
	for (i = 0; i < ARRAY_SIZE(hits); i++)
		KUNIT_EXPECT_TRUE_MSG(test, hits[i] >= 850 && hits[i] <= 1150,
				      "chunk %u picked first %u times of 4000",
				      i, hits[i]);
}

/**
 * struct mt_kunit_drain - what mt_kunit_drain_one() saw of a drain
 * @test: the test case, to report to
 * @seen: a bit per chunk id, set when the chunk was handed out
 * @calls: the chunks handed out
 * @bytes: their sizes' sum
 */
struct mt_kunit_drain {
	struct kunit *test;
	unsigned long *seen;
	u32 calls;
	u64 bytes;
};

static void mt_kunit_drain_one(const struct mt_chunk *c, void *arg)
{
	struct mt_kunit_drain *d = arg;
	unsigned long id = mt_kunit_id(c->ptr);

	d->calls++;
	d->bytes += c->size;
	if (id >= MT_KUNIT_NR || test_and_set_bit(id, d->seen)) {
		KUNIT_FAIL(d->test, "drain: chunk %lu unknown or seen twice",
			   id);
		return;
	}
	mt_kunit_expect_chunk(d->test, c, id, 3 * id + 1);
}

/*
 * mt_pool_count() through the pages of nodes; mt_pool_drain() hands out
 * every chunk once, empties the pool, which stays usable, and gives back
 * the bookkeeping's pages, all of them once the pool is destroyed.
 */
static void pool_count_drain_test(struct kunit *test)
{
	s64 tracking = atomic64_read(&mt_tracking_bytes);
	struct mt_kunit_drain d = { .test = test };
	struct mt_pool *pool = mt_kunit_pool(test);
	u64 bytes = 0, pages;
	struct mt_chunk c;
	u32 i;

	d.seen = kunit_kcalloc(test, BITS_TO_LONGS(MT_KUNIT_NR),
			       sizeof(unsigned long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d.seen);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 0);
	for (i = 0; i < MT_KUNIT_NR; i++) {
		mt_kunit_add(test, pool, i, 3 * i + 1);
		bytes += 3 * i + 1;
		KUNIT_ASSERT_EQ(test, mt_pool_count(pool), i + 1);
	}
	KUNIT_EXPECT_EQ(test, pool->bytes, bytes);
	mt_kunit_pool_check(test, pool);
	/* top, mid and the node pages, and no more than the spares besides */
	pages = 2 + DIV_ROUND_UP(MT_KUNIT_NR, MT_NODES_PER_PAGE);
	KUNIT_EXPECT_GE(test, atomic64_read(&mt_tracking_bytes) - tracking,
			(s64)(pages * PAGE_SIZE));
	KUNIT_EXPECT_LE(test, atomic64_read(&mt_tracking_bytes) - tracking,
			(s64)((pages + MT_POOL_SPARES) * PAGE_SIZE));

	mt_pool_drain(pool, mt_kunit_drain_one, &d);
	KUNIT_EXPECT_EQ(test, d.calls, MT_KUNIT_NR);
	KUNIT_EXPECT_EQ(test, d.bytes, bytes);
	KUNIT_EXPECT_TRUE(test, bitmap_full(d.seen, MT_KUNIT_NR));
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 0);
	KUNIT_EXPECT_FALSE(test, mt_pool_take_fit(pool, U64_MAX, &c));
	KUNIT_EXPECT_FALSE(test, mt_pool_take_random(pool, &c));
	mt_kunit_pool_check(test, pool);
	/* only the pool's spare pages are left */
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_tracking_bytes) - tracking,
			(s64)pool->nr_spare * PAGE_SIZE);

	/* drained, it works as new */
	mt_kunit_add(test, pool, 1, 10);
	mt_kunit_add(test, pool, 2, 20);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 2);
	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, 15, &c));
	mt_kunit_expect_chunk(test, &c, 1, 10);
	mt_kunit_pool_check(test, pool);

	kunit_release_action(test, mt_kunit_pool_release, pool);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_tracking_bytes), tracking);
}

/*
 * A pool ordered by age (free=fifo, lifo): mt_pool_take_oldest() takes
 * the oldest chunk, or the newest, whatever their sizes, chunks added
 * between the takes included; ages compare right across the wrap of
 * their 32-bit counter.
 */
static void pool_by_age_test(struct kunit *test)
{
	struct mt_pool *pool = mt_kunit_pool(test);
	unsigned long oldest = 0, newest = MT_KUNIT_NR - 1, id;
	struct mt_chunk c;
	u32 i;

	pool->by_age = true;
	/* the ages wrap around 2^32 among these chunks */
	pool->seq = U32_MAX - MT_KUNIT_NR / 2;
	for (i = 0; i < MT_KUNIT_NR; i++)
		mt_kunit_add(test, pool, i, 1 + (i * 7919) % 300);
	mt_kunit_pool_check(test, pool);

	for (i = 0; i < MT_KUNIT_NR / 2; i++) {
		bool lifo = i % 3 == 1;

		KUNIT_ASSERT_TRUE(test, mt_pool_take_oldest(pool, lifo, &c));
		id = mt_kunit_id(c.ptr);
		KUNIT_ASSERT_EQ_MSG(test, id, lifo ? newest : oldest,
				    "take %u, the %s", i,
				    lifo ? "newest" : "oldest");
		mt_kunit_expect_chunk(test, &c, id, 1 + (id * 7919) % 300);
		if (lifo)
			newest--;
		else
			oldest++;
		if (i % 128 == 0)
			mt_kunit_pool_check(test, pool);
	}
	/* a chunk added now is the newest */
	mt_kunit_add(test, pool, MT_KUNIT_NR, 5);
	KUNIT_ASSERT_TRUE(test, mt_pool_take_oldest(pool, true, &c));
	mt_kunit_expect_chunk(test, &c, MT_KUNIT_NR, 5);
	mt_kunit_pool_check(test, pool);

	/* the rest, oldest first */
	while (mt_pool_take_oldest(pool, false, &c)) {
		KUNIT_ASSERT_EQ(test, mt_kunit_id(c.ptr), oldest);
		oldest++;
	}
	KUNIT_EXPECT_EQ(test, oldest, newest + 1);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 0);
	KUNIT_EXPECT_FALSE(test, mt_pool_take_oldest(pool, true, &c));
	mt_kunit_pool_check(test, pool);
}

/* ------------------------------------------- owners: mem_free's choice --- */

/**
 * struct mt_kunit_owner - an owner for a test case, with its own totals
 * @o: the owner
 * @totals: what @o holds, counted apart from the module's totals
 */
struct mt_kunit_owner {
	struct mt_owner o;
	struct mt_totals totals;
};

KUNIT_DEFINE_ACTION_WRAPPER(mt_kunit_owner_destroy, mt_owner_destroy,
			    struct mt_owner *);

/* An owner that holds nothing, destroyed (all freed) when the test ends. */
static struct mt_owner *mt_kunit_owner(struct kunit *test)
{
	struct mt_kunit_owner *ko = kunit_kzalloc(test, sizeof(*ko),
						  GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ko);
	mt_owner_init(&ko->o, &ko->totals, "kunit", "kunit", MT_KUNIT_SEED);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							mt_kunit_owner_destroy,
							&ko->o), 0);
	return &ko->o;
}

/* How a command allocates: process context, kernel,nowarn, any node. */
static const struct mt_how mt_kunit_how = {
	.gfp = GFP_KERNEL | __GFP_NOWARN,
	.node = NUMA_NO_NODE,
	.can_sleep = true,
};

/* Keep a chunk of @size, as mem_alloc does: it counts mt_chunk_bytes(). */
static void mt_kunit_keep(struct kunit *test, struct mt_owner *o,
			  enum mt_alloc_kind kind, u64 size)
{
	KUNIT_ASSERT_EQ(test, mt_owner_alloc(o, kind,
					     mt_chunk_bytes(kind, size),
					     &mt_kunit_how, false), 0);
}

/* What @o holds, by its own counters, its class's and the pool's. */
static void mt_kunit_expect_held(struct kunit *test, struct mt_owner *o,
				 s64 chunks, s64 bytes)
{
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->chunks), chunks);
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->bytes), bytes);
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->totals->chunks), chunks);
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->totals->bytes), bytes);
	KUNIT_EXPECT_EQ(test, mt_pool_count(&o->pool), chunks);
	KUNIT_EXPECT_EQ(test, o->pool.bytes, bytes);
}

/*
 * mem_free SIZE (mt_owner_free_fit()) frees whole chunks, at least SIZE
 * bytes and no more than it must: the largest chunk that fits in what is
 * still to be freed, again and again; when every chunk is bigger than
 * what is left, the smallest.  Scenarios with one answer each.
 */
static void owner_free_fit_test(struct kunit *test)
{
	s64 committed = atomic64_read(&mt_committed);
	struct mt_owner *o = mt_kunit_owner(test);

	/* Documentation/malloc_test.rst's example: 200, then 100. */
	mt_kunit_keep(test, o, MT_KMALLOC, 100);
	mt_kunit_keep(test, o, MT_KMALLOC, 200);
	mt_kunit_keep(test, o, MT_KMALLOC, 300);
	mt_kunit_expect_held(test, o, 3, 600);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed) - committed, 600);
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 250), 300);
	mt_kunit_expect_held(test, o, 1, 300);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed) - committed, 300);
	/* less held than asked: all of it */
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 1000), 300);
	mt_kunit_expect_held(test, o, 0, 0);
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 1), 0);

	/* every chunk bigger: only the smallest goes */
	mt_kunit_keep(test, o, MT_VMALLOC, 200);
	mt_kunit_keep(test, o, MT_KMALLOC, 100);
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 1), 100);
	mt_kunit_expect_held(test, o, 1, 200);
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 200), 200);

	/* an exact fit goes alone, before smaller ones that add up to it */
	mt_kunit_keep(test, o, MT_KMALLOC, 64);
	mt_kunit_keep(test, o, MT_KVMALLOC, 64);
	mt_kunit_keep(test, o, MT_KMALLOC, 128);
	mt_kunit_keep(test, o, MT_VMALLOC, 256);
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 128), 128);
	mt_kunit_expect_held(test, o, 3, 384);
	/* 129: 64 and 64 fit, then 1 is left and only 256 remains */
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 129), 384);
	mt_kunit_expect_held(test, o, 0, 0);

	/*
	 * What is still to be freed decides, not the request: of 50, 60 and
	 * 100, freeing 120 takes 100, then, with 20 left and every chunk
	 * bigger, the smallest, 50; 60 stays.
	 */
	mt_kunit_keep(test, o, MT_KMALLOC, 60);
	mt_kunit_keep(test, o, MT_KMALLOC, 100);
	mt_kunit_keep(test, o, MT_KMALLOC, 50);
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 120), 150);
	mt_kunit_expect_held(test, o, 1, 60);
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 60), 60);
	mt_kunit_expect_held(test, o, 0, 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed), committed);
}

/*
 * A test's free policy (mt_owner_free_one()): fifo frees the oldest
 * chunk, lifo the newest, random any; each returns what the chunk
 * counted, 0 when nothing is held.
 */
static void owner_free_one_test(struct kunit *test)
{
	s64 committed = atomic64_read(&mt_committed);
	struct mt_owner *o = mt_kunit_owner(test);
	u64 sum = 0, freed;
	unsigned int i;

	o->pool.by_age = true;
	mt_kunit_keep(test, o, MT_KMALLOC, 300);
	mt_kunit_keep(test, o, MT_VMALLOC, 100);
	mt_kunit_keep(test, o, MT_KMALLOC, 200);
	mt_kunit_keep(test, o, MT_PAGES, 1);
	KUNIT_EXPECT_EQ(test, mt_owner_free_one(o, MT_FREE_FIFO), 300);
	KUNIT_EXPECT_EQ(test, mt_owner_free_one(o, MT_FREE_LIFO), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mt_owner_free_one(o, MT_FREE_FIFO), 100);
	mt_kunit_expect_held(test, o, 1, 200);
	KUNIT_EXPECT_EQ(test, mt_owner_free_one(o, MT_FREE_LIFO), 200);
	KUNIT_EXPECT_EQ(test, mt_owner_free_one(o, MT_FREE_FIFO), 0);
	KUNIT_EXPECT_EQ(test, mt_owner_free_one(o, MT_FREE_LIFO), 0);

	for (i = 1; i <= 4; i++)
		mt_kunit_keep(test, o, MT_KMALLOC, i);
	for (i = 0; i < 4; i++) {
		freed = mt_owner_free_one(o, MT_FREE_RANDOM);
		KUNIT_EXPECT_TRUE_MSG(test, freed >= 1 && freed <= 4,
				      "random free %u gave %llu", i, freed);
		sum += freed;
	}
	KUNIT_EXPECT_EQ(test, sum, 10);
	KUNIT_EXPECT_EQ(test, mt_owner_free_one(o, MT_FREE_RANDOM), 0);
	mt_kunit_expect_held(test, o, 0, 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed), committed);
}

/* ------------------------------------------------ allocators --- */

/*
 * The bytes a chunk counts (mt_chunk_bytes()): its size, but whole pages
 * of its order for alloc=pages and a copy per possible CPU for
 * alloc=percpu; mt_fit(): the biggest such chunk within a limit, the
 * largest power-of-two number of pages for pages, whole bytes per CPU
 * for percpu, 0 when not even one fits.  And each allocator's limit.
 */
static void alloc_bytes_test(struct kunit *test)
{
	static const enum mt_alloc_kind bytewise[] = {
		MT_KMALLOC, MT_VMALLOC, MT_KVMALLOC, MT_CACHE,
	};
	const u64 n = num_possible_cpus(), p = PAGE_SIZE;
	const u64 pmax = PAGE_SIZE << MT_MAX_PAGE_ORDER;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bytewise); i++) {
		enum mt_alloc_kind k = bytewise[i];

		KUNIT_EXPECT_EQ(test, mt_chunk_bytes(k, 1), 1);
		KUNIT_EXPECT_EQ(test, mt_chunk_bytes(k, 5000), 5000);
		KUNIT_EXPECT_EQ(test, mt_fit(k, 100, 1000), 100);
		KUNIT_EXPECT_EQ(test, mt_fit(k, 100, 100), 100);
		KUNIT_EXPECT_EQ(test, mt_fit(k, 100, 60), 60);
		KUNIT_EXPECT_EQ(test, mt_fit(k, 100, 1), 1);
	}

	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PAGES, 1), p);
	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PAGES, p), p);
	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PAGES, p + 1), 2 * p);
	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PAGES, 3 * p), 4 * p);
	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PAGES, pmax / 2 + 1), pmax);
	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PAGES, pmax), pmax);
	if (p == SZ_4K) {
		/* the documentation's example: 5000 bytes count 8192 */
		KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PAGES, 5000), 8192);
	}
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, p + 1, U64_MAX), 2 * p);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, p + 1, 2 * p), 2 * p);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, p + 1, 2 * p - 1), p);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, 16 * p, 7 * p + 5), 4 * p);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, pmax, pmax - 1), pmax / 2);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, 1, p), p);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, 1, p - 1), 0);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PAGES, 1, 0), 0);

	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PERCPU, 1), n);
	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PERCPU, 100), 100 * n);
	KUNIT_EXPECT_EQ(test, mt_chunk_bytes(MT_PERCPU, PCPU_MIN_UNIT_SIZE),
			PCPU_MIN_UNIT_SIZE * n);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PERCPU, 100, 100 * n), 100 * n);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PERCPU, 100, 100 * n - 1), 99 * n);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PERCPU, 100, 6 * n - 1), 5 * n);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PERCPU, 1, n), n);
	KUNIT_EXPECT_EQ(test, mt_fit(MT_PERCPU, 1, n - 1), 0);

	/* the most each may be asked at once */
	KUNIT_EXPECT_EQ(test, mt_allocators[MT_KMALLOC].max_size,
			(u64)KMALLOC_MAX_SIZE);
	KUNIT_EXPECT_EQ(test, mt_allocators[MT_VMALLOC].max_size,
			MT_CHUNK_SIZE_MAX);
	KUNIT_EXPECT_EQ(test, mt_allocators[MT_KVMALLOC].max_size,
			(u64)INT_MAX);
	KUNIT_EXPECT_EQ(test, mt_allocators[MT_PAGES].max_size, pmax);
	KUNIT_EXPECT_EQ(test, mt_allocators[MT_CACHE].max_size, (u64)SZ_1M);
	KUNIT_EXPECT_EQ(test, mt_allocators[MT_PERCPU].max_size,
			(u64)PCPU_MIN_UNIT_SIZE);
	if (IS_ENABLED(CONFIG_X86_64))
		KUNIT_EXPECT_EQ(test, pmax, (u64)SZ_4M);

	/* the names alloc= takes */
	for (i = 0; i < MT_NR_KINDS; i++)
		KUNIT_EXPECT_EQ(test, mt_kind_from_name(mt_allocators[i].name),
				(int)i);
	KUNIT_EXPECT_STREQ(test, mt_allocators[MT_PAGES].name, "pages");
	KUNIT_EXPECT_STREQ(test, mt_allocators[MT_CACHE].name, "cache");
	KUNIT_EXPECT_STREQ(test, mt_allocators[MT_PERCPU].name, "percpu");
	KUNIT_EXPECT_LT(test, mt_kind_from_name("page"), 0);
}

/*
 * What an owner holds and what is charged, per allocator too, are the
 * bytes its chunks count: whole pages, a copy per CPU.
 */
static void owner_footprint_test(struct kunit *test)
{
	static const enum mt_alloc_kind k[] = {
		MT_PAGES, MT_PERCPU, MT_CACHE, MT_KMALLOC, MT_VMALLOC,
		MT_KVMALLOC,
	};
	static const u64 asked[] = { 5000, 100, 100, 100, 100, 3000 };
	s64 committed = atomic64_read(&mt_committed);
	s64 kb[MT_NR_KINDS], kc[MT_NR_KINDS];
	struct mt_owner *o = mt_kunit_owner(test);
	u64 bytes = 0, pages = mt_chunk_bytes(MT_PAGES, 5000);
	unsigned int i;

	for (i = 0; i < MT_NR_KINDS; i++) {
		kb[i] = atomic64_read(&mt_kind_totals[i].bytes);
		kc[i] = atomic64_read(&mt_kind_totals[i].chunks);
	}
	for (i = 0; i < ARRAY_SIZE(k); i++) {
		mt_kunit_keep(test, o, k[i], asked[i]);
		bytes += mt_chunk_bytes(k[i], asked[i]);
		KUNIT_EXPECT_EQ_MSG(test,
				    atomic64_read(&mt_kind_totals[k[i]].bytes) - kb[k[i]],
				    (s64)mt_chunk_bytes(k[i], asked[i]),
				    "%s bytes", mt_allocators[k[i]].name);
		KUNIT_EXPECT_EQ_MSG(test,
				    atomic64_read(&mt_kind_totals[k[i]].chunks) - kc[k[i]],
				    1, "%s chunks", mt_allocators[k[i]].name);
	}
	KUNIT_EXPECT_EQ(test, pages, PAGE_SIZE << get_order(5000));
	mt_kunit_expect_held(test, o, ARRAY_SIZE(k), bytes);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed) - committed,
			(s64)bytes);

	/* mem_free 'pages' bytes: the pages chunk, whole, fits exactly */
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, pages), pages);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_kind_totals[MT_PAGES].bytes),
			kb[MT_PAGES]);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_kind_totals[MT_PAGES].chunks),
			kc[MT_PAGES]);
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), bytes - pages);
	mt_kunit_expect_held(test, o, 0, 0);
	for (i = 0; i < MT_NR_KINDS; i++) {
		KUNIT_EXPECT_EQ(test, atomic64_read(&mt_kind_totals[i].bytes),
				kb[i]);
		KUNIT_EXPECT_EQ(test, atomic64_read(&mt_kind_totals[i].chunks),
				kc[i]);
	}
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed), committed);
}

/*
 * alloc=cache: one dedicated cache per size class (8 bytes to 1 MiB,
 * powers of two) and owner, created on first use, destroyed with its
 * last chunk; a test's stay until it ends (pinned), and a ctx=timer
 * test's are all created at its start, up to its MAX's class, as its
 * callback cannot create one.
 */
static void cache_classes_test(struct kunit *test)
{
	const struct mt_how atomic_how = {
		.gfp = GFP_ATOMIC | __GFP_NOWARN,
		.node = NUMA_NO_NODE,
		.can_sleep = false,
	};
	int caches = atomic_read(&mt_nr_caches);
	struct mt_owner *o = mt_kunit_owner(test);
	struct mt_caches *cs = &o->caches;
	unsigned int c128 = mt_cache_class(128), c256 = mt_cache_class(256);
	unsigned int cls;

	/* the classes */
	KUNIT_EXPECT_EQ(test, mt_cache_class(1), 0);
	KUNIT_EXPECT_EQ(test, mt_cache_class(8), 0);
	KUNIT_EXPECT_EQ(test, mt_cache_class(9), 1);
	KUNIT_EXPECT_EQ(test, mt_cache_class(100), c128);
	KUNIT_EXPECT_EQ(test, mt_class_size(c128), 128);
	KUNIT_EXPECT_EQ(test, mt_cache_class(129), c256);
	KUNIT_EXPECT_EQ(test, mt_cache_class(SZ_1M), MT_CACHE_CLASSES - 1);
	KUNIT_EXPECT_EQ(test, mt_class_size(MT_CACHE_CLASSES - 1), SZ_1M);

	/* kept memory's: created on first use, gone with the last chunk */
	mt_kunit_keep(test, o, MT_CACHE, 100);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 1);
	KUNIT_EXPECT_NOT_NULL(test, cs->cache[c128]);
	KUNIT_EXPECT_EQ(test, atomic_read(&cs->objects[c128]), 1);
	mt_kunit_keep(test, o, MT_CACHE, 128);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&cs->objects[c128]), 2);
	mt_kunit_keep(test, o, MT_CACHE, 129);
	mt_kunit_keep(test, o, MT_CACHE, 1);
	mt_kunit_keep(test, o, MT_CACHE, SZ_1M);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&cs->objects[c256]), 1);
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 129), 129);
	KUNIT_EXPECT_NULL(test, cs->cache[c256]);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 3);
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 100 + 128 + 1 + SZ_1M);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches), caches);
	for (cls = 0; cls < MT_CACHE_CLASSES; cls++) {
		KUNIT_EXPECT_NULL_MSG(test, cs->cache[cls], "class %u", cls);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&cs->objects[cls]), 0,
				    "class %u", cls);
	}

	/* a test's: they stay, emptied, until it ends */
	cs->pin = true;
	mt_kunit_keep(test, o, MT_CACHE, 64);
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 64);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 1);
	KUNIT_EXPECT_NOT_NULL(test, cs->cache[mt_cache_class(64)]);
	mt_owner_unpin_caches(o);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches), caches);
	KUNIT_EXPECT_NULL(test, cs->cache[mt_cache_class(64)]);

	/* ctx=timer: every class up to MAX's, made before; none after */
	cs->pin = true;
	KUNIT_ASSERT_EQ(test, mt_owner_pin_caches(o, 1000), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches,
			mt_cache_class(1000) + 1);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_CACHE, 1000, &atomic_how,
					     false), 0);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_CACHE, 8, &atomic_how,
					     false), 0);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_CACHE, 2000, &atomic_how,
					     false), -ENOMEM);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches,
			mt_cache_class(1000) + 1);
	mt_kunit_expect_held(test, o, 2, 1008);
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 1008);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches,
			mt_cache_class(1000) + 1);
	mt_owner_unpin_caches(o);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches), caches);
}

/* ------------------------------------------------ check_content --- */

/* The one chunk @o holds, left in its pool (which frees it at the end). */
static void mt_kunit_peek(struct kunit *test, struct mt_owner *o,
			  struct mt_chunk *c)
{
	const struct mt_node *n;

	KUNIT_ASSERT_EQ(test, mt_pool_count(&o->pool), 1);
	n = mt_node(&o->pool, 0);
	c->ptr = n->ptr;
	c->size = n->size;
	c->kind = n->kind;
	c->patterned = n->patterned;
}

/* mt_check() of @c after flipping every byte of [@off, @off + @len). */
static ssize_t mt_kunit_check_flipped(const struct mt_chunk *c, size_t off,
				      size_t len, bool can_sleep)
{
	u8 *p = c->ptr;
	ssize_t ret;
	size_t i;

	for (i = off; i < off + len; i++)
		p[i] ^= 0xff;
	ret = mt_check(p, c->size, can_sleep);
	for (i = off; i < off + len; i++)
		p[i] ^= 0xff;
	return ret;
}

/*
 * A chunk allocated with check_content on carries the pattern; mt_check()
 * passes it intact and reports the first byte overwritten since, exactly.
 * The chunk is asked as @asked bytes and spans what it counts: whole
 * pages for alloc=pages, all of which carry the pattern.
 */
static void mt_kunit_check_kind(struct kunit *test, enum mt_alloc_kind kind,
				size_t asked)
{
	const char *name = mt_allocators[kind].name;
	struct mt_owner *o = mt_kunit_owner(test);
	size_t size = mt_chunk_bytes(kind, asked);
	size_t at[] = { 0, size / 2, size - 1 };
	struct mt_chunk c;
	unsigned int i;

	WRITE_ONCE(mt_check_content, true);
	mt_kunit_keep(test, o, kind, asked);
	mt_kunit_peek(test, o, &c);
	KUNIT_ASSERT_TRUE(test, c.patterned);
	KUNIT_EXPECT_EQ(test, c.kind, kind);
	KUNIT_EXPECT_EQ(test, c.size, size);

	KUNIT_EXPECT_EQ_MSG(test, mt_check(c.ptr, size, true), (ssize_t)-1,
			    "intact %s chunk of %zu bytes", name, size);
	for (i = 0; i < ARRAY_SIZE(at); i++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_check_flipped(&c, at[i], 1, true),
				    (ssize_t)at[i],
				    "%s chunk of %zu bytes, byte %zu overwritten",
				    name, size, at[i]);
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_check_flipped(&c, at[i], 1, false),
				    (ssize_t)at[i],
				    "%s chunk of %zu bytes, byte %zu overwritten (atomic)",
				    name, size, at[i]);
	}
	/* several bytes, across a word boundary: the first of them */
	if (size >= 12)
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_check_flipped(&c, 6, 4, true),
				    (ssize_t)6,
				    "%s chunk of %zu bytes, bytes 6..9 overwritten",
				    name, size);
	/* two places: the first */
	if (size >= 3) {
		u8 *p = c.ptr;

		p[size - 1] ^= 0xff;
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_check_flipped(&c, size / 2, 1,
							   true),
				    (ssize_t)(size / 2),
				    "%s chunk of %zu bytes, bytes %zu and %zu overwritten",
				    name, size, size / 2, size - 1);
		p[size - 1] ^= 0xff;
	}
	KUNIT_EXPECT_EQ_MSG(test, mt_check(c.ptr, size, true), (ssize_t)-1,
			    "%s chunk of %zu bytes, restored", name, size);

	/* intact again, so freeing it (which checks it) finds nothing */
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), size);
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->corruptions), 0);
}

static void check_kmalloc_test(struct kunit *test)
{
	/* a tail only, one word, a word and a tail, past a page */
	mt_kunit_check_kind(test, MT_KMALLOC, 1);
	mt_kunit_check_kind(test, MT_KMALLOC, sizeof(long));
	mt_kunit_check_kind(test, MT_KMALLOC, 13);
	mt_kunit_check_kind(test, MT_KMALLOC, PAGE_SIZE + 3);
}

static void check_vmalloc_test(struct kunit *test)
{
	/* past a few pages; past the 1 MiB step of the sleeping scan */
	mt_kunit_check_kind(test, MT_VMALLOC, 1);
	mt_kunit_check_kind(test, MT_VMALLOC, 3 * PAGE_SIZE + 5);
	mt_kunit_check_kind(test, MT_VMALLOC, MT_PATTERN_STEP + 3);
}

static void check_pages_cache_test(struct kunit *test)
{
	/* one page, two pages: all of them patterned; a cache's objects */
	mt_kunit_check_kind(test, MT_PAGES, 1);
	mt_kunit_check_kind(test, MT_PAGES, PAGE_SIZE + 904);
	mt_kunit_check_kind(test, MT_CACHE, 13);
	mt_kunit_check_kind(test, MT_CACHE, PAGE_SIZE + 3);
}

/*
 * A percpu chunk carries the pattern in each possible CPU's copy; an
 * overwritten byte's offset counts across the copies, in CPU order.
 */
static void check_percpu_test(struct kunit *test)
{
	static const size_t offs[] = { 0, 11, 23 };
	const size_t each = 24;
	const u64 n = num_possible_cpus();
	s64 module = atomic64_read(&mt_corruptions);
	struct mt_owner *o = mt_kunit_owner(test);
	struct mt_chunk c;
	unsigned int i, k = 0, j;
	u8 *first = NULL, *p = NULL;
	int cpu;

	WRITE_ONCE(mt_check_content, true);
	mt_kunit_keep(test, o, MT_PERCPU, each);
	mt_kunit_peek(test, o, &c);
	KUNIT_ASSERT_TRUE(test, c.patterned);
	KUNIT_EXPECT_EQ(test, c.kind, MT_PERCPU);
	KUNIT_EXPECT_EQ(test, c.size, each * n);
	KUNIT_EXPECT_EQ(test, mt_check_chunk(&c, true), (ssize_t)-1);

	for_each_possible_cpu(cpu) {
		p = per_cpu_ptr((void __percpu __force *)c.ptr, cpu);
		for (i = 0; i < ARRAY_SIZE(offs); i++) {
			p[offs[i]] ^= 0x5a;
			for (j = 0; j < 2; j++)
				KUNIT_EXPECT_EQ_MSG(test,
						    mt_check_chunk(&c, !j),
						    (ssize_t)(k * each + offs[i]),
						    "CPU %d (copy %u), byte %zu overwritten%s",
						    cpu, k, offs[i],
						    j ? " (atomic)" : "");
			p[offs[i]] ^= 0x5a;
		}
		if (!first)
			first = p;
		k++;
	}
	KUNIT_EXPECT_EQ(test, k, n);
	KUNIT_EXPECT_EQ(test, mt_check_chunk(&c, true), (ssize_t)-1);
	KUNIT_ASSERT_NOT_NULL(test, p);

	/* the last copy overwritten: found at free, counted */
	p[each - 1] ^= 0x01;
	if (n > 1) {
		/* and the first too: the first copy's is reported */
		first[5] ^= 0x01;
		KUNIT_EXPECT_EQ(test, mt_check_chunk(&c, true), (ssize_t)5);
		first[5] ^= 0x01;
	}
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), each * n);
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->corruptions), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_corruptions) - module, 1);
}

/*
 * mt_verify(), on the way to every free and resize: a corrupted chunk is
 * counted, for the owner and module-wide; an intact one is not; a chunk
 * allocated while check_content was off is not checked at all.
 */
static void verify_counts_test(struct kunit *test)
{
	s64 module = atomic64_read(&mt_corruptions);
	struct mt_owner *o = mt_kunit_owner(test);
	struct mt_chunk c;
	u8 *p;

	WRITE_ONCE(mt_check_content, true);
	mt_kunit_keep(test, o, MT_KMALLOC, 100);
	mt_kunit_peek(test, o, &c);
	p = c.ptr;
	KUNIT_EXPECT_FALSE(test, mt_verify(o, &c, true));
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->corruptions), 0);
	p[42] ^= 0x01;
	KUNIT_EXPECT_TRUE(test, mt_verify(o, &c, true));
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->corruptions), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_corruptions) - module, 1);
	p[42] ^= 0x01;
	KUNIT_EXPECT_FALSE(test, mt_verify(o, &c, false));
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 100);
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->corruptions), 1);

	/* freeing checks: a chunk overwritten at its last byte is counted */
	mt_kunit_keep(test, o, MT_KVMALLOC, 5000);
	mt_kunit_peek(test, o, &c);
	((u8 *)c.ptr)[4999] ^= 0x80;
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 5000);
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->corruptions), 2);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_corruptions) - module, 2);

	/* allocated with check_content off: no pattern, nothing checked */
	WRITE_ONCE(mt_check_content, false);
	mt_kunit_keep(test, o, MT_VMALLOC, 64);
	mt_kunit_peek(test, o, &c);
	KUNIT_EXPECT_FALSE(test, c.patterned);
	memset(c.ptr, 0, 64);
	KUNIT_EXPECT_FALSE(test, mt_verify(o, &c, true));
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 64);
	KUNIT_EXPECT_EQ(test, atomic64_read(&o->corruptions), 2);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_corruptions) - module, 2);
}

/* --------------------------------------------------------- latency --- */

/* The buckets tile 0..U64_MAX, each a quarter of its octave at most. */
static void hist_buckets_test(struct kunit *test)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, mt_hist_lo(0), 0);
	KUNIT_EXPECT_EQ(test, mt_hist_hi(MT_LAT_BUCKETS - 1), U64_MAX);
	KUNIT_EXPECT_EQ(test, mt_hist_index(U64_MAX), MT_LAT_BUCKETS - 1);
	KUNIT_EXPECT_EQ(test, mt_hist_index(1ULL << MT_LAT_MAX_SHIFT),
			MT_LAT_BUCKETS - 1);
	KUNIT_EXPECT_EQ(test, mt_hist_index((1ULL << MT_LAT_MAX_SHIFT) - 1),
			MT_LAT_BUCKETS - 1);
	for (i = 0; i < MT_LAT_BUCKETS; i++) {
		KUNIT_EXPECT_LT(test, mt_hist_lo(i), mt_hist_hi(i));
		KUNIT_EXPECT_EQ(test, mt_hist_index(mt_hist_lo(i)), i);
		if (i == MT_LAT_BUCKETS - 1)
			break;
		KUNIT_EXPECT_EQ(test, mt_hist_hi(i), mt_hist_lo(i + 1));
		KUNIT_EXPECT_EQ(test, mt_hist_index(mt_hist_hi(i) - 1), i);
		if (i >= 4)
			KUNIT_EXPECT_LE(test, 4 * (mt_hist_hi(i) - mt_hist_lo(i)),
					mt_hist_lo(i));
	}
}

/* Percentiles by rank, in the bucket of the value of that rank. */
static void hist_percentile_test(struct kunit *test)
{
	static const u64 at[MT_NR_PCTS] = { 500, 900, 990, 999 };
	struct mt_hist *h = kunit_kmalloc(test, sizeof(*h), GFP_KERNEL);
	struct mt_hist_sum s;
	unsigned int i;
	u64 v;

	KUNIT_ASSERT_NOT_NULL(test, h);
	mt_hist_init(h);
	mt_hist_summarize(h, &s);
	KUNIT_EXPECT_EQ(test, s.count, 0);
	KUNIT_EXPECT_EQ(test, s.min, 0);
	KUNIT_EXPECT_EQ(test, s.pct[3], 0);

	/* 1..1000 ns: the value of rank r is r */
	for (v = 1000; v >= 1; v--)
		mt_hist_add(h, v);
	mt_hist_summarize(h, &s);
	KUNIT_EXPECT_EQ(test, s.count, 1000);
	KUNIT_EXPECT_EQ(test, s.min, 1);
	KUNIT_EXPECT_EQ(test, s.max, 1000);
	KUNIT_EXPECT_EQ(test, s.mean, 500);
	for (i = 0; i < MT_NR_PCTS; i++) {
		KUNIT_EXPECT_EQ(test, mt_hist_index(s.pct[i]),
				mt_hist_index(at[i]));
		if (i)
			KUNIT_EXPECT_LE(test, s.pct[i - 1], s.pct[i]);
	}

	/* one duration: every figure is it */
	mt_hist_init(h);
	mt_hist_add(h, 123456);
	mt_hist_summarize(h, &s);
	KUNIT_EXPECT_EQ(test, s.count, 1);
	KUNIT_EXPECT_EQ(test, s.min, 123456);
	KUNIT_EXPECT_EQ(test, s.mean, 123456);
	for (i = 0; i < MT_NR_PCTS; i++)
		KUNIT_EXPECT_EQ(test, s.pct[i], 123456);

	/* 999 fast, 1 slow: p99.9 is still fast, the max is not */
	mt_hist_init(h);
	for (i = 0; i < 999; i++)
		mt_hist_add(h, 100);
	mt_hist_add(h, 1000000);
	mt_hist_summarize(h, &s);
	KUNIT_EXPECT_EQ(test, mt_hist_index(s.pct[3]), mt_hist_index(100));
	KUNIT_EXPECT_GE(test, s.pct[3], 100);
	KUNIT_EXPECT_EQ(test, s.max, 1000000);
	KUNIT_EXPECT_EQ(test, s.mean, (999 * 100 + 1000000) / 1000);
}

/* A test's histograms: recorded per CPU, merged whole. */
static void lat_merge_test(struct kunit *test)
{
	struct mt_lat __percpu *lat = mt_lat_alloc();
	struct mt_hist *h = kunit_kmalloc(test, sizeof(*h), GFP_KERNEL);
	struct mt_hist_sum s;
	unsigned int i;

	/* a __percpu pointer: not for KUNIT_ASSERT_NOT_NULL's comparison */
	KUNIT_ASSERT_TRUE(test, !!lat);
	KUNIT_ASSERT_NOT_NULL(test, h);
	for (i = 0; i < 100; i++)
		mt_lat_record(lat, MT_LAT_FREE, 10 * (i + 1));
	/* another CPU's histogram, as its own writer would have filled it */
	mt_hist_add(&per_cpu_ptr(lat, cpumask_last(cpu_possible_mask))->op[MT_LAT_FREE],
		    5);
	mt_lat_read(lat, MT_LAT_ALLOC, h);
	mt_hist_summarize(h, &s);
	KUNIT_EXPECT_EQ(test, s.count, 0);
	mt_lat_read(lat, MT_LAT_FREE, h);
	mt_hist_summarize(h, &s);
	KUNIT_EXPECT_EQ(test, s.count, 101);
	KUNIT_EXPECT_EQ(test, s.min, 5);
	KUNIT_EXPECT_EQ(test, s.max, 1000);
	KUNIT_EXPECT_EQ(test, h->sum, 5 + 10 * 5050);
	mt_lat_free(lat);
}

static struct kunit_case mt_kunit_cases[] = {
	KUNIT_CASE(parse_numbers_test),
	KUNIT_CASE(parse_count_test),
	KUNIT_CASE(parse_whitespace_test),
	KUNIT_CASE(parse_units_test),
	KUNIT_CASE(parse_unit_overflow_test),
	KUNIT_CASE(parse_options_test),
	KUNIT_CASE(parse_gfp_test),
	KUNIT_CASE(parse_place_test),
	KUNIT_CASE(parse_quoting_test),
	KUNIT_CASE(pool_take_fit_rule_test),
	KUNIT_CASE(pool_take_fit_random_test),
	KUNIT_CASE(pool_take_random_test),
	KUNIT_CASE(pool_count_drain_test),
	KUNIT_CASE(pool_by_age_test),
	KUNIT_CASE(owner_free_fit_test),
	KUNIT_CASE(owner_free_one_test),
	KUNIT_CASE(alloc_bytes_test),
	KUNIT_CASE(owner_footprint_test),
	KUNIT_CASE(cache_classes_test),
	KUNIT_CASE(check_kmalloc_test),
	KUNIT_CASE(check_vmalloc_test),
	KUNIT_CASE(check_pages_cache_test),
	KUNIT_CASE(check_percpu_test),
	KUNIT_CASE(verify_counts_test),
	KUNIT_CASE(hist_buckets_test),
	KUNIT_CASE(hist_percentile_test),
	KUNIT_CASE(lat_merge_test),
	{}
};

static struct kunit_suite mt_kunit_suite = {
	.name = "malloc_test",
	.init = mt_kunit_init,
	.test_cases = mt_kunit_cases,
};

kunit_test_suite(mt_kunit_suite);

MODULE_DESCRIPTION("KUnit tests of malloc_test's parser, allocators, pool and content check");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
