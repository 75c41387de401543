/* tests/unit/test_alloc_fail.c - configuration parsing, snapshot
 * compilation and reload with each of their allocations failing in turn.
 *
 * Each case first runs clean and counts its allocation calls, N. Then,
 * for n = 1, 2, ..., it runs again with the n-th call failing
 * (failalloc.h) and checks what a failure must leave behind: -ENOMEM (and
 * a message, where the API has one), no block more live than before, and
 * for a reload the running snapshot still in its RCU slot, deciding the
 * probe packet as before. The loop must end at exactly n = N + 1, the
 * first run its failure does not reach, so every allocation of the clean
 * run has been failed once. One failure is absorbed by design: a realloc
 * that only gives back slack (fp_lpm_shrink) keeps the larger block; that
 * run must succeed with a snapshot that decides like the clean one.
 *
 * The configuration is built to reach every allocation site: every key,
 * a file include and a glob include, more than 128 rules (the rules
 * array grows twice), more than 64 lpm tables, IPv4 and IPv6 intervals
 * and index entries (each lpm pool grows), and more than 64 source
 * prefix lengths among src+dst rules (the blens array grows). Under ASan
 * LeakSanitizer also looks for leaks after each case.
 *
 * Just over 500 lines: the wrapper-driven loop and its three cases are one
 * test; the wrapper itself is failalloc.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "classify.h"
#include "config.h"
#include "load.h"
#include "failalloc.h"
#include "parse.h"
#include "pktbuild.h"
#include "publish.h"
#include "ruleset.h"
#include "ruleset_impl.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FW_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FW_ASAN 1
#endif
#ifdef FW_ASAN
#include <sanitizer/lsan_interface.h>
#endif

#define DATA FW_TEST_DATA "/config"
#define TEXT_MAX 16384

/* What the daemon holds: the configuration in force and the RCU slot the
 * workers read (struct fp_engine's `rules`). */
struct running {
	struct fw_config cfg;
	struct fp_ruleset *slot;
};

/* Built once by the group setup, before any failure is armed. */
static struct {
	char text[TEXT_MAX];   /* the new configuration: `pass` first */
	size_t len;
	char text_a[TEXT_MAX]; /* the running one: `drop` first */
	size_t len_a;
	char path[256];        /* `text` as a file, for the reload */
	struct fw_config cfg;  /* `text` parsed */
	struct fp_ruleset *ref; /* cfg compiled */
	struct fp_pkt probe;   /* decided by rule 0 of either */
	struct running run;
} T;

/* Which run a failed check belongs to. */
static char where[128];

#define expect_eq(got, want) do {					\
	long long got_ = (long long)(got), want_ = (long long)(want);	\
									\
	if (got_ != want_)						\
		fail_msg("%s: %s is %lld, expected %lld", where, #got,	\
			 got_, want_);					\
} while (0)

#define expect_true(cond) do {						\
	if (!(cond))							\
		fail_msg("%s: %s is false", where, #cond);		\
} while (0)

