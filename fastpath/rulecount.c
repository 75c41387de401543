/* fastpath/rulecount.c - the per-rule counters of a snapshot: per worker
 * slot arrays, their sums, and carrying counts over to the next snapshot
 * by rule content (README, "Per-rule counters"). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "bigmem.h"
#include "ruleset_impl.h"

#define FP_CACHE_LINE 64

_Static_assert(FW_MAX_QUEUES <= 64, "count_slots is a 64-bit mask");

int fp_ruleset_add_counters(struct fp_ruleset *rs, unsigned slot)
{
	size_t bytes = (rs->n ? rs->n : 1) * sizeof(struct fp_rule_count) + 2 * FP_CACHE_LINE;
	uintptr_t p;

	if (slot >= FW_MAX_QUEUES)
		return -EINVAL;
	if (rs->count[slot])
		return 0;
	/* zeroed, and backed only where a worker counts (in 2 MiB pages
	 * for big arrays, so that reading them all, as the carry to the next
	 * snapshot does, costs a fault per 2 MiB, not per 4 KiB); the
	 * margins keep neighbours off its lines */
	rs->count_mem[slot] = fp_big_alloc(rs->lpm.mem, bytes, 1);
	if (!rs->count_mem[slot])
		return -ENOMEM;
	p = ((uintptr_t)rs->count_mem[slot] + FP_CACHE_LINE) & ~(uintptr_t)(FP_CACHE_LINE - 1);
	rs->count[slot] = (struct fp_rule_count *)p;
	rs->count_slots |= (uint64_t)1 << slot;
	return 0;
}

struct fp_rule_count *fp_ruleset_counters(const struct fp_ruleset *rs, unsigned slot)
{
	return slot < FW_MAX_QUEUES ? rs->count[slot] : NULL;
}

void fp_ruleset_rule_count(const struct fp_ruleset *rs, size_t i, struct fp_rule_count *out)
{
	*out = (struct fp_rule_count){ 0, 0 };
	if (i >= rs->n)
		return;
	if (rs->base)
		*out = rs->base[i];
	for (uint64_t left = rs->count_slots; left; left &= left - 1) {
		unsigned s = (unsigned)__builtin_ctzll(left);

		out->packets += __atomic_load_n(&rs->count[s][i].packets, __ATOMIC_RELAXED);
		out->bytes += __atomic_load_n(&rs->count[s][i].bytes, __ATOMIC_RELAXED);
	}
}

void fp_ruleset_free_counters(struct fp_ruleset *rs)
{
	for (unsigned s = 0; s < FW_MAX_QUEUES; s++) {
		fp_big_free(rs->count_mem[s]);
		rs->count_mem[s] = NULL;
		rs->count[s] = NULL;
	}
	rs->count_slots = 0;
	fp_big_free(rs->base);
	rs->base = NULL;
}

/* ---- carrying counts over: rules equal but for file and line --------- */

static uint64_t fp_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

static uint64_t fp_prefix_hash(uint64_t h, const struct fp_prefix *p)
{
	uint64_t a, b;

	memcpy(&a, p->addr, 8);
	memcpy(&b, p->addr + 8, 8);
	return fp_mix(fp_mix(fp_mix(h, (uint64_t)p->family << 8 | p->len), a), b);
}

/* The port ranges the rule matches on, packed (unused ones are 0). */
static uint64_t fp_rule_ports(const struct fp_rule *r)
{
	uint64_t sp = (uint64_t)r->sport_lo << 16 | r->sport_hi;
	uint64_t dp = (uint64_t)r->dport_lo << 16 | r->dport_hi;

	return (r->match & FP_MATCH_SPORT ? sp << 32 : 0) |
	       (r->match & FP_MATCH_DPORT ? dp : 0);
}

