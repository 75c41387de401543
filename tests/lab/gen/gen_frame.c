/* tests/lab/gen/gen_frame.c - frame templates for xskwall-gen.
 *
 * A template is a complete Ethernet/IP/L4 frame at the base of the address
 * and port ranges. xskwall_gen.bpf.c rewrites the variable fields of every
 * frame; the L4 checksum parts that never change are summed here once
 * (gen_frame_l4_sum) and handed to the program in its rodata.
 * Sums are over 16-bit words as loaded natively, as the program does.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <string.h>
#include "gen.h"

#define GEN_ICMP_ID 0x5857	/* "XW" */

static const unsigned int gen_l4_len[GEN_KIND_MAX] = {
	[GEN_KIND_UDP] = sizeof(struct udphdr),
	[GEN_KIND_TCP] = sizeof(struct tcphdr),
	[GEN_KIND_ICMP] = 8,
};

static const uint8_t gen_ipproto[2][GEN_KIND_MAX] = {
	{ IPPROTO_UDP, IPPROTO_TCP, IPPROTO_ICMP },
	{ IPPROTO_UDP, IPPROTO_TCP, IPPROTO_ICMPV6 },
};

static unsigned int gen_l3_len(int family)
{
	return family == 4 ? sizeof(struct iphdr) : sizeof(struct ipv6hdr);
}

unsigned int gen_frame_min_len(int family, enum gen_kind k)
{
	return ETH_HLEN + gen_l3_len(family) + gen_l4_len[k];
}

static uint64_t gen_sum16(const uint8_t *p, size_t n, uint64_t sum)
{
	uint16_t w;

	for (; n >= 2; p += 2, n -= 2) {
		memcpy(&w, p, 2);
		sum += w;
	}
	if (n) {
		uint8_t last[2] = { p[0], 0 };

		memcpy(&w, last, 2);
		sum += w;
	}
	return sum;
}

static uint16_t gen_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void gen_put_addr(uint8_t *dst, const struct gen_range *r, int family)
{
	uint32_t v4 = htonl((uint32_t)r->lo);

	if (family == 4) {
		memcpy(dst, &v4, 4);
		return;
	}
	for (int i = 0; i < 8; i++) {
		dst[i] = (uint8_t)(r->hi >> (56 - 8 * i));
		dst[8 + i] = (uint8_t)(r->lo >> (56 - 8 * i));
	}
}

static void gen_build_ip4(const struct gen_opts *o, uint8_t proto, unsigned int len, uint8_t *l3)
{
	struct iphdr *ip = (struct iphdr *)l3;

	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons((uint16_t)len);
	ip->frag_off = htons(0x4000);	/* DF */
	ip->ttl = GEN_HOP_LIMIT;
	ip->protocol = proto;
	gen_put_addr((uint8_t *)&ip->saddr, &o->src, 4);
	gen_put_addr((uint8_t *)&ip->daddr, &o->dst, 4);
	ip->check = (uint16_t)~gen_fold(gen_sum16(l3, sizeof(*ip), 0));
}

static void gen_build_ip6(const struct gen_opts *o, uint8_t proto, unsigned int len, uint8_t *l3)
{
	struct ipv6hdr *ip6 = (struct ipv6hdr *)l3;

	ip6->version = 6;
	ip6->payload_len = htons((uint16_t)(len - sizeof(*ip6)));
	ip6->nexthdr = proto;
	ip6->hop_limit = GEN_HOP_LIMIT;
	gen_put_addr(ip6->saddr.s6_addr, &o->src, 6);
	gen_put_addr(ip6->daddr.s6_addr, &o->dst, 6);
}

static void gen_build_l4(const struct gen_opts *o, enum gen_kind k, uint8_t *l4, unsigned int len)
{
	if (k == GEN_KIND_UDP) {
		struct udphdr *u = (struct udphdr *)l4;

		u->source = htons((uint16_t)o->sport_lo);
		u->dest = htons((uint16_t)o->dport);
		u->len = htons((uint16_t)len);
	} else if (k == GEN_KIND_TCP) {
		struct tcphdr *t = (struct tcphdr *)l4;

		t->source = htons((uint16_t)o->sport_lo);
		t->dest = htons((uint16_t)o->dport);
		t->seq = htonl(1);
		t->doff = 5;
		t->ack = 1;
		t->window = htons(65535);
	} else {
		l4[0] = o->family == 4 ? ICMP_ECHO : ICMPV6_ECHO_REQUEST;
		l4[4] = GEN_ICMP_ID >> 8;
		l4[5] = GEN_ICMP_ID & 0xff;
		l4[7] = 1;	/* sequence */
	}
}

/* Build a `len`-byte frame (no FCS) of kind k into buf, zeroed first.
 * L4 checksums are left to the program, except ICMPv4's (constant). */
void gen_frame_build(const struct gen_opts *o, enum gen_kind k, unsigned int len, uint8_t *buf)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	unsigned int l3 = ETH_HLEN, l4 = l3 + gen_l3_len(o->family);
	uint8_t proto = gen_ipproto[o->family == 6][k];
	uint16_t c;

	memset(buf, 0, len);
	memcpy(eth->h_dest, o->dst_mac, ETH_ALEN);
	memcpy(eth->h_source, o->src_mac, ETH_ALEN);
	eth->h_proto = htons(o->family == 4 ? ETH_P_IP : ETH_P_IPV6);
	if (o->family == 4)
		gen_build_ip4(o, proto, len - l3, buf + l3);
	else
		gen_build_ip6(o, proto, len - l3, buf + l3);
	for (unsigned int i = l4 + gen_l4_len[k]; i < len; i++)
		buf[i] = (uint8_t)i;	/* payload pattern */
	gen_build_l4(o, k, buf + l4, len - l4);
	if (proto == IPPROTO_ICMP) {
		c = (uint16_t)~gen_fold(gen_sum16(buf + l4, len - l4, 0));
		memcpy(buf + l4 + 2, &c, 2);
	}
}

/* The constant part of the L4 checksum of a template built above: pseudo-
 * header protocol and length, then the L4 segment with the source port
 * (UDP/TCP) and the checksum field taken as zero. 0 for ICMPv4. */
uint32_t gen_frame_l4_sum(const uint8_t *frame, unsigned int len)
{
	const struct ethhdr *eth = (const struct ethhdr *)frame;
	int v4 = eth->h_proto == htons(ETH_P_IP);
	unsigned int l4 = ETH_HLEN + gen_l3_len(v4 ? 4 : 6), l4len = len - l4;
	uint8_t proto = v4 ? frame[ETH_HLEN + 9] : frame[ETH_HLEN + 6];
	uint8_t seg[GEN_FRAME_MAX], pseudo[4] = { 0, proto, (uint8_t)(l4len >> 8), (uint8_t)l4len };
	unsigned int csum_off = proto == IPPROTO_UDP ? 6 : proto == IPPROTO_TCP ? 16 : 2;

	if (proto == IPPROTO_ICMP)
		return 0;
	memcpy(seg, frame + l4, l4len);
	memset(seg + csum_off, 0, 2);
	if (proto != IPPROTO_ICMPV6)
		memset(seg, 0, 2);	/* source port */
	return gen_fold(gen_sum16(seg, l4len, gen_sum16(pseudo, sizeof(pseudo), 0)));
}
