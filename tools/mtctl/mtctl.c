// SPDX-License-Identifier: GPL-2.0
/*
 * mtctl - command-line client of the malloc_test module.
 *
 * A module command is one write() of its whole line on its file in
 * /sys/kernel/debug/malloc_test/, and its answer is read back on the same
 * open file: the module keeps the answer with the file, so it is ours even
 * while others write.  A refused write leaves "error: REASON" there, which
 * becomes our error sentence.  mem_used, mem_test_list and tests/ID/stats
 * are read as "key: value" lines; the parameters are the files of
 * /sys/module/malloc_test/parameters/.
 *
 * One table drives the commands: name, handler, how many numbers and
 * which are sizes, the options it takes, its usage and help.  The command
 * line is checked against it before anything is written, the options'
 * values as the module's parser checks them (an allocator's name, a gfp=
 * list, a node or CPU number...); what the module alone can judge (min <=
 * max, max_bytes, whether node 1 exists, which flags go together...) is
 * left to it, and its reason is ours.
 *
 * footprint also reads the kernel's own figures of the module's caches,
 * which the module cannot: /sys/kernel/slab/NAME/, and the machine's in
 * /proc (meminfo, vmallocinfo, buddyinfo).
 *
 * Exit status: 0 done, 1 refused or module unreachable, 2 usage error.
 * Documentation/mtctl.rst is the contract.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "mt_errno.h"
#include "mt_grammar.h"

#define MTCTL_VERSION	"0.1"

#define DEBUGFS_MAGIC	0x64626720
#define MT_DIR		"malloc_test"
#define MAX_NUMS	6	/* numbers a command takes, at most */
#define LINE_MAX_LEN	512	/* a command line; the module takes a page */
#define BAR_CELLS	30

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum { EXIT_DONE = 0, EXIT_REFUSED = 1, EXIT_USAGE = 2 };

/* What a command takes besides its numbers (cmd.flags). */
#define CMD_SHOW_UNIT	0x01	/* a UNIT to show sizes in, even alone */
#define CMD_ALLOC	0x02	/* --alloc A, --gfp F,..., --node N */
#define CMD_WATCH	0x04	/* --interval S, --count N */
#define CMD_WORDS	0x08	/* its arguments are words, not numbers */
#define CMD_WRONLY	0x10	/* its file is write-only: no answer */
#define CMD_RECORD	0x20	/* its answer is "key: value" lines */
#define CMD_TEST	0x40	/* --ctx C, --cpu N, --free P */
#define CMD_BENCH	0x80	/* --size S, --count N, --threads T... */

struct cmd;

/* One command line, parsed and checked against its command. */
struct call {
	const struct cmd *cmd;
	char **arg;			/* positional arguments */
	unsigned int nr_args;
	unsigned long long num[MAX_NUMS];
	unsigned int nr_num;
	const char *unit_word;		/* as given, or NULL */
	char unit;			/* its letter, lowercased; 0: bytes */
	unsigned int shift;		/* 0, 10, 20 or 30 */
	const char *alloc;		/* --alloc, or NULL */
	const char *gfp;		/* --gfp, checked, or NULL */
	const char *ctx;		/* --ctx, or NULL */
	const char *free;		/* --free, or NULL */
	const char *release;		/* --release, or NULL */
	const char *reserve;		/* --reserve, checked, or NULL */
	const char *avail;		/* --avail, checked, or NULL */
	bool has_node, has_cpu;
	unsigned int node, cpu;		/* --node, --cpu */
	unsigned long interval_ms;
	unsigned long count;		/* watch frames; 0: no limit */
	/*
	 * bench: as given, checked; NULL when not given (--bulk:
	 * mem_test_start's too)
	 */
	const char *size, *ops, *threads, *pattern, *sample, *time, *bulk;
	const char *sheaf;
};

/*
 * A command of mtctl's.  One that is the module's names its entry of the
 * module's grammar (@grammar: enum mt_cmd_id + 1), and grammar_init()
 * fills in its numbers, their names, the unit and the usage from there;
 * the others (mtctl's own: mem_used, watch, ...) say them here.
 */
struct cmd {
	const char *name;
	int (*fn)(const struct call *c);
	unsigned int min_args, max_args;
	unsigned int size_mask;		/* numbers UNIT applies to */
	unsigned int flags;
	const char *key;		/* JSON key of a one-number answer */
	const char *const *argn;	/* names of the numbers */
	const char *usage;
	const char *help;		/* one line, for mtctl help */
	const char *more;		/* a few, for mtctl help COMMAND */
	unsigned int grammar;		/* enum mt_cmd_id + 1; 0: mtctl's */
};

/* A module command: its grammar entry fills in the rest. */
#define MODULE_CMD(id, fl, k, h, m)					\
	{ .name = NULL, .fn = cmd_module, .flags = (fl), .key = (k),	\
	  .help = (h), .more = (m), .grammar = (id) + 1 }

/*
 * "key: value" lines: mem_used, a test, mem_rnd_alloc's answer,
 * bench_result.  The pairs live in the block parse_recs() allocates.
 */
struct kv {
	const char *key, *val;
};

struct rec {
	struct kv *kv;
	unsigned int n;
};

/*
 * What each of the module's commands takes, and the values of its
 * options, are the module's own grammar, mt_grammar.c, compiled in: the
 * client knows no command's shape of its own.  These lists are written
 * from it at start-up (grammar_init()), for messages and help.
 */
static char alloc_list[128];	/* "kmalloc, vmalloc, ... or mempool" */
static char gfp_list[256];	/* "bases kernel, ...; modifiers ..." */
static char gfp_base_list[64];	/* "kernel, atomic or nowait" */
static char gfp_mod_list[128];	/* "noretry, retry_mayfail, ..." */
static char ctx_list[48], free_list[64], pattern_list[48], release_list[24];

static const struct param {
	const char *name;
	const char *accepts;
} params[] = {
	{ "check_content", "0 or 1" },
	{ "realloc_p", "a percentage from 0 to 90" },
	{ "max_bytes", "a size from 1 byte to 2^63 - 1, its unit attached if need be (1048576, 64k, 1G)" },
	{ "max_atomic_bytes", "a size as max_bytes takes" },
	{ "max_tests", "a number from 1 to 65536" },
	{ "alloc", alloc_list },
	{ "seed", "an unsigned 64-bit number (0 for fresh randomness)" },
	{ "pressure_margin", "a size as max_bytes takes" },
};


static bool json;
static const char *debugfs_dir = "/sys/kernel/debug";
static const char *sysfs_dir = "/sys/module/malloc_test";
static volatile sig_atomic_t stop_signal;

/* ---- errors and JSON ---------------------------------------------- */

static const char *errno_name(int err)
{
	static char buf[16];

	return mt_errno_name(err, buf, sizeof(buf));
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static bool is_integer(const char *s)
{
	s += *s == '-';
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* A module value: a number when it is one, a string otherwise. */
static void json_val(const char *v)
{
	if (is_integer(v))
		fputs(v, stdout);
	else
		json_str(v);
}

/* "key": value, "key": value... of @r, without braces. */
static void json_fields(const struct rec *r)
{
	unsigned int i;

	for (i = 0; i < r->n; i++) {
		fputs(i ? ", " : "", stdout);
		json_str(r->kv[i].key);
		fputs(": ", stdout);
		json_val(r->kv[i].val);
	}
}

/*
 * Say what went wrong: "mtctl: SENTENCE" on stderr and, with --json, the
 * error document on stdout.  Return: @status, the exit status.
 */
__attribute__((format(printf, 3, 4)))
static int fail(int status, int err, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fflush(stdout);
	fprintf(stderr, "mtctl: %s\n", msg);
	if (json) {
		fputs("{\"error\": ", stdout);
		json_str(msg);
		printf(", \"errno\": \"%s\"}\n", errno_name(err));
	}
	return status;
}

#define usage_fail(fmt, ...)	fail(EXIT_USAGE, EINVAL, fmt, ##__VA_ARGS__)

/* A sentence for a refusal the module gave no reason for. */
static const char *errno_sentence(int err)
{
	switch (err) {
	case ENOENT:
		return "no such test";
	case ENOSPC:
		return "a cap of the module would be passed (max_bytes, max_atomic_bytes or max_tests)";
	case ENOMEM:
		return "the kernel refused the allocation";
	case EINVAL:
		return "the module refused the command";
	default:
		return strerror(err);
	}
}

/* ---- reaching the module ------------------------------------------ */

/*
 * A file of the module could not be opened or written (@err): say so when
 * the module cannot be reached at all.  Return: EXIT_REFUSED when it said
 * so, 0 when the module is there and @err is the file's own business.
 */
static int unreachable(int err, bool need_debugfs)
{
	char path[PATH_MAX];
	struct statfs sfs;
	struct stat st;

	if (stat(sysfs_dir, &st) || !S_ISDIR(st.st_mode))
		return fail(EXIT_REFUSED, err,
			    "malloc_test is not loaded (insmod malloc_test.ko)");
	snprintf(path, sizeof(path), "%s/" MT_DIR, debugfs_dir);
	if (need_debugfs &&
	    (statfs(debugfs_dir, &sfs) || sfs.f_type != DEBUGFS_MAGIC ||
	     (stat(path, &st) && errno == ENOENT)))
		return fail(EXIT_REFUSED, err,
			    "debugfs is not mounted at %s (mount -t debugfs none %s)",
			    debugfs_dir, debugfs_dir);
	if (err == EACCES || err == EPERM || geteuid() != 0)
		return fail(EXIT_REFUSED, err,
			    "needs root: the malloc_test files are root's only");
	return 0;
}

/* Open a file of malloc_test/ in debugfs.  Return: an fd, or -errno. */
static int mt_open(const char *rel, int flags)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/" MT_DIR "/%s", debugfs_dir, rel);
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Read @fd to its end into a new NUL-terminated buffer.  Return: 0, -errno. */
static int read_all(int fd, char **out)
{
	size_t len = 0, size = 0;
	char *buf = NULL, *nbuf;
	ssize_t n;

	for (;;) {
		if (len + 1 >= size) {
			size = size ? size * 2 : 4096;
			nbuf = realloc(buf, size);
			if (!nbuf)
				break;
			buf = nbuf;
		}
		n = read(fd, buf + len, size - len - 1);
		if (n > 0) {
			len += n;
		} else if (!n) {
			buf[len] = '\0';
			*out = buf;
			return 0;
		} else if (errno != EINTR) {
			break;
		}
	}
	n = -errno;	/* read()'s, or realloc()'s ENOMEM */
	free(buf);
	return n;
}

/*
 * Read a whole file of the module into *@out.  Return: 0, or the exit
 * status, said already; a missing file is @enoent when that is given.
 */
static int mt_read(const char *rel, char **out, const char *enoent)
{
	int fd = mt_open(rel, O_RDONLY), ret;

	if (fd >= 0) {
		ret = read_all(fd, out);
		close(fd);
	} else {
		ret = fd;
	}
	if (!ret)
		return 0;
	if (unreachable(-ret, true))
		return EXIT_REFUSED;
	if (ret == -ENOENT && enoent)
		return fail(EXIT_REFUSED, ENOENT, "%s", enoent);
	return fail(EXIT_REFUSED, -ret, "cannot read %s/" MT_DIR "/%s: %s",
		    debugfs_dir, rel, strerror(-ret));
}

/*
 * Split @text, in place, into records of "key: value" lines, a blank line
 * between two.  Return: how many, in *@out: one block to free, the
 * records and their pairs.
 */
static unsigned int parse_recs(char *text, struct rec **out)
{
	size_t lines = 1;
	struct rec *recs, *r = NULL;
	unsigned int nr = 0;
	char *line, *next, *colon;
	struct kv *kv;

	for (line = text; *line; line++)
		lines += *line == '\n';
	recs = malloc(lines * (sizeof(*recs) + sizeof(*kv)));
	*out = recs;
	if (!recs)
		return 0;
	kv = (struct kv *)(recs + lines);
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line)
			r = NULL;
		colon = strstr(line, ": ");
		if (!colon)
			continue;
		if (!r) {
			r = &recs[nr++];
			r->kv = kv;
			r->n = 0;
		}
		*colon = '\0';
		kv->key = line;
		kv++->val = colon + 2;
		r->n++;
	}
	return nr;
}

static const char *rec_get(const struct rec *r, const char *key)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->kv[i].key, key))
			return r->kv[i].val;
	return NULL;
}

static long long rec_num(const struct rec *r, const char *key)
{
	const char *v = rec_get(r, key);

	return v ? strtoll(v, NULL, 10) : 0;
}

/* ---- numbers and units -------------------------------------------- */

/* Unsigned decimal, 64 bits, digits only.  Return: 0 or -1. */
static int parse_u64(const char *s, unsigned long long *v)
{
	unsigned long long n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) ||
		    n > (ULLONG_MAX - (*s - '0')) / 10)
			return -1;
		n = n * 10 + (*s - '0');
	}
	*v = n;
	return 0;
}

/* @v / @div with up to 2 decimals, rounded, trailing zeros trimmed. */
static void fmt_div(char *buf, size_t len, long long v, unsigned long long div)
{
	unsigned long long q, h;

	if (v < 0) {
		snprintf(buf, len, "%lld", v);
		return;
	}
	q = (unsigned long long)v / div;
	h = ((unsigned long long)v % div * 100 + div / 2) / div;
	if (h == 100) {
		q++;
		h = 0;
	}
	if (!h)
		snprintf(buf, len, "%llu", q);
	else if (h % 10 == 0)
		snprintf(buf, len, "%llu.%llu", q, h / 10);
	else
		snprintf(buf, len, "%llu.%02llu", q, h);
}

/* A size in @unit ("10.59 k"), or plain bytes without one. */
static void fmt_size(char *buf, size_t len, long long v, char unit,
		     unsigned int shift)
{
	size_t n;

	if (!unit) {
		snprintf(buf, len, "%lld", v);
		return;
	}
	fmt_div(buf, len, v, 1ULL << shift);
	n = strlen(buf);
	snprintf(buf + n, len - n, " %c", unit);
}

/* ---- module commands ---------------------------------------------- */

/*
 * Write @line to the command file @name in one write(), and read its
 * answer back on the same file (none from a write-only one).  Return: 0
 * with *@werr the write's errno (0 when taken) and *@ans the answer, or
 * the exit status, said; a missing file is @enoent when that is given.
 */
static int exchange_line(const char *name, bool wronly, const char *line,
			 const char *enoent, int *werr, char **ans)
{
	size_t len = strlen(line);
	ssize_t n;
	int fd;

	fd = mt_open(name, wronly ? O_WRONLY : O_RDWR);
	if (fd < 0 && unreachable(-fd, true))
		return EXIT_REFUSED;
	if (fd == -ENOENT && enoent)
		return fail(EXIT_REFUSED, ENOENT, "%s", enoent);
	if (fd < 0)
		return fail(EXIT_REFUSED, -fd, "cannot open %s: %s", name,
			    strerror(-fd));
	n = write(fd, line, len);
	*werr = n < 0 ? errno : (size_t)n != len ? EIO : 0;
	if (wronly || read_all(fd, ans))
		*ans = strdup("");
	close(fd);
	return *ans ? 0 : fail(EXIT_REFUSED, ENOMEM, "out of memory");
}

/*
 * Write the command, "N... [UNIT] [alloc=A] [gfp=F,...] [node=N] [ctx=C]
 * [cpu=N] [free=P] [bulk=N] [release=R] [reserve=N] [avail=S]\n", and
 * read its answer back: exchange_line().
 */
