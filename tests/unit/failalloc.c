/* tests/unit/failalloc.c - allocation failure injection (failalloc.h).
 *
 * With -Wl,--wrap=SYM the linker sends every call that the test's objects
 * and the static libraries make to SYM into __wrap_SYM below, and
 * __real_SYM names the real one (libc's, or ASan's allocator under ASan,
 * whose checks therefore still apply). Shared libraries (libc itself,
 * cmocka, liburcu) are not rewired: their allocations are not counted.
 *
 * Each wrapped allocation call counts one; the armed one fails as libc
 * would on exhaustion and later ones succeed. Blocks handed out are kept
 * in a small table until freed, so fa_live() counts exactly what the
 * wrappers allocated, whoever frees it. The table is a plain array with
 * swap-remove: the tests hold a few hundred blocks at most. */
#include <errno.h>
#include <glob.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "failalloc.h"

#define FA_MAX_LIVE 4096
#define FA_MAX_SITES 512

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
void *__real_mremap(void *old, size_t old_len, size_t len, int flags, ...);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
char *__real_strdup(const char *s);
int __real_glob(const char *pattern, int flags,
		int (*errfunc)(const char *, int), glob_t *g);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
void *__wrap_mremap(void *old, size_t old_len, size_t len, int flags, ...);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
int __wrap_glob(const char *pattern, int flags,
		int (*errfunc)(const char *, int), glob_t *g);

static struct {
	int counting;
	unsigned long calls, armed;
	int hit, hit_shrink;
	const void *sites[FA_MAX_SITES];
	size_t nsites;
	void *live[FA_MAX_LIVE];
	size_t nlive;
} fa;

void fa_arm(unsigned long n)
{
	fa.counting = 1;
	fa.calls = 0;
	fa.armed = n;
	fa.hit = 0;
	fa.hit_shrink = 0;
	fa.nsites = 0;
}

void fa_stop(void)
{
	fa.counting = 0;
}

unsigned long fa_calls(void)
{
	return fa.calls;
}

int fa_hit(void)
{
	return fa.hit;
}

int fa_hit_shrink(void)
{
	return fa.hit_shrink;
}

size_t fa_sites(void)
{
	return fa.nsites;
}

size_t fa_live(void)
{
	return fa.nlive;
}

static void fa_note_site(const void *site)
{
	size_t i;

	for (i = 0; i < fa.nsites; i++)
		if (fa.sites[i] == site)
			return;
	if (fa.nsites < FA_MAX_SITES)
		fa.sites[fa.nsites++] = site;
}

/* Count one call from `site`; nonzero when it is the one to fail. */
static int fa_fail_now(const void *site)
{
	if (!fa.counting)
		return 0;
	fa_note_site(site);
	if (++fa.calls != fa.armed)
		return 0;
	fa.hit = 1;
	errno = ENOMEM;
	return 1;
}

static void *fa_track(void *p)
{
	if (!p)
		return NULL;
	if (fa.nlive == FA_MAX_LIVE) {
		fprintf(stderr, "failalloc: more than %d live blocks\n", FA_MAX_LIVE);
		abort();
	}
	fa.live[fa.nlive++] = p;
	return p;
}

static void fa_untrack(const void *p)
{
	size_t i;

	for (i = fa.nlive; i > 0; i--)
		if (fa.live[i - 1] == p) {
			fa.live[i - 1] = fa.live[--fa.nlive];
			return;
		}
}

void *__wrap_malloc(size_t n)
{
	if (fa_fail_now(__builtin_return_address(0)))
		return NULL;
	return fa_track(__real_malloc(n));
}

void *__wrap_calloc(size_t k, size_t n)
{
	if (fa_fail_now(__builtin_return_address(0)))
		return NULL;
	return fa_track(__real_calloc(k, n));
}

/* Mappings (fastpath/bigmem.c's big blocks) fail like the allocators;
 * they are not tracked (munmap is not wrapped), and the tests' blocks are
 * too small to be mapped anyway. */
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (fa_fail_now(__builtin_return_address(0))) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	return __real_mmap(addr, len, prot, flags, fd, off);
}

/* Only MREMAP_MAYMOVE without a new address is used (no fifth argument). */
void *__wrap_mremap(void *old, size_t old_len, size_t len, int flags, ...)
{
	if (fa_fail_now(__builtin_return_address(0))) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	return __real_mremap(old, old_len, len, flags);
}

/* A failed realloc leaves p as it was, allocated. */
void *__wrap_realloc(void *p, size_t n)
{
	void *q;

	if (fa_fail_now(__builtin_return_address(0))) {
		fa.hit_shrink = p && n < malloc_usable_size(p);
		return NULL;
	}
	q = __real_realloc(p, n);
	if (q || (p && !n))     /* moved, or realloc(p, 0) freed p */
		fa_untrack(p);
	return fa_track(q);
}

void __wrap_free(void *p)
{
	if (p)
		fa_untrack(p);
	__real_free(p);
}

char *__wrap_strdup(const char *s)
{
	if (fa_fail_now(__builtin_return_address(0)))
		return NULL;
	return fa_track(__real_strdup(s));
}

/* What glob() leaves when it runs out of memory: an empty, freeable
 * result (globfree() is fine on it) and GLOB_NOSPACE. Its own blocks are
 * libc's and not tracked. */
int __wrap_glob(const char *pattern, int flags,
		int (*errfunc)(const char *, int), glob_t *g)
{
	if (fa_fail_now(__builtin_return_address(0))) {
		g->gl_pathc = 0;
		g->gl_pathv = NULL;
		if (!(flags & GLOB_DOOFFS))
			g->gl_offs = 0;
		return GLOB_NOSPACE;
	}
	return __real_glob(pattern, flags, errfunc, g);
}
