// SPDX-License-Identifier: GPL-2.0
/*
 * mtfuzz - throw random, malformed and mutated commands at malloc_test.
 *
 * Writes commands into every command file of /sys/kernel/debug/malloc_test/
 * and values into every module parameter, one write() each, reads each
 * answer back on the same fd, and holds every outcome against the
 * documented interface (Documentation/malloc_test.rst):
 *
 *  - A model of the documented grammar sorts each write into one of three
 *    classes.  "Malformed": every reading of the grammar refuses it (a NUL
 *    byte, a page or more, an unknown token, unit or option, an option the
 *    command does not take or given twice, a bad value of alloc=, gfp=,
 *    node=, cpu=, ctx=, free=, reserve= or avail=, a number out of place or not
 *    an unsigned decimal, too few or too many numbers, a size that
 *    overflows 64 bits in its unit, a zero size, MIN > MAX, and the
 *    refusals that follow
 *    from the command alone: gfp flags that do not go together, nofail
 *    with an allocator that cannot honour it, an atomic ctx= (timer,
 *    softirq, irqoff, nmi) with what may sleep, ctx=nmi with an
 *    allocator that takes locks (all but kmalloc_nolock and
 *    pages_nolock) or where the kernel cannot run it (before 6.18, or
 *    no x86 local APIC), node= with percpu...): the write must fail
 *    with EINVAL and change nothing.  "Well-formed": it must not be
 *    refused with EINVAL.
 *    "Uncertain": the documentation leaves room (a '+' sign, a \r or \v
 *    stripped at an end, a newline inside, a limit it does not state) or
 *    the machine decides (node 1, CPU 1, nofail past 8192 bytes): any
 *    documented outcome goes.
 *  - Some well-formed commands must be refused with ENOSPC whatever the
 *    kernel gives, as what they cost cannot fit: a test's TOTAL above
 *    max_bytes, or above max_atomic_bytes with gfp=atomic or nofail; a
 *    test when max_tests exist; a chunk, or mem_rnd_alloc's TOTAL in
 *    pieces of MIN (with alloc=cache or mempool, and the cache, and
 *    pool, of MAX's class it reserves), whose least footprint (see
 *    below) would pass the cap beside the kept chunks' footprint.  Past
 *    that the footprint the kernel gives decides: either outcome goes,
 *    but a refusal is ENOSPC (or ENOMEM) and changes nothing.
 *  - Default gfp flags: without gfp=, kernel,retry_mayfail,nowarn
 *    (alloc=percpu: kernel,noretry,nowarn; alloc=mempool: kernel,nowarn;
 *    an atomic ctx=: atomic,nowarn); a list that names no base gets the
 *    context's, and in process context retry_mayfail (percpu: noretry;
 *    mempool: none, the pool adds noretry itself) unless it names
 *    noretry, retry_mayfail or nofail.  A started test's stats must show
 *    them.  Refused too: alloc=percpu with retry_mayfail, alloc=mempool
 *    with zero or retry_mayfail, an atomic ctx='s chunk
 *    above 32768 bytes counted, alloc=vmalloc with node= unless gfp=
 *    names kernel and at most zero, free=random|fifo|lifo with a piece
 *    of MAX that counts more than TOTAL, release=rcu with pages, percpu
 *    or mempool or a MIN under 16 bytes (with cache: uncertain, the kernel
 *    decides), reserve= (1 to 1024, tests and bench only) with another
 *    allocator than mempool, a test's bulk= (1 to 512) above 1 with
 *    another allocator than cache or pages, with pages of a MAX above a
 *    page, with node=, or with cache where interrupts are off (ctx=timer,
 *    irqoff, nmi).  mem_free takes release= too.  A test's
 *    stats show reserve and from_reserve right after release: reserve 0
 *    but with alloc=mempool, then reserve= or the mempool_reserve
 *    parameter at its start; from_reserve 0 but with mempool, and at
 *    most allocations + reallocs once it is stopped; then bulk, what it
 *    asked (1 without bulk=), its slots (8 bytes a chunk of a call) in
 *    its overhead_bytes.
 *  - mem_alloc's avail= (mem_alloc's alone: any other command refuses
 *    it as an option it does not take), a size as bench's size= is: after
 *    the checks of any mem_alloc (its size, flags, node), a target below
 *    the pressure_margin parameter is refused with EINVAL, then one with
 *    gfp= naming nofail; one at or above MemAvailable keeps nothing and
 *    answers "chunks: 0", "bytes: 0", "available_before: X",
 *    "available: X", "target: T" (T as given, X at most T, near
 *    /proc/meminfo's MemAvailable), and no ENOSPC is then certain: no
 *    chunk is asked.  The fuzzer reads pressure_margin (and again after
 *    each write of it that is taken; one above 4 times the default is
 *    put back) and MemAvailable before each command, and sends only
 *    those two classes, a target below the margin or 512 MiB above
 *    MemAvailable at least (1 GiB to 16 GiB above, or near 2^64):
 *    between, the module would keep chunks until the machine is low
 *    (68-pressure.sh's), and such a command is never sent.
 *  - A test's stats end with the machine's reclaim and compaction
 *    events while it ran, vm_allocstall ... vm_oom_kill after
 *    free_p99_ns, in their order (compact_* where the kernel has
 *    compaction), each a number; vm_oom_kill 0.
 *  - Nothing it sends can hang or exhaust the guest: an accepted command
 *    stays small (max_bytes, max_atomic_bytes and max_tests are lowered
 *    for the run), no nofail allocation is bigger than 8192 bytes, a
 *    test in an atomic ctx= asks 256 KiB at most (32 KiB is the most taken), and
 *    every gfp= that may be accepted has nowarn (but vmalloc on a node,
 *    which takes no flags: 64 KiB at most), so that no failed allocation
 *    prints the kernel's report.
 *  - Whatever the class, the write returns its whole count or fails with
 *    an errno the documentation gives that file; the answer read back is
 *    empty, a number, mem_rnd_alloc's "chunks: ..." lines, or one
 *    "error: REASON" line, as the file and the outcome say.
 *  - After every write mem_used is read: its keys in their order, its
 *    sums add up, no chunk was found corrupted, max_bytes,
 *    max_atomic_bytes are ours, the kept chunks and bytes moved by
 *    exactly what the answer says (nothing for a refusal), and the
 *    footprint: charged_bytes <= max_bytes, atomic_bytes <=
 *    max_atomic_bytes, kept_charged >= kept_bytes, nothing reserved once
 *    a command returned (but while a test with bulk= above 1 may run:
 *    each call reserves its chunks' worst footprint before it), the
 *    kept chunks' footprint moved by what the
 *    chunks can cost (a mem_alloc of N bytes: from N, the least
 *    footprint of its allocator, to about twice that), tests as many as
 *    the fuzzer started.  A fuzzed max_bytes above ours may let the
 *    tests charge past ours for a moment: from then on the excess may
 *    only shrink.
 *  - bench (SPEC: "bench"): options only, "[alloc=A] size=S[UNIT]
 *    count=N [threads=T] [pattern=pair|batch|random|remote] [gfp=F,...] [cpu=N]
 *    [sample=K] [time=SEC] [bulk=B] [sheaf=N] [release=now|rcu]
 *    [reserve=N]", or the
 *    word "stop" alone.  Malformed: a
 *    number or a unit token, size= or count= missing, an option it does
 *    not take (node=, ctx=, free=) or given twice, a value that is not
 *    its kind (size: digits and one unit letter attached; count, sample,
 *    time: unsigned 64-bit decimal; threads, cpu: 32-bit), out of its
 *    range (size 1 to the allocator's largest, count 1 to 4294967295 and
 *    1048576 with pattern=batch, threads 1 to the CPUs online (an even
 *    number with pattern=remote), cpu an
 *    online CPU, sample 0 to 1000000, time 1 to 3600, bulk 1 to 512 and
 *    above 1 only with alloc=cache or pages, pattern=pair or batch, pages
 *    of a page at most, sheaf 1 to 1024 with alloc=cache: uncertain, the
 *    kernel may have no sheaves; release=rcu with kmalloc, vmalloc or
 *    kvmalloc (cache: uncertain), size 16 at least, bulk=1, not
 *    pattern=remote; reserve 1 to 1024 with alloc=mempool), gfp= as
 *    mem_alloc refuses it.  Certain ENOSPC: the run's least cost (its chunks' least
 *    footprint, one per thread or the batch, every chunk with
 *    release=rcu, and each thread's 16 KiB
 *    stack and 16 KiB task, a batch's 8-byte slots, a cache's 33 KiB,
 *    a mempool's reserve of elements of the size and its array)
 *    beside the kept chunks' footprint passes max_bytes, or its chunks
 *    pass max_atomic_bytes with gfp=atomic or nofail.  EBUSY only while a
 *    run may go, and certain within the first 0.9 s of a run that cannot
 *    end sooner (count=4294967295, time=1: the fuzzer starts one now and
 *    then, then sends the fuzzed command); EAGAIN never (no CPU goes
 *    offline).  The answer: "bench started: ..." with every setting as
 *    the model has it (the defaults, the gfp flags, a mempool's reserve,
 *    the CPUs); "stop":
 *    "stopped" or "no bench running", which of them when the model knows.
 *    Each accepted run is ended before the next write (stop, or waited
 *    for when it is short), and bench_result read: its state (done,
 *    stopped only after a stop that cut it), end, settings, every key in
 *    its documented place (bare_ops, bare_ns_per_op and vs_bare_pct
 *    included), ops = alloc_ops + free_ops, free_ops = alloc_ops, alloc_ops
 *    + errors the iterations (all of count per allocating thread, half
 *    of them with pattern=remote, when the phase ended by count), the
 *    threads' ops adding up to ops, the samples as sample=
 *    says, the percentiles in order, the bare loop as many iterations;
 *    all figures 0 while it runs.  mem_used's bench_bytes must be 0
 *    whenever no run can be going.
 *  - Every --quiet-every writes (default 1000), a quiet point: every test
 *    stopped (they free what they hold), then mem_used must add up
 *    exactly: charged_bytes = kept_charged + test_charged +
 *    tracking_bytes + overhead_bytes + bench_bytes + reserved_bytes; the
 *    allocators' *_charged sum to kept_charged + test_charged, each at
 *    least its *_bytes; the tests' own overhead_bytes at most
 *    mem_used's (exactly it with no dedicated cache); each test's stats
 *    charged 0, total_alloc = freed.  The background tests then start
 *    again.
 *  - The kernel's word: /proc/meminfo's VmallocUsed, Slab and Percpu
 *    (Slab not with --kasan: KASAN's redzones and quarantine) may rise
 *    since the start, together, by max_bytes plus a slack for the rest
 *    of the kernel's activity meanwhile (kworkers' stacks, the fuzzer's
 *    files, slab pages kept empty, per-CPU pages populated): 2 MiB + 1%
 *    of max_bytes and of those counters at the start.  The per-CPU
 *    allocator keeps pages populated once their objects are freed
 *    (its balance work depopulates them later), so Percpu's rise counts
 *    less by what per-CPU chunks were charged at most, less what they
 *    are charged now.  Checked every N
 *    writes (--meminfo-every, default 1) and at every quiet point.
 *
 * Each write on a command file is one command, so a command split over
 * several writes is several commands, each judged alone, and a write of
 * 0 bytes is no command at all.
 *
 * Timed tests run all along: three are started first and restarted when
 * a fuzzed command ends them, or a quiet point stopped them.  max_bytes
 * (8 MiB), max_atomic_bytes (1/32 of it) and max_tests (as many as the
 * fuzzer keeps, so that the next is refused) are lowered for the run;
 * every parameter is restored at the end.  The commands are a function
 * of --seed alone.
 *
 * Exit status: 0 nothing unexpected, 1 something unexpected (detailed on
 * stdout), 2 usage error, 3 the module could not be reached (or tests
 * existed already).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __maybe_unused	__attribute__((__unused__))
#define fallthrough	__attribute__((__fallthrough__))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

#define PAGE_LEN	4096		/* a command is less than a page */
#define LONG_LEN	70000		/* the longest write */
#define KMALLOC_MAX	((uint64_t)4 << 20)	/* KMALLOC_MAX_SIZE, x86-64 */
#define KVMALLOC_MAX	((uint64_t)INT_MAX)
#define PAGE_SZ		((uint64_t)4096)
#define PAGES_MAX	(PAGE_SZ << 10)		/* PAGE_SIZE << MAX_PAGE_ORDER */
#define CACHE_MAX	((uint64_t)1 << 20)
#define PERCPU_MAX	((uint64_t)32 << 10)	/* PCPU_MIN_UNIT_SIZE */
#define KMALLOC_NOLOCK_MAX	(2 * PAGE_SZ)	/* KMALLOC_MAX_CACHE_SIZE */
#define PAGES_NOLOCK_MAX	(PAGE_SZ << 3)	/* PAGE_ALLOC_COSTLY_ORDER */
#define NOFAIL_MAX	(2 * PAGE_SZ)		/* nofail above order 1 warns */
#define TIMER_MAX	(PAGE_SZ << 3)		/* ctx=timer: the most taken */
#define TIMER_SEND	((uint64_t)256 << 10)	/* ctx=timer: what we send */
#define VM_NODE_SEND	((uint64_t)64 << 10)	/* vmalloc_node(): what we send */
#define PMD_SZ		((uint64_t)2 << 20)
/* No kernel has more nodes or CPUs: beyond, they cannot exist. */
#define NODES_MAX	1024			/* 1 << NODES_SHIFT, at most */
#define CPUS_MAX	8192			/* NR_CPUS, at most (MAXSMP) */
/* Limits the module has but the documentation does not state. */
#define CHUNK_MAX	(((uint64_t)1 << 56) - 1)
#define TIME_MAX_MS	4611686018427ULL
#define ANS_LEN		1024
#define MAX_TOKS	16
#define TOK_LEN		96
#define NR_BG		3		/* background tests */
#define NR_RING		5		/* tests a fuzzed command started */
#define NR_GFP_SEEN	16		/* tests whose gfp flags are known */
#define TEST_DEBUGFS	3072		/* a test's own memory: at least this */
#define SLACK_FIXED	((uint64_t)2 << 20)	/* the kernel's own activity */
#define MAX_CUTS	4		/* a split command: up to 5 writes */
/* bench: its ranges (SPEC: "bench") */
#define BENCH_COUNT_MAX	4294967295ULL
#define BENCH_BATCH_MAX	1048576ULL
#define BENCH_SAMPLE_MAX	1000000ULL
#define BENCH_BULK_MAX		512ULL	/* bulk=: objects a call (tests too) */
#define BULK_SLOT	8		/* bulk=: a test's slot, per chunk */
#define BULK_TRACK	32		/* bulk tests the fuzzer follows */
#define BENCH_SHEAF_MAX		1024ULL	/* sheaf=: a sheaf's objects */
#define BENCH_TIME_MAX	3600ULL
/* what a bench run costs at least beside its chunks (SPEC: max_bytes) */
#define BENCH_THREAD	(16384 + 16384)	/* a thread's stack and task */
#define BENCH_SLOT	8		/* a batch's slot, per chunk */
#define BENCH_CACHE	(1024 + 32768)	/* a cache: descriptors, a slab */
#define POOL_SLOT	8		/* a mempool's array, per element */
/* a run that cannot end in 1 s: EBUSY is certain this long after it */
#define BENCH_SURE_S	0.9
#define BENCH_WAIT_S	30.0		/* the longest a short run may take */
#define BENCH_CHEAP	((uint64_t)256 << 10)	/* the largest chunk sent */
#define MAX_ONLINE	256		/* CPUs online the model follows */

enum cls { BAD, OK, MAYBE };
static const char *const cls_name[] = {
	"malformed", "well-formed", "uncertain",
};

enum {
	K_KMALLOC, K_VMALLOC, K_KVMALLOC, K_PAGES, K_CACHE, K_PERCPU,
	K_KMALLOC_NOLOCK, K_PAGES_NOLOCK, K_MEMPOOL, NR_KINDS
};
static const char *const kinds[NR_KINDS] = {
	"kmalloc", "vmalloc", "kvmalloc", "pages", "cache", "percpu",
	"kmalloc_nolock", "pages_nolock", "mempool",
};
static const uint64_t kind_max[NR_KINDS] = {
	KMALLOC_MAX, CHUNK_MAX, KVMALLOC_MAX, PAGES_MAX, CACHE_MAX, PERCPU_MAX,
	KMALLOC_NOLOCK_MAX, PAGES_NOLOCK_MAX, CACHE_MAX,
};
/* The allocators that take no lock (SPEC: "alloc=kmalloc_nolock"). */
#define NOLOCK(k)	((k) == K_KMALLOC_NOLOCK || (k) == K_PAGES_NOLOCK)
/*
 * Those of a dedicated cache of each power-of-two class (SPEC:
 * "alloc=mempool": the pools are over the caches of alloc=cache).
 */
#define CLASSED(k)	((k) == K_CACHE || (k) == K_MEMPOOL)
/* release=rcu: none for these (SPEC: "release=rcu", "alloc=mempool") */
#define NO_RCU(k)	((k) == K_PAGES || (k) == K_PERCPU || \
			 (k) == K_MEMPOOL || NOLOCK(k))

/* The options, as bits of struct target's opts and struct verdict's. */
enum {
	O_ALLOC, O_GFP, O_NODE, O_CTX, O_CPU, O_FREE,
	O_SIZE, O_COUNT, O_THREADS, O_PATTERN, O_SAMPLE, O_TIME, O_BULK,
	O_SHEAF, O_RELEASE, O_RESERVE, O_AVAIL, NR_OPTS
};
static const char *const opt_keys[NR_OPTS] = {
	"alloc", "gfp", "node", "ctx", "cpu", "free",
	"size", "count", "threads", "pattern", "sample", "time", "bulk",
	"sheaf", "release", "reserve", "avail",
};
#define OPTS_ALLOC	(1U << O_ALLOC | 1U << O_GFP | 1U << O_NODE)
#define OPTS_TEST	(OPTS_ALLOC | 1U << O_CTX | 1U << O_CPU | 1U << O_FREE | \
			 1U << O_RELEASE | 1U << O_RESERVE | 1U << O_BULK)
#define OPTS_BENCH	(1U << O_ALLOC | 1U << O_GFP | 1U << O_CPU | \
			 1U << O_SIZE | 1U << O_COUNT | 1U << O_THREADS | \
			 1U << O_PATTERN | 1U << O_SAMPLE | 1U << O_TIME | \
			 1U << O_BULK | 1U << O_SHEAF | 1U << O_RELEASE | \
			 1U << O_RESERVE)
/* reserve= and mempool_reserve: a mempool's elements (SPEC: "Options") */
#define RESERVE_MAX	1024ULL
/*
 * avail=: mem_alloc's alone (SPEC: "mem_alloc").  A target this far
 * above MemAvailable, as the fuzzer read it just before, keeps nothing:
 * what the machine frees meanwhile is far less.  Those sent are 1 GiB
 * above at least.
 */
#define AVAIL_FAR	((uint64_t)512 << 20)
#define AVAIL_SEND	((uint64_t)1 << 30)
/* available_before: MemAvailable as /proc/meminfo had it, give or take */
#define AVAIL_NEAR	((uint64_t)256 << 20)

/* gfp=: one base at most, modifiers each once (bits of gfp_mods). */
enum { G_KERNEL, G_ATOMIC, G_NOWAIT, NR_BASES };
static const char *const gfp_bases[NR_BASES] = { "kernel", "atomic", "nowait" };
enum { G_NORETRY, G_MAYFAIL, G_NOWARN, G_ZERO, G_ACCOUNT, G_NOFAIL, NR_MODS };
static const char *const gfp_mods[NR_MODS] = {
	"noretry", "retry_mayfail", "nowarn", "zero", "account", "nofail",
};
#define M(x)		(1U << (x))
#define M_RETRY		(M(G_NORETRY) | M(G_MAYFAIL))

static const char *const contexts[] = {
	"work", "timer", "softirq", "irqoff", "nmi", "bhoff",
};
/*
 * The atomic ones, contexts[1..]: bounded alike (SPEC: "ctx="); nmi
 * takes the nolock allocators alone, where the kernel can run it (kept
 * last here); bhoff alone takes vmalloc and kvmalloc, from 6.19 on
 * (SPEC: "vmalloc and kvmalloc in atomic context").
 */
static const char *const atomic_contexts[] = {
	"timer", "softirq", "irqoff", "bhoff", "nmi",
};
static const char *const policies[] = { "all", "random", "fifo", "lifo" };
static const char *const releases[] = { "now", "rcu" };
/* release=rcu: the rcu_head it writes into each chunk */
#define RCU_MIN_BYTES		16
enum { PAT_PAIR, PAT_BATCH, PAT_RANDOM, PAT_REMOTE, NR_PATTERNS };
static const char *const patterns[NR_PATTERNS] = {
	"pair", "batch", "random", "remote",
};
/* pattern=remote: what a pair of threads holds at most, its ring's 256 and one at each end */
#define REMOTE_PAIR_CHUNKS	258

/* The errnos the documentation gives, as bits. */
#define B_EINVAL	0x01
#define B_ENOENT	0x02
#define B_ENOSPC	0x04
#define B_ENOMEM	0x08
#define B_EINTR		0x10
#define B_EBUSY		0x20
static const int errnos[] = { EINVAL, ENOENT, ENOSPC, ENOMEM, EINTR, EBUSY };
static const char *const errno_names[] = {
	"EINVAL", "ENOENT", "ENOSPC", "ENOMEM", "EINTR", "EBUSY",
};

enum {
	MEM_ALLOC, MEM_FREE, MEM_REALLOC, MEM_RND, TEST_START, TEST_STOP,
	TEST_DESTROY, DESTROY_ALL, BENCH, P_CHECK, P_REALLOC_P, P_MAX_BYTES,
	P_ALLOC, P_SEED, P_MAX_ATOMIC, P_MAX_TESTS, P_RESERVE, P_MARGIN,
	NR_TARGETS
};

struct counts {
	unsigned long sent, cls[3], bad_refused, accepted, refused, noop;
	unsigned long err[ARRAY_SIZE(errnos)];
	double secs;		/* in write() and the answer's read() */
};

/*
 * One file written to: a command file (its syntax: how many numbers,
 * which are sizes, the options it takes) or a parameter.
 */
struct target {
	const char *name;
	bool param;
	unsigned char min, max, size_mask;
	unsigned int opts;	/* the options it takes, bits of O_* */
	bool wronly;		/* no answer to read back */
	unsigned int errs;	/* the errnos its refusals may carry */
	unsigned int weight;
	int fd;
	struct counts c;
};

#define CMD(n, lo, hi, sizes, o, e, w)					\
	{ .name = (n), .min = (lo), .max = (hi), .size_mask = (sizes),	\
	  .opts = (o), .errs = (e), .weight = (w) }
#define PARAM(n, w)	{ .name = (n), .param = true, .errs = B_EINVAL, \
			  .weight = (w) }

static struct target targets[NR_TARGETS] = {
	/* avail=: EINTR too, when its writer is killed (never here) */
	[MEM_ALLOC] = CMD("mem_alloc", 1, 1, 0x1, OPTS_ALLOC | 1U << O_AVAIL,
			  B_EINVAL | B_ENOSPC | B_ENOMEM | B_EINTR, 14),
	[MEM_FREE] = CMD("mem_free", 0, 1, 0x1, 1U << O_RELEASE, B_EINVAL, 10),
	[MEM_REALLOC] = CMD("mem_realloc", 1, 1, 0x1, 0,
			    B_EINVAL | B_ENOENT | B_ENOSPC | B_ENOMEM, 10),
	[MEM_RND] = CMD("mem_rnd_alloc", 3, 3, 0x7, OPTS_ALLOC,
			B_EINVAL | B_ENOSPC | B_ENOMEM | B_EINTR, 12),
	[TEST_START] = CMD("mem_test_start", 6, 6, 0x7, OPTS_TEST,
			   B_EINVAL | B_ENOSPC | B_ENOMEM, 12),
	[TEST_STOP] = CMD("mem_test_stop", 1, 1, 0, 0,
			  B_EINVAL | B_ENOENT, 8),
	[TEST_DESTROY] = CMD("mem_test_destroy", 1, 1, 0, 0,
			     B_EINVAL | B_ENOENT, 8),
	/* takes anything; write-only: no answer to read */
	[DESTROY_ALL] = { .name = "mem_test_destroy_all", .wronly = true,
			  .errs = B_EINVAL, .weight = 2 },
	/* options only, or "stop"; EAGAIN only when CPUs go offline */
	[BENCH] = CMD("bench", 0, 0, 0, OPTS_BENCH,
		      B_EINVAL | B_ENOSPC | B_ENOMEM | B_EBUSY, 3),
	[P_CHECK] = PARAM("check_content", 5),
	[P_REALLOC_P] = PARAM("realloc_p", 5),
	[P_MAX_BYTES] = PARAM("max_bytes", 5),
	[P_ALLOC] = PARAM("alloc", 4),
	[P_SEED] = PARAM("seed", 4),
	[P_MAX_ATOMIC] = PARAM("max_atomic_bytes", 3),
	[P_MAX_TESTS] = PARAM("max_tests", 3),
	[P_RESERVE] = PARAM("mempool_reserve", 3),
	[P_MARGIN] = PARAM("pressure_margin", 3),
};

/*
 * mem_used, in the order it prints its keys: the first 23 as before
 * issue 13, then those it appended.  Each allocator's figures are read
 * apart from the totals: they may disagree with them while tests
 * allocate, and are held against them at quiet points only.
 */
enum {
	U_CHUNKS, U_BYTES, U_KC, U_KB, U_TC, U_TB, U_CORR, U_MAX, U_TRACK,
	U_KIND,					/* kind k: chunks, bytes */
	U_CACHES = U_KIND + 2 * NR_KINDS, U_BENCH,
	U_CHARGED, U_KCH, U_TCH, U_OVER, U_RESV, U_MAXA, U_ATOMIC,
	U_KIND_CH,				/* kind k: charged */
	U_TESTS = U_KIND_CH + NR_KINDS, U_KILLED, U_KILLED_B, U_RCU, NR_U
};

static char used_keys[NR_U][24] = {
	"chunks", "bytes", "kept_chunks", "kept_bytes", "test_chunks",
	"test_bytes", "corruptions", "max_bytes", "tracking_bytes",
	[U_CACHES] = "caches", "bench_bytes", "charged_bytes",
	"kept_charged", "test_charged", "overhead_bytes", "reserved_bytes",
	"max_atomic_bytes", "atomic_bytes",
	[U_TESTS] = "tests", "killed_rnd_allocs", "killed_rnd_bytes",
	"rcu_pending_bytes",
};

struct used {
	long long v[NR_U];
};

/* /proc/meminfo's counters the module's spending shows in, in kB. */
enum { MI_VMALLOC, MI_SLAB, MI_PERCPU, NR_MI };
static const char *const mi_keys[NR_MI] = {
	"VmallocUsed:", "Slab:", "Percpu:",
};

/* What the model makes of a write. */
struct verdict {
	enum cls cls;
	const char *why;	/* malformed: the rule; uncertain: the doubt */
	bool parsed;		/* the numbers below are known */
	unsigned int nr;
	uint64_t val[6];	/* sizes in bytes */
	int kind;		/* the allocator it would use */
	unsigned int opts;	/* the options given, bits of O_* */
	int base;		/* gfp='s base, -1: none given */
	unsigned int mods;	/* gfp='s modifiers, bits of M() */
	uint64_t node, cpu;
	bool timer;		/* an atomic context: ctx=timer, softirq, irqoff, nmi, bhoff */
	bool nmi;		/* ctx=nmi */
	bool bhoff;		/* ctx=bhoff */
	bool irqs_off;		/* ctx=timer, irqoff or nmi: interrupts off */
	int free_pol;		/* free=: index in policies[]; 0 if not given */
	bool rcu;		/* release=rcu */
	uint64_t reserve;	/* reserve=, as given */
	int eff_base;		/* the gfp flags it allocates with */
	unsigned int eff_mods;
	bool urgent;		/* gfp=atomic or nofail: max_atomic_bytes */
	const char *nospc;	/* it must be refused with ENOSPC: why */
	bool nospc_tests;	/* because max_tests exist */
	/* bench: "stop", or a run's settings (the defaults filled in) */
	bool stop;
	uint64_t size, count, threads, sample, time, bulk, sheaf;
	int pattern;
	/*
	 * mem_alloc's avail=: its value in bytes, what the model makes of
	 * it, and whether that decides (no other refusal comes first)
	 */
	uint64_t avail;
	int av;
	bool av_decides;
};

/*
 * What a write does with avail=: nothing (AV_NONE); given to a command
 * that does not take it (AV_ELSEWHERE), or with a value that is no size
 * (AV_BAD_VALUE): the parser's refusal; a size (AV_GIVEN), then, when
 * the command's other checks leave it to the target: below
 * pressure_margin (AV_LOW) or with gfp=nofail (AV_NOFAIL), refused; far
 * above MemAvailable (AV_FAR), nothing kept; or between (AV_RISKY),
 * which would take the machine's memory: never sent.
 */
enum {
	AV_NONE, AV_ELSEWHERE, AV_BAD_VALUE, AV_GIVEN, AV_LOW, AV_NOFAIL,
	AV_FAR, AV_RISKY, NR_AV
};
static const char *const av_names[NR_AV] = {
	"none", "elsewhere", "bad_value", "given", "below", "nofail",
	"above", "risky",
};

/* A bench run's settings, as bench_result must show them. */
struct bench_run {
	bool known;		/* the model parsed what started it */
	int kind, pattern;
	uint64_t size, count, threads, sample, time, bulk, sheaf;
	bool rcu;		/* release=rcu */
	uint64_t reserve;	/* the mempool's elements; 0: not mempool */
	char gfp[96];
	unsigned int cpu[MAX_ONLINE];	/* each thread's, in order */
	bool cpus_known;
};

/* Where the bench stands, as far as the fuzzer can know. */
enum {
	B_IDLE,		/* no run can be going */
	B_MAYBE,	/* a run may go, or may have ended */
	B_SURE,		/* a run that cannot end before bench_t0 + 1 s */
};

/* A command as generated: its bytes, cut into writes. */
struct cmd {
	size_t len;
	size_t cut[MAX_CUTS];	/* ends of all writes but the last */
	unsigned int ncut;
	bool want_bad;		/* built to be malformed */
	const char *gen;
};

/* A valid command, in parts, for generators to bend. */
struct base {
	unsigned int nr;
	char num[6][24];
	char unit[4];
	unsigned int nopt;
	char opt[12][72];
};

struct toks {
	unsigned int n;
	char t[MAX_TOKS][TOK_LEN];
};

