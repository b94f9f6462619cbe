// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - the machine's memory level and its reclaim activity.
 *
 * mem_alloc's avail= keeps chunks until MemAvailable (si_mem_available(),
 * the figure /proc/meminfo shows) falls to a target; pressure_margin is
 * the floor under any target, so that by default the module never takes
 * the machine near its reserves.  A test's statistics show the kernel's
 * reclaim and compaction events counted while it ran, read from the same
 * per-CPU counters /proc/vmstat sums.
 */
#include "malloc_test.h"
#include "mt_charge.h"
#include "mt_pressure.h"

#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/vmstat.h>

/* 0 until set: mt_pressure_init() then takes 1/32 of RAM, 64 MiB at least. */
u64 mt_pressure_margin;
module_param_cb(pressure_margin, &mt_bytes_ops, &mt_pressure_margin, 0644);
MODULE_PARM_DESC(pressure_margin,
		 "The MemAvailable mem_alloc's avail= never aims below (default: 1/32 of RAM, 64 MiB at least)");

/**
 * mt_pressure_init() - give pressure_margin its default, where not set
 *
 * Context: module init.
 */
void mt_pressure_init(void)
{
	u64 ram = (u64)totalram_pages() << PAGE_SHIFT;

	if (!mt_pressure_margin)
		mt_pressure_margin = max_t(u64, ram / 32, SZ_64M);
}

/**
 * mt_avail_bytes() - the machine's MemAvailable, in bytes
 *
 * Context: any context but NMI.
 * Return: what /proc/meminfo would show now.
 */
u64 mt_avail_bytes(void)
{
	return (u64)si_mem_available() << PAGE_SHIFT;
}

#ifdef CONFIG_VM_EVENT_COUNTERS
static const char * const mt_vm_names[MT_NR_VM] = {
	[MT_VM_ALLOCSTALL] = "allocstall",
	[MT_VM_PGSCAN_KSWAPD] = "pgscan_kswapd",
	[MT_VM_PGSCAN_DIRECT] = "pgscan_direct",
	[MT_VM_PGSTEAL_KSWAPD] = "pgsteal_kswapd",
	[MT_VM_PGSTEAL_DIRECT] = "pgsteal_direct",
	[MT_VM_COMPACT_STALL] = "compact_stall",
	[MT_VM_COMPACT_FAIL] = "compact_fail",
	[MT_VM_COMPACT_SUCCESS] = "compact_success",
	[MT_VM_OOM_KILL] = "oom_kill",
};

/* Not counted by this kernel (compaction built out). */
#define MT_VM_NONE	(-1)

/* Each item's event; allocstall's is the first of its zones. */
static const int mt_vm_events[MT_NR_VM] = {
	[MT_VM_ALLOCSTALL] = ALLOCSTALL_NORMAL - ZONE_NORMAL,
	[MT_VM_PGSCAN_KSWAPD] = PGSCAN_KSWAPD,
	[MT_VM_PGSCAN_DIRECT] = PGSCAN_DIRECT,
	[MT_VM_PGSTEAL_KSWAPD] = PGSTEAL_KSWAPD,
	[MT_VM_PGSTEAL_DIRECT] = PGSTEAL_DIRECT,
#ifdef CONFIG_COMPACTION
	[MT_VM_COMPACT_STALL] = COMPACTSTALL,
	[MT_VM_COMPACT_FAIL] = COMPACTFAIL,
	[MT_VM_COMPACT_SUCCESS] = COMPACTSUCCESS,
#else
	[MT_VM_COMPACT_STALL] = MT_VM_NONE,
	[MT_VM_COMPACT_FAIL] = MT_VM_NONE,
	[MT_VM_COMPACT_SUCCESS] = MT_VM_NONE,
#endif
	[MT_VM_OOM_KILL] = OOM_KILL,
};

/**
 * mt_vmstat_read() - read the events a test reports
 * @vs: where to put them
 *
 * Sums each CPU's counters as /proc/vmstat does, without the hotplug
 * lock: a dead CPU's events are folded into a live one's, and an offline
 * CPU's read as zero.
 *
 * Context: any context.
 */
void mt_vmstat_read(struct mt_vmstat *vs)
{
	unsigned int i;
	int cpu, ev;

	memset(vs, 0, sizeof(*vs));
	for_each_possible_cpu(cpu) {
		const unsigned long *e = per_cpu(vm_event_states, cpu).event;

		for (i = 0; i < MT_NR_VM; i++) {
			if (mt_vm_events[i] == MT_VM_NONE)
				continue;
			vs->ev[i] += READ_ONCE(e[mt_vm_events[i]]);
		}
		/* allocstall: every zone's, up to the last one counted */
		for (ev = ALLOCSTALL_NORMAL - ZONE_NORMAL + 1;
		     ev <= ALLOCSTALL_MOVABLE; ev++)
			vs->ev[MT_VM_ALLOCSTALL] += READ_ONCE(e[ev]);
	}
}

/**
 * mt_vmstat_show() - print the events counted between two readings
 * @m: the statistics file
 * @from: the first reading
 * @to: the second
 *
 * One "vm_NAME: N" line per event this kernel counts.
 */
void mt_vmstat_show(struct seq_file *m, const struct mt_vmstat *from,
		    const struct mt_vmstat *to)
{
	unsigned int i;

	for (i = 0; i < MT_NR_VM; i++)
		if (mt_vm_events[i] != MT_VM_NONE)
			seq_printf(m, "vm_%s: %lu\n", mt_vm_names[i],
				   to->ev[i] - from->ev[i]);
}
#else
void mt_vmstat_read(struct mt_vmstat *vs)
{
	memset(vs, 0, sizeof(*vs));
}

/* Without CONFIG_VM_EVENT_COUNTERS the kernel counts none of them. */
void mt_vmstat_show(struct seq_file *m, const struct mt_vmstat *from,
		    const struct mt_vmstat *to)
{
}
#endif
