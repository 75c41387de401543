/* tests/unit/test_publish.c - rule snapshots published under QSBR readers.
 *
 * Reader threads, registered like workers, classify a packet against the
 * snapshot they dereference and check it is internally consistent (the
 * last rule of snapshot N is the only one that matches, so the deciding
 * rule is count - 1), going offline now and then as workers do around
 * poll(). Meanwhile the writer publishes hundreds of snapshots of other
 * sizes, each freeing the previous one after a grace period. A reader
 * that ever saw a freed snapshot trips ASan (the test command runs this
 * under it) or the consistency check.
 *
 * The overlap is made, not hoped for: before publish i the writer waits
 * until every reader has made at least i + 1 reads, so every reader runs
 * through every publication however the threads are scheduled. */
#define _LGPL_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <urcu/urcu-qsbr.h>
#include "classify.h"
#include "publish.h"

#define READERS 4
#define PUBLISHES 400

struct shared {
	struct fp_ruleset *slot;
	atomic_int stop;
};

struct reader {
	pthread_t thread;
	struct shared *sh;
	atomic_long reads;
	long inconsistent;
};

/* n rules: n - 1 that never match 198.18.0.1, then `drop src 198.18.0.0/24`. */
static struct fp_ruleset *make_snapshot(size_t n)
{
	static const struct fp_policy policy = { FP_PASS, FP_DROP, FP_PASS };
	struct fp_rule *rules = calloc(n, sizeof(*rules));
	struct fp_ruleset *rs = NULL;

	assert_non_null(rules);
	for (size_t i = 0; i < n; i++) {
		struct fp_rule *r = &rules[i];

		r->action = FP_DROP;
		r->family = FP_FAMILY_IPV4;
		r->match = FP_MATCH_SRC | FP_MATCH_FAMILY;
		r->src.family = FP_FAMILY_IPV4;
		r->src.len = 24;
		r->src.addr[0] = i + 1 < n ? 10 : 198;
		r->src.addr[1] = i + 1 < n ? (uint8_t)i : 18;
		r->src.addr[2] = i + 1 < n ? (uint8_t)(i >> 8) : 0;
	}
	assert_int_equal(fp_ruleset_create(rules, n, &policy, &rs), 0);
	free(rules);
	return rs;
}

static void check_once(struct reader *r, const struct fp_pkt *pkt)
{
	const struct fp_ruleset *rs;
	struct fp_decision d;

	urcu_qsbr_read_lock();
	rs = rcu_dereference(r->sh->slot);
	fp_classify(rs, pkt, FP_PORT_OUTSIDE, &d);
	if (d.reason != FP_BY_RULE || d.rule != fp_ruleset_count(rs) - 1 || d.verdict != FP_DROP)
		r->inconsistent++;
	urcu_qsbr_read_unlock();
	atomic_fetch_add(&r->reads, 1);
}

static void *reader_main(void *arg)
{
	struct fp_pkt pkt = { .cls = FP_PKT_IPV4, .proto = 17, .src = { 198, 18, 0, 1 },
			      .dst = { 198, 18, 0, 2 } };
	struct reader *r = arg;

	urcu_qsbr_register_thread();
	while (!atomic_load(&r->sh->stop)) {
		long reads;

		check_once(r, &pkt);
		reads = atomic_load(&r->reads);
		if (reads % 64 == 0)
			urcu_qsbr_quiescent_state();
		if (reads % 1024 == 0) { /* like a worker around poll() */
			urcu_qsbr_thread_offline();
			urcu_qsbr_thread_online();
		}
	}
	urcu_qsbr_unregister_thread();
	return NULL;
}

/* Returns once every reader has made at least `reads` reads. */
static void wait_for_reads(struct reader *readers, long reads)
{
	for (int i = 0; i < READERS; i++)
		while (atomic_load(&readers[i].reads) < reads)
			sched_yield();
}

static void publish_under_readers(void **state)
{
	struct shared sh = { .slot = make_snapshot(1) };
	struct reader readers[READERS];

	(void)state;
	for (int i = 0; i < READERS; i++) {
		readers[i] = (struct reader){ .sh = &sh };
		atomic_init(&readers[i].reads, 0);
		assert_int_equal(pthread_create(&readers[i].thread, NULL, reader_main, &readers[i]), 0);
	}
	for (int i = 0; i < PUBLISHES; i++) {
		wait_for_reads(readers, i + 1);
		fp_rules_publish(&sh.slot, make_snapshot(1 + (size_t)(i * 37) % 300));
	}
	atomic_store(&sh.stop, 1);
	for (int i = 0; i < READERS; i++) {
		assert_int_equal(pthread_join(readers[i].thread, NULL), 0);
		assert_true(atomic_load(&readers[i].reads) >= PUBLISHES);
		assert_int_equal(readers[i].inconsistent, 0);
	}
	assert_int_equal(fp_ruleset_count(sh.slot), 1 + ((PUBLISHES - 1) * 37) % 300);
	fp_ruleset_destroy(sh.slot);
}

/* With no reader registered, a publish frees the old snapshot at once. */
static void publish_without_readers(void **state)
{
	struct fp_ruleset *slot = make_snapshot(3);

	(void)state;
	fp_rules_publish(&slot, make_snapshot(5));
	assert_int_equal(fp_ruleset_count(slot), 5);
	fp_rules_publish(&slot, NULL);
	assert_null(slot);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(publish_under_readers),
		cmocka_unit_test(publish_without_readers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
