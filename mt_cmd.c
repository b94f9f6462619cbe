// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - the commands.
 *
 * One table drives the command files: each entry names a file, says what
 * it takes, and points at its handler.  A handler parses its arguments
 * into locals, checks them, and only then acts; what it answers goes in
 * the open file's result (mt_result()), read back on the same file, and
 * in the log.  A refusal goes there too, with its reason (mt_refuse()).
 *
 *	mem_alloc	SIZE [UNIT] [alloc=A] [gfp=F,...] [node=N]
 *	mem_free	[SIZE [UNIT]]
 *	mem_realloc	SIZE [UNIT]
 *	mem_rnd_alloc	MIN MAX TOTAL [UNIT] [alloc=A] [gfp=F,...] [node=N]
 *	mem_test_start	MIN MAX TOTAL MIN_INT MAX_INT TOTAL_TIME [UNIT]
 *			[alloc=A] [gfp=F,...] [node=N] [ctx=C] [cpu=N] [free=P]
 *	mem_test_stop	ID
 *	mem_test_destroy	ID
 *	mem_test_destroy_all	(anything)
 *	bench		[alloc=A] size=S[UNIT] count=N [threads=T] [pattern=P]
 *			[gfp=F,...] [cpu=C] [sample=K] [time=SEC] | stop
 */
#include "malloc_test.h"

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
 * Answers too, more generously: a script's loop of commands is logged
 * whole, a storm of them does not flood the log (the kernel says how
 * many lines it suppressed).
 */
static DEFINE_RATELIMIT_STATE(mt_result_rs, 5 * HZ, 1000);

/* Numbers commands draw their random sequences from, one per command. */
static atomic64_t mt_cmd_seq;

atomic64_t mt_killed_rnd_allocs;
atomic64_t mt_killed_rnd_bytes;

/**
 * mt_result() - set the answer to the command, and log it (rate-limited)
 * @ctx: the open file
 * @fmt: printf format of the answer
 */
void mt_result(struct mt_cmd_ctx *ctx, const char *fmt, ...)
{
	char line[MT_RESULT_MAX];
	va_list args;

	va_start(args, fmt);
	ctx->len = vscnprintf(ctx->res, sizeof(ctx->res), fmt, args);
	va_end(args);
	if (!ctx->len || !__ratelimit(&mt_result_rs))
		return;
	/* one log line for the whole answer */
	strscpy(line, ctx->res, sizeof(line));
	/* (before 6.8, strreplace() returns the end of the string) */
	strreplace(line, '\n', ' ');
	pr_info("%s: %s\n", ctx->cmd->name, strim(line));
}

/**
 * mt_done() - the command is done and answers nothing: log what it did
 * @ctx: the open file
 * @fmt: printf format of what it did
 *
 * The log line is rate-limited like answers.
 */
static __printf(2, 3) void mt_done(struct mt_cmd_ctx *ctx, const char *fmt,
				   ...)
{
	struct va_format vaf;
	va_list args;

	ctx->len = 0;
	if (!__ratelimit(&mt_result_rs))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("%s: %pV\n", ctx->cmd->name, &vaf);
	va_end(args);
}

/**
 * mt_refuse() - refuse the command: say why, in the result and the log
 * @ctx: the open file
 * @err: the negative errno to return
 * @fmt: printf format of the reason
 *
 * Return: @err.
 */
int mt_refuse(struct mt_cmd_ctx *ctx, int err, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;
	int len;

	va_start(args, fmt);
	len = scnprintf(ctx->res, sizeof(ctx->res), "error: ");
	len += vscnprintf(ctx->res + len, sizeof(ctx->res) - len, fmt, args);
	va_end(args);
	len += scnprintf(ctx->res + len, sizeof(ctx->res) - len, "\n");
	ctx->len = len;

	if (__ratelimit(&mt_refuse_rs)) {
		va_start(args, fmt);
		vaf.fmt = fmt;
		vaf.va = &args;
		pr_warn("%s: refused: %pV\n", ctx->cmd->name, &vaf);
		va_end(args);
	}
	return err;
}

