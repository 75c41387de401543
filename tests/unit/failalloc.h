/* tests/unit/failalloc.h - allocation failure injection for unit tests.
 *
 * Linked into tests/unit/test_alloc_fail only, whose link line wraps the
 * allocators control_core and fastpath_core call (-Wl,--wrap=SYM; the
 * list is FW_ALLOC_WRAPS in tests/unit/CMakeLists.txt). No product code
 * carries a hook. Single-threaded: only the test thread may allocate
 * through the wrappers while counting. */
#ifndef FA_FAILALLOC_H
#define FA_FAILALLOC_H

#include <stddef.h>

/* Count allocation calls from now on and fail the n-th one (1-based)
 * with ENOMEM (glob: GLOB_NOSPACE); n == 0 fails none. Resets the call
 * count, the hit flags and the call sites. */
void fa_arm(unsigned long n);

/* Stop counting and failing; the counters keep their values. */
void fa_stop(void);

/* Calls counted between fa_arm() and fa_stop(). */
unsigned long fa_calls(void);

/* Nonzero when the armed call came (and was failed). */
int fa_hit(void);

/* Nonzero when the failed call was a realloc that only shrank a block. */
int fa_hit_shrink(void);

/* Distinct call sites (return addresses) of the calls counted. */
size_t fa_sites(void);

/* Blocks allocated through the wrappers and not yet freed (counting or
 * not). Frees of blocks the wrappers never saw do not count. */
size_t fa_live(void);

#endif /* FA_FAILALLOC_H */
