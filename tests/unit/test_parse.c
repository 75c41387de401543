/* tests/unit/test_parse.c - fp_parse() against frames built by pktbuild.h.
 *
 * Table-driven: good frames with every output field checked, a corpus of
 * malformed frames that together cover every enum fp_bad value, and a
 * truncation sweep that parses every prefix of every good frame from an
 * exactly-sized heap buffer so that ASan sees any over-read. Every table
 * row runs as its own cmocka test.
 *
 * Long on purpose: the frame corpus is data (one row per case).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "parse.h"
#include "pktbuild.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define FRAME_MAX 2048

#define V4_SRC { 192, 0, 2, 1 }
#define V4_DST { 198, 51, 100, 7 }
#define V6_SRC { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }
#define V6_DST { 0x20, 0x01, 0x0d, 0xb8, 0xba, 0xd0, 0, 0, \
		 0, 0, 0, 0, 0, 0, 0x12, 0x34 }

#define IP4(...) .family = 4, .src = V4_SRC, .dst = V4_DST, __VA_ARGS__
#define IP6(...) .family = 6, .src = V6_SRC, .dst = V6_DST, __VA_ARGS__

struct expect {
	uint8_t cls, proto, has_icmp, icmp_type, icmp_code, nvlan, is_frag;
	uint8_t has_ports;
	uint16_t sport, dport;
	uint16_t ethertype;
};

struct good_case {
	const char *name;
	struct pb_frame f;
	struct expect e;
};

#define E4(...) { .cls = FP_PKT_IPV4, .ethertype = PB_ETH_P_IPV4, __VA_ARGS__ }
#define E6(...) { .cls = FP_PKT_IPV6, .ethertype = PB_ETH_P_IPV6, __VA_ARGS__ }
/* A frame's ports (P) and the parse that reads them (HAS). */
#define P(s, d) .sport = (s), .dport = (d)
#define HAS(s, d) .has_ports = 1, P(s, d)

