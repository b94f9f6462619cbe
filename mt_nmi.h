/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - a call run in an NMI of the caller's own CPU, for
 * ctx=nmi (mt_nmi.c).
 */
#ifndef _MT_NMI_H
#define _MT_NMI_H

const char *mt_nmi_missing(void);
int mt_nmi_get(void);
void mt_nmi_put(void);
int mt_nmi_run(void (*fn)(void *arg), void *arg);

#endif /* _MT_NMI_H */
