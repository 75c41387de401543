/* fastpath/engine.c - owns and wires the whole data plane.
 *
 * Decisions recorded here:
 * - miss action: fail closed (drop) by default; the loader sets it.
 * - UMEM layout: one UMEM per queue index, shared by that queue's outside
 *   and inside sockets, owned by one worker: no pool lock, no atomics.
 * - RCU flavour: QSBR; workers go offline around poll().
 * - attach: bpf_link (bpfprog.c).
 * Order: load programs, bind sockets, fill the maps, start workers, then
 * attach, so no frame meets the miss verdict while a socket exists; the
 * reverse on the way down. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <urcu/urcu-qsbr.h>
#include "fw/log.h"
#include "device.h"
#include "engine.h"
#include "publish.h"
#include "worker.h"

struct fp_engine {
	struct fp_engine_cfg cfg;
	int numa_node;
	uint32_t nqueues;
	uint32_t queue[FW_MAX_QUEUES]; /* queue ids in use */
	struct fp_bpfprog *prog[FP_NPORTS];
	struct fp_qpair *qp[FW_MAX_QUEUES];
	struct fp_worker *worker;       /* FW_MAX_QUEUES, nqueues in use */
	struct fp_queue_stats *stats;   /* FW_MAX_QUEUES, nqueues in use */
	int rxq[FP_NPORTS], txq[FP_NPORTS]; /* the ports' queue counts, as last read */
	struct fp_ruleset *rules;       /* RCU slot */
	uint64_t rules_generation;
	int attached;
	struct fp_capture_ring *capture[FW_MAX_QUEUES]; /* while a capture runs */
	uint32_t capture_queues;                        /* queues capturing */
	uint32_t capture_next;                          /* drain's round robin */
};

/* Name every port whose interface does not exist, not just the first. */
static int fp_engine_check_ports(const struct fp_engine *e)
{
	int missing = 0;

	for (int p = 0; p < FP_NPORTS; p++) {
		if (fp_device_exists(e->cfg.ifname[p]))
			continue;
		fw_err("port %s: interface %s does not exist", fp_port_name(p), e->cfg.ifname[p]);
		missing++;
	}
	return missing ? -ENODEV : 0;
}

/* Every CPU of `cpus` must be one this process may run on. */
static int fp_engine_check_cpus(const struct fp_engine *e)
{
	char have[256];
	cpu_set_t set;
	int bad = 0;

	if (!e->cfg.ncpus || fp_device_allowed_cpus(&set))
		return 0;
	for (uint32_t i = 0; i < e->cfg.ncpus; i++) {
		if (e->cfg.cpus[i] < CPU_SETSIZE && CPU_ISSET(e->cfg.cpus[i], &set))
			continue;
		fw_err("cpus: CPU %u does not exist or is not available here (the CPUs are %s)",
		       e->cfg.cpus[i], fp_device_cpu_text(&set, have, sizeof(have)));
		bad++;
	}
	return bad ? -EINVAL : 0;
}

/* Every queue in use must exist as an rx and a tx queue on both ports:
 * copy-mode TX leaves on the tx queue of the socket's id, and a bind to a
 * missing one succeeds but never sends. */
static int fp_engine_count_queues(const struct fp_engine *e, int rxq[FP_NPORTS],
				   int txq[FP_NPORTS])
{
	for (int p = 0; p < FP_NPORTS; p++)
		if (fp_device_queues(e->cfg.ifname[p], &rxq[p], &txq[p]))
			return -ENODEV;
	return 0;
}

