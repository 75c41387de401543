/* fastpath/stats.h - per-queue, per-direction counters.
 *
 * Each counter has exactly one writer, the worker of its queue, which
 * stores with a relaxed atomic; any thread reads them untorn with
 * fp_ctr_read(). A direction is named by its ingress port: dir[OUTSIDE]
 * counts frames received on outside (forwarded to inside). */
#ifndef FP_STATS_H
#define FP_STATS_H

#include <stdint.h>
#include "rule.h"

enum fp_ctr {
	FP_CTR_RX = 0,       /* frames received */
	FP_CTR_FWD,          /* frames put on the other port's TX ring */
	FP_CTR_DROP_RULE,    /* dropped by a rule */
	FP_CTR_DROP_POLICY,  /* dropped by policy, policy-malformed or policy-non-ip */
	FP_CTR_MALFORMED,    /* the parser rejected the frame (any verdict) */
	FP_CTR_NON_IP,       /* neither IPv4 nor IPv6 (any verdict) */
	FP_CTR_TX_FULL,      /* dropped: the egress TX ring stayed full */
	FP_CTR_FILL_STARVED, /* refills of this port's fill ring with no free frame */
	FP_CTR_COUNT,
};

struct fp_dir_stats {
	uint64_t c[FP_CTR_COUNT];
};

struct fp_queue_stats {
	struct fp_dir_stats dir[FP_NPORTS];
} __attribute__((aligned(64)));

static inline void fp_ctr_add(uint64_t *c, uint64_t n) /* owning worker only */
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

static inline uint64_t fp_ctr_read(const uint64_t *c) /* any thread */
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* Short counter name, e.g. "drop_rule". */
const char *fp_ctr_name(unsigned ctr);

/* Untorn copy of a queue's counters; *dst is private to the caller. */
void fp_stats_snapshot(const struct fp_queue_stats *src, struct fp_queue_stats *dst);

/* dst += src, counter by counter. */
void fp_stats_accumulate(struct fp_queue_stats *dst, const struct fp_queue_stats *src);

#endif /* FP_STATS_H */
