/* fastpath/qpair.c - creating and taking apart a queue pair's sockets.
 *
 * libxdp's shared-UMEM rules: xsk_umem__create once, then
 * xsk_socket__create_shared for each (interface, queue), each with its own
 * fill/completion ring structs; the outside socket is the UMEM's owner and
 * is created first. A failed owner cannot be re-created on the same UMEM,
 * so a bind-mode fallback or an EBUSY retry rebuilds the whole pair. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include "fw/log.h"
#include "qpair.h"

#define FP_BIND_RETRIES 20
#define FP_BIND_RETRY_NS (25 * 1000 * 1000)

void fp_qpair_destroy(struct fp_qpair *qp)
{
	if (!qp)
		return;
	for (int p = FP_NPORTS - 1; p >= 0; p--)
		if (qp->port[p].xsk)
			xsk_socket__delete(qp->port[p].xsk);
	fp_umem_destroy(qp->umem);
	free(qp);
}

static int fp_qpair_open_socket(struct fp_qpair *qp, const struct fp_qpair_cfg *cfg,
				int p, uint16_t copy_flag)
{
	struct xsk_socket_config scfg = {
		.rx_size = cfg->ring_size,
		.tx_size = cfg->ring_size,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = 0,
		.bind_flags = copy_flag | XDP_USE_NEED_WAKEUP,
	};
	struct fp_xsk *x = &qp->port[p];
	int err;

	err = xsk_socket__create_shared(&x->xsk, cfg->ifname[p], cfg->queue,
					qp->umem->xsk_umem, &x->rx, &x->tx,
					&x->fill, &x->comp, &scfg);
	if (err) {
		x->xsk = NULL;
		return err;
	}
	x->fd = xsk_socket__fd(x->xsk);
	x->need_wakeup = !!(scfg.bind_flags & XDP_USE_NEED_WAKEUP); /* bind took it */
	return 0;
}

/* Preferred busy polling (kernel >= 5.11): the worker's recvfrom/sendto
 * run the device's NAPI poll on the worker's CPU, and while it keeps
 * polling, the device's interrupt (for veth: the sender's softirq) stays
 * off when napi_defer_hard_irqs and gro_flush_timeout are set. */
static int fp_qpair_busy_poll(const struct fp_xsk *x, const struct fp_qpair_cfg *cfg)
{
	const struct {
		int opt, val;
		const char *name;
	} opts[] = {
		{ SO_PREFER_BUSY_POLL, 1, "SO_PREFER_BUSY_POLL" },
		{ SO_BUSY_POLL, (int)cfg->busy_poll_usecs, "SO_BUSY_POLL" },
		{ SO_BUSY_POLL_BUDGET, (int)cfg->busy_poll_budget, "SO_BUSY_POLL_BUDGET" },
	};

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		int err;

		if (!setsockopt(x->fd, SOL_SOCKET, opts[i].opt, &opts[i].val, sizeof(opts[i].val)))
			continue;
		err = errno;
		fw_err("queue %u: busy-poll: the kernel refused %s=%d: %s", cfg->queue,
		       opts[i].name, opts[i].val, strerror(err));
		return -err;
	}
	return 0;
}

static int fp_qpair_try(const struct fp_qpair_cfg *cfg, uint16_t copy_flag,
			struct fp_qpair **out)
{
	struct fp_umem_cfg ucfg = {
		.nframes = fp_qpair_nframes(cfg->ring_size),
		.frame_size = cfg->frame_size,
		.fill_size = cfg->ring_size,
		.comp_size = cfg->ring_size,
		.numa_node = cfg->numa_node,
	};
	struct fp_qpair *qp;
	int err;

	qp = calloc(1, sizeof(*qp));
	if (!qp)
		return -ENOMEM;
	qp->queue = cfg->queue;
	qp->zerocopy = copy_flag == XDP_ZEROCOPY;
	err = fp_umem_create(&ucfg, &qp->port[FP_PORT_OUTSIDE].fill,
			     &qp->port[FP_PORT_OUTSIDE].comp, &qp->umem);
	for (int p = 0; !err && p < FP_NPORTS; p++)
		err = fp_qpair_open_socket(qp, cfg, p, copy_flag);
	for (int p = 0; !err && cfg->busy_poll_usecs && p < FP_NPORTS; p++)
		err = fp_qpair_busy_poll(&qp->port[p], cfg);
	qp->busy_poll = !err && cfg->busy_poll_usecs;
	if (err) {
		fp_qpair_destroy(qp);
		return err;
	}
	*out = qp;
	return 0;
}

