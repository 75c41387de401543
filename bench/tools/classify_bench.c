/* bench/tools/classify_bench.c - xskwall-classify-bench: the classifier alone.
 *
 * No I/O, one core. For each (family, rule count) it builds a synthetic
 * rule list (rulegen.h: the demo rules, then random /16-/32 or /32-/128
 * source or destination drop prefixes), times fp_ruleset_create(), and
 * measures ns per packet over a packet pool of which --hit-fraction
 * matches some drop rule: fp_classify() on pre-parsed packets,
 * fp_parse() + fp_classify() on the frames, and fp_classify_batch() (the
 * workers' call: 64 packets at a time, table loads overlapped) on the
 * pre-parsed packets. mem_bytes: fp_ruleset_bytes(). Each figure is the median of
 * several timed runs after a warm-up pass.
 *
 * Output: one JSON line per (family, rules). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchopt.h"
#include "rulegen.h"
#include "splitmix.h"
#include "classify.h"
#include "parse.h"
#include "ruleset.h"

#define CB_RUNS 5
#define CB_MAX_COUNTS 32

struct cb_opts {
	size_t counts[CB_MAX_COUNTS];
	unsigned ncounts;
	int fams;            /* bit 0: IPv4, bit 1: IPv6 */
	size_t packets;
	double seconds;      /* per timed run */
	double hit;
	uint64_t seed;
	size_t port_rules;   /* before the prefix rules (rg_gen_port_rules) */
};

struct cb_pool {
	uint8_t (*frame)[RG_FRAME];
	uint32_t *flen;
	struct fp_pkt *pkt;
	size_t n;
};

static void cb_pool_fini(struct cb_pool *p)
{
	free(p->frame);
	free(p->flen);
	free(p->pkt);
}

/* ports: NULL, or the stream the frames' ports are drawn from */
static int cb_pool_init(struct cb_pool *p, struct sm_rng *rng, struct sm_rng *ports, int fam,
			const struct fp_rule *r, size_t n, size_t npkts, double hit)
{
	size_t i;

	p->n = npkts;
	p->frame = malloc(npkts * sizeof(*p->frame));
	p->flen = malloc(npkts * sizeof(*p->flen));
	p->pkt = malloc(npkts * sizeof(*p->pkt));
	if (!p->frame || !p->flen || !p->pkt)
		return -ENOMEM;
	for (i = 0; i < npkts; i++) {
		if (sm_unit(rng) < hit)
			p->flen[i] = rg_hit_frame(rng, ports, fam, r, n, 0, p->frame[i]);
		else
			p->flen[i] = rg_miss_frame(rng, ports, fam, 0, p->frame[i]);
		fp_parse(p->frame[i], p->flen[i], &p->pkt[i]);
	}
	return 0;
}

enum cb_mode {
	CB_ONE = 0,   /* fp_classify, a packet at a time */
	CB_PARSE = 1, /* fp_parse + fp_classify */
	CB_BATCH = 2, /* fp_classify_batch, as the workers do */
};

/* The pool in batches through fp_classify_batch; returns the drops. */
static size_t cb_pass_batch(const struct fp_ruleset *rs, const struct cb_pool *p)
{
	struct fp_decision d[FP_CLASSIFY_BATCH];
	size_t i, j, k, drops = 0;

	for (i = 0; i < p->n; i += k) {
		k = p->n - i < FP_CLASSIFY_BATCH ? p->n - i : FP_CLASSIFY_BATCH;
		fp_classify_batch(rs, &p->pkt[i], (unsigned)k, FP_PORT_OUTSIDE, d);
		for (j = 0; j < k; j++)
			drops += d[j].verdict == FP_DROP;
	}
	return drops;
}

