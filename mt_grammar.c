// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - the commands' grammar, written once (see mt_grammar.h).
 *
 * Adding an option: its enum mt_opt, its line in mt_opt_descs[], its bit in
 * the commands of mt_syntax[] that take it; then its handler reads it from
 * struct mt_args.  The parser, the usage every file shows, the KUnit suite
 * and mtctl follow from here.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#endif

#include "mt_grammar.h"

const char * const mt_alloc_names[MT_NR_KINDS] = {
	[MT_KMALLOC] = "kmalloc",
	[MT_VMALLOC] = "vmalloc",
	[MT_KVMALLOC] = "kvmalloc",
	[MT_PAGES] = "pages",
	[MT_CACHE] = "cache",
	[MT_PERCPU] = "percpu",
	[MT_KMALLOC_NOLOCK] = "kmalloc_nolock",
	[MT_PAGES_NOLOCK] = "pages_nolock",
	[MT_MEMPOOL] = "mempool",
};

const char * const mt_gfp_names[MT_GFP_NR] = {
	[MT_GFP_KERNEL] = "kernel",
	[MT_GFP_ATOMIC] = "atomic",
	[MT_GFP_NOWAIT] = "nowait",
	[MT_GFP_NORETRY] = "noretry",
	[MT_GFP_RETRY_MAYFAIL] = "retry_mayfail",
	[MT_GFP_NOWARN] = "nowarn",
	[MT_GFP_ZERO] = "zero",
	[MT_GFP_ACCOUNT] = "account",
	[MT_GFP_NOFAIL] = "nofail",
};

const char * const mt_ctx_names[MT_NR_CTX] = {
	[MT_CTX_WORK] = "work",
	[MT_CTX_TIMER] = "timer",
	[MT_CTX_SOFTIRQ] = "softirq",
	[MT_CTX_IRQOFF] = "irqoff",
	[MT_CTX_NMI] = "nmi",
	[MT_CTX_BHOFF] = "bhoff",
};

const char * const mt_free_names[MT_NR_FREE] = {
	[MT_FREE_ALL] = "all",
	[MT_FREE_RANDOM] = "random",
	[MT_FREE_FIFO] = "fifo",
	[MT_FREE_LIFO] = "lifo",
};

const char * const mt_release_names[MT_NR_RELEASE] = {
	[MT_RELEASE_NOW] = "now",
	[MT_RELEASE_RCU] = "rcu",
};

const char * const mt_pattern_names[MT_NR_PATTERNS] = {
	[MT_PATTERN_PAIR] = "pair",
	[MT_PATTERN_BATCH] = "batch",
	[MT_PATTERN_RANDOM] = "random",
	[MT_PATTERN_REMOTE] = "remote",
};

#define MT_NAMES(a)	.names = (a), .nr_names = sizeof(a) / sizeof((a)[0])

const struct mt_opt_desc mt_opt_descs[MT_NR_OPTS] = {
	[MT_OPT_ALLOC] = { "alloc", "A", MT_VAL_NAME, "allocator",
			   MT_NAMES(mt_alloc_names) },
	[MT_OPT_SIZE] = { "size", "S[UNIT]", MT_VAL_SIZE, "size",
			  .min = 1, .unit = " byte" },
	[MT_OPT_COUNT] = { "count", "N", MT_VAL_NUMBER, "count",
			   .min = 1, .max = 4294967295ULL },
	[MT_OPT_THREADS] = { "threads", "T", MT_VAL_NUMBER, "thread count" },
	[MT_OPT_PATTERN] = { "pattern", NULL, MT_VAL_NAME, "pattern",
			     MT_NAMES(mt_pattern_names) },
	[MT_OPT_GFP] = { "gfp", "F,...", MT_VAL_NAMES, "gfp flag",
			 MT_NAMES(mt_gfp_names) },
	[MT_OPT_NODE] = { "node", "N", MT_VAL_NUMBER, "node" },
	[MT_OPT_CTX] = { "ctx", NULL, MT_VAL_NAME, "context",
			 MT_NAMES(mt_ctx_names) },
	[MT_OPT_CPU] = { "cpu", "N", MT_VAL_NUMBER, "CPU" },
	[MT_OPT_FREE] = { "free", NULL, MT_VAL_NAME, "free policy",
			  MT_NAMES(mt_free_names) },
	[MT_OPT_SAMPLE] = { "sample", "K", MT_VAL_NUMBER, "sampling",
			    .max = 1000000 },
	[MT_OPT_TIME] = { "time", "SEC", MT_VAL_NUMBER, "time limit",
			  .min = 1, .max = 3600, .unit = " seconds" },
	[MT_OPT_BULK] = { "bulk", "N", MT_VAL_NUMBER, "bulk count",
			  .min = 1, .max = MT_BULK_MAX },
	[MT_OPT_SHEAF] = { "sheaf", "N", MT_VAL_NUMBER, "sheaf capacity",
			   .min = 1, .max = MT_SHEAF_MAX },
	[MT_OPT_RELEASE] = { "release", NULL, MT_VAL_NAME, "release",
			     MT_NAMES(mt_release_names) },
	[MT_OPT_RESERVE] = { "reserve", "N", MT_VAL_NUMBER, "mempool reserve",
			     .min = 1, .max = MT_RESERVE_MAX },
	[MT_OPT_AVAIL] = { "avail", "S[UNIT]", MT_VAL_SIZE, "MemAvailable target",
			   .unit = " byte" },
};

