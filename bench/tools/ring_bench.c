/* bench/tools/ring_bench.c - xskwall-ring-bench: the worker's whole
 * userspace path, without the kernel.
 *
 * The product's own fp_worker_round() (fastpath/worker.h: RX peek, parse,
 * classify, counters, per-rule counters, capture check, TX, completions,
 * refill, stats publish) runs on a queue pair whose rings are plain memory
 * (memring.h), while a feeder (ringfeed.h) plays the kernel between two
 * rounds: completes what the worker sent and puts up to one batch of
 * prebuilt frames on the RX ring. Both run on this one thread, one after
 * the other, pinned with --cpu: that is the "one core" figure. Each feeder
 * step and each worker round (with the QSBR quiescent state the worker
 * thread announces after it) is timed apart with the TSC (x86; calibrated
 * against CLOCK_MONOTONIC over every timed run; elsewhere CLOCK_MONOTONIC
 * itself), so the worker's ns per packet excludes the feeder's, which is
 * reported beside it (the worker's includes one clock read per round,
 * clock_read_ns, under half a ns per packet). A step and round interrupted
 * for longer than RB_GAP_NS (preempted: the machine may be shared) is left
 * out and counted (rounds_interrupted); cpu_share says how much of the
 * wall time the thread had the CPU, others_busy how busy the other CPUs
 * were (/proc/stat; with --cpu; their work shares the caches and the
 * memory, and on the development VM doubles the figures at a million
 * rules). No ring ever asks for a wakeup and
 * busy polling is off, so the worker makes no syscall
 * (bench/run/test_ring_bench.sh checks with strace).
 *
 * Scenarios: {forward-heavy, drop-heavy} x {IPv4, IPv6, mixed} x --rules,
 * then the targets' configuration (--target, default 1 000 000 IPv4 +
 * 200 000 IPv6 rules, mixed traffic). Rules come from rulegen.h (demo
 * rules, then random prefixes); mixed lists are an IPv4 list then an IPv6
 * list (a count N is N - N/2 IPv4 and N/2 IPv6 rules). Frames: 64-byte
 * frames on the wire (60 bytes without the FCS; IPv6 UDP: 62, its
 * minimum), UDP, random addresses, --hit-fraction of them matching a
 * rule; mixed traffic is half IPv4, half IPv6. The two mixes use the same
 * rule prefixes and the same frames and differ only in the verdicts:
 * drop-heavy keeps rulegen's drop rules and a drop policy (every frame is
 * dropped, half by a rule, half by the policy), forward-heavy turns every
 * rule into a pass rule with a pass policy (every frame is forwarded, half
 * by a rule). Frames arrive on outside only (--both-ports: on both).
 *
 * Output: one JSON line per scenario and repetition (--reps: the whole
 * list again, interleaved); each figure is the median over --runs timed
 * runs after a warm-up run. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <urcu/urcu-qsbr.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include "benchopt.h"
#include "memring.h"
#include "ringfeed.h"
#include "rulegen.h"
#include "splitmix.h"
#include "ruleset.h"
#include "stats.h"
#include "worker.h"

#define RB_MAX_COUNTS 16
#define RB_MAX_RUNS 31
#define RB_MIN_FRAME 60          /* a 64-byte frame less its FCS */
#define RB_FRAME_SIZE 4096       /* UMEM frame, as xskwall's default */
#define RB_TARGET_V4 1000000      /* the targets' configuration */
#define RB_TARGET_V6 200000
#define RB_TARGET_LINE_MPPS 14.88 /* 10 GbE, 64-byte frames */
#define RB_TARGET_FEW_MPPS 30.0   /* RB_FEW_RULES rules */
#define RB_FEW_RULES 10
#define RB_GAP_NS 200000.0        /* a step and round longer than this was interrupted */

enum rb_mix { RB_FORWARD = 0, RB_DROP = 1 };

enum rb_family_bits { RB_IPV4 = 1, RB_IPV6 = 2, RB_MIXED = 4 };

