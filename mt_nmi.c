// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - a call run in an NMI of the caller's own CPU, for
 * ctx=nmi.
 *
 * A ctx=nmi test's hrtimer callback, in hard interrupt context, puts
 * the allocator's call in this CPU's slot, raises an NMI on this very
 * CPU through the local APIC, and waits with interrupts off until the
 * module's NMI handler has run it.  The handler touches nothing but the
 * slot and what the call does (a nolock allocator, the only kind that
 * may run there, timed with the NMI-safe clock), and takes no lock:
 * keeping the chunk, charging it and recording its latency stay in the
 * callback, where locks may be taken.  What the NMI interrupts is that
 * callback, so the allocator is entered from NMI context, not in the
 * middle of another allocation.
 *
 * The handler is registered (NMI_LOCAL) while a ctx=nmi test exists:
 * no NMI of the machine calls into the module otherwise.  x86 only, on
 * kernels with the nolock allocators (mt_compat.h's MT_HAVE_NMI):
 * elsewhere mt_nmi_missing() says why ctx=nmi is refused.
 */
#include "malloc_test.h"
#include "mt_compat.h"
#include "mt_nmi.h"

#include <linux/errno.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/smp.h>

#if MT_HAVE_NMI
#include <asm/apic.h>
#include <asm/nmi.h>

/*
 * How long the callback waits for its NMI before it gives up: a
 * self-NMI comes within microseconds; a machine whose APIC drops it
 * gets an error per step, not a hang.
 */
#define MT_NMI_TIMEOUT_NS	(20 * NSEC_PER_MSEC)

/**
 * struct mt_nmi_call - one call handed to this CPU's NMI
 * @fn: what to run in it
 * @arg: its argument
 * @done: @fn has returned; written by the handler with release
 *	semantics
 */
struct mt_nmi_call {
	void (*fn)(void *arg);
	void *arg;
	bool done;
};

/* The call this CPU's next NMI runs; the handler takes it. */
static DEFINE_PER_CPU(struct mt_nmi_call *, mt_nmi_slot);
/* Serialises registering the handler and @mt_nmi_users. */
static DEFINE_MUTEX(mt_nmi_lock);
static unsigned int mt_nmi_users;

static int mt_nmi_handler(unsigned int type, struct pt_regs *regs)
{
	struct mt_nmi_call *c;

	if (!this_cpu_read(mt_nmi_slot))
		return NMI_DONE;
	c = this_cpu_xchg(mt_nmi_slot, NULL);
	if (!c)
		return NMI_DONE;
	c->fn(c->arg);
	/* pairs with the acquire in mt_nmi_run(): what @fn wrote first */
	smp_store_release(&c->done, true);
	return NMI_HANDLED;
}

/**
 * mt_nmi_missing() - why this machine cannot run ctx=nmi
 *
 * Context: any context.
 * Return: the reason, or NULL when it can.
 */
const char *mt_nmi_missing(void)
{
	if (!boot_cpu_has(X86_FEATURE_APIC))
		return "this machine's local APIC is off, and a module raises an NMI through it";
	return NULL;
}

/**
 * mt_nmi_get() - have the module's NMI handler registered
 *
 * One reference per ctx=nmi test; the first registers the handler.
 *
 * Context: process context.
 * Return: 0, or the errno of the registration.
 */
int mt_nmi_get(void)
{
	int ret = 0;

	mutex_lock(&mt_nmi_lock);
	if (!mt_nmi_users)
		ret = register_nmi_handler(NMI_LOCAL, mt_nmi_handler, 0,
					   KBUILD_MODNAME);
	if (!ret)
		mt_nmi_users++;
	mutex_unlock(&mt_nmi_lock);
	return ret;
}

/**
 * mt_nmi_put() - drop what mt_nmi_get() took
 *
 * The last reference unregisters the handler, which waits until no NMI
 * runs it any more.
 *
 * Context: process context; may sleep.
 */
void mt_nmi_put(void)
{
	mutex_lock(&mt_nmi_lock);
	if (!--mt_nmi_users)
		unregister_nmi_handler(NMI_LOCAL, KBUILD_MODNAME);
	mutex_unlock(&mt_nmi_lock);
}

/**
 * mt_nmi_run() - run a call in an NMI of this CPU, and wait for it
 * @fn: the call: it runs in NMI context, so it takes no lock and may
 *	only call what NMI context allows
 * @arg: its argument
 *
 * The caller holds a reference (mt_nmi_get()).
 *
 * Context: interrupts disabled.
 * Return: 0 once @fn has run; -ETIME when the NMI did not come within
 * MT_NMI_TIMEOUT_NS, @fn then not run.
 */
int mt_nmi_run(void (*fn)(void *arg), void *arg)
{
	struct mt_nmi_call c = { .fn = fn, .arg = arg };
	u64 t0 = local_clock();

	lockdep_assert_irqs_disabled();
	this_cpu_write(mt_nmi_slot, &c);
	__apic_send_IPI_mask(cpumask_of(smp_processor_id()), NMI_VECTOR);
	/* pairs with the release in the handler */
	while (!smp_load_acquire(&c.done)) {
		/*
		 * Taken back unrun, or taken by the NMI, which, on this
		 * CPU, has then run to its end: done is set.
		 */
		if (local_clock() - t0 > MT_NMI_TIMEOUT_NS &&
		    this_cpu_cmpxchg(mt_nmi_slot, &c, NULL) == &c)
			return -ETIME;
		cpu_relax();
	}
	return 0;
}
#else
/* Why ctx=nmi is refused: without the nolock allocators, or without x86. */
static const char * const mt_nmi_why[] = {
	"no allocator may run in an NMI on this kernel: kmalloc_nolock() and alloc_pages_nolock() with flags came in 6.18",
	"a module raises an NMI through x86's local APIC, which this architecture has not",
};

const char *mt_nmi_missing(void)
{
	return mt_nmi_why[MT_HAVE_NOLOCK];
}

int mt_nmi_get(void)
{
	return -EOPNOTSUPP;
}

void mt_nmi_put(void)
{
}

int mt_nmi_run(void (*fn)(void *arg), void *arg)
{
	return -EOPNOTSUPP;
}
#endif
