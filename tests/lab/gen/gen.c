/* tests/lab/gen/gen.c - xskwall-gen: the benchmark packet generator.
 *
 * main parses the options (gen_opts.c), blocks SIGINT/SIGTERM before any
 * thread exists, creates the context (templates, BPF program, mode, one
 * worker per thread), runs the workers until --count/--duration/a signal,
 * and prints one result (a JSON line with --json). The context owns
 * everything and gen_ctx_destroy takes apart a half-built one too.
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "benchopt.h"
#include "gen.h"
#include "xskwall_gen.skel.h"

#define GEN_RATE_SLOTS 100	/* paced bursts per second and thread */
#define GEN_SETTLE_US 50000	/* let the peer drain before reading counters */

static const char *const gen_mode_names[] = {
	[GEN_MODE_LIVE] = "xdp-live-frames",
	[GEN_MODE_AFXDP] = "af_xdp-tx",
};

struct gen_devstat {
	uint64_t tx_packets, tx_dropped;
	bool ok;
};

static void gen_ctx_destroy(struct gen_ctx *ctx)
{
	if (!ctx)
		return;
	gen_workers_stop(ctx);
	for (unsigned int i = 0; ctx->w && i < ctx->opt.threads; i++)
		gen_xsk_destroy(ctx->w[i].xsk);
	free(ctx->w);
	xskwall_gen_bpf__destroy(ctx->skel);
	free(ctx);
}

static int gen_read_sysfs(const char *dev, const char *file, char *buf, size_t len)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", dev, file);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -EIO;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static struct gen_devstat gen_devstat_read(const char *dev)
{
	struct gen_devstat s = { 0 };
	char a[32], b[32];

	if (gen_read_sysfs(dev, "statistics/tx_packets", a, sizeof(a)) ||
	    gen_read_sysfs(dev, "statistics/tx_dropped", b, sizeof(b)))
		return s;
	s.ok = !bench_parse_u64(a, 0, UINT64_MAX, &s.tx_packets) &&
	       !bench_parse_u64(b, 0, UINT64_MAX, &s.tx_dropped);
	return s;
}

static int gen_src_mac(struct gen_opts *o)
{
	char buf[32];
	int n = -1;

	if (o->have_src_mac)
		return 0;
	if (gen_read_sysfs(o->dev, "address", buf, sizeof(buf)) ||
	    sscanf(buf, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n", &o->src_mac[0], &o->src_mac[1],
		   &o->src_mac[2], &o->src_mac[3], &o->src_mac[4], &o->src_mac[5], &n) != 6 ||
	    n < 0) {
		fprintf(stderr, "xskwall-gen: cannot read the MAC of %s: give --src-mac\n", o->dev);
		return -ENODEV;
	}
	return 0;
}

static void gen_templates(struct gen_ctx *ctx)
{
	for (int k = 0; k < GEN_KIND_MAX; k++) {
		struct gen_tmpl *t = &ctx->tmpl[ctx->n_tmpl];

		if (!ctx->opt.weight[k])
			continue;
		t->kind = (enum gen_kind)k;
		t->weight = ctx->opt.weight[k];
		gen_frame_build(&ctx->opt, t->kind, ctx->frame_len, t->frame);
		ctx->weight_sum += t->weight;
		ctx->n_tmpl++;
	}
}

static void gen_bpf_cfg_fill(const struct gen_ctx *ctx, struct gen_bpf_cfg *c)
{
	const struct gen_opts *o = &ctx->opt;

	c->src_hi = o->src.hi;
	c->src_lo = o->src.lo;
	c->dst_hi = o->dst.hi;
	c->dst_lo = o->dst.lo;
	c->src_n = o->src.count;
	c->dst_n = o->dst.count;
	c->sport_base = o->sport_lo;
	c->sport_n = o->sport_hi - o->sport_lo + 1;
	memcpy(c->eth_dst, o->dst_mac, sizeof(c->eth_dst));
	memcpy(c->eth_src, o->src_mac, sizeof(c->eth_src));
	for (unsigned int i = 0; i < ctx->n_tmpl; i++)
		c->l4_sum[ctx->tmpl[i].kind] = gen_frame_l4_sum(ctx->tmpl[i].frame, ctx->frame_len);
}

