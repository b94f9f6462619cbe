// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - the commands, and the kept memory they hold.
 *
 * mt_grammar.c says what each command file takes; mt_cmd_run() parses a
 * command against it and calls the command's handler with the result.
 * A handler checks what it was given, and only then acts.  Every answer
 * goes out through mt_answer(): what a command answers, or "error: " and
 * why it was refused, kept with the open file and read back from it.
 * Refusals are logged too (rate-limited); success is logged only with
 * the verbose parameter set, so that a script's loop of commands leaves
 * the log to the kernel's own messages.
 *
 *	mem_alloc	SIZE [UNIT] [alloc=A] [gfp=F,...] [node=N] [avail=S]
 *	mem_free	[SIZE [UNIT]]
 *	mem_realloc	SIZE [UNIT]
 *	mem_rnd_alloc	MIN MAX TOTAL [UNIT] [alloc=A] [gfp=F,...] [node=N]
 *	mem_test_start	MIN MAX TOTAL MIN_INT MAX_INT TOTAL_TIME [UNIT]
 *			[alloc=A] [gfp=F,...] [node=N] [ctx=C] [cpu=N] [free=P]
 *	mem_test_stop	ID
 *	mem_test_destroy	ID
 *	mem_test_destroy_all	(anything)
 *	bench		[alloc=A] size=S[UNIT] count=N [threads=T] [pattern=P]
 *			[gfp=F,...] [cpu=N] [sample=K] [time=SEC] | stop
 *
 * Locking: a command runs under its open file's lock (struct mt_cmd_ctx);
 * the kept memory's owner takes its own locks; nothing here holds a lock
 * across an allocation.
 */
#include "malloc_test.h"
#include "mt_alloc.h"
#include "mt_bench.h"
#include "mt_charge.h"
#include "mt_compat.h"
#include "mt_cmd.h"
#include "mt_gfp.h"
#include "mt_memcg.h"
#include "mt_nmi.h"
#include "mt_owner.h"
#include "mt_parse.h"
#include "mt_pressure.h"
#include "mt_pool.h"
#include "mt_rand.h"
#include "mt_test.h"

#include <linux/cpumask.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/nodemask.h>
#include <linux/numa.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/sched/signal.h>
#include <linux/string.h>

/* Refusals are logged at most this often: 100 lines each 5 seconds. */
static DEFINE_RATELIMIT_STATE(mt_refuse_rs, 5 * HZ, 100);
/*
 * Success too, with verbose set, more generously: a script's loop of
 * commands is logged whole, a storm of them does not flood the log (the
 * kernel says how many lines it suppressed).
 */
static DEFINE_RATELIMIT_STATE(mt_result_rs, 5 * HZ, 1000);

static bool mt_verbose;
module_param_named(verbose, mt_verbose, bool, 0644);
MODULE_PARM_DESC(verbose,
		 "Log every command that succeeds, with its answer (default 0: only refusals)");

/* Numbers commands draw their random sequences from, one per command. */
static atomic64_t mt_cmd_seq;

/* What mem_alloc and mem_rnd_alloc keep. */
static struct mt_owner mt_kept;

atomic64_t mt_killed_rnd_allocs;
atomic64_t mt_killed_rnd_bytes;

/**
 * mt_answer() - answer the command: what it gives back, or why it refused
 * @ctx: the open file
 * @err: 0, or the negative errno of a refusal
 * @fmt: printf format of the answer, or of the reason
 *
 * The one way out of a command: the answer is read back on the same
 * file; a refusal reads back as "error: " and the reason, and is logged
 * (rate-limited).  A command that answers nothing does not call it.
 *
 * Return: @err.
 */
int mt_answer(struct mt_cmd_ctx *ctx, int err, const char *fmt, ...)
{
	const char *prefix = err ? "error: " : "";
	struct va_format vaf;
	va_list args;
	int len;

	va_start(args, fmt);
	len = scnprintf(ctx->res, sizeof(ctx->res), "%s", prefix);
	len += vscnprintf(ctx->res + len, sizeof(ctx->res) - len, fmt, args);
	va_end(args);
	if (err)
		len += scnprintf(ctx->res + len, sizeof(ctx->res) - len, "\n");
	ctx->len = len;

	if (err && __ratelimit(&mt_refuse_rs)) {
		va_start(args, fmt);
		vaf.fmt = fmt;
		vaf.va = &args;
		pr_warn("%s: refused: %pV\n", ctx->syn->name, &vaf);
		va_end(args);
	}
	return err;
}

/* Refuse a chunk size the allocator cannot hand out in one piece. */
static int mt_check_size(struct mt_cmd_ctx *ctx, const char *what, u64 size,
			 enum mt_alloc_kind kind)
{
	const struct mt_allocator *al = &mt_allocators[kind];

	if (!al->alloc)
		return mt_answer(ctx, -EINVAL, "alloc=%s: %s",
				 mt_alloc_names[kind], al->missing);
	if (size > al->max_size)
		return mt_answer(ctx, -EINVAL,
				 "%s (%llu) is more than %s can allocate at once (%llu)",
				 what, size, mt_alloc_names[kind], al->max_size);
	return 0;
}

/* Where nofail is safe: the page allocator warns above order 1. */
#define MT_NOFAIL_MAX	(2 * PAGE_SIZE)

/*
 * Refuse flags that contradict each other or that the kernel would warn
 * about.  @what and @size name the largest chunk the command may ask.
 */
