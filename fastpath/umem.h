/* fastpath/umem.h - one UMEM: its memory, its registration, and the stack
 * of frames that userspace currently owns.
 *
 * Created by fp_qpair_create() for one queue index and shared by that
 * queue's two sockets. Only the queue's worker touches the free stack. */
#ifndef FP_UMEM_H
#define FP_UMEM_H

#include <stddef.h>
#include <stdint.h>
#include <xdp/xsk.h>

struct fp_umem_cfg {
	uint32_t nframes;
	uint32_t frame_size; /* power of two */
	uint32_t fill_size;  /* ring sizes of the owner socket's fill/comp */
	uint32_t comp_size;
	int numa_node;       /* -1: no preference */
};

struct fp_umem {
	void *area;
	size_t bytes;
	int huge;       /* area is on hugepages */
	int numa_node;  /* node the area is bound to, -1 if none */
	uint64_t chunk_mask;
	uint32_t frame_size;
	uint32_t nframes;
	uint32_t nfree;
	uint64_t *free; /* frame addresses (chunk bases) owned by userspace */
	struct xsk_umem *xsk_umem;
};

/* Allocate (hugepages if possible, on numa_node if given) and register the
 * area; fill/comp become the owner socket's rings. All frames start free. */
int fp_umem_create(const struct fp_umem_cfg *cfg, struct xsk_ring_prod *fill,
		   struct xsk_ring_cons *comp, struct fp_umem **out);

/* Map u->area for `bytes` (reserved hugepages if any, else normal pages):
 * sets area, bytes and huge. -errno. fp_umem_create's first step; the
 * in-memory benchmark's queue pair (bench/tools/memring.c) maps its area
 * with it too. */
int fp_umem_map(struct fp_umem *u, size_t bytes);

/* NULL-safe; every socket on the UMEM must be deleted first. */
void fp_umem_destroy(struct fp_umem *u);

static inline void fp_umem_put(struct fp_umem *u, uint64_t addr)
{
	u->free[u->nfree++] = addr & u->chunk_mask;
}

static inline uint64_t fp_umem_get(struct fp_umem *u)
{
	return u->free[--u->nfree];
}

#endif /* FP_UMEM_H */
