/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - the benchmark (mt_bench.c).
 */
#ifndef _MT_BENCH_H
#define _MT_BENCH_H

#include <linux/atomic.h>
#include <linux/seq_file.h>
#include <linux/types.h>

/*
 * A batch run keeps this many chunks per thread at most.  The options'
 * ranges are mt_grammar.c's; what a run takes when they are not given:
 */
#define MT_BENCH_BATCH_MAX	1048576U
/*
 * pattern=remote: the chunks a pair's ring holds at most on their way
 * from the allocating thread to the freeing one (a power of two)
 */
#define MT_BENCH_RING		256U
#define MT_BENCH_SAMPLE_DEFAULT	64U
#define MT_BENCH_TIME_DEFAULT	10U

/**
 * struct mt_bench_params - what a write to bench asked for, checked
 * @kind: the allocator, enum mt_alloc_kind
 * @gfp: the GFP choices, BIT(MT_GFP_*)
 * @size: the size asked, bytes
 * @count: pairs (pair, random) or allocations (batch) per thread
 * @threads: how many threads
 * @cpu: the first thread's CPU
 * @pattern: enum mt_pattern
 * @sample: time one operation in @sample, at random; 0: none
 * @time: each phase ends after this many seconds at most
 * @hold: what the run's chunks may cost at once (their footprint),
 *	charged for the whole run
 * @bulk: objects per bulk call (alloc=cache, pages); 1: single calls
 * @sheaf: the bench cache's sheaf capacity (alloc=cache); 0: the
 *	kernel's choice
 * @release: enum mt_release: how the allocator phase frees (the bare
 *	phase frees at once whatever it is)
 * @reserve: alloc=mempool: the elements the run's mempool keeps; else 0
 */
struct mt_bench_params {
	u8 kind;
	u16 gfp;
	u64 size;
	u64 count;
	unsigned int threads;
	unsigned int cpu;
	u8 pattern;
	unsigned int sample;
	unsigned int time;
	u64 hold;
	unsigned int bulk;
	unsigned int sheaf;
	u8 release;
	unsigned int reserve;
};

/* What mt_bench_stop() did. */
#define MT_BENCH_STOP_NONE	0
#define MT_BENCH_STOP_STOPPED	1

u64 mt_bench_cost(const struct mt_bench_params *p);
int mt_bench_start(const struct mt_bench_params *p, char *cpus, size_t len);
int mt_bench_stop(void);
int mt_bench_show(struct seq_file *m);
int mt_bench_show_latency(struct seq_file *m);
void mt_bench_exit(void);
extern atomic64_t mt_bench_bytes;

#endif /* _MT_BENCH_H */
