/* tests/lab/afxdp/bare.c - xskwall-afxdp-bare: the AF_XDP ceilings the
 * benchmark holds xskwall against, written for it.
 *
 *   xskwall-afxdp-bare --mode rxdrop|fwd --outside IF --inside IF
 *                      --seconds S [--queue Q] [--cpu C] [--busy-poll]
 *                      [--budget N] [--ring N]
 *
 * It sets up exactly what xskwall sets up (fastpath's xskwall_redirect on
 * both ports, one queue pair on one shared UMEM, the same ring and frame
 * sizes, the same ring moves from fastpath/xskring.h) and runs a loop with
 * nothing between RX and TX: `rxdrop` gives every received frame back to
 * the fill ring, `fwd` sends it out of the other port. It never sleeps
 * (like xdpsock -r), so it is the ceiling of its socket setup. Every
 * second, and on SIGUSR1, it prints one JSON line of cumulative counters
 * with the kernel's socket statistics. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include "benchopt.h"
#include "bpfprog.h"
#include "fw/abi.h"
#include "fw/log.h"
#include "qpair.h"
#include "stats.h"
#include "worker.h"
#include "xskring.h"

enum bare_mode { BARE_RXDROP, BARE_FWD };
enum bare_ctr { BARE_RX, BARE_FWD_OK, BARE_TX_FULL, BARE_FILL_STARVED, BARE_NCTR };

struct bare_opts {
	const char *ifname[FP_NPORTS];
	enum bare_mode mode;
	uint64_t seconds, queue, cpu, budget, ring;
	int busy_poll, pin, touch;
};

struct bare {
	struct bare_opts opt;
	struct fp_bpfprog *prog[FP_NPORTS];
	struct fp_qpair *qp;
	uint64_t ctr[BARE_NCTR]; /* written by the loop thread only */
	atomic_int stop;
};

static int opt_mode(void *p, const char *a)
{
	struct bare_opts *o = p;

	if (!strcmp(a, "rxdrop"))
		o->mode = BARE_RXDROP;
	else if (!strcmp(a, "fwd"))
		o->mode = BARE_FWD;
	else
		return -EINVAL;
	return 0;
}

static int opt_port(const char *a, const char **slot)
{
	*slot = a;
	return strlen(a) < IF_NAMESIZE ? 0 : -EINVAL;
}

static int opt_outside(void *p, const char *a)
{
	return opt_port(a, &((struct bare_opts *)p)->ifname[FP_PORT_OUTSIDE]);
}

static int opt_inside(void *p, const char *a)
{
	return opt_port(a, &((struct bare_opts *)p)->ifname[FP_PORT_INSIDE]);
}

static int opt_seconds(void *p, const char *a)
{
	return bench_parse_u64(a, 1, 3600, &((struct bare_opts *)p)->seconds);
}

static int opt_queue(void *p, const char *a)
{
	return bench_parse_u64(a, 0, FW_MAX_QUEUES - 1, &((struct bare_opts *)p)->queue);
}

static int opt_cpu(void *p, const char *a)
{
	((struct bare_opts *)p)->pin = 1;
	return bench_parse_u64(a, 0, CPU_SETSIZE - 1, &((struct bare_opts *)p)->cpu);
}

static int opt_busy_poll(void *p, const char *a)
{
	(void)a;
	((struct bare_opts *)p)->busy_poll = 1;
	return 0;
}

static int opt_touch(void *p, const char *a)
{
	(void)a;
	((struct bare_opts *)p)->touch = 1;
	return 0;
}

static int opt_budget(void *p, const char *a)
{
	return bench_parse_u64(a, 1, 1024, &((struct bare_opts *)p)->budget);
}

static int opt_ring(void *p, const char *a)
{
	struct bare_opts *o = p;
	int err = bench_parse_u64(a, 64, 16384, &o->ring);

	return err || (o->ring & (o->ring - 1)) ? -EINVAL : 0;
}