static struct {
	uint64_t rng;
	unsigned long long seed, count;
	const char *dir, *pdir;
	uint64_t max_bytes;		/* ours, for the run */
	uint64_t max_atomic;		/* max_atomic_bytes, ours */
	uint64_t max_tests;		/* max_tests, ours */
	int default_kind;
	unsigned int ncpus;		/* possible CPUs; 0: not known */
	/* the CPUs online, ascending; 0 of them: not known */
	unsigned int online[MAX_ONLINE], nonline;
	unsigned int kept_kinds;	/* allocators kept chunks may be of */
	int used_fd, mi_fd;
	struct used prev;		/* mem_used after the last write */
	struct used first;		/* mem_used at the start */
	long long corr0;
	/* charged past a cap after a fuzzed one let it: may only shrink */
	long long over, over_atomic;
	unsigned long cap_excess;	/* writes after which it was so */
	long long charged_max, atomic_max;
	/* predicted ENOSPC: commands, of them refused so */
	unsigned long nospc, nospc_ok, nospc_tests;
	/* the kernel's counters: at the start, the largest rise (kB) */
	long long mi0[NR_MI], mi_rise[NR_MI], mi_rise_sum;
	long long percpu_hi;		/* the most percpu_charged seen */
	uint64_t slack;			/* bytes over max_bytes they may rise */
	unsigned long mi_checks, quiet, stats_checked;
	unsigned int meminfo_every, quiet_every;
	bool kasan;
	bool nolock;		/* the kernel has the nolock allocators (6.18) */
	bool vmalloc_nowait;	/* vmalloc() takes atomic flags (6.19) */
	int nmi;		/* ctx=nmi can run: 1 yes, 0 no, -1 not known */
	uint64_t mempool_reserve;	/* the parameter; 0: not known */
	uint64_t margin;		/* pressure_margin; 0: not known */
	uint64_t margin0;		/* and as it was at the start */
	uint64_t mem_avail;		/* MemAvailable before this command */
	/*
	 * mem_alloc writes of each class of avail=, refused (or for AV_FAR
	 * accepted keeping nothing) as the model says; not sent as risky
	 */
	unsigned long av_sent[NR_AV], av_ok[NR_AV], av_filtered;
	/*
	 * what the tests we started must show: their gfp flags, their
	 * reserve (-1: not known), their bulk
	 */
	struct {
		unsigned int id;
		char gfp[96];
		long long reserve;
		uint64_t bulk;
	} gfp_seen[NR_GFP_SEEN];
	unsigned int gfp_next;
	/*
	 * the tests that may be in a bulk call, whose reserve reserved_bytes
	 * shows meanwhile: their ids, and when they end at the latest;
	 * bulk_lost: more of them than followed, until the next quiet point
	 */
	struct {
		unsigned int id;
		double until;
	} bulk[BULK_TRACK];
	unsigned int nr_bulk;
	bool bulk_lost;
	unsigned long bulk_started;	/* accepted tests with bulk= above 1 */
	unsigned long nmi_started;	/* accepted tests with ctx=nmi */
	char saved[NR_TARGETS][64];	/* the parameters as they were */
	bool saved_ok;
	unsigned int bg[NR_BG];
	unsigned int ring[NR_RING], nr_ring;
	unsigned int last_id;
	/* the bench: where it stands, the run started last, counts */
	int bres_fd;
	int bench_st;
	double bench_t0;		/* before the long run's start */
	bool bench_ever;		/* a run was started since the load */
	bool bench_probe;		/* the next start is the long run */
	struct bench_run brun;
	int bench_last;			/* the state the last run ended in */
	unsigned int bench_last_ends;	/* and why its phase may have ended */
	unsigned long bench_started, bench_probes, bench_busy;
	unsigned long bench_busy_sure, bench_stop_sure, bench_stops;
	unsigned long bench_waited, bench_results, bench_done, bench_cut;
	double bench_secs;		/* in bench's writes and waits, all */
	unsigned long bg_restarts, tests_seen, hk;
	/* accepted commands that gave each option; of each allocator */
	unsigned long with_opt[NR_OPTS], with_kind[NR_KINDS];
	unsigned long long bg_allocs;
	unsigned long unexpected, selfcheck, splits, problems;
	bool flagged;			/* this write is unexpected already */
	unsigned int details;
	struct counts c;
	uint64_t hash;
	unsigned long long index;
	bool hk_mode;
	bool trace;
	const char *gen;
	unsigned char buf[LONG_LEN + 64];
} g = {
	.dir = "/sys/kernel/debug/malloc_test",
	.pdir = "/sys/module/malloc_test/parameters",
	.count = 100000,
	.max_bytes = 8ULL << 20,
	.max_tests = NR_BG + NR_RING,
	.default_kind = K_KVMALLOC,
	.details = 10,
	.used_fd = -1,
	.mi_fd = -1,
	.bres_fd = -1,
	.meminfo_every = 1,
	.quiet_every = 1000,
};

/* ---- randomness ---------------------------------------------------- */

/* splitmix64: small, and the same sequence everywhere for a seed. */
static uint64_t rnd(void)
{
	uint64_t z = (g.rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n). */
static uint64_t rndn(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* A number in [lo, hi]. */
static uint64_t rndr(uint64_t lo, uint64_t hi)
{
	return lo + rndn(hi - lo + 1);
}

#define PICK(a)		((a)[rndn(ARRAY_SIZE(a))])

/* ---- reporting ----------------------------------------------------- */

/* @b as a C string literal's contents, cut to fit @out. */
static void escape(const unsigned char *b, size_t len, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 8 < size; i++) {
		unsigned char ch = b[i];

		if (ch == '\n')
			o += snprintf(out + o, size - o, "\\n");
		else if (ch == '\t')
			o += snprintf(out + o, size - o, "\\t");
		else if (ch == '\\' || ch == '\'')
			o += snprintf(out + o, size - o, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			o += snprintf(out + o, size - o, "\\x%02x", ch);
		else
			out[o++] = ch;
	}
	if (i < len)
		o += snprintf(out + o, size - o, "...");
	out[o] = '\0';
}

static const char *err_name(int err)
{
	static char buf[24];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i] == err)
			return errno_names[i];
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/* One unexpected outcome: counted, and told for the first few. */
__printf(4, 5)
static void unexpected(const struct target *t, const unsigned char *b,
		       size_t len, const char *fmt, ...)
{
	char msg[600], cmd[200];
	va_list ap;

	if (!g.flagged)
		g.unexpected++;
	g.flagged = true;
	if (++g.problems > g.details)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	escape(b, len, cmd, len > 60 ? 100 : sizeof(cmd));
	printf("mtfuzz: UNEXPECTED #%lu, write %llu (%s, %s%s): %s; wrote %zu bytes: '%s'\n",
	       g.unexpected, g.index, t->name, g.hk_mode ? "housekeeping" :
	       "generator ", g.hk_mode ? "" : g.gen, msg, len, cmd);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- files --------------------------------------------------------- */

static int open_in(const char *dir, const char *name, int flags)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, flags | O_CLOEXEC);
}