static int gen_bpf_load(struct gen_ctx *ctx)
{
	struct gen_bpf_cfg cfg = { 0 };
	int err;

	ctx->skel = xskwall_gen_bpf__open();
	if (!ctx->skel)
		return -errno ?: -ENOMEM;
	gen_bpf_cfg_fill(ctx, &cfg);
	memcpy((void *)&ctx->skel->rodata->gen_cfg, &cfg, sizeof(cfg));	/* before load */
	err = xskwall_gen_bpf__load(ctx->skel);
	if (err) {
		fprintf(stderr, "xskwall-gen: loading xskwall_gen.bpf.o: %s\n", strerror(-err));
		return err;
	}
	ctx->prog_fd = bpf_program__fd(ctx->skel->progs.xskwall_gen);
	return 0;
}

static int gen_mode_pick(struct gen_ctx *ctx)
{
	int err = ctx->opt.mode == GEN_MODE_AFXDP ? -EOPNOTSUPP : gen_live_probe(ctx);

	ctx->mode = err ? GEN_MODE_AFXDP : GEN_MODE_LIVE;
	if (!err || ctx->opt.mode == GEN_MODE_AFXDP)
		return 0;
	fprintf(stderr, "xskwall-gen: XDP live frames unavailable on %s (%s; needs kernel >= 5.18)%s\n",
		ctx->opt.dev, strerror(-err),
		ctx->opt.mode == GEN_MODE_AUTO ? ": falling back to AF_XDP TX (copy mode, slower)" : "");
	return ctx->opt.mode == GEN_MODE_AUTO ? 0 : err;
}

static void gen_worker_init(struct gen_ctx *ctx, unsigned int i)
{
	const struct gen_opts *o = &ctx->opt;
	struct gen_worker *w = &ctx->w[i];
	uint64_t rate = o->rate / o->threads + (i < o->rate % o->threads);
	uint64_t chunk = rate ? rate / GEN_RATE_SLOTS : GEN_LIVE_BATCH;

	w->ctx = ctx;
	w->index = i;
	w->cpu = o->n_cpus ? o->cpus[i % o->n_cpus] : (int)i;
	w->quota = o->count ? o->count / o->threads + (i < o->count % o->threads) : UINT64_MAX;
	w->rate = rate;
	w->chunk = (uint32_t)(chunk < 1 ? 1 : chunk > GEN_LIVE_BATCH ? GEN_LIVE_BATCH : chunk);
}

static int gen_workers_create(struct gen_ctx *ctx)
{
	int err;

	ctx->w = calloc(ctx->opt.threads, sizeof(*ctx->w));
	if (!ctx->w)
		return -ENOMEM;
	for (unsigned int i = 0; i < ctx->opt.threads; i++) {
		gen_worker_init(ctx, i);
		if (ctx->mode != GEN_MODE_AFXDP)
			continue;
		err = gen_xsk_create(&ctx->w[i], &ctx->w[i].xsk);
		if (err) {
			fprintf(stderr, "xskwall-gen: AF_XDP socket on %s queue %u: %s\n",
				ctx->opt.dev, i, strerror(-err));
			return err;
		}
	}
	return 0;
}

static int gen_ctx_create(const struct gen_opts *opt, struct gen_ctx **out)
{
	struct gen_ctx *ctx = calloc(1, sizeof(*ctx));
	int err;

	if (!ctx)
		return -ENOMEM;
	ctx->opt = *opt;
	ctx->prog_fd = -1;
	ctx->ifindex = (int)if_nametoindex(opt->dev);
	if (!ctx->ifindex) {
		fprintf(stderr, "xskwall-gen: no device %s in this namespace\n", opt->dev);
		err = -ENODEV;
		goto fail;
	}
	ctx->frame_len = opt->size - GEN_FCS;
	err = gen_src_mac(&ctx->opt);
	if (!err) {
		gen_templates(ctx);
		err = gen_bpf_load(ctx);
	}
	err = err ?: gen_mode_pick(ctx);
	err = err ?: gen_workers_create(ctx);
	if (err)
		goto fail;
	*out = ctx;
	return 0;
fail:
	gen_ctx_destroy(ctx);
	return err;
}

