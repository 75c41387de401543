/* include/fw/abi.h - the only contract between xdp_kern/ and userspace.
 *
 * Both xdp_kern/xskwall_redirect.bpf.c and fastpath/ include this file;
 * nothing here is re-declared by hand on either side. */
#ifndef FW_ABI_H
#define FW_ABI_H

#include <linux/types.h>
#include <linux/bpf.h>

#define FW_ABI_VERSION 1

/* XSKMAP slots per port: the key is the receive queue index. */
#define FW_MAX_QUEUES 64

#define FW_XDP_PROG_NAME "xskwall_redirect"

/* Verdict for a frame that arrives on a queue with no socket bound
 * (start-up, shutdown, a queue left out by `queues`). */
enum fw_miss_action {
	FW_MISS_DROP = XDP_DROP, /* fail closed: the default */
	FW_MISS_PASS = XDP_PASS, /* fail open to the kernel stack */
};

#endif /* FW_ABI_H */