static const struct bench_opt bare_opt_table[] = {
	{ "mode", "rxdrop|fwd", "drop every frame received on outside, or forward both ways", opt_mode, 1 },
	{ "outside", "IFNAME", "the port the traffic comes in on", opt_outside, 1 },
	{ "inside", "IFNAME", "the other port (both are bound, as in xskwall)", opt_inside, 1 },
	{ "seconds", "S", "run this long, 1..3600", opt_seconds, 1 },
	{ "queue", "Q", "queue index (default 0)", opt_queue },
	{ "cpu", "C", "pin the loop to CPU C", opt_cpu },
	{ "busy-poll", NULL, "preferred busy polling on both sockets, as xskwall's busy-poll on", opt_busy_poll },
	{ "touch", NULL, "rxdrop: read the first byte of every frame, and nothing else (the least a firewall does)", opt_touch },
	{ "budget", "N", "busy-poll budget, 1..1024 (default 64, as xskwall)", opt_budget },
	{ "ring", "N", "ring size, a power of two (default 2048, as xskwall)", opt_ring },
};

static const struct bench_cmd bare_cmd = {
	.prog = "xskwall-afxdp-bare",
	.synopsis = "xskwall-afxdp-bare --mode rxdrop|fwd --outside IF --inside IF --seconds S [options]\n"
		    "The bare AF_XDP receive-and-drop or two-port forwarder on xskwall's own socket setup.",
	.notes = "Output: one JSON line per second {\"t\",\"rx\",\"fwd\",\"tx_full\",\"fill_starved\",\n"
		 "\"k_rx_dropped\",\"k_rx_full\",\"k_fill_empty\"} (cumulative; the k_ fields are the\n"
		 "kernel's XDP_STATISTICS of both sockets), a last one with t 0 once the loop\n"
		 "stopped, then {\"bare\",\"busy_poll\",\"zerocopy\"}.\n",
	.opts = bare_opt_table,
	.n_opts = sizeof(bare_opt_table) / sizeof(bare_opt_table[0]),
};

static void bare_add(struct bare *b, enum bare_ctr c, uint64_t n)
{
	fp_ctr_add(&b->ctr[c], n);
}

static void bare_refill(struct bare *b)
{
	for (int p = 0; p < FP_NPORTS; p++)
		if (fp_xsk_refill(b->qp->umem, &b->qp->port[p], FP_BATCH) < 0)
			bare_add(b, BARE_FILL_STARVED, 1);
}

/* --touch: read each frame's first byte, as xskwall's worker does before
 * it parses (fastpath/worker.c, fp_worker_touch). */
static void bare_touch(const struct bare *b, const struct xsk_ring_cons *rx, uint32_t idx,
		       uint32_t n)
{
	uint8_t acc = 0;

	for (uint32_t i = 0; i < n; i++)
		acc |= *(volatile const uint8_t *)xsk_umem__get_data(
			b->qp->umem->area, xsk_ring_cons__rx_desc(rx, idx + i)->addr);
	__asm__ volatile("" : : "r"(acc));
}

/* rxdrop: every frame received on outside goes straight back. */
static void bare_rxdrop_round(struct bare *b)
{
	struct fp_xsk *rx = &b->qp->port[FP_PORT_OUTSIDE];
	uint32_t idx, n;

	n = xsk_ring_cons__peek(&rx->rx, FP_BATCH, &idx);
	if (!n) {
		fp_xsk_wake_rx(rx, b->qp->busy_poll);
		return;
	}
	if (b->opt.touch)
		bare_touch(b, &rx->rx, idx, n);
	for (uint32_t i = 0; i < n; i++)
		fp_umem_put(b->qp->umem, xsk_ring_cons__rx_desc(&rx->rx, idx + i)->addr);
	xsk_ring_cons__release(&rx->rx, n);
	bare_add(b, BARE_RX, n);
	bare_refill(b);
}

