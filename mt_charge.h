/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - the caps and what is charged against them (mt_charge.c).
 */
#ifndef _MT_CHARGE_H
#define _MT_CHARGE_H

#include <linux/atomic.h>
#include <linux/moduleparam.h>
#include <linux/types.h>

/**
 * struct mt_reserve - bytes a command charged ahead, not used yet
 * @left: how many; the command's own, no lock
 * @urgent: they are charged against max_atomic_bytes too
 */
struct mt_reserve {
	u64 left;
	bool urgent;
};

void mt_charge_init(void);
bool mt_charge(u64 bytes);
void mt_charge_force(u64 bytes, bool urgent);
void mt_charge_adjust(s64 bytes, s64 atomic);
void mt_uncharge(u64 bytes);
bool mt_overhead_charge(struct mt_reserve *res, u64 bytes);
void mt_overhead_uncharge(u64 bytes);
bool mt_reserve_init(struct mt_reserve *res, u64 bytes, bool urgent);
void mt_reserve_end(struct mt_reserve *res);
bool mt_reserve_take(struct mt_reserve *res, u64 bytes, bool urgent);
void mt_reserve_give(struct mt_reserve *res, u64 bytes, bool urgent);
void mt_rcu_keep(u64 bytes, bool urgent);
void mt_charge_exit(void);

/* A size parameter's set and get: 1048576, 1024k, 1G (mt_charge.c). */
extern const struct kernel_param_ops mt_bytes_ops;

/* The caps (mt_charge.c); read them with READ_ONCE(). */
extern u64 mt_max_bytes;
extern u64 mt_max_atomic_bytes;
/* What is charged (mt_charge.c). */
extern atomic64_t mt_committed;
extern atomic64_t mt_reserved;
extern atomic64_t mt_overhead;
extern atomic64_t mt_atomic_committed;
extern atomic64_t mt_rcu_pending;

#endif /* _MT_CHARGE_H */
