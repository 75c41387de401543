/* tests/lab/gen/gen_afxdp.c - the AF_XDP TX fallback of xskwall-gen.
 *
 * One socket per worker, bound in copy mode to TX queue = worker index,
 * with its own UMEM of GEN_XSK_FRAMES frames. The frames are pre-built
 * once by running xskwall_gen on the templates through plain BPF_PROG_RUN,
 * so they carry the same address/port variation as the live mode (cycling
 * over GEN_XSK_FRAMES flows per worker). The loop keeps the TX ring full,
 * kicks with sendto (copy mode always wants a wakeup), and recycles the
 * completions in order. Copy mode costs one skb per frame: expect a
 * fraction of the live mode's rate. No XDP program is attached.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>
#include "benchopt.h"
#include "gen.h"

#define GEN_XSK_FRAMES 4096
#define GEN_XSK_FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define GEN_XSK_RING 2048
#define GEN_XSK_BURST 256
#define GEN_XSK_DRAIN_NS 200000000ull

struct gen_xsk {
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq;
	uint32_t next, outstanding;
};

void gen_xsk_destroy(struct gen_xsk *x)
{
	if (!x)
		return;
	if (x->xsk)
		xsk_socket__delete(x->xsk);
	if (x->umem)
		xsk_umem__delete(x->umem);
	if (x->area != MAP_FAILED)
		munmap(x->area, (size_t)GEN_XSK_FRAMES * GEN_XSK_FRAME_SIZE);
	free(x);
}

/* The template of UMEM frame f: templates repeat in proportion to weight. */
static unsigned int gen_xsk_tmpl_of(const struct gen_ctx *ctx, uint32_t f)
{
	unsigned int pos = f % ctx->weight_sum, k = 0;

	while (pos >= ctx->tmpl[k].weight) {
		pos -= ctx->tmpl[k].weight;
		k++;
	}
	return k;
}

static int gen_xsk_prebuild(const struct gen_ctx *ctx, struct gen_xsk *x)
{
	for (uint32_t f = 0; f < GEN_XSK_FRAMES; f++) {
		LIBBPF_OPTS(bpf_test_run_opts, run,
			    .data_in = ctx->tmpl[gen_xsk_tmpl_of(ctx, f)].frame,
			    .data_size_in = ctx->frame_len,
			    .data_out = (uint8_t *)x->area + (size_t)f * GEN_XSK_FRAME_SIZE,
			    .data_size_out = GEN_XSK_FRAME_SIZE, .repeat = 1);

		if (bpf_prog_test_run_opts(ctx->prog_fd, &run))
			return -errno;
		if (run.retval != XDP_TX || run.data_size_out != ctx->frame_len)
			return -EPROTO;
	}
	return 0;
}

static int gen_xsk_open(const struct gen_worker *w, struct gen_xsk *x)
{
	const struct xsk_umem_config ucfg = {
		.fill_size = GEN_XSK_RING, .comp_size = GEN_XSK_FRAMES,
		.frame_size = GEN_XSK_FRAME_SIZE,
	};
	const struct xsk_socket_config scfg = {
		.tx_size = GEN_XSK_RING,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	int err;

	err = xsk_umem__create(&x->umem, x->area, (uint64_t)GEN_XSK_FRAMES * GEN_XSK_FRAME_SIZE,
			       &x->fq, &x->cq, &ucfg);
	if (err)
		return err;
	return xsk_socket__create(&x->xsk, w->ctx->opt.dev, w->index, x->umem, NULL, &x->tx,
				  &scfg);
}

/* Copy-mode TX on a queue the device does not have binds fine and sends
 * nothing: check first. */
static int gen_xsk_queue_check(const struct gen_worker *w)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues/tx-%u", w->ctx->opt.dev, w->index);
	if (access(path, F_OK) == 0)
		return 0;
	fprintf(stderr, "xskwall-gen: %s has no TX queue %u: use at most as many --threads "
		"as it has TX queues in afxdp mode\n", w->ctx->opt.dev, w->index);
	return -ENODEV;
}

int gen_xsk_create(struct gen_worker *w, struct gen_xsk **out)
{
	struct gen_xsk *x;
	int err = gen_xsk_queue_check(w);

	if (err)
		return err;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->area = mmap(NULL, (size_t)GEN_XSK_FRAMES * GEN_XSK_FRAME_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->area == MAP_FAILED)
		err = -errno;
	if (!err)
		err = gen_xsk_prebuild(w->ctx, x);
	if (!err)
		err = gen_xsk_open(w, x);
	if (err) {
		gen_xsk_destroy(x);
		return err;
	}
	*out = x;
	return 0;
}

static void gen_xsk_reap(struct gen_worker *w, struct gen_xsk *x)
{
	uint32_t idx, n = xsk_ring_cons__peek(&x->cq, GEN_XSK_FRAMES, &idx);

	if (!n)
		return;
	xsk_ring_cons__release(&x->cq, n);
	x->outstanding -= n;
	gen_ctr_set(&w->sent, w->sent + n);
}

/* Frames go out in UMEM order and complete in order, so frame `next` is
 * free whenever fewer than GEN_XSK_FRAMES are outstanding. */
static uint32_t gen_xsk_submit(struct gen_xsk *x, uint32_t len, uint32_t want)
{
	uint32_t idx, n;

	if (want > GEN_XSK_FRAMES - x->outstanding)
		want = GEN_XSK_FRAMES - x->outstanding;
	n = want ? xsk_ring_prod__reserve(&x->tx, want, &idx) : 0;
	for (uint32_t i = 0; i < n; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx + i);

		d->addr = (uint64_t)x->next * GEN_XSK_FRAME_SIZE;
		d->len = len;
		d->options = 0;
		x->next = (x->next + 1) % GEN_XSK_FRAMES;
	}
	xsk_ring_prod__submit(&x->tx, n);
	x->outstanding += n;
	return n;
}

static int gen_xsk_kick(struct gen_xsk *x)
{
	if (sendto(xsk_socket__fd(x->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
		return 0;
	if (errno == EAGAIN || errno == EBUSY || errno == ENOBUFS)
		return 0;	/* ring busy: kick again next round */
	return -errno;
}

/* Collect the completions of what is still in flight, for a bounded time. */
static void gen_xsk_drain(struct gen_worker *w, struct gen_xsk *x)
{
	uint64_t until = bench_now_ns() + GEN_XSK_DRAIN_NS;

	while (x->outstanding && bench_now_ns() < until) {
		if (gen_xsk_kick(x))
			break;
		gen_xsk_reap(w, x);
	}
}

void *gen_afxdp_main(void *arg)
{
	struct gen_worker *w = arg;
	struct gen_xsk *x = w->xsk;
	uint32_t n, want = w->chunk < GEN_XSK_BURST ? w->chunk : GEN_XSK_BURST;
	int err = 0;

	while ((n = gen_worker_budget(w, want))) {
		gen_xsk_reap(w, x);
		w->queued += gen_xsk_submit(x, w->ctx->frame_len, n);
		err = gen_xsk_kick(x);
		if (err)
			break;
	}
	gen_xsk_drain(w, x);
	gen_worker_finish(w, err);
	return NULL;
}
