// SPDX-License-Identifier: GPL-2.0
/*
 * mtscale - does the malloc_test module's bookkeeping scale?
 *
 * For each N given (default 1000, then 1000000) it makes the module keep
 * N chunks of 64 bytes (one mem_rnd_alloc "64 64 N*64 b alloc=kmalloc"),
 * then times, one write() at a time with CLOCK_MONOTONIC around the
 * write alone:
 *
 *   mem_alloc    "64 alloc=kmalloc", each followed by
 *   mem_free     "64": one 64-byte chunk goes, so N stays N;
 *   mem_realloc  a random kept chunk to 32..63 bytes, the sizes in
 *                turn, so that nearly every write changes the chunk's size
 *                (those that draw a chunk already of that size answer 0:
 *                counted in realloc_unchanged).  Every size stays within
 *                the chunk's kmalloc-64 object, so krealloc() resizes in
 *                place whatever N is: what changes with N is the module's
 *                bookkeeping (the chunk leaves its size-ordered tree and
 *                goes back in at its new size), not the allocator's work,
 *
 * REPS times each after WARMUP untimed ones, on files opened once; then it
 * frees everything (mem_free with no argument) and goes on to the next N.
 * The answers are read back after the timed write and checked (mem_free
 * must free 64 bytes).  A command costs the same whatever N is when the
 * bookkeeping scales: the ratios of the last N's figures to the first's
 * are printed at the end.
 *
 * Output: "key: value" lines, keys prefixed by n<N>_ for each N, then
 * ratio_<command>_<figure>.  Times in ns unless the key says otherwise.
 * It expects nothing kept when it starts, and leaves nothing kept (on a
 * failure too, as far as the module lets it).
 *
 * Exit status: 0 done, 1 a command refused or a wrong answer, 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mt_errno.h"

#define MT_PATH		"/sys/kernel/debug/malloc_test/"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define MAX_N		8
#define CHUNK		64
#define ANSWER_LEN	4096

enum { EXIT_DONE = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

enum op { OP_ALLOC, OP_FREE, OP_REALLOC, NR_OPS };
static const char *const op_names[NR_OPS] = {
	"mem_alloc", "mem_free", "mem_realloc",
};

struct figures {
	double mean;
	uint64_t p50, p99;
};

struct result {
	unsigned long long n;
	struct figures f[NR_OPS];
};

static int fds[NR_OPS];
static int fd_rnd, fd_free_all = -1;
static const char *prog = "mtscale";

static void __printf(1, 2) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	/* what this run kept goes (best effort: we are failing already) */
	if (fd_free_all >= 0 && write(fd_free_all, "\n", 1) < 0)
		fprintf(stderr, "%s: mem_free (everything) failed too\n", prog);
	exit(EXIT_FAIL);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int open_file(const char *name, int flags)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), MT_PATH "%s", name);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s (is malloc_test loaded, debugfs mounted?)", path,
		    strerror(errno));
	return fd;
}

/* The answer to the last write on @fd, newline removed. */
static void answer(int fd, char *buf, size_t len)
{
	ssize_t r = read(fd, buf, len - 1);

	if (r < 0)
		r = 0;
	buf[r] = '\0';
	while (r > 0 && (buf[r - 1] == '\n' || buf[r - 1] == ' '))
		buf[--r] = '\0';
}

/*
 * One command: write @line on @fd; the time the write took in *@ns (when
 * not NULL), the answer in @ans.  A refusal is fatal, with the module's
 * reason.
 */
static void command(int fd, const char *what, const char *line, uint64_t *ns,
		    char *ans, size_t len)
{
	size_t n = strlen(line);
	uint64_t t0, t1;
	ssize_t w;
	int err;

	t0 = now_ns();
	w = write(fd, line, n);
	t1 = now_ns();
	err = errno;
	answer(fd, ans, len);
	if (w != (ssize_t)n) {
		char eb[16];

		die("%s \"%.*s\": %s: %s", what, (int)(n && line[n - 1] == '\n' ? n - 1 : n),
		    line, w < 0 ? mt_errno_name(err, eb, sizeof(eb)) : "short write",
		    ans[0] ? ans : "(no reason given)");
	}
	if (ns)
		*ns = t1 - t0;
}

