/* fastpath/lpm.h - longest-prefix interval tables: address -> lowest rule.
 *
 * One lookup strategy (DPDK style: one file per strategy). A table is
 * built from a list of prefixes, each tagged with a rule index; a lookup
 * returns the lowest index among the prefixes that cover the address, or
 * FP_LPM_NONE. The prefixes are flattened into disjoint intervals sorted
 * by start, each holding that lowest index; adjacent intervals with the
 * same value are merged. A lookup narrows the search with a first-level
 * index on the bits that follow the prefix common to all interval
 * boundaries (about four buckets per interval): most buckets lie inside
 * one interval and hold its value; the others binary-search the few
 * intervals they overlap.
 *
 * Built by fastpath/ruleset.c (control plane, any thread); read by
 * fastpath/classify.c (workers). All tables of one snapshot share pooled
 * arrays (struct fp_lpm_set), so a snapshot costs a handful of mallocs
 * whatever its rule count. IPv4 keys are stored as uint32_t, IPv6 keys as
 * unsigned __int128, both in host order (most significant bit first).
 * The pools are bigmem.h blocks: big ones sit on transparent hugepages
 * (a lookup in a big table would otherwise miss the TLB as well as the
 * cache) and grow without copying. */
#ifndef FP_LPM_H
#define FP_LPM_H

#include <stddef.h>
#include <stdint.h>
#include <endian.h>
#include <string.h>
#include "prefetch.h"

struct fp_big_pool;

#define FP_LPM_NONE UINT32_MAX
/* A first-level entry with this bit holds a value (FP_LPM_NONE is all
 * ones, so it keeps its meaning); rule indices stay below it. */
#define FP_LPM_DIRECT (UINT32_C(1) << 31)
#define FP_LPM_MAX_VALUE (FP_LPM_DIRECT - 2)
/* Any other entry is first << FP_LPM_CNT_BITS | (intervals - 1): the
 * intervals the bucket overlaps, FP_LPM_CNT_MASK for "the table's span
 * or fewer". A table has fewer than FP_LPM_MAX_SEGS intervals. */
#define FP_LPM_CNT_BITS 5
#define FP_LPM_CNT_MASK ((UINT32_C(1) << FP_LPM_CNT_BITS) - 1)
#define FP_LPM_MAX_SEGS (UINT32_C(1) << (31 - FP_LPM_CNT_BITS))

__extension__ typedef unsigned __int128 fp_u128;

/* Build input: one prefix. addr is in host order (IPv4 in the low 32
 * bits); bits below len are ignored. */
struct fp_lpm_pfx {
	fp_u128 addr;
	uint32_t idx;
	uint8_t len;
};

/* One interval: from key on (up to the next interval's key), the lowest
 * rule is val. Key and value share a cache line, so a lookup's search
 * and its answer cost one miss. */
struct fp_lpm_seg4 {
	uint32_t key;
	uint32_t val;
};

struct fp_lpm_seg6 {
	fp_u128 key;
	uint32_t val;
	uint32_t pad[3];
};

/* One table: a slice of the family's pools. */
struct fp_lpm_tab {
	fp_u128 base;    /* a boundary; its top `cpl` bits are common to all */
	uint32_t seg;    /* first interval in seg4/seg6 */
	uint32_t nseg;   /* >= 1 */
	uint32_t ix;     /* first of 1 << ibits entries in index */
	uint32_t span;   /* most intervals a bucket that is not direct overlaps */
	uint8_t ibits;   /* first-level index bits */
	uint8_t cpl;     /* common prefix length of all boundaries */
	uint8_t width;   /* 32 or 128 */
	uint8_t big;     /* over FP_LPM_BIG_BYTES: a batch prefetches its loads */
};

/* A table whose first level and intervals hold more than this (the L2
 * cache of the development VM's cores) outgrows the caches; below it a
 * batch's prefetches only cost (the small tables of 10 000 IPv6 port
 * rules made a batch 1.5x slower than lookups one at a time). Between
 * that and the L3 it depends on the moment: with rule lists of 100 000 -
 * 200 000 prefixes prefetching cost up to a third on a quiet VM and
 * halved the time when other guests loaded the memory; a line drawn at
 * 12 MiB instead took it from a million IPv4 prefixes, which then took
 * twice as long. */
#define FP_LPM_BIG_BYTES ((size_t)1 << 20)

