/* tests/unit/classify_ref.h - the linear first-match classifier, kept as
 * the test oracle for fp_classify().
 *
 * It scans the rules in order and compiles each to a ternary key, exactly
 * the matcher fastpath/classify.c used before the snapshot got lookup
 * tables. Used by tests/unit/test_classify_diff.c and tests/fuzz/
 * fuzz_parse.c only; never linked into the product. */
#ifndef FP_CLASSIFY_REF_H
#define FP_CLASSIFY_REF_H

#include <stddef.h>

#include "classify.h"
#include "parse.h"
#include "rule.h"

struct ref_ruleset;

/* Compile n rules that fp_ruleset_create() accepted. 0 or -ENOMEM. */
int ref_ruleset_create(const struct fp_rule *rules, size_t n,
		       const struct fp_policy *policy, struct ref_ruleset **out);

/* NULL-safe. */
void ref_ruleset_destroy(struct ref_ruleset *rs);

/* Same contract as fp_classify(). */
void ref_classify(const struct ref_ruleset *rs, const struct fp_pkt *pkt,
		  unsigned in_port, struct fp_decision *d);

#endif /* FP_CLASSIFY_REF_H */
