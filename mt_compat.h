/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - what differs between the kernels it builds for.
 */
#ifndef _MT_COMPAT_H
#define _MT_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/slab.h>
#include <linux/version.h>

/* 6.13 added hrtimer_setup(); later kernels dropped hrtimer_init(). */
static inline void mt_hrtimer_setup(struct hrtimer *timer,
				    enum hrtimer_restart (*fn)(struct hrtimer *),
				    clockid_t clock, enum hrtimer_mode mode)
{
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
	hrtimer_setup(timer, fn, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
#endif
}

/*
 * 6.12 gave kvrealloc() krealloc()'s arguments.  Its vrealloc() is not
 * exported to modules, so mt_chunk.c resizes vmalloc chunks itself.
 */
static inline void *mt_kvrealloc(void *p, size_t old, size_t new, gfp_t gfp)
{
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
	return kvrealloc(p, new, gfp);
#else
	return kvrealloc(p, old, new, gfp);
#endif
}

#endif /* _MT_COMPAT_H */
