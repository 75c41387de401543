/* fastpath/worker.c - the per-queue forwarding loop.
 *
 * Nothing here allocates, locks or logs. Syscalls happen per batch, never
 * per packet: a TX kick when the ring asks for a wakeup (always, in copy
 * mode), a fill-ring wakeup when the kernel asks, and poll() when both
 * ports are idle. Every frame is always in exactly one place: a kernel
 * ring, the local batch, or the UMEM's free stack. */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <urcu/urcu-qsbr.h>
#include "classify.h"
#include "parse.h"
#include "worker.h"

#define FP_TX_RETRIES 4   /* full TX ring: drain and kick this often, then drop */
#define FP_KICK_MAX 16    /* sendto calls per kick (each sends <= ~32 in copy mode) */
#define FP_IDLE_POLL_MS 100
#define FP_PREFETCH_AHEAD 8 /* frames whose headers are fetched ahead of the parser */

static void fp_worker_complete(struct fp_worker *w, struct fp_xsk *x)
{
	uint32_t idx, n;

	n = xsk_ring_cons__peek(&x->comp, x->comp.size, &idx);
	if (!n)
		return;
	for (uint32_t i = 0; i < n; i++)
		fp_umem_put(w->qp->umem, *xsk_ring_cons__comp_addr(&x->comp, idx + i));
	xsk_ring_cons__release(&x->comp, n);
}

/* Copy mode sends at most ~32 frames per sendto and says EAGAIN while more
 * wait (or while the completion ring is full): drain and kick again, a
 * bounded number of times. */
