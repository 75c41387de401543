/* xdp_kern/xskwall_redirect.bpf.c - steer rx queue N to the AF_XDP socket
 * in slot N of this port's XSKMAP.
 *
 * No parsing and no per-packet state: all policy lives in fastpath/. The
 * loader sets fw_miss_action (read-only data) between open and load; it is
 * the verdict for a frame whose queue has no socket, and such frames are
 * counted in fw_miss (per CPU: no atomics; userspace sums). One instance of this
 * program and its map is loaded per port, because a map keyed by queue
 * index can serve only one interface. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "fw/abi.h"

const volatile __u32 fw_miss_action = FW_MISS_DROP;

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, FW_MAX_QUEUES);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} fw_xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} fw_miss SEC(".maps");

SEC("xdp")
int xskwall_redirect(struct xdp_md *ctx)
{
	/* The low bits of flags are the verdict when the slot is empty. */
	long verdict = bpf_redirect_map(&fw_xsks, ctx->rx_queue_index, fw_miss_action);
	__u32 zero = 0;
	__u64 *misses;

	if (verdict == XDP_REDIRECT)
		return XDP_REDIRECT;
	misses = bpf_map_lookup_elem(&fw_miss, &zero);
	if (misses)
		*misses += 1;
	return verdict;
}

char LICENSE[] SEC("license") = "GPL";