/* One pass over the pool; returns the drops so nothing is optimised out. */
static size_t cb_pass(const struct fp_ruleset *rs, const struct cb_pool *p,
		      int parse)
{
	struct fp_decision d;
	struct fp_pkt pkt;
	size_t i, drops = 0;

	if (parse == CB_BATCH)
		return cb_pass_batch(rs, p);
	for (i = 0; i < p->n; i++) {
		if (parse) {
			fp_parse(p->frame[i], p->flen[i], &pkt);
			fp_classify(rs, &pkt, FP_PORT_OUTSIDE, &d);
		} else {
			fp_classify(rs, &p->pkt[i], FP_PORT_OUTSIDE, &d);
		}
		drops += d.verdict == FP_DROP;
	}
	return drops;
}

static int cb_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double cb_median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cb_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Median ns/packet over CB_RUNS runs of whole passes, each at least
 * seconds long; *drops: drops in one pass. */
static double cb_time(const struct fp_ruleset *rs, const struct cb_pool *p,
		      int parse, double seconds, size_t *drops)
{
	double ns[CB_RUNS];
	uint64_t t0, t1, budget = (uint64_t)(seconds * 1e9);
	size_t pkts;
	unsigned run;

	*drops = cb_pass(rs, p, parse);         /* warm-up */
	for (run = 0; run < CB_RUNS; run++) {
		pkts = 0;
		t0 = bench_now_ns();
		do {
			*drops = cb_pass(rs, p, parse);
			pkts += p->n;
			t1 = bench_now_ns();
		} while (t1 - t0 < budget);
		ns[run] = (double)(t1 - t0) / (double)pkts;
	}
	return cb_median(ns, CB_RUNS);
}

/* Build the snapshot; *ms: median build time (one build above 100k). */
static int cb_build(const struct fp_rule *r, size_t n, struct fp_ruleset **rs,
		    double *ms, size_t *mem)
{
	static const struct fp_policy pol = { FP_PASS, FP_DROP, FP_PASS };
	double t[3];
	unsigned i, runs = n > 100000 ? 1 : 3;
	uint64_t t0;
	int err;

	for (i = 0; i < runs; i++) {
		fp_ruleset_destroy(*rs);
		*rs = NULL;
		t0 = bench_now_ns();
		err = fp_ruleset_create(r, n, &pol, rs);
		t[i] = (double)(bench_now_ns() - t0) / 1e6;
		if (err)
			return err;
		*mem = fp_ruleset_bytes(*rs);
	}
	*ms = cb_median(t, runs);
	return 0;
}

/* The list: o->port_rules port rules, then n prefix rules. The port
 * rules and the frames' ports come from streams of their own (seeded
 * from rng's state), so the prefix rules and the addresses are the same
 * with and without them. */
static int cb_one(const struct cb_opts *o, struct sm_rng *rng, int fam, size_t n)
{
	struct sm_rng port_rules = { rng->s ^ 0x706f727473ull };
	struct sm_rng ports = { rng->s ^ 0x6672616d6573ull };
	size_t np = o->port_rules, total = np + n;
	struct fp_ruleset *rs = NULL;
	struct cb_pool pool = { 0 };
	struct fp_rule *r = calloc(total ? total : 1, sizeof(*r));
	double ms = 0, cls, pcls, bcls;
	size_t mem = 0, drops, drops2;
	int err = r ? 0 : -ENOMEM;

	if (!err) {
		rg_gen_rules(rng, fam, r + np, n);
		rg_gen_port_rules(&port_rules, fam, r, np);
		err = cb_build(r, total, &rs, &ms, &mem);
	}
	if (!err)
		err = cb_pool_init(&pool, rng, np ? &ports : NULL, fam, r + np, n, o->packets,
				   o->hit);
	if (!err) {
		cls = cb_time(rs, &pool, CB_ONE, o->seconds, &drops);
		pcls = cb_time(rs, &pool, CB_PARSE, o->seconds, &drops2);
		bcls = cb_time(rs, &pool, CB_BATCH, o->seconds, &drops2);
		printf("{\"bench\":\"classify\",\"family\":%d,\"rules\":%zu,\"port_rules\":%zu,"
		       "\"build_ms\":%.3f,\"ns_per_pkt_classify\":%.2f,"
		       "\"ns_per_pkt_parse_classify\":%.2f,"
		       "\"ns_per_pkt_classify_batch\":%.2f,\"mem_bytes\":%zu,"
		       "\"packets\":%zu,\"drop_fraction\":%.3f}\n",
		       fam, n, np, ms, cls, pcls, bcls, mem, pool.n,
		       (double)drops / (double)pool.n);
		fflush(stdout);
	}
	cb_pool_fini(&pool);
	fp_ruleset_destroy(rs);
	free(r);
	return err;
}
static int opt_rules(void *opts, const char *arg)
{
	struct cb_opts *o = opts;

	return bench_parse_counts(arg, 0, 100000000, o->counts, CB_MAX_COUNTS, &o->ncounts);
}

