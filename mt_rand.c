// SPDX-License-Identifier: GPL-2.0
/*
 * malloc_test - the seed parameter, and the random sequences drawn from
 * it: every command and test draws its sizes, intervals and choices from
 * a sequence of its own, which the seed parameter makes repeatable.
 */
#include "malloc_test.h"
#include "mt_rand.h"

#include <linux/math64.h>
#include <linux/random.h>

static u64 mt_seed;

/* param_set_ullong() would fail a number past 64 bits with ERANGE. */
static int mt_seed_set(const char *val, const struct kernel_param *kp)
{
	u64 v;

	if (kstrtou64(val, 0, &v))
		return mt_param_refuse(kp, val, "an unsigned 64-bit number");
	WRITE_ONCE(mt_seed, v);
	return 0;
}

static const struct kernel_param_ops mt_seed_ops = {
	.set = mt_seed_set,
	.get = param_get_ullong,
};
module_param_cb(seed, &mt_seed_ops, &mt_seed, 0644);
MODULE_PARM_DESC(seed,
		 "Seed of the random sizes, intervals and choices; 0 (default) for a fresh one each time");

/*
 * A 64-bit finaliser: inputs one bit apart give unrelated outputs.  Not
 * hash_64(), which multiplies once and keeps the top bits: neighbouring
 * salts would give seeds that share their low bits.
 */
static u64 mt_mix64(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/**
 * mt_seed_for() - the seed of one random sequence
 * @salt: tells the sequences apart: a test's id and the stream, say
 *
 * With the seed parameter set, the same salt gives the same sequence, so
 * that a run can be repeated; with it 0, every call gives a fresh seed.
 * Seeds of neighbouring salts, or of neighbouring seed parameters, are
 * unrelated: prandom_seed_state() folds a seed to 32 bits, and close
 * seeds would otherwise start close streams.
 *
 * Context: any context.
 * Return: the seed.
 */
u64 mt_seed_for(u64 salt)
{
	u64 seed = READ_ONCE(mt_seed);

	if (!seed)
		return get_random_u64();
	return mt_mix64(mt_mix64(seed) + mt_mix64(salt ^ 0x9e3779b97f4a7c15ULL));
}

/**
 * mt_rand_range() - a random number in [@lo, @hi]
 * @rnd: the random state to draw from
 * @lo: the smallest value
 * @hi: the largest value, not below @lo
 *
 * Context: any context.
 * Return: the number.
 */
u64 mt_rand_range(struct rnd_state *rnd, u64 lo, u64 hi)
{
	u64 r = (u64)prandom_u32_state(rnd) << 32 | prandom_u32_state(rnd);
	u64 span = hi - lo + 1;
	u64 rem;

	if (!span)		/* the whole 64-bit range */
		return r;
	div64_u64_rem(r, span, &rem);
	return lo + rem;
}
