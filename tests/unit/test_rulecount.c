/* tests/unit/test_rulecount.c - per-rule counters: per-slot arrays summed
 * on read, and counts carried to the next snapshot by rule text (not by
 * position, file or line; the k-th copy of a rule to the k-th copy). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "config.h"
#include "ruleset.h"

static struct fp_ruleset *compile(const char *text, struct fw_config *cfg)
{
	struct fp_ruleset *rs;
	char err[CTL_ERR_LEN];

	assert_int_equal(ctl_config_parse_buf(text, strlen(text), "t.conf", cfg, err, sizeof(err)), 0);
	assert_int_equal(fp_ruleset_create(cfg->rules, cfg->nrules, &cfg->policy, &rs), 0);
	return rs;
}

static void hit(struct fp_ruleset *rs, unsigned slot, size_t rule, unsigned times, uint32_t len)
{
	struct fp_rule_count *c = fp_ruleset_counters(rs, slot);

	assert_non_null(c);
	for (unsigned i = 0; i < times; i++)
		fp_rule_count_add(&c[rule], len);
}

static void assert_count(const struct fp_ruleset *rs, size_t rule, uint64_t packets, uint64_t bytes)
{
	struct fp_rule_count n;

	fp_ruleset_rule_count(rs, rule, &n);
	if (n.packets != packets || n.bytes != bytes)
		fail_msg("rule %zu: measured %llu packets %llu bytes, expected %llu and %llu", rule + 1,
			 (unsigned long long)n.packets, (unsigned long long)n.bytes,
			 (unsigned long long)packets, (unsigned long long)bytes);
}

static void test_slots_sum(void **state)
{
	struct fw_config cfg;
	struct fp_ruleset *rs = compile("drop proto icmp\ndrop src 198.18.0.0/24\n", &cfg);

	(void)state;
	assert_null(fp_ruleset_counters(rs, 0));
	assert_int_equal(fp_ruleset_add_counters(rs, 0), 0);
	assert_int_equal(fp_ruleset_add_counters(rs, 5), 0);
	assert_int_equal(fp_ruleset_add_counters(rs, 5), 0); /* idempotent */
	assert_int_not_equal(fp_ruleset_add_counters(rs, FW_MAX_QUEUES), 0);
	assert_true((uintptr_t)fp_ruleset_counters(rs, 0) % 64 == 0);
	assert_true((uintptr_t)fp_ruleset_counters(rs, 5) % 64 == 0);
	hit(rs, 0, 1, 3, 100);
	hit(rs, 5, 1, 2, 60);
	assert_count(rs, 0, 0, 0);
	assert_count(rs, 1, 5, 420);
	assert_count(rs, 9, 0, 0); /* past the end: zero */
	fp_ruleset_destroy(rs);
	ctl_config_fini(&cfg);
}

static void test_carry_by_text(void **state)
{
	struct fw_config a, b;
	struct fp_ruleset *old = compile("drop proto icmp\n"          /* 1 */
					 "drop src 198.18.0.0/24\n"   /* 2 */
					 "pass proto udp\n"           /* 3 */
					 "drop src 198.18.0.0/24\n",  /* 4: a copy of 2 */
					 &a);
	struct fp_ruleset *next = compile("# moved, one changed, one new\n"
					  "drop src 198.18.0.0/24\n"  /* 1: 2's counts */
					  "drop proto tcp\n"          /* 2: new */
					  "drop proto icmp\n"         /* 3: 1's counts */
					  "pass proto udp in inside\n" /* 4: changed: new */
					  "drop src 198.18.0.0/24\n", /* 5: 4's counts */
					  &b);

	(void)state;
	assert_int_equal(fp_ruleset_add_counters(old, 0), 0);
	assert_int_equal(fp_ruleset_add_counters(old, 1), 0);
	hit(old, 0, 0, 7, 10);
	hit(old, 1, 1, 5, 20);
	hit(old, 0, 2, 4, 30);
	hit(old, 1, 3, 2, 40);
	assert_int_equal(fp_ruleset_add_counters(next, 0), 0);
	assert_int_equal(fp_ruleset_carry_counts(old, next), 0);
	assert_count(next, 0, 5, 100);
	assert_count(next, 1, 0, 0);
	assert_count(next, 2, 7, 70);
	assert_count(next, 3, 0, 0);
	assert_count(next, 4, 2, 80);
	hit(next, 0, 2, 1, 5); /* counts on top of what was carried */
	assert_count(next, 2, 8, 75);
	fp_ruleset_destroy(old);
	fp_ruleset_destroy(next);
	ctl_config_fini(&a);
	ctl_config_fini(&b);
}

/* A block list of 3000 rules, the order reversed: only the two with
 * counts carry anything, each to its own rule wherever it moved. */
static void test_carry_a_reordered_block_list(void **state)
{
	struct fw_config a, b;
	char *fwd = malloc(3000 * 32), *rev = malloc(3000 * 32);
	size_t nf = 0, nr = 0;
	struct fp_ruleset *old, *next;

	(void)state;
	assert_non_null(fwd);
	assert_non_null(rev);
	for (int i = 0; i < 3000; i++) {
		nf += (size_t)sprintf(fwd + nf, "drop src 198.18.%d.%d\n", i / 256, i % 256);
		nr += (size_t)sprintf(rev + nr, "drop src 198.18.%d.%d\n", (2999 - i) / 256,
				      (2999 - i) % 256);
	}
	old = compile(fwd, &a);
	next = compile(rev, &b);
	assert_int_equal(fp_ruleset_add_counters(old, 0), 0);
	assert_int_equal(fp_ruleset_add_counters(next, 0), 0);
	hit(old, 0, 7, 3, 64);
	hit(old, 0, 2500, 1, 100);
	assert_int_equal(fp_ruleset_carry_counts(old, next), 0);
	assert_count(next, 2999 - 7, 3, 192);
	assert_count(next, 2999 - 2500, 1, 100);
	assert_count(next, 7, 0, 0);
	assert_count(next, 2500, 0, 0);
	assert_count(next, 0, 0, 0);
	fp_ruleset_destroy(old);
	fp_ruleset_destroy(next);
	ctl_config_fini(&a);
	ctl_config_fini(&b);
	free(fwd);
	free(rev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots_sum),
		cmocka_unit_test(test_carry_by_text),
		cmocka_unit_test(test_carry_a_reordered_block_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
