/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - random sequences that a seed makes repeatable (mt_rand.c).
 */
#ifndef _MT_RAND_H
#define _MT_RAND_H

#include <linux/prandom.h>
#include <linux/types.h>

u64 mt_seed_for(u64 salt);
u64 mt_rand_range(struct rnd_state *rnd, u64 lo, u64 hi);

#endif /* _MT_RAND_H */
