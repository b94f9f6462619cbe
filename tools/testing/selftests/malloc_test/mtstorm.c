// SPDX-License-Identifier: GPL-2.0
/*
 * mtstorm - a concurrency storm against the malloc_test module.
 *
 * Threads hammer every file of /sys/kernel/debug/malloc_test/ at once for
 * --duration seconds: starters start dozens of short tests that allocate
 * every millisecond, with every allocator, in every context (ctx=nmi
 * with kmalloc_nolock or pages_nolock where the kernel can run it,
 * elsewhere now and then, refused with EINVAL); killers stop and
 * destroy them at random, ids that are just being created or destroyed
 * included, and
 * now and then destroy them all (a quarter of the kmalloc, vmalloc and
 * kvmalloc tests release through RCU); memory threads allocate, free
 * (through RCU one time in five), resize
 * and allocate in random pieces on the kept memory, each on a fresh fd or
 * on fds shared between them; readers read mem_used, mem_test_list and
 * the usage lines; stats threads read tests/ID/stats of tests that vanish
 * under them, holding the file open across a destroy; a parameter thread
 * toggles check_content, realloc_p and alloc; a bench thread starts short
 * benches one after the other (any allocator, pattern pair, batch or,
 * with two CPUs, remote; a small count, time=1, one or two threads; a
 * quarter of the kmalloc, vmalloc and kvmalloc ones with release=rcu),
 * stops a third of them midway,
 * starts another at once now and then (EBUSY, while the first goes), and
 * reads bench_result until the others end.  A start may be refused with
 * EBUSY (a run goes), ENOSPC (max_bytes is small) or ENOMEM; an ended
 * run's bench_result shows its settings, ops = alloc_ops + free_ops,
 * free_ops = alloc_ops, and the bare loop's figures; mem_used's
 * bench_bytes is 0 once the last run has ended (or the unload stopped
 * it).
 *
 * With --rmmod, a last phase follows: one more thread starts four tests of
 * its own, which no other thread stops or destroys, so that the unload
 * always has tests to stop, then calls delete_module() in a loop while the
 * others go on.  An open file of the module holds a reference on it
 * (debugfs's proxy open takes one on the file's owner), so the call fails
 * with EAGAIN until, between two closes, no file is open; the workers pace
 * themselves a little more with every second of tries so that such a
 * window comes.  Once it went through, every open must fail,
 * and fail at once, with ENOENT.
 *
 * Every answer is checked: a write succeeds or fails with an errno the
 * module's documentation allows for that command, a refused write leaves
 * "error: REASON" to read back, answers and statistics parse and add up
 * (mem_used's keys in their order and its totals, a stopped test holds
 * nothing and freed all it allocated, a test's charged is total_alloc -
 * freed, no corruption, no id given twice).  A watchdog reports a thread
 * stuck in one operation, with its kernel stack.
 *
 * The storm runs against a small max_bytes (--max-bytes, 8 MiB), which
 * it hits: tests fail allocations, commands and starts are refused with
 * ENOSPC (a start also when max_tests exist).  Every mem_used read must
 * show charged_bytes <= max_bytes and atomic_bytes <= max_atomic_bytes
 * (the module charges a chunk's worst footprint before it allocates, in
 * one compare-and-exchange), and tests <= max_tests; and the kernel's
 * counters, /proc/meminfo's VmallocUsed, Slab (but with --kasan: KASAN's
 * redzones and quarantine) and Percpu, may rise since the start,
 * together, by max_bytes plus a slack for the rest of the kernel's
 * activity (kworkers' and the storm's threads' stacks, its open files,
 * slab pages kept empty, per-CPU pages populated): 4 MiB + 1% of
 * max_bytes and of those counters at the start.  That is read every
 * quarter of a second by a reader, and once the workers are done.
 *
 * With --hotplug, a hotplug thread takes the CPUs other than 0 whose
 * online file it may write offline and back online, one at a time, at
 * random intervals (2 to 100 ms, and one to three times what the last
 * move took), and puts every one back online at the end.  The commands that name a CPU race it: a test start or a bench with
 * cpu=N is refused with EINVAL "CPU N is offline", a bench with more
 * threads than CPUs online with EINVAL "threads=T: from 1 to the K CPUs
 * online", and a bench whose CPUs went away between its checks and its
 * threads' creation with EAGAIN.  Each CPU's state is a sequence number
 * the thread moves before and after each write to the online file (on,
 * going off, off, coming on): a refusal for an offline CPU is accepted
 * only when the CPU was not online all along the command, and a start
 * while it was offline all along is unexpected.  A pinned test whose CPU
 * went offline runs elsewhere meanwhile: its off_cpu may then count.
 *
 * With --memcg DIR (a memory cgroup, child of cgroup2's root, with a
 * memory.max; the storm runs in the root group), a mover thread sends
 * writers into DIR and back: each round, a child process it forks moves
 * itself into DIR, writes a few commands there with gfp=account (charged
 * to DIR): mem_alloc and mem_rnd_alloc, a ctx=work test (which goes on
 * charging DIR once its writer left), now and then a chunk bigger than
 * memory.max, a test whose total is, or pieces kept until DIR is full
 * and one more chunk; then it moves back to the root group and the
 * thread judges the answers.  A process in a group at its limit would
 * have its own page faults and files refused there, and the group's OOM
 * killer take it: so the child opens its files, faults its stack in and
 * reads /proc/self/cgroup once before it moves, writes only commands
 * there, moves out at once, and a round takes place only while
 * memory.max leaves 256 KiB and what the round and the tests started
 * there may charge; else a probe: a writer that asks there for chunks
 * of 256 bytes to 64 KiB until the group refuses one (8 at most).  An
 * allocation charged to DIR may be refused with ENOMEM, the reason
 * naming DIR at its memory.max; from the root group, whose writers also
 * use gfp=account, a refusal that names a memory cgroup is unexpected,
 * and so is a chunk bigger than DIR's memory.max charged to it.
 *
 * It expects the module loaded with nothing kept (mem_realloc's answer is
 * checked against the storm's own chunks, of at most 64 KiB), and leaves
 * the parameters as it found them (max_bytes too); tests and kept memory
 * stay, for the caller to check and free (72-storm.sh, beside it).
 *
 * Exit status: 0 all as expected, 1 an unexpected result, 2 usage error,
 * 3 a thread stuck (or the run overran).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mt_errno.h"

#define MT_NAME		"malloc_test"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define noinline	__attribute__((noinline))
#define __noreturn	__attribute__((noreturn))

enum { EXIT_PASS = 0, EXIT_UNEXPECTED = 1, EXIT_USAGE = 2, EXIT_STUCK = 3 };

/* Sizes the storm asks for: every kept chunk is at most MAX_CHUNK bytes. */
#define MAX_CHUNK	65536
#define TEST_TOTAL_MAX	65536
#define MAX_ERRNO	256	/* errnos counted one by one below this */
#define MAX_IDS		1048576	/* test ids checked for uniqueness */
#define REG_SLOTS	512	/* test ids the killers pick from */
#define MAX_REPORTS	40	/* unexpected results printed in full */
#define NR_PARAMS	3
#define TIMER_MAX	32768	/* an atomic ctx=: the most a chunk may count */
#define TEST_DEBUGFS	3072	/* a test's own memory: at least this */
#define SLACK_FIXED	(4ULL << 20)	/* the kernel's other activity */
#define MI_EVERY_MS	250	/* the kernel's counters, read so often */
#define HP_MAX_CPUS	64	/* CPUs cpu= names and the storm hotplugs */
#define CGROUP2_MAGIC	0x63677270	/* statfs()'s f_type of cgroup2 */

/* ---- what is counted ---------------------------------------------- */

enum op_kind {
	OP_START,
	OP_STOP,
	OP_DESTROY,
	OP_DESTROY_ALL,
	OP_ALLOC,
	OP_FREE,
	OP_REALLOC,
	OP_RND_ALLOC,
	OP_USED,
	OP_LIST,
	OP_STATS,
	OP_TESTS_DIR,
	OP_USAGE,
	OP_PARAM_SET,
	OP_PARAM_GET,
	OP_RMMOD,
	OP_MEMINFO,
	OP_BENCH,
	OP_BENCH_STOP,
	OP_BENCH_RESULT,
	OP_HOTPLUG,
	OP_MEMCG_MOVE,
	NR_OPS
};

static const char *const op_names[NR_OPS] = {
	[OP_START] = "mem_test_start",
	[OP_STOP] = "mem_test_stop",
	[OP_DESTROY] = "mem_test_destroy",
	[OP_DESTROY_ALL] = "mem_test_destroy_all",
	[OP_ALLOC] = "mem_alloc",
	[OP_FREE] = "mem_free",
	[OP_REALLOC] = "mem_realloc",
	[OP_RND_ALLOC] = "mem_rnd_alloc",
	[OP_USED] = "read mem_used",
	[OP_LIST] = "read mem_test_list",
	[OP_STATS] = "read tests/ID/stats",
	[OP_TESTS_DIR] = "list tests/",
	[OP_USAGE] = "read usage",
	[OP_PARAM_SET] = "set parameter",
	[OP_PARAM_GET] = "read parameter",
	[OP_RMMOD] = "delete_module",
	[OP_MEMINFO] = "read /proc/meminfo",
	[OP_BENCH] = "bench (start)",
	[OP_BENCH_STOP] = "bench stop",
	[OP_BENCH_RESULT] = "read bench_result",
	[OP_HOTPLUG] = "cpu offline/online",
	[OP_MEMCG_MOVE] = "memcg move",
};

/*
 * Per kind of operation: attempts; successes; refusals the documentation
 * allows; unexpected outcomes; and every errno seen, allowed or not.
 */
struct op_count {
	atomic_ulong n;
	atomic_ulong ok;
	atomic_ulong refused;
	atomic_ulong unexpected;
	atomic_ulong err[MAX_ERRNO];
};

static struct op_count counts[NR_OPS];
static atomic_ulong nr_unexpected;
static atomic_ulong gone_ops;		/* operations begun after unload */
/* The benches: started, cut by stop, ended by themselves, refused. */
static atomic_ulong bench_started, bench_cut, bench_ended, bench_busy;
static atomic_ulong bench_nospc, bench_nomem;
static atomic_ulong bench_rm;		/* started while rmmod was tried */

/* ---- the run's state ---------------------------------------------- */

/* Where delete_module() stands. */
enum { RM_NONE, RM_TRYING, RM_GONE };

static atomic_int rmmod_state = RM_NONE;
static atomic_bool go;			/* the workers may begin */
static atomic_bool stop;
static atomic_bool shared_open;		/* the shared fds may be used */
static atomic_int shared_users;
static atomic_llong rmmod_t0;		/* ms when the tries began */
static atomic_int paused;		/* workers hold still for rmmod */

static atomic_uint reg[REG_SLOTS];	/* ids of tests believed alive */
static atomic_int reg_live;
static atomic_int reg_max;
static atomic_uint last_id;		/* the highest id given */
static atomic_uint destroying;		/* an id a killer destroys now */
/*
 * The tests the rmmod thread starts, which the unload must stop: no one
 * stops or destroys them, so that some run whatever the pace.  While it
 * starts them (@anchoring), no thread kills a test: each kill runs under
 * kill_begin()/kill_end(), and the rmmod thread waits for those under way
 * (@killing) before it starts its own.
 */
#define NR_ANCHORS 4
static atomic_uint anchor[NR_ANCHORS];
static atomic_bool anchoring;
static atomic_int killing;
static atomic_uchar seen[MAX_IDS];	/* ids given, to catch duplicates */

static const char *debugfs_dir = "/sys/kernel/debug/" MT_NAME;
static const char *params_dir = "/sys/module/" MT_NAME "/parameters";
static const char *module_name = MT_NAME;

static unsigned int opt_duration = 20;
static unsigned int opt_jobs = 3;
static unsigned int opt_max_tests = 48;
static unsigned int opt_after_ms = 1000;
static unsigned int opt_stuck = 60;
static unsigned int opt_rmmod_timeout = 60;
static unsigned long long opt_kept_limit;	/* 0: max_bytes / 4 */
static unsigned long long opt_max_bytes = 8ULL << 20;
static unsigned long long opt_seed;
static bool opt_rmmod;
static bool opt_verbose;
static bool opt_kasan;
static bool opt_hotplug;
static const char *opt_memcg;		/* --memcg DIR */

/* What mem_used must keep under, read at the start. */
static long long max_tests_param;
static unsigned int ncpus = 1;		/* possible CPUs */
static unsigned int ncpus_online = 1;	/* CPUs online */
/* ctx=nmi can run here: the nolock allocators, x86's local APIC */
static bool have_nmi;

/*
 * CPU hotplug (--hotplug).  hp_seq[c] % 4 says where CPU c stands: 0
 * online, 1 going offline, 2 offline, 3 coming online; the hotplug thread
 * moves it on before and after each write to the CPU's online file (by 3
 * when the write failed: back where it was).  cpu_online(c) is false only
 * while hp_seq[c] % 4 != 0: a command that read the same value, a
 * multiple of 4, before and after it ran with c online all along; one
 * that read the same value, 2 modulo 4, with c offline all along.
 */
struct hp_snap {
	unsigned int seq[HP_MAX_CPUS];
};

static atomic_uint hp_seq[HP_MAX_CPUS];
static unsigned int hp_seq0[HP_MAX_CPUS];	/* at the start */
static bool hp_mine[HP_MAX_CPUS];	/* the hotplug thread moves it */
static unsigned int hp_ncpus = 1;	/* cpu= names 0 .. hp_ncpus - 1 */
static unsigned int hp_nr_mine;
static char hp_why[160];		/* why none can go offline */
static atomic_ulong hp_offs, hp_ons, hp_failed;
/* commands refused for an offline CPU: test starts, benches */
static atomic_ulong hp_refused_start, hp_refused_bench;
static atomic_ulong hp_started_away;	/* pinned tests whose CPU went */

/*
 * Moves between memory cgroups (--memcg DIR): the group, its parent (the
 * root group, where the storm runs), the name the kernel gives DIR
 * ("/NAME") and its memory.max.
 */
#define CG_PATH_MAX	256
static char cg_dir[CG_PATH_MAX], cg_home[CG_PATH_MAX], cg_name[CG_PATH_MAX];
static long long cg_max;
static atomic_llong cg_peak;
static atomic_ulong cg_moves, cg_backs, cg_rounds, cg_no_room, cg_probes;
static atomic_ulong cg_cmds, cg_ok, cg_enomem_named, cg_enomem, cg_enospc;
static atomic_ulong cg_tests, cg_over;
static atomic_ulong acct_root;		/* gfp=account from the root group */
/* The highest charged_bytes and atomic_bytes mem_used showed. */
static atomic_llong charged_max, atomic_max;

/* /proc/meminfo's counters the module's spending shows in, in kB. */
enum { MI_VMALLOC, MI_SLAB, MI_PERCPU, NR_MI };
static const char *const mi_keys[NR_MI] = {
	"VmallocUsed:", "Slab:", "Percpu:",
};
static long long mi0[NR_MI];		/* at the start */
static atomic_llong mi_rise[NR_MI], mi_rise_sum;	/* the largest rise */
static atomic_llong mi_next;		/* ms of the next read */
static unsigned long long mi_slack;	/* bytes past max_bytes they may rise */

/* The command files the memory threads also share an fd of. */
static const char *const shared_files[] = {
	"mem_alloc", "mem_free", "mem_realloc", "mem_rnd_alloc",
};

static int shared_fd[ARRAY_SIZE(shared_files)];

static const char *const allocators[] = {
	"kmalloc", "vmalloc", "kvmalloc", "pages", "cache", "percpu", "mempool",
};
/* The allocators that take no lock, from 6.18: ctx=nmi tests' alone. */
static const char *const nolock_allocators[] = {
	"kmalloc_nolock", "pages_nolock",
};
/* The contexts a test runs in (its ctx=; work without one), nmi last */
static const char *const contexts[] = {
	"work", "timer", "softirq", "irqoff", "bhoff", "nmi",
};
static atomic_ulong ctx_started[ARRAY_SIZE(contexts)];
static atomic_uint ctx_turn;		/* the next atomic context's turn */

/* ---- workers ------------------------------------------------------ */

struct worker;

struct role {
	const char *name;
	void (*step)(struct worker *w);
};

/*
 * One thread.  @busy_since (ms, 0 when idle), @busy_op and @busy_file say
 * what it is in the middle of, for the watchdog.
 */
struct worker {
	const struct role *role;
	unsigned int idx;
	pthread_t th;
	atomic_int tid;
	uint64_t rnd;
	atomic_llong busy_since;
	atomic_int busy_op;
	atomic_uintptr_t busy_file;	/* a const char * */
	char *buf;			/* answers are read into it */
	size_t size;
	unsigned int nr_ops;
};