static void fp_worker_kick_tx(struct fp_worker *w, struct fp_xsk *x)
{
	for (int i = 0; i < FP_KICK_MAX && xsk_ring_prod__needs_wakeup(&x->tx); i++) {
		if (sendto(x->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
			break;
		if (errno != EAGAIN && errno != EBUSY && errno != ENOBUFS)
			break;
		fp_worker_complete(w, x);
	}
}

static uint32_t fp_worker_tx_some(struct fp_xsk *out, const struct xdp_desc *d, uint32_t n)
{
	uint32_t room = xsk_prod_nb_free(&out->tx, n), idx;

	if (room > n)
		room = n;
	if (!room || !xsk_ring_prod__reserve(&out->tx, room, &idx))
		return 0;
	for (uint32_t i = 0; i < room; i++)
		*xsk_ring_prod__tx_desc(&out->tx, idx + i) = d[i];
	xsk_ring_prod__submit(&out->tx, room);
	return room;
}

static void fp_worker_transmit(struct fp_worker *w, struct fp_xsk *out,
			       const struct xdp_desc *d, uint32_t n, struct fp_dir_stats *st)
{
	uint32_t sent = 0;

	for (int tries = 0; sent < n && tries <= FP_TX_RETRIES; tries++) {
		if (tries)
			fp_worker_complete(w, out);
		sent += fp_worker_tx_some(out, d + sent, n - sent);
		fp_worker_kick_tx(w, out);
	}
	for (uint32_t i = sent; i < n; i++)
		fp_umem_put(w->qp->umem, d[i].addr);
	fp_ctr_add(&st->c[FP_CTR_FWD], sent);
	if (n > sent)
		fp_ctr_add(&st->c[FP_CTR_TX_FULL], n - sent);
}

static void fp_worker_count(const struct fp_pkt *pkt, const struct fp_decision *dec,
			    uint64_t local[FP_CTR_COUNT])
{
	local[FP_CTR_MALFORMED] += pkt->cls == FP_PKT_MALFORMED;
	local[FP_CTR_NON_IP] += pkt->cls == FP_PKT_NON_IP;
	if (dec->verdict == FP_DROP)
		local[dec->reason == FP_BY_RULE ? FP_CTR_DROP_RULE : FP_CTR_DROP_POLICY]++;
}

static void fp_worker_flush_counts(struct fp_dir_stats *st, const uint64_t local[FP_CTR_COUNT])
{
	for (int c = FP_CTR_RX; c < FP_CTR_COUNT; c++)
		if (local[c])
			fp_ctr_add(&st->c[c], local[c]);
}

/* Start loading the headers of frame i of the batch: the kernel wrote them
 * on another CPU, so the parser's first read is a cache miss otherwise
 * (perf: nearly all of fp_parse's time, on its first load). Two addresses
 * 63 bytes apart cover the first 64 bytes however the frame is aligned. */
static void fp_worker_prefetch(const struct fp_worker *w, const struct xsk_ring_cons *rx,
			       uint32_t idx, uint32_t i, uint32_t n)
{
	const char *data;

	if (i >= n)
		return;
	data = xsk_umem__get_data(w->qp->umem->area, xsk_ring_cons__rx_desc(rx, idx + i)->addr);
	__builtin_prefetch(data);
	__builtin_prefetch(data + 63);
}

/* Receive a batch on port `in`, decide each frame, send the passes out of
 * the other port. Returns the number of frames received. */
static uint32_t fp_worker_forward(struct fp_worker *w, const struct fp_ruleset *rs, int in)
{
	struct fp_xsk *rx = &w->qp->port[in], *tx = &w->qp->port[!in];
	struct fp_dir_stats *st = &w->stats->dir[in];
	uint64_t local[FP_CTR_COUNT] = { 0 };
	struct xdp_desc pass[FP_BATCH];
	uint32_t idx, n, npass = 0;

	n = xsk_ring_cons__peek(&rx->rx, FP_BATCH, &idx);
	if (!n)
		return 0;
	for (uint32_t i = 0; i < FP_PREFETCH_AHEAD; i++)
		fp_worker_prefetch(w, &rx->rx, idx, i, n);
	for (uint32_t i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&rx->rx, idx + i);
		struct fp_decision dec;
		struct fp_pkt pkt;

		fp_worker_prefetch(w, &rx->rx, idx, i + FP_PREFETCH_AHEAD, n);
		fp_parse(xsk_umem__get_data(w->qp->umem->area, d->addr), d->len, &pkt);
		fp_classify(rs, &pkt, in, &dec);
		fp_worker_count(&pkt, &dec, local);
		if (dec.verdict == FP_PASS)
			pass[npass++] = (struct xdp_desc){ .addr = d->addr, .len = d->len };
		else
			fp_umem_put(w->qp->umem, d->addr);
	}
	xsk_ring_cons__release(&rx->rx, n);
	local[FP_CTR_RX] = n;
	fp_worker_flush_counts(st, local);
	if (npass)
		fp_worker_transmit(w, tx, pass, npass, st);
	return n;
}

static void fp_worker_refill(struct fp_worker *w, int p)
{
	struct fp_xsk *x = &w->qp->port[p];
	struct fp_umem *u = w->qp->umem;
	uint32_t want = xsk_prod_nb_free(&x->fill, FP_BATCH), idx;

	if (want < FP_BATCH)
		return;
	if (want > u->nfree)
		want = u->nfree;
	if (!want) {
		fp_ctr_add(&w->stats->dir[p].c[FP_CTR_FILL_STARVED], 1);
		return;
	}
	if (!xsk_ring_prod__reserve(&x->fill, want, &idx))
		return;
	for (uint32_t i = 0; i < want; i++)
		*xsk_ring_prod__fill_addr(&x->fill, idx + i) = fp_umem_get(u);
	xsk_ring_prod__submit(&x->fill, want);
	if (xsk_ring_prod__needs_wakeup(&x->fill))
		recvfrom(x->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

static uint32_t fp_worker_round(struct fp_worker *w)
{
	const struct fp_ruleset *rs;
	uint32_t moved = 0;

	urcu_qsbr_read_lock();
	rs = rcu_dereference(*w->rules);
	for (int p = 0; p < FP_NPORTS; p++)
		moved += fp_worker_forward(w, rs, p);
	urcu_qsbr_read_unlock();
	for (int p = 0; p < FP_NPORTS; p++) {
		fp_worker_complete(w, &w->qp->port[p]);
		fp_worker_refill(w, p);
	}
	return moved;
}

static void fp_worker_idle(struct fp_worker *w)
{
	struct pollfd pfd[FP_NPORTS];

	for (int p = 0; p < FP_NPORTS; p++)
		pfd[p] = (struct pollfd){ .fd = w->qp->port[p].fd, .events = POLLIN };
	urcu_qsbr_thread_offline();
	(void)poll(pfd, FP_NPORTS, FP_IDLE_POLL_MS);
	urcu_qsbr_thread_online();
}

static void *fp_worker_main(void *arg)
{
	struct fp_worker *w = arg;

	urcu_qsbr_register_thread();
	while (!atomic_load_explicit(&w->stop, memory_order_relaxed)) {
		if (!fp_worker_round(w))
			fp_worker_idle(w);
		urcu_qsbr_quiescent_state();
	}
	urcu_qsbr_unregister_thread();
	return NULL;
}

int fp_worker_start(struct fp_worker *w)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int err;

	atomic_store(&w->stop, 0);
	err = pthread_attr_init(&attr);
	if (err)
		return -err;
	if (w->cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		err = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	if (!err)
		err = pthread_create(&w->thread, &attr, fp_worker_main, w);
	pthread_attr_destroy(&attr);
	if (err)
		return -err;
	w->started = 1;
	return 0;
}

void fp_worker_stop(struct fp_worker *w)
{
	if (!w || !w->started)
		return;
	atomic_store(&w->stop, 1);
	pthread_join(w->thread, NULL);
	w->started = 0;
}
