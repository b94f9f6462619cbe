/* SPDX-License-Identifier: GPL-2.0 */
/*
 * malloc_test - its trace events (mt_trace.c defines them): what a test
 * or a bench is doing, so that a trace of the kernel's own events
 * (kmem:*, the page allocator's, the scheduler's) lines up with the
 * module's phases.  perf record -e 'malloc_test:*' -e 'kmem:*' ...
 *
 * A disabled event costs a static branch.  The allocator's and the
 * context's names are copied into the event as text (the grammar's own
 * names), the flags are printed as the kmem events print them.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM malloc_test

#if !defined(_MT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MT_TRACE_H

#include <linux/tracepoint.h>
#include <linux/types.h>
#include <trace/events/mmflags.h>

/* The longest name of an allocator, a context, an op or a phase, + NUL */
#define MT_TRACE_NAME	16

TRACE_EVENT(test_start,

	TP_PROTO(u32 id, const char *alloc, const char *ctx, u64 min, u64 max,
		 u64 total, u64 min_int, u64 max_int, u64 total_time, int cpu,
		 int node, gfp_t gfp),

	TP_ARGS(id, alloc, ctx, min, max, total, min_int, max_int, total_time,
		cpu, node, gfp),

	TP_STRUCT__entry(
		__field(u32, id)
		__array(char, alloc, MT_TRACE_NAME)
		__array(char, ctx, MT_TRACE_NAME)
		__field(u64, min)
		__field(u64, max)
		__field(u64, total)
		__field(u64, min_int)
		__field(u64, max_int)
		__field(u64, total_time)
		__field(int, cpu)
		__field(int, node)
		__field(unsigned long, gfp)
	),

	TP_fast_assign(
		__entry->id = id;
		strscpy(__entry->alloc, alloc, MT_TRACE_NAME);
		strscpy(__entry->ctx, ctx, MT_TRACE_NAME);
		__entry->min = min;
		__entry->max = max;
		__entry->total = total;
		__entry->min_int = min_int;
		__entry->max_int = max_int;
		__entry->total_time = total_time;
		__entry->cpu = cpu;
		__entry->node = node;
		__entry->gfp = (__force unsigned long)gfp;
	),

	TP_printk("id=%u alloc=%s ctx=%s min=%llu max=%llu total=%llu min_int_ms=%llu max_int_ms=%llu time_ms=%llu cpu=%d node=%d gfp_flags=%s",
		  __entry->id, __entry->alloc, __entry->ctx, __entry->min,
		  __entry->max, __entry->total, __entry->min_int,
		  __entry->max_int, __entry->total_time, __entry->cpu,
		  __entry->node, show_gfp_flags(__entry->gfp))
);

/* One step of a test: an allocation or a resize, and how it went. */
TRACE_EVENT(test_tick,

	TP_PROTO(u32 id, const char *op, u64 size, u64 held, int ret),

	TP_ARGS(id, op, size, held, ret),

	TP_STRUCT__entry(
		__field(u32, id)
		__array(char, op, MT_TRACE_NAME)
		__field(u64, size)
		__field(u64, held)
		__field(int, ret)
	),

	TP_fast_assign(
		__entry->id = id;
		strscpy(__entry->op, op, MT_TRACE_NAME);
		__entry->size = size;
		__entry->held = held;
		__entry->ret = ret;
	),

	TP_printk("id=%u op=%s size=%llu held=%llu ret=%d", __entry->id,
		  __entry->op, __entry->size, __entry->held, __entry->ret)
);

/* A test reached its total: it frees by its policy. */
TRACE_EVENT(test_overflow,

	TP_PROTO(u32 id, u64 held, u64 overflows),

	TP_ARGS(id, held, overflows),

	TP_STRUCT__entry(
		__field(u32, id)
		__field(u64, held)
		__field(u64, overflows)
	),

	TP_fast_assign(
		__entry->id = id;
		__entry->held = held;
		__entry->overflows = overflows;
	),

	TP_printk("id=%u held=%llu overflows=%llu", __entry->id,
		  __entry->held, __entry->overflows)
);

/* A test's allocation or resize failed: counted in its errors. */
TRACE_EVENT(alloc_failed,

	TP_PROTO(u32 id, const char *alloc, u64 size, gfp_t gfp, int err),

	TP_ARGS(id, alloc, size, gfp, err),

	TP_STRUCT__entry(
		__field(u32, id)
		__array(char, alloc, MT_TRACE_NAME)
		__field(u64, size)
		__field(unsigned long, gfp)
		__field(int, err)
	),

	TP_fast_assign(
		__entry->id = id;
		strscpy(__entry->alloc, alloc, MT_TRACE_NAME);
		__entry->size = size;
		__entry->gfp = (__force unsigned long)gfp;
		__entry->err = err;
	),

	TP_printk("id=%u alloc=%s size=%llu gfp_flags=%s err=%d",
		  __entry->id, __entry->alloc, __entry->size,
		  show_gfp_flags(__entry->gfp), __entry->err)
);

