// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test_kunit - KUnit tests of malloc_test's parser (numbers, units
 * and the options: alloc=, gfp=, node=, ctx=, cpu=, free=), the bytes a
 * chunk of each allocator counts and what it costs the machine (its
 * footprint, the worst case charged before it is allocated, and the bound
 * mem_rnd_alloc reserves), the charges against max_bytes and
 * max_atomic_bytes and their reserves, the pool that chooses which chunk
 * mem_free and a test's free policy free, the owners' figures through
 * failed resizes, the dedicated slab caches of alloc=cache,
 * check_content's detection of overwritten chunks, and the latency
 * histograms' buckets, percentiles and per-CPU merging.
 *
 * The functions under test are mostly static, so this file includes the
 * sources of the module's lower layers, from the grammar up to the
 * owners (the in-tree idiom for testing static functions): each defines
 * its own globals and parameters, and none needs the layers above it
 * (commands, tests, the bench, debugfs, load and unload), which are not
 * included.  The result is a module of its own, which neither needs nor
 * touches malloc_test.ko; its copies of the caps and charges are set by
 * the tests.
 *
 * Results: /sys/kernel/debug/kunit/malloc_test/results (KTAP).  Built
 * only against a kernel with KUnit (the debug lane's); the guest case
 * 97-kunit.sh (tools/testing/selftests/malloc_test/) loads it and turns
 * each case into a check.
 */
#include "../mt_alloc.c"
#include "../mt_charge.c"
#include "../mt_gfp.c"
#include "../mt_grammar.c"
#include "../mt_lat.c"
#include "../mt_owner.c"
#include "../mt_param.c"
#include "../mt_parse.c"
#include "../mt_pool.c"
#include "../mt_rand.c"

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/module.h>

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
	WRITE_ONCE(mt_max_atomic_bytes, SZ_16M);
	return 0;
}

/* ------------------------------------------------------------ parser --- */

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
	u16 given;
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
 * whatever the order given.
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
	KUNIT_EXPECT_STREQ(test, usage, "[SIZE [UNIT]]");
	mt_usage(usage, sizeof(usage), &mt_syntax[MT_CMD_TEST_START]);
	KUNIT_EXPECT_STREQ(test, usage,
			   "MIN MAX TOTAL MIN_INT MAX_INT TOTAL_TIME [UNIT] [alloc=A] [gfp=F,...] [node=N] [ctx=work|timer] [cpu=N] [free=all|random|fifo|lifo]");
	mt_usage(usage, sizeof(usage), &mt_syntax[MT_CMD_BENCH]);
	KUNIT_EXPECT_STREQ(test, usage,
			   "[alloc=A] size=S[UNIT] count=N [threads=T] [pattern=pair|batch|random] [gfp=F,...] [cpu=N] [sample=K] [time=SEC] | stop");
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
static struct mt_pool *mt_kunit_pool_by(struct kunit *test,
					enum mt_pool_order order)
{
	struct mt_pool *pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pool);
	mt_pool_init(pool, order, MT_KUNIT_SEED);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							mt_kunit_pool_release,
							pool), 0);
	return pool;
}

/* An empty pool ordered by size, as kept memory's. */
static struct mt_pool *mt_kunit_pool(struct kunit *test)
{
	return mt_kunit_pool_by(test, MT_POOL_BY_SIZE);
}

/* Chunk @id of @size: its kind, pattern and urgent flags follow from @id. */
static struct mt_chunk mt_kunit_chunk(unsigned long id, u64 size)
{
	return (struct mt_chunk) {
		.ptr = mt_kunit_ptr(id),
		.size = size,
		.kind = id % MT_NR_KINDS,
		.patterned = id & 1,
		.urgent = id & 2,
	};
}

static void mt_kunit_add(struct kunit *test, struct mt_pool *pool,
			 unsigned long id, u64 size)
{
	struct mt_chunk c = mt_kunit_chunk(id, size);

	KUNIT_ASSERT_EQ(test, mt_pool_add(pool, &c, GFP_KERNEL, NULL), 0);
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
	KUNIT_EXPECT_EQ_MSG(test, c->urgent, want.urgent, "chunk %lu", id);
}

/*
 * A pool ordered by age: walked from ->root, oldest first, through the
 * newer links, its nodes 0..nr-1 each come once, each newer node's older
 * link points back, the last is ->tail; ->bytes is their sum.
 */
static void mt_kunit_list_check(struct kunit *test, struct mt_pool *pool)
{
	u32 cur, prev = MT_POOL_NIL, seen = 0;
	u64 bytes = 0;

	for (cur = pool->root; cur != MT_POOL_NIL;
	     prev = cur, cur = mt_node(pool, cur)->right) {
		KUNIT_ASSERT_LT_MSG(test, seen++, pool->nr, "a loop at %u",
				    cur);
		KUNIT_ASSERT_LT(test, cur, pool->nr);
		KUNIT_ASSERT_EQ_MSG(test, (u32)mt_node(pool, cur)->left, prev,
				    "node %u", cur);
		bytes += mt_node(pool, cur)->size;
	}
	KUNIT_ASSERT_EQ(test, seen, pool->nr);
	KUNIT_ASSERT_EQ(test, pool->tail, prev);
	KUNIT_ASSERT_EQ(test, bytes, pool->bytes);
}

/*
 * The pool's structure.  By size: nodes 0..nr-1 form one treap rooted at
 * ->root, with consistent parent links, ordered by (size, ptr) in order,
 * each parent's priority at least its children's; ->bytes is their sum.
 * By age: mt_kunit_list_check().
 */
static void mt_kunit_pool_check(struct kunit *test, struct mt_pool *pool)
{
	const struct mt_node *prev = NULL;
	u32 i, cur, seen = 0;
	u64 bytes = 0;

	if (!pool->nr) {
		KUNIT_ASSERT_EQ(test, pool->root, MT_POOL_NIL);
		KUNIT_ASSERT_EQ(test, pool->tail, MT_POOL_NIL);
		KUNIT_ASSERT_EQ(test, pool->bytes, 0);
		return;
	}
	if (pool->order == MT_POOL_BY_AGE) {
		mt_kunit_list_check(test, pool);
		return;
	}
	KUNIT_ASSERT_LT(test, pool->root, pool->nr);
	KUNIT_ASSERT_EQ(test, (u32)mt_node(pool, pool->root)->parent,
			MT_POOL_NIL);
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
			KUNIT_ASSERT_EQ_MSG(test,
					    (u32)mt_node(pool, kid[k])->parent,
					    i, "node %u", i);
			KUNIT_ASSERT_LE_MSG(test,
					    (u32)mt_node(pool, kid[k])->prio,
					    (u32)n->prio, "node %u", i);
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
			KUNIT_ASSERT_TRUE_MSG(test, mt_less(prev, n),
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
							  GFP_KERNEL, NULL), 0);
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
	s64 committed = atomic64_read(&mt_committed);
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
	/* charged against max_bytes, within what mem_rnd_alloc reserves */
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed) - committed,
			atomic64_read(&mt_tracking_bytes) - tracking);
	KUNIT_EXPECT_LE(test, atomic64_read(&mt_tracking_bytes) - tracking,
			(s64)mt_pool_bound(MT_KUNIT_NR));

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
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed), committed);
}

/*
 * A pool ordered by age (free=fifo, lifo): mt_pool_take_oldest() takes
 * the oldest chunk, or the newest, whatever their sizes, chunks added
 * between the takes included.
 */
