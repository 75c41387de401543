/* fastpath/bigmem.h - big arrays on transparent hugepages.
 *
 * Compiling a million rules touches a few hundred MiB of fresh memory,
 * and on a virtual machine the first touch of each 4 KiB page is what
 * costs (about 30 us a page here: two thirds of `--check`). Arrays of
 * FP_BIG_MIN bytes or more are therefore mapped on their own, advised
 * onto 2 MiB pages (one fault per 2 MiB), and grown with mremap (no copy);
 * smaller ones come from malloc, so sanitizers still watch them. Used by
 * the rule compiler (ruleset.c, lpm.c) and the configuration reader. Each
 * block records its kind: fp_big_free releases either. */
#ifndef FP_BIGMEM_H
#define FP_BIGMEM_H

#include <stddef.h>

#define FP_BIG_MIN ((size_t)1 << 20)

/* n bytes (zeroed when zero is set), or NULL. */
void *fp_big_alloc(size_t n, int zero);

/* Resize to n bytes keeping the contents (NULL p: allocate); NULL on
 * failure, p untouched. */
void *fp_big_realloc(void *p, size_t n);

/* NULL-safe. */
void fp_big_free(void *p);

#endif /* FP_BIGMEM_H */
