/* tests/unit/test_classify.c - fp_ruleset_create() and fp_classify().
 *
 * Packets are mostly struct fp_pkt built by hand, so each test pins one
 * match field; the fragment tests go through fp_parse() on frames from
 * pktbuild.h. Prefix tests probe the first and last address of each
 * prefix and the addresses just outside it.
 *
 * Long on purpose: one short test per match field and rule shape.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "classify.h"
#include "parse.h"
#include "pktbuild.h"
#include "ruleset.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct fp_policy pol_pass = { FP_PASS, FP_DROP, FP_PASS };
static const struct fp_policy pol_drop = { FP_DROP, FP_DROP, FP_PASS };

static struct fp_pkt mkpkt(int family, uint8_t proto)
{
	struct fp_pkt p;

	memset(&p, 0, sizeof(p));
	p.cls = family == 4 ? FP_PKT_IPV4 : FP_PKT_IPV6;
	p.ethertype = family == 4 ? PB_ETH_P_IPV4 : PB_ETH_P_IPV6;
	p.proto = proto;
	return p;
}

static struct fp_pkt mkicmp(int family, uint8_t type, uint8_t code)
{
	struct fp_pkt p = mkpkt(family, family == 4 ? 1 : 58);

	p.has_icmp = 1;
	p.icmp_type = type;
	p.icmp_code = code;
	return p;
}

static struct fp_prefix pfx(int family, const uint8_t *addr, uint8_t len)
{
	struct fp_prefix p;

	memset(&p, 0, sizeof(p));
	p.family = (uint8_t)family;
	p.len = len;
	memcpy(p.addr, addr, family == 4 ? 4 : 16);
	return p;
}

static struct fp_ruleset *mkrs(const struct fp_rule *rules, size_t n,
			       const struct fp_policy *pol)
{
	struct fp_ruleset *rs = NULL;

	assert_int_equal(fp_ruleset_create(rules, n, pol, &rs), 0);
	assert_non_null(rs);
	return rs;
}

static struct fp_decision decide(const struct fp_ruleset *rs,
				 const struct fp_pkt *p, unsigned port)
{
	struct fp_decision d;

	memset(&d, 0xee, sizeof(d));
	fp_classify(rs, p, port, &d);
	return d;
}

static void assert_rule(const struct fp_decision *d, uint32_t rule,
			uint8_t verdict)
{
	assert_int_equal(d->reason, FP_BY_RULE);
	assert_int_equal(d->rule, rule);
	assert_int_equal(d->verdict, verdict);
}

static void assert_policy(const struct fp_decision *d, uint8_t verdict)
{
	assert_int_equal(d->reason, FP_BY_POLICY);
	assert_int_equal(d->rule, FP_NO_RULE);
	assert_int_equal(d->verdict, verdict);
}

/* Does a single-rule ruleset with `r` (action drop) match p? */
static int matches(const struct fp_rule *r, const struct fp_pkt *p,
		   unsigned port)
{
	struct fp_ruleset *rs = mkrs(r, 1, &pol_pass);
	struct fp_decision d = decide(rs, p, port);

	fp_ruleset_destroy(rs);
	if (d.reason == FP_BY_RULE) {
		assert_int_equal(d.rule, 0);
		assert_int_equal(d.verdict, FP_DROP);
		return 1;
	}
	assert_policy(&d, FP_PASS);
	return 0;
}

static void test_first_match_wins(void **state)
{
	const struct fp_rule rules[] = {
		{ .action = FP_DROP, .match = FP_MATCH_PROTO, .proto = 17 },
		{ .action = FP_PASS, .match = FP_MATCH_PROTO, .proto = 17 },
		{ .action = FP_PASS, .match = FP_MATCH_PROTO, .proto = 6 },
		{ .action = FP_DROP, .match = 0 },
	};
	struct fp_ruleset *rs = mkrs(rules, NELEM(rules), &pol_pass);
	struct fp_pkt p;
	struct fp_decision d;

	(void)state;
	p = mkpkt(4, 17);
	d = decide(rs, &p, 0);
	assert_rule(&d, 0, FP_DROP);
	p = mkpkt(6, 6);
	d = decide(rs, &p, 0);
	assert_rule(&d, 2, FP_PASS);
	p = mkpkt(6, 47);
	d = decide(rs, &p, 1);
	assert_rule(&d, 3, FP_DROP);
	fp_ruleset_destroy(rs);
}