struct fp_lpm_set {
	struct fp_lpm_tab *tab;
	struct fp_lpm_seg4 *seg4; /* intervals of the IPv4 tables */
	struct fp_lpm_seg6 *seg6; /* intervals of the IPv6 tables */
	uint32_t *index; /* per bucket: interval holding the bucket's start */
	size_t ntab, captab;
	size_t nseg4, capseg4;
	size_t nseg6, capseg6;
	size_t nix, capix;
	struct fp_big_pool *mem; /* where the pools come from (bigmem.h); NULL: fresh */
};

/* Add a table over p[0..n) (sorted in place; n may be 0) of width 32 or
 * 128 and return its id in *id. 0, -ENOMEM or -E2BIG. */
int fp_lpm_add(struct fp_lpm_set *set, unsigned width, struct fp_lpm_pfx *p,
	       size_t n, uint32_t *id);

/* Cut each pool to its exact size after the last fp_lpm_add. 0 or
 * -ENOMEM. */
int fp_lpm_shrink(struct fp_lpm_set *set);

/* Mask each prefix to its length and sort by (address, length, index),
 * the order fp_lpm_add() sweeps in; equal prefixes end up adjacent. */
void fp_lpm_sort(struct fp_big_pool *mem, unsigned width, struct fp_lpm_pfx *p, size_t n);

/* Free the pools; safe on a zeroed or half-built set. */
void fp_lpm_fini(struct fp_lpm_set *set);

/* Bytes the pools hold. */
size_t fp_lpm_bytes(const struct fp_lpm_set *set);

/* Whether some table is big (struct fp_lpm_tab): batches of lookups
 * then prefetch. */
int fp_lpm_has_big(const struct fp_lpm_set *set);

/* Address bytes (network order) -> a key. */
static inline uint32_t fp_lpm_addr4(const uint8_t *a)
{
	uint32_t v;

	memcpy(&v, a, 4);
	return be32toh(v);
}

static inline uint64_t fp_lpm_be64(const uint8_t *a)
{
	uint64_t v;

	memcpy(&v, a, 8);
	return be64toh(v);
}

static inline fp_u128 fp_lpm_addr6(const uint8_t *a)
{
	return (fp_u128)fp_lpm_be64(a) << 64 | fp_lpm_be64(a + 8);
}

/* The top len bits of a (len 1..width). */
static inline uint32_t fp_lpm_mask4(uint32_t a, unsigned len)
{
	return a & ~(uint32_t)0 << (32 - len);
}

static inline fp_u128 fp_lpm_mask6(fp_u128 a, unsigned len)
{
	return a & ~(fp_u128)0 << (128 - len);
}

/* fp_lpm_search4/6: the largest j in [lo, hi] with seg[j].key <= a,
 * given seg[lo].key <= a. One branch-free binary search, for both
 * widths. */
#define FP_LPM_DEFINE_SEARCH(name, seg_t, key_t)                               \
	static inline uint32_t name(const seg_t *seg, uint32_t lo, uint32_t hi, \
				    key_t a)                                    \
	{                                                                       \
		uint32_t n = hi - lo + 1, half;                                 \
                                                                                \
		while (n > 1) {                                                 \
			half = n / 2;                                           \
			lo = seg[lo + half].key <= a ? lo + half : lo;          \
			n -= half;                                              \
		}                                                               \
		return lo;                                                      \
	}

FP_LPM_DEFINE_SEARCH(fp_lpm_search4, struct fp_lpm_seg4, uint32_t)
FP_LPM_DEFINE_SEARCH(fp_lpm_search6, struct fp_lpm_seg6, fp_u128)
#undef FP_LPM_DEFINE_SEARCH

static inline uint32_t fp_lpm_direct(uint32_t e)
{
	return e == FP_LPM_NONE ? FP_LPM_NONE : e & ~FP_LPM_DIRECT;
}

static inline uint32_t fp_lpm_bucket_lo(uint32_t e)
{
	return e >> FP_LPM_CNT_BITS;
}

/* The last interval the bucket of entry e (not direct) may hold. */
static inline uint32_t fp_lpm_bucket_hi(const struct fp_lpm_tab *t, uint32_t e)
{
	uint32_t lo = fp_lpm_bucket_lo(e), cnt = e & FP_LPM_CNT_MASK;

	if (cnt == FP_LPM_CNT_MASK)
		cnt = t->span;
	else
		cnt++;
	return t->nseg - lo > cnt ? lo + cnt - 1 : t->nseg - 1;
}