static int mt_check_gfp(struct mt_cmd_ctx *ctx, const struct mt_opts *o,
			const char *what, u64 size)
{
	unsigned int retry = BIT(MT_GFP_NORETRY) | BIT(MT_GFP_RETRY_MAYFAIL);
	bool kernel = o->gfp & BIT(MT_GFP_KERNEL);

	if ((o->gfp & retry) && !kernel)
		return mt_answer(ctx, -EINVAL,
				 "retry modifiers change how a sleeping allocation retries: noretry and retry_mayfail need gfp=kernel");
	if ((o->gfp & retry) == retry)
		return mt_answer(ctx, -EINVAL,
				 "noretry and retry_mayfail contradict each other");
	if (o->kind == MT_MEMPOOL && (o->gfp & BIT(MT_GFP_ZERO)))
		return mt_answer(ctx, -EINVAL,
				 "alloc=mempool takes no zero: mempool_alloc() does not support __GFP_ZERO");
	if (o->kind == MT_MEMPOOL && (o->gfp & BIT(MT_GFP_RETRY_MAYFAIL)))
		return mt_answer(ctx, -EINVAL,
				 "alloc=mempool keeps no retry_mayfail: mempool_alloc() asks with noretry, then takes from its reserve, and with gfp=kernel waits for an element rather than fail");
	if (o->kind == MT_PERCPU && (o->gfp & BIT(MT_GFP_RETRY_MAYFAIL)))
		return mt_answer(ctx, -EINVAL,
				 "alloc=percpu keeps no retry_mayfail (the per-CPU allocator drops it, and may then call the OOM killer): use noretry");
	if (!(o->gfp & BIT(MT_GFP_NOFAIL)))
		return 0;
	if (!kernel)
		return mt_answer(ctx, -EINVAL,
				 "nofail needs gfp=kernel: only an allocation that can sleep can be made never to fail");
	if (o->gfp & retry)
		return mt_answer(ctx, -EINVAL,
				 "nofail contradicts noretry and retry_mayfail");
	if (!mt_allocators[o->kind].nofail)
		return mt_answer(ctx, -EINVAL,
				 "nofail is refused with alloc=%s: the kernel supports it only for kmalloc, cache and pages",
				 mt_alloc_names[o->kind]);
	if (size > MT_NOFAIL_MAX)
		return mt_answer(ctx, -EINVAL,
				 "nofail above %lu bytes (order 1) makes the kernel warn: %s is %llu",
				 MT_NOFAIL_MAX, what, size);
	return 0;
}

/*
 * Refuse what cannot run in a test's atomic context (the hrtimer
 * callback of ctx=timer, the soft one of ctx=softirq, ctx=irqoff's steps
 * with interrupts disabled, ctx=bhoff's with bottom halves disabled, the
 * only one where vmalloc() with atomic flags may run (6.19 on), ctx=nmi's
 * NMI, which takes the nolock allocators only, where the module can
 * raise one), or would cost it
 * too much: a chunk above MT_TIMER_MAX_BYTES.  @what and @size name the
 * largest chunk.
 */
static int mt_check_ctx(struct mt_cmd_ctx *ctx, const struct mt_opts *o,
			const char *what, u64 size)
{
	static const char * const where[MT_NR_CTX] = {
		[MT_CTX_TIMER] = "a hard interrupt",
		[MT_CTX_SOFTIRQ] = "a softirq",
		[MT_CTX_IRQOFF] = "a section with interrupts disabled",
		[MT_CTX_NMI] = "an NMI",
		[MT_CTX_BHOFF] = "a section with bottom halves disabled",
	};
	const char *name = mt_ctx_names[o->ctx];
	const char *missing;
	u64 bytes;

	if (!mt_ctx_atomic(o->ctx))
		return 0;
	if (o->ctx == MT_CTX_NMI) {
		missing = mt_nmi_missing();
		if (missing)
			return mt_answer(ctx, -EINVAL, "ctx=nmi: %s", missing);
		if (!mt_allocators[o->kind].nolock)
			return mt_answer(ctx, -EINVAL,
					 "alloc=%s takes locks: ctx=nmi takes kmalloc_nolock or pages_nolock, the allocators that may run in an NMI",
					 mt_alloc_names[o->kind]);
	}
	if (mt_allocators[o->kind].may_sleep)
		return mt_answer(ctx, -EINVAL,
				 "alloc=%s may sleep: ctx=%s takes kmalloc, pages, cache, percpu, kmalloc_nolock, pages_nolock or mempool",
				 mt_alloc_names[o->kind], name);
	/* vmalloc() with atomic flags, 6.19 on: with bottom halves off only */
	if (mt_allocators[o->kind].no_irq && o->ctx == MT_CTX_IRQOFF)
		return mt_answer(ctx, -EINVAL,
				 "alloc=%s frees through vfree(), which may sleep with interrupts disabled: ctx=irqoff takes kmalloc, pages, cache, percpu, kmalloc_nolock, pages_nolock or mempool; ctx=bhoff takes %s",
				 mt_alloc_names[o->kind], mt_alloc_names[o->kind]);
	if (mt_allocators[o->kind].no_irq && o->ctx != MT_CTX_BHOFF)
		return mt_answer(ctx, -EINVAL,
				 "alloc=%s calls vmalloc(), which may not run in an interrupt: ctx=%s takes kmalloc, pages, cache, percpu, kmalloc_nolock, pages_nolock or mempool; ctx=bhoff takes %s",
				 mt_alloc_names[o->kind], name,
				 mt_alloc_names[o->kind]);
	if (o->gfp & BIT(MT_GFP_KERNEL))
		return mt_answer(ctx, -EINVAL,
				 "gfp=kernel may sleep: ctx=%s takes atomic or nowait",
				 name);
	if (o->gfp & BIT(MT_GFP_ACCOUNT))
		return mt_answer(ctx, -EINVAL,
				 "gfp=account charges the writer's memory cgroup: not in ctx=%s",
				 name);
	bytes = mt_chunk_bytes(o->kind, size);
	if (bytes > MT_TIMER_MAX_BYTES)
		return mt_answer(ctx, -EINVAL,
				 "ctx=%s takes chunks of %lu bytes at most (order %d), which %s can allocate, fill and copy: %s is %llu",
				 name, MT_TIMER_MAX_BYTES, PAGE_ALLOC_COSTLY_ORDER,
				 where[o->ctx], what, bytes);
	return 0;
}

/* Refuse a node or a CPU this machine cannot give. */
static int mt_check_place(struct mt_cmd_ctx *ctx, const struct mt_opts *o)
{
	unsigned int zero = BIT(MT_GFP_KERNEL) | BIT(MT_GFP_ZERO);
	unsigned int n = o->node, c = o->cpu;

	if (o->given & MT_OPT(NODE)) {
		if (n >= nr_node_ids || !node_possible(n))
			return mt_answer(ctx, -EINVAL, "node %u does not exist", n);
		if (!node_online(n))
			return mt_answer(ctx, -EINVAL, "node %u is offline", n);
		if (!node_state(n, N_MEMORY))
			return mt_answer(ctx, -EINVAL, "node %u has no memory", n);
		if (o->kind == MT_PERCPU || o->kind == MT_MEMPOOL)
			return mt_answer(ctx, -EINVAL,
					 "alloc=%s has no node variant: node= is refused",
					 mt_alloc_names[o->kind]);
		if (o->kind == MT_VMALLOC &&
		    (!(o->given & MT_OPT(GFP)) || (o->gfp & ~zero)))
			return mt_answer(ctx, -EINVAL,
					 "alloc=vmalloc on a node goes through vmalloc_node(), which takes no flags: it may call the OOM killer and warns when it fails; give gfp=kernel (or kernel,zero) to take that");
	}
	if (o->given & MT_OPT(CPU)) {
		if (c >= nr_cpu_ids || !cpu_possible(c))
			return mt_answer(ctx, -EINVAL, "CPU %u does not exist", c);
		if (!cpu_online(c))
			return mt_answer(ctx, -EINVAL, "CPU %u is offline", c);
	}
	return 0;
}