static struct worker *workers;
static unsigned int nr_workers;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_us(unsigned long us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (us % 1000000) * 1000,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* xorshift64*: each thread its own, seeded from --seed. */
static uint64_t rnd(struct worker *w)
{
	uint64_t x = w->rnd;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rnd = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static uint64_t rnd_range(struct worker *w, uint64_t lo, uint64_t hi)
{
	return lo + rnd(w) % (hi - lo + 1);
}

static bool chance(struct worker *w, unsigned int pct)
{
	return rnd(w) % 100 < pct;
}

/* Mark the start and the end of a call into the kernel. */
static void busy(struct worker *w, enum op_kind op, const char *file)
{
	atomic_store(&w->busy_op, op);
	atomic_store(&w->busy_file, (uintptr_t)file);
	atomic_store(&w->busy_since, now_ms());
}

static void idle(struct worker *w)
{
	atomic_store(&w->busy_since, 0);
}

/* ---- counting and reporting --------------------------------------- */

static void count(enum op_kind op, int err, bool allowed)
{
	struct op_count *c = &counts[op];

	atomic_fetch_add(&c->n, 1);
	if (err)
		atomic_fetch_add(&c->err[err < MAX_ERRNO ? err : 0], 1);
	if (!allowed) {
		atomic_fetch_add(&c->unexpected, 1);
		atomic_fetch_add(&nr_unexpected, 1);
	} else if (err) {
		atomic_fetch_add(&c->refused, 1);
	} else {
		atomic_fetch_add(&c->ok, 1);
	}
}

__printf(1, 2)
static void say(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	fputs("mtstorm: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

/* Count an unexpected outcome of @op, and say what it was. */
__printf(4, 5)
static void wrong(struct worker *w, enum op_kind op, int err,
		  const char *fmt, ...)
{
	char msg[1024], name[16];
	unsigned long n;
	va_list ap;
	size_t i;

	count(op, err, false);
	n = atomic_load(&nr_unexpected);
	if (n > MAX_REPORTS) {
		if (n == MAX_REPORTS + 1)
			say("more unexpected results: only counted from now on");
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (i = 0; msg[i]; i++)
		if (msg[i] == '\n')
			msg[i] = '|';
	say("UNEXPECTED [%s %u] %s: %s%s%s (%s)", w->role->name, w->idx,
	    op_names[op], msg, err ? ": " : "", err ? strerror(err) : "",
	    err ? mt_errno_name(err, name, sizeof(name)) : "no errno");
}

/* ---- reaching the module ------------------------------------------ */

static int open_in(const char *dir, const char *rel, int flags)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Read @fd to its end into @w's buffer.  Return: 0 or -errno. */
static int read_all(struct worker *w, int fd)
{
	size_t len = 0;
	ssize_t n;
	char *nbuf;

	for (;;) {
		if (len + 1 >= w->size) {
			nbuf = realloc(w->buf, w->size * 2);
			if (!nbuf)
				return -ENOMEM;
			w->buf = nbuf;
			w->size *= 2;
		}
		n = read(fd, w->buf + len, w->size - len - 1);
		if (n > 0) {
			len += n;
		} else if (!n) {
			w->buf[len] = '\0';
			return 0;
		} else if (errno != EINTR) {
			w->buf[len] = '\0';
			return -errno;
		}
	}
}

/* One exchange with the module, and how it went. */
struct xchg {
	const char *file;
	const char *line;	/* the command, without its newline */
	int st;			/* rmmod_state when it began */
	int werr;		/* write()'s errno, 0 when taken */
	int rerr;		/* read()'s errno */
	const char *ans;	/* what was read back */
};

/*
 * An open of a module file failed with @err.  Before rmmod that is
 * unexpected, but for a test's file (@enoent_ok: the test went away).
 * While delete_module() is being tried, ENXIO (the module is going) and
 * ENOENT (its files are gone) are the answers; once it has returned, only
 * ENOENT is.
 */
static void open_failed(struct worker *w, enum op_kind op, int st, int err,
			const char *file, bool enoent_ok)
{
	bool ok;

	if (st == RM_GONE) {
		atomic_fetch_add(&gone_ops, 1);
		ok = err == ENOENT;
	} else if (st == RM_TRYING) {
		ok = err == ENOENT || err == ENXIO;
	} else {
		ok = enoent_ok && err == ENOENT;
	}
	if (ok)
		count(op, err, true);
	else
		wrong(w, op, err, "open %s", file);
}

/*
 * An open succeeded: after delete_module() returned, that is a module
 * still reachable once unloaded.  Return: false in that case, counted.
 */
static bool open_done(struct worker *w, enum op_kind op, int st,
		      const char *file)
{
	if (st != RM_GONE)
		return true;
	atomic_fetch_add(&gone_ops, 1);
	wrong(w, op, 0, "open %s succeeded after delete_module returned",
	      file);
	return false;
}

/*
 * Run one command: open FILE, write LINE and a newline in one write(),
 * read the answer back on the same fd (unless @wronly), close.  With
 * @fd >= 0, use that (shared) fd instead of opening one.
 * Return: true when the exchange took place; false when the open failed,
 * counted already.
 */
static bool command(struct worker *w, enum op_kind op, const char *file,
		    const char *line, bool wronly, int fd, struct xchg *x)
{
	char buf[256];
	bool own = fd < 0;
	size_t len;
	ssize_t n;

	x->file = file;
	x->line = line;
	x->st = atomic_load(&rmmod_state);
	x->werr = 0;
	x->rerr = 0;
	x->ans = "";
	len = snprintf(buf, sizeof(buf), "%s\n", line);

	busy(w, op, file);
	if (own) {
		fd = open_in(debugfs_dir, file, wronly ? O_WRONLY : O_RDWR);
		if (fd < 0) {
			idle(w);
			open_failed(w, op, x->st, -fd, file, false);
			return false;
		}
	}
	n = write(fd, buf, len);
	x->werr = n < 0 ? errno : (size_t)n != len ? EIO : 0;
	if (!wronly) {
		x->rerr = -read_all(w, fd);
		x->ans = w->buf;
	}
	if (own)
		close(fd);
	idle(w);
	if (own && !open_done(w, op, x->st, file))
		return false;
	if (x->rerr) {
		wrong(w, op, x->rerr, "read back after '%s'", line);
		return false;
	}
	return true;
}

static bool in_list(int err, const int *allowed)
{
	for (; *allowed; allowed++)
		if (*allowed == err)
			return true;
	return false;
}

#define ERRS(...)	((const int[]){ __VA_ARGS__, 0 })

/*
 * The write was refused: with an errno of @allowed, and (but on a shared
 * or write-only fd) "error: REASON" to read back.  Counted.
 */
static void judge_refusal(struct worker *w, enum op_kind op,
			  const struct xchg *x, const int *allowed,
			  bool check_answer)
{
	if (!in_list(x->werr, allowed))
		wrong(w, op, x->werr, "'%s' refused; read back '%s'",
		      x->line, x->ans);
	else if (check_answer && (strncmp(x->ans, "error: ", 7) ||
				  !x->ans[7] || x->ans[7] == '\n'))
		wrong(w, op, x->werr,
		      "'%s' refused, but read back '%s', not 'error: REASON'",
		      x->line, x->ans);
	else
		count(op, x->werr, true);
}

/* ---- parsing ------------------------------------------------------ */

/* A decimal integer, optionally negative, alone.  Return: true if one. */
static bool parse_ll(const char *s, long long *v)
{
	char *end;

	if (!*s || (*s != '-' && (*s < '0' || *s > '9')))
		return false;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return !errno && !*end;
}

/* The answer is one number and a newline.  Return: true if it is. */
static bool answer_num(const char *ans, long long *v)
{
	char buf[32];
	size_t len = strlen(ans);

	if (!len || len >= sizeof(buf) || ans[len - 1] != '\n')
		return false;
	memcpy(buf, ans, len - 1);
	buf[len - 1] = '\0';
	return parse_ll(buf, v);
}

/* CPUs that come and go (--hotplug). */

static void hp_snap(struct hp_snap *s)
{
	unsigned int c;

	for (c = 0; c < hp_ncpus; c++)
		s->seq[c] = atomic_load(&hp_seq[c]);
}

/* Between snapshots @a and @b, may CPU @c have been offline? */
static bool hp_maybe_off(const struct hp_snap *a, const struct hp_snap *b,
			 unsigned int c)
{
	return a->seq[c] % 4 || b->seq[c] != a->seq[c];
}

/* Was it offline all along? */
static bool hp_surely_off(const struct hp_snap *a, const struct hp_snap *b,
			  unsigned int c)
{
	return a->seq[c] % 4 == 2 && b->seq[c] == a->seq[c];
}

/*
 * The fewest (@max false) or the most CPUs that may have been online
 * between @a and @b.
 */
static unsigned int hp_online(const struct hp_snap *a, const struct hp_snap *b,
			      bool max)
{
	unsigned int c, n = ncpus_online;

	for (c = 0; c < hp_ncpus; c++)
		if (!hp_seq0[c] && (max ? hp_surely_off(a, b, c) :
				    hp_maybe_off(a, b, c)))
			n--;
	return n;
}

/* Has CPU @c (a word of a test's statistics) gone offline since the start? */
static bool hp_went_away(const char *c)
{
	long long v;

	return parse_ll(c, &v) && v >= 0 && v < hp_ncpus &&
	       atomic_load(&hp_seq[v]) != hp_seq0[v];
}

/*
 * A command that names CPU @cpu was refused: when for "CPU N is offline",
 * judge that by where the CPU stood between @a and @b.  Return: true when
 * it was that refusal (counted, in *@nr too when allowed), false else.
 */
static bool hp_judge_offline(struct worker *w, enum op_kind op,
			     const struct xchg *x, int cpu,
			     const struct hp_snap *a, const struct hp_snap *b,
			     atomic_ulong *nr)
{
	char want[48];

	snprintf(want, sizeof(want), "error: CPU %d is offline\n", cpu);
	if (cpu < 0 || x->werr != EINVAL || strcmp(x->ans, want))
		return false;
	if (hp_maybe_off(a, b, cpu)) {
		count(op, x->werr, true);
		atomic_fetch_add(nr, 1);
	} else {
		wrong(w, op, x->werr, "'%s' refused for CPU %d offline, which was online all along",
		      x->line, cpu);
	}
	return true;
}

#define MAX_KV	128

/* "key: value" lines of one record. */
struct rec {
	const char *key[MAX_KV];
	const char *val[MAX_KV];
	long long num[MAX_KV];
	bool isnum[MAX_KV];
	unsigned int n;
};

/*
 * Split the record at *@text, in place, up to a blank line or the end;
 * *@text moves past it.  Return: NULL when it is fine, else what is wrong.
 */
static const char *parse_rec(char **text, struct rec *r)
{
	char *line = *text, *next, *colon;

	r->n = 0;
	for (; *line && *line != '\n'; line = next) {
		next = strchr(line, '\n');
		if (!next)
			return "a line without its newline";
		*next++ = '\0';
		colon = strstr(line, ": ");
		if (!colon || colon == line)
			return "a line that is not 'key: value'";
		if (r->n == MAX_KV)
			return "too many lines";
		*colon = '\0';
		r->key[r->n] = line;
		r->val[r->n] = colon + 2;
		r->isnum[r->n] = parse_ll(colon + 2, &r->num[r->n]);
		r->n++;
	}
	*text = *line ? line + 1 : line;
	return NULL;
}

/* mem_used's keys: those before issue 13, then those it appended. */
static const char *const used_keys[] = {
	"chunks", "bytes", "kept_chunks", "kept_bytes", "test_chunks",
	"test_bytes", "corruptions", "max_bytes", "tracking_bytes",
	"kmalloc_chunks", "kmalloc_bytes", "vmalloc_chunks", "vmalloc_bytes",
	"kvmalloc_chunks", "kvmalloc_bytes", "pages_chunks", "pages_bytes",
	"cache_chunks", "cache_bytes", "percpu_chunks", "percpu_bytes",
	"kmalloc_nolock_chunks", "kmalloc_nolock_bytes",
	"pages_nolock_chunks", "pages_nolock_bytes",
	"mempool_chunks", "mempool_bytes",
	"caches", "bench_bytes",
	"charged_bytes", "kept_charged", "test_charged", "overhead_bytes",
	"reserved_bytes", "max_atomic_bytes", "atomic_bytes",
	"kmalloc_charged", "vmalloc_charged", "kvmalloc_charged",
	"pages_charged", "cache_charged", "percpu_charged",
	"kmalloc_nolock_charged", "pages_nolock_charged", "mempool_charged",
	"tests", "killed_rnd_allocs", "killed_rnd_bytes", "rcu_pending_bytes",
};

enum {
	U_CHUNKS, U_BYTES, U_KEPT_CHUNKS, U_KEPT_BYTES, U_TEST_CHUNKS,
	U_TEST_BYTES, U_CORRUPTIONS, U_MAX_BYTES, U_TRACKING_BYTES,
	U_BENCH = 28,
	U_CHARGED = 29, U_KEPT_CHARGED, U_TEST_CHARGED, U_OVERHEAD,
	U_RESERVED, U_MAX_ATOMIC, U_ATOMIC, U_TESTS = 45,
};

/* Raise *@max to @v. */
static void atomic_max_ll(atomic_llong *max, long long v)
{
	long long old = atomic_load(max);

	while (old < v && !atomic_compare_exchange_weak(max, &old, v))
		;
}

/*
 * mem_used: its keys, numbers, sums, no corruption; what each read shows
 * at every instant: the charges under their caps (charged_bytes under
 * max_bytes, atomic_bytes under max_atomic_bytes, the same read), no more
 * tests than max_tests.  NULL when fine.
 */
static const char *check_used(const struct rec *r)
{
	const long long *v = r->num;
	unsigned int i;

	if (r->n != ARRAY_SIZE(used_keys))
		return "not its 46 lines";
	for (i = 0; i < r->n; i++) {
		if (strcmp(r->key[i], used_keys[i]))
			return "a key out of place";
		if (!r->isnum[i])
			return "a value that is not a number";
		if (v[i] < 0)
			return "a negative figure";
	}
	if (v[U_CHUNKS] != v[U_KEPT_CHUNKS] + v[U_TEST_CHUNKS])
		return "chunks is not kept_chunks + test_chunks";
	if (v[U_BYTES] != v[U_KEPT_BYTES] + v[U_TEST_BYTES])
		return "bytes is not kept_bytes + test_bytes";
	if (v[U_CORRUPTIONS])
		return "corruptions";
	if (v[U_MAX_BYTES] <= 0)
		return "max_bytes is not positive";
	atomic_max_ll(&charged_max, v[U_CHARGED]);
	atomic_max_ll(&atomic_max, v[U_ATOMIC]);
	if (v[U_CHARGED] > v[U_MAX_BYTES])
		return "charged_bytes is past max_bytes";
	if (v[U_ATOMIC] > v[U_MAX_ATOMIC])
		return "atomic_bytes is past max_atomic_bytes";
	if (v[U_BENCH] > v[U_CHARGED])
		return "bench_bytes is more than charged_bytes";
	if (max_tests_param && v[U_TESTS] > max_tests_param)
		return "tests is past max_tests";
	return NULL;
}

static const char *const test_keys[] = {
	"id", "state", "run_time_ms", "remaining_ms", "allocations",
	"reallocs", "errors", "overflows", "total_alloc", "freed", "held",
	"charged", "overhead_bytes",
	"chunks", "min", "max", "total", "min_int_ms", "max_int_ms",
	"total_time_ms", "alloc", "gfp", "node", "ctx", "cpu", "free",
	"release", "reserve", "from_reserve", "bulk", "corruptions", "skipped",
	"backlog", "off_cpu", "off_node", "alloc_p50_ns", "alloc_p99_ns", "free_p50_ns", "free_p99_ns",
};

enum {
	T_ID, T_STATE, T_RUN, T_REMAINING, T_ALLOCATIONS, T_REALLOCS, T_ERRORS,
	T_OVERFLOWS, T_TOTAL_ALLOC, T_FREED, T_HELD, T_CHARGED, T_OVERHEAD,
	T_CHUNKS, T_MIN, T_MAX,
	T_TOTAL, T_MIN_INT, T_MAX_INT, T_TOTAL_TIME, T_ALLOC, T_GFP, T_NODE,
	T_CTX, T_CPU, T_FREE, T_RELEASE, T_RESERVE, T_FROM_RESERVE, T_BULK,
	T_CORRUPTIONS, T_SKIPPED, T_BACKLOG,
	T_OFF_CPU, T_OFF_NODE,
	T_ALLOC_P50, T_ALLOC_P99, T_FREE_P50, T_FREE_P99, NR_TEST_KEYS
};

/*
 * Then the machine's reclaim events while the test ran, as /proc/vmstat
 * names them after "vm_": all of them, or all but the compact_* ones
 * (a kernel without compaction), or none (without VM_EVENT_COUNTERS).
 */
static const char *const vm_keys[] = {
	"vm_allocstall", "vm_pgscan_kswapd", "vm_pgscan_direct",
	"vm_pgsteal_kswapd", "vm_pgsteal_direct", "vm_compact_stall",
	"vm_compact_fail", "vm_compact_success", "vm_oom_kill",
};
#define VM_KEYS_NOCOMPACT	6	/* vm_keys[] but compact_*: 0-4, 8 */

/* The values of a test's statistics that are words, not numbers. */
#define T_WORDS	(1ull << T_STATE | 1ull << T_ALLOC | 1ull << T_GFP | \
		 1ull << T_NODE | 1ull << T_CTX | 1ull << T_CPU | 1ull << T_FREE | \
		 1ull << T_RELEASE)

/*
 * One test's statistics.  A running test's counters are read one by one
 * while its work changes them, so only what holds at every instant is
 * checked: its chunks' figures are read together (total_alloc - freed =
 * charged, their footprint, at least held), its own memory is charged;
 * an ended one is still: it holds nothing and freed exactly what it
 * allocated.  @id: the id it must have, or 0.  NULL when fine.
 */
static const char *check_test(const struct rec *r, long long id)
{
	const long long *v = r->num;
	unsigned int nvm = r->n - NR_TEST_KEYS, i, k;
	bool ended;

	if (r->n < NR_TEST_KEYS ||
	    (nvm && nvm != VM_KEYS_NOCOMPACT && nvm != ARRAY_SIZE(vm_keys)))
		return "not its lines";
	for (i = NR_TEST_KEYS, k = 0; i < r->n; i++, k++) {
		/* without compaction, oom_kill follows pgsteal_direct */
		if (nvm == VM_KEYS_NOCOMPACT && k == 5)
			k = ARRAY_SIZE(vm_keys) - 1;
		if (strcmp(r->key[i], vm_keys[k]))
			return "a vm_ key out of place";
		if (!r->isnum[i] || r->num[i] < 0)
			return "a vm_ figure that is not a count";
	}
	for (i = 0; i < NR_TEST_KEYS; i++) {
		if (strcmp(r->key[i], test_keys[i]))
			return "a key out of place";
		if (T_WORDS & 1ull << i)
			continue;
		if (!r->isnum[i])
			return "a value that is not a number";
		if (v[i] < 0)
			return "a negative figure";
	}
	if (id && v[T_ID] != id)
		return "the id of another test";
	if (v[T_ID] <= 0)
		return "id 0";
	if (!strcmp(r->val[T_STATE], "running"))
		ended = false;
	else if (!strcmp(r->val[T_STATE], "stopped") ||
		 !strcmp(r->val[T_STATE], "finished"))
		ended = true;
	else
		return "an unknown state";
	for (i = 0; i < ARRAY_SIZE(allocators); i++)
		if (!strcmp(r->val[T_ALLOC], allocators[i]))
			break;
	if (i == ARRAY_SIZE(allocators) &&
	    (!have_nmi || (strcmp(r->val[T_ALLOC], nolock_allocators[0]) &&
			   strcmp(r->val[T_ALLOC], nolock_allocators[1]))))
		return "an unknown allocator";
	if (v[T_CORRUPTIONS])
		return "corruptions";
	if (!v[T_RESERVE] != !!strcmp(r->val[T_ALLOC], "mempool"))
		return "a reserve without alloc=mempool, or none with it";
	if (v[T_FROM_RESERVE] > v[T_ALLOCATIONS] + v[T_REALLOCS])
		return "more chunks from the reserve than allocations";
	if (v[T_BULK] < 1 || v[T_BULK] > 512 ||
	    (v[T_BULK] > 1 && strcmp(r->val[T_ALLOC], "cache") &&
	     strcmp(r->val[T_ALLOC], "pages")))
		return "a bulk out of 1..512, or above 1 but not alloc=cache or pages";
	/* a pinned test runs elsewhere while its CPU is offline */
	if (v[T_OFF_CPU] && !hp_went_away(r->val[T_CPU]))
		return "steps on a CPU other than the one asked, which never went offline";
	/*
	 * the callback allocates in ctx=timer and softirq, and in ctx=nmi
	 * through the NMI it raises; the work else
	 */
	if (v[T_SKIPPED] && strcmp(r->val[T_CTX], "timer") &&
	    strcmp(r->val[T_CTX], "softirq") && strcmp(r->val[T_CTX], "nmi"))
		return "skipped ticks, but not ctx=timer, softirq or nmi";
	if (v[T_BACKLOG] && strcmp(r->val[T_CTX], "work") &&
	    strcmp(r->val[T_CTX], "irqoff") && strcmp(r->val[T_CTX], "bhoff"))
		return "a backlog, but not ctx=work, irqoff or bhoff";
	if (v[T_MIN] > v[T_MAX] || v[T_MAX] > v[T_TOTAL] || !v[T_MIN])
		return "min, max, total out of order";
	if (!v[T_MIN_INT] || v[T_MIN_INT] > v[T_MAX_INT] ||
	    v[T_MAX_INT] > v[T_TOTAL_TIME])
		return "intervals out of order";
	if (v[T_HELD] > v[T_TOTAL])
		return "holds more than its total";
	if (v[T_REMAINING] > v[T_TOTAL_TIME])
		return "more time remaining than its total_time";
	if (v[T_TOTAL_ALLOC] - v[T_FREED] != v[T_CHARGED])
		return "total_alloc - freed is not charged";
	if (v[T_CHARGED] < v[T_HELD])
		return "charged (the footprint) is less than held";
	if (v[T_OVERHEAD] < TEST_DEBUGFS)
		return "overhead_bytes is less than its debugfs files";
	if (!ended)
		return NULL;
	if (v[T_HELD] || v[T_CHUNKS] || v[T_CHARGED])
		return "ended, but holds chunks";
	if (v[T_REMAINING])
		return "ended, but time remaining";
	if (v[T_TOTAL_ALLOC] != v[T_FREED])
		return "ended, but freed is not total_alloc";
	return NULL;
}

/* ---- the registry of test ids ------------------------------------- */

static void reg_add(struct worker *w, unsigned int id)
{
	unsigned int i, j = rnd(w) % REG_SLOTS, zero, live;

	for (i = 0; i < REG_SLOTS; i++, j = (j + 1) % REG_SLOTS) {
		zero = 0;
		if (atomic_compare_exchange_strong(&reg[j], &zero, id)) {
			live = atomic_fetch_add(&reg_live, 1) + 1;
			if ((int)live > atomic_load(&reg_max))
				atomic_store(&reg_max, live);
			return;
		}
	}
}

static void reg_del(unsigned int id)
{
	unsigned int i, want;

	for (i = 0; i < REG_SLOTS; i++) {
		want = id;
		if (atomic_compare_exchange_strong(&reg[i], &want, 0)) {
			atomic_fetch_sub(&reg_live, 1);
			return;
		}
	}
}

static void reg_clear(void)
{
	unsigned int i;

	for (i = 0; i < REG_SLOTS; i++)
		if (atomic_exchange(&reg[i], 0))
			atomic_fetch_sub(&reg_live, 1);
}

/* A test id that is alive, most likely; 0 when none was found. */
static unsigned int reg_pick(struct worker *w)
{
	unsigned int i, id;

	for (i = 0; i < 16; i++) {
		id = atomic_load(&reg[rnd(w) % REG_SLOTS]);
		if (id)
			return id;
	}
	return 0;
}

/* ---- the operations ----------------------------------------------- */

/*
 * The options of a kept-memory command: an allocator whose chunks count
 * the bytes asked (so that mem_rnd_alloc's figures are exact), sometimes
 * flags that cannot sleep; with --memcg, sometimes gfp=account (charged
 * to the root group, which has no limit).  @line gets them appended.
 */
static void pick_alloc(struct worker *w, char *line, size_t len)
{
	static const char *const opts[] = {
		"", " alloc=kmalloc", " alloc=vmalloc", " alloc=kvmalloc",
		" alloc=cache", " alloc=kmalloc gfp=atomic,nowarn",
		" alloc=cache gfp=nowait,nowarn,zero", " alloc=mempool",
		" alloc=mempool gfp=atomic,nowarn",
	};
	static const char *const account[] = {
		" alloc=kmalloc gfp=account,nowarn",
		" alloc=kvmalloc gfp=account,nowarn",
	};
	size_t n = strlen(line);

	if (opt_memcg && chance(w, 20)) {
		snprintf(line + n, len - n, "%s",
			 account[rnd(w) % ARRAY_SIZE(account)]);
		atomic_fetch_add(&acct_root, 1);
		return;
	}
	snprintf(line + n, len - n, "%s", opts[rnd(w) % ARRAY_SIZE(opts)]);
}

/*
 * The memory cgroup a refusal names ("memory cgroup PATH is at its
 * memory.max"), as PATH and what follows; NULL when it names none.
 */
static const char *memcg_named(const char *ans)
{
	const char *p = strstr(ans, "memory cgroup ");

	return p ? p + 14 : NULL;
}

/*
 * The options of a test of chunks of at most 8 KiB and a total of at
 * least 8 KiB: any allocator, in the work or (30 %) in an atomic
 * context, each in turn: ctx=timer, softirq, irqoff and bhoff with one
 * that cannot sleep, ctx=nmi with kmalloc_nolock or pages_nolock where
 * the kernel can run it (elsewhere now and then, to be refused with
 * EINVAL: *@refuse); any free policy, sometimes a CPU (*@cpu, else
 * -1), sometimes release=rcu (kmalloc, vmalloc and kvmalloc named:
 * *@rcu, and MIN must be 16 at least), sometimes bulk= with cache where
 * interrupts stay on, with --memcg in the work sometimes gfp=account
 * (the root group's).  @line gets them appended.  Return: the
 * allocator, or NULL for the default.
 */
static const char *pick_test_opts(struct worker *w, char *line, size_t len,
				  bool *timer, bool *rcu, bool *refuse,
				  int *cpu)
{
	/* what an atomic context takes: an allocator that cannot sleep */
	static const char *const atomic_ok[] = {
		"kmalloc", "pages", "cache", "percpu", "mempool",
	};
	static const char *const frees[] = {
		"", " free=all", " free=random", " free=fifo", " free=lifo",
	};
	/* the atomic contexts: contexts[1..], ctx=nmi last */
	unsigned int nr = ARRAY_SIZE(contexts) - 1 - !have_nmi, turn, i;
	size_t n = strlen(line);
	const char *alloc = NULL, *ctx;
	bool irqs_off = false;

	*timer = false;
	*refuse = false;
	if (chance(w, 30)) {
		/*
		 * in turn, one that has started no test yet first, so that
		 * each runs however few tests a slow kernel starts; ctx=nmi
		 * where the kernel cannot run it now and then, to be refused
		 */
		turn = atomic_fetch_add(&ctx_turn, 1);
		for (i = 0; i < nr; i++)
			if (!atomic_load(&ctx_started[1 + (turn + i) % nr]))
				break;
		ctx = contexts[1 + (turn + (i < nr ? i : 0)) % nr];
		if (!have_nmi && chance(w, 5))
			ctx = "nmi";
		if (!strcmp(ctx, "nmi")) {
			alloc = nolock_allocators[rnd(w) %
						  ARRAY_SIZE(nolock_allocators)];
			*refuse = !have_nmi;
		} else {
			alloc = atomic_ok[rnd(w) % ARRAY_SIZE(atomic_ok)];
		}
		n += snprintf(line + n, len - n, " alloc=%s ctx=%s%s", alloc,
			      ctx, chance(w, 50) ? " gfp=nowait,nowarn" : "");
		*timer = true;
		irqs_off = strcmp(ctx, "softirq") && strcmp(ctx, "bhoff");
	} else if (chance(w, 80)) {
		alloc = allocators[rnd(w) % ARRAY_SIZE(allocators)];
		n += snprintf(line + n, len - n, " alloc=%s", alloc);
	}
	if (!*timer && opt_memcg && chance(w, 15)) {
		n += snprintf(line + n, len - n, " gfp=account,nowarn");
		atomic_fetch_add(&acct_root, 1);
	}
	n += snprintf(line + n, len - n, "%s", frees[rnd(w) % ARRAY_SIZE(frees)]);
	*rcu = alloc && (!strcmp(alloc, "kmalloc") || !strcmp(alloc, "vmalloc") ||
			 !strcmp(alloc, "kvmalloc")) && chance(w, 25);
	if (*rcu)
		n += snprintf(line + n, len - n, " release=rcu");
	if (alloc && !strcmp(alloc, "mempool") && chance(w, 50))
		n += snprintf(line + n, len - n, " reserve=%u",
			      (unsigned int)(rnd(w) % 16 + 1));
	/* kmem_cache_alloc_bulk() wants interrupts on (SPEC: "bulk=N") */
	if (alloc && !strcmp(alloc, "cache") && !irqs_off && chance(w, 25))
		n += snprintf(line + n, len - n, " bulk=%u",
			      (unsigned int)(rnd(w) % 31 + 2));
	*cpu = chance(w, 20) ? (int)(rnd(w) % hp_ncpus) : -1;
	if (*cpu >= 0)
		snprintf(line + n, len - n, " cpu=%d", *cpu);
	return alloc;
}

/* Is @id one of the rmmod thread's tests? */
static bool is_anchor(unsigned long long id)
{
	int i;

	for (i = 0; i < NR_ANCHORS; i++)
		if (id && atomic_load(&anchor[i]) == id)
			return true;
	return false;
}

/*
 * May this thread stop or destroy tests now?  Not while the rmmod thread
 * starts its tests.  On true, kill_end() must follow the kill.
 */
static bool kill_begin(void)
{
	atomic_fetch_add(&killing, 1);
	if (!atomic_load(&anchoring))
		return true;
	atomic_fetch_sub(&killing, 1);
	return false;
}

static void kill_end(void)
{
	atomic_fetch_sub(&killing, 1);
}

/* Count a test started by @line in its context's ctx_started[]. */
static void count_ctx(const char *line)
{
	const char *p = strstr(line, " ctx=");
	size_t i, len;

	if (!p) {
		atomic_fetch_add(&ctx_started[0], 1);
		return;
	}
	p += 5;
	len = strcspn(p, " ");
	for (i = 0; i < ARRAY_SIZE(contexts); i++)
		if (strlen(contexts[i]) == len &&
		    !strncmp(p, contexts[i], len))
			atomic_fetch_add(&ctx_started[i], 1);
}

/*
 * A test start answered @ans to @line: an id, never given before, which
 * the killers may pick (or anchor @slot's, 0 to NR_ANCHORS - 1; -1: none).
 * @refuse: EINVAL was due (ctx=nmi where the kernel cannot run it).
 * Return: 0 when it is such an id, counted; -1 else.
 */
static int start_done(struct worker *w, const char *line, const char *ans,
		      int slot, bool refuse)
{
	unsigned int old;
	long long id;

	if (!answer_num(ans, &id) || id <= 0 || id > UINT_MAX) {
		wrong(w, OP_START, 0, "'%s' answered '%s', not an id",
		      line, ans);
		return -1;
	}
	if (refuse)
		wrong(w, OP_START, 0, "'%s' started test %lld: this kernel cannot run ctx=nmi, EINVAL expected",
		      line, id);
	if (id < MAX_IDS && atomic_exchange(&seen[id], 1)) {
		wrong(w, OP_START, 0, "'%s' answered id %lld, given before",
		      line, id);
		return -1;
	}
	count(OP_START, 0, true);
	count_ctx(line);
	if (slot >= 0)
		atomic_store(&anchor[slot], id);
	else
		reg_add(w, id);
	old = atomic_load(&last_id);
	while (old < id && !atomic_compare_exchange_weak(&last_id, &old, id))
		;
	return 0;
}

/*
 * Start a test: small sizes, every 1 to 4 ms, for 20 ms to 2 s.  Or, for
 * @slot 0 to NR_ANCHORS - 1 (-1: none), an anchor: every 1 ms, for 30 s
 * longer than the unload may take before the workers hold still, which
 * no other thread stops or destroys.  A start may be refused with ENOSPC:
 * max_bytes is small, and max_tests may exist; with cpu=N, with EINVAL
 * while CPU N is offline.  Return: 0 when started, else the errno of the
 * refusal (-1: no exchange).
 */
static int start_one(struct worker *w, int slot)
{
	unsigned long long min = rnd_range(w, 1, 512);
	unsigned long long max = rnd_range(w, min, 8192);
	unsigned long long total = rnd_range(w, max > 8192 ? max : 8192,
					     TEST_TOTAL_MAX);
	unsigned long long max_int = chance(w, 70) || slot >= 0 ? 1 :
				     rnd_range(w, 2, 4);
	unsigned long long time = slot >= 0 ?
		(opt_rmmod_timeout + 30) * 1000ULL : rnd_range(w, 20, 2000);
	char line[160], opts[96] = "";
	struct hp_snap s0, s1;
	const char *alloc;
	struct xchg x;
	bool timer, rcu, refuse;
	int cpu;

	/*
	 * an atomic ctx= takes chunks of 32 KiB at most, percpu's on each CPU;
	 * free=random|fifo|lifo, a TOTAL that a piece of MAX fits in; an
	 * anchor must start: not a ctx=nmi to be refused, nor on a CPU that
	 * may go offline
	 */
	do {
		opts[0] = '\0';
		alloc = pick_test_opts(w, opts, sizeof(opts), &timer, &rcu,
				       &refuse, &cpu);
	} while ((refuse || cpu >= 0) && slot >= 0);
	if (rcu && min < 16) {
		min = 16;
		max = max < min ? min : max;
	}
	if (alloc && !strcmp(alloc, "percpu")) {
		if (max * ncpus > (timer ? TIMER_MAX : TEST_TOTAL_MAX))
			max = (timer ? TIMER_MAX : TEST_TOTAL_MAX) / ncpus;
		min = min < max ? min : max;
		if (total < max * ncpus)
			total = max * ncpus;
	}
	snprintf(line, sizeof(line), "%llu %llu %llu 1 %llu %llu%s", min, max,
		 total, max_int, time, opts);
	hp_snap(&s0);
	if (!command(w, OP_START, "mem_test_start", line, false, -1, &x))
		return -1;
	hp_snap(&s1);
	/*
	 * ctx=nmi where the kernel cannot run it: refused, before any cap;
	 * cpu=N offline, after ctx= and before the caps
	 */
	if (x.werr) {
		if (!refuse && hp_judge_offline(w, OP_START, &x, cpu, &s0, &s1,
						&hp_refused_start))
			return x.werr;
		judge_refusal(w, OP_START, &x,
			      refuse ? ERRS(EINVAL) : ERRS(ENOMEM, ENOSPC),
			      true);
		return x.werr;
	}
	if (cpu >= 0 && !refuse && hp_surely_off(&s0, &s1, cpu)) {
		wrong(w, OP_START, 0, "'%s' started test %s on CPU %d, offline all along",
		      line, x.ans, cpu);
		return -1;
	}
	if (cpu >= 0 && hp_maybe_off(&s0, &s1, cpu))
		atomic_fetch_add(&hp_started_away, 1);
	return start_done(w, line, x.ans, slot, refuse);
}

/* Starters: dozens of tests at a time, up to --max-tests alive. */
static void step_starter(struct worker *w)
{
	unsigned int n = rnd_range(w, 4, 24);

	while (n-- && !atomic_load(&stop)) {
		if (atomic_load(&reg_live) >= (int)opt_max_tests) {
			sleep_us(1000);
			return;
		}
		start_one(w, -1);
	}
}

/* An id to stop or destroy: alive, being created, being destroyed, old. */
static unsigned long long pick_id(struct worker *w)
{
	unsigned int r = rnd(w) % 100, last = atomic_load(&last_id), id;

	if (r < 55) {
		id = reg_pick(w);
		if (id)
			return id;
	}
	if (r < 75)
		return last + rnd_range(w, 0, 2);	/* just being created */
	if (r < 85) {
		/* just being destroyed */
		id = atomic_load(&destroying);
		if (id)
			return id;
	}
	if (r < 97 && last)
		return rnd_range(w, 1, last);		/* most likely gone */
	return chance(w, 50) ? 0 : 1ULL << 32;		/* never an id */
}

/* A killer's step: stop or destroy one test, or all of them. */
static void kill_one(struct worker *w)
{
	unsigned long long id = pick_id(w);
	enum op_kind op = chance(w, 45) ? OP_STOP : OP_DESTROY;
	char line[32];
	struct xchg x;

	/* not while rmmod is tried: the tests it must stop would go */
	if (chance(w, 2) && atomic_load(&rmmod_state) == RM_NONE) {
		if (!command(w, OP_DESTROY_ALL, "mem_test_destroy_all", "all",
			     true, -1, &x))
			return;
		if (x.werr) {
			judge_refusal(w, OP_DESTROY_ALL, &x, ERRS(0), false);
			return;
		}
		count(OP_DESTROY_ALL, 0, true);
		reg_clear();
		return;
	}
	if (is_anchor(id))
		return;
	snprintf(line, sizeof(line), "%llu", id);
	if (op == OP_DESTROY && id <= UINT_MAX)
		atomic_store(&destroying, id);
	if (!command(w, op, op_names[op], line, false, -1, &x))
		return;
	if (x.werr) {
		judge_refusal(w, op, &x, ERRS(ENOENT), true);
		if (x.werr == ENOENT && id && id <= UINT_MAX)
			reg_del(id);
		return;
	}
	if (x.ans[0]) {
		wrong(w, op, 0, "'%s' answered '%s', not nothing", line,
		      x.ans);
		return;
	}
	if (op == OP_DESTROY)
		reg_del(id);
	count(op, 0, true);
}

static void step_killer(struct worker *w)
{
	if (!kill_begin())
		return;
	kill_one(w);
	kill_end();
}

/*
 * The fd of a shared command file, or -1 for a fresh one of our own.
 * A shared fd is used under shared_users, so that it is not closed
 * meanwhile; put_shared() ends the use.
 */
static int get_shared(struct worker *w, unsigned int i)
{
	if (!chance(w, 15))
		return -1;
	atomic_fetch_add(&shared_users, 1);
	if (atomic_load(&shared_open))
		return shared_fd[i];
	atomic_fetch_sub(&shared_users, 1);
	return -1;
}

static void put_shared(int fd)
{
	if (fd >= 0)
		atomic_fetch_sub(&shared_users, 1);
}

static void mem_alloc_one(struct worker *w)
{
	int fd = get_shared(w, 0);
	char line[64];
	struct xchg x;

	if (chance(w, 30))
		snprintf(line, sizeof(line), "%llu k",
			 (unsigned long long)rnd_range(w, 1, MAX_CHUNK >> 10));
	else
		snprintf(line, sizeof(line), "%llu%s",
			 (unsigned long long)rnd_range(w, 1, 4096),
			 chance(w, 20) ? " b" : "");
	pick_alloc(w, line, sizeof(line));
	if (command(w, OP_ALLOC, "mem_alloc", line, false, fd, &x)) {
		/* the root group has no memory.max to refuse a chunk */
		if (x.werr == ENOMEM && fd < 0 && memcg_named(x.ans))
			wrong(w, OP_ALLOC, x.werr, "'%s', from the root group, refused for a memory cgroup: '%s'",
			      line, x.ans);
		else if (x.werr)
			judge_refusal(w, OP_ALLOC, &x, ERRS(ENOSPC, ENOMEM),
				      fd < 0);
		else if (fd < 0 && x.ans[0])
			wrong(w, OP_ALLOC, 0, "'%s' answered '%s'", line,
			      x.ans);
		else
			count(OP_ALLOC, 0, true);
	}
	put_shared(fd);
}

static void mem_free_one(struct worker *w, unsigned long long bytes)
{
	int fd = bytes ? -1 : get_shared(w, 1);
	char line[64];
	struct xchg x;
	long long v;
	unsigned int r = rnd(w) % 100;

	if (bytes)
		snprintf(line, sizeof(line), "%llu", bytes);
	else if (r < 70)
		snprintf(line, sizeof(line), "%llu",
			 (unsigned long long)rnd_range(w, 1, 131072));
	else if (r < 95)
		snprintf(line, sizeof(line), "%llu k",
			 (unsigned long long)rnd_range(w, 1, 128));
	else
		line[0] = '\0';		/* everything */
	if (chance(w, 20))
		strcat(line, line[0] ? " release=rcu" : "release=rcu");
	if (command(w, OP_FREE, "mem_free", line, false, fd, &x)) {
		if (x.werr)
			judge_refusal(w, OP_FREE, &x, ERRS(0), fd < 0);
		else if (fd < 0 && (!answer_num(x.ans, &v) || v < 0))
			wrong(w, OP_FREE, 0, "'%s' answered '%s'", line,
			      x.ans);
		else
			count(OP_FREE, 0, true);
	}
	put_shared(fd);
}

/*
 * mem_realloc SIZE: the chunk chosen was at most MAX_CHUNK bytes and at
 * least 1, so the answer is in SIZE - MAX_CHUNK .. SIZE - 1.
 */
static void mem_realloc_one(struct worker *w)
{
	int fd = get_shared(w, 2);
	long long size = rnd_range(w, 1, MAX_CHUNK), v;
	char line[64];
	struct xchg x;

	snprintf(line, sizeof(line), "%lld", size);
	if (command(w, OP_REALLOC, "mem_realloc", line, false, fd, &x)) {
		if (x.werr)
			judge_refusal(w, OP_REALLOC, &x,
				      ERRS(ENOENT, ENOSPC, ENOMEM), fd < 0);
		else if (fd < 0 && (!answer_num(x.ans, &v) ||
				    v < size - MAX_CHUNK || v > size - 1))
			wrong(w, OP_REALLOC, 0,
			      "'%s' answered '%s', not a change of a chunk of 1..%d bytes",
			      line, x.ans, MAX_CHUNK);
		else
			count(OP_REALLOC, 0, true);
	}
	put_shared(fd);
}

/* mem_rnd_alloc's answer to MIN MAX TOTAL.  NULL when it adds up. */
static const char *check_rnd(char *ans, long long min, long long max,
			     long long total, bool refused_enomem)
{
	static const char *const keys[] = {
		"chunks", "errors", "reallocs", "bytes"
	};
	const char *why;
	struct rec r;
	unsigned int i;

	why = parse_rec(&ans, &r);
	if (why)
		return why;
	if (r.n != ARRAY_SIZE(keys))
		return "not its 4 lines";
	for (i = 0; i < r.n; i++)
		if (strcmp(r.key[i], keys[i]) || !r.isnum[i] || r.num[i] < 0)
			return "a line out of place, or not a number";
	if (refused_enomem)
		return r.num[1] ? NULL : "ENOMEM, but errors 0";
	if (r.num[1])
		return "errors, but the write succeeded";
	if (r.num[3] != total)
		return "bytes is not the total";
	/* with no resize, every piece is MIN..MAX, the last cut short */
	if (!r.num[2] && (r.num[0] < (total + max - 1) / max ||
			  r.num[0] > (total + min - 1) / min))
		return "a number of chunks that MIN..MAX cannot give";
	return NULL;
}

static void mem_rnd_alloc_one(struct worker *w)
{
	int fd = get_shared(w, 3);
	long long min = rnd_range(w, 1, 2048);
	long long max = rnd_range(w, min, 16384);
	long long total = max * rnd_range(w, 1, 64);
	char line[96], copy[512];
	const char *why;
	struct xchg x;

	if (total > 262144)
		total = rnd_range(w, max, 262144);
	snprintf(line, sizeof(line), "%lld %lld %lld", min, max, total);
	pick_alloc(w, line, sizeof(line));
	if (!command(w, OP_RND_ALLOC, "mem_rnd_alloc", line, false, fd, &x))
		goto out;
	if (x.werr && x.werr != ENOMEM) {
		judge_refusal(w, OP_RND_ALLOC, &x, ERRS(ENOSPC), fd < 0);
		goto out;
	}
	if (fd >= 0) {
		count(OP_RND_ALLOC, x.werr, true);
		goto out;
	}
	snprintf(copy, sizeof(copy), "%s", x.ans);
	why = check_rnd(copy, min, max, total, x.werr == ENOMEM);
	if (why)
		wrong(w, OP_RND_ALLOC, x.werr, "'%s' answered '%s': %s",
		      line, x.ans, why);
	else
		count(OP_RND_ALLOC, x.werr, true);
out:
	put_shared(fd);
}

/*
 * Read a whole file of the module (@dir: debugfs or parameters).
 * Return: 0 and the text in w->buf, or -errno: the open's, judged and
 * counted already, or the read's, left to the caller (in *@rerr too).
 */
static int read_file(struct worker *w, enum op_kind op, const char *dir,
		     const char *rel, bool enoent_ok, int *rerr)
{
	int st = atomic_load(&rmmod_state), fd, err;

	*rerr = 0;
	busy(w, op, rel);
	fd = open_in(dir, rel, O_RDONLY);
	if (fd < 0) {
		idle(w);
		/* a parameter's sysfs file: ENODEV once the unload began */
		if (-fd == ENODEV && st != RM_NONE && dir == params_dir)
			count(op, ENODEV, true);
		else
			open_failed(w, op, st, -fd, rel, enoent_ok);
		return fd;
	}
	err = -read_all(w, fd);
	close(fd);
	idle(w);
	if (!open_done(w, op, st, rel))
		return -EIO;
	*rerr = err;
	return -err;
}

/*
 * Read mem_used.  Return: kept_charged (the kept chunks' footprint), or
 * -1 when it could not be had.
 */
static long long read_used(struct worker *w)
{
	char *text;
	const char *why;
	struct rec r;
	int rerr;

	if (read_file(w, OP_USED, debugfs_dir, "mem_used", false, &rerr)) {
		if (rerr)
			wrong(w, OP_USED, rerr, "read");
		return -1;
	}
	text = w->buf;
	why = parse_rec(&text, &r);
	if (!why)
		why = check_used(&r);
	if (why) {
		wrong(w, OP_USED, 0, "%s: '%s'", why, w->buf);
		return -1;
	}
	count(OP_USED, 0, true);
	return r.num[U_KEPT_CHARGED];
}

/* Memory threads: the kept memory, its footprint bounded by --kept-limit. */
static void step_mem(struct worker *w)
{
	unsigned int r = rnd(w) % 100;
	long long kept;

	if (++w->nr_ops % 64 == 0) {
		kept = read_used(w);
		if (kept > (long long)opt_kept_limit) {
			mem_free_one(w, kept / 2);
			return;
		}
	}
	if (r < 30)
		mem_alloc_one(w);
	else if (r < 50)
		mem_rnd_alloc_one(w);
	else if (r < 75)
		mem_realloc_one(w);
	else
		mem_free_one(w, 0);
}

static void read_list(struct worker *w)
{
	char *text, *rec;
	const char *why;
	long long prev = 0;
	struct rec r;
	int rerr;

	if (read_file(w, OP_LIST, debugfs_dir, "mem_test_list", false,
		      &rerr)) {
		if (rerr)
			wrong(w, OP_LIST, rerr, "read");
		return;
	}
	for (text = w->buf; *text;) {
		rec = text;
		why = parse_rec(&text, &r);
		if (!why)
			why = check_test(&r, 0);
		if (!why && r.num[T_ID] <= prev)
			why = "ids not in increasing order";
		if (why) {
			wrong(w, OP_LIST, 0, "%s, in the test at '%.200s'",
			      why, rec);
			return;
		}
		prev = r.num[T_ID];
	}
	count(OP_LIST, 0, true);
}

/* A read before any write gives the usage line. */
static void read_usage(struct worker *w)
{
	static const char *const files[] = {
		"mem_alloc", "mem_free", "mem_realloc", "mem_rnd_alloc",
		"mem_test_start", "mem_test_stop", "mem_test_destroy",
	};
	const char *f = files[rnd(w) % ARRAY_SIZE(files)];
	size_t len = strlen(f);
	int rerr;

	if (read_file(w, OP_USAGE, debugfs_dir, f, false, &rerr)) {
		if (rerr)
			wrong(w, OP_USAGE, rerr, "read %s", f);
		return;
	}
	if (strncmp(w->buf, "usage: ", 7) || strncmp(w->buf + 7, f, len) ||
	    w->buf[7 + len] != ' ')
		wrong(w, OP_USAGE, 0, "%s read '%s'", f, w->buf);
	else
		count(OP_USAGE, 0, true);
}

/* /proc/meminfo's counters, kB.  Return: 0, or -1. */
static int read_meminfo(long long mi[NR_MI])
{
	char buf[8192], *p;
	unsigned int i;
	ssize_t n;
	int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (i = 0; i < NR_MI; i++) {
		p = strstr(buf, mi_keys[i]);
		if (!p || (p != buf && p[-1] != '\n'))
			return -1;
		mi[i] = strtoll(p + strlen(mi_keys[i]), NULL, 10);
	}
	return 0;
}

/*
 * The kernel's word: VmallocUsed, Slab (not with --kasan) and Percpu
 * rose since the start, together, by max_bytes and the slack at most.
 */
static void check_meminfo(struct worker *w)
{
	long long mi[NR_MI], rise, sum = 0;
	unsigned int i;

	if (read_meminfo(mi)) {
		wrong(w, OP_MEMINFO, 0, "VmallocUsed, Slab or Percpu cannot be read");
		return;
	}
	for (i = 0; i < NR_MI; i++) {
		if (i == MI_SLAB && opt_kasan)
			continue;
		rise = mi[i] - mi0[i];
		atomic_max_ll(&mi_rise[i], rise);
		if (rise > 0)
			sum += rise;
	}
	atomic_max_ll(&mi_rise_sum, sum);
	if ((unsigned long long)sum * 1024 > opt_max_bytes + mi_slack)
		wrong(w, OP_MEMINFO, 0,
		      "the kernel's counters rose by %lld kB (VmallocUsed %+lld, Slab %+lld%s, Percpu %+lld kB): past max_bytes %llu + %llu bytes of slack",
		      sum, mi[MI_VMALLOC] - mi0[MI_VMALLOC],
		      mi[MI_SLAB] - mi0[MI_SLAB],
		      opt_kasan ? " not counted: KASAN" : "",
		      mi[MI_PERCPU] - mi0[MI_PERCPU], opt_max_bytes, mi_slack);
	else
		count(OP_MEMINFO, 0, true);
}

/* Readers: mem_used, mem_test_list, now and then a usage line. */
static void step_reader(struct worker *w)
{
	unsigned int r = rnd(w) % 100;
	long long now = now_ms(), next = atomic_load(&mi_next);

	/* the kernel's counters, by one reader, every MI_EVERY_MS */
	if (now >= next &&
	    atomic_compare_exchange_strong(&mi_next, &next, now + MI_EVERY_MS))
		check_meminfo(w);

	if (r < 45)
		read_used(w);
	else if (r < 90)
		read_list(w);
	else
		read_usage(w);
}

/* The ids in tests/, up to @max of them.  Return: how many, or -1. */
static int list_tests(struct worker *w, unsigned int *ids, int max)
{
	int st = atomic_load(&rmmod_state), n = 0;
	struct dirent *d;
	char path[PATH_MAX];
	long long v;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/tests", debugfs_dir);
	busy(w, OP_TESTS_DIR, "tests");
	dir = opendir(path);
	if (!dir) {
		idle(w);
		open_failed(w, OP_TESTS_DIR, st, errno, "tests/", false);
		return -1;
	}
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		if (!parse_ll(d->d_name, &v) || v <= 0 || v > UINT_MAX) {
			closedir(dir);
			idle(w);
			wrong(w, OP_TESTS_DIR, 0, "an entry '%s'",
			      d->d_name);
			return -1;
		}
		if (n < max)
			ids[n++] = v;
	}
	closedir(dir);
	idle(w);
	if (!open_done(w, OP_TESTS_DIR, st, "tests/"))
		return -1;
	count(OP_TESTS_DIR, 0, true);
	return n;
}

/*
 * Stats threads: tests/ID/stats of a test listed a moment ago, which may
 * be gone by the open (ENOENT) or by the read (ENOENT while it is being
 * destroyed, EIO once its file is removed).  Now and then the thread
 * destroys the test itself between the open and the read: the read must
 * then fail.
 */
static void step_stats(struct worker *w)
{
	unsigned int ids[256];
	int n = list_tests(w, ids, ARRAY_SIZE(ids)), st, fd, err;
	bool kill = chance(w, 15);
	char rel[64], line[32];
	const char *why;
	struct xchg x;
	unsigned int id;
	struct rec r;
	char *text;

	if (n <= 0)
		return;
	id = ids[rnd(w) % n];
	snprintf(rel, sizeof(rel), "tests/%u/stats", id);
	st = atomic_load(&rmmod_state);
	busy(w, OP_STATS, "tests/ID/stats");
	fd = open_in(debugfs_dir, rel, O_RDONLY);
	idle(w);
	if (fd < 0) {
		open_failed(w, OP_STATS, st, -fd, rel, true);
		return;
	}
	if (!open_done(w, OP_STATS, st, rel)) {
		close(fd);
		return;
	}
	/* not while the rmmod thread starts its tests, nor one of those */
	if (kill && !kill_begin())
		kill = false;
	if (kill && is_anchor(id)) {
		kill_end();
		kill = false;
	}
	if (kill) {
		snprintf(line, sizeof(line), "%u", id);
		atomic_store(&destroying, id);
		kill = command(w, OP_DESTROY, "mem_test_destroy", line, false,
			       -1, &x);
		if (kill && x.werr)
			judge_refusal(w, OP_DESTROY, &x, ERRS(ENOENT), true);
		else if (kill)
			count(OP_DESTROY, 0, true);
		reg_del(id);
		kill_end();
	} else if (chance(w, 30)) {
		sleep_us(rnd_range(w, 0, 2000));
	}
	busy(w, OP_STATS, "tests/ID/stats");
	err = -read_all(w, fd);
	close(fd);
	idle(w);
	if (kill) {
		/* destroyed, by us or before us: nothing to read */
		if (err == ENOENT || err == EIO)
			count(OP_STATS, err, true);
		else
			wrong(w, OP_STATS, err,
			      "%s read after its test was destroyed: '%.200s'",
			      rel, err ? "" : w->buf);
		return;
	}
	if (err) {
		if (err == ENOENT || err == EIO)
			count(OP_STATS, err, true);
		else
			wrong(w, OP_STATS, err, "read %s", rel);
		return;
	}
	text = w->buf;
	why = parse_rec(&text, &r);
	if (!why)
		why = check_test(&r, id);
	if (!why && *text)
		why = "more than one test";
	if (why)
		wrong(w, OP_STATS, 0, "%s: %s: '%.300s'", rel, why,
		      w->buf);
	else
		count(OP_STATS, 0, true);
}

/* The parameters toggled, with the values they take. */
static const struct param {
	const char *name;
	const char *const vals[6];
} params[NR_PARAMS] = {
	{ "check_content", { "0", "1", "Y", "N" } },
	{ "realloc_p", { "0", "10", "50", "90" } },
	{ "alloc", { "kmalloc", "vmalloc", "kvmalloc", "cache" } },
};

static const char *const bad_vals[NR_PARAMS] = { "maybe", "91", "slab" };

static char saved[NR_PARAMS][32];

/* The parameter thread: set one, valid or not; read one back. */
static void step_params(struct worker *w)
{
	const struct param *p = &params[rnd(w) % NR_PARAMS];
	bool bad = chance(w, 10);
	unsigned int nv = 0;
	const char *v;
	char line[40];
	int st, fd, err = 0, rerr;
	ssize_t n;
	size_t len;

	while (nv < ARRAY_SIZE(p->vals) && p->vals[nv])
		nv++;
	v = bad ? bad_vals[p - params] : p->vals[rnd(w) % nv];
	len = snprintf(line, sizeof(line), "%s\n", v);
	st = atomic_load(&rmmod_state);
	busy(w, OP_PARAM_SET, p->name);
	fd = open_in(params_dir, p->name, O_WRONLY);
	if (fd < 0) {
		idle(w);
		/*
		 * A parameter is a sysfs file: once the unload has begun,
		 * kernfs refuses an open of its deactivated node with
		 * ENODEV before the file is gone (seen on 6.1).
		 */
		if (-fd == ENODEV && st != RM_NONE)
			count(OP_PARAM_SET, ENODEV, true);
		else
			open_failed(w, OP_PARAM_SET, st, -fd, p->name, false);
		return;
	}
	n = write(fd, line, len);
	if (n < 0)
		err = errno;
	close(fd);
	idle(w);
	if (!open_done(w, OP_PARAM_SET, st, p->name))
		return;
	/* a parameter file does not hold the module: ENODEV once it goes */
	if (err == (bad ? EINVAL : 0) || (st != RM_NONE && err == ENODEV))
		count(OP_PARAM_SET, err, true);
	else
		wrong(w, OP_PARAM_SET, err, "%s '%s'%s", p->name, v,
		      bad ? " (invalid: EINVAL expected)" : "");

	p = &params[rnd(w) % NR_PARAMS];
	if (read_file(w, OP_PARAM_GET, params_dir, p->name, false, &rerr)) {
		if (rerr == ENODEV && st != RM_NONE)
			count(OP_PARAM_GET, rerr, true);
		else if (rerr)
			wrong(w, OP_PARAM_GET, rerr, "read %s", p->name);
		return;
	}
	if (!strcmp(p->name, "check_content"))
		err = strcmp(w->buf, "Y\n") && strcmp(w->buf, "N\n");
	else if (!strcmp(p->name, "realloc_p"))
		err = !answer_num(w->buf, &(long long){ 0 });
	else
		err = strcmp(w->buf, "kmalloc\n") &&
		      strcmp(w->buf, "vmalloc\n") &&
		      strcmp(w->buf, "kvmalloc\n") &&
		      strcmp(w->buf, "cache\n");
	if (err)
		wrong(w, OP_PARAM_GET, 0, "%s reads '%s'", p->name,
		      w->buf);
	else
		count(OP_PARAM_GET, 0, true);
}

/* ---- the bench ---------------------------------------------------- */

/* The run the bench thread started last, as bench_result must show it. */
struct bench_want {
	const char *alloc, *pattern;
	unsigned long long size, count;
	unsigned int threads, sample;
	bool rcu;		/* release=rcu */
	unsigned int reserve;	/* alloc=mempool: reserve=; else 0 */
};

/* The value of @key in @r, or NULL. */
static const char *rec_val(const struct rec *r, const char *key)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->key[i], key))
			return r->val[i];
	return NULL;
}

