/* tests/lib/pktbuild.h - small packet builders for tests and fuzz seeds.
 *
 * Each pb_* primitive writes one header at b and returns the bytes it
 * wrote; callers chain them (off += pb_x(b + off, ...)). pb_build() puts a
 * whole frame together from a struct pb_frame description. Multi-byte
 * fields are written in network order. Nothing here checks the result for
 * validity: tests corrupt frames on purpose with the pb_set_* helpers. */
#ifndef PKTBUILD_H
#define PKTBUILD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "rule.h"

#define PB_ETH_P_IPV4 0x0800
#define PB_ETH_P_ARP 0x0806
#define PB_ETH_P_8021Q 0x8100
#define PB_ETH_P_IPV6 0x86dd
#define PB_ETH_P_8021AD 0x88a8
#define PB_ETH_P_LLDP 0x88cc

#define PB_IPPROTO_NONE 59

#define PB_NH_HOPOPTS 0
#define PB_NH_ROUTING 43
#define PB_NH_FRAGMENT 44
#define PB_NH_ESP 50
#define PB_NH_AH 51
#define PB_NH_DSTOPTS 60

#define PB_IPV4_DF 0x4000
#define PB_IPV4_MF 0x2000

#define PB_MAX_TAGS 8
#define PB_MAX_EXT 12

static inline void pb_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint16_t pb_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Ethernet header; ethertype is the first TPID when tags follow. */
static inline size_t pb_eth(uint8_t *b, uint16_t ethertype)
{
	static const uint8_t macs[12] = { 0x02, 0, 0, 0, 0, 0x01,
					  0x02, 0, 0, 0, 0, 0x02 };

	memcpy(b, macs, sizeof(macs));
	pb_put16(b + 12, ethertype);
	return 14;
}

/* The rest of one VLAN tag after its TPID: TCI, then the next type. */
static inline size_t pb_vlan(uint8_t *b, uint16_t tci, uint16_t next)
{
	pb_put16(b, tci);
	pb_put16(b + 2, next);
	return 4;
}

/* Ethernet plus ntags tags (TPIDs in tpid[]), innermost type ethertype. */
static inline size_t pb_l2(uint8_t *b, const uint16_t *tpid, unsigned ntags,
			   uint16_t ethertype)
{
	size_t off;
	unsigned i;

	off = pb_eth(b, ntags ? tpid[0] : ethertype);
	for (i = 0; i < ntags; i++)
		off += pb_vlan(b + off, (uint16_t)(100 + i),
			       i + 1 < ntags ? tpid[i + 1] : ethertype);
	return off;
}

static inline uint16_t pb_csum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += pb_get16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* IPv4 header with optlen bytes of options (a multiple of 4, <= 40; NOPs
 * ending in EOL), frag = flags|offset field, total length = header +
 * payload. Returns the header length. */
static inline size_t pb_ipv4(uint8_t *b, uint8_t proto, const uint8_t *src,
			     const uint8_t *dst, unsigned optlen, uint16_t frag,
			     size_t payload)
{
	size_t hlen = 20 + optlen;

	memset(b, 0, hlen);
	b[0] = (uint8_t)(0x40 | (hlen / 4));
	pb_put16(b + 2, (uint16_t)(hlen + payload));
	pb_put16(b + 4, 0x1234);
	pb_put16(b + 6, frag);
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	memset(b + 20, 0x01, optlen);
	if (optlen)
		b[hlen - 1] = 0x00;
	pb_put16(b + 10, pb_csum(b, hlen));
	return hlen;
}

static inline void pb_set_ipv4_ihl(uint8_t *ip, unsigned ihl)
{
	ip[0] = (uint8_t)((ip[0] & 0xf0) | (ihl & 0x0f));
}

static inline void pb_set_ipv4_tot(uint8_t *ip, uint16_t tot)
{
	pb_put16(ip + 2, tot);
}

static inline void pb_set_version(uint8_t *ip, unsigned v)
{
	ip[0] = (uint8_t)((ip[0] & 0x0f) | (v << 4));
}

/* IPv6 fixed header; payload counts extension headers too. */
static inline size_t pb_ipv6(uint8_t *b, uint8_t next, const uint8_t *src,
			     const uint8_t *dst, size_t payload)
{
	memset(b, 0, 40);
	b[0] = 0x60;
	pb_put16(b + 4, (uint16_t)payload);
	b[6] = next;
	b[7] = 64;
	memcpy(b + 8, src, 16);
	memcpy(b + 24, dst, 16);
	return 40;
}

