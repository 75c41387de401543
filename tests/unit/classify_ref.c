/* tests/unit/classify_ref.c - the linear first-match classifier (oracle).
 *
 * Each rule compiles to a ternary key: a packet matches when
 * (key[i] & mask[i]) == val[i] for every word. Word 0 packs the scalar
 * fields (family, proto, has_icmp, ICMP type/code, ingress port); words
 * 1-2 hold the source address, 3-4 the destination. A field a rule does
 * not match on has a zero mask. Port ranges are two range checks after
 * the key matched, each requiring has_ports. Deliberately simple: this
 * is what the fast classifier is compared against. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify_ref.h"

#define REF_KEY_WORDS 5

enum {
	REF_KSH_FAMILY = 0,
	REF_KSH_PROTO = 8,
	REF_KSH_HAS_ICMP = 16,
	REF_KSH_ICMP_TYPE = 24,
	REF_KSH_ICMP_CODE = 32,
	REF_KSH_IN_PORT = 40,
};

struct ref_crule {
	uint64_t val[REF_KEY_WORDS];
	uint64_t mask[REF_KEY_WORDS];
	uint32_t ports;     /* FP_MATCH_SPORT | FP_MATCH_DPORT of the rule */
	uint16_t sport_lo, sport_hi, dport_lo, dport_hi;
};

struct ref_ruleset {
	size_t n;
	struct fp_policy policy;
	struct ref_crule *crules;
	uint8_t *actions;
};

static uint64_t ref_field(uint8_t v, unsigned shift)
{
	return (uint64_t)v << shift;
}

/* The family a valid rule implies (0: any). */
static int ref_rule_family(const struct fp_rule *r)
{
	if (r->match & FP_MATCH_FAMILY)
		return r->family;
	if (r->match & FP_MATCH_SRC)
		return r->src.family;
	if (r->match & FP_MATCH_DST)
		return r->dst.family;
	if (r->match & FP_MATCH_ICMP_TYPE)
		return r->proto == FP_PROTO_ICMP ? FP_FAMILY_IPV4 : FP_FAMILY_IPV6;
	return FP_FAMILY_ANY;
}

static void ref_prefix_compile(const struct fp_prefix *p, uint64_t *val,
			       uint64_t *mask)
{
	uint8_t m[16] = { 0 }, a[16];
	unsigned i, bits, len = p->len;

	for (i = 0; i < 16 && len; i++) {
		bits = len < 8 ? len : 8;
		m[i] = (uint8_t)(0xff00u >> bits);
		len -= bits;
	}
	for (i = 0; i < 16; i++)
		a[i] = p->addr[i] & m[i];
	memcpy(mask, m, 16);
	memcpy(val, a, 16);
}

static void ref_field_compile(struct ref_crule *c, uint8_t v, unsigned shift)
{
	c->val[0] |= ref_field(v, shift);
	c->mask[0] |= ref_field(0xff, shift);
}

static void ref_rule_compile(const struct fp_rule *r, struct ref_crule *c)
{
	int fam = ref_rule_family(r);

	if (fam != FP_FAMILY_ANY)
		ref_field_compile(c, (uint8_t)fam, REF_KSH_FAMILY);
	if (r->match & FP_MATCH_PROTO)
		ref_field_compile(c, r->proto, REF_KSH_PROTO);
	if (r->match & FP_MATCH_ICMP_TYPE) {
		ref_field_compile(c, 1, REF_KSH_HAS_ICMP);
		ref_field_compile(c, r->icmp_type, REF_KSH_ICMP_TYPE);
	}
	if (r->match & FP_MATCH_ICMP_CODE)
		ref_field_compile(c, r->icmp_code, REF_KSH_ICMP_CODE);
	if (r->match & FP_MATCH_IN)
		ref_field_compile(c, r->in_port, REF_KSH_IN_PORT);
	c->ports = r->match & (FP_MATCH_SPORT | FP_MATCH_DPORT);
	c->sport_lo = r->sport_lo;
	c->sport_hi = r->sport_hi;
	c->dport_lo = r->dport_lo;
	c->dport_hi = r->dport_hi;
	if (r->match & FP_MATCH_SRC)
		ref_prefix_compile(&r->src, &c->val[1], &c->mask[1]);
	if (r->match & FP_MATCH_DST)
		ref_prefix_compile(&r->dst, &c->val[3], &c->mask[3]);
}

