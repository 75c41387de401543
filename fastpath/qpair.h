/* fastpath/qpair.h - the two AF_XDP sockets of one queue index (outside q
 * and inside q) on one shared UMEM.
 *
 * Forwarding moves a frame address from one socket's RX ring to the other
 * socket's TX ring; nothing is copied in userspace. Created by the engine,
 * then owned by the queue's worker while it runs. */
#ifndef FP_QPAIR_H
#define FP_QPAIR_H

#include <stdint.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>
#include "modes.h"
#include "rule.h"
#include "umem.h"

#define FP_DEFAULT_RING 2048  /* rx, tx, fill and comp ring entries */
#define FP_DEFAULT_FRAME 4096 /* UMEM frame bytes */
/* SO_BUSY_POLL: the worker's recvfrom/sendto never block, so any value
 * turns busy polling on; it bounds how long a blocking call would spin. */
#define FP_BUSY_POLL_USECS 20

struct fp_qpair_cfg {
	const char *ifname[FP_NPORTS];
	uint32_t queue;
	uint32_t ring_size;  /* rx, tx, fill and comp rings */
	uint32_t frame_size;
	int bind_mode;       /* enum fp_bind_mode */
	int numa_node;
	uint32_t busy_poll_usecs;  /* 0: no busy polling; else SO_BUSY_POLL */
	uint32_t busy_poll_budget; /* SO_BUSY_POLL_BUDGET (frames per poll) */
};

struct fp_xsk {
	struct xsk_socket *xsk;
	int fd;
	int need_wakeup; /* bound with XDP_USE_NEED_WAKEUP */
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
};

struct fp_qpair {
	uint32_t queue;
	int zerocopy;  /* the bind mode obtained */
	int busy_poll; /* preferred busy polling set on both sockets */
	struct fp_umem *umem;
	struct fp_xsk port[FP_NPORTS];
};

/* Frames a queue pair's UMEM needs so that no ring can starve another:
 * every ring of both sockets full at once still leaves frames over. */
static inline uint32_t fp_qpair_nframes(uint32_t ring_size)
{
	return 2 * FP_NPORTS * 2 * ring_size;
}

/* Bind both sockets (zero-copy, copy, or zero-copy then copy for
 * FP_BIND_AUTO) and, when cfg->busy_poll_usecs is set, turn on preferred
 * busy polling on each: a kernel without it makes this fail with the
 * setsockopt's error. */
int fp_qpair_create(const struct fp_qpair_cfg *cfg, struct fp_qpair **out);

/* NULL-safe, safe on a half-built pair: sockets (inside, then the UMEM
 * owner), then the UMEM. */
void fp_qpair_destroy(struct fp_qpair *qp);

/* Give each fill ring as many free frames as it takes (start-up). */
void fp_qpair_prime(struct fp_qpair *qp);

/* Where the UMEM's frames are, once no worker runs and no XDP program
 * steers into the sockets: drains RX and completion rings into the free
 * stack, then counts. A copy-mode socket whose RX ring overflowed keeps
 * the frame it could not deliver in its buffer pool's free list (the
 * kernel reuses it for the next frame; at most one per socket): those are
 * `in_kernel_cache`, and only what is left beyond them is `lost`. */
struct fp_frame_account {
	uint32_t total, free, in_fill, in_tx, in_kernel_cache, lost;
};
void fp_qpair_account(struct fp_qpair *qp, struct fp_frame_account *acct);

#endif /* FP_QPAIR_H */
