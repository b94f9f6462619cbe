/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - the command handlers, the kept memory they hold, and the
 * answers they give (mt_cmd.c).
 */
#ifndef _MT_CMD_H
#define _MT_CMD_H

#include <linux/atomic.h>
#include <linux/compiler_attributes.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/types.h>

#include "mt_grammar.h"
#include "mt_owner.h"

/* An answer, at most. */
#define MT_RESULT_MAX	512

/**
 * struct mt_cmd_ctx - one open command file
 * @syn: the command the file takes (mt_syntax[])
 * @id: its enum mt_cmd_id
 * @lock: serialises commands and reads on this open file
 * @fresh: @res holds an answer not read yet: the next read starts at 0
 * @len: bytes in @res
 * @res: the answer to the last command, read back on the same file
 */
struct mt_cmd_ctx {
	const struct mt_syntax *syn;
	enum mt_cmd_id id;
	struct mutex lock;	/* protects @fresh, @len and @res */
	bool fresh;
	size_t len;
	char res[MT_RESULT_MAX];
};

/* mem_rnd_alloc commands killed midway, and what they kept. */
extern atomic64_t mt_killed_rnd_allocs;
extern atomic64_t mt_killed_rnd_bytes;

void mt_cmd_open(struct mt_cmd_ctx *ctx, enum mt_cmd_id id);
int mt_cmd_run(struct mt_cmd_ctx *ctx, char *buf);
__printf(3, 4) int mt_answer(struct mt_cmd_ctx *ctx, int err,
			     const char *fmt, ...);
int mt_cmd_load(const char *param, enum mt_cmd_id id, const char *val,
		bool unit_suffix);
void mt_cmd_show_caches(struct seq_file *m,
			void (*show)(struct seq_file *m, struct mt_caches *cs));
void mt_cmd_counts(struct mt_counts *sum);
void mt_cmd_init(void);
void mt_cmd_exit(void);

#endif /* _MT_CMD_H */
