/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - the machine's memory level and its reclaim activity
 * (mt_pressure.c): what mem_alloc's avail= aims at, and what a test's
 * statistics show beside its latencies.
 */
#ifndef _MT_PRESSURE_H
#define _MT_PRESSURE_H

#include <linux/types.h>

struct seq_file;

/**
 * enum mt_vm_item - the reclaim and compaction events a test reports
 * @MT_VM_ALLOCSTALL: allocations that entered direct reclaim, all zones
 * @MT_VM_PGSCAN_KSWAPD: pages kswapd scanned
 * @MT_VM_PGSCAN_DIRECT: pages direct reclaim scanned
 * @MT_VM_PGSTEAL_KSWAPD: pages kswapd reclaimed
 * @MT_VM_PGSTEAL_DIRECT: pages direct reclaim reclaimed
 * @MT_VM_COMPACT_STALL: allocations that entered direct compaction
 * @MT_VM_COMPACT_FAIL: direct compactions that did not give a page
 * @MT_VM_COMPACT_SUCCESS: direct compactions that did
 * @MT_VM_OOM_KILL: processes the OOM killer killed
 * @MT_NR_VM: how many there are
 *
 * Named in the statistics as /proc/vmstat names them, after "vm_".
 */
enum mt_vm_item {
	MT_VM_ALLOCSTALL,
	MT_VM_PGSCAN_KSWAPD,
	MT_VM_PGSCAN_DIRECT,
	MT_VM_PGSTEAL_KSWAPD,
	MT_VM_PGSTEAL_DIRECT,
	MT_VM_COMPACT_STALL,
	MT_VM_COMPACT_FAIL,
	MT_VM_COMPACT_SUCCESS,
	MT_VM_OOM_KILL,
	MT_NR_VM,
};

/**
 * struct mt_vmstat - the events of enum mt_vm_item, summed over the CPUs
 * @ev: each, at the moment it was read
 */
struct mt_vmstat {
	unsigned long ev[MT_NR_VM];
};

/* What mem_alloc's avail= leaves the machine, at least (mt_pressure.c). */
extern u64 mt_pressure_margin;

void mt_pressure_init(void);
u64 mt_avail_bytes(void);
void mt_vmstat_read(struct mt_vmstat *vs);
void mt_vmstat_show(struct seq_file *m, const struct mt_vmstat *from,
		    const struct mt_vmstat *to);

#endif /* _MT_PRESSURE_H */
