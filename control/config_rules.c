/* control/config_rules.c - the rule grammar: `drop`/`pass` followed by
 * matches, each parsed by its row of ctl_matches[] (a match's own words
 * directly after it: `icmp type T code C`, `proto P sport S dport D`),
 * with the ICMP type and protocol name tables. Addresses go through
 * inet_pton only. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bigmem.h"
#include "config_parse.h"

/* State of one rule line while its matches are read. */
struct ctl_rule_ctx {
	struct fp_rule *r;
	struct ctl_line *l;
	int i;                             /* next word */
	uint32_t used;                     /* bit i: ctl_matches[i] seen */
	const struct ctl_tok *proto_kw;    /* what set r->proto ... */
	const struct ctl_tok *proto_val;   /* ... and its value, if any */
	const struct ctl_tok *fam_tok;     /* what set r->family */
	int fam_from_prefix;
};


/* ---- rules: matches ---------------------------------------------------- */

static const struct ctl_name ctl_icmp_types[] = {
	{ "echo-reply", 0 },
	{ "destination-unreachable", 3 },
	{ "dest-unreachable", 3 },
	{ "source-quench", 4 },
	{ "redirect", 5 },
	{ "echo-request", 8 },
	{ "router-advertisement", 9 },
	{ "router-solicitation", 10 },
	{ "time-exceeded", 11 },
	{ "parameter-problem", 12 },
	{ "timestamp-request", 13 },
	{ "timestamp-reply", 14 },
	{ "info-request", 15 },
	{ "info-reply", 16 },
	{ "address-mask-request", 17 },
	{ "address-mask-reply", 18 },
	{ NULL, 0 },
};

static const struct ctl_name ctl_icmp6_types[] = {
	{ "destination-unreachable", 1 },
	{ "dest-unreachable", 1 },
	{ "packet-too-big", 2 },
	{ "time-exceeded", 3 },
	{ "parameter-problem", 4 },
	{ "echo-request", 128 },
	{ "echo-reply", 129 },
	{ "mld-listener-query", 130 },
	{ "mld-listener-report", 131 },
	{ "mld-listener-done", 132 },
	{ "mld-listener-reduction", 132 },
	{ "nd-router-solicit", 133 },
	{ "nd-router-advert", 134 },
	{ "nd-neighbor-solicit", 135 },
	{ "nd-neighbor-advert", 136 },
	{ "nd-redirect", 137 },
	{ "router-renumbering", 138 },
	{ "mld2-listener-report", 143 },
	{ NULL, 0 },
};

/* `proto` names; value 0 in the family column means "any family". */
const struct ctl_name ctl_protos[] = {
	{ "icmp", FP_PROTO_ICMP },
	{ "icmp6", FP_PROTO_ICMPV6 },
	{ "tcp", FP_PROTO_TCP },
	{ "udp", FP_PROTO_UDP },
	{ "dccp", FP_PROTO_DCCP },
	{ "sctp", FP_PROTO_SCTP },
	{ "udplite", FP_PROTO_UDPLITE },
	{ NULL, 0 },
};

#define CTL_PROTO_HINT "icmp, icmp6, tcp, udp, dccp, sctp, udplite or 0-255"
#define CTL_PORTS_HINT "tcp, udp, dccp, sctp, udplite or its number"

static const char *ctl_family_word(uint8_t proto)
{
	return proto == FP_PROTO_ICMP ? "icmp" : "icmp6";
}

/* The next word after kw, or "missing argument" at the end of the line. */
static int ctl_arg(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		   const struct ctl_tok *kw, const struct ctl_tok **out)
{
	if (rc->i >= rc->l->n)
		return ctl_err(p, rc->l->end_col, "missing argument after '%s'", kw->s);
	*out = &rc->l->tok[rc->i++];
	return 0;
}

/* The next word if it is `word` (an optional keyword), else NULL. */
static const struct ctl_tok *ctl_opt(struct ctl_rule_ctx *rc, const char *word)
{
	if (rc->i < rc->l->n && strcmp(rc->l->tok[rc->i].s, word) == 0)
		return &rc->l->tok[rc->i++];
	return NULL;
}