static const struct good_case good_cases[] = {
	{ "udp4", { IP4(.proto = 17, .payload = 10, P(4000, 53)) },
	  E4(.proto = 17, HAS(4000, 53)) },
	{ "tcp4", { IP4(.proto = 6, .payload = 3, P(4000, 443)) },
	  E4(.proto = 6, HAS(4000, 443)) },
	{ "udp4-ports-0-65535", { IP4(.proto = 17, P(0, 65535)) },
	  E4(.proto = 17, HAS(0, 65535)) },
	{ "tcp4-ports-65535-1", { IP4(.proto = 6, P(65535, 1)) },
	  E4(.proto = 6, HAS(65535, 1)) },
	{ "sctp4", { IP4(.proto = 132, .payload = 16, P(2905, 36412)) },
	  E4(.proto = 132, HAS(2905, 36412)) },
	{ "dccp4", { IP4(.proto = 33, P(5001, 5002)) },
	  E4(.proto = 33, HAS(5001, 5002)) },
	{ "udplite4", { IP4(.proto = 136, .payload = 5, P(1, 2)) },
	  E4(.proto = 136, HAS(1, 2)) },
	{ "udp4-first-fragment",
	  { IP4(.proto = 17, .ip4_frag = PB_IPV4_MF, .payload = 64, P(53, 1234)) },
	  E4(.proto = 17, .is_frag = 1, HAS(53, 1234)) },
	{ "tcp4-middle-fragment",
	  { IP4(.proto = 6, .ip4_frag = PB_IPV4_MF | 3, P(80, 8080)) },
	  E4(.proto = 6, .is_frag = 1) },
	{ "icmp4-echo", { IP4(.proto = 1, .icmp_type = 8) },
	  E4(.proto = 1, .has_icmp = 1, .icmp_type = 8) },
	{ "icmp4-unreach-padded",
	  { IP4(.proto = 1, .icmp_type = 3, .icmp_code = 13, .pad = 18) },
	  E4(.proto = 1, .has_icmp = 1, .icmp_type = 3, .icmp_code = 13) },
	{ "icmp4-df", { IP4(.proto = 1, .icmp_type = 0, .icmp_code = 0,
			    .ip4_frag = PB_IPV4_DF) },
	  E4(.proto = 1, .has_icmp = 1) },
	{ "gre4", { IP4(.proto = 47, .payload = 4) }, E4(.proto = 47) },
	{ "proto58-over-ipv4-is-not-icmp",
	  { IP4(.proto = 58, .payload = 8) }, E4(.proto = 58) },
	{ "ipv4-options-4", { IP4(.proto = 1, .icmp_type = 11, .icmp_code = 1,
				  .ip4_optlen = 4) },
	  E4(.proto = 1, .has_icmp = 1, .icmp_type = 11, .icmp_code = 1) },
	{ "ipv4-options-40", { IP4(.proto = 17, .ip4_optlen = 40, P(7, 9)) },
	  E4(.proto = 17, HAS(7, 9)) },
	{ "ipv4-options-40-icmp", { IP4(.proto = 1, .icmp_type = 5,
					.icmp_code = 2, .ip4_optlen = 40) },
	  E4(.proto = 1, .has_icmp = 1, .icmp_type = 5, .icmp_code = 2) },
	{ "ipv4-first-fragment-icmp",
	  { IP4(.proto = 1, .icmp_type = 8, .ip4_frag = PB_IPV4_MF,
		.payload = 100) },
	  E4(.proto = 1, .has_icmp = 1, .icmp_type = 8, .is_frag = 1) },
	{ "ipv4-middle-fragment-icmp",
	  { IP4(.proto = 1, .icmp_type = 8, .ip4_frag = PB_IPV4_MF | 185) },
	  E4(.proto = 1, .is_frag = 1) },
	{ "ipv4-last-fragment-icmp",
	  { IP4(.proto = 1, .icmp_type = 8, .ip4_frag = 1) },
	  E4(.proto = 1, .is_frag = 1) },
	{ "ipv4-last-fragment-udp",
	  { IP4(.proto = 17, .ip4_frag = 0x1fff, P(4000, 53)) },
	  E4(.proto = 17, .is_frag = 1) },
	{ "udp6", { IP6(.proto = 17, .payload = 20, P(546, 547)) },
	  E6(.proto = 17, HAS(546, 547)) },
	{ "tcp6", { IP6(.proto = 6, P(50000, 22)) }, E6(.proto = 6, HAS(50000, 22)) },
	{ "sctp6", { IP6(.proto = 132, P(9, 65535)) }, E6(.proto = 132, HAS(9, 65535)) },
	{ "dccp6", { IP6(.proto = 33, .payload = 4, P(0, 0)) }, E6(.proto = 33, HAS(0, 0)) },
	{ "udplite6", { IP6(.proto = 136, P(1000, 2000)) },
	  E6(.proto = 136, HAS(1000, 2000)) },
	{ "ipv6-chain-udp-ports",
	  { IP6(.proto = 17, .next = 3, .ext = { PB_NH_HOPOPTS, PB_NH_ROUTING, PB_NH_DSTOPTS },
		.ext_len = { 16, 24, 8 }, P(123, 4567)) },
	  E6(.proto = 17, HAS(123, 4567)) },
	{ "ipv6-ah-sctp-ports",
	  { IP6(.proto = 132, .next = 2, .ext = { PB_NH_DSTOPTS, PB_NH_AH },
		.ext_len = { 8, 12 }, P(38412, 38412)) },
	  E6(.proto = 132, HAS(38412, 38412)) },
	{ "ipv6-first-fragment-tcp",
	  { IP6(.proto = 6, .next = 2, .ext = { PB_NH_HOPOPTS, PB_NH_FRAGMENT },
		.frag_more = 1, .payload = 100, P(443, 61000)) },
	  E6(.proto = 6, .is_frag = 1, HAS(443, 61000)) },
	{ "ipv6-later-fragment-udp",
	  { IP6(.proto = 17, .next = 1, .ext = { PB_NH_FRAGMENT },
		.frag_off = 1448, P(53, 53)) },
	  E6(.proto = 17, .is_frag = 1) },
	{ "icmp6-echo", { IP6(.proto = 58, .icmp_type = 128) },
	  E6(.proto = 58, .has_icmp = 1, .icmp_type = 128) },
	{ "icmp6-unreach", { IP6(.proto = 58, .icmp_type = 1, .icmp_code = 4,
				 .pad = 7) },
	  E6(.proto = 58, .has_icmp = 1, .icmp_type = 1, .icmp_code = 4) },
	{ "proto1-over-ipv6-is-not-icmp", { IP6(.proto = 1, .payload = 8) },
	  E6(.proto = 1) },
	{ "ipv6-no-next-header", { IP6(.proto = 59, .payload = 4) },
	  E6(.proto = 59) },
	{ "vlan1-udp4", { IP4(.proto = 17, .ntags = 1,
			      .tpid = { PB_ETH_P_8021Q }, P(68, 67)) },
	  E4(.proto = 17, .nvlan = 1, HAS(68, 67)) },
	{ "vlan2-qinq-icmp4",
	  { IP4(.proto = 1, .icmp_type = 8, .ntags = 2,
		.tpid = { PB_ETH_P_8021AD, PB_ETH_P_8021Q }) },
	  E4(.proto = 1, .has_icmp = 1, .icmp_type = 8, .nvlan = 2) },
	{ "vlan3-icmp6",
	  { IP6(.proto = 58, .icmp_type = 135, .ntags = 3,
		.tpid = { PB_ETH_P_8021Q, PB_ETH_P_8021Q, PB_ETH_P_8021AD }) },
	  E6(.proto = 58, .has_icmp = 1, .icmp_type = 135, .nvlan = 3) },
	{ "vlan4-tcp6",
	  { IP6(.proto = 6, .ntags = 4,
		.tpid = { PB_ETH_P_8021AD, PB_ETH_P_8021Q, PB_ETH_P_8021AD,
			  PB_ETH_P_8021Q }, P(1, 65534)) },
	  E6(.proto = 6, .nvlan = 4, HAS(1, 65534)) },
	{ "vlan4-icmp4-padded",
	  { IP4(.proto = 1, .icmp_type = 13, .ntags = 4, .pad = 3,
		.tpid = { PB_ETH_P_8021Q, PB_ETH_P_8021Q, PB_ETH_P_8021Q,
			  PB_ETH_P_8021Q }) },
	  E4(.proto = 1, .has_icmp = 1, .icmp_type = 13, .nvlan = 4) },
	{ "ipv6-hopopts-udp",
	  { IP6(.proto = 17, .next = 1, .ext = { PB_NH_HOPOPTS }, P(4000, 53)) },
	  E6(.proto = 17, HAS(4000, 53)) },
	{ "ipv6-hopopts-24-icmp6",
	  { IP6(.proto = 58, .icmp_type = 143, .next = 1,
		.ext = { PB_NH_HOPOPTS }, .ext_len = { 24 }) },
	  E6(.proto = 58, .has_icmp = 1, .icmp_type = 143) },
	{ "ipv6-routing-tcp",
	  { IP6(.proto = 6, .next = 1, .ext = { PB_NH_ROUTING },
		.ext_len = { 40 }, P(4000, 443)) },
	  E6(.proto = 6, HAS(4000, 443)) },
	{ "ipv6-dstopts-icmp6",
	  { IP6(.proto = 58, .icmp_type = 129, .next = 1,
		.ext = { PB_NH_DSTOPTS }, .ext_len = { 16 }) },
	  E6(.proto = 58, .has_icmp = 1, .icmp_type = 129) },
	{ "ipv6-ah12-icmp6",
	  { IP6(.proto = 58, .icmp_type = 2, .next = 1, .ext = { PB_NH_AH },
		.ext_len = { 12 }) },
	  E6(.proto = 58, .has_icmp = 1, .icmp_type = 2) },
	{ "ipv6-ah24-udp",
	  { IP6(.proto = 17, .next = 1, .ext = { PB_NH_AH },
		.ext_len = { 24 }, P(500, 4500)) },
	  E6(.proto = 17, HAS(500, 4500)) },
	{ "ipv6-hopopts-esp",
	  { IP6(.proto = 50, .payload = 16, .next = 1,
		.ext = { PB_NH_HOPOPTS }) },
	  E6(.proto = 50) },
	{ "ipv6-first-fragment-icmp6",
	  { IP6(.proto = 58, .icmp_type = 128, .next = 1,
		.ext = { PB_NH_FRAGMENT }, .frag_more = 1, .payload = 64) },
	  E6(.proto = 58, .has_icmp = 1, .icmp_type = 128, .is_frag = 1) },
	{ "ipv6-atomic-fragment-udp",
	  { IP6(.proto = 17, .next = 1, .ext = { PB_NH_FRAGMENT }, P(4000, 53)) },
	  E6(.proto = 17, .is_frag = 1, HAS(4000, 53)) },
	{ "ipv6-later-fragment-icmp6",
	  { IP6(.proto = 58, .icmp_type = 128, .next = 1,
		.ext = { PB_NH_FRAGMENT }, .frag_off = 1448, .frag_more = 1) },
	  E6(.proto = 58, .is_frag = 1) },
	{ "ipv6-later-fragment-stops-walk",
	  { IP6(.proto = 17, .next = 2,
		.ext = { PB_NH_FRAGMENT, PB_NH_DSTOPTS }, .frag_off = 8) },
	  E6(.proto = PB_NH_DSTOPTS, .is_frag = 1) },
	{ "ipv6-chain-6-udp",
	  { IP6(.proto = 17, .next = 6,
		.ext = { PB_NH_HOPOPTS, PB_NH_DSTOPTS, PB_NH_ROUTING,
			 PB_NH_FRAGMENT, PB_NH_AH, PB_NH_DSTOPTS },
		.ext_len = { 8, 16, 24, 8, 16, 8 }, P(4000, 53)) },
	  E6(.proto = 17, .is_frag = 1, HAS(4000, 53)) },
	{ "ipv6-chain-8-icmp6",
	  { IP6(.proto = 58, .icmp_type = 4, .icmp_code = 2, .next = 8,
		.ext = { PB_NH_HOPOPTS, PB_NH_DSTOPTS, PB_NH_DSTOPTS,
			 PB_NH_ROUTING, PB_NH_ROUTING, PB_NH_AH, PB_NH_AH,
			 PB_NH_DSTOPTS }) },
	  E6(.proto = 58, .has_icmp = 1, .icmp_type = 4, .icmp_code = 2) },
	{ "arp", { .ethertype = PB_ETH_P_ARP, .payload = 28 },
	  { .cls = FP_PKT_NON_IP, .ethertype = PB_ETH_P_ARP } },
	{ "lldp", { .ethertype = PB_ETH_P_LLDP, .payload = 40 },
	  { .cls = FP_PKT_NON_IP, .ethertype = PB_ETH_P_LLDP } },
	{ "802.3-length", { .ethertype = 46, .payload = 46 },
	  { .cls = FP_PKT_NON_IP, .ethertype = 46 } },
	{ "vlan2-arp", { .ethertype = PB_ETH_P_ARP, .payload = 28, .ntags = 2,
			 .tpid = { PB_ETH_P_8021AD, PB_ETH_P_8021Q } },
	  { .cls = FP_PKT_NON_IP, .ethertype = PB_ETH_P_ARP, .nvlan = 2 } },
};

