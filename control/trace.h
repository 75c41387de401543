/* control/trace.h - what the workers would do with a described packet:
 * the description ("src A dst B proto P [sport S] [dport D] [icmp type T
 * [code C]] in PORT", the rule grammar's words; single ports, 0 when not
 * given) becomes a frame, which goes through the workers' own parser and
 * classifier against the running snapshot. */
#ifndef CTL_TRACE_H
#define CTL_TRACE_H

#include <stddef.h>
#include "classify.h"
#include "rule.h"

struct ctl_trace {
	struct fp_rule desc;     /* the description, as the grammar read it */
	struct fp_decision dec;  /* the verdict, and the rule (or none) */
};

/* -EINVAL with "packet:1:COL: message" in err. */
int ctl_trace_run(const struct fp_ruleset *rs, const char *text, struct ctl_trace *out,
		  char *err, size_t errlen);

/* The description in canonical form (the grammar's words). */
void ctl_trace_format(const struct ctl_trace *t, char *buf, size_t len);

#endif /* CTL_TRACE_H */
