/* bench/tools/memring.h - a queue pair whose sockets are rings in plain
 * memory: what the worker sees is a real struct fp_qpair (UMEM, free stack,
 * the libxdp ring structs of both ports), but no socket, no registration
 * and no kernel stand behind it.
 *
 * Built by xskwall-ring-bench, which runs the product's fp_worker_round()
 * on it while a feeder (ringfeed.h) plays the kernel through the other end
 * of each ring. Each ring's other end is a libxdp ring struct of the
 * opposite kind over the same memory (the kernel produces RX and
 * completion entries and consumes fill and TX entries), so both ends move
 * entries with libxdp's own helpers and its memory ordering. Every ring's
 * flags word stays 0: no ring ever asks for a wakeup, and with busy_poll 0
 * the worker's ring moves (fastpath/xskring.h) make no syscall. Socket
 * descriptors are -1. Single-threaded: one thread drives both ends. */
#ifndef MEMRING_H
#define MEMRING_H

#include <stdint.h>
#include <xdp/xsk.h>
#include "qpair.h"

/* Where a received frame's data starts in its UMEM frame, as the kernel
 * puts it (XDP_PACKET_HEADROOM; xskwall's UMEM has no frame headroom). */
#define MR_RX_HEADROOM 256

/* The kernel's end of one socket's four rings. */
struct mr_kernel_end {
	struct xsk_ring_prod rx;   /* produces received descriptors */
	struct xsk_ring_cons tx;   /* consumes descriptors to send */
	struct xsk_ring_cons fill; /* consumes free frame addresses */
	struct xsk_ring_prod comp; /* produces sent frames' addresses */
};

struct mr_qpair {
	struct fp_qpair qp;  /* the worker's view; qp.umem is &umem */
	struct fp_umem umem;
	struct mr_kernel_end kernel[FP_NPORTS];
	void *ring_mem[FP_NPORTS][4]; /* rx, tx, fill, comp of each port */
};

/* A queue pair with ring_size-entry rings (a power of two) on a UMEM of
 * fp_qpair_nframes(ring_size) frames of frame_size bytes (a power of two,
 * >= 2048), hugepages when the system has them reserved; every frame
 * starts on the free stack. Returns 0, -EINVAL or -ENOMEM. */
int mr_qpair_create(uint32_t ring_size, uint32_t frame_size, struct mr_qpair **out);

/* NULL-safe, safe on a half-built pair. */
void mr_qpair_destroy(struct mr_qpair *m);

#endif /* MEMRING_H */
