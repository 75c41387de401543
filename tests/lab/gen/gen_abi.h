/* tests/lab/gen/gen_abi.h - the contract between xskwall_gen.bpf.c and the
 * userspace of xskwall-gen: the read-only configuration the loader writes
 * into the skeleton's rodata before load, and the template kinds. */
#ifndef GEN_ABI_H
#define GEN_ABI_H
#include <linux/types.h>

enum gen_kind {
	GEN_KIND_UDP = 0,
	GEN_KIND_TCP = 1,
	GEN_KIND_ICMP = 2,
	GEN_KIND_MAX,
};

/* Frame number i (i = this CPU's sequence number + cpu * GEN_CPU_PHASE, so
 * that threads on other CPUs walk the same ranges out of phase) gets, as a
 * cross product of the three ranges:
 *   source      = src base + i % src_n
 *   destination = dst base + (i / src_n) % dst_n
 *   UDP/TCP source port = sport_base + (i / (src_n * dst_n)) % sport_n
 * Addresses are host-order integers: IPv4 in the low 32 bits of *_lo; IPv6
 * as two 64-bit halves (the offset is added to the low half with carry). */
#define GEN_CPU_PHASE 0x9e3779b9ull

/* IPv4 TTL and IPv6 hop limit of every frame. */
#define GEN_HOP_LIMIT 64

struct gen_bpf_cfg {
	__u64 src_hi, src_lo;
	__u64 dst_hi, dst_lo;
	__u64 src_n, dst_n;		/* >= 1 */
	__u32 sport_base, sport_n;	/* sport_n >= 1 */
	/* one's-complement sum (16-bit words as loaded natively) of the parts
	 * of the L4 checksum that never change: pseudo-header protocol and
	 * length, the L4 header with source port and checksum zeroed, and the
	 * payload. The program adds addresses and source port to it. */
	__u32 l4_sum[GEN_KIND_MAX];
	/* Written into every frame, because a live frame's page comes back
	 * from the stack as the stack left it: a kernel router rewrites the
	 * Ethernet header and decrements the TTL in place, and the next frame
	 * built on that page would go out to the wrong MAC. */
	__u8 eth_dst[6], eth_src[6];
};

#endif /* GEN_ABI_H */