/* ---- the configuration ------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static void cat(char *buf, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *off, TEXT_MAX - *off, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < TEXT_MAX - *off);
	*off += (size_t)n;
}

static const char conf_head[] =
	"# every key once (each remembers where it was given)\n"
	"port outside eth1\n"
	"port inside eth2\n"
	"queues 0-3,6\n"
	"policy drop\n"
	"on-miss pass\n"
	"policy-malformed pass\n"
	"policy-non-ip drop\n"
	"xdp-mode native\n"
	"bind-mode copy\n"
	"cpus 2,4-5\n"
	"idle-spin-us 50\n"
	"busy-poll on\n"
	"busy-poll-budget 16\n";

static const char conf_rules[] =
	"include " DATA "/inc/sub/one.rules\n"
	"include " DATA "/inc/d/*.rules\n"
	"pass src 198.18.200.7\n"
	"drop src 198.18.200.0/24 dst 203.0.113.0/24\n"
	"drop icmp type echo-request\n"
	"drop icmp type destination-unreachable code 4 in outside\n"
	"drop icmp6 type nd-redirect code 0\n"
	"drop icmp6 in inside\n"
	"drop dst 2001:db8:bad::/48 proto udp in outside\n"
	"drop src 2001:db8::/32 dst 2001:db8:1::/48 proto icmp6\n"
	"pass proto tcp in inside\n"
	"drop proto 47\n"
	"drop src 0.0.0.0/0 proto 50\n";

/* `first` decides the probe (rule 0); the rest is the same in both. */
static size_t conf_text(char *buf, const char *first)
{
	size_t off = 0;
	unsigned i;

	cat(buf, &off, "%s%s src 198.18.0.0/24\n%s", conf_head, first, conf_rules);
	for (i = 0; i < 40; i++)         /* one IPv4 table of 81 intervals */
		cat(buf, &off, "drop src 10.%u.0.0/16\n", i);
	for (i = 1; i <= 32; i++)        /* 32 source lengths, 32 tables */
		cat(buf, &off, "drop src 128.0.0.0/%u dst 198.51.100.0/24 proto tcp\n", i);
	for (i = 1; i <= 48; i++)        /* 48 more, in IPv6 */
		cat(buf, &off, "drop src 8000::/%u dst 2001:db8:%x::/48 in inside\n", i, i);
	return off;
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	const struct pb_frame f = { .family = 4, .proto = FP_PROTO_UDP,
				    .src = { 198, 18, 0, 1 }, .dst = { 198, 18, 0, 2 } };
	const char *tmp = getenv("TMPDIR");
	uint8_t frame[128];
	char err[CTL_ERR_LEN];
	size_t flen;
	int fd;

	(void)state;
	T.len = conf_text(T.text, "pass");
	T.len_a = conf_text(T.text_a, "drop");
	snprintf(T.path, sizeof(T.path), "%s/xskwall-allocfail-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(T.path);
	assert_true(fd >= 0);
	close(fd);
	write_file(T.path, T.text, T.len);
	assert_int_equal(ctl_config_parse_buf(T.text, T.len, DATA "/allocfail.conf",
					      &T.cfg, err, sizeof(err)), 0);
	assert_int_equal(fp_ruleset_create(T.cfg.rules, T.cfg.nrules, &T.cfg.policy,
					   &T.ref), 0);
	flen = pb_build(frame, sizeof(frame), &f, NULL);
	assert_true(flen > 0);
	assert_int_equal(fp_parse(frame, (uint32_t)flen, &T.probe), FP_PKT_IPV4);
	ctl_config_init(&T.run.cfg);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(T.path);
	fp_ruleset_destroy(T.ref);
	ctl_config_fini(&T.cfg);
	return 0;
}

/* ---- the loop ---------------------------------------------------------- */

/* One run with allocation n failing (0: none); checks the outcome and
 * returns 1 when it succeeded although its failure was hit (absorbed). */
typedef int (*run_fn)(unsigned long n);

static void expect_no_leak_report(void)
{
#ifdef FW_ASAN
	expect_eq(__lsan_do_recoverable_leak_check(), 0);
#endif
}

/* fn clean, then with each of its allocations failing in turn. The
 * floors keep a configuration that shrank from passing vacuously. */
static void every_failure(const char *what, run_fn fn, unsigned long min_calls,
			  size_t min_sites)
{
	unsigned long total, n, absorbed = 0;
	size_t sites;

	snprintf(where, sizeof(where), "%s, clean run", what);
	fn(0);
	total = fa_calls();
	sites = fa_sites();
	if (total < min_calls || sites < min_sites)
		fail_msg("%s: %lu allocations from %zu call sites, expected at least %lu from %zu",
			 what, total, sites, min_calls, min_sites);
	for (n = 1;; n++) {
		snprintf(where, sizeof(where), "%s, allocation %lu of %lu failing",
			 what, n, total);
		absorbed += (unsigned long)fn(n);
		if (!fa_hit())
			break;
		if (n > total)
			fail_msg("%s: allocation %lu was failed, but the clean run made only %lu",
				 what, n, total);
	}
	if (n != total + 1)
		fail_msg("%s: allocation %lu was never made, but the clean run made %lu",
			 what, n, total);
	snprintf(where, sizeof(where), "%s, after all runs", what);
	expect_no_leak_report();
	print_message("%s: %lu allocations from %zu call sites, each failed in turn "
		      "(%lu shrinks absorbed)\n", what, total, sites, absorbed);
}

/* ---- checks ------------------------------------------------------------ */

/* A run returned rc != 0: only because its allocation failed, and as
 * -ENOMEM (not, say, as a syntax error). msg: what it said, or NULL. */
static void expect_failed(int rc, const char *msg)
{
	if (!fa_hit())
		fail_msg("%s: returned %d although no allocation failed: %s", where,
			 rc, msg ? msg : "");
	expect_eq(rc, -ENOMEM);
}

/* A run returned 0: its allocation was not reached, or was a shrinking
 * realloc, which the build absorbs. */
static void expect_succeeded(void)
{
	if (fa_hit() && !fa_hit_shrink())
		fail_msg("%s: returned 0 although the allocation failed", where);
}

/* The state every failed parse must leave behind. */
static void expect_cfg_empty(const struct fw_config *c)
{
	struct fw_config e;

	ctl_config_init(&e);
	expect_eq(c->nrules, 0);
	expect_true(c->rules == NULL);
	expect_true(memcmp(c, &e, sizeof(e)) == 0);
}

/* A packet with rule r's family, protocol, ICMP type and code, and the
 * first address of each of its prefixes. */
static struct fp_pkt probe_for(const struct fp_rule *r)
{
	struct fp_pkt p;

	memset(&p, 0, sizeof(p));
	p.cls = (r->match & FP_MATCH_FAMILY) && r->family == FP_FAMILY_IPV6 ?
		FP_PKT_IPV6 : FP_PKT_IPV4;
	p.ethertype = p.cls == FP_PKT_IPV6 ? PB_ETH_P_IPV6 : PB_ETH_P_IPV4;
	p.proto = (r->match & FP_MATCH_PROTO) ? r->proto : FP_PROTO_UDP;
	p.has_icmp = p.proto == FP_PROTO_ICMP || p.proto == FP_PROTO_ICMPV6;
	p.icmp_type = r->icmp_type;
	p.icmp_code = r->icmp_code;
	memcpy(p.src, r->src.addr, sizeof(p.src));
	memcpy(p.dst, r->dst.addr, sizeof(p.dst));
	return p;
}

/* rs decides like T.ref: one probe per rule, on both ports. */
static void expect_same_decisions(const struct fp_ruleset *rs)
{
	struct fp_decision got, want;
	struct fp_pkt p;
	unsigned port;
	size_t i;

	expect_eq(fp_ruleset_count(rs), fp_ruleset_count(T.ref));
	for (i = 0; i < T.cfg.nrules; i++) {
		p = probe_for(&T.cfg.rules[i]);
		for (port = 0; port < FP_NPORTS; port++) {
			fp_classify(rs, &p, port, &got);
			fp_classify(T.ref, &p, port, &want);
			expect_eq(got.verdict, want.verdict);
			expect_eq(got.reason, want.reason);
			expect_eq(got.rule, want.rule);
		}
	}
}

/* The probe is decided by rule 0 with `verdict`. */
static void expect_probe(const struct fp_ruleset *rs, uint8_t verdict)
{
	struct fp_decision d;

	fp_classify(rs, &T.probe, FP_PORT_OUTSIDE, &d);
	expect_eq(d.reason, FP_BY_RULE);
	expect_eq(d.rule, 0);
	expect_eq(d.verdict, verdict);
}

/* The clean snapshot reaches every growth path of ruleset.c and lpm.c:
 * each pool and the blens array outgrow their first 64 entries. */
static void expect_pools_grew(const struct fp_ruleset *rs)
{
	size_t i, nblen = 0;

	for (i = 0; i < (size_t)1 << rs->sig_bits; i++)
		if (rs->sigs[i].key != FP_SIG_EMPTY)
			nblen += rs->sigs[i].nblen;
	assert_true(T.cfg.nrules > 128);
	assert_true(nblen > 64);
	assert_non_null(rs->bkeys);
	assert_true(rs->lpm.ntab > 64);
	assert_true(rs->lpm.nseg4 > 64);
	assert_true(rs->lpm.nseg6 > 64);
	assert_true(rs->lpm.nix > 64);
}

/* ---- 1: parsing -------------------------------------------------------- */

static int run_parse(unsigned long n)
{
	char err[CTL_ERR_LEN] = "";
	size_t live = fa_live();
	struct fw_config c;
	int rc;

	memset(&c, 0xaa, sizeof(c));
	fa_arm(n);
	rc = ctl_config_parse_buf(T.text, T.len, DATA "/allocfail.conf", &c, err,
				  sizeof(err));
	fa_stop();
	if (rc == 0) {
		expect_succeeded();
		expect_eq(c.nrules, T.cfg.nrules);
		ctl_config_fini(&c);
	} else {
		expect_failed(rc, err);
		if (!strstr(err, "out of memory"))
			fail_msg("%s: message '%s' does not say out of memory", where, err);
		expect_cfg_empty(&c);
	}
	expect_eq(fa_live(), live);
	return 0;
}

/* 24 allocations: the buffer's copy, 13 keys' first-seen records, 3 rules
 * array sizes, 2 include paths, 4 included files, 1 glob; from 6 call
 * sites in control/config_*.c. */
static void test_parse(void **state)
{
	(void)state;
	every_failure("parse", run_parse, 20, 6);
}

/* ---- 2: compilation ---------------------------------------------------- */

static int run_compile(unsigned long n)
{
	static char untouched;
	struct fp_ruleset *rs = (struct fp_ruleset *)&untouched;
	size_t live = fa_live();
	int rc;

	fa_arm(n);
	rc = fp_ruleset_create(T.cfg.rules, T.cfg.nrules, &T.cfg.policy, &rs);
	fa_stop();
	if (rc) {
		expect_failed(rc, NULL);
		expect_true(rs == (struct fp_ruleset *)&untouched);
		expect_eq(fa_live(), live);
		return 0;
	}
	expect_succeeded();
	expect_same_decisions(rs);
	fp_ruleset_destroy(rs);
	expect_eq(fa_live(), live);
	return fa_hit();
}

/* 34 allocations from ruleset.c, portix.c, sigcand.c, lpm.c and
 * bigmem.c (where the compile's arrays come from: one call site for all
 * of them); more sites where the compiler inlined. */
static void test_compile(void **state)
{
	(void)state;
	expect_pools_grew(T.ref);
	every_failure("compile", run_compile, 34, 8);
}

/* ---- 3: reload --------------------------------------------------------- */

/* A reload as control/daemon.c does it, less the engine and the logging:
 * the daemon's own ctl_load (parse, check, compile: load.c), then, only
 * when all of that succeeded and the ports are the same, publish the
 * snapshot (RCU, as fp_engine_publish_rules) and take the configuration.
 * On failure nothing in *run changes. */
static int reload(struct running *run, const char *path, char *err)
{
	struct ctl_loaded next;
	int r;

	r = ctl_load(path, NULL, &next, err, CTL_ERR_LEN);
	if (!r && !ctl_config_same_ports(&run->cfg, &next.cfg)) {
		snprintf(err, CTL_ERR_LEN, "%s: needs a restart", path);
		ctl_loaded_fini(&next);
		r = -EINVAL;
	}
	if (r)
		return r;
	fp_rules_publish(&run->slot, next.rules);
	ctl_config_fini(&run->cfg);
	run->cfg = next.cfg;
	return 0;
}

/* Put the `drop`-first configuration in force, as start-up would. */
static void run_start(struct running *run)
{
	struct fp_ruleset *rs = NULL;
	char err[CTL_ERR_LEN];
	struct fw_config c;

	assert_int_equal(ctl_config_parse_buf(T.text_a, T.len_a, DATA "/allocfail.conf",
					      &c, err, sizeof(err)), 0);
	assert_int_equal(fp_ruleset_create(c.rules, c.nrules, &c.policy, &rs), 0);
	fp_rules_publish(&run->slot, rs);
	ctl_config_fini(&run->cfg);
	run->cfg = c;
}

static int run_reload(unsigned long n)
{
	struct running *run = &T.run;
	const struct fp_ruleset *old = run->slot;
	const struct fp_rule *old_rules = run->cfg.rules;
	size_t live = fa_live(), old_n = run->cfg.nrules;
	char err[CTL_ERR_LEN] = "";
	int rc, absorbed;

	fa_arm(n);
	rc = reload(run, T.path, err);
	fa_stop();
	if (rc) {
		expect_failed(rc, err);
		expect_true(err[0] != '\0');
		expect_true(run->slot == old);
		expect_true(run->cfg.rules == old_rules);
		expect_eq(run->cfg.nrules, old_n);
		expect_probe(run->slot, FP_DROP);
		expect_eq(fa_live(), live);
		return 0;
	}
	absorbed = fa_hit();
	expect_succeeded();
	expect_eq(run->cfg.nrules, T.cfg.nrules);
	expect_probe(run->slot, FP_PASS);
	expect_same_decisions(run->slot);
	run_start(run);                 /* the old rules again, for the next run */
	expect_eq(fa_live(), live);
	return absorbed;
}

/* Loading the file (parsing less the buffer copy) and compiling: 67
 * allocations from 16 call sites (bigmem.c is one). */
static void test_reload(void **state)
{
	(void)state;
	run_start(&T.run);
	expect_probe(T.run.slot, FP_DROP);
	every_failure("reload", run_reload, 60, 14);
	fp_rules_publish(&T.run.slot, NULL);
	ctl_config_fini(&T.run.cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_compile),
		cmocka_unit_test(test_reload),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