static int ctl_family_conflict(struct ctl_parse *p, struct ctl_rule_ctx *rc,
			       const struct ctl_tok *t, int is_prefix, uint8_t fam)
{
	uint8_t old = rc->r->family, ip = rc->r->proto;

	if (is_prefix && rc->fam_from_prefix)
		return ctl_err(p, t->col,
			       "src and dst are of different families ('%s' is IPv%u, '%s' is IPv%u)",
			       rc->fam_tok->s, old, t->s, fam);
	if (is_prefix)
		return ctl_err(p, t->col, "IPv%u prefix '%s' cannot be used with %s (use %s)",
			       fam, t->s, ctl_family_word(ip),
			       fam == FP_FAMILY_IPV4 ? "icmp" : "icmp6");
	return ctl_err(p, t->col, "%s cannot be used with IPv%u prefix '%s' (use %s)",
		       ctl_family_word(ip), old, rc->fam_tok->s,
		       old == FP_FAMILY_IPV4 ? "icmp" : "icmp6");
}

static int ctl_set_family(struct ctl_parse *p, struct ctl_rule_ctx *rc,
			  const struct ctl_tok *t, int is_prefix, uint8_t fam)
{
	struct fp_rule *r = rc->r;

	if ((r->match & FP_MATCH_FAMILY) && r->family != fam)
		return ctl_family_conflict(p, rc, t, is_prefix, fam);
	if (!(r->match & FP_MATCH_FAMILY) || is_prefix) {
		rc->fam_tok = t;
		rc->fam_from_prefix = is_prefix;
	}
	r->match |= FP_MATCH_FAMILY;
	r->family = fam;
	return 0;
}

static int ctl_set_proto(struct ctl_parse *p, struct ctl_rule_ctx *rc,
			 const struct ctl_tok *kw, const struct ctl_tok *val,
			 uint8_t proto)
{
	struct fp_rule *r = rc->r;

	if ((r->match & FP_MATCH_PROTO) && r->proto != proto)
		return ctl_err(p, kw->col, "'%s%s%s' conflicts with '%s%s%s'",
			       kw->s, val ? " " : "", val ? val->s : "",
			       rc->proto_kw->s, rc->proto_val ? " " : "",
			       rc->proto_val ? rc->proto_val->s : "");
	r->match |= FP_MATCH_PROTO;
	r->proto = proto;
	rc->proto_kw = kw;
	rc->proto_val = val;
	if (proto == FP_PROTO_ICMP && (!val || !strcmp(val->s, "icmp")))
		return ctl_set_family(p, rc, val ? val : kw, 0, FP_FAMILY_IPV4);
	if (proto == FP_PROTO_ICMPV6 && (!val || !strcmp(val->s, "icmp6")))
		return ctl_set_family(p, rc, val ? val : kw, 0, FP_FAMILY_IPV6);
	return 0;
}

static int ctl_prefix_hostbits(struct ctl_parse *p, const struct ctl_tok *t,
			       const struct fp_prefix *px, int af)
{
	uint8_t net[16];
	char hint[INET6_ADDRSTRLEN];
	unsigned int i, bits;
	int dirty = 0;

	for (i = 0; i < 16; i++) {
		bits = px->len > i * 8 ? px->len - i * 8 : 0;
		net[i] = bits >= 8 ? px->addr[i] :
			 (uint8_t)(px->addr[i] & (0xff00u >> bits));
		dirty |= net[i] != px->addr[i];
	}
	if (!dirty)
		return 0;
	inet_ntop(af, net, hint, sizeof(hint));
	return ctl_err(p, t->col, "'%s' has host bits set (did you mean %s/%u?)",
		       t->s, hint, px->len);
}

static int ctl_prefix(struct ctl_parse *p, const struct ctl_tok *t,
		      struct fp_prefix *px)
{
	const char *slash = strchr(t->s, '/');
	size_t alen = slash ? (size_t)(slash - t->s) : strlen(t->s);
	char addr[INET6_ADDRSTRLEN];
	uint32_t len, max;
	int af;

