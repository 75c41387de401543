/* fastpath/bigmem.c - big arrays on transparent hugepages, and their pool
 * (bigmem.h).
 *
 * A block starts with a header: its size, its mapped length (0 for a
 * malloc'd block) and its pool. The madvise calls are advice: where THP or
 * MADV_FREE is missing, the block is an ordinary mapping and everything
 * still works.
 *
 * A pool keeps up to FP_BIG_SPARES mappings of no more bytes in all than
 * its blocks in use have (the oldest spares go first). A block is taken
 * from the smallest spare that holds it, its unused tail unmapped; when
 * none does, from the largest, grown by mremap (its pages move, only the
 * rest is new). A block growing past its mapping moves into a spare that
 * holds it, where there is one: copying is far cheaper than faulting
 * fresh pages in. A pooled block keeps its mapping when it shrinks. */
#define _GNU_SOURCE /* mremap */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bigmem.h"

#define FP_BIG_PAGE ((size_t)2 << 20)
#define FP_BIG_SPARES 64

struct fp_big_hdr {
	size_t mapped; /* bytes mapped, header included; 0: malloc'd */
	size_t size;   /* bytes asked for */
	struct fp_big_pool *pool; /* where a mapping returns; NULL: unmapped */
	size_t pad;    /* keeps the data 16-byte aligned */
};

struct fp_big_spare {
	void *base;
	size_t len;
};

struct fp_big_pool {
	pthread_mutex_t lock;
	struct fp_big_spare spare[FP_BIG_SPARES]; /* oldest first */
	size_t nspare;
	size_t spare_bytes;
	size_t refs;   /* its owners' references */
	size_t in_use; /* its mappings handed out and not freed */
	size_t in_use_bytes; /* their length */
	int closed;    /* no reference left: what comes back is unmapped */
};

static struct fp_big_hdr *fp_big_hdr(void *p)
{
	return (struct fp_big_hdr *)p - 1;
}

static size_t fp_big_len(size_t n)
{
	return (n + sizeof(struct fp_big_hdr) + FP_BIG_PAGE - 1) & ~(FP_BIG_PAGE - 1);
}

struct fp_big_pool *fp_big_pool_create(void)
{
	struct fp_big_pool *pool = calloc(1, sizeof(*pool));

	if (!pool)
		return NULL;
	if (pthread_mutex_init(&pool->lock, NULL)) {
		free(pool);
		return NULL;
	}
	pool->refs = 1;
	return pool;
}

struct fp_big_pool *fp_big_pool_ref(struct fp_big_pool *pool)
{
	if (pool) {
		pthread_mutex_lock(&pool->lock);
		pool->refs++;
		pthread_mutex_unlock(&pool->lock);
	}
	return pool;
}

/* Remove spare i (the lock held). */
static struct fp_big_spare fp_big_pool_remove(struct fp_big_pool *pool, size_t i)
{
	struct fp_big_spare s = pool->spare[i];

	memmove(&pool->spare[i], &pool->spare[i + 1], (pool->nspare - i - 1) * sizeof(s));
	pool->nspare--;
	pool->spare_bytes -= s.len;
	return s;
}

/* The smallest spare of len bytes or more, else the largest; -1: none
 * (the lock held). */
static long fp_big_pool_pick(const struct fp_big_pool *pool, size_t len)
{
	long fit = -1, big = -1;
	size_t i;

	for (i = 0; i < pool->nspare; i++) {
		size_t l = pool->spare[i].len;

		if (l >= len && (fit < 0 || l < pool->spare[fit].len))
			fit = (long)i;
		if (big < 0 || l > pool->spare[big].len)
			big = (long)i;
	}
	return fit >= 0 ? fit : big;
}

/* A spare cut or grown to len bytes (with fit_only, only one that holds
 * them); base NULL when there is none. */
static struct fp_big_spare fp_big_pool_take(struct fp_big_pool *pool, size_t len, int fit_only)
{
	struct fp_big_spare s = { 0 };
	void *q;
	long i;

