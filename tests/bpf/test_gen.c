/* tests/bpf/test_gen.c - xskwall-gen's frame mutator under BPF_PROG_RUN.
 *
 * In live-frames mode a page comes back from the kernel stack as the stack
 * left it: a kernel router rewrote its Ethernet header and decremented its
 * TTL. The program must restore both on every run, or the kernel baseline
 * of the benchmark receives frames for another MAC. Here a frame that
 * looks forwarded (the sink's MAC, a zero source, TTL 3) goes through the
 * program once, IPv4 and IPv6, and must come out as the loader configured
 * it: both MACs, TTL or hop limit 64, the configured addresses, a valid
 * IPv4 header checksum. Needs root; exit 77 (skip) without it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "gen_abi.h"
#include "xskwall_gen.skel.h"
#include "check.h"

#define FRAME_LEN 80

/* A frame starts 2 bytes into a 4-byte aligned buffer, so that the IP
 * header after the 14-byte Ethernet header is aligned as its struct needs. */
struct frame_buf {
	__u8 pad[2];
	__u8 f[FRAME_LEN];
} __attribute__((aligned(4)));

static const __u8 fw_mac[ETH_ALEN] = { 0x02, 0x58, 0x57, 0x00, 0x00, 0x10 };
static const __u8 gen_mac[ETH_ALEN] = { 0x02, 0x58, 0x57, 0x00, 0x00, 0x01 };
static const __u8 sink_mac[ETH_ALEN] = { 0x02, 0x58, 0x57, 0x00, 0x00, 0x02 };

static struct xskwall_gen_bpf *load(void)
{
	struct xskwall_gen_bpf *skel = xskwall_gen_bpf__open();
	struct gen_bpf_cfg cfg = { .src_n = 1, .dst_n = 1, .sport_base = 1024, .sport_n = 1 };
	int err;

	if (!skel)
		return NULL;
	cfg.src_lo = 0xc6120001; /* 198.18.0.1 (IPv6: 2001:db8::1, below) */
	cfg.dst_lo = 0xc6130002; /* 198.19.0.2 */
	memcpy(cfg.eth_dst, fw_mac, ETH_ALEN);
	memcpy(cfg.eth_src, gen_mac, ETH_ALEN);
	memcpy((void *)&skel->rodata->gen_cfg, &cfg, sizeof(cfg)); /* before load */
	err = xskwall_gen_bpf__load(skel);
	if (err) {
		fprintf(stderr, "loading xskwall_gen: %s\n", strerror(-err));
		xskwall_gen_bpf__destroy(skel);
		errno = -err;
		return NULL;
	}
	return skel;
}

/* A frame as a kernel router leaves it: to the sink's MAC, TTL 3. */
static void forwarded_frame(__u8 *f, int v6)
{
	struct ethhdr *eth = (struct ethhdr *)f;

	memset(f, 0, FRAME_LEN);
	memcpy(eth->h_dest, sink_mac, ETH_ALEN);
	eth->h_proto = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);
	if (v6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)(eth + 1);

		ip6->version = 6;
		ip6->nexthdr = IPPROTO_UDP;
		ip6->hop_limit = 3;
		ip6->payload_len = htons(FRAME_LEN - sizeof(*eth) - sizeof(*ip6));
	} else {
		struct iphdr *ip = (struct iphdr *)(eth + 1);

		ip->version = 4;
		ip->ihl = 5;
		ip->ttl = 3;
		ip->protocol = IPPROTO_UDP;
		ip->tot_len = htons(FRAME_LEN - sizeof(*eth));
	}
}

static int header_sum_ok(const struct iphdr *ip)
{
	const __u16 *w = (const __u16 *)ip;
	__u32 sum = 0;

	for (int i = 0; i < 10; i++)
		sum += w[i];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static void check_family(struct xskwall_gen_bpf *skel, int v6)
{
	const char *fam = v6 ? "IPv6" : "IPv4";
	struct frame_buf in, out;
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = in.f, .data_size_in = FRAME_LEN,
		    .data_out = out.f, .data_size_out = FRAME_LEN, .repeat = 1);
	const struct ethhdr *eth = (const struct ethhdr *)out.f;
	int err;

	forwarded_frame(in.f, v6);
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xskwall_gen), &run);
	CHECK(!err && run.retval == XDP_TX, "%s: program runs and sends (retval %u)", fam, run.retval);
	CHECK(!memcmp(eth->h_dest, fw_mac, ETH_ALEN), "%s: destination MAC restored to fw's", fam);
	CHECK(!memcmp(eth->h_source, gen_mac, ETH_ALEN), "%s: source MAC restored to gen's", fam);
	if (v6) {
		const struct ipv6hdr *ip6 = (const struct ipv6hdr *)(eth + 1);

		CHECK(ip6->hop_limit == GEN_HOP_LIMIT, "IPv6: hop limit restored (%u)", ip6->hop_limit);
		return;
	}
	const struct iphdr *ip = (const struct iphdr *)(eth + 1);

	CHECK(ip->ttl == GEN_HOP_LIMIT, "IPv4: TTL restored (%u)", ip->ttl);
	CHECK(ip->saddr == htonl(0xc6120001) && ip->daddr == htonl(0xc6130002),
	      "IPv4: configured addresses written");
	CHECK(header_sum_ok(ip), "IPv4: header checksum valid after the rewrite");
}

int main(void)
{
	struct xskwall_gen_bpf *skel;

	libbpf_set_print(NULL);
	skel = load();
	if (!skel && (errno == EPERM || errno == EACCES)) {
		printf("SKIP: loading BPF programs needs root (%s)\n", strerror(errno));
		return SKIP;
	}
	CHECK(skel != NULL, "verifier accepts xskwall_gen");
	if (!skel)
		return 1;
	check_family(skel, 0);
	check_family(skel, 1);
	xskwall_gen_bpf__destroy(skel);
	return check_summary();
}
