// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - the command parser.
 *
 * A command is one line of tokens separated by spaces or tabs:
 *
 *	NUMBER... [UNIT] [KEY=VALUE]...
 *
 * NUMBERs are unsigned decimal, 64-bit.  UNIT is b, k, m or g, in either
 * case, powers of 1024, and scales every number the command takes as a
 * size.  Options follow; each may be given once, and each command takes
 * its own set of them (struct mt_syntax).  Anything else, and any number
 * out of place, is refused with a reason the caller logs and hands back
 * to the writer.
 *
 * The parser checks only the form of a command; whether its options go
 * together, and with this machine's CPUs and nodes, is for the command
 * (mt_cmd.c) to check.
 */
#include "malloc_test.h"

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/numa.h>
#include <linux/overflow.h>
#include <linux/string.h>

/* Tokens are quoted in reasons up to this many bytes. */
#define MT_QUOTE_MAX	32

static int mt_unit_shift(const char *tok)
{
	if (tok[0] == '\0' || tok[1] != '\0')
		return -1;
	switch (tok[0]) {
	case 'b': case 'B':
		return 0;
	case 'k': case 'K':
		return 10;
	case 'm': case 'M':
		return 20;
	case 'g': case 'G':
		return 30;
	}
	return -1;
}

#define mt_why(fmt, ...)	scnprintf(why, whylen, fmt, ##__VA_ARGS__)

/* Reasons quote at most MT_QUOTE_MAX bytes of a token, escaped (%*pE). */
static int mt_qlen(const char *tok)
{
	return min_t(size_t, strlen(tok), MT_QUOTE_MAX);
}

static const char * const mt_opt_names[MT_NR_OPTS] = {
	[MT_OPT_ALLOC] = "alloc",
	[MT_OPT_GFP] = "gfp",
	[MT_OPT_NODE] = "node",
	[MT_OPT_CTX] = "ctx",
	[MT_OPT_CPU] = "cpu",
	[MT_OPT_FREE] = "free",
	[MT_OPT_SIZE] = "size",
	[MT_OPT_COUNT] = "count",
	[MT_OPT_THREADS] = "threads",
	[MT_OPT_PATTERN] = "pattern",
	[MT_OPT_SAMPLE] = "sample",
	[MT_OPT_TIME] = "time",
};

const char * const mt_pattern_names[MT_NR_PATTERNS] = {
	[MT_PATTERN_PAIR] = "pair",
	[MT_PATTERN_BATCH] = "batch",
	[MT_PATTERN_RANDOM] = "random",
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

static const gfp_t mt_gfp_bits[MT_GFP_NR] = {
	[MT_GFP_KERNEL] = GFP_KERNEL,
	[MT_GFP_ATOMIC] = GFP_ATOMIC,
	[MT_GFP_NOWAIT] = GFP_NOWAIT,
	[MT_GFP_NORETRY] = __GFP_NORETRY,
	[MT_GFP_RETRY_MAYFAIL] = __GFP_RETRY_MAYFAIL,
	[MT_GFP_NOWARN] = __GFP_NOWARN,
	[MT_GFP_ZERO] = __GFP_ZERO,
	[MT_GFP_ACCOUNT] = __GFP_ACCOUNT,
	[MT_GFP_NOFAIL] = __GFP_NOFAIL,
};

const char * const mt_ctx_names[MT_NR_CTX] = {
	[MT_CTX_WORK] = "work",
	[MT_CTX_TIMER] = "timer",
};

const char * const mt_free_names[MT_NR_FREE] = {
	[MT_FREE_ALL] = "all",
	[MT_FREE_RANDOM] = "random",
	[MT_FREE_FIFO] = "fifo",
	[MT_FREE_LIFO] = "lifo",
};

/**
 * mt_gfp_flags() - the GFP flags of a gfp= choice
 * @set: the choice, BIT(MT_GFP_*)
 *
 * Return: the flags.
 */
gfp_t mt_gfp_flags(unsigned int set)
{
	gfp_t gfp = 0;
	unsigned int i;

	for (i = 0; i < MT_GFP_NR; i++)
		if (set & BIT(i))
			gfp |= mt_gfp_bits[i];
	return gfp;
}

/**
 * mt_gfp_print() - spell a gfp= choice, base first: "kernel,nowarn"
 * @buf: where
 * @len: its size
 * @set: the choice, BIT(MT_GFP_*)
 *
 * Return: the length written, as scnprintf().
 */
int mt_gfp_print(char *buf, size_t len, unsigned int set)
{
	unsigned int i;
	int n = 0;

	buf[0] = '\0';
	for (i = 0; i < MT_GFP_NR; i++)
		if (set & BIT(i))
			n += scnprintf(buf + n, len - n, "%s%s", n ? "," : "",
				       mt_gfp_names[i]);
	return n;
}

/* Return: the index of @val in @names, or -1. */
static int mt_lookup(const char * const *names, unsigned int nr,
		     const char *val)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (!strcmp(val, names[i]))
			return i;
	return -1;
}

