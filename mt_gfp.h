/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - the GFP flags of gfp= (mt_gfp.c).
 */
#ifndef _MT_GFP_H
#define _MT_GFP_H

#include <linux/gfp.h>
#include <linux/types.h>

#include "mt_grammar.h"

gfp_t mt_gfp_flags(unsigned int set);
int mt_gfp_print(char *buf, size_t len, unsigned int set);
bool mt_gfp_urgent(gfp_t gfp);

#endif /* _MT_GFP_H */