/* All the checks of the options, in the order the documentation gives. */
static int mt_check_opts(struct mt_cmd_ctx *ctx, const struct mt_opts *o,
			 const char *what, u64 size)
{
	return mt_check_gfp(ctx, o, what, size) ?:
	       mt_check_ctx(ctx, o, what, size) ?: mt_check_place(ctx, o);
}

/* How a command allocates, in the writer's process context. */
static struct mt_how mt_cmd_how(const struct mt_opts *o)
{
	return (struct mt_how) {
		.gfp = mt_gfp_flags(o->gfp),
		.node = mt_opts_node(o),
		.can_sleep = true,
		.min_nr = READ_ONCE(mt_mempool_reserve),
	};
}

/*
 * Refuse what would pass the caps: @what costs @bytes, charged against
 * max_bytes, and, when @urgent, max_atomic_bytes too.
 */
static int mt_refuse_charge(struct mt_cmd_ctx *ctx, const char *what,
			    u64 bytes, bool urgent)
{
	if (urgent)
		return mt_answer(ctx, -ENOSPC,
				 "%s costs up to %llu bytes: that would pass max_bytes (%llu; %lld charged) or max_atomic_bytes (%llu; %lld charged)",
				 what, bytes, READ_ONCE(mt_max_bytes),
				 atomic64_read(&mt_committed),
				 READ_ONCE(mt_max_atomic_bytes),
				 atomic64_read(&mt_atomic_committed));
	return mt_answer(ctx, -ENOSPC,
			 "%s costs up to %llu bytes: that would pass max_bytes (%llu; %lld charged)",
			 what, bytes, READ_ONCE(mt_max_bytes),
			 atomic64_read(&mt_committed));
}

/*
 * The kernel refused a chunk charged to the writer's memory cgroup
 * (gfp=account): say so, and name the group at its limit if there is one.
 */
static int mt_refuse_memcg(struct mt_cmd_ctx *ctx, enum mt_alloc_kind kind,
			   u64 bytes)
{
	char why[MT_REASON_MAX];

	if (mt_memcg_explain(NULL, mt_footprint_max(kind, bytes), why,
			     sizeof(why)))
		return mt_answer(ctx, -ENOMEM, "%s refused %llu bytes: %s",
				 mt_alloc_names[kind], bytes, why);
	return mt_answer(ctx, -ENOMEM, "%s refused %llu bytes",
			 mt_alloc_names[kind], bytes);
}

/*
 * mem_alloc SIZE avail=TARGET: keep chunks of SIZE until MemAvailable is
 * at most TARGET, never aiming below pressure_margin.  The chunks stay
 * kept, as mem_alloc's do, also when the kernel or a cap stops the
 * command first; the answer says where MemAvailable went.
 */
static int mt_cmd_alloc_until(struct mt_cmd_ctx *ctx, struct mt_args *a,
			      u64 bytes)
{
	u64 target = a->opt[MT_OPT_AVAIL];
	u64 margin = READ_ONCE(mt_pressure_margin);
	u64 before = mt_avail_bytes(), avail = before, chunks = 0;
	struct mt_how how = mt_cmd_how(&a->o);
	char group[MT_REASON_MAX];
	const char *why = NULL;
	int ret = 0;

	if (target < margin)
		return mt_answer(ctx, -EINVAL,
				 "avail=%llu is below pressure_margin (%llu bytes), the MemAvailable the module leaves the machine: root may lower it",
				 target, margin);
	if (a->o.gfp & BIT(MT_GFP_NOFAIL))
		return mt_answer(ctx, -EINVAL,
				 "avail= with gfp=nofail: a chunk the kernel cannot give must fail, not wait for the OOM killer");

	while (avail > target) {
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			why = "killed";
			break;
		}
		ret = mt_owner_alloc(&mt_kept, a->o.kind, bytes, &how, NULL);
		if (ret) {
			why = ret == -ENOBUFS ? "the most chunks there can be are kept" :
			      ret == -ENOSPC ? "max_bytes or max_atomic_bytes reached" :
			      "the kernel refused a chunk";
			/* gfp=account: the group at its limit, by name */
			if (ret == -ENOMEM && (how.gfp & __GFP_ACCOUNT) &&
			    mt_memcg_explain(NULL,
					     mt_footprint_max(a->o.kind, bytes),
					     group, sizeof(group)))
				why = group;
			if (ret == -ENOBUFS)
				ret = -ENOSPC;
			break;
		}
		chunks++;
		cond_resched();
		avail = mt_avail_bytes();
	}
	if (ret)
		return mt_answer(ctx, ret,
				 "%s after %llu chunks (%llu bytes, kept): MemAvailable %llu bytes, from %llu, target %llu",
				 why, chunks, chunks * bytes, avail, before,
				 target);
	return mt_answer(ctx, 0,
			 "chunks: %llu\nbytes: %llu\navailable_before: %llu\navailable: %llu\ntarget: %llu\n",
			 chunks, chunks * bytes, before, avail, target);
}

static int mt_cmd_alloc(struct mt_cmd_ctx *ctx, struct mt_args *a)
{
	struct mt_how how;
	u64 bytes;
	int ret;

	if (!a->val[0])
		return mt_answer(ctx, -EINVAL, "size must be above 0");
	ret = mt_check_size(ctx, "size", a->val[0], a->o.kind) ?:
	      mt_check_opts(ctx, &a->o, "size", a->val[0]);
	if (ret)
		return ret;

	bytes = mt_chunk_bytes(a->o.kind, a->val[0]);
	if (mt_given(a, AVAIL))
		return mt_cmd_alloc_until(ctx, a, bytes);
	how = mt_cmd_how(&a->o);
	ret = mt_owner_alloc(&mt_kept, a->o.kind, bytes, &how, NULL);
	if (ret == -ENOBUFS)
		return mt_answer(ctx, -ENOSPC,
				 "%u chunks kept already, the most there can be",
				 MT_POOL_MAX_CHUNKS);
	if (ret == -ENOSPC)
		return mt_refuse_charge(ctx, "the chunk, with its bookkeeping,",
					mt_footprint_max(a->o.kind, bytes),
					mt_urgent(a->o.kind, how.gfp));
	if (ret == -ENOMEM && (how.gfp & __GFP_ACCOUNT))
		return mt_refuse_memcg(ctx, a->o.kind, bytes);
	if (ret)
		return mt_answer(ctx, ret, "%s refused %llu bytes",
				 mt_alloc_names[a->o.kind], bytes);
	return 0;
}

