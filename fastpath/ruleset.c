/* fastpath/ruleset.c - validate and compile rule lists into immutable
 * snapshots.
 *
 * Called by the control plane (config load, reload) to build a snapshot
 * that workers then only read through fp_classify(). A snapshot is
 * all-or-nothing: one inconsistent rule rejects the whole list and nothing
 * is allocated. Compilation turns each rule into a ternary key
 * (ruleset_impl.h) so that matching is a handful of and/xor per rule. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset.h"
#include "ruleset_impl.h"

#define FP_MATCH_KNOWN (FP_MATCH_SRC | FP_MATCH_DST | FP_MATCH_PROTO | \
			FP_MATCH_ICMP_TYPE | FP_MATCH_ICMP_CODE | \
			FP_MATCH_IN | FP_MATCH_FAMILY)

#define FP_PROTO_ICMP 1
#define FP_PROTO_ICMPV6 58

/* Rule indices must stay below FP_NO_RULE (classify.h). */
#define FP_MAX_RULES ((size_t)UINT32_MAX - 1)

static int fp_prefix_valid(const struct fp_prefix *p)
{
	if (p->family == FP_FAMILY_IPV4)
		return p->len <= 32;
	if (p->family == FP_FAMILY_IPV6)
		return p->len <= 128;
	return 0;
}

/* Fold one more implied family into *fam; -1 on a contradiction. */
static int fp_family_join(int *fam, int f)
{
	if (*fam != FP_FAMILY_ANY && *fam != f)
		return -1;
	*fam = f;
	return 0;
}

/* The packet family a (validated-so-far) rule implies: FP_FAMILY_ANY, 4
 * or 6; -1 when its matches imply different families, so it could never
 * match anything. */
static int fp_rule_family(const struct fp_rule *r)
{
	int fam = FP_FAMILY_ANY;

	if ((r->match & FP_MATCH_FAMILY) && fp_family_join(&fam, r->family))
		return -1;
	if ((r->match & FP_MATCH_SRC) && fp_family_join(&fam, r->src.family))
		return -1;
	if ((r->match & FP_MATCH_DST) && fp_family_join(&fam, r->dst.family))
		return -1;
	if (!(r->match & FP_MATCH_ICMP_TYPE))
		return fam;
	if (fp_family_join(&fam, r->proto == FP_PROTO_ICMP ?
				 FP_FAMILY_IPV4 : FP_FAMILY_IPV6))
		return -1;
	return fam;
}

static int fp_rule_validate(const struct fp_rule *r)
{
	uint32_t m = r->match;

	if (r->action > FP_DROP || (m & ~(uint32_t)FP_MATCH_KNOWN))
		return -EINVAL;
	if ((m & FP_MATCH_IN) && r->in_port >= FP_NPORTS)
		return -EINVAL;
	if ((m & FP_MATCH_SRC) && !fp_prefix_valid(&r->src))
		return -EINVAL;
	if ((m & FP_MATCH_DST) && !fp_prefix_valid(&r->dst))
		return -EINVAL;
	if ((m & FP_MATCH_FAMILY) && r->family != FP_FAMILY_IPV4 &&
	    r->family != FP_FAMILY_IPV6)
		return -EINVAL;
	if ((m & FP_MATCH_ICMP_CODE) && !(m & FP_MATCH_ICMP_TYPE))
		return -EINVAL;
	if ((m & FP_MATCH_ICMP_TYPE) && (!(m & FP_MATCH_PROTO) ||
	    (r->proto != FP_PROTO_ICMP && r->proto != FP_PROTO_ICMPV6)))
		return -EINVAL;
	if (fp_rule_family(r) < 0)
		return -EINVAL;
	return 0;
}

static void fp_prefix_compile(const struct fp_prefix *p, uint64_t *val,
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
	fp_key_addr(mask, m);
	fp_key_addr(val, a);
}

static void fp_field_compile(struct fp_crule *c, uint8_t v, unsigned shift)
{
	c->val[0] |= fp_key_field(v, shift);
	c->mask[0] |= fp_key_field(0xff, shift);
}

/* r is valid; c is zeroed (matches everything) on entry. */
static void fp_rule_compile(const struct fp_rule *r, struct fp_crule *c)
{
	int fam = fp_rule_family(r);

	if (fam != FP_FAMILY_ANY)
		fp_field_compile(c, (uint8_t)fam, FP_KSH_FAMILY);
	if (r->match & FP_MATCH_PROTO)
		fp_field_compile(c, r->proto, FP_KSH_PROTO);
	if (r->match & FP_MATCH_ICMP_TYPE) {
		fp_field_compile(c, 1, FP_KSH_HAS_ICMP);
		fp_field_compile(c, r->icmp_type, FP_KSH_ICMP_TYPE);
	}
	if (r->match & FP_MATCH_ICMP_CODE)
		fp_field_compile(c, r->icmp_code, FP_KSH_ICMP_CODE);
	if (r->match & FP_MATCH_IN)
		fp_field_compile(c, r->in_port, FP_KSH_IN_PORT);
	if (r->match & FP_MATCH_SRC)
		fp_prefix_compile(&r->src, &c->val[1], &c->mask[1]);
	if (r->match & FP_MATCH_DST)
		fp_prefix_compile(&r->dst, &c->val[3], &c->mask[3]);
}

void fp_ruleset_destroy(struct fp_ruleset *rs)
{
	if (!rs)
		return;
	free(rs->crules);
	free(rs->actions);
	free(rs->rules);
	free(rs);
}

static int fp_ruleset_fill(struct fp_ruleset *rs, const struct fp_rule *rules,
			   size_t n)
{
	size_t i;

	rs->crules = calloc(n, sizeof(*rs->crules));
	rs->actions = calloc(n, sizeof(*rs->actions));
	rs->rules = calloc(n, sizeof(*rs->rules));
	if (!rs->crules || !rs->actions || !rs->rules)
		return -ENOMEM;
	memcpy(rs->rules, rules, n * sizeof(*rules));
	for (i = 0; i < n; i++) {
		fp_rule_compile(&rules[i], &rs->crules[i]);
		rs->actions[i] = rules[i].action;
	}
	rs->n = n;
	return 0;
}

int fp_ruleset_create(const struct fp_rule *rules, size_t n,
		      const struct fp_policy *policy, struct fp_ruleset **out)
{
	struct fp_ruleset *rs;
	size_t i;
	int err;

	if (!policy || !out || (n && !rules) || n > FP_MAX_RULES)
		return -EINVAL;
	if (policy->deflt > FP_DROP || policy->malformed > FP_DROP ||
	    policy->non_ip > FP_DROP)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		err = fp_rule_validate(&rules[i]);
		if (err)
			return err;
	}

	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	rs->policy = *policy;
	if (n) {
		err = fp_ruleset_fill(rs, rules, n);
		if (err) {
			fp_ruleset_destroy(rs);
			return err;
		}
	}
	*out = rs;
	return 0;
}

size_t fp_ruleset_count(const struct fp_ruleset *rs)
{
	return rs->n;
}

const struct fp_policy *fp_ruleset_policy(const struct fp_ruleset *rs)
{
	return &rs->policy;
}

const struct fp_rule *fp_ruleset_rule(const struct fp_ruleset *rs, size_t i)
{
	return i < rs->n ? &rs->rules[i] : NULL;
}