/* The figure of @key in @r, or -1 when it is none. */
static long long rec_num(const struct rec *r, const char *key)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->key[i], key))
			return r->isnum[i] ? r->num[i] : -1;
	return -1;
}

/*
 * bench_result of @b: its state and settings, and once the run has ended
 * its figures: ops = alloc_ops + free_ops, free_ops = alloc_ops, no more
 * iterations than count per thread, the bare loop's figures
 * (bare_ops, bare_ns_per_op, vs_bare_pct).  *@state: "running", "done",
 * "stopped", or "" when it could not be read.  NULL when fine.
 */
static const char *check_bench(struct worker *w, const struct bench_want *b,
			       char *state, size_t size)
{
	char want[32], *text;
	const char *why, *v;
	long long ops, aops, fops, errs;
	struct rec r;
	int rerr;

	*state = '\0';
	if (read_file(w, OP_BENCH_RESULT, debugfs_dir, "bench_result", false,
		      &rerr)) {
		if (rerr)
			wrong(w, OP_BENCH_RESULT, rerr, "read");
		return NULL;
	}
	text = w->buf;
	why = parse_rec(&text, &r);
	if (why)
		return why;
	v = rec_val(&r, "state");
	if (!v || (strcmp(v, "running") && strcmp(v, "done") &&
		   strcmp(v, "stopped")))
		return "a state that is not running, done or stopped";
	snprintf(state, size, "%s", v);
	v = rec_val(&r, "alloc");
	if (!v || strcmp(v, b->alloc))
		return "not the allocator of the run started";
	v = rec_val(&r, "pattern");
	if (!v || strcmp(v, b->pattern))
		return "not the pattern of the run started";
	v = rec_val(&r, "release");
	if (!v || strcmp(v, b->rcu ? "rcu" : "now"))
		return "not the release of the run started";
	if (rec_num(&r, "reserve") != b->reserve)
		return "not the reserve of the run started";
	if (rec_num(&r, "size") != (long long)b->size ||
	    rec_num(&r, "count") != (long long)b->count ||
	    rec_num(&r, "threads") != b->threads ||
	    rec_num(&r, "sample") != b->sample ||
	    rec_num(&r, "time_s") != 1)
		return "not the size, count, threads, sample or time of the run started";
	snprintf(want, sizeof(want), "thread%u_cpu", b->threads - 1);
	if (!rec_val(&r, want) || rec_val(&r, "thread2_cpu"))
		return "not one threadN_cpu line per thread";
	if (rec_num(&r, "bare_ops") < 0 || rec_num(&r, "bare_ns_per_op") < 0 ||
	    rec_num(&r, "vs_bare_pct") < 0)
		return "no bare_ops, bare_ns_per_op or vs_bare_pct";
	ops = rec_num(&r, "ops");
	aops = rec_num(&r, "alloc_ops");
	fops = rec_num(&r, "free_ops");
	errs = rec_num(&r, "errors");
	if (ops < 0 || aops < 0 || fops < 0 || errs < 0)
		return "ops, alloc_ops, free_ops or errors is not a number";
	if (!strcmp(state, "running"))
		return ops || aops || fops || errs ||
		       rec_num(&r, "bare_ops") ? "running, yet figures not 0" :
		       NULL;
	if (ops != aops + fops || fops != aops)
		return "not ops = alloc_ops + free_ops, free_ops = alloc_ops";
	/* remote: only the first of each pair of threads allocates */
	if (aops + errs > (long long)(b->count * b->threads /
				      (!strcmp(b->pattern, "remote") ? 2 : 1)))
		return "more iterations than count per allocating thread";
	if (rec_num(&r, "bare_ops") > 2 * (aops + errs))
		return "the bare loop did more iterations";
	return NULL;
}

