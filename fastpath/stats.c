/* fastpath/stats.c - counter names, snapshots and sums for readers
 * (the control plane). Workers only use the inline fp_stats_publish(). */
#include <sched.h>
#include "stats.h"

static const char *const fp_ctr_names[FP_CTR_COUNT] = {
	[FP_CTR_RX] = "rx",
	[FP_CTR_FWD] = "fwd",
	[FP_CTR_DROP_RULE] = "drop_rule",
	[FP_CTR_DROP_POLICY] = "drop_policy",
	[FP_CTR_MALFORMED] = "malformed",
	[FP_CTR_NON_IP] = "non_ip",
	[FP_CTR_TX_FULL] = "tx_full",
	[FP_CTR_FILL_STARVED] = "fill_starved",
};

const char *fp_ctr_name(unsigned ctr)
{
	return ctr < FP_CTR_COUNT ? fp_ctr_names[ctr] : "?";
}

static void fp_stats_copy(const struct fp_queue_stats *src, struct fp_queue_stats *dst)
{
	for (unsigned d = 0; d < FP_NPORTS; d++)
		for (unsigned c = 0; c < FP_CTR_COUNT; c++)
			dst->dir[d].c[c] = __atomic_load_n(&src->dir[d].c[c], __ATOMIC_RELAXED);
}

void fp_stats_snapshot(const struct fp_queue_stats *src, struct fp_queue_stats *dst)
{
	for (;;) {
		uint64_t seq = __atomic_load_n(&src->seq, __ATOMIC_ACQUIRE);

		if (!(seq & 1)) {
			fp_stats_copy(src, dst);
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (__atomic_load_n(&src->seq, __ATOMIC_RELAXED) == seq) {
				dst->seq = seq;
				return;
			}
		}
		sched_yield(); /* the worker is mid-publish: a few stores */
	}
}

void fp_stats_accumulate(struct fp_queue_stats *dst, const struct fp_queue_stats *src)
{
	for (unsigned d = 0; d < FP_NPORTS; d++)
		for (unsigned c = 0; c < FP_CTR_COUNT; c++)
			dst->dir[d].c[c] += src->dir[d].c[c];
}
