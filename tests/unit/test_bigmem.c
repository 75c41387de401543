/* tests/unit/test_bigmem.c - big arrays (fastpath/bigmem.c): blocks of
 * every size keep their contents through growth and shrinking across the
 * malloc/mapping threshold, mapped blocks are zero and advised onto
 * hugepages, and a block too big to exist is refused. A pool hands a freed
 * mapping out again (zeroed when asked), keeps no more than is in use,
 * moves a growing block into a spare that holds it, and lives until its
 * last block is freed. */
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
	uint8_t *p = fp_big_alloc(NULL, 1000, 1);

	(void)state;
	assert_non_null(p);
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(p[i], 0);
	fill(p, 1000, 7);
	p = fp_big_realloc(NULL, p, 5000);
	assert_non_null(p);
	expect_filled(p, 1000, 7);
	fp_big_free(p);
}

static void test_big_is_zeroed_and_advised(void **state)
{
	uint8_t *p = fp_big_alloc(NULL, 3 * MIB, 0);

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
	uint8_t *p = fp_big_alloc(NULL, 64 * 1024, 0);

	(void)state;
	assert_non_null(p);
	fill(p, 64 * 1024, 3);
	p = fp_big_realloc(NULL, p, 2 * MIB);            /* promoted to a mapping */
	assert_non_null(p);
	expect_filled(p, 64 * 1024, 3);
	fill(p, 2 * MIB, 5);
	p = fp_big_realloc(NULL, p, 9 * MIB);            /* mremap */
	assert_non_null(p);
	expect_filled(p, 2 * MIB, 5);
	fill(p, 9 * MIB, 9);
	p = fp_big_realloc(NULL, p, 4 * MIB);            /* shrinks in place */
	assert_non_null(p);
	expect_filled(p, 4 * MIB, 9);
	p = fp_big_realloc(NULL, p, 100 * 1024);         /* back to malloc */
	assert_non_null(p);
	expect_filled(p, 100 * 1024, 9);
	fp_big_free(p);
}

static void test_impossible_sizes_fail(void **state)
{
	uint8_t *p = fp_big_alloc(NULL, 16, 0);

	(void)state;
	assert_null(fp_big_alloc(NULL, SIZE_MAX - 8, 0));
	assert_null(fp_big_realloc(NULL, p, SIZE_MAX - 8));
	assert_non_null(p);
	p[15] = 1;                                 /* still ours */
	fp_big_free(p);
	fp_big_free(NULL);
}

/* The mapped length of a block of n bytes: 2 MiB pages, header included. */
#define MAPPED(n) ((((n) + 32 + 2 * MIB - 1) / (2 * MIB)) * 2 * MIB)

static void test_pool_hands_a_freed_block_out_again(void **state)
{
	struct fp_big_pool *pool = fp_big_pool_create();
	uint8_t *held, *a, *b;

	(void)state;
	assert_non_null(pool);
	held = fp_big_alloc(pool, 3 * MIB, 0); /* in use: the pool may keep as much */
	a = fp_big_alloc(pool, 3 * MIB, 0);
	assert_non_null(held);
	assert_non_null(a);
	memset(a, 0xab, 3 * MIB);
	fp_big_free(a);
	assert_int_equal(fp_big_pool_spare_bytes(pool), MAPPED(3 * MIB));
	b = fp_big_alloc(pool, 3 * MIB, 1);
	assert_ptr_equal(b, a);
	assert_int_equal(fp_big_pool_spare_bytes(pool), 0);
	for (size_t i = 0; i < 3 * MIB; i += 4093)
		assert_int_equal(b[i], 0); /* zero asked: the old data is gone */
	assert_int_equal(b[3 * MIB - 1], 0);
	fp_big_free(b);
	fp_big_pool_drain(pool);
	assert_int_equal(fp_big_pool_spare_bytes(pool), 0);
	fp_big_free(held);
	fp_big_pool_unref(pool);
}