static void test_earlier_pass_overrides_later_drop(void **state)
{
	static const uint8_t host[4] = { 203, 0, 113, 7 };
	static const uint8_t net[4] = { 203, 0, 113, 0 };
	struct fp_rule rules[2] = {
		{ .action = FP_PASS, .match = FP_MATCH_SRC },
		{ .action = FP_DROP, .match = FP_MATCH_SRC },
	};
	struct fp_ruleset *rs;
	struct fp_pkt p = mkpkt(4, 17);
	struct fp_decision d;

	(void)state;
	rules[0].src = pfx(4, host, 32);
	rules[1].src = pfx(4, net, 24);
	rs = mkrs(rules, 2, &pol_pass);
	memcpy(p.src, host, 4);
	d = decide(rs, &p, 0);
	assert_rule(&d, 0, FP_PASS);
	p.src[3] = 8;
	d = decide(rs, &p, 0);
	assert_rule(&d, 1, FP_DROP);
	p.src[2] = 114;
	d = decide(rs, &p, 0);
	assert_policy(&d, FP_PASS);
	fp_ruleset_destroy(rs);
}

static void test_policy_when_none_match(void **state)
{
	const struct fp_rule r = { .action = FP_DROP, .match = FP_MATCH_PROTO,
				   .proto = 6 };
	struct fp_pkt p = mkpkt(4, 17);
	struct fp_ruleset *rs;
	struct fp_decision d;

	(void)state;
	rs = mkrs(&r, 1, &pol_pass);
	d = decide(rs, &p, 0);
	assert_policy(&d, FP_PASS);
	fp_ruleset_destroy(rs);

	rs = mkrs(&r, 1, &pol_drop);
	d = decide(rs, &p, 0);
	assert_policy(&d, FP_DROP);
	fp_ruleset_destroy(rs);

	rs = mkrs(NULL, 0, &pol_drop);
	assert_int_equal(fp_ruleset_count(rs), 0);
	p = mkpkt(6, 58);
	d = decide(rs, &p, 1);
	assert_policy(&d, FP_DROP);
	fp_ruleset_destroy(rs);
}

static void check_special(const struct fp_policy *pol)
{
	const struct fp_rule all = { .action = !pol->non_ip, .match = 0 };
	struct fp_ruleset *rs = mkrs(&all, 1, pol);
	struct fp_pkt p;
	struct fp_decision d;

	memset(&p, 0, sizeof(p));
	p.cls = FP_PKT_MALFORMED;
	p.bad = FP_BAD_IPV4_LEN;
	d = decide(rs, &p, 0);
	assert_int_equal(d.reason, FP_BY_MALFORMED);
	assert_int_equal(d.rule, FP_NO_RULE);
	assert_int_equal(d.verdict, pol->malformed);
	p.cls = 7; /* out of range: treated as malformed */
	d = decide(rs, &p, 0);
	assert_int_equal(d.reason, FP_BY_MALFORMED);
	memset(&p, 0, sizeof(p));
	p.cls = FP_PKT_NON_IP;
	p.ethertype = PB_ETH_P_ARP;
	d = decide(rs, &p, 1);
	assert_int_equal(d.reason, FP_BY_NON_IP);
	assert_int_equal(d.rule, FP_NO_RULE);
	assert_int_equal(d.verdict, pol->non_ip);
	fp_ruleset_destroy(rs);
}

/* A catch-all rule is present and must not catch these. */
static void test_malformed_and_non_ip_policies(void **state)
{
	struct fp_policy pol;
	unsigned i;

	(void)state;
	for (i = 0; i < 8; i++) { /* every combination of the three */
		pol.deflt = i & 1;
		pol.malformed = (i >> 1) & 1;
		pol.non_ip = (i >> 2) & 1;
		check_special(&pol);
	}
}

