/* fastpath/ruleset.h - an immutable, compiled rule snapshot.
 *
 * The control plane builds a snapshot with fp_ruleset_create() (which
 * copies what it needs), publishes it through fp_engine_publish_rules()
 * (RCU), and the engine destroys the old one after a grace period.
 * Workers only read it, through fp_classify(). */
#ifndef FP_RULESET_H
#define FP_RULESET_H

#include <stddef.h>
#include "rule.h"

struct fp_ruleset;

/* Compile n rules (first match wins) plus the policies. Returns 0 or
 * -EINVAL (an inconsistent rule) / -ENOMEM. The caller keeps rules[]. */
int fp_ruleset_create(const struct fp_rule *rules, size_t n,
		      const struct fp_policy *policy, struct fp_ruleset **out);

/* NULL-safe. Only after no reader can hold the snapshot any more. */
void fp_ruleset_destroy(struct fp_ruleset *rs);

size_t fp_ruleset_count(const struct fp_ruleset *rs);
const struct fp_policy *fp_ruleset_policy(const struct fp_ruleset *rs);
const struct fp_rule *fp_ruleset_rule(const struct fp_ruleset *rs, size_t i);

#endif /* FP_RULESET_H */