static int mt_parse_cmd(struct mt_cmd_ctx *ctx, char *buf,
			const struct mt_syntax *syn, struct mt_args *a)
{
	char why[MT_REASON_MAX];

	if (mt_parse(buf, syn, a, why, sizeof(why)))
		return mt_refuse(ctx, -EINVAL, "%s; usage: %s %s", why,
				 ctx->cmd->name, ctx->cmd->usage);
	return 0;
}

/* Refuse a chunk size the allocator cannot hand out in one piece. */
static int mt_check_size(struct mt_cmd_ctx *ctx, const char *what, u64 size,
			 enum mt_alloc_kind kind)
{
	const struct mt_allocator *al = &mt_allocators[kind];

	if (size > al->max_size)
		return mt_refuse(ctx, -EINVAL,
				 "%s (%llu) is more than %s can allocate at once (%llu)",
				 what, size, al->name, al->max_size);
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
		return mt_refuse(ctx, -EINVAL,
				 "retry modifiers change how a sleeping allocation retries: noretry and retry_mayfail need gfp=kernel");
	if ((o->gfp & retry) == retry)
		return mt_refuse(ctx, -EINVAL,
				 "noretry and retry_mayfail contradict each other");
	if (o->kind == MT_PERCPU && (o->gfp & BIT(MT_GFP_RETRY_MAYFAIL)))
		return mt_refuse(ctx, -EINVAL,
				 "alloc=percpu keeps no retry_mayfail (the per-CPU allocator drops it, and may then call the OOM killer): use noretry");
	if (!(o->gfp & BIT(MT_GFP_NOFAIL)))
		return 0;
	if (!kernel)
		return mt_refuse(ctx, -EINVAL,
				 "nofail needs gfp=kernel: only an allocation that can sleep can be made never to fail");
	if (o->gfp & retry)
		return mt_refuse(ctx, -EINVAL,
				 "nofail contradicts noretry and retry_mayfail");
	if (!mt_allocators[o->kind].nofail)
		return mt_refuse(ctx, -EINVAL,
				 "nofail is refused with alloc=%s: the kernel supports it only for kmalloc, cache and pages",
				 mt_allocators[o->kind].name);
	if (size > MT_NOFAIL_MAX)
		return mt_refuse(ctx, -EINVAL,
				 "nofail above %lu bytes (order 1) makes the kernel warn: %s is %llu",
				 MT_NOFAIL_MAX, what, size);
	return 0;
}

/*
 * Refuse what cannot run in the hrtimer callback of a ctx=timer test,
 * or would cost a hard interrupt too much: a chunk above
 * MT_TIMER_MAX_BYTES.  @what and @size name the largest chunk.
 */
static int mt_check_ctx(struct mt_cmd_ctx *ctx, const struct mt_opts *o,
			const char *what, u64 size)
{
	u64 bytes;

	if (o->ctx != MT_CTX_TIMER)
		return 0;
	if (mt_allocators[o->kind].may_sleep)
		return mt_refuse(ctx, -EINVAL,
				 "alloc=%s may sleep: ctx=timer takes kmalloc, pages, cache or percpu",
				 mt_allocators[o->kind].name);
	if (o->gfp & BIT(MT_GFP_KERNEL))
		return mt_refuse(ctx, -EINVAL,
				 "gfp=kernel may sleep: ctx=timer takes atomic or nowait");
	if (o->gfp & BIT(MT_GFP_ACCOUNT))
		return mt_refuse(ctx, -EINVAL,
				 "gfp=account charges the writer's memory cgroup: not in ctx=timer");
	bytes = mt_chunk_bytes(o->kind, size);
	if (bytes > MT_TIMER_MAX_BYTES)
		return mt_refuse(ctx, -EINVAL,
				 "ctx=timer takes chunks of %lu bytes at most (order %d), which a hard interrupt can allocate, fill and copy: %s is %llu",
				 MT_TIMER_MAX_BYTES, PAGE_ALLOC_COSTLY_ORDER, what,
				 bytes);
	return 0;
}

