/* tests/lab/gen/gen_worker.c - what every xskwall-gen thread shares whatever
 * the mode: quota (--count), pacing (--rate), the deadline (--duration,
 * capped at 600 s), the stop flag set by main, and thread start/join with
 * CPU pinning. Counters have one writer (the worker) and are read by main
 * with relaxed atomics. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include "benchopt.h"
#include "gen.h"

void gen_ctr_set(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

uint64_t gen_ctr_get(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

bool gen_stopped(const struct gen_ctx *ctx)
{
	return __atomic_load_n(&ctx->stop, __ATOMIC_RELAXED);
}

static void gen_sleep_until(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ull),
			       .tv_nsec = (long)(ns % 1000000000ull) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Frames in the next round of templates: the chunk, or with --rate when
 * behind schedule (every BPF_PROG_RUN call costs milliseconds) all the
 * rounds owed at once, so that the average rate holds; never more than the
 * quota left, so a --count run ends on a whole, proportional round. */
uint64_t gen_worker_round(const struct gen_worker *w)
{
	uint64_t owed = 0, n = w->chunk, left = w->quota - w->queued;

	if (w->rate)
		owed = (uint64_t)((unsigned __int128)w->rate * (bench_now_ns() - w->ctx->t0_ns) /
				  1000000000u);
	if (owed > w->queued + n)
		n = (owed - w->queued) / w->chunk * w->chunk;
	if (n > GEN_LIVE_MAX_BATCH)
		n = GEN_LIVE_MAX_BATCH;
	return n < left ? n : left;
}

/* Frames go out in bursts of `want`; with --rate a burst waits for its
 * slot on the schedule t0 + queued / rate. */
uint32_t gen_worker_budget(struct gen_worker *w, uint32_t want)
{
	const struct gen_ctx *ctx = w->ctx;
	uint64_t now, due;

	if (gen_stopped(ctx))
		return 0;
	if (w->queued >= w->quota)
		return 0;
	if (want > w->quota - w->queued)
		want = (uint32_t)(w->quota - w->queued);
	now = bench_now_ns();
	if (now >= ctx->deadline_ns)
		return 0;
	if (w->pps_est) {	/* do not run far past the deadline */
		uint64_t left = (uint64_t)((unsigned __int128)w->pps_est *
					   (ctx->deadline_ns - now) / 1000000000u) + 1;

		if (want > left)
			want = (uint32_t)left;
	}
	if (!w->rate)
		return want;
	due = ctx->t0_ns + (uint64_t)((unsigned __int128)w->queued * 1000000000u / w->rate);
	if (due >= ctx->deadline_ns)
		return 0;
	if (due > now)
		gen_sleep_until(due);
	return gen_stopped(ctx) ? 0 : want;
}

static int gen_worker_spawn(struct gen_worker *w, void *(*fn)(void *))
{
	pthread_attr_t attr;
	cpu_set_t set;
	int err;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	err = pthread_attr_init(&attr);
	if (err)
		return -err;
	err = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	if (!err)
		err = pthread_create(&w->tid, &attr, fn, w);
	pthread_attr_destroy(&attr);
	if (err)
		return -err;
	w->started = true;
	return 0;
}

int gen_workers_start(struct gen_ctx *ctx, void *(*fn)(void *))
{
	int err;

	for (unsigned int i = 0; i < ctx->opt.threads; i++) {
		err = gen_worker_spawn(&ctx->w[i], fn);
		if (err)
			return err;
	}
	return 0;
}

/* Tell every worker to stop and wait for them; safe to call twice. */
void gen_workers_stop(struct gen_ctx *ctx)
{
	__atomic_store_n(&ctx->stop, 1, __ATOMIC_RELAXED);
	for (unsigned int i = 0; ctx->w && i < ctx->opt.threads; i++) {
		if (!ctx->w[i].started)
			continue;
		pthread_join(ctx->w[i].tid, NULL);
		ctx->w[i].started = false;
	}
}

bool gen_workers_done(const struct gen_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->opt.threads; i++)
		if (!__atomic_load_n(&ctx->w[i].done, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

/* Frames of template k in a round of `round` frames: its weighted share. */
uint32_t gen_worker_share(const struct gen_worker *w, unsigned int k, uint64_t round)
{
	const struct gen_ctx *ctx = w->ctx;
	uint64_t n = round * ctx->tmpl[k].weight / ctx->weight_sum;

	return n ? (uint32_t)n : 1;
}

/* Mark the worker finished (main polls gen_workers_done). */
void gen_worker_finish(struct gen_worker *w, int err)
{
	struct timespec ts;

	w->err = err;
	w->t_end_ns = bench_now_ns();
	if (!clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		w->cpu_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
}
