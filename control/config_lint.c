/* control/config_lint.c - rules that can never match (config_lint.h).
 *
 * Rule E covers rule R when every packet R matches, E matches too; an
 * earlier E then decides all of R's packets (first match wins). Found in
 * linear time for the covers that matter in practice: a rule with no
 * match at all; an identical match list (whatever the action); and an
 * earlier rule of a single match (src or dst prefix, protocol, ICMP type
 * [and code], ingress port, or a protocol with one port range), looked
 * up in tables of such rules as the rules are read in order: for a
 * prefix, one lookup per prefix length in use at or under R's; for a
 * port range, one walk of a tree over the range starts (log2 65536).
 *
 * Ports: a rule with sport/dport matches only packets that have ports
 * (never a later fragment), so a protocol rule without ports covers it,
 * but it covers no rule without ports; a port range covers the same
 * side's range it holds, and 0-65535 holds the other side of any port
 * rule. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bigmem.h"
#include "config_lint.h"

#define CTL_NONE SIZE_MAX
#define CTL_FAM_MATCH (FP_MATCH_FAMILY)

/* ---- an open-addressing table of (key -> first rule) --------------------- */

/* No padding anywhere (keys are hashed and compared bytewise). */
struct ctl_key {
	uint32_t match;      /* CTL_K_SAME: the match bits */
	uint8_t kind;        /* enum ctl_kind */
	uint8_t family;
	uint8_t len;         /* a prefix's length */
	uint8_t proto, type, code, port;
	uint8_t unused;
	uint16_t sport_lo, sport_hi, dport_lo, dport_hi; /* CTL_K_SAME */
	uint8_t addr[16];    /* a prefix, masked to len */
	struct fp_prefix src, dst; /* CTL_K_SAME */
};
_Static_assert(sizeof(struct ctl_key) == 4 + 8 + 8 + 16 + 2 * sizeof(struct fp_prefix),
	       "struct ctl_key has no padding");
_Static_assert(sizeof(struct ctl_key) % 8 == 0, "struct ctl_key hashes as 64-bit words");

enum ctl_kind { CTL_K_SAME, CTL_K_SRC, CTL_K_DST, CTL_K_PROTO, CTL_K_TYPE, CTL_K_CODE, CTL_K_IN };

/* A slot holds a rule's index + 1 (0: empty) and 8 bits of its key's
 * hash; the rule's key is made again from the rule only when those bits
 * agree, so a slot costs 5 bytes and a probe rarely reads a rule. */
typedef struct ctl_key (*ctl_key_fn)(const struct fp_rule *r);

struct ctl_table {
	uint32_t *slot;
	uint8_t *tag;
	size_t mask;
	ctl_key_fn key_of;
	const struct fp_rule *rules;
};

static uint64_t ctl_hash(const struct ctl_key *k)
{
	uint64_t w[sizeof(*k) / 8], h = 0x9e3779b97f4a7c15ull;

	memcpy(w, k, sizeof(w));
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		h = (h ^ w[i]) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	return h;
}

static int ctl_table_init(struct ctl_table *t, const struct fw_config *cfg, ctl_key_fn key_of)
{
	size_t cap = 16;

	while (cap < 2 * cfg->nrules)
		cap <<= 1;
	t->mask = cap - 1;
	t->key_of = key_of;
	t->rules = cfg->rules;
	t->slot = fp_big_alloc(NULL, cap * sizeof(*t->slot), 1);
	t->tag = fp_big_alloc(NULL, cap, 0);
	return t->slot && t->tag ? 0 : -ENOMEM;
}

static void ctl_table_fini(struct ctl_table *t)
{
	fp_big_free(t->slot);
	fp_big_free(t->tag);
}

/* The first rule stored under k, or CTL_NONE; with `add`, store `rule`
 * under k when k is new. */
static size_t ctl_table_get(struct ctl_table *t, const struct ctl_key *k, size_t rule, int add)
{
	uint64_t hash = ctl_hash(k);
	uint8_t tag = (uint8_t)(hash >> 56);
	size_t h = (size_t)hash & t->mask;

	for (; t->slot[h]; h = (h + 1) & t->mask) {
		struct ctl_key have;

		if (t->tag[h] != tag)
			continue;
		have = t->key_of(&t->rules[t->slot[h] - 1]);
		if (!memcmp(&have, k, sizeof(*k)))
			return t->slot[h] - 1;
	}
	if (add) {
		t->slot[h] = (uint32_t)rule + 1;
		t->tag[h] = tag;
	}
	return CTL_NONE;
}