/* fwd: each port's frames out of the other port, as xskwall's worker. */
static void bare_fwd_port(struct bare *b, int in)
{
	struct fp_xsk *rx = &b->qp->port[in], *tx = &b->qp->port[!in];
	struct xdp_desc d[FP_BATCH];
	uint32_t idx, n, sent;

	n = xsk_ring_cons__peek(&rx->rx, FP_BATCH, &idx);
	if (!n) {
		fp_xsk_wake_rx(rx, b->qp->busy_poll);
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		d[i] = *xsk_ring_cons__rx_desc(&rx->rx, idx + i);
	xsk_ring_cons__release(&rx->rx, n);
	sent = fp_xsk_transmit(b->qp->umem, tx, d, n, FP_TX_RETRIES, b->qp->busy_poll);
	bare_add(b, BARE_RX, n);
	bare_add(b, BARE_FWD_OK, sent);
	bare_add(b, BARE_TX_FULL, n - sent);
}

static void bare_fwd_round(struct bare *b)
{
	for (int p = 0; p < FP_NPORTS; p++)
		bare_fwd_port(b, p);
	for (int p = 0; p < FP_NPORTS; p++)
		fp_xsk_complete(b->qp->umem, &b->qp->port[p]);
	bare_refill(b);
}

static void *bare_loop(void *arg)
{
	struct bare *b = arg;

	while (!atomic_load_explicit(&b->stop, memory_order_relaxed)) {
		if (b->opt.mode == BARE_RXDROP)
			bare_rxdrop_round(b);
		else
			bare_fwd_round(b);
	}
	return NULL;
}

static void bare_destroy(struct bare *b)
{
	for (int p = 0; p < FP_NPORTS; p++)
		fp_bpfprog_detach(b->prog[p]);
	fp_qpair_destroy(b->qp);
	for (int p = 0; p < FP_NPORTS; p++)
		fp_bpfprog_destroy(b->prog[p]);
}

/* The order of fastpath/engine.c: programs loaded, sockets bound and in
 * the maps, fill rings primed; attached once the loop runs. */
static int bare_setup(struct bare *b)
{
	struct fp_qpair_cfg qc = {
		.ifname = { b->opt.ifname[0], b->opt.ifname[1] },
		.queue = (uint32_t)b->opt.queue,
		.ring_size = (uint32_t)b->opt.ring,
		.frame_size = FP_DEFAULT_FRAME,
		.bind_mode = FP_BIND_AUTO,
		.numa_node = -1,
		.busy_poll_usecs = b->opt.busy_poll ? FP_BUSY_POLL_USECS : 0,
		.busy_poll_budget = (uint32_t)b->opt.budget,
	};
	int err = 0;

	for (int p = 0; !err && p < FP_NPORTS; p++)
		err = fp_bpfprog_create(b->opt.ifname[p], FW_MISS_DROP, &b->prog[p]);
	if (!err)
		err = fp_qpair_create(&qc, &b->qp);
	for (int p = 0; !err && p < FP_NPORTS; p++)
		err = fp_bpfprog_set_socket(b->prog[p], qc.queue, b->qp->port[p].fd);
	if (!err)
		fp_qpair_prime(b->qp);
	return err;
}

static int bare_attach(struct bare *b)
{
	int err = 0;

	for (int p = 0; !err && p < FP_NPORTS; p++)
		err = fp_bpfprog_attach(b->prog[p], FP_XDP_AUTO);
	return err;
}

/* The kernel's XDP_STATISTICS of both sockets, summed. */
static void bare_kernel_stats(const struct bare *b, struct xdp_statistics *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (int p = 0; p < FP_NPORTS; p++) {
		struct xdp_statistics k = { 0 };
		socklen_t len = sizeof(k);

		if (getsockopt(b->qp->port[p].fd, SOL_XDP, XDP_STATISTICS, &k, &len))
			continue;
		sum->rx_dropped += k.rx_dropped;
		sum->rx_ring_full += k.rx_ring_full;
		sum->rx_fill_ring_empty_descs += k.rx_fill_ring_empty_descs;
	}
}

static void bare_print(const struct bare *b, uint64_t t)
{
	struct xdp_statistics k;

	bare_kernel_stats(b, &k);
	printf("{\"t\":%llu,\"rx\":%llu,\"fwd\":%llu,\"tx_full\":%llu,\"fill_starved\":%llu,"
	       "\"k_rx_dropped\":%llu,\"k_rx_full\":%llu,\"k_fill_empty\":%llu}\n",
	       (unsigned long long)t, (unsigned long long)fp_ctr_read(&b->ctr[BARE_RX]),
	       (unsigned long long)fp_ctr_read(&b->ctr[BARE_FWD_OK]),
	       (unsigned long long)fp_ctr_read(&b->ctr[BARE_TX_FULL]),
	       (unsigned long long)fp_ctr_read(&b->ctr[BARE_FILL_STARVED]),
	       (unsigned long long)k.rx_dropped, (unsigned long long)k.rx_ring_full,
	       (unsigned long long)k.rx_fill_ring_empty_descs);
	fflush(stdout);
}

/* One line a second, and one at once on SIGUSR1 (the benchmark's
 * samples), until the time is up or SIGINT/SIGTERM comes. */
static void bare_report(struct bare *b, int sig_fd)
{
	struct pollfd pfd = { .fd = sig_fd, .events = POLLIN };
	uint64_t start = bench_now_ns(), end = start + b->opt.seconds * 1000000000ull;
	uint64_t next = start + 1000000000ull, now;
	struct signalfd_siginfo si;

	while ((now = bench_now_ns()) < end) {
		if (now >= next) {
			bare_print(b, (now - start) / 1000000000ull);
			next += 1000000000ull;
			continue;
		}
		if (poll(&pfd, 1, (int)((next - now) / 1000000) + 1) <= 0)
			continue;
		if (read(sig_fd, &si, sizeof(si)) != sizeof(si) || si.ssi_signo != SIGUSR1)
			break;
		bare_print(b, (now - start) / 1000000000ull);
	}
}

static int bare_start_loop(struct bare *b, pthread_t *th)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int err;

	err = pthread_attr_init(&attr);
	if (!err && b->opt.pin) {
		CPU_ZERO(&set);
		CPU_SET(b->opt.cpu, &set);
		err = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	if (!err)
		err = pthread_create(th, &attr, bare_loop, b);
	pthread_attr_destroy(&attr);
	return -err;
}

int main(int argc, char **argv)
{
	struct bare b = { .opt = { .budget = 64, .ring = FP_DEFAULT_RING } };
	pthread_t th;
	sigset_t sigs;
	int sig_fd, err;

	err = bench_opt_parse(&bare_cmd, argc, argv, &b.opt);
	if (err)
		return err > 0 ? 0 : 2;
	fw_log_route_libs();
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC);
	err = sig_fd < 0 ? -errno : bare_setup(&b);
	if (!err)
		err = bare_start_loop(&b, &th);
	if (!err) {
		err = bare_attach(&b);
		if (!err)
			bare_report(&b, sig_fd);
		atomic_store(&b.stop, 1);
		pthread_join(th, NULL);
		bare_print(&b, 0);
		printf("{\"bare\":\"%s\",\"busy_poll\":%d,\"zerocopy\":%d}\n",
		       b.opt.mode == BARE_RXDROP ? "rxdrop" : "fwd", b.qp->busy_poll, b.qp->zerocopy);
	}
	if (err)
		fprintf(stderr, "xskwall-afxdp-bare: %s\n", strerror(-err));
	bare_destroy(&b);
	return err ? 1 : 0;
}
