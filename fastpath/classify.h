/* fastpath/classify.h - (parsed packet, ingress port, snapshot) -> verdict.
 *
 * The narrow interface between workers and rule storage: workers never
 * look inside a ruleset. Pure: no I/O, no allocation, no state. */
#ifndef FP_CLASSIFY_H
#define FP_CLASSIFY_H

#include <stdint.h>
#include "parse.h"
#include "ruleset.h"

enum fp_reason {
	FP_BY_RULE = 0,      /* rule `rule` matched */
	FP_BY_POLICY = 1,    /* no rule matched: policy */
	FP_BY_MALFORMED = 2, /* policy-malformed */
	FP_BY_NON_IP = 3,    /* policy-non-ip */
};

#define FP_NO_RULE UINT32_MAX

struct fp_decision {
	uint8_t verdict; /* enum fp_verdict */
	uint8_t reason;  /* enum fp_reason */
	uint32_t rule;   /* index into the ruleset, or FP_NO_RULE */
};

void fp_classify(const struct fp_ruleset *rs, const struct fp_pkt *pkt,
		 unsigned in_port, struct fp_decision *d);

/* Packets fp_classify_batch() works on at once. */
#define FP_CLASSIFY_BATCH 64

/* d[i] = fp_classify(rs, &pkt[i], in_port) for i < n: the same
 * decisions, computed FP_CLASSIFY_BATCH packets at a time with their
 * table loads overlapped. */
void fp_classify_batch(const struct fp_ruleset *rs, const struct fp_pkt *pkt,
		       unsigned n, unsigned in_port, struct fp_decision *d);

#endif /* FP_CLASSIFY_H */
