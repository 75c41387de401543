/* tests/lab/gen/gen.h - xskwall-gen's objects, shared by its modules:
 *   gen_opts.c    the option table and its validation
 *   gen_frame.c   frame templates and their constant checksum parts
 *   gen_worker.c  per-thread pacing/quota/deadline, thread start and join
 *   gen_live.c    the XDP live-frames mode (BPF_PROG_RUN + XDP_TX)
 *   gen_afxdp.c   the AF_XDP copy-mode TX fallback
 *   gen.c         main: context create/destroy, run, report
 */
#ifndef GEN_H
#define GEN_H
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "gen_abi.h"

#define GEN_MAX_THREADS 64
#define GEN_MAX_SECONDS 600		/* hard cap of every run */
#define GEN_FRAME_MAX 1514		/* built bytes: 1518 on the wire with FCS */
#define GEN_FCS 4
#define GEN_LIVE_BATCH 65536		/* first BPF_PROG_RUN call; then adaptive */
#define GEN_LIVE_MAX_BATCH (1u << 22)

enum gen_mode { GEN_MODE_AUTO, GEN_MODE_LIVE, GEN_MODE_AFXDP };

struct gen_range {			/* host-order base, see gen_abi.h */
	uint64_t hi, lo, count;
};

struct gen_opts {
	const char *dev;
	uint8_t dst_mac[6], src_mac[6];
	bool have_src_mac;
	unsigned int size;		/* on the wire, FCS included; 0: default */
	unsigned int weight[GEN_KIND_MAX];
	int family;			/* 4 or 6 */
	const char *src_arg, *dst_arg;	/* resolved once the family is known */
	struct gen_range src, dst;
	uint32_t sport_lo, sport_hi, dport;
	unsigned int threads;
	int cpus[GEN_MAX_THREADS];
	unsigned int n_cpus;
	uint64_t rate, count, duration;	/* 0: not given */
	enum gen_mode mode;
	bool json;
};

struct gen_tmpl {
	enum gen_kind kind;
	unsigned int weight;
	uint8_t frame[GEN_FRAME_MAX];
};

struct gen_xsk;
struct xskwall_gen_bpf;

struct gen_worker {
	struct gen_ctx *ctx;
	unsigned int index;
	int cpu;
	uint64_t quota;			/* frames to send, UINT64_MAX: no --count */
	uint64_t rate;			/* frames per second, 0: unlimited */
	uint32_t chunk;			/* frames per round of templates */
	uint64_t pps_est;		/* measured rate of the last call, 0: none yet */
	uint64_t queued;		/* handed to the kernel (pacing, quota) */
	uint64_t sent;			/* confirmed sent; worker writes, main reads */
	uint64_t t_end_ns;
	uint64_t cpu_ns;		/* the thread's CPU time, at the end */
	int err;
	int done;			/* set by the worker when it returns */
	bool started;
	pthread_t tid;
	struct gen_xsk *xsk;		/* AF_XDP mode only */
} __attribute__((aligned(64)));

struct gen_ctx {
	struct gen_opts opt;
	int ifindex;
	unsigned int frame_len;		/* built bytes (no FCS) */
	struct gen_tmpl tmpl[GEN_KIND_MAX];
	unsigned int n_tmpl, weight_sum;
	struct xskwall_gen_bpf *skel;
	int prog_fd;
	enum gen_mode mode;		/* resolved: LIVE or AFXDP */
	uint64_t t0_ns, deadline_ns;
	int stop;			/* atomic */
	struct gen_worker *w;		/* opt.threads of them */
};

/* gen_opts.c: 0, 1 (help printed) or -EINVAL (reason on stderr). */
int gen_opts_parse(int argc, char **argv, struct gen_opts *o);
const char *gen_kind_name(enum gen_kind k);

/* gen_frame.c */
unsigned int gen_frame_min_len(int family, enum gen_kind k);
void gen_frame_build(const struct gen_opts *o, enum gen_kind k, unsigned int len, uint8_t *buf);
uint32_t gen_frame_l4_sum(const uint8_t *frame, unsigned int len);

/* gen_worker.c: how many frames the worker may hand over now (sleeps for
 * --rate); 0 once it must stop (signal, deadline, quota). */
uint32_t gen_worker_budget(struct gen_worker *w, uint32_t want);
uint64_t gen_worker_round(const struct gen_worker *w);
uint32_t gen_worker_share(const struct gen_worker *w, unsigned int k, uint64_t round);
void gen_worker_finish(struct gen_worker *w, int err);
bool gen_stopped(const struct gen_ctx *ctx);
void gen_ctr_set(uint64_t *c, uint64_t v);
uint64_t gen_ctr_get(const uint64_t *c);
int gen_workers_start(struct gen_ctx *ctx, void *(*fn)(void *));
void gen_workers_stop(struct gen_ctx *ctx);
bool gen_workers_done(const struct gen_ctx *ctx);

/* gen_live.c */
int gen_live_probe(const struct gen_ctx *ctx);
void *gen_live_main(void *arg);

/* gen_afxdp.c */
int gen_xsk_create(struct gen_worker *w, struct gen_xsk **out);
void gen_xsk_destroy(struct gen_xsk *x);
void *gen_afxdp_main(void *arg);

#endif /* GEN_H */
