/* fastpath/worker.c - the per-queue forwarding loop.
 *
 * Nothing here allocates, locks or logs. Syscalls happen per batch, never
 * per packet: a TX kick when the ring asks for a wakeup (always, in copy
 * mode), an RX wakeup when a ring is empty and the kernel asks for one (or
 * busy polling is on), and poll() once both ports have been quiet for the
 * idle spin. Every frame is always in exactly one place: a kernel
 * ring, the local batch, or the UMEM's free stack. */
#include <poll.h>
#include <sched.h>
#include <time.h>
#include <urcu/urcu-qsbr.h>
#include "classify.h"
#include "parse.h"
#include "prefetch.h"
#include "xskring.h"
#include "worker.h"

#define FP_IDLE_POLL_MS 100
#define FP_SPIN_CLOCK_ROUNDS 64 /* empty rounds per clock read while spinning */

static void fp_worker_transmit(struct fp_worker *w, struct fp_xsk *out,
			       const struct xdp_desc *d, uint32_t n, struct fp_dir_stats *delta)
{
	uint32_t sent = fp_xsk_transmit(w->qp->umem, out, d, n, FP_TX_RETRIES, w->qp->busy_poll);

	delta->c[FP_CTR_FWD] += sent;
	delta->c[FP_CTR_TX_FULL] += n - sent;
}

static void fp_worker_count(const struct fp_pkt *pkt, const struct fp_decision *dec,
			    struct fp_dir_stats *delta)
{
	delta->c[FP_CTR_MALFORMED] += pkt->cls == FP_PKT_MALFORMED;
	delta->c[FP_CTR_NON_IP] += pkt->cls == FP_PKT_NON_IP;
	if (dec->verdict == FP_DROP)
		delta->c[dec->reason == FP_BY_RULE ? FP_CTR_DROP_RULE : FP_CTR_DROP_POLICY]++;
}

/* Read the first byte of every frame of the batch before parsing any.
 * The kernel wrote these frames on another CPU moments ago, so each first
 * read is a cache miss (perf: nearly all of fp_parse's time, on its first
 * load). Independent loads in a tight loop overlap those misses; software
 * prefetch did not here (the misses stayed in fp_parse, 10-35% of the
 * worker's CPU, against 7-9% for this loop). The first byte only: the
 * parser's headers sit in the frame's first cache line (the data starts
 * cache-aligned after the headroom), and nothing past the frame is read. */
static void fp_worker_touch(const struct fp_worker *w, const struct xsk_ring_cons *rx,
			    uint32_t idx, uint32_t n)
{
	uint8_t acc = 0;

	for (uint32_t i = 0; i < n; i++)
		acc |= *(volatile const uint8_t *)xsk_umem__get_data(
			w->qp->umem->area, xsk_ring_cons__rx_desc(rx, idx + i)->addr);
	__asm__ volatile("" : : "r"(acc));
}

/* What a round reads once: the snapshot, this worker's counters in it,
 * and the capture ring (NULL when no capture runs). */
struct fp_round {
	const struct fp_ruleset *rs;
	struct fp_rule_count *rule_count;
	int prefetch_counts;     /* fp_ruleset_counters_big */
	struct fp_capture_ring *capture;
};

/* Count, and offer to a running capture, one decided frame. */
static void fp_worker_account(struct fp_worker *w, const struct fp_round *r,
			      const uint8_t *frame, uint32_t len, int in, const struct fp_pkt *pkt,
			      const struct fp_decision *dec, struct fp_dir_stats *delta)
{
	fp_worker_count(pkt, dec, delta);
	if (dec->rule != FP_NO_RULE)
		fp_rule_count_add(&r->rule_count[dec->rule], len);
	if (r->capture)
		fp_capture_offer(r->capture, frame, len, (uint16_t)w->qp->queue, in, dec);
}

/* Parse the n frames of a received batch, then classify them together
 * (fp_classify_batch overlaps their table loads). */
static void fp_worker_decide(struct fp_worker *w, const struct fp_round *r,
			     const struct xsk_ring_cons *rx, uint32_t idx, uint32_t n, int in,
			     struct fp_pkt *pkt, struct fp_decision *dec)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(rx, idx + i);

		fp_parse(xsk_umem__get_data(w->qp->umem->area, d->addr), d->len, &pkt[i]);
	}
	fp_classify_batch(r->rs, pkt, n, (unsigned)in, dec);
}

/* With a million rules each decided frame's counter is a cache miss of
 * its own: ask for all of the batch's at once, before counting. */
static void fp_worker_prefetch_counts(const struct fp_round *r, const struct fp_decision *dec,
				      uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (dec[i].rule != FP_NO_RULE)
			fp_prefetch_write(&r->rule_count[dec[i].rule]);
}

