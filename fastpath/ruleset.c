/* fastpath/ruleset.c - validate and compile rule lists into immutable
 * snapshots.
 *
 * Called by the control plane (config load, reload) to build a snapshot
 * that workers then only read through fp_classify(). A snapshot is
 * all-or-nothing: one inconsistent rule rejects the whole list and nothing
 * is allocated. Compilation groups the rules by signature and address
 * shape (ruleset_impl.h) and builds one lpm.h table per group, so a
 * lookup costs the same for ten rules or a million.
 *
 * Build: one pass assigns each rule a group (signature id x shape), a
 * counting sort lists each group's rules in rule order, and each group
 * becomes a table (sort + sweep, O(k log k)). Scratch arrays are sized
 * by n up front; tables share pooled arrays. No per-rule allocation.
 *
 * Over 500 lines on purpose: validation and compilation are one job (a
 * snapshot is all or nothing) sharing one build state; split, that state
 * would cross files.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "ruleset.h"
#include "ruleset_impl.h"

#define FP_NONE FP_LPM_NONE

#define FP_MATCH_PORTS (FP_MATCH_SPORT | FP_MATCH_DPORT)
#define FP_MATCH_KNOWN (FP_MATCH_SRC | FP_MATCH_DST | FP_MATCH_PROTO | \
			FP_MATCH_ICMP_TYPE | FP_MATCH_ICMP_CODE | \
			FP_MATCH_IN | FP_MATCH_FAMILY | FP_MATCH_PORTS)


/* Rule indices must fit the interval tables' direct entries (lpm.h). */
#define FP_MAX_RULES ((size_t)FP_LPM_MAX_VALUE + 1)

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
	if ((m & FP_MATCH_PORTS) && (!(m & FP_MATCH_PROTO) ||
	    !fp_proto_has_ports(r->proto)))
		return -EINVAL;
	if ((m & FP_MATCH_SPORT) && r->sport_lo > r->sport_hi)
		return -EINVAL;
	if ((m & FP_MATCH_DPORT) && r->dport_lo > r->dport_hi)
		return -EINVAL;
	if (fp_rule_family(r) < 0)
		return -EINVAL;
	return 0;
}

/* Scratch for one fp_ruleset_create(). */
struct fp_build {
	const struct fp_rule *rules;
	size_t n;
	uint32_t *node;    /* per rule: sig id, or nsig + port class id */
	uint32_t *gid;     /* per rule: node * 3 + shape - 1, or FP_NONE */
	uint32_t *skey;    /* sig id -> key */
	uint32_t nsig;
	uint32_t *hkey;    /* key -> sig id hash while grouping, grown as */
	uint32_t *hid;     /* signatures appear (a few, for most lists) */
	unsigned sbits;
	unsigned hbits;    /* the port class hash's: room for n classes */
	uint32_t *pcl;     /* per rule: port class id, or FP_NONE */
	uint32_t *csig;    /* port class id -> sig id, then its slot */
	struct fp_prange *crange; /* port class id -> its ranges */
	struct fp_pfilt *cfilt;   /* port class id -> its address filter */
	uint32_t *hcls;    /* (sig id, ranges) -> port class id hash */
	uint32_t ncls;
	uint32_t *slot;    /* sig id -> slot in rs->sigs */
	uint32_t *order;   /* rule numbers, grouped by gid */
	uint32_t *first;   /* gid -> first position in order; nsig * 3 + 1 */
	struct fp_lpm_pfx *pfx;
	struct fp_lpm_pfx *pfx2; /* destinations of one src+dst run */
	struct fp_bkey *bk;      /* collected (sig, len, src) -> table */
	size_t nbk;
	size_t nblen, capblen;
	struct fp_big_pool *mem; /* where the arrays come from: the tables' */
};

static void fp_build_fini(struct fp_build *b)
{
	fp_big_free(b->node);
	fp_big_free(b->pcl);
	fp_big_free(b->csig);
	fp_big_free(b->crange);
	free(b->cfilt);
	fp_big_free(b->hcls);
	fp_big_free(b->gid);
	fp_big_free(b->skey);
	fp_big_free(b->hkey);
	fp_big_free(b->hid);
	free(b->slot);
	fp_big_free(b->order);
	fp_big_free(b->first);
	fp_big_free(b->pfx);
	fp_big_free(b->pfx2);
	fp_big_free(b->bk);
}

