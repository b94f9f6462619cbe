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
 * its own set of them.  What a command takes, and what each option's
 * value may be, is mt_grammar.c's table, which this file follows.
 * Anything else, and any number out of place or out of its option's
 * range, is refused with a reason the caller hands back to the writer.
 *
 * The parser checks only the form of a command; whether its options go
 * together, and with this machine's CPUs and nodes, is for the command
 * (mt_cmd.c) to check.
 */
#include "malloc_test.h"
#include "mt_alloc.h"
#include "mt_parse.h"

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/numa.h>
#include <linux/string.h>

/* Tokens are quoted in reasons up to this many bytes. */
#define MT_QUOTE_MAX	32

#define mt_why(fmt, ...)	scnprintf(why, whylen, fmt, ##__VA_ARGS__)

/* Reasons quote at most MT_QUOTE_MAX bytes of a token, escaped (%*pE). */
static int mt_qlen(const char *tok)
{
	return min_t(size_t, strlen(tok), MT_QUOTE_MAX);
}

static int mt_parse_gfp(char *val, u64 *set, char *why, size_t whylen)
{
	char *tok;
	int bit;

	while ((tok = strsep(&val, ","))) {
		bit = mt_name_index(mt_gfp_names, MT_GFP_NR, tok);
		if (bit < 0) {
			mt_why("unknown gfp flag '%*pE'", mt_qlen(tok), tok);
			return -EINVAL;
		}
		if ((BIT(bit) & MT_GFP_BASES) && (*set & MT_GFP_BASES)) {
			mt_why("gfp= takes one base: kernel, atomic or nowait");
			return -EINVAL;
		}
		if (*set & BIT(bit)) {
			mt_why("gfp flag '%s' given twice", tok);
			return -EINVAL;
		}
		*set |= BIT(bit);
	}
	return 0;
}

/* A size: a number, then optionally a unit letter: 64, 4k, 1M. */
static int mt_parse_size(const char *key, const char *val, u64 *out,
			 char *why, size_t whylen)
{
	unsigned long long v;

	switch (mt_size_parse(val, &v)) {
	case 0:
		*out = v;
		return 0;
	case -ERANGE:
		mt_why("%s %*pE overflows 64 bits", key, mt_qlen(val), val);
		return -EINVAL;
	default:
		mt_why("%s '%*pE' is not a size", key, mt_qlen(val), val);
		return -EINVAL;
	}
}

/*
 * A number: 32 bits, as kstrtouint() takes it, unless the grammar gives
 * a maximum of its own.
 */
static int mt_parse_number(const struct mt_opt_desc *d, const char *val,
			   u64 *out, char *why, size_t whylen)
{
	unsigned int v32;

	if (d->max ? kstrtou64(val, 10, out) : kstrtouint(val, 10, &v32)) {
		mt_why("%s '%*pE' is not a number", d->name, mt_qlen(val), val);
		return -EINVAL;
	}
	if (!d->max)
		*out = v32;
	return 0;
}

/* Hold a number or a size to its option's range. */
static int mt_check_range(const struct mt_opt_desc *d, u64 v, char *why,
			  size_t whylen)
{
	if (v < d->min) {
		mt_why("%s=%llu: at least %llu%s", d->name, v, d->min,
		       d->unit ?: "");
		return -EINVAL;
	}
	if (d->max && v > d->max) {
		mt_why("%s=%llu: at most %llu%s", d->name, v, d->max,
		       d->unit ?: "");
		return -EINVAL;
	}
	return 0;
}

/* Say which options the command takes, for a refusal. */
static void mt_why_opts(const char *tok, u32 opts, char *why, size_t whylen)
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
				       mt_opt_descs[i].name);
		}
	scnprintf(why + n, whylen - n, ")");
}

static int mt_parse_option(char *tok, const struct mt_syntax *syn,
			   struct mt_args *a, char *why, size_t whylen)
{
	const struct mt_opt_desc *d;
	char *val = strchr(tok, '=');
	char names[96];
	u64 *out;
	int opt, v;

	*val++ = '\0';
	for (opt = 0; opt < MT_NR_OPTS; opt++)
		if (!strcmp(tok, mt_opt_descs[opt].name))
			break;
	if (opt == MT_NR_OPTS || !(syn->opts & BIT(opt))) {
		mt_why_opts(tok, syn->opts, why, whylen);
		return -EINVAL;
	}
	if (a->o.given & BIT(opt)) {
		mt_why("%s= given twice", tok);
		return -EINVAL;
	}
	a->o.given |= BIT(opt);
	d = &mt_opt_descs[opt];
	out = &a->opt[opt];