/*
 * release=rcu: the allocator must have a release through RCU, and every
 * chunk room for the head it writes (MT_RCU_MIN_BYTES, from @min bytes).
 */
static int mt_check_release(struct mt_cmd_ctx *ctx, const struct mt_opts *o,
			    u64 min)
{
	if (o->release != MT_RELEASE_RCU)
		return 0;
	if (o->kind == MT_CACHE && !mt_allocators[MT_CACHE].free_rcu)
		return mt_answer(ctx, -EINVAL,
				 "release=rcu with alloc=cache: this kernel's kmem_cache_destroy() does not wait for kfree_rcu() (6.12 made it), and nothing a module can call does");
	if (!mt_allocators[o->kind].free_rcu)
		return mt_answer(ctx, -EINVAL,
				 "release=rcu: alloc=%s has no release through RCU (kfree_rcu() and kvfree_rcu() take kmalloc, cache, vmalloc and kvmalloc memory)",
				 mt_alloc_names[o->kind]);
	if (min < MT_RCU_MIN_BYTES)
		return mt_answer(ctx, -EINVAL,
				 "release=rcu: min (%llu) must be at least %zu bytes, the rcu_head the release writes into the chunk",
				 min, MT_RCU_MIN_BYTES);
	return 0;
}

/*
 * bulk=: the allocator must have a bulk call, pages single ones (@size,
 * the largest asked, at most a page), and no node be asked (the bulk
 * calls take none).  kmem_cache_alloc_bulk() must be called with
 * interrupts enabled, as its kernel-doc says: 6.1's enables them on its
 * way out (local_lock_irq()), which in a hard interrupt handler lets the
 * next timer interrupt nest in it.  alloc_pages_bulk() saves and restores
 * them: any context but an NMI.
 */
static int mt_check_bulk(struct mt_cmd_ctx *ctx, unsigned int bulk,
			 const struct mt_opts *o, const char *what, u64 size)
{
	if (bulk <= 1)
		return 0;
	if (!mt_allocators[o->kind].alloc_bulk)
		return mt_answer(ctx, -EINVAL,
				 "bulk=%u: the bulk calls are kmem_cache_alloc_bulk() (alloc=cache) and alloc_pages_bulk() (alloc=pages), not alloc=%s",
				 bulk, mt_alloc_names[o->kind]);
	if (o->kind == MT_PAGES && size > PAGE_SIZE)
		return mt_answer(ctx, -EINVAL,
				 "bulk=%u: alloc_pages_bulk() hands out single pages: %s=%llu is more than one (%lu)",
				 bulk, what, size, PAGE_SIZE);
	if (o->given & MT_OPT(NODE))
		return mt_answer(ctx, -EINVAL,
				 "bulk=%u: the bulk calls take no node: node= is refused",
				 bulk);
	if (o->kind == MT_CACHE && mt_ctx_irqs_off(o->ctx))
		return mt_answer(ctx, -EINVAL,
				 "bulk=%u: kmem_cache_alloc_bulk() must be called with interrupts enabled, and ctx=%s disables them: alloc=cache takes bulk= in ctx=work, softirq or bhoff",
				 bulk, mt_ctx_names[o->ctx]);
	return 0;
}

/*
 * reserve=: alloc=mempool's alone; *@reserve, when not given, becomes
 * the mempool_reserve parameter's for a mempool (read once, at start).
 */
static int mt_check_reserve(struct mt_cmd_ctx *ctx, unsigned int kind,
			    unsigned int *reserve)
{
	if (*reserve && kind != MT_MEMPOOL)
		return mt_answer(ctx, -EINVAL,
				 "reserve=%u: the elements each mempool keeps: alloc=mempool, not %s",
				 *reserve, mt_alloc_names[kind]);
	if (kind == MT_MEMPOOL && !*reserve)
		*reserve = READ_ONCE(mt_mempool_reserve);
	return 0;
}

static int mt_cmd_free(struct mt_cmd_ctx *ctx, struct mt_args *a)
{
	bool rcu = a->o.release == MT_RELEASE_RCU;
	u64 freed;

	if (a->nr && !a->val[0])
		return mt_answer(ctx, -EINVAL,
				 "size must be above 0; give none to free everything");

	/* through RCU what can go so; the rest, and what a resize held, now */
	if (a->nr)
		return mt_answer(ctx, 0, "%llu\n",
				 mt_owner_free_fit(&mt_kept, a->val[0], rcu));
	freed = rcu ? mt_owner_free_fit(&mt_kept, U64_MAX, true) : 0;
	freed += mt_owner_free_all(&mt_kept);
	return mt_answer(ctx, 0, "%llu\n", freed);
}

static int mt_cmd_realloc(struct mt_cmd_ctx *ctx, struct mt_args *a)
{
	struct mt_how how;
	s64 diff;
	int ret;

	if (!a->val[0])
		return mt_answer(ctx, -EINVAL, "size must be above 0");
	ret = mt_check_size(ctx, "size", a->val[0], MT_VMALLOC);
	if (ret)
		return ret;

	how = mt_cmd_how(&a->o);
	ret = mt_owner_realloc_random(&mt_kept, a->val[0], U64_MAX, true, &how,
				      &diff);
	switch (ret) {
	case 0:
		mt_answer(ctx, 0, "%lld\n", diff);
		return 0;
	case -ENOENT:
		return mt_answer(ctx, ret, "no kept chunk to resize");
	case -E2BIG:
		return mt_answer(ctx, -EINVAL,
				 "the chosen chunk's allocator cannot reach %llu bytes",
				 a->val[0]);
	case -ENOSPC:
		return mt_answer(ctx, ret,
				 "resizing a chunk to %llu bytes would pass max_bytes (%llu; %lld charged) or max_atomic_bytes",
				 a->val[0], READ_ONCE(mt_max_bytes),
				 atomic64_read(&mt_committed));
	default:
		return mt_answer(ctx, ret, "the kernel refused to resize a chunk to %llu bytes",
				 a->val[0]);
	}
}

/*
 * Check MIN MAX TOTAL: 0 < MIN <= MAX <= TOTAL, MAX within the allocator,
 * TOTAL big enough for one piece; then the options.
 */