static int exchange(const struct call *c, int *werr, char **ans)
{
	char line[LINE_MAX_LEN];
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < c->nr_num; i++)
		len += snprintf(line + len, sizeof(line) - len, "%s%llu",
				i ? " " : "", c->num[i]);
	if (c->unit_word)
		len += snprintf(line + len, sizeof(line) - len, " %s", c->unit_word);
	if (c->alloc)
		len += snprintf(line + len, sizeof(line) - len, " alloc=%s", c->alloc);
	if (c->gfp)
		len += snprintf(line + len, sizeof(line) - len, " gfp=%s", c->gfp);
	if (c->has_node)
		len += snprintf(line + len, sizeof(line) - len, " node=%u", c->node);
	if (c->ctx)
		len += snprintf(line + len, sizeof(line) - len, " ctx=%s", c->ctx);
	if (c->has_cpu)
		len += snprintf(line + len, sizeof(line) - len, " cpu=%u", c->cpu);
	if (c->free)
		len += snprintf(line + len, sizeof(line) - len, " free=%s", c->free);
	if (c->bulk)
		len += snprintf(line + len, sizeof(line) - len, " bulk=%s", c->bulk);
	if (c->release)
		len += snprintf(line + len, sizeof(line) - len, " release=%s",
				c->release);
	if (c->reserve)
		len += snprintf(line + len, sizeof(line) - len, " reserve=%s",
				c->reserve);
	if (c->avail)
		len += snprintf(line + len, sizeof(line) - len, " avail=%s",
				c->avail);
	snprintf(line + len, sizeof(line) - len, "\n");
	return exchange_line(c->cmd->name, c->cmd->flags & CMD_WRONLY, line,
			     NULL, werr, ans);
}

/*
 * The module's "error: REASON" line, or NULL.  Its "; usage: ..." tail
 * gives the module's syntax (alloc=A), not ours: it goes.
 */
static char *refusal_reason(char *ans)
{
	char *usage;

	if (strncmp(ans, "error: ", 7))
		return NULL;
	ans[strcspn(ans, "\n")] = '\0';
	usage = strstr(ans, "; usage: ");
	if (usage)
		*usage = '\0';
	return ans + 7;
}

/*
 * mem_rnd_alloc's answer, or mem_alloc's with --avail: "key: value"
 * lines.  When the write failed (@werr) and the answer is there all the
 * same (mem_rnd_alloc's), show it, and say why.  Return: the exit status.
 */
static int show_record(char *ans, int werr)
{
	struct rec *recs, none = { .n = 0 };
	unsigned int nr = parse_recs(ans, &recs), i;
	const struct rec *r = nr ? &recs[0] : &none;
	char why[128];

	if (werr == ENOMEM)
		snprintf(why, sizeof(why), "%lld of the pieces could not be allocated",
			 rec_num(r, "errors"));
	else if (werr)
		snprintf(why, sizeof(why), "%s; the pieces allocated are kept",
			 errno_sentence(werr));
	for (i = 0; !json && i < r->n; i++)
		printf("%s: %s\n", r->kv[i].key, r->kv[i].val);
	if (json) {
		putchar('{');
		json_fields(r);
		if (werr) {
			fputs(r->n ? ", \"error\": " : "\"error\": ", stdout);
			json_str(why);
			printf(", \"errno\": \"%s\"", errno_name(werr));
		}
		puts("}");
	}
	fflush(stdout);
	if (werr)
		fprintf(stderr, "mtctl: %s\n", why);
	free(recs);
	return werr ? EXIT_REFUSED : EXIT_DONE;
}

/*
 * mem_alloc, mem_free, mem_realloc, mem_rnd_alloc, mem_test_*.  A
 * mem_alloc with --avail answers "key: value" lines, as mem_rnd_alloc;
 * stopped midway (ENOMEM, ENOSPC, EINTR), it answers its refusal, whose
 * reason has the figures.
 */
static int cmd_module(const struct call *c)
{
	const struct cmd *cmd = c->cmd;
	bool record = (cmd->flags & CMD_RECORD) || c->avail;
	char *ans, *reason;
	int werr, ret;

	ret = exchange(c, &werr, &ans);
	if (ret)
		return ret;
	if (record && (!werr || (*ans && !refusal_reason(ans)))) {
		ret = show_record(ans, werr);
	} else if (werr) {
		reason = refusal_reason(ans);
		ret = fail(EXIT_REFUSED, werr, "%s",
			   reason ?: errno_sentence(werr));
	} else if (cmd->key) {
		ans[strcspn(ans, "\n")] = '\0';
		if (json)
			printf("{\"%s\": %s}\n", cmd->key, is_integer(ans) ? ans : "null");
		else
			puts(ans);
	} else if (json) {
		puts("{}");
	}
	free(ans);
	return ret;
}

/* ---- mem_used, mem_test_list -------------------------------------- */

static bool in_list(const char *key, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(key, *list))
			return true;
	return false;
}

/*
 * A size, shown in the UNIT asked for: "bytes", every "..._bytes"
 * (kept_bytes, max_bytes, kmalloc_bytes, charged_bytes...) and every
 * "..._charged" (kept_charged, kmalloc_charged...).
 */
static bool is_size_key(const char *key)
{
	size_t n = strlen(key);

	return !strcmp(key, "bytes") ||
	       (n > 6 && !strcmp(key + n - 6, "_bytes")) ||
	       (n > 8 && !strcmp(key + n - 8, "_charged"));
}

/*
 * mem_used: every line the module gives, in its order: the totals, the
 * kept and test shares, corruptions, max_bytes, tracking_bytes, each
 * allocator's chunks and bytes, the dedicated caches alive, the bench's
 * charge; then what is charged against max_bytes and max_atomic_bytes,
 * each allocator's share of it, the tests and the killed mem_rnd_allocs.
 */
static int cmd_used(const struct call *c)
{
	struct rec *recs, none = { .n = 0 };
	char *text, v[64];
	unsigned int i;
	const struct rec *r;
	int ret;

	ret = mt_read("mem_used", &text, NULL);
	if (ret)
		return ret;
	r = parse_recs(text, &recs) ? &recs[0] : &none;
	if (json) {
		putchar('{');
		json_fields(r);
		puts("}");
	}
	for (i = 0; !json && i < r->n; i++) {
		if (is_size_key(r->kv[i].key) && is_integer(r->kv[i].val))
			fmt_size(v, sizeof(v), strtoll(r->kv[i].val, NULL, 10),
				 c->unit, c->shift);
		else
			snprintf(v, sizeof(v), "%s", r->kv[i].val);
		printf("%s: %s\n", r->kv[i].key, v);
	}
	free(recs);
	free(text);
	return EXIT_DONE;
}

/*
 * A test's block: label, key and how its value is shown (AS_OPT: as it
 * is, and not at all from a module that does not give it; AS_OSIZE: a
 * size, likewise; AS_POOL: as AS_OPT, and only for an alloc=mempool
 * test, the others' being 0; AS_MANY: as AS_OPT, and only above 1, the
 * default).  Keys the module may add later are shown after these, as
 * they come.
 */
enum show_as {
	AS_COUNT, AS_SIZE, AS_SECS, AS_INTERVALS, AS_OPT, AS_OSIZE, AS_POOL,
	AS_MANY
};

static const struct test_line {
	const char *label, *key;
	enum show_as as;
} test_lines[] = {
	{ "run time (s)", "run_time_ms", AS_SECS },
	{ "remaining (s)", "remaining_ms", AS_SECS },
	{ "allocations", "allocations", AS_COUNT },
	{ "reallocs", "reallocs", AS_COUNT },
	{ "errors", "errors", AS_COUNT },
	{ "overflows", "overflows", AS_COUNT },
	{ "total alloc", "total_alloc", AS_SIZE },
	{ "freed", "freed", AS_SIZE },
	{ "held", "held", AS_SIZE },
	{ "charged", "charged", AS_OSIZE },
	{ "own memory", "overhead_bytes", AS_OSIZE },
	{ "chunks", "chunks", AS_COUNT },
	{ "min", "min", AS_SIZE },
	{ "max", "max", AS_SIZE },
	{ "total", "total", AS_SIZE },
	{ "intervals (ms)", "min_int_ms", AS_INTERVALS },
	{ "total time (s)", "total_time_ms", AS_SECS },
	{ "gfp", "gfp", AS_OPT },
	{ "node", "node", AS_OPT },
	{ "context", "ctx", AS_OPT },
	{ "cpu", "cpu", AS_OPT },
	{ "free policy", "free", AS_OPT },
	{ "release", "release", AS_OPT },
	{ "mempool reserve", "reserve", AS_POOL },
	{ "from reserve", "from_reserve", AS_POOL },
	{ "bulk per call", "bulk", AS_MANY },
	{ "corruptions", "corruptions", AS_COUNT },
	{ "skipped ticks", "skipped", AS_OPT },
	{ "backlog ticks", "backlog", AS_OPT },
	{ "steps off cpu", "off_cpu", AS_OPT },
	{ "chunks off node", "off_node", AS_OPT },
	{ "alloc p50 (ns)", "alloc_p50_ns", AS_OPT },
	{ "alloc p99 (ns)", "alloc_p99_ns", AS_OPT },
	{ "free p50 (ns)", "free_p50_ns", AS_OPT },
	{ "free p99 (ns)", "free_p99_ns", AS_OPT },
	/* the machine's reclaim while it ran: /proc/vmstat's events */
	{ "allocstall", "vm_allocstall", AS_OPT },
	{ "pgscan kswapd", "vm_pgscan_kswapd", AS_OPT },
	{ "pgscan direct", "vm_pgscan_direct", AS_OPT },
	{ "pgsteal kswapd", "vm_pgsteal_kswapd", AS_OPT },
	{ "pgsteal direct", "vm_pgsteal_direct", AS_OPT },
	{ "compact stall", "vm_compact_stall", AS_OPT },
	{ "compact fail", "vm_compact_fail", AS_OPT },
	{ "compact success", "vm_compact_success", AS_OPT },
	{ "oom kill", "vm_oom_kill", AS_OPT },
};

static const char *const test_head_keys[] = {
	"id", "state", "alloc", "max_int_ms", NULL
};

static bool known_test_key(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(test_lines); i++)
		if (!strcmp(key, test_lines[i].key))
			return true;
	return in_list(key, test_head_keys);
}

static void show_test(const struct call *c, const struct rec *r)
{
	const struct test_line *l;
	char v[64];
	unsigned int i;

	printf("test %s: %s, %s\n", rec_get(r, "id") ?: "?",
	       rec_get(r, "state") ?: "?", rec_get(r, "alloc") ?: "?");
	for (l = test_lines; l < test_lines + ARRAY_SIZE(test_lines); l++) {
		long long n = rec_num(r, l->key);

		if ((l->as == AS_OPT || l->as == AS_OSIZE ||
		     l->as == AS_POOL || l->as == AS_MANY) &&
		    !rec_get(r, l->key))
			continue;
		if (l->as == AS_MANY && n <= 1)
			continue;
		if (l->as == AS_POOL && strcmp(rec_get(r, "alloc") ?: "",
					       "mempool"))
			continue;
		if (l->as == AS_SIZE || l->as == AS_OSIZE)
			fmt_size(v, sizeof(v), n, c->unit, c->shift);
		else if (l->as == AS_SECS)
			fmt_div(v, sizeof(v), n, 1000);
		else if (l->as == AS_INTERVALS)
			snprintf(v, sizeof(v), "%lld..%lld", n,
				 rec_num(r, "max_int_ms"));
		else
			snprintf(v, sizeof(v), "%s", rec_get(r, l->key) ?: "?");
		printf("  %-17s: %s\n", l->label, v);
	}
	for (i = 0; i < r->n; i++)
		if (!known_test_key(r->kv[i].key))
			printf("  %-17s: %s\n", r->kv[i].key, r->kv[i].val);
}

/* Read every test, or test ID when the command was given one. */
static int read_tests(const struct call *c, char **text)
{
	char rel[48], enoent[64];

	if (!c->nr_num)
		return mt_read("mem_test_list", text, NULL);
	snprintf(rel, sizeof(rel), "tests/%llu/stats", c->num[0]);
	snprintf(enoent, sizeof(enoent), "no test with id %llu", c->num[0]);
	return mt_read(rel, text, enoent);
}

static int cmd_list(const struct call *c)
{
	struct rec *recs;
	unsigned int i, nr;
	char *text;
	int ret;

	ret = read_tests(c, &text);
	if (ret)
		return ret;
	nr = parse_recs(text, &recs);
	for (i = 0; i < nr; i++) {
		if (json) {
			fputs(i ? ", {" : "[{", stdout);
			json_fields(&recs[i]);
			putchar('}');
		} else {
			fputs(i ? "\n" : "", stdout);
			show_test(c, &recs[i]);
		}
	}
	if (json)
		puts(nr ? "]" : "[]");
	free(recs);
	free(text);
	return EXIT_DONE;
}

/* ---- caches, mempools --------------------------------------------- */

#define TABLE_COLS	4

/*
 * A table file of the module's: a "# name COLUMN..." head, then one line
 * per object alive, its name and its figures.  @cols: the columns, each
 * its JSON key and heading, the name's first; @width: each one's width
 * in the text (the name's left-aligned); @none: the text with no line.
 */
struct table {
	const char *file, *enoent, *none;
	unsigned int nr;
	const char *cols[TABLE_COLS];
	int width[TABLE_COLS];
};

static void table_row(const struct table *t, const char *const *v)
{
	unsigned int k;

	for (k = 0; k < t->nr; k++)
		printf(k ? " %*s" : "%-*s", t->width[k], v[k]);
	putchar('\n');
}

static int show_table(const struct table *t)
{
	char *text, *line, *next, *save;
	const char *v[TABLE_COLS];
	unsigned int nr = 0, k;
	int ret;

	ret = mt_read(t->file, &text, t->enoent);
	if (ret)
		return ret;
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line == '#')
			continue;
		for (k = 0; k < t->nr; k++) {
			v[k] = strtok_r(k ? NULL : line, " \t", &save);
			if (!v[k])
				break;
		}
		if (k < t->nr)
			continue;
		if (json) {
			fputs(nr ? ", {" : "[{", stdout);
			for (k = 0; k < t->nr; k++) {
				printf("%s\"%s\": ", k ? ", " : "", t->cols[k]);
				if (k)
					json_val(v[k]);
				else
					json_str(v[k]);
			}
			putchar('}');
		} else {
			if (!nr)
				table_row(t, t->cols);
			table_row(t, v);
		}
		nr++;
	}
	if (json)
		puts(nr ? "]" : "[]");
	else if (!nr)
		puts(t->none);
	free(text);
	return EXIT_DONE;
}

/*
 * The dedicated slab caches of alloc=cache (and mempool), from the caches
 * file: "# name objects object_size", then one line per cache alive.
 */
static int cmd_caches(const struct call *c)
{
	static const struct table t = {
		.file = "caches",
		.enoent = "this malloc_test has no caches file (it predates alloc=cache)",
		.none = "no cache",
		.nr = 3,
		.cols = { "name", "objects", "object_size" },
		.width = { 32, 10, 12 },
	};

	(void)c;
	return show_table(&t);
}

/*
 * The mempools of alloc=mempool, named by their caches, from the
 * mempools file: "# name min_nr curr_nr from_reserve", then one line per
 * pool alive.
 */
static int cmd_mempools(const struct call *c)
{
	static const struct table t = {
		.file = "mempools",
		.enoent = "this malloc_test has no mempools file (it predates alloc=mempool)",
		.none = "no mempool",
		.nr = 4,
		.cols = { "name", "min_nr", "curr_nr", "from_reserve" },
		.width = { 32, 7, 8, 12 },
	};

	(void)c;
	return show_table(&t);
}

/* ---- footprint ---------------------------------------------------- */

