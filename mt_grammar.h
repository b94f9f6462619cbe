/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - the commands' grammar: one table, for the module and its
 * client.
 *
 * What each command file takes (its numbers, unit, options and their
 * values and ranges) is written once, in mt_grammar.c.  The module parses
 * every command against it (mt_parse.c) and shows the usage it prints
 * from it; mtctl compiles the same mt_grammar.c, so that the client and
 * the module it ships with cannot disagree on a command's shape.  What the
 * module then checks against the machine (CPUs, nodes, the caps) is the
 * module's alone.
 *
 * Plain C: no kernel type and no kernel call, so that it builds in the
 * kernel and in user space alike.
 */
#ifndef _MT_GRAMMAR_H
#define _MT_GRAMMAR_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#endif

/**
 * enum mt_alloc_kind - the allocators a chunk can come from (``alloc=``)
 * @MT_KMALLOC: kmalloc() and kfree()
 * @MT_VMALLOC: vmalloc() and vfree()
 * @MT_KVMALLOC: kvmalloc() and kvfree()
 * @MT_PAGES: alloc_pages_node(), pages of the order that holds the size
 * @MT_CACHE: the module's dedicated slab caches, one per size class
 * @MT_PERCPU: __alloc_percpu_gfp() and free_percpu()
 * @MT_KMALLOC_NOLOCK: kmalloc_nolock() and kfree_nolock(), from any
 *	context, allowed to fail (6.18 on)
 * @MT_PAGES_NOLOCK: alloc_pages_nolock(), from any context, allowed to
 *	fail, and __free_pages() (6.18 on)
 * @MT_MEMPOOL: mempool_alloc() and mempool_free(), over a mempool of the
 *	module's own per size class, backed by its dedicated slab cache
 * @MT_NR_KINDS: how many there are
 */
enum mt_alloc_kind {
	MT_KMALLOC,
	MT_VMALLOC,
	MT_KVMALLOC,
	MT_PAGES,
	MT_CACHE,
	MT_PERCPU,
	MT_KMALLOC_NOLOCK,
	MT_PAGES_NOLOCK,
	MT_MEMPOOL,
	MT_NR_KINDS,
};

/**
 * enum mt_gfp_bit - the GFP choices of ``gfp=``
 * @MT_GFP_KERNEL: base GFP_KERNEL
 * @MT_GFP_ATOMIC: base GFP_ATOMIC
 * @MT_GFP_NOWAIT: base GFP_NOWAIT
 * @MT_GFP_NORETRY: modifier __GFP_NORETRY
 * @MT_GFP_RETRY_MAYFAIL: modifier __GFP_RETRY_MAYFAIL
 * @MT_GFP_NOWARN: modifier __GFP_NOWARN
 * @MT_GFP_ZERO: modifier __GFP_ZERO
 * @MT_GFP_ACCOUNT: modifier __GFP_ACCOUNT
 * @MT_GFP_NOFAIL: modifier __GFP_NOFAIL
 * @MT_GFP_NR: how many there are
 *
 * One base, then modifiers.  Kept as a mask of 1 << MT_GFP_*, printed in
 * this order.
 */
enum mt_gfp_bit {
	MT_GFP_KERNEL,
	MT_GFP_ATOMIC,
	MT_GFP_NOWAIT,
	MT_GFP_NORETRY,
	MT_GFP_RETRY_MAYFAIL,
	MT_GFP_NOWARN,
	MT_GFP_ZERO,
	MT_GFP_ACCOUNT,
	MT_GFP_NOFAIL,
	MT_GFP_NR,
};

#define MT_GFP_BASES	((1U << MT_GFP_KERNEL) | (1U << MT_GFP_ATOMIC) | \
			 (1U << MT_GFP_NOWAIT))

/**
 * enum mt_ctx - where a test allocates (``ctx=``)
 * @MT_CTX_WORK: in its work item, in process context
 * @MT_CTX_TIMER: in its hrtimer callback, in hard interrupt context
 * @MT_CTX_SOFTIRQ: in the callback of a soft hrtimer, in softirq context
 * @MT_CTX_IRQOFF: in its work item, interrupts disabled around each step
 * @MT_CTX_NMI: in an NMI its hrtimer callback raises on its own CPU
 *	(mt_nmi.c)
 * @MT_CTX_BHOFF: in its work item, bottom halves disabled around each
 *	step
 * @MT_NR_CTX: how many there are
 */
enum mt_ctx {
	MT_CTX_WORK,
	MT_CTX_TIMER,
	MT_CTX_SOFTIRQ,
	MT_CTX_IRQOFF,
	MT_CTX_NMI,
	MT_CTX_BHOFF,
	MT_NR_CTX,
};