static uint64_t fp_rule_hash(const struct fp_rule *r)
{
	uint64_t h = fp_mix(0, (uint64_t)r->action | (uint64_t)r->family << 8 |
			       (uint64_t)r->proto << 16 | (uint64_t)r->icmp_type << 24 |
			       (uint64_t)r->icmp_code << 32 | (uint64_t)r->in_port << 40);

	h = fp_mix(h, r->match);
	h = fp_mix(h, fp_rule_ports(r));
	if (r->match & FP_MATCH_SRC)
		h = fp_prefix_hash(h, &r->src);
	if (r->match & FP_MATCH_DST)
		h = fp_prefix_hash(h, &r->dst);
	/* a product's low bits see only its factors' low bits, and the
	 * table takes the low bits: fold the high ones down (murmur3's
	 * finalizer); without it IPv6 /64 rules, which differ only in
	 * bytes 4-7, all landed in one chain */
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

static int fp_prefix_same(const struct fp_prefix *a, const struct fp_prefix *b)
{
	return a->family == b->family && a->len == b->len && !memcmp(a->addr, b->addr, 16);
}

/* Equal in everything the rule's text says (not where it was written). */
static int fp_rule_same(const struct fp_rule *a, const struct fp_rule *b)
{
	return a->action == b->action && a->family == b->family && a->proto == b->proto &&
	       a->icmp_type == b->icmp_type && a->icmp_code == b->icmp_code &&
	       a->in_port == b->in_port && a->match == b->match &&
	       fp_rule_ports(a) == fp_rule_ports(b) &&
	       (!(a->match & FP_MATCH_SRC) || fp_prefix_same(&a->src, &b->src)) &&
	       (!(a->match & FP_MATCH_DST) || fp_prefix_same(&a->dst, &b->dst));
}

/* The old rules that have counts. In a big block list most rules never
 * match, and a later copy of an equal rule never can (the first copy
 * matches first): these are all the rules that can carry anything, and
 * usually few. Open addressing over them; a slot is taken once its counts
 * have gone to a rule of next. */
struct fp_carry {
	uint32_t *hot;  /* old rule indices with counts, in rule order */
	size_t nhot, caphot;
	uint32_t *slot; /* position in hot + 1; 0 empty */
	uint8_t *taken; /* per hot rule */
	size_t mask;
};

static int fp_carry_collect(struct fp_carry *c, const struct fp_ruleset *old)
{
	struct fp_rule_count n;
	uint32_t *p;

	for (size_t i = 0; i < old->n; i++) {
		fp_ruleset_rule_count(old, i, &n);
		if (!n.packets && !n.bytes)
			continue;
		if (c->nhot == c->caphot) {
			c->caphot = c->caphot ? 2 * c->caphot : 64;
			p = realloc(c->hot, c->caphot * sizeof(*p));
			if (!p)
				return -ENOMEM;
			c->hot = p;
		}
		c->hot[c->nhot++] = (uint32_t)i;
	}
	return 0;
}

static int fp_carry_build(struct fp_carry *c, const struct fp_ruleset *old)
{
	size_t cap = 16;
	int err = fp_carry_collect(c, old);

	if (err || !c->nhot)
		return err;
	while (cap < 2 * c->nhot)
		cap <<= 1;
	c->mask = cap - 1;
	c->slot = calloc(cap, sizeof(*c->slot));
	c->taken = calloc(c->nhot, 1);
	if (!c->slot || !c->taken)
		return -ENOMEM;
	for (size_t k = 0; k < c->nhot; k++) {
		size_t h = (size_t)fp_rule_hash(&old->rules[c->hot[k]]) & c->mask;

		while (c->slot[h])
			h = (h + 1) & c->mask;
		c->slot[h] = (uint32_t)k + 1;
	}
	return 0;
}

/* The first old rule with counts equal to r whose counts are not taken
 * yet (in rule order: linear probing keeps insertion order within a
 * chain). */
static long fp_carry_find(struct fp_carry *c, const struct fp_ruleset *old,
			  const struct fp_rule *r)
{
	for (size_t h = (size_t)fp_rule_hash(r) & c->mask; c->slot[h]; h = (h + 1) & c->mask) {
		uint32_t k = c->slot[h] - 1;

		if (!c->taken[k] && fp_rule_same(&old->rules[c->hot[k]], r)) {
			c->taken[k] = 1;
			return (long)c->hot[k];
		}
	}
	return -1;
}

static void fp_carry_one(const struct fp_ruleset *old, size_t i, struct fp_ruleset *next,
			 size_t j)
{
	struct fp_rule_count n;

	fp_ruleset_rule_count(old, i, &n);
	next->base[j].packets += n.packets;
	next->base[j].bytes += n.bytes;
}

/* How many leading rules old and next share, position by position. */
static size_t fp_carry_common(const struct fp_ruleset *old, const struct fp_ruleset *next)
{
	size_t i, m = old->n < next->n ? old->n : next->n;

	for (i = 0; i < m && fp_rule_same(&old->rules[i], &next->rules[i]); i++)
		;
	return i;
}

/* By content, through a hash of old's rules. */
static int fp_carry_hashed(const struct fp_ruleset *old, struct fp_ruleset *next)
{
	struct fp_carry c = { 0 };
	int err = fp_carry_build(&c, old);

	for (size_t j = 0; !err && c.nhot && j < next->n; j++) {
		long i = fp_carry_find(&c, old, &next->rules[j]);

		if (i >= 0)
			fp_carry_one(old, (size_t)i, next, j);
	}
	free(c.hot);
	free(c.slot);
	free(c.taken);
	return err;
}

int fp_ruleset_carry_counts(const struct fp_ruleset *old, struct fp_ruleset *next)
{
	size_t common;

	if (!old || !old->n || !next->n)
		return 0;
	if (!next->base)
		next->base = fp_big_alloc(next->lpm.mem, next->n * sizeof(*next->base), 1);
	if (!next->base)
		return -ENOMEM;
	/* the same file again, or rules only added at its end: the k-th copy
	 * of a rule is at the same place in both, no hash needed */
	common = fp_carry_common(old, next);
	if (common < old->n && common < next->n)
		return fp_carry_hashed(old, next);
	for (size_t i = 0; i < common; i++)
		fp_carry_one(old, i, next, i);
	return 0;
}