/* mem_used's bench_bytes, or -1 when it could not be read. */
static long long read_bench_bytes(struct worker *w)
{
	const char *why;
	struct rec r;
	char *text;
	int rerr;

	if (read_file(w, OP_USED, debugfs_dir, "mem_used", false, &rerr)) {
		if (rerr)
			wrong(w, OP_USED, rerr, "read");
		return -1;
	}
	text = w->buf;
	why = parse_rec(&text, &r);
	if (!why)
		why = check_used(&r);
	if (why) {
		wrong(w, OP_USED, 0, "%s: '%s'", why, w->buf);
		return -1;
	}
	count(OP_USED, 0, true);
	return r.num[U_BENCH];
}

/*
 * Write "stop": it returns once the run has ended, "stopped" when it cut
 * one, "no bench running" when none went.  Return: 1 stopped, 0 none,
 * -1 no exchange (the module is going) or a wrong answer.
 */
static int bench_stop(struct worker *w)
{
	struct xchg x;

	if (!command(w, OP_BENCH_STOP, "bench", "stop", false, -1, &x))
		return -1;
	if (x.werr) {
		wrong(w, OP_BENCH_STOP, x.werr, "stop refused; read back '%s'",
		      x.ans);
		return -1;
	}
	if (!strcmp(x.ans, "stopped\n")) {
		count(OP_BENCH_STOP, 0, true);
		return 1;
	}
	if (!strcmp(x.ans, "no bench running\n")) {
		count(OP_BENCH_STOP, 0, true);
		return 0;
	}
	wrong(w, OP_BENCH_STOP, 0, "stop answered '%s'", x.ans);
	return -1;
}

