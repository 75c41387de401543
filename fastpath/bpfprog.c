/* fastpath/bpfprog.c - load, attach and detach xskwall_redirect.
 *
 * Attach method, decided: a bpf_link (bpf_link_create with BPF_XDP), not
 * netlink and not libxdp's dispatcher. libxdp's dispatcher needs `ext`
 * programs this platform lacks, and both its fallback and plain netlink
 * attach leave the program behind after SIGKILL; a link dies with us.
 * Errors from bpf_link carry only errno, so our messages name the
 * precondition that failed. A program the kernel refuses is explained by
 * the verifier's own log, written at error level. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "fw/abi.h"
#include "fw/log.h"
#include "xskwall_redirect.skel.h"
#include "bpfprog.h"

#define FP_VERIFIER_LOG_BYTES (1u << 20) /* a refused program's log, kept whole */

const char *fp_xdp_mode_name(int mode)
{
	switch (mode) {
	case FP_XDP_NATIVE: return "native";
	case FP_XDP_GENERIC: return "generic";
	default: return "auto";
	}
}

int fp_bpf_prog_name(uint32_t id, char *name, size_t len)
{
	struct bpf_prog_info info;
	uint32_t info_len = sizeof(info);
	int fd, err;

	memset(&info, 0, sizeof(info));
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	err = bpf_obj_get_info_by_fd(fd, &info, &info_len);
	close(fd);
	if (err)
		return -errno;
	snprintf(name, len, "%s", info.name);
	return 0;
}

static int fp_remove_stale(struct fp_bpfprog *p, uint32_t id, uint8_t attach_mode)
{
	uint32_t flags = attach_mode == XDP_ATTACHED_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	int err;

	err = bpf_xdp_detach(p->ifindex, flags, NULL);
	if (!err) {
		fw_warn("%s: removed a stale %s program (id %u) left by an earlier run",
			p->ifname, FW_XDP_PROG_NAME, id);
		return 0;
	}
	fw_err("%s: another xskwall is running here: its %s program (id %u) is held by a live bpf_link",
	       p->ifname, FW_XDP_PROG_NAME, id);
	return -EBUSY;
}

/* The interface must carry no XDP program, or only a stale one of ours. */
static int fp_check_free(struct fp_bpfprog *p)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char name[BPF_OBJ_NAME_LEN] = "?";
	uint32_t id;

	if (bpf_xdp_query(p->ifindex, 0, &q))
		return 0; /* old kernel or no netlink: the attach will tell */
	id = q.prog_id ? q.prog_id : (q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id);
	if (!id)
		return 0;
	fp_bpf_prog_name(id, name, sizeof(name));
	if (!strncmp(name, FW_XDP_PROG_NAME, BPF_OBJ_NAME_LEN - 1))
		return fp_remove_stale(p, id, q.attach_mode);
	fw_err("%s already has XDP program '%s' (id %u); xskwall will not replace it",
	       p->ifname, name, id);
	return -EBUSY;
}

/* The verifier's log of a refused program, one error line per line. */
static void fp_bpfprog_show_verifier_log(const char *ifname, const char *log, int err)
{
	const char *line = log;

	while (*line) {
		size_t n = strcspn(line, "\n");

		if (n)
			fw_err("%s: verifier: %.*s", ifname, (int)n, line);
		line += n + (line[n] == '\n');
	}
	if (err == -ENOSPC)
		fw_err("%s: the verifier's log is longer than %u bytes: only its end is shown",
		       ifname, FP_VERIFIER_LOG_BYTES);
}

/* Load with a buffer of ours for the verifier's log: libbpf fills it only
 * when the kernel refuses the program (it retries the load at log level
 * 1), and then leaves the printing to us. Its own buffer it would print in
 * one warning, which fw_log demotes to info. libbpf reads the buffer only
 * during the load. */
static int fp_bpfprog_load_skel(struct xskwall_redirect_bpf *s, const char *ifname)
{
	char *log = calloc(1, FP_VERIFIER_LOG_BYTES);
	int err;

	if (log)
		bpf_program__set_log_buf(s->progs.xskwall_redirect, log, FP_VERIFIER_LOG_BYTES);
	err = xskwall_redirect_bpf__load(s);
	if (err && log && log[0])
		fp_bpfprog_show_verifier_log(ifname, log, err);
	free(log);
	return err;
}

void fp_bpfprog_destroy(struct fp_bpfprog *p)
{
	if (!p)
		return;
	fp_bpfprog_detach(p);
	xskwall_redirect_bpf__destroy(p->twin);
	xskwall_redirect_bpf__destroy(p->skel);
	free(p);
}

int fp_bpfprog_create(const char *ifname, uint32_t miss_action, struct fp_bpfprog **out)
{
	struct fp_bpfprog *p;
	int err;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->link_fd = -1;
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	p->ifindex = if_nametoindex(ifname);
	if (!p->ifindex) {
		err = -ENODEV;
		fw_err("%s: no such interface", ifname);
		goto fail;
	}
	err = fp_check_free(p);
	if (err)
		goto fail;
	p->skel = xskwall_redirect_bpf__open();
	if (!p->skel) {
		err = -errno;
		fw_err("%s: cannot open the BPF object: %s", ifname, strerror(-err));
		goto fail;
	}
	p->skel->rodata->fw_miss_action = miss_action; /* before load */
	err = fp_bpfprog_load_skel(p->skel, ifname);
	if (err) {
		fw_err("%s: the kernel refused to load %s: %s%s", ifname, FW_XDP_PROG_NAME,
		       strerror(-err), err == -EPERM ? " (loading needs CAP_BPF and CAP_NET_ADMIN)" : "");
		goto fail;
	}
	*out = p;
	return 0;
fail:
	fp_bpfprog_destroy(p);
	return err;
}