struct rb_opts {
	size_t counts[RB_MAX_COUNTS];
	unsigned ncounts;
	unsigned fams;          /* enum rb_family_bits */
	unsigned mixes;         /* bit RB_FORWARD, bit RB_DROP */
	size_t target4, target6; /* the targets' configuration; 0 + 0: none */
	size_t packets;
	double seconds;         /* per timed run */
	unsigned runs;
	unsigned reps;          /* repetitions of the whole scenario list */
	double hit;
	uint64_t seed;
	int cpu;                /* -1: not pinned */
	uint32_t ring;
	unsigned rx_ports;      /* bit p: port p receives */
};

/* One scenario: what to build. */
struct rb_scen {
	enum rb_mix mix;
	const char *family;   /* "ipv4", "ipv6", "mixed" */
	size_t n4, n6;
	uint64_t seed;        /* the same for both mixes and every repetition */
	unsigned rep;         /* 1..reps */
};

/* The TSC's rate (or CLOCK_MONOTONIC's, 1 per ns) and what a read costs. */
struct rb_clock {
	const char *name;
	double cycles_per_ns;
	double read_ns;
};

/* What one scenario runs on. */
struct rb_bed {
	struct fp_rule *rules;
	struct fp_ruleset *rs;
	struct rf_pool pool;
	struct mr_qpair *mq;
	struct fp_queue_stats *stats;
	struct fp_worker worker;
	struct rf_feeder feeder;
	double build_ms;
};

/* One timed run. */
struct rb_run {
	double worker_ns, feeder_ns; /* per packet */
	double per_round;            /* packets per worker round */
	double cycles_per_ns;
	double cpu_share;            /* this thread's CPU time / wall time */
	double gap_share;            /* rounds left out as interrupted */
};

/* The medians over the runs, and what the frames met. */
struct rb_result {
	double worker_ns, worker_ns_min, worker_ns_max, feeder_ns, per_round, ghz;
	double cpu_share, gap_share;
	double others_busy; /* the other CPUs' busy share during the timed runs; -1: unknown */
	uint64_t rule_hits; /* frames a rule decided, from the per-rule counters */
	struct fp_queue_stats counts;
	struct fp_frame_account acct;
};

static inline uint64_t rb_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
	_mm_lfence();
	return __rdtsc();
#else
	return bench_now_ns();
#endif
}

static const char *rb_clock_name(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return "tsc";
#else
	return "clock_monotonic";
#endif
}

/* The clock's rate over 50 ms of CLOCK_MONOTONIC, and a read's cost. */
static void rb_clock_calibrate(struct rb_clock *c)
{
	uint64_t n0 = bench_now_ns(), c0 = rb_cycles(), n1, c1, r0;
	struct timespec nap = { 0, 50 * 1000 * 1000 };
	unsigned i, reads = 100000;

	nanosleep(&nap, NULL);
	n1 = bench_now_ns();
	c1 = rb_cycles();
	c->name = rb_clock_name();
	c->cycles_per_ns = (double)(c1 - c0) / (double)(n1 - n0);
	r0 = rb_cycles();
	for (i = 0; i < reads; i++)
		(void)rb_cycles();
	c->read_ns = (double)(rb_cycles() - r0) / c->cycles_per_ns / reads;
}

static int rb_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* The scenario's rules: IPv4 then IPv6 (rulegen.h); forward-heavy turns
 * every rule into a pass rule. */
static void rb_gen_rules(const struct rb_scen *s, struct sm_rng *rng, struct fp_rule *r)
{
	rg_gen_rules(rng, 4, r, s->n4);
	rg_gen_rules(rng, 6, r + s->n4, s->n6);
	if (s->mix == RB_FORWARD)
		for (size_t i = 0; i < s->n4 + s->n6; i++)
			r[i].action = FP_PASS;
}

static void rb_pool_fini(struct rf_pool *p)
{
	free(p->data);
	free(p->len);
}

/* npkts frames, hit of them matching a rule of their family's list;
 * IPv6 with probability 1/2 when the scenario has both families. */
