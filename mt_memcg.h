/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - why a charged allocation failed (mt_memcg.c).
 */
#ifndef _MT_MEMCG_H
#define _MT_MEMCG_H

#include <linux/types.h>

struct mem_cgroup;

bool mt_memcg_explain(struct mem_cgroup *memcg, u64 bytes, char *buf,
		      size_t len);

#endif /* _MT_MEMCG_H */
