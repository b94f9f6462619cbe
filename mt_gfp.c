// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - the GFP flags behind gfp='s names (mt_grammar.c), and
 * what they mean for the caps.
 */
#include "malloc_test.h"
#include "mt_gfp.h"

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

/**
 * mt_gfp_urgent() - may these flags use the memory the kernel keeps in
 * reserve?
 * @gfp: the flags
 *
 * __GFP_HIGH (gfp=atomic) lets an allocation go below the min watermark;
 * __GFP_NOFAIL may, when it cannot otherwise succeed.
 *
 * Return: true when they may: the chunk counts against max_atomic_bytes.
 */
bool mt_gfp_urgent(gfp_t gfp)
{
	return gfp & (__GFP_HIGH | __GFP_NOFAIL | __GFP_MEMALLOC);
}

#ifdef CONFIG_MALLOC_TEST_KUNIT_TEST
#include "kunit/gfp-kunit.h"
#endif