static void test_no_match_bits_matches_all_ip(void **state)
{
	const struct fp_rule r = { .action = FP_DROP };
	struct fp_pkt p4 = mkicmp(4, 8, 0), p6 = mkpkt(6, 59);

	(void)state;
	assert_true(matches(&r, &p4, 0));
	assert_true(matches(&r, &p6, 1));
	assert_true(matches(&r, &p6, 99));
}

/* n-byte big-endian address arithmetic; returns the carry/borrow. */
static int addr_step(uint8_t *a, unsigned n, int delta)
{
	int i;

	for (i = (int)n - 1; i >= 0; i--) {
		a[i] = (uint8_t)(a[i] + delta);
		if (a[i] != (delta > 0 ? 0x00 : 0xff))
			return 0;
	}
	return 1;
}

/* first/last address of prefix base/len */
static void prefix_range(const uint8_t *base, unsigned n, unsigned len,
			 uint8_t *first, uint8_t *last)
{
	unsigned i, bits;

	for (i = 0; i < n; i++) {
		bits = len >= 8 * (i + 1) ? 8 : len > 8 * i ? len - 8 * i : 0;
		first[i] = base[i] & (uint8_t)(0xff00u >> bits);
		last[i] = first[i] | (uint8_t)~(0xff00u >> bits);
	}
}

/* One probe: does a SRC (or DST) rule for base/len match `addr`? */
static int probe(int family, const uint8_t *base, unsigned len,
		 const uint8_t *addr, int dst)
{
	static const uint8_t other[16] = { 0x7f, 0x7f, 0x7f, 0x7f,
					   0x7f, 0x7f, 0x7f, 0x7f };
	struct fp_rule r = { .action = FP_DROP };
	struct fp_pkt p = mkpkt(family, 17);
	unsigned n = family == 4 ? 4 : 16;

	r.match = dst ? FP_MATCH_DST : FP_MATCH_SRC;
	if (dst)
		r.dst = pfx(family, base, (uint8_t)len);
	else
		r.src = pfx(family, base, (uint8_t)len);
	memcpy(dst ? p.dst : p.src, addr, n);
	memcpy(dst ? p.src : p.dst, other, n);
	return matches(&r, &p, 0);
}

static void check_prefix(int family, const uint8_t *base, unsigned len)
{
	unsigned n = family == 4 ? 4 : 16;
	uint8_t first[16] = { 0 }, last[16] = { 0 }, x[16];
	int dst;

	prefix_range(base, n, len, first, last);
	for (dst = 0; dst <= 1; dst++) {
		assert_true(probe(family, base, len, first, dst));
		assert_true(probe(family, base, len, last, dst));
		memcpy(x, first, n);
		if (!addr_step(x, n, -1))
			assert_false(probe(family, base, len, x, dst));
		memcpy(x, last, n);
		if (!addr_step(x, n, +1))
			assert_false(probe(family, base, len, x, dst));
	}
}

static void test_prefix_ipv4(void **state)
{
	static const uint8_t base[4] = { 192, 0, 2, 77 }; /* host bits set */
	static const unsigned lens[] = { 0, 1, 7, 8, 9, 23, 24, 25, 31, 32 };
	static const uint8_t ten[4] = { 10, 0, 0, 0 };
	static const uint8_t nine[4] = { 9, 255, 255, 255 };
	static const uint8_t eleven[4] = { 11, 0, 0, 0 };
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(lens); i++)
		check_prefix(4, base, lens[i]);
	/* explicit /8 boundaries, independent of the helpers */
	assert_true(probe(4, ten, 8, ten, 0));
	assert_false(probe(4, ten, 8, nine, 0));
	assert_false(probe(4, ten, 8, eleven, 1));
	/* src rule does not look at dst */
	assert_false(probe(4, base, 32, nine, 0));
}

static void test_prefix_ipv6(void **state)
{
	static const uint8_t base[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xba, 0xd1,
					  0x23, 0x45, 0x67, 0x89, 0xab, 0xcd,
					  0xef, 0x01, 0x23, 0x45 };
	static const unsigned lens[] = { 0, 1, 8, 24, 32, 48, 63, 64, 65,
					 96, 120, 127, 128 };
	uint8_t in[16], out[16];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(lens); i++)
		check_prefix(6, base, lens[i]);
	/* 2001:db8:bad1:2345::/64: ::ffff... in, next /64 out */
	memcpy(in, base, 8);
	memset(in + 8, 0xff, 8);
	memcpy(out, in, 16);
	addr_step(out, 16, +1);
	assert_true(probe(6, base, 64, in, 0));
	assert_false(probe(6, base, 64, out, 0));
	assert_true(probe(6, base, 64, in, 1));
	assert_false(probe(6, base, 64, out, 1));
}

