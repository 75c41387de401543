/* fastpath/capture.c - the worker's capture ring (capture.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "capture.h"

int fp_capture_ring_create(uint32_t snaplen, int all, struct fp_capture_ring **out)
{
	struct fp_capture_ring *r;

	if (posix_memalign((void **)&r, 64, sizeof(*r)))
		return -ENOMEM;
	memset(r, 0, sizeof(*r));
	r->nslots = FP_CAPTURE_SLOTS;
	r->snaplen = snaplen;
	r->slot_bytes = (uint32_t)((sizeof(struct fp_capture_rec) + snaplen + 63) & ~63u);
	r->all = all;
	r->slots = malloc((size_t)r->nslots * r->slot_bytes);
	if (!r->slots) {
		free(r);
		return -ENOMEM;
	}
	*out = r;
	return 0;
}

void fp_capture_ring_destroy(struct fp_capture_ring *r)
{
	if (!r)
		return;
	free(r->slots);
	free(r);
}

static struct fp_capture_rec *fp_capture_slot(const struct fp_capture_ring *r, uint32_t i)
{
	return (struct fp_capture_rec *)(r->slots + (size_t)(i & (r->nslots - 1)) * r->slot_bytes);
}

static uint64_t fp_capture_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

void fp_capture_offer(struct fp_capture_ring *r, const uint8_t *frame, uint32_t len,
		      uint16_t queue, int port, const struct fp_decision *dec)
{
	struct fp_capture_rec *rec;

	if (!r->all && dec->verdict != FP_DROP)
		return;
	if (r->head - r->tail_seen == r->nslots)
		r->tail_seen = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
	if (r->head - r->tail_seen == r->nslots) {
		__atomic_store_n(&r->lost, r->lost + 1, __ATOMIC_RELAXED);
		return;
	}
	rec = fp_capture_slot(r, r->head);
	rec->t_ns = fp_capture_now();
	rec->len = len;
	rec->caplen = len < r->snaplen ? len : r->snaplen;
	rec->rule = dec->rule;
	rec->queue = queue;
	rec->port = (uint8_t)port;
	rec->verdict = dec->verdict;
	rec->reason = dec->reason;
	memcpy(rec->data, frame, rec->caplen);
	__atomic_store_n(&r->head, r->head + 1, __ATOMIC_RELEASE);
}

const struct fp_capture_rec *fp_capture_peek(struct fp_capture_ring *r)
{
	uint32_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);

	return head == r->tail ? NULL : fp_capture_slot(r, r->tail);
}

void fp_capture_release(struct fp_capture_ring *r)
{
	__atomic_store_n(&r->tail, r->tail + 1, __ATOMIC_RELEASE);
}

uint64_t fp_capture_lost(const struct fp_capture_ring *r)
{
	return __atomic_load_n(&r->lost, __ATOMIC_RELAXED);
}