	if (alen == 0 || alen >= sizeof(addr))
		goto bad;
	memcpy(addr, t->s, alen);
	addr[alen] = '\0';
	af = memchr(addr, ':', alen) ? AF_INET6 : AF_INET;
	max = af == AF_INET6 ? 128 : 32;
	memset(px, 0, sizeof(*px));
	if (inet_pton(af, addr, px->addr) != 1)
		goto bad;
	len = max;
	if (slash && (ctl_num(slash + 1, strlen(slash + 1), &len) || len > max))
		goto bad;
	px->family = af == AF_INET6 ? FP_FAMILY_IPV6 : FP_FAMILY_IPV4;
	px->len = (uint8_t)len;
	return ctl_prefix_hostbits(p, t, px, af);
bad:
	return ctl_err(p, t->col, "'%s' is not an IPv4 or IPv6 prefix", t->s);
}

static int ctl_m_addr(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		      const struct ctl_tok *kw, struct fp_prefix *px, uint32_t bit)
{
	const struct ctl_tok *t = NULL;
	int err;

	err = ctl_arg(p, rc, kw, &t);
	if (!err)
		err = ctl_prefix(p, t, px);
	if (!err)
		err = ctl_set_family(p, rc, t, 1, px->family);
	rc->r->match |= bit;
	return err;
}

static int ctl_m_src(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		     const struct ctl_tok *kw)
{
	return ctl_m_addr(p, rc, kw, &rc->r->src, FP_MATCH_SRC);
}

static int ctl_m_dst(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		     const struct ctl_tok *kw)
{
	return ctl_m_addr(p, rc, kw, &rc->r->dst, FP_MATCH_DST);
}

/* ---- ports: `proto P [sport P[-Q]] [dport P[-Q]]` ---------------------- */

static int ctl_is_port_word(const char *s)
{
	return !strcmp(s, "sport") || !strcmp(s, "dport");
}