static void pool_by_age_test(struct kunit *test)
{
	struct mt_pool *pool = mt_kunit_pool_by(test, MT_POOL_BY_AGE);
	unsigned long oldest = 0, newest = MT_KUNIT_NR - 1, id;
	struct mt_chunk c;
	u32 i;

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

/*
 * A node packs its three links in 26 bits each and the treap's priority
 * in 32 bits: setting one field leaves the others alone; NIL is the
 * largest index, above every index a pool can use.  A pool holds
 * pool->max chunks at most: the next add is refused with -ENOBUFS,
 * changing nothing; a take makes room; a pool above its max gives chunks
 * out and takes none in.
 */
static void pool_node_limits_test(struct kunit *test)
{
	static const u32 prios[] = {
		0, 1, 0xfff, 0x1000, 0x2aaaaaa, U32_MAX - 1, U32_MAX,
		0x89abcdef,
	};
	struct mt_pool *pool = mt_kunit_pool(test);
	struct mt_chunk c;
	struct mt_node n;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, MT_POOL_NIL, (1U << 26) - 1);
	KUNIT_EXPECT_LT(test, MT_POOL_MAX_CHUNKS, MT_POOL_NIL);
	KUNIT_EXPECT_EQ(test, pool->max, MT_POOL_MAX_CHUNKS);

	for (i = 0; i < ARRAY_SIZE(prios); i++) {
		memset(&n, 0, sizeof(n));
		n.ptr = mt_kunit_ptr(i);
		n.size = MT_CHUNK_SIZE_MAX;
		n.kind = MT_PERCPU;
		n.patterned = 1;
		n.urgent = 1;
		n.left = MT_POOL_NIL;
		n.right = MT_POOL_NIL - 1;
		n.parent = 0x2aaaaaa;
		n.prio = prios[i];
		KUNIT_EXPECT_EQ_MSG(test, (u32)n.prio, prios[i], "prio %#x",
				    prios[i]);
		KUNIT_EXPECT_PTR_EQ(test, n.ptr, mt_kunit_ptr(i));
		KUNIT_EXPECT_EQ(test, (u64)n.size, MT_CHUNK_SIZE_MAX);
		KUNIT_EXPECT_EQ(test, (u32)n.kind, MT_PERCPU);
		KUNIT_EXPECT_EQ(test, (u32)n.patterned, 1);
		KUNIT_EXPECT_EQ(test, (u32)n.urgent, 1);
		KUNIT_EXPECT_EQ_MSG(test, (u32)n.left, MT_POOL_NIL,
				    "prio %#x", prios[i]);
		KUNIT_EXPECT_EQ_MSG(test, (u32)n.right, MT_POOL_NIL - 1,
				    "prio %#x", prios[i]);
		KUNIT_EXPECT_EQ_MSG(test, (u32)n.parent, 0x2aaaaaa,
				    "prio %#x", prios[i]);
	}
	/* the links at their extremes leave the priority alone */
	n.prio = U32_MAX;
	n.left = 0;
	n.right = 0;
	n.parent = 0;
	KUNIT_EXPECT_EQ(test, (u32)n.prio, U32_MAX);
	n.prio = 0;
	n.left = MT_POOL_NIL;
	n.right = MT_POOL_NIL;
	n.parent = MT_POOL_NIL;
	KUNIT_EXPECT_EQ(test, (u32)n.prio, 0);

	/* the capacity */
	pool->max = 5;
	for (i = 0; i < 5; i++)
		mt_kunit_add(test, pool, i, 10 * (i + 1));
	c = mt_kunit_chunk(5, 60);
	KUNIT_EXPECT_EQ(test, mt_pool_add(pool, &c, GFP_KERNEL, NULL), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 5);
	KUNIT_EXPECT_EQ(test, pool->bytes, 150);
	mt_kunit_pool_check(test, pool);
	KUNIT_ASSERT_TRUE(test, mt_pool_take_fit(pool, 25, &c));
	mt_kunit_expect_chunk(test, &c, 1, 20);
	mt_kunit_add(test, pool, 5, 60);
	c = mt_kunit_chunk(6, 70);
	KUNIT_EXPECT_EQ(test, mt_pool_add(pool, &c, GFP_KERNEL, NULL), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 5);
	KUNIT_EXPECT_EQ(test, pool->bytes, 190);

	/* above its max: takes go on, adds are refused */
	pool->max = 2;
	KUNIT_ASSERT_TRUE(test, mt_pool_take_random(pool, &c));
	KUNIT_EXPECT_EQ(test, mt_pool_add(pool, &c, GFP_KERNEL, NULL), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 4);
	KUNIT_EXPECT_EQ(test, pool->bytes, 190 - c.size);
	mt_kunit_pool_check(test, pool);
	pool->max = MT_POOL_MAX_CHUNKS;
	KUNIT_EXPECT_EQ(test, mt_pool_add(pool, &c, GFP_KERNEL, NULL), 0);
	KUNIT_EXPECT_EQ(test, mt_pool_count(pool), 5);
	KUNIT_EXPECT_EQ(test, pool->bytes, 190);
	mt_kunit_pool_check(test, pool);
}

#define MT_KU_AGE_OPS	20000

/*
 * A pool ordered by age against a model (the ids in age order, oldest
 * first): additions, and takes of the oldest, the newest and a random
 * chunk mixed at random, as a test's frees and resizes mix them (a
 * resize takes a random chunk and adds it back as the newest).  Each
 * take returns what the model says (a random one: a chunk the model
 * holds, which leaves it, the others keeping their order); the list stays
 * sound across node pages; at the end the chunks come out oldest first,
 * exactly the model's.
 */
static void pool_by_age_model_test(struct kunit *test)
{
	struct mt_pool *pool = mt_kunit_pool_by(test, MT_POOL_BY_AGE);
	unsigned long next = 0, *ids, id;
	struct rnd_state rnd;
	struct mt_chunk c;
	u32 nr = 0, op, j;

	ids = kunit_kcalloc(test, MT_KUNIT_NR, sizeof(*ids), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ids);
	prandom_seed_state(&rnd, MT_KUNIT_SEED);
	for (op = 0; op < MT_KU_AGE_OPS; op++) {
		u32 r = prandom_u32_state(&rnd) % 100;

		if (nr < MT_KUNIT_NR && (!nr || r < 55)) {
			mt_kunit_add(test, pool, next, 1 + (next * 7919) % 300);
			ids[nr++] = next++;
		} else if (r < 70 || r >= 85) {
			bool newest = r >= 85;

			KUNIT_ASSERT_TRUE(test,
					  mt_pool_take_oldest(pool, newest, &c));
			id = mt_kunit_id(c.ptr);
			KUNIT_ASSERT_EQ_MSG(test, id, newest ? ids[nr - 1] : ids[0],
					    "op %u, the %s", op,
					    newest ? "newest" : "oldest");
			if (!newest)
				memmove(ids, ids + 1, --nr * sizeof(*ids));
			else
				nr--;
			mt_kunit_expect_chunk(test, &c, id, 1 + (id * 7919) % 300);
		} else {
			KUNIT_ASSERT_TRUE(test, mt_pool_take_random(pool, &c));
			id = mt_kunit_id(c.ptr);
			for (j = 0; j < nr && ids[j] != id; j++)
				;
			KUNIT_ASSERT_LT_MSG(test, j, nr, "op %u: chunk %lu", op,
					    id);
			memmove(ids + j, ids + j + 1, (--nr - j) * sizeof(*ids));
			mt_kunit_expect_chunk(test, &c, id, 1 + (id * 7919) % 300);
		}
		KUNIT_ASSERT_EQ(test, mt_pool_count(pool), nr);
		if (op % 500 == 0)
			mt_kunit_pool_check(test, pool);
	}
	mt_kunit_pool_check(test, pool);
	KUNIT_EXPECT_GT(test, next, MT_NODES_PER_PAGE);
	for (j = 0; j < nr; j++) {
		KUNIT_ASSERT_TRUE(test, mt_pool_take_oldest(pool, false, &c));
		KUNIT_ASSERT_EQ_MSG(test, mt_kunit_id(c.ptr), ids[j],
				    "the oldest, %u left", nr - j);
	}
	KUNIT_EXPECT_FALSE(test, mt_pool_take_random(pool, &c));
	mt_kunit_pool_check(test, pool);
}

/* ------------------------------------------- owners: mem_free's choice --- */

KUNIT_DEFINE_ACTION_WRAPPER(mt_kunit_owner_destroy, mt_owner_destroy,
			    struct mt_owner *);

/*
 * An owner that holds nothing, its pool in @order, destroyed (all freed)
 * when the test ends.
 */
static struct mt_owner *mt_kunit_owner_by(struct kunit *test,
					  enum mt_pool_order order)
{
	struct mt_owner *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, o);
	mt_owner_init(o, "kunit", "kunit", order, MT_KUNIT_SEED);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							mt_kunit_owner_destroy,
							o), 0);
	return o;
}

/* An owner that holds nothing, its pool by size, as kept memory's. */
static struct mt_owner *mt_kunit_owner(struct kunit *test)
{
	return mt_kunit_owner_by(test, MT_POOL_BY_SIZE);
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
					     &mt_kunit_how, NULL), 0);
}

/*
 * Field @off of struct mt_counts (bytes, charged, chunks) of @o's own
 * record: allocator @k's, or every allocator's summed when @k is
 * MT_NR_KINDS.  noinline: the record is read on this frame alone.
 */
static noinline s64 mt_kunit_read(struct mt_owner *o, unsigned int k,
				  size_t off)
{
	struct mt_counts n = {};
	const u64 *f = (const u64 *)((const char *)&n + off);
	unsigned int i;
	s64 sum = 0;

	mt_owner_add_counts(o, &n);
	if (k < MT_NR_KINDS)
		return f[k];
	for (i = 0; i < MT_NR_KINDS; i++)
		sum += f[i];
	return sum;
}

/* Field @f of allocator @k in @o's record. */
#define mt_kunit_kind(o, k, f)	\
	mt_kunit_read(o, k, offsetof(struct mt_counts, f))

/* Field @f in @o's record, every allocator summed. */
#define mt_kunit_total(o, f)	\
	mt_kunit_read(o, MT_NR_KINDS, offsetof(struct mt_counts, f))