/* Exactly-sized heap copy, so ASan flags any read past len. */
static int parse_exact(const uint8_t *frame, size_t len, struct fp_pkt *pkt)
{
	uint8_t *copy = malloc(len ? len : 1);
	int cls;

	assert_non_null(copy);
	memcpy(copy, frame, len);
	memset(pkt, 0xa5, sizeof(*pkt)); /* every field must be written */
	cls = fp_parse(len ? copy : copy + 1, (uint32_t)len, pkt);
	free(copy);
	return cls;
}

#define CHECK_FIELD(name, got, want)                                      \
	do {                                                              \
		if ((unsigned)(got) != (unsigned)(want))                  \
			fail_msg("%s: %s = %u, want %u", name, #got,      \
				 (unsigned)(got), (unsigned)(want));      \
	} while (0)

static void check_good(const char *name, const struct fp_pkt *p,
		       const struct pb_frame *f, const struct expect *e)
{
	static const uint8_t zero[16];
	const uint8_t *src = f->family ? f->src : zero;
	const uint8_t *dst = f->family ? f->dst : zero;

	CHECK_FIELD(name, p->cls, e->cls);
	CHECK_FIELD(name, p->bad, FP_BAD_NONE);
	CHECK_FIELD(name, p->proto, e->proto);
	CHECK_FIELD(name, p->has_icmp, e->has_icmp);
	CHECK_FIELD(name, p->icmp_type, e->icmp_type);
	CHECK_FIELD(name, p->icmp_code, e->icmp_code);
	CHECK_FIELD(name, p->nvlan, e->nvlan);
	CHECK_FIELD(name, p->is_fragment, e->is_frag);
	CHECK_FIELD(name, p->has_ports, e->has_ports);
	CHECK_FIELD(name, p->sport, e->sport);
	CHECK_FIELD(name, p->dport, e->dport);
	CHECK_FIELD(name, p->ethertype, e->ethertype);
	if (memcmp(p->src, src, 16) || memcmp(p->dst, dst, 16))
		fail_msg("%s: src/dst differ from the frame's", name);
}