/* ---- keys ---------------------------------------------------------------- */

static uint8_t ctl_family_of(const struct fp_rule *r)
{
	return (r->match & CTL_FAM_MATCH) ? r->family : FP_FAMILY_ANY;
}

static struct ctl_key ctl_key_of(enum ctl_kind kind)
{
	struct ctl_key k;

	memset(&k, 0, sizeof(k)); /* padding too: keys are compared bytewise */
	k.kind = (uint8_t)kind;
	return k;
}

static struct ctl_key ctl_key_same(const struct fp_rule *r)
{
	struct ctl_key k = ctl_key_of(CTL_K_SAME);

	k.match = r->match;
	k.family = ctl_family_of(r);
	k.proto = (r->match & FP_MATCH_PROTO) ? r->proto : 0;
	k.type = (r->match & FP_MATCH_ICMP_TYPE) ? r->icmp_type : 0;
	k.code = (r->match & FP_MATCH_ICMP_CODE) ? r->icmp_code : 0;
	k.port = (r->match & FP_MATCH_IN) ? r->in_port : 0;
	if (r->match & FP_MATCH_SPORT) {
		k.sport_lo = r->sport_lo;
		k.sport_hi = r->sport_hi;
	}
	if (r->match & FP_MATCH_DPORT) {
		k.dport_lo = r->dport_lo;
		k.dport_hi = r->dport_hi;
	}
	if (r->match & FP_MATCH_SRC)
		k.src = r->src;
	if (r->match & FP_MATCH_DST)
		k.dst = r->dst;
	return k;
}

static struct ctl_key ctl_key_prefix(enum ctl_kind kind, const struct fp_prefix *p, unsigned len)
{
	struct ctl_key k = ctl_key_of(kind);

	k.family = p->family;
	k.len = (uint8_t)len;
	for (unsigned i = 0; i < len / 8; i++)
		k.addr[i] = p->addr[i];
	if (len % 8)
		k.addr[len / 8] = (uint8_t)(p->addr[len / 8] & (0xff << (8 - len % 8)));
	return k;
}

static struct ctl_key ctl_key_small(enum ctl_kind kind, uint8_t family, uint8_t proto,
				    uint8_t type, uint8_t code, uint8_t port)
{
	struct ctl_key k = ctl_key_of(kind);

	k.family = family;
	k.proto = proto;
	k.type = type;
	k.code = code;
	k.port = port;
	return k;
}

/* ---- the single-match rules that may cover later ones ------------------- */

/* The one thing rule r matches (its family aside), or -1. */
static int ctl_single_kind(const struct fp_rule *r)
{
	switch (r->match & ~(uint32_t)CTL_FAM_MATCH) {
	case FP_MATCH_SRC:
		return CTL_K_SRC;
	case FP_MATCH_DST:
		return CTL_K_DST;
	case FP_MATCH_PROTO:
		return CTL_K_PROTO;
	case FP_MATCH_PROTO | FP_MATCH_ICMP_TYPE:
		return CTL_K_TYPE;
	case FP_MATCH_PROTO | FP_MATCH_ICMP_TYPE | FP_MATCH_ICMP_CODE:
		return CTL_K_CODE;
	case FP_MATCH_IN:
		return (r->match & CTL_FAM_MATCH) ? -1 : CTL_K_IN;
	default:
		return -1;
	}
}

static struct ctl_key ctl_key_single_of(const struct fp_rule *r, int kind)
{
	switch (kind) {
	case CTL_K_SRC:
		return ctl_key_prefix(CTL_K_SRC, &r->src, r->src.len);
	case CTL_K_DST:
		return ctl_key_prefix(CTL_K_DST, &r->dst, r->dst.len);
	case CTL_K_IN:
		return ctl_key_small(CTL_K_IN, 0, 0, 0, 0, r->in_port);
	default:
		return ctl_key_small((enum ctl_kind)kind, ctl_family_of(r), r->proto,
				     kind >= CTL_K_TYPE ? r->icmp_type : 0,
				     kind == CTL_K_CODE ? r->icmp_code : 0, 0);
	}
}