static int rb_pool_init(struct rf_pool *p, const struct rb_scen *s, struct sm_rng *rng,
			const struct fp_rule *r, size_t npkts, double hit)
{
	uint8_t f[RG_FRAME];
	size_t i;
	int v6;

	p->n = npkts;
	p->data = aligned_alloc(64, npkts * sizeof(*p->data));
	p->len = malloc(npkts * sizeof(*p->len));
	if (!p->data || !p->len)
		return -ENOMEM;
	memset(p->data, 0, npkts * sizeof(*p->data));
	for (i = 0; i < npkts; i++) {
		v6 = s->n4 && s->n6 ? (int)(sm_next(rng) & 1) : !s->n4;
		if (sm_unit(rng) < hit)
			p->len[i] = (uint16_t)rg_hit_frame(rng, NULL, v6 ? 6 : 4,
							   v6 ? r + s->n4 : r, v6 ? s->n6 : s->n4,
							   RB_MIN_FRAME, f);
		else
			p->len[i] = (uint16_t)rg_miss_frame(rng, NULL, v6 ? 6 : 4, RB_MIN_FRAME, f);
		if (!p->len[i] || p->len[i] > RF_FRAME_MAX)
			return -EINVAL;
		memcpy(p->data[i], f, p->len[i]);
	}
	return 0;
}

static void rb_bed_fini(struct rb_bed *b)
{
	mr_qpair_destroy(b->mq);
	free(b->stats);
	fp_ruleset_destroy(b->rs);
	rb_pool_fini(&b->pool);
	free(b->rules);
}

static int rb_build_rules(struct rb_bed *b, const struct rb_scen *s)
{
	const struct fp_policy pol = {
		.deflt = s->mix == RB_FORWARD ? FP_PASS : FP_DROP,
		.malformed = FP_DROP, .non_ip = FP_PASS,
	};
	uint64_t t0 = bench_now_ns();
	int err;

	err = fp_ruleset_create(b->rules, s->n4 + s->n6, &pol, &b->rs);
	b->build_ms = (double)(bench_now_ns() - t0) / 1e6;
	return err ? err : fp_ruleset_add_counters(b->rs, 0);
}

/* Rules, snapshot, frames, queue pair, worker and feeder; the fill rings
 * primed as at start-up. */
static int rb_bed_init(struct rb_bed *b, const struct rb_opts *o, const struct rb_scen *s)
{
	struct sm_rng rng = { s->seed };
	size_t n = s->n4 + s->n6;
	int err;

	memset(b, 0, sizeof(*b));
	b->rules = calloc(n ? n : 1, sizeof(*b->rules));
	b->stats = aligned_alloc(64, sizeof(*b->stats));
	if (!b->rules || !b->stats)
		return -ENOMEM;
	memset(b->stats, 0, sizeof(*b->stats));
	rb_gen_rules(s, &rng, b->rules);
	err = rb_build_rules(b, s);
	if (!err)
		err = rb_pool_init(&b->pool, s, &rng, b->rules, o->packets, o->hit);
	if (!err)
		err = mr_qpair_create(o->ring, RB_FRAME_SIZE, &b->mq);
	if (err)
		return err;
	b->worker.qp = &b->mq->qp;
	b->worker.rules = &b->rs;
	b->worker.stats = b->stats;
	b->worker.slot = 0;
	b->worker.capture = NULL;
	b->worker.cpu = -1;
	fp_qpair_prime(&b->mq->qp);
	rf_init(&b->feeder, b->mq, &b->pool, o->rx_ports, FP_BATCH);
	return 0;
}

static uint64_t rb_thread_cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* What one run counts as it goes. */
struct rb_tally {
	uint64_t feeder, worker, pkts, rounds, gaps;
};

/* Feeder step, worker round, feeder step, ... until the deadline; the two
 * timed apart (the loop's own few instructions go to the feeder). A
 * feeder step and round that took longer than RB_GAP_NS were interrupted
 * (the thread was preempted on this shared machine, or the host ran
 * something else): they are left out, and counted. */
static void rb_loop(struct rb_bed *b, uint64_t deadline, uint64_t gap, struct rb_tally *t)
{
	uint64_t t0 = rb_cycles(), t1, t2;
	uint32_t n;

	do {
		rf_step(&b->feeder);
		t1 = rb_cycles();
		n = fp_worker_round(&b->worker);
		urcu_qsbr_quiescent_state();
		t2 = rb_cycles();
		t->rounds++;
		if (t2 - t0 > gap) {
			t->gaps++;
		} else {
			t->feeder += t1 - t0;
			t->worker += t2 - t1;
			t->pkts += n;
		}
		t0 = t2;
	} while (t0 < deadline);
}