	pthread_mutex_lock(&pool->lock);
	i = fp_big_pool_pick(pool, len);
	if (i >= 0 && (!fit_only || pool->spare[i].len >= len))
		s = fp_big_pool_remove(pool, (size_t)i);
	pthread_mutex_unlock(&pool->lock);
	if (s.base && s.len > len) { /* its tail would sit unused */
		munmap((char *)s.base + len, s.len - len);
		s.len = len;
	} else if (s.base && s.len < len) {
		q = mremap(s.base, s.len, len, MREMAP_MAYMOVE);
		if (q == MAP_FAILED) {
			munmap(s.base, s.len);
			return (struct fp_big_spare){ 0 };
		}
		s.base = q;
		s.len = len;
	}
	return s;
}

static void fp_big_pool_free(struct fp_big_pool *pool)
{
	pthread_mutex_destroy(&pool->lock);
	free(pool);
}

/* Move every spare into gone (the lock held); returns how many. */
static size_t fp_big_pool_empty(struct fp_big_pool *pool, struct fp_big_spare *gone)
{
	size_t n = pool->nspare;

	memcpy(gone, pool->spare, n * sizeof(*gone));
	pool->nspare = 0;
	pool->spare_bytes = 0;
	return n;
}

/* After the unlock: unmap what left the pool, and free the pool when
 * nothing may touch it any more (last). */
static void fp_big_pool_settle(struct fp_big_pool *pool, const struct fp_big_spare *gone,
			       size_t n, int last)
{
	for (size_t i = 0; i < n; i++)
		munmap(gone[i].base, gone[i].len);
	if (last)
		fp_big_pool_free(pool);
}

/* A mapping back into its pool, which then drops its oldest spares
 * beyond the bytes in use; unmapped once the pool is closed. */
static void fp_big_pool_put(struct fp_big_pool *pool, void *base, size_t len)
{
	struct fp_big_spare gone[FP_BIG_SPARES + 1];
	size_t n = 0;
	int last;

	(void)madvise(base, len, MADV_FREE);
	pthread_mutex_lock(&pool->lock);
	pool->in_use--;
	pool->in_use_bytes -= len;
	if (pool->closed) {
		gone[n++] = (struct fp_big_spare){ base, len };
	} else {
		if (pool->nspare == FP_BIG_SPARES)
			gone[n++] = fp_big_pool_remove(pool, 0);
		pool->spare[pool->nspare++] = (struct fp_big_spare){ base, len };
		pool->spare_bytes += len;
		while (pool->spare_bytes > pool->in_use_bytes)
			gone[n++] = fp_big_pool_remove(pool, 0);
	}
	last = pool->closed && !pool->in_use;
	pthread_mutex_unlock(&pool->lock);
	fp_big_pool_settle(pool, gone, n, last);
}

void fp_big_pool_drain(struct fp_big_pool *pool)
{
	struct fp_big_spare gone[FP_BIG_SPARES];
	size_t n;

	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	n = fp_big_pool_empty(pool, gone);
	pthread_mutex_unlock(&pool->lock);
	fp_big_pool_settle(pool, gone, n, 0);
}

void fp_big_pool_unref(struct fp_big_pool *pool)
{
	struct fp_big_spare gone[FP_BIG_SPARES];
	size_t n = 0;
	int last = 0;

	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	if (--pool->refs == 0) { /* past the unlock, only a last block's free may touch it */
		pool->closed = 1;
		n = fp_big_pool_empty(pool, gone);
		last = !pool->in_use;
	}
	pthread_mutex_unlock(&pool->lock);
	fp_big_pool_settle(pool, gone, n, last);
}

size_t fp_big_pool_spare_bytes(struct fp_big_pool *pool)
{
	size_t n;

	if (!pool)
		return 0;
	pthread_mutex_lock(&pool->lock);
	n = pool->spare_bytes;
	pthread_mutex_unlock(&pool->lock);
	return n;
}

/* A mapping of len bytes handed out. */
static void fp_big_pool_count(struct fp_big_pool *pool, size_t len)
{
	pthread_mutex_lock(&pool->lock);
	pool->in_use++;
	pool->in_use_bytes += len;
	pthread_mutex_unlock(&pool->lock);
}

/* A mapping in use remapped from one length to another. */
static void fp_big_pool_resized(struct fp_big_pool *pool, size_t from, size_t to)
{
	pthread_mutex_lock(&pool->lock);
	pool->in_use_bytes = pool->in_use_bytes - from + to;
	pthread_mutex_unlock(&pool->lock);
}

