/* fastpath/classify.c - (parsed packet, ingress port, snapshot) -> verdict.
 *
 * Called per packet by the workers and by the fuzzer. Builds the packet's
 * key once, then scans the compiled rules in order (first match wins).
 * Linear for now: the cost grows with the rule count until the snapshot
 * gets lookup tables. Pure: no I/O, no allocation, no state. */
#include "classify.h"
#include "ruleset_impl.h"

static inline void fp_pkt_key(const struct fp_pkt *pkt, unsigned in_port,
			      uint64_t *k)
{
	uint8_t fam = pkt->cls == FP_PKT_IPV4 ? FP_FAMILY_IPV4 : FP_FAMILY_IPV6;
	/* a port no rule can name, rather than one truncated into range */
	uint8_t port = in_port > 0xff ? 0xff : (uint8_t)in_port;

	k[0] = fp_key_field(fam, FP_KSH_FAMILY) |
	       fp_key_field(pkt->proto, FP_KSH_PROTO) |
	       fp_key_field(pkt->has_icmp, FP_KSH_HAS_ICMP) |
	       fp_key_field(pkt->icmp_type, FP_KSH_ICMP_TYPE) |
	       fp_key_field(pkt->icmp_code, FP_KSH_ICMP_CODE) |
	       fp_key_field(port, FP_KSH_IN_PORT);
	fp_key_addr(&k[1], pkt->src);
	fp_key_addr(&k[3], pkt->dst);
}

static inline int fp_crule_match(const struct fp_crule *c, const uint64_t *k)
{
	uint64_t diff = 0;
	unsigned i;

	for (i = 0; i < FP_KEY_WORDS; i++)
		diff |= (k[i] & c->mask[i]) ^ c->val[i];
	return diff == 0;
}

/* Index of the first matching rule, or n. */
static inline size_t fp_first_match(const struct fp_crule *c, size_t n,
				    const uint64_t *k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fp_crule_match(&c[i], k))
			break;
	return i;
}

static inline void fp_decide(struct fp_decision *d, uint8_t verdict,
			     uint8_t reason, uint32_t rule)
{
	d->verdict = verdict;
	d->reason = reason;
	d->rule = rule;
}

void fp_classify(const struct fp_ruleset *rs, const struct fp_pkt *pkt,
		 unsigned in_port, struct fp_decision *d)
{
	uint64_t k[FP_KEY_WORDS];
	size_t i;

	if (pkt->cls == FP_PKT_NON_IP) {
		fp_decide(d, rs->policy.non_ip, FP_BY_NON_IP, FP_NO_RULE);
		return;
	}
	if (pkt->cls != FP_PKT_IPV4 && pkt->cls != FP_PKT_IPV6) {
		fp_decide(d, rs->policy.malformed, FP_BY_MALFORMED, FP_NO_RULE);
		return;
	}
	fp_pkt_key(pkt, in_port, k);
	i = fp_first_match(rs->crules, rs->n, k);
	if (i < rs->n)
		fp_decide(d, rs->actions[i], FP_BY_RULE, (uint32_t)i);
	else
		fp_decide(d, rs->policy.deflt, FP_BY_POLICY, FP_NO_RULE);
}