/* What @o holds, by its own counters, its record's sums and the pool's. */
static void mt_kunit_expect_held(struct kunit *test, struct mt_owner *o,
				 s64 chunks, s64 bytes)
{
	KUNIT_EXPECT_EQ(test, (s64)mt_owner_chunks(o), chunks);
	KUNIT_EXPECT_EQ(test, (s64)mt_owner_bytes(o), bytes);
	KUNIT_EXPECT_EQ(test, mt_kunit_total(o, chunks), chunks);
	KUNIT_EXPECT_EQ(test, mt_kunit_total(o, bytes), bytes);
	KUNIT_EXPECT_EQ(test, mt_pool_count(&o->pool), chunks);
	KUNIT_EXPECT_EQ(test, o->pool.bytes, bytes);
}

/**
 * struct mt_kunit_snap - the module-wide charges, as a test case began
 * @committed: mt_committed, all that is charged against max_bytes
 * @reserved: mt_reserved, of which reserved ahead
 * @overhead: mt_overhead, of which the dedicated caches
 * @atomic: mt_atomic_committed, charged against max_atomic_bytes
 * @tracking: mt_tracking_bytes, the pools' pages
 */
struct mt_kunit_snap {
	s64 committed, reserved, overhead, atomic, tracking;
};

static void mt_kunit_snap_take(struct mt_kunit_snap *s)
{
	s->committed = atomic64_read(&mt_committed);
	s->reserved = atomic64_read(&mt_reserved);
	s->overhead = atomic64_read(&mt_overhead);
	s->atomic = atomic64_read(&mt_atomic_committed);
	s->tracking = atomic64_read(&mt_tracking_bytes);
}

/*
 * Every figure is exact, @when: what @o counts is what its pool holds,
 * its charge the sum of mt_footprint() of those chunks (never below the
 * bytes they count), allocated - freed that charge; since @s the module
 * charged exactly that, the pools' pages, the caches' overhead and what
 * is reserved, the urgent chunks against max_atomic_bytes too, and no
 * counter is below zero.  @o is the only owner the case uses.
 */
static void mt_kunit_expect_exact(struct kunit *test, struct mt_owner *o,
				  const struct mt_kunit_snap *s,
				  const char *when)
{
	u64 bytes = 0, fp = 0, urgent = 0, kind[MT_NR_KINDS] = { 0 }, f;
	s64 committed = atomic64_read(&mt_committed);
	struct mt_owner_stats st;
	unsigned int k;
	u32 i;

	for (i = 0; i < o->pool.nr; i++) {
		const struct mt_node *n = mt_node(&o->pool, i);

		f = mt_footprint(n->kind, n->size, n->ptr);
		KUNIT_EXPECT_GE_MSG(test, f, (u64)n->size,
				    "%s: %s chunk of %llu bytes", when,
				    mt_alloc_names[n->kind],
				    (u64)n->size);
		bytes += n->size;
		fp += f;
		kind[n->kind] += f;
		if (n->urgent)
			urgent += f;
	}
	mt_owner_stats(o, &st);
	KUNIT_EXPECT_EQ_MSG(test, st.chunks, (u64)o->pool.nr, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, st.bytes, bytes, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, o->pool.bytes, bytes, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, st.charged, fp, "%s: owner's charge", when);
	KUNIT_EXPECT_EQ_MSG(test, st.allocated - st.freed, st.charged,
			    "%s: allocated %llu, freed %llu", when,
			    st.allocated, st.freed);
	KUNIT_EXPECT_EQ_MSG(test, mt_kunit_total(o, chunks),
			    (s64)o->pool.nr, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, mt_kunit_total(o, bytes),
			    (s64)bytes, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, mt_kunit_total(o, charged),
			    (s64)fp, "%s", when);
	for (k = 0; k < MT_NR_KINDS; k++)
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_kind(o, k, charged),
				    (s64)kind[k], "%s: %s",
				    when, mt_alloc_names[k]);
	KUNIT_EXPECT_EQ_MSG(test, committed - s->committed,
			    (s64)fp +
			    atomic64_read(&mt_tracking_bytes) - s->tracking +
			    atomic64_read(&mt_overhead) - s->overhead +
			    atomic64_read(&mt_reserved) - s->reserved,
			    "%s: charged against max_bytes", when);
	KUNIT_EXPECT_EQ_MSG(test,
			    atomic64_read(&mt_atomic_committed) - s->atomic,
			    (s64)urgent, "%s: charged against max_atomic_bytes",
			    when);
	KUNIT_EXPECT_GE_MSG(test, committed, 0, "%s", when);
	KUNIT_EXPECT_GE_MSG(test, atomic64_read(&mt_reserved), 0, "%s", when);
	KUNIT_EXPECT_GE_MSG(test, atomic64_read(&mt_overhead), 0, "%s", when);
	KUNIT_EXPECT_GE_MSG(test, atomic64_read(&mt_atomic_committed), 0,
			    "%s", when);
	KUNIT_EXPECT_GE_MSG(test, atomic64_read(&mt_tracking_bytes), 0, "%s",
			    when);
}

/* The chunk added last to @o's pool, which has taken none out since. */
static void mt_kunit_newest(struct kunit *test, struct mt_owner *o,
			    struct mt_chunk *c)
{
	KUNIT_ASSERT_GT(test, o->pool.nr, 0);
	mt_node_chunk(mt_node(&o->pool, o->pool.nr - 1), c);
}

/*
 * mem_free SIZE (mt_owner_free_fit()) frees whole chunks, at least SIZE
 * bytes and no more than it must: the largest chunk that fits in what is
 * still to be freed, again and again; when every chunk is bigger than
 * what is left, the smallest.  Scenarios with one answer each.
 */
static void owner_free_fit_test(struct kunit *test)
{
	struct mt_owner *o = mt_kunit_owner(test);
	struct mt_kunit_snap snap;

	mt_kunit_snap_take(&snap);
	/* Documentation/malloc_test.rst's example: 200, then 100. */
	mt_kunit_keep(test, o, MT_KMALLOC, 100);
	mt_kunit_keep(test, o, MT_KMALLOC, 200);
	mt_kunit_keep(test, o, MT_KMALLOC, 300);
	mt_kunit_expect_held(test, o, 3, 600);
	/* charged their footprints: kmalloc's size classes, and the pool */
	KUNIT_EXPECT_EQ(test, mt_kunit_total(o, charged),
			(s64)(kmalloc_size_roundup(100) +
			      kmalloc_size_roundup(200) +
			      kmalloc_size_roundup(300)));
	mt_kunit_expect_exact(test, o, &snap, "100, 200, 300 kept");
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 250), 300);
	mt_kunit_expect_held(test, o, 1, 300);
	KUNIT_EXPECT_EQ(test, mt_kunit_total(o, charged),
			(s64)kmalloc_size_roundup(300));
	mt_kunit_expect_exact(test, o, &snap, "200, 100 freed");
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
	mt_kunit_expect_exact(test, o, &snap, "60 left");
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 60), 60);
	mt_kunit_expect_held(test, o, 0, 0);
	/* what stays charged: the pool's spare pages */
	mt_kunit_expect_exact(test, o, &snap, "all freed");
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed) - snap.committed,
			(s64)o->pool.nr_spare * PAGE_SIZE);
}

/*
 * A test's free policy (mt_owner_free_one()): fifo frees the oldest
 * chunk, lifo the newest, random any; each returns what the chunk
 * counted, 0 when nothing is held.
 */
static void owner_free_one_test(struct kunit *test)
{
	struct mt_owner *o = mt_kunit_owner_by(test, MT_POOL_BY_AGE);
	struct mt_kunit_snap snap;
	u64 sum = 0, freed;
	unsigned int i;

	mt_kunit_snap_take(&snap);
	mt_kunit_keep(test, o, MT_KMALLOC, 300);
	mt_kunit_keep(test, o, MT_VMALLOC, 100);
	mt_kunit_keep(test, o, MT_KMALLOC, 200);
	mt_kunit_keep(test, o, MT_PAGES, 1);
	mt_kunit_expect_exact(test, o, &snap, "four kept");
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
	mt_kunit_expect_exact(test, o, &snap, "all freed");
}

/* How an urgent command allocates: gfp=atomic, from process context. */
static const struct mt_how mt_kunit_urgent_how = {
	.gfp = GFP_ATOMIC | __GFP_NOWARN,
	.node = NUMA_NO_NODE,
	.can_sleep = true,
};

/* The chunk a put-back test resizes: asked 100 bytes. */
#define MT_KU_PUTBACK_SIZE	100

/*
 * Keep one chunk of @kind (allocated as @keep says) in @o, which holds
 * none; make its pool refuse every add (max 0), and max_bytes every
 * charge when @no_room; resize it to @want: the resize succeeds or fails,
 * and its put-back fails whatever happened.  The chunk is then gone,
 * freed and uncharged once: -ENOMEM, *diff the old size lost, every
 * figure exact.
 */
