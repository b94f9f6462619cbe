/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - timed tests (mt_test.c).
 */
#ifndef _MT_TEST_H
#define _MT_TEST_H

#include <linux/seq_file.h>
#include <linux/types.h>

#include "mt_owner.h"
#include "mt_parse.h"

struct dentry;

/**
 * enum mt_test_state - where a timed test is in its life
 * @MT_TEST_RUNNING: its hrtimer runs
 * @MT_TEST_STOPPED: ended by mem_test_stop, or destroyed while it ran
 * @MT_TEST_FINISHED: ended when its time had passed
 */
enum mt_test_state {
	MT_TEST_RUNNING,
	MT_TEST_STOPPED,
	MT_TEST_FINISHED,
};

/**
 * struct mt_test_params - what mem_test_start asked for
 * @min: smallest allocation, bytes
 * @max: largest allocation, bytes
 * @total: what the test holds at most before it frees all, bytes
 * @min_int: shortest interval between allocations, ms
 * @max_int: longest interval between allocations, ms
 * @total_time: how long the test runs, ms
 * @o: the options: allocator, flags, node, context, CPU, free policy
 * @bulk: chunks an allocation step asks for in one call (bulk=); 1:
 *	single calls
 */
struct mt_test_params {
	u64 min, max, total;
	u64 min_int, max_int, total_time;
	struct mt_opts o;
	unsigned int bulk;
};

int mt_test_start(const struct mt_test_params *p, u32 *id, char *why,
		  size_t whylen);
int mt_test_init(void);
void mt_test_publish(struct dentry *parent);
unsigned int mt_test_count(void);
int mt_test_stop(u32 id);
int mt_test_destroy(u32 id);
void mt_test_destroy_all(void);
int mt_test_show_all(struct seq_file *m);
void mt_test_show_caches(struct seq_file *m,
			 void (*show)(struct seq_file *m, struct mt_caches *cs));
void mt_test_counts(struct mt_counts *sum);
void mt_test_exit(void);

#endif /* _MT_TEST_H */
