/* tests/bpf/test_redirect.c - xskwall_redirect under BPF_PROG_RUN.
 *
 * Needs root (CAP_BPF/CAP_NET_ADMIN); without it the test exits 77, which
 * ctest reports as skipped with the reason printed. Checks:
 *  - the verifier accepts the program on this kernel;
 *  - an empty XSKMAP slot gives the configured on-miss verdict, both ways,
 *    and each such frame is counted once in fw_miss;
 *  - a filled slot redirects (a socket bound to lo, queue 0) and is not
 *    counted as a miss. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>
#include <sys/mman.h>
#include "fw/abi.h"
#include "xskwall_redirect.skel.h"
#include "check.h"

static int run_prog(struct xskwall_redirect_bpf *skel, int ifindex, __u32 queue, __u32 *retval)
{
	unsigned char frame[64] = { 0 };
	struct xdp_md ctx = { .ingress_ifindex = ifindex, .rx_queue_index = queue };
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = frame, .data_size_in = sizeof(frame),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err;

	if (!ifindex) {
		run.ctx_in = NULL;
		run.ctx_size_in = 0;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xskwall_redirect), &run);
	*retval = run.retval;
	return err;
}

/* fw_miss summed over the CPUs. */
static __u64 misses(struct xskwall_redirect_bpf *skel)
{
	__u64 per_cpu[1024] = { 0 }, sum = 0;
	int ncpus = libbpf_num_possible_cpus();
	__u32 zero = 0;

	if (ncpus <= 0 || ncpus > 1024 ||
	    bpf_map_lookup_elem(bpf_map__fd(skel->maps.fw_miss), &zero, per_cpu))
		return ~0ull;
	for (int c = 0; c < ncpus; c++)
		sum += per_cpu[c];
	return sum;
}

static struct xskwall_redirect_bpf *load(__u32 action)
{
	struct xskwall_redirect_bpf *skel = xskwall_redirect_bpf__open();

	if (!skel)
		return NULL;
	skel->rodata->fw_miss_action = action; /* before load */
	if (xskwall_redirect_bpf__load(skel)) {
		xskwall_redirect_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

static void check_miss(__u32 action, const char *name)
{
	struct xskwall_redirect_bpf *skel = load(action);
	__u32 retval = ~0u;

	CHECK(skel != NULL, "verifier accepts %s with on-miss %s", FW_XDP_PROG_NAME, name);
	if (!skel)
		return;
	CHECK(misses(skel) == 0, "fw_miss starts at 0 (measured %llu)",
	      (unsigned long long)misses(skel));
	CHECK(!run_prog(skel, 0, 0, &retval) && retval == action,
	      "empty slot -> on-miss %s (retval %u)", name, retval);
	CHECK(!run_prog(skel, 0, 0, &retval) && retval == action,
	      "again -> on-miss %s (retval %u)", name, retval);
	CHECK(misses(skel) == 2, "two misses counted (measured %llu, expected 2)",
	      (unsigned long long)misses(skel));
	xskwall_redirect_bpf__destroy(skel);
}

/* Bind a copy-mode socket to lo queue 0 and check the slot redirects. */
static void check_redirect(void)
{
	struct xsk_socket_config scfg = {
		.rx_size = 64, .tx_size = 64,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	struct xskwall_redirect_bpf *skel = load(FW_MISS_DROP);
	struct xsk_socket *xsk = NULL;
	struct xsk_umem *umem = NULL;
	size_t bytes = 64 * 4096;
	__u32 retval = 0, key = 0;
	int ifindex = if_nametoindex("lo"), fd;
	void *area;

	area = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!skel || area == MAP_FAILED || xsk_umem__create(&umem, area, bytes, &fill, &comp, NULL) ||
	    xsk_socket__create(&xsk, "lo", 0, umem, &rx, &tx, &scfg)) {
		printf("# skip redirect check: cannot bind an AF_XDP socket to lo (%s)\n",
		       strerror(errno));
		goto out;
	}
	fd = xsk_socket__fd(xsk);
	CHECK(!bpf_map_update_elem(bpf_map__fd(skel->maps.fw_xsks), &key, &fd, 0),
	      "socket inserted in XSKMAP slot 0");
	CHECK(!run_prog(skel, ifindex, 0, &retval) && retval == XDP_REDIRECT,
	      "frame on queue 0 with a socket -> XDP_REDIRECT (retval %u)", retval);
	CHECK(misses(skel) == 0, "a redirect is no miss (measured %llu misses, expected 0)",
	      (unsigned long long)misses(skel));
out:
	if (xsk)
		xsk_socket__delete(xsk);
	if (umem)
		xsk_umem__delete(umem);
	if (area != MAP_FAILED)
		munmap(area, bytes);
	xskwall_redirect_bpf__destroy(skel);
}

int main(void)
{
	if (geteuid() != 0) {
		printf("# skip: BPF_PROG_RUN of an XDP program needs root\n");
		return SKIP;
	}
	check_miss(FW_MISS_DROP, "drop");
	check_miss(FW_MISS_PASS, "pass");
	check_redirect();
	return check_summary();
}