/* Read bench_result; judged against @b, counted.  *@state as there. */
static void bench_result(struct worker *w, const struct bench_want *b,
			 char *state, size_t size)
{
	const char *why = check_bench(w, b, state, size);

	if (why)
		wrong(w, OP_BENCH_RESULT, 0, "%s: '%.600s'", why, w->buf);
	else if (*state)
		count(OP_BENCH_RESULT, 0, true);
}

/*
 * A bench start of @b (on CPU @cpu, or -1: the first online) was refused
 * between snapshots @a and @e: when for CPUs offline (EINVAL "CPU N is
 * offline" or "threads=T: from 1 to the K CPUs online", EAGAIN "CPUs
 * went offline meanwhile"), judge that by where the CPUs stood.  Return:
 * true when it was such a refusal (counted), false else.
 */
static bool bench_judge_offline(struct worker *w, const struct xchg *x,
				const struct bench_want *b, int cpu,
				const struct hp_snap *a, const struct hp_snap *e)
{
	unsigned int t, k, least = hp_online(a, e, false);
	int end = 0;

	if (hp_judge_offline(w, OP_BENCH, x, cpu, a, e, &hp_refused_bench))
		return true;
	if (x->werr == EINVAL &&
	    sscanf(x->ans, "error: threads=%u: from 1 to the %u CPUs online\n%n",
		   &t, &k, &end) == 2 && end && !x->ans[end]) {
		if (t == b->threads && t > least && k < t && k >= least) {
			count(OP_BENCH, x->werr, true);
			atomic_fetch_add(&hp_refused_bench, 1);
		} else {
			wrong(w, OP_BENCH, x->werr, "'%s' refused: '%s', yet %u CPUs at least were online all along",
			      x->line, x->ans, least);
		}
		return true;
	}
	if (x->werr == EAGAIN &&
	    !strcmp(x->ans, "error: CPUs went offline meanwhile: try again\n")) {
		if (least < ncpus_online) {
			count(OP_BENCH, x->werr, true);
			atomic_fetch_add(&hp_refused_bench, 1);
		} else {
			wrong(w, OP_BENCH, x->werr, "'%s' refused: '%s', yet no CPU went offline",
			      x->line, x->ans);
		}
		return true;
	}
	return false;
}

/*
 * Start a bench: @b filled in with a short run (small chunks, a few
 * thousand pairs or a batch of 256 at most, time=1, one or two threads,
 * now and then on a CPU named).  Return: 0 started, or the errno of the
 * refusal (-1: no exchange or a wrong answer).
 */
static int bench_start(struct worker *w, struct bench_want *b)
{
	static const unsigned int samples[] = { 0, 1, 64 };
	char line[192], want[192], more[24], on[16] = "";
	struct hp_snap s0, s1;
	bool cheap;
	struct xchg x;
	size_t n;
	int cpu = -1;

	b->alloc = allocators[rnd(w) % ARRAY_SIZE(allocators)];
	b->pattern = chance(w, 40) ? "batch" :
		     ncpus_online >= 2 && chance(w, 30) ? "remote" : "pair";
	cheap = !strcmp(b->alloc, "kmalloc") || !strcmp(b->alloc, "cache");
	b->size = !strcmp(b->alloc, "percpu") ? rnd_range(w, 1, 256) :
		  rnd_range(w, 1, 4096);
	b->count = !strcmp(b->pattern, "batch") ? rnd_range(w, 1, 256) :
		   rnd_range(w, 1, cheap ? 20000 : 2000);
	/* remote pairs its threads: two */
	b->threads = !strcmp(b->pattern, "remote") ? 2 :
		     ncpus_online >= 2 ? rnd_range(w, 1, 2) : 1;
	b->sample = samples[rnd(w) % ARRAY_SIZE(samples)];
	/* through RCU now and then: kmalloc, vmalloc, kvmalloc, not remote */
	b->rcu = strcmp(b->pattern, "remote") && (!strcmp(b->alloc, "kmalloc") ||
		 !strcmp(b->alloc, "vmalloc") || !strcmp(b->alloc, "kvmalloc")) &&
		 chance(w, 25);
	if (b->rcu && b->size < 16)
		b->size = 16;
	/* named, so that the answer does not hang on mempool_reserve */
	b->reserve = !strcmp(b->alloc, "mempool") ? rnd_range(w, 1, 8) : 0;
	snprintf(more, sizeof(more), "%s", b->rcu ? " release=rcu" : "");
	if (b->reserve)
		snprintf(more, sizeof(more), " reserve=%u", b->reserve);
	if (chance(w, 20)) {
		cpu = rnd(w) % hp_ncpus;
		snprintf(on, sizeof(on), " cpu=%d", cpu);
	}
	snprintf(line, sizeof(line),
		 "alloc=%s size=%llu count=%llu threads=%u pattern=%s time=1 sample=%u%s%s",
		 b->alloc, b->size, b->count, b->threads, b->pattern,
		 b->sample, more, on);
	hp_snap(&s0);
	if (!command(w, OP_BENCH, "bench", line, false, -1, &x))
		return -1;
	hp_snap(&s1);
	if (x.werr) {
		if (bench_judge_offline(w, &x, b, cpu, &s0, &s1))
			return x.werr;
		judge_refusal(w, OP_BENCH, &x, ERRS(EBUSY, ENOSPC, ENOMEM),
			      true);
		atomic_fetch_add(x.werr == EBUSY ? &bench_busy :
				 x.werr == ENOSPC ? &bench_nospc : &bench_nomem,
				 1);
		return x.werr;
	}
	if ((cpu >= 0 && hp_surely_off(&s0, &s1, cpu)) ||
	    b->threads > hp_online(&s0, &s1, true)) {
		wrong(w, OP_BENCH, 0, "'%s' started, yet CPU %d or %u of the CPUs were offline all along: '%s'",
		      line, cpu, ncpus_online - hp_online(&s0, &s1, true), x.ans);
		return -1;
	}
	n = snprintf(want, sizeof(want),
		     "bench started: alloc=%s size=%llu count=%llu threads=%u pattern=%s sample=%u time=1%s cpus=",
		     b->alloc, b->size, b->count, b->threads, b->pattern,
		     b->sample, more);
	if (strncmp(x.ans, want, n) || !x.ans[n] ||
	    x.ans[strlen(x.ans) - 1] != '\n') {
		wrong(w, OP_BENCH, 0, "'%s' answered '%s'", line, x.ans);
		return -1;
	}
	count(OP_BENCH, 0, true);
	atomic_fetch_add(&bench_started, 1);
	return 0;
}

/*
 * The bench thread: a short bench, then a third of the time a stop
 * midway, now and then a second start at once (EBUSY while the first
 * goes), else bench_result read until the run has ended; its figures
 * checked.  Then a pause, so that the benches share the CPUs with the
 * storm.  While rmmod is tried it only starts runs, and neither stops nor
 * waits for one: the unload must stop it.
 */
static void step_bench(struct worker *w)
{
	struct bench_want b, b2;
	unsigned int r = rnd(w) % 100;
	long long t0;
	char state[16];
	int ret;

	ret = bench_start(w, &b);
	if (atomic_load(&rmmod_state) != RM_NONE) {
		/* the unload must stop it: no stop, no file held open */
		if (!ret)
			atomic_fetch_add(&bench_rm, 1);
		goto out;
	}
	if (ret == EBUSY) {
		/* a run of ours goes on from a step cut short: end it */
		bench_stop(w);
		return;
	}
	if (ret)
		goto out;
	if (r < 30) {
		sleep_us(rnd_range(w, 0, 20000));
		ret = bench_stop(w);
		if (ret < 0)
			goto out;
		bench_result(w, &b, state, sizeof(state));
		if (*state && strcmp(state, ret ? "stopped" : "done"))
			wrong(w, OP_BENCH_RESULT, 0, "stop answered %s, yet the state is %s",
			      ret ? "'stopped'" : "'no bench running'", state);
		atomic_fetch_add(ret ? &bench_cut : &bench_ended, 1);
		goto out;
	}
	if (r < 45 && !bench_start(w, &b2))
		b = b2;		/* the first had ended: this one is ours */
	/* until it ends: a few seconds at most (time=1, three phases) */
	state[0] = '\0';
	for (t0 = now_ms(); atomic_load(&rmmod_state) == RM_NONE;) {
		bench_result(w, &b, state, sizeof(state));
		if (strcmp(state, "running"))
			break;
		if (now_ms() - t0 > 30000) {
			wrong(w, OP_BENCH_RESULT, 0, "a bench of time=1 still runs after 30 s");
			bench_stop(w);
			break;
		}
		sleep_us(rnd_range(w, 2000, 10000));
	}
	if (!strcmp(state, "done"))
		atomic_fetch_add(&bench_ended, 1);
	else if (*state && strcmp(state, "running"))
		wrong(w, OP_BENCH_RESULT, 0, "no stop, yet the state is %s",
		      state);
out:
	if (!atomic_load(&stop))
		sleep_us(rnd_range(w, 0, 50000));
}

/*
 * Once the storm is over (not unloaded): no run left going, and mem_used's
 * bench_bytes 0 (SPEC: 0 when nothing runs).
 */
static void bench_final(struct worker *w)
{
	long long v;

	if (bench_stop(w) < 0)
		return;
	v = read_bench_bytes(w);
	if (v > 0)
		wrong(w, OP_USED, 0, "bench_bytes is %lld once the last run ended",
		      v);
}

/* ---- CPU hotplug -------------------------------------------------- */

/*
 * How many CPUs a sysfs list of them names ("0-3,5"); 1 if unknown.
 * @mask (@size entries), when not NULL, gets theirs set.
 */
static unsigned int count_cpus(const char *path, bool *mask,
			       unsigned int size)
{
	char buf[256], *p = buf, *end;
	unsigned long a, b, n = 0, c;
	ssize_t len;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[len > 0 ? len : 0] = '\0';
	while (*p >= '0' && *p <= '9') {
		a = b = strtoul(p, &end, 10);
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		n += b >= a ? b - a + 1 : 0;
		for (c = a; mask && c <= b && c < size; c++)
			mask[c] = true;
		p = *end == ',' ? end + 1 : end;
	}
	return n ? n : 1;
}

