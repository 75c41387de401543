/* bench/tools/ceiling/xskwall_ceiling.bpf.c - the lab's upper bound: redirect
 * every frame from the ingress port to the egress port through a devmap,
 * in the kernel, with no filtering. Slot 0 holds the egress ifindex. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} ceiling_egress SEC(".maps");

SEC("xdp")
int xskwall_ceiling(struct xdp_md *ctx)
{
	(void)ctx;
	return bpf_redirect_map(&ceiling_egress, 0, XDP_DROP);
}

char LICENSE[] SEC("license") = "GPL";