static int mt_check_sizes(struct mt_cmd_ctx *ctx, const struct mt_args *a)
{
	u64 min = a->val[0], max = a->val[1], total = a->val[2];
	enum mt_alloc_kind kind = a->o.kind;
	int ret;

	if (!min)
		return mt_answer(ctx, -EINVAL, "min must be above 0");
	if (min > max)
		return mt_answer(ctx, -EINVAL,
				 "min (%llu) must not exceed max (%llu)", min, max);
	if (max > total)
		return mt_answer(ctx, -EINVAL,
				 "max (%llu) must not exceed total (%llu)",
				 max, total);
	ret = mt_check_size(ctx, "max", max, kind) ?:
	      mt_check_opts(ctx, &a->o, "max", max);
	if (ret)
		return ret;
	if (!mt_fit(kind, 1, total))
		return mt_answer(ctx, -EINVAL,
				 "total (%llu) cannot hold one piece of alloc=%s (%llu bytes)",
				 total, mt_alloc_names[kind],
				 mt_chunk_bytes(kind, 1));
	return 0;
}

/*
 * Count a mem_rnd_alloc killed midway: what it allocated stays kept.
 */
static void mt_rnd_alloc_killed(struct mt_cmd_ctx *ctx, u64 chunks, s64 got)
{
	atomic64_inc(&mt_killed_rnd_allocs);
	atomic64_add(got, &mt_killed_rnd_bytes);
	pr_warn_ratelimited("%s: killed after %llu chunks of %lld bytes in all: they stay kept (mem_free frees them)\n",
			    ctx->syn->name, chunks, got);
}

static int mt_cmd_rnd_alloc(struct mt_cmd_ctx *ctx, struct mt_args *a)
{
	u64 chunks = 0, errors = 0, reallocs = 0, left, size, bytes, pieces, rem;
	u64 cb_min, cb_max, worst;
	s64 got = 0;
	unsigned int p = READ_ONCE(mt_realloc_p);
	struct mt_reserve res;
	struct rnd_state rnd;
	struct mt_how how;
	bool stopped = false;
	s64 diff;
	int ret;

	ret = mt_check_sizes(ctx, a);
	if (ret)
		return ret;
	/* it takes at least total / max pieces, rounded up */
	pieces = div64_u64_rem(a->val[2], a->val[1], &rem) + !!rem;
	if (pieces > MT_POOL_MAX_CHUNKS - mt_pool_count(&mt_kept.pool))
		return mt_answer(ctx, -ENOSPC,
				 "%llu bytes in pieces of at most %llu would pass the %u chunks that can be kept",
				 a->val[2], a->val[1], MT_POOL_MAX_CHUNKS);
	/*
	 * All or nothing against the caps: reserve what the whole total
	 * can cost, its pieces' footprint and their bookkeeping, now.
	 */
	how = mt_cmd_how(&a->o);
	cb_min = mt_chunk_bytes(a->o.kind, a->val[0]);
	cb_max = mt_chunk_bytes(a->o.kind, a->val[1]);
	worst = mt_footprint_bound(a->o.kind, cb_min, cb_max, a->val[2]);
	if (check_add_overflow(worst,
			       mt_pool_bound(div64_u64(a->val[2], cb_min) + 64),
			       &worst))
		worst = U64_MAX;
	/* and the caches (and mempools) it may create, to a cut piece's class */
	if ((a->o.kind == MT_CACHE || a->o.kind == MT_MEMPOOL) &&
	    check_add_overflow(worst,
			       mt_caches_bound(cb_max, a->o.kind == MT_MEMPOOL ?
					       how.min_nr : 0),
			       &worst))
		worst = U64_MAX;
	if (!mt_reserve_init(&res, worst, mt_urgent(a->o.kind, how.gfp)))
		return mt_refuse_charge(ctx,
					"the total, in pieces of its sizes with their bookkeeping and caches,",
					worst, mt_urgent(a->o.kind, how.gfp));

	prandom_seed_state(&rnd, mt_seed_for(atomic64_inc_return(&mt_cmd_seq) |
					     (1ULL << 32)));
	/*
	 * The pieces draw on the reserve.  A resize only grows a chunk, or
	 * leaves it, and is charged on its own (a refusal: the piece is
	 * allocated instead): what a shrink gave back would have to be
	 * allocated again in pieces of at most MAX, and a kept chunk may be
	 * far bigger than MAX, so the command would run for as long as the
	 * kept memory is big, not its TOTAL (one 1 MiB chunk kept made
	 * "1 10 100" take 190,000 pieces).  A piece is cut to what is left,
	 * in the allocator's granules (mt_fit()): when not even one granule
	 * fits, the command is done.
	 */
	for (left = a->val[2]; left; cond_resched()) {
		if (fatal_signal_pending(current)) {
			stopped = true;
			break;
		}
		size = mt_rand_range(&rnd, min(a->val[0], left),
				     min(a->val[1], left));
		if (p && prandom_u32_state(&rnd) % 100 < p) {
			ret = mt_owner_realloc_random(&mt_kept, size, left,
						      false, &how, &diff);
			/* a chunk lost in a failed resize is not made up */
			if (diff > 0)
				left -= diff;
			got += diff;
			if (!ret) {
				reallocs++;
				continue;
			}
			if (ret != -ENOENT && ret != -E2BIG &&
			    ret != -ERANGE && ret != -ENOSPC) {
				errors++;
				continue;
			}
			/* none, too far, too big, past the caps: allocate */
		}
		bytes = mt_fit(a->o.kind, size, left);
		if (!bytes)
			break;
		ret = mt_owner_alloc(&mt_kept, a->o.kind, bytes, &how, &res);
		if (ret == -ENOBUFS || ret == -ENOSPC) {
			/* the pool is full (the reserve covers the charges) */
			errors++;
			break;
		}
		if (ret) {
			errors++;
		} else {
			chunks++;
			got += bytes;
		}
		left -= bytes;
	}
	mt_reserve_end(&res);

	if (stopped)
		mt_rnd_alloc_killed(ctx, chunks, got);
	mt_answer(ctx, 0, "chunks: %llu\nerrors: %llu\nreallocs: %llu\nbytes: %lld\n",
		  chunks, errors, reallocs, got);
	if (stopped)
		return -EINTR;
	if (errors)
		return -ENOMEM;
	return 0;
}