static void test_family_separation(void **state)
{
	static const uint8_t zero[16];
	static const uint8_t ten[4] = { 10, 0, 0, 0 };
	static const uint8_t ten6[16] = { 10, 0, 0, 0 }; /* 0a00::, not v4 */
	struct fp_rule r = { .action = FP_DROP, .match = FP_MATCH_SRC };
	struct fp_pkt p4 = mkpkt(4, 17), p6 = mkpkt(6, 17);

	(void)state;
	r.src = pfx(4, zero, 0); /* 0.0.0.0/0: every IPv4, no IPv6 */
	assert_true(matches(&r, &p4, 0));
	assert_false(matches(&r, &p6, 0));
	r.src = pfx(6, zero, 0); /* ::/0 */
	assert_false(matches(&r, &p4, 0));
	assert_true(matches(&r, &p6, 0));
	r.src = pfx(4, ten, 8);
	memcpy(p6.src, ten6, 16);
	assert_false(matches(&r, &p6, 0));
	r.match = FP_MATCH_DST;
	r.dst = pfx(4, zero, 32); /* 0.0.0.0/32 vs :: */
	assert_false(matches(&r, &p6, 0));
	assert_true(matches(&r, &p4, 0));
	r.match = FP_MATCH_FAMILY;
	r.family = FP_FAMILY_IPV4;
	assert_true(matches(&r, &p4, 0));
	assert_false(matches(&r, &p6, 0));
	r.family = FP_FAMILY_IPV6;
	assert_false(matches(&r, &p4, 0));
	assert_true(matches(&r, &p6, 0));
}

static void test_proto(void **state)
{
	const struct fp_rule r = { .action = FP_DROP, .match = FP_MATCH_PROTO,
				   .proto = 17 };
	struct fp_pkt p;

	(void)state;
	p = mkpkt(4, 17);
	assert_true(matches(&r, &p, 0));
	p = mkpkt(6, 17);
	assert_true(matches(&r, &p, 0));
	p = mkpkt(4, 6);
	assert_false(matches(&r, &p, 0));
	p = mkpkt(6, 16);
	assert_false(matches(&r, &p, 0));
}

static void test_icmp_type_code(void **state)
{
	struct fp_rule t = { .action = FP_DROP,
			     .match = FP_MATCH_PROTO | FP_MATCH_ICMP_TYPE,
			     .proto = 1, .icmp_type = 8 };
	struct fp_rule tc = { .action = FP_DROP, .proto = 1,
			      .match = FP_MATCH_PROTO | FP_MATCH_ICMP_TYPE |
				       FP_MATCH_ICMP_CODE,
			      .icmp_type = 3, .icmp_code = 4 };
	struct fp_pkt p;

	(void)state;
	p = mkicmp(4, 8, 0);
	assert_true(matches(&t, &p, 0));
	p = mkicmp(4, 8, 9); /* any code */
	assert_true(matches(&t, &p, 0));
	p = mkicmp(4, 0, 0);
	assert_false(matches(&t, &p, 0));
	p = mkicmp(4, 8, 0);
	p.has_icmp = 0; /* type not known */
	assert_false(matches(&t, &p, 0));
	p = mkicmp(6, 8, 0); /* ICMPv6 type 8 is not ICMP type 8 */
	assert_false(matches(&t, &p, 0));
	p = mkicmp(4, 3, 4);
	assert_true(matches(&tc, &p, 0));
	p = mkicmp(4, 3, 3);
	assert_false(matches(&tc, &p, 0));
	p = mkicmp(4, 4, 4);
	assert_false(matches(&tc, &p, 0));
	t.proto = 58;
	t.icmp_type = 128;
	p = mkicmp(6, 128, 0);
	assert_true(matches(&t, &p, 0));
	p = mkicmp(6, 129, 0);
	assert_false(matches(&t, &p, 0));
	p = mkicmp(4, 128, 0);
	assert_false(matches(&t, &p, 0));
}