static int mt_parse_gfp(char *val, struct mt_opts *o, char *why,
			size_t whylen)
{
	char *tok;
	int bit;

	while ((tok = strsep(&val, ","))) {
		bit = mt_lookup(mt_gfp_names, MT_GFP_NR, tok);
		if (bit < 0) {
			mt_why("unknown gfp flag '%*pE'", mt_qlen(tok), tok);
			return -EINVAL;
		}
		if ((BIT(bit) & MT_GFP_BASES) && (o->gfp & MT_GFP_BASES)) {
			mt_why("gfp= takes one base: kernel, atomic or nowait");
			return -EINVAL;
		}
		if (o->gfp & BIT(bit)) {
			mt_why("gfp flag '%s' given twice", tok);
			return -EINVAL;
		}
		o->gfp |= BIT(bit);
	}
	return 0;
}

static int mt_parse_number(const char *key, const char *val,
			   unsigned int *out, char *why, size_t whylen)
{
	if (kstrtouint(val, 10, out)) {
		mt_why("%s '%*pE' is not a number", key, mt_qlen(val), val);
		return -EINVAL;
	}
	return 0;
}

static int mt_parse_u64(const char *key, const char *val, u64 *out,
			char *why, size_t whylen)
{
	if (kstrtou64(val, 10, out)) {
		mt_why("%s '%*pE' is not a number", key, mt_qlen(val), val);
		return -EINVAL;
	}
	return 0;
}

/* A size: a number, then optionally a unit letter: 64, 4k, 1M. */
static int mt_parse_size(const char *key, char *val, u64 *out, char *why,
			 size_t whylen)
{
	size_t len = strlen(val);
	int shift = len > 1 ? mt_unit_shift(val + len - 1) : -1;
	char unit[2] = "";
	u64 v;

	if (shift >= 0) {
		unit[0] = val[len - 1];
		val[len - 1] = '\0';
	}
	if (kstrtou64(val, 10, &v)) {
		mt_why("%s '%*pE%s' is not a size", key, mt_qlen(val), val,
		       unit);
		return -EINVAL;
	}
	if (check_shl_overflow(v, max(shift, 0), out)) {
		mt_why("%s %llu%s overflows 64 bits", key, v, unit);
		return -EINVAL;
	}
	return 0;
}

/* Say which options the command takes, for a refusal. */
static void mt_why_opts(const char *tok, u16 opts, char *why, size_t whylen)
{
	unsigned int i;
	int n;

	n = mt_why("unknown option '%*pE' (this command takes", mt_qlen(tok),
		   tok);
	if (!opts)
		n += scnprintf(why + n, whylen - n, " none");
	for (i = 0; i < MT_NR_OPTS; i++)
		if (opts & BIT(i)) {
			n += scnprintf(why + n, whylen - n, "%s %s",
				       (opts & (BIT(i) - 1)) ? "," : "",
				       mt_opt_names[i]);
		}
	scnprintf(why + n, whylen - n, ")");
}

static int mt_parse_option(char *tok, const struct mt_syntax *syn,
			   struct mt_args *a, char *why, size_t whylen)
{
	struct mt_opts *o = &a->o;
	char *val = strchr(tok, '=');
	int opt, v;

	*val++ = '\0';
	opt = mt_lookup(mt_opt_names, MT_NR_OPTS, tok);
	if (opt < 0 || !(syn->opts & BIT(opt))) {
		mt_why_opts(tok, syn->opts, why, whylen);
		return -EINVAL;
	}
	if (o->given & BIT(opt)) {
		mt_why("%s= given twice", tok);
		return -EINVAL;
	}
	o->given |= BIT(opt);

	switch (opt) {
	case MT_OPT_ALLOC:
		v = mt_kind_from_name(val);
		if (v < 0) {
			mt_why("unknown allocator '%*pE' (%s)", mt_qlen(val),
			       val,
			       "kmalloc, vmalloc, kvmalloc, pages, cache or percpu");
			return -EINVAL;
		}
		o->kind = v;
		return 0;
	case MT_OPT_GFP:
		return mt_parse_gfp(val, o, why, whylen);
	case MT_OPT_NODE:
		return mt_parse_number("node", val, &o->node, why, whylen);
	case MT_OPT_CPU:
		return mt_parse_number("cpu", val, &o->cpu, why, whylen);
	case MT_OPT_CTX:
		v = mt_lookup(mt_ctx_names, MT_NR_CTX, val);
		if (v < 0) {
			mt_why("unknown context '%*pE' (work or timer)",
			       mt_qlen(val), val);
			return -EINVAL;
		}
		o->ctx = v;
		return 0;
	case MT_OPT_SIZE:
		return mt_parse_size("size", val, &a->b.size, why, whylen);
	case MT_OPT_COUNT:
		return mt_parse_u64("count", val, &a->b.count, why, whylen);
	case MT_OPT_THREADS:
		return mt_parse_number("threads", val, &a->b.threads, why,
				       whylen);
	case MT_OPT_SAMPLE:
		return mt_parse_number("sample", val, &a->b.sample, why,
				       whylen);
	case MT_OPT_TIME:
		return mt_parse_number("time", val, &a->b.time, why, whylen);
	case MT_OPT_PATTERN:
		v = mt_lookup(mt_pattern_names, MT_NR_PATTERNS, val);
		if (v < 0) {
			mt_why("unknown pattern '%*pE' (pair, batch or random)",
			       mt_qlen(val), val);
			return -EINVAL;
		}
		a->b.pattern = v;
		return 0;
	default:
		v = mt_lookup(mt_free_names, MT_NR_FREE, val);
		if (v < 0) {
			mt_why("unknown free policy '%*pE' (all, random, fifo or lifo)",
			       mt_qlen(val), val);
			return -EINVAL;
		}
		o->free = v;
		return 0;
	}
}