static unsigned long long kept_chunks(void)
{
	char buf[ANSWER_LEN], *p;
	int fd = open_file("mem_used", O_RDONLY);
	ssize_t r = read(fd, buf, sizeof(buf) - 1);

	close(fd);
	if (r <= 0)
		die("mem_used: cannot read it");
	buf[r] = '\0';
	p = strstr(buf, "\nkept_chunks: ");
	if (!p)
		die("mem_used: no kept_chunks line");
	return strtoull(p + strlen("\nkept_chunks: "), NULL, 10);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Mean, median and 99th percentile (nearest rank) of @v, which is sorted. */
static struct figures figures_of(uint64_t *v, size_t n)
{
	struct figures f = { 0, 0, 0 };
	long double sum = 0;
	size_t i, r;

	if (!n)
		return f;
	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < n; i++)
		sum += v[i];
	f.mean = (double)(sum / n);
	f.p50 = v[(n - 1) / 2];
	r = (n * 99 + 99) / 100;	/* ceil(0.99 n) */
	f.p99 = v[(r ? r : 1) - 1];
	return f;
}

static void print_figures(unsigned long long n, enum op op, const struct figures *f)
{
	printf("n%llu_%s_mean_ns: %.0f\n", n, op_names[op], f->mean);
	printf("n%llu_%s_p50_ns: %" PRIu64 "\n", n, op_names[op], f->p50);
	printf("n%llu_%s_p99_ns: %" PRIu64 "\n", n, op_names[op], f->p99);
}

static void measure(unsigned long long n, unsigned int reps, unsigned int warmup,
		    struct result *res, uint64_t **samples)
{
	char line[128], ans[ANSWER_LEN];
	unsigned long long kept, unchanged = 0;
	unsigned int i, total = warmup + reps;
	uint64_t t0, ns;
	int op;

	kept = kept_chunks();
	if (kept)
		die("%llu chunks are kept already: free them first (mem_free)", kept);

	t0 = now_ns();
	snprintf(line, sizeof(line), "%d %d %llu b alloc=kmalloc\n", CHUNK, CHUNK,
		 n * CHUNK);
	command(fd_rnd, "mem_rnd_alloc", line, NULL, ans, sizeof(ans));
	ns = now_ns() - t0;
	kept = kept_chunks();
	if (kept != n)
		die("mem_rnd_alloc kept %llu chunks, not %llu", kept, n);
	printf("n%llu_setup_ms: %.1f\n", n, ns / 1e6);
	printf("n%llu_setup_ns_per_chunk: %.0f\n", n, (double)ns / n);

	/* mem_alloc then mem_free, one chunk each: N chunks stay kept. */
	for (i = 0; i < total; i++) {
		command(fds[OP_ALLOC], "mem_alloc", "64 alloc=kmalloc\n", &ns,
			ans, sizeof(ans));
		if (i >= warmup)
			samples[OP_ALLOC][i - warmup] = ns;
		command(fds[OP_FREE], "mem_free", "64\n", &ns, ans, sizeof(ans));
		if (strcmp(ans, "64"))
			die("mem_free 64 answered \"%s\", not 64", ans);
		if (i >= warmup)
			samples[OP_FREE][i - warmup] = ns;
	}
	/* Resizes to 32..63 bytes in turn: in place, in the 64-byte object. */
	for (i = 0; i < total; i++) {
		snprintf(line, sizeof(line), "%u\n", CHUNK / 2 + i % (CHUNK / 2));
		command(fds[OP_REALLOC], "mem_realloc", line, &ns, ans, sizeof(ans));
		if (!strcmp(ans, "0"))
			unchanged++;
		if (i >= warmup)
			samples[OP_REALLOC][i - warmup] = ns;
	}
	kept = kept_chunks();
	if (kept != n)
		die("%llu chunks kept after the timed commands, not %llu", kept, n);

