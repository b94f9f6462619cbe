// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - the files in /sys/kernel/debug/malloc_test/.
 *
 * Command files (mt_syntax[]) take one command per write.  The answer is
 * kept with the open file and read back from it, so that each writer
 * gets the answer to its own command: before any write, a read gives
 * the command's usage; after a refused write, "error: " and the reason.
 * A new answer is read from its start: the VFS keeps the file position
 * of a failed write as it was, so the read, not the write, rewinds.
 *
 * mem_used, mem_test_list, caches, mempools, bench_result and
 * bench_latency are seq_files; tests/ID/stats and tests/ID/latency are the tests' own
 * (mt_test.c).
 *
 * The answer protocol is the module's own, not simple_transaction_*():
 * an open file takes any number of commands, each answered on it.
 */
#include "malloc_test.h"
#include "mt_alloc.h"
#include "mt_bench.h"
#include "mt_charge.h"
#include "mt_cmd.h"
#include "mt_debugfs.h"
#include "mt_owner.h"
#include "mt_pool.h"
#include "mt_test.h"

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

static struct dentry *mt_dir;

static int mt_cmd_file_open(struct inode *inode, struct file *file)
{
	const struct mt_syntax *syn = inode->i_private;
	struct mt_cmd_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	mt_cmd_open(ctx, syn - mt_syntax);
	file->private_data = ctx;
	return nonseekable_open(inode, file);
}

static int mt_cmd_file_release(struct inode *inode, struct file *file)
{
	struct mt_cmd_ctx *ctx = file->private_data;

	mutex_destroy(&ctx->lock);
	kfree(ctx);
	return 0;
}

/*
 * Take one command: bound it, copy it, refuse NUL bytes, strip it, run
 * it.  Return: @count, or the command's negative errno.
 */
static ssize_t mt_cmd_file_write(struct file *file,
				 const char __user *ubuf, size_t count,
				 loff_t *ppos)
{
	struct mt_cmd_ctx *ctx = file->private_data;
	char *buf;
	int ret;

	if (!count)
		return 0;
	if (mutex_lock_interruptible(&ctx->lock))
		return -EINTR;
	ctx->fresh = true;
	if (count >= PAGE_SIZE) {
		ret = mt_answer(ctx, -EINVAL,
				"command of %zu bytes: at most %lu", count,
				PAGE_SIZE - 1);
		goto out_unlock;
	}
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf)) {
		ret = mt_answer(ctx, PTR_ERR(buf), "command of %zu bytes: %s",
				count, PTR_ERR(buf) == -EFAULT ?
				"bad address" : "no memory to copy it");
		goto out_unlock;
	}
	if (strlen(buf) != count)
		ret = mt_answer(ctx, -EINVAL, "NUL byte in the command");
	else
		ret = mt_cmd_run(ctx, strim(buf));
	kfree(buf);
out_unlock:
	mutex_unlock(&ctx->lock);
	return ret ?: count;
}

static ssize_t mt_cmd_file_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct mt_cmd_ctx *ctx = file->private_data;
	ssize_t ret;

	if (mutex_lock_interruptible(&ctx->lock))
		return -EINTR;
	if (ctx->fresh) {
		*ppos = 0;
		ctx->fresh = false;
	}
	ret = simple_read_from_buffer(ubuf, count, ppos, ctx->res, ctx->len);
	mutex_unlock(&ctx->lock);
	return ret;
}

static const struct file_operations mt_cmd_fops = {
	.owner = THIS_MODULE,
	.open = mt_cmd_file_open,
	.release = mt_cmd_file_release,
	.read = mt_cmd_file_read,
	.write = mt_cmd_file_write,
};

/* The sums of a struct mt_counts over the allocators. */
static void mt_counts_sum(const struct mt_counts *n, u64 *bytes, u64 *charged,
			  u64 *chunks)
{
	unsigned int k;

	*bytes = *charged = *chunks = 0;
	for (k = 0; k < MT_NR_KINDS; k++) {
		*bytes += n->bytes[k];
		*charged += n->charged[k];
		*chunks += n->chunks[k];
	}
}

/*
 * What the module holds: each owner's own figures, summed here (the
 * kept memory's, every test's), beside the charges against the caps.
 */