static void mt_kunit_lost_resize(struct kunit *test, struct mt_owner *o,
				 const struct mt_kunit_snap *snap,
				 enum mt_alloc_kind kind,
				 const struct mt_how *keep, u64 want,
				 bool shrink, const struct mt_how *how,
				 bool no_room, const char *what)
{
	u64 old = mt_chunk_bytes(kind, MT_KU_PUTBACK_SIZE);
	char when[80];
	s64 diff = 1;
	int ret;

	snprintf(when, sizeof(when), "%s, %s", mt_alloc_names[kind],
		 what);
	KUNIT_ASSERT_EQ_MSG(test, mt_owner_alloc(o, kind, old, keep, NULL), 0,
			    "%s", when);
	KUNIT_ASSERT_EQ(test, mt_pool_count(&o->pool), 1);
	mt_kunit_expect_exact(test, o, snap, when);
	o->pool.max = 0;
	if (no_room)
		WRITE_ONCE(mt_max_bytes, atomic64_read(&mt_committed));
	ret = mt_owner_realloc_random(o, want, U64_MAX, shrink, how, &diff);
	WRITE_ONCE(mt_max_bytes, SZ_64M);
	o->pool.max = MT_POOL_MAX_CHUNKS;
	KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, diff, -(s64)old, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, mt_pool_count(&o->pool), 0, "%s", when);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&o->resizing), 0, "%s", when);
	mt_kunit_expect_exact(test, o, snap, when);
}

/*
 * Issue 13, item 5: when a resize's put-back failed (the pool full
 * meanwhile), mem_rnd_alloc uncharged too much, and the charge, once
 * below zero, refused every allocation until rmmod.  The pool's max
 * lowered below what it holds makes the put-back fail for sure: for every
 * allocator, whether the resize grew the chunk, was refused (a shrink not
 * allowed, too big, past max_bytes) or changed its urgency, the chunk is
 * freed and uncharged once, the owner says it lost the old size, and
 * every figure stays exact: the owner's bytes, charge and chunks, the
 * totals, mt_committed (the footprints held, the pool's pages, the
 * caches), mt_atomic_committed, none below zero.  The same resizes with
 * room in the pool keep the chunk, counted at its new footprint (a
 * shrink made in place frees nothing); an add to a full pool gives back
 * its charge, to its reserve too; and afterwards an allocation that just
 * fits max_bytes is accepted.
 */
static void owner_putback_test(struct kunit *test)
{
	static const enum mt_alloc_kind kinds[] = {
		MT_KMALLOC, MT_VMALLOC, MT_KVMALLOC, MT_PAGES, MT_CACHE,
		MT_PERCPU,
	};
	const u64 grown = 5000;
	struct mt_owner *o = mt_kunit_owner(test);
	const struct mt_how *keep, *how;
	struct mt_owner_stats before, after;
	u64 old, fp, room, want;
	struct mt_kunit_snap snap;
	struct mt_reserve res;
	struct mt_chunk c, d;
	enum mt_alloc_kind k;
	bool urgent_ok;
	unsigned int i;
	s64 diff;

	mt_kunit_snap_take(&snap);
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		k = kinds[i];
		/* vmalloc and percpu take no atomic flags from process context */
		urgent_ok = k != MT_VMALLOC && k != MT_PERCPU;
		old = mt_chunk_bytes(k, MT_KU_PUTBACK_SIZE);

		mt_kunit_lost_resize(test, o, &snap, k, &mt_kunit_how, grown,
				     true, &mt_kunit_how, false, "grown");
		mt_kunit_lost_resize(test, o, &snap, k, &mt_kunit_how, 10,
				     false, &mt_kunit_how, false,
				     "no shrink allowed");
		mt_kunit_lost_resize(test, o, &snap, k, &mt_kunit_how, grown,
				     true, &mt_kunit_how, true,
				     "past max_bytes");
		mt_kunit_lost_resize(test, o, &snap, k, &mt_kunit_how,
				     mt_allocators[k].max_size + 1, true,
				     &mt_kunit_how, false, "too big");
		if (urgent_ok) {
			mt_kunit_lost_resize(test, o, &snap, k,
					     &mt_kunit_urgent_how, grown, true,
					     &mt_kunit_how, false,
					     "urgent, resized plain");
			mt_kunit_lost_resize(test, o, &snap, k, &mt_kunit_how,
					     grown, true, &mt_kunit_urgent_how,
					     false, "resized urgent");
			mt_kunit_lost_resize(test, o, &snap, k,
					     &mt_kunit_urgent_how, grown, true,
					     &mt_kunit_urgent_how, true,
					     "urgent, past max_bytes");
		}

		/* with room in the pool: kept at its new size and footprint */
		keep = urgent_ok ? &mt_kunit_urgent_how : &mt_kunit_how;
		how = &mt_kunit_how;
		KUNIT_ASSERT_EQ(test, mt_owner_alloc(o, k, old, keep, NULL), 0);
		KUNIT_ASSERT_EQ(test,
				mt_owner_realloc_random(o, grown, U64_MAX, true,
							how, &diff), 0);
		KUNIT_EXPECT_EQ_MSG(test, diff,
				    (s64)mt_chunk_bytes(k, grown) - (s64)old,
				    "%s grown", mt_alloc_names[k]);
		mt_kunit_expect_held(test, o, 1, mt_chunk_bytes(k, grown));
		mt_kunit_expect_exact(test, o, &snap, "grown, kept");
		/* room cuts the growth, in the allocator's granules */
		room = PAGE_SIZE + 7;
		want = mt_fit(k, 3 * PAGE_SIZE, mt_chunk_bytes(k, grown) + room);
		KUNIT_ASSERT_EQ(test,
				mt_owner_realloc_random(o, 3 * PAGE_SIZE, room,
							true, how, &diff), 0);
		KUNIT_EXPECT_EQ_MSG(test, diff,
				    (s64)want - (s64)mt_chunk_bytes(k, grown),
				    "%s grown within its room",
				    mt_alloc_names[k]);
		mt_kunit_expect_held(test, o, 1, want);
		mt_kunit_expect_exact(test, o, &snap, "grown within its room");
		KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), want);
		mt_kunit_expect_exact(test, o, &snap, "freed");
	}

	/* a kmalloc shrink krealloc() makes in place frees nothing */
	KUNIT_ASSERT_EQ(test, mt_owner_alloc(o, MT_KMALLOC, 100, &mt_kunit_how,
					     NULL), 0);
	mt_kunit_newest(test, o, &c);
	mt_owner_stats(o, &before);
	KUNIT_ASSERT_EQ(test, mt_owner_realloc_random(o, 90, 0, true,
						      &mt_kunit_how, &diff), 0);
	KUNIT_EXPECT_EQ(test, diff, -10);
	mt_kunit_newest(test, o, &d);
	mt_owner_stats(o, &after);
	fp = ksize(d.ptr);
	if (d.ptr == c.ptr && fp == ksize(c.ptr)) {
		KUNIT_EXPECT_EQ(test, after.freed, before.freed);
		KUNIT_EXPECT_EQ(test, after.allocated, before.allocated);
	}
	KUNIT_EXPECT_EQ(test, after.charged, fp);
	mt_kunit_expect_exact(test, o, &snap, "shrunk in place");

	/* a full pool refuses the add: the charge goes back, to a reserve */
	o->pool.max = mt_pool_count(&o->pool);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_KMALLOC, 200, &mt_kunit_how,
					     NULL), -ENOBUFS);
	mt_kunit_expect_exact(test, o, &snap, "the pool full");
	KUNIT_ASSERT_TRUE(test, mt_reserve_init(&res, 10000, false));
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_PAGES, PAGE_SIZE,
					     &mt_kunit_how, &res), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_KMALLOC, 200,
					     &mt_kunit_urgent_how, &res),
			-ENOBUFS);
	KUNIT_EXPECT_EQ(test, res.left, 10000);
	mt_kunit_expect_exact(test, o, &snap, "the pool full, a reserve");
	mt_reserve_end(&res);
	o->pool.max = MT_POOL_MAX_CHUNKS;

	/* nothing drifted: what just fits max_bytes is accepted */
	WRITE_ONCE(mt_max_bytes, atomic64_read(&mt_committed) +
		   mt_footprint_max(MT_KMALLOC, 200));
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_KMALLOC, 200, &mt_kunit_how,
					     NULL), 0);
	WRITE_ONCE(mt_max_bytes, SZ_64M);
	mt_kunit_expect_held(test, o, 2, 290);
	mt_kunit_expect_exact(test, o, &snap, "a later allocation");
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 290);
	mt_kunit_expect_exact(test, o, &snap, "all freed");
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed) - snap.committed,
			(s64)o->pool.nr_spare * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_atomic_committed),
			snap.atomic);
}