static void test_good(void **state)
{
	const struct good_case *c = *state;
	uint8_t frame[FRAME_MAX];
	struct fp_pkt pkt;
	size_t len;
	int cls;

	len = pb_build(frame, sizeof(frame), &c->f, NULL);
	assert_true(len > 0);
	cls = parse_exact(frame, len, &pkt);
	assert_int_equal(cls, pkt.cls);
	check_good(c->name, &pkt, &c->f, &c->e);
}

/* The class and reason fp_parse must give for the first len bytes of a
 * good frame whose full parse is `full`. */
static int expected_bad(const struct pb_frame *f, const struct pb_layout *l,
			size_t len)
{
	size_t ihl = 20 + f->ip4_optlen;

	if (len < 14)
		return FP_BAD_RUNT;
	if (len < l->l3)
		return FP_BAD_VLAN;
	if (f->family == 4 && len - l->l3 < ihl)
		return FP_BAD_IPV4_HDR;
	if (f->family == 4 && len < l->end)
		return FP_BAD_IPV4_LEN;
	if (f->family == 6 && len - l->l3 < 40)
		return FP_BAD_IPV6_HDR;
	if (f->family == 6 && len < l->end)
		return FP_BAD_IPV6_LEN;
	return FP_BAD_NONE;
}

static void test_truncation(void **state)
{
	const struct good_case *c = *state;
	uint8_t frame[FRAME_MAX];
	struct fp_pkt full, pkt;
	struct pb_layout lay;
	size_t len, n;
	int want;

	len = pb_build(frame, sizeof(frame), &c->f, &lay);
	assert_true(len > 0);
	parse_exact(frame, len, &full);
	for (n = 0; n <= len; n++) {
		parse_exact(frame, n, &pkt);
		assert_true(pkt.cls <= FP_PKT_MALFORMED);
		assert_true(pkt.bad < FP_BAD_COUNT);
		assert_int_equal(pkt.cls == FP_PKT_MALFORMED,
				 pkt.bad != FP_BAD_NONE);
		want = expected_bad(&c->f, &lay, n);
		if (pkt.bad != want)
			fail_msg("%s: len %zu/%zu: bad %s, want %s", c->name,
				 n, len, fp_bad_name(pkt.bad),
				 fp_bad_name((unsigned)want));
		if (want == FP_BAD_NONE && memcmp(&pkt, &full, sizeof(pkt)))
			fail_msg("%s: len %zu: differs from the full parse",
				 c->name, n);
	}
}

/* Malformed corpus: each builder returns the frame length. */
struct bad_case {
	const char *name;
	size_t (*build)(uint8_t *b);
	enum fp_bad bad;
};

static const struct pb_frame base_icmp4 = { IP4(.proto = 1, .icmp_type = 8) };
static const struct pb_frame base_icmp6 = { IP6(.proto = 58,
						.icmp_type = 128) };
#define L3 14

static size_t mk_empty(uint8_t *b)
{
	(void)b;
	return 0;
}

static size_t mk_runt1(uint8_t *b)
{
	b[0] = 0xff;
	return 1;
}

static size_t mk_runt13(uint8_t *b)
{
	return pb_build(b, FRAME_MAX, &base_icmp4, NULL) ? 13 : 0;
}

static size_t mk_vlan_cut(uint8_t *b)
{
	pb_eth(b, PB_ETH_P_8021Q);
	b[14] = 0;
	b[15] = 100;
	return 16;  /* TCI but no inner type */
}

