/* fastpath/ruleset_impl.h - inside a compiled snapshot; for ruleset.c and
 * classify.c only. Workers and control code see struct fp_ruleset as
 * opaque.
 *
 * Rules are grouped by signature: everything but the addresses (implied
 * family, ingress port, and protocol / ICMP type / ICMP type+code). A
 * packet can match rules of at most 16 signatures (family any or its own,
 * port any or its own, protocol any / its protocol / its ICMP type / its
 * ICMP type+code), found in an open-addressing hash (struct fp_sig).
 * Within a signature the rules split by address shape:
 *   none  - no address match: the lowest such index is the answer;
 *   src   - source prefix only: one lpm.h table over the source address;
 *   dst   - destination prefix only: one lpm.h table over the destination;
 *   both  - source and destination: per source prefix length in use
 *           (struct fp_blen, ordered by lowest rule), the masked source
 *           address finds a destination lpm.h table in rs->bhash.
 * Each part keeps its lowest rule index, so classify skips parts that
 * cannot beat the best match found so far. A /0 prefix is dropped at
 * compile time (the signature already carries the family).
 *
 * Port rules (sport/dport) have a port signature (kind FP_SK_PORTS: the
 * protocol, no ICMP fields) whose rules split further into port classes,
 * one per distinct pair of port ranges; a class is a struct fp_sig of
 * its own (in rs->pcls, not in the hash) with the same four address
 * parts. The signature finds the classes a packet's ports fall in through
 * two port indexes (portix.c): classes with a dport range by the
 * destination port, the others (sport only) by the source port. An index
 * cuts the ports into intervals where the set of covering classes is
 * constant, and lists each interval's classes by lowest rule. */
#ifndef FP_RULESET_IMPL_H
#define FP_RULESET_IMPL_H

#include <stdint.h>

#include "fw/abi.h"
#include "lpm.h"
#include "rule.h"
#include "ruleset.h"

/* Signature key: fam | port << 2 | kind << 4 | proto << 8 | type << 16 |
 * code << 24. fam: 0 any, 1 IPv4, 2 IPv6; port: 0 any, 1 + port id. */
enum fp_sig_kind {
	FP_SK_ANY = 0,   /* no protocol match */
	FP_SK_PROTO = 1, /* protocol */
	FP_SK_TYPE = 2,  /* protocol + ICMP type */
	FP_SK_CODE = 3,  /* protocol + ICMP type + code */
};

/* Port rules share kind 2 with ICMP type rules: their protocols differ
 * (fp_proto_has_ports), so their keys never meet. */
#define FP_SK_PORTS FP_SK_TYPE

#define FP_SIG_EMPTY UINT32_MAX /* port field 3: no real key has it */
#define FP_SIG_CLASS(k) ((k) & 63) /* fam, port, kind: bit in `present` */

static inline uint32_t fp_sig_key(unsigned fam, unsigned port, unsigned kind,
				  uint8_t proto, uint8_t type, uint8_t code)
{
	return fam | port << 2 | kind << 4 | (uint32_t)proto << 8 |
	       (uint32_t)type << 16 | (uint32_t)code << 24;
}

static inline uint32_t fp_sig_hash(uint32_t key, unsigned bits)
{
	return (uint32_t)(((uint64_t)key * 0x9e3779b97f4a7c15ull) >> (64 - bits));
}

/* One signature (a hash slot). Indices are rule numbers or FP_LPM_NONE. */
struct fp_sig {
	uint32_t key;
	uint32_t min;      /* lowest of none, src_min, dst_min, both_min */
	uint32_t none;     /* lowest rule with no address match */
	uint32_t src_min;  /* lowest rule in src_tab */
	uint32_t dst_min;
	uint32_t both_min;
	uint32_t src_tab;  /* lpm table ids, valid when the *_min is */
	uint32_t dst_tab;
	uint32_t blen;     /* first of nblen entries in rs->blens */
	uint32_t nblen;
	uint32_t id;       /* its name in rs->bkeys: slot, or slots + class */
	uint32_t port_ix[2]; /* port signatures: rs->pidx by dport, by sport */
};

enum fp_port_dim {
	FP_BY_DPORT = 0,
	FP_BY_SPORT = 1,
};

/* One port class's ranges (inclusive; 0-65535 where it has none). */
struct fp_prange {
	uint16_t lo[2], hi[2]; /* [FP_BY_DPORT], [FP_BY_SPORT] */
};