/* Write CPU @c's online file: 1 or 0.  Return: 0 or the errno. */
static int hp_write(struct worker *w, unsigned int c, bool on)
{
	char path[64];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/online", c);
	busy(w, OP_HOTPLUG, on ? "cpuN/online <- 1" : "cpuN/online <- 0");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
	} else {
		if (write(fd, on ? "1\n" : "0\n", 2) != 2)
			err = errno ? errno : EIO;
		close(fd);
	}
	idle(w);
	return err;
}

/*
 * Move CPU @c: offline when it is online, else back online; hp_seq[c]
 * goes on before the write and after it (back where it was when the
 * kernel refused).  Return: 0 or the errno of the write.
 */
static int hp_move(struct worker *w, unsigned int c)
{
	bool on = atomic_load(&hp_seq[c]) % 4 == 2;
	int err;

	atomic_fetch_add(&hp_seq[c], 1);
	err = hp_write(w, c, on);
	atomic_fetch_add(&hp_seq[c], err ? 3 : 1);
	/* the kernel may refuse a move (EBUSY): counted, not judged */
	count(OP_HOTPLUG, err, true);
	if (err)
		atomic_fetch_add(&hp_failed, 1);
	else
		atomic_fetch_add(on ? &hp_ons : &hp_offs, 1);
	return err;
}

/*
 * The hotplug thread: one CPU of its own offline or online, then a pause
 * of 2 to 100 ms and one to three times what the move took (a move stops
 * every CPU for a moment, and takes long on a debug kernel: the storm
 * keeps most of its time).
 */
static void step_hotplug(struct worker *w)
{
	unsigned int c, pick = rnd(w) % hp_nr_mine;
	long long t = now_ms();

	for (c = 1; c < hp_ncpus; c++)
		if (hp_mine[c] && !pick--)
			break;
	hp_move(w, c);
	t = now_ms() - t;
	if (!atomic_load(&stop))
		sleep_us(rnd_range(w, 2000, 100000) +
			 (t < 2000 ? t : 2000) * 1000 * rnd_range(w, 1, 3));
}

/* Once the storm is over: every CPU the thread took offline, online. */
static void hp_restore(struct worker *w)
{
	unsigned int c, tries;
	int err;

	for (c = 1; c < hp_ncpus; c++) {
		if (!hp_mine[c])
			continue;
		for (tries = 0; atomic_load(&hp_seq[c]) % 4 && tries < 20;
		     tries++) {
			err = hp_move(w, c);
			if (err && tries == 19)
				wrong(w, OP_HOTPLUG, err, "CPU %u does not come back online",
				      c);
			else if (err)
				sleep_us(100000);
		}
	}
}

/*
 * The CPUs: how many are possible and online; with --hotplug, those the
 * thread may take offline (all but 0 whose online file it may write),
 * else hp_why says why none.
 */
static void hp_setup(void)
{
	const char *list = "/sys/devices/system/cpu/online";
	bool online[HP_MAX_CPUS] = { false };
	char path[64];
	unsigned int c;

	ncpus = count_cpus("/sys/devices/system/cpu/possible", NULL, 0);
	ncpus_online = count_cpus(list, NULL, 0);
	hp_ncpus = ncpus < HP_MAX_CPUS ? ncpus : HP_MAX_CPUS;
	count_cpus(list, online, HP_MAX_CPUS);
	for (c = 0; c < hp_ncpus; c++) {
		hp_seq0[c] = online[c] ? 0 : 2;
		atomic_store(&hp_seq[c], hp_seq0[c]);
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%u/online", c);
		if (opt_hotplug && c && online[c] && !access(path, W_OK)) {
			hp_mine[c] = true;
			hp_nr_mine++;
		}
	}
	if (hp_nr_mine)
		return;
	if (ncpus_online < 2)
		snprintf(hp_why, sizeof(hp_why), "%u CPU online",
			 ncpus_online);
	else
		snprintf(hp_why, sizeof(hp_why),
			 "no CPU but 0 has an online file to write (CONFIG_HOTPLUG_CPU)");
}

/* ---- moves between memory cgroups --------------------------------- */

#define CG_ROOM		(256 << 10)	/* what the writer's own charges keep */
#define CG_TEST_TOTAL	32768		/* a test started there: TOTAL */
#define CG_CMDS		16		/* commands a round writes there */
#define CG_PROBES	8		/* chunks a probe asks, at most */
#define CG_TESTS	64		/* tests started there, still charging */
#define CG_ANS		480

enum cg_kind { CG_ALLOC, CG_RND, CG_START, CG_OVER, CG_BIG_TEST };

/* A command a writer writes from the group, planned by the mover. */
struct cg_cmd {
	enum cg_kind kind;
	enum op_kind op;
	const char *file;
	int fd;				/* opened before the fork */
	char line[160];
	long long min, max, total;	/* CG_RND */
	long long time, bound;		/* a test's: ms; what it may charge */
	bool last_if_enomem;		/* a probe's: ENOMEM ends the round */
};

/* What the writer saw there, sent back through a pipe. */
struct cg_result {
	int in_err, out_err;		/* the moves' errnos; -1: not tried */
	unsigned int n;			/* the commands written */
	char where[128];		/* /proc/self/cgroup, read there */
	struct {
		int werr, rerr;
		char ans[CG_ANS];
	} r[CG_CMDS];
};

/* The tests started from the group: until when, and what they may charge. */
static struct {
	long long until, bound;
} cg_pending[CG_TESTS];

/* What the tests started from the group may still charge to it. */
static long long cg_pending_bytes(void)
{
	long long now = now_ms(), sum = 0;
	unsigned int i;

	for (i = 0; i < CG_TESTS; i++) {
		if (cg_pending[i].until && cg_pending[i].until < now)
			cg_pending[i].until = 0;
		if (cg_pending[i].until)
			sum += cg_pending[i].bound;
	}
	return sum;
}

static void cg_pending_add(long long until, long long bound)
{
	unsigned int i;

	for (i = 0; i < CG_TESTS; i++) {
		if (!cg_pending[i].until) {
			cg_pending[i].until = until;
			cg_pending[i].bound = bound;
			return;
		}
	}
	/* none free: the first holds both, until the later end */
	cg_pending[0].bound += bound;
	if (cg_pending[0].until < until)
		cg_pending[0].until = until;
}

/* A number in a file of the group (memory.current).  -1 when unread. */
static long long cg_read(const char *name)
{
	char path[PATH_MAX], buf[64];
	long long v = -1;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", cg_dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return parse_ll(buf, &v) ? v : -1;
}

/* Fault the stack in that the writer uses in the group, before it goes. */
static noinline void cg_touch_stack(void)
{
	char pad[65536];

	memset(pad, 0, sizeof(pad));
	/* the compiler may not leave the stores out */
	__asm__ __volatile__("" : : "r" (pad) : "memory");
}

/*
 * The writer, a child process: into the group (@in_fd, its cgroup.procs),
 * the commands of @c, out (@out_fd, the root group's), what it saw into
 * @pipe_fd.  In the group it faults no page in and opens nothing: what
 * it needs was opened, read or touched before (cg_child()).
 */
static noinline void cg_writer(const struct cg_cmd *c, unsigned int n,
			       struct cg_result *res, int in_fd, int out_fd,
			       int pipe_fd)
{
	char pid[24];
	unsigned int i;
	ssize_t len;
	size_t got;
	int fd;

	memset(res, 0, sizeof(*res));
	res->in_err = -1;
	res->out_err = -1;
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	/* its seq_file's buffer, allocated at the first read: here */
	fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && pread(fd, res->where, sizeof(res->where) - 1, 0) < 0)
		res->where[0] = '\0';
	/* read()'s code mapped in too; errno's page written */
	if (read(-1, pid, 0) < 0)
		errno = 0;
	if (write(in_fd, pid, strlen(pid)) < 0) {
		res->in_err = errno;
		goto out;
	}
	res->in_err = 0;
	if (fd >= 0) {
		len = pread(fd, res->where, sizeof(res->where) - 1, 0);
		res->where[len > 0 ? len : 0] = '\0';
	}
	for (i = 0; i < n && (!i || !c[i - 1].last_if_enomem ||
			      res->r[i - 1].werr != ENOMEM); i++) {
		len = strlen(c[i].line);
		errno = 0;
		res->r[i].werr = write(c[i].fd, c[i].line, len) == len ? 0 :
				 errno ? errno : EIO;
		for (got = 0; got < sizeof(res->r[i].ans) - 1; got += len) {
			len = read(c[i].fd, res->r[i].ans + got,
				   sizeof(res->r[i].ans) - 1 - got);
			if (len <= 0)
				break;
		}
		res->r[i].rerr = len < 0 ? errno : 0;
		res->r[i].ans[got] = '\0';
	}
	res->n = i;
	res->out_err = write(out_fd, pid, strlen(pid)) < 0 ? errno : 0;
out:
	len = write(pipe_fd, res, sizeof(*res));
	_exit(len == sizeof(*res) ? 0 : 1);
}

/*
 * The child: its stack faulted in first, where cg_writer() and the calls
 * it makes will run (below this frame), in the root group.
 */
static __noreturn void cg_child(const struct cg_cmd *c, unsigned int n,
				struct cg_result *res, int in_fd, int out_fd,
				int pipe_fd)
{
	cg_touch_stack();
	cg_writer(c, n, res, in_fd, out_fd, pipe_fd);
	_exit(1);
}

/*
 * Plan a probe into @c: chunks of 256 bytes to MAX_CHUNK (64 KiB), four
 * times as big each, until one is refused with ENOMEM, CG_PROBES at
 * most (the small ones find room under max_bytes, which the storm keeps
 * full: ENOSPC, and the next), for a group without room for a round, or
 * full: refused there with ENOMEM naming it, or kept (chunks as the
 * others).  Their flags may sleep: the kernel takes back what the CPUs
 * hold charged ahead for the group (its per-CPU stock, which
 * memory.current counts) before it refuses, and the chunks take that.
 * Return: CG_PROBES.
 */
static unsigned int cg_plan_probe(struct cg_cmd *c)
{
	unsigned int i;

	for (i = 0; i < CG_PROBES; i++) {
		c[i] = (struct cg_cmd){ .kind = CG_ALLOC, .op = OP_ALLOC,
					.file = "mem_alloc",
					.last_if_enomem = true };
		snprintf(c[i].line, sizeof(c[i].line),
			 "%d alloc=kmalloc gfp=account,nowarn",
			 i < 4 ? 256 << 2 * i : MAX_CHUNK);
	}
	atomic_fetch_add(&cg_probes, 1);
	return CG_PROBES;
}

/*
 * Plan a round's commands into @c: while memory.max leaves room for
 * them (@room), a test with gfp=account (ctx=work) and up to four
 * mem_alloc (kmalloc, vmalloc, kvmalloc; the default retry flags,
 * which fail rather than call the OOM killer) and mem_rnd_alloc
 * (gfp=nowait, which never waits: a resize may pick a mempool's chunk),
 * each within its worst charge; now and then, last, a chunk bigger than
 * memory.max, or a test of that total, which fills the group, or a
 * mem_rnd_alloc of more than memory.max leaves (@left), which fills it
 * with kept chunks, and a probe.  Return: how many.
 */
static unsigned int cg_plan(struct worker *w, struct cg_cmd *c,
			    long long room, long long left)
{
	/* whose chunks count the bytes asked, as mem_realloc's answers need */
	static const char *const allocs[] = { "kmalloc", "vmalloc", "kvmalloc" };
	static const char *const tallocs[] = { "kmalloc", "vmalloc", "kvmalloc" };
	unsigned int n = 0, k, i;
	long long size, bound;

	if (chance(w, 50)) {
		c[n] = (struct cg_cmd){ .kind = CG_START, .op = OP_START,
					.file = "mem_test_start" };
		c[n].min = rnd_range(w, 16, 1024);
		c[n].max = rnd_range(w, c[n].min, 4096);
		c[n].total = rnd_range(w, 8192, CG_TEST_TOTAL);
		c[n].time = rnd_range(w, 20, 1000);
		/* its chunks, one resized, its debugfs files */
		c[n].bound = 2 * c[n].total + 65536;
		snprintf(c[n].line, sizeof(c[n].line),
			 "%lld %lld %lld 1 %llu %lld alloc=%s gfp=account,nowarn",
			 c[n].min, c[n].max, c[n].total,
			 (unsigned long long)rnd_range(w, 1, 4), c[n].time,
			 tallocs[rnd(w) % ARRAY_SIZE(tallocs)]);
		if (c[n].bound <= room) {
			room -= c[n].bound;
			n++;
		}
	}
	for (k = rnd_range(w, 1, 4); k--;) {
		if (chance(w, 60)) {
			size = rnd_range(w, 1, 16384);
			c[n] = (struct cg_cmd){ .kind = CG_ALLOC, .op = OP_ALLOC,
						.file = "mem_alloc" };
			bound = 2 * size + 8192;
			snprintf(c[n].line, sizeof(c[n].line),
				 "%lld alloc=%s gfp=account,nowarn", size,
				 allocs[rnd(w) % ARRAY_SIZE(allocs)]);
		} else {
			c[n] = (struct cg_cmd){ .kind = CG_RND, .op = OP_RND_ALLOC,
						.file = "mem_rnd_alloc" };
			c[n].min = rnd_range(w, 256, 2048);
			c[n].max = rnd_range(w, c[n].min, 8192);
			c[n].total = rnd_range(w, c[n].max, 32768);
			/* its pieces, and the chunks it may resize */
			bound = 4 * c[n].total + 16384;
			snprintf(c[n].line, sizeof(c[n].line),
				 "%lld %lld %lld alloc=kmalloc gfp=nowait,nowarn,account",
				 c[n].min, c[n].max, c[n].total);
		}
		if (bound <= room) {
			room -= bound;
			n++;
		}
	}
	i = rnd(w) % 100;
	if (i < 30) {
		/* vmalloc charges page by page: one more than memory.max */
		c[n] = (struct cg_cmd){ .kind = CG_OVER, .op = OP_ALLOC,
					.file = "mem_alloc" };
		snprintf(c[n].line, sizeof(c[n].line),
			 "%lld alloc=vmalloc gfp=account,nowarn",
			 cg_max + 4096);
		n++;
	} else if (i < 50) {
		/* its steps fill the group, then fail: errors */
		c[n] = (struct cg_cmd){ .kind = CG_BIG_TEST, .op = OP_START,
					.file = "mem_test_start" };
		c[n].time = rnd_range(w, 200, 1000);
		c[n].bound = cg_max;
		snprintf(c[n].line, sizeof(c[n].line),
			 "16384 65536 %lld 1 1 %lld alloc=kvmalloc gfp=account,nowarn",
			 cg_max + 65536, c[n].time);
		n++;
	} else if (i < 65) {
		/* pieces the module keeps until memory.max refuses them */
		c[n] = (struct cg_cmd){ .kind = CG_RND, .op = OP_RND_ALLOC,
					.file = "mem_rnd_alloc" };
		c[n].min = 4096;
		c[n].max = 16384;
		c[n].total = left + 65536;
		snprintf(c[n].line, sizeof(c[n].line),
			 "%lld %lld %lld alloc=kmalloc gfp=nowait,nowarn,account",
			 c[n].min, c[n].max, c[n].total);
		n++;
		n += cg_plan_probe(c + n);
	}
	return n;
}

/*
 * One answer of the writer in the group, judged: refusals ENOSPC (the
 * caps) and ENOMEM (the group's memory.max, named, or the kernel's
 * refusal), a chunk bigger than memory.max never kept, the tests' ids as
 * any start's.
 */
static void cg_judge(struct worker *w, const struct cg_cmd *c, int werr,
		     const char *ans)
{
	struct xchg x = { .file = c->file, .line = c->line, .werr = werr,
			  .ans = ans };
	char copy[CG_ANS], want[CG_PATH_MAX + 64];
	const char *named = memcg_named(ans), *why;

	atomic_fetch_add(&cg_cmds, 1);
	if (werr == ENOSPC)
		atomic_fetch_add(&cg_enospc, 1);
	snprintf(want, sizeof(want), "%s is at its memory.max (%lld bytes, ",
		 cg_name, cg_max);
	if (werr == ENOMEM && named) {
		/* the group named: ours, at the limit it has */
		if (strncmp(named, want, strlen(want))) {
			wrong(w, c->op, werr, "'%s' from %s refused for another group, or another limit: '%s'",
			      c->line, cg_dir, ans);
			return;
		}
		atomic_fetch_add(&cg_enomem_named, 1);
	} else if (werr == ENOMEM) {
		atomic_fetch_add(&cg_enomem, 1);
	}
	switch (c->kind) {
	case CG_OVER:
		if (!werr) {
			wrong(w, c->op, 0, "'%s' from %s, more than its memory.max (%lld), was kept",
			      c->line, cg_dir, cg_max);
			return;
		}
		atomic_fetch_add(&cg_over, 1);
		/* vmalloc's pages, charged one by one, are the group's */
		if (werr == ENOMEM && !named) {
			wrong(w, c->op, werr, "'%s' from %s refused, but the group at its memory.max not named: '%s'",
			      c->line, cg_dir, ans);
			return;
		}
		judge_refusal(w, c->op, &x, ERRS(ENOSPC, ENOMEM), true);
		return;
	case CG_ALLOC:
		if (werr)
			judge_refusal(w, c->op, &x, ERRS(ENOSPC, ENOMEM), true);
		else if (ans[0])
			wrong(w, c->op, 0, "'%s' answered '%s'", c->line, ans);
		else
			count(c->op, 0, true);
		break;
	case CG_RND:
		if (werr && werr != ENOMEM) {
			judge_refusal(w, c->op, &x, ERRS(ENOSPC), true);
			break;
		}
		snprintf(copy, sizeof(copy), "%s", ans);
		why = check_rnd(copy, c->min, c->max, c->total, werr == ENOMEM);
		if (why)
			wrong(w, c->op, werr, "'%s' answered '%s': %s", c->line,
			      ans, why);
		else
			count(c->op, werr, true);
		break;
	case CG_START:
	case CG_BIG_TEST:
		if (werr) {
			judge_refusal(w, c->op, &x, ERRS(ENOSPC, ENOMEM), true);
			break;
		}
		if (start_done(w, c->line, ans, -1, false))
			break;
		atomic_fetch_add(&cg_tests, 1);
		/* it charges the group until its end, and a moment after */
		cg_pending_add(now_ms() + c->time + 1000, c->bound);
		break;
	}
	if (!werr)
		atomic_fetch_add(&cg_ok, 1);
}

