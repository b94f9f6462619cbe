// SPDX-License-Identifier: GPL-2.0
/*
 * leaker - a deliberate leak, for the malloc_test suite's kmemleak case
 * (tools/tests/99-kmemleak.sh): proof that the suite would see a leak.
 *
 * At load it allocates LEAKER_SIZE bytes, fills them and keeps the pointer
 * only XOR-ed with a constant: kmemleak finds no reference to the object
 * and reports it (with leaker_alloc in its backtrace) once it is older than
 * five seconds.  At unload the pointer is recovered and the object freed,
 * so the guest ends with nothing leaked.  Built only against the debug
 * kernel's tree; never load it anywhere else.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#define LEAKER_SIZE	4242
#define LEAKER_MASK	0x5a5a5a5a5a5a5a5aUL

static unsigned long leaker_hidden;

static noinline void *leaker_alloc(void)
{
	void *p = kmalloc(LEAKER_SIZE, GFP_KERNEL);

	if (p)
		memset(p, 0x6b, LEAKER_SIZE);
	return p;
}

static int __init leaker_init(void)
{
	void *p = leaker_alloc();

	if (!p)
		return -ENOMEM;
	WRITE_ONCE(leaker_hidden, (unsigned long)p ^ LEAKER_MASK);
	pr_info("leaker: %d bytes allocated, their only reference hidden\n",
		LEAKER_SIZE);
	return 0;
}

static void __exit leaker_exit(void)
{
	kfree((void *)(READ_ONCE(leaker_hidden) ^ LEAKER_MASK));
}

module_init(leaker_init);
module_exit(leaker_exit);
MODULE_DESCRIPTION("A deliberate kmemleak leak for the malloc_test suite");
MODULE_LICENSE("GPL");