static uint32_t fp_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static unsigned fp_fam_code(int fam)
{
	return fam == FP_FAMILY_IPV4 ? 1 : fam == FP_FAMILY_IPV6 ? 2 : 0;
}

static uint32_t fp_rule_sig(const struct fp_rule *r)
{
	unsigned fam = fp_fam_code(fp_rule_family(r));
	unsigned port = (r->match & FP_MATCH_IN) ? 1u + r->in_port : 0;

	if (r->match & FP_MATCH_ICMP_CODE)
		return fp_sig_key(fam, port, FP_SK_CODE, r->proto,
				  r->icmp_type, r->icmp_code);
	if (r->match & FP_MATCH_ICMP_TYPE)
		return fp_sig_key(fam, port, FP_SK_TYPE, r->proto,
				  r->icmp_type, 0);
	if (r->match & FP_MATCH_PORTS)
		return fp_sig_key(fam, port, FP_SK_PORTS, r->proto, 0, 0);
	if (r->match & FP_MATCH_PROTO)
		return fp_sig_key(fam, port, FP_SK_PROTO, r->proto, 0, 0);
	return fp_sig_key(fam, port, FP_SK_ANY, 0, 0, 0);
}

/* 0 none, 1 src only, 2 dst only, 3 both; a /0 prefix is no match. */
static unsigned fp_rule_shape(const struct fp_rule *r)
{
	unsigned s = 0;

	if ((r->match & FP_MATCH_SRC) && r->src.len)
		s |= 1;
	if ((r->match & FP_MATCH_DST) && r->dst.len)
		s |= 2;
	return s;
}

static unsigned fp_bits_for(size_t n)
{
	unsigned bits = 4;

	while (((size_t)1 << bits) < 2 * n)
		bits++;
	return bits;
}

static int fp_build_alloc(struct fp_build *b)
{
	size_t n = b->n ? b->n : 1;

	b->hbits = fp_bits_for(n);
	b->node = fp_big_alloc(b->mem, n * sizeof(*b->node), 0);
	b->pcl = fp_big_alloc(b->mem, n * sizeof(*b->pcl), 0);
	b->gid = fp_big_alloc(b->mem, n * sizeof(*b->gid), 0);
	b->skey = fp_big_alloc(b->mem, n * sizeof(*b->skey), 0);
	b->order = fp_big_alloc(b->mem, n * sizeof(*b->order), 0);
	b->pfx = fp_big_alloc(b->mem, n * sizeof(*b->pfx), 0);
	if (!b->node || !b->pcl || !b->gid || !b->skey || !b->order || !b->pfx)
		return -ENOMEM;
	return 0;
}

static void fp_sighash_put(struct fp_build *b, uint32_t key, uint32_t id)
{
	uint32_t mask = (1u << b->sbits) - 1;
	uint32_t h = fp_sig_hash(key, b->sbits);

	while (b->hkey[h] != FP_SIG_EMPTY)
		h = (h + 1) & mask;
	b->hkey[h] = key;
	b->hid[h] = id;
}

/* Room for one more signature at half load: a hash twice the size, the
 * known signatures put back (their ids stay). */
static int fp_sighash_grow(struct fp_build *b)
{
	unsigned bits = b->sbits ? b->sbits + 1 : 6;
	size_t slots = (size_t)1 << bits;
	uint32_t i, *key = fp_big_alloc(b->mem, slots * sizeof(*key), 0);
	uint32_t *id = fp_big_alloc(b->mem, slots * sizeof(*id), 0);

	if (!key || !id) {
		fp_big_free(key);
		fp_big_free(id);
		return -ENOMEM;
	}
	memset(key, 0xff, slots * sizeof(*key));
	fp_big_free(b->hkey);
	fp_big_free(b->hid);
	b->hkey = key;
	b->hid = id;
	b->sbits = bits;
	for (i = 0; i < b->nsig; i++)
		fp_sighash_put(b, b->skey[i], i);
	return 0;
}

/* Signature id of key in *id, new ids in order of first appearance. */
static int fp_build_sig_id(struct fp_build *b, uint32_t key, uint32_t *id)
{
	uint32_t mask, h;
	int err;

	if (2 * ((size_t)b->nsig + 1) > ((size_t)1 << b->sbits)) {
		err = fp_sighash_grow(b);
		if (err)
			return err;
	}
	mask = (1u << b->sbits) - 1;
	for (h = fp_sig_hash(key, b->sbits); b->hkey[h] != FP_SIG_EMPTY; h = (h + 1) & mask)
		if (b->hkey[h] == key) {
			*id = b->hid[h];
			return 0;
		}
	b->hkey[h] = key;
	b->hid[h] = b->nsig;
	b->skey[b->nsig] = key;
	*id = b->nsig++;
	return 0;
}

