/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - the command parser (mt_parse.c), over the grammar of
 * mt_grammar.c.
 */
#ifndef _MT_PARSE_H
#define _MT_PARSE_H

#include <linux/numa.h>
#include <linux/types.h>

#include "mt_grammar.h"

/* A refusal's reason, at most. */
#define MT_REASON_MAX	160

/**
 * struct mt_opts - the allocation options of a command, defaults filled in
 * @given: the options given, MT_OPT()
 * @kind: the allocator (``alloc=`` or the module's default)
 * @gfp: the GFP choices, BIT(MT_GFP_*): as given; the context's default
 *	when gfp= was not, or when it named no base
 * @node: the NUMA node, when given (see mt_opts_node())
 * @cpu: the CPU, when given (see mt_opts_cpu())
 * @ctx: enum mt_ctx
 * @free: enum mt_free_policy
 * @release: enum mt_release
 * @reserve: the elements each mempool keeps (``reserve=``); 0 when not
 *	given: the mempool_reserve parameter's
 */
struct mt_opts {
	u32 given;
	u8 kind;
	u16 gfp;
	unsigned int node;
	unsigned int cpu;
	u8 ctx;
	u8 free;
	u8 release;
	u16 reserve;
};

/* The node asked, or NUMA_NO_NODE; checked to exist once the command is. */
static inline int mt_opts_node(const struct mt_opts *o)
{
	return o->given & MT_OPT(NODE) ? (int)o->node : NUMA_NO_NODE;
}

/* The CPU asked, or -1 for any; checked likewise. */
static inline int mt_opts_cpu(const struct mt_opts *o)
{
	return o->given & MT_OPT(CPU) ? (int)o->cpu : -1;
}

/**
 * struct mt_args - a parsed command
 * @val: the positional numbers, sizes already in bytes
 * @nr: how many were given
 * @opt: each option's value, as given (an index in its names, a mask of
 *	them for gfp=, a number, a size in bytes); 0 when not given
 * @o: the allocation options, defaults filled in
 * @word: the command was its syntax's word alone ("stop")
 */
struct mt_args {
	u64 val[MT_MAX_ARGS];
	unsigned int nr;
	u64 opt[MT_NR_OPTS];
	struct mt_opts o;
	bool word;
};

/* Was option @name (ALLOC, SIZE, ...) given? */
#define mt_given(a, name)	((a)->o.given & MT_OPT(name))

int mt_parse(char *buf, const struct mt_syntax *syn, struct mt_args *a,
	     char *why, size_t whylen);

#endif /* _MT_PARSE_H */