/* Until every worker is done or a signal arrives. */
static void gen_wait(struct gen_ctx *ctx, int sig_fd)
{
	struct pollfd pfd = { .fd = sig_fd, .events = POLLIN };
	struct signalfd_siginfo si;

	while (!gen_workers_done(ctx)) {
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		if (read(sig_fd, &si, sizeof(si)) == sizeof(si))
			fprintf(stderr, "xskwall-gen: %s, stopping\n", strsignal((int)si.ssi_signo));
		return;
	}
}

static int gen_run(struct gen_ctx *ctx, int sig_fd)
{
	uint64_t secs = ctx->opt.duration ? ctx->opt.duration : GEN_MAX_SECONDS;
	int err;

	ctx->t0_ns = bench_now_ns();
	ctx->deadline_ns = ctx->t0_ns + secs * 1000000000ull;
	err = gen_workers_start(ctx, ctx->mode == GEN_MODE_LIVE ? gen_live_main : gen_afxdp_main);
	if (err)
		fprintf(stderr, "xskwall-gen: starting threads: %s\n", strerror(-err));
	else
		gen_wait(ctx, sig_fd);
	gen_workers_stop(ctx);
	return err;
}

struct gen_result {
	uint64_t sent;
	double seconds, cpu_seconds;	/* wall clock; CPU time of the workers */
	struct gen_devstat d0, d1;
	int err;			/* first worker error */
};

static void gen_result_collect(const struct gen_ctx *ctx, struct gen_result *r)
{
	uint64_t end = ctx->t0_ns;

	for (unsigned int i = 0; i < ctx->opt.threads; i++) {
		const struct gen_worker *w = &ctx->w[i];

		r->sent += gen_ctr_get(&w->sent);
		r->cpu_seconds += (double)w->cpu_ns / 1e9;
		if (w->t_end_ns > end)
			end = w->t_end_ns;
		if (w->err && !r->err)
			r->err = w->err;
	}
	r->seconds = (double)(end - ctx->t0_ns) / 1e9;
}

static void gen_print_json(const struct gen_ctx *ctx, const struct gen_result *r)
{
	const struct gen_opts *o = &ctx->opt;

	printf("{\"generator\":\"%s\",\"sent\":%llu,\"seconds\":%.3f,\"mpps\":%.3f,"
	       "\"threads\":%u,\"size\":%u,\"frame_bytes\":%u,\"family\":%d,"
	       "\"mix\":{\"udp\":%u,\"tcp\":%u,\"icmp\":%u},\"rate\":%llu,\"dev\":\"%s\",\"cpus\":[",
	       gen_mode_names[ctx->mode], (unsigned long long)r->sent, r->seconds,
	       r->seconds > 0 ? (double)r->sent / r->seconds / 1e6 : 0.0, o->threads, o->size,
	       ctx->frame_len, o->family, o->weight[0], o->weight[1], o->weight[2],
	       (unsigned long long)o->rate, o->dev);
	for (unsigned int i = 0; i < o->threads; i++)
		printf("%s%d", i ? "," : "", ctx->w[i].cpu);
	printf("],\"per_thread\":[");
	for (unsigned int i = 0; i < o->threads; i++)
		printf("%s%llu", i ? "," : "", (unsigned long long)gen_ctr_get(&ctx->w[i].sent));
	printf("]");
	if (r->d0.ok && r->d1.ok)
		printf(",\"dev_tx_packets\":%llu,\"dev_tx_dropped\":%llu",
		       (unsigned long long)(r->d1.tx_packets - r->d0.tx_packets),
		       (unsigned long long)(r->d1.tx_dropped - r->d0.tx_dropped));
	printf(",\"cpu_seconds\":%.3f,\"error\":%d}\n", r->cpu_seconds, r->err);
}