static int fp_engine_pick_queues(struct fp_engine *e)
{
	int *rxq = e->rxq, *txq = e->txq;

	if (fp_engine_count_queues(e, rxq, txq)) {
		fw_err("%s/%s: cannot read their queues from /sys/class/net", e->cfg.ifname[0],
		       e->cfg.ifname[1]);
		return -ENODEV;
	}
	for (uint32_t q = 0; q < FW_MAX_QUEUES; q++) {
		int wanted = e->cfg.queue_mask ? !!(e->cfg.queue_mask & (1ull << q)) : (int)q < rxq[0];

		if (!wanted)
			continue;
		for (int p = 0; p < FP_NPORTS; p++) {
			if ((int)q >= rxq[p] || (int)q >= txq[p]) {
				fw_err("queue %u: %s has %d rx and %d tx queues; set `queues` to what both ports have",
				       q, e->cfg.ifname[p], rxq[p], txq[p]);
				return -EINVAL;
			}
		}
		e->queue[e->nqueues++] = q;
	}
	return e->nqueues ? 0 : -EINVAL;
}

static void fp_engine_place_worker(struct fp_engine *e, uint32_t i)
{
	uint16_t defaults[CPU_SETSIZE];
	const uint16_t *cpus = e->cfg.cpus;
	uint32_t n = e->cfg.ncpus;
	struct fp_worker *w = &e->worker[i];

	if (!n) {
		cpus = defaults;
		n = fp_device_node_cpus(e->numa_node, defaults, CPU_SETSIZE);
	}
	w->qp = e->qp[i];
	w->rules = &e->rules;
	w->stats = &e->stats[i];
	w->slot = i;
	w->cpu = n ? cpus[i % n] : -1;
	w->idle_spin_ns = e->cfg.idle_spin_ns;
}

static int fp_engine_open_queue(struct fp_engine *e, uint32_t i)
{
	struct fp_qpair_cfg qc = {
		.ifname = { e->cfg.ifname[FP_PORT_OUTSIDE], e->cfg.ifname[FP_PORT_INSIDE] },
		.queue = e->queue[i],
		.ring_size = e->cfg.ring_size,
		.frame_size = e->cfg.frame_size,
		.bind_mode = e->cfg.bind_mode,
		.numa_node = e->numa_node,
		.busy_poll_usecs = e->cfg.busy_poll_budget ? FP_BUSY_POLL_USECS : 0,
		.busy_poll_budget = e->cfg.busy_poll_budget,
	};
	int err;

	err = fp_qpair_create(&qc, &e->qp[i]);
	if (err) {
		fw_err("queue %u: cannot bind AF_XDP sockets on %s and %s (%s mode): %s%s",
		       qc.queue, qc.ifname[0], qc.ifname[1],
		       qc.bind_mode == FP_BIND_ZEROCOPY ? "zero-copy" : "copy", strerror(-err),
		       err == -EOPNOTSUPP ? " (the driver has no zero-copy support)" : "");
		return err;
	}
	for (int p = 0; p < FP_NPORTS && !err; p++)
		err = fp_bpfprog_set_socket(e->prog[p], qc.queue, e->qp[i]->port[p].fd);
	if (err) {
		fw_err("queue %u: cannot insert the sockets into the XSKMAP: %s", qc.queue,
		       strerror(-err));
		return err;
	}
	err = fp_ruleset_add_counters(e->rules, i);
	if (err) {
		fw_err("queue %u: cannot allocate its rule counters: %s", qc.queue, strerror(-err));
		return err;
	}
	fp_qpair_prime(e->qp[i]);
	fw_info("queue %u: %s/%s bound in %s mode, UMEM %u frames of %u bytes on %s pages, NUMA node %d",
		qc.queue, qc.ifname[0], qc.ifname[1], e->qp[i]->zerocopy ? "zero-copy" : "copy",
		e->qp[i]->umem->nframes, e->qp[i]->umem->frame_size,
		e->qp[i]->umem->huge ? "huge" : "normal", e->qp[i]->umem->numa_node);
	return 0;
}

static int fp_engine_serves(const struct fp_engine *e, uint32_t q)
{
	for (uint32_t i = 0; i < e->nqueues; i++)
		if (e->queue[i] == q)
			return 1;
	return 0;
}

