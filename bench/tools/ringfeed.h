/* bench/tools/ringfeed.h - the kernel's part, played in userspace for a
 * queue pair on rings in plain memory (memring.h): what a NIC and the
 * AF_XDP core would do between two rounds of the worker.
 *
 * One step: every descriptor on each port's TX ring is "sent" (its
 * address goes to that port's completion ring; the frame is not read,
 * as a NIC's DMA would not read it on the CPU), then each receiving port
 * gets up to `batch` frames: an address from its fill ring, a prebuilt
 * frame from the pool copied into that UMEM frame after the headroom (the
 * copy-mode kernel's copy, one 64-byte line), a descriptor on its RX ring.
 * The pool is used round-robin. Called by xskwall-ring-bench on the
 * worker's thread, alternating with fp_worker_round(), and timed apart
 * from it. No syscalls, no allocation. */
#ifndef RINGFEED_H
#define RINGFEED_H

#include <stddef.h>
#include <stdint.h>
#include "memring.h"

#define RF_FRAME_MAX 64

/* Prebuilt frames: frame i is data[i][0..len[i]), zero-padded to 64. */
struct rf_pool {
	uint8_t (*data)[RF_FRAME_MAX]; /* 64-byte aligned */
	uint16_t *len;
	size_t n;
};

struct rf_feeder {
	struct mr_qpair *mq;
	const struct rf_pool *pool;
	size_t next;        /* the pool's next frame */
	unsigned rx_ports;  /* bit p set: port p receives */
	uint32_t batch;     /* frames per receiving port per step */
};

/* A feeder for mq; the pool (n >= 1) must outlive it. */
void rf_init(struct rf_feeder *f, struct mr_qpair *mq, const struct rf_pool *pool,
	     unsigned rx_ports, uint32_t batch);

/* One step (above); returns the frames received. */
uint32_t rf_step(struct rf_feeder *f);

#endif /* RINGFEED_H */
