/* fastpath/stats.h - per-queue, per-direction counters.
 *
 * Each queue's counters have exactly one writer, the worker of its queue.
 * It adds up a round's counts privately and publishes them together under
 * a sequence count (fp_stats_publish), so a reader's snapshot
 * (fp_stats_snapshot) never sees half a round: rx always equals fwd +
 * drop_rule + drop_policy + tx_full in every row. Two stores per round and
 * no atomic read-modify-write: the worker does not wait for readers, a
 * reader retries. A direction is named by its ingress port: dir[OUTSIDE]
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
	uint64_t seq; /* odd while the writer publishes */
	struct fp_dir_stats dir[FP_NPORTS];
} __attribute__((aligned(64)));

/* A lone single-writer counter (the benchmark's bare baseline): the
 * writer stores with a relaxed atomic, any thread reads it untorn. */
static inline void fp_ctr_add(uint64_t *c, uint64_t n) /* the one writer only */
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

static inline uint64_t fp_ctr_read(const uint64_t *c) /* any thread */
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* s += delta, as one step for every reader. Owning worker only. */
static inline void fp_stats_publish(struct fp_queue_stats *s, const struct fp_dir_stats delta[FP_NPORTS])
{
	uint64_t seq = s->seq;

	__atomic_store_n(&s->seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (unsigned d = 0; d < FP_NPORTS; d++)
		for (unsigned c = 0; c < FP_CTR_COUNT; c++)
			if (delta[d].c[c])
				__atomic_store_n(&s->dir[d].c[c], s->dir[d].c[c] + delta[d].c[c],
						 __ATOMIC_RELAXED);
	__atomic_store_n(&s->seq, seq + 2, __ATOMIC_RELEASE);
}

/* Short counter name, e.g. "drop_rule". */
const char *fp_ctr_name(unsigned ctr);

/* Copy of a queue's counters as of the end of one of its worker's rounds
 * (retries while the worker publishes); *dst is private to the caller. */
void fp_stats_snapshot(const struct fp_queue_stats *src, struct fp_queue_stats *dst);

/* dst += src, counter by counter. */
void fp_stats_accumulate(struct fp_queue_stats *dst, const struct fp_queue_stats *src);

#endif /* FP_STATS_H */
