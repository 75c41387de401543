/* fastpath/umem.c - UMEM memory and registration.
 *
 * The area is mmap'd on 2 MiB hugepages when the system has them reserved
 * (fewer TLB misses per frame), otherwise on normal pages; with a NUMA node
 * given, its pages are bound there before anything touches them, so the
 * kernel's pinning at registration faults them in on that node. */
#include <errno.h>
#include <numa.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "fw/log.h"
#include "umem.h"

#define FP_HUGEPAGE_BYTES (2u << 20)

int fp_umem_map(struct fp_umem *u, size_t bytes)
{
	size_t huge_bytes = (bytes + FP_HUGEPAGE_BYTES - 1) & ~(size_t)(FP_HUGEPAGE_BYTES - 1);

	u->area = mmap(NULL, huge_bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (u->area != MAP_FAILED) {
		u->bytes = huge_bytes;
		u->huge = 1;
		return 0;
	}
	u->area = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u->area == MAP_FAILED)
		return -errno;
	u->bytes = bytes;
	return 0;
}

static void fp_umem_bind_node(struct fp_umem *u, int node)
{
	if (node < 0 || numa_available() < 0)
		return;
	numa_tonode_memory(u->area, u->bytes, node);
	u->numa_node = node;
}

void fp_umem_destroy(struct fp_umem *u)
{
	if (!u)
		return;
	if (u->xsk_umem)
		xsk_umem__delete(u->xsk_umem);
	if (u->area != MAP_FAILED)
		munmap(u->area, u->bytes);
	free(u->free);
	free(u);
}

int fp_umem_create(const struct fp_umem_cfg *cfg, struct xsk_ring_prod *fill,
		   struct xsk_ring_cons *comp, struct fp_umem **out)
{
	struct xsk_umem_config ucfg = {
		.fill_size = cfg->fill_size,
		.comp_size = cfg->comp_size,
		.frame_size = cfg->frame_size,
		.frame_headroom = 0,
		.flags = 0,
	};
	struct fp_umem *u;
	int err;

	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->area = MAP_FAILED;
	u->numa_node = -1;
	u->frame_size = cfg->frame_size;
	u->chunk_mask = ~(uint64_t)(cfg->frame_size - 1);
	u->nframes = cfg->nframes;
	u->free = calloc(cfg->nframes, sizeof(*u->free));
	err = u->free ? fp_umem_map(u, (size_t)cfg->nframes * cfg->frame_size) : -ENOMEM;
	if (err)
		goto fail;
	fp_umem_bind_node(u, cfg->numa_node);
	err = xsk_umem__create(&u->xsk_umem, u->area, (uint64_t)cfg->nframes * cfg->frame_size,
			       fill, comp, &ucfg);
	if (err) {
		u->xsk_umem = NULL;
		goto fail;
	}
	for (uint32_t i = 0; i < cfg->nframes; i++)
		u->free[u->nfree++] = (uint64_t)(cfg->nframes - 1 - i) * cfg->frame_size;
	*out = u;
	return 0;
fail:
	fp_umem_destroy(u);
	return err;
}
