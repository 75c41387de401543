/* fastpath/worker.h - one thread per queue index, serving both directions
 * of its queue pair: rx burst -> parse -> classify -> tx on the other port
 * or back to the free stack -> completions -> refill.
 *
 * Created and joined by the engine. The worker is the only user of its
 * queue pair and the only writer of its counters. It is a QSBR reader of
 * the engine's rule slot: quiescent once per loop, offline while asleep. */
#ifndef FP_WORKER_H
#define FP_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include "capture.h"
#include "qpair.h"
#include "ruleset.h"
#include "stats.h"

#define FP_BATCH 64

struct fp_worker {
	struct fp_qpair *qp;
	struct fp_ruleset **rules;    /* the engine's RCU slot */
	struct fp_queue_stats *stats; /* this queue's counters */
	unsigned slot;                /* index of its per-rule counters in a snapshot */
	struct fp_capture_ring *capture; /* RCU: the engine sets it while a capture runs */
	int cpu;                      /* -1: not pinned */
	uint64_t idle_spin_ns;        /* keep polling this long before sleeping */
	atomic_int stop;
	int started;
	pthread_t thread;
};

/* One pass over both ports: receive, decide and send a batch on each,
 * then take completions and refill; returns the frames received. The
 * worker thread's loop body, public so that the in-memory benchmark
 * (bench/tools/ring_bench.c) runs exactly this code on rings in plain
 * memory. The caller must be a registered QSBR reader thread. */
uint32_t fp_worker_round(struct fp_worker *w);

/* Start the thread (pinned to w->cpu when >= 0). */
int fp_worker_start(struct fp_worker *w);

/* Ask the thread to stop and join it; safe if never started. */
void fp_worker_stop(struct fp_worker *w);

#endif /* FP_WORKER_H */