/* ------------------------------------------------------------ charges --- */

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
 * The charge API (mt_charge.c): charges pass max_bytes never, by one
 * byte or by U64_MAX, and urgent ones max_atomic_bytes never, a
 * refusal charging nothing; overhead is charged and counted apart;
 * mt_charge_force() may pass the caps, and then refuses the next
 * charges; a reserve is charged whole or not at all, takes and gives
 * back what its urgency allows and uncharges the rest, ends giving back
 * what it has left; mt_gfp_urgent() tells the flags that may use the
 * kernel's reserves.  Every counter is back where it was at the end.
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

	/* the flags that may use the kernel's reserves */
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

	MT_KU_EXPECT_CHARGES(test, &s, 0, 0, 0, 0, "the end");
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
		KUNIT_EXPECT_EQ(test, mt_kind_from_name(mt_alloc_names[i]),
				(int)i);
	KUNIT_EXPECT_STREQ(test, mt_alloc_names[MT_PAGES], "pages");
	KUNIT_EXPECT_STREQ(test, mt_alloc_names[MT_CACHE], "cache");
	KUNIT_EXPECT_STREQ(test, mt_alloc_names[MT_PERCPU], "percpu");
	KUNIT_EXPECT_LT(test, mt_kind_from_name("page"), 0);
}

/*
 * A chunk's footprint as the kernel tells it, apart from mt_footprint():
 * ksize() of a slab object, the size class of a dedicated cache, whole
 * pages, each possible CPU's copy aligned to 8 bytes.  For a vmalloc area
 * the least it can be: its whole pages and the array that lists them;
 * *@exact is then false.
 */
static u64 mt_kunit_fp(enum mt_alloc_kind kind, u64 bytes, const void *p,
		       bool *exact)
{
	u64 n = num_possible_cpus(), pages;

	*exact = true;
	switch (kind) {
	case MT_KMALLOC:
		return ksize(p);
	case MT_CACHE:
		return roundup_pow_of_two(max_t(u64, bytes, 8));
	case MT_PAGES:
		return PAGE_SIZE << get_order(bytes);
	case MT_PERCPU:
		return ALIGN(div64_u64(bytes, n), sizeof(u64)) * n;
	case MT_KVMALLOC:
		if (!is_vmalloc_addr(p))
			return ksize(p);
		fallthrough;
	default:
		*exact = false;
		pages = PAGE_ALIGN(bytes) >> PAGE_SHIFT;
		return (pages << PAGE_SHIFT) + pages * sizeof(struct page *);
	}
}

/*
 * What an owner holds, per allocator too, are the bytes its chunks count
 * (whole pages, a copy per CPU); what is charged is their footprint, what
 * the kernel spent: a 300-byte kmalloc chunk costs its size class.
 */
static void owner_footprint_test(struct kunit *test)
{
	static const enum mt_alloc_kind k[] = {
		MT_PAGES, MT_PERCPU, MT_CACHE, MT_KMALLOC, MT_VMALLOC,
		MT_KVMALLOC, MT_KMALLOC, MT_KVMALLOC,
	};
	static const u64 asked[] = {
		5000, 100, 100, 100, 100, 3000, 300, 3 * PAGE_SIZE,
	};
	s64 kb[MT_NR_KINDS], kc[MT_NR_KINDS], kf[MT_NR_KINDS];
	s64 kb0[MT_NR_KINDS], kc0[MT_NR_KINDS];
	struct mt_owner *o = mt_kunit_owner(test);
	u64 bytes = 0, fps = 0, pages = mt_chunk_bytes(MT_PAGES, 5000);
	u64 fp, want, cb;
	struct mt_kunit_snap snap;
	const char *name;
	struct mt_chunk c;
	unsigned int i;
	bool exact;

	mt_kunit_snap_take(&snap);
	for (i = 0; i < MT_NR_KINDS; i++) {
		kb[i] = mt_kunit_kind(o, i, bytes);
		kc[i] = mt_kunit_kind(o, i, chunks);
		kf[i] = mt_kunit_kind(o, i, charged);
		kb0[i] = kb[i];
		kc0[i] = kc[i];
	}
	for (i = 0; i < ARRAY_SIZE(k); i++) {
		name = mt_alloc_names[k[i]];
		cb = mt_chunk_bytes(k[i], asked[i]);
		mt_kunit_keep(test, o, k[i], asked[i]);
		mt_kunit_newest(test, o, &c);
		KUNIT_EXPECT_EQ(test, c.size, cb);
		fp = mt_footprint(k[i], cb, c.ptr);
		want = mt_kunit_fp(k[i], cb, c.ptr, &exact);
		if (exact)
			KUNIT_EXPECT_EQ_MSG(test, fp, want, "%s chunk of %llu",
					    name, asked[i]);
		else
			KUNIT_EXPECT_GE_MSG(test, fp, want, "%s chunk of %llu",
					    name, asked[i]);
		KUNIT_EXPECT_LE_MSG(test, fp, mt_footprint_max(k[i], cb),
				    "%s chunk of %llu", name, asked[i]);
		if (k[i] == MT_KMALLOC)
			KUNIT_EXPECT_EQ_MSG(test, fp, kmalloc_size_roundup(cb),
					    "kmalloc chunk of %llu", asked[i]);
		bytes += cb;
		fps += fp;
		kb[k[i]] += cb;
		kc[k[i]]++;
		kf[k[i]] += fp;
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_kind(o, k[i], bytes),
				    kb[k[i]], "%s bytes", name);
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_kind(o, k[i], chunks),
				    kc[k[i]], "%s chunks", name);
		KUNIT_EXPECT_EQ_MSG(test,
				    mt_kunit_kind(o, k[i], charged),
				    kf[k[i]], "%s charged", name);
	}
	KUNIT_EXPECT_EQ(test, pages, PAGE_SIZE << get_order(5000));
	mt_kunit_expect_held(test, o, ARRAY_SIZE(k), bytes);
	KUNIT_EXPECT_EQ(test, mt_kunit_total(o, charged), (s64)fps);
	KUNIT_EXPECT_GE(test, fps, bytes);
	mt_kunit_expect_exact(test, o, &snap, "one of each kept");

	/* mem_free 'pages' bytes: the pages chunk, whole, fits exactly */
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, pages), pages);
	KUNIT_EXPECT_EQ(test, mt_kunit_kind(o, MT_PAGES, bytes),
			kb[MT_PAGES] - (s64)pages);
	KUNIT_EXPECT_EQ(test, mt_kunit_kind(o, MT_PAGES, chunks),
			kc[MT_PAGES] - 1);
	KUNIT_EXPECT_EQ(test, mt_kunit_kind(o, MT_PAGES, charged),
			0);
	mt_kunit_expect_exact(test, o, &snap, "the pages freed");
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), bytes - pages);
	mt_kunit_expect_held(test, o, 0, 0);
	for (i = 0; i < MT_NR_KINDS; i++) {
		KUNIT_EXPECT_EQ(test, mt_kunit_kind(o, i, bytes),
				kb0[i]);
		KUNIT_EXPECT_EQ(test, mt_kunit_kind(o, i, chunks),
				kc0[i]);
		KUNIT_EXPECT_EQ(test, mt_kunit_kind(o, i, charged),
				0);
	}
	mt_kunit_expect_exact(test, o, &snap, "all freed");
}

/* ------------------------------------------------------- footprints --- */

/* Sizes across the allocators' classes: powers of two, 96, 192, pages. */
static const u64 mt_ku_sizes[] = {
	1, 7, 8, 9, 63, 64, 65, 96, 97, 100, 128, 129, 192, 193, 255, 256,
	257, 300, 511, 512, 513, 1000, 1024, 1025, 2048, 2049,
	PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 1, 6000, 2 * PAGE_SIZE,
	2 * PAGE_SIZE + 1, 3 * PAGE_SIZE + 1, SZ_16K, SZ_16K + 1, SZ_32K,
	SZ_32K + 1, SZ_64K, SZ_64K + 1, 100000, SZ_128K + 1, SZ_256K + 1,
	SZ_512K + 1, SZ_1M - 1, SZ_1M, SZ_1M + 1, PMD_SIZE - 1, PMD_SIZE,
	PMD_SIZE + 1, 3 * SZ_1M, SZ_4M,
};

/* Failures a sweep reports one by one at most; then it counts them. */
#define MT_KU_REPORT		8

/*
 * mt_footprint_max() of asked size @s, against that of the sizes around:
 * never below the bytes counted, never below a smaller size's.
 */
static void mt_kunit_fpmax_edge(struct kunit *test, enum mt_alloc_kind k,
				u64 s, unsigned int *bad)
{
	u64 lim = mt_allocators[k].max_size, b, f, pb, pf, nb, nf;

	if (!s || s > lim)
		return;
	b = mt_chunk_bytes(k, s);
	f = mt_footprint_max(k, b);
	pb = s > 1 ? mt_chunk_bytes(k, s - 1) : 0;
	pf = s > 1 ? mt_footprint_max(k, pb) : 0;
	nb = s < lim ? mt_chunk_bytes(k, s + 1) : b;
	nf = s < lim ? mt_footprint_max(k, nb) : f;
	if (f >= b && pf <= f && f <= nf)
		return;
	if ((*bad)++ < MT_KU_REPORT)
		KUNIT_FAIL(test,
			   "%s footprint_max: %llu bytes: %llu, %llu bytes: %llu, %llu bytes: %llu",
			   mt_alloc_names[k], pb, pf, b, f, nb, nf);
}

