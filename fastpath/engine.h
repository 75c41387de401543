/* fastpath/engine.h - the running firewall: both ports' XDP programs, one
 * queue pair and one worker per queue, the per-queue counters, and the RCU
 * slot holding the current rule snapshot.
 *
 * The control plane (one thread) creates, starts, publishes rules, reads
 * counters and destroys; workers are internal. */
#ifndef FP_ENGINE_H
#define FP_ENGINE_H

#include <stdint.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include "bpfprog.h"
#include "capture.h"
#include "qpair.h"
#include "ruleset.h"
#include "stats.h"
#include "fw/abi.h"

struct fp_engine_cfg {
	char ifname[FP_NPORTS][IF_NAMESIZE];
	uint64_t queue_mask;  /* 0: every rx queue of the ports */
	uint32_t miss_action; /* FW_MISS_DROP / FW_MISS_PASS */
	int xdp_mode;         /* enum fp_xdp_mode */
	int bind_mode;        /* enum fp_bind_mode */
	uint32_t ncpus;       /* 0: CPUs of the NIC's NUMA node (or all) */
	const uint16_t *cpus; /* worker i -> cpus[i % ncpus] */
	uint32_t ring_size;   /* 0: default */
	uint32_t frame_size;  /* 0: default */
	uint64_t idle_spin_ns;     /* worker polls this long before sleeping */
	uint32_t busy_poll_budget; /* 0: no busy polling */
};

/* The running firewall; opaque: control code reads it through the
 * accessors below. */
struct fp_engine;

/* Set everything up short of attaching: programs loaded, sockets bound and
 * in the maps, fill rings primed. Takes ownership of `rules`, even on
 * failure. Logs what went wrong. */
int fp_engine_create(const struct fp_engine_cfg *cfg, struct fp_ruleset *rules,
		     struct fp_engine **out);

/* Start the workers, then attach both programs. */
int fp_engine_start(struct fp_engine *e);

/* Re-read both ports' queue counts (after a link notification). With
 * `queues all`, every queue both ports now have gets sockets, UMEM and a
 * worker, as at start-up; the running ones are not touched. Queues that
 * exist without a socket are logged (their frames meet on-miss). Returns
 * 0, or the error of a queue that could not be added (logged). */
int fp_engine_sync_queues(struct fp_engine *e);

/* Stop the workers, then detach both programs. Counters and sockets stay
 * readable (the exit table) until destroy. Idempotent. */
void fp_engine_stop(struct fp_engine *e);

/* Stop (as above), account for every frame, free everything.
 * NULL-safe and safe on a half-built engine. Returns the number of frames
 * that could not be accounted for (0 when none leaked). */
uint32_t fp_engine_destroy(struct fp_engine *e);

/* Publish a new snapshot (ownership taken, even on failure): give it
 * counters for every worker, swap it in, and once every worker has passed
 * a quiescent state carry the old snapshot's counts to its rules of the
 * same text and free the old one. -ENOMEM (counters): the old snapshot
 * stays in force. Control thread only. */
int fp_engine_publish_rules(struct fp_engine *e, struct fp_ruleset *rules);

const struct fp_ruleset *fp_engine_rules(const struct fp_engine *e);

/* Counters of the i-th queue in use (i < nqueues). */
void fp_engine_queue_stats(const struct fp_engine *e, uint32_t i, struct fp_queue_stats *out);

/* The kernel's XDP_STATISTICS for the socket of queue i on port p. */
int fp_engine_xsk_stats(const struct fp_engine *e, uint32_t i, int port,
			struct xdp_statistics *out);

/* The largest frame a socket can receive (the UMEM frame less the
 * kernel's headroom; multi-buffer frames are not supported): larger ones
 * are dropped by the kernel (k_rx_dropped). */
uint32_t fp_engine_max_frame(const struct fp_engine *e);

/* Frames port p's XDP program gave the on-miss verdict: their queue had
 * no socket (a queue left out by `queues`, or added at runtime). */
int fp_engine_port_misses(const struct fp_engine *e, int port, uint64_t *out);

/* Queues in use (they may grow while running: fp_engine_sync_queues). */
uint32_t fp_engine_nqueues(const struct fp_engine *e);

/* The queue id of the i-th queue in use (i < nqueues). */
uint32_t fp_engine_queue_id(const struct fp_engine *e, uint32_t i);

/* The interface of port p. */
const char *fp_engine_ifname(const struct fp_engine *e, int port);

/* How many snapshots have been published since start (0: the first). */
uint64_t fp_engine_rules_generation(const struct fp_engine *e);

/* CPU the worker of queue i is pinned to (-1: none). */
int fp_engine_worker_cpu(const struct fp_engine *e, uint32_t i);

/* How queue i was set up (for status listings). */
struct fp_queue_info {
	uint32_t queue;       /* the queue id */
	int worker_cpu;       /* -1: not pinned */
	int zerocopy;         /* bind mode obtained on both sockets */
	int need_wakeup[FP_NPORTS];
	int busy_poll;
	int numa_node;        /* of the UMEM, -1: none */
	int hugepages;        /* the UMEM is on hugepages */
	uint32_t ring_size;
	uint32_t frame_size;
	uint32_t nframes;
};
void fp_engine_queue_info(const struct fp_engine *e, uint32_t i, struct fp_queue_info *out);

/* The XDP mode port p's program runs in (enum fp_xdp_mode: native or
 * generic once attached). */
int fp_engine_xdp_mode(const struct fp_engine *e, int port);

/* Packets and bytes rule i (0-based, of the running snapshot) matched:
 * the workers' counts summed, plus what a rule of the same text counted
 * in earlier snapshots. Control thread only. */
void fp_engine_rule_count(const struct fp_engine *e, size_t i, struct fp_rule_count *out);

/* Capture (capture.h): every worker running now copies the frames it
 * drops (all: every frame) into a ring of its own, up to snaplen bytes
 * each. -EBUSY when a capture runs, -ENOMEM. Control thread only. */
int fp_engine_capture_start(struct fp_engine *e, int all, uint32_t snaplen);

/* Hand at most max captured frames to fn, oldest first per queue, taking
 * the queues in turn; returns how many. */
typedef void (*fp_capture_fn)(void *arg, const struct fp_capture_rec *rec);
uint32_t fp_engine_capture_drain(struct fp_engine *e, fp_capture_fn fn, void *arg, uint32_t max);

/* Frames the workers could not copy (their ring was full). */
uint64_t fp_engine_capture_lost(const struct fp_engine *e);

/* Stop capturing: once no worker holds a ring, free them (what was not
 * drained is lost). NULL-safe, a no-op when no capture runs. */
void fp_engine_capture_stop(struct fp_engine *e);

#endif /* FP_ENGINE_H */
