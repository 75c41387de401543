/* bench/tools/ceiling/ceiling.c - xskwall-ceiling: attach xskwall_ceiling to an
 * ingress port (bpf_link, native mode) so that every frame is redirected
 * to the egress port in the kernel, for a bounded time.
 *
 *   xskwall-ceiling --in IFNAME --out IFNAME --seconds S
 *
 * The egress veth accepts redirected frames only while its peer has an XDP
 * program (or GRO) on: in the lab, the sink's counter. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/signalfd.h>
#include <poll.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "benchopt.h"
#include "xskwall_ceiling.skel.h"

struct ceiling_opts {
	const char *in, *out;
	long seconds;
};

static int ceiling_opt_in(void *o, const char *arg)
{
	((struct ceiling_opts *)o)->in = arg;
	return 0;
}

static int ceiling_opt_out(void *o, const char *arg)
{
	((struct ceiling_opts *)o)->out = arg;
	return 0;
}

static int ceiling_opt_seconds(void *o, const char *arg)
{
	uint64_t v;

	if (bench_parse_u64(arg, 1, 3600, &v))
		return -EINVAL;
	((struct ceiling_opts *)o)->seconds = (long)v;
	return 0;
}

static const struct bench_opt ceiling_opts_table[] = {
	{ "in", "IFNAME", "ingress port: the program is attached here", ceiling_opt_in, 1 },
	{ "out", "IFNAME", "egress port: every frame is redirected to it", ceiling_opt_out, 1 },
	{ "seconds", "S", "stay attached this long, 1..3600", ceiling_opt_seconds, 1 },
};

static const struct bench_cmd ceiling_cmd = {
	.prog = "xskwall-ceiling",
	.synopsis = "usage: xskwall-ceiling --in IFNAME --out IFNAME --seconds S\n\n"
		    "The in-kernel XDP devmap redirect baseline: every frame received on --in\n"
		    "leaves on --out, for a bounded time (or until SIGINT/SIGTERM).",
	.notes = "The egress veth accepts redirected frames only while its peer has an XDP\n"
		 "program (or GRO) on.\n",
	.opts = ceiling_opts_table,
	.n_opts = sizeof(ceiling_opts_table) / sizeof(ceiling_opts_table[0]),
};

static int ceiling_attach(struct xskwall_ceiling_bpf *skel, int in, int out)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = XDP_FLAGS_DRV_MODE);
	__u32 key = 0;
	int fd;

	if (bpf_map_update_elem(bpf_map__fd(skel->maps.ceiling_egress), &key, &out, 0))
		return -errno;
	fd = bpf_link_create(bpf_program__fd(skel->progs.xskwall_ceiling), in, BPF_XDP, &opts);
	return fd < 0 ? -errno : fd;
}

/* Wait for the time to pass or for SIGINT/SIGTERM. */
static void ceiling_wait(long seconds)
{
	struct pollfd p = { .events = POLLIN };
	sigset_t sigs;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	p.fd = signalfd(-1, &sigs, 0);
	poll(&p, 1, (int)(seconds * 1000));
	close(p.fd);
}

int main(int argc, char **argv)
{
	struct ceiling_opts o = { 0 };
	struct xskwall_ceiling_bpf *skel;
	int in, out, link, r;

	r = bench_opt_parse(&ceiling_cmd, argc, argv, &o);
	if (r)
		return r > 0 ? 0 : 2;
	in = (int)if_nametoindex(o.in);
	out = (int)if_nametoindex(o.out);
	if (!in || !out) {
		fprintf(stderr, "xskwall-ceiling: no such interface: %s\n", !in ? o.in : o.out);
		return 1;
	}
	skel = xskwall_ceiling_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "xskwall-ceiling: cannot load the program: %s\n", strerror(errno));
		return 1;
	}
	link = ceiling_attach(skel, in, out);
	if (link < 0) {
		fprintf(stderr, "xskwall-ceiling: cannot attach to %s in native mode: %s\n", o.in,
			strerror(-link));
		xskwall_ceiling_bpf__destroy(skel);
		return 1;
	}
	printf("xskwall-ceiling: %s -> %s (devmap redirect) for %ld s\n", o.in, o.out, o.seconds);
	fflush(stdout);
	ceiling_wait(o.seconds);
	close(link);
	xskwall_ceiling_bpf__destroy(skel);
	return 0;
}