static size_t mk_vlan_cut_second(uint8_t *b)
{
	const struct pb_frame f = { IP4(.proto = 1, .ntags = 2,
		.tpid = { PB_ETH_P_8021AD, PB_ETH_P_8021Q }) };

	return pb_build(b, FRAME_MAX, &f, NULL) ? 21 : 0;
}

static size_t mk_vlan5(uint8_t *b)
{
	const struct pb_frame f = { IP4(.proto = 17, .ntags = 5,
		.tpid = { PB_ETH_P_8021Q, PB_ETH_P_8021AD, PB_ETH_P_8021Q,
			  PB_ETH_P_8021Q, PB_ETH_P_8021AD }) };

	return pb_build(b, FRAME_MAX, &f, NULL);
}

static size_t mk_ipv4_none(uint8_t *b)
{
	return pb_eth(b, PB_ETH_P_IPV4);
}

static size_t mk_ipv4_short(uint8_t *b)
{
	return pb_build(b, FRAME_MAX, &base_icmp4, NULL) ? L3 + 19 : 0;
}

static size_t mk_ipv4_version6(uint8_t *b)
{
	size_t len = pb_build(b, FRAME_MAX, &base_icmp4, NULL);

	pb_set_version(b + L3, 6);
	return len;
}

static size_t mk_ipv4_ihl4(uint8_t *b)
{
	size_t len = pb_build(b, FRAME_MAX, &base_icmp4, NULL);

	pb_set_ipv4_ihl(b + L3, 4);
	return len;
}

static size_t mk_ipv4_ihl0(uint8_t *b)
{
	size_t len = pb_build(b, FRAME_MAX, &base_icmp4, NULL);

	pb_set_ipv4_ihl(b + L3, 0);
	return len;
}

static size_t mk_ipv4_ihl_past_frame(uint8_t *b)
{
	size_t len = pb_build(b, FRAME_MAX, &base_icmp4, NULL);

	pb_set_ipv4_ihl(b + L3, 15); /* 60 > 28 bytes there */
	return len;
}

static size_t mk_ipv4_options_cut(uint8_t *b)
{
	const struct pb_frame f = { IP4(.proto = 17, .ip4_optlen = 12) };

	return pb_build(b, FRAME_MAX, &f, NULL) ? L3 + 28 : 0;
}

static size_t mk_ipv4_tot_lt_ihl(uint8_t *b)
{
	size_t len = pb_build(b, FRAME_MAX, &base_icmp4, NULL);

	pb_set_ipv4_tot(b + L3, 19);
	return len;
}

static size_t mk_ipv4_tot_lt_ihl_opts(uint8_t *b)
{
	const struct pb_frame f = { IP4(.proto = 17, .ip4_optlen = 8) };
	size_t len = pb_build(b, FRAME_MAX, &f, NULL);

	pb_set_ipv4_tot(b + L3, 24); /* header is 28 */
	return len;
}

static size_t mk_ipv4_tot_past_frame(uint8_t *b)
{
	size_t len = pb_build(b, FRAME_MAX, &base_icmp4, NULL);

	pb_set_ipv4_tot(b + L3, (uint16_t)(len - L3 + 1));
	return len;
}

static size_t mk_ipv4_tot_max(uint8_t *b)
{
	size_t len = pb_build(b, FRAME_MAX, &base_icmp4, NULL);

	pb_set_ipv4_tot(b + L3, 0xffff);
	return len;
}

static size_t mk_ipv6_short(uint8_t *b)
{
	return pb_build(b, FRAME_MAX, &base_icmp6, NULL) ? L3 + 39 : 0;
}

static size_t mk_ipv6_version4(uint8_t *b)
{
	size_t len = pb_build(b, FRAME_MAX, &base_icmp6, NULL);

	pb_set_version(b + L3, 4);
	return len;
}

static size_t mk_ipv6_plen0(uint8_t *b)
{
	size_t len = pb_build(b, FRAME_MAX, &base_icmp6, NULL);

	pb_set_ipv6_plen(b + L3, 0);
	return len;
}

static size_t mk_ipv6_plen_past_frame(uint8_t *b)
{
	size_t len = pb_build(b, FRAME_MAX, &base_icmp6, NULL);

	pb_set_ipv6_plen(b + L3, (uint16_t)(len - L3 - 40 + 1));
	return len;
}

static size_t mk_ipv6_hbh_past_payload(uint8_t *b)
{
	const struct pb_frame f = { IP6(.proto = 17, .next = 1,
					.ext = { PB_NH_HOPOPTS }) };
	size_t len = pb_build(b, FRAME_MAX, &f, NULL);

	b[L3 + 41] = 2; /* 24 bytes; 16 in the payload */
	return len;
}

static size_t mk_ipv6_ext_cut(uint8_t *b)
{
	const struct pb_frame f = { IP6(.proto = PB_NH_ROUTING,
					.payload = 4) };

	return pb_build(b, FRAME_MAX, &f, NULL); /* 4 bytes of routing hdr */
}

/* One byte of hop-by-hop header, at the very end of the frame. */
static size_t mk_ipv6_ext_1_byte(uint8_t *b)
{
	const struct pb_frame f = { IP6(.proto = PB_NH_HOPOPTS,
					.payload = 1) };

	return pb_build(b, FRAME_MAX, &f, NULL);
}