/* Receive a batch on port `in`, decide each frame, send the passes out of
 * the other port, count into *delta. Returns the number of frames
 * received. */
static uint32_t fp_worker_forward(struct fp_worker *w, const struct fp_round *r, int in,
				  struct fp_dir_stats *delta)
{
	struct fp_xsk *rx = &w->qp->port[in], *tx = &w->qp->port[!in];
	struct xdp_desc pass[FP_BATCH];
	struct fp_pkt pkt[FP_BATCH];
	struct fp_decision dec[FP_BATCH];
	uint32_t idx, n, npass = 0;

	n = xsk_ring_cons__peek(&rx->rx, FP_BATCH, &idx);
	if (!n) {
		fp_xsk_wake_rx(rx, w->qp->busy_poll);
		return 0;
	}
	fp_worker_touch(w, &rx->rx, idx, n);
	fp_worker_decide(w, r, &rx->rx, idx, n, in, pkt, dec);
	if (r->prefetch_counts)
		fp_worker_prefetch_counts(r, dec, n);
	for (uint32_t i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&rx->rx, idx + i);

		fp_worker_account(w, r, xsk_umem__get_data(w->qp->umem->area, d->addr), d->len,
				  in, &pkt[i], &dec[i], delta);
		if (dec[i].verdict == FP_PASS)
			pass[npass++] = (struct xdp_desc){ .addr = d->addr, .len = d->len };
		else
			fp_umem_put(w->qp->umem, d->addr);
	}
	xsk_ring_cons__release(&rx->rx, n);
	delta->c[FP_CTR_RX] += n;
	if (npass)
		fp_worker_transmit(w, tx, pass, npass, delta);
	return n;
}

/* Returns 1 when the fill ring found no free frame. */
static int fp_worker_refill(struct fp_worker *w, int p, struct fp_dir_stats *delta)
{
	if (fp_xsk_refill(w->qp->umem, &w->qp->port[p], FP_BATCH) >= 0)
		return 0;
	delta->c[FP_CTR_FILL_STARVED]++;
	return 1;
}

/* One pass over both ports; the round's counts are published together,
 * so every snapshot sees whole rounds. */
uint32_t fp_worker_round(struct fp_worker *w)
{
	struct fp_dir_stats delta[FP_NPORTS] = { 0 };
	struct fp_round r;
	uint32_t moved = 0;
	int starved = 0;

	urcu_qsbr_read_lock();
	r.rs = rcu_dereference(*w->rules);
	r.rule_count = fp_ruleset_counters(r.rs, w->slot);
	r.prefetch_counts = fp_ruleset_counters_big(r.rs);
	r.capture = rcu_dereference(w->capture);
	for (int p = 0; p < FP_NPORTS; p++)
		moved += fp_worker_forward(w, &r, p, &delta[p]);
	urcu_qsbr_read_unlock();
	for (int p = 0; p < FP_NPORTS; p++) {
		fp_xsk_complete(w->qp->umem, &w->qp->port[p]);
		starved |= fp_worker_refill(w, p, &delta[p]);
	}
	if (moved || starved)
		fp_stats_publish(w->stats, delta);
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

static uint64_t fp_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* After a round that moved nothing: keep polling the rings until the
 * queue has been quiet for idle_spin_ns, then sleep. Under load the gaps
 * between the kernel's bursts are far shorter than the spin, so the worker
 * never pays a sleep and a wake-up (the wake-up is charged to the CPU that
 * delivers the frames); an idle firewall sleeps. The clock is read once
 * every FP_SPIN_CLOCK_ROUNDS empty rounds: clock_gettime took half of a
 * spinning worker's CPU when read every round (a slow vDSO clock under
 * this VM's hypervisor). s->quiet_since is 0 while frames flow. */
struct fp_spin {
	uint64_t quiet_since;
	uint32_t rounds;
};

static int fp_worker_should_sleep(const struct fp_worker *w, struct fp_spin *s)
{
	uint64_t now;

	if (!w->idle_spin_ns)
		return 1;
	if (s->rounds++ % FP_SPIN_CLOCK_ROUNDS)
		return 0;
	now = fp_now_ns();
	if (!s->quiet_since)
		s->quiet_since = now;
	return now - s->quiet_since >= w->idle_spin_ns;
}

static void *fp_worker_main(void *arg)
{
	struct fp_worker *w = arg;
	struct fp_spin spin = { 0, 0 };

	urcu_qsbr_register_thread();
	while (!atomic_load_explicit(&w->stop, memory_order_relaxed)) {
		if (fp_worker_round(w)) {
			spin = (struct fp_spin){ 0, 0 };
		} else if (fp_worker_should_sleep(w, &spin)) {
			fp_worker_idle(w);
			spin = (struct fp_spin){ 0, 0 };
		}
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