/* One interval of a port index: its first port, and where its classes
 * start in rs->plist (they end where the next interval's start). */
struct fp_pseg {
	uint32_t start;
	uint32_t off;
};

/* One class in an interval's list: the class (rs->pcls), its lowest rule
 * (a walk stops at the first that cannot beat the best so far), its
 * range on the other side (sport in a dport index, dport in a sport
 * index) and an address filter, so that a lookup reads only the classes
 * the packet can match. The filter: when the class has one address table
 * and no address-free rule, the top 32 bits of the prefix that covers
 * all of that table's prefixes (a class of one rule: its own prefix); a
 * packet whose address (source or destination: fdst) differs from fkey
 * in those bits cannot match the class. fshift is 32 minus the filter's
 * length: 32 lets every packet through. */
struct fp_pent {
	uint32_t cls : 25;
	uint32_t fdst : 1;
	uint32_t fshift : 6;
	uint32_t min;
	uint16_t lo, hi;
	uint32_t fkey;
};

/* Filters being built, per class (ruleset.c, then portix.c). */
struct fp_pfilt {
	uint32_t key;
	uint8_t shift;
	uint8_t dst;
	uint8_t tables; /* address tables the class has */
};

/* One port index: intervals rs->pseg[seg .. seg + nseg) (pseg[seg + nseg]
 * starts at 65536 and ends the last list). An index of more than
 * FP_PORT_BUCKET_MIN intervals also has FP_PORT_BUCKETS + 1 entries at
 * rs->pbucket[bucket]: the interval (from seg) holding the first port of
 * each run of 1 << FP_PORT_BUCKET_SHIFT ports, then the last interval,
 * so a lookup searches only the few intervals of the packet's run, and
 * FP_PORT_BITS_WORDS words at rs->pbits[bits]: bit p set when port p's
 * interval lists a class, so most packets skip the index after one bit
 * (a port class is mostly a port or a few); else bucket and bits are
 * FP_LPM_NONE. */
#define FP_PORT_BUCKET_SHIFT 4
#define FP_PORT_BUCKETS (65536u >> FP_PORT_BUCKET_SHIFT)
#define FP_PORT_BUCKET_MIN 16
#define FP_PORT_BITS_WORDS (65536u / 64)
struct fp_pidx {
	uint32_t seg;
	uint32_t nseg;
	uint32_t bucket;
	uint32_t bits;
};

/* A source prefix length used by a signature's src+dst rules. */
struct fp_blen {
	uint32_t min; /* lowest rule with this source length */
	uint32_t len; /* 1..32 or 1..128 */
};

/* (signature slot, source length, masked source) -> destination table. */
struct fp_bkey {
	fp_u128 src;
	uint32_t sig;
	uint32_t len; /* 0: empty slot */
	uint32_t tab;
	uint32_t pad;
};

static inline uint32_t fp_bkey_hash(fp_u128 src, uint32_t sig, uint32_t len,
				    unsigned bits)
{
	uint64_t h = (uint64_t)src ^ (uint64_t)(src >> 64) * 0xff51afd7ed558ccdull;

	h ^= ((uint64_t)sig << 8 | len) * 0xc4ceb9fe1a85ec53ull;
	h *= 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> (64 - bits));
}

struct fp_ruleset {
	size_t n;
	struct fp_policy policy;
	uint8_t *actions;        /* n verdicts */
	const struct fp_rule *rules; /* the n source rules: own_rules, or lent */
	struct fp_rule *own_rules;   /* the copy, when not a view */
	uint64_t present;        /* FP_SIG_CLASS bits of the signatures */
	struct fp_sig *sigs;     /* 1 << sig_bits slots */
	struct fp_cand *cand;    /* FP_CAND_COUNT entries */
	int prefetch;            /* tables too big for the cache: batches
				  * prefetch (classify.c) */
	unsigned sig_bits;
	struct fp_blen *blens;
	struct fp_bkey *bkeys;   /* 1 << bkey_bits slots, or NULL */
	unsigned bkey_bits;
	struct fp_lpm_set lpm;
	struct fp_sig *pcls;      /* port classes */
	struct fp_prange *prange; /* their ranges */
	uint32_t npcls;
	struct fp_pidx *pidx;     /* port indexes */
	uint32_t npidx;
	struct fp_pseg *pseg;     /* their intervals, pooled */
	size_t npseg;
	struct fp_pent *plist;    /* each interval's classes, by lowest rule */
	size_t nplist;
	uint32_t *pbucket;        /* the big indexes' buckets, pooled */
	size_t npbucket;
	uint64_t *pbits;          /* the big indexes' listed ports, pooled */
	size_t npbits;
	/* The one mutable part (rulecount.c): per worker slot, n counts
	 * (count[s] points into count_mem[s], cache-line aligned); base: what
	 * equal rules counted in earlier snapshots. */
	struct fp_rule_count *count[FW_MAX_QUEUES];
	void *count_mem[FW_MAX_QUEUES];
	uint64_t count_slots;    /* bit s: count[s] is there */
	struct fp_rule_count *base;
};

