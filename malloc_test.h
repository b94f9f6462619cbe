/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - what every file of the module shares: its log prefix,
 * and the refusal of a module parameter's value (mt_param.c).
 *
 * The module keeps memory on behalf of "owners": one owner holds what
 * mem_alloc and mem_rnd_alloc keep (mt_cmd.c), and every timed test is an
 * owner of its own (mt_test.c).  Each layer has its header, and a file
 * calls only into the layers below its own; none calls back up:
 *
 *	mt_main.c	load, unload
 *	mt_debugfs.c	the files: command files, statistics
 *	mt_cmd.c	the command handlers, the kept memory, the answers
 *	mt_test.c	timed tests			mt_bench.c  the bench
 *	mt_parse.c	the parser, over mt_grammar.c's table
 *	mt_owner.c	owners: their chunks, content checks, figures
 *	mt_alloc.c	the allocator table, footprints, dedicated caches
 *	mt_pool.c	the pools that hold an owner's chunks
 *	mt_charge.c	the caps and the charges against them
 *	mt_nmi.c	a call run in an NMI of this CPU (ctx=nmi)
 *	mt_memcg.c	why a charged allocation failed: the memory cgroup
 *	mt_pressure.c	the machine's MemAvailable, its reclaim events
 *	mt_gfp.c, mt_rand.c, mt_lat.c, mt_grammar.c, mt_param.c	leaves
 *	mt_trace.c	the trace events (mt_trace.h), emitted from above
 */
#ifndef _MALLOC_TEST_H
#define _MALLOC_TEST_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>

struct kernel_param;

int mt_param_refuse(const struct kernel_param *kp, const char *val,
		    const char *what);

#endif /* _MALLOC_TEST_H */