#define SLAB_SYSFS	"/sys/kernel/slab"
#define FP_ORDERS	16	/* buddyinfo's columns summed, at most */

/*
 * What footprint shows of one dedicated cache: the module's figures
 * (the caches and mempools files), the slab allocator's (the files of
 * /sys/kernel/slab/NAME/, which the module cannot read for its own
 * caches), and what they make.  -1: not known, the file being absent
 * (objects, total_objects and slabs come with CONFIG_SLUB_DEBUG alone,
 * sheaf_capacity from 6.18; a cache with no mempool has no curr_nr).
 */
enum fp_field {
	FP_OBJECTS, FP_OBJECT_SIZE, FP_CURR_NR, FP_KERNEL_OBJECTS,
	FP_TOTAL_OBJECTS, FP_SLABS, FP_PARTIAL, FP_ORDER, FP_OBJS_PER_SLAB,
	FP_SHEAF, FP_SLAB_BYTES, NR_FP
};

/*
 * Each field's JSON key, its heading in the text (NULL: JSON only, the
 * name says the size), its width there, and the file of
 * /sys/kernel/slab/NAME/ it is the first number of (NULL: not the
 * kernel's).
 */
static const struct fp_col {
	const char *key, *head, *file;
	int width;
} fp_cols[NR_FP] = {
	[FP_OBJECTS] = { "objects", "objects", NULL, 8 },
	[FP_OBJECT_SIZE] = { "object_size", NULL, NULL, 0 },
	[FP_CURR_NR] = { "curr_nr", "curr_nr", NULL, 7 },
	[FP_KERNEL_OBJECTS] = { "kernel_objects", "kernel", "objects", 8 },
	[FP_TOTAL_OBJECTS] = { "total_objects", "total", "total_objects", 8 },
	[FP_SLABS] = { "slabs", "slabs", "slabs", 6 },
	[FP_PARTIAL] = { "partial", "partial", "partial", 7 },
	[FP_ORDER] = { "order", "order", "order", 5 },
	[FP_OBJS_PER_SLAB] = { "objs_per_slab", "per_slab", "objs_per_slab", 8 },
	[FP_SHEAF] = { "sheaf_capacity", "sheaf", "sheaf_capacity", 5 },
	[FP_SLAB_BYTES] = { "slab_bytes", "slab_bytes", NULL, 11 },
};

#define FP_RATIO_WIDTH	6

struct fp_cache {
	const char *name;		/* in the caches file's text */
	long long v[NR_FP];
};

/* The machine's figures, from /proc: -1 where a file or field is absent. */
static const struct mem_field {
	const char *field, *key;	/* /proc/meminfo's, and ours */
} mem_fields[] = {
	{ "Slab", "slab" }, { "SUnreclaim", "sunreclaim" },
	{ "VmallocUsed", "vmalloc_used" }, { "Percpu", "percpu" },
	{ "MemFree", "mem_free" },
};

struct machine {
	long long mem[ARRAY_SIZE(mem_fields)];	/* bytes */
	long long vmap_areas;
	unsigned long long free[FP_ORDERS];	/* free blocks, per order */
	unsigned int orders;			/* how many buddyinfo has */
};

/*
 * The first number of a file: sysfs's slab files give a total, then
 * per-node figures ("112 N0=112").  Return: it, or -1 when the file is
 * absent or holds no number.
 */
static long long file_num(const char *path)
{
	unsigned long long v;
	char buf[64];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, " \t\n")] = '\0';
	return parse_u64(buf, &v) || v > LLONG_MAX ? -1 : (long long)v;
}

/* The line after @line, or NULL after the last. */
static const char *next_line(const char *line)
{
	line = strchr(line, '\n');
	return line ? line + 1 : NULL;
}

/* All of open file @fd, which it closes.  Return: its text, or NULL. */
static char *slurp_fd(int fd)
{
	char *text = NULL;

	if (fd < 0)
		return NULL;
	if (read_all(fd, &text))
		text = NULL;
	close(fd);
	return text;
}

/* Read a whole file outside the module's.  Return: its text, or NULL. */
static char *slurp(const char *path)
{
	return slurp_fd(open(path, O_RDONLY | O_CLOEXEC));
}

/*
 * The caches of the caches file ("name objects object_size" lines)
 * whose name starts with @prefix, in its order; their names point into
 * @text, which is cut in place.  Return: how many, in *@out (free()),
 * or -1: no memory.
 */
static int fp_caches_parse(char *text, const char *prefix,
			   struct fp_cache **out)
{
	struct fp_cache *fc = NULL, *nfc;
	char *line, *next, *name, *objs, *size, *save;
	unsigned long long o, s;
	unsigned int nr = 0, k;

	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		name = strtok_r(line, " \t", &save);
		objs = strtok_r(NULL, " \t", &save);
		size = strtok_r(NULL, " \t", &save);
		if (!size || *name == '#' || strncmp(name, prefix, strlen(prefix)) ||
		    parse_u64(objs, &o) || parse_u64(size, &s))
			continue;
		nfc = realloc(fc, (nr + 1) * sizeof(*fc));
		if (!nfc) {
			free(fc);
			return -1;
		}
		fc = nfc;
		fc[nr].name = name;
		for (k = 0; k < NR_FP; k++)
			fc[nr].v[k] = -1;
		fc[nr].v[FP_OBJECTS] = o;
		fc[nr].v[FP_OBJECT_SIZE] = s;
		nr++;
	}
	*out = fc;
	return nr;
}

/* @fc's curr_nr in the mempools file's text @pools (NULL: none read). */
static void fp_pool(struct fp_cache *fc, const char *pools)
{
	char name[128];
	long long min_nr, curr_nr;
	const char *line;

	for (line = pools; line && *line; line = next_line(line))
		if (sscanf(line, "%127s %lld %lld", name, &min_nr, &curr_nr) == 3 &&
		    !strcmp(name, fc->name))
			fc->v[FP_CURR_NR] = curr_nr;
}

/*
 * The kernel's figures of @fc, from /sys/kernel/slab/NAME/.  The module
 * makes its caches unmergeable, so that NAME is that cache alone.
 */
static void fp_slab(struct fp_cache *fc, long page_size)
{
	long long slabs, order;
	char path[PATH_MAX];
	unsigned int k;

	for (k = 0; k < NR_FP; k++) {
		if (!fp_cols[k].file)
			continue;
		snprintf(path, sizeof(path), SLAB_SYSFS "/%s/%s", fc->name,
			 fp_cols[k].file);
		fc->v[k] = file_num(path);
	}
	/*
	 * Every slab at the cache's order: one that fell back to a smaller
	 * order, memory being fragmented, counts at the larger.
	 */
	slabs = fc->v[FP_SLABS];
	order = fc->v[FP_ORDER];
	if (slabs >= 0 && order >= 0 && order < 32)
		fc->v[FP_SLAB_BYTES] = slabs * (page_size << order);
}

/* @num / @den with two decimals, rounded ("1.28"); "-" when unknown. */
static void fmt_ratio(char *buf, size_t len, long long num, long long den)
{
	unsigned long long r;

	if (num < 0 || den <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	r = ((unsigned long long)num * 100 + den / 2) / den;
	snprintf(buf, len, "%llu.%02llu", r / 100, r % 100);
}

/* A figure as text, "-" when unknown; in JSON, null. */
static void fmt_fig(char *buf, size_t len, long long v)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld", v);
}

static void json_fig(long long v)
{
	if (v < 0)
		fputs("null", stdout);
	else
		printf("%lld", v);
}

static void json_ratio(const char *r)
{
	fputs(*r == '-' ? "null" : r, stdout);
}

/* /proc/meminfo's fields, in bytes ("Slab:  51240 kB"). */
static void machine_meminfo(struct machine *m)
{
	char *text = slurp("/proc/meminfo"), field[32], unit[8];
	const char *line;
	unsigned long long v;
	size_t i;
	int n;

	for (i = 0; i < ARRAY_SIZE(mem_fields); i++)
		m->mem[i] = -1;
	for (line = text; line && *line; line = next_line(line)) {
		unit[0] = '\0';
		n = sscanf(line, "%31[^:]: %llu %7s", field, &v, unit);
		for (i = 0; n >= 2 && i < ARRAY_SIZE(mem_fields); i++)
			if (!strcmp(field, mem_fields[i].field))
				m->mem[i] = !strcmp(unit, "kB") ? v * 1024 : v;
	}
	free(text);
}

/*
 * /proc/buddyinfo's free blocks per order ("Node 0, zone   Normal  12
 * 5 ..."), summed over every node and zone.
 */
static void machine_buddyinfo(struct machine *m)
{
	char *text = slurp("/proc/buddyinfo"), *line, *next, *tok, *save;
	unsigned long long v;
	unsigned int k, o;

	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* "Node", "0,", "zone", its name, then a count per order */
		tok = strtok_r(line, " \t", &save);
		for (k = 1; tok && k < 4; k++)
			tok = strtok_r(NULL, " \t", &save);
		for (o = 0; tok && o < FP_ORDERS; o++) {
			tok = strtok_r(NULL, " \t", &save);
			if (!tok || parse_u64(tok, &v))
				break;
			m->free[o] += v;
		}
		if (o > m->orders)
			m->orders = o;
	}
	free(text);
}

/* The machine's figures now: meminfo, vmap areas, free pages. */
static void machine_read(struct machine *m)
{
	char *text;
	const char *p;

	memset(m, 0, sizeof(*m));
	machine_meminfo(m);
	/* one line per vmap area; the file is root's alone */
	text = slurp("/proc/vmallocinfo");
	m->vmap_areas = -1;
	if (text)
		for (m->vmap_areas = 0, p = text; (p = strchr(p, '\n')); p++)
			m->vmap_areas++;
	free(text);
	machine_buddyinfo(m);
}

static void machine_show(const struct machine *m)
{
	char v[32];
	unsigned int i;

	if (json) {
		fputs("\"machine\": {", stdout);
		for (i = 0; i < ARRAY_SIZE(mem_fields); i++) {
			printf("\"%s\": ", mem_fields[i].key);
			json_fig(m->mem[i]);
			fputs(", ", stdout);
		}
		fputs("\"vmap_areas\": ", stdout);
		json_fig(m->vmap_areas);
		fputs(", \"free_pages\": [", stdout);
		for (i = 0; i < m->orders; i++)
			printf("%s%llu", i ? ", " : "", m->free[i]);
		fputs("]}", stdout);
		return;
	}
	printf("\nmachine (/proc/meminfo in bytes, /proc/vmallocinfo, /proc/buddyinfo):\n");
	for (i = 0; i < ARRAY_SIZE(mem_fields); i++) {
		fmt_fig(v, sizeof(v), m->mem[i]);
		printf("  %-19s: %s\n", mem_fields[i].field, v);
	}
	fmt_fig(v, sizeof(v), m->vmap_areas);
	printf("  %-19s: %s\n", "vmap areas", v);
	printf("  %-19s:%s", "free pages by order", m->orders ? "" : " -");
	for (i = 0; i < m->orders; i++)
		printf(" %llu", m->free[i]);
	putchar('\n');
}

/* The caches' rows, as a table or as JSON array items. */
static void fp_rows(const struct fp_cache *fc, unsigned int nr)
{
	unsigned int i, k;
	int nw = 4;
	char v[32];

	for (i = 0; i < nr; i++)
		if ((int)strlen(fc[i].name) > nw)
			nw = strlen(fc[i].name);
	if (!json && nr) {
		printf("%-*s", nw, "name");
		for (k = 0; k < NR_FP; k++)
			if (fp_cols[k].head)
				printf(" %*s", fp_cols[k].width, fp_cols[k].head);
		printf(" %*s\n", FP_RATIO_WIDTH, "ratio");
	}
	for (i = 0; i < nr; i++) {
		const long long *f = fc[i].v;
		char ratio[32];

		fmt_ratio(ratio, sizeof(ratio), f[FP_SLAB_BYTES],
			  f[FP_OBJECTS] * f[FP_OBJECT_SIZE]);
		if (json) {
			fputs(i ? ", {\"name\": " : "{\"name\": ", stdout);
			json_str(fc[i].name);
			for (k = 0; k < NR_FP; k++) {
				printf(", \"%s\": ", fp_cols[k].key);
				json_fig(f[k]);
			}
			fputs(", \"ratio\": ", stdout);
			json_ratio(ratio);
			putchar('}');
			continue;
		}
		printf("%-*s", nw, fc[i].name);
		for (k = 0; k < NR_FP; k++) {
			if (!fp_cols[k].head)
				continue;
			fmt_fig(v, sizeof(v), f[k]);
			printf(" %*s", fp_cols[k].width, v);
		}
		printf(" %*s\n", FP_RATIO_WIDTH, ratio);
	}
}

/*
 * The totals: slab bytes (unknown when one cache's is) and the module's
 * bytes, its objects at their size.
 */
static void fp_total(const struct fp_cache *fc, unsigned int nr)
{
	long long slab = 0, bytes = 0;
	char ratio[32], v[32];
	unsigned int i;

	for (i = 0; i < nr; i++) {
		bytes += fc[i].v[FP_OBJECTS] * fc[i].v[FP_OBJECT_SIZE];
		if (slab >= 0)
			slab = fc[i].v[FP_SLAB_BYTES] < 0 ? -1 :
			       slab + fc[i].v[FP_SLAB_BYTES];
	}
	fmt_ratio(ratio, sizeof(ratio), slab, bytes);
	if (json) {
		fputs("\"total\": {\"slab_bytes\": ", stdout);
		json_fig(slab);
		printf(", \"object_bytes\": %lld, \"ratio\": ", bytes);
		json_ratio(ratio);
		fputs("}", stdout);
		return;
	}
	fmt_fig(v, sizeof(v), slab);
	printf("total: slab_bytes %s, object_bytes %lld, ratio %s\n", v, bytes,
	       ratio);
}

/* Whose caches footprint shows: every one, kept memory's, or a test's. */
struct fp_owner {
	const char *arg;		/* as given: NULL, "kept" or an id */
	char prefix[48];		/* of their names; "": every one */
	unsigned long long id;
	char *stats;			/* the test's stats, read */
	struct rec *recs;		/* ... split */
	const char *alloc, *state;	/* the test's; NULL for no test */
};

/*
 * Find whose caches the argument names; for a test, read its alloc= and
 * state, which say why it may have none.  Return: 0, or the exit
 * status, said (usage, no such test).
 */
static int fp_owner_get(struct fp_owner *o, const char *arg)
{
	char rel[48], enoent[64];
	int ret;

	memset(o, 0, sizeof(*o));
	o->arg = arg;
	if (!arg)
		return 0;
	if (!strcmp(arg, "kept")) {
		snprintf(o->prefix, sizeof(o->prefix), "malloc_test_kept_");
		return 0;
	}
	if (parse_u64(arg, &o->id))
		return usage_fail("footprint: '%s' is neither a test id (an unsigned decimal) nor kept",
				  arg);
	snprintf(rel, sizeof(rel), "tests/%llu/stats", o->id);
	snprintf(enoent, sizeof(enoent), "no test with id %llu", o->id);
	ret = mt_read(rel, &o->stats, enoent);
	if (ret)
		return ret;
	if (parse_recs(o->stats, &o->recs)) {
		o->alloc = rec_get(&o->recs[0], "alloc");
		o->state = rec_get(&o->recs[0], "state");
	}
	o->alloc = o->alloc ?: "?";
	o->state = o->state ?: "?";
	snprintf(o->prefix, sizeof(o->prefix), "malloc_test_t%llu_", o->id);
	return 0;
}