/* The signatures a packet of one family, ingress port and protocol can
 * match apart from ICMP type/code ones (kinds any, protocol, ports), resolved
 * at compile time: their lowest address-free rule, and those with more
 * (tables or port classes) by lowest rule. A port signature's slot carries
 * FP_CAND_PORTS: it applies only to a packet that has ports. */
#define FP_CAND_SIGS 14 /* 2 families x 2 ports x 3 kinds fit */
#define FP_CAND_PORTS (1u << 31)
#define FP_CAND_INS (FP_NPORTS + 1) /* ingress ports, and one for "none" */

struct fp_cand {
	uint32_t none;
	uint32_t n;
	uint32_t slot[FP_CAND_SIGS];
};

/* rs->cand's entry for (IPv6?, ingress port, protocol). */
static inline uint32_t fp_cand_index(unsigned v6, unsigned in_port, uint8_t proto)
{
	unsigned in = in_port < FP_NPORTS ? in_port : FP_NPORTS;

	return (v6 * FP_CAND_INS + in) << 8 | proto;
}

#define FP_CAND_COUNT (2 * FP_CAND_INS * 256)

/* Fill rs->cand from the signature hash (sigcand.c). 0 or -ENOMEM. */
int fp_sigcand_build(struct fp_ruleset *rs);

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

/* Per-rule counters above this many bytes outgrow the caches: the
 * worker prefetches a batch's before counting. Below it that only costs. */
#define FP_PREFETCH_BYTES ((size_t)1 << 20)

/* Whether port index x may list a class for port (no: skip the index). */
static inline int fp_port_listed(const struct fp_ruleset *rs, const struct fp_pidx *x,
				 uint32_t port)
{
	return x->bits == FP_LPM_NONE || (rs->pbits[x->bits + (port >> 6)] >> (port & 63) & 1);
}

/* The interval of port index x that port falls in: the rs->pseg entry
 * of the largest j with pseg[x->seg + j].start <= port (the first starts
 * at 0). */
static inline uint32_t fp_port_interval(const struct fp_ruleset *rs,
					const struct fp_pidx *x, uint32_t port)
{
	const struct fp_pseg *seg = rs->pseg + x->seg;
	const uint32_t *bk;
	uint32_t lo = 0, n = x->nseg, half;

	if (x->bucket != FP_LPM_NONE) {
		bk = rs->pbucket + x->bucket + (port >> FP_PORT_BUCKET_SHIFT);
		lo = bk[0];
		n = bk[1] - lo + 1;
	}

	while (n > 1) {
		half = n / 2;
		lo = seg[lo + half].start <= port ? lo + half : lo;
		n -= half;
	}
	return x->seg + lo;
}

/* Most entries all port indexes of a snapshot may list: classes with
 * ranges that overlap heavily cost an entry per interval they cover. */
#define FP_PORT_MAX_ENTRIES ((size_t)1 << 24)

/* Build the port indexes of every port signature (portix.c) once the
 * classes' tables and lowest rules are known; csig[c] is class c's slot
 * in rs->sigs. 0, -ENOMEM, or -E2BIG past FP_PORT_MAX_ENTRIES. */
int fp_portix_build(struct fp_ruleset *rs, const uint32_t *csig, const struct fp_pfilt *filt);

/* Bytes the port classes and indexes hold. */
size_t fp_portix_bytes(const struct fp_ruleset *rs);

/* Free what fp_portix_build allocated; safe on a half-built snapshot. */
void fp_portix_fini(struct fp_ruleset *rs);

#endif /* FP_RULESET_IMPL_H */