static struct ctl_key ctl_key_single(const struct fp_rule *r)
{
	return ctl_key_single_of(r, ctl_single_kind(r));
}

/* ---- port ranges ---------------------------------------------------- */

/* Earlier rules of one protocol and one port range (sport or dport),
 * per family (any, IPv4, IPv6), protocol with ports and side: a Fenwick
 * tree over the range starts whose prefix maximum is the widest range
 * starting at or under a port, packed as end << 32 | ~rule (the earlier
 * rule wins a tie; 0: none). 512 KiB each, allocated up front for the
 * (family, protocol, side) that some rule of one port range has. */
#define CTL_PORT_TREE (UINT16_MAX + 2)
#define CTL_PORT_PROTOS 5

struct ctl_port_trees {
	uint64_t *tree[3][CTL_PORT_PROTOS][2];
};

static int ctl_port_proto(uint8_t proto)
{
	static const uint8_t protos[CTL_PORT_PROTOS] = {
		FP_PROTO_TCP, FP_PROTO_UDP, FP_PROTO_DCCP, FP_PROTO_SCTP, FP_PROTO_UDPLITE,
	};

	for (int i = 0; i < CTL_PORT_PROTOS; i++)
		if (protos[i] == proto)
			return i;
	return -1;
}

static uint64_t **ctl_port_tree(struct ctl_port_trees *t, uint8_t family, uint8_t proto,
				int dst)
{
	int fam = family == FP_FAMILY_IPV4 ? 1 : family == FP_FAMILY_IPV6 ? 2 : 0;
	int pi = ctl_port_proto(proto);

	return pi < 0 ? NULL : &t->tree[fam][pi][dst];
}

static void ctl_port_trees_fini(struct ctl_port_trees *t)
{
	for (int f = 0; f < 3; f++)
		for (int p = 0; p < CTL_PORT_PROTOS; p++)
			for (int d = 0; d < 2; d++)
				free(t->tree[f][p][d]);
}

/* The side (0: sport, 1: dport) of a rule of a protocol and one port
 * range, its family aside; -1 for any other rule. */
static int ctl_port_side(const struct fp_rule *r)
{
	switch (r->match & ~(uint32_t)CTL_FAM_MATCH) {
	case FP_MATCH_PROTO | FP_MATCH_SPORT:
		return 0;
	case FP_MATCH_PROTO | FP_MATCH_DPORT:
		return 1;
	default:
		return -1;
	}
}

/* The trees the rules will fill, before any finding is reported (so that
 * running out of memory reports none). 0 or -ENOMEM. */
static int ctl_port_trees_init(struct ctl_port_trees *t, const struct fw_config *cfg)
{
	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct fp_rule *r = &cfg->rules[i];
		int side = ctl_port_side(r);
		uint64_t **slot;

		if (side < 0)
			continue;
		slot = ctl_port_tree(t, ctl_family_of(r), r->proto, side);
		if (slot && !*slot && !(*slot = calloc(CTL_PORT_TREE, sizeof(**slot))))
			return -ENOMEM;
	}
	return 0;
}

/* Rule i holds [lo, hi] on the tree's side. */
static void ctl_port_add(uint64_t *tree, unsigned lo, unsigned hi, size_t i)
{
	uint64_t v = (uint64_t)hi << 32 | (uint32_t)~(uint32_t)i;

	for (unsigned n = lo + 1; n < CTL_PORT_TREE; n += n & -n)
		if (tree[n] < v)
			tree[n] = v;
}

/* An earlier rule in the tree whose range holds [lo, hi], or CTL_NONE. */
static size_t ctl_port_find(const uint64_t *tree, unsigned lo, unsigned hi)
{
	uint64_t best = 0;

	if (!tree)
		return CTL_NONE;
	for (unsigned n = lo + 1; n > 0; n -= n & -n)
		if (tree[n] > best)
			best = tree[n];
	return best && best >> 32 >= hi ? (uint32_t)~(uint32_t)best : CTL_NONE;
}

