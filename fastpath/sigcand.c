/* fastpath/sigcand.c - per (family, ingress port, protocol), the
 * signatures a packet can match, resolved when a snapshot is compiled.
 *
 * Called by fastpath/ruleset.c at the end of a compile. Without it a
 * lookup built up to 16 signature keys and probed the hash for each (two
 * thirds of the instructions of a lookup with ten rules); with it, one
 * indexed load finds the list and the lowest address-free rule. Only ICMP
 * type and type+code signatures, which depend on more than the protocol,
 * are still probed per packet (classify.c). */
#include <errno.h>
#include <stdlib.h>

#include "ruleset_impl.h"

static void fp_cand_add(const struct fp_ruleset *rs, struct fp_cand *c,
			uint32_t key, int ports)
{
	const struct fp_sig *s = fp_sig_find(rs, key);

	if (!s)
		return;
	if (s->none < c->none)
		c->none = s->none;
	if (s->min != s->none)
		c->slot[c->n++] = (uint32_t)(s - rs->sigs) | (ports ? FP_CAND_PORTS : 0);
}

static uint32_t fp_cand_min(const struct fp_ruleset *rs, uint32_t slot)
{
	return rs->sigs[slot & ~FP_CAND_PORTS].min;
}

/* By lowest rule, so that the lookup's early exit comes soonest. */
static void fp_cand_sort(const struct fp_ruleset *rs, struct fp_cand *c)
{
	uint32_t i, j, t;

	for (i = 1; i < c->n; i++) {
		t = c->slot[i];
		for (j = i; j > 0 && fp_cand_min(rs, c->slot[j - 1]) > fp_cand_min(rs, t); j--)
			c->slot[j] = c->slot[j - 1];
		c->slot[j] = t;
	}
}

/* Family any or fam, port any or the ingress port (none for in ==
 * FP_NPORTS), and kinds any, protocol and ports. */
static void fp_cand_fill(const struct fp_ruleset *rs, struct fp_cand *c,
			 unsigned fam, unsigned in, unsigned proto)
{
	unsigned fams[2] = { 0, fam }, ports[2] = { 0, 1 + in };
	unsigned np = in < FP_NPORTS ? 2 : 1, f, p;

	c->none = FP_LPM_NONE;
	c->n = 0;
	for (f = 0; f < 2; f++)
		for (p = 0; p < np; p++) {
			fp_cand_add(rs, c, fp_sig_key(fams[f], ports[p], FP_SK_ANY, 0, 0, 0), 0);
			fp_cand_add(rs, c, fp_sig_key(fams[f], ports[p], FP_SK_PROTO,
						      (uint8_t)proto, 0, 0), 0);
			if (fp_proto_has_ports(proto))
				fp_cand_add(rs, c, fp_sig_key(fams[f], ports[p], FP_SK_PORTS,
							      (uint8_t)proto, 0, 0), 1);
		}
	fp_cand_sort(rs, c);
}

int fp_sigcand_build(struct fp_ruleset *rs)
{
	unsigned v6, in, proto;

	rs->cand = malloc(FP_CAND_COUNT * sizeof(*rs->cand));
	if (!rs->cand)
		return -ENOMEM;
	for (v6 = 0; v6 < 2; v6++)
		for (in = 0; in < FP_CAND_INS; in++)
			for (proto = 0; proto < 256; proto++)
				fp_cand_fill(rs, &rs->cand[fp_cand_index(v6, in, (uint8_t)proto)],
					     v6 ? 2 : 1, in, proto);
	return 0;
}
