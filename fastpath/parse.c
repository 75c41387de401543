/* fastpath/parse.c - frame bytes -> struct fp_pkt.
 *
 * Called per packet by the workers (through fp_classify's caller) and by
 * the fuzzer on arbitrary bytes. Every read is preceded by a check against
 * the bytes that remain, so nothing outside [frame, frame + len) is ever
 * touched. No allocation, no state.
 *
 * On FP_PKT_MALFORMED only cls and bad are meaningful; the other fields
 * hold whatever was parsed before the fault (zero otherwise). */
#include <string.h>

#include "parse.h"
#include "rule.h"

#define FP_ETH_HLEN 14u
#define FP_VLAN_HLEN 4u
#define FP_IPV4_HLEN 20u
#define FP_IPV6_HLEN 40u
#define FP_IPV6_EXT_MIN 8u /* every extension header is at least this */

#define FP_ETH_P_IPV4 0x0800
#define FP_ETH_P_IPV6 0x86dd
#define FP_ETH_P_8021Q 0x8100
#define FP_ETH_P_8021AD 0x88a8

#define FP_IPV4_MF 0x2000
#define FP_IPV4_OFFSET 0x1fff
#define FP_IPV6_FRAG_OFFSET 0xfff8


enum {
	FP_NH_HOPOPTS = 0,
	FP_NH_ROUTING = 43,
	FP_NH_FRAGMENT = 44,
	FP_NH_AH = 51,
	FP_NH_DSTOPTS = 60,
};

static inline uint16_t fp_rd16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline int fp_bad(struct fp_pkt *pkt, enum fp_bad bad)
{
	pkt->cls = FP_PKT_MALFORMED;
	pkt->bad = bad;
	return FP_PKT_MALFORMED;
}

/* Walk stacked 802.1Q / 802.1ad tags; *off and *et advance past each. */
static inline int fp_parse_vlan(const uint8_t *frame, uint32_t len,
				uint32_t *off, uint16_t *et,
				struct fp_pkt *pkt)
{
	while (*et == FP_ETH_P_8021Q || *et == FP_ETH_P_8021AD) {
		if (pkt->nvlan == FP_MAX_VLAN_TAGS || len - *off < FP_VLAN_HLEN)
			return -1;
		*et = fp_rd16(frame + *off + 2);
		*off += FP_VLAN_HLEN;
		pkt->nvlan++;
	}
	return 0;
}

/* L4 in [l4, l4 + n): ICMP/ICMPv6 type and code, or the two ports of a
 * protocol that has them. */
static inline int fp_parse_l4(const uint8_t *l4, uint32_t n, uint8_t icmp,
			      struct fp_pkt *pkt, enum fp_pkt_class cls)
{
	if (fp_proto_has_ports(pkt->proto)) {
		if (n < 4)
			return fp_bad(pkt, FP_BAD_L4);
		pkt->has_ports = 1;
		pkt->sport = fp_rd16(l4);
		pkt->dport = fp_rd16(l4 + 2);
	} else if (pkt->proto == icmp) {
		if (n < 2)
			return fp_bad(pkt, FP_BAD_L4);
		pkt->has_icmp = 1;
		pkt->icmp_type = l4[0];
		pkt->icmp_code = l4[1];
	}
	pkt->cls = cls;
	return cls;
}

static int fp_parse_ipv4(const uint8_t *ip, uint32_t avail, struct fp_pkt *pkt)
{
	uint32_t ihl, tot;
	uint16_t frag;

	if (avail < FP_IPV4_HLEN || (ip[0] >> 4) != 4)
		return fp_bad(pkt, FP_BAD_IPV4_HDR);
	ihl = (ip[0] & 0x0fu) * 4u;
	if (ihl < FP_IPV4_HLEN || ihl > avail)
		return fp_bad(pkt, FP_BAD_IPV4_HDR);
	tot = fp_rd16(ip + 2);
	if (tot < ihl || tot > avail)
		return fp_bad(pkt, FP_BAD_IPV4_LEN);

	pkt->proto = ip[9];
	memcpy(pkt->src, ip + 12, 4);
	memcpy(pkt->dst, ip + 16, 4);
	frag = fp_rd16(ip + 6);
	pkt->is_fragment = (frag & (FP_IPV4_MF | FP_IPV4_OFFSET)) != 0;
	if (frag & FP_IPV4_OFFSET) {
		pkt->cls = FP_PKT_IPV4; /* not the first fragment: no L4 */
		return FP_PKT_IPV4;
	}
	return fp_parse_l4(ip + ihl, tot - ihl, FP_PROTO_ICMP, pkt,
			   FP_PKT_IPV4);
}