struct ctl_lint {
	struct ctl_table same, single;
	struct ctl_port_trees ports;
	uint64_t lens[2][2][3]; /* [src/dst][v4/v6]: prefix lengths in use, bits 0-128 */
	size_t any;                     /* the first rule with no match, or CTL_NONE */
};

static uint64_t *ctl_lens(struct ctl_lint *l, int dst, uint8_t family)
{
	return l->lens[dst][family == FP_FAMILY_IPV6];
}

static void ctl_lens_set(uint64_t *bits, unsigned len)
{
	bits[len / 64] |= 1ull << (len % 64);
}

/* An earlier single-prefix rule of this side whose prefix holds p. */
static size_t ctl_cover_prefix(struct ctl_lint *l, int dst, const struct fp_prefix *p)
{
	uint64_t *bits = ctl_lens(l, dst, p->family);
	size_t best = CTL_NONE;

	for (unsigned len = 0; len <= p->len; len++) {
		struct ctl_key k;
		size_t e;

		if (!(bits[len / 64] >> (len % 64) & 1))
			continue;
		k = ctl_key_prefix(dst ? CTL_K_DST : CTL_K_SRC, p, len);
		e = ctl_table_get(&l->single, &k, 0, 0);
		if (e < best)
			best = e;
	}
	return best;
}

static size_t ctl_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

static size_t ctl_cover_small(struct ctl_lint *l, enum ctl_kind kind, uint8_t family,
			      uint8_t proto, uint8_t type, uint8_t code, uint8_t port)
{
	struct ctl_key k = ctl_key_small(kind, family, proto, type, code, port);

	return ctl_table_get(&l->single, &k, 0, 0);
}

/* An earlier rule of family ef, r's protocol and one port range that
 * holds r's range on its side, or 0-65535 where r has ports but matches
 * only the other side. */
static size_t ctl_cover_ports(struct ctl_lint *l, const struct fp_rule *r, uint8_t ef)
{
	size_t e = CTL_NONE;

	for (int dst = 0; dst < 2; dst++) {
		uint64_t **tree = ctl_port_tree(&l->ports, ef, r->proto, dst);
		unsigned lo = 0, hi = UINT16_MAX;

		if (!dst && (r->match & FP_MATCH_SPORT)) {
			lo = r->sport_lo;
			hi = r->sport_hi;
		} else if (dst && (r->match & FP_MATCH_DPORT)) {
			lo = r->dport_lo;
			hi = r->dport_hi;
		}
		if (tree)
			e = ctl_min(e, ctl_port_find(*tree, lo, hi));
	}
	return e;
}

/* The earliest single-match rule before r that covers it (for a port
 * range, the widest that does). */
static size_t ctl_cover(struct ctl_lint *l, const struct fp_rule *r)
{
	uint8_t fam = ctl_family_of(r);
	size_t e = l->any;

	if (r->match & FP_MATCH_SRC)
		e = ctl_min(e, ctl_cover_prefix(l, 0, &r->src));
	if (r->match & FP_MATCH_DST)
		e = ctl_min(e, ctl_cover_prefix(l, 1, &r->dst));
	if (r->match & FP_MATCH_IN)
		e = ctl_min(e, ctl_cover_small(l, CTL_K_IN, 0, 0, 0, 0, r->in_port));
	if (!(r->match & FP_MATCH_PROTO))
		return e;
	for (int f = 0; f < 2; f++) { /* a protocol rule of no family, or of r's */
		uint8_t ef = f ? fam : FP_FAMILY_ANY;

		if (f && fam == FP_FAMILY_ANY)
			break;
		e = ctl_min(e, ctl_cover_small(l, CTL_K_PROTO, ef, r->proto, 0, 0, 0));
		if (r->match & (FP_MATCH_SPORT | FP_MATCH_DPORT))
			e = ctl_min(e, ctl_cover_ports(l, r, ef));
		if (r->match & FP_MATCH_ICMP_TYPE)
			e = ctl_min(e, ctl_cover_small(l, CTL_K_TYPE, ef, r->proto, r->icmp_type, 0, 0));
		if (r->match & FP_MATCH_ICMP_CODE)
			e = ctl_min(e, ctl_cover_small(l, CTL_K_CODE, ef, r->proto, r->icmp_type,
						       r->icmp_code, 0));
	}
	return e;
}

