/* tests/unit/test_classify_diff.c - fp_classify() against the linear
 * reference (classify_ref.c).
 *
 * Random rule lists (0..2000 rules) mixing every match kind, with
 * prefixes drawn around a few shared bases so that they nest, repeat and
 * overlap, port ranges likewise around a few shared ports (single ports,
 * narrow and wide ranges, 0-65535, on TCP, UDP, DCCP, SCTP and UDP-Lite),
 * and exceptions placed before broader drops. Packets are random and
 * targeted: the first and last address of some rule's prefix and the
 * addresses just outside it, the first and last port of some rule's range
 * and the ports just outside it, later fragments (no ports) and packets of
 * other protocols. Every decision (verdict, reason, rule) must be
 * identical. At least 1 000 000 packets in all (the bar; the count
 * is printed). FW_DIFF_SEED=n in the environment replays one seed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "classify.h"
#include "classify_ref.h"
#include "splitmix.h"
#include "parse.h"
#include "ruleset.h"

#define NBASE 6
#define NPBASE 12
#define MIN_PACKETS 1000000ull

static unsigned long long packets_checked;

/* What a generated list leans towards. */
struct gen_cfg {
	unsigned max_rules;
	unsigned pct_src, pct_dst;  /* chance of each prefix, percent */
	unsigned pct_proto, pct_icmp, pct_in, pct_fam;
	unsigned pct_v6;
	unsigned npkts;
	unsigned pct_ports;         /* chance of a protocol with port ranges */
};

struct gen {
	struct sm_rng rng;
	uint8_t base[2][NBASE][16];
	uint16_t pbase[NPBASE];     /* ports that ranges are drawn around */
	const struct gen_cfg *cfg;
	const struct fp_rule *target; /* the packet is built around it */
};

static uint64_t rnd(struct gen *g)
{
	return sm_next(&g->rng);
}

static unsigned below(struct gen *g, unsigned n)
{
	return sm_below(&g->rng, n);
}

static int chance(struct gen *g, unsigned pct)
{
	return below(g, 100) < pct;
}

static unsigned alen(int fam)
{
	return fam == 4 ? 4 : 16;
}

static void gen_bases(struct gen *g)
{
	unsigned f, b, i;

	for (f = 0; f < 2; f++)
		for (b = 0; b < NBASE; b++)
			for (i = 0; i < 16; i++)
				g->base[f][b][i] = (uint8_t)rnd(g);
	/* the edges of the address space */
	memset(g->base[0][0], 0, 16);
	memset(g->base[1][0], 0, 16);
	memset(g->base[0][1], 0xff, 4);
	memset(g->base[1][1], 0xff, 16);
	for (b = 0; b < NPBASE; b++)
		g->pbase[b] = (uint16_t)rnd(g);
	/* the edges of the port space, and two well-known ports */
	g->pbase[0] = 0;
	g->pbase[1] = 65535;
	g->pbase[2] = 80;
	g->pbase[3] = 1024;
}