void ref_ruleset_destroy(struct ref_ruleset *rs)
{
	if (!rs)
		return;
	free(rs->crules);
	free(rs->actions);
	free(rs);
}

int ref_ruleset_create(const struct fp_rule *rules, size_t n,
		       const struct fp_policy *policy, struct ref_ruleset **out)
{
	struct ref_ruleset *rs;
	size_t i;

	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	rs->policy = *policy;
	rs->crules = calloc(n ? n : 1, sizeof(*rs->crules));
	rs->actions = calloc(n ? n : 1, sizeof(*rs->actions));
	if (!rs->crules || !rs->actions) {
		ref_ruleset_destroy(rs);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		ref_rule_compile(&rules[i], &rs->crules[i]);
		rs->actions[i] = rules[i].action;
	}
	rs->n = n;
	*out = rs;
	return 0;
}

static void ref_pkt_key(const struct fp_pkt *pkt, unsigned in_port,
			uint64_t *k)
{
	uint8_t fam = pkt->cls == FP_PKT_IPV4 ? FP_FAMILY_IPV4 : FP_FAMILY_IPV6;
	uint8_t port = in_port > 0xff ? 0xff : (uint8_t)in_port;

	k[0] = ref_field(fam, REF_KSH_FAMILY) |
	       ref_field(pkt->proto, REF_KSH_PROTO) |
	       ref_field(pkt->has_icmp, REF_KSH_HAS_ICMP) |
	       ref_field(pkt->icmp_type, REF_KSH_ICMP_TYPE) |
	       ref_field(pkt->icmp_code, REF_KSH_ICMP_CODE) |
	       ref_field(port, REF_KSH_IN_PORT);
	memcpy(&k[1], pkt->src, 16);
	memcpy(&k[3], pkt->dst, 16);
}

static int ref_match_ports(const struct ref_crule *c, const struct fp_pkt *pkt)
{
	if (!c->ports)
		return 1;
	if (!pkt->has_ports)
		return 0;
	if ((c->ports & FP_MATCH_SPORT) &&
	    (pkt->sport < c->sport_lo || pkt->sport > c->sport_hi))
		return 0;
	if ((c->ports & FP_MATCH_DPORT) &&
	    (pkt->dport < c->dport_lo || pkt->dport > c->dport_hi))
		return 0;
	return 1;
}

static int ref_match(const struct ref_crule *c, const uint64_t *k,
		     const struct fp_pkt *pkt)
{
	uint64_t diff = 0;
	unsigned i;

	for (i = 0; i < REF_KEY_WORDS; i++)
		diff |= (k[i] & c->mask[i]) ^ c->val[i];
	return diff == 0 && ref_match_ports(c, pkt);
}

static void ref_decide(struct fp_decision *d, uint8_t verdict,
		       uint8_t reason, uint32_t rule)
{
	d->verdict = verdict;
	d->reason = reason;
	d->rule = rule;
}

void ref_classify(const struct ref_ruleset *rs, const struct fp_pkt *pkt,
		  unsigned in_port, struct fp_decision *d)
{
	uint64_t k[REF_KEY_WORDS];
	size_t i;

	if (pkt->cls == FP_PKT_NON_IP) {
		ref_decide(d, rs->policy.non_ip, FP_BY_NON_IP, FP_NO_RULE);
		return;
	}
	if (pkt->cls != FP_PKT_IPV4 && pkt->cls != FP_PKT_IPV6) {
		ref_decide(d, rs->policy.malformed, FP_BY_MALFORMED, FP_NO_RULE);
		return;
	}
	ref_pkt_key(pkt, in_port, k);
	for (i = 0; i < rs->n; i++)
		if (ref_match(&rs->crules[i], k, pkt))
			break;
	if (i < rs->n)
		ref_decide(d, rs->actions[i], FP_BY_RULE, (uint32_t)i);
	else
		ref_decide(d, rs->policy.deflt, FP_BY_POLICY, FP_NO_RULE);
}
