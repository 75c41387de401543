/* tests/unit/test_lint.c - rules that can never match (config_lint.c):
 * each finding names the later rule and the earlier one that decides its
 * packets; rules only partly covered are not reported, nor rules without
 * ports after a port rule (later fragments have no ports). Random lists
 * of port rules check every finding against the reference classifier
 * (classify_ref.c): each packet the later rule matches, the earlier one
 * matches too. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "classify_ref.h"
#include "config.h"
#include "config_lint.h"
#include "splitmix.h"

struct found {
	char text[2048];
	size_t len;
};

static void collect(void *arg, const struct fw_config *cfg, size_t earlier, size_t later,
		    int identical)
{
	struct found *f = arg;

	f->len += (size_t)snprintf(f->text + f->len, sizeof(f->text) - f->len, "%u<%u%s ",
				   cfg->rules[later].line, cfg->rules[earlier].line,
				   identical ? "=" : "");
}

/* "LATER<EARLIER[=] ..." for the configuration text. */
static void assert_lint(const char *text, const char *expected)
{
	struct fw_config cfg;
	struct found f = { "", 0 };
	char err[CTL_ERR_LEN];

	assert_int_equal(ctl_config_parse_buf(text, strlen(text), "l.conf", &cfg, err, sizeof(err)), 0);
	assert_true(ctl_config_lint(&cfg, collect, &f) >= 0);
	if (strcmp(f.text, expected))
		fail_msg("measured '%s', expected '%s' for:\n%s", f.text, expected, text);
	ctl_config_fini(&cfg);
}

static void test_found(void **state)
{
	(void)state;
	assert_lint("drop src 198.18.0.0/16\n"     /* 1 */
		    "pass src 198.18.5.0/24\n"     /* 2: inside 1 */
		    "drop src 198.18.0.0/16\n",    /* 3: the same as 1 */
		    "2<1 3<1= ");
	assert_lint("drop proto icmp\npass icmp type 8\n", "2<1 ");
	assert_lint("drop in outside\ndrop in outside proto udp\n", "2<1 ");
	assert_lint("pass dst 2001:db8::/32\ndrop dst 2001:db8:1::/48 proto tcp\n", "2<1 ");
	assert_lint("pass src 198.19.0.1 dst 198.19.0.2\ndrop src 198.19.0.1 dst 198.19.0.2\n",
		    "2<1 ");
	assert_lint("drop\npass proto tcp\n", "2<1 ");
	assert_lint("drop icmp6 type 128\ndrop icmp6 type 128 code 0\n", "2<1 ");
}

static void test_not_found(void **state)
{
	(void)state;
	assert_lint("pass src 198.18.5.0/24\ndrop src 198.18.0.0/16\n", ""); /* wider later */
	assert_lint("drop icmp6 type 128 code 0\ndrop icmp6 type 128\n", "");
	assert_lint("drop icmp type 8\ndrop proto 1\n", "");     /* proto 1 matches IPv6 too */
	assert_lint("drop in outside\ndrop in inside\n", "");
	assert_lint("drop src 198.18.0.0/16 proto udp\npass src 198.18.1.0/24\n", "");
	assert_lint("drop dst 198.18.0.0/16\npass src 198.18.1.0/24\n", "");
	assert_lint("drop src 2001:db8::/32\npass src 198.18.0.0/16\n", "");
}

/* A port rule is covered by a protocol rule without ports, or by a rule
 * of one port range that holds its range on that side (0-65535 holds
 * the other side of any port rule: it has ports). */
static void test_ports_found(void **state)
{
	(void)state;
	assert_lint("drop proto tcp\npass proto tcp dport 22\n", "2<1 ");
	assert_lint("drop proto 6\npass src 10.0.0.0/8 proto tcp sport 1024-65535 dport 22\n",
		    "2<1 ");
	assert_lint("drop proto tcp dport 1-1024\npass proto tcp dport 22\n", "2<1 ");
	assert_lint("drop proto tcp dport 1-1024\npass proto tcp dport 1-1024 in inside\n", "2<1 ");
	assert_lint("drop proto udp sport 53\ndrop src 10.0.0.0/8 proto udp sport 53 dport 1-2\n",
		    "2<1 ");
	assert_lint("drop proto tcp dport 0-65535\npass proto tcp sport 5\n", "2<1 ");
	assert_lint("drop proto sctp sport 0-65535\npass proto sctp dport 7-9\n", "2<1 ");
	assert_lint("drop proto tcp dport 22\ndrop proto tcp dport 22\n", "2<1= ");
	assert_lint("drop proto 6 dport 80\ndrop proto tcp dport 80\n", "2<1= ");
	assert_lint("drop proto tcp sport 1 dport 2\npass proto tcp dport 2 sport 1\n", "2<1 ");
	assert_lint("drop proto udp sport 1 dport 2 src 10.0.0.0/8\n"
		    "drop src 10.0.0.0/8 proto udp dport 2 sport 1\n", "2<1= ");
	/* of several ranges that hold it, the widest is named */
	assert_lint("drop proto tcp dport 20-30\ndrop proto tcp dport 0-100\n"
		    "pass proto tcp dport 25\n", "3<2 ");
	assert_lint("drop proto tcp dport 65535\npass proto tcp dport 65535\n"
		    "pass proto tcp dport 0\ndrop proto tcp dport 0\n", "2<1 4<3 ");
}