/*
 * A chunk's pattern did not hold (check_content): its owner ("kept", or
 * "t" and a test's id), where, and at which offset the first bad byte.
 */
TRACE_EVENT(corruption,

	TP_PROTO(const char *owner, const char *alloc, const void *ptr,
		 u64 size, s64 offset),

	TP_ARGS(owner, alloc, ptr, size, offset),

	TP_STRUCT__entry(
		__array(char, owner, MT_TRACE_NAME)
		__array(char, alloc, MT_TRACE_NAME)
		__field(const void *, ptr)
		__field(u64, size)
		__field(s64, offset)
	),

	TP_fast_assign(
		strscpy(__entry->owner, owner, MT_TRACE_NAME);
		strscpy(__entry->alloc, alloc, MT_TRACE_NAME);
		__entry->ptr = ptr;
		__entry->size = size;
		__entry->offset = offset;
	),

	TP_printk("owner=%s alloc=%s ptr=%p size=%llu offset=%lld",
		  __entry->owner, __entry->alloc, __entry->ptr, __entry->size,
		  __entry->offset)
);

/* A test ended: its state and figures, as its stats file shows them. */
TRACE_EVENT(test_end,

	TP_PROTO(u32 id, const char *state, u64 allocations, u64 reallocs,
		 u64 errors, u64 overflows, u64 run_ns),

	TP_ARGS(id, state, allocations, reallocs, errors, overflows, run_ns),

	TP_STRUCT__entry(
		__field(u32, id)
		__array(char, state, MT_TRACE_NAME)
		__field(u64, allocations)
		__field(u64, reallocs)
		__field(u64, errors)
		__field(u64, overflows)
		__field(u64, run_ns)
	),

	TP_fast_assign(
		__entry->id = id;
		strscpy(__entry->state, state, MT_TRACE_NAME);
		__entry->allocations = allocations;
		__entry->reallocs = reallocs;
		__entry->errors = errors;
		__entry->overflows = overflows;
		__entry->run_ns = run_ns;
	),

	TP_printk("id=%u state=%s allocations=%llu reallocs=%llu errors=%llu overflows=%llu run_ns=%llu",
		  __entry->id, __entry->state, __entry->allocations,
		  __entry->reallocs, __entry->errors, __entry->overflows,
		  __entry->run_ns)
);

/* A bench thread begins a phase: "alloc", then "harness", then "bare". */
TRACE_EVENT(bench_phase_start,

	TP_PROTO(const char *phase, const char *alloc, const char *pattern,
		 u64 size, u64 count),

	TP_ARGS(phase, alloc, pattern, size, count),

	TP_STRUCT__entry(
		__array(char, phase, MT_TRACE_NAME)
		__array(char, alloc, MT_TRACE_NAME)
		__array(char, pattern, MT_TRACE_NAME)
		__field(u64, size)
		__field(u64, count)
	),

	TP_fast_assign(
		strscpy(__entry->phase, phase, MT_TRACE_NAME);
		strscpy(__entry->alloc, alloc, MT_TRACE_NAME);
		strscpy(__entry->pattern, pattern, MT_TRACE_NAME);
		__entry->size = size;
		__entry->count = count;
	),

	TP_printk("phase=%s alloc=%s pattern=%s size=%llu count=%llu",
		  __entry->phase, __entry->alloc, __entry->pattern,
		  __entry->size, __entry->count)
);

/* A bench thread ended a phase: what it did, and why it stopped. */
TRACE_EVENT(bench_phase_end,

	TP_PROTO(const char *phase, u64 allocs, u64 frees, u64 errors,
		 u64 ns, const char *why),

	TP_ARGS(phase, allocs, frees, errors, ns, why),

	TP_STRUCT__entry(
		__array(char, phase, MT_TRACE_NAME)
		__field(u64, allocs)
		__field(u64, frees)
		__field(u64, errors)
		__field(u64, ns)
		__array(char, why, MT_TRACE_NAME)
	),

	TP_fast_assign(
		strscpy(__entry->phase, phase, MT_TRACE_NAME);
		__entry->allocs = allocs;
		__entry->frees = frees;
		__entry->errors = errors;
		__entry->ns = ns;
		strscpy(__entry->why, why, MT_TRACE_NAME);
	),

	TP_printk("phase=%s allocs=%llu frees=%llu errors=%llu ns=%llu end=%s",
		  __entry->phase, __entry->allocs, __entry->frees,
		  __entry->errors, __entry->ns, __entry->why)
);

#endif /* _MT_TRACE_H */

/* This part must be outside the guard: define_trace.h reads it again. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE mt_trace
#include <trace/define_trace.h>
