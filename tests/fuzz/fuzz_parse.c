/* tests/fuzz/fuzz_parse.c - libFuzzer target for fp_parse() + fp_classify().
 *
 * Parses the input as a frame (libFuzzer hands over an exactly-sized
 * buffer, so ASan catches any over-read), checks the parser's invariants,
 * then classifies it against a small fixed ruleset (port rules included:
 * single ports, nested ranges, 0-65535) on every ingress port
 * and checks the decision, which must also equal the linear reference
 * classifier's (tests/unit/classify_ref.c). The input's bytes are also
 * read as a raw struct fp_pkt, off-contract field values included, and
 * both classifiers must agree on it too. Any broken invariant aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "classify_ref.h"
#include "parse.h"
#include "ruleset.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static const struct fp_rule fuzz_rules[] = {
	{ .action = FP_PASS, .match = FP_MATCH_SRC,
	  .src = { .family = 4, .len = 32, .addr = { 203, 0, 113, 7 } } },
	{ .action = FP_DROP, .match = FP_MATCH_SRC,
	  .src = { .family = 4, .len = 24, .addr = { 203, 0, 113 } } },
	{ .action = FP_DROP, .match = FP_MATCH_PROTO | FP_MATCH_ICMP_TYPE,
	  .proto = 1, .icmp_type = 8 },
	{ .action = FP_DROP, .proto = 58, .icmp_type = 1, .icmp_code = 4,
	  .match = FP_MATCH_PROTO | FP_MATCH_ICMP_TYPE | FP_MATCH_ICMP_CODE },
	{ .action = FP_DROP, .match = FP_MATCH_DST | FP_MATCH_PROTO,
	  .proto = 17,
	  .dst = { .family = 6, .len = 48,
		   .addr = { 0x20, 0x01, 0x0d, 0xb8, 0x0b, 0xad } } },
	{ .action = FP_PASS, .match = FP_MATCH_IN | FP_MATCH_FAMILY,
	  .in_port = FP_PORT_INSIDE, .family = FP_FAMILY_IPV6 },
	{ .action = FP_DROP, .match = FP_MATCH_PROTO, .proto = 44 },
	{ .action = FP_DROP, .match = FP_MATCH_PROTO | FP_MATCH_DPORT,
	  .proto = 6, .dport_lo = 22, .dport_hi = 22 },
	{ .action = FP_PASS, .match = FP_MATCH_PROTO | FP_MATCH_SPORT | FP_MATCH_DPORT,
	  .proto = 17, .sport_lo = 53, .sport_hi = 53, .dport_lo = 1024, .dport_hi = 65535 },
	{ .action = FP_DROP, .match = FP_MATCH_PROTO | FP_MATCH_SPORT,
	  .proto = 17, .sport_lo = 0, .sport_hi = 1023 },
	{ .action = FP_DROP, .match = FP_MATCH_PROTO | FP_MATCH_DPORT | FP_MATCH_SRC,
	  .proto = 132, .dport_lo = 0, .dport_hi = 65535,
	  .src = { .family = 4, .len = 8, .addr = { 198 } } },
	{ .action = FP_PASS, .match = FP_MATCH_PROTO | FP_MATCH_SPORT | FP_MATCH_IN,
	  .proto = 33, .sport_lo = 0, .sport_hi = 65535, .in_port = FP_PORT_OUTSIDE },
	{ .action = FP_DROP, .match = FP_MATCH_PROTO | FP_MATCH_DPORT,
	  .proto = 136, .dport_lo = 0, .dport_hi = 0 },
	{ .action = FP_DROP, .match = FP_MATCH_PROTO, .proto = 6 },
};

#define FUZZ_NRULES (sizeof(fuzz_rules) / sizeof(fuzz_rules[0]))

static const struct fp_policy fuzz_policy = { FP_PASS, FP_DROP, FP_PASS };

/* Built on the first call and kept for the life of the process. */
static const struct fp_ruleset *fuzz_ruleset(void)
{
	static struct fp_ruleset *rs;

	if (!rs)
		CHECK(fp_ruleset_create(fuzz_rules, FUZZ_NRULES, &fuzz_policy,
					&rs) == 0);
	return rs;
}

