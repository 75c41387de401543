/* bench/tools/rulegen.c - synthetic rule lists and the frames that hit or
 * miss them (rulegen.h). Called by xskwall-classify-bench and
 * xskwall-ring-bench while they build their scenarios, never while they
 * time anything. The order of the random draws is part of the contract:
 * it keeps every published pool reproducible from its seed. */
#include <string.h>

#include "pktbuild.h"
#include "rulegen.h"

static unsigned rg_alen(int fam)
{
	return fam == 4 ? 4 : 16;
}

/* Random bytes under the family's rule space: IPv4 0.0.0.0/1,
 * IPv6 2000::/4. */
static void rg_rule_addr(struct sm_rng *rng, int fam, uint8_t *a)
{
	unsigned i;

	memset(a, 0, 16);
	for (i = 0; i < rg_alen(fam); i++)
		a[i] = (uint8_t)sm_next(rng);
	if (fam == 4)
		a[0] &= 0x7f;
	else
		a[0] = (uint8_t)(0x20 | (a[0] & 0x0f));
}

/* Outside every rule: IPv4 128.0.0.0/2, IPv6 3000::/4. */
static void rg_miss_addr(struct sm_rng *rng, int fam, uint8_t *a)
{
	rg_rule_addr(rng, fam, a);
	if (fam == 4)
		a[0] = (uint8_t)(0x80 | (a[0] & 0x3f));
	else
		a[0] = (uint8_t)(0x30 | (a[0] & 0x0f));
}

static void rg_prefix(struct fp_prefix *p, int fam, unsigned len, const uint8_t *addr)
{
	p->family = (uint8_t)fam;
	p->len = (uint8_t)len;
	memcpy(p->addr, addr, 16);
}

/* The demo rules: pass exception, the drop it pierces, drop echo. */
static size_t rg_demo_rules(int fam, struct fp_rule *r, size_t n)
{
	static const uint8_t net4[16] = { 198, 18, 200, 0 };
	static const uint8_t host4[16] = { 198, 18, 200, 7 };
	static const uint8_t net6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x0b, 0xad };
	static const uint8_t host6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x0b, 0xad, [15] = 7 };
	struct fp_rule demo[3] = {
		{ .action = FP_PASS, .match = FP_MATCH_SRC },
		{ .action = FP_DROP, .match = FP_MATCH_SRC },
		{ .action = FP_DROP, .match = FP_MATCH_PROTO | FP_MATCH_ICMP_TYPE,
		  .proto = fam == 4 ? FP_PROTO_ICMP : FP_PROTO_ICMPV6, .icmp_type = fam == 4 ? 8 : 128 },
	};
	size_t k = n < 3 ? n : 3;

	rg_prefix(&demo[0].src, fam, fam == 4 ? 32 : 128, fam == 4 ? host4 : host6);
	rg_prefix(&demo[1].src, fam, fam == 4 ? 24 : 48, fam == 4 ? net4 : net6);
	memcpy(r, demo, k * sizeof(*r));
	return k;
}

void rg_gen_rules(struct sm_rng *rng, int fam, struct fp_rule *r, size_t n)
{
	uint8_t a[16];
	size_t i = rg_demo_rules(fam, r, n);
	unsigned lo = fam == 4 ? 16 : 32, hi = fam == 4 ? 32 : 128;
	struct fp_prefix *p;

	for (; i < n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].action = FP_DROP;
		r[i].match = sm_next(rng) & 1 ? FP_MATCH_SRC : FP_MATCH_DST;
		p = r[i].match == FP_MATCH_SRC ? &r[i].src : &r[i].dst;
		rg_rule_addr(rng, fam, a);
		rg_prefix(p, fam, lo + sm_below(rng, hi - lo + 1), a);
		r[i].line = (uint32_t)i + 1;
	}
}

