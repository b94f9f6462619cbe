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
 *	mem_alloc	SIZE [UNIT] [alloc=A]
 *	mem_free	[SIZE [UNIT]]
 *	mem_realloc	SIZE [UNIT]
 *	mem_rnd_alloc	MIN MAX TOTAL [UNIT] [alloc=A]
 *	mem_test_start	MIN MAX TOTAL MIN_INT MAX_INT TOTAL_TIME [UNIT] [alloc=A]
 *	mem_test_stop	ID
 *	mem_test_destroy	ID
 *	mem_test_destroy_all	(anything)
 */
#include "malloc_test.h"

#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/sched/signal.h>

/* Every command allocates with these; mem_alloc's failures are ours to
 * report, not the allocator's.
 */
#define MT_CMD_GFP	(GFP_KERNEL | __GFP_NOWARN)

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
	pr_info("%s: %s\n", ctx->cmd->name, strim(strreplace(line, '\n', ' ')));
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

static int mt_refuse_charge(struct mt_cmd_ctx *ctx, u64 bytes)
{
	return mt_refuse(ctx, -ENOSPC,
			 "%llu more bytes would pass max_bytes (%llu; %lld held or reserved)",
			 bytes, READ_ONCE(mt_max_bytes),
			 atomic64_read(&mt_committed));
}

static int mt_cmd_alloc(struct mt_cmd_ctx *ctx, char *buf)
{
	static const struct mt_syntax syn = {
		.min_args = 1, .max_args = 1, .size_mask = 0x1,
		.opt_alloc = true,
	};
	struct mt_args a;
	int ret;

	ret = mt_parse_cmd(ctx, buf, &syn, &a);
	if (ret)
		return ret;
	if (!a.val[0])
		return mt_refuse(ctx, -EINVAL, "size must be above 0");
	ret = mt_check_size(ctx, "size", a.val[0], a.kind);
	if (ret)
		return ret;

	ret = mt_owner_alloc(&mt_kept, a.kind, a.val[0], MT_CMD_GFP, false);
	if (ret == -ENOSPC && mt_pool_count(&mt_kept.pool) >= MT_POOL_MAX_CHUNKS)
		return mt_refuse(ctx, ret, "%u chunks kept already, the most there can be",
				 MT_POOL_MAX_CHUNKS);
	if (ret == -ENOSPC)
		return mt_refuse_charge(ctx, a.val[0]);
	if (ret)
		return mt_refuse(ctx, ret, "%s refused %llu bytes",
				 mt_allocators[a.kind].name, a.val[0]);
	ctx->len = 0;
	pr_info("%s: %llu bytes allocated with %s\n", ctx->cmd->name,
		a.val[0], mt_allocators[a.kind].name);
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

	ret = mt_owner_realloc_random(&mt_kept, a.val[0], U64_MAX, true,
				      MT_CMD_GFP, false, &diff);
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
				 "resizing a chunk to %llu bytes would pass max_bytes (%llu)",
				 a.val[0], READ_ONCE(mt_max_bytes));
	default:
		return mt_refuse(ctx, ret, "the kernel refused to resize a chunk to %llu bytes",
				 a.val[0]);
	}
}

/* Check MIN MAX TOTAL: 0 < MIN <= MAX <= TOTAL, MAX within the allocator. */
static int mt_check_sizes(struct mt_cmd_ctx *ctx, const struct mt_args *a)
{
	u64 min = a->val[0], max = a->val[1], total = a->val[2];

	if (!min)
		return mt_refuse(ctx, -EINVAL, "min must be above 0");
	if (min > max)
		return mt_refuse(ctx, -EINVAL,
				 "min (%llu) must not exceed max (%llu)", min, max);
	if (max > total)
		return mt_refuse(ctx, -EINVAL,
				 "max (%llu) must not exceed total (%llu)",
				 max, total);
	return mt_check_size(ctx, "max", max, a->kind);
}