/* Why no cache is listed: none alive, or the test's allocator has none. */
static void fp_none(const struct fp_owner *o)
{
	if (!o->alloc)
		puts("no cache");
	else if (strcmp(o->alloc, "cache") && strcmp(o->alloc, "mempool"))
		printf("test %llu has no dedicated cache (alloc=%s)\n", o->id,
		       o->alloc);
	else
		printf("no cache of test %llu alive (alloc=%s, %s: its caches go when it ends)\n",
		       o->id, o->alloc, o->state);
}

/* A file of the module's that may be absent.  Return: its text, or NULL. */
static char *mt_read_quiet(const char *rel)
{
	return slurp_fd(mt_open(rel, O_RDONLY));
}

/* The caches' figures, their totals, the machine's, as text or JSON. */
static void fp_show(const struct fp_owner *o, const struct fp_cache *fc,
		    unsigned int nr, const struct machine *m)
{
	if (!json) {
		if (nr) {
			fp_rows(fc, nr);
			fp_total(fc, nr);
		} else {
			fp_none(o);
		}
		machine_show(m);
		return;
	}
	putchar('{');
	if (o->alloc) {
		printf("\"test\": %llu, \"alloc\": ", o->id);
		json_str(o->alloc);
		fputs(", \"state\": ", stdout);
		json_str(o->state);
		fputs(", ", stdout);
	}
	fputs("\"caches\": [", stdout);
	fp_rows(fc, nr);
	fputs("], ", stdout);
	fp_total(fc, nr);
	fputs(", ", stdout);
	machine_show(m);
	puts("}");
}

/*
 * footprint [ID|kept]: what the slab allocator spends on the dedicated
 * caches, every one, test ID's or kept memory's, beside the module's
 * figures; then the machine's.  Each file is read once, one after the
 * other: a running test's figures move between the reads.
 */
static int cmd_footprint(const struct call *c)
{
	struct fp_cache *fc = NULL;
	char *text = NULL, *pools;
	struct fp_owner o;
	struct machine m;
	int nr, i, ret;

	ret = fp_owner_get(&o, c->nr_args ? c->arg[0] : NULL);
	if (ret)
		goto out;
	ret = mt_read("caches", &text,
		      "this malloc_test has no caches file (it predates alloc=cache)");
	if (ret)
		goto out;
	nr = fp_caches_parse(text, o.prefix, &fc);
	if (nr < 0) {
		ret = fail(EXIT_REFUSED, ENOMEM, "out of memory");
		goto out;
	}
	/* a module before alloc=mempool has no mempools file: no pool */
	pools = mt_read_quiet("mempools");
	for (i = 0; i < nr; i++) {
		fp_pool(&fc[i], pools);
		fp_slab(&fc[i], sysconf(_SC_PAGESIZE));
	}
	free(pools);
	machine_read(&m);
	fp_show(&o, fc, nr, &m);
out:
	free(fc);
	free(text);
	free(o.recs);
	free(o.stats);
	return ret;
}

/* ---- hist --------------------------------------------------------- */

/* The operations of tests/ID/latency and of bench_latency, in order. */
static const char *const test_ops[] = {
	"alloc", "realloc", "free", "lateness", NULL
};

static const char *const bench_ops[] = {
	"alloc", "free", "harness_alloc", "harness_free", NULL
};

#define TEST_OPS	"alloc, realloc, free or lateness"
#define BENCH_OPS	"alloc, free, harness_alloc or harness_free"

/* A summary line's figures, all in ns but the count. */
static const char *const hist_keys[] = {
	"count", "min", "mean", "max", "p50", "p90", "p99", "p99.9"
};

enum { H_COUNT, H_MIN, H_MEAN, H_MAX, H_P50, H_P90, H_P99, H_P999, NR_H };

/* One bucket: N values with LO <= ns < HI. */
struct bucket {
	unsigned long long lo, hi, n;
};

/* One operation of a latency file: its summary line and its buckets. */
struct hist {
	const char *op;
	unsigned long long v[NR_H];
	struct bucket *b;
	unsigned int nb;
};

static void hists_free(struct hist *h, unsigned int nr)
{
	unsigned int i;

	for (i = 0; h && i < nr; i++)
		free(h[i].b);
	free(h);
}

/*
 * Split a latency file, in place, into its operations: "OP count N min N
 * mean N max N p50 N p90 N p99 N p99.9 N", then "OP bucket LO HI N" per
 * bucket.  Return: how many, in *@out (hists_free()), or -1: no memory.
 */
static int parse_hists(char *text, struct hist **out)
{
	struct hist *h = NULL, *nh, *cur = NULL;
	char *line, *next, *tok[2 + 2 * NR_H], *p, *save;
	unsigned int nt, i, k, nr = 0;
	struct bucket b, *nb;

	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		nt = 0;
		for (p = strtok_r(line, " \t", &save); p && nt < ARRAY_SIZE(tok);
		     p = strtok_r(NULL, " \t", &save))
			tok[nt++] = p;
		if (nt == 5 && !strcmp(tok[1], "bucket") && cur &&
		    !strcmp(cur->op, tok[0]) && !parse_u64(tok[2], &b.lo) &&
		    !parse_u64(tok[3], &b.hi) && !parse_u64(tok[4], &b.n)) {
			nb = realloc(cur->b, (cur->nb + 1) * sizeof(*nb));
			if (!nb)
				goto nomem;
			cur->b = nb;
			cur->b[cur->nb++] = b;
			continue;
		}
		if (nt < 3 || strcmp(tok[1], "count"))
			continue;
		nh = realloc(h, (nr + 1) * sizeof(*nh));
		if (!nh)
			goto nomem;
		h = nh;
		cur = &h[nr++];
		memset(cur, 0, sizeof(*cur));
		cur->op = tok[0];
		for (i = 1; i + 1 < nt; i += 2)
			for (k = 0; k < NR_H; k++)
				if (!strcmp(tok[i], hist_keys[k]))
					parse_u64(tok[i + 1], &cur->v[k]);
	}
	*out = h;
	return nr;
nomem:
	hists_free(h, nr);
	return -1;
}

/*
 * @ns in the largest unit it reaches, three digits at least, trailing
 * zeros trimmed: "850 ns", "1.02 us", "12.5 us", "131 ms", "1100 s".
 */
static void fmt_ns(char *buf, size_t len, unsigned long long ns)
{
	static const char *const units[] = { "ns", "us", "ms", "s" };
	unsigned long long div = 1;
	unsigned int u = 0;
	double q;
	char *end;

	if (ns == ULLONG_MAX) {
		snprintf(buf, len, "inf");
		return;
	}
	while (u < 3 && ns >= div * 1000) {
		div *= 1000;
		u++;
	}
	q = (double)ns / div;
	snprintf(buf, len, "%.*f", q >= 100 || u == 0 ? 0 : q >= 10 ? 1 : 2, q);
	if (strchr(buf, '.')) {
		end = buf + strlen(buf);
		while (end[-1] == '0')
			*--end = '\0';
		if (end[-1] == '.')
			*--end = '\0';
	}
	snprintf(buf + strlen(buf), len - strlen(buf), " %s", units[u]);
}

/*
 * "OP: count N, min X, mean X, max X, p50 X, p90 X, p99 X, p99.9 X",
 * wrapped under its start where it would pass 80 columns.
 */
static void hist_summary(const struct hist *h)
{
	size_t indent = strlen(h->op) + 2, col = indent, len;
	char item[64], v[32];
	unsigned int k;

	printf("%s: count %llu", h->op, h->v[H_COUNT]);
	col += snprintf(NULL, 0, "count %llu", h->v[H_COUNT]);
	for (k = H_COUNT + 1; h->v[H_COUNT] && k < NR_H; k++) {
		fmt_ns(v, sizeof(v), h->v[k]);
		len = snprintf(item, sizeof(item), "%s %s", hist_keys[k], v);
		if (col + 2 + len >= 80) {
			printf(",\n%*s%s", (int)indent, "", item);
			col = indent + len;
		} else {
			printf(", %s", item);
			col += 2 + len;
		}
	}
	putchar('\n');
}

/*
 * The summary, then a line per bucket: its range, its count and a bar
 * scaled to the largest bucket, filling the line to 79 columns:
 * "  1.02 us .. 1.28 us   12345  #######".
 */
static void hist_draw(const struct hist *h)
{
	unsigned long long top = 0;
	unsigned int i, cw, width, cells;
	char lo[32], hi[32], bar[80];

	hist_summary(h);
	for (i = 0; i < h->nb; i++)
		if (h->b[i].n > top)
			top = h->b[i].n;
	cw = snprintf(NULL, 0, "%llu", top);
	width = 79 - (2 + 9 + 4 + 9 + 2 + cw + 2);
	for (i = 0; i < h->nb; i++) {
		const struct bucket *b = &h->b[i];

		cells = top ? (unsigned int)((long double)b->n * width / top + 0.5) : 0;
		if (b->n && !cells)
			cells = 1;
		memset(bar, '#', cells);
		bar[cells] = '\0';
		fmt_ns(lo, sizeof(lo), b->lo);
		fmt_ns(hi, sizeof(hi), b->hi);
		printf("  %9s .. %-9s  %*llu  %s\n", lo, hi, (int)cw, b->n, bar);
	}
}

static void hist_json(const struct hist *h, bool first)
{
	unsigned int i, k;

	fputs(first ? "{" : ", ", stdout);
	json_str(h->op);
	fputs(": {", stdout);
	for (k = 0; k < NR_H; k++)
		printf("%s\"%s\": %llu", k ? ", " : "", hist_keys[k], h->v[k]);
	fputs(", \"buckets\": [", stdout);
	for (i = 0; i < h->nb; i++)
		printf("%s{\"lo\": %llu, \"hi\": %llu, \"count\": %llu}",
		       i ? ", " : "", h->b[i].lo, h->b[i].hi, h->b[i].n);
	fputs("]}", stdout);
}

/* hist ID|bench [OP]: tests/ID/latency or bench_latency, drawn. */
static int cmd_hist(const struct call *c)
{
	bool bench = !strcmp(c->arg[0], "bench");
	const char *op = c->nr_args > 1 ? c->arg[1] : NULL;
	char rel[48], enoent[96], *text;
	unsigned long long id = 0;
	struct hist *h = NULL;
	int nr, i, shown = 0, ret, fd;

	if (!bench && parse_u64(c->arg[0], &id))
		return usage_fail("hist: '%s' is neither a test id (an unsigned decimal) nor bench",
				  c->arg[0]);
	if (op && !in_list(op, bench ? bench_ops : test_ops))
		return usage_fail("hist: '%s' is not an operation of %s (%s)", op,
				  bench ? "bench" : "a test",
				  bench ? BENCH_OPS : TEST_OPS);
	if (bench) {
		snprintf(rel, sizeof(rel), "bench_latency");
		snprintf(enoent, sizeof(enoent),
			 "this malloc_test has no bench_latency file (it predates bench)");
	} else {
		snprintf(rel, sizeof(rel), "tests/%llu/stats", id);
		snprintf(enoent, sizeof(enoent), "no test with id %llu", id);
		fd = mt_open(rel, O_RDONLY);
		if (fd >= 0) {
			close(fd);
			snprintf(enoent, sizeof(enoent),
				 "this malloc_test has no latency file (it predates latency histograms)");
		}
		snprintf(rel, sizeof(rel), "tests/%llu/latency", id);
	}
	ret = mt_read(rel, &text, enoent);
	if (ret)
		return ret;
	nr = parse_hists(text, &h);
	if (nr < 0) {
		free(text);
		return fail(EXIT_REFUSED, ENOMEM, "out of memory");
	}
	for (i = 0; i < nr; i++) {
		if (op && strcmp(op, h[i].op))
			continue;
		if (json) {
			hist_json(&h[i], !shown);
		} else {
			fputs(shown ? "\n" : "", stdout);
			hist_draw(&h[i]);
		}
		shown++;
	}
	if (json && shown)
		puts("}");
	if (op && !shown)
		ret = fail(EXIT_REFUSED, ENOENT, "%s/" MT_DIR "/%s has no operation %s",
			   debugfs_dir, rel, op);
	else if (!shown)
		puts(json ? "{}" : "no latency recorded");
	hists_free(h, nr);
	free(text);
	return ret;
}

/* ---- watch -------------------------------------------------------- */

/* One frame: the tests as read, and when, for the next frame's rates. */
struct frame {
	char *text;
	struct rec *recs;
	unsigned int nr;
	long long mono_ms;
};

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

/*
 * SIGINT and SIGTERM set stop_signal.  No SA_RESTART: the signal cuts a
 * nap or a wait short.
 */
