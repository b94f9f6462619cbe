// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - stress the kernel's memory allocators, simulate leaks.
 *
 * Loading, unloading, and the module parameters.  The commands live in
 * debugfs (mt_debugfs.c, mt_cmd.c); Documentation/malloc_test.rst has
 * the whole interface.
 *
 * This is a test module: it allocates memory on command and keeps it.
 * Never load it on a production system.
 */
#include "malloc_test.h"

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <linux/string.h>

/* Module-wide counters: what each class of owner holds. */
struct mt_totals mt_kept_totals;
struct mt_totals mt_test_totals;
/* What each allocator holds, kept memory and tests together. */
struct mt_totals mt_kind_totals[MT_NR_KINDS];
/* Dedicated slab caches alive (alloc=cache). */
atomic_t mt_nr_caches;
/* Chunks found corrupted, by every owner since load. */
atomic64_t mt_corruptions;
/* Pages the pools use for their bookkeeping, in bytes. */
atomic64_t mt_tracking_bytes;

/* What mem_alloc and mem_rnd_alloc keep. */
struct mt_owner mt_kept;
/* Runs the tests' allocations in process context. */
struct workqueue_struct *mt_wq;

bool mt_check_content;

/* param_set_bool()'s spellings, but a refusal says why. */
static int mt_check_content_set(const char *val,
				const struct kernel_param *kp)
{
	bool on;

	if (kstrtobool(val, &on))
		return mt_param_refuse(kp, val, "0 or 1 (y/n, on/off)");
	WRITE_ONCE(mt_check_content, on);
	return 0;
}

static const struct kernel_param_ops mt_check_content_ops = {
	.set = mt_check_content_set,
	.get = param_get_bool,
};
module_param_cb(check_content, &mt_check_content_ops, &mt_check_content,
		0644);
MODULE_PARM_DESC(check_content,
		 "Fill chunks with a pattern at allocation, check it at free (default 0)");

unsigned int mt_realloc_p;

static int mt_realloc_p_set(const char *val, const struct kernel_param *kp)
{
	unsigned int p;

	if (kstrtouint(val, 10, &p) || p > 90)
		return mt_param_refuse(kp, val, "a percentage from 0 to 90");
	WRITE_ONCE(mt_realloc_p, p);
	return 0;
}

static const struct kernel_param_ops mt_realloc_p_ops = {
	.set = mt_realloc_p_set,
	.get = param_get_uint,
};
module_param_cb(realloc_p, &mt_realloc_p_ops, &mt_realloc_p, 0644);
MODULE_PARM_DESC(realloc_p,
		 "Percentage of mem_rnd_alloc's and tests' allocations that resize a random chunk instead (0-90, default 0)");

unsigned int mt_default_alloc = MT_KVMALLOC;

static int mt_alloc_set(const char *val, const struct kernel_param *kp)
{
	int kind = mt_kind_from_name(val);

	if (kind < 0)
		return mt_param_refuse(kp, val,
				       "kmalloc, vmalloc, kvmalloc, pages, cache or percpu");
	WRITE_ONCE(mt_default_alloc, kind);
	return 0;
}

static int mt_alloc_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  mt_allocators[READ_ONCE(mt_default_alloc)].name);
}

static const struct kernel_param_ops mt_alloc_ops = {
	.set = mt_alloc_set,
	.get = mt_alloc_get,
};
module_param_cb(alloc, &mt_alloc_ops, &mt_default_alloc, 0644);
MODULE_PARM_DESC(alloc,
		 "Allocator when a command names none: kmalloc, vmalloc, kvmalloc, pages, cache or percpu (default kvmalloc)");

u64 mt_seed;

/* param_set_ullong() would fail a number past 64 bits with ERANGE. */
static int mt_seed_set(const char *val, const struct kernel_param *kp)
{
	u64 v;

	if (kstrtou64(val, 0, &v))
		return mt_param_refuse(kp, val, "an unsigned 64-bit number");
	WRITE_ONCE(mt_seed, v);
	return 0;
}

static const struct kernel_param_ops mt_seed_ops = {
	.set = mt_seed_set,
	.get = param_get_ullong,
};
module_param_cb(seed, &mt_seed_ops, &mt_seed, 0644);
MODULE_PARM_DESC(seed,
		 "Seed of the random sizes, intervals and choices; 0 (default) for a fresh one each time");

/*
 * Load-time actions: what mem_alloc and mem_test_start would do, done
 * at load, so that a modprobe.d line puts a machine under pressure from
 * boot.  Read-only once loaded: the command files are for the rest.
 */