/* Is @ctx atomic: no sleeping allocator, no sleeping flag, small chunks? */
static inline bool mt_ctx_atomic(unsigned int ctx)
{
	return ctx != MT_CTX_WORK;
}

/* Does @ctx allocate with interrupts disabled (an NMI's included)? */
static inline bool mt_ctx_irqs_off(unsigned int ctx)
{
	return ctx == MT_CTX_TIMER || ctx == MT_CTX_IRQOFF || ctx == MT_CTX_NMI;
}

/**
 * enum mt_free_policy - what a test frees when it holds its total (``free=``)
 * @MT_FREE_ALL: everything
 * @MT_FREE_RANDOM: chunks chosen at random, until one more piece fits
 * @MT_FREE_FIFO: the oldest chunks first, likewise
 * @MT_FREE_LIFO: the newest chunks first, likewise
 * @MT_NR_FREE: how many there are
 */
enum mt_free_policy {
	MT_FREE_ALL,
	MT_FREE_RANDOM,
	MT_FREE_FIFO,
	MT_FREE_LIFO,
	MT_NR_FREE,
};

/**
 * enum mt_pattern - how a bench thread allocates and frees (``pattern=``)
 * @MT_PATTERN_PAIR: allocate, then free at once
 * @MT_PATTERN_BATCH: count allocations, then as many frees, in order
 * @MT_PATTERN_RANDOM: like @MT_PATTERN_PAIR, each size drawn at random
 * @MT_PATTERN_REMOTE: threads in pairs: the first allocates, the second
 *	frees on its own CPU what the first passed it
 * @MT_NR_PATTERNS: how many there are
 */
enum mt_pattern {
	MT_PATTERN_PAIR,
	MT_PATTERN_BATCH,
	MT_PATTERN_RANDOM,
	MT_PATTERN_REMOTE,
	MT_NR_PATTERNS,
};

/**
 * enum mt_release - how chunks are given back (``release=``)
 * @MT_RELEASE_NOW: freed at once: kfree(), vfree(), ...
 * @MT_RELEASE_RCU: through RCU: kfree_rcu(), kvfree_rcu()
 * @MT_NR_RELEASE: how many there are
 */
enum mt_release {
	MT_RELEASE_NOW,
	MT_RELEASE_RCU,
	MT_NR_RELEASE,
};

extern const char * const mt_alloc_names[MT_NR_KINDS];
extern const char * const mt_gfp_names[MT_GFP_NR];
extern const char * const mt_ctx_names[MT_NR_CTX];
extern const char * const mt_free_names[MT_NR_FREE];
extern const char * const mt_pattern_names[MT_NR_PATTERNS];
extern const char * const mt_release_names[MT_NR_RELEASE];

/**
 * enum mt_opt - the options, KEY=VALUE, in the order usage lists them
 * @MT_OPT_ALLOC: ``alloc=``, an allocator
 * @MT_OPT_SIZE: ``size=``, the bench's chunk size
 * @MT_OPT_COUNT: ``count=``, the bench's pairs or batch
 * @MT_OPT_THREADS: ``threads=``, the bench's threads
 * @MT_OPT_PATTERN: ``pattern=``, the bench's pattern
 * @MT_OPT_GFP: ``gfp=``, the GFP flags
 * @MT_OPT_NODE: ``node=``, the NUMA node
 * @MT_OPT_CTX: ``ctx=``, a test's context
 * @MT_OPT_CPU: ``cpu=``, the CPU
 * @MT_OPT_FREE: ``free=``, a test's free policy
 * @MT_OPT_SAMPLE: ``sample=``, the bench's sampling
 * @MT_OPT_TIME: ``time=``, the bench's time limit
 * @MT_OPT_BULK: ``bulk=``, objects per bulk call (a test's, the bench's)
 * @MT_OPT_SHEAF: ``sheaf=``, the capacity of the bench cache's sheaves
 * @MT_OPT_RELEASE: ``release=``, how chunks are given back
 * @MT_OPT_RESERVE: ``reserve=``, the elements each of a test's mempools
 *	keeps
 * @MT_OPT_AVAIL: ``avail=``, mem_alloc's target: keep chunks until the
 *	machine's MemAvailable is at most this
 * @MT_NR_OPTS: how many there are
 */
enum mt_opt {
	MT_OPT_ALLOC,
	MT_OPT_SIZE,
	MT_OPT_COUNT,
	MT_OPT_THREADS,
	MT_OPT_PATTERN,
	MT_OPT_GFP,
	MT_OPT_NODE,
	MT_OPT_CTX,
	MT_OPT_CPU,
	MT_OPT_FREE,
	MT_OPT_SAMPLE,
	MT_OPT_TIME,
	MT_OPT_BULK,
	MT_OPT_SHEAF,
	MT_OPT_RELEASE,
	MT_OPT_RESERVE,
	MT_OPT_AVAIL,
	MT_NR_OPTS,
};