static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static long long now_ms(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static bool is_running(const struct rec *r)
{
	return !strcmp(rec_get(r, "state") ?: "", "running");
}

/* Allocations per second since @prev, when the test was in it. */
static bool test_rate(const struct frame *f, const struct frame *prev,
		      const struct rec *r, double *rate)
{
	const char *id = rec_get(r, "id") ?: "";
	long long dt = prev ? f->mono_ms - prev->mono_ms : 0;
	unsigned int i;

	for (i = 0; dt > 0 && i < prev->nr; i++) {
		if (strcmp(rec_get(&prev->recs[i], "id") ?: "", id))
			continue;
		*rate = (rec_num(r, "allocations") -
			 rec_num(&prev->recs[i], "allocations")) * 1000.0 / dt;
		return true;
	}
	return false;
}

/* test ID  STATE  [#####.....]  45%  12.3/30.0 s  rate R alloc/s  held S  errors N */
static void watch_line(const struct rec *r, bool has_rate, double rate)
{
	long long run = rec_num(r, "run_time_ms"), held = rec_num(r, "held");
	long long total = rec_num(r, "total_time_ms");
	long long done = total > 0 && run < total ? (run > 0 ? run : 0) : total;
	char bar[BAR_CELLS + 1], sz[64], rt[32] = "-";
	unsigned int i, u = 0;

	for (i = 0; i < BAR_CELLS; i++)
		bar[i] = total <= 0 || i < done * BAR_CELLS / total ? '#' : '.';
	bar[BAR_CELLS] = '\0';
	if (has_rate)
		snprintf(rt, sizeof(rt), "%.1f", rate);
	while (u < 3 && held >= 1LL << (10 * (u + 1)))
		u++;
	fmt_size(sz, sizeof(sz), held, "bkmg"[u], 10 * u);
	printf("test %-3s %-8s [%s] %3lld%%  %lld.%lld/%lld.%lld s  rate %s alloc/s  held %s  errors %lld\n",
	       rec_get(r, "id") ?: "?", rec_get(r, "state") ?: "?", bar,
	       total > 0 ? done * 100 / total : 100,
	       (run + 50) / 1000, (run + 50) / 100 % 10,
	       (total + 50) / 1000, (total + 50) / 100 % 10, rt, sz,
	       rec_num(r, "errors"));
}

static void watch_frame(const struct frame *f, const struct frame *prev,
			bool tty)
{
	unsigned int i, running = 0;
	char hms[16] = "?";
	time_t t = time(NULL);
	struct tm tm;
	double rate;

	if (json) {
		printf("{\"time_ms\": %lld, \"tests\": [", now_ms(CLOCK_REALTIME));
		for (i = 0; i < f->nr; i++) {
			fputs(i ? ", {" : "{", stdout);
			json_fields(&f->recs[i]);
			if (test_rate(f, prev, &f->recs[i], &rate))
				printf(", \"rate\": %.2f}", rate);
			else
				fputs(", \"rate\": null}", stdout);
		}
		puts("]}");
		return;
	}
	if (tty)
		fputs("\033[H\033[J", stdout);
	else if (prev)
		putchar('\n');
	if (!f->nr) {
		puts("no test");
		return;
	}
	if (localtime_r(&t, &tm))
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	for (i = 0; i < f->nr; i++)
		running += is_running(&f->recs[i]);
	printf("%s  %u test%s, %u running\n", hms, f->nr, f->nr == 1 ? "" : "s",
	       running);
	for (i = 0; i < f->nr; i++) {
		bool has_rate = test_rate(f, prev, &f->recs[i], &rate);

		watch_line(&f->recs[i], has_rate, rate);
	}
}

static void frame_free(struct frame *f)
{
	free(f->recs);
	free(f->text);
	memset(f, 0, sizeof(*f));
}

static int cmd_watch(const struct call *c)
{
	struct frame cur = { 0 }, prev = { 0 };
	struct timespec nap = { c->interval_ms / 1000,
				(c->interval_ms % 1000) * 1000000L };
	bool tty = !json && isatty(STDOUT_FILENO), hidden = false, running;
	unsigned long frame;
	unsigned int i;
	int ret = 0;

	catch_stop_signals();
	for (frame = 1; !stop_signal; frame++) {
		ret = read_tests(c, &cur.text);
		if (ret)
			break;
		if (tty && !hidden) {
			fputs("\033[?25l", stdout);	/* hide the cursor */
			hidden = true;
		}
		cur.mono_ms = now_ms(CLOCK_MONOTONIC);
		cur.nr = parse_recs(cur.text, &cur.recs);
		watch_frame(&cur, frame > 1 ? &prev : NULL, tty);
		fflush(stdout);
		for (i = 0, running = false; i < cur.nr; i++)
			running |= is_running(&cur.recs[i]);
		if (!running || frame == c->count)
			break;
		frame_free(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
		nanosleep(&nap, NULL);
	}
	frame_free(&cur);
	frame_free(&prev);
	if (hidden)
		fputs("\033[?25h", stdout);
	return ret;
}

/* ---- hotplug ------------------------------------------------------ */

#define CPU_SYSFS	"/sys/devices/system/cpu"
#define HP_BACK_TRIES	50	/* writes of 1 to bring the CPU back at the end */

/* A CPU's online file: 1 or 0, -1 when absent or unreadable. */
static int cpu_online_read(const char *path)
{
	long long v = file_num(path);

	return v < 0 ? -1 : v == 1;
}

/* Write @on to it; 0, or the errno.  *@ms: how long the write took. */
static int cpu_online_write(const char *path, int on, long long *ms)
{
	long long t0 = now_ms(CLOCK_MONOTONIC);
	int fd = open(path, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, on ? "1\n" : "0\n", 2) != 2)
		err = errno ? errno : EIO;
	close(fd);
	*ms = now_ms(CLOCK_MONOTONIC) - t0;
	return err;
}

/*
 * mtctl hotplug CPU: take CPU offline and online again, every --interval
 * (default 1 s), for --count transitions or until Ctrl-C or SIGTERM, and
 * leave it online.  CPU 0 is refused: many machines cannot take it
 * offline, and the kernel keeps work there that tests do not exercise.
 */
static int cmd_hotplug(const struct call *c)
{
	struct timespec nap = { c->interval_ms / 1000,
				(c->interval_ms % 1000) * 1000000L };
	unsigned long long cpu = c->num[0];
	/* [1]: changes to offline, [0]: to online */
	unsigned long went[2] = { 0, 0 }, refused = 0, tried = 0;
	long long t0 = now_ms(CLOCK_MONOTONIC), ms, max_ms[2] = { 0, 0 };
	char dir[64], path[80];
	bool online = true;
	int state, err = 0, i;

	if (cpu == 0)
		return fail(EXIT_REFUSED, EINVAL,
			    "hotplug: CPU 0 stays online: many machines cannot take it offline; name another");
	snprintf(dir, sizeof(dir), CPU_SYSFS "/cpu%llu", cpu);
	snprintf(path, sizeof(path), "%s/online", dir);
	if (access(dir, F_OK))
		return fail(EXIT_REFUSED, ENOENT, "hotplug: CPU %llu does not exist (%s)",
			    cpu, dir);
	state = cpu_online_read(path);
	if (state < 0)
		return fail(EXIT_REFUSED, ENODEV,
			    "hotplug: CPU %llu cannot go offline here: no %s (a kernel without CONFIG_HOTPLUG_CPU, or a CPU it keeps)",
			    cpu, path);
	if (!state)
		return fail(EXIT_REFUSED, EINVAL,
			    "hotplug: CPU %llu is offline: start from an online CPU",
			    cpu);
	catch_stop_signals();
	while (!stop_signal && (!c->count || went[0] + went[1] < c->count)) {
		if (tried++)
			nanosleep(&nap, NULL);
		if (stop_signal)
			break;
		err = cpu_online_write(path, !online, &ms);
		if (err == EPERM || err == EACCES)
			break;
		if (err) {
			/* the kernel said no (EBUSY): counted, tried again */
			refused++;
			if (!json)
				printf("%8.3f s  cpu %llu %s refused: %s\n",
				       (now_ms(CLOCK_MONOTONIC) - t0) / 1000.0,
				       cpu, online ? "offline" : "online",
				       strerror(err));
			err = 0;
			continue;
		}
		online = !online;
		went[!online]++;
		if (ms > max_ms[!online])
			max_ms[!online] = ms;
		if (!json)
			printf("%8.3f s  cpu %llu %s (%lld ms)\n",
			       (now_ms(CLOCK_MONOTONIC) - t0) / 1000.0, cpu,
			       online ? "online" : "offline", ms);
		fflush(stdout);
	}
	/* never leave it offline */
	for (i = 0; i < HP_BACK_TRIES && cpu_online_read(path) == 0; i++) {
		if (!cpu_online_write(path, 1, &ms)) {
			went[0]++;
			break;
		}
		usleep(100000);
	}
	if (err)
		return fail(EXIT_REFUSED, err,
			    "hotplug: writing %s: %s (root only)", path,
			    strerror(err));
	if (cpu_online_read(path) != 1)
		return fail(EXIT_REFUSED, EBUSY,
			    "hotplug: CPU %llu is still offline after %d tries to bring it back",
			    cpu, HP_BACK_TRIES);
	if (json)
		printf("{\"cpu\": %llu, \"offline\": %lu, \"online\": %lu, \"refused\": %lu, \"offline_ms_max\": %lld, \"online_ms_max\": %lld}\n",
		       cpu, went[1], went[0], refused, max_ms[1], max_ms[0]);
	else
		printf("cpu %llu: %lu offline, %lu online, %lu refused by the kernel; the slowest offline %lld ms, online %lld ms; online now\n",
		       cpu, went[1], went[0], refused, max_ms[1], max_ms[0]);
	return EXIT_DONE;
}

/* ---- bench -------------------------------------------------------- */


#define BENCH_POLL_MS	100
#define BENCH_STOP_S	30	/* how long a stopped run may take to end */
#define BENCH_NO_FILE	"this malloc_test has no bench file (it predates bench)"

/* bench_result, as read: its text and its record. */
struct bench_res {
	char *text;
	struct rec *recs;
	struct rec none;
	const struct rec *r;
};

static void bench_res_free(struct bench_res *b)
{
	free(b->recs);
	free(b->text);
	b->recs = NULL;
	b->text = NULL;
}

static int bench_res_read(struct bench_res *b)
{
	int ret;

	bench_res_free(b);
	ret = mt_read("bench_result", &b->text,
		      "this malloc_test has no bench_result file (it predates bench)");
	if (ret)
		return ret;
	b->none.n = 0;
	b->r = parse_recs(b->text, &b->recs) ? &b->recs[0] : &b->none;
	return 0;
}

/*
 * Write "stop".  Return: 0 with the module's answer in *@ans (NULL: not
 * wanted), or the exit status, said.
 */
static int bench_stop_write(char **ans)
{
	char *a, *reason;
	int werr, ret;

	ret = exchange_line("bench", false, "stop\n", BENCH_NO_FILE, &werr, &a);
	if (ret)
		return ret;
	if (werr) {
		reason = refusal_reason(a);
		ret = fail(EXIT_REFUSED, werr, "%s",
			   reason ?: errno_sentence(werr));
		free(a);
		return ret;
	}
	a[strcspn(a, "\n")] = '\0';
	if (ans)
		*ans = a;
	else
		free(a);
	return 0;
}

/*
 * Read bench_result every BENCH_POLL_MS until its state is not running.
 * A stop signal, or @stopping, writes stop first (once): from then on the
 * run has BENCH_STOP_S to end, and a second signal ends mtctl.  Return:
 * 0 with the last reading in @b, or the exit status, said.
 */
static int bench_wait(struct bench_res *b, bool stopping)
{
	struct timespec nap = { 0, BENCH_POLL_MS * 1000000L };
	long long deadline = stopping ?
			     now_ms(CLOCK_MONOTONIC) + BENCH_STOP_S * 1000 : 0;
	int ret;

	for (;;) {
		if (stop_signal && !deadline) {
			ret = bench_stop_write(NULL);
			if (ret)
				return ret;
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			deadline = now_ms(CLOCK_MONOTONIC) + BENCH_STOP_S * 1000;
		}
		ret = bench_res_read(b);
		if (ret)
			return ret;
		if (strcmp(rec_get(b->r, "state") ?: "", "running"))
			return 0;
		if (deadline && now_ms(CLOCK_MONOTONIC) > deadline)
			return fail(EXIT_REFUSED, EBUSY,
				    "the bench is still running %d s after stop",
				    BENCH_STOP_S);
		nanosleep(&nap, NULL);
	}
}

/* "  label            : value" */
__attribute__((format(printf, 2, 3)))
static void bench_line(const char *label, const char *fmt, ...)
{
	va_list ap;

	printf("  %-17s: ", label);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static const char *const lat_keys[] = {
	"mean", "p50", "p90", "p99", "p999", "max"
};

/* A row of the latency table: PREFIX (alloc_, harness_free_...). */
static void bench_lat_row(const struct rec *r, const char *name,
			  const char *prefix)
{
	char key[64];
	unsigned int k;
	long long samples;

	snprintf(key, sizeof(key), "%ssamples", prefix);
	samples = rec_num(r, key);
	printf("  %-13s%10s", name, rec_get(r, key) ?: "-");
	for (k = 0; k < ARRAY_SIZE(lat_keys); k++) {
		snprintf(key, sizeof(key), "%s%s_ns", prefix, lat_keys[k]);
		printf("%9s", samples > 0 ? rec_get(r, key) ?: "?" : "-");
	}
	putchar('\n');
}

/* bench_result as a block of figures, a latency table, a thread table. */
static void bench_show(const struct rec *r)
{
	long long sample = rec_num(r, "sample"), n;
	char v[64], key[48];
	unsigned int i;

#define V(key)	(rec_get(r, key) ?: "?")
	printf("bench: %s (end: %s)\n", V("state"), V("end"));
	if (!rec_get(r, "alloc"))
		return;		/* idle: no run yet */
	bench_line("allocator", "%s", V("alloc"));
	bench_line("size", "%s", V("size"));
	bench_line("pattern", "%s", V("pattern"));
	bench_line("count", "%s per thread", V("count"));
	bench_line("threads", "%s (cpus %s)", V("threads"), V("cpus"));
	bench_line("gfp", "%s", V("gfp"));
	if (sample == 1)
		bench_line("sample", "1 (every operation timed)");
	else if (sample > 1)
		bench_line("sample", "%lld (one in %lld timed)", sample, sample);
	else
		bench_line("sample", "%s (no latency recorded)", V("sample"));
	bench_line("time limit (s)", "%s", V("time_s"));
	bench_line("bulk", "%s object(s) a call", V("bulk"));
	if (rec_num(r, "sheaf") > 0)
		bench_line("sheaf", "%s objects", V("sheaf"));
	if (rec_get(r, "release") && strcmp(rec_get(r, "release"), "now"))
		bench_line("release", "%s (the bare loop frees at once)",
			   V("release"));
	/* alloc=mempool's alone: every other run's is 0 */
	if (rec_num(r, "reserve") > 0)
		bench_line("reserve", "%s elements", V("reserve"));
	fmt_ns(v, sizeof(v), rec_num(r, "elapsed_ns"));
	bench_line("elapsed", "%s", v);
	bench_line("ops", "%s", V("ops"));
	bench_line("alloc ops", "%s", V("alloc_ops"));
	bench_line("free ops", "%s", V("free_ops"));
	bench_line("errors", "%s", V("errors"));
	bench_line("ops/s", "%s", V("ops_per_sec"));
	bench_line("ns per op", "%s", V("ns_per_op"));
	bench_line("harness ns per op", "%s", V("harness_ns_per_op"));
	bench_line("harness share", "%s%%", V("harness_pct"));
	/* a module before the bare loop has no such keys: no such lines */
	if (rec_get(r, "bare_ns_per_op")) {
		bench_line("bare loop ns per op", "%s", V("bare_ns_per_op"));
		bench_line("over the bare loop", "%s%%", V("vs_bare_pct"));
	}

	printf("\n  %-13s%10s", "latency (ns)", "samples");
	for (i = 0; i < ARRAY_SIZE(lat_keys); i++)
		printf("%9s", !strcmp(lat_keys[i], "p999") ? "p99.9" : lat_keys[i]);
	putchar('\n');
	bench_lat_row(r, "alloc", "alloc_");
	bench_lat_row(r, "free", "free_");
	bench_lat_row(r, "harness alloc", "harness_alloc_");
	bench_lat_row(r, "harness free", "harness_free_");

	printf("\n  %6s %5s %12s %12s %12s\n", "thread", "cpu", "ops",
	       "elapsed", "ops/s");
	for (i = 0;; i++) {
		snprintf(key, sizeof(key), "thread%u_ops", i);
		if (!rec_get(r, key))
			break;
		n = rec_num(r, key);
		snprintf(key, sizeof(key), "thread%u_elapsed_ns", i);
		fmt_ns(v, sizeof(v), rec_num(r, key));
		printf("  %6u", i);
		snprintf(key, sizeof(key), "thread%u_cpu", i);
		printf(" %5s %12lld %12s", V(key), n, v);
		snprintf(key, sizeof(key), "thread%u_ops_per_sec", i);
		printf(" %12s\n", V(key));
	}
#undef V
}

/* The results, as text or JSON.  Return: the exit status. */
static int bench_results(const struct rec *r)
{
	bool failed = !strcmp(rec_get(r, "state") ?: "", "failed");
	const char *why = "the bench run failed";

	if (json) {
		putchar('{');
		json_fields(r);
		if (failed) {
			fputs(r->n ? ", \"error\": " : "\"error\": ", stdout);
			json_str(why);
			fputs(", \"errno\": \"EIO\"", stdout);
		}
		puts("}");
	} else {
		bench_show(r);
	}
	fflush(stdout);
	if (!failed)
		return EXIT_DONE;
	fprintf(stderr, "mtctl: %s\n", why);
	return EXIT_REFUSED;
}

/* bench stop: stop the run, wait until it has ended. */
static int bench_stop(void)
{
	struct bench_res b = { 0 };
	char *ans;
	int ret;

	ret = bench_stop_write(&ans);
	if (ret)
		return ret;
	ret = bench_wait(&b, true);
	if (!ret && json) {
		fputs("{\"answer\": ", stdout);
		json_str(ans);
		fputs(", \"state\": ", stdout);
		json_str(rec_get(b.r, "state") ?: "");
		puts("}");
	} else if (!ret) {
		puts(ans);
	}
	free(ans);
	bench_res_free(&b);
	return ret;
}

/*
 * bench OPTIONS: "alloc=A size=S count=N threads=T pattern=P gfp=F,...
 * cpu=C sample=K time=SEC bulk=B sheaf=N release=R reserve=N", the keys
 * given; wait for the run to end (a stop signal stops it), show its
 * results.
 */
static int cmd_bench(const struct call *c)
{
	struct bench_res b = { 0 };
	char line[LINE_MAX_LEN], cpu[16], *ans, *reason;
	const struct {
		const char *key, *val;
	} keys[] = {
		{ "alloc", c->alloc }, { "size", c->size }, { "count", c->ops },
		{ "threads", c->threads }, { "pattern", c->pattern },
		{ "gfp", c->gfp }, { "cpu", c->has_cpu ? cpu : NULL },
		{ "sample", c->sample }, { "time", c->time },
		{ "bulk", c->bulk }, { "sheaf", c->sheaf },
		{ "release", c->release }, { "reserve", c->reserve },
	};
	size_t len = 0, i;
	int werr, ret;

	if (c->nr_args && strcmp(c->arg[0], "stop"))
		return usage_fail("bench: '%s' is not stop, the one argument it takes%s",
				  c->arg[0], mt_unit_shift(c->arg[0]) < 0 ? "" :
				  " (--size takes its unit attached: --size 4k)");
	if (c->nr_args && (c->alloc || c->gfp || c->has_cpu || c->size ||
			   c->ops || c->threads || c->pattern || c->sample ||
			   c->time || c->bulk || c->sheaf || c->release ||
			   c->reserve))
		return usage_fail("bench stop: takes no option but --json");
	if (c->nr_args)
		return bench_stop();
	if (!c->size || !c->ops)
		return usage_fail("bench: needs --size S and --count N (takes %s)",
				  c->cmd->usage);
	snprintf(cpu, sizeof(cpu), "%u", c->cpu);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (keys[i].val)
			len += snprintf(line + len, sizeof(line) - len, "%s%s=%s",
					len ? " " : "", keys[i].key, keys[i].val);
	snprintf(line + len, sizeof(line) - len, "\n");

	catch_stop_signals();
	ret = exchange_line(c->cmd->name, false, line, BENCH_NO_FILE, &werr, &ans);
	if (ret)
		return ret;
	if (werr) {
		reason = refusal_reason(ans);
		ret = fail(EXIT_REFUSED, werr, "%s", reason ?: errno_sentence(werr));
		free(ans);
		return ret;
	}
	ans[strcspn(ans, "\n")] = '\0';
	if (!json && *ans) {
		puts(ans);
		fflush(stdout);
	}
	free(ans);
	ret = bench_wait(&b, false) ?: bench_results(b.r);
	bench_res_free(&b);
	return ret;
}

/* ---- get, set ----------------------------------------------------- */

static const struct param *find_param(const struct call *c)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(params); i++)
		if (!strcmp(params[i].name, c->arg[0]))
			return &params[i];
	usage_fail("%s: unknown parameter '%s' (check_content, realloc_p, max_bytes, max_atomic_bytes, max_tests, alloc, seed or pressure_margin)",
		   c->cmd->name, c->arg[0]);
	return NULL;
}

