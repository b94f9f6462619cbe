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
 * size.  Options follow; each may be given once.  Anything else, and any
 * number out of place, is refused with a reason the caller logs and
 * hands back to the writer.
 */
#include "malloc_test.h"

#include <linux/ctype.h>
#include <linux/kernel.h>
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

#define mt_why(fmt, ...)	snprintf(why, whylen, fmt, ##__VA_ARGS__)

/* Reasons quote at most MT_QUOTE_MAX bytes of a token, escaped (%*pE). */
static int mt_qlen(const char *tok)
{
	return min_t(size_t, strlen(tok), MT_QUOTE_MAX);
}

static int mt_parse_option(char *tok, const struct mt_syntax *syn,
			   struct mt_args *a, bool *seen_alloc,
			   char *why, size_t whylen)
{
	char *val = strchr(tok, '=');
	int kind;

	*val++ = '\0';
	if (strcmp(tok, "alloc") || !syn->opt_alloc) {
		mt_why("unknown option '%*pE'", mt_qlen(tok), tok);
		return -EINVAL;
	}
	if (*seen_alloc) {
		mt_why("alloc= given twice");
		return -EINVAL;
	}
	kind = mt_kind_from_name(val);
	if (kind < 0) {
		mt_why("unknown allocator '%*pE' (kmalloc, vmalloc or kvmalloc)",
		       mt_qlen(val), val);
		return -EINVAL;
	}
	a->kind = kind;
	*seen_alloc = true;
	return 0;
}

/**
 * mt_parse() - parse one command
 * @buf: the command, NUL-terminated; tokenised in place
 * @syn: what the command takes
 * @a: the result: numbers (sizes in bytes), their count, the allocator
 * @why: on failure, the reason, for the log and the writer
 * @whylen: size of @why
 *
 * Return: 0, or -EINVAL with @why filled in.
 */
int mt_parse(char *buf, const struct mt_syntax *syn, struct mt_args *a,
	     char *why, size_t whylen)
{
	bool seen_unit = false, seen_opt = false, seen_alloc = false;
	unsigned int i, shift = 0;
	const char *unit = "";
	char *tok;
	u64 bytes;
	int ret;

	memset(a, 0, sizeof(*a));
	a->kind = READ_ONCE(mt_default_alloc);

	while ((tok = strsep(&buf, " \t\n"))) {
		if (!*tok)
			continue;
		if (strchr(tok, '=')) {
			ret = mt_parse_option(tok, syn, a, &seen_alloc,
					      why, whylen);
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
	return 0;
}