#define MT_OPTS_ALLOC	(MT_OPT(ALLOC) | MT_OPT(GFP) | MT_OPT(NODE))
#define MT_OPTS_TEST	(MT_OPTS_ALLOC | MT_OPT(CTX) | MT_OPT(CPU) | \
			 MT_OPT(FREE) | MT_OPT(RELEASE) | MT_OPT(RESERVE) | \
			 MT_OPT(BULK))
#define MT_OPTS_BENCH	(MT_OPT(ALLOC) | MT_OPT(SIZE) | MT_OPT(COUNT) | \
			 MT_OPT(THREADS) | MT_OPT(PATTERN) | MT_OPT(GFP) | \
			 MT_OPT(CPU) | MT_OPT(SAMPLE) | MT_OPT(TIME) | \
			 MT_OPT(BULK) | MT_OPT(SHEAF) | MT_OPT(RELEASE) | \
			 MT_OPT(RESERVE))

const struct mt_syntax mt_syntax[MT_NR_CMDS] = {
	[MT_CMD_ALLOC] = {
		.name = "mem_alloc", .mode = 0600,
		.min_args = 1, .max_args = 1, .size_mask = 0x1,
		.opts = MT_OPTS_ALLOC | MT_OPT(AVAIL), .args = { "SIZE" },
	},
	[MT_CMD_FREE] = {
		.name = "mem_free", .mode = 0600,
		.min_args = 0, .max_args = 1, .size_mask = 0x1,
		.opts = MT_OPT(RELEASE), .args = { "SIZE" },
	},
	[MT_CMD_REALLOC] = {
		.name = "mem_realloc", .mode = 0600,
		.min_args = 1, .max_args = 1, .size_mask = 0x1,
		.args = { "SIZE" },
	},
	[MT_CMD_RND_ALLOC] = {
		.name = "mem_rnd_alloc", .mode = 0600,
		.min_args = 3, .max_args = 3, .size_mask = 0x7,
		.opts = MT_OPTS_ALLOC, .args = { "MIN", "MAX", "TOTAL" },
	},
	[MT_CMD_TEST_START] = {
		.name = "mem_test_start", .mode = 0600,
		.min_args = 6, .max_args = 6, .size_mask = 0x7,
		.opts = MT_OPTS_TEST,
		.args = { "MIN", "MAX", "TOTAL", "MIN_INT", "MAX_INT",
			  "TOTAL_TIME" },
	},
	[MT_CMD_TEST_STOP] = {
		.name = "mem_test_stop", .mode = 0600,
		.min_args = 1, .max_args = 1, .args = { "ID" },
	},
	[MT_CMD_TEST_DESTROY] = {
		.name = "mem_test_destroy", .mode = 0600,
		.min_args = 1, .max_args = 1, .args = { "ID" },
	},
	[MT_CMD_TEST_DESTROY_ALL] = {
		.name = "mem_test_destroy_all", .mode = 0200,
		.anything = true,
	},
	[MT_CMD_BENCH] = {
		.name = "bench", .mode = 0600,
		.opts = MT_OPTS_BENCH,
		.required = MT_OPT(SIZE) | MT_OPT(COUNT),
		.word = "stop",
	},
};

/**
 * mt_unit_shift() - the shift of a unit letter
 * @tok: the token: one of MT_UNITS, in either case, alone
 *
 * Return: 0, 10, 20 or 30; -1 when @tok is no unit.
 */
int mt_unit_shift(const char *tok)
{
	const char *u;
	char c;

	if (!tok[0] || tok[1])
		return -1;
	c = tok[0] >= 'A' && tok[0] <= 'Z' ? tok[0] - 'A' + 'a' : tok[0];
	u = strchr(MT_UNITS, c);
	return u ? (u - MT_UNITS) * 10 : -1;
}

/**
 * mt_size_shift() - a number of units, in bytes
 * @v: the number
 * @shift: the unit's shift, from mt_unit_shift(): 0 to 30
 * @out: the bytes
 *
 * Return: 0, or -ERANGE when they pass 64 bits (@out then untouched).
 */
