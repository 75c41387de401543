/* fastpath/publish.c - the writer side of the rule snapshot slot:
 * rcu_xchg_pointer, synchronize, free (liburcu's QSBR writer pattern). */
#include <urcu/urcu-qsbr.h>
#include "publish.h"

struct fp_ruleset *fp_rules_swap(struct fp_ruleset **slot, struct fp_ruleset *next)
{
	struct fp_ruleset *old = rcu_xchg_pointer(slot, next);

	urcu_qsbr_synchronize_rcu(); /* every online reader passed a QS */
	return old;
}

void fp_rules_publish(struct fp_ruleset **slot, struct fp_ruleset *next)
{
	fp_ruleset_destroy(fp_rules_swap(slot, next));
}