static int opt_family(void *opts, const char *arg)
{
	struct cb_opts *o = opts;

	if (!strcmp(arg, "4"))
		o->fams = 1;
	else if (!strcmp(arg, "6"))
		o->fams = 2;
	else if (!strcmp(arg, "both"))
		o->fams = 3;
	else
		return -EINVAL;
	return 0;
}

static int opt_packets(void *o, const char *arg)
{
	return bench_parse_size(arg, 1, 100000000, &((struct cb_opts *)o)->packets);
}

static int opt_seconds(void *o, const char *arg)
{
	return bench_parse_double(arg, 0, 3600, &((struct cb_opts *)o)->seconds);
}

static int opt_hit(void *o, const char *arg)
{
	return bench_parse_double(arg, 0, 1, &((struct cb_opts *)o)->hit);
}

static int opt_seed(void *o, const char *arg)
{
	return bench_parse_u64(arg, 0, UINT64_MAX, &((struct cb_opts *)o)->seed);
}

static int opt_port_rules(void *o, const char *arg)
{
	return bench_parse_size(arg, 0, 1000000, &((struct cb_opts *)o)->port_rules);
}

static const struct bench_opt cb_optab[] = {
	{ "rules", "LIST", "rule counts, e.g. 1,10,100 "
	  "(default 1,10,100,1000,10000,100000,1000000)", opt_rules },
	{ "family", "4|6|both", "address family (default both)", opt_family },
	{ "packets", "N", "packets in the pool (default 65536)", opt_packets },
	{ "seconds", "S", "length of each of the 5 timed runs (default 0.2)",
	  opt_seconds },
	{ "hit-fraction", "F", "share of packets a drop rule matches "
	  "(default 0.5)", opt_hit },
	{ "seed", "N", "random seed (default 1)", opt_seed },
	{ "port-rules", "N", "port rules before the prefix rules; the frames get random "
	  "ports (default 0)", opt_port_rules },
};

static const struct bench_cmd cb_cmd = {
	.prog = "xskwall-classify-bench",
	.synopsis = "usage: xskwall-classify-bench [options]\n\n"
		    "Times fp_ruleset_create() and fp_classify(); one JSON line per (family, rules).",
	.opts = cb_optab,
	.n_opts = sizeof(cb_optab) / sizeof(cb_optab[0]),
};

int main(int argc, char **argv)
{
	struct cb_opts o = {
		.counts = { 1, 10, 100, 1000, 10000, 100000, 1000000 },
		.ncounts = 7, .fams = 3, .packets = 65536, .seconds = 0.2,
		.hit = 0.5, .seed = 1,
	};
	unsigned i;
	int fam, err;

	err = bench_opt_parse(&cb_cmd, argc, argv, &o);
	if (err)
		return err > 0 ? 0 : 2;
	for (fam = 4; fam <= 6; fam += 2) {
		if (!(o.fams & (fam == 4 ? 1 : 2)))
			continue;
		for (i = 0; i < o.ncounts; i++) {
			struct sm_rng rng = { o.seed * 1000003u + (uint64_t)fam * 7 + i };

			err = cb_one(&o, &rng, fam, o.counts[i]);
			if (err) {
				fprintf(stderr, "family %d, %zu rules: %s\n", fam,
					o.counts[i], strerror(-err));
				return 1;
			}
		}
	}
	return 0;
}