/* Log the queues of port p that exist but have no socket. */
static void fp_engine_report_unserved(const struct fp_engine *e, int p)
{
	char list[256];
	size_t off = 0;

	list[0] = '\0';
	for (int q = 0; q < e->rxq[p] && q < FW_MAX_QUEUES && off < sizeof(list); q++)
		if (!fp_engine_serves(e, (uint32_t)q))
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%d", off ? "," : "", q);
	if (off)
		fw_warn("%s (%s): rx queues %s have no socket (%s): their frames meet on-miss (%s), "
			"counted in on_miss", e->cfg.ifname[p], fp_port_name(p), list,
			e->cfg.queue_mask ? "not in `queues`" : "the other port lacks them",
			e->cfg.miss_action == FW_MISS_PASS ? "pass" : "drop");
}

/* Busy polling keeps the receive work on the worker's CPU only while the
 * device defers its interrupts (napi_defer_hard_irqs) and a timer
 * (gro_flush_timeout) takes over when the worker sleeps; without them the
 * device's own softirq keeps doing the work and busy polling only adds
 * syscalls. Say which port lacks them. */
static void fp_engine_report_busy_poll(const struct fp_engine *e)
{
	if (!e->cfg.busy_poll_budget) {
		fw_info("busy-poll off: workers spin %llu us before sleeping",
			(unsigned long long)(e->cfg.idle_spin_ns / 1000));
		return;
	}
	for (int p = 0; p < FP_NPORTS; p++) {
		const char *ifn = e->cfg.ifname[p];
		long defer = fp_device_sysfs_long(ifn, "napi_defer_hard_irqs");
		long flush = fp_device_sysfs_long(ifn, "gro_flush_timeout");

		fw_info("%s: busy-poll on (budget %u), napi_defer_hard_irqs %ld, gro_flush_timeout %ld ns",
			ifn, e->cfg.busy_poll_budget, defer, flush);
		if (defer <= 0 || flush <= 0)
			fw_warn("%s: busy-poll needs /sys/class/net/%s/napi_defer_hard_irqs and "
				"gro_flush_timeout above 0 (e.g. 2 and 200000) to keep the receive "
				"work on the worker's CPU", ifn, ifn);
	}
}

/* Room for every queue a port may have, so that queues added at runtime
 * never move the workers or counters of the running ones. */
static int fp_engine_alloc(struct fp_engine *e)
{
	e->worker = calloc(FW_MAX_QUEUES, sizeof(*e->worker));
	if (posix_memalign((void **)&e->stats, 64, FW_MAX_QUEUES * sizeof(*e->stats)))
		e->stats = NULL;
	if (!e->worker || !e->stats)
		return -ENOMEM;
	memset(e->stats, 0, FW_MAX_QUEUES * sizeof(*e->stats));
	return 0;
}

int fp_engine_create(const struct fp_engine_cfg *cfg, struct fp_ruleset *rules,
		     struct fp_engine **out)
{
	struct fp_engine *e;
	int err;

	e = calloc(1, sizeof(*e));
	if (!e) {
		fp_ruleset_destroy(rules);
		return -ENOMEM;
	}
	e->cfg = *cfg;
	e->rules = rules;
	e->cfg.ring_size = cfg->ring_size ? cfg->ring_size : FP_DEFAULT_RING;
	e->cfg.frame_size = cfg->frame_size ? cfg->frame_size : FP_DEFAULT_FRAME;
	e->numa_node = (int)fp_device_sysfs_long(cfg->ifname[FP_PORT_OUTSIDE], "device/numa_node");
	err = fp_engine_check_ports(e);
	if (!err)
		err = fp_engine_check_cpus(e);
	if (!err)
		err = fp_engine_pick_queues(e);
	if (!err)
		err = fp_engine_alloc(e);
	for (int p = 0; !err && p < FP_NPORTS; p++)
		err = fp_bpfprog_create(cfg->ifname[p], cfg->miss_action, &e->prog[p]);
	for (uint32_t i = 0; !err && i < e->nqueues; i++)
		err = fp_engine_open_queue(e, i);
	if (err) {
		fp_engine_destroy(e);
		return err;
	}
	for (uint32_t i = 0; i < e->nqueues; i++)
		fp_engine_place_worker(e, i);
	for (int p = 0; p < FP_NPORTS; p++)
		fp_engine_report_unserved(e, p);
	fp_engine_report_busy_poll(e);
	*out = e;
	return 0;
}

