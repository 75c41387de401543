/* fastpath/capture.h - a worker's capture ring: frames it saw (dropped
 * ones, or all), copied into fixed slots for the control thread to drain.
 *
 * One ring per worker while a capture runs; single producer (the worker),
 * single consumer (the control thread). The worker never waits: when the
 * ring is full it counts the frame in `lost` and goes on. Without a
 * capture the worker's only cost is one pointer load per round. */
#ifndef FP_CAPTURE_H
#define FP_CAPTURE_H

#include <stdint.h>
#include "classify.h"

struct fp_capture_rec {
	uint64_t t_ns;   /* CLOCK_REALTIME, when the worker decided */
	uint32_t len;    /* the frame's length */
	uint32_t caplen; /* bytes in data (at most the snap length) */
	uint32_t rule;   /* the rule that decided, or FP_NO_RULE */
	uint16_t queue;  /* queue id */
	uint8_t port;    /* ingress port */
	uint8_t verdict; /* enum fp_verdict */
	uint8_t reason;  /* enum fp_reason */
	uint8_t data[];
};

struct fp_capture_ring {
	uint32_t head __attribute__((aligned(64))); /* next slot the worker fills */
	uint32_t tail_seen;                         /* the worker's copy of tail */
	uint64_t lost;                              /* frames found no free slot */
	uint32_t tail __attribute__((aligned(64))); /* next slot the reader drains */
	uint32_t nslots;                            /* a power of two */
	uint32_t slot_bytes;
	uint32_t snaplen;
	int all;                                    /* every frame, not only drops */
	uint8_t *slots;
};

#define FP_CAPTURE_SLOTS 1024

/* A ring of FP_CAPTURE_SLOTS slots of snaplen bytes. -ENOMEM. */
int fp_capture_ring_create(uint32_t snaplen, int all, struct fp_capture_ring **out);
void fp_capture_ring_destroy(struct fp_capture_ring *r); /* NULL-safe */

/* Worker: keep this frame if the ring wants it. */
void fp_capture_offer(struct fp_capture_ring *r, const uint8_t *frame, uint32_t len,
		      uint16_t queue, int port, const struct fp_decision *dec);

/* Reader: the oldest record, or NULL when the ring is empty; release it
 * with fp_capture_release once read. */
const struct fp_capture_rec *fp_capture_peek(struct fp_capture_ring *r);
void fp_capture_release(struct fp_capture_ring *r);

/* Reader: frames the worker could not copy so far. */
uint64_t fp_capture_lost(const struct fp_capture_ring *r);

#endif /* FP_CAPTURE_H */