static inline int fp_ipv6_is_ext(uint8_t nh)
{
	return nh == FP_NH_HOPOPTS || nh == FP_NH_ROUTING ||
	       nh == FP_NH_DSTOPTS || nh == FP_NH_AH || nh == FP_NH_FRAGMENT;
}

/* Length of the extension header of type nh at h; h[0..1] are readable. */
static inline uint32_t fp_ipv6_ext_len(uint8_t nh, const uint8_t *h)
{
	if (nh == FP_NH_FRAGMENT)
		return 8;
	if (nh == FP_NH_AH)
		return ((uint32_t)h[1] + 2) * 4;
	return ((uint32_t)h[1] + 1) * 8;
}

/* Walk the extension headers in the payload [p, p + n), first one nh. */
static int fp_ipv6_walk(const uint8_t *p, uint32_t n, uint8_t nh,
			struct fp_pkt *pkt)
{
	uint32_t off = 0, hlen;
	unsigned i;

	for (i = 0; fp_ipv6_is_ext(nh); i++) {
		if (i == FP_MAX_IPV6_EXT_HDRS || n - off < FP_IPV6_EXT_MIN)
			return fp_bad(pkt, FP_BAD_IPV6_EXT);
		hlen = fp_ipv6_ext_len(nh, p + off);
		if (hlen > n - off)
			return fp_bad(pkt, FP_BAD_IPV6_EXT);
		if (nh == FP_NH_FRAGMENT) {
			pkt->is_fragment = 1;
			if (fp_rd16(p + off + 2) & FP_IPV6_FRAG_OFFSET) {
				pkt->proto = p[off]; /* not first: no L4 */
				pkt->cls = FP_PKT_IPV6;
				return FP_PKT_IPV6;
			}
		}
		nh = p[off];
		off += hlen;
	}
	pkt->proto = nh;
	return fp_parse_l4(p + off, n - off, FP_PROTO_ICMPV6, pkt, FP_PKT_IPV6);
}

static int fp_parse_ipv6(const uint8_t *ip, uint32_t avail, struct fp_pkt *pkt)
{
	uint32_t plen;

	if (avail < FP_IPV6_HLEN || (ip[0] >> 4) != 6)
		return fp_bad(pkt, FP_BAD_IPV6_HDR);
	plen = fp_rd16(ip + 4);
	if (plen == 0 || plen > avail - FP_IPV6_HLEN)
		return fp_bad(pkt, FP_BAD_IPV6_LEN);
	memcpy(pkt->src, ip + 8, 16);
	memcpy(pkt->dst, ip + 24, 16);
	return fp_ipv6_walk(ip + FP_IPV6_HLEN, plen, ip[6], pkt);
}

int fp_parse(const uint8_t *frame, uint32_t len, struct fp_pkt *pkt)
{
	uint32_t off = FP_ETH_HLEN;
	uint16_t et;

	memset(pkt, 0, sizeof(*pkt));
	if (len < FP_ETH_HLEN)
		return fp_bad(pkt, FP_BAD_RUNT);
	et = fp_rd16(frame + 12);
	if (fp_parse_vlan(frame, len, &off, &et, pkt))
		return fp_bad(pkt, FP_BAD_VLAN);
	pkt->ethertype = et;
	if (et == FP_ETH_P_IPV4)
		return fp_parse_ipv4(frame + off, len - off, pkt);
	if (et == FP_ETH_P_IPV6)
		return fp_parse_ipv6(frame + off, len - off, pkt);
	pkt->cls = FP_PKT_NON_IP;
	return FP_PKT_NON_IP;
}

static const char *const fp_bad_names[FP_BAD_COUNT] = {
	[FP_BAD_NONE] = "none",
	[FP_BAD_RUNT] = "runt",
	[FP_BAD_VLAN] = "vlan",
	[FP_BAD_IPV4_HDR] = "ipv4-header",
	[FP_BAD_IPV4_LEN] = "ipv4-length",
	[FP_BAD_IPV6_HDR] = "ipv6-header",
	[FP_BAD_IPV6_LEN] = "ipv6-length",
	[FP_BAD_IPV6_EXT] = "ipv6-ext",
	[FP_BAD_L4] = "l4-header",
};

const char *fp_bad_name(unsigned bad)
{
	if (bad >= FP_BAD_COUNT)
		return "?";
	return fp_bad_names[bad];
}