static void rg_port_rule(struct sm_rng *rng, int fam, struct fp_rule *r)
{
	unsigned lo = fam == 4 ? 16 : 32, hi = fam == 4 ? 32 : 128, width;
	struct fp_prefix *p;
	uint8_t a[16];

	memset(r, 0, sizeof(*r));
	r->action = FP_PASS;
	r->proto = sm_next(rng) & 1 ? FP_PROTO_UDP : FP_PROTO_TCP;
	r->match = FP_MATCH_PROTO | FP_MATCH_DPORT | (sm_next(rng) & 1 ? FP_MATCH_SRC : FP_MATCH_DST);
	width = sm_below(rng, 10) ? 1 : 2 + sm_below(rng, 99);
	r->dport_lo = (uint16_t)sm_below(rng, 65536 - width + 1);
	r->dport_hi = (uint16_t)(r->dport_lo + width - 1);
	if (sm_below(rng, 5) == 0) {
		r->match |= FP_MATCH_SPORT;
		r->sport_lo = 1024;
		r->sport_hi = 65535;
	}
	p = r->match & FP_MATCH_SRC ? &r->src : &r->dst;
	rg_rule_addr(rng, fam, a);
	rg_prefix(p, fam, lo + sm_below(rng, hi - lo + 1), a);
}

void rg_gen_port_rules(struct sm_rng *rng, int fam, struct fp_rule *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rg_port_rule(rng, fam, &r[i]);
		r[i].line = (uint32_t)i + 1;
	}
}

/* Ethernet + IPv4/IPv6 + a UDP or ICMP echo request header (pktbuild.h),
 * then payload up to min_len; returns the length. */
static uint32_t rg_frame(int fam, int icmp, const uint8_t *src, const uint8_t *dst,
			 struct sm_rng *ports, unsigned min_len, uint8_t *f)
{
	struct pb_frame d = {
		.family = (uint8_t)fam,
		.proto = icmp ? (fam == 4 ? FP_PROTO_ICMP : FP_PROTO_ICMPV6) : FP_PROTO_UDP,
		.icmp_type = fam == 4 ? 8 : 128,
	};
	size_t len;

	if (ports && !icmp) {
		d.sport = (uint16_t)(1024 + sm_below(ports, 65536 - 1024));
		d.dport = (uint16_t)sm_below(ports, 65536);
	}
	memcpy(d.src, src, 16);
	memcpy(d.dst, dst, 16);
	len = pb_build(f, RG_FRAME, &d, NULL);
	if (len && len < min_len) {
		d.payload = min_len - (unsigned)len;
		len = pb_build(f, RG_FRAME, &d, NULL);
	}
	return (uint32_t)len;
}

/* An address inside p, host bits random. */
static void rg_inside(struct sm_rng *rng, const struct fp_prefix *p, uint8_t *a)
{
	unsigned i, len = p->len, bits;

	memset(a, 0, 16);
	for (i = 0; i < rg_alen(p->family); i++) {
		bits = len >= 8 ? 8 : len;
		len -= bits;
		a[i] = (uint8_t)((p->addr[i] & (0xff00u >> bits)) | (sm_next(rng) & (0xffu >> bits)));
	}
}

uint32_t rg_hit_frame(struct sm_rng *rng, struct sm_rng *ports, int fam,
		      const struct fp_rule *r, size_t n, unsigned min_len, uint8_t f[RG_FRAME])
{
	uint8_t src[16], dst[16];
	const struct fp_rule *d;

	rg_miss_addr(rng, fam, src);
	rg_miss_addr(rng, fam, dst);
	if (n < 2)
		return rg_frame(fam, 0, src, dst, ports, min_len, f);
	if (n <= 3 || sm_below(rng, 10) == 0) {
		if (n == 3)
			return rg_frame(fam, 1, src, dst, ports, min_len, f);
		rg_inside(rng, &r[1].src, src);
		src[rg_alen(fam) - 1] = 8; /* not the exception host */
		return rg_frame(fam, 0, src, dst, ports, min_len, f);
	}
	d = &r[3 + sm_next(rng) % (n - 3)];
	if (d->match & FP_MATCH_SRC)
		rg_inside(rng, &d->src, src);
	else
		rg_inside(rng, &d->dst, dst);
	return rg_frame(fam, 0, src, dst, ports, min_len, f);
}

uint32_t rg_miss_frame(struct sm_rng *rng, struct sm_rng *ports, int fam, unsigned min_len,
		       uint8_t f[RG_FRAME])
{
	uint8_t src[16], dst[16];

	rg_miss_addr(rng, fam, src);
	rg_miss_addr(rng, fam, dst);
	return rg_frame(fam, 0, src, dst, ports, min_len, f);
}