int fp_engine_start(struct fp_engine *e)
{
	int err = 0;

	for (uint32_t i = 0; i < e->nqueues && !err; i++)
		err = fp_worker_start(&e->worker[i]);
	for (int p = 0; p < FP_NPORTS && !err; p++) {
		err = fp_bpfprog_attach(e->prog[p], e->cfg.xdp_mode);
		if (!err)
			fw_info("%s: %s attached in %s mode (on-miss %s)", e->prog[p]->ifname,
				FW_XDP_PROG_NAME, fp_xdp_mode_name(e->prog[p]->mode),
				e->cfg.miss_action == FW_MISS_PASS ? "pass" : "drop");
	}
	if (err) {
		fw_err("start failed: %s", strerror(-err));
		fp_engine_stop(e); /* nothing attached or running until destroy */
		return err;
	}
	e->attached = 1;
	return 0;
}

static uint32_t fp_engine_account(struct fp_engine *e)
{
	uint32_t leaked = 0;

	for (uint32_t i = 0; i < e->nqueues; i++) {
		struct fp_frame_account a;

		if (!e->qp[i])
			continue;
		fp_qpair_account(e->qp[i], &a);
		fw_info("queue %u: UMEM frames %u: %u free, %u in fill rings, %u in tx rings, "
			"%u in the kernel's pool cache, %u unaccounted", e->queue[i], a.total,
			a.free, a.in_fill, a.in_tx, a.in_kernel_cache, a.lost);
		leaked += a.lost;
	}
	return leaked;
}

/* Serve queue q from now on: sockets, UMEM and a worker, as at start-up.
 * On failure nothing of it is left and its frames meet on-miss. */
static int fp_engine_add_queue(struct fp_engine *e, uint32_t q)
{
	uint32_t i = e->nqueues;
	int err;

	e->queue[i] = q;
	err = fp_engine_open_queue(e, i);
	if (!err) {
		fp_engine_place_worker(e, i);
		err = fp_worker_start(&e->worker[i]);
	}
	if (err) {
		for (int p = 0; p < FP_NPORTS; p++)
			fp_bpfprog_clear_socket(e->prog[p], q);
		fp_qpair_destroy(e->qp[i]);
		e->qp[i] = NULL;
		fw_err("queue %u: cannot be served (%s); its frames meet on-miss", q, strerror(-err));
		return err;
	}
	e->nqueues++;
	fw_info("queue %u: added while running, worker on CPU %d (%u queues now)", q,
		e->worker[i].cpu, e->nqueues);
	return 0;
}

/* A port whose rx queues grew gets its program attached again, so that
 * the driver runs it on the new queues too (fp_bpfprog_refresh). */
static void fp_engine_cover_new_queues(struct fp_engine *e, const int rxq[FP_NPORTS])
{
	for (int p = 0; p < FP_NPORTS; p++) {
		int err = rxq[p] > e->rxq[p] ? fp_bpfprog_refresh(e->prog[p]) : 0;

		if (err)
			fw_err("%s (%s): cannot attach %s again for its new queues: %s",
			       e->cfg.ifname[p], fp_port_name(p), FW_XDP_PROG_NAME, strerror(-err));
	}
}

/* Queues every port has as an rx and a tx queue. */
static uint32_t fp_engine_common_queues(const struct fp_engine *e)
{
	int n = FW_MAX_QUEUES;

	for (int p = 0; p < FP_NPORTS; p++) {
		n = e->rxq[p] < n ? e->rxq[p] : n;
		n = e->txq[p] < n ? e->txq[p] : n;
	}
	return (uint32_t)n;
}

