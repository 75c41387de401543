/* bench/tools/sink/sink_abi.h - the contract between xskwall_sink.bpf.c and
 * xskwall-sink: one per-CPU counter block, at key 0 of sink_ctrs. */
#ifndef SINK_ABI_H
#define SINK_ABI_H
#include <linux/types.h>

struct sink_ctr {
	__u64 packets;
	__u64 bytes;
};

#endif /* SINK_ABI_H */