/*
 * mt_footprint_max() grows with the size and is never below the bytes:
 * every size up to four pages, then in steps of 1/256 up to the
 * allocator's max, and on each side of every power of two, of 96 and
 * 192, of every page up to 1024 and every PMD up to 256.
 */
static void mt_kunit_fpmax_sweep(struct kunit *test, enum mt_alloc_kind k)
{
	u64 s, b, f, pf = 0, lim = mt_allocators[k].max_size;
	unsigned int bad = 0, i;

	for (s = 1; s <= lim; s += s < 4 * PAGE_SIZE ? 1 : s / 256) {
		b = mt_chunk_bytes(k, s);
		f = mt_footprint_max(k, b);
		if ((f < b || f < pf) && bad++ < MT_KU_REPORT)
			KUNIT_FAIL(test,
				   "%s footprint_max(%llu) = %llu, after %llu",
				   mt_alloc_names[k], b, f, pf);
		pf = f;
	}
	for (i = 0; i < 63; i++)
		mt_kunit_fpmax_edge(test, k, 1ULL << i, &bad);
	mt_kunit_fpmax_edge(test, k, 96, &bad);
	mt_kunit_fpmax_edge(test, k, 192, &bad);
	for (i = 1; i <= 1024; i++)
		mt_kunit_fpmax_edge(test, k, (u64)i * PAGE_SIZE, &bad);
	for (i = 1; i <= 256; i++)
		mt_kunit_fpmax_edge(test, k, (u64)i * PMD_SIZE, &bad);
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "%s: footprint_max failures",
			    mt_alloc_names[k]);
}

/*
 * Footprints of real chunks, for every allocator and sizes across its
 * classes (1 byte to 4 MiB, its max at most): mt_footprint() is what the
 * kernel tells (mt_kunit_fp()), at least the bytes the chunk counts, at
 * most mt_footprint_max(), the worst case charged before it is made; the
 * owner is charged exactly the footprint once the chunk is kept; and
 * mt_footprint_max() grows with the size.
 */
static void footprint_real_test(struct kunit *test)
{
	struct mt_owner *o = mt_kunit_owner(test);
	u64 b, f, fm, want, pb, pfm, bytes;
	struct mt_kunit_snap snap;
	enum mt_alloc_kind k;
	const char *name;
	struct mt_chunk c;
	unsigned int i;
	s64 charged;
	bool exact;
	int ret;

	mt_kunit_snap_take(&snap);
	WRITE_ONCE(mt_max_bytes, snap.committed + SZ_256M);
	for (k = 0; k < MT_NR_KINDS; k++) {
		name = mt_alloc_names[k];
		mt_kunit_fpmax_sweep(test, k);
		pb = 0;
		pfm = 0;
		bytes = 0;
		for (i = 0; i < ARRAY_SIZE(mt_ku_sizes); i++) {
			if (mt_ku_sizes[i] > mt_allocators[k].max_size)
				continue;
			b = mt_chunk_bytes(k, mt_ku_sizes[i]);
			fm = mt_footprint_max(k, b);
			KUNIT_EXPECT_GE_MSG(test, fm, b, "%s, %llu bytes", name,
					    b);
			if (b >= pb)
				KUNIT_EXPECT_GE_MSG(test, fm, pfm,
						    "%s, %llu bytes after %llu",
						    name, b, pb);
			pb = b;
			pfm = fm;
			charged = mt_kunit_total(o, charged);
			ret = mt_owner_alloc(o, k, b, &mt_kunit_how, NULL);
			if (ret == -ENOMEM && b > MT_TIMER_MAX_BYTES) {
				kunit_info(test,
					   "%s: the kernel refused %llu bytes\n",
					   name, b);
				continue;
			}
			KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s, %llu bytes",
					    name, b);
			mt_kunit_newest(test, o, &c);
			f = mt_footprint(k, b, c.ptr);
			want = mt_kunit_fp(k, b, c.ptr, &exact);
			KUNIT_EXPECT_LE_MSG(test, f, fm, "%s, %llu bytes", name,
					    b);
			KUNIT_EXPECT_GE_MSG(test, f, b, "%s, %llu bytes", name,
					    b);
			if (exact)
				KUNIT_EXPECT_EQ_MSG(test, f, want,
						    "%s, %llu bytes", name, b);
			else
				KUNIT_EXPECT_GE_MSG(test, f, want,
						    "%s, %llu bytes", name, b);
			KUNIT_EXPECT_EQ_MSG(test,
					    mt_kunit_total(o, charged) - charged,
					    (s64)f, "%s, %llu bytes", name, b);
			bytes += b;
		}
		mt_kunit_expect_exact(test, o, &snap, name);
		KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), bytes);
		mt_kunit_expect_exact(test, o, &snap, "all freed");
	}
}

/*
 * The worst footprint of @total bytes in pieces all asked @s bytes, cut
 * as mem_rnd_alloc cuts them: each piece mt_fit() of the size asked, or
 * of what is left when that is less, within what is left.
 */
static u64 mt_kunit_pieces_cost(enum mt_alloc_kind k, u64 s, u64 total)
{
	u64 b = mt_chunk_bytes(k, s), q = div64_u64(total, b);
	u64 cost = q * mt_footprint_max(k, b), left = total - q * b;

	while (left) {
		b = mt_fit(k, min(s, left), left);
		if (!b)
			break;
		cost += mt_footprint_max(k, b);
		left -= b;
	}
	return cost;
}

/* The same of pieces of random sizes, drawn as mem_rnd_alloc draws them. */
static u64 mt_kunit_rnd_cost(enum mt_alloc_kind k, u64 a0, u64 a1,
			     u64 total, struct rnd_state *rnd)
{
	u64 left = total, cost = 0, b;

	while (left) {
		b = mt_fit(k, mt_rand_range(rnd, min(a0, left), min(a1, left)),
			   left);
		if (!b)
			break;
		cost += mt_footprint_max(k, b);
		left -= b;
	}
	return cost;
}

/* Ranges of fewer sizes than this have every size tried. */
#define MT_KU_EVERY		200
/* Sizes tried in a wider range, at most. */
#define MT_KU_EDGES		1200

static void mt_kunit_edge_add(u64 *out, unsigned int *n, u64 x, u64 a0,
			      u64 a1)
{
	if (x >= a0 && x <= a1 && *n < MT_KU_EDGES)
		out[(*n)++] = x;
}

/*
 * The asked sizes in [@a0, @a1] where a footprint's step begins (so
 * that its ratio to the bytes peaks): the ends, each side of every
 * power of two, of 96 and 192, of pages and PMDs, of percpu's 8-byte
 * alignment; and random ones.  Return: how many, in @out.
 */
static unsigned int mt_kunit_edges(u64 a0, u64 a1, u64 *out,
				   struct rnd_state *rnd)
{
	static const u64 odd[] = { 95, 96, 97, 191, 192, 193 };
	unsigned int n = 0, i;

	mt_kunit_edge_add(out, &n, a0, a0, a1);
	mt_kunit_edge_add(out, &n, a0 + 1, a0, a1);
	mt_kunit_edge_add(out, &n, a1 - 1, a0, a1);
	mt_kunit_edge_add(out, &n, a1, a0, a1);
	for (i = 0; i < ARRAY_SIZE(odd); i++)
		mt_kunit_edge_add(out, &n, odd[i], a0, a1);
	for (i = 0; i < 63; i++) {
		mt_kunit_edge_add(out, &n, (1ULL << i) - 1, a0, a1);
		mt_kunit_edge_add(out, &n, 1ULL << i, a0, a1);
		mt_kunit_edge_add(out, &n, (1ULL << i) + 1, a0, a1);
	}
	for (i = 1; i <= 256; i++) {
		mt_kunit_edge_add(out, &n, (u64)i * PAGE_SIZE, a0, a1);
		mt_kunit_edge_add(out, &n, (u64)i * PAGE_SIZE + 1, a0, a1);
	}
	for (i = 1; i <= 128; i++) {
		mt_kunit_edge_add(out, &n, (u64)i * PMD_SIZE, a0, a1);
		mt_kunit_edge_add(out, &n, (u64)i * PMD_SIZE + 1, a0, a1);
	}
	for (i = 1; i <= 64; i++)
		mt_kunit_edge_add(out, &n, 8 * i + 1, a0, a1);
	for (i = 0; i < 64; i++)
		mt_kunit_edge_add(out, &n, mt_rand_range(rnd, a0, a1), a0, a1);
	return n;
}

/*
 * mt_footprint_bound() of pieces asked @a0..@a1 bytes making @total is
 * at least the footprint of adversarial sequences: all pieces of one
 * size (every size of a narrow range, the step edges of a wide one), the
 * last cut as mem_rnd_alloc cuts it; and pieces of random sizes.  In a
 * narrow range it is no more than @total at the highest ratio of
 * footprint to bytes found there, plus one smallest piece.
 */