static void gen_print_text(const struct gen_ctx *ctx, const struct gen_result *r)
{
	printf("xskwall-gen: %s on %s: %llu frames in %.3f s = %.3f Mpps "
	       "(%u threads, %u-byte frames incl. FCS, %.3f CPU-seconds)\n",
	       gen_mode_names[ctx->mode], ctx->opt.dev, (unsigned long long)r->sent, r->seconds,
	       r->seconds > 0 ? (double)r->sent / r->seconds / 1e6 : 0.0, ctx->opt.threads,
	       ctx->opt.size, r->cpu_seconds);
	if (r->d0.ok && r->d1.ok)
		printf("xskwall-gen: %s counters: tx_packets +%llu, tx_dropped +%llu\n", ctx->opt.dev,
		       (unsigned long long)(r->d1.tx_packets - r->d0.tx_packets),
		       (unsigned long long)(r->d1.tx_dropped - r->d0.tx_dropped));
}

/* Say why nothing (or not everything) left the device; -EIO when the
 * device counted no transmitted frame at all. */
static int gen_diagnose(const struct gen_ctx *ctx, const struct gen_result *r)
{
	const char *hint = "if DEV is a veth, its PEER needs an XDP program attached or GRO "
			   "enabled (ethtool -K PEER gro on) to accept XDP_TX frames";
	uint64_t tx = r->d1.tx_packets - r->d0.tx_packets;
	uint64_t drop = r->d1.tx_dropped - r->d0.tx_dropped;

	if (r->err)
		fprintf(stderr, "xskwall-gen: a worker failed: %s\n", strerror(-r->err));
	if (!r->sent)
		fprintf(stderr, "xskwall-gen: nothing was sent\n");
	if (ctx->mode != GEN_MODE_LIVE || !r->d0.ok || !r->d1.ok || !r->sent)
		return 0;
	if (tx + drop < r->sent / 2)
		fprintf(stderr, "xskwall-gen: warning: %s counted %llu transmitted frames of %llu: %s\n",
			ctx->opt.dev, (unsigned long long)tx, (unsigned long long)r->sent, hint);
	else if (drop)
		fprintf(stderr, "xskwall-gen: warning: %s dropped %llu frames on transmit (for a veth: "
			"the peer's ring was full, or %s)\n", ctx->opt.dev, (unsigned long long)drop,
			hint);
	return tx ? 0 : -EIO;
}

static int gen_report(const struct gen_ctx *ctx, struct gen_result *r)
{
	int err;

	usleep(GEN_SETTLE_US);
	r->d1 = gen_devstat_read(ctx->opt.dev);
	gen_result_collect(ctx, r);
	if (ctx->opt.json)
		gen_print_json(ctx, r);
	else
		gen_print_text(ctx, r);
	fflush(stdout);
	err = gen_diagnose(ctx, r);
	return r->err ? r->err : !r->sent ? -EIO : err;
}

static int gen_signals(void)
{
	sigset_t sigs;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, &sigs, NULL))	/* before any thread */
		return -1;
	return signalfd(-1, &sigs, SFD_CLOEXEC);
}

int main(int argc, char **argv)
{
	struct gen_result res = { 0 };
	struct gen_ctx *ctx = NULL;
	struct gen_opts opt;
	int sig_fd, err;

	err = gen_opts_parse(argc, argv, &opt);
	if (err)
		return err > 0 ? 0 : 2;
	sig_fd = gen_signals();
	if (sig_fd < 0) {
		perror("xskwall-gen: signalfd");
		return 1;
	}
	err = gen_ctx_create(&opt, &ctx);
	if (!err) {
		res.d0 = gen_devstat_read(opt.dev);
		err = gen_run(ctx, sig_fd);
	}
	if (!err)
		err = gen_report(ctx, &res);
	gen_ctx_destroy(ctx);
	close(sig_fd);
	return err ? 1 : 0;
}
