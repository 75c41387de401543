/* fastpath/ruleset.h - an immutable, compiled rule snapshot, and the
 * per-rule counters that travel with it.
 *
 * The control plane builds a snapshot with fp_ruleset_create() (which
 * copies what it needs), publishes it through fp_engine_publish_rules()
 * (RCU), and the engine destroys the old one after a grace period.
 * Workers only read the rules, through fp_classify().
 *
 * Counters (rulecount.c) are the one mutable part: one array of
 * {packets, bytes} per worker slot, each written by that slot's worker
 * only and on cache lines of its own, added by the engine before the
 * snapshot is published or the slot's worker starts; and a base the
 * control thread fills, once no worker counts into the previous snapshot
 * any more, with what rules of the same text counted there. */
#ifndef FP_RULESET_H
#define FP_RULESET_H

#include <stddef.h>
#include <stdint.h>
#include "rule.h"

struct fp_ruleset;
struct fp_big_pool;

/* Compile n rules (first match wins) plus the policies. Returns 0 or
 * -EINVAL (an inconsistent rule) / -ENOMEM. The caller keeps rules[]. */
int fp_ruleset_create(const struct fp_rule *rules, size_t n,
		      const struct fp_policy *policy, struct fp_ruleset **out);

/* The same, reading rules[] in place instead of copying it (a million
 * rules are 64 MB): the caller keeps the array alive and unchanged until
 * the snapshot is destroyed. The daemon's snapshots are views of its
 * configuration's rules (control/load.c, control/loader.c). The big
 * arrays come from mem (bigmem.h; NULL: fresh mappings), and go back
 * to it when the snapshot is destroyed. */
int fp_ruleset_create_view(const struct fp_rule *rules, size_t n,
			   const struct fp_policy *policy, struct fp_big_pool *mem,
			   struct fp_ruleset **out);

/* NULL-safe. Only after no reader can hold the snapshot any more. */
void fp_ruleset_destroy(struct fp_ruleset *rs);

size_t fp_ruleset_count(const struct fp_ruleset *rs);
/* Whether one worker's per-rule counters outgrow the caches, so that the
 * worker prefetches a batch's counters before counting (below that the
 * prefetches only cost). */
int fp_ruleset_counters_big(const struct fp_ruleset *rs);
/* Bytes the compiled snapshot holds (not the per-rule counters, not a
 * view's rules): what the benchmarks report as its size. */
size_t fp_ruleset_bytes(const struct fp_ruleset *rs);
const struct fp_policy *fp_ruleset_policy(const struct fp_ruleset *rs);
const struct fp_rule *fp_ruleset_rule(const struct fp_ruleset *rs, size_t i);

struct fp_rule_count {
	uint64_t packets, bytes;
};

/* Give worker slot `slot` (< FW_MAX_QUEUES) its counters; a no-op when it
 * has them. -ENOMEM. Control thread, before the slot's worker can see rs. */
int fp_ruleset_add_counters(struct fp_ruleset *rs, unsigned slot);

/* Slot `slot`'s counters (NULL when none were added). Its worker only
 * writes them, with fp_rule_count_add. */
struct fp_rule_count *fp_ruleset_counters(const struct fp_ruleset *rs, unsigned slot);

static inline void fp_rule_count_add(struct fp_rule_count *c, uint32_t bytes)
{
	__atomic_store_n(&c->packets, c->packets + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&c->bytes, c->bytes + bytes, __ATOMIC_RELAXED);
}

/* Rule i's counts: every slot's plus the base. Any thread. */
void fp_ruleset_rule_count(const struct fp_ruleset *rs, size_t i, struct fp_rule_count *out);

/* Add to next's base what each rule of `old` counted (its total) where
 * next has a rule equal in everything but its source position (the k-th
 * copy of a rule in old goes to the k-th copy in next). Only once no
 * worker counts into old. -ENOMEM: nothing carried. */
int fp_ruleset_carry_counts(const struct fp_ruleset *old, struct fp_ruleset *next);

/* Free the counters (fp_ruleset_destroy does). */
void fp_ruleset_free_counters(struct fp_ruleset *rs);

#endif /* FP_RULESET_H */