static void mt_kunit_bound_check(struct kunit *test, enum mt_alloc_kind k,
				 u64 a0, u64 a1, u64 total, u64 *cand,
				 struct rnd_state *rnd, unsigned int *bad)
{
	u64 cmin = mt_chunk_bytes(k, a0), cmax = mt_chunk_bytes(k, a1);
	u64 bound = mt_footprint_bound(k, cmin, cmax, total);
	u64 s, cost, worst = 0, ws = 0, rf = 0, rb = 1, f, b, upper;
	bool narrow = a1 - a0 < MT_KU_EVERY;
	unsigned int n = 0, i;

	if (narrow) {
		for (s = a0; s <= a1; s++)
			cand[n++] = s;
	} else {
		n = mt_kunit_edges(a0, a1, cand, rnd);
	}
	for (i = 0; i < n; i++) {
		cost = mt_kunit_pieces_cost(k, cand[i], total);
		if (cost > worst) {
			worst = cost;
			ws = cand[i];
		}
	}
	if (div64_u64(total, cmin) <= 2048) {
		for (i = 0; i < 4; i++) {
			cost = mt_kunit_rnd_cost(k, a0, a1, total, rnd);
			if (cost > worst) {
				worst = cost;
				ws = 0;
			}
		}
	}
	if (worst > bound && (*bad)++ < MT_KU_REPORT)
		KUNIT_FAIL(test,
			   "%s %llu..%llu bytes, total %llu: bound %llu, pieces of %llu (0: random) cost %llu",
			   mt_alloc_names[k], a0, a1, total, bound, ws,
			   worst);
	/* percpu's bound is in closed form, above its true peak */
	if (!narrow || k == MT_PERCPU)
		return;
	for (s = a0; s <= a1; s++) {
		b = mt_chunk_bytes(k, s);
		f = mt_footprint_max(k, b);
		if (f * rb > rf * b) {
			rf = f;
			rb = b;
		}
	}
	upper = mul_u64_u64_div_u64(total, rf, rb) + 1 +
		mt_footprint_max(k, cmin);
	if (bound > upper && (*bad)++ < MT_KU_REPORT)
		KUNIT_FAIL(test,
			   "%s %llu..%llu bytes, total %llu: bound %llu, above %llu (peak %llu/%llu)",
			   mt_alloc_names[k], a0, a1, total, bound, upper,
			   rf, rb);
}

/* A size from 1 to @lim, as likely in each power of two. */
static u64 mt_kunit_log_rand(struct rnd_state *rnd, u64 lim)
{
	unsigned int e = mt_rand_range(rnd, 0, ilog2(lim));

	return mt_rand_range(rnd, 1ULL << e,
			     min(lim, (1ULL << e << 1) - 1));
}

/* Random ranges and totals tried per allocator. */
#define MT_KU_TRIPLES		60

/*
 * mt_footprint_bound(), what mem_rnd_alloc reserves for its pieces, for
 * every allocator and random ranges (narrow and wide, 1 byte to 64 MiB)
 * and totals (1 byte to 4 GiB): never below what adversarial sequences
 * of pieces cost (mt_kunit_bound_check()), not far above in a narrow
 * range; and a few ranges of their own: one size, the smallest sizes,
 * a PMD and a byte.
 */
static void footprint_bound_test(struct kunit *test)
{
	static const u64 fixed[][3] = {
		{ 1, 1, 40000 }, { 1, 1, 1 }, { 1, 8, 4095 },
		{ 100, 200, 10000 }, { 1, PAGE_SIZE, SZ_1M },
		{ PAGE_SIZE + 1, PAGE_SIZE + 1, SZ_1M },
		{ PMD_SIZE + 1, PMD_SIZE + 1, SZ_64M },
		{ 1, PMD_SIZE + 1, SZ_64M + 5 },
	};
	u64 *cand = kunit_kcalloc(test, max(MT_KU_EDGES, MT_KU_EVERY),
				  sizeof(u64), GFP_KERNEL);
	u64 a0, a1, total, lim;
	unsigned int bad = 0, i;
	struct rnd_state rnd;
	enum mt_alloc_kind k;

	KUNIT_ASSERT_NOT_NULL(test, cand);
	prandom_seed_state(&rnd, MT_KUNIT_SEED);
	for (k = 0; k < MT_NR_KINDS; k++) {
		lim = min_t(u64, mt_allocators[k].max_size, SZ_64M);
		for (i = 0; i < ARRAY_SIZE(fixed); i++)
			if (fixed[i][1] <= lim)
				mt_kunit_bound_check(test, k, fixed[i][0],
						     fixed[i][1], fixed[i][2],
						     cand, &rnd, &bad);
		for (i = 0; i < MT_KU_TRIPLES; i++) {
			a0 = mt_kunit_log_rand(&rnd, lim);
			if (i % 2)
				a1 = min(lim, a0 + mt_rand_range(&rnd, 0,
								 MT_KU_EVERY - 1));
			else
				a1 = a0 - 1 + mt_kunit_log_rand(&rnd,
								lim - a0 + 1);
			total = mt_kunit_log_rand(&rnd, 1ULL << 32);
			mt_kunit_bound_check(test, k, a0, a1, total, cand,
					     &rnd, &bad);
		}
		cond_resched();
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "bound failures");
}

/*
 * Issue 13's example: with max_bytes at 1 MiB, "1 1 40000 b
 * alloc=vmalloc" pinned about 165 MB.  mem_rnd_alloc now reserves the
 * bound of its pieces and of their bookkeeping first: 40000 one-byte
 * vmalloc pieces cost a page each and more, so the reserve is refused
 * and nothing is charged.  "100 200 10000 alloc=kmalloc" reserves about
 * twice its total and a few pages, which 1 MiB holds.
 */
static void footprint_bound_refuses_test(struct kunit *test)
{
	s64 committed = atomic64_read(&mt_committed);
	s64 reserved = atomic64_read(&mt_reserved);
	struct mt_reserve res;
	u64 worst;
	unsigned int s;

	WRITE_ONCE(mt_max_bytes, committed + SZ_1M);
	worst = mt_footprint_bound(MT_VMALLOC, 1, 1, 40000);
	KUNIT_EXPECT_GE(test, worst,
			40000 * mt_footprint_max(MT_VMALLOC, 1));
	KUNIT_EXPECT_GE(test, worst, 40000 * (PAGE_SIZE + sizeof(pte_t)));
	worst += mt_pool_bound(40000 + 64);
	KUNIT_EXPECT_GT(test, worst, (u64)SZ_1M);
	KUNIT_EXPECT_FALSE(test, mt_reserve_init(&res, worst, false));
	KUNIT_EXPECT_EQ(test, res.left, 0);
	mt_reserve_end(&res);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed), committed);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_reserved), reserved);

	worst = mt_footprint_bound(MT_KMALLOC, 100, 200, 10000);
	for (s = 100; s <= 200; s++)
		KUNIT_EXPECT_GE_MSG(test, worst,
				    mt_kunit_pieces_cost(MT_KMALLOC, s, 10000),
				    "pieces of %u", s);
	KUNIT_EXPECT_LE(test, worst, 2 * 10000 + kmalloc_size_roundup(200));
	worst += mt_pool_bound(10000 / 100 + 64);
	KUNIT_EXPECT_LE(test, worst, 2 * 10000 + 8 * PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, mt_reserve_init(&res, worst, false));
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed) - committed,
			(s64)worst);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_reserved) - reserved,
			(s64)worst);
	mt_reserve_end(&res);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_committed), committed);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_reserved), reserved);
}

/**
 * struct mt_kunit_rnd - a mem_rnd_alloc command, replayed
 * @kind: its allocator
 * @min: its smallest piece, asked
 * @max: its largest piece, asked
 * @total: the bytes its pieces count together
 */
struct mt_kunit_rnd {
	enum mt_alloc_kind kind;
	u64 min, max, total;
};

/*
 * mem_rnd_alloc's reserve covers what its pieces really cost.  Each
 * command is replayed as mt_cmd.c runs it (pieces of random sizes, the
 * last cut to what is left, drawn on the reserve of mt_footprint_bound()
 * and mt_pool_bound()) under a max_bytes that leaves nothing beyond the
 * reserve (and, for alloc=cache, its caches): no piece is refused, the
 * charge never passes max_bytes, and every figure is exact.
 */
