/* bench/tools/sink/sink.c - xskwall-sink: count and drop every frame that reaches
 * a device, and report the rate.
 *
 *   xskwall-sink --dev IF --duration S [--interval-ms MS] [--json]
 *
 * Attaches xskwall_sink.bpf.c with a bpf_link (native mode, else generic),
 * so the program goes away with the process even on SIGKILL. Each interval
 * it sums the per-CPU counters and prints the rate; at the end a summary.
 * SIGINT/SIGTERM (read from a signalfd) end the run early, cleanly.
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "benchopt.h"
#include "sink_abi.h"
#include "xskwall_sink.skel.h"

#define SINK_MAX_SECONDS 3600

struct sink_opts {
	const char *dev;
	uint64_t duration, interval_ms;
	bool json;
};

struct sink {
	struct sink_opts opt;
	struct xskwall_sink_bpf *skel;
	int link_fd, ncpu;
	const char *attach_mode;
	struct sink_ctr *percpu;	/* ncpu slots, for map lookups */
};

struct sink_sample {
	uint64_t packets, bytes, t_ns;
};

static int opt_dev(void *p, const char *a)
{
	((struct sink_opts *)p)->dev = a;
	return strlen(a) < IF_NAMESIZE ? 0 : -EINVAL;
}

static int opt_duration(void *p, const char *a)
{
	return bench_parse_u64(a, 1, SINK_MAX_SECONDS, &((struct sink_opts *)p)->duration);
}

static int opt_interval(void *p, const char *a)
{
	return bench_parse_u64(a, 10, 60000, &((struct sink_opts *)p)->interval_ms);
}

static int opt_json(void *p, const char *a)
{
	(void)a;
	((struct sink_opts *)p)->json = true;
	return 0;
}

static const struct bench_opt sink_opt_table[] = {
	{ "dev", "IFNAME", "device to count and drop on", opt_dev, 1 },
	{ "duration", "SECONDS", "run this long, 1..3600", opt_duration, 1 },
	{ "interval-ms", "MS", "report period, 10..60000 (default 1000)", opt_interval },
	{ "json", NULL, "JSON lines: {\"t\",\"pps\",\"packets_total\"} per interval, then "
			"{\"sink\",\"packets\",\"seconds\"}", opt_json },
};

static const struct bench_cmd sink_cmd = {
	.prog = "xskwall-sink",
	.synopsis = "usage: xskwall-sink --dev IF --duration S [--interval-ms MS] [--json]\n\n"
		    "Attach a count-and-drop XDP program to IF (bpf_link; native mode, else\n"
		    "generic) and print the received rate. SIGINT/SIGTERM stop it early.",
	.notes = "On a veth, an XDP program here also lets the peer accept XDP_TX /\n"
		 "ndo_xdp_xmit frames (xskwall-gen's live mode). Native mode on a veth needs\n"
		 "at least as many RX queues as the peer has TX queues.\n",
	.opts = sink_opt_table,
	.n_opts = sizeof(sink_opt_table) / sizeof(sink_opt_table[0]),
};

static int sink_opts_parse(int argc, char **argv, struct sink_opts *o)
{
	*o = (struct sink_opts){ .interval_ms = 1000 };
	return bench_opt_parse(&sink_cmd, argc, argv, o);
}

static void sink_destroy(struct sink *s)
{
	if (!s)
		return;
	if (s->link_fd >= 0)
		close(s->link_fd);	/* detaches: the link is ours alone */
	xskwall_sink_bpf__destroy(s->skel);
	free(s->percpu);
	free(s);
}

static int sink_attach(struct sink *s, int ifindex)
{
	static const struct { __u32 flags; const char *name; } modes[] = {
		{ XDP_FLAGS_DRV_MODE, "native" },
		{ XDP_FLAGS_SKB_MODE, "generic" },
	};
	int prog_fd = bpf_program__fd(s->skel->progs.xskwall_sink), err = 0;

	for (unsigned int i = 0; i < 2; i++) {
		LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = modes[i].flags);

		s->link_fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lo);
		if (s->link_fd >= 0) {
			s->attach_mode = modes[i].name;
			return 0;
		}
		err = -errno;
		fprintf(stderr, "xskwall-sink: %s XDP attach to %s failed: %s\n", modes[i].name,
			s->opt.dev, strerror(-err));
	}
	if (err == -EBUSY || err == -EEXIST)
		fprintf(stderr, "xskwall-sink: %s already has an XDP program (see ip link show); "
			"remove it first\n", s->opt.dev);
	return err;
}