static struct fp_pkt parse_frame(const struct pb_frame *f)
{
	uint8_t frame[512];
	struct fp_pkt p;
	size_t len = pb_build(frame, sizeof(frame), f, NULL);

	assert_true(len > 0);
	fp_parse(frame, (uint32_t)len, &p);
	return p;
}

/* ICMP type/code only come from the first fragment. */
static void test_icmp_type_on_later_fragment(void **state)
{
	const struct fp_rule icmp4 = {
		.action = FP_DROP, .proto = 1, .icmp_type = 8,
		.match = FP_MATCH_PROTO | FP_MATCH_ICMP_TYPE };
	const struct fp_rule icmp6 = {
		.action = FP_DROP, .proto = 58, .icmp_type = 128,
		.match = FP_MATCH_PROTO | FP_MATCH_ICMP_TYPE };
	const struct fp_rule proto1 = { .action = FP_DROP, .proto = 1,
					.match = FP_MATCH_PROTO };
	struct pb_frame f4 = { .family = 4, .proto = 1, .icmp_type = 8 };
	struct pb_frame f6 = { .family = 6, .proto = 58, .icmp_type = 128,
			       .next = 1, .ext = { PB_NH_FRAGMENT },
			       .frag_more = 1 };
	struct fp_pkt p;

	(void)state;
	f4.ip4_frag = PB_IPV4_MF;
	p = parse_frame(&f4);
	assert_true(matches(&icmp4, &p, 0));
	f4.ip4_frag = PB_IPV4_MF | 100;
	p = parse_frame(&f4);
	assert_int_equal(p.cls, FP_PKT_IPV4);
	assert_false(matches(&icmp4, &p, 0));
	assert_true(matches(&proto1, &p, 0)); /* proto is still known */
	p = parse_frame(&f6);
	assert_true(matches(&icmp6, &p, 0));
	f6.frag_off = 1232;
	p = parse_frame(&f6);
	assert_int_equal(p.cls, FP_PKT_IPV6);
	assert_false(matches(&icmp6, &p, 0));
}

static void test_in_port(void **state)
{
	struct fp_rule r = { .action = FP_DROP, .match = FP_MATCH_IN,
			     .in_port = FP_PORT_INSIDE };
	struct fp_pkt p = mkpkt(4, 17);

	(void)state;
	assert_true(matches(&r, &p, FP_PORT_INSIDE));
	assert_false(matches(&r, &p, FP_PORT_OUTSIDE));
	assert_false(matches(&r, &p, 2));
	assert_false(matches(&r, &p, 256 + FP_PORT_INSIDE));
	assert_false(matches(&r, &p, UINT_MAX));
	r.in_port = FP_PORT_OUTSIDE;
	assert_true(matches(&r, &p, FP_PORT_OUTSIDE));
	assert_false(matches(&r, &p, 256));
	p = mkpkt(6, 17);
	assert_true(matches(&r, &p, FP_PORT_OUTSIDE));
}

/* Every match of a conjunction must hold. */
static void test_conjunction(void **state)
{
	static const uint8_t net[4] = { 198, 18, 0, 0 };
	struct fp_rule r = { .action = FP_DROP, .proto = 1, .icmp_type = 0,
			     .in_port = FP_PORT_OUTSIDE,
			     .match = FP_MATCH_SRC | FP_MATCH_PROTO |
				      FP_MATCH_ICMP_TYPE | FP_MATCH_IN };
	struct fp_pkt p = mkicmp(4, 0, 0), q;

	(void)state;
	r.src = pfx(4, net, 15);
	memcpy(p.src, net, 4);
	p.src[1] = 19;
	assert_true(matches(&r, &p, FP_PORT_OUTSIDE));
	assert_false(matches(&r, &p, FP_PORT_INSIDE));
	q = p;
	q.src[1] = 20;
	assert_false(matches(&r, &q, FP_PORT_OUTSIDE));
	q = p;
	q.icmp_type = 8;
	assert_false(matches(&r, &q, FP_PORT_OUTSIDE));
	q = p;
	q.proto = 6;
	assert_false(matches(&r, &q, FP_PORT_OUTSIDE));
}