/*
 * The mover thread: a round, while the group has room for it: a writer
 * moves into the group, writes its commands there, moves back to the
 * root group; then a pause.
 */
static void step_memcg(struct worker *w)
{
	struct cg_cmd c[CG_CMDS];
	struct cg_result res;
	char path[PATH_MAX];
	long long cur, room;
	int in_fd = -1, out_fd = -1, pfd[2] = { -1, -1 }, status, st;
	unsigned int n, i;
	size_t got = 0;
	ssize_t len;
	pid_t pid;

	if (!atomic_load(&stop))
		sleep_us(rnd_range(w, 5000, 100000));
	if (atomic_load(&stop) || atomic_load(&rmmod_state) != RM_NONE)
		return;
	cur = cg_read("memory.current");
	if (cur < 0) {
		wrong(w, OP_MEMCG_MOVE, errno, "%s/memory.current cannot be read",
		      cg_dir);
		return;
	}
	atomic_max_ll(&cg_peak, cur);
	room = cg_max - cur - cg_pending_bytes() - CG_ROOM;
	if (room < 0)
		atomic_fetch_add(&cg_no_room, 1);
	n = room < 0 ? cg_plan_probe(c) : cg_plan(w, c, room, cg_max - cur);
	st = atomic_load(&rmmod_state);
	for (i = 0; i < n; i++) {
		c[i].fd = open_in(debugfs_dir, c[i].file, O_RDWR);
		if (c[i].fd < 0) {
			open_failed(w, c[i].op, st, -c[i].fd, c[i].file, false);
			n = i;
			goto out;
		}
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg_dir);
	in_fd = open(path, O_WRONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg_home);
	out_fd = open(path, O_WRONLY | O_CLOEXEC);
	if (in_fd < 0 || out_fd < 0 || pipe2(pfd, O_CLOEXEC)) {
		wrong(w, OP_MEMCG_MOVE, errno, "cgroup.procs of %s or %s, or a pipe",
		      cg_dir, cg_home);
		goto out;
	}
	busy(w, OP_MEMCG_MOVE, "a writer in the memory cgroup");
	pid = fork();
	if (!pid) {
		close(pfd[0]);
		cg_child(c, n, &res, in_fd, out_fd, pfd[1]);
	}
	close(pfd[1]);
	pfd[1] = -1;
	while (pid > 0 && got < sizeof(res)) {
		len = read(pfd[0], (char *)&res + got, sizeof(res) - got);
		if (len > 0)
			got += len;
		else if (!len || errno != EINTR)
			break;
	}
	status = 0;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	idle(w);
	atomic_fetch_add(&cg_rounds, 1);
	if (pid < 0 || got != sizeof(res) || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		wrong(w, OP_MEMCG_MOVE, pid < 0 ? errno : 0,
		      "the writer in %s: %s (wait status 0x%x, %zu bytes of its report)",
		      cg_dir, pid < 0 ? "fork failed" :
		      WIFSIGNALED(status) ? "killed by a signal: the group's OOM killer?" :
		      "failed", status, got);
		goto out;
	}
	if (res.in_err) {
		wrong(w, OP_MEMCG_MOVE, res.in_err, "a writer into %s", cg_dir);
		goto out;
	}
	count(OP_MEMCG_MOVE, 0, true);
	atomic_fetch_add(&cg_moves, 1);
	/* its line of cgroup2, "0::PATH", first or after the others */
	snprintf(path, sizeof(path), "\n0::%s\n", cg_name);
	if (strncmp(res.where, path + 1, strlen(path + 1)) &&
	    !strstr(res.where, path))
		wrong(w, OP_MEMCG_MOVE, 0, "the writer moved into %s, but its /proc/self/cgroup read '%s'",
		      cg_dir, res.where);
	for (i = 0; i < res.n && i < n; i++) {
		if (res.r[i].rerr)
			wrong(w, c[i].op, res.r[i].rerr, "read back after '%s' (in %s)",
			      c[i].line, cg_dir);
		else
			cg_judge(w, &c[i], res.r[i].werr, res.r[i].ans);
	}
	if (res.out_err) {
		wrong(w, OP_MEMCG_MOVE, res.out_err, "a writer out of %s, back into %s",
		      cg_dir, cg_home);
	} else {
		count(OP_MEMCG_MOVE, 0, true);
		atomic_fetch_add(&cg_backs, 1);
	}
out:
	for (i = 0; i < n; i++)
		close(c[i].fd);
	if (in_fd >= 0)
		close(in_fd);
	if (out_fd >= 0)
		close(out_fd);
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
}

/*
 * --memcg DIR: a memory cgroup under cgroup2's root (the storm's own
 * group), with a memory.max.  Return: 0, or -1 having said what is wrong.
 */
static int memcg_setup(void)
{
	char buf[256], *p;
	struct statfs sf;
	struct stat sb;
	ssize_t n;
	int fd;

	if (strlen(opt_memcg) >= sizeof(cg_dir)) {
		fprintf(stderr, "mtstorm: --memcg: a path of %zu characters at most\n",
			sizeof(cg_dir) - 1);
		return -1;
	}
	snprintf(cg_dir, sizeof(cg_dir), "%s", opt_memcg);
	while (strlen(cg_dir) > 1 && cg_dir[strlen(cg_dir) - 1] == '/')
		cg_dir[strlen(cg_dir) - 1] = '\0';
	p = strrchr(cg_dir, '/');
	if (!p || !p[1]) {
		fprintf(stderr, "mtstorm: --memcg %s: not a cgroup directory under cgroup2's root\n",
			opt_memcg);
		return -1;
	}
	snprintf(cg_home, sizeof(cg_home), "%.*s", (int)(p - cg_dir), cg_dir);
	if (!cg_home[0])
		snprintf(cg_home, sizeof(cg_home), "/");
	snprintf(cg_name, sizeof(cg_name), "%s", p);
	/* the root cgroup is the only one with inode 1 */
	if (statfs(cg_home, &sf) || sf.f_type != CGROUP2_MAGIC ||
	    stat(cg_home, &sb) || sb.st_ino != 1) {
		fprintf(stderr, "mtstorm: --memcg %s: %s is not cgroup2's root\n",
			opt_memcg, cg_home);
		return -1;
	}
	cg_max = cg_read("memory.max");
	if (cg_max <= 0 || cg_read("memory.current") < 0) {
		fprintf(stderr, "mtstorm: --memcg %s: no memory.current, or a memory.max that is not a number (the memory controller, a limit)\n",
			opt_memcg);
		return -1;
	}
	fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	if (strncmp(buf, "0::/\n", 5) && !strstr(buf, "\n0::/\n")) {
		fprintf(stderr, "mtstorm: --memcg: run it from the root cgroup (/proc/self/cgroup: %s)\n",
			buf);
		return -1;
	}
	return 0;
}

/* ---- threads ------------------------------------------------------ */

static const struct role roles[] = {
	{ "starter", step_starter },
	{ "killer", step_killer },
	{ "mem", step_mem },
	{ "reader", step_reader },
	{ "stats", step_stats },
};

static const struct role role_params = { "params", step_params };
static const struct role role_bench = { "bench", step_bench };
static const struct role role_rmmod = { "rmmod", NULL };
static const struct role role_hotplug = { "hotplug", step_hotplug };
static const struct role role_memcg = { "memcg", step_memcg };

/* The longest pause between two operations @t s into the tries, in us. */
static unsigned long pace_max(long long t)
{
	return t >= 13 ? 1000000 : 200UL << t;
}

/*
 * While delete_module() is being tried, pause after each operation, a
 * little longer with each second of tries: 0..200 us at first, doubling
 * every second up to 0..1 s, so that a moment comes when no file is
 * open.  (On a stock kernel that comes within the first second; the
 * debug kernel's operations are much longer.)  Past --rmmod-timeout, hold
 * still.
 */
static void pace(struct worker *w)
{
	if (atomic_load(&rmmod_state) != RM_TRYING)
		return;
	while (atomic_load(&paused) && !atomic_load(&stop))
		sleep_us(10000);
	sleep_us(rnd_range(w, 0, pace_max((now_ms() -
					  atomic_load(&rmmod_t0)) / 1000)));
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	atomic_store(&w->tid, (int)syscall(SYS_gettid));
	/* every thread made (its kernel stack in VmallocUsed) before any works */
	while (!atomic_load(&go))
		sleep_us(1000);
	while (!atomic_load(&stop)) {
		w->role->step(w);
		pace(w);
	}
	return NULL;
}

static long long rmmod_ms, rmmod_tries, rmmod_paused;

/*
 * How many tests run: read in mem_test_list.  Return: the number, or -1
 * when it could not be read (the open is judged and counted as any).
 */
static int count_running(struct worker *w)
{
	const char *p;
	int n = 0, rerr;

	if (read_file(w, OP_LIST, debugfs_dir, "mem_test_list", false,
		      &rerr)) {
		if (rerr)
			wrong(w, OP_LIST, rerr, "read");
		return -1;
	}
	count(OP_LIST, 0, true);
	for (p = w->buf; (p = strstr(p, "state: running\n")); p++)
		n++;
	return n;
}

/*
 * delete_module() in a loop until it goes through: EAGAIN while a file is
 * open (EBUSY would say another unload is under way).  Then once more:
 * ENOENT.
 */
static void *rmmod_main(void *arg)
{
	struct worker *w = arg;
	long long t0 = now_ms(), tries = 0, t_read = 0, t_running = 0;
	int r, err, running = -1, n, i;

	atomic_store(&w->tid, (int)syscall(SYS_gettid));
	atomic_store(&rmmod_t0, t0);
	atomic_store(&rmmod_state, RM_TRYING);
	/*
	 * Tests the unload has to stop, besides the starters': once the
	 * kills under way are done, none can reach them.
	 */
	atomic_store(&anchoring, true);
	while (atomic_load(&killing))
		sched_yield();
	/* at the cap a start is refused: a few tries, as tests come and go */
	for (i = 0; i < NR_ANCHORS; i++)
		for (n = 0; start_one(w, i) == ENOSPC && n < 100; n++)
			sleep_us(10000);
	atomic_store(&anchoring, false);
	for (;;) {
		/* once a second, how many tests it would stop */
		if (now_ms() - t_read >= 1000) {
			n = count_running(w);
			t_read = now_ms();
			if (n >= 0) {
				running = n;
				t_running = t_read;
			}
		}
		busy(w, OP_RMMOD, module_name);
		r = syscall(SYS_delete_module, module_name, O_NONBLOCK);
		err = r ? errno : 0;
		idle(w);
		tries++;
		if (!r)
			break;
		if (err == EAGAIN || err == EBUSY) {
			count(OP_RMMOD, err, true);
		} else {
			wrong(w, OP_RMMOD, err, "delete_module(%s)",
			      module_name);
			if (err != EINTR)
				goto out;
		}
		if (!atomic_load(&paused) &&
		    now_ms() - t0 > opt_rmmod_timeout * 1000LL) {
			wrong(w, OP_RMMOD, 0,
			      "no window in %u s of tries: the workers hold still now",
			      opt_rmmod_timeout);
			atomic_store(&paused, 1);
			rmmod_paused = 1;
		}
		if (atomic_load(&paused) &&
		    now_ms() - t0 > (opt_rmmod_timeout + 10) * 1000LL) {
			wrong(w, OP_RMMOD, 0,
			      "still in use 10 s after every worker stopped: a reference leak?");
			goto out;
		}
		sched_yield();
	}
	count(OP_RMMOD, 0, true);
	rmmod_ms = now_ms() - t0;
	rmmod_tries = tries;
	atomic_store(&rmmod_state, RM_GONE);
	say("rmmod: unloaded after %lld ms and %lld tries, %d tests running %lld ms before",
	    rmmod_ms, tries, running, now_ms() - t_running);
	say("rmmod: by then the workers paused up to %lu us between operations",
	    pace_max(rmmod_ms / 1000));

	busy(w, OP_RMMOD, module_name);
	r = syscall(SYS_delete_module, module_name, O_NONBLOCK);
	err = r ? errno : 0;
	idle(w);
	if (err == ENOENT)
		count(OP_RMMOD, err, true);
	else
		wrong(w, OP_RMMOD, err,
		      "delete_module(%s) again, after it went", module_name);
out:
	atomic_store(&paused, 0);
	return NULL;
}

static void print_summary(void)
{
	char name[16], errs[512];
	unsigned long total = 0, v;
	unsigned int i, e;
	size_t len;

	printf("%-22s %9s %9s %9s %5s  %s\n", "operation", "total", "ok",
	       "refused", "bad", "errnos seen");
	for (i = 0; i < NR_OPS; i++) {
		struct op_count *c = &counts[i];

		if (!atomic_load(&c->n))
			continue;
		total += atomic_load(&c->n);
		errs[0] = '\0';
		for (e = 0, len = 0; e < MAX_ERRNO; e++) {
			v = atomic_load(&c->err[e]);
			if (v && len < sizeof(errs))
				len += snprintf(errs + len, sizeof(errs) - len,
						"%s%s=%lu", len ? " " : "",
						e ? mt_errno_name(e, name,
							       sizeof(name)) :
						    "other",
						v);
		}
		printf("%-22s %9lu %9lu %9lu %5lu  %s\n", op_names[i],
		       atomic_load(&c->n), atomic_load(&c->ok),
		       atomic_load(&c->refused), atomic_load(&c->unexpected),
		       errs);
	}
	printf("mtstorm: %lu operations; %lu tests started (last id %u), %d alive at most\n",
	       total, atomic_load(&counts[OP_START].ok),
	       atomic_load(&last_id), atomic_load(&reg_max));
	printf("mtstorm: tests started by context:");
	for (i = 0; i < ARRAY_SIZE(contexts); i++)
		printf("%s %s %lu", i ? "," : "", contexts[i],
		       atomic_load(&ctx_started[i]));
	printf("\n");
	printf("mtstorm: benches: %lu started, %lu stopped midway, %lu ran to their end; refused: %lu EBUSY, %lu ENOSPC, %lu ENOMEM\n",
	       atomic_load(&bench_started), atomic_load(&bench_cut),
	       atomic_load(&bench_ended), atomic_load(&bench_busy),
	       atomic_load(&bench_nospc), atomic_load(&bench_nomem));
	if (opt_rmmod)
		printf("mtstorm: benches: %lu started while rmmod was tried, left for the unload to stop\n",
		       atomic_load(&bench_rm));
	if (opt_rmmod)
		printf("mtstorm: after unload: %lu operations, every one refused at open\n",
		       atomic_load(&gone_ops));
	if (hp_nr_mine)
		printf("mtstorm: hotplug: %lu transitions (%lu offline, %lu online), %lu refused by the kernel; refused for an offline CPU: %lu test starts, %lu benches; %lu pinned starts raced a transition and went through\n",
		       atomic_load(&hp_offs) + atomic_load(&hp_ons),
		       atomic_load(&hp_offs), atomic_load(&hp_ons),
		       atomic_load(&hp_failed),
		       atomic_load(&hp_refused_start),
		       atomic_load(&hp_refused_bench),
		       atomic_load(&hp_started_away));
	else if (opt_hotplug)
		printf("mtstorm: hotplug: no CPU can go offline here: %s\n",
		       hp_why);
	if (opt_memcg)
		printf("mtstorm: memcg: %lu moves into %s and %lu back, in %lu rounds (%lu without room for more than a probe, %lu probes); there %lu commands, %lu done, refused: %lu ENOMEM naming the group at its memory.max, %lu ENOMEM else, %lu ENOSPC; %lu chunks past memory.max refused; %lu tests started there; memory.current %lld at most, memory.max %lld; %lu gfp=account commands from the root group\n",
		       atomic_load(&cg_moves), cg_dir, atomic_load(&cg_backs),
		       atomic_load(&cg_rounds), atomic_load(&cg_no_room),
		       atomic_load(&cg_probes),
		       atomic_load(&cg_cmds), atomic_load(&cg_ok),
		       atomic_load(&cg_enomem_named), atomic_load(&cg_enomem),
		       atomic_load(&cg_enospc), atomic_load(&cg_over),
		       atomic_load(&cg_tests), atomic_load(&cg_peak),
		       cg_max, atomic_load(&acct_root));
	fflush(stdout);
}

/* Print what a stuck thread is doing in the kernel. */
static void dump_task(int tid)
{
	char path[64], buf[4096];
	static const char *const files[] = { "wchan", "stack" };
	unsigned int i;
	ssize_t n;
	int fd;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "/proc/self/task/%d/%s", tid,
			 files[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		printf("mtstorm:   %s:\n%s%s", files[i], buf,
		       buf[n - 1] == '\n' ? "" : "\n");
	}
}

static atomic_llong deadline_ms;

/* Every half second: a thread in one operation for --stuck seconds? */
static void *watchdog_main(void *arg)
{
	long long now, since;
	unsigned int i;
	bool stuck;

	(void)arg;
	for (;;) {
		sleep_us(500000);
		now = now_ms();
		stuck = false;
		for (i = 0; i < nr_workers; i++) {
			struct worker *w = &workers[i];

			since = atomic_load(&w->busy_since);
			if (!since || now - since < opt_stuck * 1000LL)
				continue;
			pthread_mutex_lock(&out_lock);
			printf("mtstorm: STUCK [%s %u] tid %d in %s (%s) for %lld ms\n",
			       w->role->name, w->idx, atomic_load(&w->tid),
			       op_names[atomic_load(&w->busy_op)],
			       (const char *)atomic_load(&w->busy_file),
			       now - since);
			dump_task(atomic_load(&w->tid));
			pthread_mutex_unlock(&out_lock);
			stuck = true;
		}
		if (!stuck && now > atomic_load(&deadline_ms)) {
			say("STUCK: the run overran its time by %lld ms",
			    now - atomic_load(&deadline_ms));
			stuck = true;
		}
		if (stuck) {
			print_summary();
			printf("mtstorm: FAIL: a thread is stuck\n");
			fflush(stdout);
			_exit(EXIT_STUCK);
		}
	}
	return NULL;
}