	t0 = now_ns();
	command(fd_free_all, "mem_free", "\n", NULL, ans, sizeof(ans));
	ns = now_ns() - t0;
	kept = kept_chunks();
	if (kept)
		die("mem_free (everything) left %llu chunks kept", kept);

	res->n = n;
	for (op = 0; op < NR_OPS; op++) {
		res->f[op] = figures_of(samples[op], reps);
		print_figures(n, op, &res->f[op]);
	}
	printf("n%llu_realloc_unchanged: %llu\n", n, unchanged);
	printf("n%llu_free_all_ms: %.1f\n", n, ns / 1e6);
	printf("n%llu_free_all_ns_per_chunk: %.0f\n", n, (double)ns / n);
	fflush(stdout);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-k REPS] [-w WARMUP] [-c CPU] [N...]\n"
		"Time mem_alloc+mem_free of one 64-byte chunk and mem_realloc with N\n"
		"64-byte chunks kept, for each N (default: 1000 1000000); print the\n"
		"figures as key: value lines and the ratios of the last N to the first.\n"
		"  -k REPS    timed commands of each kind for each N (default 10000)\n"
		"  -w WARMUP  untimed commands before them (default 200)\n"
		"  -c CPU     run on that CPU only\n", prog);
}

static unsigned long long number(const char *s, const char *what,
				 unsigned long long min, unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min || v > max) {
		fprintf(stderr, "%s: bad %s '%s' (%llu..%llu)\n", prog, what, s,
			min, max);
		usage(stderr);
		exit(EXIT_USAGE);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long long nvals[MAX_N];
	unsigned int reps = 10000, warmup = 200, nr = 0;
	struct result res[MAX_N];
	uint64_t *samples[NR_OPS];
	int c, cpu = -1, op;
	unsigned int i;

	while ((c = getopt(argc, argv, "hk:w:c:")) != -1) {
		switch (c) {
		case 'k':
			reps = number(optarg, "REPS", 1, 100000000);
			break;
		case 'w':
			warmup = number(optarg, "WARMUP", 0, 100000000);
			break;
		case 'c':
			cpu = number(optarg, "CPU", 0, CPU_SETSIZE - 1);
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	for (; optind < argc; optind++) {
		if (nr == MAX_N) {
			fprintf(stderr, "%s: at most %d values of N\n", prog, MAX_N);
			return EXIT_USAGE;
		}
		nvals[nr++] = number(argv[optind], "N", 1, 16000000);
	}
	if (!nr) {
		nvals[nr++] = 1000;
		nvals[nr++] = 1000000;
	}
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			die("cannot run on CPU %d: %s", cpu, strerror(errno));
	}
	for (op = 0; op < NR_OPS; op++) {
		samples[op] = calloc(reps, sizeof(*samples[op]));
		if (!samples[op])
			die("out of memory");
	}
	fds[OP_ALLOC] = open_file("mem_alloc", O_RDWR);
	fds[OP_FREE] = open_file("mem_free", O_RDWR);
	fds[OP_REALLOC] = open_file("mem_realloc", O_RDWR);
	fd_rnd = open_file("mem_rnd_alloc", O_RDWR);
	fd_free_all = open_file("mem_free", O_RDWR);

	printf("reps: %u\nwarmup: %u\nchunk_bytes: %d\ncpu: %d\n", reps, warmup,
	       CHUNK, cpu);
	for (i = 0; i < nr; i++)
		measure(nvals[i], reps, warmup, &res[i], samples);

	/* The last N against the first. */
	if (nr > 1) {
		for (op = 0; op < NR_OPS; op++) {
			const struct figures *a = &res[0].f[op], *b = &res[nr - 1].f[op];

			printf("ratio_%s_mean: %.2f\n", op_names[op],
			       a->mean > 0 ? b->mean / a->mean : 0.0);
			printf("ratio_%s_p50: %.2f\n", op_names[op],
			       a->p50 ? (double)b->p50 / a->p50 : 0.0);
		}
	}
	for (op = 0; op < NR_OPS; op++) {
		close(fds[op]);
		free(samples[op]);
	}
	close(fd_rnd);
	close(fd_free_all);
	return EXIT_DONE;
}