static inline void pb_set_ipv6_plen(uint8_t *ip, uint16_t plen)
{
	pb_put16(ip + 4, plen);
}

/* Hop-by-hop, routing or destination options (len: multiple of 8, >= 8)
 * or AH (len: multiple of 4, >= 8). Padding is Pad1 options / zeros. */
static inline size_t pb_ip6_ext(uint8_t *b, uint8_t kind, uint8_t next,
				size_t len)
{
	memset(b, 0, len);
	b[0] = next;
	if (kind == PB_NH_AH)
		b[1] = (uint8_t)(len / 4 - 2);
	else
		b[1] = (uint8_t)(len / 8 - 1);
	if (kind == PB_NH_ROUTING)
		b[2] = 4; /* segment routing; segments left 0 */
	return len;
}

/* IPv6 fragment header; offset in bytes (a multiple of 8). */
static inline size_t pb_ip6_frag(uint8_t *b, uint8_t next, uint16_t offset,
				 int more)
{
	memset(b, 0, 8);
	b[0] = next;
	pb_put16(b + 2, (uint16_t)((offset & 0xfff8) | (more ? 1 : 0)));
	b[4] = 0xab;
	b[7] = 0xcd;
	return 8;
}

/* ICMP or ICMPv6 echo-shaped header (8 bytes; checksum left zero). */
static inline size_t pb_icmp(uint8_t *b, uint8_t type, uint8_t code)
{
	memset(b, 0, 8);
	b[0] = type;
	b[1] = code;
	pb_put16(b + 4, 0x4242);
	pb_put16(b + 6, 1);
	return 8;
}

static inline size_t pb_udp(uint8_t *b, uint16_t sport, uint16_t dport,
			    size_t payload)
{
	pb_put16(b, sport);
	pb_put16(b + 2, dport);
	pb_put16(b + 4, (uint16_t)(8 + payload));
	pb_put16(b + 6, 0);
	return 8;
}

static inline size_t pb_tcp(uint8_t *b, uint16_t sport, uint16_t dport)
{
	memset(b, 0, 20);
	pb_put16(b, sport);
	pb_put16(b + 2, dport);
	b[12] = 5 << 4;
	b[13] = 0x02; /* SYN */
	pb_put16(b + 14, 65535);
	return 20;
}

/* DCCP generic header (12 bytes, X = 0) or SCTP common header (12
 * bytes): both start with the two ports. */
static inline size_t pb_dccp_sctp(uint8_t *b, uint8_t proto, uint16_t sport,
				  uint16_t dport)
{
	memset(b, 0, 12);
	pb_put16(b, sport);
	pb_put16(b + 2, dport);
	if (proto == FP_PROTO_DCCP) {
		b[4] = 3;        /* data offset, 32-bit words */
		b[8] = 1 << 1;   /* type 1 (Data), X = 0 */
	} else {
		b[4] = 0x5c;     /* verification tag */
	}
	return 12;
}

/* L4 header for proto: UDP, UDP-Lite, TCP, DCCP and SCTP with the given
 * ports, ICMP and ICMPv6 with type and code; none for anything else. */
static inline size_t pb_l4(uint8_t *b, uint8_t proto, uint8_t type,
			   uint8_t code, uint16_t sport, uint16_t dport,
			   size_t payload)
{
	switch (proto) {
	case FP_PROTO_UDP:
	case FP_PROTO_UDPLITE: /* length field: checksum coverage, 8 here */
		return pb_udp(b, sport, dport,
			      proto == FP_PROTO_UDP ? payload : 0);
	case FP_PROTO_TCP:
		return pb_tcp(b, sport, dport);
	case FP_PROTO_DCCP:
	case FP_PROTO_SCTP:
		return pb_dccp_sctp(b, proto, sport, dport);
	case FP_PROTO_ICMP:
	case FP_PROTO_ICMPV6:
		return pb_icmp(b, type, code);
	default:
		return 0;
	}
}

static inline size_t pb_l4_len(uint8_t proto)
{
	switch (proto) {
	case FP_PROTO_UDP:
	case FP_PROTO_UDPLITE:
	case FP_PROTO_ICMP:
	case FP_PROTO_ICMPV6:
		return 8;
	case FP_PROTO_DCCP:
	case FP_PROTO_SCTP:
		return 12;
	case FP_PROTO_TCP:
		return 20;
	default:
		return 0;
	}
}