/* One timed run of `seconds`. */
static void rb_time(struct rb_bed *b, const struct rb_clock *c, double seconds, struct rb_run *r)
{
	uint64_t ns0 = bench_now_ns(), cpu0 = rb_thread_cpu_ns(), c0 = rb_cycles(), c1, ns1;
	struct rb_tally t = { 0 };
	double pkts;

	rb_loop(b, c0 + (uint64_t)(seconds * 1e9 * c->cycles_per_ns),
		(uint64_t)(RB_GAP_NS * c->cycles_per_ns), &t);
	c1 = rb_cycles();
	ns1 = bench_now_ns();
	r->cycles_per_ns = (double)(c1 - c0) / (double)(ns1 - ns0);
	r->cpu_share = (double)(rb_thread_cpu_ns() - cpu0) / (double)(ns1 - ns0);
	r->gap_share = t.rounds ? (double)t.gaps / (double)t.rounds : 0;
	pkts = t.pkts ? (double)t.pkts : 1;
	r->worker_ns = (double)t.worker / r->cycles_per_ns / pkts;
	r->feeder_ns = (double)t.feeder / r->cycles_per_ns / pkts;
	r->per_round = t.rounds > t.gaps ? pkts / (double)(t.rounds - t.gaps) : 0;
}

static uint64_t rb_rule_hits(const struct fp_ruleset *rs)
{
	struct fp_rule_count c;
	uint64_t n = 0;

	for (size_t i = 0; i < fp_ruleset_count(rs); i++) {
		fp_ruleset_rule_count(rs, i, &c);
		n += c.packets;
	}
	return n;
}

static int rb_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double rb_median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), rb_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Busy and total time (USER_HZ ticks) of every CPU but `cpu`, from
 * /proc/stat; busy is all but idle and iowait. -1 if unreadable or when
 * not pinned (cpu -1: no CPU is this one's). */
struct rb_ticks {
	uint64_t busy, total;
};

/* One "cpuN user nice system idle iowait irq softirq steal" line of
 * /proc/stat added to *t unless N is `cpu`; the "cpu" sum line is not one. */
static void rb_add_cpu_line(const char *line, int cpu, struct rb_ticks *t)
{
	unsigned long long v[8];
	int n;

	if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9' ||
	    sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &n, &v[0], &v[1], &v[2],
		   &v[3], &v[4], &v[5], &v[6], &v[7]) != 9 || n == cpu)
		return;
	for (int i = 0; i < 8; i++)
		t->total += v[i];
	t->busy += v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
}