/* A mapping of len bytes: a spare of pool's, else a fresh one. */
static struct fp_big_spare fp_big_get(struct fp_big_pool *pool, size_t len, int *fresh)
{
	struct fp_big_spare s = pool ? fp_big_pool_take(pool, len, 0) : (struct fp_big_spare){ 0 };
	void *q;

	*fresh = !s.base;
	if (*fresh) {
		q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (q == MAP_FAILED)
			return s;
		(void)madvise(q, len, MADV_HUGEPAGE);
		s = (struct fp_big_spare){ q, len };
	}
	if (pool)
		fp_big_pool_count(pool, s.len);
	return s;
}

static struct fp_big_hdr *fp_big_block(struct fp_big_spare s, size_t n, struct fp_big_pool *pool)
{
	struct fp_big_hdr *h = s.base;

	*h = (struct fp_big_hdr){ .mapped = s.len, .size = n, .pool = pool };
	return h;
}

static void *fp_big_map(struct fp_big_pool *pool, size_t n, int zero)
{
	int fresh;
	struct fp_big_spare s = fp_big_get(pool, fp_big_len(n), &fresh);
	struct fp_big_hdr *h;

	if (!s.base)
		return NULL;
	h = fp_big_block(s, n, pool);
	if (zero && !fresh)
		memset(h + 1, 0, n); /* a spare holds old data, or zeros */
	return h + 1;
}

static void *fp_big_malloc(struct fp_big_pool *pool, size_t n, int zero)
{
	struct fp_big_hdr *h = zero ? calloc(1, sizeof(*h) + n) : malloc(sizeof(*h) + n);

	if (!h)
		return NULL;
	*h = (struct fp_big_hdr){ .size = n, .pool = pool };
	return h + 1;
}

void *fp_big_alloc(struct fp_big_pool *pool, size_t n, int zero)
{
	if (n > SIZE_MAX / 2)
		return NULL;
	return n >= FP_BIG_MIN ? fp_big_map(pool, n, zero) : fp_big_malloc(pool, n, zero);
}

/* A mapped block growing past its mapping, into a spare that holds it;
 * NULL when its pool has none. */
static struct fp_big_hdr *fp_big_respare(struct fp_big_hdr *h, size_t len)
{
	struct fp_big_spare s;
	struct fp_big_hdr *q;

	if (!h->pool)
		return NULL;
	s = fp_big_pool_take(h->pool, len, 1);
	if (!s.base)
		return NULL;
	q = fp_big_block(s, h->size, h->pool);
	memcpy(q + 1, h + 1, h->size);
	fp_big_pool_count(q->pool, q->mapped);
	fp_big_pool_put(h->pool, h, h->mapped);
	return q;
}

/* A mapped block to n bytes. Growing: in place while the mapping holds
 * it, else into a spare, else by mremap (the pages move, nothing is
 * copied). Shrinking: the mapping shrinks too, unless it has a pool: an
 * array trimmed to its final size (lpm.c) grows back to the same length
 * in the next build, which then finds a spare that holds it, and the
 * tail it gave up was never touched. */
static void *fp_big_remap(struct fp_big_hdr *h, size_t n)
{
	size_t len = fp_big_len(n);
	struct fp_big_hdr *q;

	if (len > h->mapped && (q = fp_big_respare(h, len))) {
		h = q;
	} else if (len > h->mapped || (len < h->mapped && n < h->size && !h->pool)) {
		q = mremap(h, h->mapped, len, MREMAP_MAYMOVE);
		if (q == MAP_FAILED) {
			if (len > h->mapped)
				return NULL;
			q = h; /* a failed shrink keeps the larger mapping */
			len = h->mapped;
		}
		(void)madvise(q, len, MADV_HUGEPAGE);
		if (q->pool)
			fp_big_pool_resized(q->pool, q->mapped, len);
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
	void *q = fp_big_alloc(h->pool, n, 0);

	if (!q)
		return NULL;
	memcpy(q, h + 1, h->size < n ? h->size : n);
	fp_big_free(h + 1);
	return q;
}

void *fp_big_realloc(struct fp_big_pool *pool, void *p, size_t n)
{
	struct fp_big_hdr *h, *q;

	if (!p)
		return fp_big_alloc(pool, n, 0);
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
	if (!h->mapped)
		free(h);
	else if (h->pool)
		fp_big_pool_put(h->pool, h, h->mapped);
	else
		munmap(h, h->mapped);
}