/* Refuse a node or a CPU this machine cannot give. */
static int mt_check_place(struct mt_cmd_ctx *ctx, const struct mt_opts *o)
{
	unsigned int zero = BIT(MT_GFP_KERNEL) | BIT(MT_GFP_ZERO);
	unsigned int n = o->node, c = o->cpu;

	if (o->given & BIT(MT_OPT_NODE)) {
		if (n >= nr_node_ids || !node_possible(n))
			return mt_refuse(ctx, -EINVAL, "node %u does not exist", n);
		if (!node_online(n))
			return mt_refuse(ctx, -EINVAL, "node %u is offline", n);
		if (!node_state(n, N_MEMORY))
			return mt_refuse(ctx, -EINVAL, "node %u has no memory", n);
		if (o->kind == MT_PERCPU)
			return mt_refuse(ctx, -EINVAL,
					 "alloc=percpu has no node variant: node= is refused");
		if (o->kind == MT_VMALLOC &&
		    (!(o->given & BIT(MT_OPT_GFP)) || (o->gfp & ~zero)))
			return mt_refuse(ctx, -EINVAL,
					 "alloc=vmalloc on a node goes through vmalloc_node(), which takes no flags: it may call the OOM killer and warns when it fails; give gfp=kernel (or kernel,zero) to take that");
	}
	if (o->given & BIT(MT_OPT_CPU)) {
		if (c >= nr_cpu_ids || !cpu_possible(c))
			return mt_refuse(ctx, -EINVAL, "CPU %u does not exist", c);
		if (!cpu_online(c))
			return mt_refuse(ctx, -EINVAL, "CPU %u is offline", c);
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
		return mt_refuse(ctx, -ENOSPC,
				 "%s costs up to %llu bytes: that would pass max_bytes (%llu; %lld charged) or max_atomic_bytes (%llu; %lld charged)",
				 what, bytes, READ_ONCE(mt_max_bytes),
				 atomic64_read(&mt_committed),
				 READ_ONCE(mt_max_atomic_bytes),
				 atomic64_read(&mt_atomic_committed));
	return mt_refuse(ctx, -ENOSPC,
			 "%s costs up to %llu bytes: that would pass max_bytes (%llu; %lld charged)",
			 what, bytes, READ_ONCE(mt_max_bytes),
			 atomic64_read(&mt_committed));
}

static int mt_cmd_alloc(struct mt_cmd_ctx *ctx, char *buf)
{
	static const struct mt_syntax syn = {
		.min_args = 1, .max_args = 1, .size_mask = 0x1,
		.opts = MT_OPTS_ALLOC,
	};
	struct mt_how how;
	struct mt_args a;
	u64 bytes;
	int ret;

	ret = mt_parse_cmd(ctx, buf, &syn, &a);
	if (ret)
		return ret;
	if (!a.val[0])
		return mt_refuse(ctx, -EINVAL, "size must be above 0");
	ret = mt_check_size(ctx, "size", a.val[0], a.o.kind) ?:
	      mt_check_opts(ctx, &a.o, "size", a.val[0]);
	if (ret)
		return ret;

	how = mt_cmd_how(&a.o);
	bytes = mt_chunk_bytes(a.o.kind, a.val[0]);
	ret = mt_owner_alloc(&mt_kept, a.o.kind, bytes, &how, NULL);
	if (ret == -ENOSPC && mt_pool_count(&mt_kept.pool) >= MT_POOL_MAX_CHUNKS)
		return mt_refuse(ctx, ret, "%u chunks kept already, the most there can be",
				 MT_POOL_MAX_CHUNKS);
	if (ret == -ENOSPC)
		return mt_refuse_charge(ctx, "the chunk, with its bookkeeping,",
					mt_footprint_max(a.o.kind, bytes),
					mt_gfp_urgent(how.gfp));
	if (ret)
		return mt_refuse(ctx, ret, "%s refused %llu bytes",
				 mt_allocators[a.o.kind].name, bytes);
	mt_done(ctx, "%llu bytes allocated with %s", bytes,
		mt_allocators[a.o.kind].name);
	return 0;
}

static int mt_cmd_free(struct mt_cmd_ctx *ctx, char *buf)
{
	static const struct mt_syntax syn = {
		.min_args = 0, .max_args = 1, .size_mask = 0x1,
	};
	struct mt_args a;
	u64 freed;
	int ret;

	ret = mt_parse_cmd(ctx, buf, &syn, &a);
	if (ret)
		return ret;
	if (a.nr && !a.val[0])
		return mt_refuse(ctx, -EINVAL,
				 "size must be above 0; give none to free everything");

	freed = a.nr ? mt_owner_free_fit(&mt_kept, a.val[0]) :
		       mt_owner_free_all(&mt_kept);
	mt_result(ctx, "%llu\n", freed);
	return 0;
}

static int mt_cmd_realloc(struct mt_cmd_ctx *ctx, char *buf)
{
	static const struct mt_syntax syn = {
		.min_args = 1, .max_args = 1, .size_mask = 0x1,
	};
	struct mt_how how;
	struct mt_args a;
	s64 diff;
	int ret;

	ret = mt_parse_cmd(ctx, buf, &syn, &a);
	if (ret)
		return ret;
	if (!a.val[0])
		return mt_refuse(ctx, -EINVAL, "size must be above 0");
	ret = mt_check_size(ctx, "size", a.val[0], MT_VMALLOC);
	if (ret)
		return ret;

	how = mt_cmd_how(&a.o);
	ret = mt_owner_realloc_random(&mt_kept, a.val[0], U64_MAX, true, &how,
				      &diff);
	switch (ret) {
	case 0:
		mt_result(ctx, "%lld\n", diff);
		return 0;
	case -ENOENT:
		return mt_refuse(ctx, ret, "no kept chunk to resize");
	case -E2BIG:
		return mt_refuse(ctx, -EINVAL,
				 "the chosen chunk's allocator cannot reach %llu bytes",
				 a.val[0]);
	case -ENOSPC:
		return mt_refuse(ctx, ret,
				 "resizing a chunk to %llu bytes would pass max_bytes (%llu; %lld charged) or max_atomic_bytes",
				 a.val[0], READ_ONCE(mt_max_bytes),
				 atomic64_read(&mt_committed));
	default:
		return mt_refuse(ctx, ret, "the kernel refused to resize a chunk to %llu bytes",
				 a.val[0]);
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
		return mt_refuse(ctx, -EINVAL, "min must be above 0");
	if (min > max)
		return mt_refuse(ctx, -EINVAL,
				 "min (%llu) must not exceed max (%llu)", min, max);
	if (max > total)
		return mt_refuse(ctx, -EINVAL,
				 "max (%llu) must not exceed total (%llu)",
				 max, total);
	ret = mt_check_size(ctx, "max", max, kind) ?:
	      mt_check_opts(ctx, &a->o, "max", max);
	if (ret)
		return ret;
	if (!mt_fit(kind, 1, total))
		return mt_refuse(ctx, -EINVAL,
				 "total (%llu) cannot hold one piece of alloc=%s (%llu bytes)",
				 total, mt_allocators[kind].name,
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
			    ctx->cmd->name, chunks, got);
}

static int mt_cmd_rnd_alloc(struct mt_cmd_ctx *ctx, char *buf)
{
	static const struct mt_syntax syn = {
		.min_args = 3, .max_args = 3, .size_mask = 0x7,
		.opts = MT_OPTS_ALLOC,
	};
	u64 chunks = 0, errors = 0, reallocs = 0, left, size, bytes, pieces, rem;
	u64 cb_min, cb_max, worst;
	s64 got = 0;
	unsigned int p = READ_ONCE(mt_realloc_p);
	struct mt_reserve res;
	struct rnd_state rnd;
	struct mt_how how;
	struct mt_args a;
	bool stopped = false;
	s64 diff;
	int ret;

	ret = mt_parse_cmd(ctx, buf, &syn, &a);
	if (ret)
		return ret;
	ret = mt_check_sizes(ctx, &a);
	if (ret)
		return ret;
	/* it takes at least total / max pieces, rounded up */
	pieces = div64_u64_rem(a.val[2], a.val[1], &rem) + !!rem;
	if (pieces > MT_POOL_MAX_CHUNKS - mt_pool_count(&mt_kept.pool))
		return mt_refuse(ctx, -ENOSPC,
				 "%llu bytes in pieces of at most %llu would pass the %u chunks that can be kept",
				 a.val[2], a.val[1], MT_POOL_MAX_CHUNKS);
	/*
	 * All or nothing against the caps: reserve what the whole total
	 * can cost, its pieces' footprint and their bookkeeping, now.
	 */
	how = mt_cmd_how(&a.o);
	cb_min = mt_chunk_bytes(a.o.kind, a.val[0]);
	cb_max = mt_chunk_bytes(a.o.kind, a.val[1]);
	worst = mt_footprint_bound(a.o.kind, cb_min, cb_max, a.val[2]);
	if (check_add_overflow(worst,
			       mt_pool_bound(div64_u64(a.val[2], cb_min) + 64),
			       &worst))
		worst = U64_MAX;
	/* and the caches it may create, down to a cut piece's class */
	if (a.o.kind == MT_CACHE &&
	    check_add_overflow(worst, mt_caches_bound(cb_max), &worst))
		worst = U64_MAX;
	if (!mt_reserve_init(&res, worst, mt_gfp_urgent(how.gfp)))
		return mt_refuse_charge(ctx,
					"the total, in pieces of its sizes with their bookkeeping and caches,",
					worst, mt_gfp_urgent(how.gfp));

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
	for (left = a.val[2]; left; cond_resched()) {
		if (fatal_signal_pending(current)) {
			stopped = true;
			break;
		}
		size = mt_rand_range(&rnd, min(a.val[0], left),
				     min(a.val[1], left));
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
		bytes = mt_fit(a.o.kind, size, left);
		if (!bytes)
			break;
		ret = mt_owner_alloc(&mt_kept, a.o.kind, bytes, &how, &res);
		if (ret == -ENOSPC) {
			/* the pool is full: no later piece can be kept */
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
	mt_result(ctx, "chunks: %llu\nerrors: %llu\nreallocs: %llu\nbytes: %lld\n",
		  chunks, errors, reallocs, got);
	if (stopped)
		return -EINTR;
	if (errors)
		return -ENOMEM;
	return 0;
}

static int mt_cmd_test_start(struct mt_cmd_ctx *ctx, char *buf)
{
	static const struct mt_syntax syn = {
		.min_args = 6, .max_args = 6, .size_mask = 0x7,
		.opts = MT_OPTS_TEST,
	};
	struct mt_test_params p;
	char why[MT_REASON_MAX];
	struct mt_args a;
	u32 id;
	int ret;

	ret = mt_parse_cmd(ctx, buf, &syn, &a);
	if (ret)
		return ret;
	ret = mt_check_sizes(ctx, &a);
	if (ret)
		return ret;
	p = (struct mt_test_params) {
		.min = a.val[0], .max = a.val[1], .total = a.val[2],
		.min_int = a.val[3], .max_int = a.val[4],
		.total_time = a.val[5], .o = a.o,
	};
	if (!p.min_int)
		return mt_refuse(ctx, -EINVAL, "min_int must be above 0");
	if (p.min_int > p.max_int)
		return mt_refuse(ctx, -EINVAL,
				 "min_int (%llu) must not exceed max_int (%llu)",
				 p.min_int, p.max_int);
	if (p.max_int > p.total_time)
		return mt_refuse(ctx, -EINVAL,
				 "max_int (%llu) must not exceed total_time (%llu)",
				 p.max_int, p.total_time);
	/* ktime_t counts nanoseconds in 63 bits: about 292 years. */
	if (p.total_time > KTIME_MAX / NSEC_PER_MSEC / 2)
		return mt_refuse(ctx, -EINVAL,
				 "total_time (%llu ms) is too long", p.total_time);
	/* the other policies free until a whole piece of MAX fits */
	if (p.o.free != MT_FREE_ALL &&
	    mt_chunk_bytes(p.o.kind, p.max) > p.total)
		return mt_refuse(ctx, -EINVAL,
				 "free=%s frees until a whole piece of max fits: with alloc=%s it counts %llu bytes, more than total (%llu)",
				 mt_free_names[p.o.free],
				 mt_allocators[p.o.kind].name,
				 mt_chunk_bytes(p.o.kind, p.max), p.total);
	if (p.total > READ_ONCE(mt_max_bytes))
		return mt_refuse(ctx, -ENOSPC,
				 "total (%llu) exceeds max_bytes (%llu)",
				 p.total, READ_ONCE(mt_max_bytes));
	if (mt_gfp_urgent(mt_gfp_flags(p.o.gfp)) &&
	    p.total > READ_ONCE(mt_max_atomic_bytes))
		return mt_refuse(ctx, -ENOSPC,
				 "total (%llu) exceeds max_atomic_bytes (%llu), which caps what gfp=atomic and nofail hold",
				 p.total, READ_ONCE(mt_max_atomic_bytes));

	ret = mt_test_start(&p, &id, why, sizeof(why));
	if (ret == -ENOSPC)
		return mt_refuse(ctx, ret, "%s", why);
	if (ret)
		return mt_refuse(ctx, ret, "no memory for a new test");
	mt_result(ctx, "%u\n", id);
	return 0;
}

/* mem_test_stop and mem_test_destroy: ID, then @op on that test. */
static int mt_cmd_test_op(struct mt_cmd_ctx *ctx, char *buf,
			  int (*op)(u32 id), const char *done)
{
	static const struct mt_syntax syn = { .min_args = 1, .max_args = 1 };
	struct mt_args a;
	int ret;

	ret = mt_parse_cmd(ctx, buf, &syn, &a);
	if (ret)
		return ret;
	if (!a.val[0] || a.val[0] > U32_MAX || op(a.val[0]))
		return mt_refuse(ctx, -ENOENT, "no test with id %llu", a.val[0]);
	mt_done(ctx, "test %llu %s", a.val[0], done);
	return 0;
}

static int mt_cmd_test_stop(struct mt_cmd_ctx *ctx, char *buf)
{
	return mt_cmd_test_op(ctx, buf, mt_test_stop, "stopped");
}

static int mt_cmd_test_destroy(struct mt_cmd_ctx *ctx, char *buf)
{
	return mt_cmd_test_op(ctx, buf, mt_test_destroy, "destroyed");
}

static int mt_cmd_test_destroy_all(struct mt_cmd_ctx *ctx, char *buf)
{
	mt_test_destroy_all();
	mt_done(ctx, "every test destroyed");
	return 0;
}

/* The bench's own options, after the parser: bounds and defaults. */
static int mt_check_bench(struct mt_cmd_ctx *ctx, struct mt_args *a)
{
	struct mt_bench_opts *b = &a->b;
	u16 given = a->o.given;
	unsigned int online = num_online_cpus();

	if (!(given & BIT(MT_OPT_SIZE)))
		return mt_refuse(ctx, -EINVAL, "size= is required");
	if (!(given & BIT(MT_OPT_COUNT)))
		return mt_refuse(ctx, -EINVAL, "count= is required");
	if (!b->size)
		return mt_refuse(ctx, -EINVAL, "size=0: at least 1 byte");
	if (mt_check_size(ctx, "size", b->size, a->o.kind))
		return -EINVAL;
	if (!b->count)
		return mt_refuse(ctx, -EINVAL, "count=0: at least 1");
	if (b->pattern == MT_PATTERN_BATCH && b->count > MT_BENCH_BATCH_MAX)
		return mt_refuse(ctx, -EINVAL,
				 "count=%llu: a batch holds at most %u chunks per thread",
				 b->count, MT_BENCH_BATCH_MAX);
	if (b->count > U32_MAX)
		return mt_refuse(ctx, -EINVAL, "count=%llu: at most %u",
				 b->count, U32_MAX);
	if (!(given & BIT(MT_OPT_THREADS)))
		b->threads = 1;
	else if (!b->threads || b->threads > online)
		return mt_refuse(ctx, -EINVAL,
				 "threads=%u: from 1 to the %u CPUs online",
				 b->threads, online);
	if (!(given & BIT(MT_OPT_SAMPLE)))
		b->sample = MT_BENCH_SAMPLE_DEFAULT;
	else if (b->sample > MT_BENCH_SAMPLE_MAX)
		return mt_refuse(ctx, -EINVAL, "sample=%u: at most %u",
				 b->sample, MT_BENCH_SAMPLE_MAX);
	if (!(given & BIT(MT_OPT_TIME)))
		b->time = MT_BENCH_TIME_DEFAULT;
	else if (!b->time || b->time > MT_BENCH_TIME_MAX)
		return mt_refuse(ctx, -EINVAL,
				 "time=%u: from 1 to %u seconds", b->time,
				 MT_BENCH_TIME_MAX);
	return mt_check_opts(ctx, &a->o, "size", b->size);
}

static int mt_cmd_bench(struct mt_cmd_ctx *ctx, char *buf)
{
	static const struct mt_syntax syn = { .opts = MT_OPTS_BENCH };
	struct mt_bench_params p;
	struct mt_args a;
	char cpus[MT_RESULT_MAX / 2];
	u64 per, cost;
	int ret;

	if (!strcmp(buf, "stop")) {
		ret = mt_bench_stop();
		if (ret < 0)
			return mt_refuse(ctx, ret,
					 "interrupted while the run ended; it ends all the same");
		mt_result(ctx, "%s\n", ret == MT_BENCH_STOP_STOPPED ?
			  "stopped" : "no bench running");
		return 0;
	}
	ret = mt_parse_cmd(ctx, buf, &syn, &a);
	if (ret)
		return ret;
	ret = mt_check_bench(ctx, &a);
	if (ret)
		return ret;

	p = (struct mt_bench_params) {
		.kind = a.o.kind,
		.gfp = a.o.gfp,
		.size = a.b.size,
		.count = a.b.count,
		.threads = a.b.threads,
		.cpu = a.o.given & BIT(MT_OPT_CPU) ? a.o.cpu :
			cpumask_first(cpu_online_mask),
		.pattern = a.b.pattern,
		.sample = a.b.sample,
		.time = a.b.time,
	};
	/* what the run's chunks cost at once: one per thread, or a batch */
	per = p.pattern == MT_PATTERN_BATCH ? p.count : 1;
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
		return mt_refuse(ctx, ret,
				 "a bench is running: write stop to end it");
	case -ENOSPC:
		cost = mt_bench_cost(&p);
		return mt_refuse_charge(ctx, "the run, its chunks, threads and slots,",
					check_add_overflow(cost, p.hold, &cost) ?
					U64_MAX : cost,
					mt_gfp_urgent(mt_gfp_flags(p.gfp)));
	case -EAGAIN:
		return mt_refuse(ctx, ret,
				 "CPUs went offline meanwhile: try again");
	default:
		return mt_refuse(ctx, ret,
				 "no memory for the run's threads and bookkeeping");
	}
	mt_result(ctx,
		  "bench started: alloc=%s size=%llu count=%llu threads=%u pattern=%s sample=%u time=%u cpus=%s\n",
		  mt_allocators[p.kind].name, p.size, p.count, p.threads,
		  mt_pattern_names[p.pattern], p.sample, p.time, cpus);
	return 0;
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

	if (!digits || len + 1 >= room || !cmd[digits] ||
	    !strchr("bBkKmMgG", cmd[digits]) ||
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
 * @cmd_name: the command file whose grammar the commands follow
 * @val: the parameter's value, commands separated by ';'; NULL for none
 * @unit_suffix: the first number may carry its unit (64M)
 *
 * Each command runs as if written to the command file, in order.  The
 * first refusal stops the rest; it is logged with the parameter's name
 * and its reason, and what earlier commands did is the caller's to undo.
 *
 * Context: process context (module init); may sleep.
 * Return: 0, or the refusal's negative errno.
 */
int mt_cmd_load(const char *param, const char *cmd_name, const char *val,
		bool unit_suffix)
{
	const struct mt_cmd *cmd = NULL;
	struct mt_cmd_ctx *ctx = NULL;
	char *copy = NULL, *work = NULL, *rest, *one;
	unsigned int i, nr = 0;
	size_t room;
	int ret;

	if (!val)
		return 0;
	for (i = 0; i < mt_nr_cmds; i++)
		if (!strcmp(mt_cmds[i].name, cmd_name))
			cmd = &mt_cmds[i];
	if (WARN_ON_ONCE(!cmd))
		return -EINVAL;

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
	ctx->cmd = cmd;

	ret = 0;
	rest = copy;
	while ((one = strsep(&rest, ";"))) {
		one = strim(one);
		if (!*one)
			continue;
		strscpy(work, one, room);
		if (unit_suffix)
			mt_split_unit(work, room);
		ctx->len = 0;
		ret = cmd->fn(ctx, work);
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
out:
	kfree(work);
	kfree(copy);
	kfree(ctx);
	return ret;
}

const struct mt_cmd mt_cmds[] = {
	{ "mem_alloc", 0600, "SIZE [UNIT] [alloc=A] [gfp=F,...] [node=N]",
	  mt_cmd_alloc },
	{ "mem_free", 0600, "[SIZE [UNIT]]", mt_cmd_free },
	{ "mem_realloc", 0600, "SIZE [UNIT]", mt_cmd_realloc },
	{ "mem_rnd_alloc", 0600,
	  "MIN MAX TOTAL [UNIT] [alloc=A] [gfp=F,...] [node=N]",
	  mt_cmd_rnd_alloc },
	{ "mem_test_start", 0600,
	  "MIN MAX TOTAL MIN_INT MAX_INT TOTAL_TIME [UNIT] [alloc=A] [gfp=F,...] [node=N] [ctx=work|timer] [cpu=N] [free=all|random|fifo|lifo]",
	  mt_cmd_test_start },
	{ "mem_test_stop", 0600, "ID", mt_cmd_test_stop },
	{ "mem_test_destroy", 0600, "ID", mt_cmd_test_destroy },
	{ "mem_test_destroy_all", 0200, "(anything)", mt_cmd_test_destroy_all },
	{ "bench", 0600,
	  "[alloc=A] size=S[UNIT] count=N [threads=T] [pattern=pair|batch|random] [gfp=F,...] [cpu=C] [sample=K] [time=SEC] | stop",
	  mt_cmd_bench },
};

const unsigned int mt_nr_cmds = ARRAY_SIZE(mt_cmds);