static const struct ref_ruleset *fuzz_ref(void)
{
	static struct ref_ruleset *ref;

	if (!ref)
		CHECK(ref_ruleset_create(fuzz_rules, FUZZ_NRULES, &fuzz_policy,
					 &ref) == 0);
	return ref;
}

/* Fast and reference classifiers agree on every port. */
static void check_same(const struct fp_ruleset *rs, const struct fp_pkt *p)
{
	struct fp_decision d, e;
	unsigned port;

	for (port = 0; port <= FP_NPORTS; port++) {
		fp_classify(rs, p, port, &d);
		ref_classify(fuzz_ref(), p, port, &e);
		CHECK(d.verdict == e.verdict && d.reason == e.reason &&
		      d.rule == e.rule);
	}
}

static void check_pkt(const struct fp_pkt *p)
{
	static const uint8_t zero[16];
	int ip = p->cls == FP_PKT_IPV4 || p->cls == FP_PKT_IPV6;

	CHECK(p->cls <= FP_PKT_MALFORMED);
	CHECK(p->bad < FP_BAD_COUNT);
	CHECK((p->cls == FP_PKT_MALFORMED) == (p->bad != FP_BAD_NONE));
	CHECK(p->nvlan <= FP_MAX_VLAN_TAGS);
	CHECK(p->has_icmp <= 1 && p->is_fragment <= 1 && p->has_ports <= 1);
	CHECK(!(p->has_icmp && p->has_ports));
	if (p->has_ports)
		CHECK(ip && fp_proto_has_ports(p->proto));
	else
		CHECK(p->sport == 0 && p->dport == 0);
	if (ip && fp_proto_has_ports(p->proto) && !p->is_fragment)
		CHECK(p->has_ports); /* else it is malformed */
	if (p->cls == FP_PKT_NON_IP)
		CHECK(p->ethertype != 0x0800 && p->ethertype != 0x86dd);
	if (p->cls == FP_PKT_IPV4)
		CHECK(p->ethertype == 0x0800 && !memcmp(p->src + 4, zero, 12) &&
		      !memcmp(p->dst + 4, zero, 12));
	if (p->cls == FP_PKT_IPV6)
		CHECK(p->ethertype == 0x86dd);
	if (ip && p->has_icmp)
		CHECK(p->proto == (p->cls == FP_PKT_IPV4 ? 1 : 58));
	if (ip && !p->has_icmp)
		CHECK(p->icmp_type == 0 && p->icmp_code == 0);
}

static void check_decision(const struct fp_ruleset *rs,
			   const struct fp_pkt *p, const struct fp_decision *d)
{
	CHECK(d->verdict <= FP_DROP);
	CHECK(d->reason <= FP_BY_NON_IP);
	CHECK((d->reason == FP_BY_RULE) == (d->rule != FP_NO_RULE));
	if (d->reason == FP_BY_RULE) {
		CHECK(d->rule < fp_ruleset_count(rs));
		CHECK(d->verdict == fp_ruleset_rule(rs, d->rule)->action);
	}
	CHECK((d->reason == FP_BY_MALFORMED) == (p->cls == FP_PKT_MALFORMED));
	CHECK((d->reason == FP_BY_NON_IP) == (p->cls == FP_PKT_NON_IP));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fp_ruleset *rs = fuzz_ruleset();
	struct fp_decision d;
	struct fp_pkt pkt, again;
	unsigned port;
	int cls;

	if (size > UINT32_MAX)
		return 0;
	cls = fp_parse(data, (uint32_t)size, &pkt);
	CHECK(cls == pkt.cls);
	check_pkt(&pkt);
	fp_parse(data, (uint32_t)size, &again);
	CHECK(!memcmp(&pkt, &again, sizeof(pkt)));
	for (port = 0; port <= FP_NPORTS; port++) {
		fp_classify(rs, &pkt, port, &d);
		check_decision(rs, &pkt, &d);
	}
	check_same(rs, &pkt);
	if (size >= sizeof(pkt)) {
		memcpy(&pkt, data, sizeof(pkt));
		pkt.cls &= 3;
		check_same(rs, &pkt);
	}
	return 0;
}