static int mt_used_show(struct seq_file *m, void *v)
{
	struct mt_counts kept = {}, test = {};
	u64 kb, kc, kn, tb, tc, tn;
	unsigned int i;

	mt_cmd_counts(&kept);
	mt_test_counts(&test);
	mt_counts_sum(&kept, &kb, &kc, &kn);
	mt_counts_sum(&test, &tb, &tc, &tn);

	seq_printf(m, "chunks: %llu\n", kn + tn);
	seq_printf(m, "bytes: %llu\n", kb + tb);
	seq_printf(m, "kept_chunks: %llu\n", kn);
	seq_printf(m, "kept_bytes: %llu\n", kb);
	seq_printf(m, "test_chunks: %llu\n", tn);
	seq_printf(m, "test_bytes: %llu\n", tb);
	seq_printf(m, "corruptions: %lld\n", atomic64_read(&mt_corruptions));
	seq_printf(m, "max_bytes: %llu\n", READ_ONCE(mt_max_bytes));
	seq_printf(m, "tracking_bytes: %lld\n",
		   atomic64_read(&mt_tracking_bytes));
	for (i = 0; i < MT_NR_KINDS; i++) {
		seq_printf(m, "%s_chunks: %llu\n", mt_alloc_names[i],
			   kept.chunks[i] + test.chunks[i]);
		seq_printf(m, "%s_bytes: %llu\n", mt_alloc_names[i],
			   kept.bytes[i] + test.bytes[i]);
	}
	seq_printf(m, "caches: %d\n", atomic_read(&mt_nr_caches));
	seq_printf(m, "bench_bytes: %lld\n", atomic64_read(&mt_bench_bytes));
	/*
	 * What max_bytes counts: kept_charged + test_charged + overhead_bytes
	 * + reserved_bytes, and tracking_bytes and bench_bytes above, and
	 * rcu_pending_bytes below.
	 */
	seq_printf(m, "charged_bytes: %lld\n", atomic64_read(&mt_committed));
	seq_printf(m, "kept_charged: %llu\n", kc);
	seq_printf(m, "test_charged: %llu\n", tc);
	seq_printf(m, "overhead_bytes: %lld\n", atomic64_read(&mt_overhead));
	seq_printf(m, "reserved_bytes: %lld\n", atomic64_read(&mt_reserved));
	seq_printf(m, "max_atomic_bytes: %llu\n",
		   READ_ONCE(mt_max_atomic_bytes));
	seq_printf(m, "atomic_bytes: %lld\n",
		   atomic64_read(&mt_atomic_committed));
	for (i = 0; i < MT_NR_KINDS; i++)
		seq_printf(m, "%s_charged: %llu\n", mt_alloc_names[i],
			   kept.charged[i] + test.charged[i]);
	seq_printf(m, "tests: %u\n", mt_test_count());
	seq_printf(m, "killed_rnd_allocs: %lld\n",
		   atomic64_read(&mt_killed_rnd_allocs));
	seq_printf(m, "killed_rnd_bytes: %lld\n",
		   atomic64_read(&mt_killed_rnd_bytes));
	seq_printf(m, "rcu_pending_bytes: %lld\n",
		   atomic64_read(&mt_rcu_pending));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mt_used);

/* The dedicated slab caches: kept memory's, then each test's. */
static int mt_caches_file_show(struct seq_file *m, void *v)
{
	seq_puts(m, "# name objects object_size\n");
	mt_cmd_show_caches(m, mt_caches_show);
	mt_test_show_caches(m, mt_caches_show);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mt_caches_file);

/* alloc=mempool's pools, named by their caches: likewise. */
static int mt_mempools_file_show(struct seq_file *m, void *v)
{
	seq_puts(m, "# name min_nr curr_nr from_reserve\n");
	mt_cmd_show_caches(m, mt_mempools_show);
	mt_test_show_caches(m, mt_mempools_show);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mt_mempools_file);

static int mt_bench_result_show(struct seq_file *m, void *v)
{
	return mt_bench_show(m);
}
DEFINE_SHOW_ATTRIBUTE(mt_bench_result);

static int mt_bench_latency_show(struct seq_file *m, void *v)
{
	return mt_bench_show_latency(m);
}
DEFINE_SHOW_ATTRIBUTE(mt_bench_latency);

static int mt_test_list_show(struct seq_file *m, void *v)
{
	return mt_test_show_all(m);
}
DEFINE_SHOW_ATTRIBUTE(mt_test_list);

/**
 * mt_debugfs_init() - create the module's files
 *
 * Called last at load, once nothing can fail it: a file opened before a
 * failed load would be left open on the module's freed code.  Whether
 * debugfs is there at all was checked first.
 *
 * Context: process context, at load.
 * Return: the module's directory, for the tests' (mt_test_publish()).
 */
struct dentry *mt_debugfs_init(void)
{
	unsigned int i;

	mt_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	for (i = 0; i < MT_NR_CMDS; i++)
		debugfs_create_file(mt_syntax[i].name, mt_syntax[i].mode,
				    mt_dir, (void *)&mt_syntax[i],
				    &mt_cmd_fops);
	debugfs_create_file("mem_used", 0400, mt_dir, NULL, &mt_used_fops);
	debugfs_create_file("mem_test_list", 0400, mt_dir, NULL,
			    &mt_test_list_fops);
	debugfs_create_file("caches", 0400, mt_dir, NULL, &mt_caches_file_fops);
	debugfs_create_file("mempools", 0400, mt_dir, NULL,
			    &mt_mempools_file_fops);
	debugfs_create_file("bench_result", 0400, mt_dir, NULL,
			    &mt_bench_result_fops);
	debugfs_create_file("bench_latency", 0400, mt_dir, NULL,
			    &mt_bench_latency_fops);
	return mt_dir;
}

/**
 * mt_debugfs_exit() - remove the module's files
 *
 * Context: process context, at unload; waits for the files' users.
 */
void mt_debugfs_exit(void)
{
	debugfs_remove_recursive(mt_dir);
}
