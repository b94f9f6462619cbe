/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - the files in debugfs (mt_debugfs.c).
 */
#ifndef _MT_DEBUGFS_H
#define _MT_DEBUGFS_H

struct dentry;

struct dentry *mt_debugfs_init(void);
void mt_debugfs_exit(void);

#endif /* _MT_DEBUGFS_H */
