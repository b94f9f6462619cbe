/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mt_errno.h - the names of the errnos malloc_test and the kernel's file
 * and module calls give, for the user-space tools' messages and JSON
 * (mtctl, mtstorm).  Header-only: each tool is one static binary.
 */
#ifndef MT_ERRNO_H
#define MT_ERRNO_H

#include <errno.h>
#include <stddef.h>
#include <stdio.h>

/* "EINVAL" for EINVAL; "E<n>" in @buf for one not listed. */
static inline const char *mt_errno_name(int err, char *buf, size_t len)
{
#define MT_E(x)	{ x, #x }
	static const struct {
		int err;
		const char *name;
	} names[] = {
		MT_E(EPERM), MT_E(ENOENT), MT_E(EINTR), MT_E(EIO),
		MT_E(ENXIO), MT_E(E2BIG), MT_E(EAGAIN), MT_E(ENOMEM),
		MT_E(EACCES), MT_E(EBUSY), MT_E(ENODEV), MT_E(ENOTDIR),
		MT_E(EINVAL), MT_E(ENOSPC), MT_E(EROFS), MT_E(ERANGE),
	};
#undef MT_E
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, len, "E%d", err);
	return buf;
}

#endif /* MT_ERRNO_H */
