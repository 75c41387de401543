/* bench/tools/sink/xskwall_sink.bpf.c - the benchmark sink: count every frame
 * (per-CPU packets and bytes, no shared state) and drop it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "sink_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sink_ctr);
} sink_ctrs SEC(".maps");

SEC("xdp")
int xskwall_sink(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct sink_ctr *c = bpf_map_lookup_elem(&sink_ctrs, &key);

	if (c) {
		c->packets++;
		c->bytes += ctx->data_end - ctx->data;
	}
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