/* Remember rule i as a possible cover of later rules. */
static void ctl_lint_learn(struct ctl_lint *l, const struct fp_rule *r, size_t i)
{
	int kind = ctl_single_kind(r), side = ctl_port_side(r);
	struct ctl_key k;

	if (side >= 0) {
		uint64_t **tree = ctl_port_tree(&l->ports, ctl_family_of(r), r->proto, side);

		if (tree && *tree)
			ctl_port_add(*tree, side ? r->dport_lo : r->sport_lo,
				     side ? r->dport_hi : r->sport_hi, i);
		return;
	}
	if (!r->match) {
		if (l->any == CTL_NONE)
			l->any = i;
		return;
	}
	if (kind < 0)
		return;
	k = ctl_key_single_of(r, kind);
	ctl_table_get(&l->single, &k, i, 1);
	if (kind == CTL_K_SRC || kind == CTL_K_DST) {
		const struct fp_prefix *p = kind == CTL_K_SRC ? &r->src : &r->dst;

		ctl_lens_set(ctl_lens(l, kind == CTL_K_DST, p->family), p->len);
	}
}

/* An earlier rule with the same match list. A single-match rule's twin
 * is in the single table, so the cover lookup already found it (one
 * cache miss per rule fewer); others have a table of their own. */
static size_t ctl_same(struct ctl_lint *l, const struct fp_rule *r, size_t i, size_t cover)
{
	struct ctl_key k, have;

	if (ctl_single_kind(r) < 0) {
		k = ctl_key_same(r);
		return ctl_table_get(&l->same, &k, i, 1);
	}
	if (cover == CTL_NONE || cover == l->any)
		return CTL_NONE;
	k = ctl_key_single(r);
	have = ctl_key_single(&l->same.rules[cover]);
	return memcmp(&k, &have, sizeof(k)) ? CTL_NONE : cover;
}

static void ctl_lint_fini(struct ctl_lint *l)
{
	ctl_table_fini(&l->same);
	ctl_table_fini(&l->single);
	ctl_port_trees_fini(&l->ports);
}

long ctl_config_lint(const struct fw_config *cfg, ctl_lint_fn fn, void *arg)
{
	struct ctl_lint l;
	long found = 0;

	memset(&l, 0, sizeof(l));
	l.any = CTL_NONE;
	if (cfg->nrules >= UINT32_MAX)
		return -ENOMEM;
	if (ctl_table_init(&l.same, cfg, ctl_key_same) ||
	    ctl_table_init(&l.single, cfg, ctl_key_single) ||
	    ctl_port_trees_init(&l.ports, cfg)) {
		ctl_lint_fini(&l);
		return -ENOMEM;
	}
	for (size_t i = 0; i < cfg->nrules; i++) {
		const struct fp_rule *r = &cfg->rules[i];
		size_t cover = ctl_cover(&l, r), same = ctl_same(&l, r, i, cover);

		if (same != CTL_NONE || cover != CTL_NONE) {
			size_t e = ctl_min(same, cover);

			fn(arg, cfg, e, i, e == same && r->action == cfg->rules[e].action);
			found++;
		}
		ctl_lint_learn(&l, r, i);
	}
	ctl_lint_fini(&l);
	return found;
}

void ctl_lint_format(const struct fw_config *cfg, size_t earlier, size_t later, int identical,
		     char *buf, size_t len)
{
	const struct fp_rule *e = &cfg->rules[earlier], *r = &cfg->rules[later];
	const char *ef = e->file < cfg->nfiles ? cfg->files[e->file] : "?";
	const char *rf = r->file < cfg->nfiles ? cfg->files[r->file] : "?";
	char et[CTL_ERR_LEN];

	ctl_rule_format(e, et, sizeof(et));
	if (identical)
		snprintf(buf, len, "%s:%u: this rule is identical to %s:%u (%s)", rf, r->line, ef,
			 e->line, et);
	else
		snprintf(buf, len, "%s:%u: this rule can never match: %s:%u (%s) matches every "
			 "packet it would, first", rf, r->line, ef, e->line, et);
}
