/* fastpath/bpfprog.h - one port's instance of the xskwall_redirect program
 * and its XSKMAP: load, fill the map, attach through a bpf_link, detach.
 *
 * One instance per port, because a map keyed by queue index can serve only
 * one interface. The bpf_link ties the attachment to this
 * process: even after SIGKILL nothing stays on the interface. */
#ifndef FP_BPFPROG_H
#define FP_BPFPROG_H

#include <stdint.h>
#include <net/if.h>
#include "modes.h"

struct xskwall_redirect_bpf;

struct fp_bpfprog {
	char ifname[IF_NAMESIZE];
	int ifindex;
	int link_fd;   /* -1 until attached */
	int mode;      /* enum fp_xdp_mode obtained once attached */
	struct xskwall_redirect_bpf *skel;
	struct xskwall_redirect_bpf *twin; /* loaded by the first refresh */
	int on_twin;                       /* the link runs twin's program */
};

/* Check the interface is free (removing a stale, netlink-attached
 * xskwall_redirect left by an older run), then open and load the program
 * with the given miss verdict (FW_MISS_DROP / FW_MISS_PASS). */
int fp_bpfprog_create(const char *ifname, uint32_t miss_action, struct fp_bpfprog **out);

/* NULL-safe: detaches (closes the link) and unloads. */
void fp_bpfprog_destroy(struct fp_bpfprog *p);

/* Put socket fd into XSKMAP slot `queue`. */
int fp_bpfprog_set_socket(struct fp_bpfprog *p, uint32_t queue, int xsk_fd);

/* Attach the program again, atomically (bpf_link_update: no frame goes
 * without it). After a channel change a driver may run XDP only on the
 * queues it had when the program was attached (veth 6.x: queues added
 * later pass their frames to the stack); a new attachment covers every
 * queue. */
int fp_bpfprog_refresh(struct fp_bpfprog *p);

/* Empty XSKMAP slot `queue` (its frames meet the miss verdict again). */
void fp_bpfprog_clear_socket(struct fp_bpfprog *p, uint32_t queue);

/* Attach in the requested mode; AUTO tries native, then generic. */
int fp_bpfprog_attach(struct fp_bpfprog *p, int mode);

/* Close the link: the interface carries no program afterwards. NULL-safe. */
void fp_bpfprog_detach(struct fp_bpfprog *p);

/* Frames this port's program gave the on-miss verdict (no socket on their
 * queue), summed over CPUs. */
int fp_bpfprog_misses(const struct fp_bpfprog *p, uint64_t *out);

const char *fp_xdp_mode_name(int mode);

/* The name of loaded BPF program `id` into name; -errno. */
int fp_bpf_prog_name(uint32_t id, char *name, size_t len);

#endif /* FP_BPFPROG_H */