/* ---- main --------------------------------------------------------- */

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: mtstorm [OPTIONS]\n"
		"A concurrency storm against the malloc_test module (loaded).\n"
		"\n"
		"  -d, --duration S      storm for S seconds (default 20)\n"
		"  -j, --jobs N          threads of each kind (default 3)\n"
		"  -t, --max-tests N     tests alive at once, about (48)\n"
		"  -r, --rmmod           then unload the module in the middle\n"
		"                        of the storm, retrying until it goes\n"
		"      --after MS        go on MS ms after the unload (1000)\n"
		"      --rmmod-timeout S give up the unload after S s (60)\n"
		"      --stuck S         a call lasting S s is stuck (60)\n"
		"      --max-bytes B     max_bytes for the storm (8 MiB); put\n"
		"                        back after it (unless --rmmod)\n"
		"      --kept-limit B    keep about B bytes at most (max-bytes / 4)\n"
		"      --kasan           leave Slab out of the kernel's counters\n"
		"                        (KASAN's redzones and quarantine)\n"
		"      --hotplug         take CPUs but 0 offline and online all\n"
		"                        along (their online files; all online at\n"
		"                        the end)\n"
		"      --memcg DIR       move writers into the memory cgroup DIR\n"
		"                        (a child of cgroup2's root, with a\n"
		"                        memory.max) and back, run from the root\n"
		"      --seed N          the random seed (default: the time)\n"
		"      --debugfs DIR     the module's debugfs directory\n"
		"  -v, --verbose         say more\n"
		"  -h, --help            this help\n"
		"\n"
		"A bench thread runs short benches all along (time=1), stops\n"
		"some midway, and checks bench_result; bench_bytes is 0 at the end.\n"
		"\n"
		"With --hotplug, a test or bench with cpu=N may be refused with\n"
		"EINVAL \"CPU N is offline\", a bench with more threads than CPUs\n"
		"online with EINVAL, or with EAGAIN, only when a CPU was offline or\n"
		"moving while the command ran; a pinned test whose CPU went\n"
		"offline may count off_cpu.\n"
		"\n"
		"With --memcg, a child process moves into DIR, writes commands with\n"
		"gfp=account there (mem_alloc, mem_rnd_alloc, a ctx=work test; now\n"
		"and then a chunk bigger than memory.max, a test whose total is, or\n"
		"pieces until DIR is full and a chunk more), and moves back at once;\n"
		"only while memory.max leaves room for its own charges (256 KiB;\n"
		"else a probe: chunks of 256 bytes to 64 KiB until DIR refuses one,\n"
		"8 at most).  ENOMEM naming a memory cgroup is expected from DIR\n"
		"alone (its memory.max); a chunk past memory.max must be refused.\n"
		"\n"
		"Every mem_used read must show charged_bytes <= max_bytes,\n"
		"atomic_bytes <= max_atomic_bytes, tests <= max_tests; /proc/meminfo's\n"
		"VmallocUsed + Slab + Percpu may rise, since the start, by max_bytes\n"
		"and a slack for the kernel's other activity of 4 MiB + 1%% of\n"
		"max_bytes and of those counters at the start (read every 250 ms and\n"
		"at the end).\n"
		"\n"
		"Exit status: 0 all as expected, 1 an unexpected result,\n"
		"2 usage, 3 a thread stuck.\n");
}

static bool parse_uint(const char *s, unsigned long long max,
		       unsigned long long *v)
{
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end && *v <= max;
}

static int parse_opts(int argc, char **argv)
{
	enum {
		O_AFTER = 256, O_RM_TIMEOUT, O_STUCK, O_KEPT, O_SEED,
		O_DEBUGFS, O_MAX_BYTES, O_KASAN, O_HOTPLUG, O_MEMCG,
	};
	static const struct option longopts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "max-tests", required_argument, NULL, 't' },
		{ "rmmod", no_argument, NULL, 'r' },
		{ "after", required_argument, NULL, O_AFTER },
		{ "rmmod-timeout", required_argument, NULL, O_RM_TIMEOUT },
		{ "stuck", required_argument, NULL, O_STUCK },
		{ "kept-limit", required_argument, NULL, O_KEPT },
		{ "max-bytes", required_argument, NULL, O_MAX_BYTES },
		{ "kasan", no_argument, NULL, O_KASAN },
		{ "hotplug", no_argument, NULL, O_HOTPLUG },
		{ "memcg", required_argument, NULL, O_MEMCG },
		{ "seed", required_argument, NULL, O_SEED },
		{ "debugfs", required_argument, NULL, O_DEBUGFS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	int c;

	while ((c = getopt_long(argc, argv, "d:j:t:rvh", longopts,
				NULL)) != -1) {
		if (c == 'r' || c == 'v' || c == 'h' || c == O_DEBUGFS ||
		    c == O_KASAN || c == O_HOTPLUG || c == O_MEMCG) {
			v = 0;
		} else if (c == '?' || !parse_uint(optarg, ULLONG_MAX, &v)) {
			if (c != '?')
				fprintf(stderr, "mtstorm: bad number '%s'\n",
					optarg);
			print_usage(stderr);
			return EXIT_USAGE;
		}
		switch (c) {
		case 'd':
			opt_duration = v < 86400 ? v : 86400;
			break;
		case 'j':
			opt_jobs = v < 1 ? 1 : v > 32 ? 32 : v;
			break;
		case 't':
			opt_max_tests = v < 1 ? 1 : v > REG_SLOTS / 2 ?
					REG_SLOTS / 2 : v;
			break;
		case 'r':
			opt_rmmod = true;
			break;
		case O_AFTER:
			opt_after_ms = v < 600000 ? v : 600000;
			break;
		case O_RM_TIMEOUT:
			opt_rmmod_timeout = v < 1 ? 1 : v < 3600 ? v : 3600;
			break;
		case O_STUCK:
			opt_stuck = v < 1 ? 1 : v < 3600 ? v : 3600;
			break;
		case O_KEPT:
			opt_kept_limit = v;
			break;
		case O_MAX_BYTES:
			if (!v || v > LLONG_MAX) {
				fprintf(stderr, "mtstorm: --max-bytes from 1 to 2^63 - 1\n");
				return EXIT_USAGE;
			}
			opt_max_bytes = v;
			break;
		case O_KASAN:
			opt_kasan = true;
			break;
		case O_HOTPLUG:
			opt_hotplug = true;
			break;
		case O_MEMCG:
			opt_memcg = optarg;
			break;
		case O_SEED:
			opt_seed = v;
			break;
		case O_DEBUGFS:
			debugfs_dir = optarg;
			break;
		case 'v':
			opt_verbose = true;
			break;
		case 'h':
			print_usage(stdout);
			exit(EXIT_PASS);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mtstorm: unexpected argument '%s'\n",
			argv[optind]);
		print_usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

/* Save the parameters, to put them back after a storm without rmmod. */
static void params_save(bool restore)
{
	char path[PATH_MAX];
	unsigned int i;
	ssize_t n;
	int fd;

	for (i = 0; i < NR_PARAMS; i++) {
		snprintf(path, sizeof(path), "%s/%s", params_dir,
			 params[i].name);
		fd = open(path, (restore ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (restore && saved[i][0]) {
			if (write(fd, saved[i], strlen(saved[i])) < 0)
				say("cannot put %s back to %s", params[i].name,
				    saved[i]);
		} else if (!restore) {
			n = read(fd, saved[i], sizeof(saved[i]) - 1);
			saved[i][n > 0 ? n : 0] = '\0';
		}
		close(fd);
	}
}

/* Parameter @name: read into @buf (newline kept), or written.  0 or -1. */
static int param_io(const char *name, char *buf, size_t size, bool write_it)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", params_dir, name);
	fd = open(path, (write_it ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write_it) {
		n = write(fd, buf, strlen(buf));
	} else {
		n = read(fd, buf, size - 1);
		buf[n > 0 ? n : 0] = '\0';
	}
	close(fd);
	return n > 0 ? 0 : -1;
}

/*
 * The kernel's counters as they are, and the slack their rise gets.
 * Return: 0, or -1.
 */
static int mi_baseline(void)
{
	unsigned int i;

	if (read_meminfo(mi0)) {
		fprintf(stderr, "mtstorm: cannot read VmallocUsed, Slab and Percpu in /proc/meminfo\n");
		return -1;
	}
	/* the kernel's other activity: 4 MiB, 1% of max_bytes and the counters */
	mi_slack = SLACK_FIXED + opt_max_bytes / 100;
	for (i = 0; i < NR_MI; i++)
		if (i != MI_SLAB || !opt_kasan)
			mi_slack += (unsigned long long)mi0[i] * 1024 / 100;
	return 0;
}

/*
 * Can ctx=nmi run here?  The module raises the NMI through x86's local
 * APIC and allocates in it with the nolock allocators: a kernel of 6.18
 * or later, on x86, whose CPU flags in /proc/cpuinfo name apic.
 */
static bool nmi_possible(void)
{
	char *line = NULL, *tok, *save;
	unsigned int ma = 0, mi = 0;
	struct utsname u;
	bool apic = false;
	size_t cap = 0;
	FILE *f;

	if (uname(&u) || sscanf(u.release, "%u.%u", &ma, &mi) != 2 ||
	    ma < 6 || (ma == 6 && mi < 18))
		return false;
	if (strcmp(u.machine, "x86_64") && strcmp(u.machine, "i686") &&
	    strcmp(u.machine, "i586") && strcmp(u.machine, "i386"))
		return false;
	f = fopen("/proc/cpuinfo", "re");
	if (!f)
		return false;
	while (!apic && getline(&line, &cap, f) > 0) {
		if (strncmp(line, "flags", 5) || !strchr(line, ':'))
			continue;
		for (tok = strtok_r(strchr(line, ':') + 1, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save))
			apic |= !strcmp(tok, "apic");
	}
	free(line);
	fclose(f);
	return apic;
}

/*
 * Before the storm: max_bytes ours (the old value in @saved_max), the
 * caps and the kernel's counters as they are.  Return: 0, or -1.
 */
static int caps_setup(char *saved_max, size_t size)
{
	char buf[32];

	have_nmi = nmi_possible();
	if (param_io("max_bytes", saved_max, size, false) ||
	    param_io("max_tests", buf, sizeof(buf), false)) {
		fprintf(stderr, "mtstorm: cannot read max_bytes and max_tests\n");
		return -1;
	}
	max_tests_param = strtoll(buf, NULL, 10);
	snprintf(buf, sizeof(buf), "%llu\n", opt_max_bytes);
	if (param_io("max_bytes", buf, sizeof(buf), true)) {
		fprintf(stderr, "mtstorm: cannot set max_bytes to %llu: %s\n",
			opt_max_bytes, strerror(errno));
		return -1;
	}
	if (!opt_kept_limit)
		opt_kept_limit = opt_max_bytes / 4;
	return mi_baseline();
}

static void start_thread(struct worker *w, void *(*fn)(void *))
{
	int err = pthread_create(&w->th, NULL, fn, w);

	if (err) {
		fprintf(stderr, "mtstorm: cannot create a thread: %s\n",
			strerror(err));
		exit(EXIT_STUCK);
	}
}

int main(int argc, char **argv)
{
	struct worker *rm = NULL, *bw, *hw = NULL;
	char saved_max[32];
	pthread_t wd;
	long long t0, t_end;
	unsigned int i, j;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = parse_opts(argc, argv);
	if (ret)
		return ret;
	if (!opt_seed)
		opt_seed = (unsigned long long)time(NULL) ^
			   ((unsigned long long)getpid() << 20);
	if (access(debugfs_dir, F_OK)) {
		fprintf(stderr, "mtstorm: %s: %s (is malloc_test loaded?)\n",
			debugfs_dir, strerror(errno));
		return EXIT_UNEXPECTED;
	}

	hp_setup();
	if (opt_memcg && memcg_setup())
		return EXIT_USAGE;
	nr_workers = opt_jobs * ARRAY_SIZE(roles) + 2 + opt_rmmod +
		     !!hp_nr_mine + !!opt_memcg;
	workers = calloc(nr_workers, sizeof(*workers));
	if (!workers)
		return EXIT_STUCK;
	for (i = 0, j = 0; i < ARRAY_SIZE(roles) * opt_jobs; i++, j++)
		workers[j].role = &roles[i % ARRAY_SIZE(roles)];
	workers[j++].role = &role_params;
	bw = &workers[j++];
	bw->role = &role_bench;
	if (hp_nr_mine) {
		hw = &workers[j++];
		hw->role = &role_hotplug;
	}
	if (opt_memcg)
		workers[j++].role = &role_memcg;
	if (opt_rmmod) {
		rm = &workers[j++];
		rm->role = &role_rmmod;
	}
	for (i = 0; i < nr_workers; i++) {
		struct worker *w = &workers[i];

		for (j = 0; j < i; j++)
			w->idx += workers[j].role == w->role;
		w->rnd = (opt_seed + 1) * 0x9e3779b97f4a7c15ULL + i * 7919 + 1;
		w->size = 65536;
		w->buf = malloc(w->size);
		if (!w->buf)
			return EXIT_STUCK;
	}
	for (i = 0; i < ARRAY_SIZE(shared_files); i++) {
		shared_fd[i] = open_in(debugfs_dir, shared_files[i], O_RDWR);
		if (shared_fd[i] < 0) {
			fprintf(stderr, "mtstorm: cannot open %s: %s\n",
				shared_files[i], strerror(-shared_fd[i]));
			return EXIT_UNEXPECTED;
		}
	}
	params_save(false);
	if (caps_setup(saved_max, sizeof(saved_max)))
		return EXIT_UNEXPECTED;
	atomic_store(&shared_open, true);

	say("seed %llu, %u threads, %u s of storm%s, at most about %u tests alive; ctx=nmi %s",
	    opt_seed, nr_workers, opt_duration,
	    opt_rmmod ? ", then rmmod in the middle of it" : "",
	    opt_max_tests,
	    have_nmi ? "tests among them" : "refused here (tried now and then)");
	if (hp_nr_mine)
		say("hotplug: %u of %u CPUs go offline and online all along; cpu= names 0 to %u",
		    hp_nr_mine, ncpus_online, hp_ncpus - 1);
	else if (opt_hotplug)
		say("hotplug: no CPU can go offline here: %s", hp_why);
	if (opt_memcg)
		say("memcg: writers move into %s (memory.max %lld, memory.current %lld) and back into %s",
		    cg_dir, cg_max, cg_read("memory.current"), cg_home);
	t0 = now_ms();
	atomic_store(&deadline_ms, t0 + opt_duration * 1000LL +
			(opt_rmmod ? (opt_rmmod_timeout + 20) * 1000LL +
			 opt_after_ms : 0) + opt_stuck * 1000LL);
	if (pthread_create(&wd, NULL, watchdog_main, NULL))
		return EXIT_STUCK;
	for (i = 0; i < nr_workers; i++)
		if (&workers[i] != rm)
			start_thread(&workers[i], worker_main);
	/* the threads are the storm's, not the module's: counted before */
	sleep_us(20000);
	if (mi_baseline())
		return EXIT_UNEXPECTED;
	atomic_store(&go, true);
	say("max_bytes %llu (was %.*s), kept memory up to about %llu; VmallocUsed %lld kB, Slab %lld kB%s, Percpu %lld kB: they may rise by max_bytes + %llu bytes",
	    opt_max_bytes, (int)strcspn(saved_max, "\n"), saved_max,
	    opt_kept_limit, mi0[MI_VMALLOC], mi0[MI_SLAB],
	    opt_kasan ? " (not counted: KASAN)" : "", mi0[MI_PERCPU], mi_slack);

	sleep_us(opt_duration * 1000000ULL);

	/* The shared fds would hold the module: close them first. */
	atomic_store(&shared_open, false);
	while (atomic_load(&shared_users))
		sched_yield();
	for (i = 0; i < ARRAY_SIZE(shared_files); i++)
		close(shared_fd[i]);

	if (rm) {
		if (opt_verbose)
			say("%lld ms: rmmod, while the storm goes on",
			    now_ms() - t0);
		start_thread(rm, rmmod_main);
		pthread_join(rm->th, NULL);
		if (atomic_load(&rmmod_state) == RM_GONE)
			sleep_us(opt_after_ms * 1000ULL);
	}
	atomic_store(&stop, true);
	for (i = 0; i < nr_workers; i++)
		if (&workers[i] != rm)
			pthread_join(workers[i].th, NULL);
	t_end = now_ms();
	if (hw)
		hp_restore(hw);

	/* the storm is over (tests may still run): the kernel's word */
	check_meminfo(&workers[0]);
	if (!rm)
		bench_final(bw);
	if (!rm) {
		params_save(true);
		if (param_io("max_bytes", saved_max, sizeof(saved_max), true))
			say("cannot put max_bytes back to %s", saved_max);
	}
	print_summary();
	say("footprint: charged_bytes %lld at most, max_bytes %llu; atomic_bytes %lld at most; the kernel's counters rose by %lld kB at most (VmallocUsed %lld, Slab %lld, Percpu %lld), %llu kB allowed; %lu reads",
	    atomic_load(&charged_max), opt_max_bytes, atomic_load(&atomic_max),
	    atomic_load(&mi_rise_sum), atomic_load(&mi_rise[MI_VMALLOC]),
	    opt_kasan ? 0LL : atomic_load(&mi_rise[MI_SLAB]),
	    atomic_load(&mi_rise[MI_PERCPU]),
	    (opt_max_bytes + mi_slack) / 1024,
	    atomic_load(&counts[OP_MEMINFO].n));
	if (rm && atomic_load(&rmmod_state) != RM_GONE)
		say("rmmod: the module is still loaded after %lld tries",
		    rmmod_tries);
	else if (rm && rmmod_paused)
		say("rmmod: it went through only once the workers held still");
	if (atomic_load(&nr_unexpected)) {
		printf("mtstorm: FAIL: %lu unexpected results in %lld ms\n",
		       atomic_load(&nr_unexpected), t_end - t0);
		return EXIT_UNEXPECTED;
	}
	printf("mtstorm: PASS: no unexpected result, no thread stuck, in %lld ms\n",
	       t_end - t0);
	return EXIT_PASS;
}