static size_t mk_ipv6_frag_cut(uint8_t *b)
{
	const struct pb_frame f = { IP6(.proto = PB_NH_FRAGMENT,
					.payload = 7) };

	return pb_build(b, FRAME_MAX, &f, NULL);
}

static size_t mk_ipv6_ah_past_payload(uint8_t *b)
{
	const struct pb_frame f = { IP6(.proto = 59, .payload = 4, .next = 1,
					.ext = { PB_NH_AH },
					.ext_len = { 12 }) };
	size_t len = pb_build(b, FRAME_MAX, &f, NULL);

	b[L3 + 41] = 3; /* (3 + 2) * 4 = 20 > 16 */
	return len;
}

/* Extension bytes beyond the payload length, inside the frame. */
static size_t mk_ipv6_ext_in_padding(uint8_t *b)
{
	const struct pb_frame f = { IP6(.proto = 17, .next = 1,
					.ext = { PB_NH_DSTOPTS },
					.ext_len = { 16 }) };
	size_t len = pb_build(b, FRAME_MAX, &f, NULL);

	pb_set_ipv6_plen(b + L3, 8);
	return len;
}

static size_t mk_ipv6_ext9(uint8_t *b)
{
	const struct pb_frame f = { IP6(.proto = 17, .next = 9,
		.ext = { PB_NH_HOPOPTS, PB_NH_DSTOPTS, PB_NH_DSTOPTS,
			 PB_NH_DSTOPTS, PB_NH_DSTOPTS, PB_NH_DSTOPTS,
			 PB_NH_DSTOPTS, PB_NH_DSTOPTS, PB_NH_DSTOPTS }) };

	return pb_build(b, FRAME_MAX, &f, NULL);
}

static size_t mk_icmp4_one_byte(uint8_t *b)
{
	size_t len = pb_build(b, FRAME_MAX, &base_icmp4, NULL);

	pb_set_ipv4_tot(b + L3, 21);
	return len; /* bytes past total length are padding */
}

static size_t mk_icmp4_no_bytes(uint8_t *b)
{
	const struct pb_frame f = { IP4(.proto = 1, .ip4_optlen = 4) };
	size_t len = pb_build(b, FRAME_MAX, &f, NULL);

	pb_set_ipv4_tot(b + L3, 24);
	return len;
}

static size_t mk_icmp4_first_frag_empty(uint8_t *b)
{
	const struct pb_frame f = { IP4(.proto = 1, .ip4_frag = PB_IPV4_MF) };

	pb_build(b, FRAME_MAX, &f, NULL);
	pb_set_ipv4_tot(b + L3, 20);
	return L3 + 20;
}

static size_t mk_icmp6_one_byte(uint8_t *b)
{
	const struct pb_frame f = { IP6(.proto = 58, .payload = 1) };
	size_t len = pb_build(b, FRAME_MAX, &f, NULL);

	pb_set_ipv6_plen(b + L3, 1);
	return len; /* 8 more bytes there, but outside the payload */
}

static size_t mk_icmp6_after_ext_empty(uint8_t *b)
{
	const struct pb_frame f = { IP6(.proto = 58, .next = 2,
		.ext = { PB_NH_HOPOPTS, PB_NH_FRAGMENT }) };
	size_t len = pb_build(b, FRAME_MAX, &f, NULL);

	pb_set_ipv6_plen(b + L3, 16);
	return len;
}

/* A protocol with ports whose datagram ends n bytes into the L4 header. */
static size_t mk_ports4(uint8_t *b, uint8_t proto, unsigned optlen, uint16_t frag,
			unsigned n)
{
	const struct pb_frame f = { IP4(.proto = proto, .ip4_optlen = optlen,
					.ip4_frag = frag, P(1234, 80)) };
	size_t len = pb_build(b, FRAME_MAX, &f, NULL);

	pb_set_ipv4_tot(b + L3, (uint16_t)(20 + optlen + n));
	return len; /* the rest of the header is Ethernet padding */
}

static size_t mk_udp4_3_bytes(uint8_t *b)
{
	return mk_ports4(b, 17, 0, 0, 3);
}

static size_t mk_tcp4_0_bytes(uint8_t *b)
{
	return mk_ports4(b, 6, 0, PB_IPV4_DF, 0);
}

static size_t mk_sctp4_options_2_bytes(uint8_t *b)
{
	return mk_ports4(b, 132, 8, 0, 2);
}

static size_t mk_udp4_first_frag_3_bytes(uint8_t *b)
{
	return mk_ports4(b, 17, 0, PB_IPV4_MF, 3);
}

static size_t mk_udp6_3_bytes(uint8_t *b)
{
	const struct pb_frame f = { IP6(.proto = 17, P(1234, 80)) };
	size_t len = pb_build(b, FRAME_MAX, &f, NULL);

	pb_set_ipv6_plen(b + L3, 3);
	return len;
}

static size_t mk_dccp6_after_ext_0_bytes(uint8_t *b)
{
	const struct pb_frame f = { IP6(.proto = 33, .next = 2,
		.ext = { PB_NH_HOPOPTS, PB_NH_DSTOPTS }, P(1234, 80)) };
	size_t len = pb_build(b, FRAME_MAX, &f, NULL);

	pb_set_ipv6_plen(b + L3, 16);
	return len;
}

