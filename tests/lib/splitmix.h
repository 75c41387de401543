/* tests/lib/splitmix.h - the one pseudo-random generator of the tests and
 * the benchmark (SplitMix64): small, fast, and the same sequence for the
 * same seed on every machine, so a failing case or a benchmark pool can
 * be rebuilt from its seed. State is the caller's; nothing is global. */
#ifndef SPLITMIX_H
#define SPLITMIX_H

#include <stdint.h>

struct sm_rng {
	uint64_t s;
};

static inline uint64_t sm_next(struct sm_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); 0 when n is 0. */
static inline unsigned sm_below(struct sm_rng *r, unsigned n)
{
	return n ? (unsigned)(sm_next(r) % n) : 0;
}

/* Uniform in [0, 1). */
static inline double sm_unit(struct sm_rng *r)
{
	return (double)(sm_next(r) >> 11) / (double)(1ull << 53);
}

#endif /* SPLITMIX_H */