static int mt_cmd_test_start(struct mt_cmd_ctx *ctx, struct mt_args *a)
{
	struct mt_test_params p;
	char why[MT_REASON_MAX];
	unsigned int reserve;
	u32 id;
	int ret;

	ret = mt_check_sizes(ctx, a);
	if (ret)
		return ret;
	p = (struct mt_test_params) {
		.min = a->val[0], .max = a->val[1], .total = a->val[2],
		.min_int = a->val[3], .max_int = a->val[4],
		.total_time = a->val[5], .o = a->o,
		.bulk = mt_given(a, BULK) ? a->opt[MT_OPT_BULK] : 1,
	};
	if (!p.min_int)
		return mt_answer(ctx, -EINVAL, "min_int must be above 0");
	if (p.min_int > p.max_int)
		return mt_answer(ctx, -EINVAL,
				 "min_int (%llu) must not exceed max_int (%llu)",
				 p.min_int, p.max_int);
	if (p.max_int > p.total_time)
		return mt_answer(ctx, -EINVAL,
				 "max_int (%llu) must not exceed total_time (%llu)",
				 p.max_int, p.total_time);
	/* ktime_t counts nanoseconds in 63 bits: about 292 years. */
	if (p.total_time > KTIME_MAX / NSEC_PER_MSEC / 2)
		return mt_answer(ctx, -EINVAL,
				 "total_time (%llu ms) is too long", p.total_time);
	/* the other policies free until a whole piece of MAX fits */
	if (p.o.free != MT_FREE_ALL &&
	    mt_chunk_bytes(p.o.kind, p.max) > p.total)
		return mt_answer(ctx, -EINVAL,
				 "free=%s frees until a whole piece of max fits: with alloc=%s it counts %llu bytes, more than total (%llu)",
				 mt_free_names[p.o.free],
				 mt_alloc_names[p.o.kind],
				 mt_chunk_bytes(p.o.kind, p.max), p.total);
	ret = mt_check_release(ctx, &p.o, p.min) ?:
	      mt_check_bulk(ctx, p.bulk, &p.o, "max", p.max);
	if (ret)
		return ret;
	reserve = p.o.reserve;
	ret = mt_check_reserve(ctx, p.o.kind, &reserve);
	if (ret)
		return ret;
	p.o.reserve = reserve;
	if (p.total > READ_ONCE(mt_max_bytes))
		return mt_answer(ctx, -ENOSPC,
				 "total (%llu) exceeds max_bytes (%llu)",
				 p.total, READ_ONCE(mt_max_bytes));
	if (mt_urgent(p.o.kind, mt_gfp_flags(p.o.gfp)) &&
	    p.total > READ_ONCE(mt_max_atomic_bytes))
		return mt_answer(ctx, -ENOSPC,
				 "total (%llu) exceeds max_atomic_bytes (%llu), which caps what gfp=atomic and nofail hold",
				 p.total, READ_ONCE(mt_max_atomic_bytes));

	why[0] = '\0';
	ret = mt_test_start(&p, &id, why, sizeof(why));
	if (ret)
		return mt_answer(ctx, ret, "%s",
				 why[0] ? why : "no memory for a new test");
	mt_answer(ctx, 0, "%u\n", id);
	return 0;
}

/* mem_test_stop and mem_test_destroy: ID, then @op on that test. */
static int mt_cmd_test_op(struct mt_cmd_ctx *ctx, struct mt_args *a,
			  int (*op)(u32 id))
{
	if (!a->val[0] || a->val[0] > U32_MAX || op(a->val[0]))
		return mt_answer(ctx, -ENOENT, "no test with id %llu",
				 a->val[0]);
	return 0;
}

static int mt_cmd_test_stop(struct mt_cmd_ctx *ctx, struct mt_args *a)
{
	return mt_cmd_test_op(ctx, a, mt_test_stop);
}

static int mt_cmd_test_destroy(struct mt_cmd_ctx *ctx, struct mt_args *a)
{
	return mt_cmd_test_op(ctx, a, mt_test_destroy);
}

static int mt_cmd_test_destroy_all(struct mt_cmd_ctx *ctx, struct mt_args *a)
{
	mt_test_destroy_all();
	return 0;
}

/* The bench's own options, after the parser's ranges: what is left. */
static int mt_check_bench(struct mt_cmd_ctx *ctx, struct mt_args *a,
			  struct mt_bench_params *p)
{
	unsigned int online = num_online_cpus();

	*p = (struct mt_bench_params) {
		.kind = a->o.kind,
		.gfp = a->o.gfp,
		.size = a->opt[MT_OPT_SIZE],
		.count = a->opt[MT_OPT_COUNT],
		.threads = mt_given(a, THREADS) ? a->opt[MT_OPT_THREADS] : 1,
		.cpu = mt_given(a, CPU) ? a->o.cpu :
			cpumask_first(cpu_online_mask),
		.pattern = a->opt[MT_OPT_PATTERN],
		.sample = mt_given(a, SAMPLE) ? a->opt[MT_OPT_SAMPLE] :
			MT_BENCH_SAMPLE_DEFAULT,
		.time = mt_given(a, TIME) ? a->opt[MT_OPT_TIME] :
			MT_BENCH_TIME_DEFAULT,
		.bulk = mt_given(a, BULK) ? a->opt[MT_OPT_BULK] : 1,
		.sheaf = a->opt[MT_OPT_SHEAF],
		.release = a->o.release,
		.reserve = a->o.reserve,
	};
	if (mt_check_size(ctx, "size", p->size, p->kind))
		return -EINVAL;
	if (p->pattern == MT_PATTERN_BATCH && p->count > MT_BENCH_BATCH_MAX)
		return mt_answer(ctx, -EINVAL,
				 "count=%llu: a batch holds at most %u chunks per thread",
				 p->count, MT_BENCH_BATCH_MAX);
	if (!p->threads || p->threads > online)
		return mt_answer(ctx, -EINVAL,
				 "threads=%u: from 1 to the %u CPUs online",
				 p->threads, online);
	if (mt_check_bulk(ctx, p->bulk, &a->o, "size", p->size))
		return -EINVAL;
	if (p->bulk > 1 && p->pattern != MT_PATTERN_PAIR &&
	    p->pattern != MT_PATTERN_BATCH)
		return mt_answer(ctx, -EINVAL,
				 "bulk=%u: with pattern=pair or batch, not %s",
				 p->bulk, mt_pattern_names[p->pattern]);
	if (p->sheaf && p->kind != MT_CACHE)
		return mt_answer(ctx, -EINVAL,
				 "sheaf=%u: the capacity of the bench's own cache's sheaves: alloc=cache, not %s",
				 p->sheaf, mt_alloc_names[p->kind]);
	if (mt_check_reserve(ctx, p->kind, &p->reserve))
		return -EINVAL;
	if (p->sheaf && !MT_HAVE_SHEAVES)
		return mt_answer(ctx, -EINVAL,
				 "sheaf=%u: this kernel has no sheaves (6.18 added them)",
				 p->sheaf);
	if (p->pattern == MT_PATTERN_REMOTE && p->threads % 2)
		return mt_answer(ctx, -EINVAL,
				 "threads=%u: pattern=remote pairs its threads, one allocating, one freeing on another CPU: an even number",
				 p->threads);
	if (p->release == MT_RELEASE_RCU && p->bulk > 1)
		return mt_answer(ctx, -EINVAL,
				 "release=rcu with bulk=%u: kfree_rcu() takes one object",
				 p->bulk);
	if (p->release == MT_RELEASE_RCU && p->pattern == MT_PATTERN_REMOTE)
		return mt_answer(ctx, -EINVAL,
				 "release=rcu: with pattern=pair, batch or random, not remote");
	return mt_check_release(ctx, &a->o, p->size) ?:
	       mt_check_opts(ctx, &a->o, "size", p->size);
}