/* "P" or "P-Q", decimal, 0-65535, P <= Q. */
static int ctl_port_range(struct ctl_parse *p, const struct ctl_tok *t, uint16_t *lo,
			  uint16_t *hi)
{
	size_t n = strlen(t->s);
	const char *dash = memchr(t->s, '-', n);
	size_t n1 = dash ? (size_t)(dash - t->s) : n;
	uint32_t a = 0, b = 0;
	int e1, e2;

	e1 = ctl_num(t->s, n1, &a);
	e2 = dash ? ctl_num(dash + 1, n - n1 - 1, &b) : e1;
	if (!dash)
		b = a;
	if (e1 == -EINVAL || e2 == -EINVAL)
		return ctl_err(p, t->col, "'%s' is not a port or a range (P or P-Q)", t->s);
	if (e1 || e2 || a > UINT16_MAX || b > UINT16_MAX)
		return ctl_err(p, t->col, "'%s' is out of range (ports are 0-65535)", t->s);
	if (a > b)
		return ctl_err(p, t->col, "range '%s' ends before it starts", t->s);
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/* One `sport` or `dport` with its range; kw is the word. */
static int ctl_port(struct ctl_parse *p, struct ctl_rule_ctx *rc, const struct ctl_tok *kw)
{
	struct fp_rule *r = rc->r;
	int dst = kw->s[0] == 'd';
	uint32_t bit = dst ? FP_MATCH_DPORT : FP_MATCH_SPORT;
	const struct ctl_tok *t = NULL;
	int err;

	if (r->match & bit)
		return ctl_err(p, kw->col, "'%s' given twice in one rule", kw->s);
	err = ctl_arg(p, rc, kw, &t);
	if (!err)
		err = dst ? ctl_port_range(p, t, &r->dport_lo, &r->dport_hi) :
			    ctl_port_range(p, t, &r->sport_lo, &r->sport_hi);
	r->match |= bit;
	return err;
}

/* The `sport` and `dport` words directly after `proto P`, in either
 * order; only a protocol with ports (fp_proto_has_ports) takes them. */
static int ctl_ports(struct ctl_parse *p, struct ctl_rule_ctx *rc)
{
	const struct ctl_tok *kw;
	int err;

	while (rc->i < rc->l->n && ctl_is_port_word(rc->l->tok[rc->i].s)) {
		kw = &rc->l->tok[rc->i++];
		if (!fp_proto_has_ports(rc->r->proto))
			return ctl_err(p, kw->col, "'proto %s' has no ports ('%s' needs "
				       CTL_PORTS_HINT ")", rc->proto_val->s, kw->s);
		err = ctl_port(p, rc, kw);
		if (err)
			return err;
	}
	return 0;
}

/* A `sport` or `dport` anywhere but directly after `proto P`. */
static int ctl_port_misplaced(struct ctl_parse *p, const struct ctl_rule_ctx *rc,
			      const struct ctl_tok *kw)
{
	const struct fp_rule *r = rc->r;

	if (r->match & (kw->s[0] == 'd' ? FP_MATCH_DPORT : FP_MATCH_SPORT))
		return ctl_err(p, kw->col, "'%s' given twice in one rule", kw->s);
	if ((r->match & FP_MATCH_PROTO) && fp_proto_has_ports(r->proto)) /* set by `proto P` */
		return ctl_err(p, kw->col, "'%s' must follow 'proto %s' directly", kw->s,
			       rc->proto_val->s);
	return ctl_err(p, kw->col, "'%s' must follow 'proto P', P a protocol with ports ("
		       CTL_PORTS_HINT ")", kw->s);
}

static int ctl_m_proto(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		       const struct ctl_tok *kw)
{
	const struct ctl_tok *t = NULL;
	uint8_t proto;
	int err;

	err = ctl_arg(p, rc, kw, &t);
	if (!err)
		err = ctl_byte(p, t, ctl_protos, "protocol", CTL_PROTO_HINT, &proto);
	if (!err)
		err = ctl_set_proto(p, rc, kw, t, proto);
	return err ? err : ctl_ports(p, rc);
}

/* icmp|icmp6 [type T [code C]] */
static int ctl_m_icmp_common(struct ctl_parse *p, struct ctl_rule_ctx *rc,
			     const struct ctl_tok *kw, uint8_t proto,
			     const struct ctl_name *types, const char *what)
{
	const struct ctl_tok *t, *v = NULL;
	int err;

	err = ctl_set_proto(p, rc, kw, NULL, proto);
	if (err)
		return err;
	t = ctl_opt(rc, "type");
	if (!t) {
		t = ctl_opt(rc, "code");
		return t ? ctl_err(p, t->col, "'code' needs a 'type' before it") : 0;
	}
	err = ctl_arg(p, rc, t, &v);
	if (!err)
		err = ctl_byte(p, v, types, what, "a name or 0-255",
			       &rc->r->icmp_type);
	if (err)
		return err;
	rc->r->match |= FP_MATCH_ICMP_TYPE;
	t = ctl_opt(rc, "code");
	if (!t)
		return 0;
	err = ctl_arg(p, rc, t, &v);
	if (!err)
		err = ctl_byte(p, v, NULL, "ICMP code", "0-255",
			       &rc->r->icmp_code);
	rc->r->match |= FP_MATCH_ICMP_CODE;
	return err;
}

static int ctl_m_icmp(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		      const struct ctl_tok *kw)
{
	return ctl_m_icmp_common(p, rc, kw, FP_PROTO_ICMP, ctl_icmp_types,
				 "ICMP type");
}

static int ctl_m_icmp6(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		       const struct ctl_tok *kw)
{
	return ctl_m_icmp_common(p, rc, kw, FP_PROTO_ICMPV6, ctl_icmp6_types,
				 "ICMPv6 type");
}

static int ctl_m_in(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		    const struct ctl_tok *kw)
{
	const struct ctl_tok *t = NULL;
	const struct ctl_name *n;
	char names[32];
	int err;

	err = ctl_arg(p, rc, kw, &t);
	if (err)
		return err;
	n = ctl_name_find(ctl_port_names, t->s);
	if (!n)
		return ctl_err(p, t->col, "'%s' is not a port (expected %s)", t->s,
			       ctl_names_join(ctl_port_names, names, sizeof(names)));
	rc->r->in_port = n->value;
	rc->r->match |= FP_MATCH_IN;
	return 0;
}

struct ctl_match {
	const char *name;
	int (*parse)(struct ctl_parse *p, struct ctl_rule_ctx *rc,
		     const struct ctl_tok *kw);
};

static const struct ctl_match ctl_matches[] = {
	{ "src", ctl_m_src },
	{ "dst", ctl_m_dst },
	{ "proto", ctl_m_proto },
	{ "icmp", ctl_m_icmp },
	{ "icmp6", ctl_m_icmp6 },
	{ "in", ctl_m_in },
	{ NULL, NULL },
};

/* "src, dst, ... or in": the matches, for the unknown-match message. */
static const char *ctl_match_names(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; ctl_matches[i].name && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", !i ? "" :
					ctl_matches[i + 1].name ? ", " : " or ", ctl_matches[i].name);
	return buf;
}