/* A socket closed moments ago keeps its queue busy until the kernel's
 * deferred release runs: retry EBUSY with a short sleep, a bounded time. */
static int fp_qpair_try_busy(const struct fp_qpair_cfg *cfg, uint16_t copy_flag,
			     struct fp_qpair **out)
{
	struct timespec pause = { 0, FP_BIND_RETRY_NS };
	int err = -EBUSY;

	for (int i = 0; i < FP_BIND_RETRIES && err == -EBUSY; i++) {
		if (i)
			nanosleep(&pause, NULL);
		err = fp_qpair_try(cfg, copy_flag, out);
	}
	return err;
}

int fp_qpair_create(const struct fp_qpair_cfg *cfg, struct fp_qpair **out)
{
	int err;

	if (cfg->bind_mode == FP_BIND_COPY)
		return fp_qpair_try_busy(cfg, XDP_COPY, out);
	err = fp_qpair_try_busy(cfg, XDP_ZEROCOPY, out);
	if (err && cfg->bind_mode == FP_BIND_AUTO) {
		fw_dbg("queue %u: zero-copy bind failed (%d), using copy mode",
		       cfg->queue, err);
		err = fp_qpair_try_busy(cfg, XDP_COPY, out);
	}
	return err;
}

void fp_qpair_prime(struct fp_qpair *qp)
{
	for (int p = 0; p < FP_NPORTS; p++) {
		struct fp_xsk *x = &qp->port[p];
		uint32_t n = xsk_prod_nb_free(&x->fill, x->fill.size), idx;

		if (n > qp->umem->nfree)
			n = qp->umem->nfree;
		if (!xsk_ring_prod__reserve(&x->fill, n, &idx))
			continue;
		for (uint32_t i = 0; i < n; i++)
			*xsk_ring_prod__fill_addr(&x->fill, idx + i) = fp_umem_get(qp->umem);
		xsk_ring_prod__submit(&x->fill, n);
	}
}

static void fp_qpair_drain(struct fp_qpair *qp)
{
	for (int p = 0; p < FP_NPORTS; p++) {
		struct fp_xsk *x = &qp->port[p];
		uint32_t idx, n;

		n = xsk_ring_cons__peek(&x->rx, x->rx.size, &idx);
		for (uint32_t i = 0; i < n; i++)
			fp_umem_put(qp->umem, xsk_ring_cons__rx_desc(&x->rx, idx + i)->addr);
		xsk_ring_cons__release(&x->rx, n);
		n = xsk_ring_cons__peek(&x->comp, x->comp.size, &idx);
		for (uint32_t i = 0; i < n; i++)
			fp_umem_put(qp->umem, *xsk_ring_cons__comp_addr(&x->comp, idx + i));
		xsk_ring_cons__release(&x->comp, n);
	}
}

static uint32_t fp_ring_pending(const uint32_t *producer, const uint32_t *consumer)
{
	return __atomic_load_n(producer, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(consumer, __ATOMIC_ACQUIRE);
}

/* Sockets that dropped a received frame may hold one in their pool cache. */
static uint32_t fp_qpair_cache_allowance(const struct fp_qpair *qp)
{
	uint32_t n = 0;

	for (int p = 0; p < FP_NPORTS; p++) {
		struct xdp_statistics st = { 0 };
		socklen_t len = sizeof(st);

		if (!getsockopt(qp->port[p].fd, SOL_XDP, XDP_STATISTICS, &st, &len))
			n += st.rx_ring_full || st.rx_dropped;
	}
	return n;
}

void fp_qpair_account(struct fp_qpair *qp, struct fp_frame_account *acct)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	uint32_t allowance = fp_qpair_cache_allowance(qp), missing = 0;

	/* Copy-mode completions arrive when the kernel frees the skb: give
	 * frames still in flight a moment (bounded) to come back. */
	for (int tries = 0; tries < 20; tries++) {
		fp_qpair_drain(qp);
		acct->total = qp->umem->nframes;
		acct->free = qp->umem->nfree;
		acct->in_fill = acct->in_tx = 0;
		for (int p = 0; p < FP_NPORTS; p++) {
			struct fp_xsk *x = &qp->port[p];

			acct->in_fill += fp_ring_pending(x->fill.producer, x->fill.consumer);
			acct->in_tx += fp_ring_pending(x->tx.producer, x->tx.consumer);
		}
		missing = acct->total - acct->free - acct->in_fill - acct->in_tx;
		if (missing <= allowance)
			break;
		nanosleep(&pause, NULL);
	}
	acct->in_kernel_cache = missing < allowance ? missing : allowance;
	acct->lost = missing - acct->in_kernel_cache;
}