static int mt_cmd_bench(struct mt_cmd_ctx *ctx, struct mt_args *a)
{
	struct mt_bench_params p;
	char cpus[MT_RESULT_MAX / 2], more[48] = "";
	size_t len = 0;
	u64 per, cost;
	int ret;

	if (a->word) {
		ret = mt_bench_stop();
		if (ret < 0)
			return mt_answer(ctx, ret,
					 "interrupted while the run ended; it ends all the same");
		return mt_answer(ctx, 0, "%s\n", ret == MT_BENCH_STOP_STOPPED ?
				 "stopped" : "no bench running");
	}
	ret = mt_check_bench(ctx, a, &p);
	if (ret)
		return ret;

	/*
	 * what the run's chunks cost at once: one per thread (a bulk call's
	 * with bulk=), a batch, or for each pair of remote threads a full
	 * ring and one at each end; released through RCU, every chunk the
	 * allocator phase makes, as the kernel may hold them all past its end
	 */
	per = p.release == MT_RELEASE_RCU ? p.count :
	      p.pattern == MT_PATTERN_BATCH ? p.count :
	      p.pattern == MT_PATTERN_REMOTE ? (MT_BENCH_RING + 2) / 2 :
	      p.bulk;
	if (check_mul_overflow(mt_footprint_max(p.kind,
						mt_chunk_bytes(p.kind, p.size)),
			       per, &p.hold) ||
	    check_mul_overflow(p.hold, (u64)p.threads, &p.hold))
		p.hold = U64_MAX;

	ret = mt_bench_start(&p, cpus, sizeof(cpus));
	switch (ret) {
	case 0:
		break;
	case -EBUSY:
		return mt_answer(ctx, ret,
				 "a bench is running: write stop to end it");
	case -ENOSPC:
		cost = mt_bench_cost(&p);
		return mt_refuse_charge(ctx, "the run, its chunks, threads and slots,",
					check_add_overflow(cost, p.hold, &cost) ?
					U64_MAX : cost,
					mt_urgent(p.kind, mt_gfp_flags(p.gfp)));
	case -EAGAIN:
		return mt_answer(ctx, ret,
				 "CPUs went offline meanwhile: try again");
	default:
		return mt_answer(ctx, ret,
				 "no memory for the run's threads and bookkeeping");
	}
	if (p.bulk > 1)
		len = scnprintf(more, sizeof(more), " bulk=%u", p.bulk);
	if (p.sheaf)
		len += scnprintf(more + len, sizeof(more) - len, " sheaf=%u",
				 p.sheaf);
	if (p.release)
		len += scnprintf(more + len, sizeof(more) - len, " release=%s",
				 mt_release_names[p.release]);
	if (p.reserve)
		scnprintf(more + len, sizeof(more) - len, " reserve=%u",
			  p.reserve);
	return mt_answer(ctx, 0,
			 "bench started: alloc=%s size=%llu count=%llu threads=%u pattern=%s sample=%u time=%u%s cpus=%s\n",
			 mt_alloc_names[p.kind], p.size, p.count, p.threads,
			 mt_pattern_names[p.pattern], p.sample, p.time, more,
			 cpus);
}

/* The handlers, by enum mt_cmd_id; what each takes is mt_syntax[]'s. */
static int (* const mt_handlers[MT_NR_CMDS])(struct mt_cmd_ctx *ctx,
					      struct mt_args *a) = {
	[MT_CMD_ALLOC] = mt_cmd_alloc,
	[MT_CMD_FREE] = mt_cmd_free,
	[MT_CMD_REALLOC] = mt_cmd_realloc,
	[MT_CMD_RND_ALLOC] = mt_cmd_rnd_alloc,
	[MT_CMD_TEST_START] = mt_cmd_test_start,
	[MT_CMD_TEST_STOP] = mt_cmd_test_stop,
	[MT_CMD_TEST_DESTROY] = mt_cmd_test_destroy,
	[MT_CMD_TEST_DESTROY_ALL] = mt_cmd_test_destroy_all,
	[MT_CMD_BENCH] = mt_cmd_bench,
};

/**
 * mt_cmd_open() - set up an open command file: its answer is its usage
 * @ctx: the open file's state, zeroed
 * @id: the command it takes
 *
 * The usage is written from the grammar: "usage: NAME USAGE".
 */
void mt_cmd_open(struct mt_cmd_ctx *ctx, enum mt_cmd_id id)
{
	ctx->id = id;
	ctx->syn = &mt_syntax[id];
	mutex_init(&ctx->lock);
	ctx->len = scnprintf(ctx->res, sizeof(ctx->res), "usage: %s ",
			     ctx->syn->name);
	ctx->len += mt_usage(ctx->res + ctx->len, sizeof(ctx->res) - ctx->len,
			     ctx->syn);
	ctx->len += scnprintf(ctx->res + ctx->len, sizeof(ctx->res) - ctx->len,
			      "\n");
}

/*
 * The command and its answer, on one line: with verbose set, for a
 * command that succeeded; always, as a warning, for one that failed
 * midway with an answer of what it did (mem_rnd_alloc's errors).  @cmd
 * is NULL when no copy of the command could be kept.
 */
