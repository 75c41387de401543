/* control/sample.h - one reading of every counter the engine keeps, and
 * the rates between two readings: what `xskwallctl stats`, the metrics
 * server and the SIGUSR1 table show. */
#ifndef CTL_SAMPLE_H
#define CTL_SAMPLE_H

#include <stdint.h>
#include <linux/if_xdp.h>
#include "engine.h"

struct ctl_queue_sample {
	uint32_t queue;                        /* queue id */
	struct fp_queue_stats s;               /* the workers' counters */
	struct xdp_statistics k[FP_NPORTS];    /* the kernel's, per socket */
	int have_k[FP_NPORTS];                 /* 0: getsockopt failed */
};

struct ctl_sample {
	uint64_t t_ns;                         /* CLOCK_MONOTONIC */
	uint64_t t_unix_ns;                    /* CLOCK_REALTIME */
	uint32_t nqueues;
	struct ctl_queue_sample q[FW_MAX_QUEUES];
	struct fp_queue_stats total;           /* all queues */
	uint64_t on_miss[FP_NPORTS];
	int have_miss[FP_NPORTS];
};

/* Read every counter now. */
void ctl_sample_take(const struct fp_engine *e, struct ctl_sample *s);

/* Per-second rate of counter `ctr` of direction `dir` of queue slot i
 * (i == UINT32_MAX: the totals) between prev and cur; 0 when prev is
 * empty (t_ns 0), as old as cur, or has another queue at slot i. */
double ctl_sample_rate(const struct ctl_sample *prev, const struct ctl_sample *cur, uint32_t i,
		       int dir, unsigned ctr);

#endif /* CTL_SAMPLE_H */