static void test_ports_not_found(void **state)
{
	(void)state;
	/* a port rule never matches a later fragment, so it covers no rule
	 * without ports, not even with 0-65535 */
	assert_lint("drop proto tcp dport 22\npass proto tcp\n", "");
	assert_lint("drop proto tcp dport 0-65535\npass proto tcp\n", "");
	assert_lint("drop proto tcp sport 0-65535\npass proto tcp src 10.0.0.0/8\n", "");
	assert_lint("drop proto tcp dport 22\npass proto tcp dport 23\n", "");
	assert_lint("drop proto tcp dport 20-30\npass proto tcp dport 25-35\n", "");
	assert_lint("drop proto tcp dport 20-30\npass proto tcp dport 19-25\n", "");
	assert_lint("drop proto tcp dport 22\npass proto udp dport 22\n", "");
	assert_lint("drop proto tcp sport 22\npass proto tcp dport 22\n", "");
	assert_lint("drop proto tcp dport 1-100\npass proto tcp sport 5\n", "");
	assert_lint("drop proto tcp dport 0-65534\npass proto tcp sport 5\n", "");
	assert_lint("drop proto tcp sport 1 dport 2\npass proto tcp sport 1 dport 3\n", "");
	assert_lint("drop proto tcp sport 1 dport 2\npass proto tcp sport 1\n", "");
	assert_lint("drop proto tcp sport 1 dport 2\npass proto tcp dport 2\n", "");
	assert_lint("drop src 10.0.0.0/8 proto tcp dport 22\npass proto tcp dport 22\n", "");
	assert_lint("drop proto tcp dport 0-100 in outside\npass proto tcp dport 5\n", "");
	assert_lint("pass proto tcp dport 5\ndrop proto tcp dport 0-100\n", ""); /* wider later */
}

/* ---- random port rules, findings checked on packets ------------------- */

#define RND_RULES 24
#define RND_PKTS 64

struct pair {
	size_t earlier, later;
};

struct pairs {
	struct pair p[RND_RULES * RND_RULES];
	size_t n;
};

static void collect_pairs(void *arg, const struct fw_config *cfg, size_t earlier, size_t later,
			  int identical)
{
	struct pairs *ps = arg;

	(void)cfg;
	(void)identical;
	ps->p[ps->n].earlier = earlier;
	ps->p[ps->n++].later = later;
}

/* One rule line from a small vocabulary, so that rules often repeat,
 * nest and cover each other. */
static void rnd_rule(struct sm_rng *g, char *line, size_t len)
{
	static const char *const protos[] = { "tcp", "6", "udp", "sctp", "icmp" };
	static const char *const ports[] = { "22", "0-65535", "1-1024", "20-30", "25", "0",
					     "65535", "1024-65535", "0-21" };
	static const char *const srcs[] = { "10.0.0.0/8", "10.1.0.0/16", "10.1.2.3" };
	size_t off = (size_t)snprintf(line, len, "%s", sm_below(g, 2) ? "drop" : "pass");
	unsigned proto = sm_below(g, 6);

	if (sm_below(g, 4) == 0)
		off += (size_t)snprintf(line + off, len - off, " src %s", srcs[sm_below(g, 3)]);
	if (proto < 5)
		off += (size_t)snprintf(line + off, len - off, " proto %s", protos[proto]);
	if (proto < 4 && sm_below(g, 4))
		off += (size_t)snprintf(line + off, len - off, " sport %s", ports[sm_below(g, 9)]);
	if (proto < 4 && sm_below(g, 4))
		off += (size_t)snprintf(line + off, len - off, " dport %s", ports[sm_below(g, 9)]);
	if (sm_below(g, 6) == 0)
		snprintf(line + off, len - off, " in %s", sm_below(g, 2) ? "inside" : "outside");
}