/* A port rule's ranges; 0-65535 where it has none. */
static struct fp_prange fp_rule_prange(const struct fp_rule *r)
{
	struct fp_prange p = { { 0, 0 }, { UINT16_MAX, UINT16_MAX } };

	if (r->match & FP_MATCH_DPORT) {
		p.lo[FP_BY_DPORT] = r->dport_lo;
		p.hi[FP_BY_DPORT] = r->dport_hi;
	}
	if (r->match & FP_MATCH_SPORT) {
		p.lo[FP_BY_SPORT] = r->sport_lo;
		p.hi[FP_BY_SPORT] = r->sport_hi;
	}
	return p;
}

static uint32_t fp_pclass_hash(uint32_t sig, const struct fp_prange *p,
			       unsigned bits)
{
	uint64_t h = ((uint64_t)p->lo[0] << 48 | (uint64_t)p->hi[0] << 32 |
		      (uint64_t)p->lo[1] << 16 | p->hi[1]) ^ (uint64_t)sig << 20;

	h *= 0x9e3779b97f4a7c15ull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(h >> (64 - bits));
}

static int fp_prange_eq(const struct fp_prange *a, const struct fp_prange *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* Port class id of (sig id, ranges), new ids in order of first
 * appearance; the arrays are allocated on the first port rule. */
static int fp_build_pclass(struct fp_build *b, uint32_t sig,
			   const struct fp_rule *r, uint32_t *out)
{
	struct fp_prange p = fp_rule_prange(r);
	uint32_t mask = (1u << b->hbits) - 1, h, c;

	if (!b->hcls) {
		b->csig = fp_big_alloc(b->mem, b->n * sizeof(*b->csig), 0);
		b->crange = fp_big_alloc(b->mem, b->n * sizeof(*b->crange), 0);
		b->hcls = fp_big_alloc(b->mem, ((size_t)1 << b->hbits) * sizeof(*b->hcls), 0);
		if (!b->csig || !b->crange || !b->hcls)
			return -ENOMEM;
		memset(b->hcls, 0xff, ((size_t)1 << b->hbits) * sizeof(*b->hcls));
	}
	for (h = fp_pclass_hash(sig, &p, b->hbits);; h = (h + 1) & mask) {
		c = b->hcls[h];
		if (c == FP_NONE)
			break;
		if (b->csig[c] == sig && fp_prange_eq(&b->crange[c], &p)) {
			*out = c;
			return 0;
		}
	}
	c = b->ncls++;
	b->hcls[h] = c;
	b->csig[c] = sig;
	b->crange[c] = p;
	*out = c;
	return 0;
}

/* Each rule's node: its signature, or its port class (numbered after
 * the signatures). */
static int fp_build_nodes(struct fp_build *b)
{
	size_t i;
	int err = 0;

	for (i = 0; i < b->n && !err; i++) {
		err = fp_build_sig_id(b, fp_rule_sig(&b->rules[i]), &b->node[i]);
		b->pcl[i] = FP_NONE;
		if (!err && (b->rules[i].match & FP_MATCH_PORTS))
			err = fp_build_pclass(b, b->node[i], &b->rules[i],
					      &b->pcl[i]);
	}
	for (i = 0; i < b->n && !err; i++)
		if (b->pcl[i] != FP_NONE)
			b->node[i] = b->nsig + b->pcl[i];
	return err;
}

/* Assign every rule its group, then list each group's rules in order. */
static int fp_build_group(struct fp_build *b)
{
	size_t i, ng;
	unsigned shape;
	int err = fp_build_nodes(b);

	if (err)
		return err;
	for (i = 0; i < b->n; i++) {
		shape = fp_rule_shape(&b->rules[i]);
		b->gid[i] = shape ? b->node[i] * 3 + shape - 1 : FP_NONE;
	}
	ng = ((size_t)b->nsig + b->ncls) * 3;
	b->first = fp_big_alloc(b->mem, (ng + 1) * sizeof(*b->first), 1);
	if (!b->first)
		return -ENOMEM;
	for (i = 0; i < b->n; i++)
		if (b->gid[i] != FP_NONE)
			b->first[b->gid[i] + 1]++;
	for (i = 0; i < ng; i++)
		b->first[i + 1] += b->first[i];
	for (i = 0; i < b->n; i++)
		if (b->gid[i] != FP_NONE)
			b->order[b->first[b->gid[i]]++] = (uint32_t)i;
	for (i = ng; i > 0; i--)  /* undo the shift the placing caused */
		b->first[i] = b->first[i - 1];
	b->first[0] = 0;
	return 0;
}

static void fp_sig_init(struct fp_sig *s, uint32_t key, uint32_t id)
{
	s->key = key;
	s->min = s->none = s->src_min = s->dst_min = s->both_min = FP_NONE;
	s->id = id;
	s->port_ix[FP_BY_DPORT] = s->port_ix[FP_BY_SPORT] = FP_NONE;
}

static uint32_t fp_sig_insert(struct fp_ruleset *rs, uint32_t key)
{
	uint32_t mask = (1u << rs->sig_bits) - 1;
	uint32_t h = fp_sig_hash(key, rs->sig_bits);

	while (rs->sigs[h].key != FP_SIG_EMPTY)
		h = (h + 1) & mask;
	fp_sig_init(&rs->sigs[h], key, h);
	rs->present |= 1ull << FP_SIG_CLASS(key);
	return h;
}

/* The node a group or a rule belongs to: a signature or a port class. */
static struct fp_sig *fp_build_node(const struct fp_build *b,
				    struct fp_ruleset *rs, uint32_t node)
{
	return node < b->nsig ? &rs->sigs[b->slot[node]] :
				&rs->pcls[node - b->nsig];
}

/* The port classes, named after the signature slots in rs->bkeys. */
static int fp_build_pclasses(struct fp_build *b, struct fp_ruleset *rs)
{
	uint32_t c, slots = 1u << rs->sig_bits;

	if (!b->ncls)
		return 0;
	rs->pcls = malloc(b->ncls * sizeof(*rs->pcls));
	rs->prange = malloc(b->ncls * sizeof(*rs->prange));
	b->cfilt = calloc(b->ncls, sizeof(*b->cfilt));
	if (!rs->pcls || !rs->prange || !b->cfilt)
		return -ENOMEM;
	rs->npcls = b->ncls;
	for (c = 0; c < b->ncls; c++) {
		b->csig[c] = b->slot[b->csig[c]];
		fp_sig_init(&rs->pcls[c], rs->sigs[b->csig[c]].key, slots + c);
		rs->prange[c] = b->crange[c];
	}
	return 0;
}

/* The final signature hash and the port classes; the none column comes
 * straight from rules. */
static int fp_build_sigs(struct fp_build *b, struct fp_ruleset *rs)
{
	size_t i, nslots;
	struct fp_sig *s;
	int err;

	rs->sig_bits = fp_bits_for(b->nsig);
	nslots = (size_t)1 << rs->sig_bits;
	rs->sigs = malloc(nslots * sizeof(*rs->sigs));
	b->slot = malloc((b->nsig ? b->nsig : 1) * sizeof(*b->slot));
	if (!rs->sigs || !b->slot)
		return -ENOMEM;
	for (i = 0; i < nslots; i++)
		rs->sigs[i].key = FP_SIG_EMPTY;
	for (i = 0; i < b->nsig; i++)
		b->slot[i] = fp_sig_insert(rs, b->skey[i]);
	err = fp_build_pclasses(b, rs);
	if (err)
		return err;
	for (i = 0; i < b->n; i++) {
		if (b->gid[i] != FP_NONE)
			continue;
		s = fp_build_node(b, rs, b->node[i]);
		s->none = fp_min(s->none, (uint32_t)i);
	}
	return 0;
}

static const struct fp_prefix *fp_side(const struct fp_rule *r, int dst)
{
	return dst ? &r->dst : &r->src;
}

static fp_u128 fp_prefix_key(const struct fp_prefix *p)
{
	return p->family == FP_FAMILY_IPV4 ? fp_lpm_addr4(p->addr) :
					     fp_lpm_addr6(p->addr);
}

/* p[k] = side of rule idx[k], tagged with the rule number. */
static void fp_fill_pfx(const struct fp_rule *rules, const uint32_t *idx,
			size_t k, int dst, struct fp_lpm_pfx *p)
{
	const struct fp_prefix *x;
	size_t j;

	for (j = 0; j < k; j++) {
		x = fp_side(&rules[idx[j]], dst);
		p[j].addr = fp_prefix_key(x);
		p[j].len = x->len;
		p[j].idx = idx[j];
	}
}

static unsigned fp_sig_width(uint32_t key)
{
	return (key & 3) == 1 ? 32 : 128;
}

/* Leading bits a and b share, of width. */
static unsigned fp_common_bits(fp_u128 a, fp_u128 b, unsigned width)
{
	fp_u128 x = a ^ b;
	uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;

	if (width == 32)
		return (uint32_t)x ? (unsigned)__builtin_clz((uint32_t)x) : 32;
	return hi ? (unsigned)__builtin_clzll(hi) : lo ? 64 + (unsigned)__builtin_clzll(lo) : 128;
}

/* Node's address table over p[0..k) (sorted by address): when the node
 * is a port class, its filter (struct fp_pent) becomes the prefix that
 * covers them all. Every address of every p[i] shares its first len
 * bits and the bits the lowest and highest addresses share. */
static void fp_build_filter(struct fp_build *b, uint32_t node, const struct fp_lpm_pfx *p,
			    size_t k, unsigned width, int dst)
{
	struct fp_pfilt *f;
	unsigned len = fp_common_bits(p[0].addr, p[k - 1].addr, width);
	uint32_t top;
	size_t i;

	if (node < b->nsig)
		return;
	f = &b->cfilt[node - b->nsig];
	for (i = 0; i < k; i++)
		len = p[i].len < len ? p[i].len : len;
	len = len < 32 ? len : 32;
	top = width == 32 ? (uint32_t)p[0].addr : (uint32_t)(p[0].addr >> 96);
	f->key = len ? top & ~(uint32_t)0 << (32 - len) : 0;
	f->shift = (uint8_t)(32 - len);
	f->dst = (uint8_t)dst;
	f->tables++;
}

/* A src-only or dst-only group: one table. */
static int fp_build_single(struct fp_build *b, struct fp_ruleset *rs, uint32_t node,
			   const uint32_t *idx, size_t k, int dst)
{
	struct fp_sig *s = fp_build_node(b, rs, node);
	uint32_t tab;
	int err;

	fp_fill_pfx(b->rules, idx, k, dst, b->pfx);
	err = fp_lpm_add(&rs->lpm, fp_sig_width(s->key), b->pfx, k, &tab);
	if (err)
		return err;
	fp_build_filter(b, node, b->pfx, k, fp_sig_width(s->key), dst); /* sorted by the add */
	if (dst) {
		s->dst_tab = tab;
		s->dst_min = idx[0];
	} else {
		s->src_tab = tab;
		s->src_min = idx[0];
	}
	return 0;
}

static int fp_blen_push(struct fp_build *b, struct fp_ruleset *rs,
			uint32_t min, uint32_t len)
{
	struct fp_blen *p;
	size_t cap = b->capblen ? 2 * b->capblen : 64;

	if (b->nblen == b->capblen) {
		p = realloc(rs->blens, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		rs->blens = p;
		b->capblen = cap;
	}
	rs->blens[b->nblen].min = min;
	rs->blens[b->nblen++].len = len;
	return 0;
}

/* s's source lengths, ordered by their lowest rule. */
static int fp_build_blens(struct fp_build *b, struct fp_ruleset *rs,
			  struct fp_sig *s, const uint32_t *lenmin)
{
	struct fp_blen t, *bl;
	uint32_t len, i, j;
	int err;

	s->blen = (uint32_t)b->nblen;
	for (len = 1; len <= 128; len++) {
		if (lenmin[len] == FP_NONE)
			continue;
		err = fp_blen_push(b, rs, lenmin[len], len);
		if (err)
			return err;
	}
	bl = rs->blens + s->blen;
	s->nblen = (uint32_t)b->nblen - s->blen;
	for (i = 1; i < s->nblen; i++) {
		t = bl[i];
		for (j = i; j > 0 && bl[j - 1].min > t.min; j--)
			bl[j] = bl[j - 1];
		bl[j] = t;
	}
	return 0;
}

/* One run of src+dst rules with the same source prefix p[0..k). */
static int fp_build_run(struct fp_build *b, struct fp_ruleset *rs,
			const struct fp_sig *s, const struct fp_lpm_pfx *p,
			size_t k)
{
	struct fp_bkey *e = &b->bk[b->nbk];
	size_t j;
	int err;

	for (j = 0; j < k; j++)
		fp_fill_pfx(b->rules, &p[j].idx, 1, 1, &b->pfx2[j]);
	err = fp_lpm_add(&rs->lpm, fp_sig_width(s->key), b->pfx2, k, &e->tab);
	if (err)
		return err;
	e->src = p[0].addr;
	e->sig = s->id;
	e->len = p[0].len;
	b->nbk++;
	return 0;
}

/* A src+dst group: a destination table per distinct source prefix. */
static int fp_build_both(struct fp_build *b, struct fp_ruleset *rs, uint32_t node,
			 const uint32_t *idx, size_t k)
{
	struct fp_sig *s = fp_build_node(b, rs, node);
	uint32_t lenmin[129];
	size_t i, j;
	int err;

	if (!b->pfx2) {
		b->pfx2 = fp_big_alloc(b->mem, b->n * sizeof(*b->pfx2), 0);
		b->bk = fp_big_alloc(b->mem, b->n * sizeof(*b->bk), 0);
		if (!b->pfx2 || !b->bk)
			return -ENOMEM;
	}
	memset(lenmin, 0xff, sizeof(lenmin));
	fp_fill_pfx(b->rules, idx, k, 0, b->pfx);
	fp_lpm_sort(b->mem, fp_sig_width(s->key), b->pfx, k);
	fp_build_filter(b, node, b->pfx, k, fp_sig_width(s->key), 0);
	for (i = 0; i < k; i = j) {
		for (j = i + 1; j < k && b->pfx[j].addr == b->pfx[i].addr &&
		     b->pfx[j].len == b->pfx[i].len; j++)
			;
		err = fp_build_run(b, rs, s, &b->pfx[i], j - i);
		if (err)
			return err;
		lenmin[b->pfx[i].len] = fp_min(lenmin[b->pfx[i].len],
					       b->pfx[i].idx);
	}
	s->both_min = idx[0];
	return fp_build_blens(b, rs, s, lenmin);
}

static int fp_build_tables(struct fp_build *b, struct fp_ruleset *rs)
{
	size_t g, ng = ((size_t)b->nsig + b->ncls) * 3;
	uint32_t k;
	int err = 0;

	for (g = 0; g < ng && !err; g++) {
		k = b->first[g + 1] - b->first[g];
		if (!k)
			continue;
		if (g % 3 == 2)
			err = fp_build_both(b, rs, (uint32_t)(g / 3), b->order + b->first[g], k);
		else
			err = fp_build_single(b, rs, (uint32_t)(g / 3), b->order + b->first[g],
					      k, g % 3);
	}
	return err;
}

static void fp_bkey_insert(struct fp_ruleset *rs, const struct fp_bkey *e)
{
	uint32_t mask = (1u << rs->bkey_bits) - 1;
	uint32_t h = fp_bkey_hash(e->src, e->sig, e->len, rs->bkey_bits);

	while (rs->bkeys[h].len)
		h = (h + 1) & mask;
	rs->bkeys[h] = *e;
}

static int fp_build_bkeys(struct fp_build *b, struct fp_ruleset *rs)
{
	size_t i;

	if (!b->nbk)
		return 0;
	rs->bkey_bits = fp_bits_for(b->nbk);
	rs->bkeys = fp_big_alloc(b->mem, ((size_t)1 << rs->bkey_bits) * sizeof(*rs->bkeys), 1);
	if (!rs->bkeys)
		return -ENOMEM;
	for (i = 0; i < b->nbk; i++)
		fp_bkey_insert(rs, &b->bk[i]);
	return 0;
}

static void fp_sig_min(struct fp_sig *s)
{
	s->min = fp_min(fp_min(s->none, s->src_min),
			fp_min(s->dst_min, s->both_min));
}

/* Each signature's and port class's lowest rule, for the lookup's early
 * exit; a port signature's is its classes' (portix.c). */
static void fp_build_mins(struct fp_ruleset *rs)
{
	size_t i, nslots = (size_t)1 << rs->sig_bits;

	for (i = 0; i < nslots; i++)
		fp_sig_min(&rs->sigs[i]);
	for (i = 0; i < rs->npcls; i++)
		fp_sig_min(&rs->pcls[i]);
}

static int fp_ruleset_compile(struct fp_ruleset *rs)
{
	struct fp_build b = { .rules = rs->rules, .n = rs->n, .mem = rs->lpm.mem };
	int err;

	err = fp_build_alloc(&b);
	if (!err)
		err = fp_build_group(&b);
	if (!err)
		err = fp_build_sigs(&b, rs);
	if (!err)
		err = fp_build_tables(&b, rs);
	if (!err)
		err = fp_build_bkeys(&b, rs);
	if (!err) {
		fp_build_mins(rs);
		err = fp_portix_build(rs, b.csig, b.cfilt);
	}
	if (!err)
		err = fp_sigcand_build(rs);
	if (!err)
		err = fp_lpm_shrink(&rs->lpm);
	if (!err)
		rs->prefetch = fp_lpm_has_big(&rs->lpm);
	fp_build_fini(&b);
	return err;
}

void fp_ruleset_destroy(struct fp_ruleset *rs)
{
	if (!rs)
		return;
	free(rs->actions);
	fp_big_free(rs->own_rules);
	free(rs->sigs);
	free(rs->cand);
	free(rs->blens);
	fp_big_free(rs->bkeys);
	fp_portix_fini(rs);
	fp_lpm_fini(&rs->lpm);
	fp_ruleset_free_counters(rs);
	free(rs);
}

/* The rules, copied unless the caller lends them (view). */
static int fp_ruleset_fill(struct fp_ruleset *rs, const struct fp_rule *rules,
			   size_t n, int view)
{
	size_t i;

	rs->actions = calloc(n ? n : 1, sizeof(*rs->actions));
	if (!rs->actions)
		return -ENOMEM;
	if (view) {
		rs->rules = rules;
	} else {
		rs->own_rules = fp_big_alloc(rs->lpm.mem, (n ? n : 1) * sizeof(*rs->own_rules), 0);
		if (!rs->own_rules)
			return -ENOMEM;
		if (n)
			memcpy(rs->own_rules, rules, n * sizeof(*rules));
		rs->rules = rs->own_rules;
	}
	for (i = 0; i < n; i++)
		rs->actions[i] = rules[i].action;
	rs->n = n;
	return fp_ruleset_compile(rs);
}

static int fp_ruleset_build(const struct fp_rule *rules, size_t n,
			    const struct fp_policy *policy, int view,
			    struct fp_big_pool *mem, struct fp_ruleset **out)
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
	rs->lpm.mem = mem;
	err = fp_ruleset_fill(rs, rules, n, view);
	if (err) {
		fp_ruleset_destroy(rs);
		return err;
	}
	*out = rs;
	return 0;
}

int fp_ruleset_create(const struct fp_rule *rules, size_t n,
		      const struct fp_policy *policy, struct fp_ruleset **out)
{
	return fp_ruleset_build(rules, n, policy, 0, NULL, out);
}

int fp_ruleset_create_view(const struct fp_rule *rules, size_t n,
			   const struct fp_policy *policy, struct fp_big_pool *mem,
			   struct fp_ruleset **out)
{
	return fp_ruleset_build(rules, n, policy, 1, mem, out);
}

size_t fp_ruleset_count(const struct fp_ruleset *rs)
{
	return rs->n;
}

int fp_ruleset_counters_big(const struct fp_ruleset *rs)
{
	return rs->n * sizeof(struct fp_rule_count) > FP_PREFETCH_BYTES;
}

size_t fp_ruleset_bytes(const struct fp_ruleset *rs)
{
	size_t slots = (size_t)1 << rs->sig_bits;

	return sizeof(*rs) + rs->n * sizeof(*rs->actions) +
	       (rs->own_rules ? rs->n * sizeof(*rs->own_rules) : 0) +
	       slots * sizeof(*rs->sigs) + FP_CAND_COUNT * sizeof(*rs->cand) +
	       (rs->bkeys ? ((size_t)1 << rs->bkey_bits) * sizeof(*rs->bkeys) : 0) +
	       fp_lpm_bytes(&rs->lpm) + fp_portix_bytes(rs);
}

const struct fp_policy *fp_ruleset_policy(const struct fp_ruleset *rs)
{
	return &rs->policy;
}

const struct fp_rule *fp_ruleset_rule(const struct fp_ruleset *rs, size_t i)
{
	return i < rs->n ? &rs->rules[i] : NULL;
}