/* A base address with a few random bits flipped somewhere. */
static void gen_addr(struct gen *g, int fam, uint8_t *a)
{
	unsigned n = alen(fam), bits = n * 8, k, bit;

	memset(a, 0, 16);
	memcpy(a, g->base[fam == 6][below(g, NBASE)], n);
	for (k = below(g, 4); k > 0; k--) {
		bit = below(g, bits);
		a[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
	}
}

static uint8_t gen_len(struct gen *g, int fam)
{
	unsigned max = fam == 4 ? 32 : 128;

	switch (below(g, 6)) {
	case 0:
		return (uint8_t)max;
	case 1:
		return (uint8_t)below(g, 3);        /* /0, /1, /2 */
	case 2:
		return (uint8_t)(max - below(g, 4));
	default:
		return (uint8_t)below(g, max + 1);
	}
}

static void gen_prefix(struct gen *g, int fam, struct fp_prefix *p)
{
	p->family = (uint8_t)fam;
	p->len = gen_len(g, fam);
	gen_addr(g, fam, p->addr);
}

static uint8_t gen_proto(struct gen *g)
{
	static const uint8_t common[] = { 1, 6, 17, 58, 0, 255, 6, 17, 33, 132, 136 };

	if (chance(g, 80))
		return common[below(g, sizeof(common))];
	return (uint8_t)rnd(g);
}

/* Mostly TCP and UDP, sometimes another protocol with ports. */
static uint8_t gen_port_proto(struct gen *g)
{
	static const uint8_t protos[] = { 6, 17, 6, 17, 33, 132, 136 };

	return protos[below(g, sizeof(protos))];
}

/* A shared port, one next to it, or any port. */
static unsigned gen_port_num(struct gen *g)
{
	unsigned p = g->pbase[below(g, NPBASE)];

	if (chance(g, 70))
		return p;
	if (chance(g, 50))
		return (p + below(g, 3) + 65535) & 0xffff; /* p - 1 .. p + 1 */
	return (unsigned)rnd(g) & 0xffff;
}

/* A single port, a narrow or wide range around a shared port, a range
 * to an edge, or 0-65535. */
static void gen_range(struct gen *g, uint16_t *lo, uint16_t *hi)
{
	static const unsigned widths[] = { 2, 16, 1024, 65536 };
	unsigned a = gen_port_num(g), w = widths[below(g, 4)], l, h;

	switch (below(g, 8)) {
	case 0:
		l = 0;
		h = 65535;
		break;
	case 1:
		l = 0;
		h = a;
		break;
	case 2:
		l = a;
		h = 65535;
		break;
	case 3:
	case 4:
		l = a - below(g, a < w ? a + 1 : w);
		h = a + below(g, w);
		h = h > 65535 ? 65535 : h;
		break;
	default:
		l = h = a;
		break;
	}
	*lo = (uint16_t)l;
	*hi = (uint16_t)h;
}

/* A protocol with ports and a sport range, a dport range, or both. */
static void gen_ports(struct gen *g, struct fp_rule *r)
{
	unsigned sides = below(g, 5);

	r->match |= FP_MATCH_PROTO;
	r->proto = gen_port_proto(g);
	if (sides != 0) {
		r->match |= FP_MATCH_DPORT;
		gen_range(g, &r->dport_lo, &r->dport_hi);
	}
	if (sides <= 1) {
		r->match |= FP_MATCH_SPORT;
		gen_range(g, &r->sport_lo, &r->sport_hi);
	}
}

static void gen_icmp(struct gen *g, struct fp_rule *r, int fam)
{
	r->match |= FP_MATCH_PROTO | FP_MATCH_ICMP_TYPE;
	r->proto = fam == 4 ? 1 : 58;
	r->icmp_type = (uint8_t)(chance(g, 70) ? below(g, 4) + 8 : rnd(g));
	if (chance(g, 50)) {
		r->match |= FP_MATCH_ICMP_CODE;
		r->icmp_code = (uint8_t)below(g, 3);
	}
}

static void gen_rule(struct gen *g, struct fp_rule *r)
{
	const struct gen_cfg *c = g->cfg;
	int fam = chance(g, c->pct_v6) ? 6 : 4;

	memset(r, 0, sizeof(*r));
	r->action = (uint8_t)below(g, 2);
	r->line = (uint32_t)rnd(g);
	if (chance(g, c->pct_src)) {
		r->match |= FP_MATCH_SRC;
		gen_prefix(g, fam, &r->src);
	}
	if (chance(g, c->pct_dst)) {
		r->match |= FP_MATCH_DST;
		gen_prefix(g, fam, &r->dst);
	}
	if (chance(g, c->pct_icmp)) {
		gen_icmp(g, r, fam);
	} else if (chance(g, c->pct_ports)) {
		gen_ports(g, r);
	} else if (chance(g, c->pct_proto)) {
		r->match |= FP_MATCH_PROTO;
		r->proto = gen_proto(g);
	}
	if (chance(g, c->pct_in)) {
		r->match |= FP_MATCH_IN;
		r->in_port = (uint8_t)below(g, FP_NPORTS);
	}
	if (chance(g, c->pct_fam)) {
		r->match |= FP_MATCH_FAMILY;
		r->family = (uint8_t)fam;
	}
}

/* [lo, hi] narrowed to a random part of itself. */
static void narrow_range(struct gen *g, uint16_t *lo, uint16_t *hi)
{
	unsigned l = *lo + below(g, (unsigned)(*hi - *lo) + 1);
	unsigned h = l + below(g, (unsigned)(*hi - l) + 1);

	*lo = (uint16_t)l;
	*hi = (uint16_t)h;
}

/* A pass for a narrower prefix (or port range) placed just before a drop
 * of r's. */
static void gen_exception(struct gen *g, const struct fp_rule *drop,
			  struct fp_rule *pass)
{
	struct fp_prefix *p;

	*pass = *drop;
	pass->action = FP_PASS;
	if ((pass->match & FP_MATCH_DPORT) && chance(g, 50))
		narrow_range(g, &pass->dport_lo, &pass->dport_hi);
	if ((pass->match & FP_MATCH_SPORT) && chance(g, 50))
		narrow_range(g, &pass->sport_lo, &pass->sport_hi);
	p = (pass->match & FP_MATCH_SRC) ? &pass->src :
	    (pass->match & FP_MATCH_DST) ? &pass->dst : NULL;
	if (!p)
		return;
	if (p->len < (p->family == 4 ? 32 : 128))
		p->len = (uint8_t)(p->len + 1 + below(g, (p->family == 4 ?
						32u : 128u) - p->len));
	p->addr[below(g, alen(p->family))] ^= (uint8_t)rnd(g);
}

static size_t gen_rules(struct gen *g, struct fp_rule *rules)
{
	size_t n = below(g, g->cfg->max_rules + 1), i;

	for (i = 0; i < n; i++) {
		gen_rule(g, &rules[i]);
		if (i + 1 < n && chance(g, 10)) {
			rules[i + 1] = rules[i];
			rules[i + 1].action = FP_DROP;
			gen_exception(g, &rules[i + 1], &rules[i]);
			i++;
		}
	}
	return n;
}

/* a = first (hi = 0) or last address of p, moved by delta. */
static void prefix_edge(const struct fp_prefix *p, int hi, int delta,
			uint8_t *a)
{
	unsigned n = alen(p->family), i, len = p->len, bits;
	int carry;

	memset(a, 0, 16);
	for (i = 0; i < n; i++) {
		bits = len >= 8 ? 8 : len;
		len -= bits;
		a[i] = p->addr[i] & (uint8_t)(0xff00u >> bits);
		if (hi)
			a[i] |= (uint8_t)(0xffu >> bits);
	}
	carry = delta;
	for (i = n; i-- > 0 && carry;) {
		int v = a[i] + carry;

		a[i] = (uint8_t)v;
		carry = v < 0 ? -1 : v > 0xff ? 1 : 0;
	}
}

/* The packet's target rule half the time (when it has one), else any. */
static const struct fp_rule *pick_rule(struct gen *g, const struct fp_rule *rules,
				       size_t n)
{
	if (g->target && chance(g, 50))
		return g->target;
	return n ? &rules[below(g, (unsigned)n)] : NULL;
}

static void gen_pkt_addr(struct gen *g, const struct fp_rule *rules, size_t n,
			 int fam, int dst, uint8_t *a)
{
	const struct fp_rule *r = pick_rule(g, rules, n);
	const struct fp_prefix *p = NULL;

	if (r && (r->match & (dst ? FP_MATCH_DST : FP_MATCH_SRC)))
		p = dst ? &r->dst : &r->src;
	if (p && p->family == fam && chance(g, 70)) {
		prefix_edge(p, chance(g, 50), (int)below(g, 3) - 1, a);
		return;
	}
	if (chance(g, 80))
		gen_addr(g, fam, a);
	else
		for (unsigned i = 0; i < alen(fam); i++)
			a[i] = (uint8_t)rnd(g);
}

/* A port of some rule's range on that side: its first or last, or the
 * one just outside; else a shared or random port. */
static uint16_t gen_pkt_port(struct gen *g, const struct fp_rule *rules,
			     size_t n, int dst)
{
	const struct fp_rule *r = pick_rule(g, rules, n);

	if (r && (r->match & (dst ? FP_MATCH_DPORT : FP_MATCH_SPORT)) &&
	    chance(g, 70)) {
		unsigned lo = dst ? r->dport_lo : r->sport_lo;
		unsigned hi = dst ? r->dport_hi : r->sport_hi;

		switch (below(g, 4)) {
		case 0:
			return (uint16_t)lo;
		case 1:
			return (uint16_t)hi;
		case 2:
			return (uint16_t)(lo - 1); /* 0 - 1 wraps to 65535 */
		default:
			return (uint16_t)(hi + 1);
		}
	}
	return (uint16_t)gen_port_num(g);
}

/* Ports as the parser gives them: a protocol with ports has them, but
 * not in a later fragment. */
static void gen_pkt_ports(struct gen *g, const struct fp_rule *rules,
			  size_t n, struct fp_pkt *p)
{
	if (!fp_proto_has_ports(p->proto))
		return;
	if (chance(g, 10)) {
		p->is_fragment = 1;
		return;
	}
	p->has_ports = 1;
	p->is_fragment = chance(g, 5);
	p->sport = gen_pkt_port(g, rules, n, 0);
	p->dport = gen_pkt_port(g, rules, n, 1);
}

/* The protocol of some rule that has one, or a random one. */
static uint8_t gen_pkt_proto(struct gen *g, const struct fp_rule *rules,
			     size_t n)
{
	const struct fp_rule *r = pick_rule(g, rules, n);

	if (r && (r->match & FP_MATCH_PROTO) && chance(g, 50))
		return r->proto;
	return gen_proto(g);
}

static void gen_pkt(struct gen *g, const struct fp_rule *rules, size_t n,
		    struct fp_pkt *p)
{
	int fam;

	memset(p, 0, sizeof(*p));
	p->cls = below(g, 50) == 0 ? (uint8_t)(2 + below(g, 3)) :
		 chance(g, g->cfg->pct_v6) ? FP_PKT_IPV6 : FP_PKT_IPV4;
	fam = p->cls == FP_PKT_IPV4 ? 4 : 6;
	g->target = n && chance(g, 50) ? &rules[below(g, (unsigned)n)] : NULL;
	p->proto = gen_pkt_proto(g, rules, n);
	gen_pkt_ports(g, rules, n, p);
	if (chance(g, p->has_ports ? 15 : 40)) {
		p->has_ports = 0;
		p->sport = p->dport = 0;
		p->proto = fam == 4 ? 1 : 58;
		p->has_icmp = chance(g, 90);
		p->icmp_type = (uint8_t)(chance(g, 80) ? below(g, 4) + 8 : rnd(g));
		p->icmp_code = (uint8_t)below(g, 3);
	}
	if (below(g, 30) == 0)  /* off-contract fields: still identical */
		p->has_icmp = (uint8_t)below(g, 3);
	if (below(g, 30) == 0)
		p->has_ports = (uint8_t)below(g, 3);
	gen_pkt_addr(g, rules, n, fam, 0, p->src);
	gen_pkt_addr(g, rules, n, fam, 1, p->dst);
	if (fam == 4 && below(g, 20) == 0)
		p->src[4 + below(g, 12)] = (uint8_t)rnd(g);
}

static unsigned gen_port(struct gen *g)
{
	static const unsigned ports[] = { 0, 1, 0, 1, 2, 255, 256, UINT32_MAX };

	return ports[below(g, sizeof(ports) / sizeof(ports[0]))];
}

static void print_rule(const struct fp_ruleset *rs, const char *whose,
		       uint32_t i)
{
	const struct fp_rule *r = i != FP_NO_RULE ? fp_ruleset_rule(rs, i) : NULL;

	if (!r)
		return;
	print_error("%s rule %u: action %u match %#x fam %u proto %u sport %u-%u "
		    "dport %u-%u in %u src /%u dst /%u\n", whose, i, r->action,
		    r->match, r->family, r->proto, r->sport_lo, r->sport_hi,
		    r->dport_lo, r->dport_hi, r->in_port, r->src.len, r->dst.len);
}

static void check_one(const struct fp_ruleset *rs,
		      const struct ref_ruleset *ref, const struct fp_pkt *p,
		      unsigned port, uint64_t seed)
{
	struct fp_decision d, e;

	memset(&d, 0xee, sizeof(d));
	memset(&e, 0xdd, sizeof(e));
	fp_classify(rs, p, port, &d);
	ref_classify(ref, p, port, &e);
	packets_checked++;
	if (d.verdict == e.verdict && d.reason == e.reason && d.rule == e.rule)
		return;
	print_error("seed %llu port %u: fast %u/%u/%u ref %u/%u/%u\n",
		    (unsigned long long)seed, port, d.verdict, d.reason, d.rule,
		    e.verdict, e.reason, e.rule);
	print_error("packet: cls %u proto %u icmp %u/%u/%u ports %u/%u/%u frag %u\n",
		    p->cls, p->proto, p->has_icmp, p->icmp_type, p->icmp_code,
		    p->has_ports, p->sport, p->dport, p->is_fragment);
	print_rule(rs, "fast's", d.rule);
	print_rule(rs, "ref's", e.rule);
	fail();
}

static void run_seed(const struct gen_cfg *cfg, uint64_t seed,
		     struct fp_rule *rules)
{
	const struct fp_policy pol = { (uint8_t)(seed & 1), FP_DROP, FP_PASS };
	struct gen g = { .rng = { seed }, .cfg = cfg };
	struct fp_ruleset *rs = NULL;
	struct ref_ruleset *ref = NULL;
	struct fp_pkt p;
	size_t n;
	unsigned i;

	gen_bases(&g);
	n = gen_rules(&g, rules);
	assert_int_equal(fp_ruleset_create(rules, n, &pol, &rs), 0);
	assert_int_equal(ref_ruleset_create(rules, n, &pol, &ref), 0);
	assert_int_equal(fp_ruleset_count(rs), n);
	for (i = 0; i < cfg->npkts; i++) {
		gen_pkt(&g, rules, n, &p);
		check_one(rs, ref, &p, gen_port(&g), seed);
	}
	fp_ruleset_destroy(rs);
	ref_ruleset_destroy(ref);
}

static void run_cfg(const struct gen_cfg *cfg, uint64_t first, unsigned nseeds)
{
	struct fp_rule *rules = calloc(cfg->max_rules + 1, sizeof(*rules));
	const char *env = getenv("FW_DIFF_SEED");
	unsigned i;

	assert_non_null(rules);
	if (env) {
		run_seed(cfg, strtoull(env, NULL, 0), rules);
	} else {
		for (i = 0; i < nseeds; i++)
			run_seed(cfg, first + i, rules);
	}
	free(rules);
}

static void test_diff_mixed(void **state)
{
	const struct gen_cfg cfg = { 2000, 40, 40, 30, 15, 20, 15, 40, 1500, 20 };

	(void)state;
	run_cfg(&cfg, 1000, 60);
}

static void test_diff_small_lists(void **state)
{
	const struct gen_cfg cfg = { 12, 50, 50, 40, 20, 30, 20, 50, 400, 25 };

	(void)state;
	run_cfg(&cfg, 2000, 1500);
}

static void test_diff_prefixes_only(void **state)
{
	const struct gen_cfg cfg = { 2000, 50, 50, 0, 0, 0, 0, 50, 2000, 0 };

	(void)state;
	run_cfg(&cfg, 3000, 40);
}

static void test_diff_src_and_dst(void **state)
{
	const struct gen_cfg cfg = { 1500, 90, 90, 10, 5, 10, 5, 30, 2000, 10 };

	(void)state;
	run_cfg(&cfg, 4000, 40);
}

static void test_diff_signatures(void **state)
{
	const struct gen_cfg cfg = { 800, 15, 15, 70, 40, 50, 40, 50, 2000, 30 };

	(void)state;
	run_cfg(&cfg, 5000, 40);
}

static void test_diff_ipv4_dense(void **state)
{
	const struct gen_cfg cfg = { 2000, 60, 30, 10, 5, 10, 5, 0, 2000, 10 };

	(void)state;
	run_cfg(&cfg, 6000, 30);
}

static void test_diff_ipv6_dense(void **state)
{
	const struct gen_cfg cfg = { 2000, 30, 60, 10, 5, 10, 5, 100, 2000, 10 };

	(void)state;
	run_cfg(&cfg, 7000, 30);
}

/* Port rules with and without prefixes: every kind of range, nested
 * exceptions, tcp/udp/dccp/sctp/udplite. */
static void test_diff_ports(void **state)
{
	const struct gen_cfg cfg = { 2000, 30, 30, 100, 5, 15, 10, 40, 2000, 85 };

	(void)state;
	run_cfg(&cfg, 8000, 60);
}

/* Port rules only (no prefixes): the port indexes alone decide. */
static void test_diff_ports_only(void **state)
{
	const struct gen_cfg cfg = { 2000, 0, 0, 100, 0, 10, 0, 50, 2000, 97 };

	(void)state;
	run_cfg(&cfg, 9000, 40);
}

/* Short lists of port rules, many seeds: every small arrangement of
 * nested, overlapping and repeated ranges. */
static void test_diff_ports_small(void **state)
{
	const struct gen_cfg cfg = { 10, 30, 30, 60, 5, 20, 10, 50, 1000, 80 };

	(void)state;
	run_cfg(&cfg, 10000, 300);
}

/* Last: the packets of all the tests above (unless one seed is replayed). */
static void test_diff_count(void **state)
{
	(void)state;
	print_message("%llu packets against the reference classifier\n", packets_checked);
	if (!getenv("FW_DIFF_SEED"))
		assert_true(packets_checked >= MIN_PACKETS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_mixed),
		cmocka_unit_test(test_diff_small_lists),
		cmocka_unit_test(test_diff_prefixes_only),
		cmocka_unit_test(test_diff_src_and_dst),
		cmocka_unit_test(test_diff_signatures),
		cmocka_unit_test(test_diff_ipv4_dense),
		cmocka_unit_test(test_diff_ipv6_dense),
		cmocka_unit_test(test_diff_ports),
		cmocka_unit_test(test_diff_ports_only),
		cmocka_unit_test(test_diff_ports_small),
		cmocka_unit_test(test_diff_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