/* bulk=: the most objects one bulk call of a test or the bench asks for */
#define MT_BULK_MAX	512
/* sheaf=: the largest sheaf the bench's cache may ask for */
#define MT_SHEAF_MAX	1024
/* reserve=: the most elements a mempool may keep */
#define MT_RESERVE_MAX	1024

/* A mask of options, as struct mt_syntax and struct mt_args keep them. */
#define MT_OPT(name)	(1U << MT_OPT_##name)

/**
 * enum mt_val - what an option's value is
 * @MT_VAL_NAME: one of the option's names
 * @MT_VAL_NAMES: some of them, separated by commas, each once (gfp=)
 * @MT_VAL_NUMBER: an unsigned decimal number
 * @MT_VAL_SIZE: an unsigned decimal number, then optionally a unit letter
 */
enum mt_val {
	MT_VAL_NAME,
	MT_VAL_NAMES,
	MT_VAL_NUMBER,
	MT_VAL_SIZE,
};

/**
 * struct mt_opt_desc - one option
 * @name: the KEY
 * @metavar: how usage spells its value; NULL: its names, joined by '|'
 * @val: enum mt_val
 * @what: what a value is, for reasons: "allocator", "context"
 * @names: the names a value may take (%MT_VAL_NAME, %MT_VAL_NAMES)
 * @nr_names: how many
 * @min: the smallest value a number may take
 * @max: the largest; 0: as many bits as it has (a size: 64; else 32)
 * @unit: what a number counts, for reasons: "seconds"; "" for none
 */
struct mt_opt_desc {
	const char *name;
	const char *metavar;
	unsigned char val;
	const char *what;
	const char * const *names;
	unsigned int nr_names;
	unsigned long long min;
	unsigned long long max;
	const char *unit;
};

extern const struct mt_opt_desc mt_opt_descs[MT_NR_OPTS];

/**
 * enum mt_cmd_id - the command files
 * @MT_CMD_ALLOC: mem_alloc
 * @MT_CMD_FREE: mem_free
 * @MT_CMD_REALLOC: mem_realloc
 * @MT_CMD_RND_ALLOC: mem_rnd_alloc
 * @MT_CMD_TEST_START: mem_test_start
 * @MT_CMD_TEST_STOP: mem_test_stop
 * @MT_CMD_TEST_DESTROY: mem_test_destroy
 * @MT_CMD_TEST_DESTROY_ALL: mem_test_destroy_all
 * @MT_CMD_BENCH: bench
 * @MT_NR_CMDS: how many there are
 */
enum mt_cmd_id {
	MT_CMD_ALLOC,
	MT_CMD_FREE,
	MT_CMD_REALLOC,
	MT_CMD_RND_ALLOC,
	MT_CMD_TEST_START,
	MT_CMD_TEST_STOP,
	MT_CMD_TEST_DESTROY,
	MT_CMD_TEST_DESTROY_ALL,
	MT_CMD_BENCH,
	MT_NR_CMDS,
};

/* The most numbers a command takes. */
#define MT_MAX_ARGS	6

/* The unit letters, powers of 1024 from b (bytes) to g, either case. */
#define MT_UNITS	"bkmg"

/**
 * struct mt_syntax - one command file and the shape of what it takes
 * @name: the file's name
 * @mode: the file's mode
 * @min_args: positional numbers it needs
 * @max_args: positional numbers it takes at most
 * @size_mask: bit i set when number i is a size, scaled by the unit
 * @opts: the options it takes, MT_OPT()
 * @required: of @opts, those it needs
 * @args: the numbers' names, for usage
 * @word: a word it takes instead of all that ("stop"), or NULL
 * @anything: it takes anything at all, and ignores it
 */
struct mt_syntax {
	const char *name;
	unsigned short mode;
	unsigned char min_args;
	unsigned char max_args;
	unsigned char size_mask;
	unsigned int opts;
	unsigned int required;
	const char *args[MT_MAX_ARGS];
	const char *word;
	bool anything;
};

extern const struct mt_syntax mt_syntax[MT_NR_CMDS];

int mt_unit_shift(const char *tok);
int mt_size_shift(unsigned long long v, unsigned int shift,
		  unsigned long long *out);
int mt_size_parse(const char *s, unsigned long long *out);
int mt_name_index(const char * const *names, unsigned int nr,
		  const char *name);
int mt_usage(char *buf, size_t len, const struct mt_syntax *syn);
int mt_names_list(char *buf, size_t len, const struct mt_opt_desc *d,
		  const char *last);

#endif /* _MT_GRAMMAR_H */