/* A whole frame. family 4 or 6 builds IP; 0 builds `ethertype` with
 * `payload` zero bytes (ARP, LLDP, ...). */
struct pb_frame {
	unsigned ntags;
	uint16_t tpid[PB_MAX_TAGS];
	uint16_t ethertype;     /* family 0 only */
	uint8_t family;         /* 4, 6 or 0 */
	uint8_t proto;          /* L4 protocol */
	uint8_t icmp_type, icmp_code;
	uint16_t sport, dport;  /* protocols with ports */
	uint8_t src[16], dst[16];
	unsigned ip4_optlen;    /* IPv4 option bytes */
	uint16_t ip4_frag;      /* IPv4 flags|offset */
	unsigned next;          /* IPv6 extension headers in ext[] */
	uint8_t ext[PB_MAX_EXT];      /* kinds, PB_NH_* */
	uint16_t ext_len[PB_MAX_EXT]; /* bytes, 0 = 8 (fragment: ignored) */
	uint16_t frag_off;      /* IPv6 fragment header: offset, bytes */
	uint8_t frag_more;      /* IPv6 fragment header: M flag */
	unsigned payload;       /* bytes after the L4 header */
	unsigned pad;           /* Ethernet bytes after the IP datagram */
};

/* Offsets into a built frame. */
struct pb_layout {
	size_t l3;  /* start of the IP (or non-IP) header */
	size_t l4;  /* start of the L4 header */
	size_t end; /* end of the IP datagram (before padding) */
};

static inline size_t pb_ip6_exts(uint8_t *b, const struct pb_frame *f)
{
	size_t off = 0, len;
	unsigned i;
	uint8_t next;

	for (i = 0; i < f->next; i++) {
		next = i + 1 < f->next ? f->ext[i + 1] : f->proto;
		len = f->ext_len[i] ? f->ext_len[i] : 8;
		if (f->ext[i] == PB_NH_FRAGMENT)
			off += pb_ip6_frag(b + off, next, f->frag_off,
					   f->frag_more);
		else
			off += pb_ip6_ext(b + off, f->ext[i], next, len);
	}
	return off;
}

static inline size_t pb_ip6_exts_len(const struct pb_frame *f)
{
	size_t len = 0;
	unsigned i;

	for (i = 0; i < f->next; i++)
		len += f->ext[i] == PB_NH_FRAGMENT || !f->ext_len[i] ?
		       8 : f->ext_len[i];
	return len;
}

/* Build f into b (cap bytes). Returns the frame length, 0 if it would
 * not fit. *lay (lay may be NULL) is filled in either case. */
static inline size_t pb_build(uint8_t *b, size_t cap, const struct pb_frame *f,
			      struct pb_layout *lay)
{
	uint16_t et = f->family == 4 ? PB_ETH_P_IPV4 :
		      f->family == 6 ? PB_ETH_P_IPV6 : f->ethertype;
	size_t l4len = (f->family ? pb_l4_len(f->proto) : 0) + f->payload;
	size_t exts = f->family == 6 ? pb_ip6_exts_len(f) : 0;
	size_t l3hdr = f->family == 4 ? 20 + f->ip4_optlen :
		       f->family == 6 ? 40 : 0;
	struct pb_layout l;

	l.l3 = 14 + 4 * (size_t)f->ntags;
	l.l4 = l.l3 + l3hdr + exts;
	l.end = l.l4 + l4len;
	if (lay)
		*lay = l;
	if (l.end + f->pad > cap)
		return 0;
	memset(b, 0, l.end + f->pad);
	pb_l2(b, f->tpid, f->ntags, et);
	if (f->family == 4)
		pb_ipv4(b + l.l3, f->proto, f->src, f->dst, f->ip4_optlen,
			f->ip4_frag, l4len);
	else if (f->family == 6)
		pb_ipv6(b + l.l3, f->next ? f->ext[0] : f->proto, f->src,
			f->dst, exts + l4len);
	if (f->family == 6)
		pb_ip6_exts(b + l.l3 + 40, f);
	if (f->family)
		pb_l4(b + l.l4, f->proto, f->icmp_type, f->icmp_code,
		      f->sport, f->dport, f->payload);
	return l.end + f->pad;
}

#endif /* PKTBUILD_H */