int fp_engine_sync_queues(struct fp_engine *e)
{
	int rxq[FP_NPORTS], txq[FP_NPORTS], err = 0;

	if (fp_engine_count_queues(e, rxq, txq))
		return 0; /* the port is going away: the link watch says so */
	if (!memcmp(rxq, e->rxq, sizeof(rxq)) && !memcmp(txq, e->txq, sizeof(txq)))
		return 0;
	for (int p = 0; p < FP_NPORTS; p++)
		if (rxq[p] != e->rxq[p] || txq[p] != e->txq[p])
			fw_info("%s (%s): %d rx and %d tx queues, %d and %d before", e->cfg.ifname[p],
				fp_port_name(p), rxq[p], txq[p], e->rxq[p], e->txq[p]);
	fp_engine_cover_new_queues(e, rxq);
	memcpy(e->rxq, rxq, sizeof(rxq));
	memcpy(e->txq, txq, sizeof(txq));
	for (uint32_t q = 0; !e->cfg.queue_mask && q < fp_engine_common_queues(e); q++)
		if (!fp_engine_serves(e, q) && e->nqueues < FW_MAX_QUEUES) {
			int r = fp_engine_add_queue(e, q);

			err = err ? err : r;
		}
	for (int p = 0; p < FP_NPORTS; p++)
		fp_engine_report_unserved(e, p);
	return err;
}

void fp_engine_stop(struct fp_engine *e)
{
	int was_running = e->attached;

	for (uint32_t i = 0; e->worker && i < e->nqueues; i++)
		fp_worker_stop(&e->worker[i]);
	for (int p = 0; p < FP_NPORTS; p++)
		if (e->prog[p])
			fp_bpfprog_detach(e->prog[p]);
	e->attached = 0;
	if (was_running)
		fw_info("stopped: workers joined, programs detached");
}

uint32_t fp_engine_destroy(struct fp_engine *e)
{
	uint32_t leaked = 0;

	if (!e)
		return 0;
	fp_engine_stop(e);
	leaked = fp_engine_account(e);
	for (uint32_t i = 0; i < e->nqueues; i++)
		fp_qpair_destroy(e->qp[i]);
	for (int p = 0; p < FP_NPORTS; p++)
		fp_bpfprog_destroy(e->prog[p]);
	fp_ruleset_destroy(e->rules); /* no reader left: workers are joined */
	for (uint32_t i = 0; i < e->capture_queues; i++)
		fp_capture_ring_destroy(e->capture[i]);
	free(e->worker);
	free(e->stats);
	free(e);
	return leaked;
}

int fp_engine_publish_rules(struct fp_engine *e, struct fp_ruleset *rules)
{
	struct fp_ruleset *old;
	int err = 0;

	for (uint32_t i = 0; i < e->nqueues && !err; i++)
		err = fp_ruleset_add_counters(rules, i);
	if (err) {
		fp_ruleset_destroy(rules);
		return err;
	}
	old = fp_rules_swap(&e->rules, rules);
	e->rules_generation++;
	if (fp_ruleset_carry_counts(old, rules))
		fw_warn("out of memory: the rules' counters start from 0");
	fp_ruleset_destroy(old);
	return 0;
}

void fp_engine_rule_count(const struct fp_engine *e, size_t i, struct fp_rule_count *out)
{
	fp_ruleset_rule_count(e->rules, i, out);
}

void fp_engine_queue_info(const struct fp_engine *e, uint32_t i, struct fp_queue_info *out)
{
	const struct fp_qpair *qp = e->qp[i];

	memset(out, 0, sizeof(*out));
	out->queue = e->queue[i];
	out->worker_cpu = e->worker[i].cpu;
	out->zerocopy = qp->zerocopy;
	for (int p = 0; p < FP_NPORTS; p++)
		out->need_wakeup[p] = qp->port[p].need_wakeup;
	out->busy_poll = qp->busy_poll;
	out->numa_node = qp->umem->numa_node;
	out->hugepages = qp->umem->huge;
	out->ring_size = e->cfg.ring_size;
	out->frame_size = qp->umem->frame_size;
	out->nframes = qp->umem->nframes;
}