static int sink_create(const struct sink_opts *opt, struct sink **out)
{
	struct sink *s = calloc(1, sizeof(*s));
	int ifindex, err;

	if (!s)
		return -ENOMEM;
	s->opt = *opt;
	s->link_fd = -1;
	ifindex = (int)if_nametoindex(opt->dev);
	s->ncpu = libbpf_num_possible_cpus();
	if (!ifindex) {
		fprintf(stderr, "xskwall-sink: no device %s in this namespace\n", opt->dev);
		err = -ENODEV;
	} else {
		err = s->ncpu > 0 ? 0 : s->ncpu;
	}
	if (!err) {
		s->percpu = calloc((size_t)s->ncpu, sizeof(*s->percpu));
		s->skel = xskwall_sink_bpf__open_and_load();
		err = !s->percpu ? -ENOMEM : !s->skel ? (-errno ?: -EINVAL) : 0;
	}
	err = err ?: sink_attach(s, ifindex);
	if (err) {
		sink_destroy(s);
		return err;
	}
	*out = s;
	return 0;
}

static int sink_sample(const struct sink *s, struct sink_sample *out)
{
	__u32 key = 0;

	out->t_ns = bench_now_ns();
	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.sink_ctrs), &key, s->percpu))
		return -errno;
	out->packets = out->bytes = 0;
	for (int c = 0; c < s->ncpu; c++) {
		out->packets += s->percpu[c].packets;
		out->bytes += s->percpu[c].bytes;
	}
	return 0;
}

static void sink_print_tick(const struct sink *s, double t, const struct sink_sample *prev,
			    const struct sink_sample *cur)
{
	double dt = (double)(cur->t_ns - prev->t_ns) / 1e9;
	unsigned long long pps = dt > 0 ? (unsigned long long)((double)(cur->packets - prev->packets) / dt + 0.5) : 0;

	if (s->opt.json)
		printf("{\"t\":%g,\"pps\":%llu,\"packets_total\":%llu}\n", t, pps,
		       (unsigned long long)cur->packets);
	else
		printf("t=%gs pps=%llu packets_total=%llu\n", t, pps, (unsigned long long)cur->packets);
	fflush(stdout);
}

static void sink_print_summary(const struct sink *s, const struct sink_sample *first,
			       const struct sink_sample *last)
{
	double secs = (double)(last->t_ns - first->t_ns) / 1e9;
	unsigned long long pk = last->packets - first->packets;

	if (s->opt.json)
		printf("{\"sink\":\"xdp-drop\",\"packets\":%llu,\"seconds\":%.3f,\"bytes\":%llu,"
		       "\"dev\":\"%s\",\"attach\":\"%s\"}\n", pk, secs,
		       (unsigned long long)(last->bytes - first->bytes), s->opt.dev, s->attach_mode);
	else
		printf("xskwall-sink: %llu packets in %.3f s on %s (%s XDP), %.3f Mpps average\n",
		       pk, secs, s->opt.dev, s->attach_mode, secs > 0 ? (double)pk / secs / 1e6 : 0.0);
	fflush(stdout);
}

/* Sleep until `until` or a signal; 1 when a signal arrived. */
static int sink_wait(int sig_fd, uint64_t until)
{
	struct pollfd pfd = { .fd = sig_fd, .events = POLLIN };
	struct signalfd_siginfo si;
	uint64_t now;

	while ((now = bench_now_ns()) < until) {
		if (poll(&pfd, 1, (int)((until - now + 999999) / 1000000)) <= 0)
			continue;
		if (read(sig_fd, &si, sizeof(si)) == sizeof(si))
			fprintf(stderr, "xskwall-sink: %s, stopping\n", strsignal((int)si.ssi_signo));
		return 1;
	}
	return 0;
}

static int sink_serve(const struct sink *s, int sig_fd)
{
	struct sink_sample first = { 0 }, prev, cur;
	uint64_t step = s->opt.interval_ms * 1000000ull, end;
	unsigned int tick = 0;
	int err = sink_sample(s, &first), stopped = 0;

	prev = cur = first;
	end = first.t_ns + s->opt.duration * 1000000000ull;
	while (!err && !stopped && cur.t_ns < end) {
		uint64_t next = first.t_ns + ++tick * step;

		stopped = sink_wait(sig_fd, next < end ? next : end);
		err = sink_sample(s, &cur);
		if (!err && !stopped && next <= end)
			sink_print_tick(s, (double)tick * (double)s->opt.interval_ms / 1000.0, &prev, &cur);
		prev = cur;
	}
	if (!err)
		sink_print_summary(s, &first, &cur);
	return err;
}

static int sink_signals(void)
{
	sigset_t sigs;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL))
		return -1;
	return signalfd(-1, &sigs, SFD_CLOEXEC);
}

int main(int argc, char **argv)
{
	struct sink_opts opt;
	struct sink *s = NULL;
	int sig_fd, err;

	err = sink_opts_parse(argc, argv, &opt);
	if (err)
		return err > 0 ? 0 : 2;
	sig_fd = sink_signals();
	if (sig_fd < 0) {
		perror("xskwall-sink: signalfd");
		return 1;
	}
	err = sink_create(&opt, &s);
	if (!err)
		err = sink_serve(s, sig_fd);
	if (err)
		fprintf(stderr, "xskwall-sink: %s\n", strerror(-err));
	sink_destroy(s);
	close(sig_fd);
	return err ? 1 : 0;
}