/* Read a small file (or a parameter) at offset 0 into @buf. */
static ssize_t pread_str(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* The keys of each allocator's lines, from kinds[]. */
static void init_used_keys(void)
{
	unsigned int k;

	for (k = 0; k < NR_KINDS; k++) {
		snprintf(used_keys[U_KIND + 2 * k], sizeof(used_keys[0]),
			 "%s_chunks", kinds[k]);
		snprintf(used_keys[U_KIND + 2 * k + 1], sizeof(used_keys[0]),
			 "%s_bytes", kinds[k]);
		snprintf(used_keys[U_KIND_CH + k], sizeof(used_keys[0]),
			 "%s_charged", kinds[k]);
	}
}

/* A decimal figure, maybe negative, alone.  Return: false if not. */
static bool dec_ll(const char *s, long long *v)
{
	const char *p = *s == '-' ? s + 1 : s;
	char *end;

	if (!*p || strspn(p, "0123456789") != strlen(p))
		return false;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return !errno && !*end;
}

/*
 * mem_used: every key in its place, each a number.  Return: NULL, or
 * what is wrong.
 */
static const char *read_used(struct used *u)
{
	static char why[160];
	char buf[4096], *line, *next, *colon;
	unsigned int i = 0;

	if (pread_str(g.used_fd, buf, sizeof(buf)) <= 0)
		return "it cannot be read";
	for (line = buf; *line; line = next, i++) {
		next = strchr(line, '\n');
		if (!next)
			return "a line without its newline";
		*next++ = '\0';
		colon = strstr(line, ": ");
		if (colon)
			*colon = '\0';
		if (i == NR_U || !colon || strcmp(line, used_keys[i])) {
			snprintf(why, sizeof(why), "line %u is '%.40s', not '%s: N'",
				 i + 1, line, i < NR_U ? used_keys[i] : "(none)");
			return why;
		}
		if (!dec_ll(colon + 2, &u->v[i])) {
			snprintf(why, sizeof(why), "%.40s is '%.40s'", line,
				 colon + 2);
			return why;
		}
	}
	if (i != NR_U) {
		snprintf(why, sizeof(why), "%u lines, not %u", i, NR_U);
		return why;
	}
	return NULL;
}

/* /proc/meminfo's counters, kB.  Return: 0, or -1 when one is missing. */
static int read_meminfo(long long mi[NR_MI])
{
	char buf[8192], *p;
	unsigned int i;

	if (pread_str(g.mi_fd, buf, sizeof(buf)) <= 0)
		return -1;
	for (i = 0; i < NR_MI; i++) {
		p = strstr(buf, mi_keys[i]);
		if (!p || (p != buf && p[-1] != '\n'))
			return -1;
		mi[i] = strtoll(p + strlen(mi_keys[i]), NULL, 10);
	}
	return 0;
}

/* /proc/meminfo's MemAvailable, in bytes.  Return: it, or 0 if none. */
static uint64_t read_mem_avail(void)
{
	char buf[8192], *p;

	if (pread_str(g.mi_fd, buf, sizeof(buf)) <= 0)
		return 0;
	p = strstr(buf, "\nMemAvailable:");
	return p ? strtoull(p + 14, NULL, 10) * 1024 : 0;
}

/* The value of parameter @t, newline dropped. */
static int read_param(const struct target *t, char *buf, size_t size)
{
	if (pread_str(t->fd, buf, size) <= 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* A test's stats: its "key: value" lines, in order. */
#define STATS_LINES	64
struct stats {
	unsigned int n;
	char key[STATS_LINES][24];
	char val[STATS_LINES][96];
};

/* Read tests/@id/stats.  Return: 0, or -1 when it is gone (or empty). */
static int read_stats(unsigned int id, struct stats *st)
{
	char path[64], buf[4096], *line, *next, *colon;
	int fd;

	st->n = 0;
	snprintf(path, sizeof(path), "tests/%u/stats", id);
	fd = open_in(g.dir, path, O_RDONLY);
	if (fd < 0)
		return -1;
	pread_str(fd, buf, sizeof(buf));
	close(fd);
	for (line = buf; *line && st->n < STATS_LINES; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		colon = strstr(line, ": ");
		if (!colon)
			continue;
		*colon = '\0';
		snprintf(st->key[st->n], sizeof(st->key[0]), "%.23s", line);
		snprintf(st->val[st->n], sizeof(st->val[0]), "%.95s", colon + 2);
		st->n++;
	}
	return st->n ? 0 : -1;
}

/* The line of @key: its index, or -1. */
static int stat_at(const struct stats *st, const char *key)
{
	unsigned int i;

	for (i = 0; i < st->n; i++)
		if (!strcmp(st->key[i], key))
			return (int)i;
	return -1;
}

/* The number of @key.  Return: false when there is none. */
static bool stat_num(const struct stats *st, const char *key, long long *v)
{
	int i = stat_at(st, key);

	return i >= 0 && dec_ll(st->val[i], v);
}

/* The state of test @id ("running", ...), "" when it is gone. */
static void test_state(unsigned int id, char *state, size_t size,
		       unsigned long long *allocs)
{
	struct stats st;
	long long a = 0;
	int i;

	*state = '\0';
	*allocs = 0;
	if (read_stats(id, &st))
		return;
	i = stat_at(&st, "state");
	if (i >= 0)
		snprintf(state, size, "%s", st.val[i]);
	if (stat_num(&st, "allocations", &a) && a > 0)
		*allocs = (unsigned long long)a;
}

/* ---- the model of the grammar -------------------------------------- */

/* The kernel's isspace(): what strim() strips at both ends. */
static bool kspace(unsigned char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r') || ch == 0xa0;
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* Decimal digits to @v.  Return: false when it passes 64 bits. */
static bool dec_u64(const char *s, uint64_t *v)
{
	uint64_t n = 0;

	for (; *s; s++) {
		if (n > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*v = n;
	return true;
}

static void set_bad(struct verdict *v, const char *why)
{
	if (v->cls != BAD) {
		v->cls = BAD;
		v->why = why;
	}
}

static void set_maybe(struct verdict *v, const char *why)
{
	if (v->cls == OK) {
		v->cls = MAYBE;
		v->why = why;
	}
}

/* @word's index in @list of @n, or -1. */
static int index_of(const char *word, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(word, list[i]))
			return (int)i;
	return -1;
}

static int kind_of(const char *name)
{
	return index_of(name, kinds, ARRAY_SIZE(kinds));
}

/* PAGE_SIZE << get_order(@size): what a chunk of alloc=pages counts. */
static uint64_t pages_bytes(uint64_t size)
{
	uint64_t b = PAGE_SZ;

	while (b < size && b <= PAGES_MAX)
		b <<= 1;
	return b;
}

/* The bytes a chunk of @size counts: pages whole, percpu on every CPU. */
static uint64_t counted(int kind, uint64_t size)
{
	if (kind == K_PAGES || kind == K_PAGES_NOLOCK)
		return pages_bytes(size);
	if (kind == K_PERCPU)
		return size * g.ncpus;
	return size;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

static uint64_t page_align(uint64_t b)
{
	return sat_add(b, PAGE_SZ - 1) & ~(PAGE_SZ - 1);
}

static uint64_t pow2_up(uint64_t b)
{
	uint64_t p = 1;

	while (p < b && p < ((uint64_t)1 << 63))
		p <<= 1;
	return p;
}

/*
 * The footprint of a chunk that counts @b bytes (counted()), as the
 * documentation says the cap counts it: kmalloc the slab object's size
 * class (ksize()), cache and mempool its power-of-two class (a mempool's
 * element is an object of the class's cache; its reserve is overhead, not
 * the chunk's), vmalloc its whole pages,
 * their array, the area's two descriptors and 8 bytes of page table a
 * page (and the guard page's), kvmalloc the one or the other (its
 * vmalloc rounded to 2 MiB from 2 MiB up), pages the pages, percpu the
 * size on each CPU aligned to 8.  The oracle does not know each slab
 * class nor the descriptors' sizes: fp_lo() is the least it can be,
 * fp_hi() the most.
 */
static uint64_t fp_lo(int kind, uint64_t b)
{
	switch (kind) {
	case K_KMALLOC:
	case K_KVMALLOC:
	case K_KMALLOC_NOLOCK:
		return b > 8 ? b : 8;
	case K_CACHE:
	case K_MEMPOOL:
		return pow2_up(b);
	case K_VMALLOC:
		return sat_add(page_align(b), (page_align(b) / PAGE_SZ + 1) * 8);
	default:
		return b;
	}
}

static uint64_t fp_vm_hi(uint64_t b)
{
	uint64_t pages = page_align(b) / PAGE_SZ;

	/* the array: kmalloc'd (its class: twice), or vmalloc'd */
	return sat_add(page_align(b), pages * 24 + PAGE_SZ + 2048);
}

static uint64_t fp_hi(int kind, uint64_t b)
{
	uint64_t k = sat_mul(b > 8 ? b : 8, 2), v;

	switch (kind) {
	case K_KMALLOC:
	case K_KMALLOC_NOLOCK:
		return k;
	case K_CACHE:
	case K_MEMPOOL:
		return pow2_up(b) > 64 ? pow2_up(b) : 64;
	case K_VMALLOC:
		return fp_vm_hi(b);
	case K_KVMALLOC:
		v = fp_vm_hi(b >= PMD_SZ ? sat_add(b, PMD_SZ - 1) & ~(PMD_SZ - 1) :
			      b);
		return k > v ? k : v;
	case K_PERCPU:
		return sat_add(b, 8ULL * (g.ncpus ? g.ncpus : CPUS_MAX));
	default:
		return b;
	}
}

/*
 * node=, cpu=, threads=: kstrtouint(), decimal.  Return: false when it is
 * not one (malformed); a '+' sign leaves it uncertain.
 */
static bool model_uint(const char *s, struct verdict *v, uint64_t *out)
{
	if (*s == '+') {
		set_maybe(v, "a '+' sign in node=, cpu= or threads=");
		s++;
	}
	if (!all_digits(s) || !dec_u64(s, out) || *out > UINT32_MAX) {
		set_bad(v, "node=, cpu= or threads= not an unsigned 32-bit decimal");
		return false;
	}
	return true;
}

/*
 * bench's count=, sample=, time=: an unsigned decimal of 64 bits, held
 * to its range afterwards.  Return: false when it is not one.
 */
static bool model_u64(const char *s, struct verdict *v, uint64_t *out)
{
	if (*s == '+') {
		set_maybe(v, "a '+' sign in count=, sample= or time=");
		s++;
	}
	if (!all_digits(s) || !dec_u64(s, out)) {
		set_bad(v, "count=, sample= or time= not an unsigned 64-bit decimal");
		return false;
	}
	return true;
}

static int unit_shift(const char *tok);

/*
 * bench's size=, mem_alloc's avail=: an unsigned decimal, then maybe one
 * unit letter attached ("64", "4k", "1M"), in bytes.  Return: false when
 * it is not one, or passes 64 bits in its unit.
 */
static bool model_size(const char *s, struct verdict *v, uint64_t *out)
{
	char num[PAGE_LEN];
	size_t n;
	int shift = 0;

	if (*s == '+') {
		set_maybe(v, "a '+' sign in size= or avail=");
		s++;
	}
	n = strlen(s);
	if (n > 1 && unit_shift(s + n - 1) >= 0)
		shift = unit_shift(s + --n);
	if (n >= sizeof(num))
		n = sizeof(num) - 1;
	memcpy(num, s, n);
	num[n] = '\0';
	if (!all_digits(num) || !dec_u64(num, out)) {
		set_bad(v, "size= or avail= not an unsigned decimal with a unit letter");
		return false;
	}
	if (*out > (UINT64_MAX >> shift)) {
		set_bad(v, "size= or avail= past 64 bits in its unit");
		return false;
	}
	*out <<= shift;
	return true;
}

/* gfp=: a comma list, one base at most, each modifier once. */
static bool model_gfp(const char *s, struct verdict *v)
{
	char tok[TOK_LEN];
	size_t n;
	int b, m;

	v->base = -1;
	v->mods = 0;
	for (;; s += n + 1) {
		n = strcspn(s, ",");
		b = m = -1;
		if (n < sizeof(tok)) {
			memcpy(tok, s, n);
			tok[n] = '\0';
			b = index_of(tok, gfp_bases, NR_BASES);
			m = index_of(tok, gfp_mods, NR_MODS);
		}
		if (b < 0 && m < 0) {
			set_bad(v, "an unknown or empty gfp flag");
			return false;
		}
		if (b >= 0 && v->base >= 0) {
			set_bad(v, "two gfp bases");
			return false;
		}
		if (m >= 0 && (v->mods & M(m))) {
			set_bad(v, "a gfp modifier twice");
			return false;
		}
		if (b >= 0)
			v->base = b;
		else
			v->mods |= M(m);
		if (!s[n])
			return true;
	}
}

/* KEY=VALUE.  Return: false when it makes the command malformed. */
static bool model_option(const struct target *t, const char *tok,
			 struct verdict *v)
{
	const char *eq = strchr(tok, '='), *val = eq + 1;
	char key[TOK_LEN];
	int o;

	snprintf(key, sizeof(key), "%.*s", (int)(eq - tok), tok);
	o = index_of(key, opt_keys, NR_OPTS);
	if (o < 0 || !(t->opts & (1U << o))) {
		if (o == O_AVAIL)
			v->av = AV_ELSEWHERE;
		set_bad(v, "an unknown option, or one the command does not take");
		return false;
	}
	if (v->opts & (1U << o)) {
		set_bad(v, "an option given twice");
		return false;
	}
	v->opts |= 1U << o;
	switch (o) {
	case O_ALLOC:
		v->kind = kind_of(val);
		if (v->kind < 0) {
			set_bad(v, "an unknown allocator");
			return false;
		}
		return true;
	case O_GFP:
		return model_gfp(val, v);
	case O_NODE:
		return model_uint(val, v, &v->node);
	case O_CPU:
		return model_uint(val, v, &v->cpu);
	case O_CTX:
		if (index_of(val, contexts, ARRAY_SIZE(contexts)) < 0) {
			set_bad(v, "an unknown context");
			return false;
		}
		v->timer = strcmp(val, "work") != 0;
		v->nmi = !strcmp(val, "nmi");
		v->bhoff = !strcmp(val, "bhoff");
		v->irqs_off = !strcmp(val, "timer") || !strcmp(val, "irqoff") ||
			      v->nmi;
		return true;
	case O_FREE:
		v->free_pol = index_of(val, policies, ARRAY_SIZE(policies));
		if (v->free_pol < 0) {
			set_bad(v, "an unknown free policy");
			return false;
		}
		return true;
	case O_RELEASE:
		o = index_of(val, releases, ARRAY_SIZE(releases));
		if (o < 0) {
			set_bad(v, "an unknown release");
			return false;
		}
		v->rcu = o == 1;
		return true;
	case O_SIZE:
		return model_size(val, v, &v->size);
	case O_AVAIL:
		/* a size; what it asks is judged once the command is known */
		v->av = AV_BAD_VALUE;
		if (!model_size(val, v, &v->avail))
			return false;
		v->av = AV_GIVEN;
		return true;
	case O_COUNT:
		return model_u64(val, v, &v->count);
	case O_THREADS:
		return model_uint(val, v, &v->threads);
	case O_SAMPLE:
		return model_u64(val, v, &v->sample);
	case O_TIME:
		return model_u64(val, v, &v->time);
	case O_BULK:
		return model_u64(val, v, &v->bulk);
	case O_SHEAF:
		return model_u64(val, v, &v->sheaf);
	case O_RESERVE:
		/* a number, held to its range by the parser (SPEC: "Options") */
		if (!model_u64(val, v, &v->reserve))
			return false;
		if (!v->reserve || v->reserve > RESERVE_MAX) {
			set_bad(v, "reserve= out of 1..1024");
			return false;
		}
		return true;
	default:
		v->pattern = index_of(val, patterns, NR_PATTERNS);
		if (v->pattern < 0) {
			set_bad(v, "an unknown pattern");
			return false;
		}
		return true;
	}
}

static int unit_shift(const char *tok)
{
	static const char units[] = "bBkKmMgG";
	const char *p = tok[0] ? strchr(units, tok[0]) : NULL;

	if (!p || tok[1])
		return -1;
	return (int)((p - units) / 2) * 10;
}

/*
 * Take one token of a command.  Return: false when it makes the command
 * malformed (@v says why).
 */
static bool model_token(const struct target *t, const char *tok,
			struct verdict *v, int *shift, bool *seen_opt)
{
	const char *p;

	if (strchr(tok, '=')) {
		*seen_opt = true;
		return model_option(t, tok, v);
	}
	if ((tok[0] >= '0' && tok[0] <= '9') || tok[0] == '+' ||
	    tok[0] == '-') {
		if (*shift >= 0 || *seen_opt) {
			set_bad(v, "a number after the unit or an option");
			return false;
		}
		if (v->nr == t->max) {
			set_bad(v, "too many numbers");
			return false;
		}
		p = tok;
		if (*p == '+') {
			set_maybe(v, "a '+' sign (decimal is unsigned)");
			p++;
		}
		if (!all_digits(p)) {
			set_bad(v, "a number that is not unsigned decimal");
			return false;
		}
		if (!dec_u64(p, &v->val[v->nr])) {
			set_bad(v, "a number past 64 bits");
			return false;
		}
		v->nr++;
		return true;
	}
	if (unit_shift(tok) >= 0) {
		if (!t->size_mask || *shift >= 0 || *seen_opt || !v->nr) {
			set_bad(v, "a unit out of place");
			return false;
		}
		*shift = unit_shift(tok);
		return true;
	}
	set_bad(v, "an unknown token");
	return false;
}

/*
 * The gfp flags a command allocates with (SPEC: "Default GFP flags").
 * Without gfp=: nowarn, with the context's base and, in process context,
 * the retry modifier that fails rather than kills: retry_mayfail, or
 * noretry for alloc=percpu, whose allocator drops retry_mayfail, and none
 * for alloc=mempool, whose mempool_alloc() adds noretry itself (SPEC:
 * "alloc=mempool": kernel,nowarn).  A list that names a base is taken as
 * it is; one that names none gets the context's base and, in process
 * context, that retry modifier unless it names noretry, retry_mayfail or
 * nofail.
 */
static void eff_gfp(struct verdict *v)
{
	bool given = v->opts & (1U << O_GFP);

	v->eff_base = v->base;
	v->eff_mods = given ? v->mods : M(G_NOWARN);
	if (given && v->base >= 0)
		return;
	v->eff_base = v->timer ? G_ATOMIC : G_KERNEL;
	if (!v->timer && !(v->eff_mods & (M_RETRY | M(G_NOFAIL))) &&
	    v->kind != K_MEMPOOL)
		v->eff_mods |= v->kind == K_PERCPU ? M(G_NORETRY) : M(G_MAYFAIL);
}

/* The flags as a test's stats spell them: base first, in their order. */
static void gfp_string(const struct verdict *v, char *buf, size_t size)
{
	size_t n = snprintf(buf, size, "%s", gfp_bases[v->eff_base]);
	unsigned int i;

	for (i = 0; i < NR_MODS; i++)
		if (v->eff_mods & M(i))
			n += snprintf(buf + n, size - n, ",%s", gfp_mods[i]);
}

/*
 * The elements each mempool of a test or a bench keeps (SPEC:
 * "alloc=mempool"): reserve= when given, else the mempool_reserve
 * parameter when it starts; 0 but with alloc=mempool, or when the
 * parameter is not known.
 */
static uint64_t want_reserve(const struct verdict *v)
{
	if (v->kind != K_MEMPOOL)
		return 0;
	return v->opts & (1U << O_RESERVE) ? v->reserve : g.mempool_reserve;
}

/*
 * The refusals that follow from the options, after the sizes' (SPEC:
 * "Semantic refusals"): those the command alone decides make it
 * malformed, those the machine decides (a node or CPU other than 0, the
 * page size, the possible CPUs) uncertain.  @size: the chunk's size
 * (MAX); @total: 0 for mem_alloc.
 */
static void model_semantic(const struct target *t, struct verdict *v,
			   uint64_t size, uint64_t total)
{
	bool test = t - targets == TEST_START;
	unsigned int mods;
	int base, k = v->kind;

	eff_gfp(v);
	base = v->eff_base;
	mods = v->eff_mods;
	/* the nolock allocators take no flag that uses the reserves */
	v->urgent = !NOLOCK(k) && (base == G_ATOMIC || (mods & M(G_NOFAIL)));
	if (NOLOCK(k) && !g.nolock)
		set_bad(v, "a nolock allocator on a kernel before 6.18");
	if ((mods & M_RETRY) && base != G_KERNEL)
		set_bad(v, "noretry or retry_mayfail without gfp=kernel");
	if ((mods & M_RETRY) == M_RETRY)
		set_bad(v, "noretry and retry_mayfail");
	if (k == K_PERCPU && (mods & M(G_MAYFAIL)))
		set_bad(v, "alloc=percpu with retry_mayfail");
	/* mempool_alloc() takes no __GFP_ZERO, and asks with noretry */
	if (k == K_MEMPOOL && (mods & M(G_ZERO)))
		set_bad(v, "alloc=mempool with zero");
	if (k == K_MEMPOOL && (mods & M(G_MAYFAIL)))
		set_bad(v, "alloc=mempool with retry_mayfail");
	if (mods & M(G_NOFAIL)) {
		if (base != G_KERNEL || (mods & M_RETRY))
			set_bad(v, "nofail without gfp=kernel or with a retry modifier");
		if (k == K_VMALLOC || k == K_KVMALLOC || k == K_PERCPU ||
		    k == K_MEMPOOL || NOLOCK(k))
			set_bad(v, "nofail with vmalloc, kvmalloc, percpu, mempool or a nolock allocator");
		if (size > NOFAIL_MAX)
			set_maybe(v, "nofail past 8192 bytes (the page size decides)");
	}
	if (test && v->nmi) {
		/* an NMI the module raises; an allocator that takes no lock */
		if (!g.nmi)
			set_bad(v, "ctx=nmi where the kernel cannot: before 6.18, or no x86 local APIC");
		else if (g.nmi < 0)
			set_maybe(v, "ctx=nmi, whether the machine can is not known");
		if (!NOLOCK(k))
			set_bad(v, "ctx=nmi with an allocator that takes locks");
	}
	if (test && v->timer) {
		if ((k == K_VMALLOC || k == K_KVMALLOC) &&
		    !(v->bhoff && g.vmalloc_nowait))
			set_bad(v, "ctx=timer with vmalloc or kvmalloc");
		if (base == G_KERNEL)
			set_bad(v, "ctx=timer with gfp=kernel");
		if (mods & M(G_ACCOUNT))
			set_bad(v, "ctx=timer with gfp=account");
		if (k == K_PERCPU && !g.ncpus)
			set_maybe(v, "a ctx=timer percpu chunk, CPUs unknown");
		else if (counted(k, size) > TIMER_MAX)
			set_bad(v, "a ctx=timer chunk above 32768 bytes counted");
	}
	if (v->opts & (1U << O_NODE)) {
		if (v->node >= NODES_MAX)
			set_bad(v, "a node past any kernel's MAX_NUMNODES");
		else if (v->node)
			set_maybe(v, "a node other than 0: the machine decides");
		if (k == K_PERCPU)
			set_bad(v, "node= with percpu");
		if (k == K_MEMPOOL)
			set_bad(v, "node= with mempool (mempool_alloc() has no node)");
		/* gfp= must name kernel, and zero at most, itself */
		if (k == K_VMALLOC && (!(v->opts & (1U << O_GFP)) ||
				       v->base != G_KERNEL ||
				       (v->mods & ~M(G_ZERO))))
			set_bad(v, "node= with vmalloc, but not gfp=kernel or kernel,zero");
	}
	if (test && (v->opts & (1U << O_CPU))) {
		if (v->cpu >= CPUS_MAX)
			set_bad(v, "a CPU past any kernel's NR_CPUS");
		else if (v->cpu)
			set_maybe(v, "a CPU other than 0: the machine decides");
	}
	if (total && (k == K_PAGES || k == K_PAGES_NOLOCK) && total < PAGE_SZ)
		set_bad(v, "a total below one page with alloc=pages");
	/* the elements of a test's or a bench's mempools */
	if ((v->opts & (1U << O_RESERVE)) && k != K_MEMPOOL)
		set_bad(v, "reserve= with another allocator than mempool");
	if (total && k == K_PERCPU && total < (g.ncpus ? g.ncpus : CPUS_MAX)) {
		if (g.ncpus)
			set_bad(v, "a total below a byte per possible CPU with alloc=percpu");
		else
			set_maybe(v, "a total below a byte per CPU, maybe, with alloc=percpu");
	}
}

/*
 * What cannot fit, whatever the kernel gives (SPEC: "The cap counts
 * footprint"): a refusal with ENOSPC is then certain.  What is charged
 * now is at least the kept chunks' footprint (only our commands change
 * it); a chunk costs at least fp_lo(); mem_rnd_alloc reserves the worst
 * case of TOTAL in pieces of MIN..MAX, at least what TOTAL costs in
 * pieces of MIN alone, and at least TOTAL; with alloc=cache or mempool,
 * against max_bytes, a cache of each class up to MAX's whether it exists
 * or not (at least MAX's: 33 KiB), and with mempool a pool of each, of
 * mempool_reserve elements (at least MAX's class's, and their array); a
 * test's TOTAL is held against the caps as it is, and at most max_tests
 * tests exist.
 */
static void model_nospc(const struct target *t, struct verdict *v)
{
	uint64_t *a = v->val, cap = g.max_bytes, least, cb, own = 0;
	uint64_t kept = g.prev.v[U_KCH] > 0 ? (uint64_t)g.prev.v[U_KCH] : 0;
	int k = v->kind;

	if (v->cls == BAD || (k == K_PERCPU && !g.ncpus))
		return;
	switch (t - targets) {
	case MEM_ALLOC:
		least = fp_lo(k, counted(k, a[0]));
		break;
	case MEM_RND:
		cb = counted(k, a[0]);
		least = sat_mul(a[2] / cb, fp_lo(k, cb));
		if (least < a[2])
			least = a[2];
		if (CLASSED(k))
			own = BENCH_CACHE;
		if (k == K_MEMPOOL)
			own = sat_add(own, sat_mul(g.mempool_reserve,
						   pow2_up(a[1]) + POOL_SLOT));
		break;
	case TEST_START:
		if (a[2] > cap)
			v->nospc = "a test's TOTAL above max_bytes";
		else if (v->urgent && a[2] > g.max_atomic)
			v->nospc = "a test's TOTAL above max_atomic_bytes, with gfp=atomic or nofail";
		else if ((uint64_t)g.prev.v[U_TESTS] >= g.max_tests) {
			v->nospc = "max_tests tests exist";
			v->nospc_tests = true;
		}
		return;
	default:
		return;
	}
	if (sat_add(sat_add(least, own), kept) > cap)
		v->nospc = "its least footprint, beside the kept chunks', passes max_bytes";
	else if (v->urgent && least > g.max_atomic)
		v->nospc = "its least footprint passes max_atomic_bytes, with gfp=atomic or nofail";
}

/* The smallest max_size of the allocators kept chunks may be of. */
static uint64_t kept_max(void)
{
	uint64_t m = CHUNK_MAX;
	unsigned int k;

	for (k = 0; k < NR_KINDS; k++)
		if (g.kept_kinds & (1U << k) && kind_max[k] < m)
			m = kind_max[k];
	return m;
}

/* @cpu's place among the CPUs online, or -1 when it is not online. */
static int online_index(uint64_t cpu)
{
	unsigned int i;

	for (i = 0; i < g.nonline; i++)
		if (g.online[i] == cpu)
			return (int)i;
	return -1;
}

/*
 * A bench run (SPEC: "bench"): its defaults filled in (threads=1,
 * pattern=pair, sample=64, time=10), each value held to its range, the
 * gfp flags as mem_alloc's, and what it must cost at least (SPEC: "What
 * max_bytes counts", a running bench): its chunks' least footprint, one
 * per thread (pair, random) or count per thread (batch), against both
 * caps; beside the kept chunks' footprint, each thread's stack and task,
 * a batch's slots, a cache (alloc=cache, mempool) and a mempool's reserve
 * and array against max_bytes.
 */
static void model_bench(const struct target *t, struct verdict *v)
{
	uint64_t kept = g.prev.v[U_KCH] > 0 ? (uint64_t)g.prev.v[U_KCH] : 0;
	uint64_t per, hold, own;

	if (!(v->opts & 1U << O_THREADS))
		v->threads = 1;
	if (!(v->opts & 1U << O_SAMPLE))
		v->sample = 64;
	if (!(v->opts & 1U << O_TIME))
		v->time = 10;
	if (!(v->opts & 1U << O_BULK))
		v->bulk = 1;
	if (!v->size)
		set_bad(v, "size=0");
	else if (v->size > kind_max[v->kind])
		set_bad(v, "a size= larger than its allocator gives");
	if (!v->count || v->count > BENCH_COUNT_MAX)
		set_bad(v, "count= out of 1..4294967295");
	else if (v->pattern == PAT_BATCH && v->count > BENCH_BATCH_MAX)
		set_bad(v, "a batch of more than 1048576 chunks");
	if (!v->threads)
		set_bad(v, "threads=0");
	else if (g.nonline && v->threads > g.nonline)
		set_bad(v, "more threads than CPUs online");
	else if (!g.nonline && v->threads > 1)
		set_maybe(v, "threads= above 1, the CPUs online unknown");
	if (v->pattern == PAT_REMOTE && v->threads % 2)
		set_bad(v, "pattern=remote with an odd number of threads");
	if (v->sample > BENCH_SAMPLE_MAX)
		set_bad(v, "sample= above 1000000");
	if (!v->bulk || v->bulk > BENCH_BULK_MAX)
		set_bad(v, "bulk= out of 1..512");
	else if (v->bulk > 1 && v->kind != K_CACHE && v->kind != K_PAGES)
		set_bad(v, "bulk= above 1 with neither alloc=cache nor pages");
	else if (v->bulk > 1 && v->pattern != PAT_PAIR &&
		 v->pattern != PAT_BATCH)
		set_bad(v, "bulk= above 1 with pattern=random or remote");
	else if (v->bulk > 1 && v->kind == K_PAGES && v->size > PAGE_SZ)
		set_bad(v, "bulk= above 1 with pages larger than one");
	if (v->opts & 1U << O_SHEAF) {
		if (!v->sheaf || v->sheaf > BENCH_SHEAF_MAX)
			set_bad(v, "sheaf= out of 1..1024");
		else if (v->kind != K_CACHE)
			set_bad(v, "sheaf= without alloc=cache");
		else
			set_maybe(v, "sheaf=: the kernel may have no sheaves (before 6.18)");
	}
	/* release=rcu: kfree_rcu() or kvfree_rcu() of single objects */
	if (v->rcu && NO_RCU(v->kind))
		set_bad(v, "release=rcu with pages, percpu, mempool or a nolock allocator");
	else if (v->rcu && v->size < RCU_MIN_BYTES)
		set_bad(v, "release=rcu with a size under 16 bytes");
	else if (v->rcu && v->bulk > 1)
		set_bad(v, "release=rcu with bulk= above 1");
	else if (v->rcu && v->pattern == PAT_REMOTE)
		set_bad(v, "release=rcu with pattern=remote");
	else if (v->rcu && v->kind == K_CACHE)
		set_maybe(v, "release=rcu with cache: the kernel may not wait for it at a cache's destruction (before 6.12)");
	if (!v->time || v->time > BENCH_TIME_MAX)
		set_bad(v, "time= out of 1..3600");
	if (v->opts & 1U << O_CPU) {
		if (v->cpu >= CPUS_MAX)
			set_bad(v, "a CPU past any kernel's NR_CPUS");
		else if (g.nonline && online_index(v->cpu) < 0)
			set_bad(v, "cpu= a CPU that is not online");
		else if (!g.nonline && v->cpu)
			set_maybe(v, "a CPU other than 0, the CPUs online unknown");
	}
	if (v->size)
		model_semantic(t, v, v->size, 0);
	if (v->cls == BAD || !v->size || (v->kind == K_PERCPU && !g.ncpus))
		return;
	/*
	 * a remote pair holds REMOTE_PAIR_CHUNKS: half of it a thread;
	 * release=rcu charges every chunk of the run
	 */
	per = v->rcu || v->pattern == PAT_BATCH ? v->count :
	      v->pattern == PAT_REMOTE ? REMOTE_PAIR_CHUNKS / 2 : v->bulk;
	hold = sat_mul(sat_mul(fp_lo(v->kind, counted(v->kind, v->size)), per),
		       v->threads);
	own = sat_mul(v->threads,
		      sat_add(BENCH_THREAD, v->pattern == PAT_BATCH ?
			      sat_mul(v->count, BENCH_SLOT) : 0));
	if (CLASSED(v->kind))
		own = sat_add(own, BENCH_CACHE);
	/* the run's mempool: its reserve, of objects of the size, its array */
	if (v->kind == K_MEMPOOL)
		own = sat_add(own, sat_mul(want_reserve(v),
					   sat_add(v->size, POOL_SLOT)));
	if (sat_add(sat_add(hold, own), kept) > g.max_bytes)
		v->nospc = "the run's least cost, beside the kept chunks', passes max_bytes";
	else if (v->urgent && hold > g.max_atomic)
		v->nospc = "the run's chunks pass max_atomic_bytes, with gfp=atomic or nofail";
}

/*
 * mem_alloc's avail= (SPEC: "mem_alloc", "A machine near its floor"),
 * once the checks of any mem_alloc are passed: a target below
 * pressure_margin is refused, then gfp=nofail with it, both EINVAL; a
 * target at or above MemAvailable keeps nothing (an answer of "chunks:
 * 0").  The model knows the margin (the parameter, 1 at least) and
 * MemAvailable (read before the command): a target AVAIL_FAR above it
 * keeps nothing; one between the margin and that would make the module
 * take memory until the machine is low, which the fuzzer never sends
 * (too_risky()), and is uncertain.
 */
static void model_avail(struct verdict *v)
{
	uint64_t margin = g.margin ? g.margin : 1;

	v->av_decides = v->cls != BAD;
	if (v->avail < margin) {
		set_bad(v, "avail= below pressure_margin");
		v->av = AV_LOW;
	} else if (v->mods & M(G_NOFAIL)) {
		set_bad(v, "avail= with gfp=nofail");
		v->av = AV_NOFAIL;
	} else if (g.mem_avail && v->avail >= sat_add(g.mem_avail, AVAIL_FAR)) {
		v->av = AV_FAR;
	} else {
		set_maybe(v, "avail= between pressure_margin and MemAvailable: the machine decides");
		v->av = AV_RISKY;
	}
}

/* What the documentation says of the numbers of a parsed command. */
static void model_values(const struct target *t, struct verdict *v)
{
	uint64_t *a = v->val, max = kind_max[v->kind];

	switch (t - targets) {
	case MEM_ALLOC:
		if (!a[0])
			set_bad(v, "a zero size");
		else if (a[0] > max && v->kind != K_VMALLOC)
			set_bad(v, "a chunk larger than its allocator gives");
		else if (a[0] > max)
			set_maybe(v, "a vmalloc chunk past the bookkeeping");
		if (a[0])
			model_semantic(t, v, a[0], 0);
		/* with avail=: its answer, and no chunk unless the machine's */
		if (v->opts & (1U << O_AVAIL)) {
			model_avail(v);
			return;
		}
		break;
	case MEM_FREE:
		if (v->nr && !a[0])
			set_bad(v, "a zero size");
		break;
	case MEM_REALLOC:
		if (!a[0])
			set_bad(v, "a zero size");
		else if (a[0] > kept_max())
			set_maybe(v, "the chosen chunk's allocator may not reach it");
		break;
	case TEST_START:
		if (a[3] && a[3] <= a[4] && a[4] <= a[5] && a[5] > TIME_MAX_MS)
			set_maybe(v, "a total_time past the module's limit");
		if (!a[3] || a[3] > a[4] || a[4] > a[5])
			set_bad(v, "MIN_INT of 0, MIN_INT > MAX_INT or MAX_INT > TOTAL_TIME");
		/* random, fifo, lifo free until a whole piece of MAX fits */
		if (v->free_pol > 0 && a[1] <= max && a[1] <= a[2] &&
		    v->kind == K_PERCPU && !g.ncpus)
			set_maybe(v, "free= other than all, percpu, CPUs unknown");
		else if (v->free_pol > 0 && a[1] <= max && a[1] <= a[2] &&
			 counted(v->kind, a[1]) > a[2])
			set_bad(v, "free= other than all, and a piece of MAX counts more than TOTAL");
		/* release=rcu: kfree_rcu() or kvfree_rcu(), room for its head */
		if (v->rcu && NO_RCU(v->kind))
			set_bad(v, "release=rcu with pages, percpu, mempool or a nolock allocator");
		else if (v->rcu && a[0] < RCU_MIN_BYTES)
			set_bad(v, "release=rcu with MIN under 16 bytes");
		else if (v->rcu && v->kind == K_CACHE)
			set_maybe(v, "release=rcu with cache: the kernel may not wait for it at a cache's destruction (before 6.12)");
		/*
		 * bulk=: 1 to 512, 1 without it; above 1 a bulk call, of
		 * alloc=cache or pages (single pages: MAX at most one),
		 * which takes no node; cache's wants interrupts on (SPEC:
		 * "bulk=N (tests)")
		 */
		if (!(v->opts & 1U << O_BULK))
			v->bulk = 1;
		if (!v->bulk || v->bulk > BENCH_BULK_MAX)
			set_bad(v, "bulk= out of 1..512");
		else if (v->bulk > 1 && v->kind != K_CACHE && v->kind != K_PAGES)
			set_bad(v, "a test's bulk= above 1 with neither alloc=cache nor pages");
		else if (v->bulk > 1 && v->kind == K_PAGES && a[1] > PAGE_SZ)
			set_bad(v, "a test's bulk= above 1 with alloc=pages and MAX above a page");
		else if (v->bulk > 1 && (v->opts & 1U << O_NODE))
			set_bad(v, "a test's bulk= above 1 with node=");
		else if (v->bulk > 1 && v->kind == K_CACHE && v->irqs_off)
			set_bad(v, "a test's bulk= above 1 with alloc=cache where interrupts are off (ctx=timer, irqoff, nmi)");
		fallthrough;
	case MEM_RND:
		if (!a[0] || a[0] > a[1] || a[1] > a[2])
			set_bad(v, "MIN of 0, MIN > MAX or MAX > TOTAL");
		else if (a[1] > max && v->kind != K_VMALLOC)
			set_bad(v, "a MAX larger than its allocator gives");
		else if (a[1] > max)
			set_maybe(v, "a vmalloc chunk past the bookkeeping");
		model_semantic(t, v, a[1], a[2] ? a[2] : 1);
		break;
	case BENCH:
		model_bench(t, v);
		return;
	}
	model_nospc(t, v);
}

/*
 * A command file's write: malformed under every reading of the grammar,
 * well-formed under the strict one, or uncertain.  Malformed is decided
 * on the most lenient reading (ends stripped of the kernel's spaces, a
 * '+' sign taken), well-formed on the strictest.
 */
static void classify_cmd(const struct target *t, const unsigned char *b,
			 size_t len, struct verdict *v)
{
	bool seen_opt = false;
	char tok[PAGE_LEN];
	size_t s = 0, e = len, i, n;
	int shift = -1;
	unsigned int j;

	memset(v, 0, sizeof(*v));
	v->cls = OK;
	v->kind = g.default_kind;
	v->base = -1;
	if (len >= PAGE_LEN) {
		set_bad(v, "a page or more");
		return;
	}
	if (memchr(b, 0, len)) {
		set_bad(v, "a NUL byte");
		return;
	}
	while (s < e && kspace(b[s]))
		if (!strchr(" \t\n", b[s++]))
			set_maybe(v, "a \\r, \\v, \\f or \\xa0 stripped at an end");
	while (e > s && kspace(b[e - 1]))
		if (!strchr(" \t\n", b[--e]))
			set_maybe(v, "a \\r, \\v, \\f or \\xa0 stripped at an end");
	if (t - targets == DESTROY_ALL)
		return;
	/* bench's word, alone once the ends are stripped */
	if (t - targets == BENCH && e - s == 4 && !memcmp(b + s, "stop", 4)) {
		v->stop = true;
		return;
	}
	if (memchr(b + s, '\n', e - s))
		set_maybe(v, "a newline inside");
	for (i = s; i < e; i += n) {
		n = 0;
		while (i + n < e && !strchr(" \t\n", b[i + n]))
			n++;
		if (!n) {
			n = 1;
			continue;
		}
		memcpy(tok, b + i, n);
		tok[n] = '\0';
		if (!model_token(t, tok, v, &shift, &seen_opt))
			return;
	}
	if (v->nr < t->min) {
		set_bad(v, "too few numbers");
		return;
	}
	if (t - targets == BENCH &&
	    (~v->opts & (1U << O_SIZE | 1U << O_COUNT))) {
		set_bad(v, "bench without size= or count=");
		return;
	}
	for (j = 0; j < v->nr; j++) {
		if (!(t->size_mask & (1U << j)) || shift <= 0)
			continue;
		if (v->val[j] > (UINT64_MAX >> shift)) {
			set_bad(v, "a size past 64 bits in its unit");
			return;
		}
		v->val[j] <<= shift;
	}
	v->parsed = true;
	model_values(t, v);
}

/* Unsigned, in @base (0: as the C prefix says).  Return: false if not. */
static bool num_in(const char *s, int base, uint64_t *v)
{
	unsigned long long n;
	char *end;

	if (*s == '+')
		s++;
	if (!*s || *s == '-' || *s == '+' || kspace((unsigned char)*s))
		return false;
	if (base == 10 && !all_digits(s))
		return false;
	errno = 0;
	n = strtoull(s, &end, base);
	if (errno || *end || end == s)
		return false;
	*v = n;
	return true;
}

/*
 * max_bytes, max_atomic_bytes and pressure_margin: an unsigned decimal,
 * then maybe one unit letter attached ("1048576", "64k", "1G"), in
 * bytes, as the docs say.  Return: false when it is not one, or passes
 * 64 bits in its unit.
 */
static bool param_size(const char *s, uint64_t *out)
{
	char num[PAGE_LEN];
	size_t n = strlen(s);
	int shift = 0;

	if (n > 1 && unit_shift(s + n - 1) >= 0)
		shift = unit_shift(s + --n);
	if (n >= sizeof(num))
		return false;
	memcpy(num, s, n);
	num[n] = '\0';
	if (!all_digits(num) || !dec_u64(num, out) ||
	    *out > (UINT64_MAX >> shift))
		return false;
	*out <<= shift;
	return true;
}

/*
 * A parameter's write.  The kernel takes at most a page of it and its
 * parsers stop at a NUL: malformed is judged on that, spaces at the ends
 * stripped; well-formed is the plain value and one newline.
 */
static void classify_param(const struct target *t, const unsigned char *b,
			   size_t len, struct verdict *v)
{
	char raw[PAGE_LEN + 1], *s = raw;
	size_t n = len < PAGE_LEN ? len : PAGE_LEN, e;
	bool plain, dec, b0;
	uint64_t x = 0, y = 0;
	unsigned int i;

	memset(v, 0, sizeof(*v));
	v->cls = OK;
	memcpy(raw, b, n);
	raw[n] = '\0';
	e = strlen(raw);
	/* the plain value: no NUL, no space but one final newline */
	plain = e == len && len <= PAGE_LEN;
	if (plain && e && raw[e - 1] == '\n')
		e--;
	plain = plain && e && strcspn(raw, " \t\n\v\f\r\xa0") == e &&
		raw[0] != '+';
	if (!plain)
		set_maybe(v, "not the plain value");
	while (kspace((unsigned char)*s))
		s++;
	e = strlen(s);
	while (e && kspace((unsigned char)s[e - 1]))
		s[--e] = '\0';

	switch (t - targets) {
	case P_CHECK:
		/*
		 * kstrtobool()'s first characters.  Upstream commit
		 * ae5b3500856f ("kstrtox: add support for enabled and
		 * disabled in kstrtobool()", after 6.12; 6.19 and 7.3 have
		 * it) added e/E and d/D: 6.1 and 6.12 refuse them, later
		 * kernels take them, so either answer is right.
		 */
		if (s[0] && strchr("eEdD", s[0]))
			set_maybe(v, "a boolean since kstrtobool() took enabled/disabled");
		else if (!strchr("yYtT1nNfF0oO", s[0]) || !s[0] ||
			 ((s[0] == 'o' || s[0] == 'O') && (!s[1] ||
			  !strchr("nNfF", s[1]))))
			set_bad(v, "not a boolean");
		else if (strcmp(s, "0") && strcmp(s, "1"))
			set_maybe(v, "a boolean other than 0 or 1");
		break;
	case P_REALLOC_P:
		if (!num_in(s, 10, &x) || x > 90)
			set_bad(v, "not a percentage from 0 to 90");
		break;
	case P_MAX_BYTES:
	case P_MAX_ATOMIC:
	case P_MARGIN:
		if (!param_size(s, &x) || !x || x > INT64_MAX)
			set_bad(v, "not a size from 1 byte to 2^63 - 1, its unit attached if need be");
		break;
	case P_MAX_TESTS:
		if (!num_in(s, 10, &x) || !x || x > 65536)
			set_bad(v, "not a number of tests from 1 to 65536");
		break;
	case P_RESERVE:
		if (!num_in(s, 10, &x) || !x || x > RESERVE_MAX)
			set_bad(v, "not a number of elements from 1 to 1024");
		break;
	case P_ALLOC:
		for (i = 0; i < NR_KINDS && strcasecmp(s, kinds[i]); i++)
			;
		if (i == NR_KINDS)
			set_bad(v, "not an allocator");
		else if (NOLOCK(i) && !g.nolock)
			set_bad(v, "a nolock allocator on a kernel before 6.18");
		else if (kind_of(s) < 0)
			set_maybe(v, "an allocator in capitals");
		break;
	case P_SEED:
		dec = num_in(s, 10, &x);
		b0 = num_in(s, 0, &y);
		if (!dec && !b0)
			set_bad(v, "not an unsigned 64-bit number");
		else if (!dec || !b0 || x != y)
			set_maybe(v, "decimal or C-prefixed: it depends");
		break;
	}
}

/* ---- judging one write --------------------------------------------- */

/* Parse "N\n" (with a '-' when @sign).  Return: false if it is not. */
static bool num_line(const char *a, bool sign, long long *out)
{
	const char *p = a;

	if (sign && *p == '-')
		p++;
	if (!*p || strspn(p, "0123456789") != strlen(p) - 1 ||
	    p[strlen(p) - 1] != '\n' || strlen(p) < 2)
		return false;
	*out = strtoll(a, NULL, 10);
	return true;
}

/* mem_rnd_alloc's answer: chunks, errors, reallocs, bytes. */
static bool rnd_answer(const char *a, long long r[4])
{
	static const char *const keys[] = {
		"chunks: ", "errors: ", "reallocs: ", "bytes: ",
	};
	unsigned int i;
	size_t k;
	char line[64];

	for (i = 0; i < 4; i++) {
		k = strlen(keys[i]);
		if (strncmp(a, keys[i], k))
			return false;
		a += k;
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(a, "\n") + 1,
			 a);
		if (!num_line(line, i == 3, &r[i]))
			return false;
		a += strlen(line);
	}
	return !*a;
}

/*
 * mem_alloc's answer with avail=: "chunks: N", "bytes: N",
 * "available_before: N", "available: N", "target: N" lines, in @r.
 */
static bool avail_answer(const char *a, uint64_t r[5])
{
	static const char *const keys[] = {
		"chunks: ", "bytes: ", "available_before: ", "available: ",
		"target: ",
	};
	unsigned int i;
	size_t k, d;
	char num[24];

	for (i = 0; i < 5; i++) {
		k = strlen(keys[i]);
		if (strncmp(a, keys[i], k))
			return false;
		a += k;
		d = strspn(a, "0123456789");
		if (!d || d >= sizeof(num) || a[d] != '\n')
			return false;
		memcpy(num, a, d);
		num[d] = '\0';
		if (!dec_u64(num, &r[i]))
			return false;
		a += d + 1;
	}
	return !*a;
}

/*
 * mem_alloc's answer with avail= (SPEC: "mem_alloc"), accepted: the
 * target as given; MemAvailable at most it after the last chunk, the
 * same as before when no chunk was kept; none kept when the model says
 * so, MemAvailable before then near what /proc/meminfo said.  @rec:
 * the chunks and the bytes, for kept_problem().
 */
static const char *avail_problem(const struct verdict *v, const char *a,
				 long long rec[4])
{
	static char why[160];
	uint64_t r[5];

	if (!avail_answer(a, r))
		return "not mem_alloc's five lines of avail= (chunks, bytes, available_before, available, target)";
	rec[0] = r[0] > INT64_MAX ? -1 : (long long)r[0];
	rec[3] = r[1] > INT64_MAX ? -1 : (long long)r[1];
	if (!v->parsed)
		return NULL;
	if (r[4] != v->avail)
		snprintf(why, sizeof(why), "a target of %" PRIu64 ", not avail=%" PRIu64,
			 r[4], v->avail);
	else if (r[3] > r[4] || (!r[0] && (r[2] != r[3] || r[1])))
		snprintf(why, sizeof(why), "%" PRIu64 " chunks of %" PRIu64 " bytes, MemAvailable %" PRIu64 " -> %" PRIu64 " for a target of %" PRIu64,
			 r[0], r[1], r[2], r[3], r[4]);
	else if (v->av == AV_FAR && r[0])
		snprintf(why, sizeof(why), "%" PRIu64 " chunks for a target %" PRIu64 " bytes above MemAvailable (%" PRIu64 ")",
			 r[0], r[4] - g.mem_avail, g.mem_avail);
	else if (v->av == AV_FAR &&
		 (r[2] > sat_add(g.mem_avail, AVAIL_NEAR) ||
		  r[2] + AVAIL_NEAR < g.mem_avail))
		snprintf(why, sizeof(why), "available_before %" PRIu64 ", /proc/meminfo's MemAvailable %" PRIu64 " just before",
			 r[2], g.mem_avail);
	else
		return NULL;
	return why;
}

/* What is wrong with the answer @a, or NULL. */
static const char *answer_problem(const struct target *t,
				  const struct verdict *v, bool accepted,
				  int err, const char *a, size_t n,
				  long long *num, long long rec[4])
{
	size_t k = strlen(a);

	if (k != n)
		return "a NUL byte in the answer";
	/* with avail=, mem_alloc answers its figures (the model may not know) */
	if (t - targets == MEM_ALLOC && accepted &&
	    ((v->parsed && (v->opts & (1U << O_AVAIL))) ||
	     (!v->parsed && n)))
		return avail_problem(v, a, rec);
	if (t - targets == MEM_RND && (accepted || err == ENOMEM ||
				       err == EINTR))
		return rnd_answer(a, rec) ? NULL :
			"not mem_rnd_alloc's four lines";
	if (!accepted) {
		if (strncmp(a, "error: ", 7) || k < 9 || a[k - 1] != '\n' ||
		    strchr(a, '\n') != a + k - 1)
			return "not one 'error: REASON' line";
		return NULL;
	}
	switch (t - targets) {
	case MEM_FREE:
		return num_line(a, false, num) ? NULL : "not a number";
	case MEM_REALLOC:
		return num_line(a, true, num) ? NULL : "not a number";
	case TEST_START:
		return num_line(a, false, num) && *num > 0 ? NULL :
			"not a test id";
	case BENCH:
		/* what it says: bench_judge() */
		return n ? NULL : "empty";
	default:
		return n ? "not empty" : NULL;
	}
}

/*
 * Did the kept chunks and bytes move as the answer says?  Return: NULL
 * if so, else what is wrong, in @msg.
 */
static const char *kept_problem(const struct target *t,
				const struct verdict *v, bool accepted,
				int err, long long num, const long long rec[4],
				const struct used *now, char *msg, size_t size)
{
	long long dc = now->v[U_KC] - g.prev.v[U_KC];
	long long db = now->v[U_KB] - g.prev.v[U_KB];
	long long before = g.prev.v[U_KB], least;
	bool rnd_rec = t - targets == MEM_RND &&
		       (accepted || err == ENOMEM || err == EINTR);

	if (!accepted && !rnd_rec) {
		if (!dc && !db)
			return NULL;
		snprintf(msg, size, "refused, yet kept chunks/bytes moved by %lld/%lld",
			 dc, db);
		return msg;
	}
	switch (t - targets) {
	case MEM_ALLOC:
		/* avail=: the chunks and bytes it answered (none, here) */
		if (v->parsed && (v->opts & (1U << O_AVAIL))) {
			if (dc == rec[0] && db == rec[3] &&
			    (!v->val[0] || db == rec[0] *
			     (long long)counted(v->kind, v->val[0]) ||
			     (v->kind == K_PERCPU && !g.ncpus)))
				return NULL;
			snprintf(msg, size, "mem_alloc of %llu bytes (alloc=%s, avail=%llu) answered %lld chunks, %lld bytes; kept chunks/bytes moved by %lld/%lld",
				 (unsigned long long)v->val[0], kinds[v->kind],
				 (unsigned long long)v->avail, rec[0], rec[3],
				 dc, db);
			return msg;
		}
		/* a percpu chunk counts once per CPU: how many, maybe unknown */
		if (dc == 1 && db > 0 &&
		    (!v->parsed ||
		     db == (long long)counted(v->kind, v->val[0]) ||
		     (v->kind == K_PERCPU && !g.ncpus &&
		      db % (long long)v->val[0] == 0)))
			return NULL;
		snprintf(msg, size, "mem_alloc of %llu bytes (alloc=%s) moved kept chunks/bytes by %lld/%lld",
			 v->parsed ? (unsigned long long)v->val[0] : 0ULL,
			 kinds[v->kind], dc, db);
		return msg;
	case MEM_FREE:
		if (db != -num || dc > 0 || !num != !dc) {
			snprintf(msg, size, "mem_free answered %lld, kept chunks/bytes moved by %lld/%lld",
				 num, dc, db);
			return msg;
		}
		if (!v->parsed)
			return NULL;
		if (!v->nr && (now->v[U_KB] || now->v[U_KC]))
			return "mem_free with no size left chunks kept";
		least = v->nr && v->val[0] < (uint64_t)before ?
			(long long)v->val[0] : before;
		if (num < least) {
			snprintf(msg, size, "mem_free freed %lld bytes, less than %lld with %lld kept",
				 num, least, before);
			return msg;
		}
		return NULL;
	case MEM_REALLOC:
		if (!dc && db == num)
			return NULL;
		snprintf(msg, size, "mem_realloc answered %lld, kept chunks/bytes moved by %lld/%lld",
			 num, dc, db);
		return msg;
	case MEM_RND:
		if (dc != rec[0] || db != rec[3]) {
			snprintf(msg, size, "mem_rnd_alloc answered chunks %lld bytes %lld, kept moved by %lld/%lld",
				 rec[0], rec[3], dc, db);
			return msg;
		}
		/*
		 * It never passes TOTAL; a piece of whole pages, or of a
		 * byte per CPU, may not fit in the last bytes.
		 */
		if (accepted && v->parsed &&
		    (rec[1] || rec[3] > (long long)v->val[2] ||
		     v->val[2] - rec[3] >= (v->kind == K_PAGES ||
					    v->kind == K_PAGES_NOLOCK ? PAGE_SZ :
					    v->kind == K_PERCPU ?
					    (g.ncpus ? g.ncpus : CPUS_MAX) : 1))) {
			snprintf(msg, size, "mem_rnd_alloc (alloc=%s) accepted with %lld errors, %lld bytes of %llu",
				 kinds[v->kind], rec[1], rec[3],
				 (unsigned long long)v->val[2]);
			return msg;
		}
		return NULL;
	default:
		if (!dc && !db)
			return NULL;
		snprintf(msg, size, "kept chunks/bytes moved by %lld/%lld",
			 dc, db);
		return msg;
	}
}

/*
 * Did the kept chunks' footprint (kept_charged) move as the chunks can
 * cost?  Nothing for a refusal or a command that keeps nothing; a
 * mem_alloc's chunk fp_lo() to fp_hi(); mem_free gives back at least
 * the bytes it freed; mem_rnd_alloc's pieces (when it resized none)
 * cost at least the bytes they count, at most their number times what
 * the largest can.  Return: NULL, or what is wrong, in @msg.
 */
static const char *kept_fp_problem(const struct target *t,
				   const struct verdict *v, bool accepted,
				   int err, long long num,
				   const long long rec[4],
				   const struct used *now, char *msg,
				   size_t size)
{
	long long df = now->v[U_KCH] - g.prev.v[U_KCH];
	bool rnd_rec = t - targets == MEM_RND &&
		       (accepted || err == ENOMEM || err == EINTR);
	bool known = v->parsed && (v->kind != K_PERCPU || g.ncpus);
	uint64_t cb, lo, hi;

	if ((!accepted && !rnd_rec) || t->param ||
	    (t - targets != MEM_ALLOC && t - targets != MEM_FREE &&
	     t - targets != MEM_REALLOC && t - targets != MEM_RND)) {
		if (!df)
			return NULL;
		snprintf(msg, size, "%s, yet kept_charged moved by %lld",
			 accepted ? "nothing kept changes" : "refused", df);
		return msg;
	}
	switch (t - targets) {
	case MEM_ALLOC:
		if (!known)
			return NULL;
		cb = counted(v->kind, v->val[0]);
		lo = fp_lo(v->kind, cb);
		hi = fp_hi(v->kind, cb);
		/* avail=: as many chunks as it answered */
		if (v->opts & (1U << O_AVAIL)) {
			lo = sat_mul(lo, rec[0] > 0 ? (uint64_t)rec[0] : 0);
			hi = sat_mul(hi, rec[0] > 0 ? (uint64_t)rec[0] : 0);
		}
		if (df >= 0 && (uint64_t)df >= lo && (uint64_t)df <= hi)
			return NULL;
		snprintf(msg, size, "a chunk of %" PRIu64 " bytes (alloc=%s) moved kept_charged by %lld, not %" PRIu64 "..%" PRIu64,
			 cb, kinds[v->kind], df, lo, hi);
		return msg;
	case MEM_FREE:
		if (df <= -num)
			return NULL;
		snprintf(msg, size, "mem_free freed %lld bytes, kept_charged moved by %lld",
			 num, df);
		return msg;
	case MEM_RND:
		if (!known || rec[2])
			return NULL;
		hi = sat_mul((uint64_t)rec[0],
			     fp_hi(v->kind, counted(v->kind, v->val[1])));
		if (df >= rec[3] && (uint64_t)df <= hi)
			return NULL;
		snprintf(msg, size, "mem_rnd_alloc kept %lld chunks of %lld bytes, kept_charged moved by %lld, not %lld..%" PRIu64,
			 rec[0], rec[3], df, rec[3], hi);
		return msg;
	default:
		return NULL;
	}
}

static void restart_bg(unsigned int i);
static __printf(2, 3) void hk_cmd(unsigned int target, const char *fmt, ...);

/*
 * @have charged against a cap of @cap, ours: at most it, but after a
 * fuzzed cap above ours let the tests pass it (@moved: this write moved
 * it; its restore is a write that moves it too): then the excess, *@over,
 * may only shrink, as nothing more can be charged.
 */
static void check_cap(const struct target *t, const unsigned char *b,
		      size_t len, const char *what, long long have,
		      uint64_t cap, long long *over, bool moved)
{
	long long ex = have - (long long)cap;

	if (moved) {
		*over = ex > 0 ? ex : 0;
		return;
	}
	if (ex > *over)
		unexpected(t, b, len, "%s is %lld, past its cap %" PRIu64 " by %lld (%lld allowed since a fuzzed cap)",
			   what, have, cap, ex, *over);
	if (ex > 0)
		g.cap_excess++;
	*over = ex > 0 ? ex : 0;
}

/*
 * bulk=: a test that asks chunks in bulk calls reserves the worst
 * footprint of a call's chunks before it (SPEC: "bulk=N (tests)",
 * reserved_bytes), so reserved_bytes may show it while such a test
 * runs.  Follow test @id, started just now, of @ms TOTAL_TIME: it makes
 * no call past its end (a few seconds of slack for the last step).
 */
static void bulk_follow(unsigned int id, uint64_t ms)
{
	unsigned int i;

	for (i = 0; i < g.nr_bulk && g.bulk[i].id != id; i++)
		;
	if (i == BULK_TRACK) {
		g.bulk_lost = true;
		return;
	}
	g.nr_bulk += i == g.nr_bulk;
	g.bulk[i].id = id;
	g.bulk[i].until = now_s() + (double)ms / 1000 + 5.0;
}

/* Test @id makes no call any more (stopped, destroyed): forget it. */
static void bulk_forget(unsigned int id)
{
	unsigned int i;

	for (i = 0; i < g.nr_bulk; i++)
		if (g.bulk[i].id == id)
			g.bulk[i--] = g.bulk[--g.nr_bulk];
}

/* May a test be in a bulk call now?  Those past their end are dropped. */
static bool bulk_may_run(void)
{
	double now = now_s();
	unsigned int i;

	for (i = 0; i < g.nr_bulk; i++)
		if (g.bulk[i].until < now)
			g.bulk[i--] = g.bulk[--g.nr_bulk];
	return g.nr_bulk || g.bulk_lost;
}

/*
 * mem_used after any write: its own sums, the corruption count, our
 * caps, and what holds at every instant: the charges under the caps, the
 * kept chunks' footprint (only we change them) at least their bytes,
 * nothing reserved once the command returned (but what a test's bulk
 * call reserves while one may run), no bench charge when no run can be
 * going, nothing killed.
 * @moved: bits of the caps this write moved (P_MAX_BYTES, ...).
 */
static void check_used(const struct target *t, const unsigned char *b,
		       size_t len, const struct used *u, unsigned int moved)
{
	const long long *x = u->v;
	unsigned int i;

	if (x[U_CHUNKS] != x[U_KC] + x[U_TC] || x[U_BYTES] != x[U_KB] + x[U_TB])
		unexpected(t, b, len, "mem_used's sums do not add up: chunks %lld = %lld + %lld, bytes %lld = %lld + %lld",
			   x[U_CHUNKS], x[U_KC], x[U_TC], x[U_BYTES], x[U_KB],
			   x[U_TB]);
	for (i = 0; i < NR_U; i++)
		if (x[i] < 0) {
			unexpected(t, b, len, "mem_used's %s is negative: %lld",
				   used_keys[i], x[i]);
			break;
		}
	if (x[U_CORR] != g.corr0)
		unexpected(t, b, len, "corruptions went from %lld to %lld",
			   g.corr0, x[U_CORR]);
	if ((uint64_t)x[U_MAX] != g.max_bytes && !(moved & 1U << P_MAX_BYTES))
		unexpected(t, b, len, "mem_used's max_bytes is %lld, not %" PRIu64,
			   x[U_MAX], g.max_bytes);
	if ((uint64_t)x[U_MAXA] != g.max_atomic &&
	    !(moved & 1U << P_MAX_ATOMIC))
		unexpected(t, b, len, "mem_used's max_atomic_bytes is %lld, not %" PRIu64,
			   x[U_MAXA], g.max_atomic);
	check_cap(t, b, len, "charged_bytes", x[U_CHARGED], g.max_bytes,
		  &g.over, moved & 1U << P_MAX_BYTES);
	check_cap(t, b, len, "atomic_bytes", x[U_ATOMIC], g.max_atomic,
		  &g.over_atomic, moved & 1U << P_MAX_ATOMIC);
	if (x[U_CHARGED] > g.charged_max && !(moved & 1U << P_MAX_BYTES))
		g.charged_max = x[U_CHARGED];
	if (x[U_ATOMIC] > g.atomic_max && !(moved & 1U << P_MAX_ATOMIC))
		g.atomic_max = x[U_ATOMIC];
	if ((uint64_t)x[U_TESTS] > g.max_tests && !(moved & 1U << P_MAX_TESTS))
		unexpected(t, b, len, "mem_used's tests is %lld, past max_tests %" PRIu64,
			   x[U_TESTS], g.max_tests);
	if (x[U_KCH] < x[U_KB] || (!x[U_KC] && (x[U_KCH] || x[U_KB])))
		unexpected(t, b, len, "the kept chunks' footprint is not their bytes or more: kept_chunks %lld, kept_bytes %lld, kept_charged %lld",
			   x[U_KC], x[U_KB], x[U_KCH]);
	if (x[U_RESV] && !bulk_may_run())
		unexpected(t, b, len, "reserved_bytes is %lld with no command running, nor a test with bulk=",
			   x[U_RESV]);
	/* a run's charge, for the whole run: none when none can go */
	if (g.bench_st == B_IDLE && x[U_BENCH])
		unexpected(t, b, len, "bench_bytes is %lld, and no bench run can be going",
			   x[U_BENCH]);
	if (x[U_BENCH] > x[U_CHARGED])
		unexpected(t, b, len, "bench_bytes %lld, more than charged_bytes %lld",
			   x[U_BENCH], x[U_CHARGED]);
	if (x[U_KILLED] != g.first.v[U_KILLED] ||
	    x[U_KILLED_B] != g.first.v[U_KILLED_B])
		unexpected(t, b, len, "killed_rnd_allocs or killed_rnd_bytes moved: %lld %lld, were %lld %lld",
			   x[U_KILLED], x[U_KILLED_B], g.first.v[U_KILLED],
			   g.first.v[U_KILLED_B]);
	if (x[U_TC] && !g.hk_mode)
		g.tests_seen++;
}

/* Something unexpected that is no write's answer: counted, and told. */
__printf(1, 2)
static void problem(const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	g.unexpected++;
	if (++g.problems > g.details)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("mtfuzz: UNEXPECTED #%lu, after write %llu: %s\n", g.unexpected,
	       g.index, msg);
}

/*
 * Is the running kernel MAJOR.MINOR or later?  uname(2)'s release:
 * what the kernel has decides what the grammar takes (the nolock
 * allocators from 6.18 on).
 */
static bool kernel_at_least(unsigned int major, unsigned int minor)
{
	unsigned int ma = 0, mi = 0;
	struct utsname u;

	if (uname(&u) || sscanf(u.release, "%u.%u", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/*
 * Can ctx=nmi run here (SPEC: "ctx=nmi")?  The module raises the NMI
 * through x86's local APIC and allocates in it with the nolock
 * allocators: a kernel that has them (g.nolock), an x86 machine whose
 * CPU flags in /proc/cpuinfo name apic.  Return: 1 yes, 0 no, -1 not
 * known (no flags to read).
 */
static int nmi_possible(void)
{
	char *line = NULL, *tok, *save;
	struct utsname u;
	size_t cap = 0;
	int ret = -1;
	FILE *f;

	if (!g.nolock)
		return 0;
	if (uname(&u))
		return -1;
	if (strcmp(u.machine, "x86_64") && strcmp(u.machine, "i686") &&
	    strcmp(u.machine, "i586") && strcmp(u.machine, "i386"))
		return 0;
	f = fopen("/proc/cpuinfo", "re");
	if (!f)
		return -1;
	while (ret < 0 && getline(&line, &cap, f) > 0) {
		if (strncmp(line, "flags", 5) || !strchr(line, ':'))
			continue;
		ret = 0;
		for (tok = strtok_r(strchr(line, ':') + 1, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save))
			if (!strcmp(tok, "apic"))
				ret = 1;
	}
	free(line);
	fclose(f);
	return ret;
}

/*
 * /proc/meminfo's VmallocUsed, Slab (not with --kasan) and Percpu: what
 * the module makes the kernel spend is charged against max_bytes, so
 * together they rise, since the start, by max_bytes and the slack at
 * most.
 */
static void check_meminfo(void)
{
	long long mi[NR_MI], rise, sum = 0, pc;
	unsigned int i;

	if (read_meminfo(mi)) {
		problem("/proc/meminfo cannot be read");
		return;
	}
	g.mi_checks++;
	pc = g.prev.v[U_KIND_CH + K_PERCPU];
	if (pc > g.percpu_hi)
		g.percpu_hi = pc;
	for (i = 0; i < NR_MI; i++) {
		if (i == MI_SLAB && g.kasan)
			continue;
		rise = mi[i] - g.mi0[i];
		if (rise > g.mi_rise[i])
			g.mi_rise[i] = rise;
		/* what the per-CPU allocator kept populated after our frees */
		if (i == MI_PERCPU && rise > 0)
			rise -= rise < (g.percpu_hi - pc) / 1024 ?
				rise : (g.percpu_hi - pc) / 1024;
		if (rise > 0)
			sum += rise;
	}
	if (sum > g.mi_rise_sum)
		g.mi_rise_sum = sum;
	if ((uint64_t)sum * 1024 > g.max_bytes + g.slack)
		problem("the kernel's counters rose by %lld kB (VmallocUsed %+lld, Slab %+lld%s, Percpu %+lld kB, %lld of it allowed as kept populated): more than max_bytes %" PRIu64 " + %" PRIu64 " bytes of slack; charged_bytes %lld",
			sum, mi[MI_VMALLOC] - g.mi0[MI_VMALLOC],
			mi[MI_SLAB] - g.mi0[MI_SLAB],
			g.kasan ? " not counted: KASAN" : "",
			mi[MI_PERCPU] - g.mi0[MI_PERCPU],
			(g.percpu_hi - pc) / 1024, g.max_bytes,
			g.slack, g.prev.v[U_CHARGED]);
}

/* Remember the gfp flags, the reserve and the bulk test @id must show. */
static void gfp_remember(unsigned int id, const struct verdict *v)
{
	unsigned int i = g.gfp_next++ % NR_GFP_SEEN;

	g.gfp_seen[i].id = id;
	gfp_string(v, g.gfp_seen[i].gfp, sizeof(g.gfp_seen[i].gfp));
	g.gfp_seen[i].reserve = v->kind == K_MEMPOOL && !want_reserve(v) ?
				-1 : (long long)want_reserve(v);
	g.gfp_seen[i].bulk = v->bulk;
}

/* Test @id's remembered figures (@bulk 0: not known), or NULL. */
static const char *gfp_expected(unsigned int id, long long *reserve,
				uint64_t *bulk)
{
	unsigned int i;

	*reserve = -1;
	*bulk = 0;
	for (i = 0; i < NR_GFP_SEEN; i++)
		if (id && g.gfp_seen[i].id == id) {
			*reserve = g.gfp_seen[i].reserve;
			*bulk = g.gfp_seen[i].bulk;
			return g.gfp_seen[i].gfp;
		}
	return NULL;
}

/*
 * tests/@id/stats (SPEC: "tests/ID/stats"): "charged" right after
 * "held", "overhead_bytes" right after it; the owner's figures are read
 * together, so total_alloc - freed = charged, at least held; its own
 * memory is charged (3 KiB of debugfs at least); the gfp flags the model
 * gives; "reserve" and "from_reserve" right after "release", reserve 0
 * but with alloc=mempool (1 to 1024 then, and what the model gives),
 * from_reserve 0 but with mempool; "bulk" right after "from_reserve",
 * 1 to 512, above 1 only with alloc=cache or pages and no node, what the
 * test asked (1 without bulk=), and its slots in its own memory (8 bytes
 * a chunk of a call).  @quiet: every test was stopped, so
 * it holds nothing and gave back all it took, and from_reserve is at most
 * its allocations and reallocs (its counts are read one after the other
 * while it runs).  Return: its overhead_bytes, or -1 when it cannot be
 * read.
 */
/*
 * A test's last lines (SPEC: "mem_test_list"): the machine's reclaim and
 * compaction events while it ran, after free_p99_ns, in this order; the
 * compact_* ones where the kernel has compaction, none at all without
 * its vm event counters.
 */
static const char *const vm_keys[] = {
	"vm_allocstall", "vm_pgscan_kswapd", "vm_pgscan_direct",
	"vm_pgsteal_kswapd", "vm_pgsteal_direct", "vm_compact_stall",
	"vm_compact_fail", "vm_compact_success", "vm_oom_kill",
};
#define VM_COMPACT	5	/* vm_keys[5..7] */

/*
 * Test @id's vm_* lines, @st: each in its place, a number; the OOM
 * killer never ran while a test did (nothing the fuzzer sends may call
 * it).
 */
static void check_vm(unsigned int id, const struct stats *st)
{
	int p = stat_at(st, "free_p99_ns");
	unsigned int i, k;
	bool compact;
	long long x;

	if (p < 0) {
		problem("tests/%u/stats: no free_p99_ns line", id);
		return;
	}
	i = (unsigned int)p + 1;
	if (i == st->n)
		return;		/* no vm event counters */
	compact = i + VM_COMPACT < st->n &&
		  !strcmp(st->key[i + VM_COMPACT], vm_keys[VM_COMPACT]);
	for (k = 0; k < ARRAY_SIZE(vm_keys); k++) {
		if (!compact && k >= VM_COMPACT && k < VM_COMPACT + 3)
			continue;
		if (i >= st->n || strcmp(st->key[i], vm_keys[k])) {
			problem("tests/%u/stats: line %u is '%s', not %s",
				id, i + 1, i < st->n ? st->key[i] : "(none)",
				vm_keys[k]);
			return;
		}
		if (!dec_ll(st->val[i], &x) || x < 0) {
			problem("tests/%u/stats: %s is '%s', not a count", id,
				vm_keys[k], st->val[i]);
			return;
		}
		if (k == ARRAY_SIZE(vm_keys) - 1 && x)
			problem("tests/%u/stats: vm_oom_kill %lld: the OOM killer ran while it did",
				id, x);
		i++;
	}
	if (i != st->n)
		problem("tests/%u/stats: '%s' after vm_oom_kill", id,
			st->key[i]);
}

static long long check_stats(unsigned int id, bool quiet)
{
	long long ta, fr, ch, held, over, chunks, res, from, allocs, reallocs;
	long long want_res, bulk;
	uint64_t want_bulk;
	const char *want = gfp_expected(id, &want_res, &want_bulk);
	struct stats st;
	int h, gi, si, ri, ai, ni;
	bool pool;

	g.stats_checked++;
	if (read_stats(id, &st)) {
		problem("tests/%u/stats cannot be read", id);
		return -1;
	}
	h = stat_at(&st, "held");
	if (h < 0 || h + 2 >= (int)st.n || strcmp(st.key[h + 1], "charged") ||
	    strcmp(st.key[h + 2], "overhead_bytes")) {
		problem("tests/%u/stats: no 'charged' and 'overhead_bytes' lines right after 'held'", id);
		return -1;
	}
	if (!stat_num(&st, "total_alloc", &ta) || !stat_num(&st, "freed", &fr) ||
	    !stat_num(&st, "charged", &ch) || !stat_num(&st, "held", &held) ||
	    !stat_num(&st, "overhead_bytes", &over) ||
	    !stat_num(&st, "chunks", &chunks)) {
		problem("tests/%u/stats: total_alloc, freed, held, charged, overhead_bytes or chunks is not a number", id);
		return -1;
	}
	if (ta - fr != ch || ch < held || (!chunks && (ch || held)))
		problem("tests/%u/stats: total_alloc %lld - freed %lld is not charged %lld, or charged is below held %lld (%lld chunks)",
			id, ta, fr, ch, held, chunks);
	if (over < TEST_DEBUGFS)
		problem("tests/%u/stats: overhead_bytes %lld, less than its debugfs files", id, over);
	gi = stat_at(&st, "gfp");
	if (want && (gi < 0 || strcmp(st.val[gi], want)))
		problem("tests/%u/stats: gfp is '%s', the model says '%s'", id,
			gi < 0 ? "(none)" : st.val[gi], want);
	/* a mempool's elements, and the chunks its reserve served */
	ri = stat_at(&st, "release");
	ai = stat_at(&st, "alloc");
	pool = ai >= 0 && !strcmp(st.val[ai], "mempool");
	if (ri < 0 || ri + 2 >= (int)st.n || strcmp(st.key[ri + 1], "reserve") ||
	    strcmp(st.key[ri + 2], "from_reserve")) {
		problem("tests/%u/stats: no 'reserve' and 'from_reserve' lines right after 'release'", id);
	} else if (!stat_num(&st, "reserve", &res) ||
		   !stat_num(&st, "from_reserve", &from) ||
		   !stat_num(&st, "allocations", &allocs) ||
		   !stat_num(&st, "reallocs", &reallocs)) {
		problem("tests/%u/stats: reserve, from_reserve, allocations or reallocs is not a number", id);
	} else {
		if (pool ? res < 1 || res > (long long)RESERVE_MAX : res != 0)
			problem("tests/%u/stats: reserve %lld with alloc=%s (0 but with mempool, then 1 to 1024)",
				id, res, ai < 0 ? "(none)" : st.val[ai]);
		else if (want && want_res >= 0 && res != want_res)
			problem("tests/%u/stats: reserve %lld, the model says %lld",
				id, res, want_res);
		if (from < 0 || (!pool && from) ||
		    (quiet && from > allocs + reallocs))
			problem("tests/%u/stats: from_reserve %lld with alloc=%s, %lld allocations and %lld reallocs",
				id, from, ai < 0 ? "(none)" : st.val[ai], allocs,
				reallocs);
	}
	/* the chunks an allocation step asks in one call */
	ni = stat_at(&st, "node");
	if (ri < 0 || ri + 3 >= (int)st.n || strcmp(st.key[ri + 3], "bulk"))
		problem("tests/%u/stats: no 'bulk' line right after 'from_reserve'", id);
	else if (!stat_num(&st, "bulk", &bulk) || bulk < 1 ||
		 bulk > (long long)BENCH_BULK_MAX)
		problem("tests/%u/stats: bulk is '%s', not 1 to 512", id,
			st.val[ri + 3]);
	else if (bulk > 1 && (ai < 0 || (strcmp(st.val[ai], "cache") &&
					 strcmp(st.val[ai], "pages")) ||
			      ni < 0 || strcmp(st.val[ni], "any")))
		problem("tests/%u/stats: bulk %lld with alloc=%s, node %s (cache or pages, no node)",
			id, bulk, ai < 0 ? "(none)" : st.val[ai],
			ni < 0 ? "(none)" : st.val[ni]);
	else if (want_bulk && (uint64_t)bulk != want_bulk)
		problem("tests/%u/stats: bulk %lld, the model says %" PRIu64,
			id, bulk, want_bulk);
	else if (bulk > 1 && over < TEST_DEBUGFS + BULK_SLOT * bulk)
		problem("tests/%u/stats: overhead_bytes %lld with bulk %lld: less than its debugfs files and %d bytes a slot",
			id, over, bulk, BULK_SLOT);
	check_vm(id, &st);
	si = stat_at(&st, "state");
	if (quiet && (si < 0 || !strcmp(st.val[si], "running") || held || ch ||
		      chunks))
		problem("tests/%u/stats: %s after it was stopped, held %lld, charged %lld, chunks %lld",
			id, si < 0 ? "no state" : st.val[si], held, ch, chunks);
	return over;
}

/* The oldest test a fuzzed command started goes. */
static void ring_evict(void)
{
	unsigned int id = g.ring[0];

	if (!g.nr_ring)
		return;
	g.nr_ring--;
	memmove(g.ring, g.ring + 1, sizeof(g.ring[0]) * g.nr_ring);
	hk_cmd(TEST_DESTROY, "%u\n", id);
}

/* ---- the bench ------------------------------------------------------ */

/*
 * The run a start the model parsed asks for: its settings, and its
 * threads' CPUs (SPEC: "cpu="): the first at cpu= (default: the first
 * online), thread i on the i-th online CPU from there, wrapping around.
 */
static void bench_from_verdict(const struct verdict *v, struct bench_run *r)
{
	unsigned int i;
	int first = 0;

	memset(r, 0, sizeof(*r));
	r->known = v->parsed && v->cls != BAD;
	if (!r->known)
		return;
	r->kind = v->kind;
	r->pattern = v->pattern;
	r->size = v->size;
	r->count = v->count;
	r->threads = v->threads;
	r->sample = v->sample;
	r->time = v->time;
	r->bulk = v->bulk;
	r->sheaf = v->sheaf;
	r->rcu = v->rcu;
	r->reserve = want_reserve(v);
	/* a mempool's reserve the model does not know: nor the settings */
	if (r->kind == K_MEMPOOL && !r->reserve)
		r->known = false;
	gfp_string(v, r->gfp, sizeof(r->gfp));
	if (v->opts & 1U << O_CPU)
		first = online_index(v->cpu);
	r->cpus_known = g.nonline && first >= 0 && v->threads <= MAX_ONLINE;
	for (i = 0; r->cpus_known && i < v->threads; i++)
		r->cpu[i] = g.online[(first + i) % g.nonline];
}

/* The CPUs of @r's threads as a list of ranges, "0-1,3": ascending. */
static void bench_cpu_ranges(const struct bench_run *r, char *buf,
			     size_t size)
{
	bool on[MAX_ONLINE] = { false };
	unsigned int i, j, n = 0;

	buf[0] = '\0';
	for (i = 0; i < r->threads; i++)
		if (r->cpu[i] < MAX_ONLINE)
			on[r->cpu[i]] = true;
	for (i = 0; i < MAX_ONLINE; i = j) {
		for (; i < MAX_ONLINE && !on[i]; i++)
			;
		if (i == MAX_ONLINE)
			break;
		for (j = i; j < MAX_ONLINE && on[j]; j++)
			;
		n += snprintf(buf + n, n < size ? size - n : 0, "%s%u", n ? "," : "", i);
		if (j - 1 > i)
			n += snprintf(buf + n, n < size ? size - n : 0, "-%u", j - 1);
	}
}

/* What a start answers (SPEC: "bench"): the run's settings, its CPUs. */
static void bench_answer(const struct bench_run *r, char *buf, size_t size)
{
	char cpus[256], bulk[64] = "";
	int n = 0;

	bench_cpu_ranges(r, cpus, sizeof(cpus));
	if (r->bulk > 1)
		n = snprintf(bulk, sizeof(bulk), " bulk=%" PRIu64, r->bulk);
	if (r->sheaf)
		n += snprintf(bulk + n, sizeof(bulk) - n, " sheaf=%" PRIu64,
			      r->sheaf);
	if (r->rcu)
		n += snprintf(bulk + n, sizeof(bulk) - n, " release=rcu");
	if (r->reserve)
		snprintf(bulk + n, sizeof(bulk) - n, " reserve=%" PRIu64,
			 r->reserve);
	snprintf(buf, size, "bench started: alloc=%s size=%" PRIu64 " count=%" PRIu64 " threads=%" PRIu64 " pattern=%s sample=%" PRIu64 " time=%" PRIu64 "%s cpus=%s\n",
		 kinds[r->kind], r->size, r->count, r->threads,
		 patterns[r->pattern], r->sample, r->time, bulk, cpus);
}

/* bench_result: its "key: value" lines, in order. */
#define BRES_LINES	(64 + 4 * MAX_ONLINE)
struct bres {
	unsigned int n;
	char key[BRES_LINES][32];
	char val[BRES_LINES][96];
};

/* Read bench_result.  Return: NULL, or what is wrong with its shape. */
static const char *read_bres(struct bres *r)
{
	static char buf[BRES_LINES * 64];
	char *line, *next, *colon;

	r->n = 0;
	if (pread_str(g.bres_fd, buf, sizeof(buf)) <= 0)
		return "it cannot be read";
	for (line = buf; *line; line = next) {
		next = strchr(line, '\n');
		if (!next)
			return "a line without its newline";
		*next++ = '\0';
		colon = strstr(line, ": ");
		if (!colon)
			return "a line that is not 'key: value'";
		if (r->n == BRES_LINES)
			return "too many lines";
		*colon = '\0';
		snprintf(r->key[r->n], sizeof(r->key[0]), "%.31s", line);
		snprintf(r->val[r->n], sizeof(r->val[0]), "%.95s", colon + 2);
		r->n++;
	}
	return NULL;
}

/* The value of @key, or NULL. */
static const char *bres_val(const struct bres *r, const char *key)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->key[i], key))
			return r->val[i];
	return NULL;
}

/* The figure of @key (0 when it is none: its shape is checked apart). */
static uint64_t bres_num(const struct bres *r, const char *key)
{
	const char *s = bres_val(r, key);
	uint64_t v = 0;

	if (!s || !all_digits(s) || !dec_u64(s, &v))
		return 0;
	return v;
}

/* The keys of bench_result, in the documented order (SPEC). */
static const char *const bres_head[] = {
	"state", "end", "alloc", "size", "count", "threads", "pattern", "gfp",
	"sample", "time_s", "bulk", "sheaf", "release", "reserve", "cpus",
	"elapsed_ns", "ops",
	"alloc_ops",
	"free_ops", "errors", "ops_per_sec", "ns_per_op", "harness_ns_per_op",
	"harness_pct",
};
#define BRES_SETTINGS	15	/* state .. cpus: words and settings */
static const char *const bres_hists[] = {
	"alloc", "free", "harness_alloc", "harness_free",
};
static const char *const bres_hist_keys[] = {
	"samples", "mean_ns", "min_ns", "p50_ns", "p90_ns", "p99_ns",
	"p999_ns", "max_ns",
};
static const char *const bres_thread_keys[] = {
	"cpu", "ops", "elapsed_ns", "ops_per_sec",
};
static const char *const bres_tail[] = {
	"bare_ops", "bare_ns_per_op", "vs_bare_pct", "peak_held_bytes",
	"peak_slab_bytes", "peak_free_drop_bytes", "idle_slab_bytes",
};

/* The key bench_result prints at line @i, for a run of @threads. */
static void bres_key(unsigned int i, uint64_t threads, char *key, size_t size)
{
	const unsigned int nh = ARRAY_SIZE(bres_head);
	const unsigned int nk = ARRAY_SIZE(bres_hist_keys);
	const unsigned int nt = ARRAY_SIZE(bres_thread_keys);

	if (i < nh) {
		snprintf(key, size, "%s", bres_head[i]);
		return;
	}
	i -= nh;
	if (i < ARRAY_SIZE(bres_hists) * nk) {
		snprintf(key, size, "%s_%s", bres_hists[i / nk],
			 bres_hist_keys[i % nk]);
		return;
	}
	i -= ARRAY_SIZE(bres_hists) * nk;
	if (i < threads * nt) {
		snprintf(key, size, "thread%u_%s", i / nt,
			 bres_thread_keys[i % nt]);
		return;
	}
	i -= (unsigned int)threads * nt;
	snprintf(key, size, "%s", i < ARRAY_SIZE(bres_tail) ? bres_tail[i] :
		 "(none)");
}

enum { W_IDLE, W_RUNNING, W_DONE, W_STOPPED };
static const char *const w_names[] = { "idle", "running", "done", "stopped" };
/* the reasons the allocation phase may have ended, as bits */
#define E_COUNT		0x1
#define E_TIME		0x2
#define E_STOP		0x4

/* Is @a within 1 of @num * 100 / @den (0 when @den is)? */
static bool pct_ok(uint64_t a, uint64_t num, uint64_t den)
{
	uint64_t p = den ? sat_mul(num, 100) / den : 0;

	return a == p || a + 1 == p || a == p + 1;
}

/*
 * bench_result, read into @r (SPEC: "bench_result and bench_latency"),
 * must show the run we know of in state @want (W_DONE or W_STOPPED, or
 * W_RUNNING; or W_IDLE before any run), its phase ended by one of @ends.
 * Return: NULL, or what is wrong, in a static buffer.
 */
static const char *bres_problem(const struct bres *r, int want,
				unsigned int ends)
{
	static char why[400];
	const struct bench_run *br = &g.brun;
	const char *st, *end;
	uint64_t thr, ops, aops, fops, errs, iters, makers, calls, v, sum = 0;
	uint64_t h[8];
	unsigned int i, k, nlines;
	char key[48], want_v[128];
	bool base_kernel;

	st = bres_val(r, "state");
	if (want == W_IDLE) {
		if (r->n != 1 || !st || strcmp(st, "idle"))
			return "not 'state: idle' before any run";
		return NULL;
	}
	if (r->n < ARRAY_SIZE(bres_head) || !st)
		return "too few lines";
	thr = bres_num(r, "threads");
	if (thr > MAX_ONLINE)
		return "more threads than CPUs can be";
	nlines = ARRAY_SIZE(bres_head) + ARRAY_SIZE(bres_hists) *
		 ARRAY_SIZE(bres_hist_keys) + (unsigned int)thr *
		 ARRAY_SIZE(bres_thread_keys) + ARRAY_SIZE(bres_tail);
	for (i = 0; i < r->n && i < nlines; i++) {
		bres_key(i, thr, key, sizeof(key));
		if (strcmp(r->key[i], key)) {
			snprintf(why, sizeof(why), "line %u is '%s', not '%s' (bare_ops, bare_ns_per_op and vs_bare_pct are documented)",
				 i + 1, r->key[i], key);
			return why;
		}
		/* every figure, and the settings that are numbers */
		if ((i >= BRES_SETTINGS || (i >= 3 && i <= 5) ||
		     (i >= 8 && i <= 11) || i == 13) &&
		    (!all_digits(r->val[i]) || !dec_u64(r->val[i], &v))) {
			snprintf(why, sizeof(why), "%s is '%s', not a number",
				 key, r->val[i]);
			return why;
		}
	}
	if (r->n != nlines) {
		snprintf(why, sizeof(why), "%u lines, not %u for %" PRIu64 " threads",
			 r->n, nlines, thr);
		return why;
	}
	if (strcmp(st, w_names[want])) {
		snprintf(why, sizeof(why), "state '%s', not '%s'", st,
			 w_names[want]);
		return why;
	}
	/* the settings, as the model has them */
	if (br->known) {
		struct { const char *key; char val[128]; } set[13];
		unsigned int n = 0;
		size_t o = 0;

		snprintf(set[n].val, sizeof(set[0].val), "%s", kinds[br->kind]);
		set[n++].key = "alloc";
		snprintf(set[n].val, sizeof(set[0].val), "%" PRIu64, br->size);
		set[n++].key = "size";
		snprintf(set[n].val, sizeof(set[0].val), "%" PRIu64, br->count);
		set[n++].key = "count";
		snprintf(set[n].val, sizeof(set[0].val), "%" PRIu64, br->threads);
		set[n++].key = "threads";
		snprintf(set[n].val, sizeof(set[0].val), "%s",
			 patterns[br->pattern]);
		set[n++].key = "pattern";
		snprintf(set[n].val, sizeof(set[0].val), "%s", br->gfp);
		set[n++].key = "gfp";
		snprintf(set[n].val, sizeof(set[0].val), "%" PRIu64, br->sample);
		set[n++].key = "sample";
		snprintf(set[n].val, sizeof(set[0].val), "%" PRIu64, br->time);
		set[n++].key = "time_s";
		snprintf(set[n].val, sizeof(set[0].val), "%" PRIu64, br->bulk);
		set[n++].key = "bulk";
		snprintf(set[n].val, sizeof(set[0].val), "%" PRIu64, br->sheaf);
		set[n++].key = "sheaf";
		snprintf(set[n].val, sizeof(set[0].val), "%s",
			 br->rcu ? "rcu" : "now");
		set[n++].key = "release";
		snprintf(set[n].val, sizeof(set[0].val), "%" PRIu64,
			 br->reserve);
		set[n++].key = "reserve";
		want_v[0] = '\0';
		for (i = 0; br->cpus_known && i < br->threads; i++)
			o += snprintf(want_v + o, o < sizeof(want_v) ?
				      sizeof(want_v) - o : 0, "%s%u",
				      i ? "," : "", br->cpu[i]);
		snprintf(set[n].val, sizeof(set[0].val), "%s", want_v);
		set[n++].key = br->cpus_known ? "cpus" : NULL;
		for (i = 0; i < n; i++) {
			if (!set[i].key ||
			    !strcmp(bres_val(r, set[i].key), set[i].val))
				continue;
			snprintf(why, sizeof(why), "%s is '%s', the run asked '%s'",
				 set[i].key, bres_val(r, set[i].key),
				 set[i].val);
			return why;
		}
		for (i = 0; br->cpus_known && i < br->threads; i++) {
			snprintf(key, sizeof(key), "thread%u_cpu", i);
			if (bres_num(r, key) != br->cpu[i]) {
				snprintf(why, sizeof(why), "%s is %" PRIu64 ", not %u",
					 key, bres_num(r, key), br->cpu[i]);
				return why;
			}
		}
	}
	end = bres_val(r, "end");
	if (want == W_RUNNING) {
		/* every figure 0 but each thread's CPU */
		if (strcmp(end, "-"))
			return "running, but end is not '-'";
		for (i = BRES_SETTINGS; i < r->n; i++)
			if (!strstr(r->key[i], "_cpu") && bres_num(r, r->key[i])) {
				snprintf(why, sizeof(why), "running, yet %s is %s, not 0",
					 r->key[i], r->val[i]);
				return why;
			}
		return NULL;
	}
	if (!(!strcmp(end, "count") && (ends & E_COUNT)) &&
	    !(!strcmp(end, "time") && (ends & E_TIME)) &&
	    !(!strcmp(end, "stop") && (ends & E_STOP))) {
		snprintf(why, sizeof(why), "%s, but end is '%s'", st, end);
		return why;
	}
	ops = bres_num(r, "ops");
	aops = bres_num(r, "alloc_ops");
	fops = bres_num(r, "free_ops");
	errs = bres_num(r, "errors");
	iters = aops + errs;
	if (ops != aops + fops || fops != aops) {
		snprintf(why, sizeof(why), "ops %" PRIu64 ", alloc_ops %" PRIu64 ", free_ops %" PRIu64 ": not ops = alloc_ops + free_ops, free_ops = alloc_ops",
			 ops, aops, fops);
		return why;
	}
	/* with pattern=remote, half the threads allocate */
	makers = br->pattern == PAT_REMOTE ? br->threads / 2 : br->threads;
	if (br->known && (iters > sat_mul(br->count, makers) ||
			  (!strcmp(end, "count") &&
			   iters != sat_mul(br->count, makers)))) {
		snprintf(why, sizeof(why), "end %s, alloc_ops %" PRIu64 " + errors %" PRIu64 " of count %" PRIu64 " x %" PRIu64 " allocating threads",
			 end, aops, errs, br->count, makers);
		return why;
	}
	for (i = 0; i < thr; i++) {
		snprintf(key, sizeof(key), "thread%u_ops", i);
		sum += bres_num(r, key);
	}
	if (sum != ops) {
		snprintf(why, sizeof(why), "the threads' ops add up to %" PRIu64 ", ops is %" PRIu64,
			 sum, ops);
		return why;
	}
	/* each histogram: empty, or its figures in order */
	for (i = 0; i < ARRAY_SIZE(bres_hists); i++) {
		for (k = 0; k < ARRAY_SIZE(bres_hist_keys); k++) {
			snprintf(key, sizeof(key), "%s_%s", bres_hists[i],
				 bres_hist_keys[k]);
			h[k] = bres_num(r, key);
		}
		if (!h[0] ? h[1] || h[2] || h[3] || h[4] || h[5] || h[6] || h[7] :
		    h[2] > h[3] || h[3] > h[4] || h[4] > h[5] || h[5] > h[6] ||
		    h[6] > h[7] || h[1] < h[2] || h[1] > h[7]) {
			snprintf(why, sizeof(why), "%s: samples %" PRIu64 " mean %" PRIu64 " min %" PRIu64 " p50 %" PRIu64 " p90 %" PRIu64 " p99 %" PRIu64 " p999 %" PRIu64 " max %" PRIu64 " out of order",
				 bres_hists[i], h[0], h[1], h[2], h[3], h[4],
				 h[5], h[6], h[7]);
			return why;
		}
	}
	h[0] = bres_num(r, "alloc_samples");
	h[1] = bres_num(r, "free_samples");
	if (h[0] > aops || h[1] > fops) {
		snprintf(why, sizeof(why), "alloc_samples %" PRIu64 ", free_samples %" PRIu64 ": more than alloc_ops %" PRIu64 ", free_ops %" PRIu64,
			 h[0], h[1], aops, fops);
		return why;
	}
	if (br->known && !br->sample &&
	    (h[0] || h[1] || bres_num(r, "harness_alloc_samples") ||
	     bres_num(r, "harness_free_samples")))
		return "sample=0, yet operations were timed";
	/* the harness phase: as many iterations, when nothing cut it */
	if (br->known && br->sample == 1 && !errs && br->bulk <= 1 &&
	    (h[0] != aops || h[1] != fops ||
	     (want == W_DONE && !strcmp(end, "count") &&
	      bres_num(r, "harness_alloc_samples") != iters)))
		return "sample=1, yet not every operation was timed";
	/* bulk=: sample=1 times every call, of bulk= objects (the last fewer) */
	calls = br->threads * ((br->count + br->bulk - 1) / (br->bulk ? br->bulk : 1));
	if (br->known && br->sample == 1 && !errs && br->bulk > 1 &&
	    want == W_DONE && !strcmp(end, "count") &&
	    (h[0] != calls || h[1] != calls ||
	     bres_num(r, "harness_alloc_samples") != calls))
		return "bulk= and sample=1, yet not every call was timed";
	if (!pct_ok(bres_num(r, "harness_pct"),
		    bres_num(r, "harness_ns_per_op"), bres_num(r, "ns_per_op")))
		return "harness_pct is not harness_ns_per_op over ns_per_op";
	if (!pct_ok(bres_num(r, "vs_bare_pct"), bres_num(r, "ns_per_op"),
		    bres_num(r, "bare_ns_per_op")))
		return "vs_bare_pct is not ns_per_op over bare_ns_per_op";
	/* the bare loop: as many iterations, an allocation and a free each */
	v = bres_num(r, "bare_ops");
	base_kernel = br->known && !strncmp(br->gfp, "kernel,", 7) &&
		      !strstr(br->gfp, "noretry");
	if (v % 2 || v > 2 * iters ||
	    (want == W_DONE && base_kernel && !errs && v != ops)) {
		snprintf(why, sizeof(why), "bare_ops %" PRIu64 ", the allocation phase's ops %" PRIu64 " in %" PRIu64 " iterations",
			 v, ops, iters);
		return why;
	}
	return NULL;
}

/* Check bench_result as @r has it (NULL: read it now) after @when. */
static void bench_check(const char *when, const struct bres *r, int want,
			unsigned int ends)
{
	static struct bres now;
	const char *why = NULL;

	if (!r) {
		why = read_bres(&now);
		r = &now;
	}
	if (!why)
		why = bres_problem(r, want, ends);
	g.bench_results++;
	if (why)
		problem("bench_result after %s: %s", when, why);
}

/*
 * A run ended, in @state, its allocation phase by one of @ends: no run
 * can be going; bench_result shows it so until the next starts.
 */
static void bench_ended(int state, unsigned int ends)
{
	g.bench_st = B_IDLE;
	g.bench_last = state;
	g.bench_last_ends = ends;
	g.bench_done += state == W_DONE;
	g.bench_cut += state == W_STOPPED;
}

/*
 * Wait for the run we started to end by itself, reading bench_result
 * (all 0 while it runs), then check its figures: done, not stopped.
 */
static void bench_wait(void)
{
	const struct timespec pause = { .tv_nsec = 200000 };
	double t0 = now_s();
	unsigned long reads = 0;
	static struct bres r;
	const char *st;

	g.bench_waited++;
	for (;;) {
		if (read_bres(&r) || !(st = bres_val(&r, "state"))) {
			problem("bench_result cannot be read while a run goes");
			hk_cmd(BENCH, "stop\n");
			return;
		}
		if (strcmp(st, "running"))
			break;
		/* the figures while it runs (the same read): now and then */
		if (!(reads++ % 16))
			bench_check("a start, while it runs", &r, W_RUNNING, 0);
		if (now_s() - t0 > BENCH_WAIT_S) {
			problem("a bench of count %" PRIu64 " x %" PRIu64 " threads still runs after %.0f s",
				g.brun.count, g.brun.threads, BENCH_WAIT_S);
			hk_cmd(BENCH, "stop\n");
			return;
		}
		nanosleep(&pause, NULL);
	}
	bench_check("a run that ended by itself", &r, W_DONE, E_COUNT | E_TIME);
	bench_ended(W_DONE, E_COUNT | E_TIME);
	g.bench_secs += now_s() - t0;
}

/*
 * Judge a write of bench beyond the errno and the class: EBUSY only while
 * a run may go, and certain in the first BENCH_SURE_S of the long one
 * (its write returned by then: its check came before); a stop's answer; a
 * start's answer, its settings.  Then follow where the bench stands.
 * @t_call, @t_ret: when the write was made, and when it returned.
 */
static void bench_judge(const struct target *t, const unsigned char *b,
			size_t len, const struct verdict *v, bool accepted,
			int err, const char *ans, double t_call, double t_ret)
{
	bool sure = g.bench_st == B_SURE && t_ret - g.bench_t0 < BENCH_SURE_S;
	struct bench_run run;
	unsigned int ends;
	char want[256];

	if (!accepted && err == EBUSY) {
		g.bench_busy++;
		if (v->stop || g.bench_st == B_IDLE)
			unexpected(t, b, len, "refused with EBUSY, but %s",
				   v->stop ? "stop is never refused" :
				   "no run can be going");
	}
	if (v->cls == OK && !v->stop && sure && !accepted && err == EBUSY)
		g.bench_busy_sure++;
	if (v->cls != BAD && !v->stop && sure && accepted)
		unexpected(t, b, len, "accepted %.3f s into a run that cannot end in 1 s: EBUSY is certain (answer '%.80s')",
			   t_ret - g.bench_t0, ans);
	if (v->stop && !accepted)
		unexpected(t, b, len, "stop refused with %s", err_name(err));
	if (!accepted)
		return;
	if (v->stop) {
		bool cut = !strcmp(ans, "stopped\n");

		if (!cut && strcmp(ans, "no bench running\n"))
			unexpected(t, b, len, "stop answered '%.80s', not 'stopped' or 'no bench running'",
				   ans);
		else if (sure && !cut)
			unexpected(t, b, len, "stop answered 'no bench running' %.3f s into a run that cannot end in 1 s",
				   t_ret - g.bench_t0);
		else if (g.bench_st == B_IDLE && cut)
			unexpected(t, b, len, "stop answered 'stopped', but no run can be going");
		g.bench_stops++;
		g.bench_stop_sure += sure;
		/* no run: the last one's figures stay as they were */
		if (g.bench_st == B_IDLE) {
			if (g.bench_ever)
				bench_check("a stop with no run going", NULL,
					    g.bench_last, g.bench_last_ends);
			else
				bench_check("a stop before any run", NULL,
					    W_IDLE, 0);
			return;
		}
		/* what the run shows, once stop returned: it has ended */
		ends = !cut ? E_COUNT | E_TIME :
		       sure ? E_STOP : E_COUNT | E_TIME | E_STOP;
		bench_check(sure ? "a stop within the run's first second" :
			    cut ? "a stop that cut a run" :
			    "a stop after the run ended by itself", NULL,
			    cut ? W_STOPPED : W_DONE, ends);
		bench_ended(cut ? W_STOPPED : W_DONE, ends);
		return;
	}
	bench_from_verdict(v, &run);
	if (run.known && run.cpus_known) {
		bench_answer(&run, want, sizeof(want));
		if (strcmp(ans, want))
			unexpected(t, b, len, "answered '%.160s', the model says '%.160s'",
				   ans, want);
	} else if (strncmp(ans, "bench started: ", 15)) {
		unexpected(t, b, len, "answered '%.80s', not 'bench started: ...'",
			   ans);
	}
	g.brun = run;
	g.bench_ever = true;
	g.bench_started++;
	g.bench_st = g.bench_probe ? B_SURE : B_MAYBE;
	if (g.bench_probe)
		g.bench_t0 = t_call;
}

/*
 * A run we started, not the long one: ended before the next write.  A
 * short one (a few thousand iterations of small chunks) is waited for,
 * half the time; the others are stopped.
 */
static void bench_end_run(void)
{
	const struct bench_run *r = &g.brun;

	if (g.bench_st != B_MAYBE)
		return;
	if (r->known && sat_mul(r->count, r->threads) <= 1024 &&
	    counted(r->kind, r->size) <= 16384 && rndn(2))
		bench_wait();
	else
		hk_cmd(BENCH, "stop\n");
}

/* mempool_reserve, as the parameter reads now (0: not known). */
static void read_reserve(void)
{
	char val[64];

	if (read_param(&targets[P_RESERVE], val, sizeof(val)) ||
	    !all_digits(val) || !dec_u64(val, &g.mempool_reserve) ||
	    g.mempool_reserve > RESERVE_MAX)
		g.mempool_reserve = 0;
}

/* pressure_margin, as the parameter reads now (0: not known). */
static void read_margin(void)
{
	char val[64];

	if (read_param(&targets[P_MARGIN], val, sizeof(val)) ||
	    !all_digits(val) || !dec_u64(val, &g.margin))
		g.margin = 0;
}

/* After an accepted write: follow ids, parameters, the tests we need. */
static void after_accepted(struct target *t, const struct verdict *v,
			   long long num)
{
	char val[64], state[32];
	unsigned long long allocs;
	unsigned int i;

	switch (t - targets) {
	case MEM_ALLOC:
	case MEM_RND:
		if (v->parsed)
			g.kept_kinds |= 1U << v->kind;
		else
			g.kept_kinds = (1U << NR_KINDS) - 1;
		break;
	case TEST_START:
		g.last_id = (unsigned int)num;
		if (v->parsed)
			gfp_remember((unsigned int)num, v);
		check_stats((unsigned int)num, false);
		if (g.hk_mode)
			break;
		/*
		 * max_tests is as many as the fuzzer keeps: when the ring is
		 * full the next start is refused, then the oldest goes.  It is
		 * full now only when a background test is missing.
		 */
		if (g.nr_ring == NR_RING)
			ring_evict();
		g.ring[g.nr_ring++] = (unsigned int)num;
		break;
	case TEST_STOP:
	case TEST_DESTROY:
	case DESTROY_ALL:
		/* stopped or gone: it makes no bulk call any more */
		if (t - targets == DESTROY_ALL)
			g.nr_bulk = 0;
		else if (v->parsed)
			bulk_forget((unsigned int)v->val[0]);
		if (g.hk_mode)
			break;
		if (t - targets == DESTROY_ALL)
			g.nr_ring = 0;
		for (i = 0; i < g.nr_ring && v->parsed; i++) {
			if (g.ring[i] != v->val[0] || t - targets != TEST_DESTROY)
				continue;
			memmove(g.ring + i, g.ring + i + 1,
				sizeof(g.ring[0]) * (g.nr_ring - i - 1));
			g.nr_ring--;
			break;
		}
		for (i = 0; i < NR_BG; i++) {
			test_state(g.bg[i], state, sizeof(state), &allocs);
			if (strcmp(state, "running"))
				restart_bg(i);
		}
		break;
	case BENCH:
		if (!v->stop)
			bench_end_run();
		break;
	case P_ALLOC:
		if (!read_param(t, val, sizeof(val)) && kind_of(val) >= 0)
			g.default_kind = kind_of(val);
		break;
	case P_RESERVE:
		/* the pools made from now on keep so many (0: not known) */
		read_reserve();
		break;
	case P_MARGIN:
		/*
		 * avail= is held to it from now on (0: not known); far above
		 * the default, ours again, so that targets above MemAvailable
		 * are not all below it
		 */
		read_margin();
		if (!g.hk_mode && (!g.margin || g.margin > 4 * g.margin0)) {
			hk_cmd(P_MARGIN, "%" PRIu64 "\n", g.margin0);
			read_margin();
		}
		break;
	case P_MAX_BYTES:
		/* ours again at once, so that what is accepted stays small */
		if (!g.hk_mode)
			hk_cmd(P_MAX_BYTES, "%" PRIu64 "\n", g.max_bytes);
		break;
	case P_MAX_ATOMIC:
		if (!g.hk_mode)
			hk_cmd(P_MAX_ATOMIC, "%" PRIu64 "\n", g.max_atomic);
		break;
	case P_MAX_TESTS:
		if (!g.hk_mode)
			hk_cmd(P_MAX_TESTS, "%" PRIu64 "\n", g.max_tests);
		break;
	}
}

/*
 * One write, judged: the errno, the answer read back on the same fd,
 * mem_used after it.
 */
static void send_one(struct target *t, const unsigned char *b, size_t len,
		     bool want_bad)
{
	struct counts *c[2] = { &t->c, &g.c };
	struct verdict v;
	struct used now;
	char ans[ANS_LEN], msg[200];
	const char *why;
	long long num = 0, rec[4] = { 0 };
	ssize_t ret, n = 0;
	double t0, t_call, t_ret;
	int err = 0;
	bool accepted;
	size_t i, k;

	if (t->param)
		classify_param(t, b, len, &v);
	else
		classify_cmd(t, b, len, &v);
	if (g.hk_mode) {
		g.hk++;
	} else {
		for (i = 0; i < len; i++)
			g.hash = (g.hash ^ b[i]) * 0x100000001b3ULL;
		g.hash = (g.hash ^ (uint64_t)(t - targets)) * 0x100000001b3ULL;
		g.hash = (g.hash ^ len) * 0x100000001b3ULL;
		if (want_bad && v.cls != BAD) {
			g.selfcheck++;
			unexpected(t, b, len, "fuzzer self-check: built to be malformed, the model says %s",
				   cls_name[v.cls]);
		}
	}
	g.index++;
	g.flagged = false;
	if (g.trace) {
		char e[120];

		escape(b, len, e, sizeof(e));
		printf("mtfuzz: trace %llu %s %s %zu '%s'\n", g.index, t->name,
		       cls_name[v.cls], len, e);
		fflush(stdout);
	}

	t0 = t_call = now_s();
	if (t->param)
		ret = pwrite(t->fd, b, len, 0);
	else
		ret = write(t->fd, b, len);
	if (ret < 0)
		err = errno;
	t_ret = now_s();
	accepted = ret >= 0;
	ans[0] = '\0';
	if (!t->param && !t->wronly) {
		n = read(t->fd, ans, sizeof(ans) - 1);
		if (n < 0) {
			unexpected(t, b, len, "reading the answer failed: %s",
				   strerror(errno));
			n = 0;
		}
		ans[n] = '\0';
	}
	t0 = now_s() - t0;
	if (t - targets == BENCH)
		g.bench_secs += t0;
	why = read_used(&now);
	if (why) {
		unexpected(t, b, len, "mem_used cannot be read or parsed: %s",
			   why);
		return;
	}
	escape((unsigned char *)ans, (size_t)n, msg, 120);

	if (!g.hk_mode) {
		for (k = 0; k < 2; k++) {
			c[k]->sent++;
			c[k]->secs += t0;
			if (!len) {
				c[k]->noop++;
				continue;
			}
			c[k]->cls[v.cls]++;
			if (accepted)
				c[k]->accepted++;
			else
				c[k]->refused++;
			if (!accepted && v.cls == BAD && err == EINVAL)
				c[k]->bad_refused++;
			for (i = 0; i < ARRAY_SIZE(errnos); i++)
				if (!accepted && err == errnos[i])
					c[k]->err[i]++;
		}
	}

	if (!len) {
		if (ret != 0)
			unexpected(t, b, len, "a write of 0 bytes returned %zd (%s)",
				   ret, ret < 0 ? err_name(err) : "a count");
		if (n)
			unexpected(t, b, len, "a write of 0 bytes, then the read gave '%s'",
				   msg);
		if (now.v[U_KC] != g.prev.v[U_KC] ||
		    now.v[U_KB] != g.prev.v[U_KB] ||
		    now.v[U_KCH] != g.prev.v[U_KCH] ||
		    now.v[U_TESTS] != g.prev.v[U_TESTS])
			unexpected(t, b, len, "a write of 0 bytes changed what is kept, or the tests");
		check_used(t, b, len, &now, 0);
		g.prev = now;
		if (!g.hk_mode && g.meminfo_every &&
		    g.c.sent % g.meminfo_every == 0)
			check_meminfo();
		return;
	}

	if (accepted && (size_t)ret != len)
		unexpected(t, b, len, "a short write: %zd of %zu bytes", ret,
			   len);
	for (i = 0; !accepted && i < ARRAY_SIZE(errnos); i++)
		if (err == errnos[i])
			break;
	if (!accepted && (i == ARRAY_SIZE(errnos) || !(t->errs & (1U << i))))
		unexpected(t, b, len, "refused with %s, which the documentation does not give %s (answer '%s')",
			   err_name(err), t->name, msg);
	if (v.cls == BAD && accepted)
		unexpected(t, b, len, "malformed (%s) but accepted (answer '%s')",
			   v.why, msg);
	else if (v.cls == BAD && err != EINVAL)
		unexpected(t, b, len, "malformed (%s) but refused with %s, not EINVAL (answer '%s')",
			   v.why, err_name(err), msg);
	if (v.cls == OK && !accepted && err == EINVAL)
		unexpected(t, b, len, "well-formed but refused with EINVAL (answer '%s')",
			   msg);
	/* what cannot fit: ENOSPC (EINVAL too, if uncertain) */
	if (v.nospc && v.cls != BAD && !g.hk_mode) {
		g.nospc++;
		g.nospc_ok += !accepted && err == ENOSPC;
		g.nospc_tests += v.nospc_tests && !accepted && err == ENOSPC;
	}
	/* bench: EBUSY or ENOSPC first while a run goes (SPEC: no order) */
	if (v.nospc && v.cls != BAD &&
	    (accepted || (err != ENOSPC && (v.cls != MAYBE || err != EINVAL) &&
			  (err != EBUSY || g.bench_st == B_IDLE))))
		unexpected(t, b, len, "%s (%s), but %s%s (answer '%s')",
			   v.nospc, "ENOSPC is certain",
			   accepted ? "accepted" : "refused with ",
			   accepted ? "" : err_name(err), msg);

	if (!t->param && !t->wronly) {
		why = answer_problem(t, &v, accepted, err, ans, (size_t)n,
				     &num, rec);
		if (why)
			unexpected(t, b, len, "the answer is %s: '%s'", why, msg);
	}
	/*
	 * avail=: each class, and whether the module did as the model says;
	 * of mem_alloc's targets, those no other refusal came before
	 */
	if (!g.hk_mode && v.av != AV_NONE && v.av != AV_GIVEN &&
	    (v.av_decides || v.av == AV_ELSEWHERE || v.av == AV_BAD_VALUE)) {
		g.av_sent[v.av]++;
		g.av_ok[v.av] += v.av == AV_FAR ?
				 accepted && !rec[0] && !rec[3] :
				 !accepted && err == EINVAL;
	}
	/* a test of bulk calls: its reserves may show from now on */
	if (accepted && t - targets == TEST_START && v.parsed && v.bulk > 1) {
		bulk_follow((unsigned int)num, v.val[5]);
		g.bulk_started += !g.hk_mode;
	}
	if (t - targets == BENCH)
		bench_judge(t, b, len, &v, accepted, err, ans, t_call, t_ret);
	if (!t->param) {
		why = kept_problem(t, &v, accepted, err, num, rec, &now,
				   msg, sizeof(msg));
		if (why)
			unexpected(t, b, len, "%s", why);
	} else if (now.v[U_KC] != g.prev.v[U_KC] ||
		   now.v[U_KB] != g.prev.v[U_KB]) {
		unexpected(t, b, len, "a parameter write changed what is kept");
	}
	why = kept_fp_problem(t, &v, accepted, err, num, rec, &now, msg,
			      sizeof(msg));
	if (why)
		unexpected(t, b, len, "%s", why);
	if (!accepted && now.v[U_TESTS] != g.prev.v[U_TESTS])
		unexpected(t, b, len, "refused, yet tests went from %lld to %lld",
			   g.prev.v[U_TESTS], now.v[U_TESTS]);
	/* an accepted cap is ours again right after */
	check_used(t, b, len, &now,
		   accepted && t->param ? 1U << (t - targets) : 0);
	g.prev = now;
	/* the allocators kept chunks may be of, for mem_realloc's limit */
	if (now.v[U_KC] > 0 && t - targets == MEM_RND &&
	    (err == ENOMEM || err == EINTR))
		g.kept_kinds |= v.parsed ? 1U << v.kind : (1U << NR_KINDS) - 1;
	if (accepted && !g.hk_mode && v.parsed && t->opts) {
		for (i = 0; i < NR_OPTS; i++)
			g.with_opt[i] += !!(v.opts & (1U << i));
		g.with_kind[v.kind]++;
		g.nmi_started += t - targets == TEST_START && v.nmi;
	}
	/* the kernel's counters, after every --meminfo-every fuzzed writes */
	if (!g.hk_mode && g.meminfo_every && g.c.sent % g.meminfo_every == 0)
		check_meminfo();
	if (accepted)
		after_accepted(t, &v, num);
	else if (v.nospc_tests && err == ENOSPC && !g.hk_mode)
		ring_evict();	/* room for the next */
	if (!now.v[U_KC])
		g.kept_kinds = 0;
}

/* ---- housekeeping --------------------------------------------------- */

/* A command of ours: judged like the others, counted apart. */
static void hk_cmd(unsigned int target, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	bool was = g.hk_mode;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	g.hk_mode = true;
	send_one(&targets[target], (unsigned char *)buf, strlen(buf), false);
	g.hk_mode = was;
}

/* (Re)start background test @i: small sizes, 1 to 2 ms intervals. */
static void restart_bg(unsigned int i)
{
	unsigned long long allocs;
	char state[32];

	if (g.bg[i]) {
		test_state(g.bg[i], state, sizeof(state), &allocs);
		g.bg_allocs += allocs;
		hk_cmd(TEST_DESTROY, "%u\n", g.bg[i]);
		g.bg_restarts++;
	}
	g.bg[i] = 0;
	g.last_id = 0;
	hk_cmd(TEST_START, "1 4 64 1 2 3600000 k alloc=%s\n", kinds[i % 3]);
	if (!g.last_id) {
		/* refused (ENOSPC): make room, and once more */
		ring_evict();
		if (g.prev.v[U_KCH] > (long long)(g.max_bytes / 4))
			hk_cmd(MEM_FREE, "\n");
		hk_cmd(TEST_START, "1 4 64 1 2 3600000 k alloc=%s\n",
		       kinds[i % 3]);
	}
	g.bg[i] = g.last_id;
}

/* ---- generators ----------------------------------------------------- */

static const char *const tricky_nums[] = {
	"18446744073709551616", "18446744073709551615", "18446744073709551617",
	"99999999999999999999", "340282366920938463463374607431768211456",
	"-1", "-0", "+5", "+0", "0x10", "0X10", "1e9", "1E3", "007", "0",
	"00", "4294967295", "4294967296", "9223372036854775807",
	"9223372036854775808", "1.5", "1,5", "10k", "1_000", "--1", "++1",
	"+", "-", "0b101", "0o7", "inf", "NaN", "4194304", "4194305",
	"2147483647", "2147483648", "72057594037927935", "72057594037927936",
	"4611686018427", "4611686018428", "1", "2", "64", "4096",
};

static const char *const junk_units[] = {
	"kb", "KB", "KiB", "kib", "kk", "x", "q", "t", "T", "p", "P", "e",
	"E", "bytes", "byte", "M1", "mb", "gb", "B1", "K.", "%", "\xb5",
	"\xc2\xb5", "kK", "k-", "-k", "k+", "ki", "G2",
};

static const char *const units[] = { "b", "B", "k", "K", "m", "M", "g", "G" };

/*
 * Options, valid or not.  Every gfp= here that a command may take has
 * nowarn: no failed allocation prints the kernel's report.
 */
static const char *const opts_any[] = {
	"alloc=kmalloc", "alloc=vmalloc", "alloc=kvmalloc", "alloc=bogus",
	"alloc=", "alloc==kmalloc", "=kmalloc", "ALLOC=kmalloc",
	"alloc=KMALLOC", "alloc=kmalloc=", "alloc=slab", "foo=bar",
	"alloc2=kmalloc", "size=10", "=", "alloc=kmalloc,vmalloc",
	"alloc=kvmalloc\xff", "Alloc=vmalloc", "alloc=k", "alloc=vmallocc",
	"alloc=pages", "alloc=cache", "alloc=percpu", "alloc=page",
	"gfp=kernel,nowarn", "gfp=atomic,nowarn", "gfp=nowait,nowarn,zero",
	"gfp=nowarn", "gfp=zero,nowarn", "gfp=nowarn,account",
	"gfp=kernel,noretry,nowarn", "gfp=retry_mayfail,nowarn",
	"gfp=atomic,noretry,nowarn", "gfp=kernel,nofail,nowarn",
	"gfp=", "gfp=kernel,atomic", "gfp=nowarn,nowarn", "gfp=KERNEL",
	"gfp=kernel,,nowarn", "gfp=,nowarn", "gfp=nowarn,", "gfp=gfp_kernel",
	"gfp==kernel", "gfp=kernel;nowarn", "Gfp=nowarn",
	"node=0", "node=00", "node=+0", "node=1", "node=", "node=x",
	"node=-1", "node=4294967296", "node=0x0", "node=1e3", "NODE=0",
	"nodes=0", "node=4294967295",
	"ctx=work", "ctx=timer", "ctx=softirq", "ctx=irqoff", "ctx=nmi",
	"ctx=", "ctx=irq", "ctx=Timer", "ctx=soft", "ctx=irq_off",
	"ctx=hardirq", "ctx=NMI",
	"cpu=0", "cpu=1", "cpu=+1", "cpu=", "cpu=-0", "cpu=99999999999",
	"cpu=one", "cpu=100000",
	"free=all", "free=random", "free=fifo", "free=lifo", "free=",
	"free=none", "free=FIFO", "free=lifo,fifo",
	"alloc=mempool", "alloc=mem_pool", "reserve=1", "reserve=4",
	"reserve=1024", "reserve=0", "reserve=1025", "reserve=",
	"bulk=1", "bulk=8", "bulk=512", "bulk=0", "bulk=513", "bulk=",
	"avail=0", "avail=1", "avail=1k", "avail=18446744073709551615",
	"avail=4611686018427387904", "avail=17179869183G", "avail=",
	"avail=x", "avail=1.5g",
};

/* Options no command takes as they are. */
static const char *const opts_bad[] = {
	"alloc=bogus", "alloc=", "alloc==kmalloc", "=kmalloc", "ALLOC=kmalloc",
	"alloc=KMALLOC", "alloc=kmalloc=", "alloc=slab", "foo=bar",
	"alloc2=kmalloc", "size=10", "=", "alloc=kmalloc,vmalloc",
	"alloc=kvmalloc\xff", "Alloc=vmalloc", "alloc=k", "alloc=vmallocc",
	"alloc=page", "alloc=Percpu",
	"gfp=", "gfp=kernel,atomic", "gfp=atomic,atomic", "gfp=nowarn,nowarn",
	"gfp=KERNEL", "gfp=kernel,,nowarn", "gfp=,nowarn", "gfp=nowarn,",
	"gfp=gfp_kernel", "gfp==kernel", "gfp=kernel;nowarn",
	"gfp=zero,nowarn,zero", "gfp=nowait,kernel,nowarn", "Gfp=nowarn",
	"gfp=__GFP_NOWARN", "gfp=retry-mayfail",
	"node=", "node=x", "node=-1", "node=4294967296", "node=0x0",
	"node=1e3", "NODE=0", "nodes=0", "node=0,1", "node= 0",
	"ctx=", "ctx=irq", "ctx=Timer", "ctx=work,timer", "ctx=SOFTIRQ",
	"ctx=irqoff,softirq", "ctx=NMI", "ctx=nmi,timer", "ctx=nmi_",
	"cpu=", "cpu=-0", "cpu=99999999999", "cpu=one", "cpu=0x1",
	"free=", "free=none", "free=FIFO", "free=lifo,fifo",
	"alloc=mempools", "alloc=Mempool", "reserve=", "reserve=0",
	"reserve=1025", "reserve=x", "reserve=-1", "reserve=4294967297",
	"Reserve=4", "bulk=", "bulk=0", "bulk=513", "bulk=x", "bulk=-1",
	"Bulk=8",
	/* mem_alloc's: no size, or one below any pressure_margin */
	"avail=", "avail=x", "avail=-1", "avail=1.5g", "avail=1kb",
	"avail=0x10", "avail==1g", "Avail=1g",
	"avail=18446744073709551616", "avail=17179869184g",
	"avail=99999999999999999999", "avail=0", "avail=0k", "avail=+",
};

/* avail= values that are no size, or pass 64 bits; "+1g" uncertain */
static const char *const avail_bad[] = {
	"", "x", "-1", "1.5g", "1kb", "0x10", "+1g", "g", "1t",
	"18446744073709551616", "17179869184g", "99999999999999999999",
};

static const char *const bad_tokens[] = {
	"abc", "12abc", "0x10", "1e9", "-1", "-0", "--", "+", "1.5", "k1", "@",
	"#", "x", "kb", "\xff", "10k", "1,000", "\xc3\xa9", "NaN", "-5k",
};

static const char *const words[] = {
	"all", "everything", "*", "1", "0", "-1", "yes", "\xff\xfe", "abc",
	"destroy", "k", "alloc=kmalloc",
};

/* Bytes mutations insert: digits, separators, what the grammar knows. */
static const unsigned char spice[] = {
	'0', '1', '5', '9', ' ', ' ', '\t', '\n', '\r', '\v', '\f', ',', ';',
	'=', '+', '-', 'x', 'k', 'K', 'm', 'g', 'b', '.', '\0', 0xa0, 0xff,
	'a', '#',
};

static const char *const good_seps[] = { " ", "\t", "  ", " \t", "\t ", "\n" };
static const char *const odd_seps[] = {
	" ", "\t", "  ", "\t\t", " \t ", "\r", "\v", "\f", ",", " ,", ", ",
	";", "\n", "\r\n", "\xa0", "\n\n", "   ",
};

static const char *const bad_seps[] = {
	",", ";", "\r", "\v", "\f", "\xa0", "/", ":",
};

static const char *const ends[] = {
	"", "", " ", "\t", "\n", "\n\n\n", "\r", "\r\n", "\v", "\f", "  \n",
	" \t\n", "\xa0",
};

static uint64_t known_id(void)
{
	uint64_t r = rndn(16), k = rnd();

	if (r == 0)
		return g.bg[k % NR_BG];
	if (r <= 5)
		return g.nr_ring ? g.ring[k % g.nr_ring] : g.last_id;
	if (r <= 7)
		return g.last_id + 1 + k % 3;
	if (r == 8)
		return 0;
	return 1 + k % 1000;
}

/* A size with its unit: small, so that what is accepted stays cheap. */
static unsigned int base_unit(struct base *bs)
{
	static const unsigned int shifts[] = {
		0, 0, 0, 0, 0, 10, 10, 10, 20, 30,
	};
	unsigned int s = PICK(shifts);

	bs->unit[0] = '\0';
	if (s || !rndn(4))
		snprintf(bs->unit, sizeof(bs->unit), "%c",
			 "bBkKmMgG"[s / 10 * 2 + rndn(2)]);
	return s;
}

static void base_num(struct base *bs, uint64_t n)
{
	snprintf(bs->num[bs->nr++], sizeof(bs->num[0]), "%" PRIu64, n);
}

__printf(2, 3)
static void base_opt(struct base *bs, const char *fmt, ...)
{
	va_list ap;

	if (bs->nopt == ARRAY_SIZE(bs->opt))
		return;
	va_start(ap, fmt);
	vsnprintf(bs->opt[bs->nopt++], sizeof(bs->opt[0]), fmt, ap);
	va_end(ap);
}

/*
 * An allocator for a command: alloc=cache and mempool the least often, as
 * a kept chunk's dedicated cache (and its pool) is destroyed with it,
 * which takes a grace period on a debug kernel.
 */
static int pick_kind(void)
{
	static const unsigned char weight[NR_KINDS] = {
		3, 3, 3, 3, 1, 2, [K_MEMPOOL] = 1,
	};
	unsigned int r = (unsigned int)rndn(16), k;

	for (k = 0; r >= weight[k]; k++)
		r -= weight[k];
	return (int)k;
}

/*
 * A gfp= value the command takes, mostly: a base or none, nowarn always
 * (no failure report in the log), other modifiers that go with the base
 * and the context; nofail only for a chunk of at most 8192 bytes from an
 * allocator that honours it; zero and retry_mayfail seldom with mempool,
 * which refuses them.
 */
static void base_gfp(struct base *bs, int kind, bool timer, uint64_t big)
{
	static const char *const work_bases[] = {
		NULL, NULL, "kernel", "kernel", "atomic", "nowait",
	};
	static const char *const timer_bases[] = { NULL, "atomic", "nowait" };
	const char *base = timer ? PICK(timer_bases) : PICK(work_bases);
	bool sleeps = !timer && (!base || !strcmp(base, "kernel"));
	char list[72] = "";
	size_t n = 0;
	unsigned int m = M(G_NOWARN), i;

	if (!rndn(3) && (kind != K_MEMPOOL || !rndn(8)))
		m |= M(G_ZERO);
	if (!timer && !rndn(5))
		m |= M(G_ACCOUNT);
	/* percpu and mempool take no retry_mayfail: noretry, mostly */
	if (sleeps && !rndn(4))
		m |= rndn(2) || ((kind == K_PERCPU || kind == K_MEMPOOL) &&
				 rndn(8)) ? M(G_NORETRY) : M(G_MAYFAIL);
	else if (sleeps && big <= NOFAIL_MAX && !rndn(4) &&
		 (kind == K_KMALLOC || kind == K_PAGES || kind == K_CACHE))
		m |= M(G_NOFAIL);
	if (base)
		n += snprintf(list + n, sizeof(list) - n, "%s", base);
	/* the modifiers in a random order: the module sorts them */
	for (i = rndn(NR_MODS); m; i = (i + 1) % NR_MODS) {
		if (!(m & M(i)))
			continue;
		n += snprintf(list + n, sizeof(list) - n, "%s%s", n ? "," : "",
			      gfp_mods[i]);
		m &= ~M(i);
	}
	base_opt(bs, "gfp=%s", list);
}

/*
 * @b bytes as avail= spells them: in bytes, or in the largest unit that
 * divides them, either case, now and then.
 */
static void avail_spell(char *buf, size_t size, uint64_t b)
{
	unsigned int s = 30;

	while (s && (b & ((1ULL << s) - 1)))
		s -= 10;
	if (!b || !s || rndn(3) == 0)
		snprintf(buf, size, "%" PRIu64, b);
	else
		snprintf(buf, size, "%" PRIu64 "%c", b >> s,
			 "kKmMgG"[(s / 10 - 1) * 2 + rndn(2)]);
}

/*
 * A value of avail= of the two classes the fuzzer sends (SPEC:
 * "mem_alloc"): below pressure_margin (refused), or far above
 * MemAvailable (nothing kept): 1 to 16 GiB above, rounded up to a unit
 * now and then, or near the top of 64 bits.  Never between: the module
 * would keep chunks until the machine is low.  @high: of the second
 * class only.  In a static buffer.
 */
static const char *avail_value(bool high)
{
	static const char *const huge[] = {
		"4611686018427387904", "9223372036854775807",
		"9223372036854775808", "18446744073709551615", "17179869183g",
		"17179869183G", "16777215m", "18014398509481983k",
	};
	static char buf[32];
	uint64_t b, m = g.margin;

	switch (high ? rndr(3, 7) : rndn(8)) {
	case 0:
	case 1:
	case 2:
		/* below the margin: 0, just below it, or anywhere under */
		b = !m || !rndn(6) ? 0 : rndn(3) ? rndn(m) : m - 1;
		avail_spell(buf, sizeof(buf), b);
		return buf;
	case 3:
		return PICK(huge);
	default:
		b = sat_add(g.mem_avail, rndr(AVAIL_SEND, 16 * AVAIL_SEND));
		if (rndn(2))
			b = sat_add(b, (1ULL << 30) - 1) & ~((1ULL << 30) - 1);
		avail_spell(buf, sizeof(buf), b);
		return buf;
	}
}

/*
 * The options of a command that takes them, now and then, mostly a set
 * the module takes: alloc=, gfp=, node=0 (with vmalloc, gfp=kernel or
 * kernel,zero, mostly); for a test ctx=, cpu=0 or 1, free=, reserve=
 * (with mempool, mostly), bulk= (with cache, or pages of a page at most,
 * mostly; refused with node=).  A test in
 * an atomic context (ctx=timer, softirq, irqoff, nmi) mostly with chunks
 * of at most 32 KiB counted, now and then up to
 * 256 KiB (refused); ctx=nmi mostly with kmalloc_nolock or pages_nolock,
 * and seldom where the kernel cannot run it (refused).  @big: the
 * largest chunk, in bytes.
 */
static void base_opts(const struct target *t, struct base *bs, uint64_t big)
{
	bool test = t - targets == TEST_START;
	bool timer = test && big <= TIMER_SEND && !rndn(5);
	const char *ctx = timer ? PICK(atomic_contexts) : "work";
	bool node = !rndn(6), nmi;
	int kind = g.default_kind;

	/* ctx=nmi where it cannot run, seldom: the others (nmi is last) */
	if (timer && !strcmp(ctx, "nmi") && g.nmi != 1 && rndn(4))
		ctx = atomic_contexts[rndn(ARRAY_SIZE(atomic_contexts) - 1)];
	nmi = timer && !strcmp(ctx, "nmi");
	if (!rndn(3) || (timer && (kind == K_VMALLOC || kind == K_KVMALLOC)) ||
	    (nmi && !NOLOCK(kind))) {
		kind = pick_kind();
		/* no vmalloc in a timer's callback, mostly */
		if (timer && (kind == K_VMALLOC || kind == K_KVMALLOC) && rndn(8))
			kind = K_KMALLOC;
		/* an NMI takes an allocator that takes no lock, mostly */
		if (nmi && !NOLOCK(kind) && rndn(8))
			kind = big <= KMALLOC_NOLOCK_MAX && rndn(2) ?
			       K_KMALLOC_NOLOCK : K_PAGES_NOLOCK;
		base_opt(bs, "alloc=%s", kinds[kind]);
	}
	if (timer && counted(kind, big) > TIMER_MAX && rndn(8))
		timer = false;
	if (node && kind == K_VMALLOC && rndn(4))
		base_opt(bs, "gfp=kernel%s", rndn(2) ? ",zero" : "");
	else if (!rndn(4))
		base_gfp(bs, kind, timer, big);
	if (node && ((kind != K_PERCPU && kind != K_MEMPOOL) || !rndn(4)))
		base_opt(bs, "node=0");
	/* mem_alloc: avail= now and then, its two classes */
	if ((t->opts & (1U << O_AVAIL)) && !rndn(6))
		base_opt(bs, "avail=%s", avail_value(false));
	if (!test)
		return;
	if (timer)
		base_opt(bs, "ctx=%s", ctx);
	else if (!rndn(10))
		base_opt(bs, "ctx=work");
	if (!rndn(5))
		base_opt(bs, "cpu=%u", (unsigned int)rndn(2));
	if (!rndn(4))
		base_opt(bs, "free=%s", PICK(policies));
	/* reserve=: with mempool, half the time; elsewhere (refused) seldom */
	if ((kind == K_MEMPOOL && rndn(2)) || !rndn(60))
		base_opt(bs, "reserve=%u", (unsigned int)(rndn(8) ?
			 rndr(1, 16) : rndr(1, RESERVE_MAX)));
	/* bulk=: mostly where it goes; elsewhere (refused above 1) seldom */
	if (((kind == K_CACHE || (kind == K_PAGES && big <= PAGE_SZ)) &&
	     rndn(2)) || !rndn(40))
		base_opt(bs, "bulk=%u", (unsigned int)(rndn(4) ?
			 rndr(1, 16) : rndr(1, BENCH_BULK_MAX)));
}

/* A CPU online (0 when they are not known). */
static unsigned int pick_online(void)
{
	return g.nonline ? g.online[rndn(g.nonline)] : 0;
}

/*
 * A bench the module takes, mostly: size= and count= (it needs both),
 * small chunks and short runs (count of 256 at most, time=1 mostly; a
 * run without time= has 64 iterations at most), the other options now
 * and then, in any order.
 */
static void bench_opts(struct base *bs)
{
	static const char *const samples[] = { "0", "1", "64", "1000", "1000000" };
	static const unsigned int pat_w[] = { PAT_PAIR, PAT_PAIR, PAT_BATCH,
					      PAT_BATCH, PAT_RANDOM,
					      PAT_REMOTE };
	int kind = g.default_kind, pat = (int)PICK(pat_w);
	bool timed = rndn(4);
	uint64_t size;
	unsigned int i, j, s;
	char tmp[72];

	bs->nr = 0;
	bs->nopt = 0;
	bs->unit[0] = '\0';
	if (rndn(3)) {
		kind = pick_kind();
		base_opt(bs, "alloc=%s", kinds[kind]);
	}
	s = rndn(10) < 7 ? 0 : 10;
	size = kind == K_PERCPU ? rndr(1, s ? 1 : 1024) :
	       s ? rndr(1, 16) : rndr(1, 4096);
	if (s)
		base_opt(bs, "size=%" PRIu64 "%c", size, "kK"[rndn(2)]);
	else
		base_opt(bs, "size=%" PRIu64 "%s", size,
			 rndn(8) ? "" : rndn(2) ? "b" : "B");
	base_opt(bs, "count=%" PRIu64,
		 !timed ? rndr(1, 64) : pat == PAT_BATCH ? rndr(1, 64) :
		 rndr(1, 256));
	if (pat != PAT_PAIR || !rndn(4))
		base_opt(bs, "pattern=%s", patterns[pat]);
	/* remote: two threads, mostly; one (refused) now and then */
	if (pat == PAT_REMOTE && g.nonline > 1 && rndn(6))
		base_opt(bs, "threads=2");
	else if (!rndn(3))
		base_opt(bs, "threads=%u", g.nonline > 1 ? (unsigned int)rndr(1, 2) : 1);
	if (!rndn(4))
		base_gfp(bs, kind, false, size << s);
	if (!rndn(5))
		base_opt(bs, "cpu=%u", pick_online());
	if (!rndn(4))
		base_opt(bs, "sample=%s", PICK(samples));
	if (timed)
		base_opt(bs, "time=1");
	/* bulk=: mostly where it goes (cache, pages of a page at most) */
	if ((kind == K_CACHE || (kind == K_PAGES && (size << s) <= PAGE_SZ)) &&
	    (pat == PAT_PAIR || pat == PAT_BATCH) && !rndn(3))
		base_opt(bs, "bulk=%u", (unsigned int)rndr(1, 64));
	else if (!rndn(40))
		base_opt(bs, "bulk=%u", (unsigned int)rndr(2, 16));
	/* sheaf=: with cache, now and then; elsewhere (refused) seldom */
	if ((kind == K_CACHE && !rndn(5)) || !rndn(60))
		base_opt(bs, "sheaf=%u", (unsigned int)rndr(1, 256));
	/* release=: rcu now and then, refused where it cannot go */
	if (!rndn(6))
		base_opt(bs, "release=%s", rndn(4) ? "rcu" : "now");
	/* reserve=: with mempool, half the time; elsewhere (refused) seldom */
	if ((kind == K_MEMPOOL && rndn(2)) || !rndn(60))
		base_opt(bs, "reserve=%u", (unsigned int)(rndn(8) ?
			 rndr(1, 16) : rndr(1, RESERVE_MAX)));
	/* in any order */
	for (i = bs->nopt; i > 1; i--) {
		j = rndn(i);
		memcpy(tmp, bs->opt[i - 1], sizeof(tmp));
		memcpy(bs->opt[i - 1], bs->opt[j], sizeof(tmp));
		memcpy(bs->opt[j], tmp, sizeof(tmp));
	}
}

/* A valid command for @t, or a valid value for a parameter. */
static void make_base(const struct target *t, struct base *bs)
{
	unsigned int s;
	uint64_t mn, mx, tot, i0;

	memset(bs, 0, sizeof(*bs));
	switch (t - targets) {
	case MEM_ALLOC:
	case MEM_REALLOC:
		s = base_unit(bs);
		mx = s >= 30 ? 1 : s == 20 ? rndr(1, 2) :
		     s ? rndr(1, 256) : rndr(1, 65536);
		base_num(bs, mx);
		if (t - targets == MEM_ALLOC)
			base_opts(t, bs, mx << s);
		break;
	case MEM_FREE:
		if (rndn(4)) {
			s = base_unit(bs);
			base_num(bs, s ? rndr(1, 64) : rndr(1, 100000));
		}
		break;
	case MEM_RND:
	case TEST_START:
		s = rndn(3) ? 0 : 10;
		if (s)
			snprintf(bs->unit, sizeof(bs->unit), "%c", "kK"[rndn(2)]);
		mn = s ? rndr(1, 4) : rndr(1, 512);
		mx = rndr(mn, mn * 4);
		tot = rndr(mx, mx * (t - targets == MEM_RND ? 8 : 16));
		base_num(bs, mn);
		base_num(bs, mx);
		base_num(bs, tot);
		if (t - targets == TEST_START) {
			i0 = rndr(1, 3);
			base_num(bs, i0);
			i0 = rndr(i0, i0 + 5);
			base_num(bs, i0);
			base_num(bs, rndr(i0, i0 + 300));
		}
		base_opts(t, bs, mx << s);
		break;
	case TEST_STOP:
	case TEST_DESTROY:
		base_num(bs, known_id());
		break;
	case DESTROY_ALL:
		if (rndn(2))
			snprintf(bs->num[bs->nr++], sizeof(bs->num[0]), "%s",
				 PICK(words));
		break;
	case BENCH:
		/* the word, often: a stop of no run, mostly */
		if (!rndn(3))
			snprintf(bs->num[bs->nr++], sizeof(bs->num[0]), "stop");
		else
			bench_opts(bs);
		break;
	case P_CHECK:
		snprintf(bs->num[bs->nr++], sizeof(bs->num[0]), "%s",
			 rndn(4) ? "0" : "1");
		break;
	case P_REALLOC_P:
		base_num(bs, rndn(91));
		break;
	case P_MAX_BYTES:
		base_num(bs, rndn(2) ? g.max_bytes : rndr(1, 1ULL << 40));
		break;
	case P_MAX_ATOMIC:
		base_num(bs, rndn(2) ? g.max_atomic : rndr(1, 1ULL << 40));
		break;
	case P_MAX_TESTS:
		base_num(bs, rndn(2) ? g.max_tests : rndr(1, 70000));
		break;
	case P_RESERVE:
		/* small mostly: a kept pool of 1024 elements costs much */
		base_num(bs, rndn(8) ? rndr(1, 8) : rndr(1, RESERVE_MAX));
		break;
	case P_MARGIN:
		/* avail= follows it: mostly up to twice the default */
		base_num(bs, rndn(8) ? rndr(1, 2 * g.margin0) :
			 rndr(1, 1ULL << 40));
		break;
	case P_ALLOC:
		snprintf(bs->num[bs->nr++], sizeof(bs->num[0]), "%s",
			 kinds[pick_kind()]);
		break;
	case P_SEED:
		base_num(bs, rndn(2) ? rnd() : rndn(100000));
		break;
	}
}

static void tk_add(struct toks *tk, const char *s)
{
	if (tk->n < MAX_TOKS)
		snprintf(tk->t[tk->n++], TOK_LEN, "%s", s);
}

static void to_toks(const struct base *bs, struct toks *tk)
{
	unsigned int i;

	tk->n = 0;
	for (i = 0; i < bs->nr; i++)
		tk_add(tk, bs->num[i]);
	if (bs->unit[0])
		tk_add(tk, bs->unit);
	for (i = 0; i < bs->nopt; i++)
		tk_add(tk, bs->opt[i]);
}

static void put(struct cmd *c, const void *p, size_t n)
{
	if (c->len + n > LONG_LEN)
		n = LONG_LEN - c->len;
	memcpy(g.buf + c->len, p, n);
	c->len += n;
}

static void puts_(struct cmd *c, const char *s)
{
	put(c, s, strlen(s));
}

/* Append the tokens, each two joined by one of @seps, then @end. */
static void render(struct cmd *c, const struct toks *tk,
		   const char *const *seps, size_t nseps, const char *end)
{
	unsigned int i;

	for (i = 0; i < tk->n; i++) {
		if (i)
			puts_(c, seps[rndn(nseps)]);
		puts_(c, tk->t[i]);
	}
	puts_(c, end);
}

static void render_plain(struct cmd *c, const struct toks *tk)
{
	c->len = 0;
	render(c, tk, good_seps, 1, rndn(4) ? "\n" : "");
}

/* Flip, replace, insert, delete, duplicate or cut bytes of @c. */
static void mutate_bytes(struct cmd *c, unsigned int ops)
{
	unsigned char *b = g.buf;
	size_t at, n;

	while (ops--) {
		at = rndn(c->len + 1);
		switch (rndn(7)) {
		case 0:
			if (at < c->len)
				b[at] ^= (unsigned char)(1U << rndn(8));
			break;
		case 1:
			if (at < c->len)
				b[at] = rndn(2) ? PICK(spice) :
						  (unsigned char)rnd();
			break;
		case 2:
			n = rndr(1, 3);
			memmove(b + at + n, b + at, c->len - at);
			for (c->len += n; n--; )
				b[at + n] = rndn(3) ? PICK(spice) :
						      (unsigned char)rnd();
			break;
		case 3:
			n = rndr(1, 3);
			if (at + n <= c->len) {
				memmove(b + at, b + at + n, c->len - at - n);
				c->len -= n;
			}
			break;
		case 4:
			n = rndr(1, 8);
			if (at + n <= c->len && c->len + n < 300) {
				memmove(b + at + n, b + at, c->len - at);
				c->len += n;
			}
			break;
		case 5:
			c->len = at;
			break;
		default:
			if (at < c->len)
				b[at] = (unsigned char)rndr('0', '9');
			break;
		}
	}
}

static const char *dict_token(void)
{
	switch (rndn(5)) {
	case 0:
		return PICK(tricky_nums);
	case 1:
		return PICK(units);
	case 2:
		return PICK(junk_units);
	case 3:
		return PICK(opts_any);
	default:
		return PICK(bad_tokens);
	}
}

/* Duplicate, drop, swap, insert or replace tokens. */
static void mutate_toks(struct toks *tk, unsigned int ops)
{
	char tmp[TOK_LEN];
	unsigned int a, b;

	while (ops--) {
		a = rndn(tk->n + 1);
		b = rndn(tk->n + 1);
		switch (rndn(5)) {
		case 0:
			if (a < tk->n && tk->n < MAX_TOKS) {
				memmove(tk->t[b + 1], tk->t[b],
					(tk->n - b) * TOK_LEN);
				tk->n++;
				memcpy(tk->t[b], tk->t[a < b ? a : a + 1],
				       TOK_LEN);
			}
			break;
		case 1:
			if (a < tk->n) {
				memmove(tk->t[a], tk->t[a + 1],
					(tk->n - a - 1) * TOK_LEN);
				tk->n--;
			}
			break;
		case 2:
			if (a < tk->n && b < tk->n) {
				memcpy(tmp, tk->t[a], TOK_LEN);
				memcpy(tk->t[a], tk->t[b], TOK_LEN);
				memcpy(tk->t[b], tmp, TOK_LEN);
			}
			break;
		case 3:
			if (tk->n < MAX_TOKS) {
				memmove(tk->t[a + 1], tk->t[a],
					(tk->n - a) * TOK_LEN);
				tk->n++;
				snprintf(tk->t[a], TOK_LEN, "%s", dict_token());
			}
			break;
		default:
			if (a < tk->n)
				snprintf(tk->t[a], TOK_LEN, "%s", dict_token());
			break;
		}
	}
}

/*
 * A value of bench's option @o (or of reserve=, a test's too), right or
 * wrong, at the edges of its range (SPEC: "bench"): the model says which.
 * In a static buffer.
 */
static const char *bench_value(unsigned int o)
{
	static const char *const sizes[] = {
		"1", "64", "4096", "4k", "4K", "64b", "32k", "33k", "32768",
		"32769", "1m", "4194304", "4194305", "4096k", "4097k",
		"1048576", "1048577", "2147483647", "2147483648", "0", "0k",
		"+64", "k", "64kb", "0x40", "-1", "", "1.5k", "18446744073709551615",
		"18446744073709551616", "17179869183g", "17179869184g",
		"72057594037927935", "72057594037927936", "00064", "64 k",
	};
	static const char *const counts[] = {
		"1", "2", "64", "0", "1048576", "1048577", "4294967295",
		"4294967296", "+1", "", "1k", "-1", "18446744073709551616",
		"007",
	};
	static const char *const samples[] = {
		"0", "1", "2", "1000000", "1000001", "+1", "", "-0",
		"18446744073709551615", "18446744073709551616",
	};
	static const char *const times[] = {
		"0", "1", "2", "3600", "3601", "+1", "", "1s",
		"99999999999999999999",
	};
	static const char *const bulks[] = {
		"0", "1", "2", "16", "512", "513", "+1", "", "-1", "4294967296",
	};
	static const char *const sheaves[] = {
		"0", "1", "32", "1024", "1025", "+8", "", "x", "4294967296",
	};
	static const char *const reserves[] = {
		"0", "1", "4", "16", "1024", "1025", "+4", "", "x", "-1",
		"4294967297", "18446744073709551617",
	};
	static const char *const pats[] = {
		"pair", "batch", "random", "Pair", "", "pairs", "pair,batch",
	};
	static char buf[32];
	unsigned int n = g.nonline ? g.nonline : 1;

	switch (o) {
	case O_SIZE:
		return PICK(sizes);
	case O_COUNT:
		return PICK(counts);
	case O_SAMPLE:
		return PICK(samples);
	case O_TIME:
		return PICK(times);
	case O_BULK:
		return PICK(bulks);
	case O_SHEAF:
		return PICK(sheaves);
	case O_RESERVE:
		return PICK(reserves);
	case O_PATTERN:
		return PICK(pats);
	case O_THREADS:
		switch (rndn(6)) {
		case 0:
			return "0";
		case 1:
			return "4294967296";
		case 2:
			snprintf(buf, sizeof(buf), "%u", n + (unsigned int)rndn(3));
			return buf;
		default:
			snprintf(buf, sizeof(buf), "%u", 1 + (unsigned int)rndn(n));
			return buf;
		}
	default:	/* cpu= */
		switch (rndn(6)) {
		case 0:
			return rndn(2) ? "8192" : "4294967296";
		case 1:
			snprintf(buf, sizeof(buf), "%u",
				 g.nonline ? g.online[g.nonline - 1] + 1 : 1);
			return buf;
		default:
			snprintf(buf, sizeof(buf), "%u", pick_online());
			return buf;
		}
	}
}

/* Set option @key of @bs to a value: the one given, or a new one. */
__printf(3, 4)
static void bs_set_opt(struct base *bs, const char *key, const char *fmt, ...)
{
	char val[64];
	unsigned int i;
	size_t k = strlen(key);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	for (i = 0; i < bs->nopt; i++)
		if (!strncmp(bs->opt[i], key, k) && bs->opt[i][k] == '=')
			break;
	if (i == bs->nopt) {
		if (bs->nopt == ARRAY_SIZE(bs->opt))
			return;
		bs->nopt++;
	}
	snprintf(bs->opt[i], sizeof(bs->opt[0]), "%s=%s", key, val);
}

/* Drop option @key of @bs. */
static void bs_drop_opt(struct base *bs, const char *key)
{
	size_t k = strlen(key);
	unsigned int i;

	for (i = 0; i < bs->nopt; i++) {
		if (strncmp(bs->opt[i], key, k) || bs->opt[i][k] != '=')
			continue;
		memmove(bs->opt[i], bs->opt[i + 1],
			(bs->nopt - i - 1) * sizeof(bs->opt[0]));
		bs->nopt--;
		return;
	}
}

/*
 * The generators: each fills @c from a valid base @bs of @t.  Those that
 * set want_bad build a command the grammar must refuse; the others leave
 * the verdict to the model.  Return: false when it does not apply to @t.
 */
static bool gen_valid(const struct target *t __maybe_unused,
		      struct base *bs __maybe_unused, struct cmd *c)
{
	struct toks tk;

	to_toks(bs, &tk);
	render_plain(c, &tk);
	return true;
}

static bool gen_mut_bytes(const struct target *t __maybe_unused,
			  struct base *bs __maybe_unused, struct cmd *c)
{
	gen_valid(t, bs, c);
	mutate_bytes(c, (unsigned int)rndr(1, 4));
	return true;
}

static bool gen_mut_toks(const struct target *t __maybe_unused,
			 struct base *bs __maybe_unused, struct cmd *c)
{
	struct toks tk;

	to_toks(bs, &tk);
	mutate_toks(&tk, (unsigned int)rndr(1, 3));
	render_plain(c, &tk);
	return true;
}

static bool gen_numbers(const struct target *t __maybe_unused,
			struct base *bs __maybe_unused, struct cmd *c)
{
	unsigned int i;
	int s;

	if (!bs->nr)
		return false;
	i = rndn(bs->nr);
	if (rndn(3) || !t->size_mask) {
		snprintf(bs->num[i], sizeof(bs->num[0]), "%s", PICK(tricky_nums));
	} else {
		/* the edge of 64 bits in a unit: 2^(64 - shift) - 1 + 0..2 */
		snprintf(bs->unit, sizeof(bs->unit), "%s", PICK(units));
		s = unit_shift(bs->unit);
		snprintf(bs->num[i], sizeof(bs->num[0]), "%" PRIu64,
			 (UINT64_MAX >> s) + rndn(3) - 1);
		if (s && !rndn(4))
			snprintf(bs->num[i], sizeof(bs->num[0]), "%" PRIu64,
				 (UINT64_MAX >> s) + 1);
	}
	return gen_valid(t, bs, c);
}

static bool gen_units(const struct target *t __maybe_unused,
		      struct base *bs __maybe_unused, struct cmd *c)
{
	snprintf(bs->unit, sizeof(bs->unit), "%s",
		 rndn(2) ? PICK(units) : PICK(junk_units));
	return gen_valid(t, bs, c);
}

static bool gen_opts(const struct target *t __maybe_unused,
		     struct base *bs __maybe_unused, struct cmd *c)
{
	unsigned int n = (unsigned int)rndr(1, 3), i;

	for (i = 0; i < n && bs->nopt < ARRAY_SIZE(bs->opt); i++)
		snprintf(bs->opt[bs->nopt++], sizeof(bs->opt[0]), "%s",
			 PICK(opts_any));
	return gen_valid(t, bs, c);
}

static bool gen_seps(const struct target *t __maybe_unused,
		     struct base *bs __maybe_unused, struct cmd *c)
{
	struct toks tk;
	char end[16];

	to_toks(bs, &tk);
	c->len = 0;
	puts_(c, PICK(ends));
	snprintf(end, sizeof(end), "%s", PICK(ends));
	if (rndn(2))
		render(c, &tk, good_seps, ARRAY_SIZE(good_seps), end);
	else
		render(c, &tk, odd_seps, ARRAY_SIZE(odd_seps), end);
	return true;
}

static bool gen_random(const struct target *t __maybe_unused,
		       struct base *bs __maybe_unused, struct cmd *c)
{
	static const char printable[] = "0123456789 \tkmgbKMGB=alocvkmx+-,\n";
	size_t n = rndn(8) ? rndn(65) : rndn(PAGE_LEN + 8), i;
	unsigned int mode = rndn(3);

	c->len = n;
	for (i = 0; i < n; i++)
		g.buf[i] = mode == 0 ? (unsigned char)rnd() :
			   mode == 1 ? (unsigned char)printable[rndn(sizeof(printable) - 1)] :
			   PICK(spice);
	return true;
}

static bool gen_split(const struct target *t __maybe_unused,
		      struct base *bs __maybe_unused, struct cmd *c)
{
	unsigned int i;

	gen_valid(t, bs, c);
	if (!rndn(4))
		mutate_bytes(c, 1);
	c->ncut = (unsigned int)rndr(1, MAX_CUTS);
	for (i = 0; i < c->ncut; i++)
		c->cut[i] = rndn(c->len + 1);
	/* in order; equal cuts make writes of 0 bytes */
	for (i = 1; i < c->ncut; i++) {
		size_t x = c->cut[i];
		unsigned int j = i;

		while (j && c->cut[j - 1] > x) {
			c->cut[j] = c->cut[j - 1];
			j--;
		}
		c->cut[j] = x;
	}
	return true;
}

static bool gen_empty(const struct target *t __maybe_unused,
		      struct base *bs __maybe_unused, struct cmd *c)
{
	c->len = 0;
	return true;
}

/* A command padded with spaces to 4095 bytes: still under a page. */
static bool gen_edge(const struct target *t __maybe_unused,
		     struct base *bs __maybe_unused, struct cmd *c)
{
	gen_valid(t, bs, c);
	if (c->len && g.buf[c->len - 1] == '\n')
		c->len--;
	memset(g.buf + c->len, ' ', PAGE_LEN - 1 - c->len);
	c->len = PAGE_LEN - 1;
	if (rndn(2))
		g.buf[c->len - 1] = '\n';
	return true;
}

static bool gen_nul(const struct target *t __maybe_unused,
		    struct base *bs __maybe_unused, struct cmd *c)
{
	unsigned int n = (unsigned int)rndr(1, 3);
	size_t at;

	gen_valid(t, bs, c);
	while (n--) {
		at = rndn(c->len + 1);
		memmove(g.buf + at + 1, g.buf + at, c->len - at);
		g.buf[at] = '\0';
		c->len++;
	}
	/* a parameter's parser stops at the NUL: that is up to the model */
	c->want_bad = !t->param;
	return true;
}

static bool gen_long(const struct target *t __maybe_unused,
		     struct base *bs __maybe_unused, struct cmd *c)
{
	size_t n = rndn(8) ? rndr(PAGE_LEN, LONG_LEN) : PAGE_LEN, i;

	gen_valid(t, bs, c);
	switch (rndn(3)) {
	case 0:		/* padded with spaces */
		memset(g.buf + c->len, ' ', n - c->len);
		break;
	case 1:		/* the command again and again */
		for (i = c->len; c->len && i < n; i++)
			g.buf[i] = g.buf[i % c->len];
		break;
	default:
		for (i = c->len; i < n; i++)
			g.buf[i] = PICK(spice);
		break;
	}
	c->len = n;
	if (t->param)
		g.buf[0] = 'x';
	c->want_bad = true;
	return true;
}

static bool gen_overflow(const struct target *t __maybe_unused,
			 struct base *bs __maybe_unused, struct cmd *c)
{
	unsigned int i, tries;
	int s;

	if (!bs->nr || t - targets == DESTROY_ALL)
		return false;
	i = rndn(bs->nr);
	for (tries = 0; t->size_mask && !(t->size_mask & (1U << i)) &&
	     tries < 8; tries++)
		i = rndn(bs->nr);
	if (!t->size_mask || !(t->size_mask & (1U << i)) || rndn(2)) {
		/* past 64 bits in any unit */
		snprintf(bs->num[i], sizeof(bs->num[0]), "%s",
			 rndn(2) ? "18446744073709551616" :
			 rndn(2) ? "99999999999999999999" :
				   "18446744073709551617");
	} else {
		snprintf(bs->unit, sizeof(bs->unit), "%c", "kKmMgG"[rndn(6)]);
		s = unit_shift(bs->unit);
		snprintf(bs->num[i], sizeof(bs->num[0]), "%" PRIu64,
			 (UINT64_MAX >> s) + 1 + rndn(1000));
	}
	gen_valid(t, bs, c);
	c->want_bad = true;
	return true;
}

static bool gen_arity(const struct target *t __maybe_unused,
		      struct base *bs __maybe_unused, struct cmd *c)
{
	unsigned int extra;

	if (t - targets == DESTROY_ALL)
		return false;
	if (t->min && bs->nr && rndn(2)) {
		/* too few: drop the last numbers */
		bs->nr -= (unsigned int)rndr(1, bs->nr);
	} else {
		extra = (unsigned int)rndr(1, 3);
		while (extra-- && bs->nr < ARRAY_SIZE(bs->num))
			base_num(bs, rndr(1, 100));
		if (bs->nr <= t->max)
			return false;
	}
	gen_valid(t, bs, c);
	c->want_bad = true;
	return true;
}

static bool gen_bad_unit(const struct target *t __maybe_unused,
			 struct base *bs __maybe_unused, struct cmd *c)
{
	struct toks tk;
	unsigned int at;

	if (t - targets == DESTROY_ALL)
		return false;
	if (!t->size_mask || !rndn(3)) {
		snprintf(bs->unit, sizeof(bs->unit), "%s",
			 t->size_mask ? PICK(junk_units) : PICK(units));
		if (!t->size_mask && !bs->nr)
			base_num(bs, 1);
		gen_valid(t, bs, c);
	} else {
		to_toks(bs, &tk);
		switch (rndn(3)) {
		case 0:		/* two units */
			at = bs->nr + !!bs->unit[0];
			memmove(tk.t[at + 1], tk.t[at], (tk.n - at) * TOK_LEN);
			tk.n++;
			snprintf(tk.t[at], TOK_LEN, "%s", PICK(units));
			if (!bs->unit[0]) {
				memmove(tk.t[at + 1], tk.t[at],
					(tk.n - at) * TOK_LEN);
				tk.n++;
				snprintf(tk.t[at], TOK_LEN, "%s", PICK(units));
			}
			break;
		case 1:		/* a unit first */
			memmove(tk.t[1], tk.t[0], tk.n * TOK_LEN);
			tk.n++;
			snprintf(tk.t[0], TOK_LEN, "%s", PICK(units));
			break;
		default:	/* a unit after an option */
			tk_add(&tk, "alloc=kmalloc");
			tk_add(&tk, PICK(units));
			break;
		}
		render_plain(c, &tk);
	}
	c->want_bad = true;
	return true;
}

static bool gen_bad_opt(const struct target *t __maybe_unused,
			struct base *bs __maybe_unused, struct cmd *c)
{
	static const char *const test_only[] = {
		"ctx=work", "ctx=timer", "ctx=softirq", "ctx=irqoff", "ctx=nmi",
		"cpu=0", "free=all", "free=fifo", "reserve=4", "reserve=1",
		"bulk=1", "bulk=8",
	};
	static const char *const not_bench[] = {
		"node=0", "node=1", "ctx=work", "ctx=timer", "ctx=irqoff",
		"ctx=nmi", "free=all", "free=random", "avail=1g",
		"avail=18446744073709551615",
	};
	static const char *const strays[] = { "1", "64", "k", "4096", "stop" };
	struct toks tk;
	char opt[2][TOK_LEN];
	unsigned int o, i;

	if (t - targets == DESTROY_ALL)
		return false;
	if (t - targets == BENCH) {
		/* options only, size= and count= required, each once */
		if (bs->nr)
			bench_opts(bs);
		switch (rndn(5)) {
		case 0:		/* one of its options twice, good values */
			do
				o = (unsigned int)rndn(NR_OPTS);
			while (!(t->opts & (1U << o)));
			for (i = 0; i < 2; i++)
				base_opt(bs, "%s=%s", opt_keys[o],
					 o == O_ALLOC ? PICK(kinds) :
					 o == O_GFP ? "nowarn" :
					 o == O_PATTERN ? PICK(patterns) :
					 o == O_SAMPLE ? "0" :
					 o == O_SIZE ? "64" :
					 o == O_CPU ? "0" : "1");
			break;
		case 1:		/* an option it does not take */
			base_opt(bs, "%s", PICK(not_bench));
			break;
		case 2:		/* a required one missing */
			bs_drop_opt(bs, rndn(2) ? "size" : "count");
			break;
		case 3:		/* a number, a unit, a word among them */
			to_toks(bs, &tk);
			i = rndn(tk.n + 1);
			memmove(tk.t[i + 1], tk.t[i], (tk.n - i) * TOK_LEN);
			tk.n++;
			snprintf(tk.t[i], TOK_LEN, "%s", PICK(strays));
			render_plain(c, &tk);
			c->want_bad = true;
			return true;
		default:
			base_opt(bs, "%s", PICK(opts_bad));
			break;
		}
		gen_valid(t, bs, c);
		c->want_bad = true;
		return true;
	}
	if (!t->opts) {
		snprintf(bs->opt[0], sizeof(bs->opt[0]), "%s",
			 rndn(2) ? PICK(opts_any) : rndn(4) ? "alloc=kmalloc" :
			 "avail=4611686018427387904");
		bs->nopt = 1;
		if (!bs->nr && t->min == 0 && !rndn(2))
			base_num(bs, 10);
		gen_valid(t, bs, c);
	} else {
		to_toks(bs, &tk);
		switch (rndn(5)) {
		case 0:		/* given twice: valid values of a key it takes */
			do
				o = (unsigned int)rndn(NR_OPTS);
			while (!(t->opts & (1U << o)));
			for (i = 0; i < 2; i++)
				snprintf(opt[i], TOK_LEN, "%s=%s", opt_keys[o],
					 o == O_ALLOC ? PICK(kinds) :
					 o == O_GFP ? (rndn(2) ? "nowarn" : "kernel,nowarn") :
					 o == O_CTX ? "work" :
					 o == O_FREE ? PICK(policies) :
					 o == O_RELEASE ? PICK(releases) : "0");
			tk_add(&tk, opt[0]);
			tk_add(&tk, opt[1]);
			break;
		case 1:		/* before a number */
			memmove(tk.t[1], tk.t[0], tk.n * TOK_LEN);
			tk.n++;
			snprintf(tk.t[0], TOK_LEN, "%s",
				 rndn(2) ? "node=0" : "alloc=kmalloc");
			break;
		case 2:		/* a test's option, to a command that is none */
			/* or mem_alloc's avail=, to another command */
			if (!(t->opts & (1U << O_AVAIL)) && rndn(2)) {
				snprintf(opt[0], TOK_LEN, "avail=%s",
					 avail_value(false));
				tk_add(&tk, opt[0]);
				break;
			}
			if (t->opts & (1U << O_CTX)) {
				tk_add(&tk, PICK(opts_bad));
				break;
			}
			tk_add(&tk, PICK(test_only));
			break;
		default:
			tk_add(&tk, PICK(opts_bad));
			break;
		}
		render_plain(c, &tk);
	}
	c->want_bad = true;
	return true;
}

static bool gen_bad_token(const struct target *t __maybe_unused,
			  struct base *bs __maybe_unused, struct cmd *c)
{
	struct toks tk;
	unsigned int at;

	if (t - targets == DESTROY_ALL)
		return false;
	to_toks(bs, &tk);
	at = rndn(tk.n + 1);
	memmove(tk.t[at + 1], tk.t[at], (tk.n - at) * TOK_LEN);
	tk.n++;
	snprintf(tk.t[at], TOK_LEN, "%s", PICK(bad_tokens));
	render_plain(c, &tk);
	c->want_bad = true;
	return true;
}

static bool gen_bad_sep(const struct target *t __maybe_unused,
			struct base *bs __maybe_unused, struct cmd *c)
{
	struct toks tk;
	char tmp[TOK_LEN * 2 + 8];
	unsigned int at;

	if (t - targets == DESTROY_ALL || (!bs->nr && !bs->nopt))
		return false;
	to_toks(bs, &tk);
	if (tk.n >= 2) {
		/* two tokens glued by what is no separator */
		at = rndn(tk.n - 1);
		snprintf(tmp, sizeof(tmp), "%s%s%s", tk.t[at], PICK(bad_seps),
			 tk.t[at + 1]);
		tmp[TOK_LEN - 1] = '\0';
		memcpy(tk.t[at], tmp, TOK_LEN);
		memmove(tk.t[at + 1], tk.t[at + 2],
			(tk.n - at - 2) * TOK_LEN);
		tk.n--;
	} else {
		snprintf(tk.t[0] + strlen(tk.t[0]), TOK_LEN - strlen(tk.t[0]),
			 "%s", rndn(2) ? "," : ";");
	}
	render_plain(c, &tk);
	c->want_bad = true;
	return true;
}

/*
 * A bench value out of its range, or flags mem_alloc refuses (SPEC:
 * "bench"), set in @bs: malformed whatever the machine.
 */
static void gen_bench_bad(struct base *bs)
{
	static const int k[] = { K_KMALLOC, K_KVMALLOC, K_PAGES, K_CACHE,
				 K_PERCPU, K_VMALLOC };
	static const char *const gfp_bad[] = {
		"atomic,noretry,nowarn", "nowait,retry_mayfail,nowarn",
		"kernel,noretry,retry_mayfail,nowarn", "atomic,nofail,nowarn",
		"kernel,nofail,noretry,nowarn", "kernel,atomic,nowarn",
	};
	/* what alloc=mempool refuses (SPEC: "alloc=mempool") */
	static const char *const pool_bad[] = {
		"gfp=zero,nowarn", "gfp=kernel,zero,nowarn",
		"gfp=atomic,nowarn,zero", "gfp=retry_mayfail,nowarn",
		"gfp=kernel,retry_mayfail,nowarn", "gfp=kernel,nofail,nowarn",
		"gfp=nofail,nowarn", "release=rcu",
	};
	char key[16];
	unsigned int s;
	int kind;

	switch (rndn(14)) {
	case 0:
		bs_set_opt(bs, "size", "%s", rndn(2) ? "0" : "0k");
		break;
	case 1:		/* past its allocator's largest */
		kind = PICK(k);
		bs_set_opt(bs, "alloc", "%s", kinds[kind]);
		bs_set_opt(bs, "size", "%" PRIu64,
			   kind_max[kind] + 1 + rndn(kind_max[kind]));
		break;
	case 2:		/* past 64 bits in its unit */
		s = 10 * (unsigned int)rndr(1, 3);
		bs_set_opt(bs, "size", "%" PRIu64 "%c",
			   (UINT64_MAX >> s) + 1 + rndn(1000), "kmg"[s / 10 - 1]);
		break;
	case 3:
		bs_set_opt(bs, "count", "%s", rndn(2) ? "0" : "4294967296");
		break;
	case 4:		/* a batch past 1048576 */
		bs_set_opt(bs, "pattern", "batch");
		bs_set_opt(bs, "count", "%" PRIu64,
			   rndr(BENCH_BATCH_MAX + 1, BENCH_COUNT_MAX));
		break;
	case 5:
		if (g.nonline)
			bs_set_opt(bs, "threads", "%u",
				   rndn(2) ? 0 : g.nonline + (unsigned int)rndr(1, 64));
		else
			bs_set_opt(bs, "threads", "0");
		break;
	case 6:		/* a CPU not online, or none a kernel has */
		if (g.nonline && rndn(2))
			bs_set_opt(bs, "cpu", "%u", g.online[g.nonline - 1] + 1 +
				   (unsigned int)rndn(CPUS_MAX -
						     g.online[g.nonline - 1] - 1));
		else
			bs_set_opt(bs, "cpu", "%" PRIu64,
				   rndr(CPUS_MAX, UINT32_MAX));
		break;
	case 7:
		bs_set_opt(bs, "sample", "%" PRIu64,
			   rndr(BENCH_SAMPLE_MAX + 1, UINT32_MAX));
		break;
	case 8:
		bs_set_opt(bs, "time", "%" PRIu64,
			   rndn(2) ? 0 : rndr(BENCH_TIME_MAX + 1, 100000));
		break;
	case 9:		/* nofail where the kernel does not support it */
		bs_set_opt(bs, "alloc", "%s", rndn(2) ? "vmalloc" : "percpu");
		bs_set_opt(bs, "gfp", "kernel,nofail,nowarn");
		break;
	case 10:	/* the per-CPU allocator drops retry_mayfail */
		bs_set_opt(bs, "alloc", "percpu");
		bs_set_opt(bs, "size", "%u", (unsigned int)rndr(1, 512));
		bs_set_opt(bs, "gfp", "%sretry_mayfail,nowarn",
			   rndn(2) ? "kernel," : "");
		break;
	case 11:	/* reserve=: another allocator's, or out of its range */
		if (rndn(2)) {
			bs_set_opt(bs, "alloc", "%s", kinds[PICK(k)]);
			bs_set_opt(bs, "reserve", "%u",
				   (unsigned int)rndr(1, RESERVE_MAX));
		} else {
			bs_set_opt(bs, "alloc", "mempool");
			bs_set_opt(bs, "reserve", "%" PRIu64, rndn(2) ? 0 :
				   rndr(RESERVE_MAX + 1, UINT32_MAX));
		}
		break;
	case 12:	/* mempool: no zero, retry_mayfail, nofail, rcu */
		bs_set_opt(bs, "alloc", "mempool");
		s = (unsigned int)rndn(ARRAY_SIZE(pool_bad));
		snprintf(key, sizeof(key), "%.*s",
			 (int)strcspn(pool_bad[s], "="), pool_bad[s]);
		bs_set_opt(bs, key, "%s", strchr(pool_bad[s], '=') + 1);
		break;
	default:
		bs_set_opt(bs, "gfp", "%s", PICK(gfp_bad));
		break;
	}
}

/* bench: one option set to a value at the edge of its range, or past. */
static bool gen_bench_values(const struct target *t __maybe_unused,
			     struct base *bs __maybe_unused, struct cmd *c)
{
	static const unsigned int keys[] = {
		O_SIZE, O_SIZE, O_SIZE, O_COUNT, O_COUNT, O_THREADS, O_CPU,
		O_SAMPLE, O_TIME, O_PATTERN, O_BULK, O_SHEAF, O_RESERVE,
	};
	unsigned int o, n = (unsigned int)rndr(1, 2);

	if (t - targets != BENCH)
		return false;
	if (bs->nr)
		bench_opts(bs);
	while (n--) {
		o = PICK(keys);
		bs_set_opt(bs, opt_keys[o], "%s", bench_value(o));
	}
	return gen_valid(t, bs, c);
}

static bool gen_semantic(const struct target *t __maybe_unused,
			 struct base *bs __maybe_unused, struct cmd *c)
{
	switch (t - targets) {
	case MEM_ALLOC:
		if (rndn(2)) {
			snprintf(bs->num[0], sizeof(bs->num[0]), "0");
			break;
		}
		bs->nopt = 1;
		if (rndn(3)) {
			/* past its allocator's most */
			static const int k[] = {
				K_KMALLOC, K_PAGES, K_CACHE, K_PERCPU,
				K_MEMPOOL,
			};
			int kind = PICK(k);

			snprintf(bs->opt[0], sizeof(bs->opt[0]), "alloc=%s",
				 kinds[kind]);
			snprintf(bs->num[0], sizeof(bs->num[0]), "%" PRIu64,
				 kind_max[kind] + 1 + rndn(kind_max[kind]));
			bs->unit[0] = '\0';
		} else {
			snprintf(bs->opt[0], sizeof(bs->opt[0]), "alloc=kvmalloc");
			snprintf(bs->num[0], sizeof(bs->num[0]), "%" PRIu64,
				 rndr(2, 100));
			snprintf(bs->unit, sizeof(bs->unit), "g");
		}
		break;
	case MEM_FREE:
	case MEM_REALLOC:
		bs->nr = 1;
		snprintf(bs->num[0], sizeof(bs->num[0]), "0");
		break;
	case MEM_RND:
	case TEST_START:
		switch (rndn(t - targets == TEST_START ? 7 : 4)) {
		case 0:
			snprintf(bs->num[0], sizeof(bs->num[0]), "0");
			break;
		case 1:		/* MIN > MAX */
			snprintf(bs->num[0], sizeof(bs->num[0]), "%llu",
				 strtoull(bs->num[1], NULL, 10) + 1 + rndn(9));
			break;
		case 2:		/* MAX > TOTAL */
			snprintf(bs->num[1], sizeof(bs->num[0]), "%llu",
				 strtoull(bs->num[2], NULL, 10) + 1 + rndn(9));
			break;
		case 3:		/* MAX beyond kmalloc */
			bs->unit[0] = '\0';
			bs->nopt = 1;
			snprintf(bs->opt[0], sizeof(bs->opt[0]), "alloc=kmalloc");
			snprintf(bs->num[1], sizeof(bs->num[0]), "%" PRIu64,
				 KMALLOC_MAX + 1 + rndn(1000));
			snprintf(bs->num[2], sizeof(bs->num[0]), "%" PRIu64,
				 KMALLOC_MAX * 2);
			break;
		case 4:
			snprintf(bs->num[3], sizeof(bs->num[0]), "0");
			break;
		case 5:		/* MIN_INT > MAX_INT */
			snprintf(bs->num[3], sizeof(bs->num[0]), "%llu",
				 strtoull(bs->num[4], NULL, 10) + 1 + rndn(9));
			break;
		default:	/* MAX_INT > TOTAL_TIME */
			snprintf(bs->num[4], sizeof(bs->num[0]), "%llu",
				 strtoull(bs->num[5], NULL, 10) + 1 + rndn(9));
			break;
		}
		break;
	case BENCH:
		if (bs->nr)
			bench_opts(bs);
		gen_bench_bad(bs);
		break;
	default:
		return false;
	}
	gen_valid(t, bs, c);
	c->want_bad = true;
	return true;
}

/*
 * Options that parse but that the module must refuse whatever the
 * machine: flags that contradict each other or the allocator, what may
 * sleep in a timer's callback or cost it too much, ctx=nmi with an
 * allocator that takes locks (where the kernel cannot run ctx=nmi, with
 * a nolock one too), node= where there is
 * no node variant or vmalloc_node() would take other flags than asked, a
 * node or CPU no kernel has, a total that holds no page, what mempool
 * refuses (zero, retry_mayfail; release=rcu), reserve= with another
 * allocator or out of its range, a test's bulk= above 1 with another
 * allocator than cache or pages, pages above one, or node=, or out of
 * its range; mem_alloc's avail= below pressure_margin, or with nofail
 * (half of mem_alloc's).  Small chunks, nowarn: harmless even if it
 * were taken.
 */
static bool gen_bad_combo(const struct target *t __maybe_unused,
			  struct base *bs __maybe_unused, struct cmd *c)
{
	static const char *const not_kernel[] = { "atomic", "nowait" };
	static const char *const retry[] = { "noretry", "retry_mayfail" };
	static const char *const no_nofail[] = {
		"vmalloc", "kvmalloc", "percpu", "mempool",
	};
	/* mempool_alloc() takes no __GFP_ZERO, and asks with noretry */
	static const char *const pool_gfp[] = {
		"zero,nowarn", "kernel,zero,nowarn", "atomic,nowarn,zero",
		"nowait,zero,nowarn", "retry_mayfail,nowarn",
		"kernel,retry_mayfail,nowarn", "kernel,retry_mayfail,zero,nowarn",
	};
	static const char *const not_pool[] = {
		"kmalloc", "vmalloc", "kvmalloc", "pages", "cache", "percpu",
	};
	/* each with nowarn, which vmalloc_node() does not take; or no base */
	static const char *const vm_node_gfp[] = {
		"kernel,nowarn", "atomic,nowarn", "zero,nowarn",
		"kernel,zero,nowarn", "nowait,zero,nowarn",
		"kernel,account,nowarn", "nowarn", "kernel,noretry,nowarn",
	};
	static const char *const timer_kinds[] = { "kmalloc", "pages", "cache" };
	/* all but the nolock allocators (SPEC: "ctx=nmi") */
	static const char *const locking[] = {
		"kmalloc", "vmalloc", "kvmalloc", "pages", "cache", "percpu",
		"mempool",
	};
	/* no bulk call (SPEC: "bulk=N (tests)") */
	static const char *const not_bulk[] = {
		"kmalloc", "vmalloc", "kvmalloc", "percpu", "mempool",
	};
	enum {
		C_NO_KERNEL, C_BOTH_RETRY, C_NOFAIL_BASE, C_NOFAIL_RETRY,
		C_NOFAIL_KIND, C_PCPU_NODE, C_VM_NODE, C_NODE, C_POOL_GFP,
		C_PCPU_MAYFAIL,
		C_PAGES_TOTAL, C_TIMER_SLEEP, C_TIMER_KERNEL, C_TIMER_ACCOUNT,
		C_TIMER_BIG, C_FREE_PIECE, C_POOL_RCU, C_RESERVE_KIND,
		C_RESERVE_RANGE, C_BULK_KIND, C_BULK_PAGES, C_BULK_NODE,
		C_BULK_RANGE, C_NMI_LOCKS, C_CPU, NR_C
	};
	bool test = t - targets == TEST_START;
	unsigned int cases = test ? NR_C : t - targets == MEM_RND ?
			     C_PAGES_TOTAL + 1 : C_PCPU_MAYFAIL + 1;
	uint64_t mn, mx, tot;
	const char *f;
	unsigned int k;

	if (t - targets != MEM_ALLOC && t - targets != MEM_RND && !test)
		return false;
	bs->nopt = 0;
	bs->unit[0] = '\0';
	mn = rndr(1, 64);
	mx = rndr(mn, 4096);
	tot = rndr(4096, 16384);
	/*
	 * mem_alloc's avail=: a target below pressure_margin, or one far
	 * above MemAvailable with nofail, from an allocator that honours it
	 */
	if (t - targets == MEM_ALLOC && rndn(2)) {
		char val[32];

		if (!rndn(3)) {
			base_opt(bs, "alloc=%s", kinds[pick_kind()]);
			avail_spell(val, sizeof(val),
				    rndn(g.margin ? g.margin : 1));
		} else {
			base_opt(bs, "alloc=%s", PICK(timer_kinds));
			base_opt(bs, "gfp=%snofail,nowarn", rndn(2) ? "kernel," : "");
			snprintf(val, sizeof(val), "%s", avail_value(true));
		}
		base_opt(bs, "avail=%s", val);
		snprintf(bs->num[0], sizeof(bs->num[0]), "%" PRIu64,
			 rndr(1, NOFAIL_MAX));
		gen_valid(t, bs, c);
		c->want_bad = true;
		return true;
	}
	switch (rndn(cases)) {
	case C_NO_KERNEL:	/* a retry modifier without kernel */
		base_opt(bs, "gfp=%s,%s,nowarn", PICK(not_kernel), PICK(retry));
		break;
	case C_BOTH_RETRY:
		base_opt(bs, "gfp=%snoretry,retry_mayfail,nowarn",
			 rndn(2) ? "kernel," : "");
		break;
	case C_NOFAIL_BASE:	/* nofail without kernel, with a retry modifier */
		base_opt(bs, "gfp=%s,nofail,nowarn", PICK(not_kernel));
		break;
	case C_NOFAIL_RETRY:
		base_opt(bs, "gfp=kernel,nofail,%s,nowarn", PICK(retry));
		break;
	case C_NOFAIL_KIND:	/* nofail where the kernel does not support it */
		base_opt(bs, "alloc=%s", PICK(no_nofail));
		base_opt(bs, "gfp=%snofail,nowarn", rndn(2) ? "kernel," : "");
		break;
	case C_PCPU_NODE:	/* percpu and mempool have no node variant */
		base_opt(bs, "alloc=%s", rndn(2) ? "percpu" : "mempool");
		base_opt(bs, "node=0");
		tot = rndr(8192, 16384);
		break;
	case C_VM_NODE:		/* vmalloc_node(): gfp=kernel, maybe zero, only */
		base_opt(bs, "alloc=vmalloc");
		base_opt(bs, "node=0");
		/* no gfp= at all: refused as well */
		if (rndn(4))
			base_opt(bs, "gfp=%s", PICK(vm_node_gfp));
		break;
	case C_NODE:		/* a node no kernel has */
		base_opt(bs, "node=%" PRIu64, rndr(NODES_MAX, UINT32_MAX));
		break;
	case C_POOL_GFP:	/* what mempool_alloc() does not take */
		f = PICK(pool_gfp);
		base_opt(bs, "alloc=mempool");
		base_opt(bs, "gfp=%s", f);
		/* with a base an atomic context takes, or none: in one too */
		if (test && strncmp(f, "kernel", 6) && strncmp(f, "retry", 5) &&
		    rndn(2))
			base_opt(bs, "ctx=%s", PICK(atomic_contexts));
		break;
	case C_PCPU_MAYFAIL:	/* the per-CPU allocator drops it */
		base_opt(bs, "alloc=percpu");
		base_opt(bs, "gfp=%sretry_mayfail,nowarn%s",
			 rndn(2) ? "kernel," : "", rndn(2) ? ",zero" : "");
		tot = rndr(8192, 16384);
		break;
	case C_PAGES_TOTAL:	/* a total that holds no page */
		base_opt(bs, "alloc=pages");
		mx = rndr(mn, 512);
		tot = rndr(mx, PAGE_SZ - 1);
		break;
	case C_TIMER_SLEEP:	/* what may sleep, in an atomic context */
		base_opt(bs, "ctx=%s", PICK(atomic_contexts));
		base_opt(bs, "alloc=%s", rndn(2) ? "vmalloc" : "kvmalloc");
		break;
	case C_TIMER_KERNEL:
		base_opt(bs, "ctx=%s", PICK(atomic_contexts));
		base_opt(bs, "gfp=kernel,nowarn%s", rndn(2) ? ",zero" : "");
		break;
	case C_TIMER_ACCOUNT:
		base_opt(bs, "ctx=%s", PICK(atomic_contexts));
		base_opt(bs, "gfp=%saccount,nowarn", rndn(2) ? "atomic," : "");
		break;
	case C_TIMER_BIG:	/* more than an atomic context may take */
		base_opt(bs, "ctx=%s", PICK(atomic_contexts));
		if (g.ncpus >= 2 && !rndn(4)) {
			base_opt(bs, "alloc=percpu");
			k = K_PERCPU;
			mx = rndr(TIMER_MAX / g.ncpus + 1, PERCPU_MAX);
		} else {
			k = kind_of(PICK(timer_kinds));
			base_opt(bs, "alloc=%s", kinds[k]);
			mx = rndr(TIMER_MAX + 1, TIMER_SEND);
		}
		mn = rndr(1, mx);
		tot = rndr(counted(k, mx), 2 * counted(k, mx));
		break;
	case C_FREE_PIECE:	/* a piece of MAX that could never fit */
		base_opt(bs, "free=%s", policies[rndr(1, 3)]);
		if (g.ncpus >= 2 && rndn(2)) {
			base_opt(bs, "alloc=percpu");
			mx = rndr(64, 4096);
			tot = rndr(mx, mx * g.ncpus - 1);
		} else {
			base_opt(bs, "alloc=pages");
			mx = rndr(PAGE_SZ + 1, 2 * PAGE_SZ);
			tot = rndr(mx, 2 * PAGE_SZ - 1);
		}
		mn = rndr(1, mx);
		break;
	case C_POOL_RCU:	/* a mempool has no release through RCU */
		base_opt(bs, "alloc=mempool");
		base_opt(bs, "release=rcu");
		mn = rndr(16, 64);
		break;
	case C_RESERVE_KIND:	/* the elements of a mempool, of no mempool */
		base_opt(bs, "alloc=%s", PICK(not_pool));
		base_opt(bs, "reserve=%u", (unsigned int)rndr(1, RESERVE_MAX));
		break;
	case C_RESERVE_RANGE:	/* 1 to 1024 elements */
		base_opt(bs, "alloc=mempool");
		base_opt(bs, "reserve=%" PRIu64, rndn(2) ? 0 :
			 rndr(RESERVE_MAX + 1, UINT32_MAX));
		break;
	case C_BULK_KIND:	/* an allocator without a bulk call */
		base_opt(bs, "alloc=%s", PICK(not_bulk));
		base_opt(bs, "bulk=%u", (unsigned int)rndr(2, BENCH_BULK_MAX));
		break;
	case C_BULK_PAGES:	/* alloc_pages_bulk() gives single pages */
		base_opt(bs, "alloc=pages");
		base_opt(bs, "bulk=%u", (unsigned int)rndr(2, 64));
		mx = rndr(PAGE_SZ + 1, 4 * PAGE_SZ);
		mn = rndr(1, mx);
		tot = rndr(pages_bytes(mx), 4 * pages_bytes(mx));
		break;
	case C_BULK_NODE:	/* the bulk calls take no node */
		base_opt(bs, "alloc=%s", rndn(2) ? "cache" : "pages");
		base_opt(bs, "node=0");
		base_opt(bs, "bulk=%u", (unsigned int)rndr(2, 64));
		break;
	case C_BULK_RANGE:	/* 1 to 512 */
		base_opt(bs, "alloc=%s", rndn(2) ? "cache" : "pages");
		base_opt(bs, "bulk=%" PRIu64, rndn(2) ? 0 :
			 rndr(BENCH_BULK_MAX + 1, UINT32_MAX));
		break;
	case C_NMI_LOCKS:	/* an NMI takes no lock; or cannot be had */
		base_opt(bs, "ctx=nmi");
		if (!g.nmi && rndn(2))
			base_opt(bs, "alloc=%s", rndn(2) ? "kmalloc_nolock" :
				 "pages_nolock");
		else
			base_opt(bs, "alloc=%s", PICK(locking));
		break;
	default:	/* a CPU no kernel has */
		base_opt(bs, "cpu=%" PRIu64, rndr(CPUS_MAX, UINT32_MAX));
		break;
	}
	if (t - targets == MEM_ALLOC) {
		snprintf(bs->num[0], sizeof(bs->num[0]), "%" PRIu64,
			 rndr(1, NOFAIL_MAX));
	} else {
		snprintf(bs->num[0], sizeof(bs->num[0]), "%" PRIu64, mn);
		snprintf(bs->num[1], sizeof(bs->num[0]), "%" PRIu64, mx);
		snprintf(bs->num[2], sizeof(bs->num[0]), "%" PRIu64, tot);
	}
	gen_valid(t, bs, c);
	c->want_bad = true;
	return true;
}

/*
 * Options of every kind in any order, with values right and wrong,
 * together or at odds: the model says which.
 */
static bool gen_opt_mix(const struct target *t __maybe_unused,
			struct base *bs __maybe_unused, struct cmd *c)
{
	static const char *const nodes[] = { "0", "0", "1", "2", "1024", "+0" };
	static const char *const cpus[] = { "0", "0", "1", "1", "2", "8192" };
	char list[72];
	unsigned int o, nmods, i;
	size_t n;

	if (!t->opts)
		return false;
	bs->nopt = 0;
	for (o = (unsigned int)rndn(NR_OPTS), i = 0; i < NR_OPTS;
	     i++, o = (o + 1) % NR_OPTS) {
		if (!(t->opts & (1U << o)) || rndn(2))
			continue;
		switch (o) {
		case O_ALLOC:
			base_opt(bs, "alloc=%s", kinds[pick_kind()]);
			break;
		case O_GFP:
			n = 0;
			if (rndn(3))
				n += snprintf(list, sizeof(list), "%s",
					      PICK(gfp_bases));
			for (nmods = (unsigned int)rndn(4); nmods--; )
				n += snprintf(list + n, sizeof(list) - n,
					      "%s%s", n ? "," : "",
					      PICK(gfp_mods));
			/* nowarn mostly: else it is refused or not sent */
			if (rndn(8))
				snprintf(list + n, sizeof(list) - n, "%snowarn",
					 n ? "," : "");
			base_opt(bs, "gfp=%s", list);
			break;
		case O_NODE:
			base_opt(bs, "node=%s", PICK(nodes));
			break;
		case O_CPU:
			base_opt(bs, "cpu=%s", PICK(cpus));
			break;
		case O_CTX:
			base_opt(bs, "ctx=%s", PICK(contexts));
			break;
		case O_FREE:
			base_opt(bs, "free=%s", PICK(policies));
			break;
		case O_RELEASE:
			base_opt(bs, "release=%s", PICK(releases));
			break;
		case O_AVAIL:	/* mem_alloc's: its two classes, or no size */
			base_opt(bs, "avail=%s", rndn(4) ? avail_value(false) :
				 PICK(avail_bad));
			break;
		default:	/* bench's own */
			base_opt(bs, "%s=%s", opt_keys[o], bench_value(o));
			break;
		}
	}
	return gen_valid(t, bs, c);
}

/* Parameters: values the setters must refuse. */
static bool gen_param_bad(const struct target *t __maybe_unused,
			  struct base *bs __maybe_unused, struct cmd *c)
{
	static const char *const bad[][8] = {
		{ "maybe", "x", "2", "-1", "oz", "o", "@", "\n" },
		{ "91", "100", "-1", "abc", "4294967296", "99999999999999999999",
		  "0x10", "9 1" },
		{ "0", "-1", "9223372036854775808", "18446744073709551615",
		  "abc", "0x100000", "1e6", "\n" },
		{ "slab", "kmalloc2", "k", "vmalloc kmalloc", "kv malloc", "\n",
		  "kmallo", "=kmalloc" },
		{ "abc", "-1", "18446744073709551616", "0x", "0xg", "1 2",
		  "99999999999999999999", "--5" },
		{ "0", "-1", "9223372036854775808", "18446744073709551615",
		  "abc", "0x100000", "1e6", "\n" },
		{ "0", "65537", "-1", "abc", "4294967296", "0x10", "1e3",
		  "8 9" },
		{ "0", "1025", "-1", "abc", "4294967300", "0x10", "1e3",
		  "4 5" },
		{ "0", "-1", "9223372036854775808", "18446744073709551615",
		  "0k", "1x", "1e6", "\n" },
	};

	c->len = 0;
	puts_(c, bad[t - targets - P_CHECK][rndn(8)]);
	if (rndn(2))
		puts_(c, "\n");
	c->want_bad = true;
	return true;
}

static bool gen_param_ws(const struct target *t __maybe_unused,
			 struct base *bs __maybe_unused, struct cmd *c)
{
	c->len = 0;
	puts_(c, PICK(ends));
	puts_(c, bs->num[0]);
	puts_(c, PICK(ends));
	return true;
}

typedef bool (*gen_fn)(const struct target *t, struct base *bs,
		       struct cmd *c);

struct gen {
	const char *name;
	gen_fn fn;
	unsigned int weight;
};

/* mem_test_destroy_all takes anything: mostly what it must refuse. */
static const struct gen nul_gen = { "nul", gen_nul, 0 };
static const struct gen long_gen = { "long", gen_long, 0 };

static const struct gen cmd_gens[] = {
	{ "valid", gen_valid, 4 },
	{ "mutate-bytes", gen_mut_bytes, 16 },
	{ "mutate-tokens", gen_mut_toks, 12 },
	{ "numbers", gen_numbers, 7 },
	{ "units", gen_units, 4 },
	{ "options", gen_opts, 4 },
	{ "separators", gen_seps, 7 },
	{ "random", gen_random, 6 },
	{ "split", gen_split, 4 },
	{ "empty", gen_empty, 1 },
	{ "4095-bytes", gen_edge, 1 },
	{ "nul", gen_nul, 5 },
	{ "long", gen_long, 2 },
	{ "overflow", gen_overflow, 5 },
	{ "arity", gen_arity, 5 },
	{ "bad-unit", gen_bad_unit, 4 },
	{ "bad-option", gen_bad_opt, 4 },
	{ "bad-token", gen_bad_token, 3 },
	{ "bad-separator", gen_bad_sep, 3 },
	{ "semantic", gen_semantic, 3 },
	{ "bad-combination", gen_bad_combo, 4 },
	{ "option-mix", gen_opt_mix, 6 },
	{ "bench-values", gen_bench_values, 8 },
};

static const struct gen param_gens[] = {
	{ "valid", gen_valid, 10 },
	{ "mutate-bytes", gen_mut_bytes, 25 },
	{ "numbers", gen_numbers, 20 },
	{ "random", gen_random, 15 },
	{ "nul", gen_nul, 10 },
	{ "long", gen_long, 5 },
	{ "spaces", gen_param_ws, 10 },
	{ "bad-value", gen_param_bad, 5 },
	{ "empty", gen_empty, 1 },
};

/* Nothing malformed is filtered; the rest must stay cheap to run. */
static bool too_costly(const struct target *t, const struct cmd *c)
{
	struct verdict v;
	const uint64_t *a = v.val;

	if (t->param || c->ncut)
		return false;
	classify_cmd(t, g.buf, c->len, &v);
	if (v.cls == BAD || !v.parsed)
		return false;
	switch (t - targets) {
	case MEM_ALLOC:
	case MEM_REALLOC:
		return a[0] > (8ULL << 20) && a[0] <= g.max_bytes;
	case MEM_RND:
		/* about TOTAL / ((MIN + MAX) / 2) pieces */
		return a[2] <= g.max_bytes &&
		       a[2] / (a[0] / 2 + a[1] / 2 + 1) > 512;
	case TEST_START:
		return a[1] > (1ULL << 20) && a[2] <= g.max_bytes;
	case BENCH:
		/* a run that may be taken: of small chunks only */
		return !v.stop && !v.nospc &&
		       counted(v.kind, v.size) > BENCH_CHEAP;
	}
	return false;
}

/*
 * What must not be sent, whatever the class, as long as the numbers are
 * known (so the module gets past its parser): a gfp= without nowarn (a
 * failed allocation would print the kernel's report; but vmalloc on a
 * node, whose vmalloc_node() takes no flags, of 64 KiB at most, which
 * does not fail), nofail past 8192 bytes (the kernel warns, or loops), a
 * ctx=timer test of big chunks (refused above 32 KiB), a mem_alloc whose
 * avail= is neither below pressure_margin nor far above MemAvailable
 * (it would keep chunks until the machine is low: 68-pressure.sh's).
 */
static bool too_risky(const struct target *t, const unsigned char *b,
		      size_t len)
{
	struct verdict v;
	uint64_t size;

	if (t->param || !t->opts)
		return false;
	classify_cmd(t, b, len, &v);
	if (!v.parsed)
		return false;
	size = t - targets == MEM_ALLOC ? v.val[0] :
	       t - targets == BENCH ? v.size : v.val[1];
	if ((v.opts & (1U << O_GFP)) && !(v.mods & M(G_NOWARN)) &&
	    !(v.kind == K_VMALLOC && (v.opts & (1U << O_NODE)) &&
	      size <= VM_NODE_SEND))
		return true;
	if ((v.mods & M(G_NOFAIL)) && size > NOFAIL_MAX)
		return true;
	if ((v.opts & (1U << O_AVAIL)) && v.av != AV_LOW &&
	    v.av != AV_NOFAIL && v.av != AV_FAR) {
		g.av_filtered++;
		return true;
	}
	return v.timer && counted(v.kind, size) > TIMER_SEND;
}

/* Each write of @c: too risky?  (See too_risky().) */
static bool cmd_risky(const struct target *t, const struct cmd *c)
{
	size_t from = 0, to;
	unsigned int i;

	for (i = 0; i <= c->ncut; i++, from = to) {
		to = i < c->ncut ? c->cut[i] : c->len;
		if (too_risky(t, g.buf + from, to - from))
			return true;
	}
	return false;
}

static const struct gen *pick_gen(const struct gen *gens, size_t n)
{
	unsigned int total = 0, r;
	size_t i;

	for (i = 0; i < n; i++)
		total += gens[i].weight;
	r = (unsigned int)rndn(total);
	for (i = 0; r >= gens[i].weight; i++)
		r -= gens[i].weight;
	return &gens[i];
}

static struct target *pick_target(void)
{
	unsigned int total = 0, r, i;

	for (i = 0; i < NR_TARGETS; i++)
		total += targets[i].weight;
	r = (unsigned int)rndn(total);
	for (i = 0; r >= targets[i].weight; i++)
		r -= targets[i].weight;
	return &targets[i];
}

/* One generated command, sent in one write or, split, in several. */
static void fuzz_one(void)
{
	struct target *t = pick_target();
	const struct gen *gn;
	struct base bs;
	struct cmd c;
	unsigned int tries;
	size_t from, i;

	/* what avail= is held against: the machine now */
	g.mem_avail = read_mem_avail();
	for (tries = 0; ; tries++) {
		memset(&c, 0, sizeof(c));
		make_base(t, &bs);
		if (t->param)
			gn = pick_gen(param_gens, ARRAY_SIZE(param_gens));
		else if (t - targets == DESTROY_ALL && rndn(8))
			gn = rndn(4) ? &nul_gen : &long_gen;
		else
			gn = pick_gen(cmd_gens, ARRAY_SIZE(cmd_gens));
		if (!gn->fn(t, &bs, &c))
			continue;
		if (tries < 16 && (too_costly(t, &c) || cmd_risky(t, &c)))
			continue;
		if (tries >= 16 && (too_costly(t, &c) || cmd_risky(t, &c))) {
			gn = &nul_gen;
			memset(&c, 0, sizeof(c));
			gn->fn(t, &bs, &c);
		}
		break;
	}
	/* long parameter writes must be refused on their first page */
	if (t->param && c.len > PAGE_LEN)
		g.buf[0] = 'x';
	g.gen = gn->name;
	/*
	 * Now and then the command goes to bench while a run goes that
	 * cannot end within a second: a start is then refused with EBUSY,
	 * a stop cuts it.  Ours: 64-byte pairs, count=4294967295, time=1.
	 */
	if (t - targets == BENCH && g.bench_st == B_IDLE && !rndn(16)) {
		g.bench_probes++;
		g.bench_probe = true;
		hk_cmd(BENCH, "alloc=%s size=64 count=4294967295 time=1 sample=0%s\n",
		       rndn(2) ? "kmalloc" : "kvmalloc",
		       rndn(2) ? "" : " pattern=random");
		g.bench_probe = false;
	}
	if (!c.ncut) {
		send_one(t, g.buf, c.len, c.want_bad);
	} else {
		g.splits++;
		/* each write is a command of its own: stop at --count */
		for (from = 0, i = 0; i <= c.ncut && g.c.sent < g.count; i++) {
			size_t to = i < c.ncut ? c.cut[i] : c.len;

			send_one(t, g.buf + from, to - from, false);
			from = to;
		}
	}
	/* no run goes on past the command: the next write finds none */
	if (g.bench_st != B_IDLE)
		hk_cmd(BENCH, "stop\n");
}

/* ---- the footprint, against the kernel's counters ------------------- */

/*
 * A quiet point: every test stopped (and so holding nothing), no command
 * running: mem_used adds up exactly, figure by figure, and each test's
 * stats agree.  Then the background tests start again.
 */
static void quiet_point(void)
{
	unsigned int ids[256], n = 0, i;
	long long over, sum_over = 0, sch = 0;
	char path[PATH_MAX + 16], state[32];
	unsigned long long allocs;
	struct dirent *d;
	struct used u;
	const long long *x = u.v;
	const char *why;
	DIR *dir;

	g.quiet++;
	if (g.bench_st != B_IDLE)
		hk_cmd(BENCH, "stop\n");
	snprintf(path, sizeof(path), "%s/tests", g.dir);
	dir = opendir(path);
	if (!dir) {
		problem("%s cannot be listed: %s", path, strerror(errno));
		return;
	}
	while ((d = readdir(dir)) && n < ARRAY_SIZE(ids))
		if (d->d_name[0] != '.')
			ids[n++] = (unsigned int)strtoul(d->d_name, NULL, 10);
	closedir(dir);
	if ((long long)n != g.prev.v[U_TESTS])
		problem("tests/ lists %u tests, mem_used says %lld", n,
			g.prev.v[U_TESTS]);
	for (i = 0; i < n; i++) {
		test_state(ids[i], state, sizeof(state), &allocs);
		if (!strcmp(state, "running"))
			hk_cmd(TEST_STOP, "%u\n", ids[i]);
	}
	/* none runs now: none makes a bulk call */
	g.nr_bulk = 0;
	g.bulk_lost = false;
	why = read_used(&u);
	if (why) {
		problem("mem_used cannot be read or parsed: %s", why);
		return;
	}
	for (i = 0; i < n; i++) {
		over = check_stats(ids[i], true);
		if (over > 0)
			sum_over += over;
	}
	for (i = 0; i < NR_KINDS; i++) {
		const long long c = x[U_KIND + 2 * i], b = x[U_KIND + 2 * i + 1];
		const long long ch = x[U_KIND_CH + i];

		sch += ch;
		if (ch < b || (!c && (ch || b)))
			problem("quiet: %s_chunks %lld, %s_bytes %lld, %s_charged %lld: the footprint is not the bytes or more",
				kinds[i], c, kinds[i], b, kinds[i], ch);
	}
	if (sch != x[U_KCH] + x[U_TCH])
		problem("quiet: the allocators' *_charged sum to %lld, not kept_charged %lld + test_charged %lld",
			sch, x[U_KCH], x[U_TCH]);
	if (x[U_CHARGED] != x[U_KCH] + x[U_TCH] + x[U_TRACK] + x[U_OVER] +
	    x[U_BENCH] + x[U_RESV] + x[U_RCU])
		problem("quiet: charged_bytes %lld is not kept_charged %lld + test_charged %lld + tracking_bytes %lld + overhead_bytes %lld + bench_bytes %lld + reserved_bytes %lld + rcu_pending_bytes %lld",
			x[U_CHARGED], x[U_KCH], x[U_TCH], x[U_TRACK], x[U_OVER],
			x[U_BENCH], x[U_RESV], x[U_RCU]);
	if (x[U_TC] || x[U_TB] || x[U_TCH])
		problem("quiet: every test stopped, yet test_chunks %lld, test_bytes %lld, test_charged %lld",
			x[U_TC], x[U_TB], x[U_TCH]);
	if (x[U_ATOMIC] > x[U_KCH] + x[U_TCH] + x[U_RCU])
		problem("quiet: atomic_bytes %lld, more than the chunks' footprint %lld and what RCU releases keep charged %lld",
			x[U_ATOMIC], x[U_KCH] + x[U_TCH], x[U_RCU]);
	/* the tests' own memory; and the dedicated caches' */
	if (sum_over > x[U_OVER] || (!x[U_CACHES] && sum_over != x[U_OVER]))
		problem("quiet: the tests' overhead_bytes sum to %lld, mem_used's overhead_bytes is %lld with %lld dedicated caches",
			sum_over, x[U_OVER], x[U_CACHES]);
	if (x[U_TESTS] != (long long)n)
		problem("quiet: mem_used's tests is %lld, tests/ lists %u",
			x[U_TESTS], n);
	check_meminfo();
	for (i = 0; i < NR_BG; i++)
		restart_bg(i);
}

/* ---- set-up and the end -------------------------------------------- */

/* Before any write, a command file reads as its usage line. */
static int check_usage(const struct target *t)
{
	char buf[ANS_LEN], want[64];
	ssize_t n = read(t->fd, buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "usage: %s ", t->name);
	if (!strncmp(buf, want, strlen(want)) && n > 0 && buf[n - 1] == '\n' &&
	    strchr(buf, '\n') == buf + n - 1)
		return 0;
	fprintf(stderr, "mtfuzz: %s reads '%s' before any write, not its usage\n",
		t->name, buf);
	return -1;
}

/*
 * How many CPUs a cpu list of sysfs names ("0-3,5\n"), the first @max of
 * them into @list.  Return: 0 when it cannot be read.
 */
static unsigned int cpu_list(const char *path, unsigned int *list,
			     unsigned int max)
{
	char buf[512], *p = buf, *end;
	unsigned long a, b;
	unsigned int n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread_str(fd, buf, sizeof(buf)) <= 0) {
		close(fd);
		return 0;
	}
	close(fd);
	while (*p && *p != '\n') {
		a = strtoul(p, &end, 10);
		if (end == p)
			return 0;
		b = a;
		p = end;
		if (*p == '-') {
			b = strtoul(p + 1, &end, 10);
			if (end == p + 1 || b < a)
				return 0;
			p = end;
		}
		for (; a <= b; a++, n++)
			if (n < max)
				list[n] = (unsigned int)a;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return 0;
	}
	return n;
}

/* Set parameter @i to @v.  Return: 0, or -1 (said why). */
static int set_param(unsigned int i, uint64_t v)
{
	char val[32];

	snprintf(val, sizeof(val), "%" PRIu64 "\n", v);
	if (pwrite(targets[i].fd, val, strlen(val), 0) >= 0)
		return 0;
	fprintf(stderr, "mtfuzz: cannot set %s: %s\n", targets[i].name,
		strerror(errno));
	return -1;
}

static int setup(void)
{
	const char *why;
	char val[64];
	unsigned int i;

	init_used_keys();
	g.mi_fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	if (g.mi_fd < 0 || read_meminfo(g.mi0)) {
		fprintf(stderr, "mtfuzz: cannot read VmallocUsed, Slab and Percpu in /proc/meminfo\n");
		return -1;
	}
	g.used_fd = open_in(g.dir, "mem_used", O_RDONLY);
	if (g.used_fd < 0) {
		fprintf(stderr, "mtfuzz: cannot open %s/mem_used: %s (is malloc_test loaded, debugfs mounted?)\n",
			g.dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < NR_TARGETS; i++) {
		struct target *t = &targets[i];

		t->fd = open_in(t->param ? g.pdir : g.dir, t->name,
				t->wronly ? O_WRONLY : O_RDWR);
		if (t->fd < 0) {
			fprintf(stderr, "mtfuzz: cannot open %s/%s: %s\n",
				t->param ? g.pdir : g.dir, t->name,
				strerror(errno));
			return -1;
		}
		if (t->param && read_param(t, g.saved[i], sizeof(g.saved[i]))) {
			fprintf(stderr, "mtfuzz: cannot read parameter %s\n",
				t->name);
			return -1;
		}
		if (!t->param && !t->wronly && check_usage(t))
			return -1;
	}
	g.saved_ok = true;
	if (read_param(&targets[P_ALLOC], val, sizeof(val)) == 0 &&
	    kind_of(val) >= 0)
		g.default_kind = kind_of(val);
	read_reserve();
	read_margin();
	g.margin0 = g.margin;
	g.mem_avail = read_mem_avail();
	if (!g.margin || !g.mem_avail) {
		fprintf(stderr, "mtfuzz: cannot read pressure_margin or /proc/meminfo's MemAvailable\n");
		return -1;
	}
	why = read_used(&g.prev);
	if (why) {
		fprintf(stderr, "mtfuzz: cannot parse mem_used: %s\n", why);
		return -1;
	}
	g.corr0 = g.prev.v[U_CORR];
	g.kept_kinds = g.prev.v[U_KC] ? (1U << NR_KINDS) - 1 : 0;
	g.nolock = kernel_at_least(6, 18);
	g.vmalloc_nowait = kernel_at_least(6, 19);
	g.nmi = nmi_possible();
	g.ncpus = cpu_list("/sys/devices/system/cpu/possible", NULL, 0);
	g.nonline = cpu_list("/sys/devices/system/cpu/online", g.online,
			     MAX_ONLINE);
	if (g.nonline > MAX_ONLINE)
		g.nonline = 0;	/* more than the model follows: not known */
	/* no run from before: stopped, and whether there was one */
	g.bres_fd = open_in(g.dir, "bench_result", O_RDONLY);
	if (g.bres_fd < 0 || pread_str(g.bres_fd, val, sizeof(val)) <= 0) {
		fprintf(stderr, "mtfuzz: cannot read %s/bench_result\n", g.dir);
		return -1;
	}
	g.bench_ever = strcmp(val, "state: idle\n");
	if (!strncmp(val, "state: running\n", 15) &&
	    write(targets[BENCH].fd, "stop\n", 5) != 5) {
		fprintf(stderr, "mtfuzz: cannot stop the bench running\n");
		return -1;
	}
	/* a run from before (an earlier mtfuzz): its figures stay as they are */
	if (g.bench_ever) {
		pread_str(g.bres_fd, val, sizeof(val));
		g.bench_last = strncmp(val, "state: stopped\n", 15) ?
			       W_DONE : W_STOPPED;
		g.bench_last_ends = E_COUNT | E_TIME | E_STOP;
	}
	g.max_bytes = g.max_bytes ? g.max_bytes : 1;
	if (!g.max_atomic)
		g.max_atomic = g.max_bytes / 32 ? g.max_bytes / 32 : 1;
	if (set_param(P_MAX_BYTES, g.max_bytes) ||
	    set_param(P_MAX_ATOMIC, g.max_atomic) ||
	    set_param(P_MAX_TESTS, g.max_tests))
		return -1;
	why = read_used(&g.prev);
	if (why || (uint64_t)g.prev.v[U_MAX] != g.max_bytes ||
	    (uint64_t)g.prev.v[U_MAXA] != g.max_atomic) {
		fprintf(stderr, "mtfuzz: max_bytes or max_atomic_bytes did not take\n");
		return -1;
	}
	if ((uint64_t)g.prev.v[U_CHARGED] > g.max_bytes) {
		fprintf(stderr, "mtfuzz: %lld bytes charged already, more than max_bytes %" PRIu64 "\n",
			g.prev.v[U_CHARGED], g.max_bytes);
		return -1;
	}
	if (g.prev.v[U_TESTS]) {
		fprintf(stderr, "mtfuzz: %lld tests exist: it starts with none (mem_test_destroy_all)\n",
			g.prev.v[U_TESTS]);
		return -1;
	}
	g.first = g.prev;
	/* the kernel's other activity: 2 MiB, 1% of max_bytes and the counters */
	g.slack = SLACK_FIXED + (g.max_bytes +
				 (uint64_t)(g.mi0[MI_VMALLOC] + g.mi0[MI_PERCPU] +
					    (g.kasan ? 0 : g.mi0[MI_SLAB])) * 1024) / 100;
	return 0;
}

/* Put every parameter back as it was.  Return: 0 when they read back so. */
static int restore_params(void)
{
	char val[80];
	unsigned int i;
	int ret = 0;

	if (!g.saved_ok)
		return -1;
	for (i = P_CHECK; i < NR_TARGETS; i++) {
		const struct target *t = &targets[i];

		snprintf(val, sizeof(val), "%s\n", g.saved[i]);
		if (pwrite(t->fd, val, strlen(val), 0) < 0) {
			printf("mtfuzz: restoring %s to '%s' failed: %s\n",
			       t->name, g.saved[i], strerror(errno));
			ret = -1;
		}
		if (read_param(t, val, sizeof(val)) || strcmp(val, g.saved[i])) {
			printf("mtfuzz: %s reads '%s' after the restore, was '%s'\n",
			       t->name, val, g.saved[i]);
			ret = -1;
		}
	}
	return ret;
}

static void print_counts(const char *name, const struct counts *c)
{
	unsigned int i;

	printf("%s sent=%lu malformed=%lu malformed_refused=%lu well_formed=%lu uncertain=%lu accepted=%lu refused=%lu empty_writes=%lu",
	       name, c->sent, c->cls[BAD], c->bad_refused, c->cls[OK],
	       c->cls[MAYBE], c->accepted, c->refused, c->noop);
	for (i = 0; i < ARRAY_SIZE(errnos); i++)
		printf(" %s=%lu", errno_names[i], c->err[i]);
	printf(" ms=%.0f", c->secs * 1000);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mtfuzz [--seed N] [--count N] [--max-bytes N]\n"
		"              [--max-atomic-bytes N] [--max-tests N] [--kasan]\n"
		"              [--meminfo-every N] [--quiet-every N] [--details N]\n"
		"              [--debugfs DIR] [--params DIR] [--trace]\n"
		"Writes N (default 100000) random, malformed and mutated commands into\n"
		"malloc_test's command files and parameters and checks every outcome\n"
		"against the documented interface.  Background tests run meanwhile.\n"
		"During the run max_bytes is N (default 8388608), max_atomic_bytes N\n"
		"(default max_bytes / 32) and max_tests N (default 8: as many tests as\n"
		"the fuzzer keeps); the parameters are restored at the end.\n"
		"The footprint is checked after every write (charged_bytes <= max_bytes,\n"
		"atomic_bytes <= max_atomic_bytes, kept_charged >= kept_bytes), exactly\n"
		"at quiet points every --quiet-every writes (default 1000; 0: at the end\n"
		"only), where every test is stopped; and against the kernel every\n"
		"--meminfo-every writes (default 1; 0: at quiet points only): the rise\n"
		"of /proc/meminfo's VmallocUsed + Slab + Percpu since the start must\n"
		"stay within max_bytes + a slack for the kernel's other activity of\n"
		"2 MiB + 1%% of max_bytes and of those counters at the start.  --kasan:\n"
		"leave Slab out (KASAN's redzones and quarantine).\n"
		"Exit status: 0 nothing unexpected, 1 something unexpected, 2 usage,\n"
		"3 the module cannot be reached (or tests exist already).\n");
}

static int parse_ull(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || !*s || *end || *s == '-' ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long long v, allocs, next = 20000, next_quiet;
	bool have_seed = false, restored;
	unsigned int running = 0, i, known;
	char state[32];
	double t0, t1;
	int a;

	for (a = 1; a < argc; a++) {
		const char *opt = argv[a], *arg = a + 1 < argc ? argv[a + 1] : NULL;

		if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(opt, "--trace")) {
			g.trace = true;
			continue;
		}
		if (!strcmp(opt, "--kasan")) {
			g.kasan = true;
			continue;
		}
		if (!arg) {
			usage(stderr);
			return 2;
		}
		a++;
		if (!strcmp(opt, "--debugfs")) {
			g.dir = arg;
			continue;
		}
		if (!strcmp(opt, "--params")) {
			g.pdir = arg;
			continue;
		}
		if (parse_ull(arg, &v)) {
			fprintf(stderr, "mtfuzz: %s: not a number: '%s'\n", opt, arg);
			return 2;
		}
		if (!strcmp(opt, "--seed")) {
			g.seed = v;
			have_seed = true;
		} else if (!strcmp(opt, "--count")) {
			g.count = v;
		} else if (!strcmp(opt, "--max-bytes") && v && v <= INT64_MAX) {
			g.max_bytes = v;
		} else if (!strcmp(opt, "--max-atomic-bytes") && v &&
			   v <= INT64_MAX) {
			g.max_atomic = v;
		} else if (!strcmp(opt, "--max-tests") && v > NR_BG &&
			   v <= 65536) {
			g.max_tests = v;
		} else if (!strcmp(opt, "--meminfo-every") && v <= UINT_MAX) {
			g.meminfo_every = (unsigned int)v;
		} else if (!strcmp(opt, "--quiet-every") && v <= UINT_MAX) {
			g.quiet_every = (unsigned int)v;
		} else if (!strcmp(opt, "--details")) {
			g.details = (unsigned int)v;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!have_seed)
		g.seed = (unsigned long long)time(NULL);
	g.rng = g.seed;
	g.hash = 0xcbf29ce484222325ULL;
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (setup()) {
		restore_params();
		return 3;
	}
	printf("mtfuzz: seed %llu, %llu commands, max_bytes %" PRIu64 ", max_atomic_bytes %" PRIu64 ", max_tests %" PRIu64 " for the run (were %s, %s, %s)\n",
	       g.seed, g.count, g.max_bytes, g.max_atomic, g.max_tests,
	       g.saved[P_MAX_BYTES], g.saved[P_MAX_ATOMIC],
	       g.saved[P_MAX_TESTS]);
	printf("mtfuzz: VmallocUsed %lld kB, Slab %lld kB%s, Percpu %lld kB at the start: together they may rise by max_bytes + %" PRIu64 " bytes of slack (2 MiB + 1%%)\n",
	       g.mi0[MI_VMALLOC], g.mi0[MI_SLAB],
	       g.kasan ? " (not counted: KASAN)" : "", g.mi0[MI_PERCPU],
	       g.slack);
	t0 = now_s();
	next_quiet = g.quiet_every;
	for (i = 0; i < NR_BG; i++)
		restart_bg(i);
	g.bg_restarts = 0;
	g.bg_allocs = 0;
	printf("mtfuzz: background tests %u %u %u (1..4 KiB every 1..2 ms, kmalloc, vmalloc, kvmalloc)\n",
	       g.bg[0], g.bg[1], g.bg[2]);

	while (g.c.sent < g.count) {
		fuzz_one();
		/* keep what is kept small: its footprint */
		if (g.prev.v[U_KCH] > (long long)(g.max_bytes / 2))
			hk_cmd(MEM_FREE, "\n");
		for (i = 0; i < NR_BG; i++)
			if (!g.bg[i])
				restart_bg(i);
		/* the tests that exist: ours, no other */
		for (i = 0, known = g.nr_ring; i < NR_BG; i++)
			known += !!g.bg[i];
		if (g.prev.v[U_TESTS] != (long long)known)
			problem("mem_used's tests is %lld, the fuzzer keeps %u",
				g.prev.v[U_TESTS], known);
		/* so often in writes: a split command is several */
		if (g.quiet_every && g.c.sent >= next_quiet) {
			quiet_point();
			next_quiet = g.c.sent - g.c.sent % g.quiet_every +
				     g.quiet_every;
		}
		if (g.c.sent >= next) {
			printf("mtfuzz: %lu commands, %.1f s\n", g.c.sent,
			       now_s() - t0);
			next += 20000;
		}
	}
	quiet_point();
	t1 = now_s();

	for (i = 0; i < NR_BG; i++) {
		test_state(g.bg[i], state, sizeof(state), &allocs);
		running += !strcmp(state, "running");
		g.bg_allocs += allocs;
	}
	restored = !restore_params();

	for (i = 0; i < NR_TARGETS; i++) {
		print_counts(targets[i].name, &targets[i].c);
		putchar('\n');
	}
	/* the summary: one line of key=value */
	printf("mtfuzz: seed=%llu", g.seed);
	print_counts("", &g.c);
	printf(" split=%lu unexpected=%lu selfcheck=%lu housekeeping=%lu",
	       g.splits, g.unexpected, g.selfcheck, g.hk);
	printf(" bg_running=%u bg_restarts=%lu bg_allocations=%llu tests_active=%lu",
	       running, g.bg_restarts, g.bg_allocs, g.tests_seen);
	for (i = 0; i < NR_OPTS; i++)
		printf(" with_%s=%lu", opt_keys[i], g.with_opt[i]);
	for (i = 0; i < NR_KINDS; i++)
		printf(" alloc_%s=%lu", kinds[i], g.with_kind[i]);
	printf(" bulk_tests=%lu nmi=%d nmi_tests=%lu", g.bulk_started, g.nmi,
	       g.nmi_started);
	/* avail=: each class sent, and of them as the model said */
	for (i = AV_ELSEWHERE; i < NR_AV; i++)
		if (i != AV_GIVEN && i != AV_RISKY)
			printf(" avail_%s=%lu avail_%s_ok=%lu", av_names[i],
			       g.av_sent[i], av_names[i], g.av_ok[i]);
	printf(" avail_risky_filtered=%lu pressure_margin=%" PRIu64,
	       g.av_filtered, g.margin0);
	printf(" nospc_certain=%lu nospc_refused=%lu max_tests_refused=%lu",
	       g.nospc, g.nospc_ok, g.nospc_tests);
	printf(" charged_max=%lld atomic_max=%lld cap_excess=%lu quiet_points=%lu stats_checked=%lu",
	       g.charged_max, g.atomic_max, g.cap_excess, g.quiet,
	       g.stats_checked);
	printf(" bench_started=%lu bench_probes=%lu bench_busy=%lu bench_busy_certain=%lu bench_stops=%lu bench_stop_certain=%lu bench_waited=%lu bench_done=%lu bench_cut=%lu bench_results=%lu",
	       g.bench_started, g.bench_probes, g.bench_busy,
	       g.bench_busy_sure, g.bench_stops, g.bench_stop_sure,
	       g.bench_waited, g.bench_done, g.bench_cut, g.bench_results);
	printf(" bench_ms=%.0f", g.bench_secs * 1000);
	printf(" meminfo_checks=%lu rise_kb=%lld vmalloc_rise_kb=%lld slab_rise_kb=%lld percpu_rise_kb=%lld bound_kb=%" PRIu64,
	       g.mi_checks, g.mi_rise_sum, g.mi_rise[MI_VMALLOC],
	       g.kasan ? 0 : g.mi_rise[MI_SLAB], g.mi_rise[MI_PERCPU],
	       (g.max_bytes + g.slack) / 1024);
	printf(" params_restored=%d seconds=%.1f hash=%016" PRIx64 "\n",
	       restored, t1 - t0, g.hash);
	return g.unexpected || !restored ? 1 : 0;
}
