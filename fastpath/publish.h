/* fastpath/publish.h - RCU publication of rule snapshots (QSBR flavour).
 *
 * The writer (the control thread, not a registered reader) swaps the slot
 * and frees the old snapshot once every online reader has passed a
 * quiescent state. Readers (workers) load the slot with rcu_dereference
 * inside urcu_qsbr_read_lock/unlock and announce a quiescent state once per
 * batch. Used by the engine; testable without one. */
#ifndef FP_PUBLISH_H
#define FP_PUBLISH_H

#include "ruleset.h"

/* Make `next` (ownership taken) the snapshot in *slot, wait for a grace
 * period, destroy the previous one. Never call with a lock an online
 * reader could take. */
void fp_rules_publish(struct fp_ruleset **slot, struct fp_ruleset *next);

/* The same, but hand the previous snapshot back instead of destroying it:
 * no reader holds it any more, so its counters are final. */
struct fp_ruleset *fp_rules_swap(struct fp_ruleset **slot, struct fp_ruleset *next);

#endif /* FP_PUBLISH_H */