/* Open a parameter's file.  Return: an fd, or -(exit status), said. */
static int param_open(const struct param *p, int flags)
{
	char path[PATH_MAX];
	int fd, err;

	snprintf(path, sizeof(path), "%s/parameters/%s", sysfs_dir, p->name);
	fd = open(path, flags | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	err = errno;
	return -(unreachable(err, false) ?:
		 fail(EXIT_REFUSED, err, "cannot open %s: %s", path, strerror(err)));
}

/* Read a parameter into @val, as get shows it.  Return: 0 or exit status. */
static int param_read(const struct param *p, char *val, size_t len)
{
	char *text;
	int fd = param_open(p, O_RDONLY), ret;

	if (fd < 0)
		return -fd;
	ret = read_all(fd, &text);
	close(fd);
	if (ret)
		return fail(EXIT_REFUSED, -ret, "cannot read %s: %s", p->name,
			    strerror(-ret));
	text[strcspn(text, "\n")] = '\0';
	/* the kernel shows a bool as Y or N */
	if (!strcmp(p->name, "check_content"))
		snprintf(val, len, "%d", !strcmp(text, "Y") || !strcmp(text, "1"));
	else
		snprintf(val, len, "%s", text);
	free(text);
	return 0;
}

static int cmd_get(const struct call *c)
{
	char vals[ARRAY_SIZE(params)][128];
	size_t i, first = 0, end = ARRAY_SIZE(params);
	const struct param *p;
	int ret;

	if (c->nr_args) {
		p = find_param(c);
		if (!p)
			return EXIT_USAGE;
		first = p - params;
		end = first + 1;
	}
	for (i = first; i < end; i++) {
		ret = param_read(&params[i], vals[i], sizeof(vals[i]));
		if (ret)
			return ret;
	}
	for (i = first; i < end; i++) {
		if (!json) {
			printf("%s: %s\n", params[i].name, vals[i]);
			continue;
		}
		fputs(i > first ? ", " : "{", stdout);
		json_str(params[i].name);
		fputs(": ", stdout);
		json_val(vals[i]);
	}
	if (json)
		puts("}");
	return EXIT_DONE;
}

static int cmd_set(const struct call *c)
{
	const struct param *p = find_param(c);
	const char *val = c->arg[1];
	ssize_t n;
	int fd, err;

	if (!p)
		return EXIT_USAGE;
	if (!*val)
		return usage_fail("set: the value of %s is empty (%s)", p->name,
				  p->accepts);
	fd = param_open(p, O_WRONLY);
	if (fd < 0)
		return -fd;
	n = write(fd, val, strlen(val));
	err = n < 0 ? errno : 0;
	close(fd);
	if (err == EINVAL || err == ERANGE)
		return fail(EXIT_REFUSED, err, "the module refused '%s' for %s: it takes %s",
			    val, p->name, p->accepts);
	if (err)
		return unreachable(err, false) ?:
		       fail(EXIT_REFUSED, err, "cannot write %s: %s", p->name,
			    strerror(err));
	if (json)
		puts("{}");
	return EXIT_DONE;
}

/* ---- the table ---------------------------------------------------- */

static int cmd_help(const struct call *c);
static int cmd_hist(const struct call *c);
static int cmd_bench(const struct call *c);

static const char *const n_id[] = { "ID" };
static const char *const n_cpu[] = { "CPU" };

static struct cmd cmds[] = {
	MODULE_CMD(MT_CMD_ALLOC, 0, NULL,
		   "allocate one chunk and keep it (a simulated leak)",
		   "Allocate one chunk of SIZE and keep it.  Prints nothing.\n"
		   "With --avail S, keep chunks of SIZE until the machine's\n"
		   "MemAvailable is at most S, and print the chunks kept, their\n"
		   "bytes, MemAvailable before and after, and the target.\n"),
	MODULE_CMD(MT_CMD_FREE, 0, "freed",
		   "free kept chunks, at least SIZE (all without it)",
		   "Free whole kept chunks, at least SIZE, everything without it.\n"
		   "Prints the bytes freed.\n"),
	MODULE_CMD(MT_CMD_REALLOC, 0, "bytes",
		   "resize a kept chunk chosen at random",
		   "Resize a kept chunk chosen at random to SIZE.  Prints the\n"
		   "difference in bytes, negative when it shrank.\n"),
	{ "mem_used", cmd_used, 0, 0, 0, CMD_SHOW_UNIT, NULL, NULL,
	  "[UNIT]",
	  "show what the module holds",
	  "Print what the module holds: chunks and bytes, tests included,\n"
	  "the kept and test shares, corruptions, max_bytes, the module's\n"
	  "own bookkeeping, each allocator's chunks and bytes, the dedicated\n"
	  "caches alive, the bench's charge; then what is charged against\n"
	  "max_bytes (charged_bytes: the chunks' footprint, the bookkeeping,\n"
	  "the tests' and caches' own memory, the bench, reserves) and\n"
	  "max_atomic_bytes, each allocator's footprint (kmalloc_charged...),\n"
	  "the tests that exist and the mem_rnd_allocs killed midway.  With\n"
	  "UNIT, sizes (bytes, ..._bytes, ..._charged) are shown in it.\n", 0 },
	MODULE_CMD(MT_CMD_RND_ALLOC, CMD_RECORD, NULL,
		   "allocate TOTAL in pieces of random size and keep them",
		   "Allocate TOTAL in pieces of random size in MIN..MAX and keep them.\n"
		   "Prints the chunks allocated, the errors, the resizes and the bytes;\n"
		   "exits 1 when some pieces could not be allocated.\n"),
	MODULE_CMD(MT_CMD_TEST_START, 0, "id",
		   "start a timed test; prints its id",
		   "Start a timed test: every MIN_INT..MAX_INT ms a random allocation\n"
		   "of MIN..MAX; what it holds freed (--free) when it reaches TOTAL;\n"
		   "over after TOTAL_TIME ms.  UNIT applies to the sizes, never to the\n"
		   "times.  Prints the new test's id.  At most max_tests tests exist\n"
		   "at once: destroy one to start another.\n"),
	MODULE_CMD(MT_CMD_TEST_STOP, 0, NULL,
		   "stop a test, keep its statistics",
		   "Stop the test now and free what it holds; its statistics stay.\n"),
	MODULE_CMD(MT_CMD_TEST_DESTROY, 0, NULL,
		   "stop a test and drop its statistics",
		   "Stop the test and drop its statistics.\n"),
	MODULE_CMD(MT_CMD_TEST_DESTROY_ALL, CMD_WRONLY, NULL,
		   "destroy every test",
		   "Destroy every test.\n"),
	{ "mem_test_list", cmd_list, 0, 1, 0, CMD_SHOW_UNIT, NULL, n_id,
	  "[ID] [UNIT]",
	  "show every test's figures, or one test's",
	  "Show every test, or test ID, as a block of figures: state,\n"
	  "allocator, run and remaining time (s), allocations, resizes,\n"
	  "errors, overflows, the footprint allocated and freed, bytes held\n"
	  "and their footprint (charged), its own memory, chunks held,\n"
	  "the sizes asked for, intervals (ms), total time (s), gfp flags,\n"
	  "node, context, cpu, free policy, release, for alloc=mempool the\n"
	  "elements each of its mempools keeps and the chunks their reserve\n"
	  "served, the chunks a bulk call asks (when above 1; --json always\n"
	  "has bulk), corruptions, skipped and backlog ticks, steps off its cpu,\n"
	  "chunks off its node, the median and 99th percentile of its\n"
	  "allocations' and frees' latency in ns, and the machine's reclaim\n"
	  "and compaction events while it ran (/proc/vmstat's allocstall,\n"
	  "pgscan_*, pgsteal_*, compact_*, oom_kill).  With UNIT, sizes are\n"
	  "shown in it.\n", 0 },
	{ "caches", cmd_caches, 0, 0, 0, 0, NULL, NULL, "",
	  "show the dedicated slab caches of alloc=cache",
	  "Print the slab caches alloc=cache (and alloc=mempool) made and\n"
	  "that are alive: each one's name, the module's count of its\n"
	  "objects, and their size.\n", 0 },
	{ "mempools", cmd_mempools, 0, 0, 0, 0, NULL, NULL, "",
	  "show the mempools of alloc=mempool",
	  "Print the mempools alloc=mempool made and that are alive, each\n"
	  "over a dedicated cache and named by it: the elements it keeps\n"
	  "(min_nr), those it holds now (curr_nr), and the chunks its reserve\n"
	  "served (from_reserve).\n", 0 },
	{ "footprint", cmd_footprint, 0, 1, 0, CMD_WORDS, NULL, NULL, "[ID|kept]",
	  "show what the dedicated caches cost the slab allocator",
	  "For each dedicated cache alive (or test ID's, or kept memory's):\n"
	  "the module's objects and its mempool's curr_nr, beside the\n"
	  "kernel's figures from /sys/kernel/slab/NAME/: objects (kernel),\n"
	  "total_objects (total), slabs, partial, order, objs_per_slab\n"
	  "(per_slab), sheaf_capacity (sheaf); slab_bytes, slabs x (the page\n"
	  "size << order), and ratio, slab_bytes over the module's objects x\n"
	  "their size.  Then their totals, and the machine's figures:\n"
	  "/proc/meminfo's Slab, SUnreclaim, VmallocUsed, Percpu and MemFree\n"
	  "in bytes, the vmap areas (/proc/vmallocinfo's lines) and the free\n"
	  "pages per order (/proc/buddyinfo, every zone summed).  A figure\n"
	  "the kernel does not give shows as '-'.  A test's caches live until\n"
	  "it ends: read them while it runs.\n", 0 },
	{ "hist", cmd_hist, 1, 2, 0, CMD_WORDS, NULL, NULL, "ID|bench [OP]",
	  "draw a test's, or the last bench's, latency histograms",
	  "Draw the latency histograms of test ID (its alloc, realloc, free\n"
	  "and lateness of its timer) or of the last bench run (alloc, free,\n"
	  "harness_alloc, harness_free), or only OP's: per operation a\n"
	  "summary (count, min, mean, max, p50, p90, p99, p99.9), then per\n"
	  "bucket its range, its count and a bar scaled to the largest.\n", 0 },
	{ .name = NULL, .fn = cmd_bench, .flags = CMD_BENCH,
	  .grammar = MT_CMD_BENCH + 1,
	  .help = "time an allocator in kernel threads; or stop the run",
	  .more =
	  "Run a benchmark of the allocator in T kernel threads (default 1),\n"
	  "each bound to its CPU, N operations each; wait for it to end\n"
	  "(Ctrl-C or SIGTERM stops it) and print its results: operations,\n"
	  "ops/s overall and per thread, ns per operation and the harness's\n"
	  "share of it, latency percentiles in ns.  'bench stop' stops the\n"
	  "run going and waits until it has ended.\n" },
	{ "watch", cmd_watch, 0, 1, 0, CMD_WATCH, NULL, n_id,
	  "[ID] [--interval S] [--count N]",
	  "redraw the tests' progress until they end",
	  "Every S seconds (default 1, fractions allowed), for each test or\n"
	  "test ID: its state, a bar of its elapsed time, its allocations per\n"
	  "second since the previous frame, what it holds and its errors.\n"
	  "Ends on Ctrl-C, when no test shown is running, or after N frames.\n"
	  "On a terminal each frame replaces the last; otherwise frames\n"
	  "follow one another, a blank line between two.\n", 0 },
	{ "hotplug", cmd_hotplug, 1, 1, 0, CMD_WATCH, NULL, n_cpu,
	  "CPU [--interval S] [--count N]",
	  "take a CPU offline and online again, over and over",
	  "Every S seconds (default 1, fractions allowed) take CPU offline,\n"
	  "then online, through /sys/devices/system/cpu/cpuN/online, while\n"
	  "tests, benches or kept per-CPU memory use it: one line a change,\n"
	  "with what the write took.  Ends after N changes, or on Ctrl-C or\n"
	  "SIGTERM, and always leaves CPU online.  Root only; CPU 0, a CPU\n"
	  "that cannot go offline and one that is offline are refused; a\n"
	  "change the kernel refuses (EBUSY) is counted and tried again.\n", 0 },
	{ "get", cmd_get, 0, 1, 0, CMD_WORDS, NULL, NULL, "[PARAM]",
	  "show the module's parameters, or one",
	  "Print the parameters check_content, realloc_p, max_bytes,\n"
	  "max_atomic_bytes, max_tests, alloc, seed and pressure_margin, or\n"
	  "one of them, as 'name: value' lines.\n", 0 },
	{ "set", cmd_set, 2, 2, 0, CMD_WORDS, NULL, NULL, "PARAM VALUE",
	  "change a parameter",
	  "Change a parameter: check_content 0 or 1, realloc_p 0..90,\n"
	  "max_bytes, max_atomic_bytes and pressure_margin 1..2^63-1,\n"
	  "max_tests 1..65536, alloc one of --alloc's allocators, seed any\n"
	  "unsigned 64-bit number.  A refused value leaves the old one.\n", 0 },
	{ "help", cmd_help, 0, 1, 0, CMD_WORDS, NULL, NULL, "[COMMAND]",
	  "list the commands, or say what one takes",
	  "Print the commands, or what COMMAND takes.\n", 0 },
};

/* Usage lines of the module's commands, written by grammar_init(). */
static char usages[MT_NR_CMDS][256];

/*
 * The module's usage of a command ("SIZE [UNIT] [alloc=A]"), spelt as
 * mtctl takes it: each KEY= an option, --KEY VALUE.
 */
static void client_usage(char *buf, size_t len, const struct mt_syntax *syn)
{
	char u[256];
	const char *s;
	size_t n = 0, w;

	mt_usage(u, sizeof(u), syn);
	if (syn->anything)
		u[0] = '\0';		/* mtctl sends nothing */
	for (s = u; *s && n + 3 < len; ) {
		w = strspn(s, "abcdefghijklmnopqrstuvwxyz_");
		if (w && s[w] == '=' && (s == u || s[-1] == ' ' || s[-1] == '[')) {
			n += snprintf(buf + n, len - n, "--%.*s ", (int)w, s);
			s += w + 1;
			continue;
		}
		buf[n++] = *s++;
	}
	buf[n < len ? n : len - 1] = '\0';
}

/*
 * Fill the module's commands in from its grammar, and the lists of the
 * options' values that messages and help print.
 */
static void grammar_init(void)
{
	const struct mt_syntax *syn;
	unsigned int i, f, nb = 0, nm = 0;
	struct cmd *cmd;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		cmd = &cmds[i];
		if (!cmd->grammar)
			continue;
		syn = &mt_syntax[cmd->grammar - 1];
		cmd->name = syn->name;
		cmd->min_args = syn->anything ? 0 : syn->min_args;
		cmd->max_args = syn->anything ? 0 : syn->max_args;
		cmd->size_mask = syn->size_mask;
		cmd->argn = syn->args;
		if (syn->word) {	/* bench: "stop", or options alone */
			cmd->max_args = 1;
			cmd->flags |= CMD_WORDS;
		}
		if (syn->opts & MT_OPT(NODE))
			cmd->flags |= CMD_ALLOC;
		if (syn->opts & MT_OPT(CTX))
			cmd->flags |= CMD_TEST;
		client_usage(usages[cmd->grammar - 1], sizeof(usages[0]), syn);
		cmd->usage = usages[cmd->grammar - 1];
	}
	mt_names_list(alloc_list, sizeof(alloc_list),
		      &mt_opt_descs[MT_OPT_ALLOC], " or ");
	mt_names_list(ctx_list, sizeof(ctx_list), &mt_opt_descs[MT_OPT_CTX],
		      " or ");
	mt_names_list(free_list, sizeof(free_list), &mt_opt_descs[MT_OPT_FREE],
		      " or ");
	mt_names_list(pattern_list, sizeof(pattern_list),
		      &mt_opt_descs[MT_OPT_PATTERN], " or ");
	mt_names_list(release_list, sizeof(release_list),
		      &mt_opt_descs[MT_OPT_RELEASE], " or ");
	for (f = 0; f < MT_GFP_NR; f++) {
		if (MT_GFP_BASES & (1U << f))
			nb += snprintf(gfp_base_list + nb,
				       sizeof(gfp_base_list) - nb, "%s%s",
				       nb ? (f + 1 < MT_GFP_NR &&
					     (MT_GFP_BASES >> (f + 1)) ?
					     ", " : " or ") : "",
				       mt_gfp_names[f]);
		else
			nm += snprintf(gfp_mod_list + nm,
				       sizeof(gfp_mod_list) - nm, "%s%s",
				       nm ? ", " : "", mt_gfp_names[f]);
	}
	snprintf(gfp_list, sizeof(gfp_list), "bases %s; modifiers %s",
		 gfp_base_list, gfp_mod_list);
}

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	if (!strncmp(name, "mt.", 3))
		name += 3;
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

