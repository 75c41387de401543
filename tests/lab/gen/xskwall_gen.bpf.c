/* tests/lab/gen/xskwall_gen.bpf.c - the frame mutator of xskwall-gen.
 *
 * Run by BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES (each XDP_TX goes out
 * of the device named in ctx->ingress_ifindex), and by plain BPF_PROG_RUN to
 * pre-build the frames of the AF_XDP mode. For every frame it rewrites the
 * source and destination addresses, the UDP/TCP source port, the IPv4
 * header checksum (from scratch) and the L4 checksum (from the constant
 * part the loader precomputed), and restores the Ethernet addresses and
 * the TTL or hop limit. Pages are recycled in live mode, also after the
 * kernel stack forwarded the frame and rewrote it in place, so every field
 * is written in full, never relative to its previous value.
 * Frames that are not ours (unknown ethertype or protocol) are dropped;
 * the loader relies on that to probe for live-frames support silently.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <linux/icmpv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "gen_abi.h"

const volatile struct gen_bpf_cfg gen_cfg = { .src_n = 1, .dst_n = 1, .sport_n = 1 };

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} gen_seq SEC(".maps");

struct gen_pick {
	__u64 src, dst;
	__u16 sport;
};

static __always_inline void gen_pick(struct gen_pick *p)
{
	__u32 key = 0;
	__u64 *seq = bpf_map_lookup_elem(&gen_seq, &key);
	__u64 i = 0;

	if (seq)
		i = (*seq)++ + bpf_get_smp_processor_id() * GEN_CPU_PHASE;
	p->src = i % gen_cfg.src_n;
	i /= gen_cfg.src_n;
	p->dst = i % gen_cfg.dst_n;
	i /= gen_cfg.dst_n;
	p->sport = gen_cfg.sport_base + i % gen_cfg.sport_n;
}

static __always_inline __u16 gen_fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

static __always_inline __u64 gen_sum32(__u32 w)
{
	return (w & 0xffff) + (w >> 16);
}

/* Source port and L4 checksum; `sum` holds the pseudo-header addresses. */
static __always_inline int gen_l4(void *l4, void *end, __u8 proto, __u64 sum, __u16 sport)
{
	__u16 *csum, c;

	if (proto == IPPROTO_UDP) {
		struct udphdr *u = l4;

		if ((void *)(u + 1) > end)
			return XDP_DROP;
		u->source = bpf_htons(sport);
		sum += u->source + gen_cfg.l4_sum[GEN_KIND_UDP];
		c = ~gen_fold(sum);
		u->check = c ? c : 0xffff;	/* 0 means "no checksum" */
		return XDP_TX;
	}
	if (proto == IPPROTO_TCP) {
		struct tcphdr *t = l4;

		if ((void *)(t + 1) > end)
			return XDP_DROP;
		t->source = bpf_htons(sport);
		sum += t->source + gen_cfg.l4_sum[GEN_KIND_TCP];
		t->check = ~gen_fold(sum);
		return XDP_TX;
	}
	if (proto == IPPROTO_ICMP)	/* no pseudo-header: constant checksum */
		return XDP_TX;
	if (proto != IPPROTO_ICMPV6)
		return XDP_DROP;
	csum = l4 + 2;
	if ((void *)(csum + 1) > end)
		return XDP_DROP;
	*csum = ~gen_fold(sum + gen_cfg.l4_sum[GEN_KIND_ICMP]);
	return XDP_TX;
}

/* IPv4 header checksum from scratch: 20 bytes, no options (we built it). */
static __always_inline __u16 gen_ip4_csum(struct iphdr *ip)
{
	__u16 *w = (__u16 *)ip;
	__u64 sum = 0;

#pragma unroll
	for (int i = 0; i < 10; i++)
		sum += w[i];
	return ~gen_fold(sum);
}

static __always_inline int gen_ip4(struct iphdr *ip, void *end, const struct gen_pick *p)
{
	__u64 sum;

	if ((void *)(ip + 1) > end)
		return XDP_DROP;
	ip->saddr = bpf_htonl((__u32)(gen_cfg.src_lo + p->src));
	ip->daddr = bpf_htonl((__u32)(gen_cfg.dst_lo + p->dst));
	ip->ttl = GEN_HOP_LIMIT;
	ip->check = 0;
	ip->check = gen_ip4_csum(ip);
	sum = gen_sum32(ip->saddr) + gen_sum32(ip->daddr);
	return gen_l4(ip + 1, end, ip->protocol, sum, p->sport);
}

static __always_inline __u64 gen_ip6_addr(__u32 *a, __u64 hi, __u64 lo, __u64 off)
{
	__u64 nlo = lo + off, nhi = hi + (nlo < lo);

	a[0] = bpf_htonl(nhi >> 32);
	a[1] = bpf_htonl((__u32)nhi);
	a[2] = bpf_htonl(nlo >> 32);
	a[3] = bpf_htonl((__u32)nlo);
	return gen_sum32(a[0]) + gen_sum32(a[1]) + gen_sum32(a[2]) + gen_sum32(a[3]);
}

static __always_inline int gen_ip6(struct ipv6hdr *ip6, void *end, const struct gen_pick *p)
{
	__u64 sum;

	if ((void *)(ip6 + 1) > end)
		return XDP_DROP;
	ip6->hop_limit = GEN_HOP_LIMIT;
	sum = gen_ip6_addr(ip6->saddr.in6_u.u6_addr32, gen_cfg.src_hi, gen_cfg.src_lo, p->src);
	sum += gen_ip6_addr(ip6->daddr.in6_u.u6_addr32, gen_cfg.dst_hi, gen_cfg.dst_lo, p->dst);
	return gen_l4(ip6 + 1, end, ip6->nexthdr, sum, p->sport);
}

/* Byte by byte through the volatile rodata: a plain memcpy would let the
 * compiler fold in the initial (zero) value the loader replaces. */
static __always_inline void gen_put_mac(__u8 *to, const volatile __u8 *from)
{
#pragma unroll
	for (int i = 0; i < ETH_ALEN; i++)
		to[i] = from[i];
}

SEC("xdp")
int xskwall_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct gen_pick p;

	if ((void *)(eth + 1) > end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP) && eth->h_proto != bpf_htons(ETH_P_IPV6))
		return XDP_DROP;
	gen_put_mac(eth->h_dest, gen_cfg.eth_dst);
	gen_put_mac(eth->h_source, gen_cfg.eth_src);
	gen_pick(&p);
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		return gen_ip4((void *)(eth + 1), end, &p);
	return gen_ip6((void *)(eth + 1), end, &p);
}

char LICENSE[] SEC("license") = "GPL";