static int rb_other_cpus(int cpu, struct rb_ticks *t)
{
	char line[512];
	FILE *f;

	*t = (struct rb_ticks){ 0, 0 };
	f = cpu < 0 ? NULL : fopen("/proc/stat", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		rb_add_cpu_line(line, cpu, t);
	fclose(f);
	return t->total ? 0 : -1;
}

/* How busy the other CPUs were between two readings; -1: unknown. On a
 * 2-core VM their work shares the caches and memory with this one. */
static double rb_busy_share(const struct rb_ticks *a, const struct rb_ticks *b)
{
	if (!a->total || b->total <= a->total)
		return -1;
	return (double)(b->busy - a->busy) / (double)(b->total - a->total);
}

/* A warm-up run, then o->runs timed runs; then the counters and where
 * every UMEM frame is. */
static void rb_measure(struct rb_bed *b, const struct rb_opts *o, const struct rb_clock *c,
		       struct rb_result *res)
{
	double worker[RB_MAX_RUNS], feeder[RB_MAX_RUNS], round[RB_MAX_RUNS];
	double ghz[RB_MAX_RUNS], cpu[RB_MAX_RUNS], gaps[RB_MAX_RUNS];
	struct rb_ticks t0, t1;
	struct rb_run run;

	rb_time(b, c, o->seconds, &run);
	rb_other_cpus(o->cpu, &t0);
	for (unsigned i = 0; i < o->runs; i++) {
		rb_time(b, c, o->seconds, &run);
		worker[i] = run.worker_ns;
		feeder[i] = run.feeder_ns;
		round[i] = run.per_round;
		ghz[i] = run.cycles_per_ns;
		cpu[i] = run.cpu_share;
		gaps[i] = run.gap_share;
	}
	res->worker_ns = rb_median(worker, o->runs); /* sorts worker[] */
	res->worker_ns_min = worker[0];
	res->worker_ns_max = worker[o->runs - 1];
	res->feeder_ns = rb_median(feeder, o->runs);
	res->per_round = rb_median(round, o->runs);
	res->ghz = rb_median(ghz, o->runs);
	res->cpu_share = rb_median(cpu, o->runs);
	res->gap_share = rb_median(gaps, o->runs);
	res->others_busy = rb_other_cpus(o->cpu, &t1) ? -1 : rb_busy_share(&t0, &t1);
	fp_stats_snapshot(b->stats, &res->counts);
	fp_qpair_account(&b->mq->qp, &res->acct);
	res->rule_hits = rb_rule_hits(b->rs);
}

static uint64_t rb_total(const struct fp_queue_stats *s, enum fp_ctr ctr)
{
	return s->dir[FP_PORT_OUTSIDE].c[ctr] + s->dir[FP_PORT_INSIDE].c[ctr];
}

static double rb_share(const struct fp_queue_stats *s, enum fp_ctr ctr)
{
	uint64_t rx = rb_total(s, FP_CTR_RX);

	return rx ? (double)rb_total(s, ctr) / (double)rx : 0;
}

/* The targets: RB_TARGET_LINE_MPPS with RB_TARGET_V4 + RB_TARGET_V6
 * rules, RB_TARGET_FEW_MPPS with RB_FEW_RULES; 0: none. */
static double rb_target(size_t n4, size_t n6)
{
	if (n4 == RB_TARGET_V4 && n6 == RB_TARGET_V6)
		return RB_TARGET_LINE_MPPS;
	return n4 + n6 == RB_FEW_RULES ? RB_TARGET_FEW_MPPS : 0;
}

/* The scenario, the worker's rate and the feeder's cost, the target. */
static void rb_print_rates(const struct rb_scen *s, const struct rb_result *r)
{
	double mpps = 1000.0 / r->worker_ns, target = rb_target(s->n4, s->n6);

	printf("{\"bench\":\"ring\",\"rep\":%u,\"mix\":\"%s\",\"family\":\"%s\",\"rules\":%zu,"
	       "\"rules_ipv4\":%zu,\"rules_ipv6\":%zu,\"worker_mpps\":%.2f,"
	       "\"worker_ns_per_pkt\":%.2f,\"worker_ns_min\":%.2f,\"worker_ns_max\":%.2f,"
	       "\"feeder_ns_per_pkt\":%.2f,\"pkts_per_round\":%.1f,\"cpu_share\":%.3f,"
	       "\"rounds_interrupted\":%.5f,\"others_busy\":%.3f,",
	       s->rep, s->mix == RB_FORWARD ? "forward" : "drop", s->family, s->n4 + s->n6, s->n4,
	       s->n6, mpps, r->worker_ns, r->worker_ns_min, r->worker_ns_max, r->feeder_ns, r->per_round,
	       r->cpu_share, r->gap_share, r->others_busy);
	if (target > 0)
		printf("\"target_mpps\":%.2f,\"target_met\":%s,", target,
		       mpps >= target ? "true" : "false");
}

/* What the frames met: the worker's counters and the frame account. */
static void rb_print_counts(const struct rb_result *r)
{
	uint64_t rx = rb_total(&r->counts, FP_CTR_RX);

	printf("\"rule_hit_fraction\":%.3f,\"fwd_fraction\":%.3f,\"drop_rule_fraction\":%.3f,"
	       "\"drop_policy_fraction\":%.3f,\"rx\":%llu,\"tx_full\":%llu,"
	       "\"fill_starved\":%llu,\"frames_lost\":%u,",
	       rx ? (double)r->rule_hits / (double)rx : 0, rb_share(&r->counts, FP_CTR_FWD),
	       rb_share(&r->counts, FP_CTR_DROP_RULE), rb_share(&r->counts, FP_CTR_DROP_POLICY),
	       (unsigned long long)rx, (unsigned long long)rb_total(&r->counts, FP_CTR_TX_FULL),
	       (unsigned long long)rb_total(&r->counts, FP_CTR_FILL_STARVED), r->acct.lost);
}

/* How it was measured. */
static void rb_print_setup(const struct rb_opts *o, const struct rb_bed *b,
			   const struct rb_clock *c, const struct rb_result *r)
{
	printf("\"build_ms\":%.1f,\"runs\":%u,\"seconds\":%.3f,\"packets\":%zu,"
	       "\"hit_fraction\":%.2f,\"frame_bytes\":%d,\"ring\":%u,\"batch\":%d,"
	       "\"rx_ports\":%d,\"huge\":%d,\"clock\":\"%s\",\"clock_ghz\":%.3f,"
	       "\"clock_read_ns\":%.1f,\"cpu\":%d}\n",
	       b->build_ms, o->runs, o->seconds, o->packets, o->hit, RB_MIN_FRAME, o->ring,
	       FP_BATCH, __builtin_popcount(o->rx_ports), b->mq->umem.huge, c->name, r->ghz,
	       c->read_ns, o->cpu);
	fflush(stdout);
}

/* Build, measure, print one scenario. Returns 0, or -errno; 1 when a
 * frame was lost or a counter says the path misbehaved. */
static int rb_one(const struct rb_opts *o, const struct rb_clock *c, const struct rb_scen *s)
{
	struct rb_bed bed;
	struct rb_result res;
	int err;

	fprintf(stderr, "== ring: rep %u, %s-heavy, %s, %zu + %zu rules\n", s->rep,
		s->mix == RB_FORWARD ? "forward" : "drop", s->family, s->n4, s->n6);
	err = rb_bed_init(&bed, o, s);
	if (!err) {
		rb_measure(&bed, o, c, &res);
		rb_print_rates(s, &res);
		rb_print_counts(&res);
		rb_print_setup(o, &bed, c, &res);
		if (res.acct.lost || rb_total(&res.counts, FP_CTR_TX_FULL) ||
		    rb_total(&res.counts, FP_CTR_FILL_STARVED))
			err = 1;
	}
	rb_bed_fini(&bed);
	return err;
}

/* family bit -> the scenario's rule counts for n rules */
static void rb_split(unsigned fam, size_t n, struct rb_scen *s)
{
	s->family = fam == RB_IPV4 ? "ipv4" : fam == RB_IPV6 ? "ipv6" : "mixed";
	s->n4 = fam == RB_IPV4 ? n : fam == RB_IPV6 ? 0 : n - n / 2;
	s->n6 = fam == RB_IPV6 ? n : fam == RB_IPV4 ? 0 : n / 2;
}

static int rb_report_err(const struct rb_scen *s, int err)
{
	if (err > 0)
		fprintf(stderr, "%s, %zu + %zu rules: frames lost, TX full or fill starved "
			"(see the line above)\n", s->family, s->n4, s->n6);
	else
		fprintf(stderr, "%s, %zu + %zu rules: %s\n", s->family, s->n4, s->n6,
			strerror(-err));
	return 1;
}

/* Scenario s in each mix the options name. */
static int rb_mixes(const struct rb_opts *o, const struct rb_clock *c, struct rb_scen *s)
{
	int err;

	for (int mix = RB_FORWARD; mix <= RB_DROP; mix++) {
		if (!(o->mixes & (1u << mix)))
			continue;
		s->mix = (enum rb_mix)mix;
		err = rb_one(o, c, s);
		if (err)
			return rb_report_err(s, err);
	}
	return 0;
}

/* Every scenario the options name, the targets' configuration last, as
 * repetition `rep`. The seed depends on the family and the count, not the
 * mix or the repetition: every run of a scenario sees the same prefixes
 * and frames. */
static int rb_rep(const struct rb_opts *o, const struct rb_clock *c, unsigned rep)
{
	struct rb_scen s;
	int err;

	for (unsigned fam = RB_IPV4; fam <= RB_MIXED; fam <<= 1) {
		if (!(o->fams & fam))
			continue;
		for (unsigned i = 0; i < o->ncounts; i++) {
			rb_split(fam, o->counts[i], &s);
			s.seed = o->seed * 1000003u + fam * 7u + i;
			s.rep = rep;
			err = rb_mixes(o, c, &s);
			if (err)
				return err;
		}
	}
	if (!o->target4 && !o->target6)
		return 0;
	s = (struct rb_scen){ .family = "mixed", .n4 = o->target4, .n6 = o->target6,
			      .seed = o->seed * 1000003u + 99, .rep = rep };
	return rb_mixes(o, c, &s);
}

/* The repetitions, interleaved: a slow phase of the machine (minutes, on
 * the development VM) hits every scenario of a repetition alike, and the
 * median over the repetitions (bench/report/ring-table.awk) stands. */
static int rb_all(const struct rb_opts *o, const struct rb_clock *c)
{
	int err = 0;

	for (unsigned rep = 1; rep <= o->reps && !err; rep++)
		err = rb_rep(o, c, rep);
	return err;
}

static int opt_rules(void *opts, const char *arg)
{
	struct rb_opts *o = opts;

	return bench_parse_counts(arg, 1, 10000000, o->counts, RB_MAX_COUNTS, &o->ncounts);
}

static int opt_family(void *opts, const char *arg)
{
	struct rb_opts *o = opts;

	if (!strcmp(arg, "ipv4") || !strcmp(arg, "4"))
		o->fams = RB_IPV4;
	else if (!strcmp(arg, "ipv6") || !strcmp(arg, "6"))
		o->fams = RB_IPV6;
	else if (!strcmp(arg, "mixed"))
		o->fams = RB_MIXED;
	else if (!strcmp(arg, "all"))
		o->fams = RB_IPV4 | RB_IPV6 | RB_MIXED;
	else if (!strcmp(arg, "none"))
		o->fams = 0;
	else
		return -EINVAL;
	return 0;
}

static int opt_mix(void *opts, const char *arg)
{
	struct rb_opts *o = opts;

	if (!strcmp(arg, "forward"))
		o->mixes = 1u << RB_FORWARD;
	else if (!strcmp(arg, "drop"))
		o->mixes = 1u << RB_DROP;
	else if (!strcmp(arg, "both"))
		o->mixes = 1u << RB_FORWARD | 1u << RB_DROP;
	else
		return -EINVAL;
	return 0;
}

static int opt_target(void *opts, const char *arg)
{
	struct rb_opts *o = opts;
	const char *plus = strchr(arg, '+');
	char v4[32];

	if (!strcmp(arg, "none")) {
		o->target4 = o->target6 = 0;
		return 0;
	}
	if (!plus || (size_t)(plus - arg) >= sizeof(v4))
		return -EINVAL;
	memcpy(v4, arg, (size_t)(plus - arg));
	v4[plus - arg] = '\0';
	if (bench_parse_size(v4, 0, 10000000, &o->target4) ||
	    bench_parse_size(plus + 1, 0, 10000000, &o->target6) || !(o->target4 + o->target6))
		return -EINVAL;
	return 0;
}

static int opt_packets(void *o, const char *arg)
{
	return bench_parse_size(arg, 1, 100000000, &((struct rb_opts *)o)->packets);
}

static int opt_seconds(void *o, const char *arg)
{
	return bench_parse_double(arg, 0.001, 3600, &((struct rb_opts *)o)->seconds);
}

static int opt_runs(void *opts, const char *arg)
{
	struct rb_opts *o = opts;
	uint64_t v;

	if (bench_parse_u64(arg, 1, RB_MAX_RUNS, &v))
		return -EINVAL;
	o->runs = (unsigned)v;
	return 0;
}

static int opt_reps(void *opts, const char *arg)
{
	struct rb_opts *o = opts;
	uint64_t v;

	if (bench_parse_u64(arg, 1, RB_MAX_RUNS, &v))
		return -EINVAL;
	o->reps = (unsigned)v;
	return 0;
}

static int opt_hit(void *o, const char *arg)
{
	return bench_parse_double(arg, 0, 1, &((struct rb_opts *)o)->hit);
}

static int opt_seed(void *o, const char *arg)
{
	return bench_parse_u64(arg, 0, UINT64_MAX, &((struct rb_opts *)o)->seed);
}

static int opt_cpu(void *opts, const char *arg)
{
	struct rb_opts *o = opts;
	uint64_t v;

	if (bench_parse_u64(arg, 0, CPU_SETSIZE - 1, &v))
		return -EINVAL;
	o->cpu = (int)v;
	return 0;
}

static int opt_ring(void *opts, const char *arg)
{
	struct rb_opts *o = opts;
	uint64_t v;

	if (bench_parse_u64(arg, FP_BATCH, 1u << 16, &v) || (v & (v - 1)))
		return -EINVAL;
	o->ring = (uint32_t)v;
	return 0;
}

static int opt_both_ports(void *o, const char *arg)
{
	(void)arg;
	((struct rb_opts *)o)->rx_ports = 1u << FP_PORT_OUTSIDE | 1u << FP_PORT_INSIDE;
	return 0;
}

static const struct bench_opt rb_optab[] = {
	{ "rules", "LIST", "rule counts, e.g. 10,1000 (default 10,100000,1000000)", opt_rules },
	{ "family", "ipv4|ipv6|mixed|all|none", "rule and traffic families for --rules "
	  "(default all; mixed: N - N/2 IPv4 and N/2 IPv6 rules, half the frames IPv6)",
	  opt_family },
	{ "mix", "forward|drop|both", "forward-heavy, drop-heavy or both (default both)", opt_mix },
	{ "target", "V4+V6|none", "also the targets' configuration: V4 IPv4 and V6 IPv6 rules, "
	  "mixed traffic (default 1000000+200000)", opt_target },
	{ "packets", "N", "prebuilt frames in the pool (default 65536)", opt_packets },
	{ "seconds", "S", "length of each timed run (default 0.5)", opt_seconds },
	{ "runs", "N", "timed runs per scenario, after a warm-up run (default 5)", opt_runs },
	{ "reps", "N", "repetitions of the whole scenario list, interleaved; a table takes the "
	  "median (default 1)", opt_reps },
	{ "hit-fraction", "F", "share of frames a rule matches (default 0.5)", opt_hit },
	{ "seed", "N", "random seed (default 1)", opt_seed },
	{ "cpu", "N", "pin to this CPU (default: not pinned)", opt_cpu },
	{ "ring", "N", "entries per ring, a power of two (default 2048, xskwall's)", opt_ring },
	{ "both-ports", NULL, "frames arrive on both ports (default: on outside only)",
	  opt_both_ports },
};

static const struct bench_cmd rb_cmd = {
	.prog = "xskwall-ring-bench",
	.synopsis = "usage: xskwall-ring-bench [options]\n\n"
		    "Runs the worker's fp_worker_round() on rings in plain memory, fed by a\n"
		    "stand-in for the kernel on the same thread; times the two apart. One JSON\n"
		    "line per scenario: the worker's ns/packet and Mpps (feeder excluded), the\n"
		    "feeder's ns/packet.",
	.notes = "Forward-heavy: every rule passes, policy pass (all forwarded, half by a rule).\n"
		 "Drop-heavy: every rule drops, policy drop (all dropped, half by a rule).\n"
		 "Exit 1 when a frame is lost or the worker counts tx_full or fill_starved.",
	.opts = rb_optab,
	.n_opts = sizeof(rb_optab) / sizeof(rb_optab[0]),
};

int main(int argc, char **argv)
{
	struct rb_opts o = {
		.counts = { 10, 100000, 1000000 }, .ncounts = 3,
		.fams = RB_IPV4 | RB_IPV6 | RB_MIXED, .mixes = 1u << RB_FORWARD | 1u << RB_DROP,
		.target4 = RB_TARGET_V4, .target6 = RB_TARGET_V6, .packets = 65536, .seconds = 0.5,
		.runs = 5, .reps = 1, .hit = 0.5, .seed = 1, .cpu = -1, .ring = FP_DEFAULT_RING,
		.rx_ports = 1u << FP_PORT_OUTSIDE,
	};
	struct rb_clock clock;
	int err;

	err = bench_opt_parse(&rb_cmd, argc, argv, &o);
	if (err)
		return err > 0 ? 0 : 2;
	err = rb_pin(o.cpu);
	if (err) {
		fprintf(stderr, "xskwall-ring-bench: cannot run on CPU %d: %s\n", o.cpu, strerror(-err));
		return 1;
	}
	rb_clock_calibrate(&clock);
	urcu_qsbr_register_thread();
	err = rb_all(&o, &clock);
	urcu_qsbr_unregister_thread();
	return err;
}
