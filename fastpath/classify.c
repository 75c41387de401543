/* fastpath/classify.c - (parsed packet, ingress port, snapshot) -> verdict.
 *
 * Called per packet by the workers and by the fuzzer. First match wins:
 * the answer is the lowest-numbered rule that matches. The snapshot
 * (ruleset_impl.h) groups rules by signature; a packet can only match
 * rules of the at most 16 signatures built from its own fields, so the
 * lookup probes those (skipping classes no rule uses), takes each one's
 * lowest address-free rule, then searches its address tables only while
 * they can still beat the best index so far. The cost depends on the
 * packet and the shape of the rules, not on how many there are.
 * Pure: no I/O, no allocation, no locks, no state. */
#include "classify.h"
#include "ruleset_impl.h"

#define FP_CAND_MAX 16

/* The packet's addresses as lookup keys (IPv4 in the low 32 bits). */
struct fp_keys {
	fp_u128 src, dst;
	int v4;
};

static inline uint32_t fp_min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static inline const struct fp_sig *fp_sig_find(const struct fp_ruleset *rs,
					       uint32_t key)
{
	uint32_t mask = (1u << rs->sig_bits) - 1;
	uint32_t h = fp_sig_hash(key, rs->sig_bits);

	for (;; h = (h + 1) & mask) {
		if (rs->sigs[h].key == key)
			return &rs->sigs[h];
		if (rs->sigs[h].key == FP_SIG_EMPTY)
			return NULL;
	}
}

/* Signature keys the packet can match: family any or its own, port any
 * or its own, and any protocol / its protocol / its ICMP type / type and
 * code, or its protocol's port rules. Only classes some rule uses are
 * kept. */
static inline unsigned fp_cand_keys(const struct fp_ruleset *rs,
				    const struct fp_pkt *pkt, unsigned in_port,
				    uint32_t *keys)
{
	unsigned fams[2] = { 0, pkt->cls == FP_PKT_IPV4 ? 1 : 2 };
	unsigned ports[2] = { 0, 1 + in_port }, np = in_port < FP_NPORTS ? 2 : 1;
	unsigned nkind = pkt->has_icmp ? 4 : pkt->has_ports ? 3 : 2;
	unsigned f, p, k, n = 0;
	uint32_t key;

	for (f = 0; f < 2; f++)
		for (p = 0; p < np; p++)
			for (k = 0; k < nkind; k++) {
				key = fp_sig_key(fams[f], ports[p], k,
						 k ? pkt->proto : 0,
						 k >= FP_SK_TYPE ? pkt->icmp_type : 0,
						 k == FP_SK_CODE ? pkt->icmp_code : 0);
				if (rs->present >> FP_SIG_CLASS(key) & 1)
					keys[n++] = key;
			}
	return n;
}

static inline uint32_t fp_bkey_find(const struct fp_ruleset *rs, fp_u128 src,
				    uint32_t sig, uint32_t len)
{
	uint32_t mask = (1u << rs->bkey_bits) - 1;
	uint32_t h = fp_bkey_hash(src, sig, len, rs->bkey_bits);
	const struct fp_bkey *e;

	for (;; h = (h + 1) & mask) {
		e = &rs->bkeys[h];
		if (!e->len)
			return FP_LPM_NONE;
		if (e->len == len && e->sig == sig && e->src == src)
			return e->tab;
	}
}

/* src+dst rules of s: per source length, the destination table found by
 * the masked source address. */
static inline uint32_t fp_both(const struct fp_ruleset *rs,
			       const struct fp_sig *s, const struct fp_keys *k,
			       uint32_t best)
{
	const struct fp_blen *bl = rs->blens + s->blen;
	uint32_t sig = s->id, i, tab;
	fp_u128 src;

	for (i = 0; i < s->nblen && bl[i].min < best; i++) {
		src = k->v4 ? fp_lpm_mask4((uint32_t)k->src, bl[i].len) :
			      fp_lpm_mask6(k->src, bl[i].len);
		tab = fp_bkey_find(rs, src, sig, bl[i].len);
		if (tab == FP_LPM_NONE)
			continue;
		best = fp_min32(best, k->v4 ?
				fp_lpm_lookup4(&rs->lpm, tab, (uint32_t)k->dst) :
				fp_lpm_lookup6(&rs->lpm, tab, k->dst));
	}
	return best;
}

static inline uint32_t fp_lookup(const struct fp_lpm_set *lpm, uint32_t tab,
				 const struct fp_keys *k, int dst)
{
	fp_u128 a = dst ? k->dst : k->src;

	if (k->v4)
		return fp_lpm_lookup4(lpm, tab, (uint32_t)a);
	return fp_lpm_lookup6(lpm, tab, a);
}