/* Lowest rule index whose prefix covers a, or FP_LPM_NONE. */
static inline uint32_t fp_lpm_lookup4(const struct fp_lpm_set *set,
				      uint32_t id, uint32_t a)
{
	const struct fp_lpm_tab *t = &set->tab[id];
	uint32_t b, e, base = (uint32_t)t->base, last = t->nseg - 1;

	if (t->cpl && (a ^ base) >> (32 - t->cpl))
		return set->seg4[t->seg + (a < base ? 0 : last)].val;
	b = t->ibits ? (a << t->cpl) >> (32 - t->ibits) : 0;
	e = set->index[t->ix + b];
	if (e & FP_LPM_DIRECT)
		return fp_lpm_direct(e);
	return set->seg4[t->seg + fp_lpm_search4(set->seg4 + t->seg,
						 fp_lpm_bucket_lo(e),
						 fp_lpm_bucket_hi(t, e), a)].val;
}

static inline uint32_t fp_lpm_lookup6(const struct fp_lpm_set *set,
				      uint32_t id, fp_u128 a)
{
	const struct fp_lpm_tab *t = &set->tab[id];
	uint32_t b, e, last = t->nseg - 1;

	if (t->cpl && (a ^ t->base) >> (128 - t->cpl))
		return set->seg6[t->seg + (a < t->base ? 0 : last)].val;
	b = t->ibits ? (uint32_t)((a << t->cpl) >> (128 - t->ibits)) : 0;
	e = set->index[t->ix + b];
	if (e & FP_LPM_DIRECT)
		return fp_lpm_direct(e);
	return set->seg6[t->seg + fp_lpm_search6(set->seg6 + t->seg,
						 fp_lpm_bucket_lo(e),
						 fp_lpm_bucket_hi(t, e), a)].val;
}

/* A lookup in two prefetch steps and the lookup itself, for pipelining
 * many lookups (classify.c's batches): fp_lpm_bucket() names the
 * first-level entry (or says the address lies outside the window), step 1
 * prefetches it, step 2 reads it and prefetches the intervals it starts
 * at; by the time fp_lpm_lookup4/6 runs, its loads hit the cache. */
static inline const uint32_t *fp_lpm_bucket(const struct fp_lpm_set *set,
					    uint32_t id, fp_u128 a)
{
	const struct fp_lpm_tab *t = &set->tab[id];
	unsigned w = t->width;
	uint32_t b;

	if (t->cpl && (a ^ t->base) >> (w - t->cpl))
		return NULL;
	if (w == 32)
		b = t->ibits ? ((uint32_t)a << t->cpl) >> (32 - t->ibits) : 0;
	else
		b = t->ibits ? (uint32_t)((a << t->cpl) >> (128 - t->ibits)) : 0;
	return &set->index[t->ix + b];
}

static inline void fp_lpm_prefetch1(const struct fp_lpm_set *set, uint32_t id, fp_u128 a)
{
	const uint32_t *ix = fp_lpm_bucket(set, id, a);

	if (ix)
		fp_prefetch(ix);
}

static inline void fp_lpm_prefetch2(const struct fp_lpm_set *set, uint32_t id, fp_u128 a)
{
	const struct fp_lpm_tab *t = &set->tab[id];
	const uint32_t *ix = fp_lpm_bucket(set, id, a);
	const char *p, *end;

	if (!ix || (*ix & FP_LPM_DIRECT))
		return;
	if (t->width == 32) {
		p = (const char *)&set->seg4[t->seg + fp_lpm_bucket_lo(*ix)];
		end = (const char *)&set->seg4[t->seg + fp_lpm_bucket_hi(t, *ix)];
	} else {
		p = (const char *)&set->seg6[t->seg + fp_lpm_bucket_lo(*ix)];
		end = (const char *)&set->seg6[t->seg + fp_lpm_bucket_hi(t, *ix)];
	}
	for (int lines = 0; p <= end && lines < 4; p += 64, lines++)
		fp_prefetch(p);
}

/* Step 1 or 2 of the lookup of a in table id, if it is big. */
static inline void fp_lpm_prefetch(const struct fp_lpm_set *set, uint32_t id, fp_u128 a,
				   int step)
{
	if (!set->tab[id].big)
		return;
	if (step == 1)
		fp_lpm_prefetch1(set, id, a);
	else
		fp_lpm_prefetch2(set, id, a);
}

#endif /* FP_LPM_H */