static void mt_cmd_log(struct mt_cmd_ctx *ctx, const char *cmd, int ret)
{
	char line[MT_RESULT_MAX];

	if (!__ratelimit(ret ? &mt_refuse_rs : &mt_result_rs))
		return;
	strscpy(line, ctx->len ? ctx->res : "done", sizeof(line));
	/* (before 6.8, strreplace() returns the end of the string) */
	strreplace(line, '\n', ' ');
	if (ret)
		pr_warn("%s: failed (%d): %s\n", ctx->syn->name, ret,
			strim(line));
	else
		pr_info("%s '%*pE': %s\n", ctx->syn->name,
			(int)min_t(size_t, strlen(cmd ?: ""),
				   MT_RESULT_MAX / 4), cmd ?: "", strim(line));
}

/**
 * mt_cmd_run() - run one command
 * @ctx: the open file, its lock held (or a load-time command's)
 * @buf: the command, NUL-terminated and stripped; parsed in place
 *
 * Parses @buf against the command's grammar, refusing it with the
 * reason and the usage, or hands the result to the command's handler.
 *
 * Context: process context; may sleep.
 * Return: 0, or the command's negative errno, its reason in @ctx.
 */
int mt_cmd_run(struct mt_cmd_ctx *ctx, char *buf)
{
	char why[MT_REASON_MAX], usage[MT_RESULT_MAX / 2];
	char *copy = NULL;
	struct mt_args a;
	int ret;

	ctx->len = 0;
	if (READ_ONCE(mt_verbose))
		copy = kstrdup(buf, GFP_KERNEL);
	if (mt_parse(buf, ctx->syn, &a, why, sizeof(why))) {
		mt_usage(usage, sizeof(usage), ctx->syn);
		ret = mt_answer(ctx, -EINVAL, "%s; usage: %s %s", why,
				ctx->syn->name, usage);
	} else {
		ret = mt_handlers[ctx->id](ctx, &a);
	}
	if (ret ? ctx->len && !str_has_prefix(ctx->res, "error: ") :
		  READ_ONCE(mt_verbose))
		mt_cmd_log(ctx, copy, ret);
	kfree(copy);
	return ret;
}

/*
 * A size may carry its unit at load, as in leak=64M: "64M" becomes
 * "64 M", the commands' own spelling.  Only a first token of digits and
 * one unit letter is touched; anything else is left to the parser.
 */
static void mt_split_unit(char *cmd, size_t room)
{
	size_t digits = strspn(cmd, "0123456789");
	size_t len = strlen(cmd);
	char unit[2] = { cmd[digits] };

	if (!digits || len + 1 >= room || mt_unit_shift(unit) < 0 ||
	    (cmd[digits + 1] && !isspace(cmd[digits + 1])))
		return;
	memmove(cmd + digits + 1, cmd + digits, len - digits + 1);
	cmd[digits] = ' ';
}

/* Quote at most this much of a load-time command in the log. */
#define MT_LOAD_QUOTE_MAX	200

/**
 * mt_cmd_load() - run a load-time parameter's commands
 * @param: the parameter, named in the log
 * @id: the command whose grammar the commands follow
 * @val: the parameter's value, commands separated by ';'; NULL for none
 * @unit_suffix: the first number may carry its unit (64M)
 *
 * Each command runs as if written to the command file, in order.  The
 * first refusal stops the rest; it is logged with the parameter's name
 * and its reason, and what earlier commands did is the caller's to undo.
 * Each command run is logged, verbose or not: a load-time parameter's
 * effect stays on record, once per load.
 *
 * Context: process context (module init); may sleep.
 * Return: 0, or the refusal's negative errno.
 */
int mt_cmd_load(const char *param, enum mt_cmd_id id, const char *val,
		bool unit_suffix)
{
	struct mt_cmd_ctx *ctx = NULL;
	char *copy = NULL, *work = NULL, *rest, *one;
	unsigned int nr = 0;
	size_t room;
	int ret;

	if (!val)
		return 0;
	/* room for one more byte: the space mt_split_unit() may add */
	room = strlen(val) + 2;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	copy = kstrdup(val, GFP_KERNEL);
	work = kmalloc(room, GFP_KERNEL);
	if (!ctx || !copy || !work) {
		pr_err("parameter %s: no memory to run it\n", param);
		ret = -ENOMEM;
		goto out;
	}
	/* no open file: ctx->lock, which serialises a file's users, is unused */
	mt_cmd_open(ctx, id);

	ret = 0;
	rest = copy;
	while ((one = strsep(&rest, ";"))) {
		one = strim(one);
		if (!*one)
			continue;
		strscpy(work, one, room);
		if (unit_suffix)
			mt_split_unit(work, room);
		ret = mt_cmd_run(ctx, work);
		/* the answer, or "error: REASON", on one line */
		strreplace(ctx->res, '\n', ' ');
		strim(ctx->res);
		if (ret) {
			pr_err("parameter %s: '%*pE' refused: %s\n", param,
			       (int)min_t(size_t, strlen(one),
					  MT_LOAD_QUOTE_MAX), one,
			       str_has_prefix(ctx->res, "error: ") ?
			       ctx->res + strlen("error: ") : "no reason given");
			break;
		}
		nr++;
		pr_info("parameter %s: ran '%*pE'%s%s\n", param,
			(int)min_t(size_t, strlen(one), MT_LOAD_QUOTE_MAX),
			one, ctx->len ? ": " : "", ctx->len ? ctx->res : "");
	}
	if (!ret && !nr)
		pr_info("parameter %s: empty, nothing to run\n", param);
	mutex_destroy(&ctx->lock);
out:
	kfree(work);
	kfree(copy);
	kfree(ctx);
	return ret;
}

/**
 * mt_cmd_show_caches() - print the kept memory's dedicated caches
 * @m: the caches or the mempools file
 * @show: mt_caches_show() or mt_mempools_show()
 */
void mt_cmd_show_caches(struct seq_file *m,
			void (*show)(struct seq_file *m, struct mt_caches *cs))
{
	show(m, &mt_kept.caches);
}

/**
 * mt_cmd_counts() - add what the kept memory holds to a sum
 * @sum: the sum, per allocator
 *
 * Context: any context.
 */
void mt_cmd_counts(struct mt_counts *sum)
{
	mt_owner_add_counts(&mt_kept, sum);
}

/**
 * mt_cmd_init() - set up the kept memory, before any command runs
 *
 * Context: process context, at load.
 */
void mt_cmd_init(void)
{
	mt_owner_init(&mt_kept, "kept", "kept", MT_POOL_BY_SIZE, mt_seed_for(0));
}

/**
 * mt_cmd_exit() - free the kept memory, once no command can run
 *
 * Context: process context, at unload or a failed load.
 */
void mt_cmd_exit(void)
{
	mt_owner_destroy(&mt_kept);
}
