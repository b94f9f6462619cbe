// SPDX-License-Identifier: GPL-2.0
/*
 * leaker - a deliberate leak, for the malloc_test suite's kmemleak case
 * (../99-kmemleak.sh): proof that the suite would see a leak.
 *
 * At load it allocates LEAKER_COUNT objects of LEAKER_SIZE bytes, fills
 * them and keeps their pointers only XOR-ed with a constant: kmemleak finds
 * no reference to them and reports them (with leaker_alloc in their
 * backtraces) once they are older than five seconds.  Several objects,
 * because kmemleak is conservative: a stale copy of a pointer (in a
 * register spilled to some stack, say) hides its object, and does so for
 * the last one allocated rather than for all of them.  At unload the
 * pointers are recovered and the objects freed, so the guest ends with
 * nothing leaked.  Built only against the debug kernel's tree; never load
 * it anywhere else.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#define LEAKER_SIZE	4242
#define LEAKER_COUNT	32
#define LEAKER_MASK	0x5a5a5a5a5a5a5a5aUL

static unsigned long leaker_hidden[LEAKER_COUNT];

static noinline void *leaker_alloc(void)
{
	void *p = kmalloc(LEAKER_SIZE, GFP_KERNEL);

	if (p)
		memset(p, 0x6b, LEAKER_SIZE);
	return p;
}

static void leaker_free(void)
{
	int i;

	for (i = 0; i < LEAKER_COUNT; i++) {
		kfree((void *)(READ_ONCE(leaker_hidden[i]) ^ LEAKER_MASK));
		WRITE_ONCE(leaker_hidden[i], LEAKER_MASK);
	}
}

static int __init leaker_init(void)
{
	int i;

	/* kfree(NULL) is a no-op: unset slots hide NULL. */
	for (i = 0; i < LEAKER_COUNT; i++)
		WRITE_ONCE(leaker_hidden[i], LEAKER_MASK);
	for (i = 0; i < LEAKER_COUNT; i++) {
		void *p = leaker_alloc();

		if (!p) {
			leaker_free();
			return -ENOMEM;
		}
		WRITE_ONCE(leaker_hidden[i], (unsigned long)p ^ LEAKER_MASK);
	}
	pr_info("leaker: %d objects of %d bytes allocated, their only references hidden\n",
		LEAKER_COUNT, LEAKER_SIZE);
	return 0;
}

static void __exit leaker_exit(void)
{
	leaker_free();
}

module_init(leaker_init);
module_exit(leaker_exit);
MODULE_DESCRIPTION("A deliberate kmemleak leak for the malloc_test suite");
MODULE_LICENSE("GPL");