static void test_pool_keeps_no_more_than_is_in_use(void **state)
{
	struct fp_big_pool *pool = fp_big_pool_create();
	uint8_t *held = fp_big_alloc(pool, 3 * MIB, 0);
	uint8_t *big = fp_big_alloc(pool, 9 * MIB, 0);
	uint8_t *small = fp_big_alloc(pool, 3 * MIB, 0);

	(void)state;
	assert_non_null(held);
	assert_non_null(big);
	assert_non_null(small);
	fp_big_free(big); /* 10 MiB spare, 8 in use: unmapped */
	assert_int_equal(fp_big_pool_spare_bytes(pool), 0);
	fp_big_free(small); /* 4 MiB spare, 4 in use: kept */
	assert_int_equal(fp_big_pool_spare_bytes(pool), MAPPED(3 * MIB));
	fp_big_free(held); /* nothing in use: nothing kept */
	assert_int_equal(fp_big_pool_spare_bytes(pool), 0);
	fp_big_pool_unref(pool);
}

static void test_pool_growth_moves_into_a_spare(void **state)
{
	struct fp_big_pool *pool = fp_big_pool_create();
	uint8_t *held = fp_big_alloc(pool, 30 * MIB, 0);
	uint8_t *s4 = fp_big_alloc(pool, 3 * MIB, 0);
	uint8_t *s10 = fp_big_alloc(pool, 9 * MIB, 0);
	uint8_t *p, *q;

	(void)state;
	assert_non_null(held);
	assert_non_null(s4);
	assert_non_null(s10);
	fp_big_free(s4);
	fp_big_free(s10);
	assert_int_equal(fp_big_pool_spare_bytes(pool), MAPPED(3 * MIB) + MAPPED(9 * MIB));
	p = fp_big_alloc(pool, 3 * MIB, 0); /* the smallest spare that holds it */
	assert_ptr_equal(p, s4);
	fill(p, 3 * MIB, 11);
	q = fp_big_realloc(NULL, p, 9 * MIB);
	assert_ptr_equal(q, s10);
	expect_filled(q, 3 * MIB, 11);
	assert_int_equal(fp_big_pool_spare_bytes(pool), MAPPED(3 * MIB)); /* p's mapping */
	fill(q, 9 * MIB, 13);
	q = fp_big_realloc(NULL, q, 20 * MIB); /* no spare holds it: mremap */
	assert_non_null(q);
	expect_filled(q, 9 * MIB, 13);
	fp_big_free(q);
	fp_big_free(held);
	fp_big_pool_unref(pool);
}

static void test_pool_outlives_its_last_reference_until_its_blocks_go(void **state)
{
	struct fp_big_pool *pool = fp_big_pool_create();
	uint8_t *big, *small, *spare;

	(void)state;
	assert_ptr_equal(fp_big_pool_ref(pool), pool);
	big = fp_big_alloc(pool, 3 * MIB, 1);
	small = fp_big_alloc(pool, 100, 1);
	spare = fp_big_alloc(pool, 3 * MIB, 0);
	assert_non_null(big);
	assert_non_null(small);
	assert_non_null(spare);
	fp_big_free(spare);
	fp_big_pool_unref(pool);
	assert_int_equal(fp_big_pool_spare_bytes(pool), MAPPED(3 * MIB)); /* one reference left */
	fp_big_pool_unref(pool); /* closed: its spare is unmapped, its blocks stay */
	big[3 * MIB - 1] = 1;
	small[99] = 1;
	big = fp_big_realloc(NULL, big, 5 * MIB);
	assert_non_null(big);
	assert_int_equal(big[3 * MIB - 1], 1);
	fp_big_free(small);
	fp_big_free(big); /* the last block: unmapped, and the pool freed (ASan: no leak) */
	fp_big_pool_unref(NULL);
	fp_big_pool_drain(NULL);
	assert_int_equal(fp_big_pool_spare_bytes(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_stays_small),
		cmocka_unit_test(test_big_is_zeroed_and_advised),
		cmocka_unit_test(test_grow_and_shrink_keep_contents),
		cmocka_unit_test(test_impossible_sizes_fail),
		cmocka_unit_test(test_pool_hands_a_freed_block_out_again),
		cmocka_unit_test(test_pool_keeps_no_more_than_is_in_use),
		cmocka_unit_test(test_pool_growth_moves_into_a_spare),
		cmocka_unit_test(test_pool_outlives_its_last_reference_until_its_blocks_go),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
