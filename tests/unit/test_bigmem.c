/* tests/unit/test_bigmem.c - big arrays (fastpath/bigmem.c): blocks of
 * every size keep their contents through growth and shrinking across the
 * malloc/mapping threshold, mapped blocks are zero and advised onto
 * hugepages, and a block too big to exist is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "bigmem.h"

#define MIB ((size_t)1 << 20)

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i += 4093)
		p[i] = (uint8_t)(seed + i);
}

static void expect_filled(const uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i += 4093)
		assert_int_equal(p[i], (uint8_t)(seed + i));
}

/* Does /proc/self/smaps list the mapping holding p as THP-eligible? */
static int advised_huge(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[256];
	uintptr_t lo, hi, a = (uintptr_t)p;
	int in = 0, huge = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			in = a >= lo && a < hi;
		else if (in && !strncmp(line, "VmFlags:", 8))
			huge = strstr(line, " hg") != NULL;
	}
	fclose(f);
	return huge;
}

static void test_small_stays_small(void **state)
{
	uint8_t *p = fp_big_alloc(1000, 1);

	(void)state;
	assert_non_null(p);
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(p[i], 0);
	fill(p, 1000, 7);
	p = fp_big_realloc(p, 5000);
	assert_non_null(p);
	expect_filled(p, 1000, 7);
	fp_big_free(p);
}

static void test_big_is_zeroed_and_advised(void **state)
{
	uint8_t *p = fp_big_alloc(3 * MIB, 0);

	(void)state;
	assert_non_null(p);
	assert_int_equal(p[0], 0);
	assert_int_equal(p[3 * MIB - 1], 0);
	assert_int_equal(advised_huge(p), 1);
	fp_big_free(p);
}

/* small -> big -> bigger -> smaller but big -> small again */
static void test_grow_and_shrink_keep_contents(void **state)
{
	uint8_t *p = fp_big_alloc(64 * 1024, 0);

	(void)state;
	assert_non_null(p);
	fill(p, 64 * 1024, 3);
	p = fp_big_realloc(p, 2 * MIB);            /* promoted to a mapping */
	assert_non_null(p);
	expect_filled(p, 64 * 1024, 3);
	fill(p, 2 * MIB, 5);
	p = fp_big_realloc(p, 9 * MIB);            /* mremap */
	assert_non_null(p);
	expect_filled(p, 2 * MIB, 5);
	fill(p, 9 * MIB, 9);
	p = fp_big_realloc(p, 4 * MIB);            /* shrinks in place */
	assert_non_null(p);
	expect_filled(p, 4 * MIB, 9);
	p = fp_big_realloc(p, 100 * 1024);         /* back to malloc */
	assert_non_null(p);
	expect_filled(p, 100 * 1024, 9);
	fp_big_free(p);
}

static void test_impossible_sizes_fail(void **state)
{
	uint8_t *p = fp_big_alloc(16, 0);

	(void)state;
	assert_null(fp_big_alloc(SIZE_MAX - 8, 0));
	assert_null(fp_big_realloc(p, SIZE_MAX - 8));
	assert_non_null(p);
	p[15] = 1;                                 /* still ours */
	fp_big_free(p);
	fp_big_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_stays_small),
		cmocka_unit_test(test_big_is_zeroed_and_advised),
		cmocka_unit_test(test_grow_and_shrink_keep_contents),
		cmocka_unit_test(test_impossible_sizes_fail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
