/* bench/tools/memring.c - a queue pair on rings in plain memory
 * (memring.h). xskwall-ring-bench creates one per scenario; nothing here
 * runs while it times anything.
 *
 * The rings are laid out as the kernel lays out an AF_XDP ring: producer,
 * consumer and flags words each on a cache line of their own, then the
 * entries. Each ring gets two views, initialised as libxdp initialises a
 * socket's (a producer's cached_cons runs one ring ahead of the consumer):
 * the worker's, in qp.port[p], and the kernel's, in kernel[p]. The UMEM
 * is mapped as fastpath/umem.c maps it (hugepages when reserved, else
 * normal pages), its free stack filled in the same order; it is never
 * registered with the kernel. Every page of it is written once from
 * userspace at creation: on the development VM the first user access to a
 * page costs about 20 us in the hypervisor (after MAP_POPULATE too, and
 * without a guest page fault), which would otherwise land in the first
 * feeder steps of a run. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "memring.h"


enum mr_ring_kind { MR_RX, MR_TX, MR_FILL, MR_COMP, MR_NRINGS };

struct mr_ring_head {
	_Alignas(64) uint32_t producer;
	_Alignas(64) uint32_t consumer;
	_Alignas(64) uint32_t flags; /* never XDP_RING_NEED_WAKEUP */
};

static size_t mr_entry_bytes(enum mr_ring_kind kind)
{
	return kind == MR_RX || kind == MR_TX ? sizeof(struct xdp_desc) : sizeof(uint64_t);
}

/* A zeroed ring: the head, then size entries. */
static struct mr_ring_head *mr_ring_alloc(enum mr_ring_kind kind, uint32_t size)
{
	size_t bytes = sizeof(struct mr_ring_head) + (size_t)size * mr_entry_bytes(kind);
	struct mr_ring_head *h;

	bytes = (bytes + 63) & ~(size_t)63;
	h = aligned_alloc(64, bytes);
	if (h)
		memset(h, 0, bytes);
	return h;
}

static void mr_view_prod(struct xsk_ring_prod *v, struct mr_ring_head *h, uint32_t size)
{
	*v = (struct xsk_ring_prod){
		.cached_prod = h->producer, .cached_cons = h->consumer + size,
		.mask = size - 1, .size = size,
		.producer = &h->producer, .consumer = &h->consumer,
		.ring = h + 1, .flags = &h->flags,
	};
}

static void mr_view_cons(struct xsk_ring_cons *v, struct mr_ring_head *h, uint32_t size)
{
	*v = (struct xsk_ring_cons){
		.cached_prod = h->producer, .cached_cons = h->consumer,
		.mask = size - 1, .size = size,
		.producer = &h->producer, .consumer = &h->consumer,
		.ring = h + 1, .flags = &h->flags,
	};
}

/* Both views of port p's four rings. */
static int mr_port_init(struct mr_qpair *m, int p, uint32_t size)
{
	struct fp_xsk *x = &m->qp.port[p];
	struct mr_kernel_end *k = &m->kernel[p];
	struct mr_ring_head *h[MR_NRINGS];

	for (int r = 0; r < MR_NRINGS; r++) {
		h[r] = mr_ring_alloc((enum mr_ring_kind)r, size);
		m->ring_mem[p][r] = h[r];
		if (!h[r])
			return -ENOMEM;
	}
	*x = (struct fp_xsk){ .xsk = NULL, .fd = -1, .need_wakeup = 0 };
	mr_view_cons(&x->rx, h[MR_RX], size);
	mr_view_prod(&k->rx, h[MR_RX], size);
	mr_view_prod(&x->tx, h[MR_TX], size);
	mr_view_cons(&k->tx, h[MR_TX], size);
	mr_view_prod(&x->fill, h[MR_FILL], size);
	mr_view_cons(&k->fill, h[MR_FILL], size);
	mr_view_cons(&x->comp, h[MR_COMP], size);
	mr_view_prod(&k->comp, h[MR_COMP], size);
	return 0;
}

static int mr_umem_init(struct fp_umem *u, uint32_t nframes, uint32_t frame_size)
{
	*u = (struct fp_umem){
		.area = MAP_FAILED, .numa_node = -1,
		.chunk_mask = ~(uint64_t)(frame_size - 1),
		.frame_size = frame_size, .nframes = nframes,
		.xsk_umem = NULL,
	};
	u->free = calloc(nframes, sizeof(*u->free));
	if (!u->free || fp_umem_map(u, (size_t)nframes * frame_size))
		return -ENOMEM;
	memset(u->area, 0, u->bytes); /* fault every page in, from this thread */
	for (uint32_t i = 0; i < nframes; i++)
		fp_umem_put(u, (uint64_t)(nframes - 1 - i) * frame_size);
	return 0;
}

static int mr_is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

void mr_qpair_destroy(struct mr_qpair *m)
{
	if (!m)
		return;
	for (int p = 0; p < FP_NPORTS; p++)
		for (int r = 0; r < MR_NRINGS; r++)
			free(m->ring_mem[p][r]);
	if (m->umem.area != MAP_FAILED)
		munmap(m->umem.area, m->umem.bytes);
	free(m->umem.free);
	free(m);
}

int mr_qpair_create(uint32_t ring_size, uint32_t frame_size, struct mr_qpair **out)
{
	struct mr_qpair *m;
	int err;

	if (!mr_is_pow2(ring_size) || !mr_is_pow2(frame_size) || frame_size < 2048)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->umem.area = MAP_FAILED;
	m->qp.umem = &m->umem; /* queue 0, copy mode, no busy polling */
	err = mr_umem_init(&m->umem, fp_qpair_nframes(ring_size), frame_size);
	for (int p = 0; p < FP_NPORTS && !err; p++)
		err = mr_port_init(m, p, ring_size);
	if (err) {
		mr_qpair_destroy(m);
		return err;
	}
	*out = m;
	return 0;
}