int mt_size_shift(unsigned long long v, unsigned int shift,
		  unsigned long long *out)
{
	if (v > ~0ULL >> shift)
		return -ERANGE;
	*out = v << shift;
	return 0;
}

/**
 * mt_size_parse() - a size written as one word
 * @s: the word: decimal digits, then a unit letter of MT_UNITS attached
 *	if need be ("64", "4k", "1M"); nothing else, not even a newline
 * @out: the bytes
 *
 * The one place a size with its unit is read, in the module (option
 * values, parameters) and in mtctl alike: memparse()'s job, but strict
 * (no sign, no base prefix, no trailing text) and with overflow refused
 * rather than wrapped.  A command's numbers, whose unit is a word of its
 * own ("64 k"), go through mt_size_shift() alone.
 *
 * Return: 0; -EINVAL when @s is not such a word; -ERANGE when the size
 * passes 64 bits (@out then untouched).
 */
int mt_size_parse(const char *s, unsigned long long *out)
{
	size_t digits = strspn(s, "0123456789");
	unsigned long long v = 0;
	int shift = 0;
	size_t i;

	if (!digits)
		return -EINVAL;
	if (s[digits]) {
		shift = mt_unit_shift(s + digits);
		if (shift < 0)
			return -EINVAL;
	}
	for (i = 0; i < digits; i++) {
		unsigned int d = s[i] - '0';

		if (v > (~0ULL - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	return mt_size_shift(v, shift, out);
}

/**
 * mt_name_index() - look a name up
 * @names: the names
 * @nr: how many
 * @name: the name looked for
 *
 * Return: its index, or -1.
 */
int mt_name_index(const char * const *names, unsigned int nr,
		  const char *name)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

/* Append @s at @n in @buf of @len bytes, truncating. Return: the new @n. */
static size_t mt_cat(char *buf, size_t len, size_t n, const char *s)
{
	size_t l = strlen(s);

	if (n + 1 >= len)
		return n;
	if (l > len - n - 1)
		l = len - n - 1;
	memcpy(buf + n, s, l);
	buf[n + l] = '\0';
	return n + l;
}

/**
 * mt_names_list() - an option's names, listed: "work, timer"
 * @buf: where
 * @len: its size, at least 1
 * @d: the option
 * @last: what goes before the last name: " or " for a reason, or NULL
 *	for usage's "work|timer"
 *
 * Return: the length written.
 */
int mt_names_list(char *buf, size_t len, const struct mt_opt_desc *d,
		  const char *last)
{
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < d->nr_names; i++) {
		if (i)
			n = mt_cat(buf, len, n, !last ? "|" :
				   i + 1 == d->nr_names ? last : ", ");
		n = mt_cat(buf, len, n, d->names[i]);
	}
	return n;
}

/**
 * mt_usage() - what a command takes, in one line: "SIZE [UNIT] [alloc=A]"
 * @buf: where
 * @len: its size, at least 1
 * @syn: the command
 *
 * Numbers first, optional ones nested in brackets, the unit after the
 * last where one is a size; then the options in enum mt_opt's order, in
 * brackets unless required; then the word taken alone, after a '|'.
 *
 * Return: the length written.
 */
int mt_usage(char *buf, size_t len, const struct mt_syntax *syn)
{
	char names[96];
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	if (syn->anything)
		return mt_cat(buf, len, 0, "(anything)");
	for (i = 0; i < syn->max_args; i++) {
		if (n)
			n = mt_cat(buf, len, n, " ");
		if (i >= syn->min_args)
			n = mt_cat(buf, len, n, "[");
		n = mt_cat(buf, len, n, syn->args[i]);
	}
	if (syn->size_mask)
		n = mt_cat(buf, len, n, " [UNIT]");
	for (i = syn->min_args; i < syn->max_args; i++)
		n = mt_cat(buf, len, n, "]");
	for (i = 0; i < MT_NR_OPTS; i++) {
		const struct mt_opt_desc *d = &mt_opt_descs[i];
		bool req = syn->required & (1U << i);

		if (!(syn->opts & (1U << i)))
			continue;
		if (n)
			n = mt_cat(buf, len, n, " ");
		if (!req)
			n = mt_cat(buf, len, n, "[");
		n = mt_cat(buf, len, n, d->name);
		n = mt_cat(buf, len, n, "=");
		if (!d->metavar)
			mt_names_list(names, sizeof(names), d, NULL);
		n = mt_cat(buf, len, n, d->metavar ?: names);
		if (!req)
			n = mt_cat(buf, len, n, "]");
	}
	if (syn->word) {
		n = mt_cat(buf, len, n, n ? " | " : "");
		n = mt_cat(buf, len, n, syn->word);
	}
	return n;
}