static char *mt_leak;
module_param_named(leak, mt_leak, charp, 0444);
MODULE_PARM_DESC(leak,
		 "Allocate and keep at load: SIZE[UNIT] [alloc=A] [gfp=F,...] [node=N], several separated by ';' (mem_alloc's grammar)");

static char *mt_test;
module_param_named(test, mt_test, charp, 0444);
MODULE_PARM_DESC(test,
		 "Start tests at load: MIN MAX TOTAL MIN_INT MAX_INT TOTAL_TIME [UNIT] [options], several separated by ';' (mem_test_start's grammar)");

/* A 64-bit finaliser: inputs one bit apart give unrelated outputs. */
static u64 mt_mix64(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/**
 * mt_seed_for() - the seed of one random sequence
 * @salt: tells the sequences apart: a test's id and the stream, say
 *
 * With the seed parameter set, the same salt gives the same sequence, so
 * that a run can be repeated; with it 0, every call gives a fresh seed.
 * Seeds of neighbouring salts, or of neighbouring seed parameters, are
 * unrelated: prandom_seed_state() folds a seed to 32 bits, and close
 * seeds would otherwise start close streams.
 *
 * Context: any context.
 * Return: the seed.
 */
u64 mt_seed_for(u64 salt)
{
	u64 seed = READ_ONCE(mt_seed);

	if (!seed)
		return get_random_u64();
	return mt_mix64(mt_mix64(seed) + mt_mix64(salt ^ 0x9e3779b97f4a7c15ULL));
}

/*
 * Everything init set up, undone: tests first, their debugfs directories
 * with them, then the bench, the files, the queue and what is kept.
 */
static void mt_teardown(void)
{
	mt_test_exit();
	mt_bench_exit();
	mt_debugfs_exit();
	destroy_workqueue(mt_wq);
	mt_owner_destroy(&mt_kept);
}

static int __init malloc_test_init(void)
{
	int ret;

	pr_info("a test module: it allocates and keeps memory on command; not for production systems\n");
	if (!debugfs_initialized()) {
		pr_err("not loaded: no debugfs (CONFIG_DEBUG_FS off, or debugfs=off on the kernel command line)\n");
		return -ENODEV;
	}
	mt_charge_init();

	mt_owner_init(&mt_kept, &mt_kept_totals, "kept", "kept",
		      mt_seed_for(0));
	mt_wq = alloc_workqueue("malloc_test", 0, 0);
	if (!mt_wq) {
		ret = -ENOMEM;
		goto out_kept;
	}

	/*
	 * The load-time commands run before any file exists: once a file
	 * could be opened, a failed load would leave it open on freed
	 * code.  A refusal fails the load, and nothing done so far stays.
	 */
	ret = mt_cmd_load("leak", "mem_alloc", mt_leak, true) ?:
	      mt_cmd_load("test", "mem_test_start", mt_test, false);
	if (ret) {
		mt_test_exit();
		pr_err("not loaded: a load-time parameter was refused (%d)\n",
		       ret);
		goto out_wq;
	}
	/* From here on, nothing fails the load. */
	mt_debugfs_init();
	mt_test_publish();

	pr_info("loaded: max_bytes %llu, max_atomic_bytes %llu, alloc %s, check_content %d, realloc_p %u, %lld bytes kept\n",
		mt_max_bytes, mt_max_atomic_bytes,
		mt_allocators[mt_default_alloc].name, mt_check_content,
		mt_realloc_p, atomic64_read(&mt_kept.bytes));
	return 0;

out_wq:
	destroy_workqueue(mt_wq);
out_kept:
	mt_owner_destroy(&mt_kept);
	return ret;
}

static void __exit malloc_test_exit(void)
{
	u64 freed = atomic64_read(&mt_kept.bytes);

	/*
	 * No file is open: an open file holds a reference on the module,
	 * and no new one can be opened once unloading has begun.
	 */
	mt_teardown();

	if (atomic64_read(&mt_committed) || atomic64_read(&mt_tracking_bytes) ||
	    atomic64_read(&mt_atomic_committed) || atomic_read(&mt_nr_caches))
		pr_err("unloaded with %lld bytes charged (%lld of them atomic), %lld bytes of bookkeeping and %d caches left: a bug\n",
		       atomic64_read(&mt_committed),
		       atomic64_read(&mt_atomic_committed),
		       atomic64_read(&mt_tracking_bytes),
		       atomic_read(&mt_nr_caches));
	pr_info("unloaded, %llu kept bytes freed\n", freed);
}

module_init(malloc_test_init);
module_exit(malloc_test_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The malloc_test developers");
MODULE_DESCRIPTION("Stress the kernel's memory allocators and simulate leaks");
MODULE_INFO(test, "Y");
/* dkms.conf's PACKAGE_VERSION: make check holds them equal. */
MODULE_VERSION("1.0");