/* Improve best with s's address tables. */
static inline uint32_t fp_sig_best(const struct fp_ruleset *rs,
				   const struct fp_sig *s,
				   const struct fp_keys *k, uint32_t best)
{
	if (s->src_min < best)
		best = fp_min32(best, fp_lookup(&rs->lpm, s->src_tab, k, 0));
	if (s->dst_min < best)
		best = fp_min32(best, fp_lookup(&rs->lpm, s->dst_tab, k, 1));
	if (s->both_min < best)
		best = fp_both(rs, s, k, best);
	return best;
}

/* Improve best with the port classes of port signature s that the
 * packet's ports fall in (each index lists them by lowest rule). */
static inline uint32_t fp_ports_best(const struct fp_ruleset *rs,
				     const struct fp_sig *s,
				     const struct fp_pkt *pkt,
				     const struct fp_keys *k, uint32_t best)
{
	const struct fp_pidx *x;
	const struct fp_prange *r;
	const struct fp_sig *c;
	uint32_t d, j, e, port;

	for (d = 0; d < 2; d++) {
		if (s->port_ix[d] == FP_LPM_NONE)
			continue;
		x = &rs->pidx[s->port_ix[d]];
		port = d == FP_BY_DPORT ? pkt->dport : pkt->sport;
		j = x->seg + fp_lpm_search4(rs->pstart + x->seg, 0, x->nseg - 1,
					    port);
		for (e = rs->poff[j]; e < rs->poff[j + 1]; e++) {
			c = &rs->pcls[rs->plist[e]];
			if (c->min >= best)
				break;
			r = &rs->prange[rs->plist[e]];
			if (pkt->sport < r->lo[FP_BY_SPORT] ||
			    pkt->sport > r->hi[FP_BY_SPORT])
				continue;
			best = fp_sig_best(rs, c, k, fp_min32(best, c->none));
		}
	}
	return best;
}

static inline int fp_sig_has_ports(const struct fp_sig *s)
{
	return (s->port_ix[FP_BY_DPORT] & s->port_ix[FP_BY_SPORT]) != FP_LPM_NONE;
}

static inline void fp_pkt_keys(const struct fp_pkt *pkt, struct fp_keys *k)
{
	k->v4 = pkt->cls == FP_PKT_IPV4;
	if (k->v4) {
		k->src = fp_lpm_addr4(pkt->src);
		k->dst = fp_lpm_addr4(pkt->dst);
	} else {
		k->src = fp_lpm_addr6(pkt->src);
		k->dst = fp_lpm_addr6(pkt->dst);
	}
}

/* Lowest matching rule index, or FP_LPM_NONE. */
static inline uint32_t fp_match(const struct fp_ruleset *rs,
				const struct fp_pkt *pkt, unsigned in_port)
{
	const struct fp_sig *found[FP_CAND_MAX], *s;
	uint32_t keys[FP_CAND_MAX], best = FP_LPM_NONE;
	unsigned i, nk, nf = 0;
	struct fp_keys k;

	nk = fp_cand_keys(rs, pkt, in_port, keys);
	for (i = 0; i < nk; i++) {
		s = fp_sig_find(rs, keys[i]);
		if (!s)
			continue;
		best = fp_min32(best, s->none);
		if (s->min != s->none)
			found[nf++] = s;
	}
	if (!nf)
		return best;
	fp_pkt_keys(pkt, &k);
	for (i = 0; i < nf; i++) {
		s = found[i];
		if (s->min >= best)
			continue;
		best = fp_sig_has_ports(s) ? fp_ports_best(rs, s, pkt, &k, best) :
					     fp_sig_best(rs, s, &k, best);
	}
	return best;
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
	uint32_t i;

	if (pkt->cls == FP_PKT_NON_IP) {
		fp_decide(d, rs->policy.non_ip, FP_BY_NON_IP, FP_NO_RULE);
		return;
	}
	if (pkt->cls != FP_PKT_IPV4 && pkt->cls != FP_PKT_IPV6) {
		fp_decide(d, rs->policy.malformed, FP_BY_MALFORMED, FP_NO_RULE);
		return;
	}
	i = fp_match(rs, pkt, in_port);
	if (i != FP_LPM_NONE)
		fp_decide(d, rs->actions[i], FP_BY_RULE, i);
	else
		fp_decide(d, rs->policy.deflt, FP_BY_POLICY, FP_NO_RULE);
}

void fp_classify_batch(const struct fp_ruleset *rs, const struct fp_pkt *pkt,
		       unsigned n, unsigned in_port, struct fp_decision *d)
{
	for (unsigned i = 0; i < n; i++)
		fp_classify(rs, &pkt[i], in_port, &d[i]);
}