static uint16_t rnd_port(struct sm_rng *g, int has, unsigned lo, unsigned hi)
{
	if (!has || sm_below(g, 4) == 0)
		return (uint16_t)sm_next(g);
	return (uint16_t)(sm_below(g, 2) ? lo : hi);
}

/* A packet r matches (mostly): r's family, a corner of its prefix, its
 * protocol, ports at the edges of its ranges, its ingress port. */
static void rnd_pkt(struct sm_rng *g, const struct fp_rule *r, struct fp_pkt *p, unsigned *in)
{
	memset(p, 0, sizeof(*p));
	p->cls = (r->match & FP_MATCH_FAMILY) && r->family == FP_FAMILY_IPV6 ? FP_PKT_IPV6 :
		 (r->match & FP_MATCH_FAMILY) ? FP_PKT_IPV4 :
		 sm_below(g, 2) ? FP_PKT_IPV6 : FP_PKT_IPV4;
	if (r->match & FP_MATCH_SRC) {
		memcpy(p->src, r->src.addr, 16);
		if (sm_below(g, 2) && r->src.len < 32)
			p->src[3] |= (uint8_t)(0xffu >> (r->src.len > 24 ? r->src.len - 24 : 0));
	}
	p->proto = (r->match & FP_MATCH_PROTO) ? r->proto : (uint8_t)(sm_below(g, 2) ? 6 : 17);
	if (fp_proto_has_ports(p->proto) && ((r->match & (FP_MATCH_SPORT | FP_MATCH_DPORT)) ||
					     sm_below(g, 2))) {
		p->has_ports = 1;
		p->sport = rnd_port(g, r->match & FP_MATCH_SPORT, r->sport_lo, r->sport_hi);
		p->dport = rnd_port(g, r->match & FP_MATCH_DPORT, r->dport_lo, r->dport_hi);
	}
	*in = (r->match & FP_MATCH_IN) ? r->in_port : sm_below(g, 2);
}

static int ref_matches(const struct fp_rule *r, const struct fp_pkt *p, unsigned in)
{
	const struct fp_policy pol = { FP_PASS, FP_PASS, FP_PASS };
	struct ref_ruleset *ref;
	struct fp_decision d;

	assert_int_equal(ref_ruleset_create(r, 1, &pol, &ref), 0);
	ref_classify(ref, p, in, &d);
	ref_ruleset_destroy(ref);
	return d.reason == FP_BY_RULE;
}

/* Every packet of the later rule that it matches, the earlier matches. */
static void check_pair(struct sm_rng *g, const struct fw_config *cfg, const struct pair *pr,
		       unsigned *checked)
{
	const struct fp_rule *e = &cfg->rules[pr->earlier], *r = &cfg->rules[pr->later];
	char et[CTL_ERR_LEN], rt[CTL_ERR_LEN];
	struct fp_pkt p;
	unsigned in;

	for (int i = 0; i < RND_PKTS; i++) {
		rnd_pkt(g, r, &p, &in);
		if (!ref_matches(r, &p, in))
			continue;
		(*checked)++;
		if (ref_matches(e, &p, in))
			continue;
		ctl_rule_format(e, et, sizeof(et));
		ctl_rule_format(r, rt, sizeof(rt));
		fail_msg("'%s' is said to cover '%s', but a packet (proto %u ports %u %u/%u) "
			 "matches only the second", et, rt, p.proto, p.has_ports, p.sport, p.dport);
	}
}

static void test_ports_random(void **state)
{
	struct sm_rng g = { 42 };
	unsigned checked = 0, found = 0;
	char text[RND_RULES * 96], line[96];

	(void)state;
	for (int seed = 0; seed < 400; seed++) {
		struct fw_config cfg;
		struct pairs ps = { .n = 0 };
		char err[CTL_ERR_LEN];
		size_t off = 0;

		for (int i = 0; i < RND_RULES; i++) {
			rnd_rule(&g, line, sizeof(line));
			off += (size_t)snprintf(text + off, sizeof(text) - off, "%s\n", line);
		}
		assert_int_equal(ctl_config_parse_buf(text, off, "r.conf", &cfg, err, sizeof(err)), 0);
		assert_true(ctl_config_lint(&cfg, collect_pairs, &ps) >= 0);
		for (size_t i = 0; i < ps.n; i++)
			check_pair(&g, &cfg, &ps.p[i], &checked);
		found += (unsigned)ps.n;
		ctl_config_fini(&cfg);
	}
	print_message("%u findings, %u packets checked\n", found, checked);
	assert_true(found > 1000 && checked > 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_ports_found),
		cmocka_unit_test(test_ports_not_found),
		cmocka_unit_test(test_ports_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