/*
 * Fill in the flags not given.  Without gfp=, flags that fail rather than
 * kill: in process context kernel,retry_mayfail (the kernel reclaims and
 * compacts, then fails; it never calls the OOM killer for it), or
 * kernel,noretry for alloc=percpu, whose allocator drops retry_mayfail;
 * in a ctx=timer test atomic; and nowarn, as failures are the module's
 * to report.  A gfp= list that names no base gets the context's, and in
 * process context its retry modifier unless it names one, or nofail:
 * only gfp=kernel itself asks for the kernel's own behaviour, OOM
 * killer included.
 */
static void mt_opts_defaults(struct mt_opts *o)
{
	unsigned int retry = BIT(MT_GFP_NORETRY) | BIT(MT_GFP_RETRY_MAYFAIL) |
			     BIT(MT_GFP_NOFAIL);
	bool timer = o->ctx == MT_CTX_TIMER;

	if (!(o->given & BIT(MT_OPT_GFP)))
		o->gfp = BIT(MT_GFP_NOWARN);
	else if (o->gfp & MT_GFP_BASES)
		return;
	o->gfp |= timer ? BIT(MT_GFP_ATOMIC) : BIT(MT_GFP_KERNEL);
	if (!timer && !(o->gfp & retry))
		o->gfp |= o->kind == MT_PERCPU ? BIT(MT_GFP_NORETRY) :
						 BIT(MT_GFP_RETRY_MAYFAIL);
}

/**
 * mt_parse() - parse one command
 * @buf: the command, NUL-terminated; tokenised in place
 * @syn: what the command takes
 * @a: the result: numbers (sizes in bytes), their count, the options
 * @why: on failure, the reason, for the log and the writer
 * @whylen: size of @why
 *
 * Return: 0, or -EINVAL with @why filled in.
 */
int mt_parse(char *buf, const struct mt_syntax *syn, struct mt_args *a,
	     char *why, size_t whylen)
{
	bool seen_unit = false, seen_opt = false;
	unsigned int i, shift = 0;
	const char *unit = "";
	char *tok;
	u64 bytes;
	int ret;

	memset(a, 0, sizeof(*a));
	a->o.kind = READ_ONCE(mt_default_alloc);

	while ((tok = strsep(&buf, " \t\n"))) {
		if (!*tok)
			continue;
		if (strchr(tok, '=')) {
			ret = mt_parse_option(tok, syn, a, why, whylen);
			if (ret)
				return ret;
			seen_opt = true;
		} else if (isdigit(*tok) || *tok == '-' || *tok == '+') {
			if (seen_unit || seen_opt) {
				mt_why("number '%*pE' after the unit or an option",
				       mt_qlen(tok), tok);
				return -EINVAL;
			}
			if (a->nr == syn->max_args) {
				mt_why("too many numbers: at most %u",
				       syn->max_args);
				return -EINVAL;
			}
			if (kstrtou64(tok, 10, &a->val[a->nr])) {
				mt_why("'%*pE' is not an unsigned 64-bit number",
				       mt_qlen(tok), tok);
				return -EINVAL;
			}
			a->nr++;
		} else if (mt_unit_shift(tok) >= 0 && syn->size_mask &&
			   !seen_unit && !seen_opt && a->nr) {
			shift = mt_unit_shift(tok);
			unit = tok;
			seen_unit = true;
		} else {
			mt_why("unexpected '%*pE'", mt_qlen(tok), tok);
			return -EINVAL;
		}
	}

	if (a->nr < syn->min_args) {
		mt_why("too few numbers: %u given, %u needed", a->nr,
		       syn->min_args);
		return -EINVAL;
	}
	for (i = 0; i < a->nr; i++) {
		if (!(syn->size_mask & BIT(i)))
			continue;
		if (check_shl_overflow(a->val[i], shift, &bytes)) {
			mt_why("%llu %s overflows 64 bits", a->val[i], unit);
			return -EINVAL;
		}
		a->val[i] = bytes;
	}
	mt_opts_defaults(&a->o);
	return 0;
}