static size_t mk_udplite6_first_frag_1_byte(uint8_t *b)
{
	const struct pb_frame f = { IP6(.proto = 136, .next = 1,
		.ext = { PB_NH_FRAGMENT }, .frag_more = 1, P(1234, 80)) };
	size_t len = pb_build(b, FRAME_MAX, &f, NULL);

	pb_set_ipv6_plen(b + L3, 8 + 1);
	return len;
}

static const struct bad_case bad_cases[] = {
	{ "runt-0", mk_empty, FP_BAD_RUNT },
	{ "runt-1", mk_runt1, FP_BAD_RUNT },
	{ "runt-13", mk_runt13, FP_BAD_RUNT },
	{ "vlan-tag-cut", mk_vlan_cut, FP_BAD_VLAN },
	{ "vlan-second-tag-cut", mk_vlan_cut_second, FP_BAD_VLAN },
	{ "vlan-5-tags", mk_vlan5, FP_BAD_VLAN },
	{ "ipv4-no-header", mk_ipv4_none, FP_BAD_IPV4_HDR },
	{ "ipv4-19-bytes", mk_ipv4_short, FP_BAD_IPV4_HDR },
	{ "ipv4-version-6", mk_ipv4_version6, FP_BAD_IPV4_HDR },
	{ "ipv4-ihl-4", mk_ipv4_ihl4, FP_BAD_IPV4_HDR },
	{ "ipv4-ihl-0", mk_ipv4_ihl0, FP_BAD_IPV4_HDR },
	{ "ipv4-ihl-past-frame", mk_ipv4_ihl_past_frame, FP_BAD_IPV4_HDR },
	{ "ipv4-options-cut", mk_ipv4_options_cut, FP_BAD_IPV4_HDR },
	{ "ipv4-tot-lt-20", mk_ipv4_tot_lt_ihl, FP_BAD_IPV4_LEN },
	{ "ipv4-tot-lt-ihl", mk_ipv4_tot_lt_ihl_opts, FP_BAD_IPV4_LEN },
	{ "ipv4-tot-past-frame", mk_ipv4_tot_past_frame, FP_BAD_IPV4_LEN },
	{ "ipv4-tot-65535", mk_ipv4_tot_max, FP_BAD_IPV4_LEN },
	{ "ipv6-39-bytes", mk_ipv6_short, FP_BAD_IPV6_HDR },
	{ "ipv6-version-4", mk_ipv6_version4, FP_BAD_IPV6_HDR },
	{ "ipv6-plen-0", mk_ipv6_plen0, FP_BAD_IPV6_LEN },
	{ "ipv6-plen-past-frame", mk_ipv6_plen_past_frame, FP_BAD_IPV6_LEN },
	{ "ipv6-hbh-past-payload", mk_ipv6_hbh_past_payload, FP_BAD_IPV6_EXT },
	{ "ipv6-routing-cut", mk_ipv6_ext_cut, FP_BAD_IPV6_EXT },
	{ "ipv6-hbh-1-byte", mk_ipv6_ext_1_byte, FP_BAD_IPV6_EXT },
	{ "ipv6-fragment-cut", mk_ipv6_frag_cut, FP_BAD_IPV6_EXT },
	{ "ipv6-ah-past-payload", mk_ipv6_ah_past_payload, FP_BAD_IPV6_EXT },
	{ "ipv6-ext-in-padding", mk_ipv6_ext_in_padding, FP_BAD_IPV6_EXT },
	{ "ipv6-9-ext-headers", mk_ipv6_ext9, FP_BAD_IPV6_EXT },
	{ "icmp4-1-byte", mk_icmp4_one_byte, FP_BAD_L4 },
	{ "icmp4-0-bytes-options", mk_icmp4_no_bytes, FP_BAD_L4 },
	{ "icmp4-first-fragment-empty", mk_icmp4_first_frag_empty, FP_BAD_L4 },
	{ "icmp6-1-byte", mk_icmp6_one_byte, FP_BAD_L4 },
	{ "icmp6-after-ext-empty", mk_icmp6_after_ext_empty, FP_BAD_L4 },
	{ "udp4-3-bytes", mk_udp4_3_bytes, FP_BAD_L4 },
	{ "tcp4-0-bytes", mk_tcp4_0_bytes, FP_BAD_L4 },
	{ "sctp4-options-2-bytes", mk_sctp4_options_2_bytes, FP_BAD_L4 },
	{ "udp4-first-fragment-3-bytes", mk_udp4_first_frag_3_bytes, FP_BAD_L4 },
	{ "udp6-3-bytes", mk_udp6_3_bytes, FP_BAD_L4 },
	{ "dccp6-after-ext-0-bytes", mk_dccp6_after_ext_0_bytes, FP_BAD_L4 },
	{ "udplite6-first-fragment-1-byte", mk_udplite6_first_frag_1_byte, FP_BAD_L4 },
};

static void test_bad(void **state)
{
	const struct bad_case *c = *state;
	uint8_t frame[FRAME_MAX] = { 0 };
	struct fp_pkt pkt;
	size_t len;
	int cls;

	len = c->build(frame);
	cls = parse_exact(frame, len, &pkt);
	CHECK_FIELD(c->name, cls, FP_PKT_MALFORMED);
	CHECK_FIELD(c->name, pkt.cls, FP_PKT_MALFORMED);
	if (pkt.bad != c->bad)
		fail_msg("%s: bad %s, want %s", c->name, fp_bad_name(pkt.bad),
			 fp_bad_name(c->bad));
}