int fp_engine_xdp_mode(const struct fp_engine *e, int port)
{
	return e->prog[port]->mode;
}

const struct fp_ruleset *fp_engine_rules(const struct fp_engine *e)
{
	return e->rules; /* control thread: the only writer */
}

void fp_engine_queue_stats(const struct fp_engine *e, uint32_t i, struct fp_queue_stats *out)
{
	fp_stats_snapshot(&e->stats[i], out);
}

int fp_engine_xsk_stats(const struct fp_engine *e, uint32_t i, int port,
			struct xdp_statistics *out)
{
	socklen_t len = sizeof(*out);

	memset(out, 0, sizeof(*out));
	if (getsockopt(e->qp[i]->port[port].fd, SOL_XDP, XDP_STATISTICS, out, &len))
		return -errno;
	return 0;
}

uint32_t fp_engine_max_frame(const struct fp_engine *e)
{
	return e->cfg.frame_size - XDP_PACKET_HEADROOM;
}

int fp_engine_port_misses(const struct fp_engine *e, int port, uint64_t *out)
{
	return fp_bpfprog_misses(e->prog[port], out);
}

uint32_t fp_engine_nqueues(const struct fp_engine *e)
{
	return e->nqueues;
}

uint32_t fp_engine_queue_id(const struct fp_engine *e, uint32_t i)
{
	return e->queue[i];
}

const char *fp_engine_ifname(const struct fp_engine *e, int port)
{
	return e->cfg.ifname[port];
}

uint64_t fp_engine_rules_generation(const struct fp_engine *e)
{
	return e->rules_generation;
}

int fp_engine_worker_cpu(const struct fp_engine *e, uint32_t i)
{
	return e->worker[i].cpu;
}

/* ---- capture ------------------------------------------------------------ */

int fp_engine_capture_start(struct fp_engine *e, int all, uint32_t snaplen)
{
	int err = 0;

	if (e->capture_queues)
		return -EBUSY;
	for (uint32_t i = 0; i < e->nqueues && !err; i++)
		err = fp_capture_ring_create(snaplen, all, &e->capture[i]);
	if (err) {
		for (uint32_t i = 0; i < e->nqueues; i++) {
			fp_capture_ring_destroy(e->capture[i]);
			e->capture[i] = NULL;
		}
		return err;
	}
	e->capture_queues = e->nqueues;
	e->capture_next = 0;
	for (uint32_t i = 0; i < e->capture_queues; i++)
		rcu_assign_pointer(e->worker[i].capture, e->capture[i]);
	return 0;
}

uint32_t fp_engine_capture_drain(struct fp_engine *e, fp_capture_fn fn, void *arg, uint32_t max)
{
	uint32_t n = 0, idle = 0;

	while (n < max && e->capture_queues && idle < e->capture_queues) {
		struct fp_capture_ring *r = e->capture[e->capture_next];
		const struct fp_capture_rec *rec = fp_capture_peek(r);

		e->capture_next = (e->capture_next + 1) % e->capture_queues;
		if (!rec) {
			idle++;
			continue;
		}
		idle = 0;
		fn(arg, rec);
		fp_capture_release(r);
		n++;
	}
	return n;
}

uint64_t fp_engine_capture_lost(const struct fp_engine *e)
{
	uint64_t lost = 0;

	for (uint32_t i = 0; i < e->capture_queues; i++)
		lost += fp_capture_lost(e->capture[i]);
	return lost;
}

void fp_engine_capture_stop(struct fp_engine *e)
{
	if (!e || !e->capture_queues)
		return;
	for (uint32_t i = 0; i < e->capture_queues; i++)
		rcu_assign_pointer(e->worker[i].capture, NULL);
	urcu_qsbr_synchronize_rcu(); /* no worker holds a ring any more */
	for (uint32_t i = 0; i < e->capture_queues; i++) {
		fp_capture_ring_destroy(e->capture[i]);
		e->capture[i] = NULL;
	}
	e->capture_queues = 0;
}
