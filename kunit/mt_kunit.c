// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test_kunit - KUnit tests of malloc_test's parser, the pool that
 * chooses which chunk mem_free frees, and check_content's detection of
 * overwritten chunks.
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
#include "../mt_chunk.c"
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
	.min_args = 1, .max_args = 1, .size_mask = 0x1, .opt_alloc = true,
};

static const struct mt_syntax syn_free = {	/* mem_free */
	.min_args = 0, .max_args = 1, .size_mask = 0x1,
};

static const struct mt_syntax syn_rnd = {	/* mem_rnd_alloc */
	.min_args = 3, .max_args = 3, .size_mask = 0x7, .opt_alloc = true,
};

static const struct mt_syntax syn_start = {	/* mem_test_start */
	.min_args = 6, .max_args = 6, .size_mask = 0x7, .opt_alloc = true,
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
		KUNIT_EXPECT_EQ_MSG(test, a.kind, t->kind, "'%*pE'",
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

/* KEY=VALUE options: alloc= only, once, after the numbers and unit. */
static void parse_options_test(struct kunit *test)
{
	static const struct mt_kunit_ok ok[] = {
		{ "10 alloc=kmalloc", &syn_alloc, 1, { 10 }, MT_KMALLOC },
		{ "10 alloc=vmalloc", &syn_alloc, 1, { 10 }, MT_VMALLOC },
		{ "10 alloc=kvmalloc", &syn_alloc, 1, { 10 }, MT_KVMALLOC },
		{ "10 k alloc=kmalloc", &syn_alloc, 1, { 10 << 10 },
		  MT_KMALLOC },
		{ "1 2 3 4 5 6 alloc=kmalloc", &syn_start, 6,
		  { 1, 2, 3, 4, 5, 6 }, MT_KMALLOC },
	};
	static const struct mt_kunit_bad bad[] = {
		{ "10 alloc=slab", &syn_alloc,
		  "unknown allocator 'slab' (kmalloc, vmalloc or kvmalloc)" },
		{ "10 alloc=KMALLOC", &syn_alloc,
		  "unknown allocator 'KMALLOC' (kmalloc, vmalloc or kvmalloc)" },
		{ "10 alloc=", &syn_alloc,
		  "unknown allocator '' (kmalloc, vmalloc or kvmalloc)" },
		{ "10 alloc=kmalloc=1", &syn_alloc,
		  "unknown allocator 'kmalloc=1' (kmalloc, vmalloc or kvmalloc)" },
		{ "10 foo=bar", &syn_alloc, "unknown option 'foo'" },
		{ "10 Alloc=kmalloc", &syn_alloc, "unknown option 'Alloc'" },
		{ "10 =kmalloc", &syn_alloc, "unknown option ''" },
		{ "10 alloc=kmalloc alloc=kmalloc", &syn_alloc,
		  "alloc= given twice" },
		{ "10 alloc=kmalloc alloc=slab", &syn_alloc,
		  "alloc= given twice" },
		/* commands that allocate nothing take no alloc= */
		{ "10 alloc=kmalloc", &syn_free, "unknown option 'alloc'" },
		{ "1 alloc=kmalloc", &syn_id, "unknown option 'alloc'" },
		{ "alloc=kmalloc 10", &syn_alloc,
		  "number '10' after the unit or an option" },
		{ "1 2 alloc=kmalloc 3", &syn_rnd,
		  "number '3' after the unit or an option" },
	};
	static const struct mt_kunit_ok kmalloc_default[] = {
		{ "10", &syn_alloc, 1, { 10 }, MT_KMALLOC },
		{ "10 alloc=kvmalloc", &syn_alloc, 1, { 10 }, MT_KVMALLOC },
	};

	mt_kunit_accepts(test, ok, ARRAY_SIZE(ok));
	mt_kunit_refuses(test, bad, ARRAY_SIZE(bad));

	/* Without alloc=, the alloc parameter decides, read at each parse. */
	WRITE_ONCE(mt_default_alloc, MT_KMALLOC);
	mt_kunit_accepts(test, kmalloc_default, ARRAY_SIZE(kmalloc_default));
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
		  "unknown allocator '\"kmalloc\"' (kmalloc, vmalloc or kvmalloc)" },
		{ "10 \"alloc\"=kmalloc", &syn_alloc,
		  "unknown option '\"alloc\"'" },
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
 * with consistent parent links, ordered by (size, ptr) in order, each
 * parent's priority at least its children's; ->bytes is their sum.
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
			KUNIT_ASSERT_LE_MSG(test, mt_node(pool, kid[k])->prio,
					    n->prio, "node %u", i);
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

/* ------------------------------------------- owners: mem_free's choice --- */

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
	mt_owner_init(&ko->o, &ko->totals, "kunit", MT_KUNIT_SEED);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							mt_kunit_owner_destroy,
							&ko->o), 0);
	return &ko->o;
}

static void mt_kunit_keep(struct kunit *test, struct mt_owner *o,
			  enum mt_alloc_kind kind, u64 size)
{
	KUNIT_ASSERT_EQ(test, mt_owner_alloc(o, kind, size, GFP_KERNEL, false),
			0);
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
 */
static void mt_kunit_check_kind(struct kunit *test, enum mt_alloc_kind kind,
				size_t size)
{
	const char *name = mt_allocators[kind].name;
	struct mt_owner *o = mt_kunit_owner(test);
	size_t at[] = { 0, size / 2, size - 1 };
	struct mt_chunk c;
	unsigned int i;

	WRITE_ONCE(mt_check_content, true);
	mt_kunit_keep(test, o, kind, size);
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

static struct kunit_case mt_kunit_cases[] = {
	KUNIT_CASE(parse_numbers_test),
	KUNIT_CASE(parse_count_test),
	KUNIT_CASE(parse_whitespace_test),
	KUNIT_CASE(parse_units_test),
	KUNIT_CASE(parse_unit_overflow_test),
	KUNIT_CASE(parse_options_test),
	KUNIT_CASE(parse_quoting_test),
	KUNIT_CASE(pool_take_fit_rule_test),
	KUNIT_CASE(pool_take_fit_random_test),
	KUNIT_CASE(pool_take_random_test),
	KUNIT_CASE(pool_count_drain_test),
	KUNIT_CASE(owner_free_fit_test),
	KUNIT_CASE(check_kmalloc_test),
	KUNIT_CASE(check_vmalloc_test),
	KUNIT_CASE(verify_counts_test),
	{}
};

static struct kunit_suite mt_kunit_suite = {
	.name = "malloc_test",
	.init = mt_kunit_init,
	.test_cases = mt_kunit_cases,
};

kunit_test_suite(mt_kunit_suite);

MODULE_DESCRIPTION("KUnit tests of malloc_test's parser, pool and content check");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
