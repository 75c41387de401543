/* fastpath/xskring.h - moving frames between a queue pair's UMEM free
 * stack and one socket's rings: completions back to the stack, the fill
 * ring topped up, a batch onto a TX ring and kicked, the RX side woken.
 *
 * The worker and the benchmark's bare AF_XDP baselines (tests/lab/afxdp/)
 * both run on these, so the baselines differ from xskwall only in what
 * they do between RX and TX. Called per batch, never per packet, by the
 * one thread that owns the queue pair. */
#ifndef FP_XSKRING_H
#define FP_XSKRING_H

#include <errno.h>
#include <sys/socket.h>
#include "qpair.h"

#define FP_KICK_MAX 16  /* sendto calls per kick (each sends <= ~32 in copy mode) */
#define FP_TX_RETRIES 4 /* full TX ring: drain and kick this often, then drop */

/* Completed TX frames back to the free stack; returns how many. */
static inline uint32_t fp_xsk_complete(struct fp_umem *u, struct fp_xsk *x)
{
	uint32_t idx, n;

	n = xsk_ring_cons__peek(&x->comp, x->comp.size, &idx);
	if (!n)
		return 0;
	for (uint32_t i = 0; i < n; i++)
		fp_umem_put(u, *xsk_ring_cons__comp_addr(&x->comp, idx + i));
	xsk_ring_cons__release(&x->comp, n);
	return n;
}

/* Copy mode sends at most ~32 frames per sendto and says EAGAIN while more
 * wait (or while the completion ring is full): drain and kick again, a
 * bounded number of times. With busy polling, sendto also polls the
 * socket's NAPI context, as the kernel intends. */
static inline void fp_xsk_kick_tx(struct fp_umem *u, struct fp_xsk *x, int busy_poll)
{
	for (int i = 0; i < FP_KICK_MAX && (busy_poll || xsk_ring_prod__needs_wakeup(&x->tx)); i++) {
		if (sendto(x->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
			break;
		if (errno != EAGAIN && errno != EBUSY && errno != ENOBUFS)
			break;
		fp_xsk_complete(u, x);
	}
}

/* Put up to n descriptors on the TX ring; returns how many went on. */
static inline uint32_t fp_xsk_tx_some(struct fp_xsk *out, const struct xdp_desc *d, uint32_t n)
{
	uint32_t room = xsk_prod_nb_free(&out->tx, n), idx;

	if (room > n)
		room = n;
	if (!room || !xsk_ring_prod__reserve(&out->tx, room, &idx))
		return 0;
	for (uint32_t i = 0; i < room; i++)
		*xsk_ring_prod__tx_desc(&out->tx, idx + i) = d[i];
	xsk_ring_prod__submit(&out->tx, room);
	return room;
}

/* Transmit n frames, retrying a full ring `retries` times (draining
 * completions and kicking in between); frames that found no room go back
 * to the free stack. Returns how many were sent. */
static inline uint32_t fp_xsk_transmit(struct fp_umem *u, struct fp_xsk *out,
				       const struct xdp_desc *d, uint32_t n, int retries,
				       int busy_poll)
{
	uint32_t sent = 0;

	for (int tries = 0; sent < n && tries <= retries; tries++) {
		if (tries)
			fp_xsk_complete(u, out);
		sent += fp_xsk_tx_some(out, d + sent, n - sent);
		fp_xsk_kick_tx(u, out, busy_poll);
	}
	for (uint32_t i = sent; i < n; i++)
		fp_umem_put(u, d[i].addr);
	return sent;
}

/* Top the fill ring up from the free stack as soon as `min` slots are
 * free, and wake the driver if it asks (zero-copy). Returns -1 when slots were free but the stack was empty (the
 * caller counts it), else the number of frames given. */
static inline int fp_xsk_refill(struct fp_umem *u, struct fp_xsk *x, uint32_t min)
{
	uint32_t want = xsk_prod_nb_free(&x->fill, min), idx;

	if (want < min)
		return 0;
	if (want > u->nfree)
		want = u->nfree;
	if (!want)
		return -1;
	if (!xsk_ring_prod__reserve(&x->fill, want, &idx))
		return 0;
	for (uint32_t i = 0; i < want; i++)
		*xsk_ring_prod__fill_addr(&x->fill, idx + i) = fp_umem_get(u);
	xsk_ring_prod__submit(&x->fill, want);
	if (xsk_ring_prod__needs_wakeup(&x->fill))
		recvfrom(x->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
	return (int)want;
}

/* The RX ring is empty: ask the kernel for more. With busy polling this
 * runs the device's NAPI poll on this CPU (one budget's worth); without
 * it, only a fill ring that asks for a wakeup (zero-copy drivers) gets one. */
static inline void fp_xsk_wake_rx(struct fp_xsk *x, int busy_poll)
{
	if (busy_poll || xsk_ring_prod__needs_wakeup(&x->fill))
		recvfrom(x->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

#endif /* FP_XSKRING_H */