int fp_bpfprog_set_socket(struct fp_bpfprog *p, uint32_t queue, int xsk_fd)
{
	int map_fd = bpf_map__fd(p->skel->maps.fw_xsks);

	if (bpf_map_update_elem(map_fd, &queue, &xsk_fd, 0))
		return -errno;
	return 0;
}

/* A second instance of the program on the same maps (XSKMAP, miss
 * counter) and with the same miss verdict. */
static int fp_bpfprog_load_twin(struct fp_bpfprog *p)
{
	struct xskwall_redirect_bpf *t = xskwall_redirect_bpf__open();
	int err;

	if (!t)
		return -errno;
	t->rodata->fw_miss_action = p->skel->rodata->fw_miss_action;
	err = bpf_map__reuse_fd(t->maps.fw_xsks, bpf_map__fd(p->skel->maps.fw_xsks));
	if (!err)
		err = bpf_map__reuse_fd(t->maps.fw_miss, bpf_map__fd(p->skel->maps.fw_miss));
	if (!err)
		err = fp_bpfprog_load_skel(t, p->ifname);
	if (err) {
		xskwall_redirect_bpf__destroy(t);
		return err;
	}
	p->twin = t;
	return 0;
}

/* The kernel ignores a link update to the program already attached, so
 * the link alternates between two instances of it. */
int fp_bpfprog_refresh(struct fp_bpfprog *p)
{
	struct xskwall_redirect_bpf *next;
	int err;

	if (p->link_fd < 0)
		return 0;
	if (!p->twin) {
		err = fp_bpfprog_load_twin(p);
		if (err)
			return err;
	}
	next = p->on_twin ? p->skel : p->twin;
	if (bpf_link_update(p->link_fd, bpf_program__fd(next->progs.xskwall_redirect), NULL))
		return -errno;
	p->on_twin = !p->on_twin;
	return 0;
}

void fp_bpfprog_clear_socket(struct fp_bpfprog *p, uint32_t queue)
{
	(void)bpf_map_delete_elem(bpf_map__fd(p->skel->maps.fw_xsks), &queue);
}

static int fp_link(struct fp_bpfprog *p, uint32_t flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	int prog_fd = bpf_program__fd(p->skel->progs.xskwall_redirect);
	int fd;

	fd = bpf_link_create(prog_fd, p->ifindex, BPF_XDP, &opts);
	if (fd < 0)
		return -errno;
	p->link_fd = fd;
	return 0;
}

static void fp_explain_attach(const struct fp_bpfprog *p, int mode, int err)
{
	const char *hint = "";

	if (err == -EOPNOTSUPP)
		hint = " (the driver has no native XDP)";
	else if (err == -EINVAL || err == -ERANGE)
		hint = " (veth: the peer needs no more tx queues than our rx queues, "
		       "and an MTU that fits a page)";
	else if (err == -EBUSY || err == -EEXIST)
		hint = " (another XDP program is attached)";
	fw_err("%s: cannot attach XDP in %s mode: %s%s", p->ifname, fp_xdp_mode_name(mode),
	       strerror(-err), hint);
}

int fp_bpfprog_attach(struct fp_bpfprog *p, int mode)
{
	int err;

	if (mode != FP_XDP_GENERIC) {
		err = fp_link(p, XDP_FLAGS_DRV_MODE);
		if (!err) {
			p->mode = FP_XDP_NATIVE;
			return 0;
		}
		if (mode == FP_XDP_NATIVE) {
			fp_explain_attach(p, mode, err);
			return err;
		}
		fw_info("%s: native XDP unavailable (%s), using generic", p->ifname,
			strerror(-err));
	}
	err = fp_link(p, XDP_FLAGS_SKB_MODE);
	if (err) {
		fp_explain_attach(p, FP_XDP_GENERIC, err);
		return err;
	}
	p->mode = FP_XDP_GENERIC;
	return 0;
}

int fp_bpfprog_misses(const struct fp_bpfprog *p, uint64_t *out)
{
	int ncpus = libbpf_num_possible_cpus();
	uint32_t zero = 0;
	uint64_t *per_cpu;
	int err = 0;

	*out = 0;
	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	per_cpu = calloc((size_t)ncpus, sizeof(*per_cpu));
	if (!per_cpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.fw_miss), &zero, per_cpu))
		err = -errno;
	for (int c = 0; !err && c < ncpus; c++)
		*out += per_cpu[c];
	free(per_cpu);
	return err;
}

void fp_bpfprog_detach(struct fp_bpfprog *p)
{
	if (!p)
		return;
	if (p->link_fd >= 0)
		close(p->link_fd);
	p->link_fd = -1;
}