/* ---- help --------------------------------------------------------- */

static void help_all(void)
{
	size_t i;

	printf("usage: mtctl [--json] COMMAND [ARGS...] [OPTIONS]\n"
	       "       mtctl help [COMMAND]\n\n"
	       "Drive the malloc_test kernel module (as root).\n\n"
	       "Commands (also spelt mt.COMMAND):\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		printf("  %-21s %s\n", cmds[i].name, cmds[i].help);
	printf("\nOptions, anywhere on the line ('--' ends them):\n"
	       "  --json                one JSON document (watch: one per frame)\n"
	       "  --alloc A             allocator: %s\n"
	       "  --gfp F,...           gfp flags: a base (%s)\n"
	       "                        and modifiers (%s)\n"
	       "  --node N              allocate on NUMA node N\n"
	       "  --ctx C               mem_test_start: allocate in a work item\n"
	       "                        (work), the timer's callback (timer: hard\n"
	       "                        irq), a soft timer's (softirq), the work\n"
	       "                        with interrupts disabled (irqoff), or an\n"
	       "                        NMI the timer raises (nmi: kmalloc_nolock\n"
	       "                        or pages_nolock; x86, kernels from 6.18),\n"
	       "                        or the work with bottom halves disabled\n"
	       "                        (bhoff: vmalloc, kvmalloc too from 6.19)\n"
	       "  --cpu N               mem_test_start: run the test on CPU N;\n"
	       "                        bench: the first thread's CPU\n"
	       "  --free P              mem_test_start: at TOTAL free all, or\n"
	       "                        random, fifo or lifo chunks until a piece\n"
	       "                        of MAX fits\n"
	       "  --release R           mem_test_start, mem_free, bench: give chunks\n"
	       "                        back at once (now) or through RCU (rcu:\n"
	       "                        kfree_rcu(), kvfree_rcu())\n"
	       "  --reserve N           mem_test_start, bench, with --alloc mempool:\n"
	       "                        the elements each mempool keeps (1..1024;\n"
	       "                        default: the mempool_reserve parameter)\n"
	       "  --avail S             mem_alloc: keep chunks until MemAvailable is\n"
	       "                        at most S, units attached (512m, 2G)\n"
	       "  --interval S          watch: seconds between frames (default 1)\n"
	       "  --count N             watch: stop after N frames; bench:\n"
	       "                        operations per thread\n"
	       "  --size S              bench: the size, units attached (64, 4k)\n"
	       "  --threads T           bench: threads, one per CPU (default 1)\n"
	       "  --pattern P           bench: pair (default), batch, random or\n"
	       "                        remote\n"
	       "  --sample K            bench: time one operation in K (default 64)\n"
	       "  --time SEC            bench: seconds each phase may take\n"
	       "  --bulk N              mem_test_start, bench: cache or pages\n"
	       "                        chunks per bulk call (default 1: single\n"
	       "                        calls)\n"
	       "  --sheaf N             bench: the capacity of the cache's sheaves\n"
	       "                        (6.18 on; default: the kernel's)\n"
	       "  -h, --help            this help, or a command's\n"
	       "  --version             print mtctl's version\n\n"
	       "UNIT is b, k, m or g (powers of 1024; bytes without it); times\n"
	       "are milliseconds.  Exit status: 0 done, 1 refused or module not\n"
	       "reachable, 2 wrong command line.  'mtctl help COMMAND' says more.\n",
	       alloc_list, gfp_base_list, gfp_mod_list);
}

static int cmd_help(const struct call *c)
{
	const struct cmd *cmd = c->nr_args ? find_cmd(c->arg[0]) : NULL;

	if (!c->nr_args) {
		help_all();
		return EXIT_DONE;
	}
	if (!cmd)
		return usage_fail("unknown command '%s' (mtctl help lists them)",
				  c->arg[0]);
	printf("usage: mtctl %s%s%s\n\n%s", cmd->name, *cmd->usage ? " " : "",
	       cmd->usage, cmd->more);
	if (cmd->size_mask || (cmd->flags & CMD_SHOW_UNIT))
		printf("UNIT: b, k, m or g, powers of 1024; bytes without it.\n");
	if (cmd->flags & CMD_ALLOC)
		printf("--alloc A: %s;\n"
		       "without it, the module's alloc parameter decides.\n"
		       "--gfp F,...: a base, %s, and modifiers\n"
		       "%s.  A list\n"
		       "with no base gets kernel, and retry_mayfail (noretry for\n"
		       "percpu; neither for mempool) unless it names noretry,\n"
		       "retry_mayfail or nofail; without --gfp,\n"
		       "kernel,retry_mayfail,nowarn (percpu: kernel,noretry,nowarn):\n"
		       "a failed allocation fails, and calls no OOM killer; mempool:\n"
		       "kernel,nowarn, which waits for an element rather than fail.\n"
		       "--gfp kernel is plain GFP_KERNEL.\n"
		       "--node N: allocate on NUMA node N.\n",
		       alloc_list, gfp_base_list, gfp_mod_list);
	if (cmd->grammar && (mt_syntax[cmd->grammar - 1].opts & MT_OPT(AVAIL)))
		printf("--avail S: a decimal, its unit letter attached if need be\n"
		       "(512m, 2G): keep chunks of SIZE until MemAvailable is at\n"
		       "most S, read again after each chunk; nothing when it is\n"
		       "already.  The module refuses S below its pressure_margin\n"
		       "parameter, and --gfp nofail; a refused chunk, a cap or a\n"
		       "signal stops it, the chunks kept so far staying kept.\n");
	if (cmd->flags & CMD_BENCH)
		printf("--size S: a decimal, its unit letter attached if need be: b,\n"
		       "k, m or g (64, 4k, 1m); from 1 to the allocator's largest.\n"
		       "--count N: per thread, allocate+free pairs (pair, random) or\n"
		       "allocations then frees (batch).\n"
		       "--alloc A: %s;\n"
		       "without it, the module's alloc parameter decides.\n"
		       "--threads T: 1 to the online CPUs, each bound to its own CPU.\n"
		       "--pattern pair|batch|random|remote: allocate and free at once\n"
		       "(pair), N allocations then N frees (batch), pairs of sizes\n"
		       "drawn in 1..S (random), or threads in pairs, one allocating,\n"
		       "the other freeing on another CPU (remote; T even).\n"
		       "--gfp F,...: as for mem_alloc; without it,\n"
		       "kernel,retry_mayfail,nowarn (percpu: kernel,noretry,nowarn;\n"
		       "mempool: kernel,nowarn).\n"
		       "--cpu N: the first thread's CPU; the others follow on the\n"
		       "next online CPUs.\n"
		       "--sample K: time one operation in K (0: none, 1: all; 64).\n"
		       "--time SEC: seconds each phase of the run may take at most\n"
		       "(10).\n"
		       "--bulk N: --alloc cache or pages, --pattern pair or batch:\n"
		       "N objects a call (kmem_cache_alloc_bulk, alloc_pages_bulk),\n"
		       "the bare loop one a call (1..512; 1).\n"
		       "--sheaf N: --alloc cache: the bench's cache made with sheaves\n"
		       "of N objects (kernels from 6.18 on; 1..1024).\n"
		       "--reserve N: --alloc mempool: the elements the bench's mempool\n"
		       "keeps (1..1024; default: the mempool_reserve parameter).\n",
		       alloc_list);
	if (cmd->flags & CMD_TEST)
		printf("--ctx work|timer|softirq|irqoff|nmi|bhoff: allocate in a work\n"
		       "item (default), in the timer's callback (hard irq), in a\n"
		       "soft timer's (softirq), in the work with interrupts\n"
		       "disabled (irqoff), or in an NMI the timer's callback raises\n"
		       "on its CPU (nmi: --alloc kmalloc_nolock or pages_nolock\n"
		       "alone, on x86 kernels from 6.18), or in the work with\n"
		       "bottom halves disabled (bhoff: the one atomic context that\n"
		       "takes vmalloc and kvmalloc, from 6.19): but in a work item the\n"
		       "base is atomic without one, and atomic,nowarn without\n"
		       "--gfp; chunks of 32768 bytes at most (MAX, times the\n"
		       "possible CPUs for percpu).\n"
		       "--cpu N: the test's timer and work run on CPU N.\n"
		       "--free all|random|fifo|lifo: at TOTAL, free everything\n"
		       "(default), or random, the oldest or the newest chunks until a\n"
		       "whole piece of MAX fits again.\n"
		       "--reserve N: --alloc mempool: the elements each of the test's\n"
		       "mempools keeps (1..1024; default: the mempool_reserve\n"
		       "parameter when the test starts).\n"
		       "--bulk N: --alloc cache or pages (MAX a page at most), no\n"
		       "--node: each allocation step asks N chunks of one size in one\n"
		       "call (kmem_cache_alloc_bulk, alloc_pages_bulk), as many as\n"
		       "fit whole in what remains of TOTAL (1..512; 1: single\n"
		       "calls); cache's not in --ctx timer, irqoff or nmi (its bulk\n"
		       "call wants interrupts on).\n");
	printf("--json: print a JSON document instead.\n");
	return EXIT_DONE;
}

/* ---- the command line --------------------------------------------- */

/* What the command line said, before it is checked against the command. */
static struct cmdline {
	char *word;			/* the command, as given */
	char **arg;
	unsigned int nr_args;
	const char *alloc, *interval, *count;
	const char *gfp, *node, *ctx, *cpu, *free, *release, *reserve;
	const char *size, *threads, *pattern, *sample, *time, *bulk, *sheaf;
	const char *avail;
	bool help, version;
	const char *bad;		/* an unknown option */
	const char *flagval;		/* a flag given a value */
	const char *novalue;		/* an option missing its value */
	const char *what;		/* ... and what its value is */
} cl;

static const struct opt {
	const char *name;
	bool *flag;			/* a flag sets this */
	const char **val;		/* an option with a value fills this */
	const char *what;
} opts[] = {
	{ "--json", &json, NULL, NULL },
	{ "--alloc", NULL, &cl.alloc, alloc_list },
	{ "--gfp", NULL, &cl.gfp, gfp_list },
	{ "--node", NULL, &cl.node, "a NUMA node number" },
	{ "--ctx", NULL, &cl.ctx, ctx_list },
	{ "--cpu", NULL, &cl.cpu, "a CPU number" },
	{ "--free", NULL, &cl.free, free_list },
	{ "--release", NULL, &cl.release, release_list },
	{ "--reserve", NULL, &cl.reserve, "a number of mempool elements" },
	{ "--avail", NULL, &cl.avail, "a MemAvailable target (512m, 2G)" },
	{ "--interval", NULL, &cl.interval, "seconds between frames" },
	{ "--count", NULL, &cl.count, "a number of frames, or of operations" },
	{ "--size", NULL, &cl.size, "a size (64, 4k, 1m)" },
	{ "--threads", NULL, &cl.threads, "a number of threads" },
	{ "--pattern", NULL, &cl.pattern, pattern_list },
	{ "--sample", NULL, &cl.sample, "one operation in how many to time" },
	{ "--time", NULL, &cl.time, "seconds" },
	{ "--bulk", NULL, &cl.bulk, "a number of objects per bulk call" },
	{ "--sheaf", NULL, &cl.sheaf, "a sheaf capacity" },
	{ "--help", &cl.help, NULL, NULL },
	{ "-h", &cl.help, NULL, NULL },
	{ "--version", &cl.version, NULL, NULL },
};

/* Sort argv into options, the command and its arguments. */
static void scan_argv(int argc, char **argv)
{
	const struct opt *o;
	bool opts_done = false;
	size_t len, i;
	char *a, *eq;
	int k;

	for (k = 1; k < argc; k++) {
		a = argv[k];
		/* "-" and "-5" are arguments: the number is then refused */
		if (opts_done || a[0] != '-' || !a[1] || isdigit((unsigned char)a[1])) {
			if (!cl.word)
				cl.word = a;
			else
				cl.arg[cl.nr_args++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			opts_done = true;
			continue;
		}
		eq = a[1] == '-' ? strchr(a, '=') : NULL;
		len = eq ? (size_t)(eq - a) : strlen(a);
		for (i = 0, o = NULL; i < ARRAY_SIZE(opts) && !o; i++)
			if (strlen(opts[i].name) == len && !strncmp(opts[i].name, a, len))
				o = &opts[i];
		if (!o) {
			cl.bad = cl.bad ?: a;
		} else if (o->flag && eq) {
			cl.flagval = cl.flagval ?: o->name;
		} else if (o->flag) {
			*o->flag = true;
		} else if (eq || k + 1 < argc) {
			*o->val = eq ? eq + 1 : argv[++k];
		} else if (!cl.novalue) {
			cl.novalue = o->name;
			cl.what = o->what;
		}
	}
}

/* --interval S: seconds, fractions allowed, at least a millisecond. */
static int parse_interval(const char *s, unsigned long *ms)
{
	unsigned long v = 0, scale = 1000;
	size_t digits = strspn(s, "0123456789");

	if (digits > 9)
		return -1;
	for (; isdigit((unsigned char)*s); s++)
		v = v * 10 + (*s - '0');
	v *= 1000;
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++, digits++)
			v += (*s - '0') * (scale /= 10);
	if (*s || !digits || !v)
		return -1;
	*ms = v;
	return 0;
}

/*
 * --gfp F,...: the module's own rules (one base at most, each flag once,
 * no empty or unknown flag).  Return: 0, or the exit status, said.
 */
static int check_gfp(const char *name, const char *gfp)
{
	unsigned int seen = 0;
	const char *p = gfp;
	char tok[32];
	size_t len;
	int f;

	for (;; p += len + 1) {
		len = strcspn(p, ",");
		f = -1;
		if (len < sizeof(tok)) {
			snprintf(tok, sizeof(tok), "%.*s", (int)len, p);
			f = mt_name_index(mt_gfp_names, MT_GFP_NR, tok);
		}
		if (f < 0)
			return usage_fail("%s: --gfp '%s': unknown gfp flag '%.*s' (%s)",
					  name, gfp, (int)len, p, gfp_list);
		if ((MT_GFP_BASES & (1U << f)) && (seen & MT_GFP_BASES))
			return usage_fail("%s: --gfp '%s' takes one base: %s",
					  name, gfp, gfp_base_list);
		if (seen & (1U << f))
			return usage_fail("%s: --gfp '%s': gfp flag '%s' given twice",
					  name, gfp, mt_gfp_names[f]);
		seen |= 1U << f;
		if (!p[len])
			return 0;
	}
}

/* --node N, --cpu N: unsigned decimal, 32 bits.  Return: 0 or -1. */
static int parse_u32(const char *s, unsigned int *v)
{
	unsigned long long n;

	if (parse_u64(s, &n) || n > UINT_MAX)
		return -1;
	*v = n;
	return 0;
}

/*
 * bench's options: their syntax here; their ranges (size 0, more threads
 * than CPUs...), the module's.  Return: 0 or the exit status.
 */
static int check_bench(struct call *c)
{
	const struct {
		const char *opt, *val, *what;
		const char **to;
	} nums[] = {
		{ "count", cl.count, "a number of operations", &c->ops },
		{ "threads", cl.threads, "a number of threads", &c->threads },
		{ "sample", cl.sample, "one operation in how many to time",
		  &c->sample },
		{ "time", cl.time, "a number of seconds", &c->time },
		{ "bulk", cl.bulk, "a number of objects per bulk call",
		  &c->bulk },
		{ "sheaf", cl.sheaf, "a sheaf capacity", &c->sheaf },
	};
	unsigned long long v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(nums); i++) {
		if (!nums[i].val)
			continue;
		if (parse_u64(nums[i].val, &v))
			return usage_fail("bench: --%s '%s' is not %s (an unsigned decimal)",
					  nums[i].opt, nums[i].val, nums[i].what);
		*nums[i].to = nums[i].val;
	}
	if (cl.size && mt_size_parse(cl.size, &v) == -ERANGE)
		return usage_fail("bench: --size '%s' passes 64 bits", cl.size);
	if (cl.size && mt_size_parse(cl.size, &v))
		return usage_fail("bench: --size '%s' is not a size (an unsigned decimal, its unit attached if need be: 64, 4k, 1m)",
				  cl.size);
	c->size = cl.size;
	if (cl.pattern && mt_name_index(mt_pattern_names, MT_NR_PATTERNS,
					cl.pattern) < 0)
		return usage_fail("bench: --pattern '%s' is not a pattern (%s)",
				  cl.pattern, pattern_list);
	c->pattern = cl.pattern;
	return 0;
}