static void test_many_rules_linear(void **state)
{
	struct fp_rule rules[300];
	struct fp_ruleset *rs;
	struct fp_pkt p = mkpkt(4, 17);
	struct fp_decision d;
	size_t i;

	(void)state;
	memset(rules, 0, sizeof(rules));
	for (i = 0; i < NELEM(rules); i++) {
		rules[i].action = (uint8_t)(i & 1);
		rules[i].match = FP_MATCH_DST;
		rules[i].dst.family = 4;
		rules[i].dst.len = 32;
		rules[i].dst.addr[0] = 10;
		rules[i].dst.addr[2] = (uint8_t)(i >> 8);
		rules[i].dst.addr[3] = (uint8_t)i;
	}
	rs = mkrs(rules, NELEM(rules), &pol_drop);
	assert_int_equal(fp_ruleset_count(rs), NELEM(rules));
	for (i = 0; i < NELEM(rules); i += 37) {
		memcpy(p.dst, rules[i].dst.addr, 4);
		d = decide(rs, &p, 0);
		assert_rule(&d, (uint32_t)i, (uint8_t)(i & 1));
	}
	p.dst[1] = 1;
	d = decide(rs, &p, 0);
	assert_policy(&d, FP_DROP);
	fp_ruleset_destroy(rs);
}

/* Invalid rules, each placed after a valid one. */
static void test_create_rejects_invalid(void **state)
{
	static const uint8_t a[16] = { 10 };
	struct fp_rule bad[20];
	struct fp_rule pair[2] = { { .action = FP_PASS } };
	struct fp_ruleset *rs = (struct fp_ruleset *)&rs; /* sentinel */
	struct fp_policy pol = pol_pass;
	size_t i, n = 0;

	(void)state;
	memset(bad, 0, sizeof(bad));
	bad[n++].action = 2;
	bad[n].match = FP_MATCH_IN, bad[n++].in_port = FP_NPORTS;
	bad[n].match = FP_MATCH_SRC, bad[n].src = pfx(4, a, 33), n++;
	bad[n].match = FP_MATCH_DST, bad[n].dst = pfx(6, a, 129), n++;
	bad[n].match = FP_MATCH_SRC, bad[n].src = pfx(0, a, 8), n++;
	bad[n].match = FP_MATCH_DST, bad[n].dst = pfx(5, a, 8), n++;
	bad[n].match = FP_MATCH_PROTO | FP_MATCH_ICMP_CODE, bad[n++].proto = 1;
	bad[n++].match = FP_MATCH_ICMP_TYPE;
	bad[n].match = FP_MATCH_PROTO | FP_MATCH_ICMP_TYPE, bad[n++].proto = 6;
	bad[n].match = FP_MATCH_FAMILY, bad[n++].family = FP_FAMILY_ANY;
	bad[n].match = FP_MATCH_FAMILY, bad[n++].family = 5;
	bad[n++].match = 1u << 7; /* unknown match bit */
	/* contradictions: such a rule could never match */
	bad[n].match = FP_MATCH_SRC | FP_MATCH_DST;
	bad[n].src = pfx(4, a, 8), bad[n].dst = pfx(6, a, 8), n++;
	bad[n].match = FP_MATCH_FAMILY | FP_MATCH_SRC;
	bad[n].family = 4, bad[n].src = pfx(6, a, 8), n++;
	bad[n].match = FP_MATCH_PROTO | FP_MATCH_ICMP_TYPE | FP_MATCH_DST;
	bad[n].proto = 58, bad[n].dst = pfx(4, a, 8), n++;

	for (i = 0; i < n; i++) {
		pair[1] = bad[i];
		assert_int_equal(fp_ruleset_create(pair, 2, &pol, &rs),
				 -EINVAL);
		assert_ptr_equal(rs, (struct fp_ruleset *)&rs);
		assert_int_equal(fp_ruleset_create(&bad[i], 1, &pol, &rs),
				 -EINVAL);
	}
	assert_int_equal(fp_ruleset_create(NULL, 1, &pol, &rs), -EINVAL);
	assert_int_equal(fp_ruleset_create(pair, 1, NULL, &rs), -EINVAL);
	pol.malformed = 2;
	assert_int_equal(fp_ruleset_create(pair, 1, &pol, &rs), -EINVAL);
	assert_ptr_equal(rs, (struct fp_ruleset *)&rs);
}

