/* control/sample.c - read every counter at once; rates between readings. */
#include <string.h>
#include <time.h>
#include "sample.h"

static uint64_t ctl_clock_ns(clockid_t clock)
{
	struct timespec t;

	clock_gettime(clock, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

void ctl_sample_take(const struct fp_engine *e, struct ctl_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->t_ns = ctl_clock_ns(CLOCK_MONOTONIC);
	s->t_unix_ns = ctl_clock_ns(CLOCK_REALTIME);
	s->nqueues = fp_engine_nqueues(e);
	for (uint32_t i = 0; i < s->nqueues; i++) {
		struct ctl_queue_sample *q = &s->q[i];

		q->queue = fp_engine_queue_id(e, i);
		fp_engine_queue_stats(e, i, &q->s);
		fp_stats_accumulate(&s->total, &q->s);
		for (int p = 0; p < FP_NPORTS; p++)
			q->have_k[p] = !fp_engine_xsk_stats(e, i, p, &q->k[p]);
	}
	for (int p = 0; p < FP_NPORTS; p++)
		s->have_miss[p] = !fp_engine_port_misses(e, p, &s->on_miss[p]);
}

static const struct fp_queue_stats *ctl_sample_slot(const struct ctl_sample *s, uint32_t i)
{
	if (i == UINT32_MAX)
		return &s->total;
	return i < s->nqueues ? &s->q[i].s : NULL;
}

double ctl_sample_rate(const struct ctl_sample *prev, const struct ctl_sample *cur, uint32_t i,
		       int dir, unsigned ctr)
{
	const struct fp_queue_stats *a = ctl_sample_slot(prev, i), *b = ctl_sample_slot(cur, i);

	if (!prev->t_ns || cur->t_ns <= prev->t_ns || !a || !b)
		return 0;
	if (i != UINT32_MAX && prev->q[i].queue != cur->q[i].queue)
		return 0;
	if (b->dir[dir].c[ctr] < a->dir[dir].c[ctr])
		return 0;
	return (double)(b->dir[dir].c[ctr] - a->dir[dir].c[ctr]) * 1e9 /
	       (double)(cur->t_ns - prev->t_ns);
}