/* The corpus above must name every reason at least once. */
static void test_bad_corpus_covers_all(void **state)
{
	unsigned seen = 0, want = 0, i;

	(void)state;
	for (i = 0; i < NELEM(bad_cases); i++)
		seen |= 1u << bad_cases[i].bad;
	for (i = FP_BAD_NONE + 1; i < FP_BAD_COUNT; i++)
		want |= 1u << i;
	assert_int_equal(seen, want);
}

static void test_bad_names(void **state)
{
	static const char *const want[FP_BAD_COUNT] = {
		"none", "runt", "vlan", "ipv4-header", "ipv4-length",
		"ipv6-header", "ipv6-length", "ipv6-ext", "l4-header",
	};
	unsigned i;

	(void)state;
	for (i = 0; i < FP_BAD_COUNT; i++)
		assert_string_equal(fp_bad_name(i), want[i]);
	assert_string_equal(fp_bad_name(FP_BAD_COUNT), "?");
	assert_string_equal(fp_bad_name(~0u), "?");
}

/* A later fragment must not expose bytes that only look like ICMP. */
static void test_later_fragment_ignores_l4(void **state)
{
	const struct pb_frame f = { IP4(.proto = 1, .icmp_type = 8,
					.ip4_frag = 8) };
	uint8_t frame[FRAME_MAX];
	struct fp_pkt pkt;
	size_t len;

	(void)state;
	len = pb_build(frame, sizeof(frame), &f, NULL);
	pb_set_ipv4_tot(frame + L3, 20); /* no L4 bytes at all: still fine */
	assert_int_equal(parse_exact(frame, len, &pkt), FP_PKT_IPV4);
	assert_int_equal(pkt.has_icmp, 0);
	assert_int_equal(pkt.is_fragment, 1);
}

/* A later fragment has no ports, even with no L4 bytes at all; exactly
 * four bytes of a first fragment are enough. */
static void test_later_fragment_has_no_ports(void **state)
{
	struct pb_frame f4 = { IP4(.proto = 17, .ip4_frag = 8, P(53, 53)) };
	struct pb_frame f6 = { IP6(.proto = 6, .next = 1, .ext = { PB_NH_FRAGMENT },
				   .frag_off = 8, P(53, 53)) };
	uint8_t frame[FRAME_MAX];
	struct fp_pkt pkt;
	size_t len;

	(void)state;
	len = pb_build(frame, sizeof(frame), &f4, NULL);
	pb_set_ipv4_tot(frame + L3, 20);
	assert_int_equal(parse_exact(frame, len, &pkt), FP_PKT_IPV4);
	assert_int_equal(pkt.has_ports, 0);
	assert_int_equal(pkt.sport, 0);
	assert_int_equal(pkt.dport, 0);
	assert_int_equal(pkt.is_fragment, 1);
	len = pb_build(frame, sizeof(frame), &f6, NULL);
	pb_set_ipv6_plen(frame + L3, 8);
	assert_int_equal(parse_exact(frame, len, &pkt), FP_PKT_IPV6);
	assert_int_equal(pkt.has_ports, 0);
	assert_int_equal(pkt.proto, 6);
	f4.ip4_frag = PB_IPV4_MF;
	len = pb_build(frame, sizeof(frame), &f4, NULL);
	pb_set_ipv4_tot(frame + L3, 24);
	assert_int_equal(parse_exact(frame, len, &pkt), FP_PKT_IPV4);
	assert_int_equal(pkt.has_ports, 1);
	assert_int_equal(pkt.sport, 53);
	assert_int_equal(pkt.dport, 53);
}

static const struct CMUnitTest misc_tests[] = {
	cmocka_unit_test(test_bad_corpus_covers_all),
	cmocka_unit_test(test_bad_names),
	cmocka_unit_test(test_later_fragment_ignores_l4),
	cmocka_unit_test(test_later_fragment_has_no_ports),
};

#define N_TESTS (2 * NELEM(good_cases) + NELEM(bad_cases) + NELEM(misc_tests))

int main(void)
{
	static struct CMUnitTest tests[N_TESTS + 1];
	static char names[2 * NELEM(good_cases)][96];
	size_t i, n = 0;

	for (i = 0; i < NELEM(good_cases); i++) {
		snprintf(names[i], sizeof(names[i]), "good/%s",
			 good_cases[i].name);
		tests[n++] = (struct CMUnitTest){ names[i], test_good, NULL,
			NULL, (void *)&good_cases[i] };
	}
	for (i = 0; i < NELEM(good_cases); i++) {
		char *nm = names[NELEM(good_cases) + i];

		snprintf(nm, 96, "truncate/%s", good_cases[i].name);
		tests[n++] = (struct CMUnitTest){ nm, test_truncation, NULL,
			NULL, (void *)&good_cases[i] };
	}
	for (i = 0; i < NELEM(bad_cases); i++)
		tests[n++] = (struct CMUnitTest){ bad_cases[i].name, test_bad,
			NULL, NULL, (void *)&bad_cases[i] };
	for (i = 0; i < NELEM(misc_tests); i++)
		tests[n++] = misc_tests[i];
	return _cmocka_run_group_tests("parse", tests, n, NULL, NULL);
}