/* The limits themselves are fine. */
static void test_create_accepts_edges(void **state)
{
	static const uint8_t a[16] = { 0xfe, 0x80 };
	struct fp_rule r[5];
	struct fp_ruleset *rs;

	(void)state;
	memset(r, 0, sizeof(r));
	r[0].match = FP_MATCH_SRC | FP_MATCH_DST | FP_MATCH_FAMILY;
	r[0].src = pfx(4, a, 32), r[0].dst = pfx(4, a, 0), r[0].family = 4;
	r[1].match = FP_MATCH_SRC | FP_MATCH_IN;
	r[1].src = pfx(6, a, 128), r[1].in_port = FP_NPORTS - 1;
	r[2].match = FP_MATCH_PROTO | FP_MATCH_ICMP_TYPE | FP_MATCH_ICMP_CODE;
	r[2].proto = 58, r[2].icmp_type = 255, r[2].icmp_code = 255;
	r[3].match = FP_MATCH_PROTO | FP_MATCH_ICMP_TYPE | FP_MATCH_SRC;
	r[3].proto = 1, r[3].src = pfx(4, a, 0);
	r[4].action = FP_DROP;
	rs = mkrs(r, NELEM(r), &pol_pass);
	assert_int_equal(fp_ruleset_count(rs), NELEM(r));
	fp_ruleset_destroy(rs);
	fp_ruleset_destroy(NULL);
}

/* The snapshot owns copies: the caller may reuse its arrays. */
static void test_create_copies(void **state)
{
	struct fp_rule r = { .action = FP_DROP, .match = FP_MATCH_PROTO,
			     .proto = 6, .line = 42 };
	struct fp_policy pol = { FP_PASS, FP_DROP, FP_PASS };
	struct fp_ruleset *rs = mkrs(&r, 1, &pol);
	struct fp_pkt p = mkpkt(4, 6);
	struct fp_decision d;

	(void)state;
	memset(&r, 0xff, sizeof(r));
	memset(&pol, 0xff, sizeof(pol));
	d = decide(rs, &p, 0);
	assert_rule(&d, 0, FP_DROP);
	p.proto = 17;
	d = decide(rs, &p, 0);
	assert_policy(&d, FP_PASS);
	assert_int_equal(fp_ruleset_count(rs), 1);
	assert_int_equal(fp_ruleset_rule(rs, 0)->proto, 6);
	assert_int_equal(fp_ruleset_rule(rs, 0)->line, 42);
	assert_null(fp_ruleset_rule(rs, 1));
	assert_int_equal(fp_ruleset_policy(rs)->deflt, FP_PASS);
	assert_int_equal(fp_ruleset_policy(rs)->malformed, FP_DROP);
	assert_int_equal(fp_ruleset_policy(rs)->non_ip, FP_PASS);
	fp_ruleset_destroy(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_match_wins),
		cmocka_unit_test(test_earlier_pass_overrides_later_drop),
		cmocka_unit_test(test_policy_when_none_match),
		cmocka_unit_test(test_malformed_and_non_ip_policies),
		cmocka_unit_test(test_no_match_bits_matches_all_ip),
		cmocka_unit_test(test_prefix_ipv4),
		cmocka_unit_test(test_prefix_ipv6),
		cmocka_unit_test(test_family_separation),
		cmocka_unit_test(test_proto),
		cmocka_unit_test(test_icmp_type_code),
		cmocka_unit_test(test_icmp_type_on_later_fragment),
		cmocka_unit_test(test_in_port),
		cmocka_unit_test(test_conjunction),
		cmocka_unit_test(test_many_rules_linear),
		cmocka_unit_test(test_create_rejects_invalid),
		cmocka_unit_test(test_create_accepts_edges),
		cmocka_unit_test(test_create_copies),
	};

	return cmocka_run_group_tests_name("classify", tests, NULL, NULL);
}
