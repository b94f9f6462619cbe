// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - stress the kernel's memory allocators, simulate leaks.
 *
 * Loading and unloading, and the load-time commands (leak=, test=).  The
 * commands live in debugfs (mt_debugfs.c, mt_cmd.c); each parameter is
 * defined in the file whose behaviour it sets; malloc_test.h maps the
 * files; Documentation/malloc_test.rst has the whole interface.
 *
 * This is a test module: it allocates memory on command and keeps it.
 * Never load it on a production system.
 */
#include "malloc_test.h"
#include "mt_alloc.h"
#include "mt_bench.h"
#include "mt_charge.h"
#include "mt_cmd.h"
#include "mt_debugfs.h"
#include "mt_owner.h"
#include "mt_pool.h"
#include "mt_pressure.h"
#include "mt_test.h"

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

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

/* What the kept memory holds, as its chunks count it. */
static u64 mt_kept_bytes(void)
{
	struct mt_counts n = {};
	u64 bytes = 0;
	unsigned int k;

	mt_cmd_counts(&n);
	for (k = 0; k < MT_NR_KINDS; k++)
		bytes += n.bytes[k];
	return bytes;
}

/*
 * Everything init set up, undone: tests first, their debugfs directories
 * with them, then the bench, the files and what is kept.
 */
static void mt_teardown(void)
{
	mt_test_exit();
	mt_bench_exit();
	mt_debugfs_exit();
	mt_cmd_exit();
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
	mt_pressure_init();
	ret = mt_test_init();
	if (ret)
		return ret;
	mt_cmd_init();

	/*
	 * The load-time commands run before any file exists: once a file
	 * could be opened, a failed load would leave it open on freed
	 * code.  A refusal fails the load, and nothing done so far stays.
	 */
	ret = mt_cmd_load("leak", MT_CMD_ALLOC, mt_leak, true) ?:
	      mt_cmd_load("test", MT_CMD_TEST_START, mt_test, false);
	if (ret) {
		mt_test_exit();
		mt_cmd_exit();
		/* a test released through RCU: its delayed work must not stay */
		mt_charge_exit();
		pr_err("not loaded: a load-time parameter was refused (%d)\n",
		       ret);
		return ret;
	}
	/* From here on, nothing fails the load. */
	mt_test_publish(mt_debugfs_init());

	pr_info("loaded: max_bytes %llu, max_atomic_bytes %llu, pressure_margin %llu, alloc %s, check_content %d, realloc_p %u, %llu bytes kept\n",
		mt_max_bytes, mt_max_atomic_bytes, mt_pressure_margin,
		mt_alloc_names[mt_default_alloc], mt_check_content,
		mt_realloc_p, mt_kept_bytes());
	return 0;
}

static void __exit malloc_test_exit(void)
{
	u64 freed = mt_kept_bytes();

	/*
	 * No file is open: an open file holds a reference on the module,
	 * and no new one can be opened once unloading has begun.
	 */
	mt_teardown();
	mt_charge_exit();

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
