// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - what the module's parameters share: a refused value is
 * logged with the reason, by one rate-limited call for them all (each
 * parameter is defined in the file whose behaviour it sets).
 */
#include "malloc_test.h"

#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/string.h>

/* A refused value is quoted up to this many bytes, escaped (%*pE). */
#define MT_PARAM_QUOTE_MAX	32

/* Refusals of every parameter together: 10 lines each 5 seconds. */
static DEFINE_RATELIMIT_STATE(mt_param_rs, 5 * HZ, 10);

/**
 * mt_param_refuse() - refuse a module parameter's new value, saying why
 * @kp: the parameter
 * @val: the value refused
 * @what: what it takes
 *
 * Context: process context (a parameter's set callback).
 * Return: -EINVAL.
 */
int mt_param_refuse(const struct kernel_param *kp, const char *val,
		    const char *what)
{
	if (__ratelimit(&mt_param_rs))
		pr_warn("parameter %s: '%*pE' refused: %s\n", kp->name,
			(int)min_t(size_t, strcspn(val, "\n"),
				   MT_PARAM_QUOTE_MAX), val, what);
	return -EINVAL;
}
