/* fastpath/bigmem.h - big arrays on transparent hugepages, and a pool that
 * keeps them from one reload to the next.
 *
 * Compiling a million rules touches a few hundred MiB of fresh memory,
 * and on a virtual machine the first touch of each 4 KiB page is what
 * costs (about 30 us a page here: two thirds of `--check`). Arrays of
 * FP_BIG_MIN bytes or more are therefore mapped on their own, advised
 * onto 2 MiB pages (one fault per 2 MiB), and grown with mremap (no copy);
 * smaller ones come from malloc, so sanitizers still watch them. Used by
 * the rule compiler (ruleset.c, lpm.c) and the configuration reader. Each
 * block records its kind and its pool: fp_big_free releases either.
 *
 * Even on 2 MiB pages a fresh page costs: a VM that reports free pages to
 * its host (this one does) has the host fault each one in again, and that
 * was half of a reload's time. A pool keeps the mappings freed into it,
 * marked MADV_FREE (the kernel may still take them back under memory
 * pressure, and counts them as LazyFree in smaps until then), and hands
 * them out again: the daemon's reloads build the next rule set in the
 * memory of the one before. Blocks return to the pool they came from,
 * from any thread. */
#ifndef FP_BIGMEM_H
#define FP_BIGMEM_H

#include <stddef.h>

#define FP_BIG_MIN ((size_t)1 << 20)

struct fp_big_pool;

/* An empty pool with one reference, or NULL (out of memory). */
struct fp_big_pool *fp_big_pool_create(void);

/* One more reference (a thread that allocates from it); returns pool.
 * NULL-safe. */
struct fp_big_pool *fp_big_pool_ref(struct fp_big_pool *pool);

/* Drop a reference. The last one unmaps what the pool keeps and closes
 * it: blocks still in use are unmapped when freed, and the last of them
 * frees the pool. NULL-safe. */
void fp_big_pool_unref(struct fp_big_pool *pool);

/* Unmap what it keeps (blocks in use stay). NULL-safe. */
void fp_big_pool_drain(struct fp_big_pool *pool);

/* Bytes it keeps for reuse; 0 for NULL. */
size_t fp_big_pool_spare_bytes(struct fp_big_pool *pool);

/* n bytes (zeroed when zero is set), or NULL. A block of FP_BIG_MIN or
 * more comes from pool's spares where one is there (NULL pool: none). */
void *fp_big_alloc(struct fp_big_pool *pool, size_t n, int zero);

/* Resize to n bytes keeping the contents; NULL on failure, p untouched.
 * NULL p: allocate from pool; otherwise p stays with its own pool. */
void *fp_big_realloc(struct fp_big_pool *pool, void *p, size_t n);

/* NULL-safe: into its pool, or unmapped / freed. */
void fp_big_free(void *p);

#endif /* FP_BIGMEM_H */
