// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - why a charged allocation failed.
 *
 * gfp=account charges a chunk to a memory cgroup: the writer's, or a
 * test's (its writer's when it started).  When the kernel refuses such a
 * chunk, the usual cause is a group, the one charged or an ancestor,
 * whose memory.max leaves no room for it: with retry_mayfail or noretry
 * (the module's defaults) the kernel reclaims in the group, then fails
 * the charge rather than call the OOM killer.  mt_memcg_explain() looks
 * for such a group once the allocation has failed, and names it, so that
 * the refusal or the log line says why.  It reads the group's counter
 * after the fact: the usage may have moved meanwhile, so it says what it
 * saw, not what the kernel decided.
 */
#include "malloc_test.h"
#include "mt_memcg.h"

#include <linux/cgroup.h>
#include <linux/kernel.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/page_counter.h>
#include <linux/sched.h>

/**
 * mt_memcg_explain() - name the memory cgroup that had no room for a charge
 * @memcg: the group charged; NULL: the writer's
 * @bytes: what the failed allocation would have charged
 * @buf: where the reason goes: "memory cgroup PATH is at its memory.max
 *	(N bytes, M in use)"
 * @len: its size
 *
 * The root group has no limit; the first group from @memcg up whose usage
 * and @bytes pass its memory.max is the one named.
 *
 * Context: process context.
 * Return: true when such a group was found and @buf says which.
 */
bool mt_memcg_explain(struct mem_cgroup *memcg, u64 bytes, char *buf,
		      size_t len)
{
#ifdef CONFIG_MEMCG
	unsigned long pages = DIV_ROUND_UP_ULL(bytes, PAGE_SIZE);
	struct mem_cgroup *mine = NULL, *m;
	unsigned long usage, max;
	char path[96];
	bool found = false;

	if (mem_cgroup_disabled())
		return false;
	if (!memcg) {
		if (!current->mm)
			return false;
		mine = get_mem_cgroup_from_mm(current->mm);
		memcg = mine;
	}
	for (m = memcg; m; m = parent_mem_cgroup(m)) {
		usage = page_counter_read(&m->memory);
		max = READ_ONCE(m->memory.max);
		if (usage + pages <= max)
			continue;
		if (cgroup_path(m->css.cgroup, path, sizeof(path)) < 0)
			strscpy(path, "(unnamed)", sizeof(path));
		scnprintf(buf, len,
			  "memory cgroup %s is at its memory.max (%llu bytes, %llu in use)",
			  path, (u64)max << PAGE_SHIFT, (u64)usage << PAGE_SHIFT);
		found = true;
		break;
	}
	mem_cgroup_put(mine);
	return found;
#else
	return false;
#endif
}
