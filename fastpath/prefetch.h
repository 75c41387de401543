/* fastpath/prefetch.h - prefetches the compiler keeps.
 *
 * GCC counts __builtin_prefetch as free of side effects: a function that
 * only loads and prefetches is taken for pure, and a call to it whose
 * result is unused (every call of one) is dropped, prefetches and all.
 * That happened here: the classifier's prefetch passes and the worker's
 * counter prefetch compiled to nothing. An asm volatile is a side effect
 * no pass may remove, wherever it is inlined. */
#ifndef FP_PREFETCH_H
#define FP_PREFETCH_H

/* Bring p's line towards the core for a read. */
static inline void fp_prefetch(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
#else
	__asm__ volatile("" : : "r"(p));
	__builtin_prefetch(p);
#endif
}

/* The same, for a line about to be written. */
static inline void fp_prefetch_write(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
#else
	__asm__ volatile("" : : "r"(p));
	__builtin_prefetch(p, 1);
#endif
}

#endif /* FP_PREFETCH_H */