static int mt_cmd_rnd_alloc(struct mt_cmd_ctx *ctx, char *buf)
{
	static const struct mt_syntax syn = {
		.min_args = 3, .max_args = 3, .size_mask = 0x7,
		.opt_alloc = true,
	};
	u64 chunks = 0, errors = 0, reallocs = 0, left, size, pieces, rem;
	s64 got = 0;
	unsigned int p = READ_ONCE(mt_realloc_p);
	struct rnd_state rnd;
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
	/* All or nothing against max_bytes: reserve the whole total now. */
	if (!mt_charge(a.val[2]))
		return mt_refuse_charge(ctx, a.val[2]);

	prandom_seed_state(&rnd, mt_seed_for(atomic64_inc_return(&mt_cmd_seq) |
					     (1ULL << 32)));
	/*
	 * What is not allocated yet stays charged until the end.  A resize
	 * only grows a chunk, or leaves it: what a shrink gave back would
	 * have to be allocated again in pieces of at most MAX, and a kept
	 * chunk may be far bigger than MAX, so the command would run for as
	 * long as the kept memory is big, not its TOTAL (one 1 MiB chunk
	 * kept made "1 10 100" take 190,000 pieces).
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
						      false, MT_CMD_GFP, true,
						      &diff);
			/* the change in held bytes comes out of the reserve */
			left -= diff;
			got += diff;
			if (!ret) {
				reallocs++;
				continue;
			}
			if (ret != -ENOENT && ret != -E2BIG && ret != -ERANGE) {
				errors++;
				continue;
			}
			/* nothing to resize, too far, too big: allocate */
		}
		ret = mt_owner_alloc(&mt_kept, a.kind, size, MT_CMD_GFP, true);
		if (ret == -ENOSPC) {
			/* the pool is full: no later piece can be kept */
			errors++;
			break;
		}
		if (ret) {
			errors++;
			mt_uncharge(size);
		} else {
			chunks++;
			got += size;
		}
		left -= size;
	}
	mt_uncharge(left);

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
		.opt_alloc = true,
	};
	struct mt_test_params p;
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
		.total_time = a.val[5], .kind = a.kind,
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
	if (p.total > READ_ONCE(mt_max_bytes))
		return mt_refuse(ctx, -ENOSPC,
				 "total (%llu) exceeds max_bytes (%llu)",
				 p.total, READ_ONCE(mt_max_bytes));

	ret = mt_test_start(&p, &id);
	if (ret == -ENOSPC)
		return mt_refuse(ctx, ret, "test ids are exhausted");
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
	ctx->len = 0;
	pr_info("%s: test %llu %s\n", ctx->cmd->name, a.val[0], done);
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
	ctx->len = 0;
	pr_info("%s: every test destroyed\n", ctx->cmd->name);
	return 0;
}

const struct mt_cmd mt_cmds[] = {
	{ "mem_alloc", 0600, "SIZE [UNIT] [alloc=A]", mt_cmd_alloc },
	{ "mem_free", 0600, "[SIZE [UNIT]]", mt_cmd_free },
	{ "mem_realloc", 0600, "SIZE [UNIT]", mt_cmd_realloc },
	{ "mem_rnd_alloc", 0600, "MIN MAX TOTAL [UNIT] [alloc=A]",
	  mt_cmd_rnd_alloc },
	{ "mem_test_start", 0600,
	  "MIN MAX TOTAL MIN_INT MAX_INT TOTAL_TIME [UNIT] [alloc=A]",
	  mt_cmd_test_start },
	{ "mem_test_stop", 0600, "ID", mt_cmd_test_stop },
	{ "mem_test_destroy", 0600, "ID", mt_cmd_test_destroy },
	{ "mem_test_destroy_all", 0200, "(anything)", mt_cmd_test_destroy_all },
};

const unsigned int mt_nr_cmds = ARRAY_SIZE(mt_cmds);