/* Check the options against the command.  Return: 0 or the exit status. */
/*
 * The options that are the module's (--alloc is alloc=, ...), and
 * whether the command takes each: what the grammar says.  --count is
 * also watch's, and --interval watch's alone.
 */
static int check_module_options(const struct cmd *cmd)
{
	static const struct {
		const char *const *val;
		enum mt_opt opt;
	} mod[] = {
		{ &cl.alloc, MT_OPT_ALLOC }, { &cl.gfp, MT_OPT_GFP },
		{ &cl.node, MT_OPT_NODE }, { &cl.ctx, MT_OPT_CTX },
		{ &cl.cpu, MT_OPT_CPU }, { &cl.free, MT_OPT_FREE },
		{ &cl.size, MT_OPT_SIZE }, { &cl.threads, MT_OPT_THREADS },
		{ &cl.pattern, MT_OPT_PATTERN }, { &cl.sample, MT_OPT_SAMPLE },
		{ &cl.time, MT_OPT_TIME }, { &cl.bulk, MT_OPT_BULK },
		{ &cl.sheaf, MT_OPT_SHEAF }, { &cl.release, MT_OPT_RELEASE },
		{ &cl.reserve, MT_OPT_RESERVE }, { &cl.avail, MT_OPT_AVAIL },
	};
	unsigned int takes = cmd->grammar ? mt_syntax[cmd->grammar - 1].opts : 0;
	char who[160];
	size_t i, k, n;

	for (i = 0; i < ARRAY_SIZE(mod); i++) {
		if (!*mod[i].val || (takes & (1U << mod[i].opt)))
			continue;
		/* say which commands do take it */
		for (k = 0, n = 0, who[0] = '\0'; k < MT_NR_CMDS; k++)
			if (mt_syntax[k].opts & (1U << mod[i].opt))
				n += snprintf(who + n, sizeof(who) - n, "%s%s",
					      n ? ", " : "", mt_syntax[k].name);
		return usage_fail("%s: takes no --%s (%s take%s it)", cmd->name,
				  mt_opt_descs[mod[i].opt].name, who,
				  strchr(who, ',') ? "" : "s");
	}
	if (cl.count && !(cmd->flags & CMD_WATCH) && !(takes & MT_OPT(COUNT)))
		return usage_fail("%s: takes no --count", cmd->name);
	if (cl.interval && !(cmd->flags & CMD_WATCH))
		return usage_fail("%s: takes no --interval", cmd->name);
	return 0;
}

/* --alloc, --ctx, --free: one of the grammar's names, or NULL said. */
static const char *check_name(const char *name, enum mt_opt opt,
			      const char *val)
{
	const struct mt_opt_desc *d = &mt_opt_descs[opt];
	char list[128];
	int i = mt_name_index(d->names, d->nr_names, val);

	if (i >= 0)
		return d->names[i];
	mt_names_list(list, sizeof(list), d, " or ");
	usage_fail("%s: --%s '%s' is not %s %s (%s)", name, d->name, val,
		   strchr("aeiou", d->what[0]) ? "an" : "a", d->what, list);
	return NULL;
}

static int check_options(struct call *c)
{
	unsigned int flags = c->cmd->flags;
	const char *name = c->cmd->name;
	unsigned long long n = 0, reserve, bulk, avail;
	int ret;

	ret = check_module_options(c->cmd);
	if (ret)
		return ret;
	if (cl.alloc) {
		c->alloc = check_name(name, MT_OPT_ALLOC, cl.alloc);
		if (!c->alloc)
			return EXIT_USAGE;
	}
	if (cl.gfp) {
		ret = check_gfp(name, cl.gfp);
		if (ret)
			return ret;
		c->gfp = cl.gfp;
	}
	c->has_node = cl.node;
	if (cl.node && parse_u32(cl.node, &c->node))
		return usage_fail("%s: --node '%s' is not a node number (an unsigned decimal, 0 to 4294967295)",
				  name, cl.node);
	c->has_cpu = cl.cpu;
	if (cl.cpu && parse_u32(cl.cpu, &c->cpu))
		return usage_fail("%s: --cpu '%s' is not a CPU number (an unsigned decimal, 0 to 4294967295)",
				  name, cl.cpu);
	if (cl.ctx) {
		c->ctx = check_name(name, MT_OPT_CTX, cl.ctx);
		if (!c->ctx)
			return EXIT_USAGE;
	}
	if (cl.free) {
		c->free = check_name(name, MT_OPT_FREE, cl.free);
		if (!c->free)
			return EXIT_USAGE;
	}
	if (cl.release) {
		c->release = check_name(name, MT_OPT_RELEASE, cl.release);
		if (!c->release)
			return EXIT_USAGE;
	}
	/* its range, 1 to 1024, and its allocator are the module's to judge */
	if (cl.reserve && parse_u64(cl.reserve, &reserve))
		return usage_fail("%s: --reserve '%s' is not a number of mempool elements (an unsigned decimal)",
				  name, cl.reserve);
	c->reserve = cl.reserve;
	/* --avail S: a size as --size is; whether it is too low, the module's */
	if (cl.avail && mt_size_parse(cl.avail, &avail) == -ERANGE)
		return usage_fail("%s: --avail '%s' passes 64 bits", name,
				  cl.avail);
	if (cl.avail && mt_size_parse(cl.avail, &avail))
		return usage_fail("%s: --avail '%s' is not a size (an unsigned decimal, its unit attached if need be: 512m, 2G)",
				  name, cl.avail);
	c->avail = cl.avail;
	/* --bulk N: a test's too; its range and allocator the module's */
	if (cl.bulk && !(flags & CMD_BENCH) && parse_u64(cl.bulk, &bulk))
		return usage_fail("%s: --bulk '%s' is not a number of chunks per bulk call (an unsigned decimal)",
				  name, cl.bulk);
	c->bulk = cl.bulk;
	c->interval_ms = 1000;
	if (cl.interval && parse_interval(cl.interval, &c->interval_ms))
		return usage_fail("%s: --interval '%s' is not a number of seconds above 0 (1, 0.5...)",
				  name, cl.interval);
	if (flags & CMD_BENCH)
		return check_bench(c);
	if (cl.count && (parse_u64(cl.count, &n) || !n || n > ULONG_MAX))
		return usage_fail("%s: --count '%s' is not a number of %s above 0",
				  name, cl.count,
				  c->cmd->fn == cmd_hotplug ? "changes" : "frames");
	c->count = n;
	return 0;
}

static int count_fail(const struct cmd *cmd, unsigned int nr)
{
	if (nr < cmd->min_args)
		return usage_fail("%s: needs %s", cmd->name, cmd->usage);
	if (!*cmd->usage)
		return usage_fail("%s: takes no arguments", cmd->name);
	return usage_fail("%s: too many arguments: takes %s", cmd->name,
			  cmd->usage);
}

/*
 * Check the arguments: the numbers, then a UNIT word when the command
 * takes one.  A last word that is no number is the UNIT when it is one,
 * or when the numbers before it are enough: "mem_alloc 10 x" has a bad
 * unit, "mem_alloc x" a bad SIZE.  Return: 0 or the exit status.
 */
static int check_args(struct call *c)
{
	const struct cmd *cmd = c->cmd;
	bool unit_ok = cmd->size_mask || (cmd->flags & CMD_SHOW_UNIT);
	unsigned int i, nr = c->nr_args;
	const char *last = nr ? c->arg[nr - 1] : "0", *a;
	size_t digits;
	int shift;

	if (!(cmd->flags & CMD_WORDS) && unit_ok && !strchr("0123456789+-", *last) &&
	    (mt_unit_shift(last) >= 0 || nr > cmd->min_args))
		c->unit_word = c->arg[--nr];
	if (nr < cmd->min_args || nr > cmd->max_args)
		return count_fail(cmd, nr);
	for (i = 0; !(cmd->flags & CMD_WORDS) && i < nr; i++) {
		a = c->arg[i];
		if (!parse_u64(a, &c->num[i]))
			continue;
		digits = strspn(a, "0123456789");
		return usage_fail("%s: %s '%s' is not an unsigned 64-bit decimal number%s",
				  cmd->name, cmd->argn[i], a,
				  digits && mt_unit_shift(a + digits) >= 0 ?
				  " (the unit is a word of its own: 10 k)" : "");
	}
	c->nr_num = nr;
	if (!c->unit_word)
		return 0;
	shift = mt_unit_shift(c->unit_word);
	if (shift < 0)
		return usage_fail("%s: '%s' is not a unit (b, k, m or g)",
				  cmd->name, c->unit_word);
	if (!nr && !(cmd->flags & CMD_SHOW_UNIT))
		return usage_fail("%s: unit '%s' without a number (takes %s)",
				  cmd->name, c->unit_word, cmd->usage);
	c->unit = tolower((unsigned char)*c->unit_word);
	c->shift = shift;
	return 0;
}

static int run(int argc, char **argv)
{
	struct call c = { 0 };

	cl.arg = calloc(argc, sizeof(*cl.arg));
	if (!cl.arg)
		return fail(EXIT_REFUSED, ENOMEM, "out of memory");
	scan_argv(argc, argv);
	c.cmd = cl.word ? find_cmd(cl.word) : NULL;
	c.arg = cl.arg;
	c.nr_args = cl.nr_args;
	if (cl.help && (!c.cmd || c.cmd->fn == cmd_help)) {
		if (cl.word && !c.cmd)
			return usage_fail("unknown command '%s' (mtctl help lists them)",
					  cl.word);
		return cmd_help(&c);
	}
	if (cl.help) {		/* mtctl COMMAND --help */
		c.arg = &cl.word;
		c.nr_args = 1;
		return cmd_help(&c);
	}
	if (cl.version) {
		printf("mtctl %s\n", MTCTL_VERSION);
		return EXIT_DONE;
	}
	if (cl.bad)
		return usage_fail("unknown option '%s' (mtctl help lists them)", cl.bad);
	if (cl.novalue)
		return usage_fail("%s needs a value: %s", cl.novalue, cl.what);
	if (cl.flagval)
		return usage_fail("%s takes no value", cl.flagval);
	if (!cl.word)
		return usage_fail("no command given (mtctl help lists them)");
	if (!c.cmd)
		return usage_fail("unknown command '%s' (mtctl help lists them)",
				  cl.word);
	return check_options(&c) ?: check_args(&c) ?: c.cmd->fn(&c);
}

int main(int argc, char **argv)
{
	const char *env = getenv("MTCTL_DEBUGFS");
	int status;

	grammar_init();
	if (env && *env)
		debugfs_dir = env;
	env = getenv("MTCTL_SYSFS");
	if (env && *env)
		sysfs_dir = env;
	status = run(argc, argv);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "mtctl: cannot write the output: %s\n",
			strerror(errno));
		return EXIT_REFUSED;
	}
	return status;
}
