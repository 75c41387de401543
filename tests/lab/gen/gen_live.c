/* tests/lab/gen/gen_live.c - the XDP live-frames mode of xskwall-gen.
 *
 * Each worker calls BPF_PROG_RUN on xskwall_gen with
 * BPF_F_TEST_XDP_LIVE_FRAMES: the kernel builds `repeat` frames from the
 * template (page-pool pages, recycled, so the program's writes persist and
 * it rewrites fields in full), runs the program on them in NAPI-sized
 * batches, and transmits every XDP_TX verdict out of ctx.ingress_ifindex
 * through the driver's ndo_xdp_xmit. The run happens on the calling CPU,
 * which is why workers are pinned. On a veth, ndo_xdp_xmit succeeds only
 * while the peer has an XDP program or GRO enabled; failures are not
 * reported to BPF_PROG_RUN, main checks the device counters instead.
 */
#include <errno.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include "benchopt.h"
#include "gen.h"

#define GEN_LIVE_NAPI 64	/* frames per program batch (kernel max 256) */
#define GEN_LIVE_CALL_NS 100000000ull	/* aim for calls of ~100 ms */

static int gen_live_call(const struct gen_ctx *ctx, const void *frame, uint32_t len, uint32_t n)
{
	struct xdp_md md = { .data_end = len, .ingress_ifindex = (__u32)ctx->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, run,
		    .data_in = frame, .data_size_in = len,
		    .ctx_in = &md, .ctx_size_in = sizeof(md),
		    .repeat = (int)n, .batch_size = GEN_LIVE_NAPI,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

	if (bpf_prog_test_run_opts(ctx->prog_fd, &run))
		return -errno;
	return 0;
}

/* 0 when the kernel runs live frames. The probe frame has ethertype 0,
 * which the program drops: nothing is transmitted. */
int gen_live_probe(const struct gen_ctx *ctx)
{
	static const uint8_t junk[60];

	return gen_live_call(ctx, junk, sizeof(junk), 1);
}

/* Every call sets up and tears down a page pool, and the teardown waits
 * for an RCU grace period (milliseconds on a busy machine, with the CPU
 * idle meanwhile): size unpaced calls to last about GEN_LIVE_CALL_NS. The
 * measured rate also keeps the last call from overshooting the deadline. */
static void gen_live_adapt(struct gen_worker *w, uint32_t n, uint32_t asked, uint64_t ns)
{
	uint64_t next;

	w->pps_est = ns ? (uint64_t)n * 1000000000ull / ns : 0;
	if (w->rate || !w->pps_est || n < asked)	/* a capped call says little */
		return;
	next = w->pps_est * GEN_LIVE_CALL_NS / 1000000000ull;
	w->chunk = (uint32_t)(next < GEN_LIVE_BATCH ? GEN_LIVE_BATCH :
			      next > GEN_LIVE_MAX_BATCH ? GEN_LIVE_MAX_BATCH : next);
}

void *gen_live_main(void *arg)
{
	struct gen_worker *w = arg;
	const struct gen_ctx *ctx = w->ctx;
	unsigned int k = 0;
	uint32_t n, share;
	uint64_t t, round = 0;
	int err = 0;

	for (;;) {
		if (k == 0)
			round = gen_worker_round(w);
		share = gen_worker_share(w, k, round);
		n = gen_worker_budget(w, share);
		if (!n)
			break;
		t = bench_now_ns();
		err = gen_live_call(ctx, ctx->tmpl[k].frame, ctx->frame_len, n);
		if (err)
			break;
		gen_live_adapt(w, n, share, bench_now_ns() - t);
		w->queued += n;
		gen_ctr_set(&w->sent, w->queued);
		k = (k + 1) % ctx->n_tmpl;
	}
	gen_worker_finish(w, err);
	return NULL;
}
