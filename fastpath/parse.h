/* fastpath/parse.h - frame bytes -> the fields rules look at.
 *
 * Pure and bounded: fp_parse() never reads outside [frame, frame + len),
 * allocates nothing and keeps no state, so workers call it per packet and
 * the fuzzer calls it on anything. */
#ifndef FP_PARSE_H
#define FP_PARSE_H

#include <stdint.h>

#define FP_MAX_VLAN_TAGS 4
#define FP_MAX_IPV6_EXT_HDRS 8

enum fp_pkt_class {
	FP_PKT_IPV4 = 0,
	FP_PKT_IPV6 = 1,
	FP_PKT_NON_IP = 2,
	FP_PKT_MALFORMED = 3,
};

/* Why a frame is malformed (FP_PKT_MALFORMED only). */
enum fp_bad {
	FP_BAD_NONE = 0,
	FP_BAD_RUNT,        /* shorter than an Ethernet header */
	FP_BAD_VLAN,        /* truncated tag, or more than FP_MAX_VLAN_TAGS */
	FP_BAD_IPV4_HDR,    /* truncated header, version != 4, IHL < 5 */
	FP_BAD_IPV4_LEN,    /* total length < header or > frame */
	FP_BAD_IPV6_HDR,    /* truncated header or version != 6 */
	FP_BAD_IPV6_LEN,    /* payload length 0 or > frame */
	FP_BAD_IPV6_EXT,    /* truncated or over-long extension chain */
	FP_BAD_L4,          /* truncated ICMP/ICMPv6 header, or ports */
	FP_BAD_COUNT,
};

struct fp_pkt {
	uint8_t cls;      /* enum fp_pkt_class */
	uint8_t bad;      /* enum fp_bad */
	uint8_t proto;    /* IP protocol / final IPv6 next header */
	uint8_t has_icmp; /* icmp_type/icmp_code are valid (first fragment) */
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint8_t nvlan;    /* VLAN tags walked */
	uint8_t is_fragment; /* any fragment (first or later) */
	uint8_t has_ports; /* sport/dport are valid (a protocol with ports,
			    * not a later fragment) */
	uint16_t ethertype; /* innermost, host order */
	uint16_t sport;   /* host order */
	uint16_t dport;
	uint8_t src[16];  /* IPv4 in src[0..3], rest zero */
	uint8_t dst[16];
};

/* Fill *pkt from the frame and return pkt->cls. */
int fp_parse(const uint8_t *frame, uint32_t len, struct fp_pkt *pkt);

/* Short name of a malformed reason, e.g. "ipv4-length". */
const char *fp_bad_name(unsigned bad);

#endif /* FP_PARSE_H */