static void rnd_alloc_reserve_test(struct kunit *test)
{
	static const struct mt_kunit_rnd runs[] = {
		{ MT_KMALLOC, 1, 300, SZ_64K },
		{ MT_KMALLOC, 100, 200, 10000 },
		{ MT_KMALLOC, 2049, 9000, SZ_256K },
		{ MT_VMALLOC, 1, 1, 200 },
		{ MT_VMALLOC, 1, 3 * PAGE_SIZE + 1, SZ_256K },
		{ MT_KVMALLOC, PAGE_SIZE + 1, PAGE_SIZE + 1, 100000 },
		{ MT_KVMALLOC, 1, PMD_SIZE + 1, SZ_8M },
		{ MT_PAGES, 1, 5000, SZ_256K + 5 },
		{ MT_PAGES, 3 * PAGE_SIZE, 3 * PAGE_SIZE, SZ_64K + 1 },
		{ MT_CACHE, 1, 1000, SZ_64K },
		{ MT_CACHE, 129, 129, 20000 },
		{ MT_PERCPU, 1, 100, 2000 },
		{ MT_PERCPU, 9, 17, 5003 },
	};
	struct mt_owner *o = mt_kunit_owner(test);
	u64 cmin, cmax, worst, room, left, size, bytes, got;
	const struct mt_kunit_rnd *r;
	struct mt_kunit_snap snap;
	struct mt_reserve res;
	struct rnd_state rnd;
	unsigned int i, cls;
	const char *name;
	int ret;

	prandom_seed_state(&rnd, MT_KUNIT_SEED);
	mt_kunit_snap_take(&snap);
	for (i = 0; i < ARRAY_SIZE(runs); i++) {
		r = &runs[i];
		name = mt_alloc_names[r->kind];
		cmin = mt_chunk_bytes(r->kind, r->min);
		cmax = mt_chunk_bytes(r->kind, r->max);
		worst = mt_footprint_bound(r->kind, cmin, cmax, r->total) +
			mt_pool_bound(div64_u64(r->total, cmin) + 64);
		room = worst;
		/* a cut piece may be of a class below MIN's */
		if (r->kind == MT_CACHE)
			for (cls = 0; cls <= mt_cache_class(cmax); cls++)
				room += mt_cache_overhead(mt_class_size(cls));
		WRITE_ONCE(mt_max_bytes, atomic64_read(&mt_committed) + room);
		KUNIT_ASSERT_TRUE_MSG(test, mt_reserve_init(&res, worst, false),
				      "%s %llu %llu %llu", name, r->min, r->max,
				      r->total);
		got = 0;
		for (left = r->total; left; left -= bytes) {
			size = mt_rand_range(&rnd, min(r->min, left),
					     min(r->max, left));
			bytes = mt_fit(r->kind, size, left);
			if (!bytes)
				break;
			ret = mt_owner_alloc(o, r->kind, bytes, &mt_kunit_how,
					     &res);
			KUNIT_EXPECT_LE_MSG(test,
					    (u64)atomic64_read(&mt_committed),
					    READ_ONCE(mt_max_bytes),
					    "%s %llu %llu %llu", name, r->min,
					    r->max, r->total);
			if (ret == -ENOMEM)
				continue;
			KUNIT_ASSERT_EQ_MSG(test, ret, 0,
					    "%s %llu %llu %llu: a piece of %llu, %llu left, %llu reserved",
					    name, r->min, r->max, r->total,
					    bytes, left, res.left);
			got += bytes;
		}
		mt_kunit_expect_exact(test, o, &snap, name);
		mt_reserve_end(&res);
		mt_kunit_expect_exact(test, o, &snap, name);
		WRITE_ONCE(mt_max_bytes, SZ_64M);
		KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), got);
		mt_kunit_expect_exact(test, o, &snap, "all freed");
	}
}

/* The overhead charged for the caches of the classes in @mask. */
static s64 mt_kunit_caches_charge(unsigned long mask)
{
	unsigned int cls;
	s64 sum = 0;

	for_each_set_bit(cls, &mask, MT_CACHE_CLASSES)
		sum += mt_cache_overhead(mt_class_size(cls));
	return sum;
}

/*
 * alloc=cache: one dedicated cache per size class (8 bytes to 1 MiB,
 * powers of two) and owner, created on first use, destroyed with its
 * last chunk, charged its overhead while it exists (refused when that
 * would pass max_bytes); a test's stay until it ends (pinned), and a
 * ctx=timer test's are all created at its start, up to its MAX's class,
 * as its callback cannot create one.
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
	unsigned int c8 = mt_cache_class(8), c1m = mt_cache_class(SZ_1M);
	struct mt_kunit_snap snap;
	unsigned int cls;

	mt_kunit_snap_take(&snap);

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
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead) - snap.overhead,
			mt_kunit_caches_charge(BIT(c128)));
	KUNIT_EXPECT_NOT_NULL(test, cs->cache[c128]);
	KUNIT_EXPECT_EQ(test, atomic_read(&cs->objects[c128]), 1);
	mt_kunit_keep(test, o, MT_CACHE, 128);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&cs->objects[c128]), 2);
	mt_kunit_keep(test, o, MT_CACHE, 129);
	mt_kunit_keep(test, o, MT_CACHE, 1);
	mt_kunit_keep(test, o, MT_CACHE, SZ_1M);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 4);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead) - snap.overhead,
			mt_kunit_caches_charge(BIT(c128) | BIT(c256) |
					       BIT(c8) | BIT(c1m)));
	mt_kunit_expect_exact(test, o, &snap, "four caches");
	KUNIT_EXPECT_EQ(test, atomic_read(&cs->objects[c256]), 1);
	KUNIT_EXPECT_EQ(test, mt_owner_free_fit(o, 129), 129);
	KUNIT_EXPECT_NULL(test, cs->cache[c256]);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead) - snap.overhead,
			mt_kunit_caches_charge(BIT(c128) | BIT(c8) |
					       BIT(c1m)));

	/* a new cache whose overhead would pass max_bytes: refused */
	WRITE_ONCE(mt_max_bytes, atomic64_read(&mt_committed) +
		   mt_footprint_max(MT_CACHE, 200) +
		   mt_kunit_caches_charge(BIT(c256)) - 1);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_CACHE, 200, &mt_kunit_how,
					     NULL), -ENOSPC);
	KUNIT_EXPECT_NULL(test, cs->cache[c256]);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches, 3);
	mt_kunit_expect_exact(test, o, &snap, "a cache refused");
	WRITE_ONCE(mt_max_bytes, SZ_64M);

	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 100 + 128 + 1 + SZ_1M);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches), caches);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead), snap.overhead);
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
	mt_caches_unpin(&o->caches);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches), caches);
	KUNIT_EXPECT_NULL(test, cs->cache[mt_cache_class(64)]);

	/* ctx=timer: every class up to MAX's, made before; none after */
	cs->pin = true;
	KUNIT_ASSERT_EQ(test, mt_caches_pin(&o->caches, 1000), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches,
			mt_cache_class(1000) + 1);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_CACHE, 1000, &atomic_how,
					     NULL), 0);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_CACHE, 8, &atomic_how,
					     NULL), 0);
	KUNIT_EXPECT_EQ(test, mt_owner_alloc(o, MT_CACHE, 2000, &atomic_how,
					     NULL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches,
			mt_cache_class(1000) + 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead) - snap.overhead,
			mt_kunit_caches_charge(GENMASK(mt_cache_class(1000),
						       0)));
	mt_kunit_expect_held(test, o, 2, 1008);
	/* gfp=atomic: charged against max_atomic_bytes too */
	mt_kunit_expect_exact(test, o, &snap, "two atomic chunks");
	KUNIT_EXPECT_EQ(test, mt_owner_free_all(o), 1008);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches) - caches,
			mt_cache_class(1000) + 1);
	mt_caches_unpin(&o->caches);
	KUNIT_EXPECT_EQ(test, atomic_read(&mt_nr_caches), caches);
	mt_kunit_expect_exact(test, o, &snap, "all freed, unpinned");
	KUNIT_EXPECT_EQ(test, atomic64_read(&mt_overhead), snap.overhead);
}

/* ------------------------------------------------ check_content --- */

/* The one chunk @o holds, left in its pool (which frees it at the end). */
static void mt_kunit_peek(struct kunit *test, struct mt_owner *o,
			  struct mt_chunk *c)
{
	KUNIT_ASSERT_EQ(test, mt_pool_count(&o->pool), 1);
	mt_node_chunk(mt_node(&o->pool, 0), c);
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
	const char *name = mt_alloc_names[kind];
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
	KUNIT_CASE(grammar_table_test),
	KUNIT_CASE(pool_take_fit_rule_test),
	KUNIT_CASE(pool_take_fit_random_test),
	KUNIT_CASE(pool_take_random_test),
	KUNIT_CASE(pool_count_drain_test),
	KUNIT_CASE(pool_by_age_test),
	KUNIT_CASE(pool_by_age_model_test),
	KUNIT_CASE(pool_node_limits_test),
	KUNIT_CASE(owner_free_fit_test),
	KUNIT_CASE(owner_free_one_test),
	KUNIT_CASE(owner_putback_test),
	KUNIT_CASE(charge_api_test),
	KUNIT_CASE(alloc_bytes_test),
	KUNIT_CASE(owner_footprint_test),
	KUNIT_CASE(footprint_real_test),
	KUNIT_CASE(footprint_bound_test),
	KUNIT_CASE(footprint_bound_refuses_test),
	KUNIT_CASE(rnd_alloc_reserve_test),
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

MODULE_DESCRIPTION("KUnit tests of malloc_test's parser, allocators, footprints, charges, pool and content check");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
