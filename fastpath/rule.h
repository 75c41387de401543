/* fastpath/rule.h - one firewall rule as the control plane hands it over.
 *
 * A rule is an action and a conjunction of matches; `match` says which
 * fields are in force. control/config_rules.c produces arrays of these and
 * fastpath/ruleset.c compiles them into an immutable snapshot. Plain data:
 * no allocation, no ownership. */
#ifndef FP_RULE_H
#define FP_RULE_H

#include <stdint.h>

enum fp_verdict {
	FP_PASS = 0,
	FP_DROP = 1,
};

enum fp_port_id {
	FP_PORT_OUTSIDE = 0,
	FP_PORT_INSIDE = 1,
	FP_NPORTS = 2,
};

/* IP protocol numbers the parser, the rules and the grammar name. */
#define FP_PROTO_ICMP 1
#define FP_PROTO_TCP 6
#define FP_PROTO_UDP 17
#define FP_PROTO_ICMPV6 58
#define FP_PROTO_DCCP 33
#define FP_PROTO_SCTP 132
#define FP_PROTO_UDPLITE 136

/* Protocols whose header starts with a 16-bit source and destination
 * port: the parser reads them and `sport`/`dport` rules may name them. */
static inline int fp_proto_has_ports(unsigned proto)
{
	return proto == FP_PROTO_TCP || proto == FP_PROTO_UDP ||
	       proto == FP_PROTO_DCCP || proto == FP_PROTO_SCTP ||
	       proto == FP_PROTO_UDPLITE;
}

/* The ports' names: the words of the configuration and of every message. */
#define FP_PORT_OUTSIDE_NAME "outside"
#define FP_PORT_INSIDE_NAME "inside"

static inline const char *fp_port_name(int port)
{
	return port == FP_PORT_INSIDE ? FP_PORT_INSIDE_NAME : FP_PORT_OUTSIDE_NAME;
}

enum fp_family {
	FP_FAMILY_ANY = 0,
	FP_FAMILY_IPV4 = 4,
	FP_FAMILY_IPV6 = 6,
};

/* An IPv4 address uses addr[0..3]; the rest of addr is zero. */
struct fp_prefix {
	uint8_t family; /* enum fp_family, never ANY */
	uint8_t len;    /* 0..32 or 0..128 */
	uint8_t addr[16];
};

enum fp_match_bits {
	FP_MATCH_SRC = 1u << 0,
	FP_MATCH_DST = 1u << 1,
	FP_MATCH_PROTO = 1u << 2,     /* proto == rule.proto */
	FP_MATCH_ICMP_TYPE = 1u << 3, /* needs FP_MATCH_PROTO, proto 1 or 58 */
	FP_MATCH_ICMP_CODE = 1u << 4, /* needs FP_MATCH_ICMP_TYPE */
	FP_MATCH_IN = 1u << 5,        /* ingress port == rule.in_port */
	FP_MATCH_FAMILY = 1u << 6,    /* packet family == rule.family */
	FP_MATCH_SPORT = 1u << 7,     /* sport_lo <= sport <= sport_hi; needs
				       * FP_MATCH_PROTO of a protocol with ports */
	FP_MATCH_DPORT = 1u << 8,     /* dport_lo <= dport <= dport_hi; likewise */
};

struct fp_rule {
	uint8_t action; /* enum fp_verdict */
	uint8_t family; /* enum fp_family: set when any match implies one */
	uint8_t proto;  /* IP protocol / IPv6 upper-layer header */
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint8_t in_port; /* enum fp_port_id */
	uint32_t match;  /* enum fp_match_bits */
	uint16_t sport_lo, sport_hi; /* inclusive, host order */
	uint16_t dport_lo, dport_hi;
	struct fp_prefix src;
	struct fp_prefix dst;
	uint32_t line; /* source line, for `rules` listings and traces */
	uint32_t file; /* source file: an index the control plane keeps */
};

/* Verdicts for frames no rule can judge. */
struct fp_policy {
	uint8_t deflt;     /* no rule matched */
	uint8_t malformed; /* the parser rejected the frame */
	uint8_t non_ip;    /* neither IPv4 nor IPv6 (ARP, LLDP, ...) */
};

#endif /* FP_RULE_H */