	switch (d->val) {
	case MT_VAL_NAME:
		v = mt_name_index(d->names, d->nr_names, val);
		if (v < 0) {
			mt_names_list(names, sizeof(names), d, " or ");
			mt_why("unknown %s '%*pE' (%s)", d->what, mt_qlen(val),
			       val, names);
			return -EINVAL;
		}
		*out = v;
		return 0;
	case MT_VAL_NAMES:
		return mt_parse_gfp(val, out, why, whylen);
	case MT_VAL_SIZE:
		return mt_parse_size(d->name, val, out, why, whylen) ?:
		       mt_check_range(d, *out, why, whylen);
	default:
		return mt_parse_number(d, val, out, why, whylen) ?:
		       mt_check_range(d, *out, why, whylen);
	}
}

/*
 * Fill in the allocation options: the allocator, flags, node, CPU,
 * context and free policy; then the flags not given.  Without gfp=,
 * flags that fail rather than kill: in process context
 * kernel,retry_mayfail (the kernel reclaims and compacts, then fails; it
 * never calls the OOM killer for it), or kernel,noretry for
 * alloc=percpu, whose allocator drops retry_mayfail, or kernel alone for
 * alloc=mempool (mempool_alloc() adds noretry itself, and with kernel
 * waits for an element rather than fail); in a test of an atomic context
 * (ctx=timer, softirq, irqoff, nmi, bhoff) atomic; and nowarn, as
 * failures are the module's to report.  A gfp= list that names no base gets the
 * context's, and in process context its retry modifier unless it names
 * one, or nofail: only gfp=kernel itself asks for the kernel's own
 * behaviour, OOM killer included.
 */
static void mt_opts_fill(struct mt_args *a)
{
	unsigned int retry = BIT(MT_GFP_NORETRY) | BIT(MT_GFP_RETRY_MAYFAIL) |
			     BIT(MT_GFP_NOFAIL);
	struct mt_opts *o = &a->o;
	bool atomic;

	o->kind = mt_given(a, ALLOC) ? a->opt[MT_OPT_ALLOC] :
				       READ_ONCE(mt_default_alloc);
	o->gfp = a->opt[MT_OPT_GFP];
	o->node = a->opt[MT_OPT_NODE];
	o->cpu = a->opt[MT_OPT_CPU];
	o->ctx = a->opt[MT_OPT_CTX];
	o->free = a->opt[MT_OPT_FREE];
	o->release = a->opt[MT_OPT_RELEASE];
	o->reserve = a->opt[MT_OPT_RESERVE];

	atomic = mt_ctx_atomic(o->ctx);
	if (!mt_given(a, GFP))
		o->gfp = BIT(MT_GFP_NOWARN);
	else if (o->gfp & MT_GFP_BASES)
		return;
	o->gfp |= atomic ? BIT(MT_GFP_ATOMIC) : BIT(MT_GFP_KERNEL);
	if (!atomic && !(o->gfp & retry) && o->kind != MT_MEMPOOL)
		o->gfp |= o->kind == MT_PERCPU ? BIT(MT_GFP_NORETRY) :
						 BIT(MT_GFP_RETRY_MAYFAIL);
}

/**
 * mt_parse() - parse one command
 * @buf: the command, NUL-terminated, stripped; tokenised in place
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
	unsigned long long bytes;
	const char *unit = "";
	char *tok;
	int ret;

	memset(a, 0, sizeof(*a));
	if (syn->anything)
		return 0;
	if (syn->word && !strcmp(buf, syn->word)) {
		a->word = true;
		return 0;
	}

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
	for (i = 0; i < MT_NR_OPTS; i++) {
		if ((syn->required & BIT(i)) && !(a->o.given & BIT(i))) {
			mt_why("%s= is required", mt_opt_descs[i].name);
			return -EINVAL;
		}
	}
	for (i = 0; i < a->nr; i++) {
		if (!(syn->size_mask & BIT(i)))
			continue;
		if (mt_size_shift(a->val[i], shift, &bytes)) {
			mt_why("%llu %s overflows 64 bits", a->val[i], unit);
			return -EINVAL;
		}
		a->val[i] = bytes;
	}
	mt_opts_fill(a);
	return 0;
}

#ifdef CONFIG_MALLOC_TEST_KUNIT_TEST
#include "kunit/parse-kunit.h"
#endif
