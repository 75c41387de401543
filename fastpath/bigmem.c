/* fastpath/bigmem.c - big arrays on transparent hugepages (bigmem.h).
 *
 * A block starts with a header: its size and its mapped length (0 for a
 * malloc'd block). The madvise is advice: where THP is off, the block is
 * an ordinary mapping and everything still works. */
#define _GNU_SOURCE /* mremap */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bigmem.h"

#define FP_BIG_PAGE ((size_t)2 << 20)

struct fp_big_hdr {
	size_t mapped; /* bytes mapped, header included; 0: malloc'd */
	size_t size;   /* bytes asked for */
};

static struct fp_big_hdr *fp_big_hdr(void *p)
{
	return (struct fp_big_hdr *)p - 1;
}

static size_t fp_big_len(size_t n)
{
	return (n + sizeof(struct fp_big_hdr) + FP_BIG_PAGE - 1) & ~(FP_BIG_PAGE - 1);
}

static void *fp_big_map(size_t n)
{
	size_t len = fp_big_len(n);
	struct fp_big_hdr *h;

	h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h == MAP_FAILED)
		return NULL;
	(void)madvise(h, len, MADV_HUGEPAGE);
	h->mapped = len;
	h->size = n;
	return h + 1;
}

static void *fp_big_malloc(size_t n, int zero)
{
	struct fp_big_hdr *h = zero ? calloc(1, sizeof(*h) + n) : malloc(sizeof(*h) + n);

	if (!h)
		return NULL;
	h->mapped = 0;
	h->size = n;
	return h + 1;
}

void *fp_big_alloc(size_t n, int zero)
{
	if (n > SIZE_MAX / 2)
		return NULL;
	return n >= FP_BIG_MIN ? fp_big_map(n) : fp_big_malloc(n, zero);
}

/* A mapped block to n bytes: in place when the mapping fits, else
 * mremap (the pages move, nothing is copied). */
static void *fp_big_remap(struct fp_big_hdr *h, size_t n)
{
	size_t len = fp_big_len(n);
	struct fp_big_hdr *q;

	if (len != h->mapped) {
		q = mremap(h, h->mapped, len, MREMAP_MAYMOVE);
		if (q == MAP_FAILED) {
			if (len > h->mapped)
				return NULL;
			q = h; /* a failed shrink keeps the larger mapping */
			len = h->mapped;
		}
		(void)madvise(q, len, MADV_HUGEPAGE);
		q->mapped = len;
		h = q;
	}
	h->size = n;
	return h + 1;
}

/* A block to n bytes as the other kind (malloc'd growing past
 * FP_BIG_MIN, or mapped shrinking below it): allocate, copy, free. */
static void *fp_big_move(struct fp_big_hdr *h, size_t n)
{
	void *q = fp_big_alloc(n, 0);

	if (!q)
		return NULL;
	memcpy(q, h + 1, h->size < n ? h->size : n);
	fp_big_free(h + 1);
	return q;
}

void *fp_big_realloc(void *p, size_t n)
{
	struct fp_big_hdr *h, *q;

	if (!p)
		return fp_big_alloc(n, 0);
	if (n > SIZE_MAX / 2)
		return NULL;
	h = fp_big_hdr(p);
	if (h->mapped && n >= FP_BIG_MIN)
		return fp_big_remap(h, n);
	if (h->mapped || n >= FP_BIG_MIN)
		return fp_big_move(h, n);
	q = realloc(h, sizeof(*h) + n);
	if (!q)
		return NULL;
	q->size = n;
	return q + 1;
}

void fp_big_free(void *p)
{
	struct fp_big_hdr *h;

	if (!p)
		return;
	h = fp_big_hdr(p);
	if (h->mapped)
		munmap(h, h->mapped);
	else
		free(h);
}
