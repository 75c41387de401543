/* bench/tools/ringfeed.c - the kernel's part for rings in plain memory
 * (ringfeed.h). It moves entries through the kernel's end of each ring
 * (memring.h) with libxdp's ring helpers, as the worker does through its
 * own end: a descriptor array read through xsk_ring_prod__tx_desc /
 * xsk_ring_cons__rx_desc and an address array through
 * xsk_ring_prod__fill_addr / xsk_ring_cons__comp_addr, whichever end. */
#include <string.h>

#include "ringfeed.h"

void rf_init(struct rf_feeder *f, struct mr_qpair *mq, const struct rf_pool *pool,
	     unsigned rx_ports, uint32_t batch)
{
	*f = (struct rf_feeder){ .mq = mq, .pool = pool, .rx_ports = rx_ports, .batch = batch };
}

/* Port p's TX ring -> its completion ring, as much as the latter holds. */
static uint32_t rf_send(struct rf_feeder *f, int p)
{
	struct mr_kernel_end *k = &f->mq->kernel[p];
	uint32_t room = xsk_prod_nb_free(&k->comp, k->comp.size), ti, ci, n;

	n = xsk_ring_cons__peek(&k->tx, room, &ti);
	if (!n)
		return 0;
	if (!xsk_ring_prod__reserve(&k->comp, n, &ci)) { /* cannot happen: n <= room */
		xsk_ring_cons__cancel(&k->tx, n);
		return 0;
	}
	for (uint32_t i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&k->comp, ci + i) =
			xsk_ring_cons__rx_desc(&k->tx, ti + i)->addr;
	xsk_ring_prod__submit(&k->comp, n);
	xsk_ring_cons__release(&k->tx, n);
	return n;
}

/* Up to batch pool frames into port p's fill frames, onto its RX ring. */
static uint32_t rf_receive(struct rf_feeder *f, int p)
{
	struct mr_kernel_end *k = &f->mq->kernel[p];
	const struct rf_pool *pool = f->pool;
	uint8_t *area = f->mq->umem.area;
	uint32_t room = xsk_prod_nb_free(&k->rx, f->batch), fi, ri, n;

	n = xsk_ring_cons__peek(&k->fill, room < f->batch ? room : f->batch, &fi);
	if (!n)
		return 0;
	if (!xsk_ring_prod__reserve(&k->rx, n, &ri)) { /* cannot happen: n <= room */
		xsk_ring_cons__cancel(&k->fill, n);
		return 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint64_t addr = *xsk_ring_cons__comp_addr(&k->fill, fi + i) + MR_RX_HEADROOM;
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&k->rx, ri + i);

		memcpy(area + addr, pool->data[f->next], RF_FRAME_MAX);
		*d = (struct xdp_desc){ .addr = addr, .len = pool->len[f->next] };
		f->next = f->next + 1 == pool->n ? 0 : f->next + 1;
	}
	xsk_ring_prod__submit(&k->rx, n);
	xsk_ring_cons__release(&k->fill, n);
	return n;
}

uint32_t rf_step(struct rf_feeder *f)
{
	uint32_t n = 0;

	for (int p = 0; p < FP_NPORTS; p++)
		rf_send(f, p);
	for (int p = 0; p < FP_NPORTS; p++)
		if (f->rx_ports & (1u << p))
			n += rf_receive(f, p);
	return n;
}
