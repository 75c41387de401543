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

#define FP_CAND_MAX (FP_CAND_SIGS + 8) /* + ICMP type and code ones */

/* The packet's addresses as lookup keys (IPv4 in the low 32 bits). */
struct fp_keys {
	fp_u128 src, dst;
	int v4;
};

static inline uint32_t fp_min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* One packet's lookup in progress: the signatures it can still match
 * beyond their address-free rules, its keys, and the best rule so far. */
struct fp_probe {
	const struct fp_sig *found[FP_CAND_MAX];
	unsigned nf;
	uint32_t best;
	struct fp_keys k;
};

/* The packet's ICMP type and type+code signatures (in classes some
 * rule uses): family any or its own, port any or its own. */
static inline void fp_probe_icmp(const struct fp_ruleset *rs,
				 const struct fp_pkt *pkt, unsigned in_port,
				 struct fp_probe *pr)
{
	unsigned fams[2] = { 0, pkt->cls == FP_PKT_IPV4 ? 1 : 2 };
	unsigned ports[2] = { 0, 1 + in_port }, np = in_port < FP_NPORTS ? 2 : 1;
	const struct fp_sig *s;
	unsigned f, p, k;
	uint32_t key;

	for (f = 0; f < 2; f++)
		for (p = 0; p < np; p++)
			for (k = FP_SK_TYPE; k <= FP_SK_CODE; k++) {
				key = fp_sig_key(fams[f], ports[p], k, pkt->proto,
						 pkt->icmp_type,
						 k == FP_SK_CODE ? pkt->icmp_code : 0);
				if (!(rs->present >> FP_SIG_CLASS(key) & 1))
					continue;
				s = fp_sig_find(rs, key);
				if (!s)
					continue;
				pr->best = fp_min32(pr->best, s->none);
				if (s->min != s->none)
					pr->found[pr->nf++] = s;
			}
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

static inline uint32_t fp_pkt_port(const struct fp_pkt *pkt, uint32_t d)
{
	return d == FP_BY_DPORT ? pkt->dport : pkt->sport;
}

/* The top 32 bits of an address key (what port list filters hold). */
static inline uint32_t fp_key_top32(const struct fp_keys *k, fp_u128 a)
{
	return k->v4 ? (uint32_t)a : (uint32_t)(a >> 96);
}

/* Improve best with the port classes of port signature s that the
 * packet's ports fall in (each index lists them by lowest rule) and
 * whose address filter it passes. */
static inline uint32_t fp_ports_best(const struct fp_ruleset *rs,
				     const struct fp_sig *s,
				     const struct fp_pkt *pkt,
				     const struct fp_keys *k, uint32_t best)
{
	const uint32_t top[2] = { fp_key_top32(k, k->src), fp_key_top32(k, k->dst) };
	const struct fp_pent *pe;
	const struct fp_sig *c;
	uint32_t d, j, e, other;

	for (d = 0; d < 2; d++) {
		if (s->port_ix[d] == FP_LPM_NONE ||
		    !fp_port_listed(rs, &rs->pidx[s->port_ix[d]], fp_pkt_port(pkt, d)))
			continue;
		j = fp_port_interval(rs, &rs->pidx[s->port_ix[d]], fp_pkt_port(pkt, d));
		other = fp_pkt_port(pkt, !d);
		for (e = rs->pseg[j].off; e < rs->pseg[j + 1].off; e++) {
			pe = &rs->plist[e];
			if (pe->min >= best)
				break;
			if (other < pe->lo || other > pe->hi)
				continue;
			if ((uint64_t)(top[pe->fdst] ^ pe->fkey) >> pe->fshift)
				continue;
			c = &rs->pcls[pe->cls];
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

/* Find the packet's signatures; best = their lowest address-free rule. */
static inline void fp_probe_start(const struct fp_ruleset *rs,
				  const struct fp_pkt *pkt, unsigned in_port,
				  struct fp_probe *pr)
{
	const struct fp_cand *c = &rs->cand[fp_cand_index(
		pkt->cls == FP_PKT_IPV6, in_port, pkt->proto)];
	uint32_t slot;
	unsigned i;

	pr->best = c->none;
	pr->nf = 0;
	for (i = 0; i < c->n; i++) {
		slot = c->slot[i];
		if (!(slot & FP_CAND_PORTS))
			pr->found[pr->nf++] = &rs->sigs[slot];
		else if (pkt->has_ports)
			pr->found[pr->nf++] = &rs->sigs[slot & ~FP_CAND_PORTS];
	}
	if (pkt->has_icmp == 1 && !fp_proto_has_ports(pkt->proto))
		fp_probe_icmp(rs, pkt, in_port, pr); /* (kind 2 is also ports') */
	if (pr->nf)
		fp_pkt_keys(pkt, &pr->k);
}

/* Prefetch step 1 or 2 (lpm.h) of the src-only and dst-only tables the
 * lookup will search: the bulk of the rules, and of the cache misses.
 * (Prefetching the port signatures' indexes and classes the same way
 * made a batch with 10 000 port rules slower, not faster.) */
static inline void fp_probe_prefetch(const struct fp_ruleset *rs, const struct fp_probe *pr,
				     int step)
{
	const struct fp_sig *s;
	unsigned i;

	for (i = 0; i < pr->nf; i++) {
		s = pr->found[i];
		if (s->src_min < pr->best)
			fp_lpm_prefetch(&rs->lpm, s->src_tab, pr->k.src, step);
		if (s->dst_min < pr->best)
			fp_lpm_prefetch(&rs->lpm, s->dst_tab, pr->k.dst, step);
	}
}

/* Search the signatures' tables while they can beat the best so far;
 * the lowest matching rule index, or FP_LPM_NONE. */
static inline uint32_t fp_probe_finish(const struct fp_ruleset *rs,
				       const struct fp_pkt *pkt,
				       struct fp_probe *pr)
{
	const struct fp_sig *s;
	uint32_t best = pr->best;
	unsigned i;

	for (i = 0; i < pr->nf; i++) {
		s = pr->found[i];
		if (s->min >= best)
			continue;
		best = fp_sig_has_ports(s) ? fp_ports_best(rs, s, pkt, &pr->k, best) :
					     fp_sig_best(rs, s, &pr->k, best);
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

/* Decide a frame no rule can judge; 0 when rules must look at it. */
static inline int fp_decide_unruled(const struct fp_ruleset *rs,
				    const struct fp_pkt *pkt,
				    struct fp_decision *d)
{
	if (pkt->cls == FP_PKT_NON_IP) {
		fp_decide(d, rs->policy.non_ip, FP_BY_NON_IP, FP_NO_RULE);
		return 1;
	}
	if (pkt->cls != FP_PKT_IPV4 && pkt->cls != FP_PKT_IPV6) {
		fp_decide(d, rs->policy.malformed, FP_BY_MALFORMED, FP_NO_RULE);
		return 1;
	}
	return 0;
}

static inline void fp_decide_match(const struct fp_ruleset *rs, uint32_t i,
				   struct fp_decision *d)
{
	if (i != FP_LPM_NONE)
		fp_decide(d, rs->actions[i], FP_BY_RULE, i);
	else
		fp_decide(d, rs->policy.deflt, FP_BY_POLICY, FP_NO_RULE);
}

void fp_classify(const struct fp_ruleset *rs, const struct fp_pkt *pkt,
		 unsigned in_port, struct fp_decision *d)
{
	struct fp_probe pr;

	if (fp_decide_unruled(rs, pkt, d))
		return;
	fp_probe_start(rs, pkt, in_port, &pr);
	fp_decide_match(rs, fp_probe_finish(rs, pkt, &pr), d);
}

/* Four passes over the batch when the tables outgrow the caches, so
 * that the cache misses of one packet's table loads overlap those of the
 * others instead of following them: find every packet's signatures and
 * prefetch its first-level entries, then read those and prefetch the
 * intervals, then search and prefetch the matching rule's verdict, then
 * decide. */
static void fp_classify_chunk(const struct fp_ruleset *rs,
			      const struct fp_pkt *pkt, unsigned n,
			      unsigned in_port, struct fp_decision *d)
{
	struct fp_probe pr[FP_CLASSIFY_BATCH];
	uint32_t best[FP_CLASSIFY_BATCH];
	uint8_t ruled[FP_CLASSIFY_BATCH];
	unsigned i;

	for (i = 0; i < n; i++) {
		ruled[i] = !fp_decide_unruled(rs, &pkt[i], &d[i]);
		if (!ruled[i])
			continue;
		fp_probe_start(rs, &pkt[i], in_port, &pr[i]);
		fp_probe_prefetch(rs, &pr[i], 1);
	}
	for (i = 0; i < n; i++)
		if (ruled[i])
			fp_probe_prefetch(rs, &pr[i], 2);
	for (i = 0; i < n; i++)
		if (ruled[i]) {
			best[i] = fp_probe_finish(rs, &pkt[i], &pr[i]);
			if (best[i] != FP_LPM_NONE)
				fp_prefetch(&rs->actions[best[i]]);
		}
	for (i = 0; i < n; i++)
		if (ruled[i])
			fp_decide_match(rs, best[i], &d[i]);
}

void fp_classify_batch(const struct fp_ruleset *rs, const struct fp_pkt *pkt,
		       unsigned n, unsigned in_port, struct fp_decision *d)
{
	unsigned k;

	if (!rs->prefetch) {
		for (k = 0; k < n; k++)
			fp_classify(rs, &pkt[k], in_port, &d[k]);
		return;
	}
	for (; n; n -= k, pkt += k, d += k) {
		k = n < FP_CLASSIFY_BATCH ? n : FP_CLASSIFY_BATCH;
		fp_classify_chunk(rs, pkt, k, in_port, d);
	}
}