static int ctl_rule_word(struct ctl_parse *p, struct ctl_rule_ctx *rc)
{
	const struct ctl_tok *kw = &rc->l->tok[rc->i++];
	char names[64];
	int i;

	for (i = 0; ctl_matches[i].name; i++)
		if (strcmp(ctl_matches[i].name, kw->s) == 0)
			break;
	if (!ctl_matches[i].name) {
		if (!strcmp(kw->s, "type") || !strcmp(kw->s, "code"))
			return ctl_err(p, kw->col,
				       "'%s' must follow 'icmp' or 'icmp6'%s", kw->s,
				       kw->s[0] == 'c' ? " and a type" : "");
		if (ctl_is_port_word(kw->s))
			return ctl_port_misplaced(p, rc, kw);
		return ctl_err(p, kw->col, "unknown match '%s' (expected %s)", kw->s,
			       ctl_match_names(names, sizeof(names)));
	}
	if (rc->used & (1u << i))
		return ctl_err(p, kw->col, "'%s' given twice in one rule", kw->s);
	rc->used |= 1u << i;
	return ctl_matches[i].parse(p, rc, kw);
}

static int ctl_rules_reserve(struct ctl_parse *p)
{
	struct fw_config *c = p->cfg;
	size_t cap;
	struct fp_rule *r;

	if (c->nrules >= CTL_MAX_RULES)
		return ctl_err(p, 1, "more than %u rules in the configuration", CTL_MAX_RULES);
	if (c->nrules < c->rules_cap)
		return 0;
	cap = c->rules_cap ? c->rules_cap * 2 : 64;
	if (cap > CTL_MAX_RULES)
		cap = CTL_MAX_RULES;
	if (cap > SIZE_MAX / sizeof(*r))
		return ctl_oom(p);
	r = fp_big_realloc(p->mem, c->rules, cap * sizeof(*r)); /* hugepages, no copies */
	if (!r)
		return ctl_oom(p);
	c->rules = r;
	c->rules_cap = cap;
	return 0;
}

int ctl_key_rule(struct ctl_parse *p, const struct ctl_key *k,
			struct ctl_line *l)
{
	struct ctl_rule_ctx rc;
	int err;

	err = ctl_rules_reserve(p);
	if (err)
		return err;
	memset(&rc, 0, sizeof(rc));
	rc.r = &p->cfg->rules[p->cfg->nrules];
	rc.l = l;
	rc.i = 1;
	memset(rc.r, 0, sizeof(*rc.r));
	rc.r->action = k->verdict;
	rc.r->line = p->file->line;
	rc.r->file = p->file_index;
	while (rc.i < l->n) {
		err = ctl_rule_word(p, &rc);
		if (err)
			return err;
	}
	p->cfg->nrules++;
	return 0;
}

